//! The rejects file: every row a feed skipped (outside the simulated time, or breaking a rule
//! when invalid rows are skipped), with its line, id and reason, written a business day at a
//! time (never held for the whole file). CSV, or JSON Lines for a `.jsonl` path.

use std::io::Write;

use super::write::ResultsFormat;

/// The rejects file's columns.
pub const REJECT_COLUMNS: [&str; 4] = ["line", "id", "kind", "reason"];

/// Why a row was skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RejectKind {
    /// Outside opening hours, before the start or the current tick, at or after the horizon.
    Outside,
    /// It breaks a rule (its problems are the reason).
    Invalid,
}

impl RejectKind {
    /// The name in rejects files.
    pub fn name(self) -> &'static str {
        match self {
            RejectKind::Outside => "outside",
            RejectKind::Invalid => "invalid",
        }
    }
}

/// One skipped row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reject {
    /// Its line in the file.
    pub line: u64,
    /// Its id, when it could be read.
    pub id: Option<String>,
    /// Outside or invalid.
    pub kind: RejectKind,
    /// Why, in words (several problems of one row joined by `; `).
    pub reason: String,
}

/// Writes skipped rows as they are found.
pub struct RejectsWriter {
    out: Box<dyn Write>,
    format: ResultsFormat,
    written: u64,
}

impl RejectsWriter {
    /// A writer of `format` to `out`.
    pub fn new(out: Box<dyn Write>, format: ResultsFormat) -> Self {
        RejectsWriter {
            out,
            format,
            written: 0,
        }
    }

    /// A writer to `out` that goes on after `written` rows (a resumed fed run appends to the
    /// file it wrote; its CSV header is there once a row is).
    pub fn resume(out: Box<dyn Write>, format: ResultsFormat, written: u64) -> Self {
        RejectsWriter {
            out,
            format,
            written,
        }
    }

    /// Rows written so far.
    pub fn written(&self) -> u64 {
        self.written
    }

    /// Flush what is written, leaving the file open to more (a suspended fed run).
    pub fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }

    /// Write `rejects` (a CSV header before the first).
    pub fn write(&mut self, rejects: &[Reject]) -> std::io::Result<()> {
        for r in rejects {
            match self.format {
                ResultsFormat::Csv => {
                    if self.written == 0 {
                        writeln!(self.out, "{}", REJECT_COLUMNS.join(","))?;
                    }
                    let mut w = csv::WriterBuilder::new()
                        .has_headers(false)
                        .from_writer(Vec::new());
                    let line = r.line.to_string();
                    let id = r.id.as_deref().unwrap_or("");
                    w.write_record([line.as_str(), id, r.kind.name(), r.reason.as_str()])?;
                    let bytes = w.into_inner().map_err(|e| e.into_error())?;
                    self.out.write_all(&bytes)?;
                }
                ResultsFormat::JsonLines => {
                    let v = serde_json::json!({
                        "line": r.line,
                        "id": r.id,
                        "kind": r.kind.name(),
                        "reason": r.reason,
                    });
                    writeln!(self.out, "{v}")?;
                }
            }
            self.written += 1;
        }
        Ok(())
    }

    /// Flush; a CSV file with no rejects still gets its header.
    pub fn finish(mut self) -> std::io::Result<u64> {
        if self.written == 0 && self.format == ResultsFormat::Csv {
            writeln!(self.out, "{}", REJECT_COLUMNS.join(","))?;
        }
        self.out.flush()?;
        Ok(self.written)
    }
}
