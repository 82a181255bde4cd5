//! `psim_sim_submit_many`: a batch of manual payment orders in one call, all or nothing (the
//! rules and messages are the core's `Simulation::submit_many`).

use std::ffi::c_char;

use crate::documents::to_json;
use crate::handle::{psim_sim_t, PsimSim};
use crate::psim_status;
use crate::strings::{out_arg, str_arg};

/// Submit a batch of manual payment orders, all or nothing.
///
/// - `sim`: the handle.
/// - `txs_json`: a JSON list of submissions, each as for psim_sim_submit(), borrowed.
/// - `ids_json_out`: receives the JSON list of the new transaction ids, in order, owned by
///   the caller, released with psim_string_free().
///
/// Returns PSIM_STATUS_OK, or: PSIM_STATUS_NULL_ARG; PSIM_STATUS_INVALID_UTF8;
/// PSIM_STATUS_INVALID_JSON; PSIM_STATUS_INVALID_CONFIG (not a list of submissions, or any
/// submission breaks a rule: psim_last_error_json() lists every problem with its path
/// `[i].field`, and nothing was submitted); PSIM_STATUS_SIMULATION_FINISHED;
/// PSIM_STATUS_POISONED; PSIM_STATUS_PANIC.
///
/// NULL: every pointer argument is required; a NULL one returns PSIM_STATUS_NULL_ARG before
/// any work is done, and nothing changes.
/// Thread safety: serialised with every other call on `sim`.
///
/// # Safety
/// `sim` is NULL or a live handle; `txs_json` is NULL or a NUL-terminated string;
/// `ids_json_out` is NULL or valid for a write.
#[no_mangle]
pub unsafe extern "C" fn psim_sim_submit_many(
    sim: *mut psim_sim_t,
    txs_json: *const c_char,
    ids_json_out: *mut *mut c_char,
) -> psim_status {
    const F: &str = "psim_sim_submit_many";
    ffi_boundary!("psim_sim_submit_many", {
        // SAFETY (all blocks): the pointer contracts documented above.
        let handle = unsafe { PsimSim::from_ptr(F, "sim", sim) }?;
        let text = unsafe { str_arg(F, "txs_json", txs_json) }?;
        let out = out_arg(F, "ids_json_out", ids_json_out)?;
        let ids = handle.with(F, |s| Ok(s.submit_many_json(text)?))?;
        let json = to_json(&ids)?;
        unsafe { out.write_string(json) }
    })
}
