/*
 * tests/unit/loadgen/test_loadgen_targets.c — request mixes and scenarios: vegeta's targets
 * formats (HTTP and JSON lines, as vegeta's own documentation writes them), their errors
 * with file and line, the requests they serialize to, --think parsing, and the rate ramp's
 * schedule against a naive reference (the ramp's rate integrated step by step).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "loadgen/lg_int.h"
#include "tests/unit/unit.h"

static lg_targets *parse(const char *text, char *err)
{
    return lg_targets_parse(text, strlen(text), "t.txt", NULL, err);
}

/* vegeta's README example of the HTTP format (hosts made local), with comments. */
static void test_http_format(void)
{
    char err[RG_ERRLEN];
    lg_targets *t = parse("# mix\n"
                          "GET http://127.0.0.1:9090/path/to/dragon?item=ball\n"
                          "X-Account-ID: 8675309\n"
                          "\n"
                          "DELETE http://127.0.0.1:9090/path/to/remove\n"
                          "Confirmation-Token: 90215\n"
                          "Authorization: Token DEADBEEF\n"
                          "\r\n"
                          "GET http://127.0.0.1:9090/path/to/dragon?item=ball\n", err);
    CHECK_MSG(t != NULL, "%s", err);
    if (t == NULL)
        return;
    CHECK_INT(t->n, 3);
    CHECK_INT(t->nendpoints, 2);
    CHECK(!t->weighted);
    CHECK_STR(t->v[1].method, "DELETE");
    CHECK_INT(t->v[1].nheaders, 2);
    CHECK_STR(t->v[1].headers[1], "Authorization: Token DEADBEEF");
    CHECK_INT(t->v[2].endpoint, 0);   /* same method + URL as the first */
    CHECK_INT(t->v[1].line, 5);
    CHECK_STR(t->endpoints[1], "DELETE http://127.0.0.1:9090/path/to/remove");
    lg_targets_free(t);
}

/* @body is read relative to the targets file's directory. */
static void test_http_body(void)
{
    char dir[] = "/tmp/rigor-targets-XXXXXX", path[128], err[RG_ERRLEN];
    if (mkdtemp(dir) == NULL) {
        CHECK(0);
        return;
    }
    snprintf(path, sizeof path, "%s/b.json", dir);
    FILE *f = fopen(path, "w");
    fputs("{\"a\":1}", f);
    fclose(f);
    snprintf(path, sizeof path, "%s/t.txt", dir);
    f = fopen(path, "w");
    fputs("POST http://h:1/things\nContent-Type: application/json\n@b.json\n", f);
    fclose(f);
    lg_targets *t = lg_targets_read(path, err);
    CHECK_MSG(t != NULL, "%s", err);
    if (t != NULL) {
        CHECK_INT(t->v[0].body_len, 7);
        CHECK(memcmp(t->v[0].body, "{\"a\":1}", 7) == 0);
        lg_config cfg;
        lg_url u;
        lg_req *reqs;
        char **bufs;
        size_t n;
        lg_config_init(&cfg);
        cfg.targets = t;
        const char *hdr[] = {"X-All: 1"};
        cfg.headers = hdr;
        cfg.nheaders = 1;
        CHECK(lg_url_parse(t->v[0].url, &u, err) == 0);
        CHECK(lg_requests_build(&cfg, &u, &reqs, &n, &bufs, err) == 0);
        CHECK_INT(n, 1);
        /* a request is length-counted, not a C string */
        static const char want[] = "POST /things HTTP/1.1\r\nHost: h:1\r\nContent-Type: "
                                   "application/json\r\nX-All: 1\r\nContent-Length: 7\r\n\r\n"
                                   "{\"a\":1}";
        CHECK_INT(reqs[0].len, sizeof want - 1);
        CHECK(reqs[0].len == sizeof want - 1 && memcmp(bufs[0], want, reqs[0].len) == 0);
        free(bufs[0]);
        free(bufs);
        free(reqs);
        lg_url_free(&u);
    }
    lg_targets_free(t);
    unlink(path);
    snprintf(path, sizeof path, "%s/b.json", dir);
    unlink(path);
    rmdir(dir);
}

/* vegeta's JSON format: header values are arrays, the body is base64; weight is ours. */
static void test_json_format(void)
{
    char err[RG_ERRLEN];
    lg_targets *t = parse("{\"method\": \"POST\", \"url\": \"http://h/a\", \"body\": "
                          "\"eyJhIjoxfQ==\", \"header\": {\"Content-Type\": "
                          "[\"application/json\"], \"X-Two\": [\"1\", \"2\"]}, \"weight\": 3}\n"
                          "\n"
                          "{\"method\": \"GET\", \"url\": \"http://h/b\"}\n", err);
    CHECK_MSG(t != NULL, "%s", err);
    if (t == NULL)
        return;
    CHECK_INT(t->n, 2);
    CHECK(t->weighted);
    CHECK_NEAR(t->v[0].weight, 3, 0);
    CHECK_NEAR(t->v[1].weight, 1, 0);
    CHECK_INT(t->v[0].body_len, 7);
    CHECK(memcmp(t->v[0].body, "{\"a\":1}", 7) == 0);
    CHECK_INT(t->v[0].nheaders, 3);
    CHECK_STR(t->v[0].headers[2], "X-Two: 2");
    CHECK_INT(t->v[1].line, 3);
    lg_targets_free(t);
    /* base64 padding: one and two '=' */
    t = parse("{\"url\": \"http://h/\", \"body\": \"YQ==\"}\n{\"url\": \"http://h/\", \"body\": \"YWI=\"}", err);
    CHECK_MSG(t != NULL, "%s", err);
    if (t != NULL) {
        CHECK_INT(t->v[0].body_len, 1);
        CHECK_INT(t->v[1].body_len, 2);
        CHECK(memcmp(t->v[1].body, "ab", 2) == 0);
    }
    lg_targets_free(t);
}

/* Each problem: NULL, and the message names the file, the line and the problem. */
static void test_errors(void)
{
    static const struct { const char *text, *want; } cases[] = {
        {"GET http://h/\nbad header\n", "t.txt:2: bad header"},
        {"GET\n", "t.txt:1: expected 'METHOD URL'"},
        {"get http://h/\n", "t.txt:1: invalid method"},
        {"GET ftp://h/\n", "t.txt:1: unsupported URL scheme"},
        {"GET http://a/\n\nGET http://b/\n", "t.txt:3: 'http://b/' is not on a"},
        {"GET http://a/\n\nGET https://a/\n", "t.txt:3:"},
        {"GET http://a/\n@\n", "t.txt:2: '@' without"},
        {"GET http://a/\n@/nonexistent/x\n", "t.txt:2: body"},
        {"# nothing\n\n", "t.txt: no requests"},
        {"{\"url\": \"http://h/\", \"body\": \"e30\"}\n", "t.txt:1: \"body\" must be base64"},
        {"{\"url\": \"http://h/\", \"body\": \"e3=0\"}\n", "t.txt:1: \"body\" must be base64"},
        {"{\"url\": \"http://h/\"}\n{\"url\": \"http://h/\", \"weight\": 0}\n", "t.txt:2: \"weight\""},
        {"{\"url\": \"http://h/\", \"verb\": \"GET\"}\n", "t.txt:1: unknown key 'verb'"},
        {"{\"method\": \"GET\"}\n", "t.txt:1: \"url\" missing"},
        {"{\"url\": \"http://h/\"}\n{oops\n", "t.txt:2: invalid JSON"},
        {"{\"url\": \"http://h/\", \"header\": {\"A\": [1]}}\n", "t.txt:1: header 'A'"},
        {"{\"url\": \"http://h/\", \"header\": {\"A B\": [\"1\"]}}\n", "t.txt:1: invalid header name"},
    };
    char err[RG_ERRLEN];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        err[0] = '\0';
        lg_targets *t = parse(cases[i].text, err);
        CHECK_MSG(t == NULL, "case %zu accepted", i);
        CHECK_HAS(err, cases[i].want);
        lg_targets_free(t);
    }
    lg_targets *t = lg_targets_parse("GET http://h/\0", 14, "t.txt", NULL, err);
    CHECK(t == NULL);
    CHECK_HAS(err, "NUL");
}

/* A plan's inline requests: body_text, and errors named by index. */
static void test_inline(void)
{
    char err[RG_ERRLEN];
    json_t *a = json_loads("[{\"method\": \"POST\", \"url\": \"http://h/a\", \"body_text\": \"{}\"},"
                           " {\"url\": \"http://h/b\"}]", 0, NULL);
    lg_targets *t = lg_targets_from_json(a, "targets[0].requests", NULL, err);
    CHECK_MSG(t != NULL, "%s", err);
    if (t != NULL) {
        CHECK_INT(t->n, 2);
        CHECK_STR(t->v[1].method, "GET");
        CHECK_INT(t->v[0].body_len, 2);
    }
    lg_targets_free(t);
    json_decref(a);
    a = json_loads("[{\"url\": \"http://h/a\"}, {\"url\": \"http://h/a\", \"body\": 5}]", 0, NULL);
    t = lg_targets_from_json(a, "targets[0].requests", NULL, err);
    CHECK(t == NULL);
    CHECK_HAS(err, "targets[0].requests[1]: \"body\"");
    json_decref(a);
}

static void test_think_parse(void)
{
    char err[RG_ERRLEN], buf[64];
    lg_think t;
    CHECK(lg_think_parse("100ms", &t, err) == 0 && t.kind == LG_THINK_FIXED);
    CHECK_NEAR(t.a, 0.1, 1e-12);
    CHECK(lg_think_parse("exp:1s", &t, err) == 0 && t.kind == LG_THINK_EXP);
    CHECK(lg_think_parse("uniform:0.5s:1.5s", &t, err) == 0 && t.kind == LG_THINK_UNIFORM);
    CHECK_NEAR(t.b, 1.5, 1e-12);
    /* what lg_think_fmt writes parses back to the same (plans pass it to load hosts) */
    lg_think back;
    CHECK(lg_think_parse(lg_think_fmt(&t, buf, sizeof buf), &back, err) == 0);
    CHECK(back.kind == t.kind && back.a == t.a && back.b == t.b);
    CHECK(lg_think_parse("0", &t, err) == 0 && t.kind == LG_THINK_NONE);
    CHECK(lg_think_parse("uniform:2s:1s", &t, err) < 0);
    CHECK_HAS(err, "A <= B");
    CHECK(lg_think_parse("exp:0s", &t, err) < 0);
    CHECK(lg_think_parse("2h", &t, err) < 0);
    CHECK(lg_think_parse("gauss:1s", &t, err) < 0);
    CHECK(lg_think_parse("-1s", &t, err) < 0);
}

/*
 * The ramp's schedule against a naive reference: integrate the rate r(t) in 1 µs steps and
 * note when the running count crosses each n. Up and down ramps, from 0, and past the span.
 */
static void test_ramp_schedule(void)
{
    static const double r[][2] = {{100, 2000}, {0, 500}, {3000, 200}, {50, 50}};
    const uint64_t span = 2000000000u, start = 12345;
    for (size_t k = 0; k < sizeof r / sizeof r[0]; k++) {
        double count = 0;
        uint64_t n = 1, prev = start;
        for (uint64_t us = 0; us < 3000000 && n < 4000; us++) {
            double t = ((double)us + 0.5) * 1e-6, s = (double)span / 1e9;   /* midpoint rule */
            double rate = t < s ? r[k][0] + (r[k][1] - r[k][0]) * t / s : r[k][1];
            count += rate * 1e-6;
            while (count >= (double)n && n < 4000) {
                uint64_t got = lg_ramp_time(start, r[k][0], r[k][1], span, n);
                CHECK_MSG(fabs((double)(got - start) / 1e3 - (double)us) <= 2.0,
                          "ramp %zu n %llu: %llu ns, reference %llu us", k,
                          (unsigned long long)n, (unsigned long long)(got - start),
                          (unsigned long long)us);
                CHECK(got >= prev);
                prev = got;
                n++;
            }
        }
        CHECK_INT(lg_ramp_time(start, r[k][0], r[k][1], span, 0), start);
        /* the count over [a, b) is the number of times inside it, counted naively */
        uint64_t a = start + 300000000u, b = start + 2500000000u, naive = 0;
        for (uint64_t i = 0; i < 20000; i++) {
            uint64_t t = lg_ramp_time(start, r[k][0], r[k][1], span, i);
            naive += t >= a && t < b;
        }
        CHECK_INT(lg_ramp_count(start, r[k][0], r[k][1], span, a, b), naive);
    }
    /* a constant "ramp" is the constant schedule */
    for (uint64_t i = 0; i < 1000; i++)
        CHECK_NEAR((double)lg_ramp_time(0, 700, 700, span, i), (double)lg_sched_time(0, 700, i),
                   1.0);
}

int main(void)
{
    RUN(test_http_format);
    RUN(test_http_body);
    RUN(test_json_format);
    RUN(test_errors);
    RUN(test_inline);
    RUN(test_think_parse);
    RUN(test_ramp_schedule);
    return unit_done();
}
