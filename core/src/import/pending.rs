//! A results or rejects file as a fed run writes it. It is opened (created when absent) before
//! the run, so an unwritable path fails before anything happens, but emptied only when the run
//! writes its first byte: a payments file refused up front (its header, its first business
//! day) leaves a file that existed as it was and removes one the call created. A rejected
//! input loses nothing, an earlier run's results included.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// The writing end: give it to the run (inside a `BufWriter`).
#[derive(Debug)]
pub struct PendingFile {
    file: File,
    touched: Arc<AtomicBool>,
}

/// The caller's end: [`PendingGuard::keep`] when the run went ahead; dropped without it (the
/// run was refused), a file the run never wrote is as before the call (removed if the call
/// created it), and what a run wrote before stopping at a later bad day stays.
#[derive(Debug)]
pub struct PendingGuard {
    path: PathBuf,
    created: bool,
    touched: Arc<AtomicBool>,
    kept: bool,
}

impl PendingFile {
    /// Open `path` for a run without changing it.
    pub fn open(path: impl AsRef<Path>) -> io::Result<(PendingFile, PendingGuard)> {
        let path = path.as_ref();
        let (file, created) = match OpenOptions::new().write(true).create_new(true).open(path) {
            Ok(f) => (f, true),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                (OpenOptions::new().write(true).open(path)?, false)
            }
            Err(e) => return Err(e),
        };
        let touched = Arc::new(AtomicBool::new(false));
        let guard = PendingGuard {
            path: path.to_path_buf(),
            created,
            touched: Arc::clone(&touched),
            kept: false,
        };
        Ok((PendingFile { file, touched }, guard))
    }
}

impl Write for PendingFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if !self.touched.load(Ordering::Relaxed) {
            self.file.set_len(0)?;
            self.touched.store(true, Ordering::Relaxed);
        }
        self.file.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

impl PendingGuard {
    /// The run went ahead: the file holds what it wrote (nothing, if it wrote nothing).
    pub fn keep(mut self) -> io::Result<()> {
        self.kept = true;
        if !self.touched.load(Ordering::Relaxed) {
            OpenOptions::new()
                .write(true)
                .open(&self.path)?
                .set_len(0)?;
        }
        Ok(())
    }
}

impl Drop for PendingGuard {
    fn drop(&mut self) {
        if !self.kept && self.created && !self.touched.load(Ordering::Relaxed) {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("psim-pending-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir.join(name)
    }

    #[test]
    fn an_existing_file_survives_a_refused_run_and_is_replaced_by_a_run() {
        let path = scratch("existing.csv");
        std::fs::write(&path, "an earlier run's results\n").unwrap();
        let (_file, guard) = PendingFile::open(&path).unwrap();
        drop(guard);
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "an earlier run's results\n"
        );

        let (mut file, guard) = PendingFile::open(&path).unwrap();
        file.write_all(b"new\n").unwrap();
        guard.keep().unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new\n");
    }

    #[test]
    fn a_created_file_is_removed_when_refused_and_emptied_when_nothing_was_written() {
        let path = scratch("created.jsonl");
        let _ = std::fs::remove_file(&path);
        let (_file, guard) = PendingFile::open(&path).unwrap();
        assert!(path.exists(), "opened up front");
        drop(guard);
        assert!(!path.exists());

        std::fs::write(&path, "stale\n").unwrap();
        let (_file, guard) = PendingFile::open(&path).unwrap();
        guard.keep().unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "");
    }

    #[test]
    fn what_a_stopped_run_wrote_stays() {
        let path = scratch("partial.csv");
        let _ = std::fs::remove_file(&path);
        let (mut file, guard) = PendingFile::open(&path).unwrap();
        file.write_all(b"day 1\n").unwrap();
        drop(guard);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "day 1\n");
    }

    #[test]
    fn an_unwritable_path_fails_up_front() {
        let path = scratch("no-such-dir").join("results.csv");
        assert!(PendingFile::open(path).is_err());
    }
}
