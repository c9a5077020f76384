/*
 * plan/plan_proc.c — the target processes a plan starts and stops.
 *
 * Design: each `start` command runs as /bin/sh -c COMMAND in a process group of its own
 * (setpgid), so one kill(-pgid) reaches the shell and everything it started (gunicorn's
 * workers, npm's node), and a Ctrl-C on the terminal reaches rigor only — rigor then stops the
 * servers itself, in order. Stopping is SIGTERM to the group, then SIGKILL to whatever is left
 * after a grace period. As a last line of defence the shell gets PR_SET_PDEATHSIG, so even a
 * SIGKILLed rigor takes its direct child down. The command's stdout and stderr go to a temp
 * file (never to rigor's stdout, which carries data) that is quoted when the target fails.
 * The child's PATH starts with the directory of the running rigor, so a plan's
 * "rigor serve ..." runs this very binary, not whatever rigor is installed.
 * A server that daemonizes (leaves the group with setsid) escapes all this: run servers in
 * the foreground (nginx: -g 'daemon off;'). Expected load: a few processes per plan.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "core/clock.h"
#include "core/err.h"
#include "core/io.h"
#include "core/text.h"
#include "core/units.h"
#include "plan/plan_int.h"

extern char **environ;

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* True when entry "NAME=..." has the name of "NAME=value" `def`. */
static bool same_name(const char *entry, const char *def)
{
    size_t n = strcspn(def, "=");
    return strncmp(entry, def, n) == 0 && entry[n] == '=';
}

void pl_proc_env_free(char **e)
{
    for (size_t i = 0; e && e[i]; i++)
        free(e[i]);
    free(e);
}

char **pl_proc_env(char *const *env, size_t nenv, const char *path_prefix)
{
    size_t n = 0, k = 0;
    while (environ[n])
        n++;
    char **out = calloc(n + nenv + 2, sizeof *out);
    const char *path = getenv("PATH");
    if (out == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        bool overridden = strncmp(environ[i], "PATH=", 5) == 0;
        for (size_t j = 0; j < nenv && !overridden; j++)
            overridden = same_name(environ[i], env[j]);
        if (!overridden && (out[k++] = strdup(environ[i])) == NULL)
            goto oom;
    }
    for (size_t j = 0; j < nenv; j++) {
        if (strncmp(env[j], "PATH=", 5) == 0)
            path = env[j] + 5;
        else if ((out[k++] = strdup(env[j])) == NULL)
            goto oom;
    }
    if (path == NULL || *path == '\0')
        path = "/usr/local/bin:/usr/bin:/bin";
    if (asprintf(&out[k], "PATH=%s%s%s", path_prefix ? path_prefix : "",
                 path_prefix ? ":" : "", path) < 0) {
        out[k] = NULL;
        goto oom;
    }
    return out;
oom:
    pl_proc_env_free(out);
    return NULL;
}

/* In the child, after fork: new group, output to the log, exec the shell. Never returns. */
static void child_exec(const char *command, int logfd, char **envp, pid_t parent)
{
    sigset_t none;
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent)  /* rigor died between fork and prctl */
        _exit(127);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGPIPE, SIG_DFL);
    int in = open("/dev/null", O_RDONLY);
    if (in >= 0 && in != 0) {
        dup2(in, 0);
        close(in);
    }
    dup2(logfd, 1);
    dup2(logfd, 2);
    if (logfd > 2)
        close(logfd);
    char *argv[] = {"sh", "-c", (char *)command, NULL};
    execve("/bin/sh", argv, envp);
    _exit(127);
}

int pl_proc_start(pl_proc *pr, const char *command, char *const *env, size_t nenv,
                  const char *path_prefix, char *err)
{
    const char *tmp = getenv("TMPDIR");
    memset(pr, 0, sizeof *pr);
    snprintf(pr->log_path, sizeof pr->log_path, "%s/rigor-target.XXXXXX",
             tmp && *tmp && strlen(tmp) < 200 ? tmp : "/tmp");
    int logfd = mkostemp(pr->log_path, O_CLOEXEC);
    if (logfd < 0) {
        rg_err_set(err, "cannot create a temp file for its output: %s", strerror(errno));
        pr->log_path[0] = '\0';
        return -1;
    }
    char **envp = pl_proc_env(env, nenv, path_prefix);
    pid_t parent = getpid();
    pid_t pid = envp ? fork() : -1;
    if (pid == 0)
        child_exec(command, logfd, envp, parent);
    int saved = errno;
    close(logfd);
    pl_proc_env_free(envp);
    if (pid < 0) {
        rg_err_set(err, "cannot start it: %s", strerror(saved));
        unlink(pr->log_path);
        pr->log_path[0] = '\0';
        return -1;
    }
    setpgid(pid, pid);  /* also here: whichever of parent and child runs first wins */
    pr->pid = pid;
    return 0;
}

bool pl_proc_alive(pl_proc *pr)
{
    int st;
    if (pr->pid <= 0 || pr->exited)
        return false;
    if (waitpid(pr->pid, &st, WNOHANG) == pr->pid) {
        pr->exited = 1;
        pr->status = st;
        return false;
    }
    return true;
}

void pl_proc_describe_exit(const pl_proc *pr, char *buf, size_t len)
{
    int st = pr->status;
    if (WIFEXITED(st))
        snprintf(buf, len, "exited with status %d", WEXITSTATUS(st));
    else if (WIFSIGNALED(st))
        snprintf(buf, len, "was killed by signal %d (%s)", WTERMSIG(st), strsignal(WTERMSIG(st)));
    else
        snprintf(buf, len, "stopped");
}

int pl_proc_wait_ready(pl_proc *pr, const char *ready, const pl_probe_tls *tls, double timeout_s,
                       volatile sig_atomic_t *stop, char *err)
{
    uint64_t deadline = rg_now_ns() + (uint64_t)(timeout_s * 1e9);
    char last[RG_ERRLEN] = "no answer";
    for (;;) {
        if (stop && *stop)
            return rg_err(err, "interrupted while waiting for it to answer %s", ready);
        if (!pl_proc_alive(pr)) {
            char how[128];
            pl_proc_describe_exit(pr, how, sizeof how);
            return rg_err(err, "its start command %s before %s answered", how, ready);
        }
        uint64_t now = rg_now_ns();
        if (now >= deadline)
            return rg_err(err, "%s did not answer within %s (last try: %.300s)", ready,
                          rg_fmt_seconds((char[32]){0}, 32, timeout_s), last);
        double left = (double)(deadline - now) / 1e9;
        int code = pl_http_probe(ready, tls, left < 1.0 ? left : 1.0, last);
        if (code > 0)
            return 0;
        if (code == -2)
            return rg_err(err, "%s: %s", ready, last);
        sleep_ms(50);
    }
}

/* Reap whatever of the group has exited (the leader, and orphans adopted as subreaper). */
static void reap_group(pl_proc *pr)
{
    int st;
    pid_t r;
    while ((r = waitpid(-pr->pid, &st, WNOHANG)) > 0) {
        if (r == pr->pid) {
            pr->exited = 1;
            pr->status = st;
        }
    }
}

/* True while any process of the group exists (zombies included, hence reap_group first). */
static bool group_exists(pid_t pgid)
{
    return kill(-pgid, 0) == 0 || errno == EPERM;
}

void pl_proc_stop(pl_proc *pr, double grace_s)
{
    if (pr->pid > 0) {
        uint64_t deadline = rg_now_ns() + (uint64_t)(grace_s * 1e9);
        bool killed = false;
        kill(-pr->pid, SIGTERM);
        for (int i = 0;; i++) {
            reap_group(pr);
            if (!group_exists(pr->pid))
                break;
            if (!killed && rg_now_ns() >= deadline) {
                kill(-pr->pid, SIGKILL);
                killed = true;
                deadline = rg_now_ns() + 2000000000ULL;
            } else if (killed && rg_now_ns() >= deadline) {
                /* Members that are not ours (no subreaper) are init's to reap. */
                break;
            }
            sleep_ms(i < 10 ? 2 : 10);
        }
        pr->pid = 0;
    }
    if (pr->log_path[0] != '\0') {
        unlink(pr->log_path);
        pr->log_path[0] = '\0';
    }
}

void pl_proc_adopt_orphans(void)
{
    prctl(PR_SET_CHILD_SUBREAPER, 1);
}

char *pl_proc_tail(const pl_proc *pr, size_t max)
{
    size_t len = 0;
    char e[RG_ERRLEN];
    char *text = pr->log_path[0] ? rg_read_file(pr->log_path, &len, 0, e) : NULL;
    const char *s = text ? text : "";
    if (len > max) {
        s = text + len - max;
        const char *nl = strchr(s, '\n');
        if (nl && nl[1])
            s = nl + 1;
    }
    while (*s == '\n')
        s++;
    size_t lines = 1;
    for (const char *q = s; *q; q++)
        lines += *q == '\n';
    char *out = malloc(strlen(s) + lines * 4 + 32);
    if (out == NULL) {
        free(text);
        return NULL;
    }
    char *o = out;
    if (*s == '\0')
        o += sprintf(o, "  | (no output)");
    for (const char *q = s; *q;) {
        size_t n = strcspn(q, "\n");
        o += sprintf(o, "  | %.*s", (int)n, q);
        q += n;
        if (*q == '\n' && *++q)
            *o++ = '\n';
    }
    *o = '\0';
    free(text);
    return out;
}

int pl_self_dir(char *buf, size_t len)
{
    char path[4096];
    ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
    if (n <= 0)
        return -1;
    path[n] = '\0';
    snprintf(buf, len, "%s", dirname(path));
    return 0;
}

char *pl_proc_last_line(const pl_proc *pr, char *buf, size_t len)
{
    char tail[4097];
    struct stat st;
    ssize_t n = 0;
    buf[0] = '\0';
    int fd = pr->log_path[0] ? open(pr->log_path, O_RDONLY | O_CLOEXEC) : -1;
    if (fd >= 0 && fstat(fd, &st) == 0) {
        off_t from = st.st_size > 4096 ? st.st_size - 4096 : 0;
        n = pread(fd, tail, 4096, from);
    }
    if (fd >= 0)
        close(fd);
    tail[n > 0 ? n : 0] = '\0';
    char *end = tail + strlen(tail);   /* a NUL in the output ends it early: fine here */
    while (end > tail && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' '))
        *--end = '\0';
    char *line = strrchr(tail, '\n');
    return rg_text_clean(buf, len, line ? line + 1 : tail);
}
