/*
 * import/cmd_import.c — `rigor import [--format F] FILE... -o DATASET`: other tools' result
 * files as runs of a dataset.
 *
 * Each file becomes one run (im_import_file). Options fill what the files do not say (label,
 * concurrency or rate, run index, duration) and override what they do. Runs are numbered
 * within their cell (target x concurrency or rate) after those already in DATASET, so
 * importing ten k6 files of one setting gives runs 1..10. Every file is read before anything
 * is written: one bad file is exit 2 with "FILE:LINE: what is wrong" and DATASET untouched.
 * The files of one Locust --csv set (PREFIX_stats.csv and its siblings) make one run.
 * Expected load: a handful to thousands of files per invocation.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/cli.h"
#include "core/dataset.h"
#include "core/err.h"
#include "core/log.h"
#include "core/units.h"
#include "import/import.h"

static const char usage_head[] =
    "usage: rigor import [--format F] FILE... -o DATASET [options]\n"
    "\n"
    "Read other load tools' result files as runs of a rigor dataset (source \"import:TOOL\"),\n"
    "so their results get rigor's statistics and reports. Each FILE is one run; the format\n"
    "is detected from the content unless --format says it. gzip-compressed files are read\n"
    "as they are. What a file does not say stays absent: a summary-only format gives a run\n"
    "without a histogram. docs/import.md lists what each format holds.\n"
    "\n"
    "options:\n"
    "  -o, --output DATASET  append the runs to DATASET (created if needed; - = stdout)\n"
    "  -f, --format F        the files' format (see below); default: detect\n"
    "  -l, --label NAME      target name (default: the URL's host:port, else the file name)\n"
    "  -c, --concurrency N   connections or virtual users (overrides the file)\n"
    "      --rate R          requests/s asked for, open loop (vegeta, wrk2, k6 arrival rate)\n"
    "      --run N           run index of the first file, the next files N+1...\n"
    "                        (default: after the runs of the same cell in DATASET)\n"
    "      --duration D      measured window when the file cannot tell it (hey 0.1.2)\n"
    "      --skip D          drop requests started in the first D of the file (warm-up;\n"
    "                        per-request formats only)\n"
    "      --unit U          unit of hgrm values: ns, us, ms (default), s\n"
    "      --url URL         the URL loaded, when the file does not say\n"
    "      --title TEXT      title of a new DATASET\n"
    "      --formats         list the formats and exit\n"
    "  -q, --quiet           no line per file on stderr\n"
    "  -h, --help            this help\n"
    "\n"
    "formats (name, histogram, what):\n";

static const char usage_tail[] =
    "\n"
    "examples:\n"
    "  rigor import k6-run*.json --label fastapi -c 100 -o results.json\n"
    "  rigor import locust_stats.csv --label flask -o results.json\n"
    "  rigor import --format hey hey-c50.csv -c 50 --label nginx -o results.json\n"
    "  RIGOR_WRK_OUT=h.json wrk -c100 -d30s -s examples/wrk-histogram.lua URL\n"
    "  rigor import h.json -c 100 -o results.json\n";

typedef struct imp_opts {
    im_opts io;
    const char *out, *title;
    bool quiet;
    int first_run;
} imp_opts;

static int parse_unit(const char *s, double *us)
{
    static const struct { const char *n; double us; } u[] = {
        {"ns", 0.001}, {"us", 1}, {"ms", 1000}, {"s", 1e6}};
    for (size_t i = 0; i < sizeof u / sizeof u[0]; i++)
        if (strcmp(s, u[i].n) == 0) {
            *us = u[i].us;
            return 0;
        }
    return -1;
}

static int parse_value(int c, const char *arg, imp_opts *o)
{
    char err[RG_ERRLEN];
    uint64_t n;
    switch (c) {
    case 'c':
        if (rg_parse_count(arg, &n, err) != 0 || n < 1 || n > 10000000)
            return rg_usage_error("import", "--concurrency: expected a count >= 1, got '%s'", arg);
        o->io.concurrency = (long long)n;
        return 0;
    case 'R':
        if (rg_parse_double(arg, &o->io.rate, err) != 0 || !(o->io.rate > 0))
            return rg_usage_error("import", "--rate: expected requests/s > 0, got '%s'", arg);
        return 0;
    case 'n':
        if (rg_parse_count(arg, &n, err) != 0 || n < 1 || n > 1000000)
            return rg_usage_error("import", "--run: expected a run index >= 1, got '%s'", arg);
        o->first_run = (int)n;
        return 0;
    case 'D':
    case 'S': {
        double *d = c == 'D' ? &o->io.duration_s : &o->io.skip_s;
        if (rg_parse_duration(arg, d, err) != 0 || !(*d > 0))
            return rg_usage_error("import", "--%s: %s", c == 'D' ? "duration" : "skip",
                                  *d > 0 ? err : "expected a duration > 0 such as 2s");
        return 0;
    }
    case 'U':
        if (parse_unit(arg, &o->io.unit_us) != 0)
            return rg_usage_error("import", "--unit: expected ns, us, ms or s, got '%s'", arg);
        return 0;
    }
    return 0;
}

static int parse_args(int argc, char **argv, imp_opts *o)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'}, {"format", required_argument, NULL, 'f'},
        {"label", required_argument, NULL, 'l'}, {"concurrency", required_argument, NULL, 'c'},
        {"rate", required_argument, NULL, 'R'}, {"run", required_argument, NULL, 'n'},
        {"duration", required_argument, NULL, 'D'}, {"skip", required_argument, NULL, 'S'},
        {"unit", required_argument, NULL, 'U'}, {"url", required_argument, NULL, 'u'},
        {"title", required_argument, NULL, 'T'}, {"formats", no_argument, NULL, 'F'},
        {"quiet", no_argument, NULL, 'q'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    int c, rc;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":o:f:l:c:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': o->out = optarg; break;
        case 'f': o->io.format = optarg; break;
        case 'l': o->io.label = optarg; break;
        case 'u': o->io.url = optarg; break;
        case 'T': o->title = optarg; break;
        case 'q': o->quiet = true; break;
        case 'F': im_formats_print(stdout); return -1;
        case 'h':
            fputs(usage_head, stdout);
            im_formats_print(stdout);
            fputs(usage_tail, stdout);
            return -1;
        case 'c': case 'R': case 'n': case 'D': case 'S': case 'U':
            if ((rc = parse_value(c, optarg, o)) != 0)
                return rc;
            break;
        default: return rg_bad_option("import", argv, optopt);
        }
    }
    if (o->io.format && !im_format_known(o->io.format, NULL))
        return rg_usage_error("import", "--format: unknown format '%s' (known: %s)",
                              o->io.format, im_format_names());
    if (o->io.label && (o->io.label[0] == '\0' || strlen(o->io.label) > 128))
        return rg_usage_error("import", "--label: expected 1 to 128 bytes");
    if (o->io.concurrency > 0 && o->io.rate > 0)
        return rg_usage_error("import", "give --concurrency or --rate, not both");
    if (optind >= argc)
        return rg_usage_error("import", "no FILE to import");
    if (o->out == NULL)
        return rg_usage_error("import", "-o DATASET is required (the dataset to append to; "
                              "- for stdout)");
    return 0;
}

/* Same cell: target, concurrency and rate. */
static bool same_cell(const json_t *a, const json_t *b)
{
    const char *ta = json_string_value(json_object_get(a, "target"));
    const char *tb = json_string_value(json_object_get(b, "target"));
    double ca = rg_json_num(a, "concurrency", 0), cb = rg_json_num(b, "concurrency", 0);
    double ra = rg_json_num(a, "rate", 0), rb = rg_json_num(b, "rate", 0);
    return ta && tb && strcmp(ta, tb) == 0 && ca == cb && fabs(ra - rb) <= 1e-9 * fabs(ra);
}

/* Number the run after its cell's runs in ds, or check the --run index is free. */
static int number_run(json_t *ds, json_t *run, int wanted, const char *file)
{
    json_t *runs = json_object_get(ds, "runs"), *r;
    size_t i;
    long long top = 0;
    json_array_foreach(runs, i, r) {
        if (!same_cell(r, run))
            continue;
        long long k = (long long)rg_json_num(r, "run", 0);
        if (wanted > 0 && k == wanted)
            return rg_usage_error("import", "%s: run %d of target '%s' at this concurrency/rate "
                                  "is already in the dataset; choose another --run", file,
                                  wanted, json_string_value(json_object_get(run, "target")));
        top = k > top ? k : top;
    }
    json_object_set_new(run, "run", json_integer(wanted > 0 ? wanted : top + 1));
    return 0;
}

static void describe(const char *file, const json_t *run)
{
    const json_t *im = json_object_get(run, "import");
    char p50[32] = "–", p99[32] = "–", rps[32] = "–", cell[64] = "";
    double c = rg_json_num(run, "concurrency", 0), r = rg_json_num(run, "rate", 0);
    if (c > 0)
        snprintf(cell, sizeof cell, " c=%g", c);
    else if (r > 0)
        snprintf(cell, sizeof cell, " rate=%g", r);
    if (!isnan(rg_json_path_num(run, "latency.p50", NAN)))
        rg_fmt_us(p50, sizeof p50, rg_json_path_num(run, "latency.p50", NAN), 3);
    if (!isnan(rg_json_path_num(run, "latency.p99", NAN)))
        rg_fmt_us(p99, sizeof p99, rg_json_path_num(run, "latency.p99", NAN), 3);
    if (!isnan(rg_json_num(run, "throughput_rps", NAN)))
        rg_fmt_si(rps, sizeof rps, rg_json_num(run, "throughput_rps", NAN), 3);
    char req[32] = "?";
    if (json_is_integer(json_object_get(run, "requests")))
        snprintf(req, sizeof req, "%lld", (long long)rg_json_num(run, "requests", 0));
    rg_info("import: %s: %s -> %s%s run %lld: %s requests, %s req/s, p50 %s, p99 %s "
            "(histogram: %s)", file, json_string_value(json_object_get(im, "format")),
            json_string_value(json_object_get(run, "target")), cell,
            (long long)rg_json_num(run, "run", 0), req, rps, p50, p99,
            json_string_value(json_object_get(im, "histogram")));
}

/* The Locust CSV set a file belongs to, or "" (sibling files make one run). */
static void locust_set(const json_t *run, char *buf, size_t len)
{
    const json_t *im = json_object_get(run, "import");
    const char *f = json_string_value(json_object_get(im, "format"));
    const char *file = json_string_value(json_object_get(im, "file"));
    buf[0] = '\0';
    if (f && file && strcmp(f, "locust-csv") == 0) {
        snprintf(buf, len, "%s", file);
        char *u = strstr(buf, "_stats");
        if (u == NULL)
            u = strstr(buf, "_failures");
        if (u)
            *u = '\0';
    }
}

static int import_all(int nfiles, char **files, imp_opts *o, json_t *ds)
{
    char err[RG_ERRLEN], set[4096];
    char **sets = calloc((size_t)nfiles + 1, sizeof *sets);
    int rc = 0, k = 0;
    for (int i = 0; i < nfiles && rc == 0 && sets; i++) {
        json_t *run = im_import_file(files[i], &o->io, err);
        if (run == NULL) {
            rc = rg_fail(RG_EXIT_USAGE, "import", "%s", err);
            break;
        }
        locust_set(run, set, sizeof set);
        bool dup = false;
        for (int j = 0; j < i && set[0]; j++)
            dup = dup || (sets[j] && strcmp(sets[j], set) == 0);
        sets[i] = set[0] ? strdup(set) : NULL;
        if (dup) {
            rg_info("%s: part of Locust's %s_* set, already imported", files[i], set);
            json_decref(run);
            continue;
        }
        rc = number_run(ds, run, o->first_run > 0 ? o->first_run + k : 0, files[i]);
        if (rc == 0 && !o->quiet)
            describe(files[i], run);
        if (rc == 0 && rg_dataset_append_run(ds, run) != 0)
            rc = rg_fail(RG_EXIT_FAIL, "import", "out of memory");
        else if (rc != 0)
            json_decref(run);
        k++;
    }
    for (int i = 0; sets && i < nfiles; i++)
        free(sets[i]);
    if (sets == NULL)
        rc = rg_fail(RG_EXIT_FAIL, "import", "out of memory");
    free(sets);
    return rc;
}

static int write_out(const imp_opts *o, json_t *ds, rg_dataset_file *df)
{
    char err[RG_ERRLEN];
    if (strcmp(o->out, "-") == 0) {
        char *text = rg_dataset_dumps(ds);
        if (text == NULL)
            return rg_fail(RG_EXIT_FAIL, "import", "out of memory");
        fputs(text, stdout);
        free(text);
        return fflush(stdout) == 0 ? 0 : rg_fail(RG_EXIT_FAIL, "import", "cannot write stdout");
    }
    /* under the dataset's lock: a `rigor load -o` writing the same file keeps its runs */
    if (rg_dataset_save_runs(o->out, ds, df, err) != 0)
        return rg_fail(RG_EXIT_FAIL, "import", "%s", err);
    return 0;
}

int cmd_import(int argc, char **argv)
{
    imp_opts o;
    rg_dataset_file df = {0};
    char err[RG_ERRLEN];
    memset(&o, 0, sizeof o);
    im_opts_init(&o.io);
    /* getopt_long permutes argv; the provenance gets the command as typed */
    char **typed = calloc((size_t)argc + 1, sizeof *typed);
    if (typed == NULL)
        return rg_fail(RG_EXIT_FAIL, "import", "out of memory");
    memcpy(typed, argv, (size_t)argc * sizeof *typed);
    int rc = parse_args(argc, argv, &o);
    if (rc != 0) {
        free(typed);
        return rc < 0 ? RG_EXIT_OK : rc;
    }
    if (o.quiet && rg_log_level > RG_LOG_WARN)
        rg_log_level = RG_LOG_WARN;
    json_t *ds = strcmp(o.out, "-") == 0 ? rg_dataset_new(o.title, argc, typed)
                                         : rg_dataset_open_or_new(o.out, o.title, argc, typed, &df,
                                                                  err);
    free(typed);
    if (ds == NULL)
        return rg_fail(RG_EXIT_USAGE, "import", "%s", err);
    json_t *prov = json_object_get(json_object_get(ds, "meta"), "provenance");
    if (json_is_object(prov) && json_object_get(prov, "source") == NULL &&
        json_array_size(json_object_get(ds, "runs")) == 0)
        json_object_set_new(prov, "source", json_string("import"));
    rc = import_all(argc - optind, argv + optind, &o, ds);
    if (rc == 0)
        rc = write_out(&o, ds, &df);
    json_decref(ds);
    return rc;
}
