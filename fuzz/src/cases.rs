//! The structured inputs of the snapshot and submission targets.

use std::collections::HashMap;

use crate::*;
use arbitrary::{Arbitrary, Result, Unstructured};
use payment_sim_core::config::EventRecording;
use payment_sim_core::snapshot::v5::Snapshot;
use payment_sim_core::{Simulation, SimulationConfig, Submission};

/// The input of `snapshot_mutate`: a small run, a snapshot of it, mutations, and the ticks to
/// run after restore (to the end of the horizon).
#[derive(Debug, Clone)]
pub struct SnapshotCase {
    /// The run's configuration.
    pub config: SimulationConfig,
    /// Ticks and orders before the snapshot.
    pub before: Vec<Step>,
    /// Changes to the snapshot.
    pub mutations: Vec<Mutation>,
}

impl<'a> Arbitrary<'a> for SnapshotCase {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        // Mutations first: the bytes libFuzzer changes most cheaply.
        let count = *u.choose(&[1, 0, 2, 3])?;
        let mut mutations = Vec::with_capacity(count);
        for _ in 0..count {
            mutations.push(Mutation::arbitrary(u)?);
        }
        // The snapshot is taken after this many ticks (12, mid-horizon, by default).
        let ticks = (12 + usize::from(u.arbitrary::<u8>()?)) % 25;
        let config = small_config(u, false)?;
        let n = config.agent_configs.len();
        let before = steps(u, n, ticks, 6)?;
        Ok(SnapshotCase {
            config,
            before,
            mutations,
        })
    }
}

impl SnapshotCase {
    /// The valid snapshot and the mutated one.
    pub fn snapshots(&self) -> (Snapshot, Snapshot) {
        let mut sim =
            Simulation::new(self.config.clone()).expect("generated configurations are valid");
        play(&mut sim, &self.before);
        let valid = sim.snapshot();
        let mut mutated = valid.clone();
        for m in &self.mutations {
            apply(&mut mutated, m);
        }
        (valid, mutated)
    }

    /// Restore the mutated snapshot; if it is accepted, it must behave as a valid one: it
    /// reads back byte-stable, runs to the end of its horizon without an error, balances
    /// conserve, no transaction settles twice, and its final state reads back byte-stable too.
    /// An unmutated snapshot must also restore to exactly its own bytes, and then settled
    /// events must account for every balance.
    pub fn check(&self) {
        let (valid, mutated) = self.snapshots();
        let unchanged = valid == mutated;
        let Ok(mut sim) = Simulation::restore(mutated) else {
            assert!(!unchanged, "a valid snapshot is refused");
            return;
        };
        assert_restored_consistent(&sim);
        let restored = assert_snapshot_stable(&sim);
        if unchanged {
            let original = serde_json::to_string(&valid).expect("a snapshot writes as JSON");
            assert!(restored == original, "restore changed a valid snapshot");
        }
        assert_conserves(&sim);
        let remaining = sim.horizon() - sim.current_tick().min(sim.horizon());
        tick_and_check(&mut sim, remaining);
        if !self.mutations.iter().any(Mutation::touches_ledger) {
            assert_balances_match_events(&sim);
        }
    }
}

/// Every balance is its opening balance plus what settled events moved (events of a level
/// that keeps settlements, from tick 0).
pub fn assert_balances_match_events(sim: &Simulation) {
    if sim.config().event_recording == EventRecording::Off {
        return;
    }
    let mut expected: HashMap<String, i128> = sim
        .config()
        .agent_configs
        .iter()
        .map(|a| (a.id.clone(), i128::from(a.opening_balance)))
        .collect();
    for e in sim.events_since(0) {
        if e.kind == "settled" {
            let amount = i128::from(e.amount.unwrap_or_default());
            *expected
                .entry(e.sender.clone().unwrap_or_default())
                .or_default() -= amount;
            *expected
                .entry(e.receiver.clone().unwrap_or_default())
                .or_default() += amount;
        } else if e.kind == "liquidity" {
            *expected.entry(e.agent.clone().unwrap_or_default()).or_default() +=
                i128::from(e.amount.unwrap_or_default());
        }
    }
    for a in sim.state().agents {
        assert_eq!(
            i128::from(a.balance),
            expected[&a.id],
            "balance of {} does not match its settled events",
            a.id
        );
    }
}

/// One operation of the `submission` target.
#[derive(Debug, Clone)]
pub enum SubmitOp {
    /// Text for `Submission::from_json`, then `submit` if it parses.
    Json(String),
    /// A submission built directly (extreme values included).
    Direct(Order),
    /// Execute up to this many ticks.
    Tick(u8),
}

/// A JSON value of the kinds a hostile client sends for one field.
fn json_value(u: &mut Unstructured, n: usize) -> Result<String> {
    Ok(match u.int_in_range(0..=9)? {
        0 | 1 => format!("{:?}", AGENT_IDS[u.int_in_range(0..=n - 1)?]),
        2 | 3 => u.int_in_range(-5i64..=3_000)?.to_string(),
        4 => (*u.choose(&[
            "0",
            "-0",
            "1.0",
            "1.5",
            "1e3",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775808",
            "-9223372036854775809",
            "18446744073709551616",
            "1e308",
            "1e400",
            "9007199254740993",
            "100000000000000000000000000000",
        ])?)
        .to_string(),
        5 => "null".to_string(),
        6 => (*u.choose(&[
            "true",
            "[]",
            "{}",
            "[1]",
            "{\"a\":1}",
            "\"\"",
            "\"\\u0000\"",
            "\"\\ud83d\\udcb0\"",
            "\"\\ud800\"",
        ])?)
        .to_string(),
        7 => serde_json::to_string(&u.arbitrary::<String>()?).expect("a string writes as JSON"),
        8 => u.arbitrary::<i64>()?.to_string(),
        _ => u.arbitrary::<f64>()?.to_string(),
    })
}

const FIELDS: [&str; 5] = [
    "sender",
    "receiver",
    "amount",
    "deadline_offset",
    "priority",
];

fn submission_text(u: &mut Unstructured, n: usize) -> Result<String> {
    if one_in(u, 10)? {
        return u.arbitrary::<String>();
    }
    let mut parts = Vec::new();
    for field in FIELDS {
        // Usually present and well-typed, so the engine is reached.
        if !one_in(u, 10)? {
            let v = match field {
                "sender" | "receiver" if !one_in(u, 5)? => {
                    format!("{:?}", AGENT_IDS[u.int_in_range(0..=n - 1)?])
                }
                "amount" if !one_in(u, 4)? => high(u, 1i64, 3_000)?.to_string(),
                "deadline_offset" if !one_in(u, 4)? => high(u, 1i64, 20)?.to_string(),
                "priority" if !one_in(u, 4)? => u.int_in_range(0i64..=10)?.to_string(),
                _ => json_value(u, n)?,
            };
            parts.push(format!("{field:?}:{v}"));
        }
    }
    if one_in(u, 10)? {
        // An unknown field or a repeated one.
        let key = if u.arbitrary()? {
            "colour"
        } else {
            *u.choose(&FIELDS)?
        };
        let at = u.int_in_range(0..=parts.len())?;
        parts.insert(at, format!("{key:?}:{}", json_value(u, n)?));
    }
    let mut text = format!("{{{}}}", parts.join(","));
    if one_in(u, 20)? {
        // Damage one byte.
        let at = u.int_in_range(0..=text.len() - 1)?;
        if text.is_char_boundary(at) && text.is_char_boundary(at + 1) {
            let b = *u.choose(b"{}[],:\"\\ 0x")?;
            text.replace_range(at..at + 1, &(b as char).to_string());
        }
    }
    Ok(text)
}

/// The input of `submission`: a small simulation and a sequence of submissions and ticks.
#[derive(Debug, Clone)]
pub struct SubmissionCase {
    /// The simulation's configuration (balances and limits may be extreme).
    pub config: SimulationConfig,
    /// What is done to it.
    pub ops: Vec<SubmitOp>,
}

impl<'a> Arbitrary<'a> for SubmissionCase {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let config = small_config(u, true)?;
        let n = config.agent_configs.len();
        let count = high(u, 1, 40)?;
        let mut ops = Vec::with_capacity(count);
        for _ in 0..count {
            ops.push(match u.int_in_range(0..=5)? {
                0..=2 => SubmitOp::Json(submission_text(u, n)?),
                3 => SubmitOp::Direct(Order::arbitrary(u, n)?),
                _ => SubmitOp::Tick(u.int_in_range(1..=4)?),
            });
        }
        Ok(SubmissionCase { config, ops })
    }
}

impl SubmissionCase {
    /// Play it: no panic; every accepted order gets the next id; ticks of an unfinished
    /// simulation succeed; balances conserve after each; at the end no transaction settled
    /// twice, balances match the settled events, and the snapshot reads back byte-stable.
    pub fn check(&self) {
        // Extreme balances may make the configuration invalid: that is its own refusal.
        let Ok(mut sim) = Simulation::new(self.config.clone()) else {
            return;
        };
        let mut next_id = 1u64;
        for op in &self.ops {
            let sub = match op {
                SubmitOp::Json(text) => match Submission::from_json(text) {
                    Ok(sub) => sub,
                    Err(_) => continue,
                },
                SubmitOp::Direct(order) => order.submission(),
                SubmitOp::Tick(k) => {
                    tick_and_check(&mut sim, u64::from(*k));
                    // Generated arrivals take ids too.
                    next_id = sim.snapshot().next_tx_seq;
                    continue;
                }
            };
            if let Ok(id) = sim.submit(&sub) {
                assert_eq!(id, format!("T{next_id}"), "ids are not consecutive");
                next_id += 1;
            }
        }
        let remaining = sim.horizon() - sim.current_tick().min(sim.horizon());
        tick_and_check(&mut sim, remaining);
        assert_balances_match_events(&sim);
    }

    /// The case as text a regression test replays with the core alone: the configuration
    /// (machine JSON) on the first line, then one line per operation: `submit <json>` (the
    /// text given to `Submission::from_json`) or `tick <n>`.
    pub fn script(&self) -> String {
        let mut out = serde_json::to_string(&self.config).expect("a configuration writes as JSON");
        out.push('\n');
        for op in &self.ops {
            match op {
                SubmitOp::Json(text) => {
                    out.push_str("submit ");
                    out.push_str(&serde_json::to_string(text).expect("JSON string"));
                }
                SubmitOp::Direct(o) => {
                    out.push_str("submit ");
                    let json = format!(
                        "{{\"sender\":{:?},\"receiver\":{:?},\"amount\":{},\"deadline_offset\":{},\"priority\":{}}}",
                        AGENT_IDS[o.sender], AGENT_IDS[o.receiver], o.amount, o.deadline_offset, o.priority
                    );
                    out.push_str(&serde_json::to_string(&json).expect("JSON string"));
                }
                SubmitOp::Tick(k) => out.push_str(&format!("tick {k}")),
            }
            out.push('\n');
        }
        out
    }
}
