//! The indicators document (`Simulation::indicators`, `psim_sim_indicators_json`) and the
//! three figures the statistics carry per agent and for the system. Every formula is in
//! `docs/model.md` § Indicators; this file only evaluates them on the accumulators.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::state::{CountValue, DayAgent, DayRecord, IndicatorState};
use crate::provenance::Provenance;

/// The `schema_version` of the indicators document.
pub const INDICATORS_SCHEMA_VERSION: u32 = 1;

/// Settled count and value by mechanism, with each mechanism's share of the value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MechanismShare {
    /// Transactions settled by it.
    pub count: u64,
    /// Their value.
    pub value: i128,
    /// `value / Σ value` over the four mechanisms (0 when nothing settled).
    pub share: f64,
}

/// Settlements by mechanism.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ByMechanism {
    /// At RTGS entry.
    pub rtgs: MechanismShare,
    /// On a Queue 2 retry.
    pub queue: MechanismShare,
    /// Bilateral offsetting.
    pub bilateral: MechanismShare,
    /// Multilateral offsetting.
    pub multilateral: MechanismShare,
}

/// Settlement delays of settled transactions, count-weighted (nearest rank).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DelayPercentiles {
    /// Median.
    pub p50: u64,
    /// 90th percentile.
    pub p90: u64,
    /// 95th percentile.
    pub p95: u64,
    /// 99th percentile.
    pub p99: u64,
    /// Largest.
    pub max: u64,
}

/// One participant's (or the system's) indicators over a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeriodIndicators {
    /// Agent id (absent for the system).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Upper bound of liquidity: peak of cumulative released out − in (cents).
    pub liquidity_upper_bound: i128,
    /// Lower bound of liquidity: peak end-of-day cumulative released out − in (cents).
    pub liquidity_lower_bound: i128,
    /// ρ: value-weighted delay over the largest possible delay (0–1).
    pub delay_indicator: f64,
    /// Σ value × delay / Σ value over settled transactions (ticks).
    pub value_weighted_mean_delay: f64,
    /// Settled as sender.
    pub sent: CountValue,
    /// Settled as receiver.
    pub received: CountValue,
    /// Unsettled at the end of the period (Queue 1 + Queue 2).
    pub unsettled: CountValue,
    /// Largest Queue 1 at the end of a tick (the period's largest count, largest value).
    pub peak_queue1: CountValue,
    /// Largest Queue 2 at the end of a tick.
    pub peak_queue2: CountValue,
    /// Peak net debit: start balance − lowest balance, ≥ 0 (BCBS: maximum intraday
    /// liquidity usage, per day).
    pub liquidity_used: i128,
    /// Balance + credit line at the start of the period.
    pub available_liquidity_at_start: i128,
    /// `sent.value / available_liquidity_at_start` (0 when that is 0).
    pub turnover_ratio: f64,
    /// Settled as sender by the deadline tick.
    pub on_time: CountValue,
    /// Settled as sender after the deadline (`overdue` mode).
    pub late: CountValue,
    /// Dropped at the deadline.
    pub dropped: CountValue,
    /// Settled as sender by mechanism.
    pub settled_by_mechanism: ByMechanism,
    /// Per day only: the throughput curve, a step function given at the ticks of the day in
    /// which something settled: `[tick of the day, cumulative share of the day's settled
    /// value (as sender) by the end of that tick]`, ticks ascending (the share is 0 before the
    /// first entry and that of the last entry at or before any tick).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub throughput: Option<Vec<(u64, f64)>>,
}

/// One day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DayIndicators {
    /// The day.
    pub day: u64,
    /// The first tick covered.
    pub first_tick: u64,
    /// Whether the day has ended.
    pub closed: bool,
    /// System figures (bounds are the sums of the agents').
    pub system: PeriodIndicators,
    /// Per agent, in configuration order.
    pub agents: Vec<PeriodIndicators>,
}

/// The indicators document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Indicators {
    /// [`INDICATORS_SCHEMA_VERSION`].
    pub schema_version: u32,
    /// Ticks run so far.
    pub ticks_run: u64,
    /// The first tick the indicators cover (0 unless restored from a snapshot without them).
    pub since_tick: u64,
    /// Ticks per day (the length of every throughput curve).
    pub ticks_per_day: u64,
    /// Whole run, system.
    pub system: PeriodIndicators,
    /// Settlement delays of settled transactions, system.
    pub delay_percentiles: DelayPercentiles,
    /// Whole run, per agent in configuration order.
    pub agents: Vec<PeriodIndicators>,
    /// Every day so far (the last one open unless the day just ended), oldest first.
    pub days: Vec<DayIndicators>,
    /// What produced these figures.
    pub provenance: Provenance,
}

/// What the indicators need from the simulation besides their accumulators.
pub(crate) struct Context<'a> {
    pub ids: &'a [String],
    pub credit: &'a [i64],
    pub tick: u64,
    pub ticks_per_day: u64,
    /// Each agent's Queue 1 and Queue 2 sizes now.
    pub queue1: &'a [u64],
    pub queue2: Vec<u64>,
}

fn div(num: f64, den: f64) -> f64 {
    if den > 0.0 {
        num / den
    } else {
        0.0
    }
}

fn sum(a: CountValue, b: CountValue) -> CountValue {
    CountValue {
        count: a.count + b.count,
        value: a.value + b.value,
    }
}

fn max(a: CountValue, b: CountValue) -> CountValue {
    CountValue {
        count: a.count.max(b.count),
        value: a.value.max(b.value),
    }
}

/// The parts of a [`PeriodIndicators`] that add up across agents and days.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Acc {
    upper: i128,
    lower: i128,
    rho_num: u128,
    rho_den: u128,
    value_ticks: u128,
    sent: CountValue,
    received: CountValue,
    unsettled: CountValue,
    peak_q1: CountValue,
    peak_q2: CountValue,
    used: i128,
    available: i128,
    on_time: CountValue,
    late: CountValue,
    dropped: CountValue,
    mech: [CountValue; 4],
    by_tick: Option<BTreeMap<u64, i128>>,
}

/// One agent's closed days summed as the whole-run figures sum them: the days' part of its
/// whole-run figures, whether or not the days themselves are kept.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct ClosedDays(Acc);

impl ClosedDays {
    /// Add a day that has just closed.
    pub(crate) fn add(&mut self, d: &DayAgent) {
        self.0.add_day(&Acc::of_day_totals(d, 0));
    }
}

impl Acc {
    fn of_day(d: &DayAgent, credit: i64) -> Acc {
        Acc {
            by_tick: Some(
                d.settled_by_tick
                    .iter()
                    .map(|&(k, v)| (k, v as i128))
                    .collect(),
            ),
            ..Acc::of_day_totals(d, credit)
        }
    }

    /// [`Acc::of_day`] without the throughput curve.
    fn of_day_totals(d: &DayAgent, credit: i64) -> Acc {
        Acc {
            upper: d.upper_bound,
            lower: (d.released_out - d.released_in).max(0),
            rho_num: d.delay_weighted,
            rho_den: d.delay_max_weighted,
            value_ticks: d.sent_value_ticks,
            sent: d.sent,
            received: d.received,
            unsettled: d.unsettled,
            peak_q1: d.peak_queue1,
            peak_q2: d.peak_queue2,
            used: (d.start_balance as i128 - d.min_balance as i128).max(0),
            available: d.start_balance as i128 + credit as i128,
            on_time: d.on_time,
            late: d.late,
            dropped: d.dropped,
            mech: d.by_mechanism,
            by_tick: None,
        }
    }

    /// Add another agent's figures of the same period (system totals).
    fn add_agent(&mut self, o: &Acc) {
        self.upper += o.upper;
        self.lower += o.lower;
        self.rho_num += o.rho_num;
        self.rho_den += o.rho_den;
        self.value_ticks += o.value_ticks;
        self.sent = sum(self.sent, o.sent);
        self.received = sum(self.received, o.received);
        self.unsettled = sum(self.unsettled, o.unsettled);
        self.peak_q1 = sum(self.peak_q1, o.peak_q1);
        self.peak_q2 = sum(self.peak_q2, o.peak_q2);
        self.used += o.used;
        self.available += o.available;
        self.add_flows(o);
    }

    /// Add the same agent's figures of a later day (whole run; peaks are maxima).
    fn add_day(&mut self, o: &Acc) {
        self.rho_num += o.rho_num;
        self.rho_den += o.rho_den;
        self.value_ticks += o.value_ticks;
        self.sent = sum(self.sent, o.sent);
        self.received = sum(self.received, o.received);
        self.unsettled = o.unsettled;
        self.peak_q1 = max(self.peak_q1, o.peak_q1);
        self.peak_q2 = max(self.peak_q2, o.peak_q2);
        self.add_flows(o);
    }

    fn add_flows(&mut self, o: &Acc) {
        self.on_time = sum(self.on_time, o.on_time);
        self.late = sum(self.late, o.late);
        self.dropped = sum(self.dropped, o.dropped);
        for (m, x) in self.mech.iter_mut().zip(o.mech) {
            *m = sum(*m, x);
        }
        if let (Some(mine), Some(theirs)) = (&mut self.by_tick, &o.by_tick) {
            for (&k, &v) in theirs {
                *mine.entry(k).or_insert(0) += v;
            }
        }
    }

    fn finish(self, id: Option<String>) -> PeriodIndicators {
        let total = self.sent.value as f64;
        let share = |c: CountValue| MechanismShare {
            count: c.count,
            value: c.value,
            share: div(c.value as f64, total),
        };
        let throughput = self.by_tick.map(|ticks| {
            let mut cum = 0i128;
            ticks
                .into_iter()
                .map(|(k, v)| {
                    cum += v;
                    (k, div(cum as f64, total))
                })
                .collect()
        });
        PeriodIndicators {
            id,
            liquidity_upper_bound: self.upper,
            liquidity_lower_bound: self.lower,
            delay_indicator: div(self.rho_num as f64, self.rho_den as f64),
            value_weighted_mean_delay: div(self.value_ticks as f64, total),
            sent: self.sent,
            received: self.received,
            unsettled: self.unsettled,
            peak_queue1: self.peak_q1,
            peak_queue2: self.peak_q2,
            liquidity_used: self.used,
            available_liquidity_at_start: self.available,
            turnover_ratio: div(total, self.available as f64),
            on_time: self.on_time,
            late: self.late,
            dropped: self.dropped,
            settled_by_mechanism: ByMechanism {
                rtgs: share(self.mech[0]),
                queue: share(self.mech[1]),
                bilateral: share(self.mech[2]),
                multilateral: share(self.mech[3]),
            },
            throughput,
        }
    }
}

impl IndicatorState {
    fn day_accs(&self, day: &DayRecord, credit: &[i64]) -> Vec<Acc> {
        day.agents
            .iter()
            .zip(credit)
            .map(|(d, &c)| Acc::of_day(d, c))
            .collect()
    }

    /// The three figures of the statistics for agent `a`: whole-run upper and lower bound
    /// and ρ. O(1).
    pub(crate) fn agent_figures(&self, a: usize) -> (i128, i128, f64) {
        let r = &self.agents[a];
        (
            r.upper_bound,
            r.lower_bound.max(r.net_released),
            div(r.delay_weighted as f64, r.delay_max_weighted as f64),
        )
    }

    /// The same for the system: the sums of the bounds, and ρ over all agents. O(agents).
    pub(crate) fn system_figures(&self) -> (i128, i128, f64) {
        let (mut up, mut low, mut num, mut den) = (0, 0, 0u128, 0u128);
        for (a, r) in self.agents.iter().enumerate() {
            let (u, l, _) = self.agent_figures(a);
            up += u;
            low += l;
            num += r.delay_weighted;
            den += r.delay_max_weighted;
        }
        (up, low, div(num as f64, den as f64))
    }

    /// The bounds and ρ of the statistics, per agent and for the system.
    pub(crate) fn fill_statistics(&self, stats: &mut crate::stats::Statistics) {
        for (a, agent) in stats.agents.iter_mut().enumerate() {
            (
                agent.liquidity_upper_bound,
                agent.liquidity_lower_bound,
                agent.delay_indicator,
            ) = self.agent_figures(a);
        }
        (
            stats.liquidity_upper_bound,
            stats.liquidity_lower_bound,
            stats.delay_indicator,
        ) = self.system_figures();
    }

    /// The whole indicators document. O(days × agents × ticks_per_day) for the days kept
    /// (the open day only when closed days are forgotten).
    pub(crate) fn document(&self, cx: &Context, provenance: Provenance) -> Indicators {
        let n = self.agents.len();
        let open = self.today.first_tick < cx.tick;
        let all_days: Vec<(&DayRecord, bool)> = self
            .days
            .iter()
            .map(|d| (d, true))
            .chain(open.then_some((&self.today, false)))
            .collect();
        let mut days = Vec::with_capacity(all_days.len());
        // The whole run: the closed days' sums (kept as they closed), then the open day.
        let mut run: Vec<Acc> = (0..n)
            .map(|a| self.closed.get(a).map(|c| c.0.clone()).unwrap_or_default())
            .collect();
        for (day, closed) in all_days {
            let mut accs = self.day_accs(day, cx.credit);
            if !closed {
                self.unsettled_now(cx, &mut accs);
            }
            let mut system = Acc {
                by_tick: Some(BTreeMap::new()),
                ..Acc::default()
            };
            let mut agents = Vec::with_capacity(n);
            for (a, acc) in accs.into_iter().enumerate() {
                system.add_agent(&acc);
                if !closed {
                    run[a].add_day(&acc);
                }
                agents.push(acc.finish(Some(cx.ids[a].clone())));
            }
            days.push(DayIndicators {
                day: day.day,
                first_tick: day.first_tick,
                closed,
                system: system.finish(None),
                agents,
            });
        }
        self.unsettled_now(cx, &mut run);
        let mut system = Acc::default();
        let mut agents = Vec::with_capacity(n);
        for (a, mut acc) in run.into_iter().enumerate() {
            let r = &self.agents[a];
            let (upper, lower, _) = self.agent_figures(a);
            acc.upper = upper;
            acc.lower = lower;
            // ρ from the run's own sums (the same as the days' sums).
            acc.rho_num = r.delay_weighted;
            acc.rho_den = r.delay_max_weighted;
            let start = self.start_balances[a] as i128;
            acc.used = (start - r.min_balance as i128).max(0);
            acc.available = start + cx.credit[a] as i128;
            system.add_agent(&acc);
            agents.push(acc.finish(Some(cx.ids[a].clone())));
        }
        Indicators {
            schema_version: INDICATORS_SCHEMA_VERSION,
            ticks_run: cx.tick,
            since_tick: self.since_tick,
            ticks_per_day: cx.ticks_per_day,
            system: system.finish(None),
            delay_percentiles: self.percentiles(),
            agents,
            days,
            provenance,
        }
    }

    /// Queue 1 + Queue 2 as they are now.
    fn unsettled_now(&self, cx: &Context, accs: &mut [Acc]) {
        for (a, acc) in accs.iter_mut().enumerate() {
            let r = &self.agents[a];
            acc.unsettled = CountValue {
                count: cx.queue1[a] + cx.queue2[a],
                value: r.queue1_value + r.queue2_value,
            };
        }
    }

    fn percentiles(&self) -> DelayPercentiles {
        let total: u64 = self.delays.values().sum();
        let rank = |p: u64| {
            // Nearest rank: the smallest delay with at least ⌈p·N/100⌉ settlements at or below.
            let need = (p * total).div_ceil(100).max(1);
            let mut seen = 0;
            for (&d, &c) in &self.delays {
                seen += c;
                if seen >= need {
                    return d;
                }
            }
            0
        };
        DelayPercentiles {
            p50: rank(50),
            p90: rank(90),
            p95: rank(95),
            p99: rank(99),
            max: self.delays.keys().next_back().copied().unwrap_or(0),
        }
    }
}
