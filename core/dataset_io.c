/*
 * core/dataset_io.c — reading and writing dataset files (see core/dataset.h).
 *
 * Reading: the whole file (mapped when it is a regular file), core/json_fast.c or jansson
 * with duplicate keys rejected, then validation; every error names the file, the line and
 * the column (jansson's for syntax errors, the located value's for schema errors) and what
 * is wrong. A lean load (RG_LOAD_ANALYSIS) drops what analysis never reads from each run as
 * soon as it is read and validated, and gives back the file's pages behind the reader: at
 * 25,000 runs that is what keeps the memory, and so the time, of `rigor analyze` down
 * (docs/benchmarks.md, "Datasets at scale").
 * Writing: the stable pretty-printer below, then rg_write_atomic. The printer writes each
 * histogram in the form of the document's "version" (v1 "buckets", v2 "hdr"), converting
 * those built in the other form.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "core/dataset.h"
#include "core/dataset_int.h"
#include "core/err.h"
#include "core/io.h"
#include "core/units.h"


static int is_scalar_array(const json_t *a)
{
    for (size_t i = 0; i < json_array_size(a); i++) {
        const json_t *v = json_array_get(a, i);
        if (json_is_object(v) || json_is_array(v))
            return 0;
    }
    return 1;
}

static void put_indent(FILE *f, int level)
{
    fputc('\n', f);
    for (int i = 0; i < level; i++)
        fputs("  ", f);
}

static int put_scalar(FILE *f, const json_t *v)
{
    char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_REAL_PRECISION(17));
    if (s == NULL)
        return -1;
    fputs(s, f);
    free(s);
    return 0;
}

/*
 * A histogram object in the form of the document's version: format v1 keeps "buckets",
 * v2 "hdr" (HdrHistogram's encoding), key order kept. Runs built in memory (load, capture,
 * import, merge) always hold "buckets", and a v2 file read in holds "hdr": converting here,
 * when the text is written, means no writer has to know the format. New reference (NULL
 * only out of memory). An object that is not a readable histogram (a "histogram" key that
 * validation does not look at, say in meta) is written as it is: saving never loses a key.
 */
static json_t *histogram_as(const json_t *h, int version)
{
    const char *want = version >= 2 ? "hdr" : "buckets", *k;
    json_t *x, *out;
    char err[RG_ERRLEN];
    if (json_object_get(h, want) != NULL ||
        json_object_get(h, version >= 2 ? "buckets" : "hdr") == NULL)
        return json_incref((json_t *)h);
    rg_hist *hist = rg_hist_from_json(h, err);
    json_t *counts = NULL;
    if (hist == NULL)
        return json_incref((json_t *)h);
    if (hist != NULL && version >= 2) {
        char *text = rg_hist_hdr_encode(hist);
        counts = text ? json_string(text) : NULL;
        free(text);
    } else {
        json_t *v1 = rg_hist_to_json(hist);
        counts = json_incref(json_object_get(v1, "buckets"));
        json_decref(v1);
    }
    rg_hist_free(hist);
    if (counts == NULL || (out = json_object()) == NULL) {
        json_decref(counts);
        return NULL;
    }
    json_object_foreach((json_t *)h, k, x) {
        int is_counts = strcmp(k, "buckets") == 0 || strcmp(k, "hdr") == 0;
        json_object_set_new(out, is_counts ? want : k, is_counts ? json_incref(counts)
                                                                 : json_incref(x));
    }
    json_decref(counts);
    return out;
}

static int put_value(FILE *f, const json_t *v, int level, int version);

/* A key's value; histograms ("histogram", "timeseries_histograms") in the document's form. */
static int put_member(FILE *f, const char *k, const json_t *x, int level, int version)
{
    json_t *conv = NULL;
    if (strcmp(k, "histogram") == 0 && json_is_object(x)) {
        conv = histogram_as(x, version);
    } else if (strcmp(k, "timeseries_histograms") == 0 && json_is_array(x)) {
        conv = json_array();
        for (size_t i = 0; conv != NULL && i < json_array_size(x); i++) {
            const json_t *e = json_array_get(x, i);
            json_t *c = json_is_object(e) ? histogram_as(e, version) : json_incref((json_t *)e);
            if (c == NULL || json_array_append_new(conv, c) != 0) {
                json_decref(conv);
                conv = NULL;
            }
        }
    } else {
        return put_value(f, x, level, version);
    }
    int rc = conv != NULL ? put_value(f, conv, level, version) : -1;
    json_decref(conv);
    return rc;
}

/* Objects one key a line; arrays of scalars on one line; arrays of objects one a line. */
static int put_value(FILE *f, const json_t *v, int level, int version)
{
    if (json_is_object(v)) {
        const char *k;
        json_t *x;
        int first = 1;
        if (json_object_size(v) == 0)
            return fputs("{}", f) < 0 ? -1 : 0;
        fputc('{', f);
        json_object_foreach((json_t *)v, k, x) {
            if (!first)
                fputc(',', f);
            first = 0;
            put_indent(f, level + 1);
            json_t *key = json_string(k);
            int rc = key ? put_scalar(f, key) : -1;
            json_decref(key);
            if (rc != 0)
                return -1;
            fputs(": ", f);
            if (put_member(f, k, x, level + 1, version) != 0)
                return -1;
        }
        put_indent(f, level);
        fputc('}', f);
        return 0;
    }
    if (json_is_array(v)) {
        int inline_ = is_scalar_array(v);
        fputc('[', f);
        for (size_t i = 0; i < json_array_size(v); i++) {
            if (i > 0)
                fputs(inline_ ? ", " : ",", f);
            if (!inline_)
                put_indent(f, level + 1);
            if (put_value(f, json_array_get(v, i), level + 1, version) != 0)
                return -1;
        }
        if (!inline_ && json_array_size(v) > 0)
            put_indent(f, level);
        fputc(']', f);
        return 0;
    }
    return put_scalar(f, v);
}

char *rg_dataset_dumps(const json_t *ds)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (f == NULL)
        return NULL;
    json_int_t version = json_integer_value(json_object_get(ds, "version"));
    int rc = put_value(f, ds, 0, (int)version);
    fputc('\n', f);
    if (fclose(f) != 0 || rc != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

int rg_dataset_save(const char *path, const json_t *ds, char *err)
{
    char *text = rg_dataset_dumps(ds);
    if (text == NULL)
        return rg_err(err, "cannot serialize the dataset for '%s' (out of memory?)", path);
    int rc = rg_write_atomic(path, text, strlen(text), err);
    free(text);
    return rc;
}

/* "file:line:col: what" for a validation error "path: what". */
static void located_error(const char *name, const char *text, size_t len, const char *verr,
                          char *err)
{
    char path[RG_ERRLEN];
    int line = 1, col = 1;
    size_t n = strcspn(verr, ":");
    snprintf(path, sizeof path, "%.*s", (int)n, verr);
    rg_json_locate(text, len, path, &line, &col);
    rg_err_set(err, "%.200s:%d:%d: %.280s", name, line, col, verr);
}

/* A NUL byte ends a C string and so jansson's view of the text: name it, with its place. */
static int check_nul(const char *name, const char *text, size_t len, char *err)
{
    const char *nul = memchr(text, '\0', len);
    if (nul == NULL)
        return 0;
    int line = 1, col = 1;
    for (const char *p = text; p < nul; p++, col++)
        if (*p == '\n') {
            line++;
            col = 0;
        }
    return rg_err(err, "%.300s:%d:%d: a NUL byte (\\0) at byte %zu: a dataset is JSON text, "
                  "which never holds one (a binary or damaged file?)", name, line, col,
                  (size_t)(nul - text));
}

/* What a lean load drops from a run (rg_dataset_load_for): histograms, which only charts,
 * export --hgrm, merge and convert decode, and every per-second series but "requests"
 * (analyze's drift warning reads it). Idempotent. */
static void drop_unread(json_t *run)
{
    const char *k;
    json_t *v;
    void *tmp;
    json_object_del(run, "timeseries_histograms");
    json_object_foreach(run, k, v) {
        if (json_is_object(v))
            json_object_del(v, "histogram");
    }
    json_t *eps = json_object_get(run, "endpoints");
    for (size_t i = 0; i < json_array_size(eps); i++) {
        json_t *ep = json_array_get(eps, i);
        json_object_foreach(ep, k, v) {
            if (json_is_object(v))
                json_object_del(v, "histogram");
        }
    }
    json_t *ts = json_object_get(run, "timeseries");
    json_object_foreach_safe(ts, tmp, k, v) {
        if (strcmp(k, RG_SERIES_READ) != 0)
            json_object_del(ts, k);
    }
}

/* Loading state for the fast reader's per-run callback. */
typedef struct lean_load {
    const char *map;          /* the mapped file, or NULL (text in memory) */
    size_t released;          /* bytes at the start of map already given back */
    int drop;                 /* a lean load */
    size_t checked;           /* runs[0..checked) validated as they were read */
    json_int_t version;       /* ... at this version */
} lean_load;

/* Each run as soon as it is read: a lean load validates it and drops what it will not read,
 * so the whole document is never held; a mapped file gives back the pages already read. A
 * run that does not validate is kept whole: the validation after the parse names it. */
static void on_run(json_t *top, json_t *run, size_t index, size_t consumed, void *ctx)
{
    lean_load *ll = ctx;
    const json_t *ver = json_object_get(top, "version");
    char e[RG_ERRLEN];
    if (ll->checked == index && json_is_integer(ver) && json_integer_value(ver) >= 1 &&
        json_integer_value(ver) <= RG_DATASET_VERSION_MAX &&
        rg_dataset_check_run(run, index, (int)json_integer_value(ver), e) == 0) {
        ll->checked++;
        ll->version = json_integer_value(ver);
        if (ll->drop)
            drop_unread(run);
    }
    size_t page = (size_t)sysconf(_SC_PAGESIZE), upto = consumed / page * page;
    if (ll->map != NULL && upto >= ll->released + ((size_t)8 << 20)) {
        /* a private read-only file mapping: the pages come back from the file if the text
         * is read again (an error's line and column) */
        madvise((char *)ll->map + ll->released, upto - ll->released, MADV_DONTNEED);
        ll->released = upto;
    }
}

static json_t *parse(const char *name, const char *text, size_t len, lean_load *ll,
                     char *err)
{
    size_t blank = 0;         /* bounded: a mapped file's text has no NUL after it */
    while (blank < len && (text[blank] == ' ' || text[blank] == '\t' || text[blank] == '\r' ||
                           text[blank] == '\n'))
        blank++;
    if (blank == len) {
        rg_err_set(err, "%.300s: empty file, not a rigor dataset", name);
        return NULL;
    }
    json_error_t je;
    /* the fast reader's document, or jansson's (with its message when the text is bad) */
    json_t *ds = rg_json_fast_parse_runs(text, len, on_run, ll, ll->drop);
    if (ds == NULL) {
        /* a NUL byte anywhere makes the fast reader give up: only then look for one */
        if (check_nul(name, text, len, err) != 0)
            return NULL;
        ll->checked = 0;      /* jansson's document: none of it checked yet */
        ds = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    }
    if (ds == NULL) {
        rg_err_set(err, "%.200s:%d:%d: invalid JSON: %.200s", name, je.line, je.column,
                   je.text);
        return NULL;
    }
    char verr[RG_ERRLEN];
    /* the runs checked as they were read, if the version they were checked at stands */
    const json_t *ver = json_object_get(ds, "version");
    size_t first = json_is_integer(ver) && json_integer_value(ver) == ll->version
                       ? ll->checked : 0;
    if (rg_dataset_validate_from(ds, first, verr) != 0) {
        located_error(name, text, len, verr, err);
        json_decref(ds);
        ds = NULL;
    }
    const json_t *runs = json_object_get(ds, "runs");
    for (size_t i = 0; ll->drop && i < json_array_size(runs); i++)
        drop_unread(json_array_get(runs, i));  /* those the callback could not (jansson's) */
    return ds;
}

json_t *rg_dataset_parse(const char *name, const char *text, size_t len, char *err)
{
    lean_load ll = {.drop = 0};
    return parse(name, text, len, &ll, err);
}

/* A regular file mapped read-only (its pages are the page cache's, and are given back as
 * they are read: see on_run), or NULL with *fallback set when it should be read instead
 * (stdin, a pipe, an empty file) or err set. rigor replaces dataset files by renaming a new
 * one over them, never by writing into them, so the mapped text does not change (another
 * program truncating the file while it is read would end rigor with SIGBUS, as it would
 * tcpdump -r or any reader of a mapped file). The text is not NUL-terminated. */
static char *map_file(const char *path, size_t *len, int *fallback, char *err)
{
    *fallback = 1;
    if (strcmp(path, "-") == 0)
        return NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0) {
        if (fd >= 0)
            close(fd);
        return NULL;          /* rg_read_file gives the message, or reads what is there */
    }
    *fallback = 0;
    if ((size_t)st.st_size > MAX_DATASET_BYTES) {
        close(fd);
        rg_err_set(err, "'%.400s' is larger than %zu bytes", path, MAX_DATASET_BYTES);
        return NULL;
    }
    void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (m == MAP_FAILED) {
        *fallback = 1;
        return NULL;
    }
    *len = (size_t)st.st_size;
    return m;
}

json_t *rg_dataset_load_for(const char *path, int what, char *err)
{
    size_t len = 0;
    int fallback;
    const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
    lean_load ll = {.drop = what == RG_LOAD_ANALYSIS};
    char *text = map_file(path, &len, &fallback, err);
    if (text == NULL && !fallback)
        return NULL;
    if (text != NULL)
        ll.map = text;
    else if ((text = rg_read_file(path, &len, MAX_DATASET_BYTES, err)) == NULL)
        return NULL;
    json_t *ds = parse(name, text, len, &ll, err);
    if (ll.map != NULL)
        munmap(text, len);
    else
        free(text);
    return ds;
}

json_t *rg_dataset_load(const char *path, char *err)
{
    return rg_dataset_load_for(path, RG_LOAD_ALL, err);
}

json_t *rg_dataset_open_or_new(const char *path, const char *title, int argc, char **argv,
                               rg_dataset_file *df, char *err)
{
    struct stat st;
    if (df != NULL)
        memset(df, 0, sizeof *df);
    if (strcmp(path, "-") != 0 && lstat(path, &st) == 0)
        return df != NULL ? rg_dataset_load_tracked(path, df, err) : rg_dataset_load(path, err);
    return rg_dataset_new(title, argc, argv);
}
