/*
 * tests/fuzz/replay.c — replay driver for fuzz targets without libFuzzer.
 *
 * Each fuzz_NAME.c defines LLVMFuzzerTestOneInput(data, size). Linked with this file it
 * becomes a program that feeds every file named on the command line (directories are
 * walked one level) to the target and prints a TAP line per input, so the corpus in
 * tests/fuzz/corpus/NAME/ runs under `make check` and `make asan`. A crash is a failure.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "core/err.h"
#include "core/io.h"
#include "core/units.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int n;

static int replay_file(const char *path)
{
    char err[RG_ERRLEN];
    size_t len;
    char *buf = rg_read_file(path, &len, 0, err);
    if (buf == NULL) {
        printf("not ok %d - %s: %s\n", ++n, path, err);
        return 1;
    }
    LLVMFuzzerTestOneInput((const uint8_t *)buf, len);
    free(buf);
    printf("ok %d - %s\n", ++n, path);
    return 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int replay_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL;
    size_t count = 0;
    int bad = 0;
    if (d == NULL)
        return 1;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char **grown = realloc(names, (count + 1) * sizeof *names);
        if (grown == NULL)
            break;
        names = grown;
        size_t len = strlen(dir) + strlen(e->d_name) + 2;
        names[count] = malloc(len);
        snprintf(names[count], len, "%s/%s", dir, e->d_name);
        count++;
    }
    closedir(d);
    qsort(names, count, sizeof *names, cmp_names);
    for (size_t i = 0; i < count; i++) {
        bad |= replay_file(names[i]);
        free(names[i]);
    }
    free(names);
    return bad;
}

int main(int argc, char **argv)
{
    int bad = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
            bad |= replay_dir(argv[i]);
        else
            bad |= replay_file(argv[i]);
    }
    printf("1..%d\n", n);
    return bad;
}
