/*
 * plan/plan_http.c — the readiness probe.
 *
 * The plan runner needs to know whether a target answers before it sends load: before any
 * run for targets that are assumed running, and while a started target boots. That is one
 * small blocking HTTP/1.1 GET with Connection: close (RFC 9112 §9.6) and a deadline, reading
 * only the status line (RFC 9112 §4) — not worth the engine's machinery. Any status counts as
 * "answering": a 404 still proves the server is up.
 * https: the TLS state comes from the load generator (lg_tls_client_new), so the probe checks
 * the certificate exactly as the runs will; the handshake and the I/O are driven here with
 * poll() against the same deadline. A certificate that fails verification is reported as
 * such (-2): waiting longer would not change it.
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
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
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

/* The connection: a socket, with a TLS state for https. */
typedef struct probe_conn {
    int fd;
    SSL *ssl;
} probe_conn;

/*
 * Wait until OpenSSL's last call (result rc) can go on. 0 to call again, -1 with err when it
 * failed for good (-2: the certificate did not verify) or the deadline passed.
 */
static int tls_wait(probe_conn *pc, int rc, uint64_t deadline_ns, const char *what, char *err)
{
    int e = SSL_get_error(pc->ssl, rc), saved = errno;
    struct pollfd p = {pc->fd, e == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN, 0};
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
        if (poll(&p, 1, ms_left(deadline_ns)) == 1)
            return 0;
        return rg_err(err, "no TLS %s within the time limit", what);
    }
    long vr = SSL_get_verify_result(pc->ssl);
    unsigned long le = ERR_peek_last_error();
    const char *reason = le ? ERR_reason_error_string(le) : NULL;
    ERR_clear_error();
    if (vr != X509_V_OK) {
        rg_err_set(err, "certificate verification failed: %s (\"cacert\" trusts the "
                   "server's CA, \"insecure\": true skips verification)",
                   X509_verify_cert_error_string(vr));
        return -2;
    }
    return rg_err(err, "TLS %s failed: %s", what,
                  reason ? reason : saved ? strerror(saved) : "the connection was closed");
}

static int tls_handshake(probe_conn *pc, uint64_t deadline_ns, char *err)
{
    int rc;
    while ((rc = SSL_do_handshake(pc->ssl)) != 1)
        if ((rc = tls_wait(pc, rc, deadline_ns, "handshake", err)) != 0)
            return rc;
    return 0;
}

/* All of buf, or -1 with err. */
static int send_all(probe_conn *pc, const char *buf, size_t len, uint64_t deadline_ns,
                    char *err)
{
    if (pc->ssl == NULL) {
        if (send(pc->fd, buf, len, MSG_NOSIGNAL) != (ssize_t)len)
            return rg_err(err, "cannot send the request: %s", strerror(errno));
        return 0;
    }
    int rc;
    while ((rc = SSL_write(pc->ssl, buf, (int)len)) <= 0)
        if (tls_wait(pc, rc, deadline_ns, "write", err) != 0)
            return -1;
    return 0;
}

/* Some bytes (> 0), 0 at the end, -1 with errno, or -2 with err (TLS failure, deadline). */
static ssize_t recv_some(probe_conn *pc, char *buf, size_t len, uint64_t deadline_ns, char *err)
{
    if (pc->ssl == NULL)
        return read(pc->fd, buf, len);
    int rc;
    while ((rc = SSL_read(pc->ssl, buf, (int)len)) <= 0) {
        if (SSL_get_error(pc->ssl, rc) == SSL_ERROR_ZERO_RETURN)
            return 0;
        if (tls_wait(pc, rc, deadline_ns, "read", err) != 0)
            return -2;
    }
    return rc;
}

/* Read until the status line is complete; return the status code or -1. */
static int read_status(probe_conn *pc, uint64_t deadline_ns, char *err)
{
    char buf[512];
    size_t n = 0;
    while (n + 1 < sizeof buf) {
        struct pollfd p = {pc->fd, POLLIN, 0};
        if ((pc->ssl == NULL || SSL_has_pending(pc->ssl) != 1) &&
            poll(&p, 1, ms_left(deadline_ns)) != 1)
            return rg_err(err, "no HTTP response within the time limit");
        ssize_t r = recv_some(pc, buf + n, sizeof buf - 1 - n, deadline_ns, err);
        if (r == -2)
            return -1;
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

/* The request and its status line over a connected (and, for https, TLS) connection. */
static int exchange(probe_conn *pc, const lg_url *u, uint64_t deadline, char *err)
{
    char *req = NULL;
    int len = asprintf(&req, "GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: rigor-run\r\n"
                       "Connection: close\r\n\r\n", u->path, u->hostport);
    int code = -1;
    if (len < 0)
        rg_err_set(err, "out of memory");
    else if (send_all(pc, req, (size_t)len, deadline, err) == 0)
        code = read_status(pc, deadline, err);
    free(req);
    return code;
}

int pl_http_probe(const char *url, const pl_probe_tls *tls, double timeout_s, char *err)
{
    lg_url u;
    uint64_t deadline = rg_now_ns() + (uint64_t)(timeout_s * 1e9);
    if (lg_url_parse(url, &u, err) != 0)
        return -1;
    probe_conn pc = {connect_to(&u, deadline, err), NULL};
    int code = -1;
    if (pc.fd >= 0 && u.tls) {
        lg_config cfg;
        lg_config_init(&cfg);
        cfg.url = url;
        cfg.insecure = tls != NULL && tls->insecure;
        cfg.cacert = tls != NULL ? tls->cacert : NULL;
        pc.ssl = lg_tls_client_new(&cfg, &u, pc.fd, err);
        code = pc.ssl == NULL ? -1 : tls_handshake(&pc, deadline, err);
    } else if (pc.fd >= 0) {
        code = 0;
    }
    if (code == 0)
        code = exchange(&pc, &u, deadline, err);
    lg_tls_client_free(pc.ssl);
    if (pc.fd >= 0)
        close(pc.fd);
    lg_url_free(&u);
    return code;
}
