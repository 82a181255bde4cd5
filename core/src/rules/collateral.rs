//! Intraday credit against collateral (`rules.participants.<id>.collateral`): the credit line
//! is `⌊posted × (1 − haircut)⌋`; scheduled `collateral` actions post more or withdraw some;
//! holding it may cost (step 6, as liquidity cost).

use super::config::collateral_credit;
use crate::engine::{Charge, Simulation};
use crate::transaction::AgentIdx;

/// One agent's collateral now.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Posted {
    pub agent: AgentIdx,
    pub posted: i64,
    pub haircut: f64,
    pub cost_ppm: i64,
}

impl Posted {
    /// The credit line it gives.
    pub fn credit(&self) -> i64 {
        collateral_credit(self.posted, self.haircut)
    }
}

/// The value in `lo..=hi` closest to `from` (`lo` or `hi`) for which `ok` holds, given that
/// `ok` holds at the other end and is monotone between them.
fn search(mut lo: i64, mut hi: i64, ok_at_hi: bool, ok: impl Fn(i64) -> bool) -> i64 {
    // Invariant: ok(hi) when ok_at_hi (find the smallest such), else ok(lo) (the largest).
    while lo < hi {
        let mid = lo + (hi - lo) / 2 + i64::from(!ok_at_hi && (hi - lo) % 2 == 1);
        match (ok_at_hi, ok(mid)) {
            (true, true) => hi = mid,
            (true, false) => lo = mid + 1,
            (false, true) => lo = mid,
            (false, false) => hi = mid - 1,
        }
    }
    lo
}

impl Simulation {
    /// Step 6, collateral's part: each agent holding collateral with a cost pays
    /// `⌊posted × cost_per_unit_per_tick / 1,000,000⌋` (liquidity cost).
    pub(crate) fn charge_collateral(&mut self) {
        let Some(book) = self.rules.as_deref() else {
            return;
        };
        let costs: Vec<(AgentIdx, i64)> = (book.collateral.iter())
            .filter(|c| c.cost_ppm > 0)
            .map(|c| {
                (
                    c.agent,
                    (c.posted as i128 * c.cost_ppm as i128 / 1_000_000) as i64,
                )
            })
            .collect();
        for (agent, cost) in costs {
            self.charge(agent, Charge::Liquidity, cost);
        }
    }

    /// A scheduled `collateral` action: post (`amount > 0`) or withdraw collateral. A
    /// withdrawal beyond what is posted withdraws all of it; one that would leave a credit
    /// line below the credit in use (−balance) withdraws only as much as keeps it; a posting
    /// that would break the bound on money posts only as much as keeps it. The `credit_limit`
    /// event records the credit line asked for and the one applied.
    pub(crate) fn apply_collateral(&mut self, t: u64, agent: AgentIdx, amount: i64) {
        let headroom = self.money_headroom();
        let used = (-self.ledger.balance(agent)).max(0);
        let Some(book) = self.rules.as_deref_mut() else {
            return;
        };
        let Some(c) = book.collateral.iter_mut().find(|c| c.agent == agent) else {
            return; // refused at scheduling: the agent has collateral
        };
        let (old, h) = (c.posted, c.haircut);
        let old_credit = c.credit();
        let asked = old.saturating_add(amount).max(0);
        let credit = |p: i64| collateral_credit(p, h);
        let applied = if asked < old && credit(asked) < used {
            // The smallest holding in [asked, old] whose credit covers what is used.
            search(asked, old, true, |p| credit(p) >= used)
        } else if asked > old && credit(asked) - old_credit > headroom {
            // The largest holding in [old, asked] within the bound on money.
            search(old, asked, false, |p| credit(p) - old_credit <= headroom)
        } else {
            asked
        };
        c.posted = applied;
        let new_credit = c.credit();
        self.change_credit_line(t, agent, old_credit, new_credit, credit(asked));
    }
}

#[cfg(test)]
mod tests {
    use super::search;

    #[test]
    fn search_finds_the_edge_from_either_side() {
        assert_eq!(search(0, 100, true, |p| p >= 37), 37);
        assert_eq!(search(0, 100, false, |p| p <= 37), 37);
        assert_eq!(search(5, 5, true, |_| true), 5);
        assert_eq!(search(0, 1, false, |p| p == 0), 0);
        assert_eq!(search(0, 1, true, |p| p == 1), 1);
    }
}
