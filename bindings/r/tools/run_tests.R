# Run the package's testthat suite against the installed package (make test-r) and end with
# one line "paymentsim: N passed, N failed, N skipped"; exit 1 if any test failed.
library(testthat)
library(paymentsim)

results <- as.data.frame(test_dir("tests/testthat", reporter = "summary", stop_on_failure = FALSE))
failed <- sum(results$failed > 0 | results$error)
skipped <- sum(results$skipped & !(results$failed > 0 | results$error))
passed <- nrow(results) - failed - skipped
cat(sprintf("paymentsim: %d passed, %d failed, %d skipped\n", passed, failed, skipped))
if (failed > 0) quit(status = 1)
