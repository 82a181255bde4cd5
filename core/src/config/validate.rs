//! The semantic rules of a configuration (`model.md` § Validation): every problem is
//! reported, not only the first, each with the path of its field and the offending value.
//!
//! Messages start with the path of the field they are about (so the prose alone, as the CLI
//! prints it, still says where); `rule` builds both from one path so they cannot disagree.
//! The work is linear in the document: ids are looked up in one ordered map.

use std::collections::BTreeMap;
use std::fmt::Display;

use super::*;
use crate::error::Problem;

/// A problem whose message is its path followed by `rest`.
pub(super) fn rule(path: String, rest: impl Display) -> Problem {
    let message = format!("{path}{rest}");
    Problem::new(path, message)
}

impl SimulationConfig {
    /// Check every bound of `model.md` § Validation; report every problem found.
    pub fn validate(&self) -> Result<(), SimError> {
        let mut problems = Vec::new();
        let p = &mut problems;
        if self.ticks_per_day <= 0 {
            p.push(
                rule(
                    "ticks_per_day".into(),
                    format_args!(" must be positive (got {})", self.ticks_per_day),
                )
                .with_value(self.ticks_per_day),
            );
        }
        if self.num_days <= 0 {
            p.push(
                rule(
                    "num_days".into(),
                    format_args!(" must be positive (got {})", self.num_days),
                )
                .with_value(self.num_days),
            );
        }
        if self.ticks_per_day > 0
            && self.num_days > 0
            && (self.ticks_per_day as u64)
                .checked_mul(self.num_days as u64)
                .is_none()
        {
            p.push(rule(
                "ticks_per_day".into(),
                format_args!(
                    " × num_days overflows ({} × {})",
                    self.ticks_per_day, self.num_days
                ),
            ));
        }
        if self.agent_configs.is_empty() {
            p.push(rule(
                "agent_configs".into(),
                " must contain at least one agent",
            ));
        }
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        for (i, agent) in self.agent_configs.iter().enumerate() {
            if let Some(first) = seen.insert(agent.id.as_str(), i) {
                p.push(
                    rule(
                        format!("agent_configs[{i}].id"),
                        format_args!(
                            ": duplicate agent id {:?} (first used by agent_configs[{first}])",
                            agent.id
                        ),
                    )
                    .with_value(agent.id.as_str()),
                );
            }
        }
        let mut total_money: i128 = 0;
        for (i, agent) in self.agent_configs.iter().enumerate() {
            validate_agent(i, agent, &seen, p);
            total_money += agent.opening_balance as i128 + agent.credit_limit.max(0) as i128;
        }
        // Every balance stays within [-credit_limit, Σ opening + Σ credit]: if that fits in
        // i64, no settlement can ever overflow a balance.
        if total_money > i64::MAX as i128 {
            p.push(Problem::new(
                "agent_configs",
                format!(
                    "the sum of opening balances and credit limits ({total_money}) exceeds the largest representable amount ({})",
                    i64::MAX
                ),
            ));
        }
        validate_costs(&self.cost_rates, p);
        validate_lsm(&self.lsm, p);
        crate::rules::config::validate(&self.rules, &self.agent_configs, p);
        if let Some(net) = &self.network {
            crate::rules::validate_network_timed(net, p); // `network.timed` (issue 18)
        }
        // Networks, profiles, time-critical shares and the cap on expected arrivals.
        self.validate_traffic(&seen, p);
        // Decision-tree policies: features, types, reachable branches (`crate::policy`).
        if self.ticks_per_day > 0 {
            crate::policy::compile_trees(self, p);
        }
        if !self.scenario_events.is_empty() && self.ticks_per_day > 0 && self.num_days > 0 {
            crate::schedule::check_config(self, p);
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(SimError::InvalidConfig(problems))
        }
    }
}

fn validate_agent(
    i: usize,
    agent: &AgentConfig,
    ids: &BTreeMap<&str, usize>,
    p: &mut Vec<Problem>,
) {
    let at = format!("agent_configs[{i}]");
    if agent.id.is_empty() {
        p.push(rule(format!("{at}.id"), " must not be empty").with_value(""));
    }
    if agent.id.contains('\0') {
        p.push(
            rule(
                format!("{at}.id"),
                format_args!(" {:?} must not contain NUL", agent.id),
            )
            .with_value(agent.id.as_str()),
        );
    }
    let name = &agent.id;
    if agent.credit_limit < 0 {
        p.push(
            rule(
                format!("{at}.credit_limit"),
                format_args!(" of {name:?} must be ≥ 0 (got {})", agent.credit_limit),
            )
            .with_value(agent.credit_limit),
        );
    } else if (agent.opening_balance as i128) < -(agent.credit_limit as i128) {
        p.push(
            rule(
                format!("{at}.opening_balance"),
                format_args!(
                    " of {name:?} ({}) is below its credit limit (-{})",
                    agent.opening_balance, agent.credit_limit
                ),
            )
            .with_value(agent.opening_balance),
        );
    }
    match &agent.policy {
        PolicyConfig::LiquidityAware {
            target_buffer,
            urgency_threshold,
            ..
        } => {
            if *target_buffer < 0 {
                p.push(
                    rule(
                        format!("{at}.policy.target_buffer"),
                        format_args!(" of {name:?} must be ≥ 0 (got {target_buffer})"),
                    )
                    .with_value(*target_buffer),
                );
            }
            if *urgency_threshold < 0 {
                p.push(
                    rule(
                        format!("{at}.policy.urgency_threshold"),
                        format_args!(" of {name:?} must be ≥ 0 ticks (got {urgency_threshold})"),
                    )
                    .with_value(*urgency_threshold),
                );
            }
        }
        PolicyConfig::UrgentFirst { target_buffer, .. } => {
            if *target_buffer < 0 {
                p.push(
                    rule(
                        format!("{at}.policy.target_buffer"),
                        format_args!(" of {name:?} must be ≥ 0 (got {target_buffer})"),
                    )
                    .with_value(*target_buffer),
                );
            }
        }
        PolicyConfig::Fifo { .. } | PolicyConfig::Deadline { .. } | PolicyConfig::Tree { .. } => {}
        PolicyConfig::Host { .. } => {}
        PolicyConfig::File { file } => p.push(crate::policy::refs::unresolved(
            format!("{at}.policy.file"),
            file,
        )),
    }
    if let Some(split) = agent.policy.split() {
        if split.threshold <= 0 {
            p.push(
                rule(
                    format!("{at}.policy.split.threshold"),
                    format_args!(" of {name:?} must be positive (got {})", split.threshold),
                )
                .with_value(split.threshold),
            );
        }
        if !(2..=MAX_SPLIT_PARTS).contains(&split.max_parts) {
            p.push(
                rule(
                    format!("{at}.policy.split.max_parts"),
                    format_args!(
                        " of {name:?} must be between 2 and {MAX_SPLIT_PARTS} (got {})",
                        split.max_parts
                    ),
                )
                .with_value(split.max_parts),
            );
        }
    }
    if let Some(arrivals) = &agent.arrival_config {
        validate_arrivals(&format!("{at}.arrival_config"), name, arrivals, ids, p);
    }
}

fn validate_arrivals(
    at: &str,
    name: &str,
    a: &ArrivalConfig,
    ids: &BTreeMap<&str, usize>,
    p: &mut Vec<Problem>,
) {
    let rate = a.rate_per_tick;
    if !(rate.is_finite() && rate > 0.0) {
        p.push(
            rule(
                format!("{at}.rate_per_tick"),
                format_args!(" of {name:?} must be positive and finite (got {rate})"),
            )
            .with_float(rate),
        );
    } else if rate > MAX_RATE_PER_TICK {
        p.push(
            rule(
                format!("{at}.rate_per_tick"),
                format_args!(" of {name:?} must be at most {MAX_RATE_PER_TICK} (got {rate})"),
            )
            .with_float(rate),
        );
    }
    validate_distribution(&format!("{at}.distribution"), name, &a.distribution, p);
    let weights = format!("{at}.counterparty_weights");
    if a.counterparty_weights.is_empty() {
        p.push(rule(
            weights.clone(),
            format_args!(" of {name:?} must name at least one receiver"),
        ));
    }
    let mut sum = 0.0;
    for (receiver, &weight) in &a.counterparty_weights {
        // Only formatted when there is a problem: a dense network has ~10^6 entries.
        let entry = || format!("{weights}.{receiver}");
        if receiver == name {
            p.push(
                Problem::new(
                    entry(),
                    format!("{weights} of {name:?}: an agent cannot pay itself ({receiver:?})"),
                )
                .with_value(receiver.as_str()),
            );
        } else if !ids.contains_key(receiver.as_str()) {
            p.push(
                Problem::new(
                    entry(),
                    format!("{weights} of {name:?}: agent {receiver:?} does not exist"),
                )
                .with_value(receiver.as_str()),
            );
        }
        if !(weight.is_finite() && weight >= 0.0) {
            p.push(
                Problem::new(
                    entry(),
                    format!(
                        "{weights}[{receiver:?}] of {name:?} must be finite and ≥ 0 (got {weight})"
                    ),
                )
                .with_float(weight),
            );
        } else {
            sum += weight;
        }
    }
    let usable_sum = sum > 0.0 && sum.is_finite();
    if !a.counterparty_weights.is_empty() && !usable_sum {
        p.push(
            rule(
                weights,
                format_args!(" of {name:?} must sum to a positive finite value (got {sum})"),
            )
            .with_float(sum),
        );
    }
    if a.deadline_offset < 1 {
        p.push(
            rule(
                format!("{at}.deadline_offset"),
                format_args!(" of {name:?} must be ≥ 1 tick (got {})", a.deadline_offset),
            )
            .with_value(a.deadline_offset),
        );
    }
    if !(0..=MAX_PRIORITY).contains(&a.priority) {
        p.push(
            rule(
                format!("{at}.priority"),
                format_args!(
                    " of {name:?} must be between 0 and {MAX_PRIORITY} (got {})",
                    a.priority
                ),
            )
            .with_value(a.priority),
        );
    }
}

pub(super) fn validate_distribution(
    at: &str,
    name: &str,
    d: &AmountDistribution,
    p: &mut Vec<Problem>,
) {
    let positive = |p: &mut Vec<Problem>, field: &str, x: f64| {
        if !(x.is_finite() && x > 0.0) {
            p.push(
                rule(
                    format!("{at}.{field}"),
                    format_args!(" of {name:?} must be positive and finite (got {x})"),
                )
                .with_float(x),
            );
        }
    };
    match *d {
        AmountDistribution::Normal { mean, std_dev } => {
            positive(p, "mean", mean);
            positive(p, "std_dev", std_dev);
        }
        AmountDistribution::LogNormal {
            mean_log,
            std_dev_log,
        } => {
            if !mean_log.is_finite() {
                p.push(
                    rule(
                        format!("{at}.mean_log"),
                        format_args!(" of {name:?} must be finite (got {mean_log})"),
                    )
                    .with_float(mean_log),
                );
            }
            positive(p, "std_dev_log", std_dev_log);
        }
        AmountDistribution::Uniform { min, max } => {
            if min < 0 {
                p.push(
                    rule(
                        format!("{at}.min"),
                        format_args!(" of {name:?} must be ≥ 0 (got {min})"),
                    )
                    .with_value(min),
                );
            }
            if min >= max {
                p.push(
                    rule(
                        at.to_string(),
                        format_args!(" of {name:?}: min ({min}) must be less than max ({max})"),
                    )
                    .with_value(max),
                );
            }
        }
    }
}

fn validate_costs(c: &CostRates, p: &mut Vec<Problem>) {
    let fields = [
        (
            "liquidity_cost_per_unit_per_tick",
            c.liquidity_cost_per_unit_per_tick,
        ),
        ("delay_cost_per_tick", c.delay_cost_per_tick),
        ("split_friction_cost", c.split_friction_cost),
        ("deadline_penalty", c.deadline_penalty),
        ("eod_penalty", c.eod_penalty),
    ];
    for (field, value) in fields {
        if value < 0 {
            p.push(
                rule(
                    format!("cost_rates.{field}"),
                    format_args!(" must be ≥ 0 (got {value})"),
                )
                .with_value(value),
            );
        }
    }
    let rate = c.liquidity_cost_per_unit_per_tick;
    if rate > MAX_LIQUIDITY_RATE_PPM {
        p.push(
            rule(
                "cost_rates.liquidity_cost_per_unit_per_tick".into(),
                format_args!(
                    " is in parts per million per tick and must be at most {MAX_LIQUIDITY_RATE_PPM} (got {rate})"
                ),
            )
            .with_value(rate),
        );
    }
}

/// The exact solver's limits (`lsm.exact_node_budget`, `lsm.exact_max_part`) within the
/// core's bounds.
fn validate_lsm(lsm: &crate::config::LsmConfig, p: &mut Vec<Problem>) {
    use crate::settlement::lsm::{EXACT_MAX_PART_RANGE, EXACT_NODE_BUDGET_RANGE};
    let limits = [
        (
            "lsm.exact_node_budget",
            lsm.exact_node_budget,
            EXACT_NODE_BUDGET_RANGE,
        ),
        (
            "lsm.exact_max_part",
            lsm.exact_max_part,
            EXACT_MAX_PART_RANGE,
        ),
    ];
    for (path, value, range) in limits {
        if let Some(v) = value.filter(|v| !range.contains(v)) {
            p.push(
                rule(
                    path.into(),
                    format_args!(
                        " must be between {} and {} (got {v})",
                        range.start(),
                        range.end()
                    ),
                )
                .with_value(v),
            );
        }
    }
}
