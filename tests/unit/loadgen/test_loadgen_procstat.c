/*
 * tests/unit/loadgen/test_loadgen_procstat.c — the /proc sampler: a process tree's CPU (children
 * included) and RSS, against what this test makes the tree do. Only "more than zero" and
 * "at least this process" are asserted: no timing thresholds.
 */
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "core/err.h"
#include "core/units.h"
#include "loadgen/loadgen.h"
#include "tests/unit/unit.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void spin(double seconds)
{
    volatile unsigned long x = 0;
    double end = now_s() + seconds;
    while (now_s() < end)
        x++;
}

/* A busy child counts as the parent tree's CPU; RSS covers at least this process. */
static void test_children_cpu(void)
{
    char err[RG_ERRLEN];
    lg_procstat *ps = lg_procstat_new(getpid(), err);
    CHECK_MSG(ps != NULL, "%s", err);
    if (ps == NULL)
        return;
    pid_t child = fork();
    if (child == 0) {
        spin(0.4);
        pause();
        _exit(0);
    }
    struct timespec t = {0, 600000000};
    nanosleep(&t, NULL);   /* the parent itself is idle */
    double cpu = -1;
    uint64_t rss = 0;
    CHECK_INT(lg_procstat_sample(ps, &cpu, &rss), 0);
    CHECK_MSG(cpu > 0, "cpu_pct %g: the child's work is missing", cpu);
    CHECK(rss > 100);
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    CHECK_INT(lg_procstat_sample(ps, &cpu, &rss), 0);
    CHECK(cpu >= 0);   /* a reaped child moves to cutime: no negative delta */
    lg_procstat_free(ps);
}

static void test_gone(void)
{
    char err[RG_ERRLEN] = "";
    pid_t child = fork();
    if (child == 0)
        _exit(0);
    lg_procstat *ps = lg_procstat_new(child, err);   /* a zombie still has /proc */
    waitpid(child, NULL, 0);
    if (ps != NULL) {
        double cpu;
        uint64_t rss;
        CHECK_INT(lg_procstat_sample(ps, &cpu, &rss), -1);
        lg_procstat_free(ps);
    }
    CHECK(lg_procstat_new(child, err) == NULL);
    CHECK_HAS(err, "no process");
    CHECK(lg_procstat_new(0, err) == NULL);
    lg_procstat_free(NULL);
}

int main(void)
{
    RUN(test_children_cpu);
    RUN(test_gone);
    return unit_done();
}
