/*
 * tests/unit/import/test_import.c — the importers' building blocks against independent
 * references: timestamps against timegm, the accumulator's rules on hand-made samples,
 * wrk's coordinated-omission correction undone (the correction re-implemented here from wrk's
 * stats_correct, applied to a known histogram), the quantile rebuild, the HdrHistogram
 * percentile iteration, detection and the CSV export's number format.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "core/dataset.h"
#include "core/err.h"
#include "core/hist.h"
#include "import/import.h"
#include "import/import_int.h"
#include "tests/unit/unit.h"

static int64_t utc(int y, int mo, int d, int h, int mi, int s)
{
    struct tm tm = {.tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h,
                    .tm_min = mi, .tm_sec = s};
    return (int64_t)timegm(&tm) * 1000000000;
}

static void test_time_iso(void)
{
    int64_t ns;
    CHECK(im_time_iso("2017-05-09T14:34:45.625742514+02:00", &ns) == 0);
    CHECK_INT(ns, utc(2017, 5, 9, 12, 34, 45) + 625742514);
    CHECK(im_time_iso("2026-11-30T06:40:00Z", &ns) == 0);
    CHECK_INT(ns, utc(2026, 11, 30, 6, 40, 0));
    CHECK(im_time_iso("2026-11-30 06:40:00.5-0530", &ns) == 0);
    CHECK_INT(ns, utc(2026, 11, 30, 12, 10, 0) + 500000000);
    CHECK(im_time_iso("2026-11-30T06:40:00", &ns) == 0);   /* no zone: UTC */
    CHECK_INT(ns, utc(2026, 11, 30, 6, 40, 0));
    CHECK(im_time_iso("2026-13-30T06:40:00Z", &ns) != 0);
    CHECK(im_time_iso("2026-11-30T06:40:00+2", &ns) != 0);
    CHECK(im_time_iso("2026-11-30T06:40:00Z junk", &ns) != 0);
    CHECK(im_time_iso("yesterday", &ns) != 0);
}

static void test_epoch_auto(void)
{
    int64_t ns;
    double res;
    CHECK(im_time_epoch_auto(1796040000, &ns, &res) == 0);
    CHECK_INT(ns, INT64_C(1796040000) * 1000000000);
    CHECK_NEAR(res, 1, 0);
    CHECK(im_time_epoch_auto(1796040000123.0, &ns, &res) == 0);
    CHECK_INT(ns, INT64_C(1796040000123) * 1000000);
    CHECK(im_time_epoch_auto(1796040000.25, &ns, &res) == 0);
    CHECK_NEAR(res, 0, 0);
    CHECK(im_time_epoch_auto(1796040000123456.0, &ns, &res) == 0);
    CHECK_INT(ns, INT64_C(1796040000123456) * 1000);
    CHECK(im_time_epoch_auto(1.796040000123456e18, &ns, &res) == 0);
    CHECK(im_time_epoch_auto(12345, &ns, &res) != 0);
}

static void test_kinds_and_urls(void)
{
    char buf[300];
    CHECK_INT(im_kind_from_text("dial tcp 127.0.0.1:80: connect: connection refused"), IM_ERR_CONNECT);
    CHECK_INT(im_kind_from_text("ConnectionRefusedError(111, 'Connection refused')"), IM_ERR_CONNECT);
    CHECK_INT(im_kind_from_text("Non HTTP response code: java.net.SocketTimeoutException"), IM_ERR_TIMEOUT);
    CHECK_INT(im_kind_from_text("context deadline exceeded (Client.Timeout exceeded)"), IM_ERR_TIMEOUT);
    CHECK_INT(im_kind_from_text("read: connection reset by peer"), IM_ERR_READ);
    CHECK_INT(im_kind_from_text("write: broken pipe"), IM_ERR_WRITE);
    CHECK_INT(im_kind_from_text("RemoteDisconnected('Remote end closed connection')"), IM_ERR_READ);
    CHECK_INT(im_kind_from_text("x509: certificate signed by unknown authority"), IM_ERR_PROTOCOL);
    CHECK_INT(im_kind_from_text("HTTPError('503 Server Error')"), IM_ERR_STATUS);
    CHECK_INT(im_kind_from_text("something else"), IM_ERR_OTHER);
    CHECK(im_url_hostport("http://example.com/x", buf, sizeof buf) == 0);
    CHECK_STR(buf, "example.com:80");
    CHECK(im_url_hostport("https://u:p@host:8443?q", buf, sizeof buf) == 0);
    CHECK_STR(buf, "host:8443");
    CHECK(im_url_hostport("https://[::1]/", buf, sizeof buf) == 0);
    CHECK_STR(buf, "[::1]:443");
    CHECK(im_url_hostport("not a url", buf, sizeof buf) != 0);
}

static const im_format fake = {"test", "test", "exact", true, "", NULL, NULL};

static im_sample smp(int64_t start_ns, double us, int status, int kind)
{
    im_sample s = {.start_ns = start_ns, .end_ns = IM_NO_TIME, .latency_us = us,
                   .status = status, .kind = kind, .bytes_in = 10, .bytes_out = -1};
    return s;
}

/* The accumulator's rules: responses, status errors, transport errors, unknown statuses. */
static void test_acc_rules(void)
{
    im_acc a;
    im_opts o;
    char err[RG_ERRLEN];
    int64_t t0 = utc(2026, 11, 30, 6, 0, 0);
    im_opts_init(&o);
    CHECK(im_acc_init(&a, err) == 0);
    im_acc_sees(&a, IM_ERR_CONNECT, IM_ERR_STATUS);
    im_sample s[] = {smp(t0, 100, 200, IM_ERR_NONE), smp(t0 + 500000000, 300, 503, IM_ERR_NONE),
                     smp(t0 + 700000000, -1, 0, IM_ERR_CONNECT),
                     smp(t0 + 1500000000, 200, IM_STATUS_UNKNOWN, IM_ERR_NONE)};
    a.cutoff = t0;   /* as after pass 1, so the series is made */
    for (size_t i = 0; i < 4; i++)
        CHECK(im_acc_sample(&a, &s[i]) == 0);
    json_t *r = im_acc_finish(&a, &fake, &o, "x/run-1.csv.gz", err);
    CHECK(r != NULL);
    CHECK_STR(json_string_value(json_object_get(r, "target")), "run-1");
    CHECK_STR(json_string_value(json_object_get(r, "source")), "import:test");
    CHECK_INT(rg_json_num(r, "requests", -1), 3);
    CHECK_INT(rg_json_path_num(r, "errors.status", -1), 1);
    CHECK_INT(rg_json_path_num(r, "errors.connect", -1), 1);
    CHECK_INT(rg_json_path_num(r, "errors.timeout", -1), 0);
    CHECK(json_object_get(json_object_get(r, "errors"), "other") == NULL);
    CHECK_INT(rg_json_path_num(r, "status.200", -1), 1);
    CHECK_INT(rg_json_path_num(r, "status.503", -1), 1);
    CHECK_INT(json_object_size(json_object_get(r, "status")), 2);
    CHECK_INT(rg_json_path_num(r, "latency.histogram.count", -1), 3);
    CHECK_NEAR(rg_json_path_num(r, "latency.mean", -1), 200, 1e-9);
    CHECK_NEAR(rg_json_num(r, "duration_s", -1), 1.5002, 1e-9);
    CHECK_INT(rg_json_num(r, "bytes_in", -1), 40);
    /* whole seconds only: the 1.5 s window has one, holding the first three requests */
    json_t *ts = json_object_get(r, "timeseries");
    CHECK_INT(json_array_size(json_object_get(ts, "requests")), 1);
    CHECK_INT(json_integer_value(json_array_get(json_object_get(ts, "requests"), 0)), 2);
    CHECK_INT(json_integer_value(json_array_get(json_object_get(ts, "errors"), 0)), 2);
    CHECK_STR(json_string_value(json_object_get(r, "started")), "2026-11-30T06:00:00.000Z");
    json_decref(r);
    im_acc_free(&a);
}

/* --skip: the first pass finds the first start, the second drops what started before t0 + skip. */
static void test_acc_skip(void)
{
    im_acc a;
    im_opts o;
    char err[RG_ERRLEN];
    int64_t t0 = utc(2026, 11, 30, 6, 0, 0);
    im_opts_init(&o);
    o.skip_s = 1.5;
    CHECK(im_acc_init(&a, err) == 0);
    for (int pass = 1; pass <= 2; pass++) {
        a.pass = pass;
        if (pass == 2)
            im_acc_begin_pass2(&a, o.skip_s);
        for (int i = 3; i >= 0; i--) {   /* out of order on purpose */
            im_sample s = smp(t0 + i * INT64_C(1000000000), 1000, 200, IM_ERR_NONE);
            CHECK(im_acc_sample(&a, &s) == 0);
        }
    }
    json_t *r = im_acc_finish(&a, &fake, &o, "f", err);
    CHECK_INT(rg_json_num(r, "requests", -1), 2);
    CHECK_INT(rg_json_path_num(r, "import.skipped_requests", -1), 2);
    CHECK_NEAR(rg_json_num(r, "duration_s", -1), 1.501, 1e-9);   /* from the cut to the last end */
    json_decref(r);
    im_acc_free(&a);
}

/* Percentile points rebuild a histogram that gives each of them back. */
static void test_quantiles(void)
{
    im_acc a;
    char err[RG_ERRLEN];
    double p[] = {50, 90, 99, 100}, us[] = {1000, 2000, 5000, 9000};
    CHECK(im_acc_init(&a, err) == 0);
    im_acc_from_quantiles(&a, p, us, 4, 200);
    CHECK_INT(rg_hist_count(a.hist), 200);
    CHECK_INT(rg_hist_percentile(a.hist, 50), 1000);
    CHECK_INT(rg_hist_percentile(a.hist, 90), 2000);
    /* reported as the highest value of its bucket (4 us wide at 5000 with 3 digits) */
    CHECK_INT(rg_hist_lowest_equivalent(a.hist, rg_hist_percentile(a.hist, 99)), 5000);
    CHECK_INT(rg_hist_max(a.hist), 9000);
    CHECK_STR(a.hist_kind, "approximate");
    im_acc_free(&a);
}

/* wrk's stats_correct (wrk 4.x src/stats.c), applied to data[0..n). */
static void wrk_correct(uint64_t *data, int64_t n, int64_t expected)
{
    for (int64_t v = expected * 2; v < n; v++) {
        uint64_t count = data[v];
        int64_t m = v - expected;
        while (count && m > expected) {
            data[m] += count;
            m -= expected;
        }
    }
}

/* The Lua script's JSON for a histogram, corrected as wrk does; undone on import. */
static void test_wrk_uncorrect(void)
{
    enum { N = 20000 };
    static uint64_t raw[N], cor[N];
    uint64_t requests = 0;
    srand(7);
    for (int i = 0; i < 3000; i++) {   /* mostly 200-1500 us, a tail to 15 ms */
        int v = i % 10 == 0 ? 2000 + rand() % 13000 : 200 + rand() % 1300;
        raw[v]++;
        requests++;
    }
    int64_t conns = 8, duration_us = 2000000, e = duration_us / (int64_t)(requests / 8);
    memcpy(cor, raw, sizeof raw);
    wrk_correct(cor, N, e);
    char path[] = "/tmp/rigor-test-wrk.XXXXXX";
    int fd = mkstemp(path);
    FILE *f = fdopen(fd, "w");
    fprintf(f, "{\"format\": \"rigor-wrk-histogram\", \"version\": 1, \"url\": \"http://h:1/\", "
               "\"threads\": 1, \"duration_us\": %lld, \"requests\": %llu, \"bytes\": 1, "
               "\"errors\": {\"connect\": 0, \"read\": 1, \"write\": 0, \"status\": 2, "
               "\"timeout\": 0}, \"histogram\": [", (long long)duration_us,
            (unsigned long long)requests);
    bool first = true;
    uint64_t corrected = 0;
    for (int v = 0; v < N; v++)
        if (cor[v]) {
            fprintf(f, "%s[%d, %llu]", first ? "" : ", ", v, (unsigned long long)cor[v]);
            first = false;
            corrected += cor[v];
        }
    fprintf(f, "]}\n");
    fclose(f);
    CHECK(corrected > requests);
    for (int given = 0; given <= 1; given++) {   /* the interval found, or from --concurrency */
        im_opts o;
        char err[RG_ERRLEN];
        im_opts_init(&o);
        o.concurrency = given ? conns : 0;
        json_t *r = im_import_file(path, &o, err);
        CHECK_MSG(r != NULL, "%s", err);
        rg_hist *got = rg_hist_from_json(rg_json_path_num(r, "latency.histogram.count", 0) > 0 ?
                                         json_object_get(json_object_get(r, "latency"), "histogram")
                                         : NULL, err);
        rg_hist *want = rg_hist_new(RG_HIST_DEFAULT_HIGHEST, 3, err);
        for (int v = 0; v < N; v++)
            rg_hist_record_n(want, v, raw[v]);
        CHECK(got != NULL);
        if (got) {
            CHECK_INT(rg_hist_count(got), requests);
            for (double p = 1; p <= 100; p += 1)
                CHECK_INT(rg_hist_percentile(got, p), rg_hist_percentile(want, p));
        }
        CHECK_INT(rg_json_path_num(r, "errors.status", -1), 2);
        char *im = json_dumps(json_object_get(r, "import"), 0);
        CHECK_HAS(im, "correction undone");
        free(im);
        rg_hist_free(got);
        rg_hist_free(want);
        json_decref(r);
    }
    unlink(path);
}

/* HdrHistogram's percentile iteration: 0, 10 ... 50, 55 ... 75, 77.5 ...; the 100% line. */
static void test_hgrm_levels(void)
{
    char err[RG_ERRLEN], *buf = NULL;
    size_t len = 0;
    rg_hist *h = rg_hist_new(RG_HIST_DEFAULT_HIGHEST, 3, err);
    for (int v = 1; v <= 1000; v++)
        rg_hist_record(h, v);
    json_t *j = rg_hist_to_json(h);
    FILE *m = open_memstream(&buf, &len);
    CHECK(im_write_hgrm(j, 1, m, err) == 0);
    fclose(m);
    static const double want[] = {0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75,
                                  0.775, 0.8, 0.825, 0.85, 0.875, 0.8875, 0.9};
    double v, p, t, prev_t = 0;
    size_t k = 0, lines = 0;
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
        if (!im_hgrm_line(line, &v, &p, &t))
            continue;
        if (k < sizeof want / sizeof want[0])
            CHECK_NEAR(p, want[k++], 1e-12);
        CHECK(t >= prev_t);
        prev_t = t;
        lines++;
    }
    CHECK_NEAR(p, 1.0, 0);
    CHECK_NEAR(t, 1000, 0);
    CHECK_NEAR(v, 1000, 0);
    CHECK(lines > 40);
    free(buf);
    json_decref(j);
    rg_hist_free(h);
}

static void test_detect(void)
{
    static const struct { const char *text, *format; } cases[] = {
        {"metric_name,timestamp,metric_value,check\nhttp_reqs,1796040000,1,\n", "k6-csv"},
        {"response-time,DNS+dialup,DNS,Request-write,Response-delay,Response-read\n0.1,0,0,0,0,0\n", "hey"},
        {"starttime\tseconds\tctime\tdtime\tttime\twait\n", "ab"},
        {"1796040100009652480,200,5951000,0,12,,,,0\n", "vegeta"},
        {"1796047621898,4,GET /,200,OK,users 1-1,text,true,92,4,4,4\n", "jmeter-jtl"},
        {"       Value     Percentile TotalCount 1/(1-Percentile)\n\n 1.0 0.0 1 1.00\n", "hgrm"},
    };
    char path[] = "/tmp/rigor-test-detect.XXXXXX", err[RG_ERRLEN];
    int fd = mkstemp(path);
    close(fd);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        FILE *f = fopen(path, "w");
        fputs(cases[i].text, f);
        fclose(f);
        im_opts o;
        im_opts_init(&o);
        json_t *r = im_import_file(path, &o, err);
        const char *fmt = json_string_value(json_object_get(json_object_get(r, "import"), "format"));
        /* some heads are too short to import; the error must then not be a detection one */
        CHECK_MSG(r ? strcmp(fmt, cases[i].format) == 0 : strstr(err, "cannot tell") == NULL,
                  "%s: %s", cases[i].format, r ? fmt : err);
        json_decref(r);
    }
    unlink(path);
}

static void test_export_numbers(void)
{
    char *buf = NULL, err[RG_ERRLEN];
    size_t len = 0;
    json_t *ds = rg_dataset_new(NULL, 0, NULL);
    json_t *run = rg_run_new("a,\"b\"", NULL, 10, 0, 1, "load", 1, NULL);
    json_object_set_new(run, "throughput_rps", json_real(0.1));
    json_object_set_new(run, "duration_s", json_real(1.0 / 3));
    rg_dataset_append_run(ds, run);
    FILE *m = open_memstream(&buf, &len);
    const char *names[] = {"d.json"};
    CHECK(im_export_csv(&ds, names, 1, m, err) == 0);
    fclose(m);
    CHECK_HAS(buf, "\"d.json\",\"a,\"\"b\"\"\",,10,,1,\"load\",true,,0.3333333333333333,,,");
    CHECK_HAS(buf, ",0.1,");
    free(buf);
    json_decref(ds);
}

int main(void)
{
    RUN(test_time_iso);
    RUN(test_epoch_auto);
    RUN(test_kinds_and_urls);
    RUN(test_acc_rules);
    RUN(test_acc_skip);
    RUN(test_quantiles);
    RUN(test_wrk_uncorrect);
    RUN(test_hgrm_levels);
    RUN(test_detect);
    RUN(test_export_numbers);
    return unit_done();
}
