//! The `psim_sim_*` exports: create, drive, query, snapshot and free a simulation.
//!
//! Each export checks its arguments in parameter order (a NULL handle, string or
//! out-parameter is `PSIM_STATUS_NULL_ARG` before any work is done), runs inside the panic
//! boundary, and writes its out-parameter only on success.

use std::ffi::c_char;

use payment_sim_core::{parse_document, Simulation, Submission};

use crate::documents::{to_json, EventsDocument, PSIM_EVENTS_SCHEMA_VERSION};
use crate::error::Failure;
use crate::handle::{psim_sim_t, PsimSim};
use crate::psim_status;
use crate::strings::{out_arg, str_arg};

// ----- lifecycle -------------------------------------------------------------------------

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

// ----- driving ---------------------------------------------------------------------------

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

// ----- documents -------------------------------------------------------------------------

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

// ----- scalar queries --------------------------------------------------------------------

/// An agent's current balance in cents (negative when it uses intraday credit).
///
/// - `sim`: the handle.
/// - `agent_id`: the agent's id, borrowed.
/// - `out`: receives the balance.
///
/// Returns PSIM_STATUS_OK, or: PSIM_STATUS_NULL_ARG; PSIM_STATUS_INVALID_UTF8;
/// PSIM_STATUS_NOT_FOUND (no such agent; the message quotes the id); PSIM_STATUS_POISONED;
/// PSIM_STATUS_PANIC.
///
/// NULL: every pointer argument is required; a NULL one returns PSIM_STATUS_NULL_ARG before
/// any work is done, and nothing changes.
/// Thread safety: serialised with every other call on `sim`.
///
/// # Safety
/// `sim` is NULL or a live handle; `agent_id` is NULL or a NUL-terminated string; `out` is
/// NULL or valid for a write.
#[no_mangle]
pub unsafe extern "C" fn psim_sim_agent_balance(
    sim: *const psim_sim_t,
    agent_id: *const c_char,
    out: *mut i64,
) -> psim_status {
    const F: &str = "psim_sim_agent_balance";
    ffi_boundary!("psim_sim_agent_balance", {
        let handle = unsafe { PsimSim::from_ptr(F, "sim", sim) }?;
        let id = unsafe { str_arg(F, "agent_id", agent_id) }?;
        let out = out_arg(F, "out", out)?;
        let balance = handle.with(F, |s| Ok(s.agent_balance(id)?))?;
        unsafe { out.write(balance) };
        Ok(())
    })
}

/// The number of orders waiting in an agent's Queue 1 (its internal queue).
///
/// - `sim`: the handle.
/// - `agent_id`: the agent's id, borrowed.
/// - `out`: receives the count.
///
/// Returns PSIM_STATUS_OK, or: PSIM_STATUS_NULL_ARG; PSIM_STATUS_INVALID_UTF8;
/// PSIM_STATUS_NOT_FOUND; PSIM_STATUS_POISONED; PSIM_STATUS_PANIC.
///
/// NULL: every pointer argument is required; a NULL one returns PSIM_STATUS_NULL_ARG before
/// any work is done, and nothing changes.
/// Thread safety: serialised with every other call on `sim`.
///
/// # Safety
/// `sim` is NULL or a live handle; `agent_id` is NULL or a NUL-terminated string; `out` is
/// NULL or valid for a write.
#[no_mangle]
pub unsafe extern "C" fn psim_sim_queue1_size(
    sim: *const psim_sim_t,
    agent_id: *const c_char,
    out: *mut u64,
) -> psim_status {
    const F: &str = "psim_sim_queue1_size";
    ffi_boundary!("psim_sim_queue1_size", {
        let handle = unsafe { PsimSim::from_ptr(F, "sim", sim) }?;
        let id = unsafe { str_arg(F, "agent_id", agent_id) }?;
        let out = out_arg(F, "out", out)?;
        let size = handle.with(F, |s| Ok(s.queue1_size(id)?))?;
        unsafe { out.write(size) };
        Ok(())
    })
}

/// Run a query that cannot fail besides the handle itself.
///
/// # Safety
/// As the exports that call it.
unsafe fn scalar(
    function: &'static str,
    sim: *const psim_sim_t,
    out: *mut u64,
    query: fn(&Simulation) -> u64,
) -> Result<(), Failure> {
    let handle = unsafe { PsimSim::from_ptr(function, "sim", sim) }?;
    let out = out_arg(function, "out", out)?;
    let value = handle.with(function, |s| Ok(query(s)))?;
    unsafe { out.write(value) };
    Ok(())
}

/// The number of payments waiting in Queue 2 (the central queue), all senders.
///
/// Returns PSIM_STATUS_OK, or: PSIM_STATUS_NULL_ARG (`sim` or `out`); PSIM_STATUS_POISONED;
/// PSIM_STATUS_PANIC.
///
/// NULL: every pointer argument is required; a NULL one returns PSIM_STATUS_NULL_ARG before
/// any work is done, and nothing changes.
/// Thread safety: serialised with every other call on `sim`.
///
/// # Safety
/// `sim` is NULL or a live handle; `out` is NULL or valid for a write.
#[no_mangle]
pub unsafe extern "C" fn psim_sim_queue2_size(
    sim: *const psim_sim_t,
    out: *mut u64,
) -> psim_status {
    ffi_boundary!("psim_sim_queue2_size", {
        unsafe { scalar("psim_sim_queue2_size", sim, out, Simulation::queue2_size) }
    })
}

/// The current tick: the number of ticks run so far, which is also the next tick to run
/// (0 for a new simulation).
///
/// Returns PSIM_STATUS_OK, or: PSIM_STATUS_NULL_ARG (`sim` or `out`); PSIM_STATUS_POISONED;
/// PSIM_STATUS_PANIC.
///
/// NULL: every pointer argument is required; a NULL one returns PSIM_STATUS_NULL_ARG before
/// any work is done, and nothing changes.
/// Thread safety: serialised with every other call on `sim`.
///
/// # Safety
/// `sim` is NULL or a live handle; `out` is NULL or valid for a write.
#[no_mangle]
pub unsafe extern "C" fn psim_sim_current_tick(
    sim: *const psim_sim_t,
    out: *mut u64,
) -> psim_status {
    ffi_boundary!("psim_sim_current_tick", {
        unsafe { scalar("psim_sim_current_tick", sim, out, Simulation::current_tick) }
    })
}

/// The current business day: current tick / ticks_per_day (0 for a new simulation).
///
/// Returns PSIM_STATUS_OK, or: PSIM_STATUS_NULL_ARG (`sim` or `out`); PSIM_STATUS_POISONED;
/// PSIM_STATUS_PANIC.
///
/// NULL: every pointer argument is required; a NULL one returns PSIM_STATUS_NULL_ARG before
/// any work is done, and nothing changes.
/// Thread safety: serialised with every other call on `sim`.
///
/// # Safety
/// `sim` is NULL or a live handle; `out` is NULL or valid for a write.
#[no_mangle]
pub unsafe extern "C" fn psim_sim_current_day(
    sim: *const psim_sim_t,
    out: *mut u64,
) -> psim_status {
    ffi_boundary!("psim_sim_current_day", {
        unsafe { scalar("psim_sim_current_day", sim, out, Simulation::current_day) }
    })
}

/// The length of the horizon in ticks (ticks_per_day × num_days). The simulation is finished
/// when the current tick equals it; `horizon − current tick` ticks remain for psim_sim_run().
///
/// Returns PSIM_STATUS_OK, or: PSIM_STATUS_NULL_ARG (`sim` or `out`); PSIM_STATUS_POISONED;
/// PSIM_STATUS_PANIC.
///
/// NULL: every pointer argument is required; a NULL one returns PSIM_STATUS_NULL_ARG before
/// any work is done, and nothing changes.
/// Thread safety: serialised with every other call on `sim`.
///
/// # Safety
/// `sim` is NULL or a live handle; `out` is NULL or valid for a write.
#[no_mangle]
pub unsafe extern "C" fn psim_sim_horizon(sim: *const psim_sim_t, out: *mut u64) -> psim_status {
    ffi_boundary!("psim_sim_horizon", {
        unsafe { scalar("psim_sim_horizon", sim, out, Simulation::horizon) }
    })
}

// ----- snapshots -------------------------------------------------------------------------

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

// ----- testing ---------------------------------------------------------------------------

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
