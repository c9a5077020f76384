/*
 * capture/tls_hello.c — the fields of a ClientHello and a ServerHello that passive timing
 * needs: the server name (SNI), the session id, the negotiated version and whether a session
 * was resumed.
 *
 * Design: a handshake message is hostile input like any packet, so it is read only through
 * capture_int.h's bounds-checked accessors; cap_take() refuses a vector whose declared
 * length runs past the message, and extension walks stop at the first malformed entry. The
 * layouts are RFC 8446 §4.1.2 (ClientHello), §4.1.3 (ServerHello, HelloRetryRequest's magic
 * random), §4.2.1 (supported_versions), §4.2.11 (pre_shared_key), RFC 5246 §7.4.1 (TLS 1.2)
 * and RFC 6066 §3 (server_name). Nothing here allocates.
 *
 * What it cannot see: anything encrypted — in TLS 1.3 everything after the ServerHello,
 * including the certificate and the ALPN choice.
 *
 * Expected load: two messages per TLS connection.
 */
#include <string.h>
#include "capture/capture_int.h"

#define EXT_SERVER_NAME 0
#define EXT_PRE_SHARED_KEY 41
#define EXT_SUPPORTED_VERSIONS 43

/* SHA-256("HelloRetryRequest"), the random of a HelloRetryRequest (RFC 8446 §4.1.3). */
static const uint8_t hrr_random[32] = {
    0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
    0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C};

const char *cap_tls_version_name(uint16_t v)
{
    switch (v) {
    case 0x0301: return "TLSv1.0";
    case 0x0302: return "TLSv1.1";
    case 0x0303: return "TLSv1.2";
    case 0x0304: return "TLSv1.3";
    default: return NULL;
    }
}

/* server_name: a list of (type, name); the first host_name (type 0) is kept. */
static void parse_sni(const cap_buf *ext, cap_tls_hello *h)
{
    uint16_t list, nlen;
    uint8_t type;
    cap_buf names, name;
    if (cap_u16(ext, 0, &list) || cap_take(ext, 2, list, &names))
        return;
    for (size_t off = 0; cap_u8(&names, off, &type) == 0; off += 3 + (size_t)nlen) {
        if (cap_u16(&names, off + 1, &nlen) || cap_take(&names, off + 3, nlen, &name))
            return;
        if (type == 0) {
            size_t n = name.len < CAP_HOST_MAX - 1 ? name.len : CAP_HOST_MAX - 1;
            memcpy(h->sni, name.p, n);
            h->sni[n] = '\0';
            h->sni_len = (uint16_t)n;
            return;
        }
    }
}

/* Walk an extensions block; 0, or -1 at a malformed entry. */
static int parse_extensions(const cap_buf *exts, int type, cap_tls_hello *h)
{
    uint16_t et, elen;
    cap_buf ext;
    for (size_t off = 0; off < exts->len; off += 4 + (size_t)elen) {
        if (cap_u16(exts, off, &et) || cap_u16(exts, off + 2, &elen) ||
            cap_take(exts, off + 4, elen, &ext))
            return -1;
        if (type == 1 && et == EXT_SERVER_NAME)
            parse_sni(&ext, h);
        else if (type == 2 && et == EXT_SUPPORTED_VERSIONS && cap_u16(&ext, 0, &h->version))
            return -1;
        else if (type == 2 && et == EXT_PRE_SHARED_KEY)
            h->psk = 1;
    }
    return 0;
}

int cap_tls_parse_hello(const cap_buf *msg, int type, cap_tls_hello *h)
{
    uint16_t legacy, n16;
    uint8_t n8;
    cap_buf random, sid, exts;
    memset(h, 0, sizeof *h);
    if (cap_u16(msg, 0, &legacy) || cap_take(msg, 2, 32, &random) || cap_u8(msg, 34, &n8) ||
        n8 > 32 || cap_take(msg, 35, n8, &sid))
        return -1;
    memcpy(h->sid, sid.p, n8);
    h->sid_len = n8;
    size_t off = 35 + (size_t)n8;
    if (type == 2) {
        if (memcmp(random.p, hrr_random, 32) == 0)
            h->hrr = CAP_TLS_HRR;
        off += 2 + 1;                      /* cipher_suite, legacy_compression_method */
    } else {
        if (cap_u16(msg, off, &n16))       /* cipher_suites */
            return -1;
        off += 2 + (size_t)n16;
        if (cap_u8(msg, off, &n8))         /* legacy_compression_methods */
            return -1;
        off += 1 + (size_t)n8;
    }
    if (off > msg->len)
        return -1;
    if (off == msg->len) {                 /* no extensions (TLS 1.2 allows it) */
        h->version = type == 2 ? legacy : 0;
        return 0;
    }
    if (cap_u16(msg, off, &n16) || cap_take(msg, off + 2, n16, &exts))
        return -1;
    int rc = parse_extensions(&exts, type, h);
    if (type == 2 && h->version == 0)
        h->version = legacy;
    return rc;
}
