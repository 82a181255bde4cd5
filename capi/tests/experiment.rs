//! The experiment functions called as C calls them: the points and records are the core's,
//! a point run alone gives the record the threaded run gives, and a bad axis is
//! INVALID_CONFIG naming the axis.

mod common;

use std::ptr;

use common::*;
use payment_sim::*;
use serde_json::Value;

const EXPERIMENT: &str = r#"
scenario: {simulation: {ticks_per_day: 20, seed: 3}, agents: [
  {id: A, balance: 0, policy: {type: Fifo}, arrival_config: {rate_per_tick: 0.5,
    distribution: {type: Uniform, min: 100, max: 900}, counterparty_weights: {B: 1.0}}},
  {id: B, balance: 0, policy: {type: Fifo}, arrival_config: {rate_per_tick: 0.5,
    distribution: {type: Uniform, min: 100, max: 900}, counterparty_weights: {A: 1.0}}}]}
axes: [{between_bounds: [0.0, 1.0]}]
seeds: [1, 2]
"#;

fn problems() -> Value {
    let text = unsafe { std::ffi::CStr::from_ptr(psim_last_error_json()) }.to_string_lossy();
    serde_json::from_str::<Value>(&text).unwrap()["problems"].clone()
}

#[test]
fn points_and_records_are_the_cores_whichever_way_they_run() {
    let e = cstring(EXPERIMENT);
    let mut out = ptr::null_mut();
    let status = unsafe { psim_experiment_expand_json(e.as_ptr(), ptr::null(), 0, &mut out) };
    assert_eq!(status, psim_status::Ok, "{}", last_error());
    let points: Value = serde_json::from_str(&take(out)).unwrap();
    assert_eq!(points["count"], 4);
    assert_eq!(
        points["axes"],
        serde_json::json!(["between_bounds", "seed"])
    );
    assert_eq!(
        points["points"][1]["values"],
        serde_json::json!({"between_bounds": 0.0, "seed": 2})
    );

    let mut out = ptr::null_mut();
    let status = unsafe {
        psim_experiment_run_json(
            e.as_ptr(),
            ptr::null(),
            0,
            2,
            None,
            ptr::null_mut(),
            &mut out,
        )
    };
    assert_eq!(status, psim_status::Ok, "{}", last_error());
    let all: Value = serde_json::from_str(&take(out)).unwrap();
    for i in 0..4u64 {
        let mut out = ptr::null_mut();
        let status =
            unsafe { psim_experiment_run_point_json(e.as_ptr(), ptr::null(), i, &mut out) };
        assert_eq!(status, psim_status::Ok, "{}", last_error());
        let one: Value = serde_json::from_str(&take(out)).unwrap();
        assert_eq!(one, all["records"][i as usize]);
        assert_eq!(one["status"], "ok");
    }
    let mut out = ptr::null_mut();
    let status = unsafe { psim_experiment_run_point_json(e.as_ptr(), ptr::null(), 4, &mut out) };
    assert_eq!(status, psim_status::InvalidArgument);
    assert!(out.is_null());
}

#[test]
fn a_bad_value_is_invalid_config_naming_the_axis() {
    let e = cstring(&EXPERIMENT.replace("[0.0, 1.0]", "[0.0, 2.0]"));
    let mut out = ptr::null_mut();
    let status = unsafe { psim_experiment_expand_json(e.as_ptr(), ptr::null(), 0, &mut out) };
    assert_eq!(status, psim_status::InvalidConfig);
    assert!(out.is_null());
    let p = problems();
    assert_eq!(p[0]["path"], "axes[0]", "{p}");
    assert_eq!(p[0]["value"], 2.0, "{p}");
    let base = cstring("{\"simulation\": {\"ticks_per_day\": 5, \"seed\": 1}, \"agents\": []}");
    let e = cstring("{\"scenario\": \"base.json\"}");
    let status = unsafe { psim_experiment_expand_json(e.as_ptr(), base.as_ptr(), 0, &mut out) };
    assert_eq!(status, psim_status::InvalidConfig);
    assert_eq!(problems()[0]["path"], "scenario.agents", "{}", problems());
}

#[test]
fn the_resolved_experiment_gives_the_same_records() {
    let base = "simulation: {ticks_per_day: 10, seed: 4}\nagents: [{id: A, balance: 50, policy: {type: Fifo}}, {id: B, balance: 0, policy: {type: Fifo}}]\nscenario_events: [{type: payment, tick: 1, sender: A, receiver: B, amount: 100}]\n";
    let (e, b) = (
        cstring("scenario: base.yaml\naxes: [{path: 'agents[A].balance', scale: [1, 2]}]\n"),
        cstring(base),
    );
    let mut out = ptr::null_mut();
    let status = unsafe { psim_experiment_resolve_json(e.as_ptr(), b.as_ptr(), &mut out) };
    assert_eq!(status, psim_status::Ok, "{}", last_error());
    let resolved = take(out);
    assert!(
        resolved.starts_with("{\"scenario\":{\"agents\""),
        "{resolved}"
    );
    let r = cstring(&resolved);
    for i in 0..2 {
        let (mut one, mut two) = (ptr::null_mut(), ptr::null_mut());
        unsafe {
            assert_eq!(
                psim_experiment_run_point_json(e.as_ptr(), b.as_ptr(), i, &mut one),
                psim_status::Ok
            );
            assert_eq!(
                psim_experiment_run_point_json(r.as_ptr(), ptr::null(), i, &mut two),
                psim_status::Ok
            );
        }
        assert_eq!(take(one), take(two));
    }
}
