/*
 * tests/fuzz/fuzz_merge.c — fuzz target for the merge of several load hosts and the parsers of
 * distributed runs: bytes -> a dataset (json + rg_dataset_validate) whose runs are taken as
 * one host each -> pl_merge, which must either refuse with a message or return a run whose
 * counts are the hosts' sums; the same bytes as a start time, a chronyc tracking line and an
 * --args-hex word (which must decode back to what it encoded).
 *
 * Replayed over tests/fuzz/corpus/fuzz_merge/ by `make check`; build with clang and
 * -fsanitize=fuzzer,address (FUZZ=1) for a real session.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "core/dataset.h"
#include "core/err.h"
#include "loadgen/loadgen.h"
#include "plan/plan_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_HOSTS 64

static void merge_runs(const json_t *ds)
{
    const json_t *runs = json_object_get(ds, "runs");
    size_t n = json_array_size(runs);
    pl_host_run h[MAX_HOSTS];
    char names[MAX_HOSTS][16], err[RG_ERRLEN];
    if (n == 0 || n > MAX_HOSTS)
        return;
    double want = 0;
    for (size_t i = 0; i < n; i++) {
        snprintf(names[i], sizeof names[i], "h%zu", i + 1);
        h[i] = (pl_host_run){names[i], NULL, json_array_get(runs, i), NULL};
        want += rg_json_num(json_array_get(runs, i), "requests", 0);
    }
    pl_merge_opts o = {-1};
    err[0] = '\0';
    json_t *m = pl_merge(h, n, &o, err);
    if (m == NULL) {
        if (err[0] == '\0')
            abort();   /* a refusal always says why */
        return;
    }
    if (rg_json_num(m, "requests", -1) != want ||
        json_array_size(json_object_get(m, "hosts")) != n)
        abort();
    char *text = json_dumps(m, 0);   /* a merged run serializes */
    if (text == NULL)
        abort();
    free(text);
    json_decref(m);
}

static void parsers(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1), err[RG_ERRLEN];
    if (s == NULL)
        return;
    memcpy(s, data, size);
    s[size] = '\0';
    uint64_t t;
    lg_parse_start_at(s, 1800000000ULL * 1000000000ULL, &t, err);
    lg_ntp ntp;
    lg_chrony_parse(s, &ntp, err);
    size_t n = 0;
    char **w = lg_args_hex_decode(s, &n, err);
    if (w != NULL) {
        char *back = lg_args_hex_encode(w, n);
        for (size_t i = 0; back && s[i]; i++)   /* decode(encode(x)) = x, case aside */
            if ((s[i] | 0x20) != back[i])
                abort();
        free(back);
        for (size_t i = 0; i < n; i++)
            free(w[i]);
        free(w);
    }
    free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_error_t je;
    char err[RG_ERRLEN];
    parsers(data, size);
    json_t *ds = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &je);
    if (ds != NULL && rg_dataset_validate(ds, err) == 0)
        merge_runs(ds);
    json_decref(ds);
    return 0;
}
