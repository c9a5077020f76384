/*
 * analyze/analyze.c — an_analyze(): runs grouped into cells, per-metric values and
 * summaries; warnings are in warnings.c, comparisons in comparisons.c.
 *
 * Design: the datasets stay jansson documents (core/dataset.h); a cell borrows pointers to
 * its runs and copies out one array of doubles per metric — a run lacking a metric simply
 * contributes nothing to it, so summary-only (published) runs work. The unit of replication
 * is the run: every figure here is computed across runs, never across requests — except
 * for a server figure that does not vary between the runs of one server process (the RSS
 * maximum, typically): it is one observation per process (docs/methodology.md §1).
 * Load: 1,000 runs × 15 metrics in a few milliseconds (linear scans; cells found by search).
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include "core/err.h"
#include "core/units.h"
#include "analyze/analyze_int.h"

const an_metric_def an_metrics[] = {
    {AN_THROUGHPUT, "throughput_rps", AN_HIGHER_BETTER, AN_UNIT_RPS, "throughput"},
    {AN_LATENCY_MEAN, "latency.mean", AN_LOWER_BETTER, AN_UNIT_US, "mean latency"},
    {AN_LATENCY_P50, "latency.p50", AN_LOWER_BETTER, AN_UNIT_US, "p50 latency"},
    {AN_LATENCY_P90, "latency.p90", AN_LOWER_BETTER, AN_UNIT_US, "p90 latency"},
    {AN_LATENCY_P99, "latency.p99", AN_LOWER_BETTER, AN_UNIT_US, "p99 latency"},
    {AN_LATENCY_P999, "latency.p999", AN_LOWER_BETTER, AN_UNIT_US, "p99.9 latency"},
    {AN_ERROR_RATE, NULL, AN_LOWER_BETTER, AN_UNIT_FRACTION, "error rate"},
    {AN_SERVER_CPU, "server.cpu_pct_mean", AN_NEUTRAL, AN_UNIT_PCT, "server CPU"},
    {AN_SERVER_RSS, "server.rss_kb_max", AN_NEUTRAL, AN_UNIT_KB, "server memory (RSS)"},
    {AN_WIRE_MEAN, "wire.mean", AN_LOWER_BETTER, AN_UNIT_US, "on-wire mean latency"},
    {AN_WIRE_P50, "wire.p50", AN_LOWER_BETTER, AN_UNIT_US, "on-wire p50 latency"},
    {AN_WIRE_P90, "wire.p90", AN_LOWER_BETTER, AN_UNIT_US, "on-wire p90 latency"},
    {AN_WIRE_P99, "wire.p99", AN_LOWER_BETTER, AN_UNIT_US, "on-wire p99 latency"},
    {AN_WIRE_P999, "wire.p999", AN_LOWER_BETTER, AN_UNIT_US, "on-wire p99.9 latency"},
};
const size_t an_nmetrics = sizeof an_metrics / sizeof an_metrics[0];

const an_metric_def *an_metric_find(const char *name)
{
    for (size_t m = 0; name != NULL && m < an_nmetrics; m++)
        if (strcmp(an_metrics[m].name, name) == 0)
            return &an_metrics[m];
    return NULL;
}

void an_options_init(an_options *opt)
{
    memset(opt, 0, sizeof *opt);   /* options added later default to false / 0 */
    opt->confidence = 0.95;
    opt->baseline = NULL;
    opt->noise = 0.01;
    opt->bootstrap = 0;
    opt->seed = 1;
    opt->include_incomplete = false;
    opt->target_ci = 0.02;
    opt->ratio_means = false;
}

json_t *an_json_num(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

/* concurrency/rate: an integer when whole (as datasets store it), else a real, else null */
static json_t *json_key_num(double v)
{
    if (isfinite(v) && v == floor(v) && fabs(v) < 9e15)
        return json_integer((json_int_t)v);
    return an_json_num(v);
}

void an_json_cell_keys(json_t *obj, const an_cell *c)
{
    json_object_set_new(obj, "target", json_string(c->target));
    json_object_set_new(obj, "concurrency", json_key_num(c->conc));
    json_object_set_new(obj, "rate", json_key_num(c->rate));
    if (c->endpoint != NULL)
        json_object_set_new(obj, "endpoint", json_string(c->endpoint));
}

const char *an_cell_phrase(char *buf, size_t len, const an_cell *c)
{
    int k = 0;
    buf[0] = '\0';
    if (c->endpoint != NULL)
        k = snprintf(buf, len, " for %s", c->endpoint);
    if (k < 0 || (size_t)k >= len)
        return buf;
    if (isfinite(c->conc))
        snprintf(buf + k, len - (size_t)k, " at %.15g connection%s", c->conc,
                 c->conc == 1.0 ? "" : "s");
    else if (isfinite(c->rate))
        snprintf(buf + k, len - (size_t)k, " at %.15g req/s", c->rate);
    return buf;
}

void an_warn(json_t *warnings, const an_cell *c, const char *kind, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    json_t *w = json_object();
    if (c) {
        an_json_cell_keys(w, c);
    } else {
        json_object_set_new(w, "target", json_null());
        json_object_set_new(w, "concurrency", json_null());
        json_object_set_new(w, "rate", json_null());
    }
    json_object_set_new(w, "kind", json_string(kind));
    json_object_set_new(w, "message", json_string(msg));
    json_array_append_new(warnings, w);
}

/* The number at a dotted path, or NAN when absent, null or not a number. */
double an_path_num(const json_t *obj, const char *path)
{
    char key[64];
    while (obj && json_is_object(obj)) {
        const char *dot = strchr(path, '.');
        size_t len = dot ? (size_t)(dot - path) : strlen(path);
        if (len >= sizeof key)
            return NAN;
        memcpy(key, path, len);
        key[len] = '\0';
        obj = json_object_get(obj, key);
        if (!dot)
            return json_is_number(obj) ? json_number_value(obj) : NAN;
        path = dot + 1;
    }
    return NAN;
}

/*
 * Failed responses over attempted requests. `requests` counts every response received,
 * error statuses included (docs/dataset-format.md), so an `errors.status` is already in it —
 * and so are `unclassified` (published failures of unknown kind, e.g. Locust's, whose total
 * includes them) and `assertion` (imported: a response the tool marked failed). The other
 * kinds (connect, read, write, timeout, protocol, imported `other`) got no response and are
 * added. A server answering 503 to everything is at 1.0. `errors` may also be a
 * plain count (no kind): then it is taken as failures outside `requests`.
 */
static double error_rate(const json_t *run)
{
    double req = an_path_num(run, "requests"), err = 0.0, inside = 0.0;
    const json_t *e = json_object_get(run, "errors"), *v;
    const char *k;
    if (json_is_number(e))
        err = json_number_value(e);
    else if (json_is_object(e)) {
        json_object_foreach((json_t *)e, k, v) {
            if (!json_is_number(v))
                continue;
            err += json_number_value(v);
            if (strcmp(k, "status") == 0 || strcmp(k, "unclassified") == 0 ||
                strcmp(k, "assertion") == 0)
                inside += json_number_value(v);
        }
    } else
        return NAN;
    if (!isfinite(req))
        return NAN;
    double attempted = fmax(req + err - inside, err);  /* inconsistent counts: at most 1 */
    return attempted > 0.0 ? err / attempted : NAN;
}

static double metric_value(const json_t *run, size_t m)
{
    double v = an_metrics[m].path ? an_path_num(run, an_metrics[m].path) : error_rate(run);
    return isfinite(v) ? v : NAN;
}

static bool same_endpoint(const char *a, const char *b)
{
    return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static int cell_same(const an_cell *c, const char *target, const char *ep, double conc,
                     double rate)
{
    return strcmp(c->target, target) == 0 && same_endpoint(c->endpoint, ep) &&
           (c->conc == conc || (isnan(c->conc) && isnan(conc))) &&
           (c->rate == rate || (isnan(c->rate) && isnan(rate)));
}

typedef struct an_ctx {
    an_cell *cells;
    size_t ncells, cap;
    const char **targets;
    size_t ntargets, tcap;
    const char **endpoints;   /* --by-endpoint: in order of first appearance */
    size_t nendpoints, ecap;
    json_t *owned;            /* --by-endpoint: the endpoint observations made from runs */
} an_ctx;

/* The index of name in a list of names (added at the end when new), or -1 on OOM. */
static size_t name_index(const char ***v, size_t *n, size_t *cap, const char *name)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*v)[i], name) == 0)
            return i;
    if (*n == *cap) {
        size_t nc = *cap ? 2 * *cap : 8;
        const char **nt = realloc(*v, nc * sizeof *nt);
        if (!nt)
            return (size_t)-1;
        *v = nt;
        *cap = nc;
    }
    (*v)[*n] = name;
    return (*n)++;
}

static size_t target_index(an_ctx *x, const char *t)
{
    return name_index(&x->targets, &x->ntargets, &x->tcap, t);
}

static an_cell *find_cell(an_ctx *x, const char *target, const char *ep, double conc,
                          double rate)
{
    for (size_t i = 0; i < x->ncells; i++)
        if (cell_same(&x->cells[i], target, ep, conc, rate))
            return &x->cells[i];
    if (x->ncells == x->cap) {
        size_t nc = x->cap ? 2 * x->cap : 16;
        an_cell *ncl = realloc(x->cells, nc * sizeof *ncl);
        if (!ncl)
            return NULL;
        x->cells = ncl;
        x->cap = nc;
    }
    an_cell *c = &x->cells[x->ncells];
    memset(c, 0, sizeof *c);
    c->target = target;
    c->conc = conc;
    c->rate = rate;
    c->target_order = target_index(x, target);
    c->endpoint = ep;
    c->endpoint_order = ep ? name_index(&x->endpoints, &x->nendpoints, &x->ecap, ep) : 0;
    if (c->target_order == (size_t)-1 || c->endpoint_order == (size_t)-1)
        return NULL;
    x->ncells++;
    return c;
}

static int cell_add_run(an_cell *c, const json_t *run)
{
    if (c->nruns == c->cap) {
        size_t nc = c->cap ? 2 * c->cap : 8;
        const json_t **nr = realloc(c->runs, nc * sizeof *nr);
        if (!nr)
            return -1;
        c->runs = nr;
        c->cap = nc;
    }
    c->runs[c->nruns++] = run;
    return 0;
}

/* Put one run (or endpoint observation) into its cell. 0, or -1 on OOM. */
static int file_run(an_ctx *x, const char *t, const char *ep, const json_t *run,
                    const an_options *opt)
{
    an_cell *c = find_cell(x, t, ep, an_path_num(run, "concurrency"), an_path_num(run, "rate"));
    if (!c)
        return -1;
    if (json_is_false(json_object_get(run, "complete")) && !opt->include_incomplete) {
        c->skipped++;
        return 0;
    }
    return cell_add_run(c, run);
}

/*
 * --by-endpoint: one observation per endpoint of the run — the endpoint's own figures
 * (requests, errors, throughput_rps, latency) with the run's identity keys (run,
 * concurrency, rate, complete), so every metric is read from it as from a run. Kept in
 * x->owned until the analysis is done. 0, or -1 on OOM.
 */
static int file_endpoints(an_ctx *x, const char *t, const json_t *run, const json_t *eps,
                          const an_options *opt)
{
    static const char *const keep[] = {"run", "concurrency", "rate", "complete"};
    size_t i;
    json_t *e;
    json_array_foreach(eps, i, e) {
        const char *name = json_string_value(json_object_get(e, "endpoint"));
        json_t *o = json_is_object(e) && name != NULL ? json_copy(e) : NULL;
        if (o == NULL)
            continue;   /* not an endpoint record: nothing to observe */
        for (size_t k = 0; k < sizeof keep / sizeof *keep; k++) {
            json_t *v = json_object_get(run, keep[k]);
            if (v != NULL)
                json_object_set(o, keep[k], v);
        }
        /* the cell borrows the name from the copy, which x->owned keeps alive */
        name = json_string_value(json_object_get(o, "endpoint"));
        if (json_array_append_new(x->owned, o) < 0 || file_run(x, t, name, o, opt) < 0)
            return -1;
    }
    return 0;
}

/* Sort every run of every dataset into its cell. */
static int collect(an_ctx *x, json_t *const *ds, size_t n, const an_options *opt, char *err)
{
    if (opt->by_endpoint && (x->owned = json_array()) == NULL)
        return rg_err(err, "out of memory");
    for (size_t d = 0; d < n; d++) {
        json_t *runs = json_object_get(ds[d], "runs"), *run;
        size_t i;
        if (!json_is_array(runs))
            return rg_err(err, "dataset %zu has no runs array", d + 1);
        json_array_foreach(runs, i, run) {
            const char *t = json_string_value(json_object_get(run, "target"));
            if (!t)
                return rg_err(err, "dataset %zu: runs[%zu] has no target", d + 1, i);
            const json_t *eps = json_object_get(run, "endpoints");
            int rc = opt->by_endpoint && json_array_size(eps) > 0
                         ? file_endpoints(x, t, run, eps, opt)
                         : file_run(x, t, NULL, run, opt);
            if (rc < 0)
                return rg_err(err, "out of memory");
        }
    }
    return 0;
}

static int cell_cmp(const void *pa, const void *pb)
{
    const an_cell *a = pa, *b = pb;
    if (a->target_order != b->target_order)
        return a->target_order < b->target_order ? -1 : 1;
    if ((a->endpoint == NULL) != (b->endpoint == NULL))
        return a->endpoint == NULL ? -1 : 1;   /* a target's totals before its endpoints */
    if (a->endpoint_order != b->endpoint_order)
        return a->endpoint_order < b->endpoint_order ? -1 : 1;
    double ka[2] = {a->conc, a->rate}, kb[2] = {b->conc, b->rate};
    for (int i = 0; i < 2; i++) {
        if (isnan(ka[i]) != isnan(kb[i]))
            return isnan(ka[i]) ? 1 : -1;  /* nulls last */
        if (!isnan(ka[i]) && ka[i] != kb[i])
            return ka[i] < kb[i] ? -1 : 1;
    }
    return 0;
}

/* The server process a run was measured on: server.pid, or -1 when not recorded. */
static double run_pid(const json_t *run)
{
    double pid = an_path_num(run, "server.pid");
    return isfinite(pid) && pid > 0.0 ? pid : -1.0;
}

/*
 * True when metric m (a server figure) does not vary between the runs of one server process:
 * every run has a pid, some process has two or more runs, and within each process all the
 * values are equal. Such a figure (the RSS maximum of a warmed-up server, typically) is a
 * property of the process, so the runs of one process are one observation, not several.
 * Only server.* figures are tested: a latency or an error rate that repeats exactly (0
 * errors in every run) is a real repeated measurement.
 */
static bool constant_per_process(const an_cell *c, size_t m, const double *pid)
{
    const double *v = c->vals[m];
    size_t n = c->nv[m];
    bool repeated = false;
    if (an_metrics[m].path == NULL || strncmp(an_metrics[m].path, "server.", 7) != 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (pid[i] < 0.0)
            return false;
        for (size_t j = 0; j < i; j++) {
            if (pid[j] != pid[i])
                continue;
            if (v[j] != v[i])
                return false;
            repeated = true;
        }
    }
    return repeated;
}

/* Keep the first observation of each process (all of its runs hold the same value). */
static void collapse_per_process(an_cell *c, size_t m, const double *pid)
{
    size_t k = 0;
    for (size_t i = 0; i < c->nv[m]; i++) {
        size_t j = 0;
        while (j < i && pid[j] != pid[i])
            j++;
        if (j < i)
            continue;  /* a process already kept */
        c->vals[m][k] = c->vals[m][i];
        c->vrun[m][k++] = c->vrun[m][i];
    }
    c->nv[m] = k;
    c->per_process[m] = true;
}

/* The values of metric m over the cell's runs (per process when constant within one). */
static int metric_values(an_cell *c, size_t m, double *pid)
{
    size_t cap = c->nruns ? c->nruns : 1;
    if (!(c->vals[m] = malloc(cap * sizeof(double))) ||
        !(c->vrun[m] = malloc(cap * sizeof(size_t))))
        return -1;
    for (size_t i = 0; i < c->nruns; i++) {
        double v = metric_value(c->runs[i], m);
        if (isnan(v))
            continue;
        pid[c->nv[m]] = run_pid(c->runs[i]);
        c->vrun[m][c->nv[m]] = i;
        c->vals[m][c->nv[m]++] = v;
    }
    c->nrv[m] = c->nv[m];
    if (constant_per_process(c, m, pid))
        collapse_per_process(c, m, pid);
    return 0;
}

/* Values of every metric over the cell's runs, and their summaries. */
static int cell_compute(an_cell *c, double conf)
{
    c->vals = calloc(an_nmetrics, sizeof *c->vals);
    c->vrun = calloc(an_nmetrics, sizeof *c->vrun);
    c->nv = calloc(an_nmetrics, sizeof *c->nv);
    c->nrv = calloc(an_nmetrics, sizeof *c->nrv);
    c->per_process = calloc(an_nmetrics, sizeof *c->per_process);
    c->sum = calloc(an_nmetrics, sizeof *c->sum);
    double *pid = malloc((c->nruns ? c->nruns : 1) * sizeof *pid);
    int rc = -1;
    if (!c->vals || !c->vrun || !c->nv || !c->nrv || !c->per_process || !c->sum || !pid)
        goto out;
    for (size_t m = 0; m < an_nmetrics; m++) {
        if (metric_values(c, m, pid) < 0 ||
            an_summarize(c->vals[m], c->nv[m], conf, &c->sum[m], NULL) < 0)
            goto out;
    }
    rc = 0;
out:
    free(pid);
    return rc;
}

/* The run numbers ("run" key) of the outliers among the observations of metric m. */
static json_t *outliers_json(const an_cell *c, size_t m)
{
    json_t *arr = json_array();
    unsigned char *flags = malloc(c->nv[m] ? c->nv[m] : 1);
    if (!flags || an_outliers(c->vals[m], c->nv[m], flags) <= 0) {
        free(flags);
        return arr;
    }
    for (size_t k = 0; k < c->nv[m]; k++) {
        if (!flags[k])
            continue;
        size_t i = c->vrun[m][k];
        double r = an_path_num(c->runs[i], "run");
        json_array_append_new(arr, isfinite(r) ? json_integer((json_int_t)r)
                                               : json_integer((json_int_t)i + 1));
    }
    free(flags);
    return arr;
}

static json_t *metric_json(const an_cell *c, size_t m, const an_options *opt)
{
    const an_summary *s = &c->sum[m];
    json_t *o = json_object();
    json_object_set_new(o, "n", json_integer((json_int_t)s->n));
    json_object_set_new(o, "mean", an_json_num(s->mean));
    json_object_set_new(o, "stdev", an_json_num(s->sd));
    json_object_set_new(o, "ci_low", an_json_num(s->ci_low));
    json_object_set_new(o, "ci_high", an_json_num(s->ci_high));
    json_object_set_new(o, "median", an_json_num(s->median));
    json_object_set_new(o, "median_ci_low", an_json_num(s->median_ci_low));
    json_object_set_new(o, "median_ci_high", an_json_num(s->median_ci_high));
    json_object_set_new(o, "median_ci_level", an_json_num(s->median_ci_level));
    if (isnan(s->median_ci_low))
        json_object_set_new(o, "median_ci_note", json_string("n too small"));
    json_object_set_new(o, "min", an_json_num(s->min));
    json_object_set_new(o, "max", an_json_num(s->max));
    json_object_set_new(o, "cv", an_json_num(s->cv));
    json_object_set_new(o, "outliers", outliers_json(c, m));
    long need = isfinite(s->cv) ? an_runs_needed(s->cv, opt->target_ci, opt->confidence) : -1;
    json_object_set_new(o, "runs_needed", need >= 0 ? json_integer(need) : json_null());
    /* n counts observations: processes when the figure is constant within each process */
    json_object_set_new(o, "n_runs", json_integer((json_int_t)c->nrv[m]));
    json_object_set_new(o, "per_process", json_boolean(c->per_process[m]));
    return o;
}

static json_t *group_json(const an_cell *c, const an_options *opt)
{
    json_t *g = json_object(), *metrics = json_object();
    an_json_cell_keys(g, c);
    json_object_set_new(g, "runs", json_integer((json_int_t)c->nruns));
    json_object_set_new(g, "runs_skipped", json_integer((json_int_t)c->skipped));
    for (size_t m = 0; m < an_nmetrics; m++)
        if (c->nv[m])
            json_object_set_new(metrics, an_metrics[m].name, metric_json(c, m, opt));
    json_object_set_new(g, "metrics", metrics);
    return g;
}

static void ctx_free(an_ctx *x)
{
    for (size_t i = 0; i < x->ncells; i++) {
        an_cell *c = &x->cells[i];
        for (size_t m = 0; c->vals && m < an_nmetrics; m++)
            free(c->vals[m]);
        for (size_t m = 0; c->vrun && m < an_nmetrics; m++)
            free(c->vrun[m]);
        free(c->vals);
        free(c->vrun);
        free(c->nv);
        free(c->nrv);
        free(c->per_process);
        free(c->sum);
        free(c->runs);
    }
    free(x->cells);
    free(x->targets);
    free(x->endpoints);
    json_decref(x->owned);
}

static int check_options(const an_options *opt, char *err)
{
    if (!(opt->confidence > 0.0 && opt->confidence < 1.0))
        rg_err_set(err, "confidence must be between 0 and 1 (exclusive), got %g",
                   opt->confidence);
    else if (!(opt->noise >= 0.0 && opt->noise < 1.0))
        rg_err_set(err, "noise band must be in [0, 1), got %g", opt->noise);
    else if (!(opt->target_ci > 0.0 && opt->target_ci < 1.0))
        rg_err_set(err, "target CI must be in (0, 1), got %g", opt->target_ci);
    else if (opt->bootstrap < 0 || opt->bootstrap == 1 || opt->bootstrap > 10000000)
        rg_err_set(err, "bootstrap resamples must be 0 or 2..10000000, got %d",
                   opt->bootstrap);
    else
        return 0;
    return -1;
}

static const char *pick_baseline(const an_ctx *x, const an_options *opt, char *err)
{
    if (x->ntargets == 0) {
        rg_err_set(err, "no runs to analyze");
        return NULL;
    }
    if (!opt->baseline)
        return x->targets[0];
    for (size_t i = 0; i < x->ntargets; i++)
        if (strcmp(x->targets[i], opt->baseline) == 0)
            return x->targets[i];
    int len = snprintf(err, RG_ERRLEN, "baseline '%s' names no target (targets:", opt->baseline);
    for (size_t i = 0; i < x->ntargets && len > 0 && len < RG_ERRLEN - 2; i++)
        len += snprintf(err + len, (size_t)(RG_ERRLEN - len), "%s '%s'", i ? "," : "",
                        x->targets[i]);
    if (len > 0 && len < RG_ERRLEN - 2)
        snprintf(err + len, (size_t)(RG_ERRLEN - len), ")");
    return NULL;
}

json_t *an_analyze(json_t *const *datasets, size_t n, const an_options *opt, char *err)
{
    an_ctx x = {0};
    json_t *doc = NULL, *groups, *warnings;
    const char *baseline;
    gsl_set_error_handler_off();  /* errors come back as codes and NANs, never abort() */
    if (check_options(opt, err) < 0 || collect(&x, datasets, n, opt, err) < 0 ||
        !(baseline = pick_baseline(&x, opt, err)))
        goto out;
    qsort(x.cells, x.ncells, sizeof *x.cells, cell_cmp);
    doc = json_object();
    json_object_set_new(doc, "confidence", json_real(opt->confidence));
    json_object_set_new(doc, "baseline", json_string(baseline));
    json_object_set_new(doc, "groups", groups = json_array());
    json_object_set_new(doc, "family_size", json_integer(0));
    json_object_set_new(doc, "comparisons", json_array());
    json_object_set_new(doc, "warnings", warnings = json_array());
    for (size_t i = 0; i < x.ncells; i++) {
        if (cell_compute(&x.cells[i], opt->confidence) < 0) {
            rg_err_set(err, "out of memory");
            goto fail;
        }
        json_array_append_new(groups, group_json(&x.cells[i], opt));
        an_cell_warnings(&x.cells[i], opt, warnings);
    }
    an_per_process_warnings(x.cells, x.ncells, warnings);
    if (an_compare_cells(x.cells, x.ncells, baseline, opt, doc, err) == 0)
        goto out;
fail:
    json_decref(doc);
    doc = NULL;
out:
    ctx_free(&x);
    return doc;
}
