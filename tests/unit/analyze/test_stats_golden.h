/*
 * tests/unit/analyze/test_stats_golden.h — reader for tests/fixtures/stats/golden.txt (made by make_golden.py
 * with scipy): "sample NAME v..." and "value KEY number" lines. Header-only, for the
 * analyze tests. Tests run from the repository root (tests/run.sh cd's there).
 */
#ifndef RIGOR_TESTS_GOLDEN_H
#define RIGOR_TESTS_GOLDEN_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GOLDEN_PATH "tests/fixtures/stats/golden.txt"
#define GOLDEN_MAX 1024

typedef struct golden_sample {
    char name[32];
    double v[GOLDEN_MAX];
    size_t n;
} golden_sample;

static char *golden_text;

static const char *golden_load(void)
{
    if (golden_text)
        return golden_text;
    FILE *f = fopen(GOLDEN_PATH, "r");
    if (!f) {
        printf("# cannot open %s\n", GOLDEN_PATH);
        return NULL;
    }
    size_t cap = 1 << 20, len = fread(golden_text = calloc(1, cap), 1, cap - 1, f);
    golden_text[len] = '\0';
    fclose(f);
    return golden_text;
}

/* Find "KIND KEY " at the start of a line; return a pointer just past it, or NULL. */
static const char *golden_find(const char *kind, const char *key)
{
    const char *t = golden_load();
    char pat[128];
    snprintf(pat, sizeof pat, "\n%s %s ", kind, key);
    const char *p = t ? strstr(t, pat) : NULL;
    return p ? p + strlen(pat) : NULL;
}

/* The golden value, or NAN when absent. */
static double golden(const char *key)
{
    const char *p = golden_find("value", key);
    return p ? strtod(p, NULL) : NAN;
}

static int golden_has(const char *key)
{
    return golden_find("value", key) != NULL;
}

/* Load sample NAME into s; 0 or -1. */
static int golden_sample_get(const char *name, golden_sample *s)
{
    const char *p = golden_find("sample", name);
    s->n = 0;
    if (!p)
        return -1;
    snprintf(s->name, sizeof s->name, "%s", name);
    while (*p && *p != '\n' && s->n < GOLDEN_MAX) {
        char *end;
        double v = strtod(p, &end);
        if (end == p)
            break;
        s->v[s->n++] = v;
        p = end;
    }
    return 0;
}

#endif
