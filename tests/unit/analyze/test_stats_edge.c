/*
 * tests/unit/analyze/test_stats_edge.c — the edge cases of the statistics: n = 0, 1, 2, identical
 * values (benchstat #19634), zero variance in one sample, zero means, outliers with and
 * without a spread, the bootstrap's reproducibility, and 10^6 values.
 */
#include <gsl/gsl_errno.h>
#include <stdlib.h>
#include "tests/unit/unit.h"
#include "analyze/stats_int.h"

static void test_n0_n1_n2(void)
{
    an_summary s;
    double one = 42.0, two[2] = {1.0, 3.0};
    CHECK(an_summarize(NULL, 0, 0.95, &s, NULL) == 0);
    CHECK(s.n == 0 && isnan(s.mean) && isnan(s.median) && isnan(s.min));
    an_summarize(&one, 1, 0.95, &s, NULL);
    CHECK(s.mean == 42.0 && s.median == 42.0 && s.min == 42.0 && s.max == 42.0);
    CHECK(isnan(s.sd) && isnan(s.ci_low) && isnan(s.ci_high) && isnan(s.cv));
    CHECK(isnan(s.median_ci_low));
    an_summarize(two, 2, 0.95, &s, NULL);
    CHECK_NEAR(s.mean, 2.0, 0);
    CHECK_NEAR(s.sd, sqrt(2.0), 1e-15);
    /* t_{0.975,1} = 12.7062047361747 */
    CHECK_NEAR(s.ci_high - s.mean, 12.7062047361747 * sqrt(2.0) / sqrt(2.0), 1e-8);
    CHECK(isnan(an_welch_p(&one, 1, two, 2, NULL)));
    CHECK(isnan(an_pooled_p(&one, 1, &one, 1)));
    CHECK(isfinite(an_pooled_p(&one, 1, two, 2)));
    double lo, hi;
    CHECK(an_fieller(42, NAN, 1, 2, 2, 2, 0.95, &lo, &hi) < 0 && isnan(lo) && isnan(hi));
    /* exact: 42 above both, P(U = 2) = 1/3 of the 3 orders, two-sided 2/3 */
    CHECK_NEAR(an_mwu_p(&one, 1, two, 2, NULL, NULL), 2.0 / 3.0, 1e-15);
}

static void test_identical_values(void)
{
    double a[5] = {7, 7, 7, 7, 7}, b[5] = {7, 7, 7, 7, 7}, c[4] = {9, 9, 9, 9};
    an_summary s;
    an_summarize(a, 5, 0.95, &s, NULL);
    CHECK(s.sd == 0.0 && s.ci_low == 7.0 && s.ci_high == 7.0 && s.cv == 0.0);
    double df;
    CHECK(an_welch_p(a, 5, b, 5, &df) == 1.0);
    CHECK(an_welch_p(a, 5, c, 4, &df) == 0.0);  /* exact, different constants */
    CHECK(an_pooled_p(a, 5, b, 5) == 1.0);
    CHECK(an_mwu_p(a, 5, b, 5, NULL, NULL) == 1.0);  /* all tied: no evidence */
    double p = an_mwu_p(a, 5, c, 4, NULL, NULL);
    CHECK(p > 0.0 && p < 0.05);
    double lo, hi;
    CHECK(an_fieller(7, 0, 5, 9, 0, 4, 0.95, &lo, &hi) == 0);
    CHECK_NEAR(lo, 7.0 / 9.0, 1e-15);
    CHECK_NEAR(hi, 7.0 / 9.0, 1e-15);
    CHECK_INT(an_runs_needed(s.cv, 0.02, 0.95), 0);
    unsigned char f[5];
    CHECK_INT(an_outliers(a, 5, f), 0);
}

static void test_zero_variance_one_side(void)
{
    double a[6] = {10, 10, 10, 10, 10, 10}, b[6] = {11, 12, 11.5, 12.5, 11.8, 12.2};
    double df;
    double p = an_welch_p(a, 6, b, 6, &df);
    CHECK(isfinite(p) && p < 0.001);
    CHECK_NEAR(df, 5.0, 1e-12);  /* all the variance is b's: df = nb - 1 */
    double lo, hi;
    CHECK(an_fieller(10, 0, 6, 11.833333333333334, sqrt(0.2826666666666667), 6, 0.95, &lo, &hi) == 0);
    CHECK(lo < 10 / 11.8333 && hi > 10 / 11.8334 && hi < 1.0);
}

static void test_zero_means(void)
{
    double z[4] = {-1, 1, -2, 2}, a[4] = {5, 6, 5, 6}, zero[3] = {0, 0, 0};
    an_summary s;
    an_summarize(z, 4, 0.95, &s, NULL);
    CHECK(s.mean == 0.0 && isnan(s.cv));
    double lo, hi;
    CHECK(an_fieller(5.5, sqrt(1.0 / 3), 4, 0.0, sqrt(10.0 / 3), 4, 0.95, &lo, &hi) < 0);
    CHECK(an_fieller(5.5, sqrt(1.0 / 3), 4, 0.1, sqrt(10.0 / 3), 4, 0.95, &lo, &hi) == 1);
    CHECK(an_bootstrap_ratio(a, 4, zero, 3, 0.95, 1000, 1, &lo, &hi) < 0);
    CHECK(isnan(lo) && isnan(hi));
    CHECK(isnan(an_drift(zero, 3)));
    an_summarize(zero, 3, 0.95, &s, NULL);
    CHECK(s.mean == 0.0 && s.sd == 0.0 && isnan(s.cv));
}

static void test_outliers(void)
{
    double x[7] = {10, 10.1, 9.9, 10.2, 9.8, 10.05, 30};
    unsigned char f[7];
    CHECK_INT(an_outliers(x, 7, f), 1);
    CHECK(f[6] == 1 && f[0] == 0);
    /* MAD = 0: the mean absolute deviation stands in: |9 - 5| / (1.2533 * 0.8) = 3.99 */
    double y[5] = {5, 5, 5, 5, 9};
    CHECK_INT(an_outliers(y, 5, f), 1);
    CHECK(f[4] == 1);
    double w[2] = {1, 100};
    CHECK_INT(an_outliers(w, 2, f), 0);
    double v[6] = {1, 2, 3, 4, 5, 6};
    CHECK_INT(an_outliers(v, 6, f), 0);
}

static void test_bootstrap(void)
{
    double a[8] = {20, 21, 19.5, 20.4, 20.9, 19.8, 20.2, 20.6};
    double b[8] = {10, 10.5, 9.8, 10.1, 10.3, 9.9, 10.2, 10.4};
    double lo1, hi1, lo2, hi2, lo3, hi3;
    CHECK(an_bootstrap_ratio(a, 8, b, 8, 0.95, 2000, 7, &lo1, &hi1) == 0);
    CHECK(an_bootstrap_ratio(a, 8, b, 8, 0.95, 2000, 7, &lo2, &hi2) == 0);
    CHECK(lo1 == lo2 && hi1 == hi2);  /* same seed, same interval */
    CHECK(an_bootstrap_ratio(a, 8, b, 8, 0.95, 2000, 8, &lo3, &hi3) == 0);
    CHECK(lo1 != lo3 || hi1 != hi3);
    CHECK(lo1 < 2.0 && hi1 > 2.0 && lo1 > 1.9 && hi1 < 2.1);
    /* and it agrees with Fieller to within resampling noise */
    double flo, fhi;
    an_fieller(20.175, sqrt(0.2650), 8, 10.15, sqrt(0.0600), 8, 0.95, &flo, &fhi);
    CHECK_NEAR(lo1, flo, 0.02);
    CHECK_NEAR(hi1, fhi, 0.02);
}

static void test_million_values(void)
{
    size_t n = 1000000;
    double *x = malloc(n * sizeof *x);
    for (size_t i = 0; i < n; i++)
        x[i] = 1e6 + (double)((i * 7919) % 1000) / 10.0;  /* 0..99.9, each 1000 times */
    an_summary s;
    CHECK(an_summarize(x, n, 0.95, &s, NULL) == 0);
    CHECK_REL(s.mean, 1e6 + 49.95, 1e-15);
    CHECK(s.min == 1e6 && s.max == 1e6 + 99.9);
    CHECK(s.median_ci_low <= s.median && s.median <= s.median_ci_high);
    CHECK(s.median_ci_level >= 0.95 && s.median_ci_level < 0.96);
    /* sd of the uniform grid 0, 0.1, ..., 99.9 with each value repeated equally */
    double var = 0.0;
    for (int k = 0; k < 1000; k++)
        var += pow(k / 10.0 - 49.95, 2.0);
    var = var * 1000.0 / (double)(n - 1);
    CHECK_REL(s.sd, sqrt(var), 1e-12);
    free(x);
}

static void test_exact_vs_normal_switch(void)
{
    double a[51], b[51];
    for (int i = 0; i < 51; i++) {
        a[i] = i;
        b[i] = i + 10.5;
    }
    int exact;
    double p50 = an_mwu_p(a, 50, b, 50, NULL, &exact);
    CHECK(exact == 1 && p50 > 0 && p50 < 0.05);
    double p51 = an_mwu_p(a, 51, b, 51, NULL, &exact);
    CHECK(exact == 0 && p51 > 0 && p51 < 0.05);
    CHECK_REL(p50, p51, 0.5);  /* the two methods agree roughly at the switch */
}

int main(void)
{
    gsl_set_error_handler_off();
    RUN(test_n0_n1_n2);
    RUN(test_identical_values);
    RUN(test_zero_variance_one_side);
    RUN(test_zero_means);
    RUN(test_outliers);
    RUN(test_bootstrap);
    RUN(test_million_values);
    RUN(test_exact_vs_normal_switch);
    return unit_done();
}
