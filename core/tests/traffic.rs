//! Traffic descriptions (`docs/model.md` § Traffic): networks from sizes or a flow matrix,
//! intraday profiles, time-critical shares, and their validation.

mod common;
use std::collections::BTreeMap;

use common::*;
use payment_sim_core::{SimError, Simulation};
use serde_json::{json, Value};

fn agents(n: usize) -> Vec<Value> {
    (0..n)
        .map(|i| agent(&format!("P{i:03}"), 1_000_000_000, 0))
        .collect()
}

fn network(n: usize, ticks: i64, net: Value) -> Value {
    config(
        ticks,
        agents(n),
        json!({"network": net, "event_recording": "full"}),
    )
}

fn pareto(ppd: f64) -> Value {
    json!({"payments_per_day": ppd,
           "distribution": {"type": "LogNormal", "mean_log": 10.0, "std_dev_log": 1.0},
           "size": {"type": "Pareto", "shape": 1.2, "scale": 1.0}})
}

/// Arrivals per sender and per receiver.
fn counts(s: &Simulation) -> (BTreeMap<String, usize>, BTreeMap<String, usize>) {
    let (mut out, mut inc) = (BTreeMap::new(), BTreeMap::new());
    for e in events_of(s, "arrival") {
        *out.entry(e.sender.unwrap()).or_default() += 1;
        *inc.entry(e.receiver.unwrap()).or_default() += 1;
    }
    (out, inc)
}

fn problems(c: &Value) -> Vec<(String, String)> {
    match Simulation::from_json(&c.to_string()) {
        Err(SimError::InvalidConfig(p)) => p.into_iter().map(|p| (p.path, p.message)).collect(),
        other => panic!("expected InvalidConfig, got {other:?}"),
    }
}

#[test]
fn sizes_make_activity_heavy_tailed_and_runs_reproducible() {
    let c = network(200, 100, pareto(20_000.0));
    let mut a = sim(&c);
    a.run_to_end().unwrap();
    let mut b = sim(&c);
    b.run_to_end().unwrap();
    assert_eq!(
        a.events_since(0),
        b.events_since(0),
        "same seed, same draws"
    );
    let total = a.statistics().arrivals as f64;
    assert!((19_000.0..21_000.0).contains(&total), "{total}");
    let (out, inc) = counts(&a);
    let mut sent: Vec<usize> = out.values().copied().collect();
    sent.sort_unstable_by(|x, y| y.cmp(x));
    let top10: usize = sent[..20].iter().sum();
    assert!(
        top10 as f64 > 0.4 * total,
        "top 10% send {top10} of {total}"
    );
    // Big senders are big receivers (receivers in proportion to size).
    let biggest = out.iter().max_by_key(|(_, c)| **c).unwrap().0;
    let median_in = {
        let mut v: Vec<usize> = inc.values().copied().collect();
        v.sort_unstable();
        v[v.len() / 2]
    };
    assert!(
        inc[biggest] > 10 * median_in,
        "{} vs {median_in}",
        inc[biggest]
    );
    // Nobody pays itself.
    assert!(events_of(&a, "arrival")
        .iter()
        .all(|e| e.sender != e.receiver));
}

#[test]
fn counterparty_rule_limits_links_by_size() {
    let mut net = pareto(30_000.0);
    net["counterparties"] = json!({"mean": 5, "min": 2});
    let mut s = sim(&network(300, 100, net));
    s.run_to_end().unwrap();
    let mut links: BTreeMap<String, std::collections::BTreeSet<String>> = BTreeMap::new();
    for e in events_of(&s, "arrival") {
        links
            .entry(e.sender.unwrap())
            .or_default()
            .insert(e.receiver.unwrap());
    }
    let degrees: Vec<usize> = links.values().map(|l| l.len()).collect();
    let small = degrees.iter().filter(|&&d| d <= 5).count();
    let max = degrees.iter().max().unwrap();
    assert!(
        small > degrees.len() / 2,
        "most senders have few counterparties"
    );
    assert!(
        *max > 30,
        "the core is densely connected (max degree {max})"
    );
}

#[test]
fn a_flow_matrix_sets_activity_and_receivers() {
    let net = json!({"payments_per_day": 4000.0,
        "distribution": {"type": "Uniform", "min": 1, "max": 10},
        "flows": [{"from": "P000", "to": "P001", "weight": 3.0},
                  {"from": "P000", "to": "P002", "weight": 1.0},
                  {"from": "P002", "to": "P000", "weight": 4.0},
                  {"from": "P001", "to": "P002", "weight": 0.0}]});
    let mut s = sim(&network(3, 100, net));
    s.run_to_end().unwrap();
    let mut pairs: BTreeMap<(String, String), f64> = BTreeMap::new();
    for e in events_of(&s, "arrival") {
        *pairs
            .entry((e.sender.unwrap(), e.receiver.unwrap()))
            .or_default() += 1.0;
    }
    let share =
        |f: &str, t: &str| pairs.get(&(f.into(), t.into())).copied().unwrap_or(0.0) / 4000.0;
    assert!((share("P000", "P001") - 0.375).abs() < 0.03, "{pairs:?}");
    assert!((share("P000", "P002") - 0.125).abs() < 0.03, "{pairs:?}");
    assert!((share("P002", "P000") - 0.5).abs() < 0.03, "{pairs:?}");
    assert_eq!(share("P001", "P002"), 0.0);
}

#[test]
fn a_profile_shapes_the_day_and_keeps_its_total() {
    let mut net = pareto(10_000.0);
    net["profile"] = json!([
        {"from_tick": 0, "to_tick": 20, "weight": 4.0},
        {"from_tick": 20, "to_tick": 80, "weight": 1.0,
         "distribution": {"type": "Uniform", "min": 5, "max": 6}},
        {"from_tick": 80, "to_tick": 100, "weight": 0.0}]);
    let mut s = sim(&network(50, 100, net));
    s.run_to_end().unwrap();
    let arrivals = events_of(&s, "arrival");
    let n = arrivals.len() as f64;
    assert!((9_400.0..10_600.0).contains(&n), "{n}");
    let morning = arrivals.iter().filter(|e| e.tick < 20).count() as f64;
    // 4·20 / (4·20 + 60) of the day.
    assert!(
        (morning / n - 80.0 / 140.0).abs() < 0.02,
        "{morning} of {n}"
    );
    assert!(
        arrivals.iter().all(|e| e.tick < 80),
        "the quiet close has no arrivals"
    );
    assert!(arrivals
        .iter()
        .filter(|e| (20..80).contains(&e.tick))
        .all(|e| matches!(e.amount, Some(5 | 6))));
}

#[test]
fn time_critical_share_gets_short_deadlines_and_high_priority() {
    let mut agents = agents(2);
    agents[0]["arrival_config"] = json!({"rate_per_tick": 5.0,
        "distribution": {"type": "Uniform", "min": 1, "max": 10},
        "counterparty_weights": {"P001": 1.0}, "deadline_offset": 60, "priority": 3,
        "time_critical": {"share": 0.2, "deadline_offset": 4}});
    let mut s = sim(&config(200, agents, json!({"event_recording": "full"})));
    s.run_to_end().unwrap();
    let arrivals = events_of(&s, "arrival");
    let urgent: Vec<_> = arrivals.iter().filter(|e| e.priority == Some(9)).collect();
    assert!(urgent.iter().all(|e| e.deadline_tick == Some(e.tick + 4)));
    assert!(arrivals
        .iter()
        .filter(|e| e.priority == Some(3))
        .all(|e| e.deadline_tick == Some(e.tick + 60)));
    let share = urgent.len() as f64 / arrivals.len() as f64;
    assert!((share - 0.2).abs() < 0.03, "{share}");
}

#[test]
fn a_snapshot_of_a_network_run_continues_the_same_draws() {
    let mut net = pareto(5_000.0);
    net["counterparties"] = json!({"mean": 4});
    net["profile"] = json!([{"from_tick": 0, "to_tick": 30, "weight": 2.0},
                            {"from_tick": 30, "to_tick": 50, "weight": 1.0}]);
    net["time_critical"] = json!({"share": 0.1, "deadline_offset": 3});
    let mut c = network(40, 50, net);
    c["num_days"] = json!(2);
    let mut whole = sim(&c);
    whole.run_to_end().unwrap();
    let mut first = sim(&c);
    first.run(37).unwrap();
    let mut rest = Simulation::restore_json(&first.snapshot_json()).unwrap();
    rest.run_to_end().unwrap();
    assert_eq!(whole.events_since(0), rest.events_since(0));
    assert_eq!(whole.statistics(), rest.statistics());
}

#[test]
fn explicit_weights_are_kept_and_unchanged_by_a_network() {
    // An agent with its own arrival_config draws exactly as without the network.
    let mut with = agents(3);
    with[0]["arrival_config"] = json!({"rate_per_tick": 1.0,
        "distribution": {"type": "Uniform", "min": 1, "max": 10},
        "counterparty_weights": {"P001": 1.0, "P002": 2.0}});
    let alone = sim(&config(
        50,
        with.clone(),
        json!({"event_recording": "full"}),
    ));
    let mut c = config(
        50,
        with,
        json!({"event_recording": "full", "network": pareto(100.0)}),
    );
    c["network"]["size"] = json!({"type": "LogNormal", "mean_log": 0.0, "std_dev_log": 1.0});
    let (mut a, mut b) = (alone, sim(&c));
    a.run_to_end().unwrap();
    b.run_to_end().unwrap();
    let of_p0 = |s: &Simulation| -> Vec<(u64, Option<String>, Option<i64>)> {
        events_of(s, "arrival")
            .into_iter()
            .filter(|e| e.sender.as_deref() == Some("P000"))
            .map(|e| (e.tick, e.receiver, e.amount))
            .collect()
    };
    assert_eq!(of_p0(&a), of_p0(&b));
    assert!(b.statistics().arrivals > a.statistics().arrivals);
}

#[test]
fn bad_traffic_is_refused_with_paths_before_any_work() {
    let mut net = pareto(f64::MAX);
    net["size"] = json!({"type": "Pareto", "shape": -1.0, "scale": 0.0});
    net["profile"] = json!([{"from_tick": 0, "to_tick": 60, "weight": 1.0},
                            {"from_tick": 50, "to_tick": 90, "weight": -2.0}]);
    net["time_critical"] = json!({"share": 1.5, "deadline_offset": 0});
    let p = problems(&network(3, 100, net));
    let paths: Vec<&str> = p.iter().map(|p| p.0.as_str()).collect();
    for expected in [
        "network.payments_per_day",
        "network.size.shape",
        "network.size.scale",
        "network.profile[1].from_tick",
        "network.profile[1].weight",
        "network.profile",
        "network.time_critical.share",
        "network.time_critical.deadline_offset",
    ] {
        assert!(paths.contains(&expected), "{expected} missing from {p:#?}");
    }
    assert!(
        p.iter()
            .any(|(_, m)| m.contains("overlaps network.profile[0]")),
        "{p:#?}"
    );
    assert!(
        p.iter()
            .any(|(_, m)| m.contains("does not cover ticks [90, 100)")),
        "{p:#?}"
    );

    let flows = json!({"payments_per_day": 10.0,
        "distribution": {"type": "Uniform", "min": 1, "max": 10},
        "flows": [{"from": "P000", "to": "NOPE", "weight": 1.0},
                  {"from": "P001", "to": "P000", "weight": -1.0},
                  {"from": "P002", "to": "P002", "weight": 1.0}]});
    let p = problems(&network(3, 100, flows));
    assert_eq!(
        p.iter().map(|p| p.0.as_str()).collect::<Vec<_>>(),
        [
            "network.flows[0].to",
            "network.flows[1].weight",
            "network.flows[2].to"
        ],
        "{p:#?}"
    );
    assert!(p[0].1.contains("agent \"NOPE\" does not exist"));

    // Expected arrivals over the cap: refused unless the cap is raised.
    let mut c = network(3, 100, pareto(1_000.0));
    c["num_days"] = json!(1_000);
    c["max_expected_arrivals"] = json!(100_000.0);
    let p = problems(&c);
    assert_eq!(p[0].0, "max_expected_arrivals");
    assert!(p[0].1.contains("expects 1.0000e6 arrivals"), "{p:#?}");
    c["max_expected_arrivals"] = json!(2e6);
    assert!(Simulation::from_json(&c.to_string()).is_ok());
}

#[test]
fn balances_from_the_daily_outflow_need_no_first_pass() {
    let text = "
simulation: {ticks_per_day: 100, seed: 5}
network:
  payments_per_day: 1000
  distribution: {type: Uniform, min: 100, max: 300}
  size: {type: Pareto, shape: 1.5, scale: 1}
agents:
  - {id: A, balance: {times_daily_outflow: 0.5}, policy: {type: Fifo}}
  - {id: B, balance: {times_daily_outflow: 0.5}, policy: {type: Fifo}}
  - {id: C, balance: 7, policy: {type: Fifo}}
";
    let (config, _) = payment_sim_core::parse_document(text).unwrap();
    let balances: Vec<i64> = config
        .agent_configs
        .iter()
        .map(|a| a.opening_balance)
        .collect();
    // The three senders share 1,000 payments of mean 200 a day: half of the share of A and B.
    assert_eq!(balances[2], 7);
    let sum = (balances[0] + balances[1]) as f64;
    assert!(sum > 0.0 && sum < 0.5 * 200_000.0 + 2.0, "{balances:?}");
    let bad = text.replace(
        "times_daily_outflow: 0.5}, policy: {type: Fifo}}\n  - {id: B",
        "times_daily_outflow: -1}, policy: {type: Fifo}}\n  - {id: B",
    );
    let p = payment_sim_core::parse_document(&bad)
        .unwrap_err()
        .problems();
    assert_eq!(p[0].path, "agents[0].balance.times_daily_outflow", "{p:?}");
}

/// The shipped CHAPS-like day has 15% time-critical payments with short deadlines: which
/// payment a bank releases first now matters, so `Deadline` and `Fifo` part ways.
#[test]
fn deadline_differs_from_fifo_on_the_shipped_chaps_day() {
    let text = include_str!("../../examples/scenarios/chaps_day.yaml");
    let (fifo, _) = payment_sim_core::parse_document(text).unwrap();
    let mut deadline = fifo.clone();
    for a in &mut deadline.agent_configs {
        a.policy = payment_sim_core::config::PolicyConfig::Deadline { split: None };
    }
    let run = |c| {
        let mut s = Simulation::new(c).unwrap();
        s.run(200).unwrap();
        s.statistics()
    };
    let (f, d) = (run(fifo), run(deadline));
    assert_eq!(f.arrivals, d.arrivals, "the same payments arrive");
    assert!(f.arrivals > 50_000, "{}", f.arrivals);
    assert_ne!(
        (f.settlements, f.drops, f.settled_value),
        (d.settlements, d.drops, d.settled_value)
    );
}
