//! The events of a snapshot against its state. Always: numbering, ticks, what the recording
//! level keeps, agents and ids in range, end-of-day events on days' last ticks, no event about
//! a submission that has not arrived, and no transaction that settled, was dropped or was split
//! and yet is still alive or ended twice. When the log is complete (nothing discarded, and
//! recorded), the settlements replayed on the opening balances give the balances and the
//! counts match the totals; at the `full` level the whole life of every transaction is
//! replayed and must end exactly in the queues the snapshot holds.

use std::collections::HashMap;

use super::check::{bad, Live, Place, Restored};
use crate::config::{EventRecording, MAX_PRIORITY, MAX_SPLIT_PARTS};
use crate::engine::Simulation;
use crate::error::SimError;
use crate::events::{Event, EventKind, Mechanism};
use crate::transaction::{Location, Transaction, TxId};

fn kind_name(kind: &EventKind) -> &'static str {
    match kind {
        EventKind::Arrival { .. } => "arrival",
        EventKind::Released { .. } => "released",
        EventKind::Held { .. } => "held",
        EventKind::Split { .. } => "split",
        EventKind::Queued { .. } => "queued",
        EventKind::Settled { .. } => "settled",
        EventKind::Dropped { .. } => "dropped",
        EventKind::Overdue { .. } => "overdue",
        EventKind::EndOfDay { .. } => "end_of_day",
        EventKind::OutageStarted { .. } => "outage_started",
        EventKind::OutageEnded { .. } => "outage_ended",
        EventKind::Liquidity { .. } => "liquidity",
        EventKind::CreditLimit { .. } => "credit_limit",
        EventKind::ArrivalRate { .. } => "arrival_rate",
        EventKind::CounterpartyWeights { .. } => "counterparty_weights",
        EventKind::Lsm { .. } => "lsm",
        EventKind::PriorityChanged { .. } => "priority_changed",
        EventKind::ReservationChanged { .. } => "reservation_changed",
        EventKind::LimitChanged { .. } => "limit_changed",
    }
}

/// The transaction an event is about, if any.
fn tx_of(kind: &EventKind) -> Option<TxId> {
    match *kind {
        EventKind::Arrival { tx, .. }
        | EventKind::Released { tx, .. }
        | EventKind::Held { tx, .. }
        | EventKind::Split { tx, .. }
        | EventKind::Queued { tx, .. }
        | EventKind::Settled { tx, .. }
        | EventKind::Dropped { tx, .. }
        | EventKind::Overdue { tx, .. }
        | EventKind::PriorityChanged { tx, .. } => Some(tx),
        _ => None,
    }
}

/// Where a transaction is in the replay of a complete `full` log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Queue1,
    /// Released in the current tick, not yet queued, split or settled.
    InFlight,
    Queue2,
    Ended,
}

#[derive(Debug, Clone, Copy)]
struct Life {
    stage: Stage,
    sender: u32,
    receiver: u32,
    /// Known for orders (their arrival event), not for parts.
    amount: Option<i64>,
    arrival: u64,
    deadline: u64,
    priority: u8,
    held: bool,
    overdue: bool,
}

impl Restored {
    pub(super) fn events_agree(&self, sim: &Simulation, live: &Live<'_>) -> Result<(), SimError> {
        let level = sim.config.event_recording;
        if level == EventRecording::Off && (self.events_discarded > 0 || !self.events.is_empty()) {
            return Err(bad(
                "events",
                "events are recorded although event_recording is off",
            ));
        }
        let mut ended: HashMap<TxId, usize> = HashMap::new();
        let mut overdue: HashMap<TxId, usize> = HashMap::new();
        let mut previous_tick = 0;
        for (i, e) in self.events.iter().enumerate() {
            let fail = |what: String| {
                let about = tx_of(&e.kind)
                    .map(|t| format!(" of {t}"))
                    .unwrap_or_default();
                Err(bad(
                    format!("events[{i}]"),
                    format!("event {} ({}){about}: {what}", e.seq, kind_name(&e.kind)),
                ))
            };
            if e.seq != self.events_discarded + i as u64 + 1 {
                return fail(format!(
                    "event sequence numbers must run events_discarded + 1, + 2, … (expected {})",
                    self.events_discarded + i as u64 + 1
                ));
            }
            if e.tick < previous_tick || e.tick >= self.tick {
                return fail(format!(
                    "tick {} is not between the previous event's {previous_tick} and the current tick {}",
                    e.tick, self.tick
                ));
            }
            previous_tick = e.tick;
            if !e.kind.kept_at(level) {
                return fail("not recorded at this event_recording level".into());
            }
            if e.kind
                .agents()
                .iter()
                .flatten()
                .any(|&a| a as usize >= sim.ids.len())
            {
                return fail("names an agent index out of range".into());
            }
            if let Err(what) = self.event_fits(sim, e) {
                return fail(what);
            }
            let Some(tx) = tx_of(&e.kind) else { continue };
            if let Some((place, t)) = live.get(&tx) {
                match e.kind {
                    EventKind::Settled { .. }
                    | EventKind::Dropped { .. }
                    | EventKind::Split { .. } => {
                        return fail(format!("{tx} ended, but it is still at {place}"));
                    }
                    _ if matches!(place, Place::Pending(_)) => {
                        return fail(format!(
                            "{tx} is a submission at {place} that has not arrived"
                        ));
                    }
                    EventKind::Overdue { .. } if !t.overdue => {
                        return fail(format!("{tx} at {place} is not marked overdue"));
                    }
                    _ => {}
                }
            }
            let seen = match e.kind {
                EventKind::Settled { .. } | EventKind::Dropped { .. } | EventKind::Split { .. } => {
                    ended.insert(tx, i)
                }
                EventKind::Overdue { .. } => overdue.insert(tx, i),
                _ => None,
            };
            if let Some(first) = seen {
                return fail(format!("{tx} already had this fate at events[{first}]"));
            }
        }
        if self.events_discarded > 0 || level == EventRecording::Off {
            return Ok(());
        }
        self.complete_log_agrees(sim)?;
        if level == EventRecording::Full {
            self.replay()?;
        }
        Ok(())
    }

    /// What one event says fits the configuration and the counters.
    fn event_fits(&self, sim: &Simulation, e: &Event) -> Result<(), String> {
        if let Some(tx) = tx_of(&e.kind) {
            if tx.seq == 0 || tx.seq >= self.next_tx_seq || i64::from(tx.part) > MAX_SPLIT_PARTS {
                return Err(format!("transaction id {tx} is out of range"));
            }
        }
        match e.kind {
            EventKind::EndOfDay { day, .. } => {
                let tpd = sim.ticks_per_day;
                if !(e.tick + 1).is_multiple_of(tpd) || day != e.tick / tpd {
                    return Err(format!("day {day} does not end at tick {}", e.tick));
                }
            }
            EventKind::Split { sender, parts, .. } => {
                // Its `split` rule or a tree's split leaf.
                let max = sim.config.agent_configs[sender as usize]
                    .policy
                    .most_parts();
                if parts < 2 || i64::from(parts) > max {
                    return Err(format!(
                        "{parts} parts, which its sender's policy cannot make"
                    ));
                }
            }
            EventKind::PriorityChanged { from, to, .. }
                if from == to || i64::from(from.max(to)) > MAX_PRIORITY =>
            {
                return Err(format!(
                    "priority {from} to {to}: not a change between 0 and {MAX_PRIORITY}"
                ));
            }
            EventKind::Arrival { amount, .. } | EventKind::Settled { amount, .. }
                if amount <= 0 =>
            {
                return Err("amount must be positive".into());
            }
            _ => {}
        }
        Ok(())
    }

    /// A complete log (nothing discarded) at the `full` or `settlements` level: replaying the
    /// settlements on the opening balances gives the balances, and the counts are the totals.
    fn complete_log_agrees(&self, sim: &Simulation) -> Result<(), SimError> {
        let n = sim.ids.len();
        let mut balances: Vec<i128> = sim.ledger.balances().iter().map(|&b| b as i128).collect();
        let mut sent = vec![0u64; n];
        let mut by = [0u64; 4];
        let (mut drops, mut overdue, mut days) = (0u64, 0u64, 0u64);
        let (mut arrivals, mut splits, mut extra, mut queued) = (0u64, 0u64, 0u64, 0u64);
        for e in &self.events {
            match e.kind {
                EventKind::Settled {
                    sender,
                    receiver,
                    amount,
                    mechanism,
                    ..
                } => {
                    balances[sender as usize] -= amount as i128;
                    balances[receiver as usize] += amount as i128;
                    sent[sender as usize] += 1;
                    by[match mechanism {
                        Mechanism::Rtgs => 0,
                        Mechanism::Queue => 1,
                        Mechanism::Bilateral => 2,
                        Mechanism::Multilateral => 3,
                    }] += 1;
                }
                EventKind::Dropped { .. } => drops += 1,
                EventKind::Overdue { .. } => overdue += 1,
                EventKind::EndOfDay { .. } => days += 1,
                EventKind::Arrival { .. } => arrivals += 1,
                EventKind::Split { parts, .. } => {
                    splits += 1;
                    extra += u64::from(parts) - 1;
                }
                EventKind::Queued { .. } => queued += 1,
                // External flows move balances too.
                EventKind::Liquidity { agent, amount, .. } => {
                    balances[agent as usize] += amount as i128;
                }
                _ => {}
            }
        }
        if let Some(i) = (0..n).find(|&i| balances[i] != self.balances[i] as i128) {
            return Err(bad(
                format!("balances[{i}]"),
                format!(
                    "the settlements in the events give {:?} a balance of {}, not {}",
                    sim.ids[i], balances[i], self.balances[i]
                ),
            ));
        }
        let t = &self.totals;
        let m = &t.by_mechanism;
        let mut expected = vec![
            ("totals.settlements", sent.iter().sum(), t.settlements),
            ("totals.by_mechanism.rtgs", by[0], m.rtgs),
            ("totals.by_mechanism.queue", by[1], m.queue),
            ("totals.by_mechanism.bilateral", by[2], m.bilateral),
            ("totals.by_mechanism.multilateral", by[3], m.multilateral),
            ("totals.drops", drops, t.drops),
            ("totals.overdue", overdue, t.overdue),
            ("tick", days, self.tick / sim.ticks_per_day),
        ];
        if sim.config.event_recording == EventRecording::Full {
            expected.extend([
                ("totals.arrivals", arrivals, t.arrivals),
                ("totals.splits", splits, t.splits),
                ("totals.extra_parts", extra, t.extra_parts),
                ("next_queue2_entry", queued + 1, self.next_queue2_entry),
            ]);
        }
        let per_agent = (0..n).map(|i| {
            (
                "totals.agents[].sent_count",
                sent[i],
                t.agents[i].sent_count,
            )
        });
        for (path, from_events, value) in expected.into_iter().chain(per_agent) {
            if from_events != value {
                return Err(bad(
                    path,
                    format!(
                        "{value}, but the events (complete: none discarded) count {from_events}"
                    ),
                ));
            }
        }
        Ok(())
    }

    /// A complete `full` log: replay the life of every transaction; it must end exactly in the
    /// queues the snapshot holds, with the same fields and marks.
    fn replay(&self) -> Result<(), SimError> {
        let mut lives: HashMap<TxId, Life> = HashMap::new();
        for (i, e) in self.events.iter().enumerate() {
            let fail = |what: &str| {
                let tx = tx_of(&e.kind).map(|t| t.to_string()).unwrap_or_default();
                Err(bad(
                    format!("events[{i}]"),
                    format!("event {} ({}) of {tx}: {what}", e.seq, kind_name(&e.kind)),
                ))
            };
            let Some(tx) = tx_of(&e.kind) else { continue };
            if let EventKind::Arrival {
                sender,
                receiver,
                amount,
                deadline_tick,
                priority,
                ..
            } = e.kind
            {
                if tx.part != 0 || lives.contains_key(&tx) {
                    return fail("arrived twice, or a part arrived");
                }
                lives.insert(
                    tx,
                    Life {
                        stage: Stage::Queue1,
                        sender,
                        receiver,
                        amount: Some(amount),
                        arrival: e.tick,
                        deadline: deadline_tick,
                        priority,
                        held: false,
                        overdue: false,
                    },
                );
                continue;
            }
            let Some(life) = lives.get_mut(&tx) else {
                return fail("no arrival (or split) before it");
            };
            let sender = match e.kind.agents() {
                [Some(s), _] => s,
                _ => life.sender,
            };
            if sender != life.sender {
                return fail("a sender other than the transaction's");
            }
            let stage = life.stage;
            match e.kind {
                EventKind::Held { .. } if stage == Stage::Queue1 && !life.held => life.held = true,
                EventKind::Released { .. } if stage == Stage::Queue1 => {
                    life.stage = Stage::InFlight
                }
                EventKind::Queued { .. } if stage == Stage::InFlight => life.stage = Stage::Queue2,
                EventKind::Settled {
                    receiver, amount, ..
                } if matches!(stage, Stage::InFlight | Stage::Queue2) => {
                    if receiver != life.receiver || life.amount.is_some_and(|a| a != amount) {
                        return fail("settled between other agents or for another amount");
                    }
                    life.stage = Stage::Ended;
                }
                EventKind::Dropped { .. } if matches!(stage, Stage::Queue1 | Stage::Queue2) => {
                    life.stage = Stage::Ended
                }
                EventKind::Overdue { .. } if matches!(stage, Stage::Queue1 | Stage::Queue2) => {
                    life.overdue = true
                }
                // A policy changes the priority of an order it decides on, in Queue 1.
                EventKind::PriorityChanged { from, to, .. } if stage == Stage::Queue1 => {
                    if from != life.priority || from == to {
                        return fail("changes a priority the transaction does not have");
                    }
                    life.priority = to;
                }
                EventKind::Split { parts, .. } if stage == Stage::InFlight => {
                    life.stage = Stage::Ended;
                    // Parts carry their order's overdue mark (it may have passed its
                    // deadline waiting in Queue 1, e.g. during its sender's outage).
                    let part = Life {
                        stage: Stage::InFlight,
                        amount: None,
                        held: false,
                        ..*life
                    };
                    for p in 1..=parts {
                        if lives
                            .insert(
                                TxId {
                                    seq: tx.seq,
                                    part: p,
                                },
                                part,
                            )
                            .is_some()
                        {
                            return fail("a part that already exists");
                        }
                    }
                }
                _ => return fail("not possible where the transaction is"),
            }
        }
        let in_flight = lives.iter().filter(|(_, l)| l.stage == Stage::InFlight);
        if let Some(tx) = in_flight.map(|(tx, _)| *tx).min() {
            return Err(bad(
                "events",
                format!("{tx} was released but never queued, split or settled"),
            ));
        }
        let mut matched = 0usize;
        let held = self.queue1.iter().enumerate().flat_map(|(a, q)| {
            q.iter()
                .enumerate()
                .map(move |(i, tx)| (Place::Queue1(a, i), tx))
        });
        let queued = self
            .queue2
            .iter()
            .enumerate()
            .map(|(i, tx)| (Place::Queue2(i), tx));
        for (place, tx) in held.chain(queued) {
            let life = lives.get(&tx.id);
            if !life.is_some_and(|l| same(l, tx)) {
                return Err(bad(
                    place.to_string(),
                    format!(
                        "transaction {} is not where the events leave it, or differs from its arrival (events: {:?})",
                        tx.id,
                        life.map(|l| l.stage)
                    ),
                ));
            }
            matched += 1;
        }
        let waiting = lives
            .values()
            .filter(|l| matches!(l.stage, Stage::Queue1 | Stage::Queue2))
            .count();
        if waiting != matched {
            return Err(bad(
                "events",
                format!(
                    "the events leave {waiting} transactions waiting, the queues hold {matched}"
                ),
            ));
        }
        Ok(())
    }
}

/// The snapshot's transaction is the one the events describe, where they leave it.
fn same(l: &Life, tx: &Transaction) -> bool {
    let stage = match tx.location {
        Location::Queue1 => Stage::Queue1,
        Location::Queue2 { .. } => Stage::Queue2,
    };
    l.stage == stage
        && (l.sender, l.receiver, l.arrival, l.deadline, l.priority)
            == (
                tx.sender,
                tx.receiver,
                tx.arrival_tick,
                tx.deadline_tick,
                tx.priority,
            )
        && l.amount.is_none_or(|a| a == tx.amount)
        && l.held == tx.hold_recorded
        && l.overdue == tx.overdue
}
