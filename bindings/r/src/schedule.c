/* The schedule of timed inputs (issue 11): append actions to a live simulation, all or nothing,
 * and list what is pending. The core reads and checks every action; this is translation only. */
#include "glue.h"

SEXP ps_schedule(SEXP sim, SEXP document) {
    psim_sim_t *handle = glue_sim(sim);
    glue_check(psim_sim_schedule(handle, glue_document(document, "the schedule")));
    return R_NilValue;
}

SEXP ps_pending_schedule(SEXP sim) { return glue_query(sim, psim_sim_schedule_json); }
