/*
 * report/rp_charts_runs.c — the charts drawn from the runs themselves rather than from analyze's
 * summaries: the box plot of per-run throughput (quartiles by GSL), and, at the focus cell
 * (rp_model.focus), the latency percentile spectrum from merged histograms; and the layout
 * of clustered charts (one cluster per concurrency, one slot per target) that the box plot
 * shares with the server charts (rp_charts_server.c). The per-second time series is in
 * rp_timeseries.c. Both value axes turn logarithmic past RP_LOG_SPAN (rp_gp_value_axis).
 *
 * Design: same rules as rp_charts_axis.c — numbers in NAME.dat, labels only as rp_gp_quote'd
 * strings in NAME.gp. The spectrum follows HdrHistogram's plots: x is 1/(1-p) on a log axis
 * labelled 90%, 99%, 99.9%..., y the latency at percentile p, read with rg_hist_percentile
 * from the merge (rg_hist_merge) of every run's histogram in the cell — merging is exact, so
 * the spectrum is that of all the cell's requests together. Points are taken 20 per decade
 * of 1/(1-p), up to the decade the sample count supports, then the maximum. A run whose
 * histogram has another layout (sigfigs, highest) cannot be merged and is left out of it.
 *
 * Expected load: histograms of ~100 KB each, one merge per run of the focus cell.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include "core/dataset.h"
#include "core/err.h"
#include "core/hist.h"
#include "core/units.h"
#include "report/report_int.h"


double *rp_sorted_x(const rp_model *m, size_t *n)
{
    double *xs = calloc(m->ncells ? m->ncells : 1, sizeof *xs);
    *n = 0;
    if (xs == NULL)
        return NULL;
    for (size_t i = 0; i < m->ncells; i++) {
        double x = m->cells[i].x;
        size_t j = 0;
        while (j < *n && xs[j] < x)
            j++;
        if (isnan(x) || (j < *n && xs[j] == x))
            continue;
        memmove(xs + j + 1, xs + j, (*n - j) * sizeof *xs);
        xs[j] = x;
        (*n)++;
    }
    return xs;
}

static bool any_replicated_throughput(const rp_model *m)
{
    for (size_t i = 0; i < m->ncells; i++) {
        size_t k = 0;
        for (size_t r = 0; r < m->cells[i].nruns; r++)
            k += !isnan(rg_json_num(m->cells[i].runs[r], "throughput_rps", NAN));
        if (k >= 2 && !isnan(m->cells[i].x))
            return true;
    }
    return false;
}

void rp_cluster_xtics(const rp_model *m, rp_chart *c, const double *xs, size_t nx)
{
    char b[48];
    fputs("set grid noxtics ytics\nset xtics scale 0 (", c->gf);   /* no line through a cluster */
    if (nx == 1) {
        for (size_t t = 0; t < m->ntargets; t++) {
            fputs(t ? ", " : "", c->gf);
            rp_gp_quote_tic(c->gf, m->targets[t]);
            fprintf(c->gf, " %zu", t);
        }
        fprintf(c->gf, ")\nset xtics rotate by -30 left\nset key off\nset bmargin\nset xrange [-0.6:%zu.6]\n",
                m->ntargets - 1);
        fprintf(c->gf, "set xlabel \"target (%s)\"\n", rp_axis_value(b, sizeof b, m, xs[0]));
        return;
    }
    for (size_t g = 0; g < nx; g++)
        fprintf(c->gf, "%s\"%s\" %.1f", g ? ", " : "", an_fmt_x(b, sizeof b, xs[g]),
                (double)g * (double)(m->ntargets + 1) + (double)(m->ntargets + 1) / 2);
    fprintf(c->gf, ")\nset xrange [0:%zu]\nset xlabel \"%s\"\n", nx * (m->ntargets + 1),
            m->axis == RP_AXIS_RATE ? "offered rate (req/s)" : "concurrency (connections)");
}

double rp_cluster_pos(const rp_model *m, size_t g, size_t nx, size_t tindex)
{
    return nx == 1 ? (double)tindex : (double)g * (double)(m->ntargets + 1) + (double)tindex + 1;
}

/* Per-run throughput of a cell, sorted ascending (caller frees); *n set. */
static double *cell_throughputs(const rp_cell *cell, size_t *n)
{
    double *v = calloc(cell->nruns ? cell->nruns : 1, sizeof *v);
    *n = 0;
    if (v == NULL)
        return NULL;
    for (size_t r = 0; r < cell->nruns; r++) {
        double x = rg_json_num(cell->runs[r], "throughput_rps", NAN);
        if (!isnan(x))
            v[(*n)++] = x;
    }
    gsl_sort(v, 1, *n);
    return v;
}

/*
 * Two blocks per cell: the box ("pos q1 min max q3 median", quartiles by GSL's
 * gsl_stats_quantile_from_sorted_data) and the runs ("pos value"). Whiskers span min..max:
 * with a handful of runs, every run is worth seeing rather than being called an outlier.
 */
static int box_cell(const rp_model *m, rp_chart *c, const rp_cell *cell, double pos,
                    size_t block, bool *titled, const char **sep)
{
    size_t n;
    double *v = cell_throughputs(cell, &n);
    if (v == NULL)
        return -1;
    if (n == 0) {
        free(v);
        return 0;
    }
    fprintf(c->df, "%s# block %zu: ", block ? "\n\n" : "", block);
    for (const char *p = cell->target; *p; p++)
        fputc((unsigned char)*p < 0x20 ? ' ' : *p, c->df);
    fprintf(c->df, " at %s %g: position q1 min max q3 median\n%g %.10g %.10g %.10g %.10g %.10g\n"
                   "\n\n# block %zu: position throughput_rps (each run)\n",
            rp_axis_name(m), cell->x, pos, gsl_stats_quantile_from_sorted_data(v, 1, n, 0.25),
            v[0], v[n - 1], gsl_stats_quantile_from_sorted_data(v, 1, n, 0.75),
            gsl_stats_median_from_sorted_data(v, 1, n), block + 1);
    for (size_t i = 0; i < n; i++)
        fprintf(c->df, "%g %.10g\n", pos, v[i]);
    free(v);
    fprintf(c->gf, "%s 'box.dat' index %zu using 1:2:3:4:5 with candlesticks whiskerbars 0.5",
            *sep, block);
    rp_gp_style(c->gf, cell->tindex);
    if (!titled[cell->tindex]) {
        fputs(" title ", c->gf);
        rp_gp_quote(c->gf, cell->target);
        titled[cell->tindex] = true;
    } else {
        fputs(" notitle", c->gf);
    }
    fprintf(c->gf, ", \\\n    '' index %zu using 1:6:6:6:6 with candlesticks lw 3", block);
    rp_gp_style(c->gf, cell->tindex);
    fprintf(c->gf, " notitle, \\\n    '' index %zu using 1:2 with points pt 7 ps 0.5 lc rgb "
                   "\"black\" notitle", block + 1);
    *sep = ", \\\n    ";
    return 2;
}

/* The smallest and largest per-run throughput of the cells on the axis. */
static void run_range(const rp_model *m, double *lo, double *hi)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    for (size_t i = 0; i < m->ncells; i++)
        for (size_t r = 0; r < m->cells[i].nruns && !isnan(m->cells[i].x); r++) {
            double v = rg_json_num(m->cells[i].runs[r], "throughput_rps", NAN);
            if (!isnan(v)) {
                *lo = fmin(*lo, v);
                *hi = fmax(*hi, v);
            }
        }
}

int rp_chart_box(const rp_model *m, rp_chart *c, char *err)
{
    (void)err;
    if (!any_replicated_throughput(m))
        return 0;
    size_t nx;
    double *xs = rp_sorted_x(m, &nx);
    bool *titled = calloc(m->ntargets ? m->ntargets : 1, sizeof *titled);
    if (xs == NULL || titled == NULL || rp_chart_open(c, "box", "Per-run throughput (box plot)", m) < 0)
        goto fail;
    double lo, hi;
    run_range(m, &lo, &hi);
    bool logy = rp_gp_value_axis(c->gf, 'y', lo, hi);
    fprintf(c->gf, "set title \"Throughput of each run: box = quartiles, line = median, whiskers = "
                   "min and max, dots = runs\"\nset ylabel \"throughput (req/s%s)\"\n"
                   "set style fill solid 0.3 border\nset boxwidth 0.7\n", logy ? ", log scale" : "");
    rp_cluster_xtics(m, c, xs, nx);
    if (nx == 1)
        memset(titled, 1, m->ntargets * sizeof *titled);   /* names are on the x axis */
    size_t block = 0;
    const char *sep = "plot";
    for (size_t g = 0; g < nx; g++)
        for (size_t i = 0; i < m->ncells; i++) {
            const rp_cell *cell = &m->cells[i];
            if (cell->x != xs[g])
                continue;
            double pos = rp_cluster_pos(m, g, nx, cell->tindex);
            int k = box_cell(m, c, cell, pos, block, titled, &sep);
            if (k < 0)
                goto fail;
            block += (size_t)k;
        }
    fputc('\n', c->gf);
    free(titled);
    free(xs);
    return rp_chart_close(c) < 0 ? -1 : 1;
fail:
    free(titled);
    free(xs);
    rp_chart_close(c);
    return -1;
}

/* The merged histogram of a cell's runs in *out; NULL when none has one. Mismatched layouts
 * are skipped; a histogram that cannot be read is an error (-1 with err): the loader checks
 * only the envelope of a v2 dataset's encoded histograms, their counts are read here. */
static int merged_hist(const rp_cell *cell, rg_hist **out, char *err)
{
    rg_hist *all = NULL;
    char e[RG_ERRLEN];
    for (size_t r = 0; r < cell->nruns; r++) {
        const json_t *hj = json_object_get(json_object_get(cell->runs[r], "latency"), "histogram");
        if (!json_is_object(hj))
            continue;
        rg_hist *h = rg_hist_from_json(hj, e);
        if (h == NULL) {
            rg_hist_free(all);
            *out = NULL;
            return rg_err(err, "target %.100s, run %lld: latency.%.300s",
                          json_string_value(json_object_get(cell->runs[r], "target")),
                          (long long)json_integer_value(json_object_get(cell->runs[r], "run")), e);
        }
        if (all == NULL) {
            all = h;
        } else {
            rg_hist_merge(all, h);   /* -1 (another layout): left out, all unchanged */
            rg_hist_free(h);
        }
    }
    if (all != NULL && rg_hist_count(all) == 0) {
        rg_hist_free(all);
        all = NULL;
    }
    *out = all;
    return 0;
}

/* The focus cell of target t, or NULL. */
static const rp_cell *focus_cell(const rp_model *m, size_t t)
{
    for (size_t i = 0; i < m->ncells; i++)
        if (m->cells[i].tindex == t && rp_same_num(m->cells[i].x, m->focus))
            return &m->cells[i];
    return NULL;
}

/* One target's spectrum; *xmax and the latency range [*ylo, *yhi] (ms) grow to cover it. */
static void spectrum_block(FILE *f, const rg_hist *h, double *xmax, double *ylo, double *yhi)
{
    double count = (double)rg_hist_count(h);
    for (int k = 0;; k++) {
        double inv = pow(10, k / 20.0);
        if (inv > count)
            break;
        double p = 1 - 1 / inv, v = (double)rg_hist_percentile(h, p * 100) / 1000;
        fprintf(f, "%.6g %.6g %.8g\n", inv, v, p * 100);
        *xmax = fmax(*xmax, inv);
        *ylo = fmin(*ylo, v);
    }
    fprintf(f, "%.6g %.6g 100\n", count, (double)rg_hist_max(h) / 1000);
    *xmax = fmax(*xmax, count);
    *yhi = fmax(*yhi, (double)rg_hist_max(h) / 1000);
}

static void spectrum_axes(rp_chart *c, const rp_model *m, double xmax, double ylo, double yhi)
{
    static const char *const tics[] = {"0%%", "90%%", "99%%", "99.9%%", "99.99%%", "99.999%%",
                                       "99.9999%%", "99.99999%%"};  /* tic labels are formats */
    char b[48];
    int decades = (int)ceil(log10(xmax > 10 ? xmax : 10));
    if (decades > 7)
        decades = 7;
    fprintf(c->gf, "set title \"Latency by percentile at %s (all runs merged)\"\n",
            rp_axis_value(b, sizeof b, m, m->focus));
    bool logy = rp_gp_value_axis(c->gf, 'y', ylo, yhi);
    fprintf(c->gf, "set logscale x\nset xrange [1:%g]\nset xlabel \"percentile\"\n"
                   "set ylabel \"latency (ms%s)\"\n"
                   "set xtics (", pow(10, decades), logy ? ", log scale" : "");
    for (int d = 0; d <= decades; d++)
        fprintf(c->gf, "%s\"%s\" %g", d ? ", " : "", tics[d], pow(10, d));
    fputs(")\n", c->gf);
}

int rp_chart_spectrum(const rp_model *m, rp_chart *c, char *err)
{
    if (isnan(m->focus))
        return 0;
    rg_hist **hs = calloc(m->ntargets ? m->ntargets : 1, sizeof *hs);
    if (hs == NULL)
        return -1;
    bool any = false;
    int rc = 0;
    for (size_t t = 0; t < m->ntargets && rc == 0; t++) {
        const rp_cell *cell = focus_cell(m, t);
        rc = cell ? merged_hist(cell, &hs[t], err) : 0;
        any = any || hs[t] != NULL;
    }
    any = any && rc == 0;
    if (any && rp_chart_open(c, "spectrum", "Latency percentile spectrum", m) < 0)
        rc = -1;
    if (any && rc == 0) {
        double xmax = 10, ylo = INFINITY, yhi = -INFINITY;
        size_t block = 0;
        for (size_t t = 0; t < m->ntargets; t++) {
            if (hs[t] == NULL)
                continue;
            fprintf(c->df, "%s# block %zu: target %zu; 1/(1-p) latency_ms percentile\n",
                    block ? "\n\n" : "", block, t);
            spectrum_block(c->df, hs[t], &xmax, &ylo, &yhi);
            block++;
        }
        spectrum_axes(c, m, xmax, ylo, yhi);
        block = 0;
        for (size_t t = 0; t < m->ntargets; t++) {
            if (hs[t] == NULL)
                continue;
            fprintf(c->gf, "%s 'spectrum.dat' index %zu using 1:2 with lines lw 2",
                    block ? ", \\\n    " : "plot", block);
            rp_gp_style(c->gf, t);
            fputs(" title ", c->gf);
            rp_gp_quote(c->gf, m->targets[t]);
            block++;
        }
        fputc('\n', c->gf);
        rc = rp_chart_close(c) < 0 ? -1 : 1;
    }
    for (size_t t = 0; t < m->ntargets; t++)
        rg_hist_free(hs[t]);
    free(hs);
    return rc;
}
