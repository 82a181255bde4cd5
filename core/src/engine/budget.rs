//! Work budgets and limits: what a tick is expected to create (`workload`), runs that stop
//! once they have created a given number of transactions (`run_with_budget`), forgetting
//! recorded events (`discard_events_through`), and the one bound on counters that a snapshot
//! can hold and a simulation can reach ([`MAX_COUNTER`]).
//!
//! The unit of work is the *transaction created*: each order (generated or submitted) and each
//! part of a split order. Everything a tick allocates — live transactions, their events, queue
//! entries — is proportional to it (docs/model.md, § Validation, "Work per tick").

use serde::{Deserialize, Serialize};

use crate::engine::Simulation;
use crate::error::SimError;
use crate::results::RunSummary;

/// The largest counter a snapshot may hold (transaction and Queue 2 entry numbers, event
/// sequence numbers, the tick, every count of the statistics): restore refuses a document with
/// a counter above it. A simulation stops (with [`SimError::CounterLimit`]) before any counter
/// passes `MAX_COUNTER / 2`, and one tick cannot add `2^61` to a counter (it would have to
/// create more transactions than fit in memory), so every snapshot the engine writes restores.
pub const MAX_COUNTER: u64 = 1 << 62;

/// The largest counter at which a tick or a submission still starts.
pub const RUNNING_COUNTER_LIMIT: u64 = MAX_COUNTER / 2;

/// What the simulation is expected to create per tick, and what it holds now
/// (`Simulation::workload`, `psim_sim_workload`). A host compares it with its budget before
/// asking for work.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Workload {
    /// Mean orders generated per tick: the sum of every agent's `rate_per_tick`.
    pub expected_orders_per_tick: f64,
    /// The most transactions one order can create: 1 plus the largest `max_parts` of a
    /// splitting policy (an order split into `k` parts creates `1 + k`), 1 without splitting.
    pub max_transactions_per_order: u64,
    /// Mean transactions created per tick with every order split at its maximum: the sum
    /// over agents of `rate_per_tick × (1 + max_parts)` (`× 1` for an agent that does not
    /// split). An upper bound of the mean, not of one tick (see docs/model.md § Validation).
    pub expected_transactions_per_tick: f64,
    /// Transactions alive now (Queue 1, Queue 2 and submissions waiting to arrive).
    pub live_transactions: u64,
    /// Recorded events held in memory (not discarded).
    pub events_held: u64,
    /// Ticks left in the horizon.
    pub remaining_ticks: u64,
    /// The most split parts the orders waiting now in Queue 1 (submissions not yet arrived
    /// included) can create when they are released: Σ over agents of their orders there ×
    /// `max_parts` (0 for an agent that does not split). With `expected_transactions_per_tick`
    /// it bounds the mean of the next tick: a backlog held by a liquidity-aware policy can be
    /// released, and split, all at once.
    pub queue1_parts_at_most: u64,
    /// The most events one transaction records over its life ([`MAX_EVENTS_PER_TRANSACTION`]);
    /// besides, one `end_of_day` event per day. With the transactions a run creates it bounds
    /// the events the run records.
    pub max_events_per_transaction: u64,
}

/// The most events a transaction records: an order `arrival`, `held`, `released`, `queued`
/// or `split`, `overdue`, then `settled` or `dropped` (6); a split part `queued`, `overdue`,
/// `settled` or `dropped` (3).
pub const MAX_EVENTS_PER_TRANSACTION: u64 = 6;

/// The outcome of `run_with_budget`: the run summary of the ticks that ran, how many
/// transactions they created, and whether the budget stopped the run early.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BudgetedRunSummary {
    /// The ticks that ran, as `run` reports them.
    #[serde(flatten)]
    pub summary: RunSummary,
    /// Transactions (orders and split parts) the ticks created.
    pub transactions_created: u64,
    /// The budget was reached before the requested number of ticks had run.
    pub stopped_by_budget: bool,
}

impl BudgetedRunSummary {
    /// Read a summary written by `run_with_budget` (as JSON); a document of another shape is
    /// `InvalidArgument` with the path of its problem.
    pub fn from_json(text: &str) -> Result<Self, SimError> {
        crate::error::parse_json_at(text, "run summary", SimError::InvalidArgument)
    }

    /// This run followed by `later` (see [`RunSummary::then`]): transactions created add up,
    /// and the combined run stopped by its budget when the later one did.
    pub fn then(&self, later: &BudgetedRunSummary) -> BudgetedRunSummary {
        BudgetedRunSummary {
            summary: self.summary.then(&later.summary),
            transactions_created: self.transactions_created + later.transactions_created,
            stopped_by_budget: later.stopped_by_budget,
        }
    }
}

impl Simulation {
    /// The expected work per tick and what the simulation holds now.
    pub fn workload(&self) -> Workload {
        let mut expected_orders = 0.0;
        let mut expected_transactions = 0.0;
        let mut max_per_order = 1u64;
        let mut backlog_parts = 0u64;
        for (a, agent) in self.config.agent_configs.iter().enumerate() {
            let parts = agent.policy.most_parts() as u64;
            let per_order = 1 + parts;
            max_per_order = max_per_order.max(per_order);
            backlog_parts =
                backlog_parts.saturating_add(self.queue1_count[a].saturating_mul(parts));
            if let Some(arrivals) = &agent.arrival_config {
                expected_orders += arrivals.rate_per_tick;
                expected_transactions += arrivals.rate_per_tick * per_order as f64;
            }
        }
        // The network's senders (split rules of their own agents bound by the largest).
        let network = self.config.network_orders_per_tick();
        expected_orders += network;
        expected_transactions += network * max_per_order as f64;
        Workload {
            expected_orders_per_tick: expected_orders,
            max_transactions_per_order: max_per_order,
            expected_transactions_per_tick: expected_transactions,
            live_transactions: self.txs.len() as u64,
            events_held: self.events.events.len() as u64,
            remaining_ticks: self.horizon.saturating_sub(self.tick),
            queue1_parts_at_most: backlog_parts,
            max_events_per_transaction: MAX_EVENTS_PER_TRANSACTION,
        }
    }

    /// Transactions created since the start: orders, and the parts of every split order.
    fn transactions_created(&self) -> u64 {
        let t = &self.totals;
        t.arrivals
            .saturating_add(t.splits)
            .saturating_add(t.extra_parts)
    }

    /// Run up to `ticks` ticks (1 to the number remaining), stopping after the first tick at
    /// which the transactions created since the call (orders and split parts) reach
    /// `max_transactions` (≥ 1). Ticks stay whole: the last one may pass the budget by what
    /// one tick creates. Invalid arguments run nothing.
    pub fn run_with_budget(
        &mut self,
        ticks: u64,
        max_transactions: u64,
    ) -> Result<BudgetedRunSummary, SimError> {
        self.check_run_length(ticks)?;
        if max_transactions == 0 {
            return Err(SimError::argument(
                "max_transactions",
                "max_transactions must be at least 1 (got 0)".to_string(),
                0,
            ));
        }
        let start = self.transactions_created();
        let mut out = BudgetedRunSummary::default();
        for _ in 0..ticks {
            let r = self.tick()?;
            out.summary.add(&r);
            out.summary.last = r;
            out.transactions_created = self.transactions_created() - start;
            if out.transactions_created >= max_transactions {
                break;
            }
        }
        out.stopped_by_budget = out.summary.ticks_run < ticks;
        Ok(out)
    }

    /// Forget the recorded events with a sequence number up to `through_seq` (a host that
    /// stored them elsewhere keeps memory and snapshots bounded). Later events keep their
    /// numbers; `events_since` and `events_page` then start after the discarded ones. Events
    /// not recorded yet are not affected. Returns how many events were forgotten.
    pub fn discard_events_through(&mut self, through_seq: u64) -> u64 {
        self.events.discard_through(through_seq)
    }

    /// The first of the engine's counters past [`RUNNING_COUNTER_LIMIT`], if any. The others
    /// are bounded by these: every count of the statistics and every Queue 2 entry number by
    /// the transactions created (a restore checks those relations), peaks by the largest of
    /// their restored value and the live transactions.
    fn exhausted_counter(&self) -> Option<(&'static str, u64)> {
        [
            ("the next transaction number", self.next_tx_seq),
            (
                "the number of transactions created",
                self.transactions_created(),
            ),
            ("the last event number", self.events.last_seq()),
            ("the tick", self.tick),
        ]
        .into_iter()
        .find(|&(_, v)| v > RUNNING_COUNTER_LIMIT)
    }

    /// Refuse to start work that could take a counter past what a snapshot holds.
    pub(crate) fn check_counters(&self) -> Result<(), SimError> {
        match self.exhausted_counter() {
            None => Ok(()),
            Some((what, value)) => Err(SimError::CounterLimit {
                what: what.to_string(),
                value,
                limit: RUNNING_COUNTER_LIMIT,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::Simulation;

    fn sim(split: &str, events: &str) -> Simulation {
        Simulation::from_json(&format!(
            r#"{{"ticks_per_day": 50, "num_days": 1, "rng_seed": 3, "event_recording": "{events}",
              "agent_configs": [
                {{"id": "A", "opening_balance": 1000000, "policy": {{"type": "Fifo"{split}}},
                 "arrival_config": {{"rate_per_tick": 4, "distribution": {{"type": "Uniform", "min": 100, "max": 900}},
                                    "counterparty_weights": {{"B": 1}}}}}},
                {{"id": "B", "opening_balance": 1000000, "policy": {{"type": "Fifo"}},
                 "arrival_config": {{"rate_per_tick": 0.5, "distribution": {{"type": "Uniform", "min": 100, "max": 900}},
                                    "counterparty_weights": {{"A": 1}}}}}}]}}"#
        ))
        .unwrap()
    }

    const SPLIT: &str = r#", "split": {"threshold": 100, "max_parts": 3}"#;

    #[test]
    fn summaries_of_slices_merge_into_the_summary_of_one_run() {
        let mut whole = sim(SPLIT, "full");
        let one = whole.run_with_budget(50, u64::MAX).unwrap();
        let mut sliced = sim(SPLIT, "full");
        use super::BudgetedRunSummary;
        let mut merged = BudgetedRunSummary::default();
        for ticks in [1, 12, 30, 7] {
            let part = sliced.run_with_budget(ticks, u64::MAX).unwrap();
            let text = serde_json::to_string(&part).unwrap();
            merged = merged.then(&BudgetedRunSummary::from_json(&text).unwrap());
        }
        assert_eq!(merged, one);
        assert!(BudgetedRunSummary::from_json(r#"{"ticks_run": 1}"#).is_err());
    }

    #[test]
    fn no_transaction_records_more_than_the_documented_events() {
        let mut s = sim(SPLIT, "full");
        s.run(50).unwrap();
        let mut per_tx = std::collections::BTreeMap::new();
        for e in s.events_since(0) {
            if let Some(tx) = e.tx {
                *per_tx.entry(tx).or_insert(0u64) += 1;
            }
        }
        assert!(per_tx.len() > 20);
        let most = per_tx.values().max().copied().unwrap_or(0);
        assert!(most <= super::MAX_EVENTS_PER_TRANSACTION, "{most}");
    }

    #[test]
    fn workload_counts_split_parts_at_their_maximum() {
        let mut s = sim(SPLIT, "full");
        let w = s.workload();
        assert_eq!(w.expected_orders_per_tick, 4.5);
        assert_eq!(w.max_transactions_per_order, 4);
        assert_eq!(w.expected_transactions_per_tick, 4.0 * 4.0 + 0.5);
        assert_eq!((w.live_transactions, w.events_held), (0, 0));
        assert_eq!((w.remaining_ticks, w.queue1_parts_at_most), (50, 0));
        s.run(10).unwrap();
        let w = s.workload();
        assert_eq!(w.remaining_ticks, 40);
        assert_eq!(w.events_held, s.last_event_seq());
        assert_eq!(w.live_transactions, s.live_transactions());
        assert_eq!(sim("", "off").workload().max_transactions_per_order, 1);
    }

    /// A held backlog released at once: one tick creates no more than the bound of
    /// docs/model.md § Validation, "Work per tick".
    #[test]
    fn one_tick_creates_at_most_the_documented_bound() {
        let mut s = Simulation::from_json(
            r#"{"ticks_per_day": 40, "num_days": 1, "rng_seed": 5, "agent_configs": [
              {"id": "A", "opening_balance": 0, "policy": {"type": "LiquidityAware", "target_buffer": 0,
                 "urgency_threshold": 2, "split": {"threshold": 10, "max_parts": 6}},
               "arrival_config": {"rate_per_tick": 3, "distribution": {"type": "Uniform", "min": 20, "max": 900},
                                  "counterparty_weights": {"B": 1}, "deadline_offset": 12}},
              {"id": "B", "opening_balance": 100000, "policy": {"type": "Fifo", "split": {"threshold": 50, "max_parts": 3}},
               "arrival_config": {"rate_per_tick": 2, "distribution": {"type": "Uniform", "min": 20, "max": 900},
                                  "counterparty_weights": {"A": 1}}}]}"#,
        )
        .unwrap();
        let mut largest_backlog = 0;
        while !s.is_finished() {
            let w = s.workload();
            largest_backlog = largest_backlog.max(w.queue1_parts_at_most);
            let before = s.transactions_created();
            let r = s.tick().unwrap();
            let created = s.transactions_created() - before;
            let bound = r.num_arrivals * w.max_transactions_per_order + w.queue1_parts_at_most;
            assert!(created <= bound, "tick {}: {created} > {bound}", r.tick);
        }
        assert!(largest_backlog >= 6 * 10, "the backlog never built up");
    }

    #[test]
    fn a_budgeted_run_stops_after_the_tick_that_reaches_the_budget() {
        let mut plain = sim(SPLIT, "full");
        let mut budgeted = sim(SPLIT, "full");
        let mut created = Vec::new();
        for _ in 0..50 {
            let r = plain.tick().unwrap();
            let t = &plain.totals;
            created.push((r, t.arrivals + t.splits + t.extra_parts));
        }
        let out = budgeted.run_with_budget(50, 40).unwrap();
        let stop = created.iter().position(|(_, c)| *c >= 40).unwrap();
        assert!(out.stopped_by_budget);
        assert_eq!(out.summary.ticks_run, stop as u64 + 1);
        assert_eq!(out.transactions_created, created[stop].1);
        assert_eq!(out.summary.last, created[stop].0);
        // Whatever the budget, the ticks are the same ticks: the rest continues identically.
        let rest = budgeted
            .run_with_budget(50 - out.summary.ticks_run, u64::MAX)
            .unwrap();
        assert!(!rest.stopped_by_budget);
        assert_eq!(budgeted.snapshot_json(), plain.snapshot_json());
        assert!(budgeted.run_with_budget(1, 1).is_err());
        let mut s = sim(SPLIT, "full");
        assert!(s.run_with_budget(0, 1).is_err());
        assert!(s.run_with_budget(51, 1).is_err());
        assert!(s.run_with_budget(1, 0).is_err());
        assert_eq!(s.current_tick(), 0);
    }

    #[test]
    fn discarding_events_keeps_numbers_and_results() {
        let mut kept = sim(SPLIT, "full");
        let mut trimmed = sim(SPLIT, "full");
        kept.run(20).unwrap();
        trimmed.run(20).unwrap();
        let last = trimmed.last_event_seq();
        assert_eq!(trimmed.discard_events_through(10), 10);
        assert_eq!(trimmed.events_since(0), kept.events_since(10));
        assert_eq!(trimmed.discard_events_through(last + 100), last - 10);
        assert_eq!(trimmed.last_event_seq(), last);
        kept.run(30).unwrap();
        trimmed.run(30).unwrap();
        assert_eq!(trimmed.events_since(0), kept.events_since(last));
        assert_eq!(trimmed.statistics(), kept.statistics());
        assert_eq!(trimmed.workload().events_held, kept.last_event_seq() - last);
    }
}
