//! The schedule of timed inputs: `psim_sim_schedule` appends actions, `psim_sim_schedule_json`
//! lists what is pending. The rules, their messages and the document shapes are the core's
//! (docs/model.md, "Scheduled actions"; docs/json.md, "Schedule").

use std::ffi::c_char;

use crate::documents::to_json;
use crate::handle::{psim_sim_t, PsimSim};
use crate::psim_status;
use crate::strings::{out_arg, str_arg};

/// Append scheduled actions to a live simulation, all or nothing.
///
/// - `sim`: the handle.
/// - `schedule_json`: `{"scenario_events": [...]}` or the bare list of actions (docs/json.md,
///   "Schedule"), borrowed.
///
/// Returns PSIM_STATUS_OK, or: PSIM_STATUS_NULL_ARG; PSIM_STATUS_INVALID_UTF8;
/// PSIM_STATUS_INVALID_JSON; PSIM_STATUS_INVALID_CONFIG (any action breaks a rule: unknown
/// agent, tick in the past or beyond the horizon, inverted or overlapping window, bad rate,
/// zero amount, …; psim_last_error_json() lists every problem with its path
/// `scenario_events[i].field`, and the simulation is unchanged);
/// PSIM_STATUS_SIMULATION_FINISHED; PSIM_STATUS_POISONED; PSIM_STATUS_PANIC.
///
/// NULL: every pointer argument is required; a NULL one returns PSIM_STATUS_NULL_ARG before
/// any work is done, and nothing changes.
/// Thread safety: serialised with every other call on `sim`.
///
/// # Safety
/// `sim` is NULL or a live handle; `schedule_json` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn psim_sim_schedule(
    sim: *mut psim_sim_t,
    schedule_json: *const c_char,
) -> psim_status {
    const F: &str = "psim_sim_schedule";
    ffi_boundary!("psim_sim_schedule", {
        // SAFETY (both blocks): the pointer contracts documented above.
        let handle = unsafe { PsimSim::from_ptr(F, "sim", sim) }?;
        let text = unsafe { str_arg(F, "schedule_json", schedule_json) }?;
        handle.with(F, |s| Ok(s.schedule_json(text)?))?;
        Ok(())
    })
}

/// The pending schedule: the list of entries in the order they apply, each
/// `{"tick", "seq", "phase", "action"}` (docs/json.md, "Schedule"; a `phase` of `end` is a
/// window in force, e.g. an outage).
///
/// - `sim`: the handle.
/// - `json_out`: receives the list, owned by the caller, released with psim_string_free().
///
/// Returns PSIM_STATUS_OK, or: PSIM_STATUS_NULL_ARG; PSIM_STATUS_POISONED; PSIM_STATUS_PANIC.
///
/// NULL: every pointer argument is required; a NULL one returns PSIM_STATUS_NULL_ARG before
/// any work is done, and nothing changes.
/// Thread safety: serialised with every other call on `sim`.
///
/// # Safety
/// `sim` is NULL or a live handle; `json_out` is NULL or valid for a write.
#[no_mangle]
pub unsafe extern "C" fn psim_sim_schedule_json(
    sim: *const psim_sim_t,
    json_out: *mut *mut c_char,
) -> psim_status {
    const F: &str = "psim_sim_schedule_json";
    ffi_boundary!("psim_sim_schedule_json", {
        // SAFETY: the pointer contracts documented above.
        let handle = unsafe { PsimSim::from_ptr(F, "sim", sim) }?;
        let out = out_arg(F, "json_out", json_out)?;
        let json = handle.with(F, |s| to_json(&s.pending_schedule()))?;
        unsafe { out.write_string(json) }
    })
}
