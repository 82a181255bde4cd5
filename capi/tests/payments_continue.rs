//! psim_sim_continue_payments as C calls it: a fed run stopped before its horizon is
//! suspended, continued in slices (and across a snapshot and restore) it writes byte for
//! byte what the uninterrupted run writes; a changed file is refused and changes nothing;
//! a suspended run is not ticked on its own nor fed another file.

mod common;

use std::path::{Path, PathBuf};
use std::ptr;

use common::*;
use payment_sim::*;
use serde_json::Value;

/// Three agents with little liquidity (payments wait in Queue 2 across the stops), 3 days.
const THREE: &str = r#"{"ticks_per_day": 5, "num_days": 3, "rng_seed": 7,
  "agent_configs": [
    {"id": "A", "opening_balance": 500, "credit_limit": 0, "policy": {"type": "Fifo"}},
    {"id": "B", "opening_balance": 300, "credit_limit": 0, "policy": {"type": "Fifo"}},
    {"id": "C", "opening_balance": 100, "credit_limit": 0, "policy": {"type": "Fifo"}}]}"#;

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("psim-capi-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// 120 payments over the 15 ticks, an extra column, two invalid rows (skipped).
fn payments_file(d: &Path) -> PathBuf {
    let names = ["A", "B", "C"];
    let mut text = String::from("id,tick,sender,receiver,amount,note\n");
    for k in 0..120u64 {
        let s = (k * 7 % 3) as usize;
        let r = (s + 1 + (k % 2) as usize) % 3;
        let amount = 20 + (k * 7_919) % 400;
        let tick = k * 15 / 120;
        text.push_str(&format!(
            "P{k},{tick},{},{},{amount},n{k}\n",
            names[s], names[r]
        ));
        if k == 30 || k == 90 {
            text.push_str(&format!("BAD{k},{tick},A,A,5,self\n"));
        }
    }
    let p = d.join("p.csv");
    std::fs::write(&p, text).unwrap();
    p
}

type Outcome = Result<Value, (psim_status, String)>;

fn call(
    f: unsafe extern "C" fn(
        *mut psim_sim_t,
        *const std::ffi::c_char,
        *mut *mut std::ffi::c_char,
    ) -> psim_status,
    sim: *mut psim_sim_t,
    request: &Value,
) -> Outcome {
    let mut out = ptr::null_mut();
    let req = cstring(&request.to_string());
    let status = unsafe { f(sim, req.as_ptr(), &mut out) };
    if status == psim_status::Ok {
        Ok(serde_json::from_str(&take(out)).unwrap())
    } else {
        assert!(out.is_null(), "out-parameter written on failure");
        Err((status, last_error()))
    }
}

fn start(sim: *mut psim_sim_t, d: &Path, ticks: Option<u64>) -> Outcome {
    let mut request = serde_json::json!({
        "payments": d.join("p.csv"),
        "options": {"on_invalid": "skip"},
        "results": d.join("r.csv"),
        "rejects": d.join("x.jsonl"),
    });
    if let Some(t) = ticks {
        request["ticks"] = t.into();
    }
    call(psim_sim_run_payments, sim, &request)
}

fn go_on(sim: *mut psim_sim_t, ticks: Option<u64>) -> Outcome {
    let request = match ticks {
        Some(t) => serde_json::json!({ "ticks": t }),
        None => serde_json::json!({}),
    };
    call(psim_sim_continue_payments, sim, &request)
}

fn snapshot(sim: *mut psim_sim_t) -> String {
    doc(psim_sim_snapshot, sim)
}

fn restore(text: &str) -> *mut psim_sim_t {
    let mut sim = ptr::null_mut();
    let status = unsafe { psim_sim_restore(cstring(text).as_ptr(), &mut sim) };
    assert_eq!(status, psim_status::Ok, "{}", last_error());
    sim
}

fn read(d: &Path, name: &str) -> Vec<u8> {
    std::fs::read(d.join(name)).unwrap()
}

/// The uninterrupted run's results, rejects and final snapshot.
fn whole(d: &Path) -> (Vec<u8>, Vec<u8>, String) {
    let sim = new_sim(THREE);
    let summary = start(sim, d, None).unwrap();
    assert_eq!(summary["finished"], true);
    assert!(summary.get("suspended").is_none(), "{summary}");
    let out = (read(d, "r.csv"), read(d, "x.jsonl"), snapshot(sim));
    unsafe { psim_sim_free(sim) };
    out
}

#[test]
fn slices_write_what_the_uninterrupted_run_writes() {
    let d = dir("slices");
    payments_file(&d);
    let (results, rejects, last) = whole(&d);
    assert_eq!(results.iter().filter(|b| **b == b'\n').count(), 121);

    let sim = new_sim(THREE);
    let first = start(sim, &d, Some(3)).unwrap();
    assert_eq!(first["suspended"], true, "{first}");
    assert_eq!(first["finished"], false);
    assert_eq!(first["ticks_run"], 3);
    assert!(first["results_path"].as_str().unwrap().ends_with("r.csv"));
    assert!(read(&d, "r.csv").len() < results.len());
    // Suspended: not ticked on its own, not fed another file (its files untouched).
    let before = (read(&d, "r.csv"), snapshot(sim));
    let mut out = ptr::null_mut();
    assert_eq!(
        unsafe { psim_sim_tick(sim, &mut out) },
        psim_status::InvalidArgument
    );
    assert!(
        last_error().contains("continue_payments"),
        "{}",
        last_error()
    );
    let (status, message) = start(sim, &d, None).unwrap_err();
    assert_eq!(status, psim_status::InvalidArgument);
    assert!(message.contains("suspended run fed from"), "{message}");
    assert!((read(&d, "r.csv"), snapshot(sim)) == before);

    // Mid-day, across a day's end, then to the horizon.
    let second = go_on(sim, Some(4)).unwrap();
    assert_eq!(
        (second["ticks_run"].as_u64(), second["suspended"].as_bool()),
        (Some(4), Some(true))
    );
    let third = go_on(sim, Some(1)).unwrap();
    assert_eq!(third["suspended"], true);
    let last_call = go_on(sim, None).unwrap();
    assert_eq!(last_call["finished"], true);
    assert!(last_call.get("suspended").is_none());
    assert_eq!(last_call["ticks_run"], 7);
    assert_eq!(last_call["results_written"], 120);
    assert!(read(&d, "r.csv") == results, "results differ");
    assert!(read(&d, "x.jsonl") == rejects, "rejects differ");
    assert!(snapshot(sim) == last, "final snapshots differ");
    // Finished: nothing to continue.
    assert_eq!(
        go_on(sim, None).unwrap_err().0,
        psim_status::SimulationFinished
    );
    unsafe { psim_sim_free(sim) };
    std::fs::remove_dir_all(d).unwrap();
}

#[test]
fn a_snapshot_between_slices_restores_and_continues() {
    let d = dir("restore");
    payments_file(&d);
    let (results, rejects, last) = whole(&d);
    let sim = new_sim(THREE);
    start(sim, &d, Some(6)).unwrap();
    let saved = snapshot(sim);
    assert!(saved.contains("\"payments\":{\"path\":"), "{saved}");
    // Payments are held across the stop (the case worth testing).
    assert!(saved.contains("\"live\":[{"), "{saved}");
    unsafe { psim_sim_free(sim) };
    let sim = restore(&saved);
    go_on(sim, Some(5)).unwrap();
    let sim2 = restore(&snapshot(sim));
    unsafe { psim_sim_free(sim) };
    go_on(sim2, None).unwrap();
    assert!(read(&d, "r.csv") == results, "results differ");
    assert!(read(&d, "x.jsonl") == rejects, "rejects differ");
    assert!(snapshot(sim2) == last, "final snapshots differ");
    unsafe { psim_sim_free(sim2) };
    std::fs::remove_dir_all(d).unwrap();
}

#[test]
fn a_changed_file_is_refused_and_changes_nothing() {
    let d = dir("changed");
    let p = payments_file(&d);
    let sim = new_sim(THREE);
    start(sim, &d, Some(4)).unwrap();
    let before = (snapshot(sim), read(&d, "r.csv"), read(&d, "x.jsonl"));
    let original = std::fs::read(&p).unwrap();
    let mut changed = original.clone();
    changed.extend(b"LATE,12,A,B,5,late\n");
    std::fs::write(&p, &changed).unwrap();
    let (status, message) = go_on(sim, None).unwrap_err();
    assert_eq!(status, psim_status::InvalidConfig);
    assert!(
        message.contains("has changed since the run was saved"),
        "{message}"
    );
    assert!((snapshot(sim), read(&d, "r.csv"), read(&d, "x.jsonl")) == before);
    std::fs::remove_file(&p).unwrap();
    let (status, message) = go_on(sim, None).unwrap_err();
    assert_eq!(status, psim_status::InvalidArgument);
    assert!(message.contains("p.csv"), "{message}");
    assert!((snapshot(sim), read(&d, "r.csv"), read(&d, "x.jsonl")) == before);
    // Bad requests and a simulation with nothing to continue.
    assert_eq!(
        call(
            psim_sim_continue_payments,
            sim,
            &serde_json::json!({"tick": 2})
        )
        .unwrap_err()
        .0,
        psim_status::InvalidConfig
    );
    let plain = new_sim(THREE);
    let (status, message) = go_on(plain, None).unwrap_err();
    assert_eq!(status, psim_status::InvalidArgument);
    assert!(message.contains("no suspended fed run"), "{message}");
    // The same file again: the run goes on to the horizon.
    std::fs::write(&p, &original).unwrap();
    assert_eq!(go_on(sim, None).unwrap()["finished"], true);
    unsafe {
        psim_sim_free(sim);
        psim_sim_free(plain);
    }
    std::fs::remove_dir_all(d).unwrap();
}
