//! The consistency checks of a restore: a snapshot is accepted only if it is a state the engine
//! could have reached, as far as that can be checked in time linear in the document. Each rule
//! is one error naming its place in the document (`snapshot.<field>…`) and what is wrong; the
//! first broken rule is reported. The events are checked against the state in `check_events`.
//!
//! The rules, in the order they are checked (docs/json.md § Snapshot lists them for users):
//! per-agent list lengths; counters within [`MAX_COUNTER`]; the clock; balances; stream
//! positions; every transaction on its own (ids, agents, amount, priority, ticks, marks, its
//! place); every transaction in exactly one place, split parts consistent with their order,
//! Queue 2 in retry order with unique entry numbers; the running totals against the state;
//! the events against the state.

use std::collections::{BTreeMap, HashMap};

use crate::config::{DeadlineMode, MAX_PRIORITY, MAX_SPLIT_PARTS};
use crate::engine::{Simulation, MAX_COUNTER};
use crate::error::{Problem, SimError};
use crate::events::Event;
use crate::settlement::queue2::Q2Key;
use crate::stats::Totals;
use crate::transaction::{Location, Transaction, TxId};

/// A snapshot's contents in the engine's types, checked before any of it is installed.
pub(super) struct Restored {
    pub tick: u64,
    pub next_tx_seq: u64,
    pub next_queue2_entry: u64,
    pub balances: Vec<i64>,
    pub positions: Vec<Option<String>>,
    pub queue1: Vec<Vec<Transaction>>,
    pub pending: Vec<Transaction>,
    pub queue2: Vec<Transaction>,
    pub totals: Totals,
    pub events_discarded: u64,
    pub events: Vec<Event>,
}

/// A problem at `snapshot.<path>`: `snapshot: <path>: <what>`.
pub(super) fn bad(path: impl Into<String>, what: impl Into<String>) -> SimError {
    let path = path.into();
    let message = format!("snapshot: {path}: {}", what.into());
    SimError::config(Problem::new(format!("snapshot.{path}"), message))
}

/// Where a live transaction is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Place {
    Queue1(usize, usize),
    Pending(usize),
    Queue2(usize),
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Place::Queue1(a, i) => write!(f, "queue1[{a}][{i}]"),
            Place::Pending(i) => write!(f, "pending_manual[{i}]"),
            Place::Queue2(i) => write!(f, "queue2[{i}]"),
        }
    }
}

/// Every live transaction by id, with its place.
pub(super) type Live<'a> = HashMap<TxId, (Place, &'a Transaction)>;

impl Restored {
    /// Every live transaction with its place, in document order.
    pub(super) fn all(&self) -> impl Iterator<Item = (Place, &Transaction)> {
        let q1 = self.queue1.iter().enumerate().flat_map(|(a, q)| {
            q.iter()
                .enumerate()
                .map(move |(i, tx)| (Place::Queue1(a, i), tx))
        });
        let pending = self
            .pending
            .iter()
            .enumerate()
            .map(|(i, tx)| (Place::Pending(i), tx));
        let q2 = self
            .queue2
            .iter()
            .enumerate()
            .map(|(i, tx)| (Place::Queue2(i), tx));
        q1.chain(pending).chain(q2)
    }

    /// Check every rule; the first broken one is the error.
    pub fn check(&self, sim: &Simulation) -> Result<(), SimError> {
        self.lengths(sim)?;
        self.counters(sim)?;
        self.balances_hold(sim)?;
        for (place, tx) in self.all() {
            self.transaction(sim, place, tx)?;
        }
        let live = self.one_place_each(sim)?;
        self.totals_agree(sim)?;
        self.events_agree(sim, &live)
    }

    fn lengths(&self, sim: &Simulation) -> Result<(), SimError> {
        let n = sim.ids.len();
        for (field, len) in [
            ("balances", self.balances.len()),
            ("queue1", self.queue1.len()),
            ("arrival_stream_positions", self.positions.len()),
            ("totals.agents", self.totals.agents.len()),
        ] {
            if len != n {
                return Err(bad(
                    field,
                    format!("has {len} entries; per-agent lists must have {n} entries"),
                ));
            }
        }
        Ok(())
    }

    fn counters(&self, sim: &Simulation) -> Result<(), SimError> {
        let last_seq = self
            .events_discarded
            .saturating_add(self.events.len() as u64);
        let t = &self.totals;
        let m = &t.by_mechanism;
        let named = [
            ("tick", self.tick),
            ("next_tx_seq", self.next_tx_seq),
            ("next_queue2_entry", self.next_queue2_entry),
            ("events_discarded", self.events_discarded),
            ("events", last_seq),
            ("totals.ticks_run", t.ticks_run),
            ("totals.arrivals", t.arrivals),
            ("totals.extra_parts", t.extra_parts),
            ("totals.settlements", t.settlements),
            ("totals.by_mechanism.rtgs", m.rtgs),
            ("totals.by_mechanism.queue", m.queue),
            ("totals.by_mechanism.bilateral", m.bilateral),
            ("totals.by_mechanism.multilateral", m.multilateral),
            ("totals.drops", t.drops),
            ("totals.overdue", t.overdue),
            ("totals.splits", t.splits),
            ("totals.delay_max", t.delay_max),
            ("totals.peak_queue1", t.peak_queue1),
            ("totals.peak_queue2", t.peak_queue2),
            ("totals.day_settlements", t.day_settlements),
            ("totals.day_drops", t.day_drops),
        ];
        let agents = t
            .agents
            .iter()
            .enumerate()
            .map(|(i, a)| (format!("totals.agents[{i}].sent_count"), a.sent_count));
        for (path, value) in named
            .into_iter()
            .map(|(p, v)| (p.to_string(), v))
            .chain(agents)
        {
            if value > MAX_COUNTER {
                return Err(bad(
                    path,
                    format!("counter {value} is out of range (at most {MAX_COUNTER})"),
                ));
            }
        }
        if self.tick > sim.horizon {
            return Err(bad(
                "tick",
                format!("tick {} is past the horizon {}", self.tick, sim.horizon),
            ));
        }
        if t.ticks_run != self.tick {
            return Err(bad(
                "totals.ticks_run",
                format!("{} ticks run, but the tick is {}", t.ticks_run, self.tick),
            ));
        }
        if self.next_tx_seq == 0 || self.next_queue2_entry == 0 {
            return Err(bad(
                "next_tx_seq",
                "transaction and Queue 2 entry numbers start at 1",
            ));
        }
        Ok(())
    }

    fn balances_hold(&self, sim: &Simulation) -> Result<(), SimError> {
        // Conservation: Σ balances = Σ opening + Σ net external flows (scheduled `liquidity`).
        let opening: i128 = sim.ledger.balances().iter().map(|&b| b as i128).sum();
        let external: i128 = sim.schedule.active.external_net;
        let now: i128 = self.balances.iter().map(|&b| b as i128).sum();
        if opening + external != now {
            let total = opening + external;
            return Err(bad(
                "balances",
                if external == 0 {
                    format!("balances sum to {now}, not to the opening total {opening}")
                } else {
                    format!("balances sum to {now}, not to the opening total {opening} plus the external flows {external} ({total})")
                },
            ));
        }
        let credit = sim.ledger.credit_limits();
        for (i, &b) in self.balances.iter().enumerate() {
            if (b as i128) < -(credit[i] as i128) {
                return Err(bad(
                    format!("balances[{i}]"),
                    format!("balance {b} of {:?} is below its credit limit", sim.ids[i]),
                ));
            }
            let peak = self.totals.agents[i].peak_overdraft;
            // A lowered credit line can leave an earlier, deeper overdraft above it.
            let lowered = sim.schedule.active.credit_changed;
            if peak < 0 || (peak > credit[i] && !lowered) || (b < 0 && peak < -b) {
                return Err(bad(
                    format!("totals.agents[{i}].peak_overdraft"),
                    format!(
                        "deepest overdraft {peak} of {:?} does not fit its balance {b} and credit limit {}",
                        sim.ids[i], credit[i]
                    ),
                ));
            }
        }
        Ok(())
    }

    /// One transaction on its own, at its place.
    fn transaction(
        &self,
        sim: &Simulation,
        place: Place,
        tx: &Transaction,
    ) -> Result<(), SimError> {
        let fail = |what: String| {
            Err(bad(
                place.to_string(),
                format!("transaction {}: {what}", tx.id),
            ))
        };
        let n = sim.ids.len();
        if tx.id.seq == 0 || tx.id.seq >= self.next_tx_seq {
            return fail(format!("id is not below next_tx_seq {}", self.next_tx_seq));
        }
        if tx.sender as usize >= n || tx.receiver as usize >= n || tx.sender == tx.receiver {
            return fail("sender/receiver out of range".into());
        }
        if tx.amount <= 0 {
            return fail("amount must be positive".into());
        }
        if tx.priority as i64 > MAX_PRIORITY {
            return fail(format!("priority above {MAX_PRIORITY}"));
        }
        if tx.deadline_tick <= tx.arrival_tick {
            return fail("deadline is not after its arrival".into());
        }
        let pending = matches!(place, Place::Pending(_));
        // A pending submission was made at the current tick; everything else arrived before.
        if pending != (tx.arrival_tick == self.tick) || tx.arrival_tick > self.tick {
            return fail(format!(
                "arrival tick {} does not fit its place at tick {}",
                tx.arrival_tick, self.tick
            ));
        }
        let drop = sim.config.deadline_mode == DeadlineMode::Drop;
        let past = tx.deadline_tick < self.tick;
        if (drop && past) || tx.overdue != (past && !drop) {
            return fail(format!(
                "deadline tick {} and overdue mark {} do not fit tick {} in {} mode",
                tx.deadline_tick,
                tx.overdue,
                self.tick,
                if drop { "drop" } else { "overdue" }
            ));
        }
        match place {
            Place::Queue1(a, _) if tx.sender as usize != a || tx.location != Location::Queue1 => {
                fail("listed in the wrong Queue 1".into())
            }
            Place::Pending(_) if tx.location != Location::Queue1 => {
                fail("pending but not marked as in Queue 1".into())
            }
            Place::Pending(_) if tx.hold_recorded => fail("pending but already held".into()),
            Place::Queue2(_) => match tx.location {
                Location::Queue2 { entry } if entry == 0 || entry >= self.next_queue2_entry => {
                    fail(format!(
                        "queue2 entry {entry} is 0 or not below next_queue2_entry {}",
                        self.next_queue2_entry
                    ))
                }
                Location::Queue2 { .. } => self.part(sim, tx).map_or_else(fail, Ok),
                Location::Queue1 => fail("in queue2 but not marked as queued".into()),
            },
            _ if tx.id.part != 0 => fail("a split part can only wait in Queue 2".into()),
            _ => Ok(()),
        }
    }

    /// A part of a split order: its sender splits, into at most `max_parts` parts, and was
    /// never held as a part.
    fn part(&self, sim: &Simulation, tx: &Transaction) -> Result<(), String> {
        if tx.id.part == 0 {
            return Ok(());
        }
        let policy = &sim.config.agent_configs[tx.sender as usize].policy;
        // Its `split` rule or a tree's split leaf (0: the policy never splits).
        let most = policy.most_parts().min(MAX_SPLIT_PARTS);
        if most < 2 || i64::from(tx.id.part) > most {
            return Err("a part its sender's policy cannot make".into());
        }
        if tx.hold_recorded {
            return Err("a split part is never held".into());
        }
        Ok(())
    }

    /// Every transaction in exactly one place; an order and its parts never both alive, and
    /// parts agree with each other; Queue 2 in retry order (by sender, then priority high to
    /// low, then entry number) with unique entries; Queue 1 in arrival order; pending
    /// submissions in id order, after every other order.
    fn one_place_each(&self, sim: &Simulation) -> Result<Live<'_>, SimError> {
        let mut live: Live<'_> = HashMap::with_capacity(self.queue2.len() + self.pending.len());
        let mut orders: BTreeMap<u64, (Place, &Transaction)> = BTreeMap::new();
        for (place, tx) in self.all() {
            if let Some((first, _)) = live.insert(tx.id, (place, tx)) {
                return Err(bad(
                    place.to_string(),
                    format!(
                        "transaction {} is also at {first}: a transaction is in exactly one place",
                        tx.id
                    ),
                ));
            }
            match orders.get(&tx.id.seq) {
                None => {
                    orders.insert(tx.id.seq, (place, tx));
                }
                Some((other, o)) if o.id.part == 0 || tx.id.part == 0 => {
                    return Err(bad(
                        place.to_string(),
                        format!(
                            "{} and {} at {other} are both alive, but a split order leaves when its parts enter",
                            tx.id, o.id
                        ),
                    ));
                }
                Some((other, o)) => {
                    let key = |t: &Transaction| {
                        (
                            t.sender,
                            t.receiver,
                            t.arrival_tick,
                            t.deadline_tick,
                            t.priority,
                        )
                    };
                    if key(o) != key(tx) {
                        return Err(bad(
                            place.to_string(),
                            format!("part {} differs from {} at {other} in sender, receiver, arrival, deadline or priority", tx.id, o.id),
                        ));
                    }
                }
            }
        }
        let key = |tx: &Transaction| match tx.location {
            Location::Queue2 { entry } => (tx.sender, sim.queue_key(tx.priority, entry)),
            Location::Queue1 => (tx.sender, Q2Key::new(0, 0)),
        };
        let mut entries = std::collections::HashSet::with_capacity(self.queue2.len());
        for (i, tx) in self.queue2.iter().enumerate() {
            if let Location::Queue2 { entry } = tx.location {
                if !entries.insert(entry) {
                    return Err(bad(
                        format!("queue2[{i}]"),
                        format!("queue2 entry {entry} appears twice"),
                    ));
                }
            }
        }
        for (i, pair) in self.queue2.windows(2).enumerate() {
            if key(&pair[0]) >= key(&pair[1]) {
                return Err(bad(
                    format!("queue2[{}]", i + 1),
                    "queue2 is not in retry order (by sender, then priority high to low, then entry number)",
                ));
            }
        }
        // Queue 1 is not checked for arrival order: a timed payment joins it at its from-time,
        // behind orders that arrived after it and are still held (a holding policy, an
        // outage), and once that from-time has passed a snapshot no longer holds it.
        let before_pending = self
            .queue1
            .iter()
            .flatten()
            .chain(&self.queue2)
            .map(|tx| tx.id.seq)
            .max()
            .unwrap_or(0);
        let mut previous = before_pending;
        for (i, tx) in self.pending.iter().enumerate() {
            if tx.id.seq <= previous {
                return Err(bad(
                    format!("pending_manual[{i}]"),
                    format!(
                        "pending submission {} is not numbered after every earlier order",
                        tx.id
                    ),
                ));
            }
            previous = tx.id.seq;
        }
        Ok(live)
    }
}
