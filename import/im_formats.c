/*
 * import/im_formats.c — the table of formats, detection from the content, and
 * im_import_file, the one entry point that turns a file into a run.
 *
 * Design: each format has a sniffer that looks only at the first 64 KiB and says how sure it
 * is (0..100): a header line that only one tool writes is 100, a header-less shape (JMeter's
 * default CSV, vegeta's CSV) less. The highest score wins; a tie at the top, or no score of
 * 50 or more, is an error that names the candidates and asks for --format. Reading then goes
 * through the accumulator (im_acc.c) in one pass for summary formats and two for
 * per-request ones, and the run is validated against the dataset rules before it is
 * returned, so an importer bug can never reach a saved dataset.
 * Expected load: one call per imported file.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/dataset.h"
#include "core/err.h"
#include "import/import_int.h"

static const im_format formats[] = {
    {"k6-json", "k6", "exact", true,
     "k6 run --out json=FILE (one line per sample)",
     im_sniff_k6_json, im_read_k6_json},
    {"k6-csv", "k6", "exact", true,
     "k6 run --out csv=FILE (any time_format)",
     im_sniff_k6_csv, im_read_k6_csv},
    {"k6-summary", "k6", "none", false,
     "--summary-export, handleSummary, k6 1.x summary",
     im_sniff_k6_summary, im_read_k6_summary},
    {"locust-csv", "locust", "approximate", false,
     "locust --csv PREFIX: PREFIX_stats.csv + siblings",
     im_sniff_locust_csv, im_read_locust_csv},
    {"locust-json", "locust", "approximate", false,
     "locust --json / --json-file",
     im_sniff_locust_json, im_read_locust_json},
    {"jmeter-jtl", "jmeter", "exact", true,
     "JMeter JTL: CSV (any header) or XML",
     im_sniff_jmeter, im_read_jmeter},
    {"autocannon", "autocannon", "none", false,
     "autocannon --json (percentiles)",
     im_sniff_autocannon, im_read_autocannon},
    {"vegeta", "vegeta", "exact", true,
     "vegeta encode: JSON lines or CSV",
     im_sniff_vegeta, im_read_vegeta},
    {"hey", "hey", "exact", true,
     "hey -o csv (responses only)",
     im_sniff_hey, im_read_hey},
    {"ab", "ab", "exact/none", true,
     "ab -g TSV, or ab -e CSV (percentiles)",
     im_sniff_ab, im_read_ab},
    {"wrk", "wrk", "none/exact", false,
     "wrk report, or examples/wrk-histogram.lua",
     im_sniff_wrk, im_read_wrk},
    {"wrk2", "wrk2", "approximate", false,
     "wrk2 report with --latency",
     im_sniff_wrk2, im_read_wrk2},
    {"hgrm", "hdrhistogram", "approximate", false,
     "HdrHistogram percentile distribution",
     im_sniff_hgrm, im_read_hgrm},
    {"oha", "oha", "none/exact", true,
     "oha --output-format json or csv",
     im_sniff_oha, im_read_oha},
};
#define NFORMATS (sizeof formats / sizeof formats[0])

void im_opts_init(im_opts *o)
{
    memset(o, 0, sizeof *o);
}

const im_format *im_format_find(const char *name)
{
    for (size_t i = 0; name && i < NFORMATS; i++)
        if (strcmp(formats[i].name, name) == 0)
            return &formats[i];
    return NULL;
}

bool im_format_known(const char *name, const char **tool)
{
    const im_format *f = im_format_find(name);
    if (f && tool)
        *tool = f->tool;
    return f != NULL;
}

bool im_format_per_request(const char *name)
{
    const im_format *f = im_format_find(name);
    return f && f->per_request;
}

const char *im_format_names(void)
{
    static char names[512];
    if (names[0] == '\0') {
        size_t n = 0;
        for (size_t i = 0; i < NFORMATS; i++)
            n += (size_t)snprintf(names + n, sizeof names - n, "%s%s", i ? ", " : "",
                                  formats[i].name);
    }
    return names;
}

void im_formats_print(FILE *out)
{
    for (size_t i = 0; i < NFORMATS; i++)
        fprintf(out, "  %-11s  %-11s  %s\n", formats[i].name, formats[i].histogram,
                formats[i].what);
}

const char *im_head_line(const im_src *s, char *buf, size_t len)
{
    size_t i = 0, n = s->nhead;
    const unsigned char *h = s->head;
    if (n >= 3 && h[0] == 0xef && h[1] == 0xbb && h[2] == 0xbf)   /* a UTF-8 BOM */
        h += 3, n -= 3;
    while (i < n && i + 1 < len && h[i] != '\n') {
        buf[i] = (char)h[i];
        i++;
    }
    if (i > 0 && buf[i - 1] == '\r')
        i--;
    buf[i] = '\0';
    return buf;
}

bool im_head_has(const im_src *s, const char *needle)
{
    return memmem(s->head, s->nhead, needle, strlen(needle)) != NULL;
}

int im_head_first(const im_src *s)
{
    for (size_t i = 0; i < s->nhead; i++)
        if (s->head[i] != ' ' && s->head[i] != '\t' && s->head[i] != '\r' &&
            s->head[i] != '\n')
            return s->head[i];
    return 0;
}

/* The format of the file by content, or NULL with err naming the candidates. */
static const im_format *detect(const im_src *s, char *err)
{
    int best = 0, score[NFORMATS];
    for (size_t i = 0; i < NFORMATS; i++) {
        score[i] = formats[i].sniff(s);
        if (score[i] > best)
            best = score[i];
    }
    if (s->nhead == 0) {
        rg_err_set(err, "%.200s: empty file", s->name);
        return NULL;
    }
    if (best < 50) {
        rg_err_set(err, "cannot tell the format of %.200s: it is none of %s; give --format if "
                   "it is one of them", s->name, im_format_names());
        return NULL;
    }
    char tied[256] = "";
    size_t ntied = 0, pick = 0, n = 0;
    for (size_t i = 0; i < NFORMATS; i++) {
        if (score[i] != best)
            continue;
        n += (size_t)snprintf(tied + n, n < sizeof tied ? sizeof tied - n : 0, "%s%s",
                              ntied ? " or " : "", formats[i].name);
        ntied++;
        pick = i;
    }
    if (ntied > 1) {
        rg_err_set(err, "cannot tell the format of %.200s: it could be %s; give --format",
                   s->name, tied);
        return NULL;
    }
    return &formats[pick];
}

/* The run must pass the dataset rules; checked inside a one-run dataset. */
static int validate_run(const json_t *run, const char *name, char *err)
{
    json_t *ds = json_pack("{s:s, s:i, s:{}, s:[O]}", "format", RG_DATASET_FORMAT, "version",
                           RG_DATASET_VERSION, "meta", "runs", run);
    char e[RG_ERRLEN];
    int rc = ds && rg_dataset_validate(ds, e) == 0 ? 0 : -1;
    if (rc != 0)
        rg_err_set(err, "%.200s: the imported run breaks the dataset rules (%.250s); please "
                   "report this", name, ds ? e : "out of memory");
    json_decref(ds);
    return rc;
}

static int read_passes(im_ctx *c, char *err)
{
    if (!c->fmt->per_request) {
        if (c->o->skip_s > 0)
            return rg_err(err, "%.200s: --skip needs per-request records; %s holds aggregates "
                          "only", c->src->name, c->fmt->name);
        return c->fmt->read(c, err);
    }
    c->acc->pass = 1;
    if (c->fmt->read(c, err) != 0 || im_src_rewind(c->src, err) != 0)
        return -1;
    im_acc_begin_pass2(c->acc, c->o->skip_s);
    return c->fmt->read(c, err);
}

json_t *im_import_file(const char *path, const im_opts *o, char *err)
{
    im_src src;
    im_acc acc;
    json_t *run = NULL;
    const char *name = o->name ? o->name : path;
    const im_format *f = NULL;
    if (o->format && (f = im_format_find(o->format)) == NULL) {
        rg_err_set(err, "unknown format '%.100s' (known: %s)", o->format, im_format_names());
        return NULL;
    }
    if (im_src_open(&src, path, name, err) != 0)
        return NULL;
    if (im_acc_init(&acc, err) != 0) {
        im_src_close(&src);
        return NULL;
    }
    if (f == NULL && (f = detect(&src, err)) == NULL)
        goto out;
    im_ctx c = {&src, &acc, o, f, path};
    if (read_passes(&c, err) != 0)
        goto out;
    run = im_acc_finish(&acc, f, o, name, err);
    if (run && validate_run(run, name, err) != 0) {
        json_decref(run);
        run = NULL;
    }
out:
    im_acc_free(&acc);
    im_src_close(&src);
    return run;
}
