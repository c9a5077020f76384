/*
 * tests/unit/plan/test_merge.c — merging several load hosts' runs (plan/plan_merge.c).
 *
 * Each host's run is built here from raw latency values; the reference for the merged
 * histogram is naive: every value of every host recorded into one fresh histogram. Cases:
 * the exact merge (counts, errors by kind, status, bytes, histogram and percentiles equal to
 * the union, never the mean of the hosts' percentiles), skewed windows (within and beyond
 * the allowed skew), a window that does not overlap, histograms of different precision, a
 * host without a histogram, series on the absolute second with per-second percentiles,
 * series not on whole seconds, --split bookkeeping, failed hosts, refusals.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/dataset.h"
#include "core/err.h"
#include "core/hist.h"
#include "plan/plan_int.h"
#include "tests/unit/unit.h"

#define S 1000000000LL
#define T0 (1800000000LL * S)   /* a whole second, 2027 */

static char err[RG_ERRLEN];

typedef struct spec {
    const char *host;
    const int64_t *values;   /* latencies in µs */
    size_t n;
    int sigfigs;
    int64_t ws, we;          /* window on the reference clock (ns) */
    int64_t series_start;    /* 0: grid "window" */
    size_t seconds;          /* series length; values spread evenly over it */
    int split_i, split_n;
} spec;

static json_t *hist_json(const int64_t *v, size_t n, int sigfigs)
{
    rg_hist *h = rg_hist_new(RG_HIST_DEFAULT_HIGHEST, sigfigs, err);
    for (size_t i = 0; i < n; i++)
        rg_hist_record(h, v[i]);
    json_t *j = rg_latency_json(h);
    rg_hist_free(h);
    return j;
}

/* Second k of the series holds values [k*n/sec, (k+1)*n/sec). */
static void add_series(json_t *run, const spec *s)
{
    json_t *req = json_array(), *errs = json_array(), *hs = json_array();
    for (size_t k = 0; k < s->seconds; k++) {
        size_t a = k * s->n / s->seconds, b = (k + 1) * s->n / s->seconds;
        rg_hist *h = rg_hist_new(RG_HIST_DEFAULT_HIGHEST, 2, err);
        for (size_t i = a; i < b; i++)
            rg_hist_record(h, s->values[i]);
        json_array_append_new(req, json_integer((json_int_t)(b - a)));
        json_array_append_new(errs, json_integer(1));
        json_array_append_new(hs, b > a ? rg_hist_to_json(h) : json_null());
        rg_hist_free(h);
    }
    json_object_set_new(run, "timeseries", json_pack("{s:o, s:o}", "requests", req, "errors",
                                                     errs));
    json_object_set_new(run, "timeseries_histograms", hs);
}

static json_t *make_run(const spec *s)
{
    json_t *r = rg_run_new("web", "http://10.0.0.1:8080/", 10, 0, 1, "load", 1, NULL);
    double dur = (double)(s->we - s->ws) / 1e9;
    json_object_set_new(r, "duration_s", json_real(dur));
    json_object_set_new(r, "requests", json_integer((json_int_t)s->n));
    json_object_set_new(r, "errors", rg_errors_json(1, 2, 0, 3, 0, 4));
    json_object_set_new(r, "status", json_pack("{s:I, s:i}", "200", (json_int_t)s->n - 4,
                                               "503", 4));
    json_object_set_new(r, "bytes_in", json_integer(100 * (json_int_t)s->n));
    json_object_set_new(r, "bytes_out", json_integer(50 * (json_int_t)s->n));
    json_object_set_new(r, "throughput_rps", json_real((double)s->n / dur));
    json_object_set_new(r, "latency", s->sigfigs ? hist_json(s->values, s->n, s->sigfigs)
                                                 : json_pack("{s:s, s:f}", "unit", "us", "p99",
                                                             1.0));
    if (s->seconds)
        add_series(r, s);
    json_object_set_new(r, "connections", json_integer(10));
    json_object_set_new(r, "threads", json_integer(1));
    json_object_set_new(r, "method", json_string("GET"));
    json_object_set_new(r, "edges", json_pack("{s:i, s:i}", "outside_window", 7,
                                              "in_flight_at_end", 2));
    json_object_set_new(r, "clock", json_pack("{s:I, s:I, s:I, s:s, s:I, s:s, s:f}",
                        "load_start_ns", (json_int_t)(s->ws - S), "window_start_ns",
                        (json_int_t)s->ws, "window_end_ns", (json_int_t)s->we, "grid",
                        s->series_start ? "second" : "window", "series_start_ns",
                        (json_int_t)(s->series_start ? s->series_start : s->ws), "reference",
                        "coordinator", "uncertainty_s", 0.0001));
    if (s->split_n)
        json_object_set_new(r, "split", json_pack("{s:i, s:i, s:i}", "index", s->split_i, "of",
                                                  s->split_n, "concurrency", 30));
    return r;
}

/* Values a host sees: lo, lo + step, ... cycling over `span` distinct values. */
static int64_t *cycle(size_t n, int64_t lo, int64_t step, size_t span)
{
    int64_t *v = malloc(n * sizeof *v);
    for (size_t i = 0; i < n; i++)
        v[i] = lo + (int64_t)(i % span) * step;
    return v;
}

static int64_t *values(size_t n, int64_t lo, int64_t step)
{
    return cycle(n, lo, step, n);
}

static json_t *merge3(json_t **runs, const char **problems, double skew)
{
    pl_host_run h[3];
    const char *names[] = {"h1", "h2", "h3"};
    for (int i = 0; i < 3; i++)
        h[i] = (pl_host_run){names[i], NULL, runs[i], problems ? problems[i] : NULL};
    pl_merge_opts o = {skew};
    err[0] = '\0';
    return pl_merge(h, 3, &o, err);
}

static bool has_problem(const json_t *m, const char *sub)
{
    const json_t *p = json_object_get(json_object_get(m, "merge"), "problems");
    for (size_t i = 0; i < json_array_size(p); i++)
        if (strstr(json_string_value(json_array_get(p, i)), sub))
            return true;
    return false;
}

static bool has_note(const json_t *m, const char *sub)
{
    const json_t *p = json_object_get(json_object_get(m, "merge"), "notes");
    for (size_t i = 0; i < json_array_size(p); i++)
        if (strstr(json_string_value(json_array_get(p, i)), sub))
            return true;
    return false;
}

static void free3(json_t **r, int64_t **v)
{
    for (int i = 0; i < 3; i++) {
        json_decref(r[i]);
        free(v[i]);
    }
}

static void test_exact_merge(void)
{
    /* a slow host and two fast ones: the union's p99 is the slow host's tail */
    size_t n[3] = {3000, 50000, 70000};
    int64_t *v[3] = {cycle(n[0], 20000, 10, 1000), cycle(n[1], 100, 1, 200),
                     cycle(n[2], 150, 1, 200)};
    json_t *r[3];
    for (int i = 0; i < 3; i++)
        r[i] = make_run(&(spec){NULL, v[i], n[i], 3, T0, T0 + 10 * S, 0, 0, 0, 0});
    json_t *m = merge3(r, NULL, -1);
    CHECK_MSG(m != NULL, "%s", err);
    if (m == NULL) {
        free3(r, v);
        return;
    }
    CHECK(json_is_true(json_object_get(m, "complete")));
    CHECK_INT(rg_json_num(m, "requests", 0), 123000);
    CHECK_INT(rg_json_path_num(m, "errors.connect", 0), 3);
    CHECK_INT(rg_json_path_num(m, "errors.timeout", 0), 9);
    CHECK_INT(rg_json_path_num(m, "errors.status", 0), 12);
    CHECK_INT(rg_json_path_num(m, "status.503", 0), 12);
    CHECK_INT(rg_json_path_num(m, "status.200", 0), 123000 - 12);
    CHECK_INT(rg_json_num(m, "bytes_in", 0), 12300000);
    CHECK_INT(rg_json_num(m, "concurrency", 0), 30);
    CHECK_INT(rg_json_num(m, "connections", 0), 30);
    CHECK_INT(rg_json_path_num(m, "edges.outside_window", 0), 21);
    CHECK_NEAR(rg_json_num(m, "duration_s", 0), 10, 1e-12);
    CHECK_NEAR(rg_json_num(m, "throughput_rps", 0), 12300, 1e-6);
    /* the naive reference: every value into one histogram */
    rg_hist *ref = rg_hist_new(RG_HIST_DEFAULT_HIGHEST, 3, err);
    for (int i = 0; i < 3; i++)
        for (size_t k = 0; k < n[i]; k++)
            rg_hist_record(ref, v[i][k]);
    json_t *want = rg_latency_json(ref);
    CHECK(json_equal(json_object_get(m, "latency"), want));
    CHECK_INT(rg_json_path_num(m, "latency.p99", 0), rg_hist_percentile(ref, 99));
    double mean_p99 = 0;
    for (int i = 0; i < 3; i++)
        mean_p99 += rg_json_path_num(r[i], "latency.p99", 0) / 3;
    CHECK_MSG(rg_json_path_num(m, "latency.p99", 0) > 2 * mean_p99,
              "merged p99 %g vs mean of the hosts' %g", rg_json_path_num(m, "latency.p99", 0),
              mean_p99);
    CHECK_INT(json_array_size(json_object_get(m, "hosts")), 3);
    CHECK_STR(json_string_value(json_object_get(json_array_get(json_object_get(m, "hosts"), 2),
                                                "host")), "h3");
    CHECK(json_equal(json_object_get(json_array_get(json_object_get(m, "hosts"), 0), "latency"),
                     json_object_get(r[0], "latency")));
    json_decref(want);
    rg_hist_free(ref);
    json_decref(m);
    free3(r, v);
}

static void test_skewed_windows(void)
{
    int64_t *v[3] = {values(100, 100, 1), values(100, 100, 1), values(100, 100, 1)};
    json_t *r[3];
    int64_t starts[3] = {T0, T0 + 4 * S / 1000, T0 + 7 * S / 1000};   /* 0, 4, 7 ms */
    for (int i = 0; i < 3; i++)
        r[i] = make_run(&(spec){NULL, v[i], 100, 3, starts[i], starts[i] + 10 * S, 0, 0, 0, 0});
    json_t *m = merge3(r, NULL, -1);   /* default: 1% of 10 s = 100 ms */
    CHECK(m != NULL && json_is_true(json_object_get(m, "complete")));
    CHECK_NEAR(rg_json_num(m, "duration_s", 0), 10 - 0.007, 1e-9);
    CHECK_NEAR(rg_json_path_num(m, "clock.window_skew_s", 0), 0.007, 1e-9);
    CHECK_NEAR(rg_json_path_num(m, "clock.end_skew_s", 0), 0.007, 1e-9);
    CHECK_NEAR(rg_json_path_num(m, "merge.max_skew_s", 0), 0.1, 1e-12);
    CHECK_INT(rg_json_path_num(m, "clock.window_start_ns", 0) == (double)(T0 + 7 * S / 1000), 1);
    json_decref(m);
    m = merge3(r, NULL, 0.005);   /* 5 ms allowed: h3 started 7 ms after h1 */
    CHECK(m != NULL && json_is_false(json_object_get(m, "complete")));
    CHECK(has_problem(m, "h3: its window started 0.007 s after the first host's"));
    CHECK(!has_problem(m, "h2:"));
    CHECK(has_problem(m, "h1: its window ended 0.007 s before the last host's"));
    json_decref(m);
    free3(r, v);
}

static void test_no_overlap(void)
{
    int64_t *v[3] = {values(100, 100, 1), values(100, 100, 1), values(100, 100, 1)};
    json_t *r[3];
    int64_t starts[3] = {T0, T0, T0 + 21 * S};   /* h3 ran 21 s later: vegeta #210 */
    for (int i = 0; i < 3; i++)
        r[i] = make_run(&(spec){NULL, v[i], 100, 3, starts[i], starts[i] + 10 * S, 0, 0, 0, 0});
    json_t *m = merge3(r, NULL, -1);
    CHECK(m != NULL && json_is_false(json_object_get(m, "complete")));
    CHECK(has_problem(m, "h3: its window did not overlap the other hosts' (it started 11.000 s "
                         "after theirs ended)"));
    CHECK_NEAR(rg_json_num(m, "duration_s", 1), 0, 0);
    json_decref(m);
    free3(r, v);
}

static void test_mismatched_precision(void)
{
    int64_t *v[3] = {values(100, 100, 1), values(100, 100, 1), values(100, 100, 1)};
    json_t *r[3];
    int sf[3] = {3, 3, 2};
    for (int i = 0; i < 3; i++)
        r[i] = make_run(&(spec){NULL, v[i], 100, sf[i], T0, T0 + 10 * S, 0, 0, 0, 0});
    json_t *m = merge3(r, NULL, -1);
    CHECK(m == NULL);
    CHECK_HAS(err, "cannot merge exactly: h3's latency histogram has 2 significant digits");
    CHECK_HAS(err, "h1's 3");
    json_decref(r[2]);
    r[2] = make_run(&(spec){NULL, v[2], 100, 0, T0, T0 + 10 * S, 0, 0, 0, 0});   /* summary */
    CHECK(merge3(r, NULL, -1) == NULL);
    CHECK_HAS(err, "h3: its latency has no histogram: percentiles cannot be merged");
    free3(r, v);
}

static void test_series_absolute_second(void)
{
    /* h2's series starts one second after h1's and h3's: sums land on the same seconds */
    size_t n = 300;
    int64_t *v[3] = {values(n, 1000, 3), values(n, 5000, 11), values(n, 90, 1)};
    int64_t ss[3] = {T0, T0 + S, T0};
    json_t *r[3];
    for (int i = 0; i < 3; i++)
        r[i] = make_run(&(spec){NULL, v[i], n, 3, ss[i], ss[i] + 3 * S, ss[i], 3, 0, 0});
    json_t *m = merge3(r, NULL, 2.0);
    CHECK(m != NULL);
    const json_t *req = json_object_get(json_object_get(m, "timeseries"), "requests");
    const json_t *p99 = json_object_get(json_object_get(m, "timeseries"), "p99");
    CHECK_INT(json_array_size(req), 4);
    long long want[4] = {200, 300, 300, 100};
    for (size_t k = 0; k < 4; k++)
        CHECK_INT(json_integer_value(json_array_get(req, k)), want[k]);
    CHECK_INT(json_integer_value(json_array_get(json_object_get(json_object_get(m, "timeseries"),
                                                                "errors"), 1)), 3);
    CHECK_INT(rg_json_path_num(m, "clock.series_start_ns", 0) == (double)T0, 1);
    /* second 1 (absolute) = h1's second 1, h2's second 0, h3's second 1 */
    rg_hist *ref = rg_hist_new(RG_HIST_DEFAULT_HIGHEST, 2, err);
    for (size_t i = 100; i < 200; i++) {
        rg_hist_record(ref, v[0][i]);
        rg_hist_record(ref, v[2][i]);
    }
    for (size_t i = 0; i < 100; i++)
        rg_hist_record(ref, v[1][i]);
    CHECK_INT(json_integer_value(json_array_get(p99, 1)), rg_hist_percentile(ref, 99));
    rg_hist_free(ref);
    json_decref(m);
    /* a host whose series is not on whole seconds: no merged series, said in the notes */
    json_decref(r[1]);
    r[1] = make_run(&(spec){NULL, v[1], n, 3, T0, T0 + 3 * S, 0, 3, 0, 0});
    m = merge3(r, NULL, 2.0);
    CHECK(m != NULL && json_object_get(m, "timeseries") == NULL);
    CHECK(has_note(m, "series not merged: h2's series are not cut on whole seconds"));
    CHECK(json_is_true(json_object_get(m, "complete")));
    json_decref(m);
    free3(r, v);
}

static void test_split_and_failures(void)
{
    int64_t *v[3] = {values(100, 100, 1), values(100, 100, 1), values(100, 100, 1)};
    json_t *r[3];
    for (int i = 0; i < 3; i++)
        r[i] = make_run(&(spec){NULL, v[i], 100, 3, T0, T0 + 10 * S, 0, 0, i + 1, 4});
    json_t *m = merge3(r, NULL, -1);   /* host 4 of 4 never reported */
    CHECK(m != NULL && json_is_false(json_object_get(m, "complete")));
    CHECK(has_problem(m, "1 of the 4 hosts of --split are missing (host 4)"));
    CHECK_INT(rg_json_num(m, "concurrency", 0), 30);   /* the whole cell, not the sum */
    json_decref(m);
    /* a host that failed: named, the others still merged, the run incomplete */
    const char *why[3] = {NULL, "was killed by signal 9 (Killed)", NULL};
    json_t *some[3] = {r[0], NULL, r[2]};
    m = merge3(some, why, -1);
    CHECK(m != NULL && json_is_false(json_object_get(m, "complete")));
    CHECK(has_problem(m, "h2: was killed by signal 9"));
    CHECK_INT(rg_json_num(m, "requests", 0), 200);
    CHECK_INT(rg_json_path_num(m, "merge.hosts_merged", 0), 2);
    json_decref(m);
    /* two hosts claiming the same share */
    json_object_set_new(json_object_get(r[2], "split"), "index", json_integer(1));
    CHECK(merge3(r, NULL, -1) == NULL);
    CHECK_HAS(err, "two runs are host 1 of 4");
    free3(r, v);
}

static void test_refusals(void)
{
    int64_t *v[3] = {values(100, 100, 1), values(100, 100, 1), values(100, 100, 1)};
    json_t *r[3];
    for (int i = 0; i < 3; i++)
        r[i] = make_run(&(spec){NULL, v[i], 100, 3, T0, T0 + 10 * S, 0, 0, 0, 0});
    json_object_set_new(r[1], "url", json_string("http://10.0.0.2:8080/"));
    CHECK(merge3(r, NULL, -1) == NULL);
    CHECK_HAS(err, "not the same target");
    json_object_set_new(r[1], "url", json_string("http://10.0.0.1:8080/"));
    json_object_set_new(r[2], "hosts", json_array());
    CHECK(merge3(r, NULL, -1) == NULL);
    CHECK_HAS(err, "h3: this run is already a merge");
    json_object_del(r[2], "hosts");
    json_t *none[3] = {NULL, NULL, NULL};
    CHECK(merge3(none, NULL, -1) == NULL);
    CHECK_HAS(err, "no host produced a run");
    /* a saturated generator is pointed out (a note: the run is still complete) */
    json_object_set_new(r[0], "client", json_pack("{s:f, s:i}", "cpu_pct", 99.0, "threads", 1));
    json_t *m = merge3(r, NULL, -1);
    CHECK(m != NULL && json_is_true(json_object_get(m, "complete")));
    CHECK(has_note(m, "h1's load generator used 99% CPU with 1 thread"));
    json_decref(m);
    free3(r, v);
}

int main(void)
{
    RUN(test_exact_merge);
    RUN(test_skewed_windows);
    RUN(test_no_overlap);
    RUN(test_mismatched_precision);
    RUN(test_series_absolute_second);
    RUN(test_split_and_failures);
    RUN(test_refusals);
    return unit_done();
}
