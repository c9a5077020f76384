/*
 * tests/unit/loadgen/test_loadgen_url.c — URL parsing, header checks and the serialized request,
 * compared byte for byte with what RFC 9112 says the request must be.
 */
#include <stdlib.h>
#include "core/err.h"
#include "loadgen/lg_int.h"
#include "tests/unit/unit.h"

static void test_url_good(void)
{
    char err[RG_ERRLEN];
    lg_url u;
    CHECK_INT(lg_url_parse("http://127.0.0.1:8080/a/b?x=1&y=2", &u, err), 0);
    CHECK_STR(u.host, "127.0.0.1");
    CHECK_INT(u.port, 8080);
    CHECK_STR(u.path, "/a/b?x=1&y=2");
    CHECK_STR(u.hostport, "127.0.0.1:8080");
    lg_url_free(&u);
    CHECK_INT(lg_url_parse("http://localhost", &u, err), 0);
    CHECK_INT(u.port, 80);
    CHECK_STR(u.path, "/");
    CHECK_STR(u.hostport, "localhost");
    lg_url_free(&u);
    CHECK_INT(lg_url_parse("HTTP://[::1]:9000/x", &u, err), 0);
    CHECK_STR(u.host, "::1");
    CHECK_STR(u.hostport, "[::1]:9000");
    CHECK_STR(u.path, "/x");
    lg_url_free(&u);
    CHECK_INT(lg_url_parse("http://h/?q", &u, err), 0);
    CHECK_STR(u.path, "/?q");
    CHECK(!u.tls);
    lg_url_free(&u);
    /* https (RFC 9110 §4.2.2): default port 443, the Host header without it */
    CHECK_INT(lg_url_parse("https://example.test/x", &u, err), 0);
    CHECK(u.tls);
    CHECK_INT(u.port, 443);
    CHECK_STR(u.hostport, "example.test");
    lg_url_free(&u);
    CHECK_INT(lg_url_parse("HTTPS://[::1]:8443/", &u, err), 0);
    CHECK(u.tls);
    CHECK_INT(u.port, 8443);
    CHECK_STR(u.hostport, "[::1]:8443");
    lg_url_free(&u);
}

static void test_url_bad(void)
{
    static const struct { const char *url, *msg; } cases[] = {
        {"ftp://127.0.0.1/", "unsupported URL scheme"},
        {"httpx://127.0.0.1/", "unsupported URL scheme"},
        {"https://user@h/", "user info"},
        {"127.0.0.1:8080", "invalid URL"},
        {"http://", "invalid URL"},
        {"http://:80/", "invalid URL"},
        {"http://h:99999/", "invalid URL"},
        {"http://h:0/", "port 0"},
        {"http://user:pw@h/", "user info"},
        {"http://h/#frag", "fragment"},
        {"http://h/a b", "invalid URL"},
        {"", "invalid URL"},
        {"http://[::1/", "invalid URL"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char err[RG_ERRLEN] = "";
        lg_url u;
        int rc = lg_url_parse(cases[i].url, &u, err);
        CHECK_MSG(rc == -1, "'%s' accepted", cases[i].url);
        CHECK_HAS(err, cases[i].msg);
        if (rc == 0)
            lg_url_free(&u);
    }
}

static void test_resolve(void)
{
    char err[RG_ERRLEN];
    lg_url u;
    struct sockaddr_storage ss;
    socklen_t len;
    CHECK_INT(lg_url_parse("http://127.0.0.1:1234/", &u, err), 0);
    CHECK_INT(lg_url_resolve(&u, &ss, &len, err), 0);
    CHECK_INT(ss.ss_family, AF_INET);
    CHECK_INT(ntohs(((struct sockaddr_in *)&ss)->sin_port), 1234);
    lg_url_free(&u);
    CHECK_INT(lg_url_parse("http://no-such-host.invalid/", &u, err), 0);
    CHECK_INT(lg_url_resolve(&u, &ss, &len, err), -1);
    CHECK_HAS(err, "cannot resolve host 'no-such-host.invalid'");
    lg_url_free(&u);
}

static void test_headers(void)
{
    char err[RG_ERRLEN];
    CHECK_INT(lg_header_check("X-A: b", err), 0);
    CHECK_INT(lg_header_check("X-A:", err), 0);
    CHECK_INT(lg_header_check("no colon", err), -1);
    CHECK_INT(lg_header_check(": v", err), -1);
    CHECK_INT(lg_header_check("Bad Name: v", err), -1);
    CHECK_INT(lg_header_check("X: a\r\nInjected: 1", err), -1);
}

static void test_request(void)
{
    char err[RG_ERRLEN];
    lg_url u;
    lg_config cfg;
    size_t len;
    lg_config_init(&cfg);
    CHECK_INT(lg_url_parse("http://127.0.0.1:8080/p?q=1", &u, err), 0);
    char *r = lg_request_build(&cfg, &u, &len, err);
    const char *want = "GET /p?q=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n";
    CHECK(r != NULL && len == strlen(want) && memcmp(r, want, len) == 0);
    free(r);

    const char *hdrs[] = {"X-Test: 1", "host: example"};
    cfg.method = "POST";
    cfg.headers = hdrs;
    cfg.nheaders = 2;
    cfg.body = "a\0b";
    cfg.body_len = 3;
    cfg.keepalive = false;
    r = lg_request_build(&cfg, &u, &len, err);
    static const char want2[] = "POST /p?q=1 HTTP/1.1\r\nX-Test: 1\r\nhost: example\r\n"
                                "Content-Length: 3\r\nConnection: close\r\n\r\na\0b";
    CHECK(r != NULL && len == sizeof want2 - 1 && memcmp(r, want2, len) == 0);
    free(r);

    cfg.method = "get me";
    CHECK(lg_request_build(&cfg, &u, &len, err) == NULL);
    CHECK_HAS(err, "invalid method");
    lg_url_free(&u);
}

int main(void)
{
    RUN(test_url_good);
    RUN(test_url_bad);
    RUN(test_resolve);
    RUN(test_headers);
    RUN(test_request);
    return unit_done();
}
