/*
 * report/rp_header.c — report.md's title, its method and datasets section (date, datasets,
 * host, provenance, load, runs, order, windows, confidence) and its closing note.
 *
 * Design: meta objects are shown as they are stored: the keys the dataset format defines
 * (title, created, tool, host, provenance) are looked up by name, and nested objects are
 * flattened to "key: value" lists in their stored order, so a published dataset's
 * provenance (seed file, table heading, notes) appears without this code knowing its keys.
 * Like the rest of report.md, nothing here depends on the clock or on the rigor that runs:
 * the date is the newest meta.created among the datasets.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/dataset.h"
#include "core/text.h"
#include "report/report_int.h"

/* A JSON value as flat text, escaped for Markdown; objects as "k: v; k: v". */
static void flat(FILE *f, const json_t *v, int depth)
{
    char b[64];
    if (json_is_string(v)) {
        rg_md_escape(f, json_string_value(v));
    } else if (json_is_integer(v)) {
        fprintf(f, "%lld", (long long)json_integer_value(v));
    } else if (json_is_real(v)) {
        snprintf(b, sizeof b, "%g", json_real_value(v));
        fputs(b, f);
    } else if (json_is_boolean(v)) {
        fputs(json_is_true(v) ? "yes" : "no", f);
    } else if (json_is_array(v) && depth < 3) {
        for (size_t i = 0; i < json_array_size(v); i++) {
            fputs(i ? ", " : "", f);
            flat(f, json_array_get(v, i), depth + 1);
        }
    } else if (json_is_object(v) && depth < 3) {
        const char *k;
        const json_t *x;
        int first = 1;
        json_object_foreach((json_t *)v, k, x) {
            if (json_is_null(x))
                continue;
            fputs(first ? "" : "; ", f);
            first = 0;
            rg_md_escape(f, k);
            fputs(": ", f);
            flat(f, x, depth + 1);
        }
    } else {
        fputs("–", f);
    }
}

/* The newest meta.created (RFC 3339 strings compare as text), or NULL. */
static const char *newest_created(const rp_model *m)
{
    const char *best = NULL;
    for (size_t d = 0; d < m->nds; d++) {
        const char *c = json_string_value(json_object_get(json_object_get(m->ds[d], "meta"),
                                                          "created"));
        if (c != NULL && (best == NULL || strcmp(c, best) > 0))
            best = c;
    }
    return best;
}

static void meta_line(FILE *f, const json_t *meta, const char *key, const char *label)
{
    const json_t *v = json_object_get(meta, key);
    if (v == NULL || json_is_null(v))
        return;
    fprintf(f, "  - %s: ", label);
    flat(f, v, 0);
    fputc('\n', f);
}

static void dataset_item(FILE *f, const rp_model *m, size_t d)
{
    const json_t *meta = json_object_get(m->ds[d], "meta");
    const json_t *runs = json_object_get(m->ds[d], "runs");
    const char *path = m->opt->dataset_paths ? m->opt->dataset_paths[d] : NULL;
    fputs("- ", f);
    if (path != NULL) {
        const char *base = strrchr(path, '/');
        rg_md_escape(f, base ? base + 1 : path);
    } else {
        fprintf(f, "dataset %zu", d + 1);
    }
    fprintf(f, " (%zu run%s)\n", json_array_size(runs), json_array_size(runs) == 1 ? "" : "s");
    meta_line(f, meta, "title", "title");
    meta_line(f, meta, "created", "created");
    meta_line(f, meta, "tool", "measured with");
    meta_line(f, meta, "tool_version", "measured with");
    meta_line(f, meta, "host", "host");
    meta_line(f, meta, "provenance", "provenance");
}

/* Smallest and largest of a run or group number over the model; false when none. */
static bool range_of(const rp_model *m, bool groups, const char *key, double *lo, double *hi)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    for (size_t i = 0; i < m->ncells; i++) {
        const rp_cell *c = &m->cells[i];
        for (size_t r = 0; r < (groups ? 1 : c->nruns); r++) {
            double v = rg_json_num(groups ? c->group : c->runs[r], key, NAN);
            if (isnan(v))
                continue;
            *lo = fmin(*lo, v);
            *hi = fmax(*hi, v);
        }
    }
    return *lo <= *hi;
}

static void range_line(FILE *f, const char *label, double lo, double hi, const char *unit)
{
    char a[48], b[48];
    an_fmt_x(a, sizeof a, lo);
    an_fmt_x(b, sizeof b, hi);
    if (lo == hi)
        fprintf(f, "- %s: %s%s\n", label, a, unit);
    else
        fprintf(f, "- %s: %s–%s%s\n", label, a, b, unit);
}

/* The order of the runs, from the plan `rigor run` records in meta.plan (each dataset's). */
static void run_order(FILE *f, const rp_model *m)
{
    for (size_t d = 0; d < m->nds; d++) {
        const json_t *plan = json_object_get(json_object_get(m->ds[d], "meta"), "plan");
        const char *order = json_string_value(json_object_get(plan, "order"));
        if (order == NULL)
            continue;
        fputs("- Run order: ", f);
        rg_md_escape(f, order);
        if (json_is_integer(json_object_get(plan, "seed")))
            fprintf(f, " (seed %lld)", (long long)json_integer_value(json_object_get(plan, "seed")));
        if (m->nds > 1)
            fprintf(f, " in dataset %zu", d + 1);
        fputc('\n', f);
    }
}

static void method(FILE *f, const rp_model *m)
{
    double lo, hi;
    char b[48];
    fputs("## Method\n\n", f);
    fprintf(f, "- Load: %s; %s", m->axis == RP_AXIS_RATE ? "open loop" : "closed loop",
            m->axis == RP_AXIS_RATE ? "rates (req/s)" : "concurrency");
    for (size_t i = 0, shown = 0; i < m->ncells; i++) {
        bool seen = isnan(m->cells[i].x);
        for (size_t j = 0; j < i && !seen; j++)
            seen = m->cells[j].x == m->cells[i].x;
        if (!seen)
            fprintf(f, "%s%s", shown++ ? ", " : " ", an_fmt_x(b, sizeof b, m->cells[i].x));
    }
    fprintf(f, "; %zu target%s\n", m->ntargets, m->ntargets == 1 ? "" : "s");
    if (range_of(m, true, "runs", &lo, &hi))
        range_line(f, "Runs per cell", lo, hi, "");
    run_order(f, m);
    if (range_of(m, true, "runs_skipped", &lo, &hi) && hi > 0)
        range_line(f, "Runs left out per cell (incomplete)", lo, hi, "");
    if (range_of(m, false, "duration_s", &lo, &hi))
        range_line(f, "Measured window per run", lo, hi, " s");
    if (range_of(m, false, "warmup_s", &lo, &hi))
        range_line(f, "Warm-up per run (excluded)", lo, hi, " s");
    else
        fputs("- Warm-up: not recorded in the datasets\n", f);
    fprintf(f, "- Confidence level: %g%%; noise band ±%g%% (a smaller difference is never a "
               "verdict)\n\n", m->confidence * 100, m->noise * 100);
}

void rp_md_title(FILE *f, const rp_model *m)
{
    const char *title = m->opt->title;
    if (title == NULL && m->nds > 0)
        title = json_string_value(json_object_get(json_object_get(m->ds[0], "meta"), "title"));
    fputs("# ", f);
    rg_md_escape(f, title && *title ? title : "Benchmark report");
    fputs("\n\n", f);
}

void rp_md_method(FILE *f, const rp_model *m)
{
    method(f, m);
    fputs("## Datasets\n\n", f);
    const char *date = newest_created(m);
    if (date != NULL) {
        fputs("Date: ", f);
        rg_md_escape(f, date);
        fputs(" (newest dataset)\n\n", f);
    }
    for (size_t d = 0; d < m->nds; d++)
        dataset_item(f, m, d);
    fputc('\n', f);
}

void rp_md_footer(FILE *f, const rp_model *m)
{
    (void)m;
    fputs("---\n\nWritten by `rigor report` from the datasets listed above; the intervals, "
          "p-values and verdicts are `rigor analyze`'s (docs/methodology.md). Rerun the same "
          "command on the same datasets to get this file byte for byte.\n", f);
}
