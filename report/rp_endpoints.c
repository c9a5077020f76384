/*
 * report/rp_endpoints.c — report.md's "Per endpoint" section, for runs with a request mix.
 *
 * Design: when some run records an `endpoints` array (rigor load --targets, a plan target's
 * targets_file or requests), the section shows each target's endpoints as rows and the
 * comparisons of each endpoint with the baseline's same endpoint. The figures are
 * analyze's own: an_analyze with by_endpoint on the same datasets, confidence, baseline, noise
 * band and incomplete-run rule as the report's analysis (the --ratio and --bootstrap choices
 * of a saved analysis are not carried over: the defaults apply). The per-endpoint
 * comparisons are one Holm family of their own, separate from the totals' above, and the
 * section says so with its size. A pure function of the inputs, like the rest of report.md.
 *
 * Expected load: up to LG's 100 endpoints per target; a few hundred rows at most.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/dataset.h"
#include "core/err.h"
#include "core/text.h"
#include "report/report_int.h"

static bool has_endpoints(const rp_model *m)
{
    for (size_t d = 0; d < m->nds; d++) {
        const json_t *runs = json_object_get(m->ds[d], "runs");
        for (size_t i = 0; i < json_array_size(runs); i++)
            if (json_array_size(json_object_get(json_array_get(runs, i), "endpoints")) > 0)
                return true;
    }
    return false;
}

static double mnum(const json_t *g, const char *metric, const char *field)
{
    const json_t *v = json_object_get(json_object_get(json_object_get(g, "metrics"), metric),
                                      field);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

/* "mean ± hw" of a group's metric in its unit, "value †" when the same in every run (no
 * spread to show, as in the summary tables), or "–". */
static char *fig(char *buf, size_t len, const json_t *g, const char *metric)
{
    const an_metric_def *d = an_metric_find(metric);
    enum an_unit u = d ? d->unit : AN_UNIT_RPS;
    double mean = mnum(g, metric, "mean");
    if (mnum(g, metric, "n") >= 2 && mnum(g, metric, "stdev") == 0 && mean != 0) {
        char v[64];
        snprintf(buf, len, "%s †", an_fmt_value(v, sizeof v, mean, u));
        return buf;
    }
    return an_fmt_ci(buf, len, mean, mnum(g, metric, "ci_low"), mnum(g, metric, "ci_high"), u);
}

static void rows(FILE *f, const rp_model *m, const json_t *an)
{
    const json_t *groups = json_object_get(an, "groups"), *g;
    size_t i;
    char b[96];
    fprintf(f, "| Target | Endpoint | %s | Runs | Throughput | Errors | p50 | p99 |\n"
               "|:---|:---|---:|---:|---:|---:|---:|---:|\n",
            m->axis == RP_AXIS_RATE ? "Rate (req/s)" : "Conc.");
    json_array_foreach(groups, i, g) {
        const char *ep = json_string_value(json_object_get(g, "endpoint"));
        if (ep == NULL)
            continue;   /* a run without a mix: its totals are in the summary */
        double x = rg_json_num(g, m->axis == RP_AXIS_RATE ? "rate" : "concurrency", NAN);
        fputs("| ", f);
        rg_md_escape(f, json_string_value(json_object_get(g, "target")));
        fputs(" | ", f);
        rg_md_escape(f, ep);
        fprintf(f, " | %s | %lld |", an_fmt_x(b, sizeof b, x),
                (long long)rg_json_num(g, "runs", 0));
        fprintf(f, " %s |", fig(b, sizeof b, g, AN_THROUGHPUT));
        fprintf(f, " %s |", fig(b, sizeof b, g, AN_ERROR_RATE));
        fprintf(f, " %s |", fig(b, sizeof b, g, AN_LATENCY_P50));
        fprintf(f, " %s |\n", fig(b, sizeof b, g, AN_LATENCY_P99));
    }
    fputc('\n', f);
}

/* The proven per-endpoint differences as analyze's sentences; the rest counted. */
static void comparisons(FILE *f, const json_t *an)
{
    const json_t *arr = json_object_get(an, "comparisons"), *c;
    size_t i, proven = 0, same = 0, untested = 0;
    size_t fam = (size_t)rg_json_num(an, "family_size", 0);
    json_array_foreach(arr, i, c) {
        const char *v = json_string_value(json_object_get(c, "verdict"));
        if (json_object_get(c, "endpoint") == NULL || v == NULL)
            continue;
        if (!json_is_true(json_object_get(c, "in_family"))) {
            untested++;
            continue;
        }
        if (strcmp(v, "~") == 0) {
            same++;
            continue;
        }
        const char *s = json_string_value(json_object_get(c, "sentence"));
        fputs(proven++ ? "- " : "Proven per-endpoint differences:\n\n- ", f);
        rg_md_escape(f, s ? s : "");
        fputc('\n', f);
    }
    if (proven > 0)
        fputc('\n', f);
    if (proven + same + untested == 0)
        return;
    fprintf(f, "Each endpoint of a target is compared with the baseline's same endpoint by the "
               "statistics of the comparisons above; Holm's correction runs over the %zu "
               "tested per-endpoint comparisons, a family of their own. %zu with no proven "
               "difference; %zu without a test (too few runs, or no variance).\n\n", fam,
            same, untested);
}

void rp_md_endpoints(FILE *f, const rp_model *m)
{
    if (!has_endpoints(m))
        return;
    an_options o;
    char err[RG_ERRLEN];
    an_options_init(&o);
    o.confidence = m->confidence;
    o.baseline = m->baseline;
    o.noise = m->noise;
    o.include_incomplete = m->opt->include_incomplete != 0;
    o.by_endpoint = true;
    json_t *an = an_analyze(m->ds, m->nds, &o, err);
    fputs("## Per endpoint\n\nRuns with a request mix record each endpoint (method and URL) "
          "apart; the summary above shows their totals. Figures: mean over runs ± the "
          "half-width of its confidence interval; † marks one that was the same in every "
          "run.\n\n", f);
    if (an == NULL) {
        fputs("The per-endpoint analysis failed: ", f);
        rg_md_escape(f, err);
        fputs("\n\n", f);
        return;
    }
    rows(f, m, an);
    comparisons(f, an);
    json_decref(an);
}
