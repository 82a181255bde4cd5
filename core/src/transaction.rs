//! Payment orders: ids, the live-transaction store, and where each one sits.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Dense index of an agent (its position in the configuration).
pub(crate) type AgentIdx = u32;
/// Index of a live transaction in the store; reused after settlement or drop.
pub(crate) type Slot = u32;

/// Deterministic transaction id: `T<seq>` for an order, `T<seq>.<part>` for a split part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TxId {
    /// Sequence number of the original order (1, 2, …).
    pub seq: u64,
    /// 0 for an original order, 1..=k for the parts of a split.
    pub part: u32,
}

impl fmt::Display for TxId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.part == 0 {
            write!(f, "T{}", self.seq)
        } else {
            write!(f, "T{}.{}", self.seq, self.part)
        }
    }
}

/// Where a live transaction waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub(crate) enum Location {
    /// The sender's internal queue (not yet released).
    Queue1,
    /// The central RTGS queue, entered with this sequence number.
    Queue2 {
        /// Entry order into Queue 2.
        entry: u64,
    },
}

/// A live (unsettled, not dropped) transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Transaction {
    pub id: TxId,
    pub sender: AgentIdx,
    pub receiver: AgentIdx,
    pub amount: i64,
    pub arrival_tick: u64,
    pub deadline_tick: u64,
    pub priority: u8,
    pub location: Location,
    /// Past its deadline in `overdue` mode (penalised once).
    #[serde(default)]
    pub overdue: bool,
    /// A hold decision was already recorded as an event.
    #[serde(default)]
    pub hold_recorded: bool,
    /// Its from-time: not submitted for settlement before this tick (0: none;
    /// `crate::rules::timed`).
    #[serde(default)]
    pub from_tick: u64,
}

/// Slab of live transactions: memory follows the number of unsettled payments, not history.
#[derive(Debug, Default, Clone)]
pub(crate) struct TxStore {
    slots: Vec<Option<Transaction>>,
    free: Vec<Slot>,
    live: usize,
}

impl TxStore {
    pub fn insert(&mut self, tx: Transaction) -> Slot {
        self.live += 1;
        if let Some(slot) = self.free.pop() {
            self.slots[slot as usize] = Some(tx);
            slot
        } else {
            self.slots.push(Some(tx));
            (self.slots.len() - 1) as Slot
        }
    }

    pub fn remove(&mut self, slot: Slot) -> Option<Transaction> {
        let tx = self.slots.get_mut(slot as usize)?.take()?;
        self.free.push(slot);
        self.live -= 1;
        Some(tx)
    }

    pub fn get(&self, slot: Slot) -> Option<&Transaction> {
        self.slots.get(slot as usize)?.as_ref()
    }

    pub fn get_mut(&mut self, slot: Slot) -> Option<&mut Transaction> {
        self.slots.get_mut(slot as usize)?.as_mut()
    }

    pub fn len(&self) -> usize {
        self.live
    }

    /// Every live transaction, in slot order.
    pub fn iter(&self) -> impl Iterator<Item = &Transaction> {
        self.slots.iter().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_render_as_documented() {
        assert_eq!(TxId { seq: 7, part: 0 }.to_string(), "T7");
        assert_eq!(TxId { seq: 7, part: 2 }.to_string(), "T7.2");
    }

    #[test]
    fn store_reuses_slots_and_counts_live() {
        let mut store = TxStore::default();
        let tx = Transaction {
            id: TxId { seq: 1, part: 0 },
            sender: 0,
            receiver: 1,
            amount: 5,
            arrival_tick: 0,
            deadline_tick: 3,
            priority: 5,
            location: Location::Queue1,
            overdue: false,
            hold_recorded: false,
            from_tick: 0,
        };
        let a = store.insert(tx.clone());
        let b = store.insert(tx.clone());
        assert_eq!(store.len(), 2);
        assert_eq!(store.remove(a).map(|t| t.amount), Some(5));
        assert!(store.remove(a).is_none());
        assert_eq!(store.insert(tx), a);
        assert_eq!(store.len(), 2);
        assert!(store.get(b).is_some());
    }
}
