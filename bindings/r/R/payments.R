# Runs fed from a payment file (CSV or JSON Lines, docs/model.md § Payment files): the core
# reads the file a business day at a time, checks every row and writes one result per payment.
# Here R values only become the request document; the core names and checks every option.

sim_run_payments <- function(sim, payments, results = NULL, rejects = NULL, ticks = NULL,
                             name = NULL, ...) {
  if (!is.character(payments) || length(payments) != 1L || is.na(payments)) {
    raise_glue("type", "`payments` must be the path of a payment file (CSV or JSON Lines)",
               "payments")
  }
  if (is.null(results)) results <- tempfile("payment-results-", fileext = ".csv")
  request <- list(payments = path_arg(payments, "payments"), results = path_arg(results, "results"),
                  options = reading_options(list(...)))
  if (!is.null(rejects)) request$rejects <- path_arg(rejects, "rejects")
  if (!is.null(ticks)) request$ticks <- ticks
  if (!is.null(name)) request$name <- name
  summary <- parse_json(.Call(C_ps_run_payments, sim, to_json(request)))
  payment_run(summary, results, rejects)
}

sim_continue_payments <- function(sim, ticks = NULL) {
  request <- if (is.null(ticks)) structure(list(), names = character()) else list(ticks = ticks)
  summary <- parse_json(.Call(C_ps_continue_payments, sim, to_json(request)))
  payment_run(summary, summary$results_path, summary$rejects_path)
}

# The results file as a data frame: one row per payment, in the order they ended (ids and
# times as text, amounts and ticks as numbers; empty fields NA).
payment_results <- function(run) {
  if (!inherits(run, "paymentsim_payment_run")) {
    raise_glue("type", "`run` must be what sim_run_payments() or sim_continue_payments() returned")
  }
  read_table_file(run$results_path)
}

payment_rejects <- function(run) {
  if (!inherits(run, "paymentsim_payment_run")) {
    raise_glue("type", "`run` must be what sim_run_payments() or sim_continue_payments() returned")
  }
  if (is.null(run$rejects_path)) return(NULL)
  read_table_file(run$rejects_path)
}

print.paymentsim_payment_run <- function(x, ...) {
  s <- x$summary
  state <- if (isTRUE(s$suspended)) "suspended" else if (isTRUE(s$finished)) "finished" else "stopped"
  cat(sprintf("<paymentsim payment run: %s; %.0f payments, %.0f results written, %.0f rejected>\n",
              state, s$payments, s$results_written, s$rejected))
  cat(sprintf("  results: %s\n", x$results_path))
  invisible(x)
}

payment_run <- function(summary, results, rejects) {
  structure(list(summary = summary, suspended = isTRUE(summary$suspended),
                 results_path = normalizePath(results, mustWork = FALSE),
                 rejects_path = if (is.null(rejects)) NULL else normalizePath(rejects, mustWork = FALSE)),
            class = "paymentsim_payment_run")
}

# The core resolves a relative path against the process's directory, as R does.
path_arg <- function(path, what) {
  if (!is.character(path) || length(path) != 1L || is.na(path)) {
    raise_glue("type", sprintf("`%s` must be a file path", what), what)
  }
  path.expand(path)
}

# `columns = c(id = "PaymentID")` (a named vector or list) becomes the core's mapping text
# `id=PaymentID` (the core checks the roles).
reading_options <- function(options) {
  if (length(options) == 0L) return(structure(list(), names = character()))
  if (is.null(names(options)) || any(names(options) == "")) {
    raise_glue("type", "reading options are named: business_day = \"07:00-18:00\", ...", "options")
  }
  columns <- options$columns
  if (!is.null(columns) && !is.null(names(columns))) {
    options$columns <- paste(names(columns), unlist(columns), sep = "=", collapse = ",")
  }
  options
}

read_table_file <- function(path) {
  if (grepl("\\.jsonl$|\\.ndjson$", path, ignore.case = TRUE)) {
    lines <- readLines(path, warn = FALSE, encoding = "UTF-8")
    if (length(lines) == 0L) return(data.frame())
    return(jsonlite::fromJSON(paste0("[", paste(lines, collapse = ","), "]"), flatten = TRUE))
  }
  # All text first, then numbers where a column holds only numbers, except the ids.
  frame <- utils::read.csv(path, colClasses = "character", na.strings = "",
                           stringsAsFactors = FALSE, check.names = FALSE)
  for (column in setdiff(names(frame), c("id", "tx"))) {
    frame[[column]] <- utils::type.convert(frame[[column]], as.is = TRUE)
  }
  frame
}
