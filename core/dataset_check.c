/*
 * core/dataset_check.c — validation of dataset v1 and v2 documents (docs/dataset-format.md).
 *
 * A table per object kind lists the known keys, their type and whether they are required;
 * unknown keys are allowed (forward compatibility within v1) and kept. Every failure names
 * the JSON path of the offending value ("runs[3].latency.p99: expected a number, got
 * string"); core/dataset.c adds the file, line and column.
 *
 * Expected load: every run of every dataset a command reads, 25,000 runs for a year of CI
 * runs (bench/dataset_scale.sh). Histograms are checked by rg_hist_check_json, which walks
 * the counts without building a histogram: building one allocated and zeroed ~190 KB per
 * histogram, 4-5 s of a 25,000-run load before (docs/benchmarks.md).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "core/dataset.h"
#include "core/dataset_int.h"
#include "core/err.h"
#include "core/units.h"

enum kind {
    K_STRING, K_STRING_NONEMPTY, K_INT_NONNEG, K_INT_POS, K_NUM_NONNEG, K_NUM, K_BOOL,
    K_OBJECT, K_LATENCY, K_COUNTS, K_SERIES, K_NUMBERS
};

struct field {
    const char *key;
    enum kind kind;
    int required;
};

static const char *type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "object";
    case JSON_ARRAY: return "array";
    case JSON_STRING: return "string";
    case JSON_INTEGER: return "integer";
    case JSON_REAL: return "number";
    case JSON_TRUE: case JSON_FALSE: return "boolean";
    case JSON_NULL: return "null";
    }
    return "value";
}

static int fail(char *err, const char *path, const char *key, const char *what, const json_t *v)
{
    if (v != NULL)
        rg_err_set(err, "%s%s%s: expected %s, got %s", path, *path ? "." : "", key,
                   what, type_name(v));
    else
        rg_err_set(err, "%s%s%s: %s", path, *path ? "." : "", key, what);
    return -1;
}

static int check_fields(const json_t *obj, const struct field *f, const char *path, char *err);

static int check_latency(const json_t *v, const char *path, char *err)
{
    static const struct field f[] = {
        {"unit", K_STRING, 0}, {"mean", K_NUM_NONNEG, 0}, {"stdev", K_NUM_NONNEG, 0},
        {"min", K_NUM_NONNEG, 0}, {"max", K_NUM_NONNEG, 0}, {"p50", K_NUM_NONNEG, 0},
        {"p90", K_NUM_NONNEG, 0}, {"p99", K_NUM_NONNEG, 0}, {"p999", K_NUM_NONNEG, 0},
        {NULL, 0, 0}};
    if (check_fields(v, f, path, err) != 0)
        return -1;
    const json_t *unit = json_object_get(v, "unit");
    if (json_is_string(unit) && strcmp(json_string_value(unit), "us") != 0)
        return fail(err, path, "unit", "must be \"us\"", NULL);
    const json_t *h = json_object_get(v, "histogram");
    if (h != NULL && !json_is_null(h)) {
        char herr[RG_ERRLEN];
        /* checked without being built: no count array per histogram (issue 17) */
        if (rg_hist_check_json(h, herr) != 0)
            return rg_err(err, "%.100s.%.380s", path, herr);
    }
    return 0;
}

/* An object whose values are all non-negative integers (status codes, error kinds). */
static int check_counts(const json_t *v, const char *path, char *err)
{
    const char *k;
    const json_t *c;
    json_object_foreach((json_t *)v, k, c) {
        if (!json_is_integer(c) || json_integer_value(c) < 0)
            return fail(err, path, k, "a non-negative integer", c);
    }
    return 0;
}

/* An object of arrays of numbers or nulls (the per-second time series). */
static int check_series(const json_t *v, const char *path, char *err)
{
    const char *k;
    const json_t *a;
    json_object_foreach((json_t *)v, k, a) {
        if (!json_is_array(a))
            return fail(err, path, k, "an array", a);
        for (size_t i = 0; i < json_array_size(a); i++) {
            const json_t *x = json_array_get(a, i);
            if (!json_is_number(x) && !json_is_null(x)) {
                char key[256];
                snprintf(key, sizeof key, "%s[%zu]", k, i);
                return fail(err, path, key, "a number or null", x);
            }
        }
    }
    return 0;
}

static int check_value(const json_t *v, enum kind kind, const char *path, const char *key,
                       char *err)
{
    char sub[RG_ERRLEN];
    /* the path of a nested object, for its messages: formatted only for those kinds (one
     * snprintf per checked key was 8% of loading a 25,000-run dataset) */
    if (kind == K_LATENCY || kind == K_COUNTS || kind == K_SERIES)
        snprintf(sub, sizeof sub, "%s%s%s", path, *path ? "." : "", key);
    switch (kind) {
    case K_STRING:
        return json_is_string(v) ? 0 : fail(err, path, key, "a string", v);
    case K_STRING_NONEMPTY:
        if (!json_is_string(v))
            return fail(err, path, key, "a string", v);
        return json_string_length(v) > 0 ? 0 : fail(err, path, key, "must not be empty", NULL);
    case K_INT_NONNEG:
        if (!json_is_integer(v))
            return fail(err, path, key, "an integer", v);
        return json_integer_value(v) >= 0 ? 0 : fail(err, path, key, "must be >= 0", NULL);
    case K_INT_POS:
        if (!json_is_integer(v))
            return fail(err, path, key, "an integer", v);
        return json_integer_value(v) >= 1 ? 0 : fail(err, path, key, "must be >= 1", NULL);
    case K_NUM:
        return json_is_number(v) ? 0 : fail(err, path, key, "a number", v);
    case K_NUM_NONNEG:
        if (!json_is_number(v))
            return fail(err, path, key, "a number", v);
        return json_number_value(v) >= 0 ? 0 : fail(err, path, key, "must be >= 0", NULL);
    case K_BOOL:
        return json_is_boolean(v) ? 0 : fail(err, path, key, "true or false", v);
    case K_OBJECT:
        return json_is_object(v) ? 0 : fail(err, path, key, "an object", v);
    case K_LATENCY:
        return json_is_object(v) ? check_latency(v, sub, err) : fail(err, path, key, "an object", v);
    case K_COUNTS:
        return json_is_object(v) ? check_counts(v, sub, err) : fail(err, path, key, "an object", v);
    case K_SERIES:
        return json_is_object(v) ? check_series(v, sub, err) : fail(err, path, key, "an object", v);
    case K_NUMBERS:
        return json_is_object(v) ? 0 : fail(err, path, key, "an object", v);
    }
    return 0;
}

/* Check the listed keys of obj; null counts as absent for optional keys. */
static int check_fields(const json_t *obj, const struct field *f, const char *path, char *err)
{
    for (; f->key != NULL; f++) {
        const json_t *v = json_object_get(obj, f->key);
        if (v == NULL || json_is_null(v)) {
            if (f->required)
                return fail(err, path, f->key, "missing (required)", NULL);
            continue;
        }
        if (check_value(v, f->kind, path, f->key, err) != 0)
            return -1;
    }
    return 0;
}

/* Format v1 has no "hdr" histograms: a v1 reader (an older rigor) could not read them. */
static int check_v1_forms(const json_t *run, const char *path, char *err)
{
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)run, k, v) {
        const json_t *h = json_object_get(v, "histogram");
        if (json_is_object(h) && json_object_get(h, "hdr") != NULL)
            return rg_err(err, "%s.%s.histogram.hdr: HdrHistogram-encoded histograms are "
                          "format v2 (this file says \"version\": 1)", path, k);
    }
    return 0;
}

int rg_dataset_check_run(const json_t *run, size_t i, int version, char *err)
{
    static const struct field f[] = {
        {"target", K_STRING_NONEMPTY, 1}, {"url", K_STRING, 0}, {"concurrency", K_INT_POS, 0},
        {"rate", K_NUM_NONNEG, 0}, {"run", K_INT_POS, 1}, {"source", K_STRING_NONEMPTY, 1},
        {"complete", K_BOOL, 0}, {"started", K_STRING, 0}, {"duration_s", K_NUM_NONNEG, 0},
        {"requests", K_INT_NONNEG, 0}, {"errors", K_COUNTS, 0}, {"status", K_COUNTS, 0},
        {"bytes_in", K_INT_NONNEG, 0}, {"bytes_out", K_INT_NONNEG, 0},
        {"throughput_rps", K_NUM_NONNEG, 0}, {"latency", K_LATENCY, 0},
        {"latency_uncorrected", K_LATENCY, 0}, {"ttfb", K_LATENCY, 0},
        {"server_time", K_LATENCY, 0}, {"timeseries", K_SERIES, 0}, {"server", K_OBJECT, 0},
        {"wire", K_LATENCY, 0}, {"open_loop", K_OBJECT, 0}, {"connect", K_LATENCY, 0},
        {"tls_handshake", K_LATENCY, 0}, {"tls_handshakes", K_INT_NONNEG, 0}, {"tls", K_OBJECT, 0},
        {NULL, 0, 0}};
    char path[64];
    snprintf(path, sizeof path, "runs[%zu]", i);
    if (!json_is_object(run))
        return rg_err(err, "%s: expected an object, got %s", path, type_name(run));
    if (check_fields(run, f, path, err) != 0 ||
        (version < 2 && check_v1_forms(run, path, err) != 0))
        return -1;
    const json_t *server = json_object_get(run, "server");
    if (json_is_object(server)) {
        static const struct field sf[] = {
            {"pid", K_INT_NONNEG, 0}, {"cpu_pct_mean", K_NUM_NONNEG, 0},
            {"cpu_pct_max", K_NUM_NONNEG, 0}, {"rss_kb_max", K_NUM_NONNEG, 0}, {NULL, 0, 0}};
        char sp[80];
        snprintf(sp, sizeof sp, "%s.server", path);
        if (check_fields(server, sf, sp, err) != 0)
            return -1;
    }
    const json_t *ol = json_object_get(run, "open_loop");
    if (json_is_object(ol)) {  /* open loop: asked and achieved rate (loadgen/run_json.c) */
        static const struct field of[] = {
            {"intended_rps", K_NUM_NONNEG, 0}, {"achieved_rps", K_NUM_NONNEG, 0},
            {"due", K_INT_NONNEG, 0}, {"sent", K_INT_NONNEG, 0}, {"backlog", K_INT_NONNEG, 0},
            {"kept_up", K_BOOL, 0}, {NULL, 0, 0}};
        char op[80];
        snprintf(op, sizeof op, "%s.open_loop", path);
        if (check_fields(ol, of, op, err) != 0)
            return -1;
    }
    return 0;
}

int rg_dataset_validate(const json_t *ds, char *err)
{
    return rg_dataset_validate_from(ds, 0, err);
}

int rg_dataset_validate_from(const json_t *ds, size_t first, char *err)
{
    if (!json_is_object(ds))
        return rg_err(err, "not a rigor dataset: expected a JSON object, got %s",
                      type_name(ds));
    const json_t *fmt = json_object_get(ds, "format");
    if (!json_is_string(fmt) || strcmp(json_string_value(fmt), RG_DATASET_FORMAT) != 0)
        return rg_err(err, "format: not a rigor dataset (expected \"format\": \"%s\")",
                      RG_DATASET_FORMAT);
    const json_t *ver = json_object_get(ds, "version");
    if (!json_is_integer(ver))
        return fail(err, "", "version", ver ? "an integer" : "missing (required)", ver);
    if (json_integer_value(ver) > RG_DATASET_VERSION_MAX)
        return rg_err(err, "version: %lld is newer than this rigor understands (%d); "
                      "upgrade rigor", (long long)json_integer_value(ver),
                      RG_DATASET_VERSION_MAX);
    if (json_integer_value(ver) < 1)
        return fail(err, "", "version", "must be 1 or 2", NULL);
    const json_t *meta = json_object_get(ds, "meta");
    if (!json_is_object(meta))
        return fail(err, "", "meta", meta ? "an object" : "missing (required)", meta);
    const json_t *runs = json_object_get(ds, "runs");
    if (!json_is_array(runs))
        return fail(err, "", "runs", runs ? "an array" : "missing (required)", runs);
    for (size_t i = first; i < json_array_size(runs); i++)
        if (rg_dataset_check_run(json_array_get(runs, i), i, (int)json_integer_value(ver), err) != 0)
            return -1;
    return 0;
}
