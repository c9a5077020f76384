/*
 * tests/unit/report/test_report_md.c — report.md's v2 pieces on hand-made analysis documents:
 * how a comparison is read (classes, the interval the verdict used, the difference scale),
 * the headline (largest effect first, the cap, thresholds, what was not proven), warnings
 * merged per kind without losing a figure, tables that keep to 9 columns, and a figure with
 * no spread printed once and flagged.
 */
#include <stdlib.h>
#include <string.h>
#include "core/err.h"
#include "report/report_int.h"
#include "tests/unit/unit.h"

#define CAPTURE(buf, call) \
    do { size_t len_; FILE *f = open_memstream(&(buf), &len_); call; fclose(f); } while (0)

static json_t *parse(const char *text)
{
    json_error_t je;
    json_t *j = json_loads(text, 0, &je);
    CHECK_MSG(j != NULL, "fixture JSON: %s at %d:%d", je.text, je.line, je.column);
    return j;
}

/* A model over analysis an (and dataset ds, which may have no runs). */
static int model(rp_model *m, json_t **ds, json_t *an, rp_options *opt)
{
    char err[RG_ERRLEN];
    rp_options_init(opt);
    int rc = rp_model_build(m, ds, 1, an, opt, err);
    CHECK_MSG(rc == 0, "%s", err);
    return rc;
}

static json_t *empty_dataset(void)
{
    return parse("{\"format\": \"rigor-dataset\", \"version\": 1, \"meta\": {}, \"runs\": []}");
}

/* A comparison with the v2 keys; verdict, ratio and interval given. */
static json_t *cmp(const char *t, const char *metric, int conc, double r, double lo, double hi,
                   const char *verdict)
{
    char s[128];
    snprintf(s, sizeof s, "%s vs a: %s", t, verdict);
    return json_pack("{s:s, s:s, s:i, s:n, s:s, s:s, s:f, s:f, s:f, s:f, s:f, s:f, s:s, s:s}",
                     "target", t, "baseline", "a", "concurrency", conc, "rate", "metric", metric,
                     "scale", "log", "ratio", r, "ratio_ci_low", lo, "ratio_ci_high", hi,
                     "ci_level", 0.99, "p_welch", 0.001, "p_adjusted", 0.01, "verdict", verdict,
                     "sentence", s);
}

static void test_cmp_read(void)
{
    json_t *an = parse("{\"confidence\": 0.9, \"groups\": [], \"comparisons\": ["
        "{\"target\": \"b\", \"metric\": \"throughput_rps\", \"concurrency\": 10, \"ratio\": 2,"
        " \"ratio_ci_low\": 1.5, \"ratio_ci_high\": 2.5, \"p_welch\": 0.001, \"p_adjusted\": 0.01,"
        " \"verdict\": \"faster\"},"
        "{\"target\": \"b\", \"metric\": \"error_rate\", \"concurrency\": 10, \"scale\": \"difference\","
        " \"ratio\": null, \"difference\": 0.02, \"difference_ci_low\": 0.01,"
        " \"difference_ci_high\": 0.03, \"ci_level\": 0.995, \"p_welch\": 0.001, \"verdict\": \"worse\"},"
        "{\"target\": \"b\", \"metric\": \"server_rss_kb\", \"concurrency\": 10, \"ratio\": 1.2,"
        " \"note\": \"one observation per server process\", \"verdict\": \"~\"},"
        "{\"target\": \"b\", \"metric\": \"latency_p99\", \"concurrency\": 10, \"ratio\": 1.1,"
        " \"verdict\": \"~\"},"
        "{\"target\": \"b\", \"metric\": \"latency_p50\", \"concurrency\": 10, \"ratio\": 1.1,"
        " \"ratio_ci_low\": 0.9, \"ratio_ci_high\": 1.3, \"p_welch\": 0.3, \"verdict\": \"x\\\"; system(1)\"},"
        "{\"target\": \"b\", \"metric\": \"error_rate\", \"concurrency\": 10, \"scale\": \"difference\","
        " \"difference\": -1, \"difference_ci_low\": -1, \"difference_ci_high\": -1, \"p_welch\": 0,"
        " \"note\": \"no variance\", \"verdict\": \"better\"}]}");
    json_t *ds = empty_dataset();
    rp_options opt;
    rp_model m;
    if (model(&m, &ds, an, &opt) == 0) {
        const json_t *cs = json_object_get(an, "comparisons");
        rp_cmp c;
        rp_cmp_read(&m, json_array_get(cs, 0), &c);
        CHECK_INT(c.cls, RP_BETTER);
        CHECK_NEAR(c.level, 0.9, 0);            /* no ci_level: the document's confidence */
        CHECK_NEAR(c.x, 10, 0);
        CHECK(!c.diff);
        rp_cmp_read(&m, json_array_get(cs, 1), &c);
        CHECK(c.diff);
        CHECK_NEAR(c.value, 0.02, 0);
        CHECK_NEAR(c.lo, 0.01, 0);
        CHECK_NEAR(c.level, 0.995, 0);
        CHECK_INT(c.cls, RP_WORSE);
        rp_cmp_read(&m, json_array_get(cs, 2), &c);
        CHECK_INT(c.cls, RP_UNTESTED);          /* a note: no verdict possible */
        CHECK_STR(rp_verdict_word(&c), "untested");
        rp_cmp_read(&m, json_array_get(cs, 3), &c);
        CHECK_INT(c.cls, RP_UNTESTED);          /* no p-value, no interval: single runs */
        rp_cmp_read(&m, json_array_get(cs, 4), &c);
        CHECK_INT(c.cls, RP_SAME);              /* an unknown word is no proven difference */
        CHECK_STR(rp_verdict_word(&c), "~");    /* ...and never reaches a chart as is */
        rp_cmp_read(&m, json_array_get(cs, 5), &c);
        CHECK_INT(c.cls, RP_BETTER);            /* a verdict with a note is still a verdict */
        CHECK(rp_metric_primary(AN_LATENCY_P50) && !rp_metric_primary(AN_LATENCY_P90));
        rp_model_free(&m);
    }
    char b[64];
    CHECK_STR(rp_fmt_ratio(b, sizeof b, 0.14752), "0.148");
    CHECK_STR(rp_fmt_ratio(b, sizeof b, 44.187), "44.2");
    CHECK_STR(rp_fmt_ratio(b, sizeof b, 1e300), "1e+300");
    CHECK_STR(rp_fmt_ratio(b, sizeof b, 0.000123), "0.000123");
    CHECK_STR(rp_where(b, sizeof b, 50, NAN), " at 50 connections");
    CHECK_STR(rp_where(b, sizeof b, NAN, 2500), " at 2500 req/s");
    CHECK_STR(rp_where(b, sizeof b, NAN, NAN), "");
    json_decref(an);
    json_decref(ds);
}

/* 14 proven differences: the headline lists 12, largest |ln ratio| first, then counts the rest. */
static void test_headline_order(void)
{
    json_t *cs = json_array();
    double ratios[14] = {1.5, 0.1, 3, 1.2, 0.5, 8, 1.3, 2, 0.9, 1.4, 6, 0.2, 1.25, 1.35};
    for (int i = 0; i < 14; i++)
        json_array_append_new(cs, cmp("b", i % 2 ? AN_LATENCY_P50 : AN_THROUGHPUT, 10 + i,
                                      ratios[i], ratios[i] * 0.95, ratios[i] * 1.05,
                                      ratios[i] > 1 ? "faster" : "slower"));
    json_array_append_new(cs, cmp("c", AN_LATENCY_P99, 10, 1.0, 0.9, 1.1, "~"));
    json_array_append_new(cs, cmp("c", AN_LATENCY_P90, 10, 5.0, 4, 6, "worse"));  /* not primary */
    json_t *an = json_pack("{s:f, s:s, s:[], s:o}", "confidence", 0.95, "baseline", "a", "groups",
                           "comparisons", cs);
    json_t *ds = empty_dataset();
    rp_options opt;
    rp_model m;
    char *md = NULL;
    if (model(&m, &ds, an, &opt) == 0) {
        CAPTURE(md, rp_md_headline(f, &m));
        CHECK_HAS(md, "**Proven differences** from a in throughput, p50 and p99 latency, largest first "
                      "(14 of 15 comparisons):\n\n- b vs a: slower\n- b vs a: faster\n");
        const char *first = strstr(md, "- b vs a"), *tenth = first;
        for (int i = 0; tenth && i < 11; i++)
            tenth = strstr(tenth + 1, "- b vs a");
        CHECK(tenth != NULL && strstr(tenth + 1, "- b vs a") == NULL);   /* 12 sentences */
        CHECK_HAS(md, "- … and 2 smaller proven differences (Comparisons, below)\n");
        CHECK(strstr(md, "p90") == NULL);
        CHECK_HAS(md, "**Not proven** (\\~: the interval, at the level the verdict used, does not "
                      "clear the ±1% noise band): c in its 1.");
        free(md);
        rp_model_free(&m);
    }
    json_decref(an);
    json_decref(ds);
}

/* Thresholds come from meta.plan.definition: global and per target, ✓/✗ with the worst cell. */
static void test_headline_thresholds(void)
{
    json_t *an = parse("{\"confidence\": 0.95, \"comparisons\": [], \"groups\": ["
        "{\"target\": \"a\", \"concurrency\": 10, \"rate\": null, \"metrics\": {"
        "  \"latency_p99\": {\"n\": 3, \"mean\": 800}, \"error_rate\": {\"n\": 3, \"mean\": 0}}},"
        "{\"target\": \"b\", \"concurrency\": 10, \"rate\": null, \"metrics\": {"
        "  \"latency_p99\": {\"n\": 3, \"mean\": 1500}, \"error_rate\": {\"n\": 3, \"mean\": 0.002}}}]}");
    json_t *ds = parse("{\"format\": \"rigor-dataset\", \"version\": 1, \"runs\": [], \"meta\": {"
        "\"plan\": {\"definition\": {\"thresholds\": [\"errors < 1%\", \"p99 < 1ms\"],"
        " \"targets\": [{\"name\": \"a\", \"thresholds\": [\"p99 < 900us\"]}, {\"name\": \"b\"}]}}}}");
    rp_options opt;
    rp_model m;
    char *md = NULL;
    if (model(&m, &ds, an, &opt) == 0) {
        CAPTURE(md, rp_md_headline(f, &m));
        CHECK_HAS(md, "**Thresholds** of the plan, on each cell's mean over its runs:\n\n"
                      "- ✓ errors &lt; 1% — worst: b at 10 connections, 0.200%\n"
                      "- ✗ p99 &lt; 1ms — 1 of 2 cells fails; worst: b at 10 connections, 1.50ms\n"
                      "- ✓ p99 &lt; 900us (a only) — worst: a at 10 connections, 800us\n");
        free(md);
        rp_model_free(&m);
    }
    json_decref(an);
    json_decref(ds);
}

static void test_warnings_merged(void)
{
    json_t *an = parse("{\"groups\": [], \"warnings\": ["
        "{\"target\": \"a\", \"concurrency\": 10, \"kind\": \"runs_needed\", \"message\": \"cv 13.2%: 169 runs needed, have 5\"},"
        "{\"target\": \"a\", \"concurrency\": 10, \"kind\": \"drift\", \"message\": \"run 2 drifts by 18%\"},"
        "{\"target\": \"b\", \"concurrency\": 50, \"kind\": \"runs_needed\", \"message\": \"cv 5.8%: 35 runs needed, have 5\"},"
        "{\"target\": \"a\", \"rate\": 100, \"kind\": \"single_run\", \"message\": \"only 1 run\"},"
        "{\"target\": \"b\", \"rate\": 100, \"kind\": \"single_run\", \"message\": \"only 1 run\"},"
        "{\"target\": \"c\", \"concurrency\": 1, \"kind\": \"odd\", \"message\": \"one two three\"},"
        "{\"target\": \"d\", \"concurrency\": 1, \"kind\": \"odd\", \"message\": \"one two and three\"},"
        "{\"target\": \"x\", \"kind\": \"pp\", \"message\": \"rss is flat (at 4, 16)\"},"
        "{\"target\": \"y\", \"kind\": \"pp\", \"message\": \"rss is flat (at 4)\"},"
        "{\"target\": \"z\", \"kind\": \"pp\", \"message\": \"rss is flat (at 4, 16)\"}]}");
    json_t *ds = empty_dataset();
    rp_options opt;
    rp_model m;
    char *md = NULL;
    if (model(&m, &ds, an, &opt) == 0) {
        CAPTURE(md, rp_md_warnings(f, &m));
        CHECK_STR(md, "## Warnings\n\n"
                      "- **runs\\_needed**, 2 cells: “cv … runs needed, have 5”: a at 10 (13.2%: 169);"
                      " b at 50 (5.8%: 35)\n"
                      "- **a** at concurrency 10: run 2 drifts by 18% (drift)\n"
                      "- **single\\_run**, 2 cells: only 1 run — a at 100 req/s, b at 100 req/s\n"
                      "- **odd**, 2 cells: c at 1: one two three; d at 1: one two and three\n"
                      "- **pp**, 3 cells: “rss is flat (at 4, 16)”: x, z; y: rss is flat (at 4)\n\n");
        free(md);
        rp_model_free(&m);
    }
    json_decref(an);
    json_decref(ds);
}

/* A count of the table columns in md: the most '|' - 1 on a line starting with '|'. */
static int widest(const char *md)
{
    int best = 0;
    for (const char *l = md; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        if (*l != '|')
            continue;
        int n = -1;
        for (const char *p = l; *p && *p != '\n'; p++)
            n += *p == '|' && (p == l || p[-1] != '\\');
        best = n > best ? n : best;
    }
    return best;
}

/* Twelve published columns and nine error kinds still give tables of 9 columns at most. */
static void test_tables_fit(void)
{
    json_t *run = parse("{\"target\": \"a\", \"concurrency\": 10, \"rate\": null, \"run\": 1,"
        " \"requests\": 100, \"errors\": {\"connect\": 1, \"read\": 1, \"write\": 1, \"timeout\": 1,"
        " \"protocol\": 1, \"status\": 1, \"x1\": 1, \"x2\": 2, \"x3\": 3}, \"published\": {"
        " \"c1\": 1, \"c2\": 2, \"c3\": 3, \"c4\": 4, \"c5\": 5, \"c6\": 6, \"c7\": 7, \"c8\": 8,"
        " \"c9\": 9, \"c10\": 10, \"c11\": 11, \"c12\": 12}}");
    json_t *ds = json_pack("{s:s, s:i, s:{}, s:[o]}", "format", "rigor-dataset", "version", 1,
                           "meta", "runs", run);
    json_t *an = parse("{\"groups\": [{\"target\": \"a\", \"concurrency\": 10, \"rate\": null,"
        " \"runs\": 5, \"metrics\": {\"server_rss_kb\": {\"n\": 5, \"mean\": 3836, \"stdev\": 0,"
        " \"ci_low\": 3836, \"ci_high\": 3836, \"max\": 3836}, \"throughput_rps\": {\"n\": 5,"
        " \"mean\": 120000, \"ci_low\": 100000, \"ci_high\": 140000, \"min\": 99390, \"max\": 150000}}}]}");
    rp_options opt;
    rp_model m;
    if (model(&m, &ds, an, &opt) == 0) {
        char *md = rp_markdown(&m, NULL, 0);
        CHECK(md != NULL && widest(md) <= RP_MD_MAX_COLS);
        CHECK_HAS(md, "| Other kinds |");
        CHECK_HAS(md, "| x1: 1 · x2: 2 · x3: 3 |");
        CHECK_HAS(md, "| c1 | c10 | c11 | c12 |");          /* the second part repeats column 1 */
        CHECK_HAS(md, "| a | 10 | 3.746 † |");              /* no "± 0": once, flagged */
        CHECK_HAS(md, "† marks a figure that was the same in every run");
        CHECK_HAS(md, "Throughput (k req/s) | Slowest run (k req/s) |");
        CHECK_HAS(md, "| 120 ± 20 | 99.39 |");               /* k req/s, two significant digits */
        free(md);
        rp_model_free(&m);
    }
    json_decref(an);
    json_decref(ds);
}

int main(void)
{
    RUN(test_cmp_read);
    RUN(test_headline_order);
    RUN(test_headline_thresholds);
    RUN(test_warnings_merged);
    RUN(test_tables_fit);
    return unit_done();
}
