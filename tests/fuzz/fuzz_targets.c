/*
 * tests/fuzz/fuzz_targets.c — fuzz target for the request-mix parser (loadgen/targets.c):
 * vegeta's HTTP and JSON-lines targets formats, as `rigor load --targets` reads them, and
 * the same bytes as a plan's inline "requests" array when they parse as JSON. Must never
 * crash; an accepted mix must have entries whose methods, URLs and headers pass the load
 * generator's own checks, endpoints that index its endpoint list, positive weights, and
 * serialize, entry by entry, to requests that start with the method and hold their body.
 * @body files are looked up in a directory that does not exist, so the input alone decides.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>
#include "core/err.h"
#include "loadgen/lg_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const lg_targets *t)
{
    char err[RG_ERRLEN];
    lg_config cfg;
    lg_url u;
    lg_req *reqs;
    char **bufs;
    size_t n;
    assert(t->n > 0 && t->nendpoints > 0 && t->nendpoints <= t->n);
    for (size_t i = 0; i < t->n; i++) {
        const lg_target_req *r = &t->v[i];
        assert(r->endpoint < t->nendpoints && r->weight > 0);
        assert(lg_method_check(r->method, err) == 0);
        for (size_t h = 0; h < r->nheaders; h++)
            assert(lg_header_check(r->headers[h], err) == 0);
    }
    lg_config_init(&cfg);
    cfg.url = t->v[0].url;
    cfg.targets = t;
    assert(lg_url_parse(cfg.url, &u, err) == 0);
    int rc = lg_requests_build(&cfg, &u, &reqs, &n, &bufs, err);
    assert(rc == 0 && n == t->n);
    for (size_t i = 0; i < n; i++) {
        size_t ml = strlen(t->v[i].method);
        assert(reqs[i].len > ml && memcmp(reqs[i].buf, t->v[i].method, ml) == 0);
        assert(reqs[i].len >= t->v[i].body_len);
        assert(t->v[i].body_len == 0 || memcmp(reqs[i].buf + reqs[i].len - t->v[i].body_len,
                                               t->v[i].body, t->v[i].body_len) == 0);
        free(bufs[i]);
    }
    free(bufs);
    free(reqs);
    lg_url_free(&u);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[RG_ERRLEN];
    lg_targets *t = lg_targets_parse((const char *)data, size, "fuzz", "/nonexistent-dir", err);
    if (t != NULL)
        check(t);
    else
        assert(strncmp(err, "fuzz", 4) == 0 || strcmp(err, "out of memory") == 0);
    lg_targets_free(t);
    json_t *j = json_loadb((const char *)data, size, 0, NULL);
    if (json_is_array(j)) {
        t = lg_targets_from_json(j, "requests", "/nonexistent-dir", err);
        if (t != NULL)
            check(t);
        lg_targets_free(t);
    }
    json_decref(j);
    return 0;
}
