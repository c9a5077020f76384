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
 * Expected load: dataset files of up to a few hundred MB, read once per command.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "core/dataset_int.h"

#define FAST_MAX_DEPTH 2048   /* jansson's JSON_PARSER_MAX_DEPTH */

typedef struct fp {
    const unsigned char *p, *end;
    char *scratch;            /* unescaped strings */
    size_t cap;
    int depth;
} fp;

static void skip_ws(fp *f)
{
    while (f->p < f->end && (*f->p == ' ' || *f->p == '\n' || *f->p == '\r' || *f->p == '\t'))
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

/* A number: json_integer when it has neither fraction nor exponent, else json_real. */
static json_t *number(fp *f)
{
    const unsigned char *s = f->p, *q = s;
    int neg = q < f->end && *q == '-', real = 0;
    q += neg;
    if (!is_digit(q, f->end))
        return NULL;
    if (*q == '0')
        q++;
    else
        while (is_digit(q, f->end))
            q++;
    if (q < f->end && *q == '.') {
        if (!is_digit(++q, f->end))
            return NULL;
        while (is_digit(q, f->end))
            q++;
        real = 1;
    }
    if (q < f->end && (*q == 'e' || *q == 'E')) {
        q++;
        q += q < f->end && (*q == '+' || *q == '-');
        if (!is_digit(q, f->end))
            return NULL;
        while (is_digit(q, f->end))
            q++;
        real = 1;
    }
    f->p = q;
    if (!real) {
        /* int64 as strtoll reads it; out of range gives up (jansson says "too big") */
        uint64_t v = 0, lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
        for (const unsigned char *d = s + neg; d < q; d++) {
            if (v > (lim - (uint64_t)(*d - '0')) / 10)
                return NULL;
            v = v * 10 + (uint64_t)(*d - '0');
        }
        return json_integer(neg ? (json_int_t)(0 - v) : (json_int_t)v);
    }
    char buf[128];
    if ((size_t)(q - s) >= sizeof buf)
        return NULL;
    memcpy(buf, s, (size_t)(q - s));
    buf[q - s] = '\0';
    errno = 0;
    double d = strtod(buf, NULL);
    if (errno == ERANGE && (d > 1 || d < -1))
        return NULL;          /* overflow: jansson's "real number overflow" */
    return json_real(d);
}

static json_t *value(fp *f);

static json_t *object(fp *f)
{
    json_t *o = json_object();
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
        json_t *v = NULL;
        if (f->p < f->end && *f->p == ':') {
            f->p++;
            v = value(f);
        }
        int ok = v != NULL && json_object_getn(o, key, n) == NULL &&
                 json_object_setn_new_nocheck(o, key, n, v) == 0;
        if (!ok)
            json_decref(v);
        if (key != small)
            free(key);
        skip_ws(f);
        if (!ok || f->p >= f->end)
            break;
        if (*f->p == '}') {
            f->p++;
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
    f->p++;
    skip_ws(f);
    if (f->p < f->end && *f->p == ']') {
        f->p++;
        return a;
    }
    while (a != NULL) {
        json_t *v = value(f);
        if (v == NULL || json_array_append_new(a, v) != 0)
            break;
        skip_ws(f);
        if (f->p >= f->end)
            break;
        if (*f->p == ']') {
            f->p++;
            return a;
        }
        if (*f->p++ != ',')
            break;
    }
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

json_t *rg_json_fast_parse(const char *text, size_t len)
{
    fp f = {(const unsigned char *)text, (const unsigned char *)text + len, NULL, 0, 0};
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
    return doc;
}
