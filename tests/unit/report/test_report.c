/*
 * tests/unit/report/test_report.c — the report writer's pieces: number formats,
 * gnuplot string quoting (against a naive decoder), the focus-cell choice and rp_write.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/err.h"
#include "core/units.h"
#include "report/report_int.h"
#include "tests/unit/unit.h"

/* The text a FILE-writing function produced, through a memory stream. Caller frees. */
#define CAPTURE(buf, call) \
    do { size_t len_; FILE *f = open_memstream(&(buf), &len_); call; fclose(f); } while (0)

static void test_fmt(void)
{
    char b[96];
    CHECK_STR(an_fmt_ci(b, sizeof b, 10987.3, 10654.1, 11320.5, AN_UNIT_RPS), "10987 ± 333");
    CHECK_STR(an_fmt_ci(b, sizeof b, 347.2, 333.0, 361.0, AN_UNIT_US), "347 ± 14 µs");
    CHECK_STR(an_fmt_ci(b, sizeof b, 1124.0, 1086.0, 1162.0, AN_UNIT_US), "1.124 ± 0.038 ms");
    CHECK_STR(an_fmt_ci(b, sizeof b, 2.5e6, 2.4e6, 2.6e6, AN_UNIT_US), "2.50 ± 0.10 s");
    CHECK_STR(an_fmt_ci(b, sizeof b, 0.012, 0.010, 0.014, AN_UNIT_FRACTION), "1.20 ± 0.20%");
    CHECK_STR(an_fmt_ci(b, sizeof b, 20480, 20470, 20490, AN_UNIT_KB), "20.0000 ± 0.0098 MiB");
    CHECK_STR(an_fmt_ci(b, sizeof b, 432, NAN, NAN, AN_UNIT_RPS), "432");
    CHECK_STR(an_fmt_ci(b, sizeof b, NAN, 1, 2, AN_UNIT_RPS), "–");
    CHECK_STR(an_fmt_value(b, sizeof b, 388.58, AN_UNIT_RPS), "388.6");
    CHECK_STR(an_fmt_value(b, sizeof b, 104000, AN_UNIT_RPS), "104000");
    CHECK_STR(an_fmt_value(b, sizeof b, 0, AN_UNIT_FRACTION), "0%");
    CHECK_STR(an_fmt_value(b, sizeof b, 22450, AN_UNIT_US), "22.45 ms");
    CHECK_STR(rg_fmt_p(b, sizeof b, 0.0004), "< 0.001");
    CHECK_STR(rg_fmt_p(b, sizeof b, 0.0123), "0.012");
    CHECK_STR(rg_fmt_p(b, sizeof b, NAN), "–");
    CHECK_STR(an_fmt_x(b, sizeof b, 100), "100");
    CHECK_STR(an_fmt_x(b, sizeof b, 2500.5), "2500.5");
}

/* A naive decoder of gnuplot's octal escapes; NULL if the text is not one quoted string. */
static char *gp_decode(const char *q)
{
    size_t n = strlen(q);
    if (n < 2 || q[0] != '"' || q[n - 1] != '"')
        return NULL;
    char *out = calloc(n, 1), *o = out;
    for (size_t i = 1; i + 1 < n; i++) {
        if (q[i] == '"' || q[i] == '`' || q[i] == '@' || q[i] == '$' || q[i] == '\'') {
            free(out);
            return NULL;    /* must never appear raw */
        }
        if (q[i] == '\\') {
            if (i + 4 > n - 1) {
                free(out);
                return NULL;
            }
            *o++ = (char)((q[i + 1] - '0') * 64 + (q[i + 2] - '0') * 8 + (q[i + 3] - '0'));
            i += 3;
        } else {
            *o++ = q[i];
        }
    }
    return out;
}

static void test_gp_quote(void)
{
    char *q = NULL;
    const char *hostile[] = {"x\"; system(\"touch /tmp/p\"); print \"",
                             "`id` @m $x \\ caf\xc3\xa9 50% 'q' #c"};
    char *d;
    for (int i = 0; i < 2; i++) {
        CAPTURE(q, rp_gp_quote(f, hostile[i]));
        d = gp_decode(q);
        CHECK_STR(d, hostile[i]);
        free(d);
        free(q);
    }
    CAPTURE(q, rp_gp_quote_tic(f, "99% of a"));
    CHECK_STR(q, "\"99\\045\\045 of a\"");
    free(q);
    CAPTURE(q, rp_gp_quote(f, "a\nb"));
    CHECK_STR(q, "\"a b\"");
    free(q);
    srand(11);
    for (int n = 0; n < 2000; n++) {
        char in[41];
        size_t len = (size_t)(rand() % 40);
        for (size_t i = 0; i < len; i++)
            in[i] = (char)(0x20 + rand() % 0xdf);   /* printable and high bytes */
        for (size_t i = 0; i < len; i++)
            in[i] = in[i] == 0x7f ? 'x' : in[i];   /* DEL becomes a space, like controls */
        in[len] = '\0';
        CAPTURE(q, rp_gp_quote(f, in));
        d = gp_decode(q);
        CHECK_MSG(d != NULL && strcmp(d, in) == 0, "quote/decode round trip failed: %s", q);
        int ok = d != NULL && strcmp(d, in) == 0;
        free(d);
        free(q);
        if (!ok)
            break;
    }
    /* long labels are cut with an ellipsis, at a character boundary */
    char longl[200];
    memset(longl, 'a', 47);
    strcpy(longl + 47, "\xc3\xa9\xc3\xa9 and more text here");
    CAPTURE(q, rp_gp_quote(f, longl));
    d = gp_decode(q);
    CHECK(d != NULL && strlen(d) == 47 + 3);
    CHECK(d != NULL && strcmp(d + 47, "\xe2\x80\xa6") == 0);
    free(d);
    free(q);
}

static json_t *group(const char *t, int c, double rps)
{
    return json_pack("{s:s, s:i, s:n, s:i, s:i, s:{s:{s:i, s:f, s:f, s:f}}}", "target", t,
                     "concurrency", c, "rate", "runs", 2, "runs_skipped", 0, "metrics",
                     "throughput_rps", "n", 2, "mean", rps, "ci_low", rps - 10, "ci_high", rps + 10);
}

static json_t *analysis_abc(void)
{
    json_t *g = json_array();
    json_array_append_new(g, group("a", 10, 100));
    json_array_append_new(g, group("b", 10, 200));
    json_array_append_new(g, group("a", 50, 150));
    json_array_append_new(g, group("b", 50, 250));
    json_array_append_new(g, group("a", 100, 170));
    return json_pack("{s:f, s:o, s:[], s:[]}", "confidence", 0.95, "groups", g, "comparisons",
                     "warnings");
}

static json_t *dataset_abc(void)
{
    json_t *runs = json_array();
    const char *t[] = {"a", "b", "a", "b", "a"};
    int c[] = {10, 10, 50, 50, 100};
    for (int i = 0; i < 5; i++)
        for (int r = 1; r <= 2; r++)
            json_array_append_new(runs, json_pack("{s:s, s:i, s:i, s:s, s:f, s:i}", "target", t[i],
                                                  "concurrency", c[i], "run", r, "source", "load",
                                                  "throughput_rps", 100.0 * r, "requests", 1000));
    return json_pack("{s:s, s:i, s:{s:s, s:s}, s:o}", "format", "rigor-dataset", "version", 1,
                     "meta", "title", "abc", "created", "2026-01-01T00:00:00Z", "runs", runs);
}

static void test_model_focus(void)
{
    json_t *an = analysis_abc(), *ds = dataset_abc();
    rp_options opt;
    rp_model m;
    char err[RG_ERRLEN];
    rp_options_init(&opt);
    CHECK_INT(rp_model_build(&m, &ds, 1, an, &opt, err), 0);
    CHECK_INT(m.ntargets, 2);
    CHECK_NEAR(m.focus, 50, 0);          /* the largest concurrency both targets have */
    CHECK_INT(m.cells[4].nruns, 2);      /* a @ 100 */
    CHECK_INT(m.axis, RP_AXIS_CONC);
    rp_model_free(&m);
    opt.focus = 100;
    CHECK_INT(rp_model_build(&m, &ds, 1, an, &opt, err), 0);
    CHECK_NEAR(m.focus, 100, 0);
    rp_model_free(&m);
    opt.focus = 7;
    CHECK_INT(rp_model_build(&m, &ds, 1, an, &opt, err), -1);
    CHECK_HAS(err, "no cell has concurrency 7");
    json_decref(an);
    json_decref(ds);
}

static void test_write(void)
{
    json_t *an = analysis_abc(), *ds = dataset_abc();
    char dir[] = "/tmp/rigor-test-report.XXXXXX", err[RG_ERRLEN], path[64];
    CHECK(mkdtemp(dir) != NULL);
    rp_options opt;
    rp_options_init(&opt);
    snprintf(path, sizeof path, "%s/sub/dir", dir);
    opt.dir = path;
    opt.no_charts = 1;
    CHECK_INT(rp_write(&ds, 1, an, &opt, err), 0);
    char file[96];
    snprintf(file, sizeof file, "%s/report.md", path);
    FILE *f = fopen(file, "r");
    CHECK(f != NULL);
    char text[8192] = "";
    if (f != NULL) {
        text[fread(text, 1, sizeof text - 1, f)] = '\0';
        fclose(f);
    }
    CHECK_HAS(text, "# abc\n");
    CHECK_HAS(text, "| a | 100 | 2 | 2000 | 170 ± 10 | – |");
    CHECK_HAS(text, "- Load: closed loop; concurrency 10, 50, 100; 2 targets\n");
    opt.format = "gif";
    CHECK_INT(rp_write(&ds, 1, an, &opt, err), -1);
    CHECK_HAS(err, "gif");
    unlink(file);
    snprintf(file, sizeof file, "%s/sub/dir", dir);
    rmdir(file);
    snprintf(file, sizeof file, "%s/sub", dir);
    rmdir(file);
    rmdir(dir);
    json_decref(an);
    json_decref(ds);
}

int main(void)
{
    RUN(test_fmt);
    RUN(test_gp_quote);
    RUN(test_model_focus);
    RUN(test_write);
    return unit_done();
}
