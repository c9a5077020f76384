/*
 * core/dataset_lock.c — saving runs to a dataset file that other processes may be writing at
 * the same time (rg_dataset_save_runs, core/dataset.h).
 *
 * Two `rigor load -o same.json` at once used to each load the file, append their runs in
 * memory and rename their own version over it: the last rename won and the other's runs
 * vanished. A save is now a load-modify-write cycle under flock(LOCK_EX) on the dataset file
 * itself (no lock file left beside it). A save replaces the file by rename, so the inode a
 * writer locked may stop being the file while it waits: once the lock is granted the locked
 * descriptor's (st_dev, st_ino) is compared with the path's, and the cycle starts again on a
 * mismatch (the lock then taken is on the file the other writer left). A file that does not
 * exist yet has nothing to lock: it is created with link() (RG_WRITE_CREATE), which fails if
 * another writer created it first; that file is then locked and merged like any other.
 *
 * Whether the file changed since this writer last read or wrote it is told by its identity
 * (device, inode, size, mtime): rigor's writers always put a new inode in place, so the same
 * identity means the same content, and the common case, one writer, costs no re-read. When
 * it changed, the file is read again (from the locked descriptor) and this writer's unsaved
 * runs are appended to it: runs are only ever added by concurrent writers, so that merge
 * loses nothing.
 * Expected load: one save per run, seconds apart; a re-read only after another writer saved.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include "core/dataset.h"
#include "core/dataset_int.h"
#include "core/err.h"
#include "core/io.h"

static void remember(rg_dataset_file *df, const struct stat *st, const json_t *ds)
{
    df->known = 1;
    df->dev = st->st_dev;
    df->ino = st->st_ino;
    df->size = st->st_size;
    df->mtime = st->st_mtim;
    df->saved = json_array_size(json_object_get(ds, "runs"));
}

static int same_file(const rg_dataset_file *df, const struct stat *st)
{
    return df->known && df->dev == st->st_dev && df->ino == st->st_ino &&
           df->size == st->st_size && df->mtime.tv_sec == st->st_mtim.tv_sec &&
           df->mtime.tv_nsec == st->st_mtim.tv_nsec;
}

/* Parse what the open descriptor holds (from its start). New reference or NULL with err. */
static json_t *load_fd(int fd, const char *path, char *err)
{
    size_t len;
    char *text = rg_read_fd(fd, &len, MAX_DATASET_BYTES, path, err);
    if (text == NULL)
        return NULL;
    json_t *ds = rg_dataset_parse(path, text, len, err);
    free(text);
    return ds;
}

json_t *rg_dataset_load_tracked(const char *path, rg_dataset_file *df, char *err)
{
    memset(df, 0, sizeof *df);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        rg_err_set(err, "cannot open '%s': %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    if (S_ISDIR(st.st_mode)) {
        close(fd);
        rg_err_set(err, "'%s' is a directory, not a file", path);
        return NULL;
    }
    json_t *ds = load_fd(fd, path, err);
    close(fd);
    if (ds != NULL)
        remember(df, &st, ds);
    return ds;
}

/*
 * Open and lock the file now at path. Returns the descriptor (st filled), -2 when there is
 * no file, -1 with err. Filesystems without flock (some network ones) are written unlocked.
 */
static int lock_current(const char *path, struct stat *st, char *err)
{
    for (;;) {
        int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0 && errno == ENOENT)
            return -2;
        if (fd < 0 && errno == ELOOP)
            return rg_err(err, "cannot write '%s': it is a symbolic link (rigor does not write "
                          "through links; give the file it points to)", path);
        if (fd < 0)
            return rg_err(err, "cannot open '%s': %s", path, strerror(errno));
        int rc;
        while ((rc = flock(fd, LOCK_EX)) != 0 && errno == EINTR)
            ;   /* a signal (Ctrl-C asks for a stop): the save still has to happen */
        if (rc != 0 && errno != ENOLCK && errno != EOPNOTSUPP && errno != ENOSYS) {
            rg_err_set(err, "cannot lock '%s': %s", path, strerror(errno));
            close(fd);
            return -1;
        }
        struct stat now;
        if (fstat(fd, st) == 0 && stat(path, &now) == 0 && now.st_dev == st->st_dev &&
            now.st_ino == st->st_ino)
            return fd;
        close(fd);   /* replaced while we waited for the lock: lock the new file */
    }
}

/* The file changed: ds becomes what it holds now plus ds's unsaved runs. 0 or -1 with err. */
static int merge_from(int fd, const char *path, json_t *ds, const rg_dataset_file *df,
                      char *err)
{
    char e[RG_ERRLEN];
    json_t *cur = load_fd(fd, path, e);
    if (cur == NULL)
        return rg_err(err, "cannot add the runs to '%s', which another process changed: %s",
                      path, e);
    json_t *mine = json_object_get(ds, "runs"), *into = json_object_get(cur, "runs");
    for (size_t i = df->saved; i < json_array_size(mine); i++)
        if (json_array_append(into, json_array_get(mine, i)) != 0) {
            json_decref(cur);
            return rg_err(err, "out of memory");
        }
    json_object_clear(ds);
    int rc = json_object_update(ds, cur);
    json_decref(cur);
    return rc == 0 ? 0 : rg_err(err, "out of memory");
}

/* Serialize and write; df updated on success. 0, RG_WRITE_EXISTS or -1 with err. */
static int write_doc(const char *path, json_t *ds, int flags, rg_dataset_file *df, char *err)
{
    char *text = rg_dataset_dumps(ds);
    if (text == NULL)
        return rg_err(err, "cannot serialize the dataset for '%s' (out of memory?)", path);
    struct stat st;
    int rc = rg_write_atomic_ex(path, text, strlen(text), flags, &st, err);
    free(text);
    if (rc == 0)
        remember(df, &st, ds);
    return rc;
}

int rg_dataset_save_runs(const char *path, json_t *ds, rg_dataset_file *df, char *err)
{
    for (int attempt = 0; attempt < 100; attempt++) {
        struct stat st;
        int fd = lock_current(path, &st, err);
        if (fd == -1)
            return -1;
        if (fd >= 0 && !same_file(df, &st) && merge_from(fd, path, ds, df, err) != 0) {
            close(fd);
            return -1;
        }
        int rc = write_doc(path, ds, fd < 0 ? RG_WRITE_CREATE : 0, df, err);
        if (fd >= 0)
            close(fd);   /* the lock goes with it, after the rename */
        if (rc != RG_WRITE_EXISTS)
            return rc;
        /* another writer created the file since we looked: merge with it */
    }
    return rg_err(err, "cannot save '%s': it keeps being replaced", path);
}
