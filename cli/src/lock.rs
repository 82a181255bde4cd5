//! The state file's lock: every command that reads a state file holds it for the whole
//! command, so concurrent `payment-sim` commands on one simulation serialise and none loses
//! another's work.
//!
//! - The lock is an advisory lock (`flock` on Unix, `LockFileEx` on Windows, through std's
//!   `File::lock`) on a **lock file beside the state file**, `STATE.lock`, not on the state
//!   file itself: saves replace the state file by a rename, and a lock on the replaced file
//!   would protect nothing. The lock file is empty and stays (removing it would let two
//!   commands hold "the" lock on two different files).
//! - `create`, `tick`, `submit` and `run --save-state` take it **exclusively** for their whole
//!   read–modify–write; `state`, `stats` and `export` take it **shared** (readers run
//!   together, never while a writer is between its reads and its writes).
//! - A command that finds the lock held **waits** (the kernel wakes it when the lock frees), and
//!   says so on stderr after [`NOTE_AFTER`]; `--lock-timeout SECONDS` gives up after that long
//!   instead, with exit 1 and nothing changed (`0`: do not wait at all).
//! - The lock is released when the command ends, also when it fails or is killed (the kernel
//!   drops it with the process).
//! - Advisory means only `payment-sim` commands honour it: a host that rewrites the state
//!   file by other means (the C ABI, Python) is not serialised with them.

use std::fs::{File, OpenOptions, TryLockError};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use crate::error::{io_message, CliError, CliResult};

/// How long a command waits in silence before it says on stderr that it is waiting.
pub const NOTE_AFTER: Duration = Duration::from_secs(1);
/// The longest pause between two attempts when waiting with a timeout.
const MAX_POLL: Duration = Duration::from_millis(50);

/// Exclusive (one writer) or shared (many readers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// For commands that write the state file or its journal.
    Exclusive,
    /// For commands that only read them.
    Shared,
}

/// A held lock; dropping it (or ending the process) releases it.
#[derive(Debug)]
pub struct StateLock {
    _file: Option<File>,
}

/// The lock file of a state file: `STATE.lock`.
pub fn lock_path(state: &Path) -> PathBuf {
    let mut name = state.as_os_str().to_os_string();
    name.push(".lock");
    PathBuf::from(name)
}

/// Lock `state` (the state file, which need not exist yet) in `mode`, waiting as `timeout`
/// says (`None`: as long as it takes).
pub fn acquire(state: &Path, mode: Mode, timeout: Option<Duration>) -> CliResult<StateLock> {
    let path = lock_path(state);
    let file = match open(&path, mode)? {
        Some(file) => file,
        // A reader that can neither create nor open the lock file reads unlocked: saves are
        // atomic renames and readers skip unsaved journal lines, so it still sees one
        // consistent state (see `open`).
        None => return Ok(StateLock { _file: None }),
    };
    let acquired = match timeout {
        None => wait(&file, mode, state),
        Some(limit) => poll(&file, mode, state, limit),
    };
    match acquired {
        Ok(()) => Ok(StateLock { _file: Some(file) }),
        Err(Failure::TimedOut(limit)) => Err(CliError::runtime(format!(
            "{} is busy: another payment-sim command held its lock ({}) for more than {} (--lock-timeout); nothing was changed",
            state.display(),
            path.display(),
            seconds(limit)
        ))),
        // A file system without locks (some network file systems): go on unlocked, but say so.
        Err(Failure::Io(e)) if unsupported(&e) => {
            eprintln!(
                "warning: cannot lock {} ({}): concurrent payment-sim commands on {} are not serialised",
                path.display(),
                io_message(&e),
                state.display()
            );
            Ok(StateLock { _file: None })
        }
        Err(Failure::Io(e)) => Err(CliError::runtime(format!(
            "cannot lock {}: {}",
            path.display(),
            io_message(&e)
        ))),
    }
}

/// Open (creating it if needed) the lock file. A lock file another user created (and this one
/// may not write) is opened read-only: locking needs no write access. Writers must be able to
/// create it: they are about to write beside it anyway. A reader in a directory it cannot
/// write, without a lock file there, reads unlocked (`None`): no command of its own user can
/// be writing there.
fn open(path: &Path, mode: Mode) -> CliResult<Option<File>> {
    let created = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path);
    match created {
        Ok(file) => Ok(Some(file)),
        Err(e) if read_only(&e) => match File::open(path) {
            Ok(file) => Ok(Some(file)),
            Err(not_found)
                if not_found.kind() == io::ErrorKind::NotFound && mode == Mode::Shared =>
            {
                Ok(None)
            }
            Err(_) if mode == Mode::Exclusive => Err(CliError::write(path, &e)),
            Err(e) => Err(CliError::read(path, &e)),
        },
        Err(e) if mode == Mode::Shared => Err(CliError::read(path, &e)),
        Err(e) => Err(CliError::write(path, &e)),
    }
}

enum Failure {
    TimedOut(Duration),
    Io(io::Error),
}

fn try_lock(file: &File, mode: Mode) -> Result<bool, io::Error> {
    let attempt = match mode {
        Mode::Exclusive => file.try_lock(),
        Mode::Shared => file.try_lock_shared(),
    };
    match attempt {
        Ok(()) => Ok(true),
        Err(TryLockError::WouldBlock) => Ok(false),
        Err(TryLockError::Error(e)) => Err(e),
    }
}

/// Wait as long as it takes (a blocking lock: the kernel wakes waiters as the lock frees),
/// with a note on stderr when the wait gets long.
fn wait(file: &File, mode: Mode, state: &Path) -> Result<(), Failure> {
    if try_lock(file, mode).map_err(Failure::Io)? {
        return Ok(());
    }
    let (done, waiting) = mpsc::channel::<()>();
    let shown = state.display().to_string();
    let note = thread::spawn(move || {
        if let Err(mpsc::RecvTimeoutError::Timeout) = waiting.recv_timeout(NOTE_AFTER) {
            eprintln!("{}", waiting_note(&shown, None));
        }
    });
    let result = match mode {
        Mode::Exclusive => file.lock(),
        Mode::Shared => file.lock_shared(),
    };
    drop(done);
    let _ = note.join();
    result.map_err(Failure::Io)
}

/// Wait at most `limit`, trying again after growing pauses.
fn poll(file: &File, mode: Mode, state: &Path, limit: Duration) -> Result<(), Failure> {
    let started = Instant::now();
    let mut pause = Duration::from_millis(1);
    let mut noted = false;
    loop {
        if try_lock(file, mode).map_err(Failure::Io)? {
            return Ok(());
        }
        let waited = started.elapsed();
        if waited >= limit {
            return Err(Failure::TimedOut(limit));
        }
        if !noted && waited >= NOTE_AFTER {
            eprintln!(
                "{}",
                waiting_note(&state.display().to_string(), Some(limit))
            );
            noted = true;
        }
        thread::sleep(pause.min(limit - waited));
        pause = (pause * 2).min(MAX_POLL);
    }
}

fn waiting_note(state: &str, limit: Option<Duration>) -> String {
    let how = match limit {
        Some(limit) => format!("at most {} in all", seconds(limit)),
        None => "--lock-timeout SECONDS gives up instead".to_string(),
    };
    format!("note: waiting for another payment-sim command to finish with {state} ({how})")
}

fn seconds(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s == 1.0 {
        "1 second".to_string()
    } else {
        format!("{s} seconds")
    }
}

fn read_only(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem
    )
}

fn unsupported(e: &io::Error) -> bool {
    // ENOLCK (37 on Linux): the file system keeps no locks.
    e.kind() == io::ErrorKind::Unsupported
        || (cfg!(target_os = "linux") && e.raw_os_error() == Some(37))
}

/// `--lock-timeout`: seconds, decimals allowed, 0 = do not wait.
pub fn parse_timeout(text: &str) -> Result<Duration, String> {
    let secs: f64 = text
        .parse()
        .map_err(|_| format!("{text:?} is not a number of seconds"))?;
    Duration::try_from_secs_f64(secs)
        .map_err(|_| format!("must be a number of seconds ≥ 0 (got {text})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_are_seconds() {
        assert_eq!(parse_timeout("0"), Ok(Duration::ZERO));
        assert_eq!(parse_timeout("2.5"), Ok(Duration::from_millis(2500)));
        assert!(parse_timeout("-1").is_err());
        assert!(parse_timeout("nan").is_err());
        assert!(parse_timeout("1e400").is_err());
        assert!(parse_timeout("soon").is_err());
    }

    #[test]
    fn a_held_lock_makes_others_wait_or_give_up() {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("s.json");
        let held = acquire(&state, Mode::Exclusive, None).unwrap();
        assert!(lock_path(&state).is_file());
        let busy = acquire(&state, Mode::Shared, Some(Duration::ZERO)).unwrap_err();
        assert_eq!(busy.code, crate::error::EXIT_RUNTIME);
        assert!(busy.message.contains("is busy"), "{}", busy.message);
        drop(held);
        let a = acquire(&state, Mode::Shared, Some(Duration::ZERO)).unwrap();
        let b = acquire(&state, Mode::Shared, Some(Duration::ZERO)).unwrap();
        assert!(acquire(&state, Mode::Exclusive, Some(Duration::from_millis(20))).is_err());
        drop((a, b));
        acquire(&state, Mode::Exclusive, Some(Duration::ZERO)).unwrap();
    }
}
