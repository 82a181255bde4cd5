//! Snapshot document, version 3: version 2 plus `events_discarded`, so that a
//! snapshot holds only the events retained after `discard_events_through` (a host that stores
//! events elsewhere keeps its snapshots bounded) and later events keep their numbers.
//!
//! The parts that did not change are version 1's types, re-exported here, so that a reader of
//! this module sees the whole format. When the next version changes one of them, that version
//! defines its own type and its migration converts; the types here stay as they are.

use serde::{Deserialize, Serialize};

use super::v2;
use crate::config::serde_helpers::mapping_only;
use crate::provenance::Provenance;
use crate::SimulationConfig;

// Read from a JSON object only, never from a list (see `mapping_only!`).
mapping_only! {
    struct Snapshot;
}

pub use super::v1::{
    AgentTotals, ByMechanism, Costs, Event, EventKind, Location, Mechanism, Totals, Transaction,
    TxId,
};

/// The `schema_version` of this format.
pub const VERSION: u32 = 3;

/// A complete simulation state, version 3.
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
    /// Manual submissions that join Queue 1 at the next tick's arrival step.
    pub pending_manual: Vec<Transaction>,
    /// Queue 2, by sender, each sender's payments in retry order.
    pub queue2: Vec<Transaction>,
    /// The running totals behind the statistics.
    pub totals: Totals,
    /// How many recorded events were discarded: those numbered 1 to `events_discarded`.
    pub events_discarded: u64,
    /// The retained events, numbered from `events_discarded + 1` on.
    pub events: Vec<Event>,
}

impl Snapshot {
    /// The migration from version 2: nothing was ever discarded before version 3.
    pub fn from_v2(old: v2::Snapshot) -> Self {
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
            events_discarded: 0,
            events: old.events,
        }
    }
}
