//! The generators of `snapshot_mutations.rs`: random runs and their valid snapshots, and the
//! structural mutations applied to them.
#![allow(dead_code)]

use payment_sim_core::{SimError, Simulation, Submission};
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{json, Value};

// ----- random runs ---------------------------------------------------------------------------

#[derive(Debug, Clone)]
pub struct Case {
    pub config: Value,
    pub submissions: Vec<(u64, Submission)>,
    /// Where the run is cut for the snapshot, as a fraction of the horizon.
    pub cut: f64,
    /// Discard this fraction of the events recorded before the cut (None: keep them).
    pub discard: Option<f64>,
}

pub fn agent() -> impl Strategy<Value = Value> {
    let split = prop::option::weighted(0.4, (1i64..40_000, 2i64..5));
    let arrivals = prop::option::weighted(
        0.7,
        (0.1f64..2.0, 1i64..20_000, 1i64..60_000, 1i64..15, 0i64..=10),
    );
    (
        prop_oneof![Just(0i64), 0i64..60_000, 0i64..300_000],
        prop_oneof![2 => Just(0i64), 1 => 0i64..100_000],
        0u8..3,
        0i64..150_000,
        0i64..6,
        split,
        arrivals,
    )
        .prop_map(|(balance, credit, kind, buffer, urgency, split, arrivals)| {
            let mut policy = match kind {
                0 => json!({"type": "Fifo"}),
                1 => json!({"type": "Deadline"}),
                _ => json!({"type": "LiquidityAware", "target_buffer": buffer, "urgency_threshold": urgency}),
            };
            if let Some((threshold, max_parts)) = split {
                policy["split"] = json!({"threshold": threshold, "max_parts": max_parts});
            }
            let mut a = json!({"opening_balance": balance, "credit_limit": credit, "policy": policy});
            if let Some((rate, min, width, deadline, priority)) = arrivals {
                a["arrival_config"] = json!({"rate_per_tick": rate,
                    "distribution": {"type": "Uniform", "min": min, "max": min + width},
                    "deadline_offset": deadline, "priority": priority});
            }
            a
        })
}

pub fn case() -> impl Strategy<Value = Case> {
    let engine = (
        any::<bool>(),
        any::<bool>(),
        0u8..4,
        any::<bool>(),
        any::<bool>(),
    );
    let submissions = prop::collection::vec(
        (
            0u64..24,
            0usize..5,
            1usize..5,
            1i64..120_000,
            1i64..12,
            0i64..=10,
        ),
        0..12,
    );
    (
        prop::collection::vec(agent(), 2..=5),
        1i64..=6,
        1i64..=3,
        any::<u64>(),
        engine,
        submissions,
        0.0f64..=1.0,
        prop::option::weighted(0.3, 0.0f64..=1.0),
    )
        .prop_map(|(mut agents, tpd, days, seed, engine, subs, cut, discard)| {
            let n = agents.len();
            let ids: Vec<String> = (0..n).map(|i| ((b'A' + i as u8) as char).to_string()).collect();
            for (i, a) in agents.iter_mut().enumerate() {
                a["id"] = json!(ids[i]);
                if let Some(ac) = a.get_mut("arrival_config") {
                    let weights: serde_json::Map<String, Value> = (0..n)
                        .filter(|&j| j != i)
                        .map(|j| (ids[j].clone(), json!(1.0)))
                        .collect();
                    ac["counterparty_weights"] = Value::Object(weights);
                }
            }
            let (fifo, overdue, recording, bilateral, multilateral) = engine;
            let recording = ["full", "full", "settlements", "off"][recording as usize];
            let config = json!({
                "ticks_per_day": tpd, "num_days": days, "rng_seed": seed, "agent_configs": agents,
                "queue_discipline": if fifo { "fifo" } else { "bypass_fifo" },
                "deadline_mode": if overdue { "overdue" } else { "drop" },
                "event_recording": recording,
                "lsm": {"bilateral": bilateral, "multilateral": multilateral},
                "cost_rates": {"liquidity_cost_per_unit_per_tick": 500, "delay_cost_per_tick": 3},
            });
            let horizon = (tpd * days) as u64;
            let submissions = subs
                .into_iter()
                .filter(|s| s.0 < horizon)
                .map(|(t, s, r, amount, deadline_offset, priority)| {
                    let sender = s % n;
                    let receiver = (sender + 1 + r % (n - 1)) % n;
                    let sub = Submission {
                        sender: ids[sender].clone(),
                        receiver: ids[receiver].clone(),
                        amount,
                        deadline_offset,
                        priority,
                        from_offset: None,
                    };
                    (t, sub)
                })
                .collect();
            Case { config, submissions, cut, discard }
        })
}

pub fn submit_due(sim: &mut Simulation, case: &Case) -> Result<(), SimError> {
    let t = sim.current_tick();
    for (_, sub) in case.submissions.iter().filter(|s| s.0 == t) {
        sim.submit(sub)?;
    }
    Ok(())
}

/// The valid snapshot of a case: run to the cut, submit what is due (it stays pending),
/// discard events if the case says so.
pub fn valid_snapshot(case: &Case) -> Value {
    let mut sim = Simulation::from_json(&case.config.to_string()).expect("valid configuration");
    let cut = (sim.horizon() as f64 * case.cut).floor() as u64;
    while sim.current_tick() < cut {
        submit_due(&mut sim, case).unwrap();
        sim.tick().unwrap();
    }
    if !sim.is_finished() {
        submit_due(&mut sim, case).unwrap();
    }
    if let Some(f) = case.discard {
        sim.discard_events_through((sim.last_event_seq() as f64 * f).floor() as u64);
    }
    serde_json::from_str(&sim.snapshot_json()).unwrap()
}

// ----- mutations -----------------------------------------------------------------------------

#[derive(Debug, Clone)]
pub enum Mutation {
    /// Copy a transaction into a transaction list (optionally marked for its new place).
    Duplicate {
        from: Index,
        to: Index,
        at: Index,
        refit: bool,
    },
    /// Move a transaction to another place (optionally marked for it).
    Move {
        from: Index,
        to: Index,
        at: Index,
        refit: bool,
    },
    /// Remove a transaction.
    Drop {
        from: Index,
    },
    /// Swap two entries of one list.
    Swap {
        list: Index,
        a: Index,
        b: Index,
    },
    DuplicateEvent {
        which: Index,
        at: Index,
    },
    DropEvent {
        which: Index,
    },
    SwapEvents {
        a: Index,
        b: Index,
    },
    /// Change a counter: +1, −1, +1000, 2^61 + 1, 2^62, 2^62 + 1, 0.
    Counter {
        which: Index,
        how: u8,
    },
    SwapBalances {
        a: Index,
        b: Index,
    },
    /// Consistent: remove a live transaction and count it as dropped.
    DroppedAndCounted {
        from: Index,
    },
    /// Consistent: discard the oldest events.
    DiscardOldest {
        count: Index,
    },
    /// Consistent: skip an unused Queue 2 entry number.
    SkipEntry,
    /// Time skipped: the tick and the ticks run both move on.
    SkipTime {
        by: u8,
    },
}

pub fn mutation() -> impl Strategy<Value = Mutation> {
    use Mutation::*;
    let i = || any::<Index>();
    prop_oneof![
        1 => (i(), i(), i(), any::<bool>()).prop_map(|(from, to, at, refit)| Duplicate { from, to, at, refit }),
        1 => (i(), i(), i(), any::<bool>()).prop_map(|(from, to, at, refit)| Move { from, to, at, refit }),
        1 => i().prop_map(|from| Drop { from }),
        1 => (i(), i(), i()).prop_map(|(list, a, b)| Swap { list, a, b }),
        1 => (i(), i()).prop_map(|(which, at)| DuplicateEvent { which, at }),
        1 => i().prop_map(|which| DropEvent { which }),
        1 => (i(), i()).prop_map(|(a, b)| SwapEvents { a, b }),
        1 => (i(), 0u8..7).prop_map(|(which, how)| Counter { which, how }),
        1 => (i(), i()).prop_map(|(a, b)| SwapBalances { a, b }),
        2 => i().prop_map(|from| DroppedAndCounted { from }),
        2 => i().prop_map(|count| DiscardOldest { count }),
        1 => Just(SkipEntry),
        1 => (1u8..4).prop_map(|by| SkipTime { by }),
    ]
}

/// The transaction lists of a snapshot, as paths.
pub fn lists(doc: &Value) -> Vec<Vec<Value>> {
    let n = doc["balances"].as_array().map_or(0, Vec::len);
    let mut out: Vec<Vec<Value>> = (0..n).map(|a| vec![json!("queue1"), json!(a)]).collect();
    out.push(vec![json!("pending_manual")]);
    out.push(vec![json!("queue2")]);
    out
}

pub fn at<'a>(v: &'a mut Value, path: &[Value]) -> &'a mut Value {
    path.iter().fold(v, |v, k| match k {
        Value::String(s) => &mut v[s.as_str()],
        Value::Number(n) => &mut v[n.as_u64().unwrap() as usize],
        _ => unreachable!(),
    })
}

pub fn list<'a>(doc: &'a mut Value, path: &[Value]) -> &'a mut Vec<Value> {
    at(doc, path).as_array_mut().expect("a list")
}

/// Every live transaction as (list path, index).
pub fn entries(doc: &mut Value) -> Vec<(Vec<Value>, usize)> {
    let mut out = Vec::new();
    for path in lists(doc) {
        for i in 0..list(doc, &path).len() {
            out.push((path.clone(), i));
        }
    }
    out
}

/// Mark a transaction for the list it now sits in.
pub fn refit(doc: &mut Value, path: &[Value], mut tx: Value) -> Value {
    if path[0] == "queue2" {
        let entry = doc["next_queue2_entry"].as_u64().unwrap_or(1);
        doc["next_queue2_entry"] = json!(entry + 1);
        tx["location"] = json!({"queue2": {"entry": entry}});
    } else {
        tx["location"] = json!("queue1");
        if path[0] == "queue1" {
            tx["sender"] = path[1].clone();
        }
    }
    tx
}

pub fn bump(v: &mut Value, how: u8) {
    let x = v.as_u64().unwrap_or(0);
    *v = json!(match how {
        0 => x + 1,
        1 => x.saturating_sub(1),
        2 => x + 1000,
        3 => (1u64 << 61) + 1,
        4 => 1u64 << 62,
        5 => (1u64 << 62) + 1,
        _ => 0,
    });
}

pub const COUNTERS: [&[&str]; 17] = [
    &["next_tx_seq"],
    &["next_queue2_entry"],
    &["tick"],
    &["events_discarded"],
    &["totals", "ticks_run"],
    &["totals", "arrivals"],
    &["totals", "extra_parts"],
    &["totals", "settlements"],
    &["totals", "drops"],
    &["totals", "overdue"],
    &["totals", "splits"],
    &["totals", "peak_queue1"],
    &["totals", "peak_queue2"],
    &["totals", "delay_max"],
    &["totals", "day_settlements"],
    &["totals", "by_mechanism", "rtgs"],
    &["totals", "day_drops"],
];

pub fn apply(doc: &mut Value, m: &Mutation) {
    use Mutation::*;
    let paths = lists(doc);
    let events_len = doc["events"].as_array().map_or(0, Vec::len);
    match m {
        Duplicate {
            from,
            to,
            at: pos,
            refit: fit,
        }
        | Move {
            from,
            to,
            at: pos,
            refit: fit,
        } => {
            let all = entries(doc);
            if all.is_empty() {
                return;
            }
            let (src, i) = from.get(&all).clone();
            let dst = to.get(&paths).clone();
            let tx = if matches!(m, Move { .. }) {
                list(doc, &src).remove(i)
            } else {
                list(doc, &src)[i].clone()
            };
            let tx = if *fit { refit(doc, &dst, tx) } else { tx };
            let target = list(doc, &dst);
            let k = pos.index(target.len() + 1);
            target.insert(k, tx);
        }
        Drop { from } => {
            let all = entries(doc);
            if !all.is_empty() {
                let (src, i) = from.get(&all).clone();
                list(doc, &src).remove(i);
            }
        }
        Swap { list: l, a, b } => {
            let path = l.get(&paths).clone();
            let target = list(doc, &path);
            if target.len() > 1 {
                let (a, b) = (a.index(target.len()), b.index(target.len()));
                target.swap(a, b);
            }
        }
        DuplicateEvent { which, at: pos } if events_len > 0 => {
            let events = list(doc, &[json!("events")]);
            let e = events[which.index(events_len)].clone();
            events.insert(pos.index(events_len + 1), e);
        }
        DropEvent { which } if events_len > 0 => {
            list(doc, &[json!("events")]).remove(which.index(events_len));
        }
        SwapEvents { a, b } if events_len > 1 => {
            list(doc, &[json!("events")]).swap(a.index(events_len), b.index(events_len));
        }
        Counter { which, how } => {
            let path: Vec<Value> = which.get(&COUNTERS).iter().map(|k| json!(k)).collect();
            bump(at(doc, &path), *how);
        }
        SwapBalances { a, b } => {
            let balances = list(doc, &[json!("balances")]);
            let (a, b) = (a.index(balances.len()), b.index(balances.len()));
            balances.swap(a, b);
        }
        DroppedAndCounted { from } => {
            let all: Vec<_> = entries(doc)
                .into_iter()
                .filter(|(p, _)| p[0] != "pending_manual")
                .collect();
            if all.is_empty() {
                return;
            }
            let (src, i) = from.get(&all).clone();
            let tx = list(doc, &src).remove(i);
            let amount = tx["amount"].as_i64().unwrap();
            let t = &mut doc["totals"];
            for field in ["drops", "day_drops"] {
                t[field] = json!(t[field].as_u64().unwrap() + 1);
            }
            t["dropped_value"] = json!(t["dropped_value"].as_i64().unwrap() + amount);
        }
        DiscardOldest { count } if events_len > 0 => {
            let k = count.index(events_len) + 1;
            list(doc, &[json!("events")]).drain(..k);
            let d = doc["events_discarded"].as_u64().unwrap();
            doc["events_discarded"] = json!(d + k as u64);
        }
        SkipEntry => {
            let e = doc["next_queue2_entry"].as_u64().unwrap();
            doc["next_queue2_entry"] = json!(e + 1);
        }
        SkipTime { by } => {
            for path in [&["tick"][..], &["totals", "ticks_run"]] {
                let p: Vec<Value> = path.iter().map(|k| json!(k)).collect();
                let v = at(doc, &p);
                *v = json!(v.as_u64().unwrap() + u64::from(*by));
            }
        }
        _ => {}
    }
}
