/*
 * core/dataset_int.h — private to core/dataset*.c.
 */
#ifndef RIGOR_CORE_DATASET_INT_H
#define RIGOR_CORE_DATASET_INT_H

#include <stddef.h>
#include <jansson.h>

#define MAX_DATASET_BYTES ((size_t)2 << 30)

/*
 * Find where the value at a validation path ("runs[3].latency.p99", as produced by
 * rg_dataset_validate) starts in the JSON text; sets 1-based line and column. Returns 0
 * when found, -1 otherwise (the deepest prefix found is reported instead when possible).
 */
int rg_json_locate(const char *text, size_t len, const char *path, int *line, int *column);

/*
 * The document json_loadb(text, len, JSON_REJECT_DUPLICATES) gives, read several times
 * faster (core/json_fast.c), or NULL for anything but plain valid JSON without \u escapes:
 * the caller then asks jansson for the document or its error message.
 */
json_t *rg_json_fast_parse(const char *text, size_t len);

/*
 * rg_json_fast_parse, calling each(top, run, index, consumed, ctx) on every element of the
 * top-level object's "runs" array as soon as it is read: top is the top-level object with
 * the keys read so far, consumed the bytes of text read so far. The callback may change the
 * run (not replace it). When the fast reader gives up, the callbacks already made stand:
 * the caller then reads the text again with jansson.
 * lean: what a lean load drops is not built, where it can be checked while read: in each
 * run's "timeseries", a series other than RG_SERIES_READ holding only numbers and nulls
 * (what validation accepts) reads as an empty array; a v1 histogram (inside a run) whose
 * "buckets" come last and pass rg_hist_check_json reads as null (no histogram). Anything
 * else is read whole, for validation to judge.
 */
typedef void (*rg_json_run_fn)(json_t *top, json_t *run, size_t index, size_t consumed,
                               void *ctx);
json_t *rg_json_fast_parse_runs(const char *text, size_t len, rg_json_run_fn each, void *ctx,
                                int lean);

/* The one per-second series analysis reads (analyze's drift warning); a lean load drops
 * the others. */
#define RG_SERIES_READ "requests"

/* One run's validation as rg_dataset_validate does it (path "runs[i]"); 0 or -1 with err. */
int rg_dataset_check_run(const json_t *run, size_t i, int version, char *err);
/* rg_dataset_validate with runs[0..first) taken as already checked (at that version). */
int rg_dataset_validate_from(const json_t *ds, size_t first, char *err);

/*
 * Parse and validate dataset text (len bytes; a NUL inside is an error that says so).
 * name is for messages. New reference, or NULL with err "name:line:col: what".
 */
json_t *rg_dataset_parse(const char *name, const char *text, size_t len, char *err);

#endif
