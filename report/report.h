/*
 * report/report.h — the public face of the report writer.
 *
 * `rigor report` is the command (core/cli.h). rp_write() is also what `rigor run --report`
 * uses: from validated datasets and analyze's document it writes DIR/report.md and the charts
 * (NAME.png with NAME.gp and NAME.dat beside it).
 */
#ifndef RIGOR_REPORT_REPORT_H
#define RIGOR_REPORT_REPORT_H

#include <stddef.h>
#include <jansson.h>

typedef struct rp_options {
    const char *dir;          /* output directory (created if missing) */
    const char *format;       /* "png" (default) or "svg" */
    const char *title;        /* NULL = from the first dataset's meta */
    const char *const *dataset_paths;  /* names shown in the header, one per dataset */
    /* Added by report/ (zero-initialised = the defaults): */
    double focus;             /* concurrency (or rate) of the cell for the spectrum, time
                                 series and box plot; 0 = the largest one every target has */
    int jobs;                 /* gnuplot processes at a time; 0 = 2 */
    int no_charts;            /* 1 = report.md only (no .dat/.gp/.png, gnuplot not needed) */
    int no_render;            /* 1 = write each chart's .dat and .gp but do not run gnuplot */
    int include_incomplete;   /* 1 = count runs with complete=false (as analyze was told) */
    int width, height;        /* chart size in pixels; 0 = 960 x 600 */
    double noise;             /* analyze's noise band, shaded in the ratio chart; default 1%
                                 (the analysis document's "noise" wins when it has one) */
} rp_options;

/* Zero the options and set the defaults (format "png", noise 1%). */
void rp_options_init(rp_options *opt);

/*
 * Write the report. Returns 0, RG_EXIT_FAIL (1) when report.md was written but charts could
 * not be drawn (gnuplot missing or failing; err says which and how to install), or -1 with
 * err on anything else.
 */
int rp_write(json_t *const *datasets, size_t n, const json_t *analysis, const rp_options *opt,
             char *err);

#endif
