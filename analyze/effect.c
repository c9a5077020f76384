/*
 * analyze/effect.c — the statistics of one comparison (a target against the baseline, one
 * metric, one cell): its scale, its estimate, Welch's test, and its interval at any
 * confidence level (Holm's procedure in comparisons.c asks for several levels).
 *
 * Design (docs/methodology.md §3): positive metrics are compared on the log scale — Welch's
 * t on ln(per-run value), the ratio of geometric means with interval exp(d ± t·se), never
 * negative, always finite. The error rate (which is often 0) and any metric with a zero
 * value are compared by their difference, Welch's t on the values. Fieller's interval for
 * the ratio of arithmetic means (--ratio mean) and the percentile bootstrap (--bootstrap N)
 * remain available. A comparison carries no information, and stays out of Holm's family,
 * when a side has fewer than two observations or neither side varies at all.
 * Load: one per (cell, metric, target); O(n) each, plus the bootstrap's resamples.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_statistics_double.h>
#include "analyze/analyze_int.h"

/* exp() kept within the doubles: a ratio beyond them (1e-300 against 1e300) is shown at
 * the limit rather than as inf or 0, which would turn into null or break 1/x. */
static double exp_clamped(double x)
{
    return x > 709.0 ? DBL_MAX : x < -708.0 ? DBL_MIN : exp(x);
}

/* ln of every value into out (all values are > 0 here). */
static void logs(const double *x, size_t n, double *out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = log(x[i]);
}

static bool all_positive(const double *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!(x[i] > 0.0))
            return false;
    return true;
}

/* The reason a comparison has no test, when it has none. */
static const char *no_test_note(const an_cell *t, const an_cell *b, size_t m)
{
    if (t->per_process[m] || b->per_process[m])
        return "one observation per server process";
    return "too few runs for a test";
}

/* The bootstrap replicates of the ratio (geometric on logs, or of means). */
static int bootstrap(an_effect *e, const double *xt, const double *xb, bool geometric,
                     const an_options *opt, uint64_t seed)
{
    e->nboot = opt->bootstrap;
    if (!(e->boot = malloc((size_t)e->nboot * sizeof *e->boot)))
        return -1;
    if (an_bootstrap_replicates(xt, e->nt, xb, e->nb, geometric, e->nboot, seed, e->boot) < 0) {
        free(e->boot);  /* a resampled baseline of 0: no finite interval */
        e->boot = NULL;
        e->nboot = 0;
        e->method = AN_M_NONE;
        e->note = "no finite bootstrap interval (a resampled baseline mean is 0)";
    }
    return 0;
}

/* Scale log: Welch on logarithms; the estimate is the ratio of geometric means. */
static int log_scale(an_effect *e, const double *vt, const double *vb, const an_options *opt,
                     uint64_t seed)
{
    double *lt = malloc(e->nt * sizeof *lt), *lb = malloc(e->nb * sizeof *lb);
    double mt, st, mb, sb;
    an_welch_t w;
    int rc = -1;
    if (!lt || !lb)
        goto out;
    logs(vt, e->nt, lt);
    logs(vb, e->nb, lb);
    an_moments(lt, e->nt, &mt, &st);
    an_moments(lb, e->nb, &mb, &sb);
    e->est = exp_clamped(mt - mb);
    if (opt->ratio_means)
        e->est = e->mt / e->mb;
    rc = 0;
    if (e->method == AN_M_NONE)
        goto out;
    /* the test on the scale of the estimate: logs, or the values for a ratio of means */
    if (opt->ratio_means)
        an_welch(e->mt, e->st, e->nt, e->mb, e->sb, e->nb, &w);
    else
        an_welch(mt, st, e->nt, mb, sb, e->nb, &w);
    e->d = w.diff;
    e->se = w.se;
    e->df = w.df;
    e->p = w.p;
    if (w.se == 0.0) {
        e->method = AN_M_EXACT;
    } else if (opt->bootstrap > 0) {
        e->method = AN_M_BOOTSTRAP;
        rc = opt->ratio_means ? bootstrap(e, vt, vb, false, opt, seed)
                              : bootstrap(e, lt, lb, true, opt, seed);
    } else {
        e->method = opt->ratio_means ? AN_M_FIELLER : AN_M_LOG_T;
    }
out:
    free(lt);
    free(lb);
    return rc;
}

/* Scale difference: Welch on the values; the estimate is T - B. */
static void diff_scale(an_effect *e)
{
    an_welch_t w;
    e->est = e->mt - e->mb;
    if (e->method == AN_M_NONE)
        return;
    an_welch(e->mt, e->st, e->nt, e->mb, e->sb, e->nb, &w);
    e->d = w.diff;
    e->se = w.se;
    e->df = w.df;
    e->p = w.p;
    e->method = w.se == 0.0 ? AN_M_EXACT : AN_M_DIFF_T;
}

int an_effect_init(an_effect *e, const an_cell *t, const an_cell *b, size_t m,
                   const an_options *opt, uint64_t seed)
{
    const double *vt = t->vals[m], *vb = b->vals[m];
    memset(e, 0, sizeof *e);
    e->nt = t->nv[m];
    e->nb = b->nv[m];
    e->est = e->d = e->se = e->df = e->p = NAN;
    an_moments(vt, e->nt, &e->mt, &e->st);
    an_moments(vb, e->nb, &e->mb, &e->sb);
    e->method = AN_M_LOG_T;  /* provisional: a test exists */
    if (e->nt < 2 || e->nb < 2) {
        e->method = AN_M_NONE;
        e->note = no_test_note(t, b, m);
    }
    int rc = 0;
    if (an_metrics[m].unit != AN_UNIT_FRACTION && all_positive(vt, e->nt) &&
        all_positive(vb, e->nb)) {
        e->scale = AN_SCALE_LOG;
        rc = log_scale(e, vt, vb, opt, seed);
    } else {
        e->scale = AN_SCALE_DIFF;
        diff_scale(e);
        if (an_metrics[m].unit != AN_UNIT_FRACTION && !e->note)
            e->note = "a value of 0: compared by difference, not ratio";
    }
    if (e->method == AN_M_EXACT && !e->note)
        e->note = "no variance";
    /* the family holds the comparisons that carry information: a test with variance */
    e->in_family = e->method != AN_M_NONE && e->method != AN_M_EXACT && isfinite(e->p);
    return rc;
}

/* Fieller's set for the ratio of means at a level (unbounded: none). */
static int fieller(const an_effect *e, double level, double *lo, double *hi)
{
    return an_fieller(e->mt, e->st, e->nt, e->mb, e->sb, e->nb, level, lo, hi) == 0 ? 0 : -1;
}

int an_effect_interval(const an_effect *e, double level, double *lo, double *hi)
{
    double h;
    *lo = *hi = NAN;
    switch (e->method) {
    case AN_M_LOG_T:
    case AN_M_DIFF_T:
        h = an_t_quantile(level, e->df < 1.0 ? 1.0 : e->df) * e->se;
        if (!isfinite(h))
            return -1;
        *lo = e->method == AN_M_LOG_T ? exp_clamped(e->d - h) : e->d - h;
        *hi = e->method == AN_M_LOG_T ? exp_clamped(e->d + h) : e->d + h;
        return 0;
    case AN_M_FIELLER:
        return fieller(e, level, lo, hi);
    case AN_M_BOOTSTRAP:
        *lo = gsl_stats_quantile_from_sorted_data(e->boot, 1, (size_t)e->nboot,
                                                  (1.0 - level) / 2.0);
        *hi = gsl_stats_quantile_from_sorted_data(e->boot, 1, (size_t)e->nboot,
                                                  (1.0 + level) / 2.0);
        return 0;
    case AN_M_EXACT:
        if (!isfinite(e->est))
            return -1;
        *lo = *hi = e->est;
        return 0;
    case AN_M_NONE:
        break;
    }
    return -1;
}

double an_effect_null(const an_effect *e)
{
    return e->scale == AN_SCALE_LOG ? 1.0 : 0.0;
}

void an_effect_free(an_effect *e)
{
    free(e->boot);
    e->boot = NULL;
}
