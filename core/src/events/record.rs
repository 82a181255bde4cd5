//! An event as it leaves the library: flat, with agent names and rendered ids.

use serde::{Deserialize, Serialize};

use super::{Event, EventKind, Mechanism};
use crate::transaction::AgentIdx;

/// An event as it leaves the library: flat, with agent names and rendered ids.
/// Absent fields are omitted; `type` says which are present.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventRecord {
    /// Global sequence number (1, 2, …).
    pub seq: u64,
    /// Tick in which it happened.
    pub tick: u64,
    /// `arrival`, `released`, `held`, `split`, `queued`, `settled`, `dropped`, `overdue`, `end_of_day`, the
    /// scheduled actions' types, `priority_changed`, `reservation_changed`, `limit_changed`
    /// (`docs/json.md`).
    #[serde(rename = "type")]
    pub kind: String,
    /// Transaction id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tx: Option<String>,
    /// Sending agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender: Option<String>,
    /// Receiving agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receiver: Option<String>,
    /// Amount in cents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<i64>,
    /// Deadline tick (arrivals).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline_tick: Option<u64>,
    /// Priority (arrivals; for `priority_changed`, the new one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<u8>,
    /// Number of parts (splits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parts: Option<u32>,
    /// Settlement mechanism (settlements).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mechanism: Option<Mechanism>,
    /// Day number (end of day).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day: Option<u64>,
    /// The day's settlements (end of day).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settlements: Option<u64>,
    /// The day's settled value (end of day).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settled_value: Option<i64>,
    /// The day's drops (end of day).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drops: Option<u64>,
    /// Orders unsettled at the end of the day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unsettled: Option<u64>,
    /// End-of-day penalties charged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eod_penalties: Option<i64>,
    /// The agent a scheduled action applied to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
    /// The amount a `liquidity` or `credit_limit` action asked for (`amount` /
    /// `credit_limit` is what applied).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested: Option<i64>,
    /// The new credit line (`credit_limit`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_limit: Option<i64>,
    /// The arrival rate now in force (`arrival_rate`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<f64>,
    /// The first tick after the outage (`outage_started`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_tick: Option<u64>,
    /// Whether the outage blocks receiving (`outage_started`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_receiving: Option<bool>,
    /// Bilateral offsetting on or off (`lsm`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bilateral: Option<bool>,
    /// Multilateral offsetting on or off (`lsm`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multilateral: Option<bool>,
    /// The priority before a policy changed it (`priority_changed`; `priority` is the new one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_priority: Option<u8>,
    /// The class whose reservation changed (`reservation_changed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<crate::rules::PaymentClass>,
    /// The counterparty of a bilateral limit (`limit_changed`; absent: the multilateral one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counterparty: Option<String>,
    /// The reservation or limit before the change (`reservation_changed`, `limit_changed`;
    /// `amount` is the new one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_amount: Option<i64>,
}

impl Event {
    pub(crate) fn record(&self, names: &[String]) -> EventRecord {
        let name = |i: &AgentIdx| Some(names[*i as usize].clone());
        let mut r = EventRecord {
            seq: self.seq,
            tick: self.tick,
            kind: String::new(),
            tx: None,
            sender: None,
            receiver: None,
            amount: None,
            deadline_tick: None,
            priority: None,
            parts: None,
            mechanism: None,
            day: None,
            settlements: None,
            settled_value: None,
            drops: None,
            unsettled: None,
            eod_penalties: None,
            agent: None,
            requested: None,
            credit_limit: None,
            rate: None,
            to_tick: None,
            block_receiving: None,
            bilateral: None,
            multilateral: None,
            previous_priority: None,
            class: None,
            counterparty: None,
            previous_amount: None,
        };
        let kind = match &self.kind {
            EventKind::Arrival {
                tx,
                sender,
                receiver,
                amount,
                deadline_tick,
                priority,
            } => {
                r.tx = Some(tx.to_string());
                r.sender = name(sender);
                r.receiver = name(receiver);
                r.amount = Some(*amount);
                r.deadline_tick = Some(*deadline_tick);
                r.priority = Some(*priority);
                "arrival"
            }
            EventKind::Released { tx, sender }
            | EventKind::Held { tx, sender }
            | EventKind::Queued { tx, sender } => {
                r.tx = Some(tx.to_string());
                r.sender = name(sender);
                match self.kind {
                    EventKind::Released { .. } => "released",
                    EventKind::Held { .. } => "held",
                    _ => "queued",
                }
            }
            EventKind::Split { tx, sender, parts } => {
                r.tx = Some(tx.to_string());
                r.sender = name(sender);
                r.parts = Some(*parts);
                "split"
            }
            EventKind::Settled {
                tx,
                sender,
                receiver,
                amount,
                mechanism,
            } => {
                r.tx = Some(tx.to_string());
                r.sender = name(sender);
                r.receiver = name(receiver);
                r.amount = Some(*amount);
                r.mechanism = Some(*mechanism);
                "settled"
            }
            EventKind::Dropped { tx, sender, amount }
            | EventKind::Overdue { tx, sender, amount } => {
                r.tx = Some(tx.to_string());
                r.sender = name(sender);
                r.amount = Some(*amount);
                if matches!(self.kind, EventKind::Dropped { .. }) {
                    "dropped"
                } else {
                    "overdue"
                }
            }
            EventKind::EndOfDay {
                day,
                settlements,
                settled_value,
                drops,
                unsettled,
                eod_penalties,
            } => {
                r.day = Some(*day);
                r.settlements = Some(*settlements);
                r.settled_value = Some(*settled_value);
                r.drops = Some(*drops);
                r.unsettled = Some(*unsettled);
                r.eod_penalties = Some(*eod_penalties);
                "end_of_day"
            }
            EventKind::OutageStarted {
                agent,
                to_tick,
                block_receiving,
            } => {
                r.agent = name(agent);
                r.to_tick = Some(*to_tick);
                r.block_receiving = Some(*block_receiving);
                "outage_started"
            }
            EventKind::OutageEnded { agent } => {
                r.agent = name(agent);
                "outage_ended"
            }
            EventKind::Liquidity {
                agent,
                amount,
                requested,
            } => {
                r.agent = name(agent);
                r.amount = Some(*amount);
                r.requested = Some(*requested);
                "liquidity"
            }
            EventKind::CreditLimit {
                agent,
                credit_limit,
                requested,
            } => {
                r.agent = name(agent);
                r.credit_limit = Some(*credit_limit);
                r.requested = Some(*requested);
                "credit_limit"
            }
            EventKind::ArrivalRate { agent, rate } => {
                r.agent = name(agent);
                r.rate = Some(*rate);
                "arrival_rate"
            }
            EventKind::CounterpartyWeights { agent } => {
                r.agent = name(agent);
                "counterparty_weights"
            }
            EventKind::Lsm {
                bilateral,
                multilateral,
            } => {
                r.bilateral = Some(*bilateral);
                r.multilateral = Some(*multilateral);
                "lsm"
            }
            EventKind::PriorityChanged {
                tx,
                sender,
                from,
                to,
            } => {
                r.tx = Some(tx.to_string());
                r.sender = name(sender);
                r.previous_priority = Some(*from);
                r.priority = Some(*to);
                "priority_changed"
            }
            EventKind::ReservationChanged {
                agent,
                class,
                from,
                to,
            } => {
                r.agent = name(agent);
                r.class = Some(*class);
                r.previous_amount = Some(*from);
                r.amount = Some(*to);
                "reservation_changed"
            }
            EventKind::LimitChanged {
                agent,
                counterparty,
                from,
                to,
            } => {
                r.agent = name(agent);
                r.counterparty = counterparty.as_ref().and_then(name);
                r.previous_amount = Some(*from);
                r.amount = Some(*to);
                "limit_changed"
            }
        };
        r.kind = kind.to_string();
        r
    }
}
