/*
 * tests/unit/report/test_lean_load.c — a lean load (rg_dataset_load_for RG_LOAD_ANALYSIS,
 * what `rigor analyze` and `rigor report --no-charts` read with) against the whole
 * document (rg_dataset_load), the reference: on real datasets, merged multi-host runs and
 * request mixes, the analysis (plain and --by-endpoint) and report.md must be the same
 * bytes; what it drops must be gone; and a damaged part it drops must still be refused
 * with the same message as a whole load gives.
 */
#include <stdlib.h>
#include <unistd.h>
#include "analyze/analyze.h"
#include "core/dataset.h"
#include "core/err.h"
#include "core/io.h"
#include "report/report.h"
#include "tests/unit/unit.h"

static const char *files[] = {
    "datasets/loopback-comparison.json",     /* time series, histograms, servers */
    "datasets/k6-wsgi-servers.json",
    "datasets/locust-local-json.json",
    "tests/fuzz/corpus/fuzz_analyze/endpoints.json",   /* a request mix */
    "tests/fuzz/corpus/fuzz_merge/three_hosts.json",   /* per-second histograms */
    "tests/fuzz/corpus/fuzz_dataset/v2.json",          /* HdrHistogram-encoded */
    "tests/fixtures/report/small.json",
    "tests/fixtures/report/hostile.json",
};

static char *analysis_text(json_t *ds, bool by_endpoint)
{
    an_options opt;
    char err[RG_ERRLEN];
    an_options_init(&opt);
    opt.by_endpoint = by_endpoint;
    json_t *doc = an_analyze(&ds, 1, &opt, err);
    char *text = doc ? json_dumps(doc, JSON_SORT_KEYS | JSON_INDENT(1)) : strdup(err);
    json_decref(doc);
    return text;
}

/* report.md of ds without charts, as text (caller frees), written under dir. */
static char *report_text(json_t *ds, const char *path, const char *dir)
{
    rp_options opt;
    char err[RG_ERRLEN], md[512];
    rp_options_init(&opt);
    opt.dir = dir;
    opt.no_charts = 1;
    opt.dataset_paths = &path;
    json_t *an = NULL;
    an_options ao;
    an_options_init(&ao);
    if ((an = an_analyze(&ds, 1, &ao, err)) == NULL || rp_write(&ds, 1, an, &opt, err) != 0) {
        json_decref(an);
        return strdup(err);
    }
    json_decref(an);
    snprintf(md, sizeof md, "%s/report.md", dir);
    size_t len;
    char *text = rg_read_file(md, &len, 0, err);
    unlink(md);
    return text ? text : strdup(err);
}

/* 1 when a key named `name` appears anywhere under j. */
static int has_key(const json_t *j, const char *name)
{
    const char *k;
    json_t *v;
    size_t i;
    if (json_is_object(j)) {
        json_object_foreach((json_t *)j, k, v)
            if (strcmp(k, name) == 0 || has_key(v, name))
                return 1;
    } else if (json_is_array(j)) {
        json_array_foreach(j, i, v)
            if (has_key(v, name))
                return 1;
    }
    return 0;
}

static void test_same_analysis_and_report(void)
{
    char dir[] = "/tmp/rigor-lean.XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        char err[RG_ERRLEN];
        json_t *full = rg_dataset_load(files[f], err);
        CHECK_MSG(full != NULL, "%s", err);
        json_t *lean = rg_dataset_load_for(files[f], RG_LOAD_ANALYSIS, err);
        CHECK_MSG(lean != NULL, "%s", err);
        if (full == NULL || lean == NULL) {
            json_decref(full);
            json_decref(lean);
            continue;
        }
        CHECK_MSG(!has_key(lean, "histogram") && !has_key(lean, "timeseries_histograms"),
                  "%s: histograms left in a lean load", files[f]);
        const json_t *runs = json_object_get(lean, "runs");
        for (size_t i = 0; i < json_array_size(runs); i++) {
            const json_t *ts = json_object_get(json_array_get(runs, i), "timeseries");
            CHECK_MSG(ts == NULL || json_object_size(ts) <= 1, "%s: runs[%zu].timeseries",
                      files[f], i);
        }
        for (int by_ep = 0; by_ep < 2; by_ep++) {
            char *a = analysis_text(full, by_ep), *b = analysis_text(lean, by_ep);
            CHECK_MSG(strcmp(a, b) == 0, "%s: analysis%s differs", files[f],
                      by_ep ? " --by-endpoint" : "");
            free(a);
            free(b);
        }
        char *a = report_text(full, files[f], dir), *b = report_text(lean, files[f], dir);
        CHECK_MSG(strlen(a) > 100 && strcmp(a, b) == 0, "%s: report.md differs", files[f]);
        free(a);
        free(b);
        json_decref(full);
        json_decref(lean);
    }
    rmdir(dir);
}

/* The same outcome from both loads of text: both documents, or the same message. */
static void same_outcome(const char *text, int valid)
{
    char path[] = "/tmp/rigor-lean-ds.XXXXXX", e1[RG_ERRLEN] = "", e2[RG_ERRLEN] = "";
    int fd = mkstemp(path);
    CHECK(fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text));
    close(fd);
    json_t *full = rg_dataset_load(path, e1), *lean = rg_dataset_load_for(path, RG_LOAD_ANALYSIS, e2);
    CHECK_MSG((full != NULL) == valid, "whole load of %s: %s", text, e1);
    CHECK_MSG((lean != NULL) == valid && strcmp(e1, e2) == 0, "lean load: '%s' against '%s'",
              e2, e1);
    json_decref(full);
    json_decref(lean);
    unlink(path);
}

#define HEAD "{\"format\": \"rigor-dataset\", \"version\": 1, \"meta\": {}, \"runs\": ["
#define RUN_A "{\"target\": \"a\", \"run\": 1, \"source\": \"load\", "

static void test_damage_still_refused(void)
{
    same_outcome(HEAD RUN_A "\"timeseries\": {\"requests\": [1, 2], \"p99\": [3, null]}}]}", 1);
    /* a series it drops, damaged: refused all the same */
    same_outcome(HEAD RUN_A "\"timeseries\": {\"requests\": [1, 2], \"p99\": [3, \"x\"]}}]}", 0);
    same_outcome(HEAD RUN_A "\"timeseries\": {\"p99\": {}}}]}", 0);
    /* a histogram it drops, damaged (counts add up to 2, "count" says 3) */
    same_outcome(HEAD RUN_A "\"latency\": {\"histogram\": {\"sigfigs\": 3, \"highest\": 1000, "
                 "\"count\": 3, \"min\": 5, \"max\": 5, \"sum\": 10.0, \"buckets\": [5, 2]}}}]}", 0);
    same_outcome(HEAD RUN_A "\"latency\": {\"histogram\": {\"sigfigs\": 3, \"highest\": 1000, "
                 "\"count\": 2, \"min\": 5, \"max\": 5, \"sum\": 10.0, \"buckets\": [5, 2]}}}]}", 1);
    /* the second run bad: the message names runs[1] */
    same_outcome(HEAD RUN_A "\"timeseries\": {\"p50\": [1]}}, " RUN_A "\"timeseries\": "
                 "{\"p50\": [true]}}]}", 0);
    /* "version" after "runs": nothing can be checked while reading; still the same */
    same_outcome("{\"format\": \"rigor-dataset\", \"meta\": {}, \"runs\": [" RUN_A
                 "\"timeseries\": {\"p50\": [1, \"x\"]}}], \"version\": 1}", 0);
    same_outcome("{\"format\": \"rigor-dataset\", \"meta\": {}, \"runs\": [" RUN_A
                 "\"timeseries\": {\"p50\": [1, 2]}}], \"version\": 1}", 1);
    /* a duplicate key inside a skipped series' object is still jansson's error */
    same_outcome(HEAD RUN_A "\"timeseries\": {\"p50\": [1], \"p50\": [2]}}]}", 0);
    /* a mapped file is not NUL-terminated: a page of blanks ends at the page */
    char blanks[8193];
    memset(blanks, ' ', 8192);
    blanks[8192] = '\0';
    same_outcome(blanks, 0);
    /* text the fast reader leaves to jansson (a \u escape): the lean load drops the same */
    same_outcome(HEAD RUN_A "\"url\": \"\\u00b5\", \"timeseries\": {\"p50\": [1]}}]}", 1);
}

int main(void)
{
    RUN(test_same_analysis_and_report);
    RUN(test_damage_still_refused);
    return unit_done();
}
