/*
 * core/dataset.h — datasets (format v1, and v2 whose histograms are HdrHistogram-encoded):
 * the JSON file every part of rigor reads and writes.
 *
 * A dataset is held in memory as a jansson document, exactly as it is stored:
 *   {"format": "rigor-dataset", "version": 1, "meta": {...}, "runs": [{...}, ...]}
 * (full specification: docs/dataset-format.md). Modules build runs as json_t objects with the
 * helpers below and append them; readers get a validated document and read keys directly.
 * Keeping the document as JSON (rather than a C struct per key) means a loader never drops a
 * key it does not know, so load -> save -> load is the identity, and newer minor additions
 * survive older tools.
 *
 * Format v2 differs only in each histogram's counts: "hdr" (HdrHistogram's compressed
 * encoding) in place of "buckets". A document's "version" decides the form its text is
 * written in (rg_dataset_dumps converts, either way); in memory, runs may hold either form,
 * and readers get histograms through rg_hist_from_json, which reads both. So a writer
 * appending runs to a v2 file keeps it v2 without knowing the format.
 *
 * Validation (rg_dataset_validate) checks the envelope, the version, required keys and the
 * type of every known key, including histograms; the message names the file, the JSON path
 * (runs[3].latency.p99) and the line and column where the value sits.
 *
 * Readers that need only the analysed figures (analyze, report.md) load lean
 * (rg_dataset_load_for): the same validation, without holding histograms or most series.
 */
#ifndef RIGOR_CORE_DATASET_H
#define RIGOR_CORE_DATASET_H

#include <jansson.h>
#include <sys/types.h>
#include <time.h>
#include "core/err.h"
#include "core/hist.h"

#define RG_DATASET_FORMAT "rigor-dataset"
#define RG_DATASET_VERSION 1        /* what a new dataset is written as */
#define RG_DATASET_VERSION_MAX 2    /* the newest this rigor reads and writes */

/*
 * New empty dataset: meta holds title (may be NULL), created (now), tool version, host
 * (cpu model, cores, kernel, hostname) and provenance.command (argv joined, shell-quoted).
 * argc may be 0. Returns a new reference.
 */
json_t *rg_dataset_new(const char *title, int argc, char **argv);

/*
 * Load and validate a dataset file ("-" = stdin). Returns a new reference, or NULL with err
 * (RG_ERRLEN) like "bad.json:3:14: runs[0].requests: expected an integer, got string".
 * JSON syntax errors give jansson's line and column.
 */
json_t *rg_dataset_load(const char *path, char *err);

/*
 * rg_dataset_load for a reader that needs only part of each run. RG_LOAD_ALL: the whole
 * document (rg_dataset_load). RG_LOAD_ANALYSIS: everything analyze and report.md read; each
 * run is validated whole, then its histograms ("histogram" of every latency object, the
 * endpoints' included, and "timeseries_histograms") and every per-second series but
 * "timeseries.requests" are dropped. A lean document must never be saved.
 */
enum { RG_LOAD_ALL, RG_LOAD_ANALYSIS };
json_t *rg_dataset_load_for(const char *path, int what, char *err);

/*
 * What a writer that appends runs knows of its dataset file (core/dataset_lock.c). Zeroed:
 * nothing (a new document). `saved`: the document's first `saved` runs are the file's, the
 * ones after them are this writer's, not yet saved; a caller that removes runs from the
 * document sets it again. The identity is the file's as this writer last read or wrote it.
 */
typedef struct rg_dataset_file {
    size_t saved;
    int known;                 /* dev, ino, size, mtime below are set */
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime;
} rg_dataset_file;

/*
 * Load path if it exists (validated, appended to), else return rg_dataset_new(...).
 * For `-o FILE` on commands that append runs; df (may be NULL) is filled for
 * rg_dataset_save_runs. NULL with err when the file exists but is bad.
 */
json_t *rg_dataset_open_or_new(const char *path, const char *title, int argc, char **argv,
                               rg_dataset_file *df, char *err);

/* rg_dataset_load that also fills df (the file's identity, saved = its runs). */
json_t *rg_dataset_load_tracked(const char *path, rg_dataset_file *df, char *err);

/*
 * Save ds to path so that concurrent writers never lose each other's runs: under an
 * exclusive flock on the file, if the file is no longer the one this writer last read or
 * wrote, it is read again and this writer's new runs (ds's runs after df->saved) are appended
 * to what it holds now; otherwise ds is written as it is (meta changes and removed runs
 * included). Either way ds then equals the file, and df is updated. A missing file is
 * created without ever replacing one made meanwhile. Waits while another writer holds the
 * lock (a save takes milliseconds). 0, or -1 with err (the file is then unchanged).
 */
int rg_dataset_save_runs(const char *path, json_t *ds, rg_dataset_file *df, char *err);

/* Validate an in-memory document; 0 or -1 with err (path only; no file/line). */
int rg_dataset_validate(const json_t *ds, char *err);

/* Serialize (stable key order, 2-space indent, trailing newline) and write atomically. */
int rg_dataset_save(const char *path, const json_t *ds, char *err);
/* The serialized text as rg_dataset_save writes it; caller frees. NULL on OOM. */
char *rg_dataset_dumps(const json_t *ds);

/* Append a run (steals the reference). 0, or -1 if ds has no runs array. */
int rg_dataset_append_run(json_t *ds, json_t *run);

/*
 * A new run object with the identity keys in their canonical order:
 * target, url, concurrency (or null), rate (or null), run, source, complete, started.
 * concurrency <= 0 stores null; rate <= 0 stores null. started may be NULL (omitted).
 */
json_t *rg_run_new(const char *target, const char *url, long long concurrency, double rate,
                   int run_index, const char *source, int complete, const char *started);

/*
 * The SPEC latency object from a histogram in microseconds:
 * {"unit": "us", "mean", "stdev", "min", "max", "p50", "p90", "p99", "p999", "histogram"}.
 * With an empty histogram the statistics are null and there is no histogram key.
 */
json_t *rg_latency_json(const rg_hist *h);

/* An errors object with all six kinds present: {"connect","read","write","timeout","protocol","status"}. */
json_t *rg_errors_json(uint64_t connect, uint64_t read, uint64_t write, uint64_t timeout,
                       uint64_t protocol, uint64_t status);

/* Total of an errors object (0 for NULL/non-object). */
uint64_t rg_errors_total(const json_t *errors);

/* Convenience readers for validated runs: the number at key (integer or real), or dflt. */
double rg_json_num(const json_t *obj, const char *key, double dflt);
/* Nested: rg_json_path_num(run, "latency.p99", NAN). */
double rg_json_path_num(const json_t *obj, const char *dotted, double dflt);

#endif
