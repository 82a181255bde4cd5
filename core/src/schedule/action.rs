//! The scheduled action as it is written: one flat mapping whose `type` says which fields it
//! takes (`scenario_events` in a scenario file, `Simulation::schedule` live). Flat rather than
//! one struct per type so that every missing or misplaced field is a problem with its path,
//! found by the same rules in every layer (`resolve`).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::config::serde_helpers::mapping_only;
use crate::config::LsmAlgorithm;
use crate::rules::PaymentClass;

mapping_only! {
    struct ScenarioEvent;
    unit enum ActionType;
}

/// What a scheduled action does (`docs/model.md` § Scheduled actions).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(remote = "Self", rename_all = "snake_case")]
#[schemars(rename = "ActionType")] // `remote = "Self"` would name the schema `Self`
pub enum ActionType {
    /// `agent` is out of operation for ticks `from_tick ≤ t < to_tick`.
    Outage,
    /// External injection (`amount > 0`) or withdrawal (`amount < 0`) on `agent`'s account.
    Liquidity,
    /// `agent`'s intraday credit line becomes `credit_limit`.
    CreditLimit,
    /// `agent`'s (or `all` agents') arrival rate, scaled (`multiplier`) or set (`rate`), for
    /// ticks `from_tick ≤ t < to_tick`.
    ArrivalRate,
    /// `agent`'s receiver weights become `weights`.
    CounterpartyWeights,
    /// The LSM switches become `bilateral` / `multilateral`, the algorithm `algorithm` (those
    /// given).
    Lsm,
    /// A payment order that arrives at `tick`.
    Payment,
    /// `agent` posts (`amount > 0`) or withdraws collateral (`rules.participants.<id>.collateral`).
    Collateral,
    /// `agent`'s (or `all` agents') balance is brought back to its opening balance by an
    /// external injection or withdrawal (liquidity management outside the system).
    BalanceReset,
    /// `agent`'s reservation for `class` (`rules.participants.<id>.reservations`) becomes
    /// `amount`.
    Reservation,
    /// `agent`'s configured bilateral limit toward `counterparty` (without it: its
    /// multilateral limit) becomes `amount`.
    Limit,
}

impl ActionType {
    /// The name in documents.
    pub fn name(self) -> &'static str {
        match self {
            ActionType::Outage => "outage",
            ActionType::Liquidity => "liquidity",
            ActionType::CreditLimit => "credit_limit",
            ActionType::ArrivalRate => "arrival_rate",
            ActionType::CounterpartyWeights => "counterparty_weights",
            ActionType::Lsm => "lsm",
            ActionType::Payment => "payment",
            ActionType::Collateral => "collateral",
            ActionType::BalanceReset => "balance_reset",
            ActionType::Reservation => "reservation",
            ActionType::Limit => "limit",
        }
    }

    /// Whether it acts over a window `[from_tick, to_tick)` rather than at one `tick`.
    pub fn is_window(self) -> bool {
        matches!(self, ActionType::Outage | ActionType::ArrivalRate)
    }
}

/// One scheduled action. Which fields a type takes is listed in `docs/model.md` § Scheduled
/// actions; any other field present is an error. Ticks are absolute.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(remote = "Self", deny_unknown_fields)]
#[schemars(rename = "ScenarioEvent")] // `remote = "Self"` would name the schema `Self`
pub struct ScenarioEvent {
    /// What it does.
    #[serde(rename = "type")]
    pub kind: ActionType,
    /// The agent it acts on (`all`: every agent with arrivals for `arrival_rate`, every agent
    /// for `balance_reset`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
    /// The tick at which a one-off action applies (the first occurrence with `every`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tick: Option<u64>,
    /// First tick of a window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_tick: Option<u64>,
    /// First tick after a window (the window is `from_tick ≤ t < to_tick`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_tick: Option<u64>,
    /// `outage`: payments to the agent do not settle either.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_receiving: Option<bool>,
    /// `liquidity`: cents in (> 0) or out (< 0); `payment`: cents (> 0); `collateral`: cents
    /// posted (> 0) or withdrawn (< 0); `reservation`: cents reserved (≥ 0); `limit`: the limit
    /// (≥ 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<i64>,
    /// `credit_limit`: the new credit line (≥ 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_limit: Option<i64>,
    /// `arrival_rate`: factor on the configured rate (≥ 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multiplier: Option<f64>,
    /// `arrival_rate`: the rate itself (≥ 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<f64>,
    /// `counterparty_weights`: the new receiver weights.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("additionalProperties" = {"type": "number", "minimum": 0}))]
    pub weights: Option<BTreeMap<String, f64>>,
    /// `lsm`: bilateral offsetting on or off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bilateral: Option<bool>,
    /// `lsm`: multilateral offsetting on or off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multilateral: Option<bool>,
    /// `payment`: sending agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender: Option<String>,
    /// `payment`: receiving agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receiver: Option<String>,
    /// `payment`: ticks from arrival to deadline (≥ 1; default 50).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline_offset: Option<i64>,
    /// `payment`: priority 0–10 (default 5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<i64>,
    /// Repeat every day at this tick of the day (instead of `tick`; one-off types only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub every_day_at: Option<u64>,
    /// Repeat every this many ticks from `tick` (one-off types only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub every: Option<u64>,
    /// Last tick at which a repeating action may apply (default: to the horizon).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<u64>,
    /// `lsm`: the offsetting algorithm from then on (`lsm.algorithm`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub algorithm: Option<LsmAlgorithm>,
    /// `payment`: ticks from arrival to its from-time (0 to `deadline_offset`; absent: none;
    /// `docs/model.md` § Timed payments).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_offset: Option<i64>,
    /// `reservation`: the class the liquidity is reserved for (`highly_urgent` or `urgent`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<PaymentClass>,
    /// `limit`: the counterparty of the bilateral limit (absent: the multilateral limit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counterparty: Option<String>,
}

impl ScenarioEvent {
    /// An action of `kind` with no field set (builders fill in the rest).
    pub fn new(kind: ActionType) -> Self {
        ScenarioEvent {
            kind,
            agent: None,
            tick: None,
            from_tick: None,
            to_tick: None,
            block_receiving: None,
            amount: None,
            credit_limit: None,
            multiplier: None,
            rate: None,
            weights: None,
            bilateral: None,
            multilateral: None,
            sender: None,
            receiver: None,
            deadline_offset: None,
            priority: None,
            every_day_at: None,
            every: None,
            until: None,
            algorithm: None,
            from_offset: None,
            class: None,
            counterparty: None,
        }
    }

    /// A payment order arriving at `tick`.
    pub fn payment(
        tick: u64,
        sender: &str,
        receiver: &str,
        amount: i64,
        deadline_offset: i64,
        priority: i64,
    ) -> Self {
        ScenarioEvent {
            tick: Some(tick),
            sender: Some(sender.into()),
            receiver: Some(receiver.into()),
            amount: Some(amount),
            deadline_offset: Some(deadline_offset),
            priority: Some(priority),
            ..ScenarioEvent::new(ActionType::Payment)
        }
    }

    /// An outage of `agent` for `from_tick ≤ t < to_tick`.
    pub fn outage(agent: &str, from_tick: u64, to_tick: u64) -> Self {
        ScenarioEvent {
            agent: Some(agent.into()),
            from_tick: Some(from_tick),
            to_tick: Some(to_tick),
            ..ScenarioEvent::new(ActionType::Outage)
        }
    }

    /// An external injection (`amount > 0`) or withdrawal on `agent` at `tick`.
    pub fn liquidity(agent: &str, tick: u64, amount: i64) -> Self {
        ScenarioEvent {
            agent: Some(agent.into()),
            tick: Some(tick),
            amount: Some(amount),
            ..ScenarioEvent::new(ActionType::Liquidity)
        }
    }
}

/// The live input of `Simulation::schedule`: the same key as in a scenario file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleDocument {
    /// The actions, appended in this order.
    pub scenario_events: Vec<ScenarioEvent>,
}

impl ScheduleDocument {
    /// Read a schedule document, JSON or YAML: `{"scenario_events": [...]}` or the bare list
    /// (a bare list reads as the document's, so problem paths are `scenario_events[i]…`
    /// either way). Malformed text is `InvalidJson`, a wrong shape `InvalidConfig`.
    pub fn parse(text: &str) -> Result<Vec<ScenarioEvent>, crate::error::SimError> {
        let trimmed = text.trim_start();
        if trimmed.starts_with('{') || trimmed.starts_with('[') {
            let wrapped;
            let text = if trimmed.starts_with('[') {
                wrapped = format!("{{\"scenario_events\":{text}}}");
                &wrapped
            } else {
                text
            };
            let doc: ScheduleDocument =
                crate::error::parse_json_at(text, "schedule", crate::error::SimError::config)?;
            return Ok(doc.scenario_events);
        }
        let text = if trimmed.starts_with('-') {
            format!("scenario_events:\n{text}")
        } else {
            text.to_string()
        };
        let doc: ScheduleDocument = crate::document::read_yaml(&text)?;
        Ok(doc.scenario_events)
    }
}

/// One pending entry of the schedule, as `Simulation::pending_schedule` lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PendingAction {
    /// The tick at whose start it applies.
    pub tick: u64,
    /// Its sequence number (append order; ties at one tick apply in this order).
    pub seq: u64,
    /// `apply` (a one-off or the next occurrence of a repeating action), `start` or `end` (of
    /// a window; an `end` entry is an active outage or rate change).
    pub phase: Phase,
    /// The action as it was scheduled.
    pub action: ScenarioEvent,
}

/// Which part of an action a pending entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// A one-off action, or the next occurrence of a repeating one.
    Apply,
    /// The start of a window.
    Start,
    /// The end of a window that has started.
    End,
}
