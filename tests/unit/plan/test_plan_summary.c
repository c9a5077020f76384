/*
 * tests/unit/plan/test_plan_summary.c — the end-of-plan summary: cells in plan order (not the
 * analysis' order), means with CI half-widths, missing values as "-", only the throughput
 * and p99 comparisons, warnings with their cell.
 */
#include <stdlib.h>
#include <string.h>
#include "core/err.h"
#include "core/units.h"
#include "plan/plan_int.h"
#include "tests/unit/unit.h"

static char err[RG_ERRLEN];

static json_t *metric(double mean, double lo, double hi)
{
    return json_pack("{s:i, s:f, s:f, s:f}", "n", 5, "mean", mean, "ci_low", lo, "ci_high", hi);
}

static json_t *group(const char *t, int c, double rps, double p99)
{
    json_t *m = json_pack("{s:o, s:o, s:o, s:o}", "throughput_rps", metric(rps, rps - 100, rps + 100),
                          "latency_p99", metric(p99, p99 - 10, p99 + 10), "latency_p50",
                          metric(p99 / 4, 0, 0), "error_rate", metric(0.005, 0, 0.01));
    return json_pack("{s:s, s:i, s:n, s:i, s:o}", "target", t, "concurrency", c, "rate", "runs",
                     5, "metrics", m);
}

static void test_summary(void)
{
    const char *text = "{\"title\": \"T\", \"runs\": 5, \"concurrency\": [10, 100], \"targets\": "
                       "[{\"name\": \"first\", \"url\": \"http://h:1/\"}, {\"name\": \"second\", "
                       "\"url\": \"http://h:2/\"}]}";
    pl_plan *p = pl_plan_parse("s.json", text, strlen(text), err);
    CHECK_MSG(p != NULL, "%s", err);
    if (p == NULL)
        return;
    /* The analysis lists "second" first (the order runs happened to be made in). */
    json_t *an = json_pack(
        "{s:f, s:[o, o, o, o], s:[{s:s, s:s}, {s:s, s:s}], s:[{s:s, s:i, s:s}]}",
        "confidence", 0.9, "groups", group("second", 100, 2000, 900),
        group("second", 10, 1500, 800), group("first", 100, 40000, 300),
        group("first", 10, 30000, 200), "comparisons",
        "metric", "throughput_rps", "sentence", "second is 20x slower than first",
        "metric", "server_rss_kb", "sentence", "rss sentence", "warnings",
        "target", "first", "concurrency", 10, "message", "drift within runs");
    char buf[4096];
    FILE *f = tmpfile();
    pl_summary_print(p, an, f);
    rewind(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    CHECK_HAS(buf, "T: 2 targets x 2 concurrencies x 5 runs (interleaved order, seed 1); "
                   "means with 90% CI");
    const char *a = strstr(buf, "first                 10"), *b = strstr(buf, "first                100");
    const char *c = strstr(buf, "second                10"), *d = strstr(buf, "second               100");
    CHECK_MSG(a && b && c && d && a < b && b < c && c < d, "cells not in plan order:\n%s", buf);
    CHECK_HAS(buf, "30.0k ± 100");
    CHECK_HAS(buf, "200us ± 10us");
    CHECK_HAS(buf, "0.50%");
    CHECK_HAS(buf, "second is 20x slower than first");
    CHECK(strstr(buf, "rss sentence") == NULL);
    CHECK_HAS(buf, "first c=10: drift within runs");
    /* CPU and RSS were not measured: shown as "-", never as 0. */
    CHECK_HAS(buf, "-     -\n");
    json_decref(an);
    pl_plan_free(p);
}

int main(void)
{
    RUN(test_summary);
    return unit_done();
}
