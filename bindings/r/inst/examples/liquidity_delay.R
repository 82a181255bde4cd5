# The liquidity–delay trade-off: scale every bank's opening balance and watch settlement delay
# and the settlement rate, with and without the liquidity-saving mechanisms (LSM).
#
#   source(system.file("examples", "liquidity_delay.R", package = "paymentsim"))
#   sweep <- liquidity_sweep("examples/scenarios/scarce_liquidity.yaml", c(0.25, 0.5, 1, 2, 4, 8))
#   plot_liquidity_delay(sweep)

# One full run per (LSM on/off, multiplier): the scenario's machine form (sim_config_normalize,
# every default filled in) with the opening balances scaled.
liquidity_sweep <- function(scenario, multipliers, lsm = c(TRUE, FALSE)) {
  base <- paymentsim::sim_config_normalize(scenario)
  rows <- list()
  for (on in lsm) {
    for (m in multipliers) {
      config <- base
      config$agent_configs <- lapply(config$agent_configs, function(agent) {
        agent$opening_balance <- round(agent$opening_balance * m)
        agent
      })
      config$lsm$bilateral <- on
      config$lsm$multilateral <- on
      sim <- paymentsim::sim_new(config)
      paymentsim::sim_run(sim, paymentsim::sim_horizon(sim))
      stats <- paymentsim::sim_stats(sim)
      paymentsim::sim_close(sim)
      rows[[length(rows) + 1L]] <- data.frame(
        lsm = on,
        multiplier = m,
        liquidity = sum(vapply(config$agent_configs, function(a) a$opening_balance, 0)) / 100,
        # The mean delay is over settled payments: with none settled there is none to show.
        mean_delay = if (stats$settlements > 0) stats$delay$mean_ticks else NA_real_,
        settlement_rate = stats$settlement_rate_value,
        lsm_share = stats$lsm_share
      )
    }
  }
  do.call(rbind, rows)
}

# Two panels in base graphics: mean delay and value settled against total opening liquidity.
plot_liquidity_delay <- function(sweep) {
  old <- graphics::par(mfrow = c(1, 2), mar = c(4.5, 4.5, 2.5, 1))
  on.exit(graphics::par(old))
  styles <- list(`TRUE` = list(col = "#1b6ca8", pch = 19, label = "LSM on"),
                 `FALSE` = list(col = "#c0392b", pch = 17, label = "LSM off"))
  panel <- function(column, ylab, main) {
    graphics::plot(sweep$liquidity, sweep[[column]], type = "n", log = "x",
                   xlab = "total opening liquidity (currency units, log scale)", ylab = ylab, main = main)
    for (on in names(styles)) {
      part <- sweep[sweep$lsm == as.logical(on), ]
      part <- part[order(part$liquidity), ]
      graphics::lines(part$liquidity, part[[column]], type = "b", col = styles[[on]]$col,
                      pch = styles[[on]]$pch, lwd = 2)
    }
    graphics::grid()
  }
  panel("mean_delay", "mean settlement delay (ticks)", "Delay")
  graphics::legend("topright", legend = vapply(styles, `[[`, "", "label"),
                   col = vapply(styles, `[[`, "", "col"), pch = c(19, 17), lwd = 2, bty = "n")
  panel("settlement_rate", "share of value settled", "Settlement")
}
