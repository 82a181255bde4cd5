//! What a tick, a run and a state query return. Field names are the stable JSON contract
//! (`docs/json.md`); the seed's keys are all kept.

use serde::{Deserialize, Serialize};

/// The outcome of one tick.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TickResult {
    /// The tick that ran (the first is 0).
    pub tick: u64,
    /// Its business day.
    pub day: u64,
    /// Orders that arrived (generated, then manual submissions).
    pub num_arrivals: u64,
    /// Transactions settled by every mechanism (split parts count one each).
    pub num_settlements: u64,
    /// Orders dropped at their deadline.
    pub num_drops: u64,
    /// Orders split at release.
    pub num_splits: u64,
    /// Transactions settled by bilateral offsetting.
    pub lsm_bilateral_releases: u64,
    /// Transactions settled by multilateral offsetting.
    pub lsm_cycle_releases: u64,
    /// Orders in all Queue 1s after the tick.
    pub queue1_size: u64,
    /// Payments in Queue 2 after the tick.
    pub queue2_size: u64,
    /// Value settled in this tick (cents).
    pub settled_value: i64,
    /// Overdraft cost charged in this tick.
    pub total_liquidity_cost: i64,
    /// Delay cost charged in this tick.
    pub total_delay_cost: i64,
    /// Split friction charged in this tick.
    pub total_split_cost: i64,
    /// Deadline penalties charged in this tick.
    pub total_deadline_penalty: i64,
    /// End-of-day penalties charged in this tick.
    pub total_eod_penalty: i64,
    /// Sum of every cost of this tick.
    pub total_cost: i64,
    /// This tick closed a business day.
    pub end_of_day: bool,
}

/// The outcome of `run(n)`: counters and costs summed over the run, and the last tick.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunSummary {
    /// Ticks executed.
    pub ticks_run: u64,
    /// The first tick executed.
    pub first_tick: u64,
    /// The last tick executed.
    pub last_tick: u64,
    /// Sum of `num_arrivals`.
    pub num_arrivals: u64,
    /// Sum of `num_settlements`.
    pub num_settlements: u64,
    /// Sum of `num_drops`.
    pub num_drops: u64,
    /// Sum of `num_splits`.
    pub num_splits: u64,
    /// Sum of `lsm_bilateral_releases`.
    pub lsm_bilateral_releases: u64,
    /// Sum of `lsm_cycle_releases`.
    pub lsm_cycle_releases: u64,
    /// Sum of `settled_value`.
    pub settled_value: i64,
    /// Sum of `total_liquidity_cost`.
    pub total_liquidity_cost: i64,
    /// Sum of `total_delay_cost`.
    pub total_delay_cost: i64,
    /// Sum of `total_split_cost`.
    pub total_split_cost: i64,
    /// Sum of `total_deadline_penalty`.
    pub total_deadline_penalty: i64,
    /// Sum of `total_eod_penalty`.
    pub total_eod_penalty: i64,
    /// Sum of `total_cost`.
    pub total_cost: i64,
    /// The last tick's full result.
    pub last: TickResult,
}

impl RunSummary {
    /// This run followed by `later`, the run of the ticks right after it: the summary one run
    /// over both would give (sums saturate as in `run`). A host that runs in slices (to store
    /// events between them) reports the whole run with it.
    pub fn then(&self, later: &RunSummary) -> RunSummary {
        if self.ticks_run == 0 {
            return later.clone();
        }
        if later.ticks_run == 0 {
            return self.clone();
        }
        RunSummary {
            ticks_run: self.ticks_run + later.ticks_run,
            first_tick: self.first_tick,
            last_tick: later.last_tick,
            num_arrivals: self.num_arrivals + later.num_arrivals,
            num_settlements: self.num_settlements + later.num_settlements,
            num_drops: self.num_drops + later.num_drops,
            num_splits: self.num_splits + later.num_splits,
            lsm_bilateral_releases: self.lsm_bilateral_releases + later.lsm_bilateral_releases,
            lsm_cycle_releases: self.lsm_cycle_releases + later.lsm_cycle_releases,
            settled_value: self.settled_value.saturating_add(later.settled_value),
            total_liquidity_cost: self
                .total_liquidity_cost
                .saturating_add(later.total_liquidity_cost),
            total_delay_cost: self.total_delay_cost.saturating_add(later.total_delay_cost),
            total_split_cost: self.total_split_cost.saturating_add(later.total_split_cost),
            total_deadline_penalty: self
                .total_deadline_penalty
                .saturating_add(later.total_deadline_penalty),
            total_eod_penalty: self
                .total_eod_penalty
                .saturating_add(later.total_eod_penalty),
            total_cost: self.total_cost.saturating_add(later.total_cost),
            last: later.last.clone(),
        }
    }

    pub(crate) fn add(&mut self, r: &TickResult) {
        if self.ticks_run == 0 {
            self.first_tick = r.tick;
        }
        self.ticks_run += 1;
        self.last_tick = r.tick;
        self.num_arrivals += r.num_arrivals;
        self.num_settlements += r.num_settlements;
        self.num_drops += r.num_drops;
        self.num_splits += r.num_splits;
        self.lsm_bilateral_releases += r.lsm_bilateral_releases;
        self.lsm_cycle_releases += r.lsm_cycle_releases;
        self.settled_value = self.settled_value.saturating_add(r.settled_value);
        self.total_liquidity_cost = self
            .total_liquidity_cost
            .saturating_add(r.total_liquidity_cost);
        self.total_delay_cost = self.total_delay_cost.saturating_add(r.total_delay_cost);
        self.total_split_cost = self.total_split_cost.saturating_add(r.total_split_cost);
        self.total_deadline_penalty = self
            .total_deadline_penalty
            .saturating_add(r.total_deadline_penalty);
        self.total_eod_penalty = self.total_eod_penalty.saturating_add(r.total_eod_penalty);
        self.total_cost = self.total_cost.saturating_add(r.total_cost);
    }
}

/// One agent in a state query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentState {
    /// Agent id.
    pub id: String,
    /// Current balance (cents).
    pub balance: i64,
    /// Credit limit (cents).
    pub credit_limit: i64,
    /// Orders waiting in its Queue 1.
    pub queue1_size: u64,
    /// Its payments waiting in Queue 2.
    pub queue2_size: u64,
}

/// The simulation state: no timestamps, same input → same bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    /// Ticks executed so far.
    pub tick: u64,
    /// Current business day.
    pub day: u64,
    /// Agents in configuration order.
    pub agents: Vec<AgentState>,
    /// Payments in Queue 2.
    pub queue2_size: u64,
    /// Entries waiting in the schedule (`Simulation::pending_schedule` lists them); absent
    /// when none.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub pending_actions: u64,
    /// Outages in force, in agent order; absent when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outages: Vec<OutageState>,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

/// An outage in force (`State::outages`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutageState {
    /// The agent out of operation.
    pub agent: String,
    /// The first tick after the outage.
    pub to_tick: u64,
    /// Whether payments to it are blocked too.
    pub block_receiving: bool,
}
