/*
 * analyze/cmd_analyze.c — `rigor analyze DATASET...`: load and validate the datasets, run
 * an_analyze(), print text (default), Markdown or the JSON document.
 *
 * Design: all statistics live in an_analyze() so `rigor report` prints the same numbers;
 * this file is option parsing and output only. Exit 2 for bad options or datasets (the
 * loader's message names the file, line and column), 1 for runtime failures.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/cli.h"
#include "core/dataset.h"
#include "core/err.h"
#include "core/units.h"
#include "analyze/analyze.h"
#include "analyze/render_int.h"

static const char USAGE[] =
    "usage: rigor analyze DATASET... [options]\n"
    "\n"
    "Across-run statistics and comparisons of the runs in one or more datasets ('-' = stdin).\n"
    "Runs are grouped into cells (target x concurrency or rate); each run is one observation\n"
    "(a server figure that does not vary within one server process counts once per process).\n"
    "Per cell and metric: n, mean, sd, Student-t CI of the mean, median with its binomial\n"
    "order-statistic CI, min, max, CV, outliers (modified z-score > 3.5, flagged not dropped).\n"
    "Each target is compared with the baseline in every cell: the ratio of geometric means\n"
    "with Welch's t on ln(values) (error rate: the difference), Mann-Whitney's exact p,\n"
    "Holm's correction over every comparison of the analysis, and a verdict.\n"
    "\n"
    "options:\n"
    "  -b, --baseline TARGET    compare against this target (default: the first seen)\n"
    "  -c, --confidence C       confidence level, 0.95 or 95% (default 0.95)\n"
    "      --noise P            noise band for verdicts, 1% or 0.01 (default 1%)\n"
    "      --target-ci P        wanted CI half-width for 'runs needed' (default 2%)\n"
    "      --ratio KIND         geometric (default): ratio of geometric means, log-t interval;\n"
    "                           mean: ratio of arithmetic means, Fieller's interval\n"
    "      --bootstrap N        percentile-bootstrap every ratio interval with N resamples,\n"
    "                           100..10M (default: none)\n"
    "      --seed N             bootstrap seed (default 1); same seed, same intervals\n"
    "      --include-incomplete count runs cut short (complete: false)\n"
    "      --by-endpoint        runs with a request mix (rigor load --targets) give one\n"
    "                           observation per endpoint: cells, comparisons (each endpoint\n"
    "                           against the baseline's same endpoint) and Holm's family are\n"
    "                           per endpoint; runs without endpoints keep their totals\n"
    "      --json               print the analysis document as JSON\n"
    "      --markdown           print Markdown tables\n"
    "  -h, --help               this help\n"
    "\n"
    "Verdicts: faster/slower (throughput), better/worse (latency, errors), higher/lower\n"
    "(server CPU, RSS). Holm's step-down procedure runs on the intervals themselves: each\n"
    "interval is printed at the level Holm used for it (e.g. 99.81% CI, 1 - 0.05/27), and a\n"
    "verdict is given exactly when that interval lies outside [1 - noise, 1 + noise];\n"
    "otherwise '~' (no proven difference). The sentence says which level it shows.\n"
    "\n"
    "examples:\n"
    "  rigor analyze results.json\n"
    "  rigor analyze a.json b.json --baseline nginx --confidence 99% --noise 2%\n"
    "  rigor analyze results.json --ratio mean --bootstrap 10000 --json | jq .comparisons\n"
    "  rigor analyze mix.json --by-endpoint --markdown\n"
    "\n"
    "Exit status: 0 ok, 1 failure, 2 bad option or dataset. See docs/analyze.md and\n"
    "docs/methodology.md.\n";

enum { OPT_NOISE = 256, OPT_TARGET_CI, OPT_BOOTSTRAP, OPT_SEED, OPT_INCOMPLETE, OPT_JSON, OPT_MD,
       OPT_RATIO, OPT_BY_ENDPOINT };

static const struct option LONGOPTS[] = {
    {"baseline", required_argument, NULL, 'b'},
    {"confidence", required_argument, NULL, 'c'},
    {"noise", required_argument, NULL, OPT_NOISE},
    {"target-ci", required_argument, NULL, OPT_TARGET_CI},
    {"bootstrap", required_argument, NULL, OPT_BOOTSTRAP},
    {"ratio", required_argument, NULL, OPT_RATIO},
    {"seed", required_argument, NULL, OPT_SEED},
    {"include-incomplete", no_argument, NULL, OPT_INCOMPLETE},
    {"by-endpoint", no_argument, NULL, OPT_BY_ENDPOINT},
    {"json", no_argument, NULL, OPT_JSON},
    {"markdown", no_argument, NULL, OPT_MD},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* Parse one option value into opt; 0 or an exit status. */
static int parse_value(int c, const char *arg, an_options *opt)
{
    char err[RG_ERRLEN];
    uint64_t u;
    double d;
    switch (c) {
    case 'c':
        if (rg_parse_percent(arg, &d, err) < 0 || !(d > 0.0 && d < 1.0))
            return rg_usage_error("analyze", "invalid confidence '%s' (want e.g. 0.95 or 95%%)", arg);
        opt->confidence = d;
        return 0;
    case OPT_NOISE:
    case OPT_TARGET_CI:
        if (rg_parse_percent(arg, &d, err) < 0 || !(d >= 0.0 && d < 1.0) ||
            (c == OPT_TARGET_CI && d == 0.0))
            return rg_usage_error("analyze", "invalid %s '%s' (want e.g. 2%% or 0.02)",
                                  c == OPT_NOISE ? "noise band" : "target CI", arg);
        *(c == OPT_NOISE ? &opt->noise : &opt->target_ci) = d;
        return 0;
    case OPT_BOOTSTRAP:
        if (rg_parse_count(arg, &u, err) < 0 || u < 100 || u > 10000000)
            return rg_usage_error("analyze", "invalid bootstrap resamples '%s' (100..10M)", arg);
        opt->bootstrap = (int)u;
        return 0;
    case OPT_SEED:
        if (rg_parse_count(arg, &u, err) < 0)
            return rg_usage_error("analyze", "invalid seed '%s'", arg);
        opt->seed = u;
        return 0;
    case OPT_RATIO:
        if (strcmp(arg, "geometric") != 0 && strcmp(arg, "mean") != 0)
            return rg_usage_error("analyze", "invalid ratio '%s' (want geometric or mean)", arg);
        opt->ratio_means = strcmp(arg, "mean") == 0;
        return 0;
    }
    return RG_EXIT_USAGE;
}

static int parse_args(int argc, char **argv, an_options *opt, int *format)
{
    int c, rc;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":b:c:h", LONGOPTS, NULL)) != -1) {
        switch (c) {
        case 'h':
            fputs(USAGE, stdout);
            return -1;
        case 'b':
            if (!optarg[0])
                return rg_usage_error("analyze", "empty baseline name");
            opt->baseline = optarg;
            break;
        case OPT_INCOMPLETE:
            opt->include_incomplete = true;
            break;
        case OPT_BY_ENDPOINT:
            opt->by_endpoint = true;
            break;
        case OPT_JSON:
        case OPT_MD:
            if (*format && *format != c)
                return rg_usage_error("analyze", "--json and --markdown exclude each other");
            *format = c;
            break;
        case 'c': case OPT_NOISE: case OPT_TARGET_CI: case OPT_BOOTSTRAP: case OPT_SEED:
        case OPT_RATIO:
            if ((rc = parse_value(c, optarg, opt)) != 0)
                return rc;
            break;
        default:
            return rg_bad_option("analyze", argv, c);
        }
    }
    if (optind >= argc)
        return rg_usage_error("analyze", "no dataset given");
    return 0;
}

static int output(const json_t *doc, int format)
{
    if (format == OPT_JSON) {
        if (json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(15)) < 0)
            return rg_fail(RG_EXIT_FAIL, "analyze", "cannot write the JSON output");
        fputc('\n', stdout);
    } else {
        an_render(stdout, doc, format == OPT_MD);
    }
    if (fflush(stdout) != 0 || ferror(stdout))
        return rg_fail(RG_EXIT_FAIL, "analyze", "cannot write the output");
    return RG_EXIT_OK;
}

int cmd_analyze(int argc, char **argv)
{
    an_options opt;
    int format = 0, rc;
    char err[RG_ERRLEN];
    an_options_init(&opt);
    if ((rc = parse_args(argc, argv, &opt, &format)) != 0)
        return rc < 0 ? RG_EXIT_OK : rc;
    size_t n = (size_t)(argc - optind), stdin_uses = 0;
    json_t **ds = calloc(n, sizeof *ds), *doc = NULL;
    if (!ds)
        return rg_fail(RG_EXIT_FAIL, "analyze", "out of memory");
    rc = RG_EXIT_OK;
    for (size_t i = 0; i < n && rc == RG_EXIT_OK; i++) {
        const char *path = argv[optind + (int)i];
        if (strcmp(path, "-") == 0 && ++stdin_uses > 1)
            rc = rg_usage_error("analyze", "'-' (stdin) given more than once");
        else if ((rc = rg_check_input_file("analyze", path, 1)) == 0 &&
                 !(ds[i] = rg_dataset_load_for(path, RG_LOAD_ANALYSIS, err)))
            rc = rg_fail(RG_EXIT_USAGE, "analyze", "%s", err);
    }
    if (rc == RG_EXIT_OK) {
        doc = an_analyze(ds, n, &opt, err);
        rc = doc ? output(doc, format) : rg_fail(RG_EXIT_USAGE, "analyze", "%s", err);
    }
    json_decref(doc);
    for (size_t i = 0; i < n; i++)
        json_decref(ds[i]);
    free(ds);
    return rc;
}
