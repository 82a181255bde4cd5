//! `exact`: branch and bound for the largest fundable set, within a work budget.
//!
//! Why our own solver rather than an integer-programming crate: amounts go up to 2^63 cents
//! and a fundability constraint must hold exactly, which floating-point LP relaxations (all
//! the pure-Rust MILP crates, `microlp`/`good_lp` backends) only promise within a tolerance;
//! the budget must be counted in deterministic work units, never in time; and the problem's
//! structure gives a cheap integer bound. The search is small enough to read and prove.
//!
//! Payments are decided one at a time, largest first (ties in retry order), "settle" before
//! "leave out". At every node, for each agent `a`:
//!
//! - *feasibility*: `out_sel(a) − in_sel(a) − in_open(a) ≤ avail(a)` — even receiving every
//!   undecided payment, `a` must be able to fund what is already chosen (checked for the two
//!   agents a decision touches; at a leaf nothing is undecided, so it is exact);
//! - *bound*: the undecided payments `a` can still send are worth at most
//!   `min(out_open(a), avail(a) + in_sel(a) + in_open(a) − out_sel(a))`; the sum of these over
//!   the agents, plus the value chosen, bounds every completion. A node whose bound does not
//!   beat the best set known is cut.
//!
//! The search starts with the heuristic's set as the best known, so what it returns is never
//! worth less; it stops after `budget` nodes, and then says it did not prove optimality.

use super::instance::Instance;

/// Work units (search nodes) one offsetting attempt may spend in the exact solver, unless
/// `lsm.exact_node_budget` says otherwise.
pub const EXACT_NODE_BUDGET: u64 = 20_000;

/// The largest independent part (in payments) the solver searches, unless `lsm.exact_max_part`
/// says otherwise. A larger part could not be proved optimal within the budget anyway (each
/// descent alone costs a node per payment): its starting set stands, and the attempt counts as
/// one whose budget ran out. `greedy_exact` searches only while all of Queue 2 is this small.
pub const EXACT_MAX_PART: usize = 200;

/// The largest `lsm.exact_node_budget` (a larger budget could make one attempt take seconds).
pub const EXACT_NODE_BUDGET_MAX: u64 = 10_000_000;

/// The bounds of `lsm.exact_node_budget`.
pub const EXACT_NODE_BUDGET_RANGE: std::ops::RangeInclusive<u64> = 1..=EXACT_NODE_BUDGET_MAX;

/// The largest `lsm.exact_max_part` (the search keeps a few words per payment and agent of the
/// part; `greedy_exact` detaches all of Queue 2 below this size at every round).
pub const EXACT_MAX_PART_MAX: u64 = 10_000;

/// The bounds of `lsm.exact_max_part`.
pub const EXACT_MAX_PART_RANGE: std::ops::RangeInclusive<u64> = 1..=EXACT_MAX_PART_MAX;

/// How much work the exact search may do in one offsetting attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SolverLimits {
    /// Search nodes per attempt (all parts together).
    pub node_budget: u64,
    /// The largest part, in payments, that is searched.
    pub max_part: usize,
}

impl Default for SolverLimits {
    fn default() -> Self {
        SolverLimits {
            node_budget: EXACT_NODE_BUDGET,
            max_part: EXACT_MAX_PART,
        }
    }
}

impl SolverLimits {
    /// The limits a configuration sets (the defaults above where it sets none).
    pub fn of(lsm: &crate::config::LsmConfig) -> Self {
        SolverLimits {
            node_budget: lsm.exact_node_budget.unwrap_or(EXACT_NODE_BUDGET),
            max_part: lsm
                .exact_max_part
                .map_or(EXACT_MAX_PART, |m| usize::try_from(m).unwrap_or(usize::MAX)),
        }
    }
}

/// What the search keeps of one agent.
#[derive(Clone, Copy)]
struct Agent {
    /// `avail + in_sel + in_open − out_sel`: what it could still send if it received every
    /// undecided payment. The feasibility condition is `room ≥ 0`.
    room: i128,
    /// The weighted value of its undecided outgoing payments.
    open_w: i128,
    /// The largest weight per unit of amount of its outgoing payments.
    rho: i128,
    /// Its bound term as last computed (`bound` is their sum).
    term: i128,
}

impl Agent {
    /// What the undecided payments it can still send are worth at most: no more than they
    /// are worth, nor than its room at its largest weight per unit of amount.
    #[inline]
    fn bound(&self) -> i128 {
        self.open_w.min(self.room.max(0) * self.rho)
    }
}

struct Search {
    /// Sender and receiver of each payment (read at every node: kept flat).
    ends: Vec<(usize, usize)>,
    amount: Vec<i128>,
    /// Amount times weight of each payment (the value it adds to the objective).
    weighted: Vec<i128>,
    agents: Vec<Agent>,
    /// Σ over agents of their bound term.
    bound: i128,
    value: i128,
    sel: Vec<bool>,
    best: Vec<bool>,
    best_value: i128,
}

impl Search {
    /// Recompute agent `a`'s bound term and move `bound` by the difference.
    #[inline]
    fn retally(&mut self, a: usize) {
        let agent = &mut self.agents[a];
        let term = agent.bound();
        self.bound += term - agent.term;
        agent.term = term;
    }

    /// Decide payment `i`; returns whether the state can still be completed. Settling it
    /// moves only the sender's room (the receiver's incoming amount goes from undecided to
    /// chosen); leaving it out lowers the receiver's room. Either way only those agents'
    /// terms can change.
    fn decide(&mut self, i: usize, settle: bool) -> bool {
        self.shift(i, settle, 1)
    }

    /// Take back the decision on payment `i`.
    fn undo(&mut self, i: usize, settle: bool) {
        self.shift(i, settle, -1);
    }

    /// Apply (`sign` 1) or take back (−1) a decision; whether the agent it can make short
    /// (the sender when settled, the receiver when left out) is still feasible.
    #[inline]
    fn shift(&mut self, i: usize, settle: bool, sign: i128) -> bool {
        let (s, r) = self.ends[i];
        let (x, w) = if sign > 0 {
            (self.amount[i], self.weighted[i])
        } else {
            (-self.amount[i], -self.weighted[i])
        };
        self.agents[s].open_w -= w;
        if settle {
            self.agents[s].room -= x;
            self.value += w;
            self.sel[i] = sign > 0;
            self.retally(s);
            self.agents[s].room >= 0
        } else {
            self.agents[r].room -= x;
            self.retally(s);
            self.retally(r);
            self.agents[r].room >= 0
        }
    }
}

/// The largest fundable set of `inst`, starting from `incumbent` (fundable), spending at most
/// `budget` nodes (decremented by what it spends); a part of more than `max_part` payments is
/// not searched. "Largest" is by `Σ amount × weight` with `weights` per payment (each ≥ 1;
/// `None`: all 1, the value): the bound then takes, per agent, the room times its largest
/// weight. Returns the best set found and whether the search completed (then it is a largest
/// fundable set).
pub(crate) fn branch_and_bound(
    inst: &Instance,
    incumbent: Vec<bool>,
    budget: &mut u64,
    max_part: usize,
    weights: Option<&[i128]>,
) -> (Vec<bool>, bool) {
    let m = inst.payments.len();
    if m > max_part {
        return (incumbent, false);
    }
    let weight = |i: usize| weights.map_or(1, |w| w[i]);
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(inst.payments[i].amount), i));
    let amount: Vec<i128> = inst.payments.iter().map(|p| p.amount as i128).collect();
    let weighted: Vec<i128> = (0..m).map(|i| amount[i] * weight(i)).collect();
    let mut agents: Vec<Agent> = inst
        .available
        .iter()
        .map(|&a| Agent {
            room: a as i128,
            open_w: 0,
            rho: 1,
            term: 0,
        })
        .collect();
    for (i, p) in inst.payments.iter().enumerate() {
        let sender = &mut agents[p.sender as usize];
        sender.open_w += weighted[i];
        sender.rho = sender.rho.max(weight(i));
        agents[p.receiver as usize].room += amount[i];
    }
    for agent in &mut agents {
        agent.term = agent.bound();
    }
    let mut s = Search {
        ends: inst
            .payments
            .iter()
            .map(|p| (p.sender as usize, p.receiver as usize))
            .collect(),
        bound: agents.iter().map(|a| a.term).sum(),
        agents,
        value: 0,
        sel: vec![false; m],
        best_value: (0..m).filter(|&i| incumbent[i]).map(|i| weighted[i]).sum(),
        best: incumbent,
        amount,
        weighted,
    };
    // state[d]: 0 = not visited, 1 = "settle" applied, 2 = "leave out" applied.
    let mut state = vec![0u8; m + 1];
    let mut depth = 0usize;
    let complete = loop {
        if depth == m {
            if s.value > s.best_value {
                s.best_value = s.value;
                s.best.clone_from(&s.sel);
            }
            if depth == 0 {
                break true;
            }
            depth -= 1;
            continue;
        }
        let i = order[depth];
        match state[depth] {
            0 => {
                if *budget == 0 {
                    break false;
                }
                *budget -= 1;
                if s.value + s.bound <= s.best_value {
                    if depth == 0 {
                        break true;
                    }
                    depth -= 1;
                    continue;
                }
                state[depth] = 1;
                if s.decide(i, true) {
                    depth += 1;
                    state[depth] = 0;
                }
            }
            1 => {
                s.undo(i, true);
                state[depth] = 2;
                if s.decide(i, false) {
                    depth += 1;
                    state[depth] = 0;
                }
            }
            _ => {
                s.undo(i, false);
                state[depth] = 0;
                if depth == 0 {
                    break true;
                }
                depth -= 1;
            }
        }
    };
    (s.best, complete)
}
