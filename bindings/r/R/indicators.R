# Indicators (liquidity bounds, delay indicator, per-participant and intraday figures) and the
# time-series recorder, as the core computes them.

sim_indicators <- function(sim, as = c("list", "json")) {
  as <- match.arg(as)
  text <- .Call(C_ps_indicators, sim)
  if (as == "json") text else from_json(text)
}

sim_record_timeseries <- function(sim, every) {
  .Call(C_ps_timeseries_record, sim, every)
  invisible(sim)
}

# Every recorded sample, read in pages of `page_size` samples (a page costs what it holds), as
# one data frame: the agents' rows (sample, then agent order) or the system's (one per sample).
sim_timeseries <- function(sim, system = FALSE, page_size = 10000) {
  if (!is.logical(system) || length(system) != 1L || is.na(system)) {
    raise_glue("type", "`system` must be TRUE or FALSE", "system")
  }
  part <- if (system) "system" else "agents"
  pages <- list()
  from <- 0
  repeat {
    page <- jsonlite::parse_json(.Call(C_ps_timeseries, sim, from, page_size), simplifyVector = TRUE)
    samples <- length(page$system$tick)
    if (samples > 0L) pages[[length(pages) + 1L]] <- page[[part]]
    from <- page$first_sample + samples
    if (samples == 0L || from >= page$total_samples) break
  }
  columns <- if (length(pages) > 0L) names(pages[[1]]) else names(page[[part]])
  frame <- lapply(stats::setNames(columns, columns), function(name) {
    values <- unlist(lapply(pages, `[[`, name), use.names = FALSE)
    if (name == "agent") as.character(values) else as.numeric(values)
  })
  as.data.frame(frame, stringsAsFactors = FALSE)
}
