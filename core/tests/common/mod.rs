//! Helpers shared by the scenario tests: small configurations built as JSON, manual payments,
//! and a few assertions on balances.
#![allow(dead_code)]

use payment_sim_core::{EventRecord, Simulation, Submission};
use serde_json::{json, Value};

/// One agent with a `Fifo` policy and no arrivals.
pub fn agent(id: &str, balance: i64, credit: i64) -> Value {
    json!({"id": id, "opening_balance": balance, "credit_limit": credit, "policy": {"type": "Fifo"}})
}

/// One agent with the given policy object and no arrivals.
pub fn agent_with(id: &str, balance: i64, credit: i64, policy: Value) -> Value {
    json!({"id": id, "opening_balance": balance, "credit_limit": credit, "policy": policy})
}

/// A configuration: `ticks_per_day`, one day unless `extra` says otherwise, seed 1, the given
/// agents, and any further top-level fields from `extra` (an object, or `null`).
pub fn config(ticks_per_day: i64, agents: Vec<Value>, extra: Value) -> Value {
    let mut c = json!({
        "ticks_per_day": ticks_per_day,
        "num_days": 1,
        "rng_seed": 1,
        "agent_configs": agents,
    });
    if let Value::Object(map) = extra {
        for (k, v) in map {
            c[k] = v;
        }
    }
    c
}

/// Build a simulation from a JSON value (panics on an invalid configuration: tests only).
pub fn sim(config: &Value) -> Simulation {
    Simulation::from_json(&config.to_string()).expect("valid test configuration")
}

/// LSM switched off entirely.
pub fn lsm_off() -> Value {
    json!({"bilateral": false, "multilateral": false})
}

/// Submit a manual payment (deadline offset 50, priority 5) and return its id.
pub fn pay(sim: &mut Simulation, from: &str, to: &str, amount: i64) -> String {
    pay_with(sim, from, to, amount, 50, 5)
}

/// Submit a manual payment with an explicit deadline offset and priority.
pub fn pay_with(
    sim: &mut Simulation,
    from: &str,
    to: &str,
    amount: i64,
    deadline_offset: i64,
    priority: i64,
) -> String {
    sim.submit(&Submission {
        sender: from.into(),
        receiver: to.into(),
        amount,
        deadline_offset,
        priority,
        from_offset: None,
    })
    .expect("valid submission")
}

/// Every balance, in configuration order.
pub fn balances(sim: &Simulation) -> Vec<i64> {
    sim.state().agents.iter().map(|a| a.balance).collect()
}

/// Settlement events as (tx, mechanism) pairs, in order.
pub fn settlements(sim: &Simulation) -> Vec<(String, String)> {
    sim.events_since(0)
        .into_iter()
        .filter(|e| e.kind == "settled")
        .map(|e| {
            let mechanism = serde_json::to_value(e.mechanism.expect("settled has a mechanism"))
                .unwrap()
                .as_str()
                .unwrap()
                .to_string();
            (e.tx.unwrap(), mechanism)
        })
        .collect()
}

/// Events of one type.
pub fn events_of(sim: &Simulation, kind: &str) -> Vec<EventRecord> {
    sim.events_since(0)
        .into_iter()
        .filter(|e| e.kind == kind)
        .collect()
}

/// The sum of all balances.
pub fn total(sim: &Simulation) -> i64 {
    balances(sim).iter().sum()
}

/// The (path, message) of every problem a configuration is refused with (none: accepted).
pub fn problems_of(config: &Value) -> Vec<(String, String)> {
    match Simulation::from_json(&config.to_string()) {
        Ok(_) => Vec::new(),
        Err(e) => e
            .problems()
            .into_iter()
            .map(|p| (p.path, p.message))
            .collect(),
    }
}

/// A snapshot of `sim` restores to the same bytes, and both run to the end identically
/// (snapshot and statistics).
pub fn assert_restore_continues_identically(sim: &mut Simulation) {
    let text = sim.snapshot_json();
    let mut restored = Simulation::restore_json(&text).unwrap();
    assert_eq!(restored.snapshot_json(), text);
    sim.run_to_end().unwrap();
    restored.run_to_end().unwrap();
    assert_eq!(restored.snapshot_json(), sim.snapshot_json());
    assert_eq!(
        serde_json::to_string(&restored.statistics()).unwrap(),
        serde_json::to_string(&sim.statistics()).unwrap()
    );
}
