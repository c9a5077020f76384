/*
 * tests/fuzz/fuzz_dataset.c — fuzz target for the dataset reader: JSON text -> validation,
 * histograms included -> save -> reload must give a valid document whose text is a fixed
 * point (saved again, the same bytes), and for a v1 document without an encoded histogram
 * anywhere the same document (v2 saves convert "buckets" histograms to "hdr", and v1 saves
 * "hdr" ones to "buckets": the same counts, another form). And the fast reader
 * (rg_json_fast_parse) returns jansson's own document, or NULL; and its lean read
 * (rg_json_fast_parse_runs, lean) that document with the skipped series emptied and the
 * v1 histograms checked while read as null.
 *
 * Replayed over tests/fuzz/corpus/fuzz_dataset/ by `make check`; build with clang and
 * -fsanitize=fuzzer,address for a real fuzzing session (docs/dataset-format.md).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "core/dataset.h"
#include "core/dataset_int.h"
#include "core/err.h"
#include "core/units.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* 1 when a "hdr" key appears anywhere in j. */
static int has_hdr(const json_t *j)
{
    const char *k;
    json_t *v;
    size_t i;
    if (json_is_object(j)) {
        json_object_foreach((json_t *)j, k, v)
            if (strcmp(k, "hdr") == 0 || has_hdr(v))
                return 1;
    } else if (json_is_array(j)) {
        json_array_foreach(j, i, v)
            if (has_hdr(v))
                return 1;
    }
    return 0;
}

/* 1 when a is an array of numbers and nulls only. */
static int numbers_only(const json_t *a)
{
    size_t i;
    json_t *v;
    if (!json_is_array(a))
        return 0;
    json_array_foreach(a, i, v)
        if (!json_is_number(v) && !json_is_null(v))
            return 0;
    return 1;
}

/* 1 when o is a v1 histogram a lean read checks unbuilt: "buckets" (integers only) its last
 * key, and rg_hist_check_json takes it. */
static int checked_hist(const json_t *o)
{
    const char *last = NULL, *k;
    json_t *v;
    size_t i;
    char err[RG_ERRLEN];
    json_object_foreach((json_t *)o, k, v)
        last = k;
    const json_t *b = json_object_get(o, "buckets");
    if (last == NULL || strcmp(last, "buckets") != 0 || !json_is_array(b))
        return 0;
    json_array_foreach(b, i, v)
        if (!json_is_integer(v))
            return 0;
    return rg_hist_check_json(o, err) == 0;
}

/* Below a run (c at depth `depth`, the top object being 1): such histograms become null. */
static void null_checked(json_t *c, int depth)
{
    const char *k;
    json_t *v;
    size_t i;
    json_object_foreach(c, k, v) {
        if (json_is_object(v) && depth + 1 >= 5 && checked_hist(v))
            json_object_set_new(c, k, json_null());
        else
            null_checked(v, depth + 1);
    }
    json_array_foreach(c, i, v) {
        if (json_is_object(v) && depth + 1 >= 5 && checked_hist(v))
            json_array_set_new(c, i, json_null());
        else
            null_checked(v, depth + 1);
    }
}

/* The document a lean read must give (a naive reference): jansson's, with every series but
 * "requests" in each run's timeseries that holds only numbers and nulls emptied, and the
 * v1 histograms it checks while reading read as null. */
static json_t *lean_reference(const json_t *doc)
{
    json_t *d = json_deep_copy(doc);
    json_t *runs = json_is_object(d) ? json_object_get(d, "runs") : NULL, *run, *v;
    size_t i;
    const char *k;
    json_array_foreach(runs, i, run) {
        json_t *ts = json_object_get(run, "timeseries");
        json_object_foreach(ts, k, v)
            if (strcmp(k, "requests") != 0 && numbers_only(v))
                json_array_clear(v);
        if (json_is_object(run))
            null_checked(run, 3);
    }
    return d;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[RG_ERRLEN];
    json_error_t je;
    json_t *ds = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &je);
    /* the fast reader (core/json_fast.c) gives jansson's document or nothing */
    json_t *fast = rg_json_fast_parse((const char *)data, size);
    if (fast != NULL && (ds == NULL || !json_equal(fast, ds)))
        abort();
    json_decref(fast);
    /* and its lean read (series skipped unread) gives that document, series emptied */
    json_t *lean = rg_json_fast_parse_runs((const char *)data, size, NULL, NULL, 1);
    json_t *want = lean && ds ? lean_reference(ds) : NULL;
    if (lean != NULL && (want == NULL || !json_equal(lean, want)))
        abort();
    json_decref(lean);
    json_decref(want);
    if (ds == NULL)
        return 0;
    if (rg_dataset_validate(ds, err) == 0) {
        char *text = rg_dataset_dumps(ds);
        json_t *back = text ? json_loads(text, JSON_REJECT_DUPLICATES, &je) : NULL;
        char *again = back ? rg_dataset_dumps(back) : NULL;
        int v1 = json_integer_value(json_object_get(ds, "version")) == 1;
        if (back == NULL || again == NULL || strcmp(text, again) != 0 ||
            rg_dataset_validate(back, err) != 0 || (v1 && !has_hdr(ds) && !json_equal(ds, back)))
            abort();   /* a valid dataset must survive a save/load round trip */
        json_decref(back);
        free(again);
        free(text);
    }
    json_decref(ds);
    return 0;
}
