//! State files and journals written by the release before the journal held `schedule`
//! appends (goldens in cli/tests/fixtures/old_cli): they export to the very recording that
//! release wrote, continue with live appends, and a state whose scheduled actions the old
//! journal lacks is refused clearly.

use crate::support::{code, root, run_in, stdout_ok};

fn copy(d: &std::path::Path, names: &[&str]) {
    for name in names {
        let from = root().join("cli/tests/fixtures/old_cli").join(name);
        std::fs::copy(&from, d.join(name)).expect("copy fixture");
    }
}

#[test]
fn an_old_journal_exports_the_recording_the_old_release_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let state = "journal_v2.state.json";
    copy(
        d,
        &[
            state,
            "journal_v2.state.json.submissions.jsonl",
            "journal_v2.recording.json",
        ],
    );
    stdout_ok(&run_in(d, &["export", "--state", state, "-o", "new.json"]));
    assert_eq!(
        std::fs::read_to_string(d.join("new.json")).unwrap(),
        std::fs::read_to_string(d.join("journal_v2.recording.json")).unwrap()
    );
    let replay = stdout_ok(&run_in(d, &["replay", "journal_v2.recording.json"]));
    assert!(replay.contains("identical"), "{replay}");

    // The session goes on with the new release: a live outage and a submission, appended
    // after the old lines, export as version 3 and replay.
    std::fs::write(
        d.join("outage.yaml"),
        "- {type: outage, agent: BANK_D, from_tick: 5, to_tick: 7}\n",
    )
    .unwrap();
    stdout_ok(&run_in(d, &["schedule", "outage.yaml", "--state", state]));
    let args = ["submit", "--state", state, "-s", "BANK_D", "-r", "BANK_A"];
    stdout_ok(&run_in(d, &[&args[..], &["-a", "777"]].concat()));
    stdout_ok(&run_in(d, &["tick", "4", "--state", state]));
    let text = stdout_ok(&run_in(d, &["export", "--state", state, "-o", "more.json"]));
    assert!(
        text.contains("6 submissions, 1 scheduled action and"),
        "{text}"
    );
    let more = std::fs::read_to_string(d.join("more.json")).unwrap();
    assert!(more.contains("\"schema_version\": 3,"));
    let replay = stdout_ok(&run_in(d, &["replay", "more.json"]));
    assert!(replay.contains("identical"), "{replay}");
}

#[test]
fn a_state_the_old_release_scheduled_on_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let state = "unjournalled.state.json";
    copy(d, &[state, "unjournalled.state.json.submissions.jsonl"]);
    let out = run_in(d, &["export", "--state", state, "-o", "x.json"]);
    assert_eq!(code(&out), 2);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr,
        "error: cannot export: the state file holds 1 scheduled action(s) its journal unjournalled.state.json.submissions.jsonl does not list (they were appended by a release of payment-sim that did not journal `schedule`); put them in the scenario's scenario_events instead\n"
    );
    assert!(!d.join("x.json").exists());
}
