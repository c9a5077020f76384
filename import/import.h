/*
 * import/import.h — the public face of the importers and exporters: other load tools' result
 * files become dataset v1 runs, and datasets leave rigor as CSV rows and HdrHistogram spectra.
 *
 * `rigor import` and `rigor export` are the commands (core/cli.h). im_import_file() is what the
 * plan runner (plan/) uses to read the output of an external load generator ("generator" in
 * plans, docs/plan-format.md): one file becomes one run object with `source: "import:TOOL"`,
 * exactly as `rigor import` would store it.
 *
 * What each format can honestly give (exact histogram, approximate histogram, or a summary
 * only) is in docs/import.md; unknown fields stay absent, never invented.
 */
#ifndef RIGOR_IMPORT_IMPORT_H
#define RIGOR_IMPORT_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <jansson.h>

/* What the caller knows that the file may not say (all optional). */
typedef struct im_opts {
    const char *format;      /* a format name (im_format_names); NULL = detect from content */
    const char *label;       /* target name; NULL = the URL's host:port in the file, else the file name */
    const char *url;         /* stored as `url` when the file has none */
    long long concurrency;   /* > 0: connections / virtual users (overrides the file) */
    double rate;             /* > 0: requests/s asked for (open loop; overrides the file) */
    int run;                 /* >= 1: the run index; 0 = the caller numbers runs */
    double duration_s;       /* > 0: the measured window when the file cannot tell it */
    double skip_s;           /* > 0: drop requests started in the first skip_s seconds (per-request formats) */
    double unit_us;          /* > 0: microseconds per value for formats whose unit is not stated (hgrm) */
    const char *name;        /* how the file is named in messages and provenance; NULL = its path */
} im_opts;

/* Defaults: everything unknown. */
void im_opts_init(im_opts *o);

/*
 * Read one result file (plain or gzip-compressed) into a new run object (new reference): the
 * identity keys of rg_run_new, the measured keys the format holds, and an `import` object
 * with the provenance (file, tool, format, format version, histogram kind, notes). `run` is
 * o->run, or 1 when it is 0 (the caller renumbers). Returns NULL with err "FILE:LINE: what is
 * wrong" (RG_ERRLEN) for a malformed file, or "cannot tell the format of FILE: ..." naming the
 * candidates when detection fails.
 */
json_t *im_import_file(const char *path, const im_opts *o, char *err);

/* True when name is a known format; fills *tool with its tool ("k6") when tool is not NULL. */
bool im_format_known(const char *name, const char **tool);

/* True when the format holds one record per request (so skip_s can apply). */
bool im_format_per_request(const char *name);

/* "k6-json, k6-csv, ..." for messages (static storage). */
const char *im_format_names(void);

/* One line per format: name, tool, histogram kind and what it is, for --help and docs. */
void im_formats_print(FILE *out);

/*
 * Exporters (import/im_export.c). The CSV has a header and one row per run of the n datasets
 * (names[i] fills the "dataset" column), with the stable columns of docs/import.md, RFC 4180
 * quoting and empty cells for unknown values. 0, or -1 with err on a write error.
 */
int im_export_csv(json_t *const *datasets, const char *const *names, size_t n, FILE *out,
                  char *err);

/*
 * HdrHistogram percentile distribution ("Value Percentile TotalCount 1/(1-Percentile)") of one
 * latency histogram, values divided by unit_us (1000: milliseconds, as HdrHistogram's plotter
 * expects). 0, or -1 with err when the histogram is unusable.
 */
int im_write_hgrm(const json_t *histogram, double unit_us, FILE *out, char *err);

#endif
