/*
 * core/dataset.c — creating, loading and saving dataset v1 documents (see core/dataset.h).
 *
 * Saving uses a small printer of our own on top of jansson's scalar encoder: objects are
 * indented two spaces a level, arrays of scalars (histogram buckets, time series) stay on one
 * line. jansson's JSON_INDENT would give every histogram count a line of its own, making
 * files ten times longer and diffs unreadable. Scalars are encoded by jansson itself
 * (json_dumps with JSON_ENCODE_ANY), so strings are escaped and reals round-trip exactly
 * (17 significant digits); key order is insertion order, which the builders keep canonical.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#include "core/clock.h"
#include "core/cli.h"
#include "core/dataset.h"
#include "core/dataset_int.h"
#include "core/err.h"
#include "core/io.h"
#include "core/units.h"

/* ---- building ---- */

static json_t *host_json(void)
{
    json_t *h = json_object();
    char name[256] = "";
    struct utsname u;
    gethostname(name, sizeof name - 1);
    json_object_set_new(h, "hostname", json_string(name));
    char *cpu = NULL;
    size_t len;
    char err[RG_ERRLEN];
    char *info = rg_read_file("/proc/cpuinfo", &len, 0, err);
    if (info != NULL) {
        char *m = strstr(info, "model name");
        if (m != NULL && (m = strchr(m, ':')) != NULL) {
            m += 1 + strspn(m + 1, " \t");
            cpu = strndup(m, strcspn(m, "\n"));
        }
        free(info);
    }
    json_object_set_new(h, "cpu", cpu ? json_string(cpu) : json_null());
    free(cpu);
    json_object_set_new(h, "cores", json_integer(sysconf(_SC_NPROCESSORS_ONLN)));
    if (uname(&u) == 0) {
        json_object_set_new(h, "os", json_string(u.sysname));
        json_object_set_new(h, "kernel", json_string(u.release));
        json_object_set_new(h, "arch", json_string(u.machine));
    }
    return h;
}

/* argv joined with single quotes where the shell would need them. */
static json_t *command_json(int argc, char **argv)
{
    size_t cap = 64;
    for (int i = 0; i < argc; i++)
        cap += strlen(argv[i]) * 4 + 3;
    char *buf = malloc(cap), *p = buf;
    if (buf == NULL)
        return json_null();
    p += sprintf(p, "rigor");
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        int plain = *a != '\0' && strspn(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                            "0123456789-_./:=,@%+") == strlen(a);
        *p++ = ' ';
        if (plain) {
            p += sprintf(p, "%s", a);
            continue;
        }
        *p++ = '\'';
        for (; *a; a++)
            p += *a == '\'' ? sprintf(p, "'\\''") : sprintf(p, "%c", *a);
        *p++ = '\'';
    }
    *p = '\0';
    json_t *j = json_string(buf);
    free(buf);
    return j ? j : json_null();
}

json_t *rg_dataset_new(const char *title, int argc, char **argv)
{
    char now[32];
    json_t *ds = json_object(), *meta = json_object(), *tool = json_object(),
           *prov = json_object();
    json_object_set_new(ds, "format", json_string(RG_DATASET_FORMAT));
    json_object_set_new(ds, "version", json_integer(RG_DATASET_VERSION));
    json_object_set_new(meta, "title", title ? json_string(title) : json_null());
    json_object_set_new(meta, "created", json_string(rg_rfc3339_now(now, sizeof now)));
    json_object_set_new(tool, "name", json_string("rigor"));
    json_object_set_new(tool, "version", json_string(rg_version()));
    json_object_set_new(meta, "tool", tool);
    json_object_set_new(meta, "host", host_json());
    json_object_set_new(prov, "command", argc > 0 ? command_json(argc, argv) : json_null());
    json_object_set_new(meta, "provenance", prov);
    json_object_set_new(ds, "meta", meta);
    json_object_set_new(ds, "runs", json_array());
    return ds;
}

int rg_dataset_append_run(json_t *ds, json_t *run)
{
    json_t *runs = json_object_get(ds, "runs");
    if (!json_is_array(runs)) {
        json_decref(run);
        return -1;
    }
    return json_array_append_new(runs, run) == 0 ? 0 : -1;
}

json_t *rg_run_new(const char *target, const char *url, long long concurrency, double rate,
                   int run_index, const char *source, int complete, const char *started)
{
    json_t *r = json_object();
    json_object_set_new(r, "target", json_string(target ? target : ""));
    json_object_set_new(r, "url", url ? json_string(url) : json_null());
    json_object_set_new(r, "concurrency", concurrency > 0 ? json_integer(concurrency) : json_null());
    json_object_set_new(r, "rate", rate > 0 ? json_real(rate) : json_null());
    json_object_set_new(r, "run", json_integer(run_index));
    json_object_set_new(r, "source", json_string(source ? source : "load"));
    json_object_set_new(r, "complete", json_boolean(complete));
    if (started != NULL)
        json_object_set_new(r, "started", json_string(started));
    return r;
}

json_t *rg_latency_json(const rg_hist *h)
{
    json_t *l = json_object();
    int empty = h == NULL || rg_hist_count(h) == 0;
    json_object_set_new(l, "unit", json_string("us"));
#define STAT(key, expr) json_object_set_new(l, key, empty ? json_null() : (expr))
    STAT("mean", json_real(rg_hist_mean(h)));
    STAT("stdev", json_real(rg_hist_stdev(h)));
    STAT("min", json_integer(rg_hist_min(h)));
    STAT("max", json_integer(rg_hist_max(h)));
    STAT("p50", json_integer(rg_hist_percentile(h, 50)));
    STAT("p90", json_integer(rg_hist_percentile(h, 90)));
    STAT("p99", json_integer(rg_hist_percentile(h, 99)));
    STAT("p999", json_integer(rg_hist_percentile(h, 99.9)));
#undef STAT
    if (!empty)
        json_object_set_new(l, "histogram", rg_hist_to_json(h));
    return l;
}

json_t *rg_errors_json(uint64_t connect, uint64_t read, uint64_t write, uint64_t timeout,
                       uint64_t protocol, uint64_t status)
{
    json_t *e = json_object();
    json_object_set_new(e, "connect", json_integer((json_int_t)connect));
    json_object_set_new(e, "read", json_integer((json_int_t)read));
    json_object_set_new(e, "write", json_integer((json_int_t)write));
    json_object_set_new(e, "timeout", json_integer((json_int_t)timeout));
    json_object_set_new(e, "protocol", json_integer((json_int_t)protocol));
    json_object_set_new(e, "status", json_integer((json_int_t)status));
    return e;
}

uint64_t rg_errors_total(const json_t *errors)
{
    uint64_t total = 0;
    const char *k;
    json_t *v;
    if (!json_is_object(errors))
        return 0;
    json_object_foreach((json_t *)errors, k, v) {
        if (json_is_integer(v) && json_integer_value(v) > 0)
            total += (uint64_t)json_integer_value(v);
    }
    return total;
}

double rg_json_num(const json_t *obj, const char *key, double dflt)
{
    const json_t *v = json_object_get(obj, key);
    return json_is_number(v) ? json_number_value(v) : dflt;
}

double rg_json_path_num(const json_t *obj, const char *dotted, double dflt)
{
    char key[128];
    while (obj != NULL) {
        size_t n = strcspn(dotted, ".");
        if (n >= sizeof key)
            return dflt;
        memcpy(key, dotted, n);
        key[n] = '\0';
        if (dotted[n] == '\0')
            return rg_json_num(obj, key, dflt);
        obj = json_object_get(obj, key);
        dotted += n + 1;
    }
    return dflt;
}
