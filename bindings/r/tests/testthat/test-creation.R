# The seed's tests/ffi/test_orchestrator_creation.py, and every form of configuration.

test_that("a minimal configuration creates a simulation", {
  sim <- sim_new(two_agent_config())
  expect_s3_class(sim, "paymentsim_sim")
  expect_true(sim_is_open(sim))
  expect_equal(sim_current_tick(sim), 0)
  expect_equal(sim_horizon(sim), 100)
  expect_output(print(sim), "tick 0 of 100")
  sim_close(sim)
  expect_false(sim_is_open(sim))
  expect_output(print(sim), "closed")
})

test_that("an invalid configuration raises the core's error", {
  expect_error(
    sim_new(list(ticks_per_day = 0, num_days = 1, rng_seed = 123, agent_configs = list())),
    "ticks_per_day must be positive", class = "paymentsim_invalid_config"
  )
})

test_that("R numbers reach the core as the integers and floats they are", {
  config <- list(
    ticks_per_day = 100L, num_days = 1, rng_seed = 12345,
    agent_configs = list(list(
      id = "BANK_A", opening_balance = 1e6, credit_limit = 5e5,
      policy = list(type = "LiquidityAware", target_buffer = 200000, urgency_threshold = 5)
    ))
  )
  sim <- sim_new(config)
  expect_equal(sim_balance(sim, "BANK_A"), 1000000)
  normalized <- sim_config_normalize(config)
  expect_identical(normalized$agent_configs[[1]]$opening_balance, 1000000L)
  expect_identical(normalized$agent_configs[[1]]$policy$type, "LiquidityAware")
})

test_that("a file, YAML text, JSON text, a scenario-format list and a normalised list agree", {
  path <- scenario("four_bank_ring.yaml")
  text <- paste(readLines(path, encoding = "UTF-8"), collapse = "\n")
  machine <- sim_config_normalize(path, parse = FALSE)
  sims <- list(
    file = sim_new(path),
    yaml = sim_new(text),
    json = sim_new(machine),
    list = sim_new(sim_config_normalize(path)),
    raw_bytes = sim_new(readBin(path, "raw", file.size(path)))
  )
  runs <- lapply(sims, function(sim) {
    sim_run(sim, 30)
    sim_events(sim, as = "json")
  })
  for (name in names(runs)[-1]) expect_identical(runs[[name]], runs$file, label = name)
})

test_that("the scenario format written as an R list is read by the core", {
  sim <- sim_new(list(
    simulation = list(ticks_per_day = 10, num_days = 1, seed = 7),
    agents = list(list(id = "A", balance = 100, policy = list(type = "Fifo")),
                  list(id = "B", balance = 50, policy = list(type = "Fifo")))
  ))
  expect_equal(sim_agent_ids(sim), c("A", "B"))
  expect_equal(sim_balance(sim, c("A", "B")), c(A = 100, B = 50))
})

test_that("sim_restore continues exactly where sim_snapshot left off", {
  sim <- sim_new(scenario("scarce_liquidity.yaml"))
  sim_run(sim, 40)
  snapshot <- sim_snapshot(sim)
  expect_type(snapshot, "character")
  copy <- sim_restore(snapshot)
  expect_identical(sim_state(copy), sim_state(sim))
  expect_identical(sim_run(copy, 30), sim_run(sim, 30))
  expect_identical(sim_events(copy, as = "json"), sim_events(sim, as = "json"))
  file <- tempfile(fileext = ".json")
  writeLines(sim_snapshot(sim), file)
  expect_identical(sim_stats(sim_restore(file)), sim_stats(sim))
})
