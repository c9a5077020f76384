/*
 * plan/plan_http.c — plan URLs and the readiness probe.
 *
 * The plan runner needs to know whether a target answers before it sends load: before any
 * run for targets that are assumed running, and while a started target boots. That is one
 * small blocking HTTP/1.1 GET with Connection: close (RFC 9112 §9.6) and a deadline, reading
 * only the status line (RFC 9112 §4) — not worth the engine's machinery. Any status counts as
 * "answering": a 404 still proves the server is up.
 * Expected load: a few probes per second while a target starts.
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>
#include "core/clock.h"
#include "core/io.h"
#include "core/units.h"
#include "plan/plan_int.h"

static int url_fail(char *err, const char *url, const char *why)
{
    snprintf(err, RG_ERRLEN, "invalid URL '%s': %s", url, why);
    return -1;
}

/* host[:port] or [v6][:port] from the authority part. */
static int parse_authority(const char *url, const char *a, size_t n, pl_url *out, char *err)
{
    const char *port = NULL;
    size_t hlen;
    if (memchr(a, '@', n))
        return url_fail(err, url, "user information is not supported");
    if (n > 0 && a[0] == '[') {
        const char *close = memchr(a, ']', n);
        if (close == NULL)
            return url_fail(err, url, "unterminated [IPv6 address]");
        hlen = (size_t)(close - a - 1);
        memcpy(out->host, a + 1, hlen < sizeof out->host ? hlen : 0);
        if (close + 1 < a + n) {
            if (close[1] != ':')
                return url_fail(err, url, "garbage after ]");
            port = close + 2;
        }
    } else {
        const char *colon = memchr(a, ':', n);
        hlen = colon ? (size_t)(colon - a) : n;
        if (hlen < sizeof out->host)
            memcpy(out->host, a, hlen);
        port = colon ? colon + 1 : NULL;
    }
    if (hlen == 0)
        return url_fail(err, url, "missing host");
    if (hlen >= sizeof out->host)
        return url_fail(err, url, "host name too long");
    out->host[hlen] = '\0';
    snprintf(out->port, sizeof out->port, "80");
    if (port != NULL) {
        size_t plen = (size_t)(a + n - port);
        long v = 0;
        if (plen == 0 || plen > 5)
            return url_fail(err, url, "bad port");
        for (size_t i = 0; i < plen; i++) {
            if (port[i] < '0' || port[i] > '9')
                return url_fail(err, url, "bad port");
            v = v * 10 + (port[i] - '0');
        }
        if (v < 1 || v > 65535)
            return url_fail(err, url, "port out of range (1-65535)");
        snprintf(out->port, sizeof out->port, "%ld", v);
    }
    return 0;
}

int pl_url_parse(const char *url, pl_url *out, char *err)
{
    memset(out, 0, sizeof *out);
    for (const unsigned char *s = (const unsigned char *)url; *s; s++)
        if (*s <= 0x20 || *s == 0x7f)
            return url_fail(err, url, "contains a space or control character");
    if (strncasecmp(url, "https://", 8) == 0)
        return url_fail(err, url, "https is not supported (plain HTTP/1.1 only)");
    if (strncasecmp(url, "http://", 7) != 0)
        return url_fail(err, url, "expected http://HOST[:PORT][/PATH]");
    const char *a = url + 7;
    size_t n = strcspn(a, "/?#");
    if (parse_authority(url, a, n, out, err) != 0)
        return -1;
    const char *rest = a + n;
    size_t plen = strcspn(rest, "#");  /* a fragment is never sent (RFC 9110 §4.2.4) */
    if (plen + 2 > sizeof out->path)
        return url_fail(err, url, "path too long");
    snprintf(out->path, sizeof out->path, "%s%.*s", rest[0] == '/' ? "" : "/", (int)plen, rest);
    return 0;
}

/* Milliseconds left until deadline_ns (at least 0). */
static int ms_left(uint64_t deadline_ns)
{
    uint64_t now = rg_now_ns();
    return now >= deadline_ns ? 0 : (int)((deadline_ns - now) / 1000000 + 1);
}

/* Non-blocking connect to the first address that accepts, within the deadline. */
static int connect_to(const pl_url *u, uint64_t deadline_ns, char *err)
{
    struct addrinfo hints = {0}, *res = NULL;
    int fd = -1, rc, last = ECONNREFUSED;
    hints.ai_socktype = SOCK_STREAM;
    if ((rc = getaddrinfo(u->host, u->port, &hints, &res)) != 0) {
        snprintf(err, RG_ERRLEN, "cannot resolve '%s': %s", u->host, gai_strerror(rc));
        return -1;
    }
    for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0)
            continue;
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
            last = 0;
        } else if (errno == EINPROGRESS) {
            struct pollfd p = {fd, POLLOUT, 0};
            socklen_t sl = sizeof last;
            last = ETIMEDOUT;
            if (poll(&p, 1, ms_left(deadline_ns)) == 1)
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &last, &sl);
        } else {
            last = errno;
        }
        if (last != 0) {
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    if (fd < 0)
        snprintf(err, RG_ERRLEN, "cannot connect to %s:%s: %s", u->host, u->port,
                 strerror(last));
    return fd;
}

/* Read until the status line is complete; return the status code or -1. */
static int read_status(int fd, uint64_t deadline_ns, char *err)
{
    char buf[512];
    size_t n = 0;
    while (n + 1 < sizeof buf) {
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, ms_left(deadline_ns)) != 1) {
            snprintf(err, RG_ERRLEN, "no HTTP response within the time limit");
            return -1;
        }
        ssize_t r = read(fd, buf + n, sizeof buf - 1 - n);
        if (r < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
        if (r <= 0) {
            snprintf(err, RG_ERRLEN, "connection closed before an HTTP response%s%s",
                     r < 0 ? ": " : "", r < 0 ? strerror(errno) : "");
            return -1;
        }
        n += (size_t)r;
        buf[n] = '\0';
        if (strstr(buf, "\r\n") || strchr(buf, '\n'))
            break;
    }
    int code = 0, minor = 0;
    if (sscanf(buf, "HTTP/1.%d %3d", &minor, &code) != 2 || code < 100 || code > 599) {
        snprintf(err, RG_ERRLEN, "the answer is not an HTTP/1.x response");
        return -1;
    }
    return code;
}

int pl_http_probe(const char *url, double timeout_s, char *err)
{
    pl_url u;
    char req[1500];
    uint64_t deadline = rg_now_ns() + (uint64_t)(timeout_s * 1e9);
    if (pl_url_parse(url, &u, err) != 0)
        return -1;
    int fd = connect_to(&u, deadline, err);
    if (fd < 0)
        return -1;
    int len = snprintf(req, sizeof req,
                       "GET %s HTTP/1.1\r\nHost: %s%s%s:%s\r\nUser-Agent: rigor-run\r\n"
                       "Connection: close\r\n\r\n", u.path, strchr(u.host, ':') ? "[" : "",
                       u.host, strchr(u.host, ':') ? "]" : "", u.port);
    int code = -1;
    if (send(fd, req, (size_t)len, MSG_NOSIGNAL) != len)
        snprintf(err, RG_ERRLEN, "cannot send the request: %s", strerror(errno));
    else
        code = read_status(fd, deadline, err);
    close(fd);
    return code;
}
