//! Snapshot document, version 6 (current): version 5 plus the fields of the block marked
//! below (each optional: absent means what version 5 meant, so a version 5 document migrates
//! without loss). Every other part is version 5's, re-exported here so that a reader of this
//! module sees the whole format.

use serde::{Deserialize, Serialize};

use super::v5;
use crate::config::serde_helpers::mapping_only;
use crate::provenance::Provenance;
use crate::SimulationConfig;

// Read from a JSON object only, never from a list (see `mapping_only!`).
mapping_only! {
    struct Snapshot;
}

pub use super::v5::{
    AgentPositions, AgentTotals, ByMechanism, Costs, Event, EventKind, Indicators, Location,
    LsmTotals, Mechanism, RulesState, Schedule, TimeSeries, Totals, Transaction, TxId,
};
pub use crate::import::FedState;
pub use crate::policy::state::{AgentMemoryDoc, PolicyMemoryDoc};
pub use crate::rules::{LimitsDoc, ReservationDoc, TimedDoc};
use std::collections::BTreeMap;

/// The `schema_version` of this format.
pub const VERSION: u32 = 6;

/// A complete simulation state, version 6.
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
    /// Each agent's Queue 1, in queue order, then its payments waiting for their from-time
    /// (in from-time order; listed in `timed`).
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
    /// The schedule and what its applied actions changed (as in version 4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<Schedule>,
    /// The indicators' accumulators (as in version 4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indicators: Option<Box<Indicators>>,
    /// The time-series recorder (as in version 4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeseries: Option<Box<TimeSeries>>,
    /// Offsetting work since the start (as in version 4).
    #[serde(default, skip_serializing_if = "LsmTotals::is_zero")]
    pub lsm: LsmTotals,
    /// The rules' state (as in version 5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rules: Option<RulesState>,
    // ----- version 6 (one block per branch; the release unions them) -----
    // rules2 (issue 18): timed payments.
    /// The payments whose from-time is ahead, in (from-time, id) order (absent: none); each
    /// one's id and from-time — the payments themselves are in `queue1` (waiting, out of the
    /// policy's sight) or `pending_manual`, as in version 5.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub timed: Vec<TimedDoc>,
    // import3 (issue 12): a run fed from a payments file, suspended (`crate::import::state`).
    /// The payments file, where reading resumes and the imported payments whose results are
    /// still to come (absent: not a fed run, or nothing left of one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payments: Option<Box<FedState>>,
    // policies2 (issue 19): what the `Tree` policies remember.
    /// Registers, today's payments, rolling windows (absent: nothing remembered).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_memory: Option<PolicyMemoryDoc>,
    // sched (issue 18): reservations set by scheduled `reservation` actions.
    /// Each agent's reservations where they differ from the configuration's, by agent id
    /// (absent: as configured).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub reservations: BTreeMap<String, ReservationDoc>,
    /// Each agent's limits where they differ from the configuration's (set by scheduled
    /// `limit` actions), by agent id (absent: as configured).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub limits: BTreeMap<String, LimitsDoc>,
    // ----- end of version 6 -----
}

impl Snapshot {
    /// The migration from version 5: nothing of version 6 (a version 5 engine had none of it).
    pub fn from_v5(old: v5::Snapshot) -> Self {
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
            events: old.events,
            schedule: old.schedule,
            indicators: old.indicators,
            timeseries: old.timeseries,
            lsm: old.lsm,
            rules: old.rules,
            timed: Vec::new(),
            payments: None,
            policy_memory: None,
            reservations: BTreeMap::new(),
            limits: BTreeMap::new(),
        }
    }
}
