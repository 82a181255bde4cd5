# The package's example (inst/examples/liquidity_delay.R, shown in README.md) runs and says
# what the model says: more liquidity settles more, and the LSM settles more when it is scarce.

test_that("the liquidity–delay sweep runs and plots", {
  example <- system.file("examples", "liquidity_delay.R", package = "paymentsim")
  expect_true(file.exists(example))
  env <- new.env()
  sys.source(example, envir = env)
  sweep <- env$liquidity_sweep(scenario("scarce_liquidity.yaml"), c(0.5, 1, 8))
  expect_equal(nrow(sweep), 6)
  expect_equal(sort(unique(sweep$multiplier)), c(0.5, 1, 8))
  for (on in c(TRUE, FALSE)) {
    part <- sweep[sweep$lsm == on, ]
    expect_gte(part$settlement_rate[part$multiplier == 8], part$settlement_rate[part$multiplier == 0.5])
  }
  at_one <- sweep[sweep$multiplier == 1, ]
  expect_gt(at_one$settlement_rate[at_one$lsm], at_one$settlement_rate[!at_one$lsm])
  expect_equal(sweep$lsm_share[!sweep$lsm], c(0, 0, 0))
  expect_true(all(sweep$mean_delay >= 0 | is.na(sweep$mean_delay)))
  png_file <- tempfile(fileext = ".png")
  grDevices::png(png_file, width = 800, height = 400)
  env$plot_liquidity_delay(sweep)
  grDevices::dev.off()
  expect_gt(file.size(png_file), 1000)
})
