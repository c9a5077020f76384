/*
 * loadgen/uring.c — the io_uring I/O engine of a worker: the same connections and state
 * machine as the epoll engine (conn.c), with fewer system calls per request.
 *
 * Why: on loopback most of a load generator's CPU is the kernel's, and the epoll engine makes
 * one send(), usually one read() and a share of an epoll_pwait2() per request. Here every
 * send and receive is a submission queue entry, and one io_uring_enter per loop iteration
 * (io_uring_submit_and_wait_timeout) submits them all and waits for completions.
 *
 * Design, as seen from conn.c (which keeps every decision):
 * - A connected socket always has one receive armed (the equivalent of EPOLLIN registered once),
 *   with IOSQE_BUFFER_SELECT into a ring of provided buffers shared by the worker's
 *   connections, so memory does not grow with the number of connections. A completion is
 *   handed to conn.c as an EPOLLIN event whose read (lg_uring_take) returns the received bytes,
 *   end of stream or the error; the buffer goes back to the ring and the receive is re-armed.
 * - A request is one send with MSG_WAITALL (the kernel finishes partial sends itself) and
 *   IOSQE_CQE_SKIP_SUCCESS (a completion only when it fails, then a write error): conn.c sees
 *   the whole request written at once, when the send is queued. It goes out at the end of the
 *   batch of completions being handled, within microseconds.
 * - A connect in progress (and any EPOLLOUT wish) is a one-shot poll for writability; the
 *   receive is armed once the connect is done (arming it earlier could consume SO_ERROR).
 * - Closing: shutdown() before close(), so the receive and poll in flight complete at once and
 *   release the socket (a request in flight holds a reference that close() alone leaves).
 *   Completions of a socket that was closed meanwhile are recognised by the connection's
 *   generation in user_data, and dropped.
 * The ring is created disabled by the controller (errors are reported before the run) and
 * enabled by the worker thread, its single issuer.
 *
 * Chosen at start (pick_engine in run.c): by default for http:// when this kernel gives it with
 * what is used here (6.1: single issuer, deferred task work, provided buffer rings), epoll
 * otherwise; TLS stays on the epoll engine, and /proc/sys/kernel/io_uring_disabled makes ring
 * creation fail. --engine epoll|io_uring forces one. The run records which ran ("engine").
 *
 * Timing, checked against the epoll loop (issue 17): the wait's timeout is engine.c's next
 * wake, the same as epoll's, slept in the kernel with no slack; every send and receive queued
 * while handling a batch is submitted by the very io_uring_enter that then waits; deferred task
 * work is run by that enter before it sleeps. Measured with the load host capturing its own
 * packets, the time between the wire and the recorded latency stays under 4 ms under load,
 * as with epoll (docs/benchmarks.md, "Load generator I/O engines").
 *
 * Expected load: the hot path of closed-loop HTTP load, ~10^5 requests/s per thread.
 */
#include <errno.h>
#include <liburing.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "core/clock.h"
#include "core/err.h"
#include "loadgen/lg_int.h"

#define BUF_SIZE 16384        /* one receive: a response bigger than this takes several */
#define BUF_GROUP 0

enum { OP_RECV = 1, OP_SEND = 2, OP_POLL = 3 };

struct lg_uring {
    struct io_uring ring;
    struct io_uring_buf_ring *br;
    char *bufs;
    unsigned nbufs;
    uint32_t *armed;          /* per connection: generation + 1 whose receive is armed, or 0 */
    const char *data;         /* the completion being handed to conn.c (lg_uring_take) */
    ssize_t res;
    bool have;
};

static uint64_t user_data(const lg_conn *c, int op)
{
    uint64_t idx = (uint64_t)(c - c->w->conns);
    return idx << 32 | (uint64_t)(c->gen & 0xffffffu) << 8 | (uint64_t)op;
}

static unsigned pow2_at_least(unsigned n)
{
    unsigned p = 1;
    while (p < n)
        p <<= 1;
    return p;
}

/* A free submission entry; submits what is queued when the ring is full. */
static struct io_uring_sqe *sqe_get(lg_uring *u)
{
    struct io_uring_sqe *sqe = io_uring_get_sqe(&u->ring);
    if (sqe == NULL) {
        io_uring_submit(&u->ring);
        sqe = io_uring_get_sqe(&u->ring);
    }
    return sqe;   /* never NULL after a submit: the ring was just emptied */
}

static void arm_recv(lg_conn *c)
{
    lg_uring *u = c->w->ur;
    struct io_uring_sqe *sqe = sqe_get(u);
    /* single-shot: multishot receives measured slower here (bench/loadgen_io.sh) */
    io_uring_prep_recv(sqe, c->fd, NULL, BUF_SIZE, 0);
    sqe->flags |= IOSQE_BUFFER_SELECT;
    sqe->buf_group = BUF_GROUP;
    io_uring_sqe_set_data64(sqe, user_data(c, OP_RECV));
    u->armed[c - c->w->conns] = (c->gen & 0xffffffu) + 1;
}

static void arm_poll_out(lg_conn *c)
{
    struct io_uring_sqe *sqe = sqe_get(c->w->ur);
    io_uring_prep_poll_add(sqe, c->fd, POLLOUT);
    io_uring_sqe_set_data64(sqe, user_data(c, OP_POLL));
}

/* Map and register the provided-buffer ring (liburing 2.3 has no io_uring_setup_buf_ring). */
static int setup_buffers(lg_uring *u, size_t nconns, char *err)
{
    unsigned n = pow2_at_least(nconns < 32 ? 64 : nconns < 512 ? (unsigned)nconns * 2 : 1024);
    u->nbufs = n;
    u->bufs = malloc((size_t)n * BUF_SIZE);
    u->br = mmap(NULL, n * sizeof(struct io_uring_buf), PROT_READ | PROT_WRITE,
                 MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
    if (u->bufs == NULL || u->br == MAP_FAILED) {
        u->br = NULL;
        return rg_err(err, "out of memory for receive buffers");
    }
    io_uring_buf_ring_init(u->br);
    struct io_uring_buf_reg reg = {.ring_addr = (unsigned long)u->br, .ring_entries = n,
                                   .bgid = BUF_GROUP};
    int rc = io_uring_register_buf_ring(&u->ring, &reg, 0);
    if (rc < 0)
        return rg_err(err, "io_uring: cannot register buffers: %s", strerror(-rc));
    for (unsigned b = 0; b < n; b++)
        io_uring_buf_ring_add(u->br, u->bufs + (size_t)b * BUF_SIZE, BUF_SIZE,
                              (unsigned short)b, io_uring_buf_ring_mask(n), (int)b);
    io_uring_buf_ring_advance(u->br, (int)n);
    return 0;
}

int lg_uring_init(lg_worker *w, char *err)
{
    lg_uring *u = calloc(1, sizeof *u);
    if (u == NULL)
        return rg_err(err, "out of memory");
    w->ur = u;
    u->armed = calloc(w->nconns ? w->nconns : 1, sizeof *u->armed);
    unsigned entries = pow2_at_least((unsigned)(w->nconns < 2000 ? 2 * w->nconns + 64 : 4096));
    /* Completions are only run when this thread waits for them (deferred task work, 6.1):
     * measured against the default and COOP_TASKRUN, the cheapest per request here. */
    struct io_uring_params p = {.flags = IORING_SETUP_SINGLE_ISSUER |
                                         IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_R_DISABLED};
    int rc = u->armed ? io_uring_queue_init_params(entries, &u->ring, &p) : -ENOMEM;
    if (rc < 0) {
        free(u->armed);
        free(u);
        w->ur = NULL;
        return rg_err(err, "io_uring: %s", strerror(-rc));
    }
    if (setup_buffers(u, w->nconns, err) < 0) {
        lg_uring_free(w);
        return -1;
    }
    return 0;
}

void lg_uring_free(lg_worker *w)
{
    lg_uring *u = w->ur;
    if (u == NULL)
        return;
    io_uring_queue_exit(&u->ring);
    if (u->br != NULL)
        munmap(u->br, u->nbufs * sizeof(struct io_uring_buf));
    free(u->bufs);
    free(u->armed);
    free(u);
    w->ur = NULL;
}

bool lg_uring_available(void)
{
    static int known = -1;   /* the controller's thread asks, before any worker runs */
    if (known < 0) {
        char err[RG_ERRLEN];
        lg_conn c = {.fd = -1};
        lg_worker w = {.conns = &c, .nconns = 1};
        c.w = &w;
        known = lg_uring_init(&w, err) == 0;
        lg_uring_free(&w);
    }
    return known == 1;
}

int lg_uring_start(lg_worker *w)
{
    /* io_uring_enable_rings is declared by liburing 2.3 but not exported: the system call */
    long rc = syscall(__NR_io_uring_register, w->ur->ring.ring_fd, IORING_REGISTER_ENABLE_RINGS,
                      NULL, 0);
    return rc < 0 ? -errno : 0;
}

void lg_uring_watch(lg_conn *c, bool connecting)
{
    if (connecting)
        arm_poll_out(c);
    else
        arm_recv(c);
}

void lg_uring_want_out(lg_conn *c)
{
    arm_poll_out(c);
}

void lg_uring_send(lg_conn *c, const char *buf, size_t n)
{
    struct io_uring_sqe *sqe = sqe_get(c->w->ur);
    io_uring_prep_send(sqe, c->fd, buf, n, MSG_NOSIGNAL | MSG_WAITALL);
    sqe->flags |= IOSQE_CQE_SKIP_SUCCESS;
    io_uring_sqe_set_data64(sqe, user_data(c, OP_SEND));
}

void lg_uring_shutdown(lg_conn *c)
{
    shutdown(c->fd, SHUT_RDWR);   /* completes the receive and poll in flight (see above) */
}

ssize_t lg_uring_take(lg_worker *w, char **buf)
{
    lg_uring *u = w->ur;
    if (!u->have)
        return LG_IO_AGAIN;
    u->have = false;
    *buf = (char *)u->data;
    return u->res;
}

/* A receive completed: hand it to conn.c, give the buffer back, re-arm. */
static void on_recv(lg_worker *w, lg_conn *c, bool live, const struct io_uring_cqe *cqe)
{
    lg_uring *u = w->ur;
    int res = cqe->res;
    bool buffered = cqe->flags & IORING_CQE_F_BUFFER;
    unsigned bid = cqe->flags >> IORING_CQE_BUFFER_SHIFT;
    if (live) {
        u->armed[c - w->conns] = 0;
        uint32_t gen = c->gen;
        if (res == -ENOBUFS || res == -EINTR || res == -EAGAIN) {
            arm_recv(c);                   /* nothing happened: try again */
        } else {
            u->data = buffered ? u->bufs + (size_t)bid * BUF_SIZE : NULL;
            u->res = res >= 0 ? res : LG_IO_ERR;
            u->have = true;
            errno = res < 0 ? -res : 0;
            lg_conn_event(c, EPOLLIN);
            u->have = false;
            if (res > 0 && c->fd >= 0 && c->gen == gen && u->armed[c - w->conns] == 0)
                arm_recv(c);
        }
    }
    if (buffered) {
        io_uring_buf_ring_add(u->br, u->bufs + (size_t)bid * BUF_SIZE, BUF_SIZE,
                              (unsigned short)bid, io_uring_buf_ring_mask(u->nbufs), 0);
        io_uring_buf_ring_advance(u->br, 1);
    }
}

/* The poll for writability fired: conn.c's EPOLLOUT (a connect that finished or failed). */
static void on_poll(lg_worker *w, lg_conn *c, const struct io_uring_cqe *cqe)
{
    uint32_t ev = EPOLLOUT;
    if (cqe->res < 0 || (cqe->res & (POLLERR | POLLHUP)))
        ev |= EPOLLERR;
    uint32_t gen = c->gen;
    c->epout = false;
    lg_conn_event(c, ev);
    lg_uring *u = w->ur;
    if (c->fd >= 0 && c->gen == gen && c->state != LG_C_CONNECTING &&
        u->armed[c - w->conns] != (c->gen & 0xffffffu) + 1)
        arm_recv(c);                       /* connected: from now on a receive is armed */
}

static void on_cqe(lg_worker *w, const struct io_uring_cqe *cqe)
{
    uint64_t ud = io_uring_cqe_get_data64(cqe);
    size_t idx = (size_t)(ud >> 32);
    int op = (int)(ud & 0xff);
    lg_conn *c = idx < w->nconns ? &w->conns[idx] : NULL;
    bool live = c != NULL && c->fd >= 0 && (c->gen & 0xffffffu) == ((ud >> 8) & 0xffffffu);
    switch (op) {
    case OP_RECV:
        on_recv(w, c, live, cqe);
        break;
    case OP_SEND:                          /* only failed sends complete */
        if (live)
            lg_conn_fail(c, LG_ERR_WRITE, rg_now_ns());
        break;
    case OP_POLL:
        if (live)
            on_poll(w, c, cqe);
        break;
    default:
        break;
    }
}

void lg_uring_wait(lg_worker *w, uint64_t now, uint64_t wake)
{
    lg_uring *u = w->ur;
    uint64_t d = wake > now ? wake - now : 0;
    struct __kernel_timespec ts = {.tv_sec = (long long)(d / 1000000000u),
                                   .tv_nsec = (long long)(d % 1000000000u)};
    struct io_uring_cqe *cqe;
    io_uring_submit_and_wait_timeout(&u->ring, &cqe, 1, &ts, NULL);
    unsigned head, n = 0;
    io_uring_for_each_cqe(&u->ring, head, cqe) {
        on_cqe(w, cqe);
        n++;
    }
    io_uring_cq_advance(&u->ring, n);
}
