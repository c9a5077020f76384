/*
 * tests/fuzz/fuzz_analyze.c — fuzz target for the analysis: JSON text -> dataset validation
 * -> an_analyze() -> text and Markdown rendering. Whatever the runs hold, the analysis must
 * not crash, must not leak, and must produce a document that serializes (no NaN inside).
 *
 * Replayed over tests/fuzz/corpus/fuzz_analyze/ by `make check`; build with clang and
 * -fsanitize=fuzzer,address for a real fuzzing session.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "core/dataset.h"
#include "core/err.h"
#include "core/units.h"
#include "analyze/analyze.h"
#include "analyze/render_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[RG_ERRLEN];
    json_error_t je;
    json_t *ds = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &je);
    if (ds == NULL)
        return 0;
    if (rg_dataset_validate(ds, err) == 0) {
        an_options opt;
        an_options_init(&opt);
        opt.bootstrap = size % 2 ? 200 : 0;  /* every interval path: log-t, bootstrap, */
        opt.ratio_means = size % 3 == 0;      /* Fieller, bootstrap of means */
        opt.by_endpoint = size % 5 < 2;       /* per-endpoint cells of request mixes */
        json_t *doc = an_analyze(&ds, 1, &opt, err);
        if (doc) {
            char *text = json_dumps(doc, 0);
            if (!text)
                abort();  /* a document that cannot be serialized holds a NaN */
            free(text);
            FILE *devnull = fopen("/dev/null", "w");
            if (devnull) {
                an_render(devnull, doc, 0);
                an_render(devnull, doc, 1);
                fclose(devnull);
            }
            json_decref(doc);
        }
    }
    json_decref(ds);
    return 0;
}
