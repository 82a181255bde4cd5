//! Bilateral offsetting: two payments that RTGS alone cannot settle, and the exclusion rule
//! of `greedy_removal` (the failing side's lowest-priority, latest-entered payment leaves the
//! attempt), pinned where a test sets the LSM (the default from offsetting semantics 2,
//! `greedy_exact`, settles the best subset instead: `offsetting.rs`).

mod common;
use common::*;
use serde_json::{json, Value};

fn two_banks(extra: Value) -> payment_sim_core::Simulation {
    sim(&config(
        10,
        vec![agent("A", 10_000, 0), agent("B", 10_000, 0)],
        extra,
    ))
}

#[test]
fn opposite_payments_offset_when_neither_can_settle_gross() {
    let mut s = two_banks(Value::Null);
    pay(&mut s, "A", "B", 50_000);
    pay(&mut s, "B", "A", 45_000);
    let r = s.tick().unwrap();
    // Each exceeds its sender's 10,000; the net (A pays 5,000) fits.
    assert_eq!(r.num_settlements, 2);
    assert_eq!(r.lsm_bilateral_releases, 2);
    assert_eq!(r.lsm_cycle_releases, 0);
    assert_eq!(r.queue2_size, 0);
    assert_eq!(balances(&s), vec![5_000, 15_000]);
    assert_eq!(
        settlements(&s),
        vec![
            ("T1".into(), "bilateral".into()),
            ("T2".into(), "bilateral".into())
        ]
    );
}

#[test]
fn without_the_lsm_they_stay_queued() {
    let mut s = two_banks(json!({"lsm": lsm_off()}));
    pay(&mut s, "A", "B", 50_000);
    pay(&mut s, "B", "A", 45_000);
    for _ in 0..3 {
        let r = s.tick().unwrap();
        assert_eq!(r.num_settlements, 0);
        assert_eq!(r.queue2_size, 2);
    }
    assert_eq!(balances(&s), vec![10_000, 10_000]);
}

#[test]
fn multilateral_alone_also_settles_the_pair() {
    let mut s = two_banks(json!({"lsm": {"bilateral": false, "multilateral": true}}));
    pay(&mut s, "A", "B", 50_000);
    pay(&mut s, "B", "A", 45_000);
    let r = s.tick().unwrap();
    assert_eq!((r.lsm_bilateral_releases, r.lsm_cycle_releases), (0, 2));
    assert_eq!(balances(&s), vec![5_000, 15_000]);
}

#[test]
fn the_lowest_priority_payment_is_excluded_first() {
    let mut s = two_banks(
        json!({"lsm": {"bilateral": true, "multilateral": false, "algorithm": "greedy_removal"}}),
    );
    pay_with(&mut s, "A", "B", 20_000, 50, 3); // T1: lowest priority
    pay_with(&mut s, "A", "B", 50_000, 50, 5); // T2
    pay_with(&mut s, "B", "A", 45_000, 50, 5); // T3
    let r = s.tick().unwrap();
    // All three: A's net outflow 25,000 > 10,000 → exclude T1 (priority 3) → net 5,000 fits.
    assert_eq!(r.lsm_bilateral_releases, 2);
    assert_eq!(r.queue2_size, 1);
    assert_eq!(balances(&s), vec![5_000, 15_000]);
    let settled: Vec<String> = settlements(&s).into_iter().map(|p| p.0).collect();
    assert_eq!(settled, vec!["T2", "T3"]);
    assert_eq!(s.state().agents[0].queue2_size, 1);
}

#[test]
fn among_equal_priorities_the_latest_entered_is_excluded() {
    let mut s = two_banks(
        json!({"lsm": {"bilateral": true, "multilateral": false, "algorithm": "greedy_removal"}}),
    );
    pay(&mut s, "A", "B", 50_000); // T1
    pay(&mut s, "A", "B", 20_000); // T2: entered last, excluded although smaller
    pay(&mut s, "B", "A", 45_000); // T3
    let r = s.tick().unwrap();
    assert_eq!(r.lsm_bilateral_releases, 2);
    assert_eq!(balances(&s), vec![5_000, 15_000]);
    let settled: Vec<String> = settlements(&s).into_iter().map(|p| p.0).collect();
    assert_eq!(settled, vec!["T1", "T3"]);
}

#[test]
fn an_attempt_that_loses_one_direction_settles_nothing() {
    let mut s = two_banks(
        json!({"lsm": {"bilateral": true, "multilateral": false, "algorithm": "greedy_removal"}}),
    );
    pay(&mut s, "A", "B", 20_000); // T1
    pay(&mut s, "A", "B", 50_000); // T2: excluded first (latest entered)
    pay(&mut s, "B", "A", 45_000); // T3: then B is short by 15,000 and loses T3
    let r = s.tick().unwrap();
    assert_eq!(r.num_settlements, 0);
    assert_eq!(r.queue2_size, 3);
    assert_eq!(balances(&s), vec![10_000, 10_000]);
}
