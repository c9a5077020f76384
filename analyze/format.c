/*
 * analyze/format.c — metric values written for people, one definition for analyze's tables,
 * the report and anything else that prints a metric.
 *
 * A mean with its confidence interval is shown as "mean ± half-width" with the half-width to
 * two significant digits and the mean to the same decimal place (the usual convention for a
 * measured value with its uncertainty); rg_fmt_sig cannot align two numbers to one decimal
 * place, hence the small formatter here. Latencies pick µs, ms or s from the mean's
 * magnitude. Values without an interval get four significant digits but never lose integer
 * digits (4099 stays 4099, not 4.1e+03), and no trailing zeros (432, not 432.0).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "analyze/analyze.h"

/* Decimals that show hw with two significant digits (0..6). */
static int decimals_for_hw(double hw)
{
    if (!(hw > 0.0) || !isfinite(hw))
        return 0;
    int d = 1 - (int)floor(log10(hw));
    return d < 0 ? 0 : d > 6 ? 6 : d;
}

/* Decimals for a lone value: four significant digits, all integer digits kept. */
static int decimals_for_value(double v)
{
    if (v == 0 || !isfinite(v))
        return 0;
    int d = 3 - (int)floor(log10(fabs(v)));
    return d < 0 ? 0 : d > 6 ? 6 : d;
}

/* Too large or too small for fixed decimals (a fuzzer's 1e300): written with an exponent. */
static int absurd(double v)
{
    return !isfinite(v) || fabs(v) >= 1e15 || (v != 0.0 && fabs(v) < 1e-6);
}

/* Scale and unit suffix for a kind, chosen from the magnitude of v. */
static double scale_for(double v, enum an_unit kind, const char **unit)
{
    double a = fabs(v);
    switch (kind) {
    case AN_UNIT_US:
        if (a >= 1e6) { *unit = " s"; return 1e-6; }
        if (a >= 1e3) { *unit = " ms"; return 1e-3; }
        *unit = " µs";
        return 1;
    case AN_UNIT_FRACTION:
        *unit = "%";
        return 100;
    case AN_UNIT_PCT:
        *unit = "%";
        return 1;
    case AN_UNIT_KB:
        if (a >= 1024.0 * 1024) { *unit = " GiB"; return 1.0 / (1024 * 1024); }
        if (a >= 1024) { *unit = " MiB"; return 1.0 / 1024; }
        *unit = " KiB";
        return 1;
    default:
        *unit = "";
        return 1;
    }
}

char *an_fmt_value(char *buf, size_t len, double v, enum an_unit kind)
{
    if (isnan(v)) {
        snprintf(buf, len, "–");
        return buf;
    }
    const char *unit;
    double s = scale_for(v, kind, &unit);
    char num[64];
    if (absurd(v * s)) {  /* 1e300 req/s stays readable, and within the buffer */
        snprintf(buf, len, "%.4g%s", v * s, unit);
        return buf;
    }
    snprintf(num, sizeof num, "%.*f", decimals_for_value(v * s), v * s);
    /* A lone value claims no precision it lacks: 432.0 is shown as 432, 15.00 ms as 15 ms. */
    if (strchr(num, '.') != NULL) {
        size_t l = strlen(num);
        while (num[l - 1] == '0')
            num[--l] = '\0';
        if (num[l - 1] == '.')
            num[--l] = '\0';
    }
    snprintf(buf, len, "%s%s", num, unit);
    return buf;
}

char *an_fmt_ci(char *buf, size_t len, double mean, double lo, double hi, enum an_unit kind)
{
    if (isnan(mean) || isnan(lo) || isnan(hi) || hi < lo)
        return an_fmt_value(buf, len, mean, kind);
    if (hi == lo && mean == 0)
        return an_fmt_value(buf, len, mean, kind);   /* "0%", not "0 ± 0%" */
    if (hi == lo) {   /* runs that all agree: an interval of width zero, not a single run */
        const char *unit;
        double s = scale_for(mean, kind, &unit);
        char v[64];
        an_fmt_value(v, sizeof v, mean * s, AN_UNIT_RPS);
        snprintf(buf, len, "%s ± 0%s", v, unit);
        return buf;
    }
    const char *unit;
    double s = scale_for(mean, kind, &unit);
    double hw = (hi - lo) / 2 * s;
    if (absurd(mean * s) || absurd(hw)) {
        snprintf(buf, len, "%.4g ± %.2g%s", mean * s, hw, unit);
        return buf;
    }
    int d = decimals_for_hw(hw);
    snprintf(buf, len, "%.*f ± %.*f%s", d, mean * s, d, hw, unit);
    return buf;
}

/* A concurrency or rate: integers as such, rates to four significant digits. */
char *an_fmt_x(char *buf, size_t len, double x)
{
    if (isnan(x))
        snprintf(buf, len, "–");
    else if (x == floor(x) && fabs(x) < 1e15)
        snprintf(buf, len, "%.0f", x);
    else
        snprintf(buf, len, "%.6g", x);
    return buf;
}

char *an_fmt_level(char *buf, size_t len, double level)
{
    if (!(level > 0.0 && level < 1.0)) {
        snprintf(buf, len, "–");
        return buf;
    }
    double miss = 100.0 * (1.0 - level);
    int d = 1 - (int)floor(log10(miss));      /* decimals for two significant digits */
    d = d < 0 ? 0 : d > 12 ? 12 : d;
    double p = pow(10.0, d);
    miss = ceil(miss * p - 1e-6) / p;         /* up: 99.8148% is shown as 99.81% */
    char num[48];
    snprintf(num, sizeof num, "%.*f", d, 100.0 - miss);
    if (strchr(num, '.')) {                   /* 95.0 -> 95, 97.50 -> 97.5 */
        size_t l = strlen(num);
        while (num[l - 1] == '0')
            num[--l] = '\0';
        if (num[l - 1] == '.')
            num[--l] = '\0';
    }
    snprintf(buf, len, "%s%%", num);
    return buf;
}
