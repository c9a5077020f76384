/*
 * report/rp_write.c — rp_write(): the report directory from datasets and an analysis.
 *
 * Design: the order matters for what survives a failure. report.md is written first (it
 * needs nothing but the inputs), then each chart's NAME.dat and NAME.gp, and only then is
 * gnuplot run: without gnuplot, or when one script fails, the user still has the tables and
 * every script to render later, and the exit status is 1 with the reason. All files are
 * written atomically (rg_write_atomic), so an interrupted report never leaves a torn file.
 *
 * report.md does not depend on gnuplot, on the clock or on the rigor version that writes it
 * (see docs/report.md, "Reproducible output"): it links every chart whose data exist.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "core/cli.h"
#include "core/err.h"
#include "core/io.h"
#include "core/units.h"
#include "report/report_int.h"

void rp_options_init(rp_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->format = "png";
}

static int write_file(const char *dir, const char *name, const char *ext, const char *text,
                      char *err)
{
    char path[4200], e[RG_ERRLEN];
    snprintf(path, sizeof path, "%s/%s%s", dir, name, ext);
    if (rg_write_atomic(path, text, strlen(text), e) != 0)
        return rg_err(err, "%.500s", e);
    return 0;
}

static int check_options(const rp_options *opt, char *err)
{
    if (opt == NULL || opt->dir == NULL || *opt->dir == '\0')
        return rg_err(err, "no output directory");
    if (opt->format != NULL && strcmp(opt->format, "png") != 0 && strcmp(opt->format, "svg") != 0)
        return rg_err(err, "unknown chart format '%.100s' (png or svg)", opt->format);
    return 0;
}

int rp_write(json_t *const *datasets, size_t n, const json_t *analysis, const rp_options *opt,
             char *err)
{
    rp_model m;
    rp_chart *charts = NULL;
    size_t nch = 0;
    char *md = NULL;
    int rc = -1;
    err[0] = '\0';
    if (check_options(opt, err) < 0 || rp_model_build(&m, datasets, n, analysis, opt, err) < 0)
        return -1;
    if (!opt->no_charts && rp_charts_plan(&m, &charts, &nch, err) < 0)
        goto out;
    md = rp_markdown(&m, charts, nch);
    if (md == NULL) {
        rg_err_set(err, "out of memory while writing report.md");
        goto out;
    }
    if (rg_make_dirs(opt->dir, err) < 0 || write_file(opt->dir, "report", ".md", md, err) < 0)
        goto out;
    for (size_t i = 0; i < nch; i++)
        if (write_file(opt->dir, charts[i].name, ".dat", charts[i].dat, err) < 0 ||
            write_file(opt->dir, charts[i].name, ".gp", charts[i].gp, err) < 0)
            goto out;
    rc = opt->no_render ? 0 : rp_gnuplot_run(opt->dir, charts, nch, opt->jobs, err);
out:
    free(md);
    rp_charts_free(charts, nch);
    rp_model_free(&m);
    return rc;
}
