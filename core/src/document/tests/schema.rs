//! The JSON Schema generated from the types.

use super::*;

#[test]
fn the_schema_has_both_shapes_their_fields_and_the_cores_bounds() {
    use crate::config::{MAX_LIQUIDITY_RATE_PPM, MAX_PRIORITY, MAX_RATE_PER_TICK, MAX_SPLIT_PARTS};
    let schema: serde_json::Value = serde_json::from_str(&config_schema()).unwrap();
    let defs = &schema["$defs"];
    let fields = |def: &str| -> Vec<String> {
        let mut names: Vec<String> = defs[def]["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        names.sort();
        names
    };
    let sorted = |list: &[&str]| -> Vec<String> {
        let mut names: Vec<String> = list.iter().map(|s| s.to_string()).collect();
        names.sort();
        names
    };
    // The hand-written top level of the reader knows exactly the structs' fields.
    assert_eq!(fields("SimulationConfig"), sorted(MACHINE_FIELDS));
    assert_eq!(fields("Scenario"), sorted(SCENARIO_FIELDS));
    let refs: Vec<&str> = schema["anyOf"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["$ref"].as_str().unwrap())
        .collect();
    assert_eq!(refs, ["#/$defs/Scenario", "#/$defs/SimulationConfig"]);
    let bound = |def: &str, field: &str, key: &str| defs[def]["properties"][field][key].as_f64();
    assert_eq!(
        bound("SplitConfig", "max_parts", "maximum"),
        Some(MAX_SPLIT_PARTS as f64)
    );
    assert_eq!(
        bound("ArrivalConfig", "priority", "maximum"),
        Some(MAX_PRIORITY as f64)
    );
    assert_eq!(
        bound("ArrivalConfig", "rate_per_tick", "maximum"),
        Some(MAX_RATE_PER_TICK)
    );
    assert_eq!(
        bound("ArrivalConfig", "rate_per_tick", "exclusiveMinimum"),
        Some(0.0)
    );
    assert_eq!(
        bound("CostRates", "liquidity_cost_per_unit_per_tick", "maximum"),
        Some(MAX_LIQUIDITY_RATE_PPM as f64)
    );
    assert_eq!(
        bound("ScenarioSimulation", "ticks_per_day", "minimum"),
        Some(1.0)
    );
    // Optional fields accept null (it means "the default"), as the reader does.
    assert_eq!(
        defs["AgentConfig"]["properties"]["credit_limit"]["type"],
        serde_json::json!(["integer", "null"])
    );
    assert_eq!(
        defs["ArrivalConfig"]["properties"]["deadline_offset"]["default"],
        50
    );
}
