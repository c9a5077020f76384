/*
 * tests/unit/analyze/test_numerics.c — the statistics added for analyze v2, against
 * independent references: Mann–Whitney's exact p with ties (scipy's exact permutation test
 * in golden.txt, and a naive enumeration of every split here), the log-scale Welch test and
 * its intervals at Holm levels (scipy), and the numerics at extreme magnitudes (the exact sd
 * of the doubles in rational arithmetic; scale invariance from 1e-300 to 1e300).
 */
#include <gsl/gsl_errno.h>
#include <stdlib.h>
#include "tests/unit/unit.h"
#include "tests/unit/analyze/test_stats_golden.h"
#include "analyze/analyze.h"
#include "analyze/stats_int.h"

static double gk2(const char *what, const char *key)
{
    char k[128];
    snprintf(k, sizeof k, "%s.%s", what, key);
    return golden(k);
}

static void test_mwu_ties_vs_scipy(void)
{
    static golden_sample a, b;
    const char *keys[] = {"t1", "t2", "t3", "t4"};
    for (size_t i = 0; i < 4; i++) {
        char na[16], nb[16];
        snprintf(na, sizeof na, "%sa", keys[i]);
        snprintf(nb, sizeof nb, "%sb", keys[i]);
        CHECK(golden_sample_get(na, &a) == 0 && golden_sample_get(nb, &b) == 0);
        int exact;
        double p = an_mwu_p(a.v, a.n, b.v, b.n, NULL, &exact);
        CHECK_REL(p, gk2("mwu_ties_p", keys[i]), 1e-12);
        CHECK_INT(exact, 1);
    }
    /* the case, written out: 1 1 1 vs 2 2 2 is 2 splits of C(6,3) = 20 */
    double x[3] = {1, 1, 1}, y[3] = {2, 2, 2};
    CHECK_NEAR(an_mwu_p(x, 3, y, 3, NULL, NULL), 0.1, 1e-15);
}

/* Naive exact p with ties: every subset of m of the pooled values, mid-ranks recomputed. */
static double naive_ties_p(const double *a, int m, const double *b, int n)
{
    double pool[16], rank[16];
    int N = m + n;
    for (int i = 0; i < N; i++)
        pool[i] = i < m ? a[i] : b[i - m];
    for (int i = 0; i < N; i++) {  /* mid-rank: 1 + #smaller + (#equal - 1) / 2 */
        int lt = 0, eq = 0;
        for (int j = 0; j < N; j++) {
            lt += pool[j] < pool[i];
            eq += pool[j] == pool[i];
        }
        rank[i] = 1.0 + lt + (eq - 1) / 2.0;
    }
    double r0 = 0;
    for (int i = 0; i < m; i++)
        r0 += rank[i];
    double d0 = fabs(2.0 * (r0 - m * (m + 1) / 2.0) - (double)m * n);
    long total = 0, tail = 0;
    for (long mask = 0; mask < (1L << N); mask++) {
        if (__builtin_popcountl((unsigned long)mask) != m)
            continue;
        double r = 0;
        for (int i = 0; i < N; i++)
            if (mask & (1L << i))
                r += rank[i];
        total++;
        tail += fabs(2.0 * (r - m * (m + 1) / 2.0) - (double)m * n) >= d0 - 1e-9;
    }
    return (double)tail / (double)total;
}

static void test_mwu_ties_vs_naive(void)
{
    unsigned seed = 7;
    double a[8], b[8];
    for (int rep = 0; rep < 300; rep++) {
        int m = 1 + rep % 7, n = 1 + (rep / 7) % 8;
        if (m + n > 15)
            continue;
        for (int i = 0; i < m + n; i++) {
            seed = seed * 1103515245u + 12345u;
            double v = (double)((seed >> 16) % 4);  /* values 0..3: many ties */
            if (i < m)
                a[i] = v;
            else
                b[i - m] = v;
        }
        int exact;
        double p = an_mwu_p(a, (size_t)m, b, (size_t)n, NULL, &exact);
        CHECK_NEAR(p, naive_ties_p(a, m, b, n), 1e-12);
        CHECK_INT(exact, 1);
    }
}

static void test_log_scale_vs_scipy(void)
{
    static golden_sample a, b;
    const char *pairs[][2] = {{"a", "b"}, {"g", "h"}, {"x", "y"}, {"w", "x"}, {"e", "f"}};
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        char key[16];
        snprintf(key, sizeof key, "%s_%s", pairs[i][0], pairs[i][1]);
        golden_sample_get(pairs[i][0], &a);
        golden_sample_get(pairs[i][1], &b);
        double la[1024], lb[1024], ma, sa, mb, sb;
        for (size_t k = 0; k < a.n; k++)
            la[k] = log(a.v[k]);
        for (size_t k = 0; k < b.n; k++)
            lb[k] = log(b.v[k]);
        an_moments(la, a.n, &ma, &sa);
        an_moments(lb, b.n, &mb, &sb);
        an_welch_t w;
        CHECK(an_welch(ma, sa, a.n, mb, sb, b.n, &w) == 0);
        CHECK_REL(w.p, gk2("log_p", key), 1e-6);
        CHECK_REL(w.df, gk2("log_df", key), 1e-10);
        CHECK_REL(exp(w.diff), gk2("log_ratio", key), 1e-13);
        const double levels[] = {0.95, 1 - 0.05 / 27};
        for (int l = 0; l < 2; l++) {
            char k2[64];
            snprintf(k2, sizeof k2, "%s.%.6f", key, levels[l]);
            double h = an_t_quantile(levels[l], w.df) * w.se;
            CHECK_REL(exp(w.diff - h), gk2("log_ci_low", k2), 1e-8);
            CHECK_REL(exp(w.diff + h), gk2("log_ci_high", k2), 1e-8);
        }
    }
}

/* The exact sd of the doubles near 1e12 (Python fractions): >= 12 significant digits. */
static void test_offset_1e12(void)
{
    static golden_sample s;
    CHECK(golden_sample_get("off12", &s) == 0 && golden_has("off12_sd"));
    double m, sd;
    an_moments(s.v, s.n, &m, &sd);
    CHECK_REL(m, golden("off12_mean"), 1e-16);
    CHECK_REL(sd, golden("off12_sd"), 1e-12);
    an_summary su;
    an_summarize(s.v, s.n, 0.95, &su, NULL);
    CHECK_REL(su.sd, golden("off12_sd"), 1e-12);
    /* and the Welch p of two such samples equals that of the same samples moved to 0 */
    double a[20], b[20], a0[20], b0[20];
    for (size_t i = 0; i < 20; i++) {
        a[i] = s.v[i];
        b[i] = s.v[(i + 3) % 20] + 0.5;
        a0[i] = a[i] - 1e12;  /* exact: Sterbenz */
        b0[i] = b[i] - 1e12;
    }
    CHECK_REL(an_welch_p(a, 20, b, 20, NULL), an_welch_p(a0, 20, b0, 20, NULL), 1e-9);
}

/* Scale invariance: the p-values and the ratio interval do not change when every value is
 * multiplied by a power of ten between 1e-300 and 1e300 (issue 11: 1e80 gave p = 1.0 and
 * 1e-300 gave sd 0 and p = 0). */
static void test_extreme_magnitudes(void)
{
    static golden_sample a, b;
    golden_sample_get("a", &a);
    golden_sample_get("b", &b);
    double df0, p0 = an_welch_p(a.v, a.n, b.v, b.n, &df0), pp0 = an_pooled_p(a.v, a.n, b.v, b.n);
    double lo0, hi0;
    an_summary s0, t0;
    an_summarize(a.v, a.n, 0.95, &s0, NULL);
    an_summarize(b.v, b.n, 0.95, &t0, NULL);
    an_fieller(s0.mean, s0.sd, s0.n, t0.mean, t0.sd, t0.n, 0.95, &lo0, &hi0);
    const double scales[] = {1e-300, 1e-200, 1e-80, 1e80, 1e200, 1e300};
    for (size_t k = 0; k < sizeof scales / sizeof scales[0]; k++) {
        double x[64], y[64], df, lo, hi;
        for (size_t i = 0; i < a.n; i++)
            x[i] = a.v[i] * scales[k];
        for (size_t i = 0; i < b.n; i++)
            y[i] = b.v[i] * scales[k];
        an_summary s, t;
        an_summarize(x, a.n, 0.95, &s, NULL);
        an_summarize(y, b.n, 0.95, &t, NULL);
        CHECK_MSG(fabs(s.sd / (s0.sd * scales[k]) - 1) < 1e-12, "scale %g: sd %g", scales[k], s.sd);
        double p = an_welch_p(x, a.n, y, b.n, &df);
        CHECK_MSG(fabs(p / p0 - 1) < 1e-9 && fabs(df / df0 - 1) < 1e-12,
                  "scale %g: Welch p %g df %g, expected %g %g", scales[k], p, df, p0, df0);
        CHECK_REL(an_pooled_p(x, a.n, y, b.n), pp0, 1e-9);
        CHECK(an_fieller(s.mean, s.sd, s.n, t.mean, t.sd, t.n, 0.95, &lo, &hi) == 0);
        CHECK_REL(lo, lo0, 1e-12);
        CHECK_REL(hi, hi0, 1e-12);
    }
}

static void test_fmt_level(void)
{
    char b[32];
    CHECK_STR(an_fmt_level(b, sizeof b, 0.95), "95%");
    CHECK_STR(an_fmt_level(b, sizeof b, 0.975), "97.5%");
    CHECK_STR(an_fmt_level(b, sizeof b, 0.99), "99%");
    CHECK_STR(an_fmt_level(b, sizeof b, 1 - 0.05 / 27), "99.81%");  /* 99.8148%: never up */
    CHECK_STR(an_fmt_level(b, sizeof b, 1 - 0.05 / 54), "99.907%"); /* 99.9074% */
    CHECK_STR(an_fmt_level(b, sizeof b, 1 - 0.05 / 3), "98.3%");    /* 98.333% */
    CHECK_STR(an_fmt_level(b, sizeof b, 0.8), "80%");
    CHECK_STR(an_fmt_level(b, sizeof b, NAN), "–");
}

int main(void)
{
    gsl_set_error_handler_off();
    RUN(test_mwu_ties_vs_scipy);
    RUN(test_mwu_ties_vs_naive);
    RUN(test_log_scale_vs_scipy);
    RUN(test_offset_1e12);
    RUN(test_extreme_magnitudes);
    RUN(test_fmt_level);
    return unit_done();
}
