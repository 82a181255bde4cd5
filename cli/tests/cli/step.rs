//! The step-by-step workflow: create, tick, submit, state, stats, export, and their errors;
//! and the same final state as `run` for the same ticks.

use insta::assert_snapshot;
use serde_json::Value;

use crate::support::{code, run_in, session_in, stdout_ok, workdir};

const RING: &str = "four_bank_ring_manual.yaml";

#[test]
fn the_seed_gridlock_ring_step_by_step() {
    let dir = workdir(&[RING]);
    let d = dir.path();
    let mut log = String::new();
    let mut step = |args: &[&str]| {
        log.push_str(&session_in(d, args));
        log.push('\n');
    };
    step(&["create", "--config", RING]);
    step(&["state"]);
    for (from, to) in [
        ("BANK_A", "BANK_B"),
        ("BANK_B", "BANK_C"),
        ("BANK_C", "BANK_D"),
        ("BANK_D", "BANK_A"),
    ] {
        step(&[
            "submit",
            "--sender",
            from,
            "--receiver",
            to,
            "--amount",
            "50000",
        ]);
    }
    step(&["state"]);
    step(&["tick", "--verbose"]);
    step(&["state", "--format", "json"]);
    step(&["tick", "9", "--format", "json"]);
    step(&["stats"]);
    step(&["export", "--output", "ring.json"]);
    step(&["replay", "ring.json"]);
    assert_snapshot!("workflow_ring", log);

    // The pointer names the state file; the journal lists the submissions.
    let pointer = std::fs::read_to_string(d.join(".payment-sim/current")).unwrap();
    assert!(
        pointer.trim_end().ends_with(".payment-sim/state.json"),
        "{pointer}"
    );
    let journal =
        std::fs::read_to_string(d.join(".payment-sim/state.json.submissions.jsonl")).unwrap();
    assert_eq!(journal.lines().count(), 4);
}

#[test]
fn explicit_state_files_and_json_output() {
    let dir = workdir(&["two_bank_exchange.yaml"]);
    let d = dir.path();
    let mut log = String::new();
    let mut step = |args: &[&str]| {
        log.push_str(&session_in(d, args));
        log.push('\n');
    };
    step(&[
        "create",
        "--config",
        "two_bank_exchange.yaml",
        "--output",
        "sims/a.json",
        "--seed",
        "5",
        "--format",
        "json",
    ]);
    step(&["tick", "25", "--state", "sims/a.json", "--format", "json"]);
    step(&[
        "submit",
        "-s",
        "BANK_B",
        "-r",
        "BANK_A",
        "-a",
        "123456",
        "-d",
        "3",
        "-p",
        "9",
        "--state",
        "sims/a.json",
        "--format",
        "json",
    ]);
    step(&["tick", "-s", "sims/a.json", "-v", "--cents"]);
    step(&["stats", "-s", "sims/a.json", "--format", "json"]);
    step(&[
        "export",
        "-s",
        "sims/a.json",
        "-o",
        "rec.json",
        "--format",
        "json",
    ]);
    step(&["replay", "rec.json"]);
    assert_snapshot!("workflow_json", log);
}

#[test]
fn step_errors_are_reported_without_panics() {
    let dir = workdir(&[RING]);
    let d = dir.path();
    let mut log = String::new();
    let mut step = |args: &[&str], expected: i32| {
        let out = run_in(d, args);
        assert_eq!(
            code(&out),
            expected,
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        log.push_str(&crate::support::transcript(args, &out));
        log.push('\n');
    };
    step(&["tick"], 2); // nothing created yet
    step(&["state"], 2);
    step(&["create", "--config", "missing.yaml"], 2);
    step(&["create"], 2);
    step(&["create", "--config", RING], 0);
    step(
        &[
            "submit",
            "--sender",
            "BANK_Z",
            "--receiver",
            "BANK_A",
            "--amount",
            "5",
        ],
        2,
    );
    step(
        &[
            "submit",
            "--sender",
            "BANK_A",
            "--receiver",
            "BANK_A",
            "--amount",
            "5",
        ],
        2,
    );
    step(
        &[
            "submit",
            "--sender",
            "BANK_A",
            "--receiver",
            "BANK_B",
            "--amount",
            "-5",
        ],
        2,
    );
    step(
        &[
            "submit",
            "--sender",
            "BANK_A",
            "--receiver",
            "BANK_B",
            "--amount",
            "0",
        ],
        2,
    );
    step(
        &[
            "submit",
            "--sender",
            "BANK_A",
            "--receiver",
            "BANK_B",
            "--amount",
            "5",
            "--priority",
            "11",
        ],
        2,
    );
    step(
        &[
            "submit",
            "--sender",
            "BANK_A",
            "--receiver",
            "BANK_B",
            "--amount",
            "5",
            "--deadline",
            "0",
        ],
        2,
    );
    step(
        &[
            "submit",
            "--sender",
            "BANK_A",
            "--receiver",
            "BANK_B",
            "--amount",
            "five",
        ],
        2,
    );
    step(&["submit", "--sender", "BANK_A", "--amount", "5"], 2);
    step(&["tick", "0"], 2);
    step(&["tick", "11"], 2);
    step(&["tick", "10"], 0);
    step(&["tick"], 2); // finished
    step(
        &[
            "submit",
            "--sender",
            "BANK_A",
            "--receiver",
            "BANK_B",
            "--amount",
            "5",
        ],
        2,
    );
    step(&["state", "--state", "nope.json"], 2);
    std::fs::write(d.join("garbage.json"), "{\"schema_version\": 1,").unwrap();
    step(&["state", "--state", "garbage.json"], 2);
    std::fs::write(d.join("other.json"), "{\"ticks_per_day\": 5}").unwrap();
    step(&["stats", "--state", "other.json"], 2);
    step(&["state", "--state", RING], 2);
    assert_snapshot!("workflow_errors", log);
    // Failed commands left the state untouched.
    let state: Value =
        serde_json::from_str(&stdout_ok(&run_in(d, &["state", "--format", "json"]))).unwrap();
    assert_eq!(state["tick"], 10);
    assert_eq!(state["finished"], true);
    let journal =
        std::fs::read_to_string(d.join(".payment-sim/state.json.submissions.jsonl")).unwrap();
    assert_eq!(journal, "");
}

#[test]
fn pending_submissions_are_exported_and_replayed() {
    let dir = workdir(&[RING]);
    let d = dir.path();
    stdout_ok(&run_in(d, &["create", "--config", RING]));
    stdout_ok(&run_in(
        d,
        &["submit", "-s", "BANK_A", "-r", "BANK_B", "-a", "50000"],
    ));
    stdout_ok(&run_in(d, &["export", "-o", "at0.json"]));
    stdout_ok(&run_in(d, &["replay", "at0.json"]));
    stdout_ok(&run_in(d, &["tick", "3"]));
    stdout_ok(&run_in(
        d,
        &[
            "submit", "-s", "BANK_B", "-r", "BANK_A", "-a", "50000", "-d", "2",
        ],
    ));
    stdout_ok(&run_in(d, &["tick", "4"]));
    stdout_ok(&run_in(
        d,
        &["submit", "-s", "BANK_C", "-r", "BANK_D", "-a", "70000"],
    ));
    stdout_ok(&run_in(d, &["export", "-o", "mid.json"]));
    let rec: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("mid.json")).unwrap()).unwrap();
    let ticks: Vec<u64> = rec["submissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["tick"].as_u64().unwrap())
        .collect();
    assert_eq!(ticks, [0, 3, 7]);
    assert_eq!(rec["ticks"], 7);
    stdout_ok(&run_in(d, &["replay", "mid.json"]));
}

/// A state file written by another host (the C ABI, Python) has no journal: the manual
/// submissions it holds are unknown, so it cannot be exported.
#[test]
fn export_needs_a_journal() {
    let dir = workdir(&[RING]);
    let d = dir.path();
    stdout_ok(&run_in(
        d,
        &["run", RING, "--ticks", "3", "--save-state", "saved.json"],
    ));
    std::fs::remove_file(d.join("saved.json.submissions.jsonl")).unwrap();
    assert_snapshot!(
        "export_without_journal",
        session_in(d, &["export", "-s", "saved.json", "-o", "x.json"])
    );
}

/// `run --save-state` starts an empty journal (a run makes no manual submissions), replacing
/// the journal of an earlier session in the same file: the state continues with `submit` and
/// `tick` and exports to a recording that replays.
#[test]
fn a_saved_run_continues_and_exports() {
    let dir = workdir(&[RING]);
    let d = dir.path();
    stdout_ok(&run_in(d, &["create", "--config", RING, "-o", "s.json"]));
    let submit = [
        "submit", "--state", "s.json", "-s", "BANK_A", "-r", "BANK_B", "-a", "7",
    ];
    stdout_ok(&run_in(d, &submit));
    stdout_ok(&run_in(
        d,
        &["run", RING, "--ticks", "3", "--save-state", "s.json"],
    ));
    let journal = std::fs::read_to_string(d.join("s.json.submissions.jsonl")).unwrap();
    assert_eq!(journal, "");
    stdout_ok(&run_in(d, &submit));
    stdout_ok(&run_in(d, &["tick", "2", "--state", "s.json"]));
    stdout_ok(&run_in(d, &["export", "-s", "s.json", "-o", "rec.json"]));
    let rec: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("rec.json")).unwrap()).unwrap();
    assert_eq!(rec["submissions"].as_array().unwrap().len(), 1);
    assert_eq!(rec["submissions"][0]["tick"], 3);
    assert!(stdout_ok(&run_in(d, &["replay", "rec.json"])).contains("identical"));
}

#[test]
fn step_by_step_ends_where_run_ends() {
    for scenario in ["scarce_liquidity.yaml", "liquidity_aware_split.yaml"] {
        let dir = workdir(&[scenario]);
        let d = dir.path();
        let run_json = stdout_ok(&run_in(
            d,
            &[
                "run",
                scenario,
                "--ticks",
                "150",
                "--save-state",
                "run.json",
                "--format",
                "json",
            ],
        ));
        stdout_ok(&run_in(
            d,
            &["create", "--config", scenario, "--output", "steps.json"],
        ));
        for n in ["1", "49", "37", "63"] {
            stdout_ok(&run_in(d, &["tick", n]));
        }
        let by_run = std::fs::read(d.join("run.json")).unwrap();
        let by_steps = std::fs::read(d.join("steps.json")).unwrap();
        assert!(by_run == by_steps, "{scenario}: the state files differ");
        let stats: Value =
            serde_json::from_str(&stdout_ok(&run_in(d, &["stats", "--format", "json"]))).unwrap();
        let run: Value = serde_json::from_str(&run_json).unwrap();
        assert_eq!(run["statistics"], stats, "{scenario}");
        assert_eq!(stats["ticks_run"], 150);
    }
}
