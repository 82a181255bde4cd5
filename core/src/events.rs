//! The event stream: every state change, numbered globally, stored compactly (indices) and
//! rendered with agent names at the boundary.

use serde::{Deserialize, Serialize};

use crate::config::EventRecording;
use crate::transaction::{AgentIdx, TxId};

/// How a payment got settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mechanism {
    /// Immediately at RTGS entry.
    Rtgs,
    /// On a retry of Queue 2.
    Queue,
    /// Bilateral offsetting (LSM).
    Bilateral,
    /// Multilateral offsetting / gridlock resolution (LSM).
    Multilateral,
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub(crate) enum EventKind {
    Arrival {
        tx: TxId,
        sender: AgentIdx,
        receiver: AgentIdx,
        amount: i64,
        deadline_tick: u64,
        priority: u8,
    },
    Released {
        tx: TxId,
        sender: AgentIdx,
    },
    Held {
        tx: TxId,
        sender: AgentIdx,
    },
    Split {
        tx: TxId,
        sender: AgentIdx,
        parts: u32,
    },
    Queued {
        tx: TxId,
        sender: AgentIdx,
    },
    Settled {
        tx: TxId,
        sender: AgentIdx,
        receiver: AgentIdx,
        amount: i64,
        mechanism: Mechanism,
    },
    Dropped {
        tx: TxId,
        sender: AgentIdx,
        amount: i64,
    },
    Overdue {
        tx: TxId,
        sender: AgentIdx,
        amount: i64,
    },
    EndOfDay {
        day: u64,
        settlements: u64,
        settled_value: i64,
        drops: u64,
        unsettled: u64,
        eod_penalties: i64,
    },
    // Applied scheduled actions (`crate::schedule`).
    OutageStarted {
        agent: AgentIdx,
        to_tick: u64,
        block_receiving: bool,
    },
    OutageEnded {
        agent: AgentIdx,
    },
    Liquidity {
        agent: AgentIdx,
        amount: i64,
        requested: i64,
    },
    CreditLimit {
        agent: AgentIdx,
        credit_limit: i64,
        requested: i64,
    },
    ArrivalRate {
        agent: AgentIdx,
        rate: f64,
    },
    CounterpartyWeights {
        agent: AgentIdx,
    },
    Lsm {
        bilateral: bool,
        multilateral: bool,
    },
}

impl EventKind {
    /// The agents an event names (for validating restored snapshots).
    pub(crate) fn agents(&self) -> [Option<AgentIdx>; 2] {
        match self {
            EventKind::Arrival {
                sender, receiver, ..
            }
            | EventKind::Settled {
                sender, receiver, ..
            } => [Some(*sender), Some(*receiver)],
            EventKind::Released { sender, .. }
            | EventKind::Held { sender, .. }
            | EventKind::Split { sender, .. }
            | EventKind::Queued { sender, .. }
            | EventKind::Dropped { sender, .. }
            | EventKind::Overdue { sender, .. } => [Some(*sender), None],
            EventKind::OutageStarted { agent, .. }
            | EventKind::OutageEnded { agent }
            | EventKind::Liquidity { agent, .. }
            | EventKind::CreditLimit { agent, .. }
            | EventKind::ArrivalRate { agent, .. }
            | EventKind::CounterpartyWeights { agent } => [Some(*agent), None],
            EventKind::EndOfDay { .. } | EventKind::Lsm { .. } => [None, None],
        }
    }

    /// Whether it records an applied scheduled action.
    pub(crate) fn is_scheduled(&self) -> bool {
        matches!(
            self,
            EventKind::OutageStarted { .. }
                | EventKind::OutageEnded { .. }
                | EventKind::Liquidity { .. }
                | EventKind::CreditLimit { .. }
                | EventKind::ArrivalRate { .. }
                | EventKind::CounterpartyWeights { .. }
                | EventKind::Lsm { .. }
        )
    }

    pub(crate) fn kept_at(&self, level: EventRecording) -> bool {
        match level {
            EventRecording::Full => true,
            EventRecording::Off => false,
            // Scheduled actions are kept with the settlements: external flows are needed to
            // replay the balances.
            EventRecording::Settlements => {
                self.is_scheduled()
                    || matches!(
                        self,
                        EventKind::Settled { .. }
                            | EventKind::Dropped { .. }
                            | EventKind::Overdue { .. }
                            | EventKind::EndOfDay { .. }
                    )
            }
        }
    }
}

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
    /// not affected); returns how many were forgotten. Memory follows: a log that shrank to
    /// well under its capacity gives the rest back.
    pub fn discard_through(&mut self, through: u64) -> u64 {
        let through = through.min(self.last_seq());
        let n = through.saturating_sub(self.discarded);
        if n == 0 {
            return 0;
        }
        self.events.drain(..n as usize);
        self.discarded = through;
        if self.events.capacity() > 2 * self.events.len() + 1024 {
            self.events.shrink_to(self.events.len() * 3 / 2);
        }
        n
    }
}

/// An event as it leaves the library: flat, with agent names and rendered ids.
/// Absent fields are omitted; `type` says which are present.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventRecord {
    /// Global sequence number (1, 2, …).
    pub seq: u64,
    /// Tick in which it happened.
    pub tick: u64,
    /// `arrival`, `released`, `held`, `split`, `queued`, `settled`, `dropped`, `overdue`, `end_of_day`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Transaction id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tx: Option<String>,
    /// Sending agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender: Option<String>,
    /// Receiving agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receiver: Option<String>,
    /// Amount in cents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<i64>,
    /// Deadline tick (arrivals).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline_tick: Option<u64>,
    /// Priority (arrivals).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<u8>,
    /// Number of parts (splits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parts: Option<u32>,
    /// Settlement mechanism (settlements).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mechanism: Option<Mechanism>,
    /// Day number (end of day).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day: Option<u64>,
    /// The day's settlements (end of day).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settlements: Option<u64>,
    /// The day's settled value (end of day).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settled_value: Option<i64>,
    /// The day's drops (end of day).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drops: Option<u64>,
    /// Orders unsettled at the end of the day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unsettled: Option<u64>,
    /// End-of-day penalties charged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eod_penalties: Option<i64>,
    /// The agent a scheduled action applied to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agent: Option<String>,
    /// The amount a `liquidity` or `credit_limit` action asked for (`amount` /
    /// `credit_limit` is what applied).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested: Option<i64>,
    /// The new credit line (`credit_limit`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_limit: Option<i64>,
    /// The arrival rate now in force (`arrival_rate`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<f64>,
    /// The first tick after the outage (`outage_started`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_tick: Option<u64>,
    /// Whether the outage blocks receiving (`outage_started`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_receiving: Option<bool>,
    /// Bilateral offsetting on or off (`lsm`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bilateral: Option<bool>,
    /// Multilateral offsetting on or off (`lsm`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub multilateral: Option<bool>,
}

impl Event {
    pub(crate) fn record(&self, names: &[String]) -> EventRecord {
        let name = |i: &AgentIdx| Some(names[*i as usize].clone());
        let mut r = EventRecord {
            seq: self.seq,
            tick: self.tick,
            kind: String::new(),
            tx: None,
            sender: None,
            receiver: None,
            amount: None,
            deadline_tick: None,
            priority: None,
            parts: None,
            mechanism: None,
            day: None,
            settlements: None,
            settled_value: None,
            drops: None,
            unsettled: None,
            eod_penalties: None,
            agent: None,
            requested: None,
            credit_limit: None,
            rate: None,
            to_tick: None,
            block_receiving: None,
            bilateral: None,
            multilateral: None,
        };
        let kind = match &self.kind {
            EventKind::Arrival {
                tx,
                sender,
                receiver,
                amount,
                deadline_tick,
                priority,
            } => {
                r.tx = Some(tx.to_string());
                r.sender = name(sender);
                r.receiver = name(receiver);
                r.amount = Some(*amount);
                r.deadline_tick = Some(*deadline_tick);
                r.priority = Some(*priority);
                "arrival"
            }
            EventKind::Released { tx, sender }
            | EventKind::Held { tx, sender }
            | EventKind::Queued { tx, sender } => {
                r.tx = Some(tx.to_string());
                r.sender = name(sender);
                match self.kind {
                    EventKind::Released { .. } => "released",
                    EventKind::Held { .. } => "held",
                    _ => "queued",
                }
            }
            EventKind::Split { tx, sender, parts } => {
                r.tx = Some(tx.to_string());
                r.sender = name(sender);
                r.parts = Some(*parts);
                "split"
            }
            EventKind::Settled {
                tx,
                sender,
                receiver,
                amount,
                mechanism,
            } => {
                r.tx = Some(tx.to_string());
                r.sender = name(sender);
                r.receiver = name(receiver);
                r.amount = Some(*amount);
                r.mechanism = Some(*mechanism);
                "settled"
            }
            EventKind::Dropped { tx, sender, amount }
            | EventKind::Overdue { tx, sender, amount } => {
                r.tx = Some(tx.to_string());
                r.sender = name(sender);
                r.amount = Some(*amount);
                if matches!(self.kind, EventKind::Dropped { .. }) {
                    "dropped"
                } else {
                    "overdue"
                }
            }
            EventKind::EndOfDay {
                day,
                settlements,
                settled_value,
                drops,
                unsettled,
                eod_penalties,
            } => {
                r.day = Some(*day);
                r.settlements = Some(*settlements);
                r.settled_value = Some(*settled_value);
                r.drops = Some(*drops);
                r.unsettled = Some(*unsettled);
                r.eod_penalties = Some(*eod_penalties);
                "end_of_day"
            }
            EventKind::OutageStarted {
                agent,
                to_tick,
                block_receiving,
            } => {
                r.agent = name(agent);
                r.to_tick = Some(*to_tick);
                r.block_receiving = Some(*block_receiving);
                "outage_started"
            }
            EventKind::OutageEnded { agent } => {
                r.agent = name(agent);
                "outage_ended"
            }
            EventKind::Liquidity {
                agent,
                amount,
                requested,
            } => {
                r.agent = name(agent);
                r.amount = Some(*amount);
                r.requested = Some(*requested);
                "liquidity"
            }
            EventKind::CreditLimit {
                agent,
                credit_limit,
                requested,
            } => {
                r.agent = name(agent);
                r.credit_limit = Some(*credit_limit);
                r.requested = Some(*requested);
                "credit_limit"
            }
            EventKind::ArrivalRate { agent, rate } => {
                r.agent = name(agent);
                r.rate = Some(*rate);
                "arrival_rate"
            }
            EventKind::CounterpartyWeights { agent } => {
                r.agent = name(agent);
                "counterparty_weights"
            }
            EventKind::Lsm {
                bilateral,
                multilateral,
            } => {
                r.bilateral = Some(*bilateral);
                r.multilateral = Some(*multilateral);
                "lsm"
            }
        };
        r.kind = kind.to_string();
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_filter_and_numbering_stays_contiguous() {
        let tx = TxId { seq: 1, part: 0 };
        let mut log = EventLog::new(EventRecording::Settlements);
        log.record(0, EventKind::Queued { tx, sender: 0 });
        log.record(
            0,
            EventKind::Dropped {
                tx,
                sender: 0,
                amount: 3,
            },
        );
        log.record(1, EventKind::Released { tx, sender: 0 });
        log.record(
            1,
            EventKind::Overdue {
                tx,
                sender: 0,
                amount: 3,
            },
        );
        assert_eq!(
            log.events.iter().map(|e| e.seq).collect::<Vec<_>>(),
            vec![1, 2]
        );
        assert_eq!(log.since(1).len(), 1);
        assert_eq!(log.since(99).len(), 0);
        let mut off = EventLog::new(EventRecording::Off);
        off.record(
            0,
            EventKind::Dropped {
                tx,
                sender: 0,
                amount: 3,
            },
        );
        assert_eq!(off.last_seq(), 0);
    }

    #[test]
    fn discarded_events_keep_the_numbering() {
        let tx = TxId { seq: 1, part: 0 };
        let mut log = EventLog::new(EventRecording::Full);
        for t in 0..5 {
            log.record(t, EventKind::Queued { tx, sender: 0 });
        }
        assert_eq!(log.discard_through(2), 2);
        assert_eq!(log.discard_through(1), 0);
        assert_eq!((log.discarded, log.events.len(), log.last_seq()), (2, 3, 5));
        assert_eq!(log.since(0)[0].seq, 3);
        assert_eq!(log.since(3)[0].seq, 4);
        assert!(log.since(5).is_empty());
        log.record(5, EventKind::Queued { tx, sender: 0 });
        assert_eq!(log.since(0).last().map(|e| e.seq), Some(6));
        assert_eq!(log.discard_through(u64::MAX), 4);
        assert_eq!((log.discarded, log.events.len(), log.last_seq()), (6, 0, 6));
        log.record(6, EventKind::Queued { tx, sender: 0 });
        assert_eq!(log.since(0)[0].seq, 7);
    }

    #[test]
    fn records_render_names_and_ids() {
        let e = Event {
            seq: 4,
            tick: 2,
            kind: EventKind::Settled {
                tx: TxId { seq: 3, part: 1 },
                sender: 1,
                receiver: 0,
                amount: 10,
                mechanism: Mechanism::Bilateral,
            },
        };
        let json = serde_json::to_string(&e.record(&["A".into(), "B".into()])).unwrap();
        assert_eq!(
            json,
            r#"{"seq":4,"tick":2,"type":"settled","tx":"T3.1","sender":"B","receiver":"A","amount":10,"mechanism":"bilateral"}"#
        );
    }
}
