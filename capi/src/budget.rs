//! The budget exports: expected work, runs bounded by the transactions they create, and
//! discarding recorded events. The rules (what counts as work, when a run stops) live in the
//! core (`Simulation::workload`, `run_with_budget`, `discard_events_through`); these only
//! translate.

use std::ffi::c_char;

use crate::documents::to_json;
use crate::handle::{psim_sim_t, PsimSim};
use crate::psim_status;
use crate::strings::{out_arg, str_arg};

use payment_sim_core::BudgetedRunSummary;

/// The expected work per tick and what the simulation holds now, so that a host can refuse
/// work before it is done.
///
/// - `sim`: the handle.
/// - `workload_json_out`: receives the workload document (docs/json.md, "Workload")
///   `{"expected_orders_per_tick", "max_transactions_per_order",
///   "expected_transactions_per_tick", "live_transactions", "events_held",
///   "remaining_ticks", "queue1_parts_at_most"}`, owned by the caller, released with
///   psim_string_free(). Expected transactions count every order as split into its sender's
///   `max_parts` (an order and its parts are `1 + max_parts` transactions);
///   `queue1_parts_at_most` is what the orders waiting in Queue 1 can add when released.
///   `ticks × expected_transactions_per_tick + queue1_parts_at_most` is the mean work of a
///   run of `ticks` ticks at most (docs/model.md § Validation, "Work per tick").
///
/// Returns PSIM_STATUS_OK, or: PSIM_STATUS_NULL_ARG; PSIM_STATUS_POISONED; PSIM_STATUS_PANIC.
///
/// NULL: every pointer argument is required; a NULL one returns PSIM_STATUS_NULL_ARG before
/// any work is done, and nothing changes.
/// Thread safety: serialised with every other call on `sim`.
///
/// # Safety
/// `sim` is NULL or a live handle; `workload_json_out` is NULL or valid for a write.
#[no_mangle]
pub unsafe extern "C" fn psim_sim_workload(
    sim: *const psim_sim_t,
    workload_json_out: *mut *mut c_char,
) -> psim_status {
    const F: &str = "psim_sim_workload";
    ffi_boundary!("psim_sim_workload", {
        let handle = unsafe { PsimSim::from_ptr(F, "sim", sim) }?;
        let out = out_arg(F, "workload_json_out", workload_json_out)?;
        let json = handle.with(F, |s| to_json(&s.workload()))?;
        unsafe { out.write_string(json) }
    })
}

/// Run up to `ticks` ticks, stopping after the first tick at which the transactions created
/// during the call (orders, generated or submitted, and split parts) reach
/// `max_transactions`. Ticks stay whole: the last tick may pass the budget by what one tick
/// creates. With `max_transactions` = UINT64_MAX it is psim_sim_run().
///
/// - `sim`: the handle.
/// - `ticks`: the most ticks to run, from 1 to the number remaining in the horizon.
/// - `max_transactions`: the budget, at least 1.
/// - `summary_json_out`: receives the run summary of the ticks that ran (docs/json.md, "Run
///   summary") plus `"transactions_created"` (u64) and `"stopped_by_budget"` (true when the
///   budget stopped the run before `ticks` ticks), owned by the caller, released with
///   psim_string_free().
///
/// Returns PSIM_STATUS_OK, or: PSIM_STATUS_NULL_ARG; PSIM_STATUS_INVALID_ARGUMENT (`ticks` is
/// 0 or more than remain, or `max_transactions` is 0; nothing runs);
/// PSIM_STATUS_SIMULATION_FINISHED; PSIM_STATUS_POISONED; PSIM_STATUS_PANIC.
///
/// NULL: every pointer argument is required; a NULL one returns PSIM_STATUS_NULL_ARG before
/// any work is done, and nothing changes.
/// Thread safety: serialised with every other call on `sim` (the lock is held for the whole
/// run).
///
/// # Safety
/// `sim` is NULL or a live handle; `summary_json_out` is NULL or valid for a write.
#[no_mangle]
pub unsafe extern "C" fn psim_sim_run_budget(
    sim: *mut psim_sim_t,
    ticks: u64,
    max_transactions: u64,
    summary_json_out: *mut *mut c_char,
) -> psim_status {
    const F: &str = "psim_sim_run_budget";
    ffi_boundary!("psim_sim_run_budget", {
        let handle = unsafe { PsimSim::from_ptr(F, "sim", sim) }?;
        let out = out_arg(F, "summary_json_out", summary_json_out)?;
        let json = handle.with(F, |s| to_json(&s.run_with_budget(ticks, max_transactions)?))?;
        unsafe { out.write_string(json) }
    })
}

/// Forget the recorded events with a sequence number up to `through_seq`, so that a host that
/// stored them elsewhere keeps memory and snapshots bounded. Later events keep their numbers;
/// psim_sim_events() and psim_sim_events_page() then return only the events after the
/// discarded ones (their `last_seq` is unchanged), and psim_sim_snapshot() holds only the
/// retained events. Events not recorded yet are not affected (`through_seq` past the last
/// event discards every event recorded so far); discarding again what is already gone does
/// nothing. Results, statistics and random draws are unaffected.
///
/// - `sim`: the handle.
/// - `through_seq`: the last sequence number to forget (0: nothing).
///
/// Returns PSIM_STATUS_OK, or: PSIM_STATUS_NULL_ARG; PSIM_STATUS_POISONED; PSIM_STATUS_PANIC.
///
/// NULL: `sim` is required; NULL returns PSIM_STATUS_NULL_ARG.
/// Thread safety: serialised with every other call on `sim`.
///
/// # Safety
/// `sim` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn psim_sim_events_discard(
    sim: *mut psim_sim_t,
    through_seq: u64,
) -> psim_status {
    const F: &str = "psim_sim_events_discard";
    ffi_boundary!("psim_sim_events_discard", {
        let handle = unsafe { PsimSim::from_ptr(F, "sim", sim) }?;
        handle.with(F, |s| {
            s.discard_events_through(through_seq);
            Ok(())
        })
    })
}

/// The summary of two consecutive runs as one: `first_json` then `then_json`, each a summary
/// from psim_sim_run_budget(), the second of the ticks right after the
/// first. Counts and costs add up (saturating as in a run), `first_tick` is the first's,
/// `last_tick` and `last` the second's, `transactions_created` adds up and
/// `stopped_by_budget` is the second's. A host that runs in slices, storing events between
/// them, reports the whole run with it instead of adding the fields itself.
///
/// - `first_json`, `then_json`: run summaries, borrowed.
/// - `merged_json_out`: receives the merged summary, owned by the caller, released with
///   psim_string_free().
///
/// Returns PSIM_STATUS_OK, or: PSIM_STATUS_NULL_ARG; PSIM_STATUS_INVALID_UTF8;
/// PSIM_STATUS_INVALID_JSON (not JSON); PSIM_STATUS_INVALID_ARGUMENT (not a run summary);
/// PSIM_STATUS_PANIC.
///
/// NULL: every pointer argument is required; a NULL one returns PSIM_STATUS_NULL_ARG.
/// Thread safety: safe from any thread (no handle).
///
/// # Safety
/// `first_json` and `then_json` are NULL or NUL-terminated strings; `merged_json_out` is
/// NULL or valid for a write.
#[no_mangle]
pub unsafe extern "C" fn psim_run_summary_merge(
    first_json: *const c_char,
    then_json: *const c_char,
    merged_json_out: *mut *mut c_char,
) -> psim_status {
    const F: &str = "psim_run_summary_merge";
    ffi_boundary!("psim_run_summary_merge", {
        let first = unsafe { str_arg(F, "first_json", first_json) }?;
        let then = unsafe { str_arg(F, "then_json", then_json) }?;
        let out = out_arg(F, "merged_json_out", merged_json_out)?;
        let first = BudgetedRunSummary::from_json(first)?;
        let then = BudgetedRunSummary::from_json(then)?;
        let json = to_json(&first.then(&then))?;
        unsafe { out.write_string(json) }
    })
}
