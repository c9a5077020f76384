/*
 * plan/plan_merge_int.h — the state of one merge, shared by plan_merge.c (identity, counts,
 * assembly) and plan_merge_series.c (histograms, windows, series). Private to plan/.
 */
#ifndef RIGOR_PLAN_PLAN_MERGE_INT_H
#define RIGOR_PLAN_PLAN_MERGE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "plan/plan_int.h"

typedef struct pl_mx {
    const pl_host_run *h;
    size_t n;
    size_t first;            /* the first host with a run */
    size_t present;          /* hosts with a run */
    const pl_merge_opts *o;
    char *err;
    json_t *problems;        /* why the merged run is incomplete (strings) */
    json_t *notes;           /* what a reader should know (strings) */
    /* the windows on the reference clock (epoch ns), filled by pl_mx_windows */
    int64_t ws, we;          /* the overlap: latest start, earliest end */
    double overlap_s;
    double max_skew_s;
    double start_skew_s, window_skew_s, end_skew_s;
    double uncertainty_s;    /* the largest host's (NAN when one is unknown) */
    const char *reference;   /* the hosts' common clock reference, or "mixed" */
    int64_t series_start_ns; /* second 0 of the merged series; 0 = no merged series */
} pl_mx;

/* Append a formatted string to a JSON array of strings. */
void pl_mx_say(json_t *list, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* out[key] = the latency object of the union of the hosts' `key` histograms. 0 or -1 (err). */
int pl_mx_latency(pl_mx *m, json_t *out, const char *key);

/* The overlap of the windows, the skews, and the problems they show (late, not overlapping). */
void pl_mx_windows(pl_mx *m);

/* out.timeseries summed per absolute second, when every host's series is on whole seconds. */
int pl_mx_series(pl_mx *m, json_t *out);

/* The merged run's "clock" object (new reference). */
json_t *pl_mx_clock_json(const pl_mx *m);

#endif
