//! Offsetting at entry (`rules.entry_offsetting`, TARGET2's entry disposition): a payment that
//! cannot settle gross when it enters RTGS settles at once together with the first payment
//! its receiver has queued to its sender, when the two are fundable net.

use crate::engine::Simulation;
use crate::events::Mechanism;
use crate::transaction::{AgentIdx, Location, Slot};

impl Simulation {
    /// Step 3, after the payment at `slot` joined Queue 2: try it against the receiver's first
    /// queued payment (in retry order) to its sender. Both settle as one bilateral offset when
    /// each side can fund its net debit and the rules allow the pair (the pair goes through
    /// the same check as every offsetting set).
    pub(crate) fn offset_at_entry(&mut self, slot: Slot, sender: AgentIdx, receiver: AgentIdx) {
        if !self.rules.as_deref().is_some_and(|r| r.entry_offsetting) {
            return;
        }
        let Some(tx) = self.txs.get(slot) else { return };
        let Location::Queue2 { entry } = tx.location else {
            return;
        };
        let mine = self.queue_key(tx.priority, entry);
        let Some(theirs) = self.queue2.pair(receiver, sender).next() else {
            return;
        };
        let active = &self.schedule.active;
        if !(active.may_settle(sender, receiver) && active.may_settle(receiver, sender)) {
            return;
        }
        let (out, back) = match (
            self.queue2.entry(sender, mine),
            self.queue2.entry(receiver, theirs),
        ) {
            (Some(a), Some(b)) => (a.amount as i128, b.amount as i128),
            _ => return,
        };
        let fundable = out - back <= self.ledger.available(sender) as i128
            && back - out <= self.ledger.available(receiver) as i128;
        if !fundable {
            return;
        }
        let mut items = [(mine, sender), (theirs, receiver)];
        items.sort_unstable();
        if !self.rules_defer_offset(false) {
            self.add_offset(false);
        }
        self.settle_batch(&items, Mechanism::Bilateral);
    }
}
