/*
 * tests/fuzz/fuzz_capture_packet.c — fuzz target for the capture engine's packet path.
 *
 * The input is used two ways: (1) as one captured frame of every supported link type, fed
 * through decode -> flow -> reassembly -> HTTP, then as the payload of several TCP segments
 * of one synthesized connection (both directions, shifting sequence numbers), so the HTTP
 * parser and the reassembler see hostile bytes; (2) as a whole pcap file read through
 * libpcap into the engine, as `rigor capture -r` does. Engines are finished and freed per
 * input so the sanitizers see every leak.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pcap/pcap.h>
#include "core/err.h"
#include "core/units.h"
#include "capture/capture_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int dlts[] = {DLT_EN10MB, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_NULL, DLT_LOOP,
                           DLT_RAW, DLT_IPV4, DLT_IPV6};

/* A raw IPv4/TCP frame carrying payload from the client (dir 0) or the server. */
static size_t frame(uint8_t *out, int dir, uint32_t seq, uint8_t flags, const uint8_t *p, size_t n)
{
    memset(out, 0, 40);
    out[0] = 0x45;
    out[2] = (uint8_t)((40 + n) >> 8);
    out[3] = (uint8_t)(40 + n);
    out[9] = 6;
    out[12] = out[16] = 127;
    out[15] = out[19] = 1;
    uint16_t sp = dir ? 80 : 40000, dp = dir ? 40000 : 80;
    out[20] = (uint8_t)(sp >> 8); out[21] = (uint8_t)sp;
    out[22] = (uint8_t)(dp >> 8); out[23] = (uint8_t)dp;
    out[24] = (uint8_t)(seq >> 24); out[25] = (uint8_t)(seq >> 16);
    out[26] = (uint8_t)(seq >> 8); out[27] = (uint8_t)seq;
    out[32] = 0x50;
    out[33] = flags;
    if (n > 0)
        memcpy(out + 40, p, n);
    return 40 + n;
}

static void as_stream(const uint8_t *data, size_t size)
{
    char err[RG_ERRLEN];
    cap_config cfg;
    cap_config_default(&cfg);
    cfg.ooo_max_segs = 4;
    cap_engine *e = cap_engine_new(&cfg, DLT_RAW, err);
    uint8_t *buf = malloc(size + 64);
    uint32_t seq[2] = {1000, 5000};
    uint64_t ts = 1;
    size_t n = frame(buf, 0, seq[0]++, CAP_TH_SYN, NULL, 0);
    cap_engine_packet(e, ts++, buf, (uint32_t)n, (uint32_t)n);
    n = frame(buf, 1, seq[1]++, CAP_TH_SYN | CAP_TH_ACK, NULL, 0);
    cap_engine_packet(e, ts++, buf, (uint32_t)n, (uint32_t)n);
    /* Chop the input into segments; a byte of it picks direction, size and a seq skew. */
    size_t off = 0;
    while (off < size) {
        uint8_t ctl = data[off++];
        size_t len = (size_t)(ctl & 0x3f) + 1;
        if (len > size - off)
            len = size - off;
        int dir = ctl >> 7;
        uint32_t s = seq[dir] + ((ctl & 0x40) ? 7u : 0u);   /* sometimes ahead: reordering */
        n = frame(buf, dir, s, CAP_TH_ACK | CAP_TH_PSH, data + off, len);
        cap_engine_packet(e, ts++, buf, (uint32_t)n, (uint32_t)n);
        if (!(ctl & 0x40))
            seq[dir] += (uint32_t)len;
        off += len;
    }
    cap_engine_finish(e);
    cap_engine_free(e);
    free(buf);
}

static void as_file(const uint8_t *data, size_t size)
{
    char eb[PCAP_ERRBUF_SIZE], err[RG_ERRLEN];
    FILE *fp = fmemopen((void *)data, size, "rb");
    if (fp == NULL)
        return;
    pcap_t *p = pcap_fopen_offline_with_tstamp_precision(fp, PCAP_TSTAMP_PRECISION_NANO, eb);
    if (p == NULL) {
        fclose(fp);
        return;
    }
    if (cap_link_supported(pcap_datalink(p))) {
        cap_config cfg;
        cap_config_default(&cfg);
        cap_engine *e = cap_engine_new(&cfg, pcap_datalink(p), err);
        struct pcap_pkthdr *h;
        const u_char *pk;
        while (pcap_next_ex(p, &h, &pk) == 1)
            cap_engine_packet(e, (uint64_t)h->ts.tv_sec * 1000000000u + (uint64_t)h->ts.tv_usec,
                              pk, h->caplen, h->len);
        cap_engine_finish(e);
        cap_engine_free(e);
    }
    pcap_close(p);   /* closes fp */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[RG_ERRLEN];
    cap_config cfg;
    cap_config_default(&cfg);
    for (size_t i = 0; i < sizeof dlts / sizeof *dlts; i++) {
        cap_engine *e = cap_engine_new(&cfg, dlts[i], err);
        uint8_t *copy = malloc(size ? size : 1);   /* exact size: overreads are caught */
        memcpy(copy, data, size);
        cap_engine_packet(e, 1, copy, (uint32_t)size, (uint32_t)size);
        cap_engine_packet(e, 2, copy, (uint32_t)size, (uint32_t)size + 100);
        cap_engine_finish(e);
        cap_engine_free(e);
        free(copy);
    }
    as_stream(data, size);
    as_file(data, size);
    return 0;
}
