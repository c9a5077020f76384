/*
 * analyze/stub_analyze.c — placeholder until the statistics land.
 */
#include <stdio.h>
#include "core/units.h"
#include "analyze/analyze.h"

void an_options_init(an_options *opt)
{
    opt->confidence = 0.95;
    opt->baseline = NULL;
    opt->noise = 0.01;
    opt->bootstrap = 0;
    opt->seed = 1;
    opt->include_incomplete = false;
    opt->target_ci = 0.02;
}

json_t *an_analyze(json_t *const *datasets, size_t n, const an_options *opt, char *err)
{
    (void)datasets; (void)n; (void)opt;
    snprintf(err, RG_ERRLEN, "analysis not implemented yet");
    return NULL;
}
