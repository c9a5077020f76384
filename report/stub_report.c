/*
 * report/stub_report.c — placeholder until the report writer lands.
 */
#include <stdio.h>
#include "core/units.h"
#include "report/report.h"

int rp_write(json_t *const *datasets, size_t n, const json_t *analysis, const rp_options *opt,
             char *err)
{
    (void)datasets; (void)n; (void)analysis; (void)opt;
    snprintf(err, RG_ERRLEN, "report not implemented yet");
    return -1;
}
