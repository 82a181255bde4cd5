//! The configuration types (machine format) and their defaults.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::serde_helpers::{
    default_deadline_offset, default_priority, null_as_deadline_offset, null_as_deadline_penalty,
    null_as_default, null_as_delay_cost, null_as_eod_penalty, null_as_priority, null_as_split_cost,
    null_as_true, unique_keys,
};
use super::{MAX_LIQUIDITY_RATE_PPM, MAX_PRIORITY, MAX_RATE_PER_TICK, MAX_SPLIT_PARTS};
use crate::config::serde_helpers::mapping_only;

// Every configuration struct and tagged enum is read from a mapping, never from a list, and
// every unit enum from a string; each derives with `#[serde(remote = "Self")]` for this (see
// `mapping_only!`).
mapping_only! {
    struct SimulationConfig;
    struct AgentConfig;
    struct SplitConfig;
    struct ArrivalConfig;
    internally tagged enum AmountDistribution;
    struct CostRates;
    struct LsmConfig;
    unit enum LsmAlgorithm;
    unit enum SearchObjective;
    unit enum QueueDiscipline;
    unit enum DeadlineMode;
    unit enum EventRecording;
}

/// Complete simulation configuration (machine format).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(remote = "Self", deny_unknown_fields)]
#[schemars(rename = "SimulationConfig")] // `remote = "Self"` would name the schema `Self`
pub struct SimulationConfig {
    /// Ticks in one business day (≥ 1).
    #[schemars(range(min = 1))]
    pub ticks_per_day: i64,
    /// Number of business days in the horizon (≥ 1).
    #[schemars(range(min = 1))]
    pub num_days: i64,
    /// Master seed of every random stream.
    pub rng_seed: u64,
    /// The participants, in configuration order (this order is part of the model).
    #[schemars(length(min = 1))]
    pub agent_configs: Vec<AgentConfig>,
    /// Cost rates; the seed's defaults when absent.
    #[serde(default, deserialize_with = "null_as_default")]
    #[schemars(with = "Option<CostRates>")]
    pub cost_rates: CostRates,
    /// Liquidity-saving mechanism switches.
    #[serde(default, deserialize_with = "null_as_default")]
    #[schemars(with = "Option<LsmConfig>")]
    pub lsm: LsmConfig,
    /// Queue 2 discipline for RTGS entry and retry.
    #[serde(default, deserialize_with = "null_as_default")]
    #[schemars(with = "Option<QueueDiscipline>")]
    pub queue_discipline: QueueDiscipline,
    /// What happens to a payment that reaches its deadline unsettled.
    #[serde(default, deserialize_with = "null_as_default")]
    #[schemars(with = "Option<DeadlineMode>")]
    pub deadline_mode: DeadlineMode,
    /// How much of the event stream is recorded.
    #[serde(default, deserialize_with = "null_as_default")]
    #[schemars(with = "Option<EventRecording>")]
    pub event_recording: EventRecording,
    /// Timed inputs: outages, liquidity, credit and rate changes, payments
    /// (`docs/model.md` § Scheduled actions). Absent: none.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "null_as_default"
    )]
    #[schemars(with = "Option<Vec<crate::schedule::ScenarioEvent>>")]
    pub scenario_events: Vec<crate::schedule::ScenarioEvent>,
    /// The rules of real RTGS systems: priority classes, reservations, limits
    /// (`docs/model.md` § The rules of real RTGS systems). Absent: none.
    #[serde(default, skip_serializing_if = "crate::rules::RulesConfig::is_empty")]
    // `rules: null` reads as absent (the document reader's rule for every section).
    #[schemars(with = "Option<crate::rules::RulesConfig>")]
    pub rules: crate::rules::RulesConfig,

    // ----- traffic (issue 17: `docs/model.md` § Traffic) -----
    /// Arrivals of the agents without an `arrival_config`, from a compact network description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<super::NetworkConfig>,
    /// Most expected arrivals over the horizon a configuration may ask for (> 0), checked
    /// before any work starts. Absent: no cap (interactive sessions use endless horizons).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_expected_arrivals: Option<f64>,
}

/// One participant's settlement account and behaviour.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(remote = "Self", deny_unknown_fields)]
#[schemars(rename = "AgentConfig")] // `remote = "Self"` would name the schema `Self`
pub struct AgentConfig {
    /// Unique, non-empty identifier (any UTF-8 text without NUL).
    #[schemars(length(min = 1))]
    #[serde(deserialize_with = "crate::config::serde_helpers::text")]
    pub id: String,
    /// Balance at the start of the simulation, in cents.
    pub opening_balance: i64,
    /// Intraday credit line (≥ 0): the balance may fall to `-credit_limit`.
    #[serde(default, deserialize_with = "null_as_default")]
    #[schemars(with = "Option<i64>", range(min = 0))]
    pub credit_limit: i64,
    /// Cash-management policy deciding what leaves Queue 1.
    pub policy: PolicyConfig,
    /// Automatic payment arrivals; none when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arrival_config: Option<ArrivalConfig>,
}

/// A cash-management policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(remote = "Self", tag = "type", deny_unknown_fields)]
#[schemars(rename = "PolicyConfig")] // `remote = "Self"` would name the schema `Self`
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
        #[schemars(range(min = 0))]
        target_buffer: i64,
        /// A payment is urgent when `deadline_tick - tick <= urgency_threshold`.
        #[schemars(range(min = 0))]
        urgency_threshold: i64,
        /// Optional splitting of large payments.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        split: Option<SplitConfig>,
    },
    /// Release urgent and highly urgent payments first; hold normal ones that would take the
    /// balance, less the agent's reservations, below a buffer (`docs/model.md` § Policies).
    UrgentFirst {
        /// Balance (cents, credit not counted) beyond the reservations to keep after normal
        /// releases.
        #[schemars(range(min = 0))]
        target_buffer: i64,
        /// Optional splitting of large payments.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        split: Option<SplitConfig>,
    },
    /// A decision tree in the policy language (`docs/policies.md`), evaluated per order.
    Tree {
        /// The tree: leaves `release`, `hold`, `{split: {parts}}`; tests
        /// `{if: {feature, op, value | against [, plus]}, then, else}`.
        tree: crate::policy::lang::PolicyNode,
        /// The order in which the tree sees Queue 1 (default `arrival`).
        #[serde(
            default,
            skip_serializing_if = "crate::policy::lang::TreeOrder::is_arrival"
        )]
        order: crate::policy::lang::TreeOrder,
        /// Optional splitting of large payments (for `release` leaves).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        split: Option<SplitConfig>,
        /// Ticks the rolling-window features look back (default 10, at most 1,000).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schemars(range(min = 1, max = 1000))]
        window: Option<u64>,
        /// When the registers r0–r3 go back to 0: `never` (default) or each `day`.
        #[serde(
            default,
            skip_serializing_if = "crate::policy::lang::RegisterReset::is_never"
        )]
        reset_registers: crate::policy::lang::RegisterReset,
    },
    /// `{file: path}`: the policy in a file, relative to the scenario file. The front ends
    /// that read files (CLI, Python, R) put it inline before the core validates; elsewhere it
    /// is refused (`crate::policy::refs`).
    File {
        /// The policy file (YAML or JSON), relative to the scenario file.
        file: String,
    },
    /// Decided by the host program once per tick (`docs/policies.md` § Policies written in
    /// Python): it needs a host that supplies the policy (Python `policies=`, C
    /// `psim_sim_set_host_policy`).
    Host {
        /// A name the host may use to tell its policies apart (shown in the agent's view).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
    },
}

impl PolicyConfig {
    /// The split rule of this policy, if any.
    pub fn split(&self) -> Option<&SplitConfig> {
        match self {
            PolicyConfig::Fifo { split }
            | PolicyConfig::Deadline { split }
            | PolicyConfig::LiquidityAware { split, .. }
            | PolicyConfig::UrgentFirst { split, .. }
            | PolicyConfig::Tree { split, .. } => split.as_ref(),
            // The host splits by its decisions.
            PolicyConfig::Host { .. } => None,
            PolicyConfig::File { .. } => None,
        }
    }
}

/// Splitting of released payments larger than `threshold` into at most `max_parts` parts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(remote = "Self", deny_unknown_fields)]
#[schemars(rename = "SplitConfig")] // `remote = "Self"` would name the schema `Self`
pub struct SplitConfig {
    /// Payments above this amount are split (> 0).
    #[schemars(range(min = 1))]
    pub threshold: i64,
    /// Most parts one payment becomes (≥ 2).
    #[schemars(range(min = 2, max = MAX_SPLIT_PARTS))]
    pub max_parts: i64,
}

/// Poisson arrivals of payment orders for one sender.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(remote = "Self", deny_unknown_fields)]
#[schemars(rename = "ArrivalConfig")] // `remote = "Self"` would name the schema `Self`
pub struct ArrivalConfig {
    /// Mean number of new orders per tick (Poisson λ).
    #[schemars(extend("exclusiveMinimum" = 0), range(max = MAX_RATE_PER_TICK))]
    pub rate_per_tick: f64,
    /// Distribution of amounts (cents).
    pub distribution: AmountDistribution,
    /// Relative weights of receivers. Drawn in the receivers' configuration order.
    #[serde(deserialize_with = "unique_keys")]
    #[schemars(extend("minProperties" = 1, "additionalProperties" = {"type": "number", "minimum": 0}))]
    pub counterparty_weights: BTreeMap<String, f64>,
    /// Ticks from arrival to deadline (≥ 1).
    #[serde(
        default = "default_deadline_offset",
        deserialize_with = "null_as_deadline_offset"
    )]
    #[schemars(with = "Option<i64>", range(min = 1))]
    pub deadline_offset: i64,
    /// Priority of generated orders (0–10).
    #[serde(default = "default_priority", deserialize_with = "null_as_priority")]
    #[schemars(with = "Option<i64>", range(min = 0, max = MAX_PRIORITY))]
    pub priority: i64,

    // ----- traffic (issue 17: `docs/model.md` § Traffic) -----
    /// Intraday profile (absent: a constant rate).
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "null_as_default"
    )]
    #[schemars(with = "Option<Vec<super::ProfileBand>>")]
    pub profile: Vec<super::ProfileBand>,
    /// A share of time-critical payments (absent: none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_critical: Option<super::TimeCritical>,

    // ----- timed payments (issue 18: `docs/model.md` § Timed payments) -----
    /// A share of payments with a from-time (absent: none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timed: Option<crate::rules::TimedShare>,
}

/// Distribution of generated amounts, in cents (rounded, at least 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(remote = "Self", tag = "type", deny_unknown_fields)]
#[schemars(rename = "AmountDistribution")] // `remote = "Self"` would name the schema `Self`
pub enum AmountDistribution {
    /// Normal(mean, std_dev).
    Normal {
        /// Mean (> 0).
        #[schemars(extend("exclusiveMinimum" = 0))]
        mean: f64,
        /// Standard deviation (> 0).
        #[schemars(extend("exclusiveMinimum" = 0))]
        std_dev: f64,
    },
    /// exp(Normal(mean_log, std_dev_log)).
    LogNormal {
        /// Mean of the logarithm (finite).
        mean_log: f64,
        /// Standard deviation of the logarithm (> 0).
        #[schemars(extend("exclusiveMinimum" = 0))]
        std_dev_log: f64,
    },
    /// Uniform integer in `[min, max]`.
    Uniform {
        /// Smallest amount (≥ 0).
        #[schemars(range(min = 0))]
        min: i64,
        /// Largest amount (> min).
        max: i64,
    },
}

/// Cost rates, integer cents. Defaults are the seed's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(remote = "Self", deny_unknown_fields, default)]
#[schemars(rename = "CostRates")] // `remote = "Self"` would name the schema `Self`
pub struct CostRates {
    /// Overdraft cost in parts per million of the negative balance, per tick.
    #[serde(deserialize_with = "null_as_default")]
    #[schemars(with = "Option<i64>", range(min = 0, max = MAX_LIQUIDITY_RATE_PPM))]
    pub liquidity_cost_per_unit_per_tick: i64,
    /// Cost per unsettled order (Queue 1 or Queue 2) per tick.
    #[serde(deserialize_with = "null_as_delay_cost")]
    #[schemars(with = "Option<i64>", range(min = 0))]
    pub delay_cost_per_tick: i64,
    /// Cost per extra part when a payment is split.
    #[serde(deserialize_with = "null_as_split_cost")]
    #[schemars(with = "Option<i64>", range(min = 0))]
    pub split_friction_cost: i64,
    /// Penalty once per order that misses its deadline.
    #[serde(deserialize_with = "null_as_deadline_penalty")]
    #[schemars(with = "Option<i64>", range(min = 0))]
    pub deadline_penalty: i64,
    /// Penalty per order still unsettled at the end of a day.
    #[serde(deserialize_with = "null_as_eod_penalty")]
    #[schemars(with = "Option<i64>", range(min = 0))]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(remote = "Self", deny_unknown_fields, default)]
#[schemars(rename = "LsmConfig")] // `remote = "Self"` would name the schema `Self`
pub struct LsmConfig {
    /// Bilateral offsetting of opposite queued payments.
    #[serde(deserialize_with = "null_as_true")]
    #[schemars(with = "Option<bool>")]
    pub bilateral: bool,
    /// Multilateral offsetting (gridlock resolution).
    #[serde(deserialize_with = "null_as_true")]
    #[schemars(with = "Option<bool>")]
    pub multilateral: bool,
    /// How offsetting chooses what settles (`docs/model.md`, "Offsetting algorithms"). Absent:
    /// the default of the offsetting semantics the simulation runs under (`greedy_exact` for
    /// new runs, `greedy_removal` for documents written under semantics 1), and left out when
    /// written, so documents written before it existed keep their rule and their bytes.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "null_as_default"
    )]
    pub algorithm: Option<LsmAlgorithm>,
    /// Search nodes one offsetting attempt of `exact` or `greedy_exact` may spend (absent: the
    /// core's default, `offsetting::EXACT_NODE_BUDGET`; bounds `EXACT_NODE_BUDGET_RANGE`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "null_as_default"
    )]
    #[schemars(range(min = 1, max = crate::settlement::lsm::EXACT_NODE_BUDGET_MAX))]
    pub exact_node_budget: Option<u64>,
    /// The largest part (in payments) that `exact` searches, and the Queue 2 size up to which
    /// `greedy_exact` searches (absent: `offsetting::EXACT_MAX_PART`; bounds
    /// `EXACT_MAX_PART_RANGE`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "null_as_default"
    )]
    #[schemars(range(min = 1, max = crate::settlement::lsm::EXACT_MAX_PART_MAX))]
    pub exact_max_part: Option<u64>,
    /// What the exact search of `exact` and `greedy_exact` maximises (absent: the default of
    /// the offsetting semantics, `age_weighted_value` for new runs, `value` under semantics 1).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "null_as_default"
    )]
    pub search_objective: Option<SearchObjective>,
}

/// What the exact search maximises (`docs/model.md`, "Offsetting algorithms").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(remote = "Self", rename_all = "snake_case")]
#[schemars(rename = "SearchObjective")] // `remote = "Self"` would name the schema `Self`
pub enum SearchObjective {
    /// The total value settled.
    Value,
    /// Each payment's value times one plus the ticks it has waited since it arrived: among
    /// payments queued equally long, the value; otherwise older payments count more.
    AgeWeightedValue,
}

impl Default for LsmConfig {
    fn default() -> Self {
        LsmConfig {
            bilateral: true,
            multilateral: true,
            algorithm: None,
            exact_node_budget: None,
            exact_max_part: None,
            search_objective: None,
        }
    }
}

/// An offsetting algorithm (each is specified in `docs/model.md`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(remote = "Self", rename_all = "snake_case")]
#[schemars(rename = "LsmAlgorithm")] // `remote = "Self"` would name the schema `Self`
pub enum LsmAlgorithm {
    /// The rules (and default) of offsetting semantics 1: per pair, then over all of Queue 2,
    /// remove the short side's payment latest in retry order until the rest is fundable.
    GreedyRemoval,
    /// The largest fundable set of per-sender prefixes (retry order) of all of Queue 2,
    /// bilateral and multilateral together.
    PrefixOptimum,
    /// Deficit-guided removal and re-insertion passes, started also from `greedy_removal`'s
    /// result: never settles less than `greedy_removal`.
    DeficitHeuristic,
    /// Branch and bound for the largest fundable set, within a work budget; the best set
    /// found (at least the heuristic's) when the budget runs out.
    Exact,
    /// `greedy_removal`, completed by branch and bound from its set while Queue 2 holds at
    /// most `exact_max_part` payments: the largest fundable set of a small gridlock (within
    /// the budget), never less than `greedy_removal` by its search objective, and its cost on
    /// large queues. The default from offsetting semantics 2.
    GreedyExact,
}

/// Whether a fundable payment may pass a waiting payment of the same sender.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(remote = "Self", rename_all = "snake_case")]
#[schemars(rename = "QueueDiscipline")] // `remote = "Self"` would name the schema `Self`
pub enum QueueDiscipline {
    /// A fundable payment settles even if an earlier one of the same sender waits (TARGET2).
    #[default]
    BypassFifo,
    /// Strict: nothing passes a waiting payment of the same sender.
    Fifo,
}

/// Treatment of payments unsettled at their deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(remote = "Self", rename_all = "snake_case")]
#[schemars(rename = "DeadlineMode")] // `remote = "Self"` would name the schema `Self`
pub enum DeadlineMode {
    /// Remove from its queue and charge the deadline penalty (the seed's behaviour).
    #[default]
    Drop,
    /// Keep it queued, mark it overdue, and charge the penalty once.
    Overdue,
}

/// How much of the event stream is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(remote = "Self", rename_all = "snake_case")]
#[schemars(rename = "EventRecording")] // `remote = "Self"` would name the schema `Self`
pub enum EventRecording {
    /// Every state change.
    #[default]
    Full,
    /// Settlements, drops, overdue marks and end-of-day events only.
    Settlements,
    /// No events (for very long runs).
    Off,
}
