/*
 * plan/plan_thresh.c — thresholds: "p99 < 200ms", "errors < 1%", "throughput_rps > 1000".
 *
 * A threshold names one of analyze's per-cell metrics (analyze/analyze.h), an operator and a
 * limit written in the metric's natural unit; it is checked against the metric's across-run
 * mean in every cell it applies to (cmd_run.c). Parsing converts the limit into the unit of
 * analyze's document once, so the check is a plain comparison:
 *   latency (p50 p90 p99 p999 mean, wire_*)  a duration with its unit ("200ms")  -> us
 *   errors / error_rate                      "1%" or 0.01                        -> fraction
 *   throughput / rps / throughput_rps        a number, k/M suffixes allowed       -> req/s
 *   cpu / server_cpu_pct                     a percentage of one core ("150%")    -> %
 *   rss / server_rss_kb                      a size ("200MiB"); bare number = KiB -> KiB
 * Expected load: a few thresholds per plan.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "analyze/analyze.h"
#include "core/err.h"
#include "core/units.h"
#include "plan/plan_int.h"

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
static int split(const char *text, char *metric, size_t mlen, enum pl_op *op, char *value,
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
    *op = *s == '<' ? (s[1] == '=' ? PL_OP_LE : PL_OP_LT) : (s[1] == '=' ? PL_OP_GE : PL_OP_GT);
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

int pl_threshold_parse(const char *text, pl_threshold *out, char *err)
{
    char name[64], value[64], e[RG_ERRLEN];
    enum pl_op op;
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
        pl_threshold_clear(out);
        return rg_err(err, "out of memory");
    }
    return 0;
}

void pl_threshold_clear(pl_threshold *t)
{
    if (t == NULL)
        return;
    free(t->text);
    free(t->metric);
    t->text = t->metric = NULL;
}

bool pl_threshold_ok(const pl_threshold *t, double value)
{
    if (isnan(value))
        return false;
    switch (t->op) {
    case PL_OP_LT: return value < t->limit;
    case PL_OP_LE: return value <= t->limit;
    case PL_OP_GT: return value > t->limit;
    default: return value >= t->limit;
    }
}

const char *pl_op_str(enum pl_op op)
{
    static const char *const s[] = {"<", "<=", ">", ">="};
    return s[op];
}

char *pl_threshold_fmt_value(const pl_threshold *t, double v, char *buf, size_t len)
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

/* "concurrency 100" / "rate 1000/s" of an analysis group. */
static void cell_label(const json_t *g, char *buf, size_t len)
{
    json_t *c = json_object_get(g, "concurrency"), *r = json_object_get(g, "rate");
    if (json_is_number(c))
        snprintf(buf, len, "concurrency %g", json_number_value(c));
    else if (json_is_number(r))
        snprintf(buf, len, "rate %g/s", json_number_value(r));
    else
        snprintf(buf, len, "all");
}

/* Check one threshold on the groups of `target` (NULL = all); returns violations. */
static size_t check_one(const pl_threshold *t, const char *target, const json_t *analysis,
                        FILE *out)
{
    json_t *groups = json_object_get(analysis, "groups"), *g;
    size_t i, bad = 0, seen = 0;
    double worst = NAN;
    char cell[64], worst_where[300] = "", val[64], lim[64];
    pl_threshold_fmt_value(t, t->limit, lim, sizeof lim);
    json_array_foreach(groups, i, g) {
        const char *name = json_string_value(json_object_get(g, "target"));
        if (name == NULL || (target && strcmp(target, name) != 0))
            continue;
        json_t *m = json_object_get(json_object_get(g, "metrics"), t->metric);
        json_t *mean = json_object_get(m, "mean");
        double v = json_is_number(mean) ? json_number_value(mean) : NAN;
        long long n = (long long)json_integer_value(json_object_get(m, "n"));
        cell_label(g, cell, sizeof cell);
        seen++;
        bool take;  /* is this the worst cell so far? no data is the worst of all */
        if (worst_where[0] == '\0' || isnan(v))
            take = worst_where[0] == '\0' || !isnan(worst);
        else
            take = !isnan(worst) && ((t->op == PL_OP_LT || t->op == PL_OP_LE) ? v > worst
                                                                              : v < worst);
        if (take) {
            worst = v;
            snprintf(worst_where, sizeof worst_where, "%s at %s: %s", name, cell,
                     pl_threshold_fmt_value(t, v, val, sizeof val));
        }
        if (pl_threshold_ok(t, v))
            continue;
        bad++;
        char how[48] = "(no data)";
        if (!isnan(v))
            snprintf(how, sizeof how, "(mean of %lld run%s)", n, n == 1 ? "" : "s");
        fprintf(stderr, "rigor run: threshold \"%s\" violated: %s at %s: %s = %s %s, "
                "limit %s %s\n", t->text, name, cell, t->metric,
                pl_threshold_fmt_value(t, v, val, sizeof val), how, pl_op_str(t->op), lim);
    }
    if (seen == 0) {
        fprintf(stderr, "rigor run: threshold \"%s\" violated: no cell of %s was measured\n",
                t->text, target ? target : "any target");
        bad++;
    }
    fprintf(out, "  %-8s  %s%s%s%s  worst: %s\n", bad ? "VIOLATED" : "ok",
            target ? "[" : "", target ? target : "", target ? "] " : "", t->text,
            worst_where[0] ? worst_where : "-");
    return bad;
}

size_t pl_thresholds_check(const pl_plan *p, const json_t *analysis, FILE *out)
{
    size_t bad = 0;
    for (size_t i = 0; i < p->nthresholds; i++)
        bad += check_one(&p->thresholds[i], NULL, analysis, out);
    for (size_t t = 0; t < p->ntargets; t++)
        for (size_t i = 0; i < p->targets[t].nthresholds; i++)
            bad += check_one(&p->targets[t].thresholds[i], p->targets[t].name, analysis, out);
    return bad;
}
