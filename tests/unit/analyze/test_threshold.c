/*
 * tests/unit/analyze/test_threshold.c — threshold expressions (analyze/threshold.c): parsing
 * in each metric's unit, the comparison, the value format, and the check against an analysis
 * document built by hand (values on both sides of each limit, a missing figure, no cell).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "analyze/analyze.h"
#include "core/err.h"
#include "tests/unit/unit.h"

static char err[RG_ERRLEN];

static void parses(const char *text, const char *metric, enum an_op op, double limit)
{
    an_threshold t;
    int rc = an_threshold_parse(text, &t, err);
    CHECK_MSG(rc == 0, "'%s': %s", text, err);
    if (rc != 0)
        return;
    CHECK_STR(t.metric, metric);
    CHECK_STR(t.text, text);
    CHECK_INT(t.op, op);
    CHECK_MSG(fabs(t.limit - limit) <= 1e-9 * fabs(limit), "'%s': limit %.17g, expected %.17g",
              text, t.limit, limit);
    an_threshold_clear(&t);
}

static void fails(const char *text, const char *want)
{
    an_threshold t;
    CHECK_MSG(an_threshold_parse(text, &t, err) != 0, "accepted '%s'", text);
    CHECK_MSG(strstr(err, want) != NULL, "'%s': message \"%s\" lacks \"%s\"", text, err, want);
}

static void test_parse(void)
{
    parses("p99 < 200ms", "latency_p99", AN_OP_LT, 200000);
    parses("p50<=1.5ms", "latency_p50", AN_OP_LE, 1500);
    parses("  p99.9 <  1s ", "latency_p999", AN_OP_LT, 1e6);
    parses("latency_p90 < 500us", "latency_p90", AN_OP_LT, 500);
    parses("mean < 2 ms", "latency_mean", AN_OP_LT, 2000);
    parses("errors < 1%", "error_rate", AN_OP_LT, 0.01);
    parses("error_rate <= 0.005", "error_rate", AN_OP_LE, 0.005);
    parses("throughput_rps > 1000", "throughput_rps", AN_OP_GT, 1000);
    parses("rps >= 10k", "throughput_rps", AN_OP_GE, 10000);
    parses("throughput > 2.5e3", "throughput_rps", AN_OP_GT, 2500);
    parses("cpu < 150%", "server_cpu_pct", AN_OP_LT, 150);
    parses("server_cpu_pct < 80", "server_cpu_pct", AN_OP_LT, 80);
    parses("rss < 100MiB", "server_rss_kb", AN_OP_LT, 102400);
    parses("server_rss_kb < 2048", "server_rss_kb", AN_OP_LT, 2048);
    parses("wire_p99 < 1ms", "wire_latency_p99", AN_OP_LT, 1000);
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
    an_threshold t;
    CHECK(an_threshold_parse("p99 < 1ms", &t, err) == 0);
    CHECK(an_threshold_ok(&t, 999.9));
    CHECK(!an_threshold_ok(&t, 1000));      /* strict */
    CHECK(!an_threshold_ok(&t, NAN));
    t.op = AN_OP_LE;
    CHECK(an_threshold_ok(&t, 1000));
    t.op = AN_OP_GT;
    CHECK(!an_threshold_ok(&t, 1000));
    CHECK(an_threshold_ok(&t, 1000.1));
    t.op = AN_OP_GE;
    CHECK(an_threshold_ok(&t, 1000));
    CHECK(!an_threshold_ok(&t, NAN));
    char buf[64];
    CHECK_STR(an_threshold_fmt_value(&t, t.limit, buf, sizeof buf), "1.00ms");
    an_threshold_clear(&t);
    CHECK(an_threshold_parse("errors < 1%", &t, err) == 0);
    CHECK_STR(an_threshold_fmt_value(&t, 0.025, buf, sizeof buf), "2.50%");
    an_threshold_clear(&t);
}

/* groups a@10 (p99 800us), a@100 (p99 1.5ms), b@10 (no p99 figure) */
static void test_check(void)
{
    json_t *an = json_pack("{s:[{s:s, s:i, s:{s:{s:f}}}, {s:s, s:i, s:{s:{s:f}}}, {s:s, s:i, s:{}}]}",
                           "groups", "target", "a", "concurrency", 10, "metrics", "latency_p99",
                           "mean", 800.0, "target", "a", "concurrency", 100, "metrics",
                           "latency_p99", "mean", 1500.0, "target", "b", "concurrency", 10,
                           "metrics");
    an_threshold t;
    an_threshold_result r;
    CHECK(an_threshold_parse("p99 < 1ms", &t, err) == 0);
    CHECK_INT(an_threshold_check(&t, "a", an, &r), 1);
    CHECK_INT(r.cells, 2);
    CHECK_INT(r.violations, 1);
    CHECK_NEAR(r.worst_value, 1500, 0);
    CHECK_INT(json_integer_value(json_object_get(r.worst, "concurrency")), 100);
    CHECK_INT(an_threshold_check(&t, NULL, an, &r), 2);   /* b has no figure: not a pass */
    CHECK(r.worst != NULL && isnan(r.worst_value));
    CHECK_STR(json_string_value(json_object_get(r.worst, "target")), "b");
    CHECK_INT(an_threshold_check(&t, "nobody", an, &r), 1);   /* nothing measured */
    CHECK_INT(r.cells, 0);
    CHECK(r.worst == NULL);
    an_threshold_clear(&t);
    CHECK(an_threshold_parse("p99 > 1ms", &t, err) == 0);   /* the other direction */
    CHECK_INT(an_threshold_check(&t, "a", an, &r), 1);
    CHECK_NEAR(r.worst_value, 800, 0);
    an_threshold_clear(&t);
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
