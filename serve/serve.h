/*
 * serve/serve.h — `rigor serve`, the reference HTTP target: the engine (serve.c) as used by
 * its command (cmd_serve.c), by tests that need a server inside their own process, and by
 * nothing else. The module needs only core/.
 */
#ifndef RIGOR_SERVE_SERVE_H
#define RIGOR_SERVE_SERVE_H

#include <stdint.h>
#include <sys/socket.h>

enum { SV_DELAY_NONE, SV_DELAY_FIXED, SV_DELAY_EXP, SV_DELAY_UNIFORM };
enum { SV_FAULT_NONE, SV_FAULT_CLOSE, SV_FAULT_RESET, SV_FAULT_GARBAGE,
       SV_FAULT_STALL, SV_NFAULT };

typedef struct sv_opts {
    struct sockaddr_storage addr;
    socklen_t addrlen;
    int threads;
    uint64_t body_size;
    int status;
    int delay_kind;
    double delay_a, delay_b;   /* seconds: fixed a; exp mean a; uniform a..b */
    int fault;
    double fault_rate;         /* 0..1 */
    double idle_timeout_s;     /* close a connection silent this long (0 = never) */
    double header_timeout_s;   /* close one whose request head takes longer (0 = never) */
} sv_opts;

typedef struct sv_stats {
    uint64_t requests;         /* complete requests parsed */
    uint64_t responses;        /* responses written (queued for writing) */
    uint64_t connections;      /* accepted */
    uint64_t bad_requests;     /* unparsable requests (answered 400) */
    uint64_t timeouts;         /* connections closed by the idle or header timeout */
    uint64_t accept_pauses;    /* times accepting stopped for want of descriptors */
    uint64_t faults[SV_NFAULT];
} sv_stats;

typedef struct sv_server sv_server;

/*
 * Parse --delay: "10ms" (fixed), "exp:MEAN", "uniform:A:B". 0, or -1 with err.
 */
int sv_parse_delay(const char *s, sv_opts *o, char *err);
/* Parse "HOST:PORT", "[V6]:PORT" or ":PORT"/"PORT" (127.0.0.1). 0, or -1 with err. */
int sv_parse_listen(const char *s, sv_opts *o, char *err);

/*
 * Bind the listening sockets (one per thread, SO_REUSEPORT, the port chosen by the first when
 * 0) and start the threads. NULL with err (address in use, bad address...).
 */
sv_server *sv_start(const sv_opts *o, char *err);
/* The port actually listened on. */
uint16_t sv_port(const sv_server *s);
/* Stop the threads (within ~100 ms), sum their statistics into *st, free everything. */
void sv_stop(sv_server *s, sv_stats *st);

#endif
