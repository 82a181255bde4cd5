//! Intraday credit against collateral (`docs/model.md` § The rules of real RTGS systems),
//! with outcomes computed by hand: the credit line `⌊posted × (1 − haircut)⌋`, postings and
//! withdrawals as scheduled actions (a withdrawal reduced to keep the credit in use), the
//! cost of holding collateral, snapshots, and bad input.

mod common;
use common::*;
use payment_sim_core::Simulation;
use serde_json::{json, Value};

fn collateral_sim(collateral: Value, events: Value) -> Simulation {
    sim(&config(
        10,
        vec![agent("A", 0, 0), agent("B", 0, 0)],
        json!({"lsm": lsm_off(), "scenario_events": events,
               "rules": {"participants": {"A": {"collateral": collateral}}}}),
    ))
}

#[test]
fn the_credit_line_is_the_collateral_less_its_haircut() {
    // 1,000 posted at a 20% haircut: a credit line of 800.
    let mut s = collateral_sim(json!({"posted": 1_000, "haircut": 0.2}), json!([]));
    assert_eq!(s.state().agents[0].credit_limit, 800);
    pay(&mut s, "A", "B", 800);
    pay(&mut s, "A", "B", 1);
    let r = s.tick().unwrap();
    assert_eq!((r.num_settlements, r.queue2_size), (1, 1));
    assert_eq!(balances(&s), vec![-800, 800]);
    let c = &s.statistics().rules.unwrap().collateral[0];
    assert_eq!(
        (c.id.as_str(), c.posted, c.credit_limit, c.peak_credit_used),
        ("A", 1_000, 800, 800)
    );
    // ⌊333 × 0.7⌋ = 233 (233.1 rounded down).
    let s = collateral_sim(json!({"posted": 333, "haircut": 0.3}), json!([]));
    assert_eq!(s.state().agents[0].credit_limit, 233);
}

#[test]
fn a_withdrawal_mid_day_reduces_the_credit_line_but_never_below_what_is_used() {
    // A uses 500 of its 800 at tick 0. At tick 2 it asks to withdraw 500 of its 1,000: a
    // credit line of ⌊500 × 0.8⌋ = 400 < 500 used, so it withdraws only down to the least
    // collateral that covers 500: ⌈500 / 0.8⌉ = 625 (credit 500). At tick 4 it posts 250 more:
    // 875, credit 700, and its waiting payment of 150 settles.
    let mut s = collateral_sim(
        json!({"posted": 1_000, "haircut": 0.2}),
        json!([{"type": "collateral", "agent": "A", "tick": 2, "amount": -500},
               {"type": "collateral", "agent": "A", "tick": 4, "amount": 250}]),
    );
    pay(&mut s, "A", "B", 500);
    s.run(2).unwrap();
    pay(&mut s, "A", "B", 150); // joins at tick 2, after the withdrawal: 500 + 150 > 500
    let r = s.tick().unwrap();
    assert_eq!((r.num_settlements, r.queue2_size), (0, 1));
    assert_eq!(s.state().agents[0].credit_limit, 500);
    let e = &events_of(&s, "credit_limit")[0];
    assert_eq!(
        (e.tick, e.credit_limit, e.requested),
        (2, Some(500), Some(400))
    );
    s.tick().unwrap();
    let r = s.tick().unwrap(); // tick 4
    assert_eq!((r.num_settlements, r.queue2_size), (1, 0));
    assert_eq!(balances(&s), vec![-650, 650]);
    let c = &s.statistics().rules.unwrap().collateral[0];
    assert_eq!(
        (c.posted, c.credit_limit, c.peak_credit_used),
        (875, 700, 650)
    );
    // A withdrawal beyond what is posted, with nothing used, withdraws all of it.
    let mut s = collateral_sim(
        json!({"posted": 1_000, "haircut": 0.5}),
        json!([{"type": "collateral", "agent": "A", "tick": 0, "amount": -5_000}]),
    );
    s.tick().unwrap();
    assert_eq!(s.state().agents[0].credit_limit, 0);
    assert_eq!(s.statistics().rules.unwrap().collateral[0].posted, 0);
}

#[test]
fn holding_collateral_costs_liquidity_cost_every_tick() {
    // 1,000,000 posted at 150 ppm per tick: 150 a tick, 1,500 over the day's 10 ticks.
    let mut s = collateral_sim(
        json!({"posted": 1_000_000, "haircut": 0.1, "cost_per_unit_per_tick": 150}),
        json!([]),
    );
    s.run_to_end().unwrap();
    let stats = s.statistics();
    assert_eq!(stats.costs.liquidity, 1_500);
    assert_eq!(stats.agents[0].costs.liquidity, 1_500);
}

#[test]
fn the_collateral_survives_a_snapshot() {
    let events = json!([{"type": "collateral", "agent": "A", "tick": 3, "amount": -400},
                        {"type": "collateral", "agent": "A", "tick": 6, "amount": 900}]);
    let mut s = collateral_sim(
        json!({"posted": 1_000, "haircut": 0.25, "cost_per_unit_per_tick": 1_000}),
        events,
    );
    pay(&mut s, "A", "B", 700);
    s.run(5).unwrap();
    assert_restore_continues_identically(&mut s);
}

fn problems(agent_a: Value, collateral: Value, events: Value) -> Vec<(String, String)> {
    let c = config(
        10,
        vec![agent_a, agent("B", 0, 0)],
        json!({"scenario_events": events,
               "rules": {"participants": {"A": {"collateral": collateral}}}}),
    );
    problems_of(&c)
}

#[test]
fn bad_collateral_is_refused_with_its_path() {
    let ok = json!({"posted": 10, "haircut": 0.0});
    assert!(problems(agent("A", 0, 0), ok.clone(), json!([])).is_empty());
    for (haircut, message) in [
        (json!(1.0), "must be at least 0 and below 1 (got 1)"),
        (json!(-0.1), "must be at least 0 and below 1 (got -0.1)"),
    ] {
        let p = problems(
            agent("A", 0, 0),
            json!({"posted": 10, "haircut": haircut}),
            json!([]),
        );
        assert_eq!(p[0].0, "rules.participants.A.collateral.haircut");
        assert!(p[0].1.ends_with(message), "{p:?}");
    }
    let p = problems(
        agent("A", 0, 0),
        json!({"posted": -1, "haircut": 0.5, "cost_per_unit_per_tick": -2}),
        json!([]),
    );
    let paths: Vec<&str> = p.iter().map(|x| x.0.as_str()).collect();
    assert_eq!(
        paths,
        [
            "rules.participants.A.collateral.posted",
            "rules.participants.A.collateral.cost_per_unit_per_tick"
        ]
    );
    let p = problems(agent("A", 0, 5), ok.clone(), json!([]));
    assert_eq!(p[0].0, "rules.participants.A.collateral");
    assert!(p[0].1.contains("has a credit_limit (5) too"), "{p:?}");
    // Scheduled changes that would break a rule are refused when scheduled.
    let p = problems(
        agent("A", 0, 0),
        ok.clone(),
        json!([{"type": "credit_limit", "agent": "A", "tick": 1, "credit_limit": 5}]),
    );
    assert_eq!(p[0].0, "scenario_events[0].agent");
    assert!(p[0].1.contains("has collateral"), "{p:?}");
    let p = problems(
        agent("A", 0, 0),
        ok,
        json!([{"type": "collateral", "agent": "B", "tick": 1, "amount": 5},
               {"type": "collateral", "agent": "A", "tick": 1, "amount": 0}]),
    );
    let paths: Vec<&str> = p.iter().map(|x| x.0.as_str()).collect();
    assert_eq!(
        paths,
        ["scenario_events[0].agent", "scenario_events[1].amount"],
        "{p:?}"
    );
}

#[test]
fn reservations_are_checked_against_the_collateral_credit_line() {
    // 100 posted at 50%: a credit line of 50, so 50 may be reserved, not 51.
    let run = |urgent: i64| {
        let c = config(
            10,
            vec![agent("A", 0, 0), agent("B", 0, 0)],
            json!({"rules": {"participants": {"A": {
                "collateral": {"posted": 100, "haircut": 0.5},
                "reservations": {"urgent": urgent}}}}}),
        );
        Simulation::from_json(&c.to_string()).map(|_| ())
    };
    assert!(run(50).is_ok());
    let e = run(51).unwrap_err().to_string();
    assert!(
        e.contains(
            "(51 in all) exceed its liquidity at the start (opening balance + credit line = 50)"
        ),
        "{e}"
    );
}
