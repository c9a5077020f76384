/*
 * analyze/analyze.h — the public face of the statistics: across-run analysis of datasets.
 *
 * `rigor analyze` and `rigor stats` are the commands (core/cli.h). an_analyze() is what
 * `rigor report` and `rigor run` (thresholds) use: it returns the same document that
 * `rigor analyze --json` prints, so the report shows exactly analyze's numbers.
 *
 * The document (stable keys; docs/methodology.md explains every number):
 * {"confidence": 0.95, "baseline": TARGET, "family_size": m,
 *  "groups": [{"target", "concurrency", "rate", "runs", "runs_skipped",
 *              "metrics": {NAME: {"n", "mean", "stdev", "ci_low", "ci_high", "median",
 *                                 "median_ci_low", "median_ci_high", "median_ci_level",
 *                                 "median_ci_note", "min", "max", "cv", "outliers": [run
 *                                 numbers], "runs_needed", "n_runs", "per_process"}}}],
 *  "comparisons": [{"target", "concurrency", "rate", "baseline", "metric", "scale", "n",
 *                   "n_baseline", "per_process", "mean", "mean_baseline", "ratio",
 *                   "difference", "ratio_ci_method", "p_welch", "df_welch",
 *                   "p_mannwhitney", "mannwhitney_u", "mannwhitney_exact", "in_family",
 *                   "ci_level", "ratio_ci_low", "ratio_ci_high", "ratio_ci95_low",
 *                   "ratio_ci95_high", "difference_ci_low", "difference_ci_high",
 *                   "difference_ci95_low", "difference_ci95_high", "p_adjusted", "note",
 *                   "verdict", "sentence"}],
 *  "warnings": [{"target", "concurrency", "rate", "kind", "message"}]}
 * Metric NAMEs: throughput_rps, latency_mean, latency_p50, latency_p90, latency_p99,
 * latency_p999 (microseconds), error_rate (failed / attempted requests, a fraction),
 * server_cpu_pct, server_rss_kb, and wire_latency_* when captured. Unknown values are null,
 * never invented. A metric no run has is absent from "metrics".
 *
 * Per metric: "n" counts observations — runs, or server processes when "per_process" (the
 * figure does not vary between the runs of one process; "n_runs" then counts the runs).
 * Per comparison: "scale" is "log" (positive metrics: "ratio" is the ratio of geometric
 * means, or of means with --ratio mean; the ratio_ci_* keys hold its intervals, the
 * difference_ci_* keys are null) or "difference" (error_rate, or a metric with a value of
 * 0: "difference" = mean - mean_baseline with the difference_ci_* intervals, ratio_ci_*
 * null, "ratio" the ratio of means when the baseline mean is not 0). "ratio_ci_low/high"
 * (or difference_ci_*) is the interval at "ci_level", the level Holm used for this
 * comparison; "ratio_ci95_*" the unadjusted interval at "confidence". "in_family" says
 * whether the comparison is one of the "family_size" that Holm corrected over; outside it
 * (no test, no variance) "ci_level" = confidence and "p_adjusted" is null, and "note" says
 * why ("too few runs for a test", "one observation per server process", "no variance",
 * "a value of 0: compared by difference, not ratio"...). "ratio_ci_method": "log-t",
 * "fieller", "bootstrap", "welch" (a difference), "exact" (no variance) or null.
 * Verdicts: "faster"/"slower" (throughput), "better"/"worse" (latency, error_rate),
 * "higher"/"lower" (server_cpu_pct, server_rss_kb), "~" (no proven difference); a verdict
 * is given exactly when the printed interval clears the noise band.
 * Warning kinds: single_run, runs_needed, drift, error_rate, incomplete, no_runs,
 * no_baseline, rate_shortfall (open loop: the target did not keep up with the asked rate),
 * per_process (one per target, concurrency and rate null: figures constant within each
 * server process).
 *
 * With --by-endpoint (an_options.by_endpoint), a run that records a request mix (an
 * `endpoints` array, docs/dataset-format.md) contributes one observation per endpoint
 * instead of its totals: groups, comparisons and warnings then carry an "endpoint" key
 * ("POST /json"), each endpoint of a target is compared with the same endpoint of the
 * baseline, and Holm's family is the per-endpoint comparisons. Runs without endpoints keep
 * their totals (no "endpoint" key).
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
/* A confidence level as a percentage that never overstates it: the miss rate 1 - level is
 * rounded up to two significant digits ("95%", "97.5%", 0.998148 -> "99.81%"). */
char *an_fmt_level(char *buf, size_t len, double level);

typedef struct an_options {
    double confidence;        /* default 0.95 */
    const char *baseline;     /* target name; NULL = the first target seen */
    double noise;             /* noise band as a fraction; default 0.01 */
    int bootstrap;            /* bootstrap every ratio CI with this many resamples; 0 = never */
    uint64_t seed;            /* bootstrap seed; default 1 */
    bool include_incomplete;  /* default false */
    double target_ci;         /* wanted CI half-width as a fraction of the mean; default 0.02 */
    bool ratio_means;         /* ratio of arithmetic means (Fieller) instead of geometric */
    bool by_endpoint;         /* cells per endpoint of a request mix (see above) */
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
