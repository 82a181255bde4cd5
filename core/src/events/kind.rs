//! What happened: the kinds of event, the agents each names, and the levels that keep it.

use serde::{Deserialize, Serialize};

use super::Mechanism;
use crate::config::EventRecording;
use crate::rules::PaymentClass;
use crate::transaction::{AgentIdx, TxId};

/// What happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub(crate) enum EventKind {
    Arrival {
        tx: TxId,
        sender: AgentIdx,
        receiver: AgentIdx,
        amount: i64,
        deadline_tick: u64,
        priority: u8,
    },
    Released {
        tx: TxId,
        sender: AgentIdx,
    },
    Held {
        tx: TxId,
        sender: AgentIdx,
    },
    Split {
        tx: TxId,
        sender: AgentIdx,
        parts: u32,
    },
    Queued {
        tx: TxId,
        sender: AgentIdx,
    },
    Settled {
        tx: TxId,
        sender: AgentIdx,
        receiver: AgentIdx,
        amount: i64,
        mechanism: Mechanism,
    },
    Dropped {
        tx: TxId,
        sender: AgentIdx,
        amount: i64,
    },
    Overdue {
        tx: TxId,
        sender: AgentIdx,
        amount: i64,
    },
    EndOfDay {
        day: u64,
        settlements: u64,
        settled_value: i64,
        drops: u64,
        unsettled: u64,
        eod_penalties: i64,
    },
    // Applied scheduled actions (`crate::schedule`).
    OutageStarted {
        agent: AgentIdx,
        to_tick: u64,
        block_receiving: bool,
    },
    OutageEnded {
        agent: AgentIdx,
    },
    Liquidity {
        agent: AgentIdx,
        amount: i64,
        requested: i64,
    },
    CreditLimit {
        agent: AgentIdx,
        credit_limit: i64,
        requested: i64,
    },
    ArrivalRate {
        agent: AgentIdx,
        rate: f64,
    },
    CounterpartyWeights {
        agent: AgentIdx,
    },
    Lsm {
        bilateral: bool,
        multilateral: bool,
    },
    /// A tree policy's `do` leaf changed the priority of an order in Queue 1 (`from` → `to`).
    PriorityChanged {
        tx: TxId,
        sender: AgentIdx,
        from: u8,
        to: u8,
    },
    // Issue 18: scheduled rule changes (only runs that schedule them record these).
    /// A scheduled `reservation` action set what `agent` reserves for `class` (`from` → `to`).
    ReservationChanged {
        agent: AgentIdx,
        class: PaymentClass,
        from: i64,
        to: i64,
    },
    /// A scheduled `limit` action set `agent`'s bilateral limit toward `counterparty` (`None`:
    /// its multilateral limit), `from` → `to`.
    LimitChanged {
        agent: AgentIdx,
        counterparty: Option<AgentIdx>,
        from: i64,
        to: i64,
    },
}

impl EventKind {
    /// The agents an event names (for validating restored snapshots).
    pub(crate) fn agents(&self) -> [Option<AgentIdx>; 2] {
        match self {
            EventKind::Arrival {
                sender, receiver, ..
            }
            | EventKind::Settled {
                sender, receiver, ..
            } => [Some(*sender), Some(*receiver)],
            EventKind::Released { sender, .. }
            | EventKind::Held { sender, .. }
            | EventKind::Split { sender, .. }
            | EventKind::Queued { sender, .. }
            | EventKind::Dropped { sender, .. }
            | EventKind::Overdue { sender, .. }
            | EventKind::PriorityChanged { sender, .. } => [Some(*sender), None],
            EventKind::OutageStarted { agent, .. }
            | EventKind::OutageEnded { agent }
            | EventKind::Liquidity { agent, .. }
            | EventKind::CreditLimit { agent, .. }
            | EventKind::ArrivalRate { agent, .. }
            | EventKind::CounterpartyWeights { agent } => [Some(*agent), None],
            EventKind::EndOfDay { .. } | EventKind::Lsm { .. } => [None, None],
            EventKind::ReservationChanged { agent, .. } => [Some(*agent), None],
            EventKind::LimitChanged {
                agent,
                counterparty,
                ..
            } => [Some(*agent), *counterparty],
        }
    }

    /// Whether it records an applied scheduled action.
    pub(crate) fn is_scheduled(&self) -> bool {
        matches!(
            self,
            EventKind::OutageStarted { .. }
                | EventKind::OutageEnded { .. }
                | EventKind::Liquidity { .. }
                | EventKind::CreditLimit { .. }
                | EventKind::ArrivalRate { .. }
                | EventKind::CounterpartyWeights { .. }
                | EventKind::Lsm { .. }
                | EventKind::ReservationChanged { .. }
                | EventKind::LimitChanged { .. }
        )
    }

    pub(crate) fn kept_at(&self, level: EventRecording) -> bool {
        match level {
            EventRecording::Full => true,
            EventRecording::Off => false,
            // Scheduled actions are kept with the settlements: external flows are needed to
            // replay the balances.
            EventRecording::Settlements => {
                self.is_scheduled()
                    || matches!(
                        self,
                        EventKind::Settled { .. }
                            | EventKind::Dropped { .. }
                            | EventKind::Overdue { .. }
                            | EventKind::EndOfDay { .. }
                    )
            }
        }
    }
}
