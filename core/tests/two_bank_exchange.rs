//! Two banks pay each other: gross settlement at entry, and a queued payment that settles on
//! the Queue 2 retry once the other bank's payment brings liquidity.

mod common;
use common::*;
use serde_json::Value;

#[test]
fn both_payments_settle_gross_at_entry() {
    let mut s = sim(&config(
        10,
        vec![agent("A", 100_000, 0), agent("B", 50_000, 0)],
        Value::Null,
    ));
    assert_eq!(pay(&mut s, "A", "B", 60_000), "T1");
    assert_eq!(pay(&mut s, "B", "A", 30_000), "T2");
    let r = s.tick().unwrap();
    assert_eq!(r.tick, 0);
    assert_eq!(r.num_arrivals, 2);
    assert_eq!(r.num_settlements, 2);
    assert_eq!(r.settled_value, 90_000);
    assert_eq!((r.queue1_size, r.queue2_size), (0, 0));
    assert_eq!((r.lsm_bilateral_releases, r.lsm_cycle_releases), (0, 0));
    assert_eq!(r.total_delay_cost, 0);
    // A: 100,000 − 60,000 + 30,000; B: 50,000 + 60,000 − 30,000.
    assert_eq!(balances(&s), vec![70_000, 80_000]);
    assert_eq!(
        settlements(&s),
        vec![("T1".into(), "rtgs".into()), ("T2".into(), "rtgs".into())]
    );
}

#[test]
fn queued_payment_settles_on_retry_when_the_other_bank_pays() {
    let mut s = sim(&config(
        10,
        vec![agent("A", 20_000, 0), agent("B", 40_000, 0)],
        Value::Null,
    ));
    pay(&mut s, "A", "B", 50_000);
    let r = s.tick().unwrap();
    // 50,000 > 20,000: it waits in Queue 2 and costs one tick of delay (default 10).
    assert_eq!(r.num_settlements, 0);
    assert_eq!(r.queue2_size, 1);
    assert_eq!(r.total_delay_cost, 10);
    assert_eq!(balances(&s), vec![20_000, 40_000]);

    pay(&mut s, "B", "A", 35_000);
    let r = s.tick().unwrap();
    // B's payment settles gross (A: 55,000), then the retry settles A's 50,000.
    assert_eq!(r.num_settlements, 2);
    assert_eq!(r.queue2_size, 0);
    assert_eq!(r.total_delay_cost, 0);
    assert_eq!(balances(&s), vec![5_000, 55_000]);
    assert_eq!(
        settlements(&s),
        vec![("T2".into(), "rtgs".into()), ("T1".into(), "queue".into())]
    );
    let stats = s.statistics();
    assert_eq!(stats.settlements_by_mechanism.rtgs, 1);
    assert_eq!(stats.settlements_by_mechanism.queue, 1);
    assert_eq!(stats.delay.max_ticks, 1);
    assert_eq!(stats.delay.mean_ticks, 0.5);
}
