//! Experiments over the C ABI: psim_experiment_expand_json(), psim_experiment_run_point_json()
//! and psim_experiment_run_json(). The core expands, checks, runs and records
//! (`payment_sim_core::experiment`); this only translates. A host ships single points to any
//! executor with the first two; the third runs every point on the library's threads.

use std::ffi::{c_char, c_void};

use payment_sim_core::experiment::{expand_json, resolve_json, run, Experiment, Plan, Progress};
use payment_sim_core::{Problem, SimError};

use crate::documents::to_json;
use crate::psim_status;
use crate::stress::psim_progress_fn;
use crate::strings::{out_arg, str_arg};

/// The base scenario's text: NULL when the experiment holds its scenario inline.
unsafe fn base_arg<'a>(
    f: &str,
    base: *const c_char,
) -> Result<Option<&'a str>, crate::error::Failure> {
    if base.is_null() {
        return Ok(None);
    }
    // SAFETY: the caller's pointer contract (NUL-terminated, borrowed for the call).
    unsafe { str_arg(f, "base", base) }.map(Some)
}

/// The experiment in `text`, its relative payment-file paths made absolute against the current
/// directory (the host's, as Python's paths are), so that every worker finds the same files.
fn experiment_at_cwd(text: &str) -> Result<Experiment, SimError> {
    let mut exp = Experiment::from_text(text)?;
    if let Ok(dir) = std::env::current_dir() {
        exp.resolve_paths(&dir);
    }
    Ok(exp)
}

/// [`Plan::new`] of the experiment in `text` ([`experiment_at_cwd`]).
fn plan(text: &str, base: Option<&str>, allow_large: bool) -> Result<Plan, SimError> {
    Plan::new(&experiment_at_cwd(text)?, base, allow_large)
}

/// Expand an experiment into its points and check every point; return the points.
///
/// - `experiment`: an experiment document (docs/experiments.md), JSON or YAML;
///   NUL-terminated UTF-8, borrowed for the call.
/// - `base`: NULL when the experiment's `scenario` is a mapping; otherwise the text of the
///   file its `scenario` names (the library does not read it), JSON or YAML. Payment files
///   (`payments`) are read by path, relative ones from the current directory.
/// - `allow_large`: non-zero accepts more points than the limit (as `allow_large: true`).
/// - `points_json_out`: receives `{"axes": [names], "count": N, "points": [{"index": i,
///   "values": {axis: value}}]}`, points in their fixed order; release with psim_string_free().
///
/// Returns PSIM_STATUS_OK, or PSIM_STATUS_NULL_ARG, PSIM_STATUS_INVALID_UTF8,
/// PSIM_STATUS_INVALID_JSON, PSIM_STATUS_INVALID_CONFIG (every problem in
/// psim_last_error_json(), naming the axis and value: `axes[1]`, `seeds`, `scenario.…`),
/// PSIM_STATUS_PANIC.
/// Thread safety: safe from any thread.
///
/// # Safety
/// `experiment` is NULL or NUL-terminated; `base` is NULL or NUL-terminated;
/// `points_json_out` is NULL or valid for a write.
#[no_mangle]
pub unsafe extern "C" fn psim_experiment_expand_json(
    experiment: *const c_char,
    base: *const c_char,
    allow_large: u8,
    points_json_out: *mut *mut c_char,
) -> psim_status {
    const F: &str = "psim_experiment_expand_json";
    ffi_boundary!("psim_experiment_expand_json", {
        // SAFETY (these blocks): the pointer contracts documented above.
        let experiment = unsafe { str_arg(F, "experiment", experiment) }?;
        let base = unsafe { base_arg(F, base) }?;
        let out = out_arg(F, "points_json_out", points_json_out)?;
        let plan = plan(experiment, base, allow_large != 0)?;
        unsafe { out.write_string(expand_json(&plan)?) }
    })
}

/// Run point `index` of an experiment and return its record (docs/experiments.md § Records):
/// the point, `status` `ok` with the system and participant figures, or `failed` with the
/// reason (a point the bounds' first pass cannot resolve). The same record whatever process
/// or thread runs it.
///
/// - `experiment`, `base`: as for psim_experiment_expand_json() (the point limit is not
///   judged here: expansion judged it).
/// - `index`: 0 ≤ index < count.
/// - `record_json_out`: receives the record; release with psim_string_free().
///
/// Returns PSIM_STATUS_OK (also for a `failed` record), or PSIM_STATUS_NULL_ARG,
/// PSIM_STATUS_INVALID_UTF8, PSIM_STATUS_INVALID_JSON, PSIM_STATUS_INVALID_CONFIG (the
/// experiment), PSIM_STATUS_INVALID_ARGUMENT (`index` out of range), PSIM_STATUS_PANIC.
/// Thread safety: safe from any thread, concurrently.
///
/// # Safety
/// As for psim_experiment_expand_json(); `record_json_out` is NULL or valid for a write.
#[no_mangle]
pub unsafe extern "C" fn psim_experiment_run_point_json(
    experiment: *const c_char,
    base: *const c_char,
    index: u64,
    record_json_out: *mut *mut c_char,
) -> psim_status {
    const F: &str = "psim_experiment_run_point_json";
    ffi_boundary!("psim_experiment_run_point_json", {
        // SAFETY (these blocks): the pointer contracts documented above.
        let experiment = unsafe { str_arg(F, "experiment", experiment) }?;
        let base = unsafe { base_arg(F, base) }?;
        let out = out_arg(F, "record_json_out", record_json_out)?;
        let plan = plan(experiment, base, true)?;
        let n = plan.len();
        let i =
            usize::try_from(index)
                .ok()
                .filter(|&i| i < n)
                .ok_or_else(|| {
                    SimError::InvalidArgument(
                Problem::new(
                    "index",
                    format!("index must be below the {n} points of the experiment (got {index})"),
                )
                .with_value(index),
            )
                })?;
        unsafe { out.write_string(to_json(&plan.run_point(i))?) }
    })
}

/// Expand, check and run every point of an experiment on `threads` threads (0 = the machine's
/// available parallelism) and return `{"axes": [names], "records": [record, …]}`, records in
/// point order — the same bytes whatever `threads`. `progress` (may be NULL) is called as
/// points finish, on the calling thread, as for psim_stress_run().
///
/// Returns as psim_experiment_expand_json(); a point that fails is a `failed` record, not an
/// error.
///
/// # Safety
/// As for psim_experiment_expand_json(); `progress`, if not NULL, is called with `user_data`
/// during the call; `records_json_out` is NULL or valid for a write.
#[no_mangle]
pub unsafe extern "C" fn psim_experiment_run_json(
    experiment: *const c_char,
    base: *const c_char,
    allow_large: u8,
    threads: u32,
    progress: psim_progress_fn,
    user_data: *mut c_void,
    records_json_out: *mut *mut c_char,
) -> psim_status {
    const F: &str = "psim_experiment_run_json";
    ffi_boundary!("psim_experiment_run_json", {
        // SAFETY (these blocks): the pointer contracts documented above.
        let experiment = unsafe { str_arg(F, "experiment", experiment) }?;
        let base = unsafe { base_arg(F, base) }?;
        let out = out_arg(F, "records_json_out", records_json_out)?;
        let plan = plan(experiment, base, allow_large != 0)?;
        let report_progress = |p: Progress| {
            if let Some(f) = progress {
                // SAFETY: the caller's callback with its data, on the calling thread.
                unsafe { f(p.done as u64, p.total as u64, user_data) }
            }
        };
        let threads = (threads > 0).then_some(threads as usize);
        let records = run(&plan, threads, Some(&report_progress))?;
        #[derive(serde::Serialize)]
        struct Out<'a> {
            axes: Vec<String>,
            records: &'a [payment_sim_core::experiment::RunRecord],
        }
        let doc = Out {
            axes: plan.axis_names(),
            records: &records,
        };
        unsafe { out.write_string(to_json(&doc)?) }
    })
}

/// The experiment as one JSON document with its base scenario inline: what a host ships to its
/// workers (each then reads JSON, not the base's YAML, for every point it runs). The same
/// points and records as the experiment with its base.
///
/// - `experiment`, `base`: as for psim_experiment_expand_json().
/// - `experiment_json_out`: receives the document; release with psim_string_free().
///
/// Returns PSIM_STATUS_OK, or PSIM_STATUS_NULL_ARG, PSIM_STATUS_INVALID_UTF8,
/// PSIM_STATUS_INVALID_JSON, PSIM_STATUS_INVALID_CONFIG (`scenario`), PSIM_STATUS_PANIC.
///
/// # Safety
/// As for psim_experiment_expand_json(); `experiment_json_out` is NULL or valid for a write.
#[no_mangle]
pub unsafe extern "C" fn psim_experiment_resolve_json(
    experiment: *const c_char,
    base: *const c_char,
    experiment_json_out: *mut *mut c_char,
) -> psim_status {
    const F: &str = "psim_experiment_resolve_json";
    ffi_boundary!("psim_experiment_resolve_json", {
        // SAFETY (these blocks): the pointer contracts documented above.
        let experiment = unsafe { str_arg(F, "experiment", experiment) }?;
        let base = unsafe { base_arg(F, base) }?;
        let out = out_arg(F, "experiment_json_out", experiment_json_out)?;
        let exp = experiment_at_cwd(experiment)?;
        unsafe { out.write_string(resolve_json(&exp, base)?) }
    })
}
