/*
 * core/json_locate.c — find the line and column of a value inside JSON text.
 *
 * jansson reports positions only for syntax errors; a dataset that parses but fails
 * validation would otherwise be reported by JSON path alone. This is a minimal scanner (no
 * decoding, no allocation) that walks already-valid JSON text along a path such as
 * "runs[3].latency.p99" and returns where that value starts, or where the deepest existing
 * parent starts when a key is missing. Written by hand because no library offers it; it only
 * has to skip valid JSON, which jansson has already verified.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "core/dataset_int.h"

struct scan {
    const char *p, *end;
};

static void skip_ws(struct scan *s)
{
    while (s->p < s->end && isspace((unsigned char)*s->p))
        s->p++;
}

static void skip_string(struct scan *s)
{
    s->p++;   /* opening quote */
    while (s->p < s->end && *s->p != '"')
        s->p += (*s->p == '\\' && s->p + 1 < s->end) ? 2 : 1;
    if (s->p < s->end)
        s->p++;
}

static void skip_value(struct scan *s, int depth)
{
    skip_ws(s);
    if (s->p >= s->end || depth > 512)
        return;
    char c = *s->p;
    if (c == '"') {
        skip_string(s);
    } else if (c == '{' || c == '[') {
        char close = c == '{' ? '}' : ']';
        s->p++;
        for (;;) {
            skip_ws(s);
            if (s->p >= s->end || *s->p == close)
                break;
            if (c == '{') {
                skip_string(s);
                skip_ws(s);
                if (s->p < s->end && *s->p == ':')
                    s->p++;
            }
            skip_value(s, depth + 1);
            skip_ws(s);
            if (s->p < s->end && *s->p == ',')
                s->p++;
        }
        if (s->p < s->end)
            s->p++;
    } else {
        while (s->p < s->end && !strchr(",}] \t\r\n", *s->p))
            s->p++;
    }
}

/* At an object: move to the value of key (len bytes). 0 if found. */
static int enter_key(struct scan *s, const char *key, size_t len)
{
    skip_ws(s);
    if (s->p >= s->end || *s->p != '{')
        return -1;
    s->p++;
    for (;;) {
        skip_ws(s);
        if (s->p >= s->end || *s->p != '"')
            return -1;
        const char *k = s->p + 1;
        skip_string(s);
        size_t klen = (size_t)(s->p - k) - 1;
        skip_ws(s);
        if (s->p < s->end && *s->p == ':')
            s->p++;
        skip_ws(s);
        if (klen == len && memcmp(k, key, len) == 0)
            return 0;
        skip_value(s, 0);
        skip_ws(s);
        if (s->p >= s->end || *s->p != ',')
            return -1;
        s->p++;
    }
}

/* At an array: move to element i. 0 if found. */
static int enter_index(struct scan *s, size_t i)
{
    skip_ws(s);
    if (s->p >= s->end || *s->p != '[')
        return -1;
    s->p++;
    for (size_t k = 0; k < i; k++) {
        skip_value(s, 0);
        skip_ws(s);
        if (s->p >= s->end || *s->p != ',')
            return -1;
        s->p++;
    }
    skip_ws(s);
    return (s->p < s->end && *s->p != ']') ? 0 : -1;
}

static void position(const char *text, const char *at, int *line, int *column)
{
    *line = 1;
    *column = 1;
    for (const char *q = text; q < at; q++) {
        if (*q == '\n') {
            (*line)++;
            *column = 1;
        } else {
            (*column)++;
        }
    }
}

int rg_json_locate(const char *text, size_t len, const char *path, int *line, int *column)
{
    struct scan s = {text, text + len};
    const char *best;
    int found = 0;
    skip_ws(&s);
    best = s.p;
    while (*path != '\0') {
        int rc;
        if (*path == '[') {
            char *end;
            size_t i = strtoul(path + 1, &end, 10);
            if (*end != ']')
                break;
            rc = enter_index(&s, i);
            path = end + 1;
        } else {
            if (*path == '.')
                path++;
            size_t n = strcspn(path, ".[");
            rc = enter_key(&s, path, n);
            path += n;
        }
        if (rc != 0)
            break;
        skip_ws(&s);
        best = s.p;
        found = *path == '\0';
    }
    position(text, best, line, column);
    return found ? 0 : -1;
}
