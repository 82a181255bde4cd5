//! The semantic rules of a configuration (`model.md` § Validation): every problem is
//! reported, not only the first.

use std::collections::BTreeMap;

use super::*;

impl SimulationConfig {
    /// Check every bound of `model.md` § Validation; report every problem found.
    pub fn validate(&self) -> Result<(), SimError> {
        let mut problems = Vec::new();
        let p = &mut problems;
        if self.ticks_per_day <= 0 {
            p.push(format!(
                "ticks_per_day must be positive (got {})",
                self.ticks_per_day
            ));
        }
        if self.num_days <= 0 {
            p.push(format!("num_days must be positive (got {})", self.num_days));
        }
        if self.ticks_per_day > 0
            && self.num_days > 0
            && (self.ticks_per_day as u64)
                .checked_mul(self.num_days as u64)
                .is_none()
        {
            p.push(format!(
                "ticks_per_day × num_days overflows ({} × {})",
                self.ticks_per_day, self.num_days
            ));
        }
        if self.agent_configs.is_empty() {
            p.push("agent_configs must contain at least one agent".to_string());
        }
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        for (i, agent) in self.agent_configs.iter().enumerate() {
            if let Some(first) = seen.insert(agent.id.as_str(), i) {
                p.push(format!(
                    "agent_configs[{i}].id: duplicate agent id {:?} (first used by agent_configs[{first}])",
                    agent.id
                ));
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
            p.push(format!(
                "the sum of opening balances and credit limits ({total_money}) exceeds the largest representable amount ({})",
                i64::MAX
            ));
        }
        validate_costs(&self.cost_rates, p);
        if problems.is_empty() {
            Ok(())
        } else {
            Err(SimError::InvalidConfig(problems))
        }
    }
}

fn validate_agent(i: usize, agent: &AgentConfig, ids: &BTreeMap<&str, usize>, p: &mut Vec<String>) {
    let at = format!("agent_configs[{i}]");
    if agent.id.is_empty() {
        p.push(format!("{at}.id must not be empty"));
    }
    if agent.id.contains('\0') {
        p.push(format!("{at}.id {:?} must not contain NUL", agent.id));
    }
    let name = &agent.id;
    if agent.credit_limit < 0 {
        p.push(format!(
            "{at}.credit_limit of {name:?} must be ≥ 0 (got {})",
            agent.credit_limit
        ));
    } else if (agent.opening_balance as i128) < -(agent.credit_limit as i128) {
        p.push(format!(
            "{at}.opening_balance of {name:?} ({}) is below its credit limit (-{})",
            agent.opening_balance, agent.credit_limit
        ));
    }
    match &agent.policy {
        PolicyConfig::LiquidityAware {
            target_buffer,
            urgency_threshold,
            ..
        } => {
            if *target_buffer < 0 {
                p.push(format!(
                    "{at}.policy.target_buffer of {name:?} must be ≥ 0 (got {target_buffer})"
                ));
            }
            if *urgency_threshold < 0 {
                p.push(format!(
                    "{at}.policy.urgency_threshold of {name:?} must be ≥ 0 ticks (got {urgency_threshold})"
                ));
            }
        }
        PolicyConfig::Fifo { .. } | PolicyConfig::Deadline { .. } => {}
    }
    if let Some(split) = agent.policy.split() {
        if split.threshold <= 0 {
            p.push(format!(
                "{at}.policy.split.threshold of {name:?} must be positive (got {})",
                split.threshold
            ));
        }
        if !(2..=MAX_SPLIT_PARTS).contains(&split.max_parts) {
            p.push(format!(
                "{at}.policy.split.max_parts of {name:?} must be between 2 and {MAX_SPLIT_PARTS} (got {})",
                split.max_parts
            ));
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
    p: &mut Vec<String>,
) {
    if !(a.rate_per_tick.is_finite() && a.rate_per_tick > 0.0) {
        p.push(format!(
            "{at}.rate_per_tick of {name:?} must be positive and finite (got {})",
            a.rate_per_tick
        ));
    } else if a.rate_per_tick > MAX_RATE_PER_TICK {
        p.push(format!(
            "{at}.rate_per_tick of {name:?} must be at most {MAX_RATE_PER_TICK} (got {})",
            a.rate_per_tick
        ));
    }
    match a.distribution {
        AmountDistribution::Normal { mean, std_dev } => {
            if !(mean.is_finite() && mean > 0.0) {
                p.push(format!(
                    "{at}.distribution.mean of {name:?} must be positive and finite (got {mean})"
                ));
            }
            if !(std_dev.is_finite() && std_dev > 0.0) {
                p.push(format!(
                    "{at}.distribution.std_dev of {name:?} must be positive and finite (got {std_dev})"
                ));
            }
        }
        AmountDistribution::LogNormal {
            mean_log,
            std_dev_log,
        } => {
            if !mean_log.is_finite() {
                p.push(format!(
                    "{at}.distribution.mean_log of {name:?} must be finite (got {mean_log})"
                ));
            }
            if !(std_dev_log.is_finite() && std_dev_log > 0.0) {
                p.push(format!(
                    "{at}.distribution.std_dev_log of {name:?} must be positive and finite (got {std_dev_log})"
                ));
            }
        }
        AmountDistribution::Uniform { min, max } => {
            if min < 0 {
                p.push(format!(
                    "{at}.distribution.min of {name:?} must be ≥ 0 (got {min})"
                ));
            }
            if min >= max {
                p.push(format!(
                    "{at}.distribution of {name:?}: min ({min}) must be less than max ({max})"
                ));
            }
        }
    }
    if a.counterparty_weights.is_empty() {
        p.push(format!(
            "{at}.counterparty_weights of {name:?} must name at least one receiver"
        ));
    }
    let mut sum = 0.0;
    for (receiver, &weight) in &a.counterparty_weights {
        if receiver == name {
            p.push(format!(
                "{at}.counterparty_weights of {name:?}: an agent cannot pay itself ({receiver:?})"
            ));
        } else if !ids.contains_key(receiver.as_str()) {
            p.push(format!(
                "{at}.counterparty_weights of {name:?}: agent {receiver:?} does not exist"
            ));
        }
        if !(weight.is_finite() && weight >= 0.0) {
            p.push(format!(
                "{at}.counterparty_weights[{receiver:?}] of {name:?} must be finite and ≥ 0 (got {weight})"
            ));
        } else {
            sum += weight;
        }
    }
    let usable_sum = sum > 0.0 && sum.is_finite();
    if !a.counterparty_weights.is_empty() && !usable_sum {
        p.push(format!(
            "{at}.counterparty_weights of {name:?} must sum to a positive finite value (got {sum})"
        ));
    }
    if a.deadline_offset < 1 {
        p.push(format!(
            "{at}.deadline_offset of {name:?} must be ≥ 1 tick (got {})",
            a.deadline_offset
        ));
    }
    if !(0..=MAX_PRIORITY).contains(&a.priority) {
        p.push(format!(
            "{at}.priority of {name:?} must be between 0 and {MAX_PRIORITY} (got {})",
            a.priority
        ));
    }
}

fn validate_costs(c: &CostRates, p: &mut Vec<String>) {
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
            p.push(format!("cost_rates.{field} must be ≥ 0 (got {value})"));
        }
    }
    if c.liquidity_cost_per_unit_per_tick > MAX_LIQUIDITY_RATE_PPM {
        p.push(format!(
            "cost_rates.liquidity_cost_per_unit_per_tick is in parts per million per tick and must be at most {MAX_LIQUIDITY_RATE_PPM} (got {})",
            c.liquidity_cost_per_unit_per_tick
        ));
    }
}
