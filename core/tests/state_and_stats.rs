//! The shapes of the state, tick result, run summary and statistics documents.

mod common;
use common::*;
use payment_sim_core::Simulation;
use serde_json::{json, Value};

/// The keys of a JSON object, sorted (serde_json's map is ordered by key).
fn keys(v: &Value) -> Vec<String> {
    v.as_object().unwrap().keys().cloned().collect()
}

fn sorted(mut names: Vec<&str>) -> Vec<String> {
    names.sort_unstable();
    names.into_iter().map(String::from).collect()
}

fn three() -> Simulation {
    sim(&config(
        4,
        vec![
            agent("A", 100_000, 5_000),
            agent("B", 0, 0),
            agent("BANK_\u{a4}", 7, 0),
        ],
        json!({"num_days": 2}),
    ))
}

#[test]
fn state_has_the_documented_shape_and_bytes() {
    let mut s = three();
    assert_eq!(
        serde_json::to_string(&s.state()).unwrap(),
        r#"{"tick":0,"day":0,"agents":[{"id":"A","balance":100000,"credit_limit":5000,"queue1_size":0,"queue2_size":0},{"id":"B","balance":0,"credit_limit":0,"queue1_size":0,"queue2_size":0},{"id":"BANK_¤","balance":7,"credit_limit":0,"queue1_size":0,"queue2_size":0}],"queue2_size":0}"#
    );
    pay(&mut s, "A", "B", 30_000);
    pay(&mut s, "B", "A", 1_000); // waits at entry, settles on the retry after A pays
    s.run(4).unwrap();
    assert_eq!(
        serde_json::to_string(&s.state()).unwrap(),
        r#"{"tick":4,"day":1,"agents":[{"id":"A","balance":71000,"credit_limit":5000,"queue1_size":0,"queue2_size":0},{"id":"B","balance":29000,"credit_limit":0,"queue1_size":0,"queue2_size":0},{"id":"BANK_¤","balance":7,"credit_limit":0,"queue1_size":0,"queue2_size":0}],"queue2_size":0}"#
    );
}

#[test]
fn tick_results_keep_the_seed_keys() {
    let mut s = three();
    let r = serde_json::to_value(s.tick().unwrap()).unwrap();
    for k in [
        "tick",
        "num_arrivals",
        "num_settlements",
        "num_drops",
        "lsm_bilateral_releases",
        "lsm_cycle_releases",
        "queue1_size",
        "queue2_size",
        "total_liquidity_cost",
        "total_delay_cost",
    ] {
        assert!(r.get(k).is_some(), "tick result lacks {k}: {r}");
    }
    assert_eq!(r["tick"], 0);
    assert_eq!(s.current_tick(), 1);
}

#[test]
fn run_summary_sums_the_ticks_it_ran() {
    let build = || {
        let mut s = three();
        pay(&mut s, "A", "B", 30_000);
        pay(&mut s, "B", "A", 50_000); // waits until day 1… never: B only gets 30,000
        pay_with(&mut s, "B", "BANK_\u{a4}", 1, 2, 5); // fundable after A's payment
        s
    };
    let mut stepped = build();
    let ticks: Vec<_> = (0..8).map(|_| stepped.tick().unwrap()).collect();
    let mut ran = build();
    let summary = ran.run(8).unwrap();
    assert_eq!(
        (summary.ticks_run, summary.first_tick, summary.last_tick),
        (8, 0, 7)
    );
    assert_eq!(summary.last, ticks[7]);
    let sum = |f: fn(&payment_sim_core::TickResult) -> i64| ticks.iter().map(f).sum::<i64>();
    assert_eq!(summary.num_arrivals as i64, sum(|r| r.num_arrivals as i64));
    assert_eq!(
        summary.num_settlements as i64,
        sum(|r| r.num_settlements as i64)
    );
    assert_eq!(summary.total_delay_cost, sum(|r| r.total_delay_cost));
    assert_eq!(summary.total_eod_penalty, sum(|r| r.total_eod_penalty));
    assert_eq!(summary.total_cost, sum(|r| r.total_cost));
    assert_eq!(summary.settled_value, sum(|r| r.settled_value));
    assert_eq!(summary.total_eod_penalty, 1_000_000);
    let v = serde_json::to_value(&summary).unwrap();
    for k in [
        "ticks_run",
        "first_tick",
        "last_tick",
        "num_settlements",
        "last",
    ] {
        assert!(v.get(k).is_some(), "summary lacks {k}");
    }
    assert_eq!(ran.state(), stepped.state());
    assert_eq!(ran.events_since(0), stepped.events_since(0));
}

#[test]
fn statistics_have_the_documented_fields() {
    let mut s = three();
    pay(&mut s, "A", "B", 30_000);
    pay(&mut s, "B", "A", 50_000);
    s.run(2).unwrap();
    let st = s.statistics();
    let v = serde_json::to_value(&st).unwrap();
    assert_eq!(
        keys(&v),
        sorted(vec![
            "ticks_run",
            "arrivals",
            "arrived_value",
            "settlements",
            "settlements_by_mechanism",
            "settled_value",
            "settlement_rate_count",
            "settlement_rate_value",
            "lsm",
            "lsm_share",
            "drops",
            "dropped_value",
            "overdue",
            "splits",
            "delay",
            "peak_queue1",
            "peak_queue2",
            "queue1_size",
            "queue2_size",
            "costs",
            "agents",
            "provenance",
            "liquidity_upper_bound",
            "liquidity_lower_bound",
            "delay_indicator",
        ])
    );
    assert_eq!(
        keys(&v["provenance"]),
        sorted(vec!["engine_version", "semantics", "scenario_hash", "seed"])
    );
    assert_eq!(st.ticks_run, 2);
    assert_eq!((st.arrivals, st.arrived_value), (2, 80_000));
    assert_eq!((st.settlements, st.settled_value), (1, 30_000));
    assert_eq!(st.settlement_rate_count, 0.5);
    assert_eq!(st.settlement_rate_value, 30_000.0 / 80_000.0);
    assert_eq!((st.peak_queue2, st.queue2_size), (1, 1));
    assert_eq!(st.costs.delay, 20);
    assert_eq!(st.agents.len(), 3);
    assert_eq!(st.agents[0].sent_value, 30_000);
    assert_eq!(st.agents[1].received_value, 30_000);
    assert_eq!(
        keys(&v["agents"][0]),
        sorted(vec![
            "id",
            "balance",
            "sent_count",
            "sent_value",
            "received_value",
            "peak_overdraft",
            "costs",
            "liquidity_upper_bound",
            "liquidity_lower_bound",
            "delay_indicator",
        ])
    );
    assert_eq!(
        keys(&v["costs"]),
        sorted(vec![
            "liquidity",
            "delay",
            "split",
            "deadline_penalty",
            "eod_penalty",
            "total"
        ])
    );
}

#[test]
fn queries_report_ids_ticks_and_days() {
    let mut s = three();
    assert_eq!(s.agent_ids(), ["A", "B", "BANK_\u{a4}"]);
    assert_eq!((s.current_tick(), s.current_day(), s.horizon()), (0, 0, 8));
    s.run(5).unwrap();
    assert_eq!((s.current_tick(), s.current_day()), (5, 1));
    assert!(s.agent_balance("nobody").is_err());
    assert_eq!(s.agent_balance("BANK_\u{a4}").unwrap(), 7);
}
