/*
 * loadgen/url.c — target URLs, name resolution and the one pre-serialized request.
 *
 * Design: http_parser_parse_url (the http-parser library's RFC 3986 splitter) cuts the URL;
 * this file only decides what rigor accepts (http or https, a host, a port in range, no
 * userinfo, no fragment). The request is serialized once per run (RFC 9112 §3) and every connection
 * writes the same bytes with one write(); nothing here runs on the hot path.
 */
#include <ctype.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>
#include "core/err.h"
#include "loadgen/lg_int.h"

static int field(const char *s, const struct http_parser_url *pu, int f, char *out, size_t n)
{
    if (!(pu->field_set & (1 << f)))
        return 0;
    size_t len = pu->field_data[f].len;
    if (len >= n)
        return -1;
    memcpy(out, s + pu->field_data[f].off, len);
    out[len] = '\0';
    return (int)len;
}

/* http or https (case-insensitive, RFC 3986 §3.1); sets u->tls. */
static int check_scheme(const char *s, const struct http_parser_url *pu, lg_url *u, char *err)
{
    char scheme[16];
    if (field(s, pu, UF_SCHEMA, scheme, sizeof scheme) <= 0)
        return rg_err(err, "invalid URL '%s': expected http://host[:port]/path", s);
    for (char *p = scheme; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    u->tls = strcmp(scheme, "https") == 0;
    if (!u->tls && strcmp(scheme, "http") != 0)
        return rg_err(err, "unsupported URL scheme '%s' in '%s'; use http:// or https://",
                      scheme, s);
    return 0;
}

static int build_path(const char *s, const struct http_parser_url *pu, lg_url *u)
{
    size_t plen = (pu->field_set & (1 << UF_PATH)) ? pu->field_data[UF_PATH].len : 0;
    size_t qlen = (pu->field_set & (1 << UF_QUERY)) ? pu->field_data[UF_QUERY].len : 0;
    u->path = malloc(plen + qlen + 3);
    if (u->path == NULL)
        return -1;
    char *p = u->path;
    if (plen == 0)
        *p++ = '/';
    memcpy(p, s + pu->field_data[UF_PATH].off, plen);
    p += plen;
    if (qlen) {
        *p++ = '?';
        memcpy(p, s + pu->field_data[UF_QUERY].off, qlen);
        p += qlen;
    }
    *p = '\0';
    return 0;
}

int lg_url_parse(const char *s, lg_url *u, char *err)
{
    struct http_parser_url pu;
    memset(u, 0, sizeof *u);
    http_parser_url_init(&pu);
    if (s == NULL || *s == '\0' || strlen(s) > 8192 || strpbrk(s, " \t\r\n") != NULL ||
        http_parser_parse_url(s, strlen(s), 0, &pu) != 0) {
        return rg_err(err, "invalid URL '%s': expected http://host[:port]/path",
                      s ? s : "");
    }
    if (check_scheme(s, &pu, u, err) < 0)
        return -1;
    if (pu.field_set & ((1 << UF_USERINFO) | (1 << UF_FRAGMENT)))
        return rg_err(err, "invalid URL '%s': user info and #fragments are not allowed", s);
    if (field(s, &pu, UF_HOST, u->host, sizeof u->host) <= 0)
        return rg_err(err, "invalid URL '%s': no host", s);
    u->port = u->tls ? 443 : 80;
    if (pu.field_set & (1 << UF_PORT)) {
        if (pu.port == 0)
            return rg_err(err, "invalid URL '%s': port 0", s);
        u->port = pu.port;
    }
    /* The Host header is the authority as written: host[:port], IPv6 in brackets. */
    const char *auth = s + pu.field_data[UF_HOST].off;
    bool v6 = auth > s && auth[-1] == '[';
    snprintf(u->hostport, sizeof u->hostport, "%s%s%s", v6 ? "[" : "", u->host, v6 ? "]" : "");
    if (pu.field_set & (1 << UF_PORT)) {
        size_t l = strlen(u->hostport);
        snprintf(u->hostport + l, sizeof u->hostport - l, ":%u", (unsigned)u->port);
    }
    if (build_path(s, &pu, u) < 0)
        return rg_err(err, "out of memory");
    return 0;
}

void lg_url_free(lg_url *u)
{
    if (u == NULL)
        return;
    free(u->path);
    u->path = NULL;
}

/* Does a blocking connect to this address succeed within about a second? */
static bool probe(const struct addrinfo *ai)
{
    int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    struct timeval tv = {1, 0};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    bool ok = connect(fd, ai->ai_addr, ai->ai_addrlen) == 0;
    close(fd);
    return ok;
}

/*
 * When a name has several addresses ("localhost" is ::1 and 127.0.0.1), take the first one
 * that accepts a connection — a server listening on one family only is the common case —
 * else the first one, so the run reports its connect errors.
 */
int lg_url_resolve(const lg_url *u, struct sockaddr_storage *ss, socklen_t *len, char *err)
{
    struct addrinfo hints = {0}, *res = NULL;
    char port[8];
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    snprintf(port, sizeof port, "%u", (unsigned)u->port);
    int rc = getaddrinfo(u->host, port, &hints, &res);
    if (rc != 0 || res == NULL) {
        rg_err_set(err, "cannot resolve host '%s': %s", u->host,
                   rc ? gai_strerror(rc) : "no address");
        if (res)
            freeaddrinfo(res);
        return -1;
    }
    const struct addrinfo *pick = res;
    if (res->ai_next != NULL) {
        for (const struct addrinfo *ai = res; ai; ai = ai->ai_next)
            if (probe(ai)) {
                pick = ai;
                break;
            }
    }
    memcpy(ss, pick->ai_addr, pick->ai_addrlen);
    *len = pick->ai_addrlen;
    freeaddrinfo(res);
    return 0;
}

int lg_header_check(const char *h, char *err)
{
    int nlen = (int)strcspn(h, ":\r\n");
    if (strpbrk(h, "\r\n") != NULL)
        return rg_err(err, "invalid header '%.*s': contains a line break", nlen, h);
    if (h[nlen] != ':' || nlen == 0)
        return rg_err(err, "invalid header '%s': expected 'Name: value'", h);
    for (int i = 0; i < nlen; i++) {
        /* RFC 9110 §5.6.2 token characters */
        if (!isalnum((unsigned char)h[i]) && strchr("!#$%&'*+-.^_`|~", h[i]) == NULL)
            return rg_err(err, "invalid header name '%.*s'", nlen, h);
    }
    return 0;
}

int lg_method_check(const char *m, char *err)
{
    size_t n = strlen(m);
    if (n == 0 || n > 32 || strspn(m, "ABCDEFGHIJKLMNOPQRSTUVWXYZ-_") != n)
        return rg_err(err, "invalid method '%s': expected an upper-case method such as GET or "
                      "POST", m);
    return 0;
}

static bool has_header(const lg_config *cfg, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < cfg->nheaders; i++)
        if (strncasecmp(cfg->headers[i], name, n) == 0 && cfg->headers[i][n] == ':')
            return true;
    return false;
}

char *lg_request_build(const lg_config *cfg, const lg_url *u, size_t *len, char *err)
{
    const char *method = cfg->method ? cfg->method : "GET";
    if (lg_method_check(method, err) < 0)
        return NULL;
    size_t cap = strlen(method) + strlen(u->path) + strlen(u->hostport) + 128 + cfg->body_len;
    for (size_t i = 0; i < cfg->nheaders; i++) {
        if (lg_header_check(cfg->headers[i], err) < 0)
            return NULL;
        cap += strlen(cfg->headers[i]) + 2;
    }
    char *buf = malloc(cap);
    if (buf == NULL) {
        rg_err_set(err, "out of memory");
        return NULL;
    }
    size_t n = (size_t)snprintf(buf, cap, "%s %s HTTP/1.1\r\n", method, u->path);
    if (!has_header(cfg, "Host"))
        n += (size_t)snprintf(buf + n, cap - n, "Host: %s\r\n", u->hostport);
    for (size_t i = 0; i < cfg->nheaders; i++)
        n += (size_t)snprintf(buf + n, cap - n, "%s\r\n", cfg->headers[i]);
    if (cfg->body_len > 0 && !has_header(cfg, "Content-Length"))
        n += (size_t)snprintf(buf + n, cap - n, "Content-Length: %zu\r\n", cfg->body_len);
    if (!cfg->keepalive && !has_header(cfg, "Connection"))
        n += (size_t)snprintf(buf + n, cap - n, "Connection: close\r\n");
    n += (size_t)snprintf(buf + n, cap - n, "\r\n");
    if (cfg->body_len > 0)
        memcpy(buf + n, cfg->body, cfg->body_len);
    *len = n + cfg->body_len;
    return buf;
}

/* The request of one targets entry: its method, URL, headers (then cfg's -H) and body. */
static char *entry_request(const lg_config *cfg, const lg_target_req *t, size_t *len, char *err)
{
    lg_config c = *cfg;
    lg_url u;
    const char **h = malloc((t->nheaders + cfg->nheaders + 1) * sizeof *h);
    if (h == NULL) {
        rg_err_set(err, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < t->nheaders; i++)
        h[i] = t->headers[i];
    for (size_t i = 0; i < cfg->nheaders; i++)
        h[t->nheaders + i] = cfg->headers[i];
    c.method = t->method;
    c.headers = h;
    c.nheaders = t->nheaders + cfg->nheaders;
    c.body = t->body;
    c.body_len = t->body_len;
    char *req = NULL;
    if (lg_url_parse(t->url, &u, err) == 0) {
        req = lg_request_build(&c, &u, len, err);
        lg_url_free(&u);
    }
    free(h);
    return req;
}

int lg_requests_build(const lg_config *cfg, const lg_url *u, lg_req **reqs, size_t *n,
                      char ***bufs, char *err)
{
    const lg_targets *t = cfg->targets;
    size_t count = t ? t->n : 1;
    *reqs = calloc(count, sizeof **reqs);
    *bufs = calloc(count, sizeof **bufs);
    *n = 0;
    if (*reqs == NULL || *bufs == NULL)
        return rg_err(err, "out of memory");
    for (size_t i = 0; i < count; i++) {
        lg_req *r = &(*reqs)[i];
        char *b = t ? entry_request(cfg, &t->v[i], &r->len, err)
                    : lg_request_build(cfg, u, &r->len, err);
        if (b == NULL)
            return -1;
        (*bufs)[i] = b;
        *n = i + 1;
        r->buf = b;
        r->ep = t ? (uint32_t)t->v[i].endpoint : 0;
        const char *m = t ? t->v[i].method : cfg->method;
        r->head = m != NULL && strcmp(m, "HEAD") == 0;
    }
    return 0;
}
