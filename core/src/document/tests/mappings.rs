//! Where a document has a mapping (or a unit enum's string), nothing else is read as one.

use super::*;

/// serde's derive reads a struct from a list too (its fields by position), and an internally
/// tagged enum from a list led by its tag; serde_json offers a list wherever a struct is asked
/// for, and serde's buffer of a tagged enum's fields does in YAML too. Every list below was
/// read as the mapping it stands for. Each position where the documents (and the JSON Schema)
/// have a mapping now refuses a list, in JSON and in YAML, with serde's message for a wrong
/// type and the path of the position.
#[test]
fn a_list_where_a_mapping_belongs_is_refused_with_its_path() {
    use serde_json::{json, Value};

    // The two shapes of one document; `balance` is the agent's balance field in that shape.
    let agents = |balance: &str| {
        let mut a = json!({"id": "A", "credit_limit": 10,
            "policy": {"type": "Fifo", "split": {"threshold": 10, "max_parts": 2}},
            "arrival_config": {"rate_per_tick": 1.0,
                "distribution": {"type": "Uniform", "min": 1, "max": 5},
                "counterparty_weights": {"B": 1.0}}});
        let mut b = json!({"id": "B",
            "policy": {"type": "LiquidityAware", "target_buffer": 5, "urgency_threshold": 2}});
        a[balance] = 100.into();
        b[balance] = 0.into();
        json!([a, b])
    };
    let machine = json!({"ticks_per_day": 5, "num_days": 2, "rng_seed": 7,
        "agent_configs": agents("opening_balance"),
        "cost_rates": {"eod_penalty": 5}, "lsm": {"bilateral": true}});
    let scenario = json!({"simulation": {"ticks_per_day": 5, "num_days": 2, "seed": 7},
        "agents": agents("balance"), "costs": {"eod_penalty": 5}, "lsm": {"bilateral": true}});
    assert!(parse_document(&machine.to_string()).is_ok());
    assert!(parse_document(&scenario.to_string()).is_ok());

    // The fields of each, in declaration order.
    let agent = json!(["B", 0, 0, {"type": "Fifo"}]);
    let policy = json!(["LiquidityAware", 5, 2]);
    let split = json!([10, 2]);
    let arrivals = json!([1.0, {"type": "Uniform", "min": 1, "max": 5}, {"B": 1.0}]);
    let distribution = json!(["Uniform", 1, 5]);
    let costs = json!([1, 2, 3, 4, 5]);
    let lsm = json!([true, false]);
    const POLICY: &str = "internally tagged enum PolicyConfig";
    const DISTRIBUTION: &str = "internally tagged enum AmountDistribution";
    // (document, JSON pointer of the position, the list put there, its path, serde's expected)
    #[rustfmt::skip]
    let cases: Vec<(&Value, &str, Value, &str, &str)> = vec![
        (&machine, "/agent_configs/1", agent.clone(), "agent_configs[1]", "struct AgentConfig"),
        (&machine, "/cost_rates", costs.clone(), "cost_rates", "struct CostRates"),
        (&machine, "/lsm", lsm.clone(), "lsm", "struct LsmConfig"),
        (&machine, "/lsm", json!([null, null]), "lsm", "struct LsmConfig"),
        (&machine, "/lsm", json!([]), "lsm", "struct LsmConfig"),
        (&machine, "/agent_configs/1/policy", policy.clone(), "agent_configs[1].policy", POLICY),
        // Inside a tagged enum the path stops at the enum (serde buffers its fields), as it
        // does for every shape problem there.
        (&machine, "/agent_configs/0/policy/split", split.clone(), "agent_configs[0].policy", "struct SplitConfig"),
        (&machine, "/agent_configs/0/arrival_config", arrivals.clone(), "agent_configs[0].arrival_config", "struct ArrivalConfig"),
        (&machine, "/agent_configs/0/arrival_config/distribution", distribution.clone(), "agent_configs[0].arrival_config.distribution", DISTRIBUTION),
        (&scenario, "/simulation", json!([5, 2, 7]), "simulation", "struct ScenarioSimulation"),
        (&scenario, "/agents/1", agent.clone(), "agents[1]", "struct ScenarioAgent"),
        (&scenario, "/costs", costs.clone(), "costs", "struct CostRates"),
        (&scenario, "/lsm", lsm.clone(), "lsm", "struct LsmConfig"),
        (&scenario, "/agents/1/policy", policy.clone(), "agents[1].policy", POLICY),
        (&scenario, "/agents/0/policy/split", split.clone(), "agents[0].policy", "struct SplitConfig"),
        (&scenario, "/agents/0/arrival_config", arrivals.clone(), "agents[0].arrival_config", "struct ArrivalConfig"),
        (&scenario, "/agents/0/arrival_config/distribution", distribution.clone(), "agents[0].arrival_config.distribution", DISTRIBUTION),
    ];
    for (document, pointer, list, path, what) in cases {
        let mut doc = document.clone();
        *doc.pointer_mut(pointer).unwrap() = list;
        let expected = format!("{path}: invalid type: sequence, expected {what}");
        let yaml = serde_norway::to_string(&doc).unwrap();
        assert!(yaml.contains("\n- "), "block YAML: {yaml}");
        for (syntax, text) in [("JSON", doc.to_string()), ("YAML", yaml)] {
            let p = problems(&text);
            assert_eq!(p.len(), 1, "{syntax} {pointer}: {p:?}");
            assert_eq!(p[0].path, path, "{syntax} {pointer}: {p:?}");
            if syntax == "JSON" {
                // serde_json adds the position.
                let message = p[0].message.split(" at line ").next().unwrap();
                assert_eq!(message, expected, "{syntax} {pointer}");
            } else {
                assert_eq!(p[0].message, expected, "{syntax} {pointer}");
            }
        }
        // The machine format's other readers (`SimulationConfig::from_json`, the C ABI's
        // `psim_sim_new`) say the same.
        if std::ptr::eq(document, &machine) {
            let p = SimulationConfig::from_json(&doc.to_string())
                .unwrap_err()
                .problems();
            assert_eq!((p[0].path.as_str(), p.len()), (path, 1), "{p:?}");
            assert!(p[0].message.starts_with(&expected), "{p:?}");
        }
    }
}

/// A unit enum (`queue_discipline`, `deadline_mode`, `event_recording`) is a string: serde's
/// derive also read JSON's map form of a variant (`{"fifo": null}`) and YAML's tag (`!fifo`).
#[test]
fn a_unit_enum_is_a_string_and_nothing_else() {
    let machine = |value: &str| {
        MACHINE.replacen(
            "\"rng_seed\": 7",
            &format!("\"rng_seed\": 7, \"queue_discipline\": {value}"),
            1,
        )
    };
    let scenario = |value: &str| {
        SCENARIO.replacen(
            "  seed: 7\n",
            &format!("  seed: 7\n  deadline_mode: {value}\n"),
            1,
        )
    };
    assert!(parse_document(&machine("\"fifo\"")).is_ok());
    assert!(parse_document(&scenario("overdue")).is_ok());
    // serde-saphyr reads a tag with no value (`!overdue`) as an empty, i.e. null, value, and
    // null means the default here.
    let (tagged, _) = parse_document(&scenario("!overdue")).unwrap();
    assert_eq!(tagged.deadline_mode, crate::config::DeadlineMode::Drop);
    let cut = |m: &str| m.split(" at line ").next().unwrap().to_string();
    for (text, path, message) in [
        (
            machine(r#"{"fifo": null}"#),
            "queue_discipline",
            "invalid type: map, expected enum QueueDiscipline",
        ),
        (
            machine(r#"["fifo"]"#),
            "queue_discipline",
            "invalid type: sequence, expected enum QueueDiscipline",
        ),
        (
            // (serde_json said "expected value", as if the text were malformed)
            machine("5"),
            "queue_discipline",
            "invalid type: integer `5`, expected enum QueueDiscipline",
        ),
        (
            machine(r#""FIFO""#),
            "queue_discipline",
            "unknown variant `FIFO`, expected `bypass_fifo` or `fifo`",
        ),
        (
            // serde-saphyr asks for a string scalar and names what it found by position
            scenario("{overdue: ~}"),
            "simulation.deadline_mode",
            "expected string scalar",
        ),
        (
            scenario("[overdue]"),
            "simulation.deadline_mode",
            "expected string scalar",
        ),
        (
            scenario("7"),
            "simulation.deadline_mode",
            "unknown variant `7`, expected `drop` or `overdue`",
        ),
    ] {
        let p = problems(&text);
        assert_eq!(p.len(), 1, "{text}: {p:?}");
        assert_eq!(p[0].path, path, "{p:?}");
        assert_eq!(cut(&p[0].message), format!("{path}: {message}"), "{text}");
    }
}
