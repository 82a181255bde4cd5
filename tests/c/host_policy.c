/*
 * C tests of host policies (psim_sim_set_host_policy and friends), run by `make test-c`, under
 * valgrind by `make valgrind` and under AddressSanitizer by `make asan`.
 *
 * Covered: a C policy that releases its whole Queue 1 reproduces Fifo tick for tick and event
 * for event; a failing callback, garbage and bad decisions fail the tick with
 * PSIM_STATUS_HOST_POLICY and leave the simulation as it was (same snapshot); without a
 * registered policy the tick is refused (and psim_sim_require_host_policy says why); a
 * restored simulation needs its policy again; NULL arguments.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

#define CONFIG(policy)                                                                     \
    "{\"ticks_per_day\": 20, \"num_days\": 2, \"rng_seed\": 5, \"event_recording\": "     \
    "\"full\", \"agent_configs\": ["                                                      \
    "{\"id\": \"A\", \"opening_balance\": 600, \"policy\": " policy ","                     \
    " \"arrival_config\": {\"rate_per_tick\": 2, \"distribution\": {\"type\": "           \
    "\"Uniform\", \"min\": 50, \"max\": 400}, \"counterparty_weights\": {\"B\": 1}}},"   \
    "{\"id\": \"B\", \"opening_balance\": 600, \"policy\": {\"type\": \"Fifo\"},"         \
    " \"arrival_config\": {\"rate_per_tick\": 2, \"distribution\": {\"type\": "           \
    "\"Uniform\", \"min\": 50, \"max\": 400}, \"counterparty_weights\": {\"A\": 1}}}]}"

static const char *FIFO = CONFIG("{\"type\": \"Fifo\"}");
static const char *HOSTED = CONFIG("{\"type\": \"Host\", \"name\": \"c\"}");

/* What the test policy does. */
enum mode { RELEASE_ALL, FAIL, GARBAGE, UNKNOWN_ID, FAIL_SILENTLY };

struct policy {
    enum mode mode;
    int calls;
    char buffer[65536]; /* the decisions, reused from call to call */
};

/* Release every payment of the view, in queue order: `[{"id":"…","action":"release"},…]`. */
static int release_all(const char *view, struct policy *p) {
    const char *at = strstr(view, "\"queue1\":");
    size_t n = 0;
    n += (size_t)snprintf(p->buffer + n, sizeof p->buffer - n, "[");
    while (at != NULL && (at = strstr(at, "{\"id\":\"")) != NULL) {
        const char *id = at + 7;
        const char *end = strchr(id, '"');
        n += (size_t)snprintf(p->buffer + n, sizeof p->buffer - n,
                              "%s{\"id\":\"%.*s\",\"action\":\"release\"}", n > 1 ? "," : "",
                              (int)(end - id), id);
        at = end;
        if (n >= sizeof p->buffer - 64) {
            return 1;
        }
    }
    snprintf(p->buffer + n, sizeof p->buffer - n, "]");
    return 0;
}

static int32_t decide(void *user_data, const char *view_json, const char **decisions_json_out) {
    struct policy *p = user_data;
    p->calls++;
    if (!contains(view_json, "\"agent\":\"A\"") || !contains(view_json, "\"policy\":\"c\"") ||
        !contains(view_json, "\"features\":{\"balance\":")) {
        *decisions_json_out = "the view is not A's";
        return 1;
    }
    switch (p->mode) {
    case RELEASE_ALL:
        if (release_all(view_json, p) != 0) {
            return 1;
        }
        *decisions_json_out = p->buffer;
        return 0;
    case FAIL:
        *decisions_json_out = "no decision today";
        return 7;
    case GARBAGE:
        *decisions_json_out = "{not json";
        return 0;
    case UNKNOWN_ID:
        *decisions_json_out = "[{\"id\": \"no-such-payment\", \"action\": \"release\"}]";
        return 0;
    case FAIL_SILENTLY:
        return -1;
    }
    return 1;
}

/* A policy releasing everything gives Fifo's ticks and events. */
static void reproduces_fifo(void) {
    psim_sim_t *fifo = NULL, *hosted = NULL;
    struct policy *p = calloc(1, sizeof *p);
    char *a = NULL, *b = NULL;
    int t;
    CHECK_OK(psim_sim_new(FIFO, &fifo));
    CHECK_OK(psim_sim_new(HOSTED, &hosted));
    CHECK_OK(psim_sim_set_host_policy(hosted, decide, p));
    for (t = 0; t < 40; ++t) {
        CHECK_OK(psim_sim_tick(fifo, &a));
        CHECK_OK(psim_sim_tick(hosted, &b));
        CHECK(a != NULL && b != NULL && strcmp(a, b) == 0);
        psim_string_free(a);
        psim_string_free(b);
        a = b = NULL;
    }
    CHECK(p->calls > 20);
    CHECK_OK(psim_sim_events(fifo, 0, &a));
    CHECK_OK(psim_sim_events(hosted, 0, &b));
    CHECK(a != NULL && b != NULL && strcmp(a, b) == 0);
    psim_string_free(a);
    psim_string_free(b);
    psim_sim_free(fifo);
    psim_sim_free(hosted);
    free(p);
}

/* Each bad answer: PSIM_STATUS_HOST_POLICY, the reason in the last error, nothing changed. */
static void failures_change_nothing(void) {
    static const struct {
        enum mode mode;
        const char *says;
    } cases[] = {
        {FAIL, "at tick 3: no decision today"},
        {GARBAGE, "malformed JSON in the decisions"},
        {UNKNOWN_ID, "\"path\":\"[0].id\""},
        {FAIL_SILENTLY, "the callback failed (returned -1)"},
    };
    size_t i;
    for (i = 0; i < sizeof cases / sizeof cases[0]; ++i) {
        psim_sim_t *sim = NULL;
        struct policy *p = calloc(1, sizeof *p);
        char *before = NULL, *after = NULL, *summary = NULL, *tick = NULL;
        CHECK_OK(psim_sim_new(HOSTED, &sim));
        CHECK_OK(psim_sim_set_host_policy(sim, decide, p));
        CHECK_OK(psim_sim_run(sim, 3, &summary));
        psim_string_free(summary);
        CHECK_OK(psim_sim_snapshot(sim, &before));
        p->mode = cases[i].mode;
        CHECK_STATUS(psim_sim_tick(sim, &tick), PSIM_STATUS_HOST_POLICY);
        CHECK(tick == NULL);
        CHECK(contains(psim_last_error_json(), "\"status\":\"PSIM_STATUS_HOST_POLICY\""));
        CHECK(contains(psim_last_error_json(), cases[i].says));
        CHECK(contains(psim_last_error(), "host policy of agent \"A\" (\"c\") at tick 3"));
        CHECK_OK(psim_sim_snapshot(sim, &after));
        CHECK(before != NULL && after != NULL && strcmp(before, after) == 0);
        /* The same tick runs once the policy answers again. */
        p->mode = RELEASE_ALL;
        CHECK_OK(psim_sim_tick(sim, &tick));
        CHECK(json_int(tick, "tick") == 3);
        psim_string_free(tick);
        psim_string_free(before);
        psim_string_free(after);
        psim_sim_free(sim);
        free(p);
    }
}

/* No policy, then a restored simulation: refused until one is registered. */
static void needs_its_policy(void) {
    psim_sim_t *sim = NULL, *restored = NULL;
    struct policy *p = calloc(1, sizeof *p);
    char *out = NULL, *snapshot = NULL;
    CHECK_OK(psim_sim_new(HOSTED, &sim));
    CHECK_OK(psim_sim_host_policy_agents(sim, &out));
    CHECK(out != NULL && strcmp(out, "[\"A\"]") == 0);
    psim_string_free(out);
    out = NULL;
    CHECK_STATUS(psim_sim_require_host_policy(sim), PSIM_STATUS_INVALID_CONFIG);
    CHECK(contains(psim_last_error_json(), "\"path\":\"agent_configs[0].policy\""));
    CHECK_STATUS(psim_sim_tick(sim, &out), PSIM_STATUS_INVALID_CONFIG);
    CHECK(contains(psim_last_error(), "has a Host policy"));
    CHECK_OK(psim_sim_set_host_policy(sim, decide, p));
    CHECK_OK(psim_sim_require_host_policy(sim));
    CHECK_OK(psim_sim_run(sim, 5, &out));
    psim_string_free(out);
    out = NULL;
    CHECK_OK(psim_sim_snapshot(sim, &snapshot));
    CHECK_OK(psim_sim_restore(snapshot, &restored));
    CHECK_STATUS(psim_sim_tick(restored, &out), PSIM_STATUS_INVALID_CONFIG);
    CHECK_OK(psim_sim_set_host_policy(restored, decide, p));
    CHECK_OK(psim_sim_tick(restored, &out));
    psim_string_free(out);
    out = NULL;
    /* Forgetting the policy: refused again. */
    CHECK_OK(psim_sim_set_host_policy(restored, NULL, NULL));
    CHECK_STATUS(psim_sim_tick(restored, &out), PSIM_STATUS_INVALID_CONFIG);
    /* A configuration without Host policies needs nothing. */
    psim_sim_free(sim);
    sim = NULL;
    CHECK_OK(psim_sim_new(FIFO, &sim));
    CHECK_OK(psim_sim_require_host_policy(sim));
    CHECK_OK(psim_sim_host_policy_agents(sim, &out));
    CHECK(out != NULL && strcmp(out, "[]") == 0);
    psim_string_free(out);
    psim_string_free(snapshot);
    psim_sim_free(sim);
    psim_sim_free(restored);
    free(p);
}

static void null_arguments(void) {
    psim_sim_t *sim = NULL;
    char *out = NULL;
    CHECK_STATUS(psim_sim_set_host_policy(NULL, decide, NULL), PSIM_STATUS_NULL_ARG);
    CHECK_STATUS(psim_sim_host_policy_agents(NULL, &out), PSIM_STATUS_NULL_ARG);
    CHECK_STATUS(psim_sim_require_host_policy(NULL), PSIM_STATUS_NULL_ARG);
    CHECK_OK(psim_sim_new(FIFO, &sim));
    CHECK_STATUS(psim_sim_host_policy_agents(sim, NULL), PSIM_STATUS_NULL_ARG);
    CHECK(contains(psim_last_error(), "agents_json_out"));
    psim_sim_free(sim);
}

int main(void) {
    static const struct test tests[] = {
        {"reproduces_fifo", reproduces_fifo},
        {"failures_change_nothing", failures_change_nothing},
        {"needs_its_policy", needs_its_policy},
        {"null_arguments", null_arguments},
    };
    return run_tests("host_policy", tests, sizeof tests / sizeof tests[0]);
}
