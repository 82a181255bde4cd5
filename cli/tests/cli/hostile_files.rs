//! Files no command should have been given — empty, blank, binary, NUL bytes, a byte-order
//! mark, a lone surrogate, numbers beyond any type, a directory, a pipe, a symbolic link loop,
//! a dangling link, the wrong kind of document — as scenario, state file and recording to every
//! command: each ends in one clear `error:` line and exit 2, never a panic or a hang. Then the
//! files around a state file (journal, lock file, `.payment-sim/current`) damaged the same ways.

use std::path::Path;
use std::time::{Duration, Instant};

use insta::assert_snapshot;

use crate::support::{code, run_in, stdout_ok, transcript, workdir};

const RING: &str = "four_bank_ring_manual.yaml";

/// Make the hostile files in `dir`; their names.
fn hostile(dir: &Path) -> Vec<&'static str> {
    let write = |name: &str, bytes: &[u8]| std::fs::write(dir.join(name), bytes).unwrap();
    write("empty", b"");
    write("blank", b"  \n\t\n");
    write("binary", &[0x89, b'P', b'N', b'G', 0xff, 0xfe, 0x00, 0x80]);
    write("nul", b"\0\0\0\0");
    write("bom.json", b"\xef\xbb\xbf{\"schema_version\": 2}");
    write(
        "lone_surrogate.json",
        br#"{"format": "\ud800", "schema_version": "\ud800"}"#,
    );
    // Each kind of document with numbers beyond every type (and exactly 2^64).
    let huge = |name: &str, from: &str, key: &str, value: &str| {
        let text = std::fs::read_to_string(dir.join(from)).unwrap();
        let at = text.find(key).unwrap() + key.len();
        let end = at + text[at..].find([',', '\n', '}']).unwrap();
        write(
            name,
            format!("{}{value}{}", &text[..at], &text[end..]).as_bytes(),
        );
    };
    write(
        "huge_scenario.json",
        br#"{"ticks_per_day": 10, "num_days": 1e400, "agent_configs": [{"id": "A", "opening_balance": 99999999999999999999}]}"#,
    );
    huge(
        "huge_state.json",
        "s.json",
        r#""next_tx_seq":"#,
        "18446744073709551616",
    );
    huge("huge_recording.json", "rec.json", r#""ticks": "#, "-1e400");
    std::fs::create_dir(dir.join("a_directory")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::symlink;
        symlink("loop", dir.join("loop")).unwrap();
        symlink("nowhere", dir.join("dangling")).unwrap();
        let fifo = std::process::Command::new("mkfifo")
            .arg(dir.join("pipe"))
            .status();
        assert!(fifo.unwrap().success());
    }
    let mut names = vec![
        "empty",
        "blank",
        "binary",
        "nul",
        "bom.json",
        "lone_surrogate.json",
        "huge_scenario.json",
        "huge_state.json",
        "huge_recording.json",
        "a_directory",
    ];
    if cfg!(unix) {
        names.extend(["loop", "dangling", "pipe"]);
    }
    names.extend(["missing", "s.json", "rec.json"]);
    names
}

/// Every command with `file` where it takes its input.
fn commands(file: &str) -> Vec<Vec<&str>> {
    let mut all = vec![
        vec!["validate", file],
        vec!["run", file],
        vec!["create", "--config", file, "-o", "new.json"],
        vec!["tick", "--state", file],
        vec![
            "submit", "--state", file, "-s", "BANK_A", "-r", "BANK_B", "-a", "5",
        ],
        vec!["state", "--state", file],
        vec!["stats", "--state", file],
        vec!["export", "--state", file, "-o", "out.json"],
        vec!["replay", file],
    ];
    // A pipe is a fine scenario (`run <(generate)`) — this one has no writer, so only the
    // state file commands, which refuse anything but a regular file, are given it.
    if file == "pipe" {
        all.retain(|c| c.contains(&"--state"));
    }
    // A valid state file and recording, given where the other kind is expected.
    if file == "s.json" {
        all.retain(|c| ["validate", "run", "replay"].contains(&c[0]));
    }
    if file == "rec.json" {
        all.retain(|c| c.contains(&"--state") || c[0] == "validate");
    }
    all
}

#[test]
fn hostile_files_get_one_clear_error() {
    let dir = workdir(&[RING]);
    let d = dir.path();
    stdout_ok(&run_in(d, &["create", "--config", RING, "-o", "s.json"]));
    stdout_ok(&run_in(
        d,
        &["export", "--state", "s.json", "-o", "rec.json"],
    ));
    let mut table = String::new();
    for file in hostile(d) {
        for args in commands(file) {
            let started = Instant::now();
            let out = run_in(d, &args);
            assert!(started.elapsed() < Duration::from_secs(5), "{args:?} hung");
            transcript(&args, &out); // asserts no panic
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(code(&out), 2, "{args:?}: {stderr}");
            assert!(out.stdout.is_empty(), "{args:?}");
            let first = stderr.lines().next().unwrap_or_default();
            assert!(first.starts_with("error: "), "{args:?}: {stderr}");
            let detail = stderr.lines().nth(1).unwrap_or_default();
            table.push_str(&format!("{}\n    {first}\n", args.join(" ")));
            if !detail.is_empty() {
                table.push_str(&format!("    {detail}\n"));
            }
        }
    }
    assert!(!d.join("new.json").exists() && !d.join("out.json").exists());
    // No lock file beside what is not a state file.
    assert!(!d.join("missing.lock").exists() && !d.join("a_directory.lock").exists());
    assert_snapshot!("hostile_files", table);
}

/// The files around a state file, damaged: the state stays as it was, and every message
/// names the file at fault.
#[test]
fn damaged_companions_of_a_state_file() {
    let dir = workdir(&[RING]);
    let d = dir.path();
    stdout_ok(&run_in(d, &["create", "--config", RING, "-o", "s.json"]));
    let state = std::fs::read(d.join("s.json")).unwrap();
    let submit = [
        "submit", "--state", "s.json", "-s", "BANK_A", "-r", "BANK_B", "-a", "5",
    ];
    let mut log = String::new();
    let mut step = |args: &[&str]| {
        let out = run_in(d, args);
        log.push_str(&transcript(args, &out));
        log.push('\n');
        code(&out)
    };

    // The journal is a directory: submit fails before the state changes; export refuses.
    let journal = d.join("s.json.submissions.jsonl");
    std::fs::remove_file(&journal).unwrap();
    std::fs::create_dir(&journal).unwrap();
    assert_eq!(step(&submit), 1);
    assert_eq!(std::fs::read(d.join("s.json")).unwrap(), state);
    assert_eq!(step(&["export", "--state", "s.json", "-o", "x.json"]), 2);
    std::fs::remove_dir(&journal).unwrap();
    // Binary and malformed journals: export names the file (and line).
    std::fs::write(&journal, [0xff, 0xfe, b'\n']).unwrap();
    assert_eq!(step(&["export", "--state", "s.json", "-o", "x.json"]), 2);
    std::fs::write(&journal, "{\"tick\": 0}\n").unwrap();
    assert_eq!(step(&["export", "--state", "s.json", "-o", "x.json"]), 2);
    std::fs::write(&journal, "").unwrap();

    // The lock file is a directory: writers cannot write it (1), readers cannot read it (2).
    std::fs::remove_file(d.join("s.json.lock")).unwrap();
    std::fs::create_dir(d.join("s.json.lock")).unwrap();
    assert_eq!(step(&["tick", "--state", "s.json"]), 1);
    assert_eq!(step(&["state", "--state", "s.json"]), 2);
    std::fs::remove_dir(d.join("s.json.lock")).unwrap();
    assert_eq!(std::fs::read(d.join("s.json")).unwrap(), state);

    // Outputs that would destroy the session: refused before anything is written.
    for own in ["s.json", "s.json.submissions.jsonl", "s.json.lock"] {
        assert_eq!(step(&["export", "--state", "s.json", "-o", own]), 2);
    }
    std::fs::create_dir(d.join("a_directory")).unwrap();
    assert_eq!(step(&["create", "--config", RING, "-o", "a_directory"]), 1);
    let run = ["run", RING, "--ticks", "2", "--save-state", "a_directory"];
    assert_eq!(step(&run), 1);
    assert!(!d.join("a_directory.lock").exists());
    assert_eq!(std::fs::read(d.join("s.json")).unwrap(), state);
    assert_eq!(std::fs::read(&journal).unwrap(), b"");

    // The pointer to the current simulation: empty, binary, naming a directory.
    let pointer = d.join(".payment-sim/current");
    std::fs::write(&pointer, "\n").unwrap();
    assert_eq!(step(&["tick"]), 2);
    std::fs::write(&pointer, [0xc3, 0x28]).unwrap();
    assert_eq!(step(&["state"]), 2);
    std::fs::write(&pointer, format!("{}\n", d.join(".payment-sim").display())).unwrap();
    assert_eq!(step(&["stats"]), 2);
    let log = log.replace(&d.display().to_string(), "[tmp]");
    assert_snapshot!("damaged_companions", log);
}

/// A state file reached through a symbolic link is used at its target: the same lock, journal
/// and file whichever name is used, and the link stays a link.
#[cfg(unix)]
#[test]
fn a_linked_state_file_is_used_at_its_target() {
    let dir = workdir(&[RING]);
    let d = dir.path();
    stdout_ok(&run_in(d, &["create", "--config", RING, "-o", "real.json"]));
    std::os::unix::fs::symlink("real.json", d.join("link.json")).unwrap();
    let submit = [
        "submit",
        "--state",
        "link.json",
        "-s",
        "BANK_A",
        "-r",
        "BANK_B",
        "-a",
        "5",
    ];
    stdout_ok(&run_in(d, &submit));
    stdout_ok(&run_in(d, &["tick", "--state", "link.json"]));
    assert!(d
        .join("link.json")
        .symlink_metadata()
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(d.join("real.json.lock").exists() && !d.join("link.json.lock").exists());
    assert!(!d.join("link.json.submissions.jsonl").exists());
    let journal = std::fs::read_to_string(d.join("real.json.submissions.jsonl")).unwrap();
    assert_eq!(journal.lines().count(), 1);
    let state = stdout_ok(&run_in(
        d,
        &["--format", "json", "state", "--state", "real.json"],
    ));
    assert!(state.contains("\"tick\": 1"), "{state}");
    stdout_ok(&run_in(
        d,
        &["export", "--state", "link.json", "-o", "rec.json"],
    ));
    assert!(stdout_ok(&run_in(d, &["replay", "rec.json"])).contains("identical"));
    // `create` through the link writes the target too.
    stdout_ok(&run_in(d, &["create", "--config", RING, "-o", "link.json"]));
    assert!(d
        .join("link.json")
        .symlink_metadata()
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(
        std::fs::read_to_string(d.join("real.json.submissions.jsonl")).unwrap(),
        ""
    );
}
