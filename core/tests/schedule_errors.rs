//! Bad scheduled actions: each is a problem with its path, in a scenario file as in a live
//! append, and a rejected append leaves the simulation exactly as it was.

mod common;
use common::*;
use payment_sim_core::{parse_document, ActionType, ScenarioEvent, SimError, Simulation};
use serde_json::{json, Value};

fn two() -> Value {
    let arrivals = json!({"rate_per_tick": 1.0, "distribution": {"type": "Uniform", "min": 1, "max": 9},
                          "counterparty_weights": {"B": 1.0}});
    config(
        10,
        vec![
            json!({"id": "A", "opening_balance": 100, "policy": {"type": "Fifo"}, "arrival_config": arrivals}),
            agent("B", 0, 0),
        ],
        Value::Null,
    )
}

/// The problems (path, message) of `events` in a machine-format document.
fn problems(events: Value) -> Vec<(String, String)> {
    let mut c = two();
    c["scenario_events"] = events;
    match Simulation::from_json(&c.to_string()) {
        Ok(_) => vec![],
        Err(e) => e
            .problems()
            .into_iter()
            .map(|p| (p.path, p.message))
            .collect(),
    }
}

fn paths(events: Value) -> Vec<String> {
    problems(events).into_iter().map(|p| p.0).collect()
}

#[test]
fn every_bad_action_is_a_problem_with_its_path() {
    let cases: Vec<(Value, &str, &str)> = vec![
        (
            json!({"type": "outage", "agent": "Z", "from_tick": 1, "to_tick": 2}),
            "scenario_events[0].agent",
            "\"Z\" is not an agent",
        ),
        (
            json!({"type": "outage", "agent": "A", "from_tick": 5, "to_tick": 5}),
            "scenario_events[0].to_tick",
            "is not after from_tick 5",
        ),
        (
            json!({"type": "outage", "agent": "A", "from_tick": 5, "to_tick": 11}),
            "scenario_events[0].to_tick",
            "beyond the horizon",
        ),
        (
            json!({"type": "outage", "agent": "A", "from_tick": 5}),
            "scenario_events[0].to_tick",
            "is required for a outage action",
        ),
        (
            json!({"type": "outage", "agent": "A", "tick": 5, "from_tick": 5, "to_tick": 6}),
            "scenario_events[0].tick",
            "is not a field of a outage action",
        ),
        (
            json!({"type": "liquidity", "agent": "A", "tick": 3, "amount": 0}),
            "scenario_events[0].amount",
            "must not be 0",
        ),
        (
            json!({"type": "liquidity", "agent": "A", "tick": 10, "amount": 5}),
            "scenario_events[0].tick",
            "beyond the horizon",
        ),
        (
            json!({"type": "credit_limit", "agent": "A", "tick": 1, "credit_limit": -1}),
            "scenario_events[0].credit_limit",
            "must be ≥ 0",
        ),
        (
            json!({"type": "arrival_rate", "agent": "A", "from_tick": 1, "to_tick": 3, "multiplier": -2.0}),
            "scenario_events[0].multiplier",
            "finite number ≥ 0",
        ),
        (
            json!({"type": "arrival_rate", "agent": "A", "from_tick": 1, "to_tick": 3, "multiplier": 2.0, "rate": 1.0}),
            "scenario_events[0].multiplier",
            "not both",
        ),
        (
            json!({"type": "arrival_rate", "agent": "A", "from_tick": 1, "to_tick": 3, "rate": 2e6}),
            "scenario_events[0].rate",
            "above the largest",
        ),
        (
            json!({"type": "arrival_rate", "agent": "B", "from_tick": 1, "to_tick": 3, "rate": 2.0}),
            "scenario_events[0].agent",
            "has no arrivals",
        ),
        (
            json!({"type": "counterparty_weights", "agent": "A", "tick": 1, "weights": {"A": 1.0}}),
            "scenario_events[0].weights.A",
            "sending agent itself",
        ),
        (
            json!({"type": "counterparty_weights", "agent": "A", "tick": 1, "weights": {"B": 0.0}}),
            "scenario_events[0].weights",
            "positive, finite sum",
        ),
        (
            json!({"type": "lsm", "tick": 1}),
            "scenario_events[0].bilateral",
            "multilateral or algorithm is required",
        ),
        (
            json!({"type": "payment", "tick": 1, "sender": "A", "receiver": "A", "amount": 5}),
            "scenario_events[0].receiver",
            "must differ from sender",
        ),
        (
            json!({"type": "payment", "tick": 1, "sender": "A", "receiver": "B", "amount": -5}),
            "scenario_events[0].amount",
            "must be positive",
        ),
        (
            json!({"type": "payment", "tick": 1, "sender": "A", "receiver": "B", "amount": 5, "priority": 11}),
            "scenario_events[0].priority",
            "between 0 and 10",
        ),
        (
            json!({"type": "payment", "tick": 1, "sender": "A", "receiver": "B", "amount": 5, "deadline_offset": 0}),
            "scenario_events[0].deadline_offset",
            "≥ 1 tick",
        ),
        (
            json!({"type": "liquidity", "agent": "A", "every_day_at": 10, "amount": 5}),
            "scenario_events[0].every_day_at",
            "not a tick of the day",
        ),
        (
            json!({"type": "liquidity", "agent": "A", "tick": 1, "every": 0, "amount": 5}),
            "scenario_events[0].every",
            "≥ 1",
        ),
        (
            json!({"type": "liquidity", "agent": "A", "tick": 4, "every": 2, "until": 3, "amount": 5}),
            "scenario_events[0].until",
            "before the first occurrence",
        ),
        (
            json!({"type": "liquidity", "agent": "A", "tick": 4, "until": 6, "amount": 5}),
            "scenario_events[0].until",
            "repeating action",
        ),
    ];
    for (event, path, words) in cases {
        let found = problems(json!([event.clone()]));
        assert!(
            found
                .iter()
                .any(|(p, m)| p == path && m.starts_with(path) && m.contains(words)),
            "{event}: {found:?}"
        );
    }
}

#[test]
fn overlapping_windows_of_one_kind_for_one_agent_are_refused() {
    let overlapping = json!([
        {"type": "outage", "agent": "A", "from_tick": 2, "to_tick": 6},
        {"type": "outage", "agent": "B", "from_tick": 2, "to_tick": 6},
        {"type": "arrival_rate", "agent": "A", "from_tick": 2, "to_tick": 6, "multiplier": 2.0},
        {"type": "outage", "agent": "A", "from_tick": 6, "to_tick": 8},
        {"type": "outage", "agent": "A", "from_tick": 5, "to_tick": 7}]);
    let found = problems(overlapping);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "scenario_events[4].from_tick");
    assert!(
        found[0].1.contains("overlaps its outage window [2, 6)"),
        "{}",
        found[0].1
    );
    // `all` is every agent with arrivals: it overlaps A's own window.
    let all = json!([
        {"type": "arrival_rate", "agent": "A", "from_tick": 2, "to_tick": 6, "rate": 2.0},
        {"type": "arrival_rate", "agent": "all", "from_tick": 5, "to_tick": 7, "multiplier": 3.0}]);
    assert_eq!(paths(all), vec!["scenario_events[1].from_tick"]);
}

#[test]
fn every_problem_is_reported_at_once_and_scenario_files_say_the_same() {
    let found = paths(json!([
        {"type": "liquidity", "agent": "Q", "tick": 1, "amount": 5},
        {"type": "outage", "agent": "A", "from_tick": 1, "to_tick": 2},
        {"type": "payment", "tick": 99, "sender": "A", "receiver": "B", "amount": 5}]));
    assert_eq!(
        found,
        vec!["scenario_events[0].agent", "scenario_events[2].tick"]
    );
    let yaml = "
simulation: {ticks_per_day: 10, seed: 1}
agents:
  - {id: A, balance: 100, policy: {type: Fifo}}
  - {id: B, balance: 0, policy: {type: Fifo}}
scenario_events:
  - {type: outage, agent: A, from_tick: 3, to_tick: 5}
  - {type: liquidity, agent: C, tick: 50, amount: -99825}
  - {type: arrival_rate, agent: all, from_tick: 1, to_tick: .nan, multiplier: 2.0}
";
    let err = parse_document(yaml).unwrap_err().to_string();
    assert!(err.contains("scenario_events[2].to_tick"), "{err}");
    let yaml = yaml
        .replace("to_tick: .nan", "to_tick: 4")
        .replace("multiplier: 2.0", "multiplier: .nan");
    let problems = parse_document(&yaml).unwrap_err().problems();
    let paths: Vec<_> = problems.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(
        paths,
        vec![
            "scenario_events[1].tick",
            "scenario_events[1].agent",
            "scenario_events[2].multiplier"
        ],
        "{problems:?}"
    );
    // Type errors stop at the first, with the path.
    let err = parse_document(&yaml.replace("type: outage", "type: blackout")).unwrap_err();
    assert_eq!(err.problems()[0].path, "scenario_events[0].type");
}

/// A rejected append changes nothing: the snapshot is byte-identical, and the later run too.
#[test]
fn a_rejected_live_append_changes_nothing() {
    let mut s = sim(&two());
    s.run(3).unwrap();
    s.schedule(&[ScenarioEvent::outage("A", 4, 6)]).unwrap();
    let before = s.snapshot_json();
    let bad_batches: Vec<Vec<ScenarioEvent>> = vec![
        vec![
            ScenarioEvent::liquidity("A", 5, 10),
            ScenarioEvent::liquidity("A", 2, 10),
        ],
        vec![
            ScenarioEvent::payment(4, "A", "B", 5, 50, 5),
            ScenarioEvent::outage("A", 5, 8),
        ],
        vec![
            ScenarioEvent::outage("B", 3, 4),
            ScenarioEvent::liquidity("Z", 4, 1),
        ],
        vec![
            ScenarioEvent::payment(3, "A", "B", 5, 50, 5),
            ScenarioEvent::new(ActionType::Lsm),
        ],
        vec![ScenarioEvent {
            rate: Some(f64::NAN),
            agent: Some("A".into()),
            from_tick: Some(4),
            to_tick: Some(5),
            ..ScenarioEvent::new(ActionType::ArrivalRate)
        }],
    ];
    for batch in bad_batches {
        let err = s.schedule(&batch).unwrap_err();
        assert!(matches!(err, SimError::InvalidConfig(_)), "{err}");
        assert!(
            s.snapshot_json() == before,
            "{batch:?} changed the simulation"
        );
    }
    let err = s
        .schedule(&[ScenarioEvent::liquidity("A", 2, 10)])
        .unwrap_err();
    assert_eq!(
        err.problems()[0].message,
        "scenario_events[0].tick 2 is in the past (the simulation is at tick 3)"
    );
    let err = s.schedule_json(r#"{"scenario_events": [{"type": "outage", "agent": "B", "from_tick": 5, "to_tick": 2}]}"#).unwrap_err();
    assert_eq!(err.problems()[0].path, "scenario_events[0].to_tick");
    let err = s
        .schedule_json(r#"[{"type": "outage", "agnet": "B"}]"#)
        .unwrap_err();
    assert_eq!(err.problems()[0].path, "scenario_events[0].agnet");
    let err = s.schedule_json("[{").unwrap_err();
    assert!(matches!(err, SimError::InvalidJson(_)), "{err}");
    assert!(s.snapshot_json() == before);
    s.run_to_end().unwrap();
    let err = s
        .schedule(&[ScenarioEvent::liquidity("A", 9, 10)])
        .unwrap_err();
    assert!(matches!(err, SimError::SimulationFinished { .. }));
}
