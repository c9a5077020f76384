/*
 * core/hist_int.h — private to core/hist*.c (and core/json_fast.c's lean read): the door
 * hist_json.c uses to restore the exact totals of a deserialized histogram. Never include
 * from another module.
 */
#ifndef RIGOR_CORE_HIST_INT_H
#define RIGOR_CORE_HIST_INT_H

#include <stddef.h>
#include "core/hist.h"

/*
 * A histogram's index arithmetic without its counts: what validating and decoding a
 * serialized histogram need (value of an index, index of a value), so that checking 25,000
 * runs' histograms does not allocate and zero 25,000 count arrays of ~190 KB.
 * Same formulas as rg_hist (and HdrHistogram's with lowest discernible value 1).
 */
typedef struct rg_hist_layout {
    int64_t highest;
    int sigfigs;
    int half_mag;              /* log2(S / 2), S = sub-buckets per bucket */
    int64_t sub_mask;          /* S - 1 */
    size_t len;                /* entries of the counts array */
} rg_hist_layout;

/* Fill l for (highest, sigfigs); 0, or -1 with err when rg_hist_new would refuse them. */
int rg_hist_layout_(rg_hist_layout *l, int64_t highest, int sigfigs, char *err);
/* Lowest value counted at index i (i < l->len). */
int64_t rg_hist_layout_value_(const rg_hist_layout *l, size_t i);
/* Index of the bucket holding v (0 <= v <= highest). */
size_t rg_hist_layout_index_(const rg_hist_layout *l, int64_t v);

/*
 * rg_hist_check_json of the object j with "buckets": pairs (n integers, read elsewhere) in
 * place of a key it must not have yet: what core/json_fast.c checks while reading a v1
 * histogram for a lean load, without building the buckets. 0 when rg_hist_check_json
 * would take it; -1 otherwise (no message: the caller then reads it whole, and validation
 * says what is wrong).
 */
int rg_hist_check_pairs_(const json_t *j, const json_int_t *pairs, size_t n);

/*
 * Walk HdrHistogram's compressed V2 encoding (base64 text, len bytes; core/hist_hdr.c):
 * check the envelope and header, fill l from the header (sigfigs, highest), then call fn for
 * every non-zero count in ascending index order. 0, or -1 with err (fn's own -1 stops the
 * walk; fn then fills err). Nothing is allocated per count.
 */
typedef int (*rg_hist_hdr_fn)(void *ctx, size_t index, uint64_t count, char *err);
int rg_hist_hdr_walk_(const char *text, size_t len, rg_hist_layout *l, rg_hist_hdr_fn fn,
                      void *ctx, char *err);

/*
 * The cheap part of rg_hist_hdr_walk_'s checks: base64 of the right shape whose first bytes
 * are the compressed-V2 cookie and a zlib length matching the text's. 0, or -1 with err.
 */
int rg_hist_hdr_envelope_(const char *text, size_t len, char *err);

/* Put back exact min, max, sum and saturated count after re-recording serialized buckets. */
void rg_hist_restore_totals_(rg_hist *h, int64_t min, int64_t max, double sum,
                             uint64_t saturated);

#endif
