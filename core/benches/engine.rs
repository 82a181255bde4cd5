//! Hot paths of the engine at sizes that show how their cost grows.
//!
//! * `rtgs_entry`: one tick settling N pre-submitted payments gross (ample liquidity);
//! * `arrivals_tick`: one tick of Poisson arrivals (≈ 1,000 per tick) settled gross;
//! * `queue2_idle_tick`: one tick with one unrelated payment while N payments wait in
//!   Queue 2 that nothing can settle (what a tick costs because of a long queue);
//! * `queue2_retry`: one tick in which N queued payments settle on the Queue 2 retry;
//! * `bilateral`: one tick in which N queued payments settle by bilateral offsetting;
//! * `multilateral`: one tick in which N queued payments around a ring of A agents settle
//!   by multilateral offsetting.
//!
//! Only the measured tick is timed (`iter_custom`); queue building happens outside the clock.
//! Run short: `cargo bench -p payment-sim-core --bench engine -- --warm-up-time 1 --measurement-time 3`.

use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use payment_sim_core::{Simulation, Submission};
use serde_json::{json, Value};

/// Effectively endless horizon: benchmarks tick one simulation many times.
const TICKS_PER_DAY: i64 = 1_000_000_000;
/// Deadlines beyond every benchmark's reach.
const FAR: i64 = 1_000_000_000;

fn id(i: usize) -> String {
    format!("BANK_{i:04}")
}

fn build(agents: Vec<Value>, lsm: (bool, bool)) -> Simulation {
    let config = json!({
        "ticks_per_day": TICKS_PER_DAY,
        "num_days": 1,
        "rng_seed": 42,
        "agent_configs": agents,
        "lsm": {"bilateral": lsm.0, "multilateral": lsm.1},
        "event_recording": "off",
    });
    Simulation::from_json(&config.to_string()).expect("benchmark configuration is valid")
}

fn plain_agents(n: usize, balance: i64) -> Vec<Value> {
    (0..n)
        .map(|i| json!({"id": id(i), "opening_balance": balance, "credit_limit": 0, "policy": {"type": "Fifo"}}))
        .collect()
}

fn pay(sim: &mut Simulation, from: usize, to: usize, amount: i64) {
    sim.submit(&Submission {
        sender: id(from),
        receiver: id(to),
        amount,
        deadline_offset: FAR,
        priority: 5,
        from_offset: None,
    })
    .expect("benchmark submission is valid");
}

/// A cheap deterministic sequence (no RNG dependency in the benches).
fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Time only the tick; `before` and `after` run outside the clock.
fn timed_ticks(
    iters: u64,
    sim: &mut Simulation,
    mut before: impl FnMut(&mut Simulation),
    mut after: impl FnMut(&mut Simulation),
) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..iters {
        before(sim);
        let start = Instant::now();
        let r = sim.tick().expect("within the horizon");
        total += start.elapsed();
        std::hint::black_box(r);
        after(sim);
    }
    total
}

fn rtgs_entry(c: &mut Criterion) {
    let mut group = c.benchmark_group("rtgs_entry");
    const N: usize = 10_000;
    group.throughput(Throughput::Elements(N as u64));
    for agents in [10usize, 100, 1_000] {
        group.bench_with_input(BenchmarkId::new("agents", agents), &agents, |b, &agents| {
            let mut sim = build(plain_agents(agents, 1_000_000_000_000), (true, true));
            let mut k = 0u64;
            b.iter_custom(|iters| {
                timed_ticks(
                    iters,
                    &mut sim,
                    |sim| {
                        for _ in 0..N {
                            k += 1;
                            let from = (mix(k) % agents as u64) as usize;
                            let to = (from + 1 + (mix(!k) % (agents as u64 - 1)) as usize) % agents;
                            pay(sim, from, to, 1 + (mix(k ^ 7) % 100_000) as i64);
                        }
                    },
                    |_| {},
                )
            });
        });
    }
    group.finish();
}

fn arrivals_tick(c: &mut Criterion) {
    let mut group = c.benchmark_group("arrivals_tick");
    for agents in [10usize, 100, 1_000] {
        // ≈ 1,000 arrivals per tick whatever the number of agents.
        let rate = 1_000.0 / agents as f64;
        group.throughput(Throughput::Elements(1_000));
        group.bench_with_input(BenchmarkId::new("agents", agents), &agents, |b, &agents| {
            let configs: Vec<Value> = (0..agents)
                .map(|i| {
                    let weights: serde_json::Map<String, Value> =
                        (0..agents).filter(|&j| j != i).map(|j| (id(j), json!(1.0))).collect();
                    json!({"id": id(i), "opening_balance": 1_000_000_000_000i64, "credit_limit": 0,
                           "policy": {"type": "Fifo"},
                           "arrival_config": {"rate_per_tick": rate,
                               "distribution": {"type": "LogNormal", "mean_log": 11.0, "std_dev_log": 1.2},
                               "counterparty_weights": weights}})
                })
                .collect();
            let mut sim = build(configs, (true, true));
            b.iter_custom(|iters| timed_ticks(iters, &mut sim, |_| {}, |_| {}));
        });
    }
    group.finish();
}

/// 100 senders without liquidity, each with N/100 payments to a sink that nothing can settle;
/// two rich agents pay each other once per tick (touching balances, so the LSM runs).
fn queue2_idle_tick(c: &mut Criterion) {
    let mut group = c.benchmark_group("queue2_idle_tick");
    group.sample_size(20);
    for queued in [1_000usize, 10_000, 100_000] {
        for (name, lsm, reference) in [
            ("lsm_off", (false, false), false),
            ("lsm_on", (true, true), false),
            ("reference_lsm_on", (true, true), true),
        ] {
            if reference && queued > 10_000 {
                continue; // the full rescan is the point of comparison, not worth 100k
            }
            group.bench_with_input(BenchmarkId::new(name, queued), &queued, |b, &queued| {
                // 0..100 poor senders, 100 the sink, 101 and 102 rich.
                let mut agents = plain_agents(103, 0);
                agents[101]["opening_balance"] = json!(1_000_000_000i64);
                agents[102]["opening_balance"] = json!(1_000_000_000i64);
                let mut sim = build(agents, lsm);
                for i in 0..queued {
                    pay(&mut sim, i % 100, 100, 1_000);
                }
                sim.tick().unwrap();
                assert_eq!(sim.queue2_size(), queued as u64);
                sim.set_reference_mode(reference);
                let mut flip = false;
                b.iter_custom(|iters| {
                    timed_ticks(
                        iters,
                        &mut sim,
                        |sim| {
                            flip = !flip;
                            let (from, to) = if flip { (101, 102) } else { (102, 101) };
                            pay(sim, from, to, 10);
                        },
                        |_| {},
                    )
                });
            });
        }
    }
    group.finish();
}

/// N payments from 100 senders wait; in the timed tick a rich agent funds every sender and
/// the retry settles all N. Afterwards the sink returns the money (untimed).
fn queue2_retry(c: &mut Criterion) {
    let mut group = c.benchmark_group("queue2_retry");
    group.sample_size(20);
    for queued in [1_000usize, 10_000, 100_000] {
        group.throughput(Throughput::Elements(queued as u64));
        group.bench_with_input(
            BenchmarkId::new("settle_all", queued),
            &queued,
            |b, &queued| {
                let mut agents = plain_agents(102, 0);
                agents[101]["opening_balance"] = json!(1_000_000_000_000i64);
                let mut sim = build(agents, (false, false));
                let per_sender = (queued / 100) as i64 * 1_000;
                b.iter_custom(|iters| {
                    timed_ticks(
                        iters,
                        &mut sim,
                        |sim| {
                            for i in 0..queued {
                                pay(sim, i % 100, 100, 1_000);
                            }
                            sim.tick().unwrap();
                            for s in 0..100 {
                                pay(sim, 101, s, per_sender);
                            }
                        },
                        |sim| {
                            assert_eq!(sim.queue2_size(), 0);
                            pay(sim, 100, 101, queued as i64 * 1_000);
                            sim.tick().unwrap();
                        },
                    )
                });
            },
        );
    }
    group.finish();
}

/// 50 pairs of agents without liquidity; N payments wait one way, and in the timed tick one
/// payment per pair comes back for the pair's total: bilateral offsetting settles everything.
fn bilateral(c: &mut Criterion) {
    let mut group = c.benchmark_group("bilateral");
    group.sample_size(20);
    for queued in [1_000usize, 10_000, 100_000] {
        group.throughput(Throughput::Elements(queued as u64));
        group.bench_with_input(BenchmarkId::new("queued", queued), &queued, |b, &queued| {
            let mut sim = build(plain_agents(100, 0), (true, false));
            let per_pair = (queued / 50) as i64 * 1_000;
            b.iter_custom(|iters| {
                timed_ticks(
                    iters,
                    &mut sim,
                    |sim| {
                        for i in 0..queued {
                            let pair = i % 50;
                            pay(sim, 2 * pair, 2 * pair + 1, 1_000);
                        }
                        sim.tick().unwrap();
                        for pair in 0..50 {
                            pay(sim, 2 * pair + 1, 2 * pair, per_pair);
                        }
                    },
                    |sim| assert_eq!(sim.queue2_size(), 0),
                )
            });
        });
    }
    group.finish();
}

/// A ring of A agents without liquidity: N payments on links i → i+1; all but the closing
/// link wait (nothing can settle), the timed tick adds the closing link and multilateral
/// offsetting settles all N at once.
fn multilateral(c: &mut Criterion) {
    let mut group = c.benchmark_group("multilateral");
    group.sample_size(10);
    for (agents, queued) in [
        (10usize, 10_000usize),
        (100, 10_000),
        (1_000, 1_000),
        (1_000, 10_000),
        (1_000, 100_000),
    ] {
        group.throughput(Throughput::Elements(queued as u64));
        let name = format!("agents_{agents}");
        group.bench_with_input(BenchmarkId::new(name, queued), &queued, |b, &queued| {
            let mut sim = build(plain_agents(agents, 0), (true, true));
            let per_link = queued / agents;
            b.iter_custom(|iters| {
                timed_ticks(
                    iters,
                    &mut sim,
                    |sim| {
                        for link in 0..agents - 1 {
                            for _ in 0..per_link {
                                pay(sim, link, link + 1, 1_000);
                            }
                        }
                        sim.tick().unwrap();
                        for _ in 0..per_link {
                            pay(sim, agents - 1, 0, 1_000);
                        }
                    },
                    |sim| assert_eq!(sim.queue2_size(), 0),
                )
            });
        });
    }
    group.finish();
}

criterion_group!(
    benches,
    rtgs_entry,
    arrivals_tick,
    queue2_idle_tick,
    queue2_retry,
    bilateral,
    multilateral
);
criterion_main!(benches);
