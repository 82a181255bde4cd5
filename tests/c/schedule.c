/*
 * C tests of the schedule of timed inputs (psim_sim_schedule, psim_sim_schedule_json), run by
 * `make test-c`, under valgrind by `make valgrind` and under AddressSanitizer by `make asan`
 * (beside tests/c/harness.c, which covers the rest of the API).
 *
 * Covered: an outage and a liquidity injection appended live and their effect, the pending
 * listing, the scenario_events of a configuration, every bad input (status, structured
 * problems with their paths, the simulation unchanged), NULL arguments, a snapshot in the
 * middle of an outage continuing identically.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* The four-bank ring of docs/model.md, 10,000 each, and a day of 10 ticks. */
static const char *RING =
    "{\"ticks_per_day\": 10, \"num_days\": 1, \"rng_seed\": 1, \"agent_configs\": ["
    "{\"id\": \"A\", \"opening_balance\": 10000, \"policy\": {\"type\": \"Fifo\"}},"
    "{\"id\": \"B\", \"opening_balance\": 10000, \"policy\": {\"type\": \"Fifo\"}},"
    "{\"id\": \"C\", \"opening_balance\": 10000, \"policy\": {\"type\": \"Fifo\"}},"
    "{\"id\": \"D\", \"opening_balance\": 10000, \"policy\": {\"type\": \"Fifo\"}}]}";

static void ring_payments(psim_sim_t *sim) {
    const char *ids[4] = {"A", "B", "C", "D"};
    int i;
    for (i = 0; i < 4; ++i) {
        char tx[160];
        char *id = NULL;
        snprintf(tx, sizeof tx, "{\"sender\": \"%s\", \"receiver\": \"%s\", \"amount\": 50000}",
                 ids[i], ids[(i + 1) % 4]);
        CHECK_OK(psim_sim_submit(sim, tx, &id));
        psim_string_free(id);
    }
}

static long long settled_in_tick(psim_sim_t *sim) {
    char *json = NULL;
    long long n = -1;
    if (psim_sim_tick(sim, &json) == PSIM_STATUS_OK) {
        const char *at = strstr(json, "\"num_settlements\":");
        n = at ? strtoll(at + strlen("\"num_settlements\":"), NULL, 10) : -1;
    }
    psim_string_free(json);
    return n;
}

/* An outage of C for ticks 0-2 holds the ring; the LSM settles it at tick 3. */
static void outage_holds_the_ring(void) {
    psim_sim_t *sim = NULL;
    char *pending = NULL;
    char *state = NULL;
    int t;
    CHECK_OK(psim_sim_new(RING, &sim));
    ring_payments(sim);
    CHECK_OK(psim_sim_schedule(sim, "{\"scenario_events\": [{\"type\": \"outage\", "
                                    "\"agent\": \"C\", \"from_tick\": 0, \"to_tick\": 3}]}"));
    CHECK_OK(psim_sim_schedule_json(sim, &pending));
    CHECK(contains(pending, "\"phase\":\"start\"") && contains(pending, "\"type\":\"outage\""));
    psim_string_free(pending);
    for (t = 0; t < 3; ++t) CHECK(settled_in_tick(sim) == 0);
    CHECK_OK(psim_sim_state(sim, &state));
    CHECK(contains(state, "\"outages\":[{\"agent\":\"C\",\"to_tick\":3,\"block_receiving\":false}]"));
    psim_string_free(state);
    CHECK(settled_in_tick(sim) == 4);
    CHECK_OK(psim_sim_schedule_json(sim, &pending));
    CHECK(pending != NULL && strcmp(pending, "[]") == 0);
    psim_string_free(pending);
    psim_sim_free(sim);
}

/* Bad actions: INVALID_CONFIG with every problem and its path; nothing changes. */
static void bad_actions_change_nothing(void) {
    psim_sim_t *sim = NULL;
    char *before = NULL;
    char *after = NULL;
    char *out = NULL;
    CHECK_OK(psim_sim_new(RING, &sim));
    CHECK(settled_in_tick(sim) == 0);
    CHECK_OK(psim_sim_snapshot(sim, &before));
    CHECK_STATUS(psim_sim_schedule(sim, "[{\"type\": \"liquidity\", \"agent\": \"Z\", \"tick\": 5, "
                                        "\"amount\": 5}, {\"type\": \"outage\", \"agent\": \"A\", "
                                        "\"from_tick\": 0, \"to_tick\": 4}]"),
                 PSIM_STATUS_INVALID_CONFIG);
    CHECK(contains(psim_last_error_json(), "\"path\":\"scenario_events[0].agent\""));
    CHECK(contains(psim_last_error_json(), "\"path\":\"scenario_events[1].from_tick\""));
    CHECK_STATUS(psim_sim_schedule(sim, "[{\"type\": \"outage\", \"agent\": \"A\", \"from_tick\": 5, "
                                        "\"to_tick\": 2}]"),
                 PSIM_STATUS_INVALID_CONFIG);
    CHECK(contains(psim_last_error(), "scenario_events[0].to_tick 2 is not after from_tick 5"));
    CHECK_STATUS(psim_sim_schedule(sim, "[{\"type\": \"liquidity\", \"agent\": \"A\", \"tick\": 3, "
                                        "\"amount\": 0}]"),
                 PSIM_STATUS_INVALID_CONFIG);
    CHECK_STATUS(psim_sim_schedule(sim, "[{\"type\": \"eclipse\"}]"), PSIM_STATUS_INVALID_CONFIG);
    CHECK(contains(psim_last_error_json(), "scenario_events[0].type"));
    CHECK_STATUS(psim_sim_schedule(sim, "[{"), PSIM_STATUS_INVALID_JSON);
    CHECK_STATUS(psim_sim_schedule(NULL, "[]"), PSIM_STATUS_NULL_ARG);
    CHECK_STATUS(psim_sim_schedule(sim, NULL), PSIM_STATUS_NULL_ARG);
    CHECK_STATUS(psim_sim_schedule_json(sim, NULL), PSIM_STATUS_NULL_ARG);
    CHECK_STATUS(psim_sim_schedule_json(NULL, &out), PSIM_STATUS_NULL_ARG);
    CHECK(out == NULL);
    CHECK_OK(psim_sim_snapshot(sim, &after));
    CHECK(before != NULL && after != NULL && strcmp(before, after) == 0);
    psim_string_free(before);
    psim_string_free(after);
    psim_sim_free(sim);
}

/* scenario_events in the configuration; an injection ends a gridlock (LSM off) at its tick;
 * a snapshot taken in the middle of an outage continues identically. */
static void configured_events_and_snapshots(void) {
    const char *config =
        "{\"ticks_per_day\": 10, \"num_days\": 1, \"rng_seed\": 1, "
        "\"lsm\": {\"bilateral\": false, \"multilateral\": false}, \"agent_configs\": ["
        "{\"id\": \"A\", \"opening_balance\": 0, \"policy\": {\"type\": \"Fifo\"}},"
        "{\"id\": \"B\", \"opening_balance\": 0, \"policy\": {\"type\": \"Fifo\"}},"
        "{\"id\": \"C\", \"opening_balance\": 0, \"policy\": {\"type\": \"Fifo\"}},"
        "{\"id\": \"D\", \"opening_balance\": 0, \"policy\": {\"type\": \"Fifo\"}}],"
        "\"scenario_events\": [{\"type\": \"outage\", \"agent\": \"B\", \"from_tick\": 1, \"to_tick\": 4},"
        "{\"type\": \"liquidity\", \"agent\": \"A\", \"tick\": 5, \"amount\": 50000}]}";
    psim_sim_t *sim = NULL;
    psim_sim_t *copy = NULL;
    char *mid = NULL;
    char *end1 = NULL;
    char *end2 = NULL;
    char *stats = NULL;
    int t;
    CHECK_OK(psim_sim_new(config, &sim));
    ring_payments(sim);
    for (t = 0; t < 2; ++t) CHECK(settled_in_tick(sim) == 0);
    CHECK_OK(psim_sim_snapshot(sim, &mid));
    {
        char version[40];
        snprintf(version, sizeof version, "\"schema_version\":%d", PSIM_SNAPSHOT_SCHEMA_VERSION);
        CHECK(contains(mid, version) && contains(mid, "\"schedule\":{"));
    }
    CHECK_OK(psim_sim_restore(mid, &copy));
    for (t = 2; t < 5; ++t) {
        CHECK(settled_in_tick(sim) == 0);
        CHECK(settled_in_tick(copy) == 0);
    }
    CHECK(settled_in_tick(sim) == 4);
    CHECK(settled_in_tick(copy) == 4);
    CHECK_OK(psim_sim_snapshot(sim, &end1));
    CHECK_OK(psim_sim_snapshot(copy, &end2));
    CHECK(end1 != NULL && end2 != NULL && strcmp(end1, end2) == 0);
    CHECK_OK(psim_sim_stats(sim, &stats));
    CHECK(contains(stats, "\"external_inflow\":50000"));
    psim_string_free(mid);
    psim_string_free(end1);
    psim_string_free(end2);
    psim_string_free(stats);
    psim_sim_free(sim);
    psim_sim_free(copy);
}

int main(void) {
    static const struct test tests[] = {
        {"outage_holds_the_ring", outage_holds_the_ring},
        {"bad_actions_change_nothing", bad_actions_change_nothing},
        {"configured_events_and_snapshots", configured_events_and_snapshots},
    };
    return run_tests("schedule", tests, sizeof tests / sizeof tests[0]);
}
