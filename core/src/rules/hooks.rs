//! Where settlement asks the rules. Every hook is reached only when `Simulation::rules` is
//! set, so a simulation without rules runs the same code as before they existed.
//!
//! - a payment settling gross (RTGS entry, the Queue 2 retry): [`Simulation::rules_admit`];
//! - a set chosen by any offsetting algorithm: [`Simulation::rules_trim`], the one check the
//!   algorithms' sets go through before they settle (`settle_batch`);
//! - a settlement: [`Simulation::rules_settled`] moves today's positions;
//! - the end of a day: [`Simulation::rules_new_day`] restarts them.

use std::collections::{BTreeMap, BTreeSet};

use super::book::{RuleBook, Verdict};
use super::config::PaymentClass;
use crate::engine::{Change, Simulation};
use crate::settlement::queue2::Q2Key;
use crate::transaction::AgentIdx;

/// A payment of a chosen set, as the trim sees it.
struct Item {
    sender: AgentIdx,
    receiver: AgentIdx,
    amount: i128,
    class: PaymentClass,
}

impl Simulation {
    /// Whether the rules let a payment settle gross now (its sender's liquidity included).
    /// At RTGS entry (`count`), a payment the liquidity would fund but a reservation or a
    /// limit holds is counted.
    pub(crate) fn rules_admit(
        &mut self,
        sender: AgentIdx,
        receiver: AgentIdx,
        amount: i64,
        priority: u8,
        count: bool,
    ) -> bool {
        let available = self.ledger.available(sender);
        let Some(book) = self.rules.as_deref_mut() else {
            return amount <= available;
        };
        match book.gross(sender, receiver, amount, priority, available) {
            Verdict::Settles => true,
            Verdict::Liquidity => false,
            Verdict::Reservation => {
                book.held.0 += u64::from(count);
                false
            }
            Verdict::Limit => {
                book.held.1 += u64::from(count);
                false
            }
        }
    }

    /// The gross verdict without counting (the Queue 2 retry).
    pub(crate) fn rules_fundable(
        &self,
        sender: AgentIdx,
        receiver: AgentIdx,
        amount: i64,
        priority: u8,
    ) -> bool {
        let available = self.ledger.available(sender);
        match self.rules.as_deref() {
            None => amount <= available,
            Some(book) => {
                book.gross(sender, receiver, amount, priority, available) == Verdict::Settles
            }
        }
    }

    /// What a policy sees of the rules for agent `a`: what it keeps from normal payments (its
    /// reservations) and the lowest urgent priority (the classes' default without rules).
    pub(crate) fn policy_rules(&self, a: AgentIdx) -> (i64, u8) {
        match self.rules.as_deref() {
            Some(book) => (
                book.reserved_above(a, PaymentClass::Normal),
                book.urgent_from(),
            ),
            None => (0, super::config::DEFAULT_URGENT_FROM as u8),
        }
    }

    /// The Queue 2 key of a payment of `priority` that entered as `entry`
    /// (`classes.fifo_within_class` drops the priority within a class).
    pub(crate) fn queue_key(&self, priority: u8, entry: u64) -> Q2Key {
        let priority = match self.rules.as_deref() {
            Some(book) => book.queue_priority(priority),
            None => priority,
        };
        Q2Key::new(priority, entry)
    }

    /// A payment settled: move the positions against the limits.
    pub(crate) fn rules_settled(
        &mut self,
        sender: AgentIdx,
        receiver: AgentIdx,
        amount: i64,
        priority: u8,
    ) {
        if let Some(book) = self.rules.as_deref_mut() {
            book.settled(sender, receiver, amount, priority);
        }
    }

    /// With rules, an offsetting attempt's count waits until its set (trimmed) settles
    /// something: the statistics count only attempts that settle. Returns whether it waits.
    pub(crate) fn rules_defer_offset(&mut self, budget_exhausted: bool) -> bool {
        match self.rules.as_deref_mut() {
            Some(book) => {
                book.pending_offset = Some(budget_exhausted);
                true
            }
            None => false,
        }
    }

    /// Part of an offsetting attempt's set settled: count the attempt (once).
    pub(crate) fn rules_offset_settled(&mut self) {
        if let Some(b) = self
            .rules
            .as_deref_mut()
            .and_then(|r| r.pending_offset.take())
        {
            self.add_offset(b);
        }
    }

    /// End of a day: positions restart at zero, which may free (or hold) queued payments.
    pub(crate) fn rules_new_day(&mut self) {
        let Some(book) = self.rules.as_deref_mut() else {
            return;
        };
        book.new_day();
        let agents: Vec<AgentIdx> = book.agents_with_limits().collect();
        for a in agents {
            self.invalidate(a, Change::Anything);
        }
    }

    /// The part of a set chosen by an offsetting algorithm (in retry order; fundable) that
    /// the rules let settle together: payments of classes not offset leave first; then, while
    /// some agent (lowest index first) breaks a rule under the set's net result, its latest
    /// payment (in retry order) that the broken rule is about leaves the set:
    ///
    /// - its net debit exceeds its liquidity less the reservations above the lowest class it
    ///   sends in the set: its latest payment;
    /// - its position toward a counterparty with a bilateral limit, after the set, is below
    ///   the limit: its latest normal payment to that counterparty;
    /// - its position toward the others, after the set, is below its multilateral limit: its
    ///   latest normal payment to one of them.
    ///
    /// A payment leaving only helps its sender, so the receiver is checked again; the set only
    /// shrinks, and what is left is fundable and breaks no rule.
    pub(crate) fn rules_trim(&self, items: &[(Q2Key, AgentIdx)]) -> Vec<(Q2Key, AgentIdx)> {
        let Some(book) = self.rules.as_deref() else {
            return items.to_vec();
        };
        let mut places = Vec::with_capacity(items.len());
        let mut list = Vec::with_capacity(items.len());
        for &(key, sender) in items {
            let Some(e) = self.queue2.entry(sender, key) else {
                continue;
            };
            let class = book.class(key.priority());
            if book.may_offset(class) {
                places.push((key, sender));
                list.push(Item {
                    sender,
                    receiver: e.receiver,
                    amount: e.amount as i128,
                    class,
                });
            }
        }
        let mut out: BTreeMap<AgentIdx, Vec<usize>> = BTreeMap::new();
        let mut incoming: BTreeMap<AgentIdx, Vec<usize>> = BTreeMap::new();
        for (k, it) in list.iter().enumerate() {
            out.entry(it.sender).or_default().push(k);
            incoming.entry(it.receiver).or_default().push(k);
        }
        let mut kept = vec![true; list.len()];
        let mut check: BTreeSet<AgentIdx> = out.keys().copied().collect();
        let none = Vec::new();
        while let Some(a) = check.pop_first() {
            let Some(outs) = out.get(&a) else {
                continue; // it only receives: that breaks no rule
            };
            let ins = incoming.get(&a).unwrap_or(&none);
            while let Some(k) = self.breach(book, a, &list, &kept, outs, ins) {
                kept[k] = false;
                check.insert(list[k].receiver);
            }
        }
        (places.into_iter().zip(kept))
            .filter(|&(_, keep)| keep)
            .map(|(place, _)| place)
            .collect()
    }

    /// The payment to take out of the set for the first rule agent `a` breaks, if any.
    fn breach(
        &self,
        book: &RuleBook,
        a: AgentIdx,
        list: &[Item],
        kept: &[bool],
        outs: &[usize],
        ins: &[usize],
    ) -> Option<usize> {
        let outs_kept = || outs.iter().copied().filter(|&k| kept[k]);
        let latest = outs_kept().next_back()?;
        let received: i128 = ins
            .iter()
            .filter(|&&k| kept[k])
            .map(|&k| list[k].amount)
            .sum();
        let sent: i128 = outs_kept().map(|k| list[k].amount).sum();
        let lowest = outs_kept().map(|k| list[k].class).max()?;
        let usable = self.ledger.available(a) as i128 - book.reserved_above(a, lowest) as i128;
        if sent - received > usable {
            return Some(latest);
        }
        let limits = book.limits(a)?;
        // Per limit (a bilateral counterparty, or `None`: the multilateral one): the move of
        // the position, and the latest normal payment it holds.
        let mut moves: BTreeMap<Option<AgentIdx>, (i128, Option<usize>)> = BTreeMap::new();
        let key = |other: AgentIdx| {
            limits
                .toward(other)
                .map(|(_, bilateral)| bilateral.then_some(other))
        };
        for &k in ins.iter().filter(|&&k| kept[k]) {
            if let Some(group) = key(list[k].sender) {
                moves.entry(group).or_default().0 += list[k].amount;
            }
        }
        for k in outs_kept().filter(|&k| list[k].class == PaymentClass::Normal) {
            if let Some(group) = key(list[k].receiver) {
                let m = moves.entry(group).or_default();
                m.0 -= list[k].amount;
                m.1 = Some(k);
            }
        }
        moves.into_iter().find_map(|(group, (delta, last))| {
            let position = match group {
                Some(b) => limits.bilateral.get(&b),
                None => limits.multilateral.as_ref(),
            };
            let breaks = position.is_some_and(|p| !p.allows(delta));
            last.filter(|_| breaks)
        })
    }
}
