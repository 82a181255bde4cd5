//! What a host policy costs the core, without any host language: the seed workload (10 agents,
//! rate 0.5) with every agent on `Fifo`, and on a Host policy that releases its whole Queue 1
//! answered (a) in Rust with typed decisions — the tick's checkpoint and the view — and (b)
//! through the JSON a C host gets — the view written, the decisions read. All three give the
//! same statistics (checked). Reports; asserts nothing about time.
//!
//! ```text
//! cargo run -p payment-sim-core --release --example host_policy_cost [-- TICKS]
//! ```

use std::time::Instant;

use payment_sim_core::host_policy::{HostAction, HostDecision, HostPolicy, HostView};
use payment_sim_core::{Problem, Simulation};
use serde_json::json;

struct Typed;

impl HostPolicy for Typed {
    fn decide(&mut self, view: &HostView) -> Result<Vec<HostDecision>, Problem> {
        Ok(view
            .queue1
            .iter()
            .map(|o| HostDecision {
                id: o.id.clone(),
                action: HostAction::Release,
            })
            .collect())
    }
}

/// As a C host sees it: the view as JSON text, the answer as JSON text.
struct Json;

impl HostPolicy for Json {
    fn decide(&mut self, view: &HostView) -> Result<Vec<HostDecision>, Problem> {
        let text = view.to_json();
        let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
        let answer: Vec<serde_json::Value> = parsed["queue1"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| json!({"id": o["id"], "action": "release"}))
            .collect();
        HostDecision::list_from_json(&serde_json::to_string(&answer).unwrap())
    }
}

/// Builds the host of a run (`None`: the run uses `Fifo`).
type MakeHost = fn() -> Box<dyn HostPolicy>;

fn config(policy: &str, ticks: u64) -> String {
    let ids: Vec<String> = (0..10)
        .map(|i| format!("BANK_{}", (b'A' + i) as char))
        .collect();
    let agents: Vec<_> = ids
        .iter()
        .map(|id| {
            let weights: serde_json::Map<String, serde_json::Value> = ids
                .iter()
                .filter(|o| *o != id)
                .map(|o| (o.clone(), json!(1.0)))
                .collect();
            json!({"id": id, "opening_balance": 5_000_000, "credit_limit": 1_000_000,
                   "policy": {"type": policy},
                   "arrival_config": {"rate_per_tick": 0.5,
                       "distribution": {"type": "Normal", "mean": 100_000, "std_dev": 30_000},
                       "counterparty_weights": weights}})
        })
        .collect();
    json!({"ticks_per_day": 100, "num_days": ticks.div_ceil(100), "rng_seed": 12345,
           "event_recording": "off", "agent_configs": agents})
    .to_string()
}

fn main() {
    let ticks: u64 = std::env::args()
        .nth(1)
        .and_then(|t| t.parse().ok())
        .unwrap_or(20_000);
    let mut reference = None;
    let runs: [(&str, Option<MakeHost>); 3] = [
        ("Fifo", None),
        ("Host, typed (Rust)", Some(|| Box::new(Typed))),
        ("Host, JSON both ways", Some(|| Box::new(Json))),
    ];
    println!("{ticks} ticks of the seed workload (10 agents, rate 0.5), events off");
    for (name, host) in runs {
        let policy = if host.is_some() { "Host" } else { "Fifo" };
        let mut sim = Simulation::from_json(&config(policy, ticks)).unwrap();
        sim.set_host_policy(host.map(|h| h()));
        let start = Instant::now();
        sim.run(ticks).unwrap();
        let elapsed = start.elapsed().as_secs_f64();
        let stats = serde_json::to_string(&sim.statistics().agents).unwrap();
        match &reference {
            None => reference = Some(stats),
            Some(r) => assert_eq!(r, &stats, "{name} must give Fifo's statistics"),
        }
        println!(
            "{name:<22} {:>10.0} ticks/s  {:>7.2} µs/tick",
            ticks as f64 / elapsed,
            elapsed / ticks as f64 * 1e6
        );
    }
}
