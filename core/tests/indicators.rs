//! The indicators of `model.md` § Indicators: hand-computed bounds and ρ on small payment
//! streams, and their properties on random streams (bounds as opening balances, ranges,
//! snapshot continuation, the time series against `state()`).

use payment_sim_core::indicators::bounds::first_pass_bounds;
use payment_sim_core::{parse_document, Simulation, SimulationConfig, Submission};
use proptest::prelude::*;
use serde_json::{json, Value};

fn sim(config: Value) -> Simulation {
    Simulation::from_json(&config.to_string()).unwrap()
}

fn agents(balances: &[(&str, i64)]) -> Vec<Value> {
    balances
        .iter()
        .map(|(id, b)| json!({"id": id, "opening_balance": b, "policy": {"type": "Fifo"}}))
        .collect()
}

fn pay(s: &mut Simulation, from: &str, to: &str, amount: i64) {
    s.submit(&Submission {
        sender: from.into(),
        receiver: to.into(),
        amount,
        deadline_offset: 50,
        priority: 5,
        from_offset: None,
    })
    .unwrap();
}

/// A pays B and B pays A the same amount in one tick. Netted within the tick, neither needs
/// any liquidity; in release order (A's payment first), A needs 100 to pay at once.
#[test]
fn the_upper_bound_follows_release_order_not_the_tick_net() {
    let mut s = sim(json!({"ticks_per_day": 10, "num_days": 1, "rng_seed": 1,
        "lsm": {"bilateral": false, "multilateral": false},
        "agent_configs": agents(&[("A", 100), ("B", 0)])}));
    pay(&mut s, "A", "B", 100);
    pay(&mut s, "B", "A", 100);
    s.run_to_end().unwrap();
    let st = s.statistics();
    assert_eq!(st.agents[0].liquidity_upper_bound, 100);
    assert_eq!(st.agents[1].liquidity_upper_bound, 0);
    assert_eq!(
        (
            st.agents[0].liquidity_lower_bound,
            st.agents[1].liquidity_lower_bound
        ),
        (0, 0)
    );
    assert_eq!(
        (st.liquidity_upper_bound, st.liquidity_lower_bound),
        (100, 0)
    );
    // With exactly that, both settle at entry: the bound is tight.
    assert_eq!(st.settlements_by_mechanism.rtgs, 2);
    assert_eq!(st.delay_indicator, 0.0);
}

/// Three banks, ten ticks a day. Tick 0: A→B 100 (A has nothing: it waits). Tick 3: C→A 100
/// settles at entry and funds A→B (delay 3). Tick 5: C→B 50, C has nothing left: it never
/// settles.
#[test]
fn hand_computed_bounds_delay_indicator_and_intraday_figures() {
    let mut s = sim(json!({"ticks_per_day": 10, "num_days": 1, "rng_seed": 1,
        "agent_configs": agents(&[("A", 0), ("B", 0), ("C", 100)])}));
    pay(&mut s, "A", "B", 100);
    s.run(3).unwrap();
    pay(&mut s, "C", "A", 100);
    s.run(2).unwrap();
    pay(&mut s, "C", "B", 50);
    s.run_to_end().unwrap();
    let st = s.statistics();
    let bounds: Vec<(i128, i128)> = st
        .agents
        .iter()
        .map(|a| (a.liquidity_upper_bound, a.liquidity_lower_bound))
        .collect();
    // A: +100 (t0), −100 (t3) → UB 100, LB max(0, 100 − 100) = 0. B only receives.
    // C: +100 (t3), +50 (t5) → UB 150, LB 150.
    assert_eq!(bounds, [(100, 0), (0, 0), (150, 150)]);
    assert_eq!(
        (st.liquidity_upper_bound, st.liquidity_lower_bound),
        (250, 150)
    );
    // ρ_A = 100·3 / 100·10; ρ_C = (0 + 50·5) / (100·7 + 50·5); the system's over all of it.
    assert_eq!(st.agents[0].delay_indicator, 0.3);
    assert_eq!(st.agents[1].delay_indicator, 0.0);
    assert_eq!(st.agents[2].delay_indicator, 250.0 / 950.0);
    assert_eq!(st.delay_indicator, 550.0 / 1950.0);
    // The count-weighted mean delay covers the settled payments only: (3 + 0) / 2.
    assert_eq!(st.delay.mean_ticks, 1.5);

    let ind = s.indicators();
    assert_eq!(ind.days.len(), 1);
    let day = &ind.days[0];
    assert!(day.closed);
    let (a, c) = (&day.agents[0], &day.agents[2]);
    assert_eq!(a.value_weighted_mean_delay, 3.0);
    assert_eq!((a.liquidity_used, a.available_liquidity_at_start), (0, 0));
    assert_eq!(
        (c.liquidity_used, c.available_liquidity_at_start),
        (100, 100)
    );
    assert_eq!((c.unsettled.count, c.unsettled.value), (1, 50));
    assert_eq!((a.on_time.count, a.late.count, a.dropped.count), (1, 0, 0));
    assert_eq!(a.settled_by_mechanism.queue.count, 1);
    assert_eq!(c.settled_by_mechanism.rtgs.share, 1.0);
    assert_eq!((a.peak_queue2.count, a.peak_queue2.value), (1, 100));
    assert_eq!(c.turnover_ratio, 1.0);
    let curve = day.system.throughput.as_ref().unwrap();
    assert_eq!(curve, &[(3, 1.0)]);
    assert_eq!(ind.delay_percentiles.p50, 0);
    assert_eq!(ind.delay_percentiles.p90, 3);
    assert_eq!(ind.delay_percentiles.max, 3);
    // The whole run equals the one day here.
    assert_eq!(ind.agents[2].liquidity_upper_bound, 150);
    assert_eq!(ind.system.delay_indicator, st.delay_indicator);
}

/// Split parts count their own amounts against their parent's arrival; deadlines split the
/// settled payments into on time and late (`overdue` mode) and count the dropped ones.
#[test]
fn split_parts_late_and_dropped_payments() {
    let split = |mode: &str| {
        sim(
            json!({"ticks_per_day": 10, "num_days": 1, "rng_seed": 1, "deadline_mode": mode,
            "agent_configs": [
                {"id": "A", "opening_balance": 0,
                 "policy": {"type": "Fifo", "split": {"threshold": 50, "max_parts": 2}}},
                {"id": "B", "opening_balance": 0, "policy": {"type": "Fifo"}},
                {"id": "C", "opening_balance": 50, "policy": {"type": "Fifo"}}]}),
        )
    };
    let submit = |s: &mut Simulation, from: &str, to: &str, amount: i64, deadline: i64| {
        s.submit(&Submission {
            sender: from.into(),
            receiver: to.into(),
            amount,
            deadline_offset: deadline,
            priority: 5,
            from_offset: None,
        })
        .unwrap();
    };
    // A→B 100 splits into 50 + 50, both queued; C→A 50 at tick 2 funds one part.
    let mut s = split("drop");
    submit(&mut s, "A", "B", 100, 50);
    s.run(2).unwrap();
    submit(&mut s, "C", "A", 50, 50);
    s.run_to_end().unwrap();
    let st = s.statistics();
    // ρ_A = (50·2 + 50·10) / (100·10): the second part never settles.
    assert_eq!(st.agents[0].delay_indicator, 0.6);
    // Released whole: UB_A = 100 (its parts enter one after the other).
    assert_eq!(st.agents[0].liquidity_upper_bound, 100);
    let a = &s.indicators().agents[0];
    assert_eq!((a.sent.count, a.sent.value), (1, 50));
    assert_eq!((a.unsettled.count, a.unsettled.value), (1, 50));

    // Deadline 1 tick after arrival: in `overdue` mode the part that settles at tick 2 is
    // late; in `drop` mode both parts are dropped at the end of tick 1.
    for (mode, late, dropped) in [("overdue", (1, 50), (0, 0)), ("drop", (0, 0), (2, 100))] {
        let mut s = split(mode);
        submit(&mut s, "A", "B", 100, 1);
        s.run(2).unwrap();
        submit(&mut s, "C", "A", 50, 50);
        s.run_to_end().unwrap();
        let day = &s.indicators().days[0].agents[0];
        assert_eq!((day.late.count, day.late.value), late, "{mode}");
        assert_eq!((day.dropped.count, day.dropped.value), dropped, "{mode}");
        assert_eq!(day.on_time.count, 0, "{mode}");
    }
}

/// Over several days the whole-run bounds follow the balances carried from day to day: a
/// net payer on day 0 that is paid back on day 1 needs on day 1 what it still needs.
#[test]
fn whole_run_bounds_carry_across_days() {
    let mut s = sim(json!({"ticks_per_day": 2, "num_days": 2, "rng_seed": 1,
        "agent_configs": agents(&[("A", 1000), ("B", 1000)])}));
    pay(&mut s, "A", "B", 300);
    s.run(2).unwrap();
    pay(&mut s, "B", "A", 100);
    pay(&mut s, "A", "B", 250);
    s.run_to_end().unwrap();
    let ind = s.indicators();
    let a = |d: usize| {
        let x = &ind.days[d].agents[0];
        (x.liquidity_upper_bound, x.liquidity_lower_bound)
    };
    // Day 0: A +300. Day 1: both arrive in tick 2 and release in agent order, A's first:
    // A +250, then −100 → UB 250, LB 150.
    assert_eq!(a(0), (300, 300));
    assert_eq!(a(1), (250, 150));
    // Whole run: cumulative 300, 550, 450 → UB 550; day ends 300 and 450 → LB 450.
    assert_eq!(
        (
            ind.agents[0].liquidity_upper_bound,
            ind.agents[0].liquidity_lower_bound
        ),
        (550, 450)
    );
}

#[test]
fn scenario_balances_from_the_bounds_resolve_to_integers() {
    let text = |balance: &str| {
        format!(
            "
simulation: {{ticks_per_day: 10, seed: 3}}
lsm: {{bilateral: false, multilateral: false}}
agents:
  - id: A
    balance: {balance}
    policy: {{type: Fifo}}
    arrival_config: {{rate_per_tick: 2, distribution: {{type: Uniform, min: 10, max: 99}}, counterparty_weights: {{B: 1}}}}
  - id: B
    balance: 0
    policy: {{type: Fifo}}
    arrival_config: {{rate_per_tick: 1, distribution: {{type: Uniform, min: 10, max: 99}}, counterparty_weights: {{A: 1}}}}
"
        )
    };
    let (plain, _) = parse_document(&text("0")).unwrap();
    let bounds = first_pass_bounds(&plain).unwrap();
    let (up, low) = bounds[0];
    assert!(up >= low && low >= 0 && up > 0, "{bounds:?}");
    for (rule, expected) in [
        ("{times_upper_bound: 1}", up),
        ("{times_lower_bound: 1}", low),
        ("{between_bounds: 0}", low),
        ("{between_bounds: 1}", up),
        (
            "{between_bounds: 0.5}",
            low + ((up - low) as f64 * 0.5).ceil() as i128,
        ),
        ("{times_upper_bound: 2}", 2 * up),
    ] {
        let (config, _) = parse_document(&text(rule)).unwrap();
        assert_eq!(
            config.agent_configs[0].opening_balance as i128, expected,
            "{rule}"
        );
    }
    // With the upper bound, everything settles at entry.
    let (config, _) = parse_document(&text("{times_upper_bound: 1}")).unwrap();
    let mut s = Simulation::new(config).unwrap();
    s.run_to_end().unwrap();
    let st = s.statistics();
    assert_eq!(st.settlements_by_mechanism.rtgs, st.settlements);
    // Problems name the rule's path; a bad rule changes nothing else.
    for (rule, path) in [
        ("{between_bounds: 1.5}", "agents[0].balance.between_bounds"),
        (
            "{times_upper_bound: -1}",
            "agents[0].balance.times_upper_bound",
        ),
        (
            "{times_lower_bound: .nan}",
            "agents[0].balance.times_lower_bound",
        ),
    ] {
        let problems = parse_document(&text(rule)).unwrap_err().problems();
        assert_eq!(problems[0].path, path, "{problems:?}");
    }
    // A first pass too long for reading a document is refused, not run.
    let long = text("{between_bounds: 0.5}").replace("seed: 3}", "seed: 3, num_days: 100000000}");
    let problems = parse_document(&long).unwrap_err().problems();
    assert_eq!(problems[0].path, "agents", "{problems:?}");
    assert!(problems[0].message.contains("first pass"), "{problems:?}");
    let problems = parse_document(&text("{double_it: 2}"))
        .unwrap_err()
        .problems();
    assert_eq!(
        problems[0].path, "agents[0].balance.double_it",
        "{problems:?}"
    );
    assert!(problems[0]
        .message
        .contains("expected one of `between_bounds`"));
}

// ----- properties ---------------------------------------------------------------------------

/// A random stream: Poisson arrivals with uniform amounts and random receivers, Fifo (or
/// Deadline) policies, deadlines past the horizon.
fn stream() -> impl Strategy<Value = SimulationConfig> {
    (2usize..6, 2i64..15, 1i64..3, any::<u64>(), 0u8..2).prop_flat_map(
        |(n, tpd, days, seed, pol)| {
            let agent = (0.05f64..1.5, 1i64..500, 0i64..1000);
            prop::collection::vec(agent, n).prop_map(move |specs| {
                let ids: Vec<String> = (0..n).map(|i| format!("B{i}")).collect();
                let agents: Vec<Value> = specs
                    .iter()
                    .enumerate()
                    .map(|(i, &(rate, max, bal))| {
                        let weights: serde_json::Map<String, Value> = ids
                            .iter()
                            .filter(|id| **id != ids[i])
                            .map(|id| (id.clone(), json!(1.0)))
                            .collect();
                        json!({"id": ids[i], "opening_balance": bal,
                        "policy": {"type": if pol == 0 {"Fifo"} else {"Deadline"}},
                        "arrival_config": {"rate_per_tick": rate,
                            "distribution": {"type": "Uniform", "min": 1, "max": max + 1},
                            "counterparty_weights": weights,
                            "deadline_offset": tpd * days + 1}})
                    })
                    .collect();
                let doc = json!({"ticks_per_day": tpd, "num_days": days, "rng_seed": seed,
                "agent_configs": agents});
                SimulationConfig::from_json(&doc.to_string()).unwrap()
            })
        },
    )
}

fn with_balances(config: &SimulationConfig, balances: &[i64], lsm: (bool, bool)) -> Simulation {
    let mut c = config.clone();
    for (a, &b) in c.agent_configs.iter_mut().zip(balances) {
        a.opening_balance = b;
        a.credit_limit = 0;
    }
    c.lsm.bilateral = lsm.0;
    c.lsm.multilateral = lsm.1;
    Simulation::new(c).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Opening balances = UB and no LSM: every payment settles at entry, with no delay.
    #[test]
    fn upper_bound_balances_settle_everything_at_entry(config in stream()) {
        let bounds = first_pass_bounds(&config).unwrap();
        let up: Vec<i64> = bounds.iter().map(|b| b.0 as i64).collect();
        let mut s = with_balances(&config, &up, (false, false));
        s.run_to_end().unwrap();
        let st = s.statistics();
        prop_assert_eq!(st.settlements_by_mechanism.rtgs, st.settlements);
        prop_assert_eq!(st.queue2_size + st.queue1_size, 0);
        prop_assert_eq!(st.delay.max_ticks, 0);
        prop_assert_eq!(st.delay_indicator, 0.0);
        // The run's own bounds (same release order) are the first pass's.
        for (a, b) in st.agents.iter().zip(&bounds) {
            prop_assert_eq!((a.liquidity_upper_bound, a.liquidity_lower_bound), *b);
        }
    }

    /// Opening balances = LB, no credit, multilateral offsetting on (bilateral on or off):
    /// nothing is left unsettled at the end of any day. (It holds for policies that release
    /// every order at once and deadlines that do not fall inside the day: at a day's last
    /// tick all of Queue 2 is then one fundable set, which multilateral offsetting settles.)
    #[test]
    fn lower_bound_balances_settle_everything_by_the_end_of_each_day(
        config in stream(), bilateral in any::<bool>()
    ) {
        let bounds = first_pass_bounds(&config).unwrap();
        let low: Vec<i64> = bounds.iter().map(|b| b.1 as i64).collect();
        let mut s = with_balances(&config, &low, (bilateral, true));
        while !s.is_finished() {
            let r = s.tick().unwrap();
            if r.end_of_day {
                prop_assert_eq!(r.queue1_size + r.queue2_size, 0, "day {}", r.day);
            }
        }
        // Below it, by one cent for one agent with a positive bound, some day ends unsettled.
        if let Some(i) = low.iter().position(|&l| l > 0) {
            let mut less = low.clone();
            less[i] -= 1;
            let mut s = with_balances(&config, &less, (bilateral, true));
            let mut left = 0;
            while !s.is_finished() {
                let r = s.tick().unwrap();
                if r.end_of_day { left += r.queue1_size + r.queue2_size; }
            }
            prop_assert!(left > 0);
        }
    }

    /// Random balances and LSM switches: UB ≥ LB ≥ 0 everywhere, ρ in [0, 1] and 0 exactly
    /// when every payment settled in its arrival tick; the time series agrees with `state()`;
    /// a snapshot restored part-way continues to the same indicators and series.
    #[test]
    fn ranges_time_series_and_continuation(
        config in stream(), lsm in any::<(bool, bool)>(), every in 1u64..4, cut_frac in 0.0f64..1.0
    ) {
        let balances: Vec<i64> = config.agent_configs.iter().map(|a| a.opening_balance).collect();
        let mut s = with_balances(&config, &balances, lsm);
        s.record_timeseries(every).unwrap();
        let cut = (s.horizon() as f64 * cut_frac) as u64;
        let mut states = Vec::new();
        let mut restored: Option<Simulation> = None;
        while !s.is_finished() {
            if s.current_tick() == cut {
                restored = Some(Simulation::restore_json(&s.snapshot_json()).unwrap());
            }
            s.tick().unwrap();
            if s.current_tick().is_multiple_of(every) {
                states.push(s.state());
            }
        }
        let st = s.statistics();
        let ind = s.indicators();
        for a in &ind.agents {
            prop_assert!(a.liquidity_upper_bound >= a.liquidity_lower_bound);
            prop_assert!(a.liquidity_lower_bound >= 0);
            prop_assert!((0.0..=1.0).contains(&a.delay_indicator));
        }
        for d in &ind.days {
            for a in &d.agents {
                prop_assert!(a.liquidity_upper_bound >= a.liquidity_lower_bound);
                prop_assert!((0.0..=1.0).contains(&a.delay_indicator));
            }
        }
        let all_at_once = st.delay.max_ticks == 0 && st.settlements == st.arrivals;
        prop_assert_eq!(st.delay_indicator == 0.0, all_at_once || st.arrivals == 0);
        // The series, sample by sample, is what state() said.
        let page = s.timeseries_page(0, u64::MAX);
        let n = st.agents.len();
        prop_assert_eq!(page.total_samples as usize, states.len());
        for (k, state) in states.iter().enumerate() {
            prop_assert_eq!(page.system.tick[k], state.tick);
            prop_assert_eq!(page.system.queue2_count[k], state.queue2_size);
            for (a, agent) in state.agents.iter().enumerate() {
                let row = k * n + a;
                prop_assert_eq!(&page.agents.agent[row], &agent.id);
                prop_assert_eq!(page.agents.balance[row], agent.balance);
                prop_assert_eq!(page.agents.queue1_count[row], agent.queue1_size);
                prop_assert_eq!(page.agents.queue2_count[row], agent.queue2_size);
            }
        }
        if let Some(mut r) = restored {
            r.run_to_end().unwrap();
            prop_assert_eq!(r.indicators(), ind);
            prop_assert_eq!(r.timeseries_page(0, u64::MAX), page);
        }
    }

    /// Forgetting closed days (from any tick on) changes nothing but the days the document
    /// lists: whole-run indicators, delay percentiles, the open day and the statistics are
    /// those of a run that keeps them; its snapshot carries no indicators.
    #[test]
    fn forgetting_closed_days_keeps_every_whole_run_figure(
        config in stream(), lsm in any::<(bool, bool)>(), cut_frac in 0.0f64..1.0
    ) {
        let balances: Vec<i64> = config.agent_configs.iter().map(|a| a.opening_balance).collect();
        let mut keep = with_balances(&config, &balances, lsm);
        let mut forget = with_balances(&config, &balances, lsm);
        let cut = (keep.horizon() as f64 * cut_frac) as u64;
        while !keep.is_finished() {
            if forget.current_tick() == cut {
                forget.forget_closed_days();
            }
            keep.tick().unwrap();
            forget.tick().unwrap();
            let mut expected = keep.indicators();
            let got = forget.indicators();
            if keep.current_tick() > cut {
                expected.days.retain(|d| !d.closed);
                prop_assert!(forget.snapshot().indicators.is_none());
            }
            prop_assert_eq!(got, expected);
        }
        prop_assert_eq!(forget.statistics(), keep.statistics());
    }
}
