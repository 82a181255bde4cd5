//! The offsetting algorithms (`lsm.algorithm`, `docs/model.md` "Offsetting algorithms"):
//! the small misses of `greedy_removal` as regression tests, every algorithm against a brute
//! force on random gridlocks, and the default when none is chosen (offsetting semantics 1:
//! `greedy_removal`; 2: `greedy_exact`, age-weighted).

mod common;
use common::*;

use payment_sim_core::offsetting::{
    greedy_removal, solve, Instance, LsmAlgorithm, Mechanisms, Payment, SearchObjective,
};
use payment_sim_core::provenance::Semantics;
use payment_sim_core::{Simulation, SimulationConfig};
use proptest::prelude::*;
use serde_json::{json, Value};

const ALL: [LsmAlgorithm; 5] = [
    LsmAlgorithm::GreedyRemoval,
    LsmAlgorithm::PrefixOptimum,
    LsmAlgorithm::DeficitHeuristic,
    LsmAlgorithm::Exact,
    LsmAlgorithm::GreedyExact,
];

fn name(a: LsmAlgorithm) -> String {
    serde_json::to_value(a)
        .unwrap()
        .as_str()
        .unwrap()
        .to_string()
}

/// Agents `B0…` with the given balances (no credit), the LSM as given.
fn banks(balances: &[i64], lsm: Value) -> Simulation {
    let agents = balances
        .iter()
        .enumerate()
        .map(|(i, &b)| agent(&format!("B{i}"), b, 0))
        .collect();
    sim(&config(10, agents, json!({ "lsm": lsm })))
}

fn settled_ids(s: &Simulation) -> Vec<String> {
    let mut ids: Vec<String> = settlements(s).into_iter().map(|p| p.0).collect();
    ids.sort();
    ids
}

/// The issue's smallest miss: {T1, T3} offsets exactly; `greedy_removal` loses T3, then T2.
fn two_bank_gridlock(lsm: Value) -> Simulation {
    let mut s = banks(&[0, 0], lsm);
    pay(&mut s, "B1", "B0", 1); // T1
    pay(&mut s, "B0", "B1", 2); // T2
    pay(&mut s, "B0", "B1", 1); // T3
    s.tick().unwrap();
    s
}

#[test]
fn the_two_bank_miss_settles_t1_and_t3_when_chosen() {
    let s = two_bank_gridlock(json!({"algorithm": "exact"}));
    assert_eq!(settled_ids(&s), vec!["T1", "T3"]);
    assert_eq!(balances(&s), vec![0, 0]);
    let stats = s.statistics();
    assert_eq!(stats.lsm.algorithm, LsmAlgorithm::Exact);
    assert_eq!((stats.lsm.runs, stats.lsm.offsets), (1, 1));
    assert_eq!(stats.settlements_by_mechanism.bilateral, 2);
    for (algorithm, expected) in [
        ("greedy_removal", vec![]),
        ("prefix_optimum", vec![]),
        ("deficit_heuristic", vec!["T1", "T3"]),
        ("exact", vec!["T1", "T3"]),
        ("greedy_exact", vec!["T1", "T3"]),
    ] {
        let s = two_bank_gridlock(json!({ "algorithm": algorithm }));
        assert_eq!(settled_ids(&s), expected, "{algorithm}");
        // Bilateral offsetting alone gets the same treatment.
        let alone = json!({"bilateral": true, "multilateral": false, "algorithm": algorithm});
        let s = two_bank_gridlock(alone);
        assert_eq!(settled_ids(&s), expected, "{algorithm}, bilateral alone");
    }
}

/// With 100.00 each, A→B 200.00 then 500.00, B→A 450.00: {T2, T3} settles (A pays 50.00
/// net), but `greedy_removal` removes T2 (entered last) and then B is short.
#[test]
fn the_pair_that_loses_a_direction_settles_its_best_subset() {
    for algorithm in ["deficit_heuristic", "exact", "greedy_exact"] {
        let mut s = banks(&[10_000, 10_000], json!({ "algorithm": algorithm }));
        pay(&mut s, "B0", "B1", 20_000);
        pay(&mut s, "B0", "B1", 50_000);
        pay(&mut s, "B1", "B0", 45_000);
        s.tick().unwrap();
        assert_eq!(settled_ids(&s), vec!["T2", "T3"], "{algorithm}");
        assert_eq!(balances(&s), vec![5_000, 15_000]);
    }
}

/// Bilateral offsetting no longer takes what a cycle needs: A at 250.00, B and C at 0, the
/// ring A→B 500, B→C 400, C→A 300 and A→C 300. `greedy_removal` settles the pair (A, C) and
/// then nothing (600.00); the joint choice settles the ring (1,200.00), as multilateral.
#[test]
fn bilateral_offsetting_does_not_break_the_ring() {
    for (algorithm, value, bilateral) in [
        ("greedy_removal", 60_000, 2),
        ("prefix_optimum", 120_000, 0),
        ("deficit_heuristic", 120_000, 0),
        ("exact", 120_000, 0),
        ("greedy_exact", 120_000, 0),
    ] {
        let mut s = banks(&[25_000, 0, 0], json!({ "algorithm": algorithm }));
        pay(&mut s, "B0", "B1", 50_000);
        pay(&mut s, "B0", "B2", 30_000);
        pay(&mut s, "B1", "B2", 40_000);
        pay(&mut s, "B2", "B0", 30_000);
        let r = s.tick().unwrap();
        assert_eq!(r.settled_value, value, "{algorithm}");
        assert_eq!(r.lsm_bilateral_releases, bilateral, "{algorithm}");
    }
}

/// An absent `lsm.algorithm` runs the default of the simulation's offsetting semantics —
/// `greedy_exact` searching the age-weighted value under 2 (new runs), `greedy_removal` under
/// 1 (documents written before) — and writes nothing, so the configuration (and its hash) is
/// as before the setting existed; an explicit one runs as chosen under either.
#[test]
fn an_absent_algorithm_is_the_default_of_the_semantics() {
    let base: SimulationConfig = serde_json::from_value(config(
        10,
        vec![agent("B0", 0, 0), agent("B1", 0, 0)],
        json!({}),
    ))
    .unwrap();
    let run = |config: &SimulationConfig, semantics: Semantics| {
        let mut s = Simulation::with_semantics(config.clone(), semantics).unwrap();
        pay(&mut s, "B1", "B0", 1);
        pay(&mut s, "B0", "B1", 2);
        pay(&mut s, "B0", "B1", 1);
        s.tick().unwrap();
        let lsm = s.statistics().lsm;
        (lsm.algorithm, lsm.search_objective, settled_ids(&s).len())
    };
    let (current, original) = (Semantics::CURRENT, Semantics::ORIGINAL);
    assert_eq!(current.offsetting, 2);
    let age = Some(SearchObjective::AgeWeightedValue);
    assert_eq!(run(&base, current), (LsmAlgorithm::GreedyExact, age, 2));
    assert_eq!(run(&base, original), (LsmAlgorithm::GreedyRemoval, None, 0));
    let fresh = Simulation::new(base.clone()).unwrap();
    assert_eq!(fresh.semantics(), current);
    let mut pinned = base.clone();
    pinned.lsm.algorithm = Some(LsmAlgorithm::Exact);
    for semantics in [current, original] {
        // An explicit algorithm runs as chosen; its objective, where absent, is the
        // semantics' default (1: the value).
        let objective = if semantics == current {
            age
        } else {
            Some(SearchObjective::Value)
        };
        assert_eq!(run(&pinned, semantics), (LsmAlgorithm::Exact, objective, 2));
    }
    pinned.lsm.algorithm = Some(LsmAlgorithm::GreedyRemoval);
    assert_eq!(
        run(&pinned, current),
        (LsmAlgorithm::GreedyRemoval, None, 0)
    );
    let text = serde_json::to_string(&base).unwrap();
    assert!(
        text.contains(r#""lsm":{"bilateral":true,"multilateral":true}"#),
        "{text}"
    );
    pinned.lsm.algorithm = Some(LsmAlgorithm::Exact);
    let pinned_text = serde_json::to_string(&pinned).unwrap();
    assert!(
        pinned_text.contains(r#""algorithm":"exact""#),
        "{pinned_text}"
    );
}

/// A simulation keeps its semantics through a snapshot: one started under offsetting 1 (as a
/// recording of an earlier release is replayed) restores under 1 and continues with
/// `greedy_removal`, byte for byte as if it had not stopped; a new one restores under 2.
#[test]
fn a_snapshot_keeps_the_semantics_it_was_written_under() {
    let scenario = include_str!("../../examples/scenarios/scarce_liquidity.yaml");
    let (config, _) = payment_sim_core::parse_document(scenario).unwrap();
    let mut settled = Vec::new();
    for semantics in [Semantics::ORIGINAL, Semantics::CURRENT] {
        let mut whole = Simulation::with_semantics(config.clone(), semantics).unwrap();
        let mut half = Simulation::with_semantics(config.clone(), semantics).unwrap();
        for _ in 0..37 {
            half.tick().unwrap();
        }
        let mut restored = Simulation::restore_json(&half.snapshot_json()).unwrap();
        assert_eq!(restored.semantics(), semantics);
        whole.run_to_end().unwrap();
        restored.run_to_end().unwrap();
        assert_eq!(whole.snapshot_json(), restored.snapshot_json());
        let expected = if semantics == Semantics::ORIGINAL {
            LsmAlgorithm::GreedyRemoval
        } else {
            LsmAlgorithm::GreedyExact
        };
        assert_eq!(restored.statistics().lsm.algorithm, expected);
        settled.push(restored.statistics().settled_value);
    }
    // The two versions settle differently on this scenario (so the check above is not vacuous).
    assert_ne!(settled[0], settled[1]);
    // Under 1 the run is exactly an explicit `greedy_removal` run under 2.
    let mut pinned = config.clone();
    pinned.lsm.algorithm = Some(LsmAlgorithm::GreedyRemoval);
    let mut old = Simulation::with_semantics(config, Semantics::ORIGINAL).unwrap();
    let mut new = Simulation::new(pinned).unwrap();
    old.run_to_end().unwrap();
    new.run_to_end().unwrap();
    assert_eq!(old.events_since(0), new.events_since(0));
    assert_eq!(
        old.statistics().settled_value,
        new.statistics().settled_value
    );
}

/// A state file of every earlier release (all written under offsetting semantics 1) continues
/// with `greedy_removal` and counts the offsets of the continuation (versions 1–3 did not
/// count them).
#[test]
fn an_earlier_release_snapshot_continues_with_greedy_removal() {
    for version in 1..=5 {
        let path = format!(
            "{}/tests/golden/v{version}/scarce_t37.json",
            env!("CARGO_MANIFEST_DIR")
        );
        let mut s = Simulation::restore_json(&std::fs::read_to_string(path).unwrap()).unwrap();
        assert_eq!(s.semantics(), Semantics::ORIGINAL);
        s.run_to_end().unwrap();
        let stats = s.statistics();
        assert_eq!(stats.lsm.algorithm, LsmAlgorithm::GreedyRemoval);
        // The goldens' own continuation (`snapshot_golden.rs`) checks every byte; here, that
        // the counters count what this continuation offset.
        assert!(stats.lsm.runs > 0 && stats.lsm.offsets >= stats.lsm.runs);
        assert_eq!(stats.lsm.exact_budget_exhausted, 0);
    }
}

// ----- random gridlocks against a brute force -----------------------------------------------

/// A gridlock: 2–6 banks with small balances and 1–12 payments, each larger than its
/// sender's balance (so all of them wait in Queue 2), priorities 4–6.
/// A payment of a generated gridlock: sender, receiver, amount, priority.
type Row = (usize, usize, i64, u8);

fn gridlock() -> impl Strategy<Value = (Vec<i64>, Vec<Row>)> {
    (2usize..=6).prop_flat_map(|n| {
        (
            prop::collection::vec(0i64..=6, n),
            prop::collection::vec((0..n, 1..n, 1i64..=8, 4u8..=6), 1..=12),
        )
            .prop_map(move |(balances, raw)| {
                let payments = raw
                    .into_iter()
                    .map(|(s, d, extra, priority)| (s, (s + d) % n, balances[s] + extra, priority))
                    .collect();
                (balances, payments)
            })
    })
}

/// The gridlock as the engine's Queue 2 holds it after one tick: payments enter in agent
/// order, then submission order, and get their entry numbers so.
fn instance(balances: &[i64], payments: &[Row]) -> Instance {
    let payments = entry_order(payments)
        .into_iter()
        .enumerate()
        .map(|(e, k)| {
            let (s, r, amount, priority) = payments[k];
            Payment {
                sender: s as u32,
                receiver: r as u32,
                amount,
                priority,
                entry: e as u64 + 1,
            }
        })
        .collect();
    Instance::new(balances.to_vec(), payments, false)
}

/// Submission indices in Queue 2 entry order (agent order, then submission order).
fn entry_order(payments: &[Row]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..payments.len()).collect();
    order.sort_by_key(|&k| payments[k].0);
    order
}

/// The largest value of a fundable set, by trying every subset.
fn brute_force(inst: &Instance) -> i128 {
    let m = inst.payments.len();
    (0u32..1 << m)
        .map(|mask| (0..m).map(|i| mask >> i & 1 == 1).collect::<Vec<bool>>())
        .filter(|set| inst.is_fundable(set))
        .map(|set| inst.value(&set))
        .max()
        .unwrap_or(0)
}

const BOTH: Mechanisms = Mechanisms {
    bilateral: true,
    multilateral: true,
};

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// Every algorithm chooses a fundable set (no liquidity constraint is ever violated, and
    /// the balances it leaves sum to the same); `exact` finds the brute force's value; the
    /// heuristic never does worse than `greedy_removal`, nor `exact` than the heuristic.
    #[test]
    fn every_algorithm_against_the_brute_force((balances, payments) in gridlock()) {
        let inst = instance(&balances, &payments);
        let best = brute_force(&inst);
        let mut values = Vec::new();
        for algorithm in ALL {
            let solution = solve(algorithm, &inst, BOTH);
            prop_assert!(inst.is_fundable(&solution.settled), "{}", name(algorithm));
            let after = inst.surpluses(&solution.settled);
            let total: i128 = inst.available.iter().map(|&a| a as i128).sum();
            prop_assert_eq!(after.iter().sum::<i128>(), total);
            prop_assert!(!solution.budget_exhausted);
            values.push(inst.value(&solution.settled));
        }
        let [greedy, prefix, heuristic, exact, greedy_exact] = values[..] else { unreachable!() };
        prop_assert_eq!(exact, best);
        prop_assert_eq!(greedy_exact, best);
        prop_assert!(heuristic >= greedy, "heuristic {} < greedy {}", heuristic, greedy);
        prop_assert!(prefix <= best && greedy <= best);
    }

    /// The engine, given the gridlock in one tick, offsets exactly what the detached
    /// algorithm chooses: `greedy_removal` the same payments as the engine's own rule (the
    /// oracle of `properties.rs` checks that rule), `exact` the brute force's value.
    #[test]
    fn the_engine_settles_what_the_algorithm_chooses((balances, payments) in gridlock()) {
        let inst = instance(&balances, &payments);
        for algorithm in ALL {
            let mut s = banks(&balances, json!({ "algorithm": name(algorithm) }));
            for &(from, to, amount, priority) in &payments {
                pay_with(&mut s, &format!("B{from}"), &format!("B{to}"), amount, 50, priority as i64);
            }
            let r = s.tick().unwrap();
            let chosen = solve(algorithm, &inst, BOTH).settled;
            let by_entry = entry_order(&payments);
            let mut expected: Vec<String> = (0..inst.payments.len())
                .filter(|&k| chosen[k])
                .map(|k| format!("T{}", by_entry[inst.payments[k].entry as usize - 1] + 1))
                .collect();
            expected.sort();
            if algorithm == LsmAlgorithm::GreedyRemoval {
                prop_assert_eq!(settled_ids(&s), expected, "greedy_removal");
            } else {
                // The engine may offset again after settling the chosen set (a heuristic
                // can leave a fundable remainder); it never settles less.
                let value: i128 = inst.value(&chosen);
                prop_assert!(r.settled_value as i128 >= value, "{}", name(algorithm));
            }
            if matches!(algorithm, LsmAlgorithm::Exact | LsmAlgorithm::GreedyExact) {
                prop_assert_eq!(r.settled_value as i128, brute_force(&inst));
            }
        }
    }
}

/// `greedy_removal` on a detached instance is the rule of semantics 1 (the issue's example).
#[test]
fn detached_greedy_removal_misses_the_two_bank_set() {
    let inst = instance(&[0, 0], &[(1, 0, 1, 5), (0, 1, 2, 5), (0, 1, 1, 5)]);
    assert_eq!(greedy_removal(&inst, BOTH), vec![false; 3]);
    assert_eq!(brute_force(&inst), 2);
    let exact = solve(LsmAlgorithm::Exact, &inst, BOTH);
    // In entry order: T2, T3 (B0's), then T1.
    assert_eq!(exact.settled, vec![false, true, true]);
}

/// The same instance gives the same set, byte for byte, and a large queue gives a fundable
/// set within the budget's fall-back (recorded).
#[test]
fn large_queues_fall_back_within_the_budget_and_say_so() {
    let n = 200u32;
    let payments: Vec<Payment> = (0..4_000u64)
        .map(|k| {
            let sender = (k * 7919 % n as u64) as u32;
            let receiver = (sender + 1 + (k * 104_729 % (n as u64 - 1)) as u32) % n;
            Payment {
                sender,
                receiver,
                amount: 1_000 + (k * 2_654_435_761 % 9_000) as i64,
                priority: 5,
                entry: k + 1,
            }
        })
        .collect();
    let inst = Instance::new(vec![500; n as usize], payments, false);
    let a = solve(LsmAlgorithm::Exact, &inst, BOTH);
    let b = solve(LsmAlgorithm::Exact, &inst, BOTH);
    assert_eq!(a, b);
    assert!(a.budget_exhausted);
    assert!(inst.is_fundable(&a.settled));
    let heuristic = solve(LsmAlgorithm::DeficitHeuristic, &inst, BOTH);
    assert!(inst.value(&a.settled) >= inst.value(&heuristic.settled));
    assert!(inst.value(&heuristic.settled) >= inst.value(&greedy_removal(&inst, BOTH)));
}
