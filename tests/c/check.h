/*
 * The C tests' minimal framework (every file in tests/c): checks that count and report with the
 * library's last error, two small JSON probes, and a runner that prints one line per test.
 * Each test binary links check.c once, so the counters are shared by all its files.
 */
#ifndef PSIM_TEST_CHECK_H
#define PSIM_TEST_CHECK_H

#include <stddef.h>
#include <stdio.h>

#include "payment_sim.h"

extern int checks_failed_in_test;
extern long checks_run;

#define CHECK(cond)                                                                         \
    do {                                                                                    \
        ++checks_run;                                                                       \
        if (!(cond)) {                                                                      \
            ++checks_failed_in_test;                                                        \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n  last error: %s\n", __FILE__,        \
                    __LINE__, #cond, psim_last_error());                                    \
        }                                                                                   \
    } while (0)

/* Check a status; on failure print the library's message. */
#define CHECK_STATUS(call, expected)                                                        \
    do {                                                                                    \
        psim_status got_ = (call);                                                          \
        ++checks_run;                                                                       \
        if (got_ != (expected)) {                                                           \
            ++checks_failed_in_test;                                                        \
            fprintf(stderr, "%s:%d: %s returned %d, expected %s (%d)\n  last error: %s\n", \
                    __FILE__, __LINE__, #call, (int)got_, #expected, (int)(expected),       \
                    psim_last_error());                                                     \
        }                                                                                   \
    } while (0)

#define CHECK_OK(call) CHECK_STATUS(call, PSIM_STATUS_OK)

/* Whether `needle` occurs in `haystack` (false for NULL). */
int contains(const char *haystack, const char *needle);

/* The integer after the first `"key":` in a compact JSON document (-1 when absent). */
long long json_int(const char *json, const char *key);

struct test {
    const char *name;
    void (*run)(void);
};

/* Run every test, print `test NAME ... ok|FAILED` and the totals; the exit status. */
int run_tests(const char *suite, const struct test *tests, size_t count);

#endif
