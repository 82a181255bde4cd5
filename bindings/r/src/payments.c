/* Runs fed from a payment file (issue 12): the request and the summary are JSON documents the
 * core reads, checks and writes; this is translation only. */
#include "glue.h"

typedef psim_status (*glue_request)(psim_sim_t *, const char *, char **);

static SEXP call_with_request(SEXP sim, SEXP request, glue_request fn) {
    psim_sim_t *handle = glue_sim(sim);
    char *out = NULL;
    glue_check(fn(handle, glue_document(request, "the request"), &out));
    return glue_take_string(out);
}

SEXP ps_run_payments(SEXP sim, SEXP request) {
    return call_with_request(sim, request, psim_sim_run_payments);
}

SEXP ps_continue_payments(SEXP sim, SEXP request) {
    return call_with_request(sim, request, psim_sim_continue_payments);
}
