/*
 * analyze/comparisons.c — the family of comparisons: each target against the baseline,
 * cell by cell and metric by metric; Holm's procedure over the whole family; the interval
 * printed at the level Holm used; the verdict; the comparison objects of the document.
 *
 * Design: three passes. The first computes every comparison's effect (effect.c). The second
 * runs Holm's step-down procedure on the comparisons that carry information, in the form
 * of intervals: with r comparisons not yet rejected, the next one (smallest Welch p first)
 * is rejected when its interval at level 1 - α/r excludes "no difference"; the procedure
 * stops at the first that does not, and every comparison left gets its interval at that
 * last level. The third gives the verdict: a direction exactly when the comparison was
 * rejected and its printed interval clears the noise band. Because rejection is decided on
 * the very interval that is printed, verdict and interval cannot disagree: a rejected one
 * was decided on it, and every one left was checked to include "no difference" at the level
 * it is printed at. Load: O(cells × metrics) comparisons; Holm is O(m log m) for the sort
 * and O(m) interval evaluations when the p-values and intervals agree, as they do but for
 * rounding (the t quantile is evaluated once per step).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/err.h"
#include "analyze/analyze_int.h"

static const an_cell *baseline_cell(const an_cell *cells, size_t n, const char *base,
                                    const an_cell *c)
{
    for (size_t i = 0; i < n; i++) {
        const an_cell *b = &cells[i];
        if (strcmp(b->target, base) == 0 &&
            (b->endpoint == c->endpoint ||
             (b->endpoint && c->endpoint && strcmp(b->endpoint, c->endpoint) == 0)) &&
            (b->conc == c->conc || (isnan(b->conc) && isnan(c->conc))) &&
            (b->rate == c->rate || (isnan(b->rate) && isnan(c->rate))))
            return b;
    }
    return NULL;
}

static const char *method_name(enum an_method m)
{
    switch (m) {
    case AN_M_LOG_T: return "log-t";
    case AN_M_FIELLER: return "fieller";
    case AN_M_BOOTSTRAP: return "bootstrap";
    case AN_M_DIFF_T: return "welch";
    case AN_M_EXACT: return "exact";
    case AN_M_NONE: break;
    }
    return NULL;
}

/* The keys known before Holm: identity, sizes, means, estimate, tests. */
static void cmp_json_stats(an_cmp *r)
{
    const an_cell *t = r->t, *b = r->b;
    const an_effect *e = &r->e;
    size_t m = r->m;
    double u1;
    int exact;
    double p_mwu = an_mwu_p(t->vals[m], t->nv[m], b->vals[m], b->nv[m], &u1, &exact);
    json_t *o = r->obj;
    bool log = e->scale == AN_SCALE_LOG;
    an_json_cell_keys(o, t);
    json_object_set_new(o, "baseline", json_string(b->target));
    json_object_set_new(o, "metric", json_string(an_metrics[m].name));
    json_object_set_new(o, "scale", json_string(log ? "log" : "difference"));
    json_object_set_new(o, "n", json_integer((json_int_t)t->nv[m]));
    json_object_set_new(o, "n_baseline", json_integer((json_int_t)b->nv[m]));
    json_object_set_new(o, "per_process", json_boolean(t->per_process[m] || b->per_process[m]));
    json_object_set_new(o, "mean", an_json_num(t->sum[m].mean));
    json_object_set_new(o, "mean_baseline", an_json_num(b->sum[m].mean));
    json_object_set_new(o, "ratio", an_json_num(log ? e->est : e->mb != 0.0 ? e->mt / e->mb
                                                                             : NAN));
    json_object_set_new(o, "difference", an_json_num(e->mt - e->mb));
    json_object_set_new(o, "ratio_ci_method", method_name(e->method)
                        ? json_string(method_name(e->method)) : json_null());
    json_object_set_new(o, "p_welch", an_json_num(e->p));
    json_object_set_new(o, "df_welch", an_json_num(e->df));
    json_object_set_new(o, "p_mannwhitney", an_json_num(p_mwu));
    json_object_set_new(o, "mannwhitney_u", an_json_num(u1));
    json_object_set_new(o, "mannwhitney_exact", isfinite(p_mwu) ? json_boolean(exact)
                                                                : json_null());
    json_object_set_new(o, "in_family", json_boolean(e->in_family));
}

/* The intervals, level and decision (after Holm). */
static void cmp_json_decision(an_cmp *r)
{
    json_t *o = r->obj;
    bool log = r->e.scale == AN_SCALE_LOG;
    json_object_set_new(o, "ci_level", an_json_num(r->level));
    json_object_set_new(o, "ratio_ci_low", an_json_num(log ? r->lo : NAN));
    json_object_set_new(o, "ratio_ci_high", an_json_num(log ? r->hi : NAN));
    json_object_set_new(o, "ratio_ci95_low", an_json_num(log ? r->lo95 : NAN));
    json_object_set_new(o, "ratio_ci95_high", an_json_num(log ? r->hi95 : NAN));
    json_object_set_new(o, "difference_ci_low", an_json_num(log ? NAN : r->lo));
    json_object_set_new(o, "difference_ci_high", an_json_num(log ? NAN : r->hi));
    json_object_set_new(o, "difference_ci95_low", an_json_num(log ? NAN : r->lo95));
    json_object_set_new(o, "difference_ci95_high", an_json_num(log ? NAN : r->hi95));
    json_object_set_new(o, "p_adjusted", an_json_num(r->p_adj));
    json_object_set_new(o, "note", r->e.note ? json_string(r->e.note) : json_null());
    json_object_set_new(o, "verdict", json_string(r->verdict));
}

/* Build the comparisons of every (cell, metric) pair both cells have. k receives how many. */
static int build(an_cell *cells, size_t ncells, const char *base, const an_options *opt,
                 an_cmp *rows, size_t *k, json_t *cmp, json_t *warnings)
{
    *k = 0;
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
            an_cmp *r = &rows[*k];
            r->t = t;
            r->b = b;
            r->m = m;
            r->p_adj = NAN;
            if (an_effect_init(&r->e, t, b, m, opt, opt->seed + *k) < 0)
                return -1;
            r->obj = json_object();
            json_array_append_new(cmp, r->obj);
            (*k)++;
        }
    }
    return 0;
}

/* qsort_r order of row indices: smallest Welch p first. */
static int by_p(const void *pa, const void *pb, void *ctx)
{
    const an_cmp *rows = ctx;
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    double x = rows[a].e.p, y = rows[b].e.p;
    if (x != y)
        return x < y ? -1 : 1;
    return a < b ? -1 : a > b;  /* ties in input order: deterministic */
}

/* Does the interval of row r at level exclude "no difference"? Sets r's interval. */
static bool excludes_null(an_cmp *r, double level)
{
    r->level = level;
    if (an_effect_interval(&r->e, level, &r->lo, &r->hi) < 0)
        return false;
    double null = an_effect_null(&r->e);
    return r->lo > null || r->hi < null;
}

/*
 * Holm's step-down procedure over the family fam[0..m) (indices into rows, sorted by p):
 * step j (j = 1..m) tests at level 1 - α/(m - j + 1). Rows rejected at step j keep that
 * level; the rest get the level of the first step that failed.
 */
static void holm(an_cmp *rows, size_t *fam, size_t m, double alpha)
{
    size_t first = 0;  /* fam[0..first) are rejected */
    while (first < m) {
        double level = 1.0 - alpha / (double)(m - first);
        size_t hit = m;
        /* When nothing is hit this scans every row left, so each gets its interval at the
         * level of the step that failed; a row passed over before a hit is scanned again
         * at the next step's level. */
        for (size_t j = first; j < m && hit == m; j++)
            if (excludes_null(&rows[fam[j]], level))
                hit = j;
        if (hit == m)
            return;  /* the procedure stops: nothing left excludes "no difference" */
        /* rejected at this step (in p order, so it usually is fam[first] itself) */
        size_t h = fam[hit];
        memmove(fam + first + 1, fam + first, (hit - first) * sizeof *fam);
        fam[first] = h;
        rows[h].rejected = true;
        first++;
    }
}

/*
 * The verdict: a direction exactly when "no difference" was rejected (by Holm, or exactly
 * for a comparison without variance) and the printed interval clears the noise band —
 * [1 - noise, 1 + noise] for a ratio, ± noise × |baseline mean| for a difference (no band
 * around a baseline of exactly 0).
 */
static const char *verdict(const an_cmp *r, const an_options *opt)
{
    const an_effect *e = &r->e;
    bool decided = e->in_family ? r->rejected : e->method == AN_M_EXACT;
    if (!decided || !isfinite(r->lo) || !isfinite(r->hi))
        return "~";
    bool up, down;
    if (e->scale == AN_SCALE_LOG) {
        up = r->lo > 1.0 + opt->noise;
        down = r->hi < 1.0 - opt->noise;
    } else {
        double band = opt->noise * fabs(e->mb);
        up = r->lo > band;
        down = r->hi < -band;
    }
    if (!up && !down)
        return "~";
    int dir = an_metrics[r->m].dir;
    if (dir == AN_HIGHER_BETTER)
        return up ? "faster" : "slower";
    if (dir == AN_LOWER_BETTER)
        return up ? "worse" : "better";
    return up ? "higher" : "lower";
}

/* Holm over the family: rejections, levels, intervals, adjusted p-values. */
static int decide_family(an_cmp *rows, size_t k, const an_options *opt, size_t *m)
{
    size_t *fam = malloc((k ? k : 1) * sizeof *fam);
    double *p = malloc((k ? k : 1) * sizeof *p);
    if (!fam || !p) {
        free(fam);
        free(p);
        return -1;
    }
    *m = 0;
    for (size_t i = 0; i < k; i++)
        if (rows[i].e.in_family)
            fam[(*m)++] = i;
    qsort_r(fam, *m, sizeof *fam, by_p, rows);
    holm(rows, fam, *m, 1.0 - opt->confidence);
    for (size_t j = 0; j < *m; j++)
        p[j] = rows[fam[j]].e.p;
    int rc = an_holm(p, *m, p);
    for (size_t j = 0; rc == 0 && j < *m; j++)
        rows[fam[j]].p_adj = p[j];
    free(fam);
    free(p);
    return rc;
}

int an_compare_cells(an_cell *cells, size_t ncells, const char *baseline,
                     const an_options *opt, json_t *doc, char *err)
{
    size_t cap = ncells * an_nmetrics, k = 0, m = 0;
    an_cmp *rows = calloc(cap ? cap : 1, sizeof *rows);
    int rc = -1;
    if (!rows ||
        build(cells, ncells, baseline, opt, rows, &k, json_object_get(doc, "comparisons"),
              json_object_get(doc, "warnings")) < 0 ||
        decide_family(rows, k, opt, &m) < 0) {
        rg_err_set(err, "out of memory");
        goto out;
    }
    json_object_set_new(doc, "family_size", json_integer((json_int_t)m));
    for (size_t i = 0; i < k; i++) {
        an_cmp *r = &rows[i];
        if (!r->e.in_family)  /* outside the family: the interval at the report's level */
            excludes_null(r, opt->confidence);
        an_effect_interval(&r->e, opt->confidence, &r->lo95, &r->hi95);
        r->verdict = verdict(r, opt);
        cmp_json_stats(r);
        cmp_json_decision(r);
        an_sentence(r, opt, m);
    }
    rc = 0;
out:
    for (size_t i = 0; i < k; i++)
        an_effect_free(&rows[i].e);
    free(rows);
    return rc;
}
