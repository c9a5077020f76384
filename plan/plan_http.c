/*
 * plan/plan_http.c — the readiness probe.
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
#include "core/err.h"
#include "core/io.h"
#include "core/units.h"
#include "plan/plan_int.h"

/* Milliseconds left until deadline_ns (at least 0). */
static int ms_left(uint64_t deadline_ns)
{
    uint64_t now = rg_now_ns();
    return now >= deadline_ns ? 0 : (int)((deadline_ns - now) / 1000000 + 1);
}

/* Non-blocking connect to the first address that accepts, within the deadline. */
static int connect_to(const lg_url *u, uint64_t deadline_ns, char *err)
{
    struct addrinfo hints = {0}, *res = NULL;
    int fd = -1, rc, last = ECONNREFUSED;
    char port[8];
    snprintf(port, sizeof port, "%u", (unsigned)u->port);
    hints.ai_socktype = SOCK_STREAM;
    if ((rc = getaddrinfo(u->host, port, &hints, &res)) != 0)
        return rg_err(err, "cannot resolve '%s': %s", u->host, gai_strerror(rc));
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
        rg_err_set(err, "cannot connect to %s: %s", u->hostport, strerror(last));
    return fd;
}

/* Read until the status line is complete; return the status code or -1. */
static int read_status(int fd, uint64_t deadline_ns, char *err)
{
    char buf[512];
    size_t n = 0;
    while (n + 1 < sizeof buf) {
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, ms_left(deadline_ns)) != 1)
            return rg_err(err, "no HTTP response within the time limit");
        ssize_t r = read(fd, buf + n, sizeof buf - 1 - n);
        if (r < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
        if (r <= 0)
            return rg_err(err, "connection closed before an HTTP response%s%s",
                          r < 0 ? ": " : "", r < 0 ? strerror(errno) : "");
        n += (size_t)r;
        buf[n] = '\0';
        if (strstr(buf, "\r\n") || strchr(buf, '\n'))
            break;
    }
    int code = 0, minor = 0;
    if (sscanf(buf, "HTTP/1.%d %3d", &minor, &code) != 2 || code < 100 || code > 599)
        return rg_err(err, "the answer is not an HTTP/1.x response");
    return code;
}

int pl_http_probe(const char *url, double timeout_s, char *err)
{
    lg_url u;
    char *req = NULL;
    uint64_t deadline = rg_now_ns() + (uint64_t)(timeout_s * 1e9);
    if (lg_url_parse(url, &u, err) != 0)
        return -1;
    int code = -1, fd = connect_to(&u, deadline, err);
    int len = fd < 0 ? -1 : asprintf(&req, "GET %s HTTP/1.1\r\nHost: %s\r\n"
                                     "User-Agent: rigor-run\r\nConnection: close\r\n\r\n",
                                     u.path, u.hostport);
    if (fd >= 0 && len < 0)
        rg_err_set(err, "out of memory");
    else if (fd >= 0 && send(fd, req, (size_t)len, MSG_NOSIGNAL) != len)
        rg_err_set(err, "cannot send the request: %s", strerror(errno));
    else if (fd >= 0)
        code = read_status(fd, deadline, err);
    if (fd >= 0)
        close(fd);
    free(req);
    lg_url_free(&u);
    return code;
}
