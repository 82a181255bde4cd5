//! Running a simulation fed from a payment file: before each business day the feed loads
//! that day's payments; after each run the finished payments' results are written.

use std::io::{Read, Write};

use super::feed::PaymentFeed;
use super::outcomes::Outcomes;
use super::problems::ImportError;
use super::rejects::RejectsWriter;
use super::write::ResultsWriter;
use crate::engine::Simulation;
use crate::error::SimError;
use crate::results::RunSummary;

/// Why a fed run stopped.
#[derive(Debug)]
pub enum FedError {
    /// A chunk of the file was rejected (nothing of it applied; the simulation is as it was
    /// at the start of that chunk's day).
    Input(ImportError),
    /// The engine refused to go on.
    Sim(SimError),
    /// The results could not be written.
    Write(std::io::Error),
}

impl std::fmt::Display for FedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FedError::Input(e) => write!(f, "{e}"),
            FedError::Sim(e) => write!(f, "{e}"),
            FedError::Write(e) => write!(f, "cannot write the results: {e}"),
        }
    }
}

impl std::error::Error for FedError {}

impl From<SimError> for FedError {
    fn from(e: SimError) -> Self {
        FedError::Sim(e)
    }
}

impl From<ImportError> for FedError {
    fn from(e: ImportError) -> Self {
        FedError::Input(e)
    }
}

/// A payment feed, its results tracker and (optionally) a results writer.
pub struct Importer<R: Read, W: Write> {
    /// The file being read.
    pub feed: PaymentFeed<R>,
    /// The imported payments not yet ended.
    pub outcomes: Outcomes,
    /// Where results go (`None`: not written, only counted).
    pub results: Option<ResultsWriter<W>>,
    /// Where skipped rows go (`None`: only counted). Set it right after `start`: the first
    /// day's are kept until the first run.
    pub rejects: Option<RejectsWriter>,
    pub(super) ended: u64,
}

impl<R: Read, W: Write> Importer<R, W> {
    /// Attach `feed` to `sim` and load its current day at once, so that a file rejected up
    /// front (header or first day) fails before anything runs.
    pub fn start(
        sim: &mut Simulation,
        feed: PaymentFeed<R>,
        results: Option<ResultsWriter<W>>,
    ) -> Result<Self, FedError> {
        let outcomes = Outcomes::attach(sim);
        let mut me = Importer {
            feed,
            outcomes,
            results,
            rejects: None,
            ended: 0,
        };
        me.feed
            .load_current_day(sim, Some(&mut me.outcomes))
            .inspect_err(|_| sim.events.tap = None)?;
        Ok(me)
    }

    /// An importer of parts already made (a resumed run).
    pub(super) fn new(
        feed: PaymentFeed<R>,
        outcomes: Outcomes,
        results: Option<ResultsWriter<W>>,
    ) -> Self {
        Importer {
            feed,
            outcomes,
            results,
            rejects: None,
            ended: 0,
        }
    }

    /// Payments whose results are out (written or, without a writer, counted).
    pub fn ended(&self) -> u64 {
        self.ended
    }

    /// Run `ticks` ticks (fewer at the horizon), loading each business day's payments as the
    /// day starts and writing results as payments end.
    pub fn run(&mut self, sim: &mut Simulation, ticks: u64) -> Result<(), FedError> {
        let end = sim.current_tick().saturating_add(ticks).min(sim.horizon());
        while sim.current_tick() < end {
            self.feed.load_current_day(sim, Some(&mut self.outcomes))?;
            self.write_rejects()?;
            let day_end = (sim.current_day() + 1).saturating_mul(sim.ticks_per_day);
            let n = day_end.min(end) - sim.current_tick();
            sim.run(n).map_err(FedError::Sim)?;
            self.outcomes.clock = self.feed.clock();
            let done = self.outcomes.collect(sim);
            self.emit(&done)?;
        }
        Ok(())
    }

    /// Run exactly `ticks` ticks as `Simulation::run` does (more than remain: an error, and
    /// nothing runs), feeding the file, with the ticks' summary (the CLI's `tick`).
    pub fn run_ticks(&mut self, sim: &mut Simulation, ticks: u64) -> Result<RunSummary, FedError> {
        sim.check_run_length(ticks)?;
        let mut summary = RunSummary::default();
        for _ in 0..ticks {
            self.feed.load_current_day(sim, Some(&mut self.outcomes))?;
            self.write_rejects()?;
            let r = sim.tick()?;
            summary.add(&r);
            summary.last = r;
        }
        self.outcomes.clock = self.feed.clock();
        let done = self.outcomes.collect(sim);
        self.emit(&done)?;
        Ok(summary)
    }

    pub(super) fn write_rejects(&mut self) -> Result<(), FedError> {
        let rejects = self.feed.take_rejects();
        if let Some(w) = self.rejects.as_mut() {
            w.write(&rejects).map_err(FedError::Write)?;
        }
        Ok(())
    }

    pub(super) fn emit(&mut self, done: &[super::PaymentOutcome]) -> Result<(), FedError> {
        self.ended += done.len() as u64;
        if let Some(w) = self.results.as_mut() {
            w.start(self.feed.extra_names()).map_err(FedError::Write)?;
            w.write(done).map_err(FedError::Write)?;
        }
        Ok(())
    }

    /// End the run: at the horizon, the rest of the file is checked (every row after it is
    /// outside); every payment still held is written as unsettled; the writer is flushed.
    pub fn finish(mut self, sim: &mut Simulation) -> Result<Finished<W>, FedError> {
        if sim.is_finished() {
            self.feed.finish(sim)?;
        }
        self.write_rejects()?;
        self.outcomes.clock = self.feed.clock();
        let rest = self.outcomes.finish(sim);
        self.emit(&rest)?;
        sim.events.tap = None;
        let results_written = self.results.as_ref().map(ResultsWriter::written);
        let writer = match self.results.take() {
            Some(w) => Some(w.finish().map_err(FedError::Write)?),
            None => None,
        };
        let rejects_written = match self.rejects.take() {
            Some(w) => Some(w.finish().map_err(FedError::Write)?),
            None => None,
        };
        Ok(Finished {
            stats: self.feed.stats(),
            first_skip: self.feed.first_skip().map(str::to_string),
            first_reject: self.feed.first_reject().map(str::to_string),
            rejects_written,
            results_written,
            writer,
        })
    }
}

/// What a finished fed run read and wrote.
#[derive(Debug)]
pub struct Finished<W> {
    /// The feed's counts.
    pub stats: super::FeedStats,
    /// The first skipped row and why.
    pub first_skip: Option<String>,
    /// The first invalid row skipped and why.
    pub first_reject: Option<String>,
    /// Rows written to the rejects file (with a writer).
    pub rejects_written: Option<u64>,
    /// Results written (with a writer).
    pub results_written: Option<u64>,
    /// The writer's output, flushed.
    pub writer: Option<W>,
}
