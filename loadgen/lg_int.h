/*
 * loadgen/lg_int.h — private declarations shared by the files of loadgen/ (never included
 * from another module; the unit tests of this module may include it).
 *
 * Pieces: URL parsing and request serialization (url.c), the open-loop schedule and the
 * split of work across threads (schedule.c), the per-thread engine (engine.c, conn.c), TLS
 * with OpenSSL behind small handshake/read/write functions (tls.c), and the controller that
 * turns a run into a dataset object (run.c).
 *
 * OpenSSL's types appear here only as incomplete struct pointers (struct ssl_st is SSL,
 * struct ssl_ctx_st SSL_CTX, struct ssl_session_st SSL_SESSION): only tls.c includes
 * <openssl/ssl.h>.
 */
#ifndef RIGOR_LOADGEN_LG_INT_H
#define RIGOR_LOADGEN_LG_INT_H

#include <http_parser.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <time.h>
#include "core/err.h"
#include "core/heap.h"
#include "core/hist.h"
#include "core/units.h"
#include "loadgen/loadgen.h"

/* ---- the request (url.c; URL parsing is public, loadgen.h) ---- */

/*
 * Serialize the request once (RFC 9112 §3): request line, Host unless given, the headers,
 * Content-Length when there is a body, Connection: close when !keepalive, body.
 * Returns a new buffer (caller frees) and its length, or NULL with err.
 */
char *lg_request_build(const lg_config *cfg, const lg_url *u, size_t *len, char *err);

/* One pre-serialized request of the run (the URL's, or one per targets entry). */
typedef struct lg_req {
    const char *buf;
    size_t len;
    uint32_t ep;          /* endpoint index (0 for a single URL) */
    bool head;            /* HEAD: the response has no body */
} lg_req;

/*
 * The run's requests: one for a single URL, one per entry of cfg->targets (each entry's
 * method, URL, headers and body with cfg's -H headers added). *bufs owns the buffers (free
 * each, then the arrays). 0, or -1 with err naming the entry.
 */
int lg_requests_build(const lg_config *cfg, const lg_url *u, lg_req **reqs, size_t *n,
                      char ***bufs, char *err);

/* ---- schedule and split (schedule.c) ---- */

/*
 * Open loop: the n-th request of the whole run (n = k * C + g for the k-th request of global
 * connection g out of C) is intended at start + n / rate seconds. Connection g's requests are
 * thus at offset g / rate and interval C / rate: all sends together form one evenly spaced
 * sequence. Computed from n each time, so there is no drift.
 */
uint64_t lg_sched_time(uint64_t start_ns, double rate, uint64_t n);

/* Share i (0-based) of total split into parts as evenly as possible (remainder to the first). */
uint64_t lg_split(uint64_t total, uint64_t parts, uint64_t i);
/* First global index of share i (sum of the shares before it). */
uint64_t lg_split_base(uint64_t total, uint64_t parts, uint64_t i);

/* Number of intended send times n (any n >= 0) with from <= time(n) < to. */
uint64_t lg_sched_count(uint64_t start_ns, double rate, uint64_t from_ns, uint64_t to_ns);

/*
 * A rate ramp (--rate A:B): the rate goes linearly from r0 to r1 over span_ns, then stays at
 * r1. The n-th intended send is at start + t where the ramp's cumulative count
 * r0 t + (r1 - r0) t^2 / (2 span) reaches n (after the span: span + (n - N(span)) / r1).
 * r0 >= 0, r1 > 0. Computed from n: no drift.
 */
uint64_t lg_ramp_time(uint64_t start_ns, double r0, double r1, uint64_t span_ns, uint64_t n);
/* Number of n with from <= lg_ramp_time(n) < to. */
uint64_t lg_ramp_count(uint64_t start_ns, double r0, double r1, uint64_t span_ns,
                       uint64_t from_ns, uint64_t to_ns);

/* ---- the engine (engine.c, conn.c) ---- */

enum { LG_ERR_CONNECT, LG_ERR_READ, LG_ERR_WRITE, LG_ERR_TIMEOUT, LG_ERR_PROTOCOL,
       LG_ERR_STATUS, LG_ERR_TLS, LG_NERR };

#define LG_NSTATUS 1000
#define LG_SEC_RING 4
#define LG_RBUF (64 * 1024)
/* A slot's first connection waits this long, quiet, before its first request (conn.c), and
 * not before LEAD into the run; lg_run opens a closed-loop window no earlier than LEAD, so
 * the wait is never measured. */
#define LG_PROBATION_NS 10000000u
#define LG_PROBATION_LEAD_NS 20000000u

/* Everything the workers share, read-only once they run. */
typedef struct lg_shared {
    struct sockaddr_storage addr;
    socklen_t addrlen;
    const lg_req *reqs;    /* nreqs >= 1 pre-serialized requests */
    size_t nreqs;
    const double *cum;     /* weighted mix: cumulative weights (cum[nreqs-1] = total); NULL =
                            * round-robin per connection */
    size_t nep;            /* endpoints recorded apart (0: a single URL, only the totals) */
    bool keepalive;
    double rate;           /* 0 = closed loop */
    bool rate_ramp;        /* open loop: rate0 -> rate over ramp_span_ns (schedule.c) */
    double rate0;
    uint64_t ramp_span_ns;
    lg_think think;        /* closed loop: pause after each response (kind NONE: none) */
    uint64_t ramp_ns;      /* connection g of C opens at t0 + ramp_ns * g / C */
    uint64_t conns_total;
    uint64_t t0, tw, te;   /* start, window start (after warm-up), window end (UINT64_MAX with -n) */
    uint64_t grid0;        /* start of second 0 of the time series (<= tw): tw itself, or the
                            * whole second of the reference clock that tw falls in */
    uint64_t timeout_ns;
    bool count_mode;       /* -n */
    int sigfigs;
    struct ssl_ctx_st *tls;  /* https: the run's client context (tls.c); NULL for http */
    const char *tls_host;  /* the URL's host: SNI unless an IP literal */
    bool tls_resume;       /* offer each thread's latest session on new connections */
    bool uring;            /* the io_uring engine (uring.c) instead of epoll */
} lg_shared;

/* One second of the time series, filled by one worker, read and reset by the controller. */
typedef struct lg_sec_slot {
    rg_hist *hist;
    uint64_t requests, errors;
    uint64_t conns;       /* connections established at the end of the second */
} lg_sec_slot;

/* One endpoint's counters in one worker (a request mix), summed after join. */
typedef struct lg_ep_counts {
    uint64_t requests;
    uint64_t err[LG_NERR];
    uint64_t status[6];   /* by class: [1] 1xx ... [5] 5xx, [0] other */
    rg_hist *lat;
} lg_ep_counts;

/* Counters of one worker (summed after join). */
typedef struct lg_counts {
    uint64_t requests, bytes_in, bytes_out;
    uint64_t outside;         /* responses completed outside the window (warm-up, after it) */
    uint64_t inflight_end;    /* requests written but unanswered when the worker stopped */
    uint64_t opened;          /* connections established, whole run */
    uint64_t server_closes;   /* measured responses after which the server closed (keep-alive asked) */
    uint64_t err[LG_NERR];
    uint64_t status[LG_NSTATUS];
} lg_counts;

/* TLS handshakes of one worker (summed after join). */
typedef struct lg_tls_counts {
    uint64_t handshakes, resumed, v12, v13;
} lg_tls_counts;

typedef struct lg_worker lg_worker;
typedef struct lg_uring lg_uring;

/*
 * The life of a connection slot (conn.c). Every state, and the function that makes each move:
 *
 *              lg_conn_start()              connected() -> ready() -> issue_next(), or
 *   CLOSED ---------------------> CONNECTING ----------------------------------> IDLE
 *     ^                               |      after the probation (conn.c)  ^  |    ^
 *     |             https: connected()|      via lg_conn_due()             |  |    |
 *     |             -> start_tls()    v      handshake() done: ready()     |  |    | complete()
 *     |                           HANDSHAKE -------------------------------+  |    | (keep-alive)
 *     |                     handshake() again on each event while             |    |
 *     |                     OpenSSL wants to read or write         send_request(): at once
 *     |                                                            (closed loop), or when
 *     |                                                            lg_conn_due() (open loop)
 *     |                                                                       v    |
 *     |                                                              WRITING ----> READING
 *     |                                                          write_more() sent it all
 *     |
 *     +--- lg_conn_fail() -> reconnect() -> lg_conn_close(), from any state: the new
 *          connection starts at once, or from lg_conn_due() after the connect back-off
 *          (a failed connect or TLS handshake)
 *
 *   IDLE or CLOSED -> DONE   issue_next(), reconnect() or lg_conn_due() when budget_left()
 *                            says no more requests (window over, -n budget spent)
 *   READING -> CLOSED        complete() without keep-alive, eof() on an idle connection:
 *                            reconnect()
 *   any -> CLOSED            lg_conn_close() at the end of the run
 *
 * A request is in flight (counted in lg_worker.inflight) exactly in WRITING and READING;
 * bytes from the server in any other state are a protocol error. A connection is set up
 * (promised, with -n) from CLOSED until ready(); every failure while CONNECTING is a
 * `connect` error and every failure in HANDSHAKE a `tls` error.
 */
enum lg_conn_state { LG_C_CLOSED, LG_C_CONNECTING, LG_C_HANDSHAKE, LG_C_IDLE, LG_C_WRITING,
                     LG_C_READING, LG_C_DONE };

typedef struct lg_conn {
    rg_heap_node hn;      /* open-loop due time or reconnect time */
    lg_worker *w;
    struct ssl_st *ssl;   /* https: the connection's TLS state (tls.c); NULL for http */
    int fd;
    uint32_t gen;         /* bumped at every close: tells a stale event from a fresh one */
    enum lg_conn_state state;
    bool epout;           /* EPOLLOUT registered */
    bool complete;        /* set by the parser callback */
    bool measured;        /* -n: this request was issued inside the window */
    bool promised;        /* -n: being (re)connected to carry a request of the budget */
    uint64_t probation_ns;   /* > 0: established, waiting this long quiet (conn.c) */
    uint64_t proven_ns;      /* the probation it passed (UINT64_MAX in open loop) */
    bool sent_any;           /* the slot has sent a request in this run (conn.c probation) */
    http_parser parser;
    size_t woff;
    uint64_t intended, sent;  /* sent: also when the connect or the handshake began */
    uint64_t gidx;        /* global connection index (open-loop schedule) */
    uint64_t k;           /* requests issued by this connection slot (open loop) */
    const lg_req *cur;    /* the request in flight (or last sent) */
    size_t ri;            /* round-robin mix: index of the last request sent */
    uint64_t think_until; /* closed loop with think time: no request before this */
    bool up;              /* established (counted in lg_worker.open) */
} lg_conn;

struct lg_worker {
    int id;
    pthread_t tid;
    const lg_shared *sh;
    int epfd;
    lg_uring *ur;         /* the io_uring engine's state, or NULL: epoll (uring.c) */
    lg_conn *conns;
    size_t nconns;
    uint64_t budget;      /* -n share; 0 when not in count mode */
    uint64_t issued;      /* charged against the budget */
    uint64_t promised;    /* connections opening to carry a request (see conn.c) */
    uint64_t inflight;
    uint64_t sent_window; /* open loop: requests sent with intended time inside the window */
    rg_heap heap;
    char *rbuf;
    rg_hist *lat, *lat_unc;
    rg_hist *conn_tcp, *conn_tls;  /* connection setup (µs), every connection of the run */
    lg_counts c;
    lg_tls_counts tls;
    struct ssl_session_st **tls_pool;  /* sessions the server gave, newest last (tls.c) */
    uint32_t tls_npool;
    char tls_cipher[64], tls_alpn[32];  /* of the first handshake */
    char tls_err[200];    /* why the first TLS failure happened; "" if none */
    uint64_t last_done_ns;
    lg_ep_counts *ep;     /* sh->nep endpoints, NULL without a mix */
    uint64_t rng;         /* xorshift64* state: weighted mix, think time */
    uint64_t open;        /* connections established now (the series' "connections") */
    uint64_t first_fd_error;  /* errno of the first socket() failure, 0 if none */
    bool talks_first;         /* the server sent bytes before a request (conn.c probation) */
    uint64_t probation_ns;    /* a new connection's probation once talks_first is set */
    /* time series: worker writes ring[s % LG_SEC_RING] while in second s */
    lg_sec_slot ring[LG_SEC_RING];
    int64_t cur_sec;
    bool sec_skip;
    _Atomic int64_t sec_done;      /* last second this worker finished */
    _Atomic int64_t sec_consumed;  /* last second the controller consumed */
    _Atomic uint64_t prog_requests, prog_errors;
    _Atomic int finished;
    char err[RG_ERRLEN];
};


/* conn.c: start a connection slot (connect, then send when due). */
void lg_conn_start(lg_conn *c, uint64_t now);
/* conn.c: handle epoll events for c. */
void lg_conn_event(lg_conn *c, uint32_t events);
/* conn.c: the heap said c is due (reconnect after back-off, or open-loop send). */
void lg_conn_due(lg_conn *c, uint64_t now);
/* conn.c: count an error of this kind on c, close it and replace the connection. */
void lg_conn_fail(lg_conn *c, int kind, uint64_t now);
/* conn.c: close the socket (end of run). */
void lg_conn_close(lg_conn *c);

/* engine.c: a connection's TCP connect (tls false) or TLS handshake (tls true) took ns. */
void lg_worker_setup(lg_worker *w, bool tls, uint64_t ns);
/* engine.c: a response completed on c at now with this status. */
void lg_worker_done(lg_worker *w, lg_conn *c, uint64_t now, unsigned status);
/* engine.c: count an error; req_measured says whether the failed request was inside the
 * window; ep the endpoint of the failed request, or -1 (a connect error carries none). */
void lg_worker_error(lg_worker *w, int kind, uint64_t now, bool req_measured, long ep);
/* engine.c: a uniform random number in [0, 1) from the worker's generator. */
double lg_worker_rand(lg_worker *w);

/* Allocate a worker's state for nconns connections (global indexes from gbase). 0 or -1. */
int lg_worker_init(lg_worker *w, int id, const lg_shared *sh, size_t nconns, uint64_t gbase,
                   uint64_t budget, char *err);
void lg_worker_free(lg_worker *w);
/* Thread body: run the event loop until the window ends, the budget is done or stop. */
void *lg_worker_main(void *arg);

/* ---- the io_uring engine (uring.c): conn.c's I/O through io_uring instead of epoll ---- */

/* 1 when this kernel gives io_uring with what uring.c uses (probed once, then remembered). */
bool lg_uring_available(void);
/* Create w's ring (disabled) and receive buffers for its connections; 0, or -1 with err. */
int lg_uring_init(lg_worker *w, char *err);
void lg_uring_free(lg_worker *w);   /* accepts a worker without a ring */
/* In the worker thread, before any I/O: make it the ring's single issuer. 0 or -errno. */
int lg_uring_start(lg_worker *w);
/* A new socket: poll for the end of its connect (connecting), or arm its receive. */
void lg_uring_watch(lg_conn *c, bool connecting);
/* conn.c asks for EPOLLOUT: a one-shot poll for writability. */
void lg_uring_want_out(lg_conn *c);
/* Queue a send of the whole buffer (it must live until sent: the request is shared). */
void lg_uring_send(lg_conn *c, const char *buf, size_t n);
/* Before close(): end the receive and poll in flight so the socket is released. */
void lg_uring_shutdown(lg_conn *c);
/* conn.c's read: the completion being handled (bytes in *buf, 0 at EOF, LG_IO_ERR), or
 * LG_IO_AGAIN when there is none. */
ssize_t lg_uring_take(lg_worker *w, char **buf);
/* Submit what is queued, wait for completions until wake at most, and handle them. */
void lg_uring_wait(lg_worker *w, uint64_t now, uint64_t wake);

/* ---- TLS (tls.c): OpenSSL behind results the connection state machine acts on ---- */

/* What a TLS (or plain) I/O call did, besides returning bytes (> 0) or end of stream (0). */
enum { LG_IO_DONE = 1, LG_IO_AGAIN = -1, LG_IO_WANT_WRITE = -2, LG_IO_ERR = -3,
       LG_IO_TLS = -4 };

/* The run's client context from cfg and its URL: verification, trust, versions, ALPN
 * http/1.1, resumption. NULL with err (unreadable --cacert...). */
struct ssl_ctx_st *lg_tls_ctx(const lg_config *cfg, const lg_url *u, uint64_t conns, char *err);
void lg_tls_ctx_free(struct ssl_ctx_st *ctx);   /* accepts NULL */
/* Attach a TLS state to c's connected socket (SNI, the worker's session). 0 or -1. */
int lg_tls_open(lg_conn *c);
/* One step of the handshake: LG_IO_DONE (counted), LG_IO_AGAIN (wants to read),
 * LG_IO_WANT_WRITE, or LG_IO_TLS (failed; the reason is kept in w->tls_err). */
int lg_tls_handshake(lg_conn *c);
/* SSL_read/SSL_write: bytes, 0 at the end of the stream (read), or an LG_IO_* code:
 * AGAIN (no data / would block), WANT_WRITE (read needs the socket writable), ERR (a
 * socket error, errno), TLS (a TLS failure, reason in w->tls_err). */
ssize_t lg_tls_read(lg_conn *c, char *buf, size_t n);
ssize_t lg_tls_write(lg_conn *c, const char *buf, size_t n);
/* True when OpenSSL holds bytes already read from the socket (epoll will not say so). */
bool lg_tls_pending(const lg_conn *c);
/* Free c's TLS state without any I/O (no close_notify: the socket is closed next). */
void lg_tls_close(lg_conn *c);
/* Free a worker's saved sessions. */
void lg_tls_worker_free(lg_worker *w);

/* Shared stop flag (run.c); checked by workers once per loop iteration. */
extern atomic_int lg_stop_flag;

#endif
