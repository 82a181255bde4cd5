//! Reservations set by scheduled `reservation` actions (`docs/model.md` § Scheduled
//! reservations), with outcomes computed by hand: a reservation raised mid-day holds a normal
//! payment that would have settled, lowered it releases it on the next retry; a snapshot
//! across the change continues identically; bad input is refused with its path.

mod common;
use common::*;
use payment_sim_core::Simulation;
use serde_json::{json, Value};

/// A with 1,000, B with 0; default classes (normal below priority 7); no offsetting.
fn reservation_sim(events: Value) -> Simulation {
    sim(&config(
        10,
        vec![agent("A", 1_000, 0), agent("B", 0, 0)],
        json!({"lsm": lsm_off(), "scenario_events": events,
               "rules": {"classes": {}}}),
    ))
}

fn raise_then_lower() -> Value {
    json!([{"type": "reservation", "agent": "A", "class": "urgent", "amount": 600, "tick": 2},
           {"type": "reservation", "agent": "A", "class": "urgent", "amount": 0, "tick": 4}])
}

#[test]
fn a_reservation_raised_mid_day_holds_a_normal_payment_until_it_is_lowered() {
    // Without the reservation, A's normal payment of 500 joining at tick 2 settles at once.
    let mut control = reservation_sim(json!([]));
    control.run(2).unwrap();
    pay(&mut control, "A", "B", 500);
    let r = control.tick().unwrap();
    assert_eq!((r.num_settlements, r.queue2_size), (1, 0));
    // With 600 reserved for urgent payments from tick 2, a normal payment may use only
    // 1,000 − 600 = 400 < 500: it waits in Queue 2, held by the reservation.
    let mut s = reservation_sim(raise_then_lower());
    s.run(2).unwrap();
    pay(&mut s, "A", "B", 500);
    let r = s.tick().unwrap(); // tick 2
    assert_eq!((r.num_settlements, r.queue2_size), (0, 1));
    assert_eq!(s.statistics().rules.unwrap().held_by_reservation, 1);
    // An urgent payment (priority 7) may use the reserved liquidity: 300 ≤ 1,000 settles.
    pay_with(&mut s, "A", "B", 300, 50, 7);
    let r = s.tick().unwrap(); // tick 3
    assert_eq!((r.num_settlements, r.queue2_size), (1, 1));
    assert_eq!(balances(&s), vec![700, 300]);
    // At tick 4 the reservation is 0 again: the retry settles the 500 (700 ≥ 500).
    let r = s.tick().unwrap(); // tick 4
    assert_eq!((r.num_settlements, r.queue2_size), (1, 0));
    assert_eq!(balances(&s), vec![200, 800]);
}

#[test]
fn a_reservation_above_the_liquidity_applies_as_asked() {
    // 5,000 reserved for highly urgent payments with 1,000 in the account: applied as asked
    // (nothing is unwound); a normal payment of 1 waits, a highly urgent one of 1,000 settles.
    let mut s = reservation_sim(json!([
        {"type": "reservation", "agent": "A", "class": "highly_urgent", "amount": 5_000, "tick": 1}
    ]));
    s.tick().unwrap();
    pay(&mut s, "A", "B", 1);
    pay_with(&mut s, "A", "B", 1_000, 50, 10);
    let r = s.tick().unwrap();
    assert_eq!((r.num_settlements, r.queue2_size), (1, 1));
    assert_eq!(balances(&s), vec![0, 1_000]);
}

#[test]
fn a_snapshot_across_a_scheduled_reservation_continues_identically() {
    for at in [1, 3, 5] {
        let mut s = reservation_sim(raise_then_lower());
        pay(&mut s, "A", "B", 100);
        s.run(1).unwrap();
        pay(&mut s, "A", "B", 450);
        pay(&mut s, "A", "B", 450);
        if at > 1 {
            s.run(at - 1).unwrap();
        }
        let text = s.snapshot_json();
        // Between the two changes the snapshot keeps the reservation; otherwise it has none.
        assert_eq!(text.contains("\"reservations\""), at == 3, "at tick {at}");
        assert_restore_continues_identically(&mut s);
    }
    // Hand-computed: 100 settles at tick 0 (900 left); at tick 2 (600 reserved) 450 > 300
    // waits, both do; at tick 4 both settle in turn (900 ≥ 450 + 450).
    let mut s = reservation_sim(raise_then_lower());
    pay(&mut s, "A", "B", 100);
    s.run(2).unwrap();
    pay(&mut s, "A", "B", 450);
    pay(&mut s, "A", "B", 450);
    s.run(2).unwrap();
    assert_eq!(balances(&s), vec![900, 100]);
    s.tick().unwrap();
    assert_eq!(balances(&s), vec![0, 1_000]);
}

fn problems(rules: Value, events: Value) -> Vec<(String, String)> {
    let c = config(
        10,
        vec![agent("A", 1_000, 0), agent("B", 0, 0)],
        if rules.is_null() {
            json!({ "scenario_events": events })
        } else {
            json!({"scenario_events": events, "rules": rules})
        },
    );
    problems_of(&c)
}

#[test]
fn bad_reservation_actions_are_refused_with_their_paths() {
    let rules = json!({"classes": {}});
    let ok =
        json!({"type": "reservation", "agent": "A", "class": "urgent", "amount": 10, "tick": 1});
    assert!(problems(rules.clone(), json!([ok])).is_empty());
    let with = |patch: Value| {
        let mut e = ok.clone();
        for (k, v) in patch.as_object().unwrap() {
            if v.is_null() {
                e.as_object_mut().unwrap().remove(k);
            } else {
                e[k] = v.clone();
            }
        }
        problems(rules.clone(), json!([e]))
    };
    let cases = [
        (
            json!({"agent": "Z"}),
            "scenario_events[0].agent",
            "\"Z\" is not an agent",
        ),
        (
            json!({"amount": -1}),
            "scenario_events[0].amount",
            "must be ≥ 0 (got -1)",
        ),
        (
            json!({"class": "normal"}),
            "scenario_events[0].class",
            "normal has no reservation",
        ),
        (
            json!({"class": null}),
            "scenario_events[0].class",
            "is required for a reservation action",
        ),
        (
            json!({"amount": null}),
            "scenario_events[0].amount",
            "is required for a reservation action",
        ),
        (
            json!({"credit_limit": 5}),
            "scenario_events[0].credit_limit",
            "is not a field of a reservation action",
        ),
    ];
    for (patch, path, message) in cases {
        let p = with(patch.clone());
        assert_eq!(p.len(), 1, "{patch}: {p:?}");
        assert_eq!(p[0].0, path, "{patch}");
        assert!(p[0].1.contains(message), "{patch}: {}", p[0].1);
    }
    // Without a rules section there are no reservations to set.
    let p = problems(json!(null), json!([ok]));
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].0, "scenario_events[0].type");
    assert!(p[0].1.contains("needs the rules"), "{}", p[0].1);
    // A live schedule refuses the same, and changes nothing.
    let mut s = reservation_sim(json!([]));
    let before = s.snapshot_json();
    let bad = payment_sim_core::ScheduleDocument::parse(
        r#"[{"type": "reservation", "agent": "A", "class": "urgent", "amount": -5, "tick": 3}]"#,
    )
    .unwrap();
    let err = s.schedule(&bad).unwrap_err();
    assert_eq!(err.problems()[0].path, "scenario_events[0].amount");
    assert_eq!(s.snapshot_json(), before);
}
