/* The C tests' framework (see check.h). */
#include "check.h"

#include <stdlib.h>
#include <string.h>

int checks_failed_in_test = 0;
long checks_run = 0;

int contains(const char *haystack, const char *needle) {
    return haystack != NULL && needle != NULL && strstr(haystack, needle) != NULL;
}

long long json_int(const char *json, const char *key) {
    char pattern[128];
    const char *at;
    snprintf(pattern, sizeof pattern, "\"%s\":", key);
    at = json ? strstr(json, pattern) : NULL;
    return at ? strtoll(at + strlen(pattern), NULL, 10) : -1;
}

int run_tests(const char *suite, const struct test *tests, size_t count) {
    size_t i;
    int passed = 0, failed = 0;
    for (i = 0; i < count; ++i) {
        checks_failed_in_test = 0;
        tests[i].run();
        if (checks_failed_in_test == 0) {
            ++passed;
            printf("test %s ... ok\n", tests[i].name);
        } else {
            ++failed;
            printf("test %s ... FAILED (%d checks)\n", tests[i].name, checks_failed_in_test);
        }
    }
    printf("%s: %ld checks, %d passed, %d failed\n", suite, checks_run, passed, failed);
    return failed == 0 ? 0 : 1;
}
