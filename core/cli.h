/*
 * core/cli.h — the command table, exit codes and option helpers every subcommand shares.
 *
 * rigor is one binary with subcommands (git's model): core/main.c holds a sorted table of
 * {name, function, summary} and dispatches argv[1]. Each command lives in its own module and
 * is an ordinary `int cmd_NAME(int argc, char **argv)` that receives argv starting at the
 * command name, parses its own options with getopt_long, answers `--help` itself, and returns
 * an exit status. `rigor help CMD` simply calls `cmd_CMD` with `--help`.
 *
 * Exit status: 0 ok, 1 runtime failure, 2 usage or input error, 3 threshold violated.
 */
#ifndef RIGOR_CORE_CLI_H
#define RIGOR_CORE_CLI_H

#include <stdio.h>

enum {
    RG_EXIT_OK = 0,
    RG_EXIT_FAIL = 1,      /* runtime failure: network, gnuplot missing, I/O */
    RG_EXIT_USAGE = 2,     /* bad option, bad value, malformed input file */
    RG_EXIT_THRESHOLD = 3  /* a threshold in a plan was violated */
};

/* The subcommands. Each is defined in its module; all follow the contract above. */
int cmd_analyze(int argc, char **argv);  /* analyze/ */
int cmd_capture(int argc, char **argv);  /* capture/ */
int cmd_convert(int argc, char **argv);  /* core/    */
int cmd_export(int argc, char **argv);   /* import/  */
int cmd_import(int argc, char **argv);   /* import/  */
int cmd_load(int argc, char **argv);     /* loadgen/ */
int cmd_merge(int argc, char **argv);    /* plan/    */
int cmd_report(int argc, char **argv);   /* report/  */
int cmd_run(int argc, char **argv);      /* plan/    */
int cmd_serve(int argc, char **argv);    /* serve/   */
int cmd_stats(int argc, char **argv);    /* analyze/ */

/* The version string baked in at build time from `git describe`. */
const char *rg_version(void);

/*
 * Print "rigor CMD: MESSAGE" and "Try 'rigor CMD --help'." on stderr; returns RG_EXIT_USAGE
 * so callers can write `return rg_usage_error("load", "invalid duration '%s'", s);`.
 */
int rg_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Print "rigor CMD: MESSAGE" on stderr and return `status` (for runtime failures: 1). */
int rg_fail(int status, const char *cmd, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/*
 * Report a getopt_long result that is not an option of the command ('?' or ':'), using the
 * option text getopt saw, e.g. "unknown option '--foo'" or "option '-d' needs a value".
 * Returns RG_EXIT_USAGE. Call it from the `default:` branch of a getopt switch; commands
 * should set opterr = 0 and start optstring with ':' so the message is ours, not getopt's.
 */
int rg_bad_option(const char *cmd, char **argv, int optopt_value);

/*
 * Strict argument checks for options whose value is a path: exists, is a regular file (or
 * "-" for stdin when allow_stdin), readable. On failure prints one clear line and returns
 * RG_EXIT_USAGE; returns 0 when the path is fine.
 */
int rg_check_input_file(const char *cmd, const char *path, int allow_stdin);

#endif
