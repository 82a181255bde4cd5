//! A share of timed payments in `network:` traffic (`network.timed: {share, from_offset}`,
//! `docs/model.md` § Timed payments), as `arrival_config.timed` gives one per agent: each
//! timed payment waits for its from-time; bad values are refused with their paths.

mod common;
use std::collections::BTreeMap;

use common::*;
use payment_sim_core::{SimError, Simulation};
use serde_json::{json, Value};

/// Four participants with ample liquidity (every visible payment settles at once), a
/// network of 400 payments a day over 40 ticks, deadline 20 ticks after arrival.
fn network(timed: Value) -> Value {
    let agents = (0..4)
        .map(|i| agent(&format!("P{i}"), 1_000_000_000, 0))
        .collect();
    config(
        40,
        agents,
        json!({"event_recording": "full", "network": {"payments_per_day": 400.0,
            "distribution": {"type": "Uniform", "min": 1, "max": 10},
            "size": {"type": "Pareto", "shape": 1.5, "scale": 1.0},
            "deadline_offset": 20, "timed": timed}}),
    )
}

/// For every settled payment, settlement tick − arrival tick.
fn waits(s: &Simulation) -> Vec<u64> {
    let arrived: BTreeMap<String, u64> = (events_of(s, "arrival").into_iter())
        .map(|e| (e.tx.unwrap(), e.tick))
        .collect();
    (events_of(s, "settled").into_iter())
        .map(|e| e.tick - arrived[&e.tx.unwrap()])
        .collect()
}

#[test]
fn every_timed_network_payment_waits_for_its_from_time() {
    // Share 1: every payment settles exactly 5 ticks after it arrives (those arriving in the
    // last 5 ticks do not settle in the horizon).
    let mut s = sim(&network(json!({"share": 1.0, "from_offset": 5})));
    s.run_to_end().unwrap();
    let w = waits(&s);
    assert!(w.len() > 100, "{}", w.len());
    assert!(w.iter().all(|&d| d == 5), "{w:?}");
    assert!(s.statistics().arrivals > w.len() as u64);
    // Share 0: the same draws, none timed: every payment settles as it arrives.
    let mut s = sim(&network(json!({"share": 0.0, "from_offset": 5})));
    s.run_to_end().unwrap();
    assert!(waits(&s).iter().all(|&d| d == 0));
    assert_eq!(s.statistics().arrivals, s.statistics().settlements);
    // A share of a half times some and not others.
    let mut s = sim(&network(json!({"share": 0.5, "from_offset": 5})));
    s.run_to_end().unwrap();
    let w = waits(&s);
    assert!(w.contains(&0) && w.contains(&5), "{w:?}");
}

#[test]
fn a_snapshot_with_timed_network_payments_waiting_continues_identically() {
    let c = network(json!({"share": 0.5, "from_offset": 5}));
    let mut straight = sim(&c);
    straight.run_to_end().unwrap();
    let mut s = sim(&c);
    s.run(17).unwrap();
    let mut restored = Simulation::restore_json(&s.snapshot_json()).unwrap();
    restored.run_to_end().unwrap();
    assert_eq!(restored.snapshot_json(), straight.snapshot_json());
}

#[test]
fn bad_network_timed_values_are_refused_with_their_paths() {
    let problems = |timed: Value| match Simulation::from_json(&network(timed).to_string()) {
        Err(SimError::InvalidConfig(p)) => p
            .into_iter()
            .map(|p| (p.path, p.message))
            .collect::<Vec<_>>(),
        other => panic!("expected InvalidConfig, got {other:?}"),
    };
    assert_eq!(
        problems(json!({"share": 1.5, "from_offset": 0})),
        vec![
            (
                "network.timed.share".into(),
                "network.timed.share must be between 0 and 1 (got 1.5)".into()
            ),
            (
                "network.timed.from_offset".into(),
                "network.timed.from_offset must be ≥ 1 tick (got 0)".into()
            ),
        ]
    );
    assert_eq!(
        problems(json!({"share": 0.5, "from_offset": 21})),
        vec![(
            "network.timed.from_offset".into(),
            "network.timed.from_offset (21) puts the from-time after the till-time (the deadline, 20 ticks after arrival)".into()
        )]
    );
}
