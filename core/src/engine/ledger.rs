//! The ledger: balances, credit lines, and the one place where money moves.
//!
//! Every move must keep several promises at once: the sum of balances never changes, no
//! balance goes below minus its credit limit, each agent's deepest overdraft is tracked, and
//! the skip-work memos hear that the agent changed. Keeping the balances private to this
//! module and moving money only through [`Simulation::transfer`] and
//! [`Simulation::transfer_simultaneous`] keeps those promises in one place. Settlement decides
//! *whether* payments settle; the ledger only moves the money. A change of credit limit
//! belongs here too, followed by `invalidate(agent, LiquidityRose or LiquidityFell)`.

use crate::config::SimulationConfig;
use crate::engine::{Change, Simulation};
use crate::transaction::AgentIdx;

/// Balances and credit limits, by agent index.
#[derive(Debug, Clone)]
pub(crate) struct Ledger {
    balances: Vec<i64>,
    credit: Vec<i64>,
    /// Scratch for simultaneous settlement: each agent's net move, zero between calls.
    net: Vec<i128>,
    /// Deferred crediting (`rules.deferred_crediting`): per agent, what it received this
    /// tick, not usable before the next; the agents with some. Empty between ticks.
    deferred: Option<Box<Deferred>>,
}

/// Funds received this tick under deferred crediting.
#[derive(Debug, Clone, Default)]
struct Deferred {
    unusable: Vec<i64>,
    agents: Vec<AgentIdx>,
}

impl Ledger {
    /// Opening balances and credit limits from the configuration.
    pub fn new(config: &SimulationConfig) -> Self {
        let agents = &config.agent_configs;
        Ledger {
            balances: agents.iter().map(|a| a.opening_balance).collect(),
            // `credit_limit`, or the credit line of the agent's collateral (`crate::rules`).
            credit: crate::rules::config::credit_lines(config),
            net: vec![0; agents.len()],
            deferred: config.rules.deferred_crediting.then(|| {
                Box::new(Deferred {
                    unusable: vec![0; agents.len()],
                    agents: Vec::new(),
                })
            }),
        }
    }

    /// Under deferred crediting, `amount` received by `agent` is not usable this tick.
    fn defer(&mut self, agent: AgentIdx, amount: i64) {
        if let Some(d) = self.deferred.as_deref_mut() {
            let u = &mut d.unusable[agent as usize];
            if *u == 0 {
                d.agents.push(agent);
            }
            *u += amount;
        }
    }

    /// An agent's balance (negative while it uses its credit line).
    pub fn balance(&self, agent: AgentIdx) -> i64 {
        self.balances[agent as usize]
    }

    /// Every balance, in agent order.
    pub fn balances(&self) -> &[i64] {
        &self.balances
    }

    /// An agent's credit limit.
    pub fn credit_limit(&self, agent: AgentIdx) -> i64 {
        self.credit[agent as usize]
    }

    /// Every credit limit, in agent order.
    pub fn credit_limits(&self) -> &[i64] {
        &self.credit
    }

    /// Liquidity available to an agent: balance plus credit line (never negative), less what
    /// it received this tick under deferred crediting.
    pub fn available(&self, agent: AgentIdx) -> i64 {
        let a = agent as usize;
        let unusable = self.deferred.as_deref().map_or(0, |d| d.unusable[a]);
        self.balances[a] + self.credit[a] - unusable
    }

    /// Replace every balance with a snapshot's. Restore only: it has checked the sum and the
    /// limits, and it invalidates every skip-work memo afterwards.
    pub fn restore_balances(&mut self, balances: Vec<i64>) {
        self.balances = balances;
    }

    /// Replace every credit limit with a snapshot's (restore only, as the balances).
    pub fn restore_credit_limits(&mut self, credit: Vec<i64>) {
        self.credit = credit;
    }
}

impl Simulation {
    /// Move `amount` from `sender` to `receiver` (a single gross settlement). The caller has
    /// checked that the sender can fund it.
    pub(crate) fn transfer(&mut self, sender: AgentIdx, receiver: AgentIdx, amount: i64) {
        self.apply_delta(sender, -amount);
        self.apply_delta(receiver, amount);
        self.ledger.defer(receiver, amount);
    }

    /// The end of a tick under deferred crediting: what each agent received becomes usable.
    pub(crate) fn release_deferred_credits(&mut self) {
        let Some(d) = self.ledger.deferred.as_deref_mut() else {
            return;
        };
        let agents = std::mem::take(&mut d.agents);
        for &a in &agents {
            d.unusable[a as usize] = 0;
        }
        for a in agents {
            self.invalidate(a, Change::LiquidityRose);
        }
    }

    /// Move the money of several payments `(sender, receiver, amount)` at once: each agent's
    /// balance moves by its net amount, so no intermediate state is ever below a credit
    /// limit. The caller has checked that every agent can fund its net debit. Agents are
    /// updated in index order.
    pub(crate) fn transfer_simultaneous(
        &mut self,
        payments: impl IntoIterator<Item = (AgentIdx, AgentIdx, i64)>,
    ) {
        let mut net = std::mem::take(&mut self.ledger.net);
        let mut touched: Vec<AgentIdx> = Vec::new();
        for (sender, receiver, amount) in payments {
            for (agent, delta) in [(sender, -(amount as i128)), (receiver, amount as i128)] {
                let n = &mut net[agent as usize];
                if *n == 0 {
                    touched.push(agent);
                }
                *n += delta;
            }
        }
        touched.sort_unstable();
        touched.dedup();
        for agent in touched {
            let delta = std::mem::take(&mut net[agent as usize]);
            // |net| ≤ total money in the system, which the configuration keeps within i64.
            self.apply_delta(agent, delta as i64);
            if delta > 0 {
                self.ledger.defer(agent, delta as i64); // a net receipt (deferred crediting)
            }
        }
        self.ledger.net = net;
    }

    /// An external injection (`delta > 0`) or withdrawal on one account (a scheduled
    /// `liquidity` action): the one way money enters or leaves the system. The caller keeps
    /// the balance within the credit limit and the total within the bound on money.
    pub(crate) fn external_flow(&mut self, agent: AgentIdx, delta: i64) {
        self.apply_delta(agent, delta);
    }

    /// A new credit line (a scheduled `credit_limit` action); the caller keeps it at or above
    /// what the agent uses and invalidates the memos.
    pub(crate) fn set_credit_limit(&mut self, agent: AgentIdx, limit: i64) {
        self.ledger.credit[agent as usize] = limit;
    }

    /// Change one balance. Callers keep every balance within its credit limit; the validated
    /// bound on total money means the addition cannot overflow.
    fn apply_delta(&mut self, agent: AgentIdx, delta: i64) {
        let a = agent as usize;
        let balance = &mut self.ledger.balances[a];
        *balance += delta;
        debug_assert!(
            *balance >= -self.ledger.credit[a],
            "agent {a} below its credit limit"
        );
        self.indicators.balance_changed(agent, *balance);
        if *balance < 0 {
            let peak = &mut self.totals.agents[a].peak_overdraft;
            *peak = (*peak).max(-*balance);
        }
        let change = if delta > 0 {
            Change::LiquidityRose
        } else {
            Change::LiquidityFell
        };
        self.invalidate(agent, change);
    }
}
