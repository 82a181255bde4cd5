//! Rows of a payment file, one at a time: CSV through the `csv` crate (one reused record, no
//! allocation per row but the carried fields) or JSON Lines through serde_json. A row is a
//! view of its cells by role plus its extra columns, owned, to be carried to the results.

use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};

use serde_json::Value;

use super::carried::ExtraCells;
use super::options::{Columns, ImportOptions, PaymentFormat};
use super::problems::Problems;

/// Column roles, as indices into a row's cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    Id,
    Tick,
    Time,
    Sender,
    Receiver,
    Amount,
    Priority,
    Deadline,
    /// The from-time (`rules` § Timed payments): issue 18's column, last.
    FromTime,
}

/// How many column roles there are.
pub(crate) const N_ROLES: usize = 9;

pub(crate) const ROLES: [Role; N_ROLES] = [
    Role::Id,
    Role::Tick,
    Role::Time,
    Role::Sender,
    Role::Receiver,
    Role::Amount,
    Role::Priority,
    Role::Deadline,
    Role::FromTime,
];

impl Role {
    pub fn name(self, c: &Columns) -> &str {
        match self {
            Role::Id => &c.id,
            Role::Tick => &c.tick,
            Role::Time => &c.time,
            Role::Sender => &c.sender,
            Role::Receiver => &c.receiver,
            Role::Amount => &c.amount,
            Role::Priority => &c.priority,
            Role::Deadline => &c.deadline,
            Role::FromTime => &c.from_time,
        }
    }
}

/// One cell as the file holds it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Cell<'a> {
    Text(&'a str),
    Json(&'a Value),
}

/// One row: its line (1-based, the header is line 1 of a CSV file), cells by role, and the
/// extra columns' values in the order of `Rows::extra_names`.
pub(crate) struct Row<'a> {
    pub line: u64,
    pub cells: [Option<Cell<'a>>; N_ROLES],
    pub extras: ExtraCells<'a>,
}

enum Source<R: Read> {
    Csv {
        reader: csv::Reader<R>,
        record: csv::StringRecord,
        /// Column index of each role.
        roles: [Option<usize>; N_ROLES],
        /// (column index, name) of the extra columns.
        extras: Vec<(usize, String)>,
    },
    Lines {
        reader: BufReader<R>,
        line: u64,
        /// Bytes read so far (the next line's offset).
        byte: u64,
        text: String,
        value: Value,
    },
}

/// A file's rows in order.
pub(crate) struct Rows<R: Read> {
    source: Source<R>,
    columns: Columns,
    /// Names of the extra columns (CSV: the header's; JSON Lines: the first row's).
    pub extra_names: Vec<String>,
    /// Whether the file has a `tick` column (else `time`); JSON Lines: decided by row 1.
    pub has_ticks: Option<bool>,
    /// Where the last row returned starts: (byte offset, line) — where reading resumes to
    /// read it again (a snapshot of a fed run).
    pub last_at: (u64, u64),
}

impl<R: Read> Rows<R> {
    /// Open `reader`; a CSV header is read and checked at once.
    pub fn open(reader: R, opts: &ImportOptions, p: &mut Problems) -> Option<Self> {
        let columns = opts.columns.clone();
        match opts.format {
            PaymentFormat::JsonLines => Some(Rows {
                source: Source::Lines {
                    reader: BufReader::with_capacity(1 << 16, reader),
                    line: 0,
                    byte: 0,
                    text: String::new(),
                    value: Value::Null,
                },
                columns,
                extra_names: Vec::new(),
                has_ticks: None,
                last_at: (0, 1),
            }),
            PaymentFormat::Csv => {
                let mut reader = csv::ReaderBuilder::new()
                    .delimiter(opts.delimiter)
                    .has_headers(true)
                    .buffer_capacity(1 << 16)
                    .from_reader(reader);
                let header = match reader.headers() {
                    Ok(h) => h.clone(),
                    Err(e) => {
                        p.csv_error(&e, 1);
                        return None;
                    }
                };
                if header.is_empty() || (header.len() == 1 && header[0].is_empty()) {
                    p.at(1, "", "the file is empty: a header row is required".into());
                    return None;
                }
                let mut roles = [None; N_ROLES];
                for (k, role) in ROLES.iter().enumerate() {
                    roles[k] = header.iter().position(|h| h == role.name(&columns));
                }
                let mut seen = std::collections::BTreeSet::new();
                for h in header.iter() {
                    if !seen.insert(h) {
                        p.at(1, h, format!("column {h:?} appears twice in the header"));
                    }
                }
                let extras: Vec<(usize, String)> = header
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| !roles.contains(&Some(*i)))
                    .map(|(i, h)| (i, h.to_string()))
                    .collect();
                let has_ticks = roles[Role::Tick as usize].is_some();
                let mut missing = vec![Role::Id, Role::Sender, Role::Receiver, Role::Amount];
                if !has_ticks {
                    missing.push(Role::Time);
                }
                let names: Vec<&str> = header.iter().collect();
                for role in missing {
                    if roles[role as usize].is_none() {
                        let what = if role == Role::Time {
                            format!(
                                "neither a {:?} nor a {:?} column",
                                columns.tick, columns.time
                            )
                        } else {
                            format!("no {:?} column", role.name(&columns))
                        };
                        p.at(
                            1,
                            role.name(&columns),
                            format!(
                                "the header has {what} (it has {}; rename with a column mapping)",
                                names.join(", ")
                            ),
                        );
                    }
                }
                if !p.is_empty() {
                    return None;
                }
                Some(Rows {
                    extra_names: extras.iter().map(|(_, n)| n.clone()).collect(),
                    source: Source::Csv {
                        reader,
                        record: csv::StringRecord::new(),
                        roles,
                        extras,
                    },
                    columns,
                    has_ticks: Some(has_ticks),
                    last_at: (0, 1),
                })
            }
        }
    }

    /// The next row, or `None` at the end. A row that cannot be read at all (bad quoting,
    /// wrong number of fields, not UTF-8, not JSON) is a problem; reading goes on after it
    /// where the format allows (`Err(true)`), else stops (`Err(false)`).
    pub fn next_row(&mut self, p: &mut Problems) -> Result<Option<Row<'_>>, bool> {
        match &mut self.source {
            Source::Csv {
                reader,
                record,
                roles,
                extras,
            } => {
                let line_before = reader.position().line();
                match reader.read_record(record) {
                    Ok(false) => Ok(None),
                    Ok(true) => {
                        let line = record.position().map_or(line_before, |p| p.line());
                        let byte = record.position().map_or(0, |p| p.byte());
                        self.last_at = (byte, line);
                        let mut cells = [None; N_ROLES];
                        for (k, r) in roles.iter().enumerate() {
                            cells[k] = r.map(|i| Cell::Text(&record[i]));
                        }
                        Ok(Some(Row {
                            line,
                            cells,
                            extras: ExtraCells::Csv(record, extras),
                        }))
                    }
                    Err(e) => {
                        let fatal = !matches!(e.kind(), csv::ErrorKind::UnequalLengths { .. });
                        p.csv_error(&e, line_before);
                        Err(!fatal)
                    }
                }
            }
            Source::Lines {
                reader,
                line,
                byte,
                text,
                value,
            } => loop {
                text.clear();
                *line += 1;
                let start = *byte;
                let n = match reader.read_line(text) {
                    Ok(n) => n,
                    Err(e) => {
                        let why = if e.kind() == std::io::ErrorKind::InvalidData {
                            "is not valid UTF-8".to_string()
                        } else {
                            format!("cannot be read: {e}")
                        };
                        p.at(*line, "", format!("line {line} {why}"));
                        return Err(false);
                    }
                };
                if n == 0 {
                    return Ok(None);
                }
                *byte += n as u64;
                self.last_at = (start, *line);
                if text.trim().is_empty() {
                    continue;
                }
                let complete = text.ends_with('\n');
                *value = match serde_json::from_str::<Value>(text) {
                    Ok(v) if v.is_object() => v,
                    Ok(_) => {
                        p.at(*line, "", "the line is not a JSON object".into());
                        return Err(true);
                    }
                    Err(e) => {
                        let why = if complete {
                            format!("the line is not valid JSON: {e}")
                        } else {
                            format!("the file ends in the middle of a line (truncated?): {e}")
                        };
                        p.at(*line, "", why);
                        return Err(complete);
                    }
                };
                let obj = value.as_object().expect("checked above");
                let columns = &self.columns;
                if self.has_ticks.is_none() {
                    self.has_ticks = Some(obj.contains_key(&columns.tick));
                    self.extra_names = obj
                        .keys()
                        .filter(|k| !ROLES.iter().any(|r| r.name(columns) == k.as_str()))
                        .cloned()
                        .collect();
                }
                let mut cells = [None; N_ROLES];
                for (k, r) in ROLES.iter().enumerate() {
                    cells[k] = obj
                        .get(r.name(columns))
                        .filter(|v| !v.is_null())
                        .map(Cell::Json);
                }
                // The first line's extra keys are the file's (a later line's other keys are
                // not carried: the results have fixed columns).
                return Ok(Some(Row {
                    line: *line,
                    cells,
                    extras: ExtraCells::Json(obj, &self.extra_names),
                }));
            },
        }
    }
}

impl<R: Read> Rows<R> {
    /// Where the next row starts (byte offset, line), before it is read.
    pub fn next_at(&self) -> (u64, u64) {
        match &self.source {
            Source::Csv { reader, .. } => (reader.position().byte(), reader.position().line()),
            Source::Lines { line, byte, .. } => (*byte, line + 1),
        }
    }
}

impl<R: Read + Seek> Rows<R> {
    /// Go on reading at `at` = (byte offset, line) of a row start that `last_at` gave (a
    /// snapshot of a fed run); JSON Lines keeps the file's extra columns and tick/time choice
    /// from `extra_names` and `has_ticks`.
    pub fn seek_to(
        &mut self,
        at: (u64, u64),
        extra_names: Vec<String>,
        has_ticks: Option<bool>,
    ) -> std::io::Result<()> {
        match &mut self.source {
            Source::Csv { reader, .. } => {
                let mut pos = csv::Position::new();
                pos.set_byte(at.0).set_line(at.1);
                reader.seek(pos).map_err(std::io::Error::other)?;
            }
            Source::Lines {
                reader, line, byte, ..
            } => {
                reader.seek(SeekFrom::Start(at.0))?;
                *byte = at.0;
                *line = at.1.saturating_sub(1);
                self.extra_names = extra_names;
                self.has_ticks = has_ticks;
            }
        }
        self.last_at = at;
        Ok(())
    }
}
