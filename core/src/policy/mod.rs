//! Cash-management policies: which orders leave Queue 1 this tick, and in what order.
//!
//! | module | what |
//! |---|---|
//! | `lang` | the policy language as written: decision trees (`PolicyConfig::Tree`) |
//! | `features` | the features a tree tests, each O(1) from live state |
//! | `compile` | checks a tree with paths and compiles it into a flat node array |
//! | `eval` | runs a compiled tree over one agent's Queue 1 |
//! | `host` | policies written by the host program (`PolicyConfig::Host`): its view, its decisions |
//! | `state` | what trees remember: registers, today's payments, rolling windows |
//! | `refs` | `policy: {file: …}` references, inlined through the core for the front ends |
//! | `classed` | the built-in policies when rules are configured: by class, reservations, limits |

pub(crate) mod classed;
pub(crate) mod compile;
pub(crate) mod eval;
pub(crate) mod features;
pub mod host;
pub(crate) mod lang;
pub mod refs;
pub mod state;
#[cfg(test)]
mod tests_lang;
#[cfg(test)]
mod tests_memory;

pub(crate) use compile::CompiledTree;
pub(crate) use features::AgentView;

use std::collections::BTreeMap;

use crate::config::{PolicyConfig, SimulationConfig};
use crate::error::Problem;
use crate::transaction::AgentIdx;

impl PolicyConfig {
    /// Most parts one released order can become under this policy (0: never split): the
    /// `split` rule's `max_parts` or a tree's largest split leaf.
    pub(crate) fn most_parts(&self) -> i64 {
        fn leaves(node: &lang::PolicyNode) -> i64 {
            match node {
                lang::PolicyNode::Split(leaf) => leaf.parts.max(0),
                lang::PolicyNode::Do(leaf) => leaves(&leaf.decision),
                lang::PolicyNode::If {
                    then, otherwise, ..
                } => leaves(then).max(leaves(otherwise)),
                _ => 0,
            }
        }
        let rule = self.split().map_or(0, |s| s.max_parts.max(0));
        match self {
            PolicyConfig::Tree { tree, .. } => rule.max(leaves(tree)),
            PolicyConfig::Host { .. } => host::MOST_PARTS,
            _ => rule,
        }
    }
}

/// Check every agent's `Tree` policy (the problems with their paths) and compile them; `None`
/// for agents with a built-in policy.
pub(crate) fn compile_trees(
    config: &SimulationConfig,
    problems: &mut Vec<Problem>,
) -> Vec<Option<CompiledTree>> {
    let agents = &config.agent_configs;
    let ticks_per_day = config.ticks_per_day as u64;
    let ids: BTreeMap<&str, usize> = agents
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.as_str(), i))
        .collect();
    let mut trees = Vec::with_capacity(agents.len());
    for (i, agent) in agents.iter().enumerate() {
        let PolicyConfig::Tree {
            tree,
            order,
            window,
            ..
        } = &agent.policy
        else {
            trees.push(None);
            continue;
        };
        let cx = compile::Context {
            ids: &ids,
            agent: i,
            ticks_per_day,
            has_collateral: (config.rules.participants.get(&agent.id))
                .is_some_and(|r| r.collateral.is_some()),
        };
        if let Some(w) = window {
            if !(1..=state::MAX_WINDOW).contains(w) {
                let path = format!("agent_configs[{i}].policy.window");
                let message = format!("{path}: must be 1 to {} ticks (got {w})", state::MAX_WINDOW);
                problems.push(Problem::new(path, message));
            }
        }
        let path = format!("agent_configs[{i}].policy.tree");
        match compile::compile(tree, *order, &path, &cx) {
            Ok(compiled) => trees.push(Some(compiled)),
            Err(found) => {
                problems.extend(found);
                trees.push(None);
            }
        }
    }
    trees
}

/// What the engine keeps for each agent's tree (`None`: built-in policy).
pub(crate) fn memory_needs(
    config: &SimulationConfig,
    trees: &[Option<CompiledTree>],
) -> state::PolicyState {
    state::PolicyState::new(config.agent_configs.iter().zip(trees).map(|(a, t)| {
        let (
            t,
            PolicyConfig::Tree {
                window,
                reset_registers,
                ..
            },
        ) = (t.as_ref()?, &a.policy)
        else {
            return None;
        };
        Some(state::Needs {
            window: t
                .reads_window
                .then(|| window.unwrap_or(state::DEFAULT_WINDOW)),
            reset_daily: *reset_registers == lang::RegisterReset::Day,
        })
    }))
}

/// What a policy sees of one order in Queue 1.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Order {
    pub amount: i64,
    pub deadline_tick: u64,
    /// Urgent or highly urgent (`crate::rules` classes; the default ones without rules).
    pub urgent: bool,
    pub priority: u8,
    pub receiver: AgentIdx,
    pub arrival_tick: u64,
    /// Settled from `receiver` to the agent / from the agent to `receiver` in the tree's
    /// window (`state`; 0 when the tree reads no window).
    pub received_from: i64,
    pub paid_to: i64,
}

/// One release decision: the index of the order in Queue 1 and, when a tree's split leaf
/// chose it, the number of parts (0: the policy's `split` rule, if any, applies).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Release {
    pub index: usize,
    pub parts: u32,
}

/// Decide the releases of one agent. `orders` is its Queue 1 in arrival order; `release`
/// receives the orders to release in release order (every other order is held). `tree` is
/// the compiled form of a `Tree` policy (built once, at the simulation's start).
pub(crate) fn decide(
    policy: &PolicyConfig,
    tree: Option<&CompiledTree>,
    orders: &[Order],
    view: &AgentView,
    release: &mut Vec<Release>,
) {
    release.clear();
    let whole = |index| Release { index, parts: 0 };
    let (balance, reserved, tick) = (view.balance, view.reserved, view.tick);
    match policy {
        PolicyConfig::Fifo { .. } => release.extend((0..orders.len()).map(whole)),
        PolicyConfig::Deadline { .. } => {
            release.extend((0..orders.len()).map(whole));
            // Stable: ties keep arrival order.
            release.sort_by_key(|r| orders[r.index].deadline_tick);
        }
        PolicyConfig::Host { .. } => {
            unreachable!("a host's decisions are gathered before step 2 (policy::host)")
        }
        PolicyConfig::Tree { .. } => match tree {
            Some(tree) => {
                let mut outcome = eval::Outcome::default();
                eval::decide_tree(tree, orders, &mut view.clone(), release, &mut outcome);
            }
            None => unreachable!("a Tree policy is compiled when the simulation is built"),
        },
        PolicyConfig::File { .. } => unreachable!("a policy file is inlined before validation"),
        PolicyConfig::LiquidityAware {
            target_buffer,
            urgency_threshold,
            ..
        } => {
            let mut projected = balance as i128;
            for (i, order) in orders.iter().enumerate() {
                let urgent = order.deadline_tick.saturating_sub(tick) <= *urgency_threshold as u64;
                let after = projected - order.amount as i128;
                if urgent || after >= *target_buffer as i128 {
                    projected = after;
                    release.push(whole(i));
                }
            }
        }
        PolicyConfig::UrgentFirst { target_buffer, .. } => {
            let mut projected = balance as i128;
            for (i, order) in orders.iter().enumerate().filter(|(_, o)| o.urgent) {
                projected -= order.amount as i128;
                release.push(whole(i));
            }
            let floor = reserved as i128 + *target_buffer as i128;
            for (i, order) in orders.iter().enumerate().filter(|(_, o)| !o.urgent) {
                let after = projected - order.amount as i128;
                if after >= floor {
                    projected = after;
                    release.push(whole(i));
                }
            }
        }
    }
}

/// The parts a released order of `amount` becomes under `threshold`/`max_parts`:
/// `k = min(max_parts, ceil(amount / threshold))` equal parts, the remainder on the last.
/// Returns `None` when the order is not split.
pub(crate) fn split_amounts(amount: i64, threshold: i64, max_parts: i64) -> Option<Vec<i64>> {
    if amount <= threshold {
        return None;
    }
    // ceil without `amount + threshold - 1`, which could overflow near i64::MAX.
    let needed = amount / threshold + i64::from(amount % threshold != 0);
    let k = max_parts.min(needed).max(2);
    let base = amount / k;
    let mut parts = vec![base; k as usize];
    parts[k as usize - 1] = amount - base * (k - 1);
    Some(parts)
}

/// The `k` equal parts (the remainder on the last) a tree's split leaf makes of `amount`;
/// an order of fewer than `k` cents becomes one part per cent, one of 1 cent is not split.
pub(crate) fn split_even(amount: i64, k: u32) -> Option<Vec<i64>> {
    let k = (k as i64).min(amount);
    if k < 2 {
        return None;
    }
    let base = amount / k;
    let mut parts = vec![base; k as usize];
    parts[k as usize - 1] = amount - base * (k - 1);
    Some(parts)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(super) fn o(amount: i64, deadline_tick: u64) -> Order {
        Order {
            amount,
            deadline_tick,
            urgent: false,
            priority: 5,
            receiver: 1,
            arrival_tick: 0,
            ..Order::default()
        }
    }

    pub(super) fn view(balance: i64, reserved: i64, tick: u64) -> AgentView {
        AgentView {
            balance,
            reserved,
            tick,
            ticks_per_day: 100,
            ..AgentView::default()
        }
    }

    pub(super) fn indices(r: &[Release]) -> Vec<usize> {
        r.iter().map(|r| r.index).collect()
    }

    #[test]
    fn fifo_releases_all_in_order_and_deadline_sorts_stably() {
        let orders = [o(1, 9), o(2, 3), o(3, 9), o(4, 1)];
        let mut r = Vec::new();
        let v = view(0, 0, 0);
        decide(
            &PolicyConfig::Fifo { split: None },
            None,
            &orders,
            &v,
            &mut r,
        );
        assert_eq!(indices(&r), vec![0, 1, 2, 3]);
        decide(
            &PolicyConfig::Deadline { split: None },
            None,
            &orders,
            &v,
            &mut r,
        );
        assert_eq!(indices(&r), vec![3, 1, 0, 2]);
    }

    #[test]
    fn liquidity_aware_keeps_buffer_unless_urgent() {
        let policy = PolicyConfig::LiquidityAware {
            target_buffer: 50,
            urgency_threshold: 2,
            split: None,
        };
        // balance 100: first (40) leaves 60 ≥ 50 → release; second (40) would leave 20 → hold;
        // third is urgent (deadline 12 at tick 10) → release, projection 20; fourth (5) → 15 < 50 hold.
        let orders = [o(40, 50), o(40, 50), o(40, 12), o(5, 50)];
        let mut r = Vec::new();
        decide(&policy, None, &orders, &view(100, 0, 10), &mut r);
        assert_eq!(indices(&r), vec![0, 2]);
    }

    #[test]
    fn urgent_first_releases_urgent_orders_first_and_keeps_the_buffer_above_reservations() {
        let policy = PolicyConfig::UrgentFirst {
            target_buffer: 20,
            split: None,
        };
        let urgent = |amount| Order {
            urgent: true,
            ..o(amount, 50)
        };
        // Balance 200, 30 reserved: urgent 90 and 50 go first (projected 60, whatever the
        // buffer); normal 10 leaves 50 ≥ 30 + 20 → released; normal 5 would leave 45 → held;
        // normal 0-cost check: a later one of 0 is not possible, amounts are ≥ 1.
        let orders = [o(10, 50), urgent(90), o(5, 50), urgent(50)];
        let mut r = Vec::new();
        decide(&policy, None, &orders, &view(200, 30, 10), &mut r);
        assert_eq!(indices(&r), vec![1, 3, 0]);
        // Without a reservation the 5 fits too (45 ≥ 20).
        decide(&policy, None, &orders, &view(200, 0, 10), &mut r);
        assert_eq!(indices(&r), vec![1, 3, 0, 2]);
    }

    #[test]
    fn split_parts_sum_to_amount() {
        assert_eq!(split_amounts(100, 100, 4), None);
        assert_eq!(split_amounts(250, 100, 4), Some(vec![83, 83, 84]));
        assert_eq!(split_amounts(1000, 100, 4), Some(vec![250, 250, 250, 250]));
        assert_eq!(split_amounts(101, 100, 5), Some(vec![50, 51]));
        assert_eq!(split_even(10, 3), Some(vec![3, 3, 4]));
        assert_eq!(split_even(2, 5), Some(vec![1, 1]));
        assert_eq!(split_even(1, 5), None);
    }
}
