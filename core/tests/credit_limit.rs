//! Intraday credit: the balance may fall to −credit_limit and no further; overdraft costs
//! and the peak overdraft statistic.

mod common;
use common::*;
use serde_json::json;

#[test]
fn credit_funds_payments_down_to_minus_the_limit() {
    let mut s = sim(&config(
        10,
        vec![agent("A", 10_000, 50_000), agent("B", 0, 0)],
        json!({"cost_rates": {"liquidity_cost_per_unit_per_tick": 1_000}}),
    ));
    pay(&mut s, "A", "B", 55_000); // available 60,000: settles, A at −45,000
    pay(&mut s, "A", "B", 20_000); // available 5,000: waits
    let r = s.tick().unwrap();
    assert_eq!((r.num_settlements, r.queue2_size), (1, 1));
    assert_eq!(balances(&s), vec![-45_000, 55_000]);
    // floor(45,000 × 1,000 / 1,000,000) = 45
    assert_eq!(r.total_liquidity_cost, 45);
    assert_eq!(r.total_delay_cost, 10);

    // B returns 20,000: A at −25,000 can fund the waiting 20,000 again.
    pay(&mut s, "B", "A", 20_000);
    let r = s.tick().unwrap();
    assert_eq!((r.num_settlements, r.queue2_size), (2, 0));
    assert_eq!(balances(&s), vec![-45_000, 55_000]);
    assert_eq!(r.total_liquidity_cost, 45);

    let stats = s.statistics();
    assert_eq!(stats.agents[0].peak_overdraft, 45_000);
    assert_eq!(stats.agents[1].peak_overdraft, 0);
    assert_eq!(stats.costs.liquidity, 90);
    let state = s.state();
    assert_eq!(state.agents[0].credit_limit, 50_000);
}

#[test]
fn the_limit_is_inclusive_and_never_crossed() {
    let mut s = sim(&config(
        10,
        vec![agent("A", 0, 50_000), agent("B", 0, 0)],
        serde_json::Value::Null,
    ));
    pay(&mut s, "A", "B", 50_000);
    pay(&mut s, "A", "B", 1);
    let r = s.tick().unwrap();
    assert_eq!((r.num_settlements, r.queue2_size), (1, 1));
    assert_eq!(balances(&s), vec![-50_000, 50_000]);
    // The liquidity cost rate defaults to 0.
    assert_eq!(r.total_liquidity_cost, 0);
}

#[test]
fn liquidity_cost_rounds_down() {
    let mut s = sim(&config(
        10,
        vec![agent("A", 0, 1_999_999), agent("B", 0, 0)],
        json!({"cost_rates": {"liquidity_cost_per_unit_per_tick": 1}}),
    ));
    pay(&mut s, "A", "B", 1_999_999);
    let r = s.tick().unwrap();
    // 1,999,999 × 1 / 1,000,000 = 1.99… → 1
    assert_eq!(r.total_liquidity_cost, 1);
}
