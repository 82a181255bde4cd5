//! Generated arrivals: receivers drawn in the receivers' configuration order (not by name,
//! not by JSON key order), one stream per sender (other agents do not disturb it), the
//! arrival settings applied, and a snapshot continuing the same draws.

mod common;
use common::*;
use payment_sim_core::Simulation;
use serde_json::{json, Value};

/// Sender "S" first, then two receivers named `r1`, `r2` in that configuration order;
/// weights 3 : 1 for the first and second receiver.
fn sender_and_two(r1: &str, r2: &str, extra_agent: bool) -> Simulation {
    let mut agents = vec![
        agent("S", 1_000_000_000, 0),
        agent(r1, 0, 0),
        agent(r2, 0, 0),
    ];
    if extra_agent {
        agents.push(agent("EXTRA", 5, 0));
    }
    agents[0]["arrival_config"] = json!({
        "rate_per_tick": 1.5,
        "distribution": {"type": "LogNormal", "mean_log": 8.0, "std_dev_log": 1.0},
        "counterparty_weights": {r1: 3.0, r2: 1.0},
        "deadline_offset": 7,
        "priority": 8,
    });
    sim(&config(200, agents, Value::Null))
}

/// (tick, receiver's configuration position, amount, deadline, priority) of every arrival.
fn draws(s: &Simulation) -> Vec<(u64, usize, i64, u64, u8)> {
    let ids = s.agent_ids().to_vec();
    events_of(s, "arrival")
        .into_iter()
        .map(|e| {
            let position = ids
                .iter()
                .position(|i| Some(i) == e.receiver.as_ref())
                .unwrap();
            (
                e.tick,
                position,
                e.amount.unwrap(),
                e.deadline_tick.unwrap(),
                e.priority.unwrap(),
            )
        })
        .collect()
}

#[test]
fn receivers_follow_configuration_order_not_names() {
    let mut sorted = sender_and_two("A_FIRST", "B_SECOND", false);
    let mut reversed = sender_and_two("Z_FIRST", "A_SECOND", false);
    sorted.run_to_end().unwrap();
    reversed.run_to_end().unwrap();
    let (a, b) = (draws(&sorted), draws(&reversed));
    assert!(a.len() > 200, "rate 1.5 over 200 ticks");
    assert_eq!(a, b);
    // The 3 : 1 weights favour the first receiver in configuration order.
    let first = a.iter().filter(|d| d.1 == 1).count() as f64 / a.len() as f64;
    assert!((0.68..0.82).contains(&first), "share {first}");
}

#[test]
fn arrival_settings_apply_to_every_order() {
    let mut s = sender_and_two("R1", "R2", false);
    s.run_to_end().unwrap();
    for (tick, _, amount, deadline, priority) in draws(&s) {
        assert!(amount >= 1);
        assert_eq!(deadline, tick + 7);
        assert_eq!(priority, 8);
    }
    let mean = s.statistics().arrivals as f64 / 200.0;
    assert!((1.3..1.7).contains(&mean), "Poisson mean {mean}");
}

#[test]
fn another_agent_does_not_disturb_a_senders_draws() {
    let mut alone = sender_and_two("R1", "R2", false);
    let mut crowded = sender_and_two("R1", "R2", true);
    alone.run_to_end().unwrap();
    crowded.run_to_end().unwrap();
    assert_eq!(draws(&alone), draws(&crowded));
}

#[test]
fn the_seed_changes_the_draws_and_only_the_seed() {
    let build = |seed: u64| {
        let mut c = config(
            50,
            vec![agent("S", 1_000_000, 0), agent("R", 0, 0)],
            json!({"rng_seed": seed}),
        );
        c["agent_configs"][0]["arrival_config"] = json!({"rate_per_tick": 2.0,
            "distribution": {"type": "Normal", "mean": 500.0, "std_dev": 100.0},
            "counterparty_weights": {"R": 1.0}});
        let mut s = sim(&c);
        s.run_to_end().unwrap();
        draws(&s)
    };
    assert_eq!(build(1), build(1));
    assert_ne!(build(1), build(2));
}

#[test]
fn a_restored_snapshot_continues_the_same_draws() {
    let mut whole = sender_and_two("Z_FIRST", "A_SECOND", false);
    whole.run_to_end().unwrap();
    let mut first_half = sender_and_two("Z_FIRST", "A_SECOND", false);
    first_half.run(77).unwrap();
    let mut resumed = Simulation::restore_json(&first_half.snapshot_json()).unwrap();
    resumed.run_to_end().unwrap();
    assert_eq!(draws(&whole), draws(&resumed));
}
