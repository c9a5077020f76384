/*
 * tests/unit/core/test_dataset.c — dataset v1: building, validation, load/save, atomic writes.
 */
#include <dirent.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include "core/dataset.h"
#include "core/err.h"
#include "core/io.h"
#include "core/units.h"
#include "tests/unit/unit.h"

static char err[RG_ERRLEN];
static char dir[64];

static const char *tmp(const char *name)
{
    static char path[4][256];
    static int k;
    k = (k + 1) % 4;
    snprintf(path[k], sizeof path[k], "%s/%s", dir, name);
    return path[k];
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
}

static json_t *sample_run(int index)
{
    rg_hist *h = rg_hist_new(RG_HIST_DEFAULT_HIGHEST, 3, err);
    for (int i = 1; i <= 1000; i++)
        rg_hist_record(h, i * 7);
    json_t *r = rg_run_new("nginx", "http://127.0.0.1:8080/", 50, 0, index, "load", 1,
                           "2026-11-22T13:00:00Z");
    json_object_set_new(r, "duration_s", json_real(10));
    json_object_set_new(r, "requests", json_integer(1000));
    json_object_set_new(r, "errors", rg_errors_json(0, 1, 0, 2, 0, 3));
    json_object_set_new(r, "throughput_rps", json_real(100.0 / 3.0));
    json_object_set_new(r, "latency", rg_latency_json(h));
    rg_hist_free(h);
    return r;
}

static json_t *sample_dataset(void)
{
    char *argv[] = {"load", "http://x/", "--label", "it's mine"};
    json_t *ds = rg_dataset_new("a title", 4, argv);
    rg_dataset_append_run(ds, sample_run(1));
    rg_dataset_append_run(ds, sample_run(2));
    return ds;
}

static void test_new_dataset_shape(void)
{
    json_t *ds = sample_dataset();
    CHECK(rg_dataset_validate(ds, err) == 0);
    CHECK_STR(json_string_value(json_object_get(ds, "format")), "rigor-dataset");
    CHECK_INT(json_integer_value(json_object_get(ds, "version")), 1);
    json_t *meta = json_object_get(ds, "meta");
    CHECK(json_is_string(json_object_get(meta, "created")));
    CHECK(json_is_object(json_object_get(meta, "host")));
    CHECK(json_integer_value(json_object_get(json_object_get(meta, "host"), "cores")) >= 1);
    CHECK_STR(json_string_value(json_object_get(json_object_get(meta, "provenance"), "command")),
              "rigor load http://x/ --label 'it'\\''s mine'");
    CHECK_INT(json_array_size(json_object_get(ds, "runs")), 2);
    json_decref(ds);
}

static void test_save_load_round_trip(void)
{
    json_t *ds = sample_dataset();
    CHECK(rg_dataset_save(tmp("a.json"), ds, err) == 0);
    json_t *back = rg_dataset_load(tmp("a.json"), err);
    CHECK_MSG(back != NULL, "%s", err);
    CHECK(json_equal(ds, back));
    char *t1 = rg_dataset_dumps(ds), *t2 = rg_dataset_dumps(back);
    CHECK_STR(t1, t2);   /* byte-identical: key order kept */
    CHECK(strncmp(t1, "{\n  \"format\": \"rigor-dataset\",\n  \"version\": 1,", 44) == 0);
    CHECK_HAS(t1, "\"buckets\": [7, 1, 14, 1, 21, 1,");   /* scalar arrays on one line */
    free(t1);
    free(t2);
    json_decref(back);
    json_decref(ds);
}

static void test_reals_round_trip_exactly(void)
{
    json_t *ds = sample_dataset();
    json_t *r = json_array_get(json_object_get(ds, "runs"), 0);
    json_object_set_new(r, "throughput_rps", json_real(0.1 + 0.2));
    rg_dataset_save(tmp("r.json"), ds, err);
    json_t *back = rg_dataset_load(tmp("r.json"), err);
    double v = json_real_value(json_object_get(json_array_get(json_object_get(back, "runs"), 0),
                                               "throughput_rps"));
    CHECK(v == 0.1 + 0.2);
    json_decref(back);
    json_decref(ds);
}

static void test_summary_only_run_is_valid(void)
{
    write_text(tmp("s.json"),
               "{\"format\": \"rigor-dataset\", \"version\": 1, \"meta\": {\"title\": null},\n"
               " \"runs\": [{\"target\": \"django\", \"url\": null, \"concurrency\": 100,\n"
               "  \"rate\": null, \"run\": 1, \"source\": \"published\", \"requests\": null,\n"
               "  \"throughput_rps\": 1234.5, \"latency\": {\"unit\": \"us\", \"mean\": 8100,\n"
               "  \"p99\": null}}]}\n");
    json_t *ds = rg_dataset_load(tmp("s.json"), err);
    CHECK_MSG(ds != NULL, "%s", err);
    json_decref(ds);
}

/* Write text, load it, expect failure with a message containing `want`. */
static void expect_load_error(const char *text, const char *want)
{
    write_text(tmp("bad.json"), text);
    json_t *ds = rg_dataset_load(tmp("bad.json"), err);
    CHECK_MSG(ds == NULL, "accepted: %s", text);
    CHECK_HAS(err, want);
    CHECK_HAS(err, "bad.json:");
    json_decref(ds);
}

#define HEAD "{\"format\": \"rigor-dataset\", \"version\": 1, \"meta\": {},\n\"runs\": [\n"

static void test_syntax_error_has_line_and_column(void)
{
    expect_load_error("{\"format\": \"rigor-dataset\",\n  \"version\": 1,\n  \"meta\": {,\n}",
                      "bad.json:3:");
    expect_load_error("{\"format\": \"rigor-dataset\", \"format\": \"x\"}", "duplicate");
    expect_load_error("[1, 2", "invalid JSON");
}

static void test_wrong_type_is_located(void)
{
    expect_load_error(HEAD "{\"target\": \"a\", \"run\": 1, \"source\": \"load\"},\n"
                      "{\"target\": \"b\", \"run\": 1, \"source\": \"load\",\n"
                      "   \"requests\": \"many\"}]}",
                      "bad.json:5:16: runs[1].requests: expected an integer, got string");
}

static void test_missing_required_key(void)
{
    expect_load_error(HEAD "{\"run\": 1, \"source\": \"load\"}]}",
                      "runs[0].target: missing (required)");
    expect_load_error(HEAD "{\"target\": \"a\", \"source\": \"load\"}]}", "runs[0].run: missing");
    expect_load_error("{\"format\": \"rigor-dataset\", \"version\": 1, \"meta\": {}}",
                      "runs: missing (required)");
    expect_load_error("{\"format\": \"rigor-dataset\", \"meta\": {}, \"runs\": []}",
                      "version: missing");
}

static void test_rejects_future_version_and_foreign_files(void)
{
    expect_load_error("{\"format\": \"rigor-dataset\", \"version\": 3, \"meta\": {}, \"runs\": []}",
                      "version: 3 is newer than this rigor understands (2)");
    expect_load_error("{\"format\": \"something\", \"version\": 1}", "not a rigor dataset");
    expect_load_error("[]", "not a rigor dataset");
    expect_load_error("", "empty file");
    expect_load_error("  \n", "empty file");
}

static void test_rejects_bad_values(void)
{
    expect_load_error(HEAD "{\"target\": \"\", \"run\": 1, \"source\": \"load\"}]}",
                      "runs[0].target: must not be empty");
    expect_load_error(HEAD "{\"target\": \"a\", \"run\": 0, \"source\": \"load\"}]}",
                      "runs[0].run: must be >= 1");
    expect_load_error(HEAD "{\"target\": \"a\", \"run\": 1, \"source\": \"load\", "
                      "\"concurrency\": 1.5}]}", "runs[0].concurrency: expected an integer");
    expect_load_error(HEAD "{\"target\": \"a\", \"run\": 1, \"source\": \"load\", "
                      "\"throughput_rps\": -1}]}", "runs[0].throughput_rps: must be >= 0");
    expect_load_error(HEAD "{\"target\": \"a\", \"run\": 1, \"source\": \"load\", "
                      "\"status\": {\"200\": -1}}]}", "runs[0].status.200");
    expect_load_error(HEAD "{\"target\": \"a\", \"run\": 1, \"source\": \"load\", "
                      "\"complete\": \"yes\"}]}", "runs[0].complete: expected true or false");
    expect_load_error(HEAD "{\"target\": \"a\", \"run\": 1, \"source\": \"load\", "
                      "\"latency\": {\"unit\": \"ms\"}}]}", "runs[0].latency.unit");
    expect_load_error(HEAD "{\"target\": \"a\", \"run\": 1, \"source\": \"load\", "
                      "\"timeseries\": {\"requests\": [1, \"x\"]}}]}",
                      "runs[0].timeseries.requests[1]");
    expect_load_error(HEAD "{\"target\": \"a\", \"run\": 1, \"source\": \"load\", "
                      "\"server\": {\"rss_kb_max\": \"big\"}}]}", "runs[0].server.rss_kb_max");
    expect_load_error(HEAD "{\"target\": \"a\", \"run\": 1, \"source\": \"load\",\n"
                      "\"latency\": {\"histogram\": {\"sigfigs\": 3, \"highest\": 100, "
                      "\"count\": 5, \"min\": 1, \"max\": 1, \"sum\": 1, \"buckets\": [1, 1]}}}]}",
                      "runs[0].latency.histogram: bucket counts add up to 1");
}

static void test_rejects_unreadable_paths(void)
{
    json_t *ds = rg_dataset_load(tmp("nope.json"), err);
    CHECK(ds == NULL);
    CHECK_HAS(err, "cannot open");
    ds = rg_dataset_load(dir, err);
    CHECK(ds == NULL);
    CHECK_HAS(err, "is a directory");
}

static int count_entries(const char *d)
{
    DIR *dd = opendir(d);
    struct dirent *e;
    int n = 0;
    while ((e = readdir(dd)) != NULL)   /* everything but "." and "..", temp files included */
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(dd);
    return n;
}

static void test_atomic_write(void)
{
    char sub[128];
    snprintf(sub, sizeof sub, "%s/atomic", dir);
    mkdir(sub, 0755);
    char path[160];
    snprintf(path, sizeof path, "%s/out.json", sub);
    CHECK(rg_write_atomic(path, "old\n", 4, err) == 0);
    CHECK(rg_write_atomic(path, "new\n", 4, err) == 0);
    size_t len;
    char *text = rg_read_file(path, &len, 0, err);
    CHECK_STR(text, "new\n");
    free(text);
    CHECK_INT(count_entries(sub), 1);   /* out.json only */
    char missing[200];
    snprintf(missing, sizeof missing, "%s/no/such/dir/x.json", dir);
    CHECK(rg_write_atomic(missing, "x", 1, err) == -1);
    CHECK_HAS(err, "cannot write");
    CHECK(rg_write_atomic(sub, "x", 1, err) == -1);
    CHECK_HAS(err, "is a directory");
    CHECK_INT(count_entries(sub), 1);   /* no temp file left behind */
}

static void test_open_or_new_appends(void)
{
    json_t *ds = sample_dataset();
    rg_dataset_save(tmp("app.json"), ds, err);
    json_decref(ds);
    ds = rg_dataset_open_or_new(tmp("app.json"), NULL, 0, NULL, NULL, err);
    CHECK(ds != NULL);
    rg_dataset_append_run(ds, sample_run(3));
    rg_dataset_save(tmp("app.json"), ds, err);
    json_decref(ds);
    ds = rg_dataset_load(tmp("app.json"), err);
    CHECK_INT(json_array_size(json_object_get(ds, "runs")), 3);
    CHECK_STR(json_string_value(json_object_get(json_object_get(ds, "meta"), "title")), "a title");
    json_decref(ds);
    ds = rg_dataset_open_or_new(tmp("fresh.json"), "t", 0, NULL, NULL, err);
    CHECK_INT(json_array_size(json_object_get(ds, "runs")), 0);
    json_decref(ds);
    write_text(tmp("broken.json"), "{");
    CHECK(rg_dataset_open_or_new(tmp("broken.json"), NULL, 0, NULL, NULL, err) == NULL);
}

static size_t nruns(const json_t *ds)
{
    return json_array_size(json_object_get(ds, "runs"));
}

/* Two writers of one file, interleaved as two `rigor load -o` processes would: neither loses
 * the other's runs; the unchanged-file case writes what the writer holds (removals too). */
static void test_save_runs_merges_writers(void)
{
    rg_dataset_file fa, fb;
    const char *path = tmp("two.json");
    json_t *a = rg_dataset_open_or_new(path, "A", 0, NULL, &fa, err);
    json_t *b = rg_dataset_open_or_new(path, "B", 0, NULL, &fb, err);
    CHECK(a != NULL && b != NULL);
    rg_dataset_append_run(a, sample_run(1));
    CHECK(rg_dataset_save_runs(path, a, &fa, err) == 0);        /* creates the file */
    rg_dataset_append_run(b, sample_run(2));
    CHECK(rg_dataset_save_runs(path, b, &fb, err) == 0);        /* file made meanwhile: merge */
    CHECK_INT(nruns(b), 2);
    rg_dataset_append_run(a, sample_run(3));
    CHECK(rg_dataset_save_runs(path, a, &fa, err) == 0);        /* changed by b: merge */
    CHECK_INT(nruns(a), 3);
    json_t *disk = rg_dataset_load(path, err);
    CHECK_INT(nruns(disk), 3);
    CHECK_STR(json_string_value(json_object_get(json_object_get(disk, "meta"), "title")), "A");
    json_decref(disk);
    /* Unchanged since a's save: a's document is written as it is, a removed run included. */
    json_array_remove(json_object_get(a, "runs"), 0);
    fa.saved = nruns(a);
    CHECK(rg_dataset_save_runs(path, a, &fa, err) == 0);
    disk = rg_dataset_load(path, err);
    CHECK_INT(nruns(disk), 2);
    json_decref(disk);
    json_decref(a);
    json_decref(b);
}

/* Modes and links: the umask for a new file, the mode of an existing one, no link followed. */
static void test_write_modes_and_links(void)
{
    struct stat st;
    mode_t old = umask(077);
    CHECK(rg_write_atomic(tmp("m.txt"), "x", 1, err) == 0);
    umask(old);
    CHECK(stat(tmp("m.txt"), &st) == 0 && (st.st_mode & 0777) == 0600);
    chmod(tmp("m.txt"), 0640);
    CHECK(rg_write_atomic(tmp("m.txt"), "y", 1, err) == 0);
    CHECK(stat(tmp("m.txt"), &st) == 0 && (st.st_mode & 0777) == 0640);
    CHECK(symlink("m.txt", tmp("l.txt")) == 0);
    CHECK(rg_write_atomic(tmp("l.txt"), "z", 1, err) == -1);
    CHECK_HAS(err, "symbolic link");
    CHECK(lstat(tmp("l.txt"), &st) == 0 && S_ISLNK(st.st_mode));
    CHECK(rg_check_output(tmp("l.txt"), err) == -1);
    CHECK(rg_check_output(tmp("none.txt"), err) == 0);
    CHECK(rg_write_atomic_ex(tmp("m.txt"), "w", 1, RG_WRITE_CREATE, NULL, err) == RG_WRITE_EXISTS);
    FILE *f = rg_open_output(tmp("l.txt"), err);
    CHECK(f == NULL);
    CHECK_HAS(err, "symbolic link");
    unlink(tmp("l.txt"));
}

static void test_latency_object(void)
{
    rg_hist *h = rg_hist_new(RG_HIST_DEFAULT_HIGHEST, 3, err);
    json_t *l = rg_latency_json(h);
    CHECK(json_is_null(json_object_get(l, "p99")));
    CHECK(json_object_get(l, "histogram") == NULL);
    json_decref(l);
    for (int i = 1; i <= 100; i++)
        rg_hist_record(h, i);
    l = rg_latency_json(h);
    CHECK_INT(json_integer_value(json_object_get(l, "p50")), 50);
    CHECK_INT(json_integer_value(json_object_get(l, "p99")), 99);
    CHECK_INT(json_integer_value(json_object_get(l, "max")), 100);
    CHECK_NEAR(json_real_value(json_object_get(l, "mean")), 50.5, 1e-12);
    CHECK_STR(json_string_value(json_object_get(l, "unit")), "us");
    json_decref(l);
    rg_hist_free(h);
}

static void test_accessors(void)
{
    json_t *r = sample_run(1);
    CHECK_INT(rg_errors_total(json_object_get(r, "errors")), 6);
    CHECK_INT(rg_errors_total(NULL), 0);
    /* 3500 lies in a bucket of width 2: reported as its highest equivalent */
    CHECK_NEAR(rg_json_path_num(r, "latency.p50", -1), 3501, 0);
    CHECK_NEAR(rg_json_path_num(r, "latency.nope", -1), -1, 0);
    CHECK_NEAR(rg_json_path_num(r, "nope.p50", -1), -1, 0);
    CHECK_NEAR(rg_json_num(r, "requests", 0), 1000, 0);
    CHECK(json_is_null(json_object_get(r, "rate")));
    json_decref(r);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/rigor-test-dataset.XXXXXX");
    if (mkdtemp(dir) == NULL)
        return 1;
    RUN(test_new_dataset_shape);
    RUN(test_save_runs_merges_writers);
    RUN(test_write_modes_and_links);
    RUN(test_save_load_round_trip);
    RUN(test_reals_round_trip_exactly);
    RUN(test_summary_only_run_is_valid);
    RUN(test_syntax_error_has_line_and_column);
    RUN(test_wrong_type_is_located);
    RUN(test_missing_required_key);
    RUN(test_rejects_future_version_and_foreign_files);
    RUN(test_rejects_bad_values);
    RUN(test_rejects_unreadable_paths);
    RUN(test_atomic_write);
    RUN(test_open_or_new_appends);
    RUN(test_latency_object);
    RUN(test_accessors);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        return 1;
    return unit_done();
}
