//! A pending payment as the schedule holds it: a plain one-off payment (every imported
//! payment, and most scheduled ones) in a small entry, anything else — a repeating or
//! windowed `payment` action — as the full entry behind a box. A file's day of 400,000
//! payments moves each entry several times while it is sorted and put in the map; the full
//! entry is more than twice as large, and copying it was a quarter of a load.

use std::borrow::Cow;

use super::action::Phase;
use super::entry::{Effect, Entry};
use crate::transaction::AgentIdx;

/// A one-off payment: the fields of `Effect::Payment` and the result tag.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Plain {
    pub sender: AgentIdx,
    pub receiver: AgentIdx,
    pub priority: u8,
    pub amount: i64,
    pub deadline_offset: u64,
    pub from_offset: u64,
    pub tag: Option<u64>,
}

/// A pending payment.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Pay {
    Plain(Plain),
    Full(Box<Entry>),
}

impl Pay {
    /// The small form when `entry` is a one-off payment (applies once, no window).
    pub fn from_entry(entry: Entry) -> Self {
        match entry {
            Entry {
                effect:
                    Effect::Payment {
                        sender,
                        receiver,
                        amount,
                        deadline_offset,
                        priority,
                        from_offset,
                    },
                phase: Phase::Apply,
                window: None,
                repeat: None,
                tag,
            } => Pay::Plain(Plain {
                sender,
                receiver,
                priority,
                amount,
                deadline_offset,
                from_offset,
                tag,
            }),
            entry => Pay::Full(Box::new(entry)),
        }
    }

    /// The full entry (owned).
    pub fn into_entry(self) -> Entry {
        match self {
            Pay::Plain(p) => p.entry(),
            Pay::Full(e) => *e,
        }
    }

    /// The full entry, borrowed when it is one (listings and snapshots).
    pub fn as_entry(&self) -> Cow<'_, Entry> {
        match self {
            Pay::Plain(p) => Cow::Owned(p.entry()),
            Pay::Full(e) => Cow::Borrowed(e),
        }
    }

    pub fn tag(&self) -> Option<u64> {
        match self {
            Pay::Plain(p) => p.tag,
            Pay::Full(e) => e.tag,
        }
    }

    pub fn set_tag(&mut self, tag: u64) {
        match self {
            Pay::Plain(p) => p.tag = Some(tag),
            Pay::Full(e) => e.tag = Some(tag),
        }
    }
}

impl Plain {
    fn entry(&self) -> Entry {
        Entry {
            effect: Effect::Payment {
                sender: self.sender,
                receiver: self.receiver,
                amount: self.amount,
                deadline_offset: self.deadline_offset,
                priority: self.priority,
                from_offset: self.from_offset,
            },
            phase: Phase::Apply,
            window: None,
            repeat: None,
            tag: self.tag,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_small_form_is_small_and_round_trips() {
        assert!(std::mem::size_of::<Pay>() * 2 <= std::mem::size_of::<Entry>());
        let e = Plain {
            sender: 1,
            receiver: 2,
            priority: 5,
            amount: 300,
            deadline_offset: 7,
            from_offset: 0,
            tag: Some(9),
        }
        .entry();
        assert!(matches!(Pay::from_entry(e.clone()), Pay::Plain(_)));
        assert_eq!(Pay::from_entry(e.clone()).into_entry(), e);
        let repeating = Entry {
            repeat: Some(super::super::entry::Repeat {
                every: 3,
                daily: false,
                first: 0,
                until: None,
            }),
            ..e
        };
        assert!(matches!(Pay::from_entry(repeating.clone()), Pay::Full(_)));
        assert_eq!(Pay::from_entry(repeating.clone()).into_entry(), repeating);
    }
}
