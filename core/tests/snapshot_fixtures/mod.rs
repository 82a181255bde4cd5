//! Snapshots with something in every part, for the restore tests: Queue 1 (held orders),
//! Queue 2 (orders and split parts), a pending manual submission, overdue marks or drops, and
//! events of every kind.
#![allow(dead_code)]

use payment_sim_core::{Simulation, Submission};
use serde_json::{json, Value};

fn pay(sim: &mut Simulation, from: &str, to: &str, amount: i64, deadline: i64, priority: i64) {
    sim.submit(&Submission {
        sender: from.into(),
        receiver: to.into(),
        amount,
        deadline_offset: deadline,
        priority,
        from_offset: None,
    })
    .expect("valid submission");
}

/// The configuration: A (liquidity-aware, splits above 300 into at most 3), B, C (deadline
/// policy, splits above 100 into 2), 4 ticks a day for 3 days, the given deadline mode and
/// event recording.
pub fn rich_config(deadline_mode: &str, recording: &str) -> Value {
    json!({
        "ticks_per_day": 4, "num_days": 3, "rng_seed": 1,
        "deadline_mode": deadline_mode, "event_recording": recording,
        "cost_rates": {"liquidity_cost_per_unit_per_tick": 1000},
        "agent_configs": [
            {"id": "A", "opening_balance": 1000, "credit_limit": 500,
             "policy": {"type": "LiquidityAware", "target_buffer": 900, "urgency_threshold": 1,
                        "split": {"threshold": 300, "max_parts": 3}}},
            {"id": "B", "opening_balance": 0, "credit_limit": 0, "policy": {"type": "Fifo"}},
            {"id": "C", "opening_balance": 50, "credit_limit": 0,
             "policy": {"type": "Deadline", "split": {"threshold": 100, "max_parts": 2}}}
        ]
    })
}

/// The simulation behind [`rich`]: five ticks run, one submission pending.
pub fn rich_sim(deadline_mode: &str, recording: &str) -> Simulation {
    let mut s = Simulation::from_json(&rich_config(deadline_mode, recording).to_string()).unwrap();
    pay(&mut s, "A", "B", 700, 6, 5);
    pay(&mut s, "B", "C", 400, 2, 7);
    pay(&mut s, "C", "A", 450, 9, 2);
    pay(&mut s, "A", "C", 50, 20, 5);
    pay(&mut s, "B", "A", 60, 20, 5);
    s.run(5).unwrap();
    pay(&mut s, "B", "A", 10, 3, 1); // pending in the snapshot
    s
}

/// [`rich_sim`]'s snapshot as a JSON value.
pub fn rich(deadline_mode: &str, recording: &str) -> Value {
    serde_json::from_str(&rich_sim(deadline_mode, recording).snapshot_json()).unwrap()
}
