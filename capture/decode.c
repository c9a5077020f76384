/*
 * capture/decode.c — link layer, IPv4/IPv6 and TCP header decoding.
 *
 * Design: tcpdump's layering, reduced to what HTTP timing needs. Each layer takes a cap_buf
 * (pointer + captured length), reads its header only through the bounds-checked accessors of
 * capture_int.h, and hands the next layer a narrowed view. Nothing is copied: the payload
 * pointer in cap_pkt points into libpcap's buffer. A header cut short by the snap length is
 * CAP_DEC_TRUNC; a header that contradicts itself is CAP_DEC_BAD; neither ever reads past
 * the captured bytes.
 *
 * Link types: EN10MB (Linux `lo` too) with any depth of 802.1Q/802.1ad tags, LINUX_SLL and
 * LINUX_SLL2 (the `any` device), NULL (host byte order) and LOOP (network order), RAW, IPV4,
 * IPV6. IPv4 options are skipped by IHL; fragments are flagged, not reassembled (HTTP over
 * TCP is never fragmented on a sane path). IPv6 extension headers (hop-by-hop, routing,
 * destination options, fragment, AH) are walked with a bound on their number.
 *
 * Expected load: every captured packet, millions per second; no allocation, no branches
 * beyond the headers' own.
 */
#include <string.h>
#include <pcap/pcap.h>
#include "capture/capture_int.h"

#define ETH_IPV4 0x0800
#define ETH_IPV6 0x86DD
#define MAX_VLAN 8
#define MAX_EXT 10

static const uint8_t v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

int cap_link_supported(int dlt)
{
    switch (dlt) {
    case DLT_EN10MB: case DLT_LINUX_SLL: case DLT_LINUX_SLL2: case DLT_NULL:
    case DLT_LOOP: case DLT_RAW: case DLT_IPV4: case DLT_IPV6:
        return 1;
    default:
        return 0;
    }
}

/* TCP header at b; payload bounded by b (already clipped to the IP payload). */
static int decode_tcp(const cap_buf *b, size_t wire_len, cap_pkt *pkt)
{
    uint8_t off, flags;
    if (cap_u16(b, 0, &pkt->sport) || cap_u16(b, 2, &pkt->dport) || cap_u32(b, 4, &pkt->seq) ||
        cap_u32(b, 8, &pkt->ack) || cap_u8(b, 12, &off) || cap_u8(b, 13, &flags))
        return CAP_DEC_TRUNC;
    size_t hlen = (size_t)(off >> 4) * 4;
    if (hlen < 20 || hlen > wire_len)
        return CAP_DEC_BAD;
    if (hlen > b->len)
        return CAP_DEC_TRUNC;
    pkt->flags = flags;
    pkt->payload = b->p + hlen;
    pkt->caplen = (uint32_t)(b->len - hlen);
    pkt->len = (uint32_t)(wire_len - hlen);
    return CAP_DEC_TCP;
}

/*
 * IPv4 (RFC 791). total length 0 happens with TSO super-segments captured on the way out:
 * the captured length stands in for it then.
 */
static int decode_ipv4(const cap_buf *b, cap_pkt *pkt)
{
    uint8_t vihl, proto;
    uint16_t total, frag;
    if (cap_u8(b, 0, &vihl) || cap_u16(b, 2, &total) || cap_u16(b, 6, &frag) ||
        cap_u8(b, 9, &proto))
        return CAP_DEC_TRUNC;
    size_t ihl = (size_t)(vihl & 0x0f) * 4;
    if (vihl >> 4 != 4 || ihl < 20)
        return CAP_DEC_BAD;
    if (b->len < ihl)
        return CAP_DEC_TRUNC;
    size_t wire = total ? total : b->len;
    if (wire < ihl)
        return CAP_DEC_BAD;
    if ((frag & 0x3fff) != 0)          /* MF set or a non-zero offset */
        return CAP_DEC_FRAG;
    if (proto != 6)
        return CAP_DEC_OTHER;
    memcpy(pkt->src, v4mapped, 12);
    memcpy(pkt->src + 12, b->p + 12, 4);
    memcpy(pkt->dst, v4mapped, 12);
    memcpy(pkt->dst + 12, b->p + 16, 4);
    pkt->v6 = 0;
    cap_buf tcp;
    cap_sub(b, ihl, wire - ihl, &tcp);
    return decode_tcp(&tcp, wire - ihl, pkt);
}

/* IPv6 (RFC 8200) with its extension header chain. */
static int decode_ipv6(const cap_buf *b, cap_pkt *pkt)
{
    uint8_t ver, next;
    uint16_t plen;
    if (cap_u8(b, 0, &ver) || cap_u16(b, 4, &plen) || cap_u8(b, 6, &next))
        return CAP_DEC_TRUNC;
    if (ver >> 4 != 6)
        return CAP_DEC_BAD;
    if (b->len < 40)
        return CAP_DEC_TRUNC;
    memcpy(pkt->src, b->p + 8, 16);
    memcpy(pkt->dst, b->p + 24, 16);
    pkt->v6 = 1;
    size_t wire = plen ? (size_t)plen + 40 : b->len;   /* 0: jumbogram or TSO */
    size_t off = 40;
    for (int i = 0; i < MAX_EXT; i++) {
        uint8_t nh, hl;
        uint16_t fo;
        switch (next) {
        case 6: {
            if (off > wire)
                return CAP_DEC_BAD;
            cap_buf tcp;
            if (cap_sub(b, off, wire - off, &tcp))
                return CAP_DEC_TRUNC;
            return decode_tcp(&tcp, wire - off, pkt);
        }
        case 0: case 43: case 60:      /* hop-by-hop, routing, destination options */
            if (cap_u8(b, off, &nh) || cap_u8(b, off + 1, &hl))
                return CAP_DEC_TRUNC;
            next = nh;
            off += ((size_t)hl + 1) * 8;
            break;
        case 44:                       /* fragment */
            if (cap_u8(b, off, &nh) || cap_u16(b, off + 2, &fo))
                return CAP_DEC_TRUNC;
            if ((fo & 0xfff9) != 0)    /* offset != 0 or M set */
                return CAP_DEC_FRAG;
            next = nh;
            off += 8;
            break;
        case 51:                       /* AH: length in 4-octet units minus 2 */
            if (cap_u8(b, off, &nh) || cap_u8(b, off + 1, &hl))
                return CAP_DEC_TRUNC;
            next = nh;
            off += ((size_t)hl + 2) * 4;
            break;
        default:
            return CAP_DEC_OTHER;
        }
    }
    return CAP_DEC_BAD;
}

static int decode_ip(const cap_buf *b, cap_pkt *pkt)
{
    uint8_t v;
    if (cap_u8(b, 0, &v))
        return CAP_DEC_TRUNC;
    if (v >> 4 == 4)
        return decode_ipv4(b, pkt);
    if (v >> 4 == 6)
        return decode_ipv6(b, pkt);
    return CAP_DEC_OTHER;
}

/* Dispatch on an EtherType at offset off of b, skipping VLAN tags (802.1Q, 802.1ad, QinQ). */
static int decode_ethertype(const cap_buf *b, size_t off, uint16_t type, cap_pkt *pkt)
{
    for (int i = 0; i <= MAX_VLAN; i++) {
        cap_buf ip;
        switch (type) {
        case ETH_IPV4: case ETH_IPV6:
            if (cap_sub(b, off, b->len, &ip))
                return CAP_DEC_TRUNC;
            return type == ETH_IPV4 ? decode_ipv4(&ip, pkt) : decode_ipv6(&ip, pkt);
        case 0x8100: case 0x88a8: case 0x9100:
            if (cap_u16(b, off + 2, &type))
                return CAP_DEC_TRUNC;
            off += 4;
            break;
        default:
            return CAP_DEC_OTHER;
        }
    }
    return CAP_DEC_BAD;
}

/* DLT_NULL stores the address family in the capturing host's order, DLT_LOOP in network order. */
static int decode_null(const cap_buf *b, int dlt, cap_pkt *pkt)
{
    uint32_t af;
    cap_buf ip;
    if (cap_u32(b, 0, &af))
        return CAP_DEC_TRUNC;
    if (dlt == DLT_NULL && (af & 0xffff) == 0)
        af = __builtin_bswap32(af);
    cap_sub(b, 4, b->len, &ip);
    if (af == 2)
        return decode_ipv4(&ip, pkt);
    if (af == 10 || af == 24 || af == 28 || af == 30)   /* AF_INET6: Linux, BSDs, Darwin */
        return decode_ipv6(&ip, pkt);
    return CAP_DEC_OTHER;
}

int cap_decode(int dlt, const uint8_t *data, size_t caplen, cap_pkt *pkt)
{
    cap_buf b = {data, caplen};
    uint16_t type;
    switch (dlt) {
    case DLT_EN10MB:
        if (cap_u16(&b, 12, &type))
            return CAP_DEC_TRUNC;
        return decode_ethertype(&b, 14, type, pkt);
    case DLT_LINUX_SLL:       /* 16-byte cooked header, protocol at 14 */
        if (cap_u16(&b, 14, &type))
            return CAP_DEC_TRUNC;
        return decode_ethertype(&b, 16, type, pkt);
    case DLT_LINUX_SLL2:      /* 20-byte cooked header, protocol first */
        if (cap_u16(&b, 0, &type) || b.len < 20)
            return CAP_DEC_TRUNC;
        return decode_ethertype(&b, 20, type, pkt);
    case DLT_NULL: case DLT_LOOP:
        return decode_null(&b, dlt, pkt);
    case DLT_RAW:
        return decode_ip(&b, pkt);
    case DLT_IPV4:
        return decode_ipv4(&b, pkt);
    case DLT_IPV6:
        return decode_ipv6(&b, pkt);
    default:
        return CAP_DEC_UNSUP;
    }
}
