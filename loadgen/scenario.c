/*
 * loadgen/scenario.c — what a scenario adds to a run: think time (--think), and the record
 * of the mix, the think time and the ramp, with the per-endpoint breakdown (`endpoints`).
 *
 * Design: the engine counts per endpoint in each worker (engine.c, lg_ep_counts: requests,
 * errors by kind, status classes, a latency histogram like the run's); here the workers'
 * counts are summed and the histograms merged after join, exactly as the run's totals are
 * (run_json.c), so the endpoints add up to the totals: every measured response and every
 * request error is counted once in its endpoint. Connect and TLS-handshake errors carry no
 * request and stay in the totals only.
 *
 * Expected load: once per run; at most LG_ENDPOINTS_MAX endpoints.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/dataset.h"
#include "core/err.h"
#include "core/units.h"
#include "loadgen/run_int.h"

/* One duration of at most an hour. */
static int think_dur(const char *s, const char *all, double *out, char *err)
{
    if (rg_parse_duration(s, out, err) < 0)
        return -1;
    if (!(*out >= 0) || *out > 3600)
        return rg_err(err, "invalid --think '%s': each time must be between 0 and 1h", all);
    return 0;
}

int lg_think_parse(const char *s, lg_think *out, char *err)
{
    const char *colon;
    memset(out, 0, sizeof *out);
    if (strncmp(s, "exp:", 4) == 0) {
        out->kind = LG_THINK_EXP;
        if (think_dur(s + 4, s, &out->a, err) < 0)
            return -1;
        if (out->a <= 0)
            return rg_err(err, "invalid --think '%s': the mean must be positive", s);
        return 0;
    }
    if (strncmp(s, "uniform:", 8) == 0 && (colon = strchr(s + 8, ':')) != NULL) {
        char first[64];
        size_t n = (size_t)(colon - (s + 8));
        if (n >= sizeof first)
            return rg_err(err, "invalid --think '%s'", s);
        memcpy(first, s + 8, n);
        first[n] = '\0';
        out->kind = LG_THINK_UNIFORM;
        if (think_dur(first, s, &out->a, err) < 0 || think_dur(colon + 1, s, &out->b, err) < 0)
            return -1;
        if (out->b < out->a)
            return rg_err(err, "invalid --think '%s': uniform:A:B needs A <= B", s);
        return 0;
    }
    if (strchr(s, ':') != NULL)
        return rg_err(err, "invalid --think '%s': expected D, exp:MEAN or uniform:A:B", s);
    if (think_dur(s, s, &out->a, err) < 0)
        return -1;
    out->kind = out->a > 0 ? LG_THINK_FIXED : LG_THINK_NONE;
    return 0;
}

/* A duration as rg_parse_duration reads it back: "20ms", "1.5s" (nine significant digits). */
static void fmt_dur(char *buf, size_t len, double s)
{
    if (s > 0 && s < 1)
        snprintf(buf, len, "%.9gms", s * 1e3);
    else
        snprintf(buf, len, "%.9gs", s);
}

char *lg_think_fmt(const lg_think *t, char *buf, size_t len)
{
    char a[32], b[32];
    fmt_dur(a, sizeof a, t->a);
    fmt_dur(b, sizeof b, t->b);
    switch (t->kind) {
    case LG_THINK_FIXED: snprintf(buf, len, "%s", a); break;
    case LG_THINK_EXP: snprintf(buf, len, "exp:%s", a); break;
    case LG_THINK_UNIFORM: snprintf(buf, len, "uniform:%s:%s", a, b); break;
    default: snprintf(buf, len, "0s");
    }
    return buf;
}

/* Endpoint e summed over the workers into the first worker's counts. */
static void ep_merge(lg_runctx *r, size_t e)
{
    lg_ep_counts *d = &r->workers[0].ep[e];
    for (int i = 1; i < r->nthreads; i++) {
        const lg_ep_counts *s = &r->workers[i].ep[e];
        d->requests += s->requests;
        for (int k = 0; k < LG_NERR; k++)
            d->err[k] += s->err[k];
        for (int k = 0; k < 6; k++)
            d->status[k] += s->status[k];
        rg_hist_merge(d->lat, s->lat);
    }
}

static json_t *ep_json(const lg_runctx *r, const lg_config *cfg, size_t e, double dur)
{
    const lg_ep_counts *c = &r->workers[0].ep[e];
    const char *name = cfg->targets->endpoints[e], *sp = strchr(name, ' ');
    lg_url u;
    char err[RG_ERRLEN], label[8300];
    json_t *o = json_object(), *st = json_object();
    json_object_set_new(o, "method", json_stringn(name, (size_t)(sp - name)));
    json_object_set_new(o, "url", json_string(sp + 1));
    /* "endpoint": what tables show, METHOD and the path (the origin is the run's) */
    if (lg_url_parse(sp + 1, &u, err) == 0) {
        snprintf(label, sizeof label, "%.*s %s", (int)(sp - name), name, u.path);
        lg_url_free(&u);
    } else {
        snprintf(label, sizeof label, "%s", name);
    }
    json_object_set_new(o, "endpoint", json_string(label));
    json_object_set_new(o, "requests", json_integer((json_int_t)c->requests));
    json_t *errors = rg_errors_json(c->err[LG_ERR_CONNECT], c->err[LG_ERR_READ],
                                    c->err[LG_ERR_WRITE], c->err[LG_ERR_TIMEOUT],
                                    c->err[LG_ERR_PROTOCOL], c->err[LG_ERR_STATUS]);
    if (r->url.tls)
        json_object_set_new(errors, "tls", json_integer((json_int_t)c->err[LG_ERR_TLS]));
    json_object_set_new(o, "errors", errors);
    for (int k = 1; k < 6; k++)
        if (c->status[k] > 0) {
            char key[16];
            snprintf(key, sizeof key, "%dxx", k);
            json_object_set_new(st, key, json_integer((json_int_t)c->status[k]));
        }
    if (c->status[0] > 0)
        json_object_set_new(st, "other", json_integer((json_int_t)c->status[0]));
    json_object_set_new(o, "status", st);
    json_object_set_new(o, "throughput_rps", json_real(dur > 0 ? (double)c->requests / dur : 0));
    json_object_set_new(o, "latency", rg_latency_json(c->lat));
    return o;
}

/* The mix, think time and ramp as asked (the run's record of its scenario). */
static void add_scenario_keys(json_t *run, const lg_config *cfg)
{
    char buf[96];
    if (cfg->targets != NULL) {
        json_t *m = json_object();
        json_object_set_new(m, "source", cfg->targets_name ? json_string(cfg->targets_name)
                                                           : json_null());
        json_object_set_new(m, "entries", json_integer((json_int_t)cfg->targets->n));
        json_object_set_new(m, "endpoints", json_integer((json_int_t)cfg->targets->nendpoints));
        json_object_set_new(m, "order", json_string(cfg->targets->weighted ? "weighted"
                                                                            : "round-robin"));
        json_object_set_new(run, "mix", m);
    }
    if (cfg->rate <= 0 && cfg->think.kind != LG_THINK_NONE)
        json_object_set_new(run, "think", json_string(lg_think_fmt(&cfg->think, buf,
                                                                   sizeof buf)));
    if (cfg->rate <= 0 && cfg->ramp_s > 0) {
        json_object_set_new(run, "ramp_s", json_real(cfg->ramp_s));
        json_object_set_new(run, "ramp_measured", json_boolean(cfg->ramp_measured));
    }
}

void lg_run_add_scenario(json_t *run, lg_runctx *r, const lg_config *cfg, double dur)
{
    add_scenario_keys(run, cfg);
    if (r->sh.nep == 0)
        return;
    json_t *a = json_array();
    for (size_t e = 0; e < r->sh.nep; e++) {
        ep_merge(r, e);
        json_array_append_new(a, ep_json(r, cfg, e, dur));
    }
    json_object_set_new(run, "endpoints", a);
}
