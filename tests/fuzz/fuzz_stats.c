/*
 * tests/fuzz/fuzz_stats.c — fuzz target for `rigor stats` input: bytes -> column parser
 * (column 1 and 2) -> summary -> comparison with a fixed set -> plot. Must never crash,
 * leak, or accept a non-finite value.
 *
 * Replayed over tests/fuzz/corpus/fuzz_stats/ by `make check`; build with clang and
 * -fsanitize=fuzzer,address for a real fuzzing session.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <gsl/gsl_errno.h>
#include "core/err.h"
#include "core/units.h"
#include "analyze/stats_cmd_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[RG_ERRLEN];
    static double base_v[4];
    gsl_set_error_handler_off();
    for (int column = 1; column <= 2; column++) {
        an_set s;
        if (an_parse_set("fuzz", (const char *)data, size, column, &s, err) < 0)
            continue;
        for (size_t i = 0; i < s.n; i++)
            if (!isfinite(s.v[i]))
                abort();  /* the parser must reject NaN and inf */
        an_set base = {"base", base_v, 4, {0}};
        base_v[0] = 1; base_v[1] = 2; base_v[2] = 3; base_v[3] = 4;
        an_stats_summarize(&base, 0.95);
        an_stats_summarize(&s, 0.95);
        an_set_cmp c;
        an_stats_compare(&base, &s, 0.95, column == 2, &c);
        an_set both[2] = {base, s};
        FILE *devnull = fopen("/dev/null", "w");
        if (devnull) {
            an_stats_plot(devnull, both, 2, 74);
            fclose(devnull);
        }
        free(s.v);
    }
    return 0;
}
