//! YAML as the core reads it: nesting limits, scalars typed by their text, structure, aliases.

use super::*;

/// Every way to nest a YAML document deeply: flow and block collections, in the document,
/// under a key skipped before the shape is known, and inside a policy (whose fields serde
/// buffers before choosing the variant).
fn deep_yaml(depth: usize) -> Vec<String> {
    // Block nesting costs a line per level, indented as deep (quadratic text): 2,000 levels.
    let lines = depth.min(2_000);
    let block = |indent: usize| -> String {
        (0..lines)
            .map(|level| format!("{}a:\n", " ".repeat(indent + level)))
            .collect()
    };
    vec![
        format!(
            "simulation: 1\nx: {}{}",
            "[".repeat(depth),
            "]".repeat(depth)
        ),
        format!("x: {}1{}", "{a: ".repeat(depth), "}".repeat(depth)),
        format!("x: {}", "{a: ".repeat(depth)),
        format!("simulation:\n{}", block(1)),
        format!("x:\n{}simulation: 1\n", block(1)),
        (0..lines)
            .map(|level| format!("{}- \n", "  ".repeat(level)))
            .collect(),
        SCENARIO.replacen(
            "policy: {type: Fifo}",
            &format!(
                "policy: {{type: Fifo, x: {}1{}}}",
                "{a: ".repeat(depth),
                "}".repeat(depth)
            ),
            1,
        ),
        SCENARIO.replacen(
            "policy: {type: Fifo}",
            &format!("policy:\n      type: Fifo\n      x:\n{}", block(8)),
            1,
        ),
    ]
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
    // YAML deeper than a configuration can be is refused as such, with the position.
    let limit = yaml::MAX_DEPTH;
    for text in deep_yaml(limit + 1).into_iter().chain(deep_yaml(100_000)) {
        let m = malformed(&text);
        assert!(
            m.starts_with(&format!(
                "malformed YAML/JSON: collections nested more than {limit} levels deep at line "
            )),
            "{m}"
        );
    }
    // A configuration nests 5 levels: far within the limit.
    let weights = SCENARIO.replacen("{B: 2.5}", "\n        B: 2.5", 1);
    assert_eq!(
        parse_document(&weights).unwrap(),
        parse_document(SCENARIO).unwrap()
    );
}

/// Hosts may call the C API from threads with small stacks: the readers' depth limits (JSON
/// 128, YAML [`yaml::MAX_DEPTH`]) keep any document within 128 KB. serde-saphyr's frames are
/// several times larger unoptimised, so a debug build is held to 1 MB (what ships, and what
/// `make test` runs, is optimised).
#[test]
fn deep_nesting_fits_a_small_thread_stack() {
    let stack = if cfg!(debug_assertions) { 1024 } else { 128 } * 1024;
    std::thread::Builder::new()
        .stack_size(stack)
        .spawn(|| {
            let mut texts = vec![
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
            ];
            // Just within the YAML limit (the deepest recursion a document can cause), and
            // beyond it.
            for depth in [yaml::MAX_DEPTH - 1, yaml::MAX_DEPTH, 100_000] {
                texts.extend(deep_yaml(depth));
            }
            for text in texts {
                assert!(parse_document(&text).is_err());
            }
            assert!(parse_document(SCENARIO).is_ok());
        })
        .unwrap()
        .join()
        .unwrap();
}

/// YAML 1.2's core schema, plain scalars typed by their text whatever the field asks for:
/// what the core has always read (serde_norway), now through serde-saphyr.
#[test]
fn yaml_scalars_are_typed_by_their_text() {
    let with = |from: &str, to: &str| {
        let text = SCENARIO.replacen(from, to, 1);
        assert_ne!(text, SCENARIO, "{from}");
        parse_document(&text)
    };
    let balance = |literal: &str| with("balance: 100", &format!("balance: {literal}"));
    for (literal, value) in [
        ("1000", 1000),
        ("+7", 7),
        ("0x10", 16),
        ("0o17", 15),
        ("0b101", 5),
    ] {
        let (config, _) = balance(literal).unwrap();
        assert_eq!(config.agent_configs[0].opening_balance, value, "{literal}");
    }
    for (literal, shown) in [
        ("017", "string \"017\""),
        ("1_000", "string \"1_000\""),
        ("yes", "string \"yes\""),
        ("1:30", "string \"1:30\""),
        ("1e3", "floating point `1000.0`"),
        ("10.0", "floating point `10.0`"),
        ("true", "boolean `true`"),
        ("'5'", "string \"5\""),
        ("~", "unit value"),
    ] {
        let p = problems(&SCENARIO.replacen("balance: 100", &format!("balance: {literal}"), 1));
        assert_eq!(p[0].path, "agents[0].balance", "{literal}");
        assert_eq!(
            p[0].message,
            format!("agents[0].balance: invalid type: {shown}, expected i64 or one of {{between_bounds: α}}, {{times_upper_bound: x}}, {{times_lower_bound: x}}, {{times_daily_outflow: x}}"),
            "{literal}"
        );
    }
    let rate = |literal: &str| {
        with(
            "rate_per_tick: 0.9215686321258545",
            &format!("rate_per_tick: {literal}"),
        )
    };
    for (literal, value) in [
        ("1e5", 1e5),
        ("1.5E+2", 150.0),
        (".5", 0.5),
        ("3.", 3.0),
        ("2", 2.0),
    ] {
        let rate_of = |c: &SimulationConfig| {
            c.agent_configs[0]
                .arrival_config
                .as_ref()
                .unwrap()
                .rate_per_tick
        };
        assert_eq!(rate_of(&rate(literal).unwrap().0), value, "{literal}");
    }
    // The non-finite floats (and a literal beyond f64, which is infinite) reach validation.
    for (literal, shown) in [
        (".inf", "inf"),
        ("-.Inf", "-inf"),
        (".NaN", "NaN"),
        ("1e999", "inf"),
    ] {
        let e = rate(literal).unwrap_err().to_string();
        assert!(
            e.contains(&format!("must be positive and finite (got {shown})")),
            "{e}"
        );
    }
    let p =
        problems(&SCENARIO.replacen("rate_per_tick: 0.9215686321258545", "rate_per_tick: 017", 1));
    assert!(
        p[0].message
            .ends_with("invalid type: string \"017\", expected f64"),
        "{p:?}"
    );
    // Booleans are YAML 1.2's spellings only; null's spellings mean "the default".
    for literal in ["true", "True", "TRUE", "false", "False", "FALSE"] {
        let (config, _) =
            parse_document(&format!("{SCENARIO}lsm: {{bilateral: {literal}}}\n")).unwrap();
        assert_eq!(
            config.lsm.bilateral,
            literal.eq_ignore_ascii_case("true"),
            "{literal}"
        );
    }
    for literal in ["yes", "on", "y", "1", "tRue"] {
        let p = problems(&format!("{SCENARIO}lsm: {{bilateral: {literal}}}\n"));
        assert_eq!(p[0].path, "lsm.bilateral", "{literal}");
    }
    for literal in ["~", "null", "Null", "NULL", ""] {
        let (config, _) = parse_document(&format!("{SCENARIO}costs: {literal}\n")).unwrap();
        assert_eq!(
            config.cost_rates,
            crate::config::CostRates::default(),
            "{literal:?}"
        );
    }
    // What is not a number, boolean or null is a string, so an id.
    for literal in [
        "017",
        "yes",
        "on",
        "2024-01-01",
        "1_0",
        "inf",
        "'123'",
        "\"null\"",
    ] {
        let (config, _) = with("id: A", &format!("id: {literal}")).unwrap();
        let id = literal.trim_matches(['\'', '"']);
        assert_eq!(config.agent_configs[0].id, id, "{literal}");
    }
}

#[test]
fn yaml_structure_is_read_as_it_always_was() {
    // A struct is a mapping: a sequence is refused (serde's derive would read it by position).
    let p = problems(&format!("{SCENARIO}costs: [1, 2]\n"));
    assert_eq!(
        p[0].message,
        "costs: invalid type: sequence, expected struct CostRates"
    );
    let p = problems(&SCENARIO.replacen("  - id: B", "  - [B]\n  - id: B", 1));
    assert_eq!(
        p[0].message,
        "agents[1]: invalid type: sequence, expected struct ScenarioAgent"
    );
    // Repeated keys reach the types, which refuse them with their path.
    let p = problems(&SCENARIO.replacen("{B: 2.5}", "{B: 1, 'B': 2}", 1));
    assert_eq!(p[0].path, "agents[0].arrival_config.counterparty_weights");
    assert!(
        p[0].message.ends_with("duplicate entry with key \"B\""),
        "{p:?}"
    );
    let p = problems(&SCENARIO.replacen(
        "policy: {type: Fifo}",
        "policy: {type: Fifo, type: Fifo}",
        1,
    ));
    assert!(p[0].message.contains("duplicate field `type`"), "{p:?}");
    // `<<` is a key like any other (no YAML 1.1 merge): an unknown field.
    let p =
        problems(&SCENARIO.replacen("  - id: B\n", "  - <<: {credit_limit: 3}\n    id: B\n", 1));
    assert!(
        p[0].message.starts_with("agents[1].<<: unknown field `<<`"),
        "{p:?}"
    );
    // Anchors and aliases are read, as many as the text holds.
    let shared = SCENARIO
        .replacen("policy: {type: Fifo}", "policy: &p {type: Fifo}", 1)
        .replacen(
            "policy: {type: LiquidityAware, target_buffer: 5, urgency_threshold: 2}",
            "policy: *p",
            1,
        );
    let (config, _) = parse_document(&shared).unwrap();
    assert_eq!(
        config.agent_configs[1].policy,
        config.agent_configs[0].policy
    );
    let many: String = (0..2_000)
        .map(|i| format!("  - {{id: X{i}, balance: *b, policy: *p}}\n"))
        .collect();
    let text = format!(
        "simulation: {{ticks_per_day: 5, seed: 1}}\nagents:\n  - {{id: A, balance: &b 7, policy: &p {{type: Fifo}}}}\n{many}"
    );
    assert_eq!(parse_document(&text).unwrap().0.agent_configs.len(), 2_001);
}

/// A YAML alias bomb — each level's alias repeats the previous level ten times — is refused
/// before it costs memory or time, with a problem naming it.
#[test]
fn alias_bombs_are_refused() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for level in 1..10 {
        let previous = format!("*a{}", level - 1);
        let list = [previous.as_str(); 10].join(", ");
        text.push_str(&format!("a{level}: &a{level} [{list}]\n"));
    }
    let started = std::time::Instant::now();
    let m = malformed(&text);
    assert!(
        m.starts_with(
            "malformed YAML/JSON: aliases expand the document beyond the reader's limits"
        ),
        "{m}"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
}
