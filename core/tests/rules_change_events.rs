//! Scheduled reservation and limit changes are recorded in the event stream
//! (`reservation_changed`, `limit_changed`, with the values before and after), kept at the
//! `settlements` level with the other applied actions, carried by snapshots (a restored run
//! continues with the same events), and absent from runs that schedule no such change.

mod common;
use common::*;
use payment_sim_core::rules::PaymentClass;
use payment_sim_core::Simulation;
use serde_json::{json, Value};

fn rules_sim(recording: &str, events: Value) -> Simulation {
    sim(&config(
        10,
        vec![agent("A", 1_000, 0), agent("B", 1_000, 0), agent("C", 0, 0)],
        json!({"lsm": lsm_off(), "scenario_events": events, "event_recording": recording,
               "rules": {"participants": {"A": {"reservations": {"urgent": 100},
                                                "bilateral_limits": {"B": 1_000},
                                                "multilateral_limit": 800}}}}),
    ))
}

fn changes() -> Value {
    json!([
        {"type": "reservation", "agent": "A", "class": "urgent", "amount": 600, "tick": 2},
        {"type": "reservation", "agent": "A", "class": "highly_urgent", "amount": 50, "tick": 3},
        {"type": "limit", "agent": "A", "counterparty": "B", "amount": 300, "tick": 3},
        {"type": "limit", "agent": "A", "amount": 900, "tick": 4},
        {"type": "reservation", "agent": "A", "class": "urgent", "amount": 0, "tick": 5}
    ])
}

/// (tick, type, agent, class, counterparty, previous, new) of every rule change.
type Change = (
    u64,
    String,
    String,
    Option<PaymentClass>,
    Option<String>,
    i64,
    i64,
);

fn rule_changes(s: &Simulation) -> Vec<Change> {
    (s.events_since(0).into_iter())
        .filter(|e| e.kind == "reservation_changed" || e.kind == "limit_changed")
        .map(|e| {
            (
                e.tick,
                e.kind,
                e.agent.unwrap(),
                e.class,
                e.counterparty,
                e.previous_amount.unwrap(),
                e.amount.unwrap(),
            )
        })
        .collect()
}

#[test]
fn each_applied_change_is_recorded_with_its_old_and_new_value() {
    for recording in ["full", "settlements"] {
        let mut s = rules_sim(recording, changes());
        s.run_to_end().unwrap();
        let a = || "A".to_string();
        let expected: Vec<Change> = vec![
            (
                2,
                "reservation_changed".into(),
                a(),
                Some(PaymentClass::Urgent),
                None,
                100,
                600,
            ),
            (
                3,
                "reservation_changed".into(),
                a(),
                Some(PaymentClass::HighlyUrgent),
                None,
                0,
                50,
            ),
            (
                3,
                "limit_changed".into(),
                a(),
                None,
                Some("B".into()),
                1_000,
                300,
            ),
            (4, "limit_changed".into(), a(), None, None, 800, 900),
            (
                5,
                "reservation_changed".into(),
                a(),
                Some(PaymentClass::Urgent),
                None,
                600,
                0,
            ),
        ];
        assert_eq!(rule_changes(&s), expected, "{recording}");
    }
    // The JSON form names the fields.
    let mut s = rules_sim("full", changes());
    s.run(4).unwrap();
    let json: Vec<Value> = (s.events_since(0).into_iter())
        .filter(|e| e.kind == "limit_changed")
        .map(|e| serde_json::to_value(e).unwrap())
        .collect();
    assert_eq!(
        json[0],
        json!({"seq": json[0]["seq"], "tick": 3, "type": "limit_changed", "agent": "A",
               "counterparty": "B", "previous_amount": 1000, "amount": 300})
    );
}

#[test]
fn a_snapshot_carries_the_change_events_and_the_run_continues_identically() {
    for at in [1, 3, 4, 6] {
        let mut straight = rules_sim("full", changes());
        straight.run_to_end().unwrap();
        let mut s = rules_sim("full", changes());
        s.run(at).unwrap();
        let mut restored = Simulation::restore_json(&s.snapshot_json()).unwrap();
        restored.run_to_end().unwrap();
        assert_eq!(rule_changes(&restored), rule_changes(&straight), "at {at}");
        assert_eq!(
            restored.snapshot_json(),
            straight.snapshot_json(),
            "snapshot at {at}"
        );
    }
}

#[test]
fn runs_without_rule_changes_record_none() {
    let mut s = rules_sim("full", json!([]));
    pay(&mut s, "A", "B", 100);
    s.run_to_end().unwrap();
    assert!(rule_changes(&s).is_empty());
}
