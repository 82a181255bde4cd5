//! `replay`: identical streams pass; a tampered recording fails with the first divergence.

use insta::assert_snapshot;
use serde_json::Value;

use crate::support::{code, run_in, session, session_in, stdout_ok, workdir};

fn recorded(dir: &std::path::Path) -> Value {
    stdout_ok(&run_in(
        dir,
        &[
            "run",
            "four_bank_ring.yaml",
            "--ticks",
            "40",
            "--record",
            "rec.json",
        ],
    ));
    serde_json::from_str(&std::fs::read_to_string(dir.join("rec.json")).unwrap()).unwrap()
}

fn write(dir: &std::path::Path, name: &str, value: &Value) {
    std::fs::write(dir.join(name), serde_json::to_string_pretty(value).unwrap()).unwrap();
}

#[test]
fn a_recorded_run_replays_identically() {
    let dir = workdir(&["four_bank_ring.yaml"]);
    let d = dir.path();
    let rec = recorded(d);
    assert_eq!(rec["format"], "payment-sim-recording");
    assert_eq!(rec["ticks"], 40);
    assert_eq!(rec["event_count"], rec["events"].as_array().unwrap().len());
    assert_snapshot!("replay_ok", session_in(d, &["replay", "rec.json"]));
    assert_snapshot!(
        "replay_ok_json",
        session_in(d, &["replay", "rec.json", "--format", "json"])
    );
}

#[test]
fn the_shipped_ring_recording_replays() {
    assert_snapshot!(
        "replay_shipped_ring",
        session(&["replay", "examples/recordings/four_bank_ring.json"])
    );
}

#[test]
fn tampering_is_detected_at_the_first_diverging_event() {
    let dir = workdir(&["four_bank_ring.yaml"]);
    let d = dir.path();
    let rec = recorded(d);
    let settled = rec["events"]
        .as_array()
        .unwrap()
        .iter()
        .position(|e| e["type"] == "settled")
        .unwrap();

    // An event's amount edited.
    let mut amount = rec.clone();
    amount["events"][settled]["amount"] = Value::from(1);
    write(d, "amount.json", &amount);
    // A different seed: a different stream from the first arrival on.
    let mut seed = rec.clone();
    seed["config"]["rng_seed"] = Value::from(1);
    write(d, "seed.json", &seed);
    // Events cut off at the end.
    let mut short = rec.clone();
    short["events"].as_array_mut().unwrap().truncate(10);
    write(d, "short.json", &short);
    // Only the digest edited: the stream still matches, the integrity check does not.
    let mut digest = rec.clone();
    digest["events_digest"] = Value::from("fnv1a64:0000000000000000");
    write(d, "digest.json", &digest);
    // The final state edited.
    let mut fin = rec.clone();
    fin["final_state"]["agents"][2]["balance"] = Value::from(7);
    write(d, "final.json", &fin);

    let mut log = String::new();
    for name in [
        "amount.json",
        "seed.json",
        "short.json",
        "digest.json",
        "final.json",
    ] {
        let out = run_in(d, &["replay", name]);
        assert_eq!(code(&out), 1, "{name}");
        log.push_str(&crate::support::transcript(&["replay", name], &out));
        log.push('\n');
    }
    let out = run_in(d, &["replay", "amount.json", "--format", "json"]);
    assert_eq!(code(&out), 1);
    let verdict: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(verdict["ok"], false);
    assert_eq!(verdict["divergence"]["seq"], settled as u64 + 1);
    assert_snapshot!("replay_tampered", log);
}

#[test]
fn invalid_recordings_are_input_errors() {
    let dir = workdir(&["four_bank_ring.yaml"]);
    let d = dir.path();
    let rec = recorded(d);
    let mut bad_agent = rec.clone();
    bad_agent["submissions"] = serde_json::json!([
        {"tick": 2, "sender": "BANK_A", "receiver": "BANK_X", "amount": 5, "deadline_offset": 5, "priority": 5}
    ]);
    write(d, "bad_agent.json", &bad_agent);
    let mut bad_config = rec.clone();
    bad_config["config"]["agent_configs"][0]["opening_balance"] = Value::from(-1);
    write(d, "bad_config.json", &bad_config);
    let mut too_long = rec.clone();
    too_long["ticks"] = Value::from(1000);
    write(d, "too_long.json", &too_long);
    let mut extra = rec.clone();
    extra["colour"] = Value::from("red");
    write(d, "extra.json", &extra);
    let mut other = rec.clone();
    other["format"] = Value::from("something-else");
    write(d, "other.json", &other);
    std::fs::write(
        d.join("truncated.json"),
        "{\"format\": \"payment-sim-recording\",",
    )
    .unwrap();

    let mut log = String::new();
    for name in [
        "bad_agent.json",
        "bad_config.json",
        "too_long.json",
        "extra.json",
        "other.json",
        "truncated.json",
        "four_bank_ring.yaml",
        "missing.json",
    ] {
        let out = run_in(d, &["replay", name]);
        assert_eq!(code(&out), 2, "{name}");
        log.push_str(&crate::support::transcript(&["replay", name], &out));
        log.push('\n');
    }
    assert_snapshot!("replay_invalid", log);
}
