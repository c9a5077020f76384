/*
 * core/hist.c — HDR-style log-linear latency histogram (see core/hist.h for the contract).
 *
 * Layout (after Gil Tene's HdrHistogram): with S = 2^m sub-buckets per bucket, where
 * S >= 2 * 10^sigfigs, bucket 0 covers [0, S) at resolution 1 and bucket b >= 1 covers
 * [S/2 * 2^b, S * 2^b) at resolution 2^b using only its upper half of sub-buckets, so the
 * counts array is (buckets + 1) * S/2 long and every value's relative error is below
 * 1 / 10^sigfigs. Index arithmetic is a count-leading-zeros and two shifts — no loops, no
 * floating point on the record path.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/err.h"
#include "core/hist.h"
#include "core/hist_int.h"
#include "core/units.h"

struct rg_hist {
    int64_t highest;
    int sigfigs;
    int sub_bucket_half_count_magnitude;   /* m - 1 */
    int64_t sub_bucket_count;              /* S = 2^m */
    int64_t sub_bucket_half_count;         /* S / 2 */
    int64_t sub_bucket_mask;               /* S - 1 */
    int bucket_count;
    size_t counts_len;
    uint64_t total;
    uint64_t saturated;
    int64_t min, max;
    double sum;
    uint64_t counts[];                     /* counts_len entries */
};

static int bucket_index(const rg_hist *h, int64_t v)
{
    int pow2ceiling = 64 - __builtin_clzll((uint64_t)(v | h->sub_bucket_mask));
    return pow2ceiling - (h->sub_bucket_half_count_magnitude + 1);
}

static size_t counts_index_for(const rg_hist *h, int64_t v)
{
    int b = bucket_index(h, v);
    int64_t sub = v >> b;
    return ((size_t)(b + 1) << h->sub_bucket_half_count_magnitude) +
           (size_t)(sub - h->sub_bucket_half_count);
}

/* The lowest value counted at index i. */
static int64_t value_at_index(const rg_hist *h, size_t i)
{
    int b = (int)(i >> h->sub_bucket_half_count_magnitude) - 1;
    int64_t sub = (int64_t)(i & (size_t)(h->sub_bucket_half_count - 1)) + h->sub_bucket_half_count;
    if (b < 0) {
        sub -= h->sub_bucket_half_count;
        b = 0;
    }
    return sub << b;
}

static int64_t equivalent_range(const rg_hist *h, int64_t v)
{
    int b = bucket_index(h, v);
    int64_t sub = v >> b;
    return (int64_t)1 << (sub >= h->sub_bucket_count ? b + 1 : b);
}

int64_t rg_hist_lowest_equivalent(const rg_hist *h, int64_t v)
{
    int b = bucket_index(h, v);
    return (v >> b) << b;
}

int64_t rg_hist_highest_equivalent(const rg_hist *h, int64_t v)
{
    return rg_hist_lowest_equivalent(h, v) + equivalent_range(h, v) - 1;
}

rg_hist *rg_hist_new(int64_t highest, int sigfigs, char *err)
{
    if (sigfigs < 1 || sigfigs > 5) {
        rg_err_set(err, "histogram precision must be 1 to 5 significant digits, not %d",
                   sigfigs);
        return NULL;
    }
    if (highest < 2 || highest > INT64_MAX / 4) {
        rg_err_set(err, "histogram highest value %lld out of range", (long long)highest);
        return NULL;
    }
    int64_t largest_single_unit = 2 * (int64_t)pow(10, sigfigs);
    int m = (int)ceil(log2((double)largest_single_unit));
    int64_t sub_count = (int64_t)1 << m;
    int buckets = 1;
    for (int64_t smallest_untrackable = sub_count; smallest_untrackable <= highest; buckets++)
        smallest_untrackable <<= 1;
    size_t len = (size_t)(buckets + 1) * (size_t)(sub_count / 2);
    rg_hist *h = calloc(1, sizeof *h + len * sizeof h->counts[0]);
    if (h == NULL) {
        rg_err_set(err, "out of memory for a histogram");
        return NULL;
    }
    h->highest = highest;
    h->sigfigs = sigfigs;
    h->sub_bucket_half_count_magnitude = m - 1;
    h->sub_bucket_count = sub_count;
    h->sub_bucket_half_count = sub_count / 2;
    h->sub_bucket_mask = sub_count - 1;
    h->bucket_count = buckets;
    h->counts_len = len;
    return h;
}

void rg_hist_free(rg_hist *h)
{
    free(h);
}

rg_hist *rg_hist_clone_empty(const rg_hist *h)
{
    char err[RG_ERRLEN];
    return rg_hist_new(h->highest, h->sigfigs, err);
}

void rg_hist_reset(rg_hist *h)
{
    memset(h->counts, 0, h->counts_len * sizeof h->counts[0]);
    h->total = h->saturated = 0;
    h->min = h->max = 0;
    h->sum = 0;
}

void rg_hist_record_n(rg_hist *h, int64_t value, uint64_t count)
{
    if (count == 0)
        return;
    if (value < 0)
        value = 0;
    if (value > h->highest) {
        value = h->highest;
        h->saturated += count;
    }
    h->counts[counts_index_for(h, value)] += count;
    if (h->total == 0 || value < h->min)
        h->min = value;
    if (h->total == 0 || value > h->max)
        h->max = value;
    h->total += count;
    h->sum += (double)value * (double)count;
}

void rg_hist_record(rg_hist *h, int64_t value)
{
    rg_hist_record_n(h, value, 1);
}

int rg_hist_merge(rg_hist *dst, const rg_hist *src)
{
    if (dst->highest != src->highest || dst->sigfigs != src->sigfigs)
        return -1;
    if (src->total == 0)
        return 0;
    for (size_t i = 0; i < src->counts_len; i++)
        dst->counts[i] += src->counts[i];
    if (dst->total == 0 || src->min < dst->min)
        dst->min = src->min;
    if (dst->total == 0 || src->max > dst->max)
        dst->max = src->max;
    dst->total += src->total;
    dst->saturated += src->saturated;
    dst->sum += src->sum;
    return 0;
}

uint64_t rg_hist_count(const rg_hist *h) { return h->total; }
uint64_t rg_hist_saturated(const rg_hist *h) { return h->saturated; }
int64_t rg_hist_min(const rg_hist *h) { return h->min; }
int64_t rg_hist_max(const rg_hist *h) { return h->max; }
int rg_hist_sigfigs(const rg_hist *h) { return h->sigfigs; }
int64_t rg_hist_highest(const rg_hist *h) { return h->highest; }

double rg_hist_sum(const rg_hist *h)
{
    return h->sum;
}

double rg_hist_mean(const rg_hist *h)
{
    return h->total ? h->sum / (double)h->total : 0;
}

double rg_hist_stdev(const rg_hist *h)
{
    if (h->total == 0)
        return 0;
    double mean = rg_hist_mean(h), acc = 0;
    for (size_t i = 0; i < h->counts_len; i++) {
        if (h->counts[i] == 0)
            continue;
        int64_t lo = value_at_index(h, i);
        double mid = (double)lo + (double)(equivalent_range(h, lo) - 1) / 2.0;
        /* Clamp to the exact extremes: one sample, or all equal, has sd 0. */
        mid = mid < (double)h->min ? (double)h->min : mid > (double)h->max ? (double)h->max : mid;
        double d = mid - mean;
        acc += d * d * (double)h->counts[i];
    }
    return sqrt(acc / (double)h->total);
}

int64_t rg_hist_percentile(const rg_hist *h, double p)
{
    if (h->total == 0)
        return 0;
    if (!(p > 0))
        return h->min;
    if (p >= 100)
        return h->max;
    uint64_t want = (uint64_t)ceil(p / 100.0 * (double)h->total);
    if (want == 0)
        want = 1;
    uint64_t seen = 0;
    for (size_t i = 0; i < h->counts_len; i++) {
        seen += h->counts[i];
        if (seen >= want) {
            int64_t v = rg_hist_highest_equivalent(h, value_at_index(h, i));
            return v < h->min ? h->min : v > h->max ? h->max : v;
        }
    }
    return h->max;
}

int rg_hist_next(const rg_hist *h, size_t *pos, int64_t *lo, int64_t *hi, uint64_t *count)
{
    for (size_t i = *pos; i < h->counts_len; i++) {
        if (h->counts[i] != 0) {
            *lo = value_at_index(h, i);
            *hi = *lo + equivalent_range(h, *lo) - 1;
            *count = h->counts[i];
            *pos = i + 1;
            return 1;
        }
    }
    *pos = h->counts_len;
    return 0;
}

/* ---- core/hist_int.h: the layout alone (the same arithmetic as above) ---- */

int rg_hist_layout_(rg_hist_layout *l, int64_t highest, int sigfigs, char *err)
{
    if (sigfigs < 1 || sigfigs > 5)
        return rg_err(err, "histogram precision must be 1 to 5 significant digits, not %d",
                      sigfigs);
    if (highest < 2 || highest > INT64_MAX / 4)
        return rg_err(err, "histogram highest value %lld out of range", (long long)highest);
    int m = (int)ceil(log2(2.0 * pow(10, sigfigs)));
    int64_t sub_count = (int64_t)1 << m;
    int buckets = 1;
    for (int64_t smallest_untrackable = sub_count; smallest_untrackable <= highest; buckets++)
        smallest_untrackable <<= 1;
    l->highest = highest;
    l->sigfigs = sigfigs;
    l->half_mag = m - 1;
    l->sub_mask = sub_count - 1;
    l->len = (size_t)(buckets + 1) * (size_t)(sub_count / 2);
    return 0;
}

int64_t rg_hist_layout_value_(const rg_hist_layout *l, size_t i)
{
    int64_t half = (int64_t)1 << l->half_mag;
    int b = (int)(i >> l->half_mag) - 1;
    int64_t sub = (int64_t)(i & (size_t)(half - 1)) + half;
    if (b < 0) {
        sub -= half;
        b = 0;
    }
    return sub << b;
}

size_t rg_hist_layout_index_(const rg_hist_layout *l, int64_t v)
{
    int pow2ceiling = 64 - __builtin_clzll((uint64_t)(v | l->sub_mask));
    int b = pow2ceiling - (l->half_mag + 1);
    int64_t sub = v >> b;
    return ((size_t)(b + 1) << l->half_mag) + (size_t)(sub - ((int64_t)1 << l->half_mag));
}

/* core/hist_int.h: re-recording knows only bucket representatives; restore the exact totals. */
void rg_hist_restore_totals_(rg_hist *h, int64_t min, int64_t max, double sum,
                             uint64_t saturated)
{
    h->min = min;
    h->max = max;
    h->sum = sum;
    h->saturated = saturated;
}
