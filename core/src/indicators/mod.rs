//! The standard indicators of payment-system simulation, accumulated as the run goes:
//! liquidity bounds (Leinonen & Soramäki), the delay indicator ρ (Bank of Finland), delays,
//! per-participant results and the intraday liquidity monitoring figures of BCBS 248, per day
//! and for the whole run. Formulas: `docs/model.md` § Indicators.
//!
//! - `state`: the accumulators (stored in snapshots, version 4);
//! - this file: the hooks the engine calls where things happen (each O(1), except the end of
//!   a tick and of a day, O(agents));
//! - `report`: the indicators document and the figures the statistics carry;
//! - `bounds`: opening balances set from the bounds of a first, unconstrained pass.

pub mod bounds;
mod engine;
pub mod report;
pub mod state;

use crate::events::Mechanism;
use crate::transaction::{AgentIdx, Location, Transaction};
use report::ClosedDays;
use state::{AgentRun, DayAgent, DayRecord, IndicatorState};

impl IndicatorState {
    /// Accumulators starting at tick `tick` with these balances (tick 0: the opening ones).
    pub(crate) fn new(tick: u64, balances: &[i64], ticks_per_day: u64) -> Self {
        let day = tick / ticks_per_day;
        IndicatorState {
            since_tick: tick,
            start_balances: balances.to_vec(),
            agents: balances
                .iter()
                .map(|&b| AgentRun {
                    min_balance: b,
                    ..AgentRun::default()
                })
                .collect(),
            days: Vec::new(),
            today: open_day(day, tick, balances),
            delays: Default::default(),
            closed: vec![Default::default(); balances.len()],
            forgets_days: false,
        }
    }

    /// Sum the kept closed days into `closed` afresh (a restored state).
    pub(crate) fn refold_closed(&mut self) {
        let mut closed = vec![ClosedDays::default(); self.agents.len()];
        for day in &self.days {
            for (c, d) in closed.iter_mut().zip(&day.agents) {
                c.add(d);
            }
        }
        self.closed = closed;
    }

    /// Forget the closed days kept so far and every day that closes later: memory no longer
    /// grows with days. The whole-run figures stay exact (`closed` holds their sums); the
    /// indicators document lists the open day only.
    pub(crate) fn forget_closed_days(&mut self) {
        self.forgets_days = true;
        self.days = Vec::new();
    }

    /// An order was created (generated, or submitted) at `tick`: it is in Queue 1, and ρ
    /// counts it as waiting to the end of its day until it settles.
    pub(crate) fn created(&mut self, sender: AgentIdx, amount: i64, tick: u64, tpd: u64) {
        let s = sender as usize;
        self.agents[s].queue1_value += amount as i128;
        let remaining = (amount as u128) * u128::from(ticks_to_day_end(tick, tpd));
        let d = &mut self.today.agents[s];
        d.delay_weighted += remaining;
        d.delay_max_weighted += remaining;
        let a = &mut self.agents[s];
        a.delay_weighted += remaining;
        a.delay_max_weighted += remaining;
    }

    /// An order left Queue 1 for RTGS entry (whole, before any split): the release order the
    /// bounds follow. It now settles at once or waits in Queue 2.
    pub(crate) fn released(&mut self, sender: AgentIdx, receiver: AgentIdx, amount: i64) {
        let v = amount as i128;
        let (s, r) = (sender as usize, receiver as usize);
        let out = &mut self.agents[s];
        out.queue1_value -= v;
        out.queue2_value += v;
        out.net_released += v;
        out.upper_bound = out.upper_bound.max(out.net_released);
        self.agents[r].net_released -= v;
        let d = &mut self.today.agents[s];
        d.released_out += v;
        d.net_released += v;
        d.upper_bound = d.upper_bound.max(d.net_released);
        let d = &mut self.today.agents[r];
        d.released_in += v;
        d.net_released -= v;
    }

    /// A transaction settled at `tick` by `mechanism`.
    pub(crate) fn settled(&mut self, tx: &Transaction, tick: u64, mechanism: Mechanism, tpd: u64) {
        let (s, r, amount) = (tx.sender as usize, tx.receiver as usize, tx.amount);
        // Every settled payment had been released (counted into Queue 2) first.
        self.agents[s].queue2_value -= amount as i128;
        let delay = tick.saturating_sub(tx.arrival_tick);
        *self.delays.entry(delay).or_insert(0) += 1;
        let first_of_day = self.today.first_tick;
        let d = &mut self.today.agents[s];
        d.sent.add(amount);
        d.sent_value_ticks += (amount as u128) * u128::from(delay);
        if tick <= tx.deadline_tick {
            d.on_time.add(amount);
        } else {
            d.late.add(amount);
        }
        d.by_mechanism[mechanism_index(mechanism)].add(amount);
        let tick_of_day = tick % tpd;
        match d.settled_by_tick.last_mut() {
            Some((k, v)) if *k == tick_of_day => *v = v.saturating_add(amount),
            _ => d.settled_by_tick.push((tick_of_day, amount)),
        }
        // Settled on its arrival day: it waited only until now, not to the end of the day.
        if tx.arrival_tick >= first_of_day {
            let saved = (amount as u128) * u128::from(ticks_to_day_end(tick, tpd));
            d.delay_weighted -= saved;
            self.agents[s].delay_weighted -= saved;
        }
        self.today.agents[r].received.add(amount);
    }

    /// A transaction was dropped at its deadline, from where it waited.
    pub(crate) fn dropped(&mut self, sender: AgentIdx, amount: i64, location: Location) {
        let s = sender as usize;
        match location {
            Location::Queue1 => self.agents[s].queue1_value -= amount as i128,
            Location::Queue2 { .. } => self.agents[s].queue2_value -= amount as i128,
        }
        self.today.agents[s].dropped.add(amount);
    }

    /// An agent's balance changed to `balance`.
    #[inline]
    pub(crate) fn balance_changed(&mut self, agent: AgentIdx, balance: i64) {
        let a = agent as usize;
        let d = &mut self.today.agents[a].min_balance;
        *d = (*d).min(balance);
        let r = &mut self.agents[a].min_balance;
        *r = (*r).min(balance);
    }

    /// The end of a tick: each agent's queues (`queue1[a]`, `queue2[a]` payments) against
    /// its peaks of the day.
    pub(crate) fn end_tick(&mut self, queue1: &[u64], queue2: impl Fn(usize) -> u64) {
        for (a, (day, run)) in self.today.agents.iter_mut().zip(&self.agents).enumerate() {
            let (q1, q2) = (queue1[a], queue2(a));
            // Peaks are never below zero: an agent with nothing queued cannot raise them, and
            // its day record (a cache line per agent and tick otherwise) is not touched.
            if q1 == 0 && q2 == 0 && run.queue1_value <= 0 && run.queue2_value <= 0 {
                continue;
            }
            peak(&mut day.peak_queue1, q1, run.queue1_value);
            peak(&mut day.peak_queue2, q2, run.queue2_value);
        }
    }

    /// The end of a day (after its deadlines): what is left unsettled, the lower bound, and a
    /// new day opened at the next tick with these balances.
    pub(crate) fn end_day(
        &mut self,
        next_tick: u64,
        balances: &[i64],
        queue1: &[u64],
        queue2: impl Fn(usize) -> u64,
        tpd: u64,
    ) {
        for (a, (day, run)) in self
            .today
            .agents
            .iter_mut()
            .zip(&mut self.agents)
            .enumerate()
        {
            day.unsettled.count = queue1[a] + queue2(a);
            day.unsettled.value = run.queue1_value + run.queue2_value;
            run.lower_bound = run.lower_bound.max(run.net_released);
        }
        for (c, d) in self.closed.iter_mut().zip(&self.today.agents) {
            c.add(d);
        }
        let next = open_day(next_tick / tpd, next_tick, balances);
        let closed = std::mem::replace(&mut self.today, next);
        if !self.forgets_days {
            self.days.push(closed);
        }
    }
}

fn open_day(day: u64, first_tick: u64, balances: &[i64]) -> DayRecord {
    DayRecord {
        day,
        first_tick,
        agents: balances
            .iter()
            .map(|&b| DayAgent {
                start_balance: b,
                min_balance: b,
                ..DayAgent::default()
            })
            .collect(),
    }
}

fn peak(p: &mut state::CountValue, count: u64, value: i128) {
    p.count = p.count.max(count);
    p.value = p.value.max(value);
}

/// Ticks from `tick` to the end of its day: `ticks_per_day − (tick mod ticks_per_day)`.
pub(crate) fn ticks_to_day_end(tick: u64, tpd: u64) -> u64 {
    tpd - tick % tpd
}

pub(crate) fn mechanism_index(m: Mechanism) -> usize {
    match m {
        Mechanism::Rtgs => 0,
        Mechanism::Queue => 1,
        Mechanism::Bilateral => 2,
        Mechanism::Multilateral => 3,
    }
}
