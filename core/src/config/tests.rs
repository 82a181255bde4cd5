use super::*;
use crate::error::Problem;

fn minimal() -> String {
    r#"{"ticks_per_day": 100, "num_days": 1, "rng_seed": 1,
        "agent_configs": [{"id": "A", "opening_balance": 10, "credit_limit": 0, "policy": {"type": "Fifo"}}]}"#
        .to_string()
}

fn problems(text: &str) -> Vec<String> {
    problem_list(text).into_iter().map(|p| p.message).collect()
}

fn problem_list(text: &str) -> Vec<Problem> {
    match SimulationConfig::from_json(text) {
        Err(SimError::InvalidConfig(p)) => p,
        other => panic!("expected InvalidConfig, got {other:?}"),
    }
}

#[test]
fn one_agent_config_is_valid_and_defaults_apply() {
    let c = SimulationConfig::from_json(&minimal()).unwrap();
    assert_eq!(c.cost_rates, CostRates::default());
    assert_eq!(c.lsm, LsmConfig::default());
    assert_eq!(c.queue_discipline, QueueDiscipline::BypassFifo);
    assert_eq!(c.horizon(), 100);
}

#[test]
fn ticks_per_day_is_checked_first() {
    let p =
        problems(r#"{"ticks_per_day": 0, "num_days": 1, "rng_seed": 123, "agent_configs": []}"#);
    assert_eq!(p[0], "ticks_per_day must be positive (got 0)");
    assert!(p[1].contains("at least one agent"));
}

#[test]
fn null_optional_fields_mean_absent() {
    let text = r#"{"ticks_per_day": 10, "num_days": 1, "rng_seed": 1, "cost_rates": null, "lsm": null,
        "agent_configs": [{"id": "A", "opening_balance": 10, "credit_limit": 0,
                           "policy": {"type": "Fifo", "split": null}, "arrival_config": null}]}"#;
    let c = SimulationConfig::from_json(text).unwrap();
    assert!(c.agent_configs[0].arrival_config.is_none());
    assert_eq!(c.cost_rates, CostRates::default());
}

#[test]
fn null_means_the_default_for_every_defaulted_field() {
    let text = r#"{"ticks_per_day": 10, "num_days": 1, "rng_seed": 1,
        "cost_rates": {"liquidity_cost_per_unit_per_tick": null, "delay_cost_per_tick": null,
                       "split_friction_cost": null, "deadline_penalty": null, "eod_penalty": null},
        "lsm": {"bilateral": null, "multilateral": null},
        "queue_discipline": null, "deadline_mode": null, "event_recording": null,
        "agent_configs": [{"id": "A", "opening_balance": 10, "credit_limit": null, "policy": {"type": "Fifo"},
            "arrival_config": {"rate_per_tick": 1, "distribution": {"type": "Uniform", "min": 1, "max": 2},
                               "counterparty_weights": {"B": 1}, "deadline_offset": null, "priority": null}},
            {"id": "B", "opening_balance": 0, "policy": {"type": "Fifo"}}]}"#;
    let c = SimulationConfig::from_json(text).unwrap();
    assert_eq!(c.cost_rates, CostRates::default());
    assert_eq!(c.lsm, LsmConfig::default());
    let arrivals = c.agent_configs[0].arrival_config.as_ref().unwrap();
    assert_eq!((arrivals.deadline_offset, arrivals.priority), (50, 5));
    assert_eq!(c.agent_configs[0].credit_limit, 0);
}

#[test]
fn unknown_fields_and_types_name_their_path() {
    let text = minimal().replace("\"credit_limit\": 0", "\"credit_limit\": 0, \"colour\": 1");
    let p = problems(&text);
    assert!(
        p[0].starts_with("agent_configs[0].colour: unknown field `colour`"),
        "{p:?}"
    );
    let text = minimal().replace("Fifo", "Random");
    let p = problems(&text);
    assert!(
        p[0].contains("agent_configs[0].policy") && p[0].contains("Random"),
        "{p:?}"
    );
}

#[test]
fn repeated_keys_are_errors_in_json_as_in_yaml() {
    let text = minimal().replace("\"rng_seed\": 1,", "\"rng_seed\": 1, \"rng_seed\": 2,");
    assert!(
        problems(&text)[0].contains("duplicate field `rng_seed`"),
        "{:?}",
        problems(&text)
    );
    let text = r#"{"ticks_per_day": 5, "num_days": 1, "rng_seed": 1, "agent_configs": [
        {"id": "A", "opening_balance": 0, "policy": {"type": "Fifo"}, "arrival_config":
          {"rate_per_tick": 1, "distribution": {"type": "Uniform", "min": 1, "max": 2},
           "counterparty_weights": {"B": 1, "B": 2}}},
        {"id": "B", "opening_balance": 0, "policy": {"type": "Fifo"}}]}"#;
    let p = problems(text);
    assert!(
        p[0].contains("counterparty_weights") && p[0].contains("duplicate entry with key \"B\""),
        "{p:?}"
    );
    let yaml = "ticks_per_day: 5\nnum_days: 1\nrng_seed: 1\nagent_configs:\n  - {id: A, opening_balance: 0, policy: {type: Fifo}, arrival_config: {rate_per_tick: 1, distribution: {type: Uniform, min: 1, max: 2}, counterparty_weights: {B: 1, B: 2}}}\n  - {id: B, opening_balance: 0, policy: {type: Fifo}}\n";
    assert!(SimulationConfig::from_yaml(yaml).is_err());
}

#[test]
fn malformed_json_is_not_an_invalid_config() {
    assert!(matches!(
        SimulationConfig::from_json("{\"ticks_per_day\": 1,"),
        Err(SimError::InvalidJson(_))
    ));
    assert!(matches!(
        SimulationConfig::from_json("[1] x"),
        Err(SimError::InvalidJson(_))
    ));
}

#[test]
fn every_problem_is_reported_with_field_and_value() {
    let text = r#"{"ticks_per_day": 10, "num_days": 0, "rng_seed": 1, "agent_configs": [
        {"id": "A", "opening_balance": 10, "credit_limit": -5, "policy": {"type": "LiquidityAware", "target_buffer": -1, "urgency_threshold": -2}},
        {"id": "A", "opening_balance": 10, "policy": {"type": "Fifo", "split": {"threshold": 0, "max_parts": 1}},
         "arrival_config": {"rate_per_tick": 0, "distribution": {"type": "Uniform", "min": 5, "max": 5},
                            "counterparty_weights": {"Z": -1, "A": 1}, "deadline_offset": 0, "priority": 11}},
        {"id": "", "opening_balance": 0, "policy": {"type": "Deadline"},
         "arrival_config": {"rate_per_tick": 1, "distribution": {"type": "Normal", "mean": -1, "std_dev": 0},
                            "counterparty_weights": {"A": 0}}}
    ], "cost_rates": {"delay_cost_per_tick": -3}}"#;
    let p = problems(text).join("\n");
    for needle in [
        "num_days must be positive (got 0)",
        "duplicate agent id \"A\"",
        "credit_limit of \"A\" must be ≥ 0 (got -5)",
        "target_buffer of \"A\" must be ≥ 0 (got -1)",
        "urgency_threshold of \"A\" must be ≥ 0 ticks (got -2)",
        "split.threshold of \"A\" must be positive (got 0)",
        "max_parts of \"A\" must be between 2 and 1000 (got 1)",
        "rate_per_tick of \"A\" must be positive and finite (got 0)",
        "min (5) must be less than max (5)",
        "agent \"Z\" does not exist",
        "an agent cannot pay itself (\"A\")",
        "must be finite and ≥ 0 (got -1)",
        "deadline_offset of \"A\" must be ≥ 1 tick (got 0)",
        "priority of \"A\" must be between 0 and 10 (got 11)",
        "agent_configs[2].id must not be empty",
        "mean of \"\" must be positive and finite (got -1)",
        "std_dev of \"\" must be positive and finite (got 0)",
        "must sum to a positive finite value (got 0)",
        "cost_rates.delay_cost_per_tick must be ≥ 0 (got -3)",
    ] {
        assert!(p.contains(needle), "missing {needle:?} in:\n{p}");
    }
}

#[test]
fn nan_and_infinite_rates_are_rejected_from_yaml() {
    let text = "ticks_per_day: 5\nnum_days: 1\nrng_seed: 1\nagent_configs:\n  - {id: A, opening_balance: 0, policy: {type: Fifo}, arrival_config: {rate_per_tick: .nan, distribution: {type: LogNormal, mean_log: .inf, std_dev_log: 1}, counterparty_weights: {B: 1}}}\n  - {id: B, opening_balance: 0, policy: {type: Fifo}}\n";
    let err = SimulationConfig::from_yaml(text).unwrap_err().to_string();
    assert!(
        err.contains("rate_per_tick of \"A\" must be positive and finite (got NaN)"),
        "{err}"
    );
    assert!(
        err.contains("mean_log of \"A\" must be finite (got inf)"),
        "{err}"
    );
}

/// A configuration with one arrival rate, as JSON and as YAML.
fn with_rate(rate: &str) -> (String, String) {
    let json = format!(
        r#"{{"ticks_per_day": 5, "num_days": 1, "rng_seed": 1, "agent_configs": [
        {{"id": "A", "opening_balance": 0, "policy": {{"type": "Fifo"}}, "arrival_config":
          {{"rate_per_tick": {rate}, "distribution": {{"type": "Uniform", "min": 1, "max": 2}},
           "counterparty_weights": {{"B": 1}}}}}},
        {{"id": "B", "opening_balance": 0, "policy": {{"type": "Fifo"}}}}]}}"#
    );
    let yaml = format!(
        "ticks_per_day: 5\nnum_days: 1\nrng_seed: 1\nagent_configs:\n  - {{id: A, opening_balance: 0, policy: {{type: Fifo}}, arrival_config: {{rate_per_tick: {rate}, distribution: {{type: Uniform, min: 1, max: 2}}, counterparty_weights: {{B: 1}}}}}}\n  - {{id: B, opening_balance: 0, policy: {{type: Fifo}}}}\n"
    );
    (json, yaml)
}

fn rate_of(config: &SimulationConfig) -> f64 {
    config.agent_configs[0]
        .arrival_config
        .as_ref()
        .unwrap()
        .rate_per_tick
}

#[test]
fn config_floats_round_trip_exactly_through_json_and_yaml() {
    // The issue's example: serde_json's default float parser read it 1 ulp low.
    let (json, yaml) = with_rate("0.9215686321258545");
    let from_json = SimulationConfig::from_json(&json).unwrap();
    let from_yaml = SimulationConfig::from_yaml(&yaml).unwrap();
    assert_eq!(
        rate_of(&from_json).to_bits(),
        0.9215686321258545f64.to_bits()
    );
    assert_eq!(
        rate_of(&from_yaml).to_bits(),
        0.9215686321258545f64.to_bits()
    );
    let written = serde_json::to_string(&from_json).unwrap();
    assert!(
        written.contains("\"rate_per_tick\":0.9215686321258545"),
        "{written}"
    );
    assert_eq!(SimulationConfig::from_json(&written).unwrap(), from_json);
    // Many floats: the shortest text of each parses back to the same bits both ways.
    let mut bits: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..2_000 {
        bits = bits
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let rate = f64::from_bits(0x3FE0_0000_0000_0000 | (bits >> 12)); // in [0.5, 1)
        let (json, yaml) = with_rate(&rate.to_string());
        let json_rate = rate_of(&SimulationConfig::from_json(&json).unwrap());
        let yaml_rate = rate_of(&SimulationConfig::from_yaml(&yaml).unwrap());
        assert_eq!(json_rate.to_bits(), rate.to_bits(), "JSON {rate}");
        assert_eq!(yaml_rate.to_bits(), rate.to_bits(), "YAML {rate}");
    }
}

#[test]
fn money_that_cannot_be_represented_is_rejected() {
    let text = format!(
        r#"{{"ticks_per_day": 1, "num_days": 1, "rng_seed": 1, "agent_configs": [
        {{"id": "A", "opening_balance": {m}, "policy": {{"type": "Fifo"}}}},
        {{"id": "B", "opening_balance": {m}, "policy": {{"type": "Fifo"}}}}]}}"#,
        m = i64::MAX
    );
    assert!(problems(&text)[0].contains("exceeds the largest representable amount"));
    let text = minimal().replace("100,", "1e30,");
    assert!(problems(&text)[0].starts_with("ticks_per_day: invalid type: floating point"));
}

#[test]
fn every_problem_has_the_path_of_its_field_and_the_value() {
    let text = r#"{"ticks_per_day": 10, "num_days": 0, "rng_seed": 1, "agent_configs": [
        {"id": "A", "opening_balance": 10, "credit_limit": -5, "policy": {"type": "LiquidityAware", "target_buffer": -1, "urgency_threshold": -2}},
        {"id": "A", "opening_balance": -10, "policy": {"type": "Fifo", "split": {"threshold": 0, "max_parts": 1}},
         "arrival_config": {"rate_per_tick": 0.5, "distribution": {"type": "Uniform", "min": -5, "max": -5},
                            "counterparty_weights": {"Z": -1.5, "A": 1}, "deadline_offset": 0, "priority": 11}}
    ], "cost_rates": {"liquidity_cost_per_unit_per_tick": 2000000}}"#;
    let found: Vec<(String, Option<serde_json::Value>)> = problem_list(text)
        .into_iter()
        .map(|p| {
            assert!(
                p.message.starts_with(&p.path) || p.path.contains("counterparty_weights."),
                "{p:?}"
            );
            (p.path, p.value)
        })
        .collect();
    let at = |path: &str, value: serde_json::Value| (path.to_string(), Some(value));
    let w = "agent_configs[1].arrival_config.counterparty_weights";
    assert_eq!(
        found,
        vec![
            at("num_days", 0.into()),
            at("agent_configs[1].id", "A".into()),
            at("agent_configs[0].credit_limit", (-5).into()),
            at("agent_configs[0].policy.target_buffer", (-1).into()),
            at("agent_configs[0].policy.urgency_threshold", (-2).into()),
            at("agent_configs[1].opening_balance", (-10).into()),
            at("agent_configs[1].policy.split.threshold", 0.into()),
            at("agent_configs[1].policy.split.max_parts", 1.into()),
            at(
                "agent_configs[1].arrival_config.distribution.min",
                (-5).into()
            ),
            at("agent_configs[1].arrival_config.distribution", (-5).into()),
            at(&format!("{w}.A"), "A".into()),
            at(&format!("{w}.Z"), "Z".into()),
            at(&format!("{w}.Z"), (-1.5).into()),
            at("agent_configs[1].arrival_config.deadline_offset", 0.into()),
            at("agent_configs[1].arrival_config.priority", 11.into()),
            at(
                "cost_rates.liquidity_cost_per_unit_per_tick",
                2_000_000.into()
            ),
        ]
    );
}

#[test]
fn shape_problems_have_the_path_serde_reports() {
    let path_of = |text: &str| {
        let p = problem_list(text);
        assert_eq!(p.len(), 1, "{p:?}");
        (p[0].path.clone(), p[0].message.clone())
    };
    let text = minimal().replace("\"credit_limit\": 0", "\"credit_limit\": 0, \"colour\": 1");
    assert_eq!(path_of(&text).0, "agent_configs[0].colour");
    let text = minimal().replace("\"credit_limit\": 0", "\"credit_limit\": \"lots\"");
    let (path, message) = path_of(&text);
    assert_eq!(path, "agent_configs[0].credit_limit");
    assert!(
        message.starts_with("agent_configs[0].credit_limit: invalid type: string"),
        "{message}"
    );
    // Missing fields are reported by the enclosing object; the root is "".
    let (path, message) = path_of(r#"{"ticks_per_day": 5}"#);
    assert_eq!(path, "");
    assert!(message.starts_with("missing field `num_days`"), "{message}");
    let nan = problem_list(&with_rate("-1").0);
    assert_eq!(nan[0].value, Some((-1.0).into()));
}

#[test]
fn ids_must_be_strings_in_yaml_as_in_json() {
    use crate::document::parse_document;
    let doc = |id: &str, key: &str| {
        format!(
            "simulation: {{ticks_per_day: 5, seed: 1}}\nagents:\n  - {{id: {id}, balance: 0, policy: {{type: Fifo}}, arrival_config: {{rate_per_tick: 1, distribution: {{type: Uniform, min: 1, max: 2}}, counterparty_weights: {{{key}: 1}}}}}}\n  - {{id: B, balance: 0, policy: {{type: Fifo}}}}\n"
        )
    };
    for (id, expected) in [
        ("null", "null"),
        ("~", "null"),
        ("123", "integer `123`"),
        ("true", "boolean `true`"),
    ] {
        let err = parse_document(&doc(id, "B")).unwrap_err();
        let problem = &err.problems()[0];
        assert_eq!(problem.path, "agents[0].id", "{err}");
        assert!(
            problem
                .message
                .contains(&format!("invalid type: {expected}, expected a string")),
            "{err}"
        );
    }
    let err = parse_document(&doc("A", "7")).unwrap_err();
    assert!(
        err.to_string()
            .contains("invalid type: integer `7`, expected a string"),
        "{err}"
    );
    // Quoted, any text is an id.
    let (config, _) = parse_document(&doc("\"123\"", "B")).unwrap();
    assert_eq!(config.agent_configs[0].id, "123");
}

/// The readers of the machine format alone (`from_json`, `from_yaml`, `from_value`) refuse a
/// list where a mapping belongs, as `parse_document` does (`document::tests` has every
/// position): serde's derive read a struct's fields from a list by position.
#[test]
fn a_list_is_not_a_configuration_nor_an_agent() {
    let agent_list = minimal().replacen(
        r#"{"id": "A", "opening_balance": 10, "credit_limit": 0, "policy": {"type": "Fifo"}}"#,
        r#"["A", 10, 0, {"type": "Fifo"}]"#,
        1,
    );
    assert_ne!(agent_list, minimal());
    let expected = "agent_configs[0]: invalid type: sequence, expected struct AgentConfig";
    let p = problem_list(&agent_list);
    assert_eq!(p[0].path, "agent_configs[0]");
    assert!(
        p[0].message.starts_with(&format!("{expected} at line ")),
        "{p:?}"
    );
    let p = SimulationConfig::from_yaml(&agent_list)
        .unwrap_err()
        .problems();
    assert_eq!(
        (p[0].path.as_str(), p[0].message.as_str()),
        ("agent_configs[0]", expected)
    );
    let value: serde_json::Value = serde_json::from_str(&agent_list).unwrap();
    let p = SimulationConfig::from_value(value).unwrap_err().problems();
    assert_eq!(
        (p[0].path.as_str(), p[0].message.as_str()),
        ("agent_configs[0]", expected)
    );

    let whole = r#"[100, 1, 1, [{"id": "A", "opening_balance": 10, "policy": {"type": "Fifo"}}]]"#;
    let p = problem_list(whole);
    assert_eq!(p[0].path, "");
    assert!(
        p[0].message.starts_with(
            "invalid type: sequence, expected struct SimulationConfig at line 1 column "
        ),
        "{p:?}"
    );
}
