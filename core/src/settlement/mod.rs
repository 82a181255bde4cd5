//! Settlement: RTGS entry (step 3), the Queue 2 retry (step 4, incremental and reference)
//! and the LSM (step 5, `lsm`).
//!
//! Settlement decides *which* payments settle; it moves money only through the ledger
//! (`engine::ledger`) and changes Queue 2 only through `enqueue`/`dequeue` below, which
//! also tell the skip-work memos (`engine::skip_work`). Every settlement is counted by
//! `record_settlement`, so the tick's result, the totals and the events always agree.

pub(crate) mod lsm;
pub(crate) mod queue2;
mod retry;

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

    pub(crate) fn fundable(&self, sender: AgentIdx, key: Q2Key) -> bool {
        match self.queue2.entry(sender, key) {
            Some(e) => {
                self.eligible(sender, key)
                    && self.rules_fundable(sender, e.receiver, e.amount, key.priority())
                    && self.schedule.active.may_settle(sender, e.receiver)
            }
            None => false,
        }
    }
}
