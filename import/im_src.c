/*
 * import/im_src.c — reading result files: lines, CSV/TSV records and JSON documents, with the
 * file name and line number in every message.
 *
 * Design: every file is opened through zlib's gzopen, which reads gzip-compressed and plain
 * files alike (k6 writes --out json=results.gz compressed), with a read-ahead buffer of our
 * own so a line's length is known exactly (gzgets would stop silently at a NUL byte). The
 * first 64 KiB are kept for format detection, then the stream is rewound.
 * CSV and TSV are parsed by libcsv (RFC 4180: quotes, doubled quotes, quoted newlines), fed
 * one line at a time so each record knows the line it starts on. Fields are copied into
 * one arena per record rather than one allocation per field: result files run to millions
 * of rows.
 * Expected load: files of up to gigabytes, read once or twice, line by line.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <csv.h>
#include "core/err.h"
#include "import/import_int.h"

#define IM_CHUNK (128u << 10)

int im_src_err(const im_src *s, long line, char *err, const char *fmt, ...)
{
    char msg[RG_ERRLEN];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (line > 0)
        rg_err_set(err, "%.200s:%ld: %s", s->name, line, msg);
    else
        rg_err_set(err, "%.200s: %s", s->name, msg);
    return -1;
}

int im_src_open(im_src *s, const char *path, const char *name, char *err)
{
    struct stat st;
    memset(s, 0, sizeof *s);
    s->path = path;
    s->name = name ? name : path;
    if (stat(path, &st) != 0)
        return rg_err(err, "cannot open '%s': %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return rg_err(err, "'%s' is not a regular file", path);
    s->gz = gzopen(path, "rb");
    s->chunk = malloc(IM_CHUNK);
    if (s->gz == NULL || s->chunk == NULL) {
        int e = errno;
        im_src_close(s);
        return rg_err(err, "cannot open '%s': %s", path, e ? strerror(e) : "out of memory");
    }
    gzbuffer(s->gz, IM_CHUNK);
    int n = gzread(s->gz, s->head, IM_HEAD);
    if (n < 0) {
        int zerr;
        char m[200];
        snprintf(m, sizeof m, "%s", gzerror(s->gz, &zerr));   /* gzclose frees the text */
        im_src_close(s);
        return rg_err(err, "cannot read '%s': %s", path, m);
    }
    s->nhead = (size_t)n;
    return im_src_rewind(s, err);
}

void im_src_close(im_src *s)
{
    if (s->gz)
        gzclose(s->gz);
    free(s->buf);
    free(s->chunk);
    s->gz = NULL;
    s->buf = NULL;
    s->chunk = NULL;
}

int im_src_rewind(im_src *s, char *err)
{
    if (gzrewind(s->gz) != 0)
        return rg_err(err, "cannot rewind '%s'", s->path);
    s->line = 0;
    s->clen = s->cpos = 0;
    s->eof = false;
    return 0;
}

/* Refill the read-ahead buffer; 1 when bytes are there, 0 at the end, -1 on error. */
static int refill(im_src *s, char *err)
{
    if (s->cpos < s->clen)
        return 1;
    if (s->eof)
        return 0;
    int n = gzread(s->gz, s->chunk, IM_CHUNK);
    if (n < 0) {
        int zerr;
        return im_src_err(s, s->line + 1, err, "read error: %s", gzerror(s->gz, &zerr));
    }
    s->clen = (size_t)n;
    s->cpos = 0;
    if (n == 0)
        s->eof = true;
    return n > 0;
}

static int grow(im_src *s, size_t need, char *err)
{
    if (need <= s->cap)
        return 0;
    if (need > IM_MAX_LINE + 2)
        return im_src_err(s, s->line + 1, err, "line longer than %u MiB",
                          (unsigned)(IM_MAX_LINE >> 20));
    size_t cap = s->cap ? s->cap : 4096;
    while (cap < need)
        cap *= 2;
    char *b = realloc(s->buf, cap);
    if (b == NULL)
        return rg_err(err, "out of memory");
    s->buf = b;
    s->cap = cap;
    return 0;
}

int im_src_line(im_src *s, char **line, size_t *len, char *err)
{
    size_t n = 0;
    int rc;
    bool got = false;
    while ((rc = refill(s, err)) > 0) {
        unsigned char *start = s->chunk + s->cpos;
        unsigned char *nl = memchr(start, '\n', s->clen - s->cpos);
        size_t take = nl ? (size_t)(nl - start) : s->clen - s->cpos;
        if (grow(s, n + take + 1, err) != 0)
            return -1;
        memcpy(s->buf + n, start, take);
        n += take;
        got = true;
        s->cpos += take + (nl != NULL);
        if (nl)
            break;
    }
    if (rc < 0)
        return -1;
    if (!got)
        return 0;
    s->line++;
    if (grow(s, n + 1, err) != 0)
        return -1;
    if (n > 0 && s->buf[n - 1] == '\r')
        n--;
    s->buf[n] = '\0';
    if (memchr(s->buf, '\0', n) != NULL)
        return im_src_err(s, s->line, err, "NUL byte in a text line (not a text file?)");
    *line = s->buf;
    *len = n;
    return 1;
}

char *im_src_slurp(im_src *s, size_t *len, size_t max, char *err)
{
    size_t n = 0, cap = 65536;
    char *out = malloc(cap + 1);
    int rc;
    if (out == NULL) {
        rg_err_set(err, "out of memory");
        return NULL;
    }
    while ((rc = refill(s, err)) > 0) {
        size_t take = s->clen - s->cpos;
        if (n + take > max) {
            free(out);
            im_src_err(s, 0, err, "larger than %zu MiB", max >> 20);
            return NULL;
        }
        if (n + take > cap) {
            while (cap < n + take)
                cap *= 2;
            char *o = realloc(out, cap + 1);
            if (o == NULL) {
                free(out);
                rg_err_set(err, "out of memory");
                return NULL;
            }
            out = o;
        }
        memcpy(out + n, s->chunk + s->cpos, take);
        n += take;
        s->cpos = s->clen;
    }
    if (rc < 0) {
        free(out);
        return NULL;
    }
    out[n] = '\0';
    *len = n;
    return out;
}

json_t *im_src_json(im_src *s, char *err)
{
    size_t len;
    char *text = im_src_slurp(s, &len, IM_MAX_DOC, err);
    json_error_t je;
    if (text == NULL)
        return NULL;
    json_t *j = json_loadb(text, len, 0, &je);
    free(text);
    if (j == NULL)
        rg_err_set(err, "%.200s:%d:%d: invalid JSON: %s", s->name, je.line, je.column, je.text);
    return j;
}

/* ---- CSV through libcsv ---- */

typedef struct csv_state {
    im_src *s;
    im_csv_cb cb;
    void *ctx;
    char *err;
    int rc;                 /* first non-zero callback result */
    char *arena;            /* this record's fields, NUL-separated */
    size_t alen, acap;
    size_t *offs;           /* field starts in the arena */
    char **fields;
    size_t nf, fcap;
    long rec_line;
    bool oom;
} csv_state;

static void on_field(void *data, size_t len, void *vctx)
{
    csv_state *c = vctx;
    if (c->rc != 0 || c->oom)
        return;
    if (c->nf == 0)
        c->rec_line = c->s->line;
    if (c->alen + len + 1 > c->acap) {
        size_t cap = c->acap ? c->acap : 1024;
        while (cap < c->alen + len + 1)
            cap *= 2;
        char *a = realloc(c->arena, cap);
        if (a == NULL) {
            c->oom = true;
            return;
        }
        c->arena = a;
        c->acap = cap;
    }
    if (c->nf == c->fcap) {
        size_t cap = c->fcap ? c->fcap * 2 : 32;
        size_t *o = realloc(c->offs, cap * sizeof *o);
        if (o)
            c->offs = o;
        char **f = realloc(c->fields, (cap + 1) * sizeof *f);
        if (f)
            c->fields = f;
        if (!o || !f) {
            c->oom = true;
            return;
        }
        c->fcap = cap;
    }
    c->offs[c->nf++] = c->alen;
    if (len)
        memcpy(c->arena + c->alen, data, len);
    c->arena[c->alen + len] = '\0';
    c->alen += len + 1;
}

static void on_record(int term, void *vctx)
{
    csv_state *c = vctx;
    (void)term;
    if (c->rc == 0 && !c->oom && c->nf > 0) {
        for (size_t i = 0; i < c->nf; i++)
            c->fields[i] = c->arena + c->offs[i];
        c->fields[c->nf] = NULL;
        c->rc = c->cb(c->ctx, c->fields, c->nf, c->rec_line, c->err);
    }
    c->nf = 0;
    c->alen = 0;
}

static int only_space(unsigned char ch)
{
    return ch == ' ';
}

int im_csv_read(im_src *s, unsigned char delim, im_csv_cb cb, void *ctx, char *err)
{
    struct csv_parser p;
    csv_state c = {.s = s, .cb = cb, .ctx = ctx, .err = err};
    char *line;
    size_t len;
    int rc = 0;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI) != 0)
        return rg_err(err, "out of memory");
    csv_set_delim(&p, delim);
    if (delim == '\t')
        csv_set_space_func(&p, only_space);   /* a tab is a delimiter, not blank space */
    while (c.rc == 0 && !c.oom && (rc = im_src_line(s, &line, &len, err)) > 0) {
        if (csv_parse(&p, line, len, on_field, on_record, &c) != len ||
            csv_parse(&p, "\n", 1, on_field, on_record, &c) != 1) {
            rc = im_src_err(s, s->line, err, "malformed CSV: %s", csv_strerror(csv_error(&p)));
            break;
        }
    }
    if (c.rc == 0 && !c.oom && rc == 0 && csv_fini(&p, on_field, on_record, &c) != 0)
        rc = im_src_err(s, s->line, err, "malformed CSV at the end of the file: %s",
                        csv_strerror(csv_error(&p)));
    csv_free(&p);
    free(c.arena);
    free(c.offs);
    free(c.fields);
    if (c.oom)
        return rg_err(err, "out of memory");
    if (c.rc != 0)
        return c.rc;
    return rc < 0 ? -1 : 0;
}
