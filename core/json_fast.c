/*
 * core/json_fast.c — a fast path for reading dataset text into a jansson document.
 *
 * Why: jansson's parser reads its input one character at a time through a stream layer
 * that decodes UTF-8 as it goes; on a 25,000-run dataset that lexing was ~80% of the
 * time of json_loadb (callgrind: ~135 instructions per byte, against ~25 for building the
 * same tree with json_deep_copy). This parser scans with plain loops over the buffer and
 * builds the same tree with jansson's own constructors, so every reader keeps its json_t.
 *
 * It accepts only plain, valid JSON (RFC 8259) and returns exactly what
 * json_loadb(text, len, JSON_REJECT_DUPLICATES) would: an object or array at the top, keys
 * in file order, integers as json_integer (int64), numbers with a fraction or exponent as
 * json_real (strtod), strings validated as UTF-8. On anything else — a syntax error, a
 * duplicate key, a \u escape, an integer or real out of range, nesting deeper than
 * jansson's 2048 — it gives up and returns NULL, and the caller asks jansson, whose answer
 * (the document, or its error message with line and column) is then the answer. So this
 * file never decides what is valid; tests/fuzz/fuzz_dataset.c checks on every input that
 * whatever it returns equals jansson's document.
 *
 * rg_json_fast_parse_runs also hands each element of the top-level "runs" array to a
 * callback as soon as it is read, before the next one: a reader that needs only part of
 * each run can drop the rest then, so the whole document is never held at once. In a lean
 * read it does not even build what will be dropped where that can be checked while read
 * (a run's other per-second series, a v1 histogram's buckets, checked by core/hist_json.c's
 * own walk); fuzz_dataset checks that document against a naive reference.
 *
 * Expected load: dataset files of up to a few hundred MB, read once per command.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "core/dataset_int.h"
#include "core/hist_int.h"

#define FAST_MAX_DEPTH 2048   /* jansson's JSON_PARSER_MAX_DEPTH */
#define KEY_DEPTH 5           /* keys remembered: top, runs, run, its objects, theirs */

typedef struct fp {
    const unsigned char *p, *end, *text;
    char *scratch;            /* unescaped strings */
    size_t cap;
    int depth;
    json_t *top;              /* the top-level object, while it is being read */
    int runs_next;            /* the next array read is the top-level "runs" */
    rg_json_run_fn each;      /* called on each element of that array (may be NULL) */
    void *ctx;
    int in_runs;              /* reading the elements of the top-level "runs" */
    int lean;                 /* see rg_json_fast_parse_runs */
    const char *key_at[KEY_DEPTH];  /* the key being read in the object at each depth */
    json_int_t *ints;         /* a v1 histogram's buckets, read to be checked */
    size_t ints_cap;
} fp;

static void skip_ws(fp *f)
{
    static const unsigned char ws[256] = {[' '] = 1, ['\n'] = 1, ['\r'] = 1, ['\t'] = 1};
    while (f->p < f->end && ws[*f->p])
        f->p++;
}

static int put(fp *f, size_t at, const void *src, size_t n)
{
    if (n == 0)
        return 0;             /* nothing to copy, and the buffer may not exist yet */
    if (at + n > f->cap) {
        size_t cap = (at + n) * 2;
        char *s = realloc(f->scratch, cap);
        if (s == NULL)
            return -1;
        f->scratch = s;
        f->cap = cap;
    }
    memcpy(f->scratch + at, src, n);
    return 0;
}

/* Length of the valid UTF-8 sequence at p (RFC 3629: no overlongs, no surrogates,
 * nothing above U+10FFFF), or 0. */
static size_t utf8_len(const unsigned char *p, const unsigned char *end)
{
    unsigned char c = p[0];
    size_t n = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if (n == 0 || (size_t)(end - p) < n)
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((p[i] & 0xc0) != 0x80)
            return 0;
    if ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] > 0x9f) ||
        (c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] > 0x8f))
        return 0;
    return n;
}

/* A string at f->p (its opening quote): *s and *n its bytes, in the text when it has no
 * escapes, else in f->scratch. 0, or -1 to give up. */
static int string(fp *f, const char **s, size_t *n)
{
    /* 1 for the bytes a plain string runs over: printable ASCII but '"' (0x22) and '\\'
     * (0x5c); one load a byte (GNU range designators, which gcc and clang take) */
    static const unsigned char plain[256] = {[0x20 ... 0x21] = 1, [0x23 ... 0x5b] = 1,
                                             [0x5d ... 0x7f] = 1};
    const unsigned char *start = ++f->p, *q = start;
    while (q < f->end && plain[*q])
        q++;
    if (q < f->end && *q == '"') {
        *s = (const char *)start;
        *n = (size_t)(q - start);
        f->p = q + 1;
        return 0;
    }
    size_t at = (size_t)(q - start);
    if (put(f, 0, start, at) != 0)
        return -1;
    while (q < f->end && *q != '"') {
        if (*q == '\\') {
            static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
            const char *e = q + 1 < f->end && q[1] != '\0' ? strchr(from, q[1]) : NULL;
            if (e == NULL || put(f, at++, &to[e - from], 1) != 0)
                return -1;    /* \u escapes (and bad ones) are left to jansson */
            q += 2;
        } else if (*q < 0x20) {
            return -1;
        } else {
            size_t k = *q < 0x80 ? 1 : utf8_len(q, f->end);
            if (k == 0 || put(f, at, q, k) != 0)
                return -1;
            at += k;
            q += k;
        }
    }
    if (q >= f->end)
        return -1;
    *s = f->scratch;
    *n = at;
    f->p = q + 1;
    return 0;
}

static int is_digit(const unsigned char *p, const unsigned char *end)
{
    return p < end && *p >= '0' && *p <= '9';
}

static int scan_number_slow(fp *f, int *real, json_int_t *i, double *d);

/* A number's value, as jansson reads it: an int64 when it has neither fraction nor
 * exponent (*real 0, *i), else a double (*real 1, *d). 0, or -1 to give up (bad syntax,
 * out of range). The common case is inlined (30 million of them in a year of v1
 * histograms): up to 18 digits, no sign, no leading zero, no fraction or exponent. */
static inline int scan_number(fp *f, int *real, json_int_t *i, double *d)
{
    const unsigned char *s = f->p, *q = s, *lim = f->end - s > 18 ? s + 18 : f->end;
    uint64_t u = 0;
    while (q < lim && (unsigned)(*q - '0') < 10)
        u = u * 10 + (uint64_t)(*q++ - '0');
    if (q > s && (*s != '0' || q - s == 1) &&
        (q == f->end || (*q != '.' && *q != 'e' && *q != 'E' && (unsigned)(*q - '0') >= 10))) {
        f->p = q;
        *real = 0;
        *i = (json_int_t)u;
        return 0;
    }
    return scan_number_slow(f, real, i, d);
}

/* scan_number's other cases. */
static int scan_number_slow(fp *f, int *real, json_int_t *i, double *d)
{
    const unsigned char *s = f->p, *q = s;
    int neg = q < f->end && *q == '-';
    q += neg;
    *real = 0;
    if (!is_digit(q, f->end))
        return -1;
    if (*q == '0')
        q++;
    else
        while (is_digit(q, f->end))
            q++;
    if (q < f->end && *q == '.') {
        if (!is_digit(++q, f->end))
            return -1;
        while (is_digit(q, f->end))
            q++;
        *real = 1;
    }
    if (q < f->end && (*q == 'e' || *q == 'E')) {
        q++;
        q += q < f->end && (*q == '+' || *q == '-');
        if (!is_digit(q, f->end))
            return -1;
        while (is_digit(q, f->end))
            q++;
        *real = 1;
    }
    f->p = q;
    if (!*real) {
        /* int64 as strtoll reads it; out of range gives up (jansson says "too big").
         * Up to 18 digits cannot overflow: the per-digit check only for longer ones. */
        uint64_t v = 0, lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
        int careful = q - (s + neg) > 18;
        for (const unsigned char *c = s + neg; c < q; c++) {
            if (careful && v > (lim - (uint64_t)(*c - '0')) / 10)
                return -1;
            v = v * 10 + (uint64_t)(*c - '0');
        }
        *i = neg ? (json_int_t)(0 - v) : (json_int_t)v;
        return 0;
    }
    char buf[128];
    if ((size_t)(q - s) >= sizeof buf)
        return -1;
    memcpy(buf, s, (size_t)(q - s));
    buf[q - s] = '\0';
    errno = 0;
    *d = strtod(buf, NULL);
    if (errno == ERANGE && (*d > 1 || *d < -1))
        return -1;            /* overflow: jansson's "real number overflow" */
    return 0;
}

static json_t *number(fp *f)
{
    int real;
    json_int_t i;
    double d;
    if (scan_number(f, &real, &i, &d) != 0)
        return NULL;
    return real ? json_real(d) : json_integer(i);
}

/* One more integer in f->ints; -1 when out of memory. */
static int keep_int(fp *f, size_t n, json_int_t i)
{
    if (n == f->ints_cap) {
        size_t cap = f->ints_cap ? 2 * f->ints_cap : 4096;
        json_int_t *g = realloc(f->ints, cap * sizeof *g);
        if (g == NULL)
            return -1;
        f->ints = g;
        f->ints_cap = cap;
    }
    f->ints[n] = i;
    return 0;
}

/*
 * Past an array at f->p building nothing, when it holds only numbers and nulls (what a
 * dataset's per-second series holds) or, with `ints`, only integers, kept in f->ints[0..*n)
 * (a v1 histogram's buckets): 1. Anything else (or a number that number() would give up
 * on): 0, with f->p where it was, so the caller reads the value as usual.
 */
static int skip_array(fp *f, int ints, size_t *n)
{
    const unsigned char *at = f->p;
    int real;
    json_int_t i;
    double d;
    *n = 0;
    if (f->p >= f->end || *f->p != '[')
        return 0;
    f->p++;
    skip_ws(f);
    if (f->p < f->end && *f->p == ']') {
        f->p++;
        return 1;
    }
    for (;;) {
        skip_ws(f);
        if (!ints && f->p < f->end && *f->p == 'n') {
            if ((size_t)(f->end - f->p) < 4 || memcmp(f->p, "null", 4) != 0)
                break;
            f->p += 4;
        } else if (scan_number(f, &real, &i, &d) != 0 ||
                   (ints && (real || keep_int(f, (*n)++, i) != 0))) {
            break;
        }
        skip_ws(f);
        if (f->p < f->end && *f->p == ']') {
            f->p++;
            return 1;
        }
        if (f->p >= f->end || *f->p++ != ',')
            break;
    }
    f->p = at;
    return 0;
}

/* In a run's "timeseries" (depth 4: top object, runs, run, timeseries), a series other
 * than the one analysis reads, which a lean read may leave out unread. */
static int series_skipped(const fp *f, const char *key, size_t n)
{
    return f->lean && f->in_runs && f->depth == 4 && f->key_at[3] != NULL &&
           strcmp(f->key_at[3], "timeseries") == 0 &&
           !(strlen(RG_SERIES_READ) == n && memcmp(RG_SERIES_READ, key, n) == 0);
}

/*
 * A v1 histogram's "buckets" at f->p, in a lean read: when it is an array of integers, the
 * last member of its object, and rg_hist_check_json would take the histogram (the keys of
 * hist read so far, and these pairs), f->p goes past it with nothing built: 1. Anything
 * else: 0, with f->p unmoved (the caller reads it whole and validation judges it).
 */
static int skip_buckets(fp *f, const json_t *hist)
{
    const unsigned char *at = f->p;
    size_t n;
    if (skip_array(f, 1, &n)) {
        skip_ws(f);
        if (f->p < f->end && *f->p == '}' && rg_hist_check_pairs_(hist, f->ints, n) == 0)
            return 1;
    }
    f->p = at;
    return 0;
}

static json_t *value(fp *f);

/*
 * The value of member key (n bytes) of o, at f->p after the colon, set in o; for a lean
 * read, a series left out keeps its key holding an empty array (duplicates are still found,
 * the run still validates, the caller drops it), and v1 buckets checked while read are not
 * set at all (*hist_checked). 0, or -1 to give up.
 */
static int member(fp *f, json_t *o, const char *key, size_t n, int *hist_checked)
{
    json_t *v = NULL;
    size_t skipped;
    f->runs_next = f->depth == 1 && n == 4 && memcmp(key, "runs", 4) == 0;
    if (f->depth < KEY_DEPTH)
        f->key_at[f->depth] = key;
    if (f->lean && f->in_runs && f->depth >= 5 && n == 7 && memcmp(key, "buckets", 7) == 0 &&
        skip_buckets(f, o))
        *hist_checked = 1;
    else
        v = series_skipped(f, key, n) && skip_array(f, 0, &skipped) ? json_array() : value(f);
    if (f->depth < KEY_DEPTH)
        f->key_at[f->depth] = NULL;
    f->runs_next = 0;
    if (*hist_checked)
        return 0;
    if (v != NULL && json_object_getn(o, key, n) == NULL &&
        json_object_setn_new_nocheck(o, key, n, v) == 0)
        return 0;
    json_decref(v);
    return -1;
}

static json_t *object(fp *f)
{
    json_t *o = json_object();
    int hist_checked = 0;
    if (f->depth == 1)
        f->top = o;
    f->p++;
    skip_ws(f);
    if (f->p < f->end && *f->p == '}') {
        f->p++;
        return o;
    }
    while (o != NULL) {
        const char *k;
        size_t n;
        char small[128], *key;
        if (f->p >= f->end || *f->p != '"' || string(f, &k, &n) != 0)
            break;
        /* the value may reuse the scratch buffer: keep the key */
        key = n < sizeof small ? small : malloc(n + 1);
        if (key == NULL)
            break;
        memcpy(key, k, n);
        key[n] = '\0';
        skip_ws(f);
        int ok = f->p < f->end && *f->p == ':';
        if (ok) {
            f->p++;
            skip_ws(f);
            ok = member(f, o, key, n, &hist_checked) == 0;
        }
        if (key != small)
            free(key);
        skip_ws(f);
        if (!ok || f->p >= f->end)
            break;
        if (*f->p == '}') {
            f->p++;
            if (hist_checked) {   /* a histogram checked whole while read: null */
                json_decref(o);
                return json_null();
            }
            return o;
        }
        if (*f->p++ != ',')
            break;
        skip_ws(f);
    }
    json_decref(o);
    return NULL;
}

static json_t *array(fp *f)
{
    json_t *a = json_array();
    int runs = f->runs_next;
    rg_json_run_fn each = runs ? f->each : NULL;
    f->runs_next = 0;
    if (runs)
        f->in_runs = 1;
    f->p++;
    skip_ws(f);
    if (f->p < f->end && *f->p == ']') {
        f->p++;
        return a;
    }
    while (a != NULL) {
        json_t *v = value(f);
        if (v != NULL && each != NULL)
            each(f->top, v, json_array_size(a), (size_t)(f->p - f->text), f->ctx);
        if (v == NULL || json_array_append_new(a, v) != 0)
            break;
        skip_ws(f);
        if (f->p >= f->end)
            break;
        if (*f->p == ']') {
            f->p++;
            if (runs)
                f->in_runs = 0;
            return a;
        }
        if (*f->p++ != ',')
            break;
    }
    if (runs)
        f->in_runs = 0;
    json_decref(a);
    return NULL;
}

static json_t *literal(fp *f, const char *word, json_t *v)
{
    size_t n = strlen(word);
    if ((size_t)(f->end - f->p) < n || memcmp(f->p, word, n) != 0)
        return NULL;
    f->p += n;
    return v;
}

/* One value after optional whitespace; NULL to give up. */
static json_t *value(fp *f)
{
    skip_ws(f);
    if (f->p >= f->end)
        return NULL;
    const char *s;
    size_t n;
    json_t *v;
    switch (*f->p) {
    case '{':
    case '[':
        if (f->depth >= FAST_MAX_DEPTH)
            return NULL;
        f->depth++;
        v = *f->p == '{' ? object(f) : array(f);
        f->depth--;
        return v;
    case '"':
        return string(f, &s, &n) == 0 ? json_stringn_nocheck(s, n) : NULL;
    case 't': return literal(f, "true", json_true());
    case 'f': return literal(f, "false", json_false());
    case 'n': return literal(f, "null", json_null());
    default: return number(f);
    }
}

json_t *rg_json_fast_parse_runs(const char *text, size_t len, rg_json_run_fn each, void *ctx,
                                int lean)
{
    const unsigned char *t = (const unsigned char *)text;
    fp f = {.p = t, .end = t + len, .text = t, .each = each, .ctx = ctx, .lean = lean};
    skip_ws(&f);
    if (f.p >= f.end || (*f.p != '{' && *f.p != '['))
        return NULL;
    json_t *doc = value(&f);
    skip_ws(&f);
    if (doc != NULL && f.p != f.end) {
        json_decref(doc);
        doc = NULL;
    }
    free(f.scratch);
    free(f.ints);
    return doc;
}

json_t *rg_json_fast_parse(const char *text, size_t len)
{
    return rg_json_fast_parse_runs(text, len, NULL, NULL, 0);
}
