//! The simulation ⇄ current snapshot document conversion, and the checks that make a restore
//! all-or-nothing. This is the only snapshot code that knows the simulation's fields; the
//! values inside (transactions, events, totals) are converted in `parts`.

use super::check::{bad, Restored};
use super::corrupt;
use super::parts::{event_from_doc, event_to_doc, totals_from_doc, totals_to_doc};
use super::parts::{tx_from_doc, tx_to_doc};
use super::v6::{self as doc, LsmTotals, Snapshot};
use crate::engine::Simulation;
use crate::error::SimError;
use crate::settlement::queue2::Queued;
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
            queue1: self.queue1_to_doc(),
            pending_manual: self.pending_manual.iter().filter_map(live).collect(),
            queue2,
            totals: totals_to_doc(&self.totals),
            events_discarded: self.events.discarded,
            events: self.events.events.iter().map(event_to_doc).collect(),
            // Without its forgotten days the state would not continue the whole-run figures:
            // such a simulation's snapshot has no indicators (they begin at its tick).
            indicators: (!self.indicators.forgets_days).then(|| Box::new(self.indicators.clone())),
            timeseries: self.timeseries.clone().map(Box::new),
            lsm: LsmTotals {
                runs: self.totals.lsm_runs,
                offsets: self.totals.lsm_offsets,
                exact_budget_exhausted: self.totals.lsm_budget_exhausted,
            },
            schedule: self.schedule_to_doc(),
            rules: self.rules.as_deref().map(|r| r.to_doc(&self.ids)),
            timed: self.timed_to_doc(),
            payments: self.fed.clone(),
            policy_memory: (self.policy_state).to_doc(&self.ids, self.tick, self.ticks_per_day),
            reservations: self.reservations_to_doc(),
            limits: self.limits_to_doc(),
        }
    }

    /// Each agent's Queue 1: the visible queue, then its payments waiting for their from-time.
    fn queue1_to_doc(&self) -> Vec<Vec<doc::Transaction>> {
        let live = |slot: &u32| self.txs.get(*slot).map(tx_to_doc);
        let mut out: Vec<Vec<doc::Transaction>> = (self.queue1.iter())
            .map(|q| q.iter().filter_map(live).collect())
            .collect();
        for (_, slot) in self.timed_slots() {
            if let Some(tx) = self.txs.get(slot) {
                out[tx.sender as usize].push(tx_to_doc(tx));
            }
        }
        out
    }

    /// Rebuild a simulation from a snapshot; it continues exactly as the original would, under
    /// the semantics the snapshot was written under. Every consistency rule (`check`) is
    /// checked before anything is installed; the first broken one is the error.
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
        let Snapshot {
            config,
            tick,
            next_tx_seq,
            next_queue2_entry,
            balances,
            arrival_stream_positions,
            queue1,
            pending_manual,
            queue2,
            totals,
            events_discarded,
            events,
            indicators,
            timeseries,
            lsm,
            schedule,
            rules,
            timed,
            payments,
            policy_memory,
            reservations,
            limits,
            ..
        } = snapshot;
        // Built without its scenario events (the snapshot's schedule says what is left of
        // them), but checked with them.
        config.validate()?;
        let mut bare = config;
        let scenario_events = std::mem::take(&mut bare.scenario_events);
        let mut sim = Simulation::new(bare)?;
        sim.config.scenario_events = scenario_events;
        if let Some(schedule) = schedule {
            sim.schedule_from_doc(tick, schedule)?;
        }
        sim.lineage.semantics = semantics;
        let restored = Restored {
            tick,
            next_tx_seq,
            next_queue2_entry,
            balances,
            positions: arrival_stream_positions,
            queue1: queue1
                .into_iter()
                .map(|q| q.into_iter().map(tx_from_doc).collect())
                .collect(),
            pending: pending_manual.into_iter().map(tx_from_doc).collect(),
            queue2: queue2.into_iter().map(tx_from_doc).collect(),
            totals: crate::stats::Totals {
                lsm_runs: lsm.runs,
                lsm_offsets: lsm.offsets,
                lsm_budget_exhausted: lsm.exact_budget_exhausted,
                ..totals_from_doc(totals)
            },
            events_discarded,
            events: events.into_iter().map(event_from_doc).collect(),
        };
        let mut restored = restored;
        timed_from_doc(&mut restored, &timed)?;
        restored.check(&sim)?;
        if let Some(memory) = policy_memory {
            let (index, tpd) = (&sim.index, sim.ticks_per_day);
            (sim.policy_state.install(memory, index, tick, tpd)).map_err(corrupt)?;
        }
        sim.install_rules(rules)?;
        (sim.install_reservations(reservations)).map_err(|(path, message)| bad(path, message))?;
        (sim.install_limits(limits)).map_err(|(path, message)| bad(path, message))?;
        sim.install(restored)?;
        sim.install_indicators(indicators.map(|b| *b), timeseries.map(|b| *b))?;
        if let Some(fed) = payments {
            fed.install_tags(&mut sim)?;
            sim.fed = Some(fed);
        }
        Ok(sim)
    }

    /// Install the rules' state: only what the configuration's rules can hold (checked before
    /// anything else is installed: `install` cannot fail after it).
    fn install_rules(&mut self, state: Option<doc::RulesState>) -> Result<(), SimError> {
        match (state, self.rules.as_deref_mut()) {
            (None, _) => Ok(()),
            (Some(_), None) => Err(bad("rules", "rules state without a rule configured")),
            (Some(s), Some(book)) => book
                .restore(s, &self.index)
                .map_err(|(path, message)| bad(path, message)),
        }
    }

    /// Install a checked snapshot into a fresh simulation of its configuration.
    fn install(&mut self, r: Restored) -> Result<(), SimError> {
        for (i, (pos, stream)) in r.positions.iter().zip(self.arrivals.iter_mut()).enumerate() {
            let path = format!("arrival_stream_positions[{i}]");
            match (pos, stream) {
                (None, None) => {}
                (Some(p), Some(s)) => {
                    // Only the canonical decimal of a position the stream can hold reads back
                    // as itself (ChaCha's counter wraps at 2^68 words).
                    let n = p.parse::<u128>().ok().filter(|n| n.to_string() == *p);
                    let Some(n) = n else {
                        return Err(bad(
                            path,
                            format!("arrival stream position {p:?} is not a number"),
                        ));
                    };
                    s.set_word_pos(n);
                    if s.word_pos() != n {
                        return Err(bad(
                            path,
                            format!("arrival stream position {p} is out of range"),
                        ));
                    }
                }
                _ => {
                    return Err(bad(
                        path,
                        "arrival stream positions do not match the agents with arrivals",
                    ))
                }
            }
        }
        self.tick = r.tick;
        self.next_tx_seq = r.next_tx_seq;
        self.ledger.restore_balances(r.balances);
        self.totals = r.totals;
        self.events.discarded = r.events_discarded;
        self.events.events = r.events;
        for (a, queue) in r.queue1.into_iter().enumerate() {
            for tx in queue {
                let slot = self.place(tx);
                // A payment whose from-time is ahead waits (`crate::rules::timed`).
                if !self.wait_for_from_time(slot, r.tick) {
                    self.queue1[a].push_back(slot);
                }
            }
        }
        for tx in r.pending {
            let slot = self.place(tx);
            self.pending_manual.push(slot);
        }
        for tx in r.queue2 {
            let Location::Queue2 { entry } = tx.location else {
                continue; // checked: every Queue 2 transaction is marked as queued
            };
            let (sender, receiver, amount, priority) =
                (tx.sender, tx.receiver, tx.amount, tx.priority);
            let slot = self.place(tx);
            self.queue2.insert_with_entry(
                sender,
                Queued {
                    key: self.queue_key(priority, entry),
                    slot,
                    receiver,
                    amount,
                },
            );
        }
        self.queue2.next_entry = r.next_queue2_entry;
        self.invalidate_all();
        Ok(())
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

/// Give the payments of the document's `timed` list their from-times: each must be in Queue 1
/// or pending, listed once, with its from-time ahead of the snapshot's tick.
fn timed_from_doc(r: &mut Restored, timed: &[doc::TimedDoc]) -> Result<(), SimError> {
    let tick = r.tick;
    for (i, t) in timed.iter().enumerate() {
        let path = format!("timed[{i}]");
        let id = crate::transaction::TxId {
            seq: t.tx.seq,
            part: t.tx.part,
        };
        if t.from_tick <= tick {
            return Err(bad(
                path,
                format!(
                    "from_tick {} of {id} is not after the snapshot's tick {tick}",
                    t.from_tick
                ),
            ));
        }
        let tx = (r.queue1.iter_mut().flatten())
            .chain(r.pending.iter_mut())
            .find(|tx| tx.id == id)
            .ok_or_else(|| bad(&path, format!("{id} is not in queue1 or pending_manual")))?;
        if tx.from_tick != 0 {
            return Err(bad(path, format!("{id} is listed twice")));
        }
        tx.from_tick = t.from_tick;
    }
    Ok(())
}
