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

/* The I/O engine of the load threads (lg_config.engine; the run records which ran). */
enum { LG_ENGINE_AUTO = 0, LG_ENGINE_EPOLL, LG_ENGINE_URING };   /* default: AUTO */
/*
 * Request mixes (loadgen/targets.c, docs/load.md "Request mixes"): the entries of a targets
 * file in vegeta's HTTP or JSON-lines format, or of a plan target's inline "requests".
 */
#define LG_TARGETS_MAX 100000
#define LG_ENDPOINTS_MAX 100

typedef struct lg_target_req {
    char *method;
    char *url;           /* absolute; every entry shares the first one's scheme, host, port */
    char **headers;      /* "Name: value" */
    size_t nheaders;
    char *body;          /* NULL or body_len bytes (may contain NULs) */
    size_t body_len;
    double weight;       /* > 0; 1 when not given */
    int line;            /* where the entry starts (line, or 1-based index in a plan) */
    size_t endpoint;     /* index into lg_targets.endpoints */
} lg_target_req;

typedef struct lg_targets {
    lg_target_req *v;
    size_t n;
    bool weighted;       /* some entry has a weight: draw by weight, else round-robin */
    char **endpoints;    /* distinct "METHOD URL", in order of first appearance */
    size_t nendpoints;
} lg_targets;

/*
 * Read a targets file (format told from its first character: '{' JSON lines, else HTTP);
 * @body paths are relative to the file's directory. NULL with err "FILE:LINE: problem".
 * Free with lg_targets_free.
 */
lg_targets *lg_targets_read(const char *path, char *err);
/* The same from text in memory (name for messages, basedir for @body; NULL = cwd). */
lg_targets *lg_targets_parse(const char *text, size_t len, const char *name,
                             const char *basedir, char *err);
/* A plan's inline "requests": an array of JSON-lines objects, where "body_text" (plain)
 * and "body_file" may replace the base64 "body". Errors say "name[i]: problem". */
lg_targets *lg_targets_from_json(const json_t *arr, const char *name, const char *basedir,
                                 char *err);
void lg_targets_free(lg_targets *t);   /* accepts NULL */

/* Think time between a response and the connection's next request (closed loop). */
enum { LG_THINK_NONE = 0, LG_THINK_FIXED, LG_THINK_EXP, LG_THINK_UNIFORM };

typedef struct lg_think {
    int kind;            /* LG_THINK_* */
    double a, b;         /* seconds: fixed a, exp mean a, uniform [a, b] */
} lg_think;

/* "100ms", "exp:MEAN", "uniform:A:B" (each at most 1h). 0, or -1 with err. */
int lg_think_parse(const char *s, lg_think *out, char *err);
/* The think time as given ("100ms", "exp:1s", "uniform:0.5s:1.5s") into buf. */
char *lg_think_fmt(const lg_think *t, char *buf, size_t len);

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
    /* LG_ENGINE_AUTO: io_uring for http:// where the kernel gives it (Linux 6.1+, not
     * disabled by /proc/sys/kernel/io_uring_disabled), epoll otherwise and for https://.
     * EPOLL or URING force one (URING where it cannot run is an error). */
    int engine;
    /*
     * Scenarios (docs/load.md). targets: a request mix instead of url/method/headers/body
     * (url is then the first entry's, -H headers are added to every entry); each run then
     * records an `endpoints` array. think: closed loop, a pause after each response.
     * ramp_s: connection i of C opens at i x ramp / C; the ramp is warm-up unless
     * ramp_measured. rate_ramp (open loop): the rate goes linearly from rate_from to rate
     * over warm-up + duration, and stays at rate after that.
     */
    const lg_targets *targets;  /* default NULL */
    const char *targets_name;   /* recorded as the run's "targets" (file name) */
    lg_think think;             /* default none */
    double ramp_s;              /* default 0 */
    bool ramp_measured;         /* default false */
    bool rate_ramp;             /* default false: a constant rate */
    double rate_from;           /* requests/s at the start of the ramp, >= 0 */
    /* https only (loadgen/tls.c): certificate verification is on unless insecure; cacert
     * replaces the system's trusted CAs with the PEM file's; tls_resume reuses each thread's
     * latest session on new connections; tls_version pins 12 or 13 (0 = 1.2 or 1.3). */
    bool insecure;              /* default false */
    const char *cacert;         /* default NULL: the system store */
    bool tls_resume;            /* default true */
    int tls_version;            /* default 0 */
    /*
     * Distributed runs (docs/distributed.md). The reference clock is this host's wall clock
     * plus clock_offset_ns (the coordinator's or NTP's time minus ours, estimated before the
     * run). With start_at_ns the load starts at that reference instant (the warm-up first),
     * the window at start + warm-up and it ends at start + warm-up + duration whatever
     * happened before; a host that wakes after the window's start measures a shorter window
     * (recorded). absolute_grid cuts the series on whole seconds of the reference clock.
     */
    uint64_t start_at_ns;       /* reference epoch ns; 0 = start now */
    int64_t clock_offset_ns;    /* reference - local wall clock */
    bool absolute_grid;         /* series second k = whole reference second, not window + k */
    bool series_hist;           /* record a histogram per second (exact merges of p50/p99) */
    bool watch_stdin;           /* end of stdin stops the run (the coordinator went away) */
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

/*
 * Clocks of distributed runs (loadgen/clock_sync.c, docs/distributed.md).
 */

/*
 * `rigor load --args-hex HEX` (loadgen/load_dist.c): arguments as the hex digits of their
 * bytes, each followed by a NUL byte — a word that passes unchanged through any remote
 * shell. encode: a new string (caller frees) or NULL on OOM. decode: new words (caller
 * frees each and the array) and *n, or NULL with err.
 */
char *lg_args_hex_encode(char *const *words, size_t n);
char **lg_args_hex_decode(const char *hex, size_t *n, char *err);

/* The wall clock (CLOCK_REALTIME) in ns since the epoch. */
int64_t lg_wall_ns(void);

/*
 * Parse a start time: RFC 3339 ("2026-12-01T10:00:05Z", "…:05.250+01:00"), "@EPOCH" (seconds,
 * may be fractional) or "+DURATION" ("+5s": now_ns plus that, rounded up to a whole second).
 * 0 with *out_ns (ns since the epoch), or -1 with err.
 */
int lg_parse_start_at(const char *s, uint64_t now_ns, uint64_t *out_ns, char *err);

/*
 * The clock probe between `rigor run` (the coordinator) and `rigor load --clock-probe`, over
 * the load's stdin and stdout, one line each way: the load writes "rigor-clock-probe SEQ",
 * the coordinator answers "rigor-clock SEQ NS" with its wall clock in ns since the epoch.
 */
#define LG_PROBE_ASK "rigor-clock-probe"
#define LG_PROBE_REPLY "rigor-clock"
#define LG_PROBE_MAX 32

typedef struct lg_probe_sample {
    int64_t t1, t2, t4;   /* local send, reference reading, local receive (epoch ns) */
} lg_probe_sample;

typedef struct lg_offset {
    int64_t offset_ns;       /* reference - local */
    int64_t uncertainty_ns;  /* the true offset is within offset_ns +- this */
    int64_t rtt_min_ns;
    int samples;
    bool intersected;        /* all exchanges' bounds intersected (else: shortest round trip) */
} lg_offset;

/*
 * The offset from n exchanges: each bounds it to [t2 - t4, t2 - t1]; the estimate is the
 * middle of the intersection of all bounds (or of the shortest exchange's when they do not
 * intersect). 0, or -1 when n is 0.
 */
int lg_offset_estimate(const lg_probe_sample *s, size_t n, lg_offset *out);

/*
 * Probe the coordinator n times (1..LG_PROBE_MAX) over in_fd/out_fd, each answer awaited at
 * most timeout_s. 0 with *out, or -1 with err (stdin closed, no answer, garbled answer).
 */
int lg_clock_probe(int in_fd, int out_fd, int n, double timeout_s, lg_offset *out, char *err);

/* What NTP says about this host's clock. */
typedef struct lg_ntp {
    char source[16];        /* "chronyc" or "adjtimex" */
    bool synchronized;
    double offset_s;        /* NTP time - system time (chrony's "System time"), 0 for adjtimex */
    double error_s;         /* bound on the error once offset_s is applied */
    char server[64];        /* chrony's reference, when known */
    int stratum;
    char note[160];         /* why chronyc was not used, when it was not */
} lg_ntp;

/* chronyc's state when chronyc answers within a second, else the kernel's (adjtimex). */
void lg_ntp_state(lg_ntp *out);
/* One line of `chronyc -c tracking` into out (source left empty). 0 or -1 with err. */
int lg_chrony_parse(const char *csv, lg_ntp *out, char *err);
/* The "ntp" object of a run's clock (docs/dataset-format.md). New reference. */
json_t *lg_ntp_json(const lg_ntp *n);

#endif
