/*
 * tests/unit/analyze/test_analyze.c — an_analyze(): the document's contract (keys report/ and run
 * depend on), its numbers against naive recomputation from the runs, verdicts, warnings,
 * options, and the edge cases (single runs, identical values, zero means, no runs).
 */
#include <stdlib.h>
#include <gsl/gsl_cdf.h>
#include "core/err.h"
#include "tests/unit/unit.h"
#include "core/dataset.h"
#include "core/units.h"
#include "analyze/analyze.h"

#define FIXTURE "tests/fixtures/analyze/two_targets.json"

static json_t *analyze_file(const char *path, const an_options *opt, char *err)
{
    json_t *ds = rg_dataset_load(path, err);
    if (!ds)
        return NULL;
    json_t *doc = an_analyze(&ds, 1, opt, err);
    json_decref(ds);
    return doc;
}

static json_t *find(json_t *arr, const char *target, long long conc, const char *metric)
{
    size_t i;
    json_t *o;
    json_array_foreach(arr, i, o) {
        if (strcmp(json_string_value(json_object_get(o, "target")), target) == 0 &&
            json_integer_value(json_object_get(o, "concurrency")) == conc &&
            (!metric || strcmp(json_string_value(json_object_get(o, "metric")), metric) == 0))
            return o;
    }
    return NULL;
}

static double num(const json_t *o, const char *k)
{
    return json_number_value(json_object_get(o, k));
}

static void test_contract_keys(void)
{
    char err[RG_ERRLEN];
    an_options opt;
    an_options_init(&opt);
    json_t *doc = analyze_file(FIXTURE, &opt, err);
    CHECK_MSG(doc != NULL, "%s", err);
    if (!doc)
        return;
    CHECK_NEAR(num(doc, "confidence"), 0.95, 0);
    CHECK_INT(json_array_size(json_object_get(doc, "groups")), 5);
    const char *gk[] = {"target", "concurrency", "rate", "runs", "runs_skipped", "metrics"};
    const char *mk[] = {"n", "mean", "stdev", "ci_low", "ci_high", "median", "median_ci_low",
                        "median_ci_high", "min", "max", "cv", "outliers"};
    const char *ck[] = {"target", "baseline", "concurrency", "rate", "metric", "ratio",
                        "ratio_ci_low", "ratio_ci_high", "p_welch", "p_mannwhitney",
                        "p_adjusted", "verdict", "sentence", "ci_level", "ratio_ci95_low",
                        "ratio_ci95_high", "scale", "difference", "difference_ci_low",
                        "difference_ci_high", "in_family", "note", "n", "n_baseline"};
    const char *wk[] = {"target", "concurrency", "rate", "kind", "message"};
    json_t *g = json_array_get(json_object_get(doc, "groups"), 0);
    for (size_t i = 0; i < 6; i++)
        CHECK_MSG(json_object_get(g, gk[i]), "group lacks %s", gk[i]);
    json_t *m = json_object_get(json_object_get(g, "metrics"), "throughput_rps");
    for (size_t i = 0; i < 12; i++)
        CHECK_MSG(json_object_get(m, mk[i]), "metric lacks %s", mk[i]);
    json_t *c = json_array_get(json_object_get(doc, "comparisons"), 0);
    for (size_t i = 0; i < sizeof ck / sizeof ck[0]; i++)
        CHECK_MSG(json_object_get(c, ck[i]), "comparison lacks %s", ck[i]);
    CHECK(json_is_integer(json_object_get(doc, "family_size")));
    json_t *w = json_array_get(json_object_get(doc, "warnings"), 0);
    for (size_t i = 0; i < 5; i++)
        CHECK_MSG(json_object_get(w, wk[i]), "warning lacks %s", wk[i]);
    char *text = json_dumps(doc, 0);
    CHECK(text && !strstr(text, "nan") && !strstr(text, "inf"));
    free(text);
    json_decref(doc);
}

/* Group figures equal a naive recomputation from the runs themselves. */
static void test_numbers_vs_runs(void)
{
    char err[RG_ERRLEN];
    an_options opt;
    an_options_init(&opt);
    json_t *ds = rg_dataset_load(FIXTURE, err), *doc = an_analyze(&ds, 1, &opt, err), *run;
    double sum = 0, mn = 1e300, mx = -1e300, x[16];
    size_t n = 0, i;
    json_array_foreach(json_object_get(ds, "runs"), i, run) {
        if (strcmp(json_string_value(json_object_get(run, "target")), "fastify") ||
            json_integer_value(json_object_get(run, "concurrency")) != 100)
            continue;
        x[n] = num(run, "throughput_rps");
        sum += x[n];
        mn = fmin(mn, x[n]);
        mx = fmax(mx, x[n]);
        n++;
    }
    double mean = sum / (double)n, ss = 0;
    for (size_t k = 0; k < n; k++)
        ss += (x[k] - mean) * (x[k] - mean);
    json_t *g = find(json_object_get(doc, "groups"), "fastify", 100, NULL);
    json_t *m = json_object_get(json_object_get(g, "metrics"), "throughput_rps");
    CHECK_INT(json_integer_value(json_object_get(m, "n")), n);
    CHECK_REL(num(m, "mean"), mean, 1e-14);
    CHECK_REL(num(m, "stdev"), sqrt(ss / (double)(n - 1)), 1e-12);
    CHECK(num(m, "min") == mn && num(m, "max") == mx);
    /* t_{0.975,5} = 2.570581835636314 */
    CHECK_REL(num(m, "ci_high") - mean, 2.570581835636314 * sqrt(ss / (n - 1)) / sqrt(n), 1e-8);
    /* the comparison: ratio of geometric means and its log-t interval, recomputed naively
     * from the runs (long double sums of logarithms) */
    long double le[16], lf[16];
    size_t ne = 0, nf = 0;
    json_array_foreach(json_object_get(ds, "runs"), i, run) {
        if (json_integer_value(json_object_get(run, "concurrency")) != 100)
            continue;
        const char *t = json_string_value(json_object_get(run, "target"));
        if (!strcmp(t, "fastify"))
            lf[nf++] = logl(num(run, "throughput_rps"));
        else if (!strcmp(t, "express"))
            le[ne++] = logl(num(run, "throughput_rps"));
    }
    long double mf = 0, mxl = 0, vf = 0, ve = 0;
    for (size_t k = 0; k < nf; k++)
        mf += lf[k] / nf;
    for (size_t k = 0; k < ne; k++)
        mxl += le[k] / ne;
    for (size_t k = 0; k < nf; k++)
        vf += (lf[k] - mf) * (lf[k] - mf) / (nf - 1) / nf;
    for (size_t k = 0; k < ne; k++)
        ve += (le[k] - mxl) * (le[k] - mxl) / (ne - 1) / ne;
    double df = (double)((vf + ve) * (vf + ve) / (vf * vf / (nf - 1) + ve * ve / (ne - 1)));
    double h = gsl_cdf_tdist_Pinv(0.975, df) * (double)sqrtl(vf + ve);
    json_t *c = find(json_object_get(doc, "comparisons"), "fastify", 100, "throughput_rps");
    CHECK_REL(num(c, "ratio"), (double)expl(mf - mxl), 1e-13);
    CHECK_REL(num(c, "ratio_ci95_low"), exp((double)(mf - mxl) - h), 1e-9);
    CHECK_REL(num(c, "ratio_ci95_high"), exp((double)(mf - mxl) + h), 1e-9);
    CHECK_REL(num(c, "df_welch"), df, 1e-9);
    CHECK(num(c, "ratio_ci_low") < num(c, "ratio") && num(c, "ratio") < num(c, "ratio_ci_high"));
    /* the Holm interval is wider than the unadjusted one, at its stated level */
    CHECK(num(c, "ratio_ci_low") < num(c, "ratio_ci95_low"));
    CHECK(num(c, "ci_level") > 0.95 && num(c, "ci_level") < 1.0);
    h = gsl_cdf_tdist_Pinv(0.5 + num(c, "ci_level") / 2, df) * (double)sqrtl(vf + ve);
    CHECK_REL(num(c, "ratio_ci_low"), exp((double)(mf - mxl) - h), 1e-9);
    CHECK_STR(json_string_value(json_object_get(c, "ratio_ci_method")), "log-t");
    CHECK_STR(json_string_value(json_object_get(c, "scale")), "log");
    CHECK(json_is_true(json_object_get(c, "in_family")));
    json_decref(doc);
    json_decref(ds);
}

static void test_verdicts_and_sentences(void)
{
    char err[RG_ERRLEN];
    an_options opt;
    an_options_init(&opt);
    json_t *doc = analyze_file(FIXTURE, &opt, err), *cmp = json_object_get(doc, "comparisons");
    json_t *c = find(cmp, "fastify", 100, "throughput_rps");
    CHECK_STR(json_string_value(json_object_get(c, "verdict")), "faster");
    const char *s = json_string_value(json_object_get(c, "sentence"));
    CHECK_HAS(s, "fastify is 2.");
    CHECK_HAS(s, "× ± 0.");
    CHECK_HAS(s, " faster than express at 100 connections (");
    CHECK_HAS(s, "% CI, Holm, n = 6 + 6)");
    char lv[32], want[64];  /* the sentence names the level of the printed interval */
    snprintf(want, sizeof want, "(%s CI, Holm", an_fmt_level(lv, sizeof lv, num(c, "ci_level")));
    CHECK_HAS(s, want);
    CHECK_STR(json_string_value(json_object_get(find(cmp, "fastify", 10, "throughput_rps"),
                                                 "verdict")), "~");
    CHECK_STR(json_string_value(json_object_get(find(cmp, "fastify", 100, "latency_p99"),
                                                 "verdict")), "better");
    CHECK_STR(json_string_value(json_object_get(find(cmp, "fastify", 10, "error_rate"),
                                                 "verdict")), "worse");
    json_t *single = find(cmp, "nginx", 100, "throughput_rps");
    CHECK_STR(json_string_value(json_object_get(single, "verdict")), "~");
    CHECK(json_is_null(json_object_get(single, "ratio_ci_low")));
    CHECK(json_is_null(json_object_get(single, "p_welch")));
    CHECK_STR(json_string_value(json_object_get(single, "note")), "too few runs for a test");
    CHECK(json_is_false(json_object_get(single, "in_family")));
    /* Holm: adjusted >= raw in the family; outside it no adjusted p; levels >= confidence */
    size_t i, fam = 0;
    json_array_foreach(cmp, i, c) {
        if (json_is_true(json_object_get(c, "in_family"))) {
            fam++;
            CHECK(num(c, "p_adjusted") >= num(c, "p_welch"));
            CHECK(num(c, "ci_level") >= 0.95);
        } else {
            CHECK(json_is_null(json_object_get(c, "p_adjusted")));
            CHECK_NEAR(num(c, "ci_level"), 0.95, 0);
        }
    }
    CHECK_INT(json_integer_value(json_object_get(doc, "family_size")), fam);
    /* the error rate is compared by difference, and 3% of failed requests is 3% */
    c = find(cmp, "fastify", 10, "error_rate");
    CHECK_STR(json_string_value(json_object_get(c, "scale")), "difference");
    CHECK(json_is_null(json_object_get(c, "ratio_ci_low")));
    CHECK(num(c, "difference_ci_low") > 0.0305 && num(c, "difference_ci_high") < 0.0315);
    /* both exactly 0 errors: no variance, out of the family, said so */
    c = find(cmp, "fastify", 100, "error_rate");
    CHECK_STR(json_string_value(json_object_get(c, "note")), "no variance");
    CHECK_HAS(json_string_value(json_object_get(c, "sentence")), "both exactly 0%");
    json_decref(doc);
    /* the other way round */
    opt.baseline = "fastify";
    doc = analyze_file(FIXTURE, &opt, err);
    c = find(json_object_get(doc, "comparisons"), "express", 100, "throughput_rps");
    CHECK_STR(json_string_value(json_object_get(c, "verdict")), "slower");
    CHECK_HAS(json_string_value(json_object_get(c, "sentence")), "slower than fastify");
    json_decref(doc);
}

static int has_warning(json_t *doc, const char *target, long long conc, const char *kind)
{
    size_t i;
    json_t *w;
    json_array_foreach(json_object_get(doc, "warnings"), i, w)
        if (!strcmp(json_string_value(json_object_get(w, "kind")), kind) &&
            !strcmp(json_string_value(json_object_get(w, "target")), target) &&
            json_integer_value(json_object_get(w, "concurrency")) == conc)
            return 1;
    return 0;
}

static void test_warnings_and_incomplete(void)
{
    char err[RG_ERRLEN];
    an_options opt;
    an_options_init(&opt);
    json_t *doc = analyze_file(FIXTURE, &opt, err);
    CHECK(has_warning(doc, "express", 10, "drift"));
    CHECK(!has_warning(doc, "fastify", 10, "drift"));
    CHECK(has_warning(doc, "fastify", 10, "error_rate"));
    CHECK(has_warning(doc, "fastify", 10, "incomplete"));
    CHECK(has_warning(doc, "nginx", 100, "single_run"));
    CHECK(has_warning(doc, "express", 100, "runs_needed"));
    json_t *g = find(json_object_get(doc, "groups"), "fastify", 10, NULL);
    CHECK_INT(json_integer_value(json_object_get(g, "runs")), 6);
    CHECK_INT(json_integer_value(json_object_get(g, "runs_skipped")), 1);
    g = find(json_object_get(doc, "groups"), "express", 100, NULL);
    json_t *out = json_object_get(json_object_get(json_object_get(g, "metrics"),
                                                  "throughput_rps"), "outliers");
    CHECK(json_array_size(out) == 1 && json_integer_value(json_array_get(out, 0)) == 6);
    g = find(json_object_get(doc, "groups"), "nginx", 100, NULL);
    json_t *m = json_object_get(json_object_get(g, "metrics"), "throughput_rps");
    CHECK(json_is_null(json_object_get(m, "ci_low")) && json_is_null(json_object_get(m, "stdev")));
    CHECK_STR(json_string_value(json_object_get(m, "median_ci_note")), "n too small");
    json_decref(doc);
    opt.include_incomplete = true;
    doc = analyze_file(FIXTURE, &opt, err);
    g = find(json_object_get(doc, "groups"), "fastify", 10, NULL);
    CHECK_INT(json_integer_value(json_object_get(g, "runs")), 7);
    CHECK(!has_warning(doc, "fastify", 10, "incomplete"));
    json_decref(doc);
}

/* A dataset of runs built in memory: target, concurrency, throughput per run. */
static json_t *mk_dataset(const char *const *targets, const double *const *vals, size_t nt,
                          size_t nruns)
{
    json_t *ds = rg_dataset_new("t", 0, NULL);
    for (size_t t = 0; t < nt; t++)
        for (size_t i = 0; i < nruns; i++) {
            json_t *r = rg_run_new(targets[t], NULL, 50, 0, (int)i + 1, "load", 1, NULL);
            json_object_set_new(r, "throughput_rps", json_real(vals[t][i]));
            rg_dataset_append_run(ds, r);
        }
    return ds;
}

static void test_identical_and_zero(void)
{
    char err[RG_ERRLEN];
    an_options opt;
    an_options_init(&opt);
    const char *tg[] = {"a", "b"};
    const double same[] = {100, 100, 100, 100}, zero[] = {0, 0, 0, 0};
    const double *v1[] = {same, same}, *v2[] = {same, zero}, *v3[] = {zero, same};
    json_t *ds = mk_dataset(tg, v1, 2, 4), *doc = an_analyze(&ds, 1, &opt, err);
    json_t *c = json_array_get(json_object_get(doc, "comparisons"), 0);
    CHECK_STR(json_string_value(json_object_get(c, "verdict")), "~");
    CHECK_NEAR(num(c, "p_welch"), 1.0, 0);
    CHECK_NEAR(num(c, "ratio_ci_low"), 1.0, 0);
    CHECK_NEAR(num(c, "p_mannwhitney"), 1.0, 0);
    json_decref(doc);
    json_decref(ds);
    ds = mk_dataset(tg, v2, 2, 4);  /* b has zero throughput: ratio 0 exactly */
    doc = an_analyze(&ds, 1, &opt, err);
    c = json_array_get(json_object_get(doc, "comparisons"), 0);
    CHECK_NEAR(num(c, "ratio"), 0.0, 0);
    CHECK_STR(json_string_value(json_object_get(c, "verdict")), "slower");
    char *text = json_dumps(doc, 0);
    CHECK(text && !strstr(text, "nan"));
    free(text);
    json_decref(doc);
    json_decref(ds);
    ds = mk_dataset(tg, v3, 2, 4);  /* baseline zero: no ratio, but a difference and why */
    doc = an_analyze(&ds, 1, &opt, err);
    c = json_array_get(json_object_get(doc, "comparisons"), 0);
    CHECK(json_is_null(json_object_get(c, "ratio")));
    CHECK(json_is_null(json_object_get(c, "ratio_ci_low")));
    CHECK_STR(json_string_value(json_object_get(c, "verdict")), "faster");
    CHECK_STR(json_string_value(json_object_get(c, "scale")), "difference");
    CHECK_NEAR(num(c, "difference_ci_low"), 100.0, 0);  /* no variance: the exact difference */
    CHECK_STR(json_string_value(json_object_get(c, "note")),
              "a value of 0: compared by difference, not ratio");
    CHECK_STR(json_string_value(json_object_get(c, "ratio_ci_method")), "exact");
    json_decref(doc);
    json_decref(ds);
}

/* Drift: a trailing partial second (as rigor load writes) is not drift; a ramp is. */
static void test_drift_partial_second(void)
{
    char err[RG_ERRLEN];
    an_options opt;
    an_options_init(&opt);
    json_t *ds = rg_dataset_new("t", 0, NULL);
    const char *series[] = {"[1000, 1000, 1000, 1000, 0]", "[1000, 1010, 990, 1000, 400]",
                            "[1000, 1100, 1200, 1300]"};
    for (int i = 0; i < 3; i++) {
        json_t *r = rg_run_new(i < 2 ? "flat" : "ramp", NULL, 10, 0, 1 + i % 2, "load", 1, NULL);
        json_object_set_new(r, "duration_s", json_real(i < 2 ? 4.0 : 4.5));
        json_object_set_new(r, "throughput_rps", json_real(1000.0));
        json_t *ts = json_object();
        json_object_set_new(ts, "requests", json_loads(series[i], 0, NULL));
        json_object_set_new(r, "timeseries", ts);
        rg_dataset_append_run(ds, r);
    }
    json_t *doc = an_analyze(&ds, 1, &opt, err);
    CHECK(!has_warning(doc, "flat", 10, "drift"));
    CHECK(has_warning(doc, "ramp", 10, "drift"));  /* slope 100/s x 4 s / 1150 = 35% */
    json_decref(doc);
    json_decref(ds);
}

static void test_options_and_errors(void)
{
    char err[RG_ERRLEN];
    an_options opt;
    an_options_init(&opt);
    CHECK(opt.confidence == 0.95 && opt.noise == 0.01 && opt.seed == 1 && opt.bootstrap == 0);
    json_t *ds = rg_dataset_load(FIXTURE, err);
    opt.baseline = "nope";
    CHECK(an_analyze(&ds, 1, &opt, err) == NULL);
    CHECK_HAS(err, "baseline 'nope' names no target (targets: 'express', 'fastify', 'nginx')");
    an_options_init(&opt);
    opt.confidence = 1.0;
    CHECK(an_analyze(&ds, 1, &opt, err) == NULL);
    CHECK_HAS(err, "confidence");
    an_options_init(&opt);
    opt.bootstrap = 2000;
    opt.seed = 9;
    json_t *d1 = an_analyze(&ds, 1, &opt, err), *d2 = an_analyze(&ds, 1, &opt, err);
    char *s1 = json_dumps(d1, 0), *s2 = json_dumps(d2, 0);
    CHECK(s1 && s2 && strcmp(s1, s2) == 0);  /* seeded: reproducible */
    CHECK_HAS(s1, "\"ratio_ci_method\": \"bootstrap\"");
    free(s1);
    free(s2);
    json_decref(d1);
    json_decref(d2);
    json_t *empty = rg_dataset_new("empty", 0, NULL);
    an_options_init(&opt);
    CHECK(an_analyze(&empty, 1, &opt, err) == NULL);
    CHECK_HAS(err, "no runs");
    json_decref(empty);
    /* two datasets analysed together pool their runs */
    json_t *two[2] = {ds, ds};
    d1 = an_analyze(two, 2, &opt, err);
    json_t *g = find(json_object_get(d1, "groups"), "fastify", 100, NULL);
    CHECK_INT(json_integer_value(json_object_get(g, "runs")), 12);
    json_decref(d1);
    json_decref(ds);
}

int main(void)
{
    RUN(test_contract_keys);
    RUN(test_numbers_vs_runs);
    RUN(test_verdicts_and_sentences);
    RUN(test_warnings_and_incomplete);
    RUN(test_identical_and_zero);
    RUN(test_drift_partial_second);
    RUN(test_options_and_errors);
    return unit_done();
}
