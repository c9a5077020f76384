/*
 * plan/plan_merge_series.c — the parts of a merge that need time or histograms: latency
 * histograms merged exactly, the hosts' windows placed on the reference clock (overlap,
 * skews, late and non-overlapping hosts), and the per-second series summed per absolute
 * second (see plan_merge.c for the whole design).
 *
 * Series: a host that ran with --start-at cut its series on whole seconds of the reference
 * clock (clock.grid = "second", clock.series_start_ns a whole second), so second k of host
 * A and second k' of host B are the same second exactly when their starts differ by k' - k:
 * counts are added there. p50 and p99 of a merged second come from the union of the hosts'
 * histograms of that second (timeseries_histograms), never from their p50s and p99s. Series
 * of runs made without --start-at begin where each host's window began, which no offset can
 * line up to the second: they are not merged, and the notes say so.
 * Expected load: one merge per step; series of minutes to hours (one slot per second).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/dataset.h"
#include "core/err.h"
#include "core/hist.h"
#include "plan/plan_merge_int.h"

#define MX_MAX_SECONDS 10000000   /* 115 days: beyond that the windows are nonsense */

static const json_t *get2(const json_t *o, const char *a, const char *b)
{
    return json_object_get(json_object_get(o, a), b);
}

/* The histogram of host i's `key` latency: NULL with *none when it has none. */
static rg_hist *host_hist(pl_mx *m, size_t i, const char *key, bool *none)
{
    const json_t *hj = get2(m->h[i].run, key, "histogram");
    char e[RG_ERRLEN];
    *none = hj == NULL || json_is_null(hj);
    if (*none)
        return NULL;
    rg_hist *h = rg_hist_from_json(hj, e);
    if (h == NULL)
        rg_err_set(m->err, "%s: %s.histogram: %.300s", m->h[i].host, key, e);
    return h;
}

int pl_mx_latency(pl_mx *m, json_t *out, const char *key)
{
    rg_hist *acc = NULL;
    size_t from = 0;
    for (size_t i = 0; i < m->n; i++) {
        bool none;
        if (m->h[i].run == NULL)
            continue;
        rg_hist *h = host_hist(m, i, key, &none);
        if (none && rg_json_num(m->h[i].run, "requests", 0) == 0)
            continue;   /* no response, no histogram: nothing to add */
        if (none) {
            rg_hist_free(acc);
            return rg_err(m->err, "%s: its %s has no histogram: percentiles cannot be merged "
                          "from summaries (they are never averaged)", m->h[i].host, key);
        }
        if (h == NULL) {
            rg_hist_free(acc);
            return -1;
        }
        if (acc != NULL && (rg_hist_sigfigs(h) != rg_hist_sigfigs(acc) ||
                            rg_hist_highest(h) != rg_hist_highest(acc))) {
            rg_err_set(m->err, "cannot merge exactly: %s's %s histogram has %d significant "
                       "digits up to %lld us, %s's %d up to %lld us; every host must record "
                       "with the same precision", m->h[i].host, key, rg_hist_sigfigs(h),
                       (long long)rg_hist_highest(h), m->h[from].host, rg_hist_sigfigs(acc),
                       (long long)rg_hist_highest(acc));
            rg_hist_free(h);
            rg_hist_free(acc);
            return -1;
        }
        if (acc == NULL) {
            acc = h;
            from = i;
            continue;
        }
        rg_hist_merge(acc, h);
        rg_hist_free(h);
    }
    if (acc == NULL)   /* nobody got a response: the statistics are null */
        acc = rg_hist_new(RG_HIST_DEFAULT_HIGHEST, RG_HIST_DEFAULT_SIGFIGS, m->err);
    if (acc == NULL)
        return -1;
    json_object_set_new(out, key, rg_latency_json(acc));
    rg_hist_free(acc);
    return 0;
}

static int64_t clock_ns(const json_t *run, const char *key)
{
    const json_t *v = get2(run, "clock", key);
    return json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* References and the uncertainty: the common reference, the largest uncertainty. */
static void clock_sources(pl_mx *m)
{
    m->reference = NULL;
    m->uncertainty_s = 0;
    for (size_t i = 0; i < m->n; i++) {
        const json_t *r = m->h[i].run;
        const char *ref = json_string_value(get2(r, "clock", "reference"));
        const json_t *u = get2(r, "clock", "uncertainty_s");
        if (r == NULL)
            continue;
        ref = ref ? ref : "local";
        if (m->reference == NULL)
            m->reference = ref;
        else if (strcmp(m->reference, ref) != 0)
            m->reference = "mixed";
        m->uncertainty_s = json_is_number(u) ? fmax(m->uncertainty_s, json_number_value(u))
                                             : NAN;
    }
    if (m->reference && strcmp(m->reference, "mixed") == 0)
        pl_mx_say(m->notes, "the hosts' clocks were set against different references "
                  "(clock.reference): their windows line up only as well as those agree");
    else if (m->reference && strcmp(m->reference, "local") == 0 && m->present > 1)
        pl_mx_say(m->notes, "no host knew its clock's offset (no probe, no synchronized NTP): "
                  "the windows are placed by unsynchronized clocks");
}

/* Name the hosts whose window did not overlap the others', or started or ended apart. */
static void window_problems(pl_mx *m, const int64_t *ws, const int64_t *we, const bool *has,
                            int64_t min_ws, int64_t max_we)
{
    for (size_t i = 0; i < m->n; i++) {
        int64_t os = INT64_MIN, oe = INT64_MAX;
        size_t others = 0;
        for (size_t j = 0; j < m->n; j++) {
            if (j == i || !has[j])
                continue;
            os = ws[j] > os ? ws[j] : os;
            oe = we[j] < oe ? we[j] : oe;
            others++;
        }
        if (!has[i] || others == 0 || json_is_false(json_object_get(m->h[i].run, "complete")))
            continue;   /* a run cut short is a problem already; its window says nothing */
        if (ws[i] >= oe || we[i] <= os)
            pl_mx_say(m->problems, "%s: its window did not overlap the other hosts' (it %s "
                      "%.3f s %s)", m->h[i].host, ws[i] >= oe ? "started" : "ended",
                      fabs((double)(ws[i] >= oe ? ws[i] - oe : os - we[i])) / 1e9,
                      ws[i] >= oe ? "after theirs ended" : "before theirs began");
        else if ((double)(ws[i] - min_ws) / 1e9 > m->max_skew_s)
            pl_mx_say(m->problems, "%s: its window started %.3f s after the first host's, "
                      "more than the %.3f s allowed (it started late)", m->h[i].host,
                      (double)(ws[i] - min_ws) / 1e9, m->max_skew_s);
        else if ((double)(max_we - we[i]) / 1e9 > m->max_skew_s)
            pl_mx_say(m->problems, "%s: its window ended %.3f s before the last host's, more "
                      "than the %.3f s allowed", m->h[i].host, (double)(max_we - we[i]) / 1e9,
                      m->max_skew_s);
    }
}

void pl_mx_windows(pl_mx *m)
{
    int64_t *ws = calloc(m->n + 1, sizeof *ws), *we = calloc(m->n + 1, sizeof *we);
    double *len = calloc(m->n + 1, sizeof *len);
    bool *has = calloc(m->n + 1, sizeof *has);
    int64_t min_ws = INT64_MAX, max_ws = INT64_MIN, min_we = INT64_MAX, max_we = INT64_MIN;
    int64_t min_ls = INT64_MAX, max_ls = INT64_MIN;
    size_t k = 0;
    clock_sources(m);
    for (size_t i = 0; ws && we && len && has && i < m->n; i++) {
        const json_t *r = m->h[i].run;
        if (r == NULL)
            continue;
        ws[i] = clock_ns(r, "window_start_ns");
        we[i] = clock_ns(r, "window_end_ns");
        int64_t ls = clock_ns(r, "load_start_ns");
        if (ws[i] <= 0 || we[i] < ws[i]) {
            pl_mx_say(m->problems, "%s: its run has no clock record (made without this rigor's "
                      "load generator?): its window cannot be placed", m->h[i].host);
            continue;
        }
        has[i] = true;
        len[k++] = (double)(we[i] - ws[i]) / 1e9;
        min_ws = ws[i] < min_ws ? ws[i] : min_ws;
        max_ws = ws[i] > max_ws ? ws[i] : max_ws;
        min_we = we[i] < min_we ? we[i] : min_we;
        max_we = we[i] > max_we ? we[i] : max_we;
        min_ls = ls > 0 && ls < min_ls ? ls : min_ls;
        max_ls = ls > max_ls ? ls : max_ls;
    }
    if (k > 0) {
        qsort(len, k, sizeof *len, cmp_double);
        double median = k % 2 ? len[k / 2] : (len[k / 2 - 1] + len[k / 2]) / 2;
        m->max_skew_s = m->o && m->o->max_skew_s >= 0 ? m->o->max_skew_s
                                                      : fmax(0.010, 0.01 * median);
        m->ws = max_ws;
        m->we = min_we;
        m->overlap_s = min_we > max_ws ? (double)(min_we - max_ws) / 1e9 : 0.0;
        m->window_skew_s = (double)(max_ws - min_ws) / 1e9;
        m->end_skew_s = (double)(max_we - min_we) / 1e9;
        m->start_skew_s = max_ls > 0 && min_ls < INT64_MAX ? (double)(max_ls - min_ls) / 1e9
                                                           : NAN;
        window_problems(m, ws, we, has, min_ws, max_we);
    } else {   /* nothing to place: the first run's own window length */
        m->overlap_s = rg_json_num(m->h[m->first].run, "duration_s", 0);
        m->max_skew_s = m->o && m->o->max_skew_s >= 0 ? m->o->max_skew_s : 0.010;
        m->start_skew_s = m->window_skew_s = m->end_skew_s = NAN;
    }
    free(ws);
    free(we);
    free(len);
    free(has);
}

/* Can the hosts' series be merged per absolute second? If so, the range in base, len. */
static bool series_mergeable(pl_mx *m, int64_t *base, size_t *len, bool *with_hist)
{
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    *with_hist = true;
    for (size_t i = 0; i < m->n; i++) {
        const json_t *r = m->h[i].run, *req = get2(r, "timeseries", "requests");
        const char *grid = json_string_value(get2(r, "clock", "grid"));
        int64_t ss = clock_ns(r, "series_start_ns");
        if (r == NULL)
            continue;
        if (!json_is_array(req)) {
            pl_mx_say(m->notes, "series not merged: %s recorded none", m->h[i].host);
            return false;
        }
        if (grid == NULL || strcmp(grid, "second") != 0 || ss <= 0 || ss % 1000000000 != 0) {
            pl_mx_say(m->notes, "series not merged: %s's series are not cut on whole seconds "
                      "of the reference clock (a run without --start-at)", m->h[i].host);
            return false;
        }
        const json_t *hs = json_object_get(r, "timeseries_histograms");
        if (json_array_size(hs) != json_array_size(req))
            *with_hist = false;
        lo = ss / 1000000000 < lo ? ss / 1000000000 : lo;
        int64_t end = ss / 1000000000 + (int64_t)json_array_size(req);
        hi = end > hi ? end : hi;
    }
    if (hi - lo > MX_MAX_SECONDS || hi < lo) {
        pl_mx_say(m->notes, "series not merged: the hosts' series span %lld s",
                  (long long)(hi - lo));
        return false;
    }
    *base = lo;
    *len = (size_t)(hi - lo);
    return true;
}

/* Add host i's second k histogram into sec[at] (created on first use). 0 or -1 (err). */
static int add_second(pl_mx *m, size_t i, const json_t *hj, rg_hist **sec)
{
    char e[RG_ERRLEN];
    if (hj == NULL || json_is_null(hj))
        return 0;
    rg_hist *h = rg_hist_from_json(hj, e);
    if (h == NULL)
        return rg_err(m->err, "%s: timeseries_histograms: %.300s", m->h[i].host, e);
    if (*sec == NULL) {
        *sec = h;
        return 0;
    }
    int rc = rg_hist_merge(*sec, h);
    rg_hist_free(h);
    if (rc != 0)
        return rg_err(m->err, "%s: its per-second histograms have another precision than "
                      "the other hosts'", m->h[i].host);
    return 0;
}

/* The merged series object from the per-second sums and histograms. */
static json_t *series_json(const json_int_t *req, const json_int_t *errs, rg_hist **sec,
                           size_t len, bool with_hist)
{
    json_t *ts = json_object(), *a[4];
    for (int k = 0; k < 4; k++)
        a[k] = json_array();
    for (size_t s = 0; s < len; s++) {
        json_array_append_new(a[0], json_integer(req[s]));
        json_array_append_new(a[1], json_integer(errs[s]));
        bool some = with_hist && sec[s] != NULL && rg_hist_count(sec[s]) > 0;
        json_array_append_new(a[2], some ? json_integer(rg_hist_percentile(sec[s], 50))
                                         : json_null());
        json_array_append_new(a[3], some ? json_integer(rg_hist_percentile(sec[s], 99))
                                         : json_null());
    }
    json_object_set_new(ts, "requests", a[0]);
    json_object_set_new(ts, "errors", a[1]);
    json_object_set_new(ts, "p50", a[2]);
    json_object_set_new(ts, "p99", a[3]);
    return ts;
}

int pl_mx_series(pl_mx *m, json_t *out)
{
    int64_t base;
    size_t len;
    bool with_hist;
    if (!series_mergeable(m, &base, &len, &with_hist))
        return 0;
    json_int_t *req = calloc(len + 1, sizeof *req), *errs = calloc(len + 1, sizeof *errs);
    rg_hist **sec = calloc(len + 1, sizeof *sec);
    int rc = req && errs && sec ? 0 : rg_err(m->err, "out of memory");
    for (size_t i = 0; rc == 0 && i < m->n; i++) {
        const json_t *r = m->h[i].run;
        if (r == NULL)
            continue;
        const json_t *rq = get2(r, "timeseries", "requests"), *er = get2(r, "timeseries", "errors");
        const json_t *hs = json_object_get(r, "timeseries_histograms");
        size_t at = (size_t)(clock_ns(r, "series_start_ns") / 1000000000 - base);
        for (size_t k = 0; rc == 0 && k < json_array_size(rq); k++) {
            req[at + k] += (json_int_t)json_number_value(json_array_get(rq, k));
            errs[at + k] += (json_int_t)json_number_value(json_array_get(er, k));
            if (with_hist)
                rc = add_second(m, i, json_array_get(hs, k), &sec[at + k]);
        }
        if (json_object_get(json_object_get(r, "timeseries"), "cpu_pct"))
            pl_mx_say(m->notes, "%s's server samples (cpu_pct, rss_kb) are kept in hosts[] "
                      "only", m->h[i].host);
    }
    if (rc == 0) {
        if (!with_hist)
            pl_mx_say(m->notes, "per-second p50 and p99 not merged: a host recorded no "
                      "per-second histograms (timeseries_histograms)");
        json_object_set_new(out, "timeseries", series_json(req, errs, sec, len, with_hist));
        m->series_start_ns = base * 1000000000;
    }
    for (size_t s = 0; sec && s < len; s++)
        rg_hist_free(sec[s]);
    free(sec);
    free(req);
    free(errs);
    return rc;
}

static json_t *num_or_null(double x)
{
    return isnan(x) ? json_null() : json_real(x);
}

json_t *pl_mx_clock_json(const pl_mx *m)
{
    json_t *c = json_object();
    json_object_set_new(c, "reference", json_string(m->reference ? m->reference : "local"));
    json_object_set_new(c, "uncertainty_s", num_or_null(m->uncertainty_s));
    const json_t *at = get2(m->h[m->first].run, "clock", "start_at");
    for (size_t i = 0; at && i < m->n; i++)
        if (m->h[i].run && !json_equal(at, get2(m->h[i].run, "clock", "start_at")))
            at = NULL;
    if (at)
        json_object_set(c, "start_at", (json_t *)at);
    if (m->ws > 0) {
        json_object_set_new(c, "window_start_ns", json_integer((json_int_t)m->ws));
        json_object_set_new(c, "window_end_ns", json_integer((json_int_t)(m->we > m->ws ? m->we
                                                                                        : m->ws)));
    }
    if (m->series_start_ns > 0) {
        json_object_set_new(c, "series_start_ns", json_integer((json_int_t)m->series_start_ns));
        json_object_set_new(c, "grid", json_string("second"));
    }
    json_object_set_new(c, "start_skew_s", num_or_null(m->start_skew_s));
    json_object_set_new(c, "window_skew_s", num_or_null(m->window_skew_s));
    json_object_set_new(c, "end_skew_s", num_or_null(m->end_skew_s));
    return c;
}
