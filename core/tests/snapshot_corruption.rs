//! Restoring a damaged snapshot is an error or a working simulation — never a panic, neither
//! while restoring nor while running or querying what was restored.

mod common;
use common::*;
use payment_sim_core::Simulation;
use proptest::prelude::*;
use serde_json::{json, Value};

/// A snapshot with something in every part: Queue 1 (held), Queue 2, a pending manual
/// submission, split parts, overdue marks and events of every kind.
fn rich_snapshot() -> Value {
    let mut s = sim(&config(
        4,
        vec![
            agent_with(
                "A",
                1_000,
                500,
                json!({"type": "LiquidityAware", "target_buffer": 900, "urgency_threshold": 1,
                       "split": {"threshold": 300, "max_parts": 3}}),
            ),
            agent("B", 0, 0),
            agent_with(
                "C",
                50,
                0,
                json!({"type": "Deadline", "split": {"threshold": 100, "max_parts": 2}}),
            ),
        ],
        json!({"num_days": 3, "deadline_mode": "overdue", "cost_rates": {"liquidity_cost_per_unit_per_tick": 1000}}),
    ));
    pay_with(&mut s, "A", "B", 700, 6, 5);
    pay_with(&mut s, "B", "C", 400, 2, 7);
    pay_with(&mut s, "C", "A", 450, 9, 2);
    pay_with(&mut s, "A", "C", 50, 20, 5);
    s.run(5).unwrap();
    pay_with(&mut s, "B", "A", 10, 3, 1); // pending in the snapshot
    serde_json::from_str(&s.snapshot_json()).unwrap()
}

/// Paths to every scalar leaf of a JSON value.
fn leaves(v: &Value, path: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                path.push(json!(k));
                leaves(x, path, out);
                path.pop();
            }
        }
        Value::Array(a) => {
            out.push(path.clone()); // the array itself: for structural damage
            for (i, x) in a.iter().enumerate() {
                path.push(json!(i));
                leaves(x, path, out);
                path.pop();
            }
        }
        _ => out.push(path.clone()),
    }
}

fn at<'a>(v: &'a mut Value, path: &[Value]) -> &'a mut Value {
    path.iter().fold(v, |v, k| match k {
        Value::String(s) => &mut v[s.as_str()],
        Value::Number(n) => &mut v[n.as_u64().unwrap() as usize],
        _ => unreachable!(),
    })
}

fn interesting() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(json!(0)),
        Just(json!(1)),
        Just(json!(-1)),
        Just(json!(2)),
        Just(json!(99)),
        Just(json!(u64::MAX)),
        Just(json!(u64::MAX - 1)),
        Just(json!(i64::MAX)),
        Just(json!(i64::MIN)),
        Just(json!(u32::MAX)),
        Just(json!(u32::MAX as u64 + 1)),
        Just(json!(1e300)),
        Just(json!("T1")),
        Just(json!("18446744073709551615")),
        Just(json!("340282366920938463463374607431768211455")),
        Just(json!(null)),
        Just(json!(true)),
        Just(json!({"queue2": {"entry": u64::MAX}})),
        Just(json!("queue1")),
        any::<i64>().prop_map(|x| json!(x)),
        (0i64..10).prop_map(|x| json!(x)),
    ]
}

/// Queue sizes can never exceed the live transactions (a wrapped counter would).
fn sane(sim: &Simulation) {
    let state = sim.state();
    let queued: u64 = state
        .agents
        .iter()
        .map(|a| a.queue1_size + a.queue2_size)
        .sum();
    assert!(queued <= sim.live_transactions(), "queue sizes {state:?}");
    assert_eq!(state.queue2_size, sim.queue2_size());
}

fn run_everything(mut sim: Simulation) {
    let _ = sim.events_since(0);
    sane(&sim);
    let _ = sim.statistics();
    let _ = sim.snapshot_json();
    // A damaged clock may leave an enormous horizon: a few ticks are enough.
    for _ in 0..20 {
        if sim.tick().is_err() {
            break;
        }
        let _ = sim.events_since(0);
        let _ = sim.statistics();
        sane(&sim);
    }
    let _ = sim.snapshot_json();
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256),
        ..ProptestConfig::default()
    })]

    #[test]
    fn damaged_snapshots_never_panic(
        damage in prop::collection::vec((any::<prop::sample::Index>(), interesting(), 0u8..4), 1..4)
    ) {
        let mut snapshot = rich_snapshot();
        for (which, value, how) in damage {
            let mut paths = Vec::new();
            leaves(&snapshot, &mut Vec::new(), &mut paths);
            let path = which.get(&paths).clone();
            let target = at(&mut snapshot, &path);
            match (how, target) {
                (0, Value::Array(a)) if !a.is_empty() => { a.pop(); }
                (1, Value::Array(a)) if !a.is_empty() => { let x = a[0].clone(); a.push(x); }
                (2, Value::Array(a)) if a.len() > 1 => { a.swap(0, 1); }
                (_, t) => *t = value,
            }
        }
        let text = snapshot.to_string();
        let outcome = std::panic::catch_unwind(|| {
            if let Ok(sim) = Simulation::restore_json(&text) {
                run_everything(sim);
            }
        });
        prop_assert!(outcome.is_ok(), "panicked on {}", text);
    }
}

#[test]
fn the_undamaged_snapshot_restores() {
    let snapshot = rich_snapshot();
    let sim = Simulation::restore_json(&snapshot.to_string()).unwrap();
    assert_eq!(sim.current_tick(), 5);
    assert!(sim.queue2_size() > 0 || sim.state().agents.iter().any(|a| a.queue1_size > 0));
    run_everything(sim);
}

/// Restoring `snapshot` after `damage` fails with an `InvalidConfig` naming `needle`.
fn rejected(damage: impl FnOnce(&mut Value), needle: &str) {
    let mut snapshot = rich_snapshot();
    damage(&mut snapshot);
    match Simulation::restore_json(&snapshot.to_string()) {
        Err(payment_sim_core::SimError::InvalidConfig(p)) => {
            assert!(p.join("; ").contains(needle), "{p:?} lacks {needle:?}")
        }
        other => panic!("expected InvalidConfig({needle}), got {other:?}"),
    }
}

#[test]
fn counters_near_the_top_of_u64_are_rejected() {
    rejected(
        |s| s["totals"]["settlements"] = json!(u64::MAX),
        "out of range",
    );
    rejected(
        |s| s["totals"]["agents"][0]["sent_count"] = json!(u64::MAX),
        "out of range",
    );
    rejected(|s| s["next_tx_seq"] = json!(u64::MAX), "out of range");
    rejected(|s| s["next_queue2_entry"] = json!(u64::MAX), "out of range");
}

#[test]
fn inconsistent_transactions_are_rejected() {
    let snapshot = rich_snapshot();
    assert!(!snapshot["pending_manual"].as_array().unwrap().is_empty());
    assert!(!snapshot["queue2"].as_array().unwrap().is_empty());
    // A pending submission joins Queue 1 at the next tick: it must be marked as there.
    rejected(
        |s| s["pending_manual"][0]["location"] = json!({"queue2": {"entry": 1}}),
        "not marked as in Queue 1",
    );
    rejected(
        |s| s["queue2"][0]["location"]["queue2"]["entry"] = json!(u64::MAX - 1),
        "not below next_queue2_entry",
    );
    rejected(
        |s| s["pending_manual"][0]["id"]["seq"] = json!(1_000_000),
        "not below next_tx_seq",
    );
}
