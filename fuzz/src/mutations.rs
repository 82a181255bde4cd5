//! Structural mutations of a valid snapshot.

use crate::*;
use arbitrary::{Arbitrary, Result, Unstructured};
use payment_sim_core::snapshot::v5::{Location, Snapshot, Transaction};

/// One change to a valid snapshot, of the kinds a damaged or hand-edited state file has.
#[derive(Debug, Clone)]
pub enum Mutation {
    /// Copy a live transaction into a queue (its own Queue 1, the pending list or Queue 2),
    /// at a position; into Queue 2 with its own entry number or a fresh one.
    Duplicate {
        tx: usize,
        to: Place,
        fresh_entry: bool,
        at: usize,
    },
    /// Move a live transaction to another place.
    Move {
        tx: usize,
        to: Place,
        fresh_entry: bool,
        at: usize,
    },
    /// Remove a live transaction.
    Drop { tx: usize },
    /// Set one field of a live transaction.
    EditTx {
        tx: usize,
        field: TxField,
        value: u64,
    },
    /// Set a counter to a value.
    SetCounter { counter: Counter, value: u64 },
    /// Add to one balance, and optionally take the same from another (so the sum holds).
    Balance {
        agent: usize,
        delta: i64,
        from: Option<usize>,
    },
    /// Remove an event, or cut the log.
    Events { at: usize, truncate: bool },
    /// Set an arrival stream position.
    StreamPosition { agent: usize, value: u128 },
}

/// Where a transaction can be listed.
#[derive(Debug, Clone, Copy, Arbitrary)]
pub enum Place {
    /// Its sender's Queue 1.
    Queue1,
    /// The manual submissions waiting for the next tick.
    Pending,
    /// Queue 2.
    Queue2,
}

/// A transaction field a mutation sets.
#[derive(Debug, Clone, Copy, Arbitrary)]
pub enum TxField {
    /// `id.seq`.
    Seq,
    /// `id.part`.
    Part,
    /// `sender`.
    Sender,
    /// `receiver`.
    Receiver,
    /// `amount`.
    Amount,
    /// `arrival_tick`.
    ArrivalTick,
    /// `deadline_tick`.
    DeadlineTick,
    /// `priority`.
    Priority,
    /// `overdue` (value odd = true).
    Overdue,
    /// `hold_recorded`.
    HoldRecorded,
    /// The Queue 2 entry number (for a queued one).
    Entry,
}

/// A counter a mutation sets.
#[derive(Debug, Clone, Copy, Arbitrary)]
pub enum Counter {
    /// `tick`.
    Tick,
    /// `next_tx_seq`.
    NextTxSeq,
    /// `next_queue2_entry`.
    NextQueue2Entry,
    /// `totals.ticks_run`.
    TicksRun,
    /// `totals.arrivals`.
    Arrivals,
    /// `totals.settlements`.
    Settlements,
    /// `totals.settled_value`.
    SettledValue,
    /// `totals.arrived_value`.
    ArrivedValue,
    /// `totals.drops`.
    Drops,
    /// `totals.delay_sum`.
    DelaySum,
    /// `totals.delay_max`.
    DelayMax,
    /// `totals.peak_queue1`.
    PeakQueue1,
    /// `totals.costs.total`.
    CostsTotal,
    /// `totals.agents[0].sent_count`.
    SentCount,
    /// `totals.agents[0].costs.delay`.
    AgentDelayCost,
    /// `totals.day_settlements`.
    DaySettlements,
    /// `totals.extra_parts`.
    ExtraParts,
}

/// A value for a counter or field: near the current one, or a boundary.
fn value(u: &mut Unstructured) -> Result<u64> {
    Ok(match u.int_in_range(0..=5)? {
        0 => u.int_in_range(0..=40)?,
        1 => (1u64 << 62) - u.int_in_range(0..=3)?,
        2 => (1u64 << 62) + u.int_in_range(0..=1)?,
        3 => u64::MAX - u.int_in_range(0..=1)?,
        4 => i64::MAX as u64 - u.int_in_range(0..=1)?,
        _ => u.arbitrary()?,
    })
}

impl Mutation {
    pub(crate) fn arbitrary(u: &mut Unstructured) -> Result<Self> {
        let pick = |u: &mut Unstructured| -> Result<usize> { Ok(u.arbitrary::<u8>()?.into()) };
        Ok(match u.int_in_range(0..=7)? {
            // Duplicates and moves are what issue 10 found settling twice: weight them.
            0 | 1 => Mutation::Duplicate {
                tx: pick(u)?,
                to: u.arbitrary()?,
                fresh_entry: u.arbitrary()?,
                at: pick(u)?,
            },
            2 => Mutation::Move {
                tx: pick(u)?,
                to: u.arbitrary()?,
                fresh_entry: u.arbitrary()?,
                at: pick(u)?,
            },
            3 => Mutation::Drop { tx: pick(u)? },
            4 => Mutation::EditTx {
                tx: pick(u)?,
                field: u.arbitrary()?,
                value: value(u)?,
            },
            5 => Mutation::SetCounter {
                counter: u.arbitrary()?,
                value: value(u)?,
            },
            6 => Mutation::Balance {
                agent: pick(u)?,
                delta: if one_in(u, 4)? {
                    *u.choose(&[i64::MAX, i64::MIN, 1 << 62])?
                } else {
                    u.int_in_range(-2_000..=2_000)?
                },
                from: if one_in(u, 4)? { None } else { Some(pick(u)?) },
            },
            _ => {
                if u.arbitrary()? {
                    Mutation::Events {
                        at: pick(u)?,
                        truncate: u.arbitrary()?,
                    }
                } else {
                    Mutation::StreamPosition {
                        agent: pick(u)?,
                        value: if u.arbitrary()? {
                            u.int_in_range(0..=1_000)?
                        } else {
                            u.arbitrary()?
                        },
                    }
                }
            }
        })
    }

    /// Whether the mutation can change balances or the event log (after which balances need
    /// not match the settled events).
    pub fn touches_ledger(&self) -> bool {
        matches!(self, Mutation::Balance { .. } | Mutation::Events { .. })
    }
}

/// Where each live transaction of a snapshot is: (list, index).
#[derive(Debug, Clone, Copy)]
enum Slot {
    Queue1(usize, usize),
    Pending(usize),
    Queue2(usize),
}

fn slots(s: &Snapshot) -> Vec<Slot> {
    let mut out = Vec::new();
    for (a, q) in s.queue1.iter().enumerate() {
        out.extend((0..q.len()).map(|i| Slot::Queue1(a, i)));
    }
    out.extend((0..s.pending_manual.len()).map(Slot::Pending));
    out.extend((0..s.queue2.len()).map(Slot::Queue2));
    out
}

fn get(s: &Snapshot, slot: Slot) -> &Transaction {
    match slot {
        Slot::Queue1(a, i) => &s.queue1[a][i],
        Slot::Pending(i) => &s.pending_manual[i],
        Slot::Queue2(i) => &s.queue2[i],
    }
}

fn get_mut(s: &mut Snapshot, slot: Slot) -> &mut Transaction {
    match slot {
        Slot::Queue1(a, i) => &mut s.queue1[a][i],
        Slot::Pending(i) => &mut s.pending_manual[i],
        Slot::Queue2(i) => &mut s.queue2[i],
    }
}

fn take(s: &mut Snapshot, slot: Slot) -> Transaction {
    match slot {
        Slot::Queue1(a, i) => s.queue1[a].remove(i),
        Slot::Pending(i) => s.pending_manual.remove(i),
        Slot::Queue2(i) => s.queue2.remove(i),
    }
}

fn put(s: &mut Snapshot, mut tx: Transaction, to: Place, fresh_entry: bool, at: usize) {
    match to {
        Place::Queue1 | Place::Pending => tx.location = Location::Queue1,
        Place::Queue2 => {
            let entry = match tx.location {
                Location::Queue2 { entry } if !fresh_entry => entry,
                _ => {
                    let e = s.next_queue2_entry;
                    s.next_queue2_entry = e.saturating_add(1);
                    e
                }
            };
            tx.location = Location::Queue2 { entry };
        }
    }
    let list = match to {
        Place::Queue1 => match s.queue1.get_mut(tx.sender as usize) {
            Some(q) => q,
            None => return,
        },
        Place::Pending => &mut s.pending_manual,
        Place::Queue2 => &mut s.queue2,
    };
    let at = at % (list.len() + 1);
    list.insert(at, tx);
}

fn counter(s: &mut Snapshot, c: Counter) -> Option<&mut u64> {
    let t = &mut s.totals;
    Some(match c {
        Counter::Tick => &mut s.tick,
        Counter::NextTxSeq => &mut s.next_tx_seq,
        Counter::NextQueue2Entry => &mut s.next_queue2_entry,
        Counter::TicksRun => &mut t.ticks_run,
        Counter::Arrivals => &mut t.arrivals,
        Counter::Settlements => &mut t.settlements,
        Counter::Drops => &mut t.drops,
        Counter::DelaySum => &mut t.delay_sum,
        Counter::DelayMax => &mut t.delay_max,
        Counter::PeakQueue1 => &mut t.peak_queue1,
        Counter::SentCount => &mut t.agents.first_mut()?.sent_count,
        Counter::DaySettlements => &mut t.day_settlements,
        Counter::ExtraParts => &mut t.extra_parts,
        Counter::SettledValue
        | Counter::ArrivedValue
        | Counter::CostsTotal
        | Counter::AgentDelayCost => return None,
    })
}

fn signed_counter(s: &mut Snapshot, c: Counter) -> Option<&mut i64> {
    let t = &mut s.totals;
    Some(match c {
        Counter::SettledValue => &mut t.settled_value,
        Counter::ArrivedValue => &mut t.arrived_value,
        Counter::CostsTotal => &mut t.costs.total,
        Counter::AgentDelayCost => &mut t.agents.first_mut()?.costs.delay,
        _ => return None,
    })
}

/// Apply a mutation; one that names nothing (no transaction to pick) is a no-op.
pub fn apply(s: &mut Snapshot, m: &Mutation) {
    let all = slots(s);
    let pick = |i: usize| (!all.is_empty()).then(|| all[i % all.len()]);
    match *m {
        Mutation::Duplicate {
            tx,
            to,
            fresh_entry,
            at,
        } => {
            if let Some(slot) = pick(tx) {
                let copy = get(s, slot).clone();
                put(s, copy, to, fresh_entry, at);
            }
        }
        Mutation::Move {
            tx,
            to,
            fresh_entry,
            at,
        } => {
            if let Some(slot) = pick(tx) {
                let moved = take(s, slot);
                put(s, moved, to, fresh_entry, at);
            }
        }
        Mutation::Drop { tx } => {
            if let Some(slot) = pick(tx) {
                take(s, slot);
            }
        }
        Mutation::EditTx { tx, field, value } => {
            if let Some(slot) = pick(tx) {
                let t = get_mut(s, slot);
                match field {
                    TxField::Seq => t.id.seq = value,
                    TxField::Part => t.id.part = value as u32,
                    TxField::Sender => t.sender = (value % 8) as u32,
                    TxField::Receiver => t.receiver = (value % 8) as u32,
                    TxField::Amount => t.amount = value as i64,
                    TxField::ArrivalTick => t.arrival_tick = value,
                    TxField::DeadlineTick => t.deadline_tick = value,
                    TxField::Priority => t.priority = value as u8,
                    TxField::Overdue => t.overdue = value % 2 == 1,
                    TxField::HoldRecorded => t.hold_recorded = value % 2 == 1,
                    TxField::Entry => {
                        if let Location::Queue2 { entry } = &mut t.location {
                            *entry = value;
                        }
                    }
                }
            }
        }
        Mutation::SetCounter { counter: c, value } => {
            if let Some(slot) = counter(s, c) {
                *slot = value;
            } else if let Some(slot) = signed_counter(s, c) {
                *slot = value as i64;
            }
        }
        Mutation::Balance { agent, delta, from } => {
            let n = s.balances.len();
            if n == 0 {
                return;
            }
            let a = agent % n;
            s.balances[a] = s.balances[a].wrapping_add(delta);
            if let Some(b) = from {
                let b = b % n;
                s.balances[b] = s.balances[b].wrapping_sub(delta);
            }
        }
        Mutation::Events { at, truncate } => {
            if s.events.is_empty() {
                return;
            }
            let at = at % s.events.len();
            if truncate {
                s.events.truncate(at);
            } else {
                s.events.remove(at);
                // Keep the numbering contiguous, so the removal itself is what is tested.
                for (i, e) in s.events.iter_mut().enumerate() {
                    e.seq = i as u64 + 1;
                }
            }
        }
        Mutation::StreamPosition { agent, value } => {
            let n = s.arrival_stream_positions.len();
            if n > 0 {
                let p = &mut s.arrival_stream_positions[agent % n];
                if p.is_some() {
                    *p = Some(value.to_string());
                }
            }
        }
    }
}
