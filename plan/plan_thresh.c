/*
 * plan/plan_thresh.c — the threshold gate of `rigor run`: which of a plan's thresholds apply
 * where, and what is printed about them.
 *
 * The expressions themselves ("p99 < 200ms", "errors < 1%") are parsed and evaluated by
 * analyze/threshold.c (an_threshold_*), which `rigor report` uses as well to show the same
 * verdicts from the plan recorded in a dataset. Here: a global threshold applies to every
 * group (target x cell), a target's own to that target's groups; each gets one summary line
 * (ok or VIOLATED, with the worst cell) and each violating cell one line on stderr.
 * Expected load: a few thresholds per plan.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "analyze/analyze.h"
#include "plan/plan_int.h"

/* "concurrency 100" / "rate 1000/s" of an analysis group. */
static void cell_label(const json_t *g, char *buf, size_t len)
{
    json_t *c = json_object_get(g, "concurrency"), *r = json_object_get(g, "rate");
    if (json_is_number(c))
        snprintf(buf, len, "concurrency %g", json_number_value(c));
    else if (json_is_number(r))
        snprintf(buf, len, "rate %g/s", json_number_value(r));
    else
        snprintf(buf, len, "all");
}

/* The mean of t's metric in group g; NAN when absent. */
static double mean_of(const an_threshold *t, const json_t *g, long long *n)
{
    json_t *m = json_object_get(json_object_get(g, "metrics"), t->metric);
    json_t *mean = json_object_get(m, "mean");
    *n = (long long)json_integer_value(json_object_get(m, "n"));
    return json_is_number(mean) ? json_number_value(mean) : NAN;
}

/* One stderr line per violating group of `target` (NULL = all). */
static void report_violations(const an_threshold *t, const char *target, const json_t *analysis)
{
    json_t *groups = json_object_get(analysis, "groups"), *g;
    size_t i;
    char cell[64], val[64], lim[64];
    an_threshold_fmt_value(t, t->limit, lim, sizeof lim);
    json_array_foreach(groups, i, g) {
        const char *name = json_string_value(json_object_get(g, "target"));
        long long n;
        if (name == NULL || (target && strcmp(target, name) != 0))
            continue;
        double v = mean_of(t, g, &n);
        if (an_threshold_ok(t, v))
            continue;
        char how[48] = "(no data)";
        if (!isnan(v))
            snprintf(how, sizeof how, "(mean of %lld run%s)", n, n == 1 ? "" : "s");
        cell_label(g, cell, sizeof cell);
        fprintf(stderr, "rigor run: threshold \"%s\" violated: %s at %s: %s = %s %s, "
                "limit %s %s\n", t->text, name, cell, t->metric,
                an_threshold_fmt_value(t, v, val, sizeof val), how, an_op_str(t->op), lim);
    }
}

/* Check one threshold on the groups of `target` (NULL = all); returns the failures. */
static size_t check_one(const an_threshold *t, const char *target, const json_t *analysis,
                        FILE *out)
{
    an_threshold_result res;
    size_t bad = an_threshold_check(t, target, analysis, &res);
    char cell[64], val[64], worst[300] = "-";
    report_violations(t, target, analysis);
    if (res.cells == 0)
        fprintf(stderr, "rigor run: threshold \"%s\" violated: no cell of %s was measured\n",
                t->text, target ? target : "any target");
    if (res.worst != NULL) {
        cell_label(res.worst, cell, sizeof cell);
        snprintf(worst, sizeof worst, "%s at %s: %s",
                 json_string_value(json_object_get(res.worst, "target")), cell,
                 an_threshold_fmt_value(t, res.worst_value, val, sizeof val));
    }
    fprintf(out, "  %-8s  %s%s%s%s  worst: %s\n", bad ? "VIOLATED" : "ok",
            target ? "[" : "", target ? target : "", target ? "] " : "", t->text, worst);
    return bad;
}

size_t pl_thresholds_check(const pl_plan *p, const json_t *analysis, FILE *out)
{
    size_t bad = 0;
    for (size_t i = 0; i < p->nthresholds; i++)
        bad += check_one(&p->thresholds[i], NULL, analysis, out);
    for (size_t t = 0; t < p->ntargets; t++)
        for (size_t i = 0; i < p->targets[t].nthresholds; i++)
            bad += check_one(&p->targets[t].thresholds[i], p->targets[t].name, analysis, out);
    return bad;
}
