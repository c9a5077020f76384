/*
 * report/rp_model.c — join analyze's groups with the dataset runs behind them.
 *
 * Design: analyze's document decides what the cells are (one group per target x concurrency
 * or rate) and every interval shown; the runs are still needed for what analyze does not
 * summarise: request and error totals, status codes, per-run throughput for the box plot,
 * histograms for the percentile spectrum and the per-second time series. A run belongs to
 * the group with the same target, concurrency and rate; incomplete runs are left out unless
 * the caller asked analyze to include them too, so both sides count the same runs.
 *
 * Expected load: runs x groups comparisons, i.e. a few hundred thousand for a 1,000-run
 * dataset — microseconds.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/dataset.h"
#include "core/err.h"
#include "core/units.h"
#include "report/report_int.h"

bool rp_same_num(double a, double b)
{
    if (isnan(a) || isnan(b))
        return isnan(a) && isnan(b);
    return a == b;
}

const char *rp_axis_name(const rp_model *m)
{
    return m->axis == RP_AXIS_RATE ? "rate" : "concurrency";
}

char *rp_axis_value(char *buf, size_t len, const rp_model *m, double x)
{
    char v[48];
    an_fmt_x(v, sizeof v, x);
    snprintf(buf, len, m->axis == RP_AXIS_RATE ? "rate %s req/s" : "concurrency %s", v);
    return buf;
}

char *rp_where(char *buf, size_t len, double conc, double rate)
{
    char v[48];
    if (!isnan(conc))
        snprintf(buf, len, " at %s connection%s", an_fmt_x(v, sizeof v, conc), conc == 1 ? "" : "s");
    else if (!isnan(rate))
        snprintf(buf, len, " at %s req/s", an_fmt_x(v, sizeof v, rate));
    else
        snprintf(buf, len, "%s", "");
    return buf;
}

const json_t *rp_metric(const rp_cell *c, const char *name)
{
    const json_t *j = json_object_get(json_object_get(c->group, "metrics"), name);
    return json_is_object(j) ? j : NULL;
}

double rp_metric_num(const rp_cell *c, const char *name, const char *field)
{
    const json_t *j = rp_metric(c, name);
    return j ? rg_json_num(j, field, NAN) : NAN;
}

bool rp_metric_present(const rp_model *m, const char *name)
{
    for (size_t i = 0; i < m->ncells; i++)
        if (!isnan(rp_metric_num(&m->cells[i], name, "mean")))
            return true;
    return false;
}

/* The index of target t in m->targets, appending it when new. */
static size_t target_index(rp_model *m, const char *t)
{
    for (size_t i = 0; i < m->ntargets; i++)
        if (strcmp(m->targets[i], t) == 0)
            return i;
    m->targets[m->ntargets] = t;
    return m->ntargets++;
}

/* Cells ordered by (target, concurrency, rate), NaN first: runs find theirs by bisection. */
static int cmp_key(const char *t1, double c1, double r1, const char *t2, double c2, double r2)
{
    int d = strcmp(t1, t2);
    if (d != 0)
        return d;
    if (!rp_same_num(c1, c2))
        return isnan(c1) ? -1 : isnan(c2) ? 1 : c1 < c2 ? -1 : 1;
    if (!rp_same_num(r1, r2))
        return isnan(r1) ? -1 : isnan(r2) ? 1 : r1 < r2 ? -1 : 1;
    return 0;
}

static int cmp_cells(const void *a, const void *b)
{
    const rp_cell *x = *(rp_cell *const *)a, *y = *(rp_cell *const *)b;
    return cmp_key(x->target, x->conc, x->rate, y->target, y->conc, y->rate);
}

/* The first of the sorted cells (n of them) with the run's key, or n. */
static size_t find_cell(rp_cell **sorted, size_t n, const json_t *run)
{
    const char *t = json_string_value(json_object_get(run, "target"));
    if (t == NULL)
        return n;
    double conc = rg_json_num(run, "concurrency", NAN), rate = rg_json_num(run, "rate", NAN);
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const rp_cell *c = sorted[mid];
        if (cmp_key(c->target, c->conc, c->rate, t, conc, rate) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && cmp_key(sorted[lo]->target, sorted[lo]->conc, sorted[lo]->rate, t, conc,
                             rate) == 0 ? lo : n;
}

/*
 * Attach to every cell the runs of every dataset that belong to it (same target,
 * concurrency and rate; incomplete runs only when asked), in dataset and file order. One
 * pass over the runs (25,000 of them in a year of CI runs), each finding its cell by
 * bisection: twice, to count and then to fill.
 */
static int collect_runs(rp_model *m)
{
    size_t n = m->ncells;
    rp_cell **sorted = malloc((n ? n : 1) * sizeof *sorted);
    if (sorted == NULL)
        return -1;
    for (size_t i = 0; i < n; i++)
        sorted[i] = &m->cells[i];
    qsort(sorted, n, sizeof *sorted, cmp_cells);
    int rc = 0;
    for (int fill = 0; fill < 2 && rc == 0; fill++) {
        for (size_t i = 0; fill && i < n; i++) {  /* the counts of the first pass */
            rp_cell *c = &m->cells[i];
            if ((c->runs = calloc(c->nruns ? c->nruns : 1, sizeof *c->runs)) == NULL)
                rc = -1;
            c->nruns = 0;
        }
        for (size_t d = 0; d < m->nds && rc == 0; d++) {
            const json_t *runs = json_object_get(m->ds[d], "runs");
            for (size_t i = 0; i < json_array_size(runs); i++) {
                const json_t *r = json_array_get(runs, i);
                if (!m->opt->include_incomplete && json_is_false(json_object_get(r, "complete")))
                    continue;
                /* cells with equal keys (one per key in practice) each get the run */
                size_t k0 = find_cell(sorted, n, r);
                for (size_t k = k0; k < n && cmp_cells(&sorted[k], &sorted[k0]) == 0; k++) {
                    if (fill)
                        sorted[k]->runs[sorted[k]->nruns] = r;
                    sorted[k]->nruns++;
                }
            }
        }
    }
    free(sorted);
    return rc;
}

/*
 * The focus cell value: the user's choice (it must exist), else the largest x that every
 * target has, else the largest x at all.
 */
static int choose_focus(rp_model *m, char *err)
{
    m->focus = NAN;
    if (m->opt->focus > 0) {
        for (size_t i = 0; i < m->ncells; i++)
            if (m->cells[i].x == m->opt->focus)
                m->focus = m->opt->focus;
        if (isnan(m->focus))
            return rg_err(err, "no cell has %s %g", rp_axis_name(m), m->opt->focus);
        return 0;
    }
    double any = NAN, common = NAN;
    for (size_t i = 0; i < m->ncells; i++) {
        double x = m->cells[i].x;
        if (isnan(x))
            continue;
        if (isnan(any) || x > any)
            any = x;
        size_t have = 0;
        for (size_t t = 0; t < m->ntargets; t++)
            for (size_t j = 0; j < m->ncells; j++)
                if (m->cells[j].tindex == t && m->cells[j].x == x) {
                    have++;
                    break;
                }
        if (have == m->ntargets && (isnan(common) || x > common))
            common = x;
    }
    m->focus = isnan(common) ? any : common;
    return 0;
}

static int build_cells(rp_model *m, const json_t *groups, char *err)
{
    bool any_conc = false;
    for (size_t i = 0; i < m->ncells; i++) {
        const json_t *g = json_array_get(groups, i);
        rp_cell *c = &m->cells[i];
        c->group = g;
        c->target = json_string_value(json_object_get(g, "target"));
        if (c->target == NULL)
            return rg_err(err, "analysis: groups[%zu] has no target", i);
        c->tindex = target_index(m, c->target);
        c->conc = rg_json_num(g, "concurrency", NAN);
        c->rate = rg_json_num(g, "rate", NAN);
        any_conc = any_conc || !isnan(c->conc);
    }
    if (collect_runs(m) < 0)
        return rg_err(err, "out of memory");
    m->axis = any_conc || m->ncells == 0 ? RP_AXIS_CONC : RP_AXIS_RATE;
    for (size_t i = 0; i < m->ncells; i++)
        m->cells[i].x = m->axis == RP_AXIS_CONC ? m->cells[i].conc : m->cells[i].rate;
    return 0;
}

/*
 * The analysis settings the report shows: confidence level, noise band and baseline, from the
 * document when it has them (a saved analysis may have been made with other options).
 */
static void read_settings(rp_model *m)
{
    m->confidence = rg_json_num(m->an, "confidence", 0.95);
    if (!(m->confidence > 0 && m->confidence < 1))
        m->confidence = 0.95;
    double opt_noise = m->opt->noise >= 0 && m->opt->noise < 1 ? m->opt->noise : 0.01;
    m->noise = rg_json_num(m->an, "noise", opt_noise);
    if (!(m->noise >= 0 && m->noise < 1))
        m->noise = opt_noise;
    m->baseline = json_string_value(json_object_get(m->an, "baseline"));
    const json_t *cs = json_object_get(m->an, "comparisons");
    for (size_t i = 0; m->baseline == NULL && i < json_array_size(cs); i++)
        m->baseline = json_string_value(json_object_get(json_array_get(cs, i), "baseline"));
}

int rp_model_build(rp_model *m, json_t *const *ds, size_t n, const json_t *an,
                   const rp_options *opt, char *err)
{
    memset(m, 0, sizeof *m);
    m->ds = ds;
    m->nds = n;
    m->an = an;
    m->opt = opt;
    const json_t *groups = json_object_get(an, "groups");
    if (!json_is_array(groups))
        return rg_err(err, "analysis: no \"groups\" array");
    m->ncells = json_array_size(groups);
    m->cells = calloc(m->ncells ? m->ncells : 1, sizeof *m->cells);
    m->targets = calloc(m->ncells ? m->ncells : 1, sizeof *m->targets);
    if (m->cells == NULL || m->targets == NULL) {
        rg_err_set(err, "out of memory");
        rp_model_free(m);
        return -1;
    }
    if (build_cells(m, groups, err) < 0 || choose_focus(m, err) < 0) {
        rp_model_free(m);
        return -1;
    }
    read_settings(m);
    return 0;
}

void rp_model_free(rp_model *m)
{
    if (m == NULL)
        return;
    for (size_t i = 0; m->cells && i < m->ncells; i++)
        free(m->cells[i].runs);
    free(m->cells);
    free(m->targets);
    m->cells = NULL;
    m->targets = NULL;
    m->ncells = m->ntargets = 0;
}
