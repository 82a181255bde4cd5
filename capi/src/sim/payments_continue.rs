//! `psim_sim_continue_payments`: go on with a fed run suspended before its horizon (by
//! psim_sim_run_payments with `ticks`, or restored from a snapshot of one). The core checks
//! the file and runs (`import::continue_file`); this file opens the recorded files.

use std::ffi::c_char;
use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};

use payment_sim_core::import::{continue_file, suspended, ContinueRequest, OutputFile};

use super::payments::{fed_failure, io_failure};
use crate::documents::to_json;
use crate::error::Failure;
use crate::handle::{psim_sim_t, PsimSim};
use crate::psim_status;
use crate::strings::{out_arg, str_arg};

/// A recorded output file opened to append, and its length before (cut back to it when the
/// call fails, so a refused call leaves the files as the snapshot describes them).
fn append(field: &str, f: &OutputFile) -> Result<(File, u64), Failure> {
    let file = OpenOptions::new()
        .append(true)
        .open(&f.path)
        .map_err(|e| io_failure(field, &f.path, "open", &e))?;
    let len = file
        .metadata()
        .map_err(|e| io_failure(field, &f.path, "open", &e))?
        .len();
    Ok((file, len))
}

/// Go on with the fed run `sim` holds, reading its payments file from where it stopped and
/// appending to the same results and rejects files.
///
/// - `sim`: the handle.
/// - `request_json`: `{"ticks"?: N}` (default: to the horizon), borrowed.
/// - `summary_json_out`: receives the summary as psim_sim_run_payments() gives it (counts of
///   the whole run so far, `ticks_run` of this call), with `"results_path"` and
///   `"rejects_path"`, and `"suspended": true` when it stopped before the horizon again;
///   owned by the caller, released with psim_string_free().
///
/// Slices write exactly what one uninterrupted run writes (results, rejects, snapshots).
///
/// Returns PSIM_STATUS_OK, or: PSIM_STATUS_NULL_ARG; PSIM_STATUS_INVALID_UTF8;
/// PSIM_STATUS_INVALID_JSON; PSIM_STATUS_INVALID_CONFIG (an unknown or mistyped field; the
/// payments file changed since the run stopped — path the file, nothing changed; or a later
/// business day breaks a rule: the run stopped at that day's start and is no longer fed);
/// PSIM_STATUS_INVALID_ARGUMENT (no suspended fed run, or a recorded file cannot be opened:
/// path `payments`, `results` or `rejects`, nothing changed); PSIM_STATUS_SIMULATION_FINISHED;
/// PSIM_STATUS_POISONED; PSIM_STATUS_PANIC.
///
/// NULL: every pointer argument is required; a NULL one returns PSIM_STATUS_NULL_ARG before
/// any work is done, and nothing changes.
/// Thread safety: serialised with every other call on `sim` (the whole run holds the lock).
///
/// # Safety
/// `sim` is NULL or a live handle; `request_json` is NULL or a NUL-terminated string;
/// `summary_json_out` is NULL or valid for a write.
#[no_mangle]
pub unsafe extern "C" fn psim_sim_continue_payments(
    sim: *mut psim_sim_t,
    request_json: *const c_char,
    summary_json_out: *mut *mut c_char,
) -> psim_status {
    const F: &str = "psim_sim_continue_payments";
    ffi_boundary!("psim_sim_continue_payments", {
        // SAFETY (all blocks): the pointer contracts documented above.
        let handle = unsafe { PsimSim::from_ptr(F, "sim", sim) }?;
        let text = unsafe { str_arg(F, "request_json", request_json) }?;
        let out = out_arg(F, "summary_json_out", summary_json_out)?;
        let request = ContinueRequest::from_json(text)?;
        let summary = handle.with(F, |s| {
            let fed = suspended(s)?.clone();
            let file =
                File::open(&fed.path).map_err(|e| io_failure("payments", &fed.path, "open", &e))?;
            let mut opened = Vec::new();
            let results = match &fed.results {
                Some(f) => {
                    let (file, len) = append("results", f)?;
                    opened.push((f.path.clone(), len));
                    Some(BufWriter::with_capacity(1 << 16, file))
                }
                None => None,
            };
            let rejects: Option<Box<dyn Write>> = match &fed.rejects {
                Some(f) => {
                    let (file, len) = append("rejects", f)?;
                    opened.push((f.path.clone(), len));
                    Some(Box::new(BufWriter::with_capacity(1 << 16, file)))
                }
                None => None,
            };
            continue_file(s, file, results, rejects, request.ticks).map_err(|e| {
                if s.fed_state().is_some() {
                    // Refused before anything ran (the file changed): the files go back.
                    for (path, len) in &opened {
                        if let Ok(f) = OpenOptions::new().write(true).open(path) {
                            let _ = f.set_len(*len);
                        }
                    }
                }
                fed_failure(e)
            })
        })?;
        let json = to_json(&summary)?;
        unsafe { out.write_string(json) }
    })
}
