//! `report`: the HTML page holds the core's numbers, is self-contained and deterministic, says
//! when a run is empty or unfinished, and refuses bad input with exit 2.

use std::path::Path;

use serde_json::Value;

use crate::support::{code, fixture, root, run, run_in, stdout_ok};

const SCENARIO: &str = "examples/scenarios/outage_and_shock.yaml";

/// Write the report of `args` into `dir` and return its text.
fn report(dir: &Path, args: &[&str]) -> String {
    let out_file = dir.join("report.html");
    let mut all = vec!["--cents", "report"];
    all.extend_from_slice(args);
    let out_path = out_file.to_str().unwrap().to_string();
    all.extend_from_slice(&["--output", &out_path]);
    let out = run(&all);
    assert_eq!(
        code(&out),
        0,
        "report failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::read_to_string(out_file).expect("report written")
}

/// The `run --format json` document (statistics and indicators) of the same run.
fn documents(args: &[&str]) -> Value {
    let mut all = vec!["--format", "json", "run"];
    all.extend_from_slice(args);
    serde_json::from_str(&stdout_ok(&run(&all))).expect("JSON")
}

/// The text between `<section id="ID">` and its `</section>`.
fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("<section id=\"{id}\">"))
        .unwrap_or_else(|| panic!("no section {id}"));
    let end = html[start..].find("</section>").expect("section end") + start;
    &html[start..end]
}

/// The body rows of the tables in `html`, cell texts (with `&amp;`-style escapes undone for
/// the few the page uses).
fn rows(html: &str) -> Vec<Vec<String>> {
    let body: String = html
        .split("<tbody>")
        .skip(1)
        .map(|t| t.split("</tbody>").next().unwrap_or(""))
        .collect();
    body.split("<tr>")
        .skip(1)
        .map(|row| {
            row.split("<td>")
                .skip(1)
                .map(|cell| cell.split("</td>").next().unwrap_or("").to_string())
                .collect()
        })
        .collect()
}

fn int(v: &Value) -> i128 {
    v.as_i64().map(i128::from).expect("an integer")
}

#[test]
fn the_participant_table_holds_the_cores_indicators_and_costs() {
    let dir = tempfile::tempdir().unwrap();
    let html = report(dir.path(), &[SCENARIO]);
    let doc = documents(&[SCENARIO]);
    let ind = &doc["indicators"];
    let stats = &doc["statistics"];
    let table = rows(section(&html, "participants"));
    let agents = ind["agents"].as_array().unwrap();
    assert_eq!(
        table.len(),
        agents.len() + 1,
        "one row per agent and the system"
    );
    for (i, a) in agents.iter().enumerate() {
        let row = &table[i];
        assert_eq!(row[0], a["id"].as_str().unwrap());
        assert_eq!(row[1].parse::<i128>().unwrap(), int(&a["sent"]["value"]));
        assert_eq!(
            row[2].parse::<i128>().unwrap(),
            int(&a["liquidity_upper_bound"])
        );
        assert_eq!(
            row[3].parse::<i128>().unwrap(),
            int(&a["liquidity_lower_bound"])
        );
        assert_eq!(
            row[4].parse::<f64>().unwrap(),
            a["delay_indicator"].as_f64().unwrap()
        );
        assert_eq!(
            row[5].parse::<u64>().unwrap(),
            a["unsettled"]["count"].as_u64().unwrap()
        );
        assert_eq!(
            row[6].parse::<i128>().unwrap(),
            int(&a["unsettled"]["value"])
        );
        assert_eq!(
            row[7].parse::<i128>().unwrap(),
            int(&stats["agents"][i]["costs"]["total"])
        );
    }
    let system = table.last().unwrap();
    assert_eq!(system[0], "system");
    assert_eq!(
        system[2].parse::<i128>().unwrap(),
        int(&ind["system"]["liquidity_upper_bound"])
    );
    assert_eq!(
        system[4].parse::<f64>().unwrap(),
        ind["system"]["delay_indicator"].as_f64().unwrap()
    );
    // Something to compare: the scenario's outage leaves bounds and delays that are not 0.
    assert!(int(&ind["system"]["liquidity_upper_bound"]) > 0);
}

#[test]
fn mechanisms_days_summary_and_events_come_from_the_documents() {
    let dir = tempfile::tempdir().unwrap();
    let html = report(dir.path(), &[SCENARIO]);
    let doc = documents(&[SCENARIO]);
    let ind = &doc["indicators"];

    let mech = rows(section(&html, "mechanisms"));
    // Payments totals, then the four mechanisms.
    assert_eq!(
        mech[1][1],
        group(doc["statistics"]["settlements"].as_u64().unwrap())
    );
    for (row, key) in mech[3..]
        .iter()
        .zip(["rtgs", "queue", "bilateral", "multilateral"])
    {
        let m = &ind["system"]["settled_by_mechanism"][key];
        assert_eq!(row[1], group(m["count"].as_u64().unwrap()), "{key}");
        assert_eq!(row[2].parse::<i128>().unwrap(), int(&m["value"]), "{key}");
    }

    let days = rows(section(&html, "throughput"));
    let doc_days = ind["days"].as_array().unwrap();
    assert_eq!(days.len(), doc_days.len());
    for (row, d) in days.iter().zip(doc_days) {
        assert_eq!(row[0], d["day"].to_string());
        assert_eq!(
            row[3].parse::<i128>().unwrap(),
            int(&d["system"]["sent"]["value"])
        );
        assert_eq!(
            row[6].parse::<f64>().unwrap(),
            d["system"]["delay_indicator"].as_f64().unwrap()
        );
        // One curve per day, named in its tooltip.
        assert!(section(&html, "throughput").contains(&format!("<title>day {}</title>", d["day"])));
    }

    let summary = section(&html, "summary");
    let prov = &doc["statistics"]["provenance"];
    assert!(summary.contains(prov["scenario_hash"].as_str().unwrap()));
    assert!(summary.contains(&format!("<td>{}</td>", prov["seed"])));
    assert!(!summary.contains("Unfinished"));

    // The scenario's outage and withdrawal: listed, and marked on the charts (the outage as
    // a span over ticks 30–60).
    let events = section(&html, "events");
    assert!(events.contains("<td>outage_started</td>"), "{events}");
    assert!(events.contains("<td>liquidity</td>"));
    let paths = section(&html, "paths");
    assert!(paths.contains("<rect class=\"span\""));
    assert!(paths.contains("outage_started BANK_C until tick 60"));
    assert!(paths.contains("<line class=\"marker\""));
    assert!(section(&html, "queues").contains("<title>Queue 2</title>"));
}

fn group(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[test]
fn the_paths_are_those_of_the_largest_senders() {
    let dir = tempfile::tempdir().unwrap();
    let html = report(dir.path(), &[SCENARIO, "--top", "2"]);
    let doc = documents(&[SCENARIO]);
    let mut agents: Vec<(i128, String)> = doc["indicators"]["agents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                int(&a["sent"]["value"]),
                a["id"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    agents.sort_by_key(|a| std::cmp::Reverse(a.0));
    let paths = section(&html, "paths");
    for (i, (_, id)) in agents.iter().enumerate() {
        let drawn = paths.contains(&format!("<title>{id}</title>"));
        assert_eq!(drawn, i < 2, "{id}");
    }
}

#[test]
fn the_page_is_self_contained_and_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let first = report(dir.path(), &[SCENARIO]);
    let second = report(dir.path(), &[SCENARIO]);
    assert_eq!(first, second, "same scenario and seed, same bytes");
    for forbidden in ["http://", "https://", "src=", "href=", "<script", "url("] {
        assert!(!first.contains(forbidden), "{forbidden} in the page");
    }
    assert!(first.starts_with("<!DOCTYPE html>"));
    assert!(first.matches("<svg ").count() >= 5, "charts are inline SVG");
    let other_seed = report(dir.path(), &[SCENARIO, "--seed", "7"]);
    assert_ne!(first, other_seed);
}

#[test]
fn an_empty_or_unfinished_run_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let empty = report(dir.path(), &[SCENARIO, "--ticks", "0"]);
    assert!(empty.contains("This run is empty"));
    assert!(!empty.contains("<svg "));
    let part = report(dir.path(), &[SCENARIO, "--ticks", "50"]);
    assert!(part.contains("Unfinished run: 50 of 200 ticks have run"));
    assert!(part.contains("<section id=\"paths\">"));
}

#[test]
fn a_state_file_and_a_recording_report_too() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("s.json");
    let rec = dir.path().join("r.json");
    let out = run(&[
        "run",
        SCENARIO,
        "--ticks",
        "120",
        "--save-state",
        state.to_str().unwrap(),
        "--record",
        rec.to_str().unwrap(),
    ]);
    stdout_ok(&out);
    let from_state = report(dir.path(), &["--state", state.to_str().unwrap()]);
    assert!(from_state.contains("Unfinished run: 120 of 200 ticks"));
    assert!(from_state.contains("No time series was recorded"));
    assert!(from_state.contains("<td>outage_started</td>"));
    let from_rec = report(dir.path(), &["--recording", rec.to_str().unwrap()]);
    assert!(from_rec.contains("Unfinished run: 120 of 200 ticks"));
    assert!(section(&from_rec, "paths").contains("<title>BANK_A</title>"));
    // The same run, the same participant table.
    assert_eq!(
        rows(section(&from_state, "participants")),
        rows(section(&from_rec, "participants"))
    );
}

#[test]
fn bad_input_exits_2_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("r.html");
    let o = out_file.to_str().unwrap();
    let invalid = fixture("invalid.yaml");
    for args in [
        vec!["report", "missing.yaml", "-o", o],
        vec!["report", invalid.as_str(), "-o", o],
        vec!["report", "-o", o],
        vec!["report", SCENARIO, "-o", o, "--top", "0"],
        vec!["report", SCENARIO, "-o", o, "--ticks", "201"],
        vec!["report", SCENARIO, "--state", "x.json", "-o", o],
        vec!["report", "--state", "missing.json", "-o", o],
        vec!["report", "--recording", invalid.as_str(), "-o", o],
    ] {
        let out = run_in(&root(), &args);
        assert_eq!(
            code(&out),
            2,
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!out_file.exists(), "{args:?} wrote the report");
    }
    // The output naming the input: refused, the input untouched.
    let state = dir.path().join("s.json");
    stdout_ok(&run(&[
        "run",
        SCENARIO,
        "--ticks",
        "5",
        "--save-state",
        state.to_str().unwrap(),
    ]));
    let before = std::fs::read(&state).unwrap();
    let s = state.to_str().unwrap();
    let out = run(&["report", "--state", s, "-o", s]);
    assert_eq!(code(&out), 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("is the input file"));
    assert_eq!(std::fs::read(&state).unwrap(), before);
}
