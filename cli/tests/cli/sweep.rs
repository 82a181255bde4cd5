//! `sweep`: the summary table, the records (CSV and JSON) the same for any number of jobs and
//! the same as the core's, and bad experiments exit 2 naming the axis and value.

use insta::assert_snapshot;

use crate::support::{code, root, run, run_in, session, stdout_ok};

const LD: &str = "examples/experiments/liquidity_delay.yaml";

#[test]
fn the_table_summarises_each_level_over_the_seeds() {
    assert_snapshot!("sweep_table", session(&["sweep", LD]));
}

#[test]
fn records_are_the_same_for_any_jobs_and_the_same_as_the_cores() {
    let dir = tempfile::tempdir().unwrap();
    let exp = root().join(LD);
    let exp = exp.to_str().unwrap();
    let files = |jobs: &str| {
        let (csv, json) = (format!("runs{jobs}.csv"), format!("runs{jobs}.json"));
        for out in [&csv, &json] {
            stdout_ok(&run_in(
                dir.path(),
                &["sweep", exp, "--jobs", jobs, "--out", out],
            ));
        }
        let read = |f: &str| std::fs::read_to_string(dir.path().join(f)).unwrap();
        (read(&csv), read(&json))
    };
    let one = files("1");
    assert_eq!(files("2"), one);
    assert_eq!(one.0.lines().count(), 61, "a header and 60 runs");
    // The core's records, run in-process.
    let text = std::fs::read_to_string(exp).unwrap();
    let base =
        std::fs::read_to_string(root().join("examples/scenarios/scarce_liquidity_no_lsm.yaml"))
            .unwrap();
    let plan = payment_sim_core::experiment::Plan::from_text(&text, Some(&base), false).unwrap();
    let records = payment_sim_core::experiment::run(&plan, Some(1), None).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&one.1).unwrap();
    assert_eq!(doc["records"], serde_json::to_value(&records).unwrap());
    assert_eq!(doc["axes"], serde_json::json!(["between_bounds", "seed"]));
}

#[test]
fn bad_experiments_exit_2_naming_the_axis() {
    let dir = tempfile::tempdir().unwrap();
    let base = root().join("examples/scenarios/two_bank_exchange.yaml");
    let write = |name: &str, body: &str| {
        let text = format!("scenario: {}\n{body}", base.display());
        std::fs::write(dir.path().join(name), text).unwrap();
    };
    write(
        "bad.yaml",
        "axes: [{path: lsm.algorithm, values: [greedy_removal, fastest]}]\n",
    );
    let out = run_in(dir.path(), &["sweep", "bad.yaml"]);
    assert_eq!(code(&out), 2);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("axes[0] (lsm.algorithm) = \"fastest\""),
        "{err}"
    );
    write("large.yaml", "seeds: {first: 0, count: 20000}\n");
    let out = run_in(dir.path(), &["sweep", "large.yaml"]);
    assert_eq!(code(&out), 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("allow_large"));
    let out = run(&["sweep", LD, "--out", "results.txt"]);
    assert_eq!(code(&out), 2);
}

#[test]
fn a_point_that_fails_is_a_row_and_the_others_are_kept() {
    let dir = tempfile::tempdir().unwrap();
    let base = root().join("examples/scenarios/two_bank_exchange.yaml");
    let text = format!(
        "scenario: {}\naxes:\n  - {{name: policy, path: 'agents[BANK_A].policy', labels: [fifo, hold],\n     values: [{{type: Fifo}}, {{type: LiquidityAware, target_buffer: 9223372036854775807, urgency_threshold: 0}}]}}\n  - between_bounds: [0.5]\n",
        base.display()
    );
    std::fs::write(dir.path().join("e.yaml"), text).unwrap();
    let out = run_in(
        dir.path(),
        &["sweep", "e.yaml", "--out", "runs.csv", "--format", "json"],
    );
    let summary: serde_json::Value = serde_json::from_str(&stdout_ok(&out)).unwrap();
    assert_eq!(summary[0]["failed"], 0);
    assert_eq!(summary[1]["failed"], 1);
    assert_eq!(summary[1]["values"]["policy"], "hold");
    let csv = std::fs::read_to_string(dir.path().join("runs.csv")).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows.len(), 3);
    assert!(rows[1].starts_with("0,ok,fifo,0.5,"), "{}", rows[1]);
    assert!(rows[2].starts_with("1,failed,hold,0.5,,"), "{}", rows[2]);
    assert!(rows[2].contains("first pass"), "{}", rows[2]);
}
