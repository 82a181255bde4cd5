//! Snapshot document, version 1: what the first release wrote (its CLI state files, stored
//! REST simulations, Python `snapshot()` strings).
//!
//! **Frozen.** These types read exactly the bytes that release wrote; they are not the engine's
//! types and never follow them. Later versions reuse the parts that did not change (version 2
//! adds only provenance); a change to any part is a new version module with its own types and
//! a migration from the previous version (`super::versions`).
//!
//! Agents are indices in configuration order; transaction ids are `{"seq", "part"}`.

use serde::{Deserialize, Serialize};

use crate::config::serde_helpers::mapping_only;
use crate::SimulationConfig;

// Objects are read from JSON objects only, never from lists (see `mapping_only!`; `Event`,
// which flattens its kind, is read from an object by serde itself).
mapping_only! {
    struct Snapshot;
    struct TxId;
    struct Transaction;
    struct Costs;
    struct ByMechanism;
    struct AgentTotals;
    struct Totals;
}

/// The `schema_version` of this format.
pub const VERSION: u32 = 1;

/// A complete simulation state, version 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct Snapshot {
    /// Always [`VERSION`].
    pub schema_version: u32,
    /// The configuration, normalised. It is the public machine format, whose own contract
    /// (fields are only ever added, with defaults) keeps old snapshots readable.
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

/// A transaction id: `T<seq>` (`part` 0) or part `T<seq>.<part>` of a split.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct TxId {
    /// Sequence number of the order (1, 2, …).
    pub seq: u64,
    /// 0 for an order, 1..=k for the parts of a split.
    pub part: u32,
}

/// Where a live transaction waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Location {
    /// The sender's Queue 1 (`"queue1"`).
    Queue1,
    /// Queue 2 (`{"queue2": {"entry": n}}`).
    Queue2 {
        /// Its entry number into Queue 2.
        entry: u64,
    },
}

/// A live (unsettled, not dropped) transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct Transaction {
    /// Its id.
    pub id: TxId,
    /// Sending agent (index).
    pub sender: u32,
    /// Receiving agent (index).
    pub receiver: u32,
    /// Amount in cents.
    pub amount: i64,
    /// Tick of arrival.
    pub arrival_tick: u64,
    /// Deadline tick.
    pub deadline_tick: u64,
    /// Priority 0–10.
    pub priority: u8,
    /// Where it waits.
    pub location: Location,
    /// Past its deadline in `overdue` mode.
    #[serde(default)]
    pub overdue: bool,
    /// Its hold was already recorded as an event.
    #[serde(default)]
    pub hold_recorded: bool,
}

/// Costs by kind (cents).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct Costs {
    /// Overdraft cost.
    pub liquidity: i64,
    /// Delay cost.
    pub delay: i64,
    /// Split friction.
    pub split: i64,
    /// Deadline penalties.
    pub deadline_penalty: i64,
    /// End-of-day penalties.
    pub eod_penalty: i64,
    /// All of the above.
    pub total: i64,
}

/// Settlement counts by mechanism.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct ByMechanism {
    /// At RTGS entry.
    pub rtgs: u64,
    /// On a Queue 2 retry.
    pub queue: u64,
    /// Bilateral offsetting.
    pub bilateral: u64,
    /// Multilateral offsetting.
    pub multilateral: u64,
}

/// One agent's running totals.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct AgentTotals {
    /// Its costs.
    pub costs: Costs,
    /// Payments it sent that settled.
    pub sent_count: u64,
    /// Their value.
    pub sent_value: i64,
    /// Value it received.
    pub received_value: i64,
    /// Deepest use of credit (≥ 0).
    pub peak_overdraft: i64,
}

/// The running totals since tick 0.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct Totals {
    /// Ticks executed.
    pub ticks_run: u64,
    /// Orders that arrived.
    pub arrivals: u64,
    /// Their value.
    pub arrived_value: i64,
    /// Parts beyond the first of every split.
    pub extra_parts: u64,
    /// Transactions settled.
    pub settlements: u64,
    /// Settlements by mechanism.
    pub by_mechanism: ByMechanism,
    /// Value settled.
    pub settled_value: i64,
    /// Orders dropped.
    pub drops: u64,
    /// Their value.
    pub dropped_value: i64,
    /// Orders marked overdue.
    pub overdue: u64,
    /// Orders split.
    pub splits: u64,
    /// Sum of settlement delays (ticks).
    pub delay_sum: u64,
    /// Largest settlement delay.
    pub delay_max: u64,
    /// Largest Queue 1 size after a tick.
    pub peak_queue1: u64,
    /// Largest Queue 2 size after a tick.
    pub peak_queue2: u64,
    /// Costs, all agents.
    pub costs: Costs,
    /// Per agent, in configuration order.
    pub agents: Vec<AgentTotals>,
    /// The current day's settlements (for its end-of-day event).
    pub day_settlements: u64,
    /// The current day's settled value.
    pub day_settled_value: i64,
    /// The current day's drops.
    pub day_drops: u64,
}

/// How a payment settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mechanism {
    /// At RTGS entry.
    Rtgs,
    /// On a Queue 2 retry.
    Queue,
    /// Bilateral offsetting.
    Bilateral,
    /// Multilateral offsetting.
    Multilateral,
}

/// One recorded event: `seq`, `tick`, then `type` and the fields of that type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
}
