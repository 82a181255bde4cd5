//! The event-stream ledger of `properties.rs`: replays every event of a run and checks each
//! transition is legal, and after every tick that the replayed balances, counts and queues
//! are the engine's (`model.md` § Invariants).

use std::collections::HashMap;

use payment_sim_core::{EventRecord, Simulation, TickResult};
use serde_json::json;

use super::Case;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Where {
    Queue1,
    /// Released this tick; must be split, queued or settled before the tick ends.
    InFlight,
    Queue2,
    Settled,
    Dropped,
    /// Replaced by its parts.
    Split,
}

#[derive(Debug)]
struct Tx {
    at: Where,
    sender: String,
    receiver: String,
    amount: Option<i64>,
    overdue: bool,
}

/// Replays the event stream and checks each transition is legal.
pub(crate) struct Ledger {
    ids: Vec<String>,
    credit: Vec<i64>,
    opening_total: i64,
    balances: HashMap<String, i64>,
    txs: HashMap<String, Tx>,
    seen_seq: u64,
    arrived: u64,
    extra_parts: u64,
    settled: u64,
    dropped: u64,
    ticks_per_day: u64,
    // Cumulative tick-result counters.
    sum_arrivals: u64,
    sum_settlements: u64,
    sum_drops: u64,
}

impl Ledger {
    pub(crate) fn new(sim: &Simulation, case: &Case) -> Self {
        let state = sim.state();
        Ledger {
            ids: sim.agent_ids().to_vec(),
            credit: state.agents.iter().map(|a| a.credit_limit).collect(),
            opening_total: state.agents.iter().map(|a| a.balance).sum(),
            balances: state
                .agents
                .iter()
                .map(|a| (a.id.clone(), a.balance))
                .collect(),
            txs: HashMap::new(),
            seen_seq: 0,
            arrived: 0,
            extra_parts: 0,
            settled: 0,
            dropped: 0,
            ticks_per_day: case.config["ticks_per_day"].as_u64().unwrap(),
            sum_arrivals: 0,
            sum_settlements: 0,
            sum_drops: 0,
        }
    }

    fn apply(&mut self, e: &EventRecord, r: &TickResult) -> Result<(), String> {
        assert_eq!(
            e.seq,
            self.seen_seq + 1,
            "event sequence numbers are contiguous"
        );
        self.seen_seq = e.seq;
        if e.tick != r.tick {
            return Err(format!("event {e:?} during tick {}", r.tick));
        }
        let id = e.tx.clone().unwrap_or_default();
        let at = self.txs.get(&id).map(|t| t.at);
        let bad = |what: &str| Err(format!("{what}: {e:?} (was {at:?})"));
        match e.kind.as_str() {
            "arrival" => {
                if at.is_some() {
                    return bad("arrived twice");
                }
                self.arrived += 1;
                self.txs.insert(
                    id,
                    Tx {
                        at: Where::Queue1,
                        sender: e.sender.clone().unwrap(),
                        receiver: e.receiver.clone().unwrap(),
                        amount: e.amount,
                        overdue: false,
                    },
                );
            }
            "held" if at == Some(Where::Queue1) => {}
            "released" if at == Some(Where::Queue1) => self.set(&id, Where::InFlight),
            "split" if at == Some(Where::InFlight) => {
                let k = e.parts.unwrap() as u64;
                if k < 2 {
                    return bad("split into fewer than 2 parts");
                }
                self.extra_parts += k - 1;
                let parent = self.txs.get_mut(&id).unwrap();
                parent.at = Where::Split;
                let (sender, receiver) = (parent.sender.clone(), parent.receiver.clone());
                for p in 1..=k {
                    let part = format!("{id}.{p}");
                    if self.txs.contains_key(&part) {
                        return bad("part id reused");
                    }
                    self.txs.insert(
                        part,
                        Tx {
                            at: Where::InFlight,
                            sender: sender.clone(),
                            receiver: receiver.clone(),
                            amount: None,
                            overdue: false,
                        },
                    );
                }
            }
            "queued" if at == Some(Where::InFlight) => self.set(&id, Where::Queue2),
            "settled" if matches!(at, Some(Where::InFlight | Where::Queue2)) => {
                let tx = self.txs.get_mut(&id).unwrap();
                let amount = e.amount.unwrap();
                if e.sender.as_ref() != Some(&tx.sender)
                    || e.receiver.as_ref() != Some(&tx.receiver)
                {
                    return bad("settled between the wrong agents");
                }
                if tx.amount.is_some_and(|a| a != amount) || amount <= 0 {
                    return bad("settled amount differs from the order");
                }
                if e.mechanism.is_none() {
                    return bad("settled without a mechanism");
                }
                tx.at = Where::Settled;
                *self.balances.get_mut(&tx.sender).unwrap() -= amount;
                *self.balances.get_mut(&tx.receiver).unwrap() += amount;
                self.settled += 1;
            }
            "dropped" if matches!(at, Some(Where::Queue1 | Where::Queue2)) => {
                self.set(&id, Where::Dropped);
                self.dropped += 1;
            }
            "overdue" if matches!(at, Some(Where::Queue1 | Where::Queue2)) => {
                let tx = self.txs.get_mut(&id).unwrap();
                if tx.overdue {
                    return bad("marked overdue twice");
                }
                tx.overdue = true;
            }
            "end_of_day" => {
                if !(e.tick + 1).is_multiple_of(self.ticks_per_day) || !r.end_of_day {
                    return bad("end of day on a tick that is not a day's last");
                }
            }
            _ => return bad("illegal transition"),
        }
        Ok(())
    }

    fn set(&mut self, id: &str, at: Where) {
        self.txs.get_mut(id).unwrap().at = at;
    }

    /// All checks after one tick.
    pub(crate) fn after_tick(&mut self, sim: &Simulation, r: &TickResult) -> Result<(), String> {
        let events = sim.events_since(self.seen_seq);
        let count = |kind: &str| events.iter().filter(|e| e.kind == kind).count() as u64;
        let mech = |m: &str| {
            events
                .iter()
                .filter(|e| {
                    e.mechanism
                        .is_some_and(|x| serde_json::to_value(x).unwrap() == json!(m))
                })
                .count() as u64
        };
        if (
            count("arrival"),
            count("settled"),
            count("dropped"),
            count("split"),
        ) != (r.num_arrivals, r.num_settlements, r.num_drops, r.num_splits)
        {
            return Err(format!("tick counters disagree with its events: {r:?}"));
        }
        if (mech("bilateral"), mech("multilateral"))
            != (r.lsm_bilateral_releases, r.lsm_cycle_releases)
        {
            return Err(format!("LSM counters disagree with the events: {r:?}"));
        }
        if r.settled_value
            != events
                .iter()
                .filter(|e| e.kind == "settled")
                .map(|e| e.amount.unwrap())
                .sum::<i64>()
        {
            return Err("settled_value disagrees with the events".into());
        }
        if r.end_of_day != (count("end_of_day") == 1) {
            return Err("end_of_day flag without its event (or vice versa)".into());
        }
        for e in &events {
            self.apply(e, r)?;
        }
        self.sum_arrivals += r.num_arrivals;
        self.sum_settlements += r.num_settlements;
        self.sum_drops += r.num_drops;

        let state = sim.state();
        // Conservation and credit limits.
        let total: i64 = state.agents.iter().map(|a| a.balance).sum();
        if total != self.opening_total {
            return Err(format!(
                "balances sum to {total}, opening {}",
                self.opening_total
            ));
        }
        for (a, &credit) in state.agents.iter().zip(&self.credit) {
            if a.balance < -credit {
                return Err(format!("{} at {} below −{credit}", a.id, a.balance));
            }
            if self.balances[&a.id] != a.balance {
                return Err(format!(
                    "replaying settlements gives {} for {}, state says {}",
                    self.balances[&a.id], a.id, a.balance
                ));
            }
        }
        // Locations: nothing left in flight; queue sizes agree with the replay.
        let mut q1: HashMap<&str, u64> = HashMap::new();
        let mut q2: HashMap<&str, u64> = HashMap::new();
        for (id, tx) in &self.txs {
            match tx.at {
                Where::InFlight => return Err(format!("{id} released but never placed")),
                Where::Queue1 => *q1.entry(tx.sender.as_str()).or_default() += 1,
                Where::Queue2 => *q2.entry(tx.sender.as_str()).or_default() += 1,
                _ => {}
            }
        }
        for a in &state.agents {
            let (e1, e2) = (
                q1.get(a.id.as_str()).copied().unwrap_or(0),
                q2.get(a.id.as_str()).copied().unwrap_or(0),
            );
            if (a.queue1_size, a.queue2_size) != (e1, e2) {
                return Err(format!(
                    "{}: queues ({}, {}) but the events say ({e1}, {e2})",
                    a.id, a.queue1_size, a.queue2_size
                ));
            }
        }
        let (q1_total, q2_total): (u64, u64) = (q1.values().sum(), q2.values().sum());
        if (r.queue1_size, r.queue2_size, state.queue2_size) != (q1_total, q2_total, q2_total) {
            return Err(format!("tick result queue sizes disagree: {r:?}"));
        }
        // arrived + extra parts = settled + dropped + Queue 1 + Queue 2
        if self.arrived + self.extra_parts != self.settled + self.dropped + q1_total + q2_total {
            return Err(format!(
                "accounting: {} + {} ≠ {} + {} + {q1_total} + {q2_total}",
                self.arrived, self.extra_parts, self.settled, self.dropped
            ));
        }
        let stats = sim.statistics();
        if (stats.arrivals, stats.settlements, stats.drops)
            != (self.sum_arrivals, self.sum_settlements, self.sum_drops)
            || (stats.arrivals, stats.settlements, stats.drops)
                != (self.arrived, self.settled, self.dropped)
        {
            return Err("statistics disagree with the tick results and events".into());
        }
        let live = sim.live_transactions();
        if live != q1_total + q2_total {
            return Err(format!(
                "{live} live transactions, {q1_total} + {q2_total} queued"
            ));
        }
        let _ = &self.ids;
        Ok(())
    }
}
