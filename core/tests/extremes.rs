//! Amounts and rates at the edges of i64: no wrap, no panic, money still conserved.

mod common;
use common::*;
use serde_json::json;

const MAX: i64 = i64::MAX;

#[test]
fn the_largest_representable_balance_moves_intact() {
    let mut s = sim(&config(
        10,
        vec![agent("A", MAX - 10, 0), agent("B", 0, 0)],
        serde_json::Value::Null,
    ));
    pay(&mut s, "A", "B", MAX - 10);
    pay(&mut s, "B", "A", MAX); // never fundable
    let r = s.run(10).unwrap();
    assert_eq!(r.num_settlements, 1);
    assert_eq!(balances(&s), vec![0, MAX - 10]);
    assert_eq!(s.statistics().settled_value, MAX - 10);
}

#[test]
fn huge_orders_split_and_offset_without_overflow() {
    let mut s = sim(&config(
        10,
        vec![
            agent_with(
                "A",
                0,
                0,
                json!({"type": "Fifo", "split": {"threshold": 10, "max_parts": 3}}),
            ),
            agent_with(
                "B",
                0,
                0,
                json!({"type": "LiquidityAware", "target_buffer": MAX, "urgency_threshold": 1}),
            ),
            agent("C", 5, 0),
        ],
        serde_json::Value::Null,
    ));
    pay(&mut s, "A", "B", MAX);
    pay(&mut s, "A", "C", MAX);
    pay_with(&mut s, "B", "A", MAX, 3, 10);
    pay(&mut s, "C", "B", MAX);
    pay(&mut s, "C", "A", 5);
    let r = s.tick().unwrap();
    assert_eq!(r.num_splits, 2);
    // Parts of i64::MAX split three ways: the last takes the remainder.
    let parts: Vec<i64> = events_of(&s, "split")
        .iter()
        .map(|e| e.parts.unwrap() as i64)
        .collect();
    assert_eq!(parts, vec![3, 3]);
    s.run(9).unwrap();
    assert_eq!(total(&s), 5);
    let stats = s.statistics();
    assert!(stats.arrived_value > 0, "saturates rather than wraps");
}

#[test]
fn maximal_cost_rates_saturate_instead_of_wrapping() {
    let mut s = sim(&config(
        2,
        vec![agent("A", 0, MAX / 2), agent("B", 0, 0)],
        json!({"num_days": 2, "cost_rates": {
            "liquidity_cost_per_unit_per_tick": 1_000_000,
            "delay_cost_per_tick": MAX,
            "split_friction_cost": MAX,
            "deadline_penalty": MAX,
            "eod_penalty": MAX}}),
    ));
    pay(&mut s, "A", "B", MAX / 2);
    for _ in 0..3 {
        pay_with(&mut s, "A", "B", MAX, 1, 5);
    }
    let summary = s.run(4).unwrap();
    assert_eq!(summary.num_settlements, 1);
    assert!(summary.total_cost > 0);
    let stats = s.statistics();
    assert!(stats.costs.total > 0);
    assert!(stats.agents[0].costs.total > 0);
}
