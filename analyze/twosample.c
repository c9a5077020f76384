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

int an_welch(double ma, double sa, size_t na, double mb, double sb, size_t nb, an_welch_t *w)
{
    w->diff = ma - mb;
    w->se = w->df = w->t = w->p = NAN;
    if (na < 2 || nb < 2 || !isfinite(sa) || !isfinite(sb))
        return -1;
    /* Standard errors are combined with hypot and the df from their shares of se, so
     * nothing is squared: 1e200 or 1e-300 data give the same p as data near 1. */
    double ea = sa / sqrt((double)na), eb = sb / sqrt((double)nb);
    w->se = hypot(ea, eb);
    if (!isfinite(w->diff))  /* opposite signs near DBL_MAX: halve both (exact) */
        w->diff = copysign(INFINITY, ma - mb);
    if (w->se == 0.0) {  /* no variance at all: the difference is exact (benchstat #19634) */
        w->p = ma == mb ? 1.0 : 0.0;
        return 0;
    }
    double ua = ea / w->se, ub = eb / w->se;
    w->df = 1.0 / (ua * ua * ua * ua / (double)(na - 1) + ub * ub * ub * ub / (double)(nb - 1));
    w->t = isfinite(w->diff) ? w->diff / w->se : (0.5 * ma - 0.5 * mb) / (0.5 * w->se);
    w->p = fmin(1.0, 2.0 * gsl_cdf_tdist_Q(fabs(w->t), w->df));
    return 0;
}

double an_welch_p(const double *a, size_t na, const double *b, size_t nb, double *df)
{
    double ma, sa, mb, sb;
    an_welch_t w;
    if (df)
        *df = NAN;
    if (na < 2 || nb < 2)
        return NAN;
    an_moments(a, na, &ma, &sa);
    an_moments(b, nb, &mb, &sb);
    an_welch(ma, sa, na, mb, sb, nb, &w);
    if (df)
        *df = w.df;
    return w.p;
}

double an_pooled_p(const double *a, size_t na, const double *b, size_t nb)
{
    if (na < 1 || nb < 1 || na + nb < 3)
        return NAN;
    double ma, sa, mb, sb;
    an_moments(a, na, &ma, &sa);
    an_moments(b, nb, &mb, &sb);
    sa = na > 1 ? sa : 0.0;
    sb = nb > 1 ? sb : 0.0;
    /* pooled s, scaled by the larger sd so that no square overflows or underflows */
    double k = fmax(sa, sb), dof = (double)(na + nb - 2);
    if (k == 0.0)
        return ma == mb ? 1.0 : 0.0;
    double ra = sa / k, rb = sb / k;
    double sp = k * sqrt(((double)(na - 1) * ra * ra + (double)(nb - 1) * rb * rb) / dof);
    double se = sp * sqrt(1.0 / (double)na + 1.0 / (double)nb);
    double t = (0.5 * ma - 0.5 * mb) / (0.5 * se);
    return fmin(1.0, 2.0 * gsl_cdf_tdist_Q(fabs(t), dof));
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

/*
 * Mid-ranks of the pooled sample by merging the two sorted samples: the rank sum of a, the
 * tie term sum(t^3 - t), and (when groups is not NULL) the size of each group of tied
 * values in ascending order, *ngroups of them (groups holds na + nb entries).
 * O(n log n) for the sorts, O(n) for the merge.
 */
static int rank_sum(const double *a, size_t na, const double *b, size_t nb, double *ra,
                    double *ties, size_t *groups, size_t *ngroups)
{
    double *sa = sorted_copy(a, na), *sb = sorted_copy(b, nb);
    if (!sa || !sb) {
        free(sa);
        free(sb);
        return -1;
    }
    size_t i = 0, j = 0, g = 0;
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
        if (groups)
            groups[g++] = ca + cb;
    }
    if (ngroups)
        *ngroups = g;
    free(sa);
    free(sb);
    return 0;
}

/*
 * Exact two-sided p of the rank-sum test with ties (the permutation distribution of the
 * mid-rank sum): every one of the C(N, m) ways to choose which m of the N pooled values
 * form the smaller sample is equally likely under H0, and p = P(|2U - mn| >= |2u - mn|).
 * Counted by dynamic programming over the tie groups: ways[k][w] is the number of choices
 * of k values whose doubled mid-rank sum is w (mid-ranks are multiples of 1/2, so w is an
 * integer and the comparison is exact). Counts are doubles: C(100, 50) ~ 1e29 is far from
 * overflow, and every term is positive. GSL has no such distribution; R's coin package and
 * StatXact compute the same one (Mehta & Patel's network algorithm, here in its simplest
 * form). Cost O(groups * m * W), W = m (2N - m + 1) <= 7,550 for 50 + 50.
 */
static double mwu_exact_ties(const size_t *groups, size_t ng, size_t m, size_t n, double u2)
{
    size_t N = m + n, W = m * (2 * N - m + 1);
    double *ways = calloc((m + 1) * (W + 1), sizeof *ways);
    if (!ways)
        return NAN;
    ways[0] = 1.0;
    size_t pos = 0;
    for (size_t g = 0; g < ng; g++) {
        size_t t = groups[g], r2 = 2 * pos + t + 1;  /* doubled mid-rank of the group */
        size_t seen = pos + t;
        for (size_t k = (m < seen ? m : seen); k >= 1; k--) {  /* descending: reads are old */
            double *row = ways + k * (W + 1), c = 1.0;
            /* k of the first `seen` values sum to at most the k largest ranks among them */
            size_t top = k * (2 * seen - k + 1);
            top = top < W ? top : W;
            for (size_t j = 1; j <= t && j <= k; j++) {
                c = c * (double)(t - j + 1) / (double)j;  /* C(t, j) */
                const double *from = ways + (k - j) * (W + 1);
                for (size_t w = j * r2; w <= top; w++)
                    row[w] += c * from[w - j * r2];
            }
        }
        pos += t;
    }
    double total = 0.0, tail = 0.0, mn = (double)(m * n);
    double dobs = fabs(u2 - mn);
    size_t base = m * (m + 1);  /* doubled rank sum minus 2U */
    for (size_t w = base; w <= W; w++) {
        double c = ways[m * (W + 1) + w];
        total += c;
        if (fabs((double)(w - base) - mn) >= dobs)
            tail += c;
    }
    free(ways);
    return total > 0.0 ? fmin(1.0, tail / total) : NAN;
}

double an_mwu_p(const double *a, size_t na, const double *b, size_t nb, double *u1, int *exact)
{
    double ra, ties;
    size_t *groups = NULL, ng = 0;
    if (u1)
        *u1 = NAN;
    if (exact)
        *exact = 0;
    if (na == 0 || nb == 0)
        return NAN;
    int small = na <= AN_MWU_EXACT_MAX && nb <= AN_MWU_EXACT_MAX;
    int small_ties = na <= AN_MWU_TIES_EXACT_MAX && nb <= AN_MWU_TIES_EXACT_MAX;
    if (small && !(groups = malloc((na + nb) * sizeof *groups)))
        return NAN;
    if (rank_sum(a, na, b, nb, &ra, &ties, groups, &ng) < 0) {
        free(groups);
        return NAN;
    }
    double m = (double)na, n = (double)nb, N = m + n;
    double u = ra - m * (m + 1.0) / 2.0, umax = fmax(u, m * n - u), p;
    if (u1)
        *u1 = u;
    if (small && (ties == 0.0 || small_ties)) {
        if (exact)
            *exact = 1;
        /* no ties: P(U >= umax) = P(U <= m n - umax) by symmetry; with ties the
         * permutation distribution of the mid-rank sum (symmetric or not) */
        p = ties == 0.0 ? fmin(1.0, 2.0 * an_mwu_exact_cdf(na, nb, m * n - umax))
                        : mwu_exact_ties(groups, ng, na, nb, 2.0 * u);
        free(groups);
        return p;
    }
    free(groups);
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

int an_fieller(double mnum, double sdnum, size_t nnum, double mden, double sdden, size_t nden,
               double conf, double *lo, double *hi)
{
    *lo = *hi = NAN;
    if (nnum < 2 || nden < 2 || mden == 0.0 || !isfinite(mnum) || !isfinite(mden) ||
        !isfinite(sdnum) || !isfinite(sdden))
        return -1;
    /* The ratio does not change when all four figures are divided by one power of two
     * (exactly); dividing by the largest keeps every square below 1, so data near 1e300
     * neither overflow nor lose the interval. */
    int e;
    frexp(fmax(fmax(fabs(mnum), fabs(mden)), fmax(sdnum, sdden)), &e);
    double a = ldexp(mnum, -e), b = ldexp(mden, -e);
    double sa = ldexp(sdnum, -e), sb = ldexp(sdden, -e);
    double v11 = sa * sa / (double)nnum, v22 = sb * sb / (double)nden;
    double r = a / b;
    if (v11 + v22 == 0.0) {
        *lo = *hi = r;
        return 0;
    }
    double df = pow(v11 + r * r * v22, 2.0) /
                (v11 * v11 / (double)(nnum - 1) + pow(r, 4.0) * v22 * v22 / (double)(nden - 1));
    double t = an_t_quantile(conf, !(df >= 1.0) ? 1.0 : df);
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

int an_bootstrap_replicates(const double *num, size_t nnum, const double *den, size_t nden,
                            int geometric, int reps, uint64_t seed, double *out)
{
    if (nnum == 0 || nden == 0 || reps < 2)
        return -1;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    int rc = -1;
    if (!rng)
        return -1;
    gsl_rng_set(rng, (unsigned long)seed);
    for (int i = 0; i < reps; i++) {
        double d = resample_mean(rng, den, nden), q = resample_mean(rng, num, nnum);
        /* geometric: num and den hold logarithms, and the ratio is exp of the difference */
        q = geometric ? exp(q - d) : q / d;
        if ((!geometric && d == 0.0) || !isfinite(q))
            goto out;  /* a resampled denominator of 0: no finite interval exists */
        out[i] = q;
    }
    an_sort(out, (size_t)reps);
    rc = 0;
out:
    gsl_rng_free(rng);
    return rc;
}

int an_bootstrap_ratio(const double *num, size_t nnum, const double *den, size_t nden,
                       double conf, int reps, uint64_t seed, double *lo, double *hi)
{
    *lo = *hi = NAN;
    if (reps < 2)
        return -1;
    double *r = malloc((size_t)reps * sizeof *r);
    if (!r || an_bootstrap_replicates(num, nnum, den, nden, 0, reps, seed, r) < 0) {
        free(r);
        return -1;
    }
    *lo = gsl_stats_quantile_from_sorted_data(r, 1, (size_t)reps, (1.0 - conf) / 2.0);
    *hi = gsl_stats_quantile_from_sorted_data(r, 1, (size_t)reps, (1.0 + conf) / 2.0);
    free(r);
    return 0;
}
