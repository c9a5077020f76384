/*
 * loadgen/run.c — lg_run: one measured run, from a config to a dataset v1 run object.
 *
 * Design: the calling thread is the controller. It resolves the target, serializes the
 * request, builds the TLS context for https (tls.c), raises RLIMIT_NOFILE, starts T workers (engine.c) that share nothing writable,
 * then wakes every 20 ms to collect finished seconds of the time series, sample the server
 * from /proc once a second, and call the progress callback about 4 times a second. After
 * pthread_join it sums the workers' counters and merges their histograms (run_json.c builds
 * the object). Nothing on the workers' hot path waits for the controller.
 *
 * Distributed runs (lg_config.start_at_ns): everything is prepared first (resolve, sockets
 * limit, buffers), then the controller sleeps until the start instant of the reference clock
 * (mapped once onto CLOCK_MONOTONIC, so a wall-clock step during the run cannot move the
 * window) with a 1 µs timer slack, and only then starts the threads. The window is anchored
 * on the asked instant, not on when the thread woke up, so every host's window has the same
 * bounds on the reference clock; how late each host really started is recorded.
 *
 * Expected load: one call per run; a run lasts seconds to minutes.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include "core/clock.h"
#include "core/err.h"
#include "capture/capture.h"
#include "core/io.h"
#include "core/log.h"
#include "loadgen/lg_int.h"
#include "loadgen/run_int.h"

atomic_int lg_stop_flag;

void lg_config_init(lg_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->method = "GET";
    cfg->threads = 1;
    cfg->connections = 10;
    cfg->duration_s = 10;
    cfg->timeout_s = 10;
    cfg->keepalive = true;
    cfg->tls_resume = true;
}

void lg_request_stop(void) { atomic_store(&lg_stop_flag, 1); }
bool lg_stop_requested(void) { return atomic_load(&lg_stop_flag) != 0; }
void lg_clear_stop(void) { atomic_store(&lg_stop_flag, 0); }

/* Make room for the run's sockets; the message says what limit stopped it. */
static int raise_nofile(uint64_t conns, int threads, char *err)
{
    struct rlimit rl;
    rlim_t need = (rlim_t)(conns + 2 * (uint64_t)threads + 64);
    if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
        return 0;
    if (rl.rlim_cur >= need)
        return 0;
    if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < need)
        return rg_err(err, "%llu connections need %llu file descriptors but the limit "
                      "is %llu (raise the hard limit: ulimit -Hn, /etc/security/limits.conf)",
                      (unsigned long long)conns, (unsigned long long)need,
                      (unsigned long long)rl.rlim_max);
    rl.rlim_cur = need;
    if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
        return rg_err(err, "cannot raise the open-file limit to %llu: %s",
                      (unsigned long long)need, strerror(errno));
    return 0;
}

static int check_config(const lg_config *cfg, char *err)
{
    if (cfg->url == NULL || cfg->threads < 1 || cfg->connections < 1 || cfg->timeout_s <= 0 ||
        cfg->rate < 0 || cfg->warmup_s < 0 || (cfg->requests == 0 && !(cfg->duration_s > 0)) ||
        (cfg->body_len > 0 && cfg->body == NULL) || cfg->sigfigs < 0 || cfg->sigfigs > 5 ||
        !(cfg->ramp_s >= 0) || (cfg->rate_ramp && !(cfg->rate_from >= 0)) ||
        (cfg->targets != NULL && cfg->targets->n == 0)) {
        return rg_err(err, "invalid load configuration (url, threads, connections, "
                      "duration or requests, timeout)");
    }
    return 0;
}

/*
 * The I/O engine, chosen once at the start and recorded in the run ("engine"): by default
 * io_uring (uring.c, fewer system calls per request) for http:// where this kernel gives it,
 * epoll otherwise (an older kernel, /proc/sys/kernel/io_uring_disabled) and for https://
 * (TLS runs on the epoll engine). --engine epoll or io_uring forces one; io_uring where it
 * cannot run fails. io_uring became the default once its latency tail in an open-loop run
 * against a 200 ms server (tests/e2e/distributed.sh under `make check`) was traced to the
 * loaded machine answering late, which epoll's runs showed as often (docs/benchmarks.md,
 * "Load generator I/O engines").
 */
static int pick_engine(const lg_config *cfg, const lg_url *u, lg_shared *sh, char *err)
{
    sh->uring = false;
    if (cfg->engine == LG_ENGINE_EPOLL)
        return 0;
    bool ok = !u->tls && lg_uring_available();
    if (cfg->engine == LG_ENGINE_URING && !ok)
        return rg_err(err, u->tls ? "--engine io_uring: https:// runs on the epoll engine"
                                  : "--engine io_uring: io_uring is not available here (Linux "
                                    "6.1+, not disabled by /proc/sys/kernel/io_uring_disabled)");
    sh->uring = ok;
    return 0;
}

/* The mix: the requests, the weights' running sums (weighted), the endpoints recorded. */
static int prepare_mix(lg_runctx *r, const lg_config *cfg, char *err)
{
    lg_shared *sh = &r->sh;
    sh->reqs = r->reqs;
    sh->nreqs = r->nreqs;
    if (cfg->targets == NULL)
        return 0;
    sh->nep = cfg->targets->nendpoints;
    if (!cfg->targets->weighted)
        return 0;
    r->cum = malloc(r->nreqs * sizeof *r->cum);
    if (r->cum == NULL)
        return rg_err(err, "out of memory");
    double sum = 0;
    for (size_t i = 0; i < r->nreqs; i++)
        r->cum[i] = sum += cfg->targets->v[i].weight;
    sh->cum = r->cum;
    return 0;
}

/* Each thread's state (engine.c), its share of the connections and of the -n budget.
 * 0, or -1 with err; r->ninit says how many were made. */
static int init_workers(lg_runctx *r, const lg_config *cfg, char *err)
{
    for (int i = 0; i < r->nthreads; i++) {
        uint64_t n = lg_split(cfg->connections, (uint64_t)r->nthreads, (uint64_t)i);
        uint64_t base = lg_split_base(cfg->connections, (uint64_t)r->nthreads, (uint64_t)i);
        uint64_t budget = lg_split(cfg->requests, (uint64_t)r->nthreads, (uint64_t)i);
        r->workers[i].epfd = -1;
        if (lg_worker_init(&r->workers[i], i, &r->sh, (size_t)n, base, budget, err) < 0)
            return -1;
        r->ninit = i + 1;
    }
    return 0;
}

static int prepare(lg_runctx *r, const lg_config *cfg, char *err)
{
    if (check_config(cfg, err) < 0 || lg_url_parse(cfg->url, &r->url, err) < 0)
        return -1;
    lg_shared *sh = &r->sh;
    if (lg_url_resolve(&r->url, &sh->addr, &sh->addrlen, err) < 0)
        return -1;
    if (lg_requests_build(cfg, &r->url, &r->reqs, &r->nreqs, &r->req_bufs, err) < 0 ||
        prepare_mix(r, cfg, err) < 0)
        return -1;
    sh->keepalive = cfg->keepalive;
    sh->rate = cfg->rate;
    sh->rate_ramp = cfg->rate > 0 && cfg->rate_ramp;
    sh->rate0 = cfg->rate_from;
    sh->ramp_span_ns = (uint64_t)((cfg->warmup_s + cfg->duration_s) * 1e9);
    sh->think = cfg->rate > 0 ? (lg_think){0} : cfg->think;
    sh->ramp_ns = (uint64_t)(cfg->ramp_s * 1e9);
    sh->conns_total = cfg->connections;
    sh->timeout_ns = (uint64_t)(cfg->timeout_s * 1e9);
    sh->count_mode = cfg->requests > 0;
    sh->sigfigs = cfg->sigfigs ? cfg->sigfigs : RG_HIST_DEFAULT_SIGFIGS;
    if (r->url.tls) {
        sh->tls = lg_tls_ctx(cfg, &r->url, cfg->connections, err);
        if (sh->tls == NULL)
            return -1;
        sh->tls_host = r->url.host;
        sh->tls_resume = cfg->tls_resume;
    }
    if (pick_engine(cfg, &r->url, sh, err) < 0)
        return -1;
    r->nthreads = cfg->threads < 1 ? 1 : cfg->threads;
    if ((uint64_t)r->nthreads > cfg->connections)
        r->nthreads = (int)cfg->connections;
    if (raise_nofile(cfg->connections, r->nthreads, err) < 0)
        return -1;
    r->workers = calloc((size_t)r->nthreads, sizeof *r->workers);
    if (r->workers == NULL)
        return rg_err(err, "out of memory");
    if (init_workers(r, cfg, err) == 0)
        return 0;
    if (!sh->uring || cfg->engine == LG_ENGINE_URING)
        return -1;
    /* io_uring by default, but a ring could not be made for this many connections (a
     * memory or locked-memory limit): every thread runs on epoll, so the run has one engine */
    for (int i = 0; i <= r->ninit && i < r->nthreads; i++)
        lg_worker_free(&r->workers[i]);   /* the one that failed too: it was half made */
    r->ninit = 0;
    sh->uring = false;
    return init_workers(r, cfg, err);
}

static void cleanup(lg_runctx *r)
{
    for (int i = 0; i < r->ninit; i++)
        lg_worker_free(&r->workers[i]);
    free(r->workers);
    lg_tls_ctx_free(r->sh.tls);
    for (size_t i = 0; i < r->nreqs; i++)
        free(r->req_bufs[i]);
    free(r->req_bufs);
    free(r->reqs);
    free(r->cum);
    lg_url_free(&r->url);
    rg_hist_free(r->sec_scratch);
    lg_procstat_free(r->ps);
    json_decref(r->ts_requests);
    json_decref(r->ts_errors);
    json_decref(r->ts_p50);
    json_decref(r->ts_p99);
    json_decref(r->ts_cpu);
    json_decref(r->ts_rss);
    json_decref(r->ts_conns);
    json_decref(r->ts_hist);
    json_decref(r->wire);
}

static bool all_finished(const lg_runctx *r)
{
    for (int i = 0; i < r->nthreads; i++)
        if (!atomic_load_explicit(&r->workers[i].finished, memory_order_acquire))
            return false;
    return true;
}

/* Collect every second that all workers have finished (all of them when final). */
static void collect_seconds(lg_runctx *r, bool final)
{
    int64_t ready = final ? -1 : INT64_MAX;
    for (int i = 0; i < r->nthreads; i++) {
        const lg_worker *w = &r->workers[i];
        if (final && w->cur_sec > ready)
            ready = w->cur_sec;   /* joined: read directly, every partial second too */
        int64_t d = atomic_load_explicit(&r->workers[i].sec_done, memory_order_acquire);
        if (!final && d < ready)
            ready = d;
    }
    for (; r->next_sec <= ready; r->next_sec++)
        lg_run_consume_second(r, r->next_sec);
}

/*
 * Server CPU and RSS once a second of the window; the call at the window's start only
 * restarts the clock (lg_procstat_new started it before the warm-up). The last call (final)
 * also samples the last partial second if it is at least 0.2 s long, and whatever there is
 * when no sample was taken yet: a run shorter than a second still gets a figure, over the
 * whole run (coarse: the kernel counts CPU time in clock ticks).
 */
static void sample_server(lg_runctx *r, uint64_t now, bool final)
{
    if (r->ps == NULL || (now < r->sh.tw && !final))
        return;
    if (!r->ps_started && !final) {
        double c;
        uint64_t rss;
        lg_procstat_sample(r->ps, &c, &rss);
        r->ps_started = true;
        r->next_sample = now + 1000000000u;
        return;
    }
    if (r->ps_started && now < r->next_sample &&
        !(final && (now >= r->next_sample - 800000000u || r->nsamples == 0)))
        return;
    double cpu;
    uint64_t rss;
    if (lg_procstat_sample(r->ps, &cpu, &rss) == 0)
        lg_run_add_sample(r, cpu, rss);
    else
        r->ps_gone = true;
    r->next_sample += 1000000000u;
}

static void progress(lg_runctx *r, const lg_config *cfg, uint64_t now)
{
    if (cfg->progress == NULL || now < r->next_progress)
        return;
    uint64_t req = 0, errs = 0;
    for (int i = 0; i < r->nthreads; i++) {
        req += atomic_load_explicit(&r->workers[i].prog_requests, memory_order_relaxed);
        errs += atomic_load_explicit(&r->workers[i].prog_errors, memory_order_relaxed);
    }
    double ramp = cfg->ramp_measured || cfg->rate > 0 ? 0 : cfg->ramp_s;
    double total = r->sh.count_mode ? 0 : cfg->warmup_s + ramp + cfg->duration_s;
    cfg->progress(cfg->progress_ctx, (double)(now - r->sh.t0) / 1e9, total, req, errs);
    r->next_progress = now + 250000000u;
}

/*
 * With watch_stdin: true once stdin reached its end (or failed), i.e. the coordinator that
 * started this process over ssh, kubectl exec or a pipe went away. Never blocks.
 */
static bool stdin_closed(const lg_config *cfg)
{
    struct pollfd pfd = {.fd = 0, .events = POLLIN};
    char buf[256];
    if (!cfg->watch_stdin || poll(&pfd, 1, 0) <= 0)
        return false;
    if (pfd.revents & (POLLERR | POLLNVAL))
        return true;
    ssize_t n = read(0, buf, sizeof buf);   /* readable: does not block */
    return n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN);
}

static void control(lg_runctx *r, const lg_config *cfg)
{
    struct timespec tick = {0, 20000000};
    r->next_progress = r->sh.t0 + 250000000u;
    while (!all_finished(r)) {
        nanosleep(&tick, NULL);
        if (stdin_closed(cfg))
            lg_request_stop();
        uint64_t now = rg_now_ns();
        collect_seconds(r, false);
        sample_server(r, now, false);
        progress(r, cfg, now);
    }
    r->end_ns = rg_now_ns();
    sample_server(r, r->end_ns, true);
}

/* The wire figures cover the same window as ours: [tw, te) moved to the packets' clock. */
static void set_wire_window(lg_runctx *r)
{
    struct timespec rt;
    clock_gettime(CLOCK_REALTIME, &rt);
    uint64_t mono = rg_now_ns(), real = (uint64_t)rt.tv_sec * 1000000000u + (uint64_t)rt.tv_nsec;
    uint64_t start = r->sh.tw - mono + real;
    cap_sidecar_window(r->cap, start, r->sh.te == UINT64_MAX ? UINT64_MAX : r->sh.te - mono + real);
}

static int start_threads(lg_runctx *r, char *err)
{
    for (int i = 0; i < r->nthreads; i++) {
        int rc = pthread_create(&r->workers[i].tid, NULL, lg_worker_main, &r->workers[i]);
        if (rc != 0) {
            rg_err_set(err, "cannot start thread: %s", strerror(rc));
            atomic_store(&lg_stop_flag, 1);
            for (int j = 0; j < i; j++)
                pthread_join(r->workers[j].tid, NULL);
            return -1;
        }
    }
    return 0;
}

static int start_monitors(lg_runctx *r, const lg_config *cfg, char *err)
{
    if (cfg->nserver_pids > 0 || cfg->server_pid > 0) {
        r->ps = cfg->nserver_pids > 0 ? lg_procstat_new_set(cfg->server_pids, cfg->nserver_pids, err)
                                      : lg_procstat_new(cfg->server_pid, err);
        if (r->ps == NULL)
            return -1;
    }
    if (cfg->capture_iface != NULL) {
        char filter[64];
        snprintf(filter, sizeof filter, "tcp port %u", (unsigned)r->url.port);
        /* started before the first connect so handshakes are seen */
        r->cap = cap_sidecar_start(cfg->capture_iface, filter, err);
        if (r->cap == NULL)
            return -1;
    }
    return 0;
}

/* Wall clock minus monotonic clock in ns: the closest of three paired readings. */
static int64_t wall_minus_mono(void)
{
    uint64_t best = UINT64_MAX;
    int64_t d = 0;
    for (int i = 0; i < 3; i++) {
        struct timespec w;
        uint64_t a = rg_now_ns();
        clock_gettime(CLOCK_REALTIME, &w);
        uint64_t b = rg_now_ns();
        if (b - a < best) {
            best = b - a;
            d = (int64_t)w.tv_sec * 1000000000 + w.tv_nsec - (int64_t)(a + (b - a) / 2);
        }
    }
    return d;
}

/*
 * Sleep until the asked start (monotonic r->start_target): in slices of at most 50 ms so a
 * stop request or the end of stdin is seen, the last slice an absolute sleep with a 1 µs
 * timer slack (the default 50 µs would be most of the start skew on a quiet network).
 * 0 when it is time, -1 with err when stopped first.
 */
static int wait_start(lg_runctx *r, const lg_config *cfg, char *err)
{
    r->mono2ref = wall_minus_mono() + cfg->clock_offset_ns;
    uint64_t now = rg_now_ns();
    r->start_target = now;
    if (cfg->start_at_ns > 0) {   /* an instant long past maps before boot: clamp */
        int64_t t = (int64_t)cfg->start_at_ns - r->mono2ref;
        r->start_target = t > 0 ? (uint64_t)t : 0;
    }
    unsigned long slack = (unsigned long)prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);
    prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
    while ((now = rg_now_ns()) < r->start_target) {
        if (lg_stop_requested() || stdin_closed(cfg)) {
            prctl(PR_SET_TIMERSLACK, slack, 0, 0, 0);
            return rg_err(err, "stopped before the start");
        }
        uint64_t until = r->start_target - now > 50000000u ? now + 50000000u : r->start_target;
        struct timespec ts = {(time_t)(until / 1000000000u), (long)(until % 1000000000u)};
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
    }
    prctl(PR_SET_TIMERSLACK, slack, 0, 0, 0);
    r->woke = rg_now_ns();
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &r->cpu0);
    return 0;
}

/*
 * The window: it starts `warmup` after the start and lasts `duration`. With an absolute grid
 * (--start-at) the warm-up is stretched to end on a whole second of the reference clock, so
 * every second of the series is a whole one, and a host that started late keeps the window's
 * end (every host measures the same slot of the reference clock, a late one a shorter part
 * of it: recorded, and flagged by the merge).
 */
static void set_window(lg_runctx *r, const lg_config *cfg)
{
    lg_shared *sh = &r->sh;
    /* a ramp (--ramp) is warm-up unless --ramp-measured: the window starts once all the
     * connections are open */
    double ramp = cfg->rate > 0 || cfg->ramp_measured ? 0 : cfg->ramp_s;
    uint64_t warm = (uint64_t)((cfg->warmup_s + ramp) * 1e9);
    uint64_t dur = (uint64_t)(cfg->duration_s * 1e9);
    /* Closed loop: connections open and pass their probation (conn.c) before the window. */
    uint64_t lead = cfg->rate > 0 ? 0 : LG_PROBATION_LEAD_NS;
    uint64_t anchor = r->start_target + (warm > lead ? warm : lead);
    if (cfg->absolute_grid) {   /* the warm-up stretched to the next whole second */
        int64_t ref = (int64_t)anchor + r->mono2ref, rem = ref % 1000000000;
        if (rem != 0)
            anchor += (uint64_t)(1000000000 - rem);
    }
    sh->t0 = r->woke > r->start_target ? r->woke : r->start_target;
    sh->tw = anchor > sh->t0 ? anchor : sh->t0;
    sh->te = sh->count_mode ? UINT64_MAX : cfg->start_at_ns > 0 ? anchor + dur : sh->tw + dur;
    if (sh->te <= sh->tw && !sh->count_mode)
        sh->te = sh->tw;
    sh->grid0 = sh->tw;
    if (cfg->absolute_grid) {
        int64_t ref_tw = (int64_t)sh->tw + r->mono2ref;
        sh->grid0 = (uint64_t)(ref_tw - ref_tw % 1000000000 - r->mono2ref);
    }
    rg_rfc3339(r->started, sizeof r->started, (uint64_t)((int64_t)sh->tw + r->mono2ref));
}

json_t *lg_run(const lg_config *cfg, int run_index, char *err)
{
    lg_runctx r;
    json_t *run = NULL;
    memset(&r, 0, sizeof r);
    if (prepare(&r, cfg, err) < 0 || lg_run_series_init(&r, cfg->series_hist, err) < 0 ||
        start_monitors(&r, cfg, err) < 0)
        goto out;
    if (wait_start(&r, cfg, err) < 0)
        goto out;
    set_window(&r, cfg);
    if (r.cap != NULL)
        set_wire_window(&r);
    if (start_threads(&r, err) < 0)
        goto out;
    control(&r, cfg);
    for (int i = 0; i < r.nthreads; i++)
        pthread_join(r.workers[i].tid, NULL);
    collect_seconds(&r, true);
    if (r.cap != NULL) {
        r.wire = cap_sidecar_stop(r.cap);
        r.cap = NULL;
    }
    run = lg_run_build(&r, cfg, run_index, err);
out:
    if (r.cap != NULL)
        json_decref(cap_sidecar_stop(r.cap));
    cleanup(&r);
    return run;
}
