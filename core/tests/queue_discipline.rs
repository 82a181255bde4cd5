//! `bypass_fifo` (default) against strict `fifo`, the retry order of Queue 2, and the LSM
//! ignoring the discipline.

mod common;
use common::*;
use payment_sim_core::Simulation;
use serde_json::json;

fn banks(discipline: &str) -> Simulation {
    sim(&config(
        10,
        vec![
            agent("A", 30_000, 0),
            agent("B", 100_000, 0),
            agent("C", 0, 0),
        ],
        json!({"queue_discipline": discipline, "lsm": lsm_off()}),
    ))
}

#[test]
fn bypass_fifo_lets_a_fundable_payment_pass_a_waiting_one() {
    let mut s = banks("bypass_fifo");
    pay(&mut s, "A", "B", 50_000); // T1: 50,000 > 30,000, waits
    pay(&mut s, "A", "B", 20_000); // T2: fundable, settles at once
    let r = s.tick().unwrap();
    assert_eq!(r.num_settlements, 1);
    assert_eq!(r.queue2_size, 1);
    assert_eq!(balances(&s), vec![10_000, 120_000, 0]);

    pay(&mut s, "B", "A", 40_000); // T3: A reaches 50,000 and T1 settles on the retry
    let r = s.tick().unwrap();
    assert_eq!(r.num_settlements, 2);
    assert_eq!(balances(&s), vec![0, 130_000, 0]);
    assert_eq!(
        settlements(&s),
        vec![
            ("T2".into(), "rtgs".into()),
            ("T3".into(), "rtgs".into()),
            ("T1".into(), "queue".into())
        ]
    );
}

#[test]
fn strict_fifo_lets_nothing_pass_a_waiting_payment_of_the_same_sender() {
    let mut s = banks("fifo");
    pay(&mut s, "A", "B", 50_000); // T1 waits
    pay(&mut s, "A", "B", 20_000); // T2 is fundable but must wait behind T1
    let r = s.tick().unwrap();
    assert_eq!(r.num_settlements, 0);
    assert_eq!(r.queue2_size, 2);
    assert_eq!(balances(&s), vec![30_000, 100_000, 0]);

    pay(&mut s, "B", "A", 40_000); // A: 70,000 → T1 then T2 settle in entry order
    let r = s.tick().unwrap();
    assert_eq!(r.num_settlements, 3);
    assert_eq!(r.queue2_size, 0);
    assert_eq!(balances(&s), vec![0, 130_000, 0]);
    assert_eq!(
        settlements(&s),
        vec![
            ("T3".into(), "rtgs".into()),
            ("T1".into(), "queue".into()),
            ("T2".into(), "queue".into())
        ]
    );
}

#[test]
fn under_fifo_priority_does_not_pass_the_same_senders_earlier_payment() {
    let mut fifo = banks("fifo");
    pay_with(&mut fifo, "A", "B", 50_000, 50, 5);
    pay_with(&mut fifo, "A", "B", 20_000, 50, 9);
    let r = fifo.tick().unwrap();
    assert_eq!((r.num_settlements, r.queue2_size), (0, 2));

    let mut bypass = banks("bypass_fifo");
    pay_with(&mut bypass, "A", "B", 50_000, 50, 5);
    pay_with(&mut bypass, "A", "B", 20_000, 50, 9);
    let r = bypass.tick().unwrap();
    assert_eq!((r.num_settlements, r.queue2_size), (1, 1));
}

#[test]
fn under_fifo_another_senders_payment_is_not_blocked() {
    let mut s = banks("fifo");
    pay(&mut s, "A", "B", 50_000); // A's head waits
    pay(&mut s, "B", "C", 5_000); // B has no waiting payment: settles
    let r = s.tick().unwrap();
    assert_eq!(r.num_settlements, 1);
    assert_eq!(balances(&s), vec![30_000, 95_000, 5_000]);
}

#[test]
fn queue2_retries_higher_priority_first() {
    let mut s = sim(&config(
        10,
        vec![agent("A", 0, 0), agent("B", 0, 0), agent("C", 40_000, 0)],
        json!({"lsm": lsm_off()}),
    ));
    let low = pay_with(&mut s, "A", "B", 40_000, 50, 3);
    let high = pay_with(&mut s, "A", "C", 40_000, 50, 8);
    s.tick().unwrap();
    assert_eq!(s.queue2_size(), 2);
    pay(&mut s, "C", "A", 40_000); // A gets 40,000: only one of its payments fits
    let r = s.tick().unwrap();
    assert_eq!(r.num_settlements, 2);
    let settled = settlements(&s);
    assert_eq!(settled[1], (high, "queue".to_string()));
    assert!(settled.iter().all(|(tx, _)| *tx != low));
    assert_eq!(balances(&s), vec![0, 0, 40_000]);
}

#[test]
fn the_lsm_ignores_the_queue_discipline() {
    let mut s = sim(&config(
        10,
        vec![agent("A", 0, 0), agent("B", 0, 0), agent("C", 0, 0)],
        json!({"queue_discipline": "fifo", "lsm": {"bilateral": true, "multilateral": false}}),
    ));
    let head = pay(&mut s, "A", "C", 100_000); // A's fifo head, never fundable
    pay(&mut s, "A", "B", 50_000); // behind the head
    pay(&mut s, "B", "A", 50_000);
    let r = s.tick().unwrap();
    assert_eq!(r.lsm_bilateral_releases, 2);
    assert_eq!(r.queue2_size, 1);
    assert!(settlements(&s).iter().all(|(tx, _)| *tx != head));
    assert_eq!(balances(&s), vec![0, 0, 0]);
}
