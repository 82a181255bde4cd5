//! Expansion, checks and records of experiments.

use serde_json::json;

use super::*;

const BASE: &str = r#"{"simulation": {"ticks_per_day": 20, "seed": 7, "queue_discipline": "fifo"},
  "lsm": {"bilateral": false, "multilateral": false},
  "agents": [
    {"id": "A", "balance": 100000, "policy": {"type": "Fifo"},
     "arrival_config": {"rate_per_tick": 0.5, "distribution": {"type": "Uniform", "min": 10000, "max": 50000},
                        "counterparty_weights": {"B": 1.0}, "deadline_offset": 20}},
    {"id": "B", "balance": 100000, "policy": {"type": "Fifo"},
     "arrival_config": {"rate_per_tick": 0.5, "distribution": {"type": "Uniform", "min": 10000, "max": 50000},
                        "counterparty_weights": {"A": 1.0}, "deadline_offset": 20}}]}"#;

fn experiment(rest: serde_json::Value) -> Experiment {
    let mut e = json!({"scenario": serde_json::from_str::<serde_json::Value>(BASE).unwrap()});
    for (k, v) in rest.as_object().unwrap() {
        e[k] = v.clone();
    }
    serde_json::from_value(e).unwrap()
}

fn plan(rest: serde_json::Value) -> Result<Plan, SimError> {
    Plan::new(&experiment(rest), None, false)
}

#[test]
fn a_grid_expands_first_axis_outermost_and_seeds_innermost() {
    let p = plan(json!({
        "axes": [{"between_bounds": [0.0, 1.0]}, {"path": "lsm.bilateral", "values": [false, true]}],
        "seeds": {"first": 1, "count": 3}
    }))
    .unwrap();
    assert_eq!(p.len(), 12);
    assert_eq!(p.axis_names(), ["between_bounds", "lsm.bilateral", "seed"]);
    let v = |i| serde_json::to_value(p.point(i).values).unwrap();
    assert_eq!(
        v(0),
        json!({"between_bounds": 0.0, "lsm.bilateral": false, "seed": 1})
    );
    assert_eq!(
        v(1),
        json!({"between_bounds": 0.0, "lsm.bilateral": false, "seed": 2})
    );
    assert_eq!(
        v(3),
        json!({"between_bounds": 0.0, "lsm.bilateral": true, "seed": 1})
    );
    assert_eq!(
        v(11),
        json!({"between_bounds": 1.0, "lsm.bilateral": true, "seed": 3})
    );
}

#[test]
fn labels_name_the_values() {
    let p = plan(json!({"axes": [{"name": "A", "path": "agents[A].policy",
        "values": [{"type": "Fifo"}, {"type": "Deadline"}], "labels": ["fifo", "deadline"]}]}))
    .unwrap();
    assert_eq!(
        serde_json::to_value(p.point(1).values).unwrap(),
        json!({"A": "deadline"})
    );
    let e =
        plan(json!({"axes": [{"path": "lsm.bilateral", "values": [true], "labels": ["a", "b"]}]}));
    assert_eq!(e.unwrap_err().problems()[0].path, "axes[0].labels");
}

#[test]
fn zip_pairs_values_and_needs_equal_lengths() {
    let p = plan(json!({"design": "zip", "axes": [
        {"name": "a", "path": "agents[A].balance", "values": [1000, 2000]},
        {"name": "b", "path": "agents[B].balance", "values": [3000, 4000]}]}))
    .unwrap();
    assert_eq!(p.len(), 2);
    assert_eq!(
        serde_json::to_value(p.point(1).values).unwrap(),
        json!({"a": 2000, "b": 4000})
    );
    let e = plan(json!({"design": "zip", "axes": [
        {"name": "a", "path": "agents[A].balance", "values": [1000, 2000]},
        {"name": "b", "path": "agents[B].balance", "values": [3000]}]}))
    .unwrap_err();
    assert_eq!(e.problems()[0].path, "design");
}

#[test]
fn bad_axes_name_the_axis() {
    let e = plan(json!({"axes": [
        {"path": "agents[Z].balance", "values": [1]},
        {"path": "lsm.bilateral", "values": []},
        {"path": "agents[*].policy", "scale": [2.0]},
        {"path": "lsm.bilateral"}]}))
    .unwrap_err()
    .problems();
    let paths: Vec<&str> = e.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        paths,
        ["axes[0].path", "axes[1].values", "axes[2].path", "axes[3]"]
    );
    assert!(
        e[0].message.contains("no element with id \"Z\""),
        "{}",
        e[0].message
    );
}

#[test]
fn a_bad_value_names_the_axis_and_the_value() {
    let e =
        plan(json!({"axes": [{"path": "lsm.algorithm", "values": ["greedy_removal", "no_such"]}]}))
            .unwrap()
            .validate();
    let problems = e.unwrap_err().problems();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].path, "axes[0]");
    assert_eq!(problems[0].value, Some(json!("no_such")));
    assert!(
        problems[0]
            .message
            .starts_with("axes[0] (lsm.algorithm) = \"no_such\": "),
        "{}",
        problems[0].message
    );
    let e = plan(json!({"axes": [{"between_bounds": [0.5, 1.5]}]}))
        .unwrap()
        .validate();
    let problems = e.unwrap_err().problems();
    assert_eq!(problems.len(), 2, "{problems:?}"); // one per agent
    assert!(problems
        .iter()
        .all(|p| p.path == "axes[0]" && p.value == Some(json!(1.5))));
    let e = plan(json!({"axes": [{"path": "lsm.no_such_field", "values": [1]}]}))
        .unwrap()
        .validate();
    assert_eq!(e.unwrap_err().problems()[0].path, "axes[0]");
}

#[test]
fn too_many_points_need_allow_large() {
    let e = plan(json!({"seeds": {"first": 0, "count": 20000}})).unwrap_err();
    assert!(e.problems()[0].message.contains("20000 points"));
    let p = Plan::new(
        &experiment(json!({"seeds": {"first": 0, "count": 20000}})),
        None,
        true,
    )
    .unwrap();
    assert_eq!(p.len(), 20000);
    let huge = experiment(json!({"seeds": {"first": 0, "count": 1u64 << 40}}));
    let e = Plan::new(&huge, None, true).unwrap_err();
    assert!(e.problems()[0].message.contains("any experiment may have"));
}

#[test]
fn a_path_base_needs_its_text() {
    let mut e = experiment(json!({}));
    e.scenario = json!("base.yaml");
    assert_eq!(
        Plan::new(&e, None, false).unwrap_err().problems()[0].path,
        "scenario"
    );
    let p = Plan::new(&e, Some(BASE), false).unwrap();
    assert_eq!(p.len(), 1);
}

#[test]
fn records_are_the_same_whatever_the_threads_and_failures_are_kept() {
    let p =
        plan(json!({"axes": [{"times_upper_bound": [0.0, 0.5, 1.0]}], "seeds": [1, 2]})).unwrap();
    let one = run(&p, Some(1), None).unwrap();
    let two = run(&p, Some(2), None).unwrap();
    assert_eq!(one, two);
    assert_eq!(one.len(), 6);
    assert!(one.iter().all(|r| r.status == "ok"));
    // At the upper bound nothing waits: zero delay.
    for r in &one[4..] {
        let s = r.system.as_ref().unwrap();
        assert_eq!(s.get("mean_delay"), Some(Num::Float(0.0)));
        assert_eq!(s.get("unsettled_count"), Some(Num::Int(0)));
    }
    // A point that cannot run (A holds every payment, so the bounds' first pass cannot settle
    // them: only running finds that) is recorded as failed with its point; the others are kept.
    let hold = json!({"type": "LiquidityAware", "target_buffer": i64::MAX, "urgency_threshold": 0});
    let p = plan(
        json!({"axes": [{"path": "agents[A].policy", "values": [{"type": "Fifo"}, hold]},
        {"between_bounds": [0.5]}]}),
    )
    .unwrap();
    p.validate().unwrap();
    let records = run(&p, Some(2), None).unwrap();
    assert_eq!(records.len(), 2);
    assert_eq!((records[0].status, records[1].status), ("ok", "failed"));
    assert_eq!(records[0].participants.len(), 2);
    assert!(
        records[1].error.as_ref().unwrap().contains("first pass"),
        "{:?}",
        records[1].error
    );
    assert_eq!(
        serde_json::to_value(&records[1].values).unwrap()["agents[A].policy"],
        hold
    );
}

#[test]
fn scale_and_event_sets_change_the_document() {
    let outage = json!({"type": "outage", "agent": "A", "from_tick": 2, "to_tick": 10});
    let p = plan(json!({"axes": [
        {"path": "agents[*].balance", "scale": [0.5, 2.0]},
        {"events": [{"name": "none", "events": []}, {"name": "outage_A", "events": [outage]}]}]}))
    .unwrap();
    p.validate().unwrap();
    let (text, touched) = p.document(3, true).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["agents"][1]["balance"], json!(200000));
    assert_eq!(doc["scenario_events"], json!([outage]));
    assert_eq!(touched[1], ["scenario_events[0]"]);
    assert_eq!(
        serde_json::to_value(p.point(3).values).unwrap(),
        json!({"agents[*].balance": 2.0, "events": "outage_A"})
    );
    // An action that breaks a schedule rule names the event-set axis.
    let bad = json!({"type": "outage", "agent": "A", "from_tick": 10, "to_tick": 2});
    let e = plan(json!({"axes": [{"events": [{"name": "bad", "events": [bad]}]}]}))
        .unwrap()
        .validate();
    let problems = e.unwrap_err().problems();
    assert_eq!(problems[0].path, "axes[0]", "{problems:?}");
    assert_eq!(problems[0].value, Some(json!("bad")));
    let records = run(&p, None, None).unwrap();
    let delay = |i: usize| records[i].system.as_ref().unwrap().get("mean_delay");
    assert_ne!(delay(2), delay(3), "the outage changes the run");
}
