/*
 * tests/fuzz/fuzz_import.c — fuzz target for the importers: the first byte picks the format
 * (0: detect from the content, 1..14: --format NAME), the rest is the result file. Every
 * input must end in a run that passes the dataset rules (im_import_file validates it) or in
 * an error message, never a crash; accepted runs also go through both exporters.
 *
 * Replayed over tests/fuzz/corpus/fuzz_import/ by `make check`; build with clang and
 * -fsanitize=fuzzer,address for a real session. The file is written to a temporary
 * directory as f_stats.csv, so Locust's CSV reader finds it by its name.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/err.h"
#include "import/import.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const formats[] = {
    NULL, "k6-json", "k6-csv", "k6-summary", "locust-csv", "locust-json", "jmeter-jtl",
    "autocannon", "vegeta", "hey", "ab", "wrk", "wrk2", "hgrm", "oha"};
#define NF (sizeof formats / sizeof formats[0])

static char path[256];

static int setup(void)
{
    static char dir[] = "/tmp/rigor-fuzz-import.XXXXXX";
    if (path[0])
        return 0;
    if (mkdtemp(dir) == NULL)
        return -1;
    snprintf(path, sizeof path, "%s/f_stats.csv", dir);
    return 0;
}

static void exporters(json_t *run)
{
    char err[RG_ERRLEN];
    FILE *null = fopen("/dev/null", "w");
    json_t *ds = json_pack("{s:s, s:i, s:{}, s:[O]}", "format", "rigor-dataset", "version", 1,
                           "meta", "runs", run);
    const char *names[] = {"fuzz"};
    if (null && ds) {
        im_export_csv(&ds, names, 1, null, err);
        json_t *h = json_object_get(json_object_get(run, "latency"), "histogram");
        if (h && im_write_hgrm(h, 1000, null, err) != 0)
            abort();   /* a histogram that validated must export */
    }
    json_decref(ds);
    if (null)
        fclose(null);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[RG_ERRLEN];
    im_opts o;
    if (size < 1 || setup() != 0)
        return 0;
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        return 0;
    fwrite(data + 1, 1, size - 1, f);
    fclose(f);
    im_opts_init(&o);
    o.format = formats[data[0] % NF];
    o.concurrency = data[0] & 0x80 ? 4 : 0;   /* also the wrk interval search given c */
    json_t *run = im_import_file(path, &o, err);
    if (run)
        exporters(run);
    else if (err[0] == '\0')
        abort();   /* a refusal always says why */
    json_decref(run);
    return 0;
}
