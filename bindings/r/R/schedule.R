# Scheduled actions (outages, liquidity, credit, arrival rates, counterparty weights, LSM
# switches, later payments): the core's one schedule. The core reads and checks every action;
# here R values only become the JSON document `{"scenario_events": [...]}`, so that the glue's
# own type errors carry the same paths as the core's problems (`scenario_events[2].agent`).

sim_schedule <- function(sim, actions) {
  if (is.character(actions) || is.raw(actions)) {
    doc <- document(actions, "schedule")
    with_source(doc$file, .Call(C_ps_schedule, sim, doc$text))
    return(invisible(sim))
  }
  if (is.data.frame(actions)) {
    actions <- action_rows(actions)
  } else if (!is.list(actions)) {
    raise_glue("type", sprintf(paste(
      "`actions` must be a list of actions, a data frame (one action per row), or a file path",
      "or YAML/JSON text (got %s)"), paste(class(actions), collapse = "/")), "scenario_events")
  } else if (identical(names(actions), "scenario_events")) {
    actions <- actions$scenario_events
  } else if ("type" %in% names(actions)) {
    actions <- list(actions) # one action
  }
  .Call(C_ps_schedule, sim, to_json(list(scenario_events = unname_list(actions))))
  invisible(sim)
}

# A list of actions is a JSON array even when it is empty or its elements happen to be named.
unname_list <- function(x) if (is.list(x) && !is.data.frame(x)) unname(x) else x

# One action per row; a missing value (NA, or NULL in a list column such as `weights`) is a
# field the action does not have.
action_rows <- function(frame) {
  lapply(seq_len(nrow(frame)), function(i) {
    row <- lapply(frame, function(column) {
      if (is.list(column)) column[[i]] else if (is.factor(column)) as.character(column[i]) else column[i]
    })
    keep <- vapply(row, function(v) !is.null(v) && !(is.atomic(v) && length(v) == 1L && is.na(v)), TRUE)
    row[keep]
  })
}

sim_pending_schedule <- function(sim) {
  pending <- from_json(.Call(C_ps_pending_schedule, sim))
  if (!is.data.frame(pending)) {
    pending <- data.frame(tick = numeric(), seq = numeric(), phase = character(),
                          stringsAsFactors = FALSE)
  }
  pending
}
