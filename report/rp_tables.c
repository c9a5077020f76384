/*
 * report/rp_tables.c — report.md as a whole (rp_markdown) and its summary tables.
 *
 * Design: a pure function of the model — the datasets, analyze's document and the options —
 * so the same input gives the same bytes. Nothing here reads the clock, the host or the
 * rigor version. Every label is passed through rg_md_escape.
 *
 * The summary is three tables that fit a 980 px page (RP_MD_MAX_COLS columns at most):
 * throughput, latency and server resources, each left out when no cell has its data, and each
 * column left out when no cell has a figure for it. The unit is chosen per column from its
 * largest figure (µs/ms/s, KiB/MiB/GiB, req/s or k req/s) and written in the header, so the
 * cells are bare numbers that do not wrap and compare down the column. A figure is the mean
 * over runs ± the half-width of its CI (analyze's an_fmt_ci rules: the half-width to two
 * significant digits, the mean to the same decimal place); a figure that is the same in every
 * run has no spread to show, so it is printed once and flagged † rather than "± 0".
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/dataset.h"
#include "core/text.h"
#include "core/units.h"
#include "report/report_int.h"

/* One metric column of a summary table. */
struct col {
    const char *metric;
    const char *head;       /* before the unit: "p99" -> "p99 (ms)" */
};

/* A column's unit: the factor from analyze's unit and the name shown in the header. */
struct unit {
    double scale;
    const char *name;
};

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

/* The largest |mean| of a metric over the cells (NAN when none has it). */
static double column_max(const rp_model *m, const char *metric)
{
    double mx = NAN;
    for (size_t i = 0; i < m->ncells; i++) {
        double v = fabs(rp_metric_num(&m->cells[i], metric, "mean"));
        double hi = fabs(rp_metric_num(&m->cells[i], metric, "max"));
        v = isnan(hi) ? v : fmax(v, hi);
        if (!isnan(v) && (isnan(mx) || v > mx))
            mx = v;
    }
    return mx;
}

/* The unit that suits a column whose largest figure is mx (in analyze's unit). */
static struct unit column_unit(enum an_unit kind, double mx)
{
    switch (kind) {
    case AN_UNIT_US:
        return mx >= 1e6 ? (struct unit){1e-6, "s"} : mx >= 1e3 ? (struct unit){1e-3, "ms"}
                                                               : (struct unit){1, "µs"};
    case AN_UNIT_KB:
        return mx >= 1024.0 * 1024 ? (struct unit){1.0 / (1024 * 1024), "GiB"}
               : mx >= 1024        ? (struct unit){1.0 / 1024, "MiB"}
                                   : (struct unit){1, "KiB"};
    case AN_UNIT_FRACTION:
        return (struct unit){100, "%"};
    case AN_UNIT_PCT:
        return (struct unit){1, "% of a core"};
    default:   /* req/s: thousands once a figure has five digits */
        return mx >= 1e4 ? (struct unit){1e-3, "k req/s"} : (struct unit){1, "req/s"};
    }
}

/*
 * The figure of a cell in unit u into buf: "mean ± hw", a lone value (one run), "value †"
 * (the same in every run: *flat set), or "–". Numbers go through an_fmt_ci/an_fmt_value as
 * plain numbers (AN_UNIT_RPS adds no unit), already scaled.
 */
static char *figure(char *buf, size_t len, const rp_cell *c, const char *metric, struct unit u,
                    bool *flat)
{
    double mean = rp_metric_num(c, metric, "mean"), lo = rp_metric_num(c, metric, "ci_low");
    double hi = rp_metric_num(c, metric, "ci_high"), n = rp_metric_num(c, metric, "n");
    double sd = rp_metric_num(c, metric, "stdev");
    if (!isnan(mean) && mean != 0 && n >= 2 && (sd == 0 || (lo == hi && !isnan(lo)))) {
        char v[64];
        an_fmt_value(v, sizeof v, mean * u.scale, AN_UNIT_RPS);
        snprintf(buf, len, "%s †", v);
        *flat = true;
        return buf;
    }
    return an_fmt_ci(buf, len, mean * u.scale, lo * u.scale, hi * u.scale, AN_UNIT_RPS);
}

static void row_start(FILE *f, const rp_cell *c)
{
    char b[48];
    fputs("| ", f);
    rg_md_escape(f, c->target);
    fprintf(f, " | %s |", an_fmt_x(b, sizeof b, c->x));
}

static void head_start(FILE *f, const rp_model *m, const char *title)
{
    fprintf(f, "### %s\n\n| Target | %s |", title,
            m->axis == RP_AXIS_RATE ? "Rate (req/s)" : "Concurrency");
}

/* A table of metric columns (at most 8; Target and Concurrency come first). */
struct table {
    const char *title;
    const struct col *cols;
    size_t ncols;
};

/* The columns of t that have data, each in its own unit; false (nothing written) if none. */
static bool metric_table(FILE *f, const rp_model *m, const struct table *t, bool *flat)
{
    struct unit units[8];
    bool show[8], any = false;
    for (size_t k = 0; k < t->ncols && k < 8; k++) {
        show[k] = rp_metric_present(m, t->cols[k].metric);
        any = any || show[k];
        const an_metric_def *d = an_metric_find(t->cols[k].metric);
        units[k] = column_unit(d ? d->unit : AN_UNIT_RPS, column_max(m, t->cols[k].metric));
    }
    if (!any)
        return false;
    head_start(f, m, t->title);
    for (size_t k = 0; k < t->ncols; k++)
        if (show[k])
            fprintf(f, " %s (%s) |", t->cols[k].head, units[k].name);
    fputs("\n|:---|---:|", f);
    for (size_t k = 0; k < t->ncols; k++)
        fputs(show[k] ? "---:|" : "", f);
    fputc('\n', f);
    char b[96];
    for (size_t i = 0; i < m->ncells; i++) {
        row_start(f, &m->cells[i]);
        for (size_t k = 0; k < t->ncols; k++)
            if (show[k])
                fprintf(f, " %s |", figure(b, sizeof b, &m->cells[i], t->cols[k].metric, units[k],
                                           flat));
        fputc('\n', f);
    }
    fputc('\n', f);
    return true;
}

/* Throughput: runs, requests, throughput ± CI, the slowest run, errors. */
static bool throughput_table(FILE *f, const rp_model *m, bool *flat)
{
    bool thr = rp_metric_present(m, AN_THROUGHPUT), err = rp_metric_present(m, AN_ERROR_RATE);
    bool req = false, slowest = false;
    for (size_t i = 0; i < m->ncells; i++) {
        req = req || !isnan(cell_requests(&m->cells[i]));
        slowest = slowest || rp_metric_num(&m->cells[i], AN_THROUGHPUT, "n") >= 2;
    }
    if (!thr && !req && !err)
        return false;
    struct unit u = column_unit(AN_UNIT_RPS, column_max(m, AN_THROUGHPUT));
    struct unit eu = column_unit(AN_UNIT_FRACTION, 0);
    head_start(f, m, "Throughput");
    fputs(" Runs |", f);
    if (req)
        fputs(" Requests |", f);
    if (thr)
        fprintf(f, " Throughput (%s) |", u.name);
    if (thr && slowest)
        fprintf(f, " Slowest run (%s) |", u.name);
    if (err)
        fputs(" Errors (%) |", f);
    fprintf(f, "\n|:---|---:|---:|%s%s%s%s\n", req ? "---:|" : "", thr ? "---:|" : "",
            thr && slowest ? "---:|" : "", err ? "---:|" : "");
    char b[96];
    for (size_t i = 0; i < m->ncells; i++) {
        const rp_cell *c = &m->cells[i];
        row_start(f, c);
        fprintf(f, " %lld |", (long long)rg_json_num(c->group, "runs", 0));
        if (req)
            fprintf(f, " %s |", an_fmt_x(b, sizeof b, cell_requests(c)));
        if (thr)
            fprintf(f, " %s |", figure(b, sizeof b, c, AN_THROUGHPUT, u, flat));
        if (thr && slowest)
            fprintf(f, " %s |", an_fmt_value(b, sizeof b, rp_metric_num(c, AN_THROUGHPUT, "min") *
                                                          u.scale, AN_UNIT_RPS));
        if (err)
            fprintf(f, " %s |", figure(b, sizeof b, c, AN_ERROR_RATE, eu, flat));
        fputc('\n', f);
    }
    fputc('\n', f);
    return true;
}

static const struct col latency_cols[] = {
    {AN_LATENCY_MEAN, "Mean"}, {AN_LATENCY_P50, "p50"}, {AN_LATENCY_P90, "p90"},
    {AN_LATENCY_P99, "p99"}, {AN_LATENCY_P999, "p99.9"},
};
static const struct col wire_cols[] = {
    {AN_WIRE_MEAN, "Mean"}, {AN_WIRE_P50, "p50"}, {AN_WIRE_P90, "p90"},
    {AN_WIRE_P99, "p99"}, {AN_WIRE_P999, "p99.9"},
};
static const struct col server_cols[] = {
    {AN_SERVER_CPU, "CPU"}, {AN_SERVER_RSS, "Peak RSS"},
};

static void summary(FILE *f, const rp_model *m)
{
    static const struct table tables[] = {
        {"Latency", latency_cols, sizeof latency_cols / sizeof latency_cols[0]},
        {"Latency on the wire (capture)", wire_cols, sizeof wire_cols / sizeof wire_cols[0]},
        {"Server resources", server_cols, sizeof server_cols / sizeof server_cols[0]},
    };
    bool flat = false, single = false;
    fputs("## Summary\n\n", f);
    if (m->ncells == 0) {
        fputs("No runs to summarise.\n\n", f);
        return;
    }
    bool any = throughput_table(f, m, &flat);
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
        any = metric_table(f, m, &tables[t], &flat) || any;
    for (size_t i = 0; i < m->ncells; i++)
        single = single || rg_json_num(m->cells[i].group, "runs", 0) == 1;
    if (!any)
        return;
    fprintf(f, "Each figure is the mean over runs ± the half-width of its %g%% confidence "
               "interval (Student t)%s%s.\n\n", m->confidence * 100,
            single ? "; a figure without ± comes from a single run" : "",
            flat ? "; † marks a figure that was the same in every run of its cell, so it has "
                   "no spread to show (for the peak RSS of one server process, one observation "
                   "rather than one per run)" : "");
}

/* The image links of every chart but the ratio chart (which follows the headline). */
static void charts(FILE *f, const rp_chart *ch, size_t n, const char *format)
{
    size_t shown = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(ch[i].name, "ratios") == 0)
            continue;
        fprintf(f, "%s![%s](%s.%s)\n\n", shown++ ? "" : "## Charts\n\n", ch[i].caption,
                ch[i].name, format);
    }
    if (shown > 0 || n > 0)
        fprintf(f, "Each chart's data and gnuplot script are beside it (NAME.dat, NAME.gp): "
                   "`gnuplot NAME.gp` in this directory redraws it.\n\n");
}

static void ratio_chart(FILE *f, const rp_chart *ch, size_t n, const char *format)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(ch[i].name, "ratios") == 0)
            fprintf(f, "![%s](%s.%s)\n\n", ch[i].caption, ch[i].name, format);
}

char *rp_markdown(const rp_model *m, const rp_chart *ch, size_t nch)
{
    char *buf = NULL;
    size_t len = 0;
    const char *format = m->opt->format && strcmp(m->opt->format, "svg") == 0 ? "svg" : "png";
    FILE *f = open_memstream(&buf, &len);
    if (f == NULL)
        return NULL;
    rp_md_title(f, m);
    rp_md_headline(f, m);
    ratio_chart(f, ch, nch, format);
    summary(f, m);
    rp_md_comparisons(f, m);
    rp_md_endpoints(f, m);
    rp_md_errors(f, m);
    rp_md_warnings(f, m);
    charts(f, ch, nch, format);
    rp_md_method(f, m);
    rp_md_published(f, m);
    rp_md_footer(f, m);
    if (fclose(f) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}
