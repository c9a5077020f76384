/*
 * plan/plan_remote_int.h — a distributed step's state, shared by plan_remote.c (supervising
 * the hosts, collecting and merging) and plan_remote_cmd.c (the command lines, starting the
 * hosts, sampling the server, the coordinator's keys). Private to plan/.
 */
#ifndef RIGOR_PLAN_PLAN_REMOTE_INT_H
#define RIGOR_PLAN_PLAN_REMOTE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "loadgen/loadgen.h"
#include "plan/plan_int.h"

typedef struct rm_host {
    const char *name;          /* the load_hosts entry */
    pl_proc pr;                /* the /bin/sh running the template: pid, status, stderr log */
    int in_fd, out_fd;         /* its stdin (we write probe answers), its stdout (we read) */
    char *out;                 /* its output once the dataset began */
    size_t len, cap;
    char line[256];            /* a probe line being read */
    size_t llen;
    bool data;                 /* the dataset began */
    size_t probes;             /* clock probes answered */
    char problem[1024];        /* why it has no run, when it has none */
} rm_host;

typedef struct rm_step {
    const pl_plan *p;
    const pl_target *t;
    double cell;
    int run;
    char label[200];           /* "fast c=100" */
    rm_host *h;
    size_t n;
    /* the coordinator's wall clock, ns since the epoch */
    int64_t start_at, window_start, window_end, deadline;
    size_t probes;
    bool interrupted;
    lg_ntp ntp;                /* the coordinator's own clock */
    /* the server, sampled on the window's whole seconds */
    pid_t server_pid;
    lg_procstat *ps;
    int64_t next_sample;
    bool sampling;
    json_t *cpu, *rss;
    double cpu_sum, cpu_max;
    uint64_t rss_max, samples;
} rm_step;

/* The step's times and hosts (none started yet). 0, or -1 with err. */
int rm_step_init(rm_step *s, const pl_plan *p, const pl_target *t, double cell, int run,
                 pid_t server_pid, char *err);
/* Start `rigor load` on every host through the template. 0, or -1 with err (all stopped). */
int rm_start_hosts(rm_step *s, char *err);
/* Stop whatever still runs, close pipes, remove logs, free. */
void rm_step_free(rm_step *s);
/* Sample the server when a whole second of the window has passed. */
void rm_sample_server(rm_step *s, int64_t now);
/* The step's identity, the server and the coordinator's record on the merged run. */
void rm_finish_run(rm_step *s, json_t *merged);

#endif
