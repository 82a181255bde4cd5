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

struct Search<'a> {
    inst: &'a Instance,
    cap: Vec<i128>,
    out_sel: Vec<i128>,
    in_sel: Vec<i128>,
    out_open: Vec<i128>,
    in_open: Vec<i128>,
    /// Weight per unit of amount of each payment (1: the objective is value).
    mult: &'a [i128],
    /// The weighted value of each agent's undecided outgoing payments.
    out_open_w: Vec<i128>,
    /// The largest weight per unit of each agent's outgoing payments.
    rho: Vec<i128>,
    /// Σ over agents of their bound term.
    bound: i128,
    value: i128,
    sel: Vec<bool>,
    best: Vec<bool>,
    best_value: i128,
}

impl Search<'_> {
    #[inline]
    fn term(&self, a: usize) -> i128 {
        let room = self.cap[a] + self.in_sel[a] + self.in_open[a] - self.out_sel[a];
        // At most what it could send at its largest weight per unit of amount.
        self.out_open_w[a].min(room.max(0) * self.rho[a])
    }

    #[inline]
    fn feasible(&self, a: usize) -> bool {
        self.out_sel[a] - self.in_sel[a] - self.in_open[a] <= self.cap[a]
    }

    /// Decide payment `i`; returns whether the state can still be completed.
    fn apply(&mut self, i: usize, settle: bool, sign: i128) {
        let p = self.inst.payments[i];
        let (s, r, x) = (p.sender as usize, p.receiver as usize, p.amount as i128);
        self.bound -= self.term(s) + self.term(r);
        let w = x * self.mult[i];
        self.out_open[s] -= sign * x;
        self.out_open_w[s] -= sign * w;
        self.in_open[r] -= sign * x;
        if settle {
            self.out_sel[s] += sign * x;
            self.in_sel[r] += sign * x;
            self.value += sign * w;
            self.sel[i] = sign > 0;
        }
        self.bound += self.term(s) + self.term(r);
    }

    fn decide(&mut self, i: usize, settle: bool) -> bool {
        self.apply(i, settle, 1);
        let p = self.inst.payments[i];
        if settle {
            self.feasible(p.sender as usize)
        } else {
            self.feasible(p.receiver as usize)
        }
    }

    fn undo(&mut self, i: usize, settle: bool) {
        self.apply(i, settle, -1);
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
    let ones;
    let mult = match weights {
        Some(m) => m,
        None => {
            ones = vec![1i128; inst.payments.len()];
            &ones[..]
        }
    };
    let n = inst.available.len();
    let m = inst.payments.len();
    if m > max_part {
        return (incumbent, false);
    }
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(inst.payments[i].amount), i));
    let mut s = Search {
        inst,
        cap: inst.available.iter().map(|&a| a as i128).collect(),
        out_sel: vec![0; n],
        in_sel: vec![0; n],
        out_open: vec![0; n],
        in_open: vec![0; n],
        bound: 0,
        value: 0,
        sel: vec![false; m],
        best_value: (0..m)
            .filter(|&i| incumbent[i])
            .map(|i| inst.payments[i].amount as i128 * mult[i])
            .sum(),
        best: incumbent,
        mult,
        out_open_w: vec![0; n],
        rho: vec![1; n],
    };
    for (i, p) in inst.payments.iter().enumerate() {
        s.out_open[p.sender as usize] += p.amount as i128;
        s.out_open_w[p.sender as usize] += p.amount as i128 * mult[i];
        s.rho[p.sender as usize] = s.rho[p.sender as usize].max(mult[i]);
        s.in_open[p.receiver as usize] += p.amount as i128;
    }
    s.bound = (0..n).map(|a| s.term(a)).sum();
    // state[d]: 0 = not visited, 1 = "settle" applied, 2 = "leave out" applied.
    let mut state = vec![0u8; m + 1];
    let mut depth = 0usize;
    let complete = loop {
        if depth == m {
            if s.value > s.best_value {
                s.best_value = s.value;
                s.best = s.sel.clone();
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
