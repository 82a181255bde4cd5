//! The stress tester (`model.md` § Stress testing) on outcomes known by construction: a
//! payment chain whose head's outage does the most damage and whose leaf's does none, a
//! withdrawal whose deterioration is the amount withdrawn, a report independent of the
//! thread count, and every bad definition a problem with its path.

mod common;
use common::*;
use payment_sim_core::stress::{stress, stress_text, Progress, StressDefinition, StressReport};
use payment_sim_core::SimulationConfig;
use serde_json::{json, Value};

fn cfg(v: &Value) -> SimulationConfig {
    SimulationConfig::from_json(&v.to_string()).unwrap()
}

fn def(text: &str) -> StressDefinition {
    StressDefinition::from_text(text).unwrap()
}

fn payment(tick: u64, from: &str, to: &str, amount: i64) -> Value {
    json!({"type": "payment", "tick": tick, "sender": from, "receiver": to, "amount": amount})
}

/// A chain A → B → C → D: only A has money (1,000); at tick 1 A pays B 100, at tick 2 B pays
/// C 100, at tick 3 C pays D 100; D pays nobody. LSM off, ten ticks, deadlines beyond.
fn chain() -> SimulationConfig {
    let agents = vec![
        agent("A", 1_000, 0),
        agent("B", 0, 0),
        agent("C", 0, 0),
        agent("D", 0, 0),
    ];
    cfg(&config(
        10,
        agents,
        json!({"lsm": lsm_off(), "scenario_events": [
            payment(1, "A", "B", 100), payment(2, "B", "C", 100), payment(3, "C", "D", 100)]}),
    ))
}

const OUTAGE_EACH: &str =
    "scenarios: [{type: outage, participants: all, from_tick: 0, to_tick: 10}]";

fn run(config: &SimulationConfig, text: &str, threads: usize) -> StressReport {
    stress(config, &def(text), Some(threads), None).unwrap()
}

/// A out: its payment never leaves, so B cannot pay C nor C pay D: others lose 200.
/// B out: A's payment to B still settles (B is a sink), C cannot pay D: 100.
/// C out: only its own payment waits; D pays nobody: 0. D out: payments to D settle: 0.
#[test]
fn the_head_of_the_chain_ranks_first_and_the_leaf_last_with_no_damage() {
    let report = run(&chain(), OUTAGE_EACH, 1);
    let ranking: Vec<(usize, String, i64)> = report.rankings[0]
        .entries
        .iter()
        .map(|e| (e.rank, e.participant.clone(), e.damage))
        .collect();
    let want = [(1, "A", 200), (2, "B", 100), (3, "C", 0), (4, "D", 0)];
    let want: Vec<(usize, String, i64)> = want
        .iter()
        .map(|(r, p, d)| (*r, p.to_string(), *d))
        .collect();
    assert_eq!(ranking, want);
    // The benchmark settles everything; A's variant leaves all three payments unsettled.
    assert_eq!(report.benchmark.system.unsettled_value, 0);
    let a = &report.variants[0];
    assert_eq!(a.participant, "A");
    assert_eq!(a.system.unsettled_value, 300);
    assert_eq!(a.system.unsettled_count, 3);
    assert_eq!(a.system.unsettled_value_by_day, vec![300]);
    // A keeps the 100 it would have paid: +100 from tick 1; B never gets it in transit.
    let pa = &a.participants[0];
    assert_eq!(
        (pa.liquidity_min, pa.liquidity_max, pa.liquidity_max_tick),
        (0, 100, 1)
    );
    let pb = &a.participants[1];
    assert_eq!(
        (pb.liquidity_min, pb.liquidity_min_tick, pb.liquidity_max),
        (-100, 1, 0)
    );
    // D ends 100 short of the benchmark.
    assert_eq!(a.participants[3].liquidity_min, -100);
    assert_eq!(a.participants[3].liquidity_min_tick, 3);
}

#[test]
fn a_variant_that_changes_nothing_deteriorates_nothing() {
    // D has no money at tick 0, so withdrawing from it withdraws nothing: the variant is the
    // benchmark, compared with itself.
    let report = run(
        &chain(),
        "scenarios: [{type: liquidity_withdrawal, participants: [D], percent: 50, tick: 0}]",
        1,
    );
    let v = &report.variants[0];
    assert_eq!(v.event, None);
    assert_eq!(v.damage, 0);
    for p in &v.participants {
        assert_eq!((p.liquidity_min, p.liquidity_max), (0, 0), "{}", p.id);
        assert_eq!((p.unsettled_value, p.unsettled_count, p.cost), (0, 0, 0));
        assert_eq!((p.mean_delay, p.value_weighted_delay), (0.0, 0.0));
    }
    assert_eq!(v.system.unsettled_value_by_day, vec![0]);
}

#[test]
fn a_withdrawal_deteriorates_by_the_amount_withdrawn_from_its_tick() {
    // A alone with 1,000 and no payments: 25% at the start of tick 4 is 250.
    let alone = cfg(&config(
        10,
        vec![agent("A", 1_000, 0), agent("B", 0, 0)],
        json!(null),
    ));
    let report = run(
        &alone,
        "scenarios: [{type: liquidity_withdrawal, participants: [A], percent: 25, tick: 4}]",
        1,
    );
    let v = &report.variants[0];
    assert_eq!(v.event.as_ref().unwrap().amount, Some(-250));
    let a = &v.participants[0];
    assert_eq!((a.liquidity_min, a.liquidity_min_tick), (-250, 4));
    assert_eq!((a.liquidity_max, a.liquidity_max_tick), (0, 0));
    assert_eq!(a.external, -250);
    assert_eq!(v.participants[1].liquidity_min, 0);
}

#[test]
fn the_report_is_the_same_bytes_whatever_the_number_of_threads() {
    let scenario = include_str!("../../examples/scenarios/four_bank_ring.yaml");
    let text = "scenarios:
  - {type: outage, participants: all, from_tick: 10, to_tick: 60}
  - {type: liquidity_withdrawal, participants: {largest: 2}, percent: 50, tick: 20}";
    let one = stress_text(scenario, text, Some(1), None)
        .unwrap()
        .to_json();
    for threads in [2, 4] {
        let calls = std::sync::Mutex::new(Vec::new());
        let progress = |p: Progress| calls.lock().unwrap().push(p);
        let other = stress_text(scenario, text, Some(threads), Some(&progress)).unwrap();
        assert_eq!(other.to_json(), one, "{threads} threads");
        // The benchmark and six variants: reported on this thread as they finish, in order.
        let calls = calls.into_inner().unwrap();
        assert!(calls.iter().all(|p| p.total == 7));
        assert_eq!(calls.first().map(|p| p.done), Some(1));
        assert_eq!(calls.last().map(|p| p.done), Some(7));
        assert!(calls.windows(2).all(|w| w[0].done < w[1].done));
    }
    // Some variant does change something (the test would pass trivially otherwise).
    let report: Value = serde_json::from_str(&one).unwrap();
    assert!(report["variants"][0]["damage"].as_i64().unwrap() != 0);
}

fn problems(config: &SimulationConfig, text: &str) -> Vec<(String, String)> {
    let err = stress(config, &def(text), Some(1), None).unwrap_err();
    err.problems()
        .into_iter()
        .map(|p| (p.path, p.message))
        .collect()
}

#[test]
fn every_bad_definition_is_a_problem_with_its_path() {
    let c = chain();
    let cases = [
        (
            "scenarios: [{type: outage, participants: [A, X], from_tick: 0, to_tick: 5}]",
            "scenarios[0].participants[1]",
            "\"X\" is not a participant",
        ),
        (
            "scenarios: [{type: outage, participants: all, from_tick: 0, to_tick: 11}]",
            "scenarios[0].to_tick",
            "horizon",
        ),
        (
            "scenarios: [{type: outage, participants: all, from_tick: 5, to_tick: 5}]",
            "scenarios[0].",
            "",
        ),
        (
            "scenarios: [{type: outage, participants: {largest: 5}, from_tick: 0, to_tick: 5}]",
            "scenarios[0].participants.largest",
            "between 1 and the 4 participants (got 5)",
        ),
        (
            "scenarios: [{type: liquidity_withdrawal, participants: all, percent: 120, tick: 1}]",
            "scenarios[0].percent",
            "must be above 0 and at most 100 (got 120)",
        ),
        (
            "scenarios: [{type: liquidity_withdrawal, participants: all, percent: 10, tick: 10}]",
            "scenarios[0].tick",
            "",
        ),
        (
            "scenarios: [{type: liquidity_withdrawal, participants: all, percent: 10}]",
            "scenarios[0].tick",
            "is required for a liquidity_withdrawal scenario",
        ),
        (
            "scenarios: [{type: outage, participants: all, from_tick: 0, to_tick: 5, percent: 3}]",
            "scenarios[0].percent",
            "is not a field of a outage scenario",
        ),
        (
            "scenarios: [{type: outage, participants: [A, A], from_tick: 0, to_tick: 5}]",
            "scenarios[0].participants[1]",
            "listed twice",
        ),
        ("scenarios: []", "scenarios", "at least one"),
    ];
    for (text, path, words) in cases {
        let found = problems(&c, text);
        assert!(
            found.iter().any(|(p, m)| p.starts_with(path)
                && m.starts_with(p.as_str())
                && m.contains(words)),
            "{text}: {found:?}"
        );
    }
}

#[test]
fn a_malformed_definition_is_a_shape_problem_with_its_path() {
    for (text, path) in [
        ("scenarios: [{type: outage, participants: some, from_tick: 0, to_tick: 5}]", "scenarios[0].participants"),
        ("scenarios: [{type: flood, participants: all}]", "scenarios[0].type"),
        ("{\"scenarios\": [{\"type\": \"outage\", \"participants\": \"all\", \"from_tick\": -1, \"to_tick\": 5}]}", "scenarios[0].from_tick"),
        ("scenarios: [{type: outage}]", "scenarios[0]"),
        ("stress: []", "stress"),
    ] {
        let err = StressDefinition::from_text(text).unwrap_err();
        let p = &err.problems()[0];
        assert_eq!(p.path, path, "{text}: {p:?}");
    }
}

#[test]
fn an_outage_overlapping_one_the_benchmark_schedules_is_refused_with_its_path() {
    let agents = vec![agent("A", 1_000, 0), agent("B", 0, 0)];
    let benchmark = cfg(&config(
        10,
        agents,
        json!({"scenario_events": [{"type": "outage", "agent": "B", "from_tick": 2, "to_tick": 6}]}),
    ));
    let found = problems(&benchmark, OUTAGE_EACH);
    assert_eq!(found.len(), 1, "{found:?}");
    let (path, message) = &found[0];
    assert!(path.starts_with("scenarios[0]."), "{found:?}");
    assert!(message.starts_with(path.as_str()), "{found:?}");
    assert!(message.contains("overlap"), "{found:?}");
    // A window clear of B's runs.
    let clear = "scenarios: [{type: outage, participants: all, from_tick: 6, to_tick: 10}]";
    assert_eq!(run(&benchmark, clear, 2).variants.len(), 2);
}
