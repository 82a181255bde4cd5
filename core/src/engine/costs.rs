//! Costs: the running costs of step 6 and the one function through which every cost is
//! charged.
//!
//! A charge lands in three places at once — the tick's result, the run's totals and the
//! agent's totals — and each kind in its own bucket; `charge` keeps them in step so the
//! breakdowns always add up to their totals. Costs are accounting only: they never move a
//! balance.

use crate::engine::Simulation;
use crate::stats::CostBreakdown;
use crate::transaction::AgentIdx;

/// Which cost bucket a charge goes to.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Charge {
    Liquidity,
    Delay,
    Split,
    Deadline,
    EndOfDay,
}

impl Simulation {
    /// Step 6: liquidity cost on overdrafts and delay cost on every order still waiting.
    pub(super) fn charge_running_costs(&mut self) {
        let rates = &self.config.cost_rates;
        let (liquidity_rate, delay_rate) = (
            rates.liquidity_cost_per_unit_per_tick,
            rates.delay_cost_per_tick,
        );
        for a in 0..self.ids.len() {
            let balance = self.ledger.balance(a as AgentIdx);
            if balance < 0 && liquidity_rate > 0 {
                let cost = (-(balance as i128) * liquidity_rate as i128 / 1_000_000) as i64;
                self.charge(a as AgentIdx, Charge::Liquidity, cost);
            }
            let waiting = self.queue1_count[a] + self.queue2.sender_len(a as AgentIdx) as u64;
            if waiting > 0 && delay_rate > 0 {
                self.charge(
                    a as AgentIdx,
                    Charge::Delay,
                    delay_rate.saturating_mul(waiting as i64),
                );
            }
        }
        self.charge_collateral(); // `crate::rules`: the cost of holding collateral
    }

    /// Charge `amount` of cost `kind` to `agent` (zero charges are not recorded).
    pub(crate) fn charge(&mut self, agent: AgentIdx, kind: Charge, amount: i64) {
        if amount == 0 {
            return;
        }
        let mut c = CostBreakdown::default();
        let field = match kind {
            Charge::Liquidity => {
                self.current.total_liquidity_cost =
                    self.current.total_liquidity_cost.saturating_add(amount);
                &mut c.liquidity
            }
            Charge::Delay => {
                self.current.total_delay_cost =
                    self.current.total_delay_cost.saturating_add(amount);
                &mut c.delay
            }
            Charge::Split => {
                self.current.total_split_cost =
                    self.current.total_split_cost.saturating_add(amount);
                &mut c.split
            }
            Charge::Deadline => {
                self.current.total_deadline_penalty =
                    self.current.total_deadline_penalty.saturating_add(amount);
                &mut c.deadline_penalty
            }
            Charge::EndOfDay => {
                self.current.total_eod_penalty =
                    self.current.total_eod_penalty.saturating_add(amount);
                &mut c.eod_penalty
            }
        };
        *field = amount;
        c.total = amount;
        self.totals.costs.add(&c);
        self.totals.agents[agent as usize].costs.add(&c);
    }
}
