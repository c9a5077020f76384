/*
 * capture/http_fast.c — a fast path in front of http-parser for plain HTTP/1.1 message heads.
 *
 * Why by hand: http-parser (the library every message still can go through) walks a state
 * machine byte by byte and spends about 26 instructions per byte on a typical response head:
 * callgrind put it at 69% of `rigor capture -r`'s instructions on a keep-alive loopback
 * capture (docs/benchmarks.md, "Capture"). Finding line ends with memchr and checking each
 * byte against one class table costs a few instructions per byte. No Debian library parses
 * HTTP heads in place this way (picohttpparser and llhttp are not packaged for C in Debian 12).
 *
 * Design: cap_http_scan recognises only a narrow, common form of a message head that starts
 * at data[0] and ends inside the same buffer, and answers 0 ("let http-parser do it") for
 * everything else. The form is a strict subset of what http-parser 2.9 accepts, chosen so
 * that the outcome cannot differ: a start line "METHOD /path HTTP/1.1" (methods GET, HEAD,
 * POST, PUT, DELETE, OPTIONS, PATCH; the path of origin-form characters only) or
 * "HTTP/1.1 DDD reason" (status 200-599, a printable reason); header lines "token: value"
 * with CRLF endings, a value of printable ASCII that neither starts nor ends with white space
 * (so no obs-fold, no empty value); at most one Content-Length, of 1-15 digits; a Connection
 * header only when it says exactly "keep-alive" (HTTP/1.1's default, so nothing changes);
 * no Transfer-Encoding, Upgrade or Proxy-Connection; at most one Host; the whole head under
 * CAP_FAST_HEAD_MAX bytes. HTTP/1.0, chunked bodies, close-delimited bodies, CONNECT and
 * upgrades all go to http-parser. http.c decides from the result how the message is framed
 * and applies the same effects as the parser callbacks; tests/fuzz/fuzz_capture_packet.c
 * runs every input through an engine with and without this path and requires identical
 * transactions.
 *
 * Expected load: every message head of a capture (two per transaction).
 */
#include <pthread.h>
#include <string.h>
#include "capture/capture_int.h"

enum {
    C_TOKEN = 1,   /* RFC 9110 §5.6.2 tchar */
    C_VALUE = 2,   /* printable ASCII, space and tab: field-value characters kept here */
    C_PATH = 4     /* origin-form characters (RFC 3986 pchar, '/', '?'), no '#' */
};

/* The character classes, built once from their definitions (no hand-typed 256 entries). */
static uint8_t cls[256];
static pthread_once_t cls_once = PTHREAD_ONCE_INIT;

static void cls_init(void)
{
    static const char tchar[] = "!#$%&'*+-.^_`|~";
    static const char pchar[] = "-._~!$&'()*+,;=:@%/?";
    for (int c = 0; c < 256; c++) {
        uint8_t v = 0;
        int alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (alnum || (c != 0 && strchr(tchar, c) != NULL))
            v |= C_TOKEN;
        if ((c >= 0x20 && c < 0x7f) || c == '\t')
            v |= C_VALUE;
        if (alnum || (c != 0 && strchr(pchar, c) != NULL))
            v |= C_PATH;
        cls[c] = v;
    }
}

static const struct { const char *name; uint8_t len; int16_t method; } methods[] = {
    {"GET", 3, HTTP_GET}, {"POST", 4, HTTP_POST}, {"HEAD", 4, HTTP_HEAD},
    {"PUT", 3, HTTP_PUT}, {"DELETE", 6, HTTP_DELETE}, {"OPTIONS", 7, HTTP_OPTIONS},
    {"PATCH", 5, HTTP_PATCH},
};

/* "METHOD /path HTTP/1.1\r\n": offset after it, or 0. */
static size_t scan_request_line(const uint8_t *p, size_t n, cap_http_head *h)
{
    size_t i = 0;
    h->method = -1;
    for (size_t m = 0; m < sizeof methods / sizeof *methods; m++) {
        size_t l = methods[m].len;
        if (n > l && p[l] == ' ' && memcmp(p, methods[m].name, l) == 0) {
            h->method = methods[m].method;
            i = l + 1;
            break;
        }
    }
    if (h->method < 0 || i >= n || p[i] != '/')
        return 0;
    size_t u = i;
    while (i < n && (cls[p[i]] & C_PATH))
        i++;
    static const char tail[] = " HTTP/1.1\r\n";
    if (n - i < sizeof tail - 1 || memcmp(p + i, tail, sizeof tail - 1) != 0)
        return 0;
    h->uri = (const char *)p + u;
    h->uri_len = i - u;
    return i + sizeof tail - 1;
}

/* "HTTP/1.1 DDD reason\r\n" with a status in 200..599: offset after it, or 0. */
static size_t scan_status_line(const uint8_t *p, size_t n, cap_http_head *h)
{
    if (n < 14 || memcmp(p, "HTTP/1.1 ", 9) != 0 || p[12] != ' ')
        return 0;
    if (p[9] < '2' || p[9] > '5' || p[10] < '0' || p[10] > '9' || p[11] < '0' || p[11] > '9')
        return 0;
    h->status = (uint16_t)((p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0'));
    const uint8_t *cr = memchr(p + 13, '\r', n - 13);
    if (cr == NULL || (size_t)(cr - p) + 1 >= n || cr[1] != '\n')
        return 0;
    for (const uint8_t *q = p + 13; q < cr; q++) {
        if (!(cls[*q] & C_VALUE) || *q == '\t')
            return 0;
    }
    return (size_t)(cr - p) + 2;
}

/*
 * p[0..n) equals the lower-case lit, ignoring case. p holds token characters only, and for
 * those c | 0x20 is a lower-case letter or '-' exactly when c is that letter in either case
 * or '-' (no other tchar maps onto one), so this is strncasecmp without its call and locale.
 */
static int name_is(const uint8_t *p, const char *lit, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if ((p[i] | 0x20) != (uint8_t)lit[i])
            return 0;
    }
    return 1;
}

/* The meaning of one header (name p[0..nl), value v[0..vl)); 0, or -1 for "not fast". */
static int header(cap_http_head *h, const uint8_t *p, size_t nl, const uint8_t *v, size_t vl)
{
    switch (nl) {
    case 4:
        if (!name_is(p, "host", 4))
            return 0;
        if (h->host != NULL)
            return -1;
        h->host = (const char *)v;
        h->host_len = vl;
        return 0;
    case 7:
        return name_is(p, "upgrade", 7) ? -1 : 0;
    case 10:
        if (!name_is(p, "connection", 10))
            return 0;
        return vl == 10 && strncasecmp((const char *)v, "keep-alive", 10) == 0 ? 0 : -1;
    case 14:
        if (!name_is(p, "content-length", 14))
            return 0;
        if (h->has_length || vl > 15)
            return -1;
        h->has_length = 1;
        h->length = 0;
        for (size_t i = 0; i < vl; i++) {
            if (v[i] < '0' || v[i] > '9')
                return -1;
            h->length = h->length * 10 + (uint64_t)(v[i] - '0');
        }
        return 0;
    case 16:
        return name_is(p, "proxy-connection", 16) ? -1 : 0;
    case 17:
        return name_is(p, "transfer-encoding", 17) ? -1 : 0;
    default:
        return 0;
    }
}

/* Bytes 0x00-0x1f or 0x7f-0xff in the 8-byte word x (exact; "Bit Twiddling Hacks"). */
static inline uint64_t word_has_ctl(uint64_t x)
{
    const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
    uint64_t less = (x - ones * 0x20) & ~x & high;          /* a byte < 0x20 */
    uint64_t more = ((x + ones * (127 - 0x7e)) | x) & high; /* a byte > 0x7e */
    return less | more;
}

/*
 * The end of a field value starting at p[i]: the offset of the first byte that is not a
 * printable character, space or tab (the CR that should end it), or n. Eight bytes at a time
 * while they are all printable: values are most of a head's bytes.
 */
static size_t value_end(const uint8_t *p, size_t n, size_t i)
{
    while (n - i >= 8) {
        uint64_t x;
        memcpy(&x, p + i, 8);
        if (word_has_ctl(x))
            break;
        i += 8;
    }
    while (i < n && (cls[p[i]] & C_VALUE))
        i++;
    return i;
}

/* The end of the token starting at p[i] (four bytes a step while they are all tchars). */
static size_t token_end(const uint8_t *p, size_t n, size_t i)
{
    while (n - i >= 4 && (cls[p[i]] & cls[p[i + 1]] & cls[p[i + 2]] & cls[p[i + 3]] & C_TOKEN))
        i += 4;
    while (i < n && (cls[p[i]] & C_TOKEN))
        i++;
    return i;
}

/* Header lines from p[i] up to and including the blank line: offset after it, or 0. */
static size_t scan_headers(const uint8_t *p, size_t n, size_t i, cap_http_head *h)
{
    for (;;) {
        if (n - i < 2)
            return 0;
        if (p[i] == '\r')
            return p[i + 1] == '\n' ? i + 2 : 0;
        size_t s = i;
        i = token_end(p, n, i);
        if (i == s || i >= n || p[i] != ':')
            return 0;
        size_t nl = i - s;
        i++;
        while (i < n && (p[i] == ' ' || p[i] == '\t'))
            i++;
        size_t e = value_end(p, n, i);
        /* The value must be non-empty, end in CRLF and not in white space. */
        if (e == i || e + 1 >= n || p[e] != '\r' || p[e + 1] != '\n' || p[e - 1] == ' ' ||
            p[e - 1] == '\t')
            return 0;
        if (header(h, p + s, nl, p + i, e - i) != 0)
            return 0;
        i = e + 2;
    }
}

void cap_http_fast_init(void)
{
    pthread_once(&cls_once, cls_init);
}

size_t cap_http_scan(int d, const uint8_t *p, size_t n, cap_http_head *h)
{
    memset(h, 0, sizeof *h);
    if (n > CAP_FAST_HEAD_MAX)
        n = CAP_FAST_HEAD_MAX;             /* a longer head is left to http-parser */
    size_t i = d == 0 ? scan_request_line(p, n, h) : scan_status_line(p, n, h);
    if (i == 0)
        return 0;
    return scan_headers(p, n, i, h);
}
