/*
 * report/rp_published.c — the "As published" section: the source table of converted
 * published results, row for row.
 *
 * Design: datasets converted from published tables (datasets/convert_seeds.py) keep each
 * table row verbatim in the run's `published` object (column heading -> cell text). Format v1
 * has no field for some published columns (autocannon's slowest one-second rate, a rounded
 * "~ 4000" request count, k6's success rates), so the report reprints those rows, which lets a
 * reader check every converted figure against its source. Columns are the union of the
 * objects' keys in order of first appearance; every cell is escaped like any label. A table
 * wider than RP_MD_MAX_COLS is printed in parts, each repeating the first column (the row's
 * name in every seed table), so it still fits a page.
 */
#include <string.h>
#include "core/text.h"
#include "report/report_int.h"

#define RP_MAX_PUB_COLS 24

struct cols {
    const char *name[RP_MAX_PUB_COLS];
    size_t n;
};

static void collect(const json_t *runs, struct cols *c)
{
    c->n = 0;
    for (size_t i = 0; i < json_array_size(runs); i++) {
        const char *k;
        const json_t *v;
        json_object_foreach(json_object_get(json_array_get(runs, i), "published"), k, v) {
            size_t j = 0;
            while (j < c->n && strcmp(c->name[j], k) != 0)
                j++;
            if (j == c->n && c->n < RP_MAX_PUB_COLS)
                c->name[c->n++] = k;
        }
    }
}

static void cell(FILE *f, const json_t *v)
{
    if (json_is_string(v))
        rg_md_escape(f, json_string_value(v));
    else if (json_is_number(v))
        fprintf(f, "%.10g", json_number_value(v));
    else
        fputs("–", f);
}

/* Columns [from, to) of the source table, after column 0 when from > 0. */
static void table_part(FILE *f, const json_t *runs, const struct cols *c, size_t from, size_t to)
{
    size_t pick[RP_MD_MAX_COLS], n = 0;
    if (from > 0)
        pick[n++] = 0;
    for (size_t j = from; j < to && n < RP_MD_MAX_COLS; j++)
        pick[n++] = j;
    fputc('|', f);
    for (size_t k = 0; k < n; k++) {
        fputc(' ', f);
        rg_md_escape(f, c->name[pick[k]]);
        fputs(" |", f);
    }
    fputs("\n|", f);
    for (size_t k = 0; k < n; k++)
        fputs("---|", f);
    fputc('\n', f);
    for (size_t i = 0; i < json_array_size(runs); i++) {
        const json_t *p = json_object_get(json_array_get(runs, i), "published");
        if (!json_is_object(p))
            continue;
        fputc('|', f);
        for (size_t k = 0; k < n; k++) {
            fputc(' ', f);
            cell(f, json_object_get(p, c->name[pick[k]]));
            fputs(" |", f);
        }
        fputc('\n', f);
    }
    fputc('\n', f);
}

static void dataset_table(FILE *f, const rp_model *m, size_t d, const struct cols *c)
{
    const json_t *runs = json_object_get(m->ds[d], "runs");
    const char *path = m->opt->dataset_paths ? m->opt->dataset_paths[d] : NULL;
    const char *base = path ? strrchr(path, '/') : NULL;
    if (path != NULL) {
        rg_md_escape(f, base ? base + 1 : path);
        fputs(":\n\n", f);
    }
    size_t from = 0;
    while (from < c->n) {   /* the first part has MAX columns, the others MAX - 1 + column 0 */
        size_t width = from == 0 ? RP_MD_MAX_COLS : RP_MD_MAX_COLS - 1;
        size_t to = from + width < c->n ? from + width : c->n;
        table_part(f, runs, c, from, to);
        from = to;
    }
}

void rp_md_published(FILE *f, const rp_model *m)
{
    bool any = false;
    for (size_t d = 0; d < m->nds; d++) {
        struct cols c;
        collect(json_object_get(m->ds[d], "runs"), &c);
        if (c.n == 0)
            continue;
        if (!any)
            fputs("## As published\n\nThe source rows of the converted published figures, "
                  "verbatim (the dataset keeps them under each run's `published` key):\n\n", f);
        any = true;
        dataset_table(f, m, d, &c);
    }
}
