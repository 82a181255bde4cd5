# Ticks per second of the seed workload (examples/scenarios/seed_benchmark.yaml: 10 banks,
# Poisson 0.5 per bank per tick) through R: a sim_tick() loop (one parsed tick result per
# tick) and sim_run(). Reports, asserts nothing. Run from the repository root (make bench-r).
library(paymentsim)

config <- sim_config_normalize("examples/scenarios/seed_benchmark.yaml")
config$num_days <- 1000 # 100,000 ticks of horizon, so every measurement has room

median_rate <- function(ticks, body, repeats = 5) {
  rates <- vapply(seq_len(repeats), function(i) {
    sim <- sim_new(config)
    elapsed <- system.time(body(sim, ticks))[["elapsed"]]
    sim_close(sim)
    ticks / elapsed
  }, 0)
  stats::median(rates)
}

loop <- median_rate(20000, function(sim, n) for (i in seq_len(n)) sim_tick(sim))
run <- median_rate(100000, function(sim, n) sim_run(sim, n))
config$event_recording <- "off"
loop_off <- median_rate(20000, function(sim, n) for (i in seq_len(n)) sim_tick(sim))
run_off <- median_rate(100000, function(sim, n) sim_run(sim, n))

cat(sprintf("seed workload, median of 5 (libpayment_sim %s, %s):\n",
            paymentsim_version(), R.version.string))
line <- function(what, rate) cat(sprintf("  %-42s %9.0f ticks/s (%5.1f us/tick)\n", what, rate, 1e6 / rate))
line("sim_tick() loop, 20,000 ticks", loop)
line("sim_run(100000)", run)
line("sim_tick() loop, event_recording off", loop_off)
line("sim_run(100000), event_recording off", run_off)
