/*
 * capture/pcapio_int.h — private: libpcap handles for the capture engine (see pcapio.c).
 */
#ifndef RIGOR_CAPTURE_PCAPIO_INT_H
#define RIGOR_CAPTURE_PCAPIO_INT_H

#include <pcap/pcap.h>
#include "core/err.h"
#include "capture/capture_int.h"

#define CAP_SNAPLEN 262144
#define CAP_DEFAULT_FILTER "tcp or vlan"

typedef struct cap_live_opts {
    const char *iface;
    const char *filter;
    int snaplen;
    int timeout_ms;        /* read timeout: how late a packet may be handed over */
    int buffer_bytes;      /* kernel ring; 0 = libpcap's default */
    int immediate;
} cap_live_opts;

/*
 * An active live handle with the filter set; NULL with err (RG_ERRLEN) otherwise, and
 * *bad_filter set when the filter or the link type was the problem (a usage error, not a
 * runtime one).
 */
pcap_t *cap_open_live(const cap_live_opts *o, char *err, int *bad_filter);
/* A pcap or pcapng file ("-" = stdin) with nanosecond stamps and the filter set. */
pcap_t *cap_open_file(const char *path, const char *filter, char *err, int *bad_filter);

/* What the dispatch callback needs. */
typedef struct cap_feed {
    pcap_t *handle;
    cap_engine *engine;
    pcap_dumper_t *dumper;     /* -w, or NULL */
    uint64_t max_packets;      /* 0 = no limit */
    uint32_t ts_mult;          /* 1 for ns stamps, 1000 for us */
    volatile int done;         /* max_packets reached */
} cap_feed;

void cap_feed_init(cap_feed *fd, pcap_t *p, cap_engine *e);
/* pcap_dispatch into the engine (files); returns what pcap_dispatch returns. */
int cap_feed_dispatch(cap_feed *fd, int cnt);
/*
 * Live handles (non-blocking): wait up to timeout_ms for packets, then read what is there.
 * Returns the packets read (0 on timeout or signal), PCAP_ERROR or PCAP_ERROR_BREAK.
 */
int cap_feed_poll(cap_feed *fd, int timeout_ms);

/*
 * After a stop request: keep reading until every partly filled block has been retired by the
 * kernel's timer (timeout_ms, the handle's read timeout) and a poll comes back empty; at most
 * 20 timeouts, so a flood cannot keep a stopped capture alive.
 */
void cap_feed_drain(cap_feed *fd, int timeout_ms);

/* As root: switch to user (groups, gid, uid) for good; 0, or -1 with err. No-op if not root. */
int cap_drop_privileges(const char *user, char *err);

#endif
