/*
 * capture/capture_opts_int.h — private: the options of `rigor capture` and the two halves of
 * the command (cmd_capture.c parses and saves; capture_run.c captures).
 */
#ifndef RIGOR_CAPTURE_CAPTURE_OPTS_INT_H
#define RIGOR_CAPTURE_CAPTURE_OPTS_INT_H

#include <jansson.h>
#include "capture/pcapio_int.h"
#include "core/dataset.h"

typedef struct cap_opts {
    const char *iface, *file, *filter, *wfile, *logfile, *dataset, *label, *title, *user;
    double duration;           /* seconds, 0 = until interrupted */
    uint64_t count;            /* packets, 0 = no limit */
    int buffer, snaplen, immediate, quiet;
    cap_config cfg;
} cap_opts;

/*
 * Open the source and outputs, drop privileges (live), capture, write the log and the
 * summary. *runs gets the dataset runs (new reference) when ds is not NULL. Returns the exit
 * status (RG_EXIT_*); runs may be set even when the status is not 0 (a truncated file).
 */
int cap_capture_main(const cap_opts *o, const json_t *ds, json_t **runs);

/* Append runs (stolen) to ds and save it to path (rg_dataset_save_runs, df as read at open);
 * returns rc or a failure status. */
int cap_save_runs(json_t *ds, const char *path, rg_dataset_file *df, json_t *runs, int rc);

#endif
