/*
 * tests/fuzz/fuzz_plan.c — fuzz target for plan files: bytes -> pl_plan_parse (validation of
 * every key, thresholds, URLs) -> when accepted, the run order, whose every step must be a
 * valid (target, cell, run) exactly once, the threshold formatter, and with load_hosts the
 * command of every host (its --args-hex word decodes).
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

/* A plan on several hosts: every host's command, whose --args-hex word must decode. */
static void check_hosts(const pl_plan *p)
{
    char err[RG_ERRLEN];
    for (size_t i = 0; i < p->nhosts && i < 50; i++) {
        char *cmd = pl_remote_command(p, &p->targets[0], p->cells[0], i, "START");
        if (cmd == NULL)
            abort();
        char *hex = NULL;   /* rigor's is the last word; the template may hold the words too */
        for (char *q = strstr(cmd, " --args-hex "); q; q = strstr(q + 1, " --args-hex "))
            hex = q;
        if (hex && strspn(hex + 12, "0123456789abcdef") != strlen(hex + 12))
            hex = NULL;
        size_t n = 0;
        char **w = hex ? lg_args_hex_decode(hex + 12, &n, err) : NULL;
        if (hex != NULL && w == NULL)
            abort();   /* what rigor run encodes, rigor load must decode */
        for (size_t k = 0; k < n; k++)
            free(w[k]);
        free(w);
        free(cmd);
    }
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
    check_hosts(p);
    for (size_t i = 0; i < p->nthresholds; i++)
        an_threshold_fmt_value(&p->thresholds[i], p->thresholds[i].limit, buf, sizeof buf);
    pl_plan_free(p);
    return 0;
}
