//! Applying the schedule: step 0 of a tick (every action due), payments joining the next
//! tick's arrivals as soon as the clock reaches their tick, and appending actions to a live
//! simulation (all or nothing).

use super::action::{PendingAction, Phase, ScenarioEvent, ScheduleDocument};
use super::entry::{Effect, Entry, Target};
use super::resolve::{resolve, Context};
use super::rules::effective_rate;
use super::windows::WindowKind;
use super::Key;
use crate::config::LsmConfig;
use crate::engine::{Change, Simulation};
use crate::error::SimError;
use crate::events::EventKind;
use crate::transaction::{AgentIdx, Slot};

impl Simulation {
    /// Append `events` to the schedule, all or nothing: if any breaks a rule, every problem is
    /// returned (paths `scenario_events[i].…`) and the simulation is unchanged. Returns the
    /// sequence number each action got. A payment due now joins Queue 1 at once, as a
    /// submission does.
    pub fn schedule(&mut self, events: &[ScenarioEvent]) -> Result<Vec<u64>, SimError> {
        if self.is_finished() {
            return Err(SimError::SimulationFinished {
                horizon: self.horizon,
            });
        }
        self.check_counters()?;
        let mut windows = self.schedule.windows.clone();
        let ctx = Context {
            config: &self.config,
            index: &self.index,
            now: self.tick,
            horizon: self.horizon,
        };
        let resolved = resolve(events, &ctx, &mut windows).map_err(SimError::InvalidConfig)?;
        self.schedule.windows = windows;
        let seqs = resolved
            .into_iter()
            .map(|r| self.schedule.insert(r.tick, None, r.entry))
            .collect();
        self.join_due_payments();
        Ok(seqs)
    }

    /// [`Simulation::schedule`] from a JSON document `{"scenario_events": [...]}` (or the bare
    /// list).
    pub fn schedule_json(&mut self, text: &str) -> Result<Vec<u64>, SimError> {
        let events = ScheduleDocument::parse(text)?;
        self.schedule(&events)
    }

    /// Whether actions were appended live (`schedule`, beyond the configuration's
    /// `scenario_events`, which take the first sequence numbers): a recording of the
    /// configuration and the submissions alone would not reproduce this simulation.
    pub fn has_live_schedule(&self) -> bool {
        self.schedule.last_seq() > self.config.scenario_events.len() as u64
    }

    /// The pending entries in the order they will apply: actions not yet applied, the next
    /// occurrence of repeating ones, and the ends of windows in force (`phase: end`).
    pub fn pending_schedule(&self) -> Vec<PendingAction> {
        let tpd = self.ticks_per_day;
        self.schedule
            .entries()
            .into_iter()
            .map(|(k, e)| PendingAction {
                tick: k.tick,
                seq: k.seq,
                phase: e.phase,
                action: e.written(&self.ids, tpd, k.tick),
            })
            .collect()
    }

    /// The outages in force, for the state document.
    pub(crate) fn outage_states(&self) -> Vec<crate::results::OutageState> {
        if self.schedule.active.unrestricted() {
            return Vec::new();
        }
        (0..self.ids.len() as AgentIdx)
            .filter_map(|a| {
                let (to_tick, block_receiving) = self.schedule.outage_end(a)?;
                Some(crate::results::OutageState {
                    agent: self.ids[a as usize].clone(),
                    to_tick,
                    block_receiving,
                })
            })
            .collect()
    }

    /// Payments due at the current tick join the pending submissions (in schedule order);
    /// returns the slot of the last one. Called whenever the clock reaches a tick and after
    /// every append, so that a payment due now is in Queue 1's count at once.
    pub(crate) fn join_due_payments(&mut self) -> Option<Slot> {
        let mut last = None;
        while let Some((key, entry)) = self.schedule.pop_payment(self.tick) {
            if let Effect::Payment {
                sender,
                receiver,
                amount,
                deadline_offset,
                priority,
                from_offset,
            } = entry.effect
            {
                let deadline = self.tick.saturating_add(deadline_offset);
                let slot = self.new_order(sender, receiver, amount, deadline, priority);
                if from_offset > 0 {
                    if let Some(tx) = self.txs.get_mut(slot) {
                        tx.from_tick = self.tick.saturating_add(from_offset);
                    }
                }
                if let Some(tag) = entry.tag {
                    let tx = self.next_tx_seq - 1;
                    self.events.tap_joined(tx, tag, self.tick);
                }
                self.pending_manual.push(slot);
                last = Some(slot);
            }
            self.repeat(key, entry);
        }
        last
    }

    /// Step 0 of tick `t`: every action due, in `(tick, sequence)` order.
    pub(crate) fn apply_schedule(&mut self, t: u64) {
        while let Some((key, entry)) = self.schedule.pop_action(t) {
            self.apply_entry(t, key, &entry);
            self.repeat(key, entry);
        }
    }

    /// Put a repeating action back at its next occurrence.
    fn repeat(&mut self, key: Key, entry: Entry) {
        if let Some(next) = entry.repeat.and_then(|r| r.next(key.tick, self.horizon)) {
            self.schedule.insert(next, Some(key.seq), entry);
        }
    }

    fn apply_entry(&mut self, t: u64, key: Key, entry: &Entry) {
        match (&entry.effect, entry.phase) {
            (
                &Effect::Outage {
                    agent,
                    block_receiving,
                },
                phase,
            ) => {
                let (from, to) = entry.window.unwrap_or((t, t));
                let on = phase == Phase::Start;
                self.schedule.active.set_outage(agent, on, block_receiving);
                // Whether anyone may settle changed: every memo may be wrong.
                self.invalidate_all();
                if on {
                    self.schedule_end(to, key, entry);
                    self.events.record(
                        t,
                        EventKind::OutageStarted {
                            agent,
                            to_tick: to,
                            block_receiving,
                        },
                    );
                } else {
                    self.schedule
                        .windows
                        .remove(WindowKind::Outage, agent, from);
                    self.events.record(t, EventKind::OutageEnded { agent });
                }
            }
            (&Effect::ArrivalRate { target, change }, phase) => {
                let (from, to) = entry.window.unwrap_or((t, t));
                let on = phase == Phase::Start;
                let agents: Vec<AgentIdx> = match target {
                    Target::One(a) => vec![a],
                    Target::All => (0..self.ids.len() as AgentIdx)
                        .filter(|&a| self.arrivals[a as usize].is_some())
                        .collect(),
                };
                for a in agents {
                    let base = self.base_rate(a);
                    let rate = if on {
                        effective_rate(base, change)
                    } else {
                        base
                    };
                    if let Some(stream) = self.arrivals[a as usize].as_mut() {
                        stream.set_rate(rate);
                    }
                    if !on {
                        self.schedule
                            .windows
                            .remove(WindowKind::ArrivalRate, a, from);
                    }
                    self.events
                        .record(t, EventKind::ArrivalRate { agent: a, rate });
                }
                if on {
                    self.schedule_end(to, key, entry);
                }
            }
            (&Effect::Liquidity { agent, amount }, _) => self.apply_liquidity(t, agent, amount),
            (&Effect::BalanceReset { target }, _) => self.apply_balance_reset(t, target),
            (&Effect::CreditLimit { agent, limit }, _) => self.apply_credit_limit(t, agent, limit),
            (&Effect::Collateral { agent, amount }, _) => self.apply_collateral(t, agent, amount),
            (
                &Effect::Reservation {
                    agent,
                    rank,
                    amount,
                },
                _,
            ) => self.apply_reservation(t, agent, rank, amount),
            (
                &Effect::Limit {
                    agent,
                    counterparty,
                    amount,
                },
                _,
            ) => self.apply_limit(t, agent, counterparty, amount),
            (Effect::Weights { agent, weights }, _) => {
                let agent = *agent;
                if let Some(stream) = self.arrivals[agent as usize].as_mut() {
                    stream.set_receivers(weights);
                }
                self.schedule.active.weights[agent as usize] = Some(weights.clone());
                self.events
                    .record(t, EventKind::CounterpartyWeights { agent });
            }
            (
                &Effect::Lsm {
                    bilateral,
                    multilateral,
                    algorithm,
                },
                _,
            ) => {
                let now = self.lsm_switches().clone();
                let set = LsmConfig {
                    bilateral: bilateral.unwrap_or(now.bilateral),
                    multilateral: multilateral.unwrap_or(now.multilateral),
                    algorithm: algorithm.or(now.algorithm),
                    ..now
                };
                self.events.record(
                    t,
                    EventKind::Lsm {
                        bilateral: set.bilateral,
                        multilateral: set.multilateral,
                    },
                );
                self.schedule.active.lsm = Some(set);
                // The LSM's memo of its last fixed point was for the old switches.
                self.invalidate_all();
            }
            // Payments join at the tick boundary (`join_due_payments`), never here.
            (Effect::Payment { .. }, _) => {}
        }
    }

    /// A window just started: its end waits at `to`, with the action's sequence number.
    fn schedule_end(&mut self, to: u64, key: Key, entry: &Entry) {
        let end = Entry {
            phase: Phase::End,
            ..entry.clone()
        };
        self.schedule.insert(to, Some(key.seq), end);
    }

    /// The arrival rate agent `a` is configured with (0 without arrivals).
    fn base_rate(&self, a: AgentIdx) -> f64 {
        self.config.agent_configs[a as usize]
            .arrival_config
            .as_ref()
            .map_or(0.0, |ac| ac.rate_per_tick)
    }

    /// The LSM switches in force.
    pub(crate) fn lsm_switches(&self) -> &LsmConfig {
        self.schedule
            .active
            .lsm
            .as_ref()
            .unwrap_or(&self.config.lsm)
    }

    /// Headroom under the bound on total money: `2^63 − 1 − Σ (balance + credit limit)`.
    pub(crate) fn money_headroom(&self) -> i64 {
        let used: i128 = self
            .ledger
            .balances()
            .iter()
            .zip(self.ledger.credit_limits())
            .map(|(&b, &c)| b as i128 + c as i128)
            .sum();
        (i64::MAX as i128 - used).clamp(0, i64::MAX as i128) as i64
    }

    /// An external injection or withdrawal: a withdrawal is capped at the available
    /// liquidity (the balance never goes below −credit limit), an injection at the headroom
    /// under the bound on total money; the event records both amounts.
    fn apply_liquidity(&mut self, t: u64, agent: AgentIdx, requested: i64) {
        let applied = if requested > 0 {
            requested.min(self.money_headroom())
        } else {
            requested.max(-self.ledger.available(agent))
        };
        if applied != 0 {
            self.external_flow(agent, applied);
            if let Some(probe) = &mut self.probe {
                probe.external(agent, applied);
            }
        }
        let a = &mut self.schedule.active;
        a.external_net += i128::from(applied);
        if applied > 0 {
            a.external_in = a.external_in.saturating_add(applied);
        } else {
            a.external_out = a.external_out.saturating_add(-applied);
        }
        self.events.record(
            t,
            EventKind::Liquidity {
                agent,
                amount: applied,
                requested,
            },
        );
    }

    /// Bring the target's balances back to their opening balances: for each agent whose
    /// balance differs, a `liquidity` action of the difference (capped and recorded as one).
    fn apply_balance_reset(&mut self, t: u64, target: Target) {
        let agents = match target {
            Target::One(a) => a..a + 1,
            Target::All => 0..self.ids.len() as AgentIdx,
        };
        for a in agents {
            let opening = self.config.agent_configs[a as usize].opening_balance;
            let gap = i128::from(opening) - i128::from(self.ledger.balance(a));
            let gap = gap.clamp(-i128::from(i64::MAX), i128::from(i64::MAX)) as i64;
            if gap != 0 {
                self.apply_liquidity(t, a, gap);
            }
        }
    }

    /// A new credit line: never below what the agent uses now (−balance), never beyond the
    /// bound on total money; the event records both.
    fn apply_credit_limit(&mut self, t: u64, agent: AgentIdx, requested: i64) {
        let old = self.ledger.credit_limit(agent);
        let floor = (-self.ledger.balance(agent)).max(0);
        let ceiling = old.saturating_add(self.money_headroom());
        let applied = requested.clamp(floor, ceiling.max(floor));
        self.change_credit_line(t, agent, old, applied, requested);
    }

    /// Set `agent`'s credit line from `old` to `new` (a scheduled change: `requested` is what
    /// was asked), wake what the change may unblock, and record the `credit_limit` event.
    pub(crate) fn change_credit_line(
        &mut self,
        t: u64,
        agent: AgentIdx,
        old: i64,
        new: i64,
        requested: i64,
    ) {
        self.set_credit_limit(agent, new);
        let change = if new > old {
            Change::LiquidityRose
        } else {
            Change::LiquidityFell
        };
        self.invalidate(agent, change);
        self.schedule.active.credit_changed = true;
        self.events.record(
            t,
            EventKind::CreditLimit {
                agent,
                credit_limit: new,
                requested,
            },
        );
    }

    /// Install the overrides a snapshot's schedule left (restore): rates of the windows in
    /// force, weights, outages.
    pub(crate) fn reinstate_schedule_effects(&mut self) {
        let ends: Vec<(Effect, u64)> = self
            .schedule
            .entries()
            .into_iter()
            .filter(|(_, e)| e.phase == Phase::End)
            .map(|(k, e)| (e.effect.clone(), k.tick))
            .collect();
        for (effect, _) in ends {
            match effect {
                Effect::Outage {
                    agent,
                    block_receiving,
                } => self
                    .schedule
                    .active
                    .set_outage(agent, true, block_receiving),
                Effect::ArrivalRate { target, change } => {
                    for a in 0..self.ids.len() as AgentIdx {
                        if target == Target::All || target == Target::One(a) {
                            let rate = effective_rate(self.base_rate(a), change);
                            if let Some(s) = self.arrivals[a as usize].as_mut() {
                                s.set_rate(rate);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        for a in 0..self.ids.len() {
            if let (Some(w), Some(s)) = (
                self.schedule.active.weights[a].clone(),
                self.arrivals[a].as_mut(),
            ) {
                s.set_receivers(&w);
            }
        }
    }
}

impl Simulation {
    /// Schedule the configuration's `scenario_events` (already validated with it) on a new
    /// simulation at tick 0.
    pub(crate) fn with_scenario_events(mut self) -> Result<Self, SimError> {
        if self.config.scenario_events.is_empty() {
            return Ok(self);
        }
        let events = std::mem::take(&mut self.config.scenario_events);
        let result = self.schedule(&events);
        self.config.scenario_events = events;
        result?;
        Ok(self)
    }
}
