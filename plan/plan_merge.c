/*
 * plan/plan_merge.c — the runs several load hosts made of one step, merged into one run
 * (docs/distributed.md): what `rigor run` does after a distributed step and what
 * `rigor merge` does with the hosts' dataset files.
 *
 * Design: the merge is exact or it refuses. Counts are summed (requests, errors by kind,
 * status codes, bytes, the edges, the open-loop due/sent/backlog); latency histograms are
 * merged bucket by bucket with core/hist.h (merge(a, b) equals recording a and b into one
 * histogram), so every percentile of the merged run is the percentile of all the requests —
 * percentiles are never averaged; histograms of different precision, or a host without a
 * histogram, stop the merge with an error rather than give an approximation. The per-second
 * series are summed per absolute second (plan_merge_series.c). The measured window is the
 * overlap of the hosts' windows on the reference clock (each host recorded its window with
 * its clock offset applied), and the throughput is the sum of the hosts' rates (each host's
 * requests over its own window), which is what the hosts sent together while all of them
 * ran. A host that failed, was missing, was cut short, started or ended its window more than
 * max_skew apart from the others, or whose window did not overlap theirs is named in
 * merge.problems and the merged run is "complete": false: analysis skips it, and it is never
 * passed off as the whole load. Every host's own run is kept in `hosts`, so a saturated
 * generator (client.cpu_pct) or an odd host stays visible.
 * Expected load: one merge per distributed step, 2 to a few hundred hosts.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/clock.h"
#include "core/dataset.h"
#include "core/err.h"
#include "core/hist.h"
#include "plan/plan_int.h"
#include "plan/plan_merge_int.h"

/* Add a formatted line to an array of strings (problems, notes). */
void pl_mx_say(json_t *list, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    json_array_append_new(list, json_string(buf));
}

static const char *str_of(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static bool same_str(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

/* Runs that can be merged at all: one target, one URL and method, one loop kind. */
static int check_same(pl_mx *m)
{
    const json_t *r0 = m->h[m->first].run;
    bool open0 = rg_json_num(r0, "rate", 0) > 0;
    for (size_t i = 0; i < m->n; i++) {
        const json_t *r = m->h[i].run;
        if (r == NULL)
            continue;
        if (json_object_get(r, "hosts") != NULL)
            return rg_err(m->err, "%s: this run is already a merge of several hosts",
                          m->h[i].host);
        if (!same_str(str_of(r, "target"), str_of(r0, "target")) ||
            !same_str(str_of(r, "url"), str_of(r0, "url")))
            return rg_err(m->err, "%s loaded %s (%s), %s loaded %s (%s): not the same target",
                          m->h[i].host, str_of(r, "target"), str_of(r, "url"),
                          m->h[m->first].host, str_of(r0, "target"), str_of(r0, "url"));
        if (!same_str(str_of(r, "method"), str_of(r0, "method")))
            return rg_err(m->err, "%s sent %s requests, %s %s: not the same load",
                          m->h[i].host, str_of(r, "method"), m->h[m->first].host,
                          str_of(r0, "method"));
        if ((rg_json_num(r, "rate", 0) > 0) != open0)
            return rg_err(m->err, "%s ran %s, %s %s: not the same load", m->h[i].host,
                          open0 ? "a closed loop" : "an open loop", m->h[m->first].host,
                          open0 ? "an open loop" : "a closed loop");
    }
    return 0;
}

/*
 * The cell: the whole cell of --split when every host recorded the same one, else the sum of
 * the hosts' own cells. With --split, the hosts expected are N of the split: a missing index
 * (no run and no failed host to account for it) is a problem; a duplicated one an error.
 */
static int cell_and_split(pl_mx *m, double *cell, bool *open)
{
    const json_t *s0 = json_object_get(m->h[m->first].run, "split");
    const char *key = rg_json_num(m->h[m->first].run, "rate", 0) > 0 ? "rate" : "concurrency";
    long long of = (long long)rg_json_num(s0, "of", 0);
    double whole = rg_json_num(s0, key, 0), sum = 0;
    bool all = of > 0 && whole > 0;
    size_t failed = 0;
    *open = strcmp(key, "rate") == 0;
    for (size_t i = 0; i < m->n; i++) {
        const json_t *r = m->h[i].run, *sp = json_object_get(r, "split");
        failed += r == NULL;
        if (r == NULL)
            continue;
        sum += rg_json_num(r, key, 0);
        if (rg_json_num(sp, "of", 0) != (double)of || rg_json_num(sp, key, 0) != whole)
            all = false;
    }
    *cell = all ? whole : sum;
    if (!all)
        return 0;
    char *seen = calloc((size_t)of + 1, 1), missing[256] = "";
    if (seen == NULL)
        return rg_err(m->err, "out of memory");
    size_t present = 0;
    for (size_t i = 0; i < m->n; i++) {
        long long k = (long long)rg_json_num(json_object_get(m->h[i].run, "split"), "index", 0);
        if (m->h[i].run == NULL || k < 1 || k > of)
            continue;
        if (seen[k]++) {
            free(seen);
            return rg_err(m->err, "two runs are host %lld of %lld (--split %lld/%lld), %s's "
                          "among them", k, of, k, of, m->h[i].host);
        }
        present++;
    }
    for (long long k = 1; k <= of && present + failed < (size_t)of; k++)
        if (!seen[k] && strlen(missing) < sizeof missing - 24)
            snprintf(missing + strlen(missing), sizeof missing - strlen(missing), "%s%lld",
                     missing[0] ? ", " : "", k);
    if (missing[0])
        pl_mx_say(m->problems, "%zu of the %lld hosts of --split are missing (host %s)",
                  (size_t)of - present - failed, of, missing);
    free(seen);
    return 0;
}

/* Sum the integer at `key` of every object at `path` (an object of counts) into one. */
static json_t *sum_counts(const pl_mx *m, const char *key)
{
    json_t *out = json_object();
    for (size_t i = 0; i < m->n; i++) {
        const char *k;
        json_t *v;
        json_t *obj = json_object_get(m->h[i].run, key);
        json_object_foreach(obj, k, v) {
            json_int_t prev = json_integer_value(json_object_get(out, k));
            json_object_set_new(out, k, json_integer(prev + json_integer_value(v)));
        }
    }
    return out;
}

static json_int_t sum_int(const pl_mx *m, const char *dotted)
{
    json_int_t s = 0;
    for (size_t i = 0; i < m->n; i++)
        s += (json_int_t)rg_json_path_num(m->h[i].run, dotted, 0);
    return s;
}

static double sum_num(const pl_mx *m, const char *dotted)
{
    double s = 0;
    for (size_t i = 0; i < m->n; i++)
        s += rg_json_path_num(m->h[i].run, dotted, 0);
    return s;
}

/* Error kinds: summed; a kind some host could not see (absent) is said in the notes. */
static json_t *merge_errors(pl_mx *m)
{
    json_t *e = sum_counts(m, "errors");
    const char *k;
    json_t *v;
    json_object_foreach(e, k, v) {
        for (size_t i = 0; i < m->n; i++)
            if (m->h[i].run && !json_object_get(json_object_get(m->h[i].run, "errors"), k)) {
                pl_mx_say(m->notes, "errors.%s: %s did not record this kind; the sum is of "
                          "the hosts that did", k, m->h[i].host);
                break;
            }
    }
    return e;
}

static json_t *merge_open_loop(const pl_mx *m)
{
    bool kept = true;
    for (size_t i = 0; i < m->n; i++)
        if (m->h[i].run && !json_is_true(json_object_get(json_object_get(m->h[i].run,
                                                                          "open_loop"),
                                                          "kept_up")))
            kept = false;
    return json_pack("{s:f, s:f, s:I, s:I, s:I, s:b}", "intended_rps",
                     sum_num(m, "open_loop.intended_rps"), "achieved_rps",
                     sum_num(m, "open_loop.achieved_rps"), "due", sum_int(m, "open_loop.due"),
                     "sent", sum_int(m, "open_loop.sent"), "backlog",
                     sum_int(m, "open_loop.backlog"), "kept_up", kept);
}

/* A key whose value every host shares (method, keepalive, timeout_s): that value, or null. */
static json_t *common_value(pl_mx *m, const char *key)
{
    const json_t *v0 = json_object_get(m->h[m->first].run, key);
    for (size_t i = 0; i < m->n; i++) {
        const json_t *v = m->h[i].run ? json_object_get(m->h[i].run, key) : v0;
        if (!(v == NULL && v0 == NULL) && !(v && v0 && json_equal(v, v0))) {
            pl_mx_say(m->notes, "%s differs between the hosts (see hosts[])", key);
            return json_null();
        }
    }
    return v0 ? json_incref((json_t *)v0) : json_null();
}

/* A generator that used (nearly) all the CPU it had may have been the bottleneck. */
static void note_saturation(pl_mx *m)
{
    for (size_t i = 0; i < m->n; i++) {
        double cpu = rg_json_path_num(m->h[i].run, "client.cpu_pct", NAN);
        double thr = rg_json_path_num(m->h[i].run, "client.threads", 1);
        if (cpu >= 90.0 * thr)
            pl_mx_say(m->notes, "%s's load generator used %.0f%% CPU with %.0f thread%s: it "
                      "may have limited the load (add threads or hosts)", m->h[i].host, cpu,
                      thr, thr == 1 ? "" : "s");
    }
}

/* hosts[]: each host's own run, with "host" (and "file", "problem") first. */
static json_t *hosts_json(const pl_mx *m)
{
    json_t *a = json_array();
    for (size_t i = 0; i < m->n; i++) {
        json_t *o = json_object();
        const char *k;
        json_t *v;
        json_object_set_new(o, "host", json_string(m->h[i].host));
        if (m->h[i].file)
            json_object_set_new(o, "file", json_string(m->h[i].file));
        if (m->h[i].problem)
            json_object_set_new(o, "problem", json_string(m->h[i].problem));
        json_object_foreach((json_t *)m->h[i].run, k, v)
            json_object_set(o, k, v);
        json_array_append_new(a, o);
    }
    return a;
}

/* The measured keys in the SPEC's order (identity is set by the caller). */
static int fill_measured(pl_mx *m, json_t *out, bool open)
{
    const json_t *r0 = m->h[m->first].run;
    json_object_set_new(out, "duration_s", json_real(m->overlap_s));
    json_object_set_new(out, "requests", json_integer(sum_int(m, "requests")));
    json_object_set_new(out, "errors", merge_errors(m));
    json_object_set_new(out, "status", sum_counts(m, "status"));
    json_object_set_new(out, "bytes_in", json_integer(sum_int(m, "bytes_in")));
    json_object_set_new(out, "bytes_out", json_integer(sum_int(m, "bytes_out")));
    json_object_set_new(out, "throughput_rps", json_real(sum_num(m, "throughput_rps")));
    if (pl_mx_latency(m, out, "latency") != 0 ||
        (open && pl_mx_latency(m, out, "latency_uncorrected") != 0))
        return -1;
    if (pl_mx_series(m, out) != 0)
        return -1;
    json_object_set_new(out, "connections", json_integer(sum_int(m, "connections")));
    json_object_set_new(out, "threads", json_integer(sum_int(m, "threads")));
    json_object_set_new(out, "method", common_value(m, "method"));
    json_object_set_new(out, "keepalive", common_value(m, "keepalive"));
    json_object_set_new(out, "warmup_s", json_incref(json_object_get(r0, "warmup_s")
                                                         ? json_object_get(r0, "warmup_s")
                                                         : json_null()));
    json_object_set_new(out, "timeout_s", common_value(m, "timeout_s"));
    if (open)
        json_object_set_new(out, "open_loop", merge_open_loop(m));
    json_object_set_new(out, "edges", json_pack("{s:I, s:I}", "outside_window",
                        sum_int(m, "edges.outside_window"), "in_flight_at_end",
                        sum_int(m, "edges.in_flight_at_end")));
    return 0;
}

/* Problems that need no window: failed hosts, runs cut short, an empty merge. */
static void host_problems(pl_mx *m)
{
    for (size_t i = 0; i < m->n; i++) {
        if (m->h[i].run == NULL)
            pl_mx_say(m->problems, "%s: %s", m->h[i].host,
                      m->h[i].problem ? m->h[i].problem : "no run");
        else if (json_is_false(json_object_get(m->h[i].run, "complete")))
            pl_mx_say(m->problems, "%s: its run was cut short (\"complete\": false)",
                      m->h[i].host);
    }
}

static json_t *assemble(pl_mx *m, double cell, bool open)
{
    const json_t *r0 = m->h[m->first].run;
    char started[48];
    rg_rfc3339(started, sizeof started, (uint64_t)(m->ws > 0 ? m->ws : 0));
    json_t *out = rg_run_new(str_of(r0, "target"), str_of(r0, "url"),
                             open ? 0 : (long long)llround(cell), open ? cell : 0,
                             (int)rg_json_num(r0, "run", 1),
                             str_of(r0, "source") ? str_of(r0, "source") : "load", 1,
                             m->ws > 0 ? started : NULL);
    if (out == NULL || fill_measured(m, out, open) != 0) {
        json_decref(out);
        return NULL;
    }
    note_saturation(m);
    json_object_set_new(out, "clock", pl_mx_clock_json(m));
    bool complete = json_array_size(m->problems) == 0;
    json_object_set_new(out, "complete", json_boolean(complete));
    json_object_set_new(out, "merge", json_pack("{s:I, s:I, s:f, s:O, s:O}", "hosts",
                        (json_int_t)m->n, "hosts_merged", (json_int_t)m->present,
                        "max_skew_s", m->max_skew_s, "problems", m->problems, "notes",
                        m->notes));
    json_object_set_new(out, "hosts", hosts_json(m));
    return out;
}

json_t *pl_merge(const pl_host_run *h, size_t n, const pl_merge_opts *o, char *err)
{
    pl_mx m = {.h = h, .n = n, .o = o, .err = err, .problems = json_array(),
               .notes = json_array()};
    json_t *out = NULL;
    double cell = 0;
    bool open = false;
    while (m.first < n && h[m.first].run == NULL)
        m.first++;
    for (size_t i = 0; i < n; i++)
        m.present += h[i].run != NULL;
    if (m.first == n) {
        rg_err_set(err, "no host produced a run to merge");
        goto out;
    }
    if (check_same(&m) != 0 || cell_and_split(&m, &cell, &open) != 0)
        goto out;
    host_problems(&m);
    pl_mx_windows(&m);
    out = assemble(&m, cell, open);
out:
    json_decref(m.problems);
    json_decref(m.notes);
    return out;
}
