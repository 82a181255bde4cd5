//! A fed run in a snapshot (`payments`, snapshot v6): the payments file by path and SHA-256,
//! its reading options, where reading resumes (the byte offset and line of the next row to
//! read), the feed's counts, the results and rejects files and how much each holds, and the
//! imported payments whose results are still to come (with the schedule entries that carry
//! their result tags). [`Importer::suspend`] puts it in the simulation; [`Importer::resume`]
//! checks the file's digest and goes on reading where the run stopped, so a run suspended
//! and resumed writes exactly what an uninterrupted one writes.
//!
//! These are document types, not the feed's own (they are written as they are here).

use std::io::{Read, Seek, SeekFrom, Write};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::carried::Carried;
use super::drive::{FedError, Importer};
use super::feed::{FeedStats, PaymentFeed, Saved};
use super::outcomes::{LiveParts, Outcomes, PartOutcome};
use super::problems::ImportError;
use super::rejects::RejectsWriter;
use super::spec::{sha256_of, FeedSpec};
use super::time::{civil, parse_date};
use super::validate::Payment;
use super::write::{ResultsFormat, ResultsWriter};
use crate::engine::Simulation;
use crate::error::{Problem, SimError};
use crate::events::Mechanism;

/// A fed run as a snapshot keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FedState {
    /// The payments file, as the front end opened it.
    pub path: String,
    /// `sha256:<hex>` of the whole file: a resume refuses any other content.
    pub sha256: String,
    /// How it is read.
    #[serde(default)]
    pub options: FeedSpec,
    /// Where reading resumes (absent: the file has been read to its end).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resume_at: Option<ReadPosition>,
    /// The tag (ordinal) the next payment read gets.
    pub next_tag: u64,
    /// Day 0's business date, once known (a file with times).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_date: Option<String>,
    /// The last business day loaded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loaded_day: Option<u64>,
    /// Whether the file has ticks (else times), once known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_ticks: Option<bool>,
    /// The file's extra columns, carried to the results.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra_names: Vec<String>,
    /// The feed's counts so far.
    pub stats: FeedStats,
    /// The first row skipped as outside, and why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_skip: Option<String>,
    /// The first row skipped as invalid, and why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_reject: Option<String>,
    /// Payments whose results are out.
    pub ended: u64,
    /// The results file and the results it holds (absent: results not written).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub results: Option<OutputFile>,
    /// The rejects file and the rows it holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejects: Option<OutputFile>,
    /// Payments loaded and scheduled, not yet created, in tag order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub waiting: Vec<WaitingPayment>,
    /// Payments created and not yet ended, by transaction number.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub live: Vec<LivePayment>,
}

/// Where reading resumes: the next row's first byte and its line (1-based; a CSV header is
/// line 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReadPosition {
    /// Byte offset in the file.
    pub byte: u64,
    /// Line number.
    pub line: u64,
}

/// An output file of a fed run and how much of it is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutputFile {
    /// Its path (CSV, or JSON Lines for `.jsonl`).
    pub path: String,
    /// Records written so far.
    pub written: u64,
}

/// One imported payment as read and checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PaymentDoc {
    /// Its ordinal in the file.
    pub tag: u64,
    /// The user's id.
    pub id: String,
    /// Its line.
    pub line: u64,
    /// Its arrival tick as read.
    pub tick: u64,
    /// Sender (agent index).
    pub sender: u32,
    /// Receiver (agent index).
    pub receiver: u32,
    /// Cents.
    pub amount: i64,
    /// Ticks from arrival to deadline.
    pub deadline_offset: u64,
    /// Priority.
    pub priority: u8,
    /// Ticks from arrival to the from-time (absent: 0, none).
    #[serde(default, skip_serializing_if = "is_zero_u64")]
    pub from_offset: u64,
    /// The extra columns' values.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extras: Vec<Value>,
}

/// A payment scheduled and not yet created: its schedule entry's sequence number (the entry's
/// tick is the payment's).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaitingPayment {
    /// The schedule entry's sequence number.
    pub seq: u64,
    /// The payment.
    pub payment: PaymentDoc,
}

/// A payment created and not yet ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LivePayment {
    /// The payment.
    pub payment: PaymentDoc,
    /// Its transaction number (`Tn`).
    pub tx: u64,
    /// The tick it arrived.
    pub arrival_tick: u64,
    /// Its parts once split (0: not split).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub parts: u32,
    /// The parts ended so far.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ended: Vec<PartDoc>,
}

/// A part that ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartDoc {
    /// `Tn.k`.
    pub tx: String,
    /// The tick it ended.
    pub tick: u64,
    /// How it settled (absent: dropped).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mechanism: Option<Mechanism>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

fn is_zero_u64(n: &u64) -> bool {
    *n == 0
}

/// Where a fed run's files are, as the front end names them (to suspend a run).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct FeedSource {
    /// The payments file's path.
    pub path: String,
    /// Its digest (`sha256_of`).
    pub sha256: String,
    /// How it is read.
    pub options: FeedSpec,
    /// The results file's path, if results are written.
    pub results: Option<String>,
    /// The rejects file's path, if rejects are written.
    pub rejects: Option<String>,
}

fn to_doc(p: &Payment) -> PaymentDoc {
    PaymentDoc {
        tag: p.tag,
        id: p.carried.id_string(),
        line: p.line,
        tick: p.tick,
        sender: p.sender,
        receiver: p.receiver,
        amount: p.amount,
        deadline_offset: p.deadline_offset,
        priority: p.priority,
        from_offset: p.from_offset,
        extras: p.carried.extras(),
    }
}

fn from_doc(d: PaymentDoc) -> Payment {
    Payment {
        tag: d.tag,
        carried: Carried::from_values(&d.id, &d.extras),
        line: d.line,
        tick: d.tick,
        sender: d.sender,
        receiver: d.receiver,
        amount: d.amount,
        deadline_offset: d.deadline_offset,
        priority: d.priority,
        from_offset: d.from_offset,
    }
}

fn bad(path: String, message: String) -> SimError {
    SimError::InvalidConfig(vec![Problem::new(
        format!("payments.{path}"),
        format!("snapshot: payments.{path}: {message}"),
    )])
}

impl FedState {
    /// Where the run reads and writes, as a suspension records it: the same file, digest,
    /// options and output files (a run suspended again after a continue).
    pub fn source(&self) -> FeedSource {
        FeedSource {
            path: self.path.clone(),
            sha256: self.sha256.clone(),
            options: self.options.clone(),
            results: self.results.as_ref().map(|f| f.path.clone()),
            rejects: self.rejects.as_ref().map(|f| f.path.clone()),
        }
    }

    /// Check what a snapshot holds against the simulation it restores into (agents, the
    /// schedule entries of the waiting payments) and give those entries their result tags.
    /// Nothing else of the simulation is touched.
    pub(crate) fn install_tags(&self, sim: &mut Simulation) -> Result<(), SimError> {
        let agents = sim.ids.len() as u32;
        let payments = self
            .waiting
            .iter()
            .map(|w| &w.payment)
            .chain(self.live.iter().map(|l| &l.payment));
        for (i, p) in payments.enumerate() {
            if p.sender >= agents || p.receiver >= agents || p.sender == p.receiver {
                return Err(bad(
                    format!("payment {i}"),
                    format!(
                        "sender {} / receiver {} is not a pair of {agents} agents",
                        p.sender, p.receiver
                    ),
                ));
            }
        }
        if self.options.options(&self.path).is_err() {
            return Err(bad("options".into(), "not valid reading options".into()));
        }
        for (i, w) in self.waiting.iter().enumerate() {
            if !sim
                .schedule
                .tag_payment(w.payment.tick, w.seq, w.payment.tag)
            {
                return Err(bad(
                    format!("waiting[{i}]"),
                    format!(
                        "no scheduled payment at tick {} with sequence number {}",
                        w.payment.tick, w.seq
                    ),
                ));
            }
        }
        Ok(())
    }
}

impl Simulation {
    /// A suspended fed run is not ticked on its own: the rest of its file would never be read.
    pub(crate) fn check_not_suspended(&self) -> Result<(), SimError> {
        match &self.fed {
            None => Ok(()),
            Some(f) => Err(SimError::InvalidArgument(Problem::new(
                "payments",
                format!(
                    "this simulation is fed from the payments file {}: continue it through the importer, which reads the file on (CLI `tick` on its state file, C psim_sim_continue_payments, Python continue_payments)",
                    f.path
                ),
            ))),
        }
    }

    /// The payments file this simulation is fed from, when it holds a suspended fed run (a
    /// restored snapshot of one): continue it with [`Importer::resume`].
    pub fn fed_state(&self) -> Option<&FedState> {
        self.fed.as_deref()
    }
}

impl<R: Read, W: Write> Importer<R, W> {
    /// Stop here and put the fed run into `sim` (its snapshots then hold it): the results of
    /// the payments ended so far are written and the files flushed, nothing is written for
    /// the payments still held (a resume writes them as they end). Returns the results
    /// writer's output, flushed.
    pub fn suspend(
        mut self,
        sim: &mut Simulation,
        source: FeedSource,
    ) -> Result<Option<W>, FedError> {
        self.outcomes.clock = self.feed.clock();
        let done = self.outcomes.collect(sim);
        self.emit(&done)?;
        self.write_rejects()?;
        let (results, out) = match self.results.take() {
            Some(w) => {
                let written = w.written();
                let out = w.finish().map_err(FedError::Write)?;
                let file = source
                    .results
                    .clone()
                    .map(|path| OutputFile { path, written });
                (file, Some(out))
            }
            None => (None, None),
        };
        let rejects = match self.rejects.as_mut() {
            Some(w) => {
                w.flush().map_err(FedError::Write)?;
                let written = w.written();
                source
                    .rejects
                    .clone()
                    .map(|path| OutputFile { path, written })
            }
            None => None,
        };
        let mut tags = sim.schedule.payment_tags();
        tags.sort_unstable();
        let waiting = self
            .outcomes
            .waiting_by_tag()
            .into_iter()
            .map(|p| {
                let k = tags.binary_search_by_key(&p.tag, |t| t.0);
                let seq = k.map(|k| tags[k].2).map_err(|_| {
                    FedError::Sim(bad(
                        "waiting".into(),
                        format!(
                            "payment {:?} is neither scheduled nor created",
                            p.carried.id()
                        ),
                    ))
                })?;
                Ok(WaitingPayment {
                    seq,
                    payment: to_doc(p),
                })
            })
            .collect::<Result<Vec<_>, FedError>>()?;
        let live = self
            .outcomes
            .live_by_tx()
            .into_iter()
            .map(|(pay, tx, arrival_tick, parts, ended)| LivePayment {
                payment: to_doc(&pay),
                tx,
                arrival_tick,
                parts,
                ended: ended
                    .into_iter()
                    .map(|e| PartDoc {
                        tx: e.tx,
                        tick: e.tick,
                        mechanism: e.mechanism,
                    })
                    .collect(),
            })
            .collect();
        let Saved {
            resume_at,
            next_tag,
            start_date,
            loaded,
            has_ticks,
            extra_names,
            stats,
            first_skip,
            first_reject,
        } = self.feed.saved();
        sim.events.tap = None;
        sim.fed = Some(Box::new(FedState {
            path: source.path,
            sha256: source.sha256,
            options: source.options,
            resume_at: resume_at.map(|(byte, line)| ReadPosition { byte, line }),
            next_tag,
            start_date: start_date.map(civil),
            loaded_day: loaded,
            has_ticks,
            extra_names,
            stats,
            first_skip,
            first_reject,
            ended: self.ended,
            results,
            rejects,
            waiting,
            live,
        }));
        Ok(out)
    }
}

impl<R: Read + Seek, W: Write> Importer<R, W> {
    /// Go on with the fed run `sim` holds (see [`Simulation::fed_state`]), reading `file`
    /// (opened at the recorded path), appending results to `results` and skipped rows to
    /// `rejects` (the recorded files, opened to append). The file must be the one the run
    /// read (same SHA-256), else nothing changes and the error says so.
    pub fn resume(
        sim: &mut Simulation,
        mut file: R,
        results: Option<W>,
        rejects: Option<Box<dyn Write>>,
    ) -> Result<Self, FedError> {
        let Some(state) = sim.fed.as_deref() else {
            return Err(FedError::Sim(SimError::InvalidArgument(Problem::new(
                "payments",
                "this simulation is not fed from a payments file",
            ))));
        };
        let state = state.clone();
        let problem = |message: String| {
            FedError::Input(ImportError {
                problems: vec![Problem::new(state.path.clone(), message)],
                total: 1,
            })
        };
        let read_error = |e: std::io::Error| problem(format!("cannot read {}: {e}", state.path));
        let digest = sha256_of(&mut file).map_err(read_error)?;
        if digest != state.sha256 {
            return Err(problem(format!(
                "{} has changed since the run was saved ({} then, {digest} now): a fed run continues only with the same file",
                state.path, state.sha256
            )));
        }
        file.seek(SeekFrom::Start(0)).map_err(read_error)?;
        let opts = state.options.options(&state.path)?;
        let start_date = match &state.start_date {
            Some(d) => Some(
                parse_date(d)
                    .ok_or_else(|| bad("start_date".into(), format!("{d:?} is not YYYY-MM-DD")))?,
            ),
            None => None,
        };
        let saved = Saved {
            resume_at: state.resume_at.map(|p| (p.byte, p.line)),
            next_tag: state.next_tag,
            start_date,
            loaded: state.loaded_day,
            has_ticks: state.has_ticks,
            extra_names: state.extra_names.clone(),
            stats: state.stats,
            first_skip: state.first_skip.clone(),
            first_reject: state.first_reject.clone(),
        };
        let feed = PaymentFeed::resume(file, &state.path, opts, saved)?;
        let results = match (results, &state.results) {
            (Some(w), Some(f)) => Some(ResultsWriter::resume(
                w,
                ResultsFormat::from_path(&f.path),
                &state.extra_names,
                f.written,
            )),
            _ => None,
        };
        let rejects = match (rejects, &state.rejects) {
            (Some(w), Some(f)) => Some(RejectsWriter::resume(
                w,
                ResultsFormat::from_path(&f.path),
                f.written,
            )),
            _ => None,
        };
        let waiting = state
            .waiting
            .into_iter()
            .map(|w| from_doc(w.payment))
            .collect();
        let live: Vec<LiveParts> = state
            .live
            .into_iter()
            .map(|l| {
                let ended = l
                    .ended
                    .into_iter()
                    .map(|e| PartOutcome {
                        tx: e.tx,
                        tick: e.tick,
                        mechanism: e.mechanism,
                    })
                    .collect();
                (from_doc(l.payment), l.tx, l.arrival_tick, l.parts, ended)
            })
            .collect();
        let mut outcomes = Outcomes::restored(waiting, live);
        outcomes.clock = feed.clock();
        sim.events.tap.get_or_insert_with(Vec::new);
        sim.fed = None;
        let mut me = Importer::new(feed, outcomes, results);
        me.rejects = rejects;
        me.ended = state.ended;
        Ok(me)
    }
}
