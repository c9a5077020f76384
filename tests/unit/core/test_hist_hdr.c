/*
 * tests/unit/core/test_hist_hdr.c — HdrHistogram's compressed V2 encoding (core/hist_hdr.c)
 * against strings made by HdrHistogram's own ports, and the dataset forms built on it.
 *
 * References: the Vala port's encoding test (Histogram(1, 300, 3) holding 100, 200, 250
 * encodes to KNOWN_VALA), and a string made by hdr-histogram-js 3.0.1 (npm) with
 * tests/fixtures/hist/hdr_js_vector.js: 5,003 values (a seeded LCG, log-spread, and three 0s)
 * whose percentiles that library prints as 34, 1229, 418047, 1348607 (p25, p50, p90, p99);
 * the same script decodes rigor's encoding of the same values to the same percentiles.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "core/err.h"
#include "core/hist.h"
#include "tests/unit/unit.h"

static char err[RG_ERRLEN];

#define KNOWN_VALA "HISTFAAAACV4nJNpmSzMwMDAwQABzFCaEUrp2H+AsI4zMh1lZEpkAgBdIQSk"

static const char known_js[] =
    "HISTFAAAA794nDVTTc7kNBD1lzjVlerqan/pfP19jcdjPJYVmRBloihqicWIHQghNiM2nIIjsGDN"
    "Zi6AEIfhBJyAgyBnZvKUxD/Sq1fPz69+/3BRqvlTKfWglKrVx6eM1b8f/laf5/BP/Uf138NfD789"
    "/PDrT7+8+/H7b95++/rtu+7r1/1X/fXLl1evpbtyx90bEjQCr16IrvTG4BcVXoUJqWMQ6RBZCbMm"
    "RcQEojRdjWJGVqwVCStCBaQMKlAIClWllVGkWBQqVEZB2VC0f1mJYlWpqiallanLHGtSUrOq6l5h"
    "3ddadTXWWEPNO6jmGuuu5hoaLLOGamy4/BuqoZGmjLDhBstKgwduoMGDNHKggz6UFTrAgQ/Y6gMf"
    "uMUDtXLAllpupdUttthyy0fdwpGP0NKxAE94xCOc6Fid5EQnPuGpO+GZTnSGsz7jGc/mzI94hkdI"
    "9Gge5cKPdOGLXMwFL/gkT3SBJ3rGJ36unvAZn+EGz+YmN7rBrbJyY0uWHVt07MSxZ4fe+C5w0EGH"
    "LmCkSJGTTn2SBAMMOFDWGTJmGnnECSeaqhkLFlpgoRVWXmGju954wVvh11acdlzgwXWeAnoTTOBI"
    "gSJEThwpQZLBDDTQoDNlHinj2E804tTPOOsZZ1iuS7fCalbcaONSI4I1Fq1YdOQKN3vy6LXXAUJ5"
    "C3/pABMkTjjIIEPRL6WHEaZqNBNNMPMMs8y46FWvWLDhXTZcrlYsWbLg8HMHnjx4DOAhcOTSRXEo"
    "cqKBUzfoQXL//qP+boJRdvYCvbwsuNKqV9peNtzgThGtsWwrhzt/58iLN157DBQowHcQJUGkRAkL"
    "//DFgJmzzjRKxolGmXiiWc9QHFqqlVZcu5U32uQui7Zgy+mi1Y4cenDi0YM3AYIECBh14AQRkyRM"
    "nGTAAd9jrkbIRTmONPMkMxUsuJiVF9pg1fdqoztFsmDBiSXX7d6UGuI5gNdBInzKj8Si3gywd4DZ"
    "5OINZT3JiBNMNJuZZ5qLO9Uim6y06Q3uvFJRb8n2Tjtx6CpPrnCT1wEDBxNN1LGKuvAnSd0g7+Vn"
    "k3nsRhphkgkmnLuZZlxg4YVW2bCw3+VOSduSf3TGdg49O7Nnp+g3gXd2iqZkJ1YlOQkGzCWdknmE"
    "UfYKPH0822ruS3YWvfIGW8k/r0W7tiX96HpX7pb2JaHGUzCBYqnAsYucqoSpHySZTANnzJj1XkEm"
    "nPpJ5n7WMy+w6IVWvfFKG9zxTgn29IhjZ5xx5D7p912QQKHf/TGxeAMJEg7VfsOqDP8DYBp86Q==";

/* The values of hdr_js_vector.js, recorded by rigor. */
static rg_hist *js_values(void)
{
    rg_hist *h = rg_hist_new(3600000000LL, 3, err);
    long long x = 12345;
    for (int i = 0; i < 5000; i++) {
        x = (x * 48271LL) % 2147483647LL;
        rg_hist_record(h, (long long)floor(exp((double)(x % 1000) / 70)));
    }
    rg_hist_record_n(h, 0, 3);
    return h;
}

/* 1 when a and b have the same non-empty buckets with the same counts. */
static int same_buckets(const rg_hist *a, const rg_hist *b)
{
    size_t pa = 0, pb = 0;
    int64_t la, ha, lb, hb;
    uint64_t ca, cb;
    for (;;) {
        int ma = rg_hist_next(a, &pa, &la, &ha, &ca), mb = rg_hist_next(b, &pb, &lb, &hb, &cb);
        if (ma != mb)
            return 0;
        if (!ma)
            return 1;
        if (la != lb || ha != hb || ca != cb)
            return 0;
    }
}

static void test_decodes_vala_vector(void)
{
    rg_hist *h = rg_hist_hdr_decode(KNOWN_VALA, strlen(KNOWN_VALA), err);
    CHECK_MSG(h != NULL, "%s", err);
    if (h == NULL)
        return;
    CHECK_INT(rg_hist_count(h), 3);
    CHECK_INT(rg_hist_highest(h), 300);
    CHECK_INT(rg_hist_sigfigs(h), 3);
    CHECK_INT(rg_hist_percentile(h, 10), 100);
    CHECK_INT(rg_hist_percentile(h, 50), 200);
    CHECK_INT(rg_hist_percentile(h, 100), 250);
    rg_hist_free(h);
}

static void test_encodes_as_vala(void)
{
    rg_hist *h = rg_hist_new(300, 3, err);
    rg_hist_record(h, 100);
    rg_hist_record(h, 200);
    rg_hist_record(h, 250);
    char *s = rg_hist_hdr_encode(h);
    CHECK_STR(s, KNOWN_VALA);   /* byte for byte: same layout, same zlib stream */
    free(s);
    rg_hist_free(h);
}

static void test_decodes_js_vector(void)
{
    rg_hist *h = rg_hist_hdr_decode(known_js, strlen(known_js), err), *ref = js_values();
    CHECK_MSG(h != NULL, "%s", err);
    if (h != NULL) {
        CHECK_INT(rg_hist_count(h), 5003);
        CHECK_INT(rg_hist_percentile(h, 25), 34);
        CHECK_INT(rg_hist_percentile(h, 50), 1229);
        CHECK_INT(rg_hist_percentile(h, 90), 418047);
        CHECK_INT(rg_hist_percentile(h, 99), 1348607);
        CHECK(same_buckets(h, ref));
    }
    rg_hist_free(h);
    rg_hist_free(ref);
}

static uint64_t rng_state = 88172645463325252ull;
static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* encode -> decode keeps every bucket, at every precision, with 0s and saturated values. */
static void test_round_trip(void)
{
    for (int sig = 1; sig <= 5; sig++) {
        rg_hist *h = rg_hist_new(3600000000LL, sig, err);
        for (int i = 0; i < 20000; i++)
            rg_hist_record_n(h, (int64_t)exp((double)(rng() % 2200) / 100.0), 1 + rng() % 3);
        rg_hist_record_n(h, 0, 7);
        rg_hist_record(h, 3600000000LL + 5);                 /* saturated: at highest */
        rg_hist_record_n(h, 1000, (uint64_t)1 << 40);        /* a count of 6 varint bytes */
        char *s = rg_hist_hdr_encode(h);
        rg_hist *g = s ? rg_hist_hdr_decode(s, strlen(s), err) : NULL;
        CHECK_MSG(g != NULL, "sigfigs %d: %s", sig, err);
        if (g != NULL) {
            CHECK(same_buckets(g, h));
            CHECK_INT(rg_hist_count(g), rg_hist_count(h));
        }
        free(s);
        rg_hist_free(g);
        rg_hist_free(h);
    }
    rg_hist *e = rg_hist_new(1000, 2, err);                  /* empty */
    char *s = rg_hist_hdr_encode(e);
    rg_hist *g = rg_hist_hdr_decode(s, strlen(s), err);
    CHECK(g != NULL && rg_hist_count(g) == 0 && rg_hist_highest(g) == 1000);
    free(s);
    rg_hist_free(g);
    rg_hist_free(e);
}

static void expect_bad(const char *text, const char *msg)
{
    rg_hist *h = rg_hist_hdr_decode(text, strlen(text), err);
    CHECK_MSG(h == NULL, "accepted %s", text);
    CHECK_HAS(err, msg);
    rg_hist_free(h);
}

static void test_rejects(void)
{
    char buf[256];
    expect_bad("", "base64");
    expect_bad("HISTFAAAACV4nJNpmSzMwMDAwQABzFCaEUrp2H+AsI4zMh1lZEpkAgBdIQS", "base64");
    expect_bad("HIST FAAAACV4nJNpmSzMwMDAwQABzFCaEUrp2H+AsI4zMh1lZEpkAgBdIQS", "base64");
    expect_bad("AAAAAAAAAAAA", "compressed V2");
    /* one character of the zlib stream changed: its checksum or structure fails */
    snprintf(buf, sizeof buf, "%s", KNOWN_VALA);
    buf[30] = buf[30] == 'A' ? 'B' : 'A';
    expect_bad(buf, "");
    /* the uncompressed V2 form (cookie ...13) where the compressed one (...14) belongs */
    expect_bad("HISTEwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "compressed V2");
}

/* rg_hist_from_json refuses text with msg; rg_hist_check_json (what loading does) too when
 * `at_load`, else it passes: the counts of an encoded histogram are checked when decoded. */
static void expect_json_bad(const char *text, const char *msg, int at_load)
{
    json_error_t je;
    json_t *j = json_loads(text, 0, &je);
    CHECK_MSG(j != NULL, "fixture does not parse: %s", text);
    rg_hist *h = rg_hist_from_json(j, err);
    CHECK_MSG(h == NULL, "from_json accepted %s", text);
    CHECK_HAS(err, msg);
    if (at_load) {
        CHECK_MSG(rg_hist_check_json(j, err) != 0, "check_json accepted %s", text);
        CHECK_HAS(err, msg);
    } else {
        CHECK_MSG(rg_hist_check_json(j, err) == 0, "check_json refused %s: %s", text, err);
    }
    rg_hist_free(h);
    json_decref(j);
}

/* The dataset v2 object: exact totals beside the encoding, both forms read alike. */
static void test_json_forms(void)
{
    rg_hist *h = js_values();
    json_t *v1 = rg_hist_to_json(h), *v2 = json_deep_copy(v1);
    char *s = rg_hist_hdr_encode(h);
    json_object_del(v2, "buckets");
    json_object_set_new(v2, "hdr", json_string(s));
    rg_hist *a = rg_hist_from_json(v1, err), *b = rg_hist_from_json(v2, err);
    CHECK(a != NULL && b != NULL);
    CHECK_INT(rg_hist_check_json(v2, err), 0);
    if (a != NULL && b != NULL) {
        CHECK(same_buckets(a, b));
        CHECK_INT(rg_hist_min(b), rg_hist_min(h));
        CHECK_INT(rg_hist_max(b), rg_hist_max(h));
        CHECK_NEAR(rg_hist_sum(b), rg_hist_sum(h), 0);
    }
    rg_hist_free(a);
    rg_hist_free(b);
    free(s);
    json_decref(v1);
    json_decref(v2);
    rg_hist_free(h);
    expect_json_bad("{\"sigfigs\": 2, \"highest\": 300, \"count\": 3, \"min\": 100, \"max\": 250, "
                    "\"sum\": 550, \"hdr\": \"" KNOWN_VALA "\"}", "encoded with 3 significant", 0);
    expect_json_bad("{\"sigfigs\": 3, \"highest\": 300, \"count\": 4, \"min\": 100, \"max\": 250, "
                    "\"sum\": 550, \"hdr\": \"" KNOWN_VALA "\"}", "add up to 3", 0);
    expect_json_bad("{\"sigfigs\": 3, \"highest\": 300, \"count\": 3, \"min\": 100, \"max\": 200, "
                    "\"sum\": 550, \"hdr\": \"" KNOWN_VALA "\"}", "first/last", 0);
    expect_json_bad("{\"sigfigs\": 3, \"highest\": 300, \"count\": 3, \"min\": 100, \"max\": 250, "
                    "\"sum\": 550, \"hdr\": 7}", "expected a string", 1);
    expect_json_bad("{\"sigfigs\": 3, \"highest\": 300, \"count\": 3, \"min\": 100, \"max\": 250, "
                    "\"sum\": 550, \"hdr\": \"" KNOWN_VALA "\", \"buckets\": []}", "one or the other", 1);
    expect_json_bad("{\"sigfigs\": 3, \"highest\": 300, \"count\": 3, \"min\": 100, \"max\": 250, "
                    "\"sum\": 550, \"hdr\": \"@@@@\"}", "histogram.hdr: not base64", 1);
    /* a string cut short: the zlib length in its first bytes no longer matches */
    expect_json_bad("{\"sigfigs\": 3, \"highest\": 300, \"count\": 3, \"min\": 100, \"max\": 250, "
                    "\"sum\": 550, \"hdr\": \"HISTFAAAACV4nJNpmSzMwMDAwQABzFCaEUrp2H+AsI4z\"}",
                    "compressed V2", 1);
}

int main(void)
{
    RUN(test_decodes_vala_vector);
    RUN(test_encodes_as_vala);
    RUN(test_decodes_js_vector);
    RUN(test_round_trip);
    RUN(test_rejects);
    RUN(test_json_forms);
    return unit_done();
}
