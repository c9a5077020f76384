/*
 * tests/unit/core/test_hist.c — the HDR histogram against a naive reference (sorted samples).
 *
 * The reference for percentile p over n samples is the sorted sample at rank ceil(p/100 n)
 * (1-based). The histogram must report a value v with exact <= v <= exact * (1 + 10^-s)
 * (exact for values below 2 * 10^s, where buckets have width 1).
 */
#include <stdlib.h>
#include "core/err.h"
#include "core/hist.h"
#include "core/units.h"
#include "tests/unit/unit.h"

static char err[RG_ERRLEN];
static uint64_t rng_state = 88172645463325252ull;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Compare every percentile of interest with the sorted reference. Returns failures. */
static int compare_with_reference(rg_hist *h, int64_t *v, size_t n, int sigfigs)
{
    static const double ps[] = {0, 0.1, 1, 10, 25, 50, 75, 90, 95, 99, 99.9, 99.99, 99.999, 100};
    int bad = 0;
    qsort(v, n, sizeof *v, cmp_i64);
    double tol = 1;
    for (int i = 0; i < sigfigs; i++)
        tol /= 10;
    for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++) {
        size_t rank = (size_t)ceil(ps[i] / 100 * (double)n);
        int64_t exact = v[rank == 0 ? 0 : rank - 1];
        int64_t got = rg_hist_percentile(h, ps[i]);
        if (got < exact || (double)(got - exact) > (double)exact * tol) {
            printf("#   p%g: got %lld, exact %lld (sigfigs %d)\n", ps[i], (long long)got,
                   (long long)exact, sigfigs);
            bad++;
        }
    }
    if (rg_hist_min(h) != v[0] || rg_hist_max(h) != v[n - 1] || rg_hist_count(h) != n)
        bad++;
    return bad;
}

static void run_random(int sigfigs, int64_t maxv, size_t n, int logscale)
{
    rg_hist *h = rg_hist_new(RG_HIST_DEFAULT_HIGHEST, sigfigs, err);
    int64_t *v = malloc(n * sizeof *v);
    double sum = 0;
    CHECK(h != NULL);
    for (size_t i = 0; i < n; i++) {
        if (logscale)
            v[i] = (int64_t)exp((double)(rng() % 1000000) / 1000000.0 * log((double)maxv));
        else
            v[i] = (int64_t)(rng() % (uint64_t)maxv);
        rg_hist_record(h, v[i]);
        sum += (double)v[i];
    }
    CHECK_REL(rg_hist_mean(h), sum / (double)n, 1e-12);
    CHECK_INT(compare_with_reference(h, v, n, sigfigs), 0);
    free(v);
    rg_hist_free(h);
}

static void test_uniform_3_sigfigs(void) { run_random(3, 100000, 200000, 0); }
static void test_logscale_3_sigfigs(void) { run_random(3, RG_HIST_DEFAULT_HIGHEST, 100000, 1); }
static void test_logscale_1_sigfig(void) { run_random(1, 10000000, 50000, 1); }
static void test_logscale_2_sigfigs(void) { run_random(2, 10000000, 50000, 1); }
static void test_logscale_4_sigfigs(void) { run_random(4, 100000000, 50000, 1); }
static void test_logscale_5_sigfigs(void) { run_random(5, 1000000000, 50000, 1); }

static void test_small_values_exact(void)
{
    rg_hist *h = rg_hist_new(RG_HIST_DEFAULT_HIGHEST, 3, err);
    for (int64_t v = 0; v < 2048; v++)
        CHECK_INT(rg_hist_highest_equivalent(h, v), v);
    rg_hist_record(h, 17);
    rg_hist_record(h, 2047);
    CHECK_INT(rg_hist_percentile(h, 50), 17);
    CHECK_INT(rg_hist_percentile(h, 100), 2047);
    rg_hist_free(h);
}

static void test_all_equal(void)
{
    rg_hist *h = rg_hist_new(RG_HIST_DEFAULT_HIGHEST, 3, err);
    rg_hist_record_n(h, 123456, 1000);
    CHECK_INT(rg_hist_percentile(h, 0), 123456);
    CHECK_INT(rg_hist_percentile(h, 50), 123456);   /* clamped to [min, max] */
    CHECK_INT(rg_hist_percentile(h, 99.9), 123456);
    CHECK_NEAR(rg_hist_mean(h), 123456, 0);
    CHECK(rg_hist_stdev(h) < 123456 * 1e-3);
    rg_hist_free(h);
}

static void test_zeros_and_negatives(void)
{
    rg_hist *h = rg_hist_new(1000, 3, err);
    rg_hist_record(h, 0);
    rg_hist_record(h, -5);   /* counts as 0 */
    CHECK_INT(rg_hist_count(h), 2);
    CHECK_INT(rg_hist_max(h), 0);
    CHECK_INT(rg_hist_percentile(h, 99), 0);
    CHECK_NEAR(rg_hist_stdev(h), 0, 0);
    rg_hist_free(h);
}

static void test_one_sample_and_empty(void)
{
    rg_hist *h = rg_hist_new(RG_HIST_DEFAULT_HIGHEST, 3, err);
    CHECK_INT(rg_hist_percentile(h, 50), 0);
    CHECK_NEAR(rg_hist_mean(h), 0, 0);
    rg_hist_record(h, 987654);
    for (double p = 0; p <= 100; p += 12.5)
        CHECK_INT(rg_hist_percentile(h, p), 987654);
    CHECK_NEAR(rg_hist_stdev(h), 0, 0);
    rg_hist_free(h);
}

static void test_huge_and_saturated(void)
{
    rg_hist *h = rg_hist_new(RG_HIST_DEFAULT_HIGHEST, 3, err);
    rg_hist_record(h, RG_HIST_DEFAULT_HIGHEST);
    rg_hist_record(h, RG_HIST_DEFAULT_HIGHEST * 10);
    CHECK_INT(rg_hist_count(h), 2);
    CHECK_INT(rg_hist_saturated(h), 1);
    CHECK_INT(rg_hist_max(h), RG_HIST_DEFAULT_HIGHEST);
    CHECK_INT(rg_hist_percentile(h, 50), RG_HIST_DEFAULT_HIGHEST);
    rg_hist_free(h);
}

static void test_equivalence_bounds(void)
{
    rg_hist *h = rg_hist_new(RG_HIST_DEFAULT_HIGHEST, 3, err);
    for (int i = 0; i < 100000; i++) {
        int64_t v = (int64_t)(rng() % (uint64_t)RG_HIST_DEFAULT_HIGHEST);
        int64_t lo = rg_hist_lowest_equivalent(h, v), hi = rg_hist_highest_equivalent(h, v);
        if (lo > v || hi < v || (double)(hi - lo) > (double)v / 1000.0 + 1) {
            CHECK_MSG(0, "v=%lld lo=%lld hi=%lld", (long long)v, (long long)lo, (long long)hi);
            break;
        }
    }
    rg_hist_free(h);
}

static void test_merge_equals_union(void)
{
    rg_hist *a = rg_hist_new(RG_HIST_DEFAULT_HIGHEST, 3, err);
    rg_hist *b = rg_hist_clone_empty(a), *u = rg_hist_clone_empty(a);
    for (int i = 0; i < 50000; i++) {
        int64_t v = (int64_t)(rng() % 5000000);
        rg_hist_record(i % 3 ? a : b, v);
        rg_hist_record(u, v);
    }
    CHECK(rg_hist_merge(a, b) == 0);
    CHECK_INT(rg_hist_count(a), rg_hist_count(u));
    CHECK_INT(rg_hist_min(a), rg_hist_min(u));
    CHECK_INT(rg_hist_max(a), rg_hist_max(u));
    CHECK_REL(rg_hist_mean(a), rg_hist_mean(u), 1e-12);
    size_t pa = 0, pu = 0;
    int64_t la, ha, lu, hu;
    uint64_t ca, cu;
    int same = 1;
    while (rg_hist_next(u, &pu, &lu, &hu, &cu))
        if (!rg_hist_next(a, &pa, &la, &ha, &ca) || la != lu || ca != cu)
            same = 0;
    CHECK(same);
    CHECK(!rg_hist_next(a, &pa, &la, &ha, &ca));
    rg_hist_free(a);
    rg_hist_free(b);
    rg_hist_free(u);
}

static void test_merge_rejects_other_layout(void)
{
    rg_hist *a = rg_hist_new(RG_HIST_DEFAULT_HIGHEST, 3, err);
    rg_hist *b = rg_hist_new(RG_HIST_DEFAULT_HIGHEST, 2, err);
    rg_hist_record(b, 5);
    CHECK(rg_hist_merge(a, b) == -1);
    CHECK_INT(rg_hist_count(a), 0);
    rg_hist_free(a);
    rg_hist_free(b);
}

static void test_stdev_close_to_naive(void)
{
    rg_hist *h = rg_hist_new(RG_HIST_DEFAULT_HIGHEST, 3, err);
    enum { N = 20000 };
    static int64_t v[N];
    double mean = 0, ss = 0;
    for (int i = 0; i < N; i++) {
        v[i] = 1000 + (int64_t)(rng() % 100000);
        rg_hist_record(h, v[i]);
        mean += (double)v[i];
    }
    mean /= N;
    for (int i = 0; i < N; i++)
        ss += ((double)v[i] - mean) * ((double)v[i] - mean);
    CHECK_REL(rg_hist_stdev(h), sqrt(ss / N), 2e-3);
    rg_hist_free(h);
}

static void test_new_rejects_bad_arguments(void)
{
    CHECK(rg_hist_new(RG_HIST_DEFAULT_HIGHEST, 0, err) == NULL);
    CHECK_HAS(err, "1 to 5");
    CHECK(rg_hist_new(RG_HIST_DEFAULT_HIGHEST, 6, err) == NULL);
    CHECK(rg_hist_new(1, 3, err) == NULL);
    rg_hist_free(NULL);
}

static void test_json_round_trip(void)
{
    rg_hist *h = rg_hist_new(RG_HIST_DEFAULT_HIGHEST, 3, err);
    for (int i = 0; i < 10000; i++)
        rg_hist_record(h, (int64_t)exp((double)(rng() % 1000) / 50.0));
    rg_hist_record(h, RG_HIST_DEFAULT_HIGHEST + 1);
    json_t *j = rg_hist_to_json(h);
    rg_hist *g = rg_hist_from_json(j, err);
    CHECK(g != NULL);
    if (g != NULL) {
        CHECK_INT(rg_hist_count(g), rg_hist_count(h));
        CHECK_INT(rg_hist_min(g), rg_hist_min(h));
        CHECK_INT(rg_hist_max(g), rg_hist_max(h));
        CHECK_INT(rg_hist_saturated(g), 1);
        CHECK_NEAR(rg_hist_mean(g), rg_hist_mean(h), 0);
        for (double p = 0; p <= 100; p += 0.5)
            CHECK_INT(rg_hist_percentile(g, p), rg_hist_percentile(h, p));
        json_t *j2 = rg_hist_to_json(g);
        CHECK(json_equal(j, j2));
        json_decref(j2);
    }
    json_decref(j);
    rg_hist_free(g);
    rg_hist_free(h);
}

static void expect_reject(const char *text, const char *msg)
{
    json_error_t je;
    json_t *j = json_loads(text, 0, &je);
    CHECK_MSG(j != NULL, "fixture does not parse: %s", text);
    rg_hist *h = rg_hist_from_json(j, err);
    CHECK_MSG(h == NULL, "accepted %s", text);
    CHECK_HAS(err, msg);
    rg_hist_free(h);
    json_decref(j);
}

static void test_json_rejects(void)
{
    expect_reject("[]", "expected an object");
    expect_reject("{\"highest\": 1000, \"count\": 0, \"min\": 0, \"max\": 0, \"sum\": 0, "
                  "\"buckets\": []}", "missing \"sigfigs\"");
    expect_reject("{\"sigfigs\": 9, \"highest\": 1000, \"count\": 0, \"min\": 0, \"max\": 0, "
                  "\"sum\": 0, \"buckets\": []}", "out of range");
    expect_reject("{\"sigfigs\": 3, \"highest\": 1000, \"count\": 3, \"min\": 1, \"max\": 5, "
                  "\"sum\": 7, \"buckets\": [1, 1, 5, 1]}", "add up to 2");
    expect_reject("{\"sigfigs\": 3, \"highest\": 1000, \"count\": 2, \"min\": 1, \"max\": 5, "
                  "\"sum\": 6, \"buckets\": [5, 1, 1, 1]}", "ascend");
    expect_reject("{\"sigfigs\": 3, \"highest\": 1000, \"count\": 1, \"min\": 1, \"max\": 1, "
                  "\"sum\": 1, \"buckets\": [1, -1]}", "out of range");
    expect_reject("{\"sigfigs\": 3, \"highest\": 1000, \"count\": 1, \"min\": 1, \"max\": 1, "
                  "\"sum\": 1, \"buckets\": [1, \"x\"]}", "expected integers");
    expect_reject("{\"sigfigs\": 3, \"highest\": 1000, \"count\": 1, \"min\": 1, \"max\": 1, "
                  "\"sum\": 1, \"buckets\": [1]}", "pairs");
    expect_reject("{\"sigfigs\": 3, \"highest\": 1000, \"count\": 1, \"min\": 1, \"max\": 1, "
                  "\"sum\": \"x\", \"buckets\": [1, 1]}", "sum");
    expect_reject("{\"sigfigs\": 3, \"highest\": 1000, \"count\": 1, \"min\": 7, \"max\": 7, "
                  "\"sum\": 1, \"buckets\": [1, 1]}", "first/last bucket");
}

static void test_iteration_ascending(void)
{
    rg_hist *h = rg_hist_new(RG_HIST_DEFAULT_HIGHEST, 3, err);
    for (int i = 0; i < 1000; i++)
        rg_hist_record(h, (int64_t)(rng() % 100000000));
    size_t pos = 0;
    int64_t lo, hi, prev_hi = -1;
    uint64_t c, total = 0;
    int ordered = 1;
    while (rg_hist_next(h, &pos, &lo, &hi, &c)) {
        if (lo <= prev_hi || hi < lo)
            ordered = 0;
        prev_hi = hi;
        total += c;
    }
    CHECK(ordered);
    CHECK_INT(total, 1000);
    rg_hist_free(h);
}

int main(void)
{
    RUN(test_uniform_3_sigfigs);
    RUN(test_logscale_3_sigfigs);
    RUN(test_logscale_1_sigfig);
    RUN(test_logscale_2_sigfigs);
    RUN(test_logscale_4_sigfigs);
    RUN(test_logscale_5_sigfigs);
    RUN(test_small_values_exact);
    RUN(test_all_equal);
    RUN(test_zeros_and_negatives);
    RUN(test_one_sample_and_empty);
    RUN(test_huge_and_saturated);
    RUN(test_equivalence_bounds);
    RUN(test_merge_equals_union);
    RUN(test_merge_rejects_other_layout);
    RUN(test_stdev_close_to_naive);
    RUN(test_new_rejects_bad_arguments);
    RUN(test_json_round_trip);
    RUN(test_json_rejects);
    RUN(test_iteration_ascending);
    return unit_done();
}
