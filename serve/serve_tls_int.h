/*
 * serve/serve_tls_int.h — private to serve/: the TLS side of `rigor serve --tls-cert/--tls-key`
 * (serve_tls.c), as serve.c uses it. OpenSSL's types appear only as incomplete struct
 * pointers (struct ssl_st is SSL, struct ssl_ctx_st SSL_CTX); only serve_tls.c includes
 * <openssl/ssl.h>.
 */
#ifndef RIGOR_SERVE_SERVE_TLS_INT_H
#define RIGOR_SERVE_SERVE_TLS_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* The server context: certificate chain and key (PEM), TLS 1.2-1.3, ALPN http/1.1, session
 * tickets. NULL with err (RG_ERRLEN). */
struct ssl_ctx_st *sv_tls_ctx_new(const char *cert, const char *key, char *err);
void sv_tls_ctx_free(struct ssl_ctx_st *ctx);   /* accepts NULL */

/* A server-side TLS state on an accepted non-blocking socket; NULL on OOM. */
struct ssl_st *sv_tls_new(struct ssl_ctx_st *ctx, int fd);
void sv_tls_free(struct ssl_st *ssl);            /* accepts NULL; sends nothing */

/*
 * SSL_read / SSL_write with read()/send()'s contract: bytes; 0 at the end of the stream
 * (read); -1 with errno EAGAIN when it cannot go on now (*want_out set when OpenSSL must
 * write before it can read: wait for EPOLLOUT), or -1 with another errno (EPROTO for a TLS
 * failure: a bad handshake, a bad record).
 */
ssize_t sv_tls_read(struct ssl_st *ssl, void *buf, size_t n, bool *want_out);
ssize_t sv_tls_write(struct ssl_st *ssl, const void *buf, size_t n);

/* Send close_notify (RFC 8446 §6.1) before the server closes a connection it chose to close;
 * best effort, never blocks. */
void sv_tls_close_notify(struct ssl_st *ssl);

/* True when OpenSSL holds bytes already read from the socket (epoll will not say so). */
bool sv_tls_pending(const struct ssl_st *ssl);

/* 1 once the handshake is done (*resumed: an abbreviated, resumed handshake), else 0. */
int sv_tls_done(const struct ssl_st *ssl, bool *resumed);

#endif
