/*
 * analyze/analyze_int.h — what the files of an_analyze() share (private to analyze/):
 * the cells and their metric values (analyze.c), the warnings about thin evidence
 * (warnings.c), the statistics of one comparison (effect.c), the family of comparisons with
 * Holm's procedure and the verdicts (comparisons.c), and the sentences (sentence.c).
 */
#ifndef RIGOR_ANALYZE_AN_ANALYZE_INT_H
#define RIGOR_ANALYZE_AN_ANALYZE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "core/err.h"
#include "analyze/analyze.h"
#include "analyze/stats_int.h"

/*
 * One cell: target × concurrency (or rate), with the values of each metric over its runs.
 * A metric that does not vary between the runs of one server process (per_process) is
 * reduced to one value per process: its observations are processes, not runs.
 */
typedef struct an_cell {
    const char *target;       /* borrowed from the datasets */
    const char *endpoint;     /* --by-endpoint: "METHOD /path" (borrowed); NULL = totals */
    size_t endpoint_order;    /* index of the endpoint in order of first appearance */
    double conc, rate;        /* NAN when null */
    size_t target_order;      /* index of the target in order of first appearance */
    size_t nruns, skipped, cap;
    const json_t **runs;      /* borrowed */
    double **vals;            /* vals[metric][i]: nv[metric] observations */
    size_t **vrun;            /* vrun[metric][i]: index in runs of observation i's (first) run */
    size_t *nv;               /* observations per metric */
    size_t *nrv;              /* runs that have the metric (= nv unless per_process) */
    bool *per_process;        /* the metric is constant within each server process */
    an_summary *sum;          /* per metric, over the observations */
} an_cell;

/* A number for the document: a JSON real, or null when not finite. New reference. */
json_t *an_json_num(double v);
/* The cell's identity keys (target, concurrency, rate, and endpoint if any) set on obj. */
void an_json_cell_keys(json_t *obj, const an_cell *c);
/* " at 100 connections", " at 5000 req/s" or "" into buf, preceded by " for GET /a" when
 * the cell is an endpoint's. */
const char *an_cell_phrase(char *buf, size_t len, const an_cell *c);
/* Append {"target", "concurrency", "rate", "kind", "message"} to the warnings array; c may
 * be NULL (no cell: target, concurrency and rate null). */
void an_warn(json_t *warnings, const an_cell *c, const char *kind, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The number at a dotted path of a run ("server.pid"), or NAN when absent or not a number. */
double an_path_num(const json_t *obj, const char *path);

/* warnings.c: the warnings of one cell (everything but the comparisons'). */
void an_cell_warnings(const an_cell *c, const an_options *opt, json_t *warnings);
/* warnings.c: one per_process warning per target, naming its cells and metrics. */
void an_per_process_warnings(const an_cell *cells, size_t ncells, json_t *warnings);

/* The scale a comparison is made on. */
enum an_scale { AN_SCALE_LOG, AN_SCALE_DIFF };

/* How its interval is made: see an_effect_interval. */
enum an_method {
    AN_M_NONE,       /* no interval: too few observations */
    AN_M_LOG_T,      /* Welch t on ln(values): exp(d ± t·se), the ratio of geometric means */
    AN_M_FIELLER,    /* ratio of means, Fieller (--ratio mean) */
    AN_M_BOOTSTRAP,  /* percentile bootstrap of the ratio (--bootstrap N) */
    AN_M_DIFF_T,     /* Welch t on the values: d ± t·se, a difference */
    AN_M_EXACT       /* no variance on either side: the point is the interval */
};

/*
 * The statistics of one comparison (target T against baseline B, one metric), enough to
 * give its interval at any confidence level: Holm's procedure asks for several.
 */
typedef struct an_effect {
    enum an_scale scale;
    enum an_method method;
    double est;          /* ratio (of geometric means, or of means) or difference T - B */
    double d, se, df;    /* the t interval: est = exp(d) (LOG_T) or d (DIFF_T) */
    double p;            /* Welch's two-sided p on the comparison's scale; NAN without test */
    double mt, st, mb, sb;  /* means and sds of T and B (Fieller) */
    size_t nt, nb;
    double *boot;        /* sorted bootstrap replicates of the ratio (owned), nboot of them */
    int nboot;
    const char *note;    /* why the comparison has no test or no ratio, or NULL */
    bool in_family;      /* it carries information: Holm counts it */
} an_effect;

/*
 * Compute the effect of metric m between cells t and b (both have the metric). seed feeds
 * the bootstrap. Returns 0, or -1 on OOM. Free with an_effect_free.
 */
int an_effect_init(an_effect *e, const an_cell *t, const an_cell *b, size_t m,
                   const an_options *opt, uint64_t seed);
/* The interval at confidence level (0 < level < 1) on the display scale (a ratio or a
 * difference): 0 with *lo <= *hi, or -1 (both NAN) when none exists. */
int an_effect_interval(const an_effect *e, double level, double *lo, double *hi);
/* The value meaning "no difference": 1 for a ratio, 0 for a difference. */
double an_effect_null(const an_effect *e);
void an_effect_free(an_effect *e);

/* A comparison being built: its cells, its effect, and what Holm decided. */
typedef struct an_cmp {
    json_t *obj;             /* the comparison object (owned by the comparisons array) */
    const an_cell *t, *b;    /* target and baseline cells */
    size_t m;                /* metric index */
    an_effect e;
    double level;            /* the confidence level of the printed interval */
    double lo, hi;           /* the interval at that level (NAN when none) */
    double lo95, hi95;       /* at the report's confidence */
    double p_adj;            /* Holm-adjusted p (NAN outside the family) */
    bool rejected;           /* Holm rejected "no difference" */
    const char *verdict;
} an_cmp;

/*
 * Compare every cell with its baseline cell (same concurrency and rate) for every metric;
 * append to comparisons and to warnings; set doc's "family_size".
 * Returns 0 or -1 with err (RG_ERRLEN) on OOM.
 */
int an_compare_cells(an_cell *cells, size_t ncells, const char *baseline,
                     const an_options *opt, json_t *doc, char *err);

/* sentence.c: the sentence of a decided comparison into its object ("sentence"). family is
 * the number of comparisons Holm corrected over. */
void an_sentence(const an_cmp *r, const an_options *opt, size_t family);

#endif
