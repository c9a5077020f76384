/*
 * core/hist_json.c — the histogram's lossless serialization inside datasets.
 *
 *   {"sigfigs": 3, "highest": 3600000000, "count": N, "min": a, "max": b, "sum": s,
 *    "buckets": [v1, c1, v2, c2, ...]}
 *
 * Only non-empty buckets are written, as (lowest value of the bucket, count) pairs in
 * ascending order: a typical loopback run has a few hundred of them, so a run's histogram is
 * a few kilobytes whatever its length. Reading re-records each pair with rg_hist_record_n,
 * which lands in the same bucket, then restores the exact min, max and sum.
 * The reader trusts nothing: every key, type, range and the count total is checked.
 */
#include <math.h>
#include <stdio.h>
#include "core/err.h"
#include "core/hist.h"
#include "core/hist_int.h"
#include "core/units.h"

json_t *rg_hist_to_json(const rg_hist *h)
{
    json_t *buckets = json_array();
    json_t *j = json_object();
    size_t pos = 0;
    int64_t lo, hi;
    uint64_t count;
    if (buckets == NULL || j == NULL)
        goto oom;
    while (rg_hist_next(h, &pos, &lo, &hi, &count)) {
        if (json_array_append_new(buckets, json_integer(lo)) ||
            json_array_append_new(buckets, json_integer((json_int_t)count)))
            goto oom;
    }
    json_object_set_new(j, "sigfigs", json_integer(rg_hist_sigfigs(h)));
    json_object_set_new(j, "highest", json_integer(rg_hist_highest(h)));
    json_object_set_new(j, "count", json_integer((json_int_t)rg_hist_count(h)));
    json_object_set_new(j, "min", json_integer(rg_hist_min(h)));
    json_object_set_new(j, "max", json_integer(rg_hist_max(h)));
    /* the kept sum itself: mean x count is not the sum in floating point, and a merge of
     * serialized histograms (rigor merge) must add exactly what was recorded */
    json_object_set_new(j, "sum", json_real(rg_hist_sum(h)));
    if (rg_hist_saturated(h) > 0)
        json_object_set_new(j, "saturated", json_integer((json_int_t)rg_hist_saturated(h)));
    json_object_set_new(j, "buckets", buckets);
    return j;
oom:
    json_decref(buckets);
    json_decref(j);
    return NULL;
}

static int get_int(const json_t *j, const char *key, json_int_t lo, json_int_t hi,
                   json_int_t *out, char *err)
{
    const json_t *v = json_object_get(j, key);
    if (v == NULL)
        return rg_err(err, "histogram: missing \"%s\"", key);
    if (!json_is_integer(v))
        return rg_err(err, "histogram.%s: expected an integer", key);
    *out = json_integer_value(v);
    if (*out < lo || *out > hi)
        return rg_err(err, "histogram.%s: %lld is out of range", key, (long long)*out);
    return 0;
}

/* Re-record the (value, count) pairs; checks order, ranges and the total. */
static int read_buckets(rg_hist *h, const json_t *b, json_int_t total, char *err)
{
    if (!json_is_array(b) || json_array_size(b) % 2 != 0)
        return rg_err(err, "histogram.buckets: expected an array of value, count pairs");
    json_int_t prev = -1;
    uint64_t sum = 0;
    for (size_t i = 0; i < json_array_size(b); i += 2) {
        const json_t *jv = json_array_get(b, i), *jc = json_array_get(b, i + 1);
        if (!json_is_integer(jv) || !json_is_integer(jc))
            return rg_err(err, "histogram.buckets[%zu]: expected integers", i);
        json_int_t v = json_integer_value(jv), c = json_integer_value(jc);
        if (v < 0 || v > rg_hist_highest(h) || c <= 0)
            return rg_err(err, "histogram.buckets[%zu]: value %lld or count %lld out of "
                          "range", i, (long long)v, (long long)c);
        if (prev >= 0 && rg_hist_lowest_equivalent(h, v) <= rg_hist_lowest_equivalent(h, prev))
            return rg_err(err, "histogram.buckets[%zu]: values must ascend, one per bucket", i);
        prev = v;
        sum += (uint64_t)c;
        rg_hist_record_n(h, v, (uint64_t)c);
    }
    if (sum != (uint64_t)total)
        return rg_err(err, "histogram: bucket counts add up to %llu, \"count\" says %lld",
                      (unsigned long long)sum, (long long)total);
    return 0;
}

rg_hist *rg_hist_from_json(const json_t *j, char *err)
{
    json_int_t sigfigs, highest, count, min, max, saturated = 0;
    if (!json_is_object(j)) {
        rg_err_set(err, "histogram: expected an object");
        return NULL;
    }
    if (get_int(j, "sigfigs", 1, 5, &sigfigs, err) ||
        get_int(j, "highest", 2, INT64_C(1000000000000), &highest, err) ||
        get_int(j, "count", 0, INT64_MAX, &count, err) ||
        get_int(j, "min", 0, highest, &min, err) ||
        get_int(j, "max", min, highest, &max, err))
        return NULL;
    if (json_object_get(j, "saturated") &&
        get_int(j, "saturated", 0, count, &saturated, err))
        return NULL;
    const json_t *jsum = json_object_get(j, "sum");
    if (!json_is_number(jsum) || !isfinite(json_number_value(jsum)) ||
        json_number_value(jsum) < 0) {
        rg_err_set(err, "histogram.sum: expected a non-negative number");
        return NULL;
    }
    rg_hist *h = rg_hist_new(highest, (int)sigfigs, err);
    if (h == NULL)
        return NULL;
    if (read_buckets(h, json_object_get(j, "buckets"), count, err) != 0) {
        rg_hist_free(h);
        return NULL;
    }
    if (count > 0 && (rg_hist_lowest_equivalent(h, min) != rg_hist_lowest_equivalent(h, rg_hist_min(h)) ||
                      rg_hist_lowest_equivalent(h, max) != rg_hist_lowest_equivalent(h, rg_hist_max(h)))) {
        rg_err_set(err, "histogram: min/max do not fall in the first/last bucket");
        rg_hist_free(h);
        return NULL;
    }
    if (count > 0)
        rg_hist_restore_totals_(h, min, max, json_number_value(jsum), (uint64_t)saturated);
    return h;
}
