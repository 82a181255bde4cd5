/* The elements of one array of a JSON object, each as the exact bytes the library wrote, and
 * (attribute "rest") the document with that array emptied.
 * R users compare event streams byte for byte (with the CLI's event files, with earlier runs);
 * re-serialising parsed values would not give the library's bytes (number formatting), so the
 * glue cuts the library's text instead. This is syntax only: it knows no field but the one it
 * is asked for, and the library's documents are well-formed (anything else is an R error). */
#include <string.h>

#include "glue.h"

static const char *skip_ws(const char *p) {
    while (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t') p++;
    return p;
}

static const char *skip_string(const char *p) { /* p at the opening quote */
    for (p++; *p && *p != '"'; p++)
        if (*p == '\\' && p[1]) p++;
    return *p == '"' ? p + 1 : NULL;
}

/* The end of the value starting at p, or NULL when the text ends first. */
static const char *skip_value(const char *p) {
    if (*p == '"') return skip_string(p);
    if (*p == '{' || *p == '[') {
        int depth = 0;
        for (; *p; p++) {
            if (*p == '"') {
                p = skip_string(p);
                if (!p) return NULL;
                p--;
            } else if (*p == '{' || *p == '[') {
                depth++;
            } else if (*p == '}' || *p == ']') {
                if (--depth == 0) return p + 1;
            }
        }
        return NULL;
    }
    while (*p && *p != ',' && *p != '}' && *p != ']' && *p != ' ' && *p != '\n') p++;
    return p;
}

/* Walk the array at p ('['): count its elements, and store them when out is not NULL. */
static R_xlen_t walk_array(const char *p, SEXP out) {
    R_xlen_t n = 0;
    p = skip_ws(p + 1);
    if (*p == ']') return 0;
    for (;;) {
        const char *end = skip_value(p);
        if (!end || end == p) Rf_error("paymentsim: malformed array in a library document");
        if (out != R_NilValue) {
            if (end - p > INT32_MAX) Rf_error("paymentsim: an element exceeds R's string size limit");
            SET_STRING_ELT(out, n, Rf_mkCharLenCE(p, (int)(end - p), CE_UTF8));
        }
        n++;
        p = skip_ws(end);
        if (*p == ']') return n;
        if (*p != ',') Rf_error("paymentsim: malformed array in a library document");
        p = skip_ws(p + 1);
    }
}

SEXP glue_split_array(const char *json, const char *key) {
    size_t key_len = strlen(key);
    const char *p = skip_ws(json);
    if (*p != '{') Rf_error("paymentsim: a library document is not an object");
    p = skip_ws(p + 1);
    while (*p == '"') {
        const char *key_end = skip_string(p);
        if (!key_end) break;
        int match = (size_t)(key_end - p) == key_len + 2 && memcmp(p + 1, key, key_len) == 0;
        p = skip_ws(key_end);
        if (*p != ':') break;
        p = skip_ws(p + 1);
        if (match && *p == '[') {
            const char *end = skip_value(p);
            if (!end) break;
            SEXP out = PROTECT(Rf_allocVector(STRSXP, walk_array(p, R_NilValue)));
            walk_array(p, out);
            /* The rest of the document, with the array emptied, for the caller to parse. */
            size_t head = (size_t)(p - json), tail = strlen(end);
            char *rest = R_alloc(head + tail + 3, 1);
            memcpy(rest, json, head);
            memcpy(rest + head, "[]", 2);
            memcpy(rest + head + 2, end, tail + 1);
            SEXP rest_sexp = PROTECT(Rf_ScalarString(Rf_mkCharCE(rest, CE_UTF8)));
            Rf_setAttrib(out, Rf_install("rest"), rest_sexp);
            UNPROTECT(2);
            return out;
        }
        p = skip_value(p);
        if (!p) break;
        p = skip_ws(p);
        if (*p == ',') p = skip_ws(p + 1);
    }
    Rf_error("paymentsim: the library document has no array \"%s\"", key);
    return R_NilValue; /* not reached */
}
