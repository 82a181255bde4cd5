//! The run report: `psim_sim_report_html`, the same self-contained HTML page as
//! `payment-sim report`, written by the shared `payment-sim-report` crate.

use std::ffi::c_char;

use crate::error::Failure;
use crate::handle::{psim_sim_t, PsimSim};
use crate::psim_status;
use crate::strings::{out_arg, str_arg};

/// The run report of the simulation as it stands: one self-contained HTML page (inline CSS
/// and SVG, no script, no external URL) laying out its statistics, indicators, time series
/// and scheduled events (docs/cli.md, "report"). The paths are drawn only when the time-series
/// recorder (psim_sim_timeseries_record()) ran from the start; otherwise the page says so.
///
/// - `sim`: the handle.
/// - `options_json`: NULL for the defaults, or `{"top": N, "source": "…", "raw_cents": b}`,
///   every field optional: `top` participants drawn (at least 1, default 10), `source` the
///   page's title (default "simulation"), `raw_cents` amounts as integer cents.
/// - `html_out`: receives the page, owned by the caller, released with psim_string_free().
///
/// Returns PSIM_STATUS_OK, or: PSIM_STATUS_NULL_ARG; PSIM_STATUS_INVALID_UTF8;
/// PSIM_STATUS_INVALID_ARGUMENT (`options_json` is not such an object; nothing is written);
/// PSIM_STATUS_POISONED; PSIM_STATUS_PANIC.
///
/// NULL: `sim` and `html_out` are required (NULL returns PSIM_STATUS_NULL_ARG before any work
/// is done); `options_json` may be NULL.
/// Thread safety: serialised with every other call on `sim`.
///
/// # Safety
/// `sim` is NULL or a live handle; `options_json` is NULL or a NUL-terminated string;
/// `html_out` is NULL or valid for a write.
#[no_mangle]
pub unsafe extern "C" fn psim_sim_report_html(
    sim: *const psim_sim_t,
    options_json: *const c_char,
    html_out: *mut *mut c_char,
) -> psim_status {
    const F: &str = "psim_sim_report_html";
    ffi_boundary!("psim_sim_report_html", {
        // SAFETY (all blocks): the pointer contracts documented above.
        let handle = unsafe { PsimSim::from_ptr(F, "sim", sim) }?;
        let out = out_arg(F, "html_out", html_out)?;
        let options = if options_json.is_null() {
            None
        } else {
            Some(unsafe { str_arg(F, "options_json", options_json) }?)
        };
        let meta = payment_sim_report::meta_from_json(options)
            .map_err(|m| Failure::new(psim_status::InvalidArgument, format!("{F}: {m}")))?;
        let html = handle.with(F, |s| Ok(payment_sim_report::report(s, &meta)))?;
        unsafe { out.write_string(html) }
    })
}
