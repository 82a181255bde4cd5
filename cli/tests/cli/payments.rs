//! `run --payments FILE --results FILE`: the shipped example replayed (summary and results
//! joined back to the input ids), JSON Lines in and out, and every bad input: exit 2 with the
//! file, line and column named.

use std::path::Path;

use crate::support::{code, root, run_in, session, stdout_ok};

const SCENARIO: &str = "examples/payments/scenario.yaml";
const PAYMENTS: &str = "examples/payments/payments.csv";

fn scenario_in(d: &Path) {
    std::fs::copy(root().join(SCENARIO), d.join("scenario.yaml")).unwrap();
}

#[test]
fn the_example_replays_with_results_joined_by_id() {
    let dir = tempfile::tempdir().unwrap();
    let results = dir.path().join("results.csv");
    let results = results.to_str().unwrap();
    let args = [
        "run",
        SCENARIO,
        "--payments",
        PAYMENTS,
        "--business-day",
        "07:00-18:00",
        "--results",
        results,
    ];
    let text = session(&args).replace(results, "RESULTS");
    insta::assert_snapshot!(text);
    let out = std::fs::read_to_string(results).unwrap();
    insta::assert_snapshot!("example_results_csv", out);
    // Every input row has one result, by its id and line.
    let input = std::fs::read_to_string(root().join(PAYMENTS)).unwrap();
    assert_eq!(out.lines().count(), input.lines().count());
    for (k, row) in input.lines().skip(1).enumerate() {
        let id = row.split(',').next().unwrap();
        let joined = format!("{id},T");
        assert!(
            out.lines().any(
                |l| l.starts_with(&joined) && l.split(',').nth(2) == Some(&(k + 2).to_string())
            ),
            "{id} line {}",
            k + 2
        );
    }
}

#[test]
fn json_lines_in_and_out_with_a_column_mapping_and_delimiter() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    scenario_in(d);
    std::fs::write(
        d.join("p.jsonl"),
        "{\"ref\":\"x1\",\"tick\":0,\"from\":\"BANK_A\",\"to\":\"BANK_B\",\"amount\":100,\"deadline\":3}\n",
    )
    .unwrap();
    let args = [
        "run",
        "scenario.yaml",
        "--payments",
        "p.jsonl",
        "--columns",
        "id=ref,sender=from,receiver=to",
        "--results",
        "r.jsonl",
    ];
    stdout_ok(&run_in(d, &args));
    let r = std::fs::read_to_string(d.join("r.jsonl")).unwrap();
    assert_eq!(
        r,
        "{\"id\":\"x1\",\"tx\":\"T1\",\"line\":1,\"sender\":\"BANK_A\",\"receiver\":\"BANK_B\",\"amount\":100,\"arrival_tick\":0,\"deadline_tick\":3,\"status\":\"settled\",\"settlement_tick\":0,\"mechanism\":\"rtgs\",\"delay\":0,\"num_parts\":0,\"parts\":[]}\n"
    );
    std::fs::write(
        d.join("p.csv"),
        "ID;tick;sender;receiver;amount\nq;1;BANK_A;BANK_C;7\n",
    )
    .unwrap();
    let args = [
        "run",
        "scenario.yaml",
        "--payments",
        "p.csv",
        "--delimiter",
        ";",
        "--columns",
        "id=ID",
        "--results",
        "r.csv",
    ];
    stdout_ok(&run_in(d, &args));
    let r = std::fs::read_to_string(d.join("r.csv")).unwrap();
    assert!(
        r.ends_with("\nq,T1,2,BANK_A,BANK_C,7,1,51,settled,1,rtgs,0,0,,,\n"),
        "{r}"
    );
}

/// Each bad file: exit 2, the message naming file, line and column, and nothing lost: an
/// earlier run's results file stays as it was, a rejects file is not left behind.
#[test]
fn every_bad_input_is_exit_2_with_its_place() {
    let h = "id,tick,sender,receiver,amount\n";
    let cases: Vec<(&str, Vec<u8>, &[&str], &str)> = vec![
        ("missing column", b"id,tick,sender,amount\n".to_vec(), &[],
         "error: invalid payments file: p.csv line 1, column \"receiver\": the header has no \"receiver\" column (it has id, tick, sender, amount; rename with a column mapping)"),
        ("no tick or time", b"id,sender,receiver,amount\n".to_vec(), &[],
         "error: invalid payments file: p.csv line 1, column \"time\": the header has neither a \"tick\" nor a \"time\" column"),
        ("times without a business day", b"id,time,sender,receiver,amount\n".to_vec(), &[],
         "error: invalid payments file: p.csv line 1, column \"time\": the file has times: give the business day"),
        ("mistyped amount", format!("{h}a,0,BANK_A,BANK_B,12.50\n").into_bytes(), &[],
         "error: invalid payments file: p.csv line 2, column \"amount\": \"12.50\" is not a whole number of cents"),
        ("non-positive amount", format!("{h}a,0,BANK_A,BANK_B,-3\n").into_bytes(), &[],
         "error: invalid payments file: p.csv line 2, column \"amount\": the amount must be positive (got -3)"),
        ("unknown participant", format!("{h}a,0,BANK_A,BANK_Z,3\n").into_bytes(), &[],
         "error: invalid payments file: p.csv line 2, column \"receiver\": unknown participant \"BANK_Z\""),
        ("self-payment", format!("{h}a,0,BANK_A,BANK_A,3\n").into_bytes(), &[],
         "error: invalid payments file: p.csv line 2, column \"receiver\": a payment to its own sender"),
        ("duplicate id", format!("{h}a,0,BANK_A,BANK_B,3\na,5,BANK_B,BANK_A,3\n").into_bytes(), &[],
         "error: invalid payments file: p.csv line 3, column \"id\": duplicate payment id \"a\" within one business day"),
        ("unparseable time", b"id,time,sender,receiver,amount\na,2026-02-30 08:00,BANK_A,BANK_B,3\n".to_vec(),
         &["--business-day", "07:00-18:00"],
         "error: invalid payments file: p.csv line 2, column \"time\": \"2026-02-30 08:00\" is not a time (RFC 3339 or YYYY-MM-DD HH:MM[:SS])"),
        ("outside opening hours", b"id,time,sender,receiver,amount\na,2026-03-02 06:59,BANK_A,BANK_B,3\n".to_vec(),
         &["--business-day", "07:00-18:00"],
         "error: invalid payments file: p.csv line 2: \"2026-03-02 06:59\" is outside opening hours (skip such payments with the option to skip them)"),
        ("after the horizon", format!("{h}a,22,BANK_A,BANK_B,3\n").into_bytes(), &[],
         "error: invalid payments file: p.csv line 2: tick 22 is at or after the horizon of 22 ticks"),
        ("truncated", format!("{h}a,0,BANK_A,BANK_B,3\nb,0,BANK_A").into_bytes(), &[],
         "error: invalid payments file: p.csv line 3: the row has 3 fields, the header 5 (a truncated file or a wrong delimiter?)"),
        ("not UTF-8", format!("{h}a,0,BANK_A,BANK_\u{0}B,3\n").replace('\u{0}', "\u{fffd}").into_bytes().into_iter().map(|b| if b == 0xef { 0xff } else { b }).collect(), &[],
         "error: invalid payments file: p.csv line 2: field 4 is not valid UTF-8"),
        ("truncated JSON line", b"{\"id\":1,\"tick\":0,\"sender\":\"BANK_A\",\"receiver\":\"BANK_B\",\"amount\":5}\n{\"id\":2,\"tick\":0,\"sen".to_vec(),
         &["--payments-format", "jsonl"],
         "error: invalid payments file: p.csv line 2: the file ends in the middle of a line (truncated?)"),
    ];
    for (what, bytes, extra, expected) in cases {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        scenario_in(d);
        std::fs::write(d.join("p.csv"), &bytes).unwrap();
        std::fs::write(d.join("r.csv"), "an earlier run's results\n").unwrap();
        let mut args = vec![
            "run",
            "scenario.yaml",
            "--payments",
            "p.csv",
            "--results",
            "r.csv",
            "--rejects",
            "rej.csv",
        ];
        args.extend_from_slice(extra);
        let out = run_in(d, &args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(code(&out), 2, "{what}: {stderr}");
        assert!(
            stderr.starts_with(expected),
            "{what}:\n{stderr}\nexpected: {expected}"
        );
        assert!(
            out.stdout.is_empty(),
            "{what}: no summary of a rejected run"
        );
        let results = std::fs::read_to_string(d.join("r.csv")).unwrap();
        assert_eq!(results, "an earlier run's results\n", "{what}");
        assert!(
            !d.join("rej.csv").exists(),
            "{what}: no rejects file left behind"
        );
    }
}

#[test]
fn skipping_counts_and_a_bad_later_day_stops_before_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    scenario_in(d);
    std::fs::write(
        d.join("p.csv"),
        "id,time,sender,receiver,amount\na,2026-03-02 06:00,BANK_A,BANK_B,3\nb,2026-03-02 08:00,BANK_A,BANK_B,3\nc,2026-03-09 08:00,BANK_A,BANK_B,3\n",
    )
    .unwrap();
    let args = [
        "run",
        "scenario.yaml",
        "--payments",
        "p.csv",
        "--business-day",
        "07:00-18:00",
        "--on-outside",
        "skip",
    ];
    let text = stdout_ok(&run_in(d, &args));
    assert!(text.contains("payments skipped (outside the simulated time): 2 (first: p.csv line 2: \"2026-03-02 06:00\" is outside opening hours)"), "{text}");
    std::fs::write(
        d.join("p.csv"),
        "id,tick,sender,receiver,amount\na,0,BANK_A,BANK_B,3\nb,12,BANK_A,BANK_B,0\n",
    )
    .unwrap();
    let out = run_in(d, &["run", "scenario.yaml", "--payments", "p.csv"]);
    assert_eq!(code(&out), 2);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("error: the payments file stopped the run at tick 11 (nothing of the rejected day was applied): p.csv line 3, column \"amount\": the amount must be positive (got 0)"), "{stderr}");
}

/// A recording of a fed run names the file by path and digest; replay reads it again and
/// verifies the events; a changed file is refused.
#[test]
fn a_fed_run_is_recorded_and_replayed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    scenario_in(d);
    std::fs::copy(root().join(PAYMENTS), d.join("p.csv")).unwrap();
    let args = [
        "run",
        "scenario.yaml",
        "--payments",
        "p.csv",
        "--business-day",
        "07:00-18:00",
        "--event-recording",
        "full",
        "--record",
        "rec.json",
    ];
    let text = stdout_ok(&run_in(d, &args));
    assert!(text.contains("recording: rec.json"), "{text}");
    let rec: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("rec.json")).unwrap()).unwrap();
    assert_eq!(rec["schema_version"], 4);
    assert_eq!(rec["payments"]["path"], "p.csv");
    assert_eq!(rec["payments"]["options"]["business_day"], "07:00-18:00");
    assert!(rec["events"].as_array().unwrap().len() > 10);
    let text = stdout_ok(&run_in(d, &["replay", "rec.json"]));
    assert!(text.starts_with("Replay of rec.json: identical"), "{text}");
    // A changed file is refused before anything runs.
    let changed = std::fs::read_to_string(d.join("p.csv"))
        .unwrap()
        .replace("30000", "30001");
    std::fs::write(d.join("p.csv"), changed).unwrap();
    let out = run_in(d, &["replay", "rec.json"]);
    assert_eq!(code(&out), 2);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with(
            "error: rec.json: the payments file p.csv has changed since the run was recorded"
        ),
        "{stderr}"
    );
    // Version 3 cannot hold a payments file.
    let mut old = rec.clone();
    old["schema_version"] = serde_json::Value::from(3);
    std::fs::write(d.join("old.json"), old.to_string()).unwrap();
    let out = run_in(d, &["replay", "old.json"]);
    assert_eq!(code(&out), 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("has no `payments` (added in version 4)"));
}

/// Participants from the data: the example's three banks from a one-bank scenario, by a
/// participants file and the payments' names, balances in cents or from the bounds.
#[test]
fn participants_come_from_a_file_and_the_payments() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("one.yaml"),
        "simulation: {ticks_per_day: 11, num_days: 2, seed: 1}\nagents:\n  - {id: BANK_A, balance: 50000, policy: {type: Fifo}}\n",
    )
    .unwrap();
    std::fs::copy(root().join(PAYMENTS), d.join("p.csv")).unwrap();
    std::fs::write(d.join("parts.csv"), "id,balance,credit\nBANK_B,20000,\n").unwrap();
    let base = [
        "run",
        "one.yaml",
        "--payments",
        "p.csv",
        "--business-day",
        "07:00-18:00",
    ];
    // Unknown participants stay errors unless asked for.
    let out = run_in(d, &base);
    assert_eq!(code(&out), 2);
    // The example's balances (BANK_C from the default 0): the example's results.
    let mut args = base.to_vec();
    args.extend([
        "--participants",
        "parts.csv",
        "--create-participants",
        "--results",
        "r.csv",
    ]);
    let text = stdout_ok(&run_in(d, &args));
    assert!(
        text.contains("participants added: 2 (1 from parts.csv, 1 found in p.csv)"),
        "{text}"
    );
    let mut example = base.to_vec();
    example[1] = "scenario.yaml";
    example.extend(["--results", "example.csv"]);
    scenario_in(d);
    stdout_ok(&run_in(d, &example));
    assert_eq!(
        std::fs::read_to_string(d.join("r.csv")).unwrap(),
        std::fs::read_to_string(d.join("example.csv")).unwrap()
    );
    // From the bounds.
    let mut args = base.to_vec();
    args.extend([
        "--create-participants",
        "--participant-balance",
        "times_upper_bound:1",
    ]);
    let text = stdout_ok(&run_in(d, &args));
    assert!(
        text.contains("participants added: 2 (2 found in p.csv); 2 balances from the liquidity bounds of a first pass"),
        "{text}"
    );
    // Bad values and files: exit 2 with the place.
    let mut args = base.to_vec();
    args.extend([
        "--create-participants",
        "--participant-balance",
        "between_bounds:2",
    ]);
    let out = run_in(d, &args);
    assert_eq!(code(&out), 2);
    assert!(String::from_utf8_lossy(&out.stderr)
        .starts_with("error: participant_balance.between_bounds must be between 0 and 1 (got 2)"));
    std::fs::write(d.join("bad.csv"), "id,balance\nBANK_A,5\n").unwrap();
    let mut args = base.to_vec();
    args.extend(["--participants", "bad.csv"]);
    let out = run_in(d, &args);
    assert_eq!(code(&out), 2);
    assert!(String::from_utf8_lossy(&out.stderr).starts_with(
        "error: cannot add the participants: bad.csv line 2, column \"id\": \"BANK_A\" is an agent of the scenario already"
    ), "{}", String::from_utf8_lossy(&out.stderr));
    let mut args = base.to_vec();
    args.extend(["--participant-credit", "5"]);
    assert_eq!(code(&run_in(d, &args)), 2);
}

/// `--on-invalid skip --rejects FILE`: bad rows skipped, counted and listed with reasons.
#[test]
fn skipped_rows_are_listed_in_a_rejects_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    scenario_in(d);
    std::fs::write(
        d.join("p.csv"),
        "id,tick,sender,receiver,amount\na,0,BANK_A,BANK_B,3\nb,0,BANK_A,BANK_Q,3\nc,30,BANK_A,BANK_B,3\n",
    )
    .unwrap();
    let args = [
        "run",
        "scenario.yaml",
        "--payments",
        "p.csv",
        "--on-invalid",
        "skip",
        "--on-outside",
        "skip",
        "--rejects",
        "rejects.csv",
    ];
    let text = stdout_ok(&run_in(d, &args));
    assert!(
        text.contains("payments skipped (invalid): 1 (first: p.csv line 3: column \"receiver\": unknown participant \"BANK_Q\")"),
        "{text}"
    );
    assert!(
        text.contains("rejects: 2 rows written to rejects.csv"),
        "{text}"
    );
    assert_eq!(
        std::fs::read_to_string(d.join("rejects.csv")).unwrap(),
        "line,id,kind,reason\n3,b,invalid,\"column \"\"receiver\"\": unknown participant \"\"BANK_Q\"\"\"\n4,c,outside,tick 30 is at or after the horizon of 22 ticks\n"
    );
}

/// `generate` writes a file and a scenario that `run` replays in one command; the same seed
/// writes the same bytes.
#[test]
fn generate_then_replay() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let args = [
        "generate",
        "p.csv",
        "--scenario",
        "s.yaml",
        "--per-day",
        "5000",
        "--participants",
        "20",
    ];
    let text = stdout_ok(&run_in(d, &args));
    assert!(text.starts_with("payments: 5,000 written to p.csv (20 participants, 1 day(s))\nscenario: s.yaml\nreplay: payment-sim run s.yaml --payments p.csv --business-day 07:00-18:00 --results results.csv\n"), "{text}");
    let first = std::fs::read(d.join("p.csv")).unwrap();
    stdout_ok(&run_in(d, &args));
    assert_eq!(std::fs::read(d.join("p.csv")).unwrap(), first);
    let run = [
        "run",
        "s.yaml",
        "--payments",
        "p.csv",
        "--business-day",
        "07:00-18:00",
        "--results",
        "r.csv",
    ];
    let text = stdout_ok(&run_in(d, &run));
    assert!(
        text.contains("results: 5,000 payments written to r.csv"),
        "{text}"
    );
    let out = run_in(
        d,
        &[
            "generate",
            "x.csv",
            "--participants",
            "1",
            "--business-day",
            "7-8",
        ],
    );
    assert_eq!(code(&out), 2);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: --business-day must be HH:MM-HH:MM, opening-closing (got \"7-8\")\n"
    );
}

/// A payments file of ticks for the example's banks over its 2 days of 11 ticks, with an
/// extra column and two invalid rows (skipped and listed in the rejects).
fn fed_file(d: &Path) {
    let banks = ["BANK_A", "BANK_B", "BANK_C"];
    let mut text = String::from("id,tick,sender,receiver,amount,note\n");
    for k in 0..300u64 {
        let s = (k * 7 % 3) as usize;
        let r = (s + 1 + (k % 2) as usize) % 3;
        let amount = 1_000 + (k * 7_919) % 40_000;
        text.push_str(&format!(
            "P{k},{},{},{},{amount},n{k}\n",
            k * 22 / 300,
            banks[s],
            banks[r]
        ));
        if k == 40 || k == 200 {
            text.push_str(&format!("BAD{k},{},BANK_A,BANK_A,5,self\n", k * 22 / 300));
        }
    }
    std::fs::write(d.join("p.csv"), text).unwrap();
}

const FED: [&str; 8] = [
    "--payments",
    "p.csv",
    "--results",
    "r.csv",
    "--rejects",
    "x.csv",
    "--on-invalid",
    "skip",
];

#[test]
fn a_fed_run_saved_before_its_horizon_goes_on_with_tick_exactly_as_uninterrupted() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    scenario_in(d);
    fed_file(d);
    let mut args = vec!["run", "scenario.yaml", "--save-state", "whole.json"];
    args.extend(FED);
    stdout_ok(&run_in(d, &args));
    let read = |name: &str| std::fs::read(d.join(name)).unwrap();
    let (results, rejects, whole) = (read("r.csv"), read("x.csv"), read("whole.json"));
    assert_eq!(results.iter().filter(|b| **b == b'\n').count(), 301);
    assert_eq!(rejects.iter().filter(|b| **b == b'\n').count(), 3);
    for f in ["r.csv", "x.csv"] {
        std::fs::remove_file(d.join(f)).unwrap();
    }
    // Stopped mid-day, then ticked on in steps across the day's end to the horizon.
    let mut args = vec![
        "run",
        "scenario.yaml",
        "--ticks",
        "4",
        "--save-state",
        "s.json",
    ];
    args.extend(FED);
    let text = stdout_ok(&run_in(d, &args));
    assert!(text.contains("the run stops at tick 4"), "{text}");
    let state = String::from_utf8(read("s.json")).unwrap();
    assert!(state.contains("\"payments\":{\"path\":"), "{state}");
    assert!(read("r.csv").len() < results.len());
    for n in ["5", "1", "9", "3"] {
        stdout_ok(&run_in(d, &["tick", n, "--state", "s.json"]));
    }
    assert!(read("r.csv") == results, "results differ");
    assert!(read("x.csv") == rejects, "rejects differ");
    assert!(read("s.json") == whole, "final states differ");
}

#[test]
fn tick_refuses_a_changed_or_missing_payments_file_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    scenario_in(d);
    fed_file(d);
    let mut args = vec![
        "run",
        "scenario.yaml",
        "--ticks",
        "6",
        "--save-state",
        "s.json",
    ];
    args.extend(FED);
    stdout_ok(&run_in(d, &args));
    let read = |name: &str| std::fs::read(d.join(name)).unwrap();
    let before = (read("s.json"), read("r.csv"), read("x.csv"));
    let original = read("p.csv");
    let mut changed = original.clone();
    changed.extend(b"P999,20,BANK_A,BANK_B,5,late\n");
    std::fs::write(d.join("p.csv"), &changed).unwrap();
    let out = run_in(d, &["tick", "2", "--state", "s.json"]);
    assert_eq!(code(&out), 2);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("p.csv has changed since the run was saved"),
        "{stderr}"
    );
    assert!((read("s.json"), read("r.csv"), read("x.csv")) == before);
    std::fs::remove_file(d.join("p.csv")).unwrap();
    let out = run_in(d, &["tick", "2", "--state", "s.json"]);
    assert_eq!(code(&out), 2);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot read") && stderr.contains("p.csv"),
        "{stderr}"
    );
    assert!((read("s.json"), read("r.csv"), read("x.csv")) == before);
    // The same file again: the run goes on.
    std::fs::write(d.join("p.csv"), &original).unwrap();
    stdout_ok(&run_in(d, &["tick", "2", "--state", "s.json"]));
    // Its payments are read as it advances: export names the file rather than the journal.
    let out = run_in(d, &["export", "--state", "s.json", "-o", "rec.json"]);
    assert_eq!(code(&out), 2);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("fed from the payments file") && stderr.contains("p.csv"),
        "{stderr}"
    );
}
