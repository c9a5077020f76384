/*
 * import/im_vegeta.c — vegeta's results as `vegeta encode` writes them (vegeta): JSON lines
 * or CSV.
 *
 * One record per request: `timestamp` is when the request began (RFC 3339 with the zone of
 * the attacking machine in JSON, epoch nanoseconds in CSV), `latency` its duration in
 * nanoseconds, `code` the HTTP status or 0 when no response came, `error` the failure text
 * (vegeta also sets it to the status line for codes outside 200..399: those are responses).
 * CSV columns: timestamp, code, latency, bytes_out, bytes_in, error, body (base64), attack
 * name, seq — and, since vegeta 12.9, method, url and headers (base64): 9 or 12 columns.
 * The attack rate is not in the results; give it with --rate.
 * Expected load: one line per request, hundreds of bytes each; streamed twice.
 */
#include <ctype.h>
#include <string.h>
#include "core/err.h"
#include "import/import_int.h"

int im_sniff_vegeta(const im_src *s)
{
    char line[1024];
    if (im_head_first(s) == '{')
        return im_head_has(s, "\"latency\"") && im_head_has(s, "\"code\"") &&
                       im_head_has(s, "\"timestamp\"") && im_head_has(s, "\"bytes_in\"") ? 100 : 0;
    /* CSV: 19-digit epoch ns, status, latency ns, bytes out, bytes in */
    im_head_line(s, line, sizeof line);
    const char *p = line;
    for (int field = 0; field < 5; field++) {
        size_t d = strspn(p, "0123456789");
        if (d == 0 || (field == 0 && d < 18) || p[d] != ',')
            return 0;
        p += d + 1;
    }
    return 85;
}

static int vg_take(im_ctx *c, int64_t start_ns, int64_t code, int64_t lat_ns, int64_t out,
                   int64_t in, const char *error, const char *url, long line, char *err)
{
    if (code < 0 || code > 999 || lat_ns < 0)
        return im_src_err(c->src, line, err, "status %lld or latency %lld out of range",
                          (long long)code, (long long)lat_ns);
    im_sample s = {.start_ns = start_ns, .end_ns = IM_NO_TIME, .latency_us = (double)lat_ns / 1000,
                   .status = (int)code, .kind = IM_ERR_NONE, .bytes_in = in, .bytes_out = out};
    if (code == 0) {
        s.kind = im_kind_from_text(error);
        s.detail = error && *error ? error : "no response";
        s.latency_us = -1;
    }
    if (c->acc->pass == 2 && url)
        im_acc_set_url(c->acc, url);
    return im_acc_sample(c->acc, &s) == 0 ? 0 : rg_err(err, "out of memory");
}

static int64_t jint(const json_t *o, const char *k, bool *ok)
{
    const json_t *v = json_object_get(o, k);
    if (!json_is_integer(v)) {
        *ok = false;
        return 0;
    }
    return json_integer_value(v);
}

static int vg_json_line(im_ctx *c, const char *text, size_t len, char *err)
{
    json_error_t je;
    json_t *j = json_loadb(text, len, 0, &je);
    bool ok = true;
    int64_t start;
    int rc;
    if (j == NULL)
        return im_src_err(c->src, c->src->line, err, "invalid JSON (column %d): %s", je.column,
                          je.text);
    const char *ts = json_string_value(json_object_get(j, "timestamp"));
    int64_t code = jint(j, "code", &ok), lat = jint(j, "latency", &ok);
    int64_t out = jint(j, "bytes_out", &ok), in = jint(j, "bytes_in", &ok);
    if (!ok || ts == NULL)
        rc = im_src_err(c->src, c->src->line, err, "not a vegeta result: expected integer code, "
                        "latency, bytes_in, bytes_out and a timestamp");
    else if (im_time_iso(ts, &start) != 0)
        rc = im_src_err(c->src, c->src->line, err, "timestamp '%.40s' is not RFC 3339", ts);
    else
        rc = vg_take(c, start, code, lat, out, in,
                     json_string_value(json_object_get(j, "error")),
                     json_string_value(json_object_get(j, "url")), c->src->line, err);
    json_decref(j);
    return rc;
}

static int vg_csv_row(void *ctx, char **f, size_t n, long line, char *err)
{
    im_ctx *c = ctx;
    int64_t v[5];
    if (n != 9 && n != 12)
        return im_src_err(c->src, line, err, "%zu fields; vegeta's CSV has 9 (before 12.9) or "
                          "12", n);
    for (int i = 0; i < 5; i++)
        if (im_int(f[i], &v[i]) != 0 || v[i] < 0)
            return im_src_err(c->src, line, err, "field %d ('%.30s') is not a whole number",
                              i + 1, f[i]);
    if (c->acc->pass == 2 && c->acc->version == NULL)
        im_acc_set_version(c->acc, n == 12 ? "csv, 12 columns (vegeta >= 12.9)"
                                           : "csv, 9 columns");
    return vg_take(c, v[0], v[1], v[2], v[3], v[4], f[5], n == 12 ? f[10] : NULL, line, err);
}

int im_read_vegeta(im_ctx *c, char *err)
{
    im_acc_sees(c->acc, IM_ERR_CONNECT, IM_ERR_STATUS);
    c->acc->resolution_us = 0.001;
    if (im_head_first(c->src) != '{')
        return im_csv_read(c->src, ',', vg_csv_row, c, err);
    char *line;
    size_t len;
    int rc;
    im_acc_set_version(c->acc, "json");
    while ((rc = im_src_line(c->src, &line, &len, err)) > 0) {
        size_t i = strspn(line, " \t");
        if (line[i] != '\0' && vg_json_line(c, line + i, len - i, err) != 0)
            return -1;
    }
    return rc;
}
