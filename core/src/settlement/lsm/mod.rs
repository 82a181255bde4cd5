//! The liquidity-saving mechanism (step 5): offsetting algorithms, selectable per scenario
//! (`lsm.algorithm`, `docs/model.md` "Offsetting algorithms").
//!
//! | module      | holds                                                                  |
//! |-------------|------------------------------------------------------------------------|
//! | `greedy`    | `greedy_removal` on the engine's Queue 2 (semantics 1's default)       |
//! | `instance`  | the problem detached from the engine, and semantics 1 on it            |
//! | `heuristic` | `deficit_heuristic`                                                    |
//! | `exact`     | `exact`: branch and bound within a budget, and its limits              |
//!
//! `greedy_exact` is `greedy_removal` while Queue 2 is large and, while it holds at most
//! `exact_max_part` payments, the branch and bound started from `greedy_removal`'s set.
//!
//! The other algorithms choose one set from all of Queue 2 (bilateral and multilateral
//! together) through [`solve`]; `settle_chosen` then settles it, the two-way pairs that are
//! fundable on their own as bilateral offsets and the rest as one multilateral offset.

mod exact;
mod greedy;
mod heuristic;
pub(crate) mod instance;

use std::collections::BTreeMap;
use std::ops::Bound;

use crate::config::{LsmAlgorithm, LsmConfig, QueueDiscipline, SearchObjective};
use crate::engine::{PairMemo, Simulation};
use crate::events::Mechanism;
use crate::provenance::Semantics;
use crate::settlement::queue2::Q2Key;
use crate::transaction::AgentIdx;
pub use exact::{
    SolverLimits, EXACT_MAX_PART, EXACT_MAX_PART_MAX, EXACT_MAX_PART_RANGE, EXACT_NODE_BUDGET,
    EXACT_NODE_BUDGET_MAX, EXACT_NODE_BUDGET_RANGE,
};
pub(crate) use greedy::MultilateralScratch;
use instance::{Instance, Mechanisms, Payment};

/// The algorithm that runs where none is chosen, under the given semantics: under offsetting
/// semantics 1, `greedy_removal`; from semantics 2, `greedy_exact` (`docs/model.md`,
/// "The default and its versions", says why). Documents written under an older version keep
/// that version's default.
pub fn default_algorithm(semantics: Semantics) -> LsmAlgorithm {
    if semantics.offsetting >= 2 {
        LsmAlgorithm::GreedyExact
    } else {
        LsmAlgorithm::GreedyRemoval
    }
}

/// What the exact search maximises where `lsm.search_objective` is absent, under the given
/// semantics: under offsetting semantics 1, the value; from semantics 2, the age-weighted
/// value (the default algorithm's day-level trade-off, `docs/model.md`).
pub fn default_search_objective(semantics: Semantics) -> SearchObjective {
    if semantics.offsetting >= 2 {
        SearchObjective::AgeWeightedValue
    } else {
        SearchObjective::Value
    }
}

/// The objective the exact search runs under: the chosen one, else the default.
pub fn effective_search_objective(lsm: &LsmConfig, semantics: Semantics) -> SearchObjective {
    lsm.search_objective
        .unwrap_or_else(|| default_search_objective(semantics))
}

/// The algorithm LSM switches run under the given semantics: the chosen one, else the default.
pub fn effective_algorithm(lsm: &LsmConfig, semantics: Semantics) -> LsmAlgorithm {
    lsm.algorithm
        .unwrap_or_else(|| default_algorithm(semantics))
}

/// What one offsetting attempt chose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Solution {
    /// Per payment of the instance: whether it settles.
    pub settled: Vec<bool>,
    /// The exact solver ran out of budget on some part (the set is the best it found).
    pub budget_exhausted: bool,
}

/// Choose the set `algorithm` settles from `inst` (one attempt; for `greedy_removal`, the
/// whole step 5 of semantics 1 with the given mechanisms), with the default solver limits.
/// The set is fundable.
pub fn solve(algorithm: LsmAlgorithm, inst: &Instance, mechanisms: Mechanisms) -> Solution {
    solve_with(algorithm, inst, mechanisms, SolverLimits::default())
}

/// [`solve`] with the given limits for the exact search.
pub fn solve_with(
    algorithm: LsmAlgorithm,
    inst: &Instance,
    mechanisms: Mechanisms,
    limits: SolverLimits,
) -> Solution {
    solve_weighted(algorithm, inst, mechanisms, limits, None)
}

/// [`solve_with`] where the exact search of `exact` and `greedy_exact` maximises
/// `Σ amount × weight` over the chosen set (`weights` per payment, each ≥ 1; `None`: all 1,
/// the value).
pub fn solve_weighted(
    algorithm: LsmAlgorithm,
    inst: &Instance,
    mechanisms: Mechanisms,
    limits: SolverLimits,
    weights: Option<&[i128]>,
) -> Solution {
    let mut budget_exhausted = false;
    let settled = match algorithm {
        LsmAlgorithm::GreedyRemoval => instance::greedy_removal(inst, mechanisms),
        LsmAlgorithm::PrefixOptimum => {
            let book = instance::Book::new(inst);
            let mut set = vec![false; inst.payments.len()];
            for i in instance::prefix_family(&book) {
                set[i] = true;
            }
            set
        }
        LsmAlgorithm::DeficitHeuristic => heuristic_set(inst, mechanisms),
        LsmAlgorithm::Exact => search(
            inst,
            || heuristic_set(inst, mechanisms),
            limits,
            &mut budget_exhausted,
            weights,
        ),
        LsmAlgorithm::GreedyExact => {
            if inst.payments.len() > limits.max_part {
                instance::greedy_removal(inst, mechanisms)
            } else {
                search(
                    inst,
                    || instance::greedy_removal(inst, mechanisms),
                    limits,
                    &mut budget_exhausted,
                    weights,
                )
            }
        }
    };
    Solution {
        settled,
        budget_exhausted,
    }
}

/// From a fundable set (`start`), search each independent part of the payments that can be
/// in some fundable set, within what is left of the budget.
///
/// When no payment can be in a fundable set, the starting set (fundable) is empty and there
/// is nothing to search: the empty set is the result without computing the start. Most
/// attempts on a busy small queue end there (on the 10-bank seed benchmark, about 66,000 of
/// 71,000), so they skip the starting algorithm's work.
fn search(
    inst: &Instance,
    start: impl FnOnce() -> Vec<bool>,
    limits: SolverLimits,
    budget_exhausted: &mut bool,
    weights: Option<&[i128]>,
) -> Vec<bool> {
    let (pruned, kept) = inst.prune();
    if pruned.payments.is_empty() {
        return vec![false; inst.payments.len()];
    }
    let mut set = start();
    let mut budget = limits.node_budget;
    for (part, indices) in pruned.components() {
        let start: Vec<bool> = indices.iter().map(|&i| set[kept[i]]).collect();
        let part_weights: Option<Vec<i128>> =
            weights.map(|m| indices.iter().map(|&i| m[kept[i]]).collect());
        let (chosen, complete) = exact::branch_and_bound(
            &part,
            start,
            &mut budget,
            limits.max_part,
            part_weights.as_deref(),
        );
        *budget_exhausted |= !complete;
        for (local, i) in indices.into_iter().enumerate() {
            set[kept[i]] = chosen[local];
        }
    }
    set
}

/// `deficit_heuristic`, part by part.
fn heuristic_set(inst: &Instance, mechanisms: Mechanisms) -> Vec<bool> {
    let mut set = vec![false; inst.payments.len()];
    for (part, indices) in inst.components() {
        let chosen = heuristic::solve(&part, mechanisms);
        for (local, global) in indices.into_iter().enumerate() {
            set[global] = chosen[local];
        }
    }
    set
}

/// Where a payment of a detached instance is in Queue 2.
type Place = (Q2Key, AgentIdx);

impl Simulation {
    /// The algorithm this simulation's offsetting runs now (the LSM switches in force, under
    /// the semantics the simulation runs under).
    pub(crate) fn lsm_algorithm(&self) -> LsmAlgorithm {
        effective_algorithm(self.lsm_switches(), self.lineage.semantics)
    }

    /// What the exact search of the algorithm in force maximises; `None` when it has none.
    pub(crate) fn lsm_search_objective(&self) -> Option<SearchObjective> {
        let searches = matches!(
            self.lsm_algorithm(),
            LsmAlgorithm::Exact | LsmAlgorithm::GreedyExact
        );
        searches.then(|| effective_search_objective(&self.config.lsm, self.lineage.semantics))
    }

    /// The exact search's limits (the configuration's).
    fn solver_limits(&self) -> SolverLimits {
        SolverLimits::of(&self.config.lsm)
    }

    /// The exact search's weight per payment of a detached instance under the age-weighted
    /// objective (`lsm.search_objective`, else the semantics' default): one plus the ticks it
    /// has waited since it arrived; `None` for the value.
    fn search_weights(&self, places: &[Place]) -> Option<Vec<i128>> {
        if self.lsm_search_objective() != Some(SearchObjective::AgeWeightedValue) {
            return None; // the value, or no exact search to read weights
        }
        let weight = |&(key, sender): &Place| {
            let arrival = self
                .queue2
                .entry(sender, key)
                .and_then(|e| self.txs.get(e.slot))
                .map_or(self.tick, |tx| tx.arrival_tick);
            1 + i128::from(self.tick.saturating_sub(arrival))
        };
        Some(places.iter().map(weight).collect())
    }

    /// One round of `greedy_removal`: bilateral, then multilateral offsetting.
    fn greedy_round(&mut self, bilateral: bool, multilateral: bool) -> u64 {
        let b = if bilateral {
            self.bilateral_offsetting()
        } else {
            0
        };
        let m = if multilateral {
            self.multilateral_offsetting()
        } else {
            0
        };
        b + m
    }

    /// Step 5: rounds of offsetting and a Queue 2 retry while a round settles anything.
    /// Skipped when nothing changed since the last run (it would settle nothing).
    pub(crate) fn run_lsm(&mut self) {
        let lsm = self.lsm_switches();
        let (bilateral, multilateral) = (lsm.bilateral, lsm.multilateral);
        if !(bilateral || multilateral) {
            return;
        }
        if self.skip.enabled() && self.skip.lsm_known() {
            return;
        }
        let algorithm = self.lsm_algorithm();
        let before = self.totals.lsm_offsets;
        loop {
            let settled = match algorithm {
                LsmAlgorithm::GreedyRemoval => self.greedy_round(bilateral, multilateral),
                // A large queue: greedy_removal's round alone (its cost stays linear).
                LsmAlgorithm::GreedyExact
                    if multilateral && self.queue2.len() > self.solver_limits().max_part =>
                {
                    self.greedy_round(bilateral, multilateral)
                }
                _ if multilateral => {
                    let (settled, proven) = self.joint_offsetting(algorithm, bilateral);
                    if proven {
                        // The largest fundable set settled: nothing else is fundable, so
                        // neither a retry nor another attempt can settle anything.
                        break;
                    }
                    settled
                }
                _ => self.pairwise_offsetting(algorithm),
            };
            if settled == 0 {
                break;
            }
            self.retry_queue2();
        }
        if self.totals.lsm_offsets > before {
            self.totals.lsm_runs += 1;
        }
        self.skip.lsm_ran();
    }

    /// Whether to skip a pair's attempt: nothing changed since it failed.
    pub(super) fn skip_pair(&self, i: AgentIdx, j: AgentIdx, memo: PairMemo) -> bool {
        self.skip.enabled() && self.skip.pair_known(i, j, memo)
    }

    /// The next two-way pair after `cursor` (which it advances) worth an attempt: not known
    /// to fail again (`skip_pair`), and with neither side stopped by an outage (an outage
    /// leaves one direction that cannot settle).
    pub(super) fn next_pair_to_try(
        &self,
        cursor: &mut Option<(AgentIdx, AgentIdx)>,
    ) -> Option<(AgentIdx, AgentIdx)> {
        loop {
            let next = match *cursor {
                None => self.queue2.both_ways.iter().next(),
                Some(c) => self
                    .queue2
                    .both_ways
                    .range((Bound::Excluded(c), Bound::Unbounded))
                    .next(),
            };
            let (&(i, j), &memo) = next?;
            *cursor = Some((i, j));
            let active = &self.schedule.active;
            if !self.skip_pair(i, j, memo) && active.may_settle(i, j) && active.may_settle(j, i) {
                return Some((i, j));
            }
        }
    }

    /// Whether to skip a multilateral attempt (`search`: a search of `exact` or
    /// `greedy_exact`, whose result may change when liquidity falls, and which a failure of
    /// `greedy_removal`'s rule does not foretell).
    pub(super) fn skip_multilateral(&self, search: bool) -> bool {
        self.skip.enabled() && self.skip.multilateral_known(search)
    }

    /// Count one settled offset (the statistics count only attempts that settle something:
    /// failed ones may be skipped, and their number would depend on that).
    pub(super) fn count_offset(&mut self, budget_exhausted: bool) {
        if self.rules_defer_offset(budget_exhausted) {
            return; // the rules may trim the set to nothing: counted once something settles
        }
        self.add_offset(budget_exhausted);
    }

    /// Count one settled offset now.
    pub(crate) fn add_offset(&mut self, budget_exhausted: bool) {
        self.totals.lsm_offsets += 1;
        if budget_exhausted {
            self.totals.lsm_budget_exhausted += 1;
        }
    }

    /// Queue 2 (or, with `only`, the payments between two agents, who become agents 0 and 1)
    /// as a detached instance, with where each payment is.
    fn detach(&self, only: Option<(AgentIdx, AgentIdx)>) -> (Instance, Vec<Place>) {
        let mut rows: Vec<(Payment, Place)> = Vec::new();
        let mut add = |sender: AgentIdx, key: Q2Key, receiver: AgentIdx, amount: i64| {
            let payment = Payment {
                sender,
                receiver,
                amount,
                priority: (crate::config::MAX_PRIORITY as u8).saturating_sub(key.urgency),
                entry: key.entry,
            };
            rows.push((payment, (key, sender)));
        };
        let agents: Vec<AgentIdx> = match only {
            None => {
                // Payments that an outage stops from settling are left out.
                let active = &self.schedule.active;
                for s in 0..self.ids.len() as AgentIdx {
                    for (&key, e) in self.queue2.sender_queue(s) {
                        if active.may_settle(s, e.receiver) {
                            add(s, key, e.receiver, e.amount);
                        }
                    }
                }
                (0..self.ids.len() as AgentIdx).collect()
            }
            Some((i, j)) => {
                for (s, r) in [(i, j), (j, i)] {
                    for key in self.queue2.pair(s, r) {
                        if let Some(e) = self.queue2.entry(s, key) {
                            add(s, key, r, e.amount);
                        }
                    }
                }
                for (payment, _) in &mut rows {
                    payment.sender = u32::from(payment.sender == j);
                    payment.receiver = 1 - payment.sender;
                }
                vec![i, j]
            }
        };
        // Retry order is the key order; the instance keeps it.
        rows.sort_unstable_by_key(|(_, place)| *place);
        let available = agents.iter().map(|&a| self.ledger.available(a)).collect();
        let (payments, places) = rows.into_iter().unzip();
        let fifo = self.config.queue_discipline == QueueDiscipline::Fifo;
        (
            Instance {
                available,
                payments,
                fifo,
            },
            places,
        )
    }

    /// One attempt over all of Queue 2: the chosen set settles, two-way pairs that are
    /// fundable on their own first as bilateral offsets (when bilateral offsetting is on).
    /// Returns what settled and whether it was proved the largest fundable set.
    fn joint_offsetting(&mut self, algorithm: LsmAlgorithm, bilateral: bool) -> (u64, bool) {
        if self.queue2.len() == 0 || self.skip_multilateral(true) {
            return (0, false);
        }
        let (inst, places) = self.detach(None);
        let mechanisms = Mechanisms {
            bilateral,
            multilateral: true,
        };
        let mult = self.search_weights(&places);
        let solution = solve_weighted(
            algorithm,
            &inst,
            mechanisms,
            self.solver_limits(),
            mult.as_deref(),
        );
        let chosen: Vec<usize> = (0..places.len()).filter(|&k| solution.settled[k]).collect();
        if chosen.is_empty() {
            self.skip.multilateral_failed(true);
            return (0, false);
        }
        self.count_offset(solution.budget_exhausted);
        // `greedy_exact` searched: this round's queue is within the part cap. Not with rules:
        // their check may have trimmed the proved set (`crate::rules`).
        let searched = matches!(algorithm, LsmAlgorithm::Exact | LsmAlgorithm::GreedyExact);
        let proven = searched && !solution.budget_exhausted && self.rules.is_none();
        (
            self.settle_chosen(&inst, &places, chosen, bilateral),
            proven,
        )
    }

    /// Settle a chosen fundable set (indices in retry order): with `bilateral`, each two-way
    /// pair whose part is fundable at the balances left by the pairs before it settles as a
    /// bilateral offset, pairs in order; the rest settles as one multilateral offset (it is
    /// fundable: the whole set is).
    fn settle_chosen(
        &mut self,
        inst: &Instance,
        places: &[Place],
        chosen: Vec<usize>,
        bilateral: bool,
    ) -> u64 {
        let mut settled = 0;
        let mut rest = chosen;
        if bilateral {
            let mut pairs: BTreeMap<(AgentIdx, AgentIdx), Vec<usize>> = BTreeMap::new();
            for &k in &rest {
                let p = &inst.payments[k];
                let key = (p.sender.min(p.receiver), p.sender.max(p.receiver));
                pairs.entry(key).or_default().push(k);
            }
            let mut offset = vec![false; inst.payments.len()];
            for ((i, j), items) in pairs {
                let (mut out_i, mut out_j) = (0i128, 0i128);
                for &k in &items {
                    let p = &inst.payments[k];
                    if p.sender == i {
                        out_i += p.amount as i128;
                    } else {
                        out_j += p.amount as i128;
                    }
                }
                let fundable = out_i - out_j <= self.ledger.available(i) as i128
                    && out_j - out_i <= self.ledger.available(j) as i128;
                if out_i > 0 && out_j > 0 && fundable {
                    let batch: Vec<Place> = items.iter().map(|&k| places[k]).collect();
                    settled += self.settle_batch(&batch, Mechanism::Bilateral);
                    for k in items {
                        offset[k] = true;
                    }
                }
            }
            rest.retain(|&k| !offset[k]);
        }
        if !rest.is_empty() {
            let batch: Vec<Place> = rest.iter().map(|&k| places[k]).collect();
            settled += self.settle_batch(&batch, Mechanism::Multilateral);
        }
        settled
    }

    /// Bilateral offsetting alone (multilateral off): for each two-way pair in order, the
    /// set the algorithm chooses from the pair's payments, if it goes both ways.
    fn pairwise_offsetting(&mut self, algorithm: LsmAlgorithm) -> u64 {
        let mut settled = 0;
        let mut cursor: Option<(AgentIdx, AgentIdx)> = None;
        while let Some((i, j)) = self.next_pair_to_try(&mut cursor) {
            let (inst, places) = self.detach(Some((i, j)));
            let mechanisms = Mechanisms {
                bilateral: true,
                multilateral: false,
            };
            let mult = self.search_weights(&places);
            let limits = self.solver_limits();
            let solution = solve_weighted(algorithm, &inst, mechanisms, limits, mult.as_deref());
            let chosen: Vec<usize> = (0..places.len()).filter(|&k| solution.settled[k]).collect();
            let two_way = chosen.iter().any(|&k| inst.payments[k].sender == 0)
                && chosen.iter().any(|&k| inst.payments[k].sender == 1);
            if two_way {
                self.count_offset(solution.budget_exhausted);
                let batch: Vec<Place> = chosen.iter().map(|&k| places[k]).collect();
                settled += self.settle_batch(&batch, Mechanism::Bilateral);
            } else {
                let failed = self.skip.pair_failed(i, j);
                if let Some(m) = self.queue2.both_ways.get_mut(&(i, j)) {
                    *m = failed;
                }
            }
        }
        settled
    }
}
