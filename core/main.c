/*
 * core/main.c — rigor's entry point: a sorted command table and the dispatcher.
 *
 * Every subcommand is `int cmd_NAME(int argc, char **argv)` (core/cli.h) receiving argv from
 * the command name on. `rigor help CMD` and `rigor CMD --help` are the same thing: the table
 * entry is called with "--help". Nothing here knows any command's options.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/cli.h"
#include "core/log.h"

struct command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
};

/* Sorted by name (bsearch below). */
static const struct command commands[] = {
    {"analyze", cmd_analyze, "across-run statistics and comparisons of datasets"},
    {"capture", cmd_capture, "on-wire HTTP timings from an interface or a pcap file"},
    {"convert", cmd_convert, "a dataset in format v1 or v2 (HdrHistogram-encoded histograms)"},
    {"export", cmd_export, "runs as CSV rows, latency histograms as HdrHistogram spectra"},
    {"import", cmd_import, "other load tools' result files (k6, Locust, JMeter, wrk...) as runs"},
    {"load", cmd_load, "generate HTTP load (closed or open loop) and record a dataset"},
    {"merge", cmd_merge, "the datasets of several load hosts merged exactly into one run each"},
    {"report", cmd_report, "Markdown tables and gnuplot charts from datasets"},
    {"run", cmd_run, "a whole comparison from a plan file: targets x sweep x runs"},
    {"serve", cmd_serve, "the reference HTTP target, with delay and fault knobs"},
    {"stats", cmd_stats, "ministat-style statistics on columns of numbers"},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static int compare_command(const void *key, const void *elem)
{
    return strcmp(key, ((const struct command *)elem)->name);
}

static const struct command *find_command(const char *name)
{
    return bsearch(name, commands, NCOMMANDS, sizeof commands[0], compare_command);
}

static void print_overview(FILE *out)
{
    fprintf(out, "usage: rigor COMMAND [options]\n\n"
                 "Statistically sound HTTP benchmarking.\n\ncommands:\n");
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(out, "  %-8s  %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\n'rigor help COMMAND' or 'rigor COMMAND --help' for a command's options.\n"
                 "Exit status: 0 ok, 1 runtime failure, 2 usage or input error, "
                 "3 threshold violated.\n");
}

static int help(const char *name)
{
    if (name == NULL) {
        print_overview(stdout);
        return RG_EXIT_OK;
    }
    const struct command *c = find_command(name);
    if (c == NULL) {
        fprintf(stderr, "rigor: no such command '%s'; 'rigor help' lists them\n", name);
        return RG_EXIT_USAGE;
    }
    char *argv[] = {(char *)c->name, "--help", NULL};
    return c->fn(2, argv);
}

int main(int argc, char **argv)
{
    const char *dbg = getenv("RIGOR_DEBUG");
    if (dbg != NULL && *dbg != '\0' && strcmp(dbg, "0") != 0)
        rg_log_level = RG_LOG_DEBUG;

    if (argc < 2) {
        print_overview(stderr);
        return RG_EXIT_USAGE;
    }
    const char *name = argv[1];
    if (strcmp(name, "help") == 0 || strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0)
        return help(strcmp(name, "help") == 0 && argc > 2 ? argv[2] : NULL);
    if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
        printf("rigor %s\n", rg_version());
        return RG_EXIT_OK;
    }
    const struct command *c = find_command(name);
    if (c == NULL) {
        fprintf(stderr, "rigor: no such command '%s'; 'rigor help' lists them\n", name);
        return RG_EXIT_USAGE;
    }
    return c->fn(argc - 1, argv + 1);
}
