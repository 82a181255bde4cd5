# The stress tester: the CLI's report byte for byte, its ranking, inputs as files, text or
# lists, and bad input.

STRESS <- function() file.path(repo_root(), "examples", "stress", "outage_each.yaml")

test_that("stress on the four-bank ring gives the CLI's report and ranking", {
  path <- scenario("four_bank_ring.yaml")
  out <- system2(cli(), c("--format", "json", "stress", shQuote(path), "--stress", shQuote(STRESS())),
                 stdout = TRUE)
  cli_text <- paste(out, collapse = "\n")
  expect_identical(stress_run(path, STRESS(), as = "json"), cli_text)
  report <- stress_run(path, STRESS(), threads = 2)
  expect_identical(report, jsonlite::fromJSON(cli_text, flatten = TRUE))
  ranking <- stress_ranking(report)
  cli_rankings <- jsonlite::parse_json(cli_text)$rankings
  expect_identical(ranking$participant,
                   unlist(lapply(cli_rankings, function(r) vapply(r$entries, `[[`, "", "participant"))))
  expect_identical(ranking$damage,
                   unlist(lapply(cli_rankings, function(r) vapply(r$entries, function(e) e$damage, 0L))))
  outage <- ranking[ranking$type == "outage", ]
  expect_setequal(outage$participant, FOUR)
  expect_identical(outage$rank, 1:4)
  expect_true(all(diff(outage$damage) <= 0))
  expect_equal(nrow(ranking[ranking$type == "liquidity_withdrawal", ]), 2)
  expect_equal(nrow(report$variants), 6)
  expect_identical(stress_ranking(stress_run(path, STRESS(), as = "json")), ranking)
})

test_that("the same report from lists and text, on any number of threads", {
  path <- scenario("four_bank_ring.yaml")
  expected <- stress_run(path, STRESS(), threads = 1, as = "json")
  config <- sim_config_normalize(path)
  definition <- list(scenarios = list(
    list(type = "outage", participants = "all", from_tick = 10, to_tick = 60),
    list(type = "liquidity_withdrawal", participants = list(largest = 2), percent = 50, tick = 20)))
  expect_identical(stress_run(config, definition, threads = 3, as = "json"), expected)
  expect_identical(stress_run(paste(readLines(path), collapse = "\n"),
                              paste(readLines(STRESS()), collapse = "\n"), as = "json"), expected)
  # A list of participants, and progress on the console.
  one <- list(scenarios = list(list(type = "outage", participants = list("BANK_B"),
                                    from_tick = 0, to_tick = 100)))
  console <- capture.output(report <- stress_run(path, one, progress = TRUE), type = "message")
  expect_match(paste(console, collapse = "\n"), "stress: 2 of 2 runs")
  expect_identical(report$variants$participant, "BANK_B")
  expect_identical(stress_ranking(report)$participant, "BANK_B")
})

test_that("bad stress input: the core's problems with their paths, or the glue's type errors", {
  path <- scenario("four_bank_ring.yaml")
  unknown <- list(scenarios = list(list(type = "outage", participants = list("BANK_Z"),
                                        from_tick = 0, to_tick = 10)))
  e <- expect_error(stress_run(path, unknown), class = "paymentsim_invalid_config")
  expect_match(e$problems$path[[1]], "^scenarios\\[0\\]\\.participants")
  expect_match(conditionMessage(e), "BANK_Z")
  e <- expect_error(stress_run(path, list(scenarios = list(list(type = "meteor", participants = "all")))),
                    class = "paymentsim_invalid_config")
  expect_match(e$problems$path[[1]], "^scenarios\\[0\\]")
  wrong <- list(scenarios = list(list(type = "outage", participants = "all", from_tick = "ten",
                                      to_tick = 10)))
  e <- expect_error(stress_run(path, wrong), class = "paymentsim_error")
  expect_match(e$problems$path[[1]], "^scenarios\\[0\\]")
  e <- expect_error(stress_run(path, list(scenarios = list(list(type = "outage", participants = "all",
                                                                from_tick = Inf, to_tick = 10)))),
                    class = "paymentsim_type")
  expect_identical(e$problems$path, "scenarios[0].from_tick")
  expect_error(stress_run(path, "{scenarios: [oops"), class = "paymentsim_invalid_json")
  expect_error(stress_run(path, "no_such_stress.yaml"), class = "paymentsim_file")
  expect_error(stress_run(path, 42), class = "paymentsim_type")
  expect_error(stress_run(42, STRESS()), class = "paymentsim_type")
  bad_config <- list(simulation = list(ticks_per_day = 0, num_days = 1, seed = 1), agents = list())
  e <- expect_error(stress_run(bad_config, STRESS()), class = "paymentsim_invalid_config")
  expect_true("simulation.ticks_per_day" %in% e$problems$path)
  expect_error(stress_run(path, STRESS(), threads = -1), class = "paymentsim_type")
  expect_error(stress_run(path, STRESS(), threads = "2"), class = "paymentsim_type")
  expect_error(stress_run(path, STRESS(), threads = 2^40), class = "paymentsim_type")
  expect_error(stress_run(path, STRESS(), progress = NA), class = "paymentsim_type")
  expect_error(stress_ranking(list(horizon = 1)), class = "paymentsim_type")
})
