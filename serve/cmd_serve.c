/*
 * serve/cmd_serve.c — `rigor serve`: options, signals and the exit statistics.
 *
 * Design: parse and check every option before binding anything, start the engine (serve.c),
 * then wait in sigwait() for SIGINT or SIGTERM (blocked in every thread, so no handler runs
 * on a worker). At stop, the totals go to stderr ("served N requests ...") and, with
 * --stats-file, to a JSON file written atomically — that is how tests learn what the server
 * saw and compare it with what the load generator counted.
 */
#include <getopt.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <string.h>
#include <jansson.h>
#include "core/cli.h"
#include "core/err.h"
#include "core/io.h"
#include "core/log.h"
#include "core/units.h"
#include "serve/serve.h"

static const char usage[] =
    "usage: rigor serve [options]\n"
    "\n"
    "The reference HTTP/1.1 target: epoll, keep-alive, pipelining-safe, with knobs for the\n"
    "response, its service time and faults. Runs until SIGINT or SIGTERM, then prints\n"
    "'served N requests' on stderr.\n"
    "\n"
    "options:\n"
    "  --listen ADDR:PORT   where to listen (default 127.0.0.1:8080); IPv6 as [::1]:8080;\n"
    "                       a bare PORT or :PORT means 127.0.0.1; port 0 picks a free one\n"
    "  --threads N          worker threads, each with its own socket and epoll (default 1)\n"
    "  --body-size SIZE     response body bytes, e.g. 12, 4k, 1MiB (default 12)\n"
    "  --status CODE        response status, 200..599 (default 200)\n"
    "  --delay D            service time per request without blocking other connections:\n"
    "                       a duration (10ms), exp:MEAN (exponential) or uniform:A:B\n"
    "  --fault KIND         close | reset | garbage | stall instead of a response\n"
    "  --fault-rate P       probability of the fault per request, 0..1 or 'N%' (default 1)\n"
    "  --idle-timeout D     close a connection silent for D (default 60s; 0 = never)\n"
    "  --header-timeout D   close a connection whose request head takes longer than D\n"
    "                       (default 60s; 0 = never); with both, idle or slow clients\n"
    "                       cannot keep every descriptor (when out of them, accepting\n"
    "                       pauses instead of spinning)\n"
    "  --stats-file FILE    at exit write {\"requests\", \"responses\", \"connections\", ...}\n"
    "  -q, --quiet          no startup line\n"
    "  -h, --help           this help\n"
    "\n"
    "examples:\n"
    "  rigor serve --listen 127.0.0.1:8080 --delay exp:2ms --threads 2\n"
    "  rigor serve --listen :8080 --idle-timeout 5s --header-timeout 2s\n";

static const char *const fault_names[SV_NFAULT] = {"none", "close", "reset", "garbage",
                                                      "stall"};

int sv_parse_delay(const char *s, sv_opts *o, char *err)
{
    double a = 0, b = 0;
    const char *colon;
    if (strncmp(s, "exp:", 4) == 0) {
        if (rg_parse_duration(s + 4, &a, err) < 0)
            return -1;
        o->delay_kind = SV_DELAY_EXP;
    } else if (strncmp(s, "uniform:", 8) == 0 && (colon = strchr(s + 8, ':')) != NULL) {
        char first[64];
        size_t n = (size_t)(colon - (s + 8));
        if (n >= sizeof first)
            return rg_err(err, "invalid delay '%s'", s);
        memcpy(first, s + 8, n);
        first[n] = '\0';
        if (rg_parse_duration(first, &a, err) < 0 || rg_parse_duration(colon + 1, &b, err) < 0)
            return -1;
        if (b < a)
            return rg_err(err, "invalid delay '%s': uniform:A:B needs A <= B", s);
        o->delay_kind = SV_DELAY_UNIFORM;
    } else {
        if (strchr(s, ':') != NULL)
            return rg_err(err, "invalid delay '%s': expected D, exp:MEAN or uniform:A:B", s);
        if (rg_parse_duration(s, &a, err) < 0)
            return -1;
        o->delay_kind = a > 0 ? SV_DELAY_FIXED : SV_DELAY_NONE;
    }
    if (a < 0 || b < 0 || a > 3600 || b > 3600)
        return rg_err(err, "invalid delay '%s': must be between 0 and 1h", s);
    o->delay_a = a;
    o->delay_b = b;
    return 0;
}

int sv_parse_listen(const char *s, sv_opts *o, char *err)
{
    char host[256] = "127.0.0.1";
    const char *port = s;
    const char *colon = strrchr(s, ':');
    if (s[0] == '[') {
        const char *close = strchr(s, ']');
        if (close == NULL || close[1] != ':' || (size_t)(close - s - 1) >= sizeof host)
            return rg_err(err, "invalid listen address '%s': expected [IPV6]:PORT", s);
        memcpy(host, s + 1, (size_t)(close - s - 1));
        host[close - s - 1] = '\0';
        port = close + 2;
    } else if (colon != NULL) {
        if (colon > s) {
            if ((size_t)(colon - s) >= sizeof host || memchr(s, ':', (size_t)(colon - s)))
                return rg_err(err, "invalid listen address '%s' (IPv6 goes in brackets)", s);
            memcpy(host, s, (size_t)(colon - s));
            host[colon - s] = '\0';
        }
        port = colon + 1;
    }
    uint64_t p;
    if (rg_parse_count(port, &p, err) < 0 || p > 65535)
        return rg_err(err, "invalid listen address '%s': bad port '%s'", s, port);
    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    int rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0 || res == NULL)
        return rg_err(err, "invalid listen address '%s': %s", s, gai_strerror(rc));
    memcpy(&o->addr, res->ai_addr, res->ai_addrlen);
    o->addrlen = res->ai_addrlen;
    freeaddrinfo(res);
    return 0;
}

static int parse_fault(const char *s, sv_opts *o)
{
    for (int k = 1; k < SV_NFAULT; k++)
        if (strcmp(s, fault_names[k]) == 0) {
            o->fault = k;
            return 0;
        }
    return -1;
}

static int write_stats(const char *path, const sv_stats *st, char *err)
{
    json_t *o = json_object(), *f = json_object();
    json_object_set_new(o, "requests", json_integer((json_int_t)st->requests));
    json_object_set_new(o, "responses", json_integer((json_int_t)st->responses));
    json_object_set_new(o, "connections", json_integer((json_int_t)st->connections));
    json_object_set_new(o, "bad_requests", json_integer((json_int_t)st->bad_requests));
    json_object_set_new(o, "timeouts", json_integer((json_int_t)st->timeouts));
    json_object_set_new(o, "accept_pauses", json_integer((json_int_t)st->accept_pauses));
    for (int k = 1; k < SV_NFAULT; k++)
        json_object_set_new(f, fault_names[k], json_integer((json_int_t)st->faults[k]));
    json_object_set_new(o, "faults", f);
    char *text = json_dumps(o, JSON_PRESERVE_ORDER | JSON_INDENT(2));
    json_decref(o);
    int rc = text ? rg_write_atomic(path, text, strlen(text), err) : -1;
    if (text == NULL)
        rg_err_set(err, "out of memory");
    free(text);
    return rc;
}

enum { OPT_LISTEN = 256, OPT_THREADS, OPT_BODY, OPT_STATUS, OPT_DELAY, OPT_FAULT, OPT_RATE,
       OPT_STATS, OPT_IDLE, OPT_HEADER };

static int parse_opt(int opt, const char *arg, sv_opts *o, const char **stats, char *err)
{
    uint64_t v;
    switch (opt) {
    case OPT_LISTEN:
        return sv_parse_listen(arg, o, err);
    case OPT_THREADS:
        if (rg_parse_count(arg, &v, err) < 0 || v < 1 || v > 256)
            return rg_err(err, "invalid --threads '%s' (1..256)", arg);
        o->threads = (int)v;
        return 0;
    case OPT_BODY:
        if (rg_parse_size(arg, &v, err) < 0 || v > (uint64_t)1 << 30)
            return rg_err(err, "invalid --body-size '%s' (0..1GiB)", arg);
        o->body_size = v;
        return 0;
    case OPT_STATUS:
        if (rg_parse_count(arg, &v, err) < 0 || v < 200 || v > 599)
            return rg_err(err, "invalid --status '%s' (200..599)", arg);
        o->status = (int)v;
        return 0;
    case OPT_DELAY:
        return sv_parse_delay(arg, o, err);
    case OPT_FAULT:
        if (parse_fault(arg, o) < 0)
            return rg_err(err, "invalid --fault '%s': close, reset, garbage or "
                          "stall", arg);
        return 0;
    case OPT_RATE:
        if (rg_parse_percent(arg, &o->fault_rate, err) < 0 || o->fault_rate < 0 ||
            o->fault_rate > 1)
            return rg_err(err, "invalid --fault-rate '%s' (0..1 or 0%%..100%%)",
                          arg);
        return 0;
    case OPT_STATS:
        *stats = arg;
        return 0;
    case OPT_IDLE:
    case OPT_HEADER: {
        double *d = opt == OPT_IDLE ? &o->idle_timeout_s : &o->header_timeout_s;
        if (rg_parse_duration(arg, d, err) < 0 || *d < 0 || *d > 86400)
            return rg_err(err, "invalid --%s '%s' (a duration, 0 to 24h)",
                          opt == OPT_IDLE ? "idle-timeout" : "header-timeout", arg);
        return 0;
    }
    }
    return -1;
}

/* A server is expected to hold many connections: take the whole hard limit of descriptors. */
static void raise_nofile(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
}

static int serve_until_signal(const sv_opts *o, const char *stats, bool quiet)
{
    char err[RG_ERRLEN];
    raise_nofile();
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    /* A shell starts background jobs with SIGINT ignored, and an ignored signal is dropped
     * even while blocked: restore the default so sigwait sees it. */
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    pthread_sigmask(SIG_BLOCK, &set, NULL);   /* inherited by the engine's threads */
    signal(SIGPIPE, SIG_IGN);
    sv_server *s = sv_start(o, err);
    if (s == NULL)
        return rg_fail(RG_EXIT_FAIL, "serve", "%s", err);
    if (!quiet)
        fprintf(stderr, "rigor serve: listening on port %u (%d thread%s)\n",
                (unsigned)sv_port(s), o->threads, o->threads == 1 ? "" : "s");
    int sig = 0;
    sigwait(&set, &sig);
    sv_stats st;
    sv_stop(s, &st);
    fprintf(stderr, "rigor serve: served %llu requests (%llu responses, %llu connections, "
            "%llu bad requests)\n", (unsigned long long)st.requests,
            (unsigned long long)st.responses, (unsigned long long)st.connections,
            (unsigned long long)st.bad_requests);
    if (st.accept_pauses > 0)
        fprintf(stderr, "rigor serve: ran out of file descriptors %llu times (ulimit -n); "
                "accepting paused meanwhile\n", (unsigned long long)st.accept_pauses);
    if (stats != NULL && write_stats(stats, &st, err) < 0)
        return rg_fail(RG_EXIT_FAIL, "serve", "%s", err);
    return RG_EXIT_OK;
}

int cmd_serve(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"listen", required_argument, NULL, OPT_LISTEN},
        {"threads", required_argument, NULL, OPT_THREADS},
        {"body-size", required_argument, NULL, OPT_BODY},
        {"status", required_argument, NULL, OPT_STATUS},
        {"delay", required_argument, NULL, OPT_DELAY},
        {"fault", required_argument, NULL, OPT_FAULT},
        {"fault-rate", required_argument, NULL, OPT_RATE},
        {"stats-file", required_argument, NULL, OPT_STATS},
        {"idle-timeout", required_argument, NULL, OPT_IDLE},
        {"header-timeout", required_argument, NULL, OPT_HEADER},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    sv_opts o = {.threads = 1, .body_size = 12, .status = 200, .fault_rate = 1.0,
                 .idle_timeout_s = 60, .header_timeout_s = 60};
    const char *stats = NULL;
    bool quiet = false;
    char err[RG_ERRLEN];
    if (sv_parse_listen("127.0.0.1:8080", &o, err) < 0)
        return rg_fail(RG_EXIT_FAIL, "serve", "%s", err);
    opterr = 0;
    optind = 1;
    int opt;
    while ((opt = getopt_long(argc, argv, ":qh", longopts, NULL)) != -1) {
        if (opt == 'h') {
            fputs(usage, stdout);
            return RG_EXIT_OK;
        } else if (opt == 'q') {
            quiet = true;
        } else if (opt >= OPT_LISTEN) {
            if (parse_opt(opt, optarg, &o, &stats, err) < 0)
                return rg_usage_error("serve", "%s", err);
        } else {
            return rg_bad_option("serve", argv, optopt);
        }
    }
    if (optind < argc)
        return rg_usage_error("serve", "unexpected argument '%s'", argv[optind]);
    return serve_until_signal(&o, stats, quiet);
}
