//! Snapshots: the whole state of a simulation as one JSON document, and the restore that
//! continues bit-for-bit (random streams included).

use serde::{Deserialize, Serialize};

use crate::engine::Simulation;
use crate::error::SimError;
use crate::events::Event;
use crate::settlement::queue2::{Q2Key, Queued};
use crate::stats::Totals;
use crate::transaction::{Location, Transaction};
use crate::SimulationConfig;

/// Version of the snapshot document; bumped on any incompatible change.
pub const SNAPSHOT_SCHEMA_VERSION: u32 = 1;

/// A complete, self-contained simulation state.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Snapshot {
    /// Always [`SNAPSHOT_SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The configuration the simulation was built from.
    pub config: SimulationConfig,
    tick: u64,
    next_tx_seq: u64,
    next_queue2_entry: u64,
    balances: Vec<i64>,
    /// Word position of each agent's arrival stream (decimal; null for agents without arrivals).
    arrival_stream_positions: Vec<Option<String>>,
    queue1: Vec<Vec<Transaction>>,
    pending_manual: Vec<Transaction>,
    queue2: Vec<Transaction>,
    totals: Totals,
    events: Vec<Event>,
}

fn corrupt(msg: impl Into<String>) -> SimError {
    SimError::InvalidConfig(vec![format!("snapshot: {}", msg.into())])
}

impl Simulation {
    /// Capture the whole state.
    pub fn snapshot(&self) -> Snapshot {
        let live = |slot: &u32| self.txs.get(*slot).cloned();
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
            schema_version: SNAPSHOT_SCHEMA_VERSION,
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
            totals: self.totals.clone(),
            events: self.events.events.clone(),
        }
    }

    /// The snapshot as a JSON document.
    pub fn snapshot_json(&self) -> String {
        serde_json::to_string(&self.snapshot()).unwrap_or_default()
    }

    /// Rebuild a simulation from a snapshot; it continues exactly as the original would.
    pub fn restore(snapshot: Snapshot) -> Result<Self, SimError> {
        if snapshot.schema_version != SNAPSHOT_SCHEMA_VERSION {
            return Err(corrupt(format!(
                "schema_version {} is not supported (expected {SNAPSHOT_SCHEMA_VERSION})",
                snapshot.schema_version
            )));
        }
        let mut sim = Simulation::new(snapshot.config)?;
        let n = sim.ids.len();
        if snapshot.balances.len() != n
            || snapshot.queue1.len() != n
            || snapshot.arrival_stream_positions.len() != n
            || snapshot.totals.agents.len() != n
        {
            return Err(corrupt(format!("per-agent lists must have {n} entries")));
        }
        // Counters grow by one per transaction, entry or tick; one near the top of u64 can only
        // come from a damaged document, and would overflow as the simulation continues.
        let counters = [snapshot.next_tx_seq, snapshot.next_queue2_entry];
        if let Some(c) = counters
            .into_iter()
            .chain(snapshot.totals.counters())
            .find(|&c| c > MAX_RESTORED_COUNTER)
        {
            return Err(corrupt(format!(
                "counter {c} is out of range (at most {MAX_RESTORED_COUNTER})"
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
        sim.totals = snapshot.totals;
        sim.events.events = snapshot.events;
        if sim
            .events
            .events
            .iter()
            .enumerate()
            .any(|(i, e)| e.seq != i as u64 + 1)
        {
            return Err(corrupt("event sequence numbers must run 1, 2, 3, …"));
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
                check(&tx, n, snapshot.next_tx_seq, Some(a))?;
                let slot = sim.place(tx);
                sim.queue1[a].push_back(slot);
            }
        }
        for tx in snapshot.pending_manual {
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

    /// Parse a snapshot document and restore it.
    pub fn restore_json(text: &str) -> Result<Self, SimError> {
        let snapshot: Snapshot = crate::error::parse_json(text, "snapshot", corrupt)?;
        Simulation::restore(snapshot)
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

/// Largest counter (sequence numbers, statistics counts) a restored snapshot may carry.
const MAX_RESTORED_COUNTER: u64 = 1 << 62;

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

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot_json() -> String {
        let mut sim = Simulation::from_json(
            r#"{"ticks_per_day": 10, "num_days": 1, "rng_seed": 1, "agent_configs": [
              {"id": "A", "opening_balance": 5, "policy": {"type": "Fifo"}},
              {"id": "B", "opening_balance": 0, "policy": {"type": "Fifo"}}]}"#,
        )
        .unwrap();
        let sub = crate::Submission {
            sender: "A".into(),
            receiver: "B".into(),
            amount: 9,
            deadline_offset: 5,
            priority: 5,
        };
        sim.submit(&sub).unwrap();
        sim.tick().unwrap();
        sim.snapshot_json()
    }

    #[test]
    fn unknown_fields_anywhere_in_a_snapshot_are_rejected() {
        let good = snapshot_json();
        assert!(Simulation::restore_json(&good).is_ok());
        for (anchor, what) in [
            ("\"amount\":9", "queue2 transaction"),
            ("\"ticks_run\":", "totals"),
            ("\"sent_count\":", "agent totals"),
            ("\"seq\":1,", "event"),
            ("\"part\":0", "transaction id"),
        ] {
            assert!(good.contains(anchor), "{anchor} not in {good}");
            let bad = good.replacen(anchor, &format!("\"colour\":1,{anchor}"), 1);
            let err = Simulation::restore_json(&bad).unwrap_err().to_string();
            assert!(err.contains("colour"), "{what}: {err}");
        }
    }
}
