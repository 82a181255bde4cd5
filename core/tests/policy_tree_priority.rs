//! Tree leaves that change a payment's priority (`priority: {set}` / `{add}`): hand-computed
//! Queue 2 order, the `priority_changed` event, snapshot and restore in the middle of a run,
//! and bad changes refused with their paths.

mod common;
use common::*;
use payment_sim_core::{parse_document, SimError, Simulation};
use serde_json::{json, Value};

/// Release everything; payments to C get `change` as their leaf's priority effect.
fn raise_to_c(change: Value) -> Value {
    json!({"type": "Tree", "tree": {
        "if": {"feature": "counterparty", "op": "==", "value": "C"},
        "then": {"do": "release", "priority": change},
        "else": "release"}})
}

/// Release everything; payments to B get `change`.
fn raise_to_b(change: Value) -> Value {
    json!({"type": "Tree", "tree": {
        "if": {"feature": "counterparty", "op": "==", "value": "B"},
        "then": {"do": "release", "priority": change},
        "else": "release"}})
}

/// A (balance 0) pays B then C 100 each at priority 5: both wait in Queue 2. On tick 1, D pays
/// A 100, which funds one of them on the Queue 2 retry: the higher priority, else the earlier
/// entry. Returns the receiver settled first, A's `priority_changed` events and the state.
fn who_settles_first(policy: Value) -> (String, Vec<(String, u8, u8)>, Simulation) {
    let mut s = sim(&config(
        10,
        vec![
            agent_with("A", 0, 0, policy),
            agent("B", 0, 0),
            agent("C", 0, 0),
            agent("D", 100, 0),
        ],
        json!({"lsm": lsm_off()}),
    ));
    pay(&mut s, "A", "B", 100);
    let to_c = pay(&mut s, "A", "C", 100);
    s.tick().unwrap();
    assert_eq!(s.queue2_size(), 2);
    pay(&mut s, "D", "A", 100);
    s.tick().unwrap();
    assert_eq!(s.queue2_size(), 1);
    let first = match balances(&s)[..] {
        [0, 100, 0, 0] => "B",
        [0, 0, 100, 0] => "C",
        ref other => panic!("unexpected balances {other:?}"),
    };
    let changed = events_of(&s, "priority_changed")
        .into_iter()
        .map(|e| {
            assert_eq!(e.tx.as_deref(), Some(to_c.as_str()));
            assert_eq!(e.sender.as_deref(), Some("A"));
            (
                e.tx.unwrap(),
                e.previous_priority.unwrap(),
                e.priority.unwrap(),
            )
        })
        .collect();
    (first.to_string(), changed, s)
}

#[test]
fn a_raised_priority_moves_a_payment_ahead_in_queue_2() {
    // Without a change the earlier entry (to B) goes first.
    let (first, changed, _) = who_settles_first(raise_to_c(json!({"set": 5})));
    assert_eq!((first.as_str(), changed.len()), ("B", 0));
    // Raised to 9 before its release, the payment to C is retried first.
    let (first, changed, s) = who_settles_first(raise_to_c(json!({"set": 9})));
    assert_eq!(first, "C");
    assert_eq!(changed.len(), 1);
    assert_eq!((changed[0].1, changed[0].2), (5, 9));
    // The event comes after the arrival and before the release, in tick 0.
    let kinds: Vec<(u64, String)> = (s.events_since(0).into_iter())
        .filter(|e| e.tx.as_deref() == Some(changed[0].0.as_str()))
        .map(|e| (e.tick, e.kind))
        .collect();
    let kinds: Vec<(u64, &str)> = kinds.iter().map(|(t, k)| (*t, k.as_str())).collect();
    assert_eq!(
        kinds,
        [
            (0, "arrival"),
            (0, "priority_changed"),
            (0, "released"),
            (0, "queued"),
            (1, "settled")
        ]
    );
    // A lowered priority of the payment to B does the same.
    let lower_b = json!({"type": "Tree", "tree": {
        "if": {"feature": "counterparty", "op": "==", "value": "B"},
        "then": {"do": "release", "priority": {"add": -2}},
        "else": "release"}});
    let mut s = sim(&config(
        10,
        vec![
            agent_with("A", 0, 0, lower_b),
            agent("B", 0, 0),
            agent("C", 0, 0),
            agent("D", 100, 0),
        ],
        json!({"lsm": lsm_off()}),
    ));
    pay(&mut s, "A", "B", 100);
    pay(&mut s, "A", "C", 100);
    s.tick().unwrap();
    pay(&mut s, "D", "A", 100);
    s.tick().unwrap();
    assert_eq!(balances(&s), vec![0, 0, 100, 0]);
    let e = &events_of(&s, "priority_changed")[0];
    assert_eq!((e.previous_priority, e.priority), (Some(5), Some(3)));
}

#[test]
fn an_added_priority_is_clamped_and_no_change_records_nothing() {
    let mut s = sim(&config(
        10,
        vec![
            agent_with("A", 1_000, 0, raise_to_c(json!({"add": 3}))),
            agent("B", 0, 0),
            agent("C", 0, 0),
        ],
        Value::Null,
    ));
    pay_with(&mut s, "A", "C", 10, 50, 9);
    pay_with(&mut s, "A", "C", 10, 50, 10);
    pay_with(&mut s, "A", "C", 10, 50, 0);
    s.tick().unwrap();
    let changes: Vec<(Option<u8>, Option<u8>)> = events_of(&s, "priority_changed")
        .iter()
        .map(|e| (e.previous_priority, e.priority))
        .collect();
    // 9 + 3 → 10; 10 stays 10 (no event); 0 + 3 → 3.
    assert_eq!(changes, [(Some(9), Some(10)), (Some(0), Some(3))]);
}

#[test]
fn a_run_that_changes_priorities_restored_from_a_snapshot_continues_identically() {
    let arrivals = |rate: f64, to: [&str; 2]| {
        json!({"rate_per_tick": rate,
        "distribution": {"type": "Uniform", "min": 100, "max": 2000}, "deadline_offset": 12,
        "counterparty_weights": {to[0]: 1.0, to[1]: 2.0}})
    };
    // Held orders gain a priority step each tick they wait; urgent ones go first.
    let ageing = json!({"type": "Tree", "order": "urgent_first", "tree": {
        "if": {"feature": "balance_after", "op": ">=", "value": 1_000},
        "then": "release",
        "else": {"if": {"feature": "priority", "op": ">=", "value": 8},
                 "then": {"do": "release", "priority": {"set": 10}},
                 "else": {"do": "hold", "priority": {"add": 1}}}}});
    let mut a = agent_with("A", 4_000, 1_000, ageing.clone());
    a["arrival_config"] = arrivals(1.5, ["B", "C"]);
    let mut b = agent_with("B", 4_000, 0, ageing);
    b["arrival_config"] = arrivals(1.0, ["A", "C"]);
    let mut c = agent_with("C", 3_000, 0, raise_to_b(json!({"add": 2})));
    c["arrival_config"] = arrivals(0.8, ["A", "B"]);
    let cfg = config(40, vec![a, b, c], json!({"num_days": 2}));
    let mut straight = sim(&cfg);
    let mut first = sim(&cfg);
    first.run(33).unwrap();
    // The snapshot's event check replays every priority change against the queues.
    let mut restored = Simulation::restore_json(&first.snapshot_json()).unwrap();
    straight.run_to_end().unwrap();
    restored.run_to_end().unwrap();
    let show = |s: &Simulation| {
        let mut stats = serde_json::to_value(s.statistics()).unwrap();
        stats["provenance"].take();
        (serde_json::to_string(&s.state()).unwrap(), stats)
    };
    assert_eq!(show(&straight), show(&restored));
    assert_eq!(
        serde_json::to_string(&straight.events_since(0)).unwrap(),
        serde_json::to_string(&restored.events_since(0)).unwrap()
    );
    // Priorities did change before the snapshot, and a snapshot of the end restores too.
    assert!(!events_of(&first, "priority_changed").is_empty());
    Simulation::restore_json(&straight.snapshot_json()).unwrap();
}

#[test]
fn a_snapshot_whose_priority_change_does_not_fit_its_arrival_is_refused() {
    let mut s = sim(&config(
        10,
        vec![
            agent_with("A", 0, 0, raise_to_c(json!({"set": 9}))),
            agent("C", 0, 0),
        ],
        json!({"lsm": lsm_off()}),
    ));
    pay(&mut s, "A", "C", 100);
    s.tick().unwrap();
    let snapshot = s.snapshot_json();
    Simulation::restore_json(&snapshot).unwrap();
    // The queued payment's priority (9) without the event that changed it: refused.
    let mut doc: Value = serde_json::from_str(&snapshot).unwrap();
    let events = doc["events"].as_array_mut().unwrap();
    let at = events
        .iter()
        .position(|e| e.to_string().contains("priority_changed"))
        .expect("the snapshot holds the event");
    events.remove(at);
    for (i, e) in events.iter_mut().enumerate() {
        e["seq"] = json!(i + 1);
    }
    let Err(err) = Simulation::restore_json(&doc.to_string()) else {
        panic!("refused")
    };
    assert!(
        err.to_string().contains("differs from its arrival"),
        "{err}"
    );
}

#[test]
fn bad_priority_changes_are_refused_with_their_paths() {
    let text = r#"
simulation: {ticks_per_day: 10, num_days: 1, seed: 1}
agents:
  - id: A
    balance: 100
    policy:
      type: Tree
      tree:
        if: {feature: amount, op: ">", value: 10}
        then: {do: release, priority: {set: 11}}
        else:
          if: {feature: amount, op: ">", value: 5}
          then: {do: hold, priority: {add: 0}}
          else: {do: release, priority: {set: 1, add: 1}}
  - {id: B, balance: 0, policy: {type: Fifo}}
"#;
    let Err(SimError::InvalidConfig(problems)) = parse_document(text) else {
        panic!("refused")
    };
    let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "agents[0].policy.tree.then.priority.set",
            "agents[0].policy.tree.else.then.priority.add",
            "agents[0].policy.tree.else.else.priority",
        ]
    );
    assert!(
        problems[0].message.contains("between 0 and 10 (got 11)"),
        "{problems:?}"
    );
    // A priority beside a test, not in a `do` leaf, is a reading error.
    let text = text.replace(
        "then: {do: release, priority: {set: 11}}",
        "then: {split: {parts: 2}, priority: {set: 1}}",
    );
    assert!(parse_document(&text).is_err());
}
