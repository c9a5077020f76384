/*
 * core/io.h — files shared by every module.
 *
 * rg_write_atomic is the only way rigor writes a file that holds measurements: a temp file in
 * the same directory, fsync, rename over the target, fsync of the directory. A crash or
 * interrupt at any point leaves either the old file or the new one, never a truncated one.
 */
#ifndef RIGOR_CORE_IO_H
#define RIGOR_CORE_IO_H

#include <stddef.h>
#include <stdint.h>

/* Write len bytes to path atomically. "-" writes to stdout. 0 or -1 with err filled. */
int rg_write_atomic(const char *path, const void *data, size_t len, char *err);

/*
 * Read a whole regular file (or stdin for "-") into a new NUL-terminated buffer (caller
 * frees), *len set to its size. Rejects directories and unreadable files with a clear err.
 * max_bytes caps the size (0 = 1 GiB).
 */
char *rg_read_file(const char *path, size_t *len, size_t max_bytes, char *err);

#endif
