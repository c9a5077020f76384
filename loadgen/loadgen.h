/*
 * loadgen/loadgen.h — the public face of the load generator: the bottom of the graph, used by
 * `rigor load` (its own command, core/cli.h) and by the plan runner (plan/).
 *
 * lg_run() is the engine entry point: it performs one measured run against one URL and
 * returns the run as a dataset v1 object. URL parsing, header and method checks are public
 * too, so a plan is validated by exactly the rules a run applies.
 *
 * Fields of lg_config may be added, never renamed: plans and tests fill them by name.
 */
#ifndef RIGOR_LOADGEN_LOADGEN_H
#define RIGOR_LOADGEN_LOADGEN_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <jansson.h>

#define LG_MAX_PIDS 64   /* server processes one run may follow (--pid) */

typedef struct lg_config {
    const char *url;            /* http:// or https://host[:port]/path?query */
    const char *target;         /* label stored as `target`; NULL = the URL's host:port */
    const char *method;         /* default "GET" */
    const char *const *headers; /* "Name: value" strings */
    size_t nheaders;
    const char *body;           /* may contain NULs; body_len bytes */
    size_t body_len;
    int threads;                /* >= 1 */
    uint64_t connections;       /* >= 1 */
    double rate;                /* requests/s; 0 = closed loop */
    double duration_s;          /* measured window; ignored when requests > 0 */
    uint64_t requests;          /* stop after this many completed requests; 0 = use duration */
    double warmup_s;            /* measured but excluded */
    double timeout_s;           /* per request; default 10 */
    bool keepalive;             /* default true */
    pid_t server_pid;           /* sample /proc/PID (and children) when > 0 */
    const pid_t *server_pids;   /* or several (each tree, every process once); server_pid */
    size_t nserver_pids;        /*   is then ignored. At most LG_MAX_PIDS */
    const char *capture_iface;  /* run the capture sidecar on this interface when non-NULL */
    int sigfigs;                /* histogram precision; 0 = default 3 */
    /* https only (loadgen/tls.c): certificate verification is on unless insecure; cacert
     * replaces the system's trusted CAs with the PEM file's; tls_resume reuses each thread's
     * latest session on new connections; tls_version pins 12 or 13 (0 = 1.2 or 1.3). */
    bool insecure;              /* default false */
    const char *cacert;         /* default NULL: the system store */
    bool tls_resume;            /* default true */
    int tls_version;            /* default 0 */
    /* Called from the controlling thread about 4 times a second while the run goes on. */
    void (*progress)(void *ctx, double elapsed_s, double total_s, uint64_t requests,
                     uint64_t errors);
    void *progress_ctx;
} lg_config;

/* Fill a config with the defaults above (url and target NULL). */
void lg_config_init(lg_config *cfg);

/*
 * Perform one run. Returns a new v1 run object (rg_run_new + the measured keys), or NULL
 * with err filled (RG_ERRLEN) when the run could not start (bad URL, unknown host, fd
 * limit...). A run stopped by lg_request_stop() is returned with "complete": false.
 * run_index is stored as `run`.
 */
json_t *lg_run(const lg_config *cfg, int run_index, char *err);

/* Ask a running lg_run to stop within a second. Async-signal-safe. */
void lg_request_stop(void);
/* True once lg_request_stop was called (until lg_clear_stop). */
bool lg_stop_requested(void);
void lg_clear_stop(void);

/*
 * Target URLs (loadgen/url.c), the one URL parser of rigor: `rigor load`, plans and their
 * readiness probe all use it, so what a plan's validation accepts is exactly what a run can
 * load. http_parser_parse_url splits the URL; the rules on top are rigor's.
 */
typedef struct lg_url {
    bool tls;             /* https:// */
    char host[256];       /* without brackets for IPv6 literals */
    char hostport[300];   /* the Host header value: as written in the URL */
    uint16_t port;
    char *path;           /* path + "?" + query, "/" when empty; owned */
} lg_url;

/*
 * Parse an absolute http:// or https:// URL (RFC 9110 §4.2.1, §4.2.2; default ports 80 and
 * 443); other schemes, userinfo, fragments and empty hosts are rejected. 0, or -1 with err.
 * Free with lg_url_free.
 */
int lg_url_parse(const char *s, lg_url *u, char *err);
void lg_url_free(lg_url *u);

/* Resolve host:port (first usable address). 0, or -1 with err naming the host. */
int lg_url_resolve(const lg_url *u, struct sockaddr_storage *ss, socklen_t *len, char *err);

/*
 * Check one "Name: value" header as given by -H: a token name, a colon, no CR/LF/NUL.
 * 0, or -1 with err.
 */
int lg_header_check(const char *h, char *err);

/* Check a request method: 1 to 32 of A-Z, '-', '_' (GET, POST, M-SEARCH). 0, or -1 with err. */
int lg_method_check(const char *m, char *err);

/*
 * Check the TLS settings of cfg against its URL before any run (loadgen/tls.c): the TLS
 * options need an https:// URL, --cacert must be a readable PEM file holding at least one
 * certificate, tls_version 0, 12 or 13. Builds and frees the run's TLS context, so what
 * passes here is what a run accepts. 0, or -1 with err.
 */
int lg_tls_check(const lg_config *cfg, char *err);

/*
 * A client TLS state (OpenSSL's SSL) on the connected socket fd with exactly the settings a
 * run of cfg uses against u (verification, --cacert, SNI, ALPN http/1.1, versions), for a
 * caller that drives the handshake and the I/O itself: the plan's readiness probe. NULL
 * with err. Free with lg_tls_client_free (the socket stays open).
 */
struct ssl_st *lg_tls_client_new(const lg_config *cfg, const lg_url *u, int fd, char *err);
void lg_tls_client_free(struct ssl_st *ssl);   /* accepts NULL */

/*
 * Server monitoring from /proc (loadgen/procstat.c), used by lg_run when server_pid > 0 and
 * available to `rigor run`. A sampler follows a process and all its descendants (found by
 * walking /proc for parent pids): CPU is utime+stime of every live process in the tree plus
 * what the root has reaped from dead children (cutime+cstime), RSS the sum of their resident
 * sets. Expected use: one sample a second.
 */
typedef struct lg_procstat lg_procstat;

/* Start following pid (its first sample is taken now). NULL with err when it does not exist. */
lg_procstat *lg_procstat_new(pid_t pid, char *err);
/* The same for several pids (1..LG_MAX_PIDS): the union of their trees, each process once.
 * NULL with err when the first does not exist. */
lg_procstat *lg_procstat_new_set(const pid_t *pids, size_t n, char *err);
/*
 * CPU use since the previous sample (or since lg_procstat_new) as a percentage of one core
 * (200 = two cores busy), and the tree's current RSS in KiB. 0, or -1 once the process is gone.
 */
int lg_procstat_sample(lg_procstat *ps, double *cpu_pct, uint64_t *rss_kb);
void lg_procstat_free(lg_procstat *ps);   /* accepts NULL */

#endif
