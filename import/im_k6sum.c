/*
 * import/im_k6sum.c — k6's end-of-test summaries (k6-summary): three JSON schemas.
 *
 *   legacy   `--summary-export=FILE`: {"root_group", "metrics": {NAME: {flat values,
 *            "thresholds": {EXPR: BOOL}}}} — and BOOL is true when the threshold FAILED
 *            (the export kept a historical inversion); no test duration at all;
 *   data     what handleSummary() receives, as JSON.stringify(data) writes it: metrics have
 *            "type", "contains", "values" and "thresholds": {EXPR: {"ok": BOOL}}, and
 *            "state" has testRunDurationMs;
 *   1.0.0    the machine-readable summary of k6 1.x: {"version": "1.0.0", "config":
 *            {"duration" (s)}, "metadata": {"k6Version"}, "results": {"metrics": [{"name",
 *            "type", "contains", "values"}]}}, rate metrics as {matches, total, rate}.
 * All three are summaries: the run has no histogram, its latency object holds k6's trend
 * statistics (avg, min, med, max and the p(N) that summaryTrendStats asked for, in ms), and
 * thresholds are kept verbatim as "ok"/"failed" in import.thresholds.
 * Expected load: one small document per run.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/err.h"
#include "import/import_int.h"

enum k6_schema { K6_LEGACY, K6_DATA, K6_V1 };

int im_sniff_k6_summary(const im_src *s)
{
    if (im_head_first(s) != '{')
        return 0;
    if (im_head_has(s, "\"http_req_duration") || im_head_has(s, "\"http_reqs"))
        return im_head_has(s, "\"metrics\"") ? 100 : 0;
    return 0;
}

/* The values object of metric NAME (flat for legacy), or NULL. */
static const json_t *metric_values(const json_t *doc, enum k6_schema sch, const char *name)
{
    if (sch == K6_V1) {
        const json_t *arr = json_object_get(json_object_get(doc, "results"), "metrics"), *m;
        size_t i;
        json_array_foreach(arr, i, m) {
            const char *n = json_string_value(json_object_get(m, "name"));
            if (n && strcmp(n, name) == 0)
                return json_object_get(m, "values");
        }
        return NULL;
    }
    const json_t *m = json_object_get(json_object_get(doc, "metrics"), name);
    return sch == K6_DATA ? json_object_get(m, "values") : m;
}

static double val(const json_t *v, const char *key)
{
    const json_t *x = json_object_get(v, key);
    return json_is_number(x) ? json_number_value(x) : NAN;
}

/* "p(99.9)" -> 99.9 */
static bool pct_key(const char *k, double *p)
{
    char buf[32];
    size_t n = strlen(k);
    if (n < 4 || n >= sizeof buf || strncmp(k, "p(", 2) != 0 || k[n - 1] != ')')
        return false;
    memcpy(buf, k + 2, n - 3);
    buf[n - 3] = '\0';
    return im_num(buf, p) == 0 && *p >= 0 && *p <= 100;
}

static void take_latency(im_acc *a, const json_t *d)
{
    const char *k;
    json_t *v;
    double p;
    if (d == NULL)
        return;
    a->lat_mean = val(d, "avg") * 1000;
    a->lat_min = val(d, "min") * 1000;
    a->lat_max = val(d, "max") * 1000;
    if (!isnan(val(d, "med")))
        im_acc_percentile(a, 50, val(d, "med") * 1000);
    json_object_foreach((json_t *)d, k, v) {
        if (json_is_number(v) && pct_key(k, &p))
            im_acc_percentile(a, p, json_number_value(v) * 1000);
    }
    a->resolution_us = 0.001;
}

/* http_req_failed: how many requests k6 counted as failed. */
static double failed_count(const json_t *f, enum k6_schema sch)
{
    if (f == NULL)
        return NAN;
    return sch == K6_V1 ? val(f, "matches") : val(f, "passes");  /* "passes" = value 1 = failed */
}

static void take_thresholds(im_acc *a, const json_t *doc, enum k6_schema sch)
{
    json_t *out = json_object(), *m, *t;
    const char *name, *expr;
    json_object_foreach(json_object_get(doc, "metrics"), name, m) {
        json_object_foreach(json_object_get(m, "thresholds"), expr, t) {
            char key[512];
            bool failed = sch == K6_LEGACY ? json_is_true(t)
                                           : !json_is_true(json_object_get(t, "ok"));
            snprintf(key, sizeof key, "%s: %s", name, expr);
            json_object_set_new(out, key, json_string(failed ? "failed" : "ok"));
        }
    }
    if (json_object_size(out) > 0)
        json_object_set_new(a->extra, "thresholds", out);
    else
        json_decref(out);
}

static void take_duration(im_acc *a, const json_t *doc, enum k6_schema sch, const json_t *reqs)
{
    double count = val(reqs, "count"), rate = val(reqs, "rate");
    if (sch == K6_DATA)
        a->duration_s = val(json_object_get(doc, "state"), "testRunDurationMs") / 1000;
    else if (sch == K6_V1)
        a->duration_s = val(json_object_get(doc, "config"), "duration");
    else if (count > 0 && rate > 0) {
        a->duration_s = count / rate;
        im_acc_note(a, "the legacy summary export has no test duration: duration_s is "
                    "http_reqs count / rate");
    }
    if (!isnan(a->duration_s))
        im_acc_note(a, "k6's test duration includes setup, teardown and the graceful stop");
    if (!isnan(rate) && rate >= 0)
        a->throughput_rps = rate;
}

static void take_counts(im_acc *a, const json_t *doc, enum k6_schema sch)
{
    const json_t *reqs = metric_values(doc, sch, "http_reqs");
    double count = val(reqs, "count"), failed;
    if (count >= 0) {
        a->have_requests = true;
        a->requests = im_count(round(count));
    }
    failed = failed_count(metric_values(doc, sch, "http_req_failed"), sch);
    if (failed >= 0) {
        a->err[IM_ERR_OTHER] = im_count(round(failed));
        a->err_known[IM_ERR_OTHER] = true;
        im_acc_note(a, "a summary does not say why requests failed: http_req_failed (no "
                    "response, or a status the script does not expect) is under errors.other; "
                    "http_reqs counts them too");
    }
    double in = val(metric_values(doc, sch, "data_received"), "count");
    double out = val(metric_values(doc, sch, "data_sent"), "count");
    if (in >= 0)
        a->bytes_in = (int64_t)im_count(round(in));
    if (out >= 0)
        a->bytes_out = (int64_t)im_count(round(out));
    double vus = val(metric_values(doc, sch, "vus_max"), "max");
    if (isnan(vus))
        vus = val(metric_values(doc, sch, "vus"), "max");
    if (vus >= 1 && vus < 1e9)
        a->concurrency = (long long)vus;
    take_duration(a, doc, sch, reqs);
}

int im_read_k6_summary(im_ctx *c, char *err)
{
    json_t *doc = im_src_json(c->src, err);
    enum k6_schema sch;
    im_acc *a = c->acc;
    if (doc == NULL)
        return -1;
    const json_t *metrics = json_object_get(doc, "metrics");
    if (json_is_string(json_object_get(doc, "version")) &&
        json_is_array(json_object_get(json_object_get(doc, "results"), "metrics"))) {
        sch = K6_V1;
        im_acc_set_version(a, json_string_value(json_object_get(doc, "version")));
        const char *kv = json_string_value(
            json_object_get(json_object_get(doc, "metadata"), "k6Version"));
        if (kv)
            json_object_set_new(a->extra, "k6_version", json_string(kv));
    } else if (json_is_object(metrics)) {
        const json_t *d = json_object_get(metrics, "http_req_duration");
        sch = json_is_object(json_object_get(d, "values")) ? K6_DATA : K6_LEGACY;
        im_acc_set_version(a, sch == K6_DATA ? "handleSummary data" : "legacy summary-export");
    } else {
        json_decref(doc);
        return im_src_err(c->src, 0, err, "not a k6 summary: no \"metrics\" object and no "
                          "\"results.metrics\" list");
    }
    take_latency(a, metric_values(doc, sch, "http_req_duration"));
    take_counts(a, doc, sch);
    take_thresholds(a, doc, sch);
    json_decref(doc);
    return 0;
}
