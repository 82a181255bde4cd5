//! Per-payment results: for every imported payment, its fate, built from what the engine taps
//! (`events::Tapped`) whatever the event recording level. A payment waits here from its
//! chunk's load until its last part settles or is dropped, and then leaves as a
//! [`PaymentOutcome`]: memory is bounded by the live payments, not the file.

use std::collections::HashMap;

use serde_json::Value;

use super::time::TimeMapping;
use super::validate::Payment;
use crate::engine::Simulation;
use crate::events::{Mechanism, Tapped};
use crate::transaction::TxId;

/// What became of a payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Settled (every part, if split).
    Settled,
    /// Dropped at its deadline (every part, if split).
    Dropped,
    /// Split, and some parts settled while others were dropped.
    PartlySettled,
    /// Still waiting when the run ended.
    Unsettled,
}

impl Status {
    /// The name in results files.
    pub fn name(self) -> &'static str {
        match self {
            Status::Settled => "settled",
            Status::Dropped => "dropped",
            Status::PartlySettled => "partly_settled",
            Status::Unsettled => "unsettled",
        }
    }
}

/// The name of a mechanism in results files.
pub fn mechanism_name(m: Mechanism) -> &'static str {
    match m {
        Mechanism::Rtgs => "rtgs",
        Mechanism::Queue => "queue",
        Mechanism::Bilateral => "bilateral",
        Mechanism::Multilateral => "multilateral",
    }
}

/// One part of a split payment: its id, the tick it ended, and how (`None`: dropped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartOutcome {
    /// `Tn.k`.
    pub tx: String,
    /// Tick of its settlement or drop.
    pub tick: u64,
    /// How it settled; `None` if dropped.
    pub mechanism: Option<Mechanism>,
}

/// One input payment's result.
#[derive(Debug, Clone, PartialEq)]
pub struct PaymentOutcome {
    /// The user's id (column `id` of the results).
    pub id: String,
    /// The engine's transaction id (`Tn`; empty if it never arrived).
    pub tx: String,
    /// The input line.
    pub line: u64,
    /// Sending agent.
    pub sender: String,
    /// Receiving agent.
    pub receiver: String,
    /// Cents.
    pub amount: i64,
    /// Arrival tick.
    pub arrival_tick: u64,
    /// Deadline tick.
    pub deadline_tick: u64,
    /// Its fate.
    pub status: Status,
    /// Tick of the settlement (the last part's, if split); `None` unless settled.
    pub settlement_tick: Option<u64>,
    /// `rtgs`, `queue`, `bilateral`, `multilateral`, or `mixed` (parts settled differently).
    pub mechanism: Option<&'static str>,
    /// `settlement_tick − arrival_tick`.
    pub delay: Option<u64>,
    /// The parts, if it was split (empty otherwise).
    pub parts: Vec<PartOutcome>,
    /// Wall-clock times of arrival and settlement (tick start), when the file had times.
    pub arrival_time: Option<String>,
    /// See `arrival_time`.
    pub settlement_time: Option<String>,
    /// The input's extra columns, untouched (in the order of the feed's `extra_names`).
    pub extras: Vec<Value>,
}

/// A multiplicative hash for the tracker's own `u64` keys (tags and transaction numbers,
/// never user input, so no flooding concern; SipHash was a tenth of a replay). Iteration
/// order is never used for output.
#[derive(Debug, Default, Clone, Copy)]
struct U64Hasher(u64);

impl std::hash::Hasher for U64Hasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (n ^ (n >> 29)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

type U64Map<V> = HashMap<u64, V, std::hash::BuildHasherDefault<U64Hasher>>;

/// The payments loaded and not yet created, as loaded: a chunk at a time, in tag order (tags
/// increase along the file). A chunk is kept as it was read (no per-payment move into a
/// hash table: the profile of a 400,000-row load showed the table's allocation and the moves
/// of the payments into it) and found by binary search on its tags.
#[derive(Debug, Default)]
struct Waiting {
    chunks: std::collections::VecDeque<WaitingChunk>,
}

#[derive(Debug)]
struct WaitingChunk {
    tags: Vec<u64>,
    payments: Vec<Option<Payment>>,
    left: usize,
}

impl Waiting {
    fn push(&mut self, chunk: Vec<Payment>) {
        if chunk.is_empty() {
            return;
        }
        let tags = chunk.iter().map(|p| p.tag).collect();
        let left = chunk.len();
        let payments = chunk.into_iter().map(Some).collect();
        self.chunks.push_back(WaitingChunk {
            tags,
            payments,
            left,
        });
    }

    fn remove(&mut self, tag: u64) -> Option<Payment> {
        let k = self
            .chunks
            .iter()
            .position(|c| c.tags.last().is_some_and(|&last| tag <= last))?;
        let c = &mut self.chunks[k];
        let i = c.tags.binary_search(&tag).ok()?;
        let p = c.payments[i].take()?;
        c.left -= 1;
        while self.chunks.front().is_some_and(|c| c.left == 0) {
            self.chunks.pop_front();
        }
        Some(p)
    }

    fn left(&self) -> usize {
        self.chunks.iter().map(|c| c.left).sum()
    }

    fn iter(&self) -> impl Iterator<Item = &Payment> {
        self.chunks.iter().flat_map(|c| c.payments.iter().flatten())
    }

    fn drain(&mut self) -> Vec<Payment> {
        let all = self
            .chunks
            .drain(..)
            .flat_map(|c| c.payments.into_iter().flatten())
            .collect();
        all
    }
}

#[derive(Debug)]
struct Live {
    pay: Payment,
    tx: u64,
    arrival_tick: u64,
    /// Number of parts once split (0: not split).
    parts: u32,
    ended: Vec<PartOutcome>,
}

/// The imported payments not yet ended.
#[derive(Debug, Default)]
pub struct Outcomes {
    /// Loaded, not yet created (by tag).
    waiting: Waiting,
    /// Created (by transaction sequence number).
    live: U64Map<Live>,
    /// The time mapping and day 0's date, for wall-clock times.
    pub clock: Option<(TimeMapping, i64)>,
}

impl Outcomes {
    /// Start tracking on `sim`: its engine taps what the results need from now on.
    pub fn attach(sim: &mut Simulation) -> Self {
        sim.events.tap.get_or_insert_with(Vec::new);
        Outcomes::default()
    }

    /// The payments of a loaded chunk.
    pub(crate) fn expect(&mut self, chunk: Vec<Payment>) {
        self.waiting.push(chunk);
    }

    /// Payments loaded or live (what this tracker holds).
    pub fn held(&self) -> usize {
        self.waiting.left() + self.live.len()
    }

    /// The payments that ended since the last call, in the order they ended.
    pub fn collect(&mut self, sim: &mut Simulation) -> Vec<PaymentOutcome> {
        let tapped = sim
            .events
            .tap
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default();
        let mut out = Vec::new();
        for t in tapped {
            match t {
                Tapped::Joined { tx, tag, tick } => {
                    if let Some(pay) = self.waiting.remove(tag) {
                        let live = Live {
                            pay,
                            tx,
                            arrival_tick: tick,
                            parts: 0,
                            ended: Vec::new(),
                        };
                        self.live.insert(tx, live);
                    }
                }
                Tapped::Split { tx, parts } => {
                    if let Some(l) = self.live.get_mut(&tx.seq) {
                        l.parts = parts;
                    }
                }
                Tapped::Settled {
                    tx,
                    tick,
                    mechanism,
                } => self.ended(tx, tick, Some(mechanism), sim, &mut out),
                Tapped::Dropped { tx, tick } => self.ended(tx, tick, None, sim, &mut out),
            }
        }
        out
    }

    fn ended(
        &mut self,
        tx: TxId,
        tick: u64,
        how: Option<Mechanism>,
        sim: &Simulation,
        out: &mut Vec<PaymentOutcome>,
    ) {
        let Some(l) = self.live.get_mut(&tx.seq) else {
            return;
        };
        l.ended.push(PartOutcome {
            tx: tx.to_string(),
            tick,
            mechanism: how,
        });
        if tx.part == 0 || l.ended.len() as u32 >= l.parts {
            let l = self.live.remove(&tx.seq).expect("present");
            out.push(self.outcome(l, sim, false));
        }
    }

    /// Everything still held, as unsettled (at the end of a run), in input order.
    pub fn finish(&mut self, sim: &mut Simulation) -> Vec<PaymentOutcome> {
        let mut out = self.collect(sim);
        let mut live: Vec<Live> = self.live.drain().map(|(_, l)| l).collect();
        live.sort_by_key(|l| l.pay.tag);
        let waiting = self.waiting.drain();
        for l in live {
            out.push(self.outcome(l, sim, true));
        }
        for pay in waiting {
            let l = Live {
                arrival_tick: pay.tick,
                pay,
                tx: 0,
                parts: 0,
                ended: Vec::new(),
            };
            out.push(self.outcome(l, sim, true));
        }
        out
    }

    fn outcome(&self, l: Live, sim: &Simulation, open: bool) -> PaymentOutcome {
        let settled: Vec<&PartOutcome> = l.ended.iter().filter(|e| e.mechanism.is_some()).collect();
        let status = match (open, settled.len(), l.ended.len()) {
            (true, _, _) => Status::Unsettled,
            (false, 0, _) => Status::Dropped,
            (false, s, n) if s == n => Status::Settled,
            _ => Status::PartlySettled,
        };
        let settlement_tick = (status == Status::Settled)
            .then(|| l.ended.iter().map(|e| e.tick).max())
            .flatten();
        let mechanism = settled.first().and_then(|first| {
            let m = first.mechanism?;
            Some(if settled.iter().all(|e| e.mechanism == Some(m)) {
                mechanism_name(m)
            } else {
                "mixed"
            })
        });
        let tpd = sim.ticks_per_day;
        let time = |t: u64| {
            self.clock
                .as_ref()
                .map(|(m, start)| m.tick_start(*start, t, tpd))
        };
        let ids = &sim.ids;
        PaymentOutcome {
            tx: if l.tx == 0 {
                String::new()
            } else {
                format!("T{}", l.tx)
            },
            line: l.pay.line,
            sender: ids[l.pay.sender as usize].clone(),
            receiver: ids[l.pay.receiver as usize].clone(),
            amount: l.pay.amount,
            arrival_tick: l.arrival_tick,
            deadline_tick: l.arrival_tick.saturating_add(l.pay.deadline_offset),
            status,
            settlement_tick,
            mechanism: if status == Status::Settled || status == Status::PartlySettled {
                mechanism
            } else {
                None
            },
            delay: settlement_tick.map(|s| s - l.arrival_tick),
            parts: if l.parts > 0 { l.ended } else { Vec::new() },
            arrival_time: time(l.arrival_tick),
            settlement_time: settlement_tick.and_then(time),
            id: l.pay.carried.id_string(),
            extras: l.pay.carried.extras(),
        }
    }
}

/// A live payment as a snapshot keeps it: (payment, transaction number, arrival tick,
/// parts once split, parts ended).
pub(crate) type LiveParts = (Payment, u64, u64, u32, Vec<PartOutcome>);

impl Outcomes {
    /// The payments loaded and not yet created, by tag.
    pub(crate) fn waiting_by_tag(&self) -> Vec<&Payment> {
        self.waiting.iter().collect()
    }

    /// The created payments not yet ended, by transaction number.
    pub(crate) fn live_by_tx(&self) -> Vec<LiveParts> {
        let mut l: Vec<LiveParts> = self
            .live
            .values()
            .map(|l| {
                (
                    l.pay.clone(),
                    l.tx,
                    l.arrival_tick,
                    l.parts,
                    l.ended.clone(),
                )
            })
            .collect();
        l.sort_by_key(|l| l.1);
        l
    }

    /// A tracker holding what a snapshot kept (`attach` first taps the engine).
    pub(crate) fn restored(waiting: Vec<Payment>, live: Vec<LiveParts>) -> Self {
        let mut o = Outcomes::default();
        o.waiting.push(waiting);
        for (pay, tx, arrival_tick, parts, ended) in live {
            let l = Live {
                pay,
                tx,
                arrival_tick,
                parts,
                ended,
            };
            o.live.insert(tx, l);
        }
        o
    }
}
