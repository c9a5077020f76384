/*
 * tests/unit/loadgen/test_loadgen_tls.c — lg_run over HTTPS inside one process against the
 * in-process `rigor serve` engine with TLS (tests/fixtures/tls): what the client counts
 * (requests, handshakes, resumptions, versions) must equal what the server counted, failures
 * must be `tls` errors, and the TLS options are checked before a run. No timing thresholds.
 */
#include <stdio.h>
#include <stdlib.h>
#include "core/dataset.h"
#include "core/err.h"
#include "loadgen/lg_int.h"
#include "serve/serve.h"
#include "tests/unit/unit.h"

#define CERT "tests/fixtures/tls/server.pem"
#define KEY "tests/fixtures/tls/server.key"
#define OTHER "tests/fixtures/tls/other.pem"
#define OTHER_KEY "tests/fixtures/tls/other.key"

static sv_server *srv;
static char url[96];

/* The server with the certificate cert (and its key), or plain HTTP when cert is NULL. */
static void start_server_cert(const char *cert, const char *key, const char *scheme_host)
{
    char err[RG_ERRLEN];
    sv_opts o = {.threads = 2, .body_size = 100, .status = 200, .fault_rate = 1};
    o.tls_cert = cert;
    o.tls_key = key;
    if (sv_parse_listen("127.0.0.1:0", &o, err) < 0 || (srv = sv_start(&o, err)) == NULL) {
        printf("# cannot start server: %s\n", err);
        exit(1);
    }
    snprintf(url, sizeof url, "%s:%u/x", scheme_host, (unsigned)sv_port(srv));
}

static void start_server(bool tls, const char *scheme_host)
{
    start_server_cert(tls ? CERT : NULL, tls ? KEY : NULL, scheme_host);
}

/* The count of a TLS version in the run's tls object (its keys contain dots). */
static double version_count(const json_t *run, const char *v)
{
    return rg_json_num(json_object_get(json_object_get(run, "tls"), "versions"), v, -1);
}

static sv_stats stop_server(void)
{
    sv_stats st;
    sv_stop(srv, &st);
    return st;
}

static json_t *run_https(lg_config *cfg, char *err)
{
    cfg->url = url;
    json_t *run = lg_run(cfg, 1, err);
    CHECK_MSG(run != NULL, "%s", err);
    return run;
}

/* Keep-alive over 3 threads: one verified TLS 1.3 handshake per connection, both sides. */
static void test_count_handshakes(void)
{
    char err[RG_ERRLEN];
    lg_config cfg;
    start_server(true, "https://localhost");
    lg_config_init(&cfg);
    cfg.threads = 3;
    cfg.connections = 7;
    cfg.requests = 3000;
    cfg.cacert = CERT;
    json_t *run = run_https(&cfg, err);
    sv_stats st = stop_server();
    if (run == NULL)
        return;
    CHECK_INT(rg_json_num(run, "requests", -1), 3000);
    CHECK_INT(st.responses, 3000);
    CHECK_INT(rg_errors_total(json_object_get(run, "errors")), 0);
    CHECK_INT(rg_json_path_num(run, "errors.tls", -1), 0);
    CHECK_INT(rg_json_num(run, "tls_handshakes", -1), 7);
    CHECK_INT(st.tls_handshakes, 7);
    CHECK_INT(rg_json_path_num(run, "tls_handshake.histogram.count", -1), 7);
    CHECK_INT(rg_json_path_num(run, "connect.histogram.count", -1), 7);
    CHECK_INT(version_count(run, "TLSv1.3"), 7);
    CHECK_STR(json_string_value(json_object_get(json_object_get(run, "tls"), "alpn")),
              "http/1.1");
    CHECK(json_is_true(json_object_get(json_object_get(run, "tls"), "verify")));
    /* bytes are HTTP bytes: 3000 identical responses */
    CHECK((uint64_t)rg_json_num(run, "bytes_in", 0) % 3000 == 0);
    char verr[RG_ERRLEN];
    json_t *ds = rg_dataset_new("t", 0, NULL);
    rg_dataset_append_run(ds, run);
    CHECK_MSG(rg_dataset_validate(ds, verr) == 0, "%s", verr);
    json_decref(ds);
}

/* A connection per request: every handshake after the first ones resumes a session, and
 * the client's count of resumptions is the server's. */
static void one_resume_run(bool resume, int version)
{
    char err[RG_ERRLEN];
    lg_config cfg;
    start_server(true, "https://127.0.0.1");
    lg_config_init(&cfg);
    cfg.connections = 3;
    cfg.requests = 200;
    cfg.keepalive = false;
    cfg.insecure = true;
    cfg.tls_resume = resume;
    cfg.tls_version = version;
    json_t *run = run_https(&cfg, err);
    sv_stats st = stop_server();
    if (run == NULL)
        return;
    CHECK_INT(rg_json_num(run, "requests", -1), 200);
    CHECK_INT(rg_json_num(run, "tls_handshakes", -1), 200);
    CHECK_INT(st.tls_handshakes, 200);
    CHECK_INT(rg_json_path_num(run, "tls.resumed", -1), st.tls_resumed);
    if (resume)
        CHECK_MSG(st.tls_resumed >= 190, "resumed %llu of 200",
                  (unsigned long long)st.tls_resumed);
    else
        CHECK_INT(st.tls_resumed, 0);
    CHECK_INT(version_count(run, version == 12 ? "TLSv1.2" : "TLSv1.3"), 200);
    CHECK(json_is_false(json_object_get(json_object_get(run, "tls"), "verify")));
    json_decref(run);
}

static void test_resumption(void)
{
    one_resume_run(true, 0);
    one_resume_run(true, 12);
    one_resume_run(false, 0);
    one_resume_run(false, 12);
}

/* Failed handshakes are `tls` errors; with -n each stands for its request, so the run ends. */
static void one_failing_run(const char *cert, const char *key, const char *host,
                            const char *cacert, const char *err_kind)
{
    char err[RG_ERRLEN];
    lg_config cfg;
    start_server_cert(cert, key, host);
    lg_config_init(&cfg);
    cfg.connections = 2;
    cfg.requests = 6;
    cfg.cacert = cacert;
    json_t *run = run_https(&cfg, err);
    sv_stats st = stop_server();
    if (run == NULL)
        return;
    CHECK_INT(rg_json_num(run, "requests", -1), 0);
    CHECK_INT(st.responses, 0);
    CHECK_INT(rg_json_path_num(run, err_kind, -1), 6);
    CHECK_INT(rg_errors_total(json_object_get(run, "errors")), 6);
    CHECK_INT(rg_json_num(run, "tls_handshakes", -1), 0);
    json_decref(run);
}

static void test_failures(void)
{
    one_failing_run(CERT, KEY, "https://localhost", NULL, "errors.tls");   /* self-signed */
    one_failing_run(CERT, KEY, "https://localhost", OTHER, "errors.tls");  /* another CA */
    one_failing_run(OTHER, OTHER_KEY, "https://localhost", OTHER, "errors.tls");  /* name */
    one_failing_run(OTHER, OTHER_KEY, "https://127.0.0.1", OTHER, "errors.tls");  /* address */
    one_failing_run(NULL, NULL, "https://127.0.0.1", CERT, "errors.tls");  /* plain server */
}

/* http:// to a TLS server: the server answers nothing it can parse; never a success. */
static void test_plain_to_tls(void)
{
    char err[RG_ERRLEN];
    lg_config cfg;
    start_server(true, "http://127.0.0.1");
    lg_config_init(&cfg);
    cfg.connections = 1;
    cfg.requests = 3;
    cfg.timeout_s = 2;
    cfg.url = url;
    json_t *run = lg_run(&cfg, 1, err);
    sv_stats st = stop_server();
    CHECK_MSG(run != NULL, "%s", err);
    if (run == NULL)
        return;
    CHECK_INT(rg_json_num(run, "requests", -1), 0);
    CHECK_INT(rg_errors_total(json_object_get(run, "errors")), 3);
    CHECK(json_object_get(json_object_get(run, "errors"), "tls") == NULL);   /* http run */
    CHECK(st.tls_failures >= 1);
    json_decref(run);
}

static void test_check(void)
{
    char err[RG_ERRLEN];
    lg_config cfg;
    lg_config_init(&cfg);
    cfg.url = "https://localhost:1/";
    CHECK_INT(lg_tls_check(&cfg, err), 0);
    cfg.cacert = CERT;
    CHECK_INT(lg_tls_check(&cfg, err), 0);
    cfg.cacert = "tests/fixtures/tls/README.md";
    CHECK_INT(lg_tls_check(&cfg, err), -1);
    CHECK_HAS(err, "cannot use --cacert tests/fixtures/tls/README.md");
    cfg.cacert = "/nonexistent.pem";
    CHECK_INT(lg_tls_check(&cfg, err), -1);
    cfg.cacert = CERT;
    cfg.insecure = true;
    CHECK_INT(lg_tls_check(&cfg, err), -1);
    CHECK_HAS(err, "exclusive");
    lg_config_init(&cfg);
    cfg.url = "http://localhost:1/";
    CHECK_INT(lg_tls_check(&cfg, err), 0);
    cfg.tls_resume = false;
    CHECK_INT(lg_tls_check(&cfg, err), -1);
    CHECK_HAS(err, "need an https:// URL");
}

int main(void)
{
    RUN(test_count_handshakes);
    RUN(test_resumption);
    RUN(test_failures);
    RUN(test_plain_to_tls);
    RUN(test_check);
    return unit_done();
}
