//! The simulation ⇄ current snapshot document conversion, and the checks that make a restore
//! all-or-nothing. This is the only snapshot code that knows the simulation's fields; the
//! values inside (transactions, events, totals) are converted in `parts`.

use super::corrupt;
use super::parts::{event_from_doc, event_to_doc, totals_from_doc, totals_to_doc};
use super::parts::{tx_from_doc, tx_to_doc};
use super::v3::{self as doc, Snapshot};
use crate::engine::{Simulation, MAX_COUNTER};
use crate::error::SimError;
use crate::events::Event;
use crate::settlement::queue2::{Q2Key, Queued};
use crate::transaction::{Location, Transaction};

impl Simulation {
    /// Capture the whole state.
    pub fn snapshot(&self) -> Snapshot {
        let live = |slot: &u32| self.txs.get(*slot).map(tx_to_doc);
        let mut queue2 = Vec::with_capacity(self.queue2.len());
        for s in 0..self.ids.len() as u32 {
            queue2.extend(
                self.queue2
                    .sender_queue(s)
                    .values()
                    .filter_map(|e| live(&e.slot)),
            );
        }
        Snapshot {
            schema_version: doc::VERSION,
            provenance: self.provenance(),
            config: self.config.clone(),
            tick: self.tick,
            next_tx_seq: self.next_tx_seq,
            next_queue2_entry: self.queue2.next_entry,
            balances: self.ledger.balances().to_vec(),
            arrival_stream_positions: self
                .arrivals
                .iter()
                .map(|a| a.as_ref().map(|s| s.word_pos().to_string()))
                .collect(),
            queue1: self
                .queue1
                .iter()
                .map(|q| q.iter().filter_map(live).collect())
                .collect(),
            pending_manual: self.pending_manual.iter().filter_map(live).collect(),
            queue2,
            totals: totals_to_doc(&self.totals),
            events_discarded: self.events.discarded,
            events: self.events.events.iter().map(event_to_doc).collect(),
        }
    }

    /// Rebuild a simulation from a snapshot; it continues exactly as the original would, under
    /// the semantics the snapshot was written under.
    pub fn restore(snapshot: Snapshot) -> Result<Self, SimError> {
        if snapshot.schema_version != doc::VERSION {
            return Err(corrupt(format!(
                "schema_version {} is not supported here (expected {}; older versions are migrated by restore_json)",
                snapshot.schema_version,
                doc::VERSION
            )));
        }
        let semantics = snapshot.provenance.semantics;
        semantics
            .check_supported()
            .map_err(|e| corrupt(format!("provenance.{e}")))?;
        let mut sim = Simulation::new(snapshot.config)?;
        sim.lineage.semantics = semantics;
        let totals = totals_from_doc(snapshot.totals);
        let n = sim.ids.len();
        if snapshot.balances.len() != n
            || snapshot.queue1.len() != n
            || snapshot.arrival_stream_positions.len() != n
            || totals.agents.len() != n
        {
            return Err(corrupt(format!("per-agent lists must have {n} entries")));
        }
        // Counters grow by one per transaction, entry or tick; one near the top of u64 can only
        // come from a damaged document, and would overflow as the simulation continues.
        let counters = [
            snapshot.next_tx_seq,
            snapshot.next_queue2_entry,
            snapshot.events_discarded,
        ];
        if let Some(c) = counters
            .into_iter()
            .chain(totals.counters())
            .find(|&c| c > MAX_COUNTER)
        {
            return Err(corrupt(format!(
                "counter {c} is out of range (at most {MAX_COUNTER})"
            )));
        }
        if snapshot.tick > sim.horizon {
            return Err(corrupt(format!(
                "tick {} is past the horizon {}",
                snapshot.tick, sim.horizon
            )));
        }
        let opening: i128 = sim.ledger.balances().iter().map(|&b| b as i128).sum();
        let now: i128 = snapshot.balances.iter().map(|&b| b as i128).sum();
        if opening != now {
            return Err(corrupt(format!(
                "balances sum to {now}, not to the opening total {opening}"
            )));
        }
        for (i, (&b, &c)) in snapshot
            .balances
            .iter()
            .zip(sim.ledger.credit_limits())
            .enumerate()
        {
            if (b as i128) < -(c as i128) {
                return Err(corrupt(format!(
                    "balance {b} of {:?} is below its credit limit",
                    sim.ids[i]
                )));
            }
        }
        for (pos, stream) in snapshot
            .arrival_stream_positions
            .iter()
            .zip(sim.arrivals.iter_mut())
        {
            match (pos, stream) {
                (None, None) => {}
                (Some(p), Some(s)) => s.set_word_pos(p.parse::<u128>().map_err(|_| {
                    corrupt(format!("arrival stream position {p:?} is not a number"))
                })?),
                _ => {
                    return Err(corrupt(
                        "arrival stream positions do not match the configuration",
                    ))
                }
            }
        }
        sim.tick = snapshot.tick;
        sim.next_tx_seq = snapshot.next_tx_seq;
        sim.ledger.restore_balances(snapshot.balances);
        sim.totals = totals;
        sim.events.discarded = snapshot.events_discarded;
        sim.events.events = snapshot.events.into_iter().map(event_from_doc).collect();
        let first = snapshot.events_discarded;
        if sim
            .events
            .events
            .iter()
            .enumerate()
            .any(|(i, e)| e.seq != first + i as u64 + 1)
        {
            return Err(corrupt(
                "event sequence numbers must run events_discarded + 1, + 2, + 3, …",
            ));
        }
        let names_unknown_agent =
            |e: &Event| e.kind.agents().iter().flatten().any(|&a| a as usize >= n);
        if let Some(e) = sim.events.events.iter().find(|e| names_unknown_agent(e)) {
            return Err(corrupt(format!(
                "event {} names an agent index out of range",
                e.seq
            )));
        }
        for (a, queue) in snapshot.queue1.into_iter().enumerate() {
            for tx in queue {
                let tx = tx_from_doc(tx);
                check(&tx, n, snapshot.next_tx_seq, Some(a))?;
                let slot = sim.place(tx);
                sim.queue1[a].push_back(slot);
            }
        }
        for tx in snapshot.pending_manual {
            let tx = tx_from_doc(tx);
            check(&tx, n, snapshot.next_tx_seq, None)?;
            if tx.location != Location::Queue1 {
                return Err(corrupt(format!(
                    "pending transaction {} is not marked as in Queue 1",
                    tx.id
                )));
            }
            let slot = sim.place(tx);
            sim.pending_manual.push(slot);
        }
        let mut entries_seen = std::collections::BTreeSet::new();
        for tx in snapshot.queue2 {
            let tx = tx_from_doc(tx);
            check(&tx, n, snapshot.next_tx_seq, None)?;
            let Location::Queue2 { entry } = tx.location else {
                return Err(corrupt(format!(
                    "transaction {} in queue2 is not marked as queued",
                    tx.id
                )));
            };
            if entry >= snapshot.next_queue2_entry {
                return Err(corrupt(format!(
                    "queue2 entry {entry} is not below next_queue2_entry"
                )));
            }
            let (sender, receiver, amount, priority) =
                (tx.sender, tx.receiver, tx.amount, tx.priority);
            let key = Q2Key::new(priority, entry);
            if !entries_seen.insert(entry) {
                return Err(corrupt(format!("queue2 entry {entry} appears twice")));
            }
            let slot = sim.place(tx);
            sim.queue2.insert_with_entry(
                sender,
                Queued {
                    key,
                    slot,
                    receiver,
                    amount,
                },
            );
        }
        sim.queue2.next_entry = sim.queue2.next_entry.max(snapshot.next_queue2_entry);
        sim.invalidate_all();
        Ok(sim)
    }

    /// Store a restored transaction and index its deadline; counts it in Queue 1 if it is there.
    fn place(&mut self, tx: Transaction) -> u32 {
        let (id, deadline, overdue, sender, location) =
            (tx.id, tx.deadline_tick, tx.overdue, tx.sender, tx.location);
        let slot = self.txs.insert(tx);
        if !overdue {
            self.deadlines.push(deadline, id, slot);
        }
        if location == Location::Queue1 {
            self.queue1_count[sender as usize] += 1;
            self.queue1_total += 1;
        }
        slot
    }
}

fn check(
    tx: &Transaction,
    agents: usize,
    next_tx_seq: u64,
    queue1_of: Option<usize>,
) -> Result<(), SimError> {
    let bad = |what: &str| Err(corrupt(format!("transaction {}: {what}", tx.id)));
    if tx.id.seq == 0 || tx.id.seq >= next_tx_seq {
        return bad("id is not below next_tx_seq");
    }
    if tx.sender as usize >= agents || tx.receiver as usize >= agents || tx.sender == tx.receiver {
        return bad("sender/receiver out of range");
    }
    if tx.amount <= 0 {
        return bad("amount must be positive");
    }
    if tx.priority as i64 > crate::config::MAX_PRIORITY {
        return bad("priority above 10");
    }
    if let Some(a) = queue1_of {
        if tx.sender as usize != a || tx.location != Location::Queue1 {
            return bad("listed in the wrong Queue 1");
        }
    }
    Ok(())
}
