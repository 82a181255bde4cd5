//! A fed run in slices for the library front ends (C ABI, Python, REST): a run asked to stop
//! before the horizon is suspended into the simulation (`state`: its snapshots hold it),
//! and a continue call goes on reading the file where it stopped, appending to the same
//! results and rejects files, suspending again or finishing at the horizon. The CLI does the
//! same through its state files (`run --save-state` then `tick`). Slices write exactly what
//! an uninterrupted run writes.

use std::io::{Read, Seek, SeekFrom, Write};

use serde::{Deserialize, Serialize};

use super::drive::{FedError, Importer};
use super::options::ImportOptions;
use super::rejects::RejectsWriter;
use super::spec::{sha256_of, start_and_run, FedSummary};
use super::state::FeedSource;
use super::write::ResultsFormat;
use crate::engine::Simulation;
use crate::error::{Problem, SimError};

/// A request to go on with a suspended fed run (`psim_sim_continue_payments`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContinueRequest {
    /// Ticks to run (default: to the horizon); fewer at the horizon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticks: Option<u64>,
}

impl ContinueRequest {
    /// Read a request; an unknown field or a wrong type is a problem at its path.
    pub fn from_json(text: &str) -> Result<Self, SimError> {
        crate::error::parse_json_at(text, "continue request", SimError::config)
    }
}

/// A simulation already holding a suspended fed run does not start another one (its file
/// would never be read on): refused before anything changes.
pub fn check_not_fed(sim: &Simulation) -> Result<(), SimError> {
    match sim.fed_state() {
        None => Ok(()),
        Some(f) => Err(SimError::InvalidArgument(Problem::new(
            "payments",
            format!(
                "this simulation holds a suspended run fed from {}: continue it (psim_sim_continue_payments, Python continue_payments) before feeding another file",
                f.path
            ),
        ))),
    }
}

/// The suspended fed run `sim` holds, to continue; refused when there is none.
pub fn suspended(sim: &Simulation) -> Result<&super::FedState, SimError> {
    if sim.is_finished() {
        return Err(SimError::SimulationFinished {
            horizon: sim.horizon(),
        });
    }
    sim.fed_state().ok_or_else(|| {
        SimError::InvalidArgument(Problem::new(
            "payments",
            "this simulation holds no suspended fed run to continue (a run fed from a payments file with `ticks` stopping before the horizon is suspended)",
        ))
    })
}

/// Whether a run of `ticks` ticks (to the horizon with `None`) from here stops before the
/// horizon — and so is suspended rather than finished.
pub fn stops_early(sim: &Simulation, ticks: Option<u64>) -> bool {
    match ticks {
        None => false,
        Some(t) => sim.current_tick().saturating_add(t) < sim.horizon(),
    }
}

/// Run `sim` fed from `reader` as [`super::run_file`] does, except that a run stopping
/// before the horizon (`ticks`) is suspended into `sim` rather than finished: the payments
/// still held get their results when a [`continue_file`] call sees them end. `source` names
/// the files as a continue call reopens them (absolute paths); its digest is worked out here
/// when the run is to stop early.
#[allow(clippy::too_many_arguments)]
pub fn run_file_sliced<R: Read + Seek, W: Write>(
    sim: &mut Simulation,
    mut reader: R,
    name: &str,
    opts: ImportOptions,
    results: Option<(W, ResultsFormat)>,
    rejects: Option<RejectsWriter>,
    ticks: Option<u64>,
    mut source: FeedSource,
) -> Result<FedSummary, FedError> {
    check_not_fed(sim)?;
    if stops_early(sim, ticks) {
        let read_error = |e: std::io::Error| {
            FedError::Sim(SimError::InvalidArgument(Problem::new(
                "payments",
                format!("payments: cannot read {name:?}: {e}"),
            )))
        };
        source.sha256 = sha256_of(&mut reader).map_err(read_error)?;
        reader.seek(SeekFrom::Start(0)).map_err(read_error)?;
    }
    let start = sim.current_tick();
    let imp = start_and_run(sim, reader, name, opts, results, rejects, ticks)?;
    end_slice(sim, imp, start, source, false)
}

/// Go on with the fed run `sim` holds (suspended by [`run_file_sliced`], or restored from a
/// snapshot of one) for `ticks` ticks or to the horizon: `file` is the payments file opened
/// at its recorded path (the digest must match, else nothing changes), `results` and
/// `rejects` the recorded files opened to append. Suspends again before the horizon. A bad
/// later day stops the run at that day's start, as [`super::run_file`] does, and the run is
/// then no longer fed.
pub fn continue_file<R: Read + Seek, W: Write>(
    sim: &mut Simulation,
    file: R,
    results: Option<W>,
    rejects: Option<Box<dyn Write>>,
    ticks: Option<u64>,
) -> Result<FedSummary, FedError> {
    let source = suspended(sim)?.source();
    let start = sim.current_tick();
    let mut imp = Importer::resume(sim, file, results, rejects)?;
    if let Err(e) = imp.run(sim, ticks.unwrap_or(u64::MAX)) {
        sim.events.tap = None;
        return Err(e);
    }
    end_slice(sim, imp, start, source, true)
}

/// Finish at the horizon, else suspend; the summary of the slice (counts are the run's so
/// far, `ticks_run` this slice's; the output files' paths when suspended or `continued`).
fn end_slice<R: Read, W: Write>(
    sim: &mut Simulation,
    imp: Importer<R, W>,
    start: u64,
    source: FeedSource,
    continued: bool,
) -> Result<FedSummary, FedError> {
    if sim.is_finished() {
        let (results_path, rejects_path) = match continued {
            true => (source.results, source.rejects),
            false => (None, None),
        };
        let done = imp.finish(sim).inspect_err(|_| sim.events.tap = None)?;
        return Ok(FedSummary {
            results_path,
            rejects_path,
            ..FedSummary::of_finished(done, sim.current_tick() - start, true)
        });
    }
    let has_results = imp.results.is_some();
    let has_rejects = imp.rejects.is_some();
    imp.suspend(sim, source)
        .inspect_err(|_| sim.events.tap = None)?;
    let fed = sim.fed_state().expect("just suspended");
    let s = fed.stats;
    Ok(FedSummary {
        rows: s.rows,
        payments: s.payments,
        skipped: s.skipped,
        rejected: s.rejected,
        chunks: s.chunks,
        ticks_run: sim.current_tick() - start,
        finished: false,
        results_written: fed
            .results
            .as_ref()
            .filter(|_| has_results)
            .map(|f| f.written),
        rejects_written: fed
            .rejects
            .as_ref()
            .filter(|_| has_rejects)
            .map(|f| f.written),
        first_skip: fed.first_skip.clone(),
        first_reject: fed.first_reject.clone(),
        suspended: true,
        results_path: fed.results.as_ref().map(|f| f.path.clone()),
        rejects_path: fed.rejects.as_ref().map(|f| f.path.clone()),
    })
}
