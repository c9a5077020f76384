/*
 * analyze/cmd_stats.c — `rigor stats FILE...`: ministat's job done right. Each file is a
 * column of numbers; every later set is compared with the first.
 *
 * Design: text output keeps ministat's layout (legend, plot, the N/Min/Max/Median/Avg/Stddev
 * table with the same printf formats) so eyes and scripts used to ministat feel at home;
 * with --pooled the table and the "Difference at" blocks are byte-identical to ministat's
 * (tests/e2e/stats.sh diffs them against real ministat output). Our additions — CIs of the
 * mean and median, Welch and Mann–Whitney p-values, the ratio's CI — follow. --json gives
 * everything as one document. Exit 2 on bad options or input (file and line named).
 */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include "core/cli.h"
#include "core/err.h"
#include "core/units.h"
#include "analyze/analyze_int.h"
#include "analyze/stats_cmd_int.h"

static const char USAGE[] =
    "usage: rigor stats FILE... [options]\n"
    "\n"
    "Statistics of columns of numbers, like ministat: each FILE ('-' = stdin) holds one set,\n"
    "one number per line; blank lines and lines starting with '#' are ignored; anything else\n"
    "that is not a finite number is an error naming the file and line. Per set: n, min, max,\n"
    "median, mean, stdev, CI of the mean (Student t) and of the median (order statistics).\n"
    "Each later set is compared with the first: difference and its CI, ratio of means and its\n"
    "CI (Fieller), Welch's t and Mann-Whitney U p-values, significant or not.\n"
    "\n"
    "options:\n"
    "  -c, --confidence C   confidence level: 0.95, 95% or 95 (default 95%)\n"
    "  -C, --column N       use whitespace-separated column N of each line (default 1)\n"
    "      --pooled         ministat's test (Student's t with pooled variance, its t table);\n"
    "                       the table and verdict lines then match ministat's exactly\n"
    "  -A, --no-plot        statistics only, no plot (ministat -A)\n"
    "  -w, --width N        plot width in columns (default 74)\n"
    "      --json           print a JSON document instead of text\n"
    "  -h, --help           this help\n"
    "\n"
    "Exit status: 0 ok, 2 bad option or input. See docs/analyze.md.\n";

enum { OPT_POOLED = 256, OPT_JSON };

static const struct option LONGOPTS[] = {
    {"confidence", required_argument, NULL, 'c'},
    {"column", required_argument, NULL, 'C'},
    {"pooled", no_argument, NULL, OPT_POOLED},
    {"no-plot", no_argument, NULL, 'A'},
    {"width", required_argument, NULL, 'w'},
    {"json", no_argument, NULL, OPT_JSON},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

typedef struct stats_opts {
    double conf;
    int column, width;
    bool pooled, plot, json;
} stats_opts;

static int parse_num_opt(int c, const char *arg, stats_opts *o)
{
    char err[RG_ERRLEN];
    double d;
    uint64_t u;
    if (c == 'c') {
        if (rg_parse_double(arg, &d, err) == 0 && d > 1.0 && d < 100.0)
            d /= 100.0;  /* ministat's -c 95 */
        else if (rg_parse_percent(arg, &d, err) < 0)
            d = NAN;
        if (!(d > 0.0 && d < 1.0))
            return rg_usage_error("stats", "invalid confidence '%s' (want e.g. 95, 95%% or 0.95)",
                                  arg);
        o->conf = d;
    } else if (rg_parse_count(arg, &u, err) < 0 || u < 1 || u > (c == 'C' ? 100000 : 1000) ||
               (c == 'w' && u < 10)) {
        return rg_usage_error("stats", "invalid %s '%s'", c == 'C' ? "column" : "width", arg);
    } else {
        *(c == 'C' ? &o->column : &o->width) = (int)u;
    }
    return 0;
}

static int parse_args(int argc, char **argv, stats_opts *o)
{
    int c, rc;
    opterr = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, ":c:C:Aw:h", LONGOPTS, NULL)) != -1) {
        switch (c) {
        case 'h':
            fputs(USAGE, stdout);
            return -1;
        case OPT_POOLED: o->pooled = true; break;
        case OPT_JSON: o->json = true; break;
        case 'A': o->plot = false; break;
        case 'c': case 'C': case 'w':
            if ((rc = parse_num_opt(c, optarg, o)) != 0)
                return rc;
            break;
        default:
            return rg_bad_option("stats", argv, c);
        }
    }
    if (optind >= argc)
        return rg_usage_error("stats", "no input file given");
    return 0;
}

static json_t *set_json(const an_set *s)
{
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(s->name));
    json_object_set_new(o, "n", json_integer((json_int_t)s->n));
    json_object_set_new(o, "min", an_json_num(s->s.min));
    json_object_set_new(o, "max", an_json_num(s->s.max));
    json_object_set_new(o, "median", an_json_num(s->s.median));
    json_object_set_new(o, "mean", an_json_num(s->s.mean));
    json_object_set_new(o, "stdev", an_json_num(s->s.sd));
    json_object_set_new(o, "ci_low", an_json_num(s->s.ci_low));
    json_object_set_new(o, "ci_high", an_json_num(s->s.ci_high));
    json_object_set_new(o, "median_ci_low", an_json_num(s->s.median_ci_low));
    json_object_set_new(o, "median_ci_high", an_json_num(s->s.median_ci_high));
    json_object_set_new(o, "median_ci_level", an_json_num(s->s.median_ci_level));
    json_object_set_new(o, "cv", an_json_num(s->s.cv));
    return o;
}

static json_t *cmp_json(const an_set *a, const an_set *b, const an_set_cmp *c, bool pooled)
{
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(b->name));
    json_object_set_new(o, "baseline", json_string(a->name));
    json_object_set_new(o, "difference", an_json_num(c->diff));
    json_object_set_new(o, "difference_ci_low", an_json_num(c->diff_lo));
    json_object_set_new(o, "difference_ci_high", an_json_num(c->diff_hi));
    json_object_set_new(o, "ratio", an_json_num(c->ratio));
    json_object_set_new(o, "ratio_ci_low", an_json_num(c->ratio_lo));
    json_object_set_new(o, "ratio_ci_high", an_json_num(c->ratio_hi));
    json_object_set_new(o, "ratio_ci_method", c->ratio_method ? json_string(c->ratio_method)
                                                              : json_null());
    json_object_set_new(o, "p_welch", an_json_num(c->p_welch));
    json_object_set_new(o, "p_pooled", an_json_num(c->p_pooled));
    json_object_set_new(o, "p_mannwhitney", an_json_num(c->p_mwu));
    json_object_set_new(o, "test", json_string(pooled ? "student_pooled" : "welch"));
    json_object_set_new(o, "significant", json_boolean(c->significant));
    return o;
}

static int print_json(const an_set *sets, const an_set_cmp *cmps, size_t n, const stats_opts *o)
{
    json_t *doc = json_object(), *sa = json_array(), *ca = json_array();
    json_object_set_new(doc, "confidence", json_real(o->conf));
    json_object_set_new(doc, "pooled", json_boolean(o->pooled));
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(sa, set_json(&sets[i]));
        if (i)
            json_array_append_new(ca, cmp_json(&sets[0], &sets[i], &cmps[i], o->pooled));
    }
    json_object_set_new(doc, "sets", sa);
    json_object_set_new(doc, "comparisons", ca);
    int rc = json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(15));
    fputc('\n', stdout);
    json_decref(doc);
    return rc;
}

static char sym(size_t i)
{
    return "x+*%#@O"[i % 7];
}

/* ministat's "Difference at" block, byte for byte (its 20150715 version). */
static void ministat_block(const an_set *a, const an_set_cmp *c, double conf)
{
    if (c->significant) {
        printf("Difference at %.1f%% confidence\n", 100.0 * conf);
        printf("\t%g +/- %g\n", c->diff, c->m_e);
        printf("\t%g%% +/- %g%%\n", c->diff * 100 / a->s.mean, c->m_re * 100 / a->s.mean);
        printf("\t(Student's t, pooled s = %g)\n", c->m_spool);
    } else {
        printf("No difference proven at %.1f%% confidence\n", 100.0 * conf);
    }
}

/* %.*g of v, or "-" when it does not exist; rotates among 8 buffers so one printf can
 * use several. */
static const char *g(double v, int digits)
{
    static char bufs[8][40];
    static int k;
    char *b = bufs[k++ & 7];
    if (isfinite(v))
        snprintf(b, sizeof bufs[0], "%.*g", digits, v);
    else
        snprintf(b, sizeof bufs[0], "-");
    return b;
}

static void our_block(const an_set_cmp *c, size_t i, double conf)
{
    printf("%c vs %c: difference %s (%g%% CI %s to %s, %s), ratio %s (CI %s to %s, %s)\n",
           sym(i), sym(0), g(c->diff, 6), 100.0 * conf, g(c->diff_lo, 6), g(c->diff_hi, 6),
           isfinite(c->m_e) ? "pooled Student t" : "Welch t", g(c->ratio, 6),
           g(c->ratio_lo, 6), g(c->ratio_hi, 6), !c->ratio_method ? "no interval"
               : c->ratio_method[0] == 'f' ? "Fieller" : "bootstrap");
    printf("        p = %s (Welch t), %s (Student t, pooled), %s (Mann-Whitney U, %s): %s\n",
           g(c->p_welch, 3), g(c->p_pooled, 3), g(c->p_mwu, 3),
           c->mwu_exact ? "exact" : "normal approx.",
           c->significant ? "significant" : "no difference proven");
}

static void print_text(const an_set *sets, const an_set_cmp *cmps, size_t n, const stats_opts *o)
{
    for (size_t i = 0; i < n; i++) {  /* file names are user data: no raw control bytes */
        printf("%c ", sym(i));
        for (const char *p = sets[i].name; *p; p++)
            putchar((unsigned char)*p < 0x20 || *p == 0x7f ? '?' : *p);
        putchar('\n');
    }
    if (o->plot)
        an_stats_plot(stdout, sets, n, o->width);
    printf("    N           Min           Max        Median           Avg        Stddev\n");
    for (size_t i = 0; i < n; i++) {
        const an_summary *s = &sets[i].s;
        printf("%c %3zu %13.8g %13.8g %13.8g %13.8g %13s\n", sym(i), s->n, s->min, s->max,
               s->median, s->mean, g(s->sd, 8));
        if (i && o->pooled)
            ministat_block(&sets[0], &cmps[i], o->conf);
    }
    printf("\n%g%% confidence intervals (mean: Student t; median: order statistics):\n",
           100.0 * o->conf);
    for (size_t i = 0; i < n; i++) {
        const an_summary *s = &sets[i].s;
        printf("%c mean %s (%s to %s)  median %s ", sym(i), g(s->mean, 8), g(s->ci_low, 8),
               g(s->ci_high, 8), g(s->median, 8));
        if (isfinite(s->median_ci_low))
            printf("(%s to %s)\n", g(s->median_ci_low, 8), g(s->median_ci_high, 8));
        else
            printf("(n too small)\n");
    }
    for (size_t i = 1; i < n; i++)
        our_block(&cmps[i], i, o->conf);
}

int cmd_stats(int argc, char **argv)
{
    stats_opts o = {0.95, 1, 74, false, true, false};
    char err[RG_ERRLEN];
    int rc = parse_args(argc, argv, &o);
    if (rc != 0)
        return rc < 0 ? RG_EXIT_OK : rc;
    gsl_set_error_handler_off();
    size_t n = (size_t)(argc - optind), stdin_uses = 0, loaded = 0;
    an_set *sets = calloc(n, sizeof *sets);
    an_set_cmp *cmps = calloc(n, sizeof *cmps);
    if (!sets || !cmps) {
        rc = rg_fail(RG_EXIT_FAIL, "stats", "out of memory");
        goto out;
    }
    for (; loaded < n; loaded++) {
        const char *path = argv[optind + (int)loaded];
        if (strcmp(path, "-") == 0 && ++stdin_uses > 1) {
            rc = rg_usage_error("stats", "'-' (stdin) given more than once");
            goto out;
        }
        if ((rc = rg_check_input_file("stats", path, 1)) != 0)
            goto out;
        if (an_read_set(path, o.column, &sets[loaded], err) < 0) {
            rc = rg_fail(RG_EXIT_USAGE, "stats", "%s", err);
            goto out;
        }
        if (an_stats_summarize(&sets[loaded], o.conf) < 0) {
            rc = rg_fail(RG_EXIT_FAIL, "stats", "out of memory");
            goto out;
        }
    }
    for (size_t i = 1; i < n; i++)
        an_stats_compare(&sets[0], &sets[i], o.conf, o.pooled, &cmps[i]);
    if (o.json ? print_json(sets, cmps, n, &o) < 0 : (print_text(sets, cmps, n, &o), 0))
        rc = rg_fail(RG_EXIT_FAIL, "stats", "cannot write the output");
    else if (fflush(stdout) != 0)
        rc = rg_fail(RG_EXIT_FAIL, "stats", "cannot write the output");
out:
    for (size_t i = 0; i < loaded && sets; i++)
        free(sets[i].v);
    free(sets);
    free(cmps);
    return rc;
}
