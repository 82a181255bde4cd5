/* Indicators and time series (issue 13), and the stress tester (issue 11): documents from the
 * core, passed to R as JSON text. */
#include <stdint.h>

#include "glue.h"

SEXP ps_indicators(SEXP sim) { return glue_query(sim, psim_sim_indicators_json); }

SEXP ps_timeseries_record(SEXP sim, SEXP every) {
    psim_sim_t *handle = glue_sim(sim);
    glue_check(psim_sim_timeseries_record(handle, glue_u64(every, "every")));
    return R_NilValue;
}

SEXP ps_timeseries(SEXP sim, SEXP from_sample, SEXP max_samples) {
    psim_sim_t *handle = glue_sim(sim);
    uint64_t from = glue_u64(from_sample, "from_sample");
    uint64_t max = glue_u64(max_samples, "max_samples");
    char *out = NULL;
    glue_check(psim_sim_timeseries_json(handle, from, max, &out));
    return glue_take_string(out);
}

/* Progress on R's console. The library calls it on this (R's main) thread while the call
 * blocks; REprintf cannot jump out of it (an R error here would unwind through the library's
 * frames), so nothing else of R's is called: no interrupts, no R function. */
static void print_progress(uint64_t done, uint64_t total, void *user_data) {
    (void)user_data;
    REprintf("\rstress: %.0f of %.0f runs%s", (double)done, (double)total, done == total ? "\n" : "");
}

SEXP ps_stress_run(SEXP config, SEXP stress, SEXP threads, SEXP progress) {
    const char *config_text = glue_document(config, "the configuration");
    const char *stress_text = glue_document(stress, "the stress definition");
    uint64_t n = glue_u64(threads, "threads");
    if (n > UINT32_MAX) glue_fail("type", "`threads` must be at most 2^32 - 1 (0: every core)");
    int show = Rf_asLogical(progress) == TRUE;
    char *out = NULL;
    glue_check(psim_stress_run(config_text, stress_text, (uint32_t)n, show ? print_progress : NULL,
                               NULL, &out));
    return glue_take_string(out);
}
