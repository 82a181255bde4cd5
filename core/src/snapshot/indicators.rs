//! Restoring the indicators' accumulators and the time-series recorder (version 4), or
//! starting them at the restored tick for a document without them (versions 1–3).
//!
//! The checks are those that keep every later hook in range and the queue values true: one
//! entry per agent everywhere, one per tick of the day in each throughput row, the open day
//! the tick's, and queue values equal to what the restored queues hold.

use super::check::bad;
use crate::engine::Simulation;
use crate::error::SimError;
use crate::indicators::state::IndicatorState;
use crate::timeseries::Recorder;
use crate::transaction::Location;

impl Simulation {
    /// Install (or start) the indicators and the recorder of a restored state; the queues,
    /// balances and tick are already installed.
    pub(super) fn install_indicators(
        &mut self,
        indicators: Option<IndicatorState>,
        timeseries: Option<Recorder>,
    ) -> Result<(), SimError> {
        let n = self.ids.len();
        let tpd = self.ticks_per_day;
        // What the restored queues hold, per sender.
        let mut q1 = vec![0i128; n];
        let mut q2 = vec![0i128; n];
        let waiting: Vec<u32> = self.timed_slots().map(|(_, s)| s).collect();
        let slots = (self.queue1.iter().flatten())
            .chain(&self.pending_manual)
            .chain(&waiting);
        for &slot in slots {
            if let Some(tx) = self.txs.get(slot) {
                q1[tx.sender as usize] += tx.amount as i128;
            }
        }
        for s in 0..n as u32 {
            for e in self.queue2.sender_queue(s).values() {
                if let Some(tx) = self.txs.get(e.slot) {
                    debug_assert!(matches!(tx.location, Location::Queue2 { .. }));
                    q2[s as usize] += tx.amount as i128;
                }
            }
        }
        let state = match indicators {
            None => {
                let mut fresh = IndicatorState::new(self.tick, self.ledger.balances(), tpd);
                for (a, run) in fresh.agents.iter_mut().enumerate() {
                    run.queue1_value = q1[a];
                    run.queue2_value = q2[a];
                }
                fresh
            }
            Some(s) => {
                let p = "indicators";
                let lens = [
                    ("start_balances", s.start_balances.len()),
                    ("agents", s.agents.len()),
                    ("today.agents", s.today.agents.len()),
                ];
                for (field, len) in lens {
                    if len != n {
                        return Err(bad(
                            format!("{p}.{field}"),
                            format!("has {len} entries for {n} agents"),
                        ));
                    }
                }
                let days = s
                    .days
                    .iter()
                    .enumerate()
                    .map(|(i, d)| (format!("{p}.days[{i}]"), d));
                for (path, day) in days.chain([(format!("{p}.today"), &s.today)]) {
                    if day.agents.len() != n {
                        return Err(bad(
                            format!("{path}.agents"),
                            format!("has {} entries for {n} agents", day.agents.len()),
                        ));
                    }
                    let ascending = |a: &crate::indicators::state::DayAgent| {
                        a.settled_by_tick.windows(2).all(|w| w[0].0 < w[1].0)
                            && a.settled_by_tick.last().is_none_or(|l| l.0 < tpd)
                    };
                    if let Some(i) = day.agents.iter().position(|a| !ascending(a)) {
                        return Err(bad(
                            format!("{path}.agents[{i}].settled_by_tick"),
                            format!("must list ticks of the day (below {tpd}) in ascending order"),
                        ));
                    }
                    // Queue values are sums of positive amounts; the end-of-tick peaks skip
                    // agents with nothing queued on that ground (`IndicatorState::end_tick`).
                    let negative = |a: &crate::indicators::state::DayAgent| {
                        a.peak_queue1.value < 0 || a.peak_queue2.value < 0
                    };
                    if let Some(i) = day.agents.iter().position(negative) {
                        return Err(bad(
                            format!("{path}.agents[{i}]"),
                            "has a negative queue peak (queue values are never below zero)",
                        ));
                    }
                }
                let day = self.tick / tpd;
                if s.today.day != day
                    || s.today.first_tick > self.tick
                    || s.today.first_tick < day * tpd
                    || s.since_tick > self.tick
                {
                    return Err(bad(
                        format!("{p}.today"),
                        format!("is not the open day of tick {}", self.tick),
                    ));
                }
                for a in 0..n {
                    if s.agents[a].queue1_value != q1[a] || s.agents[a].queue2_value != q2[a] {
                        return Err(bad(
                            format!("{p}.agents[{a}]"),
                            "queue values differ from the queues' contents",
                        ));
                    }
                }
                let mut s = s;
                s.refold_closed();
                s
            }
        };
        if let Some(r) = &timeseries {
            let samples = r.tick.len();
            let columns = [
                r.balance.len(),
                r.liquidity_usage.len(),
                r.queue1_count.len(),
                r.queue1_value.len(),
                r.queue2_count.len(),
                r.queue2_value.len(),
            ];
            let ticks_ok = r.every >= 1
                && r.tick.windows(2).all(|w| w[0] < w[1])
                && r.tick
                    .iter()
                    .all(|&t| t <= self.tick && t.is_multiple_of(r.every));
            if !ticks_ok || columns.iter().any(|&c| c != samples * n) {
                return Err(bad(
                    "timeseries",
                    "columns or sample ticks do not fit the interval, the agents and the tick",
                ));
            }
        }
        self.indicators = state;
        self.timeseries = timeseries;
        Ok(())
    }
}
