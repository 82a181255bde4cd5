//! Single-number queries: balances, queue sizes, the clock.

use std::ffi::c_char;

use payment_sim_core::Simulation;

use crate::error::Failure;
use crate::handle::{psim_sim_t, PsimSim};
use crate::psim_status;
use crate::strings::{out_arg, str_arg};

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
