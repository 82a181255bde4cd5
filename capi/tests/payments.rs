//! psim_sim_run_payments called as C calls it: the core's results file, the summary, a bad
//! option or file reported with its path, a file rejected up front changing nothing.

mod common;

use std::path::PathBuf;
use std::ptr;

use common::*;
use payment_sim::*;
use serde_json::Value;

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("psim-capi-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn run_payments(sim: *mut psim_sim_t, request: &Value) -> Result<Value, (psim_status, Value)> {
    let mut out = ptr::null_mut();
    let req = cstring(&request.to_string());
    let status = unsafe { psim_sim_run_payments(sim, req.as_ptr(), &mut out) };
    if status == psim_status::Ok {
        Ok(serde_json::from_str(&take(out)).unwrap())
    } else {
        assert!(out.is_null(), "out-parameter written on failure");
        let report = unsafe { std::ffi::CStr::from_ptr(psim_last_error_json()) };
        Err((
            status,
            serde_json::from_str(report.to_str().unwrap()).unwrap(),
        ))
    }
}

#[test]
fn a_fed_run_writes_the_cores_results_and_rejects() {
    let d = dir("fed");
    let payments = d.join("p.csv");
    std::fs::write(
        &payments,
        "id,tick,sender,receiver,amount\nx,0,A,B,300\ny,1,A,Q,5\nz,6,B,A,100\n",
    )
    .unwrap();
    let sim = new_sim(TWO_AGENTS);
    let request = serde_json::json!({
        "payments": payments,
        "name": "p.csv",
        "options": {"on_invalid": "skip"},
        "results": d.join("r.csv"),
        "rejects": d.join("rej.jsonl"),
    });
    let summary = run_payments(sim, &request).unwrap();
    assert_eq!(
        summary,
        serde_json::json!({"rows": 3, "payments": 2, "skipped": 0, "rejected": 1, "chunks": 2,
            "ticks_run": 10, "finished": true, "results_written": 2, "rejects_written": 1,
            "first_skip": null,
            "first_reject": "p.csv line 3: column \"receiver\": unknown participant \"Q\""})
    );
    let results = std::fs::read_to_string(d.join("r.csv")).unwrap();
    assert!(results.starts_with("id,tx,line,"), "{results}");
    assert!(
        results.contains("\nx,T1,2,A,B,300,0,50,settled,0,rtgs,0,0,,,\n"),
        "{results}"
    );
    assert!(
        results.contains("\nz,T2,4,B,A,100,6,56,settled,6,rtgs,0,0,,,\n"),
        "{results}"
    );
    let rejects = std::fs::read_to_string(d.join("rej.jsonl")).unwrap();
    assert_eq!(
        rejects,
        "{\"id\":\"y\",\"kind\":\"invalid\",\"line\":3,\"reason\":\"column \\\"receiver\\\": unknown participant \\\"Q\\\"\"}\n"
    );
    // Finished: a second call is refused.
    let (status, _) = run_payments(sim, &request).unwrap_err();
    assert_eq!(status, psim_status::SimulationFinished);
    unsafe { psim_sim_free(sim) };
    std::fs::remove_dir_all(d).unwrap();
}

#[test]
fn bad_options_and_files_are_problems_and_change_nothing() {
    let d = dir("bad");
    let payments = d.join("p.csv");
    std::fs::write(&payments, "id,tick,sender,receiver,amount\nx,0,A,B,0\n").unwrap();
    let sim = new_sim(TWO_AGENTS);
    let before = doc(psim_sim_state, sim);
    let cases = [
        (
            serde_json::json!({"payments": payments, "name": "p.csv"}),
            psim_status::InvalidConfig,
            "p.csv:2:amount",
        ),
        (
            serde_json::json!({"payments": payments, "options": {"on_outside": "ignore", "business_day": "7-18"}}),
            psim_status::InvalidConfig,
            "business_day",
        ),
        (
            serde_json::json!({"payments": payments, "speed": 3}),
            psim_status::InvalidConfig,
            "speed",
        ),
        (
            serde_json::json!({"payments": d.join("missing.csv")}),
            psim_status::InvalidArgument,
            "payments",
        ),
    ];
    for (request, status, path) in cases {
        let (got, report) = run_payments(sim, &request).unwrap_err();
        assert_eq!(got, status, "{report}");
        let paths: Vec<&str> = report["problems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["path"].as_str().unwrap())
            .collect();
        assert!(paths.iter().any(|p| p.contains(path)), "{paths:?} ∌ {path}");
        assert_eq!(doc(psim_sim_state, sim), before, "nothing changed");
    }
    unsafe { psim_sim_free(sim) };
    std::fs::remove_dir_all(d).unwrap();
}

/// A refused file loses nothing: an earlier run's results and rejects files stay as they were,
/// and files the call would have created are not left behind. A run that goes ahead replaces them.
#[test]
fn a_refused_file_leaves_the_output_files_as_they_were() {
    let d = dir("outputs");
    let bad = d.join("bad.csv");
    std::fs::write(&bad, "id,tick,sender,receiver,amount\nx,0,A,B,0\n").unwrap();
    let (results, rejects) = (d.join("r.csv"), d.join("rej.csv"));
    std::fs::write(&results, "an earlier run's results\n").unwrap();
    std::fs::write(&rejects, "an earlier run's rejects\n").unwrap();
    let sim = new_sim(TWO_AGENTS);
    let request = serde_json::json!({"payments": bad, "results": results, "rejects": rejects});
    let (status, _) = run_payments(sim, &request).unwrap_err();
    assert_eq!(status, psim_status::InvalidConfig);
    assert_eq!(
        std::fs::read_to_string(&results).unwrap(),
        "an earlier run's results\n"
    );
    assert_eq!(
        std::fs::read_to_string(&rejects).unwrap(),
        "an earlier run's rejects\n"
    );
    let (fresh, fresh_rejects) = (d.join("new.csv"), d.join("new-rej.jsonl"));
    let request = serde_json::json!({"payments": bad, "results": fresh, "rejects": fresh_rejects});
    run_payments(sim, &request).unwrap_err();
    assert!(
        !fresh.exists() && !fresh_rejects.exists(),
        "no file left behind"
    );
    let (status, _) = schedule_payments(
        sim,
        &serde_json::json!({"payments": bad, "rejects": rejects}),
    )
    .unwrap_err();
    assert_eq!(status, psim_status::InvalidConfig);
    assert_eq!(
        std::fs::read_to_string(&rejects).unwrap(),
        "an earlier run's rejects\n"
    );

    let good = d.join("good.csv");
    std::fs::write(&good, "id,tick,sender,receiver,amount\nx,0,A,B,300\n").unwrap();
    let request = serde_json::json!({"payments": good, "results": results, "rejects": rejects});
    run_payments(sim, &request).unwrap();
    let written = std::fs::read_to_string(&results).unwrap();
    assert!(written.starts_with("id,tx,line,"), "{written}");
    let rejected = std::fs::read_to_string(&rejects).unwrap();
    assert_eq!(
        rejected, "line,id,kind,reason\n",
        "no rejects: the header alone"
    );
    unsafe { psim_sim_free(sim) };
    std::fs::remove_dir_all(d).unwrap();
}

fn schedule_payments(sim: *mut psim_sim_t, request: &Value) -> Result<Value, (psim_status, Value)> {
    let mut out = ptr::null_mut();
    let req = cstring(&request.to_string());
    let status = unsafe { psim_sim_schedule_payments(sim, req.as_ptr(), &mut out) };
    if status == psim_status::Ok {
        Ok(serde_json::from_str(&take(out)).unwrap())
    } else {
        assert!(out.is_null(), "out-parameter written on failure");
        let report = unsafe { std::ffi::CStr::from_ptr(psim_last_error_json()) };
        Err((
            status,
            serde_json::from_str(report.to_str().unwrap()).unwrap(),
        ))
    }
}

/// A whole file scheduled at once: all or nothing; ids may repeat across days, not within.
#[test]
fn a_scheduled_file_is_all_or_nothing() {
    let d = dir("schedule");
    let good = d.join("good.csv");
    std::fs::write(
        &good,
        "id,tick,sender,receiver,amount\nx,1,A,B,300\nx,6,A,B,200\n",
    )
    .unwrap();
    let bad = d.join("bad.csv");
    std::fs::write(
        &bad,
        "id,tick,sender,receiver,amount\nx,1,A,B,300\nx,2,A,B,200\ny,7,A,B,0\n",
    )
    .unwrap();
    let sim = new_sim(TWO_AGENTS);
    let before = doc(psim_sim_state, sim);
    let (status, report) = schedule_payments(
        sim,
        &serde_json::json!({"payments": bad, "name": "bad.csv"}),
    )
    .unwrap_err();
    assert_eq!(status, psim_status::InvalidConfig);
    let paths: Vec<&str> = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["bad.csv:4:amount", "bad.csv:3:id"]);
    assert_eq!(doc(psim_sim_state, sim), before, "nothing scheduled");
    let (status, _) =
        schedule_payments(sim, &serde_json::json!({"payments": good, "ticks": 3})).unwrap_err();
    assert_eq!(status, psim_status::InvalidArgument);
    let summary = schedule_payments(sim, &serde_json::json!({"payments": good})).unwrap();
    assert_eq!(summary["payments"], 2);
    assert_eq!(summary["rows"], 2);
    run(sim, 10);
    let mut balance = 0i64;
    let b = cstring("B");
    assert_eq!(
        unsafe { psim_sim_agent_balance(sim, b.as_ptr(), &mut balance) },
        psim_status::Ok
    );
    assert_eq!(balance, 500, "both payments arrived and settled");
    unsafe { psim_sim_free(sim) };
    std::fs::remove_dir_all(d).unwrap();
}
