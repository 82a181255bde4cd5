//! The built-in policies when a `rules` section is configured (`docs/model.md` § 2, "The
//! built-in policies under the rules"): they release by class (highly urgent, urgent, normal),
//! and the policies that test liquidity (`LiquidityAware`, `UrgentFirst`) count for an order
//! only the liquidity its class may use, and do not release a normal order its sender's limit
//! would hold in Queue 2.
//!
//! Without rules the engine calls [`super::decide`] and never this module, so every result
//! without rules is what it was before it existed.

use super::{AgentView, Order, Release};
use crate::config::PolicyConfig;
use crate::rules::book::RuleBook;
use crate::rules::PaymentClass;
use crate::transaction::AgentIdx;

/// Decide the releases of `agent` under the rules in `book` (a built-in policy: not a tree,
/// not a host). `orders` is its Queue 1 in arrival order.
pub(crate) fn decide(
    policy: &PolicyConfig,
    orders: &[Order],
    view: &AgentView,
    book: &RuleBook,
    agent: AgentIdx,
    release: &mut Vec<Release>,
) {
    release.clear();
    let whole = |index| Release { index, parts: 0 };
    // Every order, by class, then Queue 1 order (the sort is stable, and linear on a queue
    // already in class order), or for `Deadline` by class, then deadline; the policies that
    // test liquidity then keep, in that order, the orders they release.
    release.extend((0..orders.len()).map(whole));
    let class = |r: &Release| book.class(orders[r.index].priority).rank();
    match policy {
        PolicyConfig::Deadline { .. } => {
            release.sort_by_key(|r| (class(r), orders[r.index].deadline_tick))
        }
        _ => release.sort_by_key(class),
    }
    let (buffer, urgency) = match policy {
        PolicyConfig::Fifo { .. } | PolicyConfig::Deadline { .. } => return,
        PolicyConfig::LiquidityAware {
            target_buffer,
            urgency_threshold,
            ..
        } => (*target_buffer, Some(*urgency_threshold as u64)),
        PolicyConfig::UrgentFirst { target_buffer, .. } => (*target_buffer, None),
        PolicyConfig::Tree { .. } | PolicyConfig::Host { .. } | PolicyConfig::File { .. } => {
            unreachable!("only the built-in policies decide here")
        }
    };
    let mut projected = view.balance as i128;
    let mut limits = Projection::default();
    release.retain(|r| {
        let o = &orders[r.index];
        let class = book.class(o.priority);
        let after = projected - o.amount as i128;
        // `LiquidityAware`: an order near (or past) its deadline goes whatever the buffer;
        // `UrgentFirst`: an order of an urgent class does.
        let pressed = match urgency {
            Some(u) => o.deadline_tick.saturating_sub(view.tick) <= u,
            None => class != PaymentClass::Normal,
        };
        let funded = after - book.reserved_above(agent, class) as i128 >= buffer as i128;
        let go = pressed || (funded && limits.allows(book, agent, o));
        if go {
            projected = after;
            if class == PaymentClass::Normal {
                limits.release(book, agent, o);
            }
        }
        go
    });
}

/// What the normal orders released so far in this decision move the sender's positions by,
/// per limit (a bilateral counterparty, or `None`: the multilateral limit).
#[derive(Default)]
struct Projection {
    moves: Vec<(Option<AgentIdx>, i128)>,
}

impl Projection {
    fn group(book: &RuleBook, agent: AgentIdx, receiver: AgentIdx) -> Option<Option<AgentIdx>> {
        let (_, bilateral) = book.limits(agent)?.toward(receiver)?;
        Some(bilateral.then_some(receiver))
    }

    fn moved(&self, group: Option<AgentIdx>) -> i128 {
        (self.moves.iter())
            .find(|(g, _)| *g == group)
            .map_or(0, |m| m.1)
    }

    /// Whether the normal order `o` keeps its sender within its limit toward `o`'s receiver,
    /// after what this decision released.
    fn allows(&self, book: &RuleBook, agent: AgentIdx, o: &Order) -> bool {
        if book.class(o.priority) != PaymentClass::Normal {
            return true;
        }
        let Some((position, bilateral)) = book.limits(agent).and_then(|l| l.toward(o.receiver))
        else {
            return true;
        };
        let group = bilateral.then_some(o.receiver);
        position.allows(self.moved(group) - o.amount as i128)
    }

    /// The normal order `o` is released: its limit's position falls by its amount.
    fn release(&mut self, book: &RuleBook, agent: AgentIdx, o: &Order) {
        let Some(group) = Self::group(book, agent, o.receiver) else {
            return;
        };
        match self.moves.iter_mut().find(|(g, _)| *g == group) {
            Some(m) => m.1 -= o.amount as i128,
            None => self.moves.push((group, -(o.amount as i128))),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::policy::tests::{indices, o, view};
    use crate::rules::RulesConfig;

    /// Agents A (0), B (1), C (2); default classes (urgent from 7, highly urgent 10).
    fn book(rules: serde_json::Value) -> RuleBook {
        let rules: RulesConfig = serde_json::from_value(rules).unwrap();
        let index: HashMap<String, AgentIdx> = (["A", "B", "C"].iter().enumerate())
            .map(|(i, id)| (id.to_string(), i as AgentIdx))
            .collect();
        RuleBook::new(&rules, &index).unwrap()
    }

    fn with(priority: u8, receiver: AgentIdx, order: Order) -> Order {
        Order {
            priority,
            receiver,
            ..order
        }
    }

    fn run(policy: &PolicyConfig, orders: &[Order], balance: i64, book: &RuleBook) -> Vec<usize> {
        let mut r = Vec::new();
        decide(policy, orders, &view(balance, 0, 10), book, 0, &mut r);
        indices(&r)
    }

    #[test]
    fn fifo_and_deadline_release_every_order_by_class() {
        let b = book(serde_json::json!({"classes": {}}));
        // Normal (5), highly urgent (10), urgent (8), normal (0), urgent (7).
        let orders = [
            with(5, 1, o(1, 9)),
            with(10, 1, o(2, 30)),
            with(8, 1, o(3, 20)),
            with(0, 1, o(4, 1)),
            with(7, 1, o(5, 10)),
        ];
        let fifo = PolicyConfig::Fifo { split: None };
        assert_eq!(run(&fifo, &orders, 0, &b), vec![1, 2, 4, 0, 3]);
        // Within the urgent class the deadline 10 goes before 20; within the normal class the
        // deadline 1 before 9.
        let deadline = PolicyConfig::Deadline { split: None };
        assert_eq!(run(&deadline, &orders, 0, &b), vec![1, 4, 2, 3, 0]);
    }

    #[test]
    fn liquidity_aware_counts_only_the_liquidity_a_class_may_use() {
        // A reserves 300 for highly urgent and 200 for urgent payments; buffer 100, urgency 2.
        let b = book(serde_json::json!({"participants":
            {"A": {"reservations": {"highly_urgent": 300, "urgent": 200}}}}));
        let policy = PolicyConfig::LiquidityAware {
            target_buffer: 100,
            urgency_threshold: 2,
            split: None,
        };
        // Balance 1,000. By class: the highly urgent 400 (index 2) leaves 600 ≥ 100 → released;
        // the urgent 250 (index 1) leaves 350, less 300 reserved = 50 < 100 → held; the normal
        // 100 (index 0) leaves 500 − 500 reserved = 0 < 100 → held; the normal 50 due at tick
        // 11 (index 3) is urgent by deadline → released.
        let orders = [
            with(5, 1, o(100, 50)),
            with(8, 1, o(250, 50)),
            with(10, 1, o(400, 50)),
            with(5, 1, o(50, 11)),
        ];
        assert_eq!(run(&policy, &orders, 1_000, &b), vec![2, 3]);
        // Without the reservations the same orders go in class order while they leave ≥ 100:
        // 400 (600), 250 (350), 100 (250), 50 (urgent).
        let none = book(serde_json::json!({"classes": {}}));
        assert_eq!(run(&policy, &orders, 1_000, &none), vec![2, 1, 0, 3]);
    }

    #[test]
    fn a_normal_order_a_limit_would_hold_is_not_released_nor_counted() {
        // A may owe B at most 150 (bilateral) and the others (C) at most 100 (multilateral).
        let b = book(serde_json::json!({"participants":
            {"A": {"bilateral_limits": {"B": 150}, "multilateral_limit": 100}}}));
        let policy = PolicyConfig::LiquidityAware {
            target_buffer: 0,
            urgency_threshold: 0,
            split: None,
        };
        // Balance 1,000: 100 to B (position −100) released; 80 to B would reach −180 < −150 →
        // held and not counted; 50 to B reaches −150 → released; 120 to C breaks the
        // multilateral 100 → held; 90 to C → released; an urgent 500 to B is not held by the
        // limit (released first, by class).
        let orders = [
            with(5, 1, o(100, 50)),
            with(5, 1, o(80, 50)),
            with(5, 1, o(50, 50)),
            with(5, 2, o(120, 50)),
            with(5, 2, o(90, 50)),
            with(8, 1, o(500, 50)),
        ];
        assert_eq!(run(&policy, &orders, 1_000, &b), vec![5, 0, 2, 4]);
        // UrgentFirst holds the same normal orders (the urgent one goes whatever the buffer).
        let urgent_first = PolicyConfig::UrgentFirst {
            target_buffer: 0,
            split: None,
        };
        assert_eq!(run(&urgent_first, &orders, 1_000, &b), vec![5, 0, 2, 4]);
        // Fifo releases them all: the limits hold them in Queue 2.
        let fifo = PolicyConfig::Fifo { split: None };
        assert_eq!(run(&fifo, &orders, 1_000, &b), vec![5, 0, 1, 2, 3, 4]);
    }
}
