/*
 * plan/plan_gen.c — steps made by an external load generator (a plan's "generator").
 *
 * Design: for each step the command is expanded ({url}, {concurrency} ... {output}; text
 * values single-quoted for /bin/sh, so a hostile target name or URL stays one word) and run
 * like a target's start command (plan_proc.c: own process group, output to a log, PATH with
 * this rigor first), with the step's values also in the environment (RIGOR_URL,
 * RIGOR_CONCURRENCY, RIGOR_RATE, RIGOR_DURATION, RIGOR_WARMUP, RIGOR_OUTPUT, RIGOR_RUN,
 * RIGOR_TARGET) for scripts. A command without {output} has its stdout taken as the output
 * file (hey -o csv, wrk). While it runs, the server it loads is sampled once a second and
 * the capture sidecar sniffs its port, exactly as around lg_run; then its output is
 * imported (import/import.h) into the step's run, which gets the `server`, `wire` and
 * `generator` keys. A non-zero exit status is reported but not fatal when the output reads
 * (k6 exits 99 when its own thresholds fail, Locust 1 when a request failed); an output that
 * does not read is, with the command's last lines quoted. Every step is bounded: the command
 * is stopped (TERM, then KILL) after its timeout or on Ctrl-C.
 * Expected load: one command per step; the bookkeeping is a poll every 100 ms.
 */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "capture/capture.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "core/units.h"
#include "import/import.h"
#include "loadgen/loadgen.h"
#include "plan/plan_int.h"

char *pl_shell_quote(const char *s)
{
    size_t n = 3;
    for (const char *p = s; *p; p++)
        n += *p == '\'' ? 4 : 1;
    char *out = malloc(n), *o = out;
    if (out == NULL)
        return NULL;
    *o++ = '\'';
    for (const char *p = s; *p; p++) {
        if (*p == '\'') {
            memcpy(o, "'\\''", 4);
            o += 4;
        } else {
            *o++ = *p;
        }
    }
    *o++ = '\'';
    *o = '\0';
    return out;
}

/* A duration as the tools take it: "10s", or "1500ms" when not whole seconds. */
static void tool_duration(double s, char *buf, size_t len)
{
    if (fabs(s - round(s)) < 1e-9)
        snprintf(buf, len, "%llds", (long long)llround(s));
    else
        snprintf(buf, len, "%lldms", (long long)llround(s * 1000));
}

/* The value of placeholder `name` for this step (caller frees), NULL when out of memory. */
static char *value_of(const pl_plan *p, const pl_target *t, double cell, int run,
                      const char *output, const char *name)
{
    char buf[64];
    if (strcmp(name, "url") == 0)
        return pl_shell_quote(t->url);
    if (strcmp(name, "target") == 0)
        return pl_shell_quote(t->name);
    if (strcmp(name, "output") == 0)
        return pl_shell_quote(output);
    if (strcmp(name, "concurrency") == 0)
        snprintf(buf, sizeof buf, "%llu", p->open_loop ? (unsigned long long)p->connections
                                                       : (unsigned long long)cell);
    else if (strcmp(name, "rate") == 0)
        snprintf(buf, sizeof buf, "%.10g", cell);
    else if (strcmp(name, "duration") == 0)
        tool_duration(p->duration_s, buf, sizeof buf);
    else if (strcmp(name, "warmup") == 0)
        tool_duration(p->warmup_s, buf, sizeof buf);
    else if (strcmp(name, "total") == 0)
        tool_duration(p->warmup_s + p->duration_s, buf, sizeof buf);
    else if (strcmp(name, "run") == 0)
        snprintf(buf, sizeof buf, "%d", run);
    else
        return NULL;
    return strdup(buf);
}

char *pl_gen_expand(const pl_plan *p, const pl_target *t, double cell, int run,
                    const char *output)
{
    const char *cmd = t->gen.command;
    char *out = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&out, &len);
    if (m == NULL)
        return NULL;
    for (const char *c = cmd; *c; c++) {
        size_t n = *c == '{' ? strspn(c + 1, "abcdefghijklmnopqrstuvwxyz_") : 0;
        char name[32];
        if (n == 0 || n >= sizeof name || c[1 + n] != '}') {
            fputc(*c, m);
            continue;
        }
        memcpy(name, c + 1, n);
        name[n] = '\0';
        char *v = value_of(p, t, cell, run, output, name);
        fputs(v ? v : "", m);
        free(v);
        c += n + 1;
    }
    fclose(m);
    return out;
}

/* RIGOR_* for the command: the step's values without quoting. */
static int step_env(const pl_plan *p, const pl_target *t, double cell, int run,
                    const char *output, char **env, size_t *n)
{
    static const char *const names[] = {"url", "concurrency", "rate", "duration", "warmup",
                                        "total", "output", "run", "target"};
    *n = 0;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char *v;
        if (strcmp(names[i], "url") == 0)
            v = strdup(t->url);
        else if (strcmp(names[i], "target") == 0)
            v = strdup(t->name);
        else if (strcmp(names[i], "output") == 0)
            v = strdup(output);
        else if (strcmp(names[i], "rate") == 0 && !p->open_loop)
            continue;
        else
            v = value_of(p, t, cell, run, output, names[i]);
        char upper[32];
        size_t k = 0;
        for (; names[i][k] && k < sizeof upper - 1; k++)
            upper[k] = (char)(names[i][k] - 'a' + 'A');
        upper[k] = '\0';
        int rc = v ? asprintf(&env[*n], "RIGOR_%s=%s", upper, v) : -1;
        free(v);
        if (rc < 0)
            return -1;
        (*n)++;
    }
    return 0;
}

/* Remove the step's temporary directory and what the tool left in it. */
static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[4400];
    while (d && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    if (d)
        closedir(d);
    rmdir(dir);
}

typedef struct gen_state {
    const pl_plan *p;
    const pl_target *t;
    pl_proc proc;
    lg_procstat *ps;
    cap_sidecar *cap;
    double cpu_sum, cpu_max;
    uint64_t rss_max, samples;
    json_t *cpu, *rss;
    char dir[4096], output[4200];
    double wall_s;
} gen_state;

static int start_monitors(gen_state *g, pid_t server_pid, char *err)
{
    if (server_pid > 0 && (g->ps = lg_procstat_new(server_pid, err)) == NULL)
        return -1;
    if (g->p->capture) {
        lg_url u;
        char filter[64];
        if (lg_url_parse(g->t->url, &u, err) != 0)
            return -1;
        snprintf(filter, sizeof filter, "tcp port %u", (unsigned)u.port);
        lg_url_free(&u);
        if ((g->cap = cap_sidecar_start(g->p->capture, filter, err)) == NULL)
            return -1;
    }
    return 0;
}

static void sample(gen_state *g)
{
    double cpu;
    uint64_t rss;
    if (g->ps == NULL || lg_procstat_sample(g->ps, &cpu, &rss) != 0)
        return;
    g->cpu_sum += cpu;
    g->cpu_max = cpu > g->cpu_max ? cpu : g->cpu_max;
    g->rss_max = rss > g->rss_max ? rss : g->rss_max;
    g->samples++;
    json_array_append_new(g->cpu, json_real(cpu));
    json_array_append_new(g->rss, json_integer((json_int_t)rss));
}

/* Wait for the command: 0 when it exited, 1 when interrupted, -1 on timeout (err). */
static int wait_command(gen_state *g, double timeout_s, volatile sig_atomic_t *stop, char *err)
{
    uint64_t t0 = rg_now_ns(), next = t0 + 1000000000u;
    struct timespec ts = {0, 100000000};
    while (pl_proc_alive(&g->proc)) {
        uint64_t now = rg_now_ns();
        double el = (double)(now - t0) / 1e9;
        if (stop && *stop)
            return 1;
        if (el > timeout_s)
            return rg_err(err, "the generator did not finish within %.0f s (the step's "
                          "timeout; \"generator\": {\"timeout\": ...} changes it)", timeout_s);
        if (now >= next) {
            sample(g);
            next += 1000000000u;
        }
        rg_progress("%s: external generator running, %.0f s", g->t->name, el);
        nanosleep(&ts, NULL);
    }
    g->wall_s = (double)(rg_now_ns() - t0) / 1e9;
    rg_progress_clear();
    return 0;
}

static json_t *server_json(const gen_state *g, pid_t pid)
{
    json_t *s = json_object();
    json_object_set_new(s, "pid", json_integer(pid));
    json_object_set_new(s, "cpu_pct_mean", g->samples ? json_real(g->cpu_sum / (double)g->samples)
                                                     : json_null());
    json_object_set_new(s, "cpu_pct_max", g->samples ? json_real(g->cpu_max) : json_null());
    json_object_set_new(s, "rss_kb_max", g->samples ? json_integer((json_int_t)g->rss_max)
                                                   : json_null());
    json_object_set_new(s, "samples", json_integer((json_int_t)g->samples));
    return s;
}

/* The server series beside the imported series, cut or null-padded to its length. */
static void add_series(json_t *run, const gen_state *g)
{
    json_t *ts = json_object_get(run, "timeseries");
    size_t n = json_array_size(json_object_get(ts, "requests"));
    if (!json_is_object(ts) || n == 0)
        return;
    json_t *arr[2] = {json_array(), json_array()}, *src[2] = {g->cpu, g->rss};
    for (int k = 0; k < 2; k++) {
        for (size_t i = 0; i < n; i++) {
            json_t *v = json_array_get(src[k], i);
            json_array_append(arr[k], v ? v : json_null());
        }
    }
    json_object_set_new(ts, "cpu_pct", arr[0]);
    json_object_set_new(ts, "rss_kb", arr[1]);
}

/* The output imported as the step's run; Locust's --csv PREFIX writes PREFIX_stats.csv. */
static json_t *import_output(const gen_state *g, double cell, int run, char *err)
{
    im_opts o;
    char path[4400], name[300];
    im_opts_init(&o);
    o.format = g->t->gen.format;
    o.label = g->t->name;
    o.url = g->t->url;
    if (g->p->open_loop)
        o.rate = cell;
    else
        o.concurrency = (long long)cell;
    o.run = run;
    o.skip_s = g->t->gen.trim_warmup ? g->p->warmup_s : 0;
    snprintf(name, sizeof name, "generator output (%.200s run %d)", g->t->name, run);
    o.name = name;
    snprintf(path, sizeof path, "%s", g->output);
    if (strcmp(o.format, "locust-csv") == 0 && access(path, F_OK) != 0)
        snprintf(path, sizeof path, "%s_stats.csv", g->output);
    return im_import_file(path, &o, err);
}

static void describe_status(const pl_proc *pr, json_t *gen)
{
    int st = pr->status;
    char how[128];
    if (pr->exited && WIFEXITED(st)) {
        json_object_set_new(gen, "exit_status", json_integer(WEXITSTATUS(st)));
        return;
    }
    pl_proc_describe_exit(pr, how, sizeof how);
    json_object_set_new(gen, "exit_status", json_null());
    json_object_set_new(gen, "ended", json_string(how));
}

/* The step's command line for /bin/sh: stdout to the output unless {output} is used. */
static char *shell_line(const pl_target *t, const char *cmd, const char *output)
{
    char *q, *line = NULL;
    if (strstr(t->gen.command, "{output}"))
        return strdup(cmd);
    if ((q = pl_shell_quote(output)) == NULL)
        return NULL;
    if (asprintf(&line, "( %s\n) > %s", cmd, q) < 0)   /* the newline ends a trailing # comment */
        line = NULL;
    free(q);
    return line;
}

/* After the command: import, then the keys rigor adds. NULL with err when unreadable. */
static json_t *finish(gen_state *g, const char *cmd, double cell, int run, pid_t server_pid,
                      json_t *wire, const char *tail, char *err)
{
    char e[RG_ERRLEN];
    json_t *r = import_output(g, cell, run, e), *gen;
    if (r == NULL) {
        rg_err_set(err, "%.200s run %d: the generator's output could not be read: %.250s",
                   g->t->name, run, e);
        rg_warn("generator command: %s\n  output:\n%s", cmd, tail ? tail : "");
        return NULL;
    }
    if (server_pid > 0) {
        json_object_set_new(r, "server", server_json(g, server_pid));
        add_series(r, g);
    }
    if (wire)
        json_object_set(r, "wire", wire);
    if (g->t->gen.trim_warmup)
        json_object_set_new(r, "warmup_s", json_real(g->p->warmup_s));
    gen = json_pack("{s:s, s:s}", "command", cmd, "format", g->t->gen.format);
    describe_status(&g->proc, gen);
    json_object_set_new(gen, "wall_s", json_real(g->wall_s));
    json_object_set_new(r, "generator", gen);
    if (!(g->proc.exited && WIFEXITED(g->proc.status) && WEXITSTATUS(g->proc.status) == 0)) {
        char how[128];
        pl_proc_describe_exit(&g->proc, how, sizeof how);
        rg_warn("%s run %d: the generator %s; its output was read all the same",
                g->t->name, run, how);
    }
    return r;
}

json_t *pl_gen_run(const pl_plan *p, const pl_target *t, double cell, int run,
                   pid_t server_pid, volatile sig_atomic_t *stop, bool *interrupted, char *err)
{
    gen_state g = {.p = p, .t = t, .cpu = json_array(), .rss = json_array()};
    char *env[16] = {0}, self[4096], *cmd = NULL, *line = NULL, *tail = NULL;
    const char *tmp = getenv("TMPDIR");
    size_t nenv = 0;
    json_t *run_obj = NULL, *wire = NULL;
    double timeout = t->gen.timeout_s > 0 ? t->gen.timeout_s
                                           : 2 * (p->warmup_s + p->duration_s) + 30;
    *interrupted = false;
    snprintf(g.dir, sizeof g.dir, "%s/rigor-gen.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (mkdtemp(g.dir) == NULL) {
        rg_err_set(err, "cannot create a directory for the generator's output in %s: %s",
                   tmp && *tmp ? tmp : "/tmp", strerror(errno));
        g.dir[0] = '\0';
        goto out;
    }
    snprintf(g.output, sizeof g.output, "%s/output", g.dir);
    cmd = pl_gen_expand(p, t, cell, run, g.output);
    line = cmd ? shell_line(t, cmd, g.output) : NULL;
    if (line == NULL || step_env(p, t, cell, run, g.output, env, &nenv) != 0) {
        rg_err_set(err, "out of memory");
        goto out;
    }
    rg_debug("%s run %d: %s", t->name, run, cmd);
    if (start_monitors(&g, server_pid, err) != 0 ||
        pl_proc_start(&g.proc, line, env, nenv, pl_self_dir(self, sizeof self) == 0 ? self
                                                                              : NULL, err) != 0)
        goto out;
    int rc = wait_command(&g, timeout, stop, err);
    tail = pl_proc_tail(&g.proc, 2000);
    pl_proc_stop(&g.proc, p->stop_grace_s);
    wire = cap_sidecar_stop(g.cap);
    g.cap = NULL;
    if (rc == 1)
        *interrupted = true;
    else if (rc == 0)
        run_obj = finish(&g, cmd, cell, run, server_pid, wire, tail, err);
    else
        rg_warn("generator command: %s\n  output:\n%s", cmd, tail ? tail : "");
out:
    rg_progress_clear();
    json_decref(cap_sidecar_stop(g.cap));
    pl_proc_stop(&g.proc, p->stop_grace_s);
    lg_procstat_free(g.ps);
    json_decref(wire);
    json_decref(g.cpu);
    json_decref(g.rss);
    for (size_t i = 0; i < nenv; i++)
        free(env[i]);
    free(tail);
    free(line);
    free(cmd);
    if (g.dir[0])
        remove_dir(g.dir);
    return run_obj;
}
