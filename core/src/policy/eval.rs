//! Running a compiled tree over one agent's Queue 1: at most `depth` tests per order, on
//! features that are O(1) each, so a decision costs O(orders × depth) whatever the history.

use super::compile::{Action, CompiledTree, Node, Rhs};
use super::features::AgentView;
use super::lang::TreeOrder;
use super::{Order, Release};

/// What a decision changes besides releases: the collateral to post (> 0) or withdraw
/// (< 0) and the orders whose priority changes (index in the orders, new priority; at most
/// one entry per order, only real changes). Registers change in the view it is given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Outcome {
    pub collateral: i64,
    pub priorities: Vec<(usize, u8)>,
}

impl Outcome {
    pub fn clear(&mut self) {
        self.collateral = 0;
        self.priorities.clear();
    }
}

/// Visit the orders in the tree's order; release (whole or split) or hold each as its leaf
/// says, applying the leaf's effects: registers at once (later orders of the same decision
/// see them), collateral and new priorities into `outcome`. `released_value` and `balance_after`
/// count the orders released before this one.
pub(crate) fn decide_tree(
    tree: &CompiledTree,
    orders: &[Order],
    view: &mut AgentView,
    release: &mut Vec<Release>,
    outcome: &mut Outcome,
) {
    outcome.clear();
    release.clear();
    let mut released: i128 = 0;
    let mut visit = |i: usize, release: &mut Vec<Release>| {
        let order = &orders[i];
        let (action, effects) = leaf(tree, view, order, released);
        if let Some(e) = effects.map(|k| &tree.effects[k as usize]) {
            for (r, reg) in view.registers.iter_mut().enumerate() {
                if let Some(v) = e.set[r] {
                    *reg = v;
                }
                *reg = reg.saturating_add(e.add[r]);
            }
            outcome.collateral = outcome.collateral.saturating_add(e.collateral);
            if let Some(to) = e.priority.map(|p| p.of(order.priority)) {
                if to != order.priority {
                    outcome.priorities.push((i, to));
                }
            }
        }
        let parts = match action {
            Action::Hold => return,
            Action::Release => 0,
            Action::Split(k) => k,
        };
        released += order.amount as i128;
        release.push(Release { index: i, parts });
    };
    match tree.order {
        TreeOrder::Arrival => (0..orders.len()).for_each(|i| visit(i, release)),
        TreeOrder::Deadline => {
            let mut by_deadline: Vec<usize> = (0..orders.len()).collect();
            // Stable: ties keep arrival order.
            by_deadline.sort_by_key(|&i| orders[i].deadline_tick);
            by_deadline.into_iter().for_each(|i| visit(i, release));
        }
        TreeOrder::UrgentFirst => {
            for urgent in [true, false] {
                for i in (0..orders.len()).filter(|&i| orders[i].urgent == urgent) {
                    visit(i, release);
                }
            }
        }
    }
}

/// The leaf the tree reaches for `order`: its decision and, for a `do` leaf, its effects.
#[inline]
pub(crate) fn leaf(
    tree: &CompiledTree,
    view: &AgentView,
    order: &Order,
    released: i128,
) -> (Action, Option<u32>) {
    let mut at = 0usize;
    loop {
        match tree.nodes[at] {
            Node::Leaf(action) => return (action, None),
            Node::Act(action, effects) => return (action, Some(effects)),
            Node::Test {
                feature,
                op,
                rhs,
                then,
                otherwise,
            } => {
                let l = feature.value(view, order, released);
                let holds = match rhs {
                    Rhs::Const(c) => op.holds(l, c),
                    Rhs::Feature(f, 100, plus) => {
                        op.holds(l, f.value(view, order, released).saturating_add(plus))
                    }
                    // Exact: 100 × l against percent × r + 100 × plus.
                    Rhs::Feature(f, percent, plus) => op.holds(
                        l.saturating_mul(100),
                        (f.value(view, order, released).saturating_mul(percent))
                            .saturating_add(plus.saturating_mul(100)),
                    ),
                };
                at = if holds { then } else { otherwise } as usize;
            }
        }
    }
}
