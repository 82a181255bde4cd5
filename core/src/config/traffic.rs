//! Traffic beyond explicit receiver weights (`docs/model.md` § Traffic): a compact network
//! (participant sizes or a flow matrix), intraday arrival profiles and time-critical shares.
//! Every field is optional where it is used, so documents without them keep their bytes.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::serde_helpers::{
    default_deadline_offset, default_priority, null_as_deadline_offset, null_as_default,
    null_as_one, null_as_priority,
};
use super::{AmountDistribution, MAX_PRIORITY};
use crate::config::serde_helpers::mapping_only;

mapping_only! {
    struct NetworkConfig;
    internally tagged enum SizeDistribution;
    struct CounterpartyRule;
    struct Flow;
    struct ProfileBand;
    struct TimeCritical;
}

/// Arrivals of every agent without an `arrival_config`, from a compact description: either
/// participant sizes drawn from a distribution (activity and receivers in proportion to size)
/// or an explicit flow matrix. Exactly one of `size` and `flows`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(remote = "Self", deny_unknown_fields)]
#[schemars(rename = "NetworkConfig")] // `remote = "Self"` would name the schema `Self`
pub struct NetworkConfig {
    /// Expected payments per business day, whole network (> 0), shared among the senders in
    /// proportion to their size (or to their row of `flows`).
    #[schemars(extend("exclusiveMinimum" = 0))]
    pub payments_per_day: f64,
    /// Distribution of amounts (cents) of the network's payments.
    pub distribution: AmountDistribution,
    /// Participant sizes, one seeded draw per agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<SizeDistribution>,
    /// Each sender's number of counterparties grows with its size; absent: every other agent,
    /// in proportion to its size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counterparties: Option<CounterpartyRule>,
    /// An explicit flow matrix (sender, receiver, relative weight); instead of `size`.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "null_as_default"
    )]
    #[schemars(with = "Option<Vec<Flow>>")]
    pub flows: Vec<Flow>,
    /// Ticks from arrival to deadline (≥ 1).
    #[serde(
        default = "default_deadline_offset",
        deserialize_with = "null_as_deadline_offset"
    )]
    #[schemars(with = "Option<i64>", range(min = 1))]
    pub deadline_offset: i64,
    /// Priority of the network's payments (0–10).
    #[serde(default = "default_priority", deserialize_with = "null_as_priority")]
    #[schemars(with = "Option<i64>", range(min = 0, max = MAX_PRIORITY))]
    pub priority: i64,
    /// Intraday profile of every network sender (absent: a constant rate).
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "null_as_default"
    )]
    #[schemars(with = "Option<Vec<ProfileBand>>")]
    pub profile: Vec<ProfileBand>,
    /// A share of time-critical payments (absent: none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_critical: Option<TimeCritical>,
    /// A CSV file of flows (`from,to,weight`), read by the front end (the CLI: relative to
    /// the scenario) into `flows` before the configuration reaches the core.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flows_file: Option<String>,
    /// A share of timed payments, each with a from-time `from_offset` ticks after its arrival
    /// (absent: none; `docs/model.md` § Timed payments).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timed: Option<crate::rules::TimedShare>,
}

/// Distribution of participant sizes (relative; only ratios matter).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(remote = "Self", tag = "type", deny_unknown_fields)]
#[schemars(rename = "SizeDistribution")] // `remote = "Self"` would name the schema `Self`
pub enum SizeDistribution {
    /// `scale · (1 − U)^(−1/shape)`: heavy-tailed (shape ≤ 2 has infinite variance).
    Pareto {
        /// Tail index (> 0).
        #[schemars(extend("exclusiveMinimum" = 0))]
        shape: f64,
        /// Smallest size (> 0).
        #[schemars(extend("exclusiveMinimum" = 0))]
        scale: f64,
    },
    /// `exp(mean_log + std_dev_log · z)`.
    LogNormal {
        /// Mean of the logarithm (finite).
        mean_log: f64,
        /// Standard deviation of the logarithm (> 0).
        #[schemars(extend("exclusiveMinimum" = 0))]
        std_dev_log: f64,
    },
}

/// Counterparties per sender: `k = clamp(round(mean · size / mean size), min, agents − 1)`
/// links, each drawn in proportion to size (repeats add weight).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(remote = "Self", deny_unknown_fields)]
#[schemars(rename = "CounterpartyRule")] // `remote = "Self"` would name the schema `Self`
pub struct CounterpartyRule {
    /// Mean number of links per sender (> 0).
    #[schemars(extend("exclusiveMinimum" = 0))]
    pub mean: f64,
    /// Fewest links of any sender (≥ 1, default 1).
    #[serde(default = "one", deserialize_with = "null_as_one")]
    #[schemars(with = "Option<i64>", range(min = 1))]
    pub min: i64,
}

fn one() -> i64 {
    1
}

/// One entry of a flow matrix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(remote = "Self", deny_unknown_fields)]
#[schemars(rename = "Flow")] // `remote = "Self"` would name the schema `Self`
pub struct Flow {
    /// Sending agent id.
    #[serde(deserialize_with = "crate::config::serde_helpers::text")]
    pub from: String,
    /// Receiving agent id.
    #[serde(deserialize_with = "crate::config::serde_helpers::text")]
    pub to: String,
    /// Relative weight (≥ 0, finite).
    #[schemars(range(min = 0))]
    pub weight: f64,
}

/// A time-of-day band of an arrival profile: ticks `[from_tick, to_tick)` of every day.
/// The bands of a profile cover the day without overlapping.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(remote = "Self", deny_unknown_fields)]
#[schemars(rename = "ProfileBand")] // `remote = "Self"` would name the schema `Self`
pub struct ProfileBand {
    /// First tick of the day in the band (≥ 0).
    #[schemars(range(min = 0))]
    pub from_tick: i64,
    /// First tick of the day after the band (≤ ticks_per_day).
    pub to_tick: i64,
    /// Relative intensity (≥ 0): the rate in the band is `rate × weight × ticks_per_day /
    /// Σ(weight × band length)`, so the day's expected arrivals stay `rate × ticks_per_day`.
    #[schemars(range(min = 0))]
    pub weight: f64,
    /// Amounts in this band (absent: the stream's distribution).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distribution: Option<AmountDistribution>,
}

/// A share of payments that are time-critical: shorter deadline, other priority.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(remote = "Self", deny_unknown_fields)]
#[schemars(rename = "TimeCritical")] // `remote = "Self"` would name the schema `Self`
pub struct TimeCritical {
    /// Probability that a payment is time-critical (0–1).
    #[schemars(range(min = 0, max = 1))]
    pub share: f64,
    /// Their ticks from arrival to deadline (≥ 1).
    #[schemars(range(min = 1))]
    pub deadline_offset: i64,
    /// Their priority (0–10, default 9).
    #[serde(
        default = "urgent_priority",
        deserialize_with = "null_as_urgent_priority"
    )]
    #[schemars(with = "Option<i64>", range(min = 0, max = MAX_PRIORITY))]
    pub priority: i64,
}

fn urgent_priority() -> i64 {
    9
}

fn null_as_urgent_priority<'de, D: serde::Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    Ok(Option::<i64>::deserialize(d)?.unwrap_or(9))
}
