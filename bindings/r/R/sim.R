# Creating, driving and closing simulations. A simulation is an external pointer to the C
# library's handle: freed by sim_close() or, at the latest, by the garbage collector.

sim_new <- function(config) {
  doc <- document(config, "config")
  with_source(doc$file, .Call(C_ps_new, resolved_text(doc)))
}

# The document's text; for a file, with the files it names (policy files) read relative to it
# and put inline by the core (the machine format it returns builds the same simulation).
resolved_text <- function(doc) {
  if (is.null(doc$file)) return(doc$text)
  .Call(C_ps_normalize_at, doc$text, dirname(normalizePath(doc$file)))
}

sim_restore <- function(snapshot) {
  doc <- document(snapshot, "snapshot")
  with_source(doc$file, .Call(C_ps_restore, doc$text))
}

sim_close <- function(sim) invisible(.Call(C_ps_close, sim))

sim_is_open <- function(sim) .Call(C_ps_is_open, sim)

# Tick results and run summaries are flat objects (one nested object): parse_json without
# simplification gives the same lists, several times faster than fromJSON (a tick loop pays it).
sim_tick <- function(sim) parse_json(.Call(C_ps_tick, sim))

sim_run <- function(sim, n) parse_json(.Call(C_ps_run, sim, n))

sim_submit <- function(sim, payments = NULL, ...) {
  if (is.null(payments)) payments <- list(...)
  else if (...length() > 0L) raise_glue("type", "give either a payment/data frame or named fields, not both")
  if (!is.list(payments) || (!is.data.frame(payments) && is.null(names(payments)))) {
    raise_glue("type", "a payment is a named list (sender, receiver, amount, ...) or a data frame of them")
  }
  .Call(C_ps_submit, sim, payment_documents(payments))
}

sim_snapshot <- function(sim) .Call(C_ps_snapshot, sim)

sim_config_normalize <- function(config, parse = TRUE) {
  doc <- document(config, "config")
  text <- with_source(doc$file, if (is.null(doc$file)) .Call(C_ps_normalize, doc$text)
                                 else resolved_text(doc))
  # Plain nested lists (no data frames), so that a changed copy goes back into sim_new().
  if (parse) jsonlite::parse_json(text) else text
}

paymentsim_version <- function() .Call(C_ps_version)

# A document for the core from what the user gave: a list (encoded), a file path (its bytes:
# the core decodes them), YAML/JSON text, or the text's bytes (a raw vector). A string that
# names no file is text when it holds a newline or `:`, starts with `{` or `[`, or is blank (the
# core then says what is wrong with it); otherwise it was meant as a path.
document <- function(x, what) {
  if (is.list(x) && !is.data.frame(x)) return(list(text = to_json(x), file = NULL))
  if (is.raw(x)) return(list(text = x, file = NULL))
  if (is.character(x) && length(x) == 1L && !is.na(x)) {
    if (file.exists(x) && !dir.exists(x)) {
      return(list(text = readBin(x, "raw", file.size(x)), file = x))
    }
    text <- grepl("\n", x, fixed = TRUE) || grepl(":", x, fixed = TRUE) ||
      grepl("^[[:space:]]*[[{]", x) || !grepl("[^[:space:]]", x)
    if (text) return(list(text = x, file = NULL))
    reason <- if (dir.exists(x)) "is a directory" else "not found"
    raise_glue("file", sprintf("%s file %s: %s", what, reason, x))
  }
  got <- if (is.character(x) && length(x) == 1L) "NA" else {
    sprintf("%s of length %d", paste(class(x), collapse = "/"), length(x))
  }
  raise_glue("type", sprintf("`%s` must be a file path, YAML/JSON text or a list (got %s)", what, got))
}

from_json <- function(text) jsonlite::fromJSON(text, simplifyVector = TRUE, flatten = TRUE)

print.paymentsim_sim <- function(x, ...) {
  if (!sim_is_open(x)) {
    cat("<paymentsim simulation: closed>\n")
  } else {
    where <- tryCatch(sprintf("tick %.0f of %.0f", sim_current_tick(x), sim_horizon(x)),
                      paymentsim_error = function(e) conditionMessage(e)) # e.g. poisoned
    cat(sprintf("<paymentsim simulation: %s>\n", where))
  }
  invisible(x)
}
