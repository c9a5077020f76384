/*
 * bench/io_probe.c — would an io_uring engine make `rigor load` cheaper per request?
 *
 * A closed-loop HTTP/1.1 keep-alive client reduced to the I/O: C connections on one thread,
 * each writing the same GET and reading its response (framed by Content-Length), driven
 * either the way loadgen/conn.c does it (level-triggered epoll, EPOLLIN registered once, one
 * send() and usually one read() per request) or through io_uring (liburing): every send and
 * receive is a submission, and one io_uring_submit_and_wait() per loop iteration submits
 * them all and waits, so the system calls per request fall to about 1 / (completions per
 * iteration). Mode "uring-ms" receives with multishot recv into a provided-buffer ring (no
 * re-arming). The user-space work per response is the same in every mode, so the CPU time
 * per request (getrusage, user + system) says what the I/O method costs.
 *
 *   cc -O2 -o io_probe bench/io_probe.c -luring
 *   io_probe MODE HOST PORT CONNS SECONDS      (MODE: epoll | uring | uring-ms)
 *
 * Prints one line: mode, requests, requests/s, CPU µs per request, user and system shares,
 * io_uring_enter or epoll_wait calls per request. Used by bench/loadgen_io.sh; never a test.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <liburing.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define RBUF 16384
#define NBUFS 1024        /* provided buffers (uring-ms), a power of two */

typedef struct conn {
    int fd;
    size_t have;          /* response bytes so far */
    size_t need;          /* head + body once the head is complete, else 0 */
    char head[1024];      /* the head gathered until its end is seen */
    size_t head_len;
} conn;

static char req[256];
static size_t req_len;
static uint64_t done;

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Feed response bytes; returns 1 when the response completed (no pipelining here). */
static int feed(conn *c, const char *p, size_t n)
{
    if (c->need == 0) {
        size_t k = n < sizeof c->head - c->head_len ? n : sizeof c->head - c->head_len;
        memcpy(c->head + c->head_len, p, k);
        c->head_len += k;
        char *end = memmem(c->head, c->head_len, "\r\n\r\n", 4);
        if (end != NULL) {
            char *cl = memmem(c->head, (size_t)(end - c->head), "ength:", 6);
            size_t body = cl ? strtoul(cl + 6, NULL, 10) : 0;
            c->need = (size_t)(end - c->head) + 4 + body;
        }
    }
    c->have += n;
    if (c->need == 0 || c->have < c->need)
        return 0;
    c->have = c->need = c->head_len = 0;
    done++;
    return 1;
}

static int dial(const char *host, int port)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, host, &a.sin_addr);
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        perror("connect");
        exit(1);
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

static uint64_t run_epoll(conn *cs, int n, uint64_t end)
{
    int ep = epoll_create1(0);
    char *buf = malloc(RBUF);
    struct epoll_event evs[256];
    uint64_t waits = 0;
    for (int i = 0; i < n; i++) {
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &cs[i]};
        epoll_ctl(ep, EPOLL_CTL_ADD, cs[i].fd, &ev);
        send(cs[i].fd, req, req_len, MSG_NOSIGNAL);
    }
    while (now_ns() < end) {
        int k = epoll_wait(ep, evs, 256, 100);
        waits++;
        for (int i = 0; i < k; i++) {
            conn *c = evs[i].data.ptr;
            ssize_t r = read(c->fd, buf, RBUF);
            if (r <= 0)
                exit(2);
            if (feed(c, buf, (size_t)r))
                send(c->fd, req, req_len, MSG_NOSIGNAL);
        }
    }
    return waits;
}

/* user_data: connection index << 1 | 1 for a receive */
static void prep_recv(struct io_uring *ring, conn *cs, int i, char *bufs, int multishot)
{
    struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
    if (multishot) {
        io_uring_prep_recv_multishot(sqe, cs[i].fd, NULL, 0, 0);
        sqe->flags |= IOSQE_BUFFER_SELECT;
        sqe->buf_group = 0;
    } else {
        io_uring_prep_recv(sqe, cs[i].fd, bufs + (size_t)i * RBUF, RBUF, 0);
    }
    io_uring_sqe_set_data64(sqe, ((uint64_t)i << 1) | 1);
}

static void prep_send(struct io_uring *ring, conn *cs, int i)
{
    struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
    io_uring_prep_send(sqe, cs[i].fd, req, req_len, MSG_NOSIGNAL);
    io_uring_sqe_set_data64(sqe, (uint64_t)i << 1);
}

static uint64_t run_uring(conn *cs, int n, uint64_t end, int ms)
{
    struct io_uring ring;
    struct io_uring_params p = {.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_COOP_TASKRUN};
    if (io_uring_queue_init_params(4 * (unsigned)n + 64, &ring, &p) < 0) {
        fprintf(stderr, "io_uring unavailable\n");
        exit(1);
    }
    char *bufs = malloc((size_t)(ms ? NBUFS : n) * RBUF);
    struct io_uring_buf_ring *br = NULL;
    if (ms) {
        /* liburing 2.3 has no io_uring_setup_buf_ring: map and register the ring by hand */
        br = mmap(NULL, NBUFS * sizeof(struct io_uring_buf), PROT_READ | PROT_WRITE,
                  MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
        struct io_uring_buf_reg reg = {.ring_addr = (unsigned long)br, .ring_entries = NBUFS,
                                       .bgid = 0};
        io_uring_buf_ring_init(br);
        int err = io_uring_register_buf_ring(&ring, &reg, 0);
        if (br == MAP_FAILED || err != 0) {
            fprintf(stderr, "no buffer ring: %s\n", strerror(-err));
            exit(1);
        }
        for (int b = 0; b < NBUFS; b++)
            io_uring_buf_ring_add(br, bufs + (size_t)b * RBUF, RBUF, (unsigned short)b,
                                  io_uring_buf_ring_mask(NBUFS), b);
        io_uring_buf_ring_advance(br, NBUFS);
    }
    for (int i = 0; i < n; i++) {
        prep_recv(&ring, cs, i, bufs, ms);
        prep_send(&ring, cs, i);
    }
    uint64_t enters = 0;
    struct __kernel_timespec ts = {.tv_sec = 0, .tv_nsec = 100000000};
    while (now_ns() < end) {
        struct io_uring_cqe *cqe;
        io_uring_submit_and_wait_timeout(&ring, &cqe, 1, &ts, NULL);
        enters++;
        unsigned head, seen = 0;
        io_uring_for_each_cqe(&ring, head, cqe) {
            seen++;
            uint64_t ud = io_uring_cqe_get_data64(cqe);
            int i = (int)(ud >> 1);
            if (!(ud & 1))
                continue;                  /* a send completed (short sends not expected) */
            if (cqe->res <= 0)
                exit(3);
            const char *data;
            unsigned bid = 0;
            if (ms) {
                bid = cqe->flags >> IORING_CQE_BUFFER_SHIFT;
                data = bufs + (size_t)bid * RBUF;
            } else {
                data = bufs + (size_t)i * RBUF;
            }
            int complete = feed(&cs[i], data, (size_t)cqe->res);
            if (ms) {
                io_uring_buf_ring_add(br, bufs + (size_t)bid * RBUF, RBUF, (unsigned short)bid,
                                      io_uring_buf_ring_mask(NBUFS), 0);
                io_uring_buf_ring_advance(br, 1);
                if (!(cqe->flags & IORING_CQE_F_MORE))
                    prep_recv(&ring, cs, i, bufs, 1);
            } else {
                prep_recv(&ring, cs, i, bufs, 0);
            }
            if (complete)
                prep_send(&ring, cs, i);
        }
        io_uring_cq_advance(&ring, seen);
    }
    return enters;
}

int main(int argc, char **argv)
{
    if (argc != 6) {
        fprintf(stderr, "usage: io_probe epoll|uring|uring-ms HOST PORT CONNS SECONDS\n");
        return 2;
    }
    const char *mode = argv[1];
    int n = atoi(argv[4]);
    req_len = (size_t)snprintf(req, sizeof req, "GET / HTTP/1.1\r\nHost: %s:%s\r\n\r\n",
                               argv[2], argv[3]);
    conn *cs = calloc((size_t)n, sizeof *cs);
    for (int i = 0; i < n; i++)
        cs[i].fd = dial(argv[2], atoi(argv[3]));
    struct rusage r0, r1;
    getrusage(RUSAGE_SELF, &r0);
    uint64_t t0 = now_ns(), end = t0 + (uint64_t)(atof(argv[5]) * 1e9);
    uint64_t calls;
    if (strcmp(mode, "epoll") == 0)
        calls = run_epoll(cs, n, end);
    else
        calls = run_uring(cs, n, end, strcmp(mode, "uring-ms") == 0);
    uint64_t t1 = now_ns();
    getrusage(RUSAGE_SELF, &r1);
    double us = (double)(r1.ru_utime.tv_sec - r0.ru_utime.tv_sec) * 1e6 +
                (double)(r1.ru_utime.tv_usec - r0.ru_utime.tv_usec);
    double sy = (double)(r1.ru_stime.tv_sec - r0.ru_stime.tv_sec) * 1e6 +
                (double)(r1.ru_stime.tv_usec - r0.ru_stime.tv_usec);
    printf("%s requests %llu rps %.0f cpu_us_per_req %.3f user %.3f sys %.3f waits_per_req %.3f\n",
           mode, (unsigned long long)done, (double)done / ((double)(t1 - t0) / 1e9),
           (us + sy) / (double)done, us / (double)done, sy / (double)done,
           (double)calls / (double)done);
    return 0;
}
