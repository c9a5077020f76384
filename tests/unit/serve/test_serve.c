/*
 * tests/unit/serve/test_serve.c — `rigor serve`'s engine and option parsers, driven over real
 * loopback sockets from this process: pipelining, HEAD, HTTP/1.0, bad requests, delays.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include "core/err.h"
#include "loadgen/lg_int.h"
#include "serve/serve.h"
#include "tests/unit/unit.h"

static sv_server *start(sv_opts *o)
{
    char err[RG_ERRLEN];
    if (o->threads == 0)
        o->threads = 1;
    if (o->status == 0)
        o->status = 200;
    if (sv_parse_listen("127.0.0.1:0", o, err) < 0)
        return NULL;
    sv_server *s = sv_start(o, err);
    if (s == NULL)
        printf("# %s\n", err);
    return s;
}

/* Send req, then read until the peer closes or `want` bytes of "HTTP/1.1" answers arrived. */
static size_t exchange(sv_server *s, const char *req, char *buf, size_t cap, int want)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(sv_port(s))};
    struct timeval tv = {3, 0};
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0 || write(fd, req, strlen(req)) < 0) {
        close(fd);
        return 0;
    }
    size_t n = 0;
    buf[0] = '\0';
    for (;;) {
        ssize_t r = read(fd, buf + n, cap - 1 - n);
        if (r <= 0)
            break;
        n += (size_t)r;
        buf[n] = '\0';
        int seen = 0;
        for (const char *p = buf; (p = strstr(p, "HTTP/1.1 ")) != NULL; p++)
            seen++;
        if (want > 0 && seen >= want && n > 0 && buf[n - 1] != '\n')
            break;
        if (want > 0 && seen >= want && strstr(buf, "\r\n\r\n") && (want != 1 || n > 60))
            break;
    }
    close(fd);
    return n;
}

static int count(const char *buf, const char *s)
{
    int k = 0;
    for (const char *p = buf; (p = strstr(p, s)) != NULL; p += strlen(s))
        k++;
    return k;
}

static void test_pipelining(void)
{
    sv_opts o = {.body_size = 5};
    sv_server *s = start(&o);
    char buf[8192];
    CHECK(s != NULL);
    if (s == NULL)
        return;
    const char *req = "GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\n"
                      "POST /3 HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nabcd"
                      "HEAD /4 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    exchange(s, req, buf, sizeof buf, 0);
    CHECK_INT(count(buf, "HTTP/1.1 200 OK\r\n"), 4);
    CHECK_INT(count(buf, "Content-Length: 5\r\n"), 4);
    CHECK_INT(count(buf, "\r\n\r\nrigor"), 3);           /* HEAD has no body */
    CHECK_INT(count(buf, "Connection: close"), 1);
    sv_stats st;
    sv_stop(s, &st);
    CHECK_INT(st.requests, 4);
    CHECK_INT(st.responses, 4);
    CHECK_INT(st.connections, 1);
}

static void test_http10_and_bad(void)
{
    sv_opts o = {.status = 404};
    sv_server *s = start(&o);
    char buf[4096];
    if (s == NULL)
        return;
    exchange(s, "GET / HTTP/1.0\r\n\r\n", buf, sizeof buf, 0);   /* closes after one */
    CHECK_HAS(buf, "HTTP/1.1 404 Not Found\r\n");
    CHECK_HAS(buf, "Connection: close");
    exchange(s, "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", buf, sizeof buf, 1);
    CHECK_HAS(buf, "Connection: keep-alive");
    exchange(s, "BLAH\x01 / HTTP/1.1\r\n\r\n", buf, sizeof buf, 0);
    CHECK_HAS(buf, "HTTP/1.1 400 Bad Request");
    sv_stats st;
    sv_stop(s, &st);
    CHECK_INT(st.bad_requests, 1);
}

/* Delayed responses keep their order on a connection (uniform delays reorder nothing). */
static void test_delay_order(void)
{
    sv_opts o = {.body_size = 1};
    char err[RG_ERRLEN], buf[8192], req[2048] = "";
    CHECK_INT(sv_parse_delay("uniform:1ms:30ms", &o, err), 0);
    sv_server *s = start(&o);
    if (s == NULL)
        return;
    for (int i = 0; i < 10; i++)
        strcat(req, i == 9 ? "GET / HTTP/1.1\r\nConnection: close\r\n\r\n"
                           : "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    exchange(s, req, buf, sizeof buf, 0);
    CHECK_INT(count(buf, "HTTP/1.1 200 OK"), 10);
    const char *last = strstr(buf, "Connection: close");
    CHECK(last != NULL && strstr(last, "HTTP/1.1") == NULL);   /* the closing one is last */
    sv_stop(s, NULL);
}

/* A client that half-closes after its requests still gets every (delayed) answer. */
static void test_half_close(void)
{
    sv_opts o = {.body_size = 3};
    char err[RG_ERRLEN], buf[4096];
    CHECK_INT(sv_parse_delay("20ms", &o, err), 0);
    sv_server *s = start(&o);
    if (s == NULL)
        return;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(sv_port(s))};
    struct timeval tv = {3, 0};
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    const char *req = "GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n";
    size_t n = 0;
    if (connect(fd, (struct sockaddr *)&a, sizeof a) == 0 && write(fd, req, strlen(req)) > 0) {
        shutdown(fd, SHUT_WR);
        ssize_t r;
        while (n < sizeof buf - 1 && (r = read(fd, buf + n, sizeof buf - 1 - n)) > 0)
            n += (size_t)r;
    }
    buf[n] = '\0';
    close(fd);
    CHECK_INT(count(buf, "HTTP/1.1 200 OK"), 2);
    sv_stop(s, NULL);
}

static void test_faults(void)
{
    sv_opts o = {.fault = SV_FAULT_GARBAGE, .fault_rate = 1};
    sv_server *s = start(&o);
    char buf[4096];
    if (s == NULL)
        return;
    exchange(s, "GET / HTTP/1.1\r\n\r\n", buf, sizeof buf, 0);
    CHECK_HAS(buf, "not HTTP");
    sv_stats st;
    sv_stop(s, &st);
    CHECK_INT(st.faults[SV_FAULT_GARBAGE], 1);
    CHECK_INT(st.responses, 0);
    o = (sv_opts){.fault = SV_FAULT_CLOSE, .fault_rate = 1};
    s = start(&o);
    if (s == NULL)
        return;
    CHECK_INT(exchange(s, "GET / HTTP/1.1\r\n\r\n", buf, sizeof buf, 0), 0);
    sv_stop(s, NULL);
}

static void test_parse_options(void)
{
    sv_opts o = {0};
    char err[RG_ERRLEN];
    CHECK_INT(sv_parse_delay("10ms", &o, err), 0);
    CHECK_INT(o.delay_kind, SV_DELAY_FIXED);
    CHECK_NEAR(o.delay_a, 0.01, 1e-12);
    CHECK_INT(sv_parse_delay("exp:2ms", &o, err), 0);
    CHECK_INT(o.delay_kind, SV_DELAY_EXP);
    CHECK_INT(sv_parse_delay("uniform:1ms:3ms", &o, err), 0);
    CHECK_NEAR(o.delay_b, 0.003, 1e-12);
    CHECK_INT(sv_parse_delay("uniform:3ms:1ms", &o, err), -1);
    CHECK_INT(sv_parse_delay("gauss:1ms", &o, err), -1);
    CHECK_INT(sv_parse_delay("exp:", &o, err), -1);
    CHECK_INT(sv_parse_delay("2h", &o, err), -1);
    CHECK_INT(sv_parse_listen("[::1]:8081", &o, err), 0);
    CHECK_INT(o.addr.ss_family, AF_INET6);
    CHECK_INT(sv_parse_listen("127.0.0.1:8081", &o, err), 0);
    CHECK_INT(o.addr.ss_family, AF_INET);
    CHECK_INT(sv_parse_listen("8081", &o, err), 0);
    CHECK_INT(sv_parse_listen(":8081", &o, err), 0);
    CHECK_INT(sv_parse_listen("127.0.0.1:70000", &o, err), -1);
    CHECK_INT(sv_parse_listen("::1:80", &o, err), -1);
    CHECK_INT(sv_parse_listen("[::1]80", &o, err), -1);
    CHECK_INT(sv_parse_listen("127.0.0.1:x", &o, err), -1);
}

int main(void)
{
    RUN(test_pipelining);
    RUN(test_http10_and_bad);
    RUN(test_delay_order);
    RUN(test_half_close);
    RUN(test_faults);
    RUN(test_parse_options);
    return unit_done();
}
