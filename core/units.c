/*
 * core/units.c — strict parsing of durations, counts, sizes and lists; human formatting.
 *
 * Every parser consumes the whole string or fails with the message the user will see
 * (see core/units.h). strtod/strtoull are used for the digits and then the suffix is
 * matched against a small table; anything left over is an error, so "10x", "1e", "5 s"
 * and "" are all rejected.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/err.h"
#include "core/units.h"

struct suffix {
    const char *name;
    double factor;
};

/* Split s into a finite non-negative number and a suffix; -1 if no number. */
static int split_number(const char *s, double *value, const char **rest)
{
    char *end;
    if (s == NULL || *s == '\0' || isspace((unsigned char)*s) || *s == '-' || *s == '+')
        return -1;
    if (!isdigit((unsigned char)*s) && *s != '.')
        return -1;   /* rejects "inf", "nan", hex via letters */
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || errno == ERANGE || !isfinite(v) || v < 0)
        return -1;
    /* strtod accepts hex ("0x10"); we do not. */
    for (const char *p = s; p < end; p++)
        if (*p == 'x' || *p == 'X')
            return -1;
    *value = v;
    *rest = end;
    return 0;
}

static int apply_suffix(const char *s, const struct suffix *table, double dflt,
                        double *out, const char *what, char *err)
{
    double v;
    const char *rest;
    if (split_number(s, &v, &rest) != 0)
        goto bad;
    if (*rest == '\0') {
        *out = v * dflt;
        return 0;
    }
    for (const struct suffix *t = table; t->name != NULL; t++) {
        if (strcmp(rest, t->name) == 0) {
            *out = v * t->factor;
            if (!isfinite(*out))
                goto bad;
            return 0;
        }
    }
bad:
    return rg_err(err, "invalid %s '%s'", what, s ? s : "");
}

int rg_parse_duration(const char *s, double *seconds, char *err)
{
    static const struct suffix t[] = {
        {"ns", 1e-9}, {"us", 1e-6}, {"µs", 1e-6}, {"ms", 1e-3}, {"s", 1}, {"m", 60},
        {"min", 60}, {"h", 3600}, {NULL, 0}};
    return apply_suffix(s, t, 1, seconds, "duration", err);
}

static int to_integer(double v, const char *s, uint64_t *out, const char *what, char *err)
{
    if (v != floor(v) || v > 1.8e19)
        return rg_err(err, "invalid %s '%s' (must be a whole number)", what, s);
    *out = (uint64_t)v;
    return 0;
}

int rg_parse_count(const char *s, uint64_t *out, char *err)
{
    static const struct suffix t[] = {
        {"k", 1e3}, {"K", 1e3}, {"M", 1e6}, {"G", 1e9}, {NULL, 0}};
    double v;
    if (apply_suffix(s, t, 1, &v, "count", err) != 0)
        return -1;
    return to_integer(v, s, out, "count", err);
}

int rg_parse_size(const char *s, uint64_t *out, char *err)
{
    static const struct suffix t[] = {
        {"B", 1}, {"k", 1e3}, {"K", 1e3}, {"kB", 1e3}, {"KB", 1e3}, {"M", 1e6}, {"MB", 1e6},
        {"G", 1e9}, {"GB", 1e9}, {"KiB", 1024.0}, {"MiB", 1048576.0},
        {"GiB", 1073741824.0}, {NULL, 0}};
    double v;
    if (apply_suffix(s, t, 1, &v, "size", err) != 0)
        return -1;
    return to_integer(v, s, out, "size", err);
}

int rg_parse_double(const char *s, double *out, char *err)
{
    char *end;
    if (s == NULL || *s == '\0' || isspace((unsigned char)*s))
        goto bad;
    errno = 0;
    double v = strtod(s, &end);
    if (*end != '\0' || errno == ERANGE || !isfinite(v))
        goto bad;
    for (const char *p = s; p < end; p++)
        if (*p == 'x' || *p == 'X')
            goto bad;
    *out = v;
    return 0;
bad:
    return rg_err(err, "invalid number '%s'", s ? s : "");
}

int rg_parse_percent(const char *s, double *fraction, char *err)
{
    static const struct suffix t[] = {{"%", 0.01}, {NULL, 0}};
    if (apply_suffix(s, t, 1, fraction, "percentage", err) != 0)
        return -1;
    return 0;
}

/*
 * One list grammar for integers and reals: items separated by ',', each either a value or
 * start:stop:step (stop included when reached). `integers` demands whole values > 0.
 */
static int parse_list_any(const char *s, double **out, size_t *n, size_t max_items,
                          int integers, char *err)
{
    double *vals = NULL;
    size_t count = 0;
    char *copy = strdup(s ? s : "");
    char *save = NULL, *item;
    const char *what = "list";
    if (copy == NULL || *copy == '\0' || copy[strlen(copy) - 1] == ',' || copy[0] == ',' ||
        strstr(copy, ",,") != NULL)
        goto bad;
    for (item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
        double a, b, step;
        char e2[RG_ERRLEN];
        char *c1 = strchr(item, ':');
        if (c1 == NULL) {
            if (rg_parse_double(item, &a, e2) != 0)
                goto bad;
            b = a;
            step = 1;
        } else {
            char *c2 = strchr(c1 + 1, ':');
            if (c2 == NULL)
                goto bad;
            *c1 = *c2 = '\0';
            if (rg_parse_double(item, &a, e2) || rg_parse_double(c1 + 1, &b, e2) ||
                rg_parse_double(c2 + 1, &step, e2) || step <= 0 || b < a)
                goto bad;
        }
        for (size_t k = 0;; k++) {
            double v = a + step * (double)k;
            if (v > b + fabs(b) * 1e-12)
                break;
            if (v <= 0 || (integers && v != floor(v)))
                goto bad;
            if (count >= max_items) {
                rg_err_set(err, "%s '%s' has more than %zu values", what, s, max_items);
                goto fail;
            }
            double *grown = realloc(vals, (count + 1) * sizeof *vals);
            if (grown == NULL)
                goto bad;
            vals = grown;
            for (size_t j = 0; j < count; j++)
                if (vals[j] == v) {
                    rg_err_set(err, "%s '%s' repeats the value %g", what, s, v);
                    goto fail;
                }
            vals[count++] = v;
        }
    }
    free(copy);
    *out = vals;
    *n = count;
    return 0;
bad:
    rg_err_set(err, "invalid %s '%s' (expected values > 0 like 10,100,500 or a range "
               "start:stop:step like 50:1000:50)", what, s ? s : "");
fail:
    free(copy);
    free(vals);
    return -1;
}

int rg_parse_list_double(const char *s, double **out, size_t *n, size_t max_items, char *err)
{
    return parse_list_any(s, out, n, max_items, 0, err);
}

int rg_parse_list(const char *s, uint64_t **out, size_t *n, size_t max_items, char *err)
{
    double *vals;
    size_t count;
    if (parse_list_any(s, &vals, &count, max_items, 1, err) != 0)
        return -1;
    uint64_t *ints = malloc((count ? count : 1) * sizeof *ints);
    if (ints == NULL) {
        free(vals);
        return rg_err(err, "out of memory");
    }
    for (size_t i = 0; i < count; i++)
        ints[i] = (uint64_t)vals[i];
    free(vals);
    *out = ints;
    *n = count;
    return 0;
}

/* ---- formatting ---- */

char *rg_fmt_sig(char *buf, size_t len, double v, int sig)
{
    if (!isfinite(v)) {
        snprintf(buf, len, "%s", isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
        return buf;
    }
    if (v == 0) {
        snprintf(buf, len, "0");
        return buf;
    }
    int mag = (int)floor(log10(fabs(v)));
    /* Round first: 9.996 at 3 digits is 10.0, one more integer digit. */
    double scale = pow(10, sig - 1 - mag);
    double r = round(v * scale) / scale;
    if (r != 0)
        mag = (int)floor(log10(fabs(r)));
    int decimals = sig - 1 - mag;
    if (decimals < 0)
        decimals = 0;
    if (decimals > 15)
        decimals = 15;
    snprintf(buf, len, "%.*f", decimals, r);
    return buf;
}

char *rg_fmt_seconds(char *buf, size_t len, double s)
{
    char num[64];
    if (!isfinite(s) || s < 0) {
        snprintf(buf, len, "-");
    } else if (s < 60) {
        snprintf(buf, len, "%ss", rg_fmt_sig(num, sizeof num, s, 3));
    } else if (s < 3600) {
        long t = lround(s);
        snprintf(buf, len, "%ldm%02lds", t / 60, t % 60);
    } else {
        long t = lround(s);
        snprintf(buf, len, "%ldh%02ldm%02lds", t / 3600, (t / 60) % 60, t % 60);
    }
    return buf;
}

static char *fmt_scaled(char *buf, size_t len, double v, int sig, double base,
                        const char *const *units, int nunits)
{
    char num[64];
    int u = 0;
    if (!isfinite(v)) {
        snprintf(buf, len, "-");
        return buf;
    }
    /*
     * Move up a unit while the value, rounded to `sig` digits, reaches 1000 (or the base when
     * smaller): 1 GiB is "1.00GiB", not "1020MiB" (1024 rounded to three digits).
     */
    double limit = base < 1000 ? base : 1000;
    while (u < nunits - 1 && fabs(strtod(rg_fmt_sig(num, sizeof num, v, sig), NULL)) >= limit) {
        v /= base;
        u++;
    }
    snprintf(buf, len, "%s%s", rg_fmt_sig(num, sizeof num, v, sig), units[u]);
    return buf;
}

char *rg_fmt_us(char *buf, size_t len, double us, int sig)
{
    static const char *const units[] = {"us", "ms", "s"};
    return fmt_scaled(buf, len, us, sig, 1000, units, 3);
}

char *rg_fmt_si(char *buf, size_t len, double v, int sig)
{
    static const char *const units[] = {"", "k", "M", "G", "T"};
    return fmt_scaled(buf, len, v, sig, 1000, units, 5);
}

char *rg_fmt_bytes(char *buf, size_t len, double bytes)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    return fmt_scaled(buf, len, bytes, 3, 1024, units, 5);
}

char *rg_fmt_p(char *buf, size_t len, double p)
{
    if (isnan(p))
        snprintf(buf, len, "–");
    else if (p < 0.001)
        snprintf(buf, len, "< 0.001");
    else
        snprintf(buf, len, "%.3f", p);
    return buf;
}
