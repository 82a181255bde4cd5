# Run the package's testthat suite against the installed package (make test-r) and end with
# one line "paymentsim: N passed, N failed, N skipped"; exit 1 if any test failed. An argument
# selects test files by a regular expression on their names (make valgrind-r).
library(testthat)
library(paymentsim)

filter <- commandArgs(trailingOnly = TRUE)
filter <- if (length(filter) > 0L) filter[[1]] else NULL
results <- as.data.frame(test_dir("tests/testthat", filter = filter, reporter = "summary",
                                  stop_on_failure = FALSE))
failed <- sum(results$failed > 0 | results$error)
skipped <- sum(results$skipped & !(results$failed > 0 | results$error))
passed <- nrow(results) - failed - skipped
cat(sprintf("paymentsim: %d passed, %d failed, %d skipped\n", passed, failed, skipped))
if (failed > 0) quit(status = 1)
