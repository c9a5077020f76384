/*
 * loadgen/run_int.h — the controller's state for one lg_run, shared by run.c (the control
 * loop) and run_json.c (time series and the run object). Private to loadgen/.
 */
#ifndef RIGOR_LOADGEN_RUN_INT_H
#define RIGOR_LOADGEN_RUN_INT_H

#include "capture/capture.h"
#include "loadgen/lg_int.h"

typedef struct lg_runctx {
    lg_url url;
    lg_req *reqs;            /* the run's pre-serialized requests (nreqs) */
    size_t nreqs;
    char **req_bufs;         /* owned buffers of reqs */
    double *cum;             /* weighted mix: cumulative weights, else NULL */
    lg_shared sh;
    lg_worker *workers;
    int nthreads, ninit;
    char started[40];
    uint64_t end_ns;
    /* clocks: reference epoch ns = monotonic ns + mono2ref (wall clock + applied offset) */
    int64_t mono2ref;
    uint64_t start_target;   /* monotonic instant asked for (--start-at), or the start */
    uint64_t woke;           /* when the load actually started */
    struct timespec cpu0;    /* process CPU time at the start (client.cpu_s) */
    /* time series */
    int64_t next_sec;
    rg_hist *sec_scratch;
    json_t *ts_requests, *ts_errors, *ts_p50, *ts_p99, *ts_cpu, *ts_rss, *ts_conns;
    json_t *ts_hist;         /* per-second histograms (cfg->series_hist), else NULL */
    /* server sampling */
    lg_procstat *ps;
    bool ps_started, ps_gone;
    uint64_t next_sample, next_progress;
    double cpu_sum, cpu_max;
    uint64_t rss_max, nsamples;
    /* capture */
    cap_sidecar *cap;
    json_t *wire;
} lg_runctx;

/* Allocate the time-series arrays (and the per-second histograms when asked). 0 or -1. */
int lg_run_series_init(lg_runctx *r, bool with_hist, char *err);
/* Merge second `sec` from every worker's ring into the series and free the slots. */
void lg_run_consume_second(lg_runctx *r, int64_t sec);
/* Record one server sample (one second). */
void lg_run_add_sample(lg_runctx *r, double cpu_pct, uint64_t rss_kb);
/* scenario.c: the mix, think and ramp keys, and the `endpoints` array (dur: the window). */
void lg_run_add_scenario(json_t *run, lg_runctx *r, const lg_config *cfg, double dur);
/* Sum, merge and build the v1 run object after the workers are joined. NULL with err. */
json_t *lg_run_build(lg_runctx *r, const lg_config *cfg, int run_index, char *err);

#endif
