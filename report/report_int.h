/*
 * report/report_int.h — what the report writer's files share (private to report/).
 *
 * Design: rp_write() first builds an rp_model — analyze's groups joined with the dataset runs
 * they summarize, the target order (which fixes each target's colour in every chart) and the
 * x axis (concurrency, or rate for open-loop data) — then renders the Markdown from it
 * (rp_tables.c, with analyze's value formats), plans the charts whose data exist
 * (rp_charts_axis.c, rp_charts_runs.c, rp_timeseries.c) and finally runs gnuplot on them in
 * parallel (rp_gnuplot.c). Everything reads the model; nothing in it is
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
/* rp_header.c: the parts of report.md about the datasets; rp_errors.c: the errors table */
void rp_md_header(FILE *f, const rp_model *m);
void rp_md_footer(FILE *f, const rp_model *m);
void rp_md_errors(FILE *f, const rp_model *m);
/* rp_published.c: the source rows of converted published figures, when datasets keep them */
void rp_md_published(FILE *f, const rp_model *m);

/* rp_charts_axis.c: plan the charts whose data exist (the charts over the x axis are there) */
int rp_charts_plan(const rp_model *m, rp_chart **out, size_t *n, char *err);
void rp_charts_free(rp_chart *c, size_t n);
/* helpers shared with rp_charts_runs.c */
void rp_gp_quote(FILE *f, const char *label);      /* a title: "..." with octal escapes */
void rp_gp_quote_tic(FILE *f, const char *label);  /* the same for tic labels ('%' doubled) */
const char *rp_colour(size_t tindex);
void rp_gp_style(FILE *f, size_t tindex);  /* " lc rgb \"#...\" dt N" */
void rp_gp_style_dt(FILE *f, size_t tindex, int dt);  /* the same with dash type dt (> 0) */
int rp_chart_open(rp_chart *c, const char *name, const char *caption, const rp_model *m);
int rp_chart_close(rp_chart *c);
/*
 * rp_charts_runs.c: the charts from the runs themselves: box plot of per-run throughput, and at
 * the focus cell the percentile spectrum and the time series. Each returns 1 when the chart
 * was made, 0 when the data do not exist (c left empty), -1 with err on failure (err empty
 * for out of memory).
 */
int rp_chart_spectrum(const rp_model *m, rp_chart *c, char *err);
int rp_chart_timeseries(const rp_model *m, rp_chart *c, char *err);
int rp_chart_box(const rp_model *m, rp_chart *c, char *err);

/* rp_gnuplot.c */
/*
 * Run gnuplot on every chart's NAME.gp in dir, at most jobs at a time. 0 when all succeeded;
 * RG_EXIT_FAIL with err when gnuplot is missing or a run failed (each failure is also logged
 * with gnuplot's stderr); -1 with err on out of memory.
 */
int rp_gnuplot_run(const char *dir, const rp_chart *charts, size_t n, int jobs, char *err);

#endif
