//! Deadlines and end of day: the time-triggered steps 7 and 9, and the deadline index.
//!
//! The index is a min-heap of `(deadline, id, slot)`. Settling a payment does not search the
//! heap for its entry; the entry goes stale and is skipped when it surfaces (its slot no longer
//! holds that id). Without care, stale entries would grow with history, hence the compaction.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::config::DeadlineMode;
use crate::engine::{Charge, Simulation};
use crate::events::EventKind;
use crate::transaction::{AgentIdx, Location, Slot, TxId, TxStore};

/// Unsettled payments by deadline (earliest first, ties by id); may hold stale entries.
#[derive(Debug, Clone, Default)]
pub(crate) struct DeadlineIndex {
    heap: BinaryHeap<Reverse<(u64, TxId, Slot)>>,
}

impl DeadlineIndex {
    /// Index the payment `id` stored at `slot`.
    pub fn push(&mut self, deadline: u64, id: TxId, slot: Slot) {
        self.heap.push(Reverse((deadline, id, slot)));
    }

    /// The next entry with a deadline at or before `t`, removed from the index (it may be stale).
    fn pop_due(&mut self, t: u64) -> Option<(TxId, Slot)> {
        let &Reverse((deadline, _, _)) = self.heap.peek()?;
        if deadline > t {
            return None;
        }
        self.heap.pop().map(|Reverse((_, id, slot))| (id, slot))
    }

    /// Settled payments leave stale entries in the heap until their deadline passes; with far
    /// deadlines (or `overdue` mode) that would grow with history. Rebuild it when stale
    /// entries outnumber live ones: amortised O(1) per payment, results unchanged.
    fn compact(&mut self, txs: &TxStore) {
        if self.heap.len() <= 2 * txs.len() + 64 {
            return;
        }
        self.heap.retain(|Reverse((_, id, slot))| {
            txs.get(*slot).is_some_and(|tx| tx.id == *id && !tx.overdue)
        });
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.heap.len()
    }
}

impl Simulation {
    /// Step 7: every unsettled order whose deadline is `t` or earlier is charged its penalty
    /// once, then dropped or marked overdue.
    pub(super) fn apply_deadlines(&mut self, t: u64) {
        let mode = self.config.deadline_mode;
        let penalty = self.config.cost_rates.deadline_penalty;
        let mut queue1_drops: Vec<Slot> = Vec::new();
        while let Some((id, slot)) = self.deadlines.pop_due(t) {
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
                    self.indicators.dropped(sender, amount, location);
                    match location {
                        Location::Queue1 => queue1_drops.push(slot),
                        Location::Queue2 { entry } => {
                            self.dequeue(sender, self.queue_key(priority, entry));
                            self.txs.remove(slot);
                        }
                    }
                    self.current.num_drops += 1;
                    self.totals.drops += 1;
                    self.totals.day_drops += 1;
                    self.totals.dropped_value = self.totals.dropped_value.saturating_add(amount);
                    if let Some(probe) = &mut self.probe {
                        probe.dropped(sender, amount);
                    }
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
            // Each sender's visible Queue 1 is cleaned once. (Its length cannot tell whether it
            // was: `queue1_count` also counts the payments waiting for their from-time, which
            // are not in it — a stale slot left there came back as a second copy of the
            // payment that reused it.)
            let mut senders: Vec<usize> = Vec::new();
            for &slot in &queue1_drops {
                if let Some(tx) = self.txs.get(slot) {
                    let a = tx.sender as usize;
                    self.queue1_count[a] -= 1;
                    self.queue1_total -= 1;
                    senders.push(a);
                }
            }
            senders.sort_unstable();
            senders.dedup();
            for a in senders {
                self.queue1[a].retain(|s| queue1_drops.binary_search(s).is_err());
            }
            for slot in queue1_drops {
                self.txs.remove(slot);
            }
        }
    }

    /// Keep the deadline index proportional to the live payments.
    pub(super) fn compact_deadlines(&mut self) {
        self.deadlines.compact(&self.txs);
    }

    /// Step 9, at a day's last tick (after the deadlines): the end-of-day penalty per order
    /// still unsettled, and the day's figures in an `end_of_day` event.
    pub(super) fn end_of_day(&mut self, t: u64) {
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

#[cfg(test)]
mod tests {
    use crate::Simulation;

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
}
