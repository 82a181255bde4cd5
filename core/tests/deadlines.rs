//! Deadlines: `drop` mode removes the payment and charges the penalty at the end of its
//! deadline tick; `overdue` mode keeps it queued, marks it and charges the penalty once.

mod common;
use common::*;
use payment_sim_core::Simulation;
use serde_json::json;

fn stuck(mode: &str) -> Simulation {
    // A has nothing; its payment can only wait. C can bring A liquidity later.
    sim(&config(
        100,
        vec![agent("A", 0, 0), agent("B", 0, 0), agent("C", 60_000, 0)],
        json!({"deadline_mode": mode}),
    ))
}

#[test]
fn drop_mode_drops_at_the_end_of_the_deadline_tick_with_penalty() {
    let mut s = stuck("drop");
    let id = pay_with(&mut s, "A", "B", 50_000, 3, 5); // deadline tick 3
    for t in 0..3 {
        let r = s.tick().unwrap();
        assert_eq!(r.tick, t);
        assert_eq!((r.num_drops, r.queue2_size), (0, 1));
        assert_eq!(r.total_deadline_penalty, 0);
        assert_eq!(r.total_delay_cost, 10);
    }
    let r = s.tick().unwrap();
    assert_eq!(r.tick, 3);
    assert_eq!(r.num_drops, 1);
    assert_eq!(r.queue2_size, 0);
    // Delay is measured before the deadline step, so tick 3 still pays it.
    assert_eq!(r.total_delay_cost, 10);
    assert_eq!(r.total_deadline_penalty, 100_000);
    assert_eq!(r.total_cost, 100_010);
    let dropped = events_of(&s, "dropped");
    assert_eq!(dropped.len(), 1);
    assert_eq!(dropped[0].tx.as_deref(), Some(id.as_str()));
    assert_eq!(dropped[0].tick, 3);
    assert_eq!(dropped[0].amount, Some(50_000));

    // Liquidity arriving later finds nothing to settle.
    pay(&mut s, "C", "A", 50_000);
    let r = s.tick().unwrap();
    assert_eq!(r.num_settlements, 1);
    assert_eq!(balances(&s), vec![50_000, 0, 10_000]);

    let stats = s.statistics();
    assert_eq!(
        (stats.drops, stats.dropped_value, stats.overdue),
        (1, 50_000, 0)
    );
    assert_eq!(stats.costs.deadline_penalty, 100_000);
    assert_eq!(stats.agents[0].costs.deadline_penalty, 100_000);
    assert_eq!(stats.agents[0].costs.delay, 40);
    assert_eq!(stats.agents[1].costs.total, 0);
}

#[test]
fn the_penalty_follows_the_cost_rates() {
    let mut s = sim(&config(
        100,
        vec![agent("A", 0, 0), agent("B", 0, 0)],
        json!({"cost_rates": {"deadline_penalty": 7, "delay_cost_per_tick": 0}}),
    ));
    pay_with(&mut s, "A", "B", 5, 1, 5);
    let r = s.tick().unwrap();
    assert_eq!((r.num_drops, r.total_deadline_penalty), (0, 0));
    let r = s.tick().unwrap();
    assert_eq!(
        (r.num_drops, r.total_deadline_penalty, r.total_cost),
        (1, 7, 7)
    );
}

#[test]
fn overdue_mode_keeps_the_payment_and_penalises_once() {
    let mut s = stuck("overdue");
    let id = pay_with(&mut s, "A", "B", 50_000, 3, 5);
    s.run(3).unwrap();
    let r = s.tick().unwrap(); // tick 3: the deadline passes
    assert_eq!(r.num_drops, 0);
    assert_eq!(r.queue2_size, 1);
    assert_eq!(r.total_deadline_penalty, 100_000);
    let r = s.tick().unwrap(); // tick 4: no second penalty
    assert_eq!((r.total_deadline_penalty, r.total_delay_cost), (0, 10));
    let overdue = events_of(&s, "overdue");
    assert_eq!(overdue.len(), 1);
    assert_eq!(
        (overdue[0].tick, overdue[0].tx.as_deref()),
        (3, Some(id.as_str()))
    );
    assert!(events_of(&s, "dropped").is_empty());

    // Tick 5: C pays A; the overdue payment settles on the retry.
    pay(&mut s, "C", "A", 50_000);
    let r = s.tick().unwrap();
    assert_eq!(r.num_settlements, 2);
    assert_eq!(r.queue2_size, 0);
    assert_eq!(balances(&s), vec![0, 50_000, 10_000]);
    assert_eq!(settlements(&s)[1], (id, "queue".to_string()));
    let stats = s.statistics();
    assert_eq!((stats.drops, stats.overdue), (0, 1));
    assert_eq!(stats.costs.deadline_penalty, 100_000);
    assert_eq!(stats.delay.max_ticks, 5);
}
