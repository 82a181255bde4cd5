# 1,000 create/run/free cycles do not grow the process: handles freed by sim_close and by the
# garbage collector, and the strings the library returns, are all released.

cycle <- function(config, close) {
  sim <- sim_new(config)
  sim_run(sim, 50)
  sim_submit(sim, sender = "BANK_A", receiver = "BANK_B", amount = 1000)
  sim_tick(sim)
  sim_state(sim)
  sim_events(sim, as = "json")
  try(sim_balance(sim, "BANK_Z"), silent = TRUE)
  if (close) sim_close(sim)
}

growth_kib <- function(config, close, cycles = 1000) {
  for (i in 1:100) cycle(config, close) # warm up R's own caches and allocator
  invisible(gc())
  before <- rss_kib()
  for (i in seq_len(cycles)) cycle(config, close)
  invisible(gc())
  rss_kib() - before
}

test_that("1,000 cycles closed with sim_close do not grow the process", {
  config <- sim_config_normalize(scenario("seed_benchmark.yaml"))
  # One cycle holds ≈ 250 events and its documents: a leak of one simulation per cycle would
  # grow the process by far more than 1,000 × 100 KiB.
  growth <- growth_kib(config, close = TRUE)
  expect_lt(growth, 16 * 1024)
})

test_that("1,000 cycles left to the garbage collector do not grow the process", {
  config <- sim_config_normalize(scenario("seed_benchmark.yaml"))
  growth <- growth_kib(config, close = FALSE)
  expect_lt(growth, 16 * 1024)
})
