//! Reservations changed by scheduled `reservation` actions: the change itself, and the
//! reservations a snapshot keeps (those that differ from the configuration's; version 6
//! `reservations`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::PaymentClass;
use crate::engine::{Change, Simulation};
use crate::events::EventKind;
use crate::transaction::AgentIdx;

/// One agent's reservations in a snapshot (cents).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReservationDoc {
    /// Reserved for highly urgent payments.
    pub highly_urgent: i64,
    /// Reserved for urgent (and highly urgent) payments.
    pub urgent: i64,
}

impl Simulation {
    /// A scheduled `reservation` action: the reservation is set as asked, whatever the
    /// agent's liquidity now (nothing settled is unwound; its payments of the lower classes
    /// wait until the liquidity above the reservations funds them).
    /// Recorded as a `reservation_changed` event (old and new amounts).
    pub(crate) fn apply_reservation(&mut self, t: u64, agent: AgentIdx, rank: u8, amount: i64) {
        let Some(book) = self.rules.as_deref_mut() else {
            return; // refused at scheduling: no rules section
        };
        let old = book.reserved(agent)[usize::from(rank.min(1))];
        book.set_reserved(agent, rank, amount);
        let class = match rank {
            0 => PaymentClass::HighlyUrgent,
            _ => PaymentClass::Urgent,
        };
        let kind = EventKind::ReservationChanged {
            agent,
            class,
            from: old,
            to: amount,
        };
        self.events.record(t, kind);
        // More reserved: nothing that failed can settle now, but memos are stale; less: queued
        // payments may now be fundable.
        let change = if amount < old {
            Change::LiquidityRose
        } else {
            Change::LiquidityFell
        };
        self.invalidate(agent, change);
    }

    /// The reservations that differ from the configuration's, by agent id (a snapshot's).
    pub(crate) fn reservations_to_doc(&self) -> BTreeMap<String, ReservationDoc> {
        let Some(book) = self.rules.as_deref() else {
            return BTreeMap::new();
        };
        (0..self.ids.len())
            .filter_map(|a| {
                let [highly_urgent, urgent] = book.reserved(a as AgentIdx);
                let configured = self.configured_reservations(a);
                ([highly_urgent, urgent] != configured).then(|| {
                    (
                        self.ids[a].clone(),
                        ReservationDoc {
                            highly_urgent,
                            urgent,
                        },
                    )
                })
            })
            .collect()
    }

    /// Install a snapshot's reservations; `Err((path, message))` names what does not fit.
    pub(crate) fn install_reservations(
        &mut self,
        doc: BTreeMap<String, ReservationDoc>,
    ) -> Result<(), (String, String)> {
        if doc.is_empty() {
            return Ok(());
        }
        let index = &self.index;
        let Some(book) = self.rules.as_deref_mut() else {
            return Err((
                "reservations".into(),
                "reservations without a rule configured".into(),
            ));
        };
        for (id, r) in doc {
            let path = format!("reservations.{id}");
            let Some(&a) = index.get(&id) else {
                return Err((path, format!("unknown agent {id:?}")));
            };
            if r.highly_urgent < 0 || r.urgent < 0 {
                return Err((path, "a reservation is negative".into()));
            }
            book.set_reserved(a, 0, r.highly_urgent);
            book.set_reserved(a, 1, r.urgent);
        }
        Ok(())
    }

    /// Agent `a`'s reservations in the configuration.
    fn configured_reservations(&self, a: usize) -> [i64; 2] {
        (self.config.rules.participants.get(&self.ids[a])).map_or([0, 0], |r| {
            [r.reservations.highly_urgent, r.reservations.urgent]
        })
    }
}
