/*
 * tests/unit/plan/test_plan_thresh.c — the threshold gate of `rigor run`: a plan's global and
 * per-target thresholds checked against an analysis document built by hand (values chosen on
 * both sides of each limit), with the summary lines it prints. The expressions themselves are
 * tested in tests/unit/analyze/test_threshold.c.
 */
#include <stdlib.h>
#include <string.h>
#include "core/err.h"
#include "core/units.h"
#include "plan/plan_int.h"
#include "tests/unit/unit.h"

static char err[RG_ERRLEN];

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
    RUN(test_check);
    return unit_done();
}
