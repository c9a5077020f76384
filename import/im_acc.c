/*
 * import/im_acc.c — the accumulator every importer feeds, and the run object it makes.
 *
 * Design: per-request formats call im_acc_sample once per request; summary formats set the
 * aggregates they state (requests, percentiles, duration...). im_acc_finish applies one set
 * of rules to both, so a k6 run and a hey run carry the same keys in the same units:
 *   - `requests` are responses (any status); a request with no response is an error of its
 *     kind and never a latency; 4xx/5xx responses also count as `status` errors (as in
 *     `rigor load`);
 *   - the window runs from the first request's start (or the --skip cut) to the last end;
 *     a duration the tool states itself wins over the window;
 *   - per-second series are relative to the window start, by completion time;
 *   - an error kind appears in `errors` only when the format can see it; a format that
 *     cannot see transport failures (hey's CSV) says so in import.notes.
 * Expected load: one accumulator per file; millions of samples at a few ns each (a
 * histogram record, two counters and, for the first hour, a per-second histogram record).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/clock.h"
#include "core/dataset.h"
#include "core/err.h"
#include "import/import_int.h"

const char *const im_kind_names[IM_NKINDS] = {
    "connect", "read", "write", "timeout", "protocol", "status", "assertion", "other"};

int64_t im_add_bytes(int64_t total, int64_t n)
{
    int64_t sum;
    if (total < 0)
        total = 0;
    return __builtin_add_overflow(total, n, &sum) ? INT64_MAX : sum;
}

int im_acc_init(im_acc *a, char *err)
{
    memset(a, 0, sizeof *a);
    a->pass = 2;
    a->first_start = a->cutoff = a->t_start = a->t_end = IM_NO_TIME;
    a->bytes_in = a->bytes_out = -1;
    a->duration_s = a->throughput_rps = NAN;
    a->lat_mean = a->lat_stdev = a->lat_min = a->lat_max = NAN;
    a->hist = rg_hist_new(RG_HIST_DEFAULT_HIGHEST, RG_HIST_DEFAULT_SIGFIGS, err);
    a->percentiles = json_object();
    a->detail = json_object();
    a->notes = json_array();
    a->extra = json_object();
    a->run_keys = json_object();
    if (a->hist == NULL || !a->percentiles || !a->detail || !a->notes || !a->extra ||
        !a->run_keys) {
        im_acc_free(a);
        return rg_err(err, "out of memory");
    }
    return 0;
}

void im_acc_free(im_acc *a)
{
    rg_hist_free(a->hist);
    for (size_t i = 0; a->ts_hist && i < a->ts_n && i < IM_MAX_SERIES_HISTS; i++)
        rg_hist_free(a->ts_hist[i]);
    free(a->ts_hist);
    free(a->ts_req);
    free(a->ts_err);
    json_decref(a->ts_given);
    json_decref(a->percentiles);
    json_decref(a->detail);
    json_decref(a->notes);
    json_decref(a->extra);
    json_decref(a->run_keys);
    free(a->url);
    free(a->version);
    memset(a, 0, sizeof *a);
}

void im_acc_begin_pass2(im_acc *a, double skip_s)
{
    a->pass = 2;
    int64_t skip = skip_s > 0 && skip_s < 1e9 ? (int64_t)llround(skip_s * 1e9) : 0;
    if (a->first_start != IM_NO_TIME && __builtin_add_overflow(a->first_start, skip, &a->cutoff))
        a->cutoff = IM_NO_TIME;
}

/* Grow the series to hold index i. -1 when out of memory. */
static int series_reach(im_acc *a, size_t i)
{
    if (i < a->ts_n)
        return 0;
    if (i >= a->ts_cap) {
        size_t cap = a->ts_cap ? a->ts_cap : 64;
        while (cap <= i)
            cap *= 2;
        uint64_t *r = realloc(a->ts_req, cap * sizeof *r);
        if (r)
            a->ts_req = r;
        uint64_t *e = realloc(a->ts_err, cap * sizeof *e);
        if (e)
            a->ts_err = e;
        size_t hcap = cap < IM_MAX_SERIES_HISTS ? cap : IM_MAX_SERIES_HISTS;
        rg_hist **h = realloc(a->ts_hist, hcap * sizeof *h);
        if (h)
            a->ts_hist = h;
        if (!r || !e || !h)
            return -1;
        a->ts_cap = cap;
    }
    for (size_t k = a->ts_n; k <= i; k++) {
        a->ts_req[k] = a->ts_err[k] = 0;
        if (k < IM_MAX_SERIES_HISTS)
            a->ts_hist[k] = NULL;
    }
    a->ts_n = i + 1;
    return 0;
}

/* Count a sample in its second (by completion time, relative to the window start). */
static int series_add(im_acc *a, int64_t end, bool response, bool error, int64_t us)
{
    if (a->cutoff == IM_NO_TIME || end == IM_NO_TIME)
        return 0;
    int64_t d = 0;
    if (end > a->cutoff && __builtin_sub_overflow(end, a->cutoff, &d))
        return 0;
    size_t i = (size_t)(d / 1000000000);
    if (i > 10u * 86400)
        return 0;   /* past ten days: no series (a wrong clock, most likely) */
    if (series_reach(a, i) != 0)
        return -1;
    a->ts_req[i] += response;
    a->ts_err[i] += error;
    if (response && us >= 0 && i < IM_MAX_SERIES_HISTS) {
        if (a->ts_hist[i] == NULL &&
            (a->ts_hist[i] = rg_hist_new(RG_HIST_DEFAULT_HIGHEST, 2, NULL)) == NULL)
            return -1;
        rg_hist_record(a->ts_hist[i], us);
    }
    return 0;
}

/* Fill the start or end from the other and the latency. */
static void complete_times(const im_sample *s, int64_t *start, int64_t *end)
{
    int64_t lat_ns = s->latency_us >= 0 && s->latency_us <= IM_MAX_LATENCY_US
                         ? (int64_t)llround(s->latency_us * 1000.0) : -1;
    *start = s->start_ns;
    *end = s->end_ns;
    if (*start == IM_NO_TIME && *end != IM_NO_TIME && lat_ns >= 0 &&
        __builtin_sub_overflow(*end, lat_ns, start))
        *start = IM_NO_TIME;
    if (*end == IM_NO_TIME && *start != IM_NO_TIME && lat_ns >= 0 &&
        __builtin_add_overflow(*start, lat_ns, end))
        *end = IM_NO_TIME;
}

static void widen_window(im_acc *a, int64_t start, int64_t end)
{
    int64_t lo = start != IM_NO_TIME ? start : end, hi = end != IM_NO_TIME ? end : start;
    if (lo != IM_NO_TIME && (a->t_start == IM_NO_TIME || lo < a->t_start))
        a->t_start = lo;
    if (hi != IM_NO_TIME && (a->t_end == IM_NO_TIME || hi > a->t_end))
        a->t_end = hi;
}

int im_acc_sample(im_acc *a, const im_sample *s)
{
    int64_t start, end;
    complete_times(s, &start, &end);
    if (a->pass == 1) {
        int64_t t = start != IM_NO_TIME ? start : end;
        if (t != IM_NO_TIME && (a->first_start == IM_NO_TIME || t < a->first_start))
            a->first_start = t;
        return 0;
    }
    int64_t t = start != IM_NO_TIME ? start : end;
    if (a->cutoff != IM_NO_TIME && t != IM_NO_TIME && t < a->cutoff) {
        a->skipped++;
        return 0;
    }
    widen_window(a, start, end);
    int kind = s->kind;
    int64_t us = s->latency_us >= 0 && s->latency_us <= IM_MAX_LATENCY_US
                     ? (int64_t)llround(s->latency_us) : -1;
    if (s->status > 0) {
        a->have_requests = true;
        a->requests++;
        if (s->status != IM_STATUS_UNKNOWN) {
            a->have_status = true;
            a->status[s->status < IM_NSTATUS && s->status >= 100 ? s->status : 0]++;
        }
        if (kind == IM_ERR_NONE && s->status >= 400 && s->status < 600)
            kind = IM_ERR_STATUS;
        if (us >= 0) {
            rg_hist_record(a->hist, us);
            a->hist_kind = a->hist_kind ? a->hist_kind : "exact";
        }
    } else if (kind == IM_ERR_NONE) {
        kind = IM_ERR_OTHER;
    }
    if (kind != IM_ERR_NONE) {
        a->err[kind]++;
        a->err_known[kind] = true;
        if (s->detail && *s->detail)
            im_acc_detail(a, s->detail, 1);
    }
    if (s->bytes_in >= 0)
        a->bytes_in = im_add_bytes(a->bytes_in, s->bytes_in);
    if (s->bytes_out >= 0)
        a->bytes_out = im_add_bytes(a->bytes_out, s->bytes_out);
    return series_add(a, end != IM_NO_TIME ? end : start, s->status > 0, kind != IM_ERR_NONE,
                      s->status > 0 ? us : -1);
}

void im_acc_sees(im_acc *a, int first, int last)
{
    for (int k = first; k <= last && k < IM_NKINDS; k++)
        if (k >= 0)
            a->err_known[k] = true;
}

void im_acc_record(im_acc *a, double us, uint64_t count)
{
    if (count == 0 || !(us >= 0) || us > IM_MAX_LATENCY_US)
        return;
    rg_hist_record_n(a->hist, (int64_t)llround(us), count);
    a->hist_kind = a->hist_kind ? a->hist_kind : "approximate";
}

void im_acc_from_quantiles(im_acc *a, const double *p, const double *us, size_t n,
                           uint64_t total)
{
    uint64_t done = 0;
    for (size_t i = 0; i < n && done < total; i++) {
        uint64_t upto = (uint64_t)ceil((double)total * p[i] / 100.0 - 1e-9);
        if (i + 1 == n || upto > total)
            upto = total;
        if (upto > done) {
            im_acc_record(a, us[i], upto - done);
            done = upto;
        }
    }
}

void im_acc_note(im_acc *a, const char *fmt, ...)
{
    char msg[RG_ERRLEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    for (size_t i = 0; i < json_array_size(a->notes); i++)
        if (strcmp(json_string_value(json_array_get(a->notes, i)), msg) == 0)
            return;
    json_array_append_new(a->notes, json_string(msg));
}

void im_acc_detail(im_acc *a, const char *msg, uint64_t count)
{
    char key[201];
    size_t n = 0;
    /* control characters out, length bounded: these end up in reports */
    for (const unsigned char *p = (const unsigned char *)msg; *p && n < sizeof key - 1; p++)
        key[n++] = *p < 0x20 || *p == 0x7f ? ' ' : (char)*p;
    key[n] = '\0';
    const char *k = key;
    if (json_object_get(a->detail, k) == NULL && json_object_size(a->detail) >= IM_MAX_DETAIL)
        k = "(other messages)";
    json_t *v = json_object_get(a->detail, k);
    json_int_t now = v ? json_integer_value(v) : 0;
    json_object_set_new(a->detail, k, json_integer(now + (json_int_t)count));
}

void im_acc_percentile(im_acc *a, double p, double us)
{
    char key[32];
    if (!(us >= 0) || !(p >= 0 && p <= 100))
        return;
    snprintf(key, sizeof key, "%.10g", p);
    json_object_set_new(a->percentiles, key, json_real(us));
}

void im_acc_set_url(im_acc *a, const char *url)
{
    if (a->url == NULL && url && *url)
        a->url = strdup(url);
}

void im_acc_set_version(im_acc *a, const char *v)
{
    if (a->version == NULL && v && *v)
        a->version = strdup(v);
}
