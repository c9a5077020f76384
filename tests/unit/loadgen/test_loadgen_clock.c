/*
 * tests/unit/loadgen/test_loadgen_clock.c — the clocks of distributed runs
 * (loadgen/clock_sync.c, loadgen/load_dist.c): start times, the offset estimate from probe
 * exchanges, chronyc's tracking line, the clock probe over a pipe pair, --args-hex.
 *
 * References: RFC 3339 instants against `date -u -d ... +%s` values computed by hand (the
 * epoch seconds are written out), the offset bounds against exchanges built with a known
 * offset and known delays.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "core/err.h"
#include "loadgen/loadgen.h"
#include "tests/unit/unit.h"

#define S 1000000000ULL

static char err[RG_ERRLEN];

static void test_start_at(void)
{
    uint64_t t = 0;
    /* date -u -d 2026-12-01T10:00:05Z +%s = 1796119205 */
    CHECK_INT(lg_parse_start_at("2026-12-01T10:00:05Z", 0, &t, err), 0);
    CHECK(t == 1796119205ULL * S);
    CHECK_INT(lg_parse_start_at("2026-12-01T10:00:05.25Z", 0, &t, err), 0);
    CHECK(t == 1796119205ULL * S + 250000000ULL);
    CHECK_INT(lg_parse_start_at("2026-12-01T11:00:05.000000001+01:00", 0, &t, err), 0);
    CHECK(t == 1796119205ULL * S + 1);
    CHECK_INT(lg_parse_start_at("2026-12-01t09:30:05-00:30", 0, &t, err), 0);
    CHECK(t == 1796119205ULL * S);
    CHECK_INT(lg_parse_start_at("@1796119205.5", 0, &t, err), 0);
    CHECK(t == 1796119205ULL * S + 500000000ULL);
    /* +D: the first whole second at least D from now */
    CHECK_INT(lg_parse_start_at("+5s", 1000 * S + 1, &t, err), 0);
    CHECK(t == 1006 * S);
    CHECK_INT(lg_parse_start_at("+2s", 1000 * S, &t, err), 0);
    CHECK(t == 1002 * S);
    const char *bad[] = {"2026-12-01 10:00:05", "2026-13-01T10:00:05Z", "2026-12-01T10:00Z",
                         "2026-12-01T10:00:05+1:00", "tomorrow", "@x", "+5x", "+8d",
                         "1969-12-31T23:59:59Z", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK_MSG(lg_parse_start_at(bad[i], 0, &t, err) != 0, "accepted '%s'", bad[i]);
}

static void test_offset_estimate(void)
{
    /* the reference is 700 ms ahead; each exchange has its own delays each way */
    const int64_t theta = 700000000;
    int64_t out[4] = {100000, 30000, 60000, 45000}, back[4] = {20000, 90000, 40000, 45000};
    lg_probe_sample s[4];
    for (int i = 0; i < 4; i++) {
        s[i].t1 = (int64_t)(i + 1) * 1000000000;
        s[i].t2 = s[i].t1 + out[i] + theta;
        s[i].t4 = s[i].t1 + out[i] + back[i];
    }
    lg_offset o;
    CHECK_INT(lg_offset_estimate(s, 4, &o), 0);
    /* bounds: theta - back[i] <= .. <= theta + out[i]; tightest: [theta - 20000, theta + 30000] */
    CHECK(o.intersected);
    CHECK_INT(o.offset_ns, theta + 5000);
    CHECK_INT(o.uncertainty_ns, 25000);
    CHECK_INT(o.rtt_min_ns, 90000);
    CHECK(o.offset_ns - o.uncertainty_ns <= theta && theta <= o.offset_ns + o.uncertainty_ns);
    /* a clock stepped between exchanges: no intersection, the shortest exchange decides */
    s[3].t2 += 5000000;
    CHECK_INT(lg_offset_estimate(s, 4, &o), 0);
    CHECK(!o.intersected);
    CHECK_INT(o.offset_ns, s[3].t2 - (s[3].t1 + s[3].t4) / 2);
    CHECK_INT(o.uncertainty_ns, 45000);
    CHECK(lg_offset_estimate(s, 0, &o) != 0);
}

static void test_chrony_line(void)
{
    /* `chronyc -c -n tracking` (chrony 4.3): ref id, name, stratum, ref time, system time,
     * last offset, rms offset, frequency, residual freq, skew, root delay, root dispersion,
     * update interval, leap status */
    const char *line = "A29FC87B,162.159.200.123,4,1764583205.123456789,-0.000012345,"
                       "-0.000010000,0.000020000,-12.345,-0.001,0.050,0.020000000,"
                       "0.001000000,64.5,Normal\n";
    lg_ntp n;
    CHECK_INT(lg_chrony_parse(line, &n, err), 0);
    CHECK(n.synchronized);
    CHECK_NEAR(n.offset_s, -0.000012345, 1e-15);
    CHECK_NEAR(n.error_s, 0.011, 1e-12);   /* root delay / 2 + root dispersion */
    CHECK_STR(n.server, "162.159.200.123");
    CHECK_INT(n.stratum, 4);
    const char *unsync = "7F7F0101,,0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,0.0,Not synchronised";
    CHECK_INT(lg_chrony_parse(unsync, &n, err), 0);
    CHECK(!n.synchronized);
    CHECK(lg_chrony_parse("506 Cannot talk to daemon", &n, err) != 0);
    CHECK(lg_chrony_parse("a,b,c,d,x,f,g,h,i,j,k,l,m,Normal", &n, err) != 0);
}

/* The coordinator's side of the probe, in a thread: answers with its clock + 250 ms. */
typedef struct coord {
    int in, out, n;
} coord;

static void *coordinator(void *arg)
{
    coord *c = arg;
    char line[128];
    size_t len = 0;
    char ch;
    int answered = 0;
    while (answered < c->n && read(c->in, &ch, 1) == 1) {
        if (ch != '\n') {
            if (len + 1 < sizeof line)
                line[len++] = ch;
            continue;
        }
        line[len] = '\0';
        len = 0;
        char reply[128];
        int seq = atoi(line + strlen(LG_PROBE_ASK));
        int k = snprintf(reply, sizeof reply, "%s %d %lld\n", LG_PROBE_REPLY, seq,
                         (long long)(lg_wall_ns() + 250000000));
        if (write(c->out, reply, (size_t)k) != k)
            break;
        answered++;
    }
    return NULL;
}

static void test_probe_over_pipes(void)
{
    int to_coord[2], to_load[2];
    CHECK(pipe(to_coord) == 0 && pipe(to_load) == 0);
    coord c = {to_coord[0], to_load[1], 8};
    pthread_t t;
    pthread_create(&t, NULL, coordinator, &c);
    lg_offset o;
    CHECK_MSG(lg_clock_probe(to_load[0], to_coord[1], 8, 2.0, &o, err) == 0, "%s", err);
    pthread_join(t, NULL);
    CHECK_INT(o.samples, 8);
    CHECK_MSG(llabs(o.offset_ns - 250000000) <= o.uncertainty_ns + 1000,
              "offset %lld +- %lld, expected 250 ms", (long long)o.offset_ns,
              (long long)o.uncertainty_ns);
    CHECK(o.uncertainty_ns < 50000000);
    /* no coordinator: end of input is an error, at once */
    close(to_load[1]);
    CHECK(lg_clock_probe(to_load[0], to_coord[1], 2, 2.0, &o, err) != 0);
    CHECK_HAS(err, "stdin closed");
    close(to_load[0]);
    close(to_coord[0]);
    close(to_coord[1]);
}

static void test_args_hex(void)
{
    char *words[] = {"-H", "X-A: b c", "--body", "{\"k\": \"it's\"}", ""};
    char *hex = lg_args_hex_encode(words, 5);
    CHECK(hex != NULL && strspn(hex, "0123456789abcdef") == strlen(hex));
    size_t n = 0;
    char **w = lg_args_hex_decode(hex, &n, err);
    CHECK_INT(n, 5);
    for (size_t i = 0; w && i < n && i < 5; i++)
        CHECK_STR(w[i], words[i]);
    for (size_t i = 0; w && i < n; i++)
        free(w[i]);
    free(w);
    free(hex);
    CHECK(lg_args_hex_decode("2d48", &n, err) == NULL);     /* no final NUL */
    CHECK(lg_args_hex_decode("2d4", &n, err) == NULL);      /* odd */
    CHECK(lg_args_hex_decode("zz00", &n, err) == NULL);
    CHECK(lg_args_hex_decode("", &n, err) == NULL);
}

int main(void)
{
    RUN(test_start_at);
    RUN(test_offset_estimate);
    RUN(test_chrony_line);
    RUN(test_probe_over_pipes);
    RUN(test_args_hex);
    return unit_done();
}
