//! The stress tester over the C ABI: psim_stress_run(). The core expands, runs, compares and
//! ranks (`payment_sim_core::stress`); this only translates.

use std::ffi::{c_char, c_void};

use payment_sim_core::stress::{stress_text, Progress};

use crate::documents::to_json;
use crate::psim_status;
use crate::strings::{out_arg, str_arg};

/// Called by psim_stress_run(), on the calling thread, as runs finish: `done` runs of `total` (the
/// benchmark and every variant), with the `user_data` given to psim_stress_run().
pub type psim_progress_fn =
    Option<unsafe extern "C" fn(done: u64, total: u64, user_data: *mut c_void)>;

/// Run the automated stress tester: the benchmark configuration and every variant of the
/// stress definition, on `threads` threads, and return the report.
///
/// - `config`: a configuration document (scenario or machine format, JSON or YAML), as
///   psim_config_normalize() reads it; NUL-terminated UTF-8, borrowed for the call.
/// - `stress`: a stress definition (`{scenarios: [...]}`, docs/model.md § Stress testing),
///   JSON or YAML; NUL-terminated UTF-8, borrowed for the call.
/// - `threads`: threads to run on; 0 = the machine's available parallelism. The report is
///   the same bytes whatever the number.
/// - `progress`: NULL, or called as runs finish with (runs done, runs in all, `user_data`), on
///   the calling thread (the library's worker threads never call it); the last call has
///   done = total. It must not call back into the library.
/// - `report_json_out`: receives the report (docs/json.md § Stress report), owned by the
///   caller, released with psim_string_free().
///
/// Returns PSIM_STATUS_OK, or: PSIM_STATUS_NULL_ARG; PSIM_STATUS_INVALID_UTF8;
/// PSIM_STATUS_INVALID_JSON (either text neither JSON nor YAML); PSIM_STATUS_INVALID_CONFIG
/// (the configuration, or the stress definition with paths `scenarios[j].…`: every problem
/// in psim_last_error_json()); PSIM_STATUS_INVALID_ARGUMENT; PSIM_STATUS_PANIC.
///
/// NULL: `config`, `stress` and `report_json_out` are required; `progress` and `user_data`
/// may be NULL.
/// Thread safety: safe from any thread; the call blocks until every run has finished.
///
/// # Safety
/// `config` and `stress` are NULL or NUL-terminated strings; `report_json_out` is NULL or
/// valid for a write; `progress`, if not NULL, is called with `user_data` during the call.
#[no_mangle]
pub unsafe extern "C" fn psim_stress_run(
    config: *const c_char,
    stress: *const c_char,
    threads: u32,
    progress: psim_progress_fn,
    user_data: *mut c_void,
    report_json_out: *mut *mut c_char,
) -> psim_status {
    const F: &str = "psim_stress_run";
    ffi_boundary!("psim_stress_run", {
        // SAFETY (these blocks): the pointer contracts documented above.
        let config = unsafe { str_arg(F, "config", config) }?;
        let stress = unsafe { str_arg(F, "stress", stress) }?;
        let out = out_arg(F, "report_json_out", report_json_out)?;
        let threads = (threads > 0).then_some(threads as usize);
        let report_progress = |p: Progress| {
            if let Some(f) = progress {
                // SAFETY: the caller's callback with its data, on the calling thread.
                unsafe { f(p.done as u64, p.total as u64, user_data) }
            }
        };
        let report = stress_text(config, stress, threads, Some(&report_progress))?;
        unsafe { out.write_string(to_json(&report)?) }
    })
}
