/*
 * tests/unit/core/test_json_fast.c — the fast dataset reader (core/json_fast.c) against
 * jansson itself, the reference: on every input it must return jansson's document
 * (json_loadb with JSON_REJECT_DUPLICATES, compared with json_equal: same types, same
 * values, same keys) or NULL, and NULL whenever jansson refuses the text. Inputs: the edge
 * cases of RFC 8259 (numbers, escapes, UTF-8, nesting, duplicates), real datasets, and
 * every prefix of a small document (truncations).
 */
#include <stdlib.h>
#include <string.h>
#include "core/dataset_int.h"
#include "core/err.h"
#include "core/io.h"
#include "tests/unit/unit.h"

/* Compare with jansson; `fast_expected`: 1 the fast path must take it, 0 it must give up,
 * -1 either (but the same document when it takes it). */
static void same(const char *text, size_t len, int fast_expected)
{
    json_error_t je;
    json_t *ref = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    json_t *got = rg_json_fast_parse(text, len);
    CHECK_MSG(got == NULL || (ref != NULL && json_equal(got, ref)), "differs: %.*s", (int)len, text);
    if (fast_expected == 1)
        CHECK_MSG(got != NULL, "gave up on %.*s", (int)len, text);
    if (fast_expected == 0)
        CHECK_MSG(got == NULL, "took %.*s", (int)len, text);
    json_decref(got);
    json_decref(ref);
}

#define S(text, fast) same(text, strlen(text), fast)

static void test_values(void)
{
    S("{}", 1);
    S("[]", 1);
    S(" \t\r\n{ \"a\" : [ 1 , -2 , 0 , -0 , 1.5 , -0.25e-3 , 1E5 , 2e+2 , true , false , null ] } \n", 1);
    S("{\"big\": 9223372036854775807, \"small\": -9223372036854775808}", 1);
    S("[9223372036854775808]", 0);        /* jansson: too big integer */
    S("[-9223372036854775809]", 0);
    S("[1e400]", 0);                      /* real number overflow */
    S("[1e-400]", 1);                     /* underflow is a number (0) */
    S("[0.1, 3.141592653589793, 1.7976931348623157e308, 5e-324]", 1);
    S("[01]", 0);
    S("[1.]", 0);
    S("[.5]", 0);
    S("[-]", 0);
    S("[1e]", 0);
    S("[+1]", 0);
    S("[1 2]", 0);
    S("[1,]", 0);
    S("{\"a\":1,}", 0);
    S("{\"a\" 1}", 0);
    S("{a: 1}", 0);
    S("[tru]", 0);
    S("[nulll]", 0);
    S("1", 0);                            /* jansson wants an object or array on top */
    S("\"x\"", 0);
    S("", 0);
    S("{} {}", 0);
    S("{\"a\": 1, \"a\": 2}", 0);          /* duplicate key */
    S("{\"a\": {\"b\": 1, \"b\": 1}}", 0);
}

static void test_strings(void)
{
    S("[\"plain\", \"\", \"with \\\"quotes\\\" and \\\\ \\/ \\b\\f\\n\\r\\t\"]", 1);
    S("{\"k\\n\": \"v\"}", 1);
    S("[\"\\u00b5s\"]", 0);               /* \u escapes: jansson's */
    S("[\"\\uD83D\\uDE00\"]", 0);
    S("[\"\\u0000\"]", 0);
    S("[\"\\x\"]", 0);
    S("[\"\xc2\xb5s \xe2\x80\x93 \xc2\xb1 \xf0\x9f\x98\x80\"]", 1);   /* valid UTF-8 */
    S("[\"\xc0\xaf\"]", 0);               /* overlong */
    S("[\"\xed\xa0\x80\"]", 0);           /* a surrogate */
    S("[\"\xf4\x90\x80\x80\"]", 0);       /* above U+10FFFF */
    S("[\"\xe2\x80\"]", 0);               /* truncated sequence */
    S("[\"\x80\"]", 0);
    S("[\"tab\there\"]", 0);              /* a raw control character */
    S("[\"unterminated]", 0);
    same("[\"a\0b\"]", 7, 0);             /* a NUL byte */
    /* a long key (not in the small buffer) after an escaped value reusing the scratch */
    char big[2000];
    snprintf(big, sizeof big, "{\"%0600d\\n\": \"x\\ty\", \"%0700d\": [\"\\\"\"]}", 1, 2);
    S(big, 1);
}

static void test_depth(void)
{
    size_t n = 2100;
    char *t = malloc(2 * n + 1);
    for (size_t d = 2047; d <= 2049; d++) {   /* jansson allows 2048 levels */
        memset(t, '[', d);
        memset(t + d, ']', d);
        same(t, 2 * d, d <= 2048 ? 1 : 0);
    }
    free(t);
}

static void test_truncations(void)
{
    const char *doc = "{\"format\": \"rigor-dataset\", \"version\": 1, \"meta\": {\"t\": \"\\u00b5\"},"
                      " \"runs\": [{\"a\": [1, 2.5e3, -7], \"b\": null, \"c\": \"\xc2\xb5\\n\"}]}";
    for (size_t len = 0; len <= strlen(doc); len++)
        same(doc, len, -1);
}

static void test_real_datasets(void)
{
    static const char *files[] = {"datasets/loopback-comparison.json",
                                  "datasets/k6-wsgi-servers.json",
                                  "datasets/autocannon-python-vs-js.json",
                                  "tests/fuzz/corpus/fuzz_dataset/v2.json"};
    char err[RG_ERRLEN];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        size_t len;
        char *text = rg_read_file(files[i], &len, (size_t)1 << 30, err);
        CHECK_MSG(text != NULL, "%s", err);
        if (text != NULL)
            same(text, len, 1);
        free(text);
    }
}

/* Each element of the top-level "runs" handed over, in order, with the bytes read so far. */
struct calls {
    size_t n, last_consumed;
    int in_order;
};

static void count_run(json_t *top, json_t *run, size_t index, size_t consumed, void *ctx)
{
    struct calls *c = ctx;
    c->in_order = c->in_order && index == c->n && consumed > c->last_consumed &&
                  json_is_object(top) && run != NULL;
    c->last_consumed = consumed;
    c->n++;
}

/* With series_kept "requests": text must read as the document `expect` (jansson's reading
 * of it: the skipped series hold []), with `runs` callbacks; expect NULL: it gives up. */
static void runs_as(const char *text, const char *expect, size_t runs)
{
    struct calls c = {0, 0, 1};
    json_error_t je;
    json_t *got = rg_json_fast_parse_runs(text, strlen(text), count_run, &c, 1);
    json_t *want = expect ? json_loads(expect, JSON_REJECT_DUPLICATES, &je) : NULL;
    CHECK_MSG(expect == NULL ? got == NULL : got != NULL && json_equal(got, want),
              "%s read otherwise", text);
    if (expect != NULL)
        CHECK_MSG(c.n == runs && c.in_order, "%s: %zu callbacks, %zu expected", text, c.n, runs);
    json_decref(got);
    json_decref(want);
}

static void test_runs_and_skipped_series(void)
{
    /* every series but "requests" read as [] when it holds only numbers and nulls */
    runs_as("{\"runs\": [{\"timeseries\": {\"requests\": [1, 2], \"p99\": [1.5, null, -2e3], "
            "\"cpu\": []}}, {\"x\": 1}]}",
            "{\"runs\": [{\"timeseries\": {\"requests\": [1, 2], \"p99\": [], \"cpu\": []}}, "
            "{\"x\": 1}]}", 2);
    /* anything else is read as it is (validation judges it) */
    runs_as("{\"runs\": [{\"timeseries\": {\"p99\": [1, \"x\"], \"p50\": {\"a\": [1]}, "
            "\"q\": [[1]], \"r\": 5}}]}",
            "{\"runs\": [{\"timeseries\": {\"p99\": [1, \"x\"], \"p50\": {\"a\": [1]}, "
            "\"q\": [[1]], \"r\": 5}}]}", 1);
    /* only in a run's timeseries: not at the top, in meta, or in a nested timeseries */
    runs_as("{\"timeseries\": {\"p99\": [1]}, \"meta\": {\"timeseries\": {\"p99\": [1]}}, "
            "\"runs\": [{\"server\": {\"timeseries\": {\"p99\": [1]}}}]}",
            "{\"timeseries\": {\"p99\": [1]}, \"meta\": {\"timeseries\": {\"p99\": [1]}}, "
            "\"runs\": [{\"server\": {\"timeseries\": {\"p99\": [1]}}}]}", 1);
    /* nested arrays inside a run do not end the runs (the second run's series skipped) */
    runs_as("{\"runs\": [{\"a\": [[1], []], \"timeseries\": {\"p\": [1]}}, "
            "{\"timeseries\": {\"p\": [2]}}]}",
            "{\"runs\": [{\"a\": [[1], []], \"timeseries\": {\"p\": []}}, "
            "{\"timeseries\": {\"p\": []}}]}", 2);
    /* a nested "runs" is not the runs; an array at the top has none */
    runs_as("{\"meta\": {\"runs\": [{\"timeseries\": {\"p\": [1]}}]}, \"runs\": []}",
            "{\"meta\": {\"runs\": [{\"timeseries\": {\"p\": [1]}}]}, \"runs\": []}", 0);
    runs_as("[{\"runs\": [{\"timeseries\": {\"p\": [1]}}]}]",
            "[{\"runs\": [{\"timeseries\": {\"p\": [1]}}]}]", 0);
    /* what the fast reader gives up on, it gives up on in a skipped series too */
    runs_as("{\"runs\": [{\"timeseries\": {\"p\": [1e400]}}]}", NULL, 0);
    runs_as("{\"runs\": [{\"timeseries\": {\"p\": [01]}}]}", NULL, 0);
    runs_as("{\"runs\": [{\"timeseries\": {\"p\": [1,]}}]}", NULL, 0);
    runs_as("{\"runs\": [{\"timeseries\": {\"p\": [nul]}}]}", NULL, 0);
    runs_as("{\"runs\": [{\"timeseries\": {\"p\": [1], \"p\": [2]}}]}", NULL, 0);
    runs_as("{\"runs\": [{\"timeseries\": {\"p\": [1", NULL, 0);
}

#define H3(count, buckets) "{\"sigfigs\": 3, \"highest\": 1000, \"count\": " count \
    ", \"min\": 5, \"max\": 7, \"sum\": 17.0, \"buckets\": " buckets "}"

static void test_lean_histograms(void)
{
    /* a v1 histogram in a run, its buckets last and valid: checked unbuilt, read as null */
    runs_as("{\"runs\": [{\"latency\": {\"p50\": 5, \"histogram\": " H3("3", "[5, 2, 7, 1]") "}}]}",
            "{\"runs\": [{\"latency\": {\"p50\": 5, \"histogram\": null}}]}", 1);
    /* ... at any depth in a run: the endpoints', and per-second ones in an array */
    runs_as("{\"runs\": [{\"endpoints\": [{\"latency\": {\"histogram\": " H3("3", "[5, 2, 7, 1]")
            "}}], \"timeseries_histograms\": [null, " H3("2", "[5, 1, 7, 1]") "]}]}",
            "{\"runs\": [{\"endpoints\": [{\"latency\": {\"histogram\": null}}], "
            "\"timeseries_histograms\": [null, null]}]}", 1);
    /* what does not check is read whole, for validation to name: counts that do not add up,
     * values out of order, a real count, a bad number, buckets not last, hdr beside them */
    const char *whole[] = {
        "{\"runs\": [{\"latency\": {\"histogram\": " H3("4", "[5, 2, 7, 1]") "}}]}",
        "{\"runs\": [{\"latency\": {\"histogram\": " H3("3", "[7, 1, 5, 2]") "}}]}",
        "{\"runs\": [{\"latency\": {\"histogram\": " H3("3", "[5, 2.0, 7, 1]") "}}]}",
        "{\"runs\": [{\"latency\": {\"histogram\": " H3("3", "[5, 2, 7]") "}}]}",
        "{\"runs\": [{\"latency\": {\"histogram\": " H3("3", "[5, 2, 7, \"1\"]") "}}]}",
        "{\"runs\": [{\"latency\": {\"histogram\": {\"buckets\": [5, 3], \"sigfigs\": 3, "
        "\"highest\": 1000, \"count\": 3, \"min\": 5, \"max\": 5, \"sum\": 15.0}}}]}",
        "{\"runs\": [{\"latency\": {\"histogram\": {\"hdr\": \"x\", \"sigfigs\": 3, "
        "\"highest\": 1000, \"count\": 1, \"min\": 5, \"max\": 5, \"sum\": 5.0, "
        "\"buckets\": [5, 1]}}}]}",
        /* not in a run (meta), or a run's own keys (depth 3) */
        "{\"meta\": {\"a\": {\"b\": {\"histogram\": " H3("3", "[5, 2, 7, 1]") "}}}, \"runs\": []}",
    };
    for (size_t i = 0; i < sizeof whole / sizeof whole[0]; i++)
        runs_as(whole[i], whole[i], strstr(whole[i], "\"runs\": []") ? 0 : 1);
    /* a number the fast reader gives up on gives up in buckets too */
    runs_as("{\"runs\": [{\"latency\": {\"histogram\": " H3("3", "[5, 2, 7, 01]") "}}]}", NULL, 0);
    runs_as("{\"runs\": [{\"latency\": {\"histogram\": " H3("3", "[5, 2, 7, 99999999999999999999]")
            "}}]}", NULL, 0);
}

int main(void)
{
    RUN(test_values);
    RUN(test_strings);
    RUN(test_depth);
    RUN(test_truncations);
    RUN(test_real_datasets);
    RUN(test_runs_and_skipped_series);
    RUN(test_lean_histograms);
    return unit_done();
}
