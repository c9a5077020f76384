/*
 * capture/tcp.c — TCP stream reassembly for one direction of a flow.
 *
 * Design: each direction keeps the next sequence number it expects (RFC 9293 arithmetic,
 * modulo 2^32). A segment that starts there is handed to the HTTP layer at once, in place,
 * with its own timestamp. A segment entirely below it is a retransmission: counted, flagged,
 * and dropped, so every byte keeps the time of its first copy on the wire. A segment that
 * overlaps is trimmed to its new bytes. A segment beyond it is copied into a small sorted
 * out-of-order list, bounded in segments and bytes per direction; when the hole is filled the
 * list drains. When the bound is reached (or the flow ends with a hole), the hole becomes a
 * gap: the HTTP layer flags the message in progress and resynchronizes.
 *
 * A payload cut by the snap length is delivered up to the cut and the rest is a gap.
 * A direction first seen without its SYN (mid-stream start) synchronizes on the first
 * segment with data and is flagged. The handshake RTT is SYN -> final ACK as seen at the
 * capture point, which is one full round trip client <-> server wherever the point sits.
 *
 * Expected load: every TCP segment; allocation only for out-of-order data.
 */
#include <stdlib.h>
#include <string.h>
#include "core/clock.h"
#include "capture/capture_int.h"

static void deliver(cap_engine *e, cap_flow *f, int d, const uint8_t *data, uint32_t caplen,
                    uint32_t len, uint64_t ts)
{
    cap_dir *dir = &f->dir[d];
    dir->ts = ts;
    dir->next_seq += len;
    if (caplen > 0)
        cap_http_data(e, f, d, data, caplen);
    if (caplen < len) {
        e->st.gaps++;
        cap_http_gap(e, f, d);
    }
}

/* Deliver the part of a segment at seq that lies at or beyond next_seq. */
static void deliver_new(cap_engine *e, cap_flow *f, int d, uint32_t seq, const uint8_t *data,
                        uint32_t caplen, uint32_t len, uint64_t ts)
{
    cap_dir *dir = &f->dir[d];
    uint32_t trim = dir->next_seq - seq;   /* 0 <= trim < len, checked by the caller */
    if (trim > 0 && cap_in_window(e, ts)) {
        e->st.retransmits++;
        if (f->ep) f->ep->retransmits++;
    }
    if (trim > 0) {
        cap_http_flag(f, d, CAP_TX_RETRANSMIT);
    }
    uint32_t cl = caplen > trim ? caplen - trim : 0;
    deliver(e, f, d, data + (caplen > trim ? trim : caplen), cl, len - trim, ts);
}

static void check_fin(cap_engine *e, cap_flow *f, int d)
{
    cap_dir *dir = &f->dir[d];
    if (dir->fin_pending && !dir->fin && dir->fin_seq == dir->next_seq) {
        dir->fin = 1;
        cap_http_eof(e, f, d);
    }
}

/*
 * Hand over buffered segments that have become in order. Their bytes reach the receiver
 * only now, so they are delivered at the later of their own time and `now` (the time of the
 * segment that filled the hole): a reordered message completes when the client could read it.
 */
static void drain(cap_engine *e, cap_flow *f, int d, uint64_t now)
{
    cap_dir *dir = &f->dir[d];
    while (dir->ooo != NULL && SEQ_LEQ(dir->ooo->seq, dir->next_seq)) {
        cap_seg *s = dir->ooo;
        dir->ooo = s->next;
        dir->ooo_count--;
        dir->ooo_bytes -= s->len;
        if (SEQ_GT(s->seq + s->len, dir->next_seq))
            deliver_new(e, f, d, s->seq, s->data, s->len, s->len, s->ts > now ? s->ts : now);
        else {
            e->st.retransmits++;
            if (f->ep) f->ep->retransmits++;
        }
        free(s);
    }
    check_fin(e, f, d);
}

void cap_tcp_flush(cap_engine *e, cap_flow *f, int d)
{
    cap_dir *dir = &f->dir[d];
    drain(e, f, d, 0);
    while (dir->ooo != NULL) {
        e->st.gaps++;
        cap_http_gap(e, f, d);
        dir->next_seq = dir->ooo->seq;
        drain(e, f, d, 0);
    }
    if (dir->fin_pending && !dir->fin && dir->fin_seq != dir->next_seq) {
        e->st.gaps++;
        cap_http_gap(e, f, d);
        dir->next_seq = dir->fin_seq;
        check_fin(e, f, d);
    }
}

int cap_tcp_acked_hole(const cap_dir *dir)
{
    if (!dir->synced || !dir->peer_ack_valid)
        return 0;
    uint32_t a = dir->peer_ack;
    if (dir->fin_pending && a == dir->fin_seq + 1)
        a--;                               /* the FIN takes a sequence number, not a byte */
    return SEQ_GT(a, dir->next_seq);
}

void cap_tcp_free_dir(cap_dir *dir)
{
    while (dir->ooo != NULL) {
        cap_seg *s = dir->ooo;
        dir->ooo = s->next;
        free(s);
    }
    dir->ooo_count = dir->ooo_bytes = 0;
}

/* Keep a segment that arrived ahead of a hole; duplicates keep the first copy. */
static void store(cap_engine *e, cap_flow *f, int d, const cap_pkt *p, uint32_t caplen)
{
    cap_dir *dir = &f->dir[d];
    if (dir->ooo_count >= e->cfg.ooo_max_segs || dir->ooo_bytes + caplen > e->cfg.ooo_max_bytes) {
        cap_tcp_flush(e, f, d);            /* out of room: the holes become gaps */
        if (SEQ_GT(p->seq, dir->next_seq)) {
            e->st.gaps++;
            cap_http_gap(e, f, d);
            dir->next_seq = p->seq;
        }
        if (SEQ_GT(p->seq + p->len, dir->next_seq))
            deliver_new(e, f, d, p->seq, p->payload, caplen, p->len, p->ts);
        return;
    }
    cap_seg **pp = &dir->ooo;
    while (*pp != NULL && SEQ_LT((*pp)->seq, p->seq))
        pp = &(*pp)->next;
    if (*pp != NULL && (*pp)->seq == p->seq) {
        e->st.retransmits++;
        if (f->ep) f->ep->retransmits++;
        return;
    }
    cap_seg *s = malloc(sizeof *s + caplen);
    if (s == NULL)
        return;                            /* lost: it will show as a gap */
    memcpy(s->data, p->payload, caplen);
    s->seq = p->seq;
    s->len = caplen;                       /* bytes beyond the snap length become a gap */
    s->ts = p->ts;
    s->next = *pp;
    *pp = s;
    dir->ooo_count++;
    dir->ooo_bytes += caplen;
}

static void handshake(cap_flow *f, int d, const cap_pkt *p)
{
    if ((p->flags & (CAP_TH_SYN | CAP_TH_ACK)) == CAP_TH_SYN && d == 0 &&
        f->hs == CAP_HS_NONE) {
        f->hs = CAP_HS_SYN;
        f->t_syn = p->ts;
    } else if ((p->flags & (CAP_TH_SYN | CAP_TH_ACK)) == (CAP_TH_SYN | CAP_TH_ACK) && d == 1 &&
               f->hs == CAP_HS_SYN) {
        f->hs = CAP_HS_SYNACK;
        f->t_synack = p->ts;
    } else if (!(p->flags & CAP_TH_SYN) && (p->flags & CAP_TH_ACK) && d == 0 &&
               f->hs == CAP_HS_SYNACK) {
        f->hs = CAP_HS_DONE;
        if (f->ep && f->ep->handshake)
            rg_hist_record(f->ep->handshake, rg_ns_to_us(p->ts - f->t_syn));
    }
}

void cap_tcp_segment(cap_engine *e, cap_flow *f, int d, const cap_pkt *p)
{
    cap_dir *dir = &f->dir[d];
    handshake(f, d, p);
    cap_dir *od = &f->dir[1 - d];
    if ((p->flags & CAP_TH_ACK) && (!od->peer_ack_valid || SEQ_GT(p->ack, od->peer_ack))) {
        od->peer_ack = p->ack;             /* what the receiver has: see cap_tcp_acked_hole */
        od->peer_ack_valid = 1;
    }
    if (p->flags & CAP_TH_SYN) {
        dir->next_seq = p->seq + 1;        /* data on a SYN (TFO) is not followed */
        dir->synced = 1;
        return;
    }
    uint32_t caplen = p->caplen < p->len ? p->caplen : p->len;
    if (!dir->synced) {
        if (p->len == 0)
            return;                        /* a bare ACK tells nothing yet */
        dir->next_seq = p->seq;
        dir->synced = 1;
        dir->resync = 1;
        if (!f->midstream) {
            f->midstream = 1;
            e->st.midstream++;
            if (f->ep) f->ep->midstream++;
        }
    }
    if (p->len > 0) {
        if (SEQ_GT(p->seq, dir->next_seq))
            store(e, f, d, p, caplen);
        else if (SEQ_LEQ(p->seq + p->len, dir->next_seq)) {
            e->st.retransmits++;
            if (f->ep) f->ep->retransmits++;
            cap_http_flag(f, d, CAP_TX_RETRANSMIT);
        } else
            deliver_new(e, f, d, p->seq, p->payload, caplen, p->len, p->ts);
    }
    if (p->flags & CAP_TH_FIN) {
        if (!dir->fin_pending) {
            dir->fin_pending = 1;
            dir->fin_seq = p->seq + p->len;
        }
    }
    drain(e, f, d, p->ts);
}
