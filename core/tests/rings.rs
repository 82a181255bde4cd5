//! The payment rings of `model.md`: balances too small for any single payment (the LSM
//! resolves the gridlock), the LSM switched off (gridlock), and ample balances (RTGS alone).

mod common;
use common::*;
use payment_sim_core::Simulation;
use serde_json::{json, Value};

fn ring(ids: &[&str], balance: i64, extra: Value) -> Simulation {
    let agents = ids.iter().map(|id| agent(id, balance, 0)).collect();
    let mut s = sim(&config(100, agents, extra));
    for (i, from) in ids.iter().enumerate() {
        pay(&mut s, from, ids[(i + 1) % ids.len()], 50_000);
    }
    s
}

const FOUR: [&str; 4] = ["BANK_A", "BANK_B", "BANK_C", "BANK_D"];
const THREE: [&str; 3] = ["BANK_A", "BANK_B", "BANK_C"];

#[test]
fn four_bank_ring_with_scarce_liquidity_is_resolved_by_the_lsm() {
    let mut s = ring(&FOUR, 10_000, Value::Null);
    let r = s.tick().unwrap();
    assert_eq!(r.num_settlements, 4);
    assert_eq!(r.lsm_cycle_releases, 4);
    assert_eq!(r.lsm_bilateral_releases, 0);
    assert_eq!(r.queue2_size, 0);
    assert_eq!(r.settled_value, 200_000);
    assert_eq!(balances(&s), vec![10_000; 4]);
    assert!(settlements(&s).iter().all(|(_, m)| m == "multilateral"));
    assert_eq!(s.statistics().settlements_by_mechanism.multilateral, 4);
    assert_eq!(s.statistics().lsm_share, 1.0);
}

#[test]
fn three_bank_ring_with_scarce_liquidity_is_resolved_by_the_lsm() {
    let mut s = ring(&THREE, 10_000, Value::Null);
    let r = s.tick().unwrap();
    assert_eq!(r.num_settlements, 3);
    assert_eq!(r.lsm_cycle_releases, 3);
    assert_eq!(r.queue2_size, 0);
    assert_eq!(balances(&s), vec![10_000; 3]);
}

#[test]
fn four_bank_ring_without_the_lsm_is_gridlocked() {
    let mut s = ring(&FOUR, 10_000, json!({"lsm": lsm_off()}));
    for _ in 0..5 {
        let r = s.tick().unwrap();
        assert_eq!(r.num_settlements, 0);
        assert_eq!(r.lsm_cycle_releases, 0);
        assert_eq!(r.queue2_size, 4);
    }
    assert_eq!(balances(&s), vec![10_000; 4]);
}

#[test]
fn three_bank_ring_without_the_lsm_is_gridlocked() {
    let mut s = ring(&THREE, 10_000, json!({"lsm": lsm_off()}));
    let r = s.tick().unwrap();
    assert_eq!(r.num_settlements, 0);
    assert_eq!(r.queue2_size, 3);
    assert_eq!(s.state().queue2_size, 3);
    // Each bank has its own payment waiting.
    assert!(s.state().agents.iter().all(|a| a.queue2_size == 1));
}

#[test]
fn four_bank_ring_with_ample_liquidity_settles_gross() {
    let mut s = ring(&FOUR, 100_000, Value::Null);
    let r = s.tick().unwrap();
    assert_eq!(r.num_settlements, 4);
    assert_eq!(r.lsm_cycle_releases, 0);
    assert_eq!(r.lsm_bilateral_releases, 0);
    assert_eq!(r.queue2_size, 0);
    assert_eq!(balances(&s), vec![100_000; 4]);
    assert!(settlements(&s).iter().all(|(_, m)| m == "rtgs"));
}

#[test]
fn unequal_ring_settles_at_net_positions() {
    // A→B 50,000, B→C 40,000, C→A 30,000; A holds 25,000, B and C nothing.
    // Nets: A −20,000 (fundable), B +10,000, C +10,000.
    let mut s = sim(&config(
        10,
        vec![agent("A", 25_000, 0), agent("B", 0, 0), agent("C", 0, 0)],
        Value::Null,
    ));
    pay(&mut s, "A", "B", 50_000);
    pay(&mut s, "B", "C", 40_000);
    pay(&mut s, "C", "A", 30_000);
    let r = s.tick().unwrap();
    assert_eq!(r.lsm_cycle_releases, 3);
    assert_eq!(balances(&s), vec![5_000, 10_000, 10_000]);
}

#[test]
fn multilateral_excludes_what_liquidity_cannot_carry() {
    // The 3-ring plus A→C 30,000 entered last. Bilateral (A, C) fails: C would pay 20,000
    // net with 10,000. Multilateral: A's net −30,000 < −10,000 → exclude A→C; the ring settles.
    let mut s = sim(&config(
        10,
        vec![
            agent("A", 10_000, 0),
            agent("B", 10_000, 0),
            agent("C", 10_000, 0),
        ],
        Value::Null,
    ));
    pay(&mut s, "A", "B", 50_000);
    pay(&mut s, "B", "C", 50_000);
    pay(&mut s, "C", "A", 50_000);
    let extra = pay(&mut s, "A", "C", 30_000);
    let r = s.tick().unwrap();
    assert_eq!(r.lsm_cycle_releases, 3);
    assert_eq!(r.lsm_bilateral_releases, 0);
    assert_eq!(r.queue2_size, 1);
    assert_eq!(balances(&s), vec![10_000; 3]);
    assert!(settlements(&s).iter().all(|(tx, _)| *tx != extra));
}

#[test]
fn credit_lines_count_as_liquidity_in_the_lsm() {
    // Zero balances but 10,000 of credit each: the ring's nets are zero, and an unequal
    // ring uses credit: A→B 30,000, B→C 20,000, C→A 20,000 → A's net −10,000 = −credit.
    let mut s = sim(&config(
        10,
        vec![
            agent("A", 0, 10_000),
            agent("B", 0, 10_000),
            agent("C", 0, 10_000),
        ],
        Value::Null,
    ));
    pay(&mut s, "A", "B", 30_000);
    pay(&mut s, "B", "C", 20_000);
    pay(&mut s, "C", "A", 20_000);
    let r = s.tick().unwrap();
    assert_eq!(r.lsm_cycle_releases, 3);
    assert_eq!(balances(&s), vec![-10_000, 10_000, 0]);
    assert_eq!(s.statistics().agents[0].peak_overdraft, 10_000);
}

#[test]
fn a_failed_ring_settles_once_a_member_gains_liquidity() {
    // A→B 50,000, B→C 50,000, C→A 45,000, nobody holds anything: A is 5,000 short and
    // the whole ring fails. Unrelated payments between D and E change nothing; when D pays
    // A 5,000 the ring settles multilaterally at the next attempt.
    let mut s = sim(&config(
        10,
        vec![
            agent("A", 0, 0),
            agent("B", 0, 0),
            agent("C", 0, 0),
            agent("D", 100_000, 0),
            agent("E", 100_000, 0),
        ],
        Value::Null,
    ));
    pay(&mut s, "A", "B", 50_000);
    pay(&mut s, "B", "C", 50_000);
    pay(&mut s, "C", "A", 45_000);
    let r = s.tick().unwrap();
    assert_eq!((r.num_settlements, r.queue2_size), (0, 3));
    pay(&mut s, "D", "E", 1_000);
    pay(&mut s, "E", "D", 2_000);
    let r = s.tick().unwrap();
    assert_eq!(
        (r.num_settlements, r.lsm_cycle_releases, r.queue2_size),
        (2, 0, 3)
    );
    pay(&mut s, "D", "A", 5_000);
    let r = s.tick().unwrap();
    assert_eq!(
        (r.num_settlements, r.lsm_cycle_releases, r.queue2_size),
        (4, 3, 0)
    );
    assert_eq!(balances(&s), vec![0, 0, 5_000, 96_000, 99_000]);
}
