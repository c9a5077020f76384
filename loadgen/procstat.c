/*
 * loadgen/procstat.c — CPU and memory of a server process tree, sampled from /proc.
 *
 * Design: each sample walks /proc once, reading every process's stat line (pid, ppid, utime,
 * stime, rss), then sums the trees rooted at the followed pids (each process once). Dead children's CPU survives in
 * the root's cutime/cstime once reaped, so the total keeps growing as workers come and go
 * (a child that died unreaped between samples is lost; the delta is clamped at 0).
 * Expected load: one sample a second, a few hundred processes on the machine.
 */
#include <ctype.h>
#include <stdbool.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/clock.h"
#include "core/err.h"
#include "core/units.h"
#include "loadgen/loadgen.h"
#include "loadgen/lg_int.h"

struct lg_procstat {
    pid_t pids[LG_MAX_PIDS];
    size_t npids;
    uint64_t last_ticks;
    uint64_t last_ns;
};

typedef struct proc_row {
    pid_t pid, ppid;
    uint64_t ticks;      /* utime + stime */
    uint64_t cticks;     /* cutime + cstime */
    uint64_t rss_pages;
} proc_row;

/* Parse /proc/PID/stat; the command name may hold spaces and parentheses, so scan from the
 * last ')'. 0 or -1. */
static int read_stat(pid_t pid, proc_row *r)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "re");
    if (f == NULL)
        return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *p = strrchr(buf, ')');
    if (p == NULL)
        return -1;
    unsigned long long ut, st, cut, cst, rss;
    int ppid;
    /* fields after the name: state ppid pgrp session tty tpgid flags minflt cminflt majflt
     * cmajflt utime stime cutime cstime priority nice threads itrealvalue starttime vsize rss */
    if (sscanf(p + 1, " %*c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %llu %llu"
                      " %*d %*d %*d %*d %*u %*u %llu",
               &ppid, &ut, &st, &cut, &cst, &rss) != 6)
        return -1;
    r->pid = pid;
    r->ppid = ppid;
    r->ticks = ut + st;
    r->cticks = cut + cst;
    r->rss_pages = rss;
    return 0;
}

/* All processes on the machine (caller frees). NULL on failure. */
static proc_row *read_all(size_t *n)
{
    DIR *d = opendir("/proc");
    if (d == NULL)
        return NULL;
    size_t cap = 512, k = 0;
    proc_row *rows = malloc(cap * sizeof *rows);
    struct dirent *e;
    while (rows != NULL && (e = readdir(d)) != NULL) {
        if (!isdigit((unsigned char)e->d_name[0]))
            continue;
        if (k == cap) {
            proc_row *r = realloc(rows, 2 * cap * sizeof *rows);
            if (r == NULL) {
                free(rows);
                rows = NULL;
                break;
            }
            rows = r;
            cap *= 2;
        }
        if (read_stat((pid_t)atoi(e->d_name), &rows[k]) == 0)
            k++;
    }
    closedir(d);
    *n = k;
    return rows;
}

/* Is pid one of the roots? */
static bool is_root(pid_t pid, const pid_t *roots, size_t nroots)
{
    for (size_t i = 0; i < nroots; i++)
        if (roots[i] == pid)
            return true;
    return false;
}

/*
 * Sum the trees rooted at the given pids: marks members by repeated passes over parent
 * links, so a process under two roots (`pidof nginx` names the master and its workers) is
 * counted once. Reaped children's CPU comes from the cutime+cstime of the top roots (those
 * whose parent is not a member). 0, or -1 when no root exists.
 */
static int tree_totals(const pid_t *roots, size_t nroots, uint64_t *ticks, uint64_t *rss_pages)
{
    size_t n = 0;
    proc_row *rows = read_all(&n);
    if (rows == NULL)
        return -1;
    char *in = calloc(n ? n : 1, 1);
    int found = 0;
    for (size_t i = 0; i < n && in; i++)
        if (is_root(rows[i].pid, roots, nroots)) {
            in[i] = 1;
            found = 1;
        }
    for (int changed = found; changed && in;) {
        changed = 0;
        for (size_t i = 0; i < n; i++) {
            if (in[i])
                continue;
            for (size_t j = 0; j < n; j++)
                if (in[j] && rows[j].pid == rows[i].ppid) {
                    in[i] = 1;
                    changed = 1;
                    break;
                }
        }
    }
    *ticks = 0;
    *rss_pages = 0;
    for (size_t i = 0; i < n && in && found; i++) {
        if (!in[i])
            continue;
        *ticks += rows[i].ticks;
        *rss_pages += rows[i].rss_pages;
        bool top = true;
        for (size_t j = 0; j < n && top; j++)
            top = !(in[j] && rows[j].pid == rows[i].ppid);
        if (top)
            *ticks += rows[i].cticks;
    }
    free(in);
    free(rows);
    return found ? 0 : -1;
}

lg_procstat *lg_procstat_new(pid_t pid, char *err)
{
    return lg_procstat_new_set(&pid, 1, err);
}

lg_procstat *lg_procstat_new_set(const pid_t *pids, size_t n, char *err)
{
    uint64_t ticks = 0, rss = 0;
    if (n == 0 || n > LG_MAX_PIDS || pids[0] <= 0 || tree_totals(pids, n, &ticks, &rss) < 0) {
        rg_err_set(err, "no process with pid %d to monitor", n ? (int)pids[0] : 0);
        return NULL;
    }
    lg_procstat *ps = malloc(sizeof *ps);
    if (ps == NULL) {
        rg_err_set(err, "out of memory");
        return NULL;
    }
    memcpy(ps->pids, pids, n * sizeof *pids);
    ps->npids = n;
    ps->last_ticks = ticks;
    ps->last_ns = rg_now_ns();
    return ps;
}

int lg_procstat_sample(lg_procstat *ps, double *cpu_pct, uint64_t *rss_kb)
{
    uint64_t ticks = 0, rss = 0;
    if (tree_totals(ps->pids, ps->npids, &ticks, &rss) < 0)
        return -1;
    uint64_t now = rg_now_ns();
    double dt = (double)(now - ps->last_ns) / 1e9;
    double dticks = ticks > ps->last_ticks ? (double)(ticks - ps->last_ticks) : 0.0;
    long hz = sysconf(_SC_CLK_TCK);
    *cpu_pct = dt > 0 ? 100.0 * dticks / (double)(hz > 0 ? hz : 100) / dt : 0.0;
    *rss_kb = rss * (uint64_t)sysconf(_SC_PAGESIZE) / 1024;
    ps->last_ticks = ticks;
    ps->last_ns = now;
    return 0;
}

void lg_procstat_free(lg_procstat *ps)
{
    free(ps);
}
