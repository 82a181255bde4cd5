//! A payment file's reading options as text (the CLI's flags, a JSON request of the C ABI,
//! Python and REST), turned into [`ImportOptions`] here, so every front end reads them by the
//! same rules and words the same problems; and a whole fed run in one call, with its summary.

use std::io::{Read, Write};

use serde::{Deserialize, Serialize};

use super::drive::{FedError, Finished, Importer};
use super::feed::PaymentFeed;
use super::options::{
    parse_delimiter, Columns, ImportOptions, OnInvalid, OnOutside, PaymentFormat,
};
use super::rejects::RejectsWriter;
use super::time::{parse_date, TimeMapping};
use super::write::{ResultsFormat, ResultsWriter};
use crate::engine::Simulation;
use crate::error::{Problem, SimError};

/// How to read a payment file, as a person writes it (every field optional).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedSpec {
    /// `csv` or `jsonl` (default: from the file name, `.jsonl`/`.ndjson` or CSV).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// Column names: `role=name` pairs, `id=PaymentID,sender=From`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub columns: Option<String>,
    /// CSV delimiter: one character, `tab` or `\t` for a tab (default `,`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<String>,
    /// The business day, `HH:MM-HH:MM` (opening-closing): maps times to ticks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_day: Option<String>,
    /// Seconds per tick (default: the business day divided into the ticks per day).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tick_seconds: Option<u64>,
    /// Day 0's business date, `YYYY-MM-DD` (default: the first payment's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_date: Option<String>,
    /// Payments outside the simulated time: `error` (default) or `skip`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_outside: Option<String>,
    /// Rows that break a rule: `error` (default) or `skip`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_invalid: Option<String>,
}

fn choice(field: &str, v: Option<&str>) -> Result<bool, Problem> {
    match v {
        None | Some("error") => Ok(false),
        Some("skip") => Ok(true),
        Some(other) => Err(Problem::new(
            field,
            format!("{field} must be \"error\" or \"skip\" (got {other:?})"),
        )),
    }
}

impl FeedSpec {
    /// The options for the file `name` (its name decides the format when none is given);
    /// every problem, each at its field.
    pub fn options(&self, name: &str) -> Result<ImportOptions, SimError> {
        let mut problems = Vec::new();
        let format = match self.format.as_deref() {
            None => PaymentFormat::from_path(name),
            Some("csv") => PaymentFormat::Csv,
            Some("jsonl") => PaymentFormat::JsonLines,
            Some(other) => {
                problems.push(Problem::new(
                    "format",
                    format!("format must be \"csv\" or \"jsonl\" (got {other:?})"),
                ));
                PaymentFormat::Csv
            }
        };
        let mut o = ImportOptions {
            format,
            ..ImportOptions::default()
        };
        if let Some(m) = &self.columns {
            match Columns::with_mapping(m) {
                Ok(c) => o.columns = c,
                Err(p) => problems.push(p),
            }
        }
        if let Some(d) = &self.delimiter {
            match parse_delimiter(d) {
                Ok(d) => o.delimiter = d,
                Err(p) => problems.push(p),
            }
        }
        let start_date = match &self.start_date {
            None => None,
            Some(d) => parse_date(d).or_else(|| {
                problems.push(Problem::new(
                    "start_date",
                    format!("start_date must be YYYY-MM-DD (got {d:?})"),
                ));
                None
            }),
        };
        if self.tick_seconds == Some(0) {
            problems.push(Problem::new(
                "tick_seconds",
                "tick_seconds must be ≥ 1 (got 0)",
            ));
        }
        match &self.business_day {
            Some(s) => match TimeMapping::parse_session(s) {
                Some((opening, closing)) => {
                    o.time = Some(TimeMapping {
                        opening,
                        closing,
                        tick_seconds: self.tick_seconds.map(|t| t as i64),
                        start_date,
                    })
                }
                None => problems.push(Problem::new(
                    "business_day",
                    format!("business_day must be HH:MM-HH:MM, opening-closing (got {s:?})"),
                )),
            },
            None => {
                for (set, field) in [
                    (self.tick_seconds.is_some(), "tick_seconds"),
                    (self.start_date.is_some(), "start_date"),
                ] {
                    if set {
                        problems.push(Problem::new(
                            field,
                            format!("{field} needs business_day (it maps times to ticks)"),
                        ));
                    }
                }
            }
        }
        match choice("on_outside", self.on_outside.as_deref()) {
            Ok(skip) => {
                o.on_outside = if skip {
                    OnOutside::Skip
                } else {
                    OnOutside::Error
                }
            }
            Err(p) => problems.push(p),
        }
        match choice("on_invalid", self.on_invalid.as_deref()) {
            Ok(skip) => {
                o.on_invalid = if skip {
                    OnInvalid::Skip
                } else {
                    OnInvalid::Error
                }
            }
            Err(p) => problems.push(p),
        }
        if problems.is_empty() {
            Ok(o)
        } else {
            Err(SimError::InvalidConfig(problems))
        }
    }
}

/// What a fed run read and wrote ([`run_file`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FedSummary {
    /// Rows read.
    pub rows: u64,
    /// Payments scheduled.
    pub payments: u64,
    /// Rows skipped as outside the simulated time.
    pub skipped: u64,
    /// Rows skipped as breaking a rule.
    pub rejected: u64,
    /// Business days loaded.
    pub chunks: u64,
    /// Ticks run by this call.
    pub ticks_run: u64,
    /// Whether the simulation reached its horizon.
    pub finished: bool,
    /// Results written (with a results writer).
    pub results_written: Option<u64>,
    /// Rows written to the rejects (with a rejects writer).
    pub rejects_written: Option<u64>,
    /// The first row skipped as outside, and why.
    pub first_skip: Option<String>,
    /// The first row skipped as invalid, and why.
    pub first_reject: Option<String>,
    /// Whether the run stopped before its horizon and is suspended in the simulation (a
    /// continue call reads the file on; `slices`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub suspended: bool,
    /// The results file a suspended or continued run appends to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub results_path: Option<String>,
    /// The rejects file a suspended or continued run appends to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejects_path: Option<String>,
}

/// Open `reader` as a feed, attach it to `sim` and run `ticks` ticks (to the horizon with
/// `None`): the start of every fed run, whole ([`run_file`]) or in slices. On an error the
/// simulation no longer taps its events for this file.
pub(super) fn start_and_run<R: Read, W: Write>(
    sim: &mut Simulation,
    reader: R,
    name: &str,
    opts: ImportOptions,
    results: Option<(W, ResultsFormat)>,
    rejects: Option<RejectsWriter>,
    ticks: Option<u64>,
) -> Result<Importer<R, W>, FedError> {
    let feed = PaymentFeed::open(reader, name, opts)?;
    let writer = results.map(|(w, f)| ResultsWriter::new(w, f));
    let mut imp = Importer::start(sim, feed, writer)?;
    imp.rejects = rejects;
    if let Err(e) = imp.run(sim, ticks.unwrap_or(u64::MAX)) {
        sim.events.tap = None;
        return Err(e);
    }
    Ok(imp)
}

/// Run `sim` for `ticks` ticks (to the horizon with `None`) fed from `reader` (`name` names
/// it in problems), results to `results` and skipped rows to `rejects` (CSV or JSON Lines as
/// given). A file rejected up front (header, first day) changes nothing; a bad later day
/// stops the run at that day's start. Either way the simulation no longer taps its events
/// for this file afterwards.
pub fn run_file<R: Read, W: Write>(
    sim: &mut Simulation,
    reader: R,
    name: &str,
    opts: ImportOptions,
    results: Option<(W, ResultsFormat)>,
    rejects: Option<RejectsWriter>,
    ticks: Option<u64>,
) -> Result<FedSummary, FedError> {
    let start = sim.current_tick();
    let imp = start_and_run(sim, reader, name, opts, results, rejects, ticks)?;
    let done = imp.finish(sim).inspect_err(|_| sim.events.tap = None)?;
    let ticks_run = sim.current_tick() - start;
    Ok(FedSummary::of_finished(done, ticks_run, sim.is_finished()))
}

impl FedSummary {
    /// The summary of a run that ended ([`Importer::finish`]): its counts and what it wrote.
    pub(super) fn of_finished<W>(done: Finished<W>, ticks_run: u64, finished: bool) -> Self {
        let s = done.stats;
        FedSummary {
            rows: s.rows,
            payments: s.payments,
            skipped: s.skipped,
            rejected: s.rejected,
            chunks: s.chunks,
            ticks_run,
            finished,
            results_written: done.results_written,
            rejects_written: done.rejects_written,
            first_skip: done.first_skip,
            first_reject: done.first_reject,
            ..FedSummary::default()
        }
    }
}

/// A fed run asked for as JSON (C ABI, Python, REST): where the files are and how to read
/// them. The front end opens the files; the core reads them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedRequest {
    /// The payments file's path.
    pub payments: String,
    /// Its name in problems (default: the path).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// How to read it.
    #[serde(default)]
    pub options: FeedSpec,
    /// Where to write the results (CSV, or JSON Lines for `.jsonl`); none: not written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub results: Option<String>,
    /// Where to write the skipped rows (CSV, or JSON Lines for `.jsonl`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejects: Option<String>,
    /// Ticks to run (default: to the horizon).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticks: Option<u64>,
}

impl FeedRequest {
    /// Read a request; an unknown field or a wrong type is a problem at its path.
    pub fn from_json(text: &str) -> Result<Self, SimError> {
        crate::error::parse_json_at(text, "payments request", SimError::config)
    }

    /// The name problems give the file.
    pub fn file_name(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.payments)
    }
}

/// Read the whole of `reader` and append every payment to `sim`'s schedule at once, or none
/// with every problem (`PaymentFeed::schedule_all`: for a bounded upload). The skipped rows
/// go to `rejects`. No per-payment results are tracked: the payments are scheduled actions.
pub fn schedule_file<R: Read>(
    sim: &mut Simulation,
    reader: R,
    name: &str,
    opts: ImportOptions,
    rejects: Option<RejectsWriter>,
) -> Result<FedSummary, FedError> {
    let mut feed = PaymentFeed::open(reader, name, opts)?;
    feed.schedule_all(sim)?;
    let rejects_written = match rejects {
        Some(mut w) => {
            w.write(&feed.take_rejects()).map_err(FedError::Write)?;
            Some(w.finish().map_err(FedError::Write)?)
        }
        None => None,
    };
    let s = feed.stats();
    Ok(FedSummary {
        rows: s.rows,
        payments: s.payments,
        skipped: s.skipped,
        rejected: s.rejected,
        chunks: 0,
        ticks_run: 0,
        finished: sim.is_finished(),
        results_written: None,
        rejects_written,
        first_skip: feed.first_skip().map(str::to_string),
        first_reject: feed.first_reject().map(str::to_string),
        ..FedSummary::default()
    })
}

/// `sha256:<64 hex digits>` of everything `r` holds, read in blocks (a recording of a fed run
/// names its payments file by it, and a replay refuses a file that changed).
pub fn sha256_of<R: Read>(mut r: R) -> std::io::Result<String> {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = r.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    let hex: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok(format!("sha256:{hex}"))
}
