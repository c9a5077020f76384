/*
 * loadgen/cmd_load.c — `rigor load URL [options]`: the command line.
 *
 * Design: every option is parsed and checked before the first connection — bad values, a
 * malformed URL, an unknown host, bad headers, an unreadable body file or --cacert, TLS
 * options on an http:// URL, an unusable -o dataset — each ends with one line on stderr
 * and exit status 2. The sweep itself (cells,
 * runs, dataset, summary, interrupt) is load_sweep.c.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/cli.h"
#include "core/err.h"
#include "core/io.h"
#include "core/log.h"
#include "core/units.h"
#include "loadgen/lg_int.h"
#include "loadgen/load_int.h"

static const char usage[] =
    "usage: rigor load URL [options]\n"
    "\n"
    "Generate HTTP/1.1 load against URL (http:// or https://) and record what was measured.\n"
    "Closed loop (-c connections, each sending when its last response is in) or open loop\n"
    "(--rate: requests on a fixed schedule, latency measured from the intended send time).\n"
    "\n"
    "load:\n"
    "  -c, --connections LIST  connections: 50, a list 10,100,500 or a range 50:1000:50\n"
    "                          (default 10); each value is one cell of the sweep\n"
    "  -t, --threads N         threads, each with its own event loop (default 1)\n"
    "      --engine E          auto (default), io_uring or epoll: how the threads wait and\n"
    "                          do I/O; auto is io_uring (fewer system calls per request) for\n"
    "                          http:// where the kernel gives it (Linux 6.1+, not disabled\n"
    "                          by /proc/sys/kernel/io_uring_disabled), else epoll, and\n"
    "                          epoll for https://; the run records which ran (\"engine\")\n"
    "  -d, --duration D        measured window per run, e.g. 10s, 2m (default 10s)\n"
    "  -n, --requests N        instead of -d: exactly N requests per run (e.g. 100k)\n"
    "  -r, --rate LIST         open loop: requests/s over all connections; a list sweeps;\n"
    "                          A:B ramps the rate linearly from A to B over warm-up +\n"
    "                          duration (the intended schedule stays the latency reference)\n"
    "      --warmup D          load applied before the window, not counted (default 0)\n"
    "      --runs K            repeat every cell K times, in interleaved rounds (default 1)\n"
    "      --timeout D         a request without a full response by then is a timeout error\n"
    "                          and its connection is replaced (default 10s)\n"
    "request:\n"
    "  -m, --method METHOD     GET, POST, HEAD... (default GET)\n"
    "      --targets FILE      a request mix from a vegeta targets file (HTTP format:\n"
    "                          'METHOD URL', headers, @body-file, blank-line separated; or\n"
    "                          JSON lines {\"method\",\"url\",\"header\",\"body\" (base64),\n"
    "                          \"weight\"}): sent round-robin per connection, or drawn by\n"
    "                          weight; the run records each endpoint apart (endpoints).\n"
    "                          URL is then optional (on the requests' host and port)\n"
    "  -H, --header 'N: v'     add a header (repeatable)\n"
    "      --body STRING|@FILE request body (Content-Length is added)\n"
    "      --no-keepalive      a new connection for every request (Connection: close)\n"
    "users (closed loop):\n"
    "      --think D           pause between a response and the connection's next request:\n"
    "                          100ms, exp:MEAN (exponential) or uniform:A:B; not in latency\n"
    "      --ramp D            open the connections linearly over D (8s = 500 new users/s\n"
    "                          at -c 4000); the ramp is warm-up, not measured, unless\n"
    "      --ramp-measured     the window starts with the ramp (its series shows it)\n"
    "https (TLS 1.2 and 1.3, SNI, ALPN http/1.1; certificates verified by default):\n"
    "  -k, --insecure          do not verify the server's certificate\n"
    "      --cacert FILE       trust the CA certificates in this PEM file instead of the\n"
    "                          system's\n"
    "      --no-tls-resume     a full handshake for every connection (default: resume the\n"
    "                          thread's latest session)\n"
    "      --tls-version V     1.2 or 1.3 only (default: either, the server chooses)\n"
    "recording:\n"
    "  -o, --output FILE       append the runs to this dataset (created if missing; saved\n"
    "                          after every run); '-' writes the dataset to stdout at the end\n"
    "      --label NAME        the runs' target label (default host:port of the URL)\n"
    "      --title TEXT        title of a new dataset\n"
    "      --pid PID[,PID...]  sample the server's CPU and RSS (and its children's) every second;\n"
    "                          several pids (commas or blanks: $(pidof nginx)) are summed,\n"
    "                          each process once\n"
    "      --capture IFACE     also measure on-wire timings on this interface\n"
    "  -q, --quiet             no progress line\n"
    "several load hosts (docs/distributed.md):\n"
    "      --start-at TIME     start at this wall-clock instant: RFC 3339\n"
    "                          (2026-12-01T10:00:05Z), @EPOCH_SECONDS, or +5s (the next\n"
    "                          whole second at least 5 s from now); the series are then cut\n"
    "                          on whole UTC seconds, and run k of the sweep starts at\n"
    "                          TIME + k x (warmup + duration + cooldown)\n"
    "      --split I/N         this host is host I of N: take share I of -c (and of\n"
    "                          --rate, -n) and record the whole cell for rigor merge\n"
    "      --clock-probe       measure this clock against the coordinator's over\n"
    "                          stdin/stdout before the start (rigor run does this); then\n"
    "                          the end of stdin stops the run\n"
    "      --cooldown D        pause between runs (default 0; 1s with --start-at)\n"
    "      --args-hex HEX      more arguments, hex-encoded with a NUL after each (how\n"
    "                          rigor run passes text through remote shells)\n"
    "  -h, --help              this help\n"
    "\n"
    "Errors are counted by kind (connect, read, write, timeout, protocol, status = 4xx/5xx,\n"
    "and for https tls). Each run records the TCP connect time of its connections (connect)\n"
    "and, for https, the TLS handshake time (tls_handshake) apart from request latency.\n"
    "SIGINT stops the current run within a second and saves it with \"complete\": false;\n"
    "a second SIGINT exits at once. Exit status: 0 ok, 1 a run failed or was interrupted,\n"
    "2 bad usage or input.\n"
    "\n"
    "examples:\n"
    "  rigor load http://127.0.0.1:8080/ -c 50 -d 10s\n"
    "  rigor load http://127.0.0.1:8080/ -c 10,100,500 --runs 5 -o results.json\n"
    "  rigor load http://127.0.0.1:8080/ -c 50 -d 10s --engine epoll\n"
    "  rigor load http://127.0.0.1:8080/ -c 100 --rate 5000 -d 30s --pid \"$(pidof nginx)\"\n"
    "  rigor load https://localhost:8443/ -c 50 -d 10s --cacert ca.pem\n"
    "  rigor load --targets mix.txt -c 50 -d 30s -o mix.json   # per-endpoint breakdown\n"
    "  rigor load http://127.0.0.1:8080/ -c 4000 --ramp 8s --think exp:1s -d 60s\n"
    "  rigor load http://127.0.0.1:8080/ -c 100 --rate 1000:20000 -d 60s\n"
    "  rigor load https://127.0.0.1:8443/ -k --no-keepalive --no-tls-resume -n 10k\n"
    "  rigor load http://10.0.0.1:8080/ -c 300 --split 2/3 --start-at 2026-12-01T10:00:05Z \\\n"
    "      -d 30s -o h2.json        # on host 2 of 3; then: rigor merge h*.json -o all.json\n";

enum { OPT_WARMUP = 256, OPT_RUNS, OPT_TIMEOUT, OPT_BODY, OPT_NOKA, OPT_LABEL, OPT_TITLE,
       OPT_PID, OPT_CAPTURE, OPT_CACERT, OPT_NORESUME, OPT_TLSVER, OPT_START_AT, OPT_SPLIT,
       OPT_PROBE, OPT_COOLDOWN, OPT_TARGETS, OPT_THINK, OPT_RAMP, OPT_RAMP_MEASURED,
       OPT_ENGINE };

static const struct option longopts[] = {
    {"connections", required_argument, NULL, 'c'}, {"threads", required_argument, NULL, 't'},
    {"duration", required_argument, NULL, 'd'},    {"requests", required_argument, NULL, 'n'},
    {"rate", required_argument, NULL, 'r'},        {"warmup", required_argument, NULL, OPT_WARMUP},
    {"runs", required_argument, NULL, OPT_RUNS},   {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"method", required_argument, NULL, 'm'},      {"header", required_argument, NULL, 'H'},
    {"body", required_argument, NULL, OPT_BODY},   {"no-keepalive", no_argument, NULL, OPT_NOKA},
    {"output", required_argument, NULL, 'o'},      {"label", required_argument, NULL, OPT_LABEL},
    {"title", required_argument, NULL, OPT_TITLE}, {"pid", required_argument, NULL, OPT_PID},
    {"capture", required_argument, NULL, OPT_CAPTURE}, {"quiet", no_argument, NULL, 'q'},
    {"insecure", no_argument, NULL, 'k'},          {"cacert", required_argument, NULL, OPT_CACERT},
    {"no-tls-resume", no_argument, NULL, OPT_NORESUME},
    {"tls-version", required_argument, NULL, OPT_TLSVER},
    {"start-at", required_argument, NULL, OPT_START_AT},
    {"split", required_argument, NULL, OPT_SPLIT},
    {"clock-probe", no_argument, NULL, OPT_PROBE},
    {"cooldown", required_argument, NULL, OPT_COOLDOWN},
    {"engine", required_argument, NULL, OPT_ENGINE},
    {"targets", required_argument, NULL, OPT_TARGETS},
    {"think", required_argument, NULL, OPT_THINK},
    {"ramp", required_argument, NULL, OPT_RAMP},
    {"ramp-measured", no_argument, NULL, OPT_RAMP_MEASURED},
    {"help", no_argument, NULL, 'h'},              {NULL, 0, NULL, 0}};

static int parse_body(lg_load_opts *o, const char *arg, char *err)
{
    if (arg[0] == '@') {
        size_t len;
        o->body_buf = rg_read_file(arg + 1, &len, 0, err);
        if (o->body_buf == NULL)
            return -1;
        o->cfg.body = o->body_buf;
        o->cfg.body_len = len;
    } else {
        o->cfg.body = arg;
        o->cfg.body_len = strlen(arg);
    }
    return 0;
}

static int parse_count_opt(const char *name, const char *arg, uint64_t lo, uint64_t hi,
                           uint64_t *out, char *err)
{
    if (rg_parse_count(arg, out, err) < 0)
        return -1;
    if (*out < lo || *out > hi)
        return rg_err(err, "invalid %s '%s': must be %llu..%llu", name, arg,
                      (unsigned long long)lo, (unsigned long long)hi);
    return 0;
}

static int parse_duration_opt(const char *name, const char *arg, double lo, double *out,
                              char *err)
{
    if (rg_parse_duration(arg, out, err) < 0)
        return -1;
    if (*out < lo || *out > 86400 * 7)
        return rg_err(err, "invalid %s '%s': must be %s and at most a week", name, arg,
                      lo > 0 ? "positive" : ">= 0");
    return 0;
}

/* -c LIST: connections per cell. */
static int parse_conns(lg_load_opts *o, const char *arg, char *err)
{
    free(o->conns);
    o->conns = NULL;
    if (rg_parse_list(arg, &o->conns, &o->nconns, LG_MAX_CELLS, err) < 0)
        return -1;
    for (size_t i = 0; i < o->nconns; i++)
        if (o->conns[i] > 1000000)
            return rg_err(err, "invalid -c '%s': at most 1M connections", arg);
    return 0;
}

/* --rate A:B: one cell, the rate ramping from A to B. */
static int parse_rate_ramp(lg_load_opts *o, const char *arg, char *err)
{
    char *end;
    double a = strtod(arg, &end), b;
    if (end == arg || *end != ':' || (b = strtod(end + 1, &end), *end != '\0') ||
        !(a >= 0) || !(b > 0) || a > 1e8 || b > 1e8)
        return rg_err(err, "invalid --rate '%s': A:B ramps from A >= 0 to B > 0 requests/s "
                      "(at most 1e8)", arg);
    o->rates = malloc(sizeof *o->rates);
    if (o->rates == NULL)
        return rg_err(err, "out of memory");
    o->rates[0] = b;
    o->nrates = 1;
    o->cfg.rate_ramp = true;
    o->cfg.rate_from = a;
    return 0;
}

/* --rate LIST: requests/s per cell. */
static int parse_rates(lg_load_opts *o, const char *arg, char *err)
{
    free(o->rates);
    o->rates = NULL;
    o->cfg.rate_ramp = false;
    const char *c = strchr(arg, ':');
    if (c != NULL && strchr(c + 1, ':') == NULL && strchr(arg, ',') == NULL)
        return parse_rate_ramp(o, arg, err);   /* A:B (a range sweep is A:B:STEP) */
    if (rg_parse_list_double(arg, &o->rates, &o->nrates, LG_MAX_CELLS, err) < 0)
        return -1;
    for (size_t i = 0; i < o->nrates; i++)
        if (!(o->rates[i] > 0) || o->rates[i] > 1e8)
            return rg_err(err, "invalid --rate '%s': each rate must be in "
                          "(0, 1e8] requests/s", arg);
    return 0;
}

/* One pid of --pid: it must exist. 0, or -1 with err. */
static int add_pid(lg_load_opts *o, const char *word, char *err)
{
    uint64_t v;
    if (parse_count_opt("--pid", word, 1, 4194304, &v, err) < 0)
        return -1;
    if (o->npids == LG_MAX_PIDS)
        return rg_err(err, "--pid: at most %d processes", LG_MAX_PIDS);
    if (kill((pid_t)v, 0) < 0 && access("/proc/self", F_OK) == 0) {
        char p[64];
        snprintf(p, sizeof p, "/proc/%llu", (unsigned long long)v);
        if (access(p, F_OK) < 0)
            return rg_err(err, "--pid %s: no such process", word);
    }
    for (size_t i = 0; i < o->npids; i++)
        if (o->pids[i] == (pid_t)v)
            return 0;
    o->pids[o->npids++] = (pid_t)v;
    o->cfg.server_pids = o->pids;
    o->cfg.nserver_pids = o->npids;
    return 0;
}

/* --pid LIST: pids separated by commas or blanks ("$(pidof nginx)"). 0, or -1 with err. */
static int parse_pids(lg_load_opts *o, const char *arg, char *err)
{
    char word[32];
    const char *p = arg;
    if (strspn(arg, ", \t\n") == strlen(arg))
        return rg_err(err, "--pid needs a process id");
    while (*(p += strspn(p, ", \t\n")) != '\0') {
        size_t n = strcspn(p, ", \t\n");
        if (n >= sizeof word)
            return rg_err(err, "invalid --pid '%.40s'", p);
        memcpy(word, p, n);
        word[n] = '\0';
        if (add_pid(o, word, err) < 0)
            return -1;
        p += n;
    }
    return 0;
}

/* One option; 0, or -1 with err. `seen` collects -d/-n for their mutual exclusion. */
static int parse_opt(lg_load_opts *o, int opt, const char *arg, int *seen, char *err)
{
    lg_config *c = &o->cfg;
    uint64_t v;
    switch (opt) {
    case 'c': return parse_conns(o, arg, err);
    case 't':
        if (parse_count_opt("-t", arg, 1, 1024, &v, err) < 0)
            return -1;
        c->threads = (int)v;
        return 0;
    case 'd': *seen |= 1; return parse_duration_opt("-d", arg, 1e-3, &c->duration_s, err);
    case 'n': *seen |= 2; return parse_count_opt("-n", arg, 1, UINT64_MAX / 4, &c->requests, err);
    case 'r': return parse_rates(o, arg, err);
    case OPT_WARMUP: return parse_duration_opt("--warmup", arg, 0, &c->warmup_s, err);
    case OPT_RUNS:
        return parse_count_opt("--runs", arg, 1, 100000, &o->runs, err);
    case OPT_TIMEOUT: return parse_duration_opt("--timeout", arg, 1e-3, &c->timeout_s, err);
    case 'm': c->method = arg; o->method_set = true; return 0;
    case OPT_TARGETS:
        lg_targets_free(o->targets);
        o->targets = lg_targets_read(arg, err);
        c->targets = o->targets;
        c->targets_name = arg;
        return o->targets ? 0 : -1;
    case OPT_THINK: return lg_think_parse(arg, &c->think, err);
    case OPT_RAMP: return parse_duration_opt("--ramp", arg, 0, &c->ramp_s, err);
    case OPT_RAMP_MEASURED: c->ramp_measured = true; return 0;
    case 'H':
        if (c->nheaders == LG_MAX_HEADERS)
            return rg_err(err, "too many -H headers (at most %d)", LG_MAX_HEADERS);
        if (lg_header_check(arg, err) < 0)
            return -1;
        o->headers[c->nheaders++] = arg;
        return 0;
    case OPT_BODY: return parse_body(o, arg, err);
    case OPT_NOKA: c->keepalive = false; return 0;
    case 'o': o->out = arg; return 0;
    case OPT_LABEL:
        if (*arg == '\0')
            return rg_err(err, "--label must not be empty");
        for (const unsigned char *p = (const unsigned char *)arg; *p; p++)
            if (*p < 0x20 || *p == 0x7f)   /* as a plan's target name (plan_parse.c) */
                return rg_err(err, "--label contains a control character (byte 0x%02x)", *p);
        c->target = arg;
        return 0;
    case OPT_TITLE: o->title = arg; return 0;
    case OPT_PID:
        return parse_pids(o, arg, err);
    case OPT_CAPTURE: c->capture_iface = arg; return 0;
    case 'k': c->insecure = true; return 0;
    case OPT_CACERT: c->cacert = arg; return 0;
    case OPT_NORESUME: c->tls_resume = false; return 0;
    case OPT_TLSVER:
        if (strcmp(arg, "1.2") == 0)
            c->tls_version = 12;
        else if (strcmp(arg, "1.3") == 0)
            c->tls_version = 13;
        else
            return rg_err(err, "invalid --tls-version '%s': 1.2 or 1.3", arg);
        return 0;
    case OPT_START_AT: {
        uint64_t t;   /* checked now; parsed again once the clock offset is known */
        o->start_at = arg;
        return lg_parse_start_at(arg, (uint64_t)lg_wall_ns(), &t, err);
    }
    case OPT_SPLIT: return lg_load_parse_split(o, arg, err);
    case OPT_PROBE: o->clock_probe = true; return 0;
    case OPT_COOLDOWN: return parse_duration_opt("--cooldown", arg, 0, &o->cooldown_s, err);
    case OPT_ENGINE:
        if (strcmp(arg, "auto") == 0)
            c->engine = LG_ENGINE_AUTO;
        else if (strcmp(arg, "epoll") == 0)
            c->engine = LG_ENGINE_EPOLL;
        else if (strcmp(arg, "io_uring") == 0)
            c->engine = LG_ENGINE_URING;
        else
            return rg_err(err, "invalid --engine '%s': auto, io_uring or epoll", arg);
        return 0;
    case 'q':
        o->quiet = true;
        rg_log_level = RG_LOG_WARN;   /* core/log.h: -q keeps warnings and errors only */
        return 0;
    }
    return -1;
}

/* -o FILE must be writable before the first run is spent: its directory must exist. */
static int check_output(const char *path, char *err)
{
    if (path == NULL || strcmp(path, "-") == 0)
        return 0;
    char dir[4096];
    rg_dirname(path, dir, sizeof dir);
    if (access(dir, W_OK | X_OK) < 0)
        return rg_err(err, "cannot write -o %.200s: directory %.200s: %s", path, dir,
                      strerror(errno));
    return rg_check_output(path, err);
}

/* Do two URLs share scheme, host and port? (false when either does not parse) */
static bool same_origin(const char *x, const char *y)
{
    lg_url a, b;
    char e[RG_ERRLEN];
    if (lg_url_parse(x, &a, e) < 0)
        return false;
    bool same = false;
    if (lg_url_parse(y, &b, e) == 0) {
        same = a.tls == b.tls && a.port == b.port && strcmp(a.host, b.host) == 0;
        lg_url_free(&b);
    }
    lg_url_free(&a);
    return same;
}

/* --targets, --think, --ramp against the rest of the command line. */
static int check_scenario(const lg_load_opts *o, char *err)
{
    const lg_config *c = &o->cfg;
    if (c->targets != NULL && (o->method_set || c->body != NULL))
        return rg_err(err, "--targets gives each request its method and body: -m and --body "
                      "do not apply (-H headers are added to every entry)");
    if (c->targets != NULL && !same_origin(c->url, c->targets->v[0].url))
        return rg_err(err, "with --targets the URL argument is optional and must be on the "
                      "scheme, host and port of the file's requests ('%s')",
                      c->targets->v[0].url);
    if (o->rates != NULL && c->think.kind != LG_THINK_NONE)
        return rg_err(err, "--think is for closed-loop users (-c): an open loop (--rate) "
                      "sends on its schedule, whatever the responses");
    if (o->rates != NULL && (c->ramp_s > 0 || c->ramp_measured))
        return rg_err(err, "--ramp opens connections over time (closed loop); an open loop "
                      "ramps its rate with --rate A:B");
    if (c->ramp_measured && !(c->ramp_s > 0))
        return rg_err(err, "--ramp-measured needs --ramp D");
    if (c->ramp_s > 0 && c->requests > 0)
        return rg_err(err, "--ramp needs -d: a ramp is a time, -n a number of requests");
    return 0;
}

/* Checks that need the whole command line: URL, method, host, exclusive options. */
static int check_all(lg_load_opts *o, int seen, char *err)
{
    lg_url u;
    if ((seen & 3) == 3)
        return rg_err(err, "-d and -n are exclusive: a run is either a duration "
                      "or a number of requests");
    if (o->start_at != NULL && o->cfg.requests > 0)
        return rg_err(err, "--start-at needs -d: hosts started together must measure the "
                      "same window, and -n ends when its requests are done");
    if (o->clock_probe && (o->out == NULL || strcmp(o->out, "-") != 0))
        return rg_err(err, "--clock-probe needs -o - (the probe and the dataset share stdout "
                      "with the coordinator)");
    if (lg_load_check_split(o, err) != 0 || check_scenario(o, err) < 0)
        return -1;
    if (lg_url_parse(o->cfg.url, &u, err) < 0)
        return -1;
    if (lg_tls_check(&o->cfg, err) < 0) {
        lg_url_free(&u);
        return -1;
    }
    struct sockaddr_storage ss;
    socklen_t len;
    size_t reqlen;
    char *req = lg_request_build(&o->cfg, &u, &reqlen, err);
    int rc = req == NULL ? -1 : lg_url_resolve(&u, &ss, &len, err);
    if (rc == 0)
        rc = check_output(o->out, err);
    free(req);
    lg_url_free(&u);
    return rc;
}

static void free_opts(lg_load_opts *o)
{
    free(o->conns);
    free(o->rates);
    free(o->body_buf);
    lg_targets_free(o->targets);
    json_decref(o->clock);
}

/* An argv with the --args-hex words spliced in; `owned` are the decoded strings. */
typedef struct argv_buf {
    char **v;
    int n;
    char **owned;
    size_t nowned;
} argv_buf;

static void free_argv(argv_buf *a)
{
    for (size_t i = 0; i < a->nowned; i++)
        free(a->owned[i]);
    free(a->owned);
    free(a->v);
}

/*
 * a->v = argv with every "--args-hex HEX" (or --args-hex=HEX) replaced by the words it
 * encodes, in place, NULL-terminated. 0, or -1 with err; free_argv(a) in both cases.
 */
static int expand_args(int argc, char **argv, argv_buf *a, char *err)
{
    size_t cap = (size_t)argc + 1;
    memset(a, 0, sizeof *a);
    a->v = calloc(cap, sizeof *a->v);
    if (a->v == NULL)
        return rg_err(err, "out of memory");
    for (int i = 0; i < argc; i++) {
        const char *hex = NULL;
        if (strcmp(argv[i], "--args-hex") == 0 && i + 1 < argc)
            hex = argv[++i];
        else if (strncmp(argv[i], "--args-hex=", 11) == 0)
            hex = argv[i] + 11;
        if (hex == NULL) {
            a->v[a->n++] = argv[i];
            continue;
        }
        size_t k;
        char **w = lg_args_hex_decode(hex, &k, err);
        char **nv = w ? realloc(a->v, (cap + k) * sizeof *a->v) : NULL;
        char **no = nv ? realloc(a->owned, (a->nowned + k) * sizeof *a->owned) : NULL;
        if (no == NULL) {
            if (nv != NULL)
                a->v = nv;
            for (size_t j = 0; w && j < k; j++)
                free(w[j]);
            free(w);
            return w ? rg_err(err, "out of memory") : -1;
        }
        a->v = nv;
        a->owned = no;
        cap += k;
        for (size_t j = 0; j < k; j++)
            a->v[a->n++] = a->owned[a->nowned++] = w[j];
        free(w);
    }
    a->v[a->n] = NULL;
    return 0;
}

static int load_main(int argc, char **argv);

int cmd_load(int argc, char **argv)
{
    argv_buf a;
    char err[RG_ERRLEN];
    if (expand_args(argc, argv, &a, err) != 0) {
        free_argv(&a);
        return rg_usage_error("load", "%s", err);
    }
    int rc = load_main(a.n, a.v);
    free_argv(&a);
    return rc;
}

static int load_main(int argc, char **argv)
{
    lg_load_opts o;
    char err[RG_ERRLEN];
    int opt, seen = 0, rc;
    memset(&o, 0, sizeof o);
    o.cooldown_s = -1;
    lg_config_init(&o.cfg);
    o.cfg.headers = o.headers;
    o.runs = 1;
    o.argc = argc;
    o.argv = argv;
    opterr = 0;
    optind = 1;
    while ((opt = getopt_long(argc, argv, ":c:t:d:n:r:m:H:o:qkh", longopts, NULL)) != -1) {
        if (opt == 'h') {
            fputs(usage, stdout);
            free_opts(&o);
            return RG_EXIT_OK;
        }
        if (opt == '?' || opt == ':') {
            free_opts(&o);
            return rg_bad_option("load", argv, optopt);
        }
        if (parse_opt(&o, opt, optarg, &seen, err) < 0) {
            free_opts(&o);
            return rg_usage_error("load", "%s", err);
        }
    }
    /* `--pid $(pidof nginx)` unquoted splits into words: with --pid, the all-digit
     * arguments are more pids (a URL is never all digits); one argument must remain. */
    const char *url = NULL, *extra = NULL;
    for (int i = optind; i < argc; i++) {
        bool digits = argv[i][0] != '\0' && strspn(argv[i], "0123456789") == strlen(argv[i]);
        if (o.npids > 0 && digits) {
            if (add_pid(&o, argv[i], err) < 0) {
                free_opts(&o);
                return rg_usage_error("load", "%s", err);
            }
        } else if (url == NULL) {
            url = argv[i];
        } else if (extra == NULL) {
            extra = argv[i];
        }
    }
    if (url == NULL && o.targets != NULL)
        url = o.targets->v[0].url;   /* the mix's origin */
    if (url == NULL || extra != NULL) {
        free_opts(&o);
        if (url == NULL)
            return rg_usage_error("load", "missing URL");
        return rg_usage_error("load", "unexpected argument '%s'", extra);
    }
    o.cfg.url = url;
    if (check_all(&o, seen, err) < 0) {
        free_opts(&o);
        return rg_usage_error("load", "%s", err);
    }
    rc = lg_load_sweep(&o);
    free_opts(&o);
    return rc;
}
