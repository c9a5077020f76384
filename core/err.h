/*
 * core/err.h — how a function tells its caller what went wrong.
 *
 * rigor's convention (libpcap's errbuf): a function that can fail takes `char *err`, a buffer
 * of RG_ERRLEN bytes owned by the caller, and on failure fills it with one line a person can
 * act on ("invalid duration '10x'", "bad.json:3:14: runs[0].requests: expected an integer")
 * and returns -1 (or NULL for constructors). The command that finally prints the message adds
 * "rigor CMD: " in front; nothing below the command prints.
 */
#ifndef RIGOR_CORE_ERR_H
#define RIGOR_CORE_ERR_H

#define RG_ERRLEN 512

/* Format the message into err (RG_ERRLEN bytes; NULL is allowed and ignored). */
void rg_err_set(char *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * rg_err_set, then -1: a failing path reads
 *     return rg_err(err, "cannot open '%s': %s", path, strerror(errno));
 * (a macro, so the compiler sees the -1 and knows what the caller returns).
 */
#define rg_err(err, ...) (rg_err_set((err), __VA_ARGS__), -1)

#endif
