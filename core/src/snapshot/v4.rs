//! Snapshot document, version 4 (current): version 3 plus
//! - the indicators' accumulators and the time-series recorder, so that a restored run
//!   reports the same indicators and keeps recording as the run that never stopped;
//! - `lsm`, the offsetting work counted in the statistics (`stats().lsm`), so that a restored
//!   simulation keeps counting where the original was.
//!
//! Every new field is optional: absent means what version 3 meant (no indicator history:
//! the indicators of a restored version-3 state begin at its tick; no recorder; no offsetting
//! work counted). The
//! accumulator types are those of `crate::indicators::state` and `crate::timeseries`, which
//! say that they are this format: a later change to them copies them here first.

use serde::{Deserialize, Serialize};

use super::v3;
use crate::config::serde_helpers::mapping_only;
use crate::provenance::Provenance;
use crate::SimulationConfig;

// Read from a JSON object only, never from a list (see `mapping_only!`).
mapping_only! {
    struct Snapshot;
    struct LsmTotals;
}

pub use super::v3::{
    AgentTotals, ByMechanism, Costs, Event, EventKind, Location, Mechanism, Totals, Transaction,
    TxId,
};
pub use crate::indicators::state::IndicatorState as Indicators;
pub use crate::timeseries::Recorder as TimeSeries;

/// The `schema_version` of this format.
pub const VERSION: u32 = 4;

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

impl Snapshot {
    /// The migration from version 3: no indicator history, no recorder, offsetting work not
    /// counted.
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
            events: old.events,
            indicators: None,
            timeseries: None,
            lsm: LsmTotals::default(),
        }
    }
}
