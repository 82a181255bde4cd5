//! The budget exports called as C calls them: psim_sim_workload, psim_sim_run_budget and
//! psim_sim_events_discard give the core's documents byte for byte, their errors have their
//! documented statuses and leave the out-parameters alone, and discarded events stay out of
//! events documents and snapshots.

mod common;

use std::ptr;

use common::*;
use payment_sim::*;
use payment_sim_core::Simulation;
use serde_json::Value;

/// The seed's workload with splitting: BANK_A splits above 50,000 into at most 4 parts.
fn splitting_workload() -> String {
    let mut config: Value = serde_json::from_str(&seed_workload(20, 2, 9)).unwrap();
    config["agent_configs"][0]["policy"] =
        serde_json::json!({"type": "Fifo", "split": {"threshold": 50000, "max_parts": 4}});
    config.to_string()
}

fn run_budget(sim: *mut psim_sim_t, ticks: u64, max: u64) -> Result<String, (psim_status, String)> {
    let mut out = ptr::null_mut();
    let status = unsafe { psim_sim_run_budget(sim, ticks, max, &mut out) };
    if status == psim_status::Ok {
        Ok(take(out))
    } else {
        assert!(out.is_null(), "out-parameter written on failure");
        Err((status, last_error()))
    }
}

fn last_error_json() -> String {
    unsafe { std::ffi::CStr::from_ptr(psim_last_error_json()) }
        .to_string_lossy()
        .into_owned()
}

fn discard(sim: *mut psim_sim_t, through: u64) {
    let status = unsafe { psim_sim_events_discard(sim, through) };
    assert_eq!(status, psim_status::Ok, "{}", last_error());
}

#[test]
fn workload_is_the_cores_document() {
    let config = splitting_workload();
    let sim = new_sim(&config);
    let mut rust = Simulation::from_json(&config).unwrap();
    let text = doc(psim_sim_workload, sim);
    assert_eq!(text, serde_json::to_string(&rust.workload()).unwrap());
    assert!(text.starts_with(
        r#"{"expected_orders_per_tick":5.0,"max_transactions_per_order":5,"expected_transactions_per_tick":7.0,"live_transactions":0,"events_held":0,"remaining_ticks":40,"queue1_parts_at_most":0,"max_events_per_transaction":6}"#
    ), "{text}");
    run(sim, 7);
    rust.run(7).unwrap();
    assert_eq!(
        doc(psim_sim_workload, sim),
        serde_json::to_string(&rust.workload()).unwrap()
    );
    unsafe { psim_sim_free(sim) };
}

#[test]
fn a_budgeted_run_is_the_cores_and_stops_at_the_budget() {
    let config = splitting_workload();
    let sim = new_sim(&config);
    let mut rust = Simulation::from_json(&config).unwrap();
    let first = run_budget(sim, 40, 30).unwrap();
    let expected = rust.run_with_budget(40, 30).unwrap();
    assert_eq!(first, serde_json::to_string(&expected).unwrap());
    let v: Value = serde_json::from_str(&first).unwrap();
    assert_eq!(v["stopped_by_budget"], true);
    assert!(v["transactions_created"].as_u64().unwrap() >= 30);
    assert!(v["ticks_run"].as_u64().unwrap() < 40);
    assert!(first.contains(r#","last":{"tick":"#), "{first}");
    assert!(first.contains(r#"},"transactions_created":"#), "{first}");
    assert!(first.ends_with(r#","stopped_by_budget":true}"#), "{first}");
    // The rest of the horizon with no budget to speak of: the whole remainder runs.
    let remaining = 40 - v["ticks_run"].as_u64().unwrap();
    let rest: Value = serde_json::from_str(&run_budget(sim, remaining, u64::MAX).unwrap()).unwrap();
    assert_eq!(rest["stopped_by_budget"], false);
    assert_eq!(rest["ticks_run"], remaining);
    rust.run(remaining).unwrap();
    assert_eq!(doc(psim_sim_snapshot, sim), rust.snapshot_json());
    unsafe { psim_sim_free(sim) };
}

#[test]
fn budgeted_run_errors_run_nothing() {
    let sim = new_sim(TWO_AGENTS);
    for (ticks, max, status, message) in [
        (
            0,
            5,
            psim_status::InvalidArgument,
            "ticks must be between 1 and the 10 remaining in the horizon (got 0)",
        ),
        (
            11,
            5,
            psim_status::InvalidArgument,
            "ticks must be between 1 and the 10 remaining in the horizon (got 11)",
        ),
        (
            3,
            0,
            psim_status::InvalidArgument,
            "max_transactions must be at least 1 (got 0)",
        ),
    ] {
        assert_eq!(
            run_budget(sim, ticks, max),
            Err((status, message.to_string()))
        );
    }
    assert!(last_error_json().contains(r#""path":"max_transactions""#));
    assert_eq!(scalar(psim_sim_current_tick, sim), 0);
    let mut marker = 7u8;
    let mut out = (&mut marker as *mut u8).cast();
    let status = unsafe { psim_sim_run_budget(ptr::null_mut(), 1, 1, &mut out) };
    assert_eq!(status, psim_status::NullArg);
    assert!(last_error().contains("psim_sim_run_budget: argument `sim` is NULL"));
    let status = unsafe { psim_sim_run_budget(sim, 1, 1, ptr::null_mut()) };
    assert_eq!(status, psim_status::NullArg);
    assert!(last_error().contains("`summary_json_out` is NULL"));
    let status = unsafe { psim_sim_workload(ptr::null(), &mut out) };
    assert_eq!(status, psim_status::NullArg);
    let status = unsafe { psim_sim_workload(sim, ptr::null_mut()) };
    assert_eq!(status, psim_status::NullArg);
    assert!(last_error().contains("`workload_json_out` is NULL"));
    assert_eq!(
        unsafe { psim_sim_events_discard(ptr::null_mut(), 1) },
        psim_status::NullArg
    );
    assert!(last_error().contains("psim_sim_events_discard: argument `sim` is NULL"));
    assert_eq!(out, (&mut marker as *mut u8).cast());
    assert_eq!(scalar(psim_sim_current_tick, sim), 0);
    run(sim, 10);
    assert_eq!(
        run_budget(sim, 1, 1).unwrap_err().0,
        psim_status::SimulationFinished
    );
    unsafe { psim_sim_free(sim) };
}

#[test]
fn discarded_events_leave_documents_and_snapshots() {
    let config = seed_workload(50, 1, 4);
    let sim = new_sim(&config);
    let mut rust = Simulation::from_json(&config).unwrap();
    run(sim, 20);
    rust.run(20).unwrap();
    let all: Value = serde_json::from_str(&events(sim, 0)).unwrap();
    let last = all["last_seq"].as_u64().unwrap();
    assert!(last > 20, "{last} events");
    discard(sim, 10);
    discard(sim, 5); // already gone: nothing
    rust.discard_events_through(10);
    let after: Value = serde_json::from_str(&events(sim, 0)).unwrap();
    assert_eq!(after["last_seq"], last);
    assert_eq!(after["events"][0]["seq"], 11);
    assert_eq!(
        after["events"].as_array().unwrap()[..],
        all["events"].as_array().unwrap()[10..]
    );
    let snapshot = doc(psim_sim_snapshot, sim);
    assert_eq!(snapshot, rust.snapshot_json());
    assert!(
        snapshot.contains(r#""events_discarded":10,"events":[{"seq":11,"#),
        "{snapshot}"
    );
    let workload: Value = serde_json::from_str(&doc(psim_sim_workload, sim)).unwrap();
    assert_eq!(workload["events_held"], last - 10);
    // Restored, it continues with the same numbers.
    let mut restored = ptr::null_mut();
    let text = cstring(&snapshot);
    assert_eq!(
        unsafe { psim_sim_restore(text.as_ptr(), &mut restored) },
        psim_status::Ok
    );
    discard(sim, u64::MAX);
    assert_eq!(
        events(sim, 0),
        format!(r#"{{"schema_version":1,"last_seq":{last},"events":[]}}"#)
    );
    run(sim, 5);
    run(restored, 5);
    let (a, b): (Value, Value) = (
        serde_json::from_str(&events(sim, last)).unwrap(),
        serde_json::from_str(&events(restored, last)).unwrap(),
    );
    assert_eq!(a, b);
    assert_eq!(a["events"][0]["seq"], last + 1);
    assert_eq!(doc(psim_sim_stats, sim), doc(psim_sim_stats, restored));
    unsafe {
        psim_sim_free(sim);
        psim_sim_free(restored);
    }
}

#[test]
fn summaries_merge_as_the_core_merges_them() {
    let config = splitting_workload();
    let sim = new_sim(&config);
    let first = run_budget(sim, 15, u64::MAX).unwrap();
    let then = run_budget(sim, 25, u64::MAX).unwrap();
    let merge = |a: &str, b: &str| {
        let mut out = ptr::null_mut();
        let status =
            unsafe { psim_run_summary_merge(cstring(a).as_ptr(), cstring(b).as_ptr(), &mut out) };
        if status == psim_status::Ok {
            Ok(take(out))
        } else {
            assert!(out.is_null(), "out-parameter written on failure");
            Err(status)
        }
    };
    let mut rust = Simulation::from_json(&config).unwrap();
    let whole = rust.run_with_budget(40, u64::MAX).unwrap();
    assert_eq!(
        merge(&first, &then),
        Ok(serde_json::to_string(&whole).unwrap())
    );
    assert_eq!(
        merge(&first, "{\"ticks_run\": 1}"),
        Err(psim_status::InvalidArgument)
    );
    assert_eq!(merge(&first, "{"), Err(psim_status::InvalidJson));
    let mut out = ptr::null_mut();
    let status = unsafe { psim_run_summary_merge(ptr::null(), cstring(&first).as_ptr(), &mut out) };
    assert_eq!(status, psim_status::NullArg);
    unsafe { psim_sim_free(sim) };
}
