//! `psim_sim_run_payments`: run a simulation fed from a payment file (CSV or JSON Lines), the
//! per-payment results and the skipped rows written to files. The request's fields, the
//! reading rules and every message are the core's (`import::FeedRequest`, `import::run_file`);
//! this file opens the files.

use std::ffi::c_char;
use std::fs::File;
use std::io::BufWriter;

use payment_sim_core::import::{
    check_not_fed, run_file_sliced, schedule_file, FedError, FeedRequest, FeedSource, PendingFile,
    PendingGuard, RejectsWriter, ResultsFormat,
};
use payment_sim_core::{Problem, SimError};

use crate::documents::to_json;
use crate::error::Failure;
use crate::handle::{psim_sim_t, PsimSim};
use crate::psim_status;
use crate::strings::{out_arg, str_arg};

/// A path as a later call (or a restored snapshot elsewhere) reopens it.
pub(crate) fn absolute(path: &str) -> String {
    std::path::absolute(path)
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| path.to_string())
}

pub(crate) fn io_failure(field: &str, path: &str, what: &str, e: &std::io::Error) -> Failure {
    Failure::from(SimError::InvalidArgument(Problem::new(
        field,
        format!("{field}: cannot {what} {path:?}: {e}"),
    )))
}

/// The output files of one call, opened before the run (an unwritable path fails then) but
/// emptied only when the run writes to them: a payments file refused up front loses nothing
/// (`import::PendingFile`).
#[derive(Default)]
struct Outputs(Vec<(PendingGuard, &'static str, String)>);

impl Outputs {
    fn open(
        &mut self,
        field: &'static str,
        path: &str,
    ) -> Result<(BufWriter<PendingFile>, ResultsFormat), Failure> {
        let (f, guard) =
            PendingFile::open(path).map_err(|e| io_failure(field, path, "create", &e))?;
        self.0.push((guard, field, path.to_string()));
        Ok((
            BufWriter::with_capacity(1 << 16, f),
            ResultsFormat::from_path(path),
        ))
    }

    fn rejects(&mut self, path: Option<&str>) -> Result<Option<RejectsWriter>, Failure> {
        let Some(p) = path else { return Ok(None) };
        let (w, f) = self.open("rejects", p)?;
        Ok(Some(RejectsWriter::new(Box::new(w), f)))
    }

    /// The call's outcome, the files kept (it went ahead) or, dropped, left as they were
    /// (refused).
    fn settle<T>(self, outcome: Result<T, Failure>) -> Result<T, Failure> {
        let v = outcome?;
        for (guard, field, path) in self.0 {
            guard
                .keep()
                .map_err(|e| io_failure(field, &path, "write", &e))?;
        }
        Ok(v)
    }
}

/// Run a simulation fed from a payment file.
///
/// - `sim`: the handle.
/// - `request_json`: `{"payments": PATH, "name"?: TEXT, "options"?: {"format", "columns",
///   "delimiter", "business_day", "tick_seconds", "start_date", "on_outside",
///   "on_invalid"}, "results"?: PATH, "rejects"?: PATH, "ticks"?: N}` (docs/model.md §
///   Payment files), borrowed. The file is read a business day at a time as the run
///   advances, for `ticks` ticks or to the horizon. A run stopping before the horizon is
///   suspended in the simulation (its snapshots hold it; psim_sim_tick and psim_sim_run
///   refuse it): psim_sim_continue_payments() goes on reading the file.
/// - `summary_json_out`: receives `{"rows", "payments", "skipped", "rejected", "chunks",
///   "ticks_run", "finished", "results_written", "rejects_written", "first_skip",
///   "first_reject"}` — with `"suspended": true` and the `"results_path"` and
///   `"rejects_path"` a continue call appends to when suspended — owned by the caller,
///   released with psim_string_free().
///
/// Returns PSIM_STATUS_OK, or: PSIM_STATUS_NULL_ARG; PSIM_STATUS_INVALID_UTF8;
/// PSIM_STATUS_INVALID_JSON; PSIM_STATUS_INVALID_CONFIG (an unknown or mistyped field or
/// option, or the file breaks a rule: psim_last_error_json() lists the problems, each with
/// the path `FILE:LINE:COLUMN`; a file rejected up front — header or first business day —
/// changed nothing, a bad later day stopped the run at that day's start);
/// PSIM_STATUS_INVALID_ARGUMENT (a file cannot be opened, created or written: the path
/// `payments`, `results` or `rejects`; or the simulation holds a suspended fed run, path
/// `payments`); PSIM_STATUS_SIMULATION_FINISHED; PSIM_STATUS_POISONED; PSIM_STATUS_PANIC.
///
/// NULL: every pointer argument is required; a NULL one returns PSIM_STATUS_NULL_ARG before
/// any work is done, and nothing changes.
/// Thread safety: serialised with every other call on `sim` (the whole run holds the lock).
///
/// # Safety
/// `sim` is NULL or a live handle; `request_json` is NULL or a NUL-terminated string;
/// `summary_json_out` is NULL or valid for a write.
#[no_mangle]
pub unsafe extern "C" fn psim_sim_run_payments(
    sim: *mut psim_sim_t,
    request_json: *const c_char,
    summary_json_out: *mut *mut c_char,
) -> psim_status {
    const F: &str = "psim_sim_run_payments";
    ffi_boundary!("psim_sim_run_payments", {
        // SAFETY (all blocks): the pointer contracts documented above.
        let handle = unsafe { PsimSim::from_ptr(F, "sim", sim) }?;
        let text = unsafe { str_arg(F, "request_json", request_json) }?;
        let out = out_arg(F, "summary_json_out", summary_json_out)?;
        let request = FeedRequest::from_json(text)?;
        let name = request.file_name().to_string();
        let opts = request.options.options(&name)?;
        let summary = handle.with(F, |s| {
            if s.is_finished() {
                return Err(SimError::SimulationFinished {
                    horizon: s.horizon(),
                }
                .into());
            }
            // Before any file is created: a suspended run's own files stay as they are.
            check_not_fed(s)?;
            let file = File::open(&request.payments)
                .map_err(|e| io_failure("payments", &request.payments, "open", &e))?;
            let mut outputs = Outputs::default();
            let run = (|| {
                let results = match request.results.as_deref() {
                    Some(p) => Some(outputs.open("results", p)?),
                    None => None,
                };
                let rejects = outputs.rejects(request.rejects.as_deref())?;
                // A run stopping before the horizon is suspended; a continue call reopens these.
                let source = FeedSource {
                    path: absolute(&request.payments),
                    sha256: String::new(),
                    options: request.options.clone(),
                    results: request.results.as_deref().map(absolute),
                    rejects: request.rejects.as_deref().map(absolute),
                };
                run_file_sliced(
                    s,
                    file,
                    &name,
                    opts,
                    results,
                    rejects,
                    request.ticks,
                    source,
                )
                .map_err(fed_failure)
            })();
            outputs.settle(run)
        })?;
        let json = to_json(&summary)?;
        unsafe { out.write_string(json) }
    })
}

pub(crate) fn fed_failure(e: FedError) -> Failure {
    match e {
        FedError::Input(e) => Failure::from(SimError::from(e)),
        FedError::Sim(e) => Failure::from(e),
        FedError::Write(e) => Failure::from(SimError::InvalidArgument(Problem::new(
            "rejects",
            format!("cannot write the rejects: {e}"),
        ))),
    }
}

/// Schedule every payment of a payment file at once (a bounded upload): the whole file is
/// read and checked, then all its payments are appended to the schedule as `payment`
/// actions — or none.
///
/// - `sim`: the handle.
/// - `request_json`: as for psim_sim_run_payments() without `results` and `ticks`
///   (`{"payments": PATH, "name"?, "options"?, "rejects"?}`), borrowed. Duplicate ids are
///   checked per business day; rows before the current tick or at or after the horizon are
///   outside the simulated time.
/// - `summary_json_out`: receives the summary (`rows`, `payments` scheduled, `skipped`,
///   `rejected`, `rejects_written`, `first_skip`, `first_reject`; `chunks` and `ticks_run`
///   0), owned by the caller, released with psim_string_free().
///
/// Returns PSIM_STATUS_OK, or: PSIM_STATUS_NULL_ARG; PSIM_STATUS_INVALID_UTF8;
/// PSIM_STATUS_INVALID_JSON; PSIM_STATUS_INVALID_CONFIG (an unknown or mistyped field or
/// option, or the file breaks a rule: psim_last_error_json() lists the problems, paths
/// `FILE:LINE:COLUMN`; nothing was scheduled); PSIM_STATUS_INVALID_ARGUMENT (`results` or
/// `ticks` given, or a file cannot be opened or written); PSIM_STATUS_SIMULATION_FINISHED;
/// PSIM_STATUS_POISONED; PSIM_STATUS_PANIC.
///
/// NULL: every pointer argument is required; a NULL one returns PSIM_STATUS_NULL_ARG before
/// any work is done, and nothing changes.
/// Thread safety: serialised with every other call on `sim`.
///
/// # Safety
/// `sim` is NULL or a live handle; `request_json` is NULL or a NUL-terminated string;
/// `summary_json_out` is NULL or valid for a write.
#[no_mangle]
pub unsafe extern "C" fn psim_sim_schedule_payments(
    sim: *mut psim_sim_t,
    request_json: *const c_char,
    summary_json_out: *mut *mut c_char,
) -> psim_status {
    const F: &str = "psim_sim_schedule_payments";
    ffi_boundary!("psim_sim_schedule_payments", {
        // SAFETY (all blocks): the pointer contracts documented above.
        let handle = unsafe { PsimSim::from_ptr(F, "sim", sim) }?;
        let text = unsafe { str_arg(F, "request_json", request_json) }?;
        let out = out_arg(F, "summary_json_out", summary_json_out)?;
        let request = FeedRequest::from_json(text)?;
        for (set, field) in [
            (request.results.is_some(), "results"),
            (request.ticks.is_some(), "ticks"),
        ] {
            if set {
                Err::<(), Failure>(Failure::from(SimError::InvalidArgument(Problem::new(
                    field,
                    format!("{field}: a scheduled file runs no ticks and writes no results"),
                ))))?;
            }
        }
        let name = request.file_name().to_string();
        let opts = request.options.options(&name)?;
        let summary = handle.with(F, |s| {
            if s.is_finished() {
                return Err(SimError::SimulationFinished {
                    horizon: s.horizon(),
                }
                .into());
            }
            let file = File::open(&request.payments)
                .map_err(|e| io_failure("payments", &request.payments, "open", &e))?;
            let mut outputs = Outputs::default();
            let scheduled = outputs
                .rejects(request.rejects.as_deref())
                .and_then(|rejects| {
                    schedule_file(s, file, &name, opts, rejects).map_err(fed_failure)
                });
            outputs.settle(scheduled)
        })?;
        let json = to_json(&summary)?;
        unsafe { out.write_string(json) }
    })
}
