//! Property: every snapshot that restore *accepts* behaves as a valid one, however it was
//! damaged. Valid snapshots of random runs (every deadline mode, recording level, policy and
//! splitting, with manual submissions pending and sometimes events discarded) are mutated
//! structurally — entries duplicated, moved or dropped in Queue 1, the pending submissions,
//! Queue 2 and the events; counters changed; balances swapped; and a few mutations that keep
//! the bookkeeping consistent (a transaction dropped and counted as dropped, the oldest events
//! discarded, an unused Queue 2 entry number skipped, time skipped) — and each mutant is
//! restored. A refusal must be an `InvalidConfig` error (never a panic). An accepted mutant is
//! run to the end of its horizon, checking after every tick:
//!
//! * conservation of money and no balance below −credit_limit;
//! * no transaction settles (or ends) twice, and the settlements replayed on the restored
//!   balances give the balances (levels `full` and `settlements`);
//! * arrived + extra split parts = settled + dropped + Queue 1 + Queue 2, in count and in value,
//!   and the queue sizes agree with the live transactions;
//!
//! and at the end: the mutant is canonical (restoring it and snapshotting gives it back), its
//! snapshots survive snapshot → restore → snapshot byte for byte, runs of it are deterministic,
//! the reference algorithms give the same bytes, and a snapshot taken half-way continues to
//! the same end.
//!
//! Cases: `PROPTEST_CASES` (default 256) random runs × [`MUTANTS`] mutants each.

use std::collections::HashSet;

mod mutation_support;

use mutation_support::{apply, case, mutation, submit_due, valid_snapshot, Case, Mutation};
use payment_sim_core::{SimError, Simulation};
use proptest::prelude::*;
use serde_json::Value;

/// Mutants per random run.
const MUTANTS: usize = 8;

// ----- behaving as a valid snapshot ------------------------------------------------------------

/// What is checked after every tick of an accepted mutant.
struct Watch {
    opening_total: i128,
    credit: Vec<i64>,
    /// Ids that settled, were dropped or split (from the retained events on).
    ended: HashSet<String>,
    /// Balances replayed from the settlements since the restore (None at level `off`).
    replayed: Option<Vec<i64>>,
    seen: u64,
}

fn ended_kind(kind: &str) -> bool {
    matches!(kind, "settled" | "dropped" | "split")
}

impl Watch {
    fn new(sim: &Simulation, doc: &Value) -> Result<Self, String> {
        let state = sim.state();
        let opening: i128 = doc["config"]["agent_configs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["opening_balance"].as_i64().unwrap() as i128)
            .sum();
        let mut ended = HashSet::new();
        for e in sim.events_since(0) {
            if ended_kind(&e.kind) && !ended.insert(e.tx.clone().unwrap()) {
                return Err(format!("restored events end {:?} twice", e.tx));
            }
        }
        let recording = doc["config"]["event_recording"].as_str().unwrap();
        Ok(Watch {
            opening_total: opening,
            credit: state.agents.iter().map(|a| a.credit_limit).collect(),
            ended,
            replayed: (recording != "off")
                .then(|| state.agents.iter().map(|a| a.balance).collect()),
            seen: sim.last_event_seq(),
        })
    }

    fn after_tick(&mut self, sim: &Simulation) -> Result<(), String> {
        let state = sim.state();
        let ids = sim.agent_ids();
        let total: i128 = state.agents.iter().map(|a| a.balance as i128).sum();
        if total != self.opening_total {
            return Err(format!(
                "balances sum to {total}, opening {}",
                self.opening_total
            ));
        }
        for (a, &credit) in state.agents.iter().zip(&self.credit) {
            if a.balance < -credit {
                return Err(format!("{} at {} below −{credit}", a.id, a.balance));
            }
        }
        for e in sim.events_since(self.seen) {
            if e.seq != self.seen + 1 {
                return Err(format!("event {} after {}", e.seq, self.seen));
            }
            self.seen = e.seq;
            if ended_kind(&e.kind) && !self.ended.insert(e.tx.clone().unwrap()) {
                return Err(format!("{:?} {} a second time", e.tx, e.kind));
            }
            if let (Some(r), "settled") = (self.replayed.as_mut(), e.kind.as_str()) {
                let pos =
                    |id: &Option<String>| ids.iter().position(|x| Some(x) == id.as_ref()).unwrap();
                r[pos(&e.sender)] -= e.amount.unwrap();
                r[pos(&e.receiver)] += e.amount.unwrap();
            }
        }
        if let Some(r) = &self.replayed {
            let balances: Vec<i64> = state.agents.iter().map(|a| a.balance).collect();
            if *r != balances {
                return Err(format!(
                    "settlements replay to {r:?}, balances are {balances:?}"
                ));
            }
        }
        // The bookkeeping identities, from the state's own snapshot.
        let doc: Value = serde_json::from_str(&sim.snapshot_json()).unwrap();
        let t = &doc["totals"];
        let u = |v: &Value| v.as_u64().unwrap() as i128;
        let q1: Vec<&Value> = doc["queue1"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|q| q.as_array().unwrap())
            .collect();
        let q2 = doc["queue2"].as_array().unwrap();
        let pending = doc["pending_manual"].as_array().unwrap();
        if u(&t["arrivals"]) + u(&t["extra_parts"])
            != u(&t["settlements"]) + u(&t["drops"]) + q1.len() as i128 + q2.len() as i128
        {
            return Err(format!("counts do not add up: {t}"));
        }
        let value = |v: &Value| v.as_i64().unwrap() as i128;
        let waiting: i128 = q1
            .iter()
            .copied()
            .chain(q2)
            .map(|tx| value(&tx["amount"]))
            .sum();
        if value(&t["arrived_value"]) < i64::MAX as i128
            && value(&t["arrived_value"])
                != value(&t["settled_value"]) + value(&t["dropped_value"]) + waiting
        {
            return Err(format!("values do not add up: {t}"));
        }
        let live = (q1.len() + q2.len() + pending.len()) as u64;
        let queued: u64 = state
            .agents
            .iter()
            .map(|a| a.queue1_size + a.queue2_size)
            .sum();
        if sim.live_transactions() != live || queued != live || state.queue2_size != q2.len() as u64
        {
            return Err(format!(
                "{} live, {live} in the snapshot, {queued} in the state",
                sim.live_transactions()
            ));
        }
        Ok(())
    }
}

/// Run to the end (submitting what the case has due), checking every tick; a counter limit
/// ends the run early (that is valid behaviour). Returns the final snapshot.
fn run_to_end(
    mut sim: Simulation,
    case: &Case,
    mut watch: Option<&mut Watch>,
) -> Result<String, String> {
    let mut first = true;
    while !sim.is_finished() {
        // The restored state already holds the current tick's submissions.
        if !first {
            match submit_due(&mut sim, case) {
                Ok(()) | Err(SimError::CounterLimit { .. }) => {}
                Err(e) => return Err(format!("submission refused: {e}")),
            }
        }
        first = false;
        match sim.tick() {
            Ok(_) => {}
            Err(SimError::CounterLimit { .. }) => break,
            Err(e) => return Err(format!("tick failed: {e}")),
        }
        if let Some(w) = watch.as_deref_mut() {
            w.after_tick(&sim)
                .map_err(|e| format!("after tick {}: {e}", sim.current_tick() - 1))?;
        }
    }
    Ok(sim.snapshot_json())
}

fn behaves_as_valid(doc: &Value, case: &Case) -> Result<(), String> {
    let restore = |text: &str| Simulation::restore_json(text).map_err(|e| format!("restore: {e}"));
    let text = doc.to_string();
    let sim = restore(&text)?;
    let written = sim.snapshot_json();
    let again: Value = serde_json::from_str(&written).unwrap();
    if again != *doc {
        return Err("accepted but not canonical: restore → snapshot changes it".into());
    }
    if restore(&written)?.snapshot_json() != written {
        return Err("snapshot → restore → snapshot is not byte-stable".into());
    }
    let mut watch = Watch::new(&sim, doc)?;
    let end = run_to_end(sim, case, Some(&mut watch))?;
    if restore(&end)?.snapshot_json() != end {
        return Err("the final snapshot is not byte-stable".into());
    }
    if run_to_end(restore(&text)?, case, None)? != end {
        return Err("two runs of the same snapshot differ".into());
    }
    let mut reference = restore(&text)?;
    reference.set_reference_mode(true);
    if run_to_end(reference, case, None)? != end {
        return Err("the reference algorithms give another end".into());
    }
    // Half-way: snapshot, restore, continue.
    let mut half = restore(&text)?;
    let stop = half.current_tick() + (half.horizon() - half.current_tick()) / 2;
    let mut first = true;
    while half.current_tick() < stop {
        if !first {
            let _ = submit_due(&mut half, case);
        }
        first = false;
        if half.tick().is_err() {
            break;
        }
    }
    if !first && !half.is_finished() {
        let _ = submit_due(&mut half, case);
    }
    let continued = run_to_end(restore(&half.snapshot_json())?, case, None)?;
    if continued != end {
        return Err("a snapshot taken half-way continues to another end".into());
    }
    Ok(())
}

/// Outcome of one mutant: accepted (and behaved), refused, or unchanged by the mutation.
#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    accepted: u64,
    refused: u64,
    unchanged: u64,
}

fn check_case(case: &Case, mutants: &[Vec<Mutation>], tally: &mut Tally) -> Result<(), String> {
    let valid = valid_snapshot(case);
    behaves_as_valid(&valid, case).map_err(|e| format!("the valid snapshot: {e}"))?;
    for mutations in mutants {
        let mut doc = valid.clone();
        for m in mutations {
            apply(&mut doc, m);
        }
        if doc == valid {
            tally.unchanged += 1;
            continue;
        }
        let text = doc.to_string();
        match std::panic::catch_unwind(|| Simulation::restore_json(&text)) {
            Err(_) => return Err(format!("restore panicked on {mutations:?}")),
            Ok(Err(SimError::InvalidConfig(p)))
                if p.iter().all(|p| p.path.starts_with("snapshot")) =>
            {
                tally.refused += 1
            }
            Ok(Err(e)) => {
                return Err(format!(
                    "refused with the wrong error {e:?} for {mutations:?}"
                ))
            }
            Ok(Ok(_)) => {
                tally.accepted += 1;
                behaves_as_valid(&doc, case).map_err(|e| format!("{mutations:?} accepted: {e}"))?;
            }
        }
    }
    Ok(())
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn every_accepted_mutant_behaves_as_a_valid_snapshot(
        case in case(),
        mutants in prop::collection::vec(prop::collection::vec(mutation(), 1..=3), MUTANTS),
    ) {
        let mut tally = Tally::default();
        let outcome = check_case(&case, &mutants, &mut tally);
        prop_assert!(outcome.is_ok(), "{}", outcome.unwrap_err());
    }
}

/// The mutations must keep producing both refusals and acceptances; otherwise the property
/// above would pass vacuously.
#[test]
fn mutants_are_both_refused_and_accepted() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &[11; 32]),
    );
    let strategy = (
        case(),
        prop::collection::vec(prop::collection::vec(mutation(), 1..=3), MUTANTS),
    );
    let mut tally = Tally::default();
    let n = 60;
    for _ in 0..n {
        let (case, mutants) = strategy.new_tree(&mut runner).unwrap().current();
        check_case(&case, &mutants, &mut tally).unwrap();
    }
    eprintln!("{n} runs × {MUTANTS} mutants: {tally:?}");
    assert!(
        tally.refused >= tally.accepted && tally.accepted >= (n as u64 * MUTANTS as u64) / 20,
        "{tally:?}"
    );
}
