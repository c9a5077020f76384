/*
 * capture/tls.c — TLS traffic without keys: record framing, handshake timing, and request /
 * response timings approximated from application-data records; plus the choice, per flow,
 * between this file and http.c (cap_app_*).
 *
 * Design. The reassembler (tcp.c) hands over in-order bytes with their segment's time, as it
 * does for HTTP. A flow whose first payload starts like a TLS record (content type 20..23,
 * version 3.x) is TLS; anything else goes to http.c as before. Records are framed per
 * direction (a 5-byte header, possibly split across segments, then its body); a record's
 * first byte takes the time of the segment carrying its header, its last byte that of the
 * segment completing it. The first handshake message of each direction (ClientHello,
 * ServerHello) is parsed in place, or gathered across records when split, up to 16 KiB
 * (tls_hello.c: SNI, version, resumption).
 *
 * Handshake time: from the ClientHello's first byte to the client's first application-data
 * record, the moment the client could send its request. In TLS 1.3 the client's first
 * encrypted record after the ServerHello is its Finished (every encrypted record looks like
 * application data on the wire), so it is skipped; records sent before the ServerHello are
 * 0-RTT early data and count as data. The server's first application-data record after that
 * is kept for the log.
 *
 * Transactions (flagged "tls"): a client burst of application-data records that starts after
 * the server last spoke opens a transaction (request first/last byte = the burst's first and
 * last record); the server's application-data records that follow are its response (first
 * and last byte); the transaction is emitted when the client speaks again or the flow ends.
 * Records of at most 24 bytes are taken for alerts or key updates (a TLS 1.3 alert is 19
 * bytes, a KeyUpdate 22; no HTTP/1 message is that short) and change nothing. Server records
 * while no request is open (TLS 1.3 handshake flight, session tickets sent before the
 * request, pushes) are ignored.
 *
 * What this cannot see (docs/capture.md): the HTTP inside — no method, URI or status; several
 * requests pipelined in one burst are one transaction; HTTP/2 streams multiplexed on one
 * connection are not separable; in TLS 1.3 a session ticket the server sends just after the
 * handshake can be taken for the first response's first byte (its ttfb is early; latency is
 * not affected); the ALPN choice and the certificate of TLS 1.3 are encrypted.
 *
 * Expected load: every payload byte of TLS flows; a record costs a few comparisons; no
 * allocation except the flow's TLS state (recycled with the flow) and a hello split across
 * records.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/clock.h"
#include "core/units.h"
#include "capture/capture_int.h"

enum { REC_CCS = 20, REC_ALERT = 21, REC_HANDSHAKE = 22, REC_APPDATA = 23, REC_HEARTBEAT = 24 };
enum { TURN_NONE = 0, TURN_CLIENT, TURN_SERVER };

#define REC_MAX (16384 + 2048)   /* TLSCiphertext.length limit (RFC 5246 §6.2.3) */
#define REC_CONTROL_MAX 24       /* alerts and key updates; see the design note */

/* 1 when p starts like a TLS record header (what exists of it). */
static int looks_like_record(const uint8_t *p, size_t n)
{
    if (n == 0 || p[0] < REC_CCS || p[0] > REC_HEARTBEAT)
        return 0;
    return n < 2 || (p[1] == 3 && (n < 3 || p[2] <= 4));
}

static cap_tls *tls_state(cap_flow *f)
{
    cap_tls *t = f->tls;
    if (t == NULL && (t = malloc(sizeof *t)) == NULL)
        return NULL;
    memset(t, 0, offsetof(cap_tls, tx));
    f->tls = t;
    return t;
}

void cap_tls_free(cap_flow *f)
{
    if (f->tls == NULL)
        return;
    free(f->tls->d[0].hs);
    free(f->tls->d[1].hs);
    free(f->tls);
    f->tls = NULL;
}

/* ---- the choice of protocol and the calls from tcp.c and flow.c ---- */

static void start_tls(cap_engine *e, cap_flow *f)
{
    cap_tls *t = tls_state(f);
    if (t == NULL) {
        f->proto = CAP_PROTO_HTTP;   /* out of memory: the HTTP parser will ignore it */
        return;
    }
    f->proto = CAP_PROTO_TLS;
    t->d[0].resync = t->d[1].resync = f->midstream;
    e->st.tls_flows++;
    if (f->ep)
        f->ep->tls_flows++;
}

void cap_app_data(cap_engine *e, cap_flow *f, int d, const uint8_t *data, size_t len)
{
    if (f->proto == CAP_PROTO_UNKNOWN) {
        if (looks_like_record(data, len))
            start_tls(e, f);
        else if (!f->midstream || (d == 0 ? data[0] >= 'A' && data[0] <= 'Z'
                                          : len >= 5 && memcmp(data, "HTTP/", 5) == 0))
            f->proto = CAP_PROTO_HTTP;
        else
            return;                        /* joined mid-stream: wait for a clear start */
    }
    if (f->proto == CAP_PROTO_TLS)
        cap_tls_data(e, f, d, data, len);
    else
        cap_http_data(e, f, d, data, len);
}

void cap_app_flag(cap_flow *f, int d, uint32_t flags)
{
    if (f->proto == CAP_PROTO_TLS) {
        if (f->tls->tx_open)
            f->tls->tx.flags |= flags;
    } else {
        cap_http_flag(f, d, flags);
    }
}

void cap_app_gap(cap_engine *e, cap_flow *f, int d)
{
    if (f->proto != CAP_PROTO_TLS) {
        cap_http_gap(e, f, d);
        return;
    }
    cap_tls_dir *td = &f->tls->d[d];
    td->resync = 1;
    td->hdr_len = 0;
    td->left = 0;
    td->hs_done = 1;                       /* a hello split by the gap is given up */
    if (f->tls->tx_open)
        f->tls->tx.flags |= CAP_TX_GAP;
}

void cap_app_eof(cap_engine *e, cap_flow *f, int d)
{
    if (f->proto != CAP_PROTO_TLS) {
        cap_http_eof(e, f, d);
        return;
    }
    const cap_tls_dir *td = &f->tls->d[d];
    if ((td->left > 0 || td->hdr_len > 0) && f->tls->tx_open)
        f->tls->tx.flags |= CAP_TX_TRUNCATED;   /* a record cut short by the FIN */
}

/* ---- transactions ---- */

static void emit_tx(cap_engine *e, cap_flow *f)
{
    cap_tls *t = f->tls;
    if (!t->tx_open)
        return;
    if (t->tx.t_resp_last == 0)
        t->tx.flags |= CAP_TX_UNMATCHED;
    t->tx_open = 0;
    cap_engine_emit(e, f, &t->tx);
}

static void open_tx(cap_flow *f, uint64_t t_first)
{
    cap_tx *tx = &f->tls->tx;
    memset(tx, 0, offsetof(cap_tx, host));
    tx->host[0] = tx->uri[0] = '\0';
    tx->method = -1;
    tx->t_req_first = t_first;
    tx->flags = CAP_TX_TLS | (f->midstream ? CAP_TX_MIDSTREAM : 0);
    f->tls->tx_open = 1;
}

/* Count the handshake in the endpoint: version, SNI, resumption, time. */
static void count_handshake(cap_engine *e, cap_flow *f)
{
    cap_tls *t = f->tls;
    cap_endpoint *ep = f->ep;
    uint16_t v = t->sh_seen ? t->sh.version : 0;
    /* resumed: TLS 1.3 accepted a pre-shared key; TLS 1.2 echoed the offered session id */
    t->resumed = t->sh_seen && (v == 0x0304 ? t->sh.psk : t->sh.sid_len > 0 &&
                 t->sh.sid_len == t->ch.sid_len && memcmp(t->sh.sid, t->ch.sid,
                                                          t->sh.sid_len) == 0);
    t->counted = 1;
    e->st.tls_handshakes++;
    if (ep == NULL)
        return;
    ep->tls_handshakes++;
    rg_hist_record(ep->tls_handshake, rg_ns_to_us(t->t_client_data - t->t_hello));
    ep->tls_versions[v >= 0x0301 && v <= 0x0304 ? v - 0x0301 : 4]++;
    ep->tls_resumed += t->resumed;
    if (t->ch.sni_len == 0) {
        ep->tls_sni_none++;
        return;
    }
    for (int i = 0; i < 8; i++) {
        if (ep->tls_sni_n[i] == 0)
            snprintf(ep->tls_sni[i], sizeof ep->tls_sni[i], "%s", t->ch.sni);
        if (strcmp(ep->tls_sni[i], t->ch.sni) == 0) {
            ep->tls_sni_n[i]++;
            return;
        }
    }
    ep->tls_sni_other++;
}

/* An application-data record of direction d from t_first to t_last. */
static void app_record(cap_engine *e, cap_flow *f, int d, uint32_t len, uint64_t t_first,
                       uint64_t t_last)
{
    cap_tls *t = f->tls;
    int tls13 = t->sh_seen && t->sh.version == 0x0304;
    if (len <= REC_CONTROL_MAX)
        return;                            /* an alert or a key update */
    if (d == 0) {
        if (tls13 && !t->client_fin) {
            t->client_fin = 1;             /* TLS 1.3: the client's Finished */
            return;
        }
        if (t->t_client_data == 0) {
            t->t_client_data = t_first;
            if (t->t_hello != 0 && t->sh_seen)
                count_handshake(e, f);     /* else when the ServerHello comes (0-RTT) */
        }
        if (t->turn != TURN_CLIENT) {
            emit_tx(e, f);
            open_tx(f, t_first);
        }
        t->tx.t_req_last = t_last;
        t->tx.req_bytes += 5 + (uint64_t)len;
        t->turn = TURN_CLIENT;
        return;
    }
    if (tls13 && !t->client_fin)
        return;                            /* TLS 1.3: the server's encrypted handshake */
    if (t->t_client_data != 0 && t->t_server_data == 0)
        t->t_server_data = t_first;
    if (t->tx_open) {
        if (t->tx.t_resp_first == 0)
            t->tx.t_resp_first = t_first;
        t->tx.t_resp_last = t_last;
        t->tx.resp_bytes += 5 + (uint64_t)len;
    }
    t->turn = TURN_SERVER;
}

/* ---- handshake messages ---- */

/* The first handshake message of direction d is complete in msg (header included). */
static void hello(cap_flow *f, int d, const cap_buf *msg)
{
    cap_tls *t = f->tls;
    cap_tls_dir *td = &t->d[d];
    uint8_t type;
    uint32_t mlen;
    cap_buf body;
    td->hs_done = 1;
    if (cap_u8(msg, 0, &type) || cap_u24(msg, 1, &mlen) || cap_take(msg, 4, mlen, &body))
        return;
    if (d == 0 && type == 1) {
        cap_tls_parse_hello(&body, 1, &t->ch);
        t->ch_seen = 1;
    } else if (d == 1 && type == 2) {
        cap_tls_hello h;
        cap_tls_parse_hello(&body, 2, &h);
        if (h.hrr == CAP_TLS_HRR) {
            td->hs_done = 0;               /* the real ServerHello follows the second hello */
            return;
        }
        t->sh = h;
        t->sh_seen = 1;
        if (t->t_client_data != 0 && t->t_hello != 0 && !t->counted)
            count_handshake(f->eng, f);    /* 0-RTT: the data came before this hello */
    }
}

/* Handshake-record bytes of direction d: find, or gather, the first message. */
static void handshake_bytes(cap_flow *f, int d, const uint8_t *p, size_t n, int rec_start)
{
    cap_tls_dir *td = &f->tls->d[d];
    if (td->hs_done)
        return;
    cap_buf in = {p, n};
    uint32_t mlen;
    if (td->hs_len == 0 && rec_start && cap_u24(&in, 1, &mlen) == 0 && 4 + (size_t)mlen <= n) {
        hello(f, d, &in);                  /* the usual case: whole in one record, in place */
        return;
    }
    if (td->hs == NULL && (td->hs = malloc(CAP_TLS_HS_MAX)) == NULL) {
        td->hs_done = 1;
        return;
    }
    size_t room = CAP_TLS_HS_MAX - td->hs_len;
    memcpy(td->hs + td->hs_len, p, n < room ? n : room);
    td->hs_len += (uint32_t)(n < room ? n : room);
    cap_buf got = {td->hs, td->hs_len};
    if (cap_u24(&got, 1, &mlen) == 0 && 4 + (size_t)mlen <= td->hs_len)
        hello(f, d, &got);
    else if (td->hs_len == CAP_TLS_HS_MAX)
        td->hs_done = 1;                   /* larger than we gather: no SNI, no version */
    if (td->hs_done) {
        free(td->hs);
        td->hs = NULL;
        td->hs_len = 0;
    }
}

/* ---- records ---- */

static void record_end(cap_engine *e, cap_flow *f, int d, uint64_t now)
{
    cap_tls_dir *td = &f->tls->d[d];
    e->st.tls_records++;
    if (td->type == REC_APPDATA)
        app_record(e, f, d, td->rec_len, td->t_first, now);
}

/* A complete header in td->hdr: check it and start the record. 0, or -1 (framing lost). */
static int record_begin(cap_engine *e, cap_flow *f, int d)
{
    cap_tls *t = f->tls;
    cap_tls_dir *td = &t->d[d];
    cap_buf h = {td->hdr, 5};
    uint8_t type, major;
    uint16_t len;
    td->hdr_len = 0;
    if (cap_u8(&h, 0, &type) || cap_u8(&h, 1, &major) || cap_u16(&h, 3, &len) ||
        type < REC_CCS || type > REC_HEARTBEAT || major != 3 || len > REC_MAX) {
        e->st.parse_errors++;
        if (f->ep)
            f->ep->parse_errors++;
        td->resync = 1;
        td->hs_done = 1;
        return -1;
    }
    td->type = type;
    td->left = td->rec_len = len;
    if (d == 0 && type == REC_HANDSHAKE && t->t_hello == 0 && !td->hs_done)
        t->t_hello = td->t_first;          /* the first ClientHello's first byte */
    return 0;
}

void cap_tls_data(cap_engine *e, cap_flow *f, int d, const uint8_t *data, size_t len)
{
    cap_tls_dir *td = &f->tls->d[d];
    uint64_t now = f->dir[d].ts;
    if (td->resync) {
        if (!looks_like_record(data, len))
            return;
        td->resync = 0;
    }
    while (len > 0) {
        if (td->left == 0) {
            if (td->hdr_len == 0)
                td->t_first = now;
            size_t take = 5u - td->hdr_len < len ? 5u - td->hdr_len : len;
            memcpy(td->hdr + td->hdr_len, data, take);
            td->hdr_len = (uint8_t)(td->hdr_len + take);
            data += take;
            len -= take;
            if (td->hdr_len < 5)
                return;
            if (record_begin(e, f, d) < 0)
                return;                    /* the rest of this segment is not framed */
            if (td->left == 0)
                record_end(e, f, d, now);
            continue;
        }
        size_t take = td->left < len ? td->left : len;
        if (td->type == REC_HANDSHAKE)
            handshake_bytes(f, d, data, take, td->left == td->rec_len);
        td->left -= (uint32_t)take;
        data += take;
        len -= take;
        if (td->left == 0)
            record_end(e, f, d, now);
    }
}

void cap_app_close(cap_engine *e, cap_flow *f)
{
    if (f->proto != CAP_PROTO_TLS) {
        cap_http_close(e, f);
        return;
    }
    cap_tls *t = f->tls;
    emit_tx(e, f);
    if (t->t_hello != 0 && !t->counted && t->t_client_data != 0)
        count_handshake(e, f);             /* data, but no ServerHello seen (a gap) */
    else if (t->t_hello != 0 && !t->counted && f->ep != NULL)
        f->ep->tls_incomplete++;           /* a handshake never followed by data */
    for (int d = 0; d < 2; d++) {
        free(t->d[d].hs);
        t->d[d].hs = NULL;
        t->d[d].hs_len = 0;
    }
}
