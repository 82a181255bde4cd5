//! The windows not yet ended (scheduled or running), by kind and agent, so that a new window
//! is checked against them in O(log n): two windows of one kind for one agent never overlap,
//! which is what lets a window's end restore the configured state.

use std::collections::BTreeMap;
use std::ops::Bound;

use crate::transaction::AgentIdx;

/// The kinds of window action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum WindowKind {
    Outage,
    ArrivalRate,
}

/// `(kind, agent, from_tick) → to_tick` of every window that has not ended.
#[derive(Debug, Clone, Default)]
pub(crate) struct Windows(BTreeMap<(WindowKind, AgentIdx, u64), u64>);

impl Windows {
    /// A window of `kind` for `agent` that overlaps `[from, to)`, if any.
    pub fn overlap(
        &self,
        kind: WindowKind,
        agent: AgentIdx,
        from: u64,
        to: u64,
    ) -> Option<(u64, u64)> {
        let before = self
            .0
            .range((kind, agent, 0)..=(kind, agent, from))
            .next_back()
            .filter(|(_, &end)| end > from);
        let after = self
            .0
            .range((
                Bound::Excluded((kind, agent, from)),
                Bound::Included((kind, agent, u64::MAX)),
            ))
            .next()
            .filter(|(k, _)| k.2 < to);
        before.or(after).map(|(k, &end)| (k.2, end))
    }

    pub fn insert(&mut self, kind: WindowKind, agent: AgentIdx, from: u64, to: u64) {
        self.0.insert((kind, agent, from), to);
    }

    /// The window ended (its end applied).
    pub fn remove(&mut self, kind: WindowKind, agent: AgentIdx, from: u64) {
        self.0.remove(&(kind, agent, from));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlaps_are_found_on_both_sides_and_touching_windows_do_not_overlap() {
        let mut w = Windows::default();
        w.insert(WindowKind::Outage, 1, 10, 20);
        assert_eq!(w.overlap(WindowKind::Outage, 1, 15, 30), Some((10, 20)));
        assert_eq!(w.overlap(WindowKind::Outage, 1, 0, 11), Some((10, 20)));
        assert_eq!(w.overlap(WindowKind::Outage, 1, 12, 13), Some((10, 20)));
        assert_eq!(w.overlap(WindowKind::Outage, 1, 0, 30), Some((10, 20)));
        assert_eq!(w.overlap(WindowKind::Outage, 1, 20, 30), None);
        assert_eq!(w.overlap(WindowKind::Outage, 1, 0, 10), None);
        assert_eq!(w.overlap(WindowKind::Outage, 2, 10, 20), None);
        assert_eq!(w.overlap(WindowKind::ArrivalRate, 1, 10, 20), None);
        w.remove(WindowKind::Outage, 1, 10);
        assert_eq!(w.overlap(WindowKind::Outage, 1, 10, 20), None);
    }
}
