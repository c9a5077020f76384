/*
 * analyze/stats_cmd_int.h — the pieces of `rigor stats` (private): reading sets,
 * comparing them, the ministat-style plot.
 */
#ifndef RIGOR_ANALYZE_AN_CMDSTATS_INT_H
#define RIGOR_ANALYZE_AN_CMDSTATS_INT_H

#include <stdbool.h>
#include <stdio.h>
#include <jansson.h>
#include "core/err.h"
#include "analyze/stats_int.h"

/* One input column: values sorted ascending after an_stats_summarize. */
typedef struct an_set {
    const char *name;  /* the path as given, "(stdin)" for '-'; borrowed */
    double *v;         /* owned */
    size_t n;
    an_summary s;
} an_set;

/* A set compared with the first one. NAN where it does not exist. */
typedef struct an_set_cmp {
    double diff, diff_lo, diff_hi, ratio, ratio_lo, ratio_hi;
    double p_welch, p_pooled, p_mwu, df;
    int mwu_exact;
    const char *ratio_method;  /* "fieller", "bootstrap" or NULL */
    bool significant;
    /* ministat's own figures (--pooled): tabled t, pooled s, e = t * s * sqrt(1/n1 + 1/n2),
     * and its relative half-width */
    double m_t, m_spool, m_e, m_re;
} an_set_cmp;

/*
 * Read the numbers of `path` ('-' = stdin), column `column` (1-based). 0, or -1 with err
 * "FILE:LINE: not a number 'x'" (RG_ERRLEN). On success s->v is owned by the caller.
 */
int an_read_set(const char *path, int column, an_set *s, char *err);

/* The same from a buffer of len bytes (need not be NUL-terminated); name is used in messages
 * and kept (borrowed) as s->name. */
int an_parse_set(const char *name, const char *buf, size_t len, int column, an_set *s,
                 char *err);

/* Sort the values and fill s->s. 0 or -1 on OOM. */
int an_stats_summarize(an_set *s, double conf);

/* Compare set b with baseline a (both summarized). pooled selects ministat's test. */
void an_stats_compare(const an_set *a, const an_set *b, double conf, bool pooled,
                      an_set_cmp *c);

/* ministat's table value of t: the quantile rounded to 3 decimals, z beyond 100 df. */
double an_ministat_t(double conf, size_t df);

/* The ASCII plot (ministat's layout) of the summarized sets, `width` columns wide. */
void an_stats_plot(FILE *f, const an_set *sets, size_t n, int width);

#endif
