/*
 * analyze/stats_plot.c — the ASCII plot of `rigor stats`, in ministat's layout: one shared
 * axis spanning every set's min, max and mean ± sd; a dot plot of the values (one symbol
 * per set, '*' where sets overlap), then per set a bar |___A___| for mean ± sd with M at
 * the median.
 *
 * Design: values are counted per column per set; a column's stack of symbols is as tall as
 * its count, scaled down proportionally when the tallest stack would exceed AN_PLOT_ROWS
 * (ministat draws one row per value, which is unusable for 10^6 values).
 * Load: one pass over the (sorted) values; memory width × sets.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "analyze/stats_cmd_int.h"

#define AN_PLOT_ROWS 12
static const char SYMBOLS[] = "x+*%#@O";

typedef struct plot_axis {
    double x0, dx;
    int width;
} plot_axis;

static int col(const plot_axis *ax, double v)
{
    /* clamp in floating point before converting: an out-of-range cast is undefined */
    double c = ax->dx > 0.0 ? floor((v - ax->x0) / ax->dx) : ax->width / 2;
    if (!isfinite(c))
        return ax->width / 2;
    return c < 0.0 ? 0 : c >= ax->width ? ax->width - 1 : (int)c;
}

static void axis(const an_set *sets, size_t n, int width, plot_axis *ax)
{
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        const an_summary *s = &sets[i].s;
        double sd = isfinite(s->sd) ? s->sd : 0.0;
        lo = fmin(lo, fmin(s->min, s->mean - sd));
        hi = fmax(hi, fmax(s->max, s->mean + sd));
    }
    ax->width = width;
    ax->dx = (hi - lo) / (width - 1.0);
    ax->x0 = lo - 0.5 * ax->dx;
    if (!isfinite(ax->dx) || !isfinite(ax->x0))  /* values near DBL_MAX: no usable scale */
        ax->dx = 0.0;
}

/* One bar line: |____A__M___| spanning mean ± sd of the set. */
static void bar_line(FILE *f, const an_set *s, const plot_axis *ax, char *line)
{
    memset(line, ' ', (size_t)ax->width);
    if (isfinite(s->s.sd) && s->s.sd > 0.0) {
        int a = col(ax, s->s.mean - s->s.sd), b = col(ax, s->s.mean + s->s.sd);
        for (int c = a; c <= b; c++)
            line[c] = '_';
        line[a] = '|';
        line[b] = '|';
    }
    line[col(ax, s->s.median)] = 'M';
    line[col(ax, s->s.mean)] = 'A';
    fprintf(f, "|%.*s|\n", ax->width, line);
}

/* counts[set * width + column] */
static void dot_rows(FILE *f, const an_set *sets, size_t n, const plot_axis *ax,
                     const size_t *counts, char *line)
{
    size_t tallest = 0;
    for (size_t i = 0; i < n * (size_t)ax->width; i++)
        tallest = counts[i] > tallest ? counts[i] : tallest;
    double scale = tallest > AN_PLOT_ROWS ? (double)AN_PLOT_ROWS / (double)tallest : 1.0;
    int rows = (int)ceil((double)tallest * scale);
    for (int r = rows; r >= 1; r--) {
        for (int c = 0; c < ax->width; c++) {
            char ch = ' ';
            for (size_t i = 0; i < n; i++) {
                size_t k = counts[i * (size_t)ax->width + (size_t)c];
                if (k && ceil((double)k * scale) >= r)
                    ch = ch == ' ' ? SYMBOLS[i % (sizeof SYMBOLS - 1)] : '*';
            }
            line[c] = ch;
        }
        fprintf(f, "|%.*s|\n", ax->width, line);
    }
    (void)sets;
}

void an_stats_plot(FILE *f, const an_set *sets, size_t n, int width)
{
    plot_axis ax;
    if (width < 10 || n == 0)
        return;
    axis(sets, n, width, &ax);
    size_t *counts = calloc(n * (size_t)width, sizeof *counts);
    char *line = malloc((size_t)width + 1);
    if (!counts || !line) {
        free(counts);
        free(line);
        return;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < sets[i].n; k++)
            counts[i * (size_t)width + (size_t)col(&ax, sets[i].v[k])]++;
    fputc('+', f);
    for (int c = 0; c < width; c++)
        fputc('-', f);
    fputs("+\n", f);
    dot_rows(f, sets, n, &ax, counts, line);
    for (size_t i = 0; i < n; i++)
        bar_line(f, &sets[i], &ax, line);
    fputc('+', f);
    for (int c = 0; c < width; c++)
        fputc('-', f);
    fputs("+\n", f);
    free(counts);
    free(line);
}
