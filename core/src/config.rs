//! The machine configuration format (the seed's `OrchestratorConfig` shape) and its validation.
//!
//! This is the one validator of the project: the C ABI, the CLI and the Python package all
//! reach it. Parsing (types, unknown fields, unknown `type` tags) stops at the first problem
//! and names its path; semantic validation then reports *every* problem at once.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::SimError;

/// Default deadline offset (ticks) of generated and manual payments, as in the seed.
pub const DEFAULT_DEADLINE_OFFSET: i64 = 50;
/// Default priority of generated and manual payments (0–10, higher is more urgent).
pub const DEFAULT_PRIORITY: i64 = 5;
/// Highest priority a payment may carry.
pub const MAX_PRIORITY: i64 = 10;
/// Upper bound on a Poisson rate; keeps one tick's arrivals within memory.
pub const MAX_RATE_PER_TICK: f64 = 1_000_000.0;
/// Largest amount a distribution can produce (2^53 cents: every such integer is exact in f64).
pub const MAX_GENERATED_AMOUNT: i64 = 1 << 53;
/// Most parts one payment may be split into (keeps a split's work and memory bounded).
pub const MAX_SPLIT_PARTS: i64 = 1_000;
/// Largest liquidity cost rate (parts per million per tick): 100% per tick.
pub const MAX_LIQUIDITY_RATE_PPM: i64 = 1_000_000;

/// Complete simulation configuration (machine format).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SimulationConfig {
    /// Ticks in one business day (≥ 1).
    pub ticks_per_day: i64,
    /// Number of business days in the horizon (≥ 1).
    pub num_days: i64,
    /// Master seed of every random stream.
    pub rng_seed: u64,
    /// The participants, in configuration order (this order is part of the model).
    pub agent_configs: Vec<AgentConfig>,
    /// Cost rates; the seed's defaults when absent.
    #[serde(default, deserialize_with = "null_as_default")]
    pub cost_rates: CostRates,
    /// Liquidity-saving mechanism switches.
    #[serde(default, deserialize_with = "null_as_default")]
    pub lsm: LsmConfig,
    /// Queue 2 discipline for RTGS entry and retry.
    #[serde(default, deserialize_with = "null_as_default")]
    pub queue_discipline: QueueDiscipline,
    /// What happens to a payment that reaches its deadline unsettled.
    #[serde(default, deserialize_with = "null_as_default")]
    pub deadline_mode: DeadlineMode,
    /// How much of the event stream is recorded.
    #[serde(default, deserialize_with = "null_as_default")]
    pub event_recording: EventRecording,
}

/// One participant's settlement account and behaviour.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentConfig {
    /// Unique, non-empty identifier (any UTF-8 text without NUL).
    pub id: String,
    /// Balance at the start of the simulation, in cents.
    pub opening_balance: i64,
    /// Intraday credit line (≥ 0): the balance may fall to `-credit_limit`.
    #[serde(default, deserialize_with = "null_as_default")]
    pub credit_limit: i64,
    /// Cash-management policy deciding what leaves Queue 1.
    pub policy: PolicyConfig,
    /// Automatic payment arrivals; none when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arrival_config: Option<ArrivalConfig>,
}

/// A cash-management policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", deny_unknown_fields)]
pub enum PolicyConfig {
    /// Release everything, oldest first.
    Fifo {
        /// Optional splitting of large payments.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        split: Option<SplitConfig>,
    },
    /// Release everything, earliest deadline first.
    Deadline {
        /// Optional splitting of large payments.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        split: Option<SplitConfig>,
    },
    /// Hold payments that would take the balance below a buffer, unless urgent.
    LiquidityAware {
        /// Balance (cents, credit not counted) to keep after releases.
        target_buffer: i64,
        /// A payment is urgent when `deadline_tick - tick <= urgency_threshold`.
        urgency_threshold: i64,
        /// Optional splitting of large payments.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        split: Option<SplitConfig>,
    },
}

impl PolicyConfig {
    /// The split rule of this policy, if any.
    pub fn split(&self) -> Option<&SplitConfig> {
        match self {
            PolicyConfig::Fifo { split }
            | PolicyConfig::Deadline { split }
            | PolicyConfig::LiquidityAware { split, .. } => split.as_ref(),
        }
    }
}

/// Splitting of released payments larger than `threshold` into at most `max_parts` parts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SplitConfig {
    /// Payments above this amount are split (> 0).
    pub threshold: i64,
    /// Most parts one payment becomes (≥ 2).
    pub max_parts: i64,
}

/// Poisson arrivals of payment orders for one sender.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArrivalConfig {
    /// Mean number of new orders per tick (Poisson λ).
    pub rate_per_tick: f64,
    /// Distribution of amounts (cents).
    pub distribution: AmountDistribution,
    /// Relative weights of receivers. Drawn in the receivers' configuration order.
    #[serde(deserialize_with = "unique_keys")]
    pub counterparty_weights: BTreeMap<String, f64>,
    /// Ticks from arrival to deadline (≥ 1).
    #[serde(
        default = "default_deadline_offset",
        deserialize_with = "null_as_deadline_offset"
    )]
    pub deadline_offset: i64,
    /// Priority of generated orders (0–10).
    #[serde(default = "default_priority", deserialize_with = "null_as_priority")]
    pub priority: i64,
}

/// `null` for an optional field means absent: these read a present `null` as the default.
macro_rules! null_means {
    ($($name:ident: $ty:ty = $value:expr;)*) => {$(
        pub(crate) fn $name<'de, D: serde::Deserializer<'de>>(d: D) -> Result<$ty, D::Error> {
            Ok(Option::<$ty>::deserialize(d)?.unwrap_or($value))
        }
    )*};
}

null_means! {
    null_as_deadline_offset: i64 = DEFAULT_DEADLINE_OFFSET;
    null_as_priority: i64 = DEFAULT_PRIORITY;
    null_as_one: i64 = 1;
    null_as_true: bool = true;
    null_as_delay_cost: i64 = CostRates::default().delay_cost_per_tick;
    null_as_split_cost: i64 = CostRates::default().split_friction_cost;
    null_as_deadline_penalty: i64 = CostRates::default().deadline_penalty;
    null_as_eod_penalty: i64 = CostRates::default().eod_penalty;
}

pub(crate) fn default_deadline_offset() -> i64 {
    DEFAULT_DEADLINE_OFFSET
}
pub(crate) fn default_priority() -> i64 {
    DEFAULT_PRIORITY
}

/// Distribution of generated amounts, in cents (rounded, at least 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", deny_unknown_fields)]
pub enum AmountDistribution {
    /// Normal(mean, std_dev).
    Normal {
        /// Mean (> 0).
        mean: f64,
        /// Standard deviation (> 0).
        std_dev: f64,
    },
    /// exp(Normal(mean_log, std_dev_log)).
    LogNormal {
        /// Mean of the logarithm (finite).
        mean_log: f64,
        /// Standard deviation of the logarithm (> 0).
        std_dev_log: f64,
    },
    /// Uniform integer in `[min, max]`.
    Uniform {
        /// Smallest amount (≥ 0).
        min: i64,
        /// Largest amount (> min).
        max: i64,
    },
}

/// Cost rates, integer cents. Defaults are the seed's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CostRates {
    /// Overdraft cost in parts per million of the negative balance, per tick.
    #[serde(deserialize_with = "null_as_default")]
    pub liquidity_cost_per_unit_per_tick: i64,
    /// Cost per unsettled order (Queue 1 or Queue 2) per tick.
    #[serde(deserialize_with = "null_as_delay_cost")]
    pub delay_cost_per_tick: i64,
    /// Cost per extra part when a payment is split.
    #[serde(deserialize_with = "null_as_split_cost")]
    pub split_friction_cost: i64,
    /// Penalty once per order that misses its deadline.
    #[serde(deserialize_with = "null_as_deadline_penalty")]
    pub deadline_penalty: i64,
    /// Penalty per order still unsettled at the end of a day.
    #[serde(deserialize_with = "null_as_eod_penalty")]
    pub eod_penalty: i64,
}

impl Default for CostRates {
    fn default() -> Self {
        CostRates {
            liquidity_cost_per_unit_per_tick: 0,
            delay_cost_per_tick: 10,
            split_friction_cost: 50,
            deadline_penalty: 100_000,
            eod_penalty: 500_000,
        }
    }
}

/// Liquidity-saving mechanism switches (both on by default).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LsmConfig {
    /// Bilateral offsetting of opposite queued payments.
    #[serde(deserialize_with = "null_as_true")]
    pub bilateral: bool,
    /// Multilateral offsetting (gridlock resolution).
    #[serde(deserialize_with = "null_as_true")]
    pub multilateral: bool,
}

impl Default for LsmConfig {
    fn default() -> Self {
        LsmConfig {
            bilateral: true,
            multilateral: true,
        }
    }
}

/// Whether a fundable payment may pass a waiting payment of the same sender.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QueueDiscipline {
    /// A fundable payment settles even if an earlier one of the same sender waits (TARGET2).
    #[default]
    BypassFifo,
    /// Strict: nothing passes a waiting payment of the same sender.
    Fifo,
}

/// Treatment of payments unsettled at their deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineMode {
    /// Remove from its queue and charge the deadline penalty (the seed's behaviour).
    #[default]
    Drop,
    /// Keep it queued, mark it overdue, and charge the penalty once.
    Overdue,
}

/// How much of the event stream is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventRecording {
    /// Every state change.
    #[default]
    Full,
    /// Settlements, drops, overdue marks and end-of-day events only.
    Settlements,
    /// No events (for very long runs).
    Off,
}

/// `null` for an optional field means absent: deserialize it as the default.
pub(crate) fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// A map whose keys must be unique: a repeated key is an error, not "the last one wins".
fn unique_keys<'de, D: serde::Deserializer<'de>>(d: D) -> Result<BTreeMap<String, f64>, D::Error> {
    struct Unique;
    impl<'de> serde::de::Visitor<'de> for Unique {
        type Value = BTreeMap<String, f64>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a map of agent ids to weights")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some((key, value)) = map.next_entry::<String, f64>()? {
                if out.insert(key.clone(), value).is_some() {
                    return Err(serde::de::Error::custom(format!(
                        "duplicate entry with key {key:?}"
                    )));
                }
            }
            Ok(out)
        }
    }
    d.deserialize_map(Unique)
}

impl SimulationConfig {
    /// Parse a JSON document and validate it. Malformed JSON is `InvalidJson`; a well-formed
    /// document of the wrong shape or with bad values is `InvalidConfig`.
    /// Parsed straight into the struct (not via a JSON value, which would silently keep the
    /// last of two equal keys), so a repeated field is an error here as in YAML.
    pub fn from_json(text: &str) -> Result<Self, SimError> {
        let config: SimulationConfig =
            crate::error::parse_json(text, "configuration", |problem| {
                SimError::InvalidConfig(vec![problem])
            })?;
        config.validate()?;
        Ok(config)
    }

    /// Parse a YAML document and validate it.
    pub fn from_yaml(text: &str) -> Result<Self, SimError> {
        let value: serde_norway::Value = serde_norway::from_str(text)
            .map_err(|e| SimError::InvalidJson(format!("malformed YAML: {e}")))?;
        Self::from_value(value)
    }

    /// Deserialize an already-parsed document and validate it.
    pub fn from_value<'de, D: serde::Deserializer<'de>>(value: D) -> Result<Self, SimError> {
        let config: SimulationConfig = serde_path_to_error::deserialize(value)
            .map_err(|e| shape_error(e.path(), e.inner()))?;
        config.validate()?;
        Ok(config)
    }

    /// The horizon in ticks (`ticks_per_day × num_days`), once validated.
    pub fn horizon(&self) -> u64 {
        (self.ticks_per_day as u64).saturating_mul(self.num_days as u64)
    }

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

/// A well-formed document of the wrong shape: name the path (serde_path_to_error reports
/// "." for the root).
pub(crate) fn shape_error(
    path: &serde_path_to_error::Path,
    inner: impl std::fmt::Display,
) -> SimError {
    let path = path.to_string();
    let at = if path == "." {
        String::new()
    } else {
        format!("{path}: ")
    };
    SimError::InvalidConfig(vec![format!("{at}{inner}")])
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

#[cfg(test)]
mod tests {
    use super::*;

    fn minimal() -> String {
        r#"{"ticks_per_day": 100, "num_days": 1, "rng_seed": 1,
            "agent_configs": [{"id": "A", "opening_balance": 10, "credit_limit": 0, "policy": {"type": "Fifo"}}]}"#
            .to_string()
    }

    fn problems(text: &str) -> Vec<String> {
        match SimulationConfig::from_json(text) {
            Err(SimError::InvalidConfig(p)) => p,
            other => panic!("expected InvalidConfig, got {other:?}"),
        }
    }

    #[test]
    fn one_agent_config_is_valid_and_defaults_apply() {
        let c = SimulationConfig::from_json(&minimal()).unwrap();
        assert_eq!(c.cost_rates, CostRates::default());
        assert_eq!(c.lsm, LsmConfig::default());
        assert_eq!(c.queue_discipline, QueueDiscipline::BypassFifo);
        assert_eq!(c.horizon(), 100);
    }

    #[test]
    fn ticks_per_day_is_checked_first() {
        let p = problems(
            r#"{"ticks_per_day": 0, "num_days": 1, "rng_seed": 123, "agent_configs": []}"#,
        );
        assert_eq!(p[0], "ticks_per_day must be positive (got 0)");
        assert!(p[1].contains("at least one agent"));
    }

    #[test]
    fn null_optional_fields_mean_absent() {
        let text = r#"{"ticks_per_day": 10, "num_days": 1, "rng_seed": 1, "cost_rates": null, "lsm": null,
            "agent_configs": [{"id": "A", "opening_balance": 10, "credit_limit": 0,
                               "policy": {"type": "Fifo", "split": null}, "arrival_config": null}]}"#;
        let c = SimulationConfig::from_json(text).unwrap();
        assert!(c.agent_configs[0].arrival_config.is_none());
        assert_eq!(c.cost_rates, CostRates::default());
    }

    #[test]
    fn null_means_the_default_for_every_defaulted_field() {
        let text = r#"{"ticks_per_day": 10, "num_days": 1, "rng_seed": 1,
            "cost_rates": {"liquidity_cost_per_unit_per_tick": null, "delay_cost_per_tick": null,
                           "split_friction_cost": null, "deadline_penalty": null, "eod_penalty": null},
            "lsm": {"bilateral": null, "multilateral": null},
            "queue_discipline": null, "deadline_mode": null, "event_recording": null,
            "agent_configs": [{"id": "A", "opening_balance": 10, "credit_limit": null, "policy": {"type": "Fifo"},
                "arrival_config": {"rate_per_tick": 1, "distribution": {"type": "Uniform", "min": 1, "max": 2},
                                   "counterparty_weights": {"B": 1}, "deadline_offset": null, "priority": null}},
                {"id": "B", "opening_balance": 0, "policy": {"type": "Fifo"}}]}"#;
        let c = SimulationConfig::from_json(text).unwrap();
        assert_eq!(c.cost_rates, CostRates::default());
        assert_eq!(c.lsm, LsmConfig::default());
        let arrivals = c.agent_configs[0].arrival_config.as_ref().unwrap();
        assert_eq!((arrivals.deadline_offset, arrivals.priority), (50, 5));
        assert_eq!(c.agent_configs[0].credit_limit, 0);
    }

    #[test]
    fn unknown_fields_and_types_name_their_path() {
        let text = minimal().replace("\"credit_limit\": 0", "\"credit_limit\": 0, \"colour\": 1");
        let p = problems(&text);
        assert!(
            p[0].starts_with("agent_configs[0].colour: unknown field `colour`"),
            "{p:?}"
        );
        let text = minimal().replace("Fifo", "Random");
        let p = problems(&text);
        assert!(
            p[0].contains("agent_configs[0].policy") && p[0].contains("Random"),
            "{p:?}"
        );
    }

    #[test]
    fn repeated_keys_are_errors_in_json_as_in_yaml() {
        let text = minimal().replace("\"rng_seed\": 1,", "\"rng_seed\": 1, \"rng_seed\": 2,");
        assert!(
            problems(&text)[0].contains("duplicate field `rng_seed`"),
            "{:?}",
            problems(&text)
        );
        let text = r#"{"ticks_per_day": 5, "num_days": 1, "rng_seed": 1, "agent_configs": [
            {"id": "A", "opening_balance": 0, "policy": {"type": "Fifo"}, "arrival_config":
              {"rate_per_tick": 1, "distribution": {"type": "Uniform", "min": 1, "max": 2},
               "counterparty_weights": {"B": 1, "B": 2}}},
            {"id": "B", "opening_balance": 0, "policy": {"type": "Fifo"}}]}"#;
        let p = problems(text);
        assert!(
            p[0].contains("counterparty_weights")
                && p[0].contains("duplicate entry with key \"B\""),
            "{p:?}"
        );
        let yaml = "ticks_per_day: 5\nnum_days: 1\nrng_seed: 1\nagent_configs:\n  - {id: A, opening_balance: 0, policy: {type: Fifo}, arrival_config: {rate_per_tick: 1, distribution: {type: Uniform, min: 1, max: 2}, counterparty_weights: {B: 1, B: 2}}}\n  - {id: B, opening_balance: 0, policy: {type: Fifo}}\n";
        assert!(SimulationConfig::from_yaml(yaml).is_err());
    }

    #[test]
    fn malformed_json_is_not_an_invalid_config() {
        assert!(matches!(
            SimulationConfig::from_json("{\"ticks_per_day\": 1,"),
            Err(SimError::InvalidJson(_))
        ));
        assert!(matches!(
            SimulationConfig::from_json("[1] x"),
            Err(SimError::InvalidJson(_))
        ));
    }

    #[test]
    fn every_problem_is_reported_with_field_and_value() {
        let text = r#"{"ticks_per_day": 10, "num_days": 0, "rng_seed": 1, "agent_configs": [
            {"id": "A", "opening_balance": 10, "credit_limit": -5, "policy": {"type": "LiquidityAware", "target_buffer": -1, "urgency_threshold": -2}},
            {"id": "A", "opening_balance": 10, "policy": {"type": "Fifo", "split": {"threshold": 0, "max_parts": 1}},
             "arrival_config": {"rate_per_tick": 0, "distribution": {"type": "Uniform", "min": 5, "max": 5},
                                "counterparty_weights": {"Z": -1, "A": 1}, "deadline_offset": 0, "priority": 11}},
            {"id": "", "opening_balance": 0, "policy": {"type": "Deadline"},
             "arrival_config": {"rate_per_tick": 1, "distribution": {"type": "Normal", "mean": -1, "std_dev": 0},
                                "counterparty_weights": {"A": 0}}}
        ], "cost_rates": {"delay_cost_per_tick": -3}}"#;
        let p = problems(text).join("\n");
        for needle in [
            "num_days must be positive (got 0)",
            "duplicate agent id \"A\"",
            "credit_limit of \"A\" must be ≥ 0 (got -5)",
            "target_buffer of \"A\" must be ≥ 0 (got -1)",
            "urgency_threshold of \"A\" must be ≥ 0 ticks (got -2)",
            "split.threshold of \"A\" must be positive (got 0)",
            "max_parts of \"A\" must be between 2 and 1000 (got 1)",
            "rate_per_tick of \"A\" must be positive and finite (got 0)",
            "min (5) must be less than max (5)",
            "agent \"Z\" does not exist",
            "an agent cannot pay itself (\"A\")",
            "must be finite and ≥ 0 (got -1)",
            "deadline_offset of \"A\" must be ≥ 1 tick (got 0)",
            "priority of \"A\" must be between 0 and 10 (got 11)",
            "agent_configs[2].id must not be empty",
            "mean of \"\" must be positive and finite (got -1)",
            "std_dev of \"\" must be positive and finite (got 0)",
            "must sum to a positive finite value (got 0)",
            "cost_rates.delay_cost_per_tick must be ≥ 0 (got -3)",
        ] {
            assert!(p.contains(needle), "missing {needle:?} in:\n{p}");
        }
    }

    #[test]
    fn nan_and_infinite_rates_are_rejected_from_yaml() {
        let text = "ticks_per_day: 5\nnum_days: 1\nrng_seed: 1\nagent_configs:\n  - {id: A, opening_balance: 0, policy: {type: Fifo}, arrival_config: {rate_per_tick: .nan, distribution: {type: LogNormal, mean_log: .inf, std_dev_log: 1}, counterparty_weights: {B: 1}}}\n  - {id: B, opening_balance: 0, policy: {type: Fifo}}\n";
        let err = SimulationConfig::from_yaml(text).unwrap_err().to_string();
        assert!(
            err.contains("rate_per_tick of \"A\" must be positive and finite (got NaN)"),
            "{err}"
        );
        assert!(
            err.contains("mean_log of \"A\" must be finite (got inf)"),
            "{err}"
        );
    }

    /// A configuration with one arrival rate, as JSON and as YAML.
    fn with_rate(rate: &str) -> (String, String) {
        let json = format!(
            r#"{{"ticks_per_day": 5, "num_days": 1, "rng_seed": 1, "agent_configs": [
            {{"id": "A", "opening_balance": 0, "policy": {{"type": "Fifo"}}, "arrival_config":
              {{"rate_per_tick": {rate}, "distribution": {{"type": "Uniform", "min": 1, "max": 2}},
               "counterparty_weights": {{"B": 1}}}}}},
            {{"id": "B", "opening_balance": 0, "policy": {{"type": "Fifo"}}}}]}}"#
        );
        let yaml = format!(
            "ticks_per_day: 5\nnum_days: 1\nrng_seed: 1\nagent_configs:\n  - {{id: A, opening_balance: 0, policy: {{type: Fifo}}, arrival_config: {{rate_per_tick: {rate}, distribution: {{type: Uniform, min: 1, max: 2}}, counterparty_weights: {{B: 1}}}}}}\n  - {{id: B, opening_balance: 0, policy: {{type: Fifo}}}}\n"
        );
        (json, yaml)
    }

    fn rate_of(config: &SimulationConfig) -> f64 {
        config.agent_configs[0]
            .arrival_config
            .as_ref()
            .unwrap()
            .rate_per_tick
    }

    #[test]
    fn config_floats_round_trip_exactly_through_json_and_yaml() {
        // The issue's example: serde_json's default float parser read it 1 ulp low.
        let (json, yaml) = with_rate("0.9215686321258545");
        let from_json = SimulationConfig::from_json(&json).unwrap();
        let from_yaml = SimulationConfig::from_yaml(&yaml).unwrap();
        assert_eq!(
            rate_of(&from_json).to_bits(),
            0.9215686321258545f64.to_bits()
        );
        assert_eq!(
            rate_of(&from_yaml).to_bits(),
            0.9215686321258545f64.to_bits()
        );
        let written = serde_json::to_string(&from_json).unwrap();
        assert!(
            written.contains("\"rate_per_tick\":0.9215686321258545"),
            "{written}"
        );
        assert_eq!(SimulationConfig::from_json(&written).unwrap(), from_json);
        // Many floats: the shortest text of each parses back to the same bits both ways.
        let mut bits: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..2_000 {
            bits = bits
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let rate = f64::from_bits(0x3FE0_0000_0000_0000 | (bits >> 12)); // in [0.5, 1)
            let (json, yaml) = with_rate(&rate.to_string());
            let json_rate = rate_of(&SimulationConfig::from_json(&json).unwrap());
            let yaml_rate = rate_of(&SimulationConfig::from_yaml(&yaml).unwrap());
            assert_eq!(json_rate.to_bits(), rate.to_bits(), "JSON {rate}");
            assert_eq!(yaml_rate.to_bits(), rate.to_bits(), "YAML {rate}");
        }
    }

    #[test]
    fn money_that_cannot_be_represented_is_rejected() {
        let text = format!(
            r#"{{"ticks_per_day": 1, "num_days": 1, "rng_seed": 1, "agent_configs": [
            {{"id": "A", "opening_balance": {m}, "policy": {{"type": "Fifo"}}}},
            {{"id": "B", "opening_balance": {m}, "policy": {{"type": "Fifo"}}}}]}}"#,
            m = i64::MAX
        );
        assert!(problems(&text)[0].contains("exceeds the largest representable amount"));
        let text = minimal().replace("100,", "1e30,");
        assert!(problems(&text)[0].starts_with("ticks_per_day: invalid type: floating point"));
    }
}
