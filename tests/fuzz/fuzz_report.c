/*
 * tests/fuzz/fuzz_report.c — fuzz target for the report writer's inputs: a JSON array
 * [dataset, analysis] goes through rp_model_build, rp_markdown and rp_charts_plan (nothing is
 * written to disk or run). The analysis may be anything (`rigor report --analysis FILE` reads
 * it from the user), so malformed documents must give an error or a report, never a crash.
 * The raw input is also used as a label: Markdown escaping must leave no line break, and the
 * gnuplot quoting no raw quote, backquote, @ or $.
 *
 * Replayed over tests/fuzz/corpus/fuzz_report/ by `make check`.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "core/dataset.h"
#include "core/err.h"
#include "core/units.h"
#include "core/text.h"
#include "report/report_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void labels(const uint8_t *data, size_t size)
{
    char *label = malloc(size + 1), *md = NULL, *gp = NULL;
    size_t mlen, glen;
    if (label == NULL)
        return;
    memcpy(label, data, size);
    label[size] = '\0';
    FILE *f = open_memstream(&md, &mlen);
    rg_md_escape(f, label);
    fclose(f);
    f = open_memstream(&gp, &glen);
    rp_gp_quote(f, label);
    fclose(f);
    if (strchr(md, '\n') != NULL || strchr(md, '\r') != NULL)
        abort();
    for (size_t i = 1; i + 1 < glen; i++)
        if (strchr("\"`@$\n", gp[i]) != NULL)
            abort();
    free(label);
    free(md);
    free(gp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[RG_ERRLEN];
    json_error_t je;
    labels(data, size);
    json_t *in = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &je);
    json_t *ds = json_array_get(in, 0), *an = json_array_get(in, 1);
    rp_options opt;
    rp_model m;
    rp_options_init(&opt);
    opt.dir = "/nonexistent";
    if (ds != NULL && an != NULL && rg_dataset_validate(ds, err) == 0 &&
        rp_model_build(&m, &ds, 1, an, &opt, err) == 0) {
        rp_chart *charts = NULL;
        size_t n = 0;
        if (rp_charts_plan(&m, &charts, &n, err) == 0) {
            free(rp_markdown(&m, charts, n));
            rp_charts_free(charts, n);
        }
        rp_model_free(&m);
    }
    json_decref(in);
    return 0;
}
