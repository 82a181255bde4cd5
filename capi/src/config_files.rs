//! Configuration documents that name other files (a policy's `{file}`, a network's
//! `flows_file`), read relative to a directory: psim_config_normalize_at(). The core reads
//! and inlines them (`payment_sim_core::parse_document_resolving`); this only gives it a
//! reader of the host's files.

use std::ffi::c_char;
use std::path::Path;

use payment_sim_core::parse_document_resolving;

use crate::documents::to_json;
use crate::psim_status;
use crate::strings::{out_arg, str_arg};

/// psim_config_normalize() for a document read from a file: the files it names (an agent's
/// `policy: {file: …}`, a network's `flows_file`) are read relative to `base_dir` and put
/// inline before the document is checked, as the CLI does.
///
/// - `document`: as for psim_config_normalize().
/// - `base_dir`: the directory of the document's file (relative names are resolved against
///   it); NUL-terminated UTF-8, borrowed for the call.
/// - `machine_json_out`: as for psim_config_normalize(): the validated machine format with
///   the named files inline; psim_sim_new() on it builds the simulation.
///
/// Returns as psim_config_normalize(); a named file that cannot be read or holds a bad policy
/// is PSIM_STATUS_INVALID_CONFIG with its path (`agents[0].policy.file`).
/// Thread safety: safe from any thread.
///
/// # Safety
/// `document` and `base_dir` are NULL or NUL-terminated strings; `machine_json_out` is NULL
/// or valid for a write.
#[no_mangle]
pub unsafe extern "C" fn psim_config_normalize_at(
    document: *const c_char,
    base_dir: *const c_char,
    machine_json_out: *mut *mut c_char,
) -> psim_status {
    const F: &str = "psim_config_normalize_at";
    ffi_boundary!("psim_config_normalize_at", {
        // SAFETY (these blocks): the pointer contracts documented above.
        let text = unsafe { str_arg(F, "document", document) }?;
        let dir = Path::new(unsafe { str_arg(F, "base_dir", base_dir) }?);
        let out = out_arg(F, "machine_json_out", machine_json_out)?;
        let (config, _) = parse_document_resolving(text, &mut |name| {
            let text = std::fs::read_to_string(dir.join(name)).map_err(|e| e.to_string())?;
            // As the CLI reads files: without a byte-order mark.
            Ok(text
                .strip_prefix('\u{feff}')
                .map_or(text.clone(), str::to_string))
        })?;
        let machine = to_json(&config)?;
        unsafe { out.write_string(machine) }
    })
}
