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
}

impl RulesConfig {
    /// No rule configured (the section is then left out of documents).
    pub fn is_empty(&self) -> bool {
        self.classes.is_none() && self.participants.is_empty()
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
    if let Some(c) = &rules.classes {
        let top = MAX_PRIORITY + 1;
        for (name, v) in [
            ("highly_urgent_from", c.highly_urgent_from),
            ("urgent_from", c.urgent_from),
        ] {
            if !(0..=top).contains(&v) {
                let path = format!("rules.classes.{name}");
                p.push(
                    Problem::new(&path, format!("{path} must be between 0 and {top} (got {v})"))
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
        for (name, v) in [
            ("highly_urgent", res.highly_urgent),
            ("urgent", res.urgent),
        ] {
            if v < 0 {
                let path = format!("{at}.reservations.{name}");
                p.push(Problem::new(&path, format!("{path} must be ≥ 0 (got {v})")).with_value(v));
            }
        }
        let reserved = res.highly_urgent as i128 + res.urgent as i128;
        let liquidity = agent.opening_balance as i128 + agent.credit_limit as i128;
        if res.highly_urgent >= 0 && res.urgent >= 0 && reserved > liquidity {
            let path = format!("{at}.reservations");
            p.push(Problem::new(
                &path,
                format!(
                    "{path} of {id:?} ({reserved} in all) exceed its liquidity at the start (opening balance + credit limit = {liquidity})"
                ),
            ));
        }
        for (other, &limit) in &r.bilateral_limits {
            let path = format!("{at}.bilateral_limits.{other}");
            if other == id {
                p.push(
                    Problem::new(&path, format!("{path}: a participant has no limit toward itself"))
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
    }
}
