//! From the written action to an entry: every rule of `docs/model.md` § Scheduled actions,
//! each broken rule a [`Problem`] whose path is `scenario_events[i].field`. The same rules
//! check a scenario file's `scenario_events` (at tick 0) and a live `Simulation::schedule`
//! (at the current tick, against the windows already scheduled).

use std::collections::HashMap;

use super::action::{ActionType, Phase, ScenarioEvent};
use super::entry::{Effect, Entry, Target};
use super::rules::{payment, rate_change, targets, timing, weights, window_bounds};
use super::windows::{WindowKind, Windows};
use crate::config::SimulationConfig;
use crate::error::Problem;
use crate::transaction::AgentIdx;

/// What the rules look at: the agents, the clock, the windows already scheduled.
pub(crate) struct Context<'a> {
    pub config: &'a SimulationConfig,
    pub index: &'a HashMap<String, AgentIdx>,
    /// The current tick: nothing may be scheduled before it.
    pub now: u64,
    pub horizon: u64,
}

/// An entry ready to be inserted at `tick`.
pub(crate) struct Resolved {
    pub tick: u64,
    pub entry: Entry,
}

pub(super) fn path(i: usize, field: &str) -> String {
    format!("scenario_events[{i}].{field}")
}

/// A problem at `scenario_events[i].field` whose message starts with that path.
pub(super) fn problem(i: usize, field: &str, rest: impl std::fmt::Display) -> Problem {
    let p = path(i, field);
    Problem::new(p.clone(), format!("{p}{rest}"))
}

/// The fields each type takes besides `type`, and which of them it requires.
fn fields(kind: ActionType) -> (&'static [&'static str], &'static [&'static str]) {
    const POINT: [&str; 4] = ["tick", "every_day_at", "every", "until"];
    match kind {
        ActionType::Outage => (
            &["agent", "from_tick", "to_tick", "block_receiving"],
            &["agent", "from_tick", "to_tick"],
        ),
        ActionType::ArrivalRate => (
            &["agent", "from_tick", "to_tick", "multiplier", "rate"],
            &["agent", "from_tick", "to_tick"],
        ),
        ActionType::Liquidity => (
            &["agent", "amount", POINT[0], POINT[1], POINT[2], POINT[3]],
            &["agent", "amount"],
        ),
        ActionType::Collateral => (
            &["agent", "amount", POINT[0], POINT[1], POINT[2], POINT[3]],
            &["agent", "amount"],
        ),
        ActionType::CreditLimit => (
            &[
                "agent",
                "credit_limit",
                POINT[0],
                POINT[1],
                POINT[2],
                POINT[3],
            ],
            &["agent", "credit_limit"],
        ),
        ActionType::CounterpartyWeights => (
            &["agent", "weights", POINT[0], POINT[1], POINT[2], POINT[3]],
            &["agent", "weights"],
        ),
        ActionType::Lsm => (
            &[
                "bilateral",
                "multilateral",
                "algorithm",
                POINT[0],
                POINT[1],
                POINT[2],
                POINT[3],
            ],
            &[],
        ),
        ActionType::Payment => (
            &[
                "sender",
                "receiver",
                "amount",
                "deadline_offset",
                "priority",
                "from_offset",
                POINT[0],
                POINT[1],
                POINT[2],
                POINT[3],
            ],
            &["sender", "receiver", "amount"],
        ),
        ActionType::BalanceReset => (
            &["agent", POINT[0], POINT[1], POINT[2], POINT[3]],
            &["agent"],
        ),
        ActionType::Reservation => (
            &[
                "agent", "class", "amount", POINT[0], POINT[1], POINT[2], POINT[3],
            ],
            &["agent", "class", "amount"],
        ),
        ActionType::Limit => (
            &[
                "agent",
                "counterparty",
                "amount",
                POINT[0],
                POINT[1],
                POINT[2],
                POINT[3],
            ],
            &["agent", "amount"],
        ),
    }
}

/// The names of the fields present in `e`.
fn present(e: &ScenarioEvent) -> Vec<&'static str> {
    let mut out = Vec::new();
    let mut has = |name: &'static str, yes: bool| {
        if yes {
            out.push(name)
        }
    };
    has("agent", e.agent.is_some());
    has("tick", e.tick.is_some());
    has("from_tick", e.from_tick.is_some());
    has("to_tick", e.to_tick.is_some());
    has("block_receiving", e.block_receiving.is_some());
    has("amount", e.amount.is_some());
    has("credit_limit", e.credit_limit.is_some());
    has("multiplier", e.multiplier.is_some());
    has("rate", e.rate.is_some());
    has("weights", e.weights.is_some());
    has("bilateral", e.bilateral.is_some());
    has("multilateral", e.multilateral.is_some());
    has("sender", e.sender.is_some());
    has("receiver", e.receiver.is_some());
    has("deadline_offset", e.deadline_offset.is_some());
    has("priority", e.priority.is_some());
    has("from_offset", e.from_offset.is_some());
    has("every_day_at", e.every_day_at.is_some());
    has("every", e.every.is_some());
    has("until", e.until.is_some());
    has("algorithm", e.algorithm.is_some());
    has("class", e.class.is_some());
    has("counterparty", e.counterparty.is_some());
    out
}

/// Check every action of `events` (appended in order) against `ctx` and the windows already
/// scheduled; all problems, or the entries (windows updated with the new ones).
pub(crate) fn resolve(
    events: &[ScenarioEvent],
    ctx: &Context,
    windows: &mut Windows,
) -> Result<Vec<Resolved>, Vec<Problem>> {
    let mut problems = Vec::new();
    let mut out = Vec::with_capacity(events.len());
    for (i, e) in events.iter().enumerate() {
        // Each action's rules look at its own problems only.
        let mut own = Vec::new();
        match resolve_one(i, e, ctx, windows, &mut own) {
            Some(r) if own.is_empty() => out.push(r),
            _ => problems.append(&mut own),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

fn resolve_one(
    i: usize,
    e: &ScenarioEvent,
    ctx: &Context,
    windows: &mut Windows,
    p: &mut Vec<Problem>,
) -> Option<Resolved> {
    let kind = e.kind;
    let (allowed, required) = fields(kind);
    let here = present(e);
    for f in &here {
        if !allowed.contains(f) {
            p.push(problem(
                i,
                f,
                format_args!(" is not a field of a {} action", kind.name()),
            ));
        }
    }
    for f in required {
        if !here.contains(f) {
            p.push(problem(
                i,
                f,
                format_args!(" is required for a {} action", kind.name()),
            ));
        }
    }
    if !p.is_empty() {
        return None;
    }
    let agent = |field: &str, id: &Option<String>, p: &mut Vec<Problem>| -> Option<AgentIdx> {
        let id = id.as_deref()?;
        match ctx.index.get(id) {
            Some(&a) => Some(a),
            None => {
                p.push(problem(i, field, format_args!(" {id:?} is not an agent")).with_value(id));
                None
            }
        }
    };
    let with_arrivals = |a: AgentIdx, p: &mut Vec<Problem>| -> bool {
        let has = ctx.config.agent_configs[a as usize]
            .arrival_config
            .is_some();
        if !has {
            p.push(problem(
                i,
                "agent",
                format_args!(
                    " {:?} has no arrivals to change",
                    ctx.config.agent_configs[a as usize].id
                ),
            ));
        }
        has
    };
    if kind.is_window() {
        let (from, to) = (e.from_tick?, e.to_tick?);
        window_bounds(i, from, to, ctx, p);
        let effect = match kind {
            ActionType::Outage => Effect::Outage {
                agent: agent("agent", &e.agent, p)?,
                block_receiving: e.block_receiving.unwrap_or(false),
            },
            _ => {
                let target = if e.agent.as_deref() == Some("all") && !ctx.index.contains_key("all")
                {
                    Target::All
                } else {
                    let a = agent("agent", &e.agent, p)?;
                    if !with_arrivals(a, p) {
                        return None;
                    }
                    Target::One(a)
                };
                Effect::ArrivalRate {
                    target,
                    change: rate_change(i, e, ctx, target, p)?,
                }
            }
        };
        if !p.is_empty() {
            return None;
        }
        let (wkind, agents): (WindowKind, Vec<AgentIdx>) = match &effect {
            Effect::Outage { agent, .. } => (WindowKind::Outage, vec![*agent]),
            Effect::ArrivalRate { target, .. } => (WindowKind::ArrivalRate, targets(ctx, *target)),
            _ => unreachable!("window actions are outages and rate changes"),
        };
        for a in agents {
            if let Some((f, t)) = windows.overlap(wkind, a, from, to) {
                p.push(problem(
                    i,
                    "from_tick",
                    format_args!(
                        " window [{from}, {to}) of {:?} overlaps its {} window [{f}, {t})",
                        ctx.config.agent_configs[a as usize].id,
                        kind.name()
                    ),
                ));
                return None;
            }
            windows.insert(wkind, a, from, to);
        }
        return Some(Resolved {
            tick: from,
            entry: Entry {
                effect,
                phase: Phase::Start,
                window: Some((from, to)),
                repeat: None,
                tag: None,
            },
        });
    }
    // Every problem of the action is reported, not only its timing's.
    let timing = timing(i, e, ctx, p);
    let effect = match kind {
        ActionType::Liquidity => {
            let a = agent("agent", &e.agent, p);
            let amount = e.amount?;
            if amount == 0 {
                p.push(problem(i, "amount", " must not be 0").with_value(amount));
            }
            Effect::Liquidity { agent: a?, amount }
        }
        ActionType::CreditLimit => {
            let a = agent("agent", &e.agent, p);
            let limit = e.credit_limit?;
            if limit < 0 {
                p.push(
                    problem(
                        i,
                        "credit_limit",
                        format_args!(" must be ≥ 0 (got {limit})"),
                    )
                    .with_value(limit),
                );
            }
            let a = a?;
            if has_collateral(ctx, a) {
                p.push(problem(
                    i,
                    "agent",
                    format_args!(
                        ": {:?} has collateral (rules.participants): its credit line follows it; schedule collateral actions instead",
                        ctx.config.agent_configs[a as usize].id
                    ),
                ));
            }
            Effect::CreditLimit { agent: a, limit }
        }
        ActionType::Collateral => {
            let a = agent("agent", &e.agent, p);
            let amount = e.amount?;
            if amount == 0 {
                p.push(problem(i, "amount", " must not be 0").with_value(amount));
            }
            let a = a?;
            if !has_collateral(ctx, a) {
                p.push(problem(
                    i,
                    "agent",
                    format_args!(
                        ": {:?} has no collateral (rules.participants.<id>.collateral)",
                        ctx.config.agent_configs[a as usize].id
                    ),
                ));
            }
            Effect::Collateral { agent: a, amount }
        }
        ActionType::CounterpartyWeights => {
            let a = agent("agent", &e.agent, p)?;
            if !with_arrivals(a, p) {
                return None;
            }
            Effect::Weights {
                agent: a,
                weights: weights(i, a, e.weights.as_ref()?, ctx, p)?,
            }
        }
        ActionType::Lsm => {
            if e.bilateral.is_none() && e.multilateral.is_none() && e.algorithm.is_none() {
                p.push(problem(
                    i,
                    "bilateral",
                    ", multilateral or algorithm is required for an lsm action",
                ));
            }
            Effect::Lsm {
                bilateral: e.bilateral,
                multilateral: e.multilateral,
                algorithm: e.algorithm,
            }
        }
        ActionType::Payment => payment(i, e, ctx, p)?,
        ActionType::BalanceReset => Effect::BalanceReset {
            target: if e.agent.as_deref() == Some("all") && !ctx.index.contains_key("all") {
                Target::All
            } else {
                Target::One(agent("agent", &e.agent, p)?)
            },
        },
        ActionType::Reservation => {
            super::rules::reservation(i, e, ctx, agent("agent", &e.agent, p), p)?
        }
        ActionType::Limit => {
            let a = agent("agent", &e.agent, p);
            let c = agent("counterparty", &e.counterparty, p);
            super::rules::limit(i, e, ctx, a?, c, p)?
        }
        ActionType::Outage | ActionType::ArrivalRate => unreachable!("handled above"),
    };
    let (tick, repeat) = timing?;
    if !p.is_empty() {
        return None;
    }
    Some(Resolved {
        tick,
        entry: Entry {
            effect,
            phase: Phase::Apply,
            window: None,
            repeat,
            tag: None,
        },
    })
}

/// Whether agent `a` holds collateral (`rules.participants.<id>.collateral`).
fn has_collateral(ctx: &Context, a: AgentIdx) -> bool {
    let id = &ctx.config.agent_configs[a as usize].id;
    (ctx.config.rules.participants.get(id)).is_some_and(|r| r.collateral.is_some())
}
