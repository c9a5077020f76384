/*
 * tests/unit/capture/test_capture_tls.c — TLS flows without keys (capture/tls.c, tls_hello.c)
 * on synthesized packets: records built by hand from RFC 8446 / RFC 5246 layouts (a
 * ClientHello with SNI, ServerHellos of TLS 1.3 and 1.2, resumption, a HelloRetryRequest,
 * encrypted records of chosen sizes), each scenario checked against the times and sizes it put
 * on the wire: handshake time, transactions from records, version, SNI, resumption, splits
 * across segments and records, alerts, gaps, mid-stream joins, 0-RTT; then the hello parser on
 * malformed input, the log line against jansson, and the dataset run.
 */
#include <stdlib.h>
#include "core/dataset.h"
#include "core/err.h"
#include "tests/unit/unit.h"
#include "tests/fixtures/capture/synth.h"
#include "core/units.h"
#include "capture/capture_int.h"

#define T0 UINT64_C(1700000000000000000)
#define US 1000u
#define MS 1000000u

typedef struct got {
    cap_tx tx[64];
    char sni[64][CAP_HOST_MAX];
    int version[64];
    int n;
} got;

static void sink(void *ctx, const cap_flow *f, const cap_tx *tx)
{
    got *g = ctx;
    if (g->n < 64) {
        g->tx[g->n] = *tx;
        if (f->tls != NULL) {
            snprintf(g->sni[g->n], CAP_HOST_MAX, "%s", f->tls->ch.sni);
            g->version[g->n] = f->tls->sh_seen ? f->tls->sh.version : 0;
        }
        g->n++;
    }
}

static cap_engine *run(sy_trace *t, got *g)
{
    char err[RG_ERRLEN];
    cap_config cfg;
    cap_config_default(&cfg);
    memset(g, 0, sizeof *g);
    cap_engine *e = cap_engine_new(&cfg, t->dlt, err);
    e->sink = sink;
    e->sink_ctx = g;
    for (int i = 0; i < t->n; i++)
        cap_engine_packet(e, t->f[i].ts, t->f[i].data, t->f[i].caplen, t->f[i].len);
    cap_engine_finish(e);
    return e;
}

/* ---- record builders ---- */

typedef struct rb {
    uint8_t b[8192];
    uint32_t n;
} rb;

static void put8(rb *r, unsigned v) { r->b[r->n++] = (uint8_t)v; }
static void put16(rb *r, unsigned v) { put8(r, v >> 8); put8(r, v); }
static void put24(rb *r, unsigned v) { put8(r, v >> 16); put16(r, v & 0xffff); }
static void putn(rb *r, const void *p, size_t n)
{
    if (n > 0)
        memcpy(r->b + r->n, p, n);
    r->n += (uint32_t)n;
}
static void patch16(rb *r, uint32_t at, unsigned v) { r->b[at] = (uint8_t)(v >> 8); r->b[at + 1] = (uint8_t)v; }
static void patch24(rb *r, uint32_t at, unsigned v)
{
    r->b[at] = (uint8_t)(v >> 16);
    patch16(r, at + 1, v & 0xffff);
}

static const uint8_t hrr_random[32] = {
    0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
    0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C};

/* A ClientHello handshake message (header included) offering TLS 1.3 and 1.2. */
static void client_hello_msg(rb *r, const char *sni, const uint8_t *sid, int sidlen)
{
    uint8_t random[32] = {7};
    put8(r, 1);
    uint32_t lenat = r->n;
    put24(r, 0);
    put16(r, 0x0303);
    putn(r, random, 32);
    put8(r, (unsigned)sidlen);
    putn(r, sid, (size_t)sidlen);
    put16(r, 4); put16(r, 0x1301); put16(r, 0xc02f);   /* cipher suites */
    put8(r, 1); put8(r, 0);                             /* compression: null */
    uint32_t extat = r->n;
    put16(r, 0);
    put16(r, 0x000a); put16(r, 4); put16(r, 2); put16(r, 0x001d);   /* supported_groups */
    if (sni != NULL) {
        size_t n = strlen(sni);
        put16(r, 0); put16(r, (unsigned)(n + 5)); put16(r, (unsigned)(n + 3));
        put8(r, 0); put16(r, (unsigned)n); putn(r, sni, n);
    }
    put16(r, 0x002b); put16(r, 5); put8(r, 4); put16(r, 0x0304); put16(r, 0x0303);
    patch16(r, extat, r->n - extat - 2);
    patch24(r, lenat, r->n - lenat - 3);
}

/* A ServerHello message: version 0x0304 (supported_versions) or 0x0303 (legacy only). */
static void server_hello_msg(rb *r, unsigned version, int psk, const uint8_t *sid, int sidlen,
                             int hrr)
{
    uint8_t random[32] = {9};
    put8(r, 2);
    uint32_t lenat = r->n;
    put24(r, 0);
    put16(r, 0x0303);
    putn(r, hrr ? hrr_random : random, 32);
    put8(r, (unsigned)sidlen);
    putn(r, sid, (size_t)sidlen);
    put16(r, version == 0x0304 ? 0x1301 : 0xc02f);
    put8(r, 0);
    uint32_t extat = r->n;
    put16(r, 0);
    if (version == 0x0304) {
        put16(r, 0x002b); put16(r, 2); put16(r, 0x0304);
    }
    if (psk) {
        put16(r, 0x0029); put16(r, 2); put16(r, 0);
    }
    patch16(r, extat, r->n - extat - 2);
    patch24(r, lenat, r->n - lenat - 3);
}

/* Wrap bytes as one record of this content type. */
static void record(rb *out, unsigned type, const uint8_t *p, uint32_t n)
{
    put8(out, type);
    put16(out, type == 22 && p[0] == 1 ? 0x0301 : 0x0303);
    put16(out, n);
    putn(out, p, n);
}

/* An opaque record (application data, or encrypted handshake) of n body bytes. */
static void opaque(rb *out, unsigned type, uint32_t n)
{
    put8(out, type);
    put16(out, 0x0303);
    put16(out, n);
    for (uint32_t i = 0; i < n; i++)
        put8(out, (i * 37 + 11) & 0xff);
}

static void send_rb(sy_conn *c, int dir, uint64_t ts, const rb *r)
{
    sy_sendn(c, dir, ts, r->b, r->n);
}

/* The client's or server's first flight as one segment. */
static void send_ch(sy_conn *c, uint64_t ts, const char *sni, const uint8_t *sid, int sidlen)
{
    rb m = {.n = 0}, r = {.n = 0};
    client_hello_msg(&m, sni, sid, sidlen);
    record(&r, 22, m.b, m.n);
    send_rb(c, 0, ts, &r);
}

static void send_records(sy_conn *c, int dir, uint64_t ts, unsigned type, uint32_t len)
{
    rb r = {.n = 0};
    opaque(&r, type, len);
    send_rb(c, dir, ts, &r);
}

static const cap_endpoint *endpoint(const cap_engine *e)
{
    return e->endpoints;
}

/* ---- scenarios ---- */

/* TLS 1.3, full handshake, keep-alive: two transactions and every time stamp. */
static void test_tls13(void)
{
    sy_trace t = {.dlt = DLT_EN10MB};
    sy_conn c;
    got g;
    sy_conn_init(&c, &t, 0, 40000, 8443);
    sy_handshake(&c, T0, 20 * US);
    send_ch(&c, T0 + 100 * US, "example.test", NULL, 0);
    rb sf = {.n = 0}, m = {.n = 0};
    server_hello_msg(&m, 0x0304, 0, NULL, 0, 0);
    record(&sf, 22, m.b, m.n);
    opaque(&sf, 20, 1);        /* ChangeCipherSpec (compatibility) */
    opaque(&sf, 23, 30);       /* EncryptedExtensions */
    opaque(&sf, 23, 500);      /* Certificate */
    opaque(&sf, 23, 80);       /* CertificateVerify */
    opaque(&sf, 23, 53);       /* Finished */
    send_rb(&c, 1, T0 + 300 * US, &sf);
    rb cf = {.n = 0};
    opaque(&cf, 20, 1);
    opaque(&cf, 23, 53);       /* the client's Finished: not data */
    send_rb(&c, 0, T0 + 500 * US, &cf);
    send_records(&c, 0, T0 + 520 * US, 23, 100);    /* request 1 */
    send_records(&c, 1, T0 + 600 * US, 23, 250);    /* a session ticket, taken for data */
    send_records(&c, 1, T0 + 700 * US, 23, 200);    /* response 1 ... */
    send_records(&c, 1, T0 + 710 * US, 23, 300);    /* ... in two records */
    send_records(&c, 0, T0 + 1 * MS, 23, 90);       /* request 2 */
    send_records(&c, 1, T0 + 1300 * US, 23, 120);   /* response 2 */
    sy_fin(&c, 0, T0 + 2 * MS);
    sy_fin(&c, 1, T0 + 2 * MS + 10 * US);
    cap_engine *e = run(&t, &g);
    CHECK_INT(g.n, 2);
    CHECK_INT(g.tx[0].t_req_first, T0 + 520 * US);
    CHECK_INT(g.tx[0].t_req_last, T0 + 520 * US);
    CHECK_INT(g.tx[0].t_resp_first, T0 + 600 * US);
    CHECK_INT(g.tx[0].t_resp_last, T0 + 710 * US);
    CHECK_INT(g.tx[0].req_bytes, 105);
    CHECK_INT(g.tx[0].resp_bytes, 255 + 205 + 305);
    CHECK_INT(g.tx[0].flags, CAP_TX_TLS);
    CHECK_INT(g.tx[0].method, -1);
    CHECK_INT(g.tx[0].status, 0);
    CHECK_INT(g.tx[1].t_req_first, T0 + 1 * MS);
    CHECK_INT(g.tx[1].t_resp_first, T0 + 1300 * US);
    CHECK_INT(g.tx[1].t_resp_last, T0 + 1300 * US);
    CHECK_INT(g.tx[1].flags, CAP_TX_TLS);
    CHECK_STR(g.sni[0], "example.test");
    CHECK_INT(g.version[0], 0x0304);
    const cap_endpoint *ep = endpoint(e);
    CHECK_INT(ep->requests, 2);
    CHECK_INT(ep->tls_flows, 1);
    CHECK_INT(ep->tls_handshakes, 1);
    CHECK_INT(ep->tls_resumed, 0);
    CHECK_INT(ep->tls_versions[3], 1);
    CHECK_INT(rg_hist_max(ep->tls_handshake), 420);   /* CH 100 us -> first data 520 us */
    CHECK_INT(rg_hist_max(ep->latency), 300);         /* request 2: 1000 -> 1300 us */
    CHECK_INT(rg_hist_min(ep->latency), 190);         /* request 1: 520 -> 710 us */
    CHECK_INT(e->st.tls_handshakes, 1);
    CHECK_INT(e->st.tls_records, 15);
    cap_engine_free(e);
    sy_free(&t);
}

/* Resumption: TLS 1.3 by the pre_shared_key extension, TLS 1.2 by the echoed session id. */
static void resumed_flow(sy_trace *t, uint16_t port, uint64_t t0, unsigned version, int resume)
{
    sy_conn c;
    uint8_t sid[32];
    memset(sid, 0x5a, sizeof sid);
    sy_conn_init(&c, t, 0, port, 443);
    sy_handshake(&c, t0, 20 * US);
    send_ch(&c, t0 + 100 * US, "h.test", sid, 32);
    rb sf = {.n = 0}, m = {.n = 0};
    uint8_t other[32] = {1};
    server_hello_msg(&m, version, version == 0x0304 && resume, resume ? sid : other, 32, 0);
    record(&sf, 22, m.b, m.n);
    if (version == 0x0304) {
        opaque(&sf, 23, 30);
        opaque(&sf, 23, 53);
    } else {
        opaque(&sf, 20, 1);    /* abbreviated: CCS and the encrypted Finished */
        opaque(&sf, 22, 40);
    }
    send_rb(&c, 1, t0 + 200 * US, &sf);
    rb cf = {.n = 0};
    opaque(&cf, 20, 1);
    opaque(&cf, version == 0x0304 ? 23 : 22, version == 0x0304 ? 53 : 40);
    send_rb(&c, 0, t0 + 300 * US, &cf);
    send_records(&c, 0, t0 + 320 * US, 23, 100);
    send_records(&c, 1, t0 + 400 * US, 23, 200);
    sy_fin(&c, 0, t0 + 500 * US);
    sy_fin(&c, 1, t0 + 510 * US);
}

static void test_resumption(void)
{
    sy_trace t = {.dlt = DLT_EN10MB};
    got g;
    resumed_flow(&t, 40001, T0, 0x0304, 1);
    resumed_flow(&t, 40002, T0 + 1 * MS, 0x0304, 0);
    resumed_flow(&t, 40003, T0 + 2 * MS, 0x0303, 1);
    resumed_flow(&t, 40004, T0 + 3 * MS, 0x0303, 0);
    cap_engine *e = run(&t, &g);
    const cap_endpoint *ep = endpoint(e);
    CHECK_INT(g.n, 4);
    CHECK_INT(ep->tls_handshakes, 4);
    CHECK_INT(ep->tls_resumed, 2);
    CHECK_INT(ep->tls_versions[2], 2);
    CHECK_INT(ep->tls_versions[3], 2);
    for (int i = 0; i < g.n; i++) {
        CHECK_INT(g.tx[i].t_resp_first - g.tx[i].t_req_first, 80 * US);
        CHECK_INT(g.tx[i].flags, CAP_TX_TLS);
    }
    CHECK_INT(rg_hist_min(ep->tls_handshake), 220);   /* both versions: CH -> data */
    CHECK_INT(rg_hist_max(ep->tls_handshake), 220);
    cap_engine_free(e);
    sy_free(&t);
}

/* Splits: a record header across segments, a ClientHello across two records and four
 * segments; the HelloRetryRequest round; the ServerHello after it gives the version. */
static void test_splits_and_hrr(void)
{
    sy_trace t = {.dlt = DLT_EN10MB};
    sy_conn c;
    got g;
    sy_conn_init(&c, &t, 0, 40010, 443);
    sy_handshake(&c, T0, 20 * US);
    rb m = {.n = 0}, r = {.n = 0};
    client_hello_msg(&m, "split.example", NULL, 0);
    uint32_t half = m.n / 2;
    record(&r, 22, m.b, half);                /* the hello in two records */
    record(&r, 22, m.b + half, m.n - half);
    uint32_t cuts[] = {3, 20, r.n - 10, r.n};   /* the header split; the second record too */
    uint32_t from = 0;
    for (int i = 0; i < 4; i++) {
        sy_sendn(&c, 0, T0 + (uint64_t)(100 + i) * US, r.b + from, cuts[i] - from);
        from = cuts[i];
    }
    rb h = {.n = 0}, hr = {.n = 0};
    server_hello_msg(&h, 0x0304, 0, NULL, 0, 1);   /* HelloRetryRequest */
    record(&hr, 22, h.b, h.n);
    send_rb(&c, 1, T0 + 200 * US, &hr);
    send_ch(&c, T0 + 300 * US, "split.example", NULL, 0);
    rb sh = {.n = 0}, sr = {.n = 0};
    server_hello_msg(&sh, 0x0304, 0, NULL, 0, 0);
    record(&sr, 22, sh.b, sh.n);
    opaque(&sr, 23, 100);
    send_rb(&c, 1, T0 + 400 * US, &sr);
    send_records(&c, 0, T0 + 500 * US, 23, 53);    /* Finished */
    send_records(&c, 0, T0 + 510 * US, 23, 80);    /* request */
    send_records(&c, 1, T0 + 600 * US, 23, 80);
    sy_fin(&c, 0, T0 + 700 * US);
    sy_fin(&c, 1, T0 + 710 * US);
    cap_engine *e = run(&t, &g);
    CHECK_INT(g.n, 1);
    CHECK_STR(g.sni[0], "split.example");
    CHECK_INT(g.version[0], 0x0304);
    CHECK_INT(g.tx[0].t_req_first, T0 + 510 * US);
    CHECK_INT(rg_hist_max(endpoint(e)->tls_handshake), 410);   /* first CH byte at 100 us */
    cap_engine_free(e);
    sy_free(&t);
}

/* Alerts and key updates are not requests; a request without an answer is unmatched. */
static void test_alerts_unmatched(void)
{
    sy_trace t = {.dlt = DLT_EN10MB};
    sy_conn c;
    got g;
    sy_conn_init(&c, &t, 0, 40020, 443);
    sy_handshake(&c, T0, 20 * US);
    send_ch(&c, T0 + 100 * US, NULL, NULL, 0);
    rb m = {.n = 0}, r = {.n = 0};
    server_hello_msg(&m, 0x0303, 0, NULL, 0, 0);
    record(&r, 22, m.b, m.n);
    send_rb(&c, 1, T0 + 200 * US, &r);
    send_records(&c, 0, T0 + 300 * US, 23, 60);   /* TLS 1.2: already data */
    send_records(&c, 1, T0 + 400 * US, 23, 60);
    send_records(&c, 0, T0 + 500 * US, 23, 19);   /* a TLS 1.3-sized encrypted alert */
    send_records(&c, 0, T0 + 510 * US, 21, 2);    /* a TLS 1.2 alert */
    send_records(&c, 0, T0 + 600 * US, 23, 70);   /* a request never answered */
    sy_fin(&c, 0, T0 + 700 * US);
    sy_fin(&c, 1, T0 + 710 * US);
    cap_engine *e = run(&t, &g);
    CHECK_INT(g.n, 2);
    CHECK_INT(g.tx[0].t_resp_last, T0 + 400 * US);
    CHECK_INT(g.tx[0].flags, CAP_TX_TLS);
    CHECK_INT(g.tx[1].t_req_first, T0 + 600 * US);
    CHECK_INT(g.tx[1].flags, CAP_TX_TLS | CAP_TX_UNMATCHED);
    CHECK_INT(endpoint(e)->requests, 1);
    CHECK_INT(endpoint(e)->unmatched, 1);
    CHECK_INT(endpoint(e)->tls_sni_none, 1);
    CHECK_INT(endpoint(e)->tls_versions[2], 1);
    cap_engine_free(e);
    sy_free(&t);
}

/* A handshake that never carries data is incomplete; 0-RTT data ends the handshake early. */
static void test_incomplete_and_early_data(void)
{
    sy_trace t = {.dlt = DLT_EN10MB};
    sy_conn c, d;
    got g;
    sy_conn_init(&c, &t, 0, 40030, 443);
    sy_handshake(&c, T0, 20 * US);
    send_ch(&c, T0 + 100 * US, "a.test", NULL, 0);
    send_records(&c, 1, T0 + 200 * US, 21, 2);    /* handshake_failure */
    sy_fin(&c, 1, T0 + 300 * US);
    sy_fin(&c, 0, T0 + 310 * US);
    sy_conn_init(&d, &t, 0, 40031, 443);
    sy_handshake(&d, T0 + 1 * MS, 20 * US);
    send_ch(&d, T0 + 1 * MS + 100 * US, "a.test", NULL, 0);
    send_records(&d, 0, T0 + 1 * MS + 101 * US, 23, 80);   /* early data */
    rb m = {.n = 0}, r = {.n = 0};
    server_hello_msg(&m, 0x0304, 1, NULL, 0, 0);
    record(&r, 22, m.b, m.n);
    opaque(&r, 23, 40);
    send_rb(&d, 1, T0 + 1 * MS + 200 * US, &r);
    send_records(&d, 0, T0 + 1 * MS + 300 * US, 23, 53);   /* Finished */
    send_records(&d, 1, T0 + 1 * MS + 400 * US, 23, 90);   /* the response */
    sy_fin(&d, 0, T0 + 2 * MS);
    sy_fin(&d, 1, T0 + 2 * MS + 10 * US);
    cap_engine *e = run(&t, &g);
    const cap_endpoint *ep = endpoint(e);
    CHECK_INT(ep->tls_incomplete, 1);
    CHECK_INT(ep->tls_handshakes, 1);
    CHECK_INT(ep->tls_resumed, 1);
    CHECK_INT(rg_hist_max(ep->tls_handshake), 1);
    CHECK_INT(g.n, 1);
    CHECK_INT(g.tx[0].t_req_first, T0 + 1 * MS + 101 * US);
    CHECK_INT(g.tx[0].t_resp_first, T0 + 1 * MS + 400 * US);
    cap_engine_free(e);
    sy_free(&t);
}

/* Joined mid-stream: no handshake; framing found at a segment that starts a record; a
 * missing server segment makes a gap, and the next record resynchronizes. */
static void test_midstream_gap(void)
{
    sy_trace t = {.dlt = DLT_EN10MB};
    sy_conn c;
    got g;
    sy_conn_init(&c, &t, 0, 40040, 443);
    uint8_t junk[40];
    memset(junk, 0x99, sizeof junk);
    sy_sendn(&c, 1, T0, junk, sizeof junk);             /* the tail of a record: skipped */
    send_records(&c, 0, T0 + 100 * US, 23, 100);
    send_records(&c, 1, T0 + 200 * US, 23, 100);
    send_records(&c, 0, T0 + 300 * US, 23, 100);
    c.sseq += 105;                                      /* a server record the capture lost */
    send_records(&c, 1, T0 + 450 * US, 23, 100);
    send_records(&c, 0, T0 + 500 * US, 23, 100);
    send_records(&c, 1, T0 + 600 * US, 23, 100);
    sy_fin(&c, 0, T0 + 700 * US);
    sy_fin(&c, 1, T0 + 710 * US);
    cap_engine *e = run(&t, &g);
    /* The reassembler holds the server's records after the hole until the flow ends, so the
     * client's second burst joins the second transaction, which the gap then flags. */
    CHECK_INT(g.n, 2);
    CHECK_INT(g.tx[0].flags, CAP_TX_TLS | CAP_TX_MIDSTREAM);
    CHECK_INT(g.tx[0].t_resp_first, T0 + 200 * US);
    CHECK_INT(g.tx[1].t_req_first, T0 + 300 * US);
    CHECK_INT(g.tx[1].t_req_last, T0 + 500 * US);
    CHECK(g.tx[1].flags & CAP_TX_GAP);
    CHECK_INT(g.tx[1].t_resp_last, T0 + 600 * US);     /* framing found again after the gap */
    const cap_endpoint *ep = endpoint(e);
    CHECK_INT(ep->tls_handshakes, 0);
    CHECK_INT(ep->requests, 2);
    CHECK_INT(rg_hist_count(ep->latency), 1);           /* the gap is not in the histogram */
    cap_engine_free(e);
    sy_free(&t);
}

/* Plain HTTP on the same engine is still HTTP: nothing TLS about it. */
static void test_http_untouched(void)
{
    sy_trace t = {.dlt = DLT_EN10MB};
    sy_conn c;
    got g;
    sy_conn_init(&c, &t, 0, 40050, 80);
    sy_handshake(&c, T0, 20 * US);
    sy_send(&c, 0, T0 + 100 * US, "GET / HTTP/1.1\r\nHost: h\r\n\r\n");
    sy_send(&c, 1, T0 + 200 * US, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    sy_fin(&c, 0, T0 + 300 * US);
    sy_fin(&c, 1, T0 + 310 * US);
    cap_engine *e = run(&t, &g);
    CHECK_INT(g.n, 1);
    CHECK_INT(g.tx[0].status, 200);
    CHECK_INT(g.tx[0].flags, 0);
    CHECK_INT(e->st.tls_flows, 0);
    cap_engine_free(e);
    sy_free(&t);
}

/* The hello parser on malformed input: -1 and nothing read past the message. */
static void test_hello_parser(void)
{
    rb m = {.n = 0};
    char longname[300];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    client_hello_msg(&m, longname, NULL, 0);
    cap_tls_hello h;
    cap_buf all = {m.b + 4, m.n - 4};
    CHECK_INT(cap_tls_parse_hello(&all, 1, &h), 0);
    CHECK_INT(h.sni_len, CAP_HOST_MAX - 1);
    for (uint32_t cut = 0; cut < all.len; cut++) {   /* every prefix, copied to its own size */
        uint8_t *copy = malloc(cut ? cut : 1);
        memcpy(copy, all.p, cut);
        cap_buf b = {copy, cut};
        cap_tls_parse_hello(&b, 1, &h);
        cap_tls_parse_hello(&b, 2, &h);
        free(copy);
    }
    uint8_t bad_sid[40] = {3, 3};
    bad_sid[34] = 33;                                  /* session id longer than 32 */
    cap_buf b = {bad_sid, sizeof bad_sid};
    CHECK_INT(cap_tls_parse_hello(&b, 1, &h), -1);
    rb s = {.n = 0};
    server_hello_msg(&s, 0x0304, 1, NULL, 0, 0);
    s.b[s.n - 4] = 0x01;                               /* an extension length past the end */
    cap_buf sb = {s.b + 4, s.n - 4};
    CHECK_INT(cap_tls_parse_hello(&sb, 2, &h), -1);
    CHECK_STR(cap_tls_version_name(0x0304), "TLSv1.3");
    CHECK(cap_tls_version_name(0x0305) == NULL);
}

/* The log line of a TLS transaction equals jansson's serialization; the run is https. */
static void test_log_and_run(void)
{
    sy_trace t = {.dlt = DLT_EN10MB};
    got g;
    resumed_flow(&t, 40060, T0, 0x0304, 1);
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    cap_log *l = cap_log_new(fp);
    char err[RG_ERRLEN];
    cap_config cfg;
    cap_config_default(&cfg);
    cap_engine *e = cap_engine_new(&cfg, t.dlt, err);
    e->sink = cap_log_tx;
    e->sink_ctx = l;
    for (int i = 0; i < t.n - 2; i++)
        cap_engine_packet(e, t.f[i].ts, t.f[i].data, t.f[i].caplen, t.f[i].len);
    /* before the FINs: the flow is alive, so serialize its transaction both ways */
    cap_flow *f = e->lru_head;
    cap_tx tx = f->tls->tx;
    json_t *o = cap_tx_json(f, &tx);
    char *want = json_dumps(o, JSON_COMPACT);
    cap_log_tx(l, f, &tx);
    fflush(fp);
    CHECK_MSG(len > 0 && strncmp(buf, want, len - 1) == 0 && strlen(want) == len - 1,
              "\n#   got  %s#   want %s", buf, want);
    CHECK_HAS(want, "\"flags\":[\"tls\"],\"tls\":{\"version\":\"TLSv1.3\",\"sni\":\"h.test\","
                    "\"resumed\":true,\"t_client_hello\":1700000000000100000");
    free(want);
    json_decref(o);
    for (int i = t.n - 2; i < t.n; i++)
        cap_engine_packet(e, t.f[i].ts, t.f[i].data, t.f[i].caplen, t.f[i].len);
    cap_engine_finish(e);
    cap_log_free(l);
    fclose(fp);
    free(buf);
    json_t *ds = rg_dataset_new("t", 0, NULL);
    json_t *runs = cap_runs_json(e, ds, NULL, 1);
    json_t *r = json_array_get(runs, 0);
    CHECK_STR(json_string_value(json_object_get(r, "url")), "https://127.0.0.1:443");
    CHECK_INT(rg_json_num(r, "tls_handshakes", -1), 1);
    CHECK_INT(rg_json_path_num(r, "tls_handshake.max", -1), 220);
    CHECK_INT(rg_json_path_num(r, "tls.resumed", -1), 1);
    CHECK_INT(rg_json_path_num(r, "tls.sni.h", -1), -1);   /* "h.test" has a dot: below */
    CHECK_INT(rg_json_num(json_object_get(json_object_get(r, "tls"), "sni"), "h.test", -1), 1);
    CHECK_STR(json_string_value(json_object_get(json_object_get(r, "tls"), "timing")), "records");
    rg_dataset_append_run(ds, json_incref(r));
    CHECK_MSG(rg_dataset_validate(ds, err) == 0, "%s", err);
    json_t *w = cap_wire_json(e);
    CHECK_INT(rg_json_num(w, "tls_handshakes", -1), 1);
    json_decref(w);
    json_decref(runs);
    json_decref(ds);
    cap_engine_free(e);
    sy_free(&t);
    (void)g;
}

int main(void)
{
    RUN(test_tls13);
    RUN(test_resumption);
    RUN(test_splits_and_hrr);
    RUN(test_alerts_unmatched);
    RUN(test_incomplete_and_early_data);
    RUN(test_midstream_gap);
    RUN(test_http_untouched);
    RUN(test_hello_parser);
    RUN(test_log_and_run);
    return unit_done();
}
