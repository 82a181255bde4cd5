//! `stress`: the ranking table, JSON and CSV for scripts, the same report for any number of
//! threads, and bad input (a definition breaking rules, flags out of range) exit 2 with the
//! problem's path.

use insta::assert_snapshot;

use crate::support::{code, fixture, run, session, stdout_ok};

const RING: &str = "examples/scenarios/four_bank_ring.yaml";

#[test]
fn the_table_ranks_participants_by_damage() {
    assert_snapshot!(
        "stress_table",
        session(&[
            "stress",
            RING,
            "--stress",
            "examples/stress/outage_each.yaml"
        ])
    );
}

#[test]
fn json_is_the_cores_report_and_the_same_for_any_number_of_threads() {
    let args = |threads: &'static str| {
        [
            "stress",
            RING,
            "--outage-each",
            "--from-tick",
            "10",
            "--to-tick",
            "60",
        ]
        .into_iter()
        .chain(["--format", "json", "--threads", threads])
        .collect::<Vec<_>>()
    };
    let one = stdout_ok(&run(&args("1")));
    assert_eq!(stdout_ok(&run(&args("2"))), one);
    let report: serde_json::Value = serde_json::from_str(&one).unwrap();
    let ranking = &report["rankings"][0]["entries"];
    assert_eq!(ranking.as_array().unwrap().len(), 4);
    assert_eq!(ranking[0]["rank"], 1);
    assert_eq!(report["variants"][0]["event"]["type"], "outage");
}

#[test]
fn csv_has_a_row_per_variant_and_participant() {
    let out = stdout_ok(&run(&[
        "stress",
        RING,
        "--largest",
        "2",
        "--withdraw-percent",
        "50",
        "--tick",
        "20",
        "--format",
        "csv",
    ]));
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("scenario,type,stressed,damage,participant,liquidity_min"));
    assert_eq!(lines.len(), 1 + 2 * 4);
    assert!(lines[1].starts_with("0,liquidity_withdrawal,"));
}

#[test]
fn bad_definitions_and_flags_exit_2_with_the_path() {
    assert_snapshot!(
        "stress_bad_definition",
        session(&["stress", RING, "--stress", &fixture("stress_unknown.yaml")])
    );
    assert_snapshot!(
        "stress_too_many",
        session(&["stress", RING, "--largest", "5"])
    );
    assert_snapshot!(
        "stress_window_beyond",
        session(&["stress", RING, "--outage-each", "--to-tick", "101"])
    );
    let out = run(&["stress", RING]);
    assert_eq!(code(&out), 2, "no selection is a usage error");
    let out = run(&["stress", RING, "--outage-each", "--threads", "0"]);
    assert_eq!(code(&out), 2);
    let out = run(&["run", RING, "--format", "csv"]);
    assert_eq!(code(&out), 2);
}
