//! Live-scheduled actions in the journal and in recordings: a step-by-step session with an
//! outage exports and replays byte for byte; the appends are what the replay re-applies (drop
//! one and the replay diverges); an interrupted `schedule` leaves a journal line the next
//! command removes, and `kill -9` at any moment leaves the journal matching the state; a
//! rejected schedule changes neither the state file, nor the journal, nor the recording
//! `export` writes.

use insta::assert_snapshot;
use serde_json::Value;

use crate::support::{code, run_in, stdout_ok, transcript, workdir};

const RING: &str = "four_bank_ring_manual.yaml";
const SHOCK: &str = "outage_and_shock.yaml";

fn journal(d: &std::path::Path) -> String {
    std::fs::read_to_string(d.join(".payment-sim/state.json.submissions.jsonl")).unwrap()
}

/// Run `args` in `d`, appending the transcript to `log`; the output must have exit code 0.
fn step(d: &std::path::Path, log: &mut String, args: &[&str]) -> String {
    let out = run_in(d, args);
    log.push_str(&transcript(args, &out));
    log.push('\n');
    assert_eq!(code(&out), 0, "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_session_with_an_outage_exports_and_replays() {
    let dir = workdir(&[RING]);
    let d = dir.path();
    std::fs::write(
        d.join("outage.yaml"),
        "scenario_events:\n  - {type: outage, agent: BANK_C, from_tick: 1, to_tick: 3}\n",
    )
    .unwrap();
    std::fs::write(
        d.join("more.json"),
        r#"[{"type": "liquidity", "agent": "BANK_A", "tick": 3, "amount": 2500},
            {"type": "payment", "sender": "BANK_B", "receiver": "BANK_A", "amount": 1000, "tick": 3}]"#,
    )
    .unwrap();
    let mut log = String::new();
    step(d, &mut log, &["create", "--config", RING]);
    step(d, &mut log, &["tick"]);
    step(d, &mut log, &["schedule", "outage.yaml"]);
    for (from, to) in [
        ("BANK_A", "BANK_B"),
        ("BANK_B", "BANK_C"),
        ("BANK_C", "BANK_D"),
        ("BANK_D", "BANK_A"),
    ] {
        step(
            d,
            &mut log,
            &["submit", "-s", from, "-r", to, "-a", "50000"],
        );
    }
    step(d, &mut log, &["tick", "2"]);
    step(d, &mut log, &["schedule", "more.json"]);
    step(d, &mut log, &["tick", "2", "--verbose"]);
    step(d, &mut log, &["export", "--output", "session.json"]);
    step(d, &mut log, &["replay", "session.json"]);
    log.push_str("--- journal\n");
    log.push_str(&journal(d));
    assert_snapshot!("schedule_session", log);

    let rec: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("session.json")).unwrap()).unwrap();
    assert_eq!(rec["schema_version"], 3);
    assert!(rec.get("submissions").is_none());
    let appends = rec["appends"].as_array().unwrap();
    assert_eq!(appends.len(), 6);
    assert_eq!(appends[0]["tick"], 1);
    assert_eq!(appends[0]["scenario_events"][0]["type"], "outage");
    assert_eq!(appends[5]["tick"], 3);
    // The outage held the ring while it lasted (ticks 1–2): it settled at tick 3.
    let kinds: Vec<&str> = rec["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["type"].as_str())
        .collect();
    assert!(kinds.contains(&"outage_started") && kinds.contains(&"outage_ended"));
    let ring_settled: Vec<u64> = rec["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"] == "settled" && e["tx"].as_str() < Some("T5"))
        .map(|e| e["tick"].as_u64().unwrap())
        .collect();
    assert_eq!(ring_settled, [3, 3, 3, 3]);

    // The appends are what the replay re-applies: without the outage it diverges.
    let mut edited = rec.clone();
    edited["appends"].as_array_mut().unwrap().remove(0);
    std::fs::write(d.join("edited.json"), edited.to_string()).unwrap();
    let out = run_in(d, &["replay", "edited.json"]);
    assert_eq!(code(&out), 1, "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("diverges at event"));
}

/// With random arrivals and the scenario's own scenario_events (which take the first sequence
/// numbers), live appends at several ticks replay identically, and the exported recording is
/// the one `run --record` would give when nothing is appended live.
#[test]
fn live_appends_on_a_scenario_with_arrivals_and_scenario_events_replay() {
    let dir = workdir(&[SHOCK]);
    let d = dir.path();
    std::fs::write(
        d.join("late.yaml"),
        "- {type: outage, agent: BANK_A, from_tick: 70, to_tick: 90}\n- {type: liquidity, agent: BANK_D, tick: 75, amount: 50000, every: 5, until: 85}\n",
    )
    .unwrap();
    std::fs::write(
        d.join("rate.yaml"),
        "- {type: arrival_rate, agent: BANK_B, from_tick: 100, to_tick: 110, multiplier: 3.0}\n",
    )
    .unwrap();
    let mut log = String::new();
    step(d, &mut log, &["create", "--config", SHOCK]);
    step(d, &mut log, &["tick", "40"]);
    step(d, &mut log, &["schedule", "late.yaml"]);
    step(
        d,
        &mut log,
        &["submit", "-s", "BANK_C", "-r", "BANK_A", "-a", "7000"],
    );
    step(d, &mut log, &["tick", "45"]);
    step(d, &mut log, &["schedule", "rate.yaml"]);
    step(d, &mut log, &["tick", "30"]);
    let export = step(
        d,
        &mut log,
        &["export", "--output", "r.json", "--format", "json"],
    );
    let export: Value = serde_json::from_str(&export).unwrap();
    assert_eq!(export["submissions"], 1);
    assert_eq!(export["scheduled"], 3);
    let replay = step(d, &mut log, &["replay", "r.json", "--format", "json"]);
    let verdict: Value = serde_json::from_str(&replay).unwrap();
    assert_eq!(verdict["ok"], true, "{verdict}");
    assert_eq!(verdict["schedule_appends"], 2);
    assert_eq!(verdict["ticks"], 115);

    // Nothing appended live: the recording is byte for byte what `run --record` writes.
    step(
        d,
        &mut log,
        &["create", "--config", SHOCK, "-o", "plain.json"],
    );
    step(d, &mut log, &["tick", "200", "--state", "plain.json"]);
    step(
        d,
        &mut log,
        &[
            "export",
            "--state",
            "plain.json",
            "--output",
            "exported.json",
        ],
    );
    step(
        d,
        &mut log,
        &["run", SHOCK, "--record", "run.json", "--quiet"],
    );
    let exported = std::fs::read(d.join("exported.json")).unwrap();
    assert_eq!(exported, std::fs::read(d.join("run.json")).unwrap());
    assert!(String::from_utf8_lossy(&exported).contains("\"schema_version\": 2,"));
}

#[test]
fn a_rejected_schedule_changes_neither_state_nor_journal_nor_recording() {
    let dir = workdir(&[RING]);
    let d = dir.path();
    stdout_ok(&run_in(d, &["create", "--config", RING]));
    stdout_ok(&run_in(d, &["tick"]));
    std::fs::write(
        d.join("ok.yaml"),
        "- {type: outage, agent: BANK_B, from_tick: 2, to_tick: 5}\n",
    )
    .unwrap();
    stdout_ok(&run_in(d, &["schedule", "ok.yaml"]));
    stdout_ok(&run_in(
        d,
        &["submit", "-s", "BANK_A", "-r", "BANK_B", "-a", "300"],
    ));
    stdout_ok(&run_in(d, &["export", "--output", "before.json"]));
    let state = std::fs::read(d.join(".payment-sim/state.json")).unwrap();
    let lines = journal(d);
    for (name, text) in [
        // Overlaps the outage scheduled above; the second action's agent is unknown.
        (
            "overlap.yaml",
            "- {type: outage, agent: BANK_B, from_tick: 4, to_tick: 6}\n- {type: liquidity, agent: BANK_Q, tick: 3, amount: 5}\n",
        ),
        ("past.json", r#"[{"type": "liquidity", "agent": "BANK_A", "tick": 0, "amount": 5}]"#),
        ("shape.json", r#"{"scenario_events": [{"type": "outage"}], "x": 1}"#),
        ("syntax.json", "[{\"type\": "),
    ] {
        std::fs::write(d.join(name), text).unwrap();
        let out = run_in(d, &["schedule", name]);
        assert_eq!(code(&out), 2, "{name}");
        assert_eq!(std::fs::read(d.join(".payment-sim/state.json")).unwrap(), state);
        assert_eq!(journal(d), lines, "{name}");
    }
    stdout_ok(&run_in(d, &["export", "--output", "after.json"]));
    assert_eq!(
        std::fs::read(d.join("before.json")).unwrap(),
        std::fs::read(d.join("after.json")).unwrap()
    );
}

/// A `schedule` killed after writing its journal line but before saving the state leaves a
/// line whose `seq` the state does not hold: the next command that changes the state removes
/// it, and `export` leaves it out.
#[test]
fn an_interrupted_schedule_leaves_a_line_the_next_command_removes() {
    let dir = workdir(&[RING]);
    let d = dir.path();
    stdout_ok(&run_in(d, &["create", "--config", RING]));
    std::fs::write(
        d.join("ok.yaml"),
        "- {type: outage, agent: BANK_B, from_tick: 2, to_tick: 5}\n",
    )
    .unwrap();
    stdout_ok(&run_in(d, &["schedule", "ok.yaml"]));
    let whole = journal(d);
    let path = d.join(".payment-sim/state.json.submissions.jsonl");
    let ghost = "{\"tick\":0,\"scenario_events\":[{\"type\":\"liquidity\",\"agent\":\"BANK_A\",\"tick\":3,\"amount\":5}],\"seq\":2}\n";
    std::fs::write(&path, format!("{whole}{ghost}")).unwrap();
    let out = run_in(d, &["export", "--output", "r.json"]);
    assert_eq!(code(&out), 0);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.ends_with("state.json.submissions.jsonl line 2 is not part of the simulation (a schedule was interrupted before it saved the state file); it is left out\n"),
        "{stderr}"
    );
    assert_eq!(journal(d), format!("{whole}{ghost}"), "export only reads");
    stdout_ok(&run_in(d, &["replay", "r.json"]));
    let out = run_in(d, &["tick"]);
    assert_eq!(code(&out), 0);
    assert!(String::from_utf8_lossy(&out.stderr).contains("a schedule was interrupted"));
    assert_eq!(journal(d), whole);
}

/// `kill -9` at arbitrary moments of `schedule`, `submit` and `tick`: the journal holds exactly
/// the appends the state holds (the ids it gave out, the sequence numbers it gave out) and the
/// exported recording replays.
#[test]
fn schedules_killed_at_any_moment_leave_a_consistent_session() {
    let dir = workdir(&[RING]);
    let d = dir.path();
    stdout_ok(&run_in(d, &["create", "--config", RING, "-o", "s.json"]));
    for (i, bank) in ["BANK_A", "BANK_B", "BANK_C"].iter().enumerate() {
        std::fs::write(
            d.join(format!("a{i}.yaml")),
            format!("- {{type: liquidity, agent: {bank}, tick: 9, amount: {}}}\n- {{type: credit_limit, agent: {bank}, tick: 9, credit_limit: {}}}\n", 100 + i, 50 + i),
        )
        .unwrap();
    }
    let mut seed: u64 = 777;
    for i in 0..45 {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let delay = std::time::Duration::from_micros((seed >> 33) % 15_000);
        let actions = format!("a{}.yaml", i % 3);
        let amount = (i + 1).to_string();
        let args: Vec<&str> = match i % 9 {
            8 => vec!["tick", "--state", "s.json"],
            0 | 3 | 5 => vec!["schedule", &actions, "--state", "s.json"],
            _ => vec![
                "submit", "--state", "s.json", "-s", "BANK_A", "-r", "BANK_B", "-a", &amount,
            ],
        };
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_payment-sim"))
            .current_dir(d)
            .args(&args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start payment-sim");
        std::thread::sleep(delay);
        let _ = child.kill();
        let _ = child.wait();
    }
    // One more command repairs what the last kill may have left.
    stdout_ok(&run_in(d, &["schedule", "a0.yaml", "--state", "s.json"]));
    let state: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("s.json")).unwrap()).unwrap();
    let lines: Vec<Value> = std::fs::read_to_string(d.join("s.json.submissions.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let ids: Vec<&str> = lines.iter().filter_map(|l| l["tx"].as_str()).collect();
    let given_out = state["next_tx_seq"].as_u64().unwrap() - 1;
    let expected: Vec<String> = (1..=given_out).map(|n| format!("T{n}")).collect();
    assert_eq!(ids, expected);
    // Two actions per append: the sequence numbers run 2, 4, 6, … to the state's last.
    let seqs: Vec<u64> = lines.iter().filter_map(|l| l["seq"].as_u64()).collect();
    let last_seq = state["schedule"]["last_seq"].as_u64().unwrap();
    assert_eq!(seqs, (1..=last_seq / 2).map(|n| 2 * n).collect::<Vec<_>>());
    stdout_ok(&run_in(
        d,
        &["export", "--state", "s.json", "-o", "rec.json"],
    ));
    let replay = stdout_ok(&run_in(d, &["replay", "rec.json", "--format", "json"]));
    let verdict: Value = serde_json::from_str(&replay).unwrap();
    assert_eq!(verdict["ok"], true, "{verdict}");
    assert_eq!(
        verdict["schedule_appends"].as_u64(),
        Some(seqs.len() as u64)
    );
}
