use super::*;

const MACHINE: &str = r#"{"ticks_per_day": 5, "num_days": 2, "rng_seed": 7, "agent_configs": [
    {"id": "A", "opening_balance": 100, "credit_limit": 10, "policy": {"type": "Fifo"},
     "arrival_config": {"rate_per_tick": 0.9215686321258545,
        "distribution": {"type": "LogNormal", "mean_log": 3.5, "std_dev_log": 0.25},
        "counterparty_weights": {"B": 2.5}}},
    {"id": "B", "opening_balance": 0, "policy": {"type": "LiquidityAware", "target_buffer": 5, "urgency_threshold": 2}}]}"#;

const SCENARIO: &str = "
simulation:
  ticks_per_day: 5
  num_days: 2
  seed: 7
agents:
  - id: A
    balance: 100
    credit_limit: 10
    policy: {type: Fifo}
    arrival_config:
      rate_per_tick: 0.9215686321258545
      distribution: {type: LogNormal, mean_log: 3.5, std_dev_log: 0.25}
      counterparty_weights: {B: 2.5}
  - id: B
    balance: 0
    policy: {type: LiquidityAware, target_buffer: 5, urgency_threshold: 2}
";

fn problems(text: &str) -> Vec<Problem> {
    match parse_document(text) {
        Err(SimError::InvalidConfig(p)) => p,
        other => panic!("expected InvalidConfig, got {other:?}"),
    }
}

fn malformed(text: &str) -> String {
    match parse_document(text) {
        Err(SimError::InvalidJson(m)) => m,
        other => panic!("expected InvalidJson, got {other:?}"),
    }
}

#[test]
fn both_shapes_in_both_syntaxes_give_one_configuration() {
    let (machine, kind) = parse_document(MACHINE).unwrap();
    assert_eq!(kind, DocumentKind::Machine);
    assert_eq!(machine, SimulationConfig::from_json(MACHINE).unwrap());
    let (scenario, kind) = parse_document(SCENARIO).unwrap();
    assert_eq!(kind, DocumentKind::Scenario);
    assert_eq!(scenario, machine);
    // The scenario as JSON, and the machine format as YAML.
    let scenario_json =
        serde_json::to_string(&serde_norway::from_str::<serde_json::Value>(SCENARIO).unwrap())
            .unwrap();
    assert_eq!(
        parse_document(&scenario_json).unwrap(),
        (machine.clone(), DocumentKind::Scenario)
    );
    let machine_yaml = serde_norway::to_string(&machine).unwrap();
    assert_eq!(
        parse_document(&machine_yaml).unwrap(),
        (machine, DocumentKind::Machine)
    );
}

#[test]
fn normalize_writes_the_machine_json_with_every_default() {
    let json = normalize_document(SCENARIO).unwrap();
    let config = SimulationConfig::from_json(MACHINE).unwrap();
    assert_eq!(json, serde_json::to_string(&config).unwrap());
    assert!(
        json.contains("\"rate_per_tick\":0.9215686321258545"),
        "{json}"
    );
    assert!(
        json.contains("\"cost_rates\":{\"liquidity_cost_per_unit_per_tick\":0,"),
        "{json}"
    );
    assert!(
        json.contains("\"queue_discipline\":\"bypass_fifo\""),
        "{json}"
    );
    // Normalising the normal form changes nothing.
    assert_eq!(normalize_document(&json).unwrap(), json);
}

/// The machine format read here must judge exactly as serde's derive does in
/// `SimulationConfig::from_json` (the C ABI's reader before this entry point existed).
#[test]
fn machine_json_is_judged_as_the_derived_reader_judges_it() {
    let edits: &[(&str, &str)] = &[
        ("\"num_days\": 2", "\"num_days\": 0"),
        ("\"num_days\": 2", "\"num_days\": \"two\""),
        ("\"num_days\": 2,", ""),
        ("\"rng_seed\": 7", "\"rng_seed\": 7, \"rng_seed\": 8"),
        ("\"rng_seed\": 7", "\"rng_seed\": 7, \"colour\": 1"),
        ("\"rng_seed\": 7", "\"rng_seed\": 7, \"simulation\": {}"),
        ("\"rng_seed\": 7", "\"rng_seed\": 7, \"cost_rates\": null, \"lsm\": null"),
        ("\"rng_seed\": 7", "\"rng_seed\": 7, \"queue_discipline\": \"fifo\", \"deadline_mode\": \"overdue\", \"event_recording\": \"off\""),
        ("\"rng_seed\": 7", "\"rng_seed\": 7, \"cost_rates\": {\"eod_penalty\": -1}"),
        ("\"rng_seed\": 7", "\"rng_seed\": 7, \"lsm\": {\"bilateral\": 1}"),
        ("\"credit_limit\": 10", "\"credit_limit\": 10, \"colour\": 1"),
        ("\"id\": \"B\"", "\"id\": \"A\""),
        ("{\"B\": 2.5}", "{\"Z\": 2.5}"),
        ("{\"B\": 2.5}", "{\"B\": 2.5, \"B\": 1}"),
        ("{\"B\": 2.5}", "{\"B\": \"x\"}"),
        ("\"type\": \"Fifo\"", "\"type\": \"Random\""),
        ("\"target_buffer\": 5", "\"target_buffer\": -5"),
        ("\"ticks_per_day\": 5", "\"ticks_per_day\": 1e30"),
    ];
    for (from, to) in edits {
        let text = MACHINE.replacen(from, to, 1);
        assert_ne!(text, MACHINE, "{from}");
        assert_eq!(
            parse_document(&text).map(|(c, _)| c),
            SimulationConfig::from_json(&text),
            "{to}"
        );
    }
    // An unknown key before the shape is known is reported when it is (with that shape's
    // fields), so its position is the later key's.
    let text = MACHINE.replacen("{\"ticks_per_day\"", "{\"colour\": 1, \"ticks_per_day\"", 1);
    let derived = SimulationConfig::from_json(&text).unwrap_err().problems();
    let here = problems(&text);
    assert_eq!(here[0].path, derived[0].path);
    let cut = |m: &str| m[..m.find(" at line").unwrap()].to_string();
    assert_eq!(cut(&here[0].message), cut(&derived[0].message));
}

#[test]
fn the_top_level_field_lists_are_the_structs() {
    let expected = |text: &str| -> String {
        let e = serde_json::from_str::<SimulationConfig>(text)
            .unwrap_err()
            .to_string();
        e[..e.find(" at line").unwrap()].to_string()
    };
    let message = &problems(r#"{"num_days": 1, "x": 1}"#)[0].message;
    assert!(
        message.starts_with(&format!("x: {}", expected(r#"{"x": 1}"#))),
        "{message}"
    );
    let scenario = serde_json::from_str::<Scenario>(r#"{"x": 1}"#)
        .unwrap_err()
        .to_string();
    let message = &problems(r#"{"agents": [], "x": 1}"#)[0].message;
    assert!(
        message.starts_with(&format!(
            "x: {}",
            &scenario[..scenario.find(" at line").unwrap()]
        )),
        "{message}"
    );
}

#[test]
fn shape_problems_in_scenarios_have_the_users_paths() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "credit_limit: 10",
            "credit_limit: 10\n    colour: red",
            "agents[0].colour",
        ),
        ("balance: 100", "balance: lots", "agents[0].balance"),
        ("seed: 7", "seed: -7", "simulation.seed"),
        ("num_days: 2", "num_days: 2\n  speed: 3", "simulation.speed"),
        (
            "{B: 2.5}",
            "{B: x}",
            "agents[0].arrival_config.counterparty_weights.B",
        ),
        (
            "{B: 2.5}",
            "{B: 1, B: 2}",
            "agents[0].arrival_config.counterparty_weights",
        ),
        (
            "simulation:",
            "costs: {eod_penalty: x}\nsimulation:",
            "costs.eod_penalty",
        ),
        ("simulation:", "colour: 1\nsimulation:", "colour"),
        ("simulation:", "rng_seed: 1\nsimulation:", "simulation"),
        ("  seed: 7\n", "  seed: 7\n  seed: 8\n", "simulation"),
    ];
    for (from, to, path) in cases {
        let text = SCENARIO.replacen(from, to, 1);
        let p = problems(&text);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].path, *path, "{p:?}");
        assert!(p[0].message.starts_with(&format!("{path}: ")), "{p:?}");
        // Word for word what the earlier reader (through a YAML value tree) said (it called
        // a negative seed an invalid value rather than an invalid type, and a repeated key
        // malformed YAML; a document mixing both shapes is now judged by its first key).
        let tree = serde_norway::from_str::<serde_norway::Value>(&text);
        let differs = text.contains("seed: -7") || text.contains("rng_seed: 1\nsimulation");
        if let (Ok(value), false) = (tree, differs) {
            let old = serde_path_to_error::deserialize::<_, Scenario>(value).unwrap_err();
            assert_eq!(
                p[0].message,
                Problem::shape(old.path(), old.inner()).message
            );
        }
    }
    let p = problems(&SCENARIO.replacen("agents:", "agent:", 1));
    assert!(
        p[0].message.starts_with("agent: unknown field `agent`"),
        "{p:?}"
    );
    let p = problems(&SCENARIO.replacen("  seed: 7\n", "", 1));
    assert_eq!(p[0].path, "simulation");
    assert!(
        p[0].message.starts_with("simulation: missing field `seed`"),
        "{p:?}"
    );
}

#[test]
fn validation_problems_in_scenarios_have_the_users_paths() {
    let text = SCENARIO
        .replacen("seed: 7", "seed: 7\n  queue_discipline: fifo", 1)
        .replacen("balance: 100", "balance: -100", 1)
        .replacen("{B: 2.5}", "{B: 2.5, A: 1, Z: 1}", 1)
        .replacen("id: B", "id: A", 1)
        + "costs: {deadline_penalty: -1}\n";
    let p = problems(&text);
    let paths: Vec<&str> = p.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "agents[1].id",
            "agents[0].balance",
            "agents[0].arrival_config.counterparty_weights.A",
            "agents[0].arrival_config.counterparty_weights.B",
            "agents[0].arrival_config.counterparty_weights.Z",
            "costs.deadline_penalty",
        ],
        "{p:?}"
    );
    assert_eq!(
        p[0].message,
        "agents[1].id: duplicate agent id \"A\" (first used by agents[0])"
    );
    assert_eq!(p[0].value, Some("A".into()));
    assert_eq!(p[1].value, Some((-100).into()));
}

#[test]
fn a_document_in_neither_shape_names_both() {
    for text in [
        "[1, 2]",
        "5",
        "",
        "{}",
        "hello",
        "{colour: 1}",
        "lsm: {bilateral: true}",
        "null",
        "- a",
    ] {
        let p = problems(text);
        assert_eq!(p, vec![Problem::whole(NEITHER_FORMAT)], "{text:?}");
    }
}

#[test]
fn text_in_neither_syntax_names_both() {
    let m = malformed("{\"ticks_per_day\": 1,");
    assert!(
        m.starts_with("malformed JSON in the configuration: EOF"),
        "{m}"
    );
    assert!(m.ends_with("(a configuration is JSON or YAML)"), "{m}");
    let m = malformed("[1] x");
    assert!(m.starts_with("malformed JSON"), "{m}");
    let m = malformed("simulation:\n  ticks_per_day: [10\n  seed: 1\n");
    assert!(
        m.starts_with("malformed YAML/JSON: did not find expected ','"),
        "{m}"
    );
    // A shape problem before a syntax error is not reported: the syntax is judged first.
    let m = malformed(&format!(
        "{} garbage",
        &MACHINE.replacen("\"num_days\": 2", "\"num_days\": \"x\"", 1)
    ));
    assert!(m.contains("trailing characters"), "{m}");
    let m = malformed(&format!(
        "{}\n  - {{id: [",
        SCENARIO.replacen("balance: 100", "balance: x", 1)
    ));
    assert!(m.starts_with("malformed YAML/JSON"), "{m}");
    let m = malformed(&format!("{}\n---\nsimulation: 1\n", SCENARIO));
    assert!(m.contains("more than one document"), "{m}");
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    for depth in [200, 100_000] {
        let json = "[".repeat(depth);
        assert!(malformed(&json).starts_with("malformed JSON"));
        let json = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        assert!(parse_document(&json).is_err());
        let nested = format!(
            "{{\"agent_configs\": {}{}}}",
            "[".repeat(depth),
            "]".repeat(depth)
        );
        assert!(parse_document(&nested).is_err());
        let mut yaml = String::from("simulation:\n");
        for level in 1..depth.min(2_000) {
            yaml.push_str(&" ".repeat(level));
            yaml.push_str("a:\n");
        }
        assert!(parse_document(&yaml).is_err());
        assert!(parse_document(&format!("a: {}", "{b: ".repeat(depth))).is_err());
    }
}

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

/// Hosts may call the C API from threads with small stacks: the readers' depth limits (128)
/// and the iterative flow-depth guard keep a deep document within 128 KB.
#[test]
fn deep_nesting_fits_a_small_thread_stack() {
    std::thread::Builder::new()
        .stack_size(128 * 1024)
        .spawn(|| {
            for text in [
                "[".repeat(100_000),
                format!("{}{}", "[".repeat(127), "]".repeat(127)),
                format!(
                    "{{\"agent_configs\": {}{}}}",
                    "[".repeat(127),
                    "]".repeat(127)
                ),
                format!(
                    "{{\"ticks_per_day\": 1, \"x\": {}{}}}",
                    "[".repeat(127),
                    "]".repeat(127)
                ),
                format!("simulation: 1\nx: {}{}", "[".repeat(127), "]".repeat(127)),
                format!("x: {}{}", "{a: ".repeat(127), "}".repeat(127)),
                format!("x: {}", "{a: ".repeat(100_000)),
            ] {
                assert!(parse_document(&text).is_err());
            }
        })
        .unwrap()
        .join()
        .unwrap();
}

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
            scenario("!overdue"),
            "simulation.deadline_mode",
            "unknown variant ``, expected `drop` or `overdue`",
        ),
        (
            scenario("{overdue: ~}"),
            "simulation.deadline_mode",
            "invalid type: map, expected enum DeadlineMode",
        ),
        (
            scenario("[overdue]"),
            "simulation.deadline_mode",
            "invalid type: sequence, expected enum DeadlineMode",
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
