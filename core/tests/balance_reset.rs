//! The `balance_reset` scheduled action (`model.md` § Scheduled actions): balances brought
//! back to the opening balances by external flows, hand-computed; one agent or all; a
//! snapshot in between; the fields it refuses.

mod common;
use common::*;
use serde_json::{json, Value};

/// A 100, B 0, C 30; two days of 5 ticks; A pays B 60 before tick 0; `events` scheduled.
fn three(events: Value) -> payment_sim_core::Simulation {
    let agents = vec![agent("A", 100, 0), agent("B", 0, 0), agent("C", 30, 0)];
    let extra = json!({"num_days": 2, "lsm": lsm_off(), "scenario_events": events});
    let mut s = sim(&config(5, agents, extra));
    pay(&mut s, "A", "B", 60);
    s
}

/// At tick 0 every balance is its opening one: nothing happens. At tick 5 (day 1) A gets
/// back 60 and B gives back 60, as two `liquidity` events; money is conserved with the
/// external flows counted.
#[test]
fn every_balance_returns_to_its_opening_balance_at_the_start_of_each_day() {
    let mut s = three(json!([{"type": "balance_reset", "agent": "all", "every_day_at": 0}]));
    s.run(5).unwrap();
    assert_eq!(balances(&s), vec![40, 60, 30]);
    assert!(events_of(&s, "liquidity").is_empty());
    s.tick().unwrap();
    assert_eq!(balances(&s), vec![100, 0, 30]);
    let flows: Vec<(Option<String>, Option<i64>)> = events_of(&s, "liquidity")
        .into_iter()
        .map(|e| (e.agent, e.amount))
        .collect();
    assert_eq!(
        flows,
        vec![(Some("A".into()), Some(60)), (Some("B".into()), Some(-60))]
    );
    s.run_to_end().unwrap();
    let st = s.statistics();
    assert_eq!((st.external_inflow, st.external_outflow), (60, 60));
    assert_eq!(total(&s), 130);
}

/// Only the agent named is reset; a snapshot taken between the days continues identically.
#[test]
fn one_agent_and_a_snapshot_in_between() {
    let mut s = three(json!([{"type": "balance_reset", "agent": "B", "every_day_at": 0}]));
    s.run(3).unwrap();
    let mut restored = payment_sim_core::Simulation::restore_json(&s.snapshot_json()).unwrap();
    s.run_to_end().unwrap();
    restored.run_to_end().unwrap();
    assert_eq!(balances(&s), vec![40, 0, 30]);
    assert_eq!(balances(&restored), balances(&s));
    assert_eq!(restored.statistics(), s.statistics());
    assert_eq!(s.statistics().external_outflow, 60);
}

#[test]
fn an_agent_is_required_and_an_amount_refused() {
    for (event, path) in [
        (
            json!({"type": "balance_reset", "every_day_at": 0}),
            "scenario_events[0].agent",
        ),
        (
            json!({"type": "balance_reset", "agent": "all", "tick": 1, "amount": 5}),
            "scenario_events[0].amount",
        ),
        (
            json!({"type": "balance_reset", "agent": "Z", "every_day_at": 0}),
            "scenario_events[0].agent",
        ),
    ] {
        let agents = vec![agent("A", 100, 0), agent("B", 0, 0)];
        let doc = config(5, agents, json!({"scenario_events": [event]}));
        let err = payment_sim_core::Simulation::from_json(&doc.to_string()).unwrap_err();
        let problems = err.problems();
        assert!(
            problems.iter().any(|p| p.path == path),
            "{path}: {problems:?}"
        );
    }
}
