/*
 * C tests of the experiment functions (psim_experiment_*), run by `make test-c`, under
 * valgrind by `make valgrind` and under AddressSanitizer by `make asan`.
 *
 * Covered: the points of a grid in their order; one point's record equal to the same point's
 * record in the threaded run; a base given as text; a bad value naming the axis; an index out
 * of range; NULL arguments.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* A and B pay each other 100 at tick 1; the axis sets A's balance, the seeds do nothing here. */
static const char *EXPERIMENT =
    "scenario:\n"
    "  simulation: {ticks_per_day: 5, seed: 1}\n"
    "  agents:\n"
    "    - {id: A, balance: 0, policy: {type: Fifo}}\n"
    "    - {id: B, balance: 0, policy: {type: Fifo}}\n"
    "  scenario_events:\n"
    "    - {type: payment, tick: 1, sender: A, receiver: B, amount: 100}\n"
    "axes: [{name: a, path: 'agents[A].balance', values: [0, 100]}]\n"
    "seeds: [1, 2]\n";

static void points_and_records(void) {
    char *points = NULL;
    char *all = NULL;
    char *one = NULL;
    CHECK_OK(psim_experiment_expand_json(EXPERIMENT, NULL, 0, &points));
    CHECK(contains(points, "\"axes\":[\"a\",\"seed\"],\"count\":4"));
    CHECK(contains(points, "{\"index\":1,\"values\":{\"a\":0,\"seed\":2}}"));
    CHECK_OK(psim_experiment_run_json(EXPERIMENT, NULL, 0, 2, NULL, NULL, &all));
    CHECK_OK(psim_experiment_run_point_json(EXPERIMENT, NULL, 2, &one));
    CHECK(contains(all, one)); /* the same bytes, run alone or with the others */
    CHECK(contains(one, "\"status\":\"ok\""));
    CHECK(contains(one, "\"settled_count\":1")); /* A has the 100 it pays */
    psim_string_free(points);
    psim_string_free(all);
    psim_string_free(one);
}

static void base_as_text(void) {
    char *points = NULL;
    const char *exp = "{\"scenario\": \"base.yaml\", \"axes\": [{\"path\": \"lsm.bilateral\", \"values\": [true, false]}]}";
    const char *base = "simulation: {ticks_per_day: 5, seed: 1}\n"
                       "agents: [{id: A, balance: 0, policy: {type: Fifo}}, {id: B, balance: 0, policy: {type: Fifo}}]\n";
    CHECK_OK(psim_experiment_expand_json(exp, base, 0, &points));
    CHECK(contains(points, "\"count\":2"));
    psim_string_free(points);
    CHECK(psim_experiment_expand_json(exp, NULL, 0, &points) == PSIM_STATUS_INVALID_CONFIG);
    CHECK(contains(psim_last_error_json(), "\"path\":\"scenario\""));
}

static void bad_input(void) {
    char *out = NULL;
    const char *bad = "scenario: {simulation: {ticks_per_day: 5, seed: 1}, agents: [{id: A, balance: 0, policy: {type: Fifo}}]}\n"
                      "axes: [{path: 'agents[A].balance', values: [1, -5]}]\n";
    CHECK(psim_experiment_expand_json(bad, NULL, 0, &out) == PSIM_STATUS_INVALID_CONFIG);
    CHECK(out == NULL);
    CHECK(contains(psim_last_error_json(), "\"path\":\"axes[0]\""));
    CHECK(contains(psim_last_error_json(), "\"value\":-5"));
    CHECK(psim_experiment_run_point_json(EXPERIMENT, NULL, 4, &out) == PSIM_STATUS_INVALID_ARGUMENT);
    CHECK(psim_experiment_expand_json("axes: [", NULL, 0, &out) == PSIM_STATUS_INVALID_JSON);
    CHECK(psim_experiment_expand_json(NULL, NULL, 0, &out) == PSIM_STATUS_NULL_ARG);
    CHECK(psim_experiment_run_point_json(EXPERIMENT, NULL, 0, NULL) == PSIM_STATUS_NULL_ARG);
    CHECK(out == NULL);
}

int main(void) {
    static const struct test tests[] = {
        {"points_and_records", points_and_records},
        {"base_as_text", base_as_text},
        {"bad_input", bad_input},
    };
    return run_tests("experiment", tests, sizeof tests / sizeof tests[0]);
}
