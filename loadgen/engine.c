/*
 * loadgen/engine.c — one load-generating thread: its epoll loop, its counters, its histograms.
 *
 * Design: each worker owns everything it touches on the hot path (connections, read buffer,
 * latency histograms, counters, a timer heap), so threads share nothing but the read-only
 * lg_shared and a stop flag; the controller (run.c) sums and merges after pthread_join.
 * The only cross-thread traffic during a run is once per loop iteration (relaxed progress
 * counters) and once per second (the time-series slot hand-off below).
 *
 * Time: the loop sleeps in epoll_pwait2 with a nanosecond timeout until the earliest of the
 * next timer (open-loop send or reconnect), the next timeout sweep (every 100 ms, a coarse
 * scan instead of one timer per request), the next second boundary and the window's end.
 * Open-loop workers also set their timer slack to 1 µs so sends happen when they are due.
 *
 * Time series: second s of the series (counted from sh->grid0, the window's start or, for
 * distributed runs, the whole second of the reference clock it falls in) is recorded into
 * ring[s % LG_SEC_RING]. When the worker
 * passes into second s it publishes sec_done = s - 1 (release); the controller reads those
 * slots once every worker is past them, resets them and publishes sec_consumed. A worker only
 * reuses a slot the controller has consumed; if the controller fell 4 s behind, that second's
 * per-second figures are skipped (the run totals never are).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <unistd.h>
#include "core/clock.h"
#include "core/err.h"
#include "loadgen/lg_int.h"

#define LG_SWEEP_NS 100000000u
#define LG_EVENTS 256

/* Per-endpoint counters and histograms (a request mix). 0, or -1 with err. */
static int ep_init(lg_worker *w, char *err)
{
    w->ep = calloc(w->sh->nep, sizeof *w->ep);
    if (w->ep == NULL)
        return rg_err(err, "out of memory");
    for (size_t e = 0; e < w->sh->nep; e++)
        if ((w->ep[e].lat = rg_hist_clone_empty(w->lat)) == NULL)
            return rg_err(err, "out of memory for %zu endpoint histograms", w->sh->nep);
    return 0;
}

double lg_worker_rand(lg_worker *w)
{
    /* xorshift64* (Vigna 2016): per thread, no lock, ample for picking and thinking */
    uint64_t x = w->rng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    w->rng = x;
    return (double)((x * 0x2545F4914F6CDD1Du) >> 11) * 0x1.0p-53;
}

int lg_worker_init(lg_worker *w, int id, const lg_shared *sh, size_t nconns, uint64_t gbase,
                   uint64_t budget, char *err)
{
    memset(w, 0, sizeof *w);
    w->id = id;
    w->sh = sh;
    w->nconns = nconns;
    w->budget = budget;
    w->epfd = epoll_create1(EPOLL_CLOEXEC);
    w->conns = calloc(nconns ? nconns : 1, sizeof *w->conns);
    w->rbuf = malloc(LG_RBUF);
    w->lat = rg_hist_new(RG_HIST_DEFAULT_HIGHEST, sh->sigfigs, err);
    w->lat_unc = w->lat ? rg_hist_clone_empty(w->lat) : NULL;
    w->conn_tcp = w->lat ? rg_hist_clone_empty(w->lat) : NULL;
    w->conn_tls = w->lat ? rg_hist_clone_empty(w->lat) : NULL;
    int bad = w->epfd < 0 || !w->conns || !w->rbuf || !w->lat || !w->lat_unc ||
              !w->conn_tcp || !w->conn_tls ||
              rg_heap_init(&w->heap, nconns + 1) < 0;
    if (!bad && sh->uring && lg_uring_init(w, err) < 0)
        return -1;
    for (int i = 0; i < LG_SEC_RING && !bad; i++) {
        w->ring[i].hist = rg_hist_new(RG_HIST_DEFAULT_HIGHEST, 2, err);
        bad = w->ring[i].hist == NULL;
    }
    if (bad) {
        if (w->epfd < 0)
            rg_err_set(err, "epoll_create1: %s", strerror(errno));
        else if (w->lat != NULL)
            rg_err_set(err, "out of memory for %zu connections", nconns);
        return -1;
    }
    if (sh->nep > 0 && ep_init(w, err) < 0)
        return -1;
    for (size_t i = 0; i < nconns; i++) {
        lg_conn *c = &w->conns[i];
        c->w = w;
        c->fd = -1;
        c->hn.idx = RG_HEAP_NONE;
        c->gidx = gbase + i;
        c->cur = sh->reqs;
        c->ri = (size_t)((c->gidx + sh->nreqs - 1) % sh->nreqs);   /* first: gidx mod n */
    }
    w->rng = 0x9E3779B97F4A7C15u * (uint64_t)(id + 1) + 1;
    w->cur_sec = -1;
    atomic_init(&w->sec_done, -1);
    atomic_init(&w->sec_consumed, -1);
    return 0;
}

void lg_worker_free(lg_worker *w)
{
    if (w == NULL)
        return;
    if (w->epfd >= 0)
        close(w->epfd);
    lg_uring_free(w);
    free(w->conns);
    free(w->rbuf);
    rg_hist_free(w->lat);
    rg_hist_free(w->lat_unc);
    rg_hist_free(w->conn_tcp);
    rg_hist_free(w->conn_tls);
    for (size_t e = 0; w->ep != NULL && e < w->sh->nep; e++)
        rg_hist_free(w->ep[e].lat);
    free(w->ep);
    w->ep = NULL;
    lg_tls_worker_free(w);
    for (int i = 0; i < LG_SEC_RING; i++)
        rg_hist_free(w->ring[i].hist);
    rg_heap_free(&w->heap);
    w->epfd = -1;
    w->conns = NULL;
}

/* Move to the second of the window that `now` falls in, publishing the finished ones. */
static void roll_second(lg_worker *w, uint64_t now)
{
    const lg_shared *sh = w->sh;
    if (now < sh->tw || now >= sh->te)
        return;   /* the window's last second stays the last one */
    int64_t s = (int64_t)((now - sh->grid0) / 1000000000u);
    if (s <= w->cur_sec)
        return;
    if (w->cur_sec >= 0 && !w->sec_skip)   /* the connections at the end of that second */
        w->ring[w->cur_sec % LG_SEC_RING].conns = w->open;
    atomic_store_explicit(&w->sec_done, s - 1, memory_order_release);
    w->cur_sec = s;
    w->sec_skip = atomic_load_explicit(&w->sec_consumed, memory_order_acquire) <
                  s - LG_SEC_RING;
}

static inline bool in_window(const lg_shared *sh, uint64_t now)
{
    return now >= sh->tw && now < sh->te;
}

void lg_worker_done(lg_worker *w, lg_conn *c, uint64_t now, unsigned status)
{
    const lg_shared *sh = w->sh;
    if (sh->count_mode ? !c->measured : !in_window(sh, now)) {
        w->c.outside++;   /* warm-up, or after the end: the server served them too */
        return;
    }
    w->c.requests++;
    w->c.status[status < LG_NSTATUS ? status : 0]++;
    bool bad = status >= 400 && status < 600;
    if (bad)
        w->c.err[LG_ERR_STATUS]++;
    /* ns -> µs, rounded; the corrected latency starts at the intended send time */
    int64_t us = rg_ns_to_us(now - c->intended);
    rg_hist_record(w->lat, us);
    if (sh->rate > 0)
        rg_hist_record(w->lat_unc, rg_ns_to_us(now - c->sent));
    if (w->ep != NULL) {
        lg_ep_counts *e = &w->ep[c->cur->ep];
        e->requests++;
        e->status[status >= 100 && status < 600 ? status / 100 : 0]++;
        e->err[LG_ERR_STATUS] += bad;
        rg_hist_record(e->lat, us);
    }
    w->last_done_ns = now;
    roll_second(w, now);
    if (w->cur_sec >= 0 && !w->sec_skip) {
        lg_sec_slot *slot = &w->ring[w->cur_sec % LG_SEC_RING];
        slot->requests++;
        slot->errors += bad;
        rg_hist_record(slot->hist, us);
    }
}

/*
 * Connection setup is recorded for every connection of the run, warm-up included: with
 * keep-alive the connections are made at the start, which a warm-up would otherwise hide.
 */
void lg_worker_setup(lg_worker *w, bool tls, uint64_t ns)
{
    rg_hist_record(tls ? w->conn_tls : w->conn_tcp, rg_ns_to_us(ns));
}

void lg_worker_error(lg_worker *w, int kind, uint64_t now, bool req_measured, long ep)
{
    const lg_shared *sh = w->sh;
    if (sh->count_mode ? !req_measured : !in_window(sh, now))
        return;
    w->c.err[kind]++;
    if (w->ep != NULL && ep >= 0)
        w->ep[ep].err[kind]++;
    roll_second(w, now);
    if (w->cur_sec >= 0 && !w->sec_skip)
        w->ring[w->cur_sec % LG_SEC_RING].errors++;
}

/* The coarse timeout scan: a request, connect or TLS handshake older than the timeout is
 * failed. */
static void sweep(lg_worker *w, uint64_t now)
{
    uint64_t limit = w->sh->timeout_ns;
    for (size_t i = 0; i < w->nconns; i++) {
        lg_conn *c = &w->conns[i];
        if (c->fd < 0 || now < c->sent || now - c->sent < limit)
            continue;   /* (a connect started after `now` was read has sent > now) */
        if (c->state == LG_C_WRITING || c->state == LG_C_READING)
            lg_conn_fail(c, LG_ERR_TIMEOUT, now);
        else if (c->state == LG_C_CONNECTING)
            lg_conn_fail(c, LG_ERR_CONNECT, now);
        else if (c->state == LG_C_HANDSHAKE)
            lg_conn_fail(c, LG_ERR_TLS, now);
    }
}

static void fire_due(lg_worker *w, uint64_t now)
{
    rg_heap_node *n;
    while ((n = rg_heap_top(&w->heap)) != NULL && n->due <= now) {
        rg_heap_remove(&w->heap, n);
        lg_conn_due((lg_conn *)n, now);   /* hn is the first member of lg_conn */
    }
}

static void publish(lg_worker *w)
{
    uint64_t e = 0;
    for (int k = 0; k < LG_NERR; k++)
        e += w->c.err[k];
    atomic_store_explicit(&w->prog_requests, w->c.requests, memory_order_relaxed);
    atomic_store_explicit(&w->prog_errors, e, memory_order_relaxed);
}

static uint64_t next_wake(const lg_worker *w, uint64_t now, uint64_t next_sweep)
{
    const lg_shared *sh = w->sh;
    uint64_t wake = next_sweep;
    rg_heap_node *n = rg_heap_top(&w->heap);
    if (n != NULL && n->due < wake)
        wake = n->due;
    if (sh->te < wake)
        wake = sh->te;
    uint64_t sec = now < sh->tw ? sh->tw
                                : sh->grid0 + (uint64_t)(w->cur_sec + 1) * 1000000000u;
    if (sec > now && sec < wake)
        wake = sec;
    return wake;
}

static bool finished(const lg_worker *w, uint64_t now)
{
    const lg_shared *sh = w->sh;
    if (atomic_load_explicit(&lg_stop_flag, memory_order_relaxed) || now >= sh->te)
        return true;
    return sh->count_mode && now >= sh->tw && w->issued >= w->budget && w->inflight == 0;
}

static void wait_events(lg_worker *w, struct epoll_event *ev, uint64_t now, uint64_t wake)
{
    if (w->ur != NULL) {
        lg_uring_wait(w, now, wake);
        return;
    }
    uint64_t d = wake > now ? wake - now : 0;
    struct timespec ts = {(time_t)(d / 1000000000u), (long)(d % 1000000000u)};
    int n = epoll_pwait2(w->epfd, ev, LG_EVENTS, &ts, NULL);
    if (n < 0 && errno == ENOSYS)   /* kernels before 5.11: millisecond timeout, rounded up */
        n = epoll_wait(w->epfd, ev, LG_EVENTS, (int)((d + 999999) / 1000000));
    for (int i = 0; i < n; i++)
        lg_conn_event(ev[i].data.ptr, ev[i].events);
}

/*
 * Open a connection at the start of the run, or with --ramp at its place on the ramp:
 * connection g of C at t0 + ramp * g / C, CLOSED in the heap until then (lg_conn_due).
 */
static void start_conn(lg_worker *w, lg_conn *c, uint64_t now)
{
    const lg_shared *sh = w->sh;
    if (sh->ramp_ns > 0) {
        uint64_t due = sh->t0 + (uint64_t)((double)sh->ramp_ns * (double)c->gidx /
                                           (double)sh->conns_total);
        if (due > now) {
            c->hn.due = due;
            rg_heap_push(&w->heap, &c->hn);
            return;
        }
    }
    lg_conn_start(c, now);
}

void *lg_worker_main(void *arg)
{
    lg_worker *w = arg;
    struct epoll_event ev[LG_EVENTS];
    if (w->sh->rate > 0)
        prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
    if (w->ur != NULL && lg_uring_start(w) < 0)
        lg_uring_free(w);                  /* not expected on a ring just made: epoll then */
    uint64_t now = rg_now_ns();
    for (size_t i = 0; i < w->nconns; i++)
        start_conn(w, &w->conns[i], now);
    uint64_t next_sweep = now + LG_SWEEP_NS;
    for (;;) {
        now = rg_now_ns();
        fire_due(w, now);
        roll_second(w, now);
        if (finished(w, now))
            break;
        if (now >= next_sweep) {
            sweep(w, now);
            next_sweep = now + LG_SWEEP_NS;
        }
        publish(w);
        wait_events(w, ev, now, next_wake(w, now, next_sweep));
    }
    w->c.inflight_end = w->inflight;   /* before closing: what the server may still answer */
    if (w->cur_sec >= 0 && !w->sec_skip)   /* the last (partial) second's connections */
        w->ring[w->cur_sec % LG_SEC_RING].conns = w->open;
    for (size_t i = 0; i < w->nconns; i++)
        lg_conn_close(&w->conns[i]);
    publish(w);
    atomic_store_explicit(&w->sec_done, w->cur_sec, memory_order_release);
    atomic_store_explicit(&w->finished, 1, memory_order_release);
    return NULL;
}
