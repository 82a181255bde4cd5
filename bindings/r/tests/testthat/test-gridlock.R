# The seed's tests/integration/test_e2e_two_bank.py (its consistent forms) and the shipped
# gridlock rings.

test_that("two banks exchange payments and conserve balances", {
  config <- two_agent_config(arrivals = TRUE)
  config$agent_configs[[1]]$arrival_config$rate_per_tick <- 0.2
  config$agent_configs[[2]]$arrival_config <- list(
    rate_per_tick = 0.2, distribution = list(type = "Normal", mean = 100000, std_dev = 20000),
    counterparty_weights = list(BANK_A = 1.0)
  )
  sim <- sim_new(config)
  results <- lapply(1:100, function(i) sim_tick(sim))
  arrivals <- sum(vapply(results, function(r) r$num_arrivals, 0))
  settlements <- sum(vapply(results, function(r) r$num_settlements, 0))
  expect_gt(arrivals, 0)
  expect_gt(settlements, 0)
  expect_lte(settlements, arrivals)
  expect_equal(sum(sim_balance(sim, c("BANK_A", "BANK_B"))), 3000000)
})

test_that("the LSM resolves a four-bank ring no sender can fund alone", {
  sim <- ring(FOUR, balance = 10000)
  result <- sim_tick(sim)
  expect_equal(result$num_arrivals, 4)
  expect_equal(result$num_settlements, 4)
  expect_equal(result$lsm_cycle_releases, 4)
  expect_equal(result$queue2_size, 0)
  expect_equal(unname(sim_balance(sim, FOUR)), rep(10000, 4))
})

test_that("with ample liquidity the ring settles gross", {
  sim <- ring(FOUR, balance = 100000)
  result <- sim_tick(sim)
  expect_equal(result$num_settlements, 4)
  expect_equal(result$lsm_cycle_releases, 0)
  expect_equal(result$lsm_bilateral_releases, 0)
  expect_equal(unname(sim_balance(sim, FOUR)), rep(100000, 4))
})

test_that("without the LSM a three-bank ring gridlocks in Queue 2", {
  sim <- ring(THREE, balance = 10000, lsm = FALSE)
  result <- sim_tick(sim)
  expect_equal(result$num_settlements, 0)
  expect_equal(result$queue2_size, 3)
  expect_equal(result$lsm_cycle_releases, 0)
  expect_equal(unname(sim_balance(sim, THREE)), rep(10000, 3))
})

test_that("with the LSM the same ring resolves within the tick", {
  sim <- ring(THREE, balance = 10000, lsm = TRUE)
  result <- sim_tick(sim)
  expect_equal(result$num_settlements, 3)
  expect_equal(result$lsm_cycle_releases, 3)
  expect_equal(result$queue2_size, 0)
})

test_that("four_bank_ring_manual.yaml: the seed's ring submitted by hand", {
  sim <- sim_new(scenario("four_bank_ring_manual.yaml"))
  balances <- sim_balance(sim, FOUR)
  sim_submit(sim, data.frame(sender = FOUR, receiver = c(FOUR[-1], FOUR[1]), amount = 50000))
  result <- sim_tick(sim)
  expect_equal(result$lsm_cycle_releases, 4)
  expect_equal(sim_balance(sim, FOUR), balances)
  settled <- subset(sim_events(sim), type == "settled")
  expect_equal(settled$mechanism, rep("multilateral", 4))
})

test_that("four_bank_ring.yaml: gridlock resolved by multilateral offsetting over the horizon", {
  sim <- sim_new(scenario("four_bank_ring.yaml"))
  total <- sum(sim_balance(sim, FOUR))
  sim_run(sim, sim_horizon(sim))
  stats <- sim_stats(sim)
  expect_gt(stats$settlements_by_mechanism$multilateral, 0)
  expect_equal(sum(sim_balance(sim, FOUR)), total)
})
