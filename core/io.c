/*
 * core/io.c — atomic file writes, whole-file reads and clocks (see core/io.h).
 *
 * The atomic write is the classic recipe: create "DIR/.NAME.XXXXXX" in the target's directory
 * (same filesystem, so rename is atomic), write everything, fsync the file, rename over the
 * target, fsync the directory so the rename itself is durable. Any failure removes the temp
 * file and leaves the target untouched. rename() replaces a symlink planted at the target
 * rather than writing through it. The temp file is made with open(O_CREAT | O_EXCL, 0666)
 * instead of mkstemp, whose mode is always 0600: the kernel then applies the user's umask,
 * as for any file a program creates (SPEC: files keep the user's umask), with no umask()
 * call that would race with other threads.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "core/clock.h"
#include "core/err.h"
#include "core/io.h"
#include "core/units.h"

static int write_all(int fd, const void *data, size_t len)
{
    const char *p = data;
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

/*
 * mkstemp with the mode 0666 & ~umask: fill the trailing XXXXXX of tmpl with random letters
 * and create the file exclusively (O_NOFOLLOW: never through a symlink). Returns the
 * descriptor, or -1 with errno set.
 */
static int create_tmp(char *tmpl)
{
    static const char set[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    size_t len = strlen(tmpl);
    if (len < 6 || strcmp(tmpl + len - 6, "XXXXXX") != 0) {
        errno = EINVAL;
        return -1;
    }
    for (int attempt = 0; attempt < 100; attempt++) {
        unsigned char r[6];
        if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r) {
            uint64_t t = rg_now_ns() ^ ((uint64_t)getpid() << 32) ^ (uint64_t)attempt;
            memcpy(r, &t, sizeof r);   /* no entropy: uniqueness is all O_EXCL needs */
        }
        for (size_t i = 0; i < 6; i++)
            tmpl[len - 6 + i] = set[r[i] % (sizeof set - 1)];
        int fd = open(tmpl, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    errno = EEXIST;
    return -1;
}

static void fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        fsync(fd);   /* best effort: some filesystems refuse fsync on directories */
        close(fd);
    }
}

int rg_write_atomic(const char *path, const void *data, size_t len, char *err)
{
    if (strcmp(path, "-") == 0) {
        if (write_all(STDOUT_FILENO, data, len) != 0)
            return rg_err(err, "cannot write to standard output: %s", strerror(errno));
        return 0;
    }
    char *d1 = strdup(path), *b1 = strdup(path);
    char *tmp = NULL;
    int fd = -1, rc = -1;
    if (d1 == NULL || b1 == NULL)
        goto oom;
    const char *dir = dirname(d1), *base = basename(b1);
    size_t tlen = strlen(dir) + strlen(base) + 16;
    if ((tmp = malloc(tlen)) == NULL)
        goto oom;
    snprintf(tmp, tlen, "%s/.%s.XXXXXX", dir, base);
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        rg_err_set(err, "cannot write '%s': it is a directory", path);
        goto out;
    }
    if ((fd = create_tmp(tmp)) < 0) {
        rg_err_set(err, "cannot write '%s': %s", path, strerror(errno));
        free(tmp);
        tmp = NULL;   /* not ours: never unlinked */
        goto out;
    }
    if (write_all(fd, data, len) != 0 || fsync(fd) != 0) {
        rg_err_set(err, "cannot write '%s': %s", path, strerror(errno));
        goto out;
    }
    if (close(fd) != 0) {
        fd = -1;
        rg_err_set(err, "cannot write '%s': %s", path, strerror(errno));
        goto out;
    }
    fd = -1;
    if (rename(tmp, path) != 0) {
        rg_err_set(err, "cannot replace '%s': %s", path, strerror(errno));
        goto out;
    }
    fsync_dir(dir);
    rc = 0;
    goto out;
oom:
    rg_err_set(err, "out of memory");
out:
    if (fd >= 0)
        close(fd);
    if (rc != 0 && tmp != NULL)
        unlink(tmp);
    free(tmp);
    free(d1);
    free(b1);
    return rc;
}

/* Read from an open descriptor until EOF, growing the buffer. */
static char *read_fd(int fd, size_t *len, size_t max_bytes, const char *name, char *err)
{
    size_t cap = 65536, used = 0;
    char *buf = malloc(cap + 1);
    if (buf == NULL)
        goto oom;
    for (;;) {
        if (used == cap) {
            if (cap >= max_bytes) {
                rg_err_set(err, "'%s' is larger than %zu bytes", name, max_bytes);
                free(buf);
                return NULL;
            }
            cap *= 2;
            char *grown = realloc(buf, cap + 1);
            if (grown == NULL)
                goto oom;
            buf = grown;
        }
        ssize_t r = read(fd, buf + used, cap - used);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            rg_err_set(err, "cannot read '%s': %s", name, strerror(errno));
            free(buf);
            return NULL;
        }
        if (r == 0)
            break;
        used += (size_t)r;
    }
    buf[used] = '\0';
    *len = used;
    return buf;
oom:
    free(buf);
    rg_err_set(err, "out of memory reading '%s'", name);
    return NULL;
}

char *rg_read_file(const char *path, size_t *len, size_t max_bytes, char *err)
{
    if (max_bytes == 0)
        max_bytes = (size_t)1 << 30;
    if (strcmp(path, "-") == 0)
        return read_fd(STDIN_FILENO, len, max_bytes, "standard input", err);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        rg_err_set(err, "cannot open '%s': %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        rg_err_set(err, "'%s' is a directory, not a file", path);
        close(fd);
        return NULL;
    }
    char *buf = read_fd(fd, len, max_bytes, path, err);
    close(fd);
    return buf;
}
