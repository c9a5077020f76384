/*
 * plan/plan_parse.c — reading and validating plan files (docs/plan-format.md).
 *
 * Design: jansson parses strict JSON (duplicate keys rejected); then every key is checked
 * against the list of keys we know, with its type and range, and copied into a pl_plan whose
 * strings the plan owns. The first problem found stops the parse with one message of the form
 * "FILE: targets[1].url: missing", which is what the user sees before any load is sent.
 * Reachability of targets is not checked here (that needs the network; plan_exec.c does it).
 * Expected load: a handful of plans per invocation, each a few kilobytes.
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/err.h"
#include "core/io.h"
#include "core/units.h"
#include "import/import.h"
#include "plan/plan_int.h"
#include "plan/plan_parse_int.h"

#define PL_MAX_CELLS 1000
#define PL_MAX_RUNS 10000
#define PL_MAX_TARGETS 1000
#define PL_MAX_STEPS 1000000
#define PL_MAX_NAME 128
#define PL_MAX_FILE (16u << 20)


static const char *const plan_keys[] = {
    "title", "description", "duration", "warmup", "runs", "concurrency", "rate", "connections",
    "order", "seed", "cooldown", "capture", "targets", "thresholds", "timeout", "ready_timeout",
    "stop_grace", "baseline", "generator", "load_hosts", "remote", "remote_rigor", "start_lead",
    "max_skew", "clock_probe", "think", "ramp", "ramp_measured", NULL};
static const char *const target_keys[] = {
    "name", "url", "start", "ready", "env", "threads", "method", "headers", "body",
    "thresholds", "generator", "insecure", "cacert", "targets_file", "requests", NULL};
static const char *const generator_keys[] = {"command", "format", "trim_warmup", "timeout",
                                             NULL};
static const char *const placeholders[] = {"url", "concurrency", "rate", "duration", "warmup",
                                           "total", "output", "run", "target", NULL};

int pl_perr(pctx *c, const char *key, const char *fmt, ...)
{
    char msg[RG_ERRLEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(c->err, RG_ERRLEN, "%s: %s: %.300s", c->file, key, msg);
    return -1;
}

const char *pl_type_name(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER: return "an integer";
    case JSON_REAL: return "a number";
    case JSON_TRUE: case JSON_FALSE: return "a boolean";
    default: return "null";
    }
}

static char *xstrdup(const char *s)
{
    return s ? strdup(s) : NULL;
}

/* Reject keys not in `known`, naming the first unknown one. */
static int check_keys(pctx *c, const json_t *obj, const char *prefix, const char *const *known)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)obj, key, v) {
        int ok = 0;
        for (size_t i = 0; known[i] && !ok; i++)
            ok = strcmp(known[i], key) == 0;
        if (!ok) {
            char path[300];
            snprintf(path, sizeof path, "%s%s", prefix, key);
            return pl_perr(c, path, "unknown key");
        }
    }
    return 0;
}

int pl_get_string(pctx *c, const json_t *obj, const char *key, const char *path, char **out)
{
    json_t *v = json_object_get(obj, key);
    *out = NULL;
    if (v == NULL || json_is_null(v))
        return 0;
    if (!json_is_string(v))
        return pl_perr(c, path, "expected a string, got %s", pl_type_name(v));
    if (json_string_length(v) == 0)
        return pl_perr(c, path, "empty string");
    if (strlen(json_string_value(v)) != json_string_length(v))
        return pl_perr(c, path, "contains a NUL character");
    *out = xstrdup(json_string_value(v));
    return *out ? 0 : pl_perr(c, path, "out of memory");
}

int pl_get_duration(pctx *c, const json_t *obj, const char *key, double *out, double min)
{
    json_t *v = json_object_get(obj, key);
    char e[RG_ERRLEN];
    double d;
    if (v == NULL)
        return 0;
    if (json_is_string(v)) {
        if (rg_parse_duration(json_string_value(v), &d, e) != 0)
            return pl_perr(c, key, "%s", e);
    } else if (json_is_number(v)) {
        d = json_number_value(v);
    } else {
        return pl_perr(c, key, "expected a duration such as \"10s\", got %s", pl_type_name(v));
    }
    if (!isfinite(d) || d < min || d > 86400.0 * 7)
        return pl_perr(c, key, "duration out of range");
    *out = d;
    return 0;
}

/* Integer in [lo, hi]. Absent keeps *out. */
static int get_int(pctx *c, const json_t *obj, const char *key, const char *path,
                   long long lo, long long hi, long long *out)
{
    json_t *v = json_object_get(obj, key);
    if (v == NULL)
        return 0;
    if (!json_is_integer(v))
        return pl_perr(c, path, "expected an integer, got %s", pl_type_name(v));
    long long x = json_integer_value(v);
    if (x < lo || x > hi)
        return pl_perr(c, path, "%lld is out of range (%lld to %lld)", x, lo, hi);
    *out = x;
    return 0;
}

/* The sweep: "concurrency" (positive integers) or "rate" (positive numbers), list or string. */
static int parse_cells(pctx *c, const json_t *root, pl_plan *p)
{
    json_t *cv = json_object_get(root, "concurrency"), *rv = json_object_get(root, "rate");
    char e[RG_ERRLEN];
    if (cv && rv)
        return pl_perr(c, "rate", "give either concurrency or rate, not both");
    if (!cv && !rv)
        return pl_perr(c, "concurrency", "missing (or give rate for open loop)");
    const char *key = cv ? "concurrency" : "rate";
    json_t *v = cv ? cv : rv;
    p->open_loop = rv != NULL;
    if (json_is_string(v)) {
        if (p->open_loop)
            return rg_parse_list_double(json_string_value(v), &p->cells, &p->ncells,
                                        PL_MAX_CELLS, e) ? pl_perr(c, key, "%s", e) : 0;
        uint64_t *u = NULL;
        if (rg_parse_list(json_string_value(v), &u, &p->ncells, PL_MAX_CELLS, e) != 0)
            return pl_perr(c, key, "%s", e);
        p->cells = calloc(p->ncells, sizeof *p->cells);
        for (size_t i = 0; p->cells && i < p->ncells; i++)
            p->cells[i] = (double)u[i];
        free(u);
        return p->cells ? 0 : pl_perr(c, key, "out of memory");
    }
    if (json_is_integer(v) || json_is_real(v)) {  /* a single value */
        p->ncells = 1;
        if ((p->cells = calloc(1, sizeof *p->cells)) == NULL)
            return pl_perr(c, key, "out of memory");
        p->cells[0] = json_number_value(v);
        if (!p->open_loop && (!json_is_integer(v) || p->cells[0] < 1 || p->cells[0] > 1e6))
            return pl_perr(c, key, "expected a positive integer (1 to 1000000)");
        if (p->open_loop && !(p->cells[0] > 0 && p->cells[0] <= 1e9))
            return pl_perr(c, key, "expected a positive rate in requests/s");
        return 0;
    }
    if (!json_is_array(v) || json_array_size(v) == 0)
        return pl_perr(c, key, "expected a non-empty list such as [10, 100, 500], got %s",
                    json_is_array(v) ? "an empty list" : pl_type_name(v));
    if (json_array_size(v) > PL_MAX_CELLS)
        return pl_perr(c, key, "more than %d values", PL_MAX_CELLS);
    p->ncells = json_array_size(v);
    p->cells = calloc(p->ncells, sizeof *p->cells);
    if (p->cells == NULL)
        return pl_perr(c, key, "out of memory");
    for (size_t i = 0; i < p->ncells; i++) {
        json_t *x = json_array_get(v, i);
        char path[64];
        snprintf(path, sizeof path, "%s[%zu]", key, i);
        if (!p->open_loop && (!json_is_integer(x) || json_integer_value(x) < 1 ||
                              json_integer_value(x) > 1000000))
            return pl_perr(c, path, "expected a positive integer (1 to 1000000), got %s",
                        json_is_integer(x) ? "a value out of range" : pl_type_name(x));
        if (p->open_loop && (!json_is_number(x) || !(json_number_value(x) > 0) ||
                             json_number_value(x) > 1e9))
            return pl_perr(c, path, "expected a positive rate in requests/s");
        p->cells[i] = json_number_value(x);
        for (size_t j = 0; j < i; j++)
            if (p->cells[j] == p->cells[i])
                return pl_perr(c, path, "duplicate value %g", p->cells[i]);
    }
    return 0;
}

/* A list of threshold strings into *out / *n. */
static int parse_thresholds(pctx *c, const json_t *v, const char *path, an_threshold **out,
                            size_t *n)
{
    char e[RG_ERRLEN], key[300];
    *out = NULL;
    *n = 0;
    if (v == NULL)
        return 0;
    if (!json_is_array(v))
        return pl_perr(c, path, "expected a list of strings such as [\"p99 < 200ms\"], got %s",
                    pl_type_name(v));
    *out = calloc(json_array_size(v) + 1, sizeof **out);
    if (*out == NULL)
        return pl_perr(c, path, "out of memory");
    for (size_t i = 0; i < json_array_size(v); i++) {
        json_t *x = json_array_get(v, i);
        snprintf(key, sizeof key, "%s[%zu]", path, i);
        if (!json_is_string(x))
            return pl_perr(c, key, "expected a string, got %s", pl_type_name(x));
        if (an_threshold_parse(json_string_value(x), &(*out)[i], e) != 0)
            return pl_perr(c, key, "%s", e);
        (*n)++;
    }
    return 0;
}

/* "env": {"NAME": "value"} -> "NAME=value" strings. */
static int parse_env(pctx *c, const json_t *t, const char *prefix, pl_target *tg)
{
    json_t *v = json_object_get(t, "env"), *x;
    const char *k;
    char path[300];
    snprintf(path, sizeof path, "%senv", prefix);
    if (v == NULL || json_is_null(v))
        return 0;
    if (!json_is_object(v))
        return pl_perr(c, path, "expected an object such as {\"NAME\": \"value\"}, got %s",
                    pl_type_name(v));
    tg->env = calloc(json_object_size(v) + 1, sizeof *tg->env);
    if (tg->env == NULL)
        return pl_perr(c, path, "out of memory");
    json_object_foreach(v, k, x) {
        snprintf(path, sizeof path, "%senv.%s", prefix, k);
        if (k[0] == '\0' || strchr(k, '=') || isdigit((unsigned char)k[0]))
            return pl_perr(c, path, "not a valid environment variable name");
        for (const char *s = k; *s; s++)
            if (!isalnum((unsigned char)*s) && *s != '_')
                return pl_perr(c, path, "not a valid environment variable name");
        if (!json_is_string(x) && !json_is_number(x))
            return pl_perr(c, path, "expected a string, got %s", pl_type_name(x));
        char num[64];
        const char *val = json_is_string(x) ? json_string_value(x) : num;
        if (json_is_integer(x))
            snprintf(num, sizeof num, "%lld", (long long)json_integer_value(x));
        else if (json_is_real(x))
            snprintf(num, sizeof num, "%.17g", json_real_value(x));
        if (asprintf(&tg->env[tg->nenv], "%s=%s", k, val) < 0)
            return pl_perr(c, path, "out of memory");
        tg->nenv++;
    }
    return 0;
}

/* "headers": {"Name": "value"} -> "Name: value"; names are RFC 9110 tokens. */
static int parse_headers(pctx *c, const json_t *t, const char *prefix, pl_target *tg)
{
    json_t *v = json_object_get(t, "headers"), *x;
    const char *k;
    char path[300];
    snprintf(path, sizeof path, "%sheaders", prefix);
    if (v == NULL || json_is_null(v))
        return 0;
    if (!json_is_object(v))
        return pl_perr(c, path, "expected an object such as {\"Accept\": \"*/*\"}, got %s",
                    pl_type_name(v));
    tg->headers = calloc(json_object_size(v) + 1, sizeof *tg->headers);
    if (tg->headers == NULL)
        return pl_perr(c, path, "out of memory");
    json_object_foreach(v, k, x) {
        char e[RG_ERRLEN];
        snprintf(path, sizeof path, "%sheaders.%s", prefix, k);
        if (!json_is_string(x))
            return pl_perr(c, path, "expected a string, got %s", pl_type_name(x));
        if (strlen(json_string_value(x)) != json_string_length(x))
            return pl_perr(c, path, "contains a NUL character");
        if (asprintf(&tg->headers[tg->nheaders], "%s: %s", k, json_string_value(x)) < 0)
            return pl_perr(c, path, "out of memory");
        if (lg_header_check(tg->headers[tg->nheaders++], e) != 0)
            return pl_perr(c, path, "%s", e);
    }
    return 0;
}

/* "body": a string, null, or any JSON value (sent as compact JSON). */
static int parse_body(pctx *c, const json_t *t, const char *prefix, pl_target *tg)
{
    json_t *v = json_object_get(t, "body");
    char path[300];
    snprintf(path, sizeof path, "%sbody", prefix);
    if (v == NULL || json_is_null(v))
        return 0;
    if (json_is_string(v)) {
        tg->body_len = json_string_length(v);
        tg->body = malloc(tg->body_len + 1);
        if (tg->body)
            memcpy(tg->body, json_string_value(v), tg->body_len + 1);
    } else {
        tg->body = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        tg->body_len = tg->body ? strlen(tg->body) : 0;
    }
    return tg->body ? 0 : pl_perr(c, path, "out of memory");
}

/* Every {word} of the command must be a placeholder; {rate} needs an open-loop plan. */
static int check_placeholders(pctx *c, const char *path, const char *cmd, bool open_loop)
{
    for (const char *p = strchr(cmd, '{'); p; p = strchr(p + 1, '{')) {
        size_t n = strspn(p + 1, "abcdefghijklmnopqrstuvwxyz_");
        if (n == 0 || p[1 + n] != '}')
            continue;   /* not a placeholder ({} in a script, ${VAR}...) */
        size_t i = 0;
        while (placeholders[i] && (strlen(placeholders[i]) != n ||
                                   strncmp(placeholders[i], p + 1, n) != 0))
            i++;
        if (placeholders[i] == NULL)
            return pl_perr(c, path, "unknown placeholder {%.*s} (known: {url} {concurrency} "
                        "{rate} {duration} {warmup} {total} {output} {run} {target})",
                        (int)n, p + 1);
        if (!open_loop && strcmp(placeholders[i], "rate") == 0)
            return pl_perr(c, path, "{rate} in a closed-loop plan (give \"rate\" instead of "
                        "\"concurrency\")");
    }
    return 0;
}

/* "generator": {"command", "format", "trim_warmup", "timeout"} into g. */
static int parse_generator(pctx *c, const json_t *obj, const char *prefix, pl_generator *g,
                           bool open_loop)
{
    json_t *v = json_object_get(obj, "generator"), *tw;
    char path[300], key[340];
    snprintf(path, sizeof path, "%sgenerator", prefix);
    if (v == NULL || json_is_null(v))
        return 0;
    if (!json_is_object(v))
        return pl_perr(c, path, "expected an object such as {\"command\": \"hey -z {duration} "
                    "-c {concurrency} -o csv {url}\", \"format\": \"hey\"}, got %s",
                    pl_type_name(v));
    snprintf(key, sizeof key, "%s.", path);
    if (check_keys(c, v, key, generator_keys) != 0)
        return -1;
    snprintf(key, sizeof key, "%s.command", path);
    if (json_object_get(v, "command") == NULL)
        return pl_perr(c, key, "missing");
    if (pl_get_string(c, v, "command", key, &g->command) != 0 ||
        check_placeholders(c, key, g->command, open_loop) != 0)
        return -1;
    snprintf(key, sizeof key, "%s.format", path);
    if (json_object_get(v, "format") == NULL)
        return pl_perr(c, key, "missing (one of %s)", im_format_names());
    if (pl_get_string(c, v, "format", key, &g->format) != 0)
        return -1;
    if (!im_format_known(g->format, NULL))
        return pl_perr(c, key, "unknown format \"%s\" (known: %s)", g->format, im_format_names());
    tw = json_object_get(v, "trim_warmup");
    snprintf(key, sizeof key, "%s.trim_warmup", path);
    if (tw && !json_is_boolean(tw))
        return pl_perr(c, key, "expected true or false, got %s", pl_type_name(tw));
    g->trim_warmup = json_is_true(tw);
    if (g->trim_warmup && !im_format_per_request(g->format))
        return pl_perr(c, key, "%s holds aggregates only: no request can be dropped", g->format);
    if (json_object_get(v, "timeout")) {
        double d = 0;
        if (pl_get_duration(c, v, "timeout", &d, 0.001) != 0)
            return -1;
        g->timeout_s = d;
    }
    return 0;
}

static int copy_generator(const pl_generator *from, pl_generator *to)
{
    to->command = strdup(from->command);
    to->format = strdup(from->format);
    to->trim_warmup = from->trim_warmup;
    to->timeout_s = from->timeout_s;
    return to->command && to->format ? 0 : -1;
}

/* The name: given, or host:port of the URL. Printable, no control characters. */
static int parse_name(pctx *c, const json_t *t, const char *prefix, pl_target *tg)
{
    char path[300];
    snprintf(path, sizeof path, "%sname", prefix);
    if (pl_get_string(c, t, "name", path, &tg->name) != 0)
        return -1;
    if (tg->name == NULL) {
        lg_url u;
        char e[RG_ERRLEN];
        if (lg_url_parse(tg->url, &u, e) != 0)
            return -1;  /* already validated by the caller */
        int rc = asprintf(&tg->name, strchr(u.host, ':') ? "[%s]:%u" : "%s:%u", u.host,
                          (unsigned)u.port);
        lg_url_free(&u);
        if (rc < 0)
            return pl_perr(c, path, "out of memory");
    }
    if (strlen(tg->name) > PL_MAX_NAME)
        return pl_perr(c, path, "longer than %d bytes", PL_MAX_NAME);
    for (const unsigned char *s = (const unsigned char *)tg->name; *s; s++)
        if (*s < 0x20 || *s == 0x7f)
            return pl_perr(c, path, "contains a control character");
    return 0;
}

static int parse_url_key(pctx *c, const json_t *t, const char *prefix, const char *key,
                         char **out)
{
    char path[300], e[RG_ERRLEN];
    lg_url u;
    snprintf(path, sizeof path, "%s%s", prefix, key);
    if (pl_get_string(c, t, key, path, out) != 0)
        return -1;
    if (*out != NULL && lg_url_parse(*out, &u, e) != 0)
        return pl_perr(c, path, "%s", e);
    if (*out != NULL)
        lg_url_free(&u);
    return 0;
}

static int parse_method(pctx *c, const json_t *t, const char *prefix, pl_target *tg)
{
    char path[300];
    snprintf(path, sizeof path, "%smethod", prefix);
    if (pl_get_string(c, t, "method", path, &tg->method) != 0)
        return -1;
    char e[RG_ERRLEN];
    if (tg->method == NULL && (tg->method = strdup("GET")) == NULL)
        return pl_perr(c, path, "out of memory");
    if (lg_method_check(tg->method, e) != 0)
        return pl_perr(c, path, "%s", e);
    return 0;
}

/*
 * "insecure" (boolean) and "cacert" (a PEM file): https targets only, checked by the load
 * generator's own rules (the file must hold a certificate), as a run would use them.
 */
static int parse_tls(pctx *c, const json_t *t, const char *prefix, pl_target *tg)
{
    char path[300], e[RG_ERRLEN];
    json_t *v = json_object_get(t, "insecure");
    snprintf(path, sizeof path, "%sinsecure", prefix);
    if (v != NULL && !json_is_null(v) && !json_is_boolean(v))
        return pl_perr(c, path, "expected true or false, got %s", pl_type_name(v));
    tg->insecure = json_is_true(v);
    snprintf(path, sizeof path, "%scacert", prefix);
    if (pl_get_string(c, t, "cacert", path, &tg->cacert) != 0)
        return -1;
    lg_config cfg;
    lg_config_init(&cfg);
    cfg.url = tg->url;
    cfg.insecure = tg->insecure;
    cfg.cacert = tg->cacert;
    if (lg_tls_check(&cfg, e) != 0) {
        snprintf(path, sizeof path, "%s%s", prefix, tg->cacert ? "cacert" : "insecure");
        return pl_perr(c, path, "%s", e);
    }
    return 0;
}

static int parse_target(pctx *c, const json_t *t, size_t i, pl_target *tg, bool open_loop)
{
    char prefix[64], path[300];
    long long threads = 1;
    snprintf(prefix, sizeof prefix, "targets[%zu].", i);
    if (!json_is_object(t)) {
        snprintf(path, sizeof path, "targets[%zu]", i);
        return pl_perr(c, path, "expected an object, got %s", pl_type_name(t));
    }
    if (check_keys(c, t, prefix, target_keys) != 0)
        return -1;
    snprintf(path, sizeof path, "%surl", prefix);
    bool mix = json_object_get(t, "targets_file") || json_object_get(t, "requests");
    if (!mix && (json_object_get(t, "url") == NULL || json_is_null(json_object_get(t, "url"))))
        return pl_perr(c, path, "missing");
    if (parse_url_key(c, t, prefix, "url", &tg->url) != 0 ||
        pl_parse_mix(c, t, prefix, tg) != 0 ||
        parse_url_key(c, t, prefix, "ready", &tg->ready) != 0 ||
        parse_name(c, t, prefix, tg) != 0)
        return -1;
    snprintf(path, sizeof path, "%sstart", prefix);
    if (pl_get_string(c, t, "start", path, &tg->start) != 0)
        return -1;
    snprintf(path, sizeof path, "%sthreads", prefix);
    if (get_int(c, t, "threads", path, 1, 256, &threads) != 0)
        return -1;
    tg->threads = (int)threads;
    snprintf(path, sizeof path, "%sthresholds", prefix);
    if (parse_env(c, t, prefix, tg) != 0 || parse_headers(c, t, prefix, tg) != 0 ||
        parse_body(c, t, prefix, tg) != 0 || parse_method(c, t, prefix, tg) != 0 ||
        parse_tls(c, t, prefix, tg) != 0 ||
        parse_thresholds(c, json_object_get(t, "thresholds"), path, &tg->thresholds,
                         &tg->nthresholds) != 0)
        return -1;
    if (tg->ready == NULL && (tg->ready = strdup(tg->url)) == NULL)
        return pl_perr(c, path, "out of memory");
    return parse_generator(c, t, prefix, &tg->gen, open_loop);
}

static int parse_targets(pctx *c, const json_t *root, pl_plan *p)
{
    json_t *v = json_object_get(root, "targets");
    if (v == NULL)
        return pl_perr(c, "targets", "missing");
    if (!json_is_array(v) || json_array_size(v) == 0)
        return pl_perr(c, "targets", "expected a non-empty list of targets, got %s",
                    json_is_array(v) ? "an empty list" : pl_type_name(v));
    if (json_array_size(v) > PL_MAX_TARGETS)
        return pl_perr(c, "targets", "more than %d targets", PL_MAX_TARGETS);
    p->targets = calloc(json_array_size(v), sizeof *p->targets);
    if (p->targets == NULL)
        return pl_perr(c, "targets", "out of memory");
    for (size_t i = 0; i < json_array_size(v); i++) {
        p->ntargets++;
        if (parse_target(c, json_array_get(v, i), i, &p->targets[i], p->open_loop) != 0)
            return -1;
        for (size_t j = 0; j < i; j++) {
            if (strcmp(p->targets[j].name, p->targets[i].name) == 0) {
                char path[64];
                snprintf(path, sizeof path, "targets[%zu].name", i);
                return pl_perr(c, path, "duplicate name \"%s\" (also targets[%zu])",
                            p->targets[i].name, j);
            }
        }
    }
    return 0;
}

static int parse_order(pctx *c, const json_t *root, pl_plan *p)
{
    char *s = NULL;
    int rc = 0;
    if (pl_get_string(c, root, "order", "order", &s) != 0)
        return -1;
    if (s == NULL || strcmp(s, "interleaved") == 0)
        p->order = PL_ORDER_INTERLEAVED;
    else if (strcmp(s, "sequential") == 0)
        p->order = PL_ORDER_SEQUENTIAL;
    else if (strcmp(s, "grouped") == 0)
        p->order = PL_ORDER_GROUPED;
    else
        rc = pl_perr(c, "order", "expected interleaved, sequential or grouped, got \"%s\"", s);
    free(s);
    return rc;
}

/* Scalars of the plan: durations, counts, order, seed, strings. */
static int parse_scalars(pctx *c, const json_t *root, pl_plan *p)
{
    long long runs = 5, seed = 1, conns = 50;
    json_t *sv = json_object_get(root, "description");
    if (sv && !json_is_string(sv))
        return pl_perr(c, "description", "expected a string, got %s", pl_type_name(sv));
    if (pl_get_string(c, root, "title", "title", &p->title) != 0 ||
        pl_get_duration(c, root, "duration", &p->duration_s, 0.001) != 0 ||
        pl_get_duration(c, root, "warmup", &p->warmup_s, 0) != 0 ||
        pl_get_duration(c, root, "cooldown", &p->cooldown_s, 0) != 0 ||
        pl_get_duration(c, root, "timeout", &p->timeout_s, 0.001) != 0 ||
        pl_get_duration(c, root, "ready_timeout", &p->ready_timeout_s, 0.001) != 0 ||
        pl_get_duration(c, root, "stop_grace", &p->stop_grace_s, 0) != 0 ||
        get_int(c, root, "runs", "runs", 1, PL_MAX_RUNS, &runs) != 0 ||
        get_int(c, root, "seed", "seed", 0, INT64_MAX, &seed) != 0 ||
        get_int(c, root, "connections", "connections", 1, 1000000, &conns) != 0 ||
        pl_get_string(c, root, "capture", "capture", &p->capture) != 0 ||
        pl_get_string(c, root, "baseline", "baseline", &p->baseline) != 0 ||
        parse_order(c, root, p) != 0)
        return -1;
    p->runs = (int)runs;
    p->seed = (uint64_t)seed;
    p->connections = (uint64_t)conns;
    return 0;
}

/* Do two (validated) URLs name the same host and port? If so, "host:port" goes to addr. */
static bool same_address(const char *x, const char *y, char *addr, size_t len)
{
    lg_url a, b;
    char e[RG_ERRLEN];
    if (lg_url_parse(x, &a, e) != 0)
        return false;
    bool same = false;
    if (lg_url_parse(y, &b, e) == 0) {
        same = strcmp(a.host, b.host) == 0 && a.port == b.port;
        snprintf(addr, len, "%s:%u", a.host, (unsigned)a.port);
        lg_url_free(&b);
    }
    lg_url_free(&a);
    return same;
}

/* Interleaved: every started target runs at once, so two may not share an address. */
static int check_ports(pctx *c, const pl_plan *p)
{
    char path[64], addr[300];
    if (p->order != PL_ORDER_INTERLEAVED)
        return 0;
    for (size_t i = 0; i < p->ntargets; i++) {
        for (size_t j = 0; j < i; j++) {
            if (p->targets[i].start == NULL || p->targets[j].start == NULL ||
                !same_address(p->targets[i].url, p->targets[j].url, addr, sizeof addr))
                continue;
            snprintf(path, sizeof path, "targets[%zu].url", i);
            return pl_perr(c, path, "same address as targets[%zu] (%s): with the interleaved "
                        "order every started target runs at once; give each its own port, or "
                        "use \"order\": \"sequential\"", j, addr);
        }
    }
    return 0;
}

/* The plan's generator for targets without their own; rigor-only keys refused with one. */
static int check_generators(pctx *c, const json_t *root, pl_plan *p)
{
    static const char *const own[] = {"threads", "method", "headers", "body", "targets_file",
                                      "requests", NULL};
    pl_generator plan_gen = {0};
    int rc = parse_generator(c, root, "", &plan_gen, p->open_loop);
    for (size_t i = 0; rc == 0 && i < p->ntargets; i++) {
        pl_target *t = &p->targets[i];
        if (t->gen.command == NULL && plan_gen.command && copy_generator(&plan_gen, &t->gen))
            rc = pl_perr(c, "generator", "out of memory");
        const json_t *tj = json_array_get(json_object_get(root, "targets"), i);
        for (size_t k = 0; rc == 0 && t->gen.command && own[k]; k++) {
            char path[64];
            snprintf(path, sizeof path, "targets[%zu].%s", i, own[k]);
            if (json_object_get(tj, own[k]))
                rc = pl_perr(c, path, "not used with an external generator: put it in the "
                          "generator's command");
        }
    }
    free(plan_gen.command);
    free(plan_gen.format);
    return rc;
}

static int check_whole(pctx *c, const json_t *root, pl_plan *p)
{
    if (check_ports(c, p) != 0 || check_generators(c, root, p) != 0 ||
        pl_parse_distributed(c, root, p) != 0 || pl_parse_users(c, root, p) != 0)
        return -1;
    for (size_t i = 0; i < p->ntargets; i++) {
        char path[64];
        snprintf(path, sizeof path, "targets[%zu].requests", i);
        if (p->nhosts > 0 && p->targets[i].mix && !p->targets[i].targets_file)
            return pl_perr(c, path, "inline requests do not travel to load hosts: put them "
                           "in a \"targets_file\" at the same path on every host");
        if (p->targets[i].gen.command && (p->think.kind != LG_THINK_NONE || p->ramp_s > 0))
            return pl_perr(c, "think", "\"think\" and \"ramp\" are rigor's own load: "
                           "targets[%zu] has an external generator", i);
    }
    if (json_object_get(root, "connections") && !p->open_loop)
        return pl_perr(c, "connections", "only used with rate (closed loop uses concurrency)");
    if (p->baseline) {
        size_t i = 0;
        while (i < p->ntargets && strcmp(p->targets[i].name, p->baseline) != 0)
            i++;
        if (i == p->ntargets)
            return pl_perr(c, "baseline", "no target is named \"%s\"", p->baseline);
    }
    if ((double)p->ntargets * (double)p->ncells * p->runs > PL_MAX_STEPS)
        return pl_perr(c, "runs", "targets x cells x runs exceeds %d", PL_MAX_STEPS);
    return 0;
}

pl_plan *pl_plan_parse(const char *path, const char *text, size_t len, char *err)
{
    pctx c = {path, err};
    json_error_t je;
    pl_plan *p = calloc(1, sizeof *p);
    if (p == NULL) {
        rg_err_set(err, "%s: out of memory", path);
        return NULL;
    }
    if ((p->path = strdup(path)) == NULL) {
        free(p);
        rg_err_set(err, "%s: out of memory", path);
        return NULL;
    }
    p->duration_s = 10;
    p->warmup_s = 1;
    p->timeout_s = 10;
    p->ready_timeout_s = 30;
    p->stop_grace_s = 5;
    p->start_lead_s = 3;
    p->max_skew_s = -1;
    p->json = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (p->json == NULL) {
        rg_err_set(err, "%s:%d:%d: %s", path, je.line, je.column, je.text);
        goto fail;
    }
    if (!json_is_object(p->json)) {
        rg_err_set(err, "%s: expected a JSON object at the top, got %s", path,
                   pl_type_name(p->json));
        goto fail;
    }
    if (check_keys(&c, p->json, "", plan_keys) != 0 || parse_scalars(&c, p->json, p) != 0 ||
        parse_cells(&c, p->json, p) != 0 || parse_targets(&c, p->json, p) != 0 ||
        parse_thresholds(&c, json_object_get(p->json, "thresholds"), "thresholds",
                         &p->thresholds, &p->nthresholds) != 0 ||
        check_whole(&c, p->json, p) != 0)
        goto fail;
    return p;
fail:
    pl_plan_free(p);
    return NULL;
}

pl_plan *pl_plan_load(const char *path, char *err)
{
    size_t len;
    char e[RG_ERRLEN];
    char *text = rg_read_file(path, &len, PL_MAX_FILE, e);
    if (text == NULL) {
        rg_err_set(err, "%s", e);
        return NULL;
    }
    pl_plan *p = pl_plan_parse(path, text, len, err);
    free(text);
    return p;
}

static void free_strv(char **v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        free(v[i]);
    free(v);
}

static void free_thresholds(an_threshold *t, size_t n)
{
    for (size_t i = 0; t && i < n; i++)
        an_threshold_clear(&t[i]);
    free(t);
}

void pl_plan_free(pl_plan *p)
{
    if (p == NULL)
        return;
    for (size_t i = 0; i < p->ntargets; i++) {
        pl_target *t = &p->targets[i];
        free(t->name);
        free(t->url);
        free(t->cacert);
        free(t->start);
        free(t->ready);
        free_strv(t->env, t->nenv);
        free(t->method);
        free_strv(t->headers, t->nheaders);
        free(t->body);
        free(t->targets_file);
        lg_targets_free(t->mix);
        free_thresholds(t->thresholds, t->nthresholds);
        free(t->gen.command);
        free(t->gen.format);
    }
    free(p->targets);
    free_thresholds(p->thresholds, p->nthresholds);
    free(p->cells);
    free(p->path);
    free(p->title);
    free(p->capture);
    free(p->baseline);
    free_strv(p->hosts, p->nhosts);
    free(p->remote);
    free(p->remote_rigor);
    json_decref(p->json);
    free(p);
}

const char *pl_order_name(enum pl_order_kind k)
{
    switch (k) {
    case PL_ORDER_SEQUENTIAL: return "sequential";
    case PL_ORDER_GROUPED: return "grouped";
    default: return "interleaved";
    }
}
