//! The stress report: what the benchmark gave, what each variant changed, and the ranking
//! of participants by the damage their stress causes. Field order is the JSON key order;
//! nothing in it depends on the number of threads.

use serde::Serialize;

use super::definition::StressType;
use super::observe::{Extremes, Figures};
use crate::schedule::ScenarioEvent;

/// The whole report (`docs/json.md` § Stress report).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StressReport {
    /// Ticks of the horizon (every balance path has one sample per tick).
    pub horizon: u64,
    /// Ticks per business day.
    pub ticks_per_day: u64,
    /// The benchmark run, absolute figures.
    pub benchmark: Outcome,
    /// One per stressed participant per scenario, in definition order.
    pub variants: Vec<Variant>,
    /// One per scenario: its participants by damage.
    pub rankings: Vec<Ranking>,
}

/// Absolute figures of a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    /// System-wide.
    pub system: SystemFigures,
    /// Per participant, in configuration order.
    pub participants: Vec<ParticipantFigures>,
}

/// System-wide figures of a run (or their changes, in a variant).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SystemFigures {
    /// Value unsettled at the end of the run (queued + dropped).
    pub unsettled_value: i64,
    /// Transactions unsettled at the end of the run.
    pub unsettled_count: i64,
    /// Unsettled value at the end of each day.
    pub unsettled_value_by_day: Vec<i64>,
    /// Unsettled count at the end of each day.
    pub unsettled_count_by_day: Vec<i64>,
    /// Value settled.
    pub settled_value: i64,
    /// Transactions settled.
    pub settled_count: i64,
    /// Mean settlement delay in ticks over settled transactions.
    pub mean_delay: f64,
    /// Settlement delay weighted by value.
    pub value_weighted_delay: f64,
    /// Costs of every kind.
    pub cost: i64,
}

/// One participant's absolute figures in a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParticipantFigures {
    /// Participant id.
    pub id: String,
    /// Value it sent that was unsettled at the end of the run.
    pub unsettled_value: i64,
    /// Its transactions unsettled at the end of the run.
    pub unsettled_count: i64,
    /// Value it sent that settled.
    pub settled_value: i64,
    /// Its transactions that settled.
    pub settled_count: i64,
    /// Mean delay of its settled transactions.
    pub mean_delay: f64,
    /// Value-weighted delay of its settled transactions.
    pub value_weighted_delay: f64,
    /// Its costs.
    pub cost: i64,
}

/// One participant's changes in a variant (variant − benchmark).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParticipantChange {
    /// Participant id.
    pub id: String,
    /// Smallest balance difference over the ends of ticks (≤ 0 is a deterioration).
    pub liquidity_min: i64,
    /// First tick at which it was reached.
    pub liquidity_min_tick: u64,
    /// Largest balance difference over the ends of ticks.
    pub liquidity_max: i64,
    /// First tick at which it was reached.
    pub liquidity_max_tick: u64,
    /// Change in unsettled value at the end of the run.
    pub unsettled_value: i64,
    /// Change in unsettled count at the end of the run.
    pub unsettled_count: i64,
    /// Change in mean delay of settled transactions.
    pub mean_delay: f64,
    /// Change in value-weighted delay.
    pub value_weighted_delay: f64,
    /// Change in costs.
    pub cost: i64,
    /// External flow of the stress itself (a withdrawal: negative), included in the balances.
    pub external: i64,
}

/// One variant: the scheduled action it adds, and its changes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Variant {
    /// Index of its scenario in the definition.
    pub scenario: usize,
    /// The scenario's type.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The stressed participant.
    pub participant: String,
    /// The action added to the benchmark (`null`: a withdrawal with nothing to withdraw).
    pub event: Option<ScenarioEvent>,
    /// Damage: change in the unsettled value of every other participant.
    pub damage: i64,
    /// System-wide changes.
    pub system: SystemFigures,
    /// Per participant changes, configuration order.
    pub participants: Vec<ParticipantChange>,
}

/// One scenario's participants by damage.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ranking {
    /// Index of the scenario.
    pub scenario: usize,
    /// Its type.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Highest damage first, ties by id.
    pub entries: Vec<RankEntry>,
}

/// A place in a ranking.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RankEntry {
    /// 1 = most damaging.
    pub rank: usize,
    /// Participant id.
    pub participant: String,
    /// Its variant's damage.
    pub damage: i64,
}

fn ratio(num: f64, den: f64) -> f64 {
    if den > 0.0 {
        num / den
    } else {
        0.0
    }
}

fn sum_i(v: &[i64]) -> i64 {
    v.iter().fold(0i64, |a, &x| a.saturating_add(x))
}

fn sum_u(v: &[u64]) -> i64 {
    v.iter().fold(0i64, |a, &x| a.saturating_add(x as i64))
}

impl Figures {
    fn mean_delay(&self, i: usize) -> f64 {
        ratio(self.delay_sum[i] as f64, self.settled_count[i] as f64)
    }
    fn value_weighted_delay(&self, i: usize) -> f64 {
        ratio(self.value_delay_sum[i] as f64, self.settled_value[i] as f64)
    }

    pub(crate) fn system(&self) -> SystemFigures {
        let delay: u64 = self.delay_sum.iter().fold(0, |a, &x| a.saturating_add(x));
        let value_delay: i128 = self.value_delay_sum.iter().sum();
        SystemFigures {
            unsettled_value: sum_i(&self.unsettled_value),
            unsettled_count: sum_u(&self.unsettled_count),
            unsettled_value_by_day: self.day_unsettled_value.clone(),
            unsettled_count_by_day: self.day_unsettled_count.iter().map(|&c| c as i64).collect(),
            settled_value: sum_i(&self.settled_value),
            settled_count: sum_u(&self.settled_count),
            mean_delay: ratio(delay as f64, sum_u(&self.settled_count) as f64),
            value_weighted_delay: ratio(value_delay as f64, sum_i(&self.settled_value) as f64),
            cost: sum_i(&self.cost),
        }
    }

    pub(crate) fn outcome(&self, ids: &[String]) -> Outcome {
        Outcome {
            system: self.system(),
            participants: ids
                .iter()
                .enumerate()
                .map(|(i, id)| ParticipantFigures {
                    id: id.clone(),
                    unsettled_value: self.unsettled_value[i],
                    unsettled_count: self.unsettled_count[i] as i64,
                    settled_value: self.settled_value[i],
                    settled_count: self.settled_count[i] as i64,
                    mean_delay: self.mean_delay(i),
                    value_weighted_delay: self.value_weighted_delay(i),
                    cost: self.cost[i],
                })
                .collect(),
        }
    }
}

fn minus(a: &[i64], b: &[i64]) -> Vec<i64> {
    a.iter().zip(b).map(|(x, y)| x.saturating_sub(*y)).collect()
}

/// System-wide changes (variant − benchmark).
pub(crate) fn system_change(v: &SystemFigures, b: &SystemFigures) -> SystemFigures {
    SystemFigures {
        unsettled_value: v.unsettled_value.saturating_sub(b.unsettled_value),
        unsettled_count: v.unsettled_count - b.unsettled_count,
        unsettled_value_by_day: minus(&v.unsettled_value_by_day, &b.unsettled_value_by_day),
        unsettled_count_by_day: minus(&v.unsettled_count_by_day, &b.unsettled_count_by_day),
        settled_value: v.settled_value.saturating_sub(b.settled_value),
        settled_count: v.settled_count - b.settled_count,
        mean_delay: v.mean_delay - b.mean_delay,
        value_weighted_delay: v.value_weighted_delay - b.value_weighted_delay,
        cost: v.cost.saturating_sub(b.cost),
    }
}

/// Per participant changes of a variant.
pub(crate) fn participant_changes(
    ids: &[String],
    v: &Figures,
    b: &Figures,
    extremes: &[Extremes],
) -> Vec<ParticipantChange> {
    (0..ids.len())
        .map(|i| ParticipantChange {
            id: ids[i].clone(),
            liquidity_min: extremes[i].min,
            liquidity_min_tick: extremes[i].min_tick,
            liquidity_max: extremes[i].max,
            liquidity_max_tick: extremes[i].max_tick,
            unsettled_value: v.unsettled_value[i].saturating_sub(b.unsettled_value[i]),
            unsettled_count: v.unsettled_count[i] as i64 - b.unsettled_count[i] as i64,
            mean_delay: v.mean_delay(i) - b.mean_delay(i),
            value_weighted_delay: v.value_weighted_delay(i) - b.value_weighted_delay(i),
            cost: v.cost[i].saturating_sub(b.cost[i]),
            external: v.external_net[i].saturating_sub(b.external_net[i]),
        })
        .collect()
}

/// Damage of a variant that stresses participant `stressed`: the change in the unsettled
/// value of every other participant (its own payments are the stress itself).
pub(crate) fn damage(changes: &[ParticipantChange], stressed: usize) -> i64 {
    changes
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != stressed)
        .fold(0i64, |a, (_, c)| a.saturating_add(c.unsettled_value))
}

/// Each scenario's variants by damage, highest first, ties by participant id.
pub(crate) fn rankings(variants: &[Variant], kinds: &[StressType]) -> Vec<Ranking> {
    kinds
        .iter()
        .enumerate()
        .map(|(j, kind)| {
            let mut entries: Vec<(&str, i64)> = variants
                .iter()
                .filter(|v| v.scenario == j)
                .map(|v| (v.participant.as_str(), v.damage))
                .collect();
            entries.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
            Ranking {
                scenario: j,
                kind: kind.name(),
                entries: entries
                    .into_iter()
                    .enumerate()
                    .map(|(r, (id, damage))| RankEntry {
                        rank: r + 1,
                        participant: id.to_string(),
                        damage,
                    })
                    .collect(),
            }
        })
        .collect()
}
