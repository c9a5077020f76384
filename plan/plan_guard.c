/*
 * plan/plan_guard.c — servers started by a plan never outlive it.
 *
 * What plan_proc.c does is not enough on its own: the start shell's process group and its
 * PR_SET_PDEATHSIG reach the shell and what stays in its group, but not a server that left
 * the group (setsid, a daemonizing start command), and a SIGKILLed rigor stops nothing at
 * all, since PDEATHSIG reaches the direct child only while the server is usually a grandchild
 * (sh -c "cd dir && exec server"). Three more pieces here:
 *
 * 1. A mark. Every start command runs with RIGOR_PLAN_ID=TOKEN/T in its environment (TOKEN
 *    unique to this rigor process, T the target's index). Whatever it starts inherits it,
 *    groups and sessions notwithstanding, and /proc/PID/environ shows it: the plan's
 *    processes are exactly those that carry the mark (Jenkins' ProcessTreeKiller finds a
 *    build's leftovers the same way). A process that clears its environment escapes it.
 * 2. After a target's group is stopped, the processes still carrying its mark (they left the
 *    group) are stopped too, SIGTERM then SIGKILL, and named.
 * 3. A watchdog: a process forked when the plan starts, in a process group of its own (a
 *    Ctrl-C on the terminal is rigor's business), blocked reading a pipe whose only write
 *    end rigor holds (close-on-exec, so no server inherits it). However rigor ends, SIGKILL
 *    included, the kernel closes that end and the read returns; unless rigor wrote its
 *    "done" byte first, the watchdog stops every process carrying the plan's mark.
 *
 * Finally, a target's port that still answers once all that is done is held by a process
 * the plan did not start: /proc/net/tcp{,6} gives the listening socket's inode and
 * /proc/PID/fd the process holding it, which a warning names (and leaves running).
 * Expected load: a scan of /proc per target stop, a few hundred processes each.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "loadgen/loadgen.h"
#include "plan/plan_int.h"

#define MARK_NAME "RIGOR_PLAN_ID"
#define MAX_FOUND 256

static char token[64];        /* "PID.NANOSECONDS": this plan's mark, empty before start */
static pid_t watchdog_pid;
static int watchdog_fd = -1;

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

int pl_guard_mark(size_t target, char *buf, size_t len)
{
    if (token[0] == '\0')
        return -1;
    snprintf(buf, len, MARK_NAME "=%s/%zu", token, target);
    return 0;
}

/* Does process pid carry the mark (the whole entry when exact, any target's otherwise)? */
static bool has_mark(pid_t pid, const char *mark, bool exact)
{
    char path[64], buf[65536];
    snprintf(path, sizeof path, "/proc/%d/environ", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;   /* gone, or another user's */
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return false;
    buf[n] = '\0';
    size_t mlen = strlen(mark);
    for (const char *e = buf; e < buf + n; e += strlen(e) + 1)
        if (strncmp(e, mark, mlen) == 0 && (!exact || e[mlen] == '\0'))
            return true;
    return false;
}

/* A zombie has exited: kill(pid, 0) still succeeds on it, /proc/PID/stat says 'Z'. */
static bool running(pid_t pid)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "re");
    if (f == NULL)
        return false;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    const char *p = strrchr(buf, ')');
    return p != NULL && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
}

/* The processes carrying mark (not this one), into pids; their number. */
static size_t find_marked(const char *mark, bool exact, pid_t *pids, size_t max)
{
    DIR *d = opendir("/proc");
    size_t n = 0;
    struct dirent *e;
    while (d != NULL && n < max && (e = readdir(d)) != NULL) {
        if (!isdigit((unsigned char)e->d_name[0]))
            continue;
        pid_t pid = (pid_t)atoi(e->d_name);
        if (pid != getpid() && running(pid) && has_mark(pid, mark, exact))
            pids[n++] = pid;
    }
    if (d != NULL)
        closedir(d);
    return n;
}

static const char *describe(pid_t pid, char *buf, size_t len);

/* SIGTERM, then SIGKILL after grace_s, to every running process carrying mark; their number,
 * and the first one described in who. Those that are ours (rigor is the subreaper of
 * orphans) are reaped, one by one: a waitpid(-1) could take another target's shell. */
static size_t stop_marked(const char *mark, bool exact, double grace_s, char *who, size_t len)
{
    pid_t pids[MAX_FOUND];
    size_t n = find_marked(mark, exact, pids, MAX_FOUND);
    if (n == 0)
        return 0;
    describe(pids[0], who, len);
    for (size_t i = 0; i < n; i++)
        kill(pids[i], SIGTERM);
    uint64_t deadline = rg_now_ns() + (uint64_t)(grace_s * 1e9);
    for (bool killed = false;;) {
        size_t left = 0;
        for (size_t i = 0; i < n; i++) {
            waitpid(pids[i], NULL, WNOHANG);
            left += running(pids[i]);
        }
        if (left == 0 || (killed && rg_now_ns() >= deadline))
            break;
        if (!killed && rg_now_ns() >= deadline) {
            for (size_t i = 0; i < n; i++)
                kill(pids[i], SIGKILL);
            killed = true;
            deadline = rg_now_ns() + 2000000000ULL;
        }
        sleep_ms(10);
    }
    return n;
}

/* "1234 (nginx)" for messages. */
static const char *describe(pid_t pid, char *buf, size_t len)
{
    char path[64], comm[64] = "?";
    snprintf(path, sizeof path, "/proc/%d/comm", (int)pid);
    FILE *f = fopen(path, "re");
    if (f != NULL) {
        if (fgets(comm, sizeof comm, f) != NULL)
            comm[strcspn(comm, "\n")] = '\0';
        fclose(f);
    }
    snprintf(buf, len, "%d (%s)", (int)pid, comm);
    return buf;
}

/* The watchdog's life: wait for rigor to end; stop the plan's processes unless told "done". */
static void watchdog_main(int fd, double grace_s)
{
    char c, mark[96], who[96];
    ssize_t n;
    setpgid(0, 0);
    signal(SIGINT, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
        dup2(null, 0);
        dup2(null, 1);
        close(null);
    }
    while ((n = read(fd, &c, 1)) < 0 && errno == EINTR)
        ;
    if (n == 1)
        _exit(0);
    snprintf(mark, sizeof mark, MARK_NAME "=%s/", token);
    size_t k = stop_marked(mark, false, grace_s, who, sizeof who);
    if (k > 0)
        fprintf(stderr, "rigor run: the runner ended without stopping its targets; stopped "
                "%zu process%s started by its plan (%s%s)\n", k, k == 1 ? "" : "es", who,
                k > 1 ? ", ..." : "");
    _exit(0);
}

int pl_guard_start(double grace_s, char *err)
{
    int p[2];
    snprintf(token, sizeof token, "%d.%llx", (int)getpid(), (unsigned long long)rg_now_ns());
    if (pipe2(p, O_CLOEXEC) != 0)
        return rg_err(err, "cannot start the watchdog: %s", strerror(errno));
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        close(p[1]);
        watchdog_main(p[0], grace_s);
    }
    close(p[0]);
    if (pid < 0) {
        close(p[1]);
        return rg_err(err, "cannot start the watchdog: %s", strerror(errno));
    }
    watchdog_pid = pid;
    watchdog_fd = p[1];
    return 0;
}

void pl_guard_end(void)
{
    if (watchdog_fd < 0)
        return;
    (void)!write(watchdog_fd, "q", 1);
    close(watchdog_fd);
    watchdog_fd = -1;
    while (waitpid(watchdog_pid, NULL, 0) < 0 && errno == EINTR)
        ;
}

/* The inode of the socket listening on TCP port (any address, IPv4 or IPv6); 0 if none. */
static unsigned long listening_inode(unsigned port)
{
    static const char *const tables[] = {"/proc/net/tcp", "/proc/net/tcp6"};
    char line[512];
    for (size_t t = 0; t < 2; t++) {
        FILE *f = fopen(tables[t], "re");
        if (f == NULL)
            continue;
        while (fgets(line, sizeof line, f) != NULL) {
            char local[64];
            unsigned st, lport;
            unsigned long inode;
            /* sl local rem st tx:rx tr:when retrnsmt uid timeout inode */
            if (sscanf(line, " %*s %63s %*s %x %*s %*s %*s %*s %*s %lu", local, &st, &inode) != 3)
                continue;
            const char *colon = strrchr(local, ':');
            if (colon && sscanf(colon + 1, "%x", &lport) == 1 && lport == port && st == 0x0A) {
                fclose(f);
                return inode;
            }
        }
        fclose(f);
    }
    return 0;
}

/* The process holding socket inode, or 0 (none found, or another user's). */
static pid_t socket_owner(unsigned long inode)
{
    char want[64], path[600], link[64];
    snprintf(want, sizeof want, "socket:[%lu]", inode);
    DIR *d = opendir("/proc");
    struct dirent *e;
    pid_t found = 0;
    while (d != NULL && found == 0 && (e = readdir(d)) != NULL) {
        if (!isdigit((unsigned char)e->d_name[0]))
            continue;
        snprintf(path, sizeof path, "/proc/%s/fd", e->d_name);
        DIR *fds = opendir(path);
        struct dirent *f;
        while (fds != NULL && found == 0 && (f = readdir(fds)) != NULL) {
            snprintf(path, sizeof path, "/proc/%s/fd/%s", e->d_name, f->d_name);
            ssize_t n = readlink(path, link, sizeof link - 1);
            if (n > 0 && (link[n] = '\0', strcmp(link, want) == 0))
                found = (pid_t)atoi(e->d_name);
        }
        if (fds != NULL)
            closedir(fds);
    }
    if (d != NULL)
        closedir(d);
    return found;
}

/* The target's port still answers after it was stopped: name who holds it. */
static void report_holder(const pl_target *t)
{
    lg_url u;
    char e[RG_ERRLEN], who[96];
    if (lg_url_parse(t->url, &u, e) != 0)
        return;
    unsigned port = u.port;
    lg_url_free(&u);
    unsigned long inode = listening_inode(port);
    pid_t pid = inode ? socket_owner(inode) : 0;
    if (pid > 0)
        rg_warn("target %s: %s still answers after its server was stopped: port %u is held "
                "by process %s, which this plan did not start; left running", t->name,
                t->ready, port, describe(pid, who, sizeof who));
    else
        rg_warn("target %s: %s still answers after its server was stopped, by a process "
                "this user cannot see (port %u); left running", t->name, t->ready, port);
}

void pl_guard_after_stop(const pl_target *t, size_t target, double grace_s)
{
    char mark[96], who[96], e[RG_ERRLEN];
    if (pl_guard_mark(target, mark, sizeof mark) == 0) {
        size_t n = stop_marked(mark, true, grace_s, who, sizeof who);
        if (n > 0)
            rg_warn("target %s: %zu process%s it started had left its process group (%s%s): "
                    "stopped; start servers in the foreground", t->name, n,
                    n == 1 ? "" : "es", who, n > 1 ? ", ..." : "");
    }
    if (pl_http_probe(t->ready, 1.0, e) > 0)
        report_holder(t);
}
