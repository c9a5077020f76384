/*
 * core/clock.c — wall-clock timestamps in RFC 3339 (the monotonic clock is inline in clock.h).
 */
#include <stdio.h>
#include <time.h>
#include "core/clock.h"

char *rg_rfc3339_now(char *buf, size_t len)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

/* Seconds then "digits" digits of the fraction (3 or 9) and Z. */
static char *rfc3339_frac(char *buf, size_t len, uint64_t epoch_ns, int digits)
{
    time_t t = (time_t)(epoch_ns / 1000000000u);
    struct tm tm;
    char base[32];
    unsigned frac = (unsigned)(epoch_ns % 1000000000u);
    gmtime_r(&t, &tm);
    strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
    if (digits == 3)
        snprintf(buf, len, "%s.%03uZ", base, frac / 1000000u);
    else
        snprintf(buf, len, "%s.%09uZ", base, frac);
    return buf;
}

char *rg_rfc3339(char *buf, size_t len, uint64_t epoch_ns)
{
    return rfc3339_frac(buf, len, epoch_ns, 3);
}

char *rg_rfc3339_ns(char *buf, size_t len, uint64_t epoch_ns)
{
    return rfc3339_frac(buf, len, epoch_ns, 9);
}
