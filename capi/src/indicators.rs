//! The indicators and the time-series recorder: `psim_sim_indicators_json`,
//! `psim_sim_timeseries_record`, `psim_sim_timeseries_json`. Only translation: the core
//! computes every figure (docs/model.md, "Indicators").

use std::ffi::c_char;

use crate::documents::to_json;
use crate::handle::{psim_sim_t, PsimSim};
use crate::psim_status;
use crate::strings::out_arg;

/// The indicators document: liquidity bounds, the delay indicator, per-participant results
/// and intraday liquidity figures, for the whole run, for the system and per day, with the
/// throughput curves (docs/json.md, "Indicators").
///
/// - `sim`: the handle.
/// - `indicators_json_out`: receives the document, owned by the caller, released with
///   psim_string_free().
///
/// Returns PSIM_STATUS_OK, or: PSIM_STATUS_NULL_ARG; PSIM_STATUS_POISONED; PSIM_STATUS_PANIC.
///
/// NULL: every pointer argument is required; a NULL one returns PSIM_STATUS_NULL_ARG before
/// any work is done, and nothing changes.
/// Thread safety: serialised with every other call on `sim`.
///
/// # Safety
/// `sim` is NULL or a live handle; `indicators_json_out` is NULL or valid for a write.
#[no_mangle]
pub unsafe extern "C" fn psim_sim_indicators_json(
    sim: *const psim_sim_t,
    indicators_json_out: *mut *mut c_char,
) -> psim_status {
    const F: &str = "psim_sim_indicators_json";
    ffi_boundary!("psim_sim_indicators_json", {
        let handle = unsafe { PsimSim::from_ptr(F, "sim", sim) }?;
        let out = out_arg(F, "indicators_json_out", indicators_json_out)?;
        let json = handle.with(F, |s| to_json(&s.indicators()))?;
        unsafe { out.write_string(json) }
    })
}

/// Start the time-series recorder: after every tick that leaves the ticks run a multiple of
/// `every`, it samples each agent's balance, liquidity usage and Queue 1 / Queue 2 count and
/// value. The recorder is part of the snapshot. Asking again with the same `every` changes
/// nothing.
///
/// - `sim`: the handle.
/// - `every`: the sampling interval in ticks, at least 1.
///
/// Returns PSIM_STATUS_OK, or: PSIM_STATUS_NULL_ARG; PSIM_STATUS_INVALID_ARGUMENT (`every`
/// is 0, or the recorder already runs with another interval; nothing changes);
/// PSIM_STATUS_POISONED; PSIM_STATUS_PANIC.
///
/// NULL: `sim` is required; NULL returns PSIM_STATUS_NULL_ARG.
/// Thread safety: serialised with every other call on `sim`.
///
/// # Safety
/// `sim` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn psim_sim_timeseries_record(
    sim: *mut psim_sim_t,
    every: u64,
) -> psim_status {
    const F: &str = "psim_sim_timeseries_record";
    ffi_boundary!("psim_sim_timeseries_record", {
        let handle = unsafe { PsimSim::from_ptr(F, "sim", sim) }?;
        handle.with(F, |s| Ok(s.record_timeseries(every)?))
    })
}

/// A page of the recorded time series, by column (docs/json.md, "Time series"): at most
/// `max_samples` samples from sample `from_sample` on, per agent (one row per agent per
/// sample) and for the system (one row per sample). An empty page when nothing is recorded.
///
/// - `sim`: the handle.
/// - `from_sample`: index of the first sample (0 for the first).
/// - `max_samples`: the most samples to return, at least 1.
/// - `timeseries_json_out`: receives the document, owned by the caller, released with
///   psim_string_free().
///
/// Returns PSIM_STATUS_OK, or: PSIM_STATUS_NULL_ARG; PSIM_STATUS_INVALID_ARGUMENT
/// (`max_samples` is 0; nothing is written); PSIM_STATUS_POISONED; PSIM_STATUS_PANIC.
///
/// NULL: every pointer argument is required; a NULL one returns PSIM_STATUS_NULL_ARG before
/// any work is done, and nothing changes.
/// Thread safety: serialised with every other call on `sim`.
///
/// # Safety
/// `sim` is NULL or a live handle; `timeseries_json_out` is NULL or valid for a write.
#[no_mangle]
pub unsafe extern "C" fn psim_sim_timeseries_json(
    sim: *const psim_sim_t,
    from_sample: u64,
    max_samples: u64,
    timeseries_json_out: *mut *mut c_char,
) -> psim_status {
    const F: &str = "psim_sim_timeseries_json";
    ffi_boundary!("psim_sim_timeseries_json", {
        let handle = unsafe { PsimSim::from_ptr(F, "sim", sim) }?;
        let out = out_arg(F, "timeseries_json_out", timeseries_json_out)?;
        if max_samples == 0 {
            return Err(crate::error::Failure::new(
                psim_status::InvalidArgument,
                format!("{F}: max_samples must be at least 1, got 0"),
            ));
        }
        let json = handle.with(F, |s| to_json(&s.timeseries_page(from_sample, max_samples)))?;
        unsafe { out.write_string(json) }
    })
}
