/*
 * capture/output.c — what the capture engine produces: the transaction log (JSON Lines), the
 * dataset runs (one per server endpoint), the sidecar's `wire` object, the human summary.
 *
 * Design: everything is built with jansson. The log reuses one object per writer and updates
 * its values in place, so a transaction costs one serialization and no key allocation. Times
 * in the log are nanoseconds since the epoch (integers); unknown values are null, never
 * invented. Histograms are in microseconds like every rigor latency. Transactions timed from
 * TLS records (tls.c) carry the flag "tls" and a "tls" object (the connection's version, SNI,
 * resumption and handshake times); endpoints that spoke TLS become https:// runs with
 * tls_handshakes, tls_handshake and a tls object.
 *
 * Expected load: one log line per transaction (up to ~10^6/s offline); runs once per capture.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "core/clock.h"
#include "core/dataset.h"
#include "core/err.h"
#include "core/io.h"
#include "core/units.h"
#include "capture/capture_int.h"

char *cap_fmt_endpoint(char *buf, size_t len, const uint8_t addr[16], uint16_t port, int v6)
{
    char a[INET6_ADDRSTRLEN];
    if (v6) {
        inet_ntop(AF_INET6, addr, a, sizeof a);
        snprintf(buf, len, "[%s]:%u", a, port);
    } else {
        inet_ntop(AF_INET, addr + 12, a, sizeof a);
        snprintf(buf, len, "%s:%u", a, port);
    }
    return buf;
}

static json_t *ns_or_null(uint64_t ns)
{
    return ns ? json_integer((json_int_t)ns) : json_null();
}

static json_t *flags_json(uint32_t flags)
{
    static const char *const names[] = {"midstream", "retransmit", "gap", "unmatched",
                                        "truncated", "tls"};
    json_t *a = json_array();
    for (unsigned i = 0; i < sizeof names / sizeof *names; i++)
        if (flags & (1u << i))
            json_array_append_new(a, json_string(names[i]));
    return a;
}

/* The connection's TLS facts for a TLS-derived transaction (null when not seen). */
static json_t *tls_json(const cap_flow *f)
{
    const cap_tls *t = f->tls;
    const char *v = t->sh_seen ? cap_tls_version_name(t->sh.version) : NULL;
    json_t *o = json_object(), *sni = t->ch.sni_len ? json_stringn(t->ch.sni, t->ch.sni_len)
                                                    : NULL;
    json_object_set_new(o, "version", v ? json_string(v) : json_null());
    json_object_set_new(o, "sni", sni ? sni : json_null());
    json_object_set_new(o, "resumed", t->counted ? json_boolean(t->resumed) : json_null());
    json_object_set_new(o, "t_client_hello", ns_or_null(t->t_hello));
    json_object_set_new(o, "t_client_data", ns_or_null(t->t_client_data));
    json_object_set_new(o, "t_server_data", ns_or_null(t->t_server_data));
    return o;
}

json_t *cap_tx_json(const cap_flow *f, const cap_tx *t)
{
    json_t *o = json_object();
    json_object_set_new(o, "t_req_first", ns_or_null(t->t_req_first));
    json_object_set_new(o, "t_req_last", ns_or_null(t->t_req_last));
    json_object_set_new(o, "t_resp_first", ns_or_null(t->t_resp_first));
    json_object_set_new(o, "t_resp_last", ns_or_null(t->t_resp_last));
    json_object_set_new(o, "client", json_string(f->cname));
    json_object_set_new(o, "server", json_string(f->sname));
    json_object_set_new(o, "method", t->method >= 0 ?
                        json_string(http_method_str((enum http_method)t->method)) : json_null());
    /* Bytes from the wire may be anything: keep them as text only when valid UTF-8. */
    json_t *host = t->host_len ? json_stringn(t->host, t->host_len) : NULL;
    json_t *uri = t->uri_len ? json_stringn(t->uri, t->uri_len) : NULL;
    json_object_set_new(o, "host", host ? host : json_null());
    json_object_set_new(o, "uri", uri ? uri : json_null());
    json_object_set_new(o, "status", t->status ? json_integer(t->status) : json_null());
    json_object_set_new(o, "req_bytes", json_integer((json_int_t)t->req_bytes));
    json_object_set_new(o, "resp_bytes", json_integer((json_int_t)t->resp_bytes));
    json_object_set_new(o, "flags", flags_json(t->flags));
    if (t->flags & CAP_TX_TLS)
        json_object_set_new(o, "tls", tls_json(f));
    return o;
}

struct cap_log {
    FILE *fp;
    char *buf;
    size_t cap;
    uint64_t sec;             /* the seconds of the last time stamp written... */
    uint8_t sec_len;          /* ...and their digits (0: none yet) */
    char sec_digits[24];      /* 20 digits at most */
};

#define LOG_BUF 16384   /* > the longest line: 511-byte URI and 127-byte host, all escaped */

cap_log *cap_log_new(FILE *fp)
{
    cap_log *l = calloc(1, sizeof *l);
    if (l == NULL)
        return NULL;
    l->fp = fp;
    l->cap = LOG_BUF;
    l->buf = malloc(l->cap);
    if (l->buf == NULL) {
        free(l);
        return NULL;
    }
    return l;
}

void cap_log_free(cap_log *l)
{
    if (l == NULL)
        return;
    free(l->buf);
    free(l);
}

/*
 * The log line is assembled here rather than through a json_t per transaction: building and
 * dumping an object cost ~4 us, more than the whole packet path. The output is byte for byte
 * what json_dumps(cap_tx_json(...), JSON_COMPACT) gives (tests/e2e/capture_golden.sh holds
 * it to that); any string that is not plain printable ASCII is escaped by jansson itself.
 */
/* A string that is not plain printable ASCII: jansson validates UTF-8 and escapes it. */
static char *put_escaped(char *p, const char *s, size_t n)
{
    json_t *j = json_stringn(s, n);
    if (j == NULL)
        return memcpy(p, "null", 4), p + 4;
    size_t w = json_dumpb(j, p, 6 * n + 2, JSON_ENCODE_ANY);
    json_decref(j);
    return p + w;
}

static char *put_str(char *p, const char *s, size_t n)
{
    char *start = p;
    *p++ = '"';
    for (size_t i = 0; i < n; i++) {       /* one pass: copy while checking */
        unsigned char ch = (unsigned char)s[i];
        if (ch < 0x20 || ch >= 0x7f)
            return put_escaped(start, s, n);
        if (ch == '"' || ch == '\\')
            *p++ = '\\';
        *p++ = (char)ch;
    }
    *p++ = '"';
    return p;
}

static const char pairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

static char *put_u64(char *p, uint64_t v)
{
    char tmp[24];
    int n = 24;
    while (v >= 100) {                     /* two digits per division */
        unsigned r = (unsigned)(v % 100);
        v /= 100;
        tmp[--n] = pairs[2 * r + 1];
        tmp[--n] = pairs[2 * r];
    }
    if (v >= 10) {
        tmp[--n] = pairs[2 * v + 1];
        tmp[--n] = pairs[2 * v];
    } else
        tmp[--n] = (char)('0' + v);
    memcpy(p, tmp + n, (size_t)(24 - n));
    return p + (24 - n);
}

/* A string we formatted ourselves (addresses, method names): plain ASCII, nothing to escape. */
static char *put_plain(char *p, const char *s)
{
    size_t n = strlen(s);
    *p++ = '"';
    memcpy(p, s, n);
    p[n] = '"';
    return p + n + 1;
}

static char *put_key(char *p, const char *k)
{
    size_t n = strlen(k);
    memcpy(p, k, n);
    return p + n;
}

/*
 * A time stamp in ns, as put_u64 writes it. The seconds part rarely changes from one stamp to
 * the next, so its digits are kept in the log and only the nine digits of the fraction are
 * formatted (32-bit arithmetic): most of the log's numbers are these stamps.
 */
static char *put_ns(cap_log *l, char *p, const char *key, uint64_t ns)
{
    p = put_key(p, key);
    if (ns == 0)
        return put_key(p, "null");
    uint64_t sec = ns / 1000000000u;
    if (sec == 0)
        return put_u64(p, ns);
    if (sec != l->sec || l->sec_len == 0) {
        l->sec = sec;
        l->sec_len = (uint8_t)(put_u64(l->sec_digits, sec) - l->sec_digits);
    }
    memcpy(p, l->sec_digits, sizeof l->sec_digits);   /* a fixed size: no call; the line
                                                         * buffer has room to spare */
    p += l->sec_len;
    uint32_t frac = (uint32_t)(ns - sec * 1000000000u);
    for (int i = 7; i > 0; i -= 2) {       /* zero-padded, two digits a step */
        memcpy(p + i, pairs + 2 * (frac % 100), 2);
        frac /= 100;
    }
    p[0] = (char)('0' + frac);
    return p + 9;
}

/* The "tls" object of a TLS-derived transaction, as tls_json() builds it. */
static char *put_tls(cap_log *l, char *p, const cap_flow *f)
{
    const cap_tls *t = f->tls;
    const char *v = t->sh_seen ? cap_tls_version_name(t->sh.version) : NULL;
    p = put_key(p, ",\"tls\":{\"version\":");
    p = v ? put_plain(p, v) : put_key(p, "null");
    p = put_key(p, ",\"sni\":");
    p = t->ch.sni_len ? put_str(p, t->ch.sni, t->ch.sni_len) : put_key(p, "null");
    p = put_key(p, ",\"resumed\":");
    p = put_key(p, !t->counted ? "null" : t->resumed ? "true" : "false");
    p = put_ns(l, p, ",\"t_client_hello\":", t->t_hello);
    p = put_ns(l, p, ",\"t_client_data\":", t->t_client_data);
    p = put_ns(l, p, ",\"t_server_data\":", t->t_server_data);
    return put_key(p, "}");
}

void cap_log_tx(void *ctx, const cap_flow *f, const cap_tx *t)
{
    static const char *const names[] = {"midstream", "retransmit", "gap", "unmatched", "truncated",
                                        "tls"};
    cap_log *l = ctx;
    char *p = l->buf;
    p = put_ns(l, p, "{\"t_req_first\":", t->t_req_first);
    p = put_ns(l, p, ",\"t_req_last\":", t->t_req_last);
    p = put_ns(l, p, ",\"t_resp_first\":", t->t_resp_first);
    p = put_ns(l, p, ",\"t_resp_last\":", t->t_resp_last);
    p = put_plain(put_key(p, ",\"client\":"), f->cname);
    p = put_plain(put_key(p, ",\"server\":"), f->sname);
    p = put_key(p, ",\"method\":");
    if (t->method >= 0)
        p = put_plain(p, http_method_str((enum http_method)t->method));
    else
        p = put_key(p, "null");
    p = put_key(p, ",\"host\":");
    p = t->host_len ? put_str(p, t->host, t->host_len) : put_key(p, "null");
    p = put_key(p, ",\"uri\":");
    p = t->uri_len ? put_str(p, t->uri, t->uri_len) : put_key(p, "null");
    p = put_ns(l, p, ",\"status\":", t->status);
    p = put_u64(put_key(p, ",\"req_bytes\":"), t->req_bytes);
    p = put_u64(put_key(p, ",\"resp_bytes\":"), t->resp_bytes);
    p = put_key(p, ",\"flags\":[");
    const char *sep = "";
    for (unsigned i = 0; i < sizeof names / sizeof *names; i++) {
        if (t->flags & (1u << i)) {
            p = put_key(p, sep);
            p = put_plain(p, names[i]);
            sep = ",";
        }
    }
    p = put_key(p, "]");
    if (t->flags & CAP_TX_TLS)
        p = put_tls(l, p, f);
    p = put_key(p, "}\n");
    fwrite(l->buf, 1, (size_t)(p - l->buf), l->fp);
}

/* The next run index for (target, url) among the capture runs already in ds. */
static int next_run_index(const json_t *ds, const char *target, const char *url)
{
    int n = 0;
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(ds, "runs"), i, r) {
        const char *t = json_string_value(json_object_get(r, "target"));
        const char *u = json_string_value(json_object_get(r, "url"));
        if (t && u && strcmp(t, target) == 0 && strcmp(u, url) == 0)
            n++;
    }
    return n + 1;
}

static json_t *capture_obj(const cap_engine *e, const cap_endpoint *ep)
{
    json_t *c = json_object();
    json_object_set_new(c, "packets", json_integer((json_int_t)e->st.packets));
    json_object_set_new(c, "bytes", json_integer((json_int_t)e->st.bytes));
    json_object_set_new(c, "drops", json_integer((json_int_t)e->st.drops));
    json_object_set_new(c, "ifdrops", json_integer((json_int_t)e->st.ifdrops));
    json_object_set_new(c, "flows", json_integer((json_int_t)ep->flows));
    json_object_set_new(c, "unmatched", json_integer((json_int_t)ep->unmatched));
    json_object_set_new(c, "midstream", json_integer((json_int_t)ep->midstream));
    json_object_set_new(c, "retransmits", json_integer((json_int_t)ep->retransmits));
    json_object_set_new(c, "truncated", json_integer((json_int_t)ep->truncated));
    return c;
}

/* The TLS side of an endpoint's run: versions, SNI names, resumptions (tls.c counted them). */
static json_t *tls_obj(const cap_endpoint *ep)
{
    static const char *const vnames[5] = {"TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3", "unknown"};
    json_t *o = json_object(), *v = json_object(), *sni = json_object();
    for (int i = 0; i < 5; i++)
        if (ep->tls_versions[i])
            json_object_set_new(v, vnames[i], json_integer((json_int_t)ep->tls_versions[i]));
    for (int i = 0; i < 8 && ep->tls_sni_n[i]; i++) {
        json_t *n = json_integer((json_int_t)ep->tls_sni_n[i]);
        if (json_object_set_new(sni, ep->tls_sni[i], n) != 0)   /* not UTF-8: counted apart */
            json_object_set_new(sni, "(other)", json_integer((json_int_t)ep->tls_sni_n[i] +
                                json_integer_value(json_object_get(sni, "(other)"))));
    }
    if (ep->tls_sni_other)
        json_object_set_new(sni, "(other)", json_integer((json_int_t)ep->tls_sni_other +
                            json_integer_value(json_object_get(sni, "(other)"))));
    if (ep->tls_sni_none)
        json_object_set_new(sni, "(none)", json_integer((json_int_t)ep->tls_sni_none));
    json_object_set_new(o, "timing", json_string("records"));
    json_object_set_new(o, "flows", json_integer((json_int_t)ep->tls_flows));
    json_object_set_new(o, "versions", v);
    json_object_set_new(o, "sni", sni);
    json_object_set_new(o, "resumed", json_integer((json_int_t)ep->tls_resumed));
    json_object_set_new(o, "incomplete", json_integer((json_int_t)ep->tls_incomplete));
    return o;
}

static json_t *endpoint_run(const cap_engine *e, const cap_endpoint *ep, const json_t *ds,
                            const char *label, int complete)
{
    char name[80], url[96], started[40];
    cap_fmt_endpoint(name, sizeof name, ep->addr, ep->port, ep->v6);
    snprintf(url, sizeof url, "%s://%s", ep->tls_flows ? "https" : "http", name);
    const char *target = label ? label : name;
    const char *start = ep->first_ns ? rg_rfc3339(started, sizeof started, ep->first_ns) : NULL;
    json_t *r = rg_run_new(target, url, 0, 0, next_run_index(ds, target, url), "capture",
                           complete, start);
    double dur = ep->last_ns > ep->first_ns ? (double)(ep->last_ns - ep->first_ns) / 1e9 : 0;
    json_object_set_new(r, "duration_s", json_real(dur));
    json_object_set_new(r, "requests", json_integer((json_int_t)ep->requests));
    json_object_set_new(r, "errors", rg_errors_json(0, ep->unmatched, 0, 0, ep->parse_errors,
                                                    ep->status_err));
    json_t *st = json_object();
    for (int code = 100; code < 600; code++) {
        char k[16];
        snprintf(k, sizeof k, "%d", code);
        if (ep->status[code])
            json_object_set_new(st, k, json_integer((json_int_t)ep->status[code]));
    }
    json_object_set_new(r, "status", st);
    json_object_set_new(r, "bytes_in", json_integer((json_int_t)ep->bytes_in));
    json_object_set_new(r, "bytes_out", json_integer((json_int_t)ep->bytes_out));
    json_object_set_new(r, "throughput_rps",
                        dur > 0 ? json_real((double)ep->requests / dur) : json_null());
    json_object_set_new(r, "latency", rg_latency_json(ep->latency));
    json_object_set_new(r, "ttfb", rg_latency_json(ep->ttfb));
    json_object_set_new(r, "server_time", rg_latency_json(ep->server_time));
    json_object_set_new(r, "handshake_rtt", rg_latency_json(ep->handshake));
    if (ep->tls_flows) {
        json_object_set_new(r, "tls_handshakes", json_integer((json_int_t)ep->tls_handshakes));
        json_object_set_new(r, "tls_handshake", rg_latency_json(ep->tls_handshake));
        json_object_set_new(r, "tls", tls_obj(ep));
    }
    json_object_set_new(r, "capture", capture_obj(e, ep));
    return r;
}

json_t *cap_runs_json(const cap_engine *e, const json_t *ds, const char *label, int complete)
{
    json_t *runs = json_array();
    json_t *all = json_object();           /* ds runs + ours, for the run indexes */
    json_t *seen = json_array();
    json_object_set_new(all, "runs", seen);
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(ds, "runs"), i, r)
        json_array_append(seen, r);
    for (const cap_endpoint *ep = e->endpoints; ep != NULL; ep = ep->next) {
        if (ep->requests == 0 && ep->unmatched == 0)
            continue;                      /* TCP but never HTTP: not a run */
        json_t *run = endpoint_run(e, ep, all, label, complete);
        json_array_append(seen, run);
        json_array_append_new(runs, run);
    }
    json_decref(all);
    return runs;
}

/* Merge one histogram per endpoint into a fresh one (NULL on OOM). */
static rg_hist *merged(const cap_engine *e, size_t off)
{
    char err[RG_ERRLEN];
    rg_hist *h = rg_hist_new(RG_HIST_DEFAULT_HIGHEST, RG_HIST_DEFAULT_SIGFIGS, err);
    for (const cap_endpoint *ep = e->endpoints; h != NULL && ep != NULL; ep = ep->next)
        rg_hist_merge(h, *(rg_hist *const *)((const char *)ep + off));
    return h;
}

json_t *cap_wire_json(const cap_engine *e)
{
    rg_hist *lat = merged(e, offsetof(cap_endpoint, latency));
    rg_hist *ttfb = merged(e, offsetof(cap_endpoint, ttfb));
    rg_hist *srv = merged(e, offsetof(cap_endpoint, server_time));
    rg_hist *hs = merged(e, offsetof(cap_endpoint, handshake));
    rg_hist *tls = merged(e, offsetof(cap_endpoint, tls_handshake));
    json_t *w = rg_latency_json(lat);
    json_object_set_new(w, "ttfb", rg_latency_json(ttfb));
    json_object_set_new(w, "server_time", rg_latency_json(srv));
    json_object_set_new(w, "handshake_rtt", rg_latency_json(hs));
    json_object_set_new(w, "requests", json_integer((json_int_t)e->st.complete));
    json_object_set_new(w, "retransmits", json_integer((json_int_t)e->st.retransmits));
    json_object_set_new(w, "drops", json_integer((json_int_t)e->st.drops));
    json_object_set_new(w, "ifdrops", json_integer((json_int_t)e->st.ifdrops));
    json_object_set_new(w, "packets", json_integer((json_int_t)e->st.packets));
    json_object_set_new(w, "unmatched", json_integer((json_int_t)e->st.unmatched));
    if (e->st.tls_flows > 0) {
        json_object_set_new(w, "tls_handshakes", json_integer((json_int_t)e->st.tls_handshakes));
        json_object_set_new(w, "tls_handshake", rg_latency_json(tls));
    }
    rg_hist_free(tls);
    rg_hist_free(lat);
    rg_hist_free(ttfb);
    rg_hist_free(srv);
    rg_hist_free(hs);
    return w;
}

void cap_print_summary(FILE *fp, const cap_engine *e)
{
    const cap_stats *s = &e->st;
    char a[32], b[32], c[32], d[32];
    fprintf(fp, "packets %" PRIu64 " (tcp %" PRIu64 ", other %" PRIu64 ", fragments %" PRIu64
            ", truncated %" PRIu64 ", malformed %" PRIu64 "), %s\n",
            s->packets, s->tcp, s->other, s->frags, s->truncated, s->malformed,
            rg_fmt_bytes(a, sizeof a, (double)s->bytes));
    fprintf(fp, "drops %" PRIu64 " (kernel), %" PRIu64 " (interface)\n", s->drops, s->ifdrops);
    fprintf(fp, "flows %" PRIu64 " (mid-stream %" PRIu64 ", evicted %" PRIu64 "), retransmits %"
            PRIu64 ", gaps %" PRIu64 ", parse errors %" PRIu64 "\n",
            s->flows, s->midstream, s->evicted, s->retransmits, s->gaps, s->parse_errors);
    fprintf(fp, "transactions %" PRIu64 " (complete %" PRIu64 ", unmatched %" PRIu64 ")\n",
            s->tx, s->complete, s->unmatched);
    if (s->tls_flows > 0)
        fprintf(fp, "tls flows %" PRIu64 ", handshakes %" PRIu64 ", records %" PRIu64
                " (transactions of TLS flows are timed from records)\n", s->tls_flows,
                s->tls_handshakes, s->tls_records);
    for (const cap_endpoint *ep = e->endpoints; ep != NULL; ep = ep->next) {
        if (ep->requests == 0 && ep->unmatched == 0)
            continue;
        char name[80];
        cap_fmt_endpoint(name, sizeof name, ep->addr, ep->port, ep->v6);
        int n = rg_hist_count(ep->latency) > 0;
#define PCT(buf, h, p) (n ? rg_fmt_us(buf, sizeof buf, (double)rg_hist_percentile(h, p), 3) : "-")
        fprintf(fp, "  %-24s %8" PRIu64 " requests  latency p50 %s p99 %s  ttfb p50 %s"
                "  server p50 %s\n", name, ep->requests, PCT(a, ep->latency, 50),
                PCT(b, ep->latency, 99), PCT(c, ep->ttfb, 50), PCT(d, ep->server_time, 50));
        n = rg_hist_count(ep->tls_handshake) > 0;
        if (ep->tls_flows)
            fprintf(fp, "  %-24s %8" PRIu64 " TLS handshakes (%" PRIu64 " resumed, %" PRIu64
                    " incomplete)  handshake p50 %s p99 %s\n", "", ep->tls_handshakes,
                    ep->tls_resumed, ep->tls_incomplete, PCT(a, ep->tls_handshake, 50),
                    PCT(b, ep->tls_handshake, 99));
#undef PCT
    }
}
