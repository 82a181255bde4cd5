//! The JSON documents of a simulation: state, statistics, events, agent ids.

use std::ffi::c_char;

use crate::documents::{to_json, EventsDocument, PSIM_EVENTS_SCHEMA_VERSION};
use crate::error::Failure;
use crate::handle::{psim_sim_t, PsimSim};
use crate::psim_status;
use crate::strings::out_arg;

/// The current state: tick, day, every agent's balance, credit limit and queue sizes.
///
/// - `sim`: the handle.
/// - `state_json_out`: receives the state document (docs/json.md, "State"), owned by the
///   caller, released with psim_string_free().
///
/// Returns PSIM_STATUS_OK, or: PSIM_STATUS_NULL_ARG; PSIM_STATUS_POISONED; PSIM_STATUS_PANIC.
///
/// NULL: every pointer argument is required; a NULL one returns PSIM_STATUS_NULL_ARG before
/// any work is done, and nothing changes.
/// Thread safety: serialised with every other call on `sim`.
///
/// # Safety
/// `sim` is NULL or a live handle; `state_json_out` is NULL or valid for a write.
#[no_mangle]
pub unsafe extern "C" fn psim_sim_state(
    sim: *const psim_sim_t,
    state_json_out: *mut *mut c_char,
) -> psim_status {
    const F: &str = "psim_sim_state";
    ffi_boundary!("psim_sim_state", {
        let handle = unsafe { PsimSim::from_ptr(F, "sim", sim) }?;
        let out = out_arg(F, "state_json_out", state_json_out)?;
        let json = handle.with(F, |s| to_json(&s.state()))?;
        unsafe { out.write_string(json) }
    })
}

/// Statistics since the start: settlements by mechanism, settlement rates, delays, peak
/// queues, costs, per-agent figures.
///
/// - `sim`: the handle.
/// - `stats_json_out`: receives the statistics document (docs/json.md, "Statistics"), owned
///   by the caller, released with psim_string_free().
///
/// Returns PSIM_STATUS_OK, or: PSIM_STATUS_NULL_ARG; PSIM_STATUS_POISONED; PSIM_STATUS_PANIC.
///
/// NULL: every pointer argument is required; a NULL one returns PSIM_STATUS_NULL_ARG before
/// any work is done, and nothing changes.
/// Thread safety: serialised with every other call on `sim`.
///
/// # Safety
/// `sim` is NULL or a live handle; `stats_json_out` is NULL or valid for a write.
#[no_mangle]
pub unsafe extern "C" fn psim_sim_stats(
    sim: *const psim_sim_t,
    stats_json_out: *mut *mut c_char,
) -> psim_status {
    const F: &str = "psim_sim_stats";
    ffi_boundary!("psim_sim_stats", {
        let handle = unsafe { PsimSim::from_ptr(F, "sim", sim) }?;
        let out = out_arg(F, "stats_json_out", stats_json_out)?;
        let json = handle.with(F, |s| to_json(&s.statistics()))?;
        unsafe { out.write_string(json) }
    })
}

/// The recorded events with a sequence number greater than `from_seq`.
///
/// - `sim`: the handle.
/// - `from_seq`: 0 for every event; otherwise the `last_seq` of a previous call, to receive
///   only what happened since (a value past the last event gives an empty list).
/// - `events_json_out`: receives the events document
///   `{"schema_version": 1, "last_seq": N, "events": [...]}` (docs/json.md, "Events"), owned
///   by the caller, released with psim_string_free().
///
/// Which events are recorded depends on the configuration's `event_recording`
/// (`full`, `settlements` or `off`); events forgotten with psim_sim_events_discard() are not
/// returned (the list starts after them; `last_seq` is unchanged).
///
/// Returns PSIM_STATUS_OK, or: PSIM_STATUS_NULL_ARG; PSIM_STATUS_POISONED; PSIM_STATUS_PANIC.
///
/// NULL: every pointer argument is required; a NULL one returns PSIM_STATUS_NULL_ARG before
/// any work is done, and nothing changes.
/// Thread safety: serialised with every other call on `sim`.
///
/// # Safety
/// `sim` is NULL or a live handle; `events_json_out` is NULL or valid for a write.
#[no_mangle]
pub unsafe extern "C" fn psim_sim_events(
    sim: *const psim_sim_t,
    from_seq: u64,
    events_json_out: *mut *mut c_char,
) -> psim_status {
    const F: &str = "psim_sim_events";
    ffi_boundary!("psim_sim_events", {
        let handle = unsafe { PsimSim::from_ptr(F, "sim", sim) }?;
        let out = out_arg(F, "events_json_out", events_json_out)?;
        let json = handle.with(F, |s| {
            to_json(&EventsDocument {
                schema_version: PSIM_EVENTS_SCHEMA_VERSION,
                last_seq: s.last_event_seq(),
                events: s.events_since(from_seq),
            })
        })?;
        unsafe { out.write_string(json) }
    })
}

/// At most `max_events` of the recorded events with a sequence number greater than
/// `from_seq`, oldest first: a bounded page of what psim_sim_events() returns. Only the
/// events in the page are converted, so a page costs O(`max_events`) however many events
/// follow it.
///
/// - `sim`: the handle.
/// - `from_seq`: 0 to start at the first event; otherwise the `seq` of the last event of the
///   previous page (a value past the last event gives an empty list).
/// - `max_events`: the most events to return, at least 1.
/// - `events_json_out`: receives the same events document as psim_sim_events()
///   `{"schema_version": 1, "last_seq": N, "events": [...]}` (docs/json.md, "Events"), owned
///   by the caller, released with psim_string_free(). `last_seq` is still the newest recorded
///   sequence number, not the last one in the page: more events remain exactly when the
///   page's last `seq` (or `from_seq`, for an empty page) is below `last_seq`.
///
/// Which events are recorded depends on the configuration's `event_recording`
/// (`full`, `settlements` or `off`); events forgotten with psim_sim_events_discard() are not
/// returned.
///
/// Returns PSIM_STATUS_OK, or: PSIM_STATUS_NULL_ARG; PSIM_STATUS_INVALID_ARGUMENT
/// (`max_events` is 0; nothing is written); PSIM_STATUS_POISONED; PSIM_STATUS_PANIC.
///
/// NULL: every pointer argument is required; a NULL one returns PSIM_STATUS_NULL_ARG before
/// any work is done, and nothing changes.
/// Thread safety: serialised with every other call on `sim`.
///
/// # Safety
/// `sim` is NULL or a live handle; `events_json_out` is NULL or valid for a write.
#[no_mangle]
pub unsafe extern "C" fn psim_sim_events_page(
    sim: *const psim_sim_t,
    from_seq: u64,
    max_events: u64,
    events_json_out: *mut *mut c_char,
) -> psim_status {
    const F: &str = "psim_sim_events_page";
    ffi_boundary!("psim_sim_events_page", {
        let handle = unsafe { PsimSim::from_ptr(F, "sim", sim) }?;
        let out = out_arg(F, "events_json_out", events_json_out)?;
        if max_events == 0 {
            return Err(Failure::new(
                psim_status::InvalidArgument,
                format!("{F}: max_events must be at least 1, got 0"),
            ));
        }
        // A limit beyond the address space is "no limit": the log cannot hold that many.
        let limit = usize::try_from(max_events).unwrap_or(usize::MAX);
        let json = handle.with(F, |s| {
            to_json(&EventsDocument {
                schema_version: PSIM_EVENTS_SCHEMA_VERSION,
                last_seq: s.last_event_seq(),
                events: s.events_page(from_seq, limit),
            })
        })?;
        unsafe { out.write_string(json) }
    })
}

/// The agent ids in configuration order, as a JSON array of strings (e.g.
/// `["BANK_A","BANK_B"]`).
///
/// - `sim`: the handle.
/// - `agent_ids_json_out`: receives the array, owned by the caller, released with
///   psim_string_free().
///
/// Returns PSIM_STATUS_OK, or: PSIM_STATUS_NULL_ARG; PSIM_STATUS_POISONED; PSIM_STATUS_PANIC.
///
/// NULL: every pointer argument is required; a NULL one returns PSIM_STATUS_NULL_ARG before
/// any work is done, and nothing changes.
/// Thread safety: serialised with every other call on `sim`.
///
/// # Safety
/// `sim` is NULL or a live handle; `agent_ids_json_out` is NULL or valid for a write.
#[no_mangle]
pub unsafe extern "C" fn psim_sim_agent_ids(
    sim: *const psim_sim_t,
    agent_ids_json_out: *mut *mut c_char,
) -> psim_status {
    const F: &str = "psim_sim_agent_ids";
    ffi_boundary!("psim_sim_agent_ids", {
        let handle = unsafe { PsimSim::from_ptr(F, "sim", sim) }?;
        let out = out_arg(F, "agent_ids_json_out", agent_ids_json_out)?;
        let json = handle.with(F, |s| to_json(&s.agent_ids()))?;
        unsafe { out.write_string(json) }
    })
}
