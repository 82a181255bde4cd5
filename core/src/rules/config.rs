//! The `rules` section of a configuration (`docs/model.md` § The rules of real RTGS systems):
//! priority classes, and per participant its liquidity reservations and its bilateral and
//! multilateral limits. Absent (or empty), none of these rules apply and every result is what
//! it was before they existed.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::config::{AgentConfig, MAX_PRIORITY};
use crate::error::Problem;

/// Default lowest priority of the highly urgent class.
pub const DEFAULT_HIGHLY_URGENT_FROM: i64 = 10;
/// Default lowest priority of the urgent class.
pub const DEFAULT_URGENT_FROM: i64 = 7;

/// A payment's class, from its priority (`rules.classes`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum PaymentClass {
    /// Priorities from `highly_urgent_from` to 10.
    HighlyUrgent,
    /// Priorities from `urgent_from` below `highly_urgent_from`.
    Urgent,
    /// Every lower priority.
    Normal,
}

impl PaymentClass {
    /// 0 for highly urgent, 1 urgent, 2 normal (the order of Queue 2).
    pub fn rank(self) -> usize {
        self as usize
    }
}

/// The rules of a real RTGS system; every part is optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RulesConfig {
    /// How priorities map onto classes, and which classes offsetting may settle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classes: Option<ClassConfig>,
    /// Per participant (by id): reservations and limits.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub participants: BTreeMap<String, ParticipantRules>,
    /// Offsetting at entry: a payment that cannot settle gross when it enters RTGS settles at
    /// once with the first payment its receiver has queued to its sender, when the two are
    /// fundable net (default false).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub entry_offsetting: bool,
    /// Deferred crediting: what a participant receives in a tick is usable only from the next
    /// tick (default false: at once).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deferred_crediting: bool,
}

impl RulesConfig {
    /// No rule configured (the section is then left out of documents).
    pub fn is_empty(&self) -> bool {
        self.classes.is_none()
            && self.participants.is_empty()
            && !self.entry_offsetting
            && !self.deferred_crediting
    }
}

/// Priority classes (TARGET2's highly urgent / urgent / normal) over the 0–10 priorities.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClassConfig {
    /// Lowest priority of the highly urgent class (0–11; 11: no such class; default 10).
    #[serde(default = "default_highly_urgent_from")]
    #[schemars(range(min = 0, max = 11))]
    pub highly_urgent_from: i64,
    /// Lowest priority of the urgent class (0–11, at most `highly_urgent_from`; default 7).
    #[serde(default = "default_urgent_from")]
    #[schemars(range(min = 0, max = 11))]
    pub urgent_from: i64,
    /// Classes that offsetting (bilateral and multilateral) never settles; they settle gross.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_offset: Vec<PaymentClass>,
    /// Queue 2 orders by class, then entry (FIFO within a class): the finer priority within a
    /// class is ignored (default false: class, priority, entry).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub fifo_within_class: bool,
}

fn default_highly_urgent_from() -> i64 {
    DEFAULT_HIGHLY_URGENT_FROM
}
fn default_urgent_from() -> i64 {
    DEFAULT_URGENT_FROM
}

impl Default for ClassConfig {
    fn default() -> Self {
        ClassConfig {
            highly_urgent_from: DEFAULT_HIGHLY_URGENT_FROM,
            urgent_from: DEFAULT_URGENT_FROM,
            not_offset: Vec::new(),
            fifo_within_class: false,
        }
    }
}

/// One participant's reservations and limits.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ParticipantRules {
    /// Liquidity kept for the higher classes (cents).
    #[serde(default, skip_serializing_if = "Reservations::is_zero")]
    pub reservations: Reservations,
    /// Per counterparty (by id): the largest net debit position (cents, ≥ 0) that this
    /// participant's normal payments may create toward it in a day.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub bilateral_limits: BTreeMap<String, i64>,
    /// The largest net debit position (cents, ≥ 0) that its normal payments may create in a
    /// day toward all the counterparties without a bilateral limit, together.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multilateral_limit: Option<i64>,
    /// Intraday credit against collateral: the credit line is `posted × (1 − haircut)`
    /// (rounded down) instead of the agent's `credit_limit`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collateral: Option<Collateral>,
}

/// Collateral posted with the central bank for intraday credit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Collateral {
    /// Collateral posted at the start (cents, ≥ 0); scheduled `collateral` actions post more
    /// or withdraw some.
    pub posted: i64,
    /// Share of its value not lent against (0 ≤ haircut < 1).
    pub haircut: f64,
    /// Cost of holding it, per tick, in parts per million of the posted value (0–1,000,000,
    /// default 0), charged as liquidity cost.
    #[serde(default, skip_serializing_if = "is_zero")]
    #[schemars(range(min = 0, max = 1_000_000))]
    pub cost_per_unit_per_tick: i64,
}

fn is_zero(v: &i64) -> bool {
    *v == 0
}

/// The credit line `posted` collateral gives at `haircut`: `⌊posted × (1 − haircut)⌋`.
pub fn collateral_credit(posted: i64, haircut: f64) -> i64 {
    (posted as f64 * (1.0 - haircut)).floor() as i64
}

/// Each agent's credit line at the start: its collateral's when it has some, else its
/// `credit_limit`.
pub(crate) fn credit_lines(config: &crate::config::SimulationConfig) -> Vec<i64> {
    credit_lines_of(&config.rules, &config.agent_configs)
}

impl ParticipantRules {
    /// Whether it has a bilateral or multilateral limit.
    pub fn has_limits(&self) -> bool {
        !self.bilateral_limits.is_empty() || self.multilateral_limit.is_some()
    }
}

/// Liquidity reserved for the higher classes: a normal payment may use only what exceeds
/// both reservations, an urgent one what exceeds `highly_urgent`, a highly urgent one all.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Reservations {
    /// Reserved for highly urgent payments (cents, ≥ 0).
    #[serde(default)]
    #[schemars(range(min = 0))]
    pub highly_urgent: i64,
    /// Reserved for urgent (and highly urgent) payments (cents, ≥ 0).
    #[serde(default)]
    #[schemars(range(min = 0))]
    pub urgent: i64,
}

impl Reservations {
    /// Nothing reserved.
    pub fn is_zero(&self) -> bool {
        *self == Reservations::default()
    }
}

/// Check the `rules` section against the agents; push every problem with its path.
pub(crate) fn validate(rules: &RulesConfig, agents: &[AgentConfig], p: &mut Vec<Problem>) {
    super::timed::validate(agents, p); // `arrival_config.timed`, configured per agent
    if let Some(c) = &rules.classes {
        let top = MAX_PRIORITY + 1;
        for (name, v) in [
            ("highly_urgent_from", c.highly_urgent_from),
            ("urgent_from", c.urgent_from),
        ] {
            if !(0..=top).contains(&v) {
                let path = format!("rules.classes.{name}");
                p.push(
                    Problem::new(
                        &path,
                        format!("{path} must be between 0 and {top} (got {v})"),
                    )
                    .with_value(v),
                );
            }
        }
        if c.urgent_from > c.highly_urgent_from {
            let path = "rules.classes.urgent_from";
            p.push(
                Problem::new(
                    path,
                    format!(
                        "{path} ({}) must not exceed rules.classes.highly_urgent_from ({})",
                        c.urgent_from, c.highly_urgent_from
                    ),
                )
                .with_value(c.urgent_from),
            );
        }
    }
    for (id, r) in &rules.participants {
        let at = format!("rules.participants.{id}");
        let Some(agent) = agents.iter().find(|a| &a.id == id) else {
            p.push(
                Problem::new(&at, format!("{at}: unknown participant {id:?}"))
                    .with_value(id.as_str()),
            );
            continue;
        };
        let res = r.reservations;
        for (name, v) in [("highly_urgent", res.highly_urgent), ("urgent", res.urgent)] {
            if v < 0 {
                let path = format!("{at}.reservations.{name}");
                p.push(Problem::new(&path, format!("{path} must be ≥ 0 (got {v})")).with_value(v));
            }
        }
        let reserved = res.highly_urgent as i128 + res.urgent as i128;
        // Its credit line: its collateral's when it has some.
        let credit = match &r.collateral {
            Some(c) if c.posted >= 0 && c.haircut.is_finite() => {
                collateral_credit(c.posted, c.haircut.clamp(0.0, 1.0))
            }
            Some(_) => 0,
            None => agent.credit_limit,
        };
        let liquidity = agent.opening_balance as i128 + credit as i128;
        if res.highly_urgent >= 0 && res.urgent >= 0 && reserved > liquidity {
            let path = format!("{at}.reservations");
            p.push(Problem::new(
                &path,
                format!(
                    "{path} of {id:?} ({reserved} in all) exceed its liquidity at the start (opening balance + credit line = {liquidity})"
                ),
            ));
        }
        for (other, &limit) in &r.bilateral_limits {
            let path = format!("{at}.bilateral_limits.{other}");
            if other == id {
                p.push(
                    Problem::new(
                        &path,
                        format!("{path}: a participant has no limit toward itself"),
                    )
                    .with_value(other.as_str()),
                );
            } else if !agents.iter().any(|a| &a.id == other) {
                p.push(
                    Problem::new(&path, format!("{path}: unknown counterparty {other:?}"))
                        .with_value(other.as_str()),
                );
            }
            if limit < 0 {
                p.push(
                    Problem::new(&path, format!("{path} must be ≥ 0 (got {limit})"))
                        .with_value(limit),
                );
            }
        }
        if let Some(limit) = r.multilateral_limit {
            if limit < 0 {
                let path = format!("{at}.multilateral_limit");
                p.push(
                    Problem::new(&path, format!("{path} must be ≥ 0 (got {limit})"))
                        .with_value(limit),
                );
            }
        }
        if let Some(c) = &r.collateral {
            validate_collateral(&at, agent, c, p);
        }
    }
    // The bound on money (`Σ opening + credit ≤ 2^63 − 1`) with the collateral's credit lines.
    let with_collateral = agents
        .iter()
        .any(|a| (rules.participants.get(&a.id)).is_some_and(|r| r.collateral.is_some()));
    if with_collateral && p.is_empty() {
        let total: i128 = agents
            .iter()
            .zip(credit_lines_of(rules, agents))
            .map(|(a, c)| a.opening_balance as i128 + c as i128)
            .sum();
        if total > i64::MAX as i128 {
            p.push(Problem::new(
                "rules.participants",
                format!(
                    "the sum of opening balances and credit lines with collateral ({total}) exceeds the largest representable amount ({})",
                    i64::MAX
                ),
            ));
        }
    }
}

fn validate_collateral(at: &str, agent: &AgentConfig, c: &Collateral, p: &mut Vec<Problem>) {
    let at = format!("{at}.collateral");
    if c.posted < 0 {
        let path = format!("{at}.posted");
        p.push(
            Problem::new(&path, format!("{path} must be ≥ 0 (got {})", c.posted))
                .with_value(c.posted),
        );
    }
    if !(c.haircut.is_finite() && (0.0..1.0).contains(&c.haircut)) {
        let path = format!("{at}.haircut");
        p.push(
            Problem::new(
                &path,
                format!("{path} must be at least 0 and below 1 (got {})", c.haircut),
            )
            .with_float(c.haircut),
        );
    }
    if !(0..=crate::config::MAX_LIQUIDITY_RATE_PPM).contains(&c.cost_per_unit_per_tick) {
        let path = format!("{at}.cost_per_unit_per_tick");
        p.push(
            Problem::new(
                &path,
                format!(
                    "{path} must be between 0 and {} (got {})",
                    crate::config::MAX_LIQUIDITY_RATE_PPM,
                    c.cost_per_unit_per_tick
                ),
            )
            .with_value(c.cost_per_unit_per_tick),
        );
    }
    if agent.credit_limit != 0 {
        p.push(Problem::new(
            &at,
            format!(
                "{at}: {:?} has a credit_limit ({}) too; its credit line is one or the other",
                agent.id, agent.credit_limit
            ),
        ));
    }
}

/// Whether `problem` is the check of reservations against the opening liquidity of an agent
/// whose balance is not known yet (a scenario's balance rule, worked out after validation):
/// the check is made again once the balances are resolved, on the real figures.
pub(crate) fn awaits_balance(problem: &Problem, unresolved: &[&str]) -> bool {
    (problem.path.strip_prefix("rules.participants."))
        .and_then(|rest| rest.strip_suffix(".reservations"))
        .is_some_and(|id| unresolved.contains(&id))
}

/// [`credit_lines`] from the parts.
fn credit_lines_of(rules: &RulesConfig, agents: &[AgentConfig]) -> Vec<i64> {
    (agents.iter())
        .map(|a| {
            match rules
                .participants
                .get(&a.id)
                .and_then(|r| r.collateral.as_ref())
            {
                Some(c) => collateral_credit(c.posted, c.haircut),
                None => a.credit_limit,
            }
        })
        .collect()
}
