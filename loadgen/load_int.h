/*
 * loadgen/load_int.h — `rigor load`'s parsed command line, shared by cmd_load.c (options)
 * and load_sweep.c (cells, runs, dataset, summary, interrupt). Private to loadgen/.
 */
#ifndef RIGOR_LOADGEN_LOAD_INT_H
#define RIGOR_LOADGEN_LOAD_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "loadgen/loadgen.h"

#define LG_MAX_HEADERS 64
#define LG_MAX_CELLS 10000

typedef struct lg_load_opts {
    lg_config cfg;              /* the template: connections and rate set per cell */
    uint64_t *conns;            /* -c list */
    size_t nconns;
    double *rates;              /* --rate list (NULL = closed loop) */
    size_t nrates;
    uint64_t runs;
    const char *out;            /* -o FILE, "-" = stdout, NULL = none */
    const char *title;
    bool quiet;
    const char *headers[LG_MAX_HEADERS];
    char *body_buf;             /* owned: --body @FILE contents */
    lg_targets *targets;        /* owned: --targets FILE (cfg.targets points here) */
    bool method_set;            /* -m given (exclusive with --targets) */
    pid_t pids[LG_MAX_PIDS];    /* --pid list (cfg.server_pids points here) */
    size_t npids;
    int argc;
    char **argv;
    /* distributed runs (docs/distributed.md) */
    const char *start_at;       /* --start-at as given, NULL = none */
    bool clock_probe;           /* --clock-probe: ask the coordinator on stdin/stdout */
    uint64_t split_i, split_n;  /* --split I/N (1-based), 0/0 = none */
    double cooldown_s;          /* --cooldown; < 0 = not given */
    uint64_t start_ns;          /* the parsed start on the reference clock */
    int64_t offset_ns;          /* reference - local, applied */
    bool stdin_watched;         /* the probe found a coordinator: end of stdin stops runs */
    json_t *clock;              /* reference, uncertainty, probe, ntp: added to every run */
} lg_load_opts;

/*
 * Before the first run of a distributed sweep: NTP state, the clock probe (--clock-probe),
 * the offset to apply and the start time. 0, or -1 with err.
 */
int lg_load_clock_setup(lg_load_opts *o, char *err);

/* This host's share of a cell into cfg (connections, rate, -n budget) under --split. */
void lg_load_share(const lg_load_opts *o, uint64_t conns, double rate, lg_config *cfg);
/* Add the sweep's clock record and the "split" object (the whole cell) to a finished run. */
void lg_load_annotate(const lg_load_opts *o, json_t *run, uint64_t conns, double rate);
/* --split I/N into o. 0 or -1 with err. */
int lg_load_parse_split(lg_load_opts *o, const char *arg, char *err);
/* Every -c value leaves each host at least one connection. 0 or -1 with err. */
int lg_load_check_split(const lg_load_opts *o, char *err);

/* Run every cell --runs times (interleaved rounds), saving after each run. Exit status. */
int lg_load_sweep(lg_load_opts *o);

#endif
