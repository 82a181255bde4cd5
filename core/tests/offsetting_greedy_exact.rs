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
