/*
 * report/rp_charts_ratio.c — ratios.png, the chart a reader looks at first: "by how much, and
 * how sure".
 *
 * Design: a forest plot. Every comparison of the primary metrics (throughput, p50, p99) is a
 * row: its ratio (target ÷ baseline) as a point and the interval its verdict used
 * (ratio_ci_low/high at ci_level, rp_cmp_read) as a bar, on a log axis (so 0.5× and 2× lie
 * the same distance from 1), with a line at 1 and the noise band shaded around it. Rows are
 * grouped by concurrency (or rate) under a header, targets in the report's order inside a
 * group. The colour says what analyze decided: green proven in the target's favour (faster,
 * lower latency), red proven against it, grey `~`, open grey untested (single runs: a point
 * estimate without interval). The verdict and the ratio are written at the right of each row.
 * All text from the data (target and baseline names) goes through rp_gp_quote; the verdict
 * words are fixed strings (rp_verdict_word), never the document's.
 *
 * The chart grows in height with its rows (22 px each), so 60 comparisons stay readable.
 * Expected load: up to a few hundred rows.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/dataset.h"
#include "core/err.h"
#include "report/report_int.h"

#define RP_RATIO_ROW_PX 22
#define RP_RATIO_MAX_PX 8000

struct row {
    rp_cmp c;
    size_t tindex, morder, order;
};

static size_t metric_order(const char *metric)
{
    return strcmp(metric, AN_THROUGHPUT) == 0 ? 0 : strcmp(metric, AN_LATENCY_P50) == 0 ? 1 : 2;
}

static int by_place(const void *pa, const void *pb)
{
    const struct row *a = pa, *b = pb;
    if (!rp_same_num(a->c.x, b->c.x)) {
        if (isnan(a->c.x) || isnan(b->c.x))
            return isnan(a->c.x) ? 1 : -1;
        return a->c.x < b->c.x ? -1 : 1;
    }
    if (a->tindex != b->tindex)
        return a->tindex < b->tindex ? -1 : 1;
    if (a->morder != b->morder)
        return a->morder < b->morder ? -1 : 1;
    return (a->order > b->order) - (a->order < b->order);
}

static size_t target_index(const rp_model *m, const char *t)
{
    for (size_t i = 0; i < m->ntargets; i++)
        if (strcmp(m->targets[i], t) == 0)
            return i;
    return m->ntargets;
}

/* The rows: primary comparisons with a positive ratio, sorted into place. NULL when none. */
static struct row *collect(const rp_model *m, size_t *n)
{
    const json_t *arr = json_object_get(m->an, "comparisons");
    struct row *rows = calloc(json_array_size(arr) + 1, sizeof *rows);
    *n = 0;
    if (rows == NULL)
        return NULL;
    for (size_t i = 0; i < json_array_size(arr); i++) {
        struct row *r = &rows[*n];
        rp_cmp_read(m, json_array_get(arr, i), &r->c);
        if (!rp_metric_primary(r->c.metric) || r->c.target == NULL || r->c.diff ||
            !(r->c.value > 0) || !isfinite(r->c.value))
            continue;
        r->tindex = target_index(m, r->c.target);
        r->morder = metric_order(r->c.metric);
        r->order = i;
        (*n)++;
    }
    qsort(rows, *n, sizeof *rows, by_place);
    return rows;
}

/* The class a row is drawn in: 0 in favour, 1 against, 2 `~`, 3 untested, 4 higher/lower. */
static int draw_class(const rp_cmp *c)
{
    switch (c->cls) {
    case RP_BETTER: return 0;
    case RP_WORSE: return 1;
    case RP_SAME: return 2;
    case RP_UNTESTED: return 3;
    default: return 4;
    }
}

static const struct {
    const char *title, *style;
} classes[] = {
    {"proven in the target's favour (faster, lower latency)",
     "using 2:1:3:4 with xerrorbars pt 7 ps 1.1 lw 2 lc rgb \"#2ca02c\""},
    {"proven against the target (slower, higher latency)",
     "using 2:1:3:4 with xerrorbars pt 7 ps 1.1 lw 2 lc rgb \"#d62728\""},
    {"no proven difference (~)",
     "using 2:1:3:4 with xerrorbars pt 6 ps 1.1 lw 1.5 lc rgb \"#666666\""},
    {"not tested (single runs): point estimate",
     "using 2:1 with points pt 6 ps 1.1 lc rgb \"#999999\""},
    {"proven higher or lower",
     "using 2:1:3:4 with xerrorbars pt 7 ps 1.1 lw 2 lc rgb \"#1f77b4\""},
};
#define NCLASSES (sizeof classes / sizeof classes[0])

/* The y position of each row (top = highest) and the group headers; returns the top. */
static double layout(const struct row *rows, size_t n, double *y, size_t *groups)
{
    size_t slots = 0;
    *groups = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || !rp_same_num(rows[i].c.x, rows[i - 1].c.x)) {
            slots++;   /* the header */
            (*groups)++;
        }
        slots++;
    }
    double top = (double)slots, pos = top;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || !rp_same_num(rows[i].c.x, rows[i - 1].c.x))
            pos -= 1;
        y[i] = pos;
        pos -= 1;
    }
    return top;
}

/* The x range: every point and interval end, the noise band, with a margin. */
static void x_range(const rp_model *m, const struct row *rows, size_t n, double *a, double *b)
{
    double lo = 1 - m->noise, hi = 1 + m->noise;
    for (size_t i = 0; i < n; i++) {
        const rp_cmp *c = &rows[i].c;
        double v[3] = {c->value, c->lo, c->hi};
        for (int k = 0; k < 3; k++)
            if (v[k] > 0 && isfinite(v[k])) {
                lo = fmin(lo, v[k]);
                hi = fmax(hi, v[k]);
            }
    }
    *a = lo / 1.3;
    *b = hi * 1.3;
}

static void write_data(rp_chart *c, const struct row *rows, size_t n, const double *y,
                       size_t *block_of)
{
    size_t block = 0;
    for (size_t k = 0; k < NCLASSES; k++) {
        size_t rowsk = 0;
        for (size_t i = 0; i < n; i++) {
            const rp_cmp *r = &rows[i].c;
            if ((size_t)draw_class(r) != k)
                continue;
            if (rowsk++ == 0)
                fprintf(c->df, "%s# block %zu: %s\n# y ratio ci_low ci_high (interval at ci_level)\n",
                        block ? "\n\n" : "", block, classes[k].title);
            double lo = r->lo > 0 && isfinite(r->lo) ? r->lo : r->value;
            double hi = r->hi > 0 && isfinite(r->hi) ? r->hi : r->value;
            fprintf(c->df, "%g %.10g %.10g %.10g\n", y[i], r->value, lo, hi);
        }
        block_of[k] = rowsk ? block++ : (size_t)-1;
    }
}

/* "throughput" / "p50" / "p99" for a row label. */
static const char *short_metric(const char *metric)
{
    static const char *const names[] = {"throughput", "p50", "p99"};
    return names[metric_order(metric)];
}

/* Row labels (left: target and metric; right: verdict and ratio) and group headers. */
static void write_labels(rp_chart *c, const struct row *rows, size_t n,
                         const double *y)
{
    char label[512], r[48], w[96];
    fputs("set ytics nomirror (", c->gf);
    for (size_t i = 0; i < n; i++) {
        snprintf(label, sizeof label, "  %s", short_metric(rows[i].c.metric));
        fputs(i ? ", " : "", c->gf);
        rp_gp_quote_with(c->gf, rows[i].c.target, label, true);
        fprintf(c->gf, " %g", y[i]);
    }
    fputs(")\nset y2tics nomirror (", c->gf);
    for (size_t i = 0; i < n; i++) {
        snprintf(label, sizeof label, "%s %s×", rp_verdict_word(&rows[i].c),
                 rp_fmt_ratio(r, sizeof r, rows[i].c.value));
        fputs(i ? ", " : "", c->gf);
        rp_gp_quote_tic(c->gf, label);
        fprintf(c->gf, " %g", y[i]);
    }
    fputs(")\n", c->gf);
    for (size_t i = 0, g = 0; i < n; i++) {
        if (i > 0 && rp_same_num(rows[i].c.x, rows[i - 1].c.x))
            continue;
        rp_where(w, sizeof w, rows[i].c.conc, rows[i].c.rate);
        fprintf(c->gf, "set label %zu ", ++g);
        rp_gp_quote(c->gf, *w ? w + 1 : "(no concurrency)");   /* "at 10 connections" */
        fprintf(c->gf, " at graph 0.01, first %g left front\n"
                       "set arrow %zu from graph 0, first %g to graph 1, first %g nohead "
                       "lc rgb \"#bbbbbb\" back\n", y[i] + 1, g, y[i] + 1.5, y[i] + 1.5);
    }
}

static void write_title(rp_chart *c, const rp_model *m, const struct row *rows, size_t n)
{
    double lmin = INFINITY, lmax = -INFINITY;
    char l1[32], l2[32];
    for (size_t i = 0; i < n; i++)
        if (!isnan(rows[i].c.lo)) {
            lmin = fmin(lmin, rows[i].c.level);
            lmax = fmax(lmax, rows[i].c.level);
        }
    fputs("set title \"Ratio of each comparison to \" . ", c->gf);
    rp_gp_quote(c->gf, m->baseline ? m->baseline : "the baseline");
    if (!(lmin <= lmax))
        fputs(" . \"\\nsingle runs: no interval", c->gf);
    else if (lmax - lmin < 1e-9)
        fprintf(c->gf, " . \"\\nbars: its %s CI, the level the verdict used",
                an_fmt_level(l1, sizeof l1, lmin));
    else
        fprintf(c->gf, " . \"\\nbars: its CI at the level the verdict used (%s to %s)",
                an_fmt_level(l1, sizeof l1, lmin), an_fmt_level(l2, sizeof l2, lmax));
    fprintf(c->gf, "\\nshaded: the ±%g%% noise band; right: analyze's verdict\"\n", m->noise * 100);
}

int rp_chart_ratios(const rp_model *m, rp_chart *c, char *err)
{
    (void)err;
    size_t n, groups, block_of[NCLASSES];
    struct row *rows = collect(m, &n);
    double *y = rows ? calloc(n + 1, sizeof *y) : NULL;
    int rc = -1;
    if (rows == NULL || y == NULL)
        goto out;
    rc = 0;
    if (n == 0)
        goto out;
    double top = layout(rows, n, y, &groups), a, b;
    int h = 230 + RP_RATIO_ROW_PX * (int)(n + groups);
    rc = -1;
    if (rp_chart_open_h(c, "ratios", "Ratio to the baseline of every comparison, with its "
                        "interval", m, h < 360 ? 360 : h > RP_RATIO_MAX_PX ? RP_RATIO_MAX_PX : h) < 0)
        goto out;
    write_data(c, rows, n, y, block_of);
    write_title(c, m, rows, n);
    x_range(m, rows, n, &a, &b);
    rp_gp_log_axis(c->gf, 'x', a, b);
    fputs("set xlabel \"ratio target / baseline (log scale; 1 = the same)\"\n", c->gf);
    size_t entries = 0;
    for (size_t k = 0; k < NCLASSES; k++)
        entries += block_of[k] != (size_t)-1;
    /* the key in the bottom margin, one entry a line, below the x label (never over it) */
    fprintf(c->gf, "set yrange [0.3:%g]\nset y2range [0.3:%g]\nset grid noytics xtics\n"
                   "set key bmargin center vertical Left reverse\nset bmargin %zu\nset tics scale 0.5\n",
            top + 0.5, top + 0.5, entries + 4);
    fprintf(c->gf, "set object 1 rect from %.10g, graph 0 to %.10g, graph 1 behind "
                   "fc rgb \"#fff3c4\" fs solid 1.0 noborder\n"
                   "set arrow 1000 from 1, graph 0 to 1, graph 1 nohead lc rgb \"#444444\" lw 1.5 "
                   "front\n", 1 - m->noise, 1 + m->noise);
    write_labels(c, rows, n, y);
    const char *sep = "plot";
    for (size_t k = 0; k < NCLASSES; k++) {
        if (block_of[k] == (size_t)-1)
            continue;
        fprintf(c->gf, "%s 'ratios.dat' index %zu %s title \"%s\"", sep, block_of[k],
                classes[k].style, classes[k].title);
        sep = ", \\\n    ";
    }
    fputc('\n', c->gf);
    rc = rp_chart_close(c) < 0 ? -1 : 1;
out:
    free(y);
    free(rows);
    return rc;
}
