/*
 * plan/plan_remote.c — one step of a plan on several load hosts (docs/distributed.md): the
 * coordinator's side of a distributed run.
 *
 * Design: rigor does not manage a cluster; it starts `rigor load` on every host through the
 * plan's "remote" command template (ssh {host}, ip netns exec {host}, kubectl exec -i {host}
 * --, docker exec -i {host}...), run by /bin/sh with the load's arguments appended. Those
 * words are all shell-safe, or hex-encoded into --args-hex, so they reach the host unchanged
 * whether the template execs a program or hands a line to a remote shell, as ssh does. Each
 * host gets --split I/N of the cell, the same --start-at (a whole second of the coordinator's
 * clock, start_lead ahead, placed so the window starts on a whole second), --clock-probe and
 * -o -. The coordinator keeps every host's stdin and stdout as pipes: it answers each clock
 * probe line at once with its wall clock, then collects the dataset the host writes at the
 * end. Closing a host's stdin stops it (the load watches for end of input), which is how an
 * interrupt reaches hosts behind ssh without a terminal; a host still running well after
 * the window's end is lagging and is killed. Every host's run then goes to pl_merge: one
 * failed, late, killed or lagging host makes the merged run incomplete, naming it.
 * While the hosts run, a server started by the plan is sampled here once a second of the
 * window, on the same whole seconds as the merged series.
 * Expected load: one call per step; a few to a few hundred hosts; a poll every 50 ms.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "core/clock.h"
#include "core/dataset.h"
#include "core/err.h"
#include "core/log.h"
#include "loadgen/loadgen.h"
#include "plan/plan_int.h"
#include "plan/plan_remote_int.h"

#define RM_MAX_OUTPUT ((size_t)512 << 20)   /* a host's dataset: far above one run */

/* One host's probe line: answer "rigor-clock SEQ NS" at once. */
static void answer_probe(rm_host *h, const char *line)
{
    char reply[96];
    int seq = atoi(line + strlen(LG_PROBE_ASK));
    int n = snprintf(reply, sizeof reply, "%s %d %lld\n", LG_PROBE_REPLY, seq,
                     (long long)lg_wall_ns());
    if (h->in_fd >= 0 && write(h->in_fd, reply, (size_t)n) != n)
        rg_debug("%s: cannot answer its clock probe: %s", h->name, strerror(errno));
    h->probes++;
}

static int append(rm_host *h, const char *p, size_t n)
{
    if (h->len + n + 1 > h->cap) {
        size_t cap = h->cap ? h->cap : 65536;
        while (cap < h->len + n + 1)
            cap *= 2;
        if (cap > RM_MAX_OUTPUT)
            return -1;
        char *b = realloc(h->out, cap);
        if (b == NULL)
            return -1;
        h->out = b;
        h->cap = cap;
    }
    memcpy(h->out + h->len, p, n);
    h->len += n;
    h->out[h->len] = '\0';
    return 0;
}

/*
 * What a host wrote on stdout: probe lines until the dataset begins (a line starting with
 * '{'), then the dataset. Anything else before it is kept too, so the parse fails and says.
 */
static void feed(rm_host *h, const char *buf, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (h->data) {
            if (append(h, buf + i, n - i) != 0)
                snprintf(h->problem, sizeof h->problem, "its output is too large");
            return;
        }
        if (buf[i] != '\n') {
            if (h->llen + 1 < sizeof h->line)
                h->line[h->llen++] = buf[i];
            if (h->llen == 1 && buf[i] == '{') {   /* the dataset: keep the rest as it is */
                h->data = true;
                h->llen = 0;
                if (append(h, "{", 1) != 0 || append(h, buf + i + 1, n - i - 1) != 0)
                    snprintf(h->problem, sizeof h->problem, "its output is too large");
                return;
            }
            continue;
        }
        h->line[h->llen] = '\0';
        if (strncmp(h->line, LG_PROBE_ASK " ", strlen(LG_PROBE_ASK) + 1) == 0)
            answer_probe(h, h->line);
        else if (h->llen > 0 && append(h, h->line, h->llen) == 0)
            append(h, "\n", 1);
        h->llen = 0;
    }
}

/* Read what is there from every host's stdout (poll up to wait_ms). */
static void pump(rm_step *s, int wait_ms)
{
    struct pollfd pfd[s->n];
    size_t idx[s->n], k = 0;
    for (size_t i = 0; i < s->n; i++)
        if (s->h[i].out_fd >= 0) {
            pfd[k] = (struct pollfd){.fd = s->h[i].out_fd, .events = POLLIN};
            idx[k++] = i;
        }
    if (k == 0 || poll(pfd, k, wait_ms) <= 0) {
        if (k == 0)
            nanosleep(&(struct timespec){0, (long)wait_ms * 1000000L}, NULL);
        return;
    }
    for (size_t j = 0; j < k; j++) {
        rm_host *h = &s->h[idx[j]];
        char buf[65536];
        if (!(pfd[j].revents & (POLLIN | POLLHUP | POLLERR)))
            continue;
        ssize_t r = read(h->out_fd, buf, sizeof buf);
        if (r > 0) {
            feed(h, buf, (size_t)r);
        } else if (r == 0 || (errno != EINTR && errno != EAGAIN)) {
            close(h->out_fd);
            h->out_fd = -1;
        }
    }
}

static bool host_done(rm_host *h)
{
    if (!h->pr.exited)
        pl_proc_alive(&h->pr);
    return h->out_fd < 0 && h->pr.exited;
}

/* Close every host's stdin: each load stops within about a second and writes its run. */
static void close_inputs(rm_step *s)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->h[i].in_fd >= 0) {
            close(s->h[i].in_fd);
            s->h[i].in_fd = -1;
        }
}

/* Kill the hosts still running (TERM, then KILL after the grace), naming them. */
static void kill_lagging(rm_step *s, const char *why)
{
    for (size_t i = 0; i < s->n; i++) {
        rm_host *h = &s->h[i];
        if (host_done(h))
            continue;
        if (h->problem[0] == '\0')
            snprintf(h->problem, sizeof h->problem, "%s", why);
        char keep[sizeof h->pr.log_path];
        snprintf(keep, sizeof keep, "%s", h->pr.log_path);
        h->pr.log_path[0] = '\0';   /* pl_proc_stop would remove the log we still quote */
        pl_proc_stop(&h->pr, s->p->stop_grace_s);
        snprintf(h->pr.log_path, sizeof h->pr.log_path, "%s", keep);
        h->pr.exited = 1;
        if (h->out_fd >= 0) {
            close(h->out_fd);
            h->out_fd = -1;
        }
    }
}

/* The progress line while the hosts run. */
static void progress(const rm_step *s, int64_t now, size_t running)
{
    double to_start = (double)(s->window_start - now) / 1e9;
    double in = (double)(now - s->window_start) / 1e9;
    if (to_start > 0)
        rg_progress("%s #%d on %zu hosts: window starts in %.1f s (%zu probes answered)",
                    s->label, s->run, s->n, to_start, s->probes);
    else if (in < s->p->duration_s)
        rg_progress("%s #%d on %zu hosts: %.0f/%.0f s", s->label, s->run, s->n, in,
                    s->p->duration_s);
    else
        rg_progress("%s #%d: waiting for %zu of %zu hosts' results", s->label, s->run,
                    running, s->n);
}

/*
 * A host that ended before the window's end without writing a dataset has failed: the
 * merged run cannot be complete, so the others are stopped too (their load would only
 * be wasted).
 */
static bool failed_early(rm_step *s, int64_t now)
{
    for (size_t i = 0; i < s->n && now < s->window_end; i++)
        if (host_done(&s->h[i]) && !s->h[i].data) {
            rg_debug("%s ended before the window's end: stopping the other hosts", s->h[i].name);
            return true;
        }
    return false;
}

/* The loop while the hosts run: probes, output, sampling, interrupt, lagging hosts. */
static void supervise(rm_step *s, volatile sig_atomic_t *stop)
{
    bool stopping = false;
    int64_t stop_deadline = 0;
    for (;;) {
        size_t running = 0;
        bool stop_asked = stop && *stop;
        s->probes = 0;
        for (size_t i = 0; i < s->n; i++) {
            running += !host_done(&s->h[i]);
            s->probes += s->h[i].probes;
        }
        if (running == 0)
            break;
        int64_t now = lg_wall_ns();
        if (!stopping && (stop_asked || failed_early(s, now))) {
            for (size_t i = 0; !stop_asked && i < s->n; i++)
                if (!host_done(&s->h[i]) && s->h[i].problem[0] == '\0')
                    snprintf(s->h[i].problem, sizeof s->h[i].problem, "stopped by rigor run: "
                             "another host failed");
            stopping = true;
            stop_deadline = now + (int64_t)((s->p->stop_grace_s + 5) * 1e9);
            close_inputs(s);
        }
        if (stopping && now > stop_deadline) {
            kill_lagging(s, "did not stop after the interrupt");
            break;
        }
        if (!stopping && now > s->deadline) {
            char why[160];
            snprintf(why, sizeof why, "lagging: still running %.0f s after the window's end",
                     (double)(now - s->window_end) / 1e9);
            kill_lagging(s, why);
            break;
        }
        rm_sample_server(s, now);
        progress(s, now, running);
        pump(s, 50);
    }
    rg_progress_clear();
    s->interrupted = stop && *stop;
}

/*
 * How a host's command ended. A shell (the template's, or a remote one) reports a command
 * killed by signal N as status 128 + N, which is said too.
 */
static void describe(const pl_proc *pr, char *buf, size_t len)
{
    pl_proc_describe_exit(pr, buf, len);
    int st = WIFEXITED(pr->status) ? WEXITSTATUS(pr->status) : 0;
    if (st > 128 && st < 128 + 65)
        snprintf(buf + strlen(buf), len - strlen(buf), " (as a shell reports a command that "
                 "was killed by signal %d, %s)", st - 128, strsignal(st - 128));
}

/* Host i's run from its output, or NULL with h->problem said. */
static json_t *host_run(rm_host *h)
{
    char how[128], err[RG_ERRLEN];
    json_error_t je;
    json_t *ds = h->len > 0 ? json_loadb(h->out, h->len, JSON_REJECT_DUPLICATES, &je) : NULL;
    json_t *runs = json_object_get(ds, "runs");
    if (ds && rg_dataset_validate(ds, err) == 0 && json_array_size(runs) == 1) {
        json_t *r = json_incref(json_array_get(runs, 0));
        json_decref(ds);
        h->problem[0] = '\0';   /* it did make its run (stopped, it says so itself) */
        return r;
    }
    json_decref(ds);
    if (h->problem[0] != '\0')
        return NULL;
    char *tail = pl_proc_tail(&h->pr, 600);
    describe(&h->pr, how, sizeof how);
    snprintf(h->problem, sizeof h->problem, "%s without a run%s\n%s", how,
             h->len > 0 ? " (its output is not a dataset of one run)" : "", tail ? tail : "");
    free(tail);
    size_t n = strlen(h->problem);   /* the quoted output's empty last line */
    while (n > 0 && strchr(" |\n", h->problem[n - 1]))
        h->problem[--n] = '\0';
    return NULL;
}

/* When no host made a run: each host's reason, first lines only. */
static void no_run_message(const rm_step *s, char *err)
{
    char msg[RG_ERRLEN];
    size_t len = (size_t)snprintf(msg, sizeof msg, "no load host produced a run:");
    for (size_t i = 0; i < s->n && len < sizeof msg - 1; i++) {
        const char *pr = s->h[i].problem[0] ? s->h[i].problem : "no output";
        len += (size_t)snprintf(msg + len, sizeof msg - len, "\n  %s: %.*s", s->h[i].name,
                                (int)strcspn(pr, "\n"), pr);
        const char *nl = strchr(pr, '\n');   /* and rigor's own message, else the last line */
        const char *last = nl ? strrchr(pr, '\n') : NULL;
        for (const char *q = nl; q && (q = strstr(q, "\n  | rigor")) != NULL; q++)
            last = q;
        if (last && len < sizeof msg - 1) {
            const char *l = last + 1 + strspn(last + 1, " |");
            len += (size_t)snprintf(msg + len, sizeof msg - len, ": %.*s",
                                    (int)strcspn(l, "\n"), l);
        }
    }
    rg_err_set(err, "%s", msg);
}

/* Merge what the hosts made; the step's identity and the coordinator's keys added. */
static json_t *merge_hosts(rm_step *s, char *err)
{
    pl_host_run *in = calloc(s->n, sizeof *in);
    json_t **runs = calloc(s->n, sizeof *runs), *m = NULL;
    if (in == NULL || runs == NULL) {
        rg_err_set(err, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < s->n; i++) {
        runs[i] = host_run(&s->h[i]);
        in[i] = (pl_host_run){s->h[i].name, NULL, runs[i], s->h[i].problem[0] ? s->h[i].problem
                                                                                : NULL};
    }
    pl_merge_opts mo = {s->p->max_skew_s};
    m = pl_merge(in, s->n, &mo, err);
    if (m == NULL && s->n > 0 && in[0].run == NULL)
        no_run_message(s, err);
    if (m != NULL)
        rm_finish_run(s, m);
out:
    for (size_t i = 0; runs && i < s->n; i++)
        json_decref(runs[i]);
    free(runs);
    free(in);
    return m;
}

json_t *pl_remote_step(const pl_plan *p, const pl_target *t, double cell, int run,
                       pid_t server_pid, volatile sig_atomic_t *stop, bool *interrupted,
                       char *err)
{
    rm_step s;
    json_t *m = NULL;
    void (*old_pipe)(int) = signal(SIGPIPE, SIG_IGN);   /* a host gone: EPIPE, not death */
    *interrupted = false;
    if (rm_step_init(&s, p, t, cell, run, server_pid, err) == 0 && rm_start_hosts(&s, err) == 0) {
        supervise(&s, stop);
        *interrupted = s.interrupted;
        m = merge_hosts(&s, err);
    }
    rm_step_free(&s);
    signal(SIGPIPE, old_pipe);
    return m;
}
