//! The time-series recorder: opt-in sampling, every `k` ticks, of each agent's balance,
//! liquidity usage and queues, stored by column so that a sample costs a few pushes and no
//! allocation per row. Off (the default), it costs one branch per tick.
//!
//! A sample is taken after each tick that leaves `state().tick` (the ticks run) a multiple
//! of `k`, and holds exactly what `state()` says then, plus the liquidity usage and queue
//! values the indicators track. The recorder is part of the snapshot (version 4).

use serde::{Deserialize, Serialize};

use crate::engine::Simulation;
use crate::error::SimError;
use crate::indicators::state::IndicatorState;

/// The `schema_version` of the time-series document.
pub const TIMESERIES_SCHEMA_VERSION: u32 = 1;

/// The samples, by column: row `s × agents + a` is agent `a` in sample `s`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recorder {
    /// Sampling interval in ticks (≥ 1).
    pub every: u64,
    /// The ticks run at each sample (one entry per sample).
    pub tick: Vec<u64>,
    /// Balance.
    pub balance: Vec<i64>,
    /// Net debit since the start of the day: max(0, start-of-day balance − balance).
    pub liquidity_usage: Vec<i64>,
    /// Orders in Queue 1.
    pub queue1_count: Vec<u64>,
    /// Their value (saturating at 2^63 − 1).
    pub queue1_value: Vec<i64>,
    /// Its payments in Queue 2.
    pub queue2_count: Vec<u64>,
    /// Their value (saturating).
    pub queue2_value: Vec<i64>,
}

fn clamp(v: i128) -> i64 {
    v.clamp(i64::MIN as i128, i64::MAX as i128) as i64
}

impl Recorder {
    fn new(every: u64) -> Self {
        Recorder {
            every,
            ..Recorder::default()
        }
    }

    /// After a tick: record a sample when `ticks_run` is a multiple of `every`.
    pub(crate) fn observe(
        &mut self,
        ticks_run: u64,
        balances: &[i64],
        ind: &IndicatorState,
        queue1: &[u64],
        queue2: impl Fn(usize) -> u64,
    ) {
        if !ticks_run.is_multiple_of(self.every) {
            return;
        }
        self.tick.push(ticks_run);
        for (a, &b) in balances.iter().enumerate() {
            let start = ind.today.agents[a].start_balance as i128;
            let run = &ind.agents[a];
            self.balance.push(b);
            self.liquidity_usage.push(clamp((start - b as i128).max(0)));
            self.queue1_count.push(queue1[a]);
            self.queue1_value.push(clamp(run.queue1_value));
            self.queue2_count.push(queue2(a));
            self.queue2_value.push(clamp(run.queue2_value));
        }
    }

    /// Samples recorded so far.
    pub fn samples(&self) -> usize {
        self.tick.len()
    }
}

/// Per-agent columns of a page (one row per agent per sample).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentColumns {
    /// Ticks run at the sample.
    pub tick: Vec<u64>,
    /// Agent id.
    pub agent: Vec<String>,
    /// Balance.
    pub balance: Vec<i64>,
    /// Net debit since the start of the day.
    pub liquidity_usage: Vec<i64>,
    /// Queue 1 count.
    pub queue1_count: Vec<u64>,
    /// Queue 1 value.
    pub queue1_value: Vec<i64>,
    /// Queue 2 count.
    pub queue2_count: Vec<u64>,
    /// Queue 2 value.
    pub queue2_value: Vec<i64>,
}

/// System columns of a page (one row per sample: sums over the agents).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SystemColumns {
    /// Ticks run at the sample.
    pub tick: Vec<u64>,
    /// Σ liquidity usage.
    pub liquidity_usage: Vec<i64>,
    /// Σ Queue 1 count.
    pub queue1_count: Vec<u64>,
    /// Σ Queue 1 value.
    pub queue1_value: Vec<i64>,
    /// Σ Queue 2 count (= the Queue 2 size).
    pub queue2_count: Vec<u64>,
    /// Σ Queue 2 value.
    pub queue2_value: Vec<i64>,
}

/// A page of the time series (`Simulation::timeseries_page`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimeSeriesPage {
    /// [`TIMESERIES_SCHEMA_VERSION`].
    pub schema_version: u32,
    /// Sampling interval (0: not recording).
    pub every: u64,
    /// Index of the first sample in this page.
    pub first_sample: u64,
    /// Samples recorded in all.
    pub total_samples: u64,
    /// Per agent.
    pub agents: AgentColumns,
    /// System totals.
    pub system: SystemColumns,
}

impl Simulation {
    /// Start sampling every `every` ticks (≥ 1) from the next tick on. Asking again with the
    /// same interval changes nothing; another interval while recording is refused.
    pub fn record_timeseries(&mut self, every: u64) -> Result<(), SimError> {
        if every == 0 {
            return Err(SimError::argument(
                "every",
                "every must be at least 1 tick (got 0)".to_string(),
                0u64,
            ));
        }
        match &self.timeseries {
            Some(r) if r.every == every => Ok(()),
            Some(r) => Err(SimError::argument(
                "every",
                format!(
                    "the time series is already recorded every {} ticks (asked for {every})",
                    r.every
                ),
                every,
            )),
            None => {
                self.timeseries = Some(Recorder::new(every));
                Ok(())
            }
        }
    }

    /// The recorder, if recording.
    pub fn timeseries(&self) -> Option<&Recorder> {
        self.timeseries.as_ref()
    }

    /// At most `max_samples` samples from sample `from_sample` on, by column. Empty when not
    /// recording or past the end.
    pub fn timeseries_page(&self, from_sample: u64, max_samples: u64) -> TimeSeriesPage {
        let n = self.ids.len();
        let empty = Recorder::default();
        let r = self.timeseries.as_ref().unwrap_or(&empty);
        let total = r.samples();
        let first = usize::try_from(from_sample)
            .unwrap_or(usize::MAX)
            .min(total);
        let last = first
            .saturating_add(usize::try_from(max_samples).unwrap_or(usize::MAX))
            .min(total);
        let rows = first * n..last * n;
        let ticks = &r.tick[first..last];
        let per_row = |s: usize| ticks[s / n];
        let sum_i = |col: &[i64], s: usize| {
            col[(first + s) * n..(first + s + 1) * n]
                .iter()
                .fold(0i64, |acc, &v| acc.saturating_add(v))
        };
        let sum_u = |col: &[u64], s: usize| -> u64 {
            col[(first + s) * n..(first + s + 1) * n].iter().sum()
        };
        let samples = last - first;
        TimeSeriesPage {
            schema_version: TIMESERIES_SCHEMA_VERSION,
            every: r.every,
            first_sample: first as u64,
            total_samples: total as u64,
            agents: AgentColumns {
                tick: (0..samples * n).map(per_row).collect(),
                agent: (0..samples * n).map(|i| self.ids[i % n].clone()).collect(),
                balance: r.balance[rows.clone()].to_vec(),
                liquidity_usage: r.liquidity_usage[rows.clone()].to_vec(),
                queue1_count: r.queue1_count[rows.clone()].to_vec(),
                queue1_value: r.queue1_value[rows.clone()].to_vec(),
                queue2_count: r.queue2_count[rows.clone()].to_vec(),
                queue2_value: r.queue2_value[rows].to_vec(),
            },
            system: SystemColumns {
                tick: ticks.to_vec(),
                liquidity_usage: (0..samples).map(|s| sum_i(&r.liquidity_usage, s)).collect(),
                queue1_count: (0..samples).map(|s| sum_u(&r.queue1_count, s)).collect(),
                queue1_value: (0..samples).map(|s| sum_i(&r.queue1_value, s)).collect(),
                queue2_count: (0..samples).map(|s| sum_u(&r.queue2_count, s)).collect(),
                queue2_value: (0..samples).map(|s| sum_i(&r.queue2_value, s)).collect(),
            },
        }
    }
}
