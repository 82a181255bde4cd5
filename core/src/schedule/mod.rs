//! The schedule of timed inputs: actions ordered by `(tick, sequence)`, applied as the first
//! step of a tick (`docs/model.md` § Scheduled actions). One mechanism for every timed input:
//! a scenario file's `scenario_events`, `Simulation::schedule` on a live simulation, and the
//! manual `submit` (a `payment` action for the next tick).
//!
//! | module     | holds                                                                     |
//! |------------|---------------------------------------------------------------------------|
//! | `action`   | the action as written (`ScenarioEvent`), the listing (`PendingAction`)     |
//! | `resolve`  | the rules: written action → entry, each problem with its path            |
//! | `rules`    | the value rules (timing, repetition, windows, rates, weights, payments)   |
//! | `entry`    | entries as the engine holds them (indices), and back to the written form |
//! | `pay`      | a pending payment: one-off ones in a small entry, others as full entries |
//! | `windows`  | the windows not yet ended, for the overlap rule                           |
//! | `active`   | what the applied actions changed: outages, LSM switches, external flows   |
//! | `apply`    | the tick's step 0, payments joining the next tick, `Simulation::schedule` |
//!
//! Cost: inserting or taking an entry is O(log n) in the pending entries; a tick with nothing
//! due costs two map lookups, and memory is bounded by the pending entries.

pub(crate) mod action;
pub(crate) mod active;
mod apply;
pub(crate) mod entry;
mod pay;
pub(crate) mod resolve;
mod rules;
pub(crate) mod windows;

use std::borrow::Cow;
use std::collections::BTreeMap;

pub use action::{ActionType, PendingAction, Phase, ScenarioEvent, ScheduleDocument};
pub(crate) use active::Active;
use entry::Entry;
use pay::Pay;
use windows::Windows;

/// Key of a pending entry: window ends sort before everything else at their tick (so that a
/// window may start where another of its kind ends), then append order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Key {
    pub tick: u64,
    /// 0 for a window's end, 1 otherwise.
    pub class: u8,
    pub seq: u64,
}

impl Key {
    fn new(tick: u64, phase: Phase, seq: u64) -> Self {
        Key {
            tick,
            class: u8::from(phase != Phase::End),
            seq,
        }
    }
}

/// The pending entries and the state the applied ones left.
#[derive(Debug, Clone)]
pub(crate) struct Schedule {
    /// Everything but payments: applied at the start of their tick.
    actions: BTreeMap<Key, Entry>,
    /// Payments: they join the pending submissions as soon as the clock reaches their tick.
    payments: BTreeMap<Key, Pay>,
    next_seq: u64,
    pub windows: Windows,
    pub active: Active,
}

impl Schedule {
    pub fn new(agents: usize) -> Self {
        Schedule {
            actions: BTreeMap::new(),
            payments: BTreeMap::new(),
            next_seq: 0,
            windows: Windows::default(),
            active: Active::new(agents),
        }
    }

    /// Add an entry; `seq` is the action's (a new one when `None`).
    pub fn insert(&mut self, tick: u64, seq: Option<u64>, entry: Entry) -> u64 {
        let seq = seq.unwrap_or_else(|| {
            self.next_seq += 1;
            self.next_seq
        });
        let key = Key::new(tick, entry.phase, seq);
        match entry.effect {
            entry::Effect::Payment { .. } => {
                self.payments.insert(key, Pay::from_entry(entry));
            }
            _ => {
                self.actions.insert(key, entry);
            }
        }
        seq
    }

    /// Add payments (each numbered in turn, as `insert` would), built into a map of their own
    /// and appended: a file's day of 400,000 payments spent a sixth of its load in one
    /// insertion at a time.
    pub fn insert_payments(&mut self, items: impl Iterator<Item = (u64, Entry)>) {
        let mut entries: Vec<(Key, Pay)> = items
            .map(|(tick, entry)| {
                debug_assert!(matches!(entry.effect, entry::Effect::Payment { .. }));
                self.next_seq += 1;
                (
                    Key::new(tick, entry.phase, self.next_seq),
                    Pay::from_entry(entry),
                )
            })
            .collect();
        // Keys are unique; a map built from a sorted list is built in one pass.
        if !entries.is_sorted_by_key(|e| e.0) {
            entries.sort_unstable_by_key(|e| e.0);
        }
        let mut new: BTreeMap<Key, Pay> = entries.into_iter().collect();
        self.payments.append(&mut new);
    }

    /// Take the first action due at or before `tick`.
    fn pop_action(&mut self, tick: u64) -> Option<(Key, Entry)> {
        match self.actions.first_key_value() {
            Some((k, _)) if k.tick <= tick => self.actions.pop_first(),
            _ => None,
        }
    }

    /// Take the first payment due at or before `tick`.
    fn pop_payment(&mut self, tick: u64) -> Option<(Key, Entry)> {
        match self.payments.first_key_value() {
            Some((k, _)) if k.tick <= tick => {
                self.payments.pop_first().map(|(k, p)| (k, p.into_entry()))
            }
            _ => None,
        }
    }

    /// Every pending entry in application order (payments of a tick join before its actions
    /// apply).
    pub fn entries(&self) -> Vec<(Key, Cow<'_, Entry>)> {
        let mut all: Vec<(Key, Cow<'_, Entry>)> = self
            .payments
            .iter()
            .map(|(k, p)| (*k, p.as_entry()))
            .chain(self.actions.iter().map(|(k, e)| (*k, Cow::Borrowed(e))))
            .collect();
        all.sort_by_key(|(k, e)| {
            (
                k.tick,
                u8::from(!matches!(e.effect, entry::Effect::Payment { .. })),
                k.class,
                k.seq,
            )
        });
        all
    }

    /// The pending payments that carry a result tag, as (tag, tick, seq) (a snapshot of a fed
    /// run keeps them: the written form of an entry has no tag).
    pub fn payment_tags(&self) -> Vec<(u64, u64, u64)> {
        self.payments
            .iter()
            .filter_map(|(k, e)| e.tag().map(|t| (t, k.tick, k.seq)))
            .collect()
    }

    /// Give the pending payment at (`tick`, `seq`) its result tag; false when there is none.
    pub fn tag_payment(&mut self, tick: u64, seq: u64, tag: u64) -> bool {
        match self.payments.get_mut(&Key::new(tick, Phase::Apply, seq)) {
            Some(e) => {
                e.set_tag(tag);
                true
            }
            None => false,
        }
    }

    /// The last sequence number given.
    pub fn last_seq(&self) -> u64 {
        self.next_seq
    }

    /// Continue numbering after `seq` (restore).
    pub fn set_last_seq(&mut self, seq: u64) {
        self.next_seq = seq;
    }

    /// Number of pending entries (window ends included).
    pub fn pending_len(&self) -> u64 {
        (self.actions.len() + self.payments.len()) as u64
    }

    /// The end of the outage window of `agent` in force, if any: (to_tick, block_receiving).
    pub fn outage_end(&self, agent: crate::transaction::AgentIdx) -> Option<(u64, bool)> {
        if !self.active.is_out(agent) {
            return None;
        }
        self.actions.iter().find_map(|(k, e)| match e.effect {
            entry::Effect::Outage {
                agent: a,
                block_receiving,
            } if a == agent && e.phase == Phase::End => Some((k.tick, block_receiving)),
            _ => None,
        })
    }

    /// Nothing pending and nothing applied: a snapshot need not mention the schedule.
    pub fn is_pristine(&self) -> bool {
        self.actions.is_empty()
            && self.payments.is_empty()
            && self.next_seq == 0
            && self.active.is_pristine()
    }
}

/// Check a configuration's `scenario_events` (at tick 0), adding every problem to `p`.
pub(crate) fn check_config(
    config: &crate::config::SimulationConfig,
    p: &mut Vec<crate::error::Problem>,
) {
    let mut index = std::collections::HashMap::new();
    for (i, a) in config.agent_configs.iter().enumerate() {
        index
            .entry(a.id.clone())
            .or_insert(i as crate::transaction::AgentIdx);
    }
    let ctx = resolve::Context {
        config,
        index: &index,
        now: 0,
        horizon: config.horizon(),
    };
    if let Err(problems) = resolve::resolve(&config.scenario_events, &ctx, &mut Windows::default())
    {
        p.extend(problems);
    }
}
