/*
 * analyze/threshold.c — thresholds: "p99 < 200ms", "errors < 1%", "throughput_rps > 1000".
 *
 * A threshold names one of analyze's per-cell metrics (an_metrics[]), an operator and a limit
 * written in the metric's natural unit; it is checked against the metric's across-run mean in
 * every cell it applies to. `rigor run` checks a plan's thresholds at the end (exit 3 on a
 * violation, plan/plan_thresh.c) and `rigor report` shows them, k6-style, from the plan that
 * the dataset records (meta.plan.definition), so both live here, below both. Parsing converts
 * the limit into the unit of analyze's document once, so the check is a plain comparison:
 *   latency (p50 p90 p99 p999 mean, wire_*)  a duration with its unit ("200ms")  -> us
 *   errors / error_rate                      "1%" or 0.01                        -> fraction
 *   throughput / rps / throughput_rps        a number, k/M suffixes allowed       -> req/s
 *   cpu / server_cpu_pct                     a percentage of one core ("150%")    -> %
 *   rss / server_rss_kb                      a size ("200MiB"); bare number = KiB -> KiB
 * Expected load: a few thresholds per plan, each checked over a few hundred groups.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analyze/analyze.h"
#include "core/err.h"
#include "core/units.h"

struct alias {
    const char *name;
    const char *metric;
};

static const struct alias aliases[] = {
    {"p50", AN_LATENCY_P50}, {"p90", AN_LATENCY_P90}, {"p99", AN_LATENCY_P99},
    {"p999", AN_LATENCY_P999}, {"p99.9", AN_LATENCY_P999}, {"mean", AN_LATENCY_MEAN},
    {"latency", AN_LATENCY_MEAN}, {"errors", AN_ERROR_RATE}, {"throughput", AN_THROUGHPUT},
    {"rps", AN_THROUGHPUT}, {"cpu", AN_SERVER_CPU}, {"rss", AN_SERVER_RSS},
    {"wire_p50", AN_WIRE_P50}, {"wire_p90", AN_WIRE_P90}, {"wire_p99", AN_WIRE_P99},
    {"wire_p999", AN_WIRE_P999}, {"wire_mean", AN_WIRE_MEAN},
};

static const char *canonical_metric(const char *name)
{
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (strcmp(aliases[i].name, name) == 0)
            return aliases[i].metric;
    const an_metric_def *d = an_metric_find(name);
    return d ? d->name : NULL;
}

/* The unit of a (canonical) metric's values. */
static enum an_unit kind_of(const char *metric)
{
    return an_metric_find(metric)->unit;
}

/* The limit text (spaces removed) in the metric's unit. */
static int parse_limit(enum an_unit k, const char *v, double *out, char *err)
{
    size_t n = strlen(v);
    int has_unit = n > 0 && isalpha((unsigned char)v[n - 1]);
    uint64_t u;
    char e[RG_ERRLEN];
    switch (k) {
    case AN_UNIT_US:
        if (!has_unit)
            return rg_err(err, "latency limit '%s' needs a unit, e.g. 200ms", v);
        if (rg_parse_duration(v, out, err) != 0)
            return -1;
        *out *= 1e6;
        return 0;
    case AN_UNIT_FRACTION:
        return rg_parse_percent(v, out, err);
    case AN_UNIT_RPS:
        if (rg_parse_double(v, out, e) == 0)
            return 0;
        if (rg_parse_count(v, &u, err) != 0)
            return -1;
        *out = (double)u;
        return 0;
    case AN_UNIT_PCT: {
        char buf[64];
        snprintf(buf, sizeof buf, "%s", v);
        if (n > 0 && n < sizeof buf && buf[n - 1] == '%')
            buf[n - 1] = '\0';
        return rg_parse_double(buf, out, err);
    }
    default:
        if (!has_unit)
            return rg_parse_double(v, out, err);
        if (rg_parse_size(v, &u, err) != 0)
            return -1;
        *out = (double)u / 1024.0;
        return 0;
    }
}

/* Split "METRIC OP VALUE" into its three parts (value with spaces removed). */
static int split(const char *text, char *metric, size_t mlen, enum an_op *op, char *value,
                 size_t vlen, char *err)
{
    const char *s = text;
    size_t i = 0, j = 0;
    while (isspace((unsigned char)*s))
        s++;
    while (*s && !isspace((unsigned char)*s) && !strchr("<>=!", *s) && i + 1 < mlen)
        metric[i++] = *s++;
    metric[i] = '\0';
    while (isspace((unsigned char)*s))
        s++;
    if (i == 0 || (*s != '<' && *s != '>'))
        return rg_err(err, "invalid threshold '%s': expected METRIC < VALUE or "
                      "METRIC > VALUE (also <= and >=), e.g. \"p99 < 200ms\"", text);
    *op = *s == '<' ? (s[1] == '=' ? AN_OP_LE : AN_OP_LT) : (s[1] == '=' ? AN_OP_GE : AN_OP_GT);
    s += s[1] == '=' ? 2 : 1;
    for (; *s && j + 1 < vlen; s++)
        if (!isspace((unsigned char)*s))
            value[j++] = *s;
    value[j] = '\0';
    if (j == 0 || *s)
        return rg_err(err, "invalid threshold '%s': %s", text,
                      j == 0 ? "no value after the operator" : "value too long");
    return 0;
}

int an_threshold_parse(const char *text, an_threshold *out, char *err)
{
    char name[64], value[64], e[RG_ERRLEN];
    enum an_op op;
    double limit;
    memset(out, 0, sizeof *out);
    if (split(text, name, sizeof name, &op, value, sizeof value, err) != 0)
        return -1;
    const char *metric = canonical_metric(name);
    if (metric == NULL)
        return rg_err(err, "unknown metric '%s' in '%s' (known: p50 p90 p99 p999 mean "
                      "errors throughput_rps cpu rss, or analyze's names such as latency_p99)",
                      name, text);
    if (parse_limit(kind_of(metric), value, &limit, e) != 0)
        return rg_err(err, "bad limit in '%.64s': %.300s", text, e);
    if (!isfinite(limit) || limit < 0)
        return rg_err(err, "bad limit in '%s': must be a finite value >= 0", text);
    out->text = strdup(text);
    out->metric = strdup(metric);
    out->op = op;
    out->limit = limit;
    if (out->text == NULL || out->metric == NULL) {
        an_threshold_clear(out);
        return rg_err(err, "out of memory");
    }
    return 0;
}

void an_threshold_clear(an_threshold *t)
{
    if (t == NULL)
        return;
    free(t->text);
    free(t->metric);
    t->text = t->metric = NULL;
}

bool an_threshold_ok(const an_threshold *t, double value)
{
    if (isnan(value))
        return false;
    switch (t->op) {
    case AN_OP_LT: return value < t->limit;
    case AN_OP_LE: return value <= t->limit;
    case AN_OP_GT: return value > t->limit;
    default: return value >= t->limit;
    }
}

const char *an_op_str(enum an_op op)
{
    static const char *const s[] = {"<", "<=", ">", ">="};
    return s[op];
}

char *an_threshold_fmt_value(const an_threshold *t, double v, char *buf, size_t len)
{
    char tmp[64];
    if (isnan(v)) {
        snprintf(buf, len, "n/a");
        return buf;
    }
    switch (kind_of(t->metric)) {
    case AN_UNIT_US: return rg_fmt_us(buf, len, v, 3);
    case AN_UNIT_FRACTION:
        snprintf(buf, len, "%s%%", rg_fmt_sig(tmp, sizeof tmp, v * 100.0, 3));
        return buf;
    case AN_UNIT_RPS:
        snprintf(buf, len, "%s req/s", rg_fmt_si(tmp, sizeof tmp, v, 3));
        return buf;
    case AN_UNIT_PCT:
        snprintf(buf, len, "%s%%", rg_fmt_sig(tmp, sizeof tmp, v, 3));
        return buf;
    default: return rg_fmt_bytes(buf, len, v * 1024.0);
    }
}

/* The metric's across-run mean in group g; NAN when absent. */
static double group_mean(const json_t *g, const char *metric)
{
    const json_t *mean = json_object_get(json_object_get(json_object_get(g, "metrics"), metric),
                                         "mean");
    return json_is_number(mean) ? json_number_value(mean) : NAN;
}

/* Is a (value of a cell) worse for t than b? A missing value is the worst of all. */
static bool worse(const an_threshold *t, double a, double b)
{
    if (isnan(b))
        return false;
    if (isnan(a))
        return true;
    return (t->op == AN_OP_LT || t->op == AN_OP_LE) ? a > b : a < b;
}

size_t an_threshold_check(const an_threshold *t, const char *target, const json_t *analysis,
                          an_threshold_result *res)
{
    const json_t *groups = json_object_get(analysis, "groups");
    memset(res, 0, sizeof *res);
    res->worst_value = NAN;
    for (size_t i = 0; i < json_array_size(groups); i++) {
        const json_t *g = json_array_get(groups, i);
        const char *name = json_string_value(json_object_get(g, "target"));
        if (name == NULL || (target != NULL && strcmp(target, name) != 0))
            continue;
        double v = group_mean(g, t->metric);
        if (res->cells == 0 || worse(t, v, res->worst_value)) {
            res->worst = g;
            res->worst_value = v;
        }
        res->cells++;
        res->violations += !an_threshold_ok(t, v);
    }
    return res->violations + (res->cells == 0);   /* nothing measured is no pass */
}
