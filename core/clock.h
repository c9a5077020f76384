/*
 * core/clock.h — the clocks every module reads.
 *
 * Durations are measured on CLOCK_MONOTONIC, read through the vDSO (no system call), so the
 * load generator and `rigor serve` can afford one read per request. Timestamps that leave the
 * process (a run's `started`, a transaction log line) are wall-clock RFC 3339 in UTC.
 * Latencies are kept in nanoseconds until they are recorded, then rounded once, here, to the
 * microseconds the histograms hold.
 */
#ifndef RIGOR_CORE_CLOCK_H
#define RIGOR_CORE_CLOCK_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Monotonic clock in nanoseconds (vDSO: no system call). */
static inline uint64_t rg_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* A duration in nanoseconds as the nearest whole microsecond (what histograms record). */
static inline int64_t rg_ns_to_us(uint64_t ns)
{
    return (int64_t)((ns + 500) / 1000);
}

/* Wall clock as RFC 3339 UTC with seconds ("2026-11-22T13:17:14Z") into buf (>= 32 bytes). */
char *rg_rfc3339_now(char *buf, size_t len);
/* Same for a given time in nanoseconds since the epoch, with milliseconds. */
char *rg_rfc3339(char *buf, size_t len, uint64_t epoch_ns);
/* Same with nanoseconds ("2026-12-01T10:00:05.000000000Z"), so an instant passes exactly. */
char *rg_rfc3339_ns(char *buf, size_t len, uint64_t epoch_ns);

#endif
