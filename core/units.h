/*
 * core/units.h — parsing and formatting of the values people type and read.
 *
 * Parsing is strict: the whole string must be consumed, numbers must be finite, and the unit
 * must be one we know. On failure each parser fills `err` (size RG_ERRLEN is enough) with the
 * message the user sees, e.g. "invalid duration '10x'", and returns -1; on success 0.
 *
 *   durations  "250ms" "10s" "2m" "1h" "1.5s" "500us" "100ns"; a bare number is seconds
 *   counts     "10" "10k" "1M" "2G" (powers of 1000); whole, non-negative
 *   sizes      "512" "4k" "1M" "2KiB" "1MiB" (k/M/G = 1000s, KiB/MiB/GiB = 1024s)
 *   lists      "10,100,500" and ranges "50:1000:50" (start:stop:step, stop included),
 *              freely mixed: "1,10:50:10"; every element a count > 0
 *   percents   "1%" or "0.01" (both give 0.01)
 */
#ifndef RIGOR_CORE_UNITS_H
#define RIGOR_CORE_UNITS_H

#include <stddef.h>
#include <stdint.h>
#include "core/err.h"

int rg_parse_duration(const char *s, double *seconds, char *err);
int rg_parse_count(const char *s, uint64_t *out, char *err);
int rg_parse_size(const char *s, uint64_t *out, char *err);
int rg_parse_double(const char *s, double *out, char *err);
int rg_parse_percent(const char *s, double *fraction, char *err);

/*
 * Parse a list/range expression into a new array (caller frees *out). At most `max_items`
 * elements (a range like 1:1000000000:1 is rejected rather than allocated). Elements keep
 * the order written; duplicates are rejected.
 */
int rg_parse_list(const char *s, uint64_t **out, size_t *n, size_t max_items, char *err);

/* Same as rg_parse_list for non-integer values such as rates ("1000,2500.5"). */
int rg_parse_list_double(const char *s, double **out, size_t *n, size_t max_items, char *err);

/*
 * Formatting for people (not for datasets, which hold raw numbers). Each writes into buf
 * and returns buf. sig = significant digits.
 *   rg_fmt_us(1234.5, 3)        -> "1.23ms"   (latency given in microseconds)
 *   rg_fmt_seconds(93.2)        -> "1m33s"
 *   rg_fmt_si(123456, 3)        -> "123k"
 *   rg_fmt_bytes(1536)          -> "1.50KiB"
 *   rg_fmt_sig(0.012345, 3)     -> "0.0123"
 *   rg_fmt_p(0.0123)            -> "0.012"; "< 0.001" below 0.001; "–" when p is NaN
 */
char *rg_fmt_us(char *buf, size_t len, double us, int sig);
char *rg_fmt_seconds(char *buf, size_t len, double s);
char *rg_fmt_si(char *buf, size_t len, double v, int sig);
char *rg_fmt_bytes(char *buf, size_t len, double bytes);
char *rg_fmt_sig(char *buf, size_t len, double v, int sig);
char *rg_fmt_p(char *buf, size_t len, double p);

#endif
