/*
 * import/im_locust.c — Locust 2.x results: `--csv PREFIX` (locust-csv) and `--json` /
 * `--json-file` (locust-json).
 *
 * locust-csv: PREFIX_stats.csv holds one row per endpoint and an "Aggregated" row (request
 * and failure counts, mean/min/max, percentiles 50%..100% in ms, Requests/s); the run is the
 * Aggregated row. Its siblings are read with it when they exist: PREFIX_stats_history.csv
 * gives the user count (the concurrency), the start time and a per-second series from the
 * differences of "Total Request Count" between its 1 s rows; PREFIX_failures.csv gives the
 * error messages, which say the kind of each failure. Any of the three may be named on the
 * command line (or the bare prefix).
 * locust-json: a list of per-endpoint entries whose `response_times` is Locust's own
 * histogram — response times rounded to 2 significant digits (147 ms -> 150 ms; below
 * 100 ms to whole ms) — and `num_reqs_per_sec`, exact counts per second; the endpoints are
 * summed. Failure kinds are not in the JSON.
 * Pitfalls handled: Locust counts a request that got no response (connection refused) in
 * "Request Count" and in the percentiles, with the time until the error; where the kind is
 * known (failures.csv) such requests are taken out of `requests`, and the notes say the
 * percentiles still include them. CSV percentiles are truncated to whole ms.
 * Expected load: a few small files per run.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/err.h"
#include "import/import_int.h"

#define LC_MAXP 16

static const char *const stats_head = "Type,Name,Request Count,Failure Count";
static const char *const hist_head = "Timestamp,User Count,Type,Name";
static const char *const fail_head = "Method,Name,Error,Occurrences";

int im_sniff_locust_csv(const im_src *s)
{
    char line[512];
    im_head_line(s, line, sizeof line);
    return im_starts(line, stats_head) || im_starts(line, hist_head) ||
                   im_starts(line, fail_head) ? 100 : 0;
}

/* The prefix of a Locust CSV set from any of its names (or the prefix itself). */
static void locust_prefix(const char *path, char *buf, size_t len)
{
    static const char *const sfx[] = {"_stats_history.csv", "_stats.csv", "_failures.csv",
                                      "_exceptions.csv", NULL};
    size_t n = strlen(path);
    snprintf(buf, len, "%s", path);
    for (size_t i = 0; sfx[i]; i++) {
        size_t k = strlen(sfx[i]);
        if (n > k && strcmp(path + n - k, sfx[i]) == 0) {
            buf[n - k < len ? n - k : len - 1] = '\0';
            return;
        }
    }
}

/* Column index by header name in a header row; -1 when absent. */
static int col(char **f, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(f[i], name) == 0)
            return (int)i;
    return -1;
}

typedef struct lc_stats {
    im_ctx *c;
    bool header, found;
    int ci_type, ci_name, ci_req, ci_fail, ci_avg, ci_min, ci_max, ci_rps;
    int ci_p[LC_MAXP];
    double p[LC_MAXP];
    size_t np;
} lc_stats;

static int stats_header(lc_stats *s, char **f, size_t n, long line, char *err)
{
    s->ci_type = col(f, n, "Type");
    s->ci_name = col(f, n, "Name");
    s->ci_req = col(f, n, "Request Count");
    s->ci_fail = col(f, n, "Failure Count");
    s->ci_avg = col(f, n, "Average Response Time");
    s->ci_min = col(f, n, "Min Response Time");
    s->ci_max = col(f, n, "Max Response Time");
    s->ci_rps = col(f, n, "Requests/s");
    if (s->ci_name < 0 || s->ci_req < 0 || s->ci_fail < 0)
        return im_src_err(s->c->src, line, err, "not Locust's _stats.csv: no Name, Request "
                          "Count and Failure Count columns");
    for (size_t i = 0; i < n && s->np < LC_MAXP; i++) {
        size_t k = strlen(f[i]);
        char num[32];
        if (k < 2 || k >= sizeof num || f[i][k - 1] != '%')
            continue;
        memcpy(num, f[i], k - 1);
        num[k - 1] = '\0';
        if (im_num(num, &s->p[s->np]) == 0)
            s->ci_p[s->np++] = (int)i;
    }
    s->header = true;
    return 0;
}

static double field_num(char **f, size_t n, int i)
{
    double v;
    return i >= 0 && (size_t)i < n && im_num(f[i], &v) == 0 ? v : NAN;
}

static int stats_row(void *ctx, char **f, size_t n, long line, char *err)
{
    lc_stats *s = ctx;
    im_acc *a = s->c->acc;
    if (!s->header)
        return stats_header(s, f, n, line, err);
    if ((size_t)s->ci_name >= n || strcmp(f[s->ci_name], "Aggregated") != 0)
        return 0;
    double req = field_num(f, n, s->ci_req), fail = field_num(f, n, s->ci_fail);
    if (!(req >= 0) || !(fail >= 0))
        return im_src_err(s->c->src, line, err, "Aggregated row without request and failure "
                          "counts");
    s->found = true;
    a->have_requests = true;
    a->requests = im_count(req);
    a->err[IM_ERR_OTHER] = im_count(fail);
    a->lat_mean = field_num(f, n, s->ci_avg) * 1000;
    a->lat_min = field_num(f, n, s->ci_min) * 1000;
    a->lat_max = field_num(f, n, s->ci_max) * 1000;
    a->throughput_rps = field_num(f, n, s->ci_rps);
    double ps[LC_MAXP], vs[LC_MAXP];
    size_t k = 0;
    for (size_t i = 0; i < s->np; i++) {
        double v = field_num(f, n, s->ci_p[i]);
        if (!isnan(v)) {
            im_acc_percentile(a, s->p[i], v * 1000);
            ps[k] = s->p[i];
            vs[k++] = v * 1000;
        }
    }
    if (req > 0 && a->throughput_rps > 0)
        a->duration_s = req / a->throughput_rps;
    im_acc_from_quantiles(a, ps, vs, k, im_count(req));
    return 0;
}

typedef struct lc_fail {
    im_src *src;
    im_acc *a;
    bool header;
    int ci_err, ci_occ;
    uint64_t total, kinds[IM_NKINDS];
} lc_fail;

static int fail_row(void *ctx, char **f, size_t n, long line, char *err)
{
    lc_fail *x = ctx;
    int64_t occ;
    if (!x->header) {
        x->ci_err = col(f, n, "Error");
        x->ci_occ = col(f, n, "Occurrences");
        x->header = true;
        if (x->ci_err < 0 || x->ci_occ < 0)
            return im_src_err(x->src, line, err, "expected the header "
                              "Method,Name,Error,Occurrences");
        return 0;
    }
    if ((size_t)x->ci_err >= n || (size_t)x->ci_occ >= n || im_int(f[x->ci_occ], &occ) != 0 ||
        occ < 0)
        return im_src_err(x->src, line, err, "expected an error message and a count");
    const char *msg = f[x->ci_err];
    int k = strstr(msg, "CatchResponseError") ? IM_ERR_ASSERTION : im_kind_from_text(msg);
    x->kinds[k] += (uint64_t)occ;
    x->total += (uint64_t)occ;
    im_acc_detail(x->a, msg, (uint64_t)occ);
    return 0;
}

/* PREFIX_failures.csv: each message's kind; requests without a response leave `requests`. */
static int read_failures(im_acc *a, const char *path, char *err)
{
    im_src s;
    lc_fail x = {.src = &s, .a = a};
    if (im_src_open(&s, path, path, err) != 0)
        return -1;
    int rc = im_csv_read(&s, ',', fail_row, &x, err);
    im_src_close(&s);
    if (rc != 0)
        return -1;
    if (x.total != a->err[IM_ERR_OTHER]) {
        im_acc_note(a, "_failures.csv counts %llu failures, _stats.csv %llu: kinds not used",
                    (unsigned long long)x.total, (unsigned long long)a->err[IM_ERR_OTHER]);
        return 0;
    }
    uint64_t no_response = 0;
    for (int k = 0; k < IM_NKINDS; k++) {
        a->err[k] = x.kinds[k];
        if (k != IM_ERR_STATUS && k != IM_ERR_ASSERTION && k != IM_ERR_OTHER)
            no_response += x.kinds[k];
    }
    im_acc_sees(a, IM_ERR_CONNECT, IM_ERR_STATUS);
    a->requests = a->requests >= no_response ? a->requests - no_response : 0;
    if (no_response)
        im_acc_note(a, "%llu requests got no response: taken out of requests, but Locust's "
                    "percentiles include their time to the error",
                    (unsigned long long)no_response);
    return 0;
}

typedef struct lc_hist {
    im_acc *a;
    bool header;
    int ci_ts, ci_users, ci_name, ci_total, ci_fails;
    double prev_req, prev_fail;
    json_t *req, *errs;
    double first_ts, last_ts;
} lc_hist;

static int hist_row(void *ctx, char **f, size_t n, long line, char *err)
{
    lc_hist *h = ctx;
    (void)line;
    (void)err;
    if (!h->header) {
        h->ci_ts = col(f, n, "Timestamp");
        h->ci_users = col(f, n, "User Count");
        h->ci_name = col(f, n, "Name");
        h->ci_total = col(f, n, "Total Request Count");
        h->ci_fails = col(f, n, "Total Failure Count");
        h->header = true;
        return 0;
    }
    if (h->ci_name < 0 || (size_t)h->ci_name >= n || strcmp(f[h->ci_name], "Aggregated") != 0)
        return 0;
    double ts = field_num(f, n, h->ci_ts), users = field_num(f, n, h->ci_users);
    double tot = field_num(f, n, h->ci_total), fails = field_num(f, n, h->ci_fails);
    if (ts > (double)IM_MAX_EPOCH_S || ts < 0)
        ts = NAN;
    if (users > h->a->concurrency && users < 1e9)
        h->a->concurrency = (long long)users;
    if (isnan(ts) || isnan(tot) || isnan(fails))
        return 0;
    if (isnan(h->first_ts))
        h->first_ts = ts;
    else {
        json_array_append_new(h->req, json_integer((json_int_t)im_count(tot - h->prev_req)));
        json_array_append_new(h->errs, json_integer((json_int_t)im_count(fails - h->prev_fail)));
    }
    h->last_ts = ts;
    h->prev_req = tot;
    h->prev_fail = fails;
    return 0;
}

/* PREFIX_stats_history.csv: concurrency, start, per-second series. */
static int read_history(im_acc *a, const char *path, char *err)
{
    im_src s;
    lc_hist h = {.a = a, .req = json_array(), .errs = json_array(), .first_ts = NAN};
    if (im_src_open(&s, path, path, err) != 0 || im_csv_read(&s, ',', hist_row, &h, err) != 0) {
        im_src_close(&s);
        json_decref(h.req);
        json_decref(h.errs);
        return -1;
    }
    im_src_close(&s);
    size_t n = json_array_size(h.req);
    /* the rows after the last request (users stopped, test not yet over) are not the run */
    while (n > 0 && json_integer_value(json_array_get(h.req, n - 1)) == 0 &&
           json_integer_value(json_array_get(h.errs, n - 1)) == 0) {
        json_array_remove(h.req, n - 1);
        json_array_remove(h.errs, --n);
    }
    if (!isnan(h.first_ts)) {
        a->t_start = (int64_t)llround(h.first_ts * 1e9);
        a->time_resolution_s = 1;
    }
    if (n > 0) {
        json_t *ts = json_object(), *nul = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(nul, json_null());
        json_object_set_new(ts, "requests", h.req);
        json_object_set_new(ts, "errors", h.errs);
        json_object_set(ts, "p50", nul);
        json_object_set_new(ts, "p99", nul);
        a->ts_given = ts;
        im_acc_note(a, "timeseries: differences of Total Request Count between the 1 s rows "
                    "of _stats_history.csv (no per-second percentiles)");
        return 0;
    }
    json_decref(h.req);
    json_decref(h.errs);
    return 0;
}

static bool exists(const char *p)
{
    FILE *f = fopen(p, "r");
    if (f)
        fclose(f);
    return f != NULL;
}

int im_read_locust_csv(im_ctx *c, char *err)
{
    char prefix[4096], path[4200];
    lc_stats st = {.c = c};
    im_src s;
    locust_prefix(c->path, prefix, sizeof prefix);
    snprintf(path, sizeof path, "%s_stats.csv", prefix);
    if (im_src_open(&s, path, path, err) != 0)
        return -1;
    st.c = &(im_ctx){&s, c->acc, c->o, c->fmt, path};
    int rc = im_csv_read(&s, ',', stats_row, &st, err);
    im_src_close(&s);
    if (rc != 0)
        return -1;
    if (!st.found)
        return rg_err(err, "%.200s: no \"Aggregated\" row", path);
    c->acc->resolution_us = 1000;
    c->acc->err_known[IM_ERR_OTHER] = true;
    snprintf(path, sizeof path, "%s_failures.csv", prefix);
    if (exists(path) && read_failures(c->acc, path, err) != 0)
        return -1;
    snprintf(path, sizeof path, "%s_stats_history.csv", prefix);
    if (exists(path) && read_history(c->acc, path, err) != 0)
        return -1;
    if (c->acc->err[IM_ERR_OTHER] > 0 && !c->acc->err_known[IM_ERR_CONNECT])
        im_acc_note(c->acc, "no _failures.csv beside it: the failures' kinds are unknown "
                    "(errors.other)");
    im_acc_note(c->acc, "the histogram is rebuilt from Locust's percentile columns (whole ms)");
    return 0;
}

/* ---- locust-json ---- */

int im_sniff_locust_json(const im_src *s)
{
    if (im_head_first(s) != '[')
        return 0;
    return im_head_has(s, "\"num_requests\"") && im_head_has(s, "\"response_times\"") ? 100 : 0;
}

typedef struct lc_sum {
    double requests, failures, none, total_ms, content, min_ms, max_ms, start, last;
    json_t *per_sec, *fail_sec;   /* second -> count over the endpoints */
} lc_sum;

static void add_counts(json_t *into, const json_t *from)
{
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)from, k, v) {
        if (!json_is_integer(v))
            continue;
        json_t *have = json_object_get(into, k);
        json_object_set_new(into, k, json_integer((have ? json_integer_value(have) : 0) +
                                                  json_integer_value(v)));
    }
}

static double jnum(const json_t *o, const char *k)
{
    const json_t *v = json_object_get(o, k);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

static int lc_entry(im_ctx *c, const json_t *e, size_t i, lc_sum *s, char *err)
{
    double req = jnum(e, "num_requests"), fail = jnum(e, "num_failures");
    const json_t *rt = json_object_get(e, "response_times"), *v;
    const char *k;
    if (!json_is_object(e) || !(req >= 0) || !(fail >= 0) || !json_is_object(rt))
        return im_src_err(c->src, 0, err, "entry %zu: expected num_requests, num_failures and "
                          "a response_times object", i);
    s->requests += req;
    s->failures += fail;
    s->none += fmax(0, jnum(e, "num_none_requests"));
    s->total_ms += fmax(0, jnum(e, "total_response_time"));
    s->content += fmax(0, jnum(e, "total_content_length"));
    double mn = jnum(e, "min_response_time"), mx = jnum(e, "max_response_time");
    double st = jnum(e, "start_time"), la = jnum(e, "last_request_timestamp");
    if (mn >= 0 && (isnan(s->min_ms) || mn < s->min_ms))
        s->min_ms = mn;
    if (mx >= 0 && (isnan(s->max_ms) || mx > s->max_ms))
        s->max_ms = mx;
    if (st > 0 && st < (double)IM_MAX_EPOCH_S && (isnan(s->start) || st < s->start))
        s->start = st;
    if (la > 0 && la < (double)IM_MAX_EPOCH_S && (isnan(s->last) || la > s->last))
        s->last = la;
    json_object_foreach((json_t *)rt, k, v) {
        double ms;
        if (im_num(k, &ms) != 0 || ms < 0 || !json_is_integer(v) || json_integer_value(v) < 0)
            return im_src_err(c->src, 0, err, "entry %zu: response_times[\"%.20s\"] is not a "
                              "time in ms with a count", i, k);
        im_acc_record(c->acc, ms * 1000, (uint64_t)json_integer_value(v));
    }
    add_counts(s->per_sec, json_object_get(e, "num_reqs_per_sec"));
    add_counts(s->fail_sec, json_object_get(e, "num_fail_per_sec"));
    return 0;
}

/* num_reqs_per_sec over the endpoints -> timeseries from the first second to the last. */
static void lc_series(im_acc *a, const lc_sum *s)
{
    const char *k;
    json_t *v;
    int64_t lo = INT64_MAX, hi = INT64_MIN, sec;
    json_object_foreach(s->per_sec, k, v) {
        if (im_int(k, &sec) == 0) {
            lo = sec < lo ? sec : lo;
            hi = sec > hi ? sec : hi;
        }
    }
    if (lo > hi || hi - lo > 864000)
        return;
    json_t *ts = json_object(), *r = json_array(), *e = json_array(), *nul = json_array();
    for (sec = lo; sec <= hi; sec++) {
        char key[32];
        snprintf(key, sizeof key, "%lld", (long long)sec);
        json_array_append_new(r, json_integer(json_integer_value(json_object_get(s->per_sec, key))));
        json_array_append_new(e, json_integer(json_integer_value(json_object_get(s->fail_sec, key))));
        json_array_append_new(nul, json_null());
    }
    json_object_set_new(ts, "requests", r);
    json_object_set_new(ts, "errors", e);
    json_object_set(ts, "p50", nul);
    json_object_set_new(ts, "p99", nul);
    a->ts_given = ts;
}

int im_read_locust_json(im_ctx *c, char *err)
{
    json_t *doc = im_src_json(c->src, err), *e;
    lc_sum s = {.min_ms = NAN, .max_ms = NAN, .start = NAN, .last = NAN,
                .per_sec = json_object(), .fail_sec = json_object()};
    im_acc *a = c->acc;
    size_t i;
    int rc = 0;
    if (doc && !json_is_array(doc))
        rc = im_src_err(c->src, 0, err, "expected a JSON list of Locust stats entries");
    json_array_foreach(doc, i, e) if (rc == 0) rc = lc_entry(c, e, i, &s, err);
    if (doc && rc == 0) {
        a->have_requests = true;
        a->requests = im_count(s.requests);
        a->err[IM_ERR_OTHER] = im_count(s.failures);
        a->err_known[IM_ERR_OTHER] = true;
        double timed = s.requests - s.none;
        a->lat_mean = timed > 0 ? s.total_ms / timed * 1000 : NAN;
        a->lat_min = s.min_ms * 1000;
        a->lat_max = s.max_ms * 1000;
        a->resolution_us = 1000;
        if (!isnan(s.start) && !isnan(s.last) && s.last > s.start) {
            a->t_start = (int64_t)llround(s.start * 1e9);
            a->t_end = (int64_t)llround(s.last * 1e9);
        }
        json_object_set_new(a->extra, "content_bytes", json_integer((json_int_t)im_count(s.content)));
        lc_series(a, &s);
        im_acc_note(a, "Locust rounds response times to 2 significant digits (whole ms below "
                    "100 ms) before counting them: the histogram is Locust's own, approximate");
        if (s.failures > 0)
            im_acc_note(a, "the JSON does not say why requests failed: num_failures is under "
                        "errors.other and counted in requests too");
    }
    json_decref(s.per_sec);
    json_decref(s.fail_sec);
    json_decref(doc);
    return doc == NULL ? -1 : rc;
}
