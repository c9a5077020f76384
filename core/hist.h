/*
 * core/hist.h — the latency histogram every measurement records into.
 *
 * Design: HdrHistogram's log-linear layout. Values are non-negative integers (rigor records
 * microseconds). The range [0, highest] is cut into buckets of powers of two; each bucket is
 * split into 2^k linear sub-buckets, with 2^k >= 2 * 10^sigfigs, so any recorded value is
 * known to within one part in 10^sigfigs. Recording is O(1) (a count-leading-zeros and a
 * shift), never allocates, and the memory is fixed by (highest, sigfigs) alone — not by the
 * number of samples. Exact count, min, max and sum are kept beside the buckets.
 *
 * Expected load: one histogram per loadgen thread per run, merged after join; tens of
 * millions of records a second across threads. Not thread-safe: one owner at a time.
 *
 * Values above `highest` are recorded as `highest` and counted in rg_hist_saturated().
 */
#ifndef RIGOR_CORE_HIST_H
#define RIGOR_CORE_HIST_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#define RG_HIST_DEFAULT_SIGFIGS 3
#define RG_HIST_DEFAULT_HIGHEST INT64_C(3600000000)   /* one hour in microseconds */

typedef struct rg_hist rg_hist;

/*
 * New empty histogram for values 0..highest (highest >= 2) with sigfigs in 1..5.
 * Returns NULL and fills err (RG_ERRLEN) on bad arguments or out of memory. Free with
 * rg_hist_free.
 */
rg_hist *rg_hist_new(int64_t highest, int sigfigs, char *err);
void rg_hist_free(rg_hist *h);               /* accepts NULL */
rg_hist *rg_hist_clone_empty(const rg_hist *h);  /* same layout, no counts; NULL on OOM */
void rg_hist_reset(rg_hist *h);

/* Record one value (negative values count as 0). O(1), no allocation. */
void rg_hist_record(rg_hist *h, int64_t value);
/* Record `count` copies of value. */
void rg_hist_record_n(rg_hist *h, int64_t value, uint64_t count);

/*
 * Add every count of src into dst. Both must have the same highest and sigfigs (returns -1
 * otherwise, dst unchanged); 0 on success. merge(a, b) equals recording a ∪ b.
 */
int rg_hist_merge(rg_hist *dst, const rg_hist *src);

uint64_t rg_hist_count(const rg_hist *h);
uint64_t rg_hist_saturated(const rg_hist *h);
int64_t rg_hist_min(const rg_hist *h);     /* exact; 0 when empty */
int64_t rg_hist_max(const rg_hist *h);     /* exact; 0 when empty */
double rg_hist_mean(const rg_hist *h);     /* exact (from the kept sum); 0 when empty */
double rg_hist_sum(const rg_hist *h);      /* the kept sum of the recorded values */
double rg_hist_stdev(const rg_hist *h);    /* population sd from bucket midpoints */
int rg_hist_sigfigs(const rg_hist *h);
int64_t rg_hist_highest(const rg_hist *h);

/*
 * Value at percentile p (0..100): the smallest recorded value v such that at least p% of the
 * samples are <= v, reported as the highest value equivalent to v's bucket, clamped to
 * [min, max]. p = 0 gives min, p = 100 gives max. 0 when empty.
 */
int64_t rg_hist_percentile(const rg_hist *h, double p);

/* Lowest and highest values that share the bucket of v (both inclusive). */
int64_t rg_hist_lowest_equivalent(const rg_hist *h, int64_t v);
int64_t rg_hist_highest_equivalent(const rg_hist *h, int64_t v);

/*
 * Iterate the non-empty buckets in increasing order. Start with *pos = 0; each call fills
 * the bucket's lowest value, highest value and count and returns 1, or returns 0 at the end.
 */
int rg_hist_next(const rg_hist *h, size_t *pos, int64_t *lo, int64_t *hi, uint64_t *count);

/*
 * Serialization (docs/dataset-format.md, "histogram"):
 *   {"sigfigs": 3, "highest": 3600000000, "count": N, "min": a, "max": b, "sum": s,
 *    "buckets": [v1, c1, v2, c2, ...]}
 * where vi is the lowest value of a non-empty bucket and ci its count (ascending vi).
 * Format v2 holds "hdr": "HISTFAAA..." (rg_hist_hdr_encode) in place of "buckets";
 * from_json reads either form, to_json writes "buckets" (the dataset printer converts).
 * Lossless within the precision: from_json(to_json(h)) has identical buckets and totals.
 * to_json returns a new reference (NULL on OOM). from_json validates everything (types,
 * ranges, ascending values, counts summing to "count") and returns NULL with a message in
 * err naming the problem.
 */
json_t *rg_hist_to_json(const rg_hist *h);
rg_hist *rg_hist_from_json(const json_t *j, char *err);

/*
 * HdrHistogram's standard compressed encoding (V2: zlib, then base64 — "HISTFAAA..."), as
 * every HdrHistogram port reads and writes it (core/hist_hdr.c has the byte layout).
 * rg_hist_hdr_encode: the counts of h as that text (NUL-terminated; caller frees; NULL on
 * OOM). min, max, sum and the saturated count are not part of the encoding.
 * rg_hist_hdr_decode: a new histogram from len bytes of such text, with the precision and
 * highest value its header gives; min and max are those of the counts' buckets, the sum
 * their lowest values' (use rg_hist_from_json for a dataset's exact totals). NULL with err
 * on anything malformed, on another encoding (V0/V1, uncompressed) and on a lowest
 * discernible value other than 1 (rigor's layout).
 */
char *rg_hist_hdr_encode(const rg_hist *h);
rg_hist *rg_hist_hdr_decode(const char *text, size_t len, char *err);

/*
 * Check a serialized histogram (either form: "buckets" or "hdr", docs/dataset-format.md)
 * exactly as rg_hist_from_json does, without building it: no count array is allocated.
 * 0, or -1 with the same message in err.
 */
int rg_hist_check_json(const json_t *j, char *err);

#endif
