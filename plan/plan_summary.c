/*
 * plan/plan_summary.c — the text summary `rigor run` prints when a plan is done.
 *
 * Everything printed comes from analyze's document (analyze/analyze.h), so the numbers are the
 * ones `rigor analyze` and the report show: one line per cell with the across-run means and
 * the half-width of their confidence intervals, then the comparisons' sentences and the
 * warnings. The full tables are in the report (`--report DIR`) and `rigor analyze`.
 * Expected load: one call per plan.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "analyze/analyze.h"
#include "core/text.h"
#include "core/units.h"
#include "plan/plan_int.h"

static double metric_field(const json_t *g, const char *metric, const char *field)
{
    json_t *v = json_object_get(json_object_get(json_object_get(g, "metrics"), metric), field);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

/* Half-width of the CI of the mean, or NaN. */
static double half_ci(const json_t *g, const char *metric)
{
    double lo = metric_field(g, metric, "ci_low"), hi = metric_field(g, metric, "ci_high");
    return isnan(lo) || isnan(hi) ? NAN : (hi - lo) / 2.0;
}

/* "41.2k ± 1.1k" style for throughput, "480us ± 20us" for latency; "-" when unknown. */
static const char *fmt_pm(char *buf, size_t len, double v, double pm, bool us)
{
    char a[32], b[32];
    if (isnan(v))
        return snprintf(buf, len, "-"), buf;
    if (us)
        rg_fmt_us(a, sizeof a, v, 3);
    else
        rg_fmt_si(a, sizeof a, v, 3);
    if (isnan(pm))
        return snprintf(buf, len, "%s", a), buf;
    if (us)
        rg_fmt_us(b, sizeof b, pm, 2);
    else
        rg_fmt_si(b, sizeof b, pm, 2);
    snprintf(buf, len, "%s ± %s", a, b);
    return buf;
}

static void print_group(const json_t *g, bool open_loop, FILE *out)
{
    char cell[32], rps[80], p50[32], p99[80], err[48], cpu[32], rss[32];
    json_t *c = json_object_get(g, open_loop ? "rate" : "concurrency");
    double e = metric_field(g, AN_ERROR_RATE, "mean");
    double cp = metric_field(g, AN_SERVER_CPU, "mean");
    double rs = metric_field(g, AN_SERVER_RSS, "mean");
    snprintf(cell, sizeof cell, "%g", json_is_number(c) ? json_number_value(c) : NAN);
    fmt_pm(rps, sizeof rps, metric_field(g, AN_THROUGHPUT, "mean"),
           half_ci(g, AN_THROUGHPUT), false);
    fmt_pm(p50, sizeof p50, metric_field(g, AN_LATENCY_P50, "mean"), NAN, true);
    fmt_pm(p99, sizeof p99, metric_field(g, AN_LATENCY_P99, "mean"), half_ci(g, AN_LATENCY_P99),
           true);
    if (isnan(e))
        snprintf(err, sizeof err, "-");
    else
        snprintf(err, sizeof err, "%s%%", rg_fmt_sig((char[32]){0}, 32, e * 100, 2));
    if (isnan(cp))
        snprintf(cpu, sizeof cpu, "-");
    else
        snprintf(cpu, sizeof cpu, "%.0f%%", cp);
    if (isnan(rs))
        snprintf(rss, sizeof rss, "-");
    else
        rg_fmt_bytes(rss, sizeof rss, rs * 1024);
    fprintf(out, "%-16s %7s %4lld  ", json_string_value(json_object_get(g, "target")), cell,
            (long long)json_integer_value(json_object_get(g, "runs")));
    rg_fpad(out, rps, -20);   /* "±" is two bytes but one column */
    fprintf(out, " %-9s ", p50);
    rg_fpad(out, p99, -20);
    fprintf(out, " %-7s %-5s %s\n", err, cpu, rss);
}

static void print_comparisons(const json_t *analysis, FILE *out)
{
    json_t *cmp = json_object_get(analysis, "comparisons"), *c;
    size_t i, shown = 0;
    json_array_foreach(cmp, i, c) {
        const char *metric = json_string_value(json_object_get(c, "metric"));
        const char *sentence = json_string_value(json_object_get(c, "sentence"));
        if (metric == NULL || sentence == NULL ||
            (strcmp(metric, AN_THROUGHPUT) != 0 && strcmp(metric, AN_LATENCY_P99) != 0))
            continue;
        if (shown++ == 0)
            fprintf(out, "\nComparisons (throughput and p99; the report has every metric):\n");
        fprintf(out, "  %s\n", sentence);
    }
}

static void print_warnings(const json_t *analysis, bool open_loop, FILE *out)
{
    json_t *w = json_object_get(analysis, "warnings"), *x;
    size_t i;
    json_array_foreach(w, i, x) {
        const char *msg = json_string_value(json_object_get(x, "message"));
        const char *tg = json_string_value(json_object_get(x, "target"));
        json_t *cell = json_object_get(x, open_loop ? "rate" : "concurrency");
        char where[200] = "";
        if (tg && json_is_number(cell))
            snprintf(where, sizeof where, "%s %s=%g: ", tg, open_loop ? "rate" : "c",
                     json_number_value(cell));
        else if (tg)
            snprintf(where, sizeof where, "%s: ", tg);
        if (i == 0)
            fprintf(out, "\nWarnings:\n");
        fprintf(out, "  %s%s\n", where, msg ? msg : "?");
    }
}

/* The analysis group of target t at cell value v, or NULL. */
static const json_t *find_group(const json_t *groups, const char *t, bool open_loop, double v)
{
    size_t i;
    json_t *g;
    json_array_foreach(groups, i, g) {
        json_t *c = json_object_get(g, open_loop ? "rate" : "concurrency");
        const char *name = json_string_value(json_object_get(g, "target"));
        if (name && strcmp(name, t) == 0 && json_is_number(c) &&
            fabs(json_number_value(c) - v) <= 1e-9 * fabs(v))
            return g;
    }
    return NULL;
}

void pl_summary_print(const pl_plan *p, const json_t *analysis, FILE *out)
{
    json_t *groups = json_object_get(analysis, "groups");
    double conf = json_number_value(json_object_get(analysis, "confidence"));
    fprintf(out, "%s: %zu target%s x %zu %s x %d run%s (%s order, seed %llu); "
            "means with %g%% CI\n\n", p->title ? p->title : p->path, p->ntargets,
            p->ntargets == 1 ? "" : "s", p->ncells, p->open_loop ? "rates" : "concurrencies",
            p->runs, p->runs == 1 ? "" : "s", pl_order_name(p->order),
            (unsigned long long)p->seed, conf > 0 ? conf * 100 : 95);
    fprintf(out, "%-16s %7s %4s  %-20s %-9s %-20s %-7s %-5s %s\n", "target",
            p->open_loop ? "rate" : "conns", "runs", "req/s", "p50", "p99", "errors", "cpu",
            "rss");
    for (size_t t = 0; t < p->ntargets; t++) {  /* plan order, not the order runs were made */
        for (size_t c = 0; c < p->ncells; c++) {
            const json_t *g = find_group(groups, p->targets[t].name, p->open_loop, p->cells[c]);
            if (g != NULL)
                print_group(g, p->open_loop, out);
        }
    }
    print_comparisons(analysis, out);
    print_warnings(analysis, p->open_loop, out);
}
