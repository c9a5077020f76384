/*
 * import/im_k6.c — k6's per-sample outputs: `--out json=FILE` (k6-json) and `--out csv=FILE`
 * (k6-csv).
 *
 * Design: k6 writes one sample per metric per request. Each `http_req_duration` sample is one
 * request: its value is the latency in milliseconds, its time the moment the sample was
 * taken (the request's end), its `status` tag the HTTP status or "0" when no response came;
 * then `error_code` says what failed (k6's codes: 1050 request timeout, 1100-1199 DNS,
 * 1200-1299 TCP — 1210-1213 dialing, 1220 reset by peer, 1201 broken pipe —, 1300-1399 TLS,
 * 1600-1699 HTTP/2). `data_received`/`data_sent` samples add up to the bytes, the largest
 * `vus` sample is the concurrency. The other metrics (http_req_blocked, iterations, checks,
 * custom metrics) are not requests and are passed over.
 * Pitfalls handled: JSON times carry the zone of the machine that ran k6 ("+02:00"); the CSV
 * time_format defaults to `unix`, whole seconds (the window is then known to about a second,
 * and the run says so), and may be unix_milli/micro/nano or rfc3339; CSV columns were added
 * between versions (expected_response, service, metadata), so they are found by name.
 * Expected load: k6 files run to gigabytes (~1 KB per request in JSON); read line by line.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/err.h"
#include "import/import_int.h"

/* k6's error_code -> the dataset's error kind. */
static int kind_of_code(long code)
{
    if (code == 1050)
        return IM_ERR_TIMEOUT;
    if (code >= 1100 && code < 1200)
        return IM_ERR_CONNECT;
    if (code == 1201)
        return IM_ERR_WRITE;
    if (code >= 1210 && code <= 1213)
        return IM_ERR_CONNECT;
    if (code >= 1200 && code < 1300)
        return IM_ERR_READ;
    if (code >= 1300 && code < 1400)
        return IM_ERR_PROTOCOL;
    if (code >= 1600 && code < 1800)
        return IM_ERR_PROTOCOL;
    return IM_ERR_OTHER;
}

typedef struct k6_point {
    const char *metric;
    double value;
    int64_t time_ns;
    const char *status, *error_code, *error, *url, *expected;
} k6_point;

/* One sample of any metric. -1 with err for a malformed request sample. */
static int k6_take(im_ctx *c, const k6_point *p, long line, char *err)
{
    im_acc *a = c->acc;
    if (strcmp(p->metric, "vus") == 0 || strcmp(p->metric, "vus_max") == 0) {
        if (strcmp(p->metric, "vus") == 0 && a->pass == 2 && p->value > a->concurrency &&
            p->value < 1e9)
            a->concurrency = (long long)p->value;
        return 0;
    }
    if (a->pass == 2 && strcmp(p->metric, "data_received") == 0 && p->value >= 0)
        a->bytes_in = im_add_bytes(a->bytes_in, (int64_t)im_count(round(p->value)));
    if (a->pass == 2 && strcmp(p->metric, "data_sent") == 0 && p->value >= 0)
        a->bytes_out = im_add_bytes(a->bytes_out, (int64_t)im_count(round(p->value)));
    if (strcmp(p->metric, "http_req_duration") != 0)
        return 0;
    int64_t status = -1, code = 0;
    if (p->status == NULL || im_int(p->status, &status) != 0 || status < 0 || status > 999)
        return im_src_err(c->src, line, err, "http_req_duration sample without a valid "
                          "status tag (got '%.40s')", p->status ? p->status : "");
    if (!(p->value >= 0))
        return im_src_err(c->src, line, err, "http_req_duration: negative or missing value");
    im_sample s = {.start_ns = IM_NO_TIME, .end_ns = p->time_ns, .latency_us = p->value * 1000,
                   .status = (int)status, .kind = IM_ERR_NONE, .bytes_in = -1, .bytes_out = -1};
    if (status == 0) {
        char d[256];
        if (p->error_code && *p->error_code)
            im_int(p->error_code, &code);
        s.kind = kind_of_code(code);
        snprintf(d, sizeof d, "%s%s%.200s", code ? p->error_code : "",
                 code && p->error && *p->error ? " " : "", p->error ? p->error : "");
        s.detail = d[0] ? d : "no response";
        s.latency_us = -1;
        return im_acc_sample(a, &s) == 0 ? 0 : rg_err(err, "out of memory");
    }
    if (p->expected && strcmp(p->expected, "false") == 0 && status < 400)
        s.kind = IM_ERR_STATUS;   /* the script's responseCallback said this status is a failure */
    if (p->url && a->pass == 2)
        im_acc_set_url(a, p->url);
    return im_acc_sample(a, &s) == 0 ? 0 : rg_err(err, "out of memory");
}

/* ---- k6-json ---- */

int im_sniff_k6_json(const im_src *s)
{
    if (im_head_first(s) != '{')
        return 0;
    bool typed = im_head_has(s, "\"type\":\"Point\"") || im_head_has(s, "\"type\":\"Metric\"") ||
                 im_head_has(s, "\"type\": \"Point\"") || im_head_has(s, "\"type\": \"Metric\"");
    return typed && im_head_has(s, "\"metric\"") ? 100 : 0;
}

static const char *tag(const json_t *tags, const char *k)
{
    return json_string_value(json_object_get(tags, k));
}

static int k6_json_line(im_ctx *c, const char *text, size_t len, char *err)
{
    json_error_t je;
    json_t *j = json_loadb(text, len, 0, &je);
    int rc = 0;
    if (j == NULL)
        return im_src_err(c->src, c->src->line, err, "invalid JSON (column %d): %s", je.column,
                          je.text);
    const char *type = json_string_value(json_object_get(j, "type"));
    const char *metric = json_string_value(json_object_get(j, "metric"));
    json_t *data = json_object_get(j, "data");
    if (type == NULL || metric == NULL || !json_is_object(data)) {
        rc = im_src_err(c->src, c->src->line, err, "not a k6 sample: expected \"type\", "
                        "\"metric\" and a \"data\" object");
    } else if (strcmp(type, "Point") == 0) {
        const char *t = json_string_value(json_object_get(data, "time"));
        json_t *tags = json_object_get(data, "tags"), *v = json_object_get(data, "value");
        k6_point p = {metric, json_is_number(v) ? json_number_value(v) : NAN, IM_NO_TIME,
                      tag(tags, "status"), tag(tags, "error_code"), tag(tags, "error"),
                      tag(tags, "url"), tag(tags, "expected_response")};
        if (t == NULL || im_time_iso(t, &p.time_ns) != 0)
            rc = im_src_err(c->src, c->src->line, err, "Point without a valid RFC 3339 "
                            "\"time\" (got '%.40s')", t ? t : "");
        else
            rc = k6_take(c, &p, c->src->line, err);
    }
    json_decref(j);
    return rc;
}

/*
 * Only four metrics matter, and k6 writes a dozen samples per request: a line that names none
 * of them is passed over without building its JSON (4x faster on real files). It must still
 * look like one whole object, so a truncated or corrupt file is not accepted silently.
 */
static bool k6_wanted(const char *line, size_t len)
{
    static const char *const names[] = {"\"http_req_duration\"", "\"vus\"",
                                        "\"data_received\"", "\"data_sent\"", NULL};
    for (size_t i = 0; names[i]; i++)
        if (memmem(line, len, names[i], strlen(names[i])))
            return true;
    return line[0] != '{' || line[len - 1] != '}';   /* malformed: parse it and say so */
}

int im_read_k6_json(im_ctx *c, char *err)
{
    char *line;
    size_t len;
    int rc;
    im_acc_sees(c->acc, IM_ERR_CONNECT, IM_ERR_STATUS);
    c->acc->resolution_us = 0.001;
    while ((rc = im_src_line(c->src, &line, &len, err)) > 0) {
        size_t i = strspn(line, " \t");
        while (len > i && (line[len - 1] == ' ' || line[len - 1] == '\t'))
            len--;
        if (len > i && k6_wanted(line + i, len - i) && k6_json_line(c, line + i, len - i, err) != 0)
            return -1;
    }
    return rc;
}

/* ---- k6-csv ---- */

enum { K_METRIC, K_TIME, K_VALUE, K_STATUS, K_ERROR, K_CODE, K_URL, K_EXPECTED, K_NCOLS };
static const char *const k6_cols[K_NCOLS] = {"metric_name", "timestamp", "metric_value",
                                             "status", "error", "error_code", "url",
                                             "expected_response"};

typedef struct k6_csv {
    im_ctx *c;
    int col[K_NCOLS];
    bool header;
    bool told_seconds;
} k6_csv;

int im_sniff_k6_csv(const im_src *s)
{
    char line[512];
    return im_starts(im_head_line(s, line, sizeof line), "metric_name,timestamp,metric_value")
               ? 100 : 0;
}

static int k6_csv_header(k6_csv *k, char **f, size_t n, long line, char *err)
{
    for (int i = 0; i < K_NCOLS; i++) {
        k->col[i] = -1;
        for (size_t j = 0; j < n; j++)
            if (strcmp(f[j], k6_cols[i]) == 0)
                k->col[i] = (int)j;
        if (k->col[i] < 0 && i <= K_STATUS)
            return im_src_err(k->c->src, line, err, "k6 CSV header without a \"%s\" column",
                              k6_cols[i]);
    }
    k->header = true;
    return 0;
}

/* The timestamp column: epoch in any unit, or RFC 3339. */
static int k6_csv_time(k6_csv *k, const char *t, int64_t *ns, long line, char *err)
{
    double v, res = 0;
    if (strchr(t, 'T') || strchr(t, '-')) {
        if (im_time_iso(t, ns) == 0)
            return 0;
    } else if (im_num(t, &v) == 0 && im_time_epoch_auto(v, ns, &res) == 0) {
        if (res >= 1 && k->c->acc->pass == 2) {
            k->c->acc->time_resolution_s = 1;
            if (!k->told_seconds)
                im_acc_note(k->c->acc, "timestamps are whole seconds (k6's default CSV "
                            "time_format \"unix\"): the window is known to about a second; "
                            "K6_CSV_TIME_FORMAT=unix_milli gives milliseconds");
            k->told_seconds = true;
        }
        return 0;
    }
    return im_src_err(k->c->src, line, err, "timestamp '%.40s' is neither an epoch number nor "
                      "RFC 3339", t);
}

static int k6_csv_row(void *ctx, char **f, size_t n, long line, char *err)
{
    k6_csv *k = ctx;
    if (!k->header)
        return k6_csv_header(k, f, n, line, err);
    const char *get[K_NCOLS];
    for (int i = 0; i < K_NCOLS; i++)
        get[i] = k->col[i] >= 0 && (size_t)k->col[i] < n ? f[k->col[i]] : NULL;
    if (get[K_METRIC] == NULL || get[K_TIME] == NULL || get[K_VALUE] == NULL)
        return im_src_err(k->c->src, line, err, "%zu fields, fewer than the header names", n);
    k6_point p = {get[K_METRIC], NAN, IM_NO_TIME, get[K_STATUS], get[K_CODE], get[K_ERROR],
                  get[K_URL], get[K_EXPECTED]};
    if (strcmp(p.metric, "http_req_duration") != 0 && strcmp(p.metric, "vus") != 0 &&
        strcmp(p.metric, "data_received") != 0 && strcmp(p.metric, "data_sent") != 0)
        return 0;
    if (im_num(get[K_VALUE], &p.value) != 0)
        return im_src_err(k->c->src, line, err, "metric_value '%.40s' is not a number",
                          get[K_VALUE]);
    if (k6_csv_time(k, get[K_TIME], &p.time_ns, line, err) != 0)
        return -1;
    return k6_take(k->c, &p, line, err);
}

int im_read_k6_csv(im_ctx *c, char *err)
{
    k6_csv k = {.c = c};
    im_acc_sees(c->acc, IM_ERR_CONNECT, IM_ERR_STATUS);
    c->acc->resolution_us = 0.001;   /* k6 writes the value with 6 decimals of ms */
    return im_csv_read(c->src, ',', k6_csv_row, &k, err);
}
