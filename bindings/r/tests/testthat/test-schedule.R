# Scheduled actions: the forms R accepts, the CLI's outcome for the same outage, all-or-nothing
# failures with the core's paths.

OUTAGE_C <- list(type = "outage", agent = "BANK_C", from_tick = 0, to_tick = 3)

manual_ring <- function() {
  sim <- sim_new(scenario("four_bank_ring_manual.yaml"))
  sim_submit(sim, data.frame(sender = FOUR, receiver = c(FOUR[-1], FOUR[1]), amount = 50000))
  sim
}

test_that("an outage in the manual four-bank ring: the CLI's step-by-step session, byte for byte", {
  cli_path <- cli()
  dir <- tempfile("cli")
  dir.create(dir)
  old <- setwd(dir) # `create` marks the current simulation of its working directory
  on.exit(setwd(old), add = TRUE)
  run_cli <- function(...) expect_equal(system2(cli_path, c(...), stdout = FALSE), 0)
  run_cli("create", "--config", shQuote(scenario("four_bank_ring_manual.yaml")), "--output", "st.json")
  receivers <- c(FOUR[-1], FOUR[1])
  for (i in 1:4) {
    run_cli("submit", "--state", "st.json", "--sender", FOUR[i], "--receiver", receivers[i],
            "--amount", "50000")
  }
  writeLines('scenario_events:\n  - {type: outage, agent: BANK_C, from_tick: 0, to_tick: 3}', "o.yaml")
  run_cli("schedule", "--state", "st.json", "o.yaml")
  run_cli("tick", "--state", "st.json", "3")

  sim <- manual_ring()
  sim_schedule(sim, OUTAGE_C)
  sim_run(sim, 3)
  # The ring cannot close while BANK_C is out: its payment waits in Queue 1, the others in Queue 2.
  agents <- sim_state(sim)$agents
  expect_equal(agents$queue1_size, c(0, 0, 1, 0))
  expect_equal(agents$queue2_size, c(1, 1, 0, 1))
  expect_equal(sim_stats(sim)$settlements, 0)
  expect_identical(sim_snapshot(sim), readChar("st.json", file.size("st.json"), useBytes = TRUE))
  expect_identical(sim_pending_schedule(sim), sim_pending_schedule(sim_restore("st.json")))
  # Once it ends, offsetting settles the whole ring at once.
  expect_equal(sim_tick(sim)$lsm_cycle_releases, 4)
  expect_equal(unname(sim_balance(sim, FOUR)), rep(10000, 4))
})

test_that("an outage scheduled live equals the scenario's scenario_events, run by the CLI", {
  path <- scenario("four_bank_ring.yaml")
  with_events <- tempfile(fileext = ".yaml")
  writeLines(c(readLines(path), "scenario_events:",
               "  - {type: outage, agent: BANK_C, from_tick: 10, to_tick: 60}"), with_events)
  events_file <- tempfile(fileext = ".jsonl")
  expect_equal(system2(cli(), c("run", shQuote(with_events), "--quiet", "--events", events_file),
                       stdout = FALSE), 0)
  sim <- sim_new(path)
  sim_schedule(sim, list(type = "outage", agent = "BANK_C", from_tick = 10, to_tick = 60))
  sim_run(sim, sim_horizon(sim))
  events <- sim_events(sim, as = "json")
  expect_identical(as.vector(events), readLines(events_file, encoding = "UTF-8")[-1])
  expect_true(any(grepl('"type":"outage_started"', events, fixed = TRUE)))
  baseline <- sim_new(path)
  sim_run(baseline, sim_horizon(baseline))
  expect_gt(sim_stats(sim)$queue1_size + sim_stats(sim)$queue2_size + sim_stats(sim)$drops,
            sim_stats(baseline)$queue1_size + sim_stats(baseline)$queue2_size + sim_stats(baseline)$drops)
})

test_that("a list, one action, a data frame, JSON and YAML text and a file give one schedule", {
  actions <- list(OUTAGE_C, list(type = "liquidity", agent = "BANK_A", tick = 5, amount = 700),
                  list(type = "credit_limit", agent = "BANK_A", tick = 4, credit_limit = 2500))
  expected <- sim_pending_schedule(sim_schedule(manual_ring(), actions))
  expect_equal(nrow(expected), 3)
  expect_identical(expected$phase, c("start", "apply", "apply"))
  expect_identical(expected$action.credit_limit, c(NA, 2500L, NA)) # tick 4 applies before tick 5
  frame <- data.frame(type = c("outage", "liquidity", "credit_limit"),
                      agent = c("BANK_C", "BANK_A", "BANK_A"), from_tick = c(0, NA, NA),
                      to_tick = c(3, NA, NA), tick = c(NA, 5, 4), amount = c(NA, 700, NA))
  frame$credit_limit <- list(NULL, NULL, 2500) # a list column works too (NULL: no such field)
  json <- as.character(jsonlite::toJSON(list(scenario_events = actions), auto_unbox = TRUE))
  yaml <- paste("- {type: outage, agent: BANK_C, from_tick: 0, to_tick: 3}",
                "- {type: liquidity, agent: BANK_A, tick: 5, amount: 700}",
                "- {type: credit_limit, agent: BANK_A, tick: 4, credit_limit: 2500}",
                sep = "\n")
  file <- tempfile(fileext = ".yaml")
  writeLines(yaml, file)
  for (form in list(frame, json, yaml, file, list(scenario_events = actions))) {
    expect_identical(sim_pending_schedule(sim_schedule(manual_ring(), form)), expected)
  }
  one <- sim_schedule(manual_ring(), OUTAGE_C)
  pending_one <- sim_pending_schedule(one)
  expect_identical(pending_one, expected[1, names(pending_one)])
  # Nothing pending: an empty frame; an empty list of actions schedules nothing.
  empty <- sim_schedule(manual_ring(), list())
  expect_equal(nrow(sim_pending_schedule(empty)), 0)
  # The schedule is in the snapshot.
  expect_identical(sim_pending_schedule(sim_restore(sim_snapshot(one))), sim_pending_schedule(one))
})

test_that("a rejected schedule is a condition with every problem's path, and changes nothing", {
  sim <- manual_ring()
  sim_schedule(sim, OUTAGE_C)
  before <- sim_snapshot(sim)
  bad <- data.frame(type = c("liquidity", "outage"), agent = c("BANK_A", "BANK_Z"),
                    tick = c(2, NA), amount = c(100, NA), from_tick = c(NA, 1), to_tick = c(NA, 4))
  e <- expect_error(sim_schedule(sim, bad), class = "paymentsim_invalid_config")
  expect_identical(e$status, "PSIM_STATUS_INVALID_CONFIG")
  expect_true("scenario_events[1].agent" %in% e$problems$path)
  expect_match(e$problems$message[e$problems$path == "scenario_events[1].agent"], "BANK_Z")
  expect_identical(sim_snapshot(sim), before)
  sim_run(sim, 4)
  e <- expect_error(sim_schedule(sim, list(type = "liquidity", agent = "BANK_A", tick = 2, amount = 5)),
                    class = "paymentsim_invalid_config")
  expect_identical(e$problems$path, "scenario_events[0].tick")
  e <- expect_error(sim_schedule(sim, list(list(type = "liquidity", agent = "BANK_A", tick = 9,
                                                amount = "much"))),
                    class = "paymentsim_invalid_config")
  expect_match(e$problems$path[[1]], "^scenario_events\\[0\\]")
  e <- expect_error(sim_schedule(sim, "{not json"), class = "paymentsim_invalid_json")
  expect_error(sim_schedule(sim, "no_such_actions_file.yaml"), class = "paymentsim_file")
  expect_error(sim_schedule(sim, 42), class = "paymentsim_type")
  expect_error(sim_schedule(sim, NA_character_), class = "paymentsim_type")
  e <- expect_error(sim_schedule(sim, list(list(type = "liquidity", agent = "BANK_A", tick = 9,
                                                amount = NaN))), class = "paymentsim_type")
  expect_identical(e$problems$path, "scenario_events[0].amount")
  expect_error(sim_schedule("sim", list(OUTAGE_C)), class = "paymentsim_type")
  expect_error(sim_pending_schedule(NULL), class = "paymentsim_type")
  sim_run(sim, 6)
  expect_error(sim_schedule(sim, list(type = "lsm", tick = 10, multilateral = FALSE)),
               class = "paymentsim_error")
  sim_close(sim)
  expect_error(sim_schedule(sim, list(OUTAGE_C)), class = "paymentsim_closed")
  expect_error(sim_pending_schedule(sim), class = "paymentsim_closed")
})
