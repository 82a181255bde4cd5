/*
 * The C harness (see harness.c): configuration documents in either shape with their
 * structured problems, work budgets, indicators and time series.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "harness.h"

/* TWO_AGENTS in the scenario format, as YAML. */
static const char *TWO_AGENTS_SCENARIO = "simulation: {ticks_per_day: 5, num_days: 2, seed: 7}\n"
                                         "agents:\n"
                                         "  - {id: A, balance: 1000, policy: {type: Fifo}}\n"
                                         "  - {id: B, balance: 0, policy: {type: Fifo}}\n";

void test_config_documents(void) {
    static char sentinel;
    char *machine = NULL, *again = NULL, *out = &sentinel, *snap_a = NULL, *snap_b = NULL;
    psim_sim_t *from_scenario, *from_machine, *handle = NULL;
    const char *error;

    /* Either shape, either syntax: one normal form, and psim_sim_new takes them all. */
    CHECK_OK(psim_config_normalize(TWO_AGENTS_SCENARIO, &machine));
    CHECK(contains(machine, "\"agent_configs\":[{\"id\":\"A\",\"opening_balance\":1000,"));
    CHECK(contains(machine, "\"queue_discipline\":\"bypass_fifo\""));
    CHECK(strcmp(psim_last_error_json(),
                 "{\"status\":\"PSIM_STATUS_OK\",\"message\":\"\",\"problems\":[]}") == 0);
    CHECK_OK(psim_config_normalize(TWO_AGENTS, &again));
    CHECK(machine && again && strcmp(machine, again) == 0);
    psim_string_free(again);
    from_scenario = new_sim(TWO_AGENTS_SCENARIO);
    from_machine = new_sim(machine);
    CHECK_OK(psim_sim_tick(from_scenario, &again));
    psim_string_free(again);
    CHECK_OK(psim_sim_tick(from_machine, &again));
    psim_string_free(again);
    CHECK_OK(psim_sim_snapshot(from_scenario, &snap_a));
    CHECK_OK(psim_sim_snapshot(from_machine, &snap_b));
    CHECK(snap_a && snap_b && strcmp(snap_a, snap_b) == 0);
    psim_string_free(snap_a);
    psim_string_free(snap_b);
    psim_sim_free(from_scenario);
    psim_sim_free(from_machine);
    psim_string_free(machine);

    /* Every problem with the path of its field in the document as written, and its value. */
    CHECK_STATUS(psim_config_normalize("simulation: {ticks_per_day: 0, seed: 1}\n"
                                       "agents:\n"
                                       "  - {id: A, balance: 1, policy: {type: Fifo}}\n"
                                       "  - {id: A, balance: 1, policy: {type: Fifo}}\n",
                                       &out),
                 PSIM_STATUS_INVALID_CONFIG);
    error = psim_last_error_json();
    CHECK(strncmp(error, "{\"status\":\"PSIM_STATUS_INVALID_CONFIG\",\"message\":\"invalid "
                         "configuration: simulation.ticks_per_day must be positive",
                  100) == 0);
    CHECK(contains(error, "\"problems\":[{\"path\":\"simulation.ticks_per_day\",\"message\":"
                          "\"simulation.ticks_per_day must be positive (got 0)\",\"value\":0},"));
    CHECK(contains(error, "{\"path\":\"agents[1].id\",\"message\":\"agents[1].id: duplicate "
                          "agent id \\\"A\\\" (first used by agents[0])\",\"value\":\"A\"}]}"));
    CHECK(psim_last_error_json() == error); /* stable until the next call */
    CHECK_STATUS(psim_sim_new("{\"ticks_per_day\": 5, \"num_days\": 1, \"rng_seed\": 1, "
                              "\"agent_configs\": [{\"id\": \"A\", \"opening_balance\": 0, "
                              "\"policy\": {\"type\": \"Fifo\"}, \"colour\": 1}]}",
                              &handle),
                 PSIM_STATUS_INVALID_CONFIG);
    CHECK(contains(psim_last_error_json(), "\"path\":\"agent_configs[0].colour\""));
    CHECK(handle == NULL);

    /* Neither JSON nor YAML, and NULLs. */
    CHECK_STATUS(psim_config_normalize("{\"ticks_per_day\": 5,", &out), PSIM_STATUS_INVALID_JSON);
    CHECK(contains(psim_last_error(), "JSON or YAML"));
    CHECK(contains(psim_last_error_json(), "\"status\":\"PSIM_STATUS_INVALID_JSON\""));
    CHECK(contains(psim_last_error_json(), "\"problems\":[{\"path\":\"\",\"message\":\"malformed"));
    CHECK_STATUS(psim_config_normalize(NULL, &out), PSIM_STATUS_NULL_ARG);
    CHECK(contains(psim_last_error(), "`document` is NULL"));
    CHECK_STATUS(psim_config_normalize(TWO_AGENTS, NULL), PSIM_STATUS_NULL_ARG);
    CHECK(out == &sentinel);

    /* The JSON Schema of both shapes (the text of docs/config.schema.json). */
    CHECK_OK(psim_config_schema(&out));
    CHECK(contains(out, "\"title\": \"payment-sim configuration\""));
    CHECK(contains(out, "\"$ref\": \"#/$defs/Scenario\""));
    CHECK(contains(out, "\"$ref\": \"#/$defs/SimulationConfig\""));
    psim_string_free(out);
    CHECK_STATUS(psim_config_schema(NULL), PSIM_STATUS_NULL_ARG);
}

/* ----- budgets: expected work, budgeted runs, discarded events ----------------------------- */

void test_budgets(void) {
    static char config[8192];
    psim_sim_t *sim, *restored = NULL;
    char marker = 0;
    char *json = NULL, *snapshot = NULL, *a = NULL, *b = NULL, *out = &marker;
    long long last, ticks_run;

    seed_workload(config, sizeof config, 50, 1, 3);
    sim = new_sim(config);

    /* Expected work: ten agents at 0.5 orders per tick, no splitting. */
    CHECK_OK(psim_sim_workload(sim, &json));
    CHECK(contains(json, "{\"expected_orders_per_tick\":5.0,\"max_transactions_per_order\":1,"
                         "\"expected_transactions_per_tick\":5.0,\"live_transactions\":0,"
                         "\"events_held\":0,\"remaining_ticks\":50,\"queue1_parts_at_most\":0,"
                         "\"max_events_per_transaction\":6}"));
    psim_string_free(json);

    /* A budget of 12 transactions stops the run after the tick that reaches it. */
    CHECK_OK(psim_sim_run_budget(sim, 50, 12, &json));
    ticks_run = json_int(json, "ticks_run");
    CHECK(ticks_run >= 1 && ticks_run < 50);
    CHECK(json_int(json, "transactions_created") >= 12);
    CHECK(contains(json, ",\"stopped_by_budget\":true}"));
    psim_string_free(json);
    CHECK_OK(psim_sim_run_budget(sim, 5, UINT64_MAX, &json));
    CHECK(json_int(json, "ticks_run") == 5 && contains(json, "\"stopped_by_budget\":false"));
    psim_string_free(json);
    CHECK_STATUS(psim_sim_run_budget(sim, 1, 0, &out), PSIM_STATUS_INVALID_ARGUMENT);
    CHECK(strcmp(psim_last_error(), "max_transactions must be at least 1 (got 0)") == 0);
    CHECK_STATUS(psim_sim_run_budget(sim, 0, 1, &out), PSIM_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(psim_sim_run_budget(NULL, 1, 1, &out), PSIM_STATUS_NULL_ARG);
    CHECK_STATUS(psim_sim_run_budget(sim, 1, 1, NULL), PSIM_STATUS_NULL_ARG);
    CHECK_STATUS(psim_sim_workload(NULL, &out), PSIM_STATUS_NULL_ARG);
    CHECK_STATUS(psim_sim_workload(sim, NULL), PSIM_STATUS_NULL_ARG);
    CHECK_STATUS(psim_sim_events_discard(NULL, 1), PSIM_STATUS_NULL_ARG);
    CHECK(out == &marker);

    /* Discarding events: later ones keep their numbers, snapshots hold only the rest. */
    CHECK_OK(psim_sim_events(sim, 0, &json));
    last = json_int(json, "last_seq");
    CHECK(last > 10);
    psim_string_free(json);
    CHECK_OK(psim_sim_events_discard(sim, 10));
    CHECK_OK(psim_sim_events_discard(sim, 3));
    CHECK_OK(psim_sim_events(sim, 0, &json));
    CHECK(json_int(json, "last_seq") == last);
    CHECK(contains(json, "\"events\":[{\"seq\":11,"));
    CHECK(count_events(json) == last - 10);
    psim_string_free(json);
    CHECK_OK(psim_sim_workload(sim, &json));
    CHECK(json_int(json, "events_held") == last - 10);
    psim_string_free(json);
    CHECK_OK(psim_sim_snapshot(sim, &snapshot));
    CHECK(json_int(snapshot, "schema_version") == PSIM_SNAPSHOT_SCHEMA_VERSION && json_int(snapshot, "events_discarded") == 10);
    CHECK_OK(psim_sim_restore(snapshot, &restored));
    psim_string_free(snapshot);
    if (restored == NULL) {
        psim_sim_free(sim);
        return;
    }
    CHECK_OK(psim_sim_events_discard(sim, UINT64_MAX));
    CHECK_OK(psim_sim_events(sim, 0, &json));
    CHECK(json_int(json, "last_seq") == last && contains(json, "\"events\":[]"));
    psim_string_free(json);
    CHECK_OK(psim_sim_run(sim, 10, &a));
    CHECK_OK(psim_sim_run(restored, 10, &b));
    CHECK(a && b && strcmp(a, b) == 0);
    psim_string_free(a);
    psim_string_free(b);
    CHECK_OK(psim_sim_events(sim, (uint64_t)last, &a));
    CHECK_OK(psim_sim_events(restored, (uint64_t)last, &b));
    CHECK(a && b && strcmp(a, b) == 0 && json_int(a, "seq") == last + 1);
    psim_string_free(a);
    psim_string_free(b);
    psim_sim_free(restored);
    psim_sim_free(sim);
}

/* The indicators document and the time-series recorder (issue 13): the core's figures through
 * the ABI, the recorder's argument rules, and both surviving a snapshot. */
void test_indicators_and_timeseries(void) {
    static char config[8192];
    psim_sim_t *sim, *restored = NULL;
    char marker = 0;
    char *json = NULL, *stats = NULL, *snapshot = NULL, *a = NULL, *b = NULL, *out = &marker;

    seed_workload(config, sizeof config, 50, 2, 3);
    sim = new_sim(config);
    CHECK_OK(psim_sim_timeseries_record(sim, 5));
    CHECK_OK(psim_sim_timeseries_record(sim, 5)); /* the same interval: nothing changes */
    CHECK_STATUS(psim_sim_timeseries_record(sim, 4), PSIM_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(psim_sim_timeseries_record(sim, 0), PSIM_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(psim_sim_timeseries_record(NULL, 1), PSIM_STATUS_NULL_ARG);
    CHECK_OK(psim_sim_run(sim, 60, &json));
    psim_string_free(json);

    CHECK_OK(psim_sim_indicators_json(sim, &json));
    CHECK(contains(json, "{\"schema_version\":1,\"ticks_run\":60,\"since_tick\":0,\"ticks_per_day\":50,"));
    CHECK(contains(json, "\"days\":[{\"day\":0,\"first_tick\":0,\"closed\":true,"));
    CHECK(contains(json, "{\"day\":1,\"first_tick\":50,\"closed\":false,"));
    CHECK_OK(psim_sim_stats(sim, &stats));
    /* The first agent's bound, in both documents. */
    CHECK(strstr(json, "\"agents\":[") != NULL &&
          json_int(stats, "liquidity_upper_bound") ==
              json_int(strstr(json, "\"agents\":["), "liquidity_upper_bound"));
    psim_string_free(stats);
    psim_string_free(json);

    CHECK_OK(psim_sim_timeseries_json(sim, 0, UINT64_MAX, &json));
    CHECK(contains(json, "{\"schema_version\":1,\"every\":5,\"first_sample\":0,\"total_samples\":12,"));
    psim_string_free(json);
    CHECK_OK(psim_sim_timeseries_json(sim, 10, 5, &json));
    CHECK(contains(json, "\"first_sample\":10,") && contains(json, "\"system\":{\"tick\":[55,60],"));
    psim_string_free(json);
    CHECK_STATUS(psim_sim_timeseries_json(sim, 0, 0, &out), PSIM_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(psim_sim_timeseries_json(NULL, 0, 1, &out), PSIM_STATUS_NULL_ARG);
    CHECK_STATUS(psim_sim_timeseries_json(sim, 0, 1, NULL), PSIM_STATUS_NULL_ARG);
    CHECK_STATUS(psim_sim_indicators_json(NULL, &out), PSIM_STATUS_NULL_ARG);
    CHECK_STATUS(psim_sim_indicators_json(sim, NULL), PSIM_STATUS_NULL_ARG);
    CHECK(out == &marker);

    /* Restored, both continue as the original does. */
    CHECK_OK(psim_sim_snapshot(sim, &snapshot));
    CHECK_OK(psim_sim_restore(snapshot, &restored));
    psim_string_free(snapshot);
    if (restored != NULL) {
        CHECK_OK(psim_sim_run(sim, 40, &a));
        CHECK_OK(psim_sim_run(restored, 40, &b));
        psim_string_free(a);
        psim_string_free(b);
        CHECK_OK(psim_sim_indicators_json(sim, &a));
        CHECK_OK(psim_sim_indicators_json(restored, &b));
        CHECK(a && b && strcmp(a, b) == 0);
        psim_string_free(a);
        psim_string_free(b);
        CHECK_OK(psim_sim_timeseries_json(sim, 0, UINT64_MAX, &a));
        CHECK_OK(psim_sim_timeseries_json(restored, 0, UINT64_MAX, &b));
        CHECK(a && b && strcmp(a, b) == 0 && json_int(a, "total_samples") == 20);
        psim_string_free(a);
        psim_string_free(b);
        psim_sim_free(restored);
    }
    psim_sim_free(sim);
}
