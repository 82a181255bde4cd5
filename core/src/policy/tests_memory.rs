//! `do` leaves (registers, collateral), `percent`, the node paths of malformed
//! trees, and the two shipped behaviours that read remembered features.

use serde_json::json;

use super::compile::{compile, Context};
use super::eval::{decide_tree, Outcome};
use super::lang::{PolicyNode, TreeOrder};
use super::tests::{indices, o, view};
use super::{AgentView, CompiledTree, Order, Release};
use crate::config::PolicyConfig;

fn build(tree: serde_json::Value, has_collateral: bool) -> Result<CompiledTree, Vec<String>> {
    let ids = [("A", 0), ("B", 1), ("C", 2)].into_iter().collect();
    let cx = Context {
        ids: &ids,
        agent: 0,
        ticks_per_day: 100,
        has_collateral,
    };
    let node: PolicyNode = serde_json::from_value(tree).unwrap();
    compile(&node, TreeOrder::Arrival, "tree", &cx)
        .map_err(|p| p.into_iter().map(|p| p.message).collect())
}

fn run(tree: &CompiledTree, orders: &[Order], v: &mut AgentView) -> (Vec<Release>, Outcome) {
    let (mut r, mut out) = (Vec::new(), Outcome::default());
    decide_tree(tree, orders, v, &mut r, &mut out);
    (r, out)
}

#[test]
fn registers_count_releases_within_a_decision_and_carry_over() {
    // Release at most two orders per decision: r0 counts them (reset by the caller's memory
    // when the policy says so; here it carries over from the view).
    let tree = build(
        json!({"if": {"feature": "r0", "op": "<", "value": 2},
               "then": {"do": "release", "add": {"r0": 1}},
               "else": {"do": "hold", "set": {"r1": 7}}}),
        false,
    )
    .unwrap();
    let orders = [o(1, 9), o(2, 9), o(3, 9)];
    let mut v = view(100, 0, 0);
    let (r, out) = run(&tree, &orders, &mut v);
    assert_eq!(indices(&r), [0, 1]);
    assert_eq!(v.registers, [2, 7, 0, 0]);
    assert_eq!(out, Outcome::default());
    // Next decision with r0 = 2 already: nothing goes.
    let (r, _) = run(&tree, &orders, &mut v);
    assert!(r.is_empty());
}

#[test]
fn collateral_effects_add_up_per_decision() {
    let tree = build(
        json!({"if": {"feature": "amount", "op": ">", "value": 10},
               "then": {"do": "hold", "collateral": 500},
               "else": {"do": "release", "collateral": -100}}),
        true,
    )
    .unwrap();
    let orders = [o(5, 9), o(50, 9), o(20, 9)];
    let (r, out) = run(&tree, &orders, &mut view(100, 0, 0));
    assert_eq!(indices(&r), [0]);
    // −100 for the small one, +500 for each of the two large ones.
    assert_eq!(out.collateral, 900);
}

#[test]
fn bad_effects_are_named_with_paths() {
    let e = build(
        json!({"if": {"feature": "amount", "op": ">", "value": 10},
               "then": {"do": {"if": {"feature": "amount", "op": ">", "value": 20},
                               "then": "hold", "else": "hold"}},
               "else": {"do": "release", "set": {"r9": 1, "r0": 1}, "add": {"r0": 1},
                        "collateral": 5}}),
        false,
    )
    .unwrap_err();
    let want = [
        "tree.then.do: a `do` leaf decides",
        "tree.else.set.r9: unknown register \"r9\"",
        "tree.else.add.r0: `r0` is both set and added to",
        "tree.else.collateral: the agent has no collateral",
    ];
    assert_eq!(e.len(), want.len(), "{e:?}");
    for (got, want) in e.iter().zip(want) {
        assert!(got.starts_with(want), "{got} / {want}");
    }
}

#[test]
fn percent_compares_exactly() {
    // paid_today < 50% of day_outflows: 49 of 100 → true; 50 of 100 → false.
    let tree = build(
        json!({"if": {"feature": "paid_today", "op": "<", "against": "day_outflows",
                      "percent": 50},
               "then": "release", "else": "hold"}),
        false,
    )
    .unwrap();
    let mut v = AgentView {
        paid_today: 49,
        queue1_value: 51,
        ..view(0, 0, 0)
    };
    assert_eq!(run(&tree, &[o(1, 9)], &mut v).0.len(), 1);
    v.paid_today = 50;
    v.queue1_value = 50;
    assert!(run(&tree, &[o(1, 9)], &mut v).0.is_empty());
}

#[test]
fn a_malformed_node_is_reported_at_its_path() {
    let doc = "simulation: {ticks_per_day: 10, num_days: 1, seed: 1}\nagents:\n  - id: A\n    balance: 0\n    policy:\n      type: Tree\n      tree:\n        if: {feature: amount, op: '>', value: 1}\n        then: release\n        else:\n          if: {feture: amount, op: '>', value: 5}\n          then: release\n          else: hold\n  - {id: B, balance: 0, policy: {type: Fifo}}\n";
    let e = crate::parse_document(doc).unwrap_err().problems();
    assert_eq!(e[0].path, "agents[0].policy.tree.else.if", "{e:?}");
    assert!(e[0].message.contains("unknown field `feture`"), "{e:?}");
    let doc = doc.replace("else: hold", "else: relase");
    let e = crate::parse_document(&doc).unwrap_err().problems();
    assert_eq!(e[0].path, "agents[0].policy.tree.else.else", "{e:?}");
}

#[test]
fn policy_files_are_inlined_relative_to_the_reader_and_refused_without_one() {
    let doc = "simulation: {ticks_per_day: 10, num_days: 1, seed: 1}\nagents:\n  - {id: A, balance: 0, policy: {file: ../policies/p.yaml}}\n  - {id: B, balance: 0, policy: {type: Fifo}}\n";
    let e = crate::parse_document(doc).unwrap_err().problems();
    let p = e.iter().find(|p| p.path == "agents[0].policy.file");
    assert!(
        p.is_some_and(|p| p.message.contains("must be read before")),
        "{e:?}"
    );
    let mut read = |name: &str| {
        assert_eq!(name, "../policies/p.yaml");
        Ok("type: Tree\ntree: {do: release, set: {r0: 1}}\n".to_string())
    };
    let (config, _) = crate::parse_document_resolving(doc, &mut read).unwrap();
    assert!(matches!(
        config.agent_configs[0].policy,
        PolicyConfig::Tree { .. }
    ));
    let mut bad = |_: &str| {
        Ok("type: Tree\ntree: {if: {feature: nope, op: '>', value: 1}, then: release, else: hold}\n".to_string())
    };
    let e = crate::parse_document_resolving(doc, &mut bad)
        .unwrap_err()
        .problems();
    assert!(e[0].message.contains("unknown feature \"nope\""), "{e:?}");
}

/// A shipped behaviour compiled for agent A of A, B, C.
fn shipped(text: &str) -> (PolicyConfig, CompiledTree) {
    let policy: PolicyConfig = crate::document::read_yaml(text).unwrap();
    let PolicyConfig::Tree { tree, order, .. } = &policy else {
        panic!("a tree")
    };
    let ids = [("A", 0), ("B", 1), ("C", 2)].into_iter().collect();
    let cx = Context {
        ids: &ids,
        agent: 0,
        ticks_per_day: 100,
        has_collateral: false,
    };
    let compiled = compile(tree, *order, "tree", &cx).unwrap();
    (policy, compiled)
}

#[test]
fn the_shipped_reciprocity_policy_pays_those_who_paid() {
    let (_, tree) = shipped(include_str!("../../../examples/policies/reciprocity.yaml"));
    assert!(tree.reads_window);
    let to = |receiver, received_from, amount, deadline| Order {
        receiver,
        received_from,
        ..o(amount, deadline)
    };
    // Balance 50,000. B paid A 30,000 in the window, C nothing. Orders: to C 40,000 (far)
    // → 10,000 left < 100,000 → held; to B 80,000 → B paid → released (overdraws: credit);
    // to C 20,000 due in 5 ticks → released; urgent to C → released.
    let urgent = Order {
        urgent: true,
        ..to(2, 0, 10_000, 90)
    };
    let orders = [
        to(2, 0, 40_000, 90),
        to(1, 30_000, 80_000, 90),
        to(2, 0, 20_000, 5),
        urgent,
    ];
    let (r, _) = run(&tree, &orders, &mut view(50_000, 0, 0));
    assert_eq!(indices(&r), [1, 2, 3]);
    // With 300,000 and nobody paying: the buffer rule alone, 40,000 → 260,000 ≥ 100,000.
    let orders = [to(2, 0, 40_000, 90), to(1, 0, 250_000, 90)];
    let (r, _) = run(&tree, &orders, &mut view(300_000, 0, 0));
    assert_eq!(indices(&r), [0]);
}

#[test]
fn the_shipped_throughput_policy_catches_up_with_the_guideline() {
    let (_, tree) = shipped(include_str!(
        "../../../examples/policies/chaps_throughput.yaml"
    ));
    // Balance 0: nothing is funded without credit; orders of 10,000 far from their deadline.
    let orders = [o(10_000, 95), o(10_000, 95)];
    let at = |tick, paid_today| AgentView {
        paid_today,
        queue1_value: 20_000,
        ..view(0, 0, tick)
    };
    // Morning (tick 30): hold.
    assert!(run(&tree, &orders, &mut at(30, 0)).0.is_empty());
    // 12:00 (tick 50), paid 10,000 of 30,000 (33% < 50%): behind → release both.
    assert_eq!(indices(&run(&tree, &orders, &mut at(50, 10_000)).0), [0, 1]);
    // Tick 60, paid 20,000 of 40,000 (50%, not behind): hold.
    assert!(run(&tree, &orders, &mut at(60, 20_000)).0.is_empty());
    // 14:30 (tick 71), still 50% < 75%: behind → release.
    assert_eq!(indices(&run(&tree, &orders, &mut at(71, 20_000)).0), [0, 1]);
    // Tick 80, paid 60,000 of 80,000 (75%): on track → hold, unless due (≤ 10 ticks).
    assert!(run(&tree, &orders, &mut at(80, 60_000)).0.is_empty());
    let due = [o(10_000, 85), o(10_000, 95)];
    assert_eq!(indices(&run(&tree, &due, &mut at(80, 60_000)).0), [0]);
    // Funded without credit: released at any time (balance 15,000: the first, not both).
    assert_eq!(
        indices(
            &run(
                &tree,
                &orders,
                &mut AgentView {
                    balance: 15_000,
                    ..at(30, 0)
                }
            )
            .0
        ),
        [0]
    );
}
