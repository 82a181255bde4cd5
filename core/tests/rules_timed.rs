//! Timed payments (`docs/model.md` § Timed payments): a from-time before which a payment is
//! not submitted for settlement, its till-time (the deadline) rejecting or flagging it, from
//! manual submissions, scheduled payments and generated traffic; bad input; snapshots.

mod common;
use common::*;
use payment_sim_core::{SimError, Simulation, Submission};
use serde_json::{json, Value};

fn timed(
    sim: &mut Simulation,
    from: &str,
    to: &str,
    amount: i64,
    deadline: i64,
    at: i64,
) -> String {
    sim.submit(&Submission {
        sender: from.into(),
        receiver: to.into(),
        amount,
        deadline_offset: deadline,
        priority: 5,
        from_offset: Some(at),
    })
    .expect("valid timed submission")
}

fn settled_at(sim: &Simulation) -> Vec<(String, u64)> {
    events_of(sim, "settled")
        .into_iter()
        .map(|e| (e.tx.unwrap(), e.tick))
        .collect()
}

#[test]
fn a_payment_waits_for_its_from_time_although_its_sender_could_pay() {
    // A holds 100 and submits 50 to B at tick 0 with a from-time 3 ticks on: it is in A's
    // Queue 1 (counted) but not submitted for settlement before tick 3; a plain payment
    // submitted beside it settles at once.
    let mut s = sim(&config(
        10,
        vec![agent("A", 100, 0), agent("B", 0, 0)],
        json!({}),
    ));
    let t1 = timed(&mut s, "A", "B", 50, 8, 3);
    let t2 = pay(&mut s, "A", "B", 10);
    for tick in 0..3 {
        let r = s.tick().unwrap();
        assert_eq!(r.queue1_size, 1, "tick {tick}");
        assert_eq!(s.queue1_size("A").unwrap(), 1);
    }
    assert_eq!(balances(&s), vec![90, 10]);
    // The Fifo policy never held it: it did not see it.
    assert!(events_of(&s, "held").is_empty());
    s.tick().unwrap();
    assert_eq!(balances(&s), vec![40, 60]);
    assert_eq!(settled_at(&s), vec![(t2, 0), (t1, 3)]);
}

#[test]
fn a_from_time_of_zero_changes_nothing() {
    let run = |from: Option<i64>| {
        let mut s = sim(&config(
            10,
            vec![agent("A", 100, 0), agent("B", 0, 0)],
            json!({}),
        ));
        s.submit(&Submission {
            sender: "A".into(),
            receiver: "B".into(),
            amount: 50,
            deadline_offset: 8,
            priority: 5,
            from_offset: from,
        })
        .unwrap();
        s.run_to_end().unwrap();
        (s.statistics(), s.events_since(0))
    };
    assert_eq!(run(Some(0)), run(None));
}

#[test]
fn past_its_till_time_a_payment_is_rejected_or_flagged_by_the_deadline_mode() {
    // A holds nothing: the payment (from-time tick 2, till-time tick 4) never settles. At the
    // end of tick 4 it is rejected (drop) or flagged (overdue), with its event.
    for (mode, kind) in [("drop", "dropped"), ("overdue", "overdue")] {
        let mut s = sim(&config(
            10,
            vec![agent("A", 0, 0), agent("B", 0, 0)],
            json!({"deadline_mode": mode}),
        ));
        let tx = timed(&mut s, "A", "B", 50, 4, 2);
        s.run(4).unwrap();
        assert!(events_of(&s, kind).is_empty(), "{mode}");
        s.tick().unwrap();
        let e = events_of(&s, kind);
        assert_eq!((e.len(), e[0].tick), (1, 4), "{mode}");
        assert_eq!(e[0].tx.as_deref(), Some(tx.as_str()));
    }
}

#[test]
fn a_payment_dropped_while_it_waits_leaves_nothing_behind() {
    // From-time = till-time = tick 3 (allowed); A cannot pay, so it is dropped at the end of
    // tick 3, after joining Queue 1 at tick 3's step 1. A second one, from-time 5, till-time 5,
    // is dropped at tick 5; nothing else happens to it.
    let mut s = sim(&config(
        10,
        vec![agent("A", 0, 0), agent("B", 0, 0)],
        json!({}),
    ));
    timed(&mut s, "A", "B", 50, 3, 3);
    timed(&mut s, "A", "B", 60, 5, 5);
    s.run_to_end().unwrap();
    let dropped: Vec<u64> = events_of(&s, "dropped").iter().map(|e| e.tick).collect();
    assert_eq!(dropped, vec![3, 5]);
    assert_eq!(s.state().agents[0].queue1_size, 0);
    assert_eq!(s.live_transactions(), 0);
}

#[test]
fn a_from_time_after_the_till_time_is_refused_with_its_path() {
    let mut s = sim(&config(
        10,
        vec![agent("A", 100, 0), agent("B", 0, 0)],
        json!({}),
    ));
    let bad = Submission {
        sender: "A".into(),
        receiver: "B".into(),
        amount: 5,
        deadline_offset: 4,
        priority: 5,
        from_offset: Some(5),
    };
    match s.submit(&bad) {
        Err(SimError::InvalidArgument(p)) => {
            assert_eq!(p.path, "from_offset");
            assert!(p.message.contains("after the till-time"), "{}", p.message);
        }
        other => panic!("{other:?}"),
    }
    let negative = Submission {
        from_offset: Some(-1),
        ..bad
    };
    assert!(s.submit(&negative).is_err());
    assert_eq!(s.live_transactions(), 0);
    // In a scenario's schedule.
    let c = config(
        10,
        vec![agent("A", 100, 0), agent("B", 0, 0)],
        json!({"scenario_events": [{"type": "payment", "tick": 1, "sender": "A", "receiver": "B",
                                    "amount": 5, "deadline_offset": 3, "from_offset": 4}]}),
    );
    let err = Simulation::from_json(&c.to_string()).unwrap_err();
    let paths: Vec<String> = err.problems().iter().map(|p| p.path.clone()).collect();
    assert_eq!(paths, vec!["scenario_events[0].from_offset"]);
    // In generated traffic: the from-offset beyond the deadline offset.
    let mut a = agent("A", 100, 0);
    a["arrival_config"] = json!({"rate_per_tick": 1.0,
        "distribution": {"type": "Uniform", "min": 1, "max": 9},
        "counterparty_weights": {"B": 1}, "deadline_offset": 5,
        "timed": {"share": 1.5, "from_offset": 6}});
    let c = config(10, vec![a, agent("B", 0, 0)], json!({}));
    let err = Simulation::from_json(&c.to_string()).unwrap_err();
    let paths: Vec<String> = err.problems().iter().map(|p| p.path.clone()).collect();
    assert_eq!(
        paths,
        vec![
            "agent_configs[0].arrival_config.timed.share",
            "agent_configs[0].arrival_config.timed.from_offset"
        ]
    );
}

#[test]
fn a_scheduled_payment_takes_a_from_time() {
    let c = config(
        10,
        vec![agent("A", 100, 0), agent("B", 0, 0)],
        json!({"event_recording": "full", "scenario_events": [
            {"type": "payment", "tick": 1, "sender": "A", "receiver": "B", "amount": 5,
             "deadline_offset": 6, "from_offset": 4}]}),
    );
    let mut s = sim(&c);
    s.run_to_end().unwrap();
    let arrival = events_of(&s, "arrival");
    assert_eq!(arrival[0].tick, 1);
    assert_eq!(settled_at(&s), vec![("T1".to_string(), 5)]);
}

fn generated(share: f64, from_offset: i64) -> Value {
    let mut agents = Vec::new();
    for (id, other) in [("A", "B"), ("B", "A")] {
        let mut a = agent(id, 10_000, 0);
        let mut arrivals = json!({"rate_per_tick": 2.0,
            "distribution": {"type": "Uniform", "min": 1, "max": 900},
            "counterparty_weights": {other: 1}, "deadline_offset": 10});
        if share > 0.0 {
            arrivals["timed"] = json!({"share": share, "from_offset": from_offset});
        }
        a["arrival_config"] = arrivals;
        agents.push(a);
    }
    config(
        20,
        agents,
        json!({"num_days": 2, "event_recording": "full"}),
    )
}

#[test]
fn generated_timed_payments_settle_no_earlier_than_their_from_time() {
    let mut s = sim(&generated(1.0, 4));
    s.run_to_end().unwrap();
    let arrivals: std::collections::BTreeMap<String, u64> = events_of(&s, "arrival")
        .into_iter()
        .map(|e| (e.tx.unwrap(), e.tick))
        .collect();
    let settled = settled_at(&s);
    assert!(settled.len() > 20, "only {} settled", settled.len());
    for (tx, tick) in settled {
        assert!(
            tick >= arrivals[&tx] + 4,
            "{tx} arrived {} settled {tick}",
            arrivals[&tx]
        );
    }
    // A share of 0 draws one more number per order, so it is not the run without `timed`,
    // but it holds nothing back: every order is submitted at arrival.
    let mut none = sim(&generated(0.0, 4));
    none.run_to_end().unwrap();
    assert!(none.statistics().settlements > 0);
}

#[test]
fn a_snapshot_with_waiting_payments_restores_and_continues_identically() {
    let mut whole = sim(&generated(0.5, 3));
    timed(&mut whole, "A", "B", 77, 9, 5); // a manual one, pending at the snapshot
    let mut cut = sim(&generated(0.5, 3));
    timed(&mut cut, "A", "B", 77, 9, 5);
    whole.run_to_end().unwrap();
    // Snapshot before the first tick (the submission pending) and mid-run (payments waiting).
    let doc = cut.snapshot_json();
    assert!(doc.contains(r#""timed":[{"tx":{"seq":1,"part":0},"from_tick":5}]"#));
    let mut cut = Simulation::restore_json(&doc).unwrap();
    assert_eq!(cut.snapshot_json(), doc);
    // The first tick after 10 at whose end generated payments wait.
    let doc = loop {
        cut.tick().unwrap();
        let doc = cut.snapshot_json();
        let v: Value = serde_json::from_str(&doc).unwrap();
        if cut.current_tick() > 10 && v.get("timed").is_some() {
            break doc;
        }
        assert!(cut.current_tick() < 30, "nothing waited");
    };
    let mut restored = Simulation::restore_json(&doc).unwrap();
    assert_eq!(restored.snapshot_json(), doc);
    restored.run_to_end().unwrap();
    assert_eq!(restored.events_since(0), whole.events_since(0));
    assert_eq!(restored.statistics(), whole.statistics());
}

#[test]
fn a_snapshot_naming_a_payment_it_does_not_hold_is_refused() {
    let mut s = sim(&config(
        10,
        vec![agent("A", 100, 0), agent("B", 0, 0)],
        json!({}),
    ));
    timed(&mut s, "A", "B", 50, 8, 3);
    s.tick().unwrap();
    let mut v: Value = serde_json::from_str(&s.snapshot_json()).unwrap();
    assert_eq!(
        v["timed"],
        json!([{"tx": {"seq": 1, "part": 0}, "from_tick": 3}])
    );
    let mut wrong = v.clone();
    wrong["timed"][0]["tx"]["seq"] = json!(9);
    let err = Simulation::restore_json(&wrong.to_string()).unwrap_err();
    assert!(
        err.to_string().contains("timed[0]: T9 is not in queue1"),
        "{err}"
    );
    v["timed"][0]["from_tick"] = json!(1);
    let err = Simulation::restore_json(&v.to_string()).unwrap_err();
    assert!(
        err.to_string()
            .contains("is not after the snapshot's tick 1"),
        "{err}"
    );
}
