/*
 * tests/fuzz/fuzz_capture_http.c — differential fuzz target: the HTTP fast path
 * (capture/http_fast.c) against http-parser alone.
 *
 * The input is a TCP conversation in the segment format of
 * tests/fixtures/capture/http_diff.h. It is run through an engine as configured by default
 * and through one with every message parsed by http-parser; any difference in the
 * transactions or the counters aborts (a crash for libFuzzer and for the replay driver).
 * The corpus holds plain heads (the fast path), every kind of head it must leave to the
 * parser, heads split across segments, bodies spanning segments, pipelining, gaps and FINs.
 */
#include <stdlib.h>
#include "tests/fixtures/capture/http_diff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (cap_diff_stream(data, size, NULL) != 0)
        abort();
    return 0;
}
