/* Registration of the .Call entry points (R objects C_ps_* in the namespace) and the check
 * that the library loaded is the one the header describes. */
#include <R_ext/Rdynload.h>

#include "glue.h"

#define ENTRY(name, n) {#name, (DL_FUNC)&name, n}

SEXP ps_new(SEXP), ps_restore(SEXP), ps_normalize(SEXP), ps_close(SEXP), ps_is_open(SEXP);
SEXP ps_tick(SEXP), ps_run(SEXP, SEXP), ps_submit(SEXP, SEXP), ps_debug_panic(SEXP);
SEXP ps_state(SEXP), ps_stats(SEXP), ps_agent_ids(SEXP), ps_snapshot(SEXP), ps_workload(SEXP);
SEXP ps_events(SEXP, SEXP, SEXP, SEXP), ps_events_discard(SEXP, SEXP);
SEXP ps_balance(SEXP, SEXP), ps_queue1_size(SEXP, SEXP), ps_queue2_size(SEXP);
SEXP ps_current_tick(SEXP), ps_current_day(SEXP), ps_horizon(SEXP), ps_version(void);
SEXP ps_schedule(SEXP, SEXP), ps_pending_schedule(SEXP);
SEXP ps_indicators(SEXP), ps_timeseries_record(SEXP, SEXP), ps_timeseries(SEXP, SEXP, SEXP);
SEXP ps_stress_run(SEXP, SEXP, SEXP, SEXP);
SEXP ps_normalize_at(SEXP, SEXP);
SEXP ps_run_payments(SEXP, SEXP), ps_continue_payments(SEXP, SEXP);

static const R_CallMethodDef call_methods[] = {
    ENTRY(ps_new, 1),          ENTRY(ps_restore, 1),     ENTRY(ps_normalize, 1),
    ENTRY(ps_close, 1),        ENTRY(ps_is_open, 1),     ENTRY(ps_tick, 1),
    ENTRY(ps_run, 2),          ENTRY(ps_submit, 2),      ENTRY(ps_debug_panic, 1),
    ENTRY(ps_state, 1),        ENTRY(ps_stats, 1),       ENTRY(ps_agent_ids, 1),
    ENTRY(ps_snapshot, 1),     ENTRY(ps_workload, 1),    ENTRY(ps_events, 4),
    ENTRY(ps_events_discard, 2), ENTRY(ps_balance, 2),   ENTRY(ps_queue1_size, 2),
    ENTRY(ps_queue2_size, 1),  ENTRY(ps_current_tick, 1), ENTRY(ps_current_day, 1),
    ENTRY(ps_horizon, 1),      ENTRY(ps_version, 0),     ENTRY(ps_schedule, 2),
    ENTRY(ps_pending_schedule, 1), ENTRY(ps_indicators, 1), ENTRY(ps_timeseries_record, 2),
    ENTRY(ps_timeseries, 3),   ENTRY(ps_stress_run, 4),  ENTRY(ps_normalize_at, 2),
    ENTRY(ps_run_payments, 2), ENTRY(ps_continue_payments, 2),
    {NULL, NULL, 0}};

void R_init_paymentsim(DllInfo *dll) {
    if (psim_abi_version() != PSIM_ABI_VERSION)
        Rf_error("paymentsim was built for ABI %d of libpayment_sim, but the library loaded has ABI %u: "
                 "reinstall the package against this library",
                 PSIM_ABI_VERSION, (unsigned)psim_abi_version());
    R_registerRoutines(dll, NULL, call_methods, NULL, NULL);
    R_useDynamicSymbols(dll, FALSE);
    R_forceSymbols(dll, TRUE);
}
