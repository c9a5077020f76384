/*
 * report/cmd_report.c — `rigor report DATASET... -o DIR`: options, loading, analysis, rp_write.
 *
 * Design: this is only the command-line face. Datasets are loaded and validated by core
 * (rg_dataset_load), analysed by an_analyze (or read from a saved `rigor analyze --json`
 * document with --analysis), and handed to rp_write. Exit status: 0 report and charts
 * written; 1 report.md written but charts failed (gnuplot missing or failing) or an I/O
 * error; 2 bad options or bad input (unreadable or invalid dataset, unknown baseline,
 * a --concurrency no cell has).
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/err.h"
#include "analyze/analyze.h"
#include "core/cli.h"
#include "core/dataset.h"
#include "core/log.h"
#include "core/units.h"
#include "report/report.h"

static const char usage[] =
    "usage: rigor report DATASET... -o DIR [options]\n"
    "\n"
    "Write DIR/report.md and charts (NAME.png with NAME.gp and NAME.dat beside it) from\n"
    "stored datasets. report.md opens with the answer: the proven differences in throughput,\n"
    "p50 and p99 (largest first), the plan's thresholds (✓/✗), what was not proven,\n"
    "and ratios.png (every comparison with its interval); then tables of 9 columns at most.\n"
    "Every interval and verdict is rigor analyze's; report.md is byte-identical for the same\n"
    "datasets and options. Nothing is written through a symlink in DIR; files get the umask.\n"
    "\n"
    "options:\n"
    "  -o, --output DIR         directory to write (created if missing; required)\n"
    "  -t, --title TEXT         report title (default: the first dataset's meta.title)\n"
    "  -b, --baseline TARGET    target the others are compared with (default: the first)\n"
    "      --confidence LEVEL   confidence level, e.g. 0.99 or 99% (default 95%)\n"
    "      --noise FRACTION     analyze's noise band, e.g. 1% (default 1%; shaded in\n"
    "                           ratios.png)\n"
    "      --include-incomplete count runs cut short by an interrupt\n"
    "      --analysis FILE      use this `rigor analyze --json` document instead of analysing\n"
    "  -c, --concurrency N      cell for the percentile spectrum and time series (default:\n"
    "                           the largest concurrency every target has)\n"
    "      --rate R             the same for open-loop (rate) datasets\n"
    "  -f, --format png|svg     chart format (default png)\n"
    "      --size WxH           chart size in pixels (default 960x600)\n"
    "  -j, --jobs N             gnuplot processes at a time (default 2)\n"
    "      --no-charts          write report.md only (gnuplot not needed)\n"
    "      --scripts-only       write the charts' .gp and .dat but do not run gnuplot\n"
    "  -q, --quiet              no informational messages\n"
    "  -h, --help               this text\n"
    "\n"
    "gnuplot is found on PATH or as $GNUPLOT (Debian: apt-get install gnuplot-nox). Without\n"
    "it report.md and the .gp/.dat files are still written and the exit status is 1.\n"
    "Exit status: 0 ok, 1 charts not drawn or I/O error, 2 usage or input error.\n"
    "\n"
    "examples:\n"
    "  rigor report results.json -o report/                     # report.md + PNG charts\n"
    "  rigor report results.json -o report/ --baseline nginx    # compare with nginx\n"
    "  rigor report a.json b.json -o report/ --format svg -c 100\n"
    "  rigor report results.json -o report/ --no-charts          # no gnuplot needed\n";

enum { O_CONF = 256, O_NOISE, O_INCOMPLETE, O_ANALYSIS, O_RATE, O_SIZE, O_NOCHARTS, O_NORENDER };

static const struct option longopts[] = {
    {"output", required_argument, NULL, 'o'}, {"title", required_argument, NULL, 't'},
    {"baseline", required_argument, NULL, 'b'}, {"confidence", required_argument, NULL, O_CONF},
    {"noise", required_argument, NULL, O_NOISE}, {"include-incomplete", no_argument, NULL, O_INCOMPLETE},
    {"analysis", required_argument, NULL, O_ANALYSIS}, {"concurrency", required_argument, NULL, 'c'},
    {"rate", required_argument, NULL, O_RATE}, {"format", required_argument, NULL, 'f'},
    {"size", required_argument, NULL, O_SIZE}, {"jobs", required_argument, NULL, 'j'},
    {"no-charts", no_argument, NULL, O_NOCHARTS}, {"scripts-only", no_argument, NULL, O_NORENDER},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};

struct args {
    rp_options rp;
    an_options an;
    const char *analysis_path;
    int help;
};

static int parse_size(const char *s, rp_options *rp)
{
    int w, h, used = 0;
    if (sscanf(s, "%dx%d%n", &w, &h, &used) != 2 || s[used] != '\0' || w < 100 || h < 100 ||
        w > 10000 || h > 10000)
        return rg_usage_error("report", "invalid size '%s' (WxH, 100..10000 pixels)", s);
    rp->width = w;
    rp->height = h;
    return 0;
}

static int parse_value(int c, const char *v, struct args *a)
{
    char err[RG_ERRLEN];
    uint64_t u;
    double d;
    switch (c) {
    case O_CONF:
        if (rg_parse_percent(v, &d, err) != 0 || !(d > 0 && d < 1))
            return rg_usage_error("report", "invalid confidence level '%s' (between 0 and 1, "
                                  "e.g. 0.95 or 95%%)", v);
        a->an.confidence = d;
        return 0;
    case O_NOISE:
        if (rg_parse_percent(v, &d, err) != 0 || !(d >= 0 && d < 1))
            return rg_usage_error("report", "invalid noise band '%s' (e.g. 1%%)", v);
        a->an.noise = d;
        a->rp.noise = d;
        return 0;
    case 'c':
        if (rg_parse_count(v, &u, err) != 0 || u == 0)
            return rg_usage_error("report", "invalid concurrency '%s'", v);
        a->rp.focus = (double)u;
        return 0;
    case O_RATE:
        if (rg_parse_double(v, &d, err) != 0 || !(d > 0))
            return rg_usage_error("report", "invalid rate '%s'", v);
        a->rp.focus = d;
        return 0;
    case 'j':
        if (rg_parse_count(v, &u, err) != 0 || u == 0 || u > 64)
            return rg_usage_error("report", "invalid number of jobs '%s' (1..64)", v);
        a->rp.jobs = (int)u;
        return 0;
    case 'f':
        if (strcmp(v, "png") != 0 && strcmp(v, "svg") != 0)
            return rg_usage_error("report", "invalid format '%s' (png or svg)", v);
        a->rp.format = v;
        return 0;
    }
    return parse_size(v, &a->rp);
}

static int parse_args(int argc, char **argv, struct args *a)
{
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":o:t:b:c:f:j:qh", longopts, NULL)) != -1) {
        int rc = 0;
        switch (c) {
        case 'o': a->rp.dir = optarg; break;
        case 't': a->rp.title = optarg; break;
        case 'b': a->an.baseline = optarg; break;
        case O_INCOMPLETE: a->an.include_incomplete = true; a->rp.include_incomplete = 1; break;
        case O_ANALYSIS: a->analysis_path = optarg; break;
        case O_NOCHARTS: a->rp.no_charts = 1; break;
        case O_NORENDER: a->rp.no_render = 1; break;
        case 'q': rg_log_level = RG_LOG_WARN; break;
        case 'h': a->help = 1; return 0;
        case O_CONF: case O_NOISE: case 'c': case O_RATE: case 'j': case 'f': case O_SIZE:
            rc = parse_value(c, optarg, a);
            break;
        default:
            return rg_bad_option("report", argv, c);
        }
        if (rc != 0)
            return rc;
    }
    if (a->rp.dir == NULL)
        return rg_usage_error("report", "missing -o DIR (the output directory)");
    if (optind >= argc)
        return rg_usage_error("report", "no dataset given");
    return 0;
}

/* A saved analysis has the shape rp_write relies on: a groups array of objects with targets. */
static bool analysis_shape_ok(const json_t *an)
{
    const json_t *groups = json_object_get(an, "groups");
    if (!json_is_array(groups))
        return false;
    for (size_t i = 0; i < json_array_size(groups); i++)
        if (!json_is_string(json_object_get(json_array_get(groups, i), "target")))
            return false;
    return true;
}

/* The analysis: a saved document (--analysis) or an_analyze's. NULL after a message. */
static json_t *get_analysis(struct args *a, json_t **ds, size_t n)
{
    char err[RG_ERRLEN];
    if (a->analysis_path != NULL) {
        if (rg_check_input_file("report", a->analysis_path, 0) != 0)
            return NULL;
        json_error_t je;
        json_t *an = json_load_file(a->analysis_path, JSON_REJECT_DUPLICATES, &je);
        if (an == NULL || !analysis_shape_ok(an)) {
            if (an == NULL)
                rg_usage_error("report", "%s:%d:%d: %s", a->analysis_path, je.line, je.column,
                               je.text);
            else
                rg_usage_error("report", "%s: not an analysis document (rigor analyze --json): "
                               "\"groups\" must be an array of objects with a target",
                               a->analysis_path);
            json_decref(an);
            return NULL;
        }
        return an;
    }
    json_t *an = an_analyze(ds, n, &a->an, err);
    if (an == NULL)
        rg_usage_error("report", "%s", err);
    return an;
}

/* A --concurrency/--rate that no group has is a usage error, named with the ones there are. */
static int check_focus(const struct args *a, const json_t *an)
{
    if (a->rp.focus <= 0)
        return 0;
    const json_t *groups = json_object_get(an, "groups");
    for (size_t i = 0; i < json_array_size(groups); i++) {
        const json_t *g = json_array_get(groups, i);
        if (rg_json_num(g, "concurrency", NAN) == a->rp.focus ||
            rg_json_num(g, "rate", NAN) == a->rp.focus)
            return 0;
    }
    return rg_usage_error("report", "no cell has concurrency or rate %g", a->rp.focus);
}

int cmd_report(int argc, char **argv)
{
    struct args a;
    memset(&a, 0, sizeof a);
    rp_options_init(&a.rp);
    an_options_init(&a.an);
    int rc = parse_args(argc, argv, &a);
    if (rc != 0 || a.help) {
        if (a.help)
            fputs(usage, stdout);
        return rc;
    }
    size_t n = (size_t)(argc - optind);
    json_t **ds = calloc(n, sizeof *ds);
    json_t *an = NULL;
    char err[RG_ERRLEN];
    if (ds == NULL)
        return rg_fail(RG_EXIT_FAIL, "report", "out of memory");
    rc = RG_EXIT_USAGE;
    for (size_t i = 0; i < n; i++) {
        if (rg_check_input_file("report", argv[optind + (int)i], 1) != 0)
            goto out;
        /* without charts, report.md reads what analysis reads: a lean load */
        if ((ds[i] = rg_dataset_load_for(argv[optind + (int)i],
                                         a.rp.no_charts ? RG_LOAD_ANALYSIS : RG_LOAD_ALL,
                                         err)) == NULL) {
            rg_usage_error("report", "%s", err);
            goto out;
        }
    }
    if ((an = get_analysis(&a, ds, n)) == NULL || check_focus(&a, an) != 0)
        goto out;
    a.rp.dataset_paths = (const char *const *)(argv + optind);
    rc = rp_write(ds, n, an, &a.rp, err);
    if (rc != 0) {
        rg_fail(RG_EXIT_FAIL, "report", "%s", err);
        rc = RG_EXIT_FAIL;
    } else {
        rg_info("report: wrote %s/report.md", a.rp.dir);
    }
out:
    json_decref(an);
    for (size_t i = 0; i < n; i++)
        json_decref(ds[i]);
    free(ds);
    return rc;
}
