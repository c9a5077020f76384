/*
 * tests/unit/capture/test_capture_fast.c — the HTTP fast path (capture/http_fast.c): what it
 * takes, what it leaves to http-parser, and that the engine reports exactly the same
 * transactions with it as with http-parser alone (tests/fixtures/capture/http_diff.h).
 *
 * With CAP_FUZZ_CORPUS_OUT=DIR each conversation is also written as DIR/NAME: that is how
 * tests/fuzz/corpus/fuzz_capture_http/ was made.
 */
#include <stdlib.h>
#include "tests/unit/unit.h"
#include "tests/fixtures/capture/http_diff.h"

/* ---- cap_http_scan on its own ------------------------------------------------------------ */

static size_t scan(int d, const char *s, cap_http_head *h)
{
    return cap_http_scan(d, (const uint8_t *)s, strlen(s), h);
}

static void test_scan_plain(void)
{
    cap_http_head h;
    const char *req = "GET /a/b?x=1&y=%20 HTTP/1.1\r\nHost: example.test:8080\r\n"
                      "User-Agent: t\r\n\r\nNEXT";
    CHECK_INT(scan(0, req, &h), strlen(req) - 4);
    CHECK_INT(h.method, HTTP_GET);
    CHECK_INT(h.uri_len, 14);
    CHECK(h.uri != NULL && memcmp(h.uri, "/a/b?x=1&y=%20", 14) == 0);
    CHECK(h.host != NULL && h.host_len == 17 && memcmp(h.host, "example.test:8080", 17) == 0);
    CHECK_INT(h.has_length, 0);
    const char *resp = "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nContent-Length: 12\r\n"
                       "connection: Keep-Alive\r\n\r\nhello world\n";
    CHECK_INT(scan(1, resp, &h), strlen(resp) - 12);
    CHECK_INT(h.status, 200);
    CHECK_INT(h.has_length, 1);
    CHECK_INT(h.length, 12);
    const char *post = "POST /u HTTP/1.1\r\nContent-Length:\t5\r\n\r\nabcde";
    CHECK_INT(scan(0, post, &h), strlen(post) - 5);
    CHECK_INT(h.method, HTTP_POST);
    CHECK_INT(h.length, 5);
    CHECK(h.host == NULL);
}

/* Every one of these must be left to http-parser (0). */
static void test_scan_declines(void)
{
    static const char *const req[] = {
        "GET / HTTP/1.0\r\n\r\n",                                 /* not 1.1 */
        "CONNECT a:443 HTTP/1.1\r\n\r\n",                          /* tunnel */
        "GET http://a/ HTTP/1.1\r\n\r\n",                          /* absolute form */
        "GET /a#f HTTP/1.1\r\n\r\n",                               /* fragment */
        "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",            /* two Hosts */
        "GET / HTTP/1.1\r\nHost: a\r\n",                           /* incomplete */
        "GET / HTTP/1.1\r\nX: \r\n\r\n",                           /* empty value */
        "GET / HTTP/1.1\r\nX: a \r\n\r\n",                         /* trailing space */
        "GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n",                    /* obs-fold */
        "GET / HTTP/1.1\r\nX : a\r\n\r\n",                         /* space before colon */
        "GET / HTTP/1.1\nHost: a\n\n",                             /* bare LF */
        "GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n",
        "GET / HTTP/1.1\r\nConnection: close\r\n\r\n",
        "GET / HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n",
        "GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n",
        "GET / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n",
        "GET / HTTP/1.1\r\nContent-Length: 1234567890123456\r\n\r\n",
        "GET / HTTP/1.1\r\nX: a\x01\r\n\r\n",                     /* control byte */
        "GET / HTTP/1.1\r\nX: caf\xc3\xa9\r\n\r\n",                /* not ASCII */
        "\r\nGET / HTTP/1.1\r\n\r\n",                              /* leading CRLF */
        "BREW / HTTP/1.1\r\n\r\n",                                 /* unknown method */
    };
    static const char *const resp[] = {
        "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 100 Continue\r\n\r\n",
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\n",
        "HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n",                 /* no reason */
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
        "HTTP/1.1 200 OK\r\nProxy-Connection: keep-alive\r\n\r\n",
        "HTTP/1.1 200 OK\r\nConnection: keep-alive, x\r\n\r\n",
        "HTTP/1.1 2000 OK\r\n\r\n",
        "HTTP/1.1 200 O\tK\r\n\r\n",
    };
    cap_http_head h;
    for (size_t i = 0; i < sizeof req / sizeof *req; i++)
        CHECK_MSG(scan(0, req[i], &h) == 0, "request %zu taken: %s", i, req[i]);
    for (size_t i = 0; i < sizeof resp / sizeof *resp; i++)
        CHECK_MSG(scan(1, resp[i], &h) == 0, "response %zu taken: %s", i, resp[i]);
    /* A head longer than CAP_FAST_HEAD_MAX. */
    size_t n = CAP_FAST_HEAD_MAX + 100;
    char *big = malloc(n + 1);
    memcpy(big, "GET / HTTP/1.1\r\nX: ", 19);
    memset(big + 19, 'a', n - 23);
    memcpy(big + n - 4, "\r\n\r\n", 4);
    big[n] = '\0';
    CHECK_INT(scan(0, big, &h), 0);
    free(big);
}

/* Every prefix of a plain head is declined, never read past. */
static void test_scan_prefixes(void)
{
    const char *resp = "HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\nETag: \"x\"\r\n\r\n";
    size_t n = strlen(resp);
    cap_http_head h;
    for (size_t i = 0; i < n; i++) {
        uint8_t *copy = malloc(i ? i : 1);   /* exact size: ASan sees an overread */
        memcpy(copy, resp, i);
        CHECK_MSG(cap_http_scan(1, copy, i, &h) == 0, "prefix of %zu bytes taken", i);
        free(copy);
    }
    CHECK_INT(scan(1, resp, &h), n);
}

/* ---- the engine with and without the fast path ------------------------------------------- */

typedef struct seg { int dir, flags; const char *s; } seg;   /* flags: 1 ahead, 2 FIN */

/* Build the http_diff input of a conversation; returns its length (buf of cap bytes). */
static size_t build(const seg *v, size_t n, uint8_t *buf, size_t cap)
{
    size_t off = 0;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(v[i].s);
        if (off + 3 + len > cap)
            break;
        buf[off] = (uint8_t)((v[i].dir ? 0x80 : 0) | ((v[i].flags & 1) ? 0x40 : 0) |
                             ((v[i].flags & 2) ? 0x20 : 0) | (i % 7));
        buf[off + 1] = (uint8_t)(len >> 8);
        buf[off + 2] = (uint8_t)len;
        memcpy(buf + off + 3, v[i].s, len);
        off += 3 + len;
    }
    return off;
}

static void diff_case(const char *name, const seg *v, size_t n, int want_tx)
{
    static uint8_t buf[65536];
    size_t len = build(v, n, buf, sizeof buf);
    int ntx = -1;
    int bad = cap_diff_stream(buf, len, &ntx);
    CHECK_MSG(bad == 0, "%s: %d differences", name, bad);
    CHECK_MSG(want_tx < 0 || ntx == want_tx, "%s: %d transactions, expected %d", name, ntx,
              want_tx);
    const char *dir = getenv("CAP_FUZZ_CORPUS_OUT");
    if (dir != NULL) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, name);
        FILE *fp = fopen(path, "wb");
        if (fp != NULL) {
            fwrite(buf, 1, len, fp);
            fclose(fp);
        }
    }
}

#define CASE(name, want, ...) do { \
        static const seg v_[] = {__VA_ARGS__}; \
        diff_case(name, v_, sizeof v_ / sizeof *v_, want); } while (0)

#define REQ "GET /i HTTP/1.1\r\nHost: h\r\n\r\n"
#define OK12 "HTTP/1.1 200 OK\r\nServer: t\r\nContent-Length: 12\r\n\r\nhello world\n"

static void test_diff_plain(void)
{
    CASE("plain", 3, {0, 0, REQ}, {1, 0, OK12}, {0, 0, REQ}, {1, 0, OK12}, {0, 0, REQ},
         {1, 0, OK12}, {0, 2, ""}, {1, 2, ""});
    CASE("pipelined", 3, {0, 0, REQ REQ REQ}, {1, 0, OK12 OK12}, {1, 0, OK12});
    CASE("body-split", 2,
         {0, 0, "POST /u HTTP/1.1\r\nContent-Length: 10\r\n\r\n01234"}, {0, 0, "56789" REQ},
         {1, 0, "HTTP/1.1 201 Created\r\nContent-Length: 20\r\n\r\n0123456789"},
         {1, 0, "0123456789" OK12});
    CASE("head-split", 2, {0, 0, "GET / HTTP/1.1\r\nHo"}, {0, 0, "st: a\r\n\r\n" REQ},
         {1, 0, "HTTP/1.1 200 OK\r\nContent-"}, {1, 0, "Length: 12\r\n\r\nhello world\n" OK12});
    CASE("head-204-304", 3, {0, 0, REQ REQ REQ},
         {1, 0, "HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n"},
         {1, 0, "HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n" OK12});
    CASE("head-method", 2, {0, 0, "HEAD / HTTP/1.1\r\nHost: a\r\n\r\n"},
         {1, 0, "HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n"}, {0, 0, REQ}, {1, 0, OK12});
    CASE("memo-same-head", 4, {0, 0, REQ}, {1, 0, OK12}, {0, 0, REQ}, {1, 0, OK12},
         {0, 0, "GET /i HTTP/1.1\r\nHost: h\r\nX: 1\r\n\r\n"}, {1, 0, OK12}, {0, 0, REQ},
         {1, 0, "HTTP/1.1 200 OK\r\nServer: t\r\nContent-Length: 12\r\n\r\nhello world"});
}

static void test_diff_fallbacks(void)
{
    CASE("chunked", 2, {0, 0, REQ}, {1, 0, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
                                           "\r\n5\r\nhello\r\n0\r\n\r\n"},
         {0, 0, REQ}, {1, 0, OK12});
    CASE("close-delimited", 2, {0, 0, REQ}, {1, 0, OK12}, {0, 0, REQ},
         {1, 0, "HTTP/1.1 200 OK\r\nServer: t\r\n\r\nuntil the end"}, {1, 2, ""});
    CASE("connection-close", -1, {0, 0, REQ REQ},
         {1, 0, "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok" OK12});
    CASE("http10", -1, {0, 0, "GET / HTTP/1.0\r\n\r\n" REQ},
         {1, 0, "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok" OK12});
    CASE("interim-100", 1,
         {0, 0, "POST /u HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n"},
         {1, 0, "HTTP/1.1 100 Continue\r\n\r\n"}, {0, 0, "ok"}, {1, 0, OK12});
    CASE("upgrade", -1, {0, 0, "GET / HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: x\r\n\r\n"},
         {1, 0, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n" OK12}, {0, 0, REQ});
    CASE("parse-error", -1, {0, 0, REQ}, {1, 0, "HTTP/1.1 200 OK\r\nContent-Length: 2x\r\n\r\n"},
         {0, 0, REQ}, {1, 0, OK12});
    CASE("garbage-then-plain", -1, {0, 0, REQ REQ}, {1, 0, "XTTP/1.1 200 OK\r\n\r\n"},
         {1, 0, OK12});
    CASE("gap-in-body", -1, {0, 0, REQ REQ},
         {1, 0, "HTTP/1.1 200 OK\r\nContent-Length: 30\r\n\r\n0123"}, {1, 1, "56789"},
         {1, 0, OK12});
    CASE("fin-in-body", -1, {0, 0, REQ},
         {1, 2, "HTTP/1.1 200 OK\r\nContent-Length: 30\r\n\r\n0123"});
    CASE("orphan-response", 2, {1, 0, OK12}, {0, 0, REQ}, {1, 0, OK12});
    CASE("host-empty-then-host", 1, {0, 0, "GET / HTTP/1.1\r\nFoo:\r\nHost: a\r\n\r\n"},
         {1, 0, OK12});
}

int main(void)
{
    cap_http_fast_init();
    RUN(test_scan_plain);
    RUN(test_scan_declines);
    RUN(test_scan_prefixes);
    RUN(test_diff_plain);
    RUN(test_diff_fallbacks);
    return unit_done();
}
