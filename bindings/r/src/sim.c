/* The .Call entry points: one psim_* function each, arguments converted by glue.c. A function
 * of the header that returns a JSON document from a handle is wrapped in one line with
 * glue_query()/glue_action(), registered with two lines in init.c, and given its R function in
 * one line in R/ (bindings/r/README.md, "Wrapping a new function"). */
#include "glue.h"

/* --- lifecycle ---------------------------------------------------------------------------- */

SEXP ps_new(SEXP document) {
    psim_sim_t *sim = NULL;
    glue_check(psim_sim_new(glue_document(document, "the configuration"), &sim));
    return glue_wrap_sim(sim);
}

SEXP ps_restore(SEXP snapshot) {
    psim_sim_t *sim = NULL;
    glue_check(psim_sim_restore(glue_document(snapshot, "the snapshot"), &sim));
    return glue_wrap_sim(sim);
}

SEXP ps_normalize(SEXP document) {
    char *out = NULL;
    glue_check(psim_config_normalize(glue_document(document, "the configuration"), &out));
    return glue_take_string(out);
}

/* A document read from a file in `base_dir`: the files it names (policy files) are read
   relative to it and put inline by the core. */
SEXP ps_normalize_at(SEXP document, SEXP base_dir) {
    char *out = NULL;
    glue_check(psim_config_normalize_at(glue_document(document, "the configuration"),
                                        glue_document(base_dir, "the directory"), &out));
    return glue_take_string(out);
}

/* --- driving ------------------------------------------------------------------------------ */

SEXP ps_tick(SEXP sim) { return glue_action(sim, psim_sim_tick); }

SEXP ps_run(SEXP sim, SEXP ticks) {
    psim_sim_t *handle = glue_sim(sim);
    char *out = NULL;
    glue_check(psim_sim_run(handle, glue_u64(ticks, "n"), &out));
    return glue_take_string(out);
}

/* Submit each submission document in order; the ids, one per document. A failure stops at the
 * failing one (the earlier ones stay submitted: their ids go into the condition). */
SEXP ps_submit(SEXP sim, SEXP documents) {
    psim_sim_t *handle = glue_sim(sim);
    if (TYPEOF(documents) != STRSXP) glue_fail("type", "submissions must be JSON strings");
    R_xlen_t n = XLENGTH(documents);
    SEXP ids = PROTECT(Rf_allocVector(STRSXP, n));
    for (R_xlen_t i = 0; i < n; i++) {
        char *id = NULL;
        const void *vmax = vmaxget(); /* the UTF-8 copy lives for this submission only */
        psim_status status =
            psim_sim_submit(handle, Rf_translateCharUTF8(STRING_ELT(documents, i)), &id);
        vmaxset(vmax);
        if (status != PSIM_STATUS_OK) {
            SEXP done = PROTECT(Rf_xlengthgets(ids, i));
            Rf_setAttrib(done, Rf_install("of"), Rf_ScalarReal((double)n));
            glue_fail_status_with(status, done);
        }
        SET_STRING_ELT(ids, i, STRING_ELT(glue_take_string(id), 0));
    }
    UNPROTECT(1);
    return ids;
}

SEXP ps_debug_panic(SEXP sim) {
    glue_check(psim_sim_debug_panic(glue_sim(sim)));
    return R_NilValue;
}

/* --- documents ---------------------------------------------------------------------------- */

SEXP ps_state(SEXP sim) { return glue_query(sim, psim_sim_state); }
SEXP ps_stats(SEXP sim) { return glue_query(sim, psim_sim_stats); }
SEXP ps_agent_ids(SEXP sim) { return glue_query(sim, psim_sim_agent_ids); }
SEXP ps_snapshot(SEXP sim) { return glue_query(sim, psim_sim_snapshot); }
SEXP ps_workload(SEXP sim) { return glue_query(sim, psim_sim_workload); }

/* Events after `from_seq`: every one (`max_events` NULL) or a page. `split` TRUE gives each
 * event's own JSON text (attribute "rest": the document without them). */
SEXP ps_events(SEXP sim, SEXP from_seq, SEXP max_events, SEXP split) {
    psim_sim_t *handle = glue_sim(sim);
    uint64_t from = glue_u64(from_seq, "from_seq");
    char *out = NULL;
    psim_status status = max_events == R_NilValue
                             ? psim_sim_events(handle, from, &out)
                             : psim_sim_events_page(handle, from, glue_u64(max_events, "max_events"), &out);
    glue_check(status);
    SEXP doc = PROTECT(glue_take_string(out));
    SEXP result = Rf_asLogical(split) == TRUE
                      ? glue_split_array(Rf_translateCharUTF8(STRING_ELT(doc, 0)), "events")
                      : doc;
    UNPROTECT(1);
    return result;
}

SEXP ps_events_discard(SEXP sim, SEXP through_seq) {
    psim_sim_t *handle = glue_sim(sim);
    glue_check(psim_sim_events_discard(handle, glue_u64(through_seq, "through_seq")));
    return R_NilValue;
}

/* --- scalars (integers as R doubles: exact up to 2^53) ------------------------------------ */

SEXP ps_balance(SEXP sim, SEXP agent) {
    int64_t out = 0;
    psim_sim_t *handle = glue_sim(sim);
    glue_check(psim_sim_agent_balance(handle, glue_string(agent, "agent"), &out));
    return Rf_ScalarReal((double)out);
}

SEXP ps_queue1_size(SEXP sim, SEXP agent) {
    uint64_t out = 0;
    psim_sim_t *handle = glue_sim(sim);
    glue_check(psim_sim_queue1_size(handle, glue_string(agent, "agent"), &out));
    return Rf_ScalarReal((double)out);
}

typedef psim_status (*u64_query)(const psim_sim_t *, uint64_t *);

static SEXP u64_scalar(SEXP sim, u64_query fn) {
    uint64_t out = 0;
    glue_check(fn(glue_sim(sim), &out));
    return Rf_ScalarReal((double)out);
}

SEXP ps_queue2_size(SEXP sim) { return u64_scalar(sim, psim_sim_queue2_size); }
SEXP ps_current_tick(SEXP sim) { return u64_scalar(sim, psim_sim_current_tick); }
SEXP ps_current_day(SEXP sim) { return u64_scalar(sim, psim_sim_current_day); }
SEXP ps_horizon(SEXP sim) { return u64_scalar(sim, psim_sim_horizon); }

/* --- the library -------------------------------------------------------------------------- */

SEXP ps_version(void) { return Rf_mkString(psim_version()); }
