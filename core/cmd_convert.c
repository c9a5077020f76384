/*
 * core/cmd_convert.c — `rigor convert DATASET -o OUT [--format v1|v2]`: a dataset in the
 * other format version.
 *
 * The two versions differ only in how each histogram's counts are stored
 * (docs/dataset-format.md): v1 "buckets" (value, count pairs), v2 "hdr" (HdrHistogram's
 * compressed encoding: files 3-4x smaller, loaded ~5x faster, readable by HdrHistogram's
 * own tools; docs/benchmarks.md). Converting sets "version" and writes the document; the printer
 * (rg_dataset_dumps) puts every histogram in that version's form. Nothing else changes, and
 * both directions are lossless: v1 -> v2 -> v1 gives the same file back. Every histogram
 * is decoded once first, so a damaged one is refused (exit 2, with its run) rather than
 * carried into the output.
 * Expected load: one dataset of up to ~200 MB (25,000 runs) in a few seconds.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "core/cli.h"
#include "core/dataset.h"
#include "core/err.h"
#include "core/hist.h"

static const char usage[] =
    "usage: rigor convert DATASET -o OUT [--format v1|v2]\n"
    "\n"
    "Write a dataset in another format version (docs/dataset-format.md). The versions\n"
    "differ only in how latency histograms are stored: v1 as JSON arrays of (value, count)\n"
    "pairs, v2 in HdrHistogram's standard compressed encoding (base64 \"HISTFAAA...\",\n"
    "which HdrHistogram's tools in other languages decode): v2 files are 2.5-4x smaller and\n"
    "load several times faster. Lossless both ways; every rigor command reads both, and\n"
    "commands that append runs (load, capture, import, run, merge) keep a file's version.\n"
    "\n"
    "options:\n"
    "  -o, --output OUT   the converted dataset (\"-\" = stdout; may be DATASET itself:\n"
    "                     written atomically)\n"
    "      --format V     v2 (default) or v1 (for rigor versions before format v2)\n"
    "  -h, --help         this help\n"
    "\n"
    "examples:\n"
    "  rigor convert results.json -o results.json          # in place, to v2\n"
    "  rigor convert results.json -o old.json --format v1  # for an older rigor\n";

/* Decode one histogram (the loader checks only the envelope of an encoded one). */
static int check_one(const json_t *h, const char *path, char *err)
{
    char e[RG_ERRLEN];
    rg_hist *hist = rg_hist_from_json(h, e);
    if (hist == NULL)
        return rg_err(err, "%.200s: %.280s", path, e);
    rg_hist_free(hist);
    return 0;
}

/*
 * Every histogram of every run read in full before anything is written: a histogram the
 * printer cannot convert would otherwise be written as it is, in the other version's form.
 */
static int check_histograms(const json_t *ds, char *err)
{
    const json_t *runs = json_object_get(ds, "runs"), *run, *v;
    const char *k;
    size_t i, j;
    char path[256];
    json_array_foreach(runs, i, run) {
        json_object_foreach((json_t *)run, k, v) {
            const json_t *h = json_object_get(v, "histogram"), *x;
            snprintf(path, sizeof path, "runs[%zu].%.100s.histogram", i, k);
            if (json_is_object(h) && check_one(h, path, err) != 0)
                return -1;
            if (strcmp(k, "timeseries_histograms") != 0 || !json_is_array(v))
                continue;
            json_array_foreach(v, j, x) {
                snprintf(path, sizeof path, "runs[%zu].timeseries_histograms[%zu]", i, j);
                if (json_is_object(x) && check_one(x, path, err) != 0)
                    return -1;
            }
        }
    }
    return 0;
}

static int parse_args(int argc, char **argv, const char **out, int *version)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'}, {"format", required_argument, NULL, 'F'},
        {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    int c;
    opterr = 0;
    optind = 1;
    *version = 2;
    while ((c = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': *out = optarg; break;
        case 'F':
            if (strcmp(optarg, "v1") != 0 && strcmp(optarg, "v2") != 0 &&
                strcmp(optarg, "1") != 0 && strcmp(optarg, "2") != 0)
                return rg_usage_error("convert", "--format: expected v1 or v2, got '%s'",
                                      optarg);
            *version = optarg[strlen(optarg) - 1] - '0';
            break;
        case 'h': fputs(usage, stdout); return -1;
        default: return rg_bad_option("convert", argv, optopt);
        }
    }
    if (optind >= argc)
        return rg_usage_error("convert", "no DATASET");
    if (argc - optind > 1)
        return rg_usage_error("convert", "one DATASET at a time (got %d)", argc - optind);
    if (*out == NULL)
        return rg_usage_error("convert", "no -o OUT (the converted dataset; \"-\" = stdout)");
    return 0;
}

int cmd_convert(int argc, char **argv)
{
    const char *out = NULL;
    int version;
    char err[RG_ERRLEN];
    int rc = parse_args(argc, argv, &out, &version);
    if (rc != 0)
        return rc < 0 ? RG_EXIT_OK : rc;
    const char *in = argv[optind];
    if ((rc = rg_check_input_file("convert", in, 1)) != 0)
        return rc;
    json_t *ds = rg_dataset_load(in, err);
    if (ds == NULL)
        return rg_fail(RG_EXIT_USAGE, "convert", "%s", err);
    if (check_histograms(ds, err) != 0) {
        json_decref(ds);
        return rg_fail(RG_EXIT_USAGE, "convert", "%s: %s", in, err);
    }
    json_object_set_new(ds, "version", json_integer(version));
    rc = RG_EXIT_OK;
    if (rg_dataset_save(out, ds, err) != 0)
        rc = rg_fail(RG_EXIT_FAIL, "convert", "%s", err);
    json_decref(ds);
    return rc;
}
