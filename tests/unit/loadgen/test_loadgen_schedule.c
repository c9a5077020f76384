/*
 * tests/unit/loadgen/test_loadgen_schedule.c — the open-loop schedule, the work split and the timer
 * heap, each against a naive reference.
 */
#include <stdlib.h>
#include "loadgen/lg_int.h"
#include "tests/unit/unit.h"

/* Intended times of the whole run are one evenly spaced sequence: gaps of 1/R. */
static void test_sched_even(void)
{
    double rates[] = {1, 3, 1000, 12345.6, 1e6};
    for (size_t r = 0; r < sizeof rates / sizeof rates[0]; r++) {
        double gap = 1e9 / rates[r];
        uint64_t prev = lg_sched_time(1000, rates[r], 0);
        CHECK_INT(prev, 1000);
        for (uint64_t n = 1; n < 20000; n++) {
            uint64_t t = lg_sched_time(1000, rates[r], n);
            CHECK_MSG(fabs((double)(t - prev) - gap) <= 1.0, "rate %g n %llu gap %llu", rates[r],
                      (unsigned long long)n, (unsigned long long)(t - prev));
            /* no drift: the n-th time is n/R after the start, within a nanosecond */
            CHECK_MSG(fabs((double)(t - 1000) - (double)n * gap) <= 1.0, "drift at n %llu",
                      (unsigned long long)n);
            prev = t;
        }
    }
}

/* Connection g of C sends at offset g/R, every C/R: merged over g it is the global sequence. */
static void test_sched_per_connection(void)
{
    const uint64_t C = 7;
    const double R = 700;   /* 100 per connection per second */
    uint64_t *all = calloc(C * 50, sizeof *all);
    size_t k = 0;
    for (uint64_t g = 0; g < C; g++) {
        uint64_t first = lg_sched_time(0, R, g);
        CHECK_NEAR((double)first, (double)g * 1e9 / R, 1.0);
        for (uint64_t j = 0; j < 50; j++) {
            uint64_t t = lg_sched_time(0, R, j * C + g);
            CHECK_NEAR((double)t - (double)first, (double)j * C * 1e9 / R, 1.0);
            all[k++] = t;
        }
    }
    /* every global index is used exactly once */
    for (uint64_t n = 0; n < C * 50; n++) {
        int found = 0;
        for (size_t i = 0; i < k; i++)
            found += all[i] == lg_sched_time(0, R, n);
        CHECK_INT(found, 1);
    }
    free(all);
}

static uint64_t naive_count(uint64_t start, double rate, uint64_t from, uint64_t to)
{
    uint64_t n = 0;
    for (uint64_t i = 0;; i++) {
        uint64_t t = lg_sched_time(start, rate, i);
        if (t >= to)
            return n;
        n += t >= from;
    }
}

static void test_sched_count(void)
{
    double rates[] = {1, 7.5, 333, 1000, 99999};
    uint64_t cuts[][2] = {{0, 1000000000}, {5, 17}, {500000000, 1500000000},
                          {333333333, 333333334}, {0, 0}, {10, 5}, {1, 2000000001}};
    for (size_t r = 0; r < 5; r++)
        for (size_t c = 0; c < 7; c++) {
            uint64_t got = lg_sched_count(0, rates[r], cuts[c][0], cuts[c][1]);
            CHECK_MSG(got == naive_count(0, rates[r], cuts[c][0], cuts[c][1]),
                      "rate %g [%llu,%llu): %llu", rates[r], (unsigned long long)cuts[c][0],
                      (unsigned long long)cuts[c][1], (unsigned long long)got);
        }
    CHECK_INT(lg_sched_count(100, 1000, 100, 100 + 1000000000), 1000);
}

/* Splitting C over T: shares differ by at most one, sum to C, bases are prefix sums. */
static void test_split(void)
{
    for (uint64_t total = 0; total < 60; total++)
        for (uint64_t parts = 1; parts < 9; parts++) {
            uint64_t sum = 0, lo = UINT64_MAX, hi = 0;
            for (uint64_t i = 0; i < parts; i++) {
                uint64_t s = lg_split(total, parts, i);
                CHECK_INT(lg_split_base(total, parts, i), sum);
                sum += s;
                lo = s < lo ? s : lo;
                hi = s > hi ? s : hi;
            }
            CHECK_INT(sum, total);
            CHECK(hi - lo <= 1);
        }
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* The heap pops in sorted order, with removals from the middle, against qsort. */
static void test_heap(void)
{
    enum { N = 500 };
    rg_heap h;
    rg_heap_node nodes[N];
    uint64_t keep[N];
    size_t nk = 0;
    CHECK_INT(rg_heap_init(&h, 4), 0);
    srand(42);
    for (int i = 0; i < N; i++) {
        nodes[i].due = (uint64_t)(rand() % 1000);
        nodes[i].idx = RG_HEAP_NONE;
        CHECK_INT(rg_heap_push(&h, &nodes[i]), 0);
    }
    for (int i = 0; i < N; i++) {
        if (i % 3 == 0)
            rg_heap_remove(&h, &nodes[i]);
        else
            keep[nk++] = nodes[i].due;
    }
    rg_heap_remove(&h, &nodes[0]);   /* removing twice is a no-op */
    qsort(keep, nk, sizeof keep[0], cmp_u64);
    CHECK_INT(h.n, nk);
    for (size_t i = 0; i < nk; i++) {
        rg_heap_node *top = rg_heap_top(&h);
        CHECK(top != NULL && top->due == keep[i]);
        if (top)
            rg_heap_remove(&h, top);
    }
    CHECK(rg_heap_top(&h) == NULL);
    rg_heap_free(&h);
}

int main(void)
{
    RUN(test_sched_even);
    RUN(test_sched_per_connection);
    RUN(test_sched_count);
    RUN(test_split);
    RUN(test_heap);
    return unit_done();
}
