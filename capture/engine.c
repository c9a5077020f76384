/*
 * capture/engine.c — the per-packet entry point of the capture engine, its counters, and the
 * aggregation of transactions per server endpoint.
 *
 * Design: cap_engine_packet decodes a frame (decode.c), finds or creates its flow (flow.c),
 * and hands the segment to the reassembler (tcp.c), which feeds http.c, which calls
 * cap_engine_emit for every finished transaction. emit folds a matched transaction into its
 * server endpoint's histograms (microseconds, as every rigor latency) and passes it to the
 * sink (the JSON Lines log) if there is one. Flows are created only by a SYN or a segment
 * with data, so stray ACKs after a close do not resurrect them. A bare SYN on a tuple whose
 * flow already carried another connection (port reuse) closes the old flow first.
 *
 * Expected load: every packet; allocation only for new endpoints and new flows beyond the
 * recycled ones.
 */
#include <stdlib.h>
#include <string.h>
#include "core/clock.h"
#include "core/err.h"
#include "core/units.h"
#include "capture/capture_int.h"

#define MAX_ENDPOINTS 4096

void cap_config_default(cap_config *cfg)
{
    cfg->max_flows = 65536;
    cfg->idle_ns = UINT64_C(120) * 1000000000u;
    cfg->ooo_max_segs = 64;
    cfg->ooo_max_bytes = 1u << 20;
    cfg->parser_only = 0;
}

cap_engine *cap_engine_new(const cap_config *cfg, int dlt, char *err)
{
    cap_engine *e = calloc(1, sizeof *e);
    if (e == NULL) {
        rg_err_set(err, "out of memory");
        return NULL;
    }
    e->cfg = *cfg;
    cap_http_fast_init();
    atomic_init(&e->win_start, 0);
    atomic_init(&e->win_end, UINT64_MAX);
    if (e->cfg.max_flows == 0)
        e->cfg.max_flows = 1;
    e->dlt = dlt;
    if (cap_flows_init(e, err) != 0) {
        free(e);
        return NULL;
    }
    return e;
}

static void endpoint_free(cap_endpoint *ep)
{
    rg_hist_free(ep->latency);
    rg_hist_free(ep->ttfb);
    rg_hist_free(ep->server_time);
    rg_hist_free(ep->handshake);
    rg_hist_free(ep->tls_handshake);
    free(ep);
}

void cap_engine_free(cap_engine *e)
{
    if (e == NULL)
        return;
    cap_flows_free(e);
    while (e->endpoints != NULL) {
        cap_endpoint *ep = e->endpoints;
        e->endpoints = ep->next;
        endpoint_free(ep);
    }
    free(e);
}

cap_endpoint *cap_engine_endpoint(cap_engine *e, const uint8_t addr[16], uint16_t port, int v6)
{
    for (cap_endpoint *ep = e->endpoints; ep != NULL; ep = ep->next) {
        if (ep->port == port && memcmp(ep->addr, addr, 16) == 0)
            return ep;
    }
    if (e->nendpoints >= MAX_ENDPOINTS)
        return NULL;
    char err[RG_ERRLEN];
    cap_endpoint *ep = calloc(1, sizeof *ep);
    if (ep == NULL)
        return NULL;
    ep->latency = rg_hist_new(RG_HIST_DEFAULT_HIGHEST, RG_HIST_DEFAULT_SIGFIGS, err);
    ep->ttfb = rg_hist_new(RG_HIST_DEFAULT_HIGHEST, RG_HIST_DEFAULT_SIGFIGS, err);
    ep->server_time = rg_hist_new(RG_HIST_DEFAULT_HIGHEST, RG_HIST_DEFAULT_SIGFIGS, err);
    ep->handshake = rg_hist_new(RG_HIST_DEFAULT_HIGHEST, RG_HIST_DEFAULT_SIGFIGS, err);
    ep->tls_handshake = rg_hist_new(RG_HIST_DEFAULT_HIGHEST, RG_HIST_DEFAULT_SIGFIGS, err);
    if (!ep->latency || !ep->ttfb || !ep->server_time || !ep->handshake || !ep->tls_handshake) {
        endpoint_free(ep);
        return NULL;
    }
    memcpy(ep->addr, addr, 16);
    ep->port = port;
    ep->v6 = (uint8_t)v6;
    /* Append, so endpoints (and dataset runs) come in order of first appearance. */
    cap_endpoint **tail = &e->endpoints;
    while (*tail != NULL)
        tail = &(*tail)->next;
    *tail = ep;
    e->nendpoints++;
    return ep;
}

/*
 * Fold a matched transaction into its endpoint. It counts as a request whatever its flags
 * (the client did get its response), but its times enter the histograms only when no byte
 * of it is missing: after a gap the first or last byte's time is not known.
 */
static void aggregate(cap_endpoint *ep, const cap_tx *t)
{
    ep->requests++;
    if (t->status < 600)
        ep->status[t->status]++;
    if (t->status >= 400)
        ep->status_err++;
    ep->bytes_out += t->req_bytes;
    ep->bytes_in += t->resp_bytes;
    if (t->flags & (CAP_TX_GAP | CAP_TX_TRUNCATED))
        return;
    rg_hist_record(ep->latency, rg_ns_to_us(t->t_resp_last - t->t_req_first));
    if (t->t_resp_first >= t->t_req_first)
        rg_hist_record(ep->ttfb, rg_ns_to_us(t->t_resp_first - t->t_req_first));
    if (t->t_req_last != 0 && t->t_resp_first >= t->t_req_last)
        rg_hist_record(ep->server_time, rg_ns_to_us(t->t_resp_first - t->t_req_last));
    if (ep->first_ns == 0 || t->t_req_first < ep->first_ns)
        ep->first_ns = t->t_req_first;
    if (t->t_resp_last > ep->last_ns)
        ep->last_ns = t->t_resp_last;
}

void cap_engine_emit(cap_engine *e, cap_flow *f, cap_tx *tx)
{
    cap_endpoint *ep = f->ep;
    e->st.tx++;
    if (tx->flags & CAP_TX_UNMATCHED) {
        e->st.unmatched++;
        if (ep) ep->unmatched++;
    }
    if ((tx->flags & CAP_TX_TRUNCATED) && ep)
        ep->truncated++;
    int matched = tx->t_req_first != 0 && tx->t_resp_last != 0 &&
                  tx->t_resp_last >= tx->t_req_first && !(tx->flags & CAP_TX_UNMATCHED);
    if (matched && !cap_in_window(e, tx->t_resp_last)) {
        if (e->sink)   /* outside the measured window: logged, not counted */
            e->sink(e->sink_ctx, f, tx);
        return;
    }
    if (matched) {
        e->st.complete++;
        if (ep)
            aggregate(ep, tx);
    }
    if (e->sink)
        e->sink(e->sink_ctx, f, tx);
}

static void count_decode(cap_engine *e, int r)
{
    switch (r) {
    case CAP_DEC_OTHER: e->st.other++; break;
    case CAP_DEC_FRAG: e->st.frags++; break;
    case CAP_DEC_TRUNC: e->st.truncated++; break;
    case CAP_DEC_BAD: e->st.malformed++; break;
    default: e->st.unsupported++; break;
    }
}

void cap_engine_packet(cap_engine *e, uint64_t ts, const uint8_t *data, uint32_t caplen,
                       uint32_t wirelen)
{
    cap_pkt pkt;
    e->st.packets++;
    e->st.bytes += wirelen;
    if (e->st.first_ns == 0)
        e->st.first_ns = ts;
    if (ts > e->st.last_ns)
        e->st.last_ns = ts;
    e->now = ts;
    if (e->lru_tail != NULL && e->lru_tail->last_ts + e->cfg.idle_ns < ts)
        cap_flow_expire(e, ts);
    int r = cap_decode(e->dlt, data, caplen, &pkt);
    if (r != CAP_DEC_TCP) {
        count_decode(e, r);
        return;
    }
    e->st.tcp++;
    if (pkt.caplen < pkt.len)
        e->st.truncated++;
    pkt.ts = ts;
    int d, create = (pkt.flags & CAP_TH_SYN) || pkt.len > 0;
    cap_flow *f = cap_flow_lookup(e, &pkt, create, &d);
    if (f == NULL)
        return;
    if ((pkt.flags & (CAP_TH_SYN | CAP_TH_ACK)) == CAP_TH_SYN &&
        (d != 0 || f->q_count > 0 || !f->dir[0].synced || f->dir[0].next_seq != pkt.seq + 1) &&
        (f->dir[0].synced || f->dir[1].synced)) {
        cap_flow_close(e, f);              /* a new connection on a reused tuple */
        f = cap_flow_lookup(e, &pkt, 1, &d);
        if (f == NULL)
            return;
    }
    cap_flow_touch(e, f, ts);
    cap_tcp_segment(e, f, d, &pkt);
    if ((pkt.flags & CAP_TH_RST) || (f->dir[0].fin && f->dir[1].fin))
        cap_flow_close(e, f);
}

void cap_engine_finish(cap_engine *e)
{
    while (e->lru_head != NULL)
        cap_flow_close(e, e->lru_head);
}
