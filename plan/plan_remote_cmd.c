/*
 * plan/plan_remote_cmd.c — starting a distributed step (see plan_remote.c for the design):
 * the start time, every host's command line, the processes with their pipes, the server
 * samples, and the coordinator's record on the merged run.
 *
 * Command lines: TEMPLATE REMOTE_RIGOR load WORDS... where {host} (single-quoted) and
 * {index} are filled in the template and every word is shell-safe ([A-Za-z0-9_@+=:,./-]);
 * any other text (headers, a body, a URL with '&' or a label with spaces) travels in one
 * --args-hex word. The child is /bin/sh -c LINE in its own process group with the parent-
 * death signal, stdin and stdout pipes to us (close-on-exec, so no other host inherits
 * them: a host's stdin reaches end of input exactly when we close it), stderr to a file
 * quoted when the host fails, and PATH starting with this rigor's directory (so "rigor" is
 * this binary when the template runs locally, as `ip netns exec` does).
 * Expected load: N processes per step.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>
#include "core/clock.h"
#include "core/dataset.h"
#include "core/err.h"
#include "core/log.h"
#include "loadgen/loadgen.h"
#include "plan/plan_int.h"
#include "plan/plan_remote_int.h"

typedef struct words {
    char *plain[40];
    size_t nplain;
    char *hex[300];            /* option and value pairs hex-encoded together */
    size_t nhex;
} words;

/* A word no shell changes, nor pdsh's exec module (which expands %h, %n, %u): no '%'. */
static bool shell_safe(const char *s)
{
    return *s != '\0' && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                   "0123456789_@+=:,./-") == strlen(s) && s[0] != '@';
}

/* Add an option (may be NULL) and its value: plainly when both are safe, else hex-encoded. */
static void add(words *w, const char *opt, const char *val)
{
    bool safe = val == NULL || shell_safe(val);
    char **dst = safe ? w->plain : w->hex;
    size_t *n = safe ? &w->nplain : &w->nhex;
    if (*n + 2 > (safe ? sizeof w->plain : sizeof w->hex) / sizeof(char *))
        return;   /* cannot happen: a target has at most a few hundred headers (plan limits) */
    if (opt)
        dst[(*n)++] = strdup(opt);
    if (val)
        dst[(*n)++] = strdup(val);
}

static void addf(words *w, const char *opt, const char *fmt, double v)
{
    char buf[64];
    snprintf(buf, sizeof buf, fmt, v);
    add(w, opt, buf);
}

static void free_words(words *w)
{
    for (size_t i = 0; i < w->nplain; i++)
        free(w->plain[i]);
    for (size_t i = 0; i < w->nhex; i++)
        free(w->hex[i]);
}

/* The arguments of host i's `rigor load` for one step. */
static void load_words(const pl_plan *p, const pl_target *t, double cell, size_t i,
                       const char *start_at, words *w)
{
    char split[48];
    add(w, NULL, "load");
    add(w, NULL, t->url);
    add(w, "--label", t->name);
    addf(w, "-t", "%.0f", t->threads);
    if (p->open_loop) {
        addf(w, "-c", "%.0f", (double)p->connections);
        addf(w, "-r", "%.17g", cell);
    } else {
        addf(w, "-c", "%.0f", cell);
    }
    snprintf(split, sizeof split, "%zu/%zu", i + 1, p->nhosts);
    add(w, "--split", split);
    addf(w, "-d", "%.9gs", p->duration_s);
    addf(w, "--warmup", "%.9gs", p->warmup_s);
    addf(w, "--timeout", "%.9gs", p->timeout_s);
    add(w, "--start-at", start_at);
    if (p->clock_probe)
        add(w, NULL, "--clock-probe");
    add(w, "-o", "-");
    add(w, NULL, "-q");
    if (t->method && strcmp(t->method, "GET") != 0)
        add(w, "-m", t->method);
    if (t->insecure)
        add(w, NULL, "-k");
    if (t->cacert)   /* the same path on every load host */
        add(w, "--cacert", t->cacert);
    for (size_t k = 0; k < t->nheaders; k++)
        add(w, "-H", t->headers[k]);
    if (t->targets_file)   /* the same path on every load host, like --cacert */
        add(w, "--targets", t->targets_file);
    if (p->think.kind != LG_THINK_NONE) {
        char th[96];
        add(w, "--think", lg_think_fmt(&p->think, th, sizeof th));
    }
    if (p->ramp_s > 0)
        addf(w, "--ramp", "%.9gs", p->ramp_s);
    if (p->ramp_measured)
        add(w, NULL, "--ramp-measured");
    if (t->body) {   /* always hex: a body is any text */
        w->hex[w->nhex++] = strdup("--body");
        w->hex[w->nhex++] = strdup(t->body);
    }
}

/* The template with {host} quoted and {index} (1-based) filled in. */
static void expand_template(FILE *m, const char *tmpl, const char *host, size_t i)
{
    for (const char *c = tmpl; *c; c++) {
        if (strncmp(c, "{host}", 6) == 0) {
            char *q = pl_shell_quote(host);
            fputs(q ? q : "''", m);
            free(q);
            c += 5;
        } else if (strncmp(c, "{index}", 7) == 0) {
            fprintf(m, "%zu", i + 1);
            c += 6;
        } else {
            fputc(*c, m);
        }
    }
}

char *pl_remote_command(const pl_plan *p, const pl_target *t, double cell, size_t i,
                        const char *start_at)
{
    words w = {0};
    char *out = NULL, *hex = NULL;
    size_t len = 0;
    load_words(p, t, cell, i, start_at, &w);
    FILE *m = open_memstream(&out, &len);
    if (m == NULL) {
        free_words(&w);
        return NULL;
    }
    expand_template(m, p->remote, p->hosts[i], i);
    fprintf(m, " %s", p->remote_rigor);
    for (size_t k = 0; k < w.nplain; k++)
        fprintf(m, " %s", w.plain[k] ? w.plain[k] : "");
    if (w.nhex > 0 && (hex = lg_args_hex_encode(w.hex, w.nhex)) != NULL)
        fprintf(m, " --args-hex %s", hex);
    fclose(m);
    free(hex);
    free_words(&w);
    return out;
}

int rm_step_init(rm_step *s, const pl_plan *p, const pl_target *t, double cell, int run,
                 pid_t server_pid, char *err)
{
    memset(s, 0, sizeof *s);
    s->p = p;
    s->t = t;
    s->cell = cell;
    s->run = run;
    s->server_pid = server_pid;
    snprintf(s->label, sizeof s->label, "%s %s=%g", t->name, p->open_loop ? "rate" : "c", cell);
    s->h = calloc(p->nhosts, sizeof *s->h);
    s->cpu = json_array();
    s->rss = json_array();
    if (s->h == NULL || s->cpu == NULL || s->rss == NULL)
        return rg_err(err, "out of memory");
    s->n = p->nhosts;
    for (size_t i = 0; i < s->n; i++) {
        s->h[i].name = p->hosts[i];
        s->h[i].in_fd = s->h[i].out_fd = -1;
    }
    /* the window on a whole second, start_lead from now at least */
    int64_t warm = llround(p->warmup_s * 1e9), now = lg_wall_ns();
    int64_t ws = now + llround(p->start_lead_s * 1e9) + warm;
    s->window_start = (ws + 999999999) / 1000000000 * 1000000000;
    s->start_at = s->window_start - warm;
    s->window_end = s->window_start + llround(p->duration_s * 1e9);
    s->deadline = s->window_end + llround((10 + p->timeout_s) * 1e9);
    lg_ntp_state(&s->ntp);
    if (server_pid > 0 && (s->ps = lg_procstat_new(server_pid, err)) == NULL)
        return -1;
    return 0;
}

/* In the child: group, death signal, pipes, exec the shell. Never returns. */
static void child(const char *line, int in, int out, int log, char **envp, pid_t parent)
{
    sigset_t none;
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent)
        _exit(127);
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGPIPE, SIG_DFL);
    dup2(in, 0);
    dup2(out, 1);
    dup2(log, 2);
    char *argv[] = {"sh", "-c", (char *)line, NULL};
    execve("/bin/sh", argv, envp);
    _exit(127);
}

/* Start host h with its command line. 0, or -1 with err. */
static int spawn(rm_host *h, const char *line, char **envp, char *err)
{
    int in[2] = {-1, -1}, out[2] = {-1, -1};
    const char *tmp = getenv("TMPDIR");
    snprintf(h->pr.log_path, sizeof h->pr.log_path, "%s/rigor-host.XXXXXX",
             tmp && *tmp && strlen(tmp) < 200 ? tmp : "/tmp");
    int log = mkostemp(h->pr.log_path, O_CLOEXEC);
    if (log < 0 || pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) {
        rg_err_set(err, "%s: cannot start it: %s", h->name, strerror(errno));
        goto fail;
    }
    pid_t parent = getpid(), pid = fork();
    if (pid == 0)
        child(line, in[0], out[1], log, envp, parent);
    if (pid < 0) {
        rg_err_set(err, "%s: cannot start it: %s", h->name, strerror(errno));
        goto fail;
    }
    setpgid(pid, pid);
    h->pr.pid = pid;
    close(in[0]);
    close(out[1]);
    close(log);
    h->in_fd = in[1];
    h->out_fd = out[0];
    return 0;
fail:
    for (int k = 0; k < 2; k++) {
        if (in[k] >= 0)
            close(in[k]);
        if (out[k] >= 0)
            close(out[k]);
    }
    if (log >= 0)
        close(log);
    return -1;
}

int rm_start_hosts(rm_step *s, char *err)
{
    char self[4096], at[64];
    char **envp = pl_proc_env(NULL, 0, pl_self_dir(self, sizeof self) == 0 ? self : NULL);
    if (envp == NULL)
        return rg_err(err, "out of memory");
    rg_rfc3339_ns(at, sizeof at, (uint64_t)s->start_at);
    rg_info("%s #%d: starting %zu load hosts at %s", s->label, s->run, s->n, at);
    int rc = 0;
    for (size_t i = 0; i < s->n && rc == 0; i++) {
        char *line = pl_remote_command(s->p, s->t, s->cell, i, at);
        if (line == NULL) {
            rc = rg_err(err, "out of memory");
            break;
        }
        rg_debug("%s: %s", s->h[i].name, line);
        rc = spawn(&s->h[i], line, envp, err);
        free(line);
    }
    pl_proc_env_free(envp);
    return rc;
}

void rm_step_free(rm_step *s)
{
    for (size_t i = 0; s->h && i < s->n; i++) {
        rm_host *h = &s->h[i];
        if (h->in_fd >= 0)
            close(h->in_fd);
        if (h->out_fd >= 0)
            close(h->out_fd);
        pl_proc_stop(&h->pr, s->p->stop_grace_s);   /* reaps, removes the log */
        free(h->out);
    }
    free(s->h);
    lg_procstat_free(s->ps);
    json_decref(s->cpu);
    json_decref(s->rss);
}

void rm_sample_server(rm_step *s, int64_t now)
{
    double cpu;
    uint64_t rss;
    if (s->ps == NULL || now < s->window_start)
        return;
    if (!s->sampling) {   /* the first reading only starts the clock */
        lg_procstat_sample(s->ps, &cpu, &rss);
        s->sampling = true;
        s->next_sample = s->window_start + 1000000000;
        return;
    }
    while (now >= s->next_sample && s->next_sample <= s->window_end) {
        s->next_sample += 1000000000;
        if (lg_procstat_sample(s->ps, &cpu, &rss) != 0)
            return;
        json_array_append_new(s->cpu, json_real(cpu));
        json_array_append_new(s->rss, json_integer((json_int_t)rss));
        s->cpu_sum += cpu;
        s->cpu_max = fmax(s->cpu_max, cpu);
        s->rss_max = rss > s->rss_max ? rss : s->rss_max;
        s->samples++;
    }
}

/* The server samples beside the merged series, on the same whole seconds. */
static void add_server(rm_step *s, json_t *m)
{
    json_t *ts = json_object_get(m, "timeseries");
    json_object_set_new(m, "server", json_pack("{s:i, s:o, s:o, s:o, s:I}", "pid",
                        (int)s->server_pid, "cpu_pct_mean", s->samples ?
                        json_real(s->cpu_sum / (double)s->samples) : json_null(), "cpu_pct_max",
                        s->samples ? json_real(s->cpu_max) : json_null(), "rss_kb_max",
                        s->samples ? json_integer((json_int_t)s->rss_max) : json_null(),
                        "samples", (json_int_t)s->samples));
    size_t n = json_array_size(json_object_get(ts, "requests"));
    double ss = rg_json_path_num(m, "clock.series_start_ns", 0);
    if (n == 0 || ss <= 0)
        return;
    long long at = llround(((double)s->window_start - ss) / 1e9);
    json_t *cpu = json_array(), *rss = json_array();
    for (size_t k = 0; k < n; k++) {
        json_t *c = (long long)k >= at ? json_array_get(s->cpu, k - (size_t)at) : NULL;
        json_t *r = (long long)k >= at ? json_array_get(s->rss, k - (size_t)at) : NULL;
        json_array_append(cpu, c ? c : json_null());
        json_array_append(rss, r ? r : json_null());
    }
    json_object_set_new(ts, "cpu_pct", cpu);
    json_object_set_new(ts, "rss_kb", rss);
}

void rm_finish_run(rm_step *s, json_t *m)
{
    char at[64];
    rg_rfc3339_ns(at, sizeof at, (uint64_t)s->start_at);
    json_object_set_new(m, "target", json_string(s->t->name));
    json_object_set_new(m, "run", json_integer(s->run));
    if (s->p->open_loop)
        json_object_set_new(m, "rate", json_real(s->cell));
    else
        json_object_set_new(m, "concurrency", json_integer((json_int_t)llround(s->cell)));
    json_t *hosts = json_object_get(m, "hosts");
    for (size_t i = 0; i < json_array_size(hosts); i++)
        if (json_object_get(json_array_get(hosts, i), "run"))
            json_object_set_new(json_array_get(hosts, i), "run", json_integer(s->run));
    if (s->ps != NULL)
        add_server(s, m);
    json_t *mg = json_object_get(m, "merge");
    json_object_set_new(mg, "remote", json_string(s->p->remote));
    json_object_set_new(mg, "start_at", json_string(at));
    json_object_set_new(mg, "probes_answered", json_integer((json_int_t)s->probes));
    json_object_set_new(json_object_get(m, "clock"), "coordinator_ntp", lg_ntp_json(&s->ntp));
}
