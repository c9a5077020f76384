/*
 * import/cmd_export.c — `rigor export DATASET... --csv | --hgrm`: results leave rigor.
 *
 * --csv writes one row per run (im_export_csv) to stdout or -o FILE. --hgrm merges the
 * histograms of each cell's complete runs (target x concurrency or rate; merging is exact,
 * core/hist.h) and writes HdrHistogram's percentile distribution per cell: to stdout when
 * there is one cell, else one file per cell in -o DIR, named after the cell
 * ("fastapi_c100.hgrm", characters other than [A-Za-z0-9._-] as '_'). Files are written
 * atomically. Cells without a histogram (summary-only runs) are listed and skipped.
 * Expected load: datasets of up to tens of thousands of runs.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "core/cli.h"
#include "core/dataset.h"
#include "core/err.h"
#include "core/hist.h"
#include "core/io.h"
#include "core/log.h"
#include "import/import.h"

static const char usage[] =
    "usage: rigor export DATASET... (--csv | --hgrm) [-o FILE|DIR] [options]\n"
    "\n"
    "Write a dataset's runs in formats other tools read.\n"
    "\n"
    "  --csv            one row per run, with the stable columns of docs/import.md\n"
    "                   (dataset, target, url, concurrency, rate, run, ..., latency_p99_us,\n"
    "                   ...); unknown values are empty cells; to stdout or -o FILE\n"
    "  --hgrm           per cell (target x concurrency or rate), the merged histogram of its\n"
    "                   complete runs as HdrHistogram's percentile distribution (the .hgrm\n"
    "                   text its plotter reads); to stdout for one cell, else -o DIR gets\n"
    "                   one CELL.hgrm per cell\n"
    "\n"
    "options:\n"
    "  -o, --output P   the CSV file, or the directory for --hgrm (created if needed)\n"
    "      --latency K  with --hgrm: which latency: latency (default), latency_uncorrected,\n"
    "                   wire, ttfb, server_time\n"
    "      --unit U     with --hgrm: unit of the values: ms (default, what the plotter\n"
    "                   expects) or us\n"
    "  -h, --help       this help\n"
    "\n"
    "examples:\n"
    "  rigor export results.json --csv > runs.csv\n"
    "  rigor export results.json --hgrm -o spectra/\n";

typedef struct exp_opts {
    bool csv, hgrm;
    const char *out, *latency;
    double unit_us;
} exp_opts;

static int parse_args(int argc, char **argv, exp_opts *o)
{
    static const struct option longopts[] = {
        {"csv", no_argument, NULL, 'C'}, {"hgrm", no_argument, NULL, 'H'},
        {"output", required_argument, NULL, 'o'}, {"latency", required_argument, NULL, 'L'},
        {"unit", required_argument, NULL, 'U'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    static const char *const lat[] = {"latency", "latency_uncorrected", "wire", "ttfb",
                                      "server_time", NULL};
    int c;
    opterr = 0;
    optind = 1;
    o->latency = "latency";
    o->unit_us = 1000;
    while ((c = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'C': o->csv = true; break;
        case 'H': o->hgrm = true; break;
        case 'o': o->out = optarg; break;
        case 'L': {
            size_t i = 0;
            while (lat[i] && strcmp(lat[i], optarg) != 0)
                i++;
            if (lat[i] == NULL)
                return rg_usage_error("export", "--latency: expected latency, "
                                      "latency_uncorrected, wire, ttfb or server_time");
            o->latency = lat[i];
            break;
        }
        case 'U':
            if (strcmp(optarg, "ms") != 0 && strcmp(optarg, "us") != 0)
                return rg_usage_error("export", "--unit: expected ms or us, got '%s'", optarg);
            o->unit_us = strcmp(optarg, "ms") == 0 ? 1000 : 1;
            break;
        case 'h': fputs(usage, stdout); return -1;
        default: return rg_bad_option("export", argv, optopt);
        }
    }
    if (o->csv == o->hgrm)
        return rg_usage_error("export", "give --csv or --hgrm (one of them)");
    if (optind >= argc)
        return rg_usage_error("export", "no DATASET");
    return 0;
}

/* Write the bytes of a memory stream to path atomically, or to stdout. */
static int emit(const char *path, const char *buf, size_t len)
{
    char err[RG_ERRLEN];
    if (path == NULL || strcmp(path, "-") == 0) {
        if (fwrite(buf, 1, len, stdout) != len || fflush(stdout) != 0)
            return rg_fail(RG_EXIT_FAIL, "export", "cannot write stdout");
        return 0;
    }
    if (rg_write_atomic(path, buf, len, err) != 0)
        return rg_fail(RG_EXIT_FAIL, "export", "%s", err);
    return 0;
}

static int do_csv(json_t **ds, char **names, size_t n, const exp_opts *o)
{
    char *buf = NULL, err[RG_ERRLEN];
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (m == NULL)
        return rg_fail(RG_EXIT_FAIL, "export", "out of memory");
    int rc = im_export_csv(ds, (const char *const *)names, n, m, err);
    fclose(m);
    rc = rc == 0 ? emit(o->out, buf, len) : rg_fail(RG_EXIT_FAIL, "export", "%s", err);
    free(buf);
    return rc;
}

/* One cell: its label and the merged histogram of its complete runs. */
typedef struct cell {
    const char *target;
    double conc, rate;
    rg_hist *h;
    size_t runs;
} cell;

static cell *find_cell(cell **cells, size_t *n, const json_t *run)
{
    const char *t = json_string_value(json_object_get(run, "target"));
    double c = rg_json_num(run, "concurrency", 0), r = rg_json_num(run, "rate", 0);
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*cells)[i].target, t) == 0 && (*cells)[i].conc == c && (*cells)[i].rate == r)
            return &(*cells)[i];
    cell *grown = realloc(*cells, (*n + 1) * sizeof **cells);
    if (grown == NULL)
        return NULL;
    *cells = grown;
    grown[*n] = (cell){t, c, r, NULL, 0};
    return &grown[(*n)++];
}

/* Merge a run's histogram into its cell (the first one sets the layout). */
static int add_run(cell *c, const json_t *hist)
{
    char err[RG_ERRLEN];
    rg_hist *h = rg_hist_from_json(hist, err);
    if (h == NULL)
        return -1;
    if (c->h == NULL) {
        c->h = h;
        c->runs = 1;
        return 0;
    }
    int rc = rg_hist_merge(c->h, h);
    rg_hist_free(h);
    if (rc == 0)
        c->runs++;
    return rc;
}

static void cell_file(const cell *c, char *buf, size_t len)
{
    char x[64];
    size_t n;
    if (c->conc > 0)
        snprintf(x, sizeof x, "_c%g", c->conc);
    else if (c->rate > 0)
        snprintf(x, sizeof x, "_r%g", c->rate);
    else
        x[0] = '\0';
    snprintf(buf, len, "%.180s%s", c->target, x);
    for (n = 0; buf[n]; n++)
        if (!((buf[n] >= 'a' && buf[n] <= 'z') || (buf[n] >= 'A' && buf[n] <= 'Z') ||
              (buf[n] >= '0' && buf[n] <= '9') || buf[n] == '.' || buf[n] == '_' ||
              buf[n] == '-'))
            buf[n] = '_';
    if (buf[0] == '.')
        buf[0] = '_';
    snprintf(buf + n, len - n, ".hgrm");
}

static int write_cell(const cell *c, const exp_opts *o, bool to_dir)
{
    char *buf = NULL, err[RG_ERRLEN], name[256], path[4400];
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    json_t *hj = rg_hist_to_json(c->h);
    int rc = m && hj ? im_write_hgrm(hj, o->unit_us, m, err) : rg_err(err, "out of memory");
    if (m)
        fclose(m);
    json_decref(hj);
    if (rc != 0) {
        free(buf);
        return rg_fail(RG_EXIT_FAIL, "export", "%s: %s", c->target, err);
    }
    cell_file(c, name, sizeof name);
    snprintf(path, sizeof path, "%s/%s", o->out, name);
    rc = emit(to_dir ? path : o->out, buf, len);
    if (rc == 0 && to_dir)
        rg_info("%s: %zu run%s, %llu requests", path, c->runs, c->runs == 1 ? "" : "s",
                (unsigned long long)rg_hist_count(c->h));
    free(buf);
    return rc;
}

static int collect(json_t **ds, size_t n, const exp_opts *o, cell **cells, size_t *nc)
{
    for (size_t d = 0; d < n; d++) {
        const json_t *r;
        size_t i;
        json_array_foreach(json_object_get(ds[d], "runs"), i, r) {
            const json_t *complete = json_object_get(r, "complete");
            const json_t *h = json_object_get(json_object_get(r, o->latency), "histogram");
            if (complete && !json_is_true(complete))
                continue;
            cell *c = find_cell(cells, nc, r);
            if (c == NULL)
                return rg_fail(RG_EXIT_FAIL, "export", "out of memory");
            if (h && !json_is_null(h) && add_run(c, h) != 0)
                rg_warn("%s run %lld: histogram of another precision or range; left out",
                        c->target, (long long)rg_json_num(r, "run", 0));
        }
    }
    return 0;
}

static int do_hgrm(json_t **ds, size_t n, const exp_opts *o)
{
    cell *cells = NULL;
    size_t nc = 0, with = 0;
    int rc = collect(ds, n, o, &cells, &nc);
    for (size_t i = 0; i < nc; i++)
        with += cells[i].h != NULL;
    if (rc == 0 && with == 0)
        rc = rg_fail(RG_EXIT_USAGE, "export", "no run has a %s histogram (summary-only runs "
                     "have none)", o->latency);
    else if (rc == 0 && with > 1 && (o->out == NULL || strcmp(o->out, "-") == 0))
        rc = rg_usage_error("export", "%zu cells have histograms: give -o DIR for one .hgrm "
                            "file each", with);
    else if (rc == 0 && with > 1 && mkdir(o->out, 0777) != 0 && errno != EEXIST)
        rc = rg_fail(RG_EXIT_FAIL, "export", "cannot create %s: %s", o->out, strerror(errno));
    for (size_t i = 0; rc == 0 && i < nc; i++) {
        if (cells[i].h == NULL)
            rg_info("%s: no %s histogram (summary-only runs); skipped", cells[i].target,
                    o->latency);
        else
            rc = write_cell(&cells[i], o, with > 1);
    }
    for (size_t i = 0; i < nc; i++)
        rg_hist_free(cells[i].h);
    free(cells);
    return rc;
}

int cmd_export(int argc, char **argv)
{
    exp_opts o = {0};
    char err[RG_ERRLEN];
    int rc = parse_args(argc, argv, &o);
    if (rc != 0)
        return rc < 0 ? RG_EXIT_OK : rc;
    size_t n = (size_t)(argc - optind);
    json_t **ds = calloc(n, sizeof *ds);
    if (ds == NULL)
        return rg_fail(RG_EXIT_FAIL, "export", "out of memory");
    for (size_t i = 0; i < n && rc == 0; i++) {
        if ((rc = rg_check_input_file("export", argv[optind + i], 1)) != 0)
            break;
        if ((ds[i] = rg_dataset_load(argv[optind + i], err)) == NULL)
            rc = rg_fail(RG_EXIT_USAGE, "export", "%s", err);
    }
    if (rc == 0)
        rc = o.csv ? do_csv(ds, argv + optind, n, &o) : do_hgrm(ds, n, &o);
    for (size_t i = 0; i < n; i++)
        json_decref(ds[i]);
    free(ds);
    return rc;
}
