//! Concurrent commands on one state file serialise on its lock (`STATE.lock`): every
//! acknowledged `submit` and `tick` is in the final state, the journal matches it, and
//! `export` + `replay` reproduce it; a command that finds the lock held waits (and says so)
//! or, with `--lock-timeout`, gives up having changed nothing. A `submit` interrupted between
//! its journal line and its state save leaves a line the next command removes.

use std::collections::BTreeSet;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::{code, run_in, stdout_ok, workdir};

/// Start the binary in `dir` without waiting for it.
fn spawn(dir: &Path, args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_payment-sim"))
        .current_dir(dir)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start payment-sim")
}

/// Start every command at once, then wait for all; each must succeed. Their JSON outputs.
fn all_at_once(dir: &Path, commands: &[Vec<String>]) -> Vec<Value> {
    let children: Vec<Child> = commands
        .iter()
        .map(|args| spawn(dir, &args.iter().map(String::as_str).collect::<Vec<_>>()))
        .collect();
    children
        .into_iter()
        .zip(commands)
        .map(|(child, args)| {
            let out = child.wait_with_output().unwrap();
            serde_json::from_str(&stdout_ok(&out)).unwrap_or_else(|e| panic!("{args:?}: {e}"))
        })
        .collect()
}

fn args(words: &[&str]) -> Vec<String> {
    words.iter().map(|w| w.to_string()).collect()
}

fn submit(from: &str, to: &str, amount: u64) -> Vec<String> {
    let amount = amount.to_string();
    args(&[
        "--format", "json", "submit", "--state", "s.json", "-s", from, "-r", to, "-a", &amount,
    ])
}

fn tick() -> Vec<String> {
    args(&["--format", "json", "tick", "1", "--state", "s.json"])
}

/// `create --config SCENARIO -o s.json` in `dir`.
fn create(dir: &Path, scenario: &str) {
    stdout_ok(&run_in(
        dir,
        &["create", "--config", scenario, "-o", "s.json"],
    ));
}

fn json_of(dir: &Path, words: &[&str]) -> Value {
    serde_json::from_str(&stdout_ok(&run_in(dir, words))).unwrap()
}

fn journal(dir: &Path) -> Vec<Value> {
    std::fs::read_to_string(dir.join("s.json.submissions.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// `export` + `replay` of s.json: identical; the recording.
fn exported_and_replayed(dir: &Path) -> Value {
    stdout_ok(&run_in(
        dir,
        &["export", "--state", "s.json", "-o", "rec.json"],
    ));
    let verdict = json_of(dir, &["--format", "json", "replay", "rec.json"]);
    assert_eq!(verdict["ok"], true, "{verdict}");
    serde_json::from_str(&std::fs::read_to_string(dir.join("rec.json")).unwrap()).unwrap()
}

const BANKS: [&str; 4] = ["BANK_A", "BANK_B", "BANK_C", "BANK_D"];

#[test]
fn twenty_concurrent_submits_all_land() {
    let dir = workdir(&["four_bank_ring_manual.yaml"]);
    let d = dir.path();
    create(d, "four_bank_ring_manual.yaml");
    let commands: Vec<_> = (0..20)
        .map(|i| submit(BANKS[i % 4], BANKS[(i + 1) % 4], 100 + i as u64))
        .collect();
    let done = all_at_once(d, &commands);
    let ids: BTreeSet<String> = done
        .iter()
        .map(|s| s["tx"].as_str().unwrap().into())
        .collect();
    let expected: BTreeSet<String> = (1..=20).map(|n| format!("T{n}")).collect();
    assert_eq!(ids, expected);

    let state = json_of(d, &["--format", "json", "state", "--state", "s.json"]);
    let queued: u64 = state["agents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["queue1_size"].as_u64().unwrap())
        .sum();
    assert_eq!(queued, 20, "{state}");
    let lines = journal(d);
    assert_eq!(lines.len(), 20);
    for s in &done {
        let line = lines.iter().find(|l| l["tx"] == s["tx"]).unwrap();
        assert_eq!(
            (&line["amount"], &line["sender"]),
            (&s["amount"], &s["sender"])
        );
    }
    let rec = exported_and_replayed(d);
    assert_eq!(rec["submissions"].as_array().unwrap().len(), 20);
    let ticked = json_of(d, &["--format", "json", "tick", "--state", "s.json"]);
    assert_eq!(ticked["num_arrivals"], 20, "{ticked}");
}

#[test]
fn ten_concurrent_ticks_run_ten_ticks() {
    let dir = workdir(&["scarce_liquidity.yaml"]);
    let d = dir.path();
    create(d, "scarce_liquidity.yaml");
    let done = all_at_once(d, &vec![tick(); 10]);
    let ran: BTreeSet<u64> = done
        .iter()
        .map(|t| t["first_tick"].as_u64().unwrap())
        .collect();
    assert_eq!(ran, (0..10).collect());
    let state = json_of(d, &["--format", "json", "state", "--state", "s.json"]);
    assert_eq!(state["tick"], 10);
    // Exactly the state one run of 10 ticks reaches.
    stdout_ok(&run_in(
        d,
        &[
            "run",
            "scarce_liquidity.yaml",
            "--ticks",
            "10",
            "--save-state",
            "run.json",
        ],
    ));
    let by_run = std::fs::read(d.join("run.json")).unwrap();
    assert!(by_run == std::fs::read(d.join("s.json")).unwrap());
}

/// Submits and ticks racing: each acknowledged tick ran its own tick, each acknowledged
/// submission is journalled at the tick it reported and arrived in that tick, and the
/// recording replays: the final state is that of one serial order of them all.
#[test]
fn concurrent_submits_and_ticks_all_count() {
    let dir = workdir(&["four_bank_ring.yaml"]);
    let d = dir.path();
    create(d, "four_bank_ring.yaml");
    let mut commands = Vec::new();
    for i in 0..20 {
        commands.push(if i % 5 < 3 {
            submit(BANKS[i % 4], BANKS[(i + 2) % 4], 1_000 + i as u64)
        } else {
            tick()
        });
    }
    let done = all_at_once(d, &commands);
    let (ticks, submits): (Vec<&Value>, Vec<&Value>) =
        done.iter().partition(|v| v.get("first_tick").is_some());
    let ran: BTreeSet<u64> = ticks
        .iter()
        .map(|t| t["first_tick"].as_u64().unwrap())
        .collect();
    assert_eq!(ran, (0..8).collect());
    let rec = exported_and_replayed(d);
    assert_eq!(rec["ticks"], 8);
    let lines = journal(d);
    assert_eq!(lines.len(), 12);
    let events = rec["events"].as_array().unwrap();
    for s in &submits {
        let line = lines
            .iter()
            .find(|l| l["tx"] == s["tx"])
            .expect("journalled");
        assert_eq!(line["tick"], s["arrival_tick"]);
        if s["arrival_tick"].as_u64().unwrap() < 8 {
            let arrival = events
                .iter()
                .find(|e| e["type"] == "arrival" && e["tx"] == s["tx"])
                .unwrap_or_else(|| panic!("no arrival of {s}"));
            assert_eq!(arrival["tick"], s["arrival_tick"]);
            assert_eq!(arrival["amount"], s["amount"]);
        }
    }
}

/// Hold the lock of `dir/s.json` from this process.
fn hold(dir: &Path, shared: bool) -> File {
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join("s.json.lock"))
        .unwrap();
    if shared {
        file.lock_shared().unwrap();
    } else {
        file.lock().unwrap();
    }
    file
}

#[test]
fn a_held_lock_makes_a_command_wait_and_say_so() {
    let dir = workdir(&["four_bank_ring_manual.yaml"]);
    let d = dir.path();
    create(d, "four_bank_ring_manual.yaml");
    let lock = hold(d, false);
    let mut child = spawn(d, &["tick", "--state", "s.json"]);
    // Its first line on stderr, read while it runs.
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let (send, first_line) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = stderr.read_line(&mut line);
        let _ = send.send(line);
    });
    let note = first_line.recv_timeout(Duration::from_secs(60)).unwrap();
    assert_eq!(
        note,
        "note: waiting for another payment-sim command to finish with s.json (--lock-timeout SECONDS gives up instead)\n"
    );
    assert!(child.try_wait().unwrap().is_none(), "tick did not wait");
    drop(lock);
    stdout_ok(&child.wait_with_output().unwrap());
    assert_eq!(
        json_of(d, &["--format", "json", "state", "-s", "s.json"])["tick"],
        1
    );
}

#[test]
fn a_lock_timeout_gives_up_and_changes_nothing() {
    let dir = workdir(&["four_bank_ring_manual.yaml"]);
    let d = dir.path();
    create(d, "four_bank_ring_manual.yaml");
    let before = std::fs::read(d.join("s.json")).unwrap();
    let lock = hold(d, false);
    let started = Instant::now();
    let out = run_in(d, &["tick", "--state", "s.json", "--lock-timeout", "0.3"]);
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(code(&out), 1);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: s.json is busy: another payment-sim command held its lock (s.json.lock) for more than 0.3 seconds (--lock-timeout); nothing was changed\n"
    );
    let reader = run_in(d, &["state", "--state", "s.json", "--lock-timeout", "0"]);
    assert_eq!(code(&reader), 1, "a reader waits for a writer too");
    drop(lock);
    // Readers share the lock; writers wait for them.
    let _readers = hold(d, true);
    stdout_ok(&run_in(
        d,
        &["stats", "--state", "s.json", "--lock-timeout", "0"],
    ));
    let writer = run_in(
        d,
        &[
            "submit",
            "--state",
            "s.json",
            "-s",
            "BANK_A",
            "-r",
            "BANK_B",
            "-a",
            "5",
            "--lock-timeout",
            "0",
        ],
    );
    assert_eq!(code(&writer), 1);
    assert_eq!(std::fs::read(d.join("s.json")).unwrap(), before);
    assert_eq!(journal(d).len(), 0);
    let usage = run_in(d, &["state", "--lock-timeout", "-1"]);
    assert_eq!(code(&usage), 2);
}

/// A `submit` killed after writing its journal line but before saving the state (or while
/// writing the line) leaves a line that is not part of the simulation: `export` leaves it out,
/// the next command that changes the state removes it (and a half-written `STATE.partial`),
/// and the session goes on.
#[test]
fn an_interrupted_submit_is_left_out_then_removed() {
    let dir = workdir(&["four_bank_ring_manual.yaml"]);
    let d = dir.path();
    create(d, "four_bank_ring_manual.yaml");
    for (from, to) in [("BANK_A", "BANK_B"), ("BANK_B", "BANK_C")] {
        stdout_ok(&run_in(
            d,
            &[
                "submit", "--state", "s.json", "-s", from, "-r", to, "-a", "9",
            ],
        ));
    }
    let path = d.join("s.json.submissions.jsonl");
    let good = std::fs::read_to_string(&path).unwrap();
    let unsaved = r#"{"tick":0,"sender":"BANK_C","receiver":"BANK_D","amount":9,"deadline_offset":50,"priority":5,"tx":"T3"}"#;
    std::fs::write(&path, format!("{good}{unsaved}\n")).unwrap();
    let out = run_in(d, &["export", "--state", "s.json", "-o", "rec.json"]);
    stdout_ok(&out);
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "warning: s.json.submissions.jsonl line 3 is not part of the simulation (a submit was interrupted before it saved the state file); it is left out\n"
    );
    assert!(stdout_ok(&run_in(d, &["replay", "rec.json"])).contains("identical"));
    // A save killed half-way leaves `s.json.partial` (the state file itself is untouched).
    std::fs::write(
        d.join("s.json.partial"),
        "{\"schema_version\":2,\"provenance\"",
    )
    .unwrap();
    let out = run_in(d, &["tick", "--state", "s.json"]);
    stdout_ok(&out);
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 3 is not part"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), good);
    assert!(!d.join("s.json.partial").exists());

    std::fs::write(&path, format!("{good}{{\"tick\":1,\"sen")).unwrap();
    let out = run_in(
        d,
        &[
            "submit", "--state", "s.json", "-s", "BANK_C", "-r", "BANK_D", "-a", "9",
        ],
    );
    assert!(stdout_ok(&out).starts_with("Submitted T3:"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cut short by a crash"));
    assert_eq!(journal(d).len(), 3);
    let rec = exported_and_replayed(d);
    assert_eq!(rec["submissions"][2]["tick"], 1);

    // A journal edited by hand and saved without its final newline still gets whole lines.
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.trim_end()).unwrap();
    let submit = [
        "submit", "--state", "s.json", "-s", "BANK_D", "-r", "BANK_A", "-a", "9",
    ];
    stdout_ok(&run_in(d, &submit));
    assert_eq!(journal(d).len(), 4);
    exported_and_replayed(d);
}

/// `kill -9` at arbitrary moments of `submit` and `tick`: whatever was interrupted, the state
/// file, the journal and the recording stay consistent (every journalled order is in the
/// state, every order in the state is journalled, the recording replays).
#[test]
fn commands_killed_at_any_moment_leave_a_consistent_session() {
    let dir = workdir(&["four_bank_ring_manual.yaml"]);
    let d = dir.path();
    create(d, "four_bank_ring_manual.yaml");
    let mut seed: u64 = 12345;
    for i in 0..60 {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let delay = Duration::from_micros((seed >> 33) % 15_000);
        let mut child = if i % 10 == 9 {
            spawn(d, &["tick", "--state", "s.json"])
        } else {
            let amount = (i + 1).to_string();
            spawn(
                d,
                &[
                    "submit", "--state", "s.json", "-s", "BANK_A", "-r", "BANK_B", "-a", &amount,
                ],
            )
        };
        std::thread::sleep(delay);
        let _ = child.kill();
        let _ = child.wait();
    }
    // One more command repairs what the last kill may have left.
    let out = run_in(
        d,
        &[
            "submit", "--state", "s.json", "-s", "BANK_B", "-r", "BANK_C", "-a", "1",
        ],
    );
    stdout_ok(&out);
    // The scenario generates no orders: every id the state gave out is a journalled submission,
    // and every journalled submission has one of them.
    let state: Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("s.json")).unwrap()).unwrap();
    let given_out = state["next_tx_seq"].as_u64().unwrap() - 1;
    let ids: Vec<String> = journal(d)
        .iter()
        .map(|l| l["tx"].as_str().unwrap().into())
        .collect();
    let expected: Vec<String> = (1..=given_out).map(|n| format!("T{n}")).collect();
    assert_eq!(ids, expected);
    assert!(given_out > 1);
    let rec = exported_and_replayed(d);
    assert_eq!(
        rec["submissions"].as_array().unwrap().len() as u64,
        given_out
    );
    assert!(!d.join("s.json.partial").exists());
}
