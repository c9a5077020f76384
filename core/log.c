/*
 * core/log.c — stderr diagnostics and the progress line (see core/log.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>
#include "core/log.h"

int rg_log_level = RG_LOG_INFO;

static int progress_on;
static int progress_drawn;

void rg_progress_enable(int on)
{
    progress_on = on && isatty(STDERR_FILENO);
}

void rg_progress_clear(void)
{
    if (progress_drawn) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
        progress_drawn = 0;
    }
}

void rg_progress(const char *fmt, ...)
{
    va_list ap;
    if (!progress_on)
        return;
    fputs("\r\033[K", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fflush(stderr);
    progress_drawn = 1;
}

void rg_log_raw(int level, const char *fmt, ...)
{
    static const char *const prefix[] = {"error: ", "warning: ", "", "debug: "};
    va_list ap;
    rg_progress_clear();
    fputs("rigor: ", stderr);
    fputs(prefix[level < 0 ? 0 : level > 3 ? 3 : level], stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}
