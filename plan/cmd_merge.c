/*
 * plan/cmd_merge.c — `rigor merge DATASET... -o MERGED`: the datasets of several load hosts
 * (one file per host) merged into one run per target x cell x run index.
 *
 * Design: the merge itself is plan_merge.c, the same code `rigor run` uses after each
 * distributed step; this file groups the runs. A host's run belongs with the other hosts'
 * runs of the same target, URL, run index and cell — the whole cell recorded by --split
 * when there is one (so host 1 of 3 at 34 connections and host 2 at 33 group as the cell
 * of 100), else the host's own cell (three hosts at -c 50 make one run at 150). A file
 * without a run that the others have is a missing host: the merged run is incomplete and
 * says which. Merged runs are appended to MERGED (created if needed; "-" = stdout).
 * Lives in plan/ because distributed runs are the plan runner's job (SPEC: "plan/ ... local or
 * over several load hosts").
 * Expected load: a few files of a few runs to thousands of runs; grouping is a linear scan
 * per run over the groups made so far (quadratic, fine below ~10^4 groups).
 */
#include <getopt.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/cli.h"
#include "core/dataset.h"
#include "core/err.h"
#include "core/log.h"
#include "core/units.h"
#include "plan/plan_int.h"

static const char usage[] =
    "usage: rigor merge DATASET... -o MERGED [options]\n"
    "\n"
    "Merge the datasets of several load hosts (one file per host) into one run per\n"
    "target x cell x run index: requests, errors by kind and status codes summed,\n"
    "latency histograms merged exactly (never averaged percentiles), per-second series\n"
    "summed on the absolute UTC second, the window = the overlap of the hosts' windows,\n"
    "and each host's own run kept in \"hosts\". Runs group by the whole cell of --split,\n"
    "else by the host's own cell (the merged cell is then the sum). A host that is\n"
    "missing, was cut short, started late or did not overlap makes the merged run\n"
    "incomplete (\"complete\": false), naming the host. docs/distributed.md.\n"
    "\n"
    "options:\n"
    "  -o, --output MERGED   append the merged runs to MERGED (created if needed; - = stdout)\n"
    "      --max-skew D      windows that start or end further apart fail (default: 1% of\n"
    "                        the window, at least 10ms)\n"
    "      --title TEXT      title of a newly created MERGED\n"
    "  -q, --quiet           no summary\n"
    "  -h, --help            this help\n"
    "\n"
    "exit status: 0 every merged run complete; 1 some merged run is incomplete (written all\n"
    "the same, with the reasons); 2 bad usage, unreadable input, or runs that cannot be\n"
    "merged exactly (histograms of different precision, different targets...).\n"
    "\n"
    "examples:\n"
    "  rigor merge h1.json h2.json h3.json -o merged.json\n"
    "  rigor merge results/*.json -o - --max-skew 50ms | rigor analyze -\n";

typedef struct group {
    const json_t *first;      /* a run of the group: its identity */
    char *key;
    const json_t **runs;      /* per input file, NULL when the file has none */
} group;

typedef struct merge_state {
    char **files;
    char **labels;
    json_t **ds;
    size_t nfiles;
    group *groups;
    size_t ngroups;
    pl_merge_opts mo;
    const char *out, *title;
    bool quiet;
} merge_state;

/* The grouping key: target, URL, run index and cell (whole cell of --split, else own). */
static char *group_key(const json_t *run)
{
    const json_t *sp = json_object_get(run, "split");
    bool open = rg_json_num(run, "rate", 0) > 0;
    const char *ck = open ? "rate" : "concurrency";
    double cell = sp ? rg_json_num(sp, ck, NAN) : rg_json_num(run, ck, NAN);
    const char *url = json_string_value(json_object_get(run, "url"));
    char *k = NULL;
    if (asprintf(&k, "%s\x1f%s\x1f%.0f\x1f%s%s=%.17g", json_string_value(json_object_get(run,
                 "target")), url ? url : "", rg_json_num(run, "run", 1), sp ? "split " : "",
                 ck, cell) < 0)
        return NULL;
    return k;
}

/* "fast c=100 #2" for messages. */
static const char *run_label(const json_t *run, char *buf, size_t len)
{
    const json_t *sp = json_object_get(run, "split");
    bool open = rg_json_num(run, "rate", 0) > 0;
    const char *ck = open ? "rate" : "concurrency";
    snprintf(buf, len, "%s %s=%g #%.0f", json_string_value(json_object_get(run, "target")),
             open ? "rate" : "c", sp ? rg_json_num(sp, ck, 0) : rg_json_num(run, ck, 0),
             rg_json_num(run, "run", 1));
    return buf;
}

/* Put file f's run into its group (a new one when needed). 0, or exit status 2. */
static int add_run(merge_state *st, size_t f, const json_t *run)
{
    char *key = group_key(run), lbl[300];
    size_t g = 0;
    if (key == NULL)
        return rg_fail(RG_EXIT_FAIL, "merge", "out of memory");
    while (g < st->ngroups && strcmp(st->groups[g].key, key) != 0)
        g++;
    if (g == st->ngroups) {
        group *ng = realloc(st->groups, (g + 1) * sizeof *ng);
        const json_t **runs = calloc(st->nfiles, sizeof *runs);
        if (ng == NULL || runs == NULL) {
            free(key);
            free(runs);
            if (ng)
                st->groups = ng;
            return rg_fail(RG_EXIT_FAIL, "merge", "out of memory");
        }
        st->groups = ng;
        st->groups[g] = (group){run, key, runs};
        st->ngroups++;
    } else {
        free(key);
    }
    if (st->groups[g].runs[f] != NULL)
        return rg_usage_error("merge", "%s holds two runs of %s: give one file per host",
                              st->files[f], run_label(run, lbl, sizeof lbl));
    st->groups[g].runs[f] = run;
    return 0;
}

/* The host label of each file: its name without directory and ".json", else the path. */
static int make_labels(merge_state *st)
{
    st->labels = calloc(st->nfiles, sizeof *st->labels);
    if (st->labels == NULL)
        return -1;
    for (size_t i = 0; i < st->nfiles; i++) {
        char *copy = strdup(st->files[i]);
        if (copy == NULL)
            return -1;
        char *b = basename(copy), *dot = strrchr(b, '.');
        if (dot && dot != b && strcmp(dot, ".json") == 0)
            *dot = '\0';
        st->labels[i] = strdup(b);
        free(copy);
        if (st->labels[i] == NULL)
            return -1;
    }
    for (size_t i = 0; i < st->nfiles; i++)
        for (size_t j = 0; j < st->nfiles; j++)
            if (i != j && strcmp(st->labels[i], st->labels[j]) == 0) {
                free(st->labels[i]);
                if ((st->labels[i] = strdup(st->files[i])) == NULL)
                    return -1;
                break;
            }
    return 0;
}

static int load_inputs(merge_state *st)
{
    char err[RG_ERRLEN];
    st->ds = calloc(st->nfiles, sizeof *st->ds);
    if (st->ds == NULL || make_labels(st) != 0)
        return rg_fail(RG_EXIT_FAIL, "merge", "out of memory");
    for (size_t f = 0; f < st->nfiles; f++) {
        if (strcmp(st->files[f], "-") == 0)
            return rg_usage_error("merge", "inputs are files, one per host (not stdin)");
        if ((st->ds[f] = rg_dataset_load(st->files[f], err)) == NULL)
            return rg_fail(RG_EXIT_USAGE, "merge", "%s", err);
        const json_t *runs = json_object_get(st->ds[f], "runs");
        if (json_array_size(runs) == 0)
            return rg_usage_error("merge", "%s holds no runs", st->files[f]);
        for (size_t i = 0; i < json_array_size(runs); i++) {
            int rc = add_run(st, f, json_array_get(runs, i));
            if (rc != 0)
                return rc;
        }
    }
    return 0;
}

/* One line per merged run and per host, on out. */
static void print_merged(FILE *out, const json_t *m)
{
    char lbl[300], rps[32], p99[32];
    fprintf(out, "%s: %lld hosts, %.0f requests, %s req/s, p99 %s, window %.3f s, "
            "start skew %s\n", run_label(m, lbl, sizeof lbl),
            (long long)rg_json_path_num(m, "merge.hosts", 0), rg_json_num(m, "requests", 0),
            rg_fmt_si(rps, sizeof rps, rg_json_num(m, "throughput_rps", 0), 4),
            rg_fmt_us(p99, sizeof p99, rg_json_path_num(m, "latency.p99", NAN), 3),
            rg_json_num(m, "duration_s", 0),
            isnan(rg_json_path_num(m, "clock.start_skew_s", NAN)) ? "unknown" :
            rg_fmt_seconds((char[32]){0}, 32, rg_json_path_num(m, "clock.start_skew_s", 0)));
    const json_t *hosts = json_object_get(m, "hosts");
    for (size_t i = 0; i < json_array_size(hosts); i++) {
        const json_t *h = json_array_get(hosts, i);
        double cpu = rg_json_path_num(h, "client.cpu_pct", NAN);
        if (json_object_get(h, "requests") == NULL) {
            fprintf(out, "  %-20s no run\n", json_string_value(json_object_get(h, "host")));
            continue;
        }
        fprintf(out, "  %-20s %10.0f requests %10s req/s  p99 %-9s", json_string_value(
                json_object_get(h, "host")), rg_json_num(h, "requests", 0),
                rg_fmt_si(rps, sizeof rps, rg_json_num(h, "throughput_rps", 0), 4),
                rg_fmt_us(p99, sizeof p99, rg_json_path_num(h, "latency.p99", NAN), 3));
        if (!isnan(cpu))
            fprintf(out, " generator CPU %.0f%%", cpu);
        fputc('\n', out);
    }
}

/* Say what a merged run lacks; returns 1 when it is incomplete. */
static int judge(const json_t *m)
{
    char lbl[300];
    const json_t *pr = json_object_get(json_object_get(m, "merge"), "problems");
    const json_t *notes = json_object_get(json_object_get(m, "merge"), "notes");
    for (size_t i = 0; i < json_array_size(notes); i++)
        rg_warn("merge: %s: %s", run_label(m, lbl, sizeof lbl),
                json_string_value(json_array_get(notes, i)));
    for (size_t i = 0; i < json_array_size(pr); i++)
        rg_error("merge: %s is incomplete: %s", run_label(m, lbl, sizeof lbl),
                 json_string_value(json_array_get(pr, i)));
    return json_array_size(pr) > 0;
}

/* Merge every group into ds. Exit status so far (2 stops at once). */
static int merge_groups(merge_state *st, json_t *ds, FILE *out)
{
    pl_host_run *h = calloc(st->nfiles, sizeof *h);
    char err[RG_ERRLEN], lbl[300];
    int status = RG_EXIT_OK;
    if (h == NULL)
        return rg_fail(RG_EXIT_FAIL, "merge", "out of memory");
    for (size_t g = 0; g < st->ngroups && status != RG_EXIT_USAGE; g++) {
        for (size_t f = 0; f < st->nfiles; f++)
            h[f] = (pl_host_run){st->labels[f], st->files[f], st->groups[g].runs[f],
                                 st->groups[g].runs[f] ? NULL
                                                       : "its file has no run of this cell "
                                                         "and run index"};
        json_t *m = pl_merge(h, st->nfiles, &st->mo, err);
        if (m == NULL) {
            status = rg_fail(RG_EXIT_USAGE, "merge", "%s: %s",
                             run_label(st->groups[g].first, lbl, sizeof lbl), err);
            break;
        }
        if (!st->quiet)
            print_merged(out, m);
        if (judge(m))
            status = RG_EXIT_FAIL;
        rg_dataset_append_run(ds, m);
    }
    free(h);
    return status;
}

static int parse_args(int argc, char **argv, merge_state *st)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'}, {"max-skew", required_argument, NULL, 'S'},
        {"title", required_argument, NULL, 'T'},  {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0}};
    char err[RG_ERRLEN];
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":o:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': st->out = optarg; break;
        case 'T': st->title = optarg; break;
        case 'q': st->quiet = true; break;
        case 'h': fputs(usage, stdout); return -1;
        case 'S':
            if (rg_parse_duration(optarg, &st->mo.max_skew_s, err) != 0 ||
                st->mo.max_skew_s > 86400)
                return rg_usage_error("merge", "--max-skew: %s", err);
            break;
        default: return rg_bad_option("merge", argv, optopt);
        }
    }
    if (st->out == NULL)
        return rg_usage_error("merge", "-o MERGED is required (the dataset to append to; - = "
                              "stdout)");
    if (optind >= argc)
        return rg_usage_error("merge", "missing the hosts' datasets");
    st->files = argv + optind;
    st->nfiles = (size_t)(argc - optind);
    for (size_t i = 0; i < st->nfiles; i++)
        if (rg_check_input_file("merge", st->files[i], 0) != 0)
            return RG_EXIT_USAGE;
    return 0;
}

static void free_state(merge_state *st)
{
    for (size_t g = 0; g < st->ngroups; g++) {
        free(st->groups[g].key);
        free(st->groups[g].runs);
    }
    free(st->groups);
    for (size_t f = 0; st->ds && f < st->nfiles; f++)
        json_decref(st->ds[f]);
    for (size_t f = 0; st->labels && f < st->nfiles; f++)
        free(st->labels[f]);
    free(st->ds);
    free(st->labels);
}

int cmd_merge(int argc, char **argv)
{
    merge_state st;
    char err[RG_ERRLEN];
    memset(&st, 0, sizeof st);
    st.mo.max_skew_s = -1;
    char **typed = calloc((size_t)argc + 1, sizeof *typed);   /* getopt permutes argv */
    if (typed == NULL)
        return rg_fail(RG_EXIT_FAIL, "merge", "out of memory");
    memcpy(typed, argv, (size_t)argc * sizeof *typed);
    int rc = parse_args(argc, argv, &st);
    if (rc == 0)
        rc = load_inputs(&st);
    json_t *ds = NULL;
    rg_dataset_file df = {0};
    bool to_stdout = rc == 0 && strcmp(st.out, "-") == 0;
    if (rc == 0) {
        ds = to_stdout ? rg_dataset_new(st.title, argc, typed)
                       : rg_dataset_open_or_new(st.out, st.title, argc, typed, &df, err);
        if (ds == NULL)
            rc = rg_fail(RG_EXIT_USAGE, "merge", "%s", err);
    }
    if (rc == 0) {
        rc = merge_groups(&st, ds, to_stdout ? stderr : stdout);
        /* under the dataset's lock: another writer appending to MERGED keeps its runs */
        int sv = rc == RG_EXIT_USAGE ? 0 : to_stdout ? rg_dataset_save("-", ds, err)
                                                     : rg_dataset_save_runs(st.out, ds, &df, err);
        if (sv != 0)
            rc = rg_fail(RG_EXIT_FAIL, "merge", "cannot save %s: %s", st.out, err);
    }
    json_decref(ds);
    free_state(&st);
    free(typed);
    return rc < 0 ? RG_EXIT_OK : rc;
}
