/*
 * report/report_int.h — what the report writer's files share (private to report/).
 *
 * Design: rp_write() first builds an rp_model — analyze's groups joined with the dataset runs
 * they summarize, the target order (which fixes each target's colour in every chart) and the
 * x axis (concurrency, or rate for open-loop data) — then renders the Markdown from it: the
 * headline (rp_headline.c: proven differences, thresholds, what was not proven), the summary
 * tables (rp_tables.c), the comparisons (rp_compare.c), errors, warnings and the datasets
 * (rp_errors.c, rp_warnings.c, rp_header.c). It plans the charts whose data exist
 * (rp_charts_ratio.c, rp_charts_axis.c, rp_charts_runs.c, rp_timeseries.c) and finally runs
 * gnuplot on them in parallel (rp_gnuplot.c). Everything reads the model; nothing in it is
 * copied: it borrows the datasets' and the analysis' json_t, which outlive it.
 *
 * Expected load: up to thousands of runs and a few hundred cells; every pass is linear in
 * runs x cells at worst, far below a second.
 */
#ifndef RIGOR_REPORT_REPORT_INT_H
#define RIGOR_REPORT_REPORT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <jansson.h>
#include "analyze/analyze.h"
#include "report/report.h"

enum { RP_AXIS_CONC = 0, RP_AXIS_RATE = 1 };

/* One analysis group (target x concurrency or rate) and the runs behind it. */
typedef struct rp_cell {
    const json_t *group;    /* analysis.groups[i] (borrowed) */
    const char *target;
    size_t tindex;          /* index into rp_model.targets: the target's colour */
    double conc, rate;      /* NAN when null */
    double x;               /* the value on the model's axis; NAN when this cell has none */
    const json_t **runs;    /* the dataset runs of this cell (borrowed), dataset order */
    size_t nruns;
} rp_cell;

typedef struct rp_model {
    json_t *const *ds;
    size_t nds;
    const json_t *an;
    const rp_options *opt;
    rp_cell *cells;
    size_t ncells;
    const char **targets;   /* distinct targets in order of first appearance (borrowed) */
    size_t ntargets;
    int axis;               /* RP_AXIS_CONC or RP_AXIS_RATE */
    double focus;           /* the x value of the cell for the per-cell charts; NAN if none */
    double confidence;      /* analyze's level ("confidence"), 0.95 when absent */
    double noise;           /* the noise band: the document's "noise", else opt->noise, else 1% */
    const char *baseline;   /* the document's "baseline", else the comparisons', else NULL */
} rp_model;

/* rp_model.c */
int rp_model_build(rp_model *m, json_t *const *ds, size_t n, const json_t *an,
                   const rp_options *opt, char *err);
void rp_model_free(rp_model *m);
const json_t *rp_metric(const rp_cell *c, const char *name);   /* metrics.NAME or NULL */
double rp_metric_num(const rp_cell *c, const char *name, const char *field);  /* or NAN */
bool rp_metric_present(const rp_model *m, const char *name);   /* some cell has a mean */
const char *rp_axis_name(const rp_model *m);                    /* "concurrency" / "rate" */
/* "concurrency 50" or "rate 5000 req/s" for a cell value x, into buf */
char *rp_axis_value(char *buf, size_t len, const rp_model *m, double x);
bool rp_same_num(double a, double b);                           /* NaN-aware equality */
/* " at 10 connections" / " at 100 req/s" for a concurrency or rate (either may be NaN) */
char *rp_where(char *buf, size_t len, double conc, double rate);

/* rp_compare.c: one comparison of analyze's document, read once (rp_cmp_read) */
enum rp_class {
    RP_BETTER,     /* faster, better: a proven difference in the target's favour */
    RP_WORSE,      /* slower, worse */
    RP_UP,         /* higher (resources: neither good nor bad) */
    RP_DOWN,       /* lower */
    RP_SAME,       /* "~": tested, no proven difference */
    RP_UNTESTED    /* no test or no verdict possible (single runs, a note from analyze) */
};

typedef struct rp_cmp {
    const json_t *j;        /* comparisons[i] (borrowed) */
    const char *target, *metric, *verdict, *note, *sentence;
    double conc, rate, x;   /* x: the model's axis value */
    bool diff;              /* scale "difference": value/lo/hi are differences, not ratios */
    double value, lo, hi;   /* the ratio (or difference) and the interval the verdict used */
    double level;           /* that interval's confidence level (ci_level, else the document's) */
    double p_adj, p_welch, p_mw;
    enum rp_class cls;
} rp_cmp;

/* Read comparison c of m's analysis into *out (which borrows c's strings). */
void rp_cmp_read(const rp_model *m, const json_t *c, rp_cmp *out);
/* Throughput, p50 and p99: the metrics of the headline and the ratio chart. */
bool rp_metric_primary(const char *metric);
/* The verdict as fixed text from a known set ("faster", "~", ...); never the input string. */
const char *rp_verdict_word(const rp_cmp *c);
/* A ratio (or interval end) to three significant digits: "0.148", "44.2", "1.5e+07", "∞". */
char *rp_fmt_ratio(char *buf, size_t len, double v);
/* report.md's Comparisons: every comparison once, primary metrics first, 9 columns at most */
void rp_md_comparisons(FILE *f, const rp_model *m);

/* rp_tables.c: the whole report.md; charts[] are the image links (names of planned charts) */
typedef struct rp_chart {
    char name[32];          /* file stem: NAME.gp, NAME.dat, NAME.png */
    char caption[96];       /* fixed text (never a label) for the Markdown image */
    char *dat;              /* data file text (malloc'd) */
    char *gp;               /* the complete gnuplot script (malloc'd) */
    FILE *df, *gf;          /* memory streams behind dat and gp while being written */
    size_t dlen, glen;
} rp_chart;

char *rp_markdown(const rp_model *m, const rp_chart *charts, size_t ncharts);
/* rp_headline.c: right after the title: proven differences, thresholds, what was not proven */
void rp_md_headline(FILE *f, const rp_model *m);
/* rp_header.c: the parts of report.md about the datasets and the method */
void rp_md_title(FILE *f, const rp_model *m);
void rp_md_method(FILE *f, const rp_model *m);
void rp_md_footer(FILE *f, const rp_model *m);
/* rp_errors.c: the errors table; rp_warnings.c: analyze's warnings, one line per kind */
void rp_md_errors(FILE *f, const rp_model *m);
/* rp_endpoints.c: per-endpoint rows and comparisons when some run has a request mix */
void rp_md_endpoints(FILE *f, const rp_model *m);
void rp_md_warnings(FILE *f, const rp_model *m);
/* RP_MD_MAX_COLS: no table of report.md is wider (a 980 px page shows them whole) */
#define RP_MD_MAX_COLS 9
/* rp_published.c: the source rows of converted published figures, when datasets keep them */
void rp_md_published(FILE *f, const rp_model *m);

/* rp_charts_axis.c: plan the charts whose data exist (the charts over the x axis are there) */
int rp_charts_plan(const rp_model *m, rp_chart **out, size_t *n, char *err);
void rp_charts_free(rp_chart *c, size_t n);
/* helpers shared with rp_charts_runs.c */
void rp_gp_quote(FILE *f, const char *label);      /* a title: "..." with octal escapes */
void rp_gp_quote_tic(FILE *f, const char *label);  /* the same for tic labels ('%' doubled) */
/* label then suffix in one string, the label cut first so the suffix always shows */
void rp_gp_quote_with(FILE *f, const char *label, const char *suffix, bool tic);
const char *rp_colour(size_t tindex);
void rp_gp_style(FILE *f, size_t tindex);  /* " lc rgb \"#...\" dt N" */
void rp_gp_style_dt(FILE *f, size_t tindex, int dt);  /* the same with dash type dt (> 0) */
/*
 * Start a chart: memory streams for NAME.dat and NAME.gp, and the script's preamble (terminal,
 * size, output, grid, key). The output is `outfile` when the caller of gnuplot defines it (rigor
 * renders into a private directory, then renames: rp_gnuplot.c), else NAME.png beside the
 * script, so `gnuplot NAME.gp` still redraws it in place. height 0 = the options' height.
 */
int rp_chart_open(rp_chart *c, const char *name, const char *caption, const rp_model *m);
int rp_chart_open_h(rp_chart *c, const char *name, const char *caption, const rp_model *m,
                    int height);
int rp_chart_close(rp_chart *c);
/* The key (legend) for `entries` entries: outside right, or for long target names under the
 * plot in a bottom margin reserved for it, so it never covers a label or the data. */
void rp_gp_key(FILE *gf, const rp_model *m, size_t entries);
/*
 * The value axis ('x' or 'y') of a chart whose plotted values lie in [lo, hi]: logarithmic
 * when they span more than RP_LOG_SPAN times (and are all positive), with a margin either
 * side; else linear from 0. Returns whether it is logarithmic.
 */
#define RP_LOG_SPAN 10.0
bool rp_gp_value_axis(FILE *gf, char axis, double lo, double hi);
/* A log axis over [a, b] (a > 0) with readable tics (1-2-5 per decade, finer when narrow). */
void rp_gp_log_axis(FILE *gf, char axis, double a, double b);
/*
 * rp_charts_runs.c: the charts from the runs themselves: box plot of per-run throughput, and at
 * the focus cell the percentile spectrum and the time series. Each returns 1 when the chart
 * was made, 0 when the data do not exist (c left empty), -1 with err on failure (err empty
 * for out of memory).
 */
int rp_chart_spectrum(const rp_model *m, rp_chart *c, char *err);
int rp_chart_timeseries(const rp_model *m, rp_chart *c, char *err);
int rp_chart_box(const rp_model *m, rp_chart *c, char *err);
/* server CPU or RSS per cell: each run a dot, the mean with its CI, targets side by side */
int rp_chart_server(const rp_model *m, rp_chart *c, const char *metric, char *err);
/* rp_charts_ratio.c: every comparison of the primary metrics with its interval, log axis */
int rp_chart_ratios(const rp_model *m, rp_chart *c, char *err);
/* rp_charts_runs.c: sorted distinct x values of the model's cells (caller frees) */
double *rp_sorted_x(const rp_model *m, size_t *n);
/*
 * Clustered charts (box plot, server resources): one cluster per x value xs[g] (of nx), one
 * slot per target inside it; with a single x the slots are the targets, named on the axis.
 * rp_cluster_pos is a cell's position, rp_cluster_xtics the axis (tics, range and label).
 */
double rp_cluster_pos(const rp_model *m, size_t g, size_t nx, size_t tindex);
void rp_cluster_xtics(const rp_model *m, rp_chart *c, const double *xs, size_t nx);

/* rp_gnuplot.c */
/*
 * Run gnuplot on every chart's NAME.gp in dir, at most jobs at a time, each drawing into a
 * private directory; a finished chart is renamed over dir/NAME.ext (ext "png" or "svg"), so
 * nothing is written through a symlink planted there. 0 when all succeeded; RG_EXIT_FAIL
 * with err when gnuplot is missing or a run failed (each failure is also logged with
 * gnuplot's stderr); -1 with err on out of memory.
 */
int rp_gnuplot_run(const char *dir, const rp_chart *charts, size_t n, int jobs, const char *ext,
                   char *err);

#endif
