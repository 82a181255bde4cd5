//! Create, drive and free a simulation: `psim_sim_new`, `psim_sim_free`, `psim_sim_tick`,
//! `psim_sim_run`, `psim_sim_submit`.

use std::ffi::c_char;

use payment_sim_core::{parse_document, Simulation, Submission};

use crate::documents::to_json;
use crate::handle::{psim_sim_t, PsimSim};
use crate::psim_status;
use crate::strings::{out_arg, str_arg};

/// Create a simulation at tick 0 from a configuration document.
///
/// - `config_json`: a configuration document, exactly as psim_config_normalize() accepts
///   it: the machine format (docs/json.md, "Configuration") or the scenario format, as JSON
///   or YAML text; NUL-terminated UTF-8, borrowed for the call.
/// - `sim_out`: receives the new handle. The caller owns it and releases it with
///   psim_sim_free().
///
/// Returns PSIM_STATUS_OK, or: PSIM_STATUS_NULL_ARG (`config_json` or `sim_out` is NULL);
/// PSIM_STATUS_INVALID_UTF8; PSIM_STATUS_INVALID_JSON (neither JSON nor YAML);
/// PSIM_STATUS_INVALID_CONFIG (wrong shape, unknown field or out-of-range value: the message
/// lists every problem with its field path and value, and psim_last_error_json() lists them
/// as structured problems); PSIM_STATUS_PANIC.
///
/// NULL: every pointer argument is required; a NULL one returns PSIM_STATUS_NULL_ARG before
/// any work is done, and nothing changes.
/// Thread safety: safe from any thread.
///
/// # Safety
/// `config_json` is NULL or a NUL-terminated string; `sim_out` is NULL or valid for a write.
#[no_mangle]
pub unsafe extern "C" fn psim_sim_new(
    config_json: *const c_char,
    sim_out: *mut *mut psim_sim_t,
) -> psim_status {
    const F: &str = "psim_sim_new";
    ffi_boundary!("psim_sim_new", {
        // SAFETY (all blocks below): the pointer contracts documented above.
        let text = unsafe { str_arg(F, "config_json", config_json) }?;
        let out = out_arg(F, "sim_out", sim_out)?;
        let (config, _) = parse_document(text)?;
        let sim = Simulation::new(config)?;
        unsafe { out.write(PsimSim::into_raw(sim)) };
        Ok(())
    })
}

/// Free a simulation and everything it owns.
///
/// Ownership: takes back the handle from psim_sim_new() or psim_sim_restore(); it must not be
/// used afterwards, nor freed twice. Strings obtained from it stay valid (release them with
/// psim_string_free()). A poisoned handle is freed normally.
/// NULL: allowed (does nothing).
/// Thread safety: no other thread may be using, or still be about to use, the handle.
///
/// # Safety
/// `sim` is NULL or a live handle that is not used again.
#[no_mangle]
pub unsafe extern "C" fn psim_sim_free(sim: *mut psim_sim_t) {
    // Dropping the simulation frees memory only; it cannot unwind, but stay defensive.
    let _ = std::panic::catch_unwind(|| {
        // SAFETY: the contract above.
        unsafe { PsimSim::free(sim) }
    });
}

/// Run one tick (the 9 steps of docs/model.md) and return its result.
///
/// - `sim`: the handle.
/// - `tick_result_json_out`: receives the tick-result document (docs/json.md, "Tick
///   result"), owned by the caller, released with psim_string_free().
///
/// Returns PSIM_STATUS_OK, or: PSIM_STATUS_NULL_ARG; PSIM_STATUS_SIMULATION_FINISHED (every
/// tick of the horizon has run; nothing changes); PSIM_STATUS_POISONED; PSIM_STATUS_PANIC.
///
/// NULL: every pointer argument is required; a NULL one returns PSIM_STATUS_NULL_ARG before
/// any work is done, and nothing changes.
/// Thread safety: serialised with every other call on `sim`.
///
/// # Safety
/// `sim` is NULL or a live handle; `tick_result_json_out` is NULL or valid for a write.
#[no_mangle]
pub unsafe extern "C" fn psim_sim_tick(
    sim: *mut psim_sim_t,
    tick_result_json_out: *mut *mut c_char,
) -> psim_status {
    const F: &str = "psim_sim_tick";
    ffi_boundary!("psim_sim_tick", {
        let handle = unsafe { PsimSim::from_ptr(F, "sim", sim) }?;
        let out = out_arg(F, "tick_result_json_out", tick_result_json_out)?;
        let json = handle.with(F, |s| to_json(&s.tick()?))?;
        unsafe { out.write_string(json) }
    })
}

/// Run `ticks` ticks in one call and return their summary (no per-tick JSON is built, so long
/// runs never pay a JSON round trip per tick).
///
/// - `sim`: the handle.
/// - `ticks`: how many ticks to run, from 1 to the number remaining in the horizon
///   (horizon − current tick).
/// - `summary_json_out`: receives the run-summary document (docs/json.md, "Run summary"),
///   owned by the caller, released with psim_string_free().
///
/// Returns PSIM_STATUS_OK, or: PSIM_STATUS_NULL_ARG; PSIM_STATUS_INVALID_ARGUMENT (`ticks` is
/// 0 or more than remain; nothing runs); PSIM_STATUS_SIMULATION_FINISHED;
/// PSIM_STATUS_POISONED; PSIM_STATUS_PANIC.
///
/// NULL: every pointer argument is required; a NULL one returns PSIM_STATUS_NULL_ARG before
/// any work is done, and nothing changes.
/// Thread safety: serialised with every other call on `sim` (the lock is held for the whole
/// run).
///
/// # Safety
/// `sim` is NULL or a live handle; `summary_json_out` is NULL or valid for a write.
#[no_mangle]
pub unsafe extern "C" fn psim_sim_run(
    sim: *mut psim_sim_t,
    ticks: u64,
    summary_json_out: *mut *mut c_char,
) -> psim_status {
    const F: &str = "psim_sim_run";
    ffi_boundary!("psim_sim_run", {
        let handle = unsafe { PsimSim::from_ptr(F, "sim", sim) }?;
        let out = out_arg(F, "summary_json_out", summary_json_out)?;
        let json = handle.with(F, |s| to_json(&s.run(ticks)?))?;
        unsafe { out.write_string(json) }
    })
}

/// Submit a manual payment order. It arrives at the current tick: it is in the sender's
/// Queue 1 at once and counts in the next tick's `num_arrivals`.
///
/// - `sim`: the handle.
/// - `tx_json`: the submission document
///   `{"sender", "receiver", "amount", "deadline_offset", "priority"}` (docs/json.md,
///   "Submission"; `deadline_offset` defaults to 50 and `priority` to 5), borrowed.
/// - `tx_id_out`: receives the new transaction id (e.g. "T42") as a plain NUL-terminated
///   string, owned by the caller, released with psim_string_free().
///
/// Returns PSIM_STATUS_OK, or: PSIM_STATUS_NULL_ARG; PSIM_STATUS_INVALID_UTF8;
/// PSIM_STATUS_INVALID_JSON; PSIM_STATUS_INVALID_ARGUMENT (missing or unknown field, amount
/// ≤ 0, self-payment, deadline_offset < 1, priority outside 0–10); PSIM_STATUS_NOT_FOUND
/// (unknown sender or receiver, quoted in the message); PSIM_STATUS_SIMULATION_FINISHED;
/// PSIM_STATUS_POISONED; PSIM_STATUS_PANIC.
///
/// NULL: every pointer argument is required; a NULL one returns PSIM_STATUS_NULL_ARG before
/// any work is done, and nothing changes.
/// Thread safety: serialised with every other call on `sim`.
///
/// # Safety
/// `sim` is NULL or a live handle; `tx_json` is NULL or a NUL-terminated string;
/// `tx_id_out` is NULL or valid for a write.
#[no_mangle]
pub unsafe extern "C" fn psim_sim_submit(
    sim: *mut psim_sim_t,
    tx_json: *const c_char,
    tx_id_out: *mut *mut c_char,
) -> psim_status {
    const F: &str = "psim_sim_submit";
    ffi_boundary!("psim_sim_submit", {
        let handle = unsafe { PsimSim::from_ptr(F, "sim", sim) }?;
        let text = unsafe { str_arg(F, "tx_json", tx_json) }?;
        let out = out_arg(F, "tx_id_out", tx_id_out)?;
        let submission = Submission::from_json(text)?;
        let id = handle.with(F, |s| Ok(s.submit(&submission)?))?;
        unsafe { out.write_string(id) }
    })
}
