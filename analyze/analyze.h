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
 * (Contract agreed between analyze/, report/ and the plan runner; keys may be added.)
 */
#ifndef RIGOR_ANALYZE_ANALYZE_H
#define RIGOR_ANALYZE_ANALYZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

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

#endif
