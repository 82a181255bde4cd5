//! Scale runner: whole simulations at real-system size, timed from outside.
//!
//! ```text
//! cargo run -p payment-sim-core --profile bench --example scale            # everything
//! cargo run -p payment-sim-core --profile bench --example scale -- seed10  # one workload
//! ```
//!
//! Workloads (`performance.md`):
//! * `seed10`  — 100,000 ticks of the seed's 10-agent workload (5,000,000 opening,
//!   1,000,000 credit, Fifo, rate 0.5, Normal(100,000, 30,000), uniform weights); reports the
//!   time of each tenth of the run, so growth with history shows as last/first > 1;
//! * `t2`      — a T2-like day: 1,000 agents, ≈ 400,000 payments, scarce liquidity, LSM on;
//! * `fedwire` — a Fedwire-like day: 6,000 agents, ≈ 850,000 payments (100 counterparties each).
//!
//! Event recording is `full` (the default) unless `--events off|settlements` is given;
//! `--repeat N` runs each workload N times and reports the medians.
//! Prints payments/s, ticks/s and peak RSS. It reports; it asserts nothing.

use std::time::{Duration, Instant};

use payment_sim_core::Simulation;
use serde_json::{json, Value};

fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

struct Workload {
    name: &'static str,
    agents: usize,
    /// Counterparties per agent (uniform weights); `None` means every other agent.
    counterparties: Option<usize>,
    opening: i64,
    credit: i64,
    rate: f64,
    distribution: Value,
    ticks_per_day: i64,
    num_days: i64,
}

fn config(w: &Workload, events: &str) -> String {
    let n = w.agents;
    let agents: Vec<Value> = (0..n)
        .map(|i| {
            let others: Vec<usize> = match w.counterparties {
                None => (0..n).filter(|&j| j != i).collect(),
                // Spread deterministically: i+1, i+1+stride, … (mod n), never i itself.
                Some(k) => {
                    let stride = (n - 1) / k;
                    (0..k).map(|m| (i + 1 + m * stride) % n).collect()
                }
            };
            let weights: serde_json::Map<String, Value> = others
                .into_iter()
                .map(|j| (format!("BANK_{j:04}"), json!(1.0)))
                .collect();
            json!({
                "id": format!("BANK_{i:04}"),
                "opening_balance": w.opening,
                "credit_limit": w.credit,
                "policy": {"type": "Fifo"},
                "arrival_config": {
                    "rate_per_tick": w.rate,
                    "distribution": w.distribution,
                    "counterparty_weights": weights,
                },
            })
        })
        .collect();
    json!({
        "ticks_per_day": w.ticks_per_day,
        "num_days": w.num_days,
        "rng_seed": 20_240_101,
        "agent_configs": agents,
        "event_recording": events,
    })
    .to_string()
}

/// Settlements that needed Queue 2 (retry or LSM) plus drops: the work beyond gross
/// settlement, which is what makes one tick dearer than another.
fn queue_work(sim: &Simulation) -> u64 {
    let s = sim.statistics();
    let m = &s.settlements_by_mechanism;
    m.queue + m.bilateral + m.multilateral + s.drops
}

/// One complete run: the simulation at its end, the build time, the time of each tenth and
/// the Queue 2 work done in each tenth.
fn run_once(text: &str) -> (Simulation, Duration, Vec<Duration>, Vec<u64>) {
    let build_start = Instant::now();
    let mut sim = Simulation::from_json(text).expect("valid workload");
    let build = build_start.elapsed();
    let horizon = sim.horizon();
    let tenth = (horizon / 10).max(1);
    let mut tenths: Vec<Duration> = Vec::new();
    let mut work: Vec<u64> = Vec::new();
    let mut done = 0;
    while done < horizon {
        let n = tenth.min(horizon - done);
        let before = queue_work(&sim);
        let t0 = Instant::now();
        sim.run(n).expect("within the horizon");
        tenths.push(t0.elapsed());
        work.push(queue_work(&sim) - before);
        done += n;
    }
    (sim, build, tenths, work)
}

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

/// Run `repeat` times (the same simulation: determinism makes every run identical) and
/// report medians, which the shared, noisy machines need.
fn run(w: &Workload, events: &str, repeat: usize) {
    let text = config(w, events);
    let mut runs: Vec<(Duration, Vec<Duration>)> = Vec::new();
    let mut last = None;
    let mut work = Vec::new();
    for _ in 0..repeat.max(1) {
        let (sim, build, tenths, w) = run_once(&text);
        runs.push((build, tenths));
        last = Some(sim);
        work = w;
    }
    let sim = last.expect("at least one run");
    let horizon = sim.horizon();
    let tenth = (horizon / 10).max(1);
    let build = median(runs.iter().map(|r| r.0).collect());
    let tenths: Vec<Duration> = (0..runs[0].1.len())
        .map(|i| median(runs.iter().map(|r| r.1[i]).collect()))
        .collect();
    let elapsed = median(runs.iter().map(|r| r.1.iter().sum()).collect());
    let stats = sim.statistics();
    let secs = elapsed.as_secs_f64();
    println!(
        "== {} ({} agents, {horizon} ticks, events {events}, median of {} runs)",
        w.name,
        w.agents,
        runs.len()
    );
    println!("   build            {:>10.3} s", build.as_secs_f64());
    println!("   run              {:>10.3} s", secs);
    println!(
        "   payments         {:>10} arrived, {} settled ({:.1}% by count), {} dropped",
        stats.arrivals,
        stats.settlements,
        100.0 * stats.settlement_rate_count,
        stats.drops
    );
    println!(
        "   by mechanism     rtgs {} · queue {} · bilateral {} · multilateral {}",
        stats.settlements_by_mechanism.rtgs,
        stats.settlements_by_mechanism.queue,
        stats.settlements_by_mechanism.bilateral,
        stats.settlements_by_mechanism.multilateral
    );
    println!(
        "   peak queues      Queue 1 {} · Queue 2 {}",
        stats.peak_queue1, stats.peak_queue2
    );
    println!(
        "   throughput       {:>10.0} payments/s (arrivals) · {:.0} settlements/s · {:.0} ticks/s",
        stats.arrivals as f64 / secs,
        stats.settlements as f64 / secs,
        horizon as f64 / secs
    );
    if tenths.len() >= 2 {
        let first = tenths[0].as_secs_f64();
        let last = tenths[tenths.len() - 1].as_secs_f64();
        let per_tick = |d: f64| d / tenth as f64 * 1e6;
        println!(
            "   first 10%        {:>10.3} s ({:.2} µs/tick) · last 10% {:.3} s ({:.2} µs/tick) · last/first {:.2}",
            first,
            per_tick(first),
            last,
            per_tick(last),
            last / first
        );
        let all: Vec<String> = tenths
            .iter()
            .map(|d| format!("{:.0}", d.as_secs_f64() * 1e3))
            .collect();
        println!("   each 10% (ms)    {}", all.join(" · "));
        let work: Vec<String> = work.iter().map(u64::to_string).collect();
        println!(
            "   Queue 2 work     {} (queue/LSM settlements + drops per 10%)",
            work.join(" · ")
        );
    }
    println!(
        "   events kept      {} · live transactions at the end {}",
        sim.last_event_seq(),
        sim.live_transactions()
    );
    if let Some(rss) = peak_rss_mib() {
        println!("   peak RSS so far  {rss:.0} MiB");
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let events = args
        .iter()
        .position(|a| a == "--events")
        .and_then(|i| args.get(i + 1))
        .map_or("full", String::as_str)
        .to_string();
    let which: Vec<&str> = args
        .iter()
        .enumerate()
        .filter(|(i, a)| {
            !a.starts_with("--")
                && (*i == 0 || !matches!(args[i - 1].as_str(), "--events" | "--repeat"))
        })
        .map(|(_, a)| a.as_str())
        .collect();
    let repeat = args
        .iter()
        .position(|a| a == "--repeat")
        .and_then(|i| args.get(i + 1))
        .and_then(|r| r.parse().ok())
        .unwrap_or(1);
    let all = which.is_empty();
    let seed10 = Workload {
        name: "seed10: 10-agent seed workload, 100,000 ticks",
        agents: 10,
        counterparties: None,
        opening: 5_000_000,
        credit: 1_000_000,
        rate: 0.5,
        distribution: json!({"type": "Normal", "mean": 100_000.0, "std_dev": 30_000.0}),
        ticks_per_day: 100,
        num_days: 1_000,
    };
    // T2: ≈ 410,000 payments a day among ≈ 1,000 participants. 600 ticks ≈ one per minute of
    // the business day; 1,000 × 600 × 0.667 ≈ 400,000 payments. Amounts LogNormal(11, 1.2)
    // (mean ≈ 123,000); opening balances ≈ 2% of a participant's daily outflow (≈ 49 M),
    // plus the same again as credit: scarce, so queues and the LSM work.
    let t2 = Workload {
        name: "t2: T2-like day",
        agents: 1_000,
        counterparties: None,
        opening: 1_000_000,
        credit: 1_000_000,
        rate: 400_000.0 / (1_000.0 * 600.0),
        distribution: json!({"type": "LogNormal", "mean_log": 11.0, "std_dev_log": 1.2}),
        ticks_per_day: 600,
        num_days: 1,
    };
    let fedwire = Workload {
        name: "fedwire: Fedwire-like day",
        agents: 6_000,
        counterparties: Some(100),
        opening: 1_000_000,
        credit: 1_000_000,
        rate: 850_000.0 / (6_000.0 * 600.0),
        distribution: json!({"type": "LogNormal", "mean_log": 11.0, "std_dev_log": 1.2}),
        ticks_per_day: 600,
        num_days: 1,
    };
    for w in [seed10, t2, fedwire] {
        let short = w.name.split(':').next().unwrap_or_default();
        if all || which.contains(&short) {
            run(&w, &events, repeat);
        }
    }
}
