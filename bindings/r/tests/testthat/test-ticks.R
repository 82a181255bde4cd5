# The seed's tests/ffi/test_tick_execution.py, and runs.

minimal_config <- function() {
  list(ticks_per_day = 100, num_days = 1, rng_seed = 12345, agent_configs = list(
    list(id = "BANK_A", opening_balance = 1000000, credit_limit = 0, policy = list(type = "Fifo"))
  ))
}

test_that("a tick returns its result", {
  sim <- sim_new(minimal_config())
  result <- sim_tick(sim)
  expect_true(all(c("tick", "num_arrivals", "num_settlements") %in% names(result)))
  expect_equal(result$tick, 0)
  expect_false(result$end_of_day)
})

test_that("ticks run in sequence", {
  sim <- sim_new(minimal_config())
  ticks <- vapply(1:10, function(i) sim_tick(sim)$tick, 0)
  expect_equal(ticks, 0:9)
  expect_equal(sim_current_tick(sim), 10)
})

test_that("sim_run sums the ticks that the same simulation runs one by one", {
  by_tick <- sim_new(two_agent_config(arrivals = TRUE))
  results <- lapply(1:25, function(i) sim_tick(by_tick))
  in_one <- sim_new(two_agent_config(arrivals = TRUE))
  summary <- sim_run(in_one, 25)
  expect_equal(summary$ticks_run, 25)
  expect_equal(summary$num_arrivals, sum(vapply(results, function(r) r$num_arrivals, 0)))
  expect_equal(summary$num_settlements, sum(vapply(results, function(r) r$num_settlements, 0)))
  expect_identical(summary$last, results[[25]])
  expect_identical(sim_state(in_one), sim_state(by_tick))
})

test_that("the last tick ends the day and the horizon", {
  sim <- sim_new(minimal_config())
  sim_run(sim, 99)
  expect_true(sim_tick(sim)$end_of_day)
  expect_equal(sim_current_day(sim), 1)
  expect_error(sim_tick(sim), class = "paymentsim_simulation_finished")
})
