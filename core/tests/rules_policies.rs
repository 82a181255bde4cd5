//! The built-in policies under the rules (`docs/model.md` § 2, "The built-in policies under
//! the rules"), through the engine, computed by hand: `LiquidityAware` keeps a normal payment
//! that its limit would hold in Queue 1 until a receipt makes room, where `Fifo` releases it
//! to wait in Queue 2; `Fifo` releases by class; a reservation makes `LiquidityAware` hold a
//! normal payment the same balance would fund without it.

mod common;
use common::*;
use payment_sim_core::Simulation;
use serde_json::{json, Value};

/// A (1,000, policy `a_policy`) and B (1,000, Fifo); A may owe B at most 100 (normal
/// payments); no offsetting.
fn limited(a_policy: Value) -> Simulation {
    sim(&config(
        10,
        vec![agent_with("A", 1_000, 0, a_policy), agent("B", 1_000, 0)],
        json!({"lsm": lsm_off(),
               "rules": {"participants": {"A": {"bilateral_limits": {"B": 100}}}}}),
    ))
}

fn liquidity_aware() -> Value {
    json!({"type": "LiquidityAware", "target_buffer": 0, "urgency_threshold": 0})
}

#[test]
fn liquidity_aware_keeps_a_payment_its_limit_would_hold_in_queue_1() {
    // Tick 0: A's 150 to B would take its position to −150 < −100: held in Queue 1.
    let mut s = limited(liquidity_aware());
    pay(&mut s, "A", "B", 150);
    let r = s.tick().unwrap();
    assert_eq!((r.num_settlements, r.queue2_size), (0, 0));
    assert_eq!(events_of(&s, "held").len(), 1);
    // Tick 1: B pays A 60 (settles at entry, after A's policy decided): still held.
    pay(&mut s, "B", "A", 60);
    let r = s.tick().unwrap();
    assert_eq!((r.num_settlements, r.queue2_size), (1, 0));
    // Tick 2: 60 − 150 = −90 ≥ −100: released, it settles at entry.
    let r = s.tick().unwrap();
    assert_eq!(r.num_settlements, 1);
    assert_eq!(balances(&s), vec![910, 1_090]);
    assert_eq!(
        settlements(&s),
        vec![("T2".into(), "rtgs".into()), ("T1".into(), "rtgs".into())]
    );
    // It was never held at RTGS entry.
    assert_eq!(s.statistics().rules.unwrap().held_by_limit, 0);
}

#[test]
fn fifo_releases_it_to_wait_in_queue_2() {
    // Fifo releases the 150 at tick 0: held by the limit in Queue 2; at tick 1 B's 60 settles
    // at entry and the retry settles the 150 (−90 ≥ −100) in the same tick.
    let mut s = limited(json!({"type": "Fifo"}));
    pay(&mut s, "A", "B", 150);
    let r = s.tick().unwrap();
    assert_eq!((r.num_settlements, r.queue2_size), (0, 1));
    assert_eq!(s.statistics().rules.unwrap().held_by_limit, 1);
    pay(&mut s, "B", "A", 60);
    let r = s.tick().unwrap();
    assert_eq!((r.num_settlements, r.queue2_size), (2, 0));
    assert_eq!(
        settlements(&s),
        vec![("T2".into(), "rtgs".into()), ("T1".into(), "queue".into())]
    );
}

#[test]
fn fifo_releases_by_class_so_an_urgent_payment_is_funded_first() {
    // A holds 500 and owes B a normal 400 (first) and an urgent 300 (priority 8): by class the
    // urgent one enters first and settles; the normal one then waits (200 < 400). Without
    // rules (Queue 1 order) it is the other way round.
    let run = |rules: Value| {
        let mut s = sim(&config(
            10,
            vec![agent("A", 500, 0), agent("B", 0, 0)],
            json!({"lsm": lsm_off(), "rules": rules}),
        ));
        pay(&mut s, "A", "B", 400);
        pay_with(&mut s, "A", "B", 300, 50, 8);
        s.tick().unwrap();
        settlements(&s)
    };
    assert_eq!(
        run(json!({"classes": {}})),
        vec![("T2".into(), "rtgs".into())]
    );
    assert_eq!(run(json!({})), vec![("T1".into(), "rtgs".into())]);
}

#[test]
fn liquidity_aware_counts_only_unreserved_liquidity_for_a_normal_payment() {
    // A holds 1,000 and reserves 700 for urgent payments: its normal 400 leaves 600 ≥ 0 but
    // only 600 − 700 < 0 of what a normal payment may use: held in Queue 1 (without the
    // reservation it settles).
    let run = |urgent: i64| {
        let mut s = sim(&config(
            10,
            vec![
                agent_with("A", 1_000, 0, liquidity_aware()),
                agent("B", 0, 0),
            ],
            json!({"lsm": lsm_off(), "rules": {"participants": {"A":
                {"reservations": {"urgent": urgent}}}}}),
        ));
        pay(&mut s, "A", "B", 400);
        let r = s.tick().unwrap();
        (
            r.num_settlements,
            r.queue2_size,
            events_of(&s, "held").len(),
        )
    };
    assert_eq!(run(700), (0, 0, 1));
    assert_eq!(run(0), (1, 0, 0));
}

#[test]
fn a_timed_payment_joining_behind_held_orders_snapshots_and_restores() {
    // A (0, LiquidityAware with a buffer of 1) holds everything. T1 arrives at tick 0 with a
    // from-time 3 ticks later; T2 arrives at tick 1 and is held in the visible Queue 1; at
    // tick 3 T1 joins behind it: Queue 1 is [T2, T1], not in arrival order, a valid state a
    // snapshot keeps and a restore accepts (it used to be refused).
    let mut s = sim(&config(
        10,
        vec![
            agent_with(
                "A",
                0,
                0,
                json!({"type": "LiquidityAware", "target_buffer": 1, "urgency_threshold": 0}),
            ),
            agent("B", 0, 0),
        ],
        json!({"lsm": lsm_off()}),
    ));
    s.submit(&payment_sim_core::Submission {
        sender: "A".into(),
        receiver: "B".into(),
        amount: 10,
        deadline_offset: 9,
        priority: 5,
        from_offset: Some(3),
    })
    .unwrap();
    s.tick().unwrap();
    pay(&mut s, "A", "B", 20);
    s.run(3).unwrap(); // ticks 1–3
    let text = s.snapshot_json();
    let doc: Value = serde_json::from_str(&text).unwrap();
    let q1: Vec<u64> = (doc["queue1"][0].as_array().unwrap().iter())
        .map(|t| t["arrival_tick"].as_u64().unwrap())
        .collect();
    assert_eq!(q1, vec![1, 0]);
    let mut restored = Simulation::restore_json(&text).unwrap();
    assert_eq!(restored.snapshot_json(), text);
    s.run_to_end().unwrap();
    restored.run_to_end().unwrap();
    assert_eq!(restored.snapshot_json(), s.snapshot_json());
}

#[test]
fn a_payment_dropped_in_queue_1_while_a_timed_one_waits_leaves_no_stale_copy() {
    // A (0, UrgentFirst with a buffer of 1: its normal payments wait in Queue 1) has P1 (due
    // at tick 1, dropped there) and T (from-time 5) waiting. P1's slot used to stay in the
    // visible Queue 1 when exactly one payment waited for its from-time, and the next payment
    // to take that slot (P2) was then in Queue 1 twice and released (and queued) twice.
    let mut s = sim(&config(
        10,
        vec![
            agent_with(
                "A",
                0,
                0,
                json!({"type": "UrgentFirst", "target_buffer": 1}),
            ),
            agent("B", 100, 0),
        ],
        json!({"lsm": lsm_off(), "deadline_mode": "drop"}),
    ));
    pay_with(&mut s, "A", "B", 10, 1, 5);
    s.submit(&payment_sim_core::Submission {
        sender: "A".into(),
        receiver: "B".into(),
        amount: 10,
        deadline_offset: 9,
        priority: 5,
        from_offset: Some(5),
    })
    .unwrap();
    s.run(3).unwrap();
    assert_eq!(events_of(&s, "dropped").len(), 1);
    // P2, urgent (released whatever the buffer), at tick 3: it waits in Queue 2 (A has 0).
    pay_with(&mut s, "A", "B", 10, 50, 8);
    let r = s.tick().unwrap();
    assert_eq!(
        (r.queue1_size, r.queue2_size),
        (1, 1),
        "T waits; P2 queued once"
    );
    let released: Vec<String> = (events_of(&s, "released").into_iter())
        .map(|e| e.tx.unwrap())
        .collect();
    assert_eq!(released, vec!["T3"], "released once");
    assert_eq!(events_of(&s, "queued").len(), 1);
}
