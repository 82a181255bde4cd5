//! Snapshot document, version 2: version 1 plus the [`Provenance`] of the state.
//!
//! **Frozen** since version 3 (which adds `events_discarded`).
//!
//! The parts that did not change are version 1's types, re-exported here, so that a reader of
//! this module sees the whole format. When the next version changes one of them, that version
//! defines its own type and its migration converts; the types here stay as they are.

use serde::{Deserialize, Serialize};

use super::v1;
use crate::provenance::{Provenance, Semantics};
use crate::SimulationConfig;

pub use super::v1::{
    AgentTotals, ByMechanism, Costs, Event, EventKind, Location, Mechanism, Totals, Transaction,
    TxId,
};

/// The `schema_version` of this format.
pub const VERSION: u32 = 2;

/// Written in `provenance.engine_version` when a version 1 document, which did not record its
/// writer, is migrated.
pub const UNRECORDED_ENGINE_VERSION: &str = "unrecorded";

/// A complete simulation state, version 2.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Snapshot {
    /// Always [`VERSION`].
    pub schema_version: u32,
    /// What wrote this state: engine version, the semantics versions the simulation runs under
    /// (a restore continues under exactly these), scenario hash and seed.
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
    /// Queue 2, by sender, each sender's payments in queue order.
    pub queue2: Vec<Transaction>,
    /// The running totals behind the statistics.
    pub totals: Totals,
    /// The recorded events.
    pub events: Vec<Event>,
}

impl Snapshot {
    /// The migration from version 1. A version 1 document was written under the original
    /// semantics (version 1 of each); its writer was not recorded. The scenario hash and the
    /// seed follow from its configuration. Nothing else changes.
    pub fn from_v1(old: v1::Snapshot) -> Self {
        let mut provenance = Provenance::new(&old.config, Semantics::ORIGINAL);
        provenance.engine_version = UNRECORDED_ENGINE_VERSION.to_string();
        Snapshot {
            schema_version: VERSION,
            provenance,
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
            events: old.events,
        }
    }
}
