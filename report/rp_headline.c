/*
 * report/rp_headline.c — the answer, right under the title of report.md.
 *
 * Design: a reader who stops after ten lines should know the answer, hyperfine-style. Three
 * parts, each only when it has something to say:
 *   1. one sentence per proven difference on the primary metrics (throughput, p50, p99),
 *      largest effect first (|ln ratio|, so 0.1× and 10× weigh the same) — analyze's own
 *      `sentence`, never re-decided here. A proven difference in error rate comes before
 *      them: a server that fails requests changes what its speed means. At most
 *      RP_HEADLINE_MAX, then a line counting the rest (every comparison is in the
 *      Comparisons tables);
 *   2. k6-style thresholds, when the plan recorded in a dataset (meta.plan.definition) had
 *      some: ✓ or ✗ per threshold with its worst cell, evaluated by analyze/threshold.c
 *      exactly as `rigor run` gated on them;
 *   3. one line saying what was not proven (`~`, per target) and what could not be tested.
 * Expected load: a few hundred comparisons, sorted once.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/dataset.h"
#include "core/err.h"
#include "core/text.h"
#include "report/report_int.h"

#define RP_HEADLINE_MAX 12

struct ranked {
    const rp_cmp *c;
    size_t order;
};

/* Is c an error-rate comparison? A proven one leads the headline. */
static bool is_errors(const rp_cmp *c)
{
    return strcmp(c->metric, AN_ERROR_RATE) == 0;
}

static int by_effect(const void *pa, const void *pb)
{
    const struct ranked *a = pa, *b = pb;
    if (is_errors(a->c) != is_errors(b->c))
        return is_errors(a->c) ? -1 : 1;
    double ea = fabs(log(a->c->value)), eb = fabs(log(b->c->value));
    if (isnan(ea) != isnan(eb))
        return isnan(ea) ? 1 : -1;
    if (ea != eb && !isnan(ea))
        return ea > eb ? -1 : 1;
    return (a->order > b->order) - (a->order < b->order);   /* stable: analyze's order */
}

/* The primary metrics that occur among cs, as words: "throughput, p50 and p99 latency". */
static void metric_words(FILE *f, const rp_cmp *cs, size_t n)
{
    bool thr = false, p50 = false, p99 = false, err = false;
    for (size_t i = 0; i < n; i++) {
        thr = thr || strcmp(cs[i].metric, AN_THROUGHPUT) == 0;
        p50 = p50 || strcmp(cs[i].metric, AN_LATENCY_P50) == 0;
        p99 = p99 || strcmp(cs[i].metric, AN_LATENCY_P99) == 0;
        err = err || is_errors(&cs[i]);
    }
    const char *lat = p50 && p99 ? "p50 and p99 latency" : p50 ? "p50 latency" : p99 ? "p99 latency" : "";
    fprintf(f, "%s%s%s%s", err ? (thr || *lat ? "error rate, " : "error rate") : "",
            thr ? "throughput" : "", thr && *lat ? (p50 && p99 ? ", " : " and ") : "", lat);
}

static void baseline_words(FILE *f, const rp_model *m, const char *prefix)
{
    if (m->baseline == NULL)
        return;
    fputs(prefix, f);
    rg_md_escape(f, m->baseline);
}

/* A sentence for a comparison without analyze's (an older or hand-made document). */
static void fallback_sentence(FILE *f, const rp_model *m, const rp_cmp *c)
{
    char r[48], lo[48], hi[48], w[96];
    rg_md_escape(f, c->target);
    fputs(" vs ", f);
    rg_md_escape(f, m->baseline ? m->baseline : "the baseline");
    fprintf(f, ": %s, ratio %s [%s, %s]%s", rp_verdict_word(c), rp_fmt_ratio(r, sizeof r, c->value),
            rp_fmt_ratio(lo, sizeof lo, c->lo), rp_fmt_ratio(hi, sizeof hi, c->hi),
            rp_where(w, sizeof w, c->conc, c->rate));
}

static void proven(FILE *f, const rp_model *m, const rp_cmp *cs, size_t n, size_t tested)
{
    struct ranked *r = calloc(n ? n : 1, sizeof *r);
    size_t k = 0;
    if (r == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        if (cs[i].cls != RP_SAME && cs[i].cls != RP_UNTESTED)
            r[k++] = (struct ranked){&cs[i], i};
    qsort(r, k, sizeof *r, by_effect);
    if (k == 0) {
        fputs("**No difference proven**", f);
        baseline_words(f, m, " from ");
        fputs(" in ", f);
        metric_words(f, cs, n);
        fprintf(f, " (%zu comparison%s tested).\n\n", tested, tested == 1 ? "" : "s");
        free(r);
        return;
    }
    fputs("**Proven differences**", f);
    baseline_words(f, m, " from ");
    fputs(" in ", f);
    metric_words(f, cs, n);
    fprintf(f, ", largest first (%zu of %zu comparisons):\n\n", k, n);
    for (size_t i = 0; i < k && i < RP_HEADLINE_MAX; i++) {
        fputs("- ", f);
        if (r[i].c->sentence != NULL && *r[i].c->sentence)
            rg_md_escape(f, r[i].c->sentence);
        else
            fallback_sentence(f, m, r[i].c);
        fputc('\n', f);
    }
    if (k > RP_HEADLINE_MAX)
        fprintf(f, "- … and %zu smaller proven difference%s (Comparisons, below)\n",
                k - RP_HEADLINE_MAX, k - RP_HEADLINE_MAX == 1 ? "" : "s");
    fputc('\n', f);
    free(r);
}

/* "p99 latency at 10 and 50 connections" for the unproven comparisons of target t and one
 * metric; nothing when there are none. Returns how many it named. */
static size_t unproven_metric(FILE *f, const rp_model *m, const rp_cmp *cs, size_t n,
                              const char *t, const char *metric, bool first)
{
    size_t k = 0, total = 0;
    for (size_t i = 0; i < n; i++)
        total += cs[i].cls == RP_SAME && strcmp(cs[i].target, t) == 0 &&
                 strcmp(cs[i].metric, metric) == 0;
    char b[48];
    for (size_t i = 0; i < n; i++) {
        if (!(cs[i].cls == RP_SAME && strcmp(cs[i].target, t) == 0 &&
              strcmp(cs[i].metric, metric) == 0))
            continue;
        if (k++ == 0)
            fprintf(f, "%s%s at ", first ? "" : ", ", an_metric_find(metric)->label);
        else
            fputs(k == total ? " and " : ", ", f);
        fputs(isnan(cs[i].x) ? "–" : an_fmt_x(b, sizeof b, cs[i].x), f);
    }
    if (k > 0)
        fputs(m->axis == RP_AXIS_RATE ? " req/s" : " connections", f);
    return k;
}

/* The line about what was not proven (~) and what was not tested. */
static void not_proven(FILE *f, const rp_model *m, const rp_cmp *cs, size_t n)
{
    static const char *const metrics[] = {AN_THROUGHPUT, AN_LATENCY_P50, AN_LATENCY_P99};
    size_t same = 0, untested = 0;
    for (size_t i = 0; i < n; i++) {
        same += cs[i].cls == RP_SAME;
        untested += cs[i].cls == RP_UNTESTED;
    }
    if (same == 0 && untested == 0)
        return;
    if (same > 0) {
        fprintf(f, "**Not proven** (\\~: the interval, at the level the verdict used, does not "
                   "clear the ±%g%% noise band): ", m->noise * 100);
        size_t shown = 0;
        for (size_t i = 0; i < n; i++) {
            const char *t = cs[i].target;
            bool earlier = false;   /* each target once, in the order of the comparisons */
            for (size_t j = 0; j < i && !earlier; j++)
                earlier = strcmp(cs[j].target, t) == 0;
            size_t all = 0, mine = 0;
            for (size_t j = 0; j < n && !earlier; j++)
                if (strcmp(cs[j].target, t) == 0) {
                    all += cs[j].cls != RP_UNTESTED && rp_metric_primary(cs[j].metric);
                    mine += cs[j].cls == RP_SAME;
                }
            if (earlier || mine == 0)
                continue;
            fputs(shown++ ? "; " : "", f);
            rg_md_escape(f, t);
            if (mine == all) {
                fprintf(f, " in %s %zu", all == 1 ? "its" : all == 2 ? "both" : "all", all);
                continue;
            }
            fputs(": ", f);
            for (size_t k = 0, named = 0; k < 3; k++)
                named += unproven_metric(f, m, cs, n, t, metrics[k], named == 0);
        }
        fputs(".", f);
    }
    if (untested > 0)
        fprintf(f, "%s**Not tested**: %zu comparison%s (%s); %s.", same ? " " : "", untested,
                untested == 1 ? "" : "s", "a single run on one side or both, or no variance",
                untested == 1 ? "its ratio is a point estimate" : "their ratios are point estimates");
    fputs("\n\n", f);
}

/* The thresholds block (rp_thresholds below). */
static void thresholds(FILE *f, const rp_model *m);

void rp_md_headline(FILE *f, const rp_model *m)
{
    const json_t *arr = json_object_get(m->an, "comparisons");
    size_t total = json_array_size(arr), n = 0, tested = 0;
    rp_cmp *cs = calloc(total ? total : 1, sizeof *cs);
    if (cs == NULL)
        return;
    for (size_t i = 0; i < total; i++) {
        rp_cmp_read(m, json_array_get(arr, i), &cs[n]);
        bool errors = cs[n].metric != NULL && is_errors(&cs[n]) &&
                      (cs[n].cls == RP_BETTER || cs[n].cls == RP_WORSE);   /* proven only */
        if ((!rp_metric_primary(cs[n].metric) && !errors) || cs[n].target == NULL ||
            (isnan(cs[n].value) && cs[n].cls == RP_UNTESTED))
            continue;
        tested += cs[n].cls != RP_UNTESTED;
        n++;
    }
    if (n == 0)
        fputs(m->ntargets > 1 ? "**No comparison** of throughput or latency in the analysis "
                                "(no baseline cell to compare with); the figures are below.\n\n"
                              : "**One target**: nothing to compare; its figures are below.\n\n", f);
    else if (tested == 0)
        fprintf(f, "**No difference could be tested**: each of the %zu comparisons has a single "
                   "run on one side or both, so its ratio (Comparisons, below) is a point "
                   "estimate, not evidence.\n\n", n);
    else
        proven(f, m, cs, n, tested);
    thresholds(f, m);
    if (tested > 0)
        not_proven(f, m, cs, n);
    free(cs);
}

/* ---- thresholds ---- */

struct thr {
    const char *text;
    const char *target;   /* NULL: every target */
};

/* The plan thresholds recorded in the datasets, without duplicates; *n set. Caller frees. */
static struct thr *collect_thresholds(const rp_model *m, size_t *n)
{
    size_t cap = 0;
    *n = 0;
    for (size_t d = 0; d < m->nds; d++) {
        const json_t *def = json_object_get(json_object_get(json_object_get(m->ds[d], "meta"),
                                                            "plan"), "definition");
        cap += json_array_size(json_object_get(def, "thresholds"));
        const json_t *ts = json_object_get(def, "targets");
        for (size_t t = 0; t < json_array_size(ts); t++)
            cap += json_array_size(json_object_get(json_array_get(ts, t), "thresholds"));
    }
    struct thr *out = calloc(cap ? cap : 1, sizeof *out);
    for (size_t d = 0; out != NULL && d < m->nds; d++) {
        const json_t *def = json_object_get(json_object_get(json_object_get(m->ds[d], "meta"),
                                                            "plan"), "definition");
        const json_t *ts = json_object_get(def, "targets");
        for (size_t t = 0; t <= json_array_size(ts); t++) {
            const json_t *owner = t == 0 ? def : json_array_get(ts, t - 1);
            const char *who = t == 0 ? NULL : json_string_value(json_object_get(owner, "name"));
            const json_t *list = json_object_get(owner, "thresholds");
            for (size_t i = 0; i < json_array_size(list); i++) {
                const char *text = json_string_value(json_array_get(list, i));
                bool dup = text == NULL || (t > 0 && who == NULL);
                for (size_t k = 0; k < *n && !dup; k++)
                    dup = strcmp(out[k].text, text) == 0 &&
                          (out[k].target == who || (out[k].target && who && strcmp(out[k].target, who) == 0));
                if (!dup)
                    out[(*n)++] = (struct thr){text, who};
            }
        }
    }
    return out;
}

static void threshold_line(FILE *f, const rp_model *m, const struct thr *t)
{
    an_threshold th;
    an_threshold_result r;
    char err[RG_ERRLEN], v[64], w[96];
    if (an_threshold_parse(t->text, &th, err) != 0) {
        fputs("- ? ", f);
        rg_md_escape(f, t->text);
        fputs(": cannot be checked: ", f);
        rg_md_escape(f, err);
        fputc('\n', f);
        return;
    }
    size_t bad = an_threshold_check(&th, t->target, m->an, &r);
    fputs(bad ? "- ✗ " : "- ✓ ", f);
    rg_md_escape(f, t->text);
    if (t->target != NULL) {
        fputs(" (", f);
        rg_md_escape(f, t->target);
        fputs(" only)", f);
    }
    if (r.cells == 0)
        fputs(" — no cell was measured", f);
    else if (bad)
        fprintf(f, " — %zu of %zu cell%s fail%s", r.violations, r.cells, r.cells == 1 ? "" : "s",
                r.violations == 1 ? "s" : "");
    if (r.worst != NULL) {
        fputs(bad ? "; worst: " : " — worst: ", f);
        rg_md_escape(f, json_string_value(json_object_get(r.worst, "target")));
        fprintf(f, "%s, %s", rp_where(w, sizeof w, rg_json_num(r.worst, "concurrency", NAN),
                                      rg_json_num(r.worst, "rate", NAN)),
                an_threshold_fmt_value(&th, r.worst_value, v, sizeof v));
    }
    fputc('\n', f);
    an_threshold_clear(&th);
}

static void thresholds(FILE *f, const rp_model *m)
{
    size_t n;
    struct thr *ts = collect_thresholds(m, &n);
    if (ts != NULL && n > 0) {
        fputs("**Thresholds** of the plan, on each cell's mean over its runs:\n\n", f);
        for (size_t i = 0; i < n; i++)
            threshold_line(f, m, &ts[i]);
        fputc('\n', f);
    }
    free(ts);
}
