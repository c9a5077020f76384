/*
 * import/im_export.c — results leaving rigor: one CSV row per run, and HdrHistogram
 * percentile distributions.
 *
 * CSV: the columns of im_csv_columns, in that order, forever (docs/import.md): a new column
 * may be appended, none renamed or moved. Fields are quoted by libcsv (RFC 4180); unknown
 * values are empty cells, never zeros. Numbers are written in the shortest form that reads
 * back to the same double.
 * hgrm: the text HdrHistogram's outputPercentileDistribution prints (and its plotter reads),
 * made from rigor's histogram, which has HdrHistogram's layout: the same percentile
 * iteration (5 ticks per half distance: levels 0, 10, 20 ... 50, 55 ... 75, 77.5 ...), one
 * line each time the cumulative count reaches a level, the value being the highest value
 * equivalent to the bucket reached, then the 100% line and the footer (the mean and the max
 * exact, as rigor keeps them; HdrHistogram's mean is from bucket midpoints, a last digit
 * may differ).
 * Written here because Debian packages HdrHistogram only for Java and Go, not C;
 * tests/e2e/import_export.sh checks the output line for line against hdr-histogram-js.
 * Expected load: thousands of runs; a histogram of a few thousand buckets per cell.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <csv.h>
#include "core/dataset.h"
#include "core/err.h"
#include "core/hist.h"
#include "import/import_int.h"

const char *const im_csv_columns[] = {
    "dataset", "target", "url", "concurrency", "rate", "run", "source", "complete", "started",
    "duration_s", "requests", "errors", "errors_connect", "errors_read", "errors_write",
    "errors_timeout", "errors_protocol", "errors_status", "throughput_rps",
    "latency_mean_us", "latency_stdev_us", "latency_min_us", "latency_p50_us",
    "latency_p90_us", "latency_p99_us", "latency_p999_us", "latency_max_us", "bytes_in",
    "bytes_out", "server_cpu_pct_mean", "server_cpu_pct_max", "server_rss_kb_max",
    "wire_latency_p50_us", "wire_latency_p99_us", "histogram_count", NULL};

/* The shortest decimal text that reads back as v. */
static void fmt_num(char *buf, size_t len, double v)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, len, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

/* A text field, quoted by libcsv (RFC 4180: always quoted, quotes doubled). */
static void put(FILE *out, const char *s, bool first)
{
    if (!first)
        fputc(',', out);
    if (s && *s)
        csv_fwrite(out, s, strlen(s));
}

/* A number or boolean: never needs quotes, and stays a number for spreadsheets. */
static void put_raw(FILE *out, const char *s, bool first)
{
    if (!first)
        fputc(',', out);
    fputs(s, out);
}

/* A JSON value as a CSV field: strings, numbers, booleans; empty for null/absent. */
static void put_json(FILE *out, const json_t *v, bool first)
{
    char buf[64];
    if (json_is_string(v))
        put(out, json_string_value(v), first);
    else if (json_is_integer(v)) {
        snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
        put_raw(out, buf, first);
    } else if (json_is_real(v)) {
        fmt_num(buf, sizeof buf, json_real_value(v));
        put_raw(out, buf, first);
    } else if (json_is_boolean(v))
        put_raw(out, json_is_true(v) ? "true" : "false", first);
    else
        put(out, NULL, first);
}

static const json_t *path(const json_t *o, const char *a, const char *b)
{
    const json_t *x = json_object_get(o, a);
    return b ? json_object_get(x, b) : x;
}

static void put_row(FILE *out, const char *dsname, const json_t *r)
{
    static const char *const direct[][2] = {
        {"target", NULL}, {"url", NULL}, {"concurrency", NULL}, {"rate", NULL}, {"run", NULL},
        {"source", NULL}};
    static const char *const kinds[] = {"connect", "read", "write", "timeout", "protocol",
                                        "status"};
    static const char *const lat[] = {"mean", "stdev", "min", "p50", "p90", "p99", "p999",
                                      "max"};
    const json_t *errs = json_object_get(r, "errors"), *c = json_object_get(r, "complete");
    char buf[64];
    put(out, dsname, true);
    for (size_t i = 0; i < sizeof direct / sizeof direct[0]; i++)
        put_json(out, path(r, direct[i][0], direct[i][1]), false);
    put_raw(out, c == NULL || json_is_true(c) ? "true" : "false", false);
    put_json(out, path(r, "started", NULL), false);
    put_json(out, path(r, "duration_s", NULL), false);
    put_json(out, path(r, "requests", NULL), false);
    snprintf(buf, sizeof buf, "%llu", (unsigned long long)rg_errors_total(errs));
    put_raw(out, json_is_object(errs) ? buf : "", false);
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        put_json(out, json_object_get(errs, kinds[i]), false);
    put_json(out, path(r, "throughput_rps", NULL), false);
    for (size_t i = 0; i < sizeof lat / sizeof lat[0]; i++)
        put_json(out, path(r, "latency", lat[i]), false);
    put_json(out, path(r, "bytes_in", NULL), false);
    put_json(out, path(r, "bytes_out", NULL), false);
    put_json(out, path(r, "server", "cpu_pct_mean"), false);
    put_json(out, path(r, "server", "cpu_pct_max"), false);
    put_json(out, path(r, "server", "rss_kb_max"), false);
    put_json(out, path(r, "wire", "p50"), false);
    put_json(out, path(r, "wire", "p99"), false);
    put_json(out, json_object_get(path(r, "latency", "histogram"), "count"), false);
    fputc('\n', out);
}

int im_export_csv(json_t *const *datasets, const char *const *names, size_t n, FILE *out,
                  char *err)
{
    for (size_t i = 0; im_csv_columns[i]; i++)
        put_raw(out, im_csv_columns[i], i == 0);
    fputc('\n', out);
    for (size_t d = 0; d < n; d++) {
        const json_t *r;
        size_t i;
        json_array_foreach(json_object_get(datasets[d], "runs"), i, r)
            put_row(out, names && names[d] ? names[d] : "", r);
    }
    if (ferror(out))
        return rg_err(err, "write error");
    return 0;
}

/* HdrHistogram's PercentileIterator step: ticks double each time the distance to 100%
 * halves. */
static double next_level(double level)
{
    double ticks = 5.0 * pow(2.0, floor(log(100.0 / (100.0 - level)) / log(2.0)) + 1);
    return level + 100.0 / ticks;
}

/* HdrHistogram's bucket count for a histogram of this range and precision. */
static int bucket_count(int64_t highest, int sigfigs)
{
    int64_t sub = 1, largest = 2 * (int64_t)pow(10, sigfigs);
    while (sub < largest)
        sub <<= 1;
    int buckets = 1;
    for (int64_t smallest = sub; smallest <= highest; smallest <<= 1) {
        buckets++;
        if (smallest > INT64_MAX / 2)
            break;
    }
    return buckets;
}

static void hgrm_footer(const rg_hist *h, double unit, int dec, FILE *out)
{
    int64_t sub = 1, largest = 2 * (int64_t)pow(10, rg_hist_sigfigs(h));
    while (sub < largest)
        sub <<= 1;
    fprintf(out, "#[Mean    = %12.*f, StdDeviation   = %12.*f]\n", dec, rg_hist_mean(h) / unit,
            dec, rg_hist_stdev(h) / unit);
    fprintf(out, "#[Max     = %12.*f, Total count    = %12llu]\n", dec,
            (double)rg_hist_max(h) / unit,
            (unsigned long long)rg_hist_count(h));
    fprintf(out, "#[Buckets = %12d, SubBuckets     = %12lld]\n",
            bucket_count(rg_hist_highest(h), rg_hist_sigfigs(h)), (long long)sub);
}

int im_write_hgrm(const json_t *histogram, double unit_us, FILE *out, char *err)
{
    char e[RG_ERRLEN];
    rg_hist *h = rg_hist_from_json(histogram, e);
    if (h == NULL)
        return rg_err(err, "%s", e);
    uint64_t total = rg_hist_count(h), cum = 0, count;
    int dec = rg_hist_sigfigs(h);
    if (total == 0) {
        rg_hist_free(h);
        return rg_err(err, "empty histogram");
    }
    fprintf(out, "%12s %14s %10s %14s\n\n", "Value", "Percentile", "TotalCount",
            "1/(1-Percentile)");
    double level = 0;
    size_t pos = 0;
    int64_t lo, hi, last = 0;
    while (cum < total && rg_hist_next(h, &pos, &lo, &hi, &count)) {
        cum += count;
        last = hi;
        double cur = 100.0 * (double)cum / (double)total;
        while (level <= cur) {
            fprintf(out, "%12.*f %2.12f %10llu %14.2f\n", dec, (double)hi / unit_us,
                    level / 100.0, (unsigned long long)cum, 1.0 / (1.0 - level / 100.0));
            level = next_level(level);
            if (cum == total)   /* the last value is reported once, then the 100% line */
                break;
        }
    }
    fprintf(out, "%12.*f %2.12f %10llu\n", dec, (double)last / unit_us, 1.0,
            (unsigned long long)total);
    hgrm_footer(h, unit_us, dec, out);
    rg_hist_free(h);
    return ferror(out) ? rg_err(err, "write error") : 0;
}
