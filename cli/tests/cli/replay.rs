//! `replay`: identical streams pass; a tampered recording fails with the first divergence.

use insta::assert_snapshot;
use serde_json::Value;

use crate::support::{code, run, run_in, session, session_in, stdout_ok, workdir};

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

/// Recordings written before provenance existed (schema_version 1) still replay, under the
/// original semantics; the fixture is the shipped recording as the first release wrote it.
#[test]
fn a_version_1_recording_replays() {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/recording_v1.json"),
    )
    .unwrap();
    let v1: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v1["schema_version"], 1);
    assert!(v1.get("provenance").is_none());
    let out = run(&["replay", "cli/tests/fixtures/recording_v1.json"]);
    assert!(stdout_ok(&out).contains(": identical"));
    // The same run, recorded today, differs only by its version and provenance.
    let current: Value = serde_json::from_str(
        &std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../examples/recordings/four_bank_ring.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let mut stripped = current.clone();
    stripped.as_object_mut().unwrap().remove("provenance");
    stripped["schema_version"] = Value::from(1);
    assert_eq!(stripped, v1);
}

/// A recording is replayed under the offsetting semantics it names: today's recording of the
/// ring (semantics 2, `greedy_exact`) replays identically, and the same file relabelled as
/// semantics 1 replays under `greedy_removal` and diverges (the ring's 40 ticks differ under
/// the two defaults), so the version a recording carries is the one it is checked against.
#[test]
fn a_recording_replays_under_the_semantics_it_names() {
    let dir = workdir(&["four_bank_ring.yaml"]);
    let d = dir.path();
    let rec = recorded(d);
    assert_eq!(rec["provenance"]["semantics"]["offsetting"], 2);
    let mut relabelled = rec.clone();
    relabelled["provenance"]["semantics"]["offsetting"] = Value::from(1);
    write(d, "as_1.json", &relabelled);
    let out = run_in(d, &["replay", "as_1.json"]);
    assert_eq!(code(&out), 1);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("error: replay of as_1.json does not match the recording"),
        "{stderr}"
    );
    assert!(stdout_ok(&run_in(d, &["replay", "rec.json"])).contains(": identical"));
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
    let mut newer = rec.clone();
    newer["schema_version"] = Value::from(5);
    write(d, "newer.json", &newer);
    // Version 3 holds `appends` in place of `submissions`; each version only its own.
    let mut v3_with_submissions = rec.clone();
    v3_with_submissions["schema_version"] = Value::from(3);
    write(d, "v3_with_submissions.json", &v3_with_submissions);
    let mut v2_with_appends = rec.clone();
    let subs = v2_with_appends
        .as_object_mut()
        .unwrap()
        .remove("submissions");
    v2_with_appends["appends"] = subs.unwrap();
    write(d, "v2_with_appends.json", &v2_with_appends);
    let mut bad_append = v2_with_appends.clone();
    bad_append["schema_version"] = Value::from(3);
    bad_append["appends"] = serde_json::json!([
        {"tick": 1, "scenario_events": [{"type": "outage", "agent": "BANK_X", "from_tick": 2, "to_tick": 3}]}
    ]);
    write(d, "bad_append.json", &bad_append);
    let mut semantics = rec.clone();
    semantics["provenance"]["semantics"]["offsetting"] = Value::from(3);
    write(d, "semantics.json", &semantics);
    let mut no_provenance = rec.clone();
    no_provenance.as_object_mut().unwrap().remove("provenance");
    write(d, "no_provenance.json", &no_provenance);
    let mut v1_with_provenance = rec.clone();
    v1_with_provenance["schema_version"] = Value::from(1);
    write(d, "v1_with_provenance.json", &v1_with_provenance);
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
        "newer.json",
        "v3_with_submissions.json",
        "v2_with_appends.json",
        "bad_append.json",
        "semantics.json",
        "no_provenance.json",
        "v1_with_provenance.json",
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
