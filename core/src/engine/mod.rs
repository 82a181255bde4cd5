//! The simulation: state, the 9-step tick, manual submissions and queries.

mod ledger;
mod skip_work;

use ledger::Ledger;
use skip_work::SkipWork;
pub(crate) use skip_work::{Change, PairMemo};

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, VecDeque};

use serde::{Deserialize, Serialize};

use crate::arrivals::{ArrivalStream, Draw, ARRIVALS};
use crate::config::{
    default_deadline_offset, default_priority, null_as_deadline_offset, null_as_priority,
    DeadlineMode, QueueDiscipline, SimulationConfig, MAX_PRIORITY,
};
use crate::error::SimError;
use crate::events::{EventKind, EventLog, EventRecord, Mechanism};
use crate::policy::{self, Order};
use crate::results::{AgentState, RunSummary, State, TickResult};
use crate::rng;
use crate::settlement::queue2::{Q2Key, Queue2};
use crate::stats::{CostBreakdown, Statistics, Totals};
use crate::transaction::{AgentIdx, Location, Slot, Transaction, TxId, TxStore};

/// A manual payment order (`submit`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Submission {
    /// Sending agent id.
    pub sender: String,
    /// Receiving agent id.
    pub receiver: String,
    /// Amount in cents (> 0).
    pub amount: i64,
    /// Ticks from arrival to deadline (≥ 1; default 50).
    #[serde(
        default = "default_deadline_offset",
        deserialize_with = "null_as_deadline_offset"
    )]
    pub deadline_offset: i64,
    /// Priority 0–10 (default 5).
    #[serde(default = "default_priority", deserialize_with = "null_as_priority")]
    pub priority: i64,
}

impl Submission {
    /// Parse a submission from JSON; problems name the field.
    pub fn from_json(text: &str) -> Result<Self, SimError> {
        crate::error::parse_json(text, "transaction", |problem| {
            SimError::InvalidArgument(format!("invalid transaction: {problem}"))
        })
    }
}

/// A running simulation of one payment system.
pub struct Simulation {
    pub(crate) config: SimulationConfig,
    pub(crate) ids: Vec<String>,
    pub(crate) index: HashMap<String, AgentIdx>,
    /// Balances and credit lines; money moves only through its transfer functions.
    pub(crate) ledger: Ledger,
    pub(crate) tick: u64,
    pub(crate) horizon: u64,
    pub(crate) ticks_per_day: u64,
    pub(crate) txs: TxStore,
    pub(crate) queue1: Vec<VecDeque<Slot>>,
    pub(crate) queue1_count: Vec<u64>,
    pub(crate) queue1_total: u64,
    /// Manual submissions waiting to join Queue 1 at the next tick's arrival step.
    pub(crate) pending_manual: Vec<Slot>,
    pub(crate) queue2: Queue2,
    pub(crate) deadlines: BinaryHeap<Reverse<(u64, TxId, Slot)>>,
    pub(crate) arrivals: Vec<Option<ArrivalStream>>,
    pub(crate) next_tx_seq: u64,
    pub(crate) events: EventLog,
    pub(crate) totals: Totals,
    /// Memos of failed settlement attempts (see `skip_work`).
    pub(crate) skip: SkipWork,
    /// The tick being executed.
    pub(crate) current: TickResult,
    // Scratch buffers reused across ticks.
    pub(crate) scratch_draws: Vec<Draw>,
    pub(crate) scratch_orders: Vec<Order>,
    pub(crate) scratch_release: Vec<usize>,
    pub(crate) scratch_released: Vec<Slot>,
    pub(crate) scratch_flags: Vec<bool>,
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
        let mut arrivals = Vec::with_capacity(n);
        for (i, agent) in config.agent_configs.iter().enumerate() {
            arrivals.push(match &agent.arrival_config {
                None => None,
                Some(ac) => {
                    // Receivers in their configuration order, whatever the JSON object order.
                    let mut receivers: Vec<(AgentIdx, f64)> = ac
                        .counterparty_weights
                        .iter()
                        .map(|(id, &w)| (index[id.as_str()], w))
                        .collect();
                    receivers.sort_by_key(|r| r.0);
                    let stream = rng::stream(config.rng_seed, ARRIVALS, &agent.id);
                    Some(ArrivalStream::new(ac, receivers, stream).map_err(|e| {
                        SimError::InvalidConfig(vec![format!(
                            "agent_configs[{i}].arrival_config.{e}"
                        )])
                    })?)
                }
            });
        }
        let ticks_per_day = config.ticks_per_day as u64;
        Ok(Simulation {
            ledger: Ledger::new(&config),
            tick: 0,
            horizon: config.horizon(),
            ticks_per_day,
            txs: TxStore::default(),
            queue1: vec![VecDeque::new(); n],
            queue1_count: vec![0; n],
            queue1_total: 0,
            pending_manual: Vec::new(),
            queue2: Queue2::new(n),
            deadlines: BinaryHeap::new(),
            arrivals,
            next_tx_seq: 1,
            events: EventLog::new(config.event_recording),
            totals: Totals::new(n),
            skip: SkipWork::new(n),
            current: TickResult::default(),
            scratch_draws: Vec::new(),
            scratch_orders: Vec::new(),
            scratch_release: Vec::new(),
            scratch_released: Vec::new(),
            scratch_flags: vec![false; n],
            ids,
            index,
            config,
        })
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
        }
    }

    /// Statistics since the start.
    pub fn statistics(&self) -> Statistics {
        self.totals.statistics(
            &self.ids,
            self.ledger.balances(),
            self.queue1_total,
            self.queue2_size(),
        )
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

    /// Submit a manual payment order. It arrives at `current_tick()`: it is in Queue 1 at once
    /// and counts in the next tick's `num_arrivals`. Returns its id.
    pub fn submit(&mut self, sub: &Submission) -> Result<String, SimError> {
        if self.is_finished() {
            return Err(SimError::SimulationFinished {
                horizon: self.horizon,
            });
        }
        let sender = self.agent(&sub.sender)?;
        let receiver = self.agent(&sub.receiver)?;
        if sender == receiver {
            return Err(SimError::InvalidArgument(format!(
                "sender and receiver must differ (both {:?})",
                sub.sender
            )));
        }
        if sub.amount <= 0 {
            return Err(SimError::InvalidArgument(format!(
                "amount must be positive (got {})",
                sub.amount
            )));
        }
        if sub.deadline_offset < 1 {
            return Err(SimError::InvalidArgument(format!(
                "deadline_offset must be ≥ 1 tick (got {})",
                sub.deadline_offset
            )));
        }
        if !(0..=MAX_PRIORITY).contains(&sub.priority) {
            return Err(SimError::InvalidArgument(format!(
                "priority must be between 0 and {MAX_PRIORITY} (got {})",
                sub.priority
            )));
        }
        let deadline = self.tick.saturating_add(sub.deadline_offset as u64);
        let slot = self.new_order(sender, receiver, sub.amount, deadline, sub.priority as u8);
        self.pending_manual.push(slot);
        Ok(self
            .txs
            .get(slot)
            .map(|t| t.id.to_string())
            .unwrap_or_default())
    }

    /// Create an order in Queue 1 (the caller places it in the queue).
    fn new_order(
        &mut self,
        sender: AgentIdx,
        receiver: AgentIdx,
        amount: i64,
        deadline: u64,
        priority: u8,
    ) -> Slot {
        let id = TxId {
            seq: self.next_tx_seq,
            part: 0,
        };
        self.next_tx_seq += 1;
        let slot = self.txs.insert(Transaction {
            id,
            sender,
            receiver,
            amount,
            arrival_tick: self.tick,
            deadline_tick: deadline,
            priority,
            location: Location::Queue1,
            overdue: false,
            hold_recorded: false,
        });
        self.deadlines.push(Reverse((deadline, id, slot)));
        self.queue1_count[sender as usize] += 1;
        self.queue1_total += 1;
        slot
    }

    /// Execute one tick and return its result.
    pub fn tick(&mut self) -> Result<TickResult, SimError> {
        if self.is_finished() {
            return Err(SimError::SimulationFinished {
                horizon: self.horizon,
            });
        }
        let t = self.tick;
        self.current = TickResult {
            tick: t,
            day: t / self.ticks_per_day,
            ..TickResult::default()
        };
        self.arrive(t); // 1
        self.release_and_enter(t); // 2 + 3
        self.retry_queue2(); // 4
        self.run_lsm(); // 5
        self.charge_running_costs(); // 6
        self.apply_deadlines(t); // 7
        self.compact_deadlines();
        if (t + 1) % self.ticks_per_day == 0 {
            self.end_of_day(t); // 9 (end-of-day part)
        }
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
        Ok(result)
    }

    /// Execute `ticks` ticks and return their summary (no per-tick output is built).
    /// Asking for more ticks than remain is an error and runs nothing.
    pub fn run(&mut self, ticks: u64) -> Result<RunSummary, SimError> {
        if self.is_finished() {
            return Err(SimError::SimulationFinished {
                horizon: self.horizon,
            });
        }
        let remaining = self.horizon - self.tick;
        if ticks == 0 || ticks > remaining {
            return Err(SimError::InvalidArgument(format!(
                "ticks must be between 1 and the {remaining} remaining in the horizon (got {ticks})"
            )));
        }
        let mut summary = RunSummary::default();
        for _ in 0..ticks {
            let r = self.tick()?;
            summary.add(&r);
            summary.last = r;
        }
        Ok(summary)
    }

    /// Run every remaining tick (a no-op summary when already finished).
    pub fn run_to_end(&mut self) -> Result<RunSummary, SimError> {
        let remaining = self.horizon - self.tick.min(self.horizon);
        if remaining == 0 {
            return Ok(RunSummary::default());
        }
        self.run(remaining)
    }

    // ----- step 1: arrivals ----------------------------------------------------------------

    fn arrive(&mut self, t: u64) {
        let mut draws = std::mem::take(&mut self.scratch_draws);
        for a in 0..self.ids.len() {
            let Some(stream) = self.arrivals[a].as_mut() else {
                continue;
            };
            stream.draw(&mut draws);
            let (offset, priority) = (stream.deadline_offset, stream.priority);
            for d in &draws {
                let slot = self.new_order(
                    a as AgentIdx,
                    d.receiver,
                    d.amount,
                    t.saturating_add(offset),
                    priority,
                );
                self.queue1[a].push_back(slot);
                self.record_arrival(t, slot);
            }
        }
        self.scratch_draws = draws;
        // Manual submissions arrive after the generated orders.
        for slot in std::mem::take(&mut self.pending_manual) {
            if let Some(tx) = self.txs.get(slot) {
                self.queue1[tx.sender as usize].push_back(slot);
                self.record_arrival(t, slot);
            }
        }
    }

    fn record_arrival(&mut self, t: u64, slot: Slot) {
        let Some(tx) = self.txs.get(slot) else { return };
        self.current.num_arrivals += 1;
        self.totals.arrivals += 1;
        self.totals.arrived_value = self.totals.arrived_value.saturating_add(tx.amount);
        let kind = EventKind::Arrival {
            tx: tx.id,
            sender: tx.sender,
            receiver: tx.receiver,
            amount: tx.amount,
            deadline_tick: tx.deadline_tick,
            priority: tx.priority,
        };
        self.events.record(t, kind);
    }

    // ----- steps 2 and 3: policies, splitting, RTGS entry ----------------------------------

    fn release_and_enter(&mut self, t: u64) {
        let mut released = std::mem::take(&mut self.scratch_released);
        let mut orders = std::mem::take(&mut self.scratch_orders);
        let mut release = std::mem::take(&mut self.scratch_release);
        released.clear();
        for a in 0..self.ids.len() {
            if self.queue1[a].is_empty() {
                continue;
            }
            orders.clear();
            orders.extend(self.queue1[a].iter().filter_map(|&s| {
                self.txs.get(s).map(|tx| Order {
                    amount: tx.amount,
                    deadline_tick: tx.deadline_tick,
                })
            }));
            let policy = &self.config.agent_configs[a].policy;
            policy::decide(
                policy,
                &orders,
                self.ledger.balance(a as AgentIdx),
                t,
                &mut release,
            );
            let queue = std::mem::take(&mut self.queue1[a]);
            let mut is_released = vec![false; queue.len()];
            for &i in &release {
                is_released[i] = true;
                released.push(queue[i]);
            }
            let mut held = VecDeque::with_capacity(queue.len() - release.len());
            for (i, slot) in queue.into_iter().enumerate() {
                if is_released[i] {
                    continue;
                }
                held.push_back(slot);
                if let Some(tx) = self.txs.get_mut(slot) {
                    if !tx.hold_recorded {
                        tx.hold_recorded = true;
                        let kind = EventKind::Held {
                            tx: tx.id,
                            sender: tx.sender,
                        };
                        self.events.record(t, kind);
                    }
                }
            }
            self.queue1[a] = held;
            let n = release.len() as u64;
            self.queue1_count[a] -= n;
            self.queue1_total -= n;
        }
        for &slot in &released {
            let Some(tx) = self.txs.get(slot) else {
                continue;
            };
            let (id, sender) = (tx.id, tx.sender);
            self.events
                .record(t, EventKind::Released { tx: id, sender });
            let split = self.config.agent_configs[sender as usize]
                .policy
                .split()
                .cloned();
            match split.and_then(|s| policy::split_amounts(tx.amount, s.threshold, s.max_parts)) {
                None => self.enter_rtgs(slot),
                Some(parts) => self.split_and_enter(t, slot, &parts),
            }
        }
        self.scratch_released = released;
        self.scratch_orders = orders;
        self.scratch_release = release;
    }

    fn split_and_enter(&mut self, t: u64, slot: Slot, parts: &[i64]) {
        let Some(parent) = self.txs.remove(slot) else {
            return;
        };
        let k = parts.len() as u32;
        self.current.num_splits += 1;
        self.totals.splits += 1;
        self.totals.extra_parts += k as u64 - 1;
        let friction = self
            .config
            .cost_rates
            .split_friction_cost
            .saturating_mul(k as i64 - 1);
        self.charge(parent.sender, Charge::Split, friction);
        self.events.record(
            t,
            EventKind::Split {
                tx: parent.id,
                sender: parent.sender,
                parts: k,
            },
        );
        for (p, &amount) in parts.iter().enumerate() {
            let id = TxId {
                seq: parent.id.seq,
                part: p as u32 + 1,
            };
            let part = self.txs.insert(Transaction {
                id,
                amount,
                hold_recorded: false,
                ..parent.clone()
            });
            self.deadlines
                .push(Reverse((parent.deadline_tick, id, part)));
            self.enter_rtgs(part);
        }
    }

    /// Step 3 for one released payment: settle now if possible, else join Queue 2.
    fn enter_rtgs(&mut self, slot: Slot) {
        let Some(tx) = self.txs.get(slot) else { return };
        let (sender, receiver, amount, priority, id) =
            (tx.sender, tx.receiver, tx.amount, tx.priority, tx.id);
        let eligible = match self.config.queue_discipline {
            QueueDiscipline::BypassFifo => true,
            QueueDiscipline::Fifo => self.queue2.sender_len(sender) == 0,
        };
        if eligible && amount <= self.ledger.available(sender) {
            if let Some(tx) = self.txs.remove(slot) {
                self.transfer(sender, receiver, amount);
                self.record_settlement(&tx, Mechanism::Rtgs);
            }
        } else {
            let key = self.enqueue(sender, receiver, priority, amount, slot);
            if let Some(tx) = self.txs.get_mut(slot) {
                tx.location = Location::Queue2 { entry: key.entry };
            }
            self.events
                .record(self.tick, EventKind::Queued { tx: id, sender });
        }
    }

    // ----- step 6: costs -------------------------------------------------------------------

    fn charge_running_costs(&mut self) {
        let rates = &self.config.cost_rates;
        let (liquidity_rate, delay_rate) = (
            rates.liquidity_cost_per_unit_per_tick,
            rates.delay_cost_per_tick,
        );
        for a in 0..self.ids.len() {
            let balance = self.ledger.balance(a as AgentIdx);
            if balance < 0 && liquidity_rate > 0 {
                let cost = (-(balance as i128) * liquidity_rate as i128 / 1_000_000) as i64;
                self.charge(a as AgentIdx, Charge::Liquidity, cost);
            }
            let waiting = self.queue1_count[a] + self.queue2.sender_len(a as AgentIdx) as u64;
            if waiting > 0 && delay_rate > 0 {
                self.charge(
                    a as AgentIdx,
                    Charge::Delay,
                    delay_rate.saturating_mul(waiting as i64),
                );
            }
        }
    }

    pub(crate) fn charge(&mut self, agent: AgentIdx, kind: Charge, amount: i64) {
        if amount == 0 {
            return;
        }
        let mut c = CostBreakdown::default();
        let field = match kind {
            Charge::Liquidity => {
                self.current.total_liquidity_cost =
                    self.current.total_liquidity_cost.saturating_add(amount);
                &mut c.liquidity
            }
            Charge::Delay => {
                self.current.total_delay_cost =
                    self.current.total_delay_cost.saturating_add(amount);
                &mut c.delay
            }
            Charge::Split => {
                self.current.total_split_cost =
                    self.current.total_split_cost.saturating_add(amount);
                &mut c.split
            }
            Charge::Deadline => {
                self.current.total_deadline_penalty =
                    self.current.total_deadline_penalty.saturating_add(amount);
                &mut c.deadline_penalty
            }
            Charge::EndOfDay => {
                self.current.total_eod_penalty =
                    self.current.total_eod_penalty.saturating_add(amount);
                &mut c.eod_penalty
            }
        };
        *field = amount;
        c.total = amount;
        self.totals.costs.add(&c);
        self.totals.agents[agent as usize].costs.add(&c);
    }

    // ----- step 7: deadlines ---------------------------------------------------------------

    fn apply_deadlines(&mut self, t: u64) {
        let mode = self.config.deadline_mode;
        let penalty = self.config.cost_rates.deadline_penalty;
        let mut queue1_drops: Vec<Slot> = Vec::new();
        while let Some(&Reverse((deadline, id, slot))) = self.deadlines.peek() {
            if deadline > t {
                break;
            }
            self.deadlines.pop();
            let Some(tx) = self.txs.get(slot) else {
                continue;
            };
            if tx.id != id || tx.overdue {
                continue; // a stale entry: the slot now holds another transaction
            }
            let (sender, amount, priority, location) =
                (tx.sender, tx.amount, tx.priority, tx.location);
            self.charge(sender, Charge::Deadline, penalty);
            match mode {
                DeadlineMode::Drop => {
                    match location {
                        Location::Queue1 => queue1_drops.push(slot),
                        Location::Queue2 { entry } => {
                            self.dequeue(sender, Q2Key::new(priority, entry));
                            self.txs.remove(slot);
                        }
                    }
                    self.current.num_drops += 1;
                    self.totals.drops += 1;
                    self.totals.day_drops += 1;
                    self.totals.dropped_value = self.totals.dropped_value.saturating_add(amount);
                    self.events.record(
                        t,
                        EventKind::Dropped {
                            tx: id,
                            sender,
                            amount,
                        },
                    );
                }
                DeadlineMode::Overdue => {
                    if let Some(tx) = self.txs.get_mut(slot) {
                        tx.overdue = true;
                    }
                    self.totals.overdue += 1;
                    self.events.record(
                        t,
                        EventKind::Overdue {
                            tx: id,
                            sender,
                            amount,
                        },
                    );
                }
            }
        }
        if !queue1_drops.is_empty() {
            queue1_drops.sort_unstable();
            for &slot in &queue1_drops {
                if let Some(tx) = self.txs.get(slot) {
                    let a = tx.sender as usize;
                    self.queue1_count[a] -= 1;
                    self.queue1_total -= 1;
                    if self.queue1_count[a] as usize != self.queue1[a].len() {
                        self.queue1[a].retain(|s| queue1_drops.binary_search(s).is_err());
                    }
                }
            }
            for slot in queue1_drops {
                self.txs.remove(slot);
            }
        }
    }

    /// Settled payments leave stale entries in the deadline heap until their deadline passes;
    /// with far deadlines (or `overdue` mode) that would grow with history. Rebuild it when
    /// stale entries outnumber live ones: amortised O(1) per payment, results unchanged.
    fn compact_deadlines(&mut self) {
        if self.deadlines.len() <= 2 * self.txs.len() + 64 {
            return;
        }
        let txs = &self.txs;
        self.deadlines.retain(|Reverse((_, id, slot))| {
            txs.get(*slot).is_some_and(|tx| tx.id == *id && !tx.overdue)
        });
    }

    // ----- step 9: end of day --------------------------------------------------------------

    fn end_of_day(&mut self, t: u64) {
        let penalty = self.config.cost_rates.eod_penalty;
        let mut unsettled_total = 0u64;
        let mut charged = 0i64;
        for a in 0..self.ids.len() {
            let unsettled = self.queue1_count[a] + self.queue2.sender_len(a as AgentIdx) as u64;
            unsettled_total += unsettled;
            let cost = penalty.saturating_mul(unsettled as i64);
            charged = charged.saturating_add(cost);
            self.charge(a as AgentIdx, Charge::EndOfDay, cost);
        }
        self.current.end_of_day = true;
        let kind = EventKind::EndOfDay {
            day: t / self.ticks_per_day,
            settlements: self.totals.day_settlements,
            settled_value: self.totals.day_settled_value,
            drops: self.totals.day_drops,
            unsettled: unsettled_total,
            eod_penalties: charged,
        };
        self.events.record(t, kind);
        self.totals.day_settlements = 0;
        self.totals.day_settled_value = 0;
        self.totals.day_drops = 0;
    }
}

/// Which cost bucket a charge goes to.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Charge {
    Liquidity,
    Delay,
    Split,
    Deadline,
    EndOfDay,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadline_index_follows_live_payments_not_history() {
        // Far deadlines and ample liquidity: every payment settles at once, none expires.
        let mut sim = Simulation::from_json(
            r#"{"ticks_per_day": 1000, "num_days": 3, "rng_seed": 3, "event_recording": "off",
              "agent_configs": [
                {"id": "A", "opening_balance": 1000000000, "policy": {"type": "Fifo"},
                 "arrival_config": {"rate_per_tick": 20, "distribution": {"type": "Uniform", "min": 1, "max": 9},
                                    "counterparty_weights": {"B": 1}, "deadline_offset": 1000000000000}},
                {"id": "B", "opening_balance": 1000000000, "policy": {"type": "Fifo"},
                 "arrival_config": {"rate_per_tick": 20, "distribution": {"type": "Uniform", "min": 1, "max": 9},
                                    "counterparty_weights": {"A": 1}, "deadline_offset": 1000000000000}}]}"#,
        )
        .unwrap();
        let summary = sim.run(3000).unwrap();
        assert!(summary.num_settlements > 100_000);
        assert!(
            sim.deadlines.len() <= 2 * sim.txs.len() + 64,
            "{} deadline entries for {} live payments",
            sim.deadlines.len(),
            sim.txs.len()
        );
    }

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
