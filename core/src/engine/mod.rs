//! The simulation: its state, the tick's steps in order, and the public API.
//!
//! This file is the map. Each step of a tick (see `tick`) lives with the concept it belongs
//! to, and the state each concept owns is private to its module where possible:
//!
//! | module                    | holds                                                        |
//! |---------------------------|--------------------------------------------------------------|
//! | `submission`              | step 1 (arrivals), manual submissions, order creation        |
//! | `release`                 | step 2: policies, splitting                                  |
//! | `crate::settlement`       | step 3 (RTGS entry), step 4 (Queue 2 retry), step 5 (LSM)    |
//! | `ledger`                  | balances, credit lines, the one place money moves            |
//! | `costs`                   | step 6, and every charge                                     |
//! | `deadlines`               | step 7, the deadline index, end of day (step 9)              |
//! | `skip_work`               | memos of failed attempts, and `invalidate`                   |
//! | `budget`                  | expected work, budgeted runs, discarding events, counter bound |
//! | `crate::schedule`         | step 0: scheduled actions; scheduled payments join Queue 1     |
//!
//! Step 8 (events) is not a step of its own: every step records its events as it goes.

mod budget;
mod costs;
mod deadlines;
mod ledger;
mod release;
mod skip_work;
mod submission;

use std::collections::{HashMap, VecDeque};

use crate::arrivals::{ArrivalStream, Draw};
use crate::config::SimulationConfig;
use crate::error::SimError;
use crate::events::{EventLog, EventRecord};
use crate::policy::Order;
use crate::results::{AgentState, RunSummary, State, TickResult};
use crate::settlement::queue2::Queue2;
use crate::stats::{Statistics, Totals};
use crate::transaction::{AgentIdx, Slot, TxStore};
use deadlines::DeadlineIndex;
use ledger::Ledger;
use skip_work::SkipWork;

pub use budget::{
    BudgetedRunSummary, Workload, MAX_COUNTER, MAX_EVENTS_PER_TRANSACTION, RUNNING_COUNTER_LIMIT,
};
pub(crate) use costs::Charge;
pub(crate) use skip_work::{Change, PairMemo};
pub use submission::Submission;

/// A running simulation of one payment system.
///
/// `Clone` is for the checkpoint of a tick with host policies (`policy::host`).
#[derive(Clone)]
pub struct Simulation {
    // What it runs, and its agents (dense indices inside, ids at the boundary).
    pub(crate) config: SimulationConfig,
    pub(crate) ids: Vec<String>,
    pub(crate) index: HashMap<String, AgentIdx>,
    pub(crate) arrivals: Vec<Option<ArrivalStream>>,
    // The clock.
    pub(crate) tick: u64,
    pub(crate) horizon: u64,
    pub(crate) ticks_per_day: u64,
    /// Balances and credit lines; money moves only through its transfer functions.
    pub(crate) ledger: Ledger,
    // Payments: between steps every live one is in `txs`, in exactly one of Queue 1,
    // `pending_manual` or Queue 2, and (until it is overdue) in the deadline index.
    pub(crate) txs: TxStore,
    pub(crate) next_tx_seq: u64,
    pub(crate) queue1: Vec<VecDeque<Slot>>,
    /// Orders in each agent's Queue 1, counting its manual submissions not yet in `queue1`.
    pub(crate) queue1_count: Vec<u64>,
    pub(crate) queue1_total: u64,
    /// Manual submissions waiting to join Queue 1 at the next tick's arrival step.
    pub(crate) pending_manual: Vec<Slot>,
    /// Changed only through `enqueue`/`dequeue` (settlement), besides restore.
    pub(crate) queue2: Queue2,
    /// Unsettled payments by deadline (see `deadlines`).
    pub(crate) deadlines: DeadlineIndex,
    // What happened: the event log, the totals since the start, the tick being executed.
    pub(crate) events: EventLog,
    pub(crate) totals: Totals,
    /// The semantics it runs under and its scenario hash (`provenance`).
    pub(crate) lineage: crate::provenance::Lineage,
    pub(crate) current: TickResult,
    /// Memos of failed settlement attempts (see `skip_work`).
    pub(crate) skip: SkipWork,
    pub(crate) scratch: Scratch,
    /// The indicators' accumulators (`crate::indicators`).
    pub(crate) indicators: crate::indicators::state::IndicatorState,
    /// The time-series recorder, when on (`crate::timeseries`).
    pub(crate) timeseries: Option<crate::timeseries::Recorder>,
    /// Timed inputs and the effects of those applied (`crate::schedule`).
    pub(crate) schedule: crate::schedule::Schedule,
    /// Per-sender figures for a stress run (`crate::stress`); `None` otherwise, never in a
    /// snapshot.
    pub(crate) probe: Option<Box<crate::stress::Probe>>,
    /// The rules of real RTGS systems (`crate::rules`); `None` when none is configured.
    pub(crate) rules: Option<Box<crate::rules::book::RuleBook>>,
    /// Per agent: its `Tree` policy compiled (`crate::policy`), `None` for built-in ones.
    pub(crate) trees: Vec<Option<crate::policy::CompiledTree>>,
    /// The host program's policy and its decisions for the tick (`crate::policy::host`).
    pub(crate) host: crate::policy::host::HostState,
    /// Payments waiting for their from-time (`crate::rules::timed`).
    pub(crate) timed: crate::rules::Waiting,
    /// A suspended fed run (`crate::import::FedState`, restored from a snapshot): ticks are
    /// refused until an importer resumes it, which takes it.
    pub(crate) fed: Option<Box<crate::import::FedState>>,
    /// What the trees remember: registers, today's payments, windows (`policy::state`).
    pub(crate) policy_state: crate::policy::state::PolicyState,
    /// Per agent: which way step 2 decides (`release`), from its policy.
    pub(crate) routes: Vec<release::Route>,
}

/// Buffers reused across ticks so that a tick allocates nothing in the steady state; they
/// carry no state from one use to the next.
#[derive(Debug, Default, Clone)]
pub(crate) struct Scratch {
    pub draws: Vec<Draw>,
    pub orders: Vec<Order>,
    pub release: Vec<crate::policy::Release>,
    /// A tree's priorities and collateral of one decision.
    pub outcome: crate::policy::eval::Outcome,
    /// Released orders and their split-leaf parts (0: the policy's `split` rule).
    pub released: Vec<(Slot, u32)>,
    /// Per order of one agent's Queue 1: whether its policy released it.
    pub is_released: Vec<bool>,
    /// Per agent: already in the current Queue 2 retry pass (all false between passes).
    pub in_pass: Vec<bool>,
    /// Per agent in a retry pass: its candidate in the pass's heap, and a lower bound of the
    /// amounts it passed over (`crate::settlement::retry`).
    pub retry_cand: Vec<Option<crate::settlement::queue2::Q2Key>>,
    pub retry_floor: Vec<i64>,
    /// The multilateral attempt's per-agent buffers (`crate::settlement::lsm`).
    pub multilateral: crate::settlement::lsm::MultilateralScratch,
}

impl std::fmt::Debug for Simulation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Simulation")
            .field("tick", &self.tick)
            .field("horizon", &self.horizon)
            .field("agents", &self.ids)
            .finish_non_exhaustive()
    }
}

impl Simulation {
    /// Validate `config` and build the simulation at tick 0.
    pub fn new(config: SimulationConfig) -> Result<Self, SimError> {
        config.validate()?;
        let n = config.agent_configs.len();
        let ids: Vec<String> = config.agent_configs.iter().map(|a| a.id.clone()).collect();
        let index: HashMap<String, AgentIdx> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| (id.clone(), i as AgentIdx))
            .collect();
        let arrivals = crate::arrivals::build_streams(&config, &index)?;
        let ticks_per_day = config.ticks_per_day as u64;
        let opening: Vec<i64> = config
            .agent_configs
            .iter()
            .map(|a| a.opening_balance)
            .collect();
        let sim = Simulation {
            indicators: crate::indicators::state::IndicatorState::new(0, &opening, ticks_per_day),
            timeseries: None,
            ledger: Ledger::new(&config),
            tick: 0,
            horizon: config.horizon(),
            ticks_per_day,
            txs: TxStore::default(),
            queue1: vec![VecDeque::new(); n],
            queue1_count: vec![0; n],
            queue1_total: 0,
            pending_manual: Vec::new(),
            queue2: Queue2::new(
                n,
                config.queue_discipline == crate::config::QueueDiscipline::Fifo,
            ),
            deadlines: DeadlineIndex::default(),
            arrivals,
            next_tx_seq: 1,
            events: EventLog::new(config.event_recording),
            totals: Totals::new(n),
            lineage: Default::default(),
            skip: SkipWork::new(n),
            current: TickResult::default(),
            scratch: Scratch {
                in_pass: vec![false; n],
                ..Scratch::default()
            },
            schedule: crate::schedule::Schedule::new(n),
            probe: None,
            rules: crate::rules::book::RuleBook::new(&config.rules, &index).map(Box::new),
            // Validated with the configuration: compiling finds no problem here.
            trees: crate::policy::compile_trees(&config, &mut Vec::new()),
            policy_state: Default::default(),
            host: crate::policy::host::HostState::new(
                config.agent_configs.iter().map(|a| a.policy.clone()),
            ),
            timed: Default::default(),
            fed: None,
            routes: release::routes(&config),
            ids,
            index,
            config,
        };
        let mut sim = sim;
        sim.policy_state = crate::policy::memory_needs(&sim.config, &sim.trees);
        sim.with_scenario_events()
    }

    /// Parse, validate and build from a JSON configuration (machine format).
    pub fn from_json(config_json: &str) -> Result<Self, SimError> {
        Simulation::new(SimulationConfig::from_json(config_json)?)
    }

    /// Switch to the plain reference algorithms (full Queue 2 rescans, LSM every tick).
    /// Results are identical; only the work differs. For tests and benchmarks.
    #[doc(hidden)]
    pub fn set_reference_mode(&mut self, on: bool) {
        self.skip.set_enabled(!on);
    }

    // ----- queries -------------------------------------------------------------------------

    /// The configuration this simulation runs.
    pub fn config(&self) -> &SimulationConfig {
        &self.config
    }
    /// Ticks executed so far (the next tick to run).
    pub fn current_tick(&self) -> u64 {
        self.tick
    }
    /// `current_tick() / ticks_per_day`.
    pub fn current_day(&self) -> u64 {
        self.tick / self.ticks_per_day
    }
    /// Total ticks of the horizon.
    pub fn horizon(&self) -> u64 {
        self.horizon
    }
    /// Whether every tick of the horizon has run.
    pub fn is_finished(&self) -> bool {
        self.tick >= self.horizon
    }
    /// Agent ids in configuration order.
    pub fn agent_ids(&self) -> &[String] {
        &self.ids
    }

    pub(crate) fn agent(&self, id: &str) -> Result<AgentIdx, SimError> {
        self.index
            .get(id)
            .copied()
            .ok_or_else(|| SimError::UnknownAgent(id.to_string()))
    }

    /// Current balance of an agent.
    pub fn agent_balance(&self, id: &str) -> Result<i64, SimError> {
        Ok(self.ledger.balance(self.agent(id)?))
    }
    /// Orders waiting in an agent's Queue 1.
    pub fn queue1_size(&self, id: &str) -> Result<u64, SimError> {
        Ok(self.queue1_count[self.agent(id)? as usize])
    }
    /// Payments waiting in Queue 2.
    pub fn queue2_size(&self) -> u64 {
        self.queue2.len() as u64
    }
    /// Number of live (unsettled, not dropped) transactions.
    pub fn live_transactions(&self) -> u64 {
        self.txs.len() as u64
    }

    /// The state document.
    pub fn state(&self) -> State {
        State {
            tick: self.tick,
            day: self.current_day(),
            agents: (0..self.ids.len())
                .map(|i| AgentState {
                    id: self.ids[i].clone(),
                    balance: self.ledger.balance(i as AgentIdx),
                    credit_limit: self.ledger.credit_limit(i as AgentIdx),
                    queue1_size: self.queue1_count[i],
                    queue2_size: self.queue2.sender_len(i as AgentIdx) as u64,
                })
                .collect(),
            queue2_size: self.queue2_size(),
            pending_actions: self.schedule.pending_len(),
            outages: self.outage_states(),
        }
    }

    /// Statistics since the start.
    pub fn statistics(&self) -> Statistics {
        let mut stats = self.totals.statistics(
            &self.ids,
            self.ledger.balances(),
            self.queue1_total,
            self.queue2_size(),
            self.provenance(),
            (self.lsm_algorithm(), self.lsm_search_objective()),
        );
        self.indicators.fill_statistics(&mut stats);
        stats.external_inflow = self.schedule.active.external_in;
        stats.external_outflow = self.schedule.active.external_out;
        stats.rules = (self.rules.as_deref())
            .map(|r| r.statistics(&self.ids, |a| self.totals.agents[a as usize].peak_overdraft));
        stats
    }

    /// Recorded events with a sequence number greater than `since` (0 → all).
    pub fn events_since(&self, since: u64) -> Vec<EventRecord> {
        self.events_page(since, usize::MAX)
    }

    /// At most `limit` recorded events with a sequence number greater than `since`, oldest
    /// first. Only the returned events are converted, so a page costs O(`limit`) however many
    /// events follow it. `limit == 0` gives an empty list.
    pub fn events_page(&self, since: u64, limit: usize) -> Vec<EventRecord> {
        self.events
            .since(since)
            .iter()
            .take(limit)
            .map(|e| e.record(&self.ids))
            .collect()
    }

    /// Sequence number of the last recorded event (0 when none).
    pub fn last_event_seq(&self) -> u64 {
        self.events.last_seq()
    }

    // ----- driving -------------------------------------------------------------------------

    /// Execute one tick and return its result.
    pub fn tick(&mut self) -> Result<TickResult, SimError> {
        if self.is_finished() {
            return Err(SimError::SimulationFinished {
                horizon: self.horizon,
            });
        }
        self.check_counters()?;
        self.check_not_suspended()?;
        // Host policies: the state to go back to if a host fails (`crate::policy::host`).
        let checkpoint = self.host_checkpoint()?;
        let t = self.tick;
        self.current = TickResult {
            tick: t,
            day: t / self.ticks_per_day,
            ..TickResult::default()
        };
        self.apply_schedule(t); // 0: crate::schedule
        self.arrive(t); // 1: submission
        if let Some(checkpoint) = checkpoint {
            self.ask_hosts(t, checkpoint)?; // before step 2 changes anything
        }
        self.release_and_enter(t); // 2: release, 3: settlement::enter_rtgs
        self.retry_queue2(); // 4: settlement
        self.run_lsm(); // 5: settlement::lsm
        self.charge_running_costs(); // 6: costs
        self.apply_deadlines(t); // 7: deadlines
        self.compact_deadlines();
        self.observe_tick(t); // indicators and time series (`indicators::engine`)
        if (t + 1).is_multiple_of(self.ticks_per_day) {
            self.end_of_day(t); // 9 (end-of-day part): deadlines
            self.rules_new_day(); // limit positions restart (`crate::rules`)
        }
        self.release_deferred_credits(); // deferred crediting (`rules.deferred_crediting`)
        self.tick += 1; // 9
        let mut result = std::mem::take(&mut self.current);
        result.queue1_size = self.queue1_total;
        result.queue2_size = self.queue2_size();
        result.total_cost = result
            .total_liquidity_cost
            .saturating_add(result.total_delay_cost)
            .saturating_add(result.total_split_cost)
            .saturating_add(result.total_deadline_penalty)
            .saturating_add(result.total_eod_penalty);
        self.totals.ticks_run += 1;
        self.totals.peak_queue1 = self.totals.peak_queue1.max(result.queue1_size);
        self.totals.peak_queue2 = self.totals.peak_queue2.max(result.queue2_size);
        // The clock reached the next tick: payments scheduled for it join (crate::schedule).
        self.join_due_payments();
        Ok(result)
    }

    /// Execute `ticks` ticks and return their summary (no per-tick output is built).
    /// Asking for more ticks than remain is an error and runs nothing.
    pub fn run(&mut self, ticks: u64) -> Result<RunSummary, SimError> {
        self.check_run_length(ticks)?;
        let mut summary = RunSummary::default();
        for _ in 0..ticks {
            let r = self.tick()?;
            summary.add(&r);
            summary.last = r;
        }
        Ok(summary)
    }

    /// `ticks` is between 1 and the ticks remaining (and some remain).
    pub(crate) fn check_run_length(&self, ticks: u64) -> Result<(), SimError> {
        if self.is_finished() {
            return Err(SimError::SimulationFinished {
                horizon: self.horizon,
            });
        }
        let remaining = self.horizon - self.tick;
        if ticks == 0 || ticks > remaining {
            return Err(SimError::argument(
                "ticks",
                format!(
                    "ticks must be between 1 and the {remaining} remaining in the horizon (got {ticks})"
                ),
                ticks,
            ));
        }
        Ok(())
    }

    /// Run every remaining tick (a no-op summary when already finished).
    pub fn run_to_end(&mut self) -> Result<RunSummary, SimError> {
        let remaining = self.horizon - self.tick.min(self.horizon);
        if remaining == 0 {
            return Ok(RunSummary::default());
        }
        self.run(remaining)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_page_is_a_bounded_prefix_of_events_since() {
        let mut sim = Simulation::from_json(
            r#"{"ticks_per_day": 20, "num_days": 1, "rng_seed": 7, "event_recording": "full",
              "agent_configs": [
                {"id": "A", "opening_balance": 1000, "policy": {"type": "Fifo"},
                 "arrival_config": {"rate_per_tick": 3, "distribution": {"type": "Uniform", "min": 1, "max": 9},
                                    "counterparty_weights": {"B": 1}, "deadline_offset": 10}},
                {"id": "B", "opening_balance": 1000, "policy": {"type": "Fifo"},
                 "arrival_config": {"rate_per_tick": 3, "distribution": {"type": "Uniform", "min": 1, "max": 9},
                                    "counterparty_weights": {"A": 1}, "deadline_offset": 10}}]}"#,
        )
        .unwrap();
        sim.run(20).unwrap();
        let all = sim.events_since(0);
        let last = sim.last_event_seq();
        assert!(all.len() > 10, "only {} events", all.len());
        assert_eq!(all.len() as u64, last);

        // Pages are prefixes of the full tail.
        for since in [0, 1, 5, last - 1, last, last + 10] {
            let tail = sim.events_since(since);
            for limit in [0, 1, 3, tail.len(), tail.len() + 5, usize::MAX] {
                let page = sim.events_page(since, limit);
                assert_eq!(page.len(), limit.min(tail.len()));
                assert_eq!(page[..], tail[..page.len()]);
            }
        }

        // Paging through with `limit` visits every event exactly once, in order.
        let mut seen = Vec::new();
        let mut cursor = 0;
        loop {
            let page = sim.events_page(cursor, 4);
            if page.is_empty() {
                break;
            }
            assert!(page.len() <= 4);
            cursor = page.last().unwrap().seq;
            seen.extend(page);
        }
        assert_eq!(seen, all);
    }
}
