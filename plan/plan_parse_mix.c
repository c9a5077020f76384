/*
 * plan/plan_parse_mix.c — the scenario keys of a plan (docs/plan-format.md, "Scenarios"):
 * a target's request mix ("targets_file" or inline "requests") and the plan's users
 * ("think", "ramp", "ramp_measured").
 *
 * Design: the mix is read and checked here by the load generator's own parser
 * (lg_targets_read / lg_targets_from_json), so a plan that validates is a plan whose runs
 * load exactly that mix; a "targets_file" and the @body files of inline "requests" are
 * relative to the plan file's directory. A target with a mix needs no "url" (the first
 * entry's is used, for the readiness probe too); when one is given it must be on the mix's
 * scheme, host and port. "method" and "body" belong to each entry and are refused beside a
 * mix; "headers" are added to every entry, as `rigor load -H` does.
 *
 * Expected load: once per plan.
 */
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/err.h"
#include "plan/plan_int.h"
#include "plan/plan_parse_int.h"

/* The plan file's directory into buf ("." when it has none). */
static void plan_dir(const pctx *c, char *buf, size_t len)
{
    char tmp[PATH_MAX];
    snprintf(tmp, sizeof tmp, "%s", c->file);
    snprintf(buf, len, "%s", dirname(tmp));
}

/* "targets_file": the path as the runs will read it (relative to the plan's directory). */
static int mix_from_file(pctx *c, const json_t *t, const char *prefix, pl_target *tg,
                         const char *dir)
{
    char path[300], full[PATH_MAX + 8], e[RG_ERRLEN];
    char *name = NULL;
    snprintf(path, sizeof path, "%stargets_file", prefix);
    if (pl_get_string(c, t, "targets_file", path, &name) != 0)
        return -1;
    if (name[0] == '/')
        snprintf(full, sizeof full, "%s", name);
    else
        snprintf(full, sizeof full, "%s/%s", dir, name);
    free(name);
    if ((tg->targets_file = strdup(full)) == NULL)
        return pl_perr(c, path, "out of memory");
    tg->mix = lg_targets_read(full, e);
    return tg->mix ? 0 : pl_perr(c, path, "%s", e);
}

/* The target's url against its mix: absent (the first entry's) or on the same origin. */
static int mix_url(pctx *c, const char *prefix, pl_target *tg)
{
    char path[300], e[RG_ERRLEN];
    lg_url a, b;
    snprintf(path, sizeof path, "%surl", prefix);
    if (tg->url == NULL)
        return (tg->url = strdup(tg->mix->v[0].url)) ? 0 : pl_perr(c, path, "out of memory");
    if (lg_url_parse(tg->url, &a, e) != 0)
        return pl_perr(c, path, "%s", e);
    int rc = lg_url_parse(tg->mix->v[0].url, &b, e);
    bool same = rc == 0 && a.tls == b.tls && a.port == b.port && strcmp(a.host, b.host) == 0;
    lg_url_free(&a);
    if (rc == 0)
        lg_url_free(&b);
    if (!same)
        return pl_perr(c, path, "not on the scheme, host and port of the request mix (%s)",
                       tg->mix->v[0].url);
    return 0;
}

int pl_parse_mix(pctx *c, const json_t *t, const char *prefix, pl_target *tg)
{
    char path[300], e[RG_ERRLEN], dir[PATH_MAX];
    const json_t *file = json_object_get(t, "targets_file"), *reqs = json_object_get(t, "requests");
    if (file == NULL && reqs == NULL)
        return 0;
    snprintf(path, sizeof path, "%s%s", prefix, file ? "targets_file" : "requests");
    if (file != NULL && reqs != NULL)
        return pl_perr(c, path, "\"targets_file\" and \"requests\" are exclusive");
    if (json_object_get(t, "method") != NULL || json_object_get(t, "body") != NULL)
        return pl_perr(c, path, "each request of a mix has its own method and body: "
                       "\"method\" and \"body\" do not apply (\"headers\" are added to each)");
    plan_dir(c, dir, sizeof dir);
    if (file != NULL) {
        if (mix_from_file(c, t, prefix, tg, dir) != 0)
            return -1;
    } else {
        tg->mix = lg_targets_from_json(reqs, path, dir, e);
        if (tg->mix == NULL)   /* e names the request: "targets[i].requests[k]: ..." */
            return rg_err(c->err, "%s: %s", c->file, e);
    }
    return mix_url(c, prefix, tg);
}

int pl_parse_users(pctx *c, const json_t *root, pl_plan *p)
{
    char e[RG_ERRLEN];
    const json_t *th = json_object_get(root, "think"), *rm = json_object_get(root, "ramp_measured");
    if (pl_get_duration(c, root, "ramp", &p->ramp_s, 0) != 0)
        return -1;
    if (th != NULL && !json_is_null(th)) {
        if (!json_is_string(th))
            return pl_perr(c, "think", "expected \"100ms\", \"exp:MEAN\" or \"uniform:A:B\", "
                           "got %s", pl_type_name(th));
        if (lg_think_parse(json_string_value(th), &p->think, e) != 0)
            return pl_perr(c, "think", "%s", e);
    }
    if (rm != NULL && !json_is_null(rm) && !json_is_boolean(rm))
        return pl_perr(c, "ramp_measured", "expected true or false, got %s", pl_type_name(rm));
    p->ramp_measured = json_is_true(rm);
    if (p->open_loop && (p->think.kind != LG_THINK_NONE || p->ramp_s > 0))
        return pl_perr(c, p->ramp_s > 0 ? "ramp" : "think", "for closed-loop users "
                       "(\"concurrency\"): an open loop (\"rate\") sends on its schedule");
    if (p->ramp_measured && !(p->ramp_s > 0))
        return pl_perr(c, "ramp_measured", "needs \"ramp\"");
    return 0;
}
