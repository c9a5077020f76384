/*
 * serve/serve.c — `rigor serve`'s engine: a small, fast, pipelining-safe HTTP/1.1 server.
 *
 * Design: N threads, each with its own SO_REUSEPORT listening socket (the kernel spreads new
 * connections), its own epoll loop, its own connections, timer heap and counters (summed at
 * stop). Responses are serialized once at start for each variant (keep-alive / HTTP/1.0
 * keep-alive / close, GET / HEAD). A read is parsed whole by http-parser: every complete
 * request in it gets its response appended to the connection's output, which goes out with
 * one write() — so pipelined requests are answered in order with one system call.
 * With --delay each response gets a due time and waits in the connection's FIFO; the thread's
 * timer heap holds each connection at its head's due time, so a slow response never blocks
 * other connections, and HTTP/1.1 ordering (RFC 9112 §9.3.2) is kept.
 * Faults (tests of the load generator's error accounting) replace a response with: close,
 * reset (RST through SO_LINGER 0), garbage bytes, or a stall (the connection is never answered).
 *
 * Running out of descriptors: accept() then fails with EMFILE while the connection stays in
 * the backlog, so a level-triggered listener would wake epoll again at once and spin a core.
 * The listener is disarmed (no events) for SV_ACCEPT_PAUSE_NS instead, and the clients wait
 * in the backlog. What frees descriptors are the timeouts: once a second each thread closes
 * the connections silent for --idle-timeout, and those whose request head has taken longer
 * than --header-timeout (nginx's keepalive_timeout and client_header_timeout), so idle or
 * slow clients cannot hold every descriptor forever. Connections waiting for a delayed
 * response, and stalled ones (a fault that is meant to never answer), are left alone.
 *
 * Expected load: ~10^5 requests/s per thread on loopback; 10^4 idle keep-alive connections.
 */
#include <errno.h>
#include <http_parser.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>
#include "core/clock.h"
#include "core/err.h"
#include "core/heap.h"
#include "core/units.h"
#include "serve/serve.h"

#define SV_RBUF (64 * 1024)
#define SV_EVENTS 256
#define SV_TICK_NS 100000000u
#define SV_VARIANTS 6   /* {1.1 keep-alive, 1.0 keep-alive, close} x {GET, HEAD} */
#define SV_ACCEPT_PAUSE_NS 100000000u   /* listener disarmed this long after EMFILE */
#define SV_SWEEP_NS 1000000000u         /* timeouts checked once a second */

typedef struct sv_thread sv_thread;

typedef struct sv_pending {
    uint64_t due;
    uint8_t variant;
} sv_pending;

typedef struct sv_conn {
    rg_heap_node hn;          /* first member: due time of the head pending response */
    sv_thread *t;
    struct sv_conn *prev, *next;   /* the thread's list of connections (freed at stop) */
    int fd;
    bool closing;             /* close once the output is written */
    bool stalled;
    uint32_t events;          /* what epoll watches now (see update_events) */
    int fault;                /* set by the parser callback */
    uint64_t active;          /* last byte read or written (idle timeout) */
    uint64_t head_start;      /* a request head began here, 0 if none in progress */
    http_parser parser;
    char *out;
    size_t out_len, out_off, out_cap;
    sv_pending *pend;         /* ring of delayed responses */
    size_t pend_head, pend_n, pend_cap;
} sv_conn;

struct sv_thread {
    sv_server *srv;
    pthread_t tid;
    int epfd, lfd;
    rg_heap heap;
    char *rbuf;
    sv_conn *conns;
    uint64_t rng;
    uint64_t now;             /* the loop's clock, read once per wake-up */
    uint64_t accept_resume;   /* listener disarmed until then (0: armed) */
    uint64_t next_sweep;
    sv_stats st;
};

struct sv_server {
    sv_opts o;
    uint16_t port;
    int nthreads, started;
    sv_thread *threads;
    char *resp[SV_VARIANTS];
    size_t resp_len[SV_VARIANTS];
    atomic_int stop;
};

static const char garbage[] = "\x16\x03\x01 this is not HTTP \xff\xfe\r\n\r\n";

/* xorshift64*: per-thread, no locking (fault and delay draws only). Uniform in [0, 1). */
static double rnd(sv_thread *t)
{
    t->rng ^= t->rng >> 12;
    t->rng ^= t->rng << 25;
    t->rng ^= t->rng >> 27;
    return (double)((t->rng * 0x2545F4914F6CDD1DULL) >> 11) / 9007199254740992.0;
}

static uint64_t draw_delay_ns(sv_thread *t)
{
    const sv_opts *o = &t->srv->o;
    double s = 0;
    switch (o->delay_kind) {
    case SV_DELAY_FIXED: s = o->delay_a; break;
    case SV_DELAY_EXP: s = -o->delay_a * log(1.0 - rnd(t)); break;
    case SV_DELAY_UNIFORM: s = o->delay_a + (o->delay_b - o->delay_a) * rnd(t); break;
    default: break;
    }
    return (uint64_t)(s * 1e9);
}

static int build_responses(sv_server *s)
{
    static const char *conn_hdr[3] = {"", "Connection: keep-alive\r\n", "Connection: close\r\n"};
    int st = s->o.status;
    bool bodyless = st == 204 || st == 304 || st < 200;
    uint64_t blen = bodyless ? 0 : s->o.body_size;
    const char *reason = http_status_str((enum http_status)st);
    if (reason == NULL || reason[0] == '<')
        reason = "Status";
    for (int v = 0; v < SV_VARIANTS; v++) {
        bool head = v >= 3;
        char hdr[256];
        int n = snprintf(hdr, sizeof hdr, "HTTP/1.1 %d %s\r\nServer: rigor\r\n", st, reason);
        if (!(st == 204 || st < 200))
            n += snprintf(hdr + n, sizeof hdr - (size_t)n, "Content-Length: %llu\r\n",
                          (unsigned long long)blen);
        n += snprintf(hdr + n, sizeof hdr - (size_t)n, "Content-Type: text/plain\r\n%s\r\n",
                      conn_hdr[v % 3]);
        size_t total = (size_t)n + (head ? 0 : blen);
        s->resp[v] = malloc(total ? total : 1);
        if (s->resp[v] == NULL)
            return -1;
        memcpy(s->resp[v], hdr, (size_t)n);
        for (size_t i = (size_t)n; i < total; i++)   /* a readable body: "rigor...\n" lines */
            s->resp[v][i] = (i - (size_t)n) % 64 == 63 ? '\n' : "rigor"[(i - (size_t)n) % 5];
        s->resp_len[v] = total;
    }
    return 0;
}

static int out_append(sv_conn *c, const char *p, size_t n)
{
    if (c->out_len + n > c->out_cap) {
        size_t cap = c->out_cap ? c->out_cap : 512;
        while (cap < c->out_len + n)
            cap *= 2;
        char *o = realloc(c->out, cap);
        if (o == NULL)
            return -1;
        c->out = o;
        c->out_cap = cap;
    }
    memcpy(c->out + c->out_len, p, n);
    c->out_len += n;
    return 0;
}

/*
 * Watch what the connection's state needs: input while it is open for requests, output while
 * some is pending, only the hang-up once stalled, nothing more to read once closing.
 * epoll_ctl only when that changes (never on the keep-alive fast path).
 */
static void update_events(sv_conn *c)
{
    uint32_t ev;
    bool out = c->out_off < c->out_len;
    if (c->stalled)
        ev = EPOLLRDHUP;
    else if (c->closing)
        ev = out ? EPOLLOUT : 0;
    else
        ev = EPOLLIN | EPOLLRDHUP | (out ? EPOLLOUT : 0);
    if (ev == c->events)
        return;
    struct epoll_event e = {.events = ev, .data.ptr = c};
    epoll_ctl(c->t->epfd, EPOLL_CTL_MOD, c->fd, &e);
    c->events = ev;
}

static void conn_free(sv_conn *c)
{
    if (c->prev)
        c->prev->next = c->next;
    else
        c->t->conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    rg_heap_remove(&c->t->heap, &c->hn);
    close(c->fd);
    free(c->out);
    free(c->pend);
    free(c);
}

/* Write what is queued; keep EPOLLOUT only while something is left. Returns -1 if freed. */
static int flush(sv_conn *c)
{
    while (c->out_off < c->out_len) {
        ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN) {
            update_events(c);
            return 0;
        }
        if (n <= 0) {
            conn_free(c);
            return -1;
        }
        c->out_off += (size_t)n;
        c->active = c->t->now;
    }
    c->out_off = c->out_len = 0;
    if (c->closing && c->pend_n == 0) {   /* delayed responses still to come go first */
        conn_free(c);
        return -1;
    }
    update_events(c);
    return 0;
}

static int pend_push(sv_conn *c, uint64_t due, uint8_t variant)
{
    if (c->pend_n == c->pend_cap) {
        size_t cap = c->pend_cap ? 2 * c->pend_cap : 8;
        sv_pending *p = malloc(cap * sizeof *p);
        if (p == NULL)
            return -1;
        for (size_t i = 0; i < c->pend_n; i++)
            p[i] = c->pend[(c->pend_head + i) % c->pend_cap];
        free(c->pend);
        c->pend = p;
        c->pend_cap = cap;
        c->pend_head = 0;
    }
    c->pend[(c->pend_head + c->pend_n++) % c->pend_cap] = (sv_pending){due, variant};
    return 0;
}

/* Move the due responses (in order, stopping at the first not due) to the output. */
static void pend_release(sv_conn *c, uint64_t now)
{
    sv_thread *t = c->t;
    rg_heap_remove(&t->heap, &c->hn);
    while (c->pend_n > 0 && c->pend[c->pend_head].due <= now) {
        uint8_t v = c->pend[c->pend_head].variant;
        out_append(c, t->srv->resp[v], t->srv->resp_len[v]);
        t->st.responses++;
        if (v % 3 == 2)
            c->closing = true;
        c->pend_head = (c->pend_head + 1) % c->pend_cap;
        c->pend_n--;
    }
    if (c->pend_n > 0) {
        c->hn.due = c->pend[c->pend_head].due;
        rg_heap_push(&t->heap, &c->hn);
    }
}

static int pick_fault(sv_thread *t)
{
    const sv_opts *o = &t->srv->o;
    if (o->fault == SV_FAULT_NONE || rnd(t) >= o->fault_rate)
        return SV_FAULT_NONE;
    return o->fault;
}

static int on_message_complete(http_parser *p)
{
    sv_conn *c = p->data;
    sv_thread *t = c->t;
    t->st.requests++;
    int fault = pick_fault(t);
    if (fault != SV_FAULT_NONE) {
        c->fault = fault;
        t->st.faults[fault]++;
        http_parser_pause(p, 1);
        return 0;
    }
    bool keep = http_should_keep_alive(p) && !p->upgrade;
    uint8_t v = (uint8_t)((keep ? (p->http_minor == 0 && p->http_major == 1 ? 1 : 0) : 2) +
                          (p->method == HTTP_HEAD ? 3 : 0));
    if (t->srv->o.delay_kind == SV_DELAY_NONE && c->pend_n == 0) {
        out_append(c, t->srv->resp[v], t->srv->resp_len[v]);
        t->st.responses++;
        if (!keep)
            c->closing = true;
    } else {
        pend_push(c, rg_now_ns() + draw_delay_ns(t), v);
        if (c->hn.idx == RG_HEAP_NONE) {
            c->hn.due = c->pend[c->pend_head].due;
            rg_heap_push(&t->heap, &c->hn);
        }
    }
    if (!keep)
        http_parser_pause(p, 1);   /* nothing after a closing request is answered */
    return 0;
}

/* The header timeout runs from a request's first byte to the end of its head. */
static int on_message_begin(http_parser *p)
{
    sv_conn *c = p->data;
    c->head_start = c->t->now;
    return 0;
}

static int on_headers_complete(http_parser *p)
{
    ((sv_conn *)p->data)->head_start = 0;
    return 0;
}

static const http_parser_settings sv_settings = {.on_message_begin = on_message_begin,
                                                 .on_headers_complete = on_headers_complete,
                                                 .on_message_complete = on_message_complete};

/* Carry out the fault the parser callback chose. Returns -1 when c was freed. */
static int do_fault(sv_conn *c)
{
    static const struct linger rst = {1, 0};
    switch (c->fault) {
    case SV_FAULT_RESET:
        setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &rst, sizeof rst);
        conn_free(c);
        return -1;
    case SV_FAULT_CLOSE:
        c->closing = true;   /* earlier responses still go out, then FIN */
        return flush(c);
    case SV_FAULT_GARBAGE:
        out_append(c, garbage, sizeof garbage - 1);
        c->closing = true;
        return flush(c);
    default:   /* stall: answer nothing more, wait for the client to hang up */
        c->stalled = true;
        update_events(c);
        return flush(c);
    }
}

/* The client sent its last byte (EOF or half-close): answer what it asked, then close. */
static void peer_done(sv_conn *c)
{
    if (c->pend_n == 0 && c->out_off >= c->out_len) {
        conn_free(c);
        return;
    }
    c->closing = true;
    update_events(c);
}

static void handle_read(sv_conn *c)
{
    sv_thread *t = c->t;
    ssize_t n = read(c->fd, t->rbuf, SV_RBUF);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n == 0) {
        peer_done(c);
        return;
    }
    if (n < 0) {
        conn_free(c);
        return;
    }
    c->active = t->now;
    size_t used = http_parser_execute(&c->parser, &sv_settings, t->rbuf, (size_t)n);
    enum http_errno e = HTTP_PARSER_ERRNO(&c->parser);
    if (c->fault != SV_FAULT_NONE) {
        do_fault(c);
        return;
    }
    if (e == HPE_PAUSED) {          /* a request that closes the connection */
        c->closing = true;
        update_events(c);
    } else if (e != HPE_OK || (used != (size_t)n && !c->parser.upgrade)) {
        static const char bad[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n"
                                  "Connection: close\r\n\r\n";
        t->st.bad_requests++;
        out_append(c, bad, sizeof bad - 1);
        c->closing = true;
    }
    if (c->pend_n > 0 && c->closing && c->out_len == 0)
        return;   /* a delayed response will be written, then the connection closed */
    if (c->out_len > 0 || c->closing)
        flush(c);
}

/* Arm (EPOLLIN) or disarm (no events) the listener. */
static void listen_events(sv_thread *t, uint32_t events)
{
    struct epoll_event ev = {.events = events, .data.ptr = NULL};
    epoll_ctl(t->epfd, EPOLL_CTL_MOD, t->lfd, &ev);
}

static void handle_accept(sv_thread *t)
{
    for (int i = 0; i < 64; i++) {
        int fd = accept4(t->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0 && (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
                       errno == ENOMEM)) {
            listen_events(t, 0);   /* out of descriptors: see the file comment */
            t->accept_resume = t->now + SV_ACCEPT_PAUSE_NS;
            t->st.accept_pauses++;
            return;
        }
        if (fd < 0)
            return;   /* EAGAIN: the backlog is empty */
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        sv_conn *c = calloc(1, sizeof *c);
        struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP, .data.ptr = c};
        if (c == NULL || epoll_ctl(t->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
            free(c);
            close(fd);
            continue;
        }
        c->t = t;
        c->fd = fd;
        c->events = ev.events;
        c->next = t->conns;
        if (t->conns)
            t->conns->prev = c;
        t->conns = c;
        c->hn.idx = RG_HEAP_NONE;
        c->active = t->now;
        http_parser_init(&c->parser, HTTP_REQUEST);
        c->parser.data = c;
        t->st.connections++;
    }
}

static void conn_event(sv_conn *c, uint32_t ev)
{
    if (c->stalled) {
        if (ev & (EPOLLRDHUP | EPOLLHUP | EPOLLERR))
            conn_free(c);
        return;
    }
    if ((ev & EPOLLOUT) && flush(c) < 0)
        return;
    if (ev & (EPOLLHUP | EPOLLERR))
        conn_free(c);   /* reset or fully closed: nobody to answer */
    else if (ev & EPOLLIN)
        handle_read(c);
    else if (ev & EPOLLRDHUP)
        peer_done(c);
}

static void fire_timers(sv_thread *t, uint64_t now)
{
    rg_heap_node *n;
    while ((n = rg_heap_top(&t->heap)) != NULL && n->due <= now) {
        sv_conn *c = (sv_conn *)n;
        pend_release(c, now);
        if (c->out_len > 0)
            flush(c);
    }
}

/* Once a second: close what the idle and header timeouts say (see the file comment). */
static void sweep_timeouts(sv_thread *t)
{
    const sv_opts *o = &t->srv->o;
    uint64_t idle = (uint64_t)(o->idle_timeout_s * 1e9), head = (uint64_t)(o->header_timeout_s * 1e9);
    sv_conn *next;
    for (sv_conn *c = t->conns; c != NULL; c = next) {
        next = c->next;
        if (c->stalled || c->pend_n > 0)
            continue;
        bool slow_head = head > 0 && c->head_start != 0 && t->now - c->head_start >= head;
        bool silent = idle > 0 && t->now - c->active >= idle;
        if (slow_head || silent) {
            t->st.timeouts++;
            conn_free(c);
        }
    }
}

/* The loop's housekeeping: re-arm a paused listener, the once-a-second sweep. */
static void housekeeping(sv_thread *t)
{
    if (t->accept_resume != 0 && t->now >= t->accept_resume) {
        t->accept_resume = 0;
        listen_events(t, EPOLLIN);
    }
    if (t->now >= t->next_sweep) {
        t->next_sweep = t->now + SV_SWEEP_NS;
        sweep_timeouts(t);
    }
}

static void *thread_main(void *arg)
{
    sv_thread *t = arg;
    struct epoll_event ev[SV_EVENTS];
    t->now = rg_now_ns();
    t->next_sweep = t->now + SV_SWEEP_NS;
    while (!atomic_load_explicit(&t->srv->stop, memory_order_relaxed)) {
        uint64_t now = rg_now_ns(), wake = now + SV_TICK_NS;
        rg_heap_node *top = rg_heap_top(&t->heap);
        if (top != NULL && top->due < wake)
            wake = top->due > now ? top->due : now;
        struct timespec ts = {(time_t)((wake - now) / 1000000000u),
                              (long)((wake - now) % 1000000000u)};
        int n = epoll_pwait2(t->epfd, ev, SV_EVENTS, &ts, NULL);
        if (n < 0 && errno == ENOSYS)
            n = epoll_wait(t->epfd, ev, SV_EVENTS, (int)((wake - now + 999999) / 1000000));
        t->now = rg_now_ns();
        for (int i = 0; i < n; i++) {
            if (ev[i].data.ptr == NULL)
                handle_accept(t);
            else
                conn_event(ev[i].data.ptr, ev[i].events);
        }
        fire_timers(t, rg_now_ns());
        housekeeping(t);   /* after the events: it frees connections ev[] may point to */
    }
    return NULL;
}

/*
 * SO_REUSEPORT would let us share a port silently with another server that set it too; a
 * plain bind first makes "address in use" an error, as users expect.
 */
static int port_free(const sv_opts *o, char *err)
{
    int fd = socket(o->addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
    if (fd < 0)
        return 0;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (o->addr.ss_family == AF_INET6)
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    int rc = bind(fd, (const struct sockaddr *)&o->addr, o->addrlen);
    if (rc < 0)
        rg_err_set(err, "cannot listen: %s", strerror(errno));
    close(fd);
    return rc;
}

static int listen_socket(const sv_opts *o, uint16_t port, char *err)
{
    struct sockaddr_storage ss = o->addr;
    if (ss.ss_family == AF_INET6)
        ((struct sockaddr_in6 *)&ss)->sin6_port = htons(port);
    else
        ((struct sockaddr_in *)&ss)->sin_port = htons(port);
    int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1;
    if (fd < 0)
        return rg_err(err, "socket: %s", strerror(errno));
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    if (ss.ss_family == AF_INET6)
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&ss, o->addrlen) < 0 || listen(fd, 4096) < 0) {
        rg_err_set(err, "cannot listen on port %u: %s", (unsigned)port, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

static uint16_t bound_port(int fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
        return 0;
    if (ss.ss_family == AF_INET6)
        return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

static int thread_init(sv_server *s, sv_thread *t, int i, char *err)
{
    t->srv = s;
    t->epfd = -1;
    t->rng = 0x9E3779B97F4A7C15ULL * (uint64_t)(i + 1) ^ rg_now_ns();
    t->lfd = listen_socket(&s->o, s->port, err);
    if (t->lfd < 0)
        return -1;
    if (s->port == 0)
        s->port = bound_port(t->lfd);
    t->epfd = epoll_create1(EPOLL_CLOEXEC);
    t->rbuf = malloc(SV_RBUF);
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
    if (t->epfd < 0 || t->rbuf == NULL || rg_heap_init(&t->heap, 64) < 0 ||
        epoll_ctl(t->epfd, EPOLL_CTL_ADD, t->lfd, &ev) < 0) {
        return rg_err(err, "cannot set up thread %d: %s", i, strerror(errno));
    }
    return 0;
}

static void thread_free(sv_thread *t)
{
    while (t->conns != NULL)
        conn_free(t->conns);
    if (t->lfd >= 0)
        close(t->lfd);
    if (t->epfd >= 0)
        close(t->epfd);
    free(t->rbuf);
    rg_heap_free(&t->heap);
}

static void server_free(sv_server *s)
{
    for (int i = 0; i < s->nthreads; i++)
        thread_free(&s->threads[i]);
    for (int v = 0; v < SV_VARIANTS; v++)
        free(s->resp[v]);
    free(s->threads);
    free(s);
}

sv_server *sv_start(const sv_opts *o, char *err)
{
    sv_server *s = calloc(1, sizeof *s);
    if (s == NULL) {
        rg_err_set(err, "out of memory");
        return NULL;
    }
    s->o = *o;
    s->nthreads = o->threads < 1 ? 1 : o->threads;
    s->port = ntohs(o->addr.ss_family == AF_INET6 ? ((const struct sockaddr_in6 *)&o->addr)->sin6_port
                                                  : ((const struct sockaddr_in *)&o->addr)->sin_port);
    s->threads = calloc((size_t)s->nthreads, sizeof *s->threads);
    for (int i = 0; s->threads && i < s->nthreads; i++)
        s->threads[i].lfd = s->threads[i].epfd = -1;
    if (s->threads == NULL || build_responses(s) < 0) {
        rg_err_set(err, "out of memory (body of %llu bytes?)",
                   (unsigned long long)o->body_size);
        server_free(s);
        return NULL;
    }
    if (s->port != 0 && port_free(o, err) < 0) {
        server_free(s);
        return NULL;
    }
    for (int i = 0; i < s->nthreads; i++)
        if (thread_init(s, &s->threads[i], i, err) < 0) {
            server_free(s);
            return NULL;
        }
    for (; s->started < s->nthreads; s->started++)
        if (pthread_create(&s->threads[s->started].tid, NULL, thread_main,
                           &s->threads[s->started]) != 0) {
            rg_err_set(err, "cannot start thread %d", s->started);
            sv_stop(s, NULL);
            return NULL;
        }
    return s;
}

uint16_t sv_port(const sv_server *s)
{
    return s->port;
}

void sv_stop(sv_server *s, sv_stats *st)
{
    atomic_store(&s->stop, 1);
    for (int i = 0; i < s->started; i++)
        pthread_join(s->threads[i].tid, NULL);
    if (st != NULL) {
        memset(st, 0, sizeof *st);
        for (int i = 0; i < s->nthreads; i++) {
            const sv_stats *x = &s->threads[i].st;
            st->requests += x->requests;
            st->responses += x->responses;
            st->connections += x->connections;
            st->bad_requests += x->bad_requests;
            st->timeouts += x->timeouts;
            st->accept_pauses += x->accept_pauses;
            for (int k = 0; k < SV_NFAULT; k++)
                st->faults[k] += x->faults[k];
        }
    }
    server_free(s);
}
