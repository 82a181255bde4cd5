//! Checking a decision tree and compiling it into a flat array of nodes.
//!
//! Every problem is reported with its path (`agent_configs[0].policy.tree.else.if.feature`):
//! unknown features, a constant or a feature of the wrong type, an operator a type does not
//! have, a branch that can never be taken (the conditions on the way to it already decide
//! the test: `amount > 100` under `amount > 500`), a bad split, a tree deeper than
//! [`MAX_TREE_DEPTH`] or larger than [`MAX_TREE_NODES`]. A tree is finite and has no loops,
//! so evaluation takes at most `depth` tests.

use std::collections::BTreeMap;

use super::features::{Feature, Kind};
use super::lang::{ActLeaf, CompareOp, Condition, Literal, PolicyNode, PriorityChange, TreeOrder};
use super::state::REGISTERS;
use crate::config::{MAX_PRIORITY, MAX_SPLIT_PARTS};
use crate::error::Problem;

/// Most tests on one path from the root to a leaf.
pub const MAX_TREE_DEPTH: usize = 64;
/// Most nodes in one tree.
pub const MAX_TREE_NODES: usize = 10_000;

/// What a leaf does with an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
    Release,
    Hold,
    /// Release as this many equal parts.
    Split(u32),
}

/// The right-hand side of a test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rhs {
    Const(i128),
    /// Another feature at a percentage, plus a constant: the test is
    /// `100 × lhs op percent × feature + 100 × plus`.
    Feature(Feature, i128, i128),
}

/// What a `do` leaf changes besides its decision.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Effects {
    pub set: [Option<i64>; REGISTERS],
    pub add: [i64; REGISTERS],
    pub collateral: i64,
    pub priority: Option<NewPriority>,
}

/// A `do` leaf's new priority for the order it decides on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NewPriority {
    Set(u8),
    /// Added to the order's priority, the result clamped to 0–`MAX_PRIORITY`.
    Add(i8),
}

impl NewPriority {
    pub fn of(self, priority: u8) -> u8 {
        match self {
            NewPriority::Set(p) => p,
            NewPriority::Add(d) => {
                (i64::from(priority) + i64::from(d)).clamp(0, MAX_PRIORITY) as u8
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Node {
    Test {
        feature: Feature,
        op: CompareOp,
        rhs: Rhs,
        then: u32,
        otherwise: u32,
    },
    Leaf(Action),
    /// A decision with effects (`CompiledTree::effects[index]`).
    Act(Action, u32),
}

/// A checked tree, ready to evaluate: node 0 is the root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CompiledTree {
    pub nodes: Vec<Node>,
    pub order: TreeOrder,
    /// Most parts a split leaf asks for (0 without split leaves).
    pub max_split_parts: u32,
    /// The effects of its `do` leaves.
    pub effects: Vec<Effects>,
    /// It reads a rolling window (`state`).
    pub reads_window: bool,
}

/// What the compiler knows of the agent the tree belongs to.
pub(crate) struct Context<'a> {
    pub ids: &'a BTreeMap<&'a str, usize>,
    /// The agent's own index (it is never its own counterparty).
    pub agent: usize,
    pub ticks_per_day: u64,
    /// The agent holds collateral (`rules.participants.<id>.collateral`).
    pub has_collateral: bool,
}

/// Check `tree` (at `path`) and compile it; every problem found, or the compiled tree.
pub(crate) fn compile(
    tree: &PolicyNode,
    order: TreeOrder,
    path: &str,
    cx: &Context,
) -> Result<CompiledTree, Vec<Problem>> {
    let mut c = Compiler {
        cx,
        nodes: Vec::new(),
        problems: Vec::new(),
        bounds: BTreeMap::new(),
        max_split_parts: 0,
        effects: Vec::new(),
        reads_window: false,
    };
    c.node(tree, path, 0);
    if c.nodes.len() > MAX_TREE_NODES {
        c.problems.push(Problem::new(
            path,
            format!(
                "{path}: the tree has {} nodes, more than {MAX_TREE_NODES}",
                c.nodes.len()
            ),
        ));
    }
    if c.problems.is_empty() {
        Ok(CompiledTree {
            nodes: c.nodes,
            order,
            max_split_parts: c.max_split_parts,
            effects: c.effects,
            reads_window: c.reads_window,
        })
    } else {
        Err(c.problems)
    }
}

struct Compiler<'a> {
    cx: &'a Context<'a>,
    nodes: Vec<Node>,
    problems: Vec<Problem>,
    /// What the tests on the way here imply of each feature tested against a constant.
    bounds: BTreeMap<&'static str, (i128, i128)>,
    max_split_parts: u32,
    effects: Vec<Effects>,
    reads_window: bool,
}

impl Compiler<'_> {
    /// Compile `node` (at `path`, under `depth` tests); returns its index.
    fn node(&mut self, node: &PolicyNode, path: &str, depth: usize) -> u32 {
        let index = self.nodes.len() as u32;
        match node {
            PolicyNode::Release => self.nodes.push(Node::Leaf(Action::Release)),
            PolicyNode::Hold => self.nodes.push(Node::Leaf(Action::Hold)),
            PolicyNode::Split(_) => {
                let action = self.decision(node, path);
                self.nodes.push(Node::Leaf(action));
            }
            PolicyNode::Do(leaf) => {
                let action = self.decision(&leaf.decision, &format!("{path}.do"));
                let effects = self.effects(leaf, path);
                self.effects.push(effects);
                let at = self.effects.len() as u32 - 1;
                self.nodes.push(Node::Act(action, at));
            }
            PolicyNode::If {
                cond,
                then,
                otherwise,
            } => {
                if depth >= MAX_TREE_DEPTH {
                    self.problem(
                        path.to_string(),
                        format!("the tree is deeper than {MAX_TREE_DEPTH} tests"),
                    );
                    self.nodes.push(Node::Leaf(Action::Hold));
                    return index;
                }
                self.nodes.push(Node::Leaf(Action::Hold)); // patched below
                let Some((feature, op, rhs)) = self.condition(cond, &format!("{path}.if")) else {
                    return index;
                };
                let key = feature.name();
                let saved = self.bounds.get(key).copied();
                let now = saved.unwrap_or_else(|| feature.domain(self.cx.ticks_per_day));
                let (when_true, when_false) = match rhs {
                    Rhs::Const(c) if feature.kind() != Kind::Agent => split_interval(now, op, c),
                    _ => (Some(now), Some(now)),
                };
                let text = describe(cond);
                let branches = [
                    (then, "then", when_true, "never holds"),
                    (otherwise, "else", when_false, "always holds"),
                ];
                let mut targets = [0u32; 2];
                for (k, (child, name, bound, why)) in branches.into_iter().enumerate() {
                    let child_path = format!("{path}.{name}");
                    match bound {
                        None => {
                            self.problem(
                                child_path,
                                format!(
                                    "this branch is never taken: `{text}` {why} here (given the \
                                     tests above it and the feature's range)"
                                ),
                            );
                        }
                        Some(b) => {
                            if matches!(rhs, Rhs::Const(_)) && feature.kind() != Kind::Agent {
                                self.bounds.insert(key, b);
                            }
                            targets[k] = self.node(child, &child_path, depth + 1);
                        }
                    }
                    match saved {
                        Some(s) => self.bounds.insert(key, s),
                        None => self.bounds.remove(key),
                    };
                }
                self.nodes[index as usize] = Node::Test {
                    feature,
                    op,
                    rhs,
                    then: targets[0],
                    otherwise: targets[1],
                };
            }
        }
        index
    }

    /// The decision of a leaf (`release`, `hold`, a split) at `path`.
    fn decision(&mut self, node: &PolicyNode, path: &str) -> Action {
        match node {
            PolicyNode::Release => Action::Release,
            PolicyNode::Hold => Action::Hold,
            PolicyNode::Split(leaf) => {
                if !(2..=MAX_SPLIT_PARTS).contains(&leaf.parts) {
                    self.problem(
                        format!("{path}.split.parts"),
                        format!(
                            "must be between 2 and {MAX_SPLIT_PARTS} (got {})",
                            leaf.parts
                        ),
                    );
                }
                let parts = leaf.parts.clamp(2, MAX_SPLIT_PARTS) as u32;
                self.max_split_parts = self.max_split_parts.max(parts);
                Action::Split(parts)
            }
            PolicyNode::Do(_) | PolicyNode::If { .. } => {
                self.problem(
                    path.to_string(),
                    "a `do` leaf decides `release`, `hold` or `{split: {parts}}`".to_string(),
                );
                Action::Hold
            }
        }
    }

    /// Check a `do` leaf's effects (at `path`) and compile them.
    fn effects(&mut self, leaf: &ActLeaf, path: &str) -> Effects {
        let mut e = Effects::default();
        for (key, map) in [("set", &leaf.set), ("add", &leaf.add)] {
            for (name, &value) in map {
                let at = format!("{path}.{key}.{name}");
                let Some(r) = self.register(name, &at) else {
                    continue;
                };
                if key == "set" {
                    e.set[r] = Some(value);
                } else if leaf.set.contains_key(name) {
                    self.problem(at, format!("`{name}` is both set and added to"));
                } else {
                    e.add[r] = value;
                }
            }
        }
        if let Some(amount) = leaf.collateral {
            let at = format!("{path}.collateral");
            if amount == 0 {
                self.problem(
                    at,
                    "post (> 0) or withdraw (< 0) some collateral, not 0".to_string(),
                );
            } else if !self.cx.has_collateral {
                self.problem(
                    at,
                    "the agent has no collateral (rules.participants.<id>.collateral)".to_string(),
                );
            } else {
                e.collateral = amount;
            }
        }
        if let Some(change) = &leaf.priority {
            e.priority = self.new_priority(change, &format!("{path}.priority"));
        }
        e
    }

    /// Check a leaf's `priority: {set: p}` / `{add: d}` (at `path`).
    fn new_priority(&mut self, change: &PriorityChange, path: &str) -> Option<NewPriority> {
        match (change.set, change.add) {
            (Some(p), None) if (0..=MAX_PRIORITY).contains(&p) => Some(NewPriority::Set(p as u8)),
            (Some(p), None) => {
                self.problem(
                    format!("{path}.set"),
                    format!("must be between 0 and {MAX_PRIORITY} (got {p})"),
                );
                None
            }
            (None, Some(d)) if d != 0 && d.abs() <= MAX_PRIORITY => Some(NewPriority::Add(d as i8)),
            (None, Some(d)) => {
                self.problem(
                    format!("{path}.add"),
                    format!("must be between -{MAX_PRIORITY} and {MAX_PRIORITY}, not 0 (got {d})"),
                );
                None
            }
            _ => {
                self.problem(
                    path.to_string(),
                    "give exactly one of `set` (the new priority) or `add` (a change)".to_string(),
                );
                None
            }
        }
    }

    fn register(&mut self, name: &str, path: &str) -> Option<usize> {
        let found = Feature::from_name(name).and_then(Feature::register);
        if found.is_none() {
            self.problem(
                path.to_string(),
                format!("unknown register {name:?}; the registers are r0, r1, r2, r3"),
            );
        }
        found
    }

    /// Check one condition; its compiled parts when it is well formed.
    fn condition(&mut self, cond: &Condition, path: &str) -> Option<(Feature, CompareOp, Rhs)> {
        let feature = self.feature(&cond.feature, &format!("{path}.feature"))?;
        let kind = feature.kind();
        if !kind.ordered() && !matches!(cond.op, CompareOp::Eq | CompareOp::Ne) {
            self.problem(
                format!("{path}.op"),
                format!(
                    "`{}` is {}: only == and != apply (got {})",
                    feature.name(),
                    kind.name(),
                    cond.op.symbol()
                ),
            );
            return None;
        }
        let rhs = match (&cond.value, &cond.against) {
            (Some(_), Some(_)) | (None, None) => {
                self.problem(
                    path.to_string(),
                    "give exactly one of `value` and `against`".to_string(),
                );
                return None;
            }
            (Some(value), None) => {
                for (key, given) in [("plus", cond.plus), ("percent", cond.percent)] {
                    if given.is_some() {
                        self.problem(
                            format!("{path}.{key}"),
                            format!("`{key}` goes with `against`, not with `value`"),
                        );
                        return None;
                    }
                }
                Rhs::Const(self.literal(feature, value, &format!("{path}.value"))?)
            }
            (None, Some(other)) => {
                let other_feature = self.feature(other, &format!("{path}.against"))?;
                if other_feature.kind() != kind {
                    self.problem(
                        format!("{path}.against"),
                        format!(
                            "`{}` is {} but `{}` is {}",
                            other_feature.name(),
                            other_feature.kind().name(),
                            feature.name(),
                            kind.name()
                        ),
                    );
                    return None;
                }
                for (key, given) in [("plus", cond.plus), ("percent", cond.percent)] {
                    if given.is_some() && !kind.ordered() {
                        self.problem(
                            format!("{path}.{key}"),
                            format!(
                                "`{key}` needs numbers; `{}` is {}",
                                feature.name(),
                                kind.name()
                            ),
                        );
                        return None;
                    }
                }
                let percent = cond.percent.unwrap_or(100);
                if !(0..=1_000_000).contains(&percent) {
                    self.problem(
                        format!("{path}.percent"),
                        format!("must be 0 to 1,000,000 (got {percent})"),
                    );
                    return None;
                }
                self.reads_window |= other_feature.needs_window();
                Rhs::Feature(
                    other_feature,
                    percent as i128,
                    cond.plus.unwrap_or(0) as i128,
                )
            }
        };
        Some((feature, cond.op, rhs))
    }

    fn feature(&mut self, name: &str, path: &str) -> Option<Feature> {
        let found = Feature::from_name(name);
        self.reads_window |= found.is_some_and(Feature::needs_window);
        if found.is_none() {
            let known: Vec<&str> = Feature::ALL.iter().map(|f| f.name()).collect();
            self.problem(
                path.to_string(),
                format!("unknown feature {name:?}; known: {}", known.join(", ")),
            );
        }
        found
    }

    fn literal(&mut self, feature: Feature, value: &Literal, path: &str) -> Option<i128> {
        let kind = feature.kind();
        let got = match (kind, value) {
            (Kind::Flag, Literal::Flag(b)) => return Some(*b as i128),
            (Kind::Agent, Literal::Agent(id)) => match self.cx.ids.get(id.as_str()) {
                Some(&i) if i == self.cx.agent => {
                    self.problem(
                        path.to_string(),
                        format!("{id:?} is this agent: never its own counterparty"),
                    );
                    return None;
                }
                Some(&i) => return Some(i as i128),
                None => {
                    self.problem(path.to_string(), format!("unknown agent {id:?}"));
                    return None;
                }
            },
            (Kind::Flag | Kind::Agent, _) => value,
            (_, Literal::Int(n)) => return Some(*n as i128),
            (_, other) => other,
        };
        let shown = serde_json::to_string(got).unwrap_or_default();
        self.problem(
            path.to_string(),
            format!(
                "`{}` is {}; {shown} is not one",
                feature.name(),
                kind.name()
            ),
        );
        None
    }

    fn problem(&mut self, path: String, message: String) {
        let message = format!("{path}: {message}");
        self.problems.push(Problem::new(path, message));
    }
}

fn describe(cond: &Condition) -> String {
    let rhs = match (&cond.value, &cond.against) {
        (Some(v), _) => serde_json::to_string(v).unwrap_or_default(),
        (None, Some(a)) => {
            let a = match cond.percent {
                Some(pc) => format!("{pc}% of {a}"),
                None => a.clone(),
            };
            match cond.plus {
                Some(p) => format!("{a} + {p}"),
                None => a,
            }
        }
        (None, None) => String::new(),
    };
    format!("{} {} {rhs}", cond.feature, cond.op.symbol())
}

/// The values of `[lo, hi]` for which `x op c` holds and those for which it does not
/// (`None`: no value). `!=`/`==` narrow only when the constant is at an end.
fn split_interval((lo, hi): (i128, i128), op: CompareOp, c: i128) -> Bounds {
    let range = |a: i128, b: i128| (a <= b).then_some((a, b));
    let below = |c: i128| range(lo, hi.min(c.saturating_sub(1)));
    let at_most = |c: i128| range(lo, hi.min(c));
    let above = |c: i128| range(lo.max(c.saturating_add(1)), hi);
    let at_least = |c: i128| range(lo.max(c), hi);
    let equal = range(lo.max(c), hi.min(c));
    let unequal = if lo == c && hi == c {
        None
    } else if lo == c {
        range(lo + 1, hi)
    } else if hi == c {
        range(lo, hi - 1)
    } else {
        Some((lo, hi))
    };
    match op {
        CompareOp::Lt => (below(c), at_least(c)),
        CompareOp::Le => (at_most(c), above(c)),
        CompareOp::Gt => (above(c), at_most(c)),
        CompareOp::Ge => (at_least(c), below(c)),
        CompareOp::Eq => (equal, unequal),
        CompareOp::Ne => (unequal, equal),
    }
}

type Bounds = (Option<(i128, i128)>, Option<(i128, i128)>);
