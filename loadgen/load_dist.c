/*
 * loadgen/load_dist.c — what `rigor load` does differently on one of several load hosts
 * (docs/distributed.md): the clock set-up before the first run, this host's share of a cell
 * (--split I/N), the keys that make its runs mergeable, and --args-hex.
 *
 * Design: the clock is settled once per sweep, before any load: NTP state, then the probe to
 * the coordinator when asked (rigor run passes --clock-probe), giving the offset every run
 * applies to its start and its series grid and the record of how it was estimated. A share
 * is computed exactly like the split of connections over threads (lg_split: the remainder to
 * the first hosts), so the hosts' shares always add up to the cell.
 * Expected load: once per sweep and once per run; nothing here is on the hot path.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/err.h"
#include "core/log.h"
#include "loadgen/lg_int.h"
#include "loadgen/load_int.h"

int lg_load_clock_setup(lg_load_opts *o, char *err)
{
    lg_ntp ntp;
    lg_offset off;
    if (o->start_at == NULL && !o->clock_probe && o->split_n == 0)
        return 0;
    lg_ntp_state(&ntp);
    json_t *c = o->clock = json_object();
    if (c == NULL)
        return rg_err(err, "out of memory");
    double unc = NAN;
    const char *ref = "local";
    if (o->clock_probe) {
        if (lg_clock_probe(0, 1, 8, 2.0, &off, err) != 0)
            return -1;
        o->offset_ns = off.offset_ns;
        unc = (double)off.uncertainty_ns / 1e9;
        ref = "coordinator";
        o->stdin_watched = true;
        json_object_set_new(c, "probe", json_pack("{s:i, s:f, s:f, s:f, s:s}", "samples",
                            off.samples, "offset_s", (double)off.offset_ns / 1e9,
                            "uncertainty_s", unc, "rtt_min_s", (double)off.rtt_min_ns / 1e9,
                            "method", off.intersected ? "intersection" : "shortest round trip"));
    } else if (ntp.synchronized) {
        o->offset_ns = (int64_t)llround(ntp.offset_s * 1e9);
        unc = ntp.error_s;
        ref = "ntp";
    }
    json_object_set_new(c, "reference", json_string(ref));
    json_object_set_new(c, "uncertainty_s", isnan(unc) ? json_null() : json_real(unc));
    json_object_set_new(c, "ntp", lg_ntp_json(&ntp));
    if (!ntp.synchronized && !o->clock_probe)
        rg_warn("load: this host's clock is not known to be synchronized (%s%s%s); runs on "
                "several hosts may not line up", ntp.source, ntp.note[0] ? ": " : "", ntp.note);
    if (o->start_at != NULL &&
        lg_parse_start_at(o->start_at, (uint64_t)(lg_wall_ns() + o->offset_ns), &o->start_ns,
                          err) != 0)
        return -1;
    return 0;
}

/* This host's share of a cell: connections (and rate, in open loop) under --split. */
void lg_load_share(const lg_load_opts *o, uint64_t conns, double rate, lg_config *cfg)
{
    cfg->connections = conns;
    cfg->rate = rate;
    if (o->split_n == 0)
        return;
    cfg->connections = lg_split(conns, o->split_n, o->split_i - 1);
    cfg->rate = rate / (double)o->split_n;
    if (cfg->requests > 0)
        cfg->requests = lg_split(o->cfg.requests, o->split_n, o->split_i - 1);
}

/*
 * Keys a run of a distributed sweep gets besides lg_run's: the clock record (merged into
 * the run's own "clock") and "split" — the whole cell this run is a share of, which is what
 * `rigor merge` groups runs by.
 */
void lg_load_annotate(const lg_load_opts *o, json_t *run, uint64_t conns, double rate)
{
    json_t *c = json_object_get(run, "clock");
    if (o->clock != NULL && json_is_object(c))
        json_object_update(c, o->clock);
    if (o->split_n == 0)
        return;
    json_t *sp = json_pack("{s:I, s:I}", "index", (json_int_t)o->split_i, "of",
                           (json_int_t)o->split_n);
    if (rate > 0) {
        json_object_set_new(sp, "rate", json_real(rate));
        json_object_set_new(sp, "connections", json_integer((json_int_t)conns));
    } else {
        json_object_set_new(sp, "concurrency", json_integer((json_int_t)conns));
    }
    json_object_set_new(run, "split", sp);
}

/* --split I/N, checked against every cell: each host needs a connection. 0 or -1 with err. */
int lg_load_parse_split(lg_load_opts *o, const char *arg, char *err)
{
    char *end;
    unsigned long long i = strtoull(arg, &end, 10), n = 0;
    if (end != arg && *end == '/')
        n = strtoull(end + 1, &end, 10);
    if (*end != '\0' || i < 1 || n < 1 || i > n || n > 10000)
        return rg_err(err, "invalid --split '%s': expected I/N with 1 <= I <= N <= 10000, "
                      "e.g. 2/3 for the second of three hosts", arg);
    o->split_i = i;
    o->split_n = n;
    return 0;
}

/* Every cell must leave at least one connection to each of the N hosts. */
int lg_load_check_split(const lg_load_opts *o, char *err)
{
    for (size_t k = 0; o->split_n > 0 && k < o->nconns; k++)
        if (o->conns[k] < o->split_n)
            return rg_err(err, "-c %llu cannot be split over %llu hosts (--split): each "
                          "host needs at least one connection", (unsigned long long)o->conns[k],
                          (unsigned long long)o->split_n);
    return 0;
}

/*
 * --args-hex HEX: more arguments, as the hex digits of their bytes with a NUL after each.
 * rigor run passes headers, bodies and other text this way, because a word made of hex
 * digits reaches `rigor load` unchanged through any number of shells (ssh joins its
 * arguments into one remote shell command line; exec-style templates do not). Hex rather
 * than base64: no dependency of rigor offers a base64 coder, and hex is a few lines.
 */
char *lg_args_hex_encode(char *const *words, size_t n)
{
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        len += 2 * (strlen(words[i]) + 1);
    char *out = malloc(len), *o = out;
    if (out == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++)
        for (const unsigned char *p = (const unsigned char *)words[i];; p++) {
            o += sprintf(o, "%02x", *p);
            if (*p == '\0')
                break;
        }
    *o = '\0';
    return out;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

char **lg_args_hex_decode(const char *hex, size_t *n, char *err)
{
    size_t len = strlen(hex), nb = 0, k = 0;
    char *bytes = malloc(len / 2 + 1);
    char **words = calloc(len / 2 + 1, sizeof *words);
    bool ok = bytes != NULL && words != NULL && len % 2 == 0 && len > 0;
    for (size_t i = 0; ok && i < len; i += 2) {
        int hi = hex_digit(hex[i]), lo = hex_digit(hex[i + 1]);
        ok = hi >= 0 && lo >= 0;
        bytes[nb++] = (char)(hi * 16 + lo);
    }
    ok = ok && bytes[nb - 1] == '\0';
    for (size_t i = 0; ok && i < nb; i += strlen(bytes + i) + 1)
        ok = (words[k++] = strdup(bytes + i)) != NULL;
    free(bytes);
    if (ok) {
        *n = k;
        return words;
    }
    rg_err_set(err, "--args-hex: expected the hex digits of NUL-terminated arguments");
    for (size_t i = 0; words && i < k; i++)
        free(words[i]);
    free(words);
    return NULL;
}
