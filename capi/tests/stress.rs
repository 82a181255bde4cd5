//! psim_stress_run called as C calls it: the core's report byte for byte, the progress
//! callback with its user data, and a bad definition's problems with their paths.

mod common;

use std::ffi::c_void;
use std::ptr;

use common::*;
use payment_sim::*;
use serde_json::Value;

const STRESS: &str =
    "scenarios: [{type: outage, participants: {largest: 2}, from_tick: 5, to_tick: 30}]";

unsafe extern "C" fn count(done: u64, total: u64, user_data: *mut c_void) {
    let calls = unsafe { &*(user_data as *const std::sync::Mutex<Vec<(u64, u64)>>) };
    calls.lock().unwrap().push((done, total));
}

#[test]
fn the_report_is_the_cores_and_progress_reaches_the_caller() {
    let config = seed_workload(20, 2, 9);
    let rust = payment_sim_core::stress::stress_text(&config, STRESS, Some(1), None)
        .unwrap()
        .to_json();
    let calls = std::sync::Mutex::new(Vec::<(u64, u64)>::new());
    let (c, s) = (cstring(&config), cstring(STRESS));
    let mut out = ptr::null_mut();
    let status = unsafe {
        psim_stress_run(
            c.as_ptr(),
            s.as_ptr(),
            2,
            Some(count),
            &calls as *const _ as *mut c_void,
            &mut out,
        )
    };
    assert_eq!(status, psim_status::Ok, "{}", last_error());
    assert_eq!(take(out), rust);
    // On this thread, as runs finish: the benchmark first, all three last, never backwards.
    let calls = calls.into_inner().unwrap();
    assert_eq!(calls.first(), Some(&(1, 3)));
    assert_eq!(calls.last(), Some(&(3, 3)));
    assert!(calls.windows(2).all(|w| w[0].0 < w[1].0));
}

#[test]
fn a_bad_definition_is_invalid_config_with_its_path_and_no_report() {
    let (c, s) = (
        cstring(&seed_workload(20, 2, 9)),
        cstring("scenarios: [{type: outage, participants: [NOPE], from_tick: 5, to_tick: 30}]"),
    );
    let mut out = ptr::null_mut();
    let status =
        unsafe { psim_stress_run(c.as_ptr(), s.as_ptr(), 0, None, ptr::null_mut(), &mut out) };
    assert_eq!(status, psim_status::InvalidConfig);
    assert!(out.is_null());
    let err: Value = serde_json::from_str(
        &unsafe { std::ffi::CStr::from_ptr(psim_last_error_json()) }.to_string_lossy(),
    )
    .unwrap();
    assert_eq!(
        err["problems"][0]["path"], "scenarios[0].participants[0]",
        "{err}"
    );
    let status =
        unsafe { psim_stress_run(ptr::null(), s.as_ptr(), 0, None, ptr::null_mut(), &mut out) };
    assert_eq!(status, psim_status::NullArg);
}
