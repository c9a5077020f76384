/*
 * tests/unit/unit.h — a minimal TAP-producing unit test harness (header only).
 *
 * A test file defines `static void test_x(void)` functions and a main() that calls
 * RUN(test_x) for each and returns unit_done(). Each RUN prints "ok N - name" or
 * "not ok N - name" followed by the failing checks; tests/run.sh counts those lines.
 * CHECK* macros record a failure and continue, so one test reports every broken assertion.
 */
#ifndef RIGOR_TESTS_UNIT_H
#define RIGOR_TESTS_UNIT_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int unit_n, unit_failures, unit_cur_failed;

#define CHECK(cond) \
    do { if (!(cond)) { unit_cur_failed = 1; \
        printf("#   %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); } } while (0)

#define CHECK_MSG(cond, ...) \
    do { if (!(cond)) { unit_cur_failed = 1; \
        printf("#   %s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
        printf(__VA_ARGS__); printf("\n"); } } while (0)

#define CHECK_INT(a, b) \
    do { long long a_ = (long long)(a), b_ = (long long)(b); \
        CHECK_MSG(a_ == b_, "%s = %lld, expected %lld", #a, a_, b_); } while (0)

#define CHECK_NEAR(a, b, tol) \
    do { double a_ = (double)(a), b_ = (double)(b); \
        CHECK_MSG(fabs(a_ - b_) <= (tol) || (isnan(a_) && isnan(b_)), \
                  "%s = %.17g, expected %.17g (tol %g)", #a, a_, b_, (double)(tol)); } while (0)

/* Relative closeness: |a - b| <= rel * |b| (or both zero). */
#define CHECK_REL(a, b, rel) \
    do { double a_ = (double)(a), b_ = (double)(b); \
        CHECK_MSG(fabs(a_ - b_) <= (rel) * fabs(b_), \
                  "%s = %.17g, expected %.17g (rel %g)", #a, a_, b_, (double)(rel)); } while (0)

#define CHECK_STR(a, b) \
    do { const char *a_ = (a), *b_ = (b); \
        CHECK_MSG(a_ != NULL && b_ != NULL && strcmp(a_, b_) == 0, "%s = \"%s\", expected \"%s\"", \
                  #a, a_ ? a_ : "(null)", b_ ? b_ : "(null)"); } while (0)

/* The string contains the substring. */
#define CHECK_HAS(a, sub) \
    do { const char *a_ = (a), *s_ = (sub); \
        CHECK_MSG(a_ != NULL && strstr(a_, s_) != NULL, "%s = \"%s\", wanted it to contain \"%s\"", \
                  #a, a_ ? a_ : "(null)", s_); } while (0)

#define RUN(fn) \
    do { unit_cur_failed = 0; fn(); unit_n++; \
        if (unit_cur_failed) unit_failures++; \
        printf("%sok %d - %s\n", unit_cur_failed ? "not " : "", unit_n, #fn); \
        fflush(stdout); } while (0)

static inline int unit_done(void)
{
    printf("1..%d\n", unit_n);
    return unit_failures ? 1 : 0;
}

#endif
