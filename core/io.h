/*
 * core/io.h — files shared by every module.
 *
 * rg_write_atomic is the only way rigor writes a file that holds measurements: a temp file in
 * the same directory, fsync, rename over the target, fsync of the directory. A crash or
 * interrupt at any point leaves either the old file or the new one, never a truncated one.
 * rg_open_output is for streams written as they come (capture's log and pcap): the same
 * rules about modes and links, without the atomicity.
 */
#ifndef RIGOR_CORE_IO_H
#define RIGOR_CORE_IO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>

/*
 * Write len bytes to path atomically. "-" writes to stdout. 0 or -1 with err filled.
 * A new file gets mode 0666 less the umask; an existing one keeps its mode (and, when root
 * writes it, its owner). A symbolic link, a directory or a non-regular file as path is
 * refused with err.
 */
int rg_write_atomic(const char *path, const void *data, size_t len, char *err);

/* Would rg_write_atomic accept path as a target (absent, or a regular file, not a link)? 0 or -1
 * with err; a command checks its -o with it before spending time on measurements. */
int rg_check_output(const char *path, char *err);

#define RG_WRITE_CREATE 1   /* rg_write_atomic_ex: only create; never replace a file */
#define RG_WRITE_EXISTS 1   /* its return value when path exists (err untouched) */

/*
 * rg_write_atomic to a file path (not "-") with flags: RG_WRITE_CREATE creates path only if
 * it does not exist, atomically (link), and returns RG_WRITE_EXISTS when it does. When
 * `written` is not NULL it receives the new file's stat (its identity: st_dev, st_ino,
 * size, mtime). 0, RG_WRITE_EXISTS, or -1 with err.
 */
int rg_write_atomic_ex(const char *path, const void *data, size_t len, int flags,
                       struct stat *written, char *err);

/*
 * Open path for writing a stream (truncated or created with 0666 less the umask; an existing
 * file keeps its mode). A symbolic link is refused, except under /dev/ and /proc/ (so
 * /dev/stdout and /dev/null work). NULL with err.
 */
FILE *rg_open_output(const char *path, char *err);

/* The directory part of path into dir (as dirname(1): "a/b" -> "a", "b" -> ".", "/b" -> "/"). */
void rg_dirname(const char *path, char *dir, size_t len);

/* mkdir -p: create dir and its missing parents (mode 0777 less the umask). 0 or -1 with err. */
int rg_make_dirs(const char *dir, char *err);

/*
 * Read a whole regular file (or stdin for "-") into a new NUL-terminated buffer (caller
 * frees), *len set to its size. Rejects directories and unreadable files with a clear err.
 * max_bytes caps the size (0 = 1 GiB).
 */
char *rg_read_file(const char *path, size_t *len, size_t max_bytes, char *err);
/* The same from an open descriptor, read to its end; name is for messages. */
char *rg_read_fd(int fd, size_t *len, size_t max_bytes, const char *name, char *err);

#endif
