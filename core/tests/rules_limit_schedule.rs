//! Limits changed by scheduled `limit` actions (`docs/model.md` § Scheduled limits), with
//! outcomes computed by hand: a limit lowered mid-day queues a normal payment that would have
//! settled, raised again it releases it on the next retry; a limit below today's position
//! holds new normal payments; a snapshot across the change continues identically; bad input is
//! refused with its path.

mod common;
use common::*;
use payment_sim_core::Simulation;
use serde_json::{json, Value};

/// A and B with 1,000 each; A's bilateral limit toward B 1,000; no offsetting.
fn limit_sim(events: Value) -> Simulation {
    sim(&config(
        10,
        vec![agent("A", 1_000, 0), agent("B", 1_000, 0), agent("C", 0, 0)],
        json!({"lsm": lsm_off(), "scenario_events": events,
               "rules": {"participants": {"A": {"bilateral_limits": {"B": 1_000},
                                                "multilateral_limit": 1_000}}}}),
    ))
}

fn lower_then_raise() -> Value {
    json!([{"type": "limit", "agent": "A", "counterparty": "B", "amount": 300, "tick": 2},
           {"type": "limit", "agent": "A", "counterparty": "B", "amount": 1_000, "tick": 4}])
}

#[test]
fn a_limit_lowered_mid_day_queues_a_payment_until_it_is_raised() {
    // Without the change, A's normal payment of 500 to B at tick 2 settles at once.
    let mut control = limit_sim(json!([]));
    control.run(2).unwrap();
    pay(&mut control, "A", "B", 500);
    let r = control.tick().unwrap();
    assert_eq!((r.num_settlements, r.queue2_size), (1, 0));
    // With the limit 300 from tick 2, 0 − 500 < −300: it waits, held by the limit.
    let mut s = limit_sim(lower_then_raise());
    s.run(2).unwrap();
    pay(&mut s, "A", "B", 500);
    let r = s.tick().unwrap(); // tick 2
    assert_eq!((r.num_settlements, r.queue2_size), (0, 1));
    assert_eq!(s.statistics().rules.unwrap().held_by_limit, 1);
    let r = s.tick().unwrap(); // tick 3: still held
    assert_eq!((r.num_settlements, r.queue2_size), (0, 1));
    // At tick 4 the limit is 1,000 again: the retry settles it.
    let r = s.tick().unwrap();
    assert_eq!((r.num_settlements, r.queue2_size), (1, 0));
    assert_eq!(balances(&s), vec![500, 1_500, 0]);
}

#[test]
fn a_limit_below_todays_position_holds_new_normal_payments_only() {
    // A pays B 400 at tick 0 (position −400). At tick 1 the limit becomes 300: nothing is
    // unwound, but A's next normal payment of 1 (−401 < −300) waits. Its multilateral limit
    // (toward C) becomes 700 at tick 1: its payment of 600 to C settles (0 − 600 ≥ −700).
    let mut s = limit_sim(json!([
        {"type": "limit", "agent": "A", "counterparty": "B", "amount": 300, "tick": 1},
        {"type": "limit", "agent": "A", "amount": 700, "tick": 1}
    ]));
    pay(&mut s, "A", "B", 400);
    s.tick().unwrap();
    assert_eq!(balances(&s), vec![600, 1_400, 0]);
    pay(&mut s, "A", "B", 1);
    pay(&mut s, "A", "C", 600);
    let r = s.tick().unwrap(); // tick 1
    assert_eq!((r.num_settlements, r.queue2_size), (1, 1));
    assert_eq!(balances(&s), vec![0, 1_400, 600]);
    // B pays A 200 at tick 2: A's position −200, so its payment of 1 fits (−201 ≥ −300).
    pay(&mut s, "B", "A", 200);
    s.run(2).unwrap();
    assert_eq!(balances(&s), vec![199, 1_201, 600]);
}

#[test]
fn a_snapshot_across_a_scheduled_limit_continues_identically() {
    for at in [1, 3, 5] {
        let mut s = limit_sim(lower_then_raise());
        pay(&mut s, "A", "B", 100);
        s.run(1).unwrap();
        pay(&mut s, "A", "B", 450);
        if at > 1 {
            s.run(at - 1).unwrap();
        }
        let text = s.snapshot_json();
        // Between the two changes the snapshot keeps the lowered limit; otherwise none.
        assert_eq!(text.contains("\"limits\""), at == 3, "at tick {at}");
        assert_restore_continues_identically(&mut s);
    }
}

fn problems(events: Value) -> Vec<(String, String)> {
    let c = config(
        10,
        vec![agent("A", 1_000, 0), agent("B", 0, 0), agent("C", 0, 0)],
        json!({"scenario_events": events,
               "rules": {"participants": {"A": {"bilateral_limits": {"B": 10}},
                                          "B": {"multilateral_limit": 10}}}}),
    );
    problems_of(&c)
}

#[test]
fn bad_limit_actions_are_refused_with_their_paths() {
    let e = |agent: &str, counterparty: Option<&str>, amount: i64| {
        let mut e = json!({"type": "limit", "agent": agent, "amount": amount, "tick": 1});
        if let Some(c) = counterparty {
            e["counterparty"] = json!(c);
        }
        problems(json!([e]))
    };
    assert!(e("A", Some("B"), 0).is_empty());
    assert!(e("B", None, 5).is_empty());
    let cases = [
        (
            e("Z", Some("B"), 5),
            "scenario_events[0].agent",
            "\"Z\" is not an agent",
        ),
        (
            e("A", Some("Z"), 5),
            "scenario_events[0].counterparty",
            "\"Z\" is not an agent",
        ),
        (
            e("A", Some("B"), -1),
            "scenario_events[0].amount",
            "must be ≥ 0 (got -1)",
        ),
        (
            e("A", Some("C"), 5),
            "scenario_events[0].counterparty",
            "has no bilateral limit toward \"C\"",
        ),
        (
            e("A", Some("A"), 5),
            "scenario_events[0].counterparty",
            "has no bilateral limit toward \"A\"",
        ),
        (
            e("A", None, 5),
            "scenario_events[0].agent",
            "has no multilateral limit to change",
        ),
        (
            e("C", None, 5),
            "scenario_events[0].agent",
            "has no multilateral limit to change",
        ),
    ];
    for (p, path, message) in cases {
        assert_eq!(p.len(), 1, "{path} {message}: {p:?}");
        assert_eq!(p[0].0, path, "{message}");
        assert!(p[0].1.contains(message), "{}", p[0].1);
    }
}
