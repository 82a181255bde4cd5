//! The numbered log of recorded events, discarding old ones, and the tap that per-payment
//! results read whatever the recording level.

use serde::{Deserialize, Serialize};

use super::{EventKind, Mechanism};
use crate::config::EventRecording;
use crate::transaction::TxId;

/// One recorded event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Event {
    pub seq: u64,
    pub tick: u64,
    #[serde(flatten)]
    pub kind: EventKind,
}

/// The recorded events; sequence numbers are contiguous from 1. The oldest `discarded` of
/// them may have been forgotten (`Simulation::discard_events_through`): `events` holds the
/// rest, numbered `discarded + 1, discarded + 2, …`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct EventLog {
    pub level: EventRecording,
    /// How many events were recorded and then discarded (the seq of the last of them).
    pub discarded: u64,
    pub events: Vec<Event>,
    /// What per-payment results need (`crate::import::outcomes`), whatever the recording
    /// level: on only while a results tracker is attached, drained by it after every run.
    #[serde(skip)]
    pub tap: Option<Vec<Tapped>>,
}

/// A payment's fate as the per-payment results read it (`crate::import::outcomes`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Tapped {
    /// An imported payment became order `tx` (its sequence number) at `tick`.
    Joined {
        tx: u64,
        tag: u64,
        tick: u64,
    },
    Split {
        tx: TxId,
        parts: u32,
    },
    Settled {
        tx: TxId,
        tick: u64,
        mechanism: Mechanism,
    },
    Dropped {
        tx: TxId,
        tick: u64,
    },
}

impl EventLog {
    /// Tap an imported payment's creation (see [`Tapped::Joined`]).
    pub fn tap_joined(&mut self, tx: u64, tag: u64, tick: u64) {
        if let Some(tap) = self.tap.as_mut() {
            tap.push(Tapped::Joined { tx, tag, tick });
        }
    }

    pub fn new(level: EventRecording) -> Self {
        EventLog {
            level,
            discarded: 0,
            events: Vec::new(),
            tap: None,
        }
    }

    pub fn record(&mut self, tick: u64, kind: EventKind) {
        if let Some(tap) = self.tap.as_mut() {
            match kind {
                EventKind::Split { tx, parts, .. } => tap.push(Tapped::Split { tx, parts }),
                EventKind::Settled { tx, mechanism, .. } => tap.push(Tapped::Settled {
                    tx,
                    tick,
                    mechanism,
                }),
                EventKind::Dropped { tx, .. } => tap.push(Tapped::Dropped { tx, tick }),
                _ => {}
            }
        }
        if kind.kept_at(self.level) {
            let seq = self.last_seq() + 1;
            self.events.push(Event { seq, tick, kind });
        }
    }

    /// Retained events with a sequence number greater than `since`.
    pub fn since(&self, since: u64) -> &[Event] {
        let start = usize::try_from(since.saturating_sub(self.discarded))
            .unwrap_or(usize::MAX)
            .min(self.events.len());
        &self.events[start..]
    }

    pub fn last_seq(&self) -> u64 {
        self.discarded + self.events.len() as u64
    }

    /// Forget the events with a sequence number up to `through` (those not recorded yet are
    /// not affected); returns how many were forgotten. Memory follows what the log held: a
    /// capacity well above it (more than twice what was held before this call) is given
    /// back, one up to that is kept, so that a run which records and discards a step's events
    /// at a time refills the same buffer instead of growing a new one, copy after copy and
    /// page fault after page fault, every step.
    pub fn discard_through(&mut self, through: u64) -> u64 {
        let through = through.min(self.last_seq());
        let n = through.saturating_sub(self.discarded);
        if n == 0 {
            return 0;
        }
        let held = self.events.len();
        self.events.drain(..n as usize);
        self.discarded = through;
        if self.events.capacity() > 2 * held + 1024 {
            self.events.shrink_to(self.events.len() * 3 / 2);
        }
        n
    }
}
