//! Problems of a payment file: each names the file, the line and the column (path
//! `FILE:LINE:COLUMN`), at most [`MAX_LISTED`] listed, all counted.

use crate::error::{Problem, SimError};

/// Problems listed in one error (the rest are counted).
pub const MAX_LISTED: usize = 20;

/// A rejected payment file (or chunk of one): nothing of it was applied.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportError {
    /// The problems listed (at most [`MAX_LISTED`]).
    pub problems: Vec<Problem>,
    /// All problems found, listed or not.
    pub total: usize,
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let lines: Vec<&str> = self.problems.iter().map(|p| p.message.as_str()).collect();
        write!(f, "{}", lines.join("\n"))?;
        if self.total > self.problems.len() {
            write!(
                f,
                "\n… and {} more problems",
                self.total - self.problems.len()
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for ImportError {}

impl From<ImportError> for SimError {
    fn from(e: ImportError) -> Self {
        SimError::InvalidConfig(e.problems)
    }
}

/// The problems found so far in one file.
#[derive(Debug, Clone)]
pub(crate) struct Problems {
    file: String,
    listed: Vec<Problem>,
    total: usize,
    /// Capture mode (a row that will be skipped, not an error): problems are counted and
    /// kept as `column: message` here instead of listed.
    captured: Option<Vec<(u64, String)>>,
}

impl Problems {
    pub fn new(file: &str) -> Self {
        Problems {
            file: file.to_string(),
            listed: Vec::new(),
            total: 0,
            captured: None,
        }
    }

    /// Problems that capture instead of list (for a row to skip).
    pub fn capturing(file: &str) -> Self {
        Problems {
            captured: Some(Vec::new()),
            ..Problems::new(file)
        }
    }

    /// The captured problems' first line and all of them as one reason (`column "x":
    /// message; …`); start afresh.
    pub fn take_captured(&mut self) -> Option<(u64, String)> {
        self.total = 0;
        let c = self.captured.as_mut()?;
        let line = c.first()?.0;
        let reason: Vec<String> = c.drain(..).map(|(_, m)| m).collect();
        Some((line, reason.join("; ")))
    }

    /// Move the captured problems into `to` as errors (a row that cannot be skipped).
    pub fn move_captured(&mut self, to: &mut Problems) {
        if let Some((line, reason)) = self.take_captured() {
            to.at(line, "", reason);
        }
    }

    /// Problems found so far.
    pub fn count(&self) -> usize {
        self.total
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// A problem at `line`, `column` ("" = the whole line).
    pub fn at(&mut self, line: u64, column: &str, message: String) {
        self.total += 1;
        if let Some(c) = self.captured.as_mut() {
            c.push((
                line,
                if column.is_empty() {
                    message
                } else {
                    format!("column {column:?}: {message}")
                },
            ));
            return;
        }
        if self.listed.len() < MAX_LISTED {
            let place = if column.is_empty() {
                format!("{} line {line}", self.file)
            } else {
                format!("{} line {line}, column {column:?}", self.file)
            };
            self.listed.push(Problem {
                path: format!("{}:{line}:{column}", self.file),
                message: format!("{place}: {message}"),
                value: None,
            });
        }
    }

    /// A problem the `csv` crate found.
    pub fn csv_error(&mut self, e: &csv::Error, line: u64) {
        let line = e.position().map_or(line, |p| p.line());
        let message = match e.kind() {
            csv::ErrorKind::Utf8 { err, .. } => {
                format!("field {} is not valid UTF-8", err.field() + 1)
            }
            csv::ErrorKind::UnequalLengths {
                expected_len, len, ..
            } => format!(
                "the row has {len} fields, the header {expected_len} (a truncated file or a wrong delimiter?)"
            ),
            csv::ErrorKind::Io(io) => format!("cannot be read: {io}"),
            _ => format!("cannot be read: {e}"),
        };
        self.at(line, "", message);
    }

    /// How many problems are listed (a mark for [`Problems::split_off`]).
    pub fn mark(&self) -> (usize, usize) {
        (self.total, self.listed.len())
    }

    /// Take the problems found since `mark` (they belong to a later chunk).
    pub fn split_off(&mut self, mark: (usize, usize)) -> (usize, Vec<Problem>) {
        let n = self.total - mark.0;
        self.total = mark.0;
        (n, self.listed.split_off(mark.1))
    }

    /// Add problems taken by [`Problems::split_off`].
    pub fn extend(&mut self, (n, listed): (usize, Vec<Problem>)) {
        self.total += n;
        let room = MAX_LISTED.saturating_sub(self.listed.len());
        self.listed.extend(listed.into_iter().take(room));
    }

    /// The error, if any problem was found.
    pub fn into_result(self) -> Result<(), ImportError> {
        if self.total == 0 {
            Ok(())
        } else {
            Err(ImportError {
                problems: self.listed,
                total: self.total,
            })
        }
    }

    /// Take the problems found, leaving none.
    pub fn take(&mut self) -> Result<(), ImportError> {
        let file = self.file.clone();
        std::mem::replace(self, Problems::new(&file)).into_result()
    }
}
