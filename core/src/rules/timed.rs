//! Timed payments (TARGET2's from-time and till-time; `docs/model.md` § Timed payments).
//!
//! A payment with a *from-time* `f` later than its arrival is not submitted for settlement
//! before `f`: it waits in its sender's Queue 1, counted there but invisible to the policy,
//! and joins the visible Queue 1 at step 1 of tick `f`, before that tick's generated orders
//! (in from-time, then order-number order). Its *till-time* is its deadline: at the end of the
//! deadline tick it is rejected (`deadline_mode: drop`, a `dropped` event) or flagged
//! (`overdue`, an `overdue` event), as every payment's deadline already was.
//!
//! The waiting payments are keyed by (from-time, id); a payment dropped while it waits leaves
//! a stale key, skipped when its from-time comes (the slot then holds another id or none).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::engine::Simulation;
use crate::error::Problem;
use crate::transaction::{Location, Slot, TxId};

/// A share of generated payments with a from-time (`arrival_config.timed`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TimedShare {
    /// Probability that a generated payment is timed (0–1).
    #[schemars(range(min = 0, max = 1))]
    pub share: f64,
    /// Ticks from arrival to its from-time (≥ 1, at most the deadline offsets of the stream).
    #[schemars(range(min = 1))]
    pub from_offset: i64,
}

/// The payments waiting for their from-time.
#[derive(Debug, Clone, Default)]
pub(crate) struct Waiting {
    by_from: BTreeMap<(u64, TxId), Slot>,
}

impl Waiting {
    /// Whether none waits (stale keys included).
    pub fn is_empty(&self) -> bool {
        self.by_from.is_empty()
    }
}

/// One payment whose from-time is ahead, in a snapshot (version 6, `timed`): its id and
/// from-time. The payment itself is listed in its sender's `queue1` (or in `pending_manual`).
/// This type *is* the format of `snapshot::v6`; a later change copies it into `v6.rs` first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimedDoc {
    /// The payment.
    pub tx: crate::snapshot::v6::TxId,
    /// Its from-time.
    pub from_tick: u64,
}

impl Simulation {
    /// An order just arrived at tick `t` (its arrival recorded): when its from-time is later,
    /// it waits for it and `true` is returned; else the caller appends it to Queue 1.
    pub(crate) fn wait_for_from_time(&mut self, slot: Slot, t: u64) -> bool {
        let Some(tx) = self.txs.get(slot) else {
            return false;
        };
        if tx.from_tick <= t {
            return false;
        }
        self.timed.by_from.insert((tx.from_tick, tx.id), slot);
        true
    }

    /// Step 1, first: the payments whose from-time is `t` (or earlier) join their senders'
    /// visible Queue 1.
    pub(crate) fn join_timed(&mut self, t: u64) {
        while let Some(entry) = self.timed.by_from.first_entry() {
            if entry.key().0 > t {
                break;
            }
            let ((_, id), slot) = entry.remove_entry();
            match self.txs.get(slot) {
                Some(tx) if tx.id == id && tx.location == Location::Queue1 => {
                    self.queue1[tx.sender as usize].push_back(slot);
                }
                _ => {} // dropped while it waited
            }
        }
    }

    /// The waiting payments (live ones), in (from-time, id) order.
    pub(crate) fn timed_slots(&self) -> impl Iterator<Item = (u64, Slot)> + '_ {
        (self.timed.by_from.iter())
            .filter(|&(&(_, id), &slot)| self.txs.get(slot).is_some_and(|tx| tx.id == id))
            .map(|(&(from, _), &slot)| (from, slot))
    }

    /// The snapshot's `timed` list: every live payment whose from-time is still ahead (waiting,
    /// or a manual submission not yet arrived), in (from-time, id) order.
    pub(crate) fn timed_to_doc(&self) -> Vec<TimedDoc> {
        let pending = (self.pending_manual.iter()).filter_map(|&s| self.txs.get(s));
        // One whose from-time is the next tick is written as a visible Queue 1 payment: it
        // joins the visible queue at that tick's step 1, behind the same payments either way.
        let mut out: Vec<TimedDoc> = (self.timed_slots())
            .filter_map(|(_, s)| self.txs.get(s))
            .chain(pending)
            .filter(|tx| tx.from_tick > self.tick)
            .map(|tx| TimedDoc {
                tx: crate::snapshot::v6::TxId {
                    seq: tx.id.seq,
                    part: tx.id.part,
                },
                from_tick: tx.from_tick,
            })
            .collect();
        out.sort_unstable_by_key(|d| (d.from_tick, d.tx.seq, d.tx.part));
        out
    }
}

/// Check `arrival_config.timed` of every agent: share in [0, 1], `1 ≤ from_offset ≤` the
/// stream's deadline offsets (a from-time after the till-time is an error).
pub(crate) fn validate(agents: &[crate::config::AgentConfig], p: &mut Vec<Problem>) {
    for (i, agent) in agents.iter().enumerate() {
        let Some(a) = &agent.arrival_config else {
            continue;
        };
        let Some(timed) = &a.timed else { continue };
        let at = format!("agent_configs[{i}].arrival_config.timed");
        let till = (a.time_critical.as_ref()).map_or(a.deadline_offset, |tc| {
            tc.deadline_offset.min(a.deadline_offset)
        });
        validate_share(timed, &at, &format!(" of {:?}", agent.id), till, p);
    }
}

/// Check `network.timed` as `arrival_config.timed` is checked.
pub(crate) fn validate_network(net: &crate::config::NetworkConfig, p: &mut Vec<Problem>) {
    if let Some(timed) = &net.timed {
        let till = (net.time_critical.as_ref()).map_or(net.deadline_offset, |tc| {
            tc.deadline_offset.min(net.deadline_offset)
        });
        validate_share(timed, "network.timed", "", till, p);
    }
}

/// One share: in [0, 1]; `1 ≤ from_offset ≤ till` (the stream's shortest deadline offset).
fn validate_share(timed: &TimedShare, at: &str, of: &str, till: i64, p: &mut Vec<Problem>) {
    if !(timed.share.is_finite() && (0.0..=1.0).contains(&timed.share)) {
        let path = format!("{at}.share");
        p.push(
            Problem::new(
                &path,
                format!("{path}{of} must be between 0 and 1 (got {})", timed.share),
            )
            .with_float(timed.share),
        );
    }
    let path = format!("{at}.from_offset");
    if timed.from_offset < 1 {
        p.push(
            Problem::new(
                &path,
                format!("{path}{of} must be ≥ 1 tick (got {})", timed.from_offset),
            )
            .with_value(timed.from_offset),
        );
    } else if timed.from_offset > till {
        p.push(
                Problem::new(
                    &path,
                    format!(
                        "{path}{of} ({}) puts the from-time after the till-time (the deadline, {till} ticks after arrival)",
                        timed.from_offset
                    ),
                )
                .with_value(timed.from_offset),
            );
    }
}
