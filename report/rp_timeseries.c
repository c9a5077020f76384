/*
 * report/rp_timeseries.c — the "over time" chart: per-second throughput and p99 within the
 * runs of the focus cell, to show warm-up and drift.
 *
 * Design: a run's `timeseries` holds per-second arrays (docs/dataset-format.md): `requests`
 * (completed in that second, so it is the throughput in req/s) and `p99` (µs). Each run is
 * one block of NAME.dat ("second req_per_s p99_ms") and one line in each of two stacked
 * panels (gnuplot multiplot), in its target's colour; only the first run of a target gets a
 * legend entry. At most RP_TS_MAX_RUNS runs per target are drawn, so a 30-run cell stays
 * readable; the chart's title says when runs were left out.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/dataset.h"
#include "report/report_int.h"

#define RP_TS_MAX_RUNS 10

static const json_t *series(const json_t *run, const char *key)
{
    const json_t *a = json_object_get(json_object_get(run, "timeseries"), key);
    return json_array_size(a) > 0 ? a : NULL;
}

/* Runs drawn for the focus cell c: those with a requests series, at most the cap. */
static size_t drawn_runs(const rp_cell *c, const json_t **out)
{
    size_t k = 0;
    for (size_t r = 0; r < c->nruns && k < RP_TS_MAX_RUNS; r++)
        if (series(c->runs[r], "requests") != NULL)
            out[k++] = c->runs[r];
    return k;
}

static void ts_block(FILE *f, const json_t *run, size_t block, bool *has_p99)
{
    const json_t *req = series(run, "requests"), *p99 = series(run, "p99");
    fprintf(f, "%s# block %zu: run %lld; second req_per_s p99_ms\n", block ? "\n\n" : "", block,
            (long long)rg_json_num(run, "run", 0));
    for (size_t i = 0; i < json_array_size(req); i++) {
        const json_t *r = json_array_get(req, i), *p = p99 ? json_array_get(p99, i) : NULL;
        fprintf(f, "%zu ", i + 1);
        fputs(json_is_number(r) ? "" : "NaN", f);
        if (json_is_number(r))
            fprintf(f, "%.10g", json_number_value(r));
        if (json_is_number(p)) {
            fprintf(f, " %.10g\n", json_number_value(p) / 1000);
            *has_p99 = true;
        } else {
            fputs(" NaN\n", f);
        }
    }
}

/* The plot command of one panel: column col of every block. */
static void ts_plot(rp_chart *c, const rp_model *m, const size_t *block_target, size_t nblocks,
                    int col, bool points)
{
    bool *titled = calloc(m->ntargets ? m->ntargets : 1, sizeof *titled);
    for (size_t b = 0; b < nblocks; b++) {
        size_t t = block_target[b];
        fprintf(c->gf, "%s 'timeseries.dat' index %zu using 1:%d with %s lw 1.5",
                b ? ", \\\n    " : "plot", b, col, points ? "linespoints pt 7 ps 0.5" : "lines");
        rp_gp_style(c->gf, t);
        if (titled != NULL && !titled[t]) {
            fputs(" title ", c->gf);
            rp_gp_quote(c->gf, m->targets[t]);
            titled[t] = true;
        } else {
            fputs(" notitle", c->gf);
        }
    }
    fputc('\n', c->gf);
    free(titled);
}

int rp_chart_timeseries(const rp_model *m, rp_chart *c, char *err)
{
    (void)err;
    if (isnan(m->focus))
        return 0;
    const json_t **runs = calloc(m->ntargets * RP_TS_MAX_RUNS + 1, sizeof *runs);
    size_t *bt = calloc(m->ntargets * RP_TS_MAX_RUNS + 1, sizeof *bt);
    size_t nb = 0;
    bool cut = false, has_p99 = false;
    if (runs == NULL || bt == NULL)
        goto oom;
    for (size_t i = 0; i < m->ncells; i++) {
        const rp_cell *cell = &m->cells[i];
        if (!rp_same_num(cell->x, m->focus))
            continue;
        size_t k = drawn_runs(cell, runs + nb);
        cut = cut || k == RP_TS_MAX_RUNS;
        for (size_t j = 0; j < k; j++)
            bt[nb + j] = cell->tindex;
        nb += k;
    }
    if (nb == 0) {
        free(runs);
        free(bt);
        return 0;
    }
    if (rp_chart_open(c, "timeseries", "Throughput and p99 over time within runs", m) < 0)
        goto oom;
    for (size_t b = 0; b < nb; b++)
        ts_block(c->df, runs[b], b, &has_p99);
    char x[48];
    char note[64] = "";
    if (cut)
        snprintf(note, sizeof note, " (first %d runs of each target)", RP_TS_MAX_RUNS);
    fprintf(c->gf, "set multiplot layout %d,1 title \"Per-second figures within each run at "
                   "%s%s\"\nset xlabel \"second of the run\"\n",
            has_p99 ? 2 : 1, rp_axis_value(x, sizeof x, m, m->focus), note);
    /* short runs: whole seconds on the axis and a dot per second, so two points read as such */
    size_t longest = 0;
    for (size_t b = 0; b < nb; b++)
        if (json_array_size(series(runs[b], "requests")) > longest)
            longest = json_array_size(series(runs[b], "requests"));
    bool few = longest <= 20;
    if (few)
        fputs("set xtics 1\n", c->gf);
    fputs("set ylabel \"throughput (req/s)\"\nset yrange [0:*]\n", c->gf);
    ts_plot(c, m, bt, nb, 2, few);
    if (has_p99) {
        fputs("set ylabel \"p99 latency (ms)\"\n", c->gf);
        ts_plot(c, m, bt, nb, 3, few);
    }
    fputs("unset multiplot\n", c->gf);
    free(runs);
    free(bt);
    return rp_chart_close(c) < 0 ? -1 : 1;
oom:
    free(runs);
    free(bt);
    return -1;
}
