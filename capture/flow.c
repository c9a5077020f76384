/*
 * capture/flow.c — the bounded TCP flow table.
 *
 * Design: a chained hash table keyed by the unordered pair of (address, port) endpoints, so
 * both directions of a connection find the same entry; a doubly linked LRU list through the
 * flows (touched on every packet, O(1)); and a free list so a closed flow's memory, including
 * its transaction ring, is reused by the next connection. The table holds at most max_flows
 * entries: creating one more evicts the least recently used, and flows idle longer than the
 * idle timeout are evicted as packet time advances. An evicted flow is closed like one that
 * ended: what it held is emitted, flagged. So a passive capture of any length runs in memory
 * bounded by max_flows.
 *
 * Roles: the sender of a bare SYN is the client; of a SYN/ACK, the server. A flow joined
 * mid-stream guesses from the first payload ("HTTP/" comes from a server, a request line
 * from a client) and falls back to port numbers (the lower port serves).
 *
 * Expected load: one lookup per packet; new flows at the connection rate.
 */
#include <stdlib.h>
#include <string.h>
#include "core/err.h"
#include "core/units.h"
#include "capture/capture_int.h"

/* One endpoint (16-byte address, port) folded to 64 bits, four bytes a step. */
static uint64_t hash_end(const uint8_t a[16], uint16_t port)
{
    uint64_t h = port;
    for (int i = 0; i < 16; i += 4) {
        uint32_t w;
        memcpy(&w, a + i, 4);
        h = (h ^ w) * 0x9e3779b97f4a7c15u;
    }
    return h;
}

static uint32_t hash_tuple(const cap_pkt *p)
{
    /* Each endpoint hashed alone, combined symmetrically so both directions hash alike
     * (the flow is then found by comparing the tuple, so the hash only spreads the buckets). */
    uint64_t h = hash_end(p->src, p->sport) ^ hash_end(p->dst, p->dport);
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9u;
    h ^= h >> 32;
    return (uint32_t)h;
}

int cap_flows_init(cap_engine *e, char *err)
{
    uint32_t n = 1024;
    while (n < e->cfg.max_flows && n < (1u << 24))
        n <<= 1;
    e->buckets = calloc(n, sizeof *e->buckets);
    if (e->buckets == NULL)
        return rg_err(err, "out of memory for %u flow buckets", n);
    e->nbuckets = n;
    return 0;
}

static void flow_release(cap_flow *f)
{
    cap_tcp_free_dir(&f->dir[0]);
    cap_tcp_free_dir(&f->dir[1]);
    cap_tls_free(f);
    free(f->q);
    free(f);
}

void cap_flows_free(cap_engine *e)
{
    cap_flow *f, *nx;
    for (f = e->lru_head; f != NULL; f = nx) {
        nx = f->next;
        flow_release(f);
    }
    for (f = e->free_list; f != NULL; f = nx) {
        nx = f->hnext;
        flow_release(f);
    }
    free(e->buckets);
    e->buckets = NULL;
}

static void lru_unlink(cap_engine *e, cap_flow *f)
{
    if (f->prev) f->prev->next = f->next; else e->lru_head = f->next;
    if (f->next) f->next->prev = f->prev; else e->lru_tail = f->prev;
    f->prev = f->next = NULL;
}

static void lru_push(cap_engine *e, cap_flow *f)
{
    f->prev = NULL;
    f->next = e->lru_head;
    if (e->lru_head) e->lru_head->prev = f; else e->lru_tail = f;
    e->lru_head = f;
}

void cap_flow_touch(cap_engine *e, cap_flow *f, uint64_t ts)
{
    f->last_ts = ts;
    if (e->lru_head != f) {
        lru_unlink(e, f);
        lru_push(e, f);
    }
}

static int is_request_start(const uint8_t *p, uint32_t n)
{
    /* A request line starts with an upper-case token and a space (RFC 9112 §3). */
    uint32_t i = 0;
    while (i < n && i < 16 && p[i] >= 'A' && p[i] <= 'Z')
        i++;
    return i > 0 && i < n && p[i] == ' ';
}

/* 1 when the packet's sender is the server. */
static int sender_is_server(const cap_pkt *p)
{
    if ((p->flags & (CAP_TH_SYN | CAP_TH_ACK)) == CAP_TH_SYN)
        return 0;
    if ((p->flags & (CAP_TH_SYN | CAP_TH_ACK)) == (CAP_TH_SYN | CAP_TH_ACK))
        return 1;
    if (p->caplen >= 5 && memcmp(p->payload, "HTTP/", 5) == 0)
        return 1;
    if (is_request_start(p->payload, p->caplen))
        return 0;
    return p->sport < p->dport;
}

static cap_flow *flow_alloc(cap_engine *e)
{
    cap_flow *f = e->free_list;
    if (f != NULL) {
        e->free_list = f->hnext;
        cap_tx *q = f->q;
        uint32_t cap = f->q_cap;
        cap_tls *tls = f->tls;             /* TLS state is recycled too (reset when used) */
        memset(f, 0, sizeof *f);
        f->q = q;
        f->q_cap = cap;
        f->tls = tls;
        return f;
    }
    return calloc(1, sizeof *f);
}

static cap_flow *flow_create(cap_engine *e, const cap_pkt *p, uint32_t h)
{
    if (e->nflows >= e->cfg.max_flows && e->lru_tail != NULL) {
        e->st.evicted++;
        cap_flow_close(e, e->lru_tail);
    }
    cap_flow *f = flow_alloc(e);
    if (f == NULL)
        return NULL;
    int srv = sender_is_server(p);
    memcpy(f->caddr, srv ? p->dst : p->src, 16);
    memcpy(f->saddr, srv ? p->src : p->dst, 16);
    f->cport = srv ? p->dport : p->sport;
    f->sport = srv ? p->sport : p->dport;
    f->v6 = p->v6;
    f->hash = h;
    f->eng = e;
    cap_fmt_endpoint(f->cname, sizeof f->cname, f->caddr, f->cport, f->v6);
    cap_fmt_endpoint(f->sname, sizeof f->sname, f->saddr, f->sport, f->v6);
    f->ep = cap_engine_endpoint(e, f->saddr, f->sport, f->v6);
    if (f->ep)
        f->ep->flows++;
    cap_http_init_flow(f);
    uint32_t b = h & (e->nbuckets - 1);
    f->hnext = e->buckets[b];
    e->buckets[b] = f;
    lru_push(e, f);
    e->nflows++;
    e->st.flows++;
    return f;
}

cap_flow *cap_flow_lookup(cap_engine *e, const cap_pkt *p, int create, int *dir)
{
    uint32_t h = hash_tuple(p);
    for (cap_flow *f = e->buckets[h & (e->nbuckets - 1)]; f != NULL; f = f->hnext) {
        if (f->hash != h)
            continue;
        if (f->cport == p->sport && f->sport == p->dport &&
            memcmp(f->caddr, p->src, 16) == 0 && memcmp(f->saddr, p->dst, 16) == 0) {
            *dir = 0;
            return f;
        }
        if (f->sport == p->sport && f->cport == p->dport &&
            memcmp(f->saddr, p->src, 16) == 0 && memcmp(f->caddr, p->dst, 16) == 0) {
            *dir = 1;
            return f;
        }
    }
    if (!create)
        return NULL;
    cap_flow *f = flow_create(e, p, h);
    if (f != NULL)
        *dir = f->cport == p->sport && memcmp(f->caddr, p->src, 16) == 0 ? 0 : 1;
    return f;
}

void cap_flow_close(cap_engine *e, cap_flow *f)
{
    cap_tcp_flush(e, f, 0);
    cap_tcp_flush(e, f, 1);
    cap_app_close(e, f);
    cap_tcp_free_dir(&f->dir[0]);
    cap_tcp_free_dir(&f->dir[1]);
    cap_flow **pp = &e->buckets[f->hash & (e->nbuckets - 1)];
    while (*pp != f)
        pp = &(*pp)->hnext;
    *pp = f->hnext;
    lru_unlink(e, f);
    e->nflows--;
    f->hnext = e->free_list;
    e->free_list = f;
}

void cap_flow_expire(cap_engine *e, uint64_t now)
{
    while (e->lru_tail != NULL && e->lru_tail->last_ts + e->cfg.idle_ns < now) {
        e->st.evicted++;
        cap_flow_close(e, e->lru_tail);
    }
}
