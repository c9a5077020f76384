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

uint64_t lg_ramp_time(uint64_t start_ns, double r0, double r1, uint64_t span_ns, uint64_t n)
{
    long double span = (long double)span_ns / 1e9L, x = (long double)n;
    long double total = ((long double)r0 + r1) * span / 2;   /* sends during the ramp */
    long double t;
    if (n == 0)
        return start_ns;
    if (x > total || span <= 0) {
        t = span + (x - total) / r1;
    } else {
        /* r0 t + a t^2 = n with a = (r1 - r0) / (2 span): t = 2n / (r0 + sqrt(r0^2 + 4an)),
         * the form without cancellation, valid for a ramp down (a < 0) as well */
        long double a = ((long double)r1 - r0) / (2 * span);
        long double d = (long double)r0 * r0 + 4 * a * x;
        t = 2 * x / (r0 + sqrtl(d > 0 ? d : 0));
    }
    return start_ns + (uint64_t)(t * 1e9L);
}

/* The first n with lg_ramp_time(n) >= x (times do not decrease with n): a binary search. */
static uint64_t ramp_first_at(uint64_t start_ns, double r0, double r1, uint64_t span_ns,
                              uint64_t x)
{
    uint64_t lo = 0, hi = 1;
    while (lg_ramp_time(start_ns, r0, r1, span_ns, hi) < x && hi < (UINT64_C(1) << 62))
        hi *= 2;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (lg_ramp_time(start_ns, r0, r1, span_ns, mid) < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

uint64_t lg_ramp_count(uint64_t start_ns, double r0, double r1, uint64_t span_ns,
                       uint64_t from_ns, uint64_t to_ns)
{
    if (to_ns <= from_ns || to_ns <= start_ns)
        return 0;
    uint64_t lo = ramp_first_at(start_ns, r0, r1, span_ns, from_ns);
    uint64_t hi = ramp_first_at(start_ns, r0, r1, span_ns, to_ns);
    return hi > lo ? hi - lo : 0;
}
