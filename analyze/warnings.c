/*
 * analyze/warnings.c — what the evidence of a cell cannot carry, said so a person can act:
 * runs cut short or missing, one run, too few runs for the precision asked, a failing
 * server, drift within runs, an open-loop rate the target did not keep up with, server
 * figures that are one observation per process.
 *
 * Design: each warning is a statement with a number and a remedy. The drift warning is a
 * test, calibrated by simulation (tests/unit/analyze/test_calibration.c): it fires in at
 * most 5% of cells when nothing drifts, whatever the noise, because it asks whether a slope
 * is larger than the noise around it rather than whether it is larger than 5% (on a noisy
 * machine every run has a 5% slope somewhere). Load: one pass over each run's per-second
 * series; a least-squares fit (gsl_fit_linear) per run.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_fit.h>
#include "core/units.h"
#include "analyze/analyze_int.h"

/* A drift smaller than this (relative change over a run) is not worth a warning. */
#define AN_DRIFT_MIN 0.05
/* Mean error rate of a cell above which its latency figures are called questionable. */
#define AN_ERROR_WARN 0.01
/* Above this many runs the runs_needed advice stops counting: the remedy is another one. */
#define AN_RUNS_ADVICE_MAX 100
/* Open loop: an achieved rate below this share of the asked one did not keep up (the same
 * rule `rigor load` prints "did not keep up" with, when the run lacks open_loop.kept_up). */
#define AN_RATE_KEPT 0.99

/* One run's within-run trend of per-second throughput. */
typedef struct drift_fit {
    double rel;   /* slope × k / mean: the relative change from start to end (signed) */
    double p;     /* two-sided p of the slope against the run's own residual noise */
    double run;   /* the run's number */
    size_t k;     /* whole seconds fitted */
} drift_fit;

/* Lag-1 autocorrelation of the residuals, in [0, 0.9]: positive autocorrelation (a VM whose
 * speed wanders for a few seconds) makes least-squares slopes look surer than they are;
 * the variance is inflated by (1 + r) / (1 - r) (the AR(1) effective sample size). */
static double lag1(const double *res, size_t k)
{
    double num = 0.0, den = 0.0;
    for (size_t i = 0; i < k; i++) {
        den += res[i] * res[i];
        if (i + 1 < k)
            num += res[i] * res[i + 1];
    }
    double r = den > 0.0 ? num / den : 0.0;
    return k < 6 ? 0.0 : fmin(0.9, fmax(0.0, r));
}

/* Fit y[0..k) = c0 + c1 t; fills f (rel, p). t and res are scratch buffers of k doubles.
 * Returns -1 when there is nothing to fit. */
static int fit_run(const double *y, size_t k, double *t, double *res, drift_fit *f)
{
    double c0, c1, cov00, cov01, cov11, ss, mean = 0.0;
    for (size_t i = 0; i < k; i++) {
        t[i] = (double)i;
        mean += y[i] / (double)k;
    }
    if (k < 3 || !(mean > 0.0) ||
        gsl_fit_linear(t, 1, y, 1, k, &c0, &c1, &cov00, &cov01, &cov11, &ss) != 0 ||
        !isfinite(c1))
        return -1;
    f->rel = c1 * (double)k / mean;
    for (size_t i = 0; i < k; i++)
        res[i] = y[i] - (c0 + c1 * t[i]);
    double r = lag1(res, k), se = sqrt(cov11 * (1.0 + r) / (1.0 - r));
    if (se > 0.0)
        f->p = fmin(1.0, 2.0 * gsl_cdf_tdist_Q(fabs(c1) / se, (double)(k - 2)));
    else
        f->p = c1 != 0.0 ? 0.0 : 1.0;  /* a perfect line: the slope is exact */
    return 0;
}

/* The run's per-second completed requests, whole seconds only (a trailing partial second,
 * which rigor load writes, is not a slowdown). Fills f; -1 when the run has no series. */
static int run_drift(const json_t *run, drift_fit *f)
{
    const json_t *ts = json_object_get(json_object_get(run, "timeseries"), "requests");
    size_t k = json_array_size(ts);
    double dur = an_path_num(run, "duration_s");
    if (isfinite(dur) && dur >= 0.0 && (double)k > floor(dur))
        k = (size_t)floor(dur);
    if (k < 3 || k > 1000000)
        return -1;
    double *y = malloc(3 * k * sizeof *y);
    int rc = y ? 0 : -1;
    for (size_t j = 0; rc == 0 && j < k; j++) {
        const json_t *v = json_array_get(ts, j);
        y[j] = json_number_value(v);
        if (!json_is_number(v) || !isfinite(y[j]))
            rc = -1;
    }
    if (rc == 0)
        rc = fit_run(y, k, y + k, y + 2 * k, f);
    free(y);
    f->k = k;
    f->run = an_path_num(run, "run");
    return rc;
}

/* "p < 0.001" or "p = 0.012" */
static const char *fmt_p(char *buf, size_t len, double p)
{
    char t[16];
    snprintf(buf, len, "p %s%s", p < 0.001 ? "" : "= ", rg_fmt_p(t, sizeof t, p));
    return buf;
}

/* Two-sided p of a t statistic; an infinite t (no noise at all) gives 0, 0/0 gives 1. */
static double t_p(double diff, double se, double df)
{
    if (se > 0.0)
        return fmin(1.0, 2.0 * gsl_cdf_tdist_Q(fabs(diff) / se, df));
    return diff != 0.0 ? 0.0 : 1.0;
}

/* (b) The run whose drift is most unlike the others' (n >= 3): its drift against the
 * prediction interval of the other runs' drifts, t = (d_j - mean) / (sd sqrt(1 + 1/(n-1))),
 * n - 2 degrees of freedom. Returns the run's index, *p its p-value. */
static size_t odd_run(const double *rel, size_t n, double *p)
{
    size_t best = 0;
    double others[n];
    *p = 1.0;
    for (size_t j = 0; j < n; j++) {
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (i != j)
                others[k++] = rel[i];
        double m, sd;
        an_moments(others, k, &m, &sd);
        double pj = t_p(rel[j] - m, sd * sqrt(1.0 + 1.0 / (double)k), (double)(k - 1));
        if (pj < *p) {
            *p = pj;
            best = j;
        }
    }
    return best;
}

/*
 * The drift tests of a cell (docs/methodology.md §2), at most 5% false alarms per cell when
 * nothing drifts, however the noise within a run is correlated for (a) and (b):
 * (a) the same drift in every run: a one-sample t-test of the runs' drifts (n >= 3, 2%);
 * (b) one run unlike the others: odd_run (n >= 3, Bonferroni 2%);
 * (c) every run's own slope significant at 15% (7% with 2 runs) in the same direction:
 *     under independent noise at most 2 × (α/2)^n (<= 1%), and it has the power (a) lacks
 *     with 3 runs;
 * (d) a single run: its own slope at 5%.
 * Each fires only for a change larger than AN_DRIFT_MIN.
 */
static void judge_drift(const an_cell *c, const drift_fit *f, const double *rel, size_t n,
                        json_t *warnings)
{
    double m = NAN, sd = NAN, p;
    char ps[24];
    an_moments(rel, n, &m, &sd);
    bool same = true;
    double each = n == 2 ? 0.07 : 0.15;
    for (size_t i = 0; i < n; i++)
        same = same && f[i].p < each && (rel[i] > 0) == (rel[0] > 0);
    if (n >= 3 && (p = t_p(m, sd / sqrt((double)n), (double)(n - 1))) < 0.02 &&
        fabs(m) > AN_DRIFT_MIN) {
        an_warn(warnings, c, "drift", "throughput drifts within runs: %+.1f%% on average from "
                "the start to the end of a run, the same way across the %zu runs (%s): "
                "steady state not reached; lengthen the warm-up", 100.0 * m, n,
                fmt_p(ps, sizeof ps, p));
    } else if (n >= 2 && same && fabs(m) > AN_DRIFT_MIN) {
        an_warn(warnings, c, "drift", "throughput drifts within every one of the %zu runs, the "
                "same way: %+.1f%% on average from the start to the end of a run: steady state "
                "not reached; lengthen the warm-up", n, 100.0 * m);
    } else if (n >= 3) {
        size_t j = odd_run(rel, n, &p);
        if (p < 0.02 / (double)n && fabs(rel[j]) > AN_DRIFT_MIN)
            an_warn(warnings, c, "drift", "run %.15g's throughput changes by %+.1f%% over its "
                    "%zu s, unlike the other runs' (%s): steady state not reached in that run; "
                    "look at it, or lengthen the warm-up", f[j].run, 100.0 * rel[j], f[j].k,
                    fmt_p(ps, sizeof ps, p));
    } else if (n == 1 && f[0].p < 0.05 && fabs(rel[0]) > AN_DRIFT_MIN) {
        an_warn(warnings, c, "drift", "run %.15g's throughput changes by %+.1f%% over its %zu s, "
                "more than its second-to-second noise explains (%s): steady state not "
                "reached; lengthen the warm-up", f[0].run, 100.0 * rel[0], f[0].k,
                fmt_p(ps, sizeof ps, f[0].p));
    }
}

static void warn_drift(const an_cell *c, json_t *warnings)
{
    drift_fit *f = malloc((c->nruns ? c->nruns : 1) * sizeof *f);
    double *rel = malloc((c->nruns ? c->nruns : 1) * sizeof *rel);
    size_t n = 0;
    for (size_t i = 0; f && rel && i < c->nruns; i++)
        if (run_drift(c->runs[i], &f[n]) == 0) {
            rel[n] = f[n].rel;
            n++;
        }
    if (n >= 1)
        judge_drift(c, f, rel, n, warnings);
    free(f);
    free(rel);
}

/* Too few runs for the precision asked: a number when it is within reach, a remedy when
 * it is not. */
static void warn_runs_needed(const an_cell *c, const an_options *opt, json_t *warnings)
{
    /* closed loop: throughput is the result; open loop: the rate is fixed, latency is */
    size_t m = isfinite(c->rate) && !isfinite(c->conc) ? 4 : 0;
    const an_summary *s = &c->sum[m];
    long need = isfinite(s->cv) ? an_runs_needed(s->cv, opt->target_ci, opt->confidence) : -1;
    char lv[24];
    an_fmt_level(lv, sizeof lv, opt->confidence);
    if (need <= 0 || (size_t)need <= s->n)
        return;
    if (need <= AN_RUNS_ADVICE_MAX) {
        an_warn(warnings, c, "runs_needed", "%s varies by %.1f%% between runs (CV): %ld runs "
                "would give a ±%g%% CI of the mean at %s, there are %zu: add %zu",
                an_metrics[m].label, 100.0 * s->cv, need, 100.0 * opt->target_ci, lv, s->n,
                (size_t)need - s->n);
        return;
    }
    double have = 100.0 * an_t_quantile(opt->confidence, (double)(s->n - 1)) * s->cv /
                  sqrt((double)s->n);
    an_warn(warnings, c, "runs_needed", "%s varies by %.1f%% between runs (CV): the %zu runs "
            "give a ±%.*f%% CI of the mean at %s, and ±%g%% would take more than %d runs: "
            "make runs steadier (a quieter machine, longer runs) or ask for less (--target-ci)",
            an_metrics[m].label, 100.0 * s->cv, s->n, have < 10.0 ? 1 : 0, have, lv,
            100.0 * opt->target_ci, AN_RUNS_ADVICE_MAX);
}

/* Open loop: runs whose achieved rate fell short of the asked one. */
static void warn_rate_shortfall(const an_cell *c, json_t *warnings)
{
    size_t short_runs = 0, open_runs = 0;
    double worst = INFINITY, asked = NAN;
    for (size_t i = 0; i < c->nruns; i++) {
        const json_t *ol = json_object_get(c->runs[i], "open_loop");
        double want = an_path_num(ol, "intended_rps"), got = an_path_num(ol, "achieved_rps");
        const json_t *kept = json_object_get(ol, "kept_up");
        if (!json_is_object(ol))
            continue;
        open_runs++;
        bool fell = json_is_boolean(kept) ? json_is_false(kept)
                                          : isfinite(want) && isfinite(got) &&
                                                got < AN_RATE_KEPT * want;
        if (!fell)
            continue;
        short_runs++;
        if (isfinite(got) && got < worst) {
            worst = got;
            asked = want;
        }
    }
    if (!short_runs)
        return;
    if (isfinite(worst) && isfinite(asked))
        an_warn(warnings, c, "rate_shortfall", "the target did not keep up with the asked rate "
                "in %zu of %zu runs (at worst %.6g of %.6g req/s): its latency is that of a "
                "saturated server, and throughput is not comparable; lower the rate",
                short_runs, open_runs, worst, asked);
    else
        an_warn(warnings, c, "rate_shortfall", "the target did not keep up with the asked rate "
                "in %zu of %zu runs: its latency is that of a saturated server; lower the rate",
                short_runs, open_runs);
}

void an_cell_warnings(const an_cell *c, const an_options *opt, json_t *warnings)
{
    if (c->skipped)
        an_warn(warnings, c, "incomplete", "%zu incomplete run%s skipped (use "
                "--include-incomplete to count them)", c->skipped, c->skipped == 1 ? "" : "s");
    if (c->nruns == 0) {
        an_warn(warnings, c, "no_runs", "no complete runs: nothing to analyze");
        return;
    }
    if (c->nruns == 1)
        an_warn(warnings, c, "single_run", "only 1 run: no confidence intervals or tests");
    warn_runs_needed(c, opt, warnings);
    const an_summary *e = &c->sum[6];
    if (e->n && e->mean > AN_ERROR_WARN)
        an_warn(warnings, c, "error_rate", "mean error rate %.2f%% of requests (above %g%%): "
                "latency figures describe a failing server", 100.0 * e->mean,
                100.0 * AN_ERROR_WARN);
    warn_drift(c, warnings);
    warn_rate_shortfall(c, warnings);
}

/* Append the labels of c's per-process metrics not yet in buf. */
static void add_labels(char *buf, size_t len, const an_cell *c)
{
    for (size_t m = 0; m < an_nmetrics; m++) {
        size_t l = strlen(buf);
        if (c->per_process[m] && !strstr(buf, an_metrics[m].label))
            snprintf(buf + l, len - l, "%s%s", l ? ", " : "", an_metrics[m].label);
    }
}

void an_per_process_warnings(const an_cell *cells, size_t ncells, json_t *warnings)
{
    for (size_t i = 0; i < ncells; i++) {
        if (i > 0 && strcmp(cells[i - 1].target, cells[i].target) == 0)
            continue;  /* cells are sorted by target: one warning per target */
        char labels[256] = "", where[512] = "";
        size_t ncell = 0;
        for (size_t j = i; j < ncells && strcmp(cells[j].target, cells[i].target) == 0; j++) {
            bool any = false;
            for (size_t m = 0; m < an_nmetrics; m++)
                any = any || cells[j].per_process[m];
            if (!any)
                continue;
            add_labels(labels, sizeof labels, &cells[j]);
            char at[96];
            size_t l = strlen(where);
            snprintf(where + l, sizeof where - l, "%s%s", ncell++ ? "," : "",
                     an_cell_phrase(at, sizeof at, &cells[j]));
        }
        if (!ncell)
            continue;
        json_t *w = json_object();
        json_object_set_new(w, "target", json_string(cells[i].target));
        json_object_set_new(w, "concurrency", json_null());
        json_object_set_new(w, "rate", json_null());
        json_object_set_new(w, "kind", json_string("per_process"));
        char msg[1024];
        snprintf(msg, sizeof msg, "%s does not vary between the runs of one server process "
                 "(%s): the runs of a process are one observation, so it is compared across "
                 "processes, not runs; restart the server for each run to measure it per run",
                 labels, where + (where[0] == ' '));
        json_object_set_new(w, "message", json_string(msg));
        json_array_append_new(warnings, w);
    }
}
