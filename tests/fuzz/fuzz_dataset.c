/*
 * tests/fuzz/fuzz_dataset.c — fuzz target for the dataset reader: JSON text -> validation,
 * histograms included -> save -> reload must give the same document.
 *
 * Replayed over tests/fuzz/corpus/fuzz_dataset/ by `make check`; build with clang and
 * -fsanitize=fuzzer,address for a real fuzzing session (docs/dataset-format.md).
 */
#include <stdint.h>
#include <stdlib.h>
#include "core/dataset.h"
#include "core/err.h"
#include "core/units.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[RG_ERRLEN];
    json_error_t je;
    json_t *ds = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &je);
    if (ds == NULL)
        return 0;
    if (rg_dataset_validate(ds, err) == 0) {
        char *text = rg_dataset_dumps(ds);
        json_t *back = text ? json_loads(text, JSON_REJECT_DUPLICATES, &je) : NULL;
        if (back == NULL || !json_equal(ds, back) || rg_dataset_validate(back, err) != 0)
            abort();   /* a valid dataset must survive a save/load round trip */
        json_decref(back);
        free(text);
    }
    json_decref(ds);
    return 0;
}
