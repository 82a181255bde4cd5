//! How payment orders come in: generated arrivals (step 1) and manual submissions, which
//! share one id counter and one order constructor.
//!
//! A manual submission is a `payment` action for the current tick (`crate::schedule`): it is
//! validated and gets its id at once, but joins its sender's Queue 1 only at the next tick's
//! arrival step, after that tick's generated orders — so a tick's arrivals do not depend on
//! when between two ticks a caller submitted.

use serde::{Deserialize, Serialize};

use crate::config::serde_helpers::mapping_only;
use crate::config::{
    default_deadline_offset, default_priority, null_as_deadline_offset, null_as_priority,
    MAX_PRIORITY,
};
use crate::engine::Simulation;
use crate::error::{Problem, SimError};
use crate::events::EventKind;
use crate::schedule::entry::{Effect, Entry};
use crate::schedule::Phase;
use crate::transaction::{AgentIdx, Location, Slot, Transaction, TxId};

// A submission is a JSON object, never a list (see `mapping_only!`).
mapping_only! {
    struct Submission;
}

/// A manual payment order (`submit`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct Submission {
    /// Sending agent id.
    pub sender: String,
    /// Receiving agent id.
    pub receiver: String,
    /// Amount in cents (> 0).
    pub amount: i64,
    /// Ticks from arrival to deadline (≥ 1; default 50).
    #[serde(
        default = "default_deadline_offset",
        deserialize_with = "null_as_deadline_offset"
    )]
    pub deadline_offset: i64,
    /// Priority 0–10 (default 5).
    #[serde(default = "default_priority", deserialize_with = "null_as_priority")]
    pub priority: i64,
    /// Ticks from arrival to its from-time, before which it is not submitted for settlement
    /// (0 to `deadline_offset`, its till-time; absent: none; `docs/model.md` § Timed payments).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_offset: Option<i64>,
}

impl Submission {
    /// Parse a submission from JSON; problems name the field.
    pub fn from_json(text: &str) -> Result<Self, SimError> {
        crate::error::parse_json_at(text, "transaction", |problem| {
            SimError::InvalidArgument(Problem {
                message: format!("invalid transaction: {}", problem.message),
                ..problem
            })
        })
    }
}

impl Simulation {
    /// Submit a manual payment order. It arrives at `current_tick()`: it is in Queue 1 at once
    /// and counts in the next tick's `num_arrivals`. Returns its id.
    pub fn submit(&mut self, sub: &Submission) -> Result<String, SimError> {
        if self.is_finished() {
            return Err(SimError::SimulationFinished {
                horizon: self.horizon,
            });
        }
        self.check_counters()?;
        let (sender, receiver) = self.check_submission(sub)?;
        // A payment action for the current tick: it joins at once (`crate::schedule`).
        let payment = Entry {
            effect: Effect::Payment {
                sender,
                receiver,
                amount: sub.amount,
                deadline_offset: sub.deadline_offset as u64,
                priority: sub.priority as u8,
                from_offset: sub.from_offset.unwrap_or(0) as u64,
            },
            phase: Phase::Apply,
            window: None,
            repeat: None,
            tag: None,
        };
        // A payment due now never waits in the schedule, so it takes no sequence number.
        self.schedule.insert(self.tick, Some(0), payment);
        let slot = self.join_due_payments();
        Ok(slot
            .and_then(|slot| self.txs.get(slot))
            .map(|t| t.id.to_string())
            .unwrap_or_default())
    }

    /// The rules of a submission (`submit`, `submit_many`): its sender and receiver.
    pub(crate) fn check_submission(
        &self,
        sub: &Submission,
    ) -> Result<(AgentIdx, AgentIdx), SimError> {
        let sender = self.agent(&sub.sender)?;
        let receiver = self.agent(&sub.receiver)?;
        if sender == receiver {
            return Err(SimError::argument(
                "receiver",
                format!("sender and receiver must differ (both {:?})", sub.sender),
                sub.receiver.as_str(),
            ));
        }
        if sub.amount <= 0 {
            return Err(SimError::argument(
                "amount",
                format!("amount must be positive (got {})", sub.amount),
                sub.amount,
            ));
        }
        if sub.deadline_offset < 1 {
            return Err(SimError::argument(
                "deadline_offset",
                format!(
                    "deadline_offset must be ≥ 1 tick (got {})",
                    sub.deadline_offset
                ),
                sub.deadline_offset,
            ));
        }
        if !(0..=MAX_PRIORITY).contains(&sub.priority) {
            return Err(SimError::argument(
                "priority",
                format!(
                    "priority must be between 0 and {MAX_PRIORITY} (got {})",
                    sub.priority
                ),
                sub.priority,
            ));
        }
        if let Some(from) = sub.from_offset {
            if from < 0 || from > sub.deadline_offset {
                return Err(SimError::argument(
                    "from_offset",
                    format!(
                        "from_offset must be between 0 and deadline_offset ({}): a from-time after the till-time (got {from})",
                        sub.deadline_offset
                    ),
                    from,
                ));
            }
        }
        Ok((sender, receiver))
    }

    /// Create an order in Queue 1 (the caller places it in the queue).
    pub(crate) fn new_order(
        &mut self,
        sender: AgentIdx,
        receiver: AgentIdx,
        amount: i64,
        deadline: u64,
        priority: u8,
    ) -> Slot {
        let id = TxId {
            seq: self.next_tx_seq,
            part: 0,
        };
        self.next_tx_seq += 1;
        let slot = self.txs.insert(Transaction {
            id,
            sender,
            receiver,
            amount,
            arrival_tick: self.tick,
            deadline_tick: deadline,
            priority,
            location: Location::Queue1,
            overdue: false,
            hold_recorded: false,
            from_tick: 0,
        });
        self.deadlines.push(deadline, id, slot);
        self.indicators
            .created(sender, amount, self.tick, self.ticks_per_day);
        self.queue1_count[sender as usize] += 1;
        self.queue1_total += 1;
        slot
    }

    /// Step 1: each agent's generated orders in agent order, then the manual submissions.
    pub(super) fn arrive(&mut self, t: u64) {
        if !self.timed.is_empty() {
            self.join_timed(t); // payments whose from-time is now (`crate::rules::timed`)
        }
        let mut draws = std::mem::take(&mut self.scratch.draws);
        for a in 0..self.ids.len() {
            let Some(stream) = self.arrivals[a].as_mut() else {
                continue;
            };
            stream.draw(t, &mut draws);
            for d in &draws {
                let slot = self.new_order(
                    a as AgentIdx,
                    d.receiver,
                    d.amount,
                    t.saturating_add(d.deadline_offset),
                    d.priority,
                );
                self.record_arrival(t, slot);
                if d.from_offset > 0 {
                    if let Some(tx) = self.txs.get_mut(slot) {
                        tx.from_tick = t.saturating_add(d.from_offset);
                    }
                    if self.wait_for_from_time(slot, t) {
                        continue; // `crate::rules::timed`
                    }
                }
                self.queue1[a].push_back(slot);
            }
        }
        self.scratch.draws = draws;
        // Manual submissions arrive after the generated orders.
        for slot in std::mem::take(&mut self.pending_manual) {
            if let Some(tx) = self.txs.get(slot) {
                let sender = tx.sender as usize;
                self.record_arrival(t, slot);
                if !self.wait_for_from_time(slot, t) {
                    self.queue1[sender].push_back(slot);
                }
            }
        }
    }

    fn record_arrival(&mut self, t: u64, slot: Slot) {
        let Some(tx) = self.txs.get(slot) else { return };
        self.current.num_arrivals += 1;
        self.totals.arrivals += 1;
        self.totals.arrived_value = self.totals.arrived_value.saturating_add(tx.amount);
        let kind = EventKind::Arrival {
            tx: tx.id,
            sender: tx.sender,
            receiver: tx.receiver,
            amount: tx.amount,
            deadline_tick: tx.deadline_tick,
            priority: tx.priority,
        };
        self.events.record(t, kind);
    }
}
