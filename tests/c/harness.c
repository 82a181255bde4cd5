/*
 * C test harness of libpayment_sim: the whole C API from plain C99, run by `make test-c`,
 * under valgrind by `make valgrind` (zero errors, zero bytes lost) and under AddressSanitizer
 * by `make asan`.
 *
 * Covered: lifecycle, ticks, run, submit, every query and document (events whole and in
 * bounded pages), snapshot/restore continuing identically, every error status (NULL
 * arguments, bad JSON, bad UTF-8, invalid configuration, unknown agent, invalid argument,
 * finished simulation, panic, poisoned handle), configuration documents in either shape with
 * their structured problems (psim_config_normalize, psim_last_error_json), budgets (expected
 * work, budgeted runs, discarded events and their snapshots), free(NULL) and
 * string_free(NULL), thousands of create/tick/free cycles, two threads on two handles and two
 * threads on one handle.
 *
 * Files: harness.c (this: fixtures, lifecycle, queries, events, snapshots, errors, panics),
 * harness_documents.c (configuration documents, budgets, indicators and time series),
 * harness_threads.c (create/tick/free cycles, threads); check.c (the framework).
 *
 * Usage: harness [cycles]   (default 2000 create/tick/free cycles)
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "harness.h"

/* ----- configurations -------------------------------------------------------------------- */

/* A (1,000) and B (0), no arrivals, 2 days of 5 ticks. */
const char *const TWO_AGENTS =
    "{\"ticks_per_day\": 5, \"num_days\": 2, \"rng_seed\": 7, \"agent_configs\": ["
    "{\"id\": \"A\", \"opening_balance\": 1000, \"credit_limit\": 0, \"policy\": {\"type\": \"Fifo\"}},"
    "{\"id\": \"B\", \"opening_balance\": 0, \"credit_limit\": 0, \"policy\": {\"type\": \"Fifo\"}}]}";

/* The seed's 10-agent workload (BANK_A..BANK_J), built at run time. */
void seed_workload(char *buf, size_t size, unsigned ticks_per_day, unsigned num_days,
                   unsigned seed) {
    size_t n = 0;
    int a, b;
    n += (size_t)snprintf(buf + n, size - n,
                          "{\"ticks_per_day\": %u, \"num_days\": %u, \"rng_seed\": %u, "
                          "\"agent_configs\": [",
                          ticks_per_day, num_days, seed);
    for (a = 0; a < 10; ++a) {
        n += (size_t)snprintf(buf + n, size - n,
                              "%s{\"id\": \"BANK_%c\", \"opening_balance\": 5000000, "
                              "\"credit_limit\": 1000000, \"policy\": {\"type\": \"Fifo\"}, "
                              "\"arrival_config\": {\"rate_per_tick\": 0.5, \"distribution\": "
                              "{\"type\": \"Normal\", \"mean\": 100000, \"std_dev\": 30000}, "
                              "\"counterparty_weights\": {",
                              a ? ", " : "", 'A' + a);
        for (b = 0; b < 10; ++b) {
            if (b != a) {
                n += (size_t)snprintf(buf + n, size - n, "%s\"BANK_%c\": 1.0",
                                      (b == 0 || (a == 0 && b == 1)) ? "" : ", ", 'A' + b);
            }
        }
        n += (size_t)snprintf(buf + n, size - n, "}}}");
    }
    snprintf(buf + n, size - n, "]}");
}

psim_sim_t *new_sim(const char *config) {
    psim_sim_t *sim = NULL;
    CHECK_OK(psim_sim_new(config, &sim));
    CHECK(sim != NULL);
    return sim;
}

/* ----- tests ----------------------------------------------------------------------------- */

static void test_version(void) {
    char expected[64];
    snprintf(expected, sizeof expected, "%d.%d.%d", PSIM_VERSION_MAJOR, PSIM_VERSION_MINOR,
             PSIM_VERSION_PATCH);
    CHECK(psim_version() != NULL);
    CHECK(strcmp(psim_version(), expected) == 0);
    CHECK(psim_abi_version() == PSIM_ABI_VERSION);
    CHECK(PSIM_ABI_VERSION == 1);
    CHECK(psim_last_error() != NULL);
    CHECK(PSIM_STATUS_OK == 0 && PSIM_STATUS_PANIC == 9);
}

static void test_lifecycle_ticks_and_queries(void) {
    psim_sim_t *sim = new_sim(TWO_AGENTS);
    char *json = NULL, *id = NULL;
    int64_t balance = -1;
    uint64_t value = 99;

    CHECK_OK(psim_sim_current_tick(sim, &value));
    CHECK(value == 0);
    CHECK_OK(psim_sim_horizon(sim, &value));
    CHECK(value == 10);

    CHECK_OK(psim_sim_submit(sim, "{\"sender\": \"A\", \"receiver\": \"B\", \"amount\": 600}", &id));
    CHECK(id != NULL && strcmp(id, "T1") == 0);
    psim_string_free(id);
    CHECK_OK(psim_sim_queue1_size(sim, "A", &value));
    CHECK(value == 1);

    CHECK_OK(psim_sim_tick(sim, &json));
    CHECK(json_int(json, "tick") == 0);
    CHECK(json_int(json, "num_arrivals") == 1);
    CHECK(json_int(json, "num_settlements") == 1);
    CHECK(json_int(json, "settled_value") == 600);
    CHECK(contains(json, "\"end_of_day\":false"));
    psim_string_free(json);

    CHECK_OK(psim_sim_agent_balance(sim, "A", &balance));
    CHECK(balance == 400);
    CHECK_OK(psim_sim_agent_balance(sim, "B", &balance));
    CHECK(balance == 600);
    CHECK_OK(psim_sim_queue1_size(sim, "A", &value));
    CHECK(value == 0);

    /* A payment A cannot fund waits in Queue 2. */
    CHECK_OK(psim_sim_submit(sim,
                             "{\"sender\": \"A\", \"receiver\": \"B\", \"amount\": 5000, "
                             "\"deadline_offset\": 3, \"priority\": 9}",
                             &id));
    CHECK(id != NULL && strcmp(id, "T2") == 0);
    psim_string_free(id);
    CHECK_OK(psim_sim_tick(sim, &json));
    CHECK(json_int(json, "queue2_size") == 1);
    psim_string_free(json);
    CHECK_OK(psim_sim_queue2_size(sim, &value));
    CHECK(value == 1);
    CHECK_OK(psim_sim_current_tick(sim, &value));
    CHECK(value == 2);
    CHECK_OK(psim_sim_current_day(sim, &value));
    CHECK(value == 0);

    CHECK_OK(psim_sim_agent_ids(sim, &json));
    CHECK(json != NULL && strcmp(json, "[\"A\",\"B\"]") == 0);
    psim_string_free(json);

    CHECK_OK(psim_sim_state(sim, &json));
    CHECK(json_int(json, "tick") == 2);
    CHECK(contains(json, "{\"id\":\"A\",\"balance\":400,\"credit_limit\":0,\"queue1_size\":0,"
                         "\"queue2_size\":1}"));
    psim_string_free(json);

    /* The rest of day 0 and all of day 1 in one call; the deadline drops T2. */
    CHECK_OK(psim_sim_run(sim, 8, &json));
    CHECK(json_int(json, "ticks_run") == 8);
    CHECK(json_int(json, "first_tick") == 2);
    CHECK(json_int(json, "last_tick") == 9);
    CHECK(json_int(json, "num_drops") == 1);
    CHECK(contains(json, "\"last\":{\"tick\":9,"));
    psim_string_free(json);
    CHECK_OK(psim_sim_current_day(sim, &value));
    CHECK(value == 2);

    CHECK_OK(psim_sim_stats(sim, &json));
    CHECK(json_int(json, "ticks_run") == 10);
    CHECK(json_int(json, "arrivals") == 2);
    CHECK(json_int(json, "settlements") == 1);
    CHECK(json_int(json, "drops") == 1);
    CHECK(contains(json, "\"settlements_by_mechanism\":{\"rtgs\":1,"));
    psim_string_free(json);

    psim_sim_free(sim);
}

static void test_events(void) {
    psim_sim_t *sim = new_sim(TWO_AGENTS);
    char *json = NULL, *id = NULL;
    long long last;

    CHECK_OK(psim_sim_events(sim, 0, &json));
    CHECK(json != NULL && strcmp(json, "{\"schema_version\":1,\"last_seq\":0,\"events\":[]}") == 0);
    psim_string_free(json);

    CHECK_OK(psim_sim_submit(sim, "{\"sender\": \"A\", \"receiver\": \"B\", \"amount\": 10}", &id));
    psim_string_free(id);
    CHECK_OK(psim_sim_tick(sim, &json));
    psim_string_free(json);
    CHECK_OK(psim_sim_events(sim, 0, &json));
    CHECK(json_int(json, "schema_version") == PSIM_EVENTS_SCHEMA_VERSION);
    last = json_int(json, "last_seq");
    CHECK(last >= 3);
    CHECK(contains(json, "{\"seq\":1,\"tick\":0,\"type\":\"arrival\",\"tx\":\"T1\",\"sender\":\"A\","
                         "\"receiver\":\"B\",\"amount\":10"));
    CHECK(contains(json, "\"type\":\"settled\""));
    CHECK(contains(json, "\"mechanism\":\"rtgs\""));
    psim_string_free(json);

    /* Polling from last_seq returns only newer events. */
    CHECK_OK(psim_sim_events(sim, (uint64_t)last, &json));
    CHECK(json_int(json, "last_seq") == last);
    CHECK(contains(json, "\"events\":[]"));
    psim_string_free(json);
    CHECK_OK(psim_sim_events(sim, (uint64_t)last - 1, &json));
    CHECK(contains(json, "\"events\":[{\"seq\":") && !contains(json, "\"seq\":1,"));
    psim_string_free(json);
    CHECK_OK(psim_sim_events(sim, UINT64_MAX, &json));
    CHECK(contains(json, "\"events\":[]"));
    psim_string_free(json);

    psim_sim_free(sim);
}

/* Count the `"seq":` keys of an events document (one per event). */
long long count_events(const char *json) {
    long long n = 0;
    const char *at = json;
    while (at != NULL && (at = strstr(at, "\"seq\":")) != NULL) {
        ++n;
        at += 6;
    }
    return n;
}

static void test_events_page(void) {
    psim_sim_t *sim = new_sim(TWO_AGENTS);
    char marker = 0;
    char *json = NULL, *all = NULL, *id = NULL, *out = &marker;
    long long last, seen = 0, page_size;
    uint64_t cursor = 0;
    int pages = 0;

    CHECK_OK(psim_sim_events_page(sim, 0, 1, &json));
    CHECK(json != NULL && strcmp(json, "{\"schema_version\":1,\"last_seq\":0,\"events\":[]}") == 0);
    psim_string_free(json);

    CHECK_OK(psim_sim_submit(sim, "{\"sender\": \"A\", \"receiver\": \"B\", \"amount\": 10}", &id));
    psim_string_free(id);
    CHECK_OK(psim_sim_submit(sim, "{\"sender\": \"A\", \"receiver\": \"B\", \"amount\": 20}", &id));
    psim_string_free(id);
    CHECK_OK(psim_sim_tick(sim, &json));
    psim_string_free(json);
    CHECK_OK(psim_sim_events(sim, 0, &all));
    last = json_int(all, "last_seq");
    CHECK(last >= 4);

    /* One event per page; last_seq is still the newest recorded seq. */
    CHECK_OK(psim_sim_events_page(sim, 0, 1, &json));
    CHECK(json_int(json, "schema_version") == PSIM_EVENTS_SCHEMA_VERSION);
    CHECK(json_int(json, "last_seq") == last);
    CHECK(count_events(json) == 1);
    CHECK(contains(json, "\"events\":[{\"seq\":1,\"tick\":0,\"type\":\"arrival\",\"tx\":\"T1\","));
    psim_string_free(json);

    /* Paging through with 2 events per page visits every event once, in order. */
    for (;;) {
        CHECK_OK(psim_sim_events_page(sim, cursor, 2, &json));
        CHECK(json_int(json, "last_seq") == last);
        page_size = count_events(json);
        CHECK(page_size <= 2);
        if (page_size == 0 || pages > 100) {
            CHECK(contains(json, "\"events\":[]"));
            psim_string_free(json);
            break;
        }
        CHECK(json_int(json, "seq") == (long long)cursor + 1);
        cursor += (uint64_t)page_size;
        seen += page_size;
        ++pages;
        psim_string_free(json);
    }
    CHECK(seen == last && (long long)cursor == last);
    CHECK(pages == (int)((last + 1) / 2));

    /* An unbounded page is the whole psim_sim_events() document. */
    CHECK_OK(psim_sim_events_page(sim, 0, UINT64_MAX, &json));
    CHECK(json != NULL && all != NULL && strcmp(json, all) == 0);
    psim_string_free(json);
    psim_string_free(all);
    CHECK_OK(psim_sim_events_page(sim, UINT64_MAX, 5, &json));
    CHECK(contains(json, "\"events\":[]"));
    psim_string_free(json);

    /* max_events == 0 is an invalid argument; the out-parameter is untouched. */
    CHECK_STATUS(psim_sim_events_page(sim, 0, 0, &out), PSIM_STATUS_INVALID_ARGUMENT);
    CHECK(strcmp(psim_last_error(), "psim_sim_events_page: max_events must be at least 1, got 0") == 0);
    CHECK(out == &marker);
    CHECK_STATUS(psim_sim_events_page(NULL, 0, 1, &out), PSIM_STATUS_NULL_ARG);
    CHECK(contains(psim_last_error(), "`sim` is NULL"));
    CHECK_STATUS(psim_sim_events_page(sim, 0, 1, NULL), PSIM_STATUS_NULL_ARG);
    CHECK(contains(psim_last_error(), "`events_json_out` is NULL"));
    CHECK(out == &marker);

    psim_sim_free(sim);
}

static void test_snapshot_restore_continues_identically(void) {
    static char config[8192];
    psim_sim_t *original, *restored = NULL;
    char *snapshot = NULL, *snapshot2 = NULL, *a = NULL, *b = NULL, *id = NULL;
    int i, same = 1;

    seed_workload(config, sizeof config, 100, 2, 42);
    original = new_sim(config);
    CHECK_OK(psim_sim_run(original, 50, &a));
    psim_string_free(a);
    CHECK_OK(psim_sim_submit(original, "{\"sender\": \"BANK_J\", \"receiver\": \"BANK_A\", "
                                       "\"amount\": 2500000}", &id));
    psim_string_free(id);
    CHECK_OK(psim_sim_snapshot(original, &snapshot));
    CHECK(json_int(snapshot, "schema_version") == PSIM_SNAPSHOT_SCHEMA_VERSION);
    CHECK_OK(psim_sim_restore(snapshot, &restored));
    CHECK(restored != NULL);
    if (restored == NULL) {
        psim_string_free(snapshot);
        psim_sim_free(original);
        return;
    }
    CHECK_OK(psim_sim_snapshot(restored, &snapshot2));
    CHECK(snapshot2 != NULL && strcmp(snapshot, snapshot2) == 0);
    psim_string_free(snapshot2);

    for (i = 0; i < 25; ++i) {
        CHECK_OK(psim_sim_tick(original, &a));
        CHECK_OK(psim_sim_tick(restored, &b));
        same = same && a && b && strcmp(a, b) == 0;
        psim_string_free(a);
        psim_string_free(b);
    }
    CHECK(same);
    CHECK_OK(psim_sim_run(original, 100, &a));
    CHECK_OK(psim_sim_run(restored, 100, &b));
    CHECK(a && b && strcmp(a, b) == 0);
    psim_string_free(a);
    psim_string_free(b);
    CHECK_OK(psim_sim_events(original, 0, &a));
    CHECK_OK(psim_sim_events(restored, 0, &b));
    CHECK(a && b && strcmp(a, b) == 0);
    psim_string_free(a);
    psim_string_free(b);
    CHECK_OK(psim_sim_stats(original, &a));
    CHECK_OK(psim_sim_stats(restored, &b));
    CHECK(a && b && strcmp(a, b) == 0);
    psim_string_free(a);
    psim_string_free(b);

    psim_string_free(snapshot);
    psim_sim_free(original);
    psim_sim_free(restored);
}

/* Every NULL argument gives PSIM_STATUS_NULL_ARG and leaves the out-parameters alone. */
static void test_null_arguments(void) {
    psim_sim_t *sim = new_sim(TWO_AGENTS);
    psim_sim_t *handle = NULL;
    char marker = 0;
    char *out = &marker;
    int64_t balance = 77;
    uint64_t value = 77;

    CHECK_STATUS(psim_sim_new(NULL, &handle), PSIM_STATUS_NULL_ARG);
    CHECK(contains(psim_last_error(), "`config_json` is NULL"));
    CHECK_STATUS(psim_sim_new(TWO_AGENTS, NULL), PSIM_STATUS_NULL_ARG);
    CHECK(contains(psim_last_error(), "`sim_out` is NULL"));
    CHECK_STATUS(psim_sim_tick(NULL, &out), PSIM_STATUS_NULL_ARG);
    CHECK(contains(psim_last_error(), "psim_sim_tick: argument `sim` is NULL"));
    CHECK_STATUS(psim_sim_tick(sim, NULL), PSIM_STATUS_NULL_ARG);
    CHECK_STATUS(psim_sim_run(NULL, 1, &out), PSIM_STATUS_NULL_ARG);
    CHECK_STATUS(psim_sim_run(sim, 1, NULL), PSIM_STATUS_NULL_ARG);
    CHECK_STATUS(psim_sim_submit(NULL, "{}", &out), PSIM_STATUS_NULL_ARG);
    CHECK_STATUS(psim_sim_submit(sim, NULL, &out), PSIM_STATUS_NULL_ARG);
    CHECK(contains(psim_last_error(), "`tx_json` is NULL"));
    CHECK_STATUS(psim_sim_submit(sim, "{\"sender\": \"A\", \"receiver\": \"B\", \"amount\": 1}", NULL),
                 PSIM_STATUS_NULL_ARG);
    CHECK_STATUS(psim_sim_state(NULL, &out), PSIM_STATUS_NULL_ARG);
    CHECK_STATUS(psim_sim_state(sim, NULL), PSIM_STATUS_NULL_ARG);
    CHECK_STATUS(psim_sim_stats(NULL, &out), PSIM_STATUS_NULL_ARG);
    CHECK_STATUS(psim_sim_stats(sim, NULL), PSIM_STATUS_NULL_ARG);
    CHECK_STATUS(psim_sim_events(NULL, 0, &out), PSIM_STATUS_NULL_ARG);
    CHECK_STATUS(psim_sim_events(sim, 0, NULL), PSIM_STATUS_NULL_ARG);
    CHECK_STATUS(psim_sim_agent_ids(NULL, &out), PSIM_STATUS_NULL_ARG);
    CHECK_STATUS(psim_sim_agent_ids(sim, NULL), PSIM_STATUS_NULL_ARG);
    CHECK_STATUS(psim_sim_agent_balance(NULL, "A", &balance), PSIM_STATUS_NULL_ARG);
    CHECK_STATUS(psim_sim_agent_balance(sim, NULL, &balance), PSIM_STATUS_NULL_ARG);
    CHECK(contains(psim_last_error(), "`agent_id` is NULL"));
    CHECK_STATUS(psim_sim_agent_balance(sim, "A", NULL), PSIM_STATUS_NULL_ARG);
    CHECK_STATUS(psim_sim_queue1_size(NULL, "A", &value), PSIM_STATUS_NULL_ARG);
    CHECK_STATUS(psim_sim_queue1_size(sim, NULL, &value), PSIM_STATUS_NULL_ARG);
    CHECK_STATUS(psim_sim_queue1_size(sim, "A", NULL), PSIM_STATUS_NULL_ARG);
    CHECK_STATUS(psim_sim_queue2_size(NULL, &value), PSIM_STATUS_NULL_ARG);
    CHECK_STATUS(psim_sim_queue2_size(sim, NULL), PSIM_STATUS_NULL_ARG);
    CHECK_STATUS(psim_sim_current_tick(NULL, &value), PSIM_STATUS_NULL_ARG);
    CHECK_STATUS(psim_sim_current_tick(sim, NULL), PSIM_STATUS_NULL_ARG);
    CHECK_STATUS(psim_sim_current_day(NULL, &value), PSIM_STATUS_NULL_ARG);
    CHECK_STATUS(psim_sim_current_day(sim, NULL), PSIM_STATUS_NULL_ARG);
    CHECK_STATUS(psim_sim_horizon(NULL, &value), PSIM_STATUS_NULL_ARG);
    CHECK_STATUS(psim_sim_horizon(sim, NULL), PSIM_STATUS_NULL_ARG);
    CHECK_STATUS(psim_sim_snapshot(NULL, &out), PSIM_STATUS_NULL_ARG);
    CHECK_STATUS(psim_sim_snapshot(sim, NULL), PSIM_STATUS_NULL_ARG);
    CHECK_STATUS(psim_sim_restore(NULL, &handle), PSIM_STATUS_NULL_ARG);
    CHECK_STATUS(psim_sim_restore("{}", NULL), PSIM_STATUS_NULL_ARG);
    CHECK_STATUS(psim_sim_debug_panic(NULL), PSIM_STATUS_NULL_ARG);

    CHECK(out == &marker);
    CHECK(handle == NULL);
    CHECK(balance == 77 && value == 77);

    /* Nothing ran: the NULL out-parameters were rejected before any work. */
    CHECK_OK(psim_sim_current_tick(sim, &value));
    CHECK(value == 0);
    CHECK_OK(psim_sim_queue1_size(sim, "A", &value));
    CHECK(value == 0);

    psim_sim_free(NULL);
    psim_string_free(NULL);
    psim_sim_free(sim);
}

static void test_bad_input(void) {
    psim_sim_t *sim = new_sim(TWO_AGENTS);
    psim_sim_t *handle = NULL;
    char marker = 0;
    char *out = &marker;
    int64_t balance = 77;
    uint64_t value = 77;

    /* Malformed JSON, invalid UTF-8, invalid configuration. */
    CHECK_STATUS(psim_sim_new("{\"ticks_per_day\": 5,", &handle), PSIM_STATUS_INVALID_JSON);
    CHECK(contains(psim_last_error(), "malformed JSON"));
    CHECK_STATUS(psim_sim_new("{\"id\": \"\xff\"}", &handle), PSIM_STATUS_INVALID_UTF8);
    CHECK(contains(psim_last_error(), "`config_json` is not valid UTF-8 (byte 0xff at offset 8)"));
    CHECK_STATUS(psim_sim_new("{\"ticks_per_day\": 0, \"num_days\": 1, \"rng_seed\": 1, "
                              "\"agent_configs\": []}", &handle),
                 PSIM_STATUS_INVALID_CONFIG);
    CHECK(contains(psim_last_error(), "ticks_per_day must be positive (got 0)"));
    CHECK(contains(psim_last_error(), "at least one agent"));
    CHECK_STATUS(psim_sim_new("{\"ticks_per_day\": 5, \"num_days\": 1, \"rng_seed\": 1, "
                              "\"agent_configs\": [{\"id\": \"A\", \"opening_balance\": 0, "
                              "\"policy\": {\"type\": \"Fifo\"}, \"arrival_config\": "
                              "{\"rate_per_tick\": 1, \"distribution\": {\"type\": \"Uniform\", "
                              "\"min\": 1, \"max\": 5}, \"counterparty_weights\": {\"BANK_Z\": 1}}}]}",
                              &handle),
                 PSIM_STATUS_INVALID_CONFIG);
    CHECK(contains(psim_last_error(), "agent \"BANK_Z\" does not exist"));
    CHECK_STATUS(psim_sim_new("{\"ticks_per_day\": 5, \"colour\": 1}", &handle),
                 PSIM_STATUS_INVALID_CONFIG);
    CHECK(contains(psim_last_error(), "colour"));
    CHECK(handle == NULL);

    /* Unknown agents. */
    CHECK_STATUS(psim_sim_agent_balance(sim, "BANK_Z", &balance), PSIM_STATUS_NOT_FOUND);
    CHECK(strcmp(psim_last_error(), "unknown agent \"BANK_Z\"") == 0);
    CHECK_STATUS(psim_sim_queue1_size(sim, "", &value), PSIM_STATUS_NOT_FOUND);
    CHECK_STATUS(psim_sim_agent_balance(sim, "A\xc3", &balance), PSIM_STATUS_INVALID_UTF8);
    CHECK_STATUS(psim_sim_submit(sim, "{\"sender\": \"A\", \"receiver\": \"Q\", \"amount\": 1}", &out),
                 PSIM_STATUS_NOT_FOUND);
    CHECK(contains(psim_last_error(), "\"Q\""));

    /* Invalid submissions. */
    CHECK_STATUS(psim_sim_submit(sim, "{\"sender\": \"A\", \"receiver\": \"B\", \"amount\": -5}", &out),
                 PSIM_STATUS_INVALID_ARGUMENT);
    CHECK(contains(psim_last_error(), "-5"));
    CHECK_STATUS(psim_sim_submit(sim, "{\"sender\": \"A\", \"receiver\": \"A\", \"amount\": 5}", &out),
                 PSIM_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(psim_sim_submit(sim, "{\"sender\": \"A\", \"receiver\": \"B\", \"amount\": 5, "
                                      "\"priority\": 11}", &out),
                 PSIM_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(psim_sim_submit(sim, "{\"sender\": \"A\", \"amount\": 5}", &out),
                 PSIM_STATUS_INVALID_ARGUMENT);
    CHECK(contains(psim_last_error(), "receiver"));
    CHECK_STATUS(psim_sim_submit(sim, "{\"sender\": \"A\"", &out), PSIM_STATUS_INVALID_JSON);
    CHECK_STATUS(psim_sim_submit(sim, "{\"sender\": \"\xe2\x82\"}", &out), PSIM_STATUS_INVALID_UTF8);

    /* Run lengths outside 1..remaining run nothing. */
    CHECK_STATUS(psim_sim_run(sim, 0, &out), PSIM_STATUS_INVALID_ARGUMENT);
    CHECK_STATUS(psim_sim_run(sim, 11, &out), PSIM_STATUS_INVALID_ARGUMENT);
    CHECK(contains(psim_last_error(), "10 remaining"));
    CHECK_OK(psim_sim_current_tick(sim, &value));
    CHECK(value == 0);
    CHECK(strcmp(psim_last_error(), "") == 0); /* a success clears the message */

    /* Snapshots. */
    CHECK_STATUS(psim_sim_restore("[", &handle), PSIM_STATUS_INVALID_JSON);
    CHECK_STATUS(psim_sim_restore("{\"schema_version\": 1}", &handle), PSIM_STATUS_INVALID_CONFIG);
    CHECK(contains(psim_last_error(), "snapshot"));
    CHECK(handle == NULL);

    /* A finished simulation refuses ticks, runs and submissions but still answers queries. */
    CHECK_OK(psim_sim_run(sim, 10, &out));
    psim_string_free(out);
    out = &marker;
    CHECK_STATUS(psim_sim_tick(sim, &out), PSIM_STATUS_SIMULATION_FINISHED);
    CHECK(contains(psim_last_error(), "simulation finished"));
    CHECK_STATUS(psim_sim_run(sim, 1, &out), PSIM_STATUS_SIMULATION_FINISHED);
    CHECK_STATUS(psim_sim_submit(sim, "{\"sender\": \"A\", \"receiver\": \"B\", \"amount\": 5}", &out),
                 PSIM_STATUS_SIMULATION_FINISHED);
    CHECK_OK(psim_sim_current_tick(sim, &value));
    CHECK(value == 10);

    CHECK(out == &marker);
    CHECK(balance == 77);
    psim_sim_free(sim);
}

/* The panic is caught, prints nothing on stderr, poisons its handle and only that one. */
static void test_panic_poisons_the_handle(void) {
    psim_sim_t *sim = new_sim(TWO_AGENTS);
    psim_sim_t *other = new_sim(TWO_AGENTS);
    char *out = NULL;
    uint64_t value = 77;
    FILE *capture = tmpfile();
    int saved_stderr;
    long printed = -1;

    fflush(stderr);
    saved_stderr = dup(STDERR_FILENO);
    if (capture != NULL && saved_stderr >= 0) {
        dup2(fileno(capture), STDERR_FILENO);
    }
    CHECK_STATUS(psim_sim_debug_panic(sim), PSIM_STATUS_PANIC);
    if (capture != NULL && saved_stderr >= 0) {
        fflush(stderr);
        dup2(saved_stderr, STDERR_FILENO);
        close(saved_stderr);
        fseek(capture, 0, SEEK_END);
        printed = ftell(capture);
    }
    if (capture != NULL) {
        fclose(capture);
    }
    CHECK(printed == 0);
    CHECK(contains(psim_last_error(), "psim_sim_debug_panic: internal error (panic at "));
    CHECK(contains(psim_last_error(), "deliberate panic"));

    CHECK_STATUS(psim_sim_tick(sim, &out), PSIM_STATUS_POISONED);
    CHECK(contains(psim_last_error(), "poisoned"));
    CHECK_STATUS(psim_sim_state(sim, &out), PSIM_STATUS_POISONED);
    CHECK_STATUS(psim_sim_current_tick(sim, &value), PSIM_STATUS_POISONED);
    CHECK_STATUS(psim_sim_agent_balance(sim, "A", (int64_t *)&value), PSIM_STATUS_POISONED);
    CHECK_STATUS(psim_sim_snapshot(sim, &out), PSIM_STATUS_POISONED);
    CHECK_STATUS(psim_sim_debug_panic(sim), PSIM_STATUS_POISONED);
    CHECK(out == NULL && value == 77);

    CHECK_OK(psim_sim_tick(other, &out));
    psim_string_free(out);
    psim_sim_free(sim); /* a poisoned handle frees normally */
    psim_sim_free(other);
}

static int cycles = 2000;
static void test_cycles(void) { test_many_cycles(cycles); }

int main(int argc, char **argv) {
    static const struct test tests[] = {
        {"version", test_version},
        {"lifecycle_ticks_and_queries", test_lifecycle_ticks_and_queries},
        {"events", test_events},
        {"events_page", test_events_page},
        {"snapshot_restore_continues_identically", test_snapshot_restore_continues_identically},
        {"null_arguments", test_null_arguments},
        {"bad_input", test_bad_input},
        {"config_documents", test_config_documents},
        {"budgets", test_budgets},
        {"indicators_and_timeseries", test_indicators_and_timeseries},
        {"panic_poisons_the_handle", test_panic_poisons_the_handle},
        {"create_tick_free_cycles", test_cycles},
        {"two_threads_two_handles", test_two_threads_two_handles},
        {"two_threads_one_handle", test_two_threads_one_handle},
    };
    if (argc > 1) {
        cycles = atoi(argv[1]);
    }
    printf("libpayment_sim %s (ABI %u), header ABI %d\n", psim_version(), psim_abi_version(),
           PSIM_ABI_VERSION);
    return run_tests("harness", tests, sizeof tests / sizeof tests[0]);
}
