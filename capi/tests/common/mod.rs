//! Helpers shared by the capi integration tests: they call the exports exactly as C does.
#![allow(dead_code)]

use std::ffi::{c_char, CStr, CString};
use std::ptr;

use payment_sim::*;

/// The seed's 10-agent workload: BANK_A..BANK_J, 5,000,000 opening, 1,000,000 credit, Fifo,
/// Poisson rate 0.5, Normal(100000, 30000), uniform weights over the others.
pub fn seed_workload(ticks_per_day: u64, num_days: u64, seed: u64) -> String {
    let ids: Vec<String> = (b'A'..=b'J')
        .map(|c| format!("BANK_{}", c as char))
        .collect();
    let agents: Vec<serde_json::Value> = ids
        .iter()
        .map(|id| {
            let weights: serde_json::Map<String, serde_json::Value> = ids
                .iter()
                .filter(|other| *other != id)
                .map(|other| (other.clone(), serde_json::json!(1.0)))
                .collect();
            serde_json::json!({
                "id": id,
                "opening_balance": 5_000_000,
                "credit_limit": 1_000_000,
                "policy": {"type": "Fifo"},
                "arrival_config": {
                    "rate_per_tick": 0.5,
                    "distribution": {"type": "Normal", "mean": 100000.0, "std_dev": 30000.0},
                    "counterparty_weights": weights,
                }
            })
        })
        .collect();
    serde_json::json!({
        "ticks_per_day": ticks_per_day,
        "num_days": num_days,
        "rng_seed": seed,
        "agent_configs": agents,
    })
    .to_string()
}

/// Two agents without arrivals: A (balance 1,000) and B (balance 0), 10 ticks.
pub const TWO_AGENTS: &str = r#"{"ticks_per_day": 5, "num_days": 2, "rng_seed": 7,
  "agent_configs": [
    {"id": "A", "opening_balance": 1000, "credit_limit": 0, "policy": {"type": "Fifo"}},
    {"id": "B", "opening_balance": 0, "credit_limit": 0, "policy": {"type": "Fifo"}}]}"#;

pub fn cstring(s: &str) -> CString {
    CString::new(s).unwrap()
}

/// Copy a library string and release it.
pub fn take(s: *mut c_char) -> String {
    assert!(!s.is_null());
    let text = unsafe { CStr::from_ptr(s) }.to_str().unwrap().to_string();
    unsafe { psim_string_free(s) };
    text
}

pub fn last_error() -> String {
    unsafe { CStr::from_ptr(psim_last_error()) }
        .to_str()
        .unwrap()
        .to_string()
}

/// Create a handle, panicking with the library's message on failure.
pub fn new_sim(config: &str) -> *mut psim_sim_t {
    let mut sim = ptr::null_mut();
    let status = unsafe { psim_sim_new(cstring(config).as_ptr(), &mut sim) };
    assert_eq!(status, psim_status::Ok, "{}", last_error());
    sim
}

/// Call a `(sim, char **out)` export and return the document.
pub fn doc(
    f: unsafe extern "C" fn(*const psim_sim_t, *mut *mut c_char) -> psim_status,
    sim: *const psim_sim_t,
) -> String {
    let mut out = ptr::null_mut();
    let status = unsafe { f(sim, &mut out) };
    assert_eq!(status, psim_status::Ok, "{}", last_error());
    take(out)
}

pub fn tick(sim: *mut psim_sim_t) -> String {
    let mut out = ptr::null_mut();
    let status = unsafe { psim_sim_tick(sim, &mut out) };
    assert_eq!(status, psim_status::Ok, "{}", last_error());
    take(out)
}

pub fn run(sim: *mut psim_sim_t, ticks: u64) -> String {
    let mut out = ptr::null_mut();
    let status = unsafe { psim_sim_run(sim, ticks, &mut out) };
    assert_eq!(status, psim_status::Ok, "{}", last_error());
    take(out)
}

pub fn events(sim: *const psim_sim_t, from_seq: u64) -> String {
    let mut out = ptr::null_mut();
    let status = unsafe { psim_sim_events(sim, from_seq, &mut out) };
    assert_eq!(status, psim_status::Ok, "{}", last_error());
    take(out)
}

pub fn submit(sim: *mut psim_sim_t, tx: &str) -> Result<String, (psim_status, String)> {
    let mut out = ptr::null_mut();
    let status = unsafe { psim_sim_submit(sim, cstring(tx).as_ptr(), &mut out) };
    if status == psim_status::Ok {
        Ok(take(out))
    } else {
        assert!(out.is_null(), "out-parameter written on failure");
        Err((status, last_error()))
    }
}

pub fn scalar(
    f: unsafe extern "C" fn(*const psim_sim_t, *mut u64) -> psim_status,
    sim: *const psim_sim_t,
) -> u64 {
    let mut out = u64::MAX;
    let status = unsafe { f(sim, &mut out) };
    assert_eq!(status, psim_status::Ok, "{}", last_error());
    out
}
