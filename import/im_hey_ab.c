/*
 * import/im_hey_ab.c — hey's CSV (hey) and ApacheBench's two data files (ab).
 *
 * hey -o csv: one row per request that got a response: response-time (s, 4 decimals, so
 * 0.1 ms), the phases, and since hey 0.1.3 status-code and offset (s since the start of the
 * run, when the request began). Requests that failed without a response are not in the file
 * at all (hey keeps them only for its text summary), and hey stops recording rows after
 * 1,000,000: both are said in the run's notes. Without the offset column the window is
 * unknown (--duration gives it).
 * ab -g FILE (gnuplot TSV): one row per completed request — starttime (local ctime text),
 * seconds (epoch, whole seconds), ctime, dtime, ttime (total, whole ms), wait — sorted by
 * ttime, not by start (ab sorts them before writing); no status codes. The window is known
 * to a second.
 * ab -e FILE (CSV): "Percentage served,Time in ms", 0..100: the percentile spectrum alone,
 * a summary without a request count.
 * Expected load: hey and ab files are up to a million rows.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "core/err.h"
#include "import/import_int.h"

#define HEY_MAX_ROWS 1000000

/* ---- hey ---- */

int im_sniff_hey(const im_src *s)
{
    char line[512];
    return im_starts(im_head_line(s, line, sizeof line), "response-time,DNS+dialup,") ? 100 : 0;
}

typedef struct hey_csv {
    im_ctx *c;
    bool header;
    int ci_rt, ci_status, ci_offset;
    uint64_t rows;
} hey_csv;

static int hey_row(void *ctx, char **f, size_t n, long line, char *err)
{
    hey_csv *h = ctx;
    double rt, off = NAN;
    int64_t st = IM_STATUS_UNKNOWN;
    if (!h->header) {
        h->header = true;
        h->ci_rt = h->ci_status = h->ci_offset = -1;
        for (size_t i = 0; i < n; i++) {
            if (strcmp(f[i], "response-time") == 0)
                h->ci_rt = (int)i;
            else if (strcmp(f[i], "status-code") == 0)
                h->ci_status = (int)i;
            else if (strcmp(f[i], "offset") == 0)
                h->ci_offset = (int)i;
        }
        return 0;
    }
    if ((size_t)h->ci_rt >= n || im_num(f[h->ci_rt], &rt) != 0 || rt < 0)
        return im_src_err(h->c->src, line, err, "response-time is not a number of seconds");
    if (h->ci_status >= 0 && ((size_t)h->ci_status >= n || im_int(f[h->ci_status], &st) != 0 ||
                              st < 100 || st > 999))
        return im_src_err(h->c->src, line, err, "status-code is not an HTTP status");
    if (h->ci_offset >= 0 && ((size_t)h->ci_offset >= n || im_num(f[h->ci_offset], &off) != 0 ||
                              off < 0 || off > 1e9))
        return im_src_err(h->c->src, line, err, "offset is not a number of seconds");
    im_sample s = {.start_ns = isnan(off) ? IM_NO_TIME : (int64_t)llround(off * 1e9),
                   .end_ns = IM_NO_TIME, .latency_us = rt * 1e6, .status = (int)st,
                   .kind = IM_ERR_NONE, .bytes_in = -1, .bytes_out = -1};
    h->rows++;
    return im_acc_sample(h->c->acc, &s) == 0 ? 0 : rg_err(err, "out of memory");
}

int im_read_hey(im_ctx *c, char *err)
{
    hey_csv h = {.c = c};
    im_acc *a = c->acc;
    a->resolution_us = 100;
    a->relative_time = true;
    if (im_csv_read(c->src, ',', hey_row, &h, err) != 0)
        return -1;
    if (a->pass == 1)
        return 0;
    if (h.ci_status >= 0)
        im_acc_sees(a, IM_ERR_STATUS, IM_ERR_STATUS);
    else
        im_acc_note(a, "hey before 0.1.3: no status codes in the file");
    if (h.ci_offset < 0)
        im_acc_note(a, "no offset column (hey before 0.1.3): the window is unknown");
    im_acc_set_version(a, h.ci_offset >= 0 ? "8 columns (hey >= 0.1.3)" : "6 columns");
    im_acc_note(a, "hey's CSV holds only the requests that got a response: transport "
                "failures are not in the file (errors has no connect/read/timeout counts)");
    if (h.rows >= HEY_MAX_ROWS)
        im_acc_note(a, "hey records at most 1,000,000 rows: requests after that are missing");
    return 0;
}

/* ---- ab ---- */

static const char *const ab_tsv_head = "starttime\tseconds\tctime\tdtime\tttime\twait";

int im_sniff_ab(const im_src *s)
{
    char line[512];
    im_head_line(s, line, sizeof line);
    return im_starts(line, ab_tsv_head) || im_starts(line, "Percentage served,Time in ms")
               ? 100 : 0;
}

typedef struct ab_file {
    im_ctx *c;
    bool header;
    double ps[101], vs[101];
    size_t np;
} ab_file;

static int ab_tsv_row(void *ctx, char **f, size_t n, long line, char *err)
{
    ab_file *b = ctx;
    int64_t sec, tt;
    if (!b->header) {
        b->header = true;
        return 0;
    }
    if (n != 6 || im_int(f[1], &sec) != 0 || im_int(f[4], &tt) != 0 || sec < 0 || tt < 0 ||
        sec > IM_MAX_EPOCH_S || tt > IM_MAX_LATENCY_US / 1000)
        return im_src_err(b->c->src, line, err, "expected 6 tab-separated fields with whole "
                          "seconds and a whole ttime in ms");
    im_sample s = {.start_ns = sec * 1000000000, .end_ns = IM_NO_TIME,
                   .latency_us = (double)tt * 1000, .status = IM_STATUS_UNKNOWN,
                   .kind = IM_ERR_NONE, .bytes_in = -1, .bytes_out = -1};
    return im_acc_sample(b->c->acc, &s) == 0 ? 0 : rg_err(err, "out of memory");
}

static int ab_pct_row(void *ctx, char **f, size_t n, long line, char *err)
{
    ab_file *b = ctx;
    double p, ms;
    if (!b->header) {
        b->header = true;
        return 0;
    }
    if (n != 2 || im_num(f[0], &p) != 0 || im_num(f[1], &ms) != 0 || p < 0 || p > 100 ||
        ms < 0 || b->np >= 101 || (b->np > 0 && p <= b->ps[b->np - 1]))
        return im_src_err(b->c->src, line, err, "expected an ascending percentage 0..100 and a "
                          "time in ms");
    b->ps[b->np] = p;
    b->vs[b->np++] = ms * 1000;
    return 0;
}

int im_read_ab(im_ctx *c, char *err)
{
    ab_file b = {.c = c};
    im_acc *a = c->acc;
    char line[512];
    if (im_starts(im_head_line(c->src, line, sizeof line), ab_tsv_head)) {
        a->resolution_us = 1000;
        a->time_resolution_s = 1;
        im_acc_set_version(a, "-g (gnuplot TSV)");
        if (a->pass == 2)
            im_acc_note(a, "ab's -g file has whole-ms times, whole-second start times and no "
                        "status codes; requests that failed are not in it");
        return im_csv_read(c->src, '\t', ab_tsv_row, &b, err);
    }
    if (a->pass == 1)   /* -e is a summary; only the second pass reads it */
        return 0;
    if (im_csv_read(c->src, ',', ab_pct_row, &b, err) != 0)
        return -1;
    if (b.np == 0)
        return im_src_err(c->src, 0, err, "no percentile rows");
    im_acc_set_version(a, "-e (percentile CSV)");
    for (size_t i = 0; i < b.np; i++)
        im_acc_percentile(a, b.ps[i], b.vs[i]);
    if (b.ps[0] == 0)
        a->lat_min = b.vs[0];
    if (b.ps[b.np - 1] == 100)
        a->lat_max = b.vs[b.np - 1];
    a->resolution_us = 1;
    im_acc_note(a, "ab's -e file is the percentile spectrum alone: no request count, "
                "no duration, no errors");
    return 0;
}
