//! Restore refuses every inconsistent snapshot with `InvalidConfig`, a path under `snapshot`
//! and a message that says what is wrong — one test per rule — and nothing inconsistent can
//! make a payment settle twice (the reproducers of issue 10: a transaction duplicated in a
//! state file, counters near 2^62).

mod snapshot_fixtures;

use payment_sim_core::{SimError, Simulation, Submission, MAX_COUNTER, RUNNING_COUNTER_LIMIT};
use serde_json::{json, Value};
use snapshot_fixtures::{rich, rich_sim};

/// Restoring `doc` fails with `InvalidConfig`; returns (path, message) of its one problem.
fn refused(doc: &Value) -> (String, String) {
    match Simulation::restore_json(&doc.to_string()) {
        Err(SimError::InvalidConfig(p)) => {
            assert_eq!(p.len(), 1, "{p:?}");
            (p[0].path.clone(), p[0].message.clone())
        }
        other => panic!("expected InvalidConfig, got {other:?}"),
    }
}

fn expect_refused(name: &str, doc: &Value, path: &str, fragment: &str) {
    let (p, message) = refused(doc);
    assert!(
        p == path && message.starts_with("snapshot: ") && message.contains(fragment),
        "{name}: got path {p:?}, message {message:?}; expected {path:?} and {fragment:?}"
    );
}

fn q<'a>(doc: &'a mut Value, queue: &str) -> &'a mut Vec<Value> {
    doc[queue].as_array_mut().unwrap()
}

// ----- the reproducers ----------------------------------------------------------------------

/// The issue's state file: A (400) owes B 500, which waits in Queue 2; B pays A 200 later.
/// Duplicated, the 500 would settle twice once A is funded.
fn issue_state() -> Simulation {
    let mut s = Simulation::from_json(
        r#"{"ticks_per_day": 10, "num_days": 1, "rng_seed": 1, "agent_configs": [
          {"id": "A", "opening_balance": 40000, "policy": {"type": "Fifo"}},
          {"id": "B", "opening_balance": 200000, "policy": {"type": "LiquidityAware", "target_buffer": 1000000, "urgency_threshold": 0}}]}"#,
    )
    .unwrap();
    for (from, to, amount) in [("A", "B", 50000), ("B", "A", 20000), ("B", "A", 30000)] {
        s.submit(&Submission {
            sender: from.into(),
            receiver: to.into(),
            amount,
            deadline_offset: 5,
            priority: 5,
            from_offset: None,
        })
        .unwrap();
    }
    s.tick().unwrap();
    s.submit(&Submission {
        sender: "A".into(),
        receiver: "B".into(),
        amount: 100,
        deadline_offset: 5,
        priority: 5,
        from_offset: None,
    })
    .unwrap();
    s
}

#[test]
fn a_transaction_in_two_places_is_refused_so_nothing_settles_twice() {
    let sim = issue_state();
    let good: Value = serde_json::from_str(&sim.snapshot_json()).unwrap();
    assert_eq!(q(&mut good.clone(), "queue2").len(), 1);
    assert_eq!(good["queue1"][1].as_array().unwrap().len(), 2);
    assert_eq!(q(&mut good.clone(), "pending_manual").len(), 1);
    // The undamaged state settles the 500.00 once: B ends with 200,000 − 50,000 + 50,000.
    let mut ok = Simulation::restore_json(&good.to_string()).unwrap();
    ok.run_to_end().unwrap();
    assert_eq!(ok.agent_balance("B").unwrap(), 200_100);
    assert_eq!(ok.statistics().settled_value, 100_100);

    let variants: [(&str, Damage, &str); 6] = [
        (
            "twice in pending",
            |d| {
                let x = d["pending_manual"][0].clone();
                q(d, "pending_manual").push(x);
            },
            "pending_manual[1]",
        ),
        (
            "twice in Queue 2 (same entry)",
            |d| {
                let x = d["queue2"][0].clone();
                q(d, "queue2").push(x);
            },
            "queue2[1]",
        ),
        (
            "twice in Queue 2 (another entry)",
            |d| {
                let mut x = d["queue2"][0].clone();
                x["location"]["queue2"]["entry"] = json!(2);
                q(d, "queue2").push(x);
                d["next_queue2_entry"] = json!(3);
            },
            "queue2[1]",
        ),
        (
            "in Queue 1 and Queue 2",
            |d| {
                let mut x = d["queue2"][0].clone();
                x["location"] = json!("queue1");
                d["queue1"][0].as_array_mut().unwrap().push(x);
            },
            "queue2[0]",
        ),
        (
            "twice in one Queue 1",
            |d| {
                let x = d["queue1"][1][0].clone();
                d["queue1"][1].as_array_mut().unwrap().push(x);
            },
            "queue1[1][2]",
        ),
        (
            "in pending and in Queue 1",
            |d| {
                let mut x = d["pending_manual"][0].clone();
                x["arrival_tick"] = json!(0);
                d["queue1"][0].as_array_mut().unwrap().push(x);
            },
            "pending_manual[0]",
        ),
    ];
    for (name, damage, path) in variants {
        let mut doc = good.clone();
        damage(&mut doc);
        expect_refused(name, &doc, &format!("snapshot.{path}"), "is also at");
    }
    // In the Queue 1 of two agents: listed under the wrong one.
    let mut doc = good.clone();
    let x = doc["queue1"][1][0].clone();
    doc["queue1"][0].as_array_mut().unwrap().push(x);
    expect_refused("two agents", &doc, "snapshot.queue1[0][0]", "wrong Queue 1");
}

/// A state restored with counters near 2^62 either is refused or runs only while every
/// snapshot it writes can be restored again; it then stops with `CounterLimit`.
#[test]
fn counters_near_the_bound_never_produce_an_unreadable_snapshot() {
    let mut base = Simulation::from_json(
        r#"{"ticks_per_day": 100, "num_days": 1, "rng_seed": 1, "event_recording": "off",
          "agent_configs": [
            {"id": "A", "opening_balance": 1000, "policy": {"type": "Fifo"}},
            {"id": "B", "opening_balance": 1000, "policy": {"type": "Fifo"}}]}"#,
    )
    .unwrap();
    let pay = Submission {
        sender: "A".into(),
        receiver: "B".into(),
        amount: 1,
        deadline_offset: 5,
        priority: 5,
        from_offset: None,
    };
    base.submit(&pay).unwrap();
    base.tick().unwrap();
    let good: Value = serde_json::from_str(&base.snapshot_json()).unwrap();
    // Shift every count consistently by k: as if k payments had settled before.
    let shifted = |k: u64| {
        let mut d = good.clone();
        for path in [
            &["next_tx_seq"][..],
            &["totals", "arrivals"],
            &["totals", "settlements"],
            &["totals", "by_mechanism", "rtgs"],
            &["totals", "agents", "0", "sent_count"],
        ] {
            let v = path.iter().fold(&mut d, |v, k| match k.parse::<usize>() {
                Ok(i) => &mut v[i],
                Err(_) => &mut v[*k],
            });
            *v = json!(v.as_u64().unwrap() + k);
        }
        d
    };
    let over = shifted(MAX_COUNTER);
    let (path, message) = refused(&over);
    assert_eq!(path, "snapshot.next_tx_seq");
    assert!(
        message.contains("out of range (at most 4611686018427387904)"),
        "{message}"
    );

    for k in [
        MAX_COUNTER - 2,
        RUNNING_COUNTER_LIMIT + 1,
        RUNNING_COUNTER_LIMIT - 3,
    ] {
        let mut sim = Simulation::restore_json(&shifted(k).to_string()).expect("consistent");
        let mut ran = 0;
        loop {
            let snapshot = sim.snapshot_json();
            Simulation::restore_json(&snapshot).expect("every snapshot written restores");
            match sim.submit(&pay) {
                Ok(_) => {}
                Err(SimError::CounterLimit { .. }) => break,
                Err(e) => panic!("{e}"),
            }
            match sim.tick() {
                Ok(_) => ran += 1,
                Err(SimError::CounterLimit { what, value, limit }) => {
                    assert!(value > limit && limit == RUNNING_COUNTER_LIMIT, "{what}");
                    break;
                }
                Err(e) => panic!("{e}"),
            }
            assert!(ran < 10, "ran past the limit");
        }
        let err = sim.tick().unwrap_err().to_string();
        assert!(
            err.starts_with("the simulation cannot continue: the next transaction number is"),
            "{err}"
        );
        assert_eq!(ran > 0, k < RUNNING_COUNTER_LIMIT, "k = {k}");
        Simulation::restore_json(&sim.snapshot_json()).expect("the last snapshot restores");
    }
}

// ----- one test per rule --------------------------------------------------------------------

type Damage = fn(&mut Value);

/// Each rule on its own, on a state in `overdue` mode with full events: (name, damage, path,
/// part of the message).
fn rules() -> Vec<(&'static str, Damage, &'static str, &'static str)> {
    vec![
        ("per-agent list", |d| { q(d, "balances").pop(); }, "balances", "per-agent lists must have 3 entries"),
        ("counter", |d| d["totals"]["drops"] = json!(u64::MAX), "totals.drops", "out of range"),
        ("tick past the horizon", |d| { d["tick"] = json!(13); d["totals"]["ticks_run"] = json!(13); }, "tick", "past the horizon 12"),
        ("ticks run", |d| d["totals"]["ticks_run"] = json!(4), "totals.ticks_run", "4 ticks run, but the tick is 5"),
        ("numbers start at 1", |d| d["next_queue2_entry"] = json!(0), "next_tx_seq", "start at 1"),
        ("conservation", |d| d["balances"][0] = json!(951), "balances", "not to the opening total 1050"),
        ("credit limit", |d| { d["balances"][0] = json!(-501); d["balances"][1] = json!(1451); }, "balances[0]", "below its credit limit"),
        ("peak overdraft", |d| d["totals"]["agents"][0]["peak_overdraft"] = json!(501), "totals.agents[0].peak_overdraft", "does not fit"),
        ("id", |d| d["queue2"][0]["id"]["seq"] = json!(7), "queue2[0]", "not below next_tx_seq 7"),
        ("self-payment", |d| d["queue2"][0]["receiver"] = json!(1), "queue2[0]", "sender/receiver"),
        ("amount", |d| d["queue2"][0]["amount"] = json!(0), "queue2[0]", "amount must be positive"),
        ("priority", |d| d["queue2"][0]["priority"] = json!(11), "queue2[0]", "priority above 10"),
        ("deadline", |d| d["queue1"][0][0]["deadline_tick"] = json!(0), "queue1[0][0]", "deadline is not after its arrival"),
        ("arrival", |d| d["queue1"][0][0]["arrival_tick"] = json!(5), "queue1[0][0]", "arrival tick 5 does not fit its place"),
        ("overdue mark", |d| d["queue2"][0]["overdue"] = json!(false), "queue2[0]", "overdue mark false do not fit tick 5 in overdue mode"),
        ("wrong Queue 1", |d| {
            let x = q(d, "pending_manual").pop().unwrap();
            let mut x = x; x["arrival_tick"] = json!(0);
            d["queue1"][0].as_array_mut().unwrap().push(x);
        }, "queue1[0][1]", "listed in the wrong Queue 1"),
        ("pending location", |d| d["pending_manual"][0]["location"] = json!({"queue2": {"entry": 1}}), "pending_manual[0]", "not marked as in Queue 1"),
        ("pending held", |d| d["pending_manual"][0]["hold_recorded"] = json!(true), "pending_manual[0]", "pending but already held"),
        ("queue2 location", |d| d["queue2"][1]["location"] = json!("queue1"), "queue2[1]", "not marked as queued"),
        ("queue2 entry", |d| d["queue2"][1]["location"]["queue2"]["entry"] = json!(5), "queue2[1]", "not below next_queue2_entry 5"),
        ("part in Queue 1", |d| d["queue1"][0][0]["id"]["part"] = json!(1), "queue1[0][0]", "a split part can only wait in Queue 2"),
        ("part its sender cannot make", |d| d["queue2"][3]["id"]["part"] = json!(3), "queue2[3]", "a part its sender's policy cannot make"),
        ("held part", |d| d["queue2"][3]["hold_recorded"] = json!(true), "queue2[3]", "never held"),
        ("order and part", |d| { d["queue2"][3]["id"]["part"] = json!(0); }, "queue2[3]", "both alive"),
        ("parts disagree", |d| d["queue2"][3]["deadline_tick"] = json!(10), "queue2[3]", "differs from T3.1"),
        ("retry order", |d| { q(d, "queue2").swap(0, 1); }, "queue2[1]", "not in retry order"),
        ("entry twice", |d| d["queue2"][3]["location"]["queue2"]["entry"] = json!(3), "queue2[3]", "entry 3 appears twice"),
        ("pending order", |d| d["pending_manual"][0]["id"]["seq"] = json!(4), "pending_manual[0]", "not numbered after every earlier order"),
        ("next transaction number", |d| { d["next_tx_seq"] = json!(8); d["pending_manual"][0]["id"]["seq"] = json!(7); }, "next_tx_seq", "is not 1 + 5 arrivals + 1 pending"),
        ("accounting", |d| { q(d, "queue2").remove(1); }, "totals.arrivals", "5 arrivals + 1 extra split parts ≠ 1 settled + 0 dropped + 1 in Queue 1 + 3 in Queue 2"),
        ("queue2 entries", |d| d["next_queue2_entry"] = json!(9), "next_queue2_entry", "8 entries into Queue 2, but only 5 transactions could have entered"),
        ("by mechanism", |d| { d["totals"]["by_mechanism"]["rtgs"] = json!(0); d["totals"]["by_mechanism"]["queue"] = json!(2); }, "totals.settlements", "1 settlements, 2 by mechanism"),
        ("splits", |d| d["totals"]["splits"] = json!(2), "totals.extra_parts", "1 extra parts from 2 splits"),
        ("overdue count", |d| d["totals"]["overdue"] = json!(0), "totals.overdue", "0 overdue marks (1 live, 4 live unmarked, of 7 transactions)"),
        ("day figures", |d| d["totals"]["day_drops"] = json!(1), "totals.day_settlements", "exceed the totals"),
        ("delays", |d| d["totals"]["delay_max"] = json!(6), "totals.delay_max", "by tick 5"),
        ("peaks", |d| d["totals"]["peak_queue2"] = json!(3), "totals.peak_queue1", "below the queues now"),
        ("negative value", |d| d["totals"]["dropped_value"] = json!(-1), "totals", "negative"),
        ("settled value", |d| d["totals"]["settled_value"] = json!(51), "totals.settled_value", "differs from the agents' sent"),
        ("arrived value", |d| d["totals"]["arrived_value"] = json!(1661), "totals.arrived_value", "1661 ≠ 50 settled + 0 dropped + 1610 waiting"),
        ("costs add up", |d| d["totals"]["costs"]["total"] = json!(1), "totals.costs", "do not add up"),
        ("costs by agent", |d| { d["totals"]["costs"]["delay"] = json!(251); d["totals"]["costs"]["total"] = json!(2600301); }, "totals.costs", "sum of the agents' costs"),
        ("event numbers", |d| d["events"][3]["seq"] = json!(5), "events[3]", "must run events_discarded + 1, + 2, … (expected 4)"),
        ("event ticks", |d| d["events"][17]["tick"] = json!(1), "events[17]", "not between the previous event's 2"),
        ("event in the future", |d| d["events"][17]["tick"] = json!(5), "events[17]", "and the current tick 5"),
        ("event agent", |d| d["events"][5]["sender"] = json!(3), "events[5]", "agent index out of range"),
        ("event id", |d| d["events"][5]["tx"]["seq"] = json!(7), "events[5]", "out of range"),
        ("end of day", |d| d["events"][17]["day"] = json!(1), "events[17]", "day 1 does not end at tick 3"),
        ("split parts", |d| d["events"][13]["parts"] = json!(3), "events[13]", "3 parts, which its sender's policy cannot make"),
        ("event of a pending submission", |d| d["events"][5]["tx"]["seq"] = json!(6), "events[5]", "has not arrived"),
        ("ended but alive", |d| d["events"][7]["tx"]["seq"] = json!(5), "events[7]", "T5 ended, but it is still at queue2[1]"),
        ("ended twice", |d| {
            let mut e = d["events"][7].clone();
            e["seq"] = json!(19);
            e["tick"] = json!(3);
            q(d, "events").push(e);
        }, "events[18]", "already had this fate at events[7]"),
        ("overdue event", |d| d["events"][16]["tx"]["seq"] = json!(5), "events[16]", "is not marked overdue"),
        ("replayed balances", |d| d["events"][7]["amount"] = json!(40), "balances[0]", "the settlements in the events give \"A\" a balance of 960, not 950"),
        ("counted", |d| d["events"][7]["mechanism"] = json!("queue"), "totals.by_mechanism.rtgs", "1, but the events (complete: none discarded) count 0"),
        ("replay", |d| { q(d, "events").swap(6, 7); d["events"][6]["seq"] = json!(7); d["events"][7]["seq"] = json!(8); }, "events[6]", "not possible where the transaction is"),
        ("replay leaves it elsewhere", |d| d["queue1"][0][0]["hold_recorded"] = json!(false), "queue1[0][0]", "not where the events leave it"),
        ("released, never placed", |d| {
            let released = json!({"seq": 19, "tick": 4, "type": "released", "tx": {"seq": 1, "part": 0}, "sender": 0});
            q(d, "events").push(released);
        }, "events", "T1 was released but never queued, split or settled"),
        ("stream position", |d| d["arrival_stream_positions"][0] = json!("0"), "arrival_stream_positions[0]", "do not match the agents with arrivals"),
        ("negative queue peak", |d| d["indicators"]["today"]["agents"][1]["peak_queue2"]["value"] = json!(-1), "indicators.today.agents[1]", "negative queue peak"),
    ]
}

#[test]
fn every_rule_is_its_own_error() {
    let good = rich("overdue", "full");
    Simulation::restore_json(&good.to_string()).expect("the undamaged state restores");
    for (name, damage, path, fragment) in rules() {
        let mut doc = good.clone();
        damage(&mut doc);
        expect_refused(name, &doc, &format!("snapshot.{path}"), fragment);
    }
}

/// The rules that depend on the deadline mode, the recording level or discarded events.
#[test]
fn mode_level_and_discard_rules() {
    let drop = rich("drop", "full");
    Simulation::restore_json(&drop.to_string()).unwrap();
    let mut doc = drop.clone();
    doc["queue2"][0]["deadline_tick"] = json!(4);
    expect_refused(
        "past deadline in drop mode",
        &doc,
        "snapshot.queue2[0]",
        "in drop mode",
    );
    let mut doc = drop.clone();
    doc["totals"]["overdue"] = json!(1);
    expect_refused(
        "overdue in drop mode",
        &doc,
        "snapshot.totals.overdue",
        "in drop mode",
    );

    let off = rich("overdue", "off");
    Simulation::restore_json(&off.to_string()).unwrap();
    let mut doc = off.clone();
    doc["events_discarded"] = json!(3);
    expect_refused(
        "events off",
        &doc,
        "snapshot.events",
        "although event_recording is off",
    );

    let settlements = rich("overdue", "settlements");
    Simulation::restore_json(&settlements.to_string()).unwrap();
    let mut doc = settlements.clone();
    let settled = doc["events"][0].as_object_mut().unwrap();
    settled.insert("type".into(), json!("dropped"));
    settled.remove("receiver");
    settled.remove("mechanism");
    expect_refused(
        "settlement missing",
        &doc,
        "snapshot.balances[0]",
        "the settlements in the events give",
    );
    let mut doc = settlements.clone();
    let held =
        json!({"seq": 4, "tick": 4, "type": "held", "tx": {"seq": 1, "part": 0}, "sender": 0});
    q(&mut doc, "events").push(held);
    expect_refused(
        "level",
        &doc,
        "snapshot.events[3]",
        "not recorded at this event_recording level",
    );

    // Discarded events: the rest must still agree with the state, and restore as they are.
    let mut sim = rich_sim("overdue", "full");
    sim.discard_events_through(8);
    let trimmed: Value = serde_json::from_str(&sim.snapshot_json()).unwrap();
    assert_eq!(trimmed["events"][0]["seq"], 9);
    assert_eq!(
        Simulation::restore_json(&trimmed.to_string())
            .unwrap()
            .snapshot_json(),
        sim.snapshot_json()
    );
    let mut doc = trimmed.clone();
    doc["events_discarded"] = json!(7);
    expect_refused(
        "numbering after a discard",
        &doc,
        "snapshot.events[0]",
        "(expected 8)",
    );
    let mut doc = trimmed.clone();
    doc["events"][0]["tx"]["seq"] = json!(5);
    doc["events"][0]["type"] = json!("dropped");
    doc["events"][0]["amount"] = json!(60);
    expect_refused(
        "ended but alive, after a discard",
        &doc,
        "snapshot.events[0]",
        "T5 ended",
    );
}

#[test]
fn unreadable_stream_positions_are_refused() {
    let mut sim = Simulation::from_json(
        r#"{"ticks_per_day": 10, "num_days": 1, "rng_seed": 1, "agent_configs": [
          {"id": "A", "opening_balance": 100, "policy": {"type": "Fifo"},
           "arrival_config": {"rate_per_tick": 1, "distribution": {"type": "Uniform", "min": 1, "max": 5},
                              "counterparty_weights": {"B": 1}}},
          {"id": "B", "opening_balance": 100, "policy": {"type": "Fifo"}}]}"#,
    )
    .unwrap();
    sim.tick().unwrap();
    let good: Value = serde_json::from_str(&sim.snapshot_json()).unwrap();
    for (position, fragment) in [
        ("x", "is not a number"),
        ("+12", "is not a number"),
        ("012", "is not a number"),
        ("295147905179352825856", "out of range"), // 2^68
    ] {
        let mut doc = good.clone();
        doc["arrival_stream_positions"][0] = json!(position);
        expect_refused(
            position,
            &doc,
            "snapshot.arrival_stream_positions[0]",
            fragment,
        );
    }
}
