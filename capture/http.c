/*
 * capture/http.c — HTTP/1.x transaction matching on reassembled TCP streams.
 *
 * Design: one http-parser per direction (requests client -> server, responses back), fed the
 * in-order bytes in place. HTTP/1.1 answers requests in order (RFC 9112 §9.3.2), so a FIFO per
 * flow matches them: a request is pushed when its first byte is parsed, and each final response
 * pops the oldest. Pipelining (several requests in one segment) just pushes several entries.
 * To learn each message's exact size, on_message_complete pauses the parser; the feeding loop
 * reads how far it got, finishes the message, unpauses and continues with the rest of the
 * segment. Times: a message's first byte takes the time of the segment that carried it, and its
 * last byte likewise (the reassembler sets dir->ts before handing bytes over).
 *
 * Bodies: http-parser handles Content-Length, chunked and close-delimited bodies (completed by
 * cap_http_eof at FIN) and knows that 1xx, 204 and 304 have none (RFC 9112 §6.3); a response to
 * HEAD is told to skip its body from on_headers_complete. An interim 1xx response does not
 * answer the request; 101 (and a CONNECT tunnel) ends HTTP parsing on the flow.
 *
 * After a gap or a parse error, or when a flow is joined mid-stream, a direction waits for a
 * segment that starts like a message ("HTTP/" or "METHOD ") before parsing again.
 *
 * Expected load: every payload byte; no allocation unless a client pipelines more than the
 * ring holds.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "capture/capture_int.h"

#define Q_MAX 4096   /* deepest pipeline followed; older requests are given up as unmatched */

static cap_tx *q_at(const cap_flow *f, uint32_t i)
{
    return &f->q[(f->q_head + i) & (f->q_cap - 1)];
}

/* The request being parsed (the newest, not complete), or NULL. */
static cap_tx *req_tx(cap_flow *f)
{
    if (f->q_count == 0)
        return NULL;
    cap_tx *t = q_at(f, f->q_count - 1);
    return t->req_done ? NULL : t;
}

/* The transaction the response being parsed belongs to. */
static cap_tx *resp_tx(cap_flow *f)
{
    if (f->dir[1].orphan || f->q_count == 0)
        return &f->orphan;
    return q_at(f, 0);
}

static cap_flow *flow_of(http_parser *p, int *d)
{
    cap_flow *f = p->data;
    *d = p == &f->dir[0].parser ? 0 : 1;
    return f;
}

static void q_pop(cap_flow *f)
{
    f->q_head = (f->q_head + 1) & (f->q_cap - 1);
    f->q_count--;
}

/* Grow the ring (power of two) keeping order; 0 or -1. */
static int q_grow(cap_flow *f)
{
    uint32_t cap = f->q_cap ? f->q_cap * 2 : 2;   /* most clients never pipeline */
    cap_tx *nq = malloc(cap * sizeof *nq);
    if (nq == NULL)
        return -1;
    for (uint32_t i = 0; i < f->q_count; i++)
        nq[i] = *q_at(f, i);
    free(f->q);
    f->q = nq;
    f->q_cap = cap;
    f->q_head = 0;
    return 0;
}

static int on_begin(http_parser *p)
{
    int d;
    cap_flow *f = flow_of(p, &d);
    cap_dir *dir = &f->dir[d];
    dir->in_msg = 1;
    dir->hname_len = 0;
    dir->in_value = 0;
    if (d == 1) {
        dir->orphan = f->q_count == 0;
        cap_tx *t = resp_tx(f);
        if (dir->orphan && !t->resp_begun) {
            memset(t, 0, sizeof *t);
            t->method = -1;
        }
        if (t->t_resp_first == 0)
            t->t_resp_first = dir->ts;
        t->resp_begun = 1;
        return 0;
    }
    if (f->q_count == f->q_cap && (f->q_cap >= Q_MAX || q_grow(f) != 0)) {
        cap_tx *old = q_at(f, 0);          /* give up on the oldest */
        old->flags |= CAP_TX_UNMATCHED;
        cap_engine_emit(f->eng, f, old);
        q_pop(f);
    }
    cap_tx *t = q_at(f, f->q_count++);
    memset(t, 0, offsetof(cap_tx, host));
    t->host[0] = t->uri[0] = '\0';
    t->method = -1;
    t->t_req_first = dir->ts;
    t->flags = f->midstream ? CAP_TX_MIDSTREAM : 0;
    return 0;
}

static void append(char *dst, uint16_t *dlen, size_t cap, const char *s, size_t n)
{
    if ((size_t)*dlen + 1 >= cap)
        return;
    if (n > cap - 1 - *dlen)
        n = cap - 1 - *dlen;
    memcpy(dst + *dlen, s, n);
    *dlen = (uint16_t)(*dlen + n);
    dst[*dlen] = '\0';
}

static int on_url(http_parser *p, const char *at, size_t n)
{
    int d;
    cap_flow *f = flow_of(p, &d);
    cap_tx *t = req_tx(f);
    if (t != NULL)
        append(t->uri, &t->uri_len, sizeof t->uri, at, n);
    return 0;
}

static int on_field(http_parser *p, const char *at, size_t n)
{
    int d;
    cap_flow *f = flow_of(p, &d);
    cap_dir *dir = &f->dir[d];
    if (dir->in_value) {
        dir->in_value = 0;
        dir->hname_len = 0;
    }
    for (size_t i = 0; i < n && dir->hname_len + i < sizeof dir->hname; i++)
        dir->hname[dir->hname_len + i] = at[i];
    if (dir->hname_len < 1000)             /* only "is it 4 long?" matters: saturate */
        dir->hname_len = (uint16_t)(dir->hname_len + (n > 1000 ? 1000 : n));
    return 0;
}

static int on_value(http_parser *p, const char *at, size_t n)
{
    int d;
    cap_flow *f = flow_of(p, &d);
    cap_dir *dir = &f->dir[d];
    dir->in_value = 1;
    cap_tx *t;
    if (d == 0 && dir->hname_len == 4 && strncasecmp(dir->hname, "host", 4) == 0 &&
        (t = req_tx(f)) != NULL)
        append(t->host, &t->host_len, sizeof t->host, at, n);
    return 0;
}

/*
 * The head of a message of direction d ended (method or status as parsed): 1 when the
 * message has no body whatever its headers say. 1xx, 204 and 304 responses and responses to
 * HEAD have none (RFC 9112 §6.3); http-parser would wait for a Content-Length body on a 304.
 */
static int headers_done(cap_flow *f, int d, int method, unsigned status)
{
    if (d == 0) {
        cap_tx *t = req_tx(f);
        if (t != NULL)
            t->method = (int16_t)method;
        return 0;
    }
    cap_tx *t = resp_tx(f);
    t->status = (uint16_t)status;
    if (status < 200 || status == 204 || status == 304)
        return 1;
    return !f->dir[1].orphan && t->method == HTTP_HEAD ? 1 : 0;
}

static int on_headers(http_parser *p)
{
    int d;
    cap_flow *f = flow_of(p, &d);
    return headers_done(f, d, p->method, p->status_code);
}

static int on_complete(http_parser *p)
{
    int d;
    cap_flow *f = flow_of(p, &d);
    f->dir[d].msg_done = 1;
    http_parser_pause(p, 1);   /* the feeding loop finishes the message once it knows its size */
    return 0;
}

/* Requests need the URI and the Host header; responses only their boundaries and status. */
static const http_parser_settings req_settings = {
    .on_message_begin = on_begin,
    .on_url = on_url,
    .on_header_field = on_field,
    .on_header_value = on_value,
    .on_headers_complete = on_headers,
    .on_message_complete = on_complete,
};
static const http_parser_settings resp_settings = {
    .on_message_begin = on_begin,
    .on_headers_complete = on_headers,
    .on_message_complete = on_complete,
};
#define SETTINGS(d) ((d) == 0 ? &req_settings : &resp_settings)

/* A message of direction d ended (complete when ok, else cut short). */
static void message_end(cap_engine *e, cap_flow *f, int d, int ok)
{
    cap_dir *dir = &f->dir[d];
    uint32_t fl = dir->msg_flags | (ok ? 0 : CAP_TX_TRUNCATED);
    uint64_t bytes = dir->msg_bytes;
    dir->in_msg = dir->msg_done = 0;
    dir->fast_body = 0;
    dir->body_left = 0;
    dir->msg_flags = 0;
    dir->msg_bytes = 0;
    if (d == 0) {
        cap_tx *t = req_tx(f);
        if (t == NULL)
            return;
        t->req_done = 1;
        t->t_req_last = ok ? dir->ts : 0;
        t->req_bytes = bytes;
        t->flags |= fl;
        return;
    }
    int orphan = dir->orphan;
    cap_tx *t = resp_tx(f);
    t->resp_bytes += bytes;
    t->flags |= fl | (orphan ? CAP_TX_UNMATCHED : 0);
    if (ok && t->status >= 100 && t->status < 200 && t->status != 101) {
        t->t_resp_first = 0;               /* interim: the final response is still to come */
        t->resp_begun = 0;
        return;
    }
    t->t_resp_last = ok ? dir->ts : 0;
    /* The server answered bytes of the request the capture never saw (a hole not yet
     * known to the reassembler, e.g. the end of an upload): its times cannot be trusted. */
    if (!orphan && !t->req_done && cap_tcp_acked_hole(&f->dir[0]))
        t->flags |= CAP_TX_GAP;
    cap_engine_emit(e, f, t);
    t->resp_begun = 0;
    dir->orphan = 0;
    if (!orphan)
        q_pop(f);
}

void cap_http_init_flow(cap_flow *f)
{
    for (int d = 0; d < 2; d++) {
        http_parser_init(&f->dir[d].parser, d == 0 ? HTTP_REQUEST : HTTP_RESPONSE);
        f->dir[d].parser.data = f;
    }
}

static int looks_like_start(int d, const uint8_t *p, size_t n)
{
    if (d == 1)
        return n >= 5 && memcmp(p, "HTTP/", 5) == 0;
    size_t i = 0;
    while (i < n && i < 16 && p[i] >= 'A' && p[i] <= 'Z')
        i++;
    return i > 0 && i < n && p[i] == ' ';
}

static void parse_error(cap_engine *e, cap_flow *f, int d)
{
    e->st.parse_errors++;
    if (f->ep) f->ep->parse_errors++;
    if (f->dir[d].in_msg)
        message_end(e, f, d, 0);
    f->dir[d].resync = 1;
}

/*
 * Fast path (http_fast.c) at a message boundary of direction d: when data starts with a plain
 * head, do what the parser callbacks would do for it and start counting its body. Returns the
 * bytes consumed; 0 leaves the message to http-parser.
 */
/*
 * cap_http_scan with a memo: the scan's answer depends on the head's bytes alone, and on a
 * keep-alive connection under load one head is usually the previous one again (a benchmark's
 * responses differ at most in their Date, once a second), so a memcmp often replaces it.
 */
static size_t scan_memo(cap_dir *dir, int d, const uint8_t *data, size_t len, cap_http_head *h)
{
    size_t n = dir->memo_len;
    if (n > 0 && len >= n && memcmp(data, dir->memo, n) == 0) {
        *h = dir->memo_h;
        const char *base = (const char *)dir->memo, *now = (const char *)data;
        h->uri = h->uri ? now + (h->uri - base) : NULL;
        h->host = h->host ? now + (h->host - base) : NULL;
        return n;
    }
    n = cap_http_scan(d, data, len, h);
    dir->memo_len = 0;
    if (n > 0 && n <= CAP_MEMO_MAX) {
        memcpy(dir->memo, data, n);
        dir->memo_len = (uint16_t)n;
        dir->memo_h = *h;
        const char *base = (const char *)dir->memo, *was = (const char *)data;
        dir->memo_h.uri = h->uri ? base + (h->uri - was) : NULL;
        dir->memo_h.host = h->host ? base + (h->host - was) : NULL;
    }
    return n;
}

static size_t fast_head(cap_engine *e, cap_flow *f, int d, const uint8_t *data, size_t len)
{
    cap_dir *dir = &f->dir[d];
    cap_http_head h;
    size_t n = scan_memo(dir, d, data, len, &h);
    if (n == 0)
        return 0;
    if (d == 1) {                          /* would headers_done say "no body"? */
        cap_tx *t = f->q_count == 0 ? NULL : q_at(f, 0);
        int skip = h.status == 204 || h.status == 304 || (t != NULL && t->method == HTTP_HEAD);
        if (!skip && !h.has_length)
            return 0;                      /* a close-delimited body: http-parser's */
    }
    on_begin(&dir->parser);
    if (d == 0) {
        cap_tx *t = req_tx(f);
        if (t != NULL) {
            append(t->uri, &t->uri_len, sizeof t->uri, h.uri, h.uri_len);
            if (h.host != NULL)
                append(t->host, &t->host_len, sizeof t->host, h.host, h.host_len);
        }
    }
    int skip = headers_done(f, d, h.method, h.status);
    dir->msg_bytes += n;
    dir->body_left = skip ? 0 : h.length;
    if (dir->body_left == 0)
        message_end(e, f, d, 1);
    else
        dir->fast_body = 1;
    return n;
}

/* Count body bytes of a fast-path message; returns the bytes consumed (> 0). */
static size_t fast_body(cap_engine *e, cap_flow *f, int d, size_t len)
{
    cap_dir *dir = &f->dir[d];
    size_t n = dir->body_left < len ? (size_t)dir->body_left : len;
    dir->body_left -= n;
    dir->msg_bytes += n;
    if (dir->body_left == 0)
        message_end(e, f, d, 1);
    return n;
}

/*
 * http-parser on data: returns the bytes consumed when a message completed (the caller goes
 * on with the rest), 0 when the parser took all it could (the end of the data, an error, an
 * upgrade).
 */
static size_t parse(cap_engine *e, cap_flow *f, int d, const uint8_t *data, size_t len)
{
    cap_dir *dir = &f->dir[d];
    size_t n = http_parser_execute(&dir->parser, SETTINGS(d), (const char *)data, len);
    dir->msg_bytes += n;
    if (HTTP_PARSER_ERRNO(&dir->parser) == HPE_PAUSED) {
        http_parser_pause(&dir->parser, 0);
        /* A message that was not keep-alive leaves the parser dead, and after an upgrade
         * the bytes are not HTTP/1: the parser must see what follows exactly as before, so
         * the fast path stays off (until a resync starts a new parser). */
        dir->parser_only = dir->parser.upgrade || !http_should_keep_alive(&dir->parser);
        message_end(e, f, d, 1);
        return n > 0 ? n : len;            /* n == 0 cannot happen; never loop forever */
    }
    if (HTTP_PARSER_ERRNO(&dir->parser) != HPE_OK)
        parse_error(e, f, d);
    else if (dir->parser.upgrade)          /* 101 or CONNECT: no longer HTTP/1 */
        f->dir[0].dead = f->dir[1].dead = 1;
    return 0;
}

void cap_http_data(cap_engine *e, cap_flow *f, int d, const uint8_t *data, size_t len)
{
    cap_dir *dir = &f->dir[d];
    if (dir->dead)
        return;
    if (dir->resync) {
        if (!looks_like_start(d, data, len))
            return;
        dir->resync = 0;
        http_parser_init(&dir->parser, d == 0 ? HTTP_REQUEST : HTTP_RESPONSE);
        dir->parser.data = f;
        dir->parser_only = 0;
    }
    int fast = !e->cfg.parser_only;
    while (len > 0) {
        size_t n = 0;
        if (dir->fast_body)
            n = fast_body(e, f, d, len);
        else if (fast && !dir->in_msg && !dir->parser_only)
            n = fast_head(e, f, d, data, len);
        if (n == 0 && (n = parse(e, f, d, data, len)) == 0)
            return;
        if (dir->dead || dir->resync)
            return;
        data += n;
        len -= n;
    }
}

void cap_http_flag(cap_flow *f, int d, uint32_t flags)
{
    f->dir[d].msg_flags |= flags;
}

void cap_http_gap(cap_engine *e, cap_flow *f, int d)
{
    cap_dir *dir = &f->dir[d];
    if (dir->in_msg) {
        dir->msg_flags |= CAP_TX_GAP;
        message_end(e, f, d, 0);
    } else
        dir->msg_flags |= CAP_TX_GAP;
    dir->resync = 1;
}

void cap_http_eof(cap_engine *e, cap_flow *f, int d)
{
    cap_dir *dir = &f->dir[d];
    if (dir->dead || dir->resync || !dir->in_msg)
        return;
    if (dir->fast_body) {                  /* a Content-Length body cut short */
        message_end(e, f, d, 0);
        return;
    }
    http_parser_execute(&dir->parser, SETTINGS(d), NULL, 0);   /* ends close-delimited bodies */
    if (HTTP_PARSER_ERRNO(&dir->parser) == HPE_PAUSED) {
        http_parser_pause(&dir->parser, 0);
        message_end(e, f, d, 1);
    } else if (dir->in_msg)
        message_end(e, f, d, 0);
}

void cap_http_close(cap_engine *e, cap_flow *f)
{
    for (int d = 1; d >= 0; d--) {
        if (f->dir[d].in_msg && !f->dir[d].dead)
            message_end(e, f, d, 0);
    }
    while (f->q_count > 0) {               /* requests never answered */
        cap_tx *t = q_at(f, 0);
        t->flags |= CAP_TX_UNMATCHED;
        cap_engine_emit(e, f, t);
        q_pop(f);
    }
}
