//! The built-in policies written in the policy language (`docs/policies.md`) give
//! byte-identical runs on every shipped scenario: the same tick results, events and
//! statistics.

use payment_sim_core::config::PolicyConfig;
use payment_sim_core::{parse_document, Simulation, SimulationConfig};
use serde_json::{json, Value};

const SCENARIOS: &[(&str, &str)] = &[
    (
        "four_bank_ring",
        include_str!("../../examples/scenarios/four_bank_ring.yaml"),
    ),
    (
        "four_bank_ring_manual",
        include_str!("../../examples/scenarios/four_bank_ring_manual.yaml"),
    ),
    (
        "liquidity_aware_split",
        include_str!("../../examples/scenarios/liquidity_aware_split.yaml"),
    ),
    (
        "liquidity_from_bounds",
        include_str!("../../examples/scenarios/liquidity_from_bounds.yaml"),
    ),
    (
        "outage_and_shock",
        include_str!("../../examples/scenarios/outage_and_shock.yaml"),
    ),
    (
        "scarce_liquidity",
        include_str!("../../examples/scenarios/scarce_liquidity.yaml"),
    ),
    (
        "scarce_liquidity_no_lsm",
        include_str!("../../examples/scenarios/scarce_liquidity_no_lsm.yaml"),
    ),
    (
        "seed_benchmark",
        include_str!("../../examples/scenarios/seed_benchmark.yaml"),
    ),
    (
        "seed_benchmark_100",
        include_str!("../../examples/scenarios/seed_benchmark_100.yaml"),
    ),
    (
        "t2_rules",
        include_str!("../../examples/scenarios/t2_rules.yaml"),
    ),
    (
        "two_bank_exchange",
        include_str!("../../examples/scenarios/two_bank_exchange.yaml"),
    ),
];

/// The tree that does what `policy` does (its `split` rule kept).
fn as_tree(policy: &PolicyConfig) -> PolicyConfig {
    let (order, tree) = match policy {
        PolicyConfig::Fifo { .. } => ("arrival", json!("release")),
        PolicyConfig::Deadline { .. } => ("deadline", json!("release")),
        PolicyConfig::LiquidityAware {
            target_buffer,
            urgency_threshold,
            ..
        } => (
            "arrival",
            json!({
                "if": {"feature": "ticks_to_deadline", "op": "<=", "value": urgency_threshold},
                "then": "release",
                "else": {
                    "if": {"feature": "balance_after", "op": ">=", "value": target_buffer},
                    "then": "release",
                    "else": "hold"
                }
            }),
        ),
        PolicyConfig::UrgentFirst { target_buffer, .. } => (
            "urgent_first",
            json!({
                "if": {"feature": "urgent", "op": "==", "value": true},
                "then": "release",
                "else": {
                    "if": {"feature": "balance_after", "op": ">=", "against": "reserved",
                           "plus": target_buffer},
                    "then": "release",
                    "else": "hold"
                }
            }),
        ),
        PolicyConfig::Tree { .. } | PolicyConfig::File { .. } => return policy.clone(),
        // No shipped scenario uses one: a host program decides it.
        PolicyConfig::Host { .. } => return policy.clone(),
    };
    let mut doc = json!({"type": "Tree", "order": order, "tree": tree});
    if let Some(split) = policy.split() {
        doc["split"] = serde_json::to_value(split).unwrap();
    }
    serde_json::from_value(doc).unwrap()
}

/// Everything a run shows: every tick's result, every event, the final statistics.
fn run(config: SimulationConfig) -> (String, String, String) {
    let mut sim = Simulation::new(config).unwrap();
    let mut ticks = Vec::new();
    while !sim.is_finished() {
        ticks.push(serde_json::to_string(&sim.tick().unwrap()).unwrap());
    }
    let events = serde_json::to_string(&sim.events_since(0)).unwrap();
    let mut stats = serde_json::to_value(sim.statistics()).unwrap();
    // The provenance names the document by its hash, and the documents differ (that is the
    // point); everything else must not.
    let hash = stats["provenance"]["scenario_hash"].take();
    assert!(hash.as_str().unwrap().starts_with("sha256:"));
    let stats = serde_json::to_string(&stats).unwrap();
    (ticks.join("\n"), events, stats)
}

#[test]
fn the_built_in_policies_as_trees_run_byte_identically_on_every_shipped_scenario() {
    let mut kinds = std::collections::BTreeSet::new();
    for (name, text) in SCENARIOS {
        let (mut config, _) = parse_document(text).unwrap();
        if !config.rules.is_empty() {
            // Under a `rules` section the built-ins go by class, reservations and limits
            // (`policy::classed`, `docs/model.md` § 2), which the trees below do not: compare
            // them on the same day without the rules (and the actions that need them).
            config.rules = Default::default();
            config.scenario_events.clear();
        }
        let mut trees = config.clone();
        for agent in &mut trees.agent_configs {
            let kind = serde_json::to_value(&agent.policy).unwrap()["type"].clone();
            kinds.insert(kind.as_str().unwrap().to_string());
            agent.policy = as_tree(&agent.policy);
        }
        // The rewritten document is valid and really uses trees.
        let text = serde_json::to_string(&trees).unwrap();
        let trees = SimulationConfig::from_json(&text).unwrap();
        assert!(trees
            .agent_configs
            .iter()
            .all(|a| matches!(a.policy, PolicyConfig::Tree { .. })));
        let (a, b) = (run(config), run(trees));
        assert!(
            a.0.lines().count() > 1 && a.1.len() > 2,
            "{name}: the run did something"
        );
        assert!(a.0 == b.0, "{name}: tick results differ");
        assert!(a.1 == b.1, "{name}: events differ");
        assert!(a.2 == b.2, "{name}: statistics differ");
    }
    // Every built-in policy was compared on at least one scenario.
    let all: Vec<&str> = vec!["Deadline", "Fifo", "LiquidityAware", "UrgentFirst"];
    assert_eq!(kinds.iter().map(String::as_str).collect::<Vec<_>>(), all);
}

#[test]
fn a_tree_policy_round_trips_through_the_document() {
    let (config, _) = parse_document(SCENARIOS[2].1).unwrap();
    let mut trees = config.clone();
    for agent in &mut trees.agent_configs {
        agent.policy = as_tree(&agent.policy);
    }
    let text = serde_json::to_string(&trees).unwrap();
    let back = SimulationConfig::from_json(&text).unwrap();
    assert_eq!(back, trees);
    assert_eq!(serde_json::to_string(&back).unwrap(), text);
    let policy: Value = serde_json::to_value(&back.agent_configs[0].policy).unwrap();
    assert_eq!(policy["type"], "Tree");
}

/// A tree that remembers (registers reset each day, a rolling window, today's payments),
/// snapshotted in the middle of the run and restored, continues exactly as
/// the uninterrupted run.
#[test]
fn a_remembering_tree_continues_identically_after_snapshot_and_restore() {
    let text = include_str!("../../examples/scenarios/scarce_liquidity.yaml");
    let (mut config, _) = parse_document(text).unwrap();
    let policy: PolicyConfig = serde_json::from_value(json!({
        "type": "Tree",
        "window": 7,
        "reset_registers": "day",
        "tree": {
            "if": {"feature": "received_from_counterparty", "op": ">", "value": 0},
            "then": {"do": "release", "add": {"r0": 1}},
            "else": {
                "if": {"feature": "r0", "op": ">=", "value": 3},
                "then": "hold",
                "else": {
                    "if": {"feature": "paid_today", "op": "<", "against": "day_outflows",
                           "percent": 60},
                    "then": {"do": "release", "add": {"r1": 1}},
                    "else": "hold"
                }
            }
        }
    }))
    .unwrap();
    for agent in &mut config.agent_configs {
        agent.policy = policy.clone();
    }
    let whole = run(config.clone());
    let mut sim = Simulation::new(config.clone()).unwrap();
    let mut ticks = Vec::new();
    for _ in 0..137 {
        ticks.push(serde_json::to_string(&sim.tick().unwrap()).unwrap());
    }
    let snapshot = sim.snapshot_json();
    let memory = serde_json::from_str::<Value>(&snapshot).unwrap()["policy_memory"].clone();
    assert!(memory["agents"].as_object().is_some_and(|a| !a.is_empty()));
    let mut back = Simulation::restore_json(&snapshot).unwrap();
    assert_eq!(back.snapshot_json(), snapshot);
    while !back.is_finished() {
        ticks.push(serde_json::to_string(&back.tick().unwrap()).unwrap());
    }
    assert!(
        ticks.join("\n") == whole.0,
        "tick results differ after restore"
    );
    let events = serde_json::to_string(&back.events_since(0)).unwrap();
    assert!(events == whole.1, "events differ after restore");
}
