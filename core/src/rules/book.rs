//! The rules at run time, on dense agent indices: each payment's class, what each agent has
//! reserved, its limits and today's positions against them, and the counts of payments the
//! rules held. `Simulation::rules` is `None` when no rule is configured.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use super::config::{PaymentClass, RulesConfig};
use crate::transaction::AgentIdx;

/// What the rules say about settling one payment gross now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// It may settle.
    Settles,
    /// Its sender lacks the liquidity, reserved or not.
    Liquidity,
    /// Only reserved liquidity (kept for a higher class) would fund it.
    Reservation,
    /// It is a normal payment and would take its sender's position below a limit.
    Limit,
}

/// A limit and today's net position against it: what the agent received from the
/// counterparties it covers (every class) minus the normal payments it sent them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Position {
    pub limit: i64,
    pub position: i64,
}

impl Position {
    fn new(limit: i64) -> Self {
        Position { limit, position: 0 }
    }
    /// Whether a move of `delta` keeps the position at or above `-limit`.
    pub fn allows(&self, delta: i128) -> bool {
        self.position as i128 + delta >= -(self.limit as i128)
    }
}

/// One agent's limits.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Limits {
    /// By counterparty.
    pub bilateral: BTreeMap<AgentIdx, Position>,
    /// Toward every counterparty without a bilateral limit.
    pub multilateral: Option<Position>,
}

impl Limits {
    /// The limit a normal payment to `counterparty` is held to, if any, and whether it is
    /// bilateral.
    pub fn toward(&self, counterparty: AgentIdx) -> Option<(&Position, bool)> {
        match self.bilateral.get(&counterparty) {
            Some(p) => Some((p, true)),
            None => self.multilateral.as_ref().map(|p| (p, false)),
        }
    }
    fn toward_mut(&mut self, counterparty: AgentIdx) -> Option<&mut Position> {
        match self.bilateral.get_mut(&counterparty) {
            Some(p) => Some(p),
            None => self.multilateral.as_mut(),
        }
    }
}

/// The rules of one simulation.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RuleBook {
    highly_urgent_from: u8,
    urgent_from: u8,
    /// By class rank: whether offsetting may settle it.
    offset: [bool; 3],
    /// Per agent: reserved for highly urgent, for urgent.
    reserved: Vec<[i64; 2]>,
    /// Per agent: its limits, if it has any.
    limits: Vec<Option<Box<Limits>>>,
    /// Payments that did not settle at RTGS entry although the liquidity was there, because
    /// of a reservation (`held.0`) or a limit (`held.1`).
    pub held: (u64, u64),
    /// An offsetting attempt counted once its trimmed set settles something (transient: set
    /// and taken within one attempt, never in a snapshot).
    pub pending_offset: Option<bool>,
    /// Offsetting at entry is on.
    pub entry_offsetting: bool,
    /// The agents with collateral, in index order.
    pub collateral: Vec<super::collateral::Posted>,
    /// Queue 2 ignores the priority within a class (`classes.fifo_within_class`).
    fifo_within_class: bool,
}

impl RuleBook {
    /// The rules of a validated configuration; `None` when it configures none.
    pub fn new(rules: &RulesConfig, index: &HashMap<String, AgentIdx>) -> Option<Self> {
        if rules.is_empty() {
            return None;
        }
        let n = index.len();
        let classes = rules.classes.clone().unwrap_or_default();
        let mut offset = [true; 3];
        for c in &classes.not_offset {
            offset[c.rank()] = false;
        }
        let mut book = RuleBook {
            highly_urgent_from: classes.highly_urgent_from as u8,
            urgent_from: classes.urgent_from as u8,
            offset,
            reserved: vec![[0, 0]; n],
            limits: vec![None; n],
            held: (0, 0),
            pending_offset: None,
            collateral: Vec::new(),
            entry_offsetting: rules.entry_offsetting,
            fifo_within_class: classes.fifo_within_class,
        };
        for (id, r) in &rules.participants {
            let a = index[id.as_str()] as usize;
            if let Some(c) = &r.collateral {
                book.collateral.push(super::collateral::Posted {
                    agent: a as AgentIdx,
                    posted: c.posted,
                    haircut: c.haircut,
                    cost_ppm: c.cost_per_unit_per_tick,
                });
            }
            book.reserved[a] = [r.reservations.highly_urgent, r.reservations.urgent];
            if r.has_limits() {
                book.limits[a] = Some(Box::new(Limits {
                    bilateral: r
                        .bilateral_limits
                        .iter()
                        .map(|(other, &l)| (index[other.as_str()], Position::new(l)))
                        .collect(),
                    multilateral: r.multilateral_limit.map(Position::new),
                }));
            }
        }
        book.collateral.sort_by_key(|c| c.agent);
        Some(book)
    }

    /// The class of a payment of `priority`.
    pub fn class(&self, priority: u8) -> PaymentClass {
        if priority >= self.highly_urgent_from {
            PaymentClass::HighlyUrgent
        } else if priority >= self.urgent_from {
            PaymentClass::Urgent
        } else {
            PaymentClass::Normal
        }
    }

    /// The priority a payment of `priority` is queued with in Queue 2: its own, or with
    /// `fifo_within_class` the lowest of its class (so Queue 2 orders by class, then entry).
    pub fn queue_priority(&self, priority: u8) -> u8 {
        if !self.fifo_within_class {
            return priority;
        }
        match self.class(priority) {
            PaymentClass::HighlyUrgent => self.highly_urgent_from,
            PaymentClass::Urgent => self.urgent_from,
            PaymentClass::Normal => 0,
        }
    }

    /// The lowest priority of the urgent class (highly urgent included).
    pub fn urgent_from(&self) -> u8 {
        self.urgent_from.min(self.highly_urgent_from)
    }

    /// Whether offsetting may settle payments of `class`.
    pub fn may_offset(&self, class: PaymentClass) -> bool {
        self.offset[class.rank()]
    }

    /// What `agent` keeps from payments of `class`: the reservations of the classes above.
    pub fn reserved_above(&self, agent: AgentIdx, class: PaymentClass) -> i64 {
        let [hu, u] = self.reserved[agent as usize];
        match class {
            PaymentClass::HighlyUrgent => 0,
            PaymentClass::Urgent => hu,
            PaymentClass::Normal => hu + u,
        }
    }

    /// What `agent` reserves: for highly urgent, for urgent.
    pub fn reserved(&self, agent: AgentIdx) -> [i64; 2] {
        self.reserved[agent as usize]
    }

    /// Set what `agent` reserves for the class of `rank` (0 highly urgent, 1 urgent).
    pub fn set_reserved(&mut self, agent: AgentIdx, rank: u8, amount: i64) {
        self.reserved[agent as usize][usize::from(rank.min(1))] = amount;
    }

    /// Set `agent`'s bilateral limit toward `counterparty` (`None`: its multilateral limit),
    /// if it has that limit; the old limit. Today's position stays as it is.
    pub fn set_limit(
        &mut self,
        agent: AgentIdx,
        counterparty: Option<AgentIdx>,
        limit: i64,
    ) -> Option<i64> {
        let l = self.limits[agent as usize].as_deref_mut()?;
        let p = match counterparty {
            Some(c) => l.bilateral.get_mut(&c)?,
            None => l.multilateral.as_mut()?,
        };
        Some(std::mem::replace(&mut p.limit, limit))
    }

    /// The agent's limits, if any.
    pub fn limits(&self, agent: AgentIdx) -> Option<&Limits> {
        self.limits[agent as usize].as_deref()
    }

    /// The verdict on settling one payment gross, given its sender's available liquidity.
    pub fn gross(
        &self,
        sender: AgentIdx,
        receiver: AgentIdx,
        amount: i64,
        priority: u8,
        available: i64,
    ) -> Verdict {
        if amount > available {
            return Verdict::Liquidity;
        }
        let class = self.class(priority);
        if amount > available - self.reserved_above(sender, class) {
            return Verdict::Reservation;
        }
        if class == PaymentClass::Normal {
            if let Some((p, _)) = self.limits(sender).and_then(|l| l.toward(receiver)) {
                if !p.allows(-(amount as i128)) {
                    return Verdict::Limit;
                }
            }
        }
        Verdict::Settles
    }

    /// A payment settled: the receiver's position toward its sender rises; the sender's
    /// falls if it is a normal payment.
    pub fn settled(&mut self, sender: AgentIdx, receiver: AgentIdx, amount: i64, priority: u8) {
        if let Some(l) = self.limits[receiver as usize].as_deref_mut() {
            if let Some(p) = l.toward_mut(sender) {
                p.position += amount;
            }
        }
        if self.class(priority) == PaymentClass::Normal {
            if let Some(l) = self.limits[sender as usize].as_deref_mut() {
                if let Some(p) = l.toward_mut(receiver) {
                    p.position -= amount;
                }
            }
        }
    }

    /// The agents with limits (their positions restart each day).
    pub fn agents_with_limits(&self) -> impl Iterator<Item = AgentIdx> + '_ {
        (self.limits.iter().enumerate())
            .filter(|(_, l)| l.is_some())
            .map(|(a, _)| a as AgentIdx)
    }

    /// A new business day: every position restarts at zero.
    pub fn new_day(&mut self) {
        for l in self.limits.iter_mut().flatten() {
            for p in l.bilateral.values_mut() {
                p.position = 0;
            }
            if let Some(p) = &mut l.multilateral {
                p.position = 0;
            }
        }
    }

    /// Its figures for the statistics.
    pub fn statistics(
        &self,
        ids: &[String],
        peak_overdraft: impl Fn(AgentIdx) -> i64,
    ) -> super::RulesStatistics {
        super::RulesStatistics {
            held_by_reservation: self.held.0,
            held_by_limit: self.held.1,
            collateral: (self.collateral.iter())
                .map(|c| super::CollateralStatistics {
                    id: ids[c.agent as usize].clone(),
                    posted: c.posted,
                    credit_limit: c.credit(),
                    peak_credit_used: peak_overdraft(c.agent),
                })
                .collect(),
        }
    }

    /// The state a snapshot keeps: the counts, and the positions that are not zero.
    pub fn to_doc(&self, ids: &[String]) -> RulesState {
        let mut positions = BTreeMap::new();
        for (a, l) in self.limits.iter().enumerate() {
            let Some(l) = l else { continue };
            let doc = AgentPositions {
                bilateral: (l.bilateral.iter())
                    .filter(|(_, p)| p.position != 0)
                    .map(|(&b, p)| (ids[b as usize].clone(), p.position))
                    .collect(),
                multilateral: l.multilateral.map_or(0, |p| p.position),
            };
            if !doc.bilateral.is_empty() || doc.multilateral != 0 {
                positions.insert(ids[a].clone(), doc);
            }
        }
        RulesState {
            held_by_reservation: self.held.0,
            held_by_limit: self.held.1,
            positions,
            collateral: (self.collateral.iter())
                .map(|c| (ids[c.agent as usize].clone(), c.posted))
                .collect(),
        }
    }

    /// Install a snapshot's state; `Err((path, message))` names what does not fit the rules.
    pub fn restore(
        &mut self,
        doc: RulesState,
        index: &HashMap<String, AgentIdx>,
    ) -> Result<(), (String, String)> {
        self.held = (doc.held_by_reservation, doc.held_by_limit);
        for (id, posted) in doc.collateral {
            let c = (index.get(&id))
                .and_then(|&a| self.collateral.iter_mut().find(|c| c.agent == a))
                .ok_or_else(|| {
                    (
                        format!("rules.collateral.{id}"),
                        format!("{id:?} has no collateral"),
                    )
                })?;
            if posted < 0 {
                return Err((
                    format!("rules.collateral.{id}"),
                    format!("{posted} is negative"),
                ));
            }
            c.posted = posted;
        }
        for (id, pos) in doc.positions {
            let at = format!("rules.positions.{id}");
            let limits = index
                .get(&id)
                .and_then(|&a| self.limits[a as usize].as_deref_mut())
                .ok_or_else(|| (at.clone(), format!("{id:?} has no limits")))?;
            for (other, v) in pos.bilateral {
                let p = index
                    .get(&other)
                    .and_then(|b| limits.bilateral.get_mut(b))
                    .ok_or_else(|| {
                        (
                            format!("{at}.bilateral.{other}"),
                            format!("{id:?} has no bilateral limit toward {other:?}"),
                        )
                    })?;
                p.position = v;
            }
            if pos.multilateral != 0 {
                let p = limits.multilateral.as_mut().ok_or_else(|| {
                    (
                        format!("{at}.multilateral"),
                        format!("{id:?} has no multilateral limit"),
                    )
                })?;
                p.position = pos.multilateral;
            }
        }
        Ok(())
    }
}

/// The rules' state in a snapshot: this type *is* the format of `snapshot::v5` (`rules`); a
/// later change to it copies it into `v5.rs` first, so that version 5 keeps reading as written.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesState {
    /// Payments held at RTGS entry by a reservation.
    #[serde(default)]
    pub held_by_reservation: u64,
    /// Payments held at RTGS entry by a limit.
    #[serde(default)]
    pub held_by_limit: u64,
    /// Today's positions that are not zero, by agent id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub positions: BTreeMap<String, AgentPositions>,
    /// Collateral posted now, by agent id (the agents with collateral).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub collateral: BTreeMap<String, i64>,
}

/// One agent's positions against its limits (received minus normal payments sent, today).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentPositions {
    /// Toward each counterparty with a bilateral limit (those not zero).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub bilateral: BTreeMap<String, i64>,
    /// Toward the rest, against the multilateral limit.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub multilateral: i64,
}

fn is_zero(v: &i64) -> bool {
    *v == 0
}
