/*
 * loadgen/tls.c — HTTPS for the load generator: OpenSSL behind a handshake step, a read and
 * a write that the connection state machine (conn.c) calls instead of read() and send().
 *
 * Design: one SSL_CTX per run, shared read-only by the workers (OpenSSL makes SSL_new on a
 * shared context thread-safe); one SSL per connection, on the connection's non-blocking
 * socket, driven from the worker's epoll loop. A handshake step returns what OpenSSL wants
 * next (to read: EPOLLIN is always registered; to write: conn.c adds EPOLLOUT), so
 * thousands of handshakes proceed at once on one thread.
 *
 * Choices, each for a measured or documented reason:
 * - Verification is on by default (the system's CAs, or --cacert's instead), with the URL's
 *   host checked against the certificate (RFC 6125 name, or an IP address for a literal);
 *   -k turns it off. SNI carries the host name (never an IP literal: RFC 6066 §3).
 * - TLS 1.2 and 1.3 only; ALPN offers http/1.1 alone (RFC 7301), so a server that prefers h2
 *   still speaks HTTP/1.1.
 * - read-ahead: OpenSSL then reads up to a whole buffer per read() instead of a record
 *   header and a record body in two calls; because it may keep bytes epoll cannot see,
 *   conn.c asks lg_tls_pending() before going back to epoll.
 * - Resumption: each worker keeps the sessions the server gave in a small pool (new-session
 *   callback, called on the worker's own thread; nothing in OpenSSL's shared cache, so no
 *   lock) and offers the newest on each new connection. A TLS 1.3 session is taken out of
 *   the pool when offered: OpenSSL marks a TLS 1.3 ticket used once as not resumable (single
 *   use, RFC 8446 §C.4), and each connection brings new tickets; a TLS 1.2 session stays and
 *   is offered again. --no-tls-resume turns the client cache off.
 * - No close_notify on close (quiet shutdown): a benchmark closes connections it is done
 *   with, and the alert would be one more write per connection. An EOF without close_notify
 *   from the server ends the stream like a TCP FIN (SSL_OP_IGNORE_UNEXPECTED_EOF), which is
 *   how close-delimited HTTP bodies end.
 * - Renegotiation is refused (SSL_OP_NO_RENEGOTIATION): it is the only way SSL_write could
 *   need to read first.
 * - Above 1,000 connections, idle connections give their 33 KiB of buffers back
 *   (SSL_MODE_RELEASE_BUFFERS): 10,000 connections would otherwise hold ~330 MB.
 *
 * OpenSSL's error queue is per thread and SSL_get_error() reads it, so every failing path
 * empties it. Expected load: an SSL_read and an SSL_write per request, a handshake per
 * connection.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include "core/err.h"
#include "loadgen/lg_int.h"

#define LG_TLS_MANY_CONNS 1000
#define LG_TLS_POOL 64   /* sessions kept per worker; the oldest is dropped beyond */

static const unsigned char alpn_http11[] = "\x08http/1.1";

/* 1 when host is an IPv4 or IPv6 literal. */
static int is_ip_literal(const char *host)
{
    unsigned char buf[sizeof(struct in6_addr)];
    return inet_pton(AF_INET, host, buf) == 1 || inet_pton(AF_INET6, host, buf) == 1;
}

/* The newest OpenSSL error as "reason" (e.g. "wrong version number"), or fallback. */
static const char *ssl_reason(const char *fallback)
{
    unsigned long e = ERR_peek_last_error();
    const char *r = e ? ERR_reason_error_string(e) : NULL;
    return r ? r : fallback;
}

/* The new-session callback: add the session to its worker's pool (newest last). */
static int on_new_session(SSL *ssl, SSL_SESSION *sess)
{
    lg_conn *c = SSL_get_app_data(ssl);
    if (c == NULL)
        return 0;
    lg_worker *w = c->w;
    if (w->tls_pool == NULL && (w->tls_pool = calloc(LG_TLS_POOL, sizeof *w->tls_pool)) == NULL)
        return 0;
    if (w->tls_npool == LG_TLS_POOL) {
        SSL_SESSION_free(w->tls_pool[0]);
        memmove(w->tls_pool, w->tls_pool + 1, (LG_TLS_POOL - 1) * sizeof *w->tls_pool);
        w->tls_npool--;
    }
    w->tls_pool[w->tls_npool++] = sess;
    return 1;   /* the reference is ours now */
}

/* Offer the newest resumable session of the pool on ssl (see the design note). */
static void offer_session(lg_worker *w, SSL *ssl)
{
    while (w->tls_npool > 0) {
        SSL_SESSION *s = w->tls_pool[w->tls_npool - 1];
        bool tls13 = SSL_SESSION_get_protocol_version(s) == TLS1_3_VERSION;
        if (SSL_SESSION_is_resumable(s) && SSL_set_session(ssl, s) != 1)
            ERR_clear_error();
        if (!tls13 && SSL_SESSION_is_resumable(s))
            return;   /* TLS 1.2: offered again next time */
        w->tls_npool--;
        SSL_SESSION_free(s);   /* ssl holds its own reference */
        if (tls13)
            return;
    }
}

/* Trust and the name to check: --cacert or the system store; the URL's host. */
static int set_verify(SSL_CTX *ctx, const lg_config *cfg, const lg_url *u, char *err)
{
    if (cfg->insecure) {
        SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
        return 0;
    }
    if (cfg->cacert != NULL) {
        if (SSL_CTX_load_verify_locations(ctx, cfg->cacert, NULL) != 1)
            return rg_err(err, "cannot use --cacert %s: %s", cfg->cacert,
                          ssl_reason("no certificate found"));
    } else if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
        return rg_err(err, "cannot load the system's trusted certificates: %s",
                      ssl_reason("unknown error"));
    }
    X509_VERIFY_PARAM *param = SSL_CTX_get0_param(ctx);
    int ok = is_ip_literal(u->host) ? X509_VERIFY_PARAM_set1_ip_asc(param, u->host)
                                    : X509_VERIFY_PARAM_set1_host(param, u->host, 0);
    if (ok != 1)
        return rg_err(err, "cannot check certificates against host '%s'", u->host);
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    return 0;
}

static int set_versions(SSL_CTX *ctx, int v, char *err)
{
    int lo = TLS1_2_VERSION, hi = 0;   /* 0: the highest this OpenSSL knows (1.3) */
    if (v == 12)
        lo = hi = TLS1_2_VERSION;
    else if (v == 13)
        lo = hi = TLS1_3_VERSION;
    else if (v != 0)
        return rg_err(err, "invalid TLS version %d: 1.2 or 1.3", v);
    if (SSL_CTX_set_min_proto_version(ctx, lo) != 1 || SSL_CTX_set_max_proto_version(ctx, hi) != 1)
        return rg_err(err, "this OpenSSL cannot use TLS %s", v == 12 ? "1.2" : "1.3");
    return 0;
}

struct ssl_ctx_st *lg_tls_ctx(const lg_config *cfg, const lg_url *u, uint64_t conns, char *err)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (ctx == NULL) {
        rg_err_set(err, "cannot create a TLS context: %s", ssl_reason("out of memory"));
        ERR_clear_error();
        return NULL;
    }
    long mode = SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER;
    if (conns > LG_TLS_MANY_CONNS)
        mode |= SSL_MODE_RELEASE_BUFFERS;
    SSL_CTX_set_mode(ctx, mode);
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_IGNORE_UNEXPECTED_EOF |
                             (cfg->tls_resume ? 0 : SSL_OP_NO_TICKET));
    SSL_CTX_set_read_ahead(ctx, 1);
    if (cfg->tls_resume) {
        SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT |
                                            SSL_SESS_CACHE_NO_INTERNAL_STORE);
        SSL_CTX_sess_set_new_cb(ctx, on_new_session);
    } else {
        SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    }
    int rc = set_versions(ctx, cfg->tls_version, err);
    if (rc == 0)
        rc = set_verify(ctx, cfg, u, err);
    if (rc == 0 && SSL_CTX_set_alpn_protos(ctx, alpn_http11, sizeof alpn_http11 - 1) != 0)
        rc = rg_err(err, "cannot offer ALPN http/1.1: %s", ssl_reason("unknown error"));
    if (rc < 0) {
        SSL_CTX_free(ctx);
        ERR_clear_error();
        return NULL;
    }
    return ctx;
}

void lg_tls_ctx_free(struct ssl_ctx_st *ctx)
{
    SSL_CTX_free(ctx);
}

int lg_tls_check(const lg_config *cfg, char *err)
{
    lg_url u;
    if (lg_url_parse(cfg->url, &u, err) < 0)
        return -1;
    int rc = 0;
    if (!u.tls && (cfg->insecure || cfg->cacert || !cfg->tls_resume || cfg->tls_version))
        rc = rg_err(err, "the TLS options (-k, --cacert, --no-tls-resume, --tls-version) need "
                    "an https:// URL");
    else if (cfg->insecure && cfg->cacert != NULL)
        rc = rg_err(err, "--cacert and -k are exclusive: -k skips verification");
    if (rc == 0 && u.tls) {
        SSL_CTX *ctx = lg_tls_ctx(cfg, &u, cfg->connections, err);
        rc = ctx == NULL ? -1 : 0;
        SSL_CTX_free(ctx);
    }
    lg_url_free(&u);
    return rc;
}

struct ssl_st *lg_tls_client_new(const lg_config *cfg, const lg_url *u, int fd, char *err)
{
    SSL_CTX *ctx = lg_tls_ctx(cfg, u, 1, err);
    if (ctx == NULL)
        return NULL;
    SSL *ssl = SSL_new(ctx);
    SSL_CTX_free(ctx);   /* ssl holds its own reference */
    if (ssl == NULL || SSL_set_fd(ssl, fd) != 1 ||
        (!is_ip_literal(u->host) && SSL_set_tlsext_host_name(ssl, u->host) != 1)) {
        rg_err_set(err, "cannot start TLS: %s", ssl_reason("out of memory"));
        SSL_free(ssl);
        ERR_clear_error();
        return NULL;
    }
    SSL_set_quiet_shutdown(ssl, 1);
    SSL_set_connect_state(ssl);
    return ssl;
}

void lg_tls_client_free(struct ssl_st *ssl)
{
    SSL_free(ssl);
    ERR_clear_error();
}

int lg_tls_open(lg_conn *c)
{
    const lg_shared *sh = c->w->sh;
    const char *host = sh->tls_host;
    SSL *ssl = SSL_new(sh->tls);
    if (ssl == NULL || SSL_set_fd(ssl, c->fd) != 1 ||
        (!is_ip_literal(host) && SSL_set_tlsext_host_name(ssl, host) != 1)) {
        snprintf(c->w->tls_err, sizeof c->w->tls_err, "%s",
                 c->w->tls_err[0] ? c->w->tls_err : "cannot start TLS: out of memory");
        SSL_free(ssl);
        ERR_clear_error();
        return -1;
    }
    SSL_set_app_data(ssl, c);
    SSL_set_quiet_shutdown(ssl, 1);
    if (sh->tls_resume)
        offer_session(c->w, ssl);
    SSL_set_connect_state(ssl);
    c->ssl = ssl;
    return 0;
}

/* Keep the first failure's reason for the run's warning; empty the error queue. */
static void note_failure(lg_conn *c, int sslerr, bool handshake)
{
    lg_worker *w = c->w;
    if (w->tls_err[0] == '\0') {
        long vr = SSL_get_verify_result(c->ssl);
        const char *what = handshake ? "TLS handshake failed" : "TLS error";
        if (handshake && vr != X509_V_OK)
            snprintf(w->tls_err, sizeof w->tls_err, "certificate verification failed: %s",
                     X509_verify_cert_error_string(vr));
        else if (sslerr == SSL_ERROR_SYSCALL || sslerr == SSL_ERROR_ZERO_RETURN)
            snprintf(w->tls_err, sizeof w->tls_err, "%s: %s", what,
                     errno && sslerr == SSL_ERROR_SYSCALL ? strerror(errno)
                                                          : "the server closed the connection");
        else
            snprintf(w->tls_err, sizeof w->tls_err, "%s: %s", what, ssl_reason("unknown error"));
    }
    ERR_clear_error();
}

/* A finished handshake: count it, its version and whether the session was resumed. */
static void account(lg_conn *c)
{
    lg_worker *w = c->w;
    w->tls.handshakes++;
    w->tls.resumed += SSL_session_reused(c->ssl) == 1;
    if (SSL_version(c->ssl) == TLS1_3_VERSION)
        w->tls.v13++;
    else
        w->tls.v12++;
    if (w->tls_cipher[0] == '\0') {
        const unsigned char *alpn = NULL;
        unsigned int alen = 0;
        snprintf(w->tls_cipher, sizeof w->tls_cipher, "%s", SSL_get_cipher_name(c->ssl));
        SSL_get0_alpn_selected(c->ssl, &alpn, &alen);
        snprintf(w->tls_alpn, sizeof w->tls_alpn, "%.*s", (int)alen, alen ? (const char *)alpn : "");
    }
}

int lg_tls_handshake(lg_conn *c)
{
    errno = 0;
    int rc = SSL_do_handshake(c->ssl);
    if (rc == 1) {
        account(c);
        return LG_IO_DONE;
    }
    int e = SSL_get_error(c->ssl, rc);
    if (e == SSL_ERROR_WANT_READ)
        return LG_IO_AGAIN;
    if (e == SSL_ERROR_WANT_WRITE)
        return LG_IO_WANT_WRITE;
    note_failure(c, e, true);
    return LG_IO_TLS;
}

ssize_t lg_tls_read(lg_conn *c, char *buf, size_t n)
{
    errno = 0;
    int r = SSL_read(c->ssl, buf, n > INT32_MAX ? INT32_MAX : (int)n);
    if (r > 0)
        return r;
    switch (SSL_get_error(c->ssl, r)) {
    case SSL_ERROR_WANT_READ:
        return LG_IO_AGAIN;
    case SSL_ERROR_WANT_WRITE:
        return LG_IO_WANT_WRITE;
    case SSL_ERROR_ZERO_RETURN:
        return 0;   /* close_notify, or a plain EOF (SSL_OP_IGNORE_UNEXPECTED_EOF) */
    case SSL_ERROR_SYSCALL:
        ERR_clear_error();
        if (errno == EAGAIN || errno == EINTR)
            return LG_IO_AGAIN;
        return errno ? LG_IO_ERR : 0;
    default:
        note_failure(c, SSL_ERROR_SSL, false);
        return LG_IO_TLS;
    }
}

ssize_t lg_tls_write(lg_conn *c, const char *buf, size_t n)
{
    errno = 0;
    int r = SSL_write(c->ssl, buf, n > INT32_MAX ? INT32_MAX : (int)n);
    if (r > 0)
        return r;
    switch (SSL_get_error(c->ssl, r)) {
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE:
        return LG_IO_AGAIN;
    case SSL_ERROR_SYSCALL:
        ERR_clear_error();
        return errno == EAGAIN || errno == EINTR ? LG_IO_AGAIN : LG_IO_ERR;
    default:
        note_failure(c, SSL_ERROR_SSL, false);
        return LG_IO_TLS;
    }
}

bool lg_tls_pending(const lg_conn *c)
{
    return c->ssl != NULL && SSL_has_pending(c->ssl) == 1;
}

void lg_tls_close(lg_conn *c)
{
    if (c->ssl == NULL)
        return;
    if (SSL_is_init_finished(c->ssl))
        SSL_shutdown(c->ssl);   /* quiet: marks the session reusable, sends nothing */
    SSL_free(c->ssl);
    c->ssl = NULL;
    ERR_clear_error();
}

void lg_tls_worker_free(lg_worker *w)
{
    for (uint32_t i = 0; i < w->tls_npool; i++)
        SSL_SESSION_free(w->tls_pool[i]);
    free(w->tls_pool);
    w->tls_pool = NULL;
    w->tls_npool = 0;
}
