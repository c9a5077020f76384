/*
 * core/log.h — diagnostics on stderr and the one-line progress display.
 *
 * Data goes to stdout, diagnostics to stderr. The level is checked before any
 * formatting happens (redis's serverLog trick), so debug calls cost a branch when off.
 * The progress line is drawn only when stderr is a terminal and not quieted; it is erased
 * before any other message so the two never interleave.
 */
#ifndef RIGOR_CORE_LOG_H
#define RIGOR_CORE_LOG_H

enum { RG_LOG_ERROR = 0, RG_LOG_WARN = 1, RG_LOG_INFO = 2, RG_LOG_DEBUG = 3 };

extern int rg_log_level;  /* default RG_LOG_INFO; -q lowers to WARN, RIGOR_DEBUG=1 raises */

void rg_log_raw(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define rg_log(level, ...) \
    do { if ((level) <= rg_log_level) rg_log_raw((level), __VA_ARGS__); } while (0)
#define rg_error(...) rg_log(RG_LOG_ERROR, __VA_ARGS__)
#define rg_warn(...)  rg_log(RG_LOG_WARN, __VA_ARGS__)
#define rg_info(...)  rg_log(RG_LOG_INFO, __VA_ARGS__)
#define rg_debug(...) rg_log(RG_LOG_DEBUG, __VA_ARGS__)

/* Enable or disable the progress line (off when stderr is not a tty, whatever is asked). */
void rg_progress_enable(int on);
/* Redraw the progress line with this text (printf-style); no-op when disabled. */
void rg_progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Erase the progress line (before printing results). */
void rg_progress_clear(void);

#endif
