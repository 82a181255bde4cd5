//! `make bench-lsm`: the quality and cost of each offsetting algorithm (`lsm.algorithm`).
//!
//! 1. Small gridlocks, through the engine: random systems of 3–6 banks with small balances
//!    and credit lines and 2–12 payments, each larger than its sender's liquidity (so all of
//!    them wait in Queue 2), bilateral and multilateral offsetting on; one tick. What the tick
//!    settles is compared with the largest fundable set, found by trying every subset.
//! 2. The same gridlocks formed over ten ticks (detached): each payment has waited 0–9 ticks
//!    (earlier submissions longer), so `search_objective: age_weighted_value` can differ from
//!    `value`; what each choice settles against the largest value and the largest age-weighted
//!    value, both by trying every subset.
//! 3. Large queues, detached: 10,000 and 100,000 queued payments among 1,000 agents; one
//!    offsetting attempt (`offsetting::solve`, what the engine runs on its whole Queue 2) per
//!    algorithm, its time and the value it settles relative to the best algorithm's.
//!
//! Timings are this machine's (a bench, not a test). `LSM_BENCH_INSTANCES` sets the number of
//! small gridlocks (default 15,000).

use std::time::{Duration, Instant};

use payment_sim_core::offsetting::{
    default_algorithm, default_search_objective, solve, solve_weighted, Instance, LsmAlgorithm,
    Mechanisms, Payment, SolverLimits,
};
use payment_sim_core::{Semantics, Simulation, Submission};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::json;

const ALGORITHMS: [LsmAlgorithm; 5] = [
    LsmAlgorithm::GreedyRemoval,
    LsmAlgorithm::PrefixOptimum,
    LsmAlgorithm::DeficitHeuristic,
    LsmAlgorithm::Exact,
    LsmAlgorithm::GreedyExact,
];

const BOTH: Mechanisms = Mechanisms {
    bilateral: true,
    multilateral: true,
};

fn name(a: LsmAlgorithm) -> String {
    serde_json::to_value(a)
        .unwrap()
        .as_str()
        .unwrap()
        .to_string()
}

/// A small gridlock: (balance, credit) per bank, payments (sender, receiver, amount,
/// priority) in submission order.
struct Gridlock {
    banks: Vec<(i64, i64)>,
    payments: Vec<(usize, usize, i64, i64)>,
}

fn gridlock(rng: &mut ChaCha8Rng) -> Gridlock {
    let n = rng.random_range(3..=6usize);
    let banks: Vec<(i64, i64)> = (0..n)
        .map(|_| (rng.random_range(0..=5), rng.random_range(0..=3)))
        .collect();
    let m = rng.random_range(2..=12usize);
    let payments = (0..m)
        .map(|_| {
            let s = rng.random_range(0..n);
            let r = (s + rng.random_range(1..n)) % n;
            let avail = banks[s].0 + banks[s].1;
            (
                s,
                r,
                avail + rng.random_range(1..=8),
                rng.random_range(4..=6),
            )
        })
        .collect();
    Gridlock { banks, payments }
}

/// The largest value of a fundable set of the gridlock, by trying every subset.
fn optimum(g: &Gridlock) -> i64 {
    weighted_optimum(g, &vec![1; g.payments.len()])
}

/// What one tick of the engine settles in the gridlock, and the tick's time.
fn engine_run(g: &Gridlock, algorithm: LsmAlgorithm) -> (i64, Duration) {
    let agents: Vec<_> = g
        .banks
        .iter()
        .enumerate()
        .map(|(i, &(b, c))| {
            json!({"id": format!("B{i}"), "opening_balance": b, "credit_limit": c,
                   "policy": {"type": "Fifo"}})
        })
        .collect();
    let config = json!({"ticks_per_day": 10, "num_days": 1, "rng_seed": 1,
                        "agent_configs": agents, "event_recording": "off",
                        "lsm": {"algorithm": name(algorithm)}});
    let mut sim = Simulation::from_json(&config.to_string()).unwrap();
    for &(s, r, amount, priority) in &g.payments {
        let sub = Submission {
            sender: format!("B{s}"),
            receiver: format!("B{r}"),
            amount,
            deadline_offset: 5,
            priority,
            from_offset: None,
        };
        sim.submit(&sub).unwrap();
    }
    let start = Instant::now();
    let result = sim.tick().unwrap();
    (result.settled_value, start.elapsed())
}

fn small_gridlocks(instances: usize) -> Vec<(Gridlock, i64)> {
    let mut rng = ChaCha8Rng::seed_from_u64(14);
    let cases: Vec<(Gridlock, i64)> = (0..instances)
        .map(|_| {
            let g = gridlock(&mut rng);
            let best = optimum(&g);
            (g, best)
        })
        .collect();
    let solvable = cases.iter().filter(|c| c.1 > 0).count();
    println!(
        "Small gridlocks: {instances} instances (3–6 banks, 2–12 payments all in Queue 2), {solvable} with something settleable; one tick, bilateral + multilateral on"
    );
    println!(
        "{:<18} {:>10} {:>11} {:>11} {:>16} {:>12} {:>14}",
        "algorithm",
        "optimum",
        "mean ratio",
        "worst ratio",
        "nothing/something",
        "mean tick",
        "budget ran out"
    );
    for algorithm in ALGORITHMS {
        let (mut at_optimum, mut ratio_sum, mut worst, mut nothing) = (0usize, 0.0, 1.0f64, 0);
        let mut time = Duration::ZERO;
        for (g, best) in &cases {
            let (value, elapsed) = engine_run(g, algorithm);
            time += elapsed;
            assert!(value <= *best, "{}: more than the optimum", name(algorithm));
            let ratio = if *best == 0 {
                1.0
            } else {
                value as f64 / *best as f64
            };
            at_optimum += usize::from(value == *best);
            ratio_sum += ratio;
            worst = worst.min(ratio);
            nothing += usize::from(value == 0 && *best > 0);
        }
        // Budget: the detached solver on the same instances says whether it ran out.
        let ran_out = cases
            .iter()
            .filter(|(g, _)| solve(algorithm, &detached(g), BOTH).budget_exhausted)
            .count();
        println!(
            "{:<18} {:>9.2}% {:>11.4} {:>11.4} {:>15.2}% {:>10.1}µs {:>14}",
            name(algorithm),
            100.0 * at_optimum as f64 / instances as f64,
            ratio_sum / instances as f64,
            worst,
            100.0 * nothing as f64 / solvable.max(1) as f64,
            time.as_secs_f64() * 1e6 / instances as f64,
            ran_out
        );
    }
    let current = Semantics::CURRENT;
    println!(
        "default (offsetting semantics {}): {}, search objective {}",
        current.offsetting,
        name(default_algorithm(current)),
        serde_json::to_value(default_search_objective(current))
            .unwrap()
            .as_str()
            .unwrap()
    );
    cases
}

/// The largest Σ amount × weight of a fundable set (`weights` in submission order), by
/// trying every subset.
fn weighted_optimum(g: &Gridlock, weights: &[i64]) -> i64 {
    let m = g.payments.len();
    let mut best = 0;
    let mut net = vec![0i64; g.banks.len()];
    for mask in 0u32..1 << m {
        net.iter_mut().for_each(|x| *x = 0);
        let mut value = 0;
        for (k, &(s, r, amount, _)) in g.payments.iter().enumerate() {
            if mask >> k & 1 == 1 {
                net[s] -= amount;
                net[r] += amount;
                value += amount * weights[k];
            }
        }
        let fundable = g.banks.iter().zip(&net).all(|(&(b, c), &x)| b + c + x >= 0);
        if fundable && value > best {
            best = value;
        }
    }
    best
}

/// Gridlocks formed over ten ticks: per instance, ages 0–9 drawn per payment and given
/// oldest first in submission order (weight = 1 + age); one detached attempt per choice.
fn aged_gridlocks(cases: &[(Gridlock, i64)]) {
    let mut rng = ChaCha8Rng::seed_from_u64(15);
    println!();
    println!(
        "The same gridlocks formed over ten ticks (ages 0–9, earlier submissions older); one attempt, detached"
    );
    println!(
        "{:<34} {:>13} {:>11} {:>11} {:>17} {:>14} {:>11}",
        "algorithm (objective)",
        "value optimum",
        "mean ratio",
        "worst ratio",
        "nothing/something",
        "aged optimum",
        "aged ratio"
    );
    let choices = [
        ("greedy_removal", LsmAlgorithm::GreedyRemoval, false),
        ("greedy_exact (value)", LsmAlgorithm::GreedyExact, false),
        (
            "greedy_exact (age_weighted_value)",
            LsmAlgorithm::GreedyExact,
            true,
        ),
    ];
    let aged: Vec<(Vec<i64>, i64)> = cases
        .iter()
        .map(|(g, _)| {
            let mut ages: Vec<i64> = (0..g.payments.len())
                .map(|_| rng.random_range(0..=9))
                .collect();
            ages.sort_unstable_by(|a, b| b.cmp(a));
            let weights: Vec<i64> = ages.iter().map(|a| 1 + a).collect();
            let best = weighted_optimum(g, &weights);
            (weights, best)
        })
        .collect();
    let solvable = cases.iter().filter(|c| c.1 > 0).count().max(1);
    for (label, algorithm, by_age) in choices {
        let (mut at_value, mut at_aged, mut nothing) = (0usize, 0usize, 0usize);
        let (mut ratio_sum, mut aged_sum, mut worst) = (0.0, 0.0, 1.0f64);
        for ((g, best), (weights, best_aged)) in cases.iter().zip(&aged) {
            let (inst, order) = detached_with_order(g);
            let per_payment: Vec<i128> = order.iter().map(|&k| weights[k] as i128).collect();
            let solution = solve_weighted(
                algorithm,
                &inst,
                BOTH,
                SolverLimits::default(),
                by_age.then_some(per_payment.as_slice()),
            );
            assert!(inst.is_fundable(&solution.settled));
            let value = inst.value(&solution.settled) as i64;
            let aged_value: i64 = order
                .iter()
                .zip(&solution.settled)
                .filter(|(_, &s)| s)
                .map(|(&k, _)| g.payments[k].2 * weights[k])
                .sum();
            let ratio = |v: i64, b: i64| if b == 0 { 1.0 } else { v as f64 / b as f64 };
            at_value += usize::from(value == *best);
            at_aged += usize::from(aged_value == *best_aged);
            ratio_sum += ratio(value, *best);
            aged_sum += ratio(aged_value, *best_aged);
            worst = worst.min(ratio(value, *best));
            nothing += usize::from(value == 0 && *best > 0);
        }
        let n = cases.len().max(1) as f64;
        println!(
            "{:<34} {:>12.2}% {:>11.4} {:>11.4} {:>16.2}% {:>13.2}% {:>11.4}",
            label,
            100.0 * at_value as f64 / n,
            ratio_sum / n,
            worst,
            100.0 * nothing as f64 / solvable as f64,
            100.0 * at_aged as f64 / n,
            aged_sum / n
        );
    }
}

/// The gridlock as a detached instance (entries in agent order, as the engine queues them).
fn detached(g: &Gridlock) -> Instance {
    detached_with_order(g).0
}

/// [`detached`], with the submission index of each payment of the instance (in its order).
fn detached_with_order(g: &Gridlock) -> (Instance, Vec<usize>) {
    let mut order: Vec<usize> = (0..g.payments.len()).collect();
    order.sort_by_key(|&k| g.payments[k].0);
    let payments = order
        .iter()
        .enumerate()
        .map(|(e, &k)| {
            let (s, r, amount, priority) = g.payments[k];
            Payment {
                sender: s as u32,
                receiver: r as u32,
                amount,
                priority: priority as u8,
                entry: e as u64 + 1,
            }
        })
        .collect();
    let available = g.banks.iter().map(|&(b, c)| b + c).collect();
    // The instance keeps its payments in retry order (priority first): map each back through
    // its entry number.
    let inst = Instance::new(available, payments, false);
    let submission = inst
        .payments
        .iter()
        .map(|p| order[p.entry as usize - 1])
        .collect();
    (inst, submission)
}

/// A large queue: `m` payments among `n` agents, lognormal-like amounts, each larger than its
/// sender's liquidity; senders and receivers skewed towards a core of busy agents.
fn large_queue(n: usize, m: usize, seed: u64) -> Instance {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let available: Vec<i64> = (0..n).map(|_| rng.random_range(0..=200_000i64)).collect();
    let pick = |rng: &mut ChaCha8Rng| -> usize {
        // Half the payments involve the busiest tenth of the agents.
        if rng.random_bool(0.5) {
            rng.random_range(0..n / 10)
        } else {
            rng.random_range(0..n)
        }
    };
    let payments = (0..m)
        .map(|k| {
            let s = pick(&mut rng);
            let mut r = pick(&mut rng);
            if r == s {
                r = (s + 1) % n;
            }
            let size = (rng.random_range(0.0f64..1.0).powi(3) * 2_000_000.0) as i64;
            Payment {
                sender: s as u32,
                receiver: r as u32,
                amount: available[s] + 1 + size,
                priority: rng.random_range(4..=6),
                entry: k as u64 + 1,
            }
        })
        .collect();
    Instance::new(available, payments, false)
}

fn large_queues() {
    println!();
    println!("Large queues: 1,000 agents; one offsetting attempt over the whole queue (detached)");
    println!(
        "{:<10} {:<18} {:>12} {:>16} {:>18} {:>14}",
        "queued", "algorithm", "time", "settled value", "vs best", "budget ran out"
    );
    for m in [10_000usize, 100_000] {
        let inst = large_queue(1_000, m, m as u64);
        let runs: Vec<(LsmAlgorithm, i128, Duration, bool)> = ALGORITHMS
            .iter()
            .map(|&algorithm| {
                let repeat = if m <= 10_000 { 5 } else { 1 };
                let mut best_time = Duration::MAX;
                let mut last = None;
                for _ in 0..repeat {
                    let start = Instant::now();
                    let solution = solve(algorithm, &inst, BOTH);
                    best_time = best_time.min(start.elapsed());
                    last = Some(solution);
                }
                let solution = last.unwrap();
                assert!(inst.is_fundable(&solution.settled));
                (
                    algorithm,
                    inst.value(&solution.settled),
                    best_time,
                    solution.budget_exhausted,
                )
            })
            .collect();
        let best = runs.iter().map(|r| r.1).max().unwrap_or(0).max(1);
        for (algorithm, value, time, ran_out) in runs {
            println!(
                "{:<10} {:<18} {:>10.2}ms {:>16} {:>17.4} {:>14}",
                m,
                name(algorithm),
                time.as_secs_f64() * 1e3,
                value,
                value as f64 / best as f64,
                if ran_out { "yes" } else { "no" }
            );
        }
    }
}

fn main() {
    let instances = std::env::var("LSM_BENCH_INSTANCES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(15_000);
    let cases = small_gridlocks(instances);
    aged_gridlocks(&cases);
    large_queues();
}
