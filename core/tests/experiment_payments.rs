//! Experiments that replay payment files (docs/experiments.md § Payment files): each point a
//! fed run through the importer, its record as for any point.

use std::path::{Path, PathBuf};

use payment_sim_core::experiment::{run, Experiment, Num, Plan, RunRecord};
use payment_sim_core::import::{run_file, FeedSpec, ResultsFormat};
use payment_sim_core::{parse_document, Simulation};
use serde_json::{json, Value};

const SCENARIO: &str = r#"{"simulation": {"ticks_per_day": 11, "num_days": 2, "seed": 1},
  "agents": [{"id": "BANK_A", "balance": 50000, "policy": {"type": "Fifo"}},
             {"id": "BANK_B", "balance": 20000, "policy": {"type": "Fifo"}},
             {"id": "BANK_C", "balance": 0, "policy": {"type": "Fifo"}}]}"#;

const HEADER: &str = "id,time,sender,receiver,amount\n";
const A: &str = "P1,2026-03-02 07:05,BANK_A,BANK_B,30000
P2,2026-03-02 07:40,BANK_B,BANK_C,45000
P3,2026-03-02 09:15,BANK_C,BANK_A,12000
P4,2026-03-03 12:30,BANK_A,BANK_C,90000
";
const B: &str = "P1,2026-03-02 08:00,BANK_A,BANK_C,10000
P2,2026-03-02 10:00,BANK_C,BANK_B,5000
";

/// A fresh folder holding `files` (name, text).
fn folder(tag: &str, files: &[(&str, String)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("psim-exp-pay-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    dir
}

fn two_files(tag: &str) -> PathBuf {
    folder(
        tag,
        &[
            ("a.csv", format!("{HEADER}{A}")),
            ("b.csv", format!("{HEADER}{B}")),
        ],
    )
}

fn experiment(dir: &Path, rest: Value) -> Experiment {
    let mut e = json!({"scenario": serde_json::from_str::<Value>(SCENARIO).unwrap()});
    for (k, v) in rest.as_object().unwrap() {
        e[k] = v.clone();
    }
    let mut e: Experiment = serde_json::from_value(e).unwrap();
    e.resolve_paths(dir);
    e
}

fn records(e: &Experiment) -> Vec<RunRecord> {
    run(&Plan::new(e, None, false).unwrap(), Some(2), None).unwrap()
}

fn int(r: &RunRecord, col: &str) -> i128 {
    match r.system.as_ref().unwrap().get(col) {
        Some(Num::Int(v)) => v,
        other => panic!("{col}: {other:?}"),
    }
}

#[test]
fn two_files_on_an_axis_give_different_deterministic_records_equal_to_a_plain_fed_run() {
    let dir = two_files("axis");
    let opts = json!({"business_day": "07:00-18:00"});
    let e = experiment(
        &dir,
        json!({"axes": [{"payments": [
            {"file": "a.csv", "business_day": "07:00-18:00"},
            {"file": "b.csv", "business_day": "07:00-18:00"}]}]}),
    );
    let plan = Plan::new(&e, None, false).unwrap();
    assert_eq!(plan.axis_names(), ["payments"]);
    let got = records(&e);
    assert_eq!(got, records(&e), "deterministic");
    assert_eq!(got.len(), 2);
    assert!(got.iter().all(|r| r.status == "ok"), "{got:?}");
    assert_eq!(got[0].values.0, [("payments".to_string(), json!("a.csv"))]);
    assert_eq!(got[1].values.0, [("payments".to_string(), json!("b.csv"))]);
    assert_eq!(int(&got[0], "arrivals"), 4);
    assert_eq!(int(&got[1], "arrivals"), 2);
    assert_ne!(got[0].system, got[1].system);
    // Each record is the plain fed run of its file (run --payments, psim_sim_run_payments).
    for (r, name) in got.iter().zip(["a.csv", "b.csv"]) {
        let (config, _) = parse_document(SCENARIO).unwrap();
        let mut sim = Simulation::new(config).unwrap();
        let spec: FeedSpec = serde_json::from_value(opts.clone()).unwrap();
        let file = std::fs::File::open(dir.join(name)).unwrap();
        let none: Option<(std::io::Sink, ResultsFormat)> = None;
        run_file(
            &mut sim,
            file,
            name,
            spec.options(name).unwrap(),
            none,
            None,
            None,
        )
        .unwrap();
        let s = sim.statistics();
        assert_eq!(int(r, "arrivals"), s.arrivals as i128);
        assert_eq!(int(r, "settled_count"), s.settlements as i128);
        assert_eq!(int(r, "settled_value"), s.settled_value as i128);
        assert_eq!(int(r, "cost_total"), s.costs.total as i128);
    }
}

#[test]
fn a_top_level_file_is_replayed_at_every_point() {
    let dir = two_files("top");
    let e = experiment(
        &dir,
        json!({"payments": {"file": "a.csv", "business_day": "07:00-18:00"},
               "axes": [{"path": "agents[BANK_B].balance", "values": [20000, 100000]}]}),
    );
    let got = records(&e);
    assert!(got.iter().all(|r| r.status == "ok"), "{got:?}");
    assert!(got.iter().all(|r| int(r, "arrivals") == 4));
    assert!(int(&got[1], "settled_count") >= int(&got[0], "settled_count"));
}

#[test]
fn a_missing_file_or_bad_options_name_the_axis_and_value_before_anything_runs() {
    let dir = two_files("bad");
    let e = experiment(
        &dir,
        json!({"axes": [{"payments": ["missing.csv", {"file": "a.csv", "format": "xls"}]}]}),
    );
    let msg = Plan::new(&e, None, false).unwrap_err().to_string();
    assert!(
        msg.contains(r#"axes[0] (payments) = "missing.csv": no such file"#),
        "{msg}"
    );
    assert!(
        msg.contains(r#"axes[0] (payments) = "a.csv": format must be "csv" or "jsonl""#),
        "{msg}"
    );
    let e = experiment(&dir, json!({"payments": "nope.csv"}));
    let msg = Plan::new(&e, None, false).unwrap_err().to_string();
    assert!(
        msg.contains(r#"payments = "nope.csv": no such file"#),
        "{msg}"
    );
    let both = experiment(
        &dir,
        json!({"payments": "a.csv", "axes": [{"payments": ["b.csv"]}]}),
    );
    let msg = Plan::new(&both, None, false).unwrap_err().to_string();
    assert!(msg.contains("a point replays one payment file"), "{msg}");
    let bad: Result<Experiment, _> =
        serde_json::from_value(json!({"scenario": {}, "payments": {"file": "a.csv", "colour": 1}}));
    assert!(bad.unwrap_err().to_string().contains("colour"));
}

#[test]
fn a_bad_row_fails_that_point_and_the_others_run() {
    let dir = folder(
        "row",
        &[
            ("a.csv", format!("{HEADER}{A}")),
            (
                "broken.csv",
                format!("{HEADER}P1,2026-03-02 08:00,BANK_A,BANK_C,lots\n"),
            ),
        ],
    );
    let e = experiment(
        &dir,
        json!({"axes": [{"payments": [
            {"file": "broken.csv", "business_day": "07:00-18:00"},
            {"file": "a.csv", "business_day": "07:00-18:00"}]}]}),
    );
    let got = records(&e);
    assert_eq!(got[0].status, "failed");
    let why = got[0].error.as_deref().unwrap();
    assert!(
        why.contains("broken.csv") && why.contains("amount"),
        "{why}"
    );
    assert_eq!(got[1].status, "ok");
}
