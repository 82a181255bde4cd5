//! psim_config_normalize(), psim_sim_new() on either document shape, and the structured
//! problems of psim_last_error_json(), called exactly as C calls them.

mod common;

use std::ffi::{c_char, CStr};
use std::ptr;

use common::*;
use payment_sim::*;
use serde_json::{json, Value};

const SENTINEL: *mut c_char = std::ptr::dangling_mut::<c_char>();

/// The scenario format as people write it (YAML), with a float that serde_json's default
/// parser read 1 ulp low.
const SCENARIO_YAML: &str = "
simulation: {ticks_per_day: 10, num_days: 2, seed: 11}
agents:
  - id: A
    balance: 500000
    credit_limit: 100000
    policy: {type: LiquidityAware, target_buffer: 1000, urgency_threshold: 3}
    arrival_config:
      rate_per_tick: 0.9215686321258545
      distribution: {type: LogNormal, mean_log: 9.5, std_dev_log: 0.5}
      counterparty_weights: {B: 1}
  - id: B
    balance: 300000
    policy: {type: Fifo}
    arrival_config:
      rate_per_tick: 0.5
      distribution: {type: Uniform, min: 100, max: 20000}
      counterparty_weights: {A: 1}
costs: {delay_cost_per_tick: 3}
";

fn last_error_json() -> Value {
    let text = unsafe { CStr::from_ptr(psim_last_error_json()) };
    serde_json::from_str(text.to_str().unwrap()).unwrap()
}

fn normalize(document: &str) -> Result<String, (psim_status, Value)> {
    let mut out = SENTINEL;
    let status = unsafe { psim_config_normalize(cstring(document).as_ptr(), &mut out) };
    if status == psim_status::Ok {
        Ok(take(out))
    } else {
        assert_eq!(out, SENTINEL, "out-parameter written on failure");
        let error = last_error_json();
        assert_eq!(error["message"], last_error());
        Err((status, error))
    }
}

/// `(path, value)` of every problem of an invalid document.
fn problems(document: &str) -> Vec<(String, Option<Value>)> {
    let (status, error) = normalize(document).unwrap_err();
    assert_eq!(status, psim_status::InvalidConfig, "{error}");
    assert_eq!(error["status"], "PSIM_STATUS_INVALID_CONFIG");
    error["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            assert!(p["message"].as_str().is_some_and(|m| !m.is_empty()), "{p}");
            (
                p["path"].as_str().unwrap().to_string(),
                p.get("value").cloned(),
            )
        })
        .collect()
}

fn as_json(yaml: &str) -> String {
    serde_json::to_string(&serde_norway::from_str::<Value>(yaml).unwrap()).unwrap()
}

#[test]
fn every_shape_and_syntax_normalises_to_the_same_machine_json() {
    let machine = normalize(SCENARIO_YAML).unwrap();
    let core = payment_sim_core::parse_document(SCENARIO_YAML).unwrap().0;
    assert_eq!(machine, serde_json::to_string(&core).unwrap());
    assert!(
        machine.contains("\"rate_per_tick\":0.9215686321258545"),
        "{machine}"
    );
    assert!(machine.contains("\"delay_cost_per_tick\":3,\"split_friction_cost\":50"));
    let machine_yaml = serde_norway::to_string(&core).unwrap();
    for document in [as_json(SCENARIO_YAML), machine.clone(), machine_yaml] {
        assert_eq!(normalize(&document).unwrap(), machine);
    }
    assert_eq!(
        last_error_json(),
        json!({"status": "PSIM_STATUS_OK", "message": "", "problems": []})
    );
}

#[test]
fn psim_sim_new_accepts_either_shape_and_builds_the_same_simulation() {
    let machine = normalize(SCENARIO_YAML).unwrap();
    let handles: Vec<_> = [SCENARIO_YAML.to_string(), as_json(SCENARIO_YAML), machine]
        .iter()
        .map(|document| new_sim(document))
        .collect();
    let snapshots: Vec<String> = handles
        .iter()
        .map(|&sim| {
            run(sim, 15);
            doc(psim_sim_snapshot, sim)
        })
        .collect();
    assert!(snapshots.iter().all(|s| *s == snapshots[0]));
    assert!(snapshots[0].contains("0.9215686321258545"));
    for sim in handles {
        unsafe { psim_sim_free(sim) };
    }
    // And refuses what psim_config_normalize refuses, with the same problems.
    let bad = SCENARIO_YAML.replace("balance: 300000", "balance: -300000");
    let mut handle = ptr::null_mut();
    let status = unsafe { psim_sim_new(cstring(&bad).as_ptr(), &mut handle) };
    assert_eq!(status, psim_status::InvalidConfig);
    assert!(handle.is_null());
    let from_new = last_error_json();
    assert_eq!(normalize(&bad).unwrap_err().1, from_new);
    assert_eq!(from_new["problems"][0]["path"], "agents[1].balance");
}

#[test]
fn problems_carry_the_paths_of_the_document_as_written() {
    let scenario = |from: &str, to: &str| {
        let text = SCENARIO_YAML.replacen(from, to, 1);
        assert_ne!(text, SCENARIO_YAML);
        text
    };
    let at = |path: &str| vec![(path.to_string(), None)];
    let with = |path: &str, value: Value| vec![(path.to_string(), Some(value))];
    // Shape problems (YAML and JSON): unknown field, wrong type, unknown tag.
    let unknown = scenario(
        "credit_limit: 100000",
        "credit_limit: 100000\n    colour: red",
    );
    assert_eq!(problems(&unknown), at("agents[0].colour"));
    assert_eq!(problems(&as_json(&unknown)), at("agents[0].colour"));
    let wrong_type = scenario("seed: 11", "seed: eleven");
    assert_eq!(problems(&wrong_type), at("simulation.seed"));
    assert_eq!(problems(&as_json(&wrong_type)), at("simulation.seed"));
    assert_eq!(
        problems(&scenario("type: Fifo", "type: Random")),
        at("agents[1].policy.type")
    );
    // Rule violations: bounds, duplicate ids, unknown receivers.
    let bounds = scenario("num_days: 2", "num_days: 0")
        .replacen("rate_per_tick: 0.5", "rate_per_tick: -0.5", 1)
        .replacen("delay_cost_per_tick: 3", "delay_cost_per_tick: -3", 1);
    let expected = [
        with("simulation.num_days", json!(0)),
        with("agents[1].arrival_config.rate_per_tick", json!(-0.5)),
        with("costs.delay_cost_per_tick", json!(-3)),
    ]
    .concat();
    assert_eq!(problems(&bounds), expected);
    assert_eq!(problems(&as_json(&bounds)), expected);
    let duplicate = scenario("id: B", "id: A");
    assert_eq!(
        problems(&duplicate),
        [
            with("agents[1].id", json!("A")),
            with(
                "agents[0].arrival_config.counterparty_weights.B",
                json!("B")
            ),
            with(
                "agents[1].arrival_config.counterparty_weights.A",
                json!("A")
            ),
        ]
        .concat()
    );
    let receiver = scenario("{B: 1}", "{B: 1, BANK_Z: 2}");
    assert_eq!(
        problems(&receiver),
        with(
            "agents[0].arrival_config.counterparty_weights.BANK_Z",
            json!("BANK_Z")
        )
    );
    // The machine format reports its own names.
    let machine = normalize(&receiver.replace(", BANK_Z: 2", "")).unwrap();
    let machine_bad = machine.replacen(
        "\"opening_balance\":500000",
        "\"opening_balance\":-500000",
        1,
    );
    assert_eq!(
        problems(&machine_bad),
        with("agent_configs[0].opening_balance", json!(-500000))
    );
    let machine_unknown =
        machine.replacen("{\"ticks_per_day\"", "{\"colour\":1,\"ticks_per_day\"", 1);
    assert_eq!(problems(&machine_unknown), at("colour"));
    // A document in neither shape says which shapes are accepted, for the whole document.
    let (_, error) = normalize("- just\n- a list\n").unwrap_err();
    assert_eq!(error["problems"][0]["path"], "");
    assert!(error["message"]
        .as_str()
        .unwrap()
        .contains("`simulation` and `agents`"));
}

#[test]
fn text_in_neither_syntax_is_invalid_json_naming_both() {
    for (text, start) in [
        (
            "{\"ticks_per_day\": 1,",
            "malformed JSON in the configuration",
        ),
        ("simulation: [1\n  seed: 2", "malformed YAML/JSON"),
    ] {
        let (status, error) = normalize(text).unwrap_err();
        assert_eq!(status, psim_status::InvalidJson);
        assert_eq!(error["status"], "PSIM_STATUS_INVALID_JSON");
        let message = error["message"].as_str().unwrap();
        assert!(
            message.starts_with(start) && message.contains("YAML"),
            "{message}"
        );
        assert_eq!(error["problems"], json!([{"path": "", "message": message}]));
    }
    // Deep nesting is an error, not a crash (nor a minute in the YAML scanner).
    let started = std::time::Instant::now();
    for text in [
        "[".repeat(200_000),
        format!("a: {}", "{b: ".repeat(200_000)),
    ] {
        assert_eq!(normalize(&text).unwrap_err().0, psim_status::InvalidJson);
    }
    assert!(started.elapsed().as_secs() < 10);
}

#[test]
fn arguments_are_checked_before_any_work() {
    let mut out = SENTINEL;
    let document = cstring(SCENARIO_YAML);
    unsafe {
        assert_eq!(
            psim_config_normalize(ptr::null(), &mut out),
            psim_status::NullArg
        );
        assert_eq!(
            last_error(),
            "psim_config_normalize: argument `document` is NULL"
        );
        assert_eq!(
            psim_config_normalize(document.as_ptr(), ptr::null_mut()),
            psim_status::NullArg
        );
        assert!(last_error().contains("`machine_json_out`"));
        let bad = b"simulation: \"\xff\"\0";
        assert_eq!(
            psim_config_normalize(bad.as_ptr().cast(), &mut out),
            psim_status::InvalidUtf8
        );
    }
    assert_eq!(out, SENTINEL);
    let error = last_error_json();
    assert_eq!(error["status"], "PSIM_STATUS_INVALID_UTF8");
    assert_eq!(error["problems"][0]["path"], "");
}

#[test]
fn the_last_error_json_follows_every_call_on_its_thread() {
    let sim = new_sim(TWO_AGENTS);
    let error = submit(sim, r#"{"sender":"A","receiver":"ZED","amount":5}"#).unwrap_err();
    assert_eq!(error.0, psim_status::NotFound);
    let first = psim_last_error_json();
    // Asking twice gives the same string; it stays valid until the next call.
    assert_eq!(first, psim_last_error_json());
    assert_eq!(
        last_error_json(),
        json!({"status": "PSIM_STATUS_NOT_FOUND", "message": "unknown agent \"ZED\"",
               "problems": [{"path": "", "message": "unknown agent \"ZED\""}]})
    );
    std::thread::spawn(|| assert_eq!(last_error_json()["status"], "PSIM_STATUS_OK"))
        .join()
        .unwrap();
    tick(sim);
    assert_eq!(last_error_json()["status"], "PSIM_STATUS_OK");
    assert_eq!(unsafe { psim_sim_debug_panic(sim) }, psim_status::Panic);
    let error = last_error_json();
    assert_eq!(error["status"], "PSIM_STATUS_PANIC");
    assert_eq!(error["message"], last_error());
    unsafe { psim_sim_free(sim) };
}

#[test]
fn the_schema_is_the_committed_one() {
    let mut out = SENTINEL;
    assert_eq!(unsafe { psim_config_schema(&mut out) }, psim_status::Ok);
    let schema = take(out);
    let committed = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/config.schema.json"),
    )
    .unwrap();
    assert_eq!(schema, committed);
    let parsed: Value = serde_json::from_str(&schema).unwrap();
    assert_eq!(parsed["title"], "payment-sim configuration");
    assert_eq!(
        unsafe { psim_config_schema(ptr::null_mut()) },
        psim_status::NullArg
    );
    assert!(last_error().contains("`schema_json_out` is NULL"));
}
