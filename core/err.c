/*
 * core/err.c — rg_err_set (see core/err.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include "core/err.h"

void rg_err_set(char *err, const char *fmt, ...)
{
    if (err == NULL)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, RG_ERRLEN, fmt, ap);
    va_end(ap);
}
