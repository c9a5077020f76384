/*
 * import/im_hgrm.c — HdrHistogram's percentile distribution (hgrm), alone or inside wrk2's
 * report (wrk2).
 *
 * The distribution is what HdrHistogram's outputPercentileDistribution prints and its
 * plotter reads: a header "Value Percentile TotalCount 1/(1-Percentile)", one line per
 * percentile step with the value reached, the percentile (0..1) and the cumulative count,
 * and a footer "#[Mean = m, StdDeviation = s]", "#[Max = x, Total count = n]". The CSV
 * variant ("Value","Percentile","TotalCount",...) is read too. The histogram is rebuilt by
 * putting the requests between two lines at the upper line's value: an approximation that
 * gives back every printed percentile (HdrHistogram reports each step's highest equivalent
 * value), with the footer's exact mean, stdev and max kept beside it. Values carry no unit:
 * HdrHistogram's tools (wrk2 included) print milliseconds, the default here; --unit says
 * otherwise.
 * wrk2's report holds the distribution of latency measured from each request's intended
 * send time ("Recorded Latency"), and with -U a second one measured from the actual send
 * ("Uncorrected Latency"): the first is the run's latency, the second its
 * latency_uncorrected, as `rigor load --rate` stores them. wrk2's totals count the requests
 * of its calibration period too, its histograms do not (notes).
 * Read by hand: the format is HdrHistogram's, and Debian has no C HdrHistogram library.
 * Expected load: a few hundred lines.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/dataset.h"
#include "core/err.h"
#include "import/import_int.h"

int im_sniff_hgrm(const im_src *s)
{
    char line[512];
    im_head_line(s, line, sizeof line);
    if (strstr(line, "\"Value\",\"Percentile\",\"TotalCount\""))
        return 100;
    return strstr(line, "Value") && strstr(line, "Percentile") && strstr(line, "TotalCount") &&
                   strstr(line, "1/(1-Percentile)") ? 100 : 0;
}

int im_sniff_wrk2(const im_src *s)
{
    return im_head_has(s, "Running ") && im_head_has(s, " test @ ") &&
                   (im_head_has(s, "Detailed Percentile spectrum") ||
                    im_head_has(s, "Latency Distribution (HdrHistogram")) ? 95 : 0;
}

int im_hgrm_line(const char *line, double *value, double *pct, double *total)
{
    char a[64], b[64], c[64];
    char tmp[256];
    snprintf(tmp, sizeof tmp, "%s", line);
    for (char *p = tmp; *p; p++)   /* the CSV variant */
        if (*p == ',')
            *p = ' ';
    if (sscanf(tmp, "%63s %63s %63s", a, b, c) != 3)
        return 0;
    return im_num(a, value) == 0 && im_num(b, pct) == 0 && im_num(c, total) == 0 &&
           *value >= 0 && *pct >= 0 && *pct <= 1 && *total >= 0;
}

/* One distribution being read. */
typedef struct hg_spec {
    rg_hist *h;
    double prev_total;
    double mean, stdev, max, count;
    size_t lines;
} hg_spec;

static int spec_init(hg_spec *s, char *err)
{
    memset(s, 0, sizeof *s);
    s->mean = s->stdev = s->max = s->count = NAN;
    s->h = rg_hist_new(RG_HIST_DEFAULT_HIGHEST, RG_HIST_DEFAULT_SIGFIGS, err);
    return s->h ? 0 : -1;
}

/* A spectrum line or a footer line; 1 when taken, 0 when not one, -1 on a bad line. */
static int spec_take(hg_spec *s, const char *line, double unit_us)
{
    double v, p, t, x, y;
    if (sscanf(line, "#[Mean = %lf, StdDeviation = %lf]", &x, &y) == 2) {
        s->mean = x * unit_us;
        s->stdev = y * unit_us;
        return 1;
    }
    if (sscanf(line, "#[Max = %lf, Total count = %lf]", &x, &y) == 2) {
        s->max = x * unit_us;
        s->count = y;
        return 1;
    }
    if (line[0] == '#')
        return 1;
    if (!im_hgrm_line(line, &v, &p, &t))
        return 0;
    if (t < s->prev_total)
        return -1;
    if (t > s->prev_total)
        rg_hist_record_n(s->h, v * unit_us < 1e15 ? (int64_t)llround(v * unit_us) : INT64_MAX,
                         im_count(t - s->prev_total));
    s->prev_total = t;
    s->lines++;
    return 1;
}

static double unit_of(const im_ctx *c)
{
    return c->o->unit_us > 0 ? c->o->unit_us : 1000;
}

/* The latency object of a finished spectrum, with the footer's exact mean and stdev and the
 * percentiles the report printed (pct: {"99": us}). */
static json_t *spec_latency(const hg_spec *s, const json_t *pct)
{
    static const struct { const char *key, *p; } pk[] = {
        {"p50", "50"}, {"p90", "90"}, {"p99", "99"}, {"p999", "99.9"}};
    json_t *l = rg_latency_json(s->h);
    if (l && !isnan(s->mean))
        json_object_set_new(l, "mean", json_real(s->mean));
    if (l && !isnan(s->stdev))
        json_object_set_new(l, "stdev", json_real(s->stdev));
    for (size_t i = 0; l && i < sizeof pk / sizeof pk[0]; i++)
        if (json_object_get(pct, pk[i].p))
            json_object_set(l, pk[i].key, json_object_get(pct, pk[i].p));
    if (l && json_object_size(pct) > 0)
        json_object_set(l, "percentiles", (json_t *)pct);
    return l;
}

static void spec_into_acc(im_acc *a, hg_spec *s)
{
    rg_hist_free(a->hist);
    a->hist = s->h;
    s->h = NULL;
    a->hist_kind = "approximate";
    a->lat_mean = s->mean;
    a->lat_stdev = s->stdev;
    a->lat_max = s->max;
}

int im_read_hgrm(im_ctx *c, char *err)
{
    hg_spec s;
    char *line;
    size_t len;
    int rc, t;
    if (spec_init(&s, err) != 0)
        return -1;
    while ((rc = im_src_line(c->src, &line, &len, err)) > 0) {
        if (line[strspn(line, " \t")] == '\0' || strstr(line, "Value"))
            continue;
        if ((t = spec_take(&s, line + strspn(line, " \t"), unit_of(c))) <= 0) {
            rc = im_src_err(c->src, c->src->line, err, t < 0 ? "TotalCount goes down" :
                            "expected \"value percentile totalcount [1/(1-percentile)]\"");
            break;
        }
    }
    if (rc == 0 && s.lines == 0)
        rc = im_src_err(c->src, 0, err, "no percentile lines");
    if (rc == 0) {
        c->acc->have_requests = true;
        c->acc->requests = im_count(s.prev_total);
        c->acc->resolution_us = unit_of(c) / 1000;
        spec_into_acc(c->acc, &s);
        im_acc_note(c->acc, "values read as %s (HdrHistogram's tools print ms; --unit to "
                    "change); the histogram is rebuilt from the percentile steps",
                    unit_of(c) == 1000 ? "milliseconds" : "the --unit given");
    }
    rg_hist_free(s.h);
    return rc < 0 ? -1 : 0;
}

/* wrk2: the report lines around the spectra; reuses the wrk report's figures. */
static void wrk2_line(im_acc *a, const char *line)
{
    char u[1024];
    long long n1, n2, n3, n4;
    double v;
    if (sscanf(line, "Running %*s test @ %1023s", u) == 1)
        im_acc_set_url(a, u);
    else if (sscanf(line, " %lld threads and %lld connections", &n1, &n2) == 2)
        a->concurrency = n2;
    else if (sscanf(line, " %lld requests in %lfs", &n1, &v) == 2) {
        a->have_requests = true;
        a->requests = (uint64_t)n1;
        a->duration_s = v;
    } else if (sscanf(line, " Socket errors: connect %lld, read %lld, write %lld, timeout %lld",
                      &n1, &n2, &n3, &n4) == 4) {
        a->err[IM_ERR_CONNECT] = (uint64_t)n1;
        a->err[IM_ERR_READ] = (uint64_t)n2;
        a->err[IM_ERR_WRITE] = (uint64_t)n3;
        a->err[IM_ERR_TIMEOUT] = (uint64_t)n4;
    } else if (sscanf(line, " Non-2xx or 3xx responses: %lld", &n1) == 1)
        a->err[IM_ERR_STATUS] = (uint64_t)n1;
    else if (sscanf(line, "Requests/sec: %lf", &v) == 1)
        a->throughput_rps = v;
}

/* " 99.000%   11.29ms" in a "Latency Distribution" section: 1 when taken. */
static int wrk2_pct(const char *line, double *p, double *us)
{
    char t[64];
    return sscanf(line, "%lf%% %63s", p, t) == 2 && *p >= 0 && *p <= 100 &&
           im_wrk_time(t, us) == 0;
}

int im_read_wrk2(im_ctx *c, char *err)
{
    hg_spec spec[2];
    int nspec = 0, in = 0, rc, section = 0;
    bool uncorrected = false;
    double p, us;
    json_t *unc_pct = json_object();
    char *line, *sq;
    size_t len;
    im_acc *a = c->acc;
    for (int i = 0; i < 2; i++)
        if (spec_init(&spec[i], err) != 0)
            return -1;
    while ((rc = im_src_line(c->src, &line, &len, err)) > 0) {
        sq = line + strspn(line, " \t");
        if (strstr(sq, "Latency Distribution (HdrHistogram"))
            section = strstr(sq, "Uncorrected") ? 2 : 1;
        if (strstr(sq, "Uncorrected Latency"))
            uncorrected = true;
        if (!in && section && wrk2_pct(sq, &p, &us)) {
            char key[32];
            snprintf(key, sizeof key, "%.10g", p);
            if (section == 1)
                im_acc_percentile(a, p, us);
            else
                json_object_set_new(unc_pct, key, json_real(us));
            continue;
        }
        if (strstr(sq, "Detailed Percentile spectrum")) {
            in = nspec < 2 ? ++nspec : 0;
            continue;
        }
        if (in && (sq[0] == '\0' || strstr(sq, "Percentile")))
            continue;
        if (in && spec_take(&spec[in - 1], sq, 1000) > 0)
            continue;
        in = 0;
        wrk2_line(a, sq);
    }
    if (rc == 0 && (nspec == 0 || spec[0].lines == 0))
        rc = im_src_err(c->src, 0, err, "no \"Detailed Percentile spectrum\": run wrk2 with "
                        "--latency");
    if (rc == 0) {
        im_acc_sees(a, IM_ERR_CONNECT, IM_ERR_TIMEOUT);
        im_acc_sees(a, IM_ERR_STATUS, IM_ERR_STATUS);
        a->resolution_us = 10;   /* percentiles printed in ms with two decimals */
        if (nspec == 2 && uncorrected && spec[1].lines > 0)
            json_object_set_new(a->run_keys, "latency_uncorrected",
                                spec_latency(&spec[1], unc_pct));
        if (a->have_requests && im_count(spec[0].prev_total) != a->requests)
            im_acc_note(a, "wrk2's histogram holds %.0f requests, its total %llu: the first "
                        "seconds (calibration) are not in the histogram", spec[0].prev_total,
                        (unsigned long long)a->requests);
        im_acc_note(a, "latency from each request's intended send time (wrk2's rate); the "
                    "histogram is rebuilt from the percentile spectrum (ms, 3 decimals)");
        spec_into_acc(a, &spec[0]);
    }
    rg_hist_free(spec[0].h);
    rg_hist_free(spec[1].h);
    json_decref(unc_pct);
    return rc < 0 ? -1 : 0;
}
