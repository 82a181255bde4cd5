//! The rules of real RTGS systems (`docs/model.md` § The rules of real RTGS systems), each
//! with an outcome computed by hand: reservations, bilateral and multilateral limits, classes
//! excluded from offsetting, offsetting that respects limits, and the validation of the
//! `rules` section.

mod common;
use common::*;
use payment_sim_core::Simulation;
use serde_json::{json, Value};

const NORMAL: i64 = 5;
const URGENT: i64 = 8;
const HIGHLY_URGENT: i64 = 10;

fn with_rules(agents: Vec<Value>, rules: Value, lsm: Value) -> Simulation {
    sim(&config(10, agents, json!({"rules": rules, "lsm": lsm})))
}

fn rules_stats(s: &Simulation) -> (u64, u64) {
    let r = s.statistics().rules.expect("rules configured");
    (r.held_by_reservation, r.held_by_limit)
}

#[test]
fn a_reservation_blocks_a_normal_payment_but_lets_an_urgent_one_through() {
    // A holds 100 and reserves 60 for urgent payments: a normal payment may use only 40.
    let mut s = with_rules(
        vec![agent("A", 100, 0), agent("B", 100, 0)],
        json!({"participants": {"A": {"reservations": {"urgent": 60}}}}),
        lsm_off(),
    );
    pay_with(&mut s, "A", "B", 50, 50, NORMAL);
    let r = s.tick().unwrap();
    assert_eq!((r.num_settlements, r.queue2_size), (0, 1));
    assert_eq!(rules_stats(&s), (1, 0));
    // An urgent payment of the same amount may use the reserved liquidity.
    pay_with(&mut s, "A", "B", 50, 50, URGENT);
    let r = s.tick().unwrap();
    assert_eq!((r.num_settlements, r.queue2_size), (1, 1));
    assert_eq!(balances(&s), vec![50, 150]);
    // The normal one still waits: 50 − 60 reserved leaves nothing for it.
    let r = s.tick().unwrap();
    assert_eq!(r.num_settlements, 0);
    // B pays A 70: A holds 120, 60 of it usable by normal payments; it settles in the retry.
    pay_with(&mut s, "B", "A", 70, 50, NORMAL);
    let r = s.tick().unwrap();
    assert_eq!((r.num_settlements, r.queue2_size), (2, 0));
    assert_eq!(balances(&s), vec![70, 130]);
}

#[test]
fn the_highly_urgent_reservation_is_kept_from_urgent_payments() {
    // Reserved 30 for highly urgent and 30 for urgent payments, of 100.
    let mut s = with_rules(
        vec![agent("A", 100, 0), agent("B", 0, 0)],
        json!({"participants": {"A": {"reservations": {"highly_urgent": 30, "urgent": 30}}}}),
        lsm_off(),
    );
    pay_with(&mut s, "A", "B", 80, 50, URGENT); // may use 70: held
    pay_with(&mut s, "A", "B", 41, 50, NORMAL); // may use 40: held
    s.tick().unwrap();
    assert_eq!(rules_stats(&s), (2, 0));
    assert_eq!(balances(&s), vec![100, 0]);
    pay_with(&mut s, "A", "B", 80, 50, HIGHLY_URGENT); // may use all 100
    let r = s.tick().unwrap();
    assert_eq!(r.num_settlements, 1);
    assert_eq!(balances(&s), vec![20, 80]);
}

#[test]
fn a_bilateral_limit_queues_a_payment_until_an_incoming_one_arrives() {
    // A may owe B at most 100 net from normal payments today; liquidity is no constraint.
    let mut s = with_rules(
        vec![agent("A", 1_000, 0), agent("B", 1_000, 0)],
        json!({"participants": {"A": {"bilateral_limits": {"B": 100}}}}),
        lsm_off(),
    );
    pay(&mut s, "A", "B", 150); // position 0 − 150 < −100: held
    pay(&mut s, "A", "B", 80); // −80: settles (bypass FIFO)
    let r = s.tick().unwrap();
    assert_eq!((r.num_settlements, r.queue2_size), (1, 1));
    assert_eq!(rules_stats(&s), (0, 1));
    pay(&mut s, "B", "A", 60); // A's position −20: −20 − 150 < −100, still held
    let r = s.tick().unwrap();
    assert_eq!((r.num_settlements, r.queue2_size), (1, 1));
    pay(&mut s, "B", "A", 100); // position 80: 80 − 150 = −70 ≥ −100, settles in the retry
    let r = s.tick().unwrap();
    assert_eq!((r.num_settlements, r.queue2_size), (2, 0));
    assert_eq!(balances(&s), vec![1_000 - 230 + 160, 1_000 + 230 - 160]);
    // Urgent payments neither count against the limit nor are held by it.
    pay_with(&mut s, "A", "B", 500, 50, URGENT);
    pay(&mut s, "A", "B", 170); // −70 − 170 = −240 < −100: held
    pay(&mut s, "A", "B", 30); // −100: settles (the limit is inclusive)
    let r = s.tick().unwrap();
    assert_eq!((r.num_settlements, r.queue2_size), (2, 1));
    assert_eq!(rules_stats(&s), (0, 2));
}

#[test]
fn a_multilateral_limit_covers_the_counterparties_without_a_bilateral_one() {
    let mut s = with_rules(
        vec![
            agent("A", 1_000, 0),
            agent("B", 1_000, 0),
            agent("C", 1_000, 0),
            agent("D", 1_000, 0),
        ],
        json!({"participants": {"A": {"bilateral_limits": {"B": 50}, "multilateral_limit": 100}}}),
        lsm_off(),
    );
    pay(&mut s, "A", "C", 70); // multilateral −70
    pay(&mut s, "A", "D", 40); // −110 < −100: held
    pay(&mut s, "A", "B", 50); // bilateral toward B −50: settles, multilateral unchanged
    let r = s.tick().unwrap();
    assert_eq!((r.num_settlements, r.queue2_size), (2, 1));
    pay(&mut s, "B", "A", 500); // raises the position toward B only: still held
    let r = s.tick().unwrap();
    assert_eq!((r.num_settlements, r.queue2_size), (1, 1));
    pay(&mut s, "D", "A", 20); // multilateral −50: −50 − 40 = −90, settles
    let r = s.tick().unwrap();
    assert_eq!((r.num_settlements, r.queue2_size), (2, 0));
    assert_eq!(rules_stats(&s), (0, 1));
}

#[test]
fn positions_restart_each_day() {
    let mut s = sim(&config(
        2,
        vec![agent("A", 1_000, 0), agent("B", 0, 0)],
        json!({"num_days": 2, "lsm": lsm_off(),
               "rules": {"participants": {"A": {"bilateral_limits": {"B": 100}}}}}),
    ));
    pay(&mut s, "A", "B", 100);
    pay(&mut s, "A", "B", 60);
    let r = s.tick().unwrap();
    assert_eq!((r.num_settlements, r.queue2_size), (1, 1));
    assert_eq!(s.tick().unwrap().num_settlements, 0); // tick 1, the day's last
    let r = s.tick().unwrap(); // day 1: the position is 0 again
    assert_eq!((r.num_settlements, r.queue2_size), (1, 0));
}

/// A owes B 100 and B owes A 60; A may owe B at most `limit` net; A holds 50, B nothing.
fn pair_with_limit(limit: i64, algorithm: Option<&str>) -> Simulation {
    let mut lsm = json!({"bilateral": true, "multilateral": true});
    if let Some(a) = algorithm {
        lsm["algorithm"] = json!(a);
    }
    let mut s = with_rules(
        vec![agent("A", 50, 0), agent("B", 0, 0)],
        json!({"participants": {"A": {"bilateral_limits": {"B": limit}}}}),
        lsm,
    );
    pay(&mut s, "A", "B", 100);
    pay(&mut s, "B", "A", 60);
    s
}

#[test]
fn offsetting_settles_a_limit_breaching_payment_only_if_the_net_result_respects_the_limit() {
    for algorithm in [
        None,
        Some("greedy_removal"),
        Some("prefix_optimum"),
        Some("deficit_heuristic"),
        Some("exact"),
    ] {
        // Net, A's position toward B ends at 60 − 100 = −40: within a limit of 40 …
        let mut s = pair_with_limit(40, algorithm);
        let r = s.tick().unwrap();
        assert_eq!((r.num_settlements, r.queue2_size), (2, 0), "{algorithm:?}");
        assert_eq!(balances(&s), vec![10, 40], "{algorithm:?}");
        // … but not of 39: nothing settles, though A could fund its net debit of 40.
        let mut s = pair_with_limit(39, algorithm);
        let r = s.tick().unwrap();
        assert_eq!((r.num_settlements, r.queue2_size), (0, 2), "{algorithm:?}");
        assert_eq!(balances(&s), vec![50, 0], "{algorithm:?}");
    }
}

#[test]
fn offsetting_nets_a_payment_that_breaks_a_limit_on_its_own() {
    // A may owe B nothing: its 100 to B settles only against B's 100 to A.
    let mut s = with_rules(
        vec![agent("A", 0, 0), agent("B", 0, 0)],
        json!({"participants": {"A": {"bilateral_limits": {"B": 0}}}}),
        json!({"bilateral": true, "multilateral": false}),
    );
    pay(&mut s, "A", "B", 100);
    pay(&mut s, "B", "A", 100);
    let r = s.tick().unwrap();
    assert_eq!((r.num_settlements, r.lsm_bilateral_releases), (2, 2));
}

#[test]
fn a_class_excluded_from_offsetting_settles_only_gross() {
    let run = |rules: Value| {
        let mut s = with_rules(
            vec![agent("A", 0, 0), agent("B", 0, 0)],
            rules,
            json!({"bilateral": true, "multilateral": true}),
        );
        pay_with(&mut s, "A", "B", 100, 50, URGENT);
        pay(&mut s, "B", "A", 100);
        s.tick().unwrap().num_settlements
    };
    assert_eq!(run(json!({"classes": {}})), 2);
    assert_eq!(run(json!({"classes": {"not_offset": ["urgent"]}})), 0);
    // The classes are priorities: with urgent from 9, priority 8 is normal and is offset.
    assert_eq!(
        run(json!({"classes": {"urgent_from": 9, "not_offset": ["urgent"]}})),
        2
    );
}

#[test]
fn offsetting_keeps_a_normal_payment_out_of_reserved_liquidity() {
    // A ring A→B→C→A of 100 each, plus A→B 30 more; A holds 30, all reserved for urgent
    // payments. The ring settles (A's net debit 0); the extra 30 would use the reserve.
    let mut s = with_rules(
        vec![agent("A", 30, 0), agent("B", 0, 0), agent("C", 0, 0)],
        json!({"participants": {"A": {"reservations": {"urgent": 30}}}}),
        json!({"bilateral": true, "multilateral": true}),
    );
    pay(&mut s, "A", "B", 100);
    pay(&mut s, "B", "C", 100);
    pay(&mut s, "C", "A", 100);
    pay(&mut s, "A", "B", 30);
    let r = s.tick().unwrap();
    assert_eq!((r.num_settlements, r.queue2_size), (3, 1));
    assert_eq!(balances(&s), vec![30, 0, 0]);
}

#[test]
fn no_rules_section_means_no_rules_in_the_statistics() {
    let mut s = sim(&config(
        10,
        vec![agent("A", 10, 0), agent("B", 0, 0)],
        Value::Null,
    ));
    pay(&mut s, "A", "B", 5);
    s.tick().unwrap();
    let stats = serde_json::to_value(s.statistics()).unwrap();
    assert!(stats.get("rules").is_none());
    // An empty section is no rule at all, and is left out of the configuration written back.
    let s = sim(&config(
        10,
        vec![agent("A", 10, 0), agent("B", 0, 0)],
        json!({"rules": {}}),
    ));
    assert!(s.statistics().rules.is_none());
    assert!(serde_json::to_value(s.config())
        .unwrap()
        .get("rules")
        .is_none());
}

fn problems(rules: Value) -> Vec<(String, String)> {
    let c = config(
        10,
        vec![agent("A", 100, 20), agent("B", 0, 0)],
        json!({"rules": rules}),
    );
    match Simulation::from_json(&c.to_string()) {
        Ok(_) => Vec::new(),
        Err(e) => e
            .problems()
            .into_iter()
            .map(|p| (p.path, p.message))
            .collect(),
    }
}

#[test]
fn bad_rules_are_refused_with_their_paths() {
    let p = problems(
        json!({"participants": {"A": {"reservations": {"highly_urgent": 100, "urgent": 21}}}}),
    );
    assert_eq!(p[0].0, "rules.participants.A.reservations");
    assert!(
        p[0].1.contains(
            "(121 in all) exceed its liquidity at the start (opening balance + credit line = 120)"
        ),
        "{p:?}"
    );
    assert!(problems(
        json!({"participants": {"A": {"reservations": {"highly_urgent": 100, "urgent": 20}}}})
    )
    .is_empty());
    let p = problems(json!({"participants": {"A": {"reservations": {"urgent": -1}}}}));
    assert_eq!(p[0].0, "rules.participants.A.reservations.urgent");
    let p = problems(
        json!({"participants": {"A": {"bilateral_limits": {"B": -5, "Z": 1, "A": 3}, "multilateral_limit": -1}}}),
    );
    let paths: Vec<&str> = p.iter().map(|x| x.0.as_str()).collect();
    assert_eq!(
        paths,
        [
            "rules.participants.A.bilateral_limits.A",
            "rules.participants.A.bilateral_limits.B",
            "rules.participants.A.bilateral_limits.Z",
            "rules.participants.A.multilateral_limit"
        ],
        "{p:?}"
    );
    assert!(p[2].1.contains("unknown counterparty \"Z\""));
    let p = problems(json!({"participants": {"Q": {"multilateral_limit": 1}}}));
    assert_eq!(
        p,
        [(
            "rules.participants.Q".to_string(),
            "rules.participants.Q: unknown participant \"Q\"".to_string()
        )]
    );
    let p = problems(json!({"classes": {"highly_urgent_from": 12, "urgent_from": 11}}));
    let paths: Vec<&str> = p.iter().map(|x| x.0.as_str()).collect();
    assert_eq!(paths, ["rules.classes.highly_urgent_from"], "{p:?}");
    let p = problems(json!({"classes": {"highly_urgent_from": 6, "urgent_from": 7}}));
    assert_eq!(p[0].0, "rules.classes.urgent_from");
    // Parse errors name the path too.
    let c = config(
        10,
        vec![agent("A", 1, 0)],
        json!({"rules": {"classes": {"not_offset": ["vip"]}}}),
    );
    let e = Simulation::from_json(&c.to_string())
        .unwrap_err()
        .to_string();
    assert!(e.contains("rules.classes.not_offset"), "{e}");
}

#[test]
fn the_shipped_t2_rules_scenario_shows_what_the_rules_hold() {
    let text = include_str!("../../examples/scenarios/t2_rules.yaml");
    let (config, _) = payment_sim_core::parse_document(text).unwrap();
    let mut without = config.clone();
    without.rules = Default::default();
    without.scenario_events.clear();
    let mut with_rules = Simulation::new(config).unwrap();
    let mut benchmark = Simulation::new(without).unwrap();
    with_rules.run_to_end().unwrap();
    benchmark.run_to_end().unwrap();
    let (held, base) = (with_rules.statistics(), benchmark.statistics());
    let r = held.rules.clone().unwrap();
    assert!(r.held_by_reservation > 0 && r.held_by_limit > 0, "{r:?}");
    // SMALL_4 borrowed against its collateral, and paid to hold it.
    assert!(r.collateral[0].peak_credit_used > 0, "{r:?}");
    assert!(held.agents[5].costs.liquidity > 0);
    assert!(base.rules.is_none());
    // The rules delay payments: less value settles in the day.
    assert!(held.settled_value < base.settled_value);
    assert_eq!(held.arrivals, base.arrivals, "the same orders arrive");
}

#[test]
fn the_shipped_t2_rules_scenario_shows_timed_payments_and_deferred_crediting() {
    let text = include_str!("../../examples/scenarios/t2_rules.yaml");
    let (config, _) = payment_sim_core::parse_document(text).unwrap();
    let run = |c: &payment_sim_core::SimulationConfig| {
        let mut s = Simulation::new(c.clone()).unwrap();
        s.run_to_end().unwrap();
        s.statistics()
    };
    let shipped = run(&config);
    // A share of 0 draws the same numbers (so the same orders arrive) and times none.
    let mut untimed = config.clone();
    let big_2 = untimed.agent_configs[1].arrival_config.as_mut().unwrap();
    big_2.timed.as_mut().unwrap().share = 0.0;
    let untimed = run(&untimed);
    let mut immediate = config.clone();
    immediate.rules.deferred_crediting = false;
    let immediate = run(&immediate);
    for (name, s) in [("untimed", &untimed), ("immediate", &immediate)] {
        eprintln!(
            "{name}: {} settled, {} value; shipped {} settled, {} value",
            s.settlements, s.settled_value, shipped.settlements, shipped.settled_value
        );
        assert_eq!(
            s.arrivals, shipped.arrivals,
            "{name}: the same orders arrive"
        );
        // Each rule changes the day (which way depends on the day's path: under offsetting
        // semantics 2 holding BIG_2's timed payments back lets more value settle).
        assert_ne!(
            (s.settlements, s.settled_value),
            (shipped.settlements, shipped.settled_value),
            "{name}"
        );
    }
}

#[test]
fn offsetting_at_entry_settles_a_payment_against_its_receivers_queued_one() {
    // B owes A 100 and waits (B holds nothing). A, holding 30, sends B 120: it cannot settle
    // gross, but net A owes 20 and B nothing, so both settle at once, at entry, in the tick
    // A's payment enters — with the LSM off.
    let run = |entry_offsetting: bool| {
        let mut s = with_rules(
            vec![agent("A", 30, 0), agent("B", 0, 0)],
            json!({"entry_offsetting": entry_offsetting}),
            lsm_off(),
        );
        pay(&mut s, "B", "A", 100);
        let r = s.tick().unwrap();
        assert_eq!((r.num_settlements, r.queue2_size), (0, 1));
        pay(&mut s, "A", "B", 120);
        let r = s.tick().unwrap();
        (r.num_settlements, r.lsm_bilateral_releases, balances(&s))
    };
    assert_eq!(run(true), (2, 2, vec![10, 20]));
    assert_eq!(run(false), (0, 0, vec![30, 0]));
}
