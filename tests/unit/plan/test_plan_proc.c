/*
 * tests/unit/plan/test_plan_proc.c — target processes and the readiness probe.
 *
 * A tiny HTTP server runs in a thread of the test (loopback, ephemeral port) so the probe and
 * the readiness wait have something real to talk to; processes are /bin/sh commands whose
 * PIDs are written to files, so the test can check that every one of them is gone.
 */
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "core/err.h"
#include "core/io.h"
#include "core/units.h"
#include "plan/plan_int.h"
#include "tests/unit/unit.h"

static char err[RG_ERRLEN];
static char dir[] = "/tmp/rigor-test-proc.XXXXXX";

struct srv {
    int fd;
    int port;
    const char *answer;
    volatile int stop;
    pthread_t th;
};

static void *serve(void *arg)
{
    struct srv *s = arg;
    while (!s->stop) {
        int c = accept(s->fd, NULL, NULL);
        if (c < 0)
            continue;
        char buf[2048];
        ssize_t n = read(c, buf, sizeof buf);
        (void)n;
        if (write(c, s->answer, strlen(s->answer)) < 0)
            (void)0;
        close(c);
    }
    return NULL;
}

static int srv_start(struct srv *s, const char *answer)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t al = sizeof a;
    s->fd = socket(AF_INET, SOCK_STREAM, 0);
    s->answer = answer;
    s->stop = 0;
    if (s->fd < 0 || bind(s->fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(s->fd, 16) != 0)
        return -1;
    getsockname(s->fd, (struct sockaddr *)&a, &al);
    s->port = ntohs(a.sin_port);
    return pthread_create(&s->th, NULL, serve, s);
}

static void srv_stop(struct srv *s)
{
    s->stop = 1;
    shutdown(s->fd, SHUT_RDWR);
    close(s->fd);
    pthread_join(s->th, NULL);
}

/* A port with nothing listening (bound then closed). */
static int closed_port(void)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t al = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    bind(fd, (struct sockaddr *)&a, sizeof a);
    getsockname(fd, (struct sockaddr *)&a, &al);
    close(fd);
    return ntohs(a.sin_port);
}

static pid_t read_pid(const char *name)
{
    char path[256], e[RG_ERRLEN];
    size_t len;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    for (int i = 0; i < 200; i++) {  /* the shell writes it soon after starting */
        char *t = rg_read_file(path, &len, 0, e);
        if (t && len > 0) {
            pid_t p = (pid_t)atoi(t);
            free(t);
            return p;
        }
        free(t);
        usleep(10000);
    }
    return -1;
}

static bool gone(pid_t p)
{
    return p > 0 && kill(p, 0) != 0 && errno == ESRCH;
}

static void test_probe(void)
{
    struct srv s;
    char url[64];
    CHECK(srv_start(&s, "HTTP/1.1 204 No Content\r\n\r\n") == 0);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/x", s.port);
    CHECK_INT(pl_http_probe(url, NULL, 2, err), 204);
    srv_stop(&s);
    CHECK(srv_start(&s, "SSH-2.0-OpenSSH\r\n") == 0);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/", s.port);
    CHECK_INT(pl_http_probe(url, NULL, 2, err), -1);
    CHECK_HAS(err, "not an HTTP/1.x response");
    srv_stop(&s);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/", closed_port());
    CHECK_INT(pl_http_probe(url, NULL, 2, err), -1);
    CHECK_HAS(err, "Connection refused");
}

static void test_exit_before_ready(void)
{
    pl_proc pr;
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/", closed_port());
    CHECK(pl_proc_start(&pr, "echo 'cannot bind: address in use' >&2; exit 3", NULL, 0, NULL,
                        err) == 0);
    CHECK(pl_proc_wait_ready(&pr, url, NULL, 10, NULL, err) != 0);
    CHECK_HAS(err, "exited with status 3");
    char *tail = pl_proc_tail(&pr, 2000);
    CHECK_HAS(tail, "  | cannot bind: address in use");
    free(tail);
    pl_proc_stop(&pr, 1);
    CHECK_INT(pr.pid, 0);
}

static void test_ready_env_path(void)
{
    struct srv s;
    pl_proc pr;
    char url[64], *env[] = {"RIGOR_T=hello there"};
    CHECK(srv_start(&s, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n") == 0);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/", s.port);
    CHECK(pl_proc_start(&pr, "echo \"$RIGOR_T\"; echo \"$PATH\"; exec sleep 30", env, 1,
                        "/opt/rigor-bin", err) == 0);
    CHECK_MSG(pl_proc_wait_ready(&pr, url, NULL, 10, NULL, err) == 0, "%s", err);
    CHECK(pl_proc_alive(&pr));
    usleep(100000);
    char *tail = pl_proc_tail(&pr, 2000);
    CHECK_HAS(tail, "  | hello there\n  | /opt/rigor-bin:");
    free(tail);
    pid_t pid = pr.pid;
    pl_proc_stop(&pr, 2);
    CHECK(gone(pid));
    srv_stop(&s);
}

static void test_ready_timeout_and_stop_flag(void)
{
    pl_proc pr;
    char url[64];
    volatile sig_atomic_t stop = 0;
    snprintf(url, sizeof url, "http://127.0.0.1:%d/", closed_port());
    CHECK(pl_proc_start(&pr, "exec sleep 30", NULL, 0, NULL, err) == 0);
    CHECK(pl_proc_wait_ready(&pr, url, NULL, 0.3, &stop, err) != 0);
    CHECK_HAS(err, "did not answer within");
    CHECK_HAS(err, "Connection refused");
    stop = 1;
    CHECK(pl_proc_wait_ready(&pr, url, NULL, 10, &stop, err) != 0);
    CHECK_HAS(err, "interrupted");
    pid_t pid = pr.pid;
    pl_proc_stop(&pr, 2);
    CHECK(gone(pid));
}

/* The whole group goes: a background grandchild, and one that ignores SIGTERM. */
static void test_stop_group(void)
{
    pl_proc pr;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "sleep 30 & echo $! > %s/bg; "
             "sh -c 'trap \"\" TERM; echo $$ > %s/stubborn; while :; do sleep 1; done' & "
             "echo $$ > %s/leader; wait", dir, dir, dir);
    CHECK(pl_proc_start(&pr, cmd, NULL, 0, NULL, err) == 0);
    pid_t bg = read_pid("bg"), st = read_pid("stubborn"), leader = read_pid("leader");
    CHECK(bg > 0 && st > 0 && leader == pr.pid);
    CHECK(pl_proc_alive(&pr));
    pl_proc_stop(&pr, 0.3);   /* TERM, then KILL for the stubborn one */
    CHECK_MSG(gone(bg), "background child %d survived", (int)bg);
    CHECK_MSG(gone(st), "TERM-ignoring child %d survived", (int)st);
    CHECK_MSG(gone(leader), "leader %d survived", (int)leader);
    pl_proc_stop(&pr, 0.3);   /* twice is harmless */
}

static void test_self_dir(void)
{
    char d[4096];
    CHECK(pl_self_dir(d, sizeof d) == 0);
    CHECK_HAS(d, "/tests");
}

int main(void)
{
    if (mkdtemp(dir) == NULL)
        return 1;
    pl_proc_adopt_orphans();
    RUN(test_probe);
    RUN(test_exit_before_ready);
    RUN(test_ready_env_path);
    RUN(test_ready_timeout_and_stop_flag);
    RUN(test_stop_group);
    RUN(test_self_dir);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        return 1;
    return unit_done();
}
