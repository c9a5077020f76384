/*
 * plan/plan_int.h — private interface of the plan runner (`rigor run PLAN.json`).
 *
 * A plan (docs/plan-format.md) names targets, a sweep of concurrencies or rates, a number of
 * repetitions and an order. The runner is split by concern:
 *   plan_parse.c   strict JSON -> pl_plan, every error "FILE: key.path: problem"
 *   plan_order.c   the sequence of steps (target x cell x run) in the chosen order; the
 *                  interleaved order is a seeded, documented shuffle (SplitMix64 + Fisher-Yates)
 *   plan_thresh.c  the threshold gate: a plan's thresholds (parsed by analyze/threshold.c)
 *                  checked against analyze's document
 *   plan_http.c    a tiny blocking HTTP GET used as readiness probe (URLs: lg_url_parse)
 *   plan_proc.c    target processes: /bin/sh -c in its own process group, readiness polling,
 *                  TERM then KILL, output captured to a temp file to quote on failure
 *   plan_exec.c    the run loop: servers, lg_run per step, save after every run, resume, SIGINT
 *   plan_gen.c     external load generators ("generator": k6, Locust, hey... run through
 *                  /bin/sh per step, their output imported by import/)
 *   plan_summary.c the text summary printed at the end, from analyze's document
 *   cmd_run.c      the command: options, summary, report, thresholds, exit status
 * Nothing here is used outside plan/ (and the unit tests).
 */
#ifndef RIGOR_PLAN_PLAN_INT_H
#define RIGOR_PLAN_PLAN_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <signal.h>
#include <stdint.h>
#include <sys/types.h>
#include <jansson.h>
#include "analyze/analyze.h"
#include "loadgen/loadgen.h"

/* ---- thresholds (plan_thresh.c) ---- */

/* Threshold expressions are parsed and evaluated by analyze (an_threshold_*, analyze.h), where
 * `rigor report` reads them too; plan/ keeps the gate: which thresholds apply, what is printed. */
struct pl_plan;
/*
 * Check a plan's thresholds against analyze's document (analyze/analyze.h): each global
 * threshold on every group (target x cell), a target's own on its groups, comparing the
 * metric's across-run mean. A cell without a value for the metric counts as a violation
 * (a CI gate must not pass on missing data). Writes one line per threshold to `out` (ok or
 * VIOLATED, with the worst cell) and one "rigor run: threshold ... violated" line per failing
 * cell on stderr. Returns the number of violating cells.
 */
size_t pl_thresholds_check(const struct pl_plan *p, const json_t *analysis, FILE *out);

/* ---- the readiness probe (plan_http.c) ---- */

/* The TLS settings of a target (https URLs). */
typedef struct pl_probe_tls {
    bool insecure;             /* do not verify the certificate */
    const char *cacert;        /* trust this PEM file's CAs instead of the system's */
} pl_probe_tls;

/*
 * One HTTP/1.1 GET of url with Connection: close, waiting at most timeout_s in total; an
 * https url is fetched over TLS with the settings in tls (NULL: verify against the system's
 * CAs). Returns the response status code (100..599), -1 with err when nothing answers
 * (e.g. "connection refused"), or -2 with err when the server's certificate does not
 * verify (waiting will not fix that).
 */
int pl_http_probe(const char *url, const pl_probe_tls *tls, double timeout_s, char *err);

/* ---- the plan (plan_parse.c) ---- */

enum pl_order_kind { PL_ORDER_INTERLEAVED, PL_ORDER_SEQUENTIAL, PL_ORDER_GROUPED };

/*
 * An external load generator (docs/plan-format.md, "generator"): a shell command with
 * placeholders ({url} {concurrency} {rate} {duration} {warmup} {total} {output} {run}
 * {target}) whose output file is imported as the step's run.
 */
typedef struct pl_generator {
    char *command;             /* NULL = rigor's own load generator */
    char *format;              /* an import format (import/import.h) */
    bool trim_warmup;          /* drop requests started in the first `warmup` of the output */
    double timeout_s;          /* 0 = 2 x (warmup + duration) + 30 s */
} pl_generator;

typedef struct pl_target {
    char *name;
    char *url;
    char *start;               /* shell command or NULL (target assumed running) */
    char *ready;               /* readiness URL; defaults to url */
    char **env;                /* "NAME=value" for the start command */
    size_t nenv;
    int threads;               /* load generator threads, default 1 */
    char *method;              /* default "GET" */
    bool insecure;             /* https: do not verify the certificate */
    char *cacert;              /* https: trust this PEM file's CAs; NULL = the system's */
    char **headers;            /* "Name: value" */
    size_t nheaders;
    char *body;                /* NULL = none */
    size_t body_len;
    an_threshold *thresholds;  /* this target's own thresholds */
    size_t nthresholds;
    pl_generator gen;          /* the target's, else the plan's; command NULL = rigor's own */
    lg_targets *mix;           /* "targets_file" or "requests"; NULL = url, method, body */
    char *targets_file;        /* the file as the runs read it, NULL for inline requests */
} pl_target;

typedef struct pl_plan {
    char *path;                /* the file as named on the command line */
    char *title;
    double duration_s, warmup_s, cooldown_s;
    double timeout_s;          /* per request */
    double ready_timeout_s;    /* how long a started target may take to answer `ready` */
    double stop_grace_s;       /* TERM, then KILL after this long */
    int runs;
    bool open_loop;            /* "rate" given: cells are rates; else concurrencies */
    double *cells;
    size_t ncells;
    uint64_t connections;      /* open loop only: connections used to send the rate */
    enum pl_order_kind order;
    uint64_t seed;
    char *capture;             /* interface or NULL */
    char *baseline;            /* analysis baseline; NULL = first target */
    pl_target *targets;
    size_t ntargets;
    an_threshold *thresholds;  /* global thresholds */
    size_t nthresholds;
    json_t *json;              /* the plan as read, for meta.plan.definition */
    /* several load hosts (docs/distributed.md); nhosts == 0: rigor's own process loads */
    char **hosts;              /* "load_hosts" */
    size_t nhosts;
    char *remote;              /* command template with {host} (and {index}) */
    char *remote_rigor;        /* how rigor is run on the hosts, default "rigor" */
    double start_lead_s;       /* how far ahead the start time is set */
    double max_skew_s;         /* windows further apart make the run incomplete; < 0 default */
    bool clock_probe;          /* the hosts probe the coordinator's clock over stdin/stdout */
    /* closed-loop users (docs/plan-format.md, "Scenarios") */
    lg_think think;            /* "think"; kind NONE = none */
    double ramp_s;             /* "ramp"; 0 = every connection at once */
    bool ramp_measured;        /* "ramp_measured" */
} pl_plan;

/* Load and validate a plan file. NULL with err "FILE: key.path: problem" (RG_ERRLEN). */
pl_plan *pl_plan_load(const char *path, char *err);
/* Same from text already in memory; path is only used in messages. */
pl_plan *pl_plan_parse(const char *path, const char *text, size_t len, char *err);
void pl_plan_free(pl_plan *p);
const char *pl_order_name(enum pl_order_kind k);

/* ---- the order of the steps (plan_order.c) ---- */

typedef struct pl_step {
    size_t target;             /* index into plan->targets */
    size_t cell;               /* index into plan->cells */
    int run;                   /* 1..runs */
} pl_step;

/* SplitMix64 (Steele, Lea & Flood 2014): the documented generator behind interleaving. */
uint64_t pl_splitmix64(uint64_t *state);
/* Uniform integer in [0, n) by rejection (no modulo bias); n >= 1. */
uint64_t pl_rand_below(uint64_t *state, uint64_t n);

/*
 * Every target x cell x run exactly once, in the plan's order (docs/plan-format.md):
 * sequential = target, cell, run; grouped = target, run, cell; interleaved = round by round
 * (run 1 of every target x cell, then run 2...), each round shuffled with the seed.
 * Returns a new array of *n steps (caller frees) or NULL on OOM.
 */
pl_step *pl_order_build(const pl_plan *p, size_t *n);

/* The sequence as JSON for meta.plan.sequence: [{"target","concurrency"|"rate","run"}...]. */
json_t *pl_order_json(const pl_plan *p, const pl_step *steps, size_t n);

/* ---- target processes (plan_proc.c) ---- */

typedef struct pl_proc {
    pid_t pid;                 /* leader (the /bin/sh), also the process group id; 0 = none */
    int exited;                /* the leader has been reaped */
    int status;                /* its wait status when exited */
    char log_path[256];        /* stdout+stderr of the command */
} pl_proc;

/*
 * Start `command` with /bin/sh -c in a new process group, stdout and stderr to a temp file,
 * extra environment `env` ("NAME=value") over ours, and PATH prefixed with `path_prefix`
 * (the directory of the running rigor, so "rigor serve" finds this binary). 0 or -1 with err.
 */
int pl_proc_start(pl_proc *pr, const char *command, char *const *env, size_t nenv,
                  const char *path_prefix, char *err);

/*
 * Poll `ready` until it answers HTTP, the process exits, timeout_s passes or *stop becomes
 * non-zero. 0 when ready; -1 with err otherwise ("exited with status 1 before it was ready").
 */
int pl_proc_wait_ready(pl_proc *pr, const char *ready, const pl_probe_tls *tls, double timeout_s,
                       volatile sig_atomic_t *stop, char *err);

/* How the leader ended, for messages: "exited with status 1", "was killed by signal 9 (...)". */
void pl_proc_describe_exit(const pl_proc *pr, char *buf, size_t len);

/* True while the leader process is alive (reaps it when it has exited). */
bool pl_proc_alive(pl_proc *pr);

/*
 * Stop the whole process group: SIGTERM, then SIGKILL after grace_s, reaping the leader.
 * Removes the log file. Safe to call twice or on a never-started pl_proc.
 */
void pl_proc_stop(pl_proc *pr, double grace_s);

/*
 * Make this process the reaper of its orphaned descendants (PR_SET_CHILD_SUBREAPER), so a
 * server's workers left behind by their parent are still ours to wait for and to reap.
 */
void pl_proc_adopt_orphans(void);

/* ---- the plan's guard (plan_guard.c): servers never outlive the plan ---- */

/*
 * Fork the watchdog (its own process group) that stops every process carrying this plan's
 * mark if rigor ends, SIGKILL included, before pl_guard_end. 0 or -1 with err.
 */
int pl_guard_start(double grace_s, char *err);
/* Tell the watchdog the plan ended normally, and reap it. Safe without pl_guard_start. */
void pl_guard_end(void);
/* "RIGOR_PLAN_ID=TOKEN/target" into buf, for the start command's environment; -1 before
 * pl_guard_start. */
int pl_guard_mark(size_t target, char *buf, size_t len);
/*
 * After target's process group was stopped: stop (and name) the processes that still carry
 * its mark, then, if its ready URL still answers, warn naming the process that holds the port.
 */
void pl_guard_after_stop(const pl_target *t, size_t target, double grace_s);

/* The last ~max bytes of the captured output, indented for quoting (caller frees). */
char *pl_proc_tail(const pl_proc *pr, size_t max);
/* The last non-empty line of the captured output, control characters as '?', into buf
 * ("" when there is none). Returns buf. */
char *pl_proc_last_line(const pl_proc *pr, char *buf, size_t len);

/*
 * A child's environment: ours, overridden by env ("NAME=value"), with PATH prefixed by
 * path_prefix (may be NULL). NULL-terminated; free with pl_proc_env_free; NULL on OOM.
 */
char **pl_proc_env(char *const *env, size_t nenv, const char *path_prefix);
void pl_proc_env_free(char **e);   /* accepts NULL */

/* Directory holding the running executable (readlink /proc/self/exe), into buf. */
int pl_self_dir(char *buf, size_t len);

/* ---- the end-of-plan summary (plan_summary.c) ---- */

/* One line per cell (means and CI half-widths), comparisons, warnings; from analyze's doc. */
void pl_summary_print(const pl_plan *p, const json_t *analysis, FILE *out);

/* ---- external generators (plan_gen.c) ---- */

/*
 * Run target t's generator for one step (cell value `cell`, run index `run`) and import its
 * output: the run object (new reference) with `generator`, and `server` / `wire` when
 * server_pid > 0 / the plan captures. NULL with err when the command could not run, timed
 * out or its output could not be imported (err quotes the command's last output lines);
 * NULL with *interrupted set when *stop became non-zero (the command is stopped).
 */
json_t *pl_gen_run(const struct pl_plan *p, const pl_target *t, double cell, int run,
                   pid_t server_pid, volatile sig_atomic_t *stop, bool *interrupted, char *err);

/* The command with the placeholders of a step filled in (caller frees); NULL when out of
 * memory. output is the output path; values are shell-quoted where they are text. */
char *pl_gen_expand(const struct pl_plan *p, const pl_target *t, double cell, int run,
                    const char *output);

/* ---- merging the runs of several load hosts (plan_merge.c, plan_merge_series.c) ---- */

typedef struct pl_host_run {
    const char *host;          /* the host's label (load_hosts entry, or file name) */
    const char *file;          /* the dataset file it came from, or NULL */
    const json_t *run;         /* its run (borrowed); NULL when it produced none */
    const char *problem;       /* why there is no run (e.g. "was killed by signal 9"), or NULL */
} pl_host_run;

typedef struct pl_merge_opts {
    double max_skew_s;         /* window starts/ends further apart fail; < 0 = the default:
                                * 1% of the median window, at least 10 ms */
} pl_merge_opts;

/*
 * Merge the runs several hosts made of one step (docs/distributed.md): counts and errors by
 * kind summed, latency histograms merged exactly, series summed per absolute second, the
 * window the overlap of the hosts' windows, every host's run kept in `hosts`. A host without
 * a run, cut short, late, ending early, not overlapping, or missing from a --split makes the
 * merged run "complete": false with the reason in merge.problems (naming the host).
 * Returns the merged run (new reference; target, url, cell and run index from the hosts, the
 * caller may override them), or NULL with err when the runs cannot be merged exactly:
 * different targets, URLs, methods or loop kinds, histograms of different precision, a host
 * with requests but no histogram, an input that is already a merge.
 */
json_t *pl_merge(const pl_host_run *h, size_t n, const pl_merge_opts *o, char *err);

/* s single-quoted for /bin/sh into a new string ('it'\''s'); NULL on OOM (plan_gen.c). */
char *pl_shell_quote(const char *s);

/* ---- plans on several load hosts (plan_remote.c, plan_remote_cmd.c) ---- */

/*
 * Make one step on every load host (docs/distributed.md): `rigor load` with --split I/N,
 * --start-at, --clock-probe and -o - started through the plan's remote template, probes
 * answered, datasets collected, runs merged (pl_merge). Returns the merged run (new
 * reference) — "complete": false, naming the hosts, when one failed, lagged or was killed —
 * or NULL with err when no host produced a run or the runs cannot be merged. *interrupted
 * is set when *stop became non-zero (the hosts were told to stop, their runs kept).
 */
json_t *pl_remote_step(const pl_plan *p, const pl_target *t, double cell, int run,
                       pid_t server_pid, volatile sig_atomic_t *stop, bool *interrupted,
                       char *err);

/*
 * The shell command line that starts host i's load for a step, with start_at (a time as
 * rigor load's --start-at takes it). New string (caller frees), NULL on OOM.
 */
char *pl_remote_command(const pl_plan *p, const pl_target *t, double cell, size_t i,
                        const char *start_at);

/* ---- the run loop (plan_exec.c) ---- */

typedef struct pl_exec_opts {
    const char *out_path;      /* -o FILE or NULL (dataset kept in memory only) */
    bool resume;               /* continue what out_path already holds */
    int argc;                  /* the command line, for the dataset's provenance */
    char **argv;
} pl_exec_opts;

typedef struct pl_exec_result {
    int status;                /* RG_EXIT_OK, or the exit status of the failure (printed) */
    bool interrupted;          /* stopped by SIGINT/SIGTERM/SIGHUP; finished runs kept */
    size_t total;              /* steps in the plan */
    size_t done;               /* complete runs in the dataset at the end */
    size_t made;               /* runs made by this invocation */
} pl_exec_result;

/*
 * Run the plan: check targets, start/stop servers, one lg_run per remaining step in the
 * plan's order, the dataset saved after every run. Returns the dataset (new reference; NULL
 * only when none could be made) and fills *res. Problems are printed as "rigor run: ..." on
 * stderr as they happen; res->status says how to exit.
 */
json_t *pl_exec(const pl_plan *p, const pl_exec_opts *o, pl_exec_result *res);

#endif
