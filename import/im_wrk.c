/*
 * import/im_wrk.c — wrk (4.x): its text report, and the exact histogram that
 * examples/wrk-histogram.lua writes from wrk's done() hook.
 *
 * The report (with --latency) is a summary: URL, threads and connections, the latency
 * average, stdev and max, the 50/75/90/99% points, "N requests in T", socket errors by kind
 * (the line is printed only when one is non-zero), "Non-2xx or 3xx responses" (which wrk
 * counts for status > 399) and Requests/sec. Times carry wrk's units (us, ms, s, m, h) with
 * two decimals.
 * The Lua script's JSON holds wrk's histogram, one count per microsecond. Pitfall: before
 * done() runs, wrk "corrects" it for coordinated omission — stats_correct(expected) adds, for
 * every value n >= 2e, copies at n - e, n - 2e, ... while above e, where the expected
 * interval e = runtime_us / (requests / connections) in integer arithmetic — so it holds
 * more values than requests, and its percentiles (the ones wrk prints) are not those of the
 * measured requests. The correction is undone here exactly: walking the values downwards,
 * each value's synthetic share is the sum of the original counts above it in its residue
 * class mod e. The connection count comes from --concurrency; without it the expected
 * intervals of 1..10000 connections are tried, and the one whose inversion is consistent
 * (no negative count, the total equal to the requests) is used. If none is, wrk's
 * corrected histogram is kept and the notes say so.
 * The report is read line by line with sscanf: it is wrk's free-form text, no library's format.
 * Expected load: one report, or a histogram of up to ~10^5 distinct values.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/err.h"
#include "import/import_int.h"

#define WRK_MAX_CONNS 10000

int im_sniff_wrk(const im_src *s)
{
    if (im_head_first(s) == '{')
        return im_head_has(s, "\"rigor-wrk-histogram\"") ? 100 : 0;
    if (!im_head_has(s, "Running ") || !im_head_has(s, " test @ ") ||
        !im_head_has(s, "Thread Stats"))
        return 0;
    return im_head_has(s, "Detailed Percentile spectrum") ||
                   im_head_has(s, "HdrHistogram") ? 60 : 90;
}

int im_wrk_time(const char *t, double *us)
{
    static const struct { const char *unit; double us; } u[] = {
        {"us", 1}, {"ms", 1e3}, {"s", 1e6}, {"m", 6e7}, {"h", 3.6e9}};
    char num[64];
    size_t n = strspn(t, "0123456789.");
    if (n == 0 || n >= sizeof num)
        return -1;
    memcpy(num, t, n);
    num[n] = '\0';
    for (size_t i = 0; i < sizeof u / sizeof u[0]; i++) {
        if (strcmp(t + n, u[i].unit) == 0 && im_num(num, us) == 0) {
            *us *= u[i].us;
            return 0;
        }
    }
    return -1;
}

static int wrk_report_line(im_ctx *c, const char *line, char *err)
{
    im_acc *a = c->acc;
    char u[1024], t1[64], t2[64], t3[64];
    double v1, v2, v3, pct;
    long long n1, n2, n3, n4;
    if (sscanf(line, "Running %63s test @ %1023s", t1, u) == 2)
        im_acc_set_url(a, u);
    else if (sscanf(line, " %lld threads and %lld connections", &n1, &n2) == 2)
        a->concurrency = n2;
    else if (sscanf(line, " Latency %63s %63s %63s", t1, t2, t3) == 3 &&
             im_wrk_time(t1, &v1) == 0 && im_wrk_time(t2, &v2) == 0 && im_wrk_time(t3, &v3) == 0) {
        a->lat_mean = v1;
        a->lat_stdev = v2;
        a->lat_max = v3;
    } else if (sscanf(line, " %lf%% %63s", &pct, t1) == 2 && im_wrk_time(t1, &v1) == 0)
        im_acc_percentile(a, pct, v1);
    else if (sscanf(line, " %lld requests in %63[^,]", &n1, t1) == 2 && im_wrk_time(t1, &v1) == 0) {
        a->have_requests = true;
        a->requests = (uint64_t)n1;
        a->duration_s = v1 / 1e6;
    } else if (sscanf(line, " Socket errors: connect %lld, read %lld, write %lld, timeout %lld",
                      &n1, &n2, &n3, &n4) == 4) {
        a->err[IM_ERR_CONNECT] = (uint64_t)n1;
        a->err[IM_ERR_READ] = (uint64_t)n2;
        a->err[IM_ERR_WRITE] = (uint64_t)n3;
        a->err[IM_ERR_TIMEOUT] = (uint64_t)n4;
    } else if (sscanf(line, " Non-2xx or 3xx responses: %lld", &n1) == 1)
        a->err[IM_ERR_STATUS] = (uint64_t)n1;
    else if (sscanf(line, "Requests/sec: %lf", &v1) == 1)
        a->throughput_rps = v1;
    (void)err;
    return 0;
}

static int wrk_report(im_ctx *c, char *err)
{
    char *line;
    size_t len;
    int rc;
    im_acc *a = c->acc;
    while ((rc = im_src_line(c->src, &line, &len, err)) > 0)
        if (wrk_report_line(c, line, err) != 0)
            return -1;
    if (rc < 0)
        return -1;
    if (!a->have_requests)
        return im_src_err(c->src, 0, err, "no \"N requests in T\" line: not a complete wrk "
                          "report");
    im_acc_sees(a, IM_ERR_CONNECT, IM_ERR_TIMEOUT);
    im_acc_sees(a, IM_ERR_STATUS, IM_ERR_STATUS);
    a->resolution_us = 10;   /* two decimals of the unit printed; 10 us at worst for ms */
    im_acc_set_version(a, "report");
    im_acc_note(a, "wrk's latency figures include its coordinated-omission correction "
                "(synthetic samples); the report has no histogram: use "
                "examples/wrk-histogram.lua for the exact one");
    return 0;
}

/* ---- the Lua script's histogram ---- */

typedef struct wrk_pair {
    int64_t v;
    int64_t c;
} wrk_pair;

/* Undo stats_correct(e) in place into orig (same order, ascending). true when consistent. */
static bool uncorrect(const wrk_pair *h, size_t n, int64_t e, uint64_t requests, int64_t *orig,
                      int64_t *acc)
{
    uint64_t total = 0;
    memset(acc, 0, (size_t)e * sizeof *acc);
    for (size_t i = n; i-- > 0;) {
        int64_t v = h[i].v, add = v > e ? acc[v % e] : 0;
        orig[i] = h[i].c - add;   /* both >= 0: no overflow */
        if (orig[i] < 0)
            return false;
        if (v >= 2 * e && __builtin_add_overflow(acc[v % e], orig[i], &acc[v % e]))
            return false;
        total += (uint64_t)orig[i];
    }
    return total == requests;
}

/* The expected interval that explains the histogram, or 0. */
static int64_t find_interval(const wrk_pair *h, size_t n, uint64_t count, uint64_t requests,
                             int64_t duration_us, long long conns, int64_t *orig)
{
    int64_t best = 0, last = -1;
    long long lo = conns > 0 ? conns : 1, hi = conns > 0 ? conns : WRK_MAX_CONNS;
    int64_t *acc = NULL;
    if (count == requests || requests == 0)
        return 0;
    for (long long cc = lo; cc <= hi && best == 0; cc++) {
        uint64_t per = requests / (uint64_t)cc;
        if (per == 0)
            break;
        int64_t e = duration_us / (int64_t)per;
        if (e < 1 || e == last || e > 100000000)
            continue;
        last = e;
        int64_t *grown = realloc(acc, (size_t)e * sizeof *acc);
        if (grown == NULL)
            break;
        acc = grown;
        if (uncorrect(h, n, e, requests, orig, acc))
            best = e;
    }
    free(acc);
    return best;
}

static int wrk_pairs(im_ctx *c, const json_t *arr, wrk_pair **out, size_t *n, char *err)
{
    size_t i;
    json_t *p;
    *n = json_array_size(arr);
    *out = calloc(*n + 1, sizeof **out);
    if (*out == NULL)
        return rg_err(err, "out of memory");
    json_array_foreach(arr, i, p) {
        json_t *v = json_array_get(p, 0), *k = json_array_get(p, 1);
        if (!json_is_integer(v) || !json_is_integer(k) || json_integer_value(v) < 0 ||
            json_integer_value(k) <= 0 || (i > 0 && json_integer_value(v) <= (*out)[i - 1].v))
            return im_src_err(c->src, 0, err, "histogram[%zu]: expected [value_us, count] with "
                              "ascending values and positive counts", i);
        (*out)[i].v = json_integer_value(v);
        (*out)[i].c = json_integer_value(k);
    }
    return 0;
}

static int wrk_histogram(im_ctx *c, const json_t *doc, char *err)
{
    im_acc *a = c->acc;
    const json_t *e = json_object_get(doc, "errors");
    json_int_t req = json_integer_value(json_object_get(doc, "requests"));
    json_int_t dur = json_integer_value(json_object_get(doc, "duration_us"));
    wrk_pair *h = NULL;
    size_t n = 0;
    uint64_t count = 0;
    if (!json_is_integer(json_object_get(doc, "requests")) || req < 0 || dur < 0 ||
        !json_is_object(e))
        return im_src_err(c->src, 0, err, "expected requests, duration_us and errors");
    if (wrk_pairs(c, json_object_get(doc, "histogram"), &h, &n, err) != 0) {
        free(h);
        return -1;
    }
    int64_t *orig = calloc(n + 1, sizeof *orig);
    for (size_t i = 0; i < n; i++)
        count += (uint64_t)h[i].c;
    int64_t iv = orig ? find_interval(h, n, count, (uint64_t)req, dur, c->o->concurrency, orig) : 0;
    for (size_t i = 0; i < n; i++)
        rg_hist_record_n(a->hist, h[i].v, (uint64_t)(iv ? orig[i] : h[i].c));
    if (n > 0)
        a->hist_kind = "exact";
    if (iv)
        im_acc_note(a, "wrk's coordinated-omission correction undone (expected interval %lld us):"
                    " %llu synthetic values removed, the histogram holds the %lld measured "
                    "requests", (long long)iv, (unsigned long long)(count - (uint64_t)req),
                    (long long)req);
    else if (count != (uint64_t)req)
        im_acc_note(a, "the histogram is wrk's coordinated-omission-corrected one (%llu values "
                    "for %lld requests): give --concurrency to undo the correction",
                    (unsigned long long)count, (long long)req);
    free(orig);
    free(h);
    a->have_requests = true;
    a->requests = (uint64_t)req;
    a->duration_s = (double)dur / 1e6;
    static const struct { const char *k; int kind; } ek[] = {
        {"connect", IM_ERR_CONNECT}, {"read", IM_ERR_READ}, {"write", IM_ERR_WRITE},
        {"timeout", IM_ERR_TIMEOUT}, {"status", IM_ERR_STATUS}};
    for (size_t i = 0; i < sizeof ek / sizeof ek[0]; i++) {
        a->err[ek[i].kind] = (uint64_t)json_integer_value(json_object_get(e, ek[i].k));
        a->err_known[ek[i].kind] = true;
    }
    json_t *b = json_object_get(doc, "bytes");
    if (json_is_integer(b) && json_integer_value(b) >= 0)
        a->bytes_in = json_integer_value(b);
    im_acc_set_url(a, json_string_value(json_object_get(doc, "url")));
    a->resolution_us = 1;
    return 0;
}

int im_read_wrk(im_ctx *c, char *err)
{
    if (im_head_first(c->src) != '{')
        return wrk_report(c, err);
    json_t *doc = im_src_json(c->src, err);
    if (doc == NULL)
        return -1;
    json_t *v = json_object_get(doc, "version");
    int rc;
    if (!json_is_integer(v) || json_integer_value(v) != 1)
        rc = im_src_err(c->src, 0, err, "rigor-wrk-histogram version %s is not 1",
                        json_is_integer(v) ? "other" : "missing");
    else {
        im_acc_set_version(c->acc, "rigor-wrk-histogram 1");
        rc = wrk_histogram(c, doc, err);
    }
    json_decref(doc);
    return rc;
}
