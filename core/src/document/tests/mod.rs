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
        m.starts_with("malformed YAML/JSON: illegal placement of ':' indicator at line 3 column 7"),
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

mod mappings;
mod schema;
mod yaml_reading;
