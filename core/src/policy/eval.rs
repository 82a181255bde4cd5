//! Running a compiled tree over one agent's Queue 1: at most `depth` tests per order, on
//! features that are O(1) each, so a decision costs O(orders × depth) whatever the history.

use super::compile::{Action, CompiledTree, Node, Rhs};
use super::features::AgentView;
use super::lang::TreeOrder;
use super::{Order, Release};

/// Visit the orders in the tree's order; release (whole or split) or hold each as its leaf
/// says. `released_value` and `balance_after` count the orders released before this one.
pub(crate) fn decide_tree(
    tree: &CompiledTree,
    orders: &[Order],
    view: &AgentView,
    release: &mut Vec<Release>,
) {
    let mut released: i128 = 0;
    let mut visit = |i: usize, release: &mut Vec<Release>| {
        let order = &orders[i];
        let parts = match leaf(tree, view, order, released) {
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

/// The leaf the tree reaches for `order`.
#[inline]
pub(crate) fn leaf(tree: &CompiledTree, view: &AgentView, order: &Order, released: i128) -> Action {
    let mut at = 0usize;
    loop {
        match tree.nodes[at] {
            Node::Leaf(action) => return action,
            Node::Test {
                feature,
                op,
                rhs,
                then,
                otherwise,
            } => {
                let l = feature.value(view, order, released);
                let r = match rhs {
                    Rhs::Const(c) => c,
                    Rhs::Feature(f, plus) => f.value(view, order, released) + plus,
                };
                at = if op.holds(l, r) { then } else { otherwise } as usize;
            }
        }
    }
}
