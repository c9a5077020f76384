/*
 * import/im_run.c — the run object made from an accumulator (im_acc_finish).
 *
 * Design: the keys and their order are those of docs/dataset-format.md (identity by
 * rg_run_new, then duration_s, requests, errors, status, bytes, throughput_rps, latency,
 * timeseries), followed by the `import` object that records where the figures came from.
 * Each key is written only when the file stated it or it follows from what the file stated
 * (throughput = requests / window); a summary-only file therefore gives a run without a
 * histogram, which analyze and report accept as they accept published figures.
 * Expected load: once per imported file.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/clock.h"
#include "core/dataset.h"
#include "core/err.h"
#include "import/import_int.h"

/* The file name without directories and result-file extensions: "results/fastapi.csv.gz"
 * -> "fastapi". */
static void file_stem(const char *name, char *buf, size_t len)
{
    static const char *const exts[] = {".gz", ".json", ".jsonl", ".ndjson", ".csv", ".tsv",
                                       ".jtl", ".xml", ".txt", ".log", ".out", ".hgrm", NULL};
    const char *slash = strrchr(name, '/');
    snprintf(buf, len, "%s", slash ? slash + 1 : name);
    for (int round = 0; round < 2; round++) {
        size_t n = strlen(buf);
        for (size_t i = 0; exts[i]; i++) {
            size_t e = strlen(exts[i]);
            if (n > e && strcmp(buf + n - e, exts[i]) == 0) {
                buf[n - e] = '\0';
                break;
            }
        }
    }
    /* a Locust --csv set is named by its prefix */
    static const char *const sets[] = {"_stats_history", "_stats", "_failures", NULL};
    for (size_t i = 0; sets[i]; i++) {
        size_t n = strlen(buf), k = strlen(sets[i]);
        if (n > k && strcmp(buf + n - k, sets[i]) == 0) {
            buf[n - k] = '\0';
            break;
        }
    }
    if (buf[0] == '\0')
        snprintf(buf, len, "imported");
}

static void target_name(const im_acc *a, const im_opts *o, const char *name, char *buf,
                        size_t len)
{
    if (o->label && *o->label)
        snprintf(buf, len, "%s", o->label);
    else if (!(a->url && im_url_hostport(a->url, buf, len) == 0) &&
             !(o->url && im_url_hostport(o->url, buf, len) == 0))
        file_stem(name, buf, len);
}

/* The measured window in seconds, NAN when the file cannot tell it. */
static double window_s(im_acc *a, const im_opts *o)
{
    if (!isnan(a->duration_s))
        return a->duration_s;
    if (a->t_start != IM_NO_TIME && a->t_end != IM_NO_TIME) {
        /* after a --skip cut the window starts at the cut, as a warm-up ends a load run's */
        int64_t from = a->cutoff != IM_NO_TIME && a->cutoff > a->first_start ? a->cutoff
                                                                             : a->t_start;
        int64_t dn;
        double d = __builtin_sub_overflow(a->t_end, from, &dn) ? -1 : (double)dn / 1e9;
        if (d > 0 && d >= a->time_resolution_s)
            return d;
        if (d >= 0 && a->time_resolution_s > 0)
            im_acc_note(a, "the file's timestamps are whole seconds and the run is shorter "
                        "than that: its duration is unknown");
    }
    if (o->duration_s > 0) {
        im_acc_note(a, "duration %.6g s given on the command line", o->duration_s);
        return o->duration_s;
    }
    return NAN;
}

static json_t *errors_json(const im_acc *a)
{
    json_t *e = json_object();
    bool any = false;
    for (int k = 0; k < IM_NKINDS; k++) {
        if (a->err_known[k] || a->err[k] > 0) {   /* a kind it can see counts, even as 0 */
            json_object_set_new(e, im_kind_names[k], json_integer((json_int_t)a->err[k]));
            any = true;
        }
    }
    if (!any) {
        json_decref(e);
        return NULL;
    }
    return e;
}

static json_t *status_json(const im_acc *a)
{
    json_t *s = json_object();
    char key[16];
    for (int c = 0; c < IM_NSTATUS; c++) {
        if (a->status[c] == 0)
            continue;
        snprintf(key, sizeof key, "%d", c);
        json_object_set_new(s, key, json_integer((json_int_t)a->status[c]));
    }
    return s;
}

static int cmp_pct(const void *x, const void *y)
{
    double a = atof(*(const char *const *)x), b = atof(*(const char *const *)y);
    return a < b ? -1 : a > b;
}

/* The stated percentiles in ascending order of p. */
static json_t *sorted_percentiles(const json_t *p)
{
    size_t n = json_object_size(p), i = 0;
    const char **keys = calloc(n + 1, sizeof *keys), *k;
    json_t *v, *out = json_object();
    if (keys == NULL || out == NULL) {
        free(keys);
        json_decref(out);
        return NULL;
    }
    json_object_foreach((json_t *)p, k, v) keys[i++] = k;
    qsort(keys, n, sizeof *keys, cmp_pct);
    for (i = 0; i < n; i++)
        json_object_set(out, keys[i], json_object_get(p, keys[i]));
    free(keys);
    return out;
}

static void set_num(json_t *o, const char *key, double v)
{
    if (!isnan(v))
        json_object_set_new(o, key, json_real(v));
}

/* The latency object: from the histogram, or from the tool's statistics alone. */
static json_t *latency_json(const im_acc *a)
{
    static const struct { const char *key, *p; } pk[] = {
        {"p50", "50"}, {"p90", "90"}, {"p99", "99"}, {"p999", "99.9"}};
    json_t *l;
    if (rg_hist_count(a->hist) > 0) {
        l = rg_latency_json(a->hist);
        if (l && a->hist_kind && strcmp(a->hist_kind, "approximate") == 0) {
            /* the tool's own figures are exact where the rebuilt histogram is not */
            set_num(l, "mean", a->lat_mean);
            set_num(l, "stdev", a->lat_stdev);
            set_num(l, "min", a->lat_min);
            set_num(l, "max", a->lat_max);
            for (size_t i = 0; i < sizeof pk / sizeof pk[0]; i++) {
                json_t *v = json_object_get(a->percentiles, pk[i].p);
                if (v)
                    json_object_set(l, pk[i].key, v);
            }
        }
    } else {
        if (isnan(a->lat_mean) && isnan(a->lat_max) && json_object_size(a->percentiles) == 0)
            return NULL;
        l = json_object();
        json_object_set_new(l, "unit", json_string("us"));
        set_num(l, "mean", a->lat_mean);
        set_num(l, "stdev", a->lat_stdev);
        set_num(l, "min", a->lat_min);
        set_num(l, "max", a->lat_max);
        for (size_t i = 0; i < sizeof pk / sizeof pk[0]; i++) {
            json_t *v = json_object_get(a->percentiles, pk[i].p);
            if (v)
                json_object_set(l, pk[i].key, v);
        }
    }
    if (l && json_object_size(a->percentiles) > 0)
        json_object_set_new(l, "percentiles", sorted_percentiles(a->percentiles));
    return l;
}

/*
 * The per-second series: whole seconds of the window only. A last, partial second (a 4.93 s
 * window has 0.93 s in its fifth bin) would read as a drop in throughput and set off the
 * analysis's drift warning, so it is left out.
 */
static json_t *series_json(const im_acc *a, double window_s)
{
    if (a->ts_given)
        return json_incref(a->ts_given);
    size_t n = a->ts_n;
    if (!isnan(window_s) && (double)n > floor(window_s + 0.001))
        n = (size_t)floor(window_s + 0.001);
    if (n == 0)
        return NULL;
    json_t *ts = json_object(), *r = json_array(), *e = json_array(), *p50 = json_array(),
           *p99 = json_array();
    for (size_t i = 0; i < n; i++) {
        const rg_hist *h = i < IM_MAX_SERIES_HISTS ? a->ts_hist[i] : NULL;
        json_array_append_new(r, json_integer((json_int_t)a->ts_req[i]));
        json_array_append_new(e, json_integer((json_int_t)a->ts_err[i]));
        json_array_append_new(p50, h ? json_integer(rg_hist_percentile(h, 50)) : json_null());
        json_array_append_new(p99, h ? json_integer(rg_hist_percentile(h, 99)) : json_null());
    }
    json_object_set_new(ts, "requests", r);
    json_object_set_new(ts, "errors", e);
    json_object_set_new(ts, "p50", p50);
    json_object_set_new(ts, "p99", p99);
    return ts;
}

/* The provenance object: file, tool, format, version, what the histogram is, notes. */
static json_t *import_json(im_acc *a, const im_format *f, const im_opts *o, const char *name)
{
    json_t *im = json_object(), *k, *v;
    const char *key;
    json_object_set_new(im, "file", json_string(name));
    json_object_set_new(im, "tool", json_string(f->tool));
    json_object_set_new(im, "format", json_string(f->name));
    json_object_set_new(im, "format_version", a->version ? json_string(a->version) : json_null());
    json_object_set_new(im, "histogram", json_string(a->hist_kind ? a->hist_kind : "none"));
    if (a->resolution_us > 0)
        json_object_set_new(im, "resolution_us", json_real(a->resolution_us));
    if (a->time_resolution_s > 0)
        json_object_set_new(im, "time_resolution_s", json_real(a->time_resolution_s));
    if (o->skip_s > 0) {
        json_object_set_new(im, "skip_s", json_real(o->skip_s));
        json_object_set_new(im, "skipped_requests", json_integer((json_int_t)a->skipped));
    }
    json_object_foreach(a->extra, key, k) json_object_set(im, key, k);
    if (json_object_size(a->detail) > 0)
        json_object_set(im, "errors_detail", a->detail);
    v = json_array_size(a->notes) > 0 ? a->notes : NULL;
    if (v)
        json_object_set(im, "notes", v);
    return im;
}

/* Identity: the command line overrides the file. */
static json_t *new_run(im_acc *a, const im_format *f, const im_opts *o, const char *name)
{
    char target[256], source[64], started[40];
    const char *url = o->url ? o->url : a->url;
    long long conc = 0;
    double rate = 0;
    if (o->rate > 0)
        rate = o->rate;
    else if (o->concurrency > 0)
        conc = o->concurrency;
    else if (a->rate > 0)
        rate = a->rate;
    else
        conc = a->concurrency;
    target_name(a, o, name, target, sizeof target);
    snprintf(source, sizeof source, "import:%s", f->tool);
    int64_t t0 = a->cutoff != IM_NO_TIME && a->cutoff > a->first_start ? a->cutoff : a->t_start;
    bool dated = t0 != IM_NO_TIME && t0 > 0 && !a->relative_time;
    if (dated)
        rg_rfc3339(started, sizeof started, (uint64_t)t0);
    return rg_run_new(target, url, conc, rate, o->run > 0 ? o->run : 1, source, 1,
                      dated ? started : NULL);
}

static bool anything(const im_acc *a)
{
    uint64_t errs = 0;
    for (int k = 0; k < IM_NKINDS; k++)
        errs += a->err[k];
    return a->have_requests || errs > 0 || rg_hist_count(a->hist) > 0 ||
           !isnan(a->lat_mean) || json_object_size(a->percentiles) > 0;
}

json_t *im_acc_finish(im_acc *a, const im_format *f, const im_opts *o, const char *name,
                      char *err)
{
    if (!anything(a)) {
        rg_err_set(err, "%s: no request in the file (%s)", name,
                   a->skipped ? "all of them started within --skip" : "is it empty?");
        return NULL;
    }
    json_t *run = new_run(a, f, o, name), *x;
    double dur = window_s(a, o);
    if (run == NULL) {
        rg_err_set(err, "out of memory");
        return NULL;
    }
    set_num(run, "duration_s", dur);
    if (a->have_requests)
        json_object_set_new(run, "requests", json_integer((json_int_t)a->requests));
    if ((x = errors_json(a)) != NULL)
        json_object_set_new(run, "errors", x);
    if (a->have_status)
        json_object_set_new(run, "status", status_json(a));
    if (a->bytes_in >= 0)
        json_object_set_new(run, "bytes_in", json_integer(a->bytes_in));
    if (a->bytes_out >= 0)
        json_object_set_new(run, "bytes_out", json_integer(a->bytes_out));
    if (!isnan(a->throughput_rps))
        json_object_set_new(run, "throughput_rps", json_real(a->throughput_rps));
    else if (a->have_requests && dur > 0)
        json_object_set_new(run, "throughput_rps", json_real((double)a->requests / dur));
    if ((x = latency_json(a)) != NULL)
        json_object_set_new(run, "latency", x);
    json_object_update(run, a->run_keys);
    if ((x = series_json(a, dur)) != NULL)
        json_object_set_new(run, "timeseries", x);
    json_object_set_new(run, "import", import_json(a, f, o, name));
    return run;
}
