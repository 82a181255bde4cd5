/*
 * C tests of the stress tester (psim_stress_run), run by `make test-c`, under valgrind by
 * `make valgrind` and under AddressSanitizer by `make asan`.
 *
 * Covered: a chain whose head's outage ranks first, the same report for 1 and 2 threads, the
 * progress callback called on the caller's thread with its data, a bad
 * definition (status, problems with their paths, no report), NULL arguments.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* A -> B -> C: only A has money; A pays B 100 at tick 1, B pays C 100 at tick 2. */
static const char *CHAIN =
    "simulation: {ticks_per_day: 10, seed: 1}\n"
    "lsm: {bilateral: false, multilateral: false}\n"
    "agents:\n"
    "  - {id: A, balance: 1000, policy: {type: Fifo}}\n"
    "  - {id: B, balance: 0, policy: {type: Fifo}}\n"
    "  - {id: C, balance: 0, policy: {type: Fifo}}\n"
    "scenario_events:\n"
    "  - {type: payment, tick: 1, sender: A, receiver: B, amount: 100}\n"
    "  - {type: payment, tick: 2, sender: B, receiver: C, amount: 100}\n";

static const char *OUTAGE_EACH =
    "{\"scenarios\": [{\"type\": \"outage\", \"participants\": \"all\", "
    "\"from_tick\": 0, \"to_tick\": 10}]}";

struct progress {
    uint64_t calls;
    uint64_t first_done;
    uint64_t last_done;
    uint64_t total;
    int backwards;
};

/* Called on this thread as runs finish: done only grows, the last call has done == total. */
static void on_progress(uint64_t done, uint64_t total, void *user_data) {
    struct progress *p = (struct progress *)user_data;
    if (p->calls == 0) {
        p->first_done = done;
    } else if (done <= p->last_done) {
        p->backwards = 1;
    }
    p->calls += 1;
    p->last_done = done;
    p->total = total;
}

static void ranking_and_threads(void) {
    char *one = NULL;
    char *two = NULL;
    struct progress p = {0, 0, 0, 0, 0};
    CHECK(psim_stress_run(CHAIN, OUTAGE_EACH, 1, NULL, NULL, &one) == PSIM_STATUS_OK);
    CHECK(psim_stress_run(CHAIN, OUTAGE_EACH, 2, on_progress, &p, &two) == PSIM_STATUS_OK);
    CHECK(one != NULL && two != NULL && strcmp(one, two) == 0);
    /* A's outage leaves B's payment unsettled: damage 100; B's and C's harm nobody. */
    CHECK(contains(one, "\"entries\":[{\"rank\":1,\"participant\":\"A\",\"damage\":100},"
                        "{\"rank\":2,\"participant\":\"B\",\"damage\":0},"
                        "{\"rank\":3,\"participant\":\"C\",\"damage\":0}]"));
    CHECK(p.calls >= 2 && p.first_done == 1 && p.last_done == 4 && p.total == 4 && !p.backwards);
    psim_string_free(one);
    psim_string_free(two);
}

static void bad_input(void) {
    char *report = NULL;
    const char *bad = "scenarios: [{type: outage, participants: [A, Z], from_tick: 0, to_tick: 99}]";
    CHECK(psim_stress_run(CHAIN, bad, 0, NULL, NULL, &report) == PSIM_STATUS_INVALID_CONFIG);
    CHECK(report == NULL);
    CHECK(contains(psim_last_error_json(), "\"path\":\"scenarios[0].participants[1]\""));
    CHECK(psim_stress_run(CHAIN, "scenarios: [", 0, NULL, NULL, &report) == PSIM_STATUS_INVALID_JSON);
    CHECK(psim_stress_run(NULL, OUTAGE_EACH, 0, NULL, NULL, &report) == PSIM_STATUS_NULL_ARG);
    CHECK(psim_stress_run(CHAIN, NULL, 0, NULL, NULL, &report) == PSIM_STATUS_NULL_ARG);
    CHECK(psim_stress_run(CHAIN, OUTAGE_EACH, 0, NULL, NULL, NULL) == PSIM_STATUS_NULL_ARG);
    CHECK(report == NULL);
}

int main(void) {
    static const struct test tests[] = {
        {"ranking_and_threads", ranking_and_threads},
        {"bad_input", bad_input},
    };
    return run_tests("stress", tests, sizeof tests / sizeof tests[0]);
}
