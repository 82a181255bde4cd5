# Every error path: each library status as its classed condition with the library's message and
# problems; the glue's own errors for what R has and the C API cannot take; nothing crashes and
# a rejected input changes nothing.

expect_problem <- function(cond, path) {
  expect_s3_class(cond$problems, "data.frame")
  expect_true(path %in% cond$problems$path, label = paste(path, "in", toString(cond$problems$path)))
}

test_that("an invalid configuration lists every problem with its path and value", {
  config <- list(
    simulation = list(ticks_per_day = 0, num_days = 1, seed = 1),
    agents = list(list(id = "A", balance = 100, credit_limit = -1, policy = list(type = "Fifo")),
                  list(id = "B", balance = 0, policy = list(type = "Fifo")))
  )
  cond <- expect_error(sim_new(config), class = "paymentsim_invalid_config")
  expect_s3_class(cond, "paymentsim_error")
  expect_equal(cond$status, "PSIM_STATUS_INVALID_CONFIG")
  expect_problem(cond, "simulation.ticks_per_day")
  expect_problem(cond, "agents[0].credit_limit")
  row <- match("agents[0].credit_limit", cond$problems$path)
  expect_equal(cond$problems$value[[row]], -1)
  expect_match(conditionMessage(cond), "ticks_per_day must be positive")
  expect_error(sim_config_normalize(config), class = "paymentsim_invalid_config")
})

test_that("a condition names the user's call of the package, however deep it arose", {
  config <- two_agent_config()
  config$agent_configs[[2]]$opening_balance <- NaN
  expect_identical(conditionCall(tryCatch(sim_new(config), error = identity)), quote(sim_new(config)))
  sim <- sim_new(two_agent_config())
  expect_identical(conditionCall(tryCatch(sim_run(sim, 0), error = identity)), quote(sim_run(sim, 0)))
  expect_identical(conditionCall(tryCatch(paymentsim::sim_balance(sim, "X"), error = identity)),
                   quote(paymentsim::sim_balance(sim, "X")))
  sim_close(sim)
  expect_identical(conditionCall(tryCatch(sim_tick(sim), error = identity)), quote(sim_tick(sim)))
})

test_that("text that is neither JSON nor YAML", {
  cond <- expect_error(sim_new("{\"ticks_per_day\": "), class = "paymentsim_invalid_json")
  expect_equal(cond$status, "PSIM_STATUS_INVALID_JSON")
  expect_error(sim_new("a: [1,\n"), class = "paymentsim_invalid_json")
  expect_error(sim_restore("{not a snapshot"), class = "paymentsim_invalid_json")
})

test_that("a restore from nothing is an error, not a handle", {
  expect_error(sim_restore(""), class = "paymentsim_error")
  expect_error(sim_restore("  \n"), class = "paymentsim_error")
  expect_error(sim_restore("{}"), class = "paymentsim_invalid_config")
  expect_error(sim_restore(raw(0)), class = "paymentsim_error")
  expect_error(sim_restore(NULL), class = "paymentsim_type")
  expect_error(sim_restore(NA_character_), class = "paymentsim_type")
  expect_error(sim_new(""), class = "paymentsim_error")
  expect_error(sim_new("[]"), "mapping", class = "paymentsim_invalid_config")
  expect_error(sim_new("  {\"ticks_per_day\": 0}"), class = "paymentsim_invalid_config")
})

test_that("a snapshot that breaks the rules", {
  cond <- expect_error(sim_restore("{\"schema_version\": 3}"), class = "paymentsim_invalid_config")
  expect_match(cond$problems$path[[1]], "^snapshot")
})

test_that("a file: missing, a directory, bad bytes, bad content named by its path", {
  expect_error(sim_new("no/such/scenario.yaml"), "not found", class = "paymentsim_file")
  expect_error(sim_new(tempdir()), "is a directory", class = "paymentsim_file")
  bad_utf8 <- tempfile(fileext = ".yaml")
  writeBin(as.raw(c(0x61, 0x3a, 0x20, 0xff, 0xfe, 0x0a)), bad_utf8)
  expect_error(sim_new(bad_utf8), class = "paymentsim_invalid_utf8")
  bad <- tempfile(fileext = ".yaml")
  writeLines(c("simulation: {ticks_per_day: 10, num_days: 1, seed: 1}", "agents: []"), bad)
  cond <- expect_error(sim_new(bad), class = "paymentsim_invalid_config")
  expect_equal(cond$file, bad)
  expect_match(conditionMessage(cond), bad, fixed = TRUE)
  nul <- tempfile(fileext = ".yaml")
  writeBin(as.raw(c(0x61, 0x00, 0x62)), nul)
  expect_error(sim_new(nul), "NUL", class = "paymentsim_type")
})

test_that("a configuration that is not a list, a path or text", {
  for (config in list(42, TRUE, NULL, NA_character_, c("a.yaml", "b.yaml"), data.frame(a = 1), sum)) {
    expect_error(sim_new(config), class = "paymentsim_type")
  }
})

test_that("R values JSON cannot hold are refused with their path", {
  config <- two_agent_config()
  config$agent_configs[[2]]$opening_balance <- NaN
  cond <- expect_error(sim_new(config), "NaN", class = "paymentsim_type")
  expect_problem(cond, "agent_configs[1].opening_balance")
  config$agent_configs[[2]]$opening_balance <- Inf
  expect_error(sim_new(config), "Inf", class = "paymentsim_type")
  config$agent_configs[[2]]$opening_balance <- NA
  cond <- expect_error(sim_new(config), class = "paymentsim_invalid_config")
  expect_problem(cond, "agent_configs[1].opening_balance")
  config$agent_configs[[2]]$opening_balance <- 1 + 0i
  expect_error(sim_new(config), "complex", class = "paymentsim_type")
  expect_error(sim_new(list(ticks_per_day = 10, 5)), "named and unnamed", class = "paymentsim_type")
})

test_that("a string where a number belongs is the core's error, with the field", {
  config <- two_agent_config()
  config$ticks_per_day <- "100"
  cond <- expect_error(sim_new(config), class = "paymentsim_invalid_config")
  expect_problem(cond, "ticks_per_day")
})

test_that("bad payments: each the core's (or the glue's) error, and nothing changes", {
  sim <- sim_new(two_agent_config())
  before <- sim_state(sim)
  submit <- function(...) sim_submit(sim, sender = "BANK_A", receiver = "BANK_B", ...)
  expect_problem(expect_error(submit(amount = -5), "positive", class = "paymentsim_invalid_argument"), "amount")
  expect_problem(expect_error(submit(amount = 0), class = "paymentsim_invalid_argument"), "amount")
  expect_problem(expect_error(submit(amount = "100"), class = "paymentsim_invalid_argument"), "amount")
  expect_problem(expect_error(submit(amount = NA), class = "paymentsim_invalid_argument"), "amount")
  expect_problem(expect_error(submit(amount = 1.5), class = "paymentsim_invalid_argument"), "amount")
  expect_problem(expect_error(submit(amount = 2^64), class = "paymentsim_invalid_argument"), "amount")
  expect_error(submit(amount = NaN), "NaN", class = "paymentsim_type")
  expect_error(submit(amount = Inf), "Inf", class = "paymentsim_type")
  expect_error(submit(amount = -Inf), "Inf", class = "paymentsim_type")
  expect_problem(expect_error(submit(amount = 10, priority = 11), class = "paymentsim_invalid_argument"), "priority")
  expect_problem(expect_error(submit(amount = 10, deadline_offset = 0), class = "paymentsim_invalid_argument"), "deadline_offset")
  expect_error(submit(amount = 10, colour = "red"), class = "paymentsim_invalid_argument")
  expect_error(sim_submit(sim, sender = "BANK_A", receiver = "BANK_A", amount = 10),
               class = "paymentsim_invalid_argument")
  expect_error(sim_submit(sim, sender = "BANK_A", receiver = "BANK_Z", amount = 10),
               "BANK_Z", class = "paymentsim_not_found")
  expect_error(sim_submit(sim, sender = "BANK_A", amount = 10), class = "paymentsim_invalid_argument")
  expect_error(sim_submit(sim, 42), class = "paymentsim_type")
  expect_error(sim_submit(sim, list("BANK_A", "BANK_B", 10)), class = "paymentsim_type")
  expect_error(sim_submit(sim, data.frame(sender = "BANK_A"), amount = 1), class = "paymentsim_type")
  expect_identical(sim_state(sim), before)
})

test_that("a batch stops at its first bad payment and says which went in", {
  sim <- sim_new(two_agent_config())
  cond <- expect_error(sim_submit(sim, data.frame(
    sender = c("BANK_A", "BANK_B", "BANK_A"), receiver = c("BANK_B", "BANK_A", "BANK_B"),
    amount = c(100, -1, 300)
  )), "payment 2 of 3", class = "paymentsim_invalid_argument")
  expect_equal(cond$row, 2)
  expect_length(cond$submitted, 1)
  expect_equal(sim_queue1_size(sim, c("BANK_A", "BANK_B")), c(BANK_A = 1, BANK_B = 0))
  payments <- data.frame(sender = "BANK_A", receiver = "BANK_B", amount = 1)
  payments$extra <- list(1)
  expect_error(sim_submit(sim, payments), "list", class = "paymentsim_type")
})

test_that("unknown agents in queries", {
  sim <- sim_new(two_agent_config())
  cond <- expect_error(sim_balance(sim, "BANK_Z"), "BANK_Z", class = "paymentsim_not_found")
  expect_equal(cond$status, "PSIM_STATUS_NOT_FOUND")
  expect_error(sim_queue1_size(sim, "nobody"), class = "paymentsim_not_found")
  expect_error(sim_balance(sim, NA_character_), class = "paymentsim_type")
  expect_error(sim_balance(sim, 1), class = "paymentsim_type")
})

test_that("run lengths: the core's bounds, and R values that are no tick count", {
  sim <- sim_new(two_agent_config())
  cond <- expect_error(sim_run(sim, 0), class = "paymentsim_invalid_argument")
  expect_problem(cond, "ticks")
  expect_error(sim_run(sim, 101), "100 remaining", class = "paymentsim_invalid_argument")
  for (n in list(-1, 1.5, NA, NA_integer_, NaN, Inf, "10", c(1, 2), numeric(), 2^60)) {
    expect_error(sim_run(sim, n), class = "paymentsim_type")
  }
  expect_error(sim_events(sim, from_seq = -1), class = "paymentsim_type")
  expect_error(sim_events(sim, max_events = 0), class = "paymentsim_invalid_argument")
  expect_equal(sim_current_tick(sim), 0)
  sim_run(sim, 100)
  expect_error(sim_run(sim, 1), class = "paymentsim_simulation_finished")
  expect_error(sim_tick(sim), class = "paymentsim_simulation_finished")
  expect_error(sim_submit(sim, sender = "BANK_A", receiver = "BANK_B", amount = 1),
               class = "paymentsim_simulation_finished")
})

test_that("a panic inside the library poisons only its handle", {
  sim <- sim_new(two_agent_config())
  other <- sim_new(two_agent_config())
  cond <- expect_error(.Call(paymentsim:::C_ps_debug_panic, sim), class = "paymentsim_panic")
  expect_equal(cond$status, "PSIM_STATUS_PANIC")
  expect_error(sim_tick(sim), class = "paymentsim_poisoned")
  expect_error(sim_state(sim), class = "paymentsim_poisoned")
  expect_output(print(sim), "poisoned")
  expect_equal(sim_tick(other)$tick, 0)
  sim_close(sim)
})

every_call <- list(
  sim_tick = function(s) sim_tick(s), sim_run = function(s) sim_run(s, 1),
  sim_submit = function(s) sim_submit(s, sender = "BANK_A", receiver = "BANK_B", amount = 1),
  sim_state = sim_state, sim_stats = sim_stats, sim_workload = sim_workload,
  sim_agent_ids = sim_agent_ids, sim_events = sim_events,
  sim_events_json = function(s) sim_events(s, as = "json"),
  sim_events_discard = function(s) sim_events_discard(s, 1),
  sim_balance = function(s) sim_balance(s, "BANK_A"),
  sim_queue1_size = function(s) sim_queue1_size(s, "BANK_A"),
  sim_queue2_size = sim_queue2_size, sim_current_tick = sim_current_tick,
  sim_current_day = sim_current_day, sim_horizon = sim_horizon, sim_snapshot = sim_snapshot
)

test_that("every call on a closed simulation is an R error; closing twice is fine", {
  sim <- sim_new(two_agent_config())
  sim_close(sim)
  sim_close(sim)
  for (name in names(every_call)) {
    expect_error(every_call[[name]](sim), "closed", class = "paymentsim_closed", label = name)
  }
})

test_that("a handle saved and loaded again is closed, not a dangling pointer", {
  file <- tempfile(fileext = ".rds")
  saveRDS(sim_new(two_agent_config()), file)
  reloaded <- readRDS(file)
  expect_false(sim_is_open(reloaded))
  expect_error(sim_tick(reloaded), class = "paymentsim_closed")
  sim_close(reloaded)
})

test_that("anything but a simulation in its place is an R error", {
  for (name in names(every_call)) {
    for (not_sim in list(NULL, 42, "sim", list(), new.env())) {
      expect_error(every_call[[name]](not_sim), class = "paymentsim_type", label = name)
    }
  }
  expect_error(sim_close(42), class = "paymentsim_type")
  expect_false(sim_is_open(42))
})
