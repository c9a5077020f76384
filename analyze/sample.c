/*
 * analyze/sample.c — one-sample statistics: summaries, intervals, outliers, run planning,
 * drift (see stats_int.h for the contracts, docs/methodology.md for the formulas).
 *
 * Design: GSL does most of the numerics — gsl_stats_*_from_sorted_data, gsl_cdf_tdist_Pinv,
 * gsl_cdf_binomial_P, gsl_fit_linear. The mean and standard deviation are computed here
 * (an_moments) rather than with gsl_stats_mean / gsl_stats_sd_m: GSL's running mean carries
 * a rounding error that its second pass squares into the variance (6 of 15 digits of the sd
 * left at an offset of 1e12), and its sums of squares overflow above ~1e154 and underflow
 * below ~1e-154 (1e-300 data gave sd 0). an_moments scales by a power of two (exact), sums
 * with Neumaier's compensation and applies the corrected two-pass formula.
 * Load: linear passes plus one sort per sample; 10^6 values take milliseconds.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_fit.h>
#include <gsl/gsl_statistics_double.h>
#include "analyze/stats_int.h"

/* Neumaier's compensated sum (Neumaier 1974; Higham, Accuracy and Stability of Numerical
 * Algorithms, 2002, §4.3): the rounding error of every addition is kept in c. */
typedef struct ksum {
    double s, c;
} ksum;

static void ksum_add(ksum *k, double x)
{
    double t = k->s + x;
    k->c += fabs(k->s) >= fabs(x) ? (k->s - t) + x : (x - t) + k->s;
    k->s = t;
}

/* The power of two 2^e nearest above max |x| (1 when every value is 0): dividing by it is
 * exact and brings every value into [-1, 1]. */
static int scale_exponent(const double *x, size_t n)
{
    double m = 0.0;
    for (size_t i = 0; i < n; i++)
        m = fmax(m, fabs(x[i]));
    int e = 0;
    if (m > 0.0 && isfinite(m))
        frexp(m, &e);
    return e;
}

/* x × 2^-e: a multiplication by the precomputed power p2 when it is a finite double (exact,
 * and ldexp() costs a library call per value), else ldexp (2^1074 is not a double). */
static inline double scale2(double x, double p2, int e)
{
    return isfinite(p2) ? x * p2 : ldexp(x, -e);
}

void an_moments(const double *x, size_t n, double *mean, double *sd)
{
    *mean = *sd = NAN;
    if (n == 0)
        return;
    int e = scale_exponent(x, n);
    double pe = ldexp(1.0, -e);
    ksum s = {0, 0};
    for (size_t i = 0; i < n; i++)
        ksum_add(&s, scale2(x[i], pe, e));
    double m = (s.s + s.c) / (double)n;    /* the mean of the scaled values */
    /* Deviations are scaled again so that the largest is near 1: squares can then neither
     * overflow nor underflow, whatever the magnitude of the data. */
    double dmax = 0.0;
    for (size_t i = 0; i < n; i++)
        dmax = fmax(dmax, fabs(scale2(x[i], pe, e) - m));
    int f = 0;
    if (dmax > 0.0)
        frexp(dmax, &f);
    double pf = ldexp(1.0, -f);
    ksum d = {0, 0}, q = {0, 0};
    for (size_t i = 0; i < n; i++) {
        double z = scale2(scale2(x[i], pe, e) - m, pf, f);
        ksum_add(&d, z);
        ksum_add(&q, z * z);
    }
    /* corrected two-pass (Chan, Golub & LeVeque 1983): sum(z) is 0 but for the rounding
     * error of m, which it removes from both the mean and the sum of squares */
    double dsum = d.s + d.c;
    *mean = ldexp(m + ldexp(dsum / (double)n, f), e);
    if (n < 2)
        return;
    double ss = (q.s + q.c) - dsum * dsum / (double)n;
    *sd = ldexp(ldexp(sqrt(fmax(ss, 0.0) / (double)(n - 1)), f), e);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

void an_sort(double *x, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        if (x[i] < x[i - 1]) {
            qsort(x, n, sizeof *x, cmp_double);
            return;
        }
    }
}

double an_t_quantile(double conf, double df)
{
    if (!(df >= 1.0) || !(conf > 0.0 && conf < 1.0))
        return NAN;
    return gsl_cdf_tdist_Pinv(0.5 + conf / 2.0, df);
}

/* Coverage of the order-statistic pair (x_(k), x_(n+1-k)): 1 - 2 P(B(n,1/2) <= k-1). */
static double median_coverage(size_t n, size_t k)
{
    return 1.0 - 2.0 * gsl_cdf_binomial_P((unsigned int)(k - 1), 0.5, (unsigned int)n);
}

int an_median_ci(const double *sorted, size_t n, double conf, double *lo, double *hi,
                 double *level)
{
    *lo = *hi = *level = NAN;
    if (n < 1 || n > 4000000000u || median_coverage(n, 1) < conf)
        return -1;
    /* Start from the normal approximation and walk to the largest k that still covers:
     * a linear scan from k = 1 would cost n/2 binomial evaluations for 10^6 values. */
    double z = gsl_cdf_ugaussian_Pinv(0.5 + conf / 2.0);
    double k0 = floor(((double)n - z * sqrt((double)n)) / 2.0);
    size_t k = k0 < 1.0 ? 1 : (size_t)k0;
    if (k > (n + 1) / 2)
        k = (n + 1) / 2;
    while (k > 1 && median_coverage(n, k) < conf)
        k--;
    while (k + 1 <= (n + 1) / 2 && median_coverage(n, k + 1) >= conf)
        k++;
    *lo = sorted[k - 1];
    *hi = sorted[n - k];
    *level = median_coverage(n, k);
    return 0;
}

static void summary_from_sorted(const double *x, const double *sorted, size_t n, double conf,
                                an_summary *s)
{
    double sd;
    an_moments(x, n, &s->mean, &sd);
    s->min = sorted[0];
    s->max = sorted[n - 1];
    s->median = gsl_stats_median_from_sorted_data(sorted, 1, n);
    an_median_ci(sorted, n, conf, &s->median_ci_low, &s->median_ci_high, &s->median_ci_level);
    if (n < 2)
        return;
    s->sd = sd;
    double h = an_t_quantile(conf, (double)(n - 1)) * s->sd / sqrt((double)n);
    s->ci_low = s->mean - h;
    s->ci_high = s->mean + h;
    if (s->sd == 0.0) {  /* identical values: the interval is the point, exactly */
        s->ci_low = s->ci_high = s->mean;
    }
    if (s->mean != 0.0)
        s->cv = s->sd / fabs(s->mean);
}

int an_summarize(const double *x, size_t n, double conf, an_summary *s, double *sorted)
{
    double *buf = sorted;
    s->n = n;
    s->mean = s->sd = s->ci_low = s->ci_high = NAN;
    s->median = s->median_ci_low = s->median_ci_high = s->median_ci_level = NAN;
    s->min = s->max = s->cv = NAN;
    if (n == 0)
        return 0;
    if (!buf && !(buf = malloc(n * sizeof *buf)))
        return -1;
    if (buf != x)
        memcpy(buf, x, n * sizeof *buf);
    an_sort(buf, n);
    summary_from_sorted(x, buf, n, conf, s);
    if (buf != sorted)
        free(buf);
    return 0;
}

int an_outliers(const double *x, size_t n, unsigned char *flags)
{
    memset(flags, 0, n);
    if (n < 3)
        return 0;
    double *w = malloc(n * sizeof *w);
    if (!w)
        return -1;
    memcpy(w, x, n * sizeof *w);
    an_sort(w, n);
    double med = gsl_stats_median_from_sorted_data(w, 1, n);
    double mean_ad = 0.0;
    for (size_t i = 0; i < n; i++) {
        w[i] = fabs(x[i] - med);
        mean_ad += w[i] / (double)n;
    }
    an_sort(w, n);
    double mad = gsl_stats_median_from_sorted_data(w, 1, n);
    free(w);
    /* scale turns |x - median| into the modified z-score */
    double scale = mad > 0.0 ? 0.6745 / mad : mean_ad > 0.0 ? 1.0 / (1.253314 * mean_ad) : 0.0;
    int count = 0;
    for (size_t i = 0; i < n && scale > 0.0; i++) {
        if (fabs(x[i] - med) * scale > AN_OUTLIER_Z) {
            flags[i] = 1;
            count++;
        }
    }
    return count;
}

long an_runs_needed(double cv, double target, double conf)
{
    if (!(cv >= 0.0) || !(target > 0.0) || !isfinite(cv))
        return -1;
    if (cv == 0.0)
        return 0;
    /* t > z, so the normal answer is a lower bound; step up from it with the t quantile. */
    double z = gsl_cdf_ugaussian_Pinv(0.5 + conf / 2.0);
    double n0 = ceil(pow(z * cv / target, 2.0));
    long n = n0 < 2.0 ? 2 : n0 > 1e6 ? 1000000 : (long)n0;
    for (; n < 1000000; n++) {
        if (an_t_quantile(conf, (double)(n - 1)) * cv / sqrt((double)n) <= target)
            return n;
    }
    return 1000000;
}

double an_drift(const double *y, size_t k)
{
    if (k < 3)
        return NAN;
    double *x = malloc(k * sizeof *x);
    if (!x)
        return NAN;
    for (size_t i = 0; i < k; i++)
        x[i] = (double)i;
    double c0, c1, cov00, cov01, cov11, sumsq;
    int rc = gsl_fit_linear(x, 1, y, 1, k, &c0, &c1, &cov00, &cov01, &cov11, &sumsq);
    free(x);
    double mean = gsl_stats_mean(y, 1, k);
    if (rc != 0 || !(mean > 0.0) || !isfinite(c1))
        return NAN;
    return fabs(c1 * (double)k) / mean;
}
