/*
 * report/rp_charts_axis.c — chart planning, the gnuplot text helpers (quoting, preamble, value
 * axes), and the charts drawn over the x axis (concurrency or rate): throughput, latency
 * p50/p99 and error rate. The server charts are clustered per cell (rp_charts_server.c).
 *
 * Design: each chart is a NAME.dat (numbers only; labels appear there only inside `#`
 * comments, which gnuplot never reads) and a NAME.gp script whose one data-dependent text —
 * target names in titles and tic labels — is written by rp_gp_quote as a double-quoted
 * gnuplot string in which every byte outside [A-Za-z0-9 ,.()_=+:/-] is an octal escape
 * (\042 for ", \140 for `, \100 for @, \044 for $, \134 for \). Such a string contains no
 * quote that could close it and no backquote or macro sign for gnuplot's command-line
 * substitution to act on; its value is the exact label. The terminal is `noenhanced`, so
 * the label is not parsed as enhanced-text markup either. A target called
 * `x"; system("touch /tmp/p"); print "` is drawn as that text and runs nothing
 * (tests/e2e/report_hostile.sh).
 *
 * With a single x value (a published table at one concurrency, say) a line over x would be
 * a row of lone points, so those charts become bars per target instead (dots on a log axis,
 * where a bar's length means nothing). The value axis is logarithmic when the plotted figures
 * span more than RP_LOG_SPAN (10) times — Flask's 2.7k req/s next to nginx's 137k, p50 of
 * 70 µs next to p99 of 25 ms — with 1-2-5 tics labelled in plain numbers; linear from 0
 * otherwise. Each script draws to `outfile` when rigor defines it (rp_gnuplot.c renders into
 * a private directory and renames), else to NAME.png, so a user can rerun it in place.
 * Colours follow the target order (rp_model.targets), the same in every chart.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/dataset.h"
#include "core/err.h"
#include "core/units.h"
#include "report/report_int.h"

#define RP_GP_LABEL_MAX 48   /* longer labels are cut (with an ellipsis) in charts only */

static const char *const palette[] = {
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
    "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22",
};
#define NPALETTE (sizeof palette / sizeof palette[0])

const char *rp_colour(size_t tindex)
{
    return palette[tindex % NPALETTE];
}

void rp_gp_style(FILE *f, size_t tindex)
{
    rp_gp_style_dt(f, tindex, 0);
}

void rp_gp_style_dt(FILE *f, size_t tindex, int dt)
{
    fprintf(f, " lc rgb \"%s\" dt %zu", rp_colour(tindex),
            dt > 0 ? (size_t)dt : tindex / NPALETTE + 1);
}

/* The bytes of s[0..n) inside a gnuplot string: octal escapes for all but [A-Za-z0-9 ,.()_=+:/-]. */
static void quote_bytes(FILE *f, const unsigned char *p, size_t n, bool tic)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = p[i];
        if (ch < 0x20 || ch == 0x7f)
            fputc(' ', f);   /* a newline in a legend entry helps nobody */
        else if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                 strchr(" ,.()_=+:/-", ch) != NULL)
            fputc(ch, f);
        else if (ch == '%' && tic)
            fputs("\\045\\045", f);   /* tic labels are formats: a literal % is %% */
        else
            fprintf(f, "\\%03o", ch);
    }
}

/*
 * label + suffix as one quoted string; label is cut (with …, at a UTF-8 character boundary)
 * so that the whole stays within RP_GP_LABEL_MAX bytes and the suffix (" p99", the metric of
 * a row) is never what gets cut. tic: a tic label, where gnuplot reads '%' as a format.
 */
void rp_gp_quote_with(FILE *f, const char *label, const char *suffix, bool tic)
{
    const unsigned char *p = (const unsigned char *)(label ? label : "");
    const unsigned char *sx = (const unsigned char *)(suffix ? suffix : "");
    size_t slen = strlen((const char *)sx), room = RP_GP_LABEL_MAX > slen + 8 ? RP_GP_LABEL_MAX - slen : 8;
    size_t len = strlen((const char *)p), cut = len;
    if (len > room) {
        cut = room;
        while (cut > 0 && (p[cut] & 0xC0) == 0x80)
            cut--;
    }
    fputc('"', f);
    quote_bytes(f, p, cut, tic);
    if (cut < len)
        fputs("\\342\\200\\246", f);   /* U+2026 HORIZONTAL ELLIPSIS */
    quote_bytes(f, sx, slen, tic);
    fputc('"', f);
}

void rp_gp_quote(FILE *f, const char *label)
{
    rp_gp_quote_with(f, label, NULL, false);
}

void rp_gp_quote_tic(FILE *f, const char *label)
{
    rp_gp_quote_with(f, label, NULL, true);
}

/* A label in a data file comment: control characters out, so the comment stays one line. */
static void dat_comment_label(FILE *f, const char *label)
{
    for (const unsigned char *p = (const unsigned char *)label; *p; p++)
        fputc(*p < 0x20 || *p == 0x7f ? ' ' : *p, f);
}

int rp_chart_open(rp_chart *c, const char *name, const char *caption, const rp_model *m)
{
    return rp_chart_open_h(c, name, caption, m, 0);
}

int rp_chart_open_h(rp_chart *c, const char *name, const char *caption, const rp_model *m,
                    int height)
{
    memset(c, 0, sizeof *c);
    snprintf(c->name, sizeof c->name, "%s", name);
    snprintf(c->caption, sizeof c->caption, "%s", caption);
    c->df = open_memstream(&c->dat, &c->dlen);
    c->gf = open_memstream(&c->gp, &c->glen);
    if (c->df == NULL || c->gf == NULL) {
        rp_chart_close(c);
        return -1;
    }
    bool svg = m->opt->format && strcmp(m->opt->format, "svg") == 0;
    int w = m->opt->width > 0 ? m->opt->width : 960;
    int h = height > 0 ? height : m->opt->height > 0 ? m->opt->height : 600;
    fprintf(c->df, "# %s.dat — data of %s.gp (written by rigor report)\n", name, name);
    fprintf(c->gf, "# %s.gp — %s (written by rigor report; redraw: gnuplot %s.gp)\n"
                   "# Target names are octal-escaped strings: labels are data, never code.\n",
            name, caption, name);
    if (svg)
        fprintf(c->gf, "set terminal svg noenhanced size %d,%d dynamic font \"sans,11\"\n", w, h);
    else
        fprintf(c->gf, "set terminal pngcairo noenhanced size %d,%d font \"sans,10\"\n", w, h);
    /* rigor report defines outfile (a private directory it renames from: rp_gnuplot.c) */
    fprintf(c->gf, "if (!exists(\"outfile\")) outfile = '%s.%s'\nset output outfile\n"
                   "set grid\nset datafile missing 'NaN'\n", name, svg ? "svg" : "png");
    rp_gp_key(c->gf, m, m->ntargets);
    return 0;
}

void rp_gp_key(FILE *gf, const rp_model *m, size_t entries)
{
    size_t longest = 0;
    for (size_t t = 0; t < m->ntargets; t++)
        longest = strlen(m->targets[t]) > longest ? strlen(m->targets[t]) : longest;
    if (longest <= 20) {
        fputs("set key outside right top\n", gf);
        return;
    }
    /* long names: under the plot, two to a row, in a bottom margin sized for them — gnuplot's
     * own `set key below` can overlap the x axis label */
    fprintf(gf, "set key bmargin center horizontal maxcols 2\nset bmargin %zu\n",
            (entries + 1) / 2 + 4);
}

/* How many of the tics m x 10^k (m in steps[0..n)) fall within [a, b]. */
static size_t count_tics(const double *steps, size_t n, double a, double b)
{
    size_t k = 0;
    for (int e = (int)floor(log10(a)) - 1; e <= (int)ceil(log10(b)); e++)
        for (size_t i = 0; i < n; i++) {
            double v = steps[i] * pow(10, e);
            k += v >= a * (1 - 1e-9) && v <= b * (1 + 1e-9);
        }
    return k;
}

/*
 * Tics for a log axis over [a, b]: the coarsest of 1, 1-2-5, 1-1.5-2-3-5-7 and a fine
 * sequence per decade that gives at least three, labelled "0.05", "200", "20k" — gnuplot's
 * own log tics label only the decades, which leaves a narrow range (0.8 to 1.3) unlabelled.
 */
static void log_tics(FILE *gf, char axis, double a, double b)
{
    static const double s1[] = {1}, s2[] = {1, 2, 5}, s3[] = {1, 1.5, 2, 3, 5, 7},
                        s4[] = {1, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.8, 2, 2.5, 3, 4, 5, 6, 7, 8, 9};
    static const struct { const double *v; size_t n; } sets[] = {{s1, 1}, {s2, 3}, {s3, 6}, {s4, 17}};
    size_t pick = 0, k = 0;
    while (pick + 1 < 4 && count_tics(sets[pick].v, sets[pick].n, a, b) < (pick == 0 ? 4 : 3))
        pick++;
    fprintf(gf, "set %ctics (", axis);
    for (int e = (int)floor(log10(a)) - 1; e <= (int)ceil(log10(b)); e++)
        for (size_t i = 0; i < sets[pick].n; i++) {
            double v = sets[pick].v[i] * pow(10, e);
            if (v < a * (1 - 1e-9) || v > b * (1 + 1e-9))
                continue;
            if (v >= 1e7)
                fprintf(gf, "%s\"%gM\" %.10g", k++ ? ", " : "", v / 1e6, v);
            else if (v >= 1e4)
                fprintf(gf, "%s\"%gk\" %.10g", k++ ? ", " : "", v / 1e3, v);
            else
                fprintf(gf, "%s\"%g\" %.10g", k++ ? ", " : "", v, v);
        }
    fputs(")\n", gf);
}

void rp_gp_log_axis(FILE *gf, char axis, double a, double b)
{
    fprintf(gf, "set logscale %c\nset %crange [%.6g:%.6g]\n", axis, axis, a, b);
    log_tics(gf, axis, a, b);
}

bool rp_gp_value_axis(FILE *gf, char axis, double lo, double hi)
{
    if (lo > 0 && isfinite(hi) && hi / lo > RP_LOG_SPAN) {
        rp_gp_log_axis(gf, axis, lo / 1.25, hi * 1.25);
        return true;
    }
    /* unset what a log axis set before (the panels of a multiplot share their settings) */
    fprintf(gf, "unset logscale %c\nset %ctics autofreq\nset %crange [0:*]\n", axis, axis, axis);
    return false;
}

int rp_chart_close(rp_chart *c)
{
    int rc = 0;
    if (c->df != NULL && fclose(c->df) != 0)
        rc = -1;
    if (c->gf != NULL && fclose(c->gf) != 0)
        rc = -1;
    c->df = c->gf = NULL;
    return rc;
}

void rp_charts_free(rp_chart *c, size_t n)
{
    for (size_t i = 0; c != NULL && i < n; i++) {
        rp_chart_close(&c[i]);
        free(c[i].dat);
        free(c[i].gp);
    }
    free(c);
}

/* One series of an x-axis chart: a metric, how to scale it, what to call it. */
struct series {
    const char *title;      /* the chart title when this series is alone (fixed text) */
    const char *metric;
    double scale;
    const char *suffix;     /* appended to the target name in the legend, or NULL */
    int dt;                 /* dash type: 1 solid, 2 dashed */
    int fallback;           /* drawn only when no other series of the chart has data */
};

struct xchart {
    const char *name, *caption;
    const char *title, *title_bars;   /* fixed titles with both series, as lines or bars */
    const char *ylabel;
    struct series s[3];
    size_t ns;
};

/* Distinct x values and whether the axis deserves a log scale. */
static size_t distinct_x(const rp_model *m, double *lo, double *hi)
{
    size_t n = 0;
    *lo = INFINITY;
    *hi = -INFINITY;
    for (size_t i = 0; i < m->ncells; i++) {
        double x = m->cells[i].x;
        if (isnan(x))
            continue;
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = rp_same_num(m->cells[j].x, x);
        n += !seen;
        *lo = fmin(*lo, x);
        *hi = fmax(*hi, x);
    }
    return n;
}

/*
 * A row "pos mean ci_low ci_high[ rgb]"; rgb < 0 leaves the colour column out. On a log axis
 * an interval end below the axis (a Student-t interval of skewed data can reach below zero)
 * is drawn to the axis floor, so the bar visibly runs off the bottom instead of vanishing.
 */
static void xchart_row(FILE *f, const rp_cell *c, const struct series *s, double pos, long rgb,
                       double floor_v)
{
    double mean = rp_metric_num(c, s->metric, "mean") * s->scale;
    double lo = rp_metric_num(c, s->metric, "ci_low") * s->scale;
    double hi = rp_metric_num(c, s->metric, "ci_high") * s->scale;
    if (isnan(lo) || isnan(hi))
        lo = hi = mean;
    if (floor_v > 0 && lo < floor_v)
        lo = floor_v;
    fprintf(f, "%.10g %.10g %.10g %.10g", pos, mean, lo, hi);
    if (rgb >= 0)
        fprintf(f, " %ld", rgb);
    fputc('\n', f);
}

static bool has_ci(const rp_model *m, const struct series *s)
{
    for (size_t i = 0; i < m->ncells; i++)
        if (!isnan(rp_metric_num(&m->cells[i], s->metric, "ci_low")))
            return true;
    return false;
}

/*
 * The x column of target t, nudged sideways (1.2% of the axis per target, around the true
 * value) so the error bars of targets at one concurrency do not hide each other; the .dat
 * keeps the exact values, the nudge is in the script's `using`.
 */
static void dodged_x(FILE *gf, const rp_model *m, size_t t, double lo, double hi)
{
    double k = 0.012 * ((double)t - (double)(m->ntargets - 1) / 2);
    if (m->ntargets < 2 || !(hi > lo))
        fputs("1", gf);
    else if (lo > 0 && hi / lo >= 20)   /* the log x axis of x_axis() */
        fprintf(gf, "($1*%.6g)", pow(hi / lo * 1.5625, k));
    else
        fprintf(gf, "($1%+.6g)", k * (hi - lo) * 1.08);
}

/* Lines over x: one block per series x target. Returns the number of blocks. */
static size_t xchart_lines(const rp_model *m, const struct xchart *x, rp_chart *c,
                           double floor_v)
{
    double xlo, xhi;
    distinct_x(m, &xlo, &xhi);
    size_t block = 0;
    const char *sep = "plot";
    for (size_t s = 0; s < x->ns; s++)
        for (size_t t = 0; t < m->ntargets; t++) {
            size_t rows = 0;
            for (size_t i = 0; i < m->ncells; i++) {
                const rp_cell *cell = &m->cells[i];
                if (cell->tindex != t || isnan(cell->x) ||
                    isnan(rp_metric_num(cell, x->s[s].metric, "mean")))
                    continue;
                if (rows++ == 0) {
                    fprintf(c->df, "%s# block %zu: ", block ? "\n\n" : "", block);
                    dat_comment_label(c->df, m->targets[t]);
                    fprintf(c->df, "%s\n# %s mean ci_low ci_high\n",
                            x->s[s].suffix ? x->s[s].suffix : "", rp_axis_name(m));
                }
                xchart_row(c->df, cell, &x->s[s], cell->x, -1, floor_v);
            }
            if (rows == 0)
                continue;
            fprintf(c->gf, "%s '%s.dat' index %zu using ", sep, x->name, block++);
            dodged_x(c->gf, m, t, xlo, xhi);
            fprintf(c->gf, ":2:3:4 with %s lw 2 pt 7 ps 0.8",
                    has_ci(m, &x->s[s]) ? "yerrorlines" : "linespoints");
            rp_gp_style_dt(c->gf, t, x->s[s].dt > 1 ? x->s[s].dt : 0);
            fputs(" title ", c->gf);
            rp_gp_quote_with(c->gf, m->targets[t], x->s[s].suffix, false);
            sep = ", \\\n    ";
        }
    fputc('\n', c->gf);
    return block;
}

/*
 * Bars per target (a single x value): one block per series, rows = targets. On a log axis a
 * bar's length means nothing, so there the figures are dots (a dot plot) instead of bars.
 */
static size_t xchart_bars(const rp_model *m, const struct xchart *x, rp_chart *c, bool logy,
                          double floor_v)
{
    double w = 0.8 / (double)x->ns;
    fprintf(c->gf, "set boxwidth %.3f\nset key off\nset bmargin\nset xtics rotate by -30 left\n"
                   "set xrange [-0.6:%zu.6]\nset xtics (",
            w * 0.9, m->ntargets ? m->ntargets - 1 : 0);
    for (size_t t = 0; t < m->ntargets; t++) {
        fputs(t ? ", " : "", c->gf);
        rp_gp_quote_tic(c->gf, m->targets[t]);
        fprintf(c->gf, " %zu", t);
    }
    fputs(")\nplot", c->gf);
    for (size_t s = 0; s < x->ns; s++) {
        fprintf(c->df, "%s# block %zu%s: position mean ci_low ci_high rgb (target order as in "
                       "the .gp xtics)\n", s ? "\n\n" : "", s, x->s[s].suffix ? x->s[s].suffix : "");
        for (size_t i = 0; i < m->ncells; i++) {
            const rp_cell *cell = &m->cells[i];
            if (isnan(cell->x) || isnan(rp_metric_num(cell, x->s[s].metric, "mean")))
                continue;
            double pos = (double)cell->tindex + ((double)s - (double)(x->ns - 1) / 2) * w;
            xchart_row(c->df, cell, &x->s[s], pos, strtol(rp_colour(cell->tindex) + 1, NULL, 16),
                       floor_v);
        }
        if (logy)
            fprintf(c->gf, "%s '%s.dat' index %zu using 1:2:5 with points pt %d ps 1.6 "
                           "lc rgb variable notitle", s ? "," : "", x->name, s,
                    s == 0 && x->ns > 1 ? 6 : 7);
        else
            fprintf(c->gf, "%s '%s.dat' index %zu using 1:2:5 with boxes fs solid %s border -1 "
                           "lc rgb variable notitle", s ? "," : "", x->name, s,
                    s == 0 && x->ns > 1 ? "0.3" : "0.7");
        if (has_ci(m, &x->s[s]))   /* single runs: no interval, no bar */
            fprintf(c->gf, ", '' index %zu using 1:2:3:4 with yerrorbars lc rgb \"black\" pt 0 "
                           "notitle", s);
    }
    fputc('\n', c->gf);
    return x->ns;
}

/* 1 when the chart was made, 0 when no cell has its data, -1 on error. */
static bool series_present(const rp_model *m, const struct series *s)
{
    for (size_t i = 0; i < m->ncells; i++)
        if (!isnan(m->cells[i].x) && !isnan(rp_metric_num(&m->cells[i], s->metric, "mean")))
            return true;
    return false;
}

/*
 * The x axis of a sweep: logarithmic when it spans 20x or more, a little margin either side,
 * and tics at the swept values themselves when there are few enough to read.
 */
static void x_axis(rp_chart *c, const rp_model *m, size_t nx, double lo, double hi)
{
    bool logx = lo > 0 && hi / lo >= 20;
    if (logx)
        fprintf(c->gf, "set logscale x\nset xrange [%g:%g]\n", lo / 1.25, hi * 1.25);
    else
        fprintf(c->gf, "set xrange [%g:%g]\n", lo - (hi - lo) * 0.04, hi + (hi - lo) * 0.04);
    if (nx > 12)
        return;
    fputs("set xtics (", c->gf);
    size_t k = 0;
    for (size_t i = 0; i < m->ncells; i++) {
        double x = m->cells[i].x;
        bool seen = isnan(x);
        for (size_t j = 0; j < i && !seen; j++)
            seen = rp_same_num(m->cells[j].x, x);
        if (!seen)
            fprintf(c->gf, "%s%.10g", k++ ? ", " : "", x);
    }
    fputs(")\n", c->gf);
}

/* Whether target t has a figure of series s on the axis. */
static bool target_has(const rp_model *m, const struct series *s, size_t t)
{
    for (size_t i = 0; i < m->ncells; i++)
        if (m->cells[i].tindex == t && !isnan(m->cells[i].x) &&
            !isnan(rp_metric_num(&m->cells[i], s->metric, "mean")))
            return true;
    return false;
}

/*
 * What decides a chart's value axis: the smallest and largest mean (*mlo, *mhi; *mlo <= 0 when
 * some mean is), and the range to show: every mean and interval end that is positive, but
 * not below a quarter of the smallest mean (*lo), up to the largest (*hi).
 */
static void value_range(const rp_model *m, const struct xchart *x, double *mlo, double *mhi,
                        double *lo, double *hi)
{
    static const char *const fields[] = {"mean", "ci_low", "ci_high"};
    *mlo = *lo = INFINITY;
    *mhi = *hi = -INFINITY;
    for (size_t s = 0; s < x->ns; s++)
        for (size_t i = 0; i < m->ncells; i++)
            for (size_t k = 0; k < 3 && !isnan(m->cells[i].x); k++) {
                double v = rp_metric_num(&m->cells[i], x->s[s].metric, fields[k]) * x->s[s].scale;
                if (isnan(v))
                    continue;
                if (k == 0) {
                    *mlo = fmin(*mlo, v);
                    *mhi = fmax(*mhi, v);
                }
                if (v > 0)
                    *lo = fmin(*lo, v);
                *hi = fmax(*hi, v);
            }
    *lo = fmax(*lo, *mlo / 4);
}

/*
 * 1 when the chart was made, 0 when no cell has its data, -1 on error. Series without data
 * are dropped (a published table with p50 only gets a p50 chart). The value axis is
 * logarithmic when the figures span more than RP_LOG_SPAN times (Flask's 2.7k req/s next to
 * nginx's 137k, latencies from 70 µs to 25 ms), so every target's line can be read.
 */
static int xchart(const rp_model *m, const struct xchart *spec, rp_chart *c)
{
    struct xchart x = *spec;
    x.ns = 0;
    for (size_t s = 0; s < spec->ns; s++)
        if (series_present(m, &spec->s[s]) && !(spec->s[s].fallback && x.ns > 0))
            x.s[x.ns++] = spec->s[s];
    if (x.ns == 0)
        return 0;
    char caption[96];
    snprintf(caption, sizeof caption, "%s vs %s", x.caption, rp_axis_name(m));
    if (rp_chart_open(c, x.name, caption, m) < 0)
        return -1;
    double lo, hi;
    char b[48];
    size_t nx = distinct_x(m, &lo, &hi);
    const char *title = x.ns == 1 ? x.s[0].title : nx == 1 ? x.title_bars : x.title;
    bool ci = false;
    for (size_t s = 0; s < x.ns; s++)
        ci = ci || has_ci(m, &x.s[s]);
    if (ci)
        fprintf(c->gf, "set title \"%s (mean of runs, %g%% CI error bars)\"\n", title,
                m->confidence * 100);
    else
        fprintf(c->gf, "set title \"%s (single runs: no interval)\"\n", title);
    size_t entries = 0;
    for (size_t s = 0; s < x.ns && x.ns > 1; s++)
        for (size_t t = 0; t < m->ntargets; t++)
            entries += target_has(m, &x.s[s], t);
    if (entries > m->ntargets)
        rp_gp_key(c->gf, m, entries);   /* one entry per target and series */
    double mlo, mhi, vlo, vhi, floor_v = 0;
    value_range(m, &x, &mlo, &mhi, &vlo, &vhi);
    bool logy = mlo > 0 && mhi / mlo > RP_LOG_SPAN;
    if (logy) {
        floor_v = vlo / 1.25;
        rp_gp_log_axis(c->gf, 'y', floor_v, vhi * 1.25);
    } else {
        rp_gp_value_axis(c->gf, 'y', 0, 0);   /* linear from 0 */
    }
    fprintf(c->gf, "set ylabel \"%s%s\"\n", x.ylabel, logy ? ", log scale" : "");
    if (nx == 1) {
        fprintf(c->gf, "set xlabel \"target (%s)\"\n", rp_axis_value(b, sizeof b, m, lo));
        xchart_bars(m, &x, c, logy, floor_v);
    } else {
        fprintf(c->gf, "set xlabel \"%s\"\n",
                m->axis == RP_AXIS_RATE ? "offered rate (req/s)" : "concurrency (connections)");
        x_axis(c, m, nx, lo, hi);
        xchart_lines(m, &x, c, floor_v);
    }
    return rp_chart_close(c) < 0 ? -1 : 1;
}

static const struct xchart xcharts[] = {
    {"throughput", "Throughput", NULL, NULL, "throughput (req/s)",
     {{"Throughput", AN_THROUGHPUT, 1, NULL, 1, 0}}, 1},
    {"latency", "Latency", "Latency p50 (dashed) and p99 (solid)",
     "Latency p50 (light) and p99 (dark)", "latency (ms)",
     {{"Latency p50", AN_LATENCY_P50, 1e-3, " p50", 2, 0}, {"Latency p99", AN_LATENCY_P99, 1e-3, " p99", 1, 0},
      {"Latency mean", AN_LATENCY_MEAN, 1e-3, NULL, 1, 1}},
     3},
    {"errors", "Error rate", NULL, NULL, "error rate (% of responses)",
     {{"Error rate", AN_ERROR_RATE, 100, NULL, 1, 0}}, 1},
};
#define NXCHARTS (sizeof xcharts / sizeof xcharts[0])

/* Error rates of zero everywhere make an empty-looking chart: only draw it for errors. */
static bool any_errors(const rp_model *m)
{
    for (size_t i = 0; i < m->ncells; i++)
        if (rp_metric_num(&m->cells[i], AN_ERROR_RATE, "max") > 0 ||
            rp_metric_num(&m->cells[i], AN_ERROR_RATE, "mean") > 0)
            return true;
    return false;
}

/* One planned chart: the ratio chart first (it follows the headline), then the others in the
 * order report.md links them. */
static int plan_one(const rp_model *m, size_t i, rp_chart *c, char *err)
{
    if (i == 0)
        return rp_chart_ratios(m, c, err);
    if (i <= NXCHARTS)
        return strcmp(xcharts[i - 1].name, "errors") == 0 && !any_errors(m)
                   ? 0 : xchart(m, &xcharts[i - 1], c);
    switch (i - NXCHARTS) {
    case 1: return rp_chart_server(m, c, AN_SERVER_CPU, err);
    case 2: return rp_chart_server(m, c, AN_SERVER_RSS, err);
    case 3: return rp_chart_box(m, c, err);
    case 4: return rp_chart_spectrum(m, c, err);
    default: return rp_chart_timeseries(m, c, err);
    }
}

int rp_charts_plan(const rp_model *m, rp_chart **out, size_t *n, char *err)
{
    size_t cap = 1 + NXCHARTS + 5;
    rp_chart *ch = calloc(cap, sizeof *ch);
    *out = NULL;
    *n = 0;
    if (ch == NULL)
        goto oom;
    size_t k = 0;
    for (size_t i = 0; i < cap; i++) {
        int rc = plan_one(m, i, &ch[k], err);
        if (rc < 0) {
            rp_charts_free(ch, k + 1);
            if (err[0] == '\0')
                goto oom;
            return -1;
        }
        k += rc > 0;
    }
    *out = ch;
    *n = k;
    return 0;
oom:
    return rg_err(err, "out of memory while writing charts");
}
