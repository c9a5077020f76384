/*
 * plan/plan_parse_hosts.c — the keys of a plan on several load hosts (docs/distributed.md):
 * load_hosts, remote, remote_rigor, start_lead, max_skew, clock_probe, and what such a plan
 * cannot do (capture, external generators, a cell smaller than the number of hosts).
 * Split from plan_parse.c by concern; same rules: the first problem stops the parse with
 * "FILE: key: problem". Expected load: once per plan.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "plan/plan_int.h"
#include "plan/plan_parse_int.h"

/* "remote": {host} is required; {host} and {index} are the only placeholders. */
static int check_remote(pctx *c, const char *tmpl)
{
    for (const char *q = strchr(tmpl, '{'); q; q = strchr(q + 1, '{')) {
        size_t n = strspn(q + 1, "abcdefghijklmnopqrstuvwxyz_");
        if (n > 0 && q[1 + n] == '}' && strncmp(q, "{host}", 6) != 0 &&
            strncmp(q, "{index}", 7) != 0)
            return pl_perr(c, "remote", "unknown placeholder {%.*s} (known: {host} {index})",
                           (int)n, q + 1);
    }
    if (strstr(tmpl, "{host}") == NULL)
        return pl_perr(c, "remote", "must contain {host}, e.g. \"ssh {host}\" or \"ip netns "
                       "exec {host}\"");
    return 0;
}

/* "load_hosts": unique, printable names (they are quoted for the shell where used). */
static int parse_hosts(pctx *c, const json_t *root, pl_plan *p)
{
    json_t *v = json_object_get(root, "load_hosts");
    if (v == NULL || json_is_null(v))
        return 0;
    if (!json_is_array(v) || json_array_size(v) == 0 || json_array_size(v) > 1000)
        return pl_perr(c, "load_hosts", "expected a list of 1 to 1000 host names such as "
                    "[\"load1\", \"load2\"], got %s", json_is_array(v) ? "a list of another "
                    "size" : pl_type_name(v));
    if ((p->hosts = calloc(json_array_size(v), sizeof *p->hosts)) == NULL)
        return pl_perr(c, "load_hosts", "out of memory");
    for (size_t i = 0; i < json_array_size(v); i++) {
        char path[64];
        snprintf(path, sizeof path, "load_hosts[%zu]", i);
        json_t *x = json_array_get(v, i);
        if (!json_is_string(x) || json_string_length(x) == 0 ||
            strlen(json_string_value(x)) != json_string_length(x))
            return pl_perr(c, path, "expected a host name, got %s", json_is_string(x)
                        ? "an empty string or a NUL character" : pl_type_name(x));
        if ((p->hosts[i] = strdup(json_string_value(x))) == NULL)
            return pl_perr(c, path, "out of memory");
        p->nhosts++;
        for (const unsigned char *q = (const unsigned char *)p->hosts[i]; *q; q++)
            if (*q < 0x20 || *q == 0x7f)
                return pl_perr(c, path, "contains a control character");
        for (size_t j = 0; j < i; j++)
            if (strcmp(p->hosts[i], p->hosts[j]) == 0)
                return pl_perr(c, path, "duplicate host \"%s\" (also load_hosts[%zu])",
                            p->hosts[i], j);
    }
    return 0;
}

/* A plan on several hosts: its own keys, and what such a plan cannot do. */
int pl_parse_distributed(pctx *c, const json_t *root, pl_plan *p)
{
    static const char *const keys[] = {"remote", "remote_rigor", "start_lead", "max_skew",
                                       "clock_probe", NULL};
    json_t *cp = json_object_get(root, "clock_probe");
    if (parse_hosts(c, root, p) != 0)
        return -1;
    for (size_t k = 0; p->nhosts == 0 && keys[k]; k++)
        if (json_object_get(root, keys[k]))
            return pl_perr(c, keys[k], "only used with load_hosts");
    if (p->nhosts == 0)
        return 0;
    if (pl_get_string(c, root, "remote", "remote", &p->remote) != 0 ||
        pl_get_string(c, root, "remote_rigor", "remote_rigor", &p->remote_rigor) != 0 ||
        pl_get_duration(c, root, "start_lead", &p->start_lead_s, 0.1) != 0 ||
        pl_get_duration(c, root, "max_skew", &p->max_skew_s, 0) != 0)
        return -1;
    if (cp && !json_is_boolean(cp))
        return pl_perr(c, "clock_probe", "expected true or false, got %s", pl_type_name(cp));
    p->clock_probe = cp == NULL || json_is_true(cp);
    if ((p->remote == NULL && (p->remote = strdup("ssh {host}")) == NULL) ||
        (p->remote_rigor == NULL && (p->remote_rigor = strdup("rigor")) == NULL))
        return pl_perr(c, "remote", "out of memory");
    if (check_remote(c, p->remote) != 0)
        return -1;
    if (p->capture)
        return pl_perr(c, "capture", "not with load_hosts (each host would sniff its own "
                    "interface; the wire timings are not merged)");
    for (size_t i = 0; i < p->ncells && !p->open_loop; i++)
        if (p->cells[i] < (double)p->nhosts)
            return pl_perr(c, "concurrency", "%g connections cannot be split over %zu load hosts",
                        p->cells[i], p->nhosts);
    if (p->open_loop && p->connections < p->nhosts)
        return pl_perr(c, "connections", "%llu connections cannot be split over %zu load hosts",
                    (unsigned long long)p->connections, p->nhosts);
    for (size_t i = 0; i < p->ntargets; i++) {
        const pl_target *t = &p->targets[i];
        char path[64];
        snprintf(path, sizeof path, "targets[%zu].%s", i, t->gen.command ? "generator" : "body");
        if (t->gen.command)
            return pl_perr(c, path, "not with load_hosts: the hosts run rigor's own generator");
        if (t->body && (strlen(t->body) != t->body_len || t->body[0] == '@'))
            return pl_perr(c, path, "a body with a NUL byte, or starting with '@' (rigor load "
                        "would read it as a file name), cannot be passed to the load hosts");
    }
    return 0;
}

