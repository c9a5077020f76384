/*
 * serve/serve_tls.c — HTTPS for `rigor serve`: OpenSSL behind a read and a write with the
 * contract of read() and send(), so serve.c's event loop is the same for http and https.
 *
 * Design: one SSL_CTX for the server, shared by its threads (OpenSSL makes SSL_new and the
 * session-ticket keys safe to share); one SSL per accepted connection, in accept state, so
 * the first SSL_read performs the handshake without blocking: WANT_READ waits for EPOLLIN
 * like any read, WANT_WRITE asks serve.c for EPOLLOUT. TLS 1.2 and 1.3, ALPN http/1.1 when
 * the client offers it, stateless session tickets (TLS 1.2 and 1.3) for resumption, the
 * built-in session cache for TLS 1.2 session IDs. read-ahead saves a read() per record;
 * serve.c asks sv_tls_pending() before it goes back to epoll. An EOF without close_notify
 * ends the stream like a FIN (clients close keep-alive connections that way). The server
 * sends close_notify when it closes a connection on purpose (Connection: close, the close
 * fault), and nothing when the client went away or the connection failed.
 *
 * Expected load: an SSL_read and an SSL_write per request batch, a handshake per connection.
 */
#include <errno.h>
#include <string.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include "core/err.h"
#include "serve/serve_tls_int.h"

/* The newest OpenSSL error's reason, or fallback. */
static const char *ssl_reason(const char *fallback)
{
    unsigned long e = ERR_peek_last_error();
    const char *r = e ? ERR_reason_error_string(e) : NULL;
    return r ? r : fallback;
}

/* ALPN (RFC 7301): choose http/1.1 when offered; a client offering only others gets none. */
static int select_alpn(SSL *ssl, const unsigned char **out, unsigned char *outlen,
                       const unsigned char *in, unsigned int inlen, void *arg)
{
    static const unsigned char want[] = "\x08http/1.1";
    (void)ssl;
    (void)arg;
    unsigned char *sel;
    if (SSL_select_next_proto(&sel, outlen, want, sizeof want - 1, in, inlen) !=
        OPENSSL_NPN_NEGOTIATED)
        return SSL_TLSEXT_ERR_NOACK;
    *out = sel;
    return SSL_TLSEXT_ERR_OK;
}

static int load_pair(SSL_CTX *ctx, const char *cert, const char *key, char *err)
{
    if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1)
        return rg_err(err, "cannot use --tls-cert %s: %s", cert, ssl_reason("not a PEM certificate"));
    if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1)
        return rg_err(err, "cannot use --tls-key %s: %s", key, ssl_reason("not a PEM private key"));
    if (SSL_CTX_check_private_key(ctx) != 1)
        return rg_err(err, "--tls-key %s does not match the certificate in %s", key, cert);
    return 0;
}

struct ssl_ctx_st *sv_tls_ctx_new(const char *cert, const char *key, char *err)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (ctx == NULL) {
        rg_err_set(err, "cannot create a TLS context: %s", ssl_reason("out of memory"));
        ERR_clear_error();
        return NULL;
    }
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_IGNORE_UNEXPECTED_EOF |
                             SSL_OP_CIPHER_SERVER_PREFERENCE);
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    SSL_CTX_set_read_ahead(ctx, 1);
    SSL_CTX_set_session_id_context(ctx, (const unsigned char *)"rigor", 5);
    SSL_CTX_set_alpn_select_cb(ctx, select_alpn, NULL);
    if (load_pair(ctx, cert, key, err) < 0) {
        SSL_CTX_free(ctx);
        ERR_clear_error();
        return NULL;
    }
    return ctx;
}

void sv_tls_ctx_free(struct ssl_ctx_st *ctx)
{
    SSL_CTX_free(ctx);
}

struct ssl_st *sv_tls_new(struct ssl_ctx_st *ctx, int fd)
{
    SSL *ssl = SSL_new(ctx);
    if (ssl == NULL || SSL_set_fd(ssl, fd) != 1) {
        SSL_free(ssl);
        ERR_clear_error();
        return NULL;
    }
    SSL_set_quiet_shutdown(ssl, 1);
    SSL_set_accept_state(ssl);
    return ssl;
}

void sv_tls_free(struct ssl_st *ssl)
{
    if (ssl == NULL)
        return;
    if (SSL_is_init_finished(ssl))
        SSL_shutdown(ssl);   /* quiet: keeps the session resumable, sends nothing */
    SSL_free(ssl);
    ERR_clear_error();
}

/* Map a failed SSL call to -1 with errno; the error queue is emptied either way. */
static ssize_t fail(SSL *ssl, int rc, bool *want_out)
{
    int e = SSL_get_error(ssl, rc);
    int saved = errno;
    ERR_clear_error();
    switch (e) {
    case SSL_ERROR_WANT_WRITE:
        if (want_out != NULL)
            *want_out = true;
        /* fall through */
    case SSL_ERROR_WANT_READ:
        errno = EAGAIN;
        return -1;
    case SSL_ERROR_ZERO_RETURN:
        return 0;
    case SSL_ERROR_SYSCALL:
        errno = saved ? saved : EPIPE;
        return saved == 0 && want_out != NULL ? 0 : -1;   /* a read at EOF: the end */
    default:
        errno = EPROTO;
        return -1;
    }
}

ssize_t sv_tls_read(struct ssl_st *ssl, void *buf, size_t n, bool *want_out)
{
    errno = 0;
    int r = SSL_read(ssl, buf, n > INT32_MAX ? INT32_MAX : (int)n);
    return r > 0 ? r : fail(ssl, r, want_out);
}

ssize_t sv_tls_write(struct ssl_st *ssl, const void *buf, size_t n)
{
    errno = 0;
    int r = SSL_write(ssl, buf, n > INT32_MAX ? INT32_MAX : (int)n);
    if (r > 0)
        return r;
    ssize_t rc = fail(ssl, r, NULL);
    if (rc == 0) {   /* no end of stream for a write: the peer is gone */
        errno = EPIPE;
        return -1;
    }
    return rc;
}

void sv_tls_close_notify(struct ssl_st *ssl)
{
    if (!SSL_is_init_finished(ssl))
        return;
    SSL_set_quiet_shutdown(ssl, 0);
    SSL_shutdown(ssl);             /* writes the alert; does not wait for the client's */
    SSL_set_quiet_shutdown(ssl, 1);
    ERR_clear_error();
}

bool sv_tls_pending(const struct ssl_st *ssl)
{
    return SSL_has_pending(ssl) == 1;
}

int sv_tls_done(const struct ssl_st *ssl, bool *resumed)
{
    if (!SSL_is_init_finished(ssl))
        return 0;
    *resumed = SSL_session_reused(ssl) == 1;
    return 1;
}
