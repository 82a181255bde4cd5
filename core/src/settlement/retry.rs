//! Step 4: the Queue 2 retry, incremental (what runs) and reference (full rescans, for tests).
//!
//! The retry visits Queue 2 in its global order (priority high → low, then entry order) and
//! settles each fundable payment, pass after pass, until a pass settles nothing. A payment is
//! fundable only if its amount is at most its sender's liquidity, and within a pass a sender's
//! liquidity changes only when one of its own payments settles (it falls) or it receives (it
//! rises). So the incremental pass keeps, per sender, one *candidate* in its heap: the sender's
//! first payment, after the last point at which its liquidity changed or it was visited, whose
//! amount it can cover now. Every payment passed over would fail its visit (its amount is above
//! a liquidity that does not rise before its turn, or it would have been looked at again), so
//! the settlements and their order are those of visiting every queued payment; the heap holds
//! a few entries per sender instead of every payment the sender could once fund, and a payment
//! is looked up only when it has a chance (`incremental_engine_matches_the_reference`).

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::ops::Bound;

use crate::engine::Simulation;
use crate::events::Mechanism;
use crate::settlement::queue2::{Q2Key, Queue2};
use crate::transaction::AgentIdx;

impl Simulation {
    /// Step 4: retry Queue 2 in order, settling each fundable payment, until a full pass
    /// settles nothing. Only senders whose liquidity rose (or whose queue changed) since their
    /// last attempt are visited: any other sender's payments would fail again, so the outcome
    /// equals the full rescan's.
    pub(crate) fn retry_queue2(&mut self) -> u64 {
        if !self.skip.enabled() {
            return self.retry_queue2_reference();
        }
        let mut total = 0;
        let mut in_pass = std::mem::take(&mut self.scratch.in_pass);
        // Per sender in the pass: its candidate (the only key of it in the heap that is not
        // stale), and a lower bound of the amounts it passed over between the last scan's
        // start and the candidate (or the end of its queue): a receipt that leaves its
        // liquidity below it cannot make any of them fundable, so they are not scanned again.
        let n = in_pass.len();
        let mut cand = std::mem::take(&mut self.scratch.retry_cand);
        let mut floor = std::mem::take(&mut self.scratch.retry_floor);
        cand.resize(n, None);
        floor.resize(n, 0);
        let mut heap: BinaryHeap<Reverse<(Q2Key, AgentIdx)>> = BinaryHeap::new();
        let mut included: Vec<AgentIdx> = Vec::new();
        loop {
            let (queue2, ledger) = (&self.queue2, &self.ledger);
            self.skip.drain_retry(|agent| {
                if queue2.sender_len(agent) > 0 {
                    let a = agent as usize;
                    in_pass[a] = true;
                    included.push(agent);
                    let (c, f) = scan(queue2, agent, None, None, ledger.available(agent));
                    (cand[a], floor[a]) = (c, f);
                    if let Some(k) = c {
                        heap.push(Reverse((k, agent)));
                    }
                }
            });
            if heap.is_empty() {
                // Senders can be in the pass with nothing fundable in the heap.
                for agent in included.drain(..) {
                    in_pass[agent as usize] = false;
                }
                break;
            }
            let mut settled = 0;
            while let Some(Reverse((key, sender))) = heap.pop() {
                let s = sender as usize;
                if cand[s] != Some(key) {
                    continue; // replaced by an earlier candidate after a receipt
                }
                let receiver = match self.queue2.entry(sender, key) {
                    Some(e) if self.fundable(sender, key) => Some(e.receiver),
                    _ => None,
                };
                if receiver.is_some() {
                    self.settle_queued(sender, key, Mechanism::Queue);
                    settled += 1;
                }
                // The sender's next candidate, at its liquidity after this visit.
                let available = self.ledger.available(sender);
                let (c, f) = scan(&self.queue2, sender, Some(key), None, available);
                (cand[s], floor[s]) = (c, f);
                if let Some(k) = c {
                    heap.push(Reverse((k, sender)));
                }
                let Some(receiver) = receiver else { continue };
                // The receiver's liquidity rose: its payments later in this pass's order get
                // their turn in this pass, the earlier ones in the next (it stays dirty).
                let r = receiver as usize;
                let available = self.ledger.available(receiver);
                if !in_pass[r] {
                    if self.queue2.sender_len(receiver) > 0 {
                        in_pass[r] = true;
                        included.push(receiver);
                        let (c, f) = scan(&self.queue2, receiver, Some(key), None, available);
                        (cand[r], floor[r]) = (c, f);
                        if let Some(k) = c {
                            heap.push(Reverse((k, receiver)));
                        }
                    }
                } else if available >= floor[r] {
                    // Only the payments before its candidate can become the earlier one.
                    let (c, f) = scan(&self.queue2, receiver, Some(key), cand[r], available);
                    floor[r] = f;
                    if let Some(k) = c {
                        cand[r] = Some(k);
                        heap.push(Reverse((k, receiver)));
                    }
                }
            }
            for agent in included.drain(..) {
                in_pass[agent as usize] = false;
            }
            total += settled;
            if settled == 0 {
                break;
            }
        }
        self.scratch.in_pass = in_pass;
        self.scratch.retry_cand = cand;
        self.scratch.retry_floor = floor;
        total
    }

    /// The plain rule of `model.md` step 4: full passes over all of Queue 2.
    pub(super) fn retry_queue2_reference(&mut self) -> u64 {
        let mut total = 0;
        loop {
            let mut order: Vec<(Q2Key, AgentIdx)> = Vec::with_capacity(self.queue2.len());
            for s in 0..self.ids.len() as AgentIdx {
                order.extend(self.queue2.sender_queue(s).keys().map(|&k| (k, s)));
            }
            order.sort_unstable();
            let mut settled = 0;
            for (key, sender) in order {
                if self.fundable(sender, key) {
                    self.settle_queued(sender, key, Mechanism::Queue);
                    settled += 1;
                }
            }
            total += settled;
            if settled == 0 {
                break;
            }
        }
        // Everything was visited: forget the senders flagged meanwhile.
        self.skip.drain_retry(|_| {});
        total
    }
}

/// The first key of `sender` after `after` (from the start: `None`) and before `before` (to
/// the end: `None`) whose amount is at most `available`, and the smallest amount passed over
/// on the way (`i64::MAX` if none).
fn scan(
    queue2: &Queue2,
    sender: AgentIdx,
    after: Option<Q2Key>,
    before: Option<Q2Key>,
    available: i64,
) -> (Option<Q2Key>, i64) {
    let lower = after.map_or(Bound::Unbounded, Bound::Excluded);
    let upper = before.map_or(Bound::Unbounded, Bound::Excluded);
    let mut floor = i64::MAX;
    for (&k, e) in queue2.sender_queue(sender).range((lower, upper)) {
        if e.amount <= available {
            return (Some(k), floor);
        }
        floor = floor.min(e.amount);
    }
    (None, floor)
}
