//! Scheduled actions (`model.md` § Scheduled actions) with hand-computed outcomes: an outage
//! in the four-bank ring, a liquidity injection that ends a gridlock, a rate surge, repeating
//! actions, and snapshots in the middle of an outage.

mod common;
use common::*;
use payment_sim_core::{ScenarioEvent, Simulation};
use serde_json::{json, Value};

const FOUR: [&str; 4] = ["BANK_A", "BANK_B", "BANK_C", "BANK_D"];

/// The four-bank ring of `model.md`: 10,000 each, 50,000 around the ring, submitted before
/// tick 0, with `events` scheduled in the configuration.
fn ring(balances: [i64; 4], extra: Value) -> Simulation {
    let agents = FOUR
        .iter()
        .zip(balances)
        .map(|(id, b)| agent(id, b, 0))
        .collect();
    let mut s = sim(&config(10, agents, extra));
    for (i, from) in FOUR.iter().enumerate() {
        pay(&mut s, from, FOUR[(i + 1) % 4], 50_000);
    }
    s
}

fn queue1(s: &Simulation) -> Vec<u64> {
    s.state().agents.iter().map(|a| a.queue1_size).collect()
}

/// Without the outage the LSM settles the ring at tick 0. With BANK_C out for ticks 0–4:
/// C's payment waits in its Queue 1; A→B, B→C and D→A enter Queue 2, where they form no
/// cycle (D is short by 40,000, then A, then B), so nothing settles until C is back; at tick
/// 5 C releases C→D and multilateral offsetting settles all four.
#[test]
fn an_outage_of_one_bank_in_the_ring_holds_the_ring_until_it_ends() {
    let out = json!({"scenario_events": [{"type": "outage", "agent": "BANK_C", "from_tick": 0, "to_tick": 5}]});
    let mut s = ring([10_000; 4], out);
    for t in 0..5 {
        let r = s.tick().unwrap();
        assert_eq!(r.num_settlements, 0, "tick {t}");
        assert_eq!(r.queue2_size, 3);
        assert_eq!(queue1(&s), vec![0, 0, 1, 0]);
        assert_eq!(s.state().outages.len(), 1);
    }
    assert!(events_of(&s, "released")
        .iter()
        .all(|e| e.sender.as_deref() != Some("BANK_C")));
    let r = s.tick().unwrap();
    assert_eq!((r.tick, r.num_settlements, r.lsm_cycle_releases), (5, 4, 4));
    assert_eq!(balances(&s), vec![10_000; 4]);
    assert!(s.state().outages.is_empty());
    let started = events_of(&s, "outage_started");
    assert_eq!(started.len(), 1);
    assert_eq!((started[0].tick, started[0].to_tick), (0, Some(5)));
    assert_eq!(events_of(&s, "outage_ended")[0].tick, 5);
    // Every payment waited 5 ticks.
    assert_eq!(s.statistics().delay.mean_ticks, 5.0);
}

/// Payments *to* a bank that is out still settle: B can pay C gross (B has 60,000), and C
/// becomes a liquidity sink. With `block_receiving`, B→C waits in Queue 2 instead.
#[test]
fn an_outage_is_a_liquidity_sink_unless_it_blocks_receiving() {
    let out = json!({"scenario_events": [{"type": "outage", "agent": "BANK_C", "from_tick": 0, "to_tick": 5}]});
    let mut s = ring([10_000, 60_000, 10_000, 10_000], out);
    s.tick().unwrap();
    assert_eq!(settlements(&s), vec![("T2".into(), "rtgs".into())]);
    assert_eq!(balances(&s), vec![10_000, 10_000, 60_000, 10_000]);

    let blocked = json!({"scenario_events": [{"type": "outage", "agent": "BANK_C", "from_tick": 0,
                                              "to_tick": 5, "block_receiving": true}]});
    let mut s = ring([10_000, 60_000, 10_000, 10_000], blocked);
    s.tick().unwrap();
    assert!(settlements(&s).is_empty());
    assert_eq!(s.queue2_size(), 3);
    assert!(s.state().outages[0].block_receiving);
    s.run(4).unwrap();
    assert!(settlements(&s).is_empty(), "blocked for ticks 0–4");
    // Tick 5: C is back; B→C settles gross in the retry and the rest follows.
    let r = s.tick().unwrap();
    assert_eq!(r.num_settlements, 4);
}

/// Four banks with nothing, 50,000 around the ring and no LSM: gridlock. 50,000 injected into
/// BANK_A at tick 3 is applied before the arrivals of tick 3; the Queue 2 retry of that tick
/// settles A→B, then (B's liquidity rose) B→C, C→D and D→A in the same pass.
#[test]
fn a_liquidity_injection_unblocks_a_gridlock_at_the_tick_it_arrives() {
    let extra = json!({"lsm": lsm_off(), "scenario_events": [
        {"type": "liquidity", "agent": "BANK_A", "tick": 3, "amount": 50_000}]});
    let mut s = ring([0; 4], extra);
    for _ in 0..3 {
        assert_eq!(s.tick().unwrap().num_settlements, 0);
    }
    assert_eq!(s.queue2_size(), 4);
    let r = s.tick().unwrap();
    assert_eq!((r.tick, r.num_settlements, r.queue2_size), (3, 4, 0));
    assert!(settlements(&s).iter().all(|(_, m)| m == "queue"));
    assert_eq!(balances(&s), vec![50_000, 0, 0, 0]);
    let stats = s.statistics();
    assert_eq!((stats.external_inflow, stats.external_outflow), (50_000, 0));
    assert_eq!(
        stats.settled_value, 200_000,
        "the injection is not a payment"
    );
    assert_eq!(stats.arrivals, 4);
    let e = &events_of(&s, "liquidity")[0];
    assert_eq!(
        (e.tick, e.amount, e.requested),
        (3, Some(50_000), Some(50_000))
    );
    // Restores with the new conservation identity.
    let again = Simulation::restore_json(&s.snapshot_json()).unwrap();
    assert_eq!(again.snapshot_json(), s.snapshot_json());
}

/// A withdrawal beyond the available liquidity is capped at it (the balance stops at
/// −credit limit) and the event records both amounts.
#[test]
fn a_withdrawal_is_capped_at_the_available_liquidity() {
    let agents = vec![agent("A", 1_000, 500), agent("B", 0, 0)];
    let mut s = sim(&config(
        10,
        agents,
        json!({"scenario_events": [
        {"type": "liquidity", "agent": "A", "tick": 1, "amount": -99_825}]}),
    ));
    s.run(2).unwrap();
    assert_eq!(balances(&s), vec![-500, 0]);
    let e = &events_of(&s, "liquidity")[0];
    assert_eq!((e.amount, e.requested), (Some(-1_500), Some(-99_825)));
    assert_eq!(s.statistics().external_outflow, 1_500);
}

/// A credit line lowered below what is used stops at the use; raised, it funds a payment.
#[test]
fn credit_limit_changes_apply_at_their_tick() {
    let agents = vec![agent("A", 0, 0), agent("B", 0, 0)];
    let mut s = sim(&config(
        10,
        agents,
        json!({"scenario_events": [
        {"type": "credit_limit", "agent": "A", "tick": 2, "credit_limit": 700},
        {"type": "credit_limit", "agent": "A", "tick": 4, "credit_limit": 0}]}),
    ));
    pay(&mut s, "A", "B", 600);
    s.run(2).unwrap();
    assert_eq!(s.queue2_size(), 1);
    s.tick().unwrap(); // tick 2: the line rises first, the retry settles
    assert_eq!(balances(&s), vec![-600, 600]);
    s.run(2).unwrap(); // tick 4: lowered to 0, but 600 are in use
    assert_eq!(s.state().agents[0].credit_limit, 600);
    let e = events_of(&s, "credit_limit");
    assert_eq!((e[1].credit_limit, e[1].requested), (Some(600), Some(0)));
}

fn arrivals_config(extra: Value) -> Value {
    let arrivals = |to: &str| {
        json!({"rate_per_tick": 3.0, "distribution": {"type": "Uniform", "min": 100, "max": 900},
               "counterparty_weights": {to: 1.0}})
    };
    let mut c = config(
        100,
        vec![
            json!({"id": "A", "opening_balance": 1_000_000, "policy": {"type": "Fifo"}, "arrival_config": arrivals("B")}),
            json!({"id": "B", "opening_balance": 1_000_000, "policy": {"type": "Fifo"}, "arrival_config": arrivals("C")}),
            json!({"id": "C", "opening_balance": 1_000_000, "policy": {"type": "Fifo"}, "arrival_config": arrivals("A")}),
        ],
        extra,
    );
    c["rng_seed"] = json!(42);
    c
}

/// (tick, receiver, amount) of one sender's arrivals.
fn draws(s: &Simulation, sender: &str) -> Vec<(u64, String, i64)> {
    events_of(s, "arrival")
        .into_iter()
        .filter(|e| e.sender.as_deref() == Some(sender))
        .map(|e| (e.tick, e.receiver.unwrap(), e.amount.unwrap()))
        .collect()
}

/// A's rate doubled for ticks 20–79: A draws about twice as many orders in the window, and
/// the other agents draw exactly what they draw without the surge (same ticks, receivers,
/// amounts: their streams do not move). A's own draws before the window are unchanged too.
#[test]
fn a_rate_surge_doubles_arrivals_in_its_window_and_moves_no_other_stream() {
    let mut base = sim(&arrivals_config(Value::Null));
    base.run_to_end().unwrap();
    let mut surge = sim(&arrivals_config(json!({"scenario_events": [
        {"type": "arrival_rate", "agent": "A", "from_tick": 20, "to_tick": 80, "multiplier": 2.0}]})));
    surge.run_to_end().unwrap();
    for other in ["B", "C"] {
        assert_eq!(draws(&base, other), draws(&surge, other), "{other}");
    }
    let in_window =
        |d: &[(u64, String, i64)]| d.iter().filter(|x| (20..80).contains(&x.0)).count() as f64;
    let (b, s) = (
        in_window(&draws(&base, "A")),
        in_window(&draws(&surge, "A")),
    );
    assert!((1.7..2.3).contains(&(s / b)), "{s} vs {b}");
    let before =
        |d: Vec<(u64, String, i64)>| d.into_iter().filter(|x| x.0 < 20).collect::<Vec<_>>();
    assert_eq!(before(draws(&base, "A")), before(draws(&surge, "A")));
    let rates: Vec<_> = events_of(&surge, "arrival_rate")
        .iter()
        .map(|e| (e.tick, e.rate))
        .collect();
    assert_eq!(rates, vec![(20, Some(6.0)), (80, Some(3.0))]);

    // `all` with a rate of 0: a drought; nothing arrives in the window, for anyone.
    let mut dry = sim(&arrivals_config(json!({"scenario_events": [
        {"type": "arrival_rate", "agent": "all", "from_tick": 10, "to_tick": 30, "rate": 0.0}]})));
    dry.run_to_end().unwrap();
    let arrivals = events_of(&dry, "arrival");
    assert!(arrivals.iter().all(|e| !(10..30).contains(&e.tick)));
    assert!(arrivals.iter().any(|e| e.tick >= 30));
    // A drought draws nothing, so each stream resumes where it stopped: B's orders after
    // the window are its orders from tick 10 on, shifted by 20 ticks.
    let shifted: Vec<_> = draws(&base, "B")
        .into_iter()
        .filter(|x| x.0 >= 10 && x.0 < 80)
        .map(|(t, r, a)| (t + 20, r, a))
        .collect();
    let after: Vec<_> = draws(&dry, "B").into_iter().filter(|x| x.0 >= 30).collect();
    assert_eq!(shifted, after);
}

/// Counterparty weights switched to send everything to C from tick 50.
#[test]
fn counterparty_weights_change_the_receivers_from_their_tick() {
    let mut s = sim(&arrivals_config(json!({"scenario_events": [
        {"type": "counterparty_weights", "agent": "A", "tick": 50, "weights": {"C": 1.0}}]})));
    s.run_to_end().unwrap();
    let a = draws(&s, "A");
    assert!(a.iter().filter(|x| x.0 < 50).all(|x| x.1 == "B"));
    assert!(a.iter().filter(|x| x.0 >= 50).all(|x| x.1 == "C"));
    assert!(a.iter().any(|x| x.0 >= 50));
}

/// The LSM switched off at tick 0 and on at tick 3: the ring waits until tick 3.
#[test]
fn the_lsm_can_be_switched_by_the_schedule() {
    let extra = json!({"scenario_events": [
        {"type": "lsm", "tick": 0, "bilateral": false, "multilateral": false},
        {"type": "lsm", "tick": 3, "multilateral": true}]});
    let mut s = ring([10_000; 4], extra);
    s.run(3).unwrap();
    assert_eq!(s.queue2_size(), 4);
    let r = s.tick().unwrap();
    assert_eq!(r.lsm_cycle_releases, 4);
    let e = events_of(&s, "lsm");
    assert_eq!(
        (e[1].bilateral, e[1].multilateral),
        (Some(false), Some(true))
    );
}

/// `every: 3` from tick 1 until 10 applies at 1, 4, 7, 10; `every_day_at: 2` on a 5-tick day
/// over 3 days at 2, 7, 12; both listed as pending until their last occurrence.
#[test]
fn repeating_actions_apply_at_every_occurrence() {
    let agents = vec![agent("A", 0, 0), agent("B", 0, 0)];
    let mut c = config(
        5,
        agents,
        json!({"scenario_events": [
        {"type": "liquidity", "agent": "A", "tick": 1, "every": 3, "until": 10, "amount": 10},
        {"type": "payment", "every_day_at": 2, "sender": "B", "receiver": "A", "amount": 1}]}),
    );
    c["num_days"] = json!(3);
    let mut s = sim(&c);
    assert_eq!(s.pending_schedule().len(), 2);
    s.run_to_end().unwrap();
    let ticks = |kind: &str| {
        events_of(&s, kind)
            .iter()
            .map(|e| e.tick)
            .collect::<Vec<_>>()
    };
    assert_eq!(ticks("liquidity"), vec![1, 4, 7, 10]);
    assert_eq!(ticks("arrival"), vec![2, 7, 12]);
    assert!(s.pending_schedule().is_empty());
    // B has nothing: its three payments wait in Queue 2; A holds the four injections.
    assert_eq!((balances(&s), s.queue2_size()), (vec![40, 0], 3));
}

/// A payment scheduled for a later tick is invisible until the clock reaches its tick; then
/// it is in Queue 1 at once, as a submission is, and arrives after that tick's generated
/// orders. A payment appended live for the current tick behaves exactly as `submit`.
#[test]
fn scheduled_payments_join_queue1_when_the_clock_reaches_them() {
    let agents = vec![agent("A", 100, 0), agent("B", 0, 0)];
    let mut s = sim(&config(
        10,
        agents.clone(),
        json!({"scenario_events": [
        {"type": "payment", "tick": 2, "sender": "A", "receiver": "B", "amount": 60}]}),
    ));
    assert_eq!(queue_a(&s), 0);
    s.tick().unwrap();
    assert_eq!(queue_a(&s), 0);
    s.tick().unwrap(); // the clock is at 2: the payment waits in Queue 1
    assert_eq!(queue_a(&s), 1);
    assert_eq!(s.pending_schedule().len(), 0);
    let r = s.tick().unwrap();
    assert_eq!((r.num_arrivals, r.num_settlements), (1, 1));

    let mut live = sim(&config(10, agents.clone(), Value::Null));
    let mut submitted = sim(&config(10, agents, Value::Null));
    live.schedule(&[ScenarioEvent::payment(0, "A", "B", 60, 50, 5)])
        .unwrap();
    pay(&mut submitted, "A", "B", 60);
    assert_eq!(queue_a(&live), 1);
    live.tick().unwrap();
    submitted.tick().unwrap();
    assert_eq!(live.events_since(0), submitted.events_since(0));
}

fn queue_a(s: &Simulation) -> u64 {
    s.state().agents[0].queue1_size
}

/// Snapshots taken in the middle of an outage (and of a rate surge, with repeating actions
/// and future payments pending) restore and continue byte-identically to the run that never
/// stopped.
#[test]
fn a_snapshot_in_the_middle_of_an_outage_continues_identically() {
    let extra = json!({"scenario_events": [
        {"type": "outage", "agent": "B", "from_tick": 10, "to_tick": 40, "block_receiving": true},
        {"type": "arrival_rate", "agent": "C", "from_tick": 15, "to_tick": 60, "multiplier": 1.5},
        {"type": "liquidity", "agent": "A", "tick": 5, "every": 7, "amount": -20_000},
        {"type": "credit_limit", "agent": "C", "tick": 12, "credit_limit": 5_000},
        {"type": "counterparty_weights", "agent": "A", "tick": 18, "weights": {"B": 1.0, "C": 2.0}},
        {"type": "lsm", "tick": 25, "bilateral": false},
        {"type": "payment", "tick": 70, "sender": "C", "receiver": "A", "amount": 12_345}]});
    let mut whole = sim(&arrivals_config(extra.clone()));
    whole.run_to_end().unwrap();
    for at in [11, 20, 39, 40, 69] {
        let mut first = sim(&arrivals_config(extra.clone()));
        first.run(at).unwrap();
        let mut resumed = Simulation::restore_json(&first.snapshot_json()).unwrap();
        assert_eq!(
            resumed.snapshot_json(),
            first.snapshot_json(),
            "round trip at {at}"
        );
        resumed.run_to_end().unwrap();
        assert!(
            resumed.snapshot_json() == whole.snapshot_json(),
            "continued from {at}"
        );
    }
    assert!(!events_of(&whole, "outage_ended").is_empty());
}

/// Skipping work never changes a result, with outages and switches in play: the incremental
/// engine and the reference algorithms (full rescans, LSM every tick) agree byte for byte.
#[test]
fn scheduled_actions_change_no_result_of_skipped_work() {
    let extra = json!({"scenario_events": [
        {"type": "outage", "agent": "B", "from_tick": 10, "to_tick": 40, "block_receiving": true},
        {"type": "outage", "agent": "C", "from_tick": 20, "to_tick": 30},
        {"type": "liquidity", "agent": "A", "tick": 5, "every": 3, "amount": -30_000},
        {"type": "liquidity", "agent": "B", "tick": 41, "amount": 500_000},
        {"type": "credit_limit", "agent": "C", "tick": 12, "credit_limit": 50_000},
        {"type": "lsm", "tick": 25, "bilateral": false},
        {"type": "lsm", "tick": 50, "bilateral": true, "multilateral": false}]});
    let mut fast = sim(&arrivals_config(extra.clone()));
    let mut reference = sim(&arrivals_config(extra));
    reference.set_reference_mode(true);
    fast.run_to_end().unwrap();
    reference.run_to_end().unwrap();
    assert_eq!(fast.events_since(0), reference.events_since(0));
    assert!(fast.snapshot_json() == reference.snapshot_json());
    assert!(events_of(&fast, "settled").len() > 100);
}

/// Live appends after a restore continue the numbering of the run that never stopped.
#[test]
fn live_actions_survive_restore() {
    let agents = vec![agent("A", 100, 0), agent("B", 0, 0)];
    let mut s = sim(&config(10, agents, Value::Null));
    s.tick().unwrap();
    s.schedule(&[
        ScenarioEvent::outage("A", 3, 6),
        ScenarioEvent::liquidity("B", 4, 7),
    ])
    .unwrap();
    let pending = s.pending_schedule();
    assert_eq!(pending.len(), 2);
    assert_eq!(s.state().pending_actions, 2);
    let mut r = Simulation::restore_json(&s.snapshot_json()).unwrap();
    assert_eq!(r.pending_schedule(), pending);
    let seqs = r.schedule(&[ScenarioEvent::liquidity("A", 8, 1)]).unwrap();
    assert_eq!(
        seqs,
        s.schedule(&[ScenarioEvent::liquidity("A", 8, 1)]).unwrap()
    );
    r.run_to_end().unwrap();
    s.run_to_end().unwrap();
    assert_eq!(r.snapshot_json(), s.snapshot_json());
}

/// An order that passes its deadline in Queue 1 during its sender's outage is marked overdue
/// once; released afterwards and split, its parts carry the mark. The state stays one the
/// engine restores (found by the fuzz smoke run: parts multiplied the marks past the count).
#[test]
fn parts_of_an_order_overdue_in_an_outage_restore() {
    let split = json!({"type": "Fifo", "split": {"threshold": 100, "max_parts": 4}});
    let agents = vec![agent_with("A", 0, 0, split), agent("B", 0, 0)];
    let mut s = sim(&config(
        20,
        agents,
        json!({"deadline_mode": "overdue", "scenario_events": [
        {"type": "outage", "agent": "A", "from_tick": 0, "to_tick": 5}]}),
    ));
    pay_with(&mut s, "A", "B", 1_000, 2, 5);
    s.run(6).unwrap();
    assert_eq!(s.statistics().overdue, 1);
    assert_eq!(events_of(&s, "split").len(), 1);
    let again = Simulation::restore_json(&s.snapshot_json()).expect("its own snapshot restores");
    assert!(again.snapshot_json() == s.snapshot_json());
}

/// Every offsetting algorithm respects outages (an agent that is out sends nothing, one that
/// blocks receiving receives nothing) and conserves money with external flows, and its
/// work-skipping changes no result with outages and switches in play.
#[test]
fn every_offsetting_algorithm_respects_outages() {
    for algorithm in [
        "greedy_removal",
        "prefix_optimum",
        "deficit_heuristic",
        "exact",
    ] {
        let extra = json!({"lsm": {"algorithm": algorithm}, "scenario_events": [
            {"type": "outage", "agent": "B", "from_tick": 10, "to_tick": 40, "block_receiving": true},
            {"type": "outage", "agent": "C", "from_tick": 20, "to_tick": 30},
            {"type": "liquidity", "agent": "A", "tick": 5, "every": 3, "amount": -30_000},
            {"type": "liquidity", "agent": "B", "tick": 41, "amount": 500_000},
            {"type": "lsm", "tick": 50, "bilateral": false}]});
        // Scarce liquidity, so that queues build and offsetting has work.
        let mut config = arrivals_config(extra);
        for agent in config["agent_configs"].as_array_mut().unwrap() {
            agent["opening_balance"] = json!(5_000);
            let others: serde_json::Map<String, Value> = ["A", "B", "C"]
                .iter()
                .filter(|&&id| agent["id"] != id)
                .map(|&id| (id.to_string(), json!(1.0)))
                .collect();
            agent["arrival_config"]["counterparty_weights"] = Value::Object(others);
        }
        let mut fast = sim(&config);
        let mut reference = sim(&config);
        reference.set_reference_mode(true);
        fast.run_to_end().unwrap();
        reference.run_to_end().unwrap();
        assert!(
            fast.snapshot_json() == reference.snapshot_json(),
            "{algorithm}"
        );
        for e in events_of(&fast, "settled") {
            let out = |agent: &str, from: u64, to: u64| {
                (from..to).contains(&e.tick) && e.sender.as_deref() == Some(agent)
            };
            assert!(!out("B", 10, 40) && !out("C", 20, 30), "{algorithm}: {e:?}");
            let to_b = (10..40).contains(&e.tick) && e.receiver.as_deref() == Some("B");
            assert!(!to_b, "{algorithm}: {e:?}");
        }
        let stats = fast.statistics();
        let total: i64 = balances(&fast).iter().sum();
        assert_eq!(
            total,
            15_000 + stats.external_inflow - stats.external_outflow,
            "{algorithm}"
        );
        assert!(stats.lsm.offsets > 0, "{algorithm}: offsetting never ran");
    }
}
