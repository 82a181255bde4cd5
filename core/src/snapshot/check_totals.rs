//! The running totals of a snapshot against its state: the identities the engine keeps
//! between the counts, the values and the costs of the statistics and the transactions alive.

use super::check::{bad, Restored};
use crate::config::{DeadlineMode, MAX_SPLIT_PARTS};
use crate::engine::Simulation;
use crate::error::SimError;
use crate::stats::CostBreakdown;

impl Restored {
    /// The running totals against the state: the identities the engine keeps.
    pub(super) fn totals_agree(&self, sim: &Simulation) -> Result<(), SimError> {
        let t = &self.totals;
        let wide = |v: u64| v as u128;
        let queued1: u64 = self.queue1.iter().map(|q| q.len() as u64).sum();
        let queued2 = self.queue2.len() as u64;
        let fail = |path: &str, what: String| Err(bad(format!("totals.{path}"), what));
        // Every order arrived (generated at once, submitted at the next tick) has a number.
        if wide(self.next_tx_seq) != wide(t.arrivals) + self.pending.len() as u128 + 1 {
            return Err(bad(
                "next_tx_seq",
                format!(
                    "next transaction number {} is not 1 + {} arrivals + {} pending submissions",
                    self.next_tx_seq,
                    t.arrivals,
                    self.pending.len()
                ),
            ));
        }
        let created = wide(t.arrivals) + wide(t.extra_parts);
        let ended = wide(t.settlements) + wide(t.drops) + wide(queued1) + wide(queued2);
        if created != ended {
            return fail(
                "arrivals",
                format!(
                    "{} arrivals + {} extra split parts ≠ {} settled + {} dropped + {queued1} in Queue 1 + {queued2} in Queue 2",
                    t.arrivals, t.extra_parts, t.settlements, t.drops
                ),
            );
        }
        // Each transaction enters Queue 2 at most once, and those still in Queue 1 have not
        // yet: entries so far ≤ transactions created − Queue 1 (kept as the run goes on).
        let could_have_entered = created - wide(queued1);
        if wide(self.next_queue2_entry) > could_have_entered + 1 {
            return Err(bad(
                "next_queue2_entry",
                format!(
                    "{} entries into Queue 2, but only {could_have_entered} transactions could have entered (created, not in Queue 1)",
                    self.next_queue2_entry - 1
                ),
            ));
        }
        let m = &t.by_mechanism;
        let by_mechanism = wide(m.rtgs) + wide(m.queue) + wide(m.bilateral) + wide(m.multilateral);
        let by_sender: u128 = t.agents.iter().map(|a| wide(a.sent_count)).sum();
        if by_mechanism != wide(t.settlements) || by_sender != wide(t.settlements) {
            return fail(
                "settlements",
                format!(
                    "{} settlements, {by_mechanism} by mechanism, {by_sender} by sender",
                    t.settlements
                ),
            );
        }
        let splits = sim
            .config
            .agent_configs
            .iter()
            .any(|a| a.policy.most_parts() > 0);
        if t.splits > t.extra_parts
            || wide(t.extra_parts) > wide(t.splits) * (MAX_SPLIT_PARTS as u128 - 1)
            || (!splits && t.splits > 0)
        {
            return fail(
                "extra_parts",
                format!("{} extra parts from {} splits", t.extra_parts, t.splits),
            );
        }
        let drop = sim.config.deadline_mode == DeadlineMode::Drop;
        let marked = self.all().filter(|(_, tx)| tx.overdue).count() as u64;
        // The parts of an order split after it was marked (it passed its deadline waiting in
        // Queue 1, e.g. during its sender's outage) carry its one counted mark: the count
        // covers at least one mark per order with a marked transaction alive.
        let mut marked_orders: Vec<u64> = self
            .all()
            .filter(|(_, tx)| tx.overdue)
            .map(|(_, tx)| tx.id.seq)
            .collect();
        marked_orders.sort_unstable();
        marked_orders.dedup();
        // Each transaction (split orders included) is marked at most once, and the live ones
        // not marked yet have not been: marks ≤ transactions ever created − live unmarked.
        let unmarked = queued1 + queued2
            - self
                .queue2
                .iter()
                .chain(self.queue1.iter().flatten())
                .filter(|tx| tx.overdue)
                .count() as u64;
        let ever = created + wide(t.splits);
        if (drop && t.overdue > 0)
            || (!drop && t.drops > 0)
            || t.overdue < marked_orders.len() as u64
            || wide(t.overdue) + wide(unmarked) > ever
        {
            return fail(
                "overdue",
                format!(
                    "{} drops and {} overdue marks ({marked} live, {unmarked} live unmarked, of {ever} transactions) in {} mode",
                    t.drops,
                    t.overdue,
                    if drop { "drop" } else { "overdue" }
                ),
            );
        }
        if t.day_settlements > t.settlements || t.day_drops > t.drops {
            return fail(
                "day_settlements",
                "the day's figures exceed the totals".into(),
            );
        }
        if t.delay_max > self.tick || wide(t.delay_sum) > wide(t.settlements) * wide(t.delay_max) {
            return fail(
                "delay_max",
                format!(
                    "delays (sum {}, max {}) do not fit {} settlements by tick {}",
                    t.delay_sum, t.delay_max, t.settlements, self.tick
                ),
            );
        }
        if t.peak_queue1 < queued1 || t.peak_queue2 < queued2 {
            return fail(
                "peak_queue1",
                format!(
                    "peak queues ({}, {}) are below the queues now ({queued1}, {queued2})",
                    t.peak_queue1, t.peak_queue2
                ),
            );
        }
        self.values_agree()
    }

    /// Values and costs are never negative and add up (value and cost totals saturate at
    /// `i64::MAX`, so each sum is compared as the engine keeps it: capped there).
    fn values_agree(&self) -> Result<(), SimError> {
        let t = &self.totals;
        let capped = |v: i128| v.min(i64::MAX as i128) as i64;
        let values = [
            t.arrived_value,
            t.settled_value,
            t.dropped_value,
            t.day_settled_value,
        ];
        let agent_values = t
            .agents
            .iter()
            .flat_map(|a| [a.sent_value, a.received_value]);
        if values.into_iter().chain(agent_values).any(|v| v < 0) {
            return Err(bad("totals", "a value total is negative"));
        }
        let sent = capped(t.agents.iter().map(|a| a.sent_value as i128).sum());
        let received = capped(t.agents.iter().map(|a| a.received_value as i128).sum());
        if sent != t.settled_value || received != t.settled_value {
            return Err(bad(
                "totals.settled_value",
                format!(
                    "settled value {} differs from the agents' sent ({sent}) or received ({received}) values",
                    t.settled_value
                ),
            ));
        }
        let waiting: i128 = self
            .queue1
            .iter()
            .flatten()
            .chain(&self.queue2)
            .map(|tx| tx.amount as i128)
            .sum();
        let ended = t.settled_value as i128 + t.dropped_value as i128 + waiting;
        let unsaturated = [t.arrived_value, t.settled_value, t.dropped_value]
            .iter()
            .all(|&v| v < i64::MAX);
        if unsaturated && ended != t.arrived_value as i128 {
            return Err(bad(
                "totals.arrived_value",
                format!(
                    "arrived value {} ≠ {} settled + {} dropped + {waiting} waiting in the queues",
                    t.arrived_value, t.settled_value, t.dropped_value
                ),
            ));
        }
        let kinds = |c: &CostBreakdown| {
            [
                c.liquidity,
                c.delay,
                c.split,
                c.deadline_penalty,
                c.eod_penalty,
            ]
        };
        let costs = std::iter::once(("totals.costs".to_string(), &t.costs)).chain(
            t.agents
                .iter()
                .enumerate()
                .map(|(i, a)| (format!("totals.agents[{i}].costs"), &a.costs)),
        );
        for (path, c) in costs {
            let parts = kinds(c);
            if parts.iter().any(|&v| v < 0)
                || c.total != capped(parts.iter().map(|&v| v as i128).sum())
            {
                return Err(bad(
                    path,
                    "costs are negative or do not add up to their total",
                ));
            }
        }
        for (k, &global) in kinds(&t.costs).iter().enumerate() {
            let by_agent = capped(t.agents.iter().map(|a| kinds(&a.costs)[k] as i128).sum());
            if by_agent != global {
                return Err(bad(
                    "totals.costs",
                    "costs differ from the sum of the agents' costs",
                ));
            }
        }
        Ok(())
    }
}
