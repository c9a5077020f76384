/*
 * report/rp_charts_server.c — server_cpu and server_rss: what the server used, per cell.
 *
 * Design: drawn as lines over concurrency, targets whose figures overlap (three copies of one
 * server, say) hid each other, and their error bars piled up into one unreadable column
 * (6–109% in the demo). So these charts are clustered like the box plot: one cluster per
 * concurrency (or rate), one slot per target, so nothing overlaps; in its slot each run is a
 * small open dot (spread sideways a little, so runs with the same figure stay countable) and
 * the mean over runs a filled diamond with its confidence interval. The value axis turns
 * logarithmic when the figures span more than RP_LOG_SPAN times (3.7 MiB next to 63 MiB).
 * Per-run values are read from the run (an_metrics[].path: server.cpu_pct_mean,
 * server.rss_kb_max), means and intervals from analyze's groups.
 * Expected load: a few hundred cells.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/dataset.h"
#include "report/report_int.h"

/* A run's figure for metric at its dotted path ("server.rss_kb_max"), times scale; or NAN. */
static double run_value(const json_t *run, const an_metric_def *d, double scale)
{
    const char *dot = strchr(d->path, '.');
    char head[64];
    if (dot == NULL || (size_t)(dot - d->path) >= sizeof head)
        return rg_json_num(run, d->path, NAN) * scale;
    memcpy(head, d->path, (size_t)(dot - d->path));
    head[dot - d->path] = '\0';
    return rg_json_num(json_object_get(run, head), dot + 1, NAN) * scale;
}

/* Whether any cell on the axis has a figure; the range of runs, means and intervals. */
static bool value_range(const rp_model *m, const an_metric_def *d, double scale, double *lo,
                        double *hi)
{
    static const char *const fields[] = {"mean", "ci_low", "ci_high"};
    *lo = INFINITY;
    *hi = -INFINITY;
    for (size_t i = 0; i < m->ncells; i++) {
        const rp_cell *c = &m->cells[i];
        for (size_t r = 0; r < c->nruns + 3 && !isnan(c->x); r++) {
            double v = r < c->nruns ? run_value(c->runs[r], d, scale)
                                    : rp_metric_num(c, d->name, fields[r - c->nruns]) * scale;
            if (!isnan(v)) {
                *lo = fmin(*lo, v);
                *hi = fmax(*hi, v);
            }
        }
    }
    return *lo <= *hi;
}

/* Two blocks for a cell: "pos mean ci_low ci_high", then "pos value" per run. */
static void cell_blocks(rp_chart *c, const rp_cell *cell, const an_metric_def *d, double scale,
                        double pos, size_t block)
{
    double mean = rp_metric_num(cell, d->name, "mean") * scale;
    double lo = rp_metric_num(cell, d->name, "ci_low") * scale;
    double hi = rp_metric_num(cell, d->name, "ci_high") * scale;
    fprintf(c->df, "%s# block %zu: target %zu at %g: position mean ci_low ci_high\n"
                   "%g %.10g %.10g %.10g\n\n\n# block %zu: position value (each run)\n",
            block ? "\n\n" : "", block, cell->tindex, cell->x, pos, mean, isnan(lo) ? mean : lo,
            isnan(hi) ? mean : hi, block + 1);
    size_t n = 0;
    for (size_t r = 0; r < cell->nruns; r++)
        n += !isnan(run_value(cell->runs[r], d, scale));
    for (size_t r = 0, k = 0; r < cell->nruns; r++) {
        double v = run_value(cell->runs[r], d, scale);
        if (isnan(v))
            continue;
        double jitter = n > 1 ? 0.5 * ((double)k++ / (double)(n - 1) - 0.5) : 0;
        fprintf(c->df, "%g %.10g\n", pos + jitter, v);
    }
}

static void cell_plot(rp_chart *c, const rp_model *m, const rp_cell *cell, size_t block,
                      bool *titled, const char **sep)
{
    fprintf(c->gf, "%s '%s.dat' index %zu using 1:2 with points pt 6 ps 0.7", *sep, c->name,
            block + 1);
    rp_gp_style(c->gf, cell->tindex);
    fputs(" notitle", c->gf);
    fprintf(c->gf, ", \\\n    '' index %zu using 1:2:3:4 with yerrorbars pt 13 ps 1.6 lw 2", block);
    rp_gp_style(c->gf, cell->tindex);
    if (!titled[cell->tindex]) {
        fputs(" title ", c->gf);
        rp_gp_quote(c->gf, m->targets[cell->tindex]);
        titled[cell->tindex] = true;
    } else {
        fputs(" notitle", c->gf);
    }
    *sep = ", \\\n    ";
}

int rp_chart_server(const rp_model *m, rp_chart *c, const char *metric, char *err)
{
    (void)err;
    const an_metric_def *d = an_metric_find(metric);
    bool cpu = strcmp(metric, AN_SERVER_CPU) == 0;
    double scale = cpu ? 1 : 1.0 / 1024, lo, hi;
    if (d == NULL || d->path == NULL || !value_range(m, d, scale, &lo, &hi))
        return 0;
    size_t nx;
    double *xs = rp_sorted_x(m, &nx);
    bool *titled = calloc(m->ntargets ? m->ntargets : 1, sizeof *titled);
    const char *name = cpu ? "server_cpu" : "server_rss";
    if (xs == NULL || titled == NULL ||
        rp_chart_open(c, name, cpu ? "Server CPU per cell" : "Server memory per cell", m) < 0) {
        free(xs);
        free(titled);
        return -1;
    }
    bool logy = rp_gp_value_axis(c->gf, 'y', lo, hi);
    fprintf(c->gf, "set title \"%s: each run (open dots) and the mean of runs with its %g%% CI "
                   "(diamond)\"\nset ylabel \"%s%s\"\n",
            cpu ? "Server CPU, mean over each run" : "Server resident memory, peak of each run",
            m->confidence * 100, cpu ? "server CPU (% of one core)" : "server RSS, peak (MiB)",
            logy ? ", log scale" : "");
    rp_cluster_xtics(m, c, xs, nx);
    if (nx == 1)
        memset(titled, 1, m->ntargets * sizeof *titled);   /* names are on the x axis */
    size_t block = 0;
    const char *sep = "plot";
    for (size_t g = 0; g < nx; g++)
        for (size_t i = 0; i < m->ncells; i++) {
            const rp_cell *cell = &m->cells[i];
            if (cell->x != xs[g] || isnan(rp_metric_num(cell, metric, "mean")))
                continue;
            cell_blocks(c, cell, d, scale, rp_cluster_pos(m, g, nx, cell->tindex), block);
            cell_plot(c, m, cell, block, titled, &sep);
            block += 2;
        }
    fputc('\n', c->gf);
    free(titled);
    free(xs);
    return rp_chart_close(c) < 0 ? -1 : 1;
}
