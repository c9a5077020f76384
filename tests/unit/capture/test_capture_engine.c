/*
 * tests/unit/capture/test_capture_engine.c — the capture engine's limits and failure paths:
 * resets, unmatched requests, the flow-table bound and idle eviction, the out-of-order
 * bound, fragments, snap-length truncation, malformed headers, every prefix of a frame,
 * and the dataset runs / wire object built from an engine.
 */
#include <stdlib.h>
#include "core/err.h"
#include "tests/unit/unit.h"
#include "tests/fixtures/capture/synth.h"
#include "core/dataset.h"
#include "core/units.h"
#include "capture/capture_int.h"

#define T0 UINT64_C(1700000000000000000)
#define US 1000u

static const char REQ[] = "GET / HTTP/1.1\r\nHost: h\r\n\r\n";
static const char RESP[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

static int ntx;
static uint32_t flags_seen[32];

static void sink(void *ctx, const cap_flow *f, const cap_tx *tx)
{
    (void)ctx; (void)f;
    if (ntx < 32)
        flags_seen[ntx] = tx->flags;
    ntx++;
}

static cap_engine *feed(sy_trace *t, const cap_config *cfg)
{
    char err[RG_ERRLEN];
    cap_config def;
    cap_config_default(&def);
    cap_engine *e = cap_engine_new(cfg ? cfg : &def, t->dlt, err);
    e->sink = sink;
    ntx = 0;
    for (int i = 0; i < t->n; i++)
        cap_engine_packet(e, t->f[i].ts, t->f[i].data, t->f[i].caplen, t->f[i].len);
    return e;
}

static void test_reset_and_unmatched(void)
{
    sy_trace t = {.dlt = DLT_EN10MB};
    sy_conn c;
    sy_conn_init(&c, &t, 0, 40000, 80);
    sy_handshake(&c, T0, 10 * US);
    sy_send(&c, 0, T0 + 100 * US, REQ);
    sy_send(&c, 1, T0 + 200 * US, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nab");
    sy_seg(&c, 1, T0 + 300 * US, SY_RST, c.sseq, 0, NULL, 0);
    sy_conn_init(&c, &t, 0, 40001, 80);              /* a request never answered */
    sy_handshake(&c, T0, 10 * US);
    sy_send(&c, 0, T0 + 100 * US, REQ);
    cap_engine *e = feed(&t, NULL);
    CHECK_INT(ntx, 1);
    CHECK(flags_seen[0] & CAP_TX_TRUNCATED);
    CHECK_INT(e->nflows, 1);
    cap_engine_finish(e);
    CHECK_INT(ntx, 2);
    CHECK(flags_seen[1] & CAP_TX_UNMATCHED);
    CHECK_INT(e->st.complete, 0);
    CHECK_INT(e->st.unmatched, 1);
    cap_engine_free(e);
    sy_free(&t);
}

static void test_flow_bound_and_idle(void)
{
    sy_trace t = {.dlt = DLT_EN10MB};
    sy_conn c;
    for (int i = 0; i < 5; i++) {                     /* 5 open connections, 2 allowed */
        sy_conn_init(&c, &t, 0, (uint16_t)(41000 + i), 80);
        sy_handshake(&c, T0 + i * 1000 * US, 10 * US);
        sy_send(&c, 0, T0 + i * 1000 * US + 100 * US, REQ);
        sy_send(&c, 1, T0 + i * 1000 * US + 200 * US, RESP);
    }
    cap_config cfg;
    cap_config_default(&cfg);
    cfg.max_flows = 2;
    cap_engine *e = feed(&t, &cfg);
    CHECK_INT(e->nflows, 2);
    CHECK_INT(e->st.evicted, 3);
    CHECK_INT(e->st.complete, 5);                    /* eviction loses nothing finished */
    cap_engine_free(e);
    sy_free(&t);

    sy_conn_init(&c, &t, 0, 42000, 80);              /* idle eviction by packet time */
    sy_handshake(&c, T0, 10 * US);
    sy_send(&c, 0, T0 + 100 * US, REQ);
    sy_conn_init(&c, &t, 0, 42001, 80);
    sy_handshake(&c, T0 + UINT64_C(10) * 1000000000u, 10 * US);
    cap_config_default(&cfg);
    cfg.idle_ns = UINT64_C(5) * 1000000000u;
    e = feed(&t, &cfg);
    CHECK_INT(e->nflows, 1);
    CHECK_INT(e->st.evicted, 1);
    CHECK_INT(ntx, 1);
    CHECK(flags_seen[0] & CAP_TX_UNMATCHED);
    cap_engine_free(e);
    sy_free(&t);
}

/* A request with a hole but a complete response: a request, but no histogram entry. */
static void test_request_gap(void)
{
    sy_trace t = {.dlt = DLT_EN10MB};
    sy_conn c;
    sy_conn_init(&c, &t, 0, 40000, 80);
    sy_handshake(&c, T0, 10 * US);
    sy_send(&c, 0, T0 + 100 * US, "POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 8\r\n\r\n1234");
    c.cseq += 4;                                      /* "5678" lost to the capture */
    sy_send(&c, 1, T0 + 300 * US, RESP);
    sy_fin(&c, 0, T0 + 400 * US);
    sy_fin(&c, 1, T0 + 400 * US);
    cap_engine *e = feed(&t, NULL);
    cap_engine_finish(e);
    CHECK_INT(ntx, 1);
    CHECK(flags_seen[0] & CAP_TX_GAP);
    CHECK_INT(e->st.complete, 1);
    CHECK(e->endpoints != NULL);
    if (e->endpoints) {
        CHECK_INT(e->endpoints->requests, 1);
        CHECK_INT(rg_hist_count(e->endpoints->latency), 0);
    }
    cap_engine_free(e);
    sy_free(&t);
}

/* More out-of-order segments than the bound: the hole becomes a gap, parsing resumes. */
static void test_ooo_bound(void)
{
    sy_trace t = {.dlt = DLT_EN10MB};
    sy_conn c;
    sy_conn_init(&c, &t, 0, 40000, 80);
    sy_handshake(&c, T0, 10 * US);
    sy_send(&c, 0, T0 + 100 * US, REQ);
    c.sseq += 100;                                    /* a hole that never fills */
    for (int i = 0; i < 6; i++)
        sy_send(&c, 1, T0 + (200 + (uint64_t)i) * US, "xxxx");
    sy_send(&c, 0, T0 + 300 * US, REQ);
    sy_send(&c, 1, T0 + 400 * US, RESP);
    cap_config cfg;
    cap_config_default(&cfg);
    cfg.ooo_max_segs = 4;
    cap_engine *e = feed(&t, &cfg);
    CHECK(e->st.gaps >= 1);
    CHECK_INT(e->st.complete, 1);                     /* the second request is matched */
    cap_engine_free(e);
    sy_free(&t);
}

static void test_fragments_truncation_malformed(void)
{
    sy_trace t = {.dlt = DLT_EN10MB};
    sy_conn c;
    sy_conn_init(&c, &t, 0, 40000, 80);
    sy_handshake(&c, T0, 10 * US);
    sy_send(&c, 0, T0 + 100 * US, REQ);
    sy_send(&c, 1, T0 + 200 * US, RESP);
    sy_frame *f = &t.f[t.n - 1];
    f->caplen -= 1;                                   /* snap length cut the last byte */
    sy_send(&c, 0, T0 + 300 * US, REQ);
    t.f[t.n - 1].data[14 + 6] = 0x20;                 /* IPv4 MF flag: a fragment */
    sy_send(&c, 0, T0 + 400 * US, REQ);
    t.f[t.n - 1].data[14] = 0x43;                     /* IHL 3: malformed */
    cap_engine *e = feed(&t, NULL);
    cap_engine_finish(e);
    CHECK_INT(e->st.frags, 1);
    CHECK_INT(e->st.malformed, 1);
    CHECK_INT(e->st.truncated, 1);
    CHECK(e->st.gaps >= 1);
    CHECK_INT(e->st.complete, 0);
    CHECK(flags_seen[0] & CAP_TX_TRUNCATED);
    cap_engine_free(e);
    sy_free(&t);
}

/* Every prefix of a frame of every link type decodes without reading past its end. */
static void test_prefixes(void)
{
    static const int dlts[] = {DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_NULL, DLT_LOOP,
                               DLT_RAW};
    for (size_t k = 0; k < sizeof dlts / sizeof *dlts; k++) {
        for (int v6 = 0; v6 < 2; v6++) {
            sy_trace t = {.dlt = dlts[k], .vlan = 1};
            sy_conn c;
            sy_conn_init(&c, &t, v6, 40000, 80);
            sy_send(&c, 0, T0, REQ);
            sy_frame *f = &t.f[0];
            int tcp = 0;
            for (uint32_t n = 0; n <= f->caplen; n++) {
                uint8_t *copy = malloc(n ? n : 1);   /* exact size: ASan sees any overread */
                memcpy(copy, f->data, n);
                cap_pkt pkt;
                int r = cap_decode(t.dlt, copy, n, &pkt);
                if (r == CAP_DEC_TCP)
                    tcp++;
                CHECK_MSG(r == CAP_DEC_TCP || r == CAP_DEC_TRUNC, "dlt %d len %u: %d", t.dlt, n, r);
                free(copy);
            }
            CHECK_MSG(tcp == (int)strlen(REQ) + 1, "dlt %d v6 %d: %d prefixes decoded", t.dlt, v6, tcp);
            sy_free(&t);
        }
    }
    cap_pkt pkt;
    CHECK_INT(cap_decode(147, (const uint8_t *)"", 0, &pkt), CAP_DEC_UNSUP);
}

/* IPv4 options and IPv6 extension headers are skipped; an IPv6 fragment is flagged. */
static void test_ip_options_and_extensions(void)
{
    uint8_t f4[14 + 24 + 20 + 4], f6[14 + 40 + 8 + 8 + 16 + 20 + 4];
    cap_pkt pkt;
    memset(f4, 0, sizeof f4);
    f4[12] = 0x08;                                     /* IPv4, IHL 6: 4 bytes of options */
    f4[14] = 0x46;
    f4[16] = 0; f4[17] = 24 + 20 + 4;
    f4[14 + 9] = 6;
    f4[14 + 20] = 1; f4[14 + 21] = 1; f4[14 + 22] = 1; f4[14 + 23] = 0;   /* NOP NOP NOP EOL */
    f4[38] = 0x1f; f4[39] = 0x90;                      /* sport 8080 */
    f4[38 + 12] = 0x50;
    memcpy(f4 + 58, "GET ", 4);
    CHECK_INT(cap_decode(DLT_EN10MB, f4, sizeof f4, &pkt), CAP_DEC_TCP);
    CHECK_INT(pkt.sport, 8080);
    CHECK_INT(pkt.len, 4);
    CHECK(pkt.payload == f4 + 58);

    memset(f6, 0, sizeof f6);
    f6[12] = 0x86; f6[13] = 0xdd;
    uint8_t *ip = f6 + 14, *x = ip + 40;
    ip[0] = 0x60;
    ip[5] = 8 + 8 + 16 + 20 + 4;
    ip[6] = 0;                                         /* hop-by-hop */
    x[0] = 44; x[1] = 0;                               /* -> fragment, 8 bytes */
    x[8] = 60; x[10] = 0; x[11] = 0;                   /* atomic fragment -> dest. options */
    x[16] = 6; x[17] = 1;                              /* 16 bytes -> TCP */
    uint8_t *tcp = x + 32;
    tcp[0] = 0x9c; tcp[1] = 0x40; tcp[12] = 0x50;
    memcpy(tcp + 20, "HTTP", 4);
    CHECK_INT(cap_decode(DLT_EN10MB, f6, sizeof f6, &pkt), CAP_DEC_TCP);
    CHECK_INT(pkt.sport, 40000);
    CHECK_INT(pkt.len, 4);
    CHECK(pkt.payload == tcp + 20);
    x[11] = 1;                                         /* M set: a real fragment */
    CHECK_INT(cap_decode(DLT_EN10MB, f6, sizeof f6, &pkt), CAP_DEC_FRAG);
    x[11] = 0;
    x[16] = 17;                                        /* UDP: not ours */
    CHECK_INT(cap_decode(DLT_EN10MB, f6, sizeof f6, &pkt), CAP_DEC_OTHER);
    x[16] = 60;                                        /* endless chain of options */
    CHECK(cap_decode(DLT_EN10MB, f6, sizeof f6, &pkt) != CAP_DEC_TCP);
}

/* Runs and wire object from an engine: keys, run indexes continuing a dataset. */
static void test_runs_json(void)
{
    sy_trace t = {.dlt = DLT_EN10MB};
    sy_conn c;
    sy_conn_init(&c, &t, 0, 40000, 8080);
    sy_handshake(&c, T0, 10 * US);
    sy_send(&c, 0, T0 + 100 * US, REQ);
    sy_send(&c, 1, T0 + 600 * US, RESP);
    sy_send(&c, 0, T0 + 1000 * US, REQ);
    sy_send(&c, 1, T0 + 1300 * US, RESP);
    cap_engine *e = feed(&t, NULL);
    cap_engine_finish(e);
    json_t *ds = rg_dataset_new("t", 0, NULL);
    json_t *runs = cap_runs_json(e, ds, NULL, 1);
    CHECK_INT(json_array_size(runs), 1);
    json_t *r = json_array_get(runs, 0);
    CHECK_STR(json_string_value(json_object_get(r, "url")), "http://127.0.0.1:8080");
    CHECK_STR(json_string_value(json_object_get(r, "source")), "capture");
    CHECK_INT(json_integer_value(json_object_get(r, "requests")), 2);
    CHECK_INT(json_integer_value(json_object_get(r, "run")), 1);
    CHECK_NEAR(rg_json_path_num(r, "latency.max", -1), 500, 1);
    CHECK_NEAR(rg_json_path_num(r, "latency.min", -1), 300, 1);
    CHECK_NEAR(rg_json_num(r, "duration_s", -1), 0.0012, 1e-9);
    CHECK_NEAR(rg_json_path_num(r, "handshake_rtt.max", -1), 20, 0);
    CHECK_NEAR(rg_json_path_num(r, "status.200", -1), 2, 0);
    rg_dataset_append_run(ds, json_incref(r));
    char err[RG_ERRLEN];
    CHECK_MSG(rg_dataset_validate(ds, err) == 0, "%s", err);
    json_t *again = cap_runs_json(e, ds, NULL, 1);
    CHECK_INT(json_integer_value(json_object_get(json_array_get(again, 0), "run")), 2);
    json_t *w = cap_wire_json(e);
    CHECK_INT(json_integer_value(json_object_get(w, "requests")), 2);
    CHECK_NEAR(rg_json_num(w, "p50", -1), 300, 1);
    CHECK(json_object_get(w, "ttfb") != NULL && json_object_get(w, "drops") != NULL);
    json_decref(w);
    json_decref(again);
    json_decref(runs);
    json_decref(ds);
    cap_engine_free(e);
    sy_free(&t);
}

/* The hand-assembled log line equals jansson's serialization of the same transaction. */
static void test_log_line(void)
{
    static const char *const uris[] = {"/plain?a=1&b=2", "/q\"uote\\back", "/ctl\x01\t\n",
                                       "/utf8-\xc3\xa9\xe2\x82\xac", "/bad-\xff\xfe", ""};
    cap_flow f;
    memset(&f, 0, sizeof f);
    snprintf(f.cname, sizeof f.cname, "[::1]:40000");
    snprintf(f.sname, sizeof f.sname, "127.0.0.1:80");
    for (size_t i = 0; i < sizeof uris / sizeof *uris; i++) {
        cap_tx t;
        memset(&t, 0, sizeof t);
        t.t_req_first = 1;
        t.t_resp_last = UINT64_C(1700000000123456789);
        t.method = i % 2 ? -1 : HTTP_GET;
        t.status = i % 2 ? 0 : 503;
        t.flags = (uint32_t)i * 5u;
        t.uri_len = (uint16_t)strlen(uris[i]);
        memcpy(t.uri, uris[i], t.uri_len);
        t.host_len = (uint16_t)(i % 2 ? 0 : 7);
        memcpy(t.host, "h\"o\x7fst", 7);
        char *buf = NULL;
        size_t len = 0;
        FILE *fp = open_memstream(&buf, &len);
        cap_log *l = cap_log_new(fp);
        cap_log_tx(l, &f, &t);
        cap_log_free(l);
        fclose(fp);
        json_t *o = cap_tx_json(&f, &t);
        char *want = json_dumps(o, JSON_COMPACT);
        CHECK_MSG(len > 0 && strncmp(buf, want, len - 1) == 0 && strlen(want) == len - 1,
                  "\n#   got  %s#   want %s", buf, want);
        free(want);
        free(buf);
        json_decref(o);
    }
}

int main(void)
{
    RUN(test_log_line);
    RUN(test_reset_and_unmatched);
    RUN(test_flow_bound_and_idle);
    RUN(test_ooo_bound);
    RUN(test_request_gap);
    RUN(test_fragments_truncation_malformed);
    RUN(test_prefixes);
    RUN(test_ip_options_and_extensions);
    RUN(test_runs_json);
    return unit_done();
}
