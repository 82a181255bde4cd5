//! The simulation's side of the indicators: the end-of-tick observation (indicators and the
//! time-series recorder) and the public queries.

use super::report::{Context, Indicators};
use crate::engine::Simulation;
use crate::transaction::AgentIdx;

impl Simulation {
    /// After the deadlines of tick `t` (and before its end-of-day penalties are counted in
    /// the result): queue peaks, the end of a day, and a time-series sample when one is due.
    pub(crate) fn observe_tick(&mut self, t: u64) {
        let queue2 = &self.queue2;
        let q2 = |a: usize| queue2.sender_len(a as AgentIdx) as u64;
        self.indicators.end_tick(&self.queue1_count, q2);
        // Sampled before a day closes, so that its liquidity usage is that of the tick's day.
        if let Some(recorder) = &mut self.timeseries {
            recorder.observe(
                t + 1,
                self.ledger.balances(),
                &self.indicators,
                &self.queue1_count,
                q2,
            );
        }
        if (t + 1).is_multiple_of(self.ticks_per_day) {
            self.indicators.end_day(
                t + 1,
                self.ledger.balances(),
                &self.queue1_count,
                q2,
                self.ticks_per_day,
            );
        }
    }

    fn indicator_context(&self) -> Context<'_> {
        Context {
            ids: &self.ids,
            credit: self.ledger.credit_limits(),
            tick: self.tick,
            ticks_per_day: self.ticks_per_day,
            queue1: &self.queue1_count,
            queue2: (0..self.ids.len())
                .map(|a| self.queue2.sender_len(a as AgentIdx) as u64)
                .collect(),
        }
    }

    /// The indicators document: liquidity bounds, delay indicator, per-participant results
    /// and intraday liquidity figures, for the whole run and per day (`docs/json.md`).
    pub fn indicators(&self) -> Indicators {
        self.indicators
            .document(&self.indicator_context(), self.provenance())
    }

    /// Stop keeping closed days for the indicators document, so that memory no longer grows
    /// with the days run (a year of 1,000 participants keeps ≈ 1 GiB of them otherwise).
    /// For runs that never ask for the per-day indicators: the whole-run indicators and the
    /// statistics stay exact, but the document's `days` lists only the open day, and a
    /// snapshot taken afterwards carries no indicators (a simulation restored from it starts
    /// them at its tick). Irreversible.
    pub fn forget_closed_days(&mut self) {
        self.indicators.forget_closed_days();
    }
}
