/*
 * tests/unit/plan/test_plan.c — plan files: parsing, defaults and one rejection per kind of error.
 */
#include <stdlib.h>
#include <string.h>
#include "core/err.h"
#include "core/units.h"
#include "plan/plan_int.h"
#include "tests/unit/unit.h"

static char err[RG_ERRLEN];

static pl_plan *parse(const char *text)
{
    err[0] = '\0';
    return pl_plan_parse("p.json", text, strlen(text), err);
}

/* The plan is rejected and the message contains `want`. */
static void rejects(const char *text, const char *want)
{
    pl_plan *p = parse(text);
    CHECK_MSG(p == NULL, "accepted: %s", text);
    CHECK_MSG(strstr(err, want) != NULL, "message \"%s\" lacks \"%s\" (plan %s)", err, want,
              text);
    pl_plan_free(p);
}

#define T1 "\"targets\": [{\"name\": \"a\", \"url\": \"http://127.0.0.1:1/\"}]"

static void test_minimal_defaults(void)
{
    pl_plan *p = parse("{\"concurrency\": [10, 100]," T1 "}");
    CHECK(p != NULL);
    if (p == NULL)
        return;
    CHECK_NEAR(p->duration_s, 10, 0);
    CHECK_NEAR(p->warmup_s, 1, 0);
    CHECK_NEAR(p->cooldown_s, 0, 0);
    CHECK_INT(p->runs, 5);
    CHECK_INT(p->order, PL_ORDER_INTERLEAVED);
    CHECK_INT(p->seed, 1);
    CHECK_INT(p->ncells, 2);
    CHECK_NEAR(p->cells[1], 100, 0);
    CHECK(!p->open_loop);
    CHECK_INT(p->ntargets, 1);
    CHECK_STR(p->targets[0].name, "a");
    CHECK_STR(p->targets[0].method, "GET");
    CHECK_STR(p->targets[0].ready, "http://127.0.0.1:1/");
    CHECK_INT(p->targets[0].threads, 1);
    CHECK(p->targets[0].start == NULL);
    CHECK(p->targets[0].body == NULL);
    pl_plan_free(p);
}

/* https targets: the default port, insecure carried to the run's configuration. */
static void test_https_target(void)
{
    pl_plan *p = parse("{\"concurrency\": 1, \"targets\": [{\"url\": \"https://127.0.0.1/\","
                       " \"insecure\": true}, {\"url\": \"https://localhost:8443/\"}]}");
    CHECK_MSG(p != NULL, "%s", err);
    if (p == NULL)
        return;
    CHECK_STR(p->targets[0].name, "127.0.0.1:443");
    CHECK(p->targets[0].insecure);
    CHECK(p->targets[0].cacert == NULL);
    CHECK(!p->targets[1].insecure);
    CHECK_STR(p->targets[1].ready, "https://localhost:8443/");
    pl_plan_free(p);
}

static void test_full_plan(void)
{
    const char *text =
        "{\"title\": \"t\", \"duration\": \"300ms\", \"warmup\": 0.5, \"runs\": 3,"
        " \"rate\": \"1000,2500.5\", \"connections\": 8, \"order\": \"grouped\", \"seed\": 42,"
        " \"cooldown\": \"1s\", \"capture\": \"lo\", \"baseline\": \"b\","
        " \"thresholds\": [\"p99 < 200ms\", \"errors < 1%\"],"
        " \"targets\": [{\"url\": \"http://localhost:8080/x?y=1\"},"
        "  {\"name\": \"b\", \"url\": \"http://[::1]:9/\", \"start\": \"rigor serve\","
        "   \"ready\": \"http://[::1]:9/health\", \"env\": {\"A_B\": \"1\", \"N\": 2},"
        "   \"threads\": 2, \"method\": \"POST\", \"headers\": {\"X-A\": \"v\"},"
        "   \"body\": {\"k\": [1, 2]}, \"thresholds\": [\"rps > 10k\"]}]}";
    pl_plan *p = parse(text);
    CHECK_MSG(p != NULL, "%s", err);
    if (p == NULL)
        return;
    CHECK_NEAR(p->duration_s, 0.3, 1e-12);
    CHECK_NEAR(p->warmup_s, 0.5, 0);
    CHECK(p->open_loop);
    CHECK_INT(p->ncells, 2);
    CHECK_NEAR(p->cells[1], 2500.5, 0);
    CHECK_INT(p->connections, 8);
    CHECK_INT(p->order, PL_ORDER_GROUPED);
    CHECK_INT(p->seed, 42);
    CHECK_STR(p->capture, "lo");
    CHECK_INT(p->nthresholds, 2);
    CHECK_STR(p->targets[0].name, "localhost:8080");  /* default name */
    const pl_target *b = &p->targets[1];
    CHECK_STR(b->start, "rigor serve");
    CHECK_STR(b->ready, "http://[::1]:9/health");
    CHECK_INT(b->nenv, 2);
    CHECK_STR(b->env[0], "A_B=1");
    CHECK_STR(b->env[1], "N=2");
    CHECK_INT(b->threads, 2);
    CHECK_STR(b->method, "POST");
    CHECK_INT(b->nheaders, 1);
    CHECK_STR(b->headers[0], "X-A: v");
    CHECK_STR(b->body, "{\"k\":[1,2]}");
    CHECK_INT(b->body_len, strlen("{\"k\":[1,2]}"));
    CHECK_INT(b->nthresholds, 1);
    CHECK_NEAR(b->thresholds[0].limit, 10000, 0);
    pl_plan_free(p);
}

static void test_rejects_syntax(void)
{
    rejects("{\"runs\": 3,", "p.json:1:");
    rejects("[1, 2]", "expected a JSON object at the top");
    rejects("{\"runs\": 1, \"runs\": 2," T1 ", \"concurrency\": 1}", "duplicate");
}

static void test_rejects_keys(void)
{
    rejects("{\"concurrency\": 1, \"bogus\": 1," T1 "}", "p.json: bogus: unknown key");
    rejects("{\"concurrency\": 1, \"targets\": [{\"url\": \"http://a/\", \"sart\": \"x\"}]}",
            "p.json: targets[0].sart: unknown key");
}

static void test_rejects_durations(void)
{
    rejects("{\"duration\": \"10x\", \"concurrency\": 1," T1 "}",
            "p.json: duration: invalid duration '10x'");
    rejects("{\"warmup\": true, \"concurrency\": 1," T1 "}", "p.json: warmup: expected a duration");
    rejects("{\"duration\": \"0s\", \"concurrency\": 1," T1 "}", "duration: duration out of range");
    rejects("{\"cooldown\": -1, \"concurrency\": 1," T1 "}", "cooldown: duration out of range");
}

static void test_rejects_counts(void)
{
    rejects("{\"runs\": 0, \"concurrency\": 1," T1 "}", "p.json: runs: 0 is out of range");
    rejects("{\"runs\": \"5\", \"concurrency\": 1," T1 "}", "runs: expected an integer, got a string");
    rejects("{\"seed\": -1, \"concurrency\": 1," T1 "}", "seed:");
    rejects("{\"order\": \"random\", \"concurrency\": 1," T1 "}",
            "order: expected interleaved, sequential or grouped");
}

static void test_rejects_cells(void)
{
    rejects("{" T1 "}", "p.json: concurrency: missing");
    rejects("{\"concurrency\": 1, \"rate\": 5," T1 "}", "rate: give either concurrency or rate");
    rejects("{\"concurrency\": [10, 0]," T1 "}", "concurrency[1]: expected a positive integer");
    rejects("{\"concurrency\": [10, \"x\"]," T1 "}", "concurrency[1]: expected a positive integer");
    rejects("{\"concurrency\": [10, 10]," T1 "}", "concurrency[1]: duplicate value 10");
    rejects("{\"concurrency\": []," T1 "}", "concurrency: expected a non-empty list");
    rejects("{\"concurrency\": \"10,x\"," T1 "}", "p.json: concurrency: ");
    rejects("{\"concurrency\": 2.5," T1 "}", "concurrency: expected a positive integer");
    rejects("{\"rate\": [100, -1]," T1 "}", "rate[1]: expected a positive rate");
    rejects("{\"concurrency\": 1, \"connections\": 4," T1 "}", "connections: only used with rate");
}

static void test_rejects_targets(void)
{
    rejects("{\"concurrency\": 1}", "p.json: targets: missing");
    rejects("{\"concurrency\": 1, \"targets\": []}", "targets: expected a non-empty list");
    rejects("{\"concurrency\": 1, \"targets\": [{\"name\": \"a\", \"url\": \"http://h/\"},"
            " {\"name\": \"b\"}]}", "p.json: targets[1].url: missing");
    rejects("{\"concurrency\": 1, \"targets\": [{\"name\": \"a\", \"url\": \"http://h/\"},"
            " {\"name\": \"a\", \"url\": \"http://g/\"}]}",
            "p.json: targets[1].name: duplicate name \"a\" (also targets[0])");
    rejects("{\"concurrency\": 1, \"targets\": [{\"url\": \"ftp://h/\"}]}",
            "targets[0].url: unsupported URL scheme 'ftp'");
    rejects("{\"concurrency\": 1, \"targets\": [{\"url\": \"https://h/\", \"insecure\": 1}]}",
            "p.json: targets[0].insecure: expected true or false, got an integer");
    rejects("{\"concurrency\": 1, \"targets\": [{\"url\": \"http://h/\", \"insecure\": true}]}",
            "p.json: targets[0].insecure: the TLS options");
    rejects("{\"concurrency\": 1, \"targets\": [{\"url\": \"https://h/\", \"cacert\": \"/no/such.pem\"}]}",
            "p.json: targets[0].cacert: cannot use --cacert /no/such.pem");
    rejects("{\"concurrency\": 1, \"targets\": [{\"url\": \"https://h/\", \"cacert\": \"x\", \"insecure\": true}]}",
            "p.json: targets[0].cacert: --cacert and -k are exclusive");
    rejects("{\"concurrency\": 1, \"targets\": [{\"url\": \"http://h:99999/\"}]}",
            "targets[0].url: invalid URL 'http://h:99999/'");
    rejects("{\"concurrency\": 1, \"targets\": [{\"url\": \"http://h/x#frag\"}]}",
            "p.json: targets[0].url: invalid URL 'http://h/x#frag': user info and #fragments "
            "are not allowed");
    rejects("{\"concurrency\": 1, \"targets\": [{\"url\": \"ftp://h/\"}]}",
            "unsupported URL scheme 'ftp'");
    rejects("{\"concurrency\": 1, \"targets\": [{\"url\": \"http:///x\"}]}",
            "targets[0].url: invalid URL 'http:///x'");
    rejects("{\"concurrency\": 1, \"targets\": [{\"url\": \"http://h/\", \"ready\": \"x\"}]}",
            "targets[0].ready: invalid URL");
    rejects("{\"concurrency\": 1, \"targets\": [{\"url\": 5}]}",
            "targets[0].url: expected a string, got an integer");
    rejects("{\"concurrency\": 1, \"targets\": [{\"url\": \"http://h/\", \"name\": \"a\\u0001\"}]}",
            "targets[0].name: contains a control character");
    rejects("{\"concurrency\": 1, \"targets\": [{\"url\": \"http://h/\", \"start\": \"\"}]}",
            "targets[0].start: empty string");
    rejects("{\"concurrency\": 1, \"targets\": [{\"url\": \"http://h/\", \"threads\": 0}]}",
            "targets[0].threads: 0 is out of range");
    rejects("{\"concurrency\": 1, \"targets\": [{\"url\": \"http://h/\", \"method\": \"get\"}]}",
            "targets[0].method: invalid method 'get': expected an upper-case method");
    rejects("{\"concurrency\": 1, \"targets\": [7]}", "targets[0]: expected an object");
}

static void test_rejects_target_maps(void)
{
    rejects("{\"concurrency\": 1, \"targets\": [{\"url\": \"http://h/\", \"env\": {\"A=B\": \"1\"}}]}",
            "targets[0].env.A=B: not a valid environment variable name");
    rejects("{\"concurrency\": 1, \"targets\": [{\"url\": \"http://h/\", \"env\": [1]}]}",
            "targets[0].env: expected an object");
    rejects("{\"concurrency\": 1, \"targets\": [{\"url\": \"http://h/\", \"headers\": "
            "{\"X\": \"a\\r\\nB: c\"}}]}", "targets[0].headers.X: invalid header 'X': contains a line break");
    rejects("{\"concurrency\": 1, \"targets\": [{\"url\": \"http://h/\", \"headers\": "
            "{\"X Y\": \"a\"}}]}", "targets[0].headers.X Y: invalid header name 'X Y'");
    rejects("{\"concurrency\": 1, \"targets\": [{\"name\": \"a\", \"url\": \"http://h:80/\", "
            "\"start\": \"x\"}, {\"name\": \"b\", \"url\": \"http://h/y\", \"start\": \"y\"}]}",
            "targets[1].url: same address as targets[0] (h:80): with the interleaved order");
    {   /* the same ports are fine one at a time, or when rigor starts only one of them */
        const char *ok[] = {
            "{\"concurrency\": 1, \"order\": \"sequential\", \"targets\": [{\"name\": \"a\", "
            "\"url\": \"http://h/\", \"start\": \"x\"}, {\"name\": \"b\", \"url\": \"http://h/\", "
            "\"start\": \"y\"}]}",
            "{\"concurrency\": 1, \"targets\": [{\"name\": \"a\", \"url\": \"http://h/\"}, "
            "{\"name\": \"b\", \"url\": \"http://h/\", \"start\": \"y\"}]}"};
        for (size_t i = 0; i < 2; i++) {
            pl_plan *p = parse(ok[i]);
            CHECK_MSG(p != NULL, "%s", err);
            pl_plan_free(p);
        }
    }
    rejects("{\"concurrency\": 1, \"baseline\": \"zz\"," T1 "}",
            "p.json: baseline: no target is named \"zz\"");
}

static void test_rejects_thresholds(void)
{
    rejects("{\"concurrency\": 1, \"thresholds\": [\"p98 < 1ms\"]," T1 "}",
            "p.json: thresholds[0]: unknown metric 'p98'");
    rejects("{\"concurrency\": 1, \"thresholds\": [\"p99 < 200\"]," T1 "}",
            "thresholds[0]: bad limit in 'p99 < 200': latency limit '200' needs a unit");
    rejects("{\"concurrency\": 1, \"thresholds\": \"p99 < 1ms\"," T1 "}",
            "thresholds: expected a list of strings");
    rejects("{\"concurrency\": 1, \"thresholds\": [\"p99 < 1ms\", 3]," T1 "}",
            "thresholds[1]: expected a string");
    rejects("{\"concurrency\": 1, \"targets\": [{\"url\": \"http://h/\", \"thresholds\": "
            "[\"p99 = 1ms\"]}]}", "targets[0].thresholds[0]: invalid threshold 'p99 = 1ms'");
}

static void test_load_hosts(void)
{
    pl_plan *p = parse("{\"concurrency\": [3, 30], \"load_hosts\": [\"h1\", \"h 2\", \"h3\"]," T1 "}");
    CHECK(p != NULL);
    if (p != NULL) {
        CHECK_INT(p->nhosts, 3);
        CHECK_STR(p->hosts[1], "h 2");
        CHECK_STR(p->remote, "ssh {host}");
        CHECK_STR(p->remote_rigor, "rigor");
        CHECK_NEAR(p->start_lead_s, 3, 0);
        CHECK(p->max_skew_s < 0);
        CHECK(p->clock_probe);
        /* every word of the command is shell-safe or hex-encoded */
        char *cmd = pl_remote_command(p, &p->targets[0], 30, 1, "2026-12-01T10:00:05Z");
        CHECK_HAS(cmd, "ssh 'h 2' rigor load http://127.0.0.1:1/ --label a");
        CHECK_HAS(cmd, "-c 30 --split 2/3");
        CHECK_HAS(cmd, "--start-at 2026-12-01T10:00:05Z --clock-probe -o - -q");
        CHECK(strstr(cmd, "--args-hex") == NULL);
        free(cmd);
    }
    pl_plan_free(p);
    p = parse("{\"rate\": 900, \"connections\": 9, \"load_hosts\": [\"a\", \"b\"],"
              " \"remote\": \"ip netns exec {host}\", \"clock_probe\": false, \"max_skew\": \"5ms\","
              " \"targets\": [{\"name\": \"x y\", \"url\": \"http://h:1/?a&b\","
              " \"headers\": {\"A\": \"1 2\"}, \"body\": {\"k\": 1}}]}");
    CHECK(p != NULL);
    if (p != NULL) {
        CHECK_NEAR(p->max_skew_s, 0.005, 1e-12);
        char *cmd = pl_remote_command(p, &p->targets[0], 900, 0, "START");
        CHECK_HAS(cmd, "ip netns exec 'a' rigor load -t 1 -c 9 -r 900 --split 1/2");
        CHECK(strstr(cmd, "--clock-probe") == NULL);
        /* the label, the URL, the header and the body travel hex-encoded, in order */
        char *hex = cmd ? strstr(cmd, "--args-hex ") : NULL;
        size_t n = 0;
        char **w = hex ? lg_args_hex_decode(hex + 11, &n, err) : NULL;
        CHECK_INT(n, 7);
        if (w != NULL && n == 7) {
            CHECK_STR(w[0], "http://h:1/?a&b");
            CHECK_STR(w[1], "--label");
            CHECK_STR(w[2], "x y");
            CHECK_STR(w[3], "-H");
            CHECK_STR(w[4], "A: 1 2");
            CHECK_STR(w[5], "--body");
            CHECK_STR(w[6], "{\"k\":1}");
        }
        for (size_t i = 0; w && i < n; i++)
            free(w[i]);
        free(w);
        free(cmd);
    }
    pl_plan_free(p);
}

static void test_rejects_load_hosts(void)
{
    rejects("{\"concurrency\": 1, \"remote\": \"ssh {host}\"," T1 "}",
            "p.json: remote: only used with load_hosts");
    rejects("{\"concurrency\": 4, \"load_hosts\": []," T1 "}", "load_hosts: expected a list");
    rejects("{\"concurrency\": 4, \"load_hosts\": [\"a\", \"a\"]," T1 "}",
            "load_hosts[1]: duplicate host \"a\"");
    rejects("{\"concurrency\": 4, \"load_hosts\": [\"a\", 1]," T1 "}",
            "load_hosts[1]: expected a host name");
    rejects("{\"concurrency\": 4, \"load_hosts\": [\"a\"], \"remote\": \"ssh\"," T1 "}",
            "remote: must contain {host}");
    rejects("{\"concurrency\": 4, \"load_hosts\": [\"a\"], \"remote\": \"ssh {hots}\"," T1 "}",
            "remote: unknown placeholder {hots}");
    rejects("{\"concurrency\": [2, 8], \"load_hosts\": [\"a\", \"b\", \"c\"]," T1 "}",
            "concurrency: 2 connections cannot be split over 3 load hosts");
    rejects("{\"rate\": 10, \"connections\": 1, \"load_hosts\": [\"a\", \"b\"]," T1 "}",
            "connections: 1 connections cannot be split over 2 load hosts");
    rejects("{\"concurrency\": 4, \"load_hosts\": [\"a\"], \"capture\": \"lo\"," T1 "}",
            "capture: not with load_hosts");
    rejects("{\"concurrency\": 4, \"load_hosts\": [\"a\"], \"clock_probe\": 1," T1 "}",
            "clock_probe: expected true or false");
    rejects("{\"concurrency\": 4, \"load_hosts\": [\"a\"], \"targets\": [{\"url\": "
            "\"http://h/\", \"body\": \"@/etc/passwd\"}]}", "targets[0].body: a body");
    rejects("{\"concurrency\": 4, \"load_hosts\": [\"a\"], \"targets\": [{\"url\": "
            "\"http://h/\", \"generator\": {\"command\": \"hey {url}\", \"format\": \"hey\"}}]}",
            "targets[0].generator: not with load_hosts");
}

static void test_strings_cells(void)
{
    pl_plan *p = parse("{\"concurrency\": \"1,10:30:10\"," T1 "}");
    CHECK_MSG(p != NULL, "%s", err);
    if (p) {
        CHECK_INT(p->ncells, 4);
        CHECK_NEAR(p->cells[3], 30, 0);
    }
    pl_plan_free(p);
    p = parse("{\"concurrency\": 7, \"order\": \"sequential\", \"duration\": 2," T1 "}");
    CHECK_MSG(p != NULL, "%s", err);
    if (p) {
        CHECK_INT(p->ncells, 1);
        CHECK_NEAR(p->cells[0], 7, 0);
        CHECK_NEAR(p->duration_s, 2, 0);
        CHECK_INT(p->order, PL_ORDER_SEQUENTIAL);
    }
    pl_plan_free(p);
}

int main(void)
{
    RUN(test_minimal_defaults);
    RUN(test_full_plan);
    RUN(test_https_target);
    RUN(test_rejects_syntax);
    RUN(test_rejects_keys);
    RUN(test_rejects_durations);
    RUN(test_rejects_counts);
    RUN(test_rejects_cells);
    RUN(test_rejects_targets);
    RUN(test_rejects_target_maps);
    RUN(test_rejects_thresholds);
    RUN(test_strings_cells);
    RUN(test_load_hosts);
    RUN(test_rejects_load_hosts);
    return unit_done();
}
