//! Snapshot and restore, and the deliberate panic that tests the boundary.

use std::ffi::c_char;

use payment_sim_core::Simulation;

use crate::error::Failure;
use crate::handle::{psim_sim_t, PsimSim};
use crate::psim_status;
use crate::strings::{out_arg, str_arg};

/// Capture the whole state (configuration, balances, queues, random-stream positions,
/// statistics, events) as one JSON document. psim_sim_restore() on it gives a simulation that
/// continues exactly as this one would.
///
/// - `sim`: the handle.
/// - `snapshot_json_out`: receives the snapshot document (docs/json.md, "Snapshot"; it
///   carries `"schema_version"` PSIM_SNAPSHOT_SCHEMA_VERSION and its provenance), owned by the
///   caller, released with psim_string_free().
///
/// Returns PSIM_STATUS_OK, or: PSIM_STATUS_NULL_ARG; PSIM_STATUS_POISONED; PSIM_STATUS_PANIC.
///
/// NULL: every pointer argument is required; a NULL one returns PSIM_STATUS_NULL_ARG before
/// any work is done, and nothing changes.
/// Thread safety: serialised with every other call on `sim`.
///
/// # Safety
/// `sim` is NULL or a live handle; `snapshot_json_out` is NULL or valid for a write.
#[no_mangle]
pub unsafe extern "C" fn psim_sim_snapshot(
    sim: *const psim_sim_t,
    snapshot_json_out: *mut *mut c_char,
) -> psim_status {
    const F: &str = "psim_sim_snapshot";
    ffi_boundary!("psim_sim_snapshot", {
        let handle = unsafe { PsimSim::from_ptr(F, "sim", sim) }?;
        let out = out_arg(F, "snapshot_json_out", snapshot_json_out)?;
        let json = handle.with(F, |s| {
            let json = s.snapshot_json();
            if json.is_empty() {
                Err(Failure::new(
                    psim_status::Panic,
                    "internal error: the snapshot could not be serialised",
                ))
            } else {
                Ok(json)
            }
        })?;
        unsafe { out.write_string(json) }
    })
}

/// Create a new, independent simulation from a snapshot document; it continues bit-for-bit
/// where the snapshotted one was (same results, events and random draws).
///
/// - `snapshot_json`: a document from psim_sim_snapshot() (or the CLI's state file) of any
///   schema_version up to PSIM_SNAPSHOT_SCHEMA_VERSION (older ones are migrated), borrowed.
/// - `sim_out`: receives the new handle, owned by the caller, released with psim_sim_free().
///
/// Returns PSIM_STATUS_OK, or: PSIM_STATUS_NULL_ARG; PSIM_STATUS_INVALID_UTF8;
/// PSIM_STATUS_INVALID_JSON (not well-formed JSON); PSIM_STATUS_INVALID_CONFIG (a newer or
/// unknown schema_version or semantics version, a wrong shape or an inconsistent state: the
/// message starts with "invalid configuration: snapshot:", unless the embedded configuration
/// itself is invalid);
/// PSIM_STATUS_PANIC.
///
/// NULL: every pointer argument is required; a NULL one returns PSIM_STATUS_NULL_ARG before
/// any work is done, and nothing changes.
/// Thread safety: safe from any thread.
///
/// # Safety
/// `snapshot_json` is NULL or a NUL-terminated string; `sim_out` is NULL or valid for a
/// write.
#[no_mangle]
pub unsafe extern "C" fn psim_sim_restore(
    snapshot_json: *const c_char,
    sim_out: *mut *mut psim_sim_t,
) -> psim_status {
    const F: &str = "psim_sim_restore";
    ffi_boundary!("psim_sim_restore", {
        let text = unsafe { str_arg(F, "snapshot_json", snapshot_json) }?;
        let out = out_arg(F, "sim_out", sim_out)?;
        let sim = Simulation::restore_json(text)?;
        unsafe { out.write(PsimSim::into_raw(sim)) };
        Ok(())
    })
}

/// Panic inside the library on purpose, while holding `sim`'s lock. For tests of error
/// handling in bindings and host programs: it returns PSIM_STATUS_PANIC (with a message
/// from psim_last_error()), prints nothing, and leaves `sim` poisoned, so that every later
/// call on it returns PSIM_STATUS_POISONED. Never needed in normal use.
///
/// Returns PSIM_STATUS_PANIC, or: PSIM_STATUS_NULL_ARG; PSIM_STATUS_POISONED (already
/// poisoned).
///
/// NULL: every pointer argument is required; a NULL one returns PSIM_STATUS_NULL_ARG before
/// any work is done, and nothing changes.
/// Thread safety: serialised with every other call on `sim`.
///
/// # Safety
/// `sim` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn psim_sim_debug_panic(sim: *mut psim_sim_t) -> psim_status {
    const F: &str = "psim_sim_debug_panic";
    ffi_boundary!("psim_sim_debug_panic", {
        let handle = unsafe { PsimSim::from_ptr(F, "sim", sim) }?;
        handle.with(F, |_| -> Result<(), Failure> {
            panic!("deliberate panic requested through psim_sim_debug_panic")
        })
    })
}
