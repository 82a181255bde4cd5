//! Step 2: the agents' policies decide which orders leave Queue 1, and released orders are
//! split where their sender's policy says so before they enter RTGS (step 3, in settlement).
//!
//! Every policy decides before any released order enters RTGS, so each policy sees the
//! balances as they were at the start of the step, whatever the agent order.

use crate::config::{PolicyConfig, SimulationConfig};
use crate::engine::{Charge, Simulation};
use crate::events::EventKind;
use crate::policy::eval::{decide_tree, Outcome};
use crate::policy::{self, AgentView, Order, Release};
use crate::transaction::{AgentIdx, Slot, Transaction, TxId};

impl Simulation {
    /// Steps 2 and 3: run every policy, then send the released orders (split or whole) to
    /// RTGS entry in (agent, release) order.
    pub(super) fn release_and_enter(&mut self, t: u64) {
        let mut released = std::mem::take(&mut self.scratch.released);
        let mut orders = std::mem::take(&mut self.scratch.orders);
        let mut release = std::mem::take(&mut self.scratch.release);
        let mut outcome = std::mem::take(&mut self.scratch.outcome);
        let mut is_released = std::mem::take(&mut self.scratch.is_released);
        released.clear();
        for a in 0..self.ids.len() {
            // An agent in an outage runs no policy: its orders wait in Queue 1.
            if self.queue1[a].is_empty() || self.schedule.active.is_out(a as AgentIdx) {
                continue;
            }
            let agent = a as AgentIdx;
            let route = self.routes[a];
            if route == Route::Fifo && self.rules.is_none() {
                // `policy::decide` for a plain `Fifo`: every order, whole, in order (only
                // the orders still in the store, as `policy_input` lists them).
                let n = self.queue1[a]
                    .iter()
                    .filter(|&&s| self.txs.get(s).is_some());
                release.clear();
                release.extend((0..n.count()).map(|index| Release { index, parts: 0 }));
                self.take_released(t, a, &release, &mut released, &mut is_released);
                continue;
            }
            let mut view = self.policy_input(agent, t, &mut orders);
            // A host's decisions were gathered before anything moved (`policy::host`).
            if route != Route::Host || !self.host.take_decided(a, &mut release) {
                match self.trees[a].as_ref() {
                    Some(tree) => {
                        let day = t / self.ticks_per_day.max(1);
                        let memory = &mut self.policy_state;
                        memory.read(agent, t, day, &mut view, &mut orders);
                        decide_tree(tree, &orders, &mut view, &mut release, &mut outcome);
                        memory.write_registers(agent, day, view.registers);
                    }
                    None => {
                        let policy = &self.config.agent_configs[a].policy;
                        match self.rules.as_deref() {
                            // Under the rules the built-ins go by class, reservations, limits.
                            Some(book) => policy::classed::decide(
                                policy,
                                &orders,
                                &view,
                                book,
                                agent,
                                &mut release,
                            ),
                            None => policy::decide(policy, None, &orders, &view, &mut release),
                        }
                    }
                }
            }
            self.apply_outcome(t, agent, &outcome);
            outcome.clear();
            self.take_released(t, a, &release, &mut released, &mut is_released);
        }
        for &(slot, parts) in &released {
            let Some(tx) = self.txs.get(slot) else {
                continue;
            };
            let (id, sender) = (tx.id, tx.sender);
            self.indicators.released(sender, tx.receiver, tx.amount);
            self.events
                .record(t, EventKind::Released { tx: id, sender });
            let split = if parts > 0 {
                // A tree's split leaf chose the parts.
                policy::split_even(tx.amount, parts)
            } else if self.routes[sender as usize] == Route::Fifo {
                None // a plain `Fifo` has no split rule
            } else {
                let rule = self.config.agent_configs[sender as usize].policy.split();
                rule.and_then(|s| policy::split_amounts(tx.amount, s.threshold, s.max_parts))
            };
            match split {
                None => self.enter_rtgs(slot),
                Some(parts) => self.split_and_enter(t, slot, &parts),
            }
        }
        self.scratch.released = released;
        self.scratch.orders = orders;
        self.scratch.release = release;
        self.scratch.outcome = outcome;
        self.scratch.is_released = is_released;
    }

    /// Agent `a`'s orders at the `release` indices leave its Queue 1 for `released`; the
    /// held ones stay, in order, and are recorded as held the first time.
    fn take_released(
        &mut self,
        t: u64,
        a: usize,
        release: &[policy::Release],
        released: &mut Vec<(Slot, u32)>,
        is_released: &mut Vec<bool>,
    ) {
        // The held orders stay in the agent's queue (no buffer per agent and tick).
        let mut queue = std::mem::take(&mut self.queue1[a]);
        is_released.clear();
        is_released.resize(queue.len(), false);
        for r in release {
            is_released[r.index] = true;
            released.push((queue[r.index], r.parts));
        }
        let (txs, events) = (&mut self.txs, &mut self.events);
        let mut i = 0;
        queue.retain(|&slot| {
            let held = !is_released[i];
            i += 1;
            if let Some(tx) = txs.get_mut(slot).filter(|tx| held && !tx.hold_recorded) {
                tx.hold_recorded = true;
                let kind = EventKind::Held {
                    tx: tx.id,
                    sender: tx.sender,
                };
                events.record(t, kind);
            }
            held
        });
        self.queue1[a] = queue;
        let n = release.len() as u64;
        self.queue1_count[a] -= n;
        self.queue1_total -= n;
    }

    /// What a tree's `do` leaves changed besides releases: collateral posted or withdrawn
    /// through the path a scheduled `collateral` action takes, and new priorities of orders
    /// in Queue 1 (both before the released orders enter RTGS, so the new credit line serves
    /// them and Queue 2 orders them by the new priority).
    fn apply_outcome(&mut self, t: u64, agent: AgentIdx, outcome: &Outcome) {
        if outcome.collateral != 0 {
            self.apply_collateral(t, agent, outcome.collateral);
        }
        for &(index, to) in &outcome.priorities {
            let slot = self.queue1[agent as usize][index];
            let Some(tx) = self.txs.get_mut(slot) else {
                continue;
            };
            let from = std::mem::replace(&mut tx.priority, to);
            let kind = EventKind::PriorityChanged {
                tx: tx.id,
                sender: tx.sender,
                from,
                to,
            };
            self.events.record(t, kind);
        }
    }

    /// What agent `a`'s policy sees at tick `t`: `orders` becomes its Queue 1 in order.
    pub(crate) fn policy_input(
        &self,
        agent: AgentIdx,
        t: u64,
        orders: &mut Vec<Order>,
    ) -> AgentView {
        orders.clear();
        let (reserved, urgent_from) = self.policy_rules(agent);
        let mut queue1_value: i128 = 0;
        orders.extend(self.queue1[agent as usize].iter().filter_map(|&s| {
            self.txs.get(s).map(|tx| {
                queue1_value += tx.amount as i128;
                Order {
                    amount: tx.amount,
                    deadline_tick: tx.deadline_tick,
                    urgent: tx.priority >= urgent_from,
                    priority: tx.priority,
                    receiver: tx.receiver,
                    arrival_tick: tx.arrival_tick,
                    ..Order::default()
                }
            })
        }));
        AgentView {
            balance: self.ledger.balance(agent),
            credit_limit: self.ledger.credit_limit(agent),
            reserved,
            tick: t,
            ticks_per_day: self.ticks_per_day,
            queue1_value,
            queue1_count: orders.len() as u64,
            queue2_count: self.queue2.sender_len(agent) as u64,
            queue2_value: self.queue2.sender_value(agent),
            incoming_value: self.queue2.receiver_value(agent),
            ..AgentView::default()
        }
    }

    /// Replace a released order by its parts (the parent leaves the system) and send each
    /// part to RTGS entry; the friction cost is charged per extra part.
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
            self.deadlines.push(parent.deadline_tick, id, part);
            self.enter_rtgs(part);
        }
    }
}

/// Per agent, which way step 2 decides, in one byte: the policy configurations, the compiled
/// trees and the hosts' decisions are per-agent records of tens of bytes each, a cache miss
/// apiece for every agent that releases in a tick. Policies do not change during a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Route {
    /// A host program decides (`policy::host`).
    Host,
    /// `Fifo` without a split rule: every order, whole, in order.
    Fifo,
    /// A compiled tree or another built-in.
    Other,
}

/// Each agent's route.
pub(crate) fn routes(config: &SimulationConfig) -> Vec<Route> {
    (config.agent_configs.iter())
        .map(|a| match &a.policy {
            PolicyConfig::Host { .. } => Route::Host,
            PolicyConfig::Fifo { split: None } => Route::Fifo,
            _ => Route::Other,
        })
        .collect()
}
