//! Snapshot document, version 6 (current): version 5 plus
//! - `policy_memory`, what decision-tree policies remember (`crate::policy::state`): the
//!   registers r0–r3, the value paid today and the rolling windows' buckets per agent.
//!
//! The new field is optional: absent means what version 5 meant (no policy remembers
//! anything), so a version 5 document migrates without loss. Every other part is version
//! 5's, re-exported here so that a reader of this module sees the whole format.

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
pub use crate::policy::state::{AgentMemoryDoc, PolicyMemoryDoc};

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
    /// The rules' state (absent: no rule configured).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rules: Option<RulesState>,
    // ----- version 6 additions (one block per branch; the lead unions them) -----
    /// What the `Tree` policies remember (issue 19): registers, today's payments, rolling
    /// windows (absent: nothing remembered).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_memory: Option<PolicyMemoryDoc>,
}

impl Snapshot {
    /// The migration from version 5: no policy memory (a version 5 engine kept none).
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
            policy_memory: None,
        }
    }
}
