//! The rules of a stress definition against a configuration, and its expansion into
//! variants: the benchmark configuration plus one scheduled action each.
//!
//! The timing rules (window inside the horizon, not inverted, no overlap with an outage the
//! benchmark already schedules, tick in range) are the schedule's own: each participant's
//! action is checked by `schedule::resolve` after the configuration's `scenario_events`, and
//! its problems are re-pathed to the stress scenario (`scenario_events[0].to_tick` →
//! `scenarios[j].to_tick`, `agent` → `participants`).

use std::collections::HashMap;

use super::definition::{Participants, StressDefinition, StressScenario, StressType};
use crate::config::SimulationConfig;
use crate::error::{Problem, SimError};
use crate::schedule::resolve::{resolve, Context};
use crate::schedule::windows::Windows;
use crate::schedule::{ActionType, ScenarioEvent};
use crate::transaction::AgentIdx;

/// One variant: which scenario, whom it stresses, and the action added to the benchmark
/// (`None` when a withdrawal finds nothing to withdraw: the variant is the benchmark).
#[derive(Debug, Clone)]
pub(crate) struct VariantSpec {
    pub scenario: usize,
    pub participant: AgentIdx,
    pub event: Option<ScenarioEvent>,
}

fn at(j: usize, field: &str) -> String {
    format!("scenarios[{j}].{field}")
}

fn problem(j: usize, field: &str, rest: impl std::fmt::Display) -> Problem {
    let p = at(j, field);
    Problem::new(p.clone(), format!("{p}{rest}"))
}

/// The fields each type takes besides `type` and `participants`: (allowed, required).
fn fields(kind: StressType) -> (&'static [&'static str], &'static [&'static str]) {
    match kind {
        StressType::Outage => (
            &["from_tick", "to_tick", "block_receiving"],
            &["from_tick", "to_tick"],
        ),
        StressType::LiquidityWithdrawal => (&["percent", "tick"], &["percent", "tick"]),
    }
}

fn present(s: &StressScenario) -> Vec<&'static str> {
    let mut out = Vec::new();
    let mut has = |name, yes: bool| {
        if yes {
            out.push(name)
        }
    };
    has("from_tick", s.from_tick.is_some());
    has("to_tick", s.to_tick.is_some());
    has("block_receiving", s.block_receiving.is_some());
    has("percent", s.percent.is_some());
    has("tick", s.tick.is_some());
    out
}

/// The scheduled action a scenario adds for `agent` (`amount` for a withdrawal, ≥ 0 cents).
pub(crate) fn event(s: &StressScenario, agent: &str, amount: i64) -> ScenarioEvent {
    match s.kind {
        StressType::Outage => {
            let mut e = ScenarioEvent::new(ActionType::Outage);
            e.agent = Some(agent.to_string());
            e.from_tick = s.from_tick;
            e.to_tick = s.to_tick;
            e.block_receiving = s.block_receiving;
            e
        }
        StressType::LiquidityWithdrawal => {
            let mut e = ScenarioEvent::new(ActionType::Liquidity);
            e.agent = Some(agent.to_string());
            e.tick = s.tick;
            e.amount = Some(-amount);
            e
        }
    }
}

/// Every rule of `def` against `config`, all problems at once. `Ok` = every variant can be
/// built whatever the benchmark run gives.
pub(crate) fn check(def: &StressDefinition, config: &SimulationConfig) -> Result<(), SimError> {
    let ids: Vec<&str> = config.agent_configs.iter().map(|a| a.id.as_str()).collect();
    let index: HashMap<String, AgentIdx> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.to_string(), i as AgentIdx))
        .collect();
    let mut p = Vec::new();
    if def.scenarios.is_empty() {
        p.push(Problem::new(
            "scenarios",
            "scenarios must list at least one stress scenario",
        ));
    }
    for (j, s) in def.scenarios.iter().enumerate() {
        let before = p.len();
        check_fields(j, s, &mut p);
        let candidates = check_participants(j, s, &ids, &index, &mut p);
        if p.len() > before {
            continue;
        }
        check_timing(j, s, config, &index, &candidates, &mut p);
    }
    if p.is_empty() {
        Ok(())
    } else {
        Err(SimError::InvalidConfig(p))
    }
}

fn check_fields(j: usize, s: &StressScenario, p: &mut Vec<Problem>) {
    let (allowed, required) = fields(s.kind);
    let here = present(s);
    for f in &here {
        if !allowed.contains(f) {
            let kind = s.kind.name();
            p.push(problem(
                j,
                f,
                format_args!(" is not a field of a {kind} scenario"),
            ));
        }
    }
    for f in required {
        if !here.contains(f) {
            let kind = s.kind.name();
            p.push(problem(
                j,
                f,
                format_args!(" is required for a {kind} scenario"),
            ));
        }
    }
    if let Some(percent) = s.percent {
        if !(percent.is_finite() && percent > 0.0 && percent <= 100.0) {
            p.push(
                problem(
                    j,
                    "percent",
                    format_args!(" must be above 0 and at most 100 (got {percent})"),
                )
                .with_float(percent),
            );
        }
    }
}

/// The participants the scenario may select (all of them for `largest`, chosen later).
fn check_participants(
    j: usize,
    s: &StressScenario,
    ids: &[&str],
    index: &HashMap<String, AgentIdx>,
    p: &mut Vec<Problem>,
) -> Vec<AgentIdx> {
    let n = ids.len() as u64;
    match &s.participants {
        Participants::All => (0..n as AgentIdx).collect(),
        Participants::Largest(k) => {
            if *k == 0 || *k > n {
                p.push(
                    problem(
                        j,
                        "participants.largest",
                        format_args!(" must be between 1 and the {n} participants (got {k})"),
                    )
                    .with_value(*k),
                );
            }
            (0..n as AgentIdx).collect()
        }
        Participants::List(list) => {
            if list.is_empty() {
                p.push(problem(
                    j,
                    "participants",
                    " must name at least one participant",
                ));
            }
            let mut seen = std::collections::BTreeSet::new();
            let mut out = Vec::new();
            for (k, id) in list.iter().enumerate() {
                let field = format!("participants[{k}]");
                match index.get(id) {
                    None => p.push(
                        problem(j, &field, format_args!(" {id:?} is not a participant"))
                            .with_value(id.as_str()),
                    ),
                    Some(_) if !seen.insert(id.as_str()) => p.push(
                        problem(j, &field, format_args!(" {id:?} is listed twice"))
                            .with_value(id.as_str()),
                    ),
                    Some(&a) => out.push(a),
                }
            }
            out
        }
    }
}

/// The schedule's rules on each candidate's action, after the configuration's own actions
/// (resolved once: their windows are what a candidate's outage must not overlap). The first
/// candidate with problems reports them (the others would mostly repeat them).
fn check_timing(
    j: usize,
    s: &StressScenario,
    config: &SimulationConfig,
    index: &HashMap<String, AgentIdx>,
    candidates: &[AgentIdx],
    p: &mut Vec<Problem>,
) {
    let ctx = Context {
        config,
        index,
        now: 0,
        horizon: config.horizon(),
    };
    let mut scheduled = Windows::default();
    if resolve(&config.scenario_events, &ctx, &mut scheduled).is_err() {
        return; // impossible for a validated configuration
    }
    for &a in candidates {
        let id = &config.agent_configs[a as usize].id;
        let added = [event(s, id, 1)];
        if let Err(problems) = resolve(&added, &ctx, &mut scheduled.clone()) {
            p.extend(problems.into_iter().map(|q| repath(q, j)));
            return;
        }
    }
}

/// `scenario_events[0].field` (the one action checked) → `scenarios[j].field` (`agent` →
/// `participants`, `amount` → `percent`), in the path and at the start of the message.
fn repath(q: Problem, j: usize) -> Problem {
    let Some(field) = q.path.strip_prefix("scenario_events[0].") else {
        return q;
    };
    let field = match field {
        "agent" => "participants",
        "amount" => "percent",
        other => other,
    };
    let path = at(j, field);
    let message = match q.message.strip_prefix(&q.path) {
        Some(rest) => format!("{path}{rest}"),
        None => q.message.clone(),
    };
    Problem {
        path,
        message,
        value: q.value,
    }
}

/// The participants a scenario stresses, in report order. `sent` is each participant's
/// value sent in the benchmark run (for `largest`).
pub(crate) fn select(s: &StressScenario, ids: &[String], sent: &[i64]) -> Vec<AgentIdx> {
    match &s.participants {
        Participants::All => (0..ids.len() as AgentIdx).collect(),
        Participants::Largest(k) => {
            let mut order: Vec<AgentIdx> = (0..ids.len() as AgentIdx).collect();
            order.sort_by(|&a, &b| {
                sent[b as usize]
                    .cmp(&sent[a as usize])
                    .then_with(|| ids[a as usize].cmp(&ids[b as usize]))
            });
            order.truncate(*k as usize);
            order
        }
        Participants::List(list) => list
            .iter()
            .filter_map(|id| ids.iter().position(|x| x == id))
            .map(|i| i as AgentIdx)
            .collect(),
    }
}

/// The amount withdrawn: `percent` of the balance at the start of the tick, rounded down to
/// the cent; 0 when the balance is not positive.
pub(crate) fn withdrawal(balance: i64, percent: f64) -> i64 {
    if balance <= 0 {
        return 0;
    }
    ((balance as f64) * percent / 100.0)
        .floor()
        .min(balance as f64) as i64
}
