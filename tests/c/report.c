/*
 * C tests of the run report (psim_sim_report_html), run by `make test-c`, under valgrind by
 * `make valgrind` and under AddressSanitizer by `make asan`.
 *
 * Covered: the page of a run with the time-series recorder on (self-contained, the run's
 * figures, the paths drawn), without it (the page says so), the empty run, the options
 * (defaults, `top`, `source`, every bad value with nothing written), NULL arguments.
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

static psim_sim_t *ring_run(int record) {
    const char *ids[4] = {"A", "B", "C", "D"};
    psim_sim_t *sim = NULL;
    char *summary = NULL;
    int i;
    CHECK_OK(psim_sim_new(RING, &sim));
    if (record) {
        CHECK_OK(psim_sim_timeseries_record(sim, 1));
    }
    for (i = 0; i < 4; ++i) {
        char tx[160];
        char *id = NULL;
        snprintf(tx, sizeof tx, "{\"sender\": \"%s\", \"receiver\": \"%s\", \"amount\": 5000}",
                 ids[i], ids[(i + 1) % 4]);
        CHECK_OK(psim_sim_submit(sim, tx, &id));
        psim_string_free(id);
    }
    CHECK_OK(psim_sim_run(sim, 10, &summary));
    psim_string_free(summary);
    return sim;
}

static int self_contained(const char *html) {
    return contains(html, "<!DOCTYPE html>") && !contains(html, "http://") &&
           !contains(html, "https://") && !contains(html, "<script") && !contains(html, "src=");
}

/* With the recorder on: the run's figures and the paths of the agents. */
static void recorded_run(void) {
    psim_sim_t *sim = ring_run(1);
    char *html = NULL;
    CHECK_OK(psim_sim_report_html(sim, NULL, &html));
    CHECK(self_contained(html));
    CHECK(contains(html, "<title>payment-sim report: simulation</title>"));
    CHECK(contains(html, "<td>ticks run</td><td>10</td>"));
    CHECK(contains(html, "<svg"));
    CHECK(!contains(html, "No time series was recorded"));
    psim_string_free(html);
    html = NULL;
    CHECK_OK(psim_sim_report_html(sim, "{\"top\": 1, \"source\": \"ring <1>\"}", &html));
    CHECK(contains(html, "<title>payment-sim report: ring &lt;1&gt;</title>"));
    psim_string_free(html);
    psim_sim_free(sim);
}

/* Without the recorder the page says there are no paths; an empty run says it is empty. */
static void unrecorded_and_empty_runs(void) {
    psim_sim_t *sim = ring_run(0);
    psim_sim_t *empty = NULL;
    char *html = NULL;
    CHECK_OK(psim_sim_report_html(sim, "{}", &html));
    CHECK(self_contained(html));
    CHECK(contains(html, "No time series was recorded"));
    psim_string_free(html);
    html = NULL;
    CHECK_OK(psim_sim_new(RING, &empty));
    CHECK_OK(psim_sim_report_html(empty, NULL, &html));
    CHECK(contains(html, "This run is empty"));
    psim_string_free(html);
    psim_sim_free(empty);
    psim_sim_free(sim);
}

/* Bad options and NULL arguments: a status, a message, nothing written. */
static void bad_arguments(void) {
    psim_sim_t *sim = ring_run(0);
    char *html = NULL;
    const char *bad[] = {"{\"top\": 0}", "{\"top\": -1}", "{\"colour\": 1}", "[1]", "{"};
    size_t i;
    for (i = 0; i < sizeof bad / sizeof bad[0]; ++i) {
        CHECK_STATUS(psim_sim_report_html(sim, bad[i], &html), PSIM_STATUS_INVALID_ARGUMENT);
        CHECK(html == NULL);
        CHECK(contains(psim_last_error(), "psim_sim_report_html"));
    }
    CHECK(contains(psim_last_error(), "report options"));
    CHECK_STATUS(psim_sim_report_html(NULL, NULL, &html), PSIM_STATUS_NULL_ARG);
    CHECK_STATUS(psim_sim_report_html(sim, NULL, NULL), PSIM_STATUS_NULL_ARG);
    CHECK(contains(psim_last_error(), "html_out"));
    CHECK(html == NULL);
    psim_sim_free(sim);
}

int main(void) {
    static const struct test tests[] = {
        {"recorded_run", recorded_run},
        {"unrecorded_and_empty_runs", unrecorded_and_empty_runs},
        {"bad_arguments", bad_arguments},
    };
    return run_tests("report", tests, sizeof tests / sizeof tests[0]);
}
