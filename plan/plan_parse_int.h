/*
 * plan/plan_parse_int.h — helpers shared by the files that read plans (plan_parse.c,
 * plan_parse_hosts.c). Private to plan/.
 */
#ifndef RIGOR_PLAN_PLAN_PARSE_INT_H
#define RIGOR_PLAN_PLAN_PARSE_INT_H

#include <jansson.h>
#include "plan/plan_int.h"

typedef struct pctx {
    const char *file;
    char *err;
} pctx;

/* Fill err with "FILE: KEY: message"; always returns -1. */
int pl_perr(pctx *c, const char *key, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* "an object", "a string"... for messages. */
const char *pl_type_name(const json_t *v);
/* Optional string key: *out stays NULL when absent or null; must be non-empty when given. */
int pl_get_string(pctx *c, const json_t *obj, const char *key, const char *path, char **out);
/* Duration: "10s"-style string or a number of seconds >= min. Absent keeps *out. */
int pl_get_duration(pctx *c, const json_t *obj, const char *key, double *out, double min);
/* plan_parse_mix.c: a target's "targets_file" or "requests" (and its url against them). */
int pl_parse_mix(pctx *c, const json_t *t, const char *prefix, pl_target *tg);
/* plan_parse_mix.c: the plan's "think", "ramp" and "ramp_measured". */
int pl_parse_users(pctx *c, const json_t *root, pl_plan *p);
/* load_hosts and the keys that go with it, checked against the rest of the plan. */
int pl_parse_distributed(pctx *c, const json_t *root, pl_plan *p);

#endif
