/*
 * tests/unit/analyze/test_calibration.c — the statistics calibrated by simulation (issue 11):
 * synthetic datasets built in memory (fixed seeds, GSL's generators), analysed by
 * an_analyze() — the function `rigor analyze --json` runs — and judged:
 *  - A/A: 2 and 3 targets, 1 and 3 cells, n = 3, 5, 10 runs; per-run noise normal with CV
 *    2%, 10%, 30% and lognormal with CV 30%; every metric. The share of reports with any
 *    verdict other than `~` must be <= 5% + 2 standard errors.
 *  - Power: 2 targets × 3 cells × every metric; CV 30%, n = 5, a true ratio of 10 on the
 *    positive metrics, and CV 10%, n = 5, a ratio of 1.5: >= 95% of the true effects proven,
 *    in the right direction.
 *  - Coherence: in every report above, no comparison whose verdict disagrees with its
 *    printed interval and the noise band.
 *  - Per-process constants: RSS constant within each target's one server process, different
 *    between the processes: never a verdict on it.
 *  - Drift: per-second series of 10 s runs with 5% noise per second: the drift warning fires
 *    in <= 5% (+ 2 SE) of cells without drift, and in >= 90% of cells with a 20% drift.
 *
 * Quick by default (a few seconds); RIGOR_CALIBRATE=TRIALS runs TRIALS reports per setting
 * and prints the Markdown tables of docs/benchmarks.md instead (bench/calibrate.sh), with the
 * rule of rigor v1 (Welch on raw values, Holm, Fieller at 95%) beside v2 for comparison.
 */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <stdbool.h>
#include <stdlib.h>
#include "tests/unit/unit.h"
#include "core/dataset.h"
#include "core/err.h"
#include "analyze/analyze.h"
#include "analyze/stats_int.h"

enum noise { NORMAL, LOGNORMAL };

typedef struct setting {
    int ntargets, ncells, nruns;
    enum noise noise;
    double cv;        /* per-run coefficient of variation of every metric */
    double ratio;     /* true ratio of target 2 (and 3) to target 1 on positive metrics */
    bool one_process; /* one server process per target: RSS constant within it */
} setting;

static const char *const TARGETS[] = {"base", "other", "third"};
static const double CELLS[] = {10, 100, 500};
/* the positive metrics' base values and the way an effect moves them (+1: ×ratio) */
static const struct { const char *path; double base; int up; } METRICS[] = {
    {"throughput_rps", 10000, 1}, {"latency.mean", 900, -1}, {"latency.p50", 800, -1},
    {"latency.p90", 1500, -1}, {"latency.p99", 3000, -1}, {"latency.p999", 6000, -1},
    {"server.cpu_pct_mean", 80, 1}, {"server.rss_kb_max", 50000, 1},
};
#define NMETRICS (sizeof METRICS / sizeof METRICS[0])

static int trials_per_setting = 120;
static bool long_mode;

/* A value with mean `mean` and the setting's noise; normal draws are redrawn below 0 (a
 * run's throughput or latency is never negative). */
static double draw(gsl_rng *r, const setting *s, double mean)
{
    if (s->noise == LOGNORMAL) {
        double sig = sqrt(log1p(s->cv * s->cv));
        return mean * exp(gsl_ran_gaussian(r, sig) - sig * sig / 2);
    }
    double v;
    do
        v = mean * (1.0 + gsl_ran_gaussian(r, s->cv));
    while (!(v > 0.0));
    return v;
}

static void set_path(json_t *run, const char *path, double v)
{
    const char *dot = strchr(path, '.');
    if (!dot) {
        json_object_set_new(run, path, json_real(v));
        return;
    }
    char key[32];
    snprintf(key, sizeof key, "%.*s", (int)(dot - path), path);
    json_t *o = json_object_get(run, key);
    if (!o)
        json_object_set_new(run, key, o = json_object());
    json_object_set_new(o, dot + 1, json_real(v));
}

/* One run of target t in cell c. */
static json_t *sim_run(gsl_rng *r, const setting *s, int t, int c, int i, double rss_process)
{
    json_t *run = rg_run_new(TARGETS[t], NULL, (long long)CELLS[c], 0, i + 1, "load", 1, NULL);
    double f = t == 0 ? 1.0 : s->ratio;
    for (size_t m = 0; m < NMETRICS; m++) {
        double mean = METRICS[m].base * (METRICS[m].up > 0 ? f : 1.0 / f);
        double v = draw(r, s, mean);
        if (s->one_process && strcmp(METRICS[m].path, "server.rss_kb_max") == 0)
            v = rss_process;
        set_path(run, METRICS[m].path, v);
    }
    /* errors: timeouts at 0.1% of the requests, the same for every target (no effect) */
    double tput = json_real_value(json_object_get(run, "throughput_rps"));
    uint64_t req = (uint64_t)(tput * 10.0), errs = gsl_ran_poisson(r, (double)req * 0.001);
    json_object_set_new(run, "requests", json_integer((json_int_t)req));
    json_object_set_new(run, "errors", rg_errors_json(0, 0, 0, errs, 0, 0));
    /* a server process per run, or one per target */
    json_object_set_new(json_object_get(run, "server"), "pid",
                        json_integer(s->one_process ? 100 + t : 1000 * (t + 1) + 10 * c + i));
    return run;
}

static json_t *sim_dataset(gsl_rng *r, const setting *s)
{
    json_t *ds = rg_dataset_new("calibration", 0, NULL);
    double rss[3];
    for (int t = 0; t < s->ntargets; t++)   /* each process settles at its own RSS */
        rss[t] = floor(draw(r, s, METRICS[NMETRICS - 1].base));
    for (int i = 0; i < s->nruns; i++)       /* interleaved, as `rigor run` does */
        for (int c = 0; c < s->ncells; c++)
            for (int t = 0; t < s->ntargets; t++)
                rg_dataset_append_run(ds, sim_run(r, s, t, c, i, rss[t]));
    return ds;
}

/* What one report says. */
typedef struct judged {
    int any_verdict;   /* some comparison is not `~` */
    int effects, proven, wrong_dir;  /* true effects, proven in the right direction, wrong */
    int incoherent;    /* verdicts that disagree with their interval */
    int comparisons;
} judged;

static double num(const json_t *o, const char *k)
{
    const json_t *v = json_object_get(o, k);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

/* Does the printed interval clear the noise band, and which way (+1 up, -1 down, 0 not)? */
static int interval_clears(const json_t *c, double noise)
{
    bool log = strcmp(json_string_value(json_object_get(c, "scale")), "log") == 0;
    double lo = num(c, log ? "ratio_ci_low" : "difference_ci_low");
    double hi = num(c, log ? "ratio_ci_high" : "difference_ci_high");
    double null = log ? 1.0 : 0.0, band = log ? noise : noise * fabs(num(c, "mean_baseline"));
    if (isnan(lo) || isnan(hi))
        return 0;
    return lo > null + band ? 1 : hi < null - band ? -1 : 0;
}

static int verdict_dir(const char *v)
{
    if (!strcmp(v, "faster") || !strcmp(v, "worse") || !strcmp(v, "higher"))
        return 1;
    if (!strcmp(v, "slower") || !strcmp(v, "better") || !strcmp(v, "lower"))
        return -1;
    return 0;
}

static void judge(const json_t *doc, const setting *s, double noise, judged *j)
{
    size_t i;
    json_t *c;
    memset(j, 0, sizeof *j);
    json_array_foreach(json_object_get(doc, "comparisons"), i, c) {
        const char *metric = json_string_value(json_object_get(c, "metric"));
        int dir = verdict_dir(json_string_value(json_object_get(c, "verdict")));
        j->comparisons++;
        j->any_verdict |= dir != 0;
        j->incoherent += dir != interval_clears(c, noise);
        if (s->ratio == 1.0 || strcmp(metric, "error_rate") == 0)
            continue;
        /* a true effect: throughput, CPU and RSS up; latencies down */
        int want = strncmp(metric, "latency", 7) == 0 ? -1 : 1;
        j->effects++;
        j->proven += dir == want;
        j->wrong_dir += dir == -want;
    }
}

/*
 * rigor v1's rule, for the tables: Welch on raw values, Holm over the report, Fieller at
 * 95% clearing the band. Returns 1 when the report has a verdict; *proven counts true
 * effects proven. Uses the runs' values directly (not analyze's document).
 */
static int v1_rule(const json_t *ds, const setting *s, double alpha, int *proven)
{
    enum { MAXC = 3 * 3 * (NMETRICS + 1) };
    double p[MAXC], lo[MAXC], hi[MAXC];
    int k = 0, any = 0;
    for (int t = 1; t < s->ntargets; t++)
        for (int c = 0; c < s->ncells; c++)
            for (size_t m = 0; m <= NMETRICS; m++, k++) {  /* NMETRICS: the error rate */
                double x[2][16];
                int n[2] = {0, 0};
                size_t i;
                json_t *run;
                json_array_foreach(json_object_get(ds, "runs"), i, run) {
                    const char *tg = json_string_value(json_object_get(run, "target"));
                    int who = !strcmp(tg, TARGETS[t]) ? 1 : !strcmp(tg, TARGETS[0]) ? 0 : -1;
                    if (who < 0 || num(run, "concurrency") != CELLS[c])
                        continue;
                    if (m == NMETRICS) {  /* v1's error rate: errors / (requests + errors) */
                        double e = num(json_object_get(run, "errors"), "timeout");
                        x[who][n[who]++] = e / (num(run, "requests") + e);
                        continue;
                    }
                    const char *dot = strchr(METRICS[m].path, '.');
                    char key[32];
                    snprintf(key, sizeof key, "%.*s", dot ? (int)(dot - METRICS[m].path) : 31,
                             METRICS[m].path);
                    x[who][n[who]++] = dot ? num(json_object_get(run, key), dot + 1)
                                           : num(run, key);
                }
                an_summary a, b;
                an_summarize(x[1], (size_t)n[1], 1 - alpha, &a, NULL);
                an_summarize(x[0], (size_t)n[0], 1 - alpha, &b, NULL);
                p[k] = an_welch_p(x[1], (size_t)n[1], x[0], (size_t)n[0], NULL);
                if (an_fieller(a.mean, a.sd, a.n, b.mean, b.sd, b.n, 1 - alpha, &lo[k], &hi[k]))
                    lo[k] = hi[k] = NAN;
            }
    an_holm(p, (size_t)k, p);
    *proven = 0;
    for (int i = 0; i < k; i++) {
        int dir = p[i] < alpha ? (lo[i] > 1.01 ? 1 : hi[i] < 0.99 ? -1 : 0) : 0;
        any |= dir != 0;
        *proven += dir != 0 && (i % (int)(NMETRICS + 1)) != (int)NMETRICS;
    }
    return any;
}

/* Totals over the trials of one setting. */
typedef struct tally {
    int reports, with_verdict, effects, proven, wrong_dir, incoherent, comparisons;
    int missed;  /* reports in which some true effect is `~` */
    int v1_with_verdict, v1_proven, v1_missed;
} tally;

static void run_setting(const setting *s, unsigned long seed, tally *t)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    an_options opt;
    an_options_init(&opt);
    char err[RG_ERRLEN];
    memset(t, 0, sizeof *t);
    for (int k = 0; k < trials_per_setting; k++) {
        json_t *ds = sim_dataset(r, s), *doc = an_analyze(&ds, 1, &opt, err);
        judged j = {0};
        CHECK_MSG(doc != NULL, "%s", err);
        if (doc) {
            judge(doc, s, opt.noise, &j);
            t->reports++;
            t->with_verdict += j.any_verdict;
            t->effects += j.effects;
            t->proven += j.proven;
            t->wrong_dir += j.wrong_dir;
            t->incoherent += j.incoherent;
            t->comparisons += j.comparisons;
            t->missed += j.proven < j.effects;
        }
        if (long_mode) {
            int pv1;
            t->v1_with_verdict += v1_rule(ds, s, 1 - opt.confidence, &pv1);
            t->v1_proven += pv1;
            t->v1_missed += pv1 < j.effects;
        }
        json_decref(doc);
        json_decref(ds);
    }
    gsl_rng_free(r);
}

/* The share is at most p0 + 2 standard errors of a share p0 over n trials. */
static bool within(int hits, int n, double p0)
{
    return (double)hits / n <= p0 + 2.0 * sqrt(p0 * (1 - p0) / n);
}

static const char *noise_name(const setting *s, char *buf, size_t len)
{
    snprintf(buf, len, "%s %g%%", s->noise == NORMAL ? "normal" : "lognormal", 100 * s->cv);
    return buf;
}

static int total_incoherent, total_reports;

static void test_aa_false_alarms(void)
{
    const double cvs[] = {0.02, 0.10, 0.30, 0.30};
    const int ns[] = {3, 5, 10};
    int all_hits = 0, all_reports = 0;
    unsigned long seed = 1;
    if (long_mode)
        printf("| A/A setting | reports | with a verdict (v2) | (v1 rule) |\n|---|---:|---:|---:|\n");
    for (int nt = 2; nt <= 3; nt++)
        for (int nc = 1; nc <= 3; nc += 2)
            for (int in = 0; in < 3; in++)
                for (int iv = 0; iv < 4; iv++) {
                    setting s = {nt, nc, ns[in], iv == 3 ? LOGNORMAL : NORMAL, cvs[iv], 1.0,
                                 false};
                    tally t;
                    char nb[32];
                    run_setting(&s, seed++, &t);
                    all_hits += t.with_verdict;
                    all_reports += t.reports;
                    total_incoherent += t.incoherent;
                    total_reports += t.reports;
                    CHECK_MSG(within(t.with_verdict, t.reports, 0.05),
                              "A/A %d targets, %d cells, n = %d, %s: %d of %d reports with a "
                              "verdict", nt, nc, s.nruns, noise_name(&s, nb, sizeof nb),
                              t.with_verdict, t.reports);
                    if (long_mode)
                        printf("| %d targets × %d cell%s, n = %d, %s | %d | %.1f%% | %.1f%% |\n",
                               nt, nc, nc > 1 ? "s" : "", s.nruns,
                               noise_name(&s, nb, sizeof nb), t.reports,
                               100.0 * t.with_verdict / t.reports,
                               100.0 * t.v1_with_verdict / t.reports);
                }
    CHECK_MSG(within(all_hits, all_reports, 0.05), "A/A overall: %d of %d reports", all_hits,
              all_reports);
    printf("# A/A: %d of %d reports (%.2f%%) with a verdict\n", all_hits, all_reports,
           100.0 * all_hits / all_reports);
}

/* required: the thresholds; otherwise the figure is only reported */
static void power_case(double cv, double ratio, unsigned long seed, bool required)
{
    setting s = {2, 3, 5, NORMAL, cv, ratio, false};
    tally t;
    run_setting(&s, seed, &t);
    total_incoherent += t.incoherent;
    total_reports += t.reports;
    double share = (double)t.proven / t.effects;
    CHECK_MSG(!required || share >= 0.95, "power at CV %g%%, ratio %g: %d of %d true effects "
              "proven", 100 * cv, ratio, t.proven, t.effects);
    CHECK_INT(t.wrong_dir, 0);
    printf("# power CV %g%%, n = 5, ratio %g: %.2f%% of %d true effects proven; %.1f%% of "
           "reports miss one\n", 100 * cv, ratio, 100.0 * share, t.effects,
           100.0 * t.missed / t.reports);
    if (long_mode)
        printf("| CV %g%%, n = 5, ratio %g | %d | %.2f%% | %.1f%% | %.2f%% | %.1f%% |\n",
               100 * cv, ratio, t.effects, 100.0 * share, 100.0 * t.missed / t.reports,
               100.0 * t.v1_proven / t.effects, 100.0 * t.v1_missed / t.reports);
}

static void test_power(void)
{
    if (long_mode)
        printf("\n| power setting (2 targets × 3 cells × 9 metrics) | true effects | proven "
               "(v2) | reports missing one (v2) | proven (v1 rule) | reports missing one (v1) "
               "|\n|---|---:|---:|---:|---:|---:|\n");
    power_case(0.30, 10.0, 101, true);
    power_case(0.10, 1.5, 102, true);
    power_case(0.30, 2.0, 103, false);  /* the limit of 5 runs at CV 30%: reported only */
}

static void test_per_process_constants(void)
{
    setting s = {2, 3, 5, NORMAL, 0.10, 1.0, true};
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 201);
    an_options opt;
    an_options_init(&opt);
    char err[RG_ERRLEN];
    int rss_verdicts = 0, rss_in_family = 0;
    for (int k = 0; k < trials_per_setting / 4 + 1; k++) {
        json_t *ds = sim_dataset(r, &s), *doc = an_analyze(&ds, 1, &opt, err);
        size_t i;
        json_t *c;
        json_array_foreach(json_object_get(doc, "comparisons"), i, c) {
            if (strcmp(json_string_value(json_object_get(c, "metric")), "server_rss_kb"))
                continue;
            rss_verdicts += strcmp(json_string_value(json_object_get(c, "verdict")), "~") != 0;
            rss_in_family += json_is_true(json_object_get(c, "in_family"));
        }
        json_decref(doc);
        json_decref(ds);
    }
    gsl_rng_free(r);
    CHECK_INT(rss_verdicts, 0);
    CHECK_INT(rss_in_family, 0);
}

static void test_coherence(void)
{
    CHECK_MSG(total_incoherent == 0, "%d comparisons disagree with their interval",
              total_incoherent);
    printf("# coherence: %d incoherent comparisons in %d reports\n", total_incoherent,
           total_reports);
}

/* A cell of runs with per-second series: 10 s, `sec_cv` noise per second (AR(1) with
 * coefficient phi: a VM whose speed wanders for a few seconds), a linear drift of `drift`
 * (relative change from start to end) in every run. */
static json_t *drift_dataset(gsl_rng *r, int nruns, double sec_cv, double phi, double drift)
{
    json_t *ds = rg_dataset_new("drift", 0, NULL);
    for (int i = 0; i < nruns; i++) {
        json_t *run = rg_run_new("t", NULL, 10, 0, i + 1, "load", 1, NULL), *ts = json_array();
        double level = 10000 * (1 + gsl_ran_gaussian(r, 0.10)), sum = 0;
        double e = gsl_ran_gaussian(r, sec_cv);  /* stationary start */
        for (int k = 0; k < 10; k++) {
            if (k > 0)
                e = phi * e + gsl_ran_gaussian(r, sec_cv * sqrt(1 - phi * phi));
            double v = level * (1 + drift * ((k + 0.5) / 10 - 0.5)) * (1 + e);
            json_array_append_new(ts, json_integer((json_int_t)v));
            sum += v;
        }
        json_object_set_new(run, "duration_s", json_real(10.0));
        json_object_set_new(run, "throughput_rps", json_real(sum / 10));
        json_t *o = json_object();
        json_object_set_new(o, "requests", ts);
        json_object_set_new(run, "timeseries", o);
        rg_dataset_append_run(ds, run);
    }
    return ds;
}

static double drift_rate(int nruns, double sec_cv, double phi, double drift, int cells,
                         unsigned long seed)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, seed);
    an_options opt;
    an_options_init(&opt);
    char err[RG_ERRLEN];
    int fired = 0;
    for (int k = 0; k < cells; k++) {
        json_t *ds = drift_dataset(r, nruns, sec_cv, phi, drift), *doc = an_analyze(&ds, 1, &opt, err);
        size_t i;
        json_t *w;
        int any = 0;
        json_array_foreach(json_object_get(doc, "warnings"), i, w)
            any |= !strcmp(json_string_value(json_object_get(w, "kind")), "drift");
        fired += any;
        json_decref(doc);
        json_decref(ds);
    }
    gsl_rng_free(r);
    return (double)fired / cells;
}

static void test_drift(void)
{
    const int ns[] = {3, 5, 10};
    int cells = long_mode ? trials_per_setting * 4 : 400;
    if (long_mode)
        printf("\n| drift setting (10 s runs) | cells | warned, no drift | warned, 20%% drift |"
               "\n|---|---:|---:|---:|\n");
    for (int i = 0; i < 3; i++) {
        double aa = drift_rate(ns[i], 0.05, 0.0, 0.0, cells, 300 + i);
        double pw = drift_rate(ns[i], 0.05, 0.0, 0.20, cells, 400 + i);
        CHECK_MSG(aa <= 0.05 + 2 * sqrt(0.05 * 0.95 / cells), "drift A/A n = %d: %.1f%%",
                  ns[i], 100 * aa);
        CHECK_MSG(pw >= 0.90, "drift 20%% n = %d: %.1f%%", ns[i], 100 * pw);
        printf("# drift, n = %d, 5%% per-second noise: fires in %.1f%% without drift, %.1f%% "
               "with 20%%\n", ns[i], 100 * aa, 100 * pw);
        if (long_mode) {
            printf("| n = %d, 5%% noise per second | %d | %.1f%% | %.1f%% |\n", ns[i], cells,
                   100 * aa, 100 * pw);
            printf("| n = %d, 10%% noise per second | %d | %.1f%% | %.1f%% |\n", ns[i], cells,
                   100 * drift_rate(ns[i], 0.10, 0.0, 0.0, cells, 500 + i),
                   100 * drift_rate(ns[i], 0.10, 0.0, 0.20, cells, 600 + i));
            printf("| n = %d, 5%% noise per second, AR(1) 0.5 | %d | %.1f%% | %.1f%% |\n", ns[i],
                   cells, 100 * drift_rate(ns[i], 0.05, 0.5, 0.0, cells, 700 + i),
                   100 * drift_rate(ns[i], 0.05, 0.5, 0.20, cells, 800 + i));
        }
    }
}

int main(void)
{
    gsl_set_error_handler_off();
    const char *env = getenv("RIGOR_CALIBRATE");
    if (env && atoi(env) > 0) {
        trials_per_setting = atoi(env);
        long_mode = true;
    }
    RUN(test_aa_false_alarms);
    RUN(test_power);
    RUN(test_per_process_constants);
    RUN(test_coherence);
    RUN(test_drift);
    return unit_done();
}
