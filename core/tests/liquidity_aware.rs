//! The LiquidityAware policy holds what would breach its buffer and releases it once urgent.

mod common;
use common::*;
use serde_json::{json, Value};

fn la(buffer: i64, urgency: i64) -> Value {
    json!({"type": "LiquidityAware", "target_buffer": buffer, "urgency_threshold": urgency})
}

#[test]
fn holds_below_the_buffer_then_releases_when_urgent() {
    let mut s = sim(&config(
        20,
        vec![agent_with("A", 100_000, 0, la(60_000, 2)), agent("B", 0, 0)],
        Value::Null,
    ));
    let big = pay_with(&mut s, "A", "B", 50_000, 5, 5); // deadline tick 5
    let small = pay_with(&mut s, "A", "B", 30_000, 50, 5);

    // Tick 0: the big one would leave 50,000 < 60,000 and is not urgent (5 − 0 > 2): held.
    // The small one leaves 70,000 ≥ 60,000: released and settled.
    let r = s.tick().unwrap();
    assert_eq!(r.num_settlements, 1);
    assert_eq!(r.queue1_size, 1);
    assert_eq!(r.total_delay_cost, 10);
    assert_eq!(balances(&s), vec![70_000, 30_000]);
    assert_eq!(s.queue1_size("A").unwrap(), 1);

    // Ticks 1 and 2: 4 and 3 ticks to the deadline, still more than 2: held.
    for _ in 1..=2 {
        let r = s.tick().unwrap();
        assert_eq!(r.num_settlements, 0);
        assert_eq!(r.queue1_size, 1);
        assert_eq!(r.total_delay_cost, 10);
    }
    // Tick 3: 2 ticks to go, urgent: released although it breaches the buffer.
    let r = s.tick().unwrap();
    assert_eq!(r.num_settlements, 1);
    assert_eq!(r.queue1_size, 0);
    assert_eq!(r.total_delay_cost, 0);
    assert_eq!(balances(&s), vec![20_000, 80_000]);

    assert_eq!(
        settlements(&s),
        vec![(small.clone(), "rtgs".into()), (big.clone(), "rtgs".into())]
    );
    // One hold decision is recorded (not one per tick), the release at tick 3.
    let held = events_of(&s, "held");
    assert_eq!(held.len(), 1);
    assert_eq!(
        (held[0].tick, held[0].tx.as_deref()),
        (0, Some(big.as_str()))
    );
    let released: Vec<(u64, String)> = events_of(&s, "released")
        .into_iter()
        .map(|e| (e.tick, e.tx.unwrap()))
        .collect();
    assert_eq!(released, vec![(0, small), (3, big)]);
    let stats = s.statistics();
    assert_eq!(stats.delay.max_ticks, 3);
    assert_eq!(stats.delay.mean_ticks, 1.5);
    assert_eq!(stats.costs.delay, 30);
}

#[test]
fn urgent_releases_count_in_the_projection() {
    let mut s = sim(&config(
        20,
        vec![agent_with("A", 100_000, 0, la(60_000, 2)), agent("B", 0, 0)],
        Value::Null,
    ));
    pay_with(&mut s, "A", "B", 50_000, 1, 5); // urgent at tick 0: projection 50,000
    pay_with(&mut s, "A", "B", 5_000, 50, 5); // 45,000 < 60,000: held (95,000 otherwise)
    let r = s.tick().unwrap();
    assert_eq!(r.num_settlements, 1);
    assert_eq!(r.queue1_size, 1);
    assert_eq!(balances(&s), vec![50_000, 50_000]);
}

#[test]
fn credit_does_not_count_towards_the_buffer() {
    let mut s = sim(&config(
        20,
        vec![
            agent_with("A", 10_000, 1_000_000, la(0, 0)),
            agent("B", 0, 0),
        ],
        Value::Null,
    ));
    pay(&mut s, "A", "B", 10_000); // leaves exactly 0 ≥ 0: released
    pay(&mut s, "A", "B", 1); // would leave −1: held, though credit could fund it
    let r = s.tick().unwrap();
    assert_eq!(r.num_settlements, 1);
    assert_eq!(r.queue1_size, 1);
    assert_eq!(balances(&s), vec![0, 10_000]);
}

#[test]
fn policies_decide_on_the_balance_before_this_ticks_settlements() {
    // Buffer 0: releases in Queue 1 order while the balance lasts; a later, smaller order
    // may go while an earlier, larger one waits.
    let mut s = sim(&config(
        20,
        vec![agent_with("A", 30_000, 0, la(0, 0)), agent("B", 20_000, 0)],
        Value::Null,
    ));
    let first = pay(&mut s, "A", "B", 40_000);
    let second = pay(&mut s, "A", "B", 25_000);
    s.tick().unwrap();
    assert_eq!(settlements(&s), vec![(second, "rtgs".into())]);
    assert_eq!(balances(&s), vec![5_000, 45_000]);

    // Tick 1: B's payment settles in step 3, after A's policy saw 5,000: still held.
    pay(&mut s, "B", "A", 35_000);
    let r = s.tick().unwrap();
    assert_eq!((r.num_settlements, r.queue1_size), (1, 1));
    assert_eq!(balances(&s), vec![40_000, 10_000]);

    // Tick 2: A's policy sees 40,000 and the order leaves exactly 0 ≥ 0.
    let r = s.tick().unwrap();
    assert_eq!((r.num_settlements, r.queue1_size), (1, 0));
    assert_eq!(balances(&s), vec![0, 50_000]);
    assert_eq!(settlements(&s).last().unwrap().0, first);
}
