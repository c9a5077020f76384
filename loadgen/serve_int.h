/*
 * loadgen/serve_int.h — `rigor serve`'s engine (serve.c) as used by its command (cmd_serve.c)
 * and the unit tests. Private to loadgen/.
 */
#ifndef RIGOR_LOADGEN_SERVE_INT_H
#define RIGOR_LOADGEN_SERVE_INT_H

#include <stdint.h>
#include <sys/socket.h>

enum { LG_SV_DELAY_NONE, LG_SV_DELAY_FIXED, LG_SV_DELAY_EXP, LG_SV_DELAY_UNIFORM };
enum { LG_SV_FAULT_NONE, LG_SV_FAULT_CLOSE, LG_SV_FAULT_RESET, LG_SV_FAULT_GARBAGE,
       LG_SV_FAULT_STALL, LG_SV_NFAULT };

typedef struct lg_serve_opts {
    struct sockaddr_storage addr;
    socklen_t addrlen;
    int threads;
    uint64_t body_size;
    int status;
    int delay_kind;
    double delay_a, delay_b;   /* seconds: fixed a; exp mean a; uniform a..b */
    int fault;
    double fault_rate;         /* 0..1 */
} lg_serve_opts;

typedef struct lg_serve_stats {
    uint64_t requests;         /* complete requests parsed */
    uint64_t responses;        /* responses written (queued for writing) */
    uint64_t connections;      /* accepted */
    uint64_t bad_requests;     /* unparsable requests (answered 400) */
    uint64_t faults[LG_SV_NFAULT];
} lg_serve_stats;

typedef struct lg_server lg_server;

/*
 * Parse --delay: "10ms" (fixed), "exp:MEAN", "uniform:A:B". 0, or -1 with err.
 */
int lg_serve_parse_delay(const char *s, lg_serve_opts *o, char *err);
/* Parse "HOST:PORT", "[V6]:PORT" or ":PORT"/"PORT" (127.0.0.1). 0, or -1 with err. */
int lg_serve_parse_listen(const char *s, lg_serve_opts *o, char *err);

/*
 * Bind the listening sockets (one per thread, SO_REUSEPORT, the port chosen by the first when
 * 0) and start the threads. NULL with err (address in use, bad address...).
 */
lg_server *lg_serve_start(const lg_serve_opts *o, char *err);
/* The port actually listened on. */
uint16_t lg_serve_port(const lg_server *s);
/* Stop the threads (within ~100 ms), sum their statistics into *st, free everything. */
void lg_serve_stop(lg_server *s, lg_serve_stats *st);

#endif
