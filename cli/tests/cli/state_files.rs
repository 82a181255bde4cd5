//! State files written by the first release (snapshot schema_version 1, the core's goldens
//! under core/tests/golden/v1) keep working: the step-by-step commands continue them to exactly
//! the results that release got, and rewrite them in the current version. A file from a newer
//! release is refused and left untouched.

use serde_json::Value;

use crate::support::{code, root, run_in, stdout_ok};

fn golden_v1(name: &str) -> std::path::PathBuf {
    root().join("core/tests/golden/v1").join(name)
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

/// Statistics fields added since version 1 (issue 13's, at the top and per agent).
const ADDED: [&str; 3] = [
    "liquidity_upper_bound",
    "liquidity_lower_bound",
    "delay_indicator",
];

/// `value` without the fields added since version 1 of the statistics (provenance, the
/// bounds and ρ, lsm).
fn as_v1(mut value: Value) -> Value {
    let map = value.as_object_mut().unwrap();
    map.remove("provenance");
    map.remove("lsm");
    for key in ADDED {
        map.remove(key);
    }
    for agent in map["agents"].as_array_mut().unwrap() {
        for key in ADDED {
            agent.as_object_mut().unwrap().remove(key);
        }
    }
    value
}

#[test]
fn a_first_release_state_file_continues_to_the_same_results() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for name in ["scarce_t37.json", "scarce_t37.json.submissions.jsonl"] {
        std::fs::copy(golden_v1(name), d.join(name)).unwrap();
    }
    let state = ["--state", "scarce_t37.json"];
    stdout_ok(&run_in(d, &[&["tick", "163"][..], &state].concat()));
    let written = std::fs::read_to_string(d.join("scarce_t37.json")).unwrap();
    assert!(written.starts_with(r#"{"schema_version":6,"provenance":{"engine_version":"#));
    let stats = stdout_ok(&run_in(
        d,
        &[&["--format", "json", "stats"][..], &state].concat(),
    ));
    let expected = std::fs::read_to_string(golden_v1("scarce_end_stats.json")).unwrap();
    // Compared as the text the engine writes (floats included), ignoring only what was added.
    assert_eq!(as_v1(json(&stats)), as_v1(json(&expected)));
    assert_eq!(json(&stats)["provenance"]["seed"], 777);
    let state_json = stdout_ok(&run_in(
        d,
        &[&["--format", "json", "state"][..], &state].concat(),
    ));
    let expected = std::fs::read_to_string(golden_v1("scarce_end_state.json")).unwrap();
    assert_eq!(json(&state_json), json(&expected));
}

#[test]
fn a_state_file_from_a_newer_release_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let text = std::fs::read_to_string(golden_v1("split_t150.json"))
        .unwrap()
        .replacen("\"schema_version\":1", "\"schema_version\":7", 1);
    std::fs::write(d.join("future.json"), &text).unwrap();
    let out = run_in(d, &["tick", "--state", "future.json"]);
    assert_eq!(code(&out), 2);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("future.json is not a valid state file")
            && stderr.contains("schema_version 7 is newer than this engine reads")
            && stderr.contains("reads snapshot schema_version 1 to 6"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(d.join("future.json")).unwrap(),
        text
    );
}
