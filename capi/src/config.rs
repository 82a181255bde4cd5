//! The `psim_config_*` exports: configuration documents without a simulation.
//!
//! The core's `normalize_document` is the one reader of configuration documents; these
//! functions only translate. psim_sim_new() reads its document through the same function.

use std::ffi::c_char;

use payment_sim_core::{config_schema, normalize_document};

use crate::psim_status;
use crate::strings::{out_arg, str_arg};

/// Read, check and normalise a configuration document: the one entry point for
/// configuration documents, the reader psim_sim_new() uses too.
///
/// - `document`: a configuration in the scenario format (`simulation` / `agents` / `costs` /
///   `lsm`, the YAML people write) or the machine format (`ticks_per_day` / `agent_configs` /
///   …), as JSON or YAML text; NUL-terminated UTF-8, borrowed for the call.
/// - `machine_json_out`: receives the validated configuration in the machine format as JSON,
///   with every default filled in (docs/json.md, "Configuration"), owned by the caller,
///   released with psim_string_free(). psim_sim_new() on it builds the same simulation as on
///   `document`.
///
/// Returns PSIM_STATUS_OK, or: PSIM_STATUS_NULL_ARG; PSIM_STATUS_INVALID_UTF8;
/// PSIM_STATUS_INVALID_JSON (text that is neither JSON nor YAML; the message says so);
/// PSIM_STATUS_INVALID_CONFIG (a document in neither shape, the wrong shape or values out of
/// range: psim_last_error_json() lists every problem with the path of its field in the
/// document as written); PSIM_STATUS_PANIC.
///
/// NULL: every pointer argument is required; a NULL one returns PSIM_STATUS_NULL_ARG before
/// any work is done.
/// Thread safety: safe from any thread.
///
/// # Safety
/// `document` is NULL or a NUL-terminated string; `machine_json_out` is NULL or valid for a
/// write.
#[no_mangle]
pub unsafe extern "C" fn psim_config_normalize(
    document: *const c_char,
    machine_json_out: *mut *mut c_char,
) -> psim_status {
    const F: &str = "psim_config_normalize";
    ffi_boundary!("psim_config_normalize", {
        // SAFETY (both blocks): the pointer contracts documented above.
        let text = unsafe { str_arg(F, "document", document) }?;
        let out = out_arg(F, "machine_json_out", machine_json_out)?;
        let machine = normalize_document(text)?;
        unsafe { out.write_string(machine) }
    })
}

/// The JSON Schema (draft 2020-12) of the configuration documents psim_config_normalize()
/// and psim_sim_new() accept: both shapes, every field with its type, default and bounds.
/// It is generated from the core's own types, and is the text of `docs/config.schema.json`.
/// The schema is for editors, generated types and API descriptions; the rules between fields
/// (unique ids, known receivers, `min < max`) are checked only by psim_config_normalize().
///
/// - `schema_json_out`: receives the schema (pretty-printed JSON), owned by the caller,
///   released with psim_string_free().
///
/// Returns PSIM_STATUS_OK, or: PSIM_STATUS_NULL_ARG; PSIM_STATUS_PANIC.
///
/// NULL: `schema_json_out` is required.
/// Thread safety: safe from any thread.
///
/// # Safety
/// `schema_json_out` is NULL or valid for a write.
#[no_mangle]
pub unsafe extern "C" fn psim_config_schema(schema_json_out: *mut *mut c_char) -> psim_status {
    ffi_boundary!("psim_config_schema", {
        let out = out_arg("psim_config_schema", "schema_json_out", schema_json_out)?;
        // SAFETY: the pointer contract documented above.
        unsafe { out.write_string(config_schema()) }
    })
}
