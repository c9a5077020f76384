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
    pid_t pids[LG_MAX_PIDS];    /* --pid list (cfg.server_pids points here) */
    size_t npids;
    int argc;
    char **argv;
} lg_load_opts;

/* Run every cell --runs times (interleaved rounds), saving after each run. Exit status. */
int lg_load_sweep(lg_load_opts *o);

#endif
