//! Writing the event stream to a file: JSON lines (`.jsonl`, `.ndjson`), CSV (`.csv`) or
//! Parquet (`.parquet`, [`crate::events_parquet`]).
//!
//! The first line of a text file is a header saying what the file is and what produced it (see
//! [`Header`]): in JSON lines it is that JSON object, in CSV the same object after `# `, so that
//! a reader skips exactly one line in both; a Parquet file carries the same object in its
//! key-value metadata. Then JSON lines are the core's event records exactly (absent fields
//! omitted); CSV has its column names, then one fixed column per field
//! ([`crate::event_columns`]), empty when the event has no such field.

use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use payment_sim_core::{EventRecord, Provenance, Simulation};

use crate::error::{CliError, CliResult};
use crate::event_columns::{Cell, COLUMNS};
use crate::events_parquet::ParquetSink;
use crate::files::ensure_parent;

/// Events converted to records and written at a time ([`EventWriter::write_since`]).
const EVENT_PAGE: usize = 4096;

/// The `format` tag of an events file's header line.
pub const FORMAT: &str = "payment-sim-events";
/// The version of the event records that follow (the core's events document version).
pub const SCHEMA_VERSION: u32 = 1;

/// The first line of an events file:
/// `{"format":"payment-sim-events","schema_version":1,"provenance":{…}}`.
#[derive(Debug, Serialize)]
pub struct Header<'a> {
    /// Always [`FORMAT`].
    pub format: &'static str,
    /// Always [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// What produced the events.
    pub provenance: &'a Provenance,
}

impl Header<'_> {
    /// The header line, without its newline (in CSV after `# `).
    fn line(&self, csv: bool) -> String {
        let json = serde_json::to_string(self).unwrap_or_default();
        if csv {
            format!("# {json}")
        } else {
            json
        }
    }
}

/// Where the records go.
enum Sink {
    /// `.jsonl`, `.ndjson`.
    JsonLines(BufWriter<File>),
    /// `.csv`.
    Csv(BufWriter<File>),
    /// `.parquet` (boxed: the Arrow writer's state is hundreds of bytes).
    Parquet(Box<ParquetSink>),
}

/// An open events file.
pub struct EventWriter {
    path: PathBuf,
    sink: Sink,
    written: u64,
}

impl EventWriter {
    /// Check the extension, create the file and write its header lines (before the
    /// simulation runs, so a bad path fails fast).
    pub fn create(path: &Path, provenance: &Provenance) -> CliResult<Self> {
        #[derive(PartialEq)]
        enum Kind {
            JsonLines,
            Csv,
            Parquet,
        }
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        let kind = match ext.as_deref() {
            Some("jsonl") | Some("ndjson") => Kind::JsonLines,
            Some("csv") => Kind::Csv,
            Some("parquet") => Kind::Parquet,
            _ => {
                return Err(CliError::input(format!(
                    "--events {}: the file name must end in .jsonl or .ndjson (JSON lines), .csv or .parquet",
                    path.display()
                )))
            }
        };
        ensure_parent(path)?;
        let file = File::create(path).map_err(|e| CliError::write(path, &e))?;
        let header = Header {
            format: FORMAT,
            schema_version: SCHEMA_VERSION,
            provenance,
        };
        let sink = match kind {
            Kind::Parquet => Sink::Parquet(Box::new(ParquetSink::create(
                path,
                file,
                header.line(false),
            )?)),
            Kind::JsonLines | Kind::Csv => {
                let mut out = BufWriter::with_capacity(1 << 16, file);
                let mut lines = header.line(kind == Kind::Csv) + "\n";
                if kind == Kind::Csv {
                    let names: Vec<&str> = COLUMNS.iter().map(|c| c.name).collect();
                    lines.push_str(&(names.join(",") + "\n"));
                }
                out.write_all(lines.as_bytes())
                    .map_err(|e| CliError::write(path, &e))?;
                if kind == Kind::Csv {
                    Sink::Csv(out)
                } else {
                    Sink::JsonLines(out)
                }
            }
        };
        Ok(EventWriter {
            path: path.to_path_buf(),
            sink,
            written: 0,
        })
    }

    /// Append events.
    pub fn write(&mut self, events: &[EventRecord]) -> CliResult {
        let (out, csv) = match &mut self.sink {
            Sink::Parquet(sink) => {
                sink.write(events)?;
                self.written += events.len() as u64;
                return Ok(());
            }
            Sink::JsonLines(out) => (out, false),
            Sink::Csv(out) => (out, true),
        };
        let mut line = String::with_capacity(256);
        for e in events {
            line.clear();
            if csv {
                csv_line(e, &mut line);
            } else {
                line.push_str(&serde_json::to_string(e).unwrap_or_default());
            }
            line.push('\n');
            out.write_all(line.as_bytes())
                .map_err(|err| CliError::write(&self.path, &err))?;
        }
        self.written += events.len() as u64;
        Ok(())
    }

    /// Append the simulation's events after `since` (and return the last one's number), a
    /// page at a time: only a page of events is ever held as records, however many a step of
    /// a run produced (a step of the T2-like year at full recording: ≈ 300,000 events).
    pub fn write_since(&mut self, sim: &Simulation, since: u64) -> CliResult<u64> {
        let mut seen = since;
        loop {
            let page = sim.events_page(seen, EVENT_PAGE);
            let Some(last) = page.last() else { break };
            seen = last.seq;
            self.write(&page)?;
        }
        Ok(sim.last_event_seq())
    }

    /// Flush and close; returns the number of events written.
    pub fn finish(self) -> CliResult<u64> {
        match self.sink {
            Sink::Parquet(sink) => sink.finish()?,
            Sink::JsonLines(mut out) | Sink::Csv(mut out) => {
                out.flush().map_err(|e| CliError::write(&self.path, &e))?
            }
        }
        Ok(self.written)
    }
}

/// One CSV line: [`COLUMNS`], empty where null.
fn csv_line(e: &EventRecord, line: &mut String) {
    for (i, column) in COLUMNS.iter().enumerate() {
        if i > 0 {
            line.push(',');
        }
        // Writing into a String cannot fail.
        let _ = match (column.get)(e) {
            Cell::Null => Ok(()),
            Cell::UInt(v) => write!(line, "{v}"),
            Cell::Int(v) => write!(line, "{v}"),
            Cell::Text(v) => {
                csv_field(v, line);
                Ok(())
            }
        };
    }
}

/// RFC 4180 quoting: agent ids may contain commas, quotes or newlines.
pub(crate) fn csv_field(field: &str, line: &mut String) {
    if field.contains([',', '"', '\n', '\r']) {
        line.push('"');
        line.push_str(&field.replace('"', "\"\""));
        line.push('"');
    } else {
        line.push_str(field);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `write_since` writes, across pages, exactly the events after its start, in order.
    #[test]
    fn pages_cover_the_stream_whole_and_in_order() {
        let mut sim = crate::event_columns::full_recording("seed_benchmark.yaml");
        while sim.last_event_seq() < 3 * EVENT_PAGE as u64 + 7 {
            sim.run(10).unwrap();
        }
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("events.jsonl");
        let mut writer = EventWriter::create(&file, &sim.provenance()).unwrap();
        let since = 5;
        assert_eq!(
            writer.write_since(&sim, since).unwrap(),
            sim.last_event_seq()
        );
        assert_eq!(writer.finish().unwrap(), sim.last_event_seq() - since);
        let text = std::fs::read_to_string(&file).unwrap();
        let expected: Vec<String> = sim
            .events_since(since)
            .iter()
            .map(|e| serde_json::to_string(e).unwrap())
            .collect();
        assert_eq!(text.lines().skip(1).collect::<Vec<_>>(), expected);
    }

    #[test]
    fn csv_quotes_awkward_ids() {
        let mut s = String::new();
        csv_field("BANK \"A\", Ltd", &mut s);
        assert_eq!(s, "\"BANK \"\"A\"\", Ltd\"");
        let mut s = String::new();
        csv_field("BANK_A", &mut s);
        assert_eq!(s, "BANK_A");
    }
}
