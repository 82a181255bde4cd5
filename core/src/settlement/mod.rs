//! Settlement: RTGS entry (step 3), the Queue 2 retry (step 4, incremental and reference)
//! and the LSM (step 5, `lsm`).
//!
//! Settlement decides *which* payments settle; it moves money only through the ledger
//! (`engine::ledger`) and changes Queue 2 only through `enqueue`/`dequeue` below, which
//! also tell the skip-work memos (`engine::skip_work`). Every settlement is counted by
//! `record_settlement`, so the tick's result, the totals and the events always agree.

pub(crate) mod lsm;
pub(crate) mod queue2;

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::config::QueueDiscipline;
use crate::engine::{Change, Simulation};
use crate::events::{EventKind, Mechanism};
use crate::transaction::{AgentIdx, Location, Slot, Transaction};
use queue2::{Entry, Q2Key};

impl Simulation {
    /// Count a settled transaction in the tick, the totals and the event stream.
    pub(crate) fn record_settlement(&mut self, tx: &Transaction, mechanism: Mechanism) {
        let c = &mut self.current;
        c.num_settlements += 1;
        c.settled_value = c.settled_value.saturating_add(tx.amount);
        match mechanism {
            Mechanism::Bilateral => c.lsm_bilateral_releases += 1,
            Mechanism::Multilateral => c.lsm_cycle_releases += 1,
            Mechanism::Rtgs | Mechanism::Queue => {}
        }
        self.rules_settled(tx.sender, tx.receiver, tx.amount, tx.priority);
        let day = self.tick / self.ticks_per_day.max(1);
        (self.policy_state).settled(self.tick, day, tx.sender, tx.receiver, tx.amount);
        let t = &mut self.totals;
        t.settlements += 1;
        t.day_settlements += 1;
        t.by_mechanism.bump(mechanism);
        t.settled_value = t.settled_value.saturating_add(tx.amount);
        t.day_settled_value = t.day_settled_value.saturating_add(tx.amount);
        let delay = self.tick.saturating_sub(tx.arrival_tick);
        t.delay_sum = t.delay_sum.saturating_add(delay);
        t.delay_max = t.delay_max.max(delay);
        if let Some(probe) = &mut self.probe {
            probe.settled(tx.sender, tx.amount, delay);
        }
        let s = &mut t.agents[tx.sender as usize];
        s.sent_count += 1;
        s.sent_value = s.sent_value.saturating_add(tx.amount);
        let r = &mut t.agents[tx.receiver as usize];
        r.received_value = r.received_value.saturating_add(tx.amount);
        self.indicators
            .settled(tx, self.tick, mechanism, self.ticks_per_day);
        let kind = EventKind::Settled {
            tx: tx.id,
            sender: tx.sender,
            receiver: tx.receiver,
            amount: tx.amount,
            mechanism,
        };
        self.events.record(self.tick, kind);
    }

    /// Put the released payment at `slot`, which cannot settle now, into Queue 2: the one
    /// way in (besides restore).
    fn enqueue(&mut self, slot: Slot) {
        let Some(tx) = self.txs.get_mut(slot) else {
            return;
        };
        let (sender, receiver) = (tx.sender, tx.receiver);
        // `classes.fifo_within_class`: queued with its class's priority (`crate::rules`).
        let priority = match self.rules.as_deref() {
            Some(book) => book.queue_priority(tx.priority),
            None => tx.priority,
        };
        let key = self
            .queue2
            .push(sender, receiver, priority, tx.amount, slot);
        tx.location = Location::Queue2 { entry: key.entry };
        self.invalidate(sender, Change::QueueChanged);
        self.invalidate(receiver, Change::QueueChanged);
    }

    /// Take a payment out of Queue 2 (it settles or is dropped): the one way out.
    pub(crate) fn dequeue(&mut self, sender: AgentIdx, key: Q2Key) -> Option<Entry> {
        let entry = self.queue2.remove(sender, key)?;
        self.invalidate(sender, Change::SentPaymentLeftQueue);
        self.invalidate(entry.receiver, Change::QueueChanged);
        Some(entry)
    }

    /// Step 3 for one released payment: settle now if possible, else join Queue 2.
    pub(crate) fn enter_rtgs(&mut self, slot: Slot) {
        let Some(tx) = self.txs.get(slot) else { return };
        let (sender, receiver, amount, id) = (tx.sender, tx.receiver, tx.amount, tx.id);
        let priority = tx.priority;
        let eligible = match self.config.queue_discipline {
            QueueDiscipline::BypassFifo => true,
            QueueDiscipline::Fifo => self.queue2.sender_len(sender) == 0,
        } && self.schedule.active.may_settle(sender, receiver);
        if eligible && self.rules_admit(sender, receiver, amount, priority, true) {
            if let Some(tx) = self.txs.remove(slot) {
                self.transfer(sender, receiver, amount);
                self.record_settlement(&tx, Mechanism::Rtgs);
            }
        } else {
            self.enqueue(slot);
            self.events
                .record(self.tick, EventKind::Queued { tx: id, sender });
            if self.rules.is_some() {
                self.offset_at_entry(slot, sender, receiver); // `crate::rules`
            }
        }
    }

    /// Remove a payment from Queue 2 and the store (it is about to settle).
    fn take_queued(&mut self, sender: AgentIdx, key: Q2Key) -> Option<Transaction> {
        let entry = self.dequeue(sender, key)?;
        self.txs.remove(entry.slot)
    }

    /// Settle one queued payment gross.
    pub(crate) fn settle_queued(&mut self, sender: AgentIdx, key: Q2Key, mechanism: Mechanism) {
        if let Some(tx) = self.take_queued(sender, key) {
            self.transfer(tx.sender, tx.receiver, tx.amount);
            self.record_settlement(&tx, mechanism);
        }
    }

    /// Settle a set of queued payments simultaneously (the ledger moves net amounts, so no
    /// intermediate state is ever below a credit limit). `items` must be in retry order;
    /// events follow that order.
    pub(crate) fn settle_batch(
        &mut self,
        items: &[(Q2Key, AgentIdx)],
        mechanism: Mechanism,
    ) -> u64 {
        // Any rule configured: the set is trimmed to what the rules let settle together
        // (`crate::rules`), the one check every offsetting algorithm's set goes through.
        let trimmed;
        let items = if self.rules.is_some() {
            trimmed = self.rules_trim(items);
            &trimmed[..]
        } else {
            items
        };
        let mut settled = Vec::with_capacity(items.len());
        for &(key, sender) in items {
            if let Some(tx) = self.take_queued(sender, key) {
                settled.push(tx);
            }
        }
        self.transfer_simultaneous(settled.iter().map(|tx| (tx.sender, tx.receiver, tx.amount)));
        for tx in &settled {
            self.record_settlement(tx, mechanism);
        }
        if !settled.is_empty() {
            self.rules_offset_settled();
        }
        settled.len() as u64
    }

    /// Whether a queued payment may settle under the queue discipline.
    pub(crate) fn eligible(&self, sender: AgentIdx, key: Q2Key) -> bool {
        match self.config.queue_discipline {
            QueueDiscipline::BypassFifo => true,
            QueueDiscipline::Fifo => self.queue2.head_entry(sender) == Some(key.entry),
        }
    }

    fn fundable(&self, sender: AgentIdx, key: Q2Key) -> bool {
        match self.queue2.entry(sender, key) {
            Some(e) => {
                self.eligible(sender, key)
                    && self.rules_fundable(sender, e.receiver, e.amount, key.priority())
                    && self.schedule.active.may_settle(sender, e.receiver)
            }
            None => false,
        }
    }

    /// Step 4: retry Queue 2 in order (priority high → low, then entry order), settling each
    /// fundable payment, until a full pass settles nothing. Only senders whose liquidity rose
    /// (or whose queue changed) since their last attempt are visited: any other sender's
    /// payments would fail again, so the outcome equals the full rescan's.
    pub(crate) fn retry_queue2(&mut self) -> u64 {
        if !self.skip.enabled() {
            return self.retry_queue2_reference();
        }
        let mut total = 0;
        let mut in_pass = std::mem::take(&mut self.scratch.in_pass);
        // Per sender in the pass: every key of it after the pass's position whose amount is at
        // most `limit` is in the heap; the others (amount above the sender's liquidity at every
        // moment of the pass so far) would fail their visit, so they wait until its liquidity
        // reaches them. `floor` is at most the smallest amount left out. The same settlements,
        // in the same order, as visiting every key (`incremental_engine_matches_the_reference`).
        let n = in_pass.len();
        let mut limit = std::mem::take(&mut self.scratch.retry_limit);
        let mut floor = std::mem::take(&mut self.scratch.retry_floor);
        limit.resize(n, 0);
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
                    limit[a] = ledger.available(agent);
                    floor[a] = push_fundable(
                        &mut heap,
                        agent,
                        queue2.sender_queue(agent).iter(),
                        i64::MIN,
                        limit[a],
                    );
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
                if !self.fundable(sender, key) {
                    continue;
                }
                let receiver = match self.queue2.entry(sender, key) {
                    Some(e) => e.receiver,
                    None => continue,
                };
                self.settle_queued(sender, key, Mechanism::Queue);
                settled += 1;
                // The receiver's liquidity rose: its payments later in this pass's order get
                // their turn in this pass, the earlier ones in the next (it stays dirty).
                let r = receiver as usize;
                let available = self.ledger.available(receiver);
                if !in_pass[r] {
                    if self.queue2.sender_len(receiver) > 0 {
                        in_pass[r] = true;
                        included.push(receiver);
                        limit[r] = available;
                        floor[r] = push_fundable(
                            &mut heap,
                            receiver,
                            self.queue2.sender_after(receiver, key),
                            i64::MIN,
                            available,
                        );
                    }
                } else if available > limit[r] {
                    if available >= floor[r] {
                        floor[r] = push_fundable(
                            &mut heap,
                            receiver,
                            self.queue2.sender_after(receiver, key),
                            limit[r],
                            available,
                        );
                    }
                    limit[r] = available;
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
        self.scratch.retry_limit = limit;
        self.scratch.retry_floor = floor;
        total
    }

    /// The plain rule of `model.md` step 4: full passes over all of Queue 2.
    fn retry_queue2_reference(&mut self) -> u64 {
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

/// Push the keys of `agent` among `keys` whose amount is in `(above, up_to]`; the smallest
/// amount above `up_to` (`i64::MAX` if none).
fn push_fundable<'a>(
    heap: &mut BinaryHeap<Reverse<(Q2Key, AgentIdx)>>,
    agent: AgentIdx,
    keys: impl Iterator<Item = (&'a Q2Key, &'a queue2::Entry)>,
    above: i64,
    up_to: i64,
) -> i64 {
    let mut floor = i64::MAX;
    for (&k, e) in keys {
        if e.amount > up_to {
            floor = floor.min(e.amount);
        } else if e.amount > above {
            heap.push(Reverse((k, agent)));
        }
    }
    floor
}
