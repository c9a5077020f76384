/*
 * import/import_int.h — private interface of the importers (import/).
 *
 * Design: a format reader never builds JSON for the dataset itself. It parses its file and
 * feeds an accumulator (im_acc): one im_sample per request for per-request formats, or the
 * tool's aggregates (counts, percentiles, duration) for summary formats. im_acc_finish turns
 * what was fed into the run object, so every format gets the same keys, the same units and
 * the same rule: what the file does not say stays absent.
 *
 * Per-request formats are read twice: the first pass only finds when the first request
 * started (the window start, where --skip cuts and where the per-second series begins),
 * the second records everything. Files are read through zlib, so gzip-compressed results
 * (k6's --out json=file.gz) import as they are; CSV and TSV go through libcsv, JSON through
 * jansson, JTL XML through expat.
 *
 * The split by concern:
 *   im_acc.c       the accumulator
 *   im_run.c       the run object it makes (im_acc_finish)
 *   im_src.c       files: lines, CSV records, JSON documents, errors with FILE:LINE
 *   im_parse.c     numbers, timestamps (RFC 3339, epoch, local time), error-text kinds
 *   im_formats.c   the format table, detection, im_import_file
 *   im_k6.c        k6-json, k6-csv            im_k6sum.c   k6-summary (three schemas)
 *   im_locust.c    locust-csv, locust-json    im_jmeter.c  jmeter-jtl (CSV and XML)
 *   im_vegeta.c    vegeta (JSON, CSV)         im_hey_ab.c  hey, ab
 *   im_oha_ac.c    oha, autocannon            im_wrk.c     wrk (report, Lua histogram)
 *   im_hgrm.c      hgrm, wrk2                 im_export.c  CSV and hgrm writers
 *   cmd_import.c, cmd_export.c  the commands
 * Nothing here is used outside import/ (and its unit tests and fuzz targets).
 */
#ifndef RIGOR_IMPORT_IMPORT_INT_H
#define RIGOR_IMPORT_IMPORT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zlib.h>
#include <jansson.h>
#include "core/hist.h"
#include "import/import.h"

#define IM_NO_TIME INT64_MIN
#define IM_MAX_EPOCH_S INT64_C(9000000000)   /* |time| a timestamp may have (year 2255) */
#define IM_MAX_LATENCY_US 3.6e12              /* 1000 hours: beyond, a value is not a latency */
#define IM_MAX_LINE (16u << 20)        /* longest line a reader accepts */
#define IM_MAX_DOC (512u << 20)        /* largest whole-JSON document */
#define IM_MAX_DETAIL 50               /* distinct error messages kept per run */
#define IM_MAX_SERIES_HISTS 3600       /* seconds with per-second p50/p99 */
#define IM_NSTATUS 1000
#define IM_STATUS_UNKNOWN 1            /* a response whose status the file does not give */

/* Error kinds: the dataset's six, then the ones some tools add (docs/import.md). */
enum im_kind {
    IM_ERR_NONE = -1,
    IM_ERR_CONNECT = 0, IM_ERR_READ, IM_ERR_WRITE, IM_ERR_TIMEOUT, IM_ERR_PROTOCOL,
    IM_ERR_STATUS, IM_ERR_ASSERTION, IM_ERR_OTHER,
    IM_NKINDS
};
extern const char *const im_kind_names[IM_NKINDS];

/*
 * One request as a per-request format records it. status > 0: a response arrived (counted in
 * `requests`, its latency recorded; 4xx/5xx also count as a `status` error unless kind says
 * otherwise); status 0: no response (a transport error of kind `kind`, never in the latency).
 */
typedef struct im_sample {
    int64_t start_ns;       /* when it was sent (ns since the epoch, UTC), or IM_NO_TIME */
    int64_t end_ns;         /* when it ended, or IM_NO_TIME (then start + latency) */
    double latency_us;      /* < 0: unknown */
    int status;             /* HTTP status, 0 = none, IM_STATUS_UNKNOWN = a response */
    int kind;               /* IM_ERR_NONE, or the error kind */
    const char *detail;     /* the tool's words for the error (kept in import.errors_detail) */
    int64_t bytes_in, bytes_out;   /* < 0: unknown */
} im_sample;

/* ---- the accumulator (im_acc.c) ---- */

typedef struct im_acc {
    int pass;                     /* 1: window only (per-request formats), 2: everything */
    int64_t first_start;          /* pass 1 result: earliest start, or IM_NO_TIME */
    int64_t cutoff;               /* pass 2: samples starting before this are dropped */
    uint64_t skipped;             /* ... and how many were */
    /* counts */
    bool have_requests;
    uint64_t requests;
    bool err_known[IM_NKINDS];    /* kinds the format can see */
    uint64_t err[IM_NKINDS];
    bool have_status;
    uint64_t status[IM_NSTATUS];  /* [0] = codes outside 100..999 */
    int64_t bytes_in, bytes_out;  /* < 0 unknown */
    /* the window */
    int64_t t_start, t_end;       /* ns; IM_NO_TIME when unknown */
    bool relative_time;           /* times count from the run's start, not the epoch */
    double time_resolution_s;     /* 0 = fine; 1 for whole-second timestamps */
    double duration_s;            /* stated by the tool; NAN = from the window */
    double throughput_rps;        /* stated by the tool; NAN = requests / duration */
    /* latency: a histogram, and/or the tool's own statistics (us; NAN = unknown) */
    rg_hist *hist;
    const char *hist_kind;        /* "exact", "approximate", or NULL (none) */
    double resolution_us;         /* how finely the file states a latency; 0 = unknown */
    double lat_mean, lat_stdev, lat_min, lat_max;
    json_t *percentiles;          /* {"50": us, "99.9": us, ...} as the tool states them */
    /* per-second series, relative to the window start */
    uint64_t *ts_req, *ts_err;
    rg_hist **ts_hist;
    size_t ts_n, ts_cap;
    json_t *ts_given;             /* a series the format states itself (Locust) */
    /* identity the file states */
    char *url;
    long long concurrency;
    double rate;
    char *version;                /* format or tool version, when the file says */
    /* provenance */
    json_t *detail;               /* error message -> count */
    json_t *notes;                /* array of strings */
    json_t *extra;                /* format-specific keys for the `import` object */
    json_t *run_keys;             /* keys for the run itself (latency_uncorrected) */
} im_acc;

int im_acc_init(im_acc *a, char *err);
void im_acc_free(im_acc *a);
/* Between the passes: fixes the window start (first start + skip_s) and the series base. */
void im_acc_begin_pass2(im_acc *a, double skip_s);
/* One request. -1 only when out of memory. */
int im_acc_sample(im_acc *a, const im_sample *s);
/* A byte total plus n (total < 0: unknown so far), saturating instead of overflowing. */
int64_t im_add_bytes(int64_t total, int64_t n);
/* The error kinds first..last can be seen by the format: their zero counts are stated. */
void im_acc_sees(im_acc *a, int first, int last);
/* Record `count` latencies of value us into the (approximate) histogram. */
void im_acc_record(im_acc *a, double us, uint64_t count);
/*
 * An approximate histogram from the tool's percentile points (p ascending, 0..100, values in
 * us) and the request count: the requests between two points are put at the upper one, so
 * the histogram gives back every stated percentile exactly and interpolates nothing.
 */
void im_acc_from_quantiles(im_acc *a, const double *p, const double *us, size_t n,
                           uint64_t total);
/* A note for import.notes (printf-style); duplicates are dropped. */
void im_acc_note(im_acc *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Count an error message in import.errors_detail (bounded, long messages cut). */
void im_acc_detail(im_acc *a, const char *msg, uint64_t count);
/* A percentile the tool states: p in 0..100, value in us. */
void im_acc_percentile(im_acc *a, double p, double us);
/* Set the URL/version once (the first non-empty value wins). */
void im_acc_set_url(im_acc *a, const char *url);
void im_acc_set_version(im_acc *a, const char *v);

struct im_format;
/*
 * The run object from what was accumulated: identity from opts (overriding the file),
 * `source: "import:TOOL"`, the measured keys that are known, and the `import` object.
 * NULL with err when nothing usable was found (no request at all).
 */
json_t *im_acc_finish(im_acc *a, const struct im_format *f, const im_opts *o,
                      const char *name, char *err);

/* ---- files (im_src.c) ---- */

#define IM_HEAD 65536

typedef struct im_src {
    const char *path;
    const char *name;             /* for messages */
    gzFile gz;
    long line;                    /* 1-based number of the last line read */
    char *buf;                    /* the current line */
    size_t cap;
    unsigned char *chunk;         /* read-ahead from gzread */
    size_t clen, cpos;
    bool eof;
    unsigned char head[IM_HEAD];  /* the first bytes, for detection */
    size_t nhead;
} im_src;

int im_src_open(im_src *s, const char *path, const char *name, char *err);
void im_src_close(im_src *s);
int im_src_rewind(im_src *s, char *err);
/* The next line (newline and a trailing CR removed, NUL-terminated, owned by s): 1, 0 at the
 * end, -1 with err (read error, line longer than IM_MAX_LINE, a NUL byte). */
int im_src_line(im_src *s, char **line, size_t *len, char *err);
/* The whole rest of the file (caller frees); NULL with err beyond max bytes. */
char *im_src_slurp(im_src *s, size_t *len, size_t max, char *err);
/* A whole JSON document; NULL with err "FILE:LINE:COL: jansson's message". */
json_t *im_src_json(im_src *s, char *err);
/* err = "NAME:LINE: message"; always -1. line <= 0 leaves the line out. */
int im_src_err(const im_src *s, long line, char *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/*
 * CSV or TSV through libcsv (RFC 4180 quoting, CRLF or LF): cb gets each record's fields
 * (NUL-terminated, owned by the reader) and the line it starts on; a non-zero return from cb
 * stops the read with that value. Empty lines are skipped.
 */
typedef int (*im_csv_cb)(void *ctx, char **fields, size_t n, long line, char *err);
int im_csv_read(im_src *s, unsigned char delim, im_csv_cb cb, void *ctx, char *err);

/* ---- values (im_parse.c) ---- */

/* A count or size a file states as a number: 0 for NaN or negative, at most 2^60 (a double
 * beyond an integer's range must not be cast). */
uint64_t im_count(double v);
/* Strict: the whole string, finite. 0 or -1. Leading/trailing blanks allowed. */
int im_num(const char *s, double *out);
int im_int(const char *s, int64_t *out);
/* RFC 3339 / ISO 8601 with optional fraction and zone (Z, +hh:mm, +hhmm; none = UTC),
 * 'T' or ' ' between date and time. ns since the epoch. 0 or -1. */
int im_time_iso(const char *s, int64_t *ns);
/* A local-time text in strptime format fmt (the machine's TZ), with an optional ".mmm". */
int im_time_local(const char *s, const char *fmt, int64_t *ns);
/* An epoch number whose unit is told by its size (s, ms, us or ns around 2001-2286). */
int im_time_epoch_auto(double v, int64_t *ns, double *resolution_s);
/* The error kind that a tool's message describes (refused -> connect, timed out -> timeout,
 * reset/EOF -> read, broken pipe -> write, TLS/parse -> protocol; else other). */
int im_kind_from_text(const char *msg);
/* "host:port" of a URL (default port by scheme) into buf; 0, or -1 when it is not one. */
int im_url_hostport(const char *url, char *buf, size_t len);
/* True when s starts with prefix. */
bool im_starts(const char *s, const char *prefix);

/* ---- the formats (im_formats.c and one file per family) ---- */

typedef struct im_ctx {
    im_src *src;
    im_acc *acc;
    const im_opts *o;
    const struct im_format *fmt;
    const char *path;             /* the file (siblings of Locust's CSV are found from it) */
} im_ctx;

typedef struct im_format {
    const char *name;             /* "k6-json" */
    const char *tool;             /* "k6" (source "import:k6") */
    const char *histogram;        /* what it can give: "exact", "approximate", "none" */
    bool per_request;             /* read twice; --skip applies */
    const char *what;             /* one line for --help */
    /* How sure the content is of this format: 0 (no) .. 100 (certain). */
    int (*sniff)(const im_src *s);
    /* Parse the file into c->acc. 0, or -1 with err. */
    int (*read)(im_ctx *c, char *err);
} im_format;

const im_format *im_format_find(const char *name);

/* Readers and sniffers, one pair per format. */
int im_sniff_k6_json(const im_src *s);       int im_read_k6_json(im_ctx *c, char *err);
int im_sniff_k6_csv(const im_src *s);        int im_read_k6_csv(im_ctx *c, char *err);
int im_sniff_k6_summary(const im_src *s);    int im_read_k6_summary(im_ctx *c, char *err);
int im_sniff_locust_csv(const im_src *s);    int im_read_locust_csv(im_ctx *c, char *err);
int im_sniff_locust_json(const im_src *s);   int im_read_locust_json(im_ctx *c, char *err);
int im_sniff_jmeter(const im_src *s);        int im_read_jmeter(im_ctx *c, char *err);
int im_sniff_autocannon(const im_src *s);    int im_read_autocannon(im_ctx *c, char *err);
int im_sniff_vegeta(const im_src *s);        int im_read_vegeta(im_ctx *c, char *err);
int im_sniff_hey(const im_src *s);           int im_read_hey(im_ctx *c, char *err);
int im_sniff_ab(const im_src *s);            int im_read_ab(im_ctx *c, char *err);
int im_sniff_wrk(const im_src *s);           int im_read_wrk(im_ctx *c, char *err);
int im_sniff_wrk2(const im_src *s);          int im_read_wrk2(im_ctx *c, char *err);
int im_sniff_hgrm(const im_src *s);          int im_read_hgrm(im_ctx *c, char *err);
int im_sniff_oha(const im_src *s);           int im_read_oha(im_ctx *c, char *err);

/* The head of the file as text up to its first newline (for sniffers), into buf. */
const char *im_head_line(const im_src *s, char *buf, size_t len);
/* True when the head (first IM_HEAD bytes) contains needle. */
bool im_head_has(const im_src *s, const char *needle);
/* The first non-blank byte of the head, or 0. */
int im_head_first(const im_src *s);

/* wrk's and wrk2's time text ("486.44us", "1.01ms", "1.10s", "2.00m", "1.00h") in us. */
int im_wrk_time(const char *text, double *us);

/* Shared by the HdrHistogram readers (im_hgrm.c): one spectrum line "value pct total [inv]".
 * 1 when the line is one, 0 when not, with the parsed numbers. */
int im_hgrm_line(const char *line, double *value, double *pct, double *total);

/* ---- the exporters' column list (im_export.c) ---- */
extern const char *const im_csv_columns[];

#endif
