//! Per-agent figures the engine's totals do not keep (settlement delays, drops, external flows
//! by agent), counted as the run goes. A stress run attaches a probe to each simulation it
//! drives; a simulation without one (every other use) pays one branch per settlement, drop or
//! external flow. The probe is not
//! state of the simulation: snapshots neither hold nor need it.

use crate::transaction::AgentIdx;

/// Running per-sender sums since the probe was attached (tick 0 in a stress run).
#[derive(Debug, Clone, Default)]
pub(crate) struct Probe {
    /// Σ (settlement tick − arrival tick) over the sender's settled transactions.
    pub delay_sum: Vec<u64>,
    /// Σ amount × delay over the same, exact (i128: no overflow for any i64 amount × u64 tick).
    pub value_delay_sum: Vec<i128>,
    /// Transactions dropped at their deadline, and their value.
    pub dropped_count: Vec<u64>,
    pub dropped_value: Vec<i64>,
    /// Net external flow of scheduled `liquidity` actions (negative: withdrawn).
    pub external_net: Vec<i64>,
}

impl Probe {
    pub fn new(agents: usize) -> Self {
        Probe {
            delay_sum: vec![0; agents],
            value_delay_sum: vec![0; agents],
            dropped_count: vec![0; agents],
            dropped_value: vec![0; agents],
            external_net: vec![0; agents],
        }
    }

    pub fn settled(&mut self, sender: AgentIdx, amount: i64, delay: u64) {
        let s = sender as usize;
        self.delay_sum[s] = self.delay_sum[s].saturating_add(delay);
        self.value_delay_sum[s] += i128::from(amount) * i128::from(delay);
    }

    pub fn dropped(&mut self, sender: AgentIdx, amount: i64) {
        let s = sender as usize;
        self.dropped_count[s] += 1;
        self.dropped_value[s] = self.dropped_value[s].saturating_add(amount);
    }

    pub fn external(&mut self, agent: AgentIdx, applied: i64) {
        let a = agent as usize;
        self.external_net[a] = self.external_net[a].saturating_add(applied);
    }
}
