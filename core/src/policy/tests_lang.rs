//! The policy language: each construct on hand-computed cases, and bad trees with paths.

use std::collections::BTreeMap;

use serde_json::json;

use super::compile::{compile, Action, Context, MAX_TREE_DEPTH};
use super::eval::leaf;
use super::lang::{PolicyNode, TreeOrder};
use super::tests::{indices, o, view};
use super::{decide, AgentView, CompiledTree, Order, Release};
use crate::config::PolicyConfig;

fn ids() -> BTreeMap<&'static str, usize> {
    [("A", 0), ("B", 1), ("C", 2)].into_iter().collect()
}

fn parse(tree: serde_json::Value) -> PolicyNode {
    serde_json::from_value(tree).unwrap()
}

fn build(tree: serde_json::Value, order: TreeOrder) -> Result<CompiledTree, Vec<String>> {
    let ids = ids();
    let cx = Context {
        ids: &ids,
        agent: 0,
        ticks_per_day: 100,
        has_collateral: true,
    };
    compile(&parse(tree), order, "tree", &cx)
        .map_err(|p| p.into_iter().map(|p| p.message).collect())
}

fn run(tree: serde_json::Value, order: TreeOrder, orders: &[Order], v: &AgentView) -> Vec<Release> {
    let compiled = build(tree.clone(), order).unwrap();
    let policy = PolicyConfig::Tree {
        tree: parse(tree),
        order,
        split: None,
        window: None,
        reset_registers: Default::default(),
    };
    let mut r = Vec::new();
    decide(&policy, Some(&compiled), orders, v, &mut r);
    r
}

fn errors(tree: serde_json::Value) -> Vec<String> {
    build(tree, TreeOrder::Arrival).unwrap_err()
}

#[test]
fn leaves_release_hold_and_split() {
    let orders = [o(10, 50), o(20, 50)];
    let v = view(100, 0, 0);
    assert_eq!(
        indices(&run(json!("release"), TreeOrder::Arrival, &orders, &v)),
        [0, 1]
    );
    assert!(run(json!("hold"), TreeOrder::Arrival, &orders, &v).is_empty());
    let r = run(
        json!({"split": {"parts": 3}}),
        TreeOrder::Arrival,
        &orders,
        &v,
    );
    assert_eq!(
        r,
        [
            Release { index: 0, parts: 3 },
            Release { index: 1, parts: 3 }
        ]
    );
}

#[test]
fn a_test_against_a_constant_and_against_another_feature() {
    // amount > 15 → hold: only the 10 goes.
    let t = json!({"if": {"feature": "amount", "op": ">", "value": 15}, "then": "hold", "else": "release"});
    let orders = [o(10, 50), o(20, 50), o(15, 50)];
    assert_eq!(
        indices(&run(t, TreeOrder::Arrival, &orders, &view(0, 0, 0))),
        [0, 2]
    );
    // balance_after ≥ reserved + 5 with balance 40, reserved 10: 10 → 30 ≥ 15 go; 20 → 10 <
    // 15 hold; 15 → 15 ≥ 15 go (the projection counts only what was released).
    let t = json!({"if": {"feature": "balance_after", "op": ">=", "against": "reserved", "plus": 5},
                   "then": "release", "else": "hold"});
    assert_eq!(
        indices(&run(t, TreeOrder::Arrival, &orders, &view(40, 10, 0))),
        [0, 2]
    );
}

#[test]
fn orders_arrival_deadline_and_urgent_first() {
    let urgent = Order {
        urgent: true,
        ..o(5, 90)
    };
    let orders = [o(1, 30), o(2, 10), urgent, o(4, 10)];
    let v = view(0, 0, 0);
    let r = |order| indices(&run(json!("release"), order, &orders, &v));
    assert_eq!(r(TreeOrder::Arrival), [0, 1, 2, 3]);
    assert_eq!(r(TreeOrder::Deadline), [1, 3, 0, 2]);
    assert_eq!(r(TreeOrder::UrgentFirst), [2, 0, 1, 3]);
}

#[test]
fn every_feature_reads_its_value() {
    let ids = ids();
    let cx = Context {
        ids: &ids,
        agent: 0,
        ticks_per_day: 100,
        has_collateral: true,
    };
    let v = AgentView {
        balance: -30,
        credit_limit: 100,
        reserved: 7,
        tick: 250,
        ticks_per_day: 100,
        queue1_value: 999,
        queue1_count: 4,
        queue2_count: 2,
        queue2_value: 50,
        incoming_value: 40,
        paid_today: 300,
        received_recent: 20,
        paid_recent: 25,
        registers: [1, -2, 3, 4],
    };
    let order = Order {
        amount: 12,
        deadline_tick: 260,
        urgent: true,
        priority: 8,
        receiver: 2,
        arrival_tick: 245,
        received_from: 6,
        paid_to: 9,
    };
    // For each feature, a test `feature == expected` must reach `release` (with 5 released
    // before this order).
    let expected = [
        ("balance", json!(-30)),
        ("credit_limit", json!(100)),
        ("available", json!(70)),
        ("reserved", json!(7)),
        ("queue1_value", json!(999)),
        ("released_value", json!(5)),
        ("balance_after", json!(-47)),
        ("amount", json!(12)),
        ("tick", json!(250)),
        ("tick_of_day", json!(50)),
        ("ticks_to_deadline", json!(10)),
        ("age", json!(5)),
        ("queue1_count", json!(4)),
        ("queue2_count", json!(2)),
        ("priority", json!(8)),
        ("urgent", json!(true)),
        ("counterparty", json!("C")),
        ("credit_headroom", json!(70)),
        ("expected_outflows", json!(1049)),
        ("expected_inflows", json!(40)),
        ("paid_today", json!(300)),
        ("day_outflows", json!(1349)),
        ("received_recent", json!(20)),
        ("paid_recent", json!(25)),
        ("received_from_counterparty", json!(6)),
        ("paid_to_counterparty", json!(9)),
        ("r0", json!(1)),
        ("r1", json!(-2)),
        ("r2", json!(3)),
        ("r3", json!(4)),
    ];
    assert_eq!(expected.len(), super::features::Feature::ALL.len());
    for (feature, value) in expected {
        let t = json!({"if": {"feature": feature, "op": "==", "value": value},
                       "then": "release", "else": "hold"});
        let tree = compile(&parse(t), TreeOrder::Arrival, "tree", &cx).unwrap();
        assert_eq!(leaf(&tree, &v, &order, 5).0, Action::Release, "{feature}");
    }
    // Past its deadline: 0 ticks to go, not negative.
    let late = Order {
        deadline_tick: 200,
        ..order
    };
    let t = json!({"if": {"feature": "ticks_to_deadline", "op": "==", "value": 0},
                   "then": "release", "else": "hold"});
    let tree = compile(&parse(t), TreeOrder::Arrival, "tree", &cx).unwrap();
    assert_eq!(leaf(&tree, &v, &late, 0).0, Action::Release);
}

#[test]
fn the_flat_form_is_preorder_and_evaluation_takes_one_test_per_level() {
    let t = json!({"if": {"feature": "amount", "op": "<", "value": 10},
                   "then": {"split": {"parts": 2}},
                   "else": {"if": {"feature": "priority", "op": ">=", "value": 7},
                            "then": "release", "else": "hold"}});
    let tree = build(t, TreeOrder::Arrival).unwrap();
    assert_eq!(tree.nodes.len(), 5);
    assert_eq!(tree.max_split_parts, 2);
    let v = view(0, 0, 0);
    assert_eq!(leaf(&tree, &v, &o(5, 9), 0).0, Action::Split(2));
    assert_eq!(leaf(&tree, &v, &o(50, 9), 0).0, Action::Hold);
    let high = Order {
        priority: 9,
        ..o(50, 9)
    };
    assert_eq!(leaf(&tree, &v, &high, 0).0, Action::Release);
}

#[test]
fn unknown_features_and_type_errors_are_reported_with_paths() {
    let e = errors(json!({"if": {"feature": "balanse", "op": "<", "value": 1},
                          "then": "release", "else": "hold"}));
    assert_eq!(e.len(), 1);
    assert!(
        e[0].starts_with("tree.if.feature: unknown feature \"balanse\"; known: balance,"),
        "{e:?}"
    );
    let e = errors(json!({"if": {"feature": "urgent", "op": "==", "value": 3},
                          "then": "release", "else": "hold"}));
    assert_eq!(
        e,
        ["tree.if.value: `urgent` is a flag (true/false); 3 is not one"]
    );
    let e = errors(json!({"if": {"feature": "amount", "op": ">", "value": "B"},
                          "then": "release", "else": "hold"}));
    assert_eq!(
        e,
        ["tree.if.value: `amount` is an amount (cents); \"B\" is not one"]
    );
    let e = errors(
        json!({"if": {"feature": "counterparty", "op": "<", "value": "B"},
                          "then": "release", "else": "hold"}),
    );
    assert_eq!(
        e,
        ["tree.if.op: `counterparty` is an agent: only == and != apply (got <)"]
    );
    let e = errors(
        json!({"if": {"feature": "counterparty", "op": "==", "value": "Z"},
                          "then": "release", "else": "hold"}),
    );
    assert_eq!(e, ["tree.if.value: unknown agent \"Z\""]);
    let e = errors(
        json!({"if": {"feature": "counterparty", "op": "==", "value": "A"},
                          "then": "release", "else": "hold"}),
    );
    assert_eq!(
        e,
        ["tree.if.value: \"A\" is this agent: never its own counterparty"]
    );
    let e = errors(
        json!({"if": {"feature": "balance", "op": ">", "against": "age"},
                          "then": "release", "else": "hold"}),
    );
    assert_eq!(
        e,
        ["tree.if.against: `age` is a number of ticks but `balance` is an amount (cents)"]
    );
    let e = errors(
        json!({"if": {"feature": "balance", "op": ">", "value": 1, "against": "reserved"},
                          "then": "release", "else": "hold"}),
    );
    assert_eq!(e, ["tree.if: give exactly one of `value` and `against`"]);
    let e = errors(
        json!({"if": {"feature": "balance", "op": ">", "value": 1, "plus": 2},
                          "then": "release", "else": "hold"}),
    );
    assert_eq!(
        e,
        ["tree.if.plus: `plus` goes with `against`, not with `value`"]
    );
    let e = errors(json!({"split": {"parts": 1}}));
    assert_eq!(e, ["tree.split.parts: must be between 2 and 1000 (got 1)"]);
}

#[test]
fn every_problem_of_a_tree_is_reported_at_once() {
    let e = errors(json!({"if": {"feature": "amount", "op": ">", "value": 5},
                          "then": {"if": {"feature": "nope", "op": "<", "value": 1},
                                   "then": "release", "else": "hold"},
                          "else": {"split": {"parts": 5000}}}));
    assert_eq!(e.len(), 2, "{e:?}");
    assert!(e[0].starts_with("tree.then.if.feature: unknown feature"));
    assert!(e[1].starts_with("tree.else.split.parts: must be between"));
}

#[test]
fn branches_that_are_never_taken_are_errors() {
    // Under amount > 500, amount > 100 always holds: its else is dead.
    let e = errors(json!({"if": {"feature": "amount", "op": ">", "value": 500},
                          "then": {"if": {"feature": "amount", "op": ">", "value": 100},
                                   "then": "release", "else": "hold"},
                          "else": "hold"}));
    assert_eq!(
        e,
        [
            "tree.then.else: this branch is never taken: `amount > 100` always holds here \
                    (given the tests above it and the feature's range)"
        ]
    );
    // A priority is at most 10: priority > 10 never holds.
    let e = errors(
        json!({"if": {"feature": "priority", "op": ">", "value": 10},
                          "then": "release", "else": "hold"}),
    );
    assert_eq!(
        e,
        [
            "tree.then: this branch is never taken: `priority > 10` never holds here \
                    (given the tests above it and the feature's range)"
        ]
    );
    // The bounds of one branch do not leak into its sibling.
    build(
        json!({"if": {"feature": "amount", "op": ">", "value": 500},
                 "then": "release",
                 "else": {"if": {"feature": "amount", "op": "<=", "value": 100},
                          "then": "release", "else": "hold"}}),
        TreeOrder::Arrival,
    )
    .unwrap();
    // tick_of_day is below ticks_per_day (100).
    let e = errors(
        json!({"if": {"feature": "tick_of_day", "op": "<", "value": 100},
                          "then": "release", "else": "hold"}),
    );
    assert_eq!(e.len(), 1);
    assert!(e[0].starts_with("tree.else: this branch is never taken"));
}

#[test]
fn a_tree_deeper_than_the_bound_is_refused() {
    let mut t = json!("release");
    for k in 0..=MAX_TREE_DEPTH {
        t = json!({"if": {"feature": "amount", "op": "!=", "value": 1_000_000 + k},
                   "then": t, "else": "hold"});
    }
    let e = errors(t);
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(
        e[0].ends_with(&format!("the tree is deeper than {MAX_TREE_DEPTH} tests")),
        "{e:?}"
    );
}

#[test]
fn malformed_nodes_are_refused_when_read() {
    let bad = |t: serde_json::Value| {
        serde_json::from_value::<PolicyNode>(t)
            .unwrap_err()
            .to_string()
    };
    assert!(bad(json!("relase")).contains("unknown variant `relase`"));
    assert!(
        bad(json!({"if": {"feature": "amount", "op": "<", "value": 1}, "then": "hold"}))
            .contains("missing field `else`")
    );
    assert!(bad(json!({"when": 1})).contains("unknown field `when`"));
    assert!(bad(json!({"split": {"parts": 2}, "then": "hold"})).contains("split leaf"));
    assert!(
        bad(json!({"if": {"feature": "amount", "op": "=<", "value": 1},
                       "then": "hold", "else": "hold"}))
        .contains("=<")
    );
    assert!(bad(json!(3)).contains("a policy node"));
    // A repeated key is an error, not "the last one wins".
    let text = r#"{"if": {"feature": "amount", "op": "<", "value": 1}, "then": "hold",
                   "then": "release", "else": "hold"}"#;
    let e = serde_json::from_str::<PolicyNode>(text)
        .unwrap_err()
        .to_string();
    assert!(e.contains("duplicate field `then`"), "{e}");
}

/// A shipped behaviour (`examples/policies/`), read as an agent's `policy:` is, compiled.
fn shipped(text: &str) -> (PolicyConfig, CompiledTree) {
    let policy: PolicyConfig = crate::document::read_yaml(text).unwrap();
    let PolicyConfig::Tree { tree, order, .. } = &policy else {
        panic!("a tree")
    };
    let ids = ids();
    let cx = Context {
        ids: &ids,
        agent: 0,
        ticks_per_day: 100,
        has_collateral: true,
    };
    let compiled = compile(tree, *order, "tree", &cx).unwrap();
    (policy, compiled)
}

#[test]
fn the_shipped_buffer_policy_keeps_its_buffer_unless_urgent_or_due() {
    let (policy, tree) = shipped(include_str!("../../../examples/policies/buffer.yaml"));
    let urgent = Order {
        urgent: true,
        ..o(80_000, 90)
    };
    let orders = [o(60_000, 50), o(60_000, 8), o(30_000, 40), urgent];
    let mut r = Vec::new();
    // By deadline: the 8-tick one is due (≤ 10) → released, 90,000 left; the 30,000 would
    // leave 60,000 < 100,000 → held; so would the 60,000; the urgent one goes anyway.
    decide(&policy, Some(&tree), &orders, &view(150_000, 0, 0), &mut r);
    assert_eq!(indices(&r), [1, 3]);
    // With 300,000: 8-tick (240,000 left), 30,000 (210,000), 60,000 (150,000), urgent.
    decide(&policy, Some(&tree), &orders, &view(300_000, 0, 0), &mut r);
    assert_eq!(indices(&r), [1, 2, 0, 3]);
}

#[test]
fn the_shipped_early_late_policy_sends_small_ones_and_splits_large_ones_when_due() {
    let (policy, tree) = shipped(include_str!(
        "../../../examples/policies/small_early_large_late.yaml"
    ));
    let orders = [
        o(50_000, 90),
        o(120_000, 90),
        o(200_000, 40),
        o(300_000, 44),
    ];
    let mut r = Vec::new();
    // Tick 30, balance 150,000: the small one goes (100,000 left); 120,000 would overdraw,
    // it is morning and 60 ticks from its deadline → held; 200,000 is 10 ticks from its
    // deadline → 4 parts; 300,000 is 14 ticks away → 4 parts.
    decide(&policy, Some(&tree), &orders, &view(150_000, 0, 30), &mut r);
    let split = |index| Release { index, parts: 4 };
    assert_eq!(r, [Release { index: 0, parts: 0 }, split(2), split(3)]);
    // Tick 160 is tick 60 of day 1: the afternoon releases the 120,000 too.
    decide(
        &policy,
        Some(&tree),
        &orders,
        &view(150_000, 0, 160),
        &mut r,
    );
    assert_eq!(indices(&r), [0, 1, 2, 3]);
    // Funded without credit: 120,000 ≤ 150,000 − 0 → 4 parts at once, in the morning.
    decide(
        &policy,
        Some(&tree),
        &orders[1..2],
        &view(150_000, 0, 30),
        &mut r,
    );
    assert_eq!(r, [split(0)]);
}
