//! Manual submissions and their errors; ticking or running past the horizon.

mod common;
use common::*;
use payment_sim_core::{SimError, Simulation, Submission};
use serde_json::{json, Value};

fn two(ticks_per_day: i64) -> Simulation {
    sim(&config(
        ticks_per_day,
        vec![agent("A", 100, 0), agent("B", 100, 0)],
        Value::Null,
    ))
}

fn sub(
    sender: &str,
    receiver: &str,
    amount: i64,
    deadline_offset: i64,
    priority: i64,
) -> Submission {
    Submission {
        sender: sender.into(),
        receiver: receiver.into(),
        amount,
        deadline_offset,
        priority,
        from_offset: None,
    }
}

fn invalid(result: Result<String, SimError>, needle: &str) {
    match result {
        Err(SimError::InvalidArgument(msg)) => {
            assert!(msg.message.contains(needle), "{msg:?} lacks {needle:?}")
        }
        other => panic!("expected InvalidArgument({needle}), got {other:?}"),
    }
}

#[test]
fn bad_submissions_are_rejected_and_consume_no_id() {
    let mut s = two(10);
    assert_eq!(
        s.submit(&sub("Z", "B", 10, 5, 5)),
        Err(SimError::UnknownAgent("Z".into()))
    );
    assert_eq!(
        s.submit(&sub("A", "nobody", 10, 5, 5)),
        Err(SimError::UnknownAgent("nobody".into()))
    );
    invalid(s.submit(&sub("A", "A", 10, 5, 5)), "differ");
    invalid(s.submit(&sub("A", "B", 0, 5, 5)), "amount");
    invalid(s.submit(&sub("A", "B", -5, 5, 5)), "amount");
    invalid(s.submit(&sub("A", "B", 10, 5, 11)), "priority");
    invalid(s.submit(&sub("A", "B", 10, 5, -1)), "priority");
    invalid(s.submit(&sub("A", "B", 10, 0, 5)), "deadline_offset");
    assert_eq!(s.queue1_size("A").unwrap(), 0);
    assert_eq!(s.last_event_seq(), 0);
    // Bounds are inclusive; the first accepted order is T1.
    assert_eq!(s.submit(&sub("A", "B", 10, 1, 10)).unwrap(), "T1");
    assert_eq!(s.submit(&sub("B", "A", 10, 1, 0)).unwrap(), "T2");
}

#[test]
fn a_submission_arrives_at_the_current_tick_and_waits_in_queue1() {
    let mut s = two(10);
    s.run(3).unwrap();
    let id = pay_with(&mut s, "A", "B", 40, 7, 9);
    assert_eq!(s.queue1_size("A").unwrap(), 1);
    assert_eq!(s.state().agents[0].queue1_size, 1);
    let r = s.tick().unwrap();
    assert_eq!((r.tick, r.num_arrivals, r.num_settlements), (3, 1, 1));
    let arrival = &events_of(&s, "arrival")[0];
    assert_eq!(arrival.tx.as_deref(), Some(id.as_str()));
    assert_eq!(arrival.tick, 3);
    assert_eq!(arrival.deadline_tick, Some(10));
    assert_eq!(arrival.priority, Some(9));
    assert_eq!(balances(&s), vec![60, 140]);
}

#[test]
fn manual_submissions_arrive_after_the_generated_orders() {
    let mut c = config(
        10,
        vec![agent("A", 1_000_000, 0), agent("B", 0, 0)],
        Value::Null,
    );
    c["agent_configs"][0]["arrival_config"] = json!({
        "rate_per_tick": 5.0,
        "distribution": {"type": "Uniform", "min": 1, "max": 10},
        "counterparty_weights": {"B": 1.0}
    });
    let mut s = sim(&c);
    let manual = pay(&mut s, "A", "B", 7);
    assert_eq!(manual, "T1");
    let r = s.tick().unwrap();
    let arrivals = events_of(&s, "arrival");
    assert_eq!(arrivals.len() as u64, r.num_arrivals);
    assert!(arrivals.len() > 1, "rate 5 should generate orders");
    assert_eq!(arrivals.last().unwrap().tx.as_deref(), Some("T1"));
    assert_eq!(arrivals[0].tx.as_deref(), Some("T2"));
}

#[test]
fn ticking_past_the_horizon_is_an_error() {
    let mut s = two(2);
    s.tick().unwrap();
    s.tick().unwrap();
    assert!(s.is_finished());
    assert_eq!(s.tick(), Err(SimError::SimulationFinished { horizon: 2 }));
    assert_eq!(
        s.submit(&sub("A", "B", 10, 5, 5)),
        Err(SimError::SimulationFinished { horizon: 2 })
    );
    assert!(matches!(
        s.run(1),
        Err(SimError::SimulationFinished { horizon: 2 })
    ));
    assert_eq!(s.current_tick(), 2);
    let msg = s.tick().unwrap_err().to_string();
    assert!(msg.contains("simulation finished"), "{msg}");
}

#[test]
fn run_past_the_horizon_errors_and_runs_nothing() {
    let mut s = two(5);
    pay(&mut s, "A", "B", 10);
    assert!(matches!(s.run(6), Err(SimError::InvalidArgument(_))));
    assert!(matches!(s.run(0), Err(SimError::InvalidArgument(_))));
    assert_eq!(s.current_tick(), 0);
    assert_eq!(s.last_event_seq(), 0);
    assert_eq!(balances(&s), vec![100, 100]);
    let summary = s.run(5).unwrap();
    assert_eq!(
        (summary.ticks_run, summary.first_tick, summary.last_tick),
        (5, 0, 4)
    );
    assert_eq!(summary.num_settlements, 1);
    assert!(s.is_finished());
    // run_to_end on a finished simulation is an empty summary.
    assert_eq!(s.run_to_end().unwrap().ticks_run, 0);
}

#[test]
fn submissions_parse_from_json_with_defaults() {
    let sub = Submission::from_json(r#"{"sender": "A", "receiver": "B", "amount": 5}"#).unwrap();
    assert_eq!((sub.deadline_offset, sub.priority), (50, 5));
    assert!(matches!(
        Submission::from_json(r#"{"sender": "A", "receiver": "B", "amount": 5, "x": 1}"#),
        Err(SimError::InvalidArgument(_))
    ));
    assert!(matches!(
        Submission::from_json(r#"{"sender": "A""#),
        Err(SimError::InvalidJson(_))
    ));
    // A submission is an object: its fields as a list (which serde's derive reads by
    // position) are refused.
    for list in [r#"["A", "B", 5]"#, r#"["A", "B", 5, 10, 3]"#, "[]"] {
        let problems = Submission::from_json(list).unwrap_err().problems();
        assert_eq!(
            (problems[0].path.as_str(), problems[0].message.as_str()),
            (
                "",
                "invalid transaction: invalid type: sequence, expected struct Submission at line 1 column 0"
            ),
            "{list}"
        );
    }
}

#[test]
fn every_submission_problem_names_its_field() {
    let mut s = two(10);
    let cases = [
        (sub("A", "B", 0, 5, 5), "amount", json!(0)),
        (sub("A", "B", 10, 0, 5), "deadline_offset", json!(0)),
        (sub("A", "B", 10, 5, 11), "priority", json!(11)),
        (sub("A", "A", 10, 5, 5), "receiver", json!("A")),
    ];
    for (submission, path, value) in cases {
        let problems = s.submit(&submission).unwrap_err().problems();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].path, path, "{problems:?}");
        assert_eq!(problems[0].value, Some(value), "{problems:?}");
    }
    let shape = Submission::from_json(r#"{"sender": "A", "receiver": "B", "amount": "ten"}"#);
    let problems = shape.unwrap_err().problems();
    assert_eq!(problems[0].path, "amount", "{problems:?}");
    assert!(
        problems[0].message.starts_with("invalid transaction: "),
        "{problems:?}"
    );
    let run = s.run(11).unwrap_err().problems();
    assert_eq!(
        (run[0].path.as_str(), run[0].value.clone()),
        ("ticks", Some(json!(11)))
    );
}
