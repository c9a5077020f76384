/*
 * tests/fuzz/fuzz_plan.c — fuzz target for plan files: bytes -> pl_plan_parse (validation of
 * every key, thresholds, URLs) -> when accepted, the run order, whose every step must be a
 * valid (target, cell, run) exactly once, and the threshold formatter.
 *
 * Replayed over tests/fuzz/corpus/fuzz_plan/ by `make check`; build with clang and
 * -fsanitize=fuzzer,address (FUZZ=1) for a real session. Plans that would allocate huge
 * orders are capped by the parser (at most 10^6 steps).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "core/err.h"
#include "core/units.h"
#include "plan/plan_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_order(const pl_plan *p)
{
    size_t n = 0, cells = p->ntargets * p->ncells;
    if (cells * (size_t)p->runs > 20000)
        return;   /* valid but slow to check exhaustively */
    pl_step *s = pl_order_build(p, &n);
    unsigned char *seen = calloc(cells * (size_t)p->runs + 1, 1);
    if (s == NULL || seen == NULL || n != cells * (size_t)p->runs)
        abort();
    for (size_t i = 0; i < n; i++) {
        if (s[i].target >= p->ntargets || s[i].cell >= p->ncells || s[i].run < 1 ||
            s[i].run > p->runs)
            abort();
        size_t k = (s[i].target * p->ncells + s[i].cell) * (size_t)p->runs + (size_t)(s[i].run - 1);
        if (seen[k]++)
            abort();   /* a step twice */
    }
    free(seen);
    free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[RG_ERRLEN], buf[64];
    pl_plan *p = pl_plan_parse("fuzz.json", (const char *)data, size, err);
    if (p == NULL) {
        if (strlen(err) == 0 || strlen(err) >= RG_ERRLEN)
            abort();   /* a rejection always says why */
        return 0;
    }
    check_order(p);
    for (size_t i = 0; i < p->nthresholds; i++)
        an_threshold_fmt_value(&p->thresholds[i], p->thresholds[i].limit, buf, sizeof buf);
    pl_plan_free(p);
    return 0;
}
