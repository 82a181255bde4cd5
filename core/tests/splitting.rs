//! Splitting: a released order above the threshold becomes k equal parts (remainder on the
//! last), ids T<n>.<k>, friction cost per extra part, parts counted as settlements.

mod common;
use common::*;
use serde_json::{json, Value};

fn splitter(
    balance: i64,
    threshold: i64,
    max_parts: i64,
    extra: Value,
) -> payment_sim_core::Simulation {
    sim(&config(
        10,
        vec![
            agent_with(
                "A",
                balance,
                0,
                json!({"type": "Fifo", "split": {"threshold": threshold, "max_parts": max_parts}}),
            ),
            agent("B", 0, 0),
        ],
        extra,
    ))
}

#[test]
fn an_order_above_the_threshold_settles_as_parts() {
    let mut s = splitter(100_000, 30_000, 4, Value::Null);
    assert_eq!(pay(&mut s, "A", "B", 100_000), "T1");
    let r = s.tick().unwrap();
    // k = min(4, ceil(100,000 / 30,000) = 4) = 4 parts of 25,000; friction 50 × 3.
    assert_eq!(r.num_arrivals, 1);
    assert_eq!(r.num_splits, 1);
    assert_eq!(r.num_settlements, 4);
    assert_eq!(r.settled_value, 100_000);
    assert_eq!(r.total_split_cost, 150);
    assert_eq!(r.total_cost, 150);
    assert_eq!(balances(&s), vec![0, 100_000]);
    assert_eq!(
        settlements(&s),
        (1..=4)
            .map(|k| (format!("T1.{k}"), "rtgs".to_string()))
            .collect::<Vec<_>>()
    );
    let amounts: Vec<i64> = events_of(&s, "settled")
        .iter()
        .map(|e| e.amount.unwrap())
        .collect();
    assert_eq!(amounts, vec![25_000; 4]);
    let split = events_of(&s, "split");
    assert_eq!(split.len(), 1);
    assert_eq!(
        (split[0].tx.as_deref(), split[0].parts),
        (Some("T1"), Some(4))
    );

    let stats = s.statistics();
    assert_eq!((stats.arrivals, stats.settlements, stats.splits), (1, 4, 1));
    assert_eq!(stats.settlement_rate_count, 1.0);
    assert_eq!(stats.costs.split, 150);
    assert_eq!(stats.agents[0].costs.split, 150);
    assert_eq!(stats.agents[0].sent_count, 4);
}

#[test]
fn max_parts_caps_the_split_and_the_last_part_takes_the_remainder() {
    let mut s = splitter(
        100_000,
        30_000,
        2,
        json!({"cost_rates": {"split_friction_cost": 1_000}}),
    );
    pay(&mut s, "A", "B", 70_001);
    let r = s.tick().unwrap();
    assert_eq!((r.num_splits, r.num_settlements), (1, 2));
    assert_eq!(r.total_split_cost, 1_000);
    let parts: Vec<(String, i64)> = events_of(&s, "settled")
        .into_iter()
        .map(|e| (e.tx.unwrap(), e.amount.unwrap()))
        .collect();
    assert_eq!(
        parts,
        vec![("T1.1".into(), 35_000), ("T1.2".into(), 35_001)]
    );
}

#[test]
fn an_order_at_the_threshold_is_not_split() {
    let mut s = splitter(100_000, 30_000, 4, Value::Null);
    pay(&mut s, "A", "B", 30_000);
    let r = s.tick().unwrap();
    assert_eq!(
        (r.num_splits, r.num_settlements, r.total_split_cost),
        (0, 1, 0)
    );
    assert_eq!(settlements(&s), vec![("T1".into(), "rtgs".into())]);
}

#[test]
fn parts_settle_as_liquidity_allows() {
    // 40,000 funds one 25,000 part; the other three wait in Queue 2.
    let mut s = splitter(40_000, 30_000, 4, json!({"lsm": lsm_off()}));
    pay(&mut s, "A", "B", 100_000);
    let r = s.tick().unwrap();
    assert_eq!((r.num_settlements, r.queue2_size), (1, 3));
    assert_eq!(balances(&s), vec![15_000, 25_000]);
    assert_eq!(s.state().agents[0].queue2_size, 3);
    // Delay cost counts each waiting part.
    assert_eq!(r.total_delay_cost, 30);
    // arrivals (1) + extra parts (3) = settled (1) + queued (3)
    let stats = s.statistics();
    assert_eq!(stats.settlement_rate_count, 0.25);
    assert_eq!(stats.settlement_rate_value, 0.25);
}

#[test]
fn with_splitting_settlements_can_exceed_arrivals() {
    let mut s = splitter(1_000_000, 10_000, 10, Value::Null);
    for _ in 0..3 {
        pay(&mut s, "A", "B", 95_000); // 10 parts each
    }
    let r = s.tick().unwrap();
    assert_eq!(r.num_arrivals, 3);
    assert_eq!(r.num_splits, 3);
    assert_eq!(r.num_settlements, 30);
    assert_eq!(r.total_split_cost, 3 * 9 * 50);
    let ids: Vec<String> = settlements(&s).into_iter().map(|p| p.0).collect();
    assert_eq!(ids[0], "T1.1");
    assert_eq!(ids[29], "T3.10");
}
