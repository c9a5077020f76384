/*
 * tests/unit/capture/test_capture_synth.c — the capture engine on synthesized packets: the hard cases.
 *
 * Each scenario builds a trace with tests/fixtures/capture/synth.h (time stamps chosen by
 * the test), feeds it to a cap_engine, and checks the transactions against the times and
 * sizes the scenario put on the wire. With CAP_FIXTURES_OUT=DIR the traces are also written
 * as DIR/NAME.pcap: that is how the .pcap files in tests/fixtures/capture/ were made (their golden logs
 * are checked by tests/e2e/capture_golden.sh).
 */
#include <stdlib.h>
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
    char server[64][64];
    int n;
} got;

static void sink(void *ctx, const cap_flow *f, const cap_tx *tx)
{
    got *g = ctx;
    if (g->n < 64) {
        g->tx[g->n] = *tx;
        cap_fmt_endpoint(g->server[g->n], sizeof g->server[0], f->saddr, f->sport, f->v6);
        g->n++;
    }
}

static cap_config small_cfg;

/* Run the trace through a fresh engine; returns it (caller frees) with g filled. */
static cap_engine *run(sy_trace *t, got *g, const char *name)
{
    char err[RG_ERRLEN];
    cap_config cfg;
    cap_config_default(&cfg);
    if (small_cfg.max_flows)
        cfg = small_cfg;
    memset(g, 0, sizeof *g);
    cap_engine *e = cap_engine_new(&cfg, t->dlt, err);
    e->sink = sink;
    e->sink_ctx = g;
    for (int i = 0; i < t->n; i++)
        cap_engine_packet(e, t->f[i].ts, t->f[i].data, t->f[i].caplen, t->f[i].len);
    cap_engine_finish(e);
    const char *dir = getenv("CAP_FIXTURES_OUT");
    if (dir != NULL && name != NULL) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s.pcap", dir, name);
        if (sy_write(t, path) != 0)
            printf("# cannot write %s\n", path);
    }
    return e;
}

static const char REQ[] = "GET /a HTTP/1.1\r\nHost: example.test\r\n\r\n";
static const char RESP[] = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";

/* A keep-alive connection with two transactions: every time stamp and size. */
static void test_basic(void)
{
    sy_trace t = {.dlt = DLT_EN10MB};
    sy_conn c;
    got g;
    sy_conn_init(&c, &t, 0, 40000, 8080);
    sy_handshake(&c, T0, 50 * US);
    sy_send(&c, 0, T0 + 200 * US, REQ);
    sy_send(&c, 1, T0 + 500 * US, RESP);
    sy_send(&c, 0, T0 + 1 * MS, "GET /b HTTP/1.1\r\nHost: x\r\n\r\n");
    sy_send(&c, 1, T0 + 1 * MS + 300 * US, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
    sy_fin(&c, 0, T0 + 2 * MS);
    sy_fin(&c, 1, T0 + 2 * MS + 10 * US);
    cap_engine *e = run(&t, &g, "basic");
    CHECK_INT(g.n, 2);
    CHECK_INT(g.tx[0].t_req_first, T0 + 200 * US);
    CHECK_INT(g.tx[0].t_req_last, T0 + 200 * US);
    CHECK_INT(g.tx[0].t_resp_first, T0 + 500 * US);
    CHECK_INT(g.tx[0].t_resp_last, T0 + 500 * US);
    CHECK_INT(g.tx[0].req_bytes, strlen(REQ));
    CHECK_INT(g.tx[0].resp_bytes, strlen(RESP));
    CHECK_INT(g.tx[0].status, 200);
    CHECK_INT(g.tx[0].method, HTTP_GET);
    CHECK_STR(g.tx[0].host, "example.test");
    CHECK_STR(g.tx[0].uri, "/a");
    CHECK_INT(g.tx[0].flags, 0);
    CHECK_STR(g.server[0], "127.0.0.1:8080");
    CHECK_INT(g.tx[1].status, 404);
    CHECK_STR(g.tx[1].uri, "/b");
    CHECK_INT(e->st.complete, 2);
    CHECK_INT(e->nflows, 0);                       /* both FINs closed it */
    cap_endpoint *ep = e->endpoints;
    CHECK(ep != NULL);
    if (ep) {
        CHECK_INT(ep->requests, 2);
        CHECK_INT(rg_hist_count(ep->handshake), 1);
        CHECK_INT(rg_hist_max(ep->handshake), 100);   /* SYN -> ACK: 100 us */
        CHECK_INT(rg_hist_min(ep->latency), 300);
        CHECK_INT(ep->status[404], 1);
        CHECK_INT(ep->status_err, 1);
    }
    cap_engine_free(e);
    sy_free(&t);
}

/* Three requests in one segment; responses split and merged across segments. */
static void test_pipelining(void)
{
    sy_trace t = {.dlt = DLT_EN10MB};
    sy_conn c;
    got g;
    sy_conn_init(&c, &t, 0, 40001, 8080);
    sy_handshake(&c, T0, 10 * US);
    sy_send(&c, 0, T0 + 100 * US, "GET /1 HTTP/1.1\r\nHost: h\r\n\r\n"
                                  "GET /2 HTTP/1.1\r\nHost: h\r\n\r\n"
                                  "HEAD /3 HTTP/1.1\r\nHost: h\r\n\r\n");
    sy_send(&c, 1, T0 + 200 * US, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nonHTTP/1.1 201 Created\r\nContent-Le");
    sy_send(&c, 1, T0 + 300 * US, "ngth: 3\r\n\r\ntwo");
    sy_send(&c, 1, T0 + 400 * US, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
    sy_fin(&c, 1, T0 + 500 * US);
    sy_fin(&c, 0, T0 + 510 * US);
    cap_engine *e = run(&t, &g, "pipelining");
    CHECK_INT(g.n, 3);
    CHECK_STR(g.tx[0].uri, "/1");
    CHECK_STR(g.tx[1].uri, "/2");
    CHECK_STR(g.tx[2].uri, "/3");
    CHECK_INT(g.tx[0].status, 200);
    CHECK_INT(g.tx[1].status, 201);
    CHECK_INT(g.tx[2].status, 200);
    CHECK_INT(g.tx[2].method, HTTP_HEAD);
    for (int i = 0; i < 3; i++)
        CHECK_INT(g.tx[i].t_req_first, T0 + 100 * US);
    CHECK_INT(g.tx[0].t_resp_last, T0 + 200 * US);
    CHECK_INT(g.tx[1].t_resp_first, T0 + 200 * US);
    CHECK_INT(g.tx[1].t_resp_last, T0 + 300 * US);
    CHECK_INT(g.tx[2].t_resp_first, T0 + 400 * US);  /* HEAD: no body despite its length */
    CHECK_INT(g.tx[2].t_resp_last, T0 + 400 * US);
    CHECK_INT(g.tx[0].req_bytes, 28);
    CHECK_INT(g.tx[2].req_bytes, 29);
    CHECK_INT(g.tx[0].resp_bytes, 40);
    CHECK_INT(e->st.complete, 3);
    cap_engine_free(e);
    sy_free(&t);
}

/* A response segment sent twice: the first copy's time counts, flagged retransmit. */
static void test_retransmit(void)
{
    sy_trace t = {.dlt = DLT_EN10MB};
    sy_conn c;
    got g;
    sy_conn_init(&c, &t, 0, 40002, 8080);
    sy_handshake(&c, T0, 10 * US);
    sy_send(&c, 0, T0 + 100 * US, REQ);
    uint32_t at = sy_send(&c, 1, T0 + 200 * US, "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nab");
    sy_seg(&c, 1, T0 + 900 * US, SY_ACK, at, c.cseq, "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nab", 40);
    sy_send(&c, 1, T0 + 1000 * US, "cdef");
    sy_fin(&c, 0, T0 + 2 * MS);
    sy_fin(&c, 1, T0 + 2 * MS);
    cap_engine *e = run(&t, &g, "retransmit");
    CHECK_INT(g.n, 1);
    CHECK_INT(g.tx[0].t_resp_first, T0 + 200 * US);
    CHECK_INT(g.tx[0].t_resp_last, T0 + 1000 * US);
    CHECK_INT(g.tx[0].resp_bytes, 44);
    CHECK(g.tx[0].flags & CAP_TX_RETRANSMIT);
    CHECK_INT(e->st.retransmits, 1);
    CHECK_INT(e->st.complete, 1);
    cap_engine_free(e);
    sy_free(&t);
}

/* Response in three segments arriving 1, 3, 2: complete when the hole is filled. */
static void test_reorder(void)
{
    sy_trace t = {.dlt = DLT_EN10MB};
    sy_conn c;
    got g;
    sy_conn_init(&c, &t, 0, 40003, 8080);
    sy_handshake(&c, T0, 10 * US);
    sy_send(&c, 0, T0 + 100 * US, REQ);
    const char *h = "HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\n";
    uint32_t s0 = c.sseq, hl = (uint32_t)strlen(h);
    sy_seg(&c, 1, T0 + 200 * US, SY_ACK, s0, c.cseq, h, hl);
    sy_seg(&c, 1, T0 + 300 * US, SY_ACK, s0 + hl + 4, c.cseq, "5678", 4);
    sy_seg(&c, 1, T0 + 400 * US, SY_ACK, s0 + hl, c.cseq, "1234", 4);
    c.sseq = s0 + hl + 8;
    sy_fin(&c, 0, T0 + 2 * MS);
    sy_fin(&c, 1, T0 + 2 * MS);
    cap_engine *e = run(&t, &g, "reorder");
    CHECK_INT(g.n, 1);
    CHECK_INT(g.tx[0].t_resp_last, T0 + 400 * US);
    CHECK_INT(g.tx[0].resp_bytes, hl + 8);
    CHECK_INT(g.tx[0].flags, 0);
    CHECK_INT(e->st.gaps, 0);
    CHECK_INT(e->st.complete, 1);
    cap_engine_free(e);
    sy_free(&t);
}

/* A segment lost to the capture: the transaction is flagged, the next one is intact. */
static void test_gap(void)
{
    sy_trace t = {.dlt = DLT_EN10MB};
    sy_conn c;
    got g;
    sy_conn_init(&c, &t, 0, 40004, 8080);
    sy_handshake(&c, T0, 10 * US);
    sy_send(&c, 0, T0 + 100 * US, REQ);
    sy_send(&c, 1, T0 + 200 * US, "HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\n1234");
    c.sseq += 4;                                      /* "5678" never captured */
    sy_send(&c, 0, T0 + 300 * US, "GET /next HTTP/1.1\r\nHost: example.test\r\n\r\n");
    sy_send(&c, 1, T0 + 400 * US, RESP);
    sy_fin(&c, 0, T0 + 2 * MS);
    sy_fin(&c, 1, T0 + 2 * MS);
    cap_engine *e = run(&t, &g, "gap");
    CHECK_INT(g.n, 2);
    CHECK(g.tx[0].flags & CAP_TX_GAP);
    CHECK(g.tx[0].flags & CAP_TX_TRUNCATED);
    CHECK_INT(g.tx[0].t_resp_last, 0);
    CHECK_STR(g.tx[1].uri, "/next");
    CHECK_INT(g.tx[1].status, 200);
    CHECK_INT(g.tx[1].t_resp_last, T0 + 400 * US);
    CHECK_INT(e->st.gaps, 1);
    CHECK_INT(e->st.complete, 1);
    cap_engine_free(e);
    sy_free(&t);
}

/* Capture joined in the middle of a response body. */
static void test_midstream(void)
{
    sy_trace t = {.dlt = DLT_EN10MB};
    sy_conn c;
    got g;
    sy_conn_init(&c, &t, 0, 40005, 8080);
    sy_send(&c, 1, T0 + 100 * US, "tail of an earlier body");
    sy_send(&c, 0, T0 + 200 * US, REQ);
    sy_send(&c, 1, T0 + 300 * US, RESP);
    cap_engine *e = run(&t, &g, "midstream");
    CHECK_INT(g.n, 1);
    CHECK(g.tx[0].flags & CAP_TX_MIDSTREAM);
    CHECK_INT(g.tx[0].status, 200);
    CHECK_INT(g.tx[0].t_resp_last, T0 + 300 * US);
    CHECK_STR(g.server[0], "127.0.0.1:8080");
    CHECK_INT(e->st.midstream, 1);
    CHECK_INT(e->st.complete, 1);
    cap_engine_free(e);
    sy_free(&t);
}

/* A chunked body split mid-chunk, then 100-continue, 204 and 304, and a close-delimited body. */
static void test_bodies(void)
{
    sy_trace t = {.dlt = DLT_EN10MB};
    sy_conn c;
    got g;
    sy_conn_init(&c, &t, 0, 40006, 8080);
    sy_handshake(&c, T0, 10 * US);
    sy_send(&c, 0, T0 + 100 * US, REQ);
    sy_send(&c, 1, T0 + 200 * US, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel");
    sy_send(&c, 1, T0 + 300 * US, "lo\r\n0\r\n\r\n");
    sy_send(&c, 0, T0 + 400 * US, "POST /up HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n");
    sy_send(&c, 1, T0 + 500 * US, "HTTP/1.1 100 Continue\r\n\r\n");
    sy_send(&c, 0, T0 + 600 * US, "abc");
    sy_send(&c, 1, T0 + 700 * US, "HTTP/1.1 204 No Content\r\n\r\n");
    sy_send(&c, 0, T0 + 800 * US, "GET /c HTTP/1.1\r\nHost: h\r\n\r\n");
    sy_send(&c, 1, T0 + 900 * US, "HTTP/1.1 304 Not Modified\r\nContent-Length: 99\r\n\r\n");
    sy_send(&c, 0, T0 + 1000 * US, "GET /d HTTP/1.1\r\nHost: h\r\n\r\n");
    sy_send(&c, 1, T0 + 1100 * US, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil");
    sy_send(&c, 1, T0 + 1200 * US, " the end");
    sy_fin(&c, 1, T0 + 1300 * US);
    sy_fin(&c, 0, T0 + 1400 * US);
    cap_engine *e = run(&t, &g, "bodies");
    CHECK_INT(g.n, 4);
    CHECK_INT(g.tx[0].t_resp_last, T0 + 300 * US);
    CHECK_INT(g.tx[1].method, HTTP_POST);
    CHECK_INT(g.tx[1].status, 204);
    CHECK_INT(g.tx[1].t_req_last, T0 + 600 * US);
    CHECK_INT(g.tx[1].t_resp_first, T0 + 700 * US);   /* the final response, not the 100 */
    CHECK_INT(g.tx[1].resp_bytes, 25 + 27);
    CHECK_INT(g.tx[2].status, 304);
    CHECK_INT(g.tx[2].t_resp_last, T0 + 900 * US);
    CHECK_INT(g.tx[3].status, 200);
    CHECK_INT(g.tx[3].t_resp_last, T0 + 1200 * US);   /* last data byte, not the FIN */
    for (int i = 0; i < 4; i++)
        CHECK_INT(g.tx[i].flags, 0);
    CHECK_INT(e->st.complete, 4);
    cap_engine_free(e);
    sy_free(&t);
}

/* The same exchange over every link type, IPv4 and IPv6, with VLAN tags. */
static void one_link(int dlt, int vlan, int v6, const char *name)
{
    sy_trace t = {.dlt = dlt, .vlan = vlan};
    sy_conn c;
    got g;
    sy_conn_init(&c, &t, v6, 40010, 80);
    sy_handshake(&c, T0, 10 * US);
    sy_send(&c, 0, T0 + 100 * US, REQ);
    sy_send(&c, 1, T0 + 250 * US, RESP);
    sy_fin(&c, 0, T0 + 300 * US);
    sy_fin(&c, 1, T0 + 310 * US);
    cap_engine *e = run(&t, &g, name);
    CHECK_MSG(g.n == 1 && g.tx[0].status == 200 && g.tx[0].t_resp_last == T0 + 250 * US,
              "%s: %d transactions", name, g.n);
    CHECK_MSG(g.n == 1 && strcmp(g.server[0], v6 ? "[::1]:80" : "127.0.0.1:80") == 0,
              "%s: server %s", name, g.n ? g.server[0] : "-");
    CHECK_MSG(e->st.malformed == 0 && e->st.truncated == 0 && e->st.other == 0, "%s", name);
    cap_engine_free(e);
    sy_free(&t);
}

static void test_link_types(void)
{
    one_link(DLT_EN10MB, 0, 1, "ipv6");
    one_link(DLT_EN10MB, 1, 0, "vlan");
    one_link(DLT_EN10MB, 2, 1, "qinq6");
    one_link(DLT_LINUX_SLL, 0, 0, "sll");
    one_link(DLT_LINUX_SLL2, 0, 1, "sll2");
    one_link(DLT_NULL, 0, 0, "null");
    one_link(DLT_NULL, 0, 1, "null6");
    one_link(DLT_LOOP, 0, 0, "loop");
    one_link(DLT_RAW, 0, 0, "raw");
    one_link(DLT_RAW, 0, 1, "raw6");
    one_link(DLT_IPV4, 0, 0, NULL);
    one_link(DLT_IPV6, 0, 1, NULL);
}

int main(void)
{
    RUN(test_basic);
    RUN(test_pipelining);
    RUN(test_retransmit);
    RUN(test_reorder);
    RUN(test_gap);
    RUN(test_midstream);
    RUN(test_bodies);
    RUN(test_link_types);
    return unit_done();
}
