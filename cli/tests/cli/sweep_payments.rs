//! `sweep` over payment files: each point replays its file (a fed run, as `run --payments`),
//! paths relative to the experiment file; a missing file exits 2 naming the axis and value.

use crate::support::{code, run_in, stdout_ok};

const EXPERIMENT: &str = "scenario: data/s.yaml
axes:
  - payments:
      - {file: data/p1.csv, business_day: \"07:00-18:00\"}
      - {file: data/p2.csv, business_day: \"07:00-18:00\"}
";

#[test]
fn each_point_replays_its_file_relative_to_the_experiment() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    for (file, seed, scenario) in [("p1.csv", "1", true), ("p2.csv", "2", false)] {
        let mut args = vec!["generate", file, "--participants", "4", "--per-day", "60"];
        args.extend(["--seed", seed, "--ticks-per-day", "22"]);
        if scenario {
            args.extend(["--scenario", "s.yaml"]);
        }
        stdout_ok(&run_in(&data, &args));
    }
    std::fs::write(dir.path().join("e.yaml"), EXPERIMENT).unwrap();
    // Run from elsewhere: the paths are the experiment file's.
    let elsewhere = tempfile::tempdir().unwrap();
    let exp = dir.path().join("e.yaml");
    let exp = exp.to_str().unwrap();
    stdout_ok(&run_in(
        elsewhere.path(),
        &["sweep", exp, "--out", "runs.csv"],
    ));
    let csv = std::fs::read_to_string(elsewhere.path().join("runs.csv")).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows.len(), 3, "{csv}");
    assert!(rows[0].starts_with("index,status,payments,"), "{}", rows[0]);
    assert!(rows[1].starts_with("0,ok,data/p1.csv,"), "{}", rows[1]);
    assert!(rows[2].starts_with("1,ok,data/p2.csv,"), "{}", rows[2]);
    // arrivals: each file's 60 payments
    let col = |row: &str, name: &str| {
        let k = rows[0].split(',').position(|c| c == name).unwrap();
        row.split(',').nth(k).unwrap().to_string()
    };
    assert_eq!(col(rows[1], "arrivals"), "60");
    assert_eq!(col(rows[2], "arrivals"), "60");
    assert_ne!(col(rows[1], "arrived_value"), col(rows[2], "arrived_value"));
    // The same figures as the plain fed run of the file.
    let out = run_in(
        &data,
        &[
            "run",
            "s.yaml",
            "--payments",
            "p2.csv",
            "--business-day",
            "07:00-18:00",
            "--format",
            "json",
        ],
    );
    let run: serde_json::Value = serde_json::from_str(&stdout_ok(&out)).unwrap();
    let text = run.to_string();
    assert!(text.contains(&col(rows[2], "arrived_value")), "{text}");
    assert!(text.contains(&col(rows[2], "settled_value")), "{text}");
    // Again: the same bytes.
    stdout_ok(&run_in(
        elsewhere.path(),
        &["sweep", exp, "--out", "again.csv"],
    ));
    let again = std::fs::read_to_string(elsewhere.path().join("again.csv")).unwrap();
    assert_eq!(again, csv);
}

#[test]
fn a_missing_file_exits_2_naming_the_axis_and_value() {
    let dir = tempfile::tempdir().unwrap();
    let text = "scenario: {simulation: {ticks_per_day: 10}, agents: [{id: A, balance: 0}]}
axes: [{payments: [gone.csv]}]
";
    std::fs::write(dir.path().join("e.yaml"), text).unwrap();
    let out = run_in(dir.path(), &["sweep", "e.yaml"]);
    assert_eq!(code(&out), 2);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("axes[0] (payments) = \"gone.csv\": no such file"),
        "{err}"
    );
}
