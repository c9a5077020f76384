/*
 * loadgen/run_json.c — from the workers' counters to one dataset v1 run object.
 *
 * Design: the run keys of docs/dataset-format.md are produced here and only here: identity keys by rg_run_new,
 * then the measured ones in the SPEC's order, then connection setup (connect, and for https
 * tls_handshakes, tls_handshake, tls), then loadgen's own additions (connections, threads,
 * warmup_s, timeout_s, keepalive, open_loop). Per-worker histograms are merged after
 * join (merge(a, b) equals recording a ∪ b, core/hist.h). The per-second time series is built
 * while the run goes on (lg_run_consume_second) so its memory is one ring per worker.
 */
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "core/clock.h"
#include "core/dataset.h"
#include "core/err.h"
#include "core/log.h"
#include "loadgen/run_int.h"

int lg_run_series_init(lg_runctx *r, bool with_hist, char *err)
{
    r->sec_scratch = rg_hist_new(RG_HIST_DEFAULT_HIGHEST, 2, err);
    if (with_hist && (r->ts_hist = json_array()) == NULL)
        return rg_err(err, "out of memory");
    r->ts_requests = json_array();
    r->ts_errors = json_array();
    r->ts_p50 = json_array();
    r->ts_p99 = json_array();
    r->ts_cpu = json_array();
    r->ts_rss = json_array();
    r->ts_conns = json_array();
    if (!r->ts_conns || !r->sec_scratch || !r->ts_requests || !r->ts_errors || !r->ts_p50 || !r->ts_p99 ||
        !r->ts_cpu || !r->ts_rss) {
        return rg_err(err, "out of memory");
    }
    return 0;
}

void lg_run_consume_second(lg_runctx *r, int64_t sec)
{
    uint64_t req = 0, errs = 0, conns = 0;
    rg_hist_reset(r->sec_scratch);
    for (int i = 0; i < r->nthreads; i++) {
        lg_worker *w = &r->workers[i];
        lg_sec_slot *slot = &w->ring[sec % LG_SEC_RING];
        rg_hist_merge(r->sec_scratch, slot->hist);
        req += slot->requests;
        errs += slot->errors;
        conns += slot->conns;
        rg_hist_reset(slot->hist);
        slot->requests = slot->errors = slot->conns = 0;
        atomic_store_explicit(&w->sec_consumed, sec, memory_order_release);
    }
    json_array_append_new(r->ts_requests, json_integer((json_int_t)req));
    json_array_append_new(r->ts_errors, json_integer((json_int_t)errs));
    json_array_append_new(r->ts_conns, json_integer((json_int_t)conns));
    if (r->ts_hist != NULL)   /* the second's own histogram: merged p50/p99 stay exact */
        json_array_append_new(r->ts_hist, rg_hist_count(r->sec_scratch) > 0
                                              ? rg_hist_to_json(r->sec_scratch) : json_null());
    if (rg_hist_count(r->sec_scratch) > 0) {
        json_array_append_new(r->ts_p50, json_integer(rg_hist_percentile(r->sec_scratch, 50)));
        json_array_append_new(r->ts_p99, json_integer(rg_hist_percentile(r->sec_scratch, 99)));
    } else {
        json_array_append_new(r->ts_p50, json_null());
        json_array_append_new(r->ts_p99, json_null());
    }
}

void lg_run_add_sample(lg_runctx *r, double cpu_pct, uint64_t rss_kb)
{
    json_array_append_new(r->ts_cpu, json_real(cpu_pct));
    json_array_append_new(r->ts_rss, json_integer((json_int_t)rss_kb));
    r->cpu_sum += cpu_pct;
    if (cpu_pct > r->cpu_max)
        r->cpu_max = cpu_pct;
    if (rss_kb > r->rss_max)
        r->rss_max = rss_kb;
    r->nsamples++;
}

/* Sum the workers' counters and merge their histograms into r->workers[0]. */
static void merge_workers(lg_runctx *r, lg_counts *tot, uint64_t *sent, uint64_t *last_done)
{
    lg_worker *w0 = &r->workers[0];
    *tot = w0->c;
    *sent = w0->sent_window;
    *last_done = w0->last_done_ns;
    for (int i = 1; i < r->nthreads; i++) {
        const lg_worker *w = &r->workers[i];
        tot->requests += w->c.requests;
        tot->outside += w->c.outside;
        tot->inflight_end += w->c.inflight_end;
        tot->opened += w->c.opened;
        tot->server_closes += w->c.server_closes;
        tot->bytes_in += w->c.bytes_in;
        tot->bytes_out += w->c.bytes_out;
        for (int k = 0; k < LG_NERR; k++)
            tot->err[k] += w->c.err[k];
        for (int k = 0; k < LG_NSTATUS; k++)
            tot->status[k] += w->c.status[k];
        rg_hist_merge(w0->lat, w->lat);
        rg_hist_merge(w0->lat_unc, w->lat_unc);
        rg_hist_merge(w0->conn_tcp, w->conn_tcp);
        rg_hist_merge(w0->conn_tls, w->conn_tls);
        w0->tls.handshakes += w->tls.handshakes;
        w0->tls.resumed += w->tls.resumed;
        w0->tls.v12 += w->tls.v12;
        w0->tls.v13 += w->tls.v13;
        *sent += w->sent_window;
        if (w->last_done_ns > *last_done)
            *last_done = w->last_done_ns;
    }
}

static json_t *status_json(const lg_counts *c)
{
    json_t *o = json_object();
    for (int k = 0; k < LG_NSTATUS; k++) {
        if (c->status[k] == 0)
            continue;
        char key[16];
        snprintf(key, sizeof key, "%d", k);
        json_object_set_new(o, key, json_integer((json_int_t)c->status[k]));
    }
    return o;
}

/* Equalize a server series to the latency series' length (null-padded or cut). */
static void fit_series(json_t *a, size_t n)
{
    while (json_array_size(a) > n)
        json_array_remove(a, json_array_size(a) - 1);
    while (json_array_size(a) < n)
        json_array_append_new(a, json_null());
}

static json_t *series_json(lg_runctx *r)
{
    json_t *ts = json_object();
    size_t n = json_array_size(r->ts_requests);
    json_object_set(ts, "requests", r->ts_requests);
    json_object_set(ts, "errors", r->ts_errors);
    json_object_set(ts, "p50", r->ts_p50);
    json_object_set(ts, "p99", r->ts_p99);
    json_object_set(ts, "connections", r->ts_conns);
    if (r->ps != NULL) {
        fit_series(r->ts_cpu, n);
        fit_series(r->ts_rss, n);
        json_object_set(ts, "cpu_pct", r->ts_cpu);
        json_object_set(ts, "rss_kb", r->ts_rss);
    }
    return ts;
}

static json_t *server_json(const lg_runctx *r, const lg_config *cfg)
{
    json_t *s = json_object();
    bool several = cfg->nserver_pids > 1;
    json_object_set_new(s, "pid", json_integer(cfg->nserver_pids ? cfg->server_pids[0]
                                                                  : cfg->server_pid));
    if (several) {   /* --pid 1,2,3: every one, the first also as "pid" */
        json_t *a = json_array();
        for (size_t i = 0; i < cfg->nserver_pids; i++)
            json_array_append_new(a, json_integer(cfg->server_pids[i]));
        json_object_set_new(s, "pids", a);
    }
    if (r->nsamples > 0) {
        json_object_set_new(s, "cpu_pct_mean", json_real(r->cpu_sum / (double)r->nsamples));
        json_object_set_new(s, "cpu_pct_max", json_real(r->cpu_max));
        json_object_set_new(s, "rss_kb_max", json_integer((json_int_t)r->rss_max));
    } else {
        json_object_set_new(s, "cpu_pct_mean", json_null());
        json_object_set_new(s, "cpu_pct_max", json_null());
        json_object_set_new(s, "rss_kb_max", json_null());
    }
    json_object_set_new(s, "samples", json_integer((json_int_t)r->nsamples));
    if (r->ps_gone)
        json_object_set_new(s, "exited", json_true());
    return s;
}

/* The window's end (monotonic ns): te, or where an interrupt or the last response ended it. */
static uint64_t window_end(const lg_runctx *r, uint64_t last_done, bool complete)
{
    const lg_shared *sh = &r->sh;
    uint64_t end;
    if (sh->count_mode)
        end = complete ? last_done : r->end_ns;
    else
        end = r->end_ns < sh->te ? r->end_ns : sh->te;
    return end > sh->tw ? end : sh->tw;
}

static double window_s(const lg_runctx *r, uint64_t last_done, bool complete)
{
    return (double)(window_end(r, last_done, complete) - r->sh.tw) / 1e9;
}

static json_int_t ref_ns(const lg_runctx *r, uint64_t mono)
{
    return (json_int_t)((int64_t)mono + r->mono2ref);
}

/*
 * The run's place on the reference clock (docs/distributed.md): when the load started,
 * the window's bounds, where second 0 of the series begins, the offset applied, and with
 * --start-at the instant asked for and how late this host woke. The sweep adds how the
 * offset was estimated (reference, uncertainty, probe, ntp). Integers in ns since the epoch:
 * exact, and 2^63 ns is the year 2262.
 */
static json_t *clock_json(const lg_runctx *r, const lg_config *cfg, uint64_t wend)
{
    json_t *c = json_object();
    json_object_set_new(c, "offset_s", json_real((double)cfg->clock_offset_ns / 1e9));
    if (cfg->start_at_ns > 0) {
        char at[48];
        json_object_set_new(c, "start_at", json_string(rg_rfc3339(at, sizeof at,
                                                                  cfg->start_at_ns)));
        json_object_set_new(c, "start_at_ns", json_integer((json_int_t)cfg->start_at_ns));
        json_object_set_new(c, "start_late_s", json_real(
            r->woke > r->start_target ? (double)(r->woke - r->start_target) / 1e9 : 0.0));
    }
    json_object_set_new(c, "load_start_ns", json_integer(ref_ns(r, r->woke)));
    json_object_set_new(c, "window_start_ns", json_integer(ref_ns(r, r->sh.tw)));
    json_object_set_new(c, "window_end_ns", json_integer(ref_ns(r, wend)));
    json_object_set_new(c, "series_start_ns", json_integer(ref_ns(r, r->sh.grid0)));
    json_object_set_new(c, "grid", json_string(cfg->absolute_grid ? "second" : "window"));
    return c;
}

/* The load generator's own CPU over the run, so a saturated generator shows (merge, hosts). */
static json_t *client_json(const lg_runctx *r)
{
    struct timespec now;
    char host[256] = "";
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    double cpu = (double)(now.tv_sec - r->cpu0.tv_sec) +
                 (double)(now.tv_nsec - r->cpu0.tv_nsec) / 1e9;
    double wall = r->end_ns > r->woke ? (double)(r->end_ns - r->woke) / 1e9 : 0.0;
    gethostname(host, sizeof host - 1);
    json_t *c = json_object();
    json_object_set_new(c, "hostname", json_string(host));
    json_object_set_new(c, "cpu_s", json_real(cpu));
    json_object_set_new(c, "cpu_pct", wall > 0 ? json_real(100.0 * cpu / wall) : json_null());
    json_object_set_new(c, "threads", json_integer(r->nthreads));
    return c;
}

/*
 * The open-loop record: asked and achieved rate, sends due and made, and whether the target
 * kept up — the achieved rate within 1% of the asked one and no more requests waiting than
 * one per connection (one may be pending at the end of any run). `rigor load` prints "did
 * not keep up" and `rigor analyze` warns (rate_shortfall) from kept_up.
 */
static json_t *open_loop_json(const lg_runctx *r, uint64_t sent, uint64_t requests, double dur,
                              uint64_t connections)
{
    const lg_shared *sh = &r->sh;
    uint64_t end = sh->tw + (uint64_t)(dur * 1e9);
    uint64_t due = sh->rate_ramp ? lg_ramp_count(sh->t0, sh->rate0, sh->rate, sh->ramp_span_ns,
                                                 sh->tw, end)
                                 : lg_sched_count(sh->t0, sh->rate, sh->tw, end);
    uint64_t backlog = due > sent ? due - sent : 0;
    double achieved = dur > 0 ? (double)requests / dur : 0;
    /* a ramp: the rate asked for is the schedule's mean over the window */
    double intended = sh->rate_ramp ? (dur > 0 ? (double)due / dur : 0) : sh->rate;
    json_t *o = json_object();
    json_object_set_new(o, "intended_rps", json_real(intended));
    if (sh->rate_ramp)
        json_object_set_new(o, "ramp", json_pack("{s:f, s:f, s:f}", "from_rps", sh->rate0,
                                                 "to_rps", sh->rate, "over_s",
                                                 (double)sh->ramp_span_ns / 1e9));
    json_object_set_new(o, "achieved_rps", json_real(achieved));
    json_object_set_new(o, "due", json_integer((json_int_t)due));
    json_object_set_new(o, "sent", json_integer((json_int_t)sent));
    json_object_set_new(o, "backlog", json_integer((json_int_t)backlog));
    json_object_set_new(o, "kept_up", json_boolean(backlog <= connections &&
                                                   achieved >= 0.99 * intended));
    return o;
}

/* The first worker's first handshake tells the cipher and ALPN; its first failure why. */
static const lg_worker *first_tls(const lg_runctx *r, bool failure)
{
    for (int i = 0; i < r->nthreads; i++) {
        const lg_worker *w = &r->workers[i];
        if (failure ? w->tls_err[0] != '\0' : w->tls_cipher[0] != '\0')
            return w;
    }
    return NULL;
}

/* https: tls_handshakes, tls_handshake, and what was negotiated. */
static void add_tls_keys(json_t *run, const lg_runctx *r, const lg_config *cfg)
{
    const lg_worker *w0 = &r->workers[0], *hs = first_tls(r, false);
    json_t *v = json_object(), *t = json_object();
    if (w0->tls.v12)
        json_object_set_new(v, "TLSv1.2", json_integer((json_int_t)w0->tls.v12));
    if (w0->tls.v13)
        json_object_set_new(v, "TLSv1.3", json_integer((json_int_t)w0->tls.v13));
    json_object_set_new(run, "tls_handshakes", json_integer((json_int_t)w0->tls.handshakes));
    json_object_set_new(run, "tls_handshake", rg_latency_json(w0->conn_tls));
    json_object_set_new(t, "versions", v);
    json_object_set_new(t, "resumed", json_integer((json_int_t)w0->tls.resumed));
    json_object_set_new(t, "cipher", hs ? json_string(hs->tls_cipher) : json_null());
    json_object_set_new(t, "alpn", hs && hs->tls_alpn[0] ? json_string(hs->tls_alpn)
                                                         : json_null());
    json_object_set_new(t, "verify", json_boolean(!cfg->insecure));
    json_object_set_new(t, "resume", json_boolean(cfg->tls_resume));
    json_object_set_new(run, "tls", t);
}

/*
 * How the run was made. "keepalive" is what happened, not what was asked: false when the
 * server closed the connection after most responses (each request then paid a connect).
 * warmup_s is the one asked for, or with --start-at the one that happened (stretched to
 * end on a whole second).
 */
static void add_config_keys(json_t *run, const lg_runctx *r, const lg_config *cfg,
                            const lg_counts *tot)
{
    bool kept = cfg->keepalive && tot->server_closes * 2 <= tot->requests;
    json_object_set_new(run, "connections", json_integer((json_int_t)cfg->connections));
    json_object_set_new(run, "threads", json_integer(r->nthreads));
    json_object_set_new(run, "engine", json_string(r->sh.uring ? "io_uring" : "epoll"));
    json_object_set_new(run, "method", json_string(cfg->method ? cfg->method : "GET"));
    json_object_set_new(run, "keepalive", json_boolean(kept));
    json_object_set_new(run, "connections_opened", json_integer((json_int_t)tot->opened));
    json_object_set_new(run, "warmup_s", json_real(cfg->start_at_ns > 0
                                                   ? (double)(r->sh.tw - r->sh.t0) / 1e9
                                                   : cfg->warmup_s));
    json_object_set_new(run, "timeout_s", json_real(cfg->timeout_s));
    if (cfg->requests > 0)
        json_object_set_new(run, "requests_asked", json_integer((json_int_t)cfg->requests));
}

json_t *lg_run_build(lg_runctx *r, const lg_config *cfg, int run_index, char *err)
{
    lg_counts tot;
    uint64_t sent, last_done;
    merge_workers(r, &tot, &sent, &last_done);
    bool complete = !lg_stop_requested();
    double dur = window_s(r, last_done, complete);
    uint64_t wend = window_end(r, last_done, complete);
    const char *target = cfg->target ? cfg->target : r->url.hostport;
    json_t *run = rg_run_new(target, cfg->url, cfg->rate > 0 ? 0 : (long long)cfg->connections,
                             cfg->rate, run_index, "load", complete, r->started);
    if (run == NULL) {
        rg_err_set(err, "out of memory");
        return NULL;
    }
    json_object_set_new(run, "duration_s", json_real(dur));
    json_object_set_new(run, "requests", json_integer((json_int_t)tot.requests));
    json_t *errors = rg_errors_json(tot.err[LG_ERR_CONNECT], tot.err[LG_ERR_READ],
                                    tot.err[LG_ERR_WRITE], tot.err[LG_ERR_TIMEOUT],
                                    tot.err[LG_ERR_PROTOCOL], tot.err[LG_ERR_STATUS]);
    if (r->url.tls)   /* a kind that only https runs can have */
        json_object_set_new(errors, "tls", json_integer((json_int_t)tot.err[LG_ERR_TLS]));
    json_object_set_new(run, "errors", errors);
    json_object_set_new(run, "status", status_json(&tot));
    json_object_set_new(run, "bytes_in", json_integer((json_int_t)tot.bytes_in));
    json_object_set_new(run, "bytes_out", json_integer((json_int_t)tot.bytes_out));
    json_object_set_new(run, "throughput_rps", json_real(dur > 0 ? (double)tot.requests / dur : 0));
    json_object_set_new(run, "latency", rg_latency_json(r->workers[0].lat));
    if (cfg->rate > 0)
        json_object_set_new(run, "latency_uncorrected", rg_latency_json(r->workers[0].lat_unc));
    json_object_set_new(run, "timeseries", series_json(r));
    if (r->ts_hist != NULL)
        json_object_set(run, "timeseries_histograms", r->ts_hist);
    if (cfg->server_pid > 0 || cfg->nserver_pids > 0)
        json_object_set_new(run, "server", server_json(r, cfg));
    if (r->wire != NULL)
        json_object_set(run, "wire", r->wire);
    json_object_set_new(run, "connect", rg_latency_json(r->workers[0].conn_tcp));
    if (r->url.tls)
        add_tls_keys(run, r, cfg);
    add_config_keys(run, r, cfg, &tot);
    if (cfg->rate > 0)
        json_object_set_new(run, "open_loop", open_loop_json(r, sent, tot.requests, dur,
                                                             cfg->connections));
    lg_run_add_scenario(run, r, cfg, dur);
    json_object_set_new(run, "edges", json_pack("{s:I, s:I}", "outside_window",
                                                (json_int_t)tot.outside, "in_flight_at_end",
                                                (json_int_t)tot.inflight_end));
    json_object_set_new(run, "clock", clock_json(r, cfg, wend));
    json_object_set_new(run, "client", client_json(r));
    for (int i = 0; i < r->nthreads; i++)
        if (r->workers[i].first_fd_error) {
            rg_warn("socket(): %s", strerror((int)r->workers[i].first_fd_error));
            break;
        }
    const lg_worker *tf = first_tls(r, true);
    if (tf != NULL && tot.err[LG_ERR_TLS] > 0)
        rg_warn("load: %llu TLS error%s with %s; the first: %s%s",
                (unsigned long long)tot.err[LG_ERR_TLS], tot.err[LG_ERR_TLS] == 1 ? "" : "s",
                r->url.hostport, tf->tls_err,
                strstr(tf->tls_err, "mismatch") != NULL
                    ? " (the URL's host must be a name the certificate gives; -k skips "
                      "verification)"
                : strncmp(tf->tls_err, "certificate", 11) == 0
                    ? " (--cacert FILE trusts the server's CA; -k skips verification)" : "");
    return run;
}
