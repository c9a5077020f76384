/*
 * core/io.c — atomic file writes, whole-file reads and directories (see core/io.h).
 *
 * The atomic write is the classic recipe: create "DIR/.NAME.XXXXXX" in the target's
 * directory (same filesystem, so rename is atomic), write everything, fsync the file, rename
 * over the target, fsync the directory so the rename itself is durable. Any failure removes
 * the temp file and leaves the target untouched.
 *
 * Modes: the temp file is created with open(O_CREAT | O_EXCL, 0666) rather than mkstemp
 * (which forces 0600), so a new file gets the user's umask (and a directory's default ACL)
 * from the kernel, exactly as `>` in a shell would; when the target exists its mode is copied
 * to the temp file, and as root its owner too, so rewriting a file never changes who may read
 * it. Links: a symbolic link as the target is refused (rename would silently replace the link
 * by a file, and following it would let a planted link redirect a write, as root even).
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static void fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        fsync(fd);   /* best effort: some filesystems refuse fsync on directories */
        close(fd);
    }
}

/* Create a new temp file "DIR/.BASE.XXXXXX" (mode 0666 less the umask); fd, or -1. */
static int create_temp(char *tmp, size_t tlen, const char *dir, const char *base)
{
    static unsigned counter;
    for (int tries = 0; tries < 100; tries++) {
        uint64_t x = rg_now_ns() ^ ((uint64_t)getpid() << 32) ^ (uint64_t)counter++ * 0x9E3779B9u;
        snprintf(tmp, tlen, "%s/.%s.%06llx", dir, base, (unsigned long long)(x & 0xffffff));
        int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (fd >= 0 || errno != EEXIST)
            return fd;
    }
    return -1;
}

/* What the target is now: 0 absent, 1 a regular file (st filled), -1 refused (err). */
static int check_target(const char *path, struct stat *st, char *err)
{
    if (lstat(path, st) != 0)
        return errno == ENOENT ? 0 : rg_err(err, "cannot write '%s': %s", path, strerror(errno));
    if (S_ISLNK(st->st_mode))
        return rg_err(err, "cannot write '%s': it is a symbolic link (rigor does not write "
                      "through links; give the file it points to)", path);
    if (S_ISDIR(st->st_mode))
        return rg_err(err, "cannot write '%s': it is a directory", path);
    if (!S_ISREG(st->st_mode))
        return rg_err(err, "cannot write '%s': not a regular file", path);
    return 1;
}

int rg_check_output(const char *path, char *err)
{
    struct stat st;
    return check_target(path, &st, err) < 0 ? -1 : 0;
}

/* Write, keep the existing file's mode (and owner, as root), fsync. 0 or -1 (errno). */
static int fill_temp(int fd, const void *data, size_t len, int existed, const struct stat *st)
{
    if (existed) {
        if (geteuid() == 0 && (st->st_uid != geteuid() || st->st_gid != getegid()) &&
            fchown(fd, st->st_uid, st->st_gid) != 0)
            return -1;
        if (fchmod(fd, st->st_mode & 07777) != 0)
            return -1;
    }
    return write_all(fd, data, len) != 0 || fsync(fd) != 0 ? -1 : 0;
}

int rg_write_atomic_ex(const char *path, const void *data, size_t len, int flags,
                       struct stat *written, char *err)
{
    char *d1 = strdup(path), *b1 = strdup(path);
    char *tmp = NULL;
    int fd = -1, rc = -1, existed, made = 0;
    struct stat st;
    if (d1 == NULL || b1 == NULL)
        goto oom;
    const char *dir = dirname(d1), *base = basename(b1);
    size_t tlen = strlen(dir) + strlen(base) + 16;
    if ((tmp = malloc(tlen)) == NULL)
        goto oom;
    if ((existed = check_target(path, &st, err)) < 0)
        goto out;
    if (existed && (flags & RG_WRITE_CREATE)) {
        rc = RG_WRITE_EXISTS;
        goto out;
    }
    if ((fd = create_temp(tmp, tlen, dir, base)) < 0) {
        rg_err_set(err, "cannot write '%s': %s", path, strerror(errno));
        goto out;
    }
    made = 1;
    if (fill_temp(fd, data, len, existed, &st) != 0 || (written && fstat(fd, written) != 0)) {
        rg_err_set(err, "cannot write '%s': %s", path, strerror(errno));
        goto out;
    }
    int closed = close(fd);
    fd = -1;
    if (closed != 0) {
        rg_err_set(err, "cannot write '%s': %s", path, strerror(errno));
        goto out;
    }
    /* RG_WRITE_CREATE: link() fails where rename() would replace a file made meanwhile. */
    if ((flags & RG_WRITE_CREATE) ? link(tmp, path) != 0 : rename(tmp, path) != 0) {
        if ((flags & RG_WRITE_CREATE) && errno == EEXIST)
            rc = RG_WRITE_EXISTS;
        else
            rg_err_set(err, "cannot %s '%s': %s", existed ? "replace" : "create", path,
                       strerror(errno));
        goto out;
    }
    if (!(flags & RG_WRITE_CREATE))
        made = 0;   /* renamed: nothing left to remove */
    fsync_dir(dir);
    rc = 0;
    goto out;
oom:
    rg_err_set(err, "out of memory");
out:
    if (fd >= 0)
        close(fd);
    if (made)
        unlink(tmp);   /* a failure, or the name link() left behind */
    free(tmp);
    free(d1);
    free(b1);
    return rc;
}

int rg_write_atomic(const char *path, const void *data, size_t len, char *err)
{
    if (strcmp(path, "-") == 0) {
        if (write_all(STDOUT_FILENO, data, len) != 0)
            return rg_err(err, "cannot write to standard output: %s", strerror(errno));
        return 0;
    }
    return rg_write_atomic_ex(path, data, len, 0, NULL, err);
}

void rg_dirname(const char *path, char *dir, size_t len)
{
    snprintf(dir, len, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash == NULL)
        snprintf(dir, len, ".");
    else if (slash == dir)
        dir[1] = '\0';
    else
        *slash = '\0';
}

int rg_make_dirs(const char *dir, char *err)
{
    char path[4096];
    if (dir[0] == '\0')
        return 0;
    if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path)
        return rg_err(err, "directory name too long");
    for (char *p = path + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char saved = *p;
        *p = '\0';
        if (mkdir(path, 0777) != 0 && errno != EEXIST)
            return rg_err(err, "cannot create directory '%.400s': %s", path, strerror(errno));
        *p = saved;
        if (saved == '\0')
            break;
    }
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return rg_err(err, "'%.400s' is not a directory", dir);
    return 0;
}

char *rg_read_fd(int fd, size_t *len, size_t max_bytes, const char *name, char *err)
{
    if (max_bytes == 0)
        max_bytes = (size_t)1 << 30;
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
        return rg_read_fd(STDIN_FILENO, len, max_bytes, "standard input", err);
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
    char *buf = rg_read_fd(fd, len, max_bytes, path, err);
    close(fd);
    return buf;
}

FILE *rg_open_output(const char *path, char *err)
{
    /* Links are refused where a planted one could redirect the write; the device and proc
     * trees are the system's own, and /dev/stdout is a link users mean to follow. */
    int follow = strncmp(path, "/dev/", 5) == 0 || strncmp(path, "/proc/", 6) == 0;
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW),
                  0666);
    if (fd < 0) {
        if (errno == ELOOP)
            rg_err_set(err, "cannot write '%s': it is a symbolic link (rigor does not write "
                       "through links; give the file it points to)", path);
        else
            rg_err_set(err, "cannot write '%s': %s", path, strerror(errno));
        return NULL;
    }
    FILE *f = fdopen(fd, "w");
    if (f == NULL) {
        rg_err_set(err, "cannot write '%s': %s", path, strerror(errno));
        close(fd);
    }
    return f;
}
