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

char *rg_rfc3339(char *buf, size_t len, uint64_t epoch_ns)
{
    time_t t = (time_t)(epoch_ns / 1000000000u);
    struct tm tm;
    char base[32];
    gmtime_r(&t, &tm);
    strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf, len, "%s.%03uZ", base, (unsigned)(epoch_ns % 1000000000u / 1000000u));
    return buf;
}
