/*
 * tests/unit/loadgen/test_loadgen_uring.c — the io_uring engine's wait (loadgen/uring.c), the
 * one place where it differs from the epoll loop in time: a wait must not return before its
 * wake nor sleep past it (a timeout taken from the wrong timer), a send queued before the wait
 * must be on the socket when the wait returns (a submission left queued), and a receive that
 * completes during a long wait must end the wait and reach conn.c in that same wait (deferred
 * task work reaped late). Each checks what could fail by a wide margin against the bound (no
 * timing threshold near the expected value). Skipped where this kernel gives no io_uring.
 */
#include <pthread.h>
#include <stdio.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "core/clock.h"
#include "loadgen/lg_int.h"
#include "tests/unit/unit.h"

#define MS 1000000u

static const char resp[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
static lg_req req = {.buf = "GET / HTTP/1.1\r\nHost: x\r\n\r\n", .len = 27};

/* One worker on the io_uring engine with one connection slot; te = 0: every request is
 * outside the window, so nothing is ever due or reconnected. */
static int make_worker(lg_worker *w, lg_shared *sh)
{
    char err[RG_ERRLEN];
    memset(sh, 0, sizeof *sh);
    sh->reqs = &req;
    sh->nreqs = 1;
    sh->keepalive = true;
    sh->conns_total = 1;
    sh->timeout_ns = 10000u * MS;
    sh->sigfigs = 3;
    sh->uring = true;
    if (lg_worker_init(w, 0, sh, 1, 0, 0, err) < 0 || lg_uring_start(w) < 0) {
        printf("#   worker: %s\n", err);
        return -1;
    }
    return 0;
}

/* With nothing to complete, the wait sleeps until its wake: never less, and not 50 times more
 * (40 waits of 2 ms; a wait that slept to the 100 ms sweep instead would take 4 s). */
static void test_wait_until_wake(void)
{
    lg_worker w;
    lg_shared sh;
    if (make_worker(&w, &sh) < 0) {
        CHECK(0);
        return;
    }
    uint64_t t0 = rg_now_ns();
    for (int i = 0; i < 40; i++) {
        uint64_t now = rg_now_ns(), wake = now + 2 * MS;
        lg_uring_wait(&w, now, wake);
        uint64_t after = rg_now_ns();
        CHECK_MSG(after >= wake, "wait %d returned %lld ns before its wake", i,
                  (long long)(wake - after));
    }
    uint64_t total = rg_now_ns() - t0;
    CHECK_MSG(total < 2000u * MS, "40 waits of 2 ms took %.1f ms", (double)total / 1e6);
    lg_worker_free(&w);
}

/* A send queued before a wait whose wake has passed is on the socket when the wait returns. */
static void test_send_submitted_by_wait(void)
{
    lg_worker w;
    lg_shared sh;
    int sv[2];
    if (make_worker(&w, &sh) < 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
        CHECK(0);
        return;
    }
    lg_conn *c = &w.conns[0];
    c->fd = sv[0];
    lg_uring_send(c, req.buf, req.len);
    uint64_t now = rg_now_ns();
    lg_uring_wait(&w, now, now);
    char buf[64];
    ssize_t n = recv(sv[1], buf, sizeof buf, MSG_DONTWAIT);
    CHECK_INT(n, (long long)req.len);
    c->fd = -1;
    close(sv[0]);
    close(sv[1]);
    lg_worker_free(&w);
}

static void *answer_later(void *arg)
{
    int fd = *(int *)arg;
    struct timespec d = {0, 50 * MS};
    nanosleep(&d, NULL);
    ssize_t n = write(fd, resp, sizeof resp - 1);
    (void)n;
    return NULL;
}

/* A response arriving 50 ms into a 5 s wait ends the wait, completed by conn.c within it. */
static void test_recv_ends_wait(void)
{
    lg_worker w;
    lg_shared sh;
    int sv[2];
    pthread_t t;
    if (make_worker(&w, &sh) < 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
        CHECK(0);
        return;
    }
    lg_conn *c = &w.conns[0];
    c->fd = sv[0];
    c->state = LG_C_READING;   /* a request in flight, as send_request leaves it */
    c->cur = &req;
    w.inflight = 1;
    http_parser_init(&c->parser, HTTP_RESPONSE);
    c->parser.data = c;
    lg_uring_watch(c, false);   /* arm the receive */
    pthread_create(&t, NULL, answer_later, &sv[1]);
    uint64_t now = rg_now_ns();
    lg_uring_wait(&w, now, now + 5000u * MS);
    uint64_t took = rg_now_ns() - now;
    pthread_join(t, NULL);
    CHECK_MSG(took < 2500u * MS, "the wait took %.1f ms for a response after 50 ms",
              (double)took / 1e6);
    CHECK_INT(c->state, LG_C_DONE);   /* completed; the window (te = 0) is over: no more */
    CHECK_INT(w.c.outside, 1);
    CHECK_INT(w.inflight, 0);
    lg_conn_close(c);   /* shutdown + close: the re-armed receive ends */
    close(sv[1]);
    lg_worker_free(&w);
}

int main(void)
{
    if (!lg_uring_available()) {
        printf("ok 1 - io_uring wait # SKIP io_uring is not available here\n1..1\n");
        return 0;
    }
    RUN(test_wait_until_wake);
    RUN(test_send_submitted_by_wait);
    RUN(test_recv_ends_wait);
    return unit_done();
}
