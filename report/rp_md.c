/*
 * report/rp_md.c — Markdown escaping and the number formats of the report's tables.
 *
 * Escaping: every label that comes from a dataset (target names, titles, hosts, commands,
 * analyze's warning text) goes through rp_md_escape, which makes it inert inline text in a
 * GitHub-flavoured Markdown table cell or list item: `|` (cell separator), `\` and the
 * characters that start emphasis, code, links, headings, strikethrough or math (`*_[]#~$) are
 * backslash-escaped (CommonMark allows escaping any ASCII punctuation); `<`, `>` and `&`
 * become HTML entities, so no tag or entity can form; control characters — newlines above
 * all, which would end the table row — become spaces. Labels never start a line (they follow
 * "| " or "- "), so list and block markers such as a leading `-`, `+` or `1.` are inert.
 *
 * Numbers: a mean with its confidence interval is shown as "mean ± half-width" with the
 * half-width to two significant digits and the mean to the same decimal place (the usual
 * convention for a measured value with its uncertainty); rg_fmt_sig cannot align two numbers
 * to one decimal place, hence the small formatter here. Latencies pick µs, ms or s from the
 * mean's magnitude. Values without an interval get four significant digits but never lose
 * integer digits (4099 stays 4099, not 4.1e+03), and no trailing zeros (432, not 432.0).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "report/report_int.h"

void rp_md_escape(FILE *f, const char *s)
{
    if (s == NULL) {
        fputs("–", f);
        return;
    }
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned char ch = *p;
        if (ch < 0x20 || ch == 0x7f)
            fputc(' ', f);
        else if (ch == '<')
            fputs("&lt;", f);
        else if (ch == '>')
            fputs("&gt;", f);
        else if (ch == '&')
            fputs("&amp;", f);
        else if (strchr("\\`*_[]|#~$", ch) != NULL)
            fprintf(f, "\\%c", ch);
        else
            fputc(ch, f);
    }
}

/* Decimals that show hw with two significant digits (0..6). */
static int decimals_for_hw(double hw)
{
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

/* Scale and unit suffix for a kind, chosen from the magnitude of v. */
static double scale_for(double v, int kind, const char **unit)
{
    double a = fabs(v);
    switch (kind) {
    case RP_K_US:
        if (a >= 1e6) { *unit = " s"; return 1e-6; }
        if (a >= 1e3) { *unit = " ms"; return 1e-3; }
        *unit = " µs";
        return 1;
    case RP_K_FRAC:
        *unit = "%";
        return 100;
    case RP_K_PCT:
        *unit = "%";
        return 1;
    case RP_K_KB:
        if (a >= 1024.0 * 1024) { *unit = " GiB"; return 1.0 / (1024 * 1024); }
        if (a >= 1024) { *unit = " MiB"; return 1.0 / 1024; }
        *unit = " KiB";
        return 1;
    default:
        *unit = "";
        return 1;
    }
}

char *rp_fmt_val(char *buf, size_t len, double v, int kind)
{
    if (isnan(v)) {
        snprintf(buf, len, "–");
        return buf;
    }
    const char *unit;
    double s = scale_for(v, kind, &unit);
    char num[64];
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

char *rp_fmt_ci(char *buf, size_t len, double mean, double lo, double hi, int kind)
{
    if (isnan(mean) || isnan(lo) || isnan(hi) || hi < lo)
        return rp_fmt_val(buf, len, mean, kind);
    if (hi == lo && mean == 0)
        return rp_fmt_val(buf, len, mean, kind);   /* "0%", not "0 ± 0%" */
    if (hi == lo) {   /* runs that all agree: an interval of width zero, not a single run */
        const char *unit;
        double s = scale_for(mean, kind, &unit);
        char v[64];
        rp_fmt_val(v, sizeof v, mean * s, RP_K_NUM);
        snprintf(buf, len, "%s ± 0%s", v, unit);
        return buf;
    }
    const char *unit;
    double s = scale_for(mean, kind, &unit);
    double hw = (hi - lo) / 2 * s;
    int d = decimals_for_hw(hw);
    snprintf(buf, len, "%.*f ± %.*f%s", d, mean * s, d, hw, unit);
    return buf;
}

char *rp_fmt_p(char *buf, size_t len, double p)
{
    if (isnan(p))
        snprintf(buf, len, "–");
    else if (p < 0.001)
        snprintf(buf, len, "< 0.001");
    else
        snprintf(buf, len, "%.3f", p);
    return buf;
}

/* A concurrency or rate: integers as such, rates to four significant digits. */
char *rp_fmt_x(char *buf, size_t len, double x)
{
    if (isnan(x))
        snprintf(buf, len, "–");
    else if (x == floor(x) && fabs(x) < 1e15)
        snprintf(buf, len, "%.0f", x);
    else
        snprintf(buf, len, "%.6g", x);
    return buf;
}
