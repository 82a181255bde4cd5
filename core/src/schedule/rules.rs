//! The value rules of scheduled actions: timing and repetition, windows, rates, weights and
//! payments (`resolve` applies them; each problem's path is `scenario_events[i].field`).

use std::collections::BTreeMap;

use super::action::ScenarioEvent;
use super::entry::{Effect, RateChange, Repeat, Target, Weights};
use super::resolve::{problem, Context};
use crate::config::{DEFAULT_DEADLINE_OFFSET, DEFAULT_PRIORITY, MAX_PRIORITY, MAX_RATE_PER_TICK};
use crate::error::Problem;
use crate::rules::PaymentClass;
use crate::transaction::AgentIdx;

pub(super) fn targets(ctx: &Context, target: Target) -> Vec<AgentIdx> {
    match target {
        Target::One(a) => vec![a],
        Target::All => (0..ctx.config.agent_configs.len())
            .filter(|&a| ctx.config.agent_configs[a].arrival_config.is_some())
            .map(|a| a as AgentIdx)
            .collect(),
    }
}

pub(super) fn window_bounds(i: usize, from: u64, to: u64, ctx: &Context, p: &mut Vec<Problem>) {
    if from < ctx.now {
        p.push(
            problem(
                i,
                "from_tick",
                format_args!(
                    " {from} is in the past (the simulation is at tick {})",
                    ctx.now
                ),
            )
            .with_value(from),
        );
    }
    if to <= from {
        p.push(
            problem(
                i,
                "to_tick",
                format_args!(" {to} is not after from_tick {from}"),
            )
            .with_value(to),
        );
    } else if to > ctx.horizon {
        p.push(
            problem(
                i,
                "to_tick",
                format_args!(" {to} is beyond the horizon ({} ticks)", ctx.horizon),
            )
            .with_value(to),
        );
    }
}

/// The first tick and the repetition of a one-off action.
pub(super) fn timing(
    i: usize,
    e: &ScenarioEvent,
    ctx: &Context,
    p: &mut Vec<Problem>,
) -> Option<(u64, Option<Repeat>)> {
    let tpd = ctx.config.ticks_per_day.max(1) as u64;
    let first = match (e.tick, e.every_day_at, e.every) {
        (None, None, _) => {
            p.push(problem(i, "tick", " is required (or every_day_at)"));
            return None;
        }
        (Some(_), Some(_), _) => {
            p.push(problem(i, "every_day_at", " and tick exclude each other"));
            return None;
        }
        (None, Some(_), Some(_)) => {
            p.push(problem(i, "every", " and every_day_at exclude each other"));
            return None;
        }
        (None, Some(at), None) => {
            if at >= tpd {
                p.push(
                    problem(
                        i,
                        "every_day_at",
                        format_args!(" {at} is not a tick of the day (0 to {})", tpd - 1),
                    )
                    .with_value(at),
                );
                return None;
            }
            // Tick `at` of the first day on which it is not in the past.
            let today = (ctx.now / tpd).saturating_mul(tpd).saturating_add(at);
            if today >= ctx.now {
                today
            } else {
                today.saturating_add(tpd)
            }
        }
        (Some(t), None, _) => {
            if t < ctx.now {
                p.push(
                    problem(
                        i,
                        "tick",
                        format_args!(
                            " {t} is in the past (the simulation is at tick {})",
                            ctx.now
                        ),
                    )
                    .with_value(t),
                );
                return None;
            }
            t
        }
    };
    if e.every_day_at.is_none() && first >= ctx.horizon {
        p.push(
            problem(
                i,
                "tick",
                format_args!(
                    " {first} is beyond the horizon (ticks 0 to {})",
                    ctx.horizon.saturating_sub(1)
                ),
            )
            .with_value(first),
        );
        return None;
    }
    let every = match (e.every, e.every_day_at) {
        (Some(0), _) => {
            p.push(problem(i, "every", " must be ≥ 1 tick").with_value(0));
            return None;
        }
        (Some(k), _) => Some((k, false)),
        (None, Some(_)) => Some((tpd, true)),
        (None, None) => None,
    };
    if let Some(until) = e.until {
        if every.is_none() {
            p.push(problem(
                i,
                "until",
                " applies to a repeating action (every or every_day_at)",
            ));
            return None;
        }
        if until < first {
            p.push(
                problem(
                    i,
                    "until",
                    format_args!(" {until} is before the first occurrence, tick {first}"),
                )
                .with_value(until),
            );
            return None;
        }
    }
    if e.every_day_at.is_some() && first >= ctx.horizon {
        p.push(problem(
            i,
            "every_day_at",
            " has no occurrence left before the horizon",
        ));
        return None;
    }
    Some((
        first,
        every.map(|(every, daily)| Repeat {
            every,
            daily,
            first,
            until: e.until,
        }),
    ))
}

pub(super) fn rate_change(
    i: usize,
    e: &ScenarioEvent,
    ctx: &Context,
    target: Target,
    p: &mut Vec<Problem>,
) -> Option<RateChange> {
    let (field, value, change) = match (e.multiplier, e.rate) {
        (Some(m), None) => ("multiplier", m, RateChange::Multiplier(m)),
        (None, Some(r)) => ("rate", r, RateChange::Rate(r)),
        _ => {
            p.push(problem(i, "multiplier", " or rate is required, not both"));
            return None;
        }
    };
    if !value.is_finite() || value < 0.0 {
        p.push(
            problem(
                i,
                field,
                format_args!(" must be a finite number ≥ 0 (got {value})"),
            )
            .with_float(value),
        );
        return None;
    }
    for a in targets(ctx, target) {
        let base = ctx.config.agent_configs[a as usize]
            .arrival_config
            .as_ref()
            .map_or(0.0, |ac| ac.rate_per_tick);
        let rate = effective_rate(base, change);
        if rate.is_nan() || rate > MAX_RATE_PER_TICK {
            p.push(problem(
                i,
                field,
                format_args!(
                    " gives {:?} a rate of {rate} per tick, above the largest, {MAX_RATE_PER_TICK}",
                    ctx.config.agent_configs[a as usize].id
                ),
            ));
            return None;
        }
    }
    Some(change)
}

/// The rate a change gives an agent whose configured rate is `base`.
pub(crate) fn effective_rate(base: f64, change: RateChange) -> f64 {
    match change {
        RateChange::Multiplier(m) => base * m,
        RateChange::Rate(r) => r,
    }
}

pub(super) fn weights(
    i: usize,
    agent: AgentIdx,
    w: &BTreeMap<String, f64>,
    ctx: &Context,
    p: &mut Vec<Problem>,
) -> Option<Weights> {
    let mut out = Vec::with_capacity(w.len());
    let mut total = 0.0;
    for (id, &weight) in w {
        let field = format!("weights.{id}");
        match ctx.index.get(id.as_str()) {
            None => p.push(problem(i, &field, " is not an agent")),
            Some(&r) if r == agent => p.push(problem(i, &field, " is the sending agent itself")),
            Some(&r) => {
                if !weight.is_finite() || weight < 0.0 {
                    p.push(
                        problem(
                            i,
                            &field,
                            format_args!(" must be a finite number ≥ 0 (got {weight})"),
                        )
                        .with_float(weight),
                    );
                } else {
                    total += weight;
                    out.push((r, weight));
                }
            }
        }
    }
    if p.is_empty() && !(total > 0.0 && total.is_finite()) {
        p.push(problem(i, "weights", " must have a positive, finite sum"));
    }
    out.sort_by_key(|r| r.0);
    p.is_empty().then(|| out.into_boxed_slice())
}

pub(super) fn payment(
    i: usize,
    e: &ScenarioEvent,
    ctx: &Context,
    p: &mut Vec<Problem>,
) -> Option<Effect> {
    let agent = |field: &str, id: &str, p: &mut Vec<Problem>| match ctx.index.get(id) {
        Some(&a) => Some(a),
        None => {
            p.push(problem(i, field, format_args!(" {id:?} is not an agent")).with_value(id));
            None
        }
    };
    let sender = agent("sender", e.sender.as_deref()?, p);
    let receiver = agent("receiver", e.receiver.as_deref()?, p);
    let amount = e.amount?;
    if amount <= 0 {
        p.push(
            problem(
                i,
                "amount",
                format_args!(" must be positive (got {amount})"),
            )
            .with_value(amount),
        );
    }
    let offset = e.deadline_offset.unwrap_or(DEFAULT_DEADLINE_OFFSET);
    if offset < 1 {
        p.push(
            problem(
                i,
                "deadline_offset",
                format_args!(" must be ≥ 1 tick (got {offset})"),
            )
            .with_value(offset),
        );
    }
    let priority = e.priority.unwrap_or(DEFAULT_PRIORITY);
    if !(0..=MAX_PRIORITY).contains(&priority) {
        p.push(
            problem(
                i,
                "priority",
                format_args!(" must be between 0 and {MAX_PRIORITY} (got {priority})"),
            )
            .with_value(priority),
        );
    }
    // Timed payments (`crate::rules::timed`): the from-time is not after the till-time.
    let from = e.from_offset.unwrap_or(0);
    if from < 0 || from > offset.max(1) {
        p.push(
            problem(
                i,
                "from_offset",
                format_args!(
                    " must be between 0 and deadline_offset ({offset}): a from-time after the till-time (got {from})"
                ),
            )
            .with_value(from),
        );
    }
    let (sender, receiver) = (sender?, receiver?);
    if sender == receiver {
        p.push(problem(i, "receiver", " must differ from sender"));
    }
    Some(Effect::Payment {
        sender,
        receiver,
        amount,
        deadline_offset: offset.max(1) as u64,
        priority: priority.clamp(0, MAX_PRIORITY) as u8,
        from_offset: from.clamp(0, offset.max(1)) as u64,
    })
}

/// A `reservation` action: a known agent of a simulation with a `rules` section, a class above
/// normal, an amount ≥ 0. Whether the agent has the liquidity is not asked: a reservation
/// above it applies as is (`docs/model.md` § Scheduled reservations).
pub(super) fn reservation(
    i: usize,
    e: &ScenarioEvent,
    ctx: &Context,
    agent: Option<AgentIdx>,
    p: &mut Vec<Problem>,
) -> Option<Effect> {
    let amount = e.amount?;
    if amount < 0 {
        p.push(
            problem(i, "amount", format_args!(" must be ≥ 0 (got {amount})")).with_value(amount),
        );
    }
    let rank = match e.class? {
        PaymentClass::HighlyUrgent => 0,
        PaymentClass::Urgent => 1,
        PaymentClass::Normal => {
            p.push(
                problem(
                    i,
                    "class",
                    " normal has no reservation (highly_urgent or urgent)",
                )
                .with_value("normal"),
            );
            return None;
        }
    };
    if ctx.config.rules.is_empty() {
        p.push(problem(
            i,
            "type",
            " reservation needs the rules of real RTGS systems (a `rules` section)",
        ));
    }
    Some(Effect::Reservation {
        agent: agent?,
        rank,
        amount,
    })
}

/// A `limit` action: it changes a limit the configuration gives the agent (a bilateral one
/// toward `counterparty`, else its multilateral one) to an amount ≥ 0. Whether today's
/// position is within the new limit is not asked: a limit below it applies as is.
pub(super) fn limit(
    i: usize,
    e: &ScenarioEvent,
    ctx: &Context,
    agent: AgentIdx,
    counterparty: Option<AgentIdx>,
    p: &mut Vec<Problem>,
) -> Option<Effect> {
    let amount = e.amount?;
    if amount < 0 {
        p.push(
            problem(i, "amount", format_args!(" must be ≥ 0 (got {amount})")).with_value(amount),
        );
    }
    let id = &ctx.config.agent_configs[agent as usize].id;
    let rules = ctx.config.rules.participants.get(id);
    match (&e.counterparty, counterparty) {
        (Some(_), None) => return None, // not an agent: reported
        (Some(other), Some(_)) => {
            if !rules.is_some_and(|r| r.bilateral_limits.contains_key(other)) {
                p.push(problem(
                    i,
                    "counterparty",
                    format_args!(
                        ": {id:?} has no bilateral limit toward {other:?} to change (rules.participants.{id}.bilateral_limits)"
                    ),
                ));
            }
        }
        (None, _) => {
            if rules.is_none_or(|r| r.multilateral_limit.is_none()) {
                p.push(problem(
                    i,
                    "agent",
                    format_args!(
                        ": {id:?} has no multilateral limit to change (rules.participants.{id}.multilateral_limit)"
                    ),
                ));
            }
        }
    }
    Some(Effect::Limit {
        agent,
        counterparty,
        amount,
    })
}
