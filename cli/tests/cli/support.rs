//! Helpers: run the binary, render a transcript for a snapshot.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

/// The workspace root (shipped scenarios are referenced relative to it).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

/// A fixture file under cli/tests/fixtures, relative to the workspace root.
pub fn fixture(name: &str) -> String {
    format!("cli/tests/fixtures/{name}")
}

/// The binary, run in `dir`, with a clean environment for output.
pub fn cmd_in(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_payment-sim"));
    cmd.current_dir(dir)
        .env_remove("RUST_BACKTRACE")
        .env("NO_COLOR", "1")
        .env("COLUMNS", "100");
    cmd
}

/// Run `args` in `dir`.
pub fn run_in(dir: &Path, args: &[&str]) -> Output {
    cmd_in(dir).args(args).output().expect("run payment-sim")
}

/// Run `args` in the workspace root.
pub fn run(args: &[&str]) -> Output {
    run_in(&root(), args)
}

/// The exit code (never a signal in these tests).
pub fn code(out: &Output) -> i32 {
    out.status.code().unwrap_or(-1)
}

/// `$ command`, exit code, stdout and stderr: what a snapshot holds.
pub fn transcript(args: &[&str], out: &Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let mut text = format!("$ payment-sim {}\nexit: {}\n", args.join(" "), code(out));
    text.push_str("--- stdout\n");
    text.push_str(&stdout);
    text.push_str("--- stderr\n");
    text.push_str(&stderr);
    assert!(
        !stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"),
        "a panic escaped:\n{stderr}"
    );
    text
}

/// Run in the root and return the transcript.
pub fn session(args: &[&str]) -> String {
    transcript(args, &run(args))
}

/// Run in `dir` and return the transcript.
pub fn session_in(dir: &Path, args: &[&str]) -> String {
    transcript(args, &run_in(dir, args))
}

/// Stdout as text (asserting success).
pub fn stdout_ok(out: &Output) -> String {
    assert_eq!(
        code(out),
        0,
        "command failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).expect("UTF-8 output")
}

/// A temp dir holding copies of the given shipped scenarios (under their file names).
pub fn workdir(scenarios: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for s in scenarios {
        let from = root().join("examples/scenarios").join(s);
        std::fs::copy(&from, dir.path().join(s)).expect("copy scenario");
    }
    dir
}
