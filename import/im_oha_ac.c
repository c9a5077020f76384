/*
 * import/im_oha_ac.c — oha (JSON summary or per-request CSV) and autocannon (--json).
 *
 * oha --output-format json: "summary" (total s, slowest/fastest/average s, totalData),
 * "latencyPercentiles" ({"p50": s, "p99.9": s}), "statusCodeDistribution" and
 * "errorDistribution" (message -> count): a summary. Requests still in flight when a -z
 * duration ends are reported as "aborted due to deadline": they are the end of the run, not
 * failures, and are left out of the errors (the notes count them).
 * oha --output-format csv: one row per successful request — request-start (s from the run's
 * start), request-duration (s), bytes, status — by header name (columns were added over
 * versions). Failed requests are not in it.
 * autocannon --json: counts ("2xx".."5xx", statusCodeStats, errors, timeouts, mismatches,
 * resets), latency statistics in ms (average, stddev, min, max, p0_001..p99_999), duration,
 * start, url and connections: a summary; its percentiles come from autocannon's own HDR
 * histogram at 1 ms resolution. "errors" counts connection errors including timeouts,
 * without their kind.
 * Expected load: one small document per run, or an oha CSV of up to millions of rows.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/err.h"
#include "import/import_int.h"

static double num(const json_t *o, const char *k)
{
    const json_t *v = json_object_get(o, k);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

/* ---- oha ---- */

int im_sniff_oha(const im_src *s)
{
    char line[512];
    if (im_head_first(s) == '{')
        return im_head_has(s, "\"latencyPercentiles\"") && im_head_has(s, "\"summary\"") ? 100 : 0;
    return im_starts(im_head_line(s, line, sizeof line), "request-start,") ? 100 : 0;
}

static void oha_status(im_acc *a, const json_t *dist)
{
    const char *k;
    json_t *v;
    int64_t code;
    json_object_foreach((json_t *)dist, k, v) {
        if (im_int(k, &code) != 0 || !json_is_integer(v) || json_integer_value(v) < 0)
            continue;
        uint64_t n = (uint64_t)json_integer_value(v);
        a->have_requests = a->have_status = true;
        a->requests += n;
        a->status[code >= 100 && code < IM_NSTATUS ? code : 0] += n;
        if (code >= 400 && code < 600)
            a->err[IM_ERR_STATUS] += n;
    }
}

static void oha_errors(im_acc *a, const json_t *dist)
{
    const char *k;
    json_t *v;
    uint64_t aborted = 0;
    json_object_foreach((json_t *)dist, k, v) {
        if (!json_is_integer(v) || json_integer_value(v) < 0)
            continue;
        uint64_t n = (uint64_t)json_integer_value(v);
        if (strstr(k, "aborted due to deadline")) {
            aborted += n;
            continue;
        }
        int kind = im_kind_from_text(k);
        a->err[kind] += n;
        im_acc_detail(a, k, n);
    }
    if (aborted)
        im_acc_note(a, "%llu requests in flight when the duration ended (\"aborted due to "
                    "deadline\") are not counted as errors", (unsigned long long)aborted);
}

static int oha_json(im_ctx *c, char *err)
{
    json_t *doc = im_src_json(c->src, err), *v;
    im_acc *a = c->acc;
    const char *k;
    if (doc == NULL)
        return -1;
    const json_t *sum = json_object_get(doc, "summary");
    const json_t *pct = json_object_get(doc, "latencyPercentiles");
    if (!json_is_object(sum) || !json_is_object(pct)) {
        json_decref(doc);
        return im_src_err(c->src, 0, err, "not oha's JSON: no \"summary\" and "
                          "\"latencyPercentiles\" objects");
    }
    im_acc_sees(a, IM_ERR_CONNECT, IM_ERR_STATUS);
    a->duration_s = num(sum, "total");
    a->lat_mean = num(sum, "average") * 1e6;
    a->lat_min = num(sum, "fastest") * 1e6;
    a->lat_max = num(sum, "slowest") * 1e6;
    if (num(sum, "totalData") >= 0)
        a->bytes_in = (int64_t)im_count(num(sum, "totalData"));
    json_object_foreach((json_t *)pct, k, v) {
        double p;
        if (k[0] == 'p' && im_num(k + 1, &p) == 0 && json_is_number(v))
            im_acc_percentile(a, p, json_number_value(v) * 1e6);
    }
    oha_status(a, json_object_get(doc, "statusCodeDistribution"));
    oha_errors(a, json_object_get(doc, "errorDistribution"));
    im_acc_set_version(a, "json");
    json_decref(doc);
    return 0;
}

typedef struct oha_csv {
    im_ctx *c;
    bool header;
    int ci_start, ci_dur, ci_bytes, ci_status;
} oha_csv;

static int oha_row(void *ctx, char **f, size_t n, long line, char *err)
{
    oha_csv *o = ctx;
    double st, du;
    int64_t code, by = -1;
    if (!o->header) {
        o->header = true;
        o->ci_start = o->ci_dur = o->ci_bytes = o->ci_status = -1;
        for (size_t i = 0; i < n; i++) {
            int *slot = strcmp(f[i], "request-start") == 0 ? &o->ci_start
                        : strcmp(f[i], "request-duration") == 0 ? &o->ci_dur
                        : strcmp(f[i], "bytes") == 0 ? &o->ci_bytes
                        : strcmp(f[i], "status") == 0 ? &o->ci_status : NULL;
            if (slot)
                *slot = (int)i;
        }
        if (o->ci_start < 0 || o->ci_dur < 0 || o->ci_status < 0)
            return im_src_err(o->c->src, line, err, "oha CSV header without request-start, "
                              "request-duration and status");
        return 0;
    }
    if ((size_t)o->ci_start >= n || (size_t)o->ci_dur >= n || (size_t)o->ci_status >= n ||
        im_num(f[o->ci_start], &st) != 0 || im_num(f[o->ci_dur], &du) != 0 ||
        im_int(f[o->ci_status], &code) != 0 || st < 0 || du < 0 || code < 100 || code > 999 ||
        st > 1e9)
        return im_src_err(o->c->src, line, err, "expected seconds, seconds and an HTTP status");
    if (o->ci_bytes >= 0 && (size_t)o->ci_bytes < n)
        im_int(f[o->ci_bytes], &by);
    im_sample s = {.start_ns = (int64_t)llround(st * 1e9), .end_ns = IM_NO_TIME,
                   .latency_us = du * 1e6, .status = (int)code, .kind = IM_ERR_NONE,
                   .bytes_in = by, .bytes_out = -1};
    return im_acc_sample(o->c->acc, &s) == 0 ? 0 : rg_err(err, "out of memory");
}

int im_read_oha(im_ctx *c, char *err)
{
    if (im_head_first(c->src) == '{') {
        if (c->o->skip_s > 0)
            return im_src_err(c->src, 0, err, "--skip needs per-request records; oha's JSON is "
                              "a summary");
        return c->acc->pass == 2 ? oha_json(c, err) : 0;
    }
    oha_csv o = {.c = c};
    c->acc->relative_time = true;
    im_acc_sees(c->acc, IM_ERR_STATUS, IM_ERR_STATUS);
    if (im_csv_read(c->src, ',', oha_row, &o, err) != 0)
        return -1;
    im_acc_set_version(c->acc, "csv");
    if (c->acc->pass == 2)
        im_acc_note(c->acc, "oha's CSV holds only successful requests: failures are not in "
                    "the file");
    return 0;
}

/* ---- autocannon ---- */

int im_sniff_autocannon(const im_src *s)
{
    if (im_head_first(s) != '{')
        return 0;
    return im_head_has(s, "\"non2xx\"") && im_head_has(s, "\"latency\"") &&
                   im_head_has(s, "\"requests\"") ? 100 : 0;
}

/* "p97_5" -> 97.5 */
static bool ac_pct(const char *k, double *p)
{
    char buf[32];
    size_t n = strlen(k);
    if (n < 2 || n >= sizeof buf || k[0] != 'p')
        return false;
    memcpy(buf, k + 1, n);
    for (char *x = buf; *x; x++)
        if (*x == '_')
            *x = '.';
    return im_num(buf, p) == 0 && *p >= 0 && *p <= 100;
}

static void ac_latency(im_acc *a, const json_t *lat)
{
    const char *k;
    json_t *v;
    double p;
    a->lat_mean = num(lat, "mean") * 1000;
    a->lat_stdev = num(lat, "stddev") * 1000;
    a->lat_min = num(lat, "min") * 1000;
    a->lat_max = num(lat, "max") * 1000;
    json_object_foreach((json_t *)lat, k, v) {
        if (json_is_number(v) && ac_pct(k, &p))
            im_acc_percentile(a, p, json_number_value(v) * 1000);
    }
    a->resolution_us = 1000;
}

static void ac_counts(im_acc *a, const json_t *doc)
{
    const char *k;
    json_t *v;
    int64_t code;
    double total = num(json_object_get(doc, "requests"), "total");
    if (total >= 0) {
        a->have_requests = true;
        a->requests = im_count(total);
    }
    json_object_foreach(json_object_get(doc, "statusCodeStats"), k, v) {
        double n = num(v, "count");
        if (im_int(k, &code) == 0 && n >= 0) {
            a->have_status = true;
            a->status[code >= 100 && code < IM_NSTATUS ? code : 0] += im_count(n);
        }
    }
    double errs = num(doc, "errors"), tmo = num(doc, "timeouts"), mism = num(doc, "mismatches");
    double c4 = num(doc, "4xx"), c5 = num(doc, "5xx");
    im_acc_sees(a, IM_ERR_TIMEOUT, IM_ERR_TIMEOUT);
    im_acc_sees(a, IM_ERR_STATUS, IM_ERR_STATUS);
    a->err[IM_ERR_TIMEOUT] = im_count(tmo);
    a->err[IM_ERR_OTHER] = errs > tmo ? im_count(errs - fmax(0, tmo)) : 0;
    a->err[IM_ERR_STATUS] = im_count(fmax(0, c4) + fmax(0, c5));
    a->err[IM_ERR_ASSERTION] = im_count(mism);
    if (a->err[IM_ERR_OTHER])
        im_acc_note(a, "autocannon counts connection errors without their kind: errors.other");
    double bytes = num(json_object_get(doc, "throughput"), "total");
    if (bytes >= 0)
        a->bytes_in = (int64_t)im_count(bytes);
}

int im_read_autocannon(im_ctx *c, char *err)
{
    json_t *doc = im_src_json(c->src, err);
    im_acc *a = c->acc;
    int64_t t;
    if (doc == NULL)
        return -1;
    const json_t *lat = json_object_get(doc, "latency");
    if (!json_is_object(lat) || !json_is_object(json_object_get(doc, "requests"))) {
        json_decref(doc);
        return im_src_err(c->src, 0, err, "not autocannon's JSON: no \"latency\" and "
                          "\"requests\" objects");
    }
    ac_latency(a, lat);
    ac_counts(a, doc);
    a->duration_s = num(doc, "duration");
    if (num(doc, "connections") >= 1 && num(doc, "connections") < 1e9)
        a->concurrency = (long long)num(doc, "connections");
    if (num(doc, "pipelining") > 1)
        im_acc_note(a, "pipelining %g: each connection had that many requests in flight",
                    num(doc, "pipelining"));
    const char *start = json_string_value(json_object_get(doc, "start"));
    if (start && im_time_iso(start, &t) == 0)
        a->t_start = t;
    im_acc_set_url(a, json_string_value(json_object_get(doc, "url")));
    json_decref(doc);
    return 0;
}
