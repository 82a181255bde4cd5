//! Reading inputs and writing outputs: scenario files, atomic writes, stdout.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use payment_sim_core::{parse_document_resolving, DocumentKind, SimulationConfig};

use crate::error::{CliError, CliResult};
use crate::sniff::{self, Kind};

/// Read a UTF-8 text file, without the byte-order mark some Windows tools put first (RFC
/// 8259 lets JSON readers ignore it; YAML allows it).
pub fn read_string(path: &Path) -> io::Result<String> {
    let text = fs::read_to_string(path)?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
}

/// Read a text file; a missing or unreadable file is invalid input (exit 2).
pub fn read_text(path: &Path) -> CliResult<String> {
    read_string(path).map_err(|e| CliError::read(path, &e))
}

/// Read and validate a scenario (scenario or machine format, YAML or JSON) through the core's
/// one entry point for configuration documents, as the C API and Python do.
pub fn load_scenario(path: &Path) -> CliResult<(SimulationConfig, DocumentKind)> {
    let text = read_text(path)?;
    parse_scenario(path, &text).map_err(|e| {
        CliError::from_sim(&format!("invalid scenario {}", path.display()), e)
            .with_hint(sniff::hint(path, &text, Kind::Scenario))
    })
}

/// Parse a scenario's text; files it names (a network's `flows_file`) are read relative to
/// the scenario's directory.
pub fn parse_scenario(
    path: &Path,
    text: &str,
) -> Result<(SimulationConfig, DocumentKind), payment_sim_core::SimError> {
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    parse_document_resolving(text, &mut |name| {
        read_string(&dir.join(name)).map_err(|e| e.to_string())
    })
}

/// Write a file atomically: a temporary file beside it, flushed to disk, then a rename, so a
/// failed or interrupted write never leaves a half-written file behind.
pub fn write_atomic(path: &Path, contents: &[u8]) -> CliResult {
    write_via(path, &temp_path(path), contents)
}

/// [`write_atomic`] through the temporary file `tmp` (which it replaces).
pub fn write_via(path: &Path, tmp: &Path, contents: &[u8]) -> CliResult {
    let result = fs::File::create(tmp)
        .and_then(|mut file| file.write_all(contents).and_then(|()| file.sync_all()))
        .and_then(|()| fs::rename(tmp, path));
    if let Err(e) = result {
        let _ = fs::remove_file(tmp);
        return Err(CliError::write(path, &e));
    }
    Ok(())
}

fn temp_path(path: &Path) -> PathBuf {
    let mut name = path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(format!(".tmp{}", std::process::id()));
    path.with_file_name(name)
}

/// Check early that `path` can be written (before a long run whose result would be lost):
/// create its parent if needed and try the temporary file `write_atomic` will use.
pub fn check_writable(path: &Path) -> CliResult {
    not_a_directory(path)?;
    ensure_parent(path)?;
    let tmp = temp_path(path);
    fs::write(&tmp, b"")
        .and_then(|()| fs::remove_file(&tmp))
        .map_err(|e| CliError::write(path, &e))
}

/// Refuse an output path that is an existing directory (a rename would fail only after the
/// work is done).
pub fn not_a_directory(path: &Path) -> CliResult {
    if path.is_dir() {
        return Err(CliError::runtime(format!(
            "cannot write {}: it is a directory",
            path.display()
        )));
    }
    Ok(())
}

/// Create the parent directory of an output file when it is missing.
pub fn ensure_parent(path: &Path) -> CliResult {
    if let Some(parent) = path.parent() {
        if !parent.as_os_str().is_empty() && !parent.exists() {
            fs::create_dir_all(parent).map_err(|e| CliError::write(parent, &e))?;
        }
    }
    Ok(())
}

/// Print command output on stdout. A closed pipe (`payment-sim stats | head -1`) is not an
/// error: the reader has what it wanted.
pub fn emit(text: &str) -> CliResult {
    let stdout = io::stdout();
    let mut lock = stdout.lock();
    match lock.write_all(text.as_bytes()).and_then(|()| lock.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(CliError::runtime(format!(
            "cannot write to standard output: {}",
            crate::error::io_message(&e)
        ))),
    }
}

/// A value as pretty JSON with a final newline.
pub fn json<T: serde::Serialize>(value: &T) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_else(|_| "null".into());
    text.push('\n');
    text
}
