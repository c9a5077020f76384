/*
 * analyze/sentence.c — the sentence a person reads for each comparison, the one that gets
 * quoted: `fastify is 2.41× ± 0.07 faster than express at 100 connections (99.81% CI,
 * Holm, n = 10 + 10)`.
 *
 * Design: the sentence states the estimate with the interval that decided it, at the level
 * it was decided at, and how many observations stand behind it. A `~` says why: the
 * interval includes no difference, or the difference is smaller than the noise band, or
 * there is no test at all (and what to do about it). Values are written by an_fmt_value
 * (format.c), levels by an_fmt_level. Load: one short snprintf chain per comparison.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "core/units.h"
#include "analyze/analyze_int.h"

/*
 * "2.41× ± 0.07": decimals follow the size of the uncertainty, at least two. An interval of a
 * ratio is symmetric on the log scale, not around the ratio: when its upper arm is more than
 * 1.2 times its lower one, "±" would suggest a lower bound that is not there (7.4× ± 17 reads
 * as "maybe −10×"), so the ends are given instead: "7.37× (2.12× to 25.6×)".
 */
static void fmt_factor(char *buf, size_t len, double f, double flo, double fhi)
{
    double up = fhi - f, down = f - flo, h = fmax(up, down);
    int dec = 2;
    if (h > 0.0 && isfinite(h))
        dec = (int)fmax(2.0, fmin(6.0, -floor(log10(h))));
    if (!(f < 1e4 && f > 1e-2))  /* factors nobody reads digit by digit */
        snprintf(buf, len, "%.3g× (%.3g× to %.3g×)", f, flo, fhi);
    else if (!(h > 0.0) || !isfinite(h))
        snprintf(buf, len, "%.*f×", dec, f);
    else if (up <= 1.2 * down && down <= 1.2 * up)
        snprintf(buf, len, "%.*f× ± %.*f", dec, f, dec, h);
    else
        snprintf(buf, len, "%.3g× (%.3g× to %.3g×)", f, flo, fhi);
}

/* A value in its unit; requests/s get theirs spelled out ("9713 req/s"). */
static char *fmt_val(char *buf, size_t len, double v, enum an_unit unit)
{
    an_fmt_value(buf, len, v, unit);
    if (unit == AN_UNIT_RPS && isfinite(v)) {
        size_t l = strlen(buf);
        snprintf(buf + l, len - l, " req/s");
    }
    return buf;
}

/* A difference in the metric's unit, signed: "+120 req/s", "−3.1 pp" (fractions in
 * percentage points, so that 3% - 1% is not read as "2%" of something). */
static char *fmt_diff(char *buf, size_t len, double d, enum an_unit unit)
{
    char v[48];
    const char *sign = d > 0 ? "+" : d < 0 ? "−" : "";
    if (unit == AN_UNIT_FRACTION)
        snprintf(buf, len, "%s%s pp", sign, rg_fmt_sig(v, sizeof v, 100.0 * fabs(d), 3));
    else
        snprintf(buf, len, "%s%s", sign, fmt_val(v, sizeof v, fabs(d), unit));
    return buf;
}

/* A difference with its interval, "+3.0995 ± 0.00057 pp": an_fmt_ci's rounding (the
 * half-width to two significant digits, the difference to the same decimal place). */
static char *fmt_diff_ci(char *buf, size_t len, double d, double lo, double hi,
                         enum an_unit unit)
{
    char v[96];
    const char *sign = d > 0 ? "+" : d < 0 ? "−" : "";
    double a = fabs(d), h = (hi - lo) / 2;
    if (unit == AN_UNIT_FRACTION) {  /* in percentage points */
        an_fmt_ci(v, sizeof v, 100.0 * a, 100.0 * (a - h), 100.0 * (a + h), AN_UNIT_RPS);
        snprintf(buf, len, "%s%s pp", sign, v);
    } else {
        an_fmt_ci(v, sizeof v, a, a - h, a + h, unit);
        snprintf(buf, len, "%s%s%s", sign, v, unit == AN_UNIT_RPS ? " req/s" : "");
    }
    return buf;
}

/* The interval "0.981 to 1.042" (ratio) or "−0.2 pp to +0.4 pp" (difference). */
static char *fmt_interval(char *buf, size_t len, const an_cmp *r, double lo, double hi)
{
    char a[48], b[48];
    if (!isfinite(lo))
        snprintf(buf, len, "none");
    else if (r->e.scale == AN_SCALE_LOG)
        snprintf(buf, len, "%.4g to %.4g", lo, hi);
    else
        snprintf(buf, len, "%s to %s", fmt_diff(a, sizeof a, lo, an_metrics[r->m].unit),
                 fmt_diff(b, sizeof b, hi, an_metrics[r->m].unit));
    return buf;
}

/* "(99.81% CI, Holm, n = 6 + 6)", "(no variance, n = 4 + 4)", "(95% CI, n = 2 + 2 processes)" */
static void fmt_tail(char *buf, size_t len, const an_cmp *r)
{
    char lv[24];
    const char *unit = r->t->per_process[r->m] || r->b->per_process[r->m] ? " processes" : "";
    size_t nt = r->t->nv[r->m], nb = r->b->nv[r->m];
    an_fmt_level(lv, sizeof lv, r->level);
    if (r->e.method == AN_M_EXACT)
        snprintf(buf, len, "(no variance between runs, n = %zu + %zu%s)", nt, nb, unit);
    else if (r->e.in_family)
        snprintf(buf, len, "(%s CI, Holm, n = %zu + %zu%s)", lv, nt, nb, unit);
    else
        snprintf(buf, len, "(%s CI, n = %zu + %zu%s)", lv, nt, nb, unit);
}

/* The sentence for a proven difference. */
static void proven(char *s, size_t len, const an_cmp *r, const char *at)
{
    const an_cell *t = r->t, *b = r->b;
    const an_metric_def *md = &an_metrics[r->m];
    const char *v = r->verdict;
    bool inv = !strcmp(v, "slower") || !strcmp(v, "better") || !strcmp(v, "lower");
    const char *dir = !strcmp(v, "faster") || !strcmp(v, "worse") || !strcmp(v, "higher")
                          ? "higher" : "lower";
    char fac[96], vt[48], vb[48], d[128];
    if (r->e.scale == AN_SCALE_LOG) {
        /* "slower" reads as a factor above 1: the ratio and its interval are inverted,
         * exactly, since x -> 1/x is monotonic */
        double f = inv ? 1.0 / r->e.est : r->e.est, flo = inv ? 1.0 / r->hi : r->lo,
               fhi = inv ? 1.0 / r->lo : r->hi;
        fmt_factor(fac, sizeof fac, f, flo, fhi);
        if (md->dir == AN_HIGHER_BETTER)
            snprintf(s, len, "%s is %s %s than %s%s", t->target, fac, v, b->target, at);
        else
            snprintf(s, len, "%s has %s %s %s than %s%s", t->target, fac, dir, md->label,
                     b->target, at);
        return;
    }
    fmt_val(vt, sizeof vt, r->e.mt, md->unit);
    fmt_val(vb, sizeof vb, r->e.mb, md->unit);
    fmt_diff_ci(d, sizeof d, r->e.est, r->lo, r->hi, md->unit);
    if (md->dir == AN_HIGHER_BETTER)
        snprintf(s, len, "%s is %s than %s%s: %s vs %s, %s", t->target, v, b->target, at,
                 vt, vb, d);
    else
        snprintf(s, len, "%s has a %s %s than %s%s: %s vs %s, %s", t->target, dir,
                 md->label, b->target, at, vt, vb, d);
}

/* The effect for a `~`: "ratio 1.011, CI 0.981 to 1.042" or a difference (the level
 * follows in the sentence's tail). */
static void effect_words(char *buf, size_t len, const an_cmp *r)
{
    char iv[128], d[48];
    fmt_interval(iv, sizeof iv, r, r->lo, r->hi);
    if (r->e.scale == AN_SCALE_LOG)
        snprintf(buf, len, "ratio %.4g, CI %s", r->e.est, iv);
    else
        snprintf(buf, len, "difference %s, CI %s",
                 fmt_diff(d, sizeof d, r->e.est, an_metrics[r->m].unit), iv);
}

/* True when the interval at the report's own confidence would clear the noise band: the
 * `~` then comes from the correction for the family, and the reader should know. */
static bool clears_at_confidence(const an_cmp *r, const an_options *opt)
{
    if (!isfinite(r->lo95))
        return false;
    if (r->e.scale == AN_SCALE_LOG)
        return r->lo95 > 1.0 + opt->noise || r->hi95 < 1.0 - opt->noise;
    double band = opt->noise * fabs(r->e.mb);
    return r->lo95 > band || r->hi95 < -band;
}

/* The sentence for a `~` with a test or an exact comparison. */
static void unproven(char *s, size_t len, const an_cmp *r, const an_options *opt,
                     const char *at)
{
    const an_cell *t = r->t, *b = r->b;
    const an_metric_def *md = &an_metrics[r->m];
    char eff[256], vt[48];
    if (r->e.method == AN_M_EXACT && r->e.mt == r->e.mb) {
        snprintf(s, len, "%s and %s do not differ in %s%s: both exactly %s", t->target,
                 b->target, md->label, at, fmt_val(vt, sizeof vt, r->e.mt, md->unit));
        return;
    }
    effect_words(eff, sizeof eff, r);
    if (r->rejected || r->e.method == AN_M_EXACT) {
        snprintf(s, len, "%s and %s differ in %s%s by less than the noise band (±%g%%): %s",
                 t->target, b->target, md->label, at, 100.0 * opt->noise, eff);
        return;
    }
    snprintf(s, len, "%s and %s show no proven difference in %s%s: %s", t->target, b->target,
             md->label, at, eff);
}

/* After a `~` that only the correction for the family explains: say so, with the interval
 * at the report's confidence, so "no difference" is not read beside an interval that
 * plainly excludes it. Empty otherwise. */
static void family_hint(char *s, size_t len, const an_cmp *r, const an_options *opt,
                        size_t family)
{
    char lv[24], iv[128];
    s[0] = '\0';
    if (strcmp(r->verdict, "~") != 0 || !r->e.in_family || r->rejected || family < 2 ||
        !clears_at_confidence(r, opt))
        return;
    snprintf(s, len, "; at %s alone its CI, %s, would clear the noise band, but not once "
             "corrected for the %zu comparisons: more runs would settle it",
             an_fmt_level(lv, sizeof lv, opt->confidence),
             fmt_interval(iv, sizeof iv, r, r->lo95, r->hi95), family);
}

/* The sentence for a comparison without a test. */
static void untested(char *s, size_t len, const an_cmp *r, const char *at)
{
    const an_cell *t = r->t, *b = r->b;
    const an_metric_def *md = &an_metrics[r->m];
    char vt[48], vb[48];
    size_t nt = t->nv[r->m], nb = b->nv[r->m];
    fmt_val(vt, sizeof vt, r->e.mt, md->unit);
    fmt_val(vb, sizeof vb, r->e.mb, md->unit);
    if (t->per_process[r->m] || b->per_process[r->m])
        snprintf(s, len, "%s and %s: no verdict on %s%s, %s vs %s: it does not vary between "
                 "the runs of one server process, so the %zu + %zu runs are %zu + %zu "
                 "observations (restart the server for each run to compare it)", t->target,
                 b->target, md->label, at, vt, vb, t->nrv[r->m], b->nrv[r->m], nt, nb);
    else
        snprintf(s, len, "%s and %s show no proven difference in %s%s: %s vs %s (too few runs "
                 "for an interval or a test, n = %zu + %zu)", t->target, b->target, md->label,
                 at, vt, vb, nt, nb);
}

void an_sentence(const an_cmp *r, const an_options *opt, size_t family)
{
    char s[1024], at[96], tail[128], hint[384];
    an_cell_phrase(at, sizeof at, r->t);
    if (r->e.method == AN_M_NONE) {
        untested(s, sizeof s, r, at);
        json_object_set_new(r->obj, "sentence", json_string(s));
        return;
    }
    if (strcmp(r->verdict, "~") != 0)
        proven(s, sizeof s, r, at);
    else
        unproven(s, sizeof s, r, opt, at);
    fmt_tail(tail, sizeof tail, r);
    family_hint(hint, sizeof hint, r, opt, family);
    size_t l = strlen(s);
    snprintf(s + l, sizeof s - l, " %s%s", tail, hint);
    json_object_set_new(r->obj, "sentence", json_string(s));
}
