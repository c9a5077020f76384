/*
 * report/rp_gnuplot.c — run gnuplot, an external program, on the chart scripts.
 *
 * Design: gnuplot is found as $GNUPLOT (a path, or a name searched on PATH) or as `gnuplot`
 * on PATH. Each chart is one `gnuplot NAME.gp` process started with fork/exec in the report
 * directory (the scripts name their .dat and output files relative to it, so a user can rerun
 * them there), stdin and stdout on /dev/null and stderr into an unlinked temporary file that
 * is read back when the process fails. At most `jobs` run at once. We wait for our own PIDs
 * only (waitpid(pid, WNOHANG) in a short poll), never waitpid(-1): `rigor run --report` may
 * have other children, such as target servers. A process still running after
 * RP_GNUPLOT_TIMEOUT_S is killed (SIGKILL, its PID only) and reported.
 *
 * gnuplot opens its output with fopen, which follows a symlink: a `box.png -> /tmp/victim`
 * planted in the report directory would be written through. So gnuplot never writes to the
 * final name: rigor makes a private directory (mkdtemp, mode 0700) inside the report
 * directory, runs `gnuplot -e "outfile='.rigor-render.XXXXXX/NAME.png'" NAME.gp` (each script
 * writes to `outfile` when it is defined), and renames the finished file over NAME.png, so
 * no half-drawn chart ever has the final name. The rules are rg_write_atomic's (core/io.h):
 * a symbolic link at NAME.png is refused and left alone (the chart fails with a message),
 * a new chart gets the mode gnuplot created it with (the user's umask), an existing one keeps
 * its mode. The private directory is removed at the end, failed or not.
 *
 * Expected load: about eight processes of ~50 ms each.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "core/clock.h"
#include "core/cli.h"
#include "core/err.h"
#include "core/io.h"
#include "core/log.h"
#include "core/units.h"
#include "report/report_int.h"

#define RP_GNUPLOT_TIMEOUT_S 120

struct job {
    pid_t pid;
    FILE *errf;
    uint64_t started_ns;
    size_t chart;
    int killed;
};

/* Is path an executable regular file? */
static int executable(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* Resolve the gnuplot program into out; 0 when found, -1 otherwise. */
static int find_gnuplot(char *out, size_t len)
{
    const char *name = getenv("GNUPLOT");
    if (name == NULL || *name == '\0')
        name = "gnuplot";
    if (strchr(name, '/') != NULL) {
        snprintf(out, len, "%s", name);
        return executable(out) ? 0 : -1;
    }
    const char *path = getenv("PATH");
    if (path == NULL)
        return -1;
    for (const char *p = path; *p;) {
        const char *end = strchr(p, ':');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        snprintf(out, len, "%.*s/%s", (int)n, n ? p : ".", name);
        if (executable(out))
            return 0;
        p += n + (end != NULL);
    }
    return -1;
}

static int start_job(struct job *j, const char *prog, const char *dir, const char *script,
                     const char *outfile)
{
    j->errf = tmpfile();
    if (j->errf == NULL)
        return -1;
    j->pid = fork();
    if (j->pid < 0) {
        fclose(j->errf);
        j->errf = NULL;
        return -1;
    }
    if (j->pid == 0) {
        int null = open("/dev/null", O_RDWR);
        if (null < 0 || chdir(dir) != 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 ||
            dup2(fileno(j->errf), 2) < 0)
            _exit(126);
        execl(prog, prog, "-e", outfile, script, (char *)NULL);
        dprintf(2, "cannot run %s: %s\n", prog, strerror(errno));
        _exit(127);
    }
    j->started_ns = rg_now_ns();
    j->killed = 0;
    return 0;
}

/* The first line of the job's stderr (gnuplot names the line of the script), into buf. */
static void job_stderr(struct job *j, char *buf, size_t len)
{
    buf[0] = '\0';
    rewind(j->errf);
    size_t n = fread(buf, 1, len - 1, j->errf);
    buf[n] = '\0';
    for (char *p = buf; *p; p++)
        if (*p == '\n' && p[1] != '\0')
            *p = ' ';
    size_t l = strlen(buf);
    while (l > 0 && (buf[l - 1] == '\n' || buf[l - 1] == ' '))
        buf[--l] = '\0';
}

/* Move the finished chart from the private directory over DIR/NAME.EXT; 0 or -1 (errno). */
/*
 * Move the finished chart over DIR/NAME.EXT, with the rules of rg_write_atomic (core/io.h): a
 * symbolic link or anything but a regular file there is refused and left alone (err set);
 * an existing chart's mode is kept. 0, or -1 with err.
 */
static int publish(const char *dir, const char *tmp, const rp_chart *ch, const char *ext,
                   char *err)
{
    char from[4200], to[4200];
    struct stat st;
    snprintf(from, sizeof from, "%s/%s/%s.%s", dir, tmp, ch->name, ext);
    snprintf(to, sizeof to, "%s/%s.%s", dir, ch->name, ext);
    bool existed = lstat(to, &st) == 0;
    if (existed && S_ISLNK(st.st_mode))
        return rg_err(err, "cannot write '%.300s': it is a symbolic link (rigor does not write "
                      "through links; remove it)", to);
    if (existed && !S_ISREG(st.st_mode))
        return rg_err(err, "cannot write '%.300s': not a regular file", to);
    if (existed)
        chmod(from, st.st_mode & 07777);   /* best effort, like a rewritten dataset */
    if (rename(from, to) != 0)
        return rg_err(err, "cannot move the drawn chart to '%.300s': %s", to, strerror(errno));
    return 0;
}

struct render {
    const char *dir, *tmp, *ext;
};

/* 1 when the job finished (ok or not; *failed set), 0 while it runs. */
static int poll_job(struct job *j, const rp_chart *ch, const struct render *rd, int *failed,
                    char *err)
{
    int status;
    pid_t r = waitpid(j->pid, &status, WNOHANG);
    if (r == 0) {
        if (!j->killed && rg_now_ns() - j->started_ns > (uint64_t)RP_GNUPLOT_TIMEOUT_S * 1000000000u) {
            kill(j->pid, SIGKILL);
            j->killed = 1;
        }
        return 0;
    }
    char msg[400];
    if (r < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        job_stderr(j, msg, sizeof msg);
        char what[64];
        if (j->killed)
            snprintf(what, sizeof what, "timed out after %ds", RP_GNUPLOT_TIMEOUT_S);
        else if (r > 0 && WIFEXITED(status))
            snprintf(what, sizeof what, "exit status %d", WEXITSTATUS(status));
        else
            snprintf(what, sizeof what, "killed by a signal");
        rg_warn("rigor report: gnuplot %s.gp: %s: %s", ch->name, what, msg[0] ? msg : "(no output)");
        if (*failed == 0)
            rg_err_set(err, "gnuplot failed on %.31s.gp (%s): %.300s", ch->name, what,
                       msg[0] ? msg : "(no output)");
        (*failed)++;
    } else {
        char e[RG_ERRLEN];
        if (publish(rd->dir, rd->tmp, ch, rd->ext, e) != 0) {
            rg_warn("rigor report: %s", e);
            if (*failed == 0)
                rg_err_set(err, "%.400s", e);
            (*failed)++;
        }
    }
    fclose(j->errf);
    j->errf = NULL;
    j->pid = 0;
    return 1;
}

/* Remove the private directory and whatever a failed gnuplot left in it. */
static void remove_private(const char *dir, const char *tmp, const rp_chart *charts, size_t n,
                           const char *ext)
{
    char path[4200];
    for (size_t i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/%s/%s.%s", dir, tmp, charts[i].name, ext);
        unlink(path);
    }
    snprintf(path, sizeof path, "%s/%s", dir, tmp);
    if (rmdir(path) != 0)
        rg_warn("rigor report: cannot remove %s: %s", path, strerror(errno));
}

/* Run the charts' scripts, at most jobs at a time; returns the number that failed. */
static int run_all(const char *prog, const struct render *rd, const rp_chart *charts, size_t n,
                   int jobs, struct job *run, char *err)
{
    size_t next = 0, done = 0;
    int failed = 0;
    while (done < n) {
        int active = 0;
        for (int s = 0; s < jobs; s++) {
            if (run[s].pid == 0 && next < n) {
                char script[48], outfile[160];
                snprintf(script, sizeof script, "%s.gp", charts[next].name);
                snprintf(outfile, sizeof outfile, "outfile='%s/%s.%s'", rd->tmp,
                         charts[next].name, rd->ext);
                run[s].chart = next++;
                if (start_job(&run[s], prog, rd->dir, script, outfile) < 0) {
                    rg_err_set(err, "cannot start gnuplot: %s", strerror(errno));
                    failed++;
                    done++;
                    continue;
                }
            }
            if (run[s].pid > 0) {
                active++;
                done += (size_t)poll_job(&run[s], &charts[run[s].chart], rd, &failed, err);
            }
        }
        if (active > 0 && done < n)
            nanosleep(&(struct timespec){0, 5000000}, NULL);
    }
    return failed;
}

int rp_gnuplot_run(const char *dir, const rp_chart *charts, size_t n, int jobs, const char *ext,
                   char *err)
{
    char prog[4096], tmp[4200];
    if (n == 0)
        return 0;
    if (find_gnuplot(prog, sizeof prog) < 0) {
        rg_err_set(err, "gnuplot not found (%s); report.md and the chart scripts "
                   "were written but no chart was drawn: install it (apt-get install gnuplot-nox) "
                   "and rerun", getenv("GNUPLOT") && *getenv("GNUPLOT") ? "$GNUPLOT" : "PATH");
        return RG_EXIT_FAIL;
    }
    if (jobs <= 0)
        jobs = 2;
    snprintf(tmp, sizeof tmp, "%s/.rigor-render.XXXXXX", dir);
    if (mkdtemp(tmp) == NULL) {
        rg_err_set(err, "cannot create a directory in '%.300s' to draw the charts in: %s", dir,
                   strerror(errno));
        return RG_EXIT_FAIL;
    }
    struct render rd = {dir, strrchr(tmp, '/') + 1, ext};
    struct job *run = calloc((size_t)jobs, sizeof *run);
    if (run == NULL) {
        remove_private(dir, rd.tmp, charts, 0, ext);
        return rg_err(err, "out of memory");
    }
    int failed = run_all(prog, &rd, charts, n, jobs, run, err);
    free(run);
    remove_private(dir, rd.tmp, charts, n, ext);
    return failed ? RG_EXIT_FAIL : 0;
}
