/*
 * analyze/twosample.c — two-sample statistics: Welch's and Student's t-tests, Mann–Whitney U,
 * Holm's adjustment, Fieller's interval and the bootstrap for a ratio of means.
 *
 * Design: GSL provides the distributions (gsl_cdf_tdist_Q, gsl_cdf_ugaussian_Q), the sorts
 * and the random generator; the exact distribution of U is computed here by the classical
 * recurrence (Mann & Whitney 1947) because GSL has none — in probabilities rather than
 * counts so nothing overflows, O(m·n·m·n) time for m, n <= AN_MWU_EXACT_MAX.
 * Load: a handful of comparisons of ~10 values per cell; bootstrap 10^4 resamples each.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include "analyze/stats_int.h"

double an_welch_p(const double *a, size_t na, const double *b, size_t nb, double *df)
{
    if (df)
        *df = NAN;
    if (na < 2 || nb < 2)
        return NAN;
    double ma = gsl_stats_mean(a, 1, na), mb = gsl_stats_mean(b, 1, nb);
    double va = gsl_stats_variance_m(a, 1, na, ma) / (double)na;
    double vb = gsl_stats_variance_m(b, 1, nb, mb) / (double)nb;
    double se2 = va + vb;
    if (se2 == 0.0)  /* no variance at all: the difference is exact (benchstat #19634) */
        return ma == mb ? 1.0 : 0.0;
    double d = se2 * se2 / (va * va / (double)(na - 1) + vb * vb / (double)(nb - 1));
    if (df)
        *df = d;
    double t = fabs(ma - mb) / sqrt(se2);
    return fmin(1.0, 2.0 * gsl_cdf_tdist_Q(t, d));
}

double an_pooled_p(const double *a, size_t na, const double *b, size_t nb)
{
    if (na < 1 || nb < 1 || na + nb < 3)
        return NAN;
    double ma = gsl_stats_mean(a, 1, na), mb = gsl_stats_mean(b, 1, nb);
    double ssa = na > 1 ? gsl_stats_variance_m(a, 1, na, ma) * (double)(na - 1) : 0.0;
    double ssb = nb > 1 ? gsl_stats_variance_m(b, 1, nb, mb) * (double)(nb - 1) : 0.0;
    double dof = (double)(na + nb - 2);
    double se = sqrt((ssa + ssb) / dof * (1.0 / (double)na + 1.0 / (double)nb));
    if (se == 0.0)
        return ma == mb ? 1.0 : 0.0;
    return fmin(1.0, 2.0 * gsl_cdf_tdist_Q(fabs(ma - mb) / se, dof));
}

double an_mwu_exact_cdf(size_t m, size_t n, double u)
{
    if (u < 0.0)
        return 0.0;
    if (u >= (double)(m * n))
        return 1.0;
    /* P_{i,j}(k) = i/(i+j) P_{i-1,j}(k-j) + j/(i+j) P_{i,j-1}(k): the largest of the i+j
     * values comes from the first sample (adding j to U) or from the second. Coefficient k
     * depends only on coefficients <= k, so everything above floor(u) is never computed —
     * the two-sided p asks for the lower tail, which is where the work is saved. */
    size_t top = (size_t)floor(u), len = top + 1;
    double *prev = calloc((n + 1) * len, sizeof *prev);
    double *cur = calloc((n + 1) * len, sizeof *cur);
    if (!prev || !cur) {
        free(prev);
        free(cur);
        return NAN;
    }
    for (size_t j = 0; j <= n; j++)
        prev[j * len] = 1.0;  /* i = 0: U = 0 surely */
    for (size_t i = 1; i <= m; i++) {
        cur[0] = 1.0;  /* j = 0: U = 0 surely */
        for (size_t j = 1; j <= n; j++) {
            double wa = (double)i / (double)(i + j), wb = (double)j / (double)(i + j);
            double *c = cur + j * len, *pa = prev + j * len, *pb = cur + (j - 1) * len;
            /* Only coefficients that exist are read: P_{i,j-1} has degree i(j-1), P_{i-1,j}
             * degree (i-1)j (so k - j <= (i-1)j always holds here); buffers are reused
             * across i, and nothing past those degrees is ever touched. */
            size_t kmax = i * j < top ? i * j : top, bmax = i * (j - 1);
            for (size_t k = 0; k <= kmax; k++)
                c[k] = (k <= bmax ? wb * pb[k] : 0.0) + (k >= j ? wa * pa[k - j] : 0.0);
        }
        double *t = prev; prev = cur; cur = t;
    }
    double sum = 0.0, *dist = prev + n * len;
    for (size_t k = 0; k <= top && k <= m * n; k++)
        sum += dist[k];
    free(prev);
    free(cur);
    return fmin(sum, 1.0);
}

/* A sorted copy of x (already-sorted input, as from `rigor stats`, is only copied). */
static double *sorted_copy(const double *x, size_t n)
{
    double *c = malloc((n ? n : 1) * sizeof *c);
    if (!c)
        return NULL;
    memcpy(c, x, n * sizeof *c);
    an_sort(c, n);
    return c;
}

/* Mid-ranks of the pooled sample by merging the two sorted samples; returns the rank sum of
 * a and the tie term sum(t^3 - t). O(n log n) for the sorts, O(n) for the merge. */
static int rank_sum(const double *a, size_t na, const double *b, size_t nb, double *ra,
                    double *ties)
{
    double *sa = sorted_copy(a, na), *sb = sorted_copy(b, nb);
    if (!sa || !sb) {
        free(sa);
        free(sb);
        return -1;
    }
    size_t i = 0, j = 0;
    double pos = 0.0;
    *ra = 0.0;
    *ties = 0.0;
    while (i < na || j < nb) {
        double v = j >= nb || (i < na && sa[i] <= sb[j]) ? sa[i] : sb[j];
        size_t ca = 0, cb = 0;
        while (i < na && sa[i] == v) { i++; ca++; }
        while (j < nb && sb[j] == v) { j++; cb++; }
        double t = (double)(ca + cb);
        *ra += (double)ca * (pos + (t + 1.0) / 2.0);
        *ties += t * t * t - t;
        pos += t;
    }
    free(sa);
    free(sb);
    return 0;
}

double an_mwu_p(const double *a, size_t na, const double *b, size_t nb, double *u1, int *exact)
{
    double ra, ties;
    if (u1)
        *u1 = NAN;
    if (exact)
        *exact = 0;
    if (na == 0 || nb == 0 || rank_sum(a, na, b, nb, &ra, &ties) < 0)
        return NAN;
    double m = (double)na, n = (double)nb, N = m + n;
    double u = ra - m * (m + 1.0) / 2.0, umax = fmax(u, m * n - u);
    if (u1)
        *u1 = u;
    if (ties == 0.0 && na <= AN_MWU_EXACT_MAX && nb <= AN_MWU_EXACT_MAX) {
        if (exact)
            *exact = 1;
        /* P(U >= umax) = P(U <= m n - umax) by symmetry */
        return fmin(1.0, 2.0 * an_mwu_exact_cdf(na, nb, m * n - umax));
    }
    double var = m * n / 12.0 * ((N + 1.0) - ties / (N * (N - 1.0)));
    if (!(var > 0.0))
        return 1.0;  /* every value tied: no evidence of a shift */
    double z = (umax - m * n / 2.0 - 0.5) / sqrt(var);
    return fmin(1.0, 2.0 * gsl_cdf_ugaussian_Q(z));
}

int an_holm(const double *p, size_t m, double *adj)
{
    double *v = malloc((m ? m : 1) * sizeof *v);
    size_t *pos = malloc((m ? m : 1) * sizeof *pos), *idx = malloc((m ? m : 1) * sizeof *idx);
    if (!v || !pos || !idx) {
        free(v); free(pos); free(idx);
        return -1;
    }
    size_t k = 0;
    for (size_t i = 0; i < m; i++) {
        if (isfinite(p[i])) {
            v[k] = p[i];
            pos[k++] = i;
        }
        if (!isfinite(p[i]))
            adj[i] = NAN;
    }
    if (k)
        gsl_sort_index(idx, v, 1, k);
    double running = 0.0;
    for (size_t r = 0; r < k; r++) {  /* step-down: multiply by k - r, keep monotone */
        double a = fmin(1.0, (double)(k - r) * v[idx[r]]);
        running = fmax(running, a);
        adj[pos[idx[r]]] = running;
    }
    free(v); free(pos); free(idx);
    return 0;
}

int an_fieller(double mnum, double vnum, size_t nnum, double mden, double vden, size_t nden,
               double conf, double *lo, double *hi)
{
    *lo = *hi = NAN;
    if (nnum < 2 || nden < 2 || mden == 0.0 || !isfinite(mnum) || !isfinite(mden))
        return -1;
    double a = mnum, b = mden, v11 = vnum / (double)nnum, v22 = vden / (double)nden;
    double r = a / b;
    if (v11 + v22 == 0.0) {
        *lo = *hi = r;
        return 0;
    }
    double df = pow(v11 + r * r * v22, 2.0) /
                (v11 * v11 / (double)(nnum - 1) + pow(r, 4.0) * v22 * v22 / (double)(nden - 1));
    double t = an_t_quantile(conf, df < 1.0 ? 1.0 : df);
    double t2 = t * t, den = b * b - t2 * v22;
    if (!(den > 0.0))
        return 1;  /* g = t² v22 / b² >= 1: the set is unbounded */
    double disc = a * a * v22 + b * b * v11 - t2 * v11 * v22;
    double s = sqrt(disc > 0.0 ? disc : 0.0);
    double r1 = (a * b - t * s) / den, r2 = (a * b + t * s) / den;
    *lo = fmin(r1, r2);
    *hi = fmax(r1, r2);
    return 0;
}

static double resample_mean(gsl_rng *rng, const double *x, size_t n)
{
    double sum = 0.0;
    for (size_t i = 0; i < n; i++)
        sum += x[gsl_rng_uniform_int(rng, n)];
    return sum / (double)n;
}

int an_bootstrap_ratio(const double *num, size_t nnum, const double *den, size_t nden,
                       double conf, int reps, uint64_t seed, double *lo, double *hi)
{
    *lo = *hi = NAN;
    if (nnum == 0 || nden == 0 || reps < 2)
        return -1;
    double *r = malloc((size_t)reps * sizeof *r);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    int rc = -1;
    if (!r || !rng)
        goto out;
    gsl_rng_set(rng, (unsigned long)seed);
    for (int i = 0; i < reps; i++) {
        double d = resample_mean(rng, den, nden);
        double q = resample_mean(rng, num, nnum) / d;
        if (d == 0.0 || !isfinite(q))
            goto out;  /* a resampled denominator of 0: no finite interval exists */
        r[i] = q;
    }
    an_sort(r, (size_t)reps);
    *lo = gsl_stats_quantile_from_sorted_data(r, 1, (size_t)reps, (1.0 - conf) / 2.0);
    *hi = gsl_stats_quantile_from_sorted_data(r, 1, (size_t)reps, (1.0 + conf) / 2.0);
    rc = 0;
out:
    free(r);
    gsl_rng_free(rng);
    return rc;
}
