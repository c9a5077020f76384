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
 * Parse and validate dataset text (len bytes; a NUL inside is an error that says so).
 * name is for messages. New reference, or NULL with err "name:line:col: what".
 */
json_t *rg_dataset_parse(const char *name, const char *text, size_t len, char *err);

#endif
