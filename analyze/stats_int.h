/*
 * analyze/stats_int.h — the statistics both `rigor analyze` and `rigor stats` are built on
 * (private to analyze/; tests include it directly).
 *
 * Design: plain functions over arrays of doubles, GSL underneath wherever GSL has the
 * algorithm (means and deviations, quantiles on sorted data, the t, normal and binomial
 * distributions, the random generator for the bootstrap, least squares for drift). A result
 * that does not exist — a CI from one value, a ratio over a zero mean — is NAN here and
 * becomes JSON null at the edge; nothing non-finite ever leaves the module as a number.
 * Every formula, with its reference, is in docs/methodology.md.
 *
 * Load: a dataset of 1,000 runs means a few hundred samples of ~10 values; `rigor stats`
 * must handle 10^6 values in one set (sorting dominates; everything else is linear).
 */
#ifndef RIGOR_ANALYZE_AN_STATS_INT_H
#define RIGOR_ANALYZE_AN_STATS_INT_H

#include <stddef.h>
#include <stdint.h>

/* Below this many values there is no distribution-free 95% CI for the median (binomial). */
#define AN_MEDIAN_MIN_N 6
/* Mann–Whitney U: exact distribution without ties when both n <= this ... */
#define AN_MWU_EXACT_MAX 50
/* ... and with ties when both n <= this (the tie-aware count costs O(groups · m · W), 40 ms
 * at 50 + 50; at 25 + 25 it is 3 ms, and beyond, the tie-corrected normal approximation is
 * within a few thousandths of the exact p). */
#define AN_MWU_TIES_EXACT_MAX 25
/* Modified z-score (Iglewicz & Hoaglin) above which a value is flagged as an outlier. */
#define AN_OUTLIER_Z 3.5
/* Bootstrap resamples used when Fieller's interval is unbounded and none were asked for. */
#define AN_BOOTSTRAP_DEFAULT 10000

/* Summary of one sample. Fields that do not exist for this n are NAN. */
typedef struct an_summary {
    size_t n;
    double mean, sd, ci_low, ci_high;        /* Student-t CI of the mean (n >= 2) */
    double median, median_ci_low, median_ci_high; /* order-statistic CI (NAN if n too small) */
    double min, max, cv;                     /* cv = sd / |mean| (NAN if mean == 0 or n < 2) */
    double median_ci_level;                  /* achieved coverage of the median CI, or NAN */
} an_summary;

/*
 * Summarize x[0..n) at confidence level conf (0 < conf < 1). sorted receives the values
 * in ascending order when non-NULL (caller's buffer of n doubles, which may be x itself:
 * then x is sorted in place) — otherwise a temporary copy is sorted and x is untouched.
 * Returns 0, or -1 when out of memory. n may be 0 (everything NAN).
 */
int an_summarize(const double *x, size_t n, double conf, an_summary *s, double *sorted);

/*
 * Order-statistic confidence interval of the median of sorted[0..n): the widest-k pair
 * (x_(k), x_(n+1-k)) whose binomial coverage 1 - 2 P(B(n, 1/2) <= k-1) is >= conf.
 * Sets *lo, *hi, *level (achieved coverage); all NAN and returns -1 when n is too small.
 */
int an_median_ci(const double *sorted, size_t n, double conf, double *lo, double *hi,
                 double *level);

/*
 * Outliers by the modified z-score M = 0.6745 (x - median) / MAD (Iglewicz & Hoaglin 1993),
 * flagged when |M| > AN_OUTLIER_Z; when MAD is 0 the mean absolute deviation scaled by
 * 1.253314 stands in (IBM SPSS's rule); when that is 0 too nothing is an outlier.
 * flags[i] = 1 for an outlier. Returns the number flagged (0 when n < 3), -1 on OOM.
 */
int an_outliers(const double *x, size_t n, unsigned char *flags);

/*
 * Mean and standard deviation (n - 1 divisor) of x[0..n): sd NAN when n < 2, both NAN when
 * n = 0. Scaled by a power of two (exact), compensated sums and the corrected two-pass
 * formula: full precision at offsets of 1e12 and for magnitudes from 1e-300 to 1e300.
 */
void an_moments(const double *x, size_t n, double *mean, double *sd);

/* Welch's unequal-variance t-test from the two samples' moments (a minus b). */
typedef struct an_welch_t {
    double diff;  /* ma - mb */
    double se;    /* sqrt(sa²/na + sb²/nb), computed without squaring (hypot) */
    double df;    /* Welch–Satterthwaite degrees of freedom; NAN when se = 0 */
    double t, p;  /* diff / se and its two-sided p */
} an_welch_t;

/*
 * Fill w from means, standard deviations and sizes. Returns 0, or -1 (se, df, t, p NAN)
 * when na or nb < 2. Zero standard error: p = 1 when the means are equal, else 0 (t, df
 * NAN): the difference is then exact.
 */
int an_welch(double ma, double sa, size_t na, double mb, double sb, size_t nb, an_welch_t *w);

/* Two-sided p of Welch's unequal-variance t-test; *df receives the Welch–Satterthwaite df.
 * NAN when either n < 2. Zero standard error: p = 1 when the means are equal, else 0. */
double an_welch_p(const double *a, size_t na, const double *b, size_t nb, double *df);

/* Two-sided p of Student's pooled t-test (ministat's test); NAN when na + nb < 3. */
double an_pooled_p(const double *a, size_t na, const double *b, size_t nb);

/*
 * Two-sided Mann–Whitney U p-value. Exact for small samples: without ties (na, nb <=
 * AN_MWU_EXACT_MAX) the distribution of U by recurrence; with ties (na, nb <=
 * AN_MWU_TIES_EXACT_MAX) the permutation distribution of the mid-rank sum (p = P(|U - mn/2|
 * >= |u - mn/2|) over the C(N, na) splits: `1 1 1` vs `2 2 2` gives 2/20 = 0.1). Otherwise
 * the normal approximation with tie and continuity corrections.
 * *u1 receives U of sample a; *exact says which method was used (either may be NULL).
 * NAN when na or nb is 0; 1 when all values are tied.
 */
double an_mwu_p(const double *a, size_t na, const double *b, size_t nb, double *u1, int *exact);

/* P(U <= u) for the exact null distribution of U with sizes m, n (no ties). */
double an_mwu_exact_cdf(size_t m, size_t n, double u);

/*
 * Holm's step-down adjustment of p[0..m) into adj[0..m). NAN entries are left out of the
 * family (and stay NAN). adj may alias p. Returns 0 or -1 on OOM.
 */
int an_holm(const double *p, size_t m, double *adj);

/*
 * Fieller's CI for the ratio of means mean(num) / mean(den) of two independent samples from
 * their means, standard deviations and sizes, with Welch–Satterthwaite degrees of freedom
 * evaluated at the estimated ratio (scaled internally: no square overflows).
 * Returns 0 with *lo, *hi set; 1 when the interval is unbounded (the denominator mean is not
 * significantly different from 0); -1 when it does not exist (n < 2, zero denominator mean).
 */
int an_fieller(double mnum, double sdnum, size_t nnum, double mden, double sdden, size_t nden,
               double conf, double *lo, double *hi);

/*
 * Percentile bootstrap CI of mean(num) / mean(den): `reps` resamples of each sample with
 * replacement drawn from gsl_rng mt19937 seeded with `seed` (reproducible). Returns 0, or -1
 * when the bounds are not finite or memory ran out (lo, hi NAN).
 */
int an_bootstrap_ratio(const double *num, size_t nnum, const double *den, size_t nden,
                       double conf, int reps, uint64_t seed, double *lo, double *hi);

/*
 * The same resampling, keeping every replicate: out[0..reps) receives the sorted ratios of
 * resampled means (geometric = 0), or exp(mean(num) - mean(den)) of resampled means when
 * num and den hold logarithms (geometric = 1: the ratio of geometric means). Returns 0, or
 * -1 when a replicate is not finite (a resampled denominator of 0) or reps < 2.
 */
int an_bootstrap_replicates(const double *num, size_t nnum, const double *den, size_t nden,
                            int geometric, int reps, uint64_t seed, double *out);

/*
 * Smallest number of runs n >= 2 with t_{(1+conf)/2, n-1} * cv / sqrt(n) <= target
 * (relative CI half-width). cv, target > 0; 0 when cv is 0; capped at 1,000,000.
 */
long an_runs_needed(double cv, double target, double conf);

/* Relative drift of a per-second series: |slope * k| / mean over y[0..k) by least squares
 * (gsl_fit_linear). NAN when k < 3 or the mean is not positive. */
double an_drift(const double *y, size_t k);

/* Sort x[0..n) ascending (no NaN allowed). glibc's qsort (a merge sort) rather than
 * gsl_sort (a heapsort): measured 2.5x faster on 10^6 values, where gsl_sort took 56% of
 * `rigor stats`. Already-sorted input costs one pass. */
void an_sort(double *x, size_t n);

/* Student t quantile for two-sided confidence conf and df degrees of freedom (df >= 1). */
double an_t_quantile(double conf, double df);

#endif
