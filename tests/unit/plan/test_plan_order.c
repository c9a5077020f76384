/*
 * tests/unit/plan/test_plan_order.c — the order of a plan's runs.
 *
 * The interleaved order is checked against tests/unit/plan/plan_order_ref.py, an independent
 * Python implementation of the documented algorithm (`python3 tests/unit/plan/plan_order_ref.py`
 * prints the expected values below), and SplitMix64 against its published first output for
 * state 0 (0xe220a8397b1dcdaf, Vigna's splitmix64.c).
 */
#include <stdlib.h>
#include <string.h>
#include "core/err.h"
#include "core/units.h"
#include "plan/plan_int.h"
#include "tests/unit/unit.h"

static char err[RG_ERRLEN];

/* A plan of nt targets x nc concurrencies x runs, parsed from text. */
static pl_plan *make_plan(int nt, int nc, int runs, const char *order, long long seed)
{
    char text[4096];
    int n = snprintf(text, sizeof text, "{\"runs\": %d, \"order\": \"%s\", \"seed\": %lld, "
                     "\"concurrency\": [", runs, order, seed);
    for (int c = 0; c < nc; c++)
        n += snprintf(text + n, sizeof text - (size_t)n, "%s%d", c ? ", " : "", (c + 1) * 10);
    n += snprintf(text + n, sizeof text - (size_t)n, "], \"targets\": [");
    for (int t = 0; t < nt; t++)
        n += snprintf(text + n, sizeof text - (size_t)n,
                      "%s{\"name\": \"t%d\", \"url\": \"http://127.0.0.1:%d/\"}", t ? ", " : "",
                      t, 1000 + t);
    snprintf(text + n, sizeof text - (size_t)n, "]}");
    pl_plan *p = pl_plan_parse("o.json", text, strlen(text), err);
    CHECK_MSG(p != NULL, "%s", err);
    return p;
}

static void check_steps(const pl_step *s, size_t n, const int (*want)[3], size_t nwant)
{
    CHECK_INT(n, nwant);
    for (size_t i = 0; i < n && i < nwant; i++)
        CHECK_MSG((int)s[i].target == want[i][0] && (int)s[i].cell == want[i][1] &&
                  s[i].run == want[i][2], "step %zu = (%zu, %zu, %d), expected (%d, %d, %d)", i,
                  s[i].target, s[i].cell, s[i].run, want[i][0], want[i][1], want[i][2]);
}

static void test_splitmix_vectors(void)
{
    uint64_t st = 0;
    CHECK(pl_splitmix64(&st) == 0xe220a8397b1dcdafULL);
    CHECK(pl_splitmix64(&st) == 0x6e789e6aa1b965f4ULL);
    st = 1;
    CHECK(pl_splitmix64(&st) == 10451216379200822465ULL);
    CHECK(pl_splitmix64(&st) == 13757245211066428519ULL);
    CHECK(pl_splitmix64(&st) == 17911839290282890590ULL);
}

static void test_rand_below_uniform(void)
{
    uint64_t st = 99, counts[3] = {0};
    for (int i = 0; i < 30000; i++)
        counts[pl_rand_below(&st, 3)]++;
    /* Chi-square with 2 degrees of freedom; deterministic for this seed. */
    double chi = 0;
    for (int i = 0; i < 3; i++)
        chi += (counts[i] - 10000.0) * (counts[i] - 10000.0) / 10000.0;
    CHECK_MSG(chi < 13.8, "chi-square %g (p < 0.001)", chi);
    CHECK_INT(pl_rand_below(&st, 1), 0);
}

static void test_sequential_and_grouped(void)
{
    static const int seq[][3] = {{0, 0, 1}, {0, 0, 2}, {0, 1, 1}, {0, 1, 2},
                                 {1, 0, 1}, {1, 0, 2}, {1, 1, 1}, {1, 1, 2}};
    static const int grp[][3] = {{0, 0, 1}, {0, 1, 1}, {0, 0, 2}, {0, 1, 2},
                                 {1, 0, 1}, {1, 1, 1}, {1, 0, 2}, {1, 1, 2}};
    size_t n;
    pl_plan *p = make_plan(2, 2, 2, "sequential", 1);
    pl_step *s = p ? pl_order_build(p, &n) : NULL;
    if (s)
        check_steps(s, n, seq, 8);
    free(s);
    pl_plan_free(p);
    p = make_plan(2, 2, 2, "grouped", 1);
    s = p ? pl_order_build(p, &n) : NULL;
    if (s)
        check_steps(s, n, grp, 8);
    free(s);
    pl_plan_free(p);
}

/* Golden orders from plan_order_ref.py. */
static void test_interleaved_golden(void)
{
    static const int a[][3] = {{0, 1, 1}, {2, 1, 1}, {0, 0, 1}, {1, 0, 1}, {2, 0, 1}, {1, 1, 1},
                               {0, 0, 2}, {0, 1, 2}, {2, 0, 2}, {1, 0, 2}, {2, 1, 2}, {1, 1, 2}};
    static const int b[][3] = {{0, 0, 1}, {0, 1, 1}, {1, 0, 1}, {0, 2, 1}, {1, 1, 1}, {1, 2, 1},
                               {1, 0, 2}, {1, 2, 2}, {1, 1, 2}, {0, 1, 2}, {0, 0, 2}, {0, 2, 2}};
    size_t n;
    pl_plan *p = make_plan(3, 2, 2, "interleaved", 7);
    pl_step *s = p ? pl_order_build(p, &n) : NULL;
    if (s)
        check_steps(s, n, a, 12);
    free(s);
    pl_plan_free(p);
    p = make_plan(2, 3, 2, "interleaved", 1);
    s = p ? pl_order_build(p, &n) : NULL;
    if (s)
        check_steps(s, n, b, 12);
    free(s);
    pl_plan_free(p);
}

/* Every step exactly once; round r holds only run r; seeds change the order. */
static void test_interleaved_properties(void)
{
    size_t n, n2;
    pl_plan *p = make_plan(4, 3, 5, "interleaved", 3);
    pl_plan *q = make_plan(4, 3, 5, "interleaved", 4);
    if (p == NULL || q == NULL)
        goto out;
    pl_step *s = pl_order_build(p, &n), *s2 = pl_order_build(p, &n2), *s3;
    size_t n3;
    s3 = pl_order_build(q, &n3);
    int seen[4][3][6];
    memset(seen, 0, sizeof seen);
    CHECK_INT(n, 60);
    for (size_t i = 0; i < n; i++) {
        seen[s[i].target][s[i].cell][s[i].run]++;
        CHECK_INT(s[i].run, (int)(i / 12) + 1);
    }
    for (int t = 0; t < 4; t++)
        for (int c = 0; c < 3; c++)
            for (int r = 1; r <= 5; r++)
                CHECK_INT(seen[t][c][r], 1);
    CHECK(n2 == n && memcmp(s, s2, n * sizeof *s) == 0);   /* reproducible */
    CHECK(n3 == n && memcmp(s, s3, n * sizeof *s) != 0);   /* another seed, another order */
    json_t *j = pl_order_json(p, s, n);
    CHECK_INT(json_array_size(j), 60);
    CHECK_STR(json_string_value(json_object_get(json_array_get(j, 0), "target")),
              p->targets[s[0].target].name);
    CHECK_INT(json_integer_value(json_object_get(json_array_get(j, 0), "concurrency")),
              (long long)p->cells[s[0].cell]);
    json_decref(j);
    free(s);
    free(s2);
    free(s3);
out:
    pl_plan_free(p);
    pl_plan_free(q);
}

/* A plan with more runs starts with the same rounds: resume can add runs to a dataset. */
static void test_more_runs_same_prefix(void)
{
    size_t n3, n5;
    pl_plan *p3 = make_plan(3, 4, 3, "interleaved", 9), *p5 = make_plan(3, 4, 5, "interleaved", 9);
    pl_step *s3 = p3 ? pl_order_build(p3, &n3) : NULL, *s5 = p5 ? pl_order_build(p5, &n5) : NULL;
    CHECK(s3 && s5 && n3 == 36 && n5 == 60 && memcmp(s3, s5, n3 * sizeof *s3) == 0);
    free(s3);
    free(s5);
    pl_plan_free(p3);
    pl_plan_free(p5);
}

int main(void)
{
    RUN(test_splitmix_vectors);
    RUN(test_rand_below_uniform);
    RUN(test_sequential_and_grouped);
    RUN(test_interleaved_golden);
    RUN(test_interleaved_properties);
    RUN(test_more_runs_same_prefix);
    return unit_done();
}
