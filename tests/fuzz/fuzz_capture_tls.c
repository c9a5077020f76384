/*
 * tests/fuzz/fuzz_capture_tls.c — fuzz target for the TLS side of the capture engine
 * (capture/tls.c, capture/tls_hello.c).
 *
 * The input is used two ways: (1) as a handshake message body handed to the hello parser as
 * a ClientHello and as a ServerHello, copied to a buffer of exactly its size so any read past
 * the end is caught; (2) as the payload of the TCP segments of one synthesized connection
 * whose first client segment is a valid ClientHello record (so the flow is taken for TLS):
 * each segment takes a control byte (direction, length, sometimes a sequence skew that makes
 * the reassembler reorder or see a gap) and that many input bytes, so record framing, hellos
 * split across records, alerts, resynchronization and the transaction logic all see hostile
 * bytes. The engine is finished and freed per input so the sanitizers see every leak.
 *
 * Seeds (tests/fuzz/corpus/fuzz_capture_tls/): the segments of real TLS 1.3 and TLS 1.2
 * connections between `rigor load` and `rigor serve --tls-cert` captured on lo, rewritten
 * in this control-byte format, plus real hello bodies and inputs found by libFuzzer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pcap/pcap.h>
#include "core/err.h"
#include "core/units.h"
#include "capture/capture_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A minimal ClientHello record: TLS 1.2 legacy fields, SNI "fuzz.test". */
static const uint8_t hello[] = {
    0x16, 0x03, 0x01, 0x00, 0x41,                       /* record: handshake, 65 bytes */
    0x01, 0x00, 0x00, 0x3d, 0x03, 0x03,                 /* ClientHello, 61 bytes */
    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
    17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32,
    0x00, 0x00, 0x02, 0x13, 0x01, 0x01, 0x00,           /* no session id, one suite, null */
    0x00, 0x12, 0x00, 0x00, 0x00, 0x0e, 0x00, 0x0c,     /* extensions: server_name */
    0x00, 0x00, 0x09,
    'f', 'u', 'z', 'z', '.', 't', 'e', 's', 't'};

/* A raw IPv4/TCP frame (port 443 serves) from the client (dir 0) or the server. */
static size_t frame(uint8_t *out, int dir, uint32_t seq, uint8_t flags, const uint8_t *p, size_t n)
{
    memset(out, 0, 40);
    out[0] = 0x45;
    out[2] = (uint8_t)((40 + n) >> 8);
    out[3] = (uint8_t)(40 + n);
    out[9] = 6;
    out[12] = out[16] = 127;
    out[15] = out[19] = 1;
    uint16_t sp = dir ? 443 : 40000, dp = dir ? 40000 : 443;
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

static void as_hello(const uint8_t *data, size_t size)
{
    uint8_t *copy = malloc(size ? size : 1);
    memcpy(copy, data, size);
    cap_buf b = {copy, size};
    cap_tls_hello h;
    cap_tls_parse_hello(&b, 1, &h);
    cap_tls_parse_hello(&b, 2, &h);
    free(copy);
}

static void as_stream(const uint8_t *data, size_t size)
{
    char err[RG_ERRLEN];
    cap_config cfg;
    cap_config_default(&cfg);
    cfg.ooo_max_segs = 4;
    cfg.max_flows = 4;   /* one connection: a small table keeps each run fast */
    cap_engine *e = cap_engine_new(&cfg, DLT_RAW, err);
    uint8_t *buf = malloc(size + sizeof hello + 64);
    uint32_t seq[2] = {1000, 5000};
    uint64_t ts = 1;
    size_t n = frame(buf, 0, seq[0]++, CAP_TH_SYN, NULL, 0);
    cap_engine_packet(e, ts++, buf, (uint32_t)n, (uint32_t)n);
    n = frame(buf, 1, seq[1]++, CAP_TH_SYN | CAP_TH_ACK, NULL, 0);
    cap_engine_packet(e, ts++, buf, (uint32_t)n, (uint32_t)n);
    n = frame(buf, 0, seq[0], CAP_TH_ACK | CAP_TH_PSH, hello, sizeof hello);
    cap_engine_packet(e, ts++, buf, (uint32_t)n, (uint32_t)n);
    seq[0] += sizeof hello;
    size_t off = 0;
    while (off < size) {
        uint8_t ctl = data[off++];
        size_t len = (size_t)(ctl & 0x3f) + 1;
        if ((ctl & 0x3f) == 0x3f && off + 2 <= size) {   /* a long segment: 2 length bytes */
            len = ((size_t)data[off] << 8 | data[off + 1]) % 4096 + 1;
            off += 2;
        }
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    as_hello(data, size);
    as_stream(data, size);
    return 0;
}
