//! Policies written by the host program: [`psim_sim_set_host_policy`] registers a callback
//! that decides for every agent whose policy is `{"type": "Host"}`;
//! [`psim_sim_host_policy_agents`] and [`psim_sim_require_host_policy`] tell a host what it has
//! to supply. The view and the decisions cross as JSON, as every other document of the ABI
//! (the core owns both shapes: `docs/policies.md` § Policies written in Python).

use std::ffi::{c_char, c_void, CStr, CString};

use payment_sim_core::host_policy::{HostDecision, HostPolicy, HostView};
use payment_sim_core::Problem;

use crate::handle::{psim_sim_t, PsimSim};
use crate::psim_status;
use crate::strings::out_arg;

/// Decides for one agent with a Host policy, once per tick (agents in configuration order,
/// only those with orders in Queue 1 and not in an outage).
///
/// - `user_data`: what was given to psim_sim_set_host_policy().
/// - `view_json`: the agent's view (docs/policies.md § Policies written in Python), owned by
///   the library, valid during the call only.
/// - `decisions_json_out`: the callback sets it to a NUL-terminated UTF-8 JSON list of
///   decisions, `[{"id": "T17", "action": "release"}, {"id": "T18", "action": "split",
///   "parts": 3}, {"id": "T19", "action": "hold"}]`, in release order (payments left out are
///   held). The text stays the host's: it must stay valid until the callback returns to the
///   library, which copies it at once (a buffer the host reuses from call to call is fine).
///
/// Returns 0 on success. Any other value fails the tick (PSIM_STATUS_HOST_POLICY); the
/// callback may then set `*decisions_json_out` to a message saying why (or leave it NULL).
/// It runs on the thread that ticks, with the handle locked: it must not call the library
/// on the same handle.
pub type psim_host_policy_fn = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        view_json: *const c_char,
        decisions_json_out: *mut *const c_char,
    ) -> i32,
>;

/// A C callback as the core's [`HostPolicy`].
struct CallbackPolicy {
    decide: unsafe extern "C" fn(*mut c_void, *const c_char, *mut *const c_char) -> i32,
    user_data: *mut c_void,
}

// SAFETY: the caller of psim_sim_set_host_policy() accepts calls from whichever thread ticks
// the handle (documented there); the handle's lock makes them one at a time.
unsafe impl Send for CallbackPolicy {}

impl HostPolicy for CallbackPolicy {
    fn decide(&mut self, view: &HostView) -> Result<Vec<HostDecision>, Problem> {
        // JSON escapes every control character: the view has no NUL.
        let view = CString::new(view.to_json()).unwrap_or_default();
        let mut out: *const c_char = std::ptr::null();
        // SAFETY: the host's callback, with its data, per psim_sim_set_host_policy()'s contract.
        let status = unsafe { (self.decide)(self.user_data, view.as_ptr(), &mut out) };
        let text = if out.is_null() {
            None
        } else {
            // SAFETY: a NUL-terminated string, valid until we return to the host.
            let bytes = unsafe { CStr::from_ptr(out) };
            Some(bytes.to_str().map_err(|e| {
                Problem::whole(format!(
                    "the decisions are not valid UTF-8 (at offset {})",
                    e.valid_up_to()
                ))
            })?)
        };
        match (status, text) {
            (0, Some(text)) => HostDecision::list_from_json(text),
            (0, None) => Err(Problem::whole(
                "the callback returned 0 but no decisions (decisions_json_out is NULL)",
            )),
            (_, Some(message)) if !message.is_empty() => Err(Problem::whole(message)),
            (status, _) => Err(Problem::whole(format!(
                "the callback failed (returned {status})"
            ))),
        }
    }
}

/// Register the host program's policy: `decide` is called once per tick for each agent whose
/// policy is `{"type": "Host"}` (see psim_host_policy_fn). A simulation with such agents
/// cannot tick until one is registered; snapshots record the Host policies (in the
/// configuration) but never the callback, so a restored simulation needs it again.
///
/// If `decide` fails or returns decisions the core refuses (not JSON, an unknown payment id, a
/// payment decided twice, a split outside 2–1000 parts), the tick returns
/// PSIM_STATUS_HOST_POLICY with the agent, the tick and the problem (path into the decisions,
/// e.g. `[2].parts`) in psim_last_error_json(), and the simulation is exactly as it was before
/// the tick. A run (psim_sim_run, …) stops at that tick; the ticks before it stand.
///
/// - `sim`: the handle.
/// - `decide`: the callback; NULL forgets the registered one.
/// - `user_data`: passed to every call of `decide` (may be NULL).
///
/// Returns PSIM_STATUS_OK, or: PSIM_STATUS_NULL_ARG (`sim`); PSIM_STATUS_POISONED;
/// PSIM_STATUS_PANIC.
///
/// Thread safety: serialised with every other call on `sim`. `decide` is called on the thread
/// that ticks, with `sim` locked, and must not call the library on `sim`.
///
/// # Safety
/// `sim` is NULL or a live handle; `decide` and `user_data` stay valid until another policy is
/// registered or `sim` is freed.
#[no_mangle]
pub unsafe extern "C" fn psim_sim_set_host_policy(
    sim: *mut psim_sim_t,
    decide: psim_host_policy_fn,
    user_data: *mut c_void,
) -> psim_status {
    const F: &str = "psim_sim_set_host_policy";
    ffi_boundary!("psim_sim_set_host_policy", {
        let handle = unsafe { PsimSim::from_ptr(F, "sim", sim) }?;
        let policy = decide
            .map(|decide| Box::new(CallbackPolicy { decide, user_data }) as Box<dyn HostPolicy>);
        handle.with(F, |s| {
            s.set_host_policy(policy);
            Ok(())
        })
    })
}

/// The ids of the agents whose policy is `{"type": "Host"}`, in configuration order, as a
/// JSON list (`["BANK_A"]`; `[]` when none).
///
/// - `sim`: the handle.
/// - `agents_json_out`: receives the list, owned by the caller, released with
///   psim_string_free().
///
/// Returns PSIM_STATUS_OK, or: PSIM_STATUS_NULL_ARG; PSIM_STATUS_POISONED; PSIM_STATUS_PANIC.
///
/// Thread safety: serialised with every other call on `sim`.
///
/// # Safety
/// `sim` is NULL or a live handle; `agents_json_out` is NULL or valid for a write.
#[no_mangle]
pub unsafe extern "C" fn psim_sim_host_policy_agents(
    sim: *const psim_sim_t,
    agents_json_out: *mut *mut c_char,
) -> psim_status {
    const F: &str = "psim_sim_host_policy_agents";
    ffi_boundary!("psim_sim_host_policy_agents", {
        let handle = unsafe { PsimSim::from_ptr(F, "sim", sim) }?;
        let out = out_arg(F, "agents_json_out", agents_json_out)?;
        let agents = handle.with(F, |s| Ok(s.host_policy_agents()))?;
        let json = serde_json::to_string(&agents).unwrap_or_else(|_| "[]".into());
        unsafe { out.write_string(json) }
    })
}

/// PSIM_STATUS_INVALID_CONFIG, with one problem per agent whose policy is `{"type": "Host"}`
/// (path `agent_configs[i].policy`), when no host policy is registered; PSIM_STATUS_OK
/// otherwise. A host that will never supply a policy (a service, a batch runner) calls it
/// right after psim_sim_new()/psim_sim_restore() to refuse such a configuration up front.
///
/// Returns PSIM_STATUS_OK, or: PSIM_STATUS_INVALID_CONFIG; PSIM_STATUS_NULL_ARG;
/// PSIM_STATUS_POISONED; PSIM_STATUS_PANIC.
///
/// Thread safety: serialised with every other call on `sim`.
///
/// # Safety
/// `sim` is NULL or a live handle.
#[no_mangle]
pub unsafe extern "C" fn psim_sim_require_host_policy(sim: *const psim_sim_t) -> psim_status {
    const F: &str = "psim_sim_require_host_policy";
    ffi_boundary!("psim_sim_require_host_policy", {
        let handle = unsafe { PsimSim::from_ptr(F, "sim", sim) }?;
        handle.with(F, |s| Ok(s.require_host_policy()?))
    })
}
