//! JSON the way other programs write it, and JSON no program should write:
//!
//! - valid JSON with surrogate-pair escapes (`"\ud83d\udcb0"`, what Python's `json.dump`
//!   writes for any character outside the BMP) is read everywhere the CLI reads JSON —
//!   scenarios, state files, journals, recordings;
//! - deeply nested JSON is refused in one linear pass with a message that says so (exit 2),
//!   whichever file it is given as.

use std::path::Path;
use std::time::{Duration, Instant};

use insta::assert_snapshot;
use serde_json::Value;

use crate::support::{code, run_in, stdout_ok, transcript, workdir};

/// The text with every non-ASCII character as a `\uXXXX` escape, astral ones as surrogate
/// pairs: `json.dump(obj, f)` with Python's default `ensure_ascii=True`. Non-ASCII text only
/// occurs inside JSON strings, so the result is the same JSON.
fn python_escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            for unit in c.encode_utf16(&mut [0; 2]) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        }
    }
    out
}

fn escape_file(path: &Path) {
    let text = std::fs::read_to_string(path).unwrap();
    let escaped = python_escaped(&text);
    assert_ne!(text, escaped, "{} has nothing to escape", path.display());
    std::fs::write(path, escaped).unwrap();
}

const MONEY_BAG: &str = "BANK_\u{1f4b0}";

#[test]
fn surrogate_pair_escapes_are_read_everywhere() {
    assert_eq!(python_escaped(MONEY_BAG), r"BANK_\ud83d\udcb0");
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let machine = r#"{"ticks_per_day": 10, "num_days": 1, "rng_seed": 3, "agent_configs": [
        {"id": "BANK_\ud83d\udcb0", "opening_balance": 100000, "policy": {"type": "Fifo"},
         "arrival_config": {"rate_per_tick": 0.5, "distribution": {"type": "Uniform", "min": 100, "max": 900},
                            "counterparty_weights": {"B\u00e4nk": 1.0}, "deadline_offset": 5}},
        {"id": "B\u00e4nk", "opening_balance": 0, "policy": {"type": "Fifo"}}]}"#;
    let scenario = r#"{"simulation": {"ticks_per_day": 10, "num_days": 1, "seed": 3},
        "agents": [{"id": "BANK_\ud83d\udcb0", "balance": 100000, "policy": {"type": "Fifo"}},
                   {"id": "B\u00e4nk", "balance": 0, "policy": {"type": "Fifo"}}]}"#;
    std::fs::write(d.join("machine.json"), machine).unwrap();
    std::fs::write(d.join("scenario.json"), scenario).unwrap();

    let ok = stdout_ok(&run_in(d, &["validate", "machine.json", "scenario.json"]));
    assert_eq!(
        ok.lines().filter(|l| l.starts_with("ok: ")).count(),
        2,
        "{ok}"
    );
    let ran = stdout_ok(&run_in(d, &["run", "machine.json", "--record", "run.json"]));
    assert!(ran.contains(MONEY_BAG) && ran.contains("Bänk"), "{ran}");

    // The step-by-step files rewritten as Python writes them, between every command.
    stdout_ok(&run_in(
        d,
        &["create", "--config", "machine.json", "-o", "s.json"],
    ));
    let submit = [
        "submit", "--state", "s.json", "-s", MONEY_BAG, "-r", "Bänk", "-a", "250",
    ];
    stdout_ok(&run_in(d, &submit));
    escape_file(&d.join("s.json"));
    escape_file(&d.join("s.json.submissions.jsonl"));
    stdout_ok(&run_in(d, &["tick", "3", "--state", "s.json"]));
    escape_file(&d.join("s.json"));
    stdout_ok(&run_in(d, &submit));
    escape_file(&d.join("s.json"));
    escape_file(&d.join("s.json.submissions.jsonl"));
    let state: Value = serde_json::from_str(&stdout_ok(&run_in(
        d,
        &["--format", "json", "state", "--state", "s.json"],
    )))
    .unwrap();
    assert_eq!(state["agents"][0]["id"], MONEY_BAG);
    assert_eq!(state["tick"], 3);
    stdout_ok(&run_in(
        d,
        &["export", "--state", "s.json", "-o", "rec.json"],
    ));
    for recording in ["rec.json", "run.json"] {
        escape_file(&d.join(recording));
        let replayed = stdout_ok(&run_in(d, &["replay", recording]));
        assert!(replayed.contains(": identical"), "{replayed}");
    }
}

/// Every command, given a 200 KB file of `[[[[…` (and nesting hidden deep inside a valid
/// document) where it expects JSON: exit 2 within a second, one clear line.
#[test]
fn deep_nesting_is_refused_fast() {
    let dir = workdir(&["four_bank_ring_manual.yaml"]);
    let d = dir.path();
    stdout_ok(&run_in(
        d,
        &[
            "create",
            "--config",
            "four_bank_ring_manual.yaml",
            "-o",
            "s.json",
        ],
    ));
    stdout_ok(&run_in(
        d,
        &[
            "submit", "--state", "s.json", "-s", "BANK_A", "-r", "BANK_B", "-a", "5",
        ],
    ));
    stdout_ok(&run_in(d, &["tick", "--state", "s.json"]));
    stdout_ok(&run_in(
        d,
        &["export", "--state", "s.json", "-o", "rec.json"],
    ));
    let brackets = "[".repeat(200_000);
    std::fs::write(d.join("deep.json"), &brackets).unwrap();
    let nested = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    // A valid state file and recording with one value nested 100,000 deep.
    let state = std::fs::read_to_string(d.join("s.json")).unwrap();
    let hidden = state.replacen("\"events\":[", &format!("\"events\":[{nested},"), 1);
    assert_ne!(hidden, state);
    std::fs::write(d.join("hidden.json"), hidden).unwrap();
    std::fs::copy(d.join("s.json"), d.join("j.json")).unwrap();
    std::fs::write(
        d.join("j.json.submissions.jsonl"),
        format!("{{\"tick\":{nested}}}\n"),
    )
    .unwrap();
    let rec = std::fs::read_to_string(d.join("rec.json")).unwrap();
    let hidden_rec = rec.replacen("\"events\": [", &format!("\"events\": [{nested},"), 1);
    assert_ne!(hidden_rec, rec);
    std::fs::write(d.join("hidden_rec.json"), hidden_rec).unwrap();
    std::fs::write(
        d.join("deep.yaml"),
        format!("agents: {}", "{a: ".repeat(50_000)),
    )
    .unwrap();

    let commands: [&[&str]; 12] = [
        &["validate", "deep.json"],
        &["validate", "deep.yaml"],
        &["run", "deep.json"],
        &["create", "--config", "deep.json", "-o", "new.json"],
        &["tick", "--state", "deep.json"],
        &[
            "submit",
            "--state",
            "deep.json",
            "-s",
            "BANK_A",
            "-r",
            "BANK_B",
            "-a",
            "5",
        ],
        &["state", "--state", "deep.json"],
        &["stats", "--state", "hidden.json"],
        &["tick", "--state", "hidden.json"],
        &["export", "--state", "j.json", "-o", "x.json"],
        &["replay", "deep.json"],
        &["replay", "hidden_rec.json"],
    ];
    let mut log = String::new();
    for args in commands {
        let started = Instant::now();
        let out = run_in(d, args);
        let took = started.elapsed();
        assert!(took < Duration::from_secs(1), "{args:?} took {took:?}");
        assert_eq!(code(&out), 2, "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.starts_with("error: ") && stderr.len() < 600,
            "{args:?}: {stderr}"
        );
        log.push_str(&transcript(args, &out));
        log.push('\n');
    }
    assert!(!d.join("new.json").exists() && !d.join("x.json").exists());
    assert_snapshot!("deep_nesting", log);

    // Scenario files are read by the core (as by the C ABI and Python): refused as fast, in
    // the core's words.
    let scenario = std::fs::read_to_string(d.join("four_bank_ring_manual.yaml")).unwrap();
    let hidden = format!("{scenario}\nlsm: {nested}\n");
    std::fs::write(d.join("hidden.yaml"), hidden).unwrap();
    let machine =
        format!(r#"{{"ticks_per_day": 5, "num_days": 1, "agent_configs": [], "lsm": {nested}}}"#);
    std::fs::write(d.join("hidden_machine.json"), machine).unwrap();
    for file in ["hidden.yaml", "hidden_machine.json"] {
        let started = Instant::now();
        let out = run_in(d, &["validate", file]);
        assert!(started.elapsed() < Duration::from_secs(1), "{file}");
        assert_eq!(code(&out), 2, "{file}");
        transcript(&["validate", file], &out); // no panic
    }
}

/// A UTF-8 byte-order mark (Windows tools write one) before a scenario, a state file, a journal
/// or a recording is ignored, as RFC 8259 allows.
#[test]
fn a_byte_order_mark_is_ignored() {
    let dir = workdir(&["four_bank_ring_manual.yaml"]);
    let d = dir.path();
    let with_bom = |name: &str| {
        let text = std::fs::read_to_string(d.join(name)).unwrap();
        std::fs::write(d.join(name), format!("\u{feff}{text}")).unwrap();
    };
    with_bom("four_bank_ring_manual.yaml");
    stdout_ok(&run_in(d, &["validate", "four_bank_ring_manual.yaml"]));
    stdout_ok(&run_in(
        d,
        &[
            "create",
            "--config",
            "four_bank_ring_manual.yaml",
            "-o",
            "s.json",
        ],
    ));
    stdout_ok(&run_in(
        d,
        &[
            "submit", "--state", "s.json", "-s", "BANK_A", "-r", "BANK_B", "-a", "5",
        ],
    ));
    with_bom("s.json");
    with_bom("s.json.submissions.jsonl");
    stdout_ok(&run_in(d, &["tick", "--state", "s.json"]));
    with_bom("s.json");
    stdout_ok(&run_in(
        d,
        &["export", "--state", "s.json", "-o", "rec.json"],
    ));
    with_bom("rec.json");
    assert!(stdout_ok(&run_in(d, &["replay", "rec.json"])).contains("identical"));
}
