/*
 * analyze/render.c — `rigor analyze` output for people: plain text and Markdown,
 * both rendered from the very JSON document an_analyze() returns (so the three outputs can
 * never disagree).
 *
 * Design: one table per cell (metric rows), one table of comparisons, a list of warnings.
 * Labels are user data: control characters are replaced in text, Markdown specials escaped.
 * Load: a few hundred rows; stdio only.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "core/text.h"
#include "core/units.h"
#include "analyze/analyze.h"
#include "analyze/render_int.h"

static double num(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

static const char *str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

/* A label safe for the output (core/text.h): escaped for Markdown, or cleaned for a terminal. */
static const char *safe(char *buf, size_t len, const char *s, int md)
{
    return md ? rg_md_escape_buf(buf, len, s) : rg_text_clean(buf, len, s);
}

/* A metric's value for people, in its unit (analyze/format.c); "–" when null. */
static const char *fmt_metric(char *buf, size_t len, const char *metric, double v)
{
    const an_metric_def *d = an_metric_find(metric);
    if (isfinite(v) && (fabs(v) >= 1e15 || (v != 0.0 && fabs(v) < 1e-9))) {
        snprintf(buf, len, "%.4g", v);  /* absurd values stay readable */
        return buf;
    }
    return an_fmt_value(buf, len, v, d ? d->unit : AN_UNIT_RPS);
}

static const char *cell_name(char *buf, size_t len, const json_t *o, int md)
{
    char t[512], e[256];
    double c = num(o, "concurrency"), r = num(o, "rate");
    safe(t, sizeof t, str(o, "target"), md);
    if (json_is_string(json_object_get(o, "endpoint"))) {   /* --by-endpoint */
        size_t k = strlen(t);
        safe(e, sizeof e, str(o, "endpoint"), md);
        snprintf(t + k, sizeof t - k, " %s", e);
    }
    if (isfinite(c))
        snprintf(buf, len, "%s @ %.15g connection%s", t, c, c == 1.0 ? "" : "s");
    else if (isfinite(r))
        snprintf(buf, len, "%s @ %.15g req/s", t, r);
    else
        snprintf(buf, len, "%s", t);
    return buf;
}

static void outliers_str(char *buf, size_t len, const json_t *arr)
{
    size_t i, k = 0;
    json_t *v;
    buf[0] = '\0';
    json_array_foreach(arr, i, v) {
        int w = snprintf(buf + k, len - k, "%s%lld", i ? "," : "run ", (long long)json_integer_value(v));
        if (w < 0 || (size_t)w >= len - k)
            break;
        k += (size_t)w;
    }
    if (!k)
        snprintf(buf, len, "–");
}

/* The cells of one metric row: mean, CI, median, median CI, min, max, CV, outliers. */
static void metric_cells(const char *name, const json_t *m, char c[8][96])
{
    char a[48], b[48];
    fmt_metric(c[0], 96, name, num(m, "mean"));
    if (isfinite(num(m, "ci_low")))
        snprintf(c[1], 96, "%s – %s", fmt_metric(a, sizeof a, name, num(m, "ci_low")),
                 fmt_metric(b, sizeof b, name, num(m, "ci_high")));
    else
        snprintf(c[1], 96, "–");
    fmt_metric(c[2], 96, name, num(m, "median"));
    if (isfinite(num(m, "median_ci_low")))
        snprintf(c[3], 96, "%s – %s", fmt_metric(a, sizeof a, name, num(m, "median_ci_low")),
                 fmt_metric(b, sizeof b, name, num(m, "median_ci_high")));
    else
        snprintf(c[3], 96, "%s", json_is_string(json_object_get(m, "median_ci_note"))
                 ? str(m, "median_ci_note") : "–");
    fmt_metric(c[4], 96, name, num(m, "min"));
    fmt_metric(c[5], 96, name, num(m, "max"));
    if (isfinite(num(m, "cv")))
        snprintf(c[6], 96, "%s%%", rg_fmt_sig(a, sizeof a, 100.0 * num(m, "cv"), 2));
    else
        snprintf(c[6], 96, "–");
    outliers_str(c[7], 96, json_object_get(m, "outliers"));
}

/* One line of the plain-text table: the ten columns, aligned by display width. */
static void text_row(FILE *f, const char *const cell[10])
{
    static const int width[10] = {-18, 4, 10, 21, 10, 21, 10, 10, 6, 0};
    fputs("  ", f);
    for (int i = 0; i < 10; i++) {
        fputs(i == 0 ? "" : i == 9 ? "  " : " ", f);
        rg_fpad(f, cell[i], width[i]);
    }
    fputc('\n', f);
}

static void group_out(FILE *f, const json_t *g, int md, double conf)
{
    char name[512], c[8][96];
    const char *k;
    json_t *m;
    cell_name(name, sizeof name, g, md);
    long long runs = json_integer_value(json_object_get(g, "runs"));
    long long skipped = json_integer_value(json_object_get(g, "runs_skipped"));
    if (json_object_size(json_object_get(g, "metrics")) == 0) {
        fprintf(f, md ? "### %s: no runs (%lld incomplete skipped)\n\n"
                      : "%s: no runs (%lld incomplete skipped)\n\n", name, skipped);
        return;
    }
    if (md) {
        fprintf(f, "### %s: %lld run%s", name, runs, runs == 1 ? "" : "s");
        fprintf(f, skipped ? " (%lld incomplete skipped)\n\n" : "\n\n", skipped);
        fprintf(f, "| metric | n | mean | %g%% CI | median | median CI | min | max | CV | outliers |\n",
                100.0 * conf);
        fprintf(f, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    } else {
        fprintf(f, "%s: %lld run%s", name, runs, runs == 1 ? "" : "s");
        fprintf(f, skipped ? " (%lld incomplete skipped)\n" : "\n", skipped);
        static const char *const head[] = {"metric", "n", "mean", "CI of mean", "median",
                                           "CI of median", "min", "max", "CV", "outliers"};
        text_row(f, head);
    }
    json_object_foreach(json_object_get(g, "metrics"), k, m) {
        metric_cells(k, m, c);
        long long n = json_integer_value(json_object_get(m, "n"));
        if (md)
            fprintf(f, "| %s | %lld | %s | %s | %s | %s | %s | %s | %s | %s |\n", k, n, c[0], c[1],
                    c[2], c[3], c[4], c[5], c[6], c[7]);
        else {
            char ns[24];
            snprintf(ns, sizeof ns, "%lld", n);
            const char *const row[10] = {k, ns, c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]};
            text_row(f, row);
        }
    }
    fputc('\n', f);
}

/* The effect for the table: "2.478×" (a ratio) or "+3.10 pp" / "−120 req/s" (a difference). */
static void effect_cell(char *buf, size_t len, const json_t *o)
{
    const an_metric_def *d = an_metric_find(str(o, "metric"));
    double v = num(o, strcmp(str(o, "scale"), "difference") == 0 ? "difference" : "ratio");
    char a[48];
    if (!isfinite(v))
        snprintf(buf, len, "–");
    else if (strcmp(str(o, "scale"), "difference") != 0)
        snprintf(buf, len, "%.4g×", v);
    else if (d && d->unit == AN_UNIT_FRACTION)
        snprintf(buf, len, "%s%s pp", v > 0 ? "+" : v < 0 ? "−" : "",
                 rg_fmt_sig(a, sizeof a, 100.0 * fabs(v), 3));
    else
        snprintf(buf, len, "%s%s", v > 0 ? "+" : v < 0 ? "−" : "",
                 fmt_metric(a, sizeof a, str(o, "metric"), fabs(v)));
}

/* The interval at the level it was decided at: "0.981 – 1.042 (99.81%)". */
static void interval_cell(char *buf, size_t len, const json_t *o)
{
    bool diff = strcmp(str(o, "scale"), "difference") == 0;
    double lo = num(o, diff ? "difference_ci_low" : "ratio_ci_low");
    double hi = num(o, diff ? "difference_ci_high" : "ratio_ci_high");
    char lv[24];
    an_fmt_level(lv, sizeof lv, num(o, "ci_level"));
    if (!isfinite(lo))
        snprintf(buf, len, "–");
    else if (!diff)
        snprintf(buf, len, "%.4g – %.4g (%s)", lo, hi, lv);
    else {
        /* a difference: both ends to the decimal place of the half-width's second digit */
        const an_metric_def *d = an_metric_find(str(o, "metric"));
        double k = d && d->unit == AN_UNIT_FRACTION ? 100.0 : 1.0, hw = k * (hi / 2 - lo / 2);
        int dec = hw > 0 && isfinite(hw) ? 1 - (int)floor(log10(hw)) : 0;
        dec = dec < 0 ? 0 : dec > 8 ? 8 : dec;
        if (!(fabs(k * lo) < 1e15 && fabs(k * hi) < 1e15))  /* a fuzzer's 1e308 */
            snprintf(buf, len, "%.4g – %.4g%s (%s)", k * lo, k * hi, k == 100.0 ? " pp" : "", lv);
        else
            snprintf(buf, len, "%.*f – %.*f%s (%s)", dec, k * lo, dec, k * hi,
                     k == 100.0 ? " pp" : "", lv);
    }
}

static void comparison_row(FILE *f, const json_t *o, int md)
{
    char name[512], p1[16], p2[16], p3[16], ci[96], eff[64], s[1024];
    if (!md) {
        fprintf(f, "  %-7s %s\n", str(o, "verdict"), safe(s, sizeof s, str(o, "sentence"), 0));
        return;
    }
    cell_name(name, sizeof name, o, md);
    effect_cell(eff, sizeof eff, o);
    interval_cell(ci, sizeof ci, o);
    rg_fmt_p(p1, sizeof p1, num(o, "p_welch"));
    rg_fmt_p(p2, sizeof p2, num(o, "p_mannwhitney"));
    rg_fmt_p(p3, sizeof p3, num(o, "p_adjusted"));
    fprintf(f, "| %s | %s | %s | %s | %s | %s | %s | **%s** |\n", name, str(o, "metric"), eff,
            ci, p1, p2, p3, str(o, "verdict"));
}

static void comparisons_out(FILE *f, const json_t *doc, int md)
{
    const json_t *cmp = json_object_get(doc, "comparisons"), *o;
    char base[256], lv[24];
    size_t i;
    if (!json_array_size(cmp))
        return;
    safe(base, sizeof base, str(doc, "baseline"), md);
    an_fmt_level(lv, sizeof lv, num(doc, "confidence"));
    long long fam = json_integer_value(json_object_get(doc, "family_size"));
    if (md) {
        fprintf(f, "## Comparisons with %s\n\n", base);
        fprintf(f, "Ratios of geometric means (error rate: differences in percentage points). "
                "Holm's correction runs over the %lld comparisons with a test, at %s overall; "
                "each interval is shown at the level Holm used for it, and a verdict is given "
                "exactly when that interval clears the noise band.\n\n", fam, lv);
        fprintf(f, "| target | metric | effect | CI (level) | p (Welch) | p (Mann–Whitney) | "
                "p (Holm) | verdict |\n|---|---|---:|---:|---:|---:|---:|---|\n");
    } else {
        fprintf(f, "Comparisons with %s (Holm over %lld comparisons at %s; each interval at "
                "the level Holm used for it):\n", base, fam, lv);
    }
    json_array_foreach(cmp, i, o)
        comparison_row(f, o, md);
    fputc('\n', f);
    if (!md)
        return;
    json_array_foreach(cmp, i, o) {  /* the sentences people quote, for proven differences */
        char s[1024];
        if (strcmp(str(o, "verdict"), "~") != 0)
            fprintf(f, "- %s\n", safe(s, sizeof s, str(o, "sentence"), 1));
    }
    fputc('\n', f);
}

static void warnings_out(FILE *f, const json_t *doc, int md)
{
    const json_t *w = json_object_get(doc, "warnings"), *o;
    size_t i;
    if (!json_array_size(w))
        return;
    fprintf(f, md ? "## Warnings\n\n" : "Warnings:\n");
    json_array_foreach(w, i, o) {
        char name[512], msg[1024];
        cell_name(name, sizeof name, o, md);
        safe(msg, sizeof msg, str(o, "message"), md);
        fprintf(f, md ? "- %s: %s (%s)\n" : "  %s: %s (%s)\n", name, msg, str(o, "kind"));
    }
    fputc('\n', f);
}

void an_render(FILE *f, const json_t *doc, int markdown)
{
    const json_t *groups = json_object_get(doc, "groups"), *g;
    size_t i;
    double conf = num(doc, "confidence");
    if (markdown)
        fprintf(f, "## Runs (%g%% confidence)\n\n", 100.0 * conf);
    json_array_foreach(groups, i, g)
        group_out(f, g, markdown, conf);
    comparisons_out(f, doc, markdown);
    warnings_out(f, doc, markdown);
}
