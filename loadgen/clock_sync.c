/*
 * loadgen/clock_sync.c — the clocks of a distributed run: when to start, and how far this
 * host's wall clock is from the reference (docs/distributed.md).
 *
 * Design: three sources, best first.
 *  1. A round-trip probe to the coordinator over the process's own stdin/stdout — the
 *     channel ssh, kubectl exec, pdsh -R exec or `ip netns exec` already give `rigor run`, so
 *     no port has to be opened towards the coordinator. Each exchange bounds the offset
 *     theta = reference - local: the coordinator read its clock (t2) after we sent (t1) and
 *     before we received its answer (t4), so t2 - t4 <= theta <= t2 - t1. The bounds of all
 *     exchanges are intersected (Marzullo's idea for a single source; clocks do not drift
 *     measurably over a few milliseconds), which is tighter than the best single exchange;
 *     if they do not intersect (a clock stepped mid-probe) the shortest round trip is used.
 *     The uncertainty recorded is half the final interval: a bound, not a standard error.
 *  2. NTP state: `chronyc -c -n tracking` (the daemon's estimate of the system clock's error,
 *     applied as the offset, with root delay / 2 + root dispersion as the bound, chrony's
 *     own formula), or, when chronyc is not installed, the kernel's NTP state from
 *     adjtimex(2) (synchronized or not, and its maximum error; the offset is being slewed
 *     away, so it counts as 0).
 *  3. Nothing: the local clock as it is, uncertainty unknown (null), said in the run.
 * The start time is parsed here too (RFC 3339, @EPOCH or +DURATION).
 * Expected load: a handful of calls per `rigor load`; a probe is 8 exchanges of a line.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timex.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "core/clock.h"
#include "core/err.h"
#include "core/units.h"
#include "loadgen/loadgen.h"

extern char **environ;

int64_t lg_wall_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* "HH:MM" of a numeric UTC offset into seconds; -1 when malformed. */
static long zone_seconds(const char *z)
{
    int h, m, n = 0;
    if (sscanf(z, "%2d:%2d%n", &h, &m, &n) != 2 || n != 5 || z[5] != '\0' || h > 23 || m > 59)
        return -1;
    return h * 3600L + m * 60L;
}

/*
 * RFC 3339 date-time (§5.6): full-date "T" partial-time [.frac] (Z | ±HH:MM). Parsed by hand:
 * glibc's strptime has no fractional seconds, and its %z is not RFC 3339's grammar.
 */
static int parse_rfc3339(const char *s, uint64_t *out, char *err)
{
    struct tm tm;
    int n = 0;
    memset(&tm, 0, sizeof tm);
    if (sscanf(s, "%4d-%2d-%2d%*1[Tt ]%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
               &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6 || n != 19 ||
        tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 ||
        tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60 || tm.tm_year < 1970)
        return rg_err(err, "invalid time '%s': expected RFC 3339 such as "
                      "2026-12-01T10:00:05Z, @EPOCH_SECONDS or +DURATION such as +5s", s);
    const char *p = s + n;
    uint64_t frac = 0, scale = 1000000000u;
    if (*p == '.') {
        for (p++; *p >= '0' && *p <= '9'; p++)
            if (scale > 1) {
                scale /= 10;
                frac += (uint64_t)(*p - '0') * scale;
            }
    }
    long zone = 0;
    if ((*p == 'Z' || *p == 'z') && p[1] == '\0')
        zone = 0;
    else if ((*p == '+' || *p == '-') && (zone = zone_seconds(p + 1)) >= 0)
        zone = *p == '+' ? zone : -zone;
    else
        return rg_err(err, "invalid time '%s': the time zone must be Z or +HH:MM", s);
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    time_t t = timegm(&tm);
    if (t == (time_t)-1 || t - zone < 0)
        return rg_err(err, "invalid time '%s'", s);
    *out = (uint64_t)(t - zone) * 1000000000u + frac;
    return 0;
}

int lg_parse_start_at(const char *s, uint64_t now_ns, uint64_t *out_ns, char *err)
{
    if (s[0] == '+') {
        double d;
        if (rg_parse_duration(s + 1, &d, err) != 0)
            return -1;
        if (!(d >= 0) || d > 86400.0 * 7)
            return rg_err(err, "invalid --start-at '%s': at most a week ahead", s);
        uint64_t t = now_ns + (uint64_t)(d * 1e9);
        *out_ns = (t + 999999999u) / 1000000000u * 1000000000u;   /* a whole second */
        return 0;
    }
    if (s[0] == '@') {
        char *end;
        errno = 0;
        double e = strtod(s + 1, &end);
        if (end == s + 1 || *end != '\0' || errno != 0 || !(e > 0) || e > 9.2e9)
            return rg_err(err, "invalid --start-at '%s': expected @SECONDS since the epoch", s);
        *out_ns = (uint64_t)(e * 1e9 + 0.5);
        return 0;
    }
    return parse_rfc3339(s, out_ns, err);
}

int lg_offset_estimate(const lg_probe_sample *s, size_t n, lg_offset *out)
{
    int64_t lo = INT64_MIN, hi = INT64_MAX, best_rtt = INT64_MAX;
    size_t best = 0;
    memset(out, 0, sizeof *out);
    if (n == 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        int64_t a = s[i].t2 - s[i].t4, b = s[i].t2 - s[i].t1;   /* theta in [a, b] */
        lo = a > lo ? a : lo;
        hi = b < hi ? b : hi;
        if (s[i].t4 - s[i].t1 < best_rtt) {
            best_rtt = s[i].t4 - s[i].t1;
            best = i;
        }
    }
    out->samples = (int)n;
    out->rtt_min_ns = best_rtt;
    out->intersected = lo <= hi;
    if (!out->intersected) {
        lo = s[best].t2 - s[best].t4;
        hi = s[best].t2 - s[best].t1;
    }
    out->offset_ns = lo + (hi - lo) / 2;
    out->uncertainty_ns = (hi - lo + 1) / 2;
    return 0;
}

/* One line from fd into buf (without the newline), waiting until deadline (monotonic ns). */
static int read_line(int fd, char *buf, size_t len, uint64_t deadline, char *err)
{
    size_t n = 0;
    for (;;) {
        uint64_t now = rg_now_ns();
        if (now >= deadline)
            return rg_err(err, "no answer from the coordinator on stdin (with rigor run: a "
                          "remote template that does not pass stdin through needs "
                          "\"clock_probe\": false)");
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        int ms = (int)((deadline - now + 999999) / 1000000);
        int rc = poll(&pfd, 1, ms);
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc <= 0)
            continue;
        char c;
        ssize_t r = read(fd, &c, 1);   /* a byte at a time: nothing after the line is taken */
        if (r == 0)
            return rg_err(err, "stdin closed: no coordinator answers clock probes");
        if (r < 0)
            return rg_err(err, "reading stdin: %s", strerror(errno));
        if (c == '\n') {
            buf[n] = '\0';
            return 0;
        }
        if (n + 1 < len)
            buf[n++] = c;
    }
}

int lg_clock_probe(int in_fd, int out_fd, int n, double timeout_s, lg_offset *out, char *err)
{
    lg_probe_sample s[LG_PROBE_MAX];
    if (n < 1 || n > LG_PROBE_MAX)
        return rg_err(err, "invalid number of clock probes");
    for (int i = 0; i < n; i++) {
        char line[128];
        int len = snprintf(line, sizeof line, "%s %d\n", LG_PROBE_ASK, i + 1);
        s[i].t1 = lg_wall_ns();
        if (write(out_fd, line, (size_t)len) != len)
            return rg_err(err, "cannot write a clock probe to stdout: %s", strerror(errno));
        uint64_t deadline = rg_now_ns() + (uint64_t)(timeout_s * 1e9);
        if (read_line(in_fd, line, sizeof line, deadline, err) != 0)
            return -1;
        s[i].t4 = lg_wall_ns();
        int seq = 0;
        long long t2 = 0;
        char word[32];
        if (sscanf(line, "%31s %d %lld", word, &seq, &t2) != 3 || strcmp(word, LG_PROBE_REPLY) ||
            seq != i + 1 || t2 <= 0)
            return rg_err(err, "unexpected answer to a clock probe on stdin: '%.60s'", line);
        s[i].t2 = t2;
    }
    return lg_offset_estimate(s, (size_t)n, out);
}

int lg_chrony_parse(const char *csv, lg_ntp *out, char *err)
{
    char *copy = strdup(csv), *rest = copy, *f[16] = {0};
    int k = 0;
    if (copy == NULL)
        return rg_err(err, "out of memory");
    copy[strcspn(copy, "\r\n")] = '\0';
    while (rest != NULL && k < 16)   /* strsep keeps empty fields (an unknown name) */
        f[k++] = strsep(&rest, ",");
    memset(out, 0, sizeof *out);
    int rc = 0;
    char *e1, *e2, *e3;
    if (k < 14) {
        rc = rg_err(err, "chronyc tracking: expected 14 fields, got %d", k);
    } else {
        out->offset_s = strtod(f[4], &e1);
        double delay = strtod(f[10], &e2), disp = strtod(f[11], &e3);
        if (*e1 || *e2 || *e3 || !(delay >= 0) || !(disp >= 0))
            rc = rg_err(err, "chronyc tracking: unreadable numbers");
        out->error_s = delay / 2 + disp;   /* chrony's bound once the offset is applied */
        out->synchronized = strcmp(f[13], "Not synchronised") != 0;
        snprintf(out->server, sizeof out->server, "%s", f[1]);
        out->stratum = atoi(f[2]);
    }
    free(copy);
    return rc;
}

/*
 * Run `chronyc -c -n tracking` with stdin and stderr on /dev/null (stdin may be the
 * coordinator's pipe), for at most a second. 0 with its first line in buf; 1 when chronyc
 * is not installed; -1 with err when it failed (no daemon: "506 Cannot talk to daemon").
 */
static int run_chronyc(char *buf, size_t len, char *err)
{
    int p[2];
    posix_spawn_file_actions_t fa;
    pid_t pid;
    char *argv[] = {"chronyc", "-c", "-n", "tracking", NULL};
    if (pipe2(p, O_CLOEXEC) != 0)
        return rg_err(err, "pipe: %s", strerror(errno));
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, p[1], 1);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    int rc = posix_spawnp(&pid, "chronyc", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(p[1]);
    if (rc != 0) {
        close(p[0]);
        return rc == ENOENT ? 1 : rg_err(err, "cannot run chronyc: %s", strerror(rc));
    }
    size_t n = 0;
    uint64_t deadline = rg_now_ns() + 1000000000u;
    while (n + 1 < len && rg_now_ns() < deadline) {
        struct pollfd pfd = {.fd = p[0], .events = POLLIN};
        if (poll(&pfd, 1, 100) <= 0)
            continue;
        ssize_t r = read(p[0], buf + n, len - 1 - n);
        if (r <= 0)
            break;
        n += (size_t)r;
    }
    buf[n] = '\0';
    close(p[0]);
    kill(pid, SIGKILL);   /* harmless when it has exited: it is a zombie until waited for */
    int st;
    waitpid(pid, &st, 0);
    if (n == 0 || strncmp(buf, "506", 3) == 0 || strchr(buf, ',') == NULL)
        return rg_err(err, "chronyc: no answer from chronyd");
    buf[strcspn(buf, "\n")] = '\0';
    return 0;
}

/* The kernel's NTP state (adjtimex(2)) when chronyc is not there. */
static void kernel_state(lg_ntp *out)
{
    struct timex tx;
    memset(&tx, 0, sizeof tx);
    int state = adjtimex(&tx);
    snprintf(out->source, sizeof out->source, "adjtimex");
    out->synchronized = state >= 0 && state != TIME_ERROR && !(tx.status & STA_UNSYNC);
    out->offset_s = 0;   /* the kernel slews what it knows away; the rest is in maxerror */
    out->error_s = (double)tx.maxerror / 1e6;
}

void lg_ntp_state(lg_ntp *out)
{
    char line[512], err[RG_ERRLEN];
    memset(out, 0, sizeof *out);
    int rc = run_chronyc(line, sizeof line, err);
    if (rc == 0 && lg_chrony_parse(line, out, err) == 0) {
        snprintf(out->source, sizeof out->source, "chronyc");
        return;
    }
    kernel_state(out);
    snprintf(out->note, sizeof out->note, "%.150s", rc == 1 ? "chronyc is not installed" : err);
}

json_t *lg_ntp_json(const lg_ntp *n)
{
    json_t *o = json_object();
    json_object_set_new(o, "source", json_string(n->source));
    json_object_set_new(o, "synchronized", json_boolean(n->synchronized));
    json_object_set_new(o, "offset_s", json_real(n->offset_s));
    json_object_set_new(o, "error_s", json_real(n->error_s));
    if (n->server[0])
        json_object_set_new(o, "server", json_string(n->server));
    if (n->stratum > 0)
        json_object_set_new(o, "stratum", json_integer(n->stratum));
    if (n->note[0])
        json_object_set_new(o, "note", json_string(n->note));
    return o;
}
