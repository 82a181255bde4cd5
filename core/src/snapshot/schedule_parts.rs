//! The schedule's part of a snapshot (version 4): the event kinds of applied actions, and the
//! schedule's state to and from its document.

use std::collections::BTreeMap;

use super::check::bad;
use super::v6 as doc;
use crate::engine::Simulation;
use crate::error::SimError;
use crate::events::EventKind;
use crate::schedule::resolve::{resolve, Context};
use crate::schedule::{Phase, ScenarioEvent};

/// An applied action's event (the other kinds are converted in `parts`).
pub(super) fn scheduled_event_to_doc(kind: &EventKind) -> doc::EventKind {
    use doc::EventKind as D;
    match *kind {
        EventKind::OutageStarted {
            agent,
            to_tick,
            block_receiving,
        } => D::OutageStarted {
            agent,
            to_tick,
            block_receiving,
        },
        EventKind::OutageEnded { agent } => D::OutageEnded { agent },
        EventKind::Liquidity {
            agent,
            amount,
            requested,
        } => D::Liquidity {
            agent,
            amount,
            requested,
        },
        EventKind::CreditLimit {
            agent,
            credit_limit,
            requested,
        } => D::CreditLimit {
            agent,
            credit_limit,
            requested,
        },
        EventKind::ArrivalRate { agent, rate } => D::ArrivalRate { agent, rate },
        EventKind::CounterpartyWeights { agent } => D::CounterpartyWeights { agent },
        EventKind::Lsm {
            bilateral,
            multilateral,
        } => D::Lsm {
            bilateral,
            multilateral,
        },
        EventKind::ReservationChanged {
            agent,
            class,
            from,
            to,
        } => D::ReservationChanged {
            agent,
            class,
            from,
            to,
        },
        EventKind::LimitChanged {
            agent,
            counterparty,
            from,
            to,
        } => D::LimitChanged {
            agent,
            counterparty,
            from,
            to,
        },
        // `parts` converts every other kind itself.
        _ => unreachable!("not an applied action's event"),
    }
}

/// The engine's kind of an applied action's event document.
pub(super) fn scheduled_event_from_doc(kind: doc::EventKind) -> EventKind {
    use doc::EventKind as D;
    match kind {
        D::OutageStarted {
            agent,
            to_tick,
            block_receiving,
        } => EventKind::OutageStarted {
            agent,
            to_tick,
            block_receiving,
        },
        D::OutageEnded { agent } => EventKind::OutageEnded { agent },
        D::Liquidity {
            agent,
            amount,
            requested,
        } => EventKind::Liquidity {
            agent,
            amount,
            requested,
        },
        D::CreditLimit {
            agent,
            credit_limit,
            requested,
        } => EventKind::CreditLimit {
            agent,
            credit_limit,
            requested,
        },
        D::ArrivalRate { agent, rate } => EventKind::ArrivalRate { agent, rate },
        D::CounterpartyWeights { agent } => EventKind::CounterpartyWeights { agent },
        D::Lsm {
            bilateral,
            multilateral,
        } => EventKind::Lsm {
            bilateral,
            multilateral,
        },
        D::ReservationChanged {
            agent,
            class,
            from,
            to,
        } => EventKind::ReservationChanged {
            agent,
            class,
            from,
            to,
        },
        D::LimitChanged {
            agent,
            counterparty,
            from,
            to,
        } => EventKind::LimitChanged {
            agent,
            counterparty,
            from,
            to,
        },
        _ => unreachable!("`parts` converts every other kind itself"),
    }
}

impl Simulation {
    /// The schedule's document, or `None` when nothing was ever scheduled.
    pub(super) fn schedule_to_doc(&self) -> Option<doc::Schedule> {
        let s = &self.schedule;
        if s.is_pristine() {
            return None;
        }
        let a = &s.active;
        Some(doc::Schedule {
            last_seq: s.last_seq(),
            pending: self.pending_schedule(),
            credit_limits: a
                .credit_changed
                .then(|| self.ledger.credit_limits().to_vec()),
            weights: a.weights.iter().any(Option::is_some).then(|| {
                a.weights
                    .iter()
                    .map(|w| {
                        w.as_ref().map(|w| {
                            w.iter()
                                .map(|(r, x)| (self.ids[*r as usize].clone(), *x))
                                .collect::<BTreeMap<_, _>>()
                        })
                    })
                    .collect()
            }),
            lsm: a.lsm.clone(),
            external_net: a.external_net,
            external_inflow: a.external_in,
            external_outflow: a.external_out,
        })
    }

    /// Install a snapshot's schedule into a fresh simulation at tick `tick` (before the
    /// consistency checks, which read the credit limits and external flows it sets).
    pub(super) fn schedule_from_doc(
        &mut self,
        tick: u64,
        d: doc::Schedule,
    ) -> Result<(), SimError> {
        let n = self.ids.len();
        // The configuration's actions were scheduled by `new`; the document says what is left.
        self.schedule = crate::schedule::Schedule::new(n);
        for (what, len) in [
            (
                "schedule.credit_limits",
                d.credit_limits.as_ref().map_or(n, Vec::len),
            ),
            ("schedule.weights", d.weights.as_ref().map_or(n, Vec::len)),
        ] {
            if len != n {
                return Err(bad(what, format!("{len} entries for {n} agents")));
            }
        }
        // Each entry is read by the rules of a live append at its own tick (so a pending
        // entry that could not have been scheduled is refused); its sequence number and
        // phase are then kept.
        let mut pending = d.pending;
        for (i, p) in pending.iter_mut().enumerate() {
            let path = format!("schedule.pending[{i}]");
            if p.tick < tick || p.seq > d.last_seq {
                return Err(bad(path, format!("entry at tick {} (seq {}) is before tick {tick} or after the last sequence number {}", p.tick, p.seq, d.last_seq)));
            }
            // A payment due now has already joined the pending submissions.
            if p.tick == tick && p.action.kind == crate::schedule::ActionType::Payment {
                return Err(bad(path, format!("payment due at tick {tick} is still in the schedule (it joins the pending submissions when the clock reaches its tick)")));
            }
            let mut written: ScenarioEvent = p.action.clone();
            let ctx_now = match p.phase {
                Phase::End => written.from_tick.unwrap_or(0),
                _ => p.tick.min(written.from_tick.unwrap_or(p.tick)),
            };
            // A repeating entry is checked from its next occurrence.
            if written.every.is_some() {
                written.tick = Some(p.tick);
            }
            let ctx = Context {
                config: &self.config,
                index: &self.index,
                now: ctx_now.min(p.tick),
                horizon: self.horizon,
            };
            let mut windows = self.schedule.windows.clone();
            let mut resolved = resolve(std::slice::from_ref(&written), &ctx, &mut windows)
                .map_err(|problems| {
                    bad(
                        path.clone(),
                        problems
                            .iter()
                            .map(|p| p.message.as_str())
                            .collect::<Vec<_>>()
                            .join("; "),
                    )
                })?;
            let Some(mut r) = resolved.pop() else {
                return Err(bad(path, "entry did not resolve"));
            };
            self.schedule.windows = windows;
            r.entry.phase = p.phase;
            if let (Some(rep), Some(first)) = (r.entry.repeat.as_mut(), p.action.tick) {
                rep.first = first;
            }
            let key_tick = p.tick;
            if p.phase == Phase::Start && Some(key_tick) != p.action.from_tick {
                return Err(bad(
                    path,
                    "a window's start is pending at another tick than its from_tick",
                ));
            }
            if p.phase == Phase::End && Some(key_tick) != p.action.to_tick {
                return Err(bad(
                    path,
                    "a window's end is pending at another tick than its to_tick",
                ));
            }
            self.schedule.insert(key_tick, Some(p.seq), r.entry);
        }
        self.schedule.set_last_seq(d.last_seq);
        let a = &mut self.schedule.active;
        a.external_net = d.external_net;
        a.external_in = d.external_inflow;
        a.external_out = d.external_outflow;
        a.lsm = d.lsm;
        if let Some(limits) = d.credit_limits {
            if let Some(i) = limits.iter().position(|&c| c < 0) {
                return Err(bad(
                    format!("schedule.credit_limits[{i}]"),
                    "a credit limit is negative",
                ));
            }
            a.credit_changed = true;
            self.ledger.restore_credit_limits(limits);
        }
        if let Some(weights) = d.weights {
            for (agent, w) in weights.into_iter().enumerate() {
                let Some(w) = w else { continue };
                let path = format!("schedule.weights[{agent}]");
                let mut event =
                    ScenarioEvent::new(crate::schedule::ActionType::CounterpartyWeights);
                event.agent = Some(self.ids[agent].clone());
                event.tick = Some(tick);
                event.weights = Some(w);
                let ctx = Context {
                    config: &self.config,
                    index: &self.index,
                    now: tick,
                    horizon: u64::MAX,
                };
                let r = resolve(&[event], &ctx, &mut Default::default()).map_err(|problems| {
                    bad(
                        path.clone(),
                        problems
                            .iter()
                            .map(|p| p.message.as_str())
                            .collect::<Vec<_>>()
                            .join("; "),
                    )
                })?;
                if let Some(crate::schedule::entry::Effect::Weights { weights, .. }) =
                    r.into_iter().next().map(|r| r.entry.effect)
                {
                    self.schedule.active.weights[agent] = Some(weights);
                }
            }
        }
        self.reinstate_schedule_effects();
        Ok(())
    }
}
