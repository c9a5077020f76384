/*
 * analyze/analyze_int.h — the cells and metrics shared by analyze.c (grouping, summaries,
 * warnings) and comparisons.c (comparisons, Holm, verdicts, sentences). Private.
 */
#ifndef RIGOR_ANALYZE_AN_ANALYZE_INT_H
#define RIGOR_ANALYZE_AN_ANALYZE_INT_H

#include <stddef.h>
#include <jansson.h>
#include "core/err.h"
#include "analyze/analyze.h"
#include "analyze/stats_int.h"

/* One cell: target × concurrency (or rate), with the values of each metric over its runs. */
typedef struct an_cell {
    const char *target;       /* borrowed from the datasets */
    double conc, rate;        /* NAN when null */
    size_t target_order;      /* index of the target in order of first appearance */
    size_t nruns, skipped, cap;
    const json_t **runs;      /* borrowed */
    double **vals;            /* vals[metric][i], nv[metric] values (runs lacking it skipped) */
    size_t *nv;
    an_summary *sum;          /* per metric */
} an_cell;

/* A number for the document: a JSON real, or null when not finite. New reference. */
json_t *an_json_num(double v);
/* The cell's identity keys (target, concurrency, rate) set on obj. */
void an_json_cell_keys(json_t *obj, const an_cell *c);
/* " at 100 connections", " at 5000 req/s" or "" into buf. */
const char *an_cell_phrase(char *buf, size_t len, const an_cell *c);
/* Append {"target", "concurrency", "rate", "kind", "message"} to the warnings array. */
void an_warn(json_t *warnings, const an_cell *c, const char *kind, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/*
 * Compare every cell with its baseline cell (same concurrency and rate) for every metric;
 * append to comparisons (Holm-adjusted across all of them) and to warnings.
 * Returns 0 or -1 with err (RG_ERRLEN) on OOM.
 */
int an_compare_cells(an_cell *cells, size_t ncells, const char *baseline,
                     const an_options *opt, json_t *comparisons, json_t *warnings, char *err);

#endif
