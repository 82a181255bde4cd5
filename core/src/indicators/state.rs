//! The indicator accumulators: what the engine's hooks add to as a run goes, and what a
//! snapshot (version 4) stores so that a restored run continues identically.
//!
//! These types are the `indicators` part of snapshot version 4 as it is written (see
//! `snapshot/v4.rs`): a later change to them must first copy them into `v4.rs` so that
//! version 4 documents keep reading as written.
//!
//! Money sums are `i128`/`u128` (value × ticks overflows 64 bits on long runs); JSON writes
//! them as integers (serde_json reads them back exactly).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Settled count and value of one mechanism.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CountValue {
    /// Transactions.
    pub count: u64,
    /// Their value (cents).
    pub value: i128,
}

impl CountValue {
    pub(crate) fn add(&mut self, amount: i64) {
        self.count += 1;
        self.value += amount as i128;
    }
}

/// One agent's figures for one day (the open day while it runs).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DayAgent {
    /// Balance when the day began (or when the indicators began, part-way through it).
    pub start_balance: i64,
    /// Lowest balance seen during the day (after any balance change).
    pub min_balance: i64,
    /// Released value out − in since the start of the day, in release order.
    pub net_released: i128,
    /// Peak of `net_released` (≥ 0): the day's upper bound.
    pub upper_bound: i128,
    /// Value released as sender.
    pub released_out: i128,
    /// Value released to it as receiver.
    pub released_in: i128,
    /// ρ numerator: Σ value × ticks waited (capped at the end of the arrival day).
    pub delay_weighted: u128,
    /// ρ denominator: Σ value × ticks from arrival to the end of the arrival day.
    pub delay_max_weighted: u128,
    /// Settled as sender.
    pub sent: CountValue,
    /// Settled as receiver.
    pub received: CountValue,
    /// Σ value × (settlement tick − arrival tick) over `sent`.
    pub sent_value_ticks: u128,
    /// Settled as sender by its deadline tick.
    pub on_time: CountValue,
    /// Settled as sender after its deadline (`overdue` mode).
    pub late: CountValue,
    /// Dropped at its deadline (`drop` mode).
    pub dropped: CountValue,
    /// Settled as sender, by mechanism: rtgs, queue, bilateral, multilateral.
    pub by_mechanism: [CountValue; 4],
    /// Largest Queue 1 at the end of a tick.
    pub peak_queue1: CountValue,
    /// Largest Queue 2 (its payments) at the end of a tick.
    pub peak_queue2: CountValue,
    /// Queue 1 + Queue 2 at the end of the day (0 while the day is open).
    pub unsettled: CountValue,
    /// Value settled as sender, per tick of the day in which something settled:
    /// `(tick of the day, value)`, ticks ascending (sparse: a day of 10^6 ticks costs only
    /// the ticks that settled something).
    /// (Values saturate at 2^63 − 1: one tick's settlements of one agent.)
    pub settled_by_tick: Vec<(u64, i64)>,
}

/// One day (closed, or the open one).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DayRecord {
    /// Its number.
    pub day: u64,
    /// The first tick covered (its first tick, or the tick the indicators began at).
    pub first_tick: u64,
    /// Per agent, in configuration order.
    pub agents: Vec<DayAgent>,
}

/// One agent's whole-run figures that cannot be summed from its days.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentRun {
    /// Released value out − in since the indicators began, in release order.
    pub net_released: i128,
    /// Peak of `net_released` (≥ 0): the whole-run upper bound.
    pub upper_bound: i128,
    /// Peak of `net_released` at the end of a day (≥ 0): the whole-run lower bound so far.
    pub lower_bound: i128,
    /// Lowest balance seen.
    pub min_balance: i64,
    /// Value in its Queue 1 now (manual submissions not yet arrived included).
    pub queue1_value: i128,
    /// Value of its payments in Queue 2 now.
    pub queue2_value: i128,
    /// ρ numerator and denominator summed over the days.
    pub delay_weighted: u128,
    /// See `delay_weighted`.
    pub delay_max_weighted: u128,
}

/// Everything the indicators accumulate.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorState {
    /// The first tick covered: 0, or the tick a snapshot without indicators was restored at.
    pub since_tick: u64,
    /// Balances when the indicators began (the opening balances from tick 0).
    pub start_balances: Vec<i64>,
    /// Per agent, in configuration order.
    pub agents: Vec<AgentRun>,
    /// The closed days, oldest first.
    pub days: Vec<DayRecord>,
    /// The open day.
    pub today: DayRecord,
    /// Settled transactions by settlement delay in ticks (delay → count).
    pub delays: BTreeMap<u64, u64>,
    /// Per agent, its closed days summed (what the whole-run figures add from days), kept
    /// as the days close so that `days` may be forgotten. Not stored in snapshots: derived
    /// from `days` when a snapshot is restored.
    #[serde(skip)]
    pub(crate) closed: Vec<super::report::ClosedDays>,
    /// Whether closed days are forgotten instead of kept in `days` (see
    /// `Simulation::forget_closed_days`). Not stored in snapshots: a simulation that forgets
    /// days writes its snapshots without indicators.
    #[serde(skip)]
    pub(crate) forgets_days: bool,
}
