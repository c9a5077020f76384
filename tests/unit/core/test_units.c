/*
 * tests/unit/core/test_units.c — parsing and formatting of durations, counts, sizes, lists.
 */
#include <stdlib.h>
#include "core/err.h"
#include "core/units.h"
#include "tests/unit/unit.h"

static char err[RG_ERRLEN];

static void test_duration_units(void)
{
    double s;
    CHECK(rg_parse_duration("250ms", &s, err) == 0); CHECK_NEAR(s, 0.25, 1e-12);
    CHECK(rg_parse_duration("10s", &s, err) == 0);   CHECK_NEAR(s, 10, 0);
    CHECK(rg_parse_duration("2m", &s, err) == 0);    CHECK_NEAR(s, 120, 0);
    CHECK(rg_parse_duration("1h", &s, err) == 0);    CHECK_NEAR(s, 3600, 0);
    CHECK(rg_parse_duration("1.5s", &s, err) == 0);  CHECK_NEAR(s, 1.5, 0);
    CHECK(rg_parse_duration("500us", &s, err) == 0); CHECK_NEAR(s, 5e-4, 1e-15);
    CHECK(rg_parse_duration("100ns", &s, err) == 0); CHECK_NEAR(s, 1e-7, 1e-18);
    CHECK(rg_parse_duration("3", &s, err) == 0);     CHECK_NEAR(s, 3, 0);
    CHECK(rg_parse_duration("0s", &s, err) == 0);    CHECK_NEAR(s, 0, 0);
}

static void test_duration_rejects(void)
{
    double s;
    const char *bad[] = {"10x", "", "s", "-1s", "1e", "5 s", " 5s", "inf", "nan", "0x10",
                         "1.2.3s", "10ss", "+3s", "1e999s"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK_MSG(rg_parse_duration(bad[i], &s, err) == -1, "accepted '%s'", bad[i]);
    rg_parse_duration("10x", &s, err);
    CHECK_STR(err, "invalid duration '10x'");
}

static void test_counts(void)
{
    uint64_t n;
    CHECK(rg_parse_count("10k", &n, err) == 0); CHECK_INT(n, 10000);
    CHECK(rg_parse_count("1M", &n, err) == 0);  CHECK_INT(n, 1000000);
    CHECK(rg_parse_count("2G", &n, err) == 0);  CHECK_INT(n, 2000000000);
    CHECK(rg_parse_count("1.5k", &n, err) == 0); CHECK_INT(n, 1500);
    CHECK(rg_parse_count("0", &n, err) == 0);   CHECK_INT(n, 0);
    CHECK(rg_parse_count("1.5", &n, err) == -1);
    CHECK(rg_parse_count("-3", &n, err) == -1);
    CHECK(rg_parse_count("10m", &n, err) == -1);
    CHECK(rg_parse_count("k", &n, err) == -1);
    CHECK_STR(err, "invalid count 'k'");
}

static void test_sizes(void)
{
    uint64_t n;
    CHECK(rg_parse_size("512", &n, err) == 0);  CHECK_INT(n, 512);
    CHECK(rg_parse_size("4k", &n, err) == 0);   CHECK_INT(n, 4000);
    CHECK(rg_parse_size("2KiB", &n, err) == 0); CHECK_INT(n, 2048);
    CHECK(rg_parse_size("1MiB", &n, err) == 0); CHECK_INT(n, 1048576);
    CHECK(rg_parse_size("1GiB", &n, err) == 0); CHECK_INT(n, 1073741824);
    CHECK(rg_parse_size("1.5B", &n, err) == -1);
    CHECK(rg_parse_size("3 KiB", &n, err) == -1);
}

static void test_percent_and_double(void)
{
    double f;
    CHECK(rg_parse_percent("1%", &f, err) == 0);   CHECK_NEAR(f, 0.01, 1e-15);
    CHECK(rg_parse_percent("0.01", &f, err) == 0); CHECK_NEAR(f, 0.01, 1e-15);
    CHECK(rg_parse_percent("2.5%", &f, err) == 0); CHECK_NEAR(f, 0.025, 1e-15);
    CHECK(rg_parse_percent("1%%", &f, err) == -1);
    CHECK(rg_parse_double("-2.5", &f, err) == 0);  CHECK_NEAR(f, -2.5, 0);
    CHECK(rg_parse_double("1e3", &f, err) == 0);   CHECK_NEAR(f, 1000, 0);
    CHECK(rg_parse_double("nan", &f, err) == -1);
    CHECK(rg_parse_double("1x", &f, err) == -1);
    CHECK(rg_parse_double("", &f, err) == -1);
}

static void test_lists(void)
{
    uint64_t *v;
    size_t n;
    CHECK(rg_parse_list("10,100,500", &v, &n, 1000, err) == 0);
    CHECK_INT(n, 3); CHECK_INT(v[0], 10); CHECK_INT(v[1], 100); CHECK_INT(v[2], 500);
    free(v);
    CHECK(rg_parse_list("50:1000:50", &v, &n, 1000, err) == 0);
    CHECK_INT(n, 20); CHECK_INT(v[0], 50); CHECK_INT(v[19], 1000);
    free(v);
    CHECK(rg_parse_list("1,10:30:10", &v, &n, 1000, err) == 0);
    CHECK_INT(n, 4); CHECK_INT(v[3], 30);
    free(v);
    CHECK(rg_parse_list("7", &v, &n, 1000, err) == 0);
    CHECK_INT(n, 1); CHECK_INT(v[0], 7);
    free(v);
    CHECK(rg_parse_list("1:10:4", &v, &n, 1000, err) == 0);   /* 1, 5, 9: stop not reached */
    CHECK_INT(n, 3); CHECK_INT(v[2], 9);
    free(v);
}

static void test_list_rejects(void)
{
    uint64_t *v = NULL;
    size_t n;
    const char *bad[] = {"", ",", "10,", ",10", "10,,20", "0", "10:5:1", "1:10:0", "1:10",
                         "a,b", "1.5", "-5", "5,5", "1:3:1,2"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK_MSG(rg_parse_list(bad[i], &v, &n, 1000, err) == -1, "accepted '%s'", bad[i]);
    CHECK(rg_parse_list("1:1000000000:1", &v, &n, 10000, err) == -1);
    CHECK_HAS(err, "more than 10000");
    double *d;
    CHECK(rg_parse_list_double("1000,2500.5", &d, &n, 100, err) == 0);
    CHECK_INT(n, 2); CHECK_NEAR(d[1], 2500.5, 0);
    free(d);
}

static void test_formatting(void)
{
    char b[64];
    CHECK_STR(rg_fmt_us(b, sizeof b, 1234.5, 3), "1.23ms");
    CHECK_STR(rg_fmt_us(b, sizeof b, 340, 3), "340us");
    CHECK_STR(rg_fmt_us(b, sizeof b, 2.5e6, 3), "2.50s");
    CHECK_STR(rg_fmt_us(b, sizeof b, 999.96, 3), "1.00ms");
    CHECK_STR(rg_fmt_seconds(b, sizeof b, 93.2), "1m33s");
    CHECK_STR(rg_fmt_seconds(b, sizeof b, 4.5), "4.50s");
    CHECK_STR(rg_fmt_si(b, sizeof b, 123456, 3), "123k");
    CHECK_STR(rg_fmt_si(b, sizeof b, 999999, 3), "1.00M");
    CHECK_STR(rg_fmt_si(b, sizeof b, 42, 3), "42.0");
    CHECK_STR(rg_fmt_bytes(b, sizeof b, 1536), "1.50KiB");
    CHECK_STR(rg_fmt_bytes(b, sizeof b, 100), "100B");
    CHECK_STR(rg_fmt_bytes(b, sizeof b, 1073741824.0), "1.00GiB");
    CHECK_STR(rg_fmt_bytes(b, sizeof b, 1023.0 * 1024), "0.999MiB");
    CHECK_STR(rg_fmt_sig(b, sizeof b, 0.012345, 3), "0.0123");
    CHECK_STR(rg_fmt_sig(b, sizeof b, 9.996, 3), "10.0");
    CHECK_STR(rg_fmt_sig(b, sizeof b, -2.345, 2), "-2.3");
    CHECK_STR(rg_fmt_sig(b, sizeof b, 0, 3), "0");
    CHECK_STR(rg_fmt_sig(b, sizeof b, NAN, 3), "nan");
}

int main(void)
{
    RUN(test_duration_units);
    RUN(test_duration_rejects);
    RUN(test_counts);
    RUN(test_sizes);
    RUN(test_percent_and_double);
    RUN(test_lists);
    RUN(test_list_rejects);
    RUN(test_formatting);
    return unit_done();
}
