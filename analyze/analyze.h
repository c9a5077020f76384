/*
 * analyze/analyze.h — the public face of the statistics: across-run analysis of datasets.
 *
 * `rigor analyze` and `rigor stats` are the commands (core/cli.h). an_analyze() is what
 * `rigor report` and `rigor run` (thresholds) use: it returns the same document that
 * `rigor analyze --json` prints, so the report shows exactly analyze's numbers.
 *
 * The document (stable keys; docs/methodology.md explains every number):
 * {"confidence": 0.95,
 *  "groups": [{"target", "concurrency", "rate", "runs", "runs_skipped",
 *              "metrics": {NAME: {"n", "mean", "stdev", "ci_low", "ci_high", "median",
 *                                 "median_ci_low", "median_ci_high", "min", "max", "cv",
 *                                 "outliers": [run numbers]}}}],
 *  "comparisons": [{"target", "baseline", "concurrency", "rate", "metric", "ratio",
 *                   "ratio_ci_low", "ratio_ci_high", "p_welch", "p_mannwhitney", "p_adjusted",
 *                   "verdict", "sentence"}],
 *  "warnings": [{"target", "concurrency", "rate", "kind", "message"}]}
 * Metric NAMEs: throughput_rps, latency_mean, latency_p50, latency_p90, latency_p99,
 * latency_p999 (microseconds), error_rate (fraction), server_cpu_pct, server_rss_kb, and
 * wire_latency_* when captured. Unknown values are null, never invented.
 *
 * Added keys (analyze/): top level "baseline"; per metric "median_ci_level" (achieved
 * coverage), "median_ci_note" ("n too small", only when the median CI is null),
 * "runs_needed" (for --target-ci; null when cv is); per comparison "n", "n_baseline",
 * "mean", "mean_baseline", "ratio_ci_method" ("fieller" | "bootstrap" | null), "df_welch",
 * "mannwhitney_u", "mannwhitney_exact". Metrics no run has are absent from "metrics".
 * Verdicts: "faster"/"slower" (throughput), "better"/"worse" (latency, error_rate),
 * "higher"/"lower" (server_cpu_pct, server_rss_kb), "~" (no proven difference).
 * Warning kinds: single_run, runs_needed, drift, error_rate, incomplete, no_runs,
 * no_baseline.
 *
 * Keys may be added to the document, never renamed: report/ and plan/ read it by name.
 */
#ifndef RIGOR_ANALYZE_ANALYZE_H
#define RIGOR_ANALYZE_ANALYZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

/*
 * The metrics: one definition for analyze, report and plan (thresholds). NAME is the key in
 * groups[].metrics and comparisons[].metric; `path` the dotted key in a run (NULL: computed,
 * the error rate); `dir` which way is good; `unit` how a value is written for people;
 * `label` the words used in sentences.
 */
#define AN_THROUGHPUT     "throughput_rps"
#define AN_LATENCY_MEAN   "latency_mean"
#define AN_LATENCY_P50    "latency_p50"
#define AN_LATENCY_P90    "latency_p90"
#define AN_LATENCY_P99    "latency_p99"
#define AN_LATENCY_P999   "latency_p999"
#define AN_ERROR_RATE     "error_rate"
#define AN_SERVER_CPU     "server_cpu_pct"
#define AN_SERVER_RSS     "server_rss_kb"
#define AN_WIRE_MEAN      "wire_latency_mean"
#define AN_WIRE_P50       "wire_latency_p50"
#define AN_WIRE_P90       "wire_latency_p90"
#define AN_WIRE_P99       "wire_latency_p99"
#define AN_WIRE_P999      "wire_latency_p999"

/* Which way is good: throughput up, latency and errors down, resources neither. */
enum { AN_HIGHER_BETTER = 1, AN_LOWER_BETTER = -1, AN_NEUTRAL = 0 };

/* Units of metric values: requests/s, microseconds, a fraction (shown in %), a percentage of
 * one core, KiB. */
enum an_unit { AN_UNIT_RPS = 0, AN_UNIT_US, AN_UNIT_FRACTION, AN_UNIT_PCT, AN_UNIT_KB };

typedef struct an_metric_def {
    const char *name;   /* AN_THROUGHPUT ... */
    const char *path;   /* dotted path in a run; NULL = computed (error_rate) */
    int dir;            /* AN_HIGHER_BETTER ... */
    enum an_unit unit;
    const char *label;  /* for sentences: "p99 latency" */
} an_metric_def;

extern const an_metric_def an_metrics[];
extern const size_t an_nmetrics;

/* The definition of a metric by NAME, or NULL. */
const an_metric_def *an_metric_find(const char *name);

/*
 * Metric values for people (analyze/format.c), "–" when NaN. an_fmt_value: four significant
 * digits in the unit that suits the magnitude ("1.234 ms", "58.9 MiB", "3.01%");
 * an_fmt_ci: "mean ± half-width" of the interval [lo, hi], the half-width to two significant
 * digits; an_fmt_x: a concurrency or rate (integers as such). Each returns buf.
 */
char *an_fmt_value(char *buf, size_t len, double v, enum an_unit unit);
char *an_fmt_ci(char *buf, size_t len, double mean, double lo, double hi, enum an_unit unit);
char *an_fmt_x(char *buf, size_t len, double x);

typedef struct an_options {
    double confidence;        /* default 0.95 */
    const char *baseline;     /* target name; NULL = the first target seen */
    double noise;             /* noise band as a fraction; default 0.01 */
    int bootstrap;            /* resamples; 0 = only when Fieller is unbounded */
    uint64_t seed;            /* bootstrap seed; default 1 */
    bool include_incomplete;  /* default false */
    double target_ci;         /* wanted CI half-width as a fraction of the mean; default 0.02 */
} an_options;

void an_options_init(an_options *opt);

/*
 * Analyze the runs of n validated datasets together. Returns the document above (new
 * reference) or NULL with err (RG_ERRLEN), e.g. when the baseline names no target.
 */
json_t *an_analyze(json_t *const *datasets, size_t n, const an_options *opt, char *err);

/*
 * Thresholds (analyze/threshold.c): "METRIC OP LIMIT" such as "p99 < 200ms" or "errors < 1%",
 * checked against a metric's across-run mean per cell. `rigor run` gates on them (exit 3) and
 * `rigor report` shows them from the plan recorded in a dataset; docs/plan-format.md lists the
 * metric aliases and units.
 */
enum an_op { AN_OP_LT, AN_OP_LE, AN_OP_GT, AN_OP_GE };

typedef struct an_threshold {
    char *text;          /* as written, e.g. "p99 < 200ms" */
    char *metric;        /* analyze metric name, e.g. "latency_p99" */
    enum an_op op;
    double limit;        /* in the metric's unit (us, fraction, req/s, %, KiB) */
} an_threshold;

/* Parse one expression. 0 with *out filled (caller frees with an_threshold_clear), or -1
 * with err (RG_ERRLEN) such as "unknown metric 'p98' in 'p98 < 1ms' (known: ...)". */
int an_threshold_parse(const char *text, an_threshold *out, char *err);
void an_threshold_clear(an_threshold *t);
/* True when value satisfies the threshold (a NaN value never does). */
bool an_threshold_ok(const an_threshold *t, double value);
/* A value of the threshold's metric written for people ("200us", "1.00%", "5.00k req/s"). */
char *an_threshold_fmt_value(const an_threshold *t, double value, char *buf, size_t len);
/* The operator as text ("<", "<=", ">", ">="). */
const char *an_op_str(enum an_op op);

typedef struct an_threshold_result {
    size_t cells;            /* groups the threshold applies to */
    size_t violations;       /* of those, the ones whose mean fails it (or has none) */
    const json_t *worst;     /* the group furthest on the wrong side (borrowed); NULL if none */
    double worst_value;      /* its mean; NAN when it has none (no data is the worst) */
} an_threshold_result;

/*
 * Check t on the groups of analyze's document (target NULL = every target), filling *res.
 * Returns the number of failures: violating cells, or 1 when no cell applies (a gate must
 * not pass for lack of data).
 */
size_t an_threshold_check(const an_threshold *t, const char *target, const json_t *analysis,
                          an_threshold_result *res);

#endif
