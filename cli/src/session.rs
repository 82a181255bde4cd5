//! The step-by-step workflow's files.
//!
//! - A **state file** is exactly the core's snapshot JSON (`Simulation::snapshot_json`), so the
//!   C ABI and the Python package can restore it too.
//! - `create` records the state file it wrote in `.payment-sim/current` (in the working
//!   directory); `tick`, `submit`, `state`, `stats` and `export` use that file when `--state`
//!   is not given. Without `--output`, `create` writes `.payment-sim/state.json`.
//! - Beside each state file, `STATE.submissions.jsonl` lists the manual submissions with the
//!   tick at which they were made (one JSON object per line). `create` starts it empty,
//!   `submit` appends to it, and `export` turns state + submissions into a recording.

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use payment_sim_core::Simulation;

use crate::error::{CliError, CliResult};
use crate::files::{ensure_parent, read_text, write_atomic};
use crate::recording::RecordedSubmission;

/// The file naming the current state file.
pub const POINTER: &str = ".payment-sim/current";
/// Where `create` writes without `--output`.
pub const DEFAULT_STATE: &str = ".payment-sim/state.json";

/// The state file to use: `--state` when given, else the one `create` last wrote here.
pub fn resolve(state: Option<PathBuf>) -> CliResult<PathBuf> {
    if let Some(path) = state {
        return Ok(path);
    }
    let pointer = Path::new(POINTER);
    let text = match fs::read_to_string(pointer) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(CliError::input(
                "no simulation here: pass --state FILE, or start one with `payment-sim create --config SCENARIO`",
            ))
        }
        Err(e) => return Err(CliError::read(pointer, &e)),
    };
    let path = PathBuf::from(text.trim_end_matches(['\n', '\r']));
    if !path.exists() {
        return Err(CliError::input(format!(
            "the current state file {} (named in {POINTER}) no longer exists; pass --state FILE or run `payment-sim create` again",
            path.display()
        )));
    }
    Ok(path)
}

/// Make `state` the current state file of this working directory.
pub fn set_current(state: &Path) -> CliResult {
    let absolute = std::path::absolute(state).map_err(|e| CliError::write(state, &e))?;
    let pointer = Path::new(POINTER);
    ensure_parent(pointer)?;
    let mut text = absolute.to_string_lossy().into_owned();
    text.push('\n');
    write_atomic(pointer, text.as_bytes())
}

/// Restore the simulation stored in a state file.
pub fn load(state: &Path) -> CliResult<Simulation> {
    let text = read_text(state)?;
    Simulation::restore_json(&text).map_err(|e| {
        CliError::from_sim(&format!("{} is not a valid state file", state.display()), e)
    })
}

/// Store a simulation in a state file (atomically).
pub fn save(state: &Path, sim: &Simulation) -> CliResult {
    ensure_parent(state)?;
    write_atomic(state, sim.snapshot_json().as_bytes())
}

/// The submission journal beside a state file.
pub fn journal_path(state: &Path) -> PathBuf {
    let mut name = state.as_os_str().to_os_string();
    name.push(".submissions.jsonl");
    PathBuf::from(name)
}

/// Start an empty journal (on `create`).
pub fn reset_journal(state: &Path) -> CliResult {
    write_atomic(&journal_path(state), b"")
}

/// Append one submission to the journal.
pub fn append_journal(state: &Path, entry: &RecordedSubmission) -> CliResult {
    let path = journal_path(state);
    let mut file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(|e| CliError::write(&path, &e))?;
    let mut line = serde_json::to_string(entry).unwrap_or_default();
    line.push('\n');
    file.write_all(line.as_bytes())
        .map_err(|e| CliError::write(&path, &e))
}

/// Read the journal of a state file.
pub fn read_journal(state: &Path) -> CliResult<Vec<RecordedSubmission>> {
    let path = journal_path(state);
    let text = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(CliError::input(format!(
                "{} has no submission journal ({}); only sessions started with `payment-sim create` can be exported",
                state.display(),
                path.display()
            )))
        }
        Err(e) => return Err(CliError::read(&path, &e)),
    };
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| {
            serde_json::from_str(line)
                .map_err(|e| CliError::input(format!("{} line {}: {e}", path.display(), i + 1)))
        })
        .collect()
}
