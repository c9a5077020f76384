/*
 * analyze/comparisons.c — comparisons of each target with the baseline, cell by cell and
 * metric by metric: ratio of means with its CI, Welch and Mann–Whitney p-values, Holm's
 * adjustment over the whole family, the verdict and the sentence a person reads.
 *
 * Design: two passes. The first computes every comparison's raw statistics and keeps its
 * Welch p; Holm needs the whole family, so verdicts and sentences come in the second pass.
 * The verdict requires both a significant adjusted p and a ratio CI that clears the noise
 * band (docs/methodology.md explains why both). Load: O(cells × metrics) comparisons.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/err.h"
#include "core/units.h"
#include "analyze/analyze_int.h"

typedef struct cmp_row {
    json_t *obj;           /* the comparison object being built (owned by the array) */
    const an_cell *t, *b;  /* target and baseline cells */
    size_t m;              /* metric index */
    double ratio, lo, hi, p_welch, p_adj;
} cmp_row;

static const an_cell *baseline_cell(const an_cell *cells, size_t n, const char *base,
                                    const an_cell *c)
{
    for (size_t i = 0; i < n; i++) {
        const an_cell *b = &cells[i];
        if (strcmp(b->target, base) == 0 &&
            (b->conc == c->conc || (isnan(b->conc) && isnan(c->conc))) &&
            (b->rate == c->rate || (isnan(b->rate) && isnan(c->rate))))
            return b;
    }
    return NULL;
}

/* The ratio CI: Fieller, or the bootstrap when asked or when Fieller is unbounded. */
static const char *ratio_ci(const an_cell *t, const an_cell *b, size_t m, const an_options *opt,
                            uint64_t seed, double *lo, double *hi)
{
    const an_summary *st = &t->sum[m], *sb = &b->sum[m];
    int rc = -1;
    if (opt->bootstrap == 0) {
        rc = an_fieller(st->mean, st->sd * st->sd, st->n, sb->mean, sb->sd * sb->sd, sb->n,
                        opt->confidence, lo, hi);
        if (rc == 0)
            return "fieller";
        if (rc < 0)
            return NULL;
    }
    if (st->n < 2 || sb->n < 2 || sb->mean == 0.0)
        return NULL;
    int reps = opt->bootstrap ? opt->bootstrap : AN_BOOTSTRAP_DEFAULT;
    if (an_bootstrap_ratio(t->vals[m], t->nv[m], b->vals[m], b->nv[m], opt->confidence, reps,
                           seed, lo, hi) == 0)
        return "bootstrap";
    return NULL;
}

static void compare_one(cmp_row *r, const an_options *opt, uint64_t seed)
{
    const an_cell *t = r->t, *b = r->b;
    size_t m = r->m;
    const an_summary *st = &t->sum[m], *sb = &b->sum[m];
    double df, u1;
    int exact;
    r->ratio = sb->mean != 0.0 ? st->mean / sb->mean : NAN;
    r->lo = r->hi = NAN;
    const char *method = ratio_ci(t, b, m, opt, seed, &r->lo, &r->hi);
    r->p_welch = an_welch_p(t->vals[m], t->nv[m], b->vals[m], b->nv[m], &df);
    double p_mwu = an_mwu_p(t->vals[m], t->nv[m], b->vals[m], b->nv[m], &u1, &exact);
    json_t *o = r->obj;
    an_json_cell_keys(o, t);
    json_object_set_new(o, "baseline", json_string(b->target));
    json_object_set_new(o, "metric", json_string(an_metrics[m].name));
    json_object_set_new(o, "n", json_integer((json_int_t)st->n));
    json_object_set_new(o, "n_baseline", json_integer((json_int_t)sb->n));
    json_object_set_new(o, "mean", an_json_num(st->mean));
    json_object_set_new(o, "mean_baseline", an_json_num(sb->mean));
    json_object_set_new(o, "ratio", an_json_num(r->ratio));
    json_object_set_new(o, "ratio_ci_low", an_json_num(r->lo));
    json_object_set_new(o, "ratio_ci_high", an_json_num(r->hi));
    json_object_set_new(o, "ratio_ci_method", method ? json_string(method) : json_null());
    json_object_set_new(o, "p_welch", an_json_num(r->p_welch));
    json_object_set_new(o, "df_welch", an_json_num(df));
    json_object_set_new(o, "p_mannwhitney", an_json_num(p_mwu));
    json_object_set_new(o, "mannwhitney_u", an_json_num(u1));
    json_object_set_new(o, "mannwhitney_exact", isfinite(p_mwu) ? json_boolean(exact)
                                                                : json_null());
}

static const char *verdict(const cmp_row *r, const an_options *opt)
{
    int dir = an_metrics[r->m].dir;
    if (!(r->p_adj < 1.0 - opt->confidence))
        return "~";
    int up, down;
    if (r->b->sum[r->m].mean == 0.0 && r->t->sum[r->m].mean != 0.0) {
        /* zero baseline (no errors at all): no ratio, but a significant difference from
         * an exact zero needs no noise band */
        up = r->t->sum[r->m].mean > 0.0;
        down = !up;
    } else {
        if (!isfinite(r->lo) || !isfinite(r->hi))
            return "~";
        up = r->lo > 1.0 + opt->noise;
        down = r->hi < 1.0 - opt->noise;
    }
    if (!up && !down)
        return "~";
    if (dir == AN_HIGHER_BETTER)
        return up ? "faster" : "slower";
    if (dir == AN_LOWER_BETTER)
        return up ? "worse" : "better";
    return up ? "higher" : "lower";
}

/* "p < 0.001" or "p = 0.012" */
static void fmt_p(char *buf, size_t len, double p)
{
    char t[16];
    if (!isfinite(p))
        snprintf(buf, len, "no test");
    else
        snprintf(buf, len, "p %s%s", p < 0.001 ? "" : "= ", rg_fmt_p(t, sizeof t, p));
}

/* "2.41× ± 0.07": decimals follow the size of the uncertainty, at least two. */
static void fmt_factor(char *buf, size_t len, double f, double flo, double fhi)
{
    double h = fmax(fhi - f, f - flo);
    int dec = 2;
    if (h > 0.0 && isfinite(h))
        dec = (int)fmax(2.0, fmin(6.0, -floor(log10(h))));
    snprintf(buf, len, "%.*f× ± %.*f", dec, f, dec, h);
}

/* The sentence for a proven difference. */
static void sentence_verdict(char *s, size_t len, const cmp_row *r, const char *v, const char *at)
{
    const an_cell *t = r->t, *b = r->b;
    const an_metric_def *md = &an_metrics[r->m];
    int inv = !strcmp(v, "slower") || !strcmp(v, "better") || !strcmp(v, "lower");
    double f = inv ? 1.0 / r->ratio : r->ratio, flo = inv ? 1.0 / r->hi : r->lo,
           fhi = inv ? 1.0 / r->lo : r->hi;
    const char *dir = !strcmp(v, "faster") || !strcmp(v, "worse") || !strcmp(v, "higher")
                          ? "higher" : "lower";
    char fac[96];
    if (isfinite(f) && isfinite(flo) && isfinite(fhi) && flo > 0.0) {
        fmt_factor(fac, sizeof fac, f, flo, fhi);
        if (md->dir == AN_HIGHER_BETTER)
            snprintf(s, len, "%s is %s %s than %s%s", t->target, fac, v, b->target, at);
        else
            snprintf(s, len, "%s has %s %s %s than %s%s", t->target, fac, dir, md->label,
                     b->target, at);
    } else {
        snprintf(s, len, "%s has %s %s than %s%s: mean %.4g vs %.4g", t->target, dir,
                 md->label, b->target, at, t->sum[r->m].mean, b->sum[r->m].mean);
    }
}

/*
 * True when the raw test and the interval both point to a difference that only the
 * correction for the family of comparisons takes away: the sentence must say so, or it
 * reads as "no difference" beside an interval that plainly excludes 1.
 */
static int lost_to_correction(const cmp_row *r, const an_options *opt)
{
    double alpha = 1.0 - opt->confidence;
    return r->p_welch < alpha && r->p_adj >= alpha && isfinite(r->lo) && isfinite(r->hi) &&
           (r->lo > 1.0 + opt->noise || r->hi < 1.0 - opt->noise);
}

static void sentence(cmp_row *r, const char *v, const an_options *opt, size_t family)
{
    char s[768], at[96], p[32];
    const an_cell *t = r->t, *b = r->b;
    const an_metric_def *md = &an_metrics[r->m];
    double mt = t->sum[r->m].mean, mb = b->sum[r->m].mean;
    size_t nt = t->sum[r->m].n, nb = b->sum[r->m].n;
    an_cell_phrase(at, sizeof at, t);
    fmt_p(p, sizeof p, r->p_adj);
    if (strcmp(v, "~") != 0)
        sentence_verdict(s, sizeof s, r, v, at);
    else if (mt == mb && t->sum[r->m].sd == 0.0 && b->sum[r->m].sd == 0.0)
        snprintf(s, sizeof s, "%s and %s do not differ in %s%s: both exactly %.4g", t->target,
                 b->target, md->label, at, mt);
    else if (lost_to_correction(r, opt))
        snprintf(s, sizeof s, "%s and %s show no proven difference in %s%s once corrected for "
                 "the %zu comparisons of this analysis: ratio %.3f, CI %.3f to %.3f, unadjusted "
                 "p = %.2g", t->target, b->target, md->label, at, family, r->ratio, r->lo, r->hi,
                 r->p_welch);
    else if (isfinite(r->lo))
        snprintf(s, sizeof s, "%s and %s show no proven difference in %s%s: ratio %.3f, CI "
                 "%.3f to %.3f", t->target, b->target, md->label, at, r->ratio, r->lo, r->hi);
    else if (isfinite(r->ratio))
        snprintf(s, sizeof s, "%s and %s show no proven difference in %s%s: ratio %.3g, no "
                 "interval", t->target, b->target, md->label, at, r->ratio);
    else
        snprintf(s, sizeof s, "%s and %s show no proven difference in %s%s: mean %.4g vs %.4g",
                 t->target, b->target, md->label, at, mt, mb);
    size_t len = strlen(s);
    if (nt < 2 || nb < 2)
        snprintf(s + len, sizeof s - len, " (too few runs for an interval or a test, n = %zu + %zu)",
                 nt, nb);
    else
        snprintf(s + len, sizeof s - len, " (%g%% CI, %s, n = %zu + %zu)",
                 100.0 * opt->confidence, p, nt, nb);
    json_object_set_new(r->obj, "sentence", json_string(s));
}

/* Build the rows of every comparable (cell, metric) pair, computing raw statistics. */
static size_t build_rows(an_cell *cells, size_t ncells, const char *base, const an_options *opt,
                         cmp_row *rows, json_t *cmp, json_t *warnings)
{
    size_t k = 0;
    for (size_t i = 0; i < ncells; i++) {
        const an_cell *t = &cells[i];
        if (strcmp(t->target, base) == 0 || t->nruns == 0)
            continue;
        const an_cell *b = baseline_cell(cells, ncells, base, t);
        if (!b || b->nruns == 0) {
            char at[96];
            an_warn(warnings, t, "no_baseline", "no %s runs%s to compare with", base,
                    an_cell_phrase(at, sizeof at, t));
            continue;
        }
        for (size_t m = 0; m < an_nmetrics; m++) {
            if (!t->nv[m] || !b->nv[m])
                continue;
            cmp_row *r = &rows[k];
            r->obj = json_object();
            r->t = t;
            r->b = b;
            r->m = m;
            compare_one(r, opt, opt->seed + k);
            json_array_append_new(cmp, r->obj);
            k++;
        }
    }
    return k;
}

int an_compare_cells(an_cell *cells, size_t ncells, const char *baseline,
                     const an_options *opt, json_t *comparisons, json_t *warnings, char *err)
{
    size_t cap = ncells * an_nmetrics;
    cmp_row *rows = calloc(cap ? cap : 1, sizeof *rows);
    double *p = calloc(cap ? cap : 1, sizeof *p);
    int rc = -1;
    if (!rows || !p) {
        rg_err_set(err, "out of memory");
        goto out;
    }
    size_t k = build_rows(cells, ncells, baseline, opt, rows, comparisons, warnings);
    for (size_t i = 0; i < k; i++)
        p[i] = rows[i].p_welch;
    if (an_holm(p, k, p) < 0) {
        rg_err_set(err, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < k; i++) {
        rows[i].p_adj = p[i];
        const char *v = verdict(&rows[i], opt);
        json_object_set_new(rows[i].obj, "p_adjusted", an_json_num(p[i]));
        json_object_set_new(rows[i].obj, "verdict", json_string(v));
        sentence(&rows[i], v, opt, k);
    }
    rc = 0;
out:
    free(rows);
    free(p);
    return rc;
}
