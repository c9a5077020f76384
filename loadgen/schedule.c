/*
 * loadgen/schedule.c — the open-loop schedule and the split of work across threads.
 *
 * Design (wrk2's idea, made exact): a run at R requests/s over C connections is one global
 * sequence of intended send times t(n) = start + n / R; connection g owns the n with
 * n mod C = g. Times are computed from n, never accumulated, so a long run does not drift.
 * Pure functions, unit-tested in tests/unit/loadgen/test_loadgen_schedule.c.
 */
#include <math.h>
#include "loadgen/lg_int.h"

uint64_t lg_sched_time(uint64_t start_ns, double rate, uint64_t n)
{
    return start_ns + (uint64_t)((long double)n * 1e9L / (long double)rate);
}

uint64_t lg_sched_count(uint64_t start_ns, double rate, uint64_t from_ns, uint64_t to_ns)
{
    if (to_ns <= from_ns || to_ns <= start_ns)
        return 0;
    /* first n with t(n) >= x is ceil((x - start) * R / 1e9), corrected for rounding */
    uint64_t lo = 0, hi;
    if (from_ns > start_ns) {
        lo = (uint64_t)ceill((long double)(from_ns - start_ns) * rate / 1e9L);
        while (lo > 0 && lg_sched_time(start_ns, rate, lo - 1) >= from_ns)
            lo--;
        while (lg_sched_time(start_ns, rate, lo) < from_ns)
            lo++;
    }
    hi = (uint64_t)ceill((long double)(to_ns - start_ns) * rate / 1e9L);
    while (hi > 0 && lg_sched_time(start_ns, rate, hi - 1) >= to_ns)
        hi--;
    while (lg_sched_time(start_ns, rate, hi) < to_ns)
        hi++;
    return hi > lo ? hi - lo : 0;
}

uint64_t lg_split(uint64_t total, uint64_t parts, uint64_t i)
{
    return total / parts + (i < total % parts ? 1 : 0);
}

uint64_t lg_split_base(uint64_t total, uint64_t parts, uint64_t i)
{
    uint64_t q = total / parts, r = total % parts;
    return i * q + (i < r ? i : r);
}
