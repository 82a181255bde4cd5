//! The schedule's entries as the engine holds them: agents as dense indices, each action
//! reduced to its effect, and the way back to the written form for listings and snapshots.

use std::collections::BTreeMap;

use super::action::{ActionType, Phase, ScenarioEvent};
use crate::config::LsmAlgorithm;
use crate::rules::PaymentClass;
use crate::transaction::AgentIdx;

/// Receiver weights, in the receivers' configuration order.
pub(crate) type Weights = Box<[(AgentIdx, f64)]>;

/// Whom an arrival-rate change applies to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Target {
    One(AgentIdx),
    /// Every agent with arrivals (an arrival-rate change), every agent (a balance reset).
    All,
}

/// How an arrival-rate change sets the rate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum RateChange {
    Multiplier(f64),
    Rate(f64),
}

/// What an entry does when it applies.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Effect {
    Outage {
        agent: AgentIdx,
        block_receiving: bool,
    },
    Liquidity {
        agent: AgentIdx,
        amount: i64,
    },
    CreditLimit {
        agent: AgentIdx,
        limit: i64,
    },
    Collateral {
        agent: AgentIdx,
        amount: i64,
    },
    ArrivalRate {
        target: Target,
        change: RateChange,
    },
    Weights {
        agent: AgentIdx,
        weights: Weights,
    },
    Lsm {
        bilateral: Option<bool>,
        multilateral: Option<bool>,
        algorithm: Option<LsmAlgorithm>,
    },
    Payment {
        sender: AgentIdx,
        receiver: AgentIdx,
        amount: i64,
        deadline_offset: u64,
        priority: u8,
        /// Ticks to its from-time (0: none).
        from_offset: u64,
    },
    BalanceReset {
        target: Target,
    },
    /// `agent`'s reservation for the class of rank `rank` (0 highly urgent, 1 urgent).
    Reservation {
        agent: AgentIdx,
        rank: u8,
        amount: i64,
    },
    /// `agent`'s bilateral limit toward `counterparty` (`None`: its multilateral limit).
    Limit {
        agent: AgentIdx,
        counterparty: Option<AgentIdx>,
        amount: i64,
    },
}

/// How a one-off action repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Repeat {
    /// Ticks between occurrences (`ticks_per_day` for `every_day_at`).
    pub every: u64,
    /// Written as `every_day_at` (else `every` from `tick`).
    pub daily: bool,
    /// The first occurrence.
    pub first: u64,
    /// No occurrence after this tick.
    pub until: Option<u64>,
}

impl Repeat {
    /// The occurrence after `tick`, if there is one before `horizon` (and `until`).
    pub fn next(&self, tick: u64, horizon: u64) -> Option<u64> {
        let next = tick.checked_add(self.every)?;
        (next < horizon && self.until.is_none_or(|u| next <= u)).then_some(next)
    }
}

/// One pending entry (keyed by `(tick, seq)` in the schedule).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Entry {
    pub effect: Effect,
    pub phase: Phase,
    /// `[from_tick, to_tick)` of a window action.
    pub window: Option<(u64, u64)>,
    pub repeat: Option<Repeat>,
    /// An imported payment's handle (`crate::import`): when the order is created, the pair
    /// (transaction, tag) is tapped so per-payment results can name the user's id. Not part
    /// of the written form.
    pub tag: Option<u64>,
}

impl Entry {
    /// The action as written (agent names from `ids`), for listings and snapshots.
    pub fn written(&self, ids: &[String], ticks_per_day: u64, tick: u64) -> ScenarioEvent {
        let name = |a: &AgentIdx| Some(ids[*a as usize].clone());
        let mut e = match &self.effect {
            Effect::Outage {
                agent,
                block_receiving,
            } => ScenarioEvent {
                agent: name(agent),
                block_receiving: block_receiving.then_some(true),
                ..ScenarioEvent::new(ActionType::Outage)
            },
            Effect::Liquidity { agent, amount } => ScenarioEvent {
                agent: name(agent),
                amount: Some(*amount),
                ..ScenarioEvent::new(ActionType::Liquidity)
            },
            Effect::CreditLimit { agent, limit } => ScenarioEvent {
                agent: name(agent),
                credit_limit: Some(*limit),
                ..ScenarioEvent::new(ActionType::CreditLimit)
            },
            Effect::Collateral { agent, amount } => ScenarioEvent {
                agent: name(agent),
                amount: Some(*amount),
                ..ScenarioEvent::new(ActionType::Collateral)
            },
            Effect::ArrivalRate { target, change } => {
                let agent = match target {
                    Target::One(a) => name(a),
                    Target::All => Some("all".into()),
                };
                let (multiplier, rate) = match change {
                    RateChange::Multiplier(m) => (Some(*m), None),
                    RateChange::Rate(r) => (None, Some(*r)),
                };
                ScenarioEvent {
                    agent,
                    multiplier,
                    rate,
                    ..ScenarioEvent::new(ActionType::ArrivalRate)
                }
            }
            Effect::Weights { agent, weights } => ScenarioEvent {
                agent: name(agent),
                weights: Some(
                    weights
                        .iter()
                        .map(|(r, w)| (ids[*r as usize].clone(), *w))
                        .collect::<BTreeMap<_, _>>(),
                ),
                ..ScenarioEvent::new(ActionType::CounterpartyWeights)
            },
            Effect::Lsm {
                bilateral,
                multilateral,
                algorithm,
            } => ScenarioEvent {
                bilateral: *bilateral,
                multilateral: *multilateral,
                algorithm: *algorithm,
                ..ScenarioEvent::new(ActionType::Lsm)
            },
            Effect::Payment {
                sender,
                receiver,
                amount,
                deadline_offset,
                priority,
                from_offset,
            } => ScenarioEvent {
                sender: name(sender),
                receiver: name(receiver),
                amount: Some(*amount),
                deadline_offset: Some(*deadline_offset as i64),
                priority: Some(i64::from(*priority)),
                from_offset: (*from_offset > 0).then_some(*from_offset as i64),
                ..ScenarioEvent::new(ActionType::Payment)
            },
            Effect::BalanceReset { target } => ScenarioEvent {
                agent: match target {
                    Target::One(a) => name(a),
                    Target::All => Some("all".into()),
                },
                ..ScenarioEvent::new(ActionType::BalanceReset)
            },
            Effect::Reservation {
                agent,
                rank,
                amount,
            } => ScenarioEvent {
                agent: name(agent),
                class: Some(if *rank == 0 {
                    PaymentClass::HighlyUrgent
                } else {
                    PaymentClass::Urgent
                }),
                amount: Some(*amount),
                ..ScenarioEvent::new(ActionType::Reservation)
            },
            Effect::Limit {
                agent,
                counterparty,
                amount,
            } => ScenarioEvent {
                agent: name(agent),
                counterparty: counterparty.as_ref().and_then(name),
                amount: Some(*amount),
                ..ScenarioEvent::new(ActionType::Limit)
            },
        };
        match (self.window, self.repeat) {
            (Some((from, to)), _) => {
                e.from_tick = Some(from);
                e.to_tick = Some(to);
            }
            (None, Some(r)) if r.daily => {
                e.every_day_at = Some(r.first % ticks_per_day.max(1));
                e.until = r.until;
            }
            (None, Some(r)) => {
                e.tick = Some(r.first);
                e.every = Some(r.every);
                e.until = r.until;
            }
            (None, None) => e.tick = Some(tick),
        }
        e
    }
}
