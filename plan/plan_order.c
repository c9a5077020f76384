/*
 * plan/plan_order.c — the order in which a plan's runs are made.
 *
 * Why interleave: a shared machine's speed drifts by tens of percent over minutes (a FastAPI
 * target measured here went from 6.9k to 13k req/s with nothing else running); measuring
 * target A for five minutes and then target B would fold that drift into the A-vs-B
 * difference. Interleaving spreads it over every target and cell, where the across-run
 * statistics see it as noise instead of bias.
 *
 * The interleaved order is reproducible from the seed by anyone, with no library: the
 * generator is SplitMix64 (Steele, Lea & Flood, "Fast splittable pseudorandom number
 * generators", OOPSLA 2014) started at state = seed; integers below n are drawn by rejection
 * (no modulo bias); each round is shuffled with Fisher–Yates (Knuth's Algorithm P, i from
 * the last index down to 1, j uniform in [0, i]); rounds are shuffled one after another
 * with the same generator. Round r holds run r of every target x cell, listed before the
 * shuffle target-major in plan order. docs/plan-format.md states the same.
 * Expected load: at most a million steps, built once per invocation.
 */
#include <stdlib.h>
#include "plan/plan_int.h"

uint64_t pl_splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

uint64_t pl_rand_below(uint64_t *state, uint64_t n)
{
    /* 2^64 mod n values at the bottom of the range would make small results likelier:
     * draw again when x falls among them. */
    uint64_t reject_below = (0 - n) % n;
    for (;;) {
        uint64_t x = pl_splitmix64(state);
        if (x >= reject_below)
            return x % n;
    }
}

static void shuffle(pl_step *a, size_t n, uint64_t *state)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)pl_rand_below(state, i);
        pl_step t = a[i - 1];
        a[i - 1] = a[j];
        a[j] = t;
    }
}

pl_step *pl_order_build(const pl_plan *p, size_t *n)
{
    size_t per_round = p->ntargets * p->ncells, k = 0;
    pl_step *s = calloc(per_round * (size_t)p->runs, sizeof *s);
    uint64_t state = p->seed;
    if (s == NULL)
        return NULL;
    for (size_t t = 0; t < p->ntargets; t++) {
        for (size_t c = 0; c < p->ncells; c++) {
            for (int r = 1; r <= p->runs; r++) {
                pl_step st = {t, c, r};
                switch (p->order) {
                case PL_ORDER_SEQUENTIAL:  /* target, then cell, then run */
                    s[(t * p->ncells + c) * (size_t)p->runs + (size_t)(r - 1)] = st;
                    break;
                case PL_ORDER_GROUPED:     /* target, then run, then cell */
                    s[(t * (size_t)p->runs + (size_t)(r - 1)) * p->ncells + c] = st;
                    break;
                default:                   /* round (run), then target, then cell */
                    s[(size_t)(r - 1) * per_round + t * p->ncells + c] = st;
                    break;
                }
                k++;
            }
        }
    }
    if (p->order == PL_ORDER_INTERLEAVED)
        for (int r = 0; r < p->runs; r++)
            shuffle(s + (size_t)r * per_round, per_round, &state);
    *n = k;
    return s;
}

json_t *pl_order_json(const pl_plan *p, const pl_step *steps, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++) {
        const pl_step *s = &steps[i];
        json_t *cell = p->open_loop ? json_real(p->cells[s->cell])
                                    : json_integer((json_int_t)p->cells[s->cell]);
        json_array_append_new(a, json_pack("{s:s, s:o, s:i}", "target",
                                           p->targets[s->target].name,
                                           p->open_loop ? "rate" : "concurrency", cell,
                                           "run", s->run));
    }
    return a;
}
