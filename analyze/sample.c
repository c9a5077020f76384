/*
 * analyze/sample.c — one-sample statistics: summaries, intervals, outliers, run planning,
 * drift (see stats_int.h for the contracts, docs/methodology.md for the formulas).
 *
 * Design: GSL does the numerics — gsl_stats_mean/gsl_stats_sd_m (a running-mean recurrence
 * and a second pass over deviations, stable where ministat's sums of squares are not),
 * gsl_stats_*_from_sorted_data, gsl_cdf_tdist_Pinv, gsl_cdf_binomial_P,
 * gsl_fit_linear. What is written here is only the glue and the rules around n.
 * Load: linear passes plus one sort per sample; 10^6 values take milliseconds.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_fit.h>
#include <gsl/gsl_statistics_double.h>
#include "analyze/stats_int.h"

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
    s->mean = gsl_stats_mean(x, 1, n);
    s->min = sorted[0];
    s->max = sorted[n - 1];
    s->median = gsl_stats_median_from_sorted_data(sorted, 1, n);
    an_median_ci(sorted, n, conf, &s->median_ci_low, &s->median_ci_high, &s->median_ci_level);
    if (n < 2)
        return;
    s->sd = gsl_stats_sd_m(x, 1, n, s->mean);
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
