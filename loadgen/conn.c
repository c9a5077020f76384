/*
 * loadgen/conn.c — one load-generating connection: connect, send, read, parse, repeat.
 *
 * Design: the hot path is built to make as few system calls per request as possible, since
 * on loopback most of a load generator's CPU is kernel time (73-84% of wrk's, measured against
 * nginx; docs/benchmarks.md). Per request, a keep-alive connection makes exactly one write()
 * of the pre-serialized request, and usually one read() into the thread's 64 KiB buffer,
 * parsed in place by http-parser; epoll is level-triggered with EPOLLIN registered once per
 * connection, so there is no epoll_ctl per request (EPOLLOUT is only added for a connect in
 * progress or a partial write). One vDSO clock read
 * per response serves both as the completion time and as the next request's send time.
 *
 * States (the diagram is at enum lg_conn_state in lg_int.h): CLOSED -> CONNECTING ->
 * (HANDSHAKE, https) -> IDLE -> WRITING -> READING -> IDLE ...; any error counts its kind,
 * closes the socket and replaces the connection (after a 10 ms back-off for connect and TLS
 * handshake errors, so a refused port or a rejected certificate is not hammered in a tight
 * loop).
 *
 * https: the socket calls go through io_read()/io_write(), which are read()/send() for http
 * and tls.c's SSL_read/SSL_write for https (the plain path keeps its one system call per
 * direction). The TCP connect time and the TLS handshake time of every connection are
 * recorded (lg_worker_setup) apart from request latency.
 *
 * Bytes nobody asked for: a response that arrives before its request was written (a server
 * that answers on accept) would pair every later response with the wrong request, so any
 * byte read while no request is in flight (IDLE, DONE) is a protocol error and the
 * connection is replaced. Noticing it costs no system call: epoll reports the bytes and the
 * read that takes them finds the connection idle, or finds them after a complete response.
 * A closed-loop connection is idle only for an instant, though (the next request goes out as
 * a response completes), and a server that greets on accept then looks exactly like a correct
 * one answering one request late; hence the probation. Until a slot has sent its first
 * request, its connection waits, established and quiet, for LG_PROBATION_NS plus twice its
 * connect time (a greeting comes one round trip and an accept() after the handshake), and
 * never less than LG_PROBATION_LEAD_NS into the run, where lg_run opens a closed-loop window
 * at the earliest: the wait is never measured, nothing is sent before the window when there
 * is no warm-up, and it costs no system call.
 * Once a worker has seen such bytes (talks_first), a new connection waits probation_ns
 * (LG_PROBATION_TALKER_NS, doubled whenever a connection that waited that long turns out to
 * be paired wrong, up to LG_PROBATION_MAX_NS), and a response completed on a connection that
 * waited less is a protocol error too: its pairing is suspect. Open loop needs no probation:
 * its connections sit idle between their scheduled sends. For https the connection is
 * established when its TLS handshake is done (ready()), and "its connect time" is then the
 * handshake's; a TLS 1.3 server's session tickets after the handshake are not bytes: OpenSSL
 * takes them and hands over nothing.
 *
 * Expected load: ~10^5 requests/s per thread; up to ~10^4 connections per run.
 */
#include <errno.h>
#include <math.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>
#include "core/clock.h"
#include "loadgen/lg_int.h"

#define LG_CONNECT_BACKOFF_NS 10000000u
#define LG_PROBATION_TALKER_NS 50000000u
#define LG_PROBATION_MAX_NS 1000000000u

static void issue_next(lg_conn *c, uint64_t now);

/* read(): bytes, 0 at EOF, LG_IO_AGAIN or LG_IO_ERR (errno); TLS adds WANT_WRITE and TLS. */
static inline ssize_t io_read(lg_conn *c, char *buf, size_t n)
{
    if (c->ssl != NULL)
        return lg_tls_read(c, buf, n);
    ssize_t r = read(c->fd, buf, n);
    if (r < 0)
        return errno == EAGAIN || errno == EINTR ? LG_IO_AGAIN : LG_IO_ERR;
    return r;
}

/* send(): bytes, LG_IO_AGAIN, LG_IO_ERR or (TLS) LG_IO_TLS. */
static inline ssize_t io_write(lg_conn *c, const char *buf, size_t n)
{
    if (c->ssl != NULL)
        return lg_tls_write(c, buf, n);
    if (c->w->ur != NULL) {                /* io_uring: queued whole (uring.c) */
        lg_uring_send(c, buf, n);
        return (ssize_t)n;
    }
    /* MSG_NOSIGNAL: a peer that reset must be a write error, not a SIGPIPE for whoever
     * embeds lg_run (rigor run does not have to ignore SIGPIPE) */
    ssize_t r = send(c->fd, buf, n, MSG_NOSIGNAL);
    if (r < 0)
        return errno == EAGAIN || errno == EINTR ? LG_IO_AGAIN : LG_IO_ERR;
    return r;
}

/* RFC 9112 §6.3: responses to HEAD, 1xx, 204 and 304 have no body, whatever the headers
 * say; returning 1 tells http-parser so. */
static int on_headers_complete(http_parser *p)
{
    lg_conn *c = p->data;
    unsigned s = p->status_code;
    return c->cur->head || s == 204 || s == 304 || (s >= 100 && s < 200) ? 1 : 0;
}

static int on_message_complete(http_parser *p)
{
    lg_conn *c = p->data;
    /* Interim 1xx responses (RFC 9110 §15.2) precede the real one; 101 would switch protocols. */
    if (p->status_code >= 100 && p->status_code < 200 && p->status_code != 101)
        return 0;
    c->complete = true;
    http_parser_pause(p, 1);
    return 0;
}

static const http_parser_settings settings = {
    .on_headers_complete = on_headers_complete,
    .on_message_complete = on_message_complete,
};

static void set_out(lg_conn *c, bool on)
{
    if (c->epout == on)
        return;
    if (c->w->ur != NULL) {                /* io_uring: a one-shot poll when on */
        if (on)
            lg_uring_want_out(c);
        c->epout = on;
        return;
    }
    struct epoll_event ev = {.events = EPOLLIN | (on ? EPOLLOUT : 0), .data.ptr = c};
    epoll_ctl(c->w->epfd, EPOLL_CTL_MOD, c->fd, &ev);
    c->epout = on;
}

void lg_conn_close(lg_conn *c)
{
    lg_worker *w = c->w;
    if (c->ssl != NULL)
        lg_tls_close(c);
    if (c->fd >= 0) {
        if (w->ur != NULL)
            lg_uring_shutdown(c);
        close(c->fd);
        c->fd = -1;
        c->gen++;
    }
    rg_heap_remove(&w->heap, &c->hn);
    if (c->state == LG_C_WRITING || c->state == LG_C_READING)
        w->inflight--;
    if (c->up) {
        c->up = false;
        w->open--;
    }
    c->state = LG_C_CLOSED;
    c->epout = false;
    c->probation_ns = 0;
}

/*
 * May this connection carry another request? With -n, connections being opened count as
 * requests already promised, so the last requests never open a connection that is not used.
 */
static bool budget_left(const lg_worker *w, uint64_t now)
{
    if (now >= w->sh->te)
        return false;   /* the window is over: nothing more is sent, even in this batch */
    return !w->sh->count_mode || now < w->sh->tw || w->issued + w->promised < w->budget;
}

static void promise(lg_conn *c, bool on)
{
    if (c->promised != on) {
        c->promised = on;
        c->w->promised += on ? 1 : -1;
    }
}

/* Replace the connection now, or after delay_ns through the heap. */
static void reconnect(lg_conn *c, uint64_t now, uint64_t delay_ns)
{
    lg_conn_close(c);
    if (!budget_left(c->w, now)) {
        c->state = LG_C_DONE;
        return;
    }
    promise(c, true);
    if (delay_ns == 0) {
        lg_conn_start(c, now);
        return;
    }
    c->hn.due = now + delay_ns;
    rg_heap_push(&c->w->heap, &c->hn);
}

void lg_conn_fail(lg_conn *c, int kind, uint64_t now)
{
    lg_worker *w = c->w;
    bool measured, setup = kind == LG_ERR_CONNECT || c->state == LG_C_HANDSHAKE;
    bool busy = c->state == LG_C_WRITING || c->state == LG_C_READING;
    if (setup) {
        measured = now >= w->sh->tw;
        promise(c, false);
        /* With -n a failed connection stands for the request it would have carried, so a
         * refused port ends the run instead of retrying forever. */
        if (w->sh->count_mode && measured)
            w->issued++;
    } else {
        measured = c->measured;
    }
    lg_worker_error(w, kind, now, measured, busy && c->cur ? (long)c->cur->ep : -1);
    reconnect(c, now, setup ? LG_CONNECT_BACKOFF_NS : 0);
}

/* The connection can carry requests (TCP connected, and TLS done for https). */
static void ready(lg_conn *c, uint64_t now)
{
    lg_worker *w = c->w;
    promise(c, false);
    set_out(c, false);
    w->c.opened++;
    c->up = true;
    w->open++;
    c->proven_ns = w->sh->rate > 0 ? UINT64_MAX : 0;   /* open loop: no probation needed */
    if (w->sh->rate <= 0 && (!c->sent_any || w->talks_first)) {
        /* the probation (see the file comment): established and quiet before a request */
        uint64_t q = w->talks_first ? w->probation_ns : LG_PROBATION_NS + 2 * (now - c->sent);
        c->probation_ns = q < LG_PROBATION_MAX_NS ? q : LG_PROBATION_MAX_NS;
        c->state = LG_C_IDLE;
        /* never before t0 + LG_PROBATION_LEAD_NS, where lg_run opens the window at the
         * earliest: with no warm-up, every request sent is one measured */
        uint64_t due = now + c->probation_ns, lead = w->sh->t0 + LG_PROBATION_LEAD_NS;
        c->hn.due = due > lead ? due : lead;
        rg_heap_push(&w->heap, &c->hn);
        return;
    }
    issue_next(c, now);
}

/*
 * One handshake step on each event until OpenSSL is done or gives up. The clock is read
 * after the step: a step can take a millisecond of CPU (key exchange, certificate checks),
 * and the server's answer may arrive meanwhile, finishing the handshake within one call.
 */
static void handshake(lg_conn *c)
{
    int rc = lg_tls_handshake(c);
    uint64_t now = rg_now_ns();
    switch (rc) {
    case LG_IO_DONE:
        lg_worker_setup(c->w, true, now - c->sent);
        ready(c, now);
        return;
    case LG_IO_AGAIN:
        set_out(c, false);   /* EPOLLIN is always registered */
        return;
    case LG_IO_WANT_WRITE:
        set_out(c, true);
        return;
    default:
        lg_conn_fail(c, LG_ERR_TLS, now);
    }
}

static void start_tls(lg_conn *c, uint64_t now)
{
    c->state = LG_C_HANDSHAKE;
    c->sent = now;   /* for the handshake timeout and its time */
    if (lg_tls_open(c) < 0) {
        lg_conn_fail(c, LG_ERR_TLS, now);
        return;
    }
    handshake(c);
}

static void connected(lg_conn *c, uint64_t now)
{
    lg_worker_setup(c->w, false, now - c->sent);
    if (c->w->sh->tls != NULL)
        start_tls(c, now);
    else
        ready(c, now);
}

/* Bytes while no request is in flight: the server talks first (see the file comment). */
static void unasked(lg_conn *c, uint64_t now)
{
    lg_worker *w = c->w;
    if (!w->talks_first)
        w->probation_ns = LG_PROBATION_TALKER_NS;
    else if (c->proven_ns >= w->probation_ns && w->probation_ns < LG_PROBATION_MAX_NS)
        w->probation_ns *= 2;   /* it waited that long and still talked first */
    w->talks_first = true;
    lg_conn_fail(c, LG_ERR_PROTOCOL, now);
}

void lg_conn_start(lg_conn *c, uint64_t now)
{
    lg_worker *w = c->w;
    const lg_shared *sh = w->sh;
    int one = 1;
    c->fd = socket(sh->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c->fd < 0) {
        if (w->first_fd_error == 0)
            w->first_fd_error = (uint64_t)errno;
        lg_conn_fail(c, LG_ERR_CONNECT, now);
        return;
    }
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    c->sent = rg_now_ns();   /* for the connect timeout and the connect time */
    c->state = LG_C_CONNECTING;
    int rc = connect(c->fd, (const struct sockaddr *)&sh->addr, sh->addrlen);
    if (rc < 0 && errno != EINPROGRESS) {
        lg_conn_fail(c, LG_ERR_CONNECT, now);
        return;
    }
    struct epoll_event ev = {.events = EPOLLIN | (rc < 0 ? EPOLLOUT : 0), .data.ptr = c};
    c->epout = rc < 0;
    if (w->ur != NULL)
        lg_uring_watch(c, rc < 0);
    else if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, c->fd, &ev) < 0) {
        lg_conn_fail(c, LG_ERR_CONNECT, now);
        return;
    }
    if (rc == 0)
        connected(c, rg_now_ns());   /* on loopback connect() may finish at once */
}

static void write_more(lg_conn *c, uint64_t now)
{
    lg_worker *w = c->w;
    const lg_shared *sh = w->sh;
    const lg_req *rq = c->cur;
    ssize_t n = io_write(c, rq->buf + c->woff, rq->len - c->woff);
    if (n < 0) {
        if (n == LG_IO_AGAIN)
            set_out(c, true);
        else
            lg_conn_fail(c, n == LG_IO_TLS ? LG_ERR_TLS : LG_ERR_WRITE, now);
        return;
    }
    c->woff += (size_t)n;
    if (now >= sh->tw && now < sh->te)
        w->c.bytes_out += (uint64_t)n;
    if (c->woff == rq->len) {
        c->state = LG_C_READING;
        set_out(c, false);
    } else {
        set_out(c, true);
    }
}

/*
 * The next request of the connection: the only one, the next in the mix (round-robin per
 * connection, each starting at its own entry so the mix is spread from the first second),
 * or one drawn in proportion to the weights (binary search of the cumulative weights).
 */
static inline const lg_req *pick_request(lg_conn *c)
{
    const lg_shared *sh = c->w->sh;
    if (sh->nreqs == 1)
        return sh->reqs;
    if (sh->cum == NULL) {
        c->ri = c->ri + 1 == sh->nreqs ? 0 : c->ri + 1;
        return &sh->reqs[c->ri];
    }
    double x = lg_worker_rand(c->w) * sh->cum[sh->nreqs - 1];
    size_t lo = 0, hi = sh->nreqs - 1;
    while (lo < hi) {   /* the first i with cum[i] > x */
        size_t mid = lo + (hi - lo) / 2;
        if (sh->cum[mid] > x)
            hi = mid;
        else
            lo = mid + 1;
    }
    return &sh->reqs[lo];
}

/* A think time drawn from --think (closed loop), in ns. */
static uint64_t think_ns(lg_worker *w)
{
    const lg_think *t = &w->sh->think;
    double s = t->a;
    if (t->kind == LG_THINK_EXP)
        s = -t->a * log(1.0 - lg_worker_rand(w));
    else if (t->kind == LG_THINK_UNIFORM)
        s = t->a + (t->b - t->a) * lg_worker_rand(w);
    return (uint64_t)(s * 1e9);
}

static void send_request(lg_conn *c, uint64_t intended, uint64_t now)
{
    lg_worker *w = c->w;
    const lg_shared *sh = w->sh;
    c->cur = pick_request(c);
    c->measured = sh->count_mode && now >= sh->tw;
    if (c->measured)
        w->issued++;
    if (sh->rate > 0) {
        c->k++;
        if (intended >= sh->tw && intended < sh->te)
            w->sent_window++;
    }
    http_parser_init(&c->parser, HTTP_RESPONSE);
    c->parser.data = c;
    c->complete = false;
    c->intended = intended;
    c->sent = now;
    c->sent_any = true;
    c->woff = 0;
    c->state = LG_C_WRITING;
    w->inflight++;
    write_more(c, now);
}

/* The connection is free: send now (closed loop), at its next intended time (open loop), or
 * not at all (the -n budget is spent). */
static void issue_next(lg_conn *c, uint64_t now)
{
    lg_worker *w = c->w;
    const lg_shared *sh = w->sh;
    c->state = LG_C_IDLE;
    if (!budget_left(w, now)) {
        c->state = LG_C_DONE;
        return;
    }
    if (sh->rate <= 0) {
        if (c->think_until > now) {   /* thinking: IDLE in the heap until think_until */
            c->hn.due = c->think_until;
            rg_heap_push(&w->heap, &c->hn);
            return;
        }
        send_request(c, now, now);
        return;
    }
    uint64_t n = c->k * sh->conns_total + c->gidx;
    uint64_t due = sh->rate_ramp ? lg_ramp_time(sh->t0, sh->rate0, sh->rate, sh->ramp_span_ns, n)
                                 : lg_sched_time(sh->t0, sh->rate, n);
    if (due <= now) {
        send_request(c, due, now);   /* behind schedule: latency counts from `due` */
        return;
    }
    c->hn.due = due;
    rg_heap_push(&w->heap, &c->hn);
}

void lg_conn_due(lg_conn *c, uint64_t now)
{
    if (c->state == LG_C_CLOSED) {
        lg_conn_start(c, now);
    } else if (c->state == LG_C_IDLE) {
        if (c->probation_ns > 0) {   /* quiet all along */
            c->proven_ns = c->probation_ns;
            c->probation_ns = 0;
        }
        if (!budget_left(c->w, now))
            c->state = LG_C_DONE;
        else
            send_request(c, c->hn.due, now);
    }
}

static void complete(lg_conn *c, uint64_t now)
{
    lg_worker *w = c->w;
    if (w->talks_first && c->proven_ns < w->probation_ns) {
        lg_conn_fail(c, LG_ERR_PROTOCOL, now);   /* paired after too short a probation */
        return;
    }
    const lg_shared *sh = w->sh;
    bool keep = sh->keepalive && http_should_keep_alive(&c->parser);
    if (!keep && sh->keepalive &&
        (sh->count_mode ? c->measured : now >= sh->tw && now < sh->te))
        w->c.server_closes++;   /* the server closes what we would keep: keepalive false */
    w->inflight--;
    c->state = LG_C_IDLE;
    lg_worker_done(w, c, now, c->parser.status_code);
    if (sh->think.kind != LG_THINK_NONE)
        c->think_until = now + think_ns(w);   /* also across a reconnect */
    if (!keep)
        reconnect(c, now, 0);
    else
        issue_next(c, now);
}

static void parse(lg_conn *c, const char *buf, size_t n, uint64_t now)
{
    if (c->state != LG_C_READING && c->state != LG_C_WRITING) {
        unasked(c, now);   /* bytes nobody asked for */
        return;
    }
    size_t used = http_parser_execute(&c->parser, &settings, buf, n);
    if (c->complete) {
        if (used != n)
            unasked(c, now);   /* data after the response: nobody asked for it */
        else
            complete(c, now);
    } else if (HTTP_PARSER_ERRNO(&c->parser) != HPE_OK) {
        lg_conn_fail(c, LG_ERR_PROTOCOL, now);
    }
}

/* The server closed the connection: it may end a close-delimited body (RFC 9112 §6.3). */
static void eof(lg_conn *c, uint64_t now)
{
    if (c->state == LG_C_READING || c->state == LG_C_WRITING) {
        http_parser_execute(&c->parser, &settings, NULL, 0);
        if (c->complete)
            complete(c, now);
        else
            lg_conn_fail(c, LG_ERR_READ, now);
        return;
    }
    reconnect(c, now, 0);   /* an idle keep-alive connection closed by the server */
}

/* One read; false when the connection was closed or nothing more is to be read now. */
static bool read_once(lg_conn *c)
{
    lg_worker *w = c->w;
    char *buf = w->rbuf;
    ssize_t n = w->ur != NULL ? lg_uring_take(w, &buf) : io_read(c, buf, LG_RBUF);
    uint64_t now = rg_now_ns();
    if (n > 0) {
        if (now >= w->sh->tw && now < w->sh->te)
            w->c.bytes_in += (uint64_t)n;
        parse(c, buf, (size_t)n, now);
        return true;
    }
    if (n == 0) {
        eof(c, now);
    } else if (n == LG_IO_WANT_WRITE) {
        set_out(c, true);   /* TLS: lg_conn_event reads again once writable */
    } else if (n != LG_IO_AGAIN) {
        if (c->state == LG_C_READING || c->state == LG_C_WRITING)
            lg_conn_fail(c, n == LG_IO_TLS ? LG_ERR_TLS : LG_ERR_READ, now);
        else
            reconnect(c, now, 0);
    }
    return false;
}

/* Read what epoll announced; with TLS, also what OpenSSL read ahead (epoll cannot see it). */
static void do_read(lg_conn *c)
{
    uint32_t gen = c->gen;
    while (read_once(c) && c->ssl != NULL && c->gen == gen && lg_tls_pending(c))
        ;
}

static void finish_connect(lg_conn *c)
{
    int err = 0;
    socklen_t len = sizeof err;
    uint64_t now = rg_now_ns();
    if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err != 0)
        lg_conn_fail(c, LG_ERR_CONNECT, now);
    else
        connected(c, now);
}

void lg_conn_event(lg_conn *c, uint32_t events)
{
    if (c->fd < 0)
        return;
    if (c->state == LG_C_CONNECTING) {
        finish_connect(c);
        return;
    }
    if (c->state == LG_C_HANDSHAKE) {
        handshake(c);
        return;
    }
    uint32_t gen = c->gen;
    if ((events & EPOLLOUT) && c->state == LG_C_WRITING) {
        write_more(c, rg_now_ns());
        if (c->gen != gen)
            return;   /* failed and replaced: the event was for the old socket */
    } else if ((events & EPOLLOUT) && c->ssl != NULL && c->epout) {
        set_out(c, false);   /* a TLS read that had to write first (see read_once) */
        events |= EPOLLIN;
    }
    if (events & (EPOLLIN | EPOLLERR | EPOLLHUP))
        do_read(c);
}
