/*
 * report/rp_timeseries.c — the "over time" chart: per-second throughput and p99 within the
 * runs of the focus cell, to show warm-up and drift.
 *
 * Design: a run's `timeseries` holds per-interval arrays (docs/dataset-format.md): `requests`
 * (completed in that second) and `p99` (µs). Two things made the old chart lie:
 *   - the last interval of a run is usually partial: a 1.5 s window has a second interval of
 *     0.5 s, whose request count read as a rate is half the real one — a false drop. Its
 *     width is the run's duration_s minus the whole seconds before it; it is plotted at its
 *     real rate (requests / width) at its own midpoint, or left out when it is shorter than
 *     RP_TS_MIN_PARTIAL s (too few requests to be a rate);
 *   - one line per run turned 5–30 runs into a tangle. With two runs or more a target is
 *     drawn as the median across its runs, interval by interval, with a band from the
 *     smallest to the largest run; a single run is drawn as itself.
 * Every interval is plotted at its midpoint (0.5 s, 1.5 s...). Two stacked panels (gnuplot
 * multiplot): throughput and p99, each on a log axis when its figures span more than
 * RP_LOG_SPAN times. NAME.dat has one block per target: "time_s thr_median thr_min thr_max
 * p99_median p99_min p99_max" (ms).
 * Expected load: a few targets x up to hundreds of runs x a few hundred seconds.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include "core/dataset.h"
#include "report/report_int.h"

#define RP_TS_MIN_PARTIAL 0.25   /* seconds: a shorter last interval is left out */
#define XLABEL "set xlabel \"time in the run (s; each interval at its midpoint, a last partial " \
               "one at its own rate)\"\n"

static const json_t *series(const json_t *run, const char *key)
{
    const json_t *a = json_object_get(json_object_get(run, "timeseries"), key);
    return json_array_size(a) > 0 ? a : NULL;
}

/*
 * Interval i of a run: its midpoint (s), throughput (req/s) and p99 (ms). false when the
 * interval is left out (missing, or a partial last one too short to be a rate).
 */
static bool interval(const json_t *run, size_t i, double *t, double *rps, double *p99)
{
    const json_t *req = series(run, "requests"), *p = series(run, "p99");
    size_t n = json_array_size(req);
    const json_t *r = json_array_get(req, i), *q = p ? json_array_get(p, i) : NULL;
    if (i >= n || !json_is_number(r))
        return false;
    double width = 1, dur = rg_json_num(run, "duration_s", NAN);
    if (i == n - 1 && dur > (double)(n - 1) && dur - (double)(n - 1) < 0.999)
        width = dur - (double)(n - 1);
    if (width < RP_TS_MIN_PARTIAL)
        return false;
    *t = (double)i + width / 2;
    *rps = json_number_value(r) / width;
    *p99 = json_is_number(q) ? json_number_value(q) / 1000 : NAN;
    return true;
}

/* Median, min and max of v[0..n) (sorted in place); NaN when n == 0. */
static void summary3(double *v, size_t n, double *med, double *lo, double *hi)
{
    if (n == 0) {
        *med = *lo = *hi = NAN;
        return;
    }
    gsl_sort(v, 1, n);
    *med = gsl_stats_median_from_sorted_data(v, 1, n);
    *lo = v[0];
    *hi = v[n - 1];
}

/* Keep only the non-NaN values of v[0..n); returns how many. */
static size_t finite_only(double *v, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(v[i]))
            v[k++] = v[i];
    return k;
}

/* The ranges the panels plot: time, then throughput and p99 (low, high). */
struct ranges {
    double tmax, rlo, rhi, plo, phi;
};

static void widen(double *lo, double *hi, double a, double b)
{
    if (!isnan(a))
        *lo = fmin(*lo, a);
    if (!isnan(b))
        *hi = fmax(*hi, b);
}

/* One block: target t's runs at the focus cell, interval by interval. Returns its rows. */
static size_t ts_block(FILE *f, const rp_cell *c, size_t block, struct ranges *rg, double *buf)
{
    size_t longest = 0, nruns = 0, rows = 0;
    for (size_t r = 0; r < c->nruns; r++)
        if (series(c->runs[r], "requests") != NULL) {
            nruns++;
            size_t len = json_array_size(series(c->runs[r], "requests"));
            longest = len > longest ? len : longest;
        }
    fprintf(f, "%s# block %zu: target %zu, %zu run%s; time_s thr_median thr_min thr_max "
               "p99_median_ms p99_min_ms p99_max_ms\n", block ? "\n\n" : "", block, c->tindex,
            nruns, nruns == 1 ? "" : "s");
    double *t = buf, *rps = buf + c->nruns, *p = buf + 2 * c->nruns;
    for (size_t i = 0; i < longest; i++) {
        size_t k = 0;
        for (size_t r = 0; r < c->nruns; r++)
            if (series(c->runs[r], "requests") != NULL && interval(c->runs[r], i, &t[k], &rps[k], &p[k]))
                k++;
        if (k == 0)
            continue;
        double tm, tl, th, rm, rl, rh, pm, pl, ph;
        summary3(t, k, &tm, &tl, &th);
        summary3(rps, k, &rm, &rl, &rh);
        summary3(p, finite_only(p, k), &pm, &pl, &ph);
        widen(&rg->rlo, &rg->rhi, rl, rh);
        widen(&rg->plo, &rg->phi, pl, ph);
        rg->tmax = fmax(rg->tmax, th + (th - floor(th)));   /* the end of the last interval */
        fprintf(f, "%.6g %.10g %.10g %.10g %.10g %.10g %.10g\n", tm, rm, rl, rh, pm, pl, ph);
        rows++;
    }
    return rows;
}

/* The plot command of one panel: the median column col (band col+1..col+2) of every block. */
static void ts_plot(rp_chart *c, const rp_model *m, const rp_cell *const *cells, size_t nb,
                    int col, bool points)
{
    const char *sep = "plot";
    for (size_t b = 0; b < nb; b++) {
        if (cells[b]->nruns >= 2) {
            fprintf(c->gf, "%s 'timeseries.dat' index %zu using 1:%d:%d with filledcurves "
                           "fs transparent solid 0.18 noborder", sep, b, col + 1, col + 2);
            rp_gp_style(c->gf, cells[b]->tindex);
            fputs(" notitle", c->gf);
            sep = ", \\\n    ";
        }
        fprintf(c->gf, "%s 'timeseries.dat' index %zu using 1:%d with %s lw 2", sep, b, col,
                points ? "linespoints pt 7 ps 0.6" : "lines");
        rp_gp_style(c->gf, cells[b]->tindex);
        fputs(" title ", c->gf);
        rp_gp_quote(c->gf, m->targets[cells[b]->tindex]);
        sep = ", \\\n    ";
    }
    fputc('\n', c->gf);
}

/* Whether a run has an interval to plot (a run shorter than RP_TS_MIN_PARTIAL has none). */
static bool plottable(const json_t *run)
{
    double t, rps, p99;
    size_t n = json_array_size(series(run, "requests"));
    for (size_t i = 0; i < n; i++)
        if (interval(run, i, &t, &rps, &p99))
            return true;
    return false;
}

/* The focus cell of each target with an interval to plot, in target order; returns how many. */
static size_t focus_cells(const rp_model *m, const rp_cell **out, size_t *most_runs)
{
    size_t nb = 0;
    *most_runs = 0;
    for (size_t t = 0; t < m->ntargets; t++)
        for (size_t i = 0; i < m->ncells; i++) {
            const rp_cell *cell = &m->cells[i];
            if (cell->tindex != t || !rp_same_num(cell->x, m->focus))
                continue;
            bool any = false;
            for (size_t r = 0; r < cell->nruns && !any; r++)
                any = plottable(cell->runs[r]);
            if (any) {
                out[nb++] = cell;
                *most_runs = cell->nruns > *most_runs ? cell->nruns : *most_runs;
            }
        }
    return nb;
}

static void ts_header(rp_chart *c, const rp_model *m, size_t most_runs, const struct ranges *rg,
                      bool few)
{
    char x[48];
    bool two = rg->plo <= rg->phi;
    fprintf(c->gf, "set multiplot layout %d,1 title \"Per-second figures within the runs at %s: "
                   "%s\"\nset xrange [0:%g]\n", two ? 2 : 1, rp_axis_value(x, sizeof x, m, m->focus),
            most_runs >= 2 ? "median across runs, band = slowest to fastest run" : "each run",
            rg->tmax);
    if (!two)
        fputs(XLABEL, c->gf);
    if (few)   /* short runs: tics every second (half second) and a dot per interval */
        fprintf(c->gf, "set xtics %s\n", rg->tmax <= 4 ? "0.5" : "1");
    bool logy = rp_gp_value_axis(c->gf, 'y', rg->rlo, rg->rhi);
    fprintf(c->gf, "set ylabel \"throughput (req/s%s)\"\n", logy ? ", log scale" : "");
}

int rp_chart_timeseries(const rp_model *m, rp_chart *c, char *err)
{
    (void)err;
    if (isnan(m->focus))
        return 0;
    const rp_cell **cells = calloc(m->ntargets + 1, sizeof *cells);
    size_t most_runs, nb = cells ? focus_cells(m, cells, &most_runs) : 0, longest = 0;
    double *buf = cells ? calloc(3 * most_runs + 3, sizeof *buf) : NULL;
    int rc = cells && buf ? 0 : -1;
    if (rc < 0 || nb == 0)
        goto out;
    if (rp_chart_open(c, "timeseries", "Throughput and p99 over time within runs", m) < 0) {
        rc = -1;
        goto out;
    }
    struct ranges rg = {0, INFINITY, -INFINITY, INFINITY, -INFINITY};
    for (size_t b = 0; b < nb; b++) {
        ts_block(c->df, cells[b], b, &rg, buf);
        for (size_t r = 0; r < cells[b]->nruns; r++)
            if (json_array_size(series(cells[b]->runs[r], "requests")) > longest)
                longest = json_array_size(series(cells[b]->runs[r], "requests"));
    }
    ts_header(c, m, most_runs, &rg, longest <= 20);
    ts_plot(c, m, cells, nb, 2, longest <= 20);
    if (rg.plo <= rg.phi) {
        bool logy = rp_gp_value_axis(c->gf, 'y', rg.plo, rg.phi);
        fprintf(c->gf, "set ylabel \"p99 latency (ms%s)\"\n%s", logy ? ", log scale" : "", XLABEL);
        ts_plot(c, m, cells, nb, 5, longest <= 20);
    }
    fputs("unset multiplot\n", c->gf);
    rc = rp_chart_close(c) < 0 ? -1 : 1;
out:
    free(cells);
    free(buf);
    return rc;
}
