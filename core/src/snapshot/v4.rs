//! Snapshot document, version 4 (current): version 3 plus
//! - the schedule of timed inputs (`schedule`, absent when nothing was ever scheduled) and the
//!   event kinds of applied scheduled actions;
//! - the indicators' accumulators and the time-series recorder, so that a restored run
//!   reports the same indicators and keeps recording as the run that never stopped;
//! - `lsm`, the offsetting work counted in the statistics (`stats().lsm`).
//!
//! Every new field is optional: absent means what version 3 meant (nothing scheduled; no
//! indicator history — the indicators of a restored version-3 state begin at its tick; no
//! recorder; no offsetting work counted), so a version 3 document migrates without loss. The
//! indicator and recorder types are those of `crate::indicators::state` and
//! `crate::timeseries`, which say that they are this format: a later change to them copies
//! them here first.
//!
//! The parts that did not change are version 1's types, re-exported here, so that a reader of
//! this module sees the whole format.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{v1, v3};
use crate::config::serde_helpers::mapping_only;
use crate::config::LsmConfig;
use crate::provenance::Provenance;
use crate::schedule::PendingAction;
use crate::SimulationConfig;

// Read from a JSON object only, never from a list (see `mapping_only!`).
mapping_only! {
    struct Snapshot;
    struct Schedule;
    struct LsmTotals;
}

pub use super::v1::{
    AgentTotals, ByMechanism, Costs, Location, Mechanism, Totals, Transaction, TxId,
};

pub use crate::indicators::state::IndicatorState as Indicators;
pub use crate::timeseries::Recorder as TimeSeries;

/// The `schema_version` of this format.
pub const VERSION: u32 = 4;

/// A complete simulation state, version 4.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct Snapshot {
    /// Always [`VERSION`].
    pub schema_version: u32,
    /// What wrote this state (as in version 2).
    pub provenance: Provenance,
    /// The configuration, normalised (as in version 1).
    pub config: SimulationConfig,
    /// Ticks executed (the next tick to run).
    pub tick: u64,
    /// Sequence number of the next order.
    pub next_tx_seq: u64,
    /// Entry number of the next payment to join Queue 2.
    pub next_queue2_entry: u64,
    /// Balances in configuration order.
    pub balances: Vec<i64>,
    /// Word position of each agent's arrival stream (decimal; null without arrivals).
    pub arrival_stream_positions: Vec<Option<String>>,
    /// Each agent's Queue 1, in queue order.
    pub queue1: Vec<Vec<Transaction>>,
    /// Manual submissions and scheduled payments that join Queue 1 at the next tick's arrival
    /// step.
    pub pending_manual: Vec<Transaction>,
    /// Queue 2, by sender, each sender's payments in retry order.
    pub queue2: Vec<Transaction>,
    /// The running totals behind the statistics.
    pub totals: Totals,
    /// How many recorded events were discarded: those numbered 1 to `events_discarded`.
    pub events_discarded: u64,
    /// The retained events, numbered from `events_discarded + 1` on.
    pub events: Vec<Event>,
    /// The schedule and what its applied actions changed; absent when nothing was ever
    /// scheduled (besides manual submissions, which join at once).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<Schedule>,
    /// The indicators' accumulators (absent: none kept, as in version 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indicators: Option<Box<Indicators>>,
    /// The time-series recorder (absent: not recording).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeseries: Option<Box<TimeSeries>>,
    /// Offsetting work since the start (absent: none).
    #[serde(default, skip_serializing_if = "LsmTotals::is_zero")]
    pub lsm: LsmTotals,
}

/// Offsetting work since the start (the counters of `stats().lsm`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct LsmTotals {
    /// Ticks in which offsetting settled something.
    pub runs: u64,
    /// Offsets settled.
    pub offsets: u64,
    /// Offsets chosen after the exact solver ran out of budget.
    pub exact_budget_exhausted: u64,
}

impl LsmTotals {
    /// Nothing counted (the field is then left out).
    pub fn is_zero(&self) -> bool {
        *self == LsmTotals::default()
    }
}

/// The schedule's state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct Schedule {
    /// The last sequence number given to an action.
    pub last_seq: u64,
    /// Pending entries in the order they apply (`Simulation::pending_schedule`).
    pub pending: Vec<PendingAction>,
    /// Every credit limit, once a `credit_limit` action has applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_limits: Option<Vec<i64>>,
    /// Receiver weights set by `counterparty_weights` actions, per agent (null: configured).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weights: Option<Vec<Option<BTreeMap<String, f64>>>>,
    /// LSM switches set by an `lsm` action.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lsm: Option<LsmConfig>,
    /// Injections minus withdrawals so far, all agents (exact; may pass the i64 range over a
    /// long run that injects and withdraws repeatedly).
    pub external_net: i128,
    /// All injections so far.
    pub external_inflow: i64,
    /// All withdrawals so far.
    pub external_outflow: i64,
}

/// One recorded event: `seq`, `tick`, then `type` and the fields of that type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Sequence number (1, 2, …).
    pub seq: u64,
    /// Tick in which it happened.
    pub tick: u64,
    /// What happened.
    #[serde(flatten)]
    pub kind: EventKind,
}

/// What happened (agents are indices).
#[allow(missing_docs)] // the fields are those of the event stream, documented in docs/json.md
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum EventKind {
    /// An order entered its sender's Queue 1.
    Arrival {
        tx: TxId,
        sender: u32,
        receiver: u32,
        amount: i64,
        deadline_tick: u64,
        priority: u8,
    },
    /// The policy released it.
    Released { tx: TxId, sender: u32 },
    /// The policy held it.
    Held { tx: TxId, sender: u32 },
    /// It was split into `parts` parts.
    Split { tx: TxId, sender: u32, parts: u32 },
    /// It joined Queue 2.
    Queued { tx: TxId, sender: u32 },
    /// It settled.
    Settled {
        tx: TxId,
        sender: u32,
        receiver: u32,
        amount: i64,
        mechanism: Mechanism,
    },
    /// It was dropped at its deadline.
    Dropped { tx: TxId, sender: u32, amount: i64 },
    /// It passed its deadline and stays queued.
    Overdue { tx: TxId, sender: u32, amount: i64 },
    /// A business day ended.
    EndOfDay {
        day: u64,
        settlements: u64,
        settled_value: i64,
        drops: u64,
        unsettled: u64,
        eod_penalties: i64,
    },
    /// An outage started (`block_receiving`: payments to it stop too); it ends at `to_tick`.
    OutageStarted {
        agent: u32,
        to_tick: u64,
        block_receiving: bool,
    },
    /// An outage ended.
    OutageEnded { agent: u32 },
    /// An external injection (`amount > 0`) or withdrawal applied (`requested`: asked).
    Liquidity {
        agent: u32,
        amount: i64,
        requested: i64,
    },
    /// A credit line changed to `credit_limit` (`requested`: asked).
    CreditLimit {
        agent: u32,
        credit_limit: i64,
        requested: i64,
    },
    /// An arrival rate changed.
    ArrivalRate { agent: u32, rate: f64 },
    /// Receiver weights changed.
    CounterpartyWeights { agent: u32 },
    /// The LSM switches changed.
    Lsm { bilateral: bool, multilateral: bool },
    /// A tree policy changed an order's priority in Queue 1 (added in this session's
    /// release, v6: documents of versions 4 and 5 never hold it).
    PriorityChanged {
        tx: TxId,
        sender: u32,
        from: u8,
        to: u8,
    },
    /// A scheduled `reservation` action applied (issue 18; added with version 7's release:
    /// older documents never hold it).
    ReservationChanged {
        agent: u32,
        class: crate::rules::PaymentClass,
        from: i64,
        to: i64,
    },
    /// A scheduled `limit` action applied (`counterparty` absent: the multilateral limit;
    /// issue 18, as `ReservationChanged`).
    LimitChanged {
        agent: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        counterparty: Option<u32>,
        from: i64,
        to: i64,
    },
}

impl EventKind {
    /// A version 1–3 event kind.
    pub fn from_v1(kind: v1::EventKind) -> Self {
        use v1::EventKind as K;
        match kind {
            K::Arrival {
                tx,
                sender,
                receiver,
                amount,
                deadline_tick,
                priority,
            } => EventKind::Arrival {
                tx,
                sender,
                receiver,
                amount,
                deadline_tick,
                priority,
            },
            K::Released { tx, sender } => EventKind::Released { tx, sender },
            K::Held { tx, sender } => EventKind::Held { tx, sender },
            K::Split { tx, sender, parts } => EventKind::Split { tx, sender, parts },
            K::Queued { tx, sender } => EventKind::Queued { tx, sender },
            K::Settled {
                tx,
                sender,
                receiver,
                amount,
                mechanism,
            } => EventKind::Settled {
                tx,
                sender,
                receiver,
                amount,
                mechanism,
            },
            K::Dropped { tx, sender, amount } => EventKind::Dropped { tx, sender, amount },
            K::Overdue { tx, sender, amount } => EventKind::Overdue { tx, sender, amount },
            K::EndOfDay {
                day,
                settlements,
                settled_value,
                drops,
                unsettled,
                eod_penalties,
            } => EventKind::EndOfDay {
                day,
                settlements,
                settled_value,
                drops,
                unsettled,
                eod_penalties,
            },
        }
    }
}

impl Snapshot {
    /// The migration from version 3: nothing was ever scheduled, no indicator history, no
    /// recorder, offsetting work not counted.
    pub fn from_v3(old: v3::Snapshot) -> Self {
        Snapshot {
            schema_version: VERSION,
            provenance: old.provenance,
            config: old.config,
            tick: old.tick,
            next_tx_seq: old.next_tx_seq,
            next_queue2_entry: old.next_queue2_entry,
            balances: old.balances,
            arrival_stream_positions: old.arrival_stream_positions,
            queue1: old.queue1,
            pending_manual: old.pending_manual,
            queue2: old.queue2,
            totals: old.totals,
            events_discarded: old.events_discarded,
            events: old
                .events
                .into_iter()
                .map(|e| Event {
                    seq: e.seq,
                    tick: e.tick,
                    kind: EventKind::from_v1(e.kind),
                })
                .collect(),
            schedule: None,
            indicators: None,
            timeseries: None,
            lsm: LsmTotals::default(),
        }
    }
}
