/*
 * tests/unit/loadgen/test_loadgen_run.c — lg_run end to end inside one process against the in-process
 * `rigor serve` engine: per-thread counters and histograms merged after join must add up to
 * what the server counted, and to the time series. No timing thresholds.
 */
#include <stdio.h>
#include <stdlib.h>
#include "core/dataset.h"
#include "core/err.h"
#include "loadgen/lg_int.h"
#include "serve/serve.h"
#include "tests/unit/unit.h"

static sv_server *srv;
static char url[64];

static void start_server(int status)
{
    char err[RG_ERRLEN];
    sv_opts o = {.threads = 2, .body_size = 100, .status = status, .fault_rate = 1};
    if (sv_parse_listen("127.0.0.1:0", &o, err) < 0 || (srv = sv_start(&o, err)) == NULL) {
        printf("# cannot start server: %s\n", err);
        exit(1);
    }
    snprintf(url, sizeof url, "http://127.0.0.1:%u/x", (unsigned)sv_port(srv));
}

static uint64_t stop_server(void)
{
    sv_stats st;
    sv_stop(srv, &st);
    return st.responses;
}

static double series_sum(const json_t *run, const char *key)
{
    const json_t *a = json_object_get(json_object_get(run, "timeseries"), key);
    double s = 0;
    for (size_t i = 0; i < json_array_size(a); i++)
        s += json_number_value(json_array_get(a, i));
    return s;
}

/* -n 3000 over 3 threads and 7 connections: exact count, merged histogram, series, status. */
static void test_count_merge(void)
{
    char err[RG_ERRLEN];
    lg_config cfg;
    start_server(200);
    lg_config_init(&cfg);
    cfg.url = url;
    cfg.threads = 3;
    cfg.connections = 7;
    cfg.requests = 3000;
    json_t *run = lg_run(&cfg, 2, err);
    uint64_t served = stop_server();
    CHECK_MSG(run != NULL, "%s", err);
    if (run == NULL)
        return;
    CHECK_INT(rg_json_num(run, "requests", -1), 3000);
    CHECK_INT(served, 3000);
    CHECK_INT(rg_json_num(run, "run", -1), 2);
    CHECK_INT(rg_json_path_num(run, "status.200", -1), 3000);
    CHECK_INT(rg_errors_total(json_object_get(run, "errors")), 0);
    CHECK_INT(rg_json_path_num(run, "latency.histogram.count", -1), 3000);
    CHECK_INT(series_sum(run, "requests"), 3000);
    CHECK_INT(rg_json_num(run, "threads", -1), 3);
    CHECK_INT(rg_json_num(run, "concurrency", -1), 7);
    CHECK(json_is_true(json_object_get(run, "complete")));
    /* every response is 100 body bytes plus the same headers */
    double in = rg_json_num(run, "bytes_in", 0);
    CHECK(in > 3000 * 100 && (uint64_t)in % 3000 == 0);
    char verr[RG_ERRLEN];
    json_t *ds = rg_dataset_new("t", 0, NULL);
    rg_dataset_append_run(ds, run);
    CHECK_MSG(rg_dataset_validate(ds, verr) == 0, "%s", verr);
    json_decref(ds);
}

/* Status errors: every 503 is a completed request and a `status` error. */
static void test_status_errors(void)
{
    char err[RG_ERRLEN];
    lg_config cfg;
    start_server(503);
    lg_config_init(&cfg);
    cfg.url = url;
    cfg.threads = 2;
    cfg.connections = 4;
    cfg.requests = 500;
    json_t *run = lg_run(&cfg, 1, err);
    stop_server();
    CHECK_MSG(run != NULL, "%s", err);
    CHECK_INT(rg_json_num(run, "requests", -1), 500);
    CHECK_INT(rg_json_path_num(run, "errors.status", -1), 500);
    CHECK_INT(rg_json_path_num(run, "status.503", -1), 500);
    CHECK_INT(series_sum(run, "errors"), 500);
    json_decref(run);
}

/* A stop request ends the run early with "complete": false. */
static void test_stop(void)
{
    char err[RG_ERRLEN];
    lg_config cfg;
    start_server(200);
    lg_config_init(&cfg);
    cfg.url = url;
    cfg.duration_s = 60;
    lg_request_stop();
    json_t *run = lg_run(&cfg, 1, err);
    stop_server();
    CHECK(lg_stop_requested());
    lg_clear_stop();
    CHECK(!lg_stop_requested());
    CHECK_MSG(run != NULL, "%s", err);
    CHECK(json_is_false(json_object_get(run, "complete")));
    CHECK(rg_json_num(run, "duration_s", 99) < 30);
    json_decref(run);
}

static void test_bad_config(void)
{
    char err[RG_ERRLEN];
    lg_config cfg;
    lg_config_init(&cfg);
    cfg.url = "ftp://127.0.0.1/";
    CHECK(lg_run(&cfg, 1, err) == NULL);
    CHECK_HAS(err, "unsupported URL scheme");
    cfg.url = "https://127.0.0.1:1/";
    cfg.cacert = "/nonexistent.pem";   /* the TLS context is built before any connection */
    CHECK(lg_run(&cfg, 1, err) == NULL);
    CHECK_HAS(err, "cannot use --cacert /nonexistent.pem");
    cfg.cacert = NULL;
    cfg.url = "http://127.0.0.1/";
    cfg.connections = 0;
    CHECK(lg_run(&cfg, 1, err) == NULL);
    cfg.connections = 1;
    cfg.capture_iface = "lo";
    cfg.duration_s = 0.2;
    json_t *run = lg_run(&cfg, 1, err);
    if (run == NULL)
        CHECK(strlen(err) > 0);   /* the capture stub or no permission: a message, no crash */
    json_decref(run);
}

int main(void)
{
    RUN(test_count_merge);
    RUN(test_status_errors);
    RUN(test_stop);
    RUN(test_bad_config);
    return unit_done();
}
