/*
 * analyze/stats_sets.c — `rigor stats` figures: per-set summaries and each set against
 * the first (difference and ratio with CIs, Welch / pooled t and Mann–Whitney p-values).
 *
 * Design: the same functions as `rigor analyze` (stats_int.h). The default difference CI
 * is Welch's (no equal-variance assumption); --pooled reproduces ministat exactly: Student's
 * pooled t with ministat's 3-decimal t table (which is the t quantile rounded to 3 decimals,
 * and z beyond 100 degrees of freedom), so its verdict and its printed numbers match.
 * Load: one sort per set (10^6 values: ~0.1 s), then linear work.
 */
#include <math.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include "analyze/stats_cmd_int.h"

int an_stats_summarize(an_set *s, double conf)
{
    /* summarize sorts a copy into s->v itself; the values' order does not matter here */
    return an_summarize(s->v, s->n, conf, &s->s, s->v);
}

double an_ministat_t(double conf, size_t df)
{
    /* ministat's table is these values rounded — except its "99.5%" column, which holds
     * 99.8% quantiles (3.090 for infinite df). That is a ministat bug we do not copy; see
     * docs/analyze.md. */
    double t = df > 100 ? gsl_cdf_ugaussian_Pinv(0.5 + conf / 2.0) : an_t_quantile(conf, (double)df);
    return round(t * 1000.0) / 1000.0;
}

/* ministat's figures: pooled s, e = t·s·sqrt(1/n1 + 1/n2) with the tabled t. */
static void ministat_figures(const an_set *a, const an_set *b, double conf, an_set_cmp *c)
{
    size_t df = a->n + b->n - 2;
    double sa = a->n > 1 ? a->s.sd : 0.0, sb = b->n > 1 ? b->s.sd : 0.0;
    double k = fmax(sa, sb) > 0.0 ? fmax(sa, sb) : 1.0;  /* no square overflows */
    double va = (sa / k) * (sa / k), vb = (sb / k) * (sb / k);
    c->m_t = an_ministat_t(conf, df);
    c->m_spool = k * sqrt(((double)(b->n - 1) * vb + (double)(a->n - 1) * va) / (double)df);
    c->m_e = c->m_t * c->m_spool * sqrt(1.0 / (double)b->n + 1.0 / (double)a->n);
    c->m_re = c->m_e;  /* ministat 20150715 prints e / mean(a) as the relative half-width */
}

static void difference(const an_set *a, const an_set *b, double conf, bool pooled,
                       an_set_cmp *c)
{
    c->diff = b->s.mean - a->s.mean;
    c->diff_lo = c->diff_hi = NAN;
    if (pooled && a->n + b->n >= 3) {
        ministat_figures(a, b, conf, c);
        c->diff_lo = c->diff - c->m_e;
        c->diff_hi = c->diff + c->m_e;
        return;
    }
    if (a->n < 2 || b->n < 2)
        return;
    an_welch_t w;  /* its se is computed without squaring: huge or tiny data stay exact */
    an_welch(b->s.mean, b->s.sd, b->n, a->s.mean, a->s.sd, a->n, &w);
    double h = 0.0;
    if (w.se > 0.0)
        h = an_t_quantile(conf, w.df) * w.se;
    c->diff_lo = c->diff - h;
    c->diff_hi = c->diff + h;
}

void an_stats_compare(const an_set *a, const an_set *b, double conf, bool pooled,
                      an_set_cmp *c)
{
    c->m_t = c->m_spool = c->m_e = c->m_re = NAN;
    c->p_welch = an_welch_p(b->v, b->n, a->v, a->n, &c->df);
    c->p_pooled = an_pooled_p(b->v, b->n, a->v, a->n);
    c->p_mwu = an_mwu_p(b->v, b->n, a->v, a->n, NULL, &c->mwu_exact);
    difference(a, b, conf, pooled, c);
    c->ratio = a->s.mean != 0.0 ? b->s.mean / a->s.mean : NAN;
    c->ratio_lo = c->ratio_hi = NAN;
    c->ratio_method = NULL;
    int rc = an_fieller(b->s.mean, b->s.sd, b->n, a->s.mean, a->s.sd, a->n,
                        conf, &c->ratio_lo, &c->ratio_hi);
    if (rc == 0)
        c->ratio_method = "fieller";
    else if (rc == 1 && an_bootstrap_ratio(b->v, b->n, a->v, a->n, conf, AN_BOOTSTRAP_DEFAULT,
                                           1, &c->ratio_lo, &c->ratio_hi) == 0)
        c->ratio_method = "bootstrap";
    if (pooled)  /* ministat's rule: |d| > e */
        c->significant = isfinite(c->m_e) && fabs(c->diff) > c->m_e;
    else
        c->significant = c->p_welch < 1.0 - conf;
}
