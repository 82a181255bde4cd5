# Every failure is an R condition of class c("paymentsim_<kind>", "paymentsim_error", "error",
# "condition") with `message`, `status` (the psim_status name, NA for the glue's own errors)
# and `problems` (a data frame: path, message, value). The library's statuses and problems
# are taken as the library reports them (psim_last_error_json): no table of statuses here.

# Called from C (glue.c) after a psim_* call returned `code`; `report` is psim_last_error_json().
raise_status <- function(code, report, submitted = NULL) {
  parsed <- jsonlite::parse_json(report, simplifyVector = FALSE)
  status <- parsed$status
  if (is.null(status)) status <- paste0("PSIM_STATUS_", code)
  kind <- tolower(sub("^PSIM_STATUS_", "", status))
  cond <- paymentsim_condition(kind, parsed$message, problems_frame(parsed$problems),
                               status = status)
  if (!is.null(submitted) && attr(submitted, "of") > 1) {
    # A batch of submissions stopped at one: say which, and which went in before it.
    row <- length(submitted) + 1L
    cond$row <- row
    cond$submitted <- as.character(submitted)
    cond$message <- sprintf("payment %d of %.0f: %s (the %d before it were submitted)", row,
                            attr(submitted, "of"), cond$message, length(submitted))
  }
  stop(cond)
}

# The glue's own failures (called from C and from R): "closed", "type", "file".
raise_glue <- function(kind, message, path = "") {
  problems <- problems_frame(list(list(path = path, message = message)))
  stop(paymentsim_condition(kind, message, problems, status = NA_character_))
}

# The condition, attributed to the user's call of the package (`sim_new(config)`), however deep
# in the package it arose.
paymentsim_condition <- function(kind, message, problems, status, call = api_call()) {
  structure(
    class = c(paste0("paymentsim_", kind), "paymentsim_error", "error", "condition"),
    list(message = message, call = call, status = status, problems = problems)
  )
}

# The outermost call of an exported function on the stack (NULL when there is none).
api_call <- function() {
  exported <- getNamespaceExports("paymentsim")
  for (call in sys.calls()) {
    f <- call[[1]]
    if (is.call(f) && length(f) == 3L && as.character(f[[1]]) %in% c("::", ":::")) f <- f[[3]]
    if (is.name(f) && as.character(f) %in% exported) return(call)
  }
  NULL
}

# The problems as a data frame; `value` is a list column (a value may be any JSON value, or
# NULL when the library gives none).
problems_frame <- function(problems) {
  frame <- data.frame(
    path = vapply(problems, function(p) as.character(p$path), ""),
    message = vapply(problems, function(p) as.character(p$message), ""),
    stringsAsFactors = FALSE
  )
  frame$value <- lapply(problems, function(p) p$value)
  frame
}

# Run `expr`; a failure about a document read from `file` names the file (its problems, with
# the core's paths, stay as they are).
with_source <- function(file, expr) {
  if (is.null(file)) return(expr)
  tryCatch(expr, paymentsim_error = function(e) {
    e$message <- paste0(file, ": ", e$message)
    e$file <- file
    stop(e)
  })
}
