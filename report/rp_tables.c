/*
 * report/rp_tables.c — report.md: header, method, summary, comparisons, errors, warnings.
 *
 * Design: a pure function of the model — the datasets, analyze's document and the options —
 * so the same input gives the same bytes. Nothing here reads the clock, the host or the
 * rigor version: the date is the newest meta.created of the datasets, and the versions shown
 * are the ones that measured (meta). Every label is passed through rg_md_escape; every number
 * through the rp_fmt_* formatters. Columns that no cell has data for are left out, so a
 * summary-only published dataset gets a table of exactly what was published.
 *
 * The dataset header (datasets, host, method) and the error table live in rp_header.c.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/dataset.h"
#include "core/text.h"
#include "core/units.h"
#include "report/report_int.h"

/* One optional metric column of the summary table. */
struct col {
    const char *metric;
    const char *head;
    int kind;
};

static const struct col metric_cols[] = {
    {AN_THROUGHPUT, "Throughput (req/s)", AN_UNIT_RPS},
    {AN_LATENCY_MEAN, "Latency mean", AN_UNIT_US},
    {AN_LATENCY_P50, "Latency p50", AN_UNIT_US},
    {AN_LATENCY_P90, "Latency p90", AN_UNIT_US},
    {AN_LATENCY_P99, "Latency p99", AN_UNIT_US},
    {AN_LATENCY_P999, "Latency p99.9", AN_UNIT_US},
    {AN_ERROR_RATE, "Error rate", AN_UNIT_FRACTION},
    {AN_SERVER_CPU, "Server CPU", AN_UNIT_PCT},
    {AN_SERVER_RSS, "Server RSS (max)", AN_UNIT_KB},
};
#define NCOLS (sizeof metric_cols / sizeof metric_cols[0])

static double cell_requests(const rp_cell *c)
{
    double sum = NAN;
    for (size_t i = 0; i < c->nruns; i++) {
        double r = rg_json_num(c->runs[i], "requests", NAN);
        if (!isnan(r))
            sum = isnan(sum) ? r : sum + r;
    }
    return sum;
}

static bool any_requests(const rp_model *m)
{
    for (size_t i = 0; i < m->ncells; i++)
        if (!isnan(cell_requests(&m->cells[i])))
            return true;
    return false;
}

/* The min column is worth showing only when some cell has more than one run. */
static bool any_replicated(const rp_model *m)
{
    for (size_t i = 0; i < m->ncells; i++)
        if (rp_metric_num(&m->cells[i], AN_THROUGHPUT, "n") >= 2)
            return true;
    return false;
}

static void cell_metric(FILE *f, const rp_cell *c, const struct col *col)
{
    char b[96];
    an_fmt_ci(b, sizeof b, rp_metric_num(c, col->metric, "mean"),
              rp_metric_num(c, col->metric, "ci_low"), rp_metric_num(c, col->metric, "ci_high"),
              col->kind);
    fprintf(f, " %s |", b);
}

static void summary_head(FILE *f, const rp_model *m, const bool *show, bool req, bool min)
{
    fprintf(f, "| Target | %s | Runs |", m->axis == RP_AXIS_RATE ? "Rate (req/s)" : "Concurrency");
    if (req)
        fputs(" Requests |", f);
    for (size_t k = 0; k < NCOLS; k++) {
        if (!show[k])
            continue;
        fprintf(f, " %s |", metric_cols[k].head);
        if (k == 0 && min)
            fputs(" Min (req/s) |", f);
    }
    fputs("\n|:---|---:|---:|", f);
    if (req)
        fputs("---:|", f);
    for (size_t k = 0; k < NCOLS; k++)
        if (show[k])
            fputs(k == 0 && min ? "---:|---:|" : "---:|", f);
    fputc('\n', f);
}

static void summary(FILE *f, const rp_model *m)
{
    bool show[NCOLS];
    for (size_t k = 0; k < NCOLS; k++)
        show[k] = rp_metric_present(m, metric_cols[k].metric);
    bool req = any_requests(m), min = show[0] && any_replicated(m);
    fputs("## Summary\n\n", f);
    if (m->ncells == 0) {
        fputs("No runs to summarise.\n\n", f);
        return;
    }
    summary_head(f, m, show, req, min);
    char b[96];
    for (size_t i = 0; i < m->ncells; i++) {
        const rp_cell *c = &m->cells[i];
        fputs("| ", f);
        rg_md_escape(f, c->target);
        fprintf(f, " | %s | %lld |", an_fmt_x(b, sizeof b, c->x),
                (long long)rg_json_num(c->group, "runs", 0));
        if (req)
            fprintf(f, " %s |", an_fmt_x(b, sizeof b, cell_requests(c)));
        for (size_t k = 0; k < NCOLS; k++) {
            if (!show[k])
                continue;
            cell_metric(f, c, &metric_cols[k]);
            if (k == 0 && min)
                fprintf(f, " %s |", an_fmt_value(b, sizeof b,
                                               rp_metric_num(c, AN_THROUGHPUT, "min"), AN_UNIT_RPS));
        }
        fputc('\n', f);
    }
    fprintf(f, "\nEach figure is the mean over runs ± the half-width of its %g%% confidence "
               "interval (Student t); a figure without ± comes from a single run.\n\n",
            rg_json_num(m->an, "confidence", 0.95) * 100);
}

static const char *metric_label(const char *metric)
{
    for (size_t k = 0; k < NCOLS; k++)
        if (strcmp(metric, metric_cols[k].metric) == 0)
            return metric_cols[k].head;
    return metric;
}

static void comparison_row(FILE *f, const json_t *c)
{
    char b[96], lo[32], hi[32];
    const char *metric = json_string_value(json_object_get(c, "metric"));
    fputs("| ", f);
    rg_md_escape(f, metric ? metric_label(metric) : NULL);
    fputs(" | ", f);
    rg_md_escape(f, json_string_value(json_object_get(c, "target")));
    fputs(" | ", f);
    rg_md_escape(f, json_string_value(json_object_get(c, "baseline")));
    double x = rg_json_num(c, "concurrency", NAN);
    if (isnan(x))
        x = rg_json_num(c, "rate", NAN);
    fprintf(f, " | %s | ", an_fmt_x(b, sizeof b, x));
    double r = rg_json_num(c, "ratio", NAN);
    double rl = rg_json_num(c, "ratio_ci_low", NAN), rh = rg_json_num(c, "ratio_ci_high", NAN);
    if (isnan(r))
        fputs("–", f);
    else if (isnan(rl) || isnan(rh))
        fprintf(f, "%.3f×", r);
    else
        fprintf(f, "%.3f× [%s, %s]", r, isinf(rl) ? "−∞" : (snprintf(lo, sizeof lo, "%.3f", rl), lo),
                isinf(rh) ? "∞" : (snprintf(hi, sizeof hi, "%.3f", rh), hi));
    fprintf(f, " | %s", rg_fmt_p(b, sizeof b, rg_json_num(c, "p_welch", NAN)));
    fprintf(f, " | %s", rg_fmt_p(b, sizeof b, rg_json_num(c, "p_mannwhitney", NAN)));
    fprintf(f, " | %s | ", rg_fmt_p(b, sizeof b, rg_json_num(c, "p_adjusted", NAN)));
    rg_md_escape(f, json_string_value(json_object_get(c, "verdict")));
    fputs(" |\n", f);
}

/* A comparison with a test or an interval behind it (not a bare ratio of single runs). */
static bool tested(const json_t *c)
{
    return !isnan(rg_json_num(c, "p_welch", NAN)) || !isnan(rg_json_num(c, "ratio_ci_low", NAN));
}

/* A row worth a line in the table: a ratio, or a test. */
static bool informative(const json_t *c)
{
    return tested(c) || !isnan(rg_json_num(c, "ratio", NAN));
}

static void comparisons(FILE *f, const rp_model *m)
{
    const json_t *cs = json_object_get(m->an, "comparisons");
    size_t shown = 0;
    for (size_t i = 0; i < json_array_size(cs); i++)
        shown += informative(json_array_get(cs, i));
    if (shown == 0)
        return;
    double conf = rg_json_num(m->an, "confidence", 0.95) * 100;
    fputs("## Comparisons\n\n", f);
    fprintf(f, "| Metric | Target | Baseline | %s | Ratio [%g%% CI] | p (Welch) | "
               "p (Mann–Whitney) | p (Holm) | Verdict |\n"
               "|:---|:---|:---|---:|---:|---:|---:|---:|:---:|\n",
            m->axis == RP_AXIS_RATE ? "Rate" : "Concurrency", conf);
    for (size_t i = 0; i < json_array_size(cs); i++)
        if (informative(json_array_get(cs, i)))
            comparison_row(f, json_array_get(cs, i));
    fputc('\n', f);
    size_t untested = 0;
    for (size_t i = 0; i < json_array_size(cs); i++) {
        const json_t *c = json_array_get(cs, i);
        const char *s = json_string_value(json_object_get(c, "sentence"));
        if (!tested(c)) {
            untested++;
            continue;
        }
        if (s == NULL || *s == '\0')
            continue;
        fputs("- ", f);
        rg_md_escape(f, s);
        fputc('\n', f);
    }
    if (untested > 0)
        fprintf(f, "%s%zu comparison%s without a test (a single run on one side or both): "
                   "%s, not evidence of a difference.\n",
                untested < json_array_size(cs) ? "\n" : "", untested, untested == 1 ? "" : "s",
                untested == 1 ? "its ratio is a point estimate" : "their ratios are point estimates");
    fputc('\n', f);
}

/* " at concurrency 10" / " at rate 100 req/s" / "" for a warning or comparison object. */
static void where(FILE *f, const json_t *w, bool short_form)
{
    char b[64];
    double c = rg_json_num(w, "concurrency", NAN), r = rg_json_num(w, "rate", NAN);
    if (!isnan(c))
        fprintf(f, short_form ? " at %s" : " at concurrency %s", an_fmt_x(b, sizeof b, c));
    else if (!isnan(r))
        fprintf(f, short_form ? " at %s req/s" : " at rate %s req/s", an_fmt_x(b, sizeof b, r));
}

static bool same_text(const json_t *a, const json_t *b, const char *key)
{
    const char *x = json_string_value(json_object_get(a, key));
    const char *y = json_string_value(json_object_get(b, key));
    return x == y || (x != NULL && y != NULL && strcmp(x, y) == 0);
}

/*
 * One bullet per warning; a message that analyze gives for three or more cells (say "only
 * 1 run" for every cell of a published table) becomes one bullet listing the cells, in
 * order of first appearance. Nothing is dropped.
 */
static void warnings(FILE *f, const rp_model *m)
{
    const json_t *ws = json_object_get(m->an, "warnings");
    size_t n = json_array_size(ws);
    if (n == 0)
        return;
    fputs("## Warnings\n\n", f);
    for (size_t i = 0; i < n; i++) {
        const json_t *w = json_array_get(ws, i);
        size_t same = 0;
        bool earlier = false;
        for (size_t j = 0; j < n; j++) {
            const json_t *v = json_array_get(ws, j);
            bool eq = same_text(w, v, "kind") && same_text(w, v, "message");
            same += eq;
            earlier = earlier || (eq && j < i);
        }
        if (same >= 3 && earlier)
            continue;
        const char *t = json_string_value(json_object_get(w, "target"));
        const char *k = json_string_value(json_object_get(w, "kind"));
        fputs("- ", f);
        if (same < 3 && t != NULL) {
            fputs("**", f);
            rg_md_escape(f, t);
            fputs("**", f);
            where(f, w, false);
            fputs(": ", f);
        }
        rg_md_escape(f, json_string_value(json_object_get(w, "message")));
        if (k != NULL) {
            fputs(" (", f);
            rg_md_escape(f, k);
            fputs(")", f);
        }
        if (same >= 3) {
            fputs(": ", f);
            for (size_t j = 0, k2 = 0; j < n; j++) {
                const json_t *v = json_array_get(ws, j);
                if (!(same_text(w, v, "kind") && same_text(w, v, "message")))
                    continue;
                fputs(k2++ ? ", " : "", f);
                rg_md_escape(f, json_string_value(json_object_get(v, "target")));
                where(f, v, true);
            }
        }
        fputc('\n', f);
    }
    fputc('\n', f);
}

static void charts(FILE *f, const rp_chart *ch, size_t n, const char *format)
{
    if (n == 0)
        return;
    fputs("## Charts\n\n", f);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "![%s](%s.%s)\n\n", ch[i].caption, ch[i].name, format);
    fprintf(f, "Each chart's data and gnuplot script are beside it (NAME.dat, NAME.gp): "
               "`gnuplot NAME.gp` in this directory redraws it.\n\n");
}

char *rp_markdown(const rp_model *m, const rp_chart *ch, size_t nch)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (f == NULL)
        return NULL;
    rp_md_header(f, m);
    summary(f, m);
    comparisons(f, m);
    rp_md_errors(f, m);
    warnings(f, m);
    rp_md_published(f, m);
    charts(f, ch, nch, m->opt->format && strcmp(m->opt->format, "svg") == 0 ? "svg" : "png");
    rp_md_footer(f, m);
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}
