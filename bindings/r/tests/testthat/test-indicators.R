# Indicators and time series: the CLI's indicators section, value for value; samples equal to
# sim_state() at the sampled ticks; bad input.

cli_run_json <- function(path, extra = character()) {
  out <- system2(cli(), c("--format", "json", "run", shQuote(path), extra), stdout = TRUE)
  paste(out, collapse = "\n")
}

for (name in c("four_bank_ring.yaml", "scarce_liquidity.yaml")) {
  test_that(paste("indicators equal the CLI's `run --format json` indicators:", name), {
    path <- scenario(name)
    cli_doc <- cli_run_json(path)
    sim <- sim_new(path)
    sim_run(sim, sim_horizon(sim))
    text <- sim_indicators(sim, as = "json")
    # Every value, numbers exactly (parse_json keeps the document's own structure).
    expect_identical(jsonlite::parse_json(text), jsonlite::parse_json(cli_doc)$indicators)
    indicators <- sim_indicators(sim)
    expect_identical(indicators, jsonlite::fromJSON(cli_doc, flatten = TRUE)$indicators)
    expect_s3_class(indicators$agents, "data.frame")
    expect_identical(indicators$agents$id, sim_agent_ids(sim))
    expect_equal(indicators$ticks_run, sim_horizon(sim))
    # The whole-run agent figures add up to the system's.
    expect_equal(sum(indicators$agents$sent.value), indicators$system$sent$value)
    expect_equal(sum(indicators$agents$liquidity_upper_bound), indicators$system$liquidity_upper_bound)
  })
}

test_that("indicators part-way through equal the CLI's for the same ticks", {
  path <- scenario("four_bank_ring.yaml")
  cli_doc <- cli_run_json(path, c("--ticks", "37"))
  sim <- sim_new(path)
  sim_run(sim, 37)
  expect_identical(jsonlite::parse_json(sim_indicators(sim, as = "json")),
                   jsonlite::parse_json(cli_doc)$indicators)
})

test_that("time series samples equal sim_state() at the sampled ticks", {
  sim <- sim_new(scenario("four_bank_ring.yaml"))
  every <- 7
  sim_record_timeseries(sim, every)
  sim_record_timeseries(sim, every) # the same interval again changes nothing
  states <- list()
  for (i in seq_len(sim_horizon(sim))) {
    sim_tick(sim)
    if (i %% every == 0) states[[length(states) + 1L]] <- sim_state(sim)
  }
  series <- sim_timeseries(sim)
  n <- length(states)
  expect_equal(n, floor(sim_horizon(sim) / every))
  expect_equal(nrow(series), n * length(FOUR))
  expected <- do.call(rbind, lapply(states, function(s) {
    data.frame(tick = s$tick, agent = s$agents$id, balance = s$agents$balance,
               queue1_count = s$agents$queue1_size, queue2_count = s$agents$queue2_size,
               stringsAsFactors = FALSE)
  }))
  expect_equal(series[, names(expected)], expected, ignore_attr = TRUE)
  expect_true(all(series$liquidity_usage >= 0))
  expect_gt(sum(series$queue2_value), 0) # the ring does queue
  system <- sim_timeseries(sim, system = TRUE)
  expect_equal(system$tick, vapply(states, function(s) s$tick, 0))
  for (column in c("liquidity_usage", "queue1_count", "queue1_value", "queue2_count", "queue2_value")) {
    expect_equal(system[[column]], as.vector(tapply(series[[column]], series$tick, sum)), info = column)
  }
  # Paging through small pages gives the same frames.
  expect_identical(sim_timeseries(sim, page_size = 3), series)
  expect_identical(sim_timeseries(sim, system = TRUE, page_size = 1), system)
  # The recorder is in the snapshot.
  expect_identical(sim_timeseries(sim_restore(sim_snapshot(sim))), series)
})

test_that("nothing recorded: empty frames with the columns", {
  sim <- sim_new(scenario("four_bank_ring.yaml"))
  sim_run(sim, 5)
  agents <- sim_timeseries(sim)
  expect_equal(nrow(agents), 0)
  expect_true(all(c("tick", "agent", "balance", "queue2_value") %in% names(agents)))
  expect_equal(nrow(sim_timeseries(sim, system = TRUE)), 0)
})

test_that("bad input to the indicators and the recorder", {
  sim <- sim_new(scenario("four_bank_ring.yaml"))
  expect_error(sim_record_timeseries(sim, 0), class = "paymentsim_invalid_argument")
  e <- expect_error(sim_record_timeseries(sim, "5"), class = "paymentsim_type")
  expect_match(conditionMessage(e), "`every`")
  expect_error(sim_record_timeseries(sim, 2.5), class = "paymentsim_type")
  expect_error(sim_record_timeseries(sim, NA), class = "paymentsim_type")
  expect_error(sim_record_timeseries(sim, c(1, 2)), class = "paymentsim_type")
  sim_record_timeseries(sim, 5)
  expect_error(sim_record_timeseries(sim, 10), class = "paymentsim_invalid_argument")
  expect_error(sim_timeseries(sim, system = NA), class = "paymentsim_type")
  expect_error(sim_timeseries(sim, page_size = 0), class = "paymentsim_invalid_argument")
  expect_error(sim_timeseries(sim, page_size = -1), class = "paymentsim_type")
  expect_error(sim_indicators(sim, as = "xml"))
  expect_error(sim_indicators(list()), class = "paymentsim_type")
  sim_close(sim)
  expect_error(sim_indicators(sim), class = "paymentsim_closed")
  expect_error(sim_record_timeseries(sim, 5), class = "paymentsim_closed")
  expect_error(sim_timeseries(sim), class = "paymentsim_closed")
})
