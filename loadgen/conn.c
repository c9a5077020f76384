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
 * States (the diagram is at enum lg_conn_state in lg_int.h): CLOSED -> CONNECTING -> IDLE ->
 * WRITING -> READING -> IDLE ...; any error counts its kind, closes the socket and replaces
 * the connection (after a 10 ms back-off for connect errors, so a refused port is not
 * hammered in a tight loop).
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
 * its connections sit idle between their scheduled sends.
 *
 * Expected load: ~10^5 requests/s per thread; up to ~10^4 connections per run.
 */
#include <errno.h>
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

/* RFC 9112 §6.3: responses to HEAD, 1xx, 204 and 304 have no body, whatever the headers
 * say; returning 1 tells http-parser so. */
static int on_headers_complete(http_parser *p)
{
    lg_conn *c = p->data;
    unsigned s = p->status_code;
    return c->w->sh->head || s == 204 || s == 304 || (s >= 100 && s < 200) ? 1 : 0;
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
    struct epoll_event ev = {.events = EPOLLIN | (on ? EPOLLOUT : 0), .data.ptr = c};
    epoll_ctl(c->w->epfd, EPOLL_CTL_MOD, c->fd, &ev);
    c->epout = on;
}

void lg_conn_close(lg_conn *c)
{
    lg_worker *w = c->w;
    if (c->fd >= 0) {
        close(c->fd);
        c->fd = -1;
        c->gen++;
    }
    rg_heap_remove(&w->heap, &c->hn);
    if (c->state == LG_C_WRITING || c->state == LG_C_READING)
        w->inflight--;
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
    bool measured;
    if (kind == LG_ERR_CONNECT) {
        measured = now >= w->sh->tw;
        promise(c, false);
        /* With -n a failed connection stands for the request it would have carried, so a
         * refused port ends the run instead of retrying forever. */
        if (w->sh->count_mode && measured)
            w->issued++;
    } else {
        measured = c->measured;
    }
    lg_worker_error(w, kind, now, measured);
    reconnect(c, now, kind == LG_ERR_CONNECT ? LG_CONNECT_BACKOFF_NS : 0);
}

static void connected(lg_conn *c, uint64_t now)
{
    lg_worker *w = c->w;
    promise(c, false);
    set_out(c, false);
    w->c.opened++;
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
    c->sent = now;   /* for the connect timeout */
    c->state = LG_C_CONNECTING;
    int rc = connect(c->fd, (const struct sockaddr *)&sh->addr, sh->addrlen);
    if (rc < 0 && errno != EINPROGRESS) {
        lg_conn_fail(c, LG_ERR_CONNECT, now);
        return;
    }
    struct epoll_event ev = {.events = EPOLLIN | (rc < 0 ? EPOLLOUT : 0), .data.ptr = c};
    c->epout = rc < 0;
    if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, c->fd, &ev) < 0) {
        lg_conn_fail(c, LG_ERR_CONNECT, now);
        return;
    }
    if (rc == 0)
        connected(c, now);
}

static void write_more(lg_conn *c, uint64_t now)
{
    lg_worker *w = c->w;
    const lg_shared *sh = w->sh;
    /* MSG_NOSIGNAL: a peer that reset must be a write error, not a SIGPIPE for whoever
     * embeds lg_run (rigor run does not have to ignore SIGPIPE) */
    ssize_t n = send(c->fd, sh->req + c->woff, sh->req_len - c->woff, MSG_NOSIGNAL);
    if (n < 0) {
        if (errno == EAGAIN || errno == EINTR)
            set_out(c, true);
        else
            lg_conn_fail(c, LG_ERR_WRITE, now);
        return;
    }
    c->woff += (size_t)n;
    if (now >= sh->tw && now < sh->te)
        w->c.bytes_out += (uint64_t)n;
    if (c->woff == sh->req_len) {
        c->state = LG_C_READING;
        set_out(c, false);
    } else {
        set_out(c, true);
    }
}

static void send_request(lg_conn *c, uint64_t intended, uint64_t now)
{
    lg_worker *w = c->w;
    const lg_shared *sh = w->sh;
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
        send_request(c, now, now);
        return;
    }
    uint64_t due = lg_sched_time(sh->t0, sh->rate, c->k * sh->conns_total + c->gidx);
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

static void do_read(lg_conn *c)
{
    lg_worker *w = c->w;
    ssize_t n = read(c->fd, w->rbuf, LG_RBUF);
    uint64_t now = rg_now_ns();
    if (n > 0) {
        if (now >= w->sh->tw && now < w->sh->te)
            w->c.bytes_in += (uint64_t)n;
        parse(c, w->rbuf, (size_t)n, now);
    } else if (n == 0) {
        eof(c, now);
    } else if (errno != EAGAIN && errno != EINTR) {
        if (c->state == LG_C_READING || c->state == LG_C_WRITING)
            lg_conn_fail(c, LG_ERR_READ, now);
        else
            reconnect(c, now, 0);
    }
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
    uint32_t gen = c->gen;
    if ((events & EPOLLOUT) && c->state == LG_C_WRITING) {
        write_more(c, rg_now_ns());
        if (c->gen != gen)
            return;   /* failed and replaced: the event was for the old socket */
    }
    if (events & (EPOLLIN | EPOLLERR | EPOLLHUP))
        do_read(c);
}
