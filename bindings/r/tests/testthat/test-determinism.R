# The seed's tests/ffi/test_determinism.py, and the same event stream as the CLI, byte for byte.

test_that("the same seed gives the same results", {
  a <- sim_new(two_agent_config(seed = 12345, arrivals = TRUE))
  b <- sim_new(two_agent_config(seed = 12345, arrivals = TRUE))
  results_a <- lapply(1:50, function(i) sim_tick(a))
  results_b <- lapply(1:50, function(i) sim_tick(b))
  expect_identical(results_a, results_b)
  expect_identical(sim_events(a, as = "json"), sim_events(b, as = "json"))
})

test_that("different seeds give different results", {
  a <- sim_new(two_agent_config(seed = 12345, arrivals = TRUE))
  b <- sim_new(two_agent_config(seed = 54321, arrivals = TRUE))
  expect_false(identical(lapply(1:50, function(i) sim_tick(a)), lapply(1:50, function(i) sim_tick(b))))
})

# Every shipped scenario: R ticks it through the C library; the CLI runs it in Rust and writes
# its events file (a header line, then one event per line). Same lines, byte for byte.
# The scale scenarios (1,000–6,000 participants) are compared over their first 20 ticks.
scale_scenarios <- c("chaps_day.yaml", "fedwire_day.yaml", "t2_day.yaml", "t2_year.yaml")
shipped_scenarios <- c("four_bank_ring.yaml", "four_bank_ring_manual.yaml",
                       "liquidity_aware_split.yaml", "liquidity_from_bounds.yaml",
                       "outage_and_shock.yaml", "policy_files.yaml", "policy_trees.yaml",
                       "scarce_liquidity.yaml",
                       "scarce_liquidity_no_lsm.yaml", "seed_benchmark.yaml",
                       "seed_benchmark_100.yaml", "t2_rules.yaml", "two_bank_exchange.yaml",
                       scale_scenarios)
for (name in shipped_scenarios) {
  test_that(paste("the CLI's event stream and state:", name), {
    path <- scenario(name)
    sim <- sim_new(path)
    ticks <- min(if (name %in% scale_scenarios) 20 else 120, sim_horizon(sim))
    events_file <- tempfile(fileext = ".jsonl")
    state_file <- tempfile(fileext = ".json")
    status <- system2(cli(), c("run", shQuote(path), "--quiet", "--ticks", ticks,
                               "--events", events_file, "--save-state", state_file), stdout = FALSE)
    expect_equal(status, 0)
    cli_lines <- readLines(events_file, encoding = "UTF-8")[-1]
    settled <- sum(vapply(seq_len(ticks), function(i) sim_tick(sim)$num_settlements, 0))
    r_lines <- sim_events(sim, as = "json")
    expect_identical(as.vector(r_lines), cli_lines)
    expect_equal(settled, sim_stats(sim)$settlements)
    expect_identical(sim_state(sim_restore(state_file)), sim_state(sim))
    expect_identical(sim_stats(sim_restore(state_file)), sim_stats(sim))
  })
}

test_that("the scenario list checked above is every shipped scenario", {
  shipped <- basename(Sys.glob(file.path(repo_root(), "examples", "scenarios", "*.yaml")))
  expect_setequal(shipped, shipped_scenarios)
})

test_that("statistics equal the CLI's", {
  path <- scenario("scarce_liquidity.yaml")
  out <- system2(cli(), c("--format", "json", "run", shQuote(path), "--ticks", "80"), stdout = TRUE)
  sim <- sim_new(path)
  sim_run(sim, 80)
  expect_identical(sim_stats(sim), jsonlite::fromJSON(paste(out, collapse = "\n"),
                                                      simplifyVector = TRUE, flatten = TRUE)$statistics)
})
