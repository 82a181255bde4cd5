/* Handles, arguments and failures of the R glue (see glue.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "glue.h"

static SEXP handle_tag(void) { return Rf_install("paymentsim_sim"); }

/* The package namespace, where the R side builds conditions (R/conditions.R). */
static SEXP package_env(void) {
    static SEXP env = NULL;
    if (env == NULL) {
        SEXP name = PROTECT(Rf_mkString("paymentsim"));
        env = R_FindNamespace(name);
        R_PreserveObject(env);
        UNPROTECT(1);
    }
    return env;
}

void glue_fail_status_with(psim_status status, SEXP submitted) {
    /* Copy the report before anything else can call the library and reset it. */
    SEXP report = PROTECT(Rf_ScalarString(Rf_mkCharCE(psim_last_error_json(), CE_UTF8)));
    SEXP code = PROTECT(Rf_ScalarInteger((int)status));
    SEXP call = PROTECT(Rf_lang4(Rf_install("raise_status"), code, report, submitted));
    Rf_eval(call, package_env()); /* signals the condition: does not return */
    UNPROTECT(3);
    Rf_error("paymentsim: status %d", (int)status);
}

void glue_fail_status(psim_status status) { glue_fail_status_with(status, R_NilValue); }

void glue_check(psim_status status) {
    if (status != PSIM_STATUS_OK) glue_fail_status(status);
}

void glue_fail(const char *kind, const char *message) {
    SEXP k = PROTECT(Rf_mkString(kind));
    SEXP m = PROTECT(Rf_ScalarString(Rf_mkCharCE(message, CE_UTF8)));
    SEXP call = PROTECT(Rf_lang3(Rf_install("raise_glue"), k, m));
    Rf_eval(call, package_env());
    UNPROTECT(3);
    Rf_error("%s", message);
}

/* --- handles ------------------------------------------------------------------------------ */

static void finalize_sim(SEXP ptr) {
    psim_sim_t *sim = (psim_sim_t *)R_ExternalPtrAddr(ptr);
    if (sim != NULL) {
        psim_sim_free(sim);
        R_ClearExternalPtr(ptr);
    }
}

static int is_handle(SEXP ptr) {
    return TYPEOF(ptr) == EXTPTRSXP && R_ExternalPtrTag(ptr) == handle_tag();
}

psim_sim_t *glue_sim(SEXP ptr) {
    if (!is_handle(ptr)) glue_fail("type", "`sim` must be a simulation from sim_new() or sim_restore()");
    psim_sim_t *sim = (psim_sim_t *)R_ExternalPtrAddr(ptr);
    if (sim == NULL)
        glue_fail("closed",
                  "this simulation is closed (sim_close), or was saved and loaded again: a handle "
                  "lives in one R session (keep sim_snapshot() to continue later)");
    return sim;
}

SEXP glue_wrap_sim(psim_sim_t *sim) {
    SEXP ptr = PROTECT(R_MakeExternalPtr(sim, handle_tag(), R_NilValue));
    R_RegisterCFinalizerEx(ptr, finalize_sim, TRUE);
    SEXP cls = PROTECT(Rf_mkString("paymentsim_sim"));
    Rf_setAttrib(ptr, R_ClassSymbol, cls);
    UNPROTECT(2);
    return ptr;
}

SEXP ps_close(SEXP ptr) {
    if (!is_handle(ptr)) glue_fail("type", "`sim` must be a simulation from sim_new() or sim_restore()");
    finalize_sim(ptr); /* closing twice does nothing */
    return R_NilValue;
}

SEXP ps_is_open(SEXP ptr) {
    return Rf_ScalarLogical(is_handle(ptr) && R_ExternalPtrAddr(ptr) != NULL);
}

/* --- arguments ---------------------------------------------------------------------------- */

const char *glue_document(SEXP doc, const char *what) {
    char message[256];
    if (TYPEOF(doc) == STRSXP && XLENGTH(doc) == 1 && STRING_ELT(doc, 0) != NA_STRING)
        return Rf_translateCharUTF8(STRING_ELT(doc, 0));
    if (TYPEOF(doc) == RAWSXP) {
        R_xlen_t n = XLENGTH(doc);
        if (memchr(RAW(doc), 0, (size_t)n) != NULL) {
            snprintf(message, sizeof message, "%s contains a NUL byte", what);
            glue_fail("type", message);
        }
        char *copy = R_alloc((size_t)n + 1, 1);
        memcpy(copy, RAW(doc), (size_t)n);
        copy[n] = '\0';
        return copy;
    }
    snprintf(message, sizeof message, "%s must be a single string (not NA) or a raw vector", what);
    glue_fail("type", message);
    return NULL; /* not reached */
}

uint64_t glue_u64(SEXP x, const char *what) {
    char message[256];
    double v = NA_REAL;
    if (XLENGTH(x) == 1 && TYPEOF(x) == INTSXP)
        v = INTEGER(x)[0] == NA_INTEGER ? NA_REAL : (double)INTEGER(x)[0];
    else if (XLENGTH(x) == 1 && TYPEOF(x) == REALSXP)
        v = REAL(x)[0];
    else {
        snprintf(message, sizeof message, "`%s` must be a single number (got %s of length %lld)", what,
                 Rf_type2char(TYPEOF(x)), (long long)XLENGTH(x));
        glue_fail("type", message);
    }
    /* 2^53: up to there every whole number is an R double, exactly. */
    if (ISNAN(v) || !isfinite(v) || v != floor(v) || v < 0 || v > 9007199254740992.0) {
        char got[64];
        if (ISNA(v)) snprintf(got, sizeof got, "NA");
        else if (ISNAN(v)) snprintf(got, sizeof got, "NaN");
        else if (!isfinite(v)) snprintf(got, sizeof got, v > 0 ? "Inf" : "-Inf");
        else snprintf(got, sizeof got, "%.17g", v);
        snprintf(message, sizeof message, "`%s` must be a whole number from 0 to 2^53 (got %s)", what, got);
        glue_fail("type", message);
    }
    return (uint64_t)v;
}

const char *glue_string(SEXP x, const char *what) {
    if (TYPEOF(x) != STRSXP || XLENGTH(x) != 1 || STRING_ELT(x, 0) == NA_STRING) {
        char message[256];
        snprintf(message, sizeof message, "`%s` must be a single string (not NA)", what);
        glue_fail("type", message);
    }
    return Rf_translateCharUTF8(STRING_ELT(x, 0));
}

/* --- returned strings --------------------------------------------------------------------- */

static SEXP make_string(void *s) {
    size_t len = strlen((const char *)s);
    if (len > INT32_MAX)
        Rf_error("paymentsim: a document of %.0f bytes exceeds R's string size limit (2^31 - 1); "
                 "read events in pages (sim_events(max_events =))", (double)len);
    return Rf_ScalarString(Rf_mkCharLenCE((const char *)s, (int)len, CE_UTF8));
}

static void free_string(void *s) { psim_string_free((char *)s); }

SEXP glue_take_string(char *s) { return R_ExecWithCleanup(make_string, s, free_string, s); }

/* --- one-line wrappers -------------------------------------------------------------------- */

SEXP glue_query(SEXP ptr, glue_json_query fn) {
    char *out = NULL;
    glue_check(fn(glue_sim(ptr), &out));
    return glue_take_string(out);
}

SEXP glue_action(SEXP ptr, glue_json_action fn) {
    char *out = NULL;
    glue_check(fn(glue_sim(ptr), &out));
    return glue_take_string(out);
}
