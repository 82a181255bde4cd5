//! `greedy_exact` and the exact solver's limits (`lsm.exact_node_budget`, `lsm.exact_max_part`),
//! and the `algorithm` of a scheduled `lsm` action (`docs/model.md` "Offsetting algorithms").

mod common;
use common::*;

use payment_sim_core::offsetting::{LsmAlgorithm, EXACT_MAX_PART_RANGE, EXACT_NODE_BUDGET_RANGE};
use payment_sim_core::{SimError, Simulation};
use serde_json::{json, Value};

fn settled_ids(s: &Simulation) -> Vec<String> {
    let mut ids: Vec<String> = settlements(s).into_iter().map(|p| p.0).collect();
    ids.sort();
    ids
}

/// The issue's smallest miss (two banks at zero: T1 B1→B0 1, T2 B0→B1 2, T3 B0→B1 1), queued
/// before the first tick, with the given extra configuration.
fn two_bank_miss(extra: Value) -> Simulation {
    let agents = vec![agent("B0", 0, 0), agent("B1", 0, 0)];
    let mut s = sim(&config(10, agents, extra));
    pay(&mut s, "B1", "B0", 1); // T1
    pay(&mut s, "B0", "B1", 2); // T2
    pay(&mut s, "B0", "B1", 1); // T3
    s
}

/// Queue 2 within `exact_max_part`: the search settles {T1, T3}; above it, `greedy_exact` is
/// `greedy_removal` (nothing settles), so its cost on a large queue is that rule's.
#[test]
fn greedy_exact_searches_only_queues_within_the_part_cap() {
    for (cap, expected) in [(3, vec!["T1", "T3"]), (2, vec![])] {
        let lsm = json!({"algorithm": "greedy_exact", "exact_max_part": cap});
        let mut s = two_bank_miss(json!({ "lsm": lsm }));
        s.tick().unwrap();
        assert_eq!(settled_ids(&s), expected, "exact_max_part {cap}");
        assert_eq!(s.statistics().lsm.algorithm, LsmAlgorithm::GreedyExact);
    }
}

/// A budget too small to prove the set keeps the best one found and counts the attempt; with
/// the default budget the set is proved (nothing counted).
#[test]
fn a_small_node_budget_is_counted_when_it_runs_out() {
    let run = |budget: Option<u64>| {
        let lsm = match budget {
            Some(b) => json!({"algorithm": "greedy_exact", "exact_node_budget": b}),
            None => json!({"algorithm": "greedy_exact"}),
        };
        let mut s = two_bank_miss(json!({ "lsm": lsm }));
        s.tick().unwrap();
        let stats = s.statistics();
        (
            settled_ids(&s),
            stats.lsm.offsets,
            stats.lsm.exact_budget_exhausted,
        )
    };
    // One node: the root only; greedy's empty set stands (nothing settled, nothing counted).
    assert_eq!(run(Some(1)), (vec![], 0, 0));
    // Some budget finds {T1, T3} before it can prove it: counted.
    let found_unproved = (2..20).map(Some).map(run).find(|r| !r.0.is_empty());
    let (ids, offsets, exhausted) = found_unproved.expect("a budget that finds the set");
    assert_eq!(ids, vec!["T1", "T3"]);
    assert!(offsets > 0 && exhausted == offsets, "{offsets} {exhausted}");
    assert_eq!(run(None), (vec!["T1".into(), "T3".into()], 1, 0));
}

/// The limits are the core's: out of bounds, the configuration is refused with the path and
/// the bounds; written, they round-trip; absent, they are not written.
#[test]
fn the_limits_are_validated_by_the_core() {
    let cases = [
        ("exact_node_budget", 0u64, *EXACT_NODE_BUDGET_RANGE.start()),
        (
            "exact_node_budget",
            EXACT_NODE_BUDGET_RANGE.end() + 1,
            *EXACT_NODE_BUDGET_RANGE.end(),
        ),
        ("exact_max_part", 0, *EXACT_MAX_PART_RANGE.start()),
        (
            "exact_max_part",
            EXACT_MAX_PART_RANGE.end() + 1,
            *EXACT_MAX_PART_RANGE.end(),
        ),
    ];
    for (field, value, bound) in cases {
        let agents = vec![agent("B0", 0, 0), agent("B1", 0, 0)];
        let c = config(10, agents, json!({"lsm": { field: value }}));
        let Err(SimError::InvalidConfig(problems)) = Simulation::from_json(&c.to_string()) else {
            panic!("{field} = {value} accepted");
        };
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].path, format!("lsm.{field}"));
        assert!(
            problems[0].message.contains(&bound.to_string())
                && problems[0].message.contains(&format!("(got {value})")),
            "{}",
            problems[0].message
        );
    }
    let s = two_bank_miss(json!({"lsm": {"exact_node_budget": 7, "exact_max_part": 9}}));
    let text = serde_json::to_string(&s.config()).unwrap();
    assert!(
        text.contains(r#""exact_node_budget":7,"exact_max_part":9"#),
        "{text}"
    );
    let s = two_bank_miss(json!({}));
    let text = serde_json::to_string(&s.config()).unwrap();
    assert!(!text.contains("exact_"), "{text}");
}

/// A scheduled `lsm` action can switch the algorithm alone: `greedy_removal` leaves the miss
/// queued at ticks 0 and 1; from tick 2, `greedy_exact` settles {T1, T3}. The pending action
/// and the switched algorithm survive a snapshot.
#[test]
fn a_scheduled_lsm_action_switches_the_algorithm() {
    let extra = json!({
        "lsm": {"algorithm": "greedy_removal"},
        "scenario_events": [{"type": "lsm", "tick": 2, "algorithm": "greedy_exact"}]
    });
    let mut s = two_bank_miss(extra);
    s.run(2).unwrap();
    assert_eq!(s.queue2_size(), 3);
    assert_eq!(s.statistics().lsm.algorithm, LsmAlgorithm::GreedyRemoval);
    let before = s.snapshot_json();
    assert!(before.contains(r#""algorithm":"greedy_exact""#));
    s.tick().unwrap();
    assert_eq!(settled_ids(&s), vec!["T1", "T3"]);
    assert_eq!(s.statistics().lsm.algorithm, LsmAlgorithm::GreedyExact);
    let e = events_of(&s, "lsm");
    assert_eq!(
        (e[0].bilateral, e[0].multilateral),
        (Some(true), Some(true))
    );
    // Restored before the action: it is still pending and applies the same way.
    let mut r = Simulation::restore_json(&before).unwrap();
    r.tick().unwrap();
    assert_eq!(settled_ids(&r), vec!["T1", "T3"]);
    // Restored after it: the switched algorithm is in force.
    let after = Simulation::restore_json(&s.snapshot_json()).unwrap();
    assert_eq!(after.statistics().lsm.algorithm, LsmAlgorithm::GreedyExact);
}

/// `search_objective: age_weighted_value`: B0 and B1 at zero; T1 B0→B1 1.00 waits from tick 0;
/// at tick 3, T2 B1→B0 2.00, T3 B0→B1 2.00, T4 B0→B1 1.00 arrive. {T2, T3} and {T1, T2, T4}
/// are both worth 4.00; by value the search keeps the first it finds ({T2, T3}), weighted by
/// age {T1, T2, T4} (4×1 + 2 + 1 = 7 against 4) — the payment that waited settles.
#[test]
fn the_age_weighted_objective_settles_the_payment_that_waited() {
    for (objective, expected) in [
        ("value", vec!["T2", "T3"]),
        ("age_weighted_value", vec!["T1", "T2", "T4"]),
    ] {
        let lsm = json!({"algorithm": "greedy_exact", "search_objective": objective});
        let agents = vec![agent("B0", 0, 0), agent("B1", 0, 0)];
        let mut s = sim(&config(10, agents, json!({ "lsm": lsm })));
        pay(&mut s, "B0", "B1", 1); // T1
        s.run(3).unwrap();
        assert_eq!(s.queue2_size(), 1);
        pay(&mut s, "B1", "B0", 2); // T2
        pay(&mut s, "B0", "B1", 2); // T3
        pay(&mut s, "B0", "B1", 1); // T4
        s.tick().unwrap();
        assert_eq!(settled_ids(&s), expected, "{objective}");
        assert_eq!(balances(&s), vec![0, 0]);
    }
}

/// The weighted search against a brute force on small deterministic pseudo-random instances:
/// the set is fundable and its weighted value is the largest.
#[test]
fn the_weighted_search_matches_a_brute_force() {
    use payment_sim_core::offsetting::{
        solve_weighted, Instance, Mechanisms, Payment, SolverLimits,
    };
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = |bound: u64| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % bound
    };
    let both = Mechanisms {
        bilateral: true,
        multilateral: true,
    };
    for _ in 0..400 {
        let n = 2 + next(4) as usize;
        let available: Vec<i64> = (0..n).map(|_| next(5) as i64).collect();
        let m = 1 + next(10) as usize;
        let payments: Vec<Payment> = (0..m)
            .map(|k| {
                let sender = next(n as u64) as u32;
                let receiver = (sender + 1 + next(n as u64 - 1) as u32) % n as u32;
                Payment {
                    sender,
                    receiver,
                    amount: available[sender as usize] + 1 + next(6) as i64,
                    priority: 5,
                    entry: k as u64 + 1,
                }
            })
            .collect();
        let inst = Instance::new(available, payments, false);
        let weights: Vec<i128> = (0..m).map(|_| 1 + next(4) as i128).collect();
        let weighted = |set: &[bool]| -> i128 {
            (0..m)
                .filter(|&i| set[i])
                .map(|i| inst.payments[i].amount as i128 * weights[i])
                .sum()
        };
        let best = (0u32..1 << m)
            .map(|mask| (0..m).map(|i| mask >> i & 1 == 1).collect::<Vec<bool>>())
            .filter(|set| inst.is_fundable(set))
            .map(|set| weighted(&set))
            .max()
            .unwrap_or(0);
        for algorithm in [LsmAlgorithm::Exact, LsmAlgorithm::GreedyExact] {
            let solution = solve_weighted(
                algorithm,
                &inst,
                both,
                SolverLimits::default(),
                Some(&weights),
            );
            assert!(inst.is_fundable(&solution.settled));
            assert!(!solution.budget_exhausted);
            assert_eq!(weighted(&solution.settled), best, "{algorithm:?}");
        }
    }
}

/// A failed `greedy_removal` round does not stand for `greedy_exact`'s search. Queue 2 holds
/// four payments (above `exact_max_part` 2): the round settles a bilateral pair and its
/// multilateral rule finds nothing; the two left (B→A 42,273 and 1, B holding 42,272) are
/// within the cap, and the search must still run in the same step — it settles the 1. The
/// engine skipped it, remembering the rule's failure, until a restore forgot the memo (a
/// property test's case); now it equals the reference mode, which skips nothing.
#[test]
fn a_failed_rule_round_does_not_skip_the_search_within_the_cap() {
    let run = |reference: bool| {
        let agents = vec![agent("A", 81471, 0), agent("B", 0, 0)];
        let extra = json!({"num_days": 3, "queue_discipline": "fifo", "deadline_mode": "overdue",
            "lsm": {"algorithm": "greedy_exact", "exact_max_part": 2}});
        let mut s = sim(&config(11, agents, extra));
        s.set_reference_mode(reference);
        // (tick, sender, receiver, amount, priority), each due the next tick (then overdue).
        let due = [
            (0, "A", "B", 73041, 0),
            (0, "A", "B", 49371, 0),
            (0, "B", "A", 111795, 0),
            (1, "B", "A", 42273, 0),
            (8, "B", "A", 80140, 1),
            (9, "B", "A", 1, 0),
            (15, "A", "B", 111795, 0),
        ];
        let mut multilateral_at = Vec::new();
        while !s.is_finished() {
            let t = s.current_tick();
            for &(_, from, to, amount, priority) in due.iter().filter(|d| d.0 == t) {
                pay_with(&mut s, from, to, amount, 1, priority);
            }
            let r = s.tick().unwrap();
            if r.lsm_cycle_releases > 0 {
                multilateral_at.push(r.tick);
            }
        }
        (multilateral_at, s.snapshot_json())
    };
    let (incremental, reference) = (run(false), run(true));
    assert_eq!(
        incremental.0,
        vec![15],
        "the 1 settles in the step the pair settled"
    );
    assert_eq!(incremental, reference);
}
