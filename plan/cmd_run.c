/*
 * plan/cmd_run.c — `rigor run PLAN.json`: a whole comparison from a plan file.
 *
 * The command ties the plan runner's parts together (plan/plan_int.h): read and validate
 * the plan (nothing is sent when it is wrong: exit 2), make every run in the plan's order
 * (plan_exec.c), then analyse the dataset (an_analyze), print the summary, write the report
 * when asked (rp_write) and check the thresholds (exit 3 when one is violated).
 * Expected load: one plan per invocation; minutes to hours of runs.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/err.h"
#include "analyze/analyze.h"
#include "core/cli.h"
#include "core/dataset.h"
#include "core/log.h"
#include "core/units.h"
#include "plan/plan_int.h"
#include "report/report.h"

static const char usage[] =
    "usage: rigor run PLAN.json [-o FILE] [--report DIR] [--resume] [options]\n"
    "\n"
    "Run a whole comparison described by a plan file: every target x concurrency (or rate)\n"
    "x run, in an order that keeps drift out of the comparison (interleaved by default),\n"
    "starting and stopping the targets' servers when the plan says how. The dataset is saved\n"
    "after every run; at the end the analysis summary goes to stdout, the report to --report\n"
    "DIR, and the plan's thresholds are checked. Plan format: docs/plan-format.md.\n"
    "\n"
    "options:\n"
    "  -o, --output FILE    save the dataset to FILE after every run (recommended)\n"
    "      --resume         continue the plan from what FILE already holds: each target x\n"
    "                       cell x run is made exactly once in the end; after raising\n"
    "                       \"runs\" in the plan, adds the missing rounds\n"
    "      --report DIR     write DIR/report.md and its charts at the end\n"
    "      --no-charts      with --report: report.md only (gnuplot not needed)\n"
    "      --dry-run        validate the plan and print the order of the runs; send nothing\n"
    "      --baseline NAME  compare against this target (default: the plan's \"baseline\",\n"
    "                       else its first target)\n"
    "      --confidence X   confidence level of the analysis (default 0.95)\n"
    "  -q, --quiet          no progress line and no per-run lines on stderr\n"
    "  -h, --help           this help\n"
    "\n"
    "Start commands run with /bin/sh -c in their own process group, with the directory of\n"
    "this rigor first on PATH (so \"rigor serve ...\" is this binary); their output is kept\n"
    "and quoted if they fail. Interrupt (Ctrl-C) stops cleanly: finished runs are kept, the\n"
    "servers are stopped, and --resume continues later.\n"
    "\n"
    "A target (or the plan) may name an external load generator instead of rigor's own:\n"
    "  \"generator\": {\"command\": \"hey -z {duration} -c {concurrency} -o csv {url}\",\n"
    "                \"format\": \"hey\"}\n"
    "The command runs once per step in the same order, with the same server handling,\n"
    "sampling and thresholds, and its output is imported as the run (rigor import's\n"
    "formats; placeholders {url} {concurrency} {rate} {duration} {warmup} {total}\n"
    "{output} {run} {target}; docs/plan-format.md).\n"
    "\n"
    "A plan with \"load_hosts\" spreads every run over those hosts: rigor starts\n"
    "`rigor load --split I/N --start-at T --clock-probe -o -` on each through \"remote\"\n"
    "(default \"ssh {host}\"; \"ip netns exec {host}\", \"kubectl exec -i {host} --\"...),\n"
    "answers their clock probes, merges their runs exactly (rigor merge) and judges the\n"
    "thresholds on the merged runs. A host that fails or lags is named and the run kept\n"
    "as incomplete (exit 1; --resume makes it again). docs/distributed.md.\n"
    "\n"
    "exit status: 0 ok; 1 runtime failure or interrupted; 2 bad plan, options or\n"
    "unreachable target (before any load); 3 a threshold was violated.\n"
    "\n"
    "examples:\n"
    "  rigor run examples/demo.json -o out/demo/dataset.json --report out/demo\n"
    "  rigor run plan.json -o results.json --resume      # after an interrupt\n"
    "  rigor run plan.json --dry-run                     # check it, see the order\n";

typedef struct run_opts {
    const char *plan;
    const char *out;
    const char *report;
    const char *baseline;
    double confidence;
    bool resume, dry_run, quiet, no_charts;
} run_opts;

static int parse_args(int argc, char **argv, run_opts *o)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'}, {"report", required_argument, NULL, 'R'},
        {"resume", no_argument, NULL, 'r'}, {"dry-run", no_argument, NULL, 'n'},
        {"baseline", required_argument, NULL, 'b'},
        {"confidence", required_argument, NULL, 'C'}, {"quiet", no_argument, NULL, 'q'},
        {"no-charts", no_argument, NULL, 'N'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    char err[RG_ERRLEN];
    int c;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":o:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': o->out = optarg; break;
        case 'R': o->report = optarg; break;
        case 'r': o->resume = true; break;
        case 'n': o->dry_run = true; break;
        case 'b': o->baseline = optarg; break;
        case 'q': o->quiet = true; break;
        case 'N': o->no_charts = true; break;
        case 'h': fputs(usage, stdout); return -1;
        case 'C':
            if (rg_parse_double(optarg, &o->confidence, err) != 0 || !(o->confidence > 0.5) ||
                !(o->confidence < 1))
                return rg_usage_error("run", "--confidence: expected a level between 0.5 and "
                                      "1 such as 0.95, got '%s'", optarg);
            break;
        default: return rg_bad_option("run", argv, optopt);
        }
    }
    if (optind >= argc)
        return rg_usage_error("run", "missing the plan file");
    if (optind + 1 < argc)
        return rg_usage_error("run", "one plan file only (got '%s' too)", argv[optind + 1]);
    o->plan = argv[optind];
    if (o->resume && o->out == NULL)
        return rg_usage_error("run", "--resume needs -o FILE (the dataset to continue)");
    if (o->no_charts && o->report == NULL)
        return rg_usage_error("run", "--no-charts only makes sense with --report DIR");
    if (o->out && strcmp(o->out, "-") == 0)
        return rg_usage_error("run", "-o -: the dataset is saved after every run; give a file");
    return 0;
}

/* --dry-run: the plan as understood and the order of its runs. */
static void print_dry_run(const pl_plan *p)
{
    size_t n = 0;
    pl_step *s = pl_order_build(p, &n);
    printf("%s: %zu target%s x %zu %s x %d run%s = %zu runs, %s order, seed %llu\n", p->path,
           p->ntargets, p->ntargets == 1 ? "" : "s", p->ncells,
           p->open_loop ? "rates" : "concurrencies", p->runs, p->runs == 1 ? "" : "s", n,
           pl_order_name(p->order), (unsigned long long)p->seed);
    for (size_t i = 0; i < p->ntargets; i++) {
        const pl_target *t = &p->targets[i];
        char *cmd = t->gen.command ? pl_gen_expand(p, t, p->cells[0], 1, "OUTPUT") : NULL;
        if (cmd)
            printf("  %s: external generator (%s), first step: %s\n", t->name, t->gen.format,
                   cmd);
        free(cmd);
    }
    for (size_t h = 0; s && n > 0 && h < p->nhosts; h++) {   /* the first step's commands */
        char *cmd = pl_remote_command(p, &p->targets[s[0].target], p->cells[s[0].cell], h,
                                      "START");
        if (h == 0)
            printf("  on %zu load hosts; the first run starts them with (START: a whole "
                   "second, start_lead ahead):\n", p->nhosts);
        printf("    %s\n", cmd ? cmd : "(out of memory)");
        free(cmd);
    }
    for (size_t i = 0; s && i < n; i++)
        printf("%5zu  %-20s %s=%-8g run %d\n", i + 1, p->targets[s[i].target].name,
               p->open_loop ? "rate" : "c", p->cells[s[i].cell], s[i].run);
    free(s);
}

static int run_plan(const run_opts *opts, int argc, char **argv);

/* Analysis, summary, report, thresholds. Returns the exit status. */
static int finish(const run_opts *o, const pl_plan *p, json_t *ds)
{
    an_options ao;
    char err[RG_ERRLEN];
    int status = RG_EXIT_OK;
    an_options_init(&ao);
    if (o->confidence > 0)
        ao.confidence = o->confidence;
    ao.baseline = o->baseline ? o->baseline : p->baseline ? p->baseline : p->targets[0].name;
    json_t *an = an_analyze(&ds, 1, &ao, err);
    if (an == NULL)
        return rg_fail(RG_EXIT_FAIL, "run", "analysis failed: %s", err);
    pl_summary_print(p, an, stdout);
    if (o->report) {
        const char *names[] = {o->out ? o->out : p->path};
        rp_options ro;
        rp_options_init(&ro);
        ro.dir = o->report;
        ro.title = p->title;
        ro.dataset_paths = names;
        ro.no_charts = o->no_charts;
        int rc = rp_write(&ds, 1, an, &ro, err);
        if (rc != 0)
            status = rg_fail(RG_EXIT_FAIL, "run", "report: %s", err);
        if (rc >= 0)
            printf("\nReport: %s/report.md\n", o->report);
    }
    size_t nt = p->nthresholds;
    for (size_t i = 0; i < p->ntargets; i++)
        nt += p->targets[i].nthresholds;
    if (nt > 0) {
        printf("\nThresholds (mean over the runs of each cell):\n");
        fflush(stdout);
        if (pl_thresholds_check(p, an, stdout) > 0)
            status = RG_EXIT_THRESHOLD;  /* what a CI gate looks for, over a report failure */
    }
    if (o->out)
        printf("\nDataset: %s\n", o->out);
    json_decref(an);
    return status;
}

int cmd_run(int argc, char **argv)
{
    run_opts o = {0};
    /* getopt_long permutes argv; the dataset's provenance gets the command as typed. */
    char **typed = calloc((size_t)argc + 1, sizeof *typed);
    if (typed == NULL)
        return rg_fail(RG_EXIT_FAIL, "run", "out of memory");
    memcpy(typed, argv, (size_t)argc * sizeof *typed);
    int rc = parse_args(argc, argv, &o);
    if (rc == 0)
        rc = run_plan(&o, argc, typed);
    free(typed);
    return rc < 0 ? RG_EXIT_OK : rc;
}

/* Everything after the options: plan, runs, end. Returns the exit status. */
static int run_plan(const run_opts *opts, int argc, char **argv)
{
    run_opts o = *opts;
    char err[RG_ERRLEN];
    int rc;
    if ((rc = rg_check_input_file("run", o.plan, 0)) != 0)
        return rc;
    pl_plan *p = pl_plan_load(o.plan, err);
    if (p == NULL)
        return rg_fail(RG_EXIT_USAGE, "run", "%s", err);
    if (o.baseline) {
        size_t i = 0;
        while (i < p->ntargets && strcmp(p->targets[i].name, o.baseline) != 0)
            i++;
        if (i == p->ntargets) {
            pl_plan_free(p);
            return rg_usage_error("run", "--baseline: no target of %s is named '%s'", o.plan,
                                  o.baseline);
        }
    }
    if (o.dry_run) {
        print_dry_run(p);
        pl_plan_free(p);
        return RG_EXIT_OK;
    }
    if (o.quiet && rg_log_level > RG_LOG_WARN)
        rg_log_level = RG_LOG_WARN;
    rg_progress_enable(!o.quiet);
    pl_exec_opts eo = {o.out, o.resume, argc, argv};
    pl_exec_result res;
    json_t *ds = pl_exec(p, &eo, &res);
    if (res.interrupted) {
        rg_progress_clear();
        fprintf(stderr, "rigor run: interrupted: %zu of %zu runs done%s%s%s%s%s\n", res.done,
                res.total, o.out ? "; continue with: rigor run " : "", o.out ? o.plan : "",
                o.out ? " -o " : "", o.out ? o.out : "", o.out ? " --resume" : "");
        rc = RG_EXIT_FAIL;
    } else if (res.status != RG_EXIT_OK) {
        rc = res.status;
        if (rc == RG_EXIT_FAIL && o.out && res.done > 0)
            fprintf(stderr, "rigor run: %zu of %zu runs are saved in %s; once the problem is "
                    "fixed, continue with: rigor run %s -o %s --resume\n", res.done, res.total,
                    o.out, o.plan, o.out);
    } else {
        rc = finish(&o, p, ds);
    }
    json_decref(ds);
    pl_plan_free(p);
    return rc;
}
