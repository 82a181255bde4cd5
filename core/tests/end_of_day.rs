//! End of day: a penalty per order still unsettled after the deadline step of a day's last
//! tick, an end-of-day event with the day's figures, and carry-over to the next day.

mod common;
use common::*;
use payment_sim_core::Simulation;
use serde_json::{json, Value};

fn two_days() -> Simulation {
    sim(&config(
        5,
        vec![agent("A", 0, 0), agent("B", 100_000, 0)],
        json!({"num_days": 2}),
    ))
}

#[test]
fn unsettled_orders_pay_the_penalty_every_day_they_remain() {
    let mut s = two_days();
    pay_with(&mut s, "A", "B", 50_000, 20, 5); // deadline beyond the horizon
    for t in 0..4 {
        let r = s.tick().unwrap();
        assert_eq!(r.tick, t);
        assert!(!r.end_of_day);
        assert_eq!(r.total_eod_penalty, 0);
    }
    let r = s.tick().unwrap();
    assert_eq!((r.tick, r.day), (4, 0));
    assert!(r.end_of_day);
    assert_eq!(r.total_eod_penalty, 500_000);
    assert_eq!(s.current_day(), 1);
    // It carries into day 1 and is charged again at its end.
    let summary = s.run(5).unwrap();
    assert_eq!(summary.total_eod_penalty, 500_000);
    assert_eq!(summary.last.tick, 9);
    assert!(summary.last.end_of_day);
    assert!(s.is_finished());

    let eod = events_of(&s, "end_of_day");
    assert_eq!(eod.len(), 2);
    for (day, e) in eod.iter().enumerate() {
        assert_eq!(e.day, Some(day as u64));
        assert_eq!(e.tick, day as u64 * 5 + 4);
        assert_eq!(e.unsettled, Some(1));
        assert_eq!(e.eod_penalties, Some(500_000));
        assert_eq!((e.settlements, e.drops), (Some(0), Some(0)));
    }
    let stats = s.statistics();
    assert_eq!(stats.costs.eod_penalty, 1_000_000);
    assert_eq!(stats.agents[0].costs.eod_penalty, 1_000_000);
    assert_eq!(stats.agents[1].costs.eod_penalty, 0);
}

#[test]
fn an_order_dropped_on_the_last_tick_pays_only_the_deadline_penalty() {
    let mut s = two_days();
    pay_with(&mut s, "A", "B", 50_000, 4, 5); // deadline tick 4 = day 0's last tick
    s.run(4).unwrap();
    let r = s.tick().unwrap();
    assert!(r.end_of_day);
    assert_eq!(r.num_drops, 1);
    assert_eq!(r.total_deadline_penalty, 100_000);
    assert_eq!(r.total_eod_penalty, 0);
    let eod = events_of(&s, "end_of_day");
    assert_eq!(eod[0].unsettled, Some(0));
    assert_eq!(eod[0].drops, Some(1));
}

#[test]
fn an_overdue_order_on_the_last_tick_pays_both() {
    let mut s = sim(&config(
        5,
        vec![agent("A", 0, 0), agent("B", 0, 0)],
        json!({"deadline_mode": "overdue"}),
    ));
    pay_with(&mut s, "A", "B", 50_000, 4, 5);
    let summary = s.run(5).unwrap();
    assert_eq!(summary.total_deadline_penalty, 100_000);
    assert_eq!(summary.total_eod_penalty, 500_000);
}

#[test]
fn orders_held_in_queue1_count_and_settled_ones_do_not() {
    let mut s = sim(&config(
        5,
        vec![
            agent_with(
                "A",
                100,
                0,
                json!({"type": "LiquidityAware", "target_buffer": 1_000_000, "urgency_threshold": 0}),
            ),
            agent("B", 100_000, 0),
        ],
        Value::Null,
    ));
    pay_with(&mut s, "A", "B", 50, 20, 5); // held all day by the buffer
    pay_with(&mut s, "B", "A", 10, 20, 5); // settles at once
    let summary = s.run(5).unwrap();
    assert_eq!(summary.last.queue1_size, 1);
    assert_eq!(summary.total_eod_penalty, 500_000);
    let eod = events_of(&s, "end_of_day");
    assert_eq!(eod[0].unsettled, Some(1));
    assert_eq!(eod[0].settlements, Some(1));
    assert_eq!(eod[0].settled_value, Some(10));
}

#[test]
fn day_figures_reset_each_day() {
    let mut s = two_days();
    pay(&mut s, "B", "A", 1_000);
    s.run(5).unwrap();
    pay(&mut s, "B", "A", 2_000);
    pay(&mut s, "B", "A", 3_000);
    s.run(5).unwrap();
    let eod = events_of(&s, "end_of_day");
    assert_eq!(
        eod.iter()
            .map(|e| (e.settlements.unwrap(), e.settled_value.unwrap()))
            .collect::<Vec<_>>(),
        vec![(1, 1_000), (2, 5_000)]
    );
}
