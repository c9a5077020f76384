/*
 * core/hist_json.c — the histogram's lossless serialization inside datasets.
 *
 *   {"sigfigs": 3, "highest": 3600000000, "count": N, "min": a, "max": b, "sum": s,
 *    "buckets": [v1, c1, v2, c2, ...]}
 *
 * Format v2 holds "hdr": HdrHistogram's compressed encoding (core/hist_hdr.c) in place of
 * "buckets"; both forms are read by one walk over (index, count), which checks without
 * building (rg_hist_check_json, what loading a dataset does) or records (rg_hist_from_json).
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

/* What the object says besides its counts, and its layout. */
struct head {
    json_int_t sigfigs, highest, count, min, max, saturated;
    double sum;
    rg_hist_layout l;
};

static int read_head(const json_t *j, struct head *hd, char *err)
{
    hd->saturated = 0;
    if (!json_is_object(j))
        return rg_err(err, "histogram: expected an object");
    if (get_int(j, "sigfigs", 1, 5, &hd->sigfigs, err) ||
        get_int(j, "highest", 2, INT64_C(1000000000000), &hd->highest, err) ||
        get_int(j, "count", 0, INT64_MAX, &hd->count, err) ||
        get_int(j, "min", 0, hd->highest, &hd->min, err) ||
        get_int(j, "max", hd->min, hd->highest, &hd->max, err))
        return -1;
    if (json_object_get(j, "saturated") &&
        get_int(j, "saturated", 0, hd->count, &hd->saturated, err))
        return -1;
    const json_t *jsum = json_object_get(j, "sum");
    if (!json_is_number(jsum) || !isfinite(json_number_value(jsum)) ||
        json_number_value(jsum) < 0)
        return rg_err(err, "histogram.sum: expected a non-negative number");
    hd->sum = json_number_value(jsum);
    return rg_hist_layout_(&hd->l, hd->highest, (int)hd->sigfigs, err);
}

/* The walk over the counts: checks what every form shares, records when h is set. */
struct walk {
    const struct head *hd;
    rg_hist *h;                 /* NULL: check only */
    uint64_t total;
    size_t first, last;
    int any;
};

static int take(void *ctx, size_t index, uint64_t count, char *err)
{
    (void)err;
    struct walk *w = ctx;
    if (!w->any)
        w->first = index;
    w->any = 1;
    w->last = index;
    w->total += count;
    if (w->h != NULL)
        rg_hist_record_n(w->h, rg_hist_layout_value_(&w->hd->l, index), count);
    return 0;
}

/* Format v1: pair i (value, count) of the buckets; checks range and order. */
static int take_pair(struct walk *w, size_t i, json_int_t v, json_int_t c, char *err)
{
    if (v < 0 || v > w->hd->highest || c <= 0)
        return rg_err(err, "histogram.buckets[%zu]: value %lld or count %lld out of "
                      "range", i, (long long)v, (long long)c);
    size_t idx = rg_hist_layout_index_(&w->hd->l, v);
    if (w->any && idx <= w->last)
        return rg_err(err, "histogram.buckets[%zu]: values must ascend, one per bucket", i);
    return take(w, idx, (uint64_t)c, err);
}

/* Format v1: the (value, count) pairs; checks order, ranges. */
static int walk_buckets(struct walk *w, const json_t *b, char *err)
{
    if (!json_is_array(b) || json_array_size(b) % 2 != 0)
        return rg_err(err, "histogram.buckets: expected an array of value, count pairs");
    size_t n = json_array_size(b);
    for (size_t i = 0; i < n; i += 2) {
        const json_t *jv = json_array_get(b, i), *jc = json_array_get(b, i + 1);
        if (!json_is_integer(jv) || !json_is_integer(jc))
            return rg_err(err, "histogram.buckets[%zu]: expected integers", i);
        if (take_pair(w, i, json_integer_value(jv), json_integer_value(jc), err) != 0)
            return -1;
    }
    return 0;
}

/* Format v2: HdrHistogram's encoding, whose header must agree with the object. */
static int walk_hdr(struct walk *w, const json_t *t, char *err)
{
    char herr[RG_ERRLEN];
    rg_hist_layout l;
    if (!json_is_string(t))
        return rg_err(err, "histogram.hdr: expected a string (HdrHistogram's encoding)");
    if (rg_hist_hdr_walk_(json_string_value(t), json_string_length(t), &l, take, w, herr))
        return rg_err(err, "histogram.hdr: %.400s", herr);
    if (l.sigfigs != w->hd->sigfigs || l.highest != w->hd->highest)
        return rg_err(err, "histogram.hdr: encoded with %d significant digits up to %lld, "
                      "the object says %lld up to %lld", l.sigfigs, (long long)l.highest,
                      (long long)w->hd->sigfigs, (long long)w->hd->highest);
    return 0;
}

/* The walk's totals against the object's. */
static int check_totals(const struct walk *w, char *err)
{
    const struct head *hd = w->hd;
    if (w->total != (uint64_t)hd->count)
        return rg_err(err, "histogram: bucket counts add up to %llu, \"count\" says %lld",
                      (unsigned long long)w->total, (long long)hd->count);
    if (hd->count > 0 && (rg_hist_layout_index_(&hd->l, hd->min) != w->first ||
                          rg_hist_layout_index_(&hd->l, hd->max) != w->last))
        return rg_err(err, "histogram: min/max do not fall in the first/last bucket");
    return 0;
}

/* Walk either form, then check the totals against the object. */
static int walk(struct walk *w, const json_t *j, char *err)
{
    const json_t *b = json_object_get(j, "buckets"), *t = json_object_get(j, "hdr");
    if (b != NULL && t != NULL)
        return rg_err(err, "histogram: both \"buckets\" and \"hdr\" (one or the other)");
    if ((t != NULL ? walk_hdr(w, t, err) : walk_buckets(w, b, err)) != 0)
        return -1;
    return check_totals(w, err);
}

int rg_hist_check_pairs_(const json_t *j, const json_int_t *pairs, size_t n)
{
    char err[RG_ERRLEN];
    struct head hd;
    if (read_head(j, &hd, err) != 0 || json_object_get(j, "buckets") != NULL ||
        json_object_get(j, "hdr") != NULL || n % 2 != 0)
        return -1;
    struct walk w = {&hd, NULL, 0, 0, 0, 0};
    for (size_t i = 0; i < n; i += 2)
        if (take_pair(&w, i, pairs[i], pairs[i + 1], err) != 0)
            return -1;
    return check_totals(&w, err);
}

/*
 * The "hdr" form at load time: the object's keys, and the encoding's envelope (base64, the
 * compressed-V2 cookie, a length that matches the string's). Its counts are checked when
 * a command decodes them (rg_hist_from_json: charts, export --hgrm, merge, convert to v1):
 * inflating 25,000 histograms only to check them was ~40% of loading a 25,000-run v2
 * dataset that `rigor analyze` reads without ever needing its histograms (issue 17).
 */
static int check_hdr_envelope(const json_t *t, char *err)
{
    if (!json_is_string(t))
        return rg_err(err, "histogram.hdr: expected a string (HdrHistogram's encoding)");
    char herr[RG_ERRLEN];
    if (rg_hist_hdr_envelope_(json_string_value(t), json_string_length(t), herr) != 0)
        return rg_err(err, "histogram.hdr: %.400s", herr);
    return 0;
}

int rg_hist_check_json(const json_t *j, char *err)
{
    struct head hd;
    if (read_head(j, &hd, err) != 0)
        return -1;
    const json_t *t = json_object_get(j, "hdr");
    if (t != NULL && json_object_get(j, "buckets") == NULL)
        return check_hdr_envelope(t, err);
    struct walk w = {&hd, NULL, 0, 0, 0, 0};
    return walk(&w, j, err);
}

rg_hist *rg_hist_from_json(const json_t *j, char *err)
{
    struct head hd;
    if (read_head(j, &hd, err) != 0)
        return NULL;
    rg_hist *h = rg_hist_new(hd.highest, (int)hd.sigfigs, err);
    if (h == NULL)
        return NULL;
    struct walk w = {&hd, h, 0, 0, 0, 0};
    if (walk(&w, j, err) != 0) {
        rg_hist_free(h);
        return NULL;
    }
    if (hd.count > 0)
        rg_hist_restore_totals_(h, hd.min, hd.max, hd.sum, (uint64_t)hd.saturated);
    return h;
}
