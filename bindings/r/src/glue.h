/* The R glue's shared helpers: handles, arguments, returned strings, failures.
 * Every call goes R → .Call → one psim_* function; a failure becomes an R condition built by
 * the package's R code (R/conditions.R), so statuses and problems are translated in one place. */
#ifndef PAYMENTSIM_GLUE_H
#define PAYMENTSIM_GLUE_H

#define R_NO_REMAP
#include <R.h>
#include <Rinternals.h>
#include <stdint.h>

#include "payment_sim.h"

/* The live handle inside an R external pointer; an R error (never a crash) when `ptr` is not
 * a simulation handle or has been closed (also a handle saved and reloaded: its address is
 * NULL in the new session). */
psim_sim_t *glue_sim(SEXP ptr);

/* A new external pointer owning `sim`, with a finalizer that frees it. */
SEXP glue_wrap_sim(psim_sim_t *sim);

/* A NUL-terminated UTF-8 document from a character(1) or a raw vector (a file's bytes, which
 * the core decodes and checks itself). Raw bytes are copied into R's transient memory. */
const char *glue_document(SEXP doc, const char *what);

/* A whole number from 0 to 2^53 (what an R double represents exactly) as uint64_t. */
uint64_t glue_u64(SEXP x, const char *what);

/* A character(1) agent id in UTF-8. */
const char *glue_string(SEXP x, const char *what);

/* A library-owned string as character(1), freed with psim_string_free even if R fails. */
SEXP glue_take_string(char *s);

/* Nothing on success; otherwise the R condition of the failed call (glue_fail_status). */
void glue_check(psim_status status);

/* Raise the R condition of a failed call (status != OK): never returns. */
void glue_fail_status(psim_status status);
/* The same for a batch of submissions: `submitted` holds the ids of those that went in. */
void glue_fail_status_with(psim_status status, SEXP submitted);

/* Raise one of the glue's own R conditions (`kind`: "closed", "type"): never returns. */
void glue_fail(const char *kind, const char *message);

/* The elements of a JSON array document as character strings, byte for byte
 * (jsonsplit.c). */
SEXP glue_split_array(const char *json, const char *key);

/* A call returning a JSON document from a handle: one line each to wrap (sim.c). */
typedef psim_status (*glue_json_query)(const psim_sim_t *, char **);
typedef psim_status (*glue_json_action)(psim_sim_t *, char **);
SEXP glue_query(SEXP ptr, glue_json_query fn);
SEXP glue_action(SEXP ptr, glue_json_action fn);

#endif
