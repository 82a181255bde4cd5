//! `payment-sim schedule`: timed inputs on the step workflow's state file — an outage of one
//! bank in the gridlock ring, with its hand-computed outcome; bad files (exit 2, every problem
//! with its path, the state file unchanged); the outage exported and replayed; and
//! a scenario's own scenario_events replaying identically.

use serde_json::Value;

use crate::support::{code, run_in, stdout_ok, workdir};

const RING: &str = "four_bank_ring_manual.yaml";

fn submit_ring(d: &std::path::Path) {
    for (from, to) in [
        ("BANK_A", "BANK_B"),
        ("BANK_B", "BANK_C"),
        ("BANK_C", "BANK_D"),
        ("BANK_D", "BANK_A"),
    ] {
        let args = ["submit", "-s", from, "-r", to, "-a", "50000"];
        stdout_ok(&run_in(d, &args));
    }
}

#[test]
fn an_outage_scheduled_on_the_state_file_holds_the_ring() {
    let dir = workdir(&[RING]);
    let d = dir.path();
    stdout_ok(&run_in(d, &["create", "--config", RING]));
    submit_ring(d);
    std::fs::write(
        d.join("outage.yaml"),
        "scenario_events:\n  - {type: outage, agent: BANK_C, from_tick: 0, to_tick: 3}\n",
    )
    .unwrap();
    let text = stdout_ok(&run_in(d, &["schedule", "outage.yaml"]));
    assert!(
        text.starts_with("Scheduled 1 action at tick 0; 1 pending:"),
        "{text}"
    );
    let tick: Value =
        serde_json::from_str(&stdout_ok(&run_in(d, &["tick", "3", "--format", "json"]))).unwrap();
    assert_eq!(tick["num_settlements"], 0);
    let state = stdout_ok(&run_in(d, &["state"]));
    assert!(state.contains("Outage: BANK_C until tick 3\n"), "{state}");
    let tick: Value =
        serde_json::from_str(&stdout_ok(&run_in(d, &["tick", "--format", "json"]))).unwrap();
    assert_eq!(tick["num_settlements"], 4);
    // The recording holds the outage as an append at tick 0 and replays it.
    let text = stdout_ok(&run_in(d, &["export", "--output", "ring.json"]));
    assert!(
        text.contains("4 submissions, 1 scheduled action and"),
        "{text}"
    );
    let replay = stdout_ok(&run_in(d, &["replay", "ring.json"]));
    assert!(replay.contains("identical"), "{replay}");
}

#[test]
fn a_bad_schedule_is_exit_2_and_changes_nothing() {
    let dir = workdir(&[RING]);
    let d = dir.path();
    stdout_ok(&run_in(d, &["create", "--config", RING]));
    stdout_ok(&run_in(d, &["tick", "2"]));
    let state = std::fs::read(d.join(".payment-sim/state.json")).unwrap();
    std::fs::write(
        d.join("bad.json"),
        r#"[{"type": "liquidity", "agent": "BANK_Z", "tick": 5, "amount": 10},
            {"type": "outage", "agent": "BANK_A", "from_tick": 1, "to_tick": 4}]"#,
    )
    .unwrap();
    let out = run_in(d, &["schedule", "bad.json"]);
    assert_eq!(code(&out), 2);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("scenario_events[0].agent \"BANK_Z\" is not an agent"),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "scenario_events[1].from_tick 1 is in the past (the simulation is at tick 2)"
        ),
        "{stderr}"
    );
    std::fs::write(
        d.join("shape.yaml"),
        "- {type: outage, agent: BANK_A, when: 3}\n",
    )
    .unwrap();
    let out = run_in(d, &["schedule", "shape.yaml"]);
    assert_eq!(code(&out), 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("scenario_events[0]"));
    assert_eq!(
        std::fs::read(d.join(".payment-sim/state.json")).unwrap(),
        state
    );
}

#[test]
fn scenario_events_replay_identically() {
    let dir = workdir(&["outage_and_shock.yaml"]);
    let d = dir.path();
    let out = run_in(
        d,
        &[
            "run",
            "outage_and_shock.yaml",
            "--record",
            "rec.json",
            "--quiet",
        ],
    );
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
    let replay = stdout_ok(&run_in(d, &["replay", "rec.json"]));
    assert!(replay.contains("identical"), "{replay}");
}
