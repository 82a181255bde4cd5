# Runs fed from a payment file: the CLI's results byte for byte, slices equal to one run, the
# core's problems for a bad file with nothing changed.

PAYMENTS <- function() file.path(repo_root(), "examples", "payments", "payments.csv")
FED <- function() file.path(repo_root(), "examples", "payments", "scenario.yaml")

file_bytes <- function(path) readBin(path, "raw", file.size(path))

test_that("a payment file's results: the CLI's file byte for byte, read back as a data frame", {
  cli_path <- cli()
  dir <- tempfile("fed")
  dir.create(dir)
  expected <- file.path(dir, "cli.csv")
  status <- system2(cli_path, c("run", shQuote(FED()), "--payments", shQuote(PAYMENTS()),
                                "--business-day", "07:00-18:00", "--results", shQuote(expected)),
                    stdout = FALSE)
  expect_equal(status, 0)

  sim <- sim_new(FED())
  run <- sim_run_payments(sim, PAYMENTS(), results = file.path(dir, "r.csv"),
                          business_day = "07:00-18:00")
  expect_s3_class(run, "paymentsim_payment_run")
  expect_false(run$suspended)
  expect_equal(run$summary$payments, 7)
  expect_identical(file_bytes(run$results_path), file_bytes(expected))

  results <- payment_results(run)
  expect_equal(nrow(results), 7)
  expect_type(results$id, "character")
  expect_equal(results$id[1:3], c("PAY-001", "PAY-002", "PAY-003"))
  expect_equal(results$status, c(rep("settled", 5), rep("unsettled", 2)))
  expect_equal(results$amount[results$id == "PAY-003"], 12000)
  expect_true(is.na(results$settlement_tick[7]))
  expect_output(print(run), "finished; 7 payments, 7 results written")
})

test_that("slices of a run write what one run writes, with a restore in between", {
  whole <- sim_run_payments(sim_new(FED()), PAYMENTS(), business_day = "07:00-18:00",
                            results = tempfile(fileext = ".jsonl"))
  sim <- sim_new(FED())
  first <- sim_run_payments(sim, PAYMENTS(), business_day = "07:00-18:00", ticks = 5,
                            results = tempfile(fileext = ".jsonl"))
  expect_true(first$suspended)
  expect_equal(sim_current_tick(sim), 5)
  # A suspended fed run refuses plain ticks: the rest of the file would never be read.
  expect_error(sim_tick(sim), class = "paymentsim_error")
  restored <- sim_restore(sim_snapshot(sim))
  sim_close(sim)
  second <- sim_continue_payments(restored, ticks = 10)
  expect_true(second$suspended)
  last <- sim_continue_payments(restored)
  expect_false(last$suspended)
  expect_identical(last$results_path, first$results_path)
  expect_identical(file_bytes(last$results_path), file_bytes(whole$results_path))
  expect_equal(payment_results(last), payment_results(whole))
  expect_equal(nrow(payment_results(last)), 7)
})

test_that("a bad file: the core's problems with file, line and column; nothing changed", {
  bad <- tempfile(fileext = ".csv")
  writeLines(c("id,time,sender,receiver,amount",
               "P1,2026-03-02 07:05,BANK_A,BANK_B,100",
               "P2,2026-03-02 07:10,BANK_A,BANK_Z,-5"), bad)
  sim <- sim_new(FED())
  earlier <- tempfile(fileext = ".csv")
  writeLines("an earlier run's results", earlier)
  err <- expect_error(sim_run_payments(sim, bad, results = earlier, business_day = "07:00-18:00",
                                       name = "bad.csv"),
                      class = "paymentsim_invalid_config")
  expect_true(any(grepl("^bad.csv:3:", err$problems$path)))
  expect_identical(readLines(earlier), "an earlier run's results") # nothing lost
  expect_equal(sim_current_tick(sim), 0)
  expect_equal(sim_stats(sim)$arrivals, 0)
  # The same simulation then runs a good file.
  run <- sim_run_payments(sim, PAYMENTS(), business_day = "07:00-18:00")
  expect_equal(run$summary$payments, 7)
})

test_that("options are the core's: an unknown one is refused by name; columns map headers", {
  sim <- sim_new(FED())
  err <- expect_error(sim_run_payments(sim, PAYMENTS(), business_dayz = "07:00-18:00"),
                      class = "paymentsim_invalid_config")
  expect_match(conditionMessage(err), "business_dayz")
  renamed <- tempfile(fileext = ".csv")
  lines <- readLines(PAYMENTS())
  lines[1] <- sub("^id,", "PaymentID,", lines[1])
  writeLines(lines, renamed)
  run <- sim_run_payments(sim, renamed, business_day = "07:00-18:00",
                          columns = c(id = "PaymentID"))
  expect_equal(payment_results(run)$id[1], "PAY-001")
})

test_that("wrong arguments are R errors; continuing needs a suspended run", {
  sim <- sim_new(FED())
  expect_error(sim_run_payments(sim, 42), class = "paymentsim_type")
  expect_error(sim_run_payments(sim, PAYMENTS(), "07:00-18:00"), class = "paymentsim_error")
  expect_error(sim_run_payments(sim, file.path(tempdir(), "missing.csv")),
               class = "paymentsim_invalid_argument")
  expect_error(sim_continue_payments(sim), class = "paymentsim_invalid_argument")
  expect_error(payment_results(list()), class = "paymentsim_type")
  expect_equal(sim_current_tick(sim), 0)
})
