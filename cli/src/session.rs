//! The step-by-step workflow's files.
//!
//! - A **state file** is exactly the core's snapshot JSON (`Simulation::snapshot_json`), so the
//!   C ABI and the Python package can restore it too.
//! - `create` records the state file it wrote in `.payment-sim/current` (in the working
//!   directory); `tick`, `submit`, `state`, `stats` and `export` use that file when `--state`
//!   is not given. Without `--output`, `create` writes `.payment-sim/state.json`.
//! - Beside each state file, `STATE.submissions.jsonl` lists the appends to the schedule —
//!   manual submissions and actions appended with `schedule` — with the tick at which they were
//!   made (one JSON object per line; see `journal`). `create` and `run --save-state` start it
//!   empty, `submit` and `schedule` append to it, and `export` turns state + appends into a
//!   recording.
//! - Every command holds the state file's lock, `STATE.lock`, while it uses the files (see
//!   `lock`): exclusively to change them, shared to read them. Saves go through
//!   `STATE.partial` and a rename.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use payment_sim_core::Simulation;

use crate::appends::Append;
use crate::error::{CliError, CliResult};
use crate::files::{ensure_parent, not_a_directory, read_text, write_atomic, write_via};
use crate::lock::{self, Mode, StateLock};
use crate::{journal, json_depth, sniff};

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
    let name = text.trim_end_matches(['\n', '\r']);
    if name.is_empty() {
        return Err(CliError::input(format!(
            "{POINTER} names no state file; pass --state FILE or run `payment-sim create` again"
        )));
    }
    let path = PathBuf::from(name);
    if fs::symlink_metadata(&path).is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound) {
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

/// A state file opened under its lock (held until this is dropped).
pub struct Opened {
    /// The state file (a symbolic link is followed to its target).
    pub path: PathBuf,
    /// The simulation it holds.
    pub sim: Simulation,
    _lock: StateLock,
}

/// Open the state file `--state` names (or the current one), lock it in `mode` and restore
/// its simulation. A command that changes the state (`Mode::Exclusive`) first removes a
/// journal line an interrupted `submit` left behind (see `journal`).
pub fn open(state: Option<PathBuf>, mode: Mode, timeout: Option<Duration>) -> CliResult<Opened> {
    Ok(open_text(state, mode, timeout)?.0)
}

/// Open the state file to read it with its journal (for `export`): the appends it holds.
/// Refused when the state holds scheduled actions its journal lacks (appended by a release
/// that did not journal them): a recording without them would not replay.
pub fn open_with_journal(
    state: Option<PathBuf>,
    timeout: Option<Duration>,
) -> CliResult<(Opened, Vec<Append>)> {
    let (opened, text) = open_text(state, Mode::Shared, timeout)?;
    if let Some(fed) = opened.sim.fed_state() {
        // Its payments come from the file as the run advances: no journal lists them.
        return Err(CliError::input(format!(
            "cannot export: the state file holds a run fed from the payments file {}, suspended at tick {}; a recording of a fed run is made by `run --payments FILE --record`",
            fed.path,
            opened.sim.current_tick()
        )));
    }
    let appends = journal::read(&opened.path, &text)?;
    let journalled: u64 = appends.iter().map(Append::actions).sum();
    // The configuration's scenario_events take the first sequence numbers.
    let configured = opened.sim.config().scenario_events.len() as u64;
    let live = journal::last_seq(&text).map(|last| last.saturating_sub(configured));
    if opened.sim.has_live_schedule() && live != Some(journalled) {
        return Err(CliError::input(format!(
            "cannot export: the state file holds {} scheduled action(s) its journal {} does not list (they were appended by a release of payment-sim that did not journal `schedule`); put them in the scenario's scenario_events instead",
            live.map_or_else(|| "live".to_string(), |n| (n.saturating_sub(journalled)).to_string()),
            journal::path(&opened.path).display()
        )));
    }
    Ok((opened, appends))
}

/// [`open`], and the state file's text.
fn open_text(
    state: Option<PathBuf>,
    mode: Mode,
    timeout: Option<Duration>,
) -> CliResult<(Opened, String)> {
    let path = existing(&resolve(state)?)?;
    let lock = lock::acquire(&path, mode, timeout)?;
    let text = read_text(&path)?;
    let sim = restore(&path, &text)?;
    if mode == Mode::Exclusive {
        // What a command killed while saving left behind.
        let _ = fs::remove_file(partial(&path));
        let _ = fs::remove_file(partial(&journal::path(&path)));
        journal::repair(&path, &text)?;
    }
    let opened = Opened {
        path,
        sim,
        _lock: lock,
    };
    Ok((opened, text))
}

impl Opened {
    /// Save the simulation back (atomically).
    pub fn save(&self) -> CliResult {
        save(&self.path, &self.sim)
    }

    /// Refuse an output file that is one of this state file's own files (`export -o STATE`
    /// would replace the simulation by its recording).
    pub fn not_its_own(&self, output: &Path) -> CliResult {
        let Ok(out) = fs::canonicalize(output) else {
            return Ok(()); // a new file
        };
        let own = [
            (self.path.clone(), "the state file"),
            (journal::path(&self.path), "the state file's journal"),
            (lock::lock_path(&self.path), "the state file's lock file"),
        ];
        for (path, what) in own {
            if fs::canonicalize(&path).is_ok_and(|p| p == out) {
                return Err(CliError::input(format!(
                    "--output {} is {what}; write the recording to another file",
                    output.display()
                )));
            }
        }
        Ok(())
    }

    /// Release the lock; the simulation stays.
    pub fn release(self) -> Simulation {
        self.sim
    }
}

/// Write a new state file (for `create` and `run --save-state`) under its lock, with an
/// empty journal: a new simulation has no manual appends. The old journal goes first and
/// the new one comes last, so that an interruption leaves no journal rather than a wrong one.
pub fn start(state: &Path, sim: &Simulation, timeout: Option<Duration>) -> CliResult {
    not_a_directory(state)?;
    ensure_parent(state)?;
    let path = follow(state).unwrap_or_else(|_| state.to_path_buf());
    let _lock = lock::acquire(&path, Mode::Exclusive, timeout)?;
    let _ = fs::remove_file(partial(&path));
    journal::remove(&path)?;
    save(&path, sim)?;
    journal::reset(&path)
}

/// Save a state file under its exclusive lock: through `STATE.partial`, a fixed name (only the
/// lock holder writes it), so a command killed mid-save leaves at most that one file, which the
/// next save replaces and the next command that changes the state removes.
fn save(state: &Path, sim: &Simulation) -> CliResult {
    write_via(state, &partial(state), sim.snapshot_json().as_bytes())
}

/// `STATE.partial`.
pub fn partial(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(".partial");
    PathBuf::from(name)
}

/// An existing state file: a clear error for what is not a regular file; a symbolic link is
/// followed, so that the lock, the journal and the saves are those of the file it points to
/// whichever name a command uses.
fn existing(state: &Path) -> CliResult<PathBuf> {
    let meta = fs::metadata(state).map_err(|e| CliError::read(state, &e))?;
    if !meta.is_file() {
        // A directory, a device, a pipe (reading one could wait forever).
        let what = if meta.is_dir() {
            "a directory"
        } else {
            "a special file (a pipe, a device, …)"
        };
        return Err(CliError::input(format!(
            "cannot read {}: it is {what}, not a state file",
            state.display()
        )));
    }
    follow(state).map_err(|e| CliError::read(state, &e))
}

/// `path`, or the file it points to when it is a symbolic link.
fn follow(path: &Path) -> std::io::Result<PathBuf> {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => fs::canonicalize(path),
        _ => Ok(path.to_path_buf()),
    }
}

/// Restore the simulation of a state file's text.
fn restore(state: &Path, text: &str) -> CliResult<Simulation> {
    let invalid = format!("{} is not a valid state file", state.display());
    if text.trim().is_empty() {
        return Err(CliError::input(format!("{invalid}: it is empty")));
    }
    if let Err(deep) = json_depth::check(text) {
        return Err(CliError::input(format!("{invalid}: {}", deep.message())));
    }
    Simulation::restore_json(text).map_err(|e| {
        CliError::from_sim(&invalid, e).with_hint(sniff::hint(state, text, sniff::Kind::State))
    })
}
