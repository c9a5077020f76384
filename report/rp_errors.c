/*
 * report/rp_errors.c — report.md's errors table: errors by kind and responses by status code,
 * summed over the runs of each cell.
 *
 * Design: the dataset format names six error kinds (connect, read, write, timeout, protocol,
 * status) but keeps any other key, and converted published tables use their own (Locust's
 * failures, whose kind was not published, are "unclassified"). So the columns are the six
 * known kinds that occur, in that order, then every other kind in order of first appearance;
 * a kind that is zero everywhere gets no column. The table is left out when no run has an
 * error. It keeps to RP_MD_MAX_COLS columns: when there are more kinds than fit, the last
 * column lists the remaining kinds of each cell with their counts ("unclassified: 3").
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/dataset.h"
#include "core/text.h"
#include "report/report_int.h"

#define RP_MAX_KINDS 16

static const char *const known[] = {"connect", "read", "write", "timeout", "protocol", "status"};
#define NKNOWN (sizeof known / sizeof known[0])

struct kinds {
    const char *name[RP_MAX_KINDS];
    size_t n;
};

static void add_kind(struct kinds *k, const char *name)
{
    for (size_t i = 0; i < k->n; i++)
        if (strcmp(k->name[i], name) == 0)
            return;
    if (k->n < RP_MAX_KINDS)
        k->name[k->n++] = name;
}

/* The kinds with a non-zero count somewhere: known ones first, then the rest. */
static void collect_kinds(const rp_model *m, struct kinds *k)
{
    struct kinds all = {{0}, 0};
    for (size_t i = 0; i < m->ncells; i++)
        for (size_t r = 0; r < m->cells[i].nruns; r++) {
            const char *key;
            const json_t *v;
            json_object_foreach(json_object_get(m->cells[i].runs[r], "errors"), key, v)
                if (json_integer_value(v) > 0)
                    add_kind(&all, key);
        }
    k->n = 0;
    for (size_t j = 0; j < NKNOWN; j++)
        for (size_t i = 0; i < all.n; i++)
            if (strcmp(all.name[i], known[j]) == 0)
                add_kind(k, all.name[i]);
    for (size_t i = 0; i < all.n; i++)
        add_kind(k, all.name[i]);
}

/* The cell's total for one kind; NAN when no run reports it. */
static double cell_kind(const rp_cell *c, const char *kind)
{
    double tot = NAN;
    for (size_t r = 0; r < c->nruns; r++) {
        double v = rg_json_num(json_object_get(c->runs[r], "errors"), kind, NAN);
        if (!isnan(v))
            tot = isnan(tot) ? v : tot + v;
    }
    return tot;
}

struct code_sum {
    long code;
    double sum;
};

static int cmp_code(const void *a, const void *b)
{
    long x = ((const struct code_sum *)a)->code, y = ((const struct code_sum *)b)->code;
    return (x > y) - (x < y);
}

/*
 * The cell's status codes and their summed counts, ascending, into f (when not NULL) as
 * "200: n · 503: m". Returns whether any run reports status codes. At most 64 distinct
 * codes are shown; HTTP has fewer in practice.
 */
static bool cell_status(FILE *f, const rp_cell *c)
{
    struct code_sum cs[64];
    size_t n = 0;
    for (size_t r = 0; r < c->nruns; r++) {
        const char *k;
        const json_t *v;
        json_object_foreach(json_object_get(c->runs[r], "status"), k, v) {
            long code = strtol(k, NULL, 10);
            size_t i = 0;
            while (i < n && cs[i].code != code)
                i++;
            if (i == n && n == sizeof cs / sizeof cs[0])
                continue;
            if (i == n)
                cs[n++] = (struct code_sum){code, 0};
            cs[i].sum += json_number_value(v);
        }
    }
    qsort(cs, n, sizeof cs[0], cmp_code);
    for (size_t i = 0; f != NULL && i < n; i++)
        fprintf(f, "%s%ld: %.0f", i ? " · " : "", cs[i].code, cs[i].sum);
    return n > 0;
}

/* Kinds with a column of their own; the rest (from index `cols`) share the last one. */
static size_t kind_columns(const struct kinds *k, bool status)
{
    size_t room = RP_MD_MAX_COLS - 2 - (status ? 1 : 0);
    return k->n <= room ? k->n : room - 1;
}

static void head(FILE *f, const rp_model *m, const struct kinds *k, bool status)
{
    size_t cols = kind_columns(k, status);
    fprintf(f, "## Errors\n\n| Target | %s |", m->axis == RP_AXIS_RATE ? "Rate (req/s)" : "Concurrency");
    for (size_t i = 0; i < cols; i++) {
        fputc(' ', f);
        rg_md_escape(f, strcmp(k->name[i], "status") == 0 ? "HTTP 4xx/5xx" : k->name[i]);
        fputs(" |", f);
    }
    if (cols < k->n)
        fputs(" Other kinds |", f);
    fputs(status ? " Status codes |\n|:---|---:|" : "\n|:---|---:|", f);
    for (size_t i = 0; i < cols; i++)
        fputs("---:|", f);
    fputs(cols < k->n ? ":---|" : "", f);
    fputs(status ? ":---|\n" : "\n", f);
}

/* The kinds without a column of their own, "name: n · name: n", or "–". */
static void other_kinds(FILE *f, const rp_cell *c, const struct kinds *k, size_t from)
{
    char b[48];
    size_t shown = 0;
    for (size_t j = from; j < k->n; j++) {
        double v = cell_kind(c, k->name[j]);
        if (isnan(v) || v == 0)
            continue;
        fputs(shown++ ? " · " : "", f);
        rg_md_escape(f, k->name[j]);
        fprintf(f, ": %s", an_fmt_x(b, sizeof b, v));
    }
    fputs(shown ? "" : "–", f);
}

void rp_md_errors(FILE *f, const rp_model *m)
{
    struct kinds k;
    bool status = false;
    collect_kinds(m, &k);
    if (k.n == 0)
        return;
    for (size_t i = 0; i < m->ncells; i++)
        status = status || cell_status(NULL, &m->cells[i]);
    head(f, m, &k, status);
    char b[48];
    for (size_t i = 0; i < m->ncells; i++) {
        const rp_cell *c = &m->cells[i];
        fputs("| ", f);
        rg_md_escape(f, c->target);
        fprintf(f, " | %s |", an_fmt_x(b, sizeof b, c->x));
        size_t cols = kind_columns(&k, status);
        for (size_t j = 0; j < cols; j++)
            fprintf(f, " %s |", an_fmt_x(b, sizeof b, cell_kind(c, k.name[j])));
        if (cols < k.n) {
            fputc(' ', f);
            other_kinds(f, c, &k, cols);
            fputs(" |", f);
        }
        if (status) {
            fputc(' ', f);
            if (!cell_status(f, c))
                fputs("–", f);
            fputs(" |", f);
        }
        fputc('\n', f);
    }
    fputs("\nErrors are summed over the runs of each cell, by kind (HTTP 4xx/5xx: responses "
          "with an error status); status codes count every response received.\n\n", f);
}
