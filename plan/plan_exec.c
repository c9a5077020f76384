/*
 * plan/plan_exec.c — the plan's run loop: every target x cell x run, once, in order.
 *
 * Design: the sequence of steps comes from plan_order.c. Before any load, targets that rigor
 * does not start must answer, and the ports of targets it does start must be free (otherwise
 * a stale server would be measured). A started target is launched before its first remaining
 * step and stopped after its last; with the interleaved order that means every started target
 * runs from the first step on (distinct ports needed), with sequential and grouped orders one
 * at a time. Each step is one lg_run() (or, for a target with an external "generator", one
 * run of its command, plan_gen.c) whose run object is appended to the dataset, which is
 * saved (atomically) after every run, so an interrupt or a crash loses at most the run in
 * flight. SIGINT/SIGTERM/SIGHUP ask lg_run to stop; the cut-short run is kept with
 * "complete": false, servers are stopped, and `--resume` later redoes exactly the steps the
 * dataset lacks (replacing cut-short runs), so every step ends up there once.
 * Expected load: tens to hundreds of steps of seconds each; the bookkeeping is negligible.
 */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "core/clock.h"
#include "core/cli.h"
#include "core/dataset.h"
#include "core/err.h"
#include "core/io.h"
#include "core/log.h"
#include "core/units.h"
#include "loadgen/loadgen.h"
#include "plan/plan_int.h"

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    stop_signal = sig;
    lg_request_stop();
}

typedef struct exec_state {
    const pl_plan *p;
    const pl_exec_opts *o;
    pl_exec_result *res;
    json_t *ds;
    rg_dataset_file df;       /* the -o file as last read or written (concurrent writers) */
    pl_step *steps;
    size_t nsteps;
    bool *done;               /* per step: a complete run is in the dataset */
    size_t *pos;              /* (target, cell, run) in plan order -> index of its step */
    size_t *left;             /* per target: steps still to make */
    pl_proc *procs;           /* per target */
    char self_dir[4096];
    /* progress */
    size_t k;                 /* 1-based number of the step being made among those to make */
    size_t todo;
    uint64_t t0_ns;           /* when the first step of this invocation started */
    double last_elapsed;
    uint64_t last_requests;
    double rps;
    const pl_step *cur;
} exec_state;

static struct sigaction old_int, old_term, old_hup;

static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;  /* no SA_RESTART: sleeps and polls wake up */
    sigemptyset(&sa.sa_mask);
    stop_signal = 0;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    sigaction(SIGHUP, &sa, &old_hup);
}

static void restore_signals(void)
{
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    sigaction(SIGHUP, &old_hup, NULL);
}

/* "fast c=100" or "fast rate=1000" for messages. */
static const char *step_label(const exec_state *st, const pl_step *s, char *buf, size_t len)
{
    const pl_plan *p = st->p;
    snprintf(buf, len, "%s %s=%g", p->targets[s->target].name, p->open_loop ? "rate" : "c",
             p->cells[s->cell]);
    return buf;
}

/* Index of the plan step matching a dataset run, or -1 (st->pos maps cells to steps). */
static long match_step(const exec_state *st, const json_t *run)
{
    const pl_plan *p = st->p;
    const char *name = json_string_value(json_object_get(run, "target"));
    double cell = rg_json_num(run, p->open_loop ? "rate" : "concurrency", NAN);
    json_t *ri = json_object_get(run, "run");
    size_t t = 0, c = 0;
    if (name == NULL || isnan(cell) || !json_is_integer(ri) || json_integer_value(ri) < 1 ||
        json_integer_value(ri) > p->runs)
        return -1;
    while (t < p->ntargets && strcmp(p->targets[t].name, name) != 0)
        t++;
    while (c < p->ncells && fabs(p->cells[c] - cell) > 1e-9 * fabs(cell))
        c++;
    if (t == p->ntargets || c == p->ncells)
        return -1;
    return (long)st->pos[(t * p->ncells + c) * (size_t)p->runs +
                         (size_t)(json_integer_value(ri) - 1)];
}

/* Mark steps the dataset already holds; drop cut-short runs of steps still to make. */
static void account_existing(exec_state *st)
{
    json_t *runs = json_object_get(st->ds, "runs");
    for (size_t i = 0; i < json_array_size(runs); i++) {
        long k = match_step(st, json_array_get(runs, i));
        if (k >= 0 && json_is_true(json_object_get(json_array_get(runs, i), "complete")))
            st->done[k] = true;
    }
    for (size_t i = json_array_size(runs); i-- > 0;) {
        json_t *r = json_array_get(runs, i);
        long k = match_step(st, r);
        if (k >= 0 && !json_is_true(json_object_get(r, "complete")))
            json_array_remove(runs, i);
    }
    for (size_t i = 0; i < st->nsteps; i++)
        if (!st->done[i])
            st->left[st->steps[i].target]++;
    st->df.saved = json_array_size(runs);   /* the runs kept are the file's, not new ones */
}

static json_t *plan_meta(const exec_state *st)
{
    const pl_plan *p = st->p;
    return json_pack("{s:s, s:s, s:I, s:o, s:O}", "file", p->path, "order",
                     pl_order_name(p->order), "seed", (json_int_t)p->seed, "sequence",
                     pl_order_json(p, st->steps, st->nsteps), "definition", p->json);
}

/* The plan definition without "runs", and the runs it asks for (5 when absent). */
static json_t *without_runs(const json_t *def, long long *runs)
{
    json_t *copy = json_deep_copy(def), *r = json_object_get(def, "runs");
    *runs = json_is_integer(r) ? json_integer_value(r) : 5;
    if (copy)
        json_object_del(copy, "runs");
    return copy;
}

/*
 * May the dataset being resumed be continued with this plan? Yes when it was made from the
 * same plan, or from one that differs only in asking for fewer runs: the extra rounds are then
 * added (the analysis said more runs were needed). With the interleaved order the rounds
 * already made keep their order, since the generator is consumed round by round. meta.plan
 * is updated to the plan now run. 0, or -1 with the status set.
 */
static int check_resumable(exec_state *st)
{
    json_t *meta = json_object_get(st->ds, "meta");
    json_t *def = json_object_get(json_object_get(meta, "plan"), "definition");
    long long old_runs = 0, new_runs = 0;
    json_t *a = def ? without_runs(def, &old_runs) : NULL;
    json_t *b = without_runs(st->p->json, &new_runs);
    bool same = a && b && json_equal(a, b);
    json_decref(a);
    json_decref(b);
    if (!same || new_runs < old_runs) {
        st->res->status = rg_fail(RG_EXIT_USAGE, "run", "%s was not made from this plan "
                                  "(meta.plan.definition differs from %s%s); cannot resume it",
                                  st->o->out_path, st->p->path,
                                  same ? ", which asks for fewer runs" : "");
        return -1;
    }
    if (new_runs > old_runs) {
        rg_info("extending %s from %lld to %lld runs per cell", st->o->out_path, old_runs,
                new_runs);
        if (json_object_set_new(meta, "plan", plan_meta(st)) != 0) {
            st->res->status = rg_fail(RG_EXIT_FAIL, "run", "out of memory");
            return -1;
        }
    }
    return 0;
}

/* -o DIR/FILE: DIR is created when missing, as --report DIR is. 0 or -1 with err. */
static int make_parent(const char *path, char *err)
{
    char dir[4096];
    rg_dirname(path, dir, sizeof dir);
    if (strcmp(dir, ".") == 0 || strcmp(dir, "/") == 0)
        return 0;
    return rg_make_dirs(dir, err);
}

/* A new dataset, or the one to resume. Prints the problem and returns -1 on failure. */
static int open_dataset(exec_state *st)
{
    const pl_exec_opts *o = st->o;
    char err[RG_ERRLEN];
    if (o->out_path && access(o->out_path, F_OK) == 0) {
        if (!o->resume) {
            st->res->status = rg_usage_error("run", "%s already exists: add --resume to "
                                             "continue it, or choose another -o", o->out_path);
            return -1;
        }
        if ((st->ds = rg_dataset_load_tracked(o->out_path, &st->df, err)) == NULL) {
            st->res->status = rg_fail(RG_EXIT_USAGE, "run", "%s", err);
            return -1;
        }
        return check_resumable(st);
    }
    if (o->resume && o->out_path)
        rg_info("%s does not exist yet: starting the plan from the beginning", o->out_path);
    st->ds = rg_dataset_new(st->p->title, o->argc, o->argv);
    json_t *meta = json_object_get(st->ds, "meta");
    if (meta == NULL || json_object_set_new(meta, "plan", plan_meta(st)) != 0) {
        st->res->status = rg_fail(RG_EXIT_FAIL, "run", "out of memory");
        return -1;
    }
    return 0;
}

/*
 * Before any load: targets rigor does not start must answer; the `ready` URL of targets it
 * does start must not (a server already there would be measured instead).
 */
static int check_targets(exec_state *st)
{
    const pl_plan *p = st->p;
    char err[RG_ERRLEN];
    for (size_t i = 0; i < p->ntargets; i++) {
        const pl_target *t = &p->targets[i];
        if (st->left[i] == 0)
            continue;
        pl_probe_tls tls = {t->insecure, t->cacert};
        int code = pl_http_probe(t->ready, &tls, 3.0, err);
        if (t->start == NULL && code < 0 && p->nhosts > 0) {   /* the hosts may reach it */
            rg_warn("%s: targets[%zu] (%s): %s does not answer here (%s); going on, since the "
                    "load hosts may reach it", p->path, i, t->name, t->ready, err);
            continue;
        }
        if (t->start == NULL && code < 0) {
            st->res->status = rg_fail(RG_EXIT_USAGE, "run", "%s: targets[%zu] (%s): %s does "
                                      "not answer (%s); start it, or give a \"start\" command",
                                      p->path, i, t->name, t->ready, err);
            return -1;
        }
        if (t->start != NULL && (code > 0 || code == -2)) {   /* -2: TLS answered */
            st->res->status = rg_fail(RG_EXIT_USAGE, "run", "%s: targets[%zu] (%s): something "
                                      "already answers at %s before its start command ran; "
                                      "stop it or use another port", p->path, i, t->name,
                                      t->ready);
            return -1;
        }
    }
    return 0;
}

/* Launch target i and wait until it is ready; prints the failure and its last output line. */
static int start_target(exec_state *st, size_t i)
{
    const pl_target *t = &st->p->targets[i];
    pl_proc *pr = &st->procs[i];
    char err[RG_ERRLEN];
    if (pr->pid > 0)
        return 0;
    rg_info("starting %s: %s", t->name, t->start);
    char mark[96], **env = calloc(t->nenv + 1, sizeof *env);
    if (env == NULL) {
        st->res->status = rg_fail(RG_EXIT_FAIL, "run", "out of memory");
        return -1;
    }
    if (t->nenv > 0)
        memcpy(env, t->env, t->nenv * sizeof *env);
    size_t nenv = t->nenv;
    if (pl_guard_mark(i, mark, sizeof mark) == 0)
        env[nenv++] = mark;   /* plan_guard.c: how its processes are found again */
    int started = pl_proc_start(pr, t->start, env, nenv, st->self_dir[0] ? st->self_dir : NULL,
                                err);
    free(env);
    if (started != 0 ||
        pl_proc_wait_ready(pr, t->ready, &(pl_probe_tls){t->insecure, t->cacert},
                           st->p->ready_timeout_s, &stop_signal, err) != 0) {
        /* One line (the help's promise): exit 2 when nothing was loaded yet, as for a target
         * that does not answer; 1 mid-plan, where --resume continues. */
        char last[300];
        pl_proc_last_line(pr, last, sizeof last);
        if (stop_signal)
            st->res->interrupted = true;
        else
            st->res->status = rg_fail(st->res->made == 0 ? RG_EXIT_USAGE : RG_EXIT_FAIL, "run",
                                      "target %s: %s; %s%s%s", t->name, err,
                                      last[0] ? "its output ends: \"" : "it printed nothing",
                                      last, last[0] ? "\"" : "");
        pl_proc_stop(pr, st->p->stop_grace_s);
        pl_guard_after_stop(t, i, st->p->stop_grace_s);
        return -1;
    }
    return 0;
}

static void stop_target(exec_state *st, size_t i)
{
    if (st->procs[i].pid > 0) {
        rg_debug("stopping %s (process group %d)", st->p->targets[i].name,
                 (int)st->procs[i].pid);
        pl_proc_stop(&st->procs[i], st->p->stop_grace_s);
        pl_guard_after_stop(&st->p->targets[i], i, st->p->stop_grace_s);
    }
}

static void progress_cb(void *ctx, double elapsed, double total, uint64_t requests,
                        uint64_t errors)
{
    exec_state *st = ctx;
    char lbl[200], eta[32], rps[32];
    if (elapsed > st->last_elapsed + 0.05 && requests >= st->last_requests) {
        double now = (double)(requests - st->last_requests) / (elapsed - st->last_elapsed);
        st->rps = st->rps > 0 ? 0.5 * st->rps + 0.5 * now : now;
    }
    st->last_elapsed = elapsed;
    st->last_requests = requests;
    const pl_plan *p = st->p;
    double per_step = p->warmup_s + p->duration_s + p->cooldown_s;
    double spent = (double)(rg_now_ns() - st->t0_ns) / 1e9;
    if (st->k > 1)  /* measured pace beats the nominal one (server starts, slow stops) */
        per_step = (spent - elapsed) / (double)(st->k - 1);
    double left = per_step * (double)(st->todo - st->k) + fmax(0, total - elapsed);
    rg_progress("run %zu/%zu  %s #%d  %4.0f%%  %s req/s  %llu errors  ETA %s", st->k, st->todo,
                step_label(st, st->cur, lbl, sizeof lbl), st->cur->run,
                total > 0 ? 100.0 * fmin(1, elapsed / total) : 0,
                rg_fmt_si(rps, sizeof rps, st->rps, 3), (unsigned long long)errors,
                rg_fmt_seconds(eta, sizeof eta, left));
}

/* Sleep for the cooldown, waking early on a signal. */
static void cooldown(double s)
{
    uint64_t end = rg_now_ns() + (uint64_t)(s * 1e9);
    while (!stop_signal && rg_now_ns() < end) {
        uint64_t left = end - rg_now_ns();
        struct timespec ts = {0, (long)(left > 100000000 ? 100000000 : left)};
        nanosleep(&ts, NULL);
    }
}

/* The one-line account of a finished run, on stderr (shown unless -q). */
static void log_run(const exec_state *st, const pl_step *s, const json_t *run)
{
    char lbl[200], rps[32], p99[32];
    char hosts[96] = "";
    double skew = rg_json_path_num(run, "clock.start_skew_s", NAN);
    if (json_object_get(run, "hosts"))   /* a distributed step: the merge of the hosts */
        snprintf(hosts, sizeof hosts, " (%zu hosts, start skew %s)",
                 json_array_size(json_object_get(run, "hosts")),
                 isnan(skew) ? "unknown" : rg_fmt_seconds((char[32]){0}, 32, skew));
    rg_info("run %zu/%zu  %s #%d: %s req/s, p99 %s, %llu errors%s%s", st->k, st->todo,
            step_label(st, s, lbl, sizeof lbl), s->run,
            rg_fmt_si(rps, sizeof rps, rg_json_num(run, "throughput_rps", 0), 3),
            rg_fmt_us(p99, sizeof p99, rg_json_path_num(run, "latency.p99", NAN), 3),
            (unsigned long long)rg_errors_total(json_object_get(run, "errors")), hosts,
            json_is_true(json_object_get(run, "complete")) ? ""
            : hosts[0] ? " (incomplete)" : " (cut short)");
}

static void fill_config(const exec_state *st, const pl_step *s, lg_config *cfg)
{
    const pl_plan *p = st->p;
    const pl_target *t = &p->targets[s->target];
    lg_config_init(cfg);
    cfg->url = t->url;
    cfg->target = t->name;
    cfg->method = t->method;
    cfg->headers = (const char *const *)t->headers;
    cfg->nheaders = t->nheaders;
    cfg->body = t->body;
    cfg->body_len = t->body_len;
    cfg->insecure = t->insecure;
    cfg->cacert = t->cacert;
    cfg->threads = t->threads;
    cfg->connections = p->open_loop ? p->connections : (uint64_t)p->cells[s->cell];
    cfg->rate = p->open_loop ? p->cells[s->cell] : 0;
    cfg->duration_s = p->duration_s;
    cfg->warmup_s = p->warmup_s;
    cfg->timeout_s = p->timeout_s;
    cfg->server_pid = st->procs[s->target].pid;
    cfg->targets = t->mix;
    cfg->targets_name = t->mix ? (t->targets_file ? t->targets_file : "requests") : NULL;
    cfg->think = p->think;
    cfg->ramp_s = p->ramp_s;
    cfg->ramp_measured = p->ramp_measured;
    cfg->capture_iface = p->capture;
    cfg->progress = progress_cb;
    cfg->progress_ctx = (void *)st;
}

/*
 * A distributed step whose merged run is incomplete because of its hosts (failed, killed,
 * lagging, late): the run is saved as it is (analysis skips it), and the plan stops naming
 * the hosts; --resume makes the step again. Returns -1 with the status set.
 */
static int hosts_failed(exec_state *st, const pl_step *s, const json_t *run)
{
    char lbl[200], *msg = NULL;
    size_t len = 0;
    const json_t *pr = json_object_get(json_object_get(run, "merge"), "problems");
    FILE *m = open_memstream(&msg, &len);
    for (size_t i = 0; m && i < json_array_size(pr); i++)
        fprintf(m, "\n  %s", json_string_value(json_array_get(pr, i)));
    if (m)
        fclose(m);
    st->res->status = rg_fail(RG_EXIT_FAIL, "run", "%s #%d: the run on %zu load hosts is "
                              "incomplete (kept with \"complete\": false):%s",
                              step_label(st, s, lbl, sizeof lbl), s->run, st->p->nhosts,
                              msg ? msg : "");
    free(msg);
    return -1;
}

/* Make step i: one run, appended and saved. -1 stops the plan (status set or interrupted). */
static int make_step(exec_state *st, size_t i)
{
    const pl_step *s = &st->steps[i];
    const pl_target *t = &st->p->targets[s->target];
    pl_proc *pr = &st->procs[s->target];
    char err[RG_ERRLEN], lbl[200];
    lg_config cfg;
    if (t->start && pr->pid > 0 && !pl_proc_alive(pr)) {
        char *tail = pl_proc_tail(pr, 2000), how[128];
        pl_proc_describe_exit(pr, how, sizeof how);
        st->res->status = rg_fail(RG_EXIT_FAIL, "run", "target %s: its server exited during "
                                  "the plan (it %s)\n  start: %s\n  output:\n%s", t->name, how,
                                  t->start, tail ? tail : "");
        free(tail);
        return -1;
    }
    fill_config(st, s, &cfg);
    st->cur = s;
    st->last_elapsed = 0;
    st->last_requests = 0;
    bool gen_stopped = false;
    double cell = st->p->cells[s->cell];
    json_t *run = st->p->nhosts > 0
                      ? pl_remote_step(st->p, t, cell, s->run, pr->pid, &stop_signal,
                                       &gen_stopped, err)
                  : t->gen.command
                      ? pl_gen_run(st->p, t, cell, s->run, pr->pid, &stop_signal, &gen_stopped,
                                   err)
                      : lg_run(&cfg, s->run, err);
    rg_progress_clear();
    if (run == NULL) {
        if (stop_signal || gen_stopped) {
            st->res->interrupted = true;
            return -1;
        }
        st->res->status = rg_fail(RG_EXIT_FAIL, "run", "%s #%d: %s",
                                  step_label(st, s, lbl, sizeof lbl), s->run, err);
        return -1;
    }
    log_run(st, s, run);
    bool complete = json_is_true(json_object_get(run, "complete"));
    rg_dataset_append_run(st->ds, run);
    st->res->made++;
    if (complete) {
        st->done[i] = true;
        st->res->done++;
    }
    if (st->o->out_path && rg_dataset_save_runs(st->o->out_path, st->ds, &st->df, err) != 0) {
        st->res->status = rg_fail(RG_EXIT_FAIL, "run", "cannot save the dataset: %s", err);
        return -1;
    }
    if (!complete && !stop_signal && !gen_stopped && st->p->nhosts > 0)
        return hosts_failed(st, s, run);
    if (!complete || stop_signal) {
        st->res->interrupted = true;
        return -1;
    }
    return 0;
}

/* The loop over the steps still to make. 0 when all are made. */
static int run_steps(exec_state *st)
{
    const pl_plan *p = st->p;
    if (p->order == PL_ORDER_INTERLEAVED)  /* all at once: fail early, not mid-plan */
        for (size_t i = 0; i < p->ntargets; i++)
            if (p->targets[i].start && st->left[i] > 0 && start_target(st, i) != 0)
                return -1;
    st->t0_ns = rg_now_ns();
    for (size_t i = 0; i < st->nsteps; i++) {
        size_t ti = st->steps[i].target;
        if (st->done[i])
            continue;
        if (stop_signal) {
            st->res->interrupted = true;
            return -1;
        }
        if (p->targets[ti].start && start_target(st, ti) != 0)
            return -1;
        st->k++;
        if (make_step(st, i) != 0)
            return -1;
        if (--st->left[ti] == 0)
            stop_target(st, ti);
        if (st->k < st->todo)
            cooldown(p->cooldown_s);
    }
    return 0;
}

/* Order, bookkeeping arrays and the step index. -1 (status set) on OOM. */
static int state_init(exec_state *st, const pl_plan *p, const pl_exec_opts *o,
                      pl_exec_result *res)
{
    memset(st, 0, sizeof *st);
    memset(res, 0, sizeof *res);
    st->p = p;
    st->o = o;
    st->res = res;
    st->steps = pl_order_build(p, &st->nsteps);
    st->done = calloc(st->nsteps + 1, sizeof *st->done);
    st->left = calloc(p->ntargets, sizeof *st->left);
    st->procs = calloc(p->ntargets, sizeof *st->procs);
    st->pos = calloc(st->nsteps + 1, sizeof *st->pos);
    res->total = st->nsteps;
    if (st->steps == NULL || st->done == NULL || st->left == NULL || st->procs == NULL ||
        st->pos == NULL) {
        res->status = rg_fail(RG_EXIT_FAIL, "run", "out of memory");
        return -1;
    }
    for (size_t i = 0; i < st->nsteps; i++) {
        const pl_step *s = &st->steps[i];
        st->pos[(s->target * p->ncells + s->cell) * (size_t)p->runs + (size_t)(s->run - 1)] = i;
    }
    if (pl_self_dir(st->self_dir, sizeof st->self_dir) != 0)
        st->self_dir[0] = '\0';
    return 0;
}

json_t *pl_exec(const pl_plan *p, const pl_exec_opts *o, pl_exec_result *res)
{
    char err[RG_ERRLEN];
    exec_state st;
    if (state_init(&st, p, o, res) != 0 || open_dataset(&st) != 0)
        goto out;
    account_existing(&st);
    for (size_t i = 0; i < st.nsteps; i++)
        res->done += st.done[i];
    st.todo = st.nsteps - res->done;
    if (st.todo > 0 && check_targets(&st) != 0)
        goto out;
    /* Written once before any load: an unwritable -o fails now, not after the first run. */
    if (o->out_path && (make_parent(o->out_path, err) != 0 ||
                        rg_dataset_save_runs(o->out_path, st.ds, &st.df, err) != 0)) {
        res->status = rg_fail(RG_EXIT_USAGE, "run", "-o: %s", err);
        goto out;
    }
    if (o->out_path == NULL)
        rg_warn("no -o FILE: the runs are kept in memory only and lost on a crash");
    pl_proc_adopt_orphans();
    if (pl_guard_start(p->stop_grace_s, err) != 0)
        rg_warn("%s: a killed rigor would leave its servers running", err);
    install_signals();
    lg_clear_stop();
    run_steps(&st);
    for (size_t i = 0; i < p->ntargets; i++)
        stop_target(&st, i);
    pl_guard_end();
    restore_signals();
    lg_clear_stop();
out:
    rg_progress_clear();
    free(st.steps);
    free(st.done);
    free(st.left);
    free(st.procs);
    free(st.pos);
    return st.ds;
}
