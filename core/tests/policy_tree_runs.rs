//! Decision-tree policies in whole runs: hand-computed releases, holds and split leaves,
//! snapshot and restore in the middle of a run, and bad trees refused with their paths.

mod common;
use common::*;
use payment_sim_core::{parse_document, SimError, Simulation};
use serde_json::{json, Value};

/// Split what is above 500 in 4, hold what goes to `held`, release the rest.
fn tree_policy(held: &str) -> Value {
    json!({"type": "Tree", "tree": {
        "if": {"feature": "amount", "op": ">", "value": 500},
        "then": {"split": {"parts": 4}},
        "else": {"if": {"feature": "counterparty", "op": "==", "value": held},
                 "then": "hold", "else": "release"}}})
}

#[test]
fn a_tree_splits_holds_and_releases_as_its_leaves_say() {
    let mut s = sim(&config(
        10,
        vec![
            agent_with("A", 1_000, 0, tree_policy("C")),
            agent("B", 0, 0),
            agent("C", 0, 0),
        ],
        Value::Null,
    ));
    let big = pay(&mut s, "A", "B", 802);
    let to_c = pay(&mut s, "A", "C", 100);
    pay(&mut s, "A", "B", 50);
    let r = s.tick().unwrap();
    // 802 → 200, 200, 200, 202 (the remainder on the last part), all settled; 50 settled;
    // the payment to C waits in Queue 1.
    assert_eq!(balances(&s), vec![1_000 - 802 - 50, 852, 0]);
    assert_eq!(r.num_settlements, 5);
    assert_eq!(s.queue1_size("A").unwrap(), 1);
    let split = events_of(&s, "split");
    assert_eq!(split.len(), 1);
    assert_eq!(split[0].tx.as_deref(), Some(big.as_str()));
    assert_eq!(split[0].parts, Some(4));
    let held = events_of(&s, "held");
    assert_eq!(held.len(), 1);
    assert_eq!(held[0].tx.as_deref(), Some(to_c.as_str()));
    // The split friction (50 per extra part by default) is charged once, for 3 extra parts.
    assert_eq!(s.statistics().agents[0].costs.split, 150);
    // Still held on the next tick, and recorded as held only once.
    s.tick().unwrap();
    assert_eq!(s.queue1_size("A").unwrap(), 1);
    assert_eq!(events_of(&s, "held").len(), 1);
}

#[test]
fn a_run_with_trees_restored_from_a_snapshot_continues_identically() {
    let arrivals = |rate: f64, to: [&str; 2]| {
        json!({"rate_per_tick": rate,
        "distribution": {"type": "Uniform", "min": 100, "max": 2000}, "deadline_offset": 12,
        "counterparty_weights": {to[0]: 1.0, to[1]: 2.0}})
    };
    let buffered = json!({"type": "Tree", "order": "deadline", "tree": {
        "if": {"feature": "ticks_to_deadline", "op": "<=", "value": 3},
        "then": "release",
        "else": {"if": {"feature": "balance_after", "op": ">=", "value": 2_000},
                 "then": {"if": {"feature": "amount", "op": ">", "value": 1_500},
                          "then": {"split": {"parts": 3}}, "else": "release"},
                 "else": "hold"}}});
    let mut a = agent_with("A", 5_000, 1_000, buffered.clone());
    a["arrival_config"] = arrivals(1.5, ["B", "C"]);
    let mut b = agent_with("B", 5_000, 0, buffered);
    b["arrival_config"] = arrivals(1.0, ["A", "C"]);
    let mut c = agent_with("C", 3_000, 0, tree_policy("A"));
    c["arrival_config"] = arrivals(0.8, ["A", "B"]);
    let cfg = config(40, vec![a, b, c], json!({"num_days": 2}));
    let mut straight = sim(&cfg);
    let mut first = sim(&cfg);
    first.run(33).unwrap();
    let mut restored = Simulation::restore_json(&first.snapshot_json()).unwrap();
    straight.run_to_end().unwrap();
    restored.run_to_end().unwrap();
    let show = |s: &Simulation| {
        let mut stats = serde_json::to_value(s.statistics()).unwrap();
        stats["provenance"].take();
        (serde_json::to_string(&s.state()).unwrap(), stats)
    };
    assert_eq!(show(&straight), show(&restored));
    // The trees did hold and split something.
    assert!(!events_of(&straight, "held").is_empty());
    assert!(!events_of(&straight, "split").is_empty());
}

#[test]
fn a_bad_tree_in_a_scenario_is_refused_with_its_path() {
    let text = r#"
simulation: {ticks_per_day: 10, num_days: 1, seed: 1}
agents:
  - id: A
    balance: 100
    policy:
      type: Tree
      tree:
        if: {feature: amount, op: ">", value: 10}
        then: {if: {feature: balanse, op: "<", value: 1}, then: release, else: hold}
        else: {if: {feature: amount, op: ">", value: 20}, then: release, else: hold}
  - {id: B, balance: 0, policy: {type: Fifo}}
"#;
    let Err(SimError::InvalidConfig(problems)) = parse_document(text) else {
        panic!("refused")
    };
    let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "agents[0].policy.tree.then.if.feature",
            "agents[0].policy.tree.else.then"
        ]
    );
    assert!(
        problems[1].message.contains("`amount > 20` never holds"),
        "{problems:?}"
    );
    // A node of the wrong shape stops the reading; the path goes down to the node, the
    // message names what is wrong.
    let shape = text.replace(
        "then: release, else: hold}\n  - {id: B",
        "then: relase, else: hold}\n  - {id: B",
    );
    let e = parse_document(&shape).unwrap_err().to_string();
    assert!(
        e.contains(
            "agents[0].policy.tree.else.then: unknown variant `relase`, expected one of `release`"
        ),
        "{e}"
    );
}
