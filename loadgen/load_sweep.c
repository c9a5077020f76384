/*
 * loadgen/load_sweep.c — `rigor load`'s sweep: cells x runs, the dataset, the summary, SIGINT.
 *
 * Design: the cells are the cross product of the -c list and the --rate list. With --runs K
 * the sweep goes in K interleaved rounds (every cell once, then again), so a slow drift of the
 * machine spreads over all cells instead of biasing the last one. Each run is appended to the
 * dataset and the file is saved (atomically) right away: an interrupt or a crash never loses
 * a finished run. Saves go through rg_dataset_save_runs, so another process appending to the
 * same file meanwhile keeps its runs too. The first SIGINT asks lg_run to stop (the run is kept, "complete": false)
 * and ends the sweep; a second one exits at once.
 *
 * On one of several load hosts (--start-at, --split, --clock-probe; docs/distributed.md) the
 * clock is settled before the first run (load_dist.c) and run k of the sweep is scheduled at
 * START + k x (warm-up + duration + cooldown) of the reference clock, so every host runs
 * cell and round k in the same slot and `rigor merge` can put them together.
 */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "core/cli.h"
#include "core/dataset.h"
#include "core/err.h"
#include "core/log.h"
#include "core/units.h"
#include "loadgen/load_int.h"

static volatile sig_atomic_t sigint_count;

static void on_sigint(int sig)
{
    (void)sig;
    if (++sigint_count >= 2) {
        static const char msg[] = "\nrigor load: interrupted again, exiting now\n";
        (void)!write(2, msg, sizeof msg - 1);
        _exit(RG_EXIT_FAIL);
    }
    lg_request_stop();
}

typedef struct sweep_state {
    lg_load_opts *o;
    json_t *ds;
    FILE *out;          /* the human summary: stdout, or stderr with -o - */
    size_t cell, ncells;
    uint64_t round;
    uint64_t last_req;
    double last_t;
    int failed;
    size_t saved;
    rg_dataset_file df;   /* the -o file as last read or written (concurrent writers) */
    char label[96];
} sweep_state;

static void on_progress(void *ctx, double elapsed, double total, uint64_t requests,
                        uint64_t errors)
{
    sweep_state *s = ctx;
    char rps[32], el[32], tot[32];
    double dt = elapsed - s->last_t;
    double cur = dt > 0 && requests >= s->last_req ? (double)(requests - s->last_req) / dt : 0;
    s->last_req = requests;
    s->last_t = elapsed;
    char eta[48] = "";
    rg_fmt_seconds(el, sizeof el, elapsed);
    if (total > 0) {
        /* the runs still to come take as long as this one (duration mode) */
        uint64_t left = s->o->runs * s->ncells - (s->round * s->ncells + s->cell) - 1;
        double rest = (total - elapsed > 0 ? total - elapsed : 0) + (double)left * total;
        char r[32];
        rg_fmt_seconds(tot, sizeof tot, total);
        snprintf(eta, sizeof eta, "  ETA %s", rg_fmt_seconds(r, sizeof r, rest));
    } else {
        snprintf(tot, sizeof tot, "?");
    }
    rg_progress("[cell %zu/%zu %s] run %llu/%llu  %s/%s%s  %s req/s  %llu errors", s->cell + 1,
                s->ncells, s->label, (unsigned long long)s->round + 1,
                (unsigned long long)s->o->runs, el, tot, eta, rg_fmt_si(rps, sizeof rps, cur, 3),
                (unsigned long long)errors);
}

static void print_header(FILE *f)
{
    fprintf(f, "%-22s %7s %9s %4s %10s %10s %9s %9s %8s\n", "target", "conns", "rate", "run",
            "requests", "req/s", "p50", "p99", "errors");
}

static void print_run(sweep_state *s, const json_t *run)
{
    char p50[32], p99[32], rate[32] = "-";
    double r = rg_json_num(run, "rate", 0);
    if (r > 0)
        rg_fmt_sig(rate, sizeof rate, r, 4);
    const json_t *lat = json_object_get(run, "latency");
    double a = rg_json_num(lat, "p50", NAN), b = rg_json_num(lat, "p99", NAN);
    snprintf(p50, sizeof p50, "-");
    snprintf(p99, sizeof p99, "-");
    if (!isnan(a))
        rg_fmt_us(p50, sizeof p50, a, 3);
    if (!isnan(b))
        rg_fmt_us(p99, sizeof p99, b, 3);
    fprintf(s->out, "%-22.22s %7.0f %9s %4.0f %10.0f %10.1f %9s %9s %8llu%s\n",
            json_string_value(json_object_get(run, "target")),
            rg_json_num(run, "connections", 0), rate, rg_json_num(run, "run", 0),
            rg_json_num(run, "requests", 0), rg_json_num(run, "throughput_rps", 0), p50, p99,
            (unsigned long long)rg_errors_total(json_object_get(run, "errors")),
            json_is_false(json_object_get(run, "complete")) ? "  (interrupted)" : "");
    const json_t *unc = json_object_get(run, "latency_uncorrected");
    a = rg_json_num(unc, "p50", NAN);
    b = rg_json_num(unc, "p99", NAN);
    if (!isnan(a) && !isnan(b))   /* open loop: the table shows latency from intended times */
        fprintf(s->out, "%-22s   latency from the actual send (uncorrected): p50 %s, p99 %s\n", "",
                rg_fmt_us(p50, sizeof p50, a, 3), rg_fmt_us(p99, sizeof p99, b, 3));
    fflush(s->out);
}

/* Say what a run's numbers mean when they are not a clean result. Returns 1 if it failed. */
static int judge_run(sweep_state *s, const json_t *run)
{
    const json_t *errs = json_object_get(run, "errors");
    double req = rg_json_num(run, "requests", 0);
    const json_t *ol = json_object_get(run, "open_loop");
    if (json_is_false(json_object_get(ol, "kept_up"))) {   /* loadgen/run_json.c's rule */
        double want = rg_json_num(ol, "intended_rps", 0), got = rg_json_num(ol, "achieved_rps", 0);
        rg_warn("load: the target did not keep up with %g req/s: achieved %.1f req/s,"
                " %.0f requests not sent on time (backlog)", want, got,
                rg_json_num(ol, "backlog", 0));
    }
    double late = rg_json_path_num(run, "clock.start_late_s", 0);
    if (late > 0.01)
        rg_warn("load: run %s started %.3f s after its start time (--start-at)%s", s->label,
                late, late > s->o->cfg.warmup_s ? ": its window is shorter" : "");
    if (req > 0 || json_is_false(json_object_get(run, "complete")))
        return 0;
    char tls[48] = "";
    if (json_object_get(errs, "tls") != NULL)
        snprintf(tls, sizeof tls, ", tls %.0f", rg_json_num(errs, "tls", 0));
    rg_error("load: no response completed in run %s: %llu errors (connect %.0f, read %.0f,"
             " write %.0f, timeout %.0f, protocol %.0f%s)%s", s->label,
             (unsigned long long)rg_errors_total(errs), rg_json_num(errs, "connect", 0),
             rg_json_num(errs, "read", 0), rg_json_num(errs, "write", 0),
             rg_json_num(errs, "timeout", 0), rg_json_num(errs, "protocol", 0), tls,
             rg_json_num(errs, "connect", 0) > 0 ? " - is the server running?" : "");
    return 1;
}

/* One run of one cell; appends and saves. Returns -1 when the sweep must end. */
/*
 * The start of run k (0-based, in sweep order) on the reference clock; 0 = at once. Slots are
 * whole seconds (the window of each run starts on one: run.c stretches the warm-up).
 */
static uint64_t slot_start(const lg_load_opts *o, uint64_t k)
{
    double slot = ceil(o->cfg.warmup_s + (o->cfg.ramp_measured ? 0 : o->cfg.ramp_s) +
                       o->cfg.duration_s +
                       (o->cooldown_s >= 0 ? o->cooldown_s : 1) - 1e-9);
    return o->start_at ? o->start_ns + k * (uint64_t)slot * 1000000000u : 0;
}

static int one_run(sweep_state *s, uint64_t conns, double rate)
{
    lg_load_opts *o = s->o;
    lg_config cfg = o->cfg;
    char err[RG_ERRLEN];
    lg_load_share(o, conns, rate, &cfg);
    cfg.start_at_ns = slot_start(o, s->round * s->ncells + s->cell);
    cfg.clock_offset_ns = o->offset_ns;
    cfg.absolute_grid = o->start_at != NULL;
    cfg.series_hist = o->start_at != NULL || o->split_n > 0;
    cfg.watch_stdin = o->stdin_watched;
    cfg.progress = o->quiet ? NULL : on_progress;
    cfg.progress_ctx = s;
    if (rate > 0)
        snprintf(s->label, sizeof s->label, "c=%llu rate=%g", (unsigned long long)conns, rate);
    else
        snprintf(s->label, sizeof s->label, "c=%llu", (unsigned long long)conns);
    s->last_req = 0;
    s->last_t = 0;
    json_t *run = lg_run(&cfg, (int)s->round + 1, err);
    rg_progress_clear();
    if (run == NULL) {
        rg_error("load: %s", err);
        s->failed = 1;
        return -1;
    }
    lg_load_annotate(o, run, conns, rate);
    print_run(s, run);
    s->failed |= judge_run(s, run);
    if (s->ds == NULL) {
        json_decref(run);
        return 0;
    }
    rg_dataset_append_run(s->ds, run);
    if (strcmp(o->out, "-") != 0 && rg_dataset_save_runs(o->out, s->ds, &s->df, err) < 0) {
        rg_error("load: cannot save %s: %s", o->out, err);
        s->failed = 1;
        return -1;
    }
    s->saved++;
    return 0;
}

/* --cooldown without --start-at: sleep, waking early on SIGINT. */
static void pause_between(double sec)
{
    struct timespec ts = {(time_t)sec, (long)((sec - (double)(time_t)sec) * 1e9)};
    while (nanosleep(&ts, &ts) != 0 && !lg_stop_requested())
        ;
}

static int sweep(sweep_state *s)
{
    lg_load_opts *o = s->o;
    size_t nr = o->nrates ? o->nrates : 1;
    s->ncells = o->nconns * nr;
    for (s->round = 0; s->round < o->runs; s->round++) {
        for (s->cell = 0; s->cell < s->ncells; s->cell++) {
            double rate = o->nrates ? o->rates[s->cell % nr] : 0;
            if (one_run(s, o->conns[s->cell / nr], rate) < 0)
                return -1;
            if (lg_stop_requested())
                return -1;
            bool last = s->round + 1 == o->runs && s->cell + 1 == s->ncells;
            if (!o->start_at && o->cooldown_s > 0 && !last)
                pause_between(o->cooldown_s);
        }
    }
    return 0;
}

int lg_load_sweep(lg_load_opts *o)
{
    static uint64_t default_conns = 10;
    sweep_state s;
    char err[RG_ERRLEN];
    memset(&s, 0, sizeof s);
    s.o = o;
    if (o->nconns == 0) {
        o->conns = malloc(sizeof *o->conns);
        if (o->conns == NULL)
            return rg_fail(RG_EXIT_FAIL, "load", "out of memory");
        o->conns[0] = default_conns;
        o->nconns = 1;
    }
    s.out = o->out != NULL && strcmp(o->out, "-") == 0 ? stderr : stdout;
    if (o->out != NULL) {
        s.ds = strcmp(o->out, "-") == 0 ? rg_dataset_new(o->title, o->argc, o->argv)
                                        : rg_dataset_open_or_new(o->out, o->title, o->argc,
                                                                 o->argv, &s.df, err);
        if (s.ds == NULL)
            return rg_usage_error("load", "%s", err);
    }
    rg_progress_enable(!o->quiet);
    if (lg_load_clock_setup(o, err) != 0) {
        json_decref(s.ds);
        return rg_fail(RG_EXIT_FAIL, "load", "%s", err);
    }
    lg_clear_stop();
    sigint_count = 0;
    struct sigaction sa = {.sa_handler = on_sigint}, old_int;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    signal(SIGPIPE, SIG_IGN);
    print_header(s.out);
    sweep(&s);
    sigaction(SIGINT, &old_int, NULL);
    bool interrupted = lg_stop_requested();
    if (s.ds != NULL && strcmp(o->out, "-") == 0 && rg_dataset_save("-", s.ds, err) < 0) {
        rg_error("load: cannot write the dataset: %s", err);
        s.failed = 1;
    }
    if (s.ds != NULL && strcmp(o->out, "-") != 0 && s.saved > 0)
        rg_info("load: %zu run%s saved to %s", s.saved, s.saved == 1 ? "" : "s", o->out);
    json_decref(s.ds);
    if (interrupted) {
        rg_error("load: interrupted%s%s", o->out ? "; runs saved to " : "",
                 o->out ? o->out : "");
        return RG_EXIT_FAIL;
    }
    return s.failed ? RG_EXIT_FAIL : RG_EXIT_OK;
}
