//! Failures of a command: what to print on stderr and which exit code to return.
//!
//! Exit codes: 0 ok, 1 runtime failure (a write failed, a replay diverged), 2 usage or
//! invalid input (missing or malformed file, invalid scenario, unknown agent, bad amount,
//! finished simulation, …).

use std::fmt;
use std::io;
use std::path::Path;

use payment_sim_core::SimError;

/// Exit code for a runtime failure.
pub const EXIT_RUNTIME: u8 = 1;
/// Exit code for a usage error or invalid input.
pub const EXIT_INPUT: u8 = 2;

/// A command failure: a headline and optional detail lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CliError {
    /// The process exit code.
    pub code: u8,
    /// The first line (printed after `error: `).
    pub message: String,
    /// Further lines, printed indented.
    pub details: Vec<String>,
}

impl CliError {
    /// Usage error or invalid input (exit 2).
    pub fn input(message: impl Into<String>) -> Self {
        CliError {
            code: EXIT_INPUT,
            message: message.into(),
            details: Vec::new(),
        }
    }

    /// Runtime failure (exit 1).
    pub fn runtime(message: impl Into<String>) -> Self {
        CliError {
            code: EXIT_RUNTIME,
            message: message.into(),
            details: Vec::new(),
        }
    }

    /// Add detail lines.
    pub fn with_details(mut self, details: Vec<String>) -> Self {
        self.details = details;
        self
    }

    /// Add a hint line (when there is one).
    pub fn with_hint(mut self, hint: Option<String>) -> Self {
        self.details.extend(hint);
        self
    }

    /// A core error, with `context` saying what was being done. Every core error is caused by
    /// the input (configuration, state file, arguments), so all are exit 2.
    pub fn from_sim(context: &str, err: SimError) -> Self {
        match err {
            SimError::InvalidConfig(problems) if problems.len() > 1 => {
                CliError::input(format!("{context}: {} problems", problems.len()))
                    .with_details(problems.into_iter().map(|p| p.message).collect())
            }
            SimError::InvalidConfig(problems) if problems.len() == 1 => {
                CliError::input(format!("{context}: {}", problems[0].message))
            }
            other => CliError::input(format!("{context}: {other}")),
        }
    }

    /// Reading an input file failed (exit 2).
    pub fn read(path: &Path, err: &io::Error) -> Self {
        CliError::input(format!(
            "cannot read {}: {}",
            path.display(),
            io_message(err)
        ))
    }

    /// Writing an output file failed (exit 1).
    pub fn write(path: &Path, err: &io::Error) -> Self {
        CliError::runtime(format!(
            "cannot write {}: {}",
            path.display(),
            io_message(err)
        ))
    }

    /// Render for stderr (nothing for an empty message: the command already reported).
    pub fn render(&self) -> String {
        if self.message.is_empty() && self.details.is_empty() {
            return String::new();
        }
        let mut out = format!("error: {}\n", self.message);
        for line in &self.details {
            out.push_str("  - ");
            out.push_str(line);
            out.push('\n');
        }
        out
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// An I/O error without the platform's "(os error N)" suffix.
pub fn io_message(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::NotFound => "no such file or directory".to_string(),
        io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        io::ErrorKind::IsADirectory => "it is a directory".to_string(),
        io::ErrorKind::InvalidData => "not valid UTF-8 text".to_string(),
        _ => {
            let text = err.to_string();
            let text = match text.find(" (os error") {
                Some(i) => &text[..i],
                None => &text,
            };
            // "Too many levels of symbolic links" → "too many …", to follow the file name.
            let mut chars = text.chars();
            match chars.next() {
                Some(first) if chars.clone().next().is_some_and(char::is_lowercase) => {
                    first.to_lowercase().chain(chars).collect()
                }
                _ => text.to_string(),
            }
        }
    }
}

/// The result type of commands.
pub type CliResult<T = ()> = Result<T, CliError>;
