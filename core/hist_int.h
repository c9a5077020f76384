/*
 * core/hist_int.h — private to core/hist*.c: the door hist_json.c uses to restore the exact
 * totals of a deserialized histogram. Never include from another module.
 */
#ifndef RIGOR_CORE_HIST_INT_H
#define RIGOR_CORE_HIST_INT_H

#include "core/hist.h"

/* Put back exact min, max, sum and saturated count after re-recording serialized buckets. */
void rg_hist_restore_totals_(rg_hist *h, int64_t min, int64_t max, double sum,
                             uint64_t saturated);

#endif
