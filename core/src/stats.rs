//! Running totals since the start, and the statistics document built from them.

use serde::{Deserialize, Serialize};

use crate::config::{LsmAlgorithm, SearchObjective};
use crate::events::Mechanism;
use crate::provenance::Provenance;

/// Costs by kind (cents).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CostBreakdown {
    /// Overdraft cost.
    pub liquidity: i64,
    /// Delay cost.
    pub delay: i64,
    /// Split friction.
    pub split: i64,
    /// Deadline penalties.
    pub deadline_penalty: i64,
    /// End-of-day penalties.
    pub eod_penalty: i64,
    /// All of the above.
    pub total: i64,
}

impl CostBreakdown {
    pub(crate) fn add(&mut self, other: &CostBreakdown) {
        self.liquidity = self.liquidity.saturating_add(other.liquidity);
        self.delay = self.delay.saturating_add(other.delay);
        self.split = self.split.saturating_add(other.split);
        self.deadline_penalty = self.deadline_penalty.saturating_add(other.deadline_penalty);
        self.eod_penalty = self.eod_penalty.saturating_add(other.eod_penalty);
        self.total = self.total.saturating_add(other.total);
    }
}

/// Settlement counts by mechanism.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ByMechanism {
    /// At RTGS entry.
    pub rtgs: u64,
    /// On a Queue 2 retry.
    pub queue: u64,
    /// Bilateral offsetting.
    pub bilateral: u64,
    /// Multilateral offsetting.
    pub multilateral: u64,
}

impl ByMechanism {
    pub(crate) fn bump(&mut self, m: Mechanism) {
        match m {
            Mechanism::Rtgs => self.rtgs += 1,
            Mechanism::Queue => self.queue += 1,
            Mechanism::Bilateral => self.bilateral += 1,
            Mechanism::Multilateral => self.multilateral += 1,
        }
    }
}

/// Per-agent running totals.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AgentTotals {
    pub costs: CostBreakdown,
    pub sent_count: u64,
    pub sent_value: i64,
    pub received_value: i64,
    pub peak_overdraft: i64,
}

/// Totals since the start (persisted in snapshots).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Totals {
    pub ticks_run: u64,
    pub arrivals: u64,
    pub arrived_value: i64,
    pub extra_parts: u64,
    pub settlements: u64,
    pub by_mechanism: ByMechanism,
    pub settled_value: i64,
    pub drops: u64,
    pub dropped_value: i64,
    pub overdue: u64,
    pub splits: u64,
    pub delay_sum: u64,
    pub delay_max: u64,
    pub peak_queue1: u64,
    pub peak_queue2: u64,
    pub costs: CostBreakdown,
    pub agents: Vec<AgentTotals>,
    /// The current day's figures, for its end-of-day event.
    pub day_settlements: u64,
    pub day_settled_value: i64,
    pub day_drops: u64,
    /// Offsetting work (see [`LsmStatistics`]).
    pub lsm_runs: u64,
    pub lsm_offsets: u64,
    pub lsm_budget_exhausted: u64,
}

/// Settlement delay in ticks (settlement tick − arrival tick).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DelayStats {
    /// Mean over settled transactions (0 when none settled).
    pub mean_ticks: f64,
    /// Maximum over settled transactions.
    pub max_ticks: u64,
}

/// One agent's statistics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentStatistics {
    /// Agent id.
    pub id: String,
    /// Current balance.
    pub balance: i64,
    /// Transactions it sent that settled.
    pub sent_count: u64,
    /// Value it sent that settled.
    pub sent_value: i64,
    /// Value it received.
    pub received_value: i64,
    /// Deepest intraday overdraft (liquidity used beyond its balance), ≥ 0.
    pub peak_overdraft: i64,
    /// Its costs by kind.
    pub costs: CostBreakdown,
    /// Whole-run upper bound of liquidity (cents; `docs/model.md` § Indicators).
    #[serde(default)]
    pub liquidity_upper_bound: i128,
    /// Whole-run lower bound of liquidity (cents).
    #[serde(default)]
    pub liquidity_lower_bound: i128,
    /// Delay indicator ρ (0–1) as sender, whole run.
    #[serde(default)]
    pub delay_indicator: f64,
}

/// Statistics since the start of the simulation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Statistics {
    /// Ticks executed.
    pub ticks_run: u64,
    /// Orders that arrived.
    pub arrivals: u64,
    /// Value of the orders that arrived.
    pub arrived_value: i64,
    /// Transactions settled (split parts count one each).
    pub settlements: u64,
    /// Settlements by mechanism.
    pub settlements_by_mechanism: ByMechanism,
    /// Value settled.
    pub settled_value: i64,
    /// Settled transactions / (arrivals + extra split parts); 0 when nothing arrived.
    pub settlement_rate_count: f64,
    /// Settled value / arrived value; 0 when nothing arrived.
    pub settlement_rate_value: f64,
    /// Share of settlements made by the LSM (bilateral + multilateral).
    pub lsm_share: f64,
    /// Orders dropped at their deadline.
    pub drops: u64,
    /// Value dropped.
    pub dropped_value: i64,
    /// Orders marked overdue (`overdue` deadline mode).
    pub overdue: u64,
    /// Orders split.
    pub splits: u64,
    /// Settlement delay.
    pub delay: DelayStats,
    /// Largest total Queue 1 size after a tick.
    pub peak_queue1: u64,
    /// Largest Queue 2 size after a tick.
    pub peak_queue2: u64,
    /// Orders in Queue 1 now.
    pub queue1_size: u64,
    /// Payments in Queue 2 now.
    pub queue2_size: u64,
    /// Costs by kind, all agents.
    pub costs: CostBreakdown,
    /// Per agent, in configuration order.
    pub agents: Vec<AgentStatistics>,
    /// What produced these figures (engine, semantics, scenario hash, seed).
    pub provenance: Provenance,
    /// Σ of the agents' whole-run upper bounds of liquidity (cents).
    #[serde(default)]
    pub liquidity_upper_bound: i128,
    /// Σ of the agents' whole-run lower bounds of liquidity (cents).
    #[serde(default)]
    pub liquidity_lower_bound: i128,
    /// Delay indicator ρ of the system, whole run (0–1).
    #[serde(default)]
    pub delay_indicator: f64,
    /// Money injected by scheduled `liquidity` actions (not payments; absent when none).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub external_inflow: i64,
    /// Money withdrawn by scheduled `liquidity` actions (absent when none).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub external_outflow: i64,
    /// The offsetting algorithm and the work it did.
    pub lsm: LsmStatistics,
    /// What the rules of real RTGS systems held (absent when none is configured).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rules: Option<crate::rules::RulesStatistics>,
}

/// The offsetting algorithm that ran and what it did. Only attempts that settle something
/// are counted: the engine skips attempts known to fail (and a restore forgets what it knew),
/// so counting failed ones would make the figures depend on that.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LsmStatistics {
    /// The algorithm (`lsm.algorithm`; absent: the default of the offsetting semantics the
    /// simulation runs under — `greedy_removal` under 1, `greedy_exact` from 2).
    pub algorithm: LsmAlgorithm,
    /// What its exact search maximises (`lsm.search_objective`, else the semantics' default);
    /// absent for the algorithms without one (all but `exact` and `greedy_exact`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search_objective: Option<SearchObjective>,
    /// Ticks in which offsetting (step 5) settled something.
    pub runs: u64,
    /// Offsets settled: each is one attempt's chosen set (a bilateral pair's, or a
    /// multilateral one — a joint attempt's set can give several).
    pub offsets: u64,
    /// Offsets chosen after the `exact` solver ran out of budget: the best set it had found
    /// (at least the heuristic's), not proved the largest.
    pub exact_budget_exhausted: u64,
}

fn is_zero(x: &i64) -> bool {
    *x == 0
}

fn ratio(num: f64, den: f64) -> f64 {
    if den > 0.0 {
        num / den
    } else {
        0.0
    }
}

impl Totals {
    pub(crate) fn new(agents: usize) -> Self {
        Totals {
            agents: vec![AgentTotals::default(); agents],
            ..Totals::default()
        }
    }

    pub(crate) fn statistics(
        &self,
        ids: &[String],
        balances: &[i64],
        queue1: u64,
        queue2: u64,
        provenance: Provenance,
        (algorithm, search_objective): (LsmAlgorithm, Option<SearchObjective>),
    ) -> Statistics {
        let lsm = self.by_mechanism.bilateral + self.by_mechanism.multilateral;
        Statistics {
            ticks_run: self.ticks_run,
            arrivals: self.arrivals,
            arrived_value: self.arrived_value,
            settlements: self.settlements,
            settlements_by_mechanism: self.by_mechanism.clone(),
            settled_value: self.settled_value,
            settlement_rate_count: ratio(
                self.settlements as f64,
                (self.arrivals + self.extra_parts) as f64,
            ),
            settlement_rate_value: ratio(self.settled_value as f64, self.arrived_value as f64),
            lsm_share: ratio(lsm as f64, self.settlements as f64),
            drops: self.drops,
            dropped_value: self.dropped_value,
            overdue: self.overdue,
            splits: self.splits,
            delay: DelayStats {
                mean_ticks: ratio(self.delay_sum as f64, self.settlements as f64),
                max_ticks: self.delay_max,
            },
            peak_queue1: self.peak_queue1,
            peak_queue2: self.peak_queue2,
            queue1_size: queue1,
            queue2_size: queue2,
            costs: self.costs.clone(),
            agents: self
                .agents
                .iter()
                .zip(ids)
                .zip(balances)
                .map(|((a, id), &balance)| AgentStatistics {
                    id: id.clone(),
                    balance,
                    sent_count: a.sent_count,
                    sent_value: a.sent_value,
                    received_value: a.received_value,
                    peak_overdraft: a.peak_overdraft,
                    costs: a.costs.clone(),
                    liquidity_upper_bound: 0,
                    liquidity_lower_bound: 0,
                    delay_indicator: 0.0,
                })
                .collect(),
            provenance,
            liquidity_upper_bound: 0,
            liquidity_lower_bound: 0,
            delay_indicator: 0.0,
            external_inflow: 0,
            external_outflow: 0,
            lsm: LsmStatistics {
                algorithm,
                search_objective,
                runs: self.lsm_runs,
                offsets: self.lsm_offsets,
                exact_budget_exhausted: self.lsm_budget_exhausted,
            },
            rules: None,
        }
    }
}
