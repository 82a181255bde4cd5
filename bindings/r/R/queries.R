# What a simulation shows: documents (parsed with jsonlite) and scalars. Integers arrive as R
# doubles, exact up to 2^53 cents.

sim_state <- function(sim) from_json(.Call(C_ps_state, sim))

sim_stats <- function(sim) from_json(.Call(C_ps_stats, sim))

sim_workload <- function(sim) from_json(.Call(C_ps_workload, sim))

sim_agent_ids <- function(sim) from_json(.Call(C_ps_agent_ids, sim))

sim_events <- function(sim, from_seq = 0, max_events = NULL, as = c("data.frame", "list", "json")) {
  as <- match.arg(as)
  if (as == "json") {
    events <- .Call(C_ps_events, sim, from_seq, max_events, TRUE)
    rest <- jsonlite::parse_json(attr(events, "rest"))
    attr(events, "rest") <- NULL
    attr(events, "last_seq") <- rest$last_seq
    return(events)
  }
  text <- .Call(C_ps_events, sim, from_seq, max_events, FALSE)
  doc <- if (as == "list") jsonlite::parse_json(text) else from_json(text)
  events <- doc$events
  if (as == "data.frame" && !is.data.frame(events)) events <- data.frame()
  attr(events, "last_seq") <- doc$last_seq
  events
}

sim_events_discard <- function(sim, through_seq) {
  invisible(.Call(C_ps_events_discard, sim, through_seq))
}

sim_balance <- function(sim, agent) agent_scalars(sim, agent, C_ps_balance)

sim_queue1_size <- function(sim, agent) agent_scalars(sim, agent, C_ps_queue1_size)

sim_queue2_size <- function(sim) .Call(C_ps_queue2_size, sim)

sim_current_tick <- function(sim) .Call(C_ps_current_tick, sim)

sim_current_day <- function(sim) .Call(C_ps_current_day, sim)

sim_horizon <- function(sim) .Call(C_ps_horizon, sim)

# One value per agent id, named by it.
agent_scalars <- function(sim, agent, fn) {
  if (!is.character(agent) || length(agent) == 0L) {
    raise_glue("type", "`agent` must be a character vector of agent ids", "agent")
  }
  values <- vapply(agent, function(id) .Call(fn, sim, id), 0)
  if (length(agent) == 1L) unname(values) else values
}
