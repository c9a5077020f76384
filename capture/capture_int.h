/*
 * capture/capture_int.h — private interfaces between the layers of the capture engine.
 *
 * Layers, one file each, as libpcap/tcpdump split them:
 *   decode.c   link layer (Ethernet + VLAN, SLL, SLL2, NULL/LOOP, raw) and IPv4/IPv6/TCP headers,
 *              every field read through the bounds-checked accessors below -> cap_pkt
 *   flow.c     the bounded TCP flow table: hash on the 4-tuple, LRU list, idle eviction
 *   tcp.c      per-direction reassembly: in-order delivery by sequence number, retransmissions
 *              dropped (the first copy's time is kept), bounded out-of-order buffer, gaps
 *   http.c     HTTP/1.x transaction matching: http-parser on both directions, FIFO per flow
 *   tls.c      TLS flows without keys: record framing, handshake timing, transactions
 *              approximated from application-data records; and the choice, per flow, between
 *              http.c and tls.c (cap_app_*)
 *   tls_hello.c   ClientHello / ServerHello fields (SNI, session id, version, resumption)
 *   engine.c   the per-packet entry point, counters and per-server-endpoint aggregation
 *   output.c   transaction log (JSON Lines), dataset runs, the sidecar's `wire` object
 *   pcapio.c   opening handles (live/offline), privilege drop
 *   cmd_capture.c, sidecar.c   the command and the load generator's sidecar
 *
 * Expected load: millions of packets per second offline. The per-packet path allocates
 * nothing in the common case: a flow is found by hash, payload is parsed in place, and a
 * transaction lives in a per-flow ring that grows only when a client pipelines deeply.
 * Nothing here is thread-safe: one engine per thread.
 */
#ifndef RIGOR_CAPTURE_CAPTURE_INT_H
#define RIGOR_CAPTURE_CAPTURE_INT_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <http_parser.h>
#include <jansson.h>
#include "core/err.h"
#include "core/hist.h"

/* ---- TCP sequence numbers (RFC 9293 §3.4: comparisons modulo 2^32) ---------------------- */

#define SEQ_LT(a, b)  ((int32_t)((uint32_t)(a) - (uint32_t)(b)) < 0)
#define SEQ_LEQ(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) <= 0)
#define SEQ_GT(a, b)  ((int32_t)((uint32_t)(a) - (uint32_t)(b)) > 0)
#define SEQ_GEQ(a, b) ((int32_t)((uint32_t)(a) - (uint32_t)(b)) >= 0)

/* ---- bounds-checked reads (network byte order) ---------------------------------------- */

/* A view of captured bytes. Every read checks off + width <= len and fails instead. */
typedef struct cap_buf {
    const uint8_t *p;
    size_t len;
} cap_buf;

static inline int cap_u8(const cap_buf *b, size_t off, uint8_t *v)
{
    if (off >= b->len)
        return -1;
    *v = b->p[off];
    return 0;
}

static inline int cap_u16(const cap_buf *b, size_t off, uint16_t *v)
{
    if (off > b->len || b->len - off < 2)
        return -1;
    *v = (uint16_t)(b->p[off] << 8 | b->p[off + 1]);
    return 0;
}

static inline int cap_u24(const cap_buf *b, size_t off, uint32_t *v)
{
    if (off > b->len || b->len - off < 3)
        return -1;
    *v = (uint32_t)b->p[off] << 16 | (uint32_t)b->p[off + 1] << 8 | b->p[off + 2];
    return 0;
}

static inline int cap_u32(const cap_buf *b, size_t off, uint32_t *v)
{
    if (off > b->len || b->len - off < 4)
        return -1;
    *v = (uint32_t)b->p[off] << 24 | (uint32_t)b->p[off + 1] << 16 |
         (uint32_t)b->p[off + 2] << 8 | b->p[off + 3];
    return 0;
}

/* Narrow b to [off, off+len) clipped to what exists; -1 when off is past the end. */
static inline int cap_sub(const cap_buf *b, size_t off, size_t len, cap_buf *out)
{
    if (off > b->len)
        return -1;
    out->p = b->p + off;
    out->len = b->len - off < len ? b->len - off : len;
    return 0;
}

/* Narrow b to exactly [off, off+len); -1 when any of it is missing. */
static inline int cap_take(const cap_buf *b, size_t off, size_t len, cap_buf *out)
{
    if (off > b->len || b->len - off < len)
        return -1;
    out->p = b->p + off;
    out->len = len;
    return 0;
}

/* ---- decode.c ------------------------------------------------------------------------- */

enum {
    CAP_TH_FIN = 0x01, CAP_TH_SYN = 0x02, CAP_TH_RST = 0x04, CAP_TH_PSH = 0x08,
    CAP_TH_ACK = 0x10
};

/* Outcome of decoding one packet. */
enum {
    CAP_DEC_TCP = 0,      /* a TCP segment: pkt filled */
    CAP_DEC_OTHER,        /* not TCP over IP (ARP, UDP, ...): ignored */
    CAP_DEC_FRAG,         /* an IP fragment: flagged, not reassembled */
    CAP_DEC_TRUNC,        /* headers cut short by the snap length or the file */
    CAP_DEC_BAD,          /* malformed header */
    CAP_DEC_UNSUP         /* link type not supported */
};

/* One decoded TCP segment; addresses are 16 bytes (IPv4 as ::ffff:a.b.c.d). */
typedef struct cap_pkt {
    uint64_t ts;              /* nanoseconds since the epoch */
    uint8_t src[16], dst[16];
    uint16_t sport, dport;
    uint32_t seq, ack;
    uint8_t flags;            /* CAP_TH_* */
    uint8_t v6;               /* 1 for IPv6 */
    const uint8_t *payload;   /* captured payload bytes */
    uint32_t caplen;          /* payload bytes captured */
    uint32_t len;             /* payload bytes on the wire (>= caplen) */
} cap_pkt;

/* 1 when the link type (DLT_*) is one decode knows. */
int cap_link_supported(int dlt);
/* Decode a captured frame of link type dlt into pkt (pkt->ts is left alone). */
int cap_decode(int dlt, const uint8_t *data, size_t caplen, cap_pkt *pkt);

/* ---- http.c: transactions -------------------------------------------------------------- */

#define CAP_HOST_MAX 128
#define CAP_URI_MAX 512

enum {
    CAP_TX_MIDSTREAM = 1 << 0,   /* the flow was joined after its handshake */
    CAP_TX_RETRANSMIT = 1 << 1,  /* a segment of this transaction was retransmitted */
    CAP_TX_GAP = 1 << 2,         /* bytes missing from the capture inside it */
    CAP_TX_UNMATCHED = 1 << 3,   /* a request without response or a response without request */
    CAP_TX_TRUNCATED = 1 << 4,   /* a message cut short (end of capture, close, gap) */
    CAP_TX_TLS = 1 << 5          /* timed from TLS records (tls.c), not from HTTP messages */
};

typedef struct cap_tx {
    uint64_t t_req_first, t_req_last, t_resp_first, t_resp_last;  /* ns; 0 = not seen */
    uint64_t req_bytes, resp_bytes;
    uint32_t flags;
    int16_t method;           /* enum http_method, -1 unknown */
    uint16_t status;          /* 0 = no response */
    uint8_t req_done, resp_begun;
    uint16_t host_len, uri_len;
    char host[CAP_HOST_MAX];
    char uri[CAP_URI_MAX];
} cap_tx;

/* ---- http_fast.c: the plain-head fast path in front of http-parser ---------------------- */

#define CAP_FAST_HEAD_MAX 16384   /* longer heads go to http-parser */
#define CAP_MEMO_MAX 384          /* heads up to this long are remembered per direction */

/* What cap_http_scan read from a message head (pointers into the scanned bytes). */
typedef struct cap_http_head {
    int16_t method;           /* requests: enum http_method */
    uint16_t status;          /* responses: 200..599 */
    uint8_t has_length;       /* a Content-Length header was present */
    uint64_t length;          /* its value */
    const char *uri, *host;   /* requests: the target, and the Host value (NULL if none) */
    size_t uri_len, host_len;
} cap_http_head;

/* Build the character tables (once per process; cap_engine_new calls it). */
void cap_http_fast_init(void);
/*
 * When p[0..n) starts with a whole head of direction d (0 request, 1 response) in the plain
 * HTTP/1.1 form of http_fast.c, its length with *h filled; otherwise 0, and the message is
 * http-parser's to parse. Never reads outside p[0..n).
 */
size_t cap_http_scan(int d, const uint8_t *p, size_t n, cap_http_head *h);

/* ---- tcp.c / flow.c ----------------------------------------------------------------------- */

typedef struct cap_seg {      /* an out-of-order segment kept for later */
    struct cap_seg *next;
    uint64_t ts;
    uint32_t seq, len;
    uint8_t data[];
} cap_seg;

/* One direction of a flow: 0 = client -> server (requests), 1 = server -> client. */
typedef struct cap_dir {
    http_parser parser;
    uint32_t next_seq;        /* next byte expected, valid when synced */
    uint8_t synced, fin, resync, in_msg, dead, msg_done, fin_pending, orphan;
    uint32_t fin_seq;         /* sequence number of the FIN when it arrived early */
    uint32_t peer_ack;        /* highest ACK the other side sent for this direction */
    uint8_t peer_ack_valid;
    char hname[4];            /* first bytes of the header field being parsed */
    uint16_t hname_len;       /* its full length so far */
    uint8_t in_value;         /* the last header callback was a value */
    uint32_t msg_flags;       /* flags gathered for the message being parsed */
    uint64_t msg_bytes;       /* bytes of the message being parsed */
    uint64_t ts;              /* timestamp of the bytes being delivered */
    cap_seg *ooo;             /* sorted by seq */
    uint32_t ooo_count, ooo_bytes;
    uint8_t fast_body;        /* http_fast: the message's body is being counted, not parsed */
    uint8_t parser_only;      /* http-parser is not at a clean message boundary (after a
                               * message that was not keep-alive): no fast path */
    uint64_t body_left;       /* http_fast: body bytes still to come */
    /* The last head the fast path scanned in this direction, and what the scan said
     * (pointers into memo): a head byte-identical to it needs no second scan. */
    uint16_t memo_len;
    cap_http_head memo_h;
    uint8_t memo[CAP_MEMO_MAX];
} cap_dir;

typedef struct cap_endpoint cap_endpoint;

/* ---- tls_hello.c: the first handshake message of each direction ------------------------- */

#define CAP_TLS_HRR 2   /* cap_tls_hello.hrr: a HelloRetryRequest, not a ServerHello */

typedef struct cap_tls_hello {
    uint16_t version;         /* ServerHello: negotiated (supported_versions, else legacy) */
    uint8_t psk;              /* ServerHello: pre_shared_key accepted (TLS 1.3 resumption) */
    uint8_t hrr;              /* ServerHello: CAP_TLS_HRR when it is a HelloRetryRequest */
    uint8_t sid_len;
    uint8_t sid[32];          /* legacy_session_id */
    uint16_t sni_len;         /* ClientHello: server_name (host_name), cut to CAP_HOST_MAX-1 */
    char sni[CAP_HOST_MAX];
} cap_tls_hello;

/*
 * Parse a handshake message body (after its 4-byte header) of type 1 (ClientHello) or
 * 2 (ServerHello) (RFC 8446 §4.1.2, §4.1.3; RFC 5246 §7.4.1; SNI: RFC 6066 §3), every field
 * through the bounds-checked accessors. 0, or -1 when the message is malformed (*h then holds
 * what was read before the damage).
 */
int cap_tls_parse_hello(const cap_buf *msg, int type, cap_tls_hello *h);
/* "TLSv1.2" for 0x0303 and so on; NULL for an unknown version. */
const char *cap_tls_version_name(uint16_t v);

/* ---- tls.c: per-flow TLS state --------------------------------------------------------- */

#define CAP_TLS_HS_MAX 16384   /* largest first handshake message gathered across records */

/* One direction's record framing. */
typedef struct cap_tls_dir {
    uint8_t hdr[5];           /* a record header split across segments */
    uint8_t hdr_len;
    uint8_t type;             /* content type of the record in progress */
    uint8_t resync;           /* framing lost: wait for a segment starting with a record */
    uint8_t hs_done;          /* the first handshake message was parsed (or given up) */
    uint32_t left;            /* bytes of the record in progress still to come */
    uint32_t rec_len;
    uint64_t t_first;         /* time of the record's first byte */
    uint8_t *hs;              /* the first handshake message, when split across records */
    uint32_t hs_len;
} cap_tls_dir;

typedef struct cap_tls {
    cap_tls_dir d[2];
    cap_tls_hello ch, sh;     /* what the hellos said */
    uint8_t ch_seen, sh_seen, client_fin, turn, tx_open, counted, resumed;
    uint64_t t_hello;         /* first byte of the (first) ClientHello */
    uint64_t t_client_data;   /* first client application-data record: handshake done */
    uint64_t t_server_data;   /* first server application-data record after that */
    cap_tx tx;                /* the transaction being assembled */
} cap_tls;

/* The TCP handshake as seen so far: SYN, then SYN/ACK, then the client's ACK (RTT recorded). */
enum cap_hs { CAP_HS_NONE = 0, CAP_HS_SYN, CAP_HS_SYNACK, CAP_HS_DONE };

enum cap_proto { CAP_PROTO_UNKNOWN = 0, CAP_PROTO_HTTP, CAP_PROTO_TLS };

typedef struct cap_flow {
    struct cap_flow *hnext;                 /* hash chain */
    struct cap_flow *prev, *next;           /* LRU list, most recent at the head */
    uint32_t hash;
    uint8_t caddr[16], saddr[16];           /* client and server */
    uint16_t cport, sport;
    uint8_t v6, midstream, closed;
    uint8_t hs;                             /* enum cap_hs: how far the handshake was seen */
    uint64_t last_ts, t_syn, t_synack;
    cap_dir dir[2];
    cap_tx *q;                              /* FIFO ring of requests awaiting responses */
    uint32_t q_head, q_count, q_cap;
    cap_tx orphan;                          /* a response without a request */
    uint8_t proto;                          /* enum cap_proto: decided by the first payload */
    cap_tls *tls;                           /* TLS flows only; kept when the flow is recycled */
    cap_endpoint *ep;
    struct cap_engine *eng;                 /* for the parser callbacks */
    char cname[64], sname[64];              /* "ADDR:PORT" of client and server */
} cap_flow;

/* ---- engine.c ---------------------------------------------------------------------------- */

typedef struct cap_config {
    uint32_t max_flows;       /* flow table bound (LRU eviction beyond) */
    uint64_t idle_ns;         /* flows idle this long are evicted */
    uint32_t ooo_max_segs;    /* out-of-order segments kept per direction */
    uint32_t ooo_max_bytes;   /* out-of-order bytes kept per direction */
    uint8_t parser_only;      /* 1: every message through http-parser (tests: the reference) */
} cap_config;

void cap_config_default(cap_config *cfg);

/* Per server endpoint aggregation (one dataset run each). */
struct cap_endpoint {
    cap_endpoint *next;
    uint8_t addr[16];
    uint16_t port;
    uint8_t v6;
    rg_hist *latency, *ttfb, *server_time, *handshake;
    rg_hist *tls_handshake;   /* ClientHello -> first client application-data record */
    uint64_t requests, unmatched, truncated, parse_errors, status_err;
    uint64_t tls_flows, tls_handshakes, tls_resumed, tls_incomplete;
    uint64_t tls_versions[5]; /* TLS 1.0, 1.1, 1.2, 1.3, unknown */
    char tls_sni[8][CAP_HOST_MAX];   /* the first SNI names seen, with their counts */
    uint64_t tls_sni_n[8], tls_sni_other, tls_sni_none;
    uint64_t bytes_in, bytes_out, retransmits, midstream, flows;
    uint64_t first_ns, last_ns;
    uint64_t status[600];     /* counts per status code 100..599 (index = code) */
};

typedef struct cap_stats {
    uint64_t packets, bytes, tcp, other, frags, truncated, malformed, unsupported;
    uint64_t flows, evicted, retransmits, gaps, midstream, parse_errors;
    uint64_t tls_flows, tls_records, tls_handshakes;
    uint64_t tx, complete, unmatched;
    uint64_t first_ns, last_ns;
    uint64_t drops, ifdrops;  /* from pcap_stats, filled by the caller */
} cap_stats;

typedef void (*cap_tx_sink)(void *ctx, const cap_flow *f, const cap_tx *tx);

typedef struct cap_engine {
    cap_config cfg;
    int dlt;
    cap_flow **buckets;
    uint32_t nbuckets, nflows;
    cap_flow *lru_head, *lru_tail, *free_list;
    cap_endpoint *endpoints;
    uint32_t nendpoints;
    cap_stats st;
    uint64_t now;
    cap_tx_sink sink;
    void *sink_ctx;
    /* Only transactions that complete (and retransmissions seen) in [win_start, win_end), ns
     * since the epoch, are counted: the load generator's measured window (warm-up excluded),
     * set from its thread while the sidecar's runs, hence atomic. Default: everything. */
    _Atomic uint64_t win_start, win_end;
} cap_engine;

static inline int cap_in_window(cap_engine *e, uint64_t ts)
{
    return ts >= atomic_load_explicit(&e->win_start, memory_order_relaxed) &&
           ts < atomic_load_explicit(&e->win_end, memory_order_relaxed);
}

/* New engine for link type dlt; NULL with err (RG_ERRLEN) on OOM. */
cap_engine *cap_engine_new(const cap_config *cfg, int dlt, char *err);
void cap_engine_free(cap_engine *e);   /* accepts NULL */
/* Feed one frame. ts in ns since the epoch; wirelen = original length. */
void cap_engine_packet(cap_engine *e, uint64_t ts, const uint8_t *data, uint32_t caplen,
                       uint32_t wirelen);
/* End of capture: close every flow, emitting what is left (unmatched, truncated). */
void cap_engine_finish(cap_engine *e);
/* Called by http.c for each finished transaction: aggregates and forwards to the sink. */
void cap_engine_emit(cap_engine *e, cap_flow *f, cap_tx *tx);
/* The endpoint of a server address (created on first use); NULL on OOM. */
cap_endpoint *cap_engine_endpoint(cap_engine *e, const uint8_t addr[16], uint16_t port, int v6);

/* flow.c */
int cap_flows_init(cap_engine *e, char *err);
void cap_flows_free(cap_engine *e);
/* Find the flow of pkt, or create it when create is set; *dir = 0 client->server, 1 back. */
cap_flow *cap_flow_lookup(cap_engine *e, const cap_pkt *pkt, int create, int *dir);
/* Finish a flow's HTTP state, unlink and recycle it. */
void cap_flow_close(cap_engine *e, cap_flow *f);
/* Mark f most recently used. */
void cap_flow_touch(cap_engine *e, cap_flow *f, uint64_t ts);
/* Evict flows idle since before now - idle_ns. */
void cap_flow_expire(cap_engine *e, uint64_t now);

/* tcp.c: process one segment of flow f in direction d. */
void cap_tcp_segment(cap_engine *e, cap_flow *f, int d, const cap_pkt *pkt);
/*
 * 1 when the receiver has acknowledged bytes of this direction that the capture has not
 * delivered: a hole the capture missed, known before any later segment shows it.
 */
int cap_tcp_acked_hole(const cap_dir *dir);
/* Drop buffered segments of a direction (flow close). */
void cap_tcp_free_dir(cap_dir *dir);
/* Deliver whatever is buffered out of order as a gap (end of flow). */
void cap_tcp_flush(cap_engine *e, cap_flow *f, int d);

/* http.c */
void cap_http_init_flow(cap_flow *f);
/* In-order bytes of direction d at time dir->ts. */
void cap_http_data(cap_engine *e, cap_flow *f, int d, const uint8_t *data, size_t len);
/* Bytes missing in direction d: the message in progress is flagged and the parser resyncs. */
void cap_http_gap(cap_engine *e, cap_flow *f, int d);
/* The direction ended (FIN/RST): close-delimited bodies complete. */
void cap_http_eof(cap_engine *e, cap_flow *f, int d);
/* The flow ends: everything still pending is emitted (unmatched / truncated). */
void cap_http_close(cap_engine *e, cap_flow *f);
/* Flag the messages in progress of direction d (retransmit, ...). */
void cap_http_flag(cap_flow *f, int d, uint32_t flags);

/* tls.c: the application layer of a flow, http.c or tls.c, chosen by its first payload */
void cap_app_data(cap_engine *e, cap_flow *f, int d, const uint8_t *data, size_t len);
void cap_app_gap(cap_engine *e, cap_flow *f, int d);
void cap_app_eof(cap_engine *e, cap_flow *f, int d);
void cap_app_close(cap_engine *e, cap_flow *f);
void cap_app_flag(cap_flow *f, int d, uint32_t flags);
/* TLS records of direction d (in order, at time f->dir[d].ts). */
void cap_tls_data(cap_engine *e, cap_flow *f, int d, const uint8_t *data, size_t len);
/* Free a flow's TLS state (flow released). */
void cap_tls_free(cap_flow *f);

/* ---- output.c ---------------------------------------------------------------------------- */

/* Endpoint as "ADDR:PORT" ("[v6]:PORT") into buf. */
char *cap_fmt_endpoint(char *buf, size_t len, const uint8_t addr[16], uint16_t port, int v6);

typedef struct cap_log cap_log;
/* A JSON Lines writer on an open stream (not closed by cap_log_free). NULL on OOM. */
cap_log *cap_log_new(FILE *fp);
void cap_log_free(cap_log *l);
/* The sink for cap_engine: one line per transaction. */
void cap_log_tx(void *ctx, const cap_flow *f, const cap_tx *tx);
/* The transaction as a JSON object (new reference). */
json_t *cap_tx_json(const cap_flow *f, const cap_tx *tx);

/* The runs (one per endpoint) for a dataset; run indexes continue those in ds (may be NULL). */
json_t *cap_runs_json(const cap_engine *e, const json_t *ds, const char *label, int complete);
/* The `wire` object over every endpoint (the sidecar's answer). */
json_t *cap_wire_json(const cap_engine *e);
/* Human summary on fp. */
void cap_print_summary(FILE *fp, const cap_engine *e);

#endif
