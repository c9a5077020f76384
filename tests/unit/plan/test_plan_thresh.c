/*
 * tests/unit/plan/test_plan_thresh.c — threshold expressions: parsing, comparison, and the check
 * against an analysis document built by hand (values chosen on both sides of each limit).
 */
#include <stdlib.h>
#include <string.h>
#include "core/err.h"
#include "core/units.h"
#include "plan/plan_int.h"
#include "tests/unit/unit.h"

static char err[RG_ERRLEN];

static void parses(const char *text, const char *metric, enum pl_op op, double limit)
{
    pl_threshold t;
    int rc = pl_threshold_parse(text, &t, err);
    CHECK_MSG(rc == 0, "'%s': %s", text, err);
    if (rc != 0)
        return;
    CHECK_STR(t.metric, metric);
    CHECK_STR(t.text, text);
    CHECK_INT(t.op, op);
    CHECK_MSG(fabs(t.limit - limit) <= 1e-9 * fabs(limit), "'%s': limit %.17g, expected %.17g",
              text, t.limit, limit);
    pl_threshold_clear(&t);
}

static void fails(const char *text, const char *want)
{
    pl_threshold t;
    CHECK_MSG(pl_threshold_parse(text, &t, err) != 0, "accepted '%s'", text);
    CHECK_MSG(strstr(err, want) != NULL, "'%s': message \"%s\" lacks \"%s\"", text, err, want);
}

static void test_parse(void)
{
    parses("p99 < 200ms", "latency_p99", PL_OP_LT, 200000);
    parses("p50<=1.5ms", "latency_p50", PL_OP_LE, 1500);
    parses("  p99.9 <  1s ", "latency_p999", PL_OP_LT, 1e6);
    parses("latency_p90 < 500us", "latency_p90", PL_OP_LT, 500);
    parses("mean < 2 ms", "latency_mean", PL_OP_LT, 2000);
    parses("errors < 1%", "error_rate", PL_OP_LT, 0.01);
    parses("error_rate <= 0.005", "error_rate", PL_OP_LE, 0.005);
    parses("throughput_rps > 1000", "throughput_rps", PL_OP_GT, 1000);
    parses("rps >= 10k", "throughput_rps", PL_OP_GE, 10000);
    parses("throughput > 2.5e3", "throughput_rps", PL_OP_GT, 2500);
    parses("cpu < 150%", "server_cpu_pct", PL_OP_LT, 150);
    parses("server_cpu_pct < 80", "server_cpu_pct", PL_OP_LT, 80);
    parses("rss < 100MiB", "server_rss_kb", PL_OP_LT, 102400);
    parses("server_rss_kb < 2048", "server_rss_kb", PL_OP_LT, 2048);
    parses("wire_p99 < 1ms", "wire_latency_p99", PL_OP_LT, 1000);
}

static void test_parse_errors(void)
{
    fails("p98 < 1ms", "unknown metric 'p98'");
    fails("p99 < 200", "needs a unit");
    fails("p99 200ms", "expected METRIC < VALUE");
    fails("p99 = 200ms", "expected METRIC < VALUE");
    fails("p99 <", "no value after the operator");
    fails("< 200ms", "expected METRIC");
    fails("", "expected METRIC");
    fails("p99 < 10x", "bad limit");
    fails("errors < lots", "bad limit");
    fails("rps > -5", "bad limit");
    fails("cpu < inf", "bad limit");
}

static void test_ok(void)
{
    pl_threshold t;
    CHECK(pl_threshold_parse("p99 < 1ms", &t, err) == 0);
    CHECK(pl_threshold_ok(&t, 999.9));
    CHECK(!pl_threshold_ok(&t, 1000));      /* strict */
    CHECK(!pl_threshold_ok(&t, NAN));
    t.op = PL_OP_LE;
    CHECK(pl_threshold_ok(&t, 1000));
    t.op = PL_OP_GT;
    CHECK(!pl_threshold_ok(&t, 1000));
    CHECK(pl_threshold_ok(&t, 1000.1));
    t.op = PL_OP_GE;
    CHECK(pl_threshold_ok(&t, 1000));
    CHECK(!pl_threshold_ok(&t, NAN));
    char buf[64];
    CHECK_STR(pl_threshold_fmt_value(&t, t.limit, buf, sizeof buf), "1.00ms");
    pl_threshold_clear(&t);
    CHECK(pl_threshold_parse("errors < 1%", &t, err) == 0);
    CHECK_STR(pl_threshold_fmt_value(&t, 0.025, buf, sizeof buf), "2.50%");
    pl_threshold_clear(&t);
}

/* Analysis with groups a@10 (p99 800us, rps 5000), a@100 (p99 1.5ms), b@10 (no cpu). */
static json_t *analysis(void)
{
    return json_pack(
        "{s:f, s:[{s:s, s:i, s:n, s:i, s:{s:{s:i, s:f}, s:{s:i, s:f}, s:{s:i, s:f}}},"
        "         {s:s, s:i, s:n, s:i, s:{s:{s:i, s:f}, s:{s:i, s:f}, s:{s:i, s:f}}},"
        "         {s:s, s:i, s:n, s:i, s:{s:{s:i, s:f}, s:{s:i, s:f}, s:{s:i, s:n}}}]}",
        "confidence", 0.95, "groups",
        "target", "a", "concurrency", 10, "rate", "runs", 5, "metrics",
        "latency_p99", "n", 5, "mean", 800.0, "throughput_rps", "n", 5, "mean", 5000.0,
        "server_cpu_pct", "n", 5, "mean", 50.0,
        "target", "a", "concurrency", 100, "rate", "runs", 5, "metrics",
        "latency_p99", "n", 5, "mean", 1500.0, "throughput_rps", "n", 5, "mean", 9000.0,
        "server_cpu_pct", "n", 5, "mean", 90.0,
        "target", "b", "concurrency", 10, "rate", "runs", 5, "metrics",
        "latency_p99", "n", 5, "mean", 300.0, "throughput_rps", "n", 5, "mean", 20000.0,
        "server_cpu_pct", "n", 5, "mean");
}

static pl_plan *plan(const char *thresholds, const char *b_thresholds)
{
    char text[2048];
    snprintf(text, sizeof text, "{\"concurrency\": [10, 100], \"thresholds\": %s, \"targets\": "
             "[{\"name\": \"a\", \"url\": \"http://h:1/\"}, {\"name\": \"b\", \"url\": "
             "\"http://h:2/\", \"thresholds\": %s}]}", thresholds, b_thresholds);
    pl_plan *p = pl_plan_parse("t.json", text, strlen(text), err);
    CHECK_MSG(p != NULL, "%s", err);
    return p;
}

static size_t check(pl_plan *p, const json_t *an, char *out, size_t len)
{
    FILE *f = tmpfile();
    size_t bad = pl_thresholds_check(p, an, f);
    rewind(f);
    size_t n = fread(out, 1, len - 1, f);
    out[n] = '\0';
    fclose(f);
    return bad;
}

static void test_check(void)
{
    json_t *an = analysis();
    char out[4096];
    pl_plan *p = plan("[\"p99 < 1ms\", \"rps > 1000\"]", "[]");
    CHECK_INT(check(p, an, out, sizeof out), 1);   /* a@100 only */
    CHECK_HAS(out, "VIOLATED  p99 < 1ms  worst: a at concurrency 100: 1.50ms");
    CHECK_HAS(out, "ok        rps > 1000  worst: a at concurrency 10: 5.00k req/s");
    pl_plan_free(p);
    p = plan("[\"p99 < 2ms\"]", "[\"p99 < 200us\", \"rps > 30k\"]");
    CHECK_INT(check(p, an, out, sizeof out), 2);   /* b's own limits */
    CHECK_HAS(out, "ok        p99 < 2ms");
    CHECK_HAS(out, "VIOLATED  [b] p99 < 200us  worst: b at concurrency 10: 300us");
    pl_plan_free(p);
    p = plan("[\"cpu < 95%\"]", "[]");
    CHECK_INT(check(p, an, out, sizeof out), 1);   /* b has no CPU figure: not a pass */
    CHECK_HAS(out, "worst: b at concurrency 10: n/a");
    pl_plan_free(p);
    p = plan("[\"rss < 1GiB\"]", "[]");
    CHECK_INT(check(p, an, out, sizeof out), 3);   /* metric absent everywhere */
    pl_plan_free(p);
    json_t *empty = json_pack("{s:[]}", "groups");
    p = plan("[\"p99 < 1s\"]", "[]");
    CHECK_INT(check(p, empty, out, sizeof out), 1);   /* nothing measured */
    pl_plan_free(p);
    json_decref(empty);
    json_decref(an);
}

int main(void)
{
    RUN(test_parse);
    RUN(test_parse_errors);
    RUN(test_ok);
    RUN(test_check);
    return unit_done();
}
