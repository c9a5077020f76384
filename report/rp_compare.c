/*
 * report/rp_compare.c — analyze's comparisons as the report reads them, and report.md's
 * Comparisons tables.
 *
 * Design: rp_cmp_read() reads one comparison once, so the headline, the tables and the ratio
 * chart agree on every field: the interval is the one the verdict used (`ratio_ci_low/high` at
 * `ci_level`; the document's `confidence` when analyze does not say), a `difference`-scale
 * comparison (the error rate) keeps its difference, and the verdict is sorted into a class
 * (proven better or worse, higher or lower, `~`, untested). Nothing here decides a verdict:
 * it is analyze's, shown as analyze gave it; only the words drawn into charts are mapped to a
 * fixed set (rp_verdict_word), since a saved analysis (--analysis) could hold anything.
 *
 * Every comparison appears once, in one of two tables: the primary metrics (throughput, p50,
 * p99), then the others. Nine columns at most, the verdict right after the target; the
 * baseline is named in the heading because one analysis has one baseline. Analyze's `note` on
 * a comparison (why it has no verdict, or what its verdict rests on: "no variance") is a
 * numbered note under its table, not a wide column.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/dataset.h"
#include "core/text.h"
#include "core/units.h"
#include "report/report_int.h"

static const char *const primary[] = {AN_THROUGHPUT, AN_LATENCY_P50, AN_LATENCY_P99};

bool rp_metric_primary(const char *metric)
{
    for (size_t i = 0; metric != NULL && i < sizeof primary / sizeof primary[0]; i++)
        if (strcmp(metric, primary[i]) == 0)
            return true;
    return false;
}

static const struct {
    const char *word;
    enum rp_class cls;
} verdicts[] = {
    {"faster", RP_BETTER}, {"better", RP_BETTER}, {"slower", RP_WORSE}, {"worse", RP_WORSE},
    {"higher", RP_UP}, {"lower", RP_DOWN},
};

const char *rp_verdict_word(const rp_cmp *c)
{
    for (size_t i = 0; c->verdict != NULL && i < sizeof verdicts / sizeof verdicts[0]; i++)
        if (strcmp(c->verdict, verdicts[i].word) == 0)
            return verdicts[i].word;
    return c->cls == RP_UNTESTED ? "untested" : "~";
}

static const char *str(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/*
 * The class of a verdict: analyze's word when it is one of the known verdicts (even with a
 * note: "no variance" and a verdict is an exact difference, 0% vs 100% errors); else
 * untested when analyze could not test (no p, no interval) or says why not (a note); else
 * "~" — a word outside the known set included.
 */
static enum rp_class classify(const rp_cmp *c)
{
    for (size_t i = 0; c->verdict != NULL && i < sizeof verdicts / sizeof verdicts[0]; i++)
        if (strcmp(c->verdict, verdicts[i].word) == 0)
            return verdicts[i].cls;
    if ((c->note != NULL && *c->note) || (isnan(c->p_adj) && isnan(c->p_welch) && isnan(c->lo)))
        return RP_UNTESTED;
    return RP_SAME;
}

void rp_cmp_read(const rp_model *m, const json_t *c, rp_cmp *o)
{
    memset(o, 0, sizeof *o);
    o->j = c;
    o->target = str(c, "target");
    o->metric = str(c, "metric");
    o->verdict = str(c, "verdict");
    o->note = str(c, "note");
    o->sentence = str(c, "sentence");
    o->conc = rg_json_num(c, "concurrency", NAN);
    o->rate = rg_json_num(c, "rate", NAN);
    o->x = m->axis == RP_AXIS_RATE ? o->rate : o->conc;
    const char *scale = str(c, "scale");
    o->diff = scale != NULL && strcmp(scale, "difference") == 0;
    o->value = rg_json_num(c, o->diff ? "difference" : "ratio", NAN);
    o->lo = rg_json_num(c, o->diff ? "difference_ci_low" : "ratio_ci_low", NAN);
    o->hi = rg_json_num(c, o->diff ? "difference_ci_high" : "ratio_ci_high", NAN);
    o->level = rg_json_num(c, "ci_level", m->confidence);
    if (!(o->level > 0 && o->level < 1))
        o->level = m->confidence;   /* a saved analysis may hold anything */
    o->p_adj = rg_json_num(c, "p_adjusted", NAN);
    o->p_welch = rg_json_num(c, "p_welch", NAN);
    o->p_mw = rg_json_num(c, "p_mannwhitney", NAN);
    o->cls = classify(o);
}

char *rp_fmt_ratio(char *buf, size_t len, double v)
{
    if (isnan(v))
        snprintf(buf, len, "–");
    else if (isinf(v))
        snprintf(buf, len, v > 0 ? "∞" : "−∞");
    else if (fabs(v) >= 1e5 || (v != 0 && fabs(v) < 1e-3))
        snprintf(buf, len, "%.3g", v);   /* 1.5e+07, not eight digits of false precision */
    else
        rg_fmt_sig(buf, len, v, 3);
    return buf;
}

/* A difference of fractions in percentage points, signed: "+0.50 pp" ("+0.50" without unit). */
static char *fmt_points(char *buf, size_t len, double v, bool unit)
{
    char b[32];
    if (isnan(v) || isinf(v))
        return rp_fmt_ratio(buf, len, v);
    rg_fmt_sig(b, sizeof b, fabs(v) * 100, 2);
    snprintf(buf, len, "%s%s%s", v > 0 ? "+" : v < 0 ? "−" : "", b, unit ? " pp" : "");
    return buf;
}

/* The effect cell: "0.148×" or "+0.50 pp". */
static void effect_cell(FILE *f, const rp_cmp *c)
{
    char b[48];
    if (c->diff)
        fputs(fmt_points(b, sizeof b, c->value, true), f);
    else if (isnan(c->value))
        fputs("–", f);
    else
        fprintf(f, "%s×", rp_fmt_ratio(b, sizeof b, c->value));
}

/* The ratio cell: "2.01× [1.87, 2.17]" (or "+0.50 pp [−0.10, +1.1]"); the level is a
 * column of its own when the table's levels differ. */
static void ratio_cell(FILE *f, const rp_cmp *c)
{
    char a[64], b[64];
    effect_cell(f, c);
    if (isnan(c->lo) || isnan(c->hi))
        return;
    if (c->diff)
        fprintf(f, " [%s, %s]", fmt_points(a, sizeof a, c->lo, false),
                fmt_points(b, sizeof b, c->hi, false));
    else
        fprintf(f, " [%s, %s]", rp_fmt_ratio(a, sizeof a, c->lo), rp_fmt_ratio(b, sizeof b, c->hi));
}

/* Short metric names for the table ("p99"): the table's heading says they are latencies. */
static const char *metric_name(const char *metric)
{
    static const struct { const char *metric, *name; } names[] = {
        {AN_THROUGHPUT, "throughput"}, {AN_LATENCY_MEAN, "mean"}, {AN_LATENCY_P50, "p50"},
        {AN_LATENCY_P90, "p90"}, {AN_LATENCY_P99, "p99"}, {AN_LATENCY_P999, "p99.9"},
        {AN_ERROR_RATE, "errors"}, {AN_SERVER_CPU, "CPU"}, {AN_SERVER_RSS, "RSS"},
        {AN_WIRE_MEAN, "wire mean"}, {AN_WIRE_P50, "wire p50"}, {AN_WIRE_P90, "wire p90"},
        {AN_WIRE_P99, "wire p99"}, {AN_WIRE_P999, "wire p99.9"},
    };
    for (size_t i = 0; metric != NULL && i < sizeof names / sizeof names[0]; i++)
        if (strcmp(metric, names[i].metric) == 0)
            return names[i].name;
    return metric;
}

/* Distinct notes of a table, numbered in order of first appearance. */
struct notes {
    const char *text[16];
    size_t n;
};

static size_t note_index(struct notes *ns, const char *note)
{
    for (size_t i = 0; i < ns->n; i++)
        if (strcmp(ns->text[i], note) == 0)
            return i;
    if (ns->n == sizeof ns->text / sizeof ns->text[0])
        return ns->n - 1;   /* more than 16 distinct reasons: the last one is shared */
    ns->text[ns->n] = note;
    return ns->n++;
}

static void verdict_cell(FILE *f, const rp_cmp *c, struct notes *ns)
{
    static const char *const marks[] = {"¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"};
    bool proven = c->cls != RP_SAME && c->cls != RP_UNTESTED;
    fputs(proven ? "**" : "", f);
    rg_md_escape(f, c->verdict ? c->verdict : "–");
    fputs(proven ? "**" : "", f);
    if (c->note != NULL && *c->note) {
        size_t k = note_index(ns, c->note);
        if (k < sizeof marks / sizeof marks[0])
            fprintf(f, " %s", marks[k]);
        else
            fprintf(f, " [%zu]", k + 1);
    }
}

static void row(FILE *f, const rp_cmp *c, bool mixed, struct notes *ns)
{
    char b[48];
    fputs("| ", f);
    rg_md_escape(f, c->target);
    fputs(" | ", f);
    verdict_cell(f, c, ns);
    fputs(" | ", f);
    rg_md_escape(f, metric_name(c->metric));
    fprintf(f, " | %s | ", an_fmt_x(b, sizeof b, c->x));
    ratio_cell(f, c);
    if (mixed && !isnan(c->lo))
        fprintf(f, " | %s", an_fmt_level(b, sizeof b, c->level));
    else if (mixed)
        fputs(" | –", f);
    fprintf(f, " | %s", rg_fmt_p(b, sizeof b, c->p_adj));
    fprintf(f, " | %s", rg_fmt_p(b, sizeof b, c->p_welch));
    fprintf(f, " | %s |\n", rg_fmt_p(b, sizeof b, c->p_mw));
}

/* A row worth showing: an effect, or a test. */
static bool informative(const rp_cmp *c)
{
    return !isnan(c->value) || !isnan(c->p_welch) || !isnan(c->p_adj);
}

/* One table of the comparisons whose metric is (or is not) primary. Returns rows written. */
static size_t table(FILE *f, const rp_model *m, const rp_cmp *cs, size_t n, bool want_primary,
                    const char *heading)
{
    double level = NAN;
    bool mixed = false;
    size_t rows = 0;
    for (size_t i = 0; i < n; i++) {
        if (rp_metric_primary(cs[i].metric) != want_primary || !informative(&cs[i]))
            continue;
        rows++;
        if (!isnan(cs[i].lo) && !isnan(level) && fabs(cs[i].level - level) > 1e-9)
            mixed = true;
        if (!isnan(cs[i].lo) && isnan(level))
            level = cs[i].level;
    }
    if (rows == 0)
        return 0;
    char b[48];
    fprintf(f, "### %s\n\n| Target | Verdict | Metric | %s | ", heading,
            m->axis == RP_AXIS_RATE ? "Rate" : "Conc.");
    if (mixed)
        fputs("Ratio [interval] | Level |", f);
    else if (isnan(level))
        fputs("Ratio |", f);
    else
        fprintf(f, "Ratio [%s CI] |", an_fmt_level(b, sizeof b, level));
    fprintf(f, " p Holm | p Welch | p M–W |\n|:---|:---|:---|---:|---:|%s---:|---:|---:|\n",
            mixed ? "---:|" : "");
    struct notes ns = {{0}, 0};
    for (size_t i = 0; i < n; i++)
        if (rp_metric_primary(cs[i].metric) == want_primary && informative(&cs[i]))
            row(f, &cs[i], mixed, &ns);
    fputc('\n', f);
    for (size_t k = 0; k < ns.n; k++) {
        fprintf(f, "%s%zu. ", k ? "" : "Notes (analyze's):\n\n", k + 1);
        rg_md_escape(f, ns.text[k]);
        fputc('\n', f);
    }
    if (ns.n > 0)
        fputc('\n', f);
    return rows;
}

/* How many comparisons were not tested (no p-value, no interval, or a note). */
static size_t count_untested(const rp_cmp *cs, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += cs[i].cls == RP_UNTESTED && (cs[i].note == NULL || !*cs[i].note);
    return k;
}

void rp_md_comparisons(FILE *f, const rp_model *m)
{
    const json_t *arr = json_object_get(m->an, "comparisons");
    size_t n = json_array_size(arr);
    rp_cmp *cs = calloc(n ? n : 1, sizeof *cs);
    if (cs == NULL || n == 0) {
        free(cs);
        return;
    }
    size_t shown = 0;
    for (size_t i = 0; i < n; i++) {
        rp_cmp_read(m, json_array_get(arr, i), &cs[i]);
        shown += informative(&cs[i]);
    }
    if (shown > 0) {
        fputs("## Comparisons", f);
        if (m->baseline != NULL) {
            fputs(" with ", f);
            rg_md_escape(f, m->baseline);
        }
        fprintf(f, "\n\nThe ratio is target ÷ baseline, with the interval the verdict used, at the "
                   "level Holm's correction gave it; p Holm is adjusted over the family of "
                   "comparisons, p Welch and p M–W (Mann–Whitney) are the raw tests "
                   "(docs/methodology.md). %s\n\n", m->axis == RP_AXIS_RATE
                       ? "Rate: the offered rate (req/s)." : "Conc.: concurrency (connections).");
        table(f, m, cs, n, true, "Throughput, p50 and p99 latency");
        table(f, m, cs, n, false, "Other metrics");
        size_t untested = count_untested(cs, n);
        if (untested > 0)
            fprintf(f, "%zu comparison%s without a test (a single run on one side or both): "
                       "%s, not evidence of a difference.\n\n", untested,
                    untested == 1 ? "" : "s",
                    untested == 1 ? "its ratio is a point estimate" : "their ratios are point estimates");
    }
    free(cs);
}
