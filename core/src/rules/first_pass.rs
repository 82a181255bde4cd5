//! The rules in the liquidity bounds' first pass (`docs/model.md` § The release order, and the
//! liquidity bounds; `crate::indicators::bounds`).
//!
//! The bounds describe the payment flow's liquidity needs: the upper bound lets every payment
//! settle the moment it is released, the lower bound settles the day by one multilateral net.
//! So the pass keeps what shapes the flow — which payments exist, when and in what order they
//! are released — and drops every rule that holds a payment liquidity alone would settle:
//!
//! | rule | in the pass | why |
//! |------|-------------|-----|
//! | classes (and `not_offset`, `fifo_within_class`) | kept | they order the policies' releases (by class) as in the run; they hold nothing |
//! | reservations, scheduled `reservation` actions | dropped | a hold: liquidity kept from lower classes |
//! | bilateral / multilateral limits, scheduled `limit` actions | dropped | a hold: a normal payment waits although it is funded (and the policies under the rules do not release it) |
//! | collateral, scheduled `collateral` actions | kept | a credit line, as `credit_limit`, which the pass keeps and the bounds do not include |
//! | `entry_offsetting`, `deferred_crediting` | dropped | settlement switches: the bounds are pure RTGS figures, receipts usable at once |
//! | timed payments' from-times | kept | a property of the payment: it is released at its from-time, in the run as in the pass |
//!
//! A payment whose from-time is after the horizon is never released (it waits in Queue 1 to
//! the end); it counts in neither bound and does not make the pass fail.

use crate::config::SimulationConfig;
use crate::engine::Simulation;
use crate::schedule::ActionType;

use super::RulesConfig;

/// `pass` (a copy of the configuration for the first pass) without the rules' holds: the
/// reservations, the limits and the actions that change them, and the settlement switches.
/// With rules configured a rule book stays (classes at least), so the built-in policies
/// release by class as they do in the run; without, nothing changes.
pub(crate) fn without_holds(pass: &mut SimulationConfig) {
    if pass.rules.is_empty() {
        return;
    }
    let rules = std::mem::take(&mut pass.rules);
    let participants = (rules.participants.into_iter())
        .filter(|(_, r)| r.collateral.is_some())
        .map(|(id, r)| {
            let kept = super::ParticipantRules {
                collateral: r.collateral,
                ..Default::default()
            };
            (id, kept)
        })
        .collect();
    pass.rules = RulesConfig {
        classes: Some(rules.classes.unwrap_or_default()),
        participants,
        entry_offsetting: false,
        deferred_crediting: false,
    };
    (pass.scenario_events)
        .retain(|e| !matches!(e.kind, ActionType::Reservation | ActionType::Limit));
}

/// The payments still waiting for their from-time (after the horizon, once the pass has run
/// to its end): never released, they are not a failure of the pass.
pub(crate) fn waiting_for_from_time(sim: &Simulation) -> u64 {
    sim.timed_slots().count() as u64
}
