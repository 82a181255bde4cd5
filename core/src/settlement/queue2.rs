//! Queue 2: the central queue of released payments that could not settle yet, indexed by
//! sender (retry order), by sender and receiver (bilateral offsetting) and, for the strict
//! `fifo` discipline, by entry order.

use std::collections::BTreeMap;

use crate::config::MAX_PRIORITY;
use crate::engine::PairMemo;
use crate::transaction::{AgentIdx, Slot};

/// Global retry order: priority high → low, then entry order. Entry numbers are unique.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Q2Key {
    /// `MAX_PRIORITY - priority`, so that the most urgent sorts first.
    pub urgency: u8,
    /// Entry sequence number.
    pub entry: u64,
}

impl Q2Key {
    pub fn new(priority: u8, entry: u64) -> Self {
        Q2Key {
            urgency: (MAX_PRIORITY as u8).saturating_sub(priority),
            entry,
        }
    }
    /// The priority it was queued with.
    pub fn priority(&self) -> u8 {
        (MAX_PRIORITY as u8).saturating_sub(self.urgency)
    }
    const MIN: Q2Key = Q2Key {
        urgency: 0,
        entry: 0,
    };
    const MAX: Q2Key = Q2Key {
        urgency: u8::MAX,
        entry: u64::MAX,
    };
}

/// A queued payment as the indexes see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Queued {
    pub key: Q2Key,
    pub slot: Slot,
    pub receiver: AgentIdx,
    pub amount: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Entry {
    pub slot: Slot,
    pub receiver: AgentIdx,
    pub amount: i64,
}

/// Queue 2 and its indexes.
#[derive(Debug, Clone)]
pub(crate) struct Queue2 {
    by_sender: Vec<BTreeMap<Q2Key, Entry>>,
    by_pair: Vec<BTreeMap<(AgentIdx, Q2Key), Slot>>,
    /// Only under the strict `fifo` discipline (the only reader): empty otherwise, which
    /// saves a B-tree insert and remove per queued payment.
    by_entry: Vec<BTreeMap<u64, Slot>>,
    track_entries: bool,
    /// Unordered pairs `(i, j)`, `i < j`, with payments queued in both directions, and the
    /// memo of their last failed bilateral attempt (kept here so it goes with the pair).
    pub both_ways: BTreeMap<(AgentIdx, AgentIdx), PairMemo>,
    len: usize,
    pub next_entry: u64,
    /// Value queued by each sender and to each receiver (policy features).
    value_out: Vec<i128>,
    value_in: Vec<i128>,
}

impl Queue2 {
    /// `fifo`: the strict discipline's entry index is kept (`head_entry`).
    pub fn new(agents: usize, fifo: bool) -> Self {
        Queue2 {
            by_sender: vec![BTreeMap::new(); agents],
            by_pair: vec![BTreeMap::new(); agents],
            by_entry: vec![BTreeMap::new(); if fifo { agents } else { 0 }],
            track_entries: fifo,
            both_ways: BTreeMap::new(),
            len: 0,
            next_entry: 1,
            value_out: vec![0; agents],
            value_in: vec![0; agents],
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn sender_len(&self, sender: AgentIdx) -> usize {
        self.by_sender[sender as usize].len()
    }

    /// Value of the sender's queued payments.
    pub fn sender_value(&self, sender: AgentIdx) -> i128 {
        self.value_out[sender as usize]
    }

    /// Value of the queued payments to `receiver`.
    pub fn receiver_value(&self, receiver: AgentIdx) -> i128 {
        self.value_in[receiver as usize]
    }

    fn has_pair(&self, sender: AgentIdx, receiver: AgentIdx) -> bool {
        self.by_pair[sender as usize]
            .range((receiver, Q2Key::MIN)..=(receiver, Q2Key::MAX))
            .next()
            .is_some()
    }

    fn pair_key(a: AgentIdx, b: AgentIdx) -> (AgentIdx, AgentIdx) {
        (a.min(b), a.max(b))
    }

    /// Insert with a given entry number (restores use the recorded one; they invalidate all
    /// skip-work memos afterwards). Settlement uses `Simulation::enqueue`.
    pub fn insert_with_entry(&mut self, sender: AgentIdx, q: Queued) {
        let first_of_pair = !self.has_pair(sender, q.receiver);
        let s = sender as usize;
        self.by_sender[s].insert(
            q.key,
            Entry {
                slot: q.slot,
                receiver: q.receiver,
                amount: q.amount,
            },
        );
        self.by_pair[s].insert((q.receiver, q.key), q.slot);
        if self.track_entries {
            self.by_entry[s].insert(q.key.entry, q.slot);
        }
        self.len += 1;
        self.value_out[s] += q.amount as i128;
        self.value_in[q.receiver as usize] += q.amount as i128;
        self.next_entry = self.next_entry.max(q.key.entry + 1);
        if first_of_pair && self.has_pair(q.receiver, sender) {
            self.both_ways
                .insert(Self::pair_key(sender, q.receiver), PairMemo::default());
        }
    }

    /// Enqueue a payment; returns its key. Only settlement calls it, through the function
    /// that also invalidates the skip-work memos.
    pub(super) fn push(
        &mut self,
        sender: AgentIdx,
        receiver: AgentIdx,
        priority: u8,
        amount: i64,
        slot: Slot,
    ) -> Q2Key {
        let key = Q2Key::new(priority, self.next_entry);
        self.insert_with_entry(
            sender,
            Queued {
                key,
                slot,
                receiver,
                amount,
            },
        );
        key
    }

    /// Remove a queued payment (only through settlement, as [`Queue2::push`]).
    pub(super) fn remove(&mut self, sender: AgentIdx, key: Q2Key) -> Option<Entry> {
        let s = sender as usize;
        let entry = self.by_sender[s].remove(&key)?;
        self.by_pair[s].remove(&(entry.receiver, key));
        if self.track_entries {
            self.by_entry[s].remove(&key.entry);
        }
        self.len -= 1;
        self.value_out[s] -= entry.amount as i128;
        self.value_in[entry.receiver as usize] -= entry.amount as i128;
        if !self.has_pair(sender, entry.receiver) {
            self.both_ways
                .remove(&Self::pair_key(sender, entry.receiver));
        }
        Some(entry)
    }

    /// The sender's queued payments in retry order.
    pub fn sender_queue(&self, sender: AgentIdx) -> &BTreeMap<Q2Key, Entry> {
        &self.by_sender[sender as usize]
    }

    /// Earliest-entered payment of the sender still waiting (the strict-fifo head; only a
    /// queue made for `fifo` knows it).
    pub fn head_entry(&self, sender: AgentIdx) -> Option<u64> {
        debug_assert!(
            self.track_entries,
            "head_entry of a queue made without fifo"
        );
        self.by_entry
            .get(sender as usize)
            .and_then(|m| m.keys().next().copied())
    }

    /// Payments from `sender` to `receiver`, in retry order.
    pub fn pair(
        &self,
        sender: AgentIdx,
        receiver: AgentIdx,
    ) -> impl DoubleEndedIterator<Item = Q2Key> + '_ {
        self.by_pair[sender as usize]
            .range((receiver, Q2Key::MIN)..=(receiver, Q2Key::MAX))
            .map(|((_, key), _)| *key)
    }

    /// Amount of a queued payment.
    pub fn entry(&self, sender: AgentIdx, key: Q2Key) -> Option<&Entry> {
        self.by_sender[sender as usize].get(&key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_and_pairs_are_tracked() {
        let mut q = Queue2::new(3, true);
        let a = q.push(0, 1, 5, 10, 0);
        let b = q.push(0, 1, 9, 20, 1);
        assert!(b < a, "higher priority sorts first");
        assert!(q.both_ways.is_empty());
        let c = q.push(1, 0, 5, 7, 2);
        assert_eq!(
            q.both_ways.keys().copied().collect::<Vec<_>>(),
            vec![(0, 1)]
        );
        assert_eq!(q.pair(0, 1).collect::<Vec<_>>(), vec![b, a]);
        assert_eq!(q.head_entry(0), Some(a.entry));
        q.remove(0, a);
        assert_eq!(q.head_entry(0), Some(b.entry));
        q.remove(1, c);
        assert!(q.both_ways.is_empty());
        assert_eq!(q.len(), 1);
        assert_eq!(q.sender_queue(0).len(), 1);
    }
}
