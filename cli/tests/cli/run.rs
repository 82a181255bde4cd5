//! `run`: summaries, JSON, overrides, events files, the scale runner, and its errors.

use insta::assert_snapshot;
use serde_json::Value;

use crate::support::{code, fixture, run, run_in, session, stdout_ok, workdir};

const TWO_BANK: &str = "examples/scenarios/two_bank_exchange.yaml";
const SCARCE: &str = "examples/scenarios/scarce_liquidity.yaml";

#[test]
fn run_prints_the_summary_table() {
    assert_snapshot!("run_two_bank", session(&["run", TWO_BANK]));
}

#[test]
fn run_summary_shows_lsm_and_costs() {
    assert_snapshot!("run_scarce", session(&["run", SCARCE]));
}

#[test]
fn run_with_raw_cents() {
    assert_snapshot!(
        "run_ring_cents",
        session(&["run", "examples/scenarios/four_bank_ring.yaml", "--cents"])
    );
}

#[test]
fn run_json_has_stable_keys() {
    assert_snapshot!(
        "run_json_ticks_seed",
        session(&["run", SCARCE, "--ticks", "20", "--seed", "7", "--format", "json"])
    );
}

#[test]
fn run_reads_machine_format_json() {
    assert_snapshot!(
        "run_machine_json",
        session(&["run", &fixture("machine.json"), "--format", "json"])
    );
}

#[test]
fn seed_override_changes_the_run_and_is_deterministic() {
    let json = |seed: &str| {
        let out = run(&["run", TWO_BANK, "--seed", seed, "--format", "json"]);
        serde_json::from_str::<Value>(&stdout_ok(&out)).unwrap()
    };
    let (a, b, c) = (json("1"), json("1"), json("2"));
    assert_eq!(a, b);
    assert_eq!(a["seed"], 1);
    assert_ne!(a["statistics"], c["statistics"]);
}

/// Events of the first 30 ticks of `four_bank_ring.yaml` (offsetting semantics 2; 134 under 1,
/// with `greedy_removal`).
const RING_EVENTS_30_TICKS: usize = 132;

#[test]
fn events_go_to_jsonl_and_csv() {
    let dir = workdir(&["four_bank_ring.yaml"]);
    let out = run_in(
        dir.path(),
        &[
            "run",
            "four_bank_ring.yaml",
            "--ticks",
            "30",
            "--events",
            "out/events.jsonl",
        ],
    );
    let text = stdout_ok(&out);
    assert!(
        text.contains(&format!(
            "events: {RING_EVENTS_30_TICKS} written to out/events.jsonl"
        )),
        "{text}"
    );
    let jsonl = std::fs::read_to_string(dir.path().join("out/events.jsonl")).unwrap();
    // One header line (what the file is and its provenance), then one event per line.
    let lines: Vec<&str> = jsonl.lines().collect();
    assert_eq!(lines.len(), 1 + RING_EVENTS_30_TICKS);
    let header: Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(header["format"], "payment-sim-events");
    assert_eq!(header["schema_version"], 1);
    assert_eq!(header["provenance"]["seed"], 54321);
    for (i, line) in lines[1..].iter().enumerate() {
        let v: Value = serde_json::from_str(line).unwrap();
        assert_eq!(v["seq"], i as u64 + 1);
    }
    let out = run_in(
        dir.path(),
        &[
            "run",
            "four_bank_ring.yaml",
            "--ticks",
            "30",
            "--events",
            "events.csv",
        ],
    );
    stdout_ok(&out);
    let csv = std::fs::read_to_string(dir.path().join("events.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 1 + RING_EVENTS_30_TICKS);
    // The CSV header line is the JSON one after "# ".
    assert_eq!(csv.lines().next().unwrap(), format!("# {}", lines[0]));
    let head: Vec<&str> = csv.lines().take(6).collect();
    let settled = csv.lines().find(|l| l.contains(",settled,")).unwrap();
    assert_snapshot!(
        "events_csv_head",
        format!("{}\n...\n{settled}\n", head.join("\n"))
    );
    let head: Vec<&str> = jsonl.lines().take(4).collect();
    assert_snapshot!("events_jsonl_head", head.join("\n"));
}

#[test]
fn quiet_prints_the_scale_figures_only() {
    let out = run(&[
        "run",
        "examples/scenarios/seed_benchmark.yaml",
        "--quiet",
        "--format",
        "json",
    ]);
    assert!(out.stderr.is_empty());
    let v: Value = serde_json::from_str(&stdout_ok(&out)).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    let mut expected = [
        "scenario",
        "agents",
        "ticks",
        "arrivals",
        "settlements",
        "events",
        "engine_seconds",
        "ticks_per_second",
        "payments_per_second",
        "first_10pct_ticks",
        "first_10pct_seconds",
        "last_10pct_ticks",
        "last_10pct_seconds",
        "last_to_first_ratio",
        "peak_rss_kib",
        "provenance",
        "arrivals_per_second",
        "settlements_by_mechanism",
    ];
    expected.sort_unstable();
    assert_eq!(keys, expected);
    assert_eq!(v["ticks"], 1000);
    assert_eq!(v["first_10pct_ticks"], 100);
    assert_eq!(v["last_10pct_ticks"], 100);
    assert!(v["ticks_per_second"].as_f64().unwrap() > 0.0);

    let out = run(&[
        "run",
        "examples/scenarios/seed_benchmark.yaml",
        "-q",
        "--days",
        "2",
        "--event-recording",
        "off",
    ]);
    let text = stdout_ok(&out);
    for label in [
        "Scale run: examples/scenarios/seed_benchmark.yaml",
        "ticks",
        "200",
        "events recorded",
        "ticks/s",
        "payments settled/s",
        "first 10% (20 ticks)",
        "last 10% (20 ticks)",
        "last / first",
        "peak RSS",
    ] {
        assert!(text.contains(label), "missing {label:?} in\n{text}");
    }
}

#[test]
fn run_errors_are_reported_without_panics() {
    let cases: [(&str, &[&str]); 9] = [
        ("run_missing_file", &["run", "no/such/scenario.yaml"]),
        (
            "run_bad_yaml",
            &["run", "cli/tests/fixtures/bad_syntax.yaml"],
        ),
        (
            "run_invalid_scenario",
            &["run", "cli/tests/fixtures/invalid.yaml"],
        ),
        (
            "run_unknown_field",
            &["run", "cli/tests/fixtures/unknown_field.yaml"],
        ),
        ("run_ticks_zero", &["run", TWO_BANK, "--ticks", "0"]),
        ("run_ticks_beyond", &["run", TWO_BANK, "--ticks", "101"]),
        ("run_days_zero", &["run", TWO_BANK, "--days", "0"]),
        (
            "run_events_bad_extension",
            &["run", TWO_BANK, "--events", "events.txt"],
        ),
        ("run_unknown_flag", &["run", TWO_BANK, "--colour"]),
    ];
    for (name, args) in cases {
        let text = session(args);
        assert!(text.contains("exit: 2\n"), "{text}");
        assert_snapshot!(name, text);
    }
}

#[test]
fn no_arguments_is_a_usage_error() {
    let out = run(&[]);
    assert_eq!(code(&out), 2);
    assert_snapshot!("help", session(&["--help"]));
}
