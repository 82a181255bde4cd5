# Shared setup. Scenario files and the CLI come from the repository checkout: PAYMENT_SIM_HOME
# (set by `make test-r`), else a parent of the working directory. Outside a checkout those
# tests skip, unless CI or PSIM_REQUIRE_NATIVE is set: then a missing checkout fails the run.

required <- function() {
  any(!Sys.getenv(c("CI", "PSIM_REQUIRE_NATIVE")) %in% c("", "0", "false"))
}

repo_root <- function() {
  candidates <- Sys.getenv("PAYMENT_SIM_HOME")
  dir <- normalizePath(getwd())
  while (!identical(dirname(dir), dir)) {
    candidates <- c(candidates, dir)
    dir <- dirname(dir)
  }
  for (root in candidates[candidates != ""]) {
    if (file.exists(file.path(root, "examples", "scenarios", "four_bank_ring.yaml"))) return(root)
  }
  if (required()) stop("the payment-sim checkout was not found: set PAYMENT_SIM_HOME")
  testthat::skip("not in a payment-sim checkout (set PAYMENT_SIM_HOME)")
}

scenario <- function(name) file.path(repo_root(), "examples", "scenarios", name)

cli <- function() {
  path <- Sys.getenv("PSIM_CLI", file.path(repo_root(), "target", "release", "payment-sim"))
  if (!file.exists(path)) {
    if (required()) stop("the payment-sim CLI was not found: build it or set PSIM_CLI")
    testthat::skip("the payment-sim CLI was not found")
  }
  path
}

# The seed's configurations (bindings/python/tests/ffi), as R lists.
two_agent_config <- function(seed = 12345, arrivals = FALSE) {
  agent_b <- list(id = "BANK_B", opening_balance = 2000000, credit_limit = 0, policy = list(type = "Fifo"))
  agent_a <- list(id = "BANK_A", opening_balance = 1000000, credit_limit = 500000, policy = list(type = "Fifo"))
  if (arrivals) {
    agent_a$arrival_config <- list(
      rate_per_tick = 0.5,
      distribution = list(type = "Normal", mean = 100000, std_dev = 20000),
      counterparty_weights = list(BANK_B = 1.0)
    )
  }
  list(ticks_per_day = 100, num_days = 1, rng_seed = seed, agent_configs = list(agent_a, agent_b))
}

# Each bank pays the next one `amount`, the last pays the first; submitted before tick 0.
ring <- function(banks, balance, amount = 50000, lsm = TRUE) {
  config <- list(
    ticks_per_day = 100, num_days = 1, rng_seed = 54321,
    agent_configs = lapply(banks, function(id) {
      list(id = id, opening_balance = balance, credit_limit = 0, policy = list(type = "Fifo"))
    }),
    lsm = list(bilateral = lsm, multilateral = lsm)
  )
  sim <- sim_new(config)
  receivers <- c(banks[-1], banks[1])
  sim_submit(sim, data.frame(sender = banks, receiver = receivers, amount = amount,
                             deadline_offset = 50, priority = 5))
  sim
}

FOUR <- c("BANK_A", "BANK_B", "BANK_C", "BANK_D")
THREE <- c("BANK_A", "BANK_B", "BANK_C")

# The resident set size of this R process in KiB (Linux).
rss_kib <- function() {
  line <- grep("^VmRSS:", readLines("/proc/self/status"), value = TRUE)
  as.numeric(gsub("[^0-9]", "", line))
}
