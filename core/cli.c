/*
 * core/cli.c — messages and argument checks shared by every subcommand (see core/cli.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "core/cli.h"
#include "core/log.h"

#ifndef RIGOR_VERSION
#define RIGOR_VERSION "unknown"
#endif

const char *rg_version(void)
{
    return RIGOR_VERSION;
}

/* "rigor CMD: MESSAGE\n" on stderr, after erasing the progress line. */
static void message(const char *cmd, const char *fmt, va_list ap)
{
    rg_progress_clear();
    fprintf(stderr, "rigor %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

int rg_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    message(cmd, fmt, ap);
    va_end(ap);
    fprintf(stderr, "Try 'rigor %s --help'.\n", cmd);
    return RG_EXIT_USAGE;
}

int rg_fail(int status, const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    message(cmd, fmt, ap);
    va_end(ap);
    return status;
}

int rg_bad_option(const char *cmd, char **argv, int optopt_value)
{
    extern int optind;
    /* getopt_long has advanced optind past the offending word (usually). */
    const char *word = optind > 0 ? argv[optind - 1] : "?";
    if (optopt_value == ':')
        return rg_usage_error(cmd, "option '%s' needs a value", word);
    return rg_usage_error(cmd, "unknown option '%s'", word);
}

int rg_check_input_file(const char *cmd, const char *path, int allow_stdin)
{
    struct stat st;
    if (allow_stdin && strcmp(path, "-") == 0)
        return 0;
    if (path[0] == '\0')
        return rg_usage_error(cmd, "empty file name");
    if (stat(path, &st) != 0)
        return rg_usage_error(cmd, "cannot open '%s': %s", path, strerror(errno));
    if (S_ISDIR(st.st_mode))
        return rg_usage_error(cmd, "'%s' is a directory, not a file", path);
    if (access(path, R_OK) != 0)
        return rg_usage_error(cmd, "cannot read '%s': %s", path, strerror(errno));
    return 0;
}
