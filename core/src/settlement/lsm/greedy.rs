//! `greedy_removal`, the offsetting rules of semantics 1, on the engine's Queue 2 itself:
//! bilateral offsetting pair by pair, and multilateral offsetting (gridlock resolution), each
//! removing the short side's latest payment until the rest is fundable. Both ignore the queue
//! discipline. `instance::greedy_removal` is the same rule on a detached problem (tests compare
//! the two).

use crate::engine::Simulation;
use crate::events::Mechanism;
use crate::transaction::AgentIdx;

use crate::settlement::queue2::Q2Key;

/// The multilateral attempt's per-agent buffers, kept between attempts (all `false` and
/// `None` between them; the others are rebuilt by each attempt).
#[derive(Debug, Default, Clone)]
pub(crate) struct MultilateralScratch {
    slack: Vec<i128>,
    failing: Vec<AgentIdx>,
    is_failing: Vec<bool>,
    bound: Vec<Option<Q2Key>>,
    shed: Vec<AgentIdx>,
}

impl Simulation {
    /// For each pair `(i, j)`, `i < j`, with payments queued both ways: offset them, excluding
    /// the failing side's lowest-priority, latest-entered payment until both sides can fund
    /// their net outflow. A pair whose agents did not change since its last failed attempt is
    /// skipped (the attempt would fail again).
    pub(super) fn bilateral_offsetting(&mut self) -> u64 {
        let mut settled = 0;
        let mut cursor: Option<(AgentIdx, AgentIdx)> = None;
        while let Some((i, j)) = self.next_pair_to_try(&mut cursor) {
            let n = self.try_bilateral(i, j);
            if n == 0 {
                // A failed attempt changed nothing: the memo records the state it failed in.
                let failed = self.skip.pair_failed(i, j);
                if let Some(m) = self.queue2.both_ways.get_mut(&(i, j)) {
                    *m = failed;
                }
            }
            settled += n;
        }
        settled
    }

    fn try_bilateral(&mut self, i: AgentIdx, j: AgentIdx) -> u64 {
        let amounts = |sim: &Simulation, s: AgentIdx, r: AgentIdx| -> Vec<(Q2Key, i64)> {
            sim.queue2
                .pair(s, r)
                .filter_map(|k| sim.queue2.entry(s, k).map(|e| (k, e.amount)))
                .collect()
        };
        let mut from_i = amounts(self, i, j);
        let mut from_j = amounts(self, j, i);
        let mut sum_i: i128 = from_i.iter().map(|p| p.1 as i128).sum();
        let mut sum_j: i128 = from_j.iter().map(|p| p.1 as i128).sum();
        let (avail_i, avail_j) = (
            self.ledger.available(i) as i128,
            self.ledger.available(j) as i128,
        );
        while !from_i.is_empty() && !from_j.is_empty() {
            let net_out_i = sum_i - sum_j;
            if net_out_i > avail_i {
                sum_i -= from_i.pop().map_or(0, |p| p.1 as i128);
            } else if -net_out_i > avail_j {
                sum_j -= from_j.pop().map_or(0, |p| p.1 as i128);
            } else {
                break;
            }
        }
        if from_i.is_empty() || from_j.is_empty() {
            return 0;
        }
        let mut items: Vec<(Q2Key, AgentIdx)> = from_i
            .iter()
            .map(|p| (p.0, i))
            .chain(from_j.iter().map(|p| (p.0, j)))
            .collect();
        items.sort_unstable();
        self.count_offset(false);
        self.settle_batch(&items, Mechanism::Bilateral)
    }

    /// Net every queued payment; while some agent cannot fund its net debit, exclude the
    /// lowest-indexed such agent's lowest-priority, latest-entered payment; settle the rest
    /// simultaneously.
    ///
    /// The exclusions end at the largest set in which every agent can fund its net debit,
    /// whatever order they are made in; that set only shrinks when liquidity falls. So after
    /// an attempt that settled nothing, another one can only succeed once Queue 2 changed or
    /// an agent with queued payments gained liquidity (see `engine::skip_work`); until then it
    /// is skipped, however busy the rest of the system is.
    pub(super) fn multilateral_offsetting(&mut self) -> u64 {
        if self.queue2.len() == 0 {
            return 0;
        }
        if self.skip_multilateral(false) {
            return 0;
        }
        let n = self.ids.len();
        // Per-agent buffers kept across attempts (an attempt runs on most ticks of a busy day;
        // allocating and clearing them each time cost more than the walk of a small queue).
        let mut m = std::mem::take(&mut self.scratch.multilateral);
        m.is_failing.resize(n, false);
        m.bound.resize(n, None);
        // Payments that an outage stops from settling are left out from the start.
        let active = &self.schedule.active;
        let unrestricted = active.unrestricted();
        // How many queued payments the net counts and no exclusion has taken out yet.
        let mut kept = self.queue2.len();
        // Each agent's slack: its net (queued in − out) plus its liquidity; it is short while
        // its slack is negative (−net > available), so a step of the walk reads no balance.
        let slack = &mut m.slack;
        slack.clear();
        if unrestricted {
            // Everything counts: Queue 2's running values per sender and receiver are the net
            // (the same sums, without a pass over every queued payment on every attempt).
            slack.extend((0..n as AgentIdx).map(|a| {
                self.queue2.receiver_value(a) - self.queue2.sender_value(a)
                    + self.ledger.available(a) as i128
            }));
        } else {
            slack.resize(n, 0);
            for s in 0..n as AgentIdx {
                for e in self.queue2.sender_queue(s).values() {
                    if active.may_settle(s, e.receiver) {
                        slack[s as usize] -= e.amount as i128;
                        slack[e.receiver as usize] += e.amount as i128;
                    } else {
                        kept -= 1;
                    }
                }
            }
            for (a, x) in slack.iter_mut().enumerate() {
                *x += self.ledger.available(a as AgentIdx) as i128;
            }
        }
        // The short agents still to shed (a stack: the order does not matter, below).
        let failing = &mut m.failing;
        failing.clear();
        failing.extend((0..n as AgentIdx).filter(|&a| slack[a as usize] < 0));
        let is_failing = &mut m.is_failing;
        failing.iter().for_each(|&a| is_failing[a as usize] = true);
        // Exclusive upper bound of each sender's remaining payments (None: all remain); the
        // agents whose bound was set are in `shed`, to clear it for the next attempt.
        let bound = &mut m.bound;
        let shed = &mut m.shed;
        // The agent taken need not be the lowest-indexed short one, nor need it lose one
        // payment at a time: every order of exclusions ends at the same largest fundable set
        // (an exclusion never helps anyone but the excluding agent), so each short agent
        // sheds its payments from the tail in one pass until it can fund its net debit.
        while let Some(a) = failing.pop() {
            let ai = a as usize;
            is_failing[ai] = false;
            let queue = self.queue2.sender_queue(a);
            let remaining = match bound[ai] {
                None => queue.range(..),
                Some(b) => queue.range(..b),
            };
            // An agent short of liquidity always has a payment left to exclude.
            for (&key, entry) in remaining.rev() {
                if slack[ai] >= 0 {
                    break;
                }
                let r = entry.receiver as usize;
                if bound[ai].is_none() {
                    shed.push(a);
                }
                bound[ai] = Some(key);
                if !self.schedule.active.may_settle(a, entry.receiver) {
                    continue; // never counted
                }
                slack[ai] += entry.amount as i128;
                slack[r] -= entry.amount as i128;
                kept -= 1;
                if !is_failing[r] && slack[r] < 0 {
                    is_failing[r] = true;
                    failing.push(r as AgentIdx);
                }
            }
        }
        let result = self.collect_multilateral(kept, &m.bound, unrestricted);
        for &a in &m.shed {
            m.bound[a as usize] = None;
        }
        m.shed.clear();
        self.scratch.multilateral = m;
        result
    }

    /// The end of a multilateral attempt: settle what the exclusions kept (`bound`: each
    /// sender's exclusive upper bound, `None` for all), or remember that it failed.
    fn collect_multilateral(
        &mut self,
        kept: usize,
        bound: &[Option<Q2Key>],
        unrestricted: bool,
    ) -> u64 {
        let n = self.ids.len();
        if kept == 0 {
            // Everything was excluded (most failed attempts): nothing to collect.
            self.skip.multilateral_failed(false);
            return 0;
        }
        let mut items: Vec<(Q2Key, AgentIdx)> = Vec::new();
        for s in 0..n as AgentIdx {
            let queue = self.queue2.sender_queue(s);
            match bound[s as usize] {
                None => items.extend(queue.keys().map(|&k| (k, s))),
                Some(b) => items.extend(queue.range(..b).map(|(&k, _)| (k, s))),
            }
        }
        if !unrestricted {
            let active = &self.schedule.active;
            let queue2 = &self.queue2;
            items.retain(|&(k, s)| {
                queue2
                    .entry(s, k)
                    .is_some_and(|e| active.may_settle(s, e.receiver))
            });
        }
        if items.is_empty() {
            self.skip.multilateral_failed(false);
            return 0;
        }
        items.sort_unstable();
        self.count_offset(false);
        self.settle_batch(&items, Mechanism::Multilateral)
    }
}
