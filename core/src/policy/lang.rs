//! The policy language as written in a configuration: a decision tree (`docs/policies.md`).
//!
//! A node is a leaf action (`release`, `hold`, `{split: {parts: k}}`), a leaf with effects
//! (`{do: leaf, set, add, collateral, priority}`) or a test
//! `{if: {feature, op, value | against [, plus, percent]}, then: node, else: node}`. These
//! types only read and write the document; `compile` checks features, types and
//! reachability with paths and builds the flat form the engine evaluates.

use std::borrow::Cow;
use std::collections::BTreeMap;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::de::{self, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize};

use crate::config::serde_helpers::mapping_only;

mapping_only! {
    struct Condition;
    struct SplitLeaf;
    struct PriorityChange;
    unit enum CompareOp;
    unit enum TreeOrder;
    unit enum RegisterReset;
}

/// One node of a decision tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PolicyNode {
    /// Release the order (split by the policy's `split` rule, if any).
    Release,
    /// Keep the order in Queue 1.
    Hold,
    /// Release the order as `parts` equal parts (the remainder on the last).
    Split(SplitLeaf),
    /// A decision (`release`, `hold` or a split) with effects: registers,
    /// collateral, the order's priority.
    Do(Box<ActLeaf>),
    /// Test a condition and continue with `then` or `else`.
    If {
        /// The test.
        cond: Condition,
        /// Taken when the test holds.
        then: Box<PolicyNode>,
        /// Taken otherwise.
        otherwise: Box<PolicyNode>,
    },
}

/// `{split: {parts: k}}`: release as `k` equal parts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(remote = "Self", deny_unknown_fields)]
#[schemars(rename = "PolicySplitLeaf")]
pub struct SplitLeaf {
    /// Number of parts (2 ≤ parts ≤ 1,000); an order smaller than `parts` cents becomes one
    /// part per cent.
    pub parts: i64,
}

/// `{do: decision, set, add, collateral, priority}`: a leaf that also changes things.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActLeaf {
    /// `release`, `hold` or `{split: {parts}}`.
    pub decision: PolicyNode,
    /// Registers set to a constant (`{r0: 1}`).
    pub set: BTreeMap<String, i64>,
    /// Constants added to registers (`{r1: -1}`), saturating.
    pub add: BTreeMap<String, i64>,
    /// Cents of collateral to post (> 0) or withdraw (< 0), as a scheduled `collateral`
    /// action does.
    pub collateral: Option<i64>,
    /// A new priority for the order the leaf decides on.
    pub priority: Option<PriorityChange>,
}

/// `{set: p}` or `{add: d}`: the order's new priority, a constant or its priority plus `d`
/// (clamped to 0–10).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(remote = "Self", deny_unknown_fields)]
#[schemars(rename = "PolicyPriorityChange")]
pub struct PriorityChange {
    /// The new priority (0–10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set: Option<i64>,
    /// Added to the order's priority (−10 to 10, not 0), the result clamped to 0–10.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub add: Option<i64>,
}

/// `feature op value`, or `feature op against × percent / 100 + plus` (two features of the
/// same type).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(remote = "Self", deny_unknown_fields)]
#[schemars(rename = "PolicyCondition")]
pub struct Condition {
    /// The feature tested (`docs/policies.md` lists them).
    pub feature: String,
    /// The comparison.
    pub op: CompareOp,
    /// A constant: an integer, `true`/`false` for flags, an agent id for `counterparty`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Literal>,
    /// Another feature of the same type, compared instead of `value`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub against: Option<String>,
    /// Added to `against` (integers only; default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plus: Option<i64>,
    /// `against` is taken at this percentage (integers only; default 100).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent: Option<i64>,
}

/// A constant in a condition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
#[schemars(rename = "PolicyLiteral")]
pub enum Literal {
    /// A flag.
    Flag(bool),
    /// An amount, a number of ticks, a count or a priority.
    Int(i64),
    /// An agent id.
    Agent(String),
}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(remote = "Self")]
#[schemars(rename = "PolicyCompareOp")]
pub enum CompareOp {
    /// Less than.
    #[serde(rename = "<")]
    Lt,
    /// Less than or equal.
    #[serde(rename = "<=")]
    Le,
    /// Greater than.
    #[serde(rename = ">")]
    Gt,
    /// Greater than or equal.
    #[serde(rename = ">=")]
    Ge,
    /// Equal.
    #[serde(rename = "==")]
    Eq,
    /// Not equal.
    #[serde(rename = "!=")]
    Ne,
}

impl CompareOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            CompareOp::Lt => "<",
            CompareOp::Le => "<=",
            CompareOp::Gt => ">",
            CompareOp::Ge => ">=",
            CompareOp::Eq => "==",
            CompareOp::Ne => "!=",
        }
    }

    #[inline]
    pub(crate) fn holds(self, l: i128, r: i128) -> bool {
        match self {
            CompareOp::Lt => l < r,
            CompareOp::Le => l <= r,
            CompareOp::Gt => l > r,
            CompareOp::Ge => l >= r,
            CompareOp::Eq => l == r,
            CompareOp::Ne => l != r,
        }
    }
}

/// The order in which a tree sees (and releases) the orders of Queue 1.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(remote = "Self", rename_all = "snake_case")]
#[schemars(rename = "PolicyTreeOrder")]
pub enum TreeOrder {
    /// Queue 1 (arrival) order.
    #[default]
    Arrival,
    /// `deadline_tick` ascending; ties keep Queue 1 order.
    Deadline,
    /// Urgent orders (the urgent classes of the rules) first, each group in Queue 1 order.
    UrgentFirst,
}

/// When a tree's registers go back to 0.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(remote = "Self", rename_all = "snake_case")]
#[schemars(rename = "PolicyRegisterReset")]
pub enum RegisterReset {
    /// Kept for the whole run.
    #[default]
    Never,
    /// At the start of each day.
    Day,
}

impl RegisterReset {
    /// Serialized only when not the default.
    pub fn is_never(&self) -> bool {
        *self == RegisterReset::Never
    }
}

impl TreeOrder {
    /// Serialized only when not the default.
    pub fn is_arrival(&self) -> bool {
        *self == TreeOrder::Arrival
    }
}

impl Serialize for PolicyNode {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            PolicyNode::Release => s.serialize_str("release"),
            PolicyNode::Hold => s.serialize_str("hold"),
            PolicyNode::Split(leaf) => {
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("split", leaf)?;
                m.end()
            }
            PolicyNode::Do(leaf) => {
                let mut m = s.serialize_map(None)?;
                m.serialize_entry("do", &leaf.decision)?;
                if !leaf.set.is_empty() {
                    m.serialize_entry("set", &leaf.set)?;
                }
                if !leaf.add.is_empty() {
                    m.serialize_entry("add", &leaf.add)?;
                }
                if let Some(c) = &leaf.collateral {
                    m.serialize_entry("collateral", c)?;
                }
                if let Some(p) = &leaf.priority {
                    m.serialize_entry("priority", p)?;
                }
                m.end()
            }
            PolicyNode::If {
                cond,
                then,
                otherwise,
            } => {
                let mut m = s.serialize_map(Some(3))?;
                m.serialize_entry("if", cond)?;
                m.serialize_entry("then", then)?;
                m.serialize_entry("else", otherwise)?;
                m.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for PolicyNode {
    /// The root of a tree (the `tree` field); its nodes are read through [`Child`].
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NodeVisitor)
            .inspect_err(|_| failed_at("tree"))
    }
}

thread_local! {
    /// Where inside a tree the last read failed, innermost key first. The tree sits inside
    /// the internally tagged `PolicyConfig`, which serde reads from a buffer that loses the
    /// reader's path; the document reader appends this to the path it has
    /// ([`take_node_path`]).
    static NODE_PATH: std::cell::RefCell<Vec<&'static str>> = const { std::cell::RefCell::new(Vec::new()) };
}

pub(crate) fn failed_at(key: &'static str) {
    NODE_PATH.with(|p| p.borrow_mut().push(key));
}

/// The path inside a tree where the last failed read went wrong (`.tree.else.if`), or ""
/// ; clears it.
pub(crate) fn take_node_path() -> String {
    NODE_PATH.with(|p| {
        let keys = std::mem::take(&mut *p.borrow_mut());
        keys.iter().rev().map(|k| format!(".{k}")).collect()
    })
}

/// A value under `key` of a node: a failure records the key.
struct Child<T>(&'static str, std::marker::PhantomData<T>);

impl<'de, T: Deserialize<'de>> de::DeserializeSeed<'de> for Child<T> {
    type Value = T;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        let key = self.0;
        T::deserialize(d).inspect_err(|_| failed_at(key))
    }
}

/// A node under `key` (not through the root's `Deserialize`, which adds `tree`).
struct ChildNode(&'static str);

impl<'de> de::DeserializeSeed<'de> for ChildNode {
    type Value = PolicyNode;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<PolicyNode, D::Error> {
        let key = self.0;
        d.deserialize_any(NodeVisitor)
            .inspect_err(|_| failed_at(key))
    }
}

fn child<T>(key: &'static str) -> Child<T> {
    Child(key, std::marker::PhantomData)
}

struct NodeVisitor;

const NODE_EXPECTING: &str = "a policy node: \"release\", \"hold\", {split: {parts}}, {do: leaf, set?, add?, collateral?, priority?} or {if: {...}, then: node, else: node}";

const NODE_KEYS: &[&str] = &[
    "split",
    "if",
    "then",
    "else",
    "do",
    "set",
    "add",
    "collateral",
    "priority",
];

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = PolicyNode;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(NODE_EXPECTING)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<PolicyNode, E> {
        match v {
            "release" => Ok(PolicyNode::Release),
            "hold" => Ok(PolicyNode::Hold),
            _ => Err(E::unknown_variant(
                v,
                &["release", "hold", "split", "if", "do"],
            )),
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PolicyNode, A::Error> {
        let mut split: Option<SplitLeaf> = None;
        let mut cond: Option<Condition> = None;
        let mut then: Option<PolicyNode> = None;
        let mut otherwise: Option<PolicyNode> = None;
        let mut decision: Option<PolicyNode> = None;
        let mut set: Option<BTreeMap<String, i64>> = None;
        let mut add: Option<BTreeMap<String, i64>> = None;
        let mut collateral: Option<i64> = None;
        let mut priority: Option<PriorityChange> = None;
        while let Some(key) = map.next_key::<String>()? {
            // A repeated key is an error, never "the last one wins".
            let repeated = match key.as_str() {
                "split" => split
                    .replace(map.next_value_seed(child("split"))?)
                    .is_some(),
                "if" => cond.replace(map.next_value_seed(child("if"))?).is_some(),
                "then" => then
                    .replace(map.next_value_seed(ChildNode("then"))?)
                    .is_some(),
                "else" => otherwise
                    .replace(map.next_value_seed(ChildNode("else"))?)
                    .is_some(),
                "do" => decision
                    .replace(map.next_value_seed(ChildNode("do"))?)
                    .is_some(),
                "set" => set.replace(map.next_value_seed(child("set"))?).is_some(),
                "add" => add.replace(map.next_value_seed(child("add"))?).is_some(),
                "collateral" => collateral
                    .replace(map.next_value_seed(child("collateral"))?)
                    .is_some(),
                "priority" => priority
                    .replace(map.next_value_seed(child("priority"))?)
                    .is_some(),
                _ => return Err(de::Error::unknown_field(&key, NODE_KEYS)),
            };
            if repeated {
                return Err(de::Error::custom(format_args!("duplicate field `{key}`")));
            }
        }
        let effects = set.is_some() || add.is_some() || collateral.is_some() || priority.is_some();
        if let Some(decision) = decision {
            if split.is_some() || cond.is_some() || then.is_some() || otherwise.is_some() {
                return Err(de::Error::custom(
                    "a `do` leaf is `{do: leaf, set?, add?, collateral?, priority?}` (no split/if/then/else beside it)",
                ));
            }
            return Ok(PolicyNode::Do(Box::new(ActLeaf {
                decision,
                set: set.unwrap_or_default(),
                add: add.unwrap_or_default(),
                collateral,
                priority,
            })));
        }
        if effects {
            return Err(de::Error::custom(
                "`set`, `add`, `collateral` and `priority` go in a `do` leaf: {do: release, set: {r0: 1}}",
            ));
        }
        match (split, cond, then, otherwise) {
            (Some(leaf), None, None, None) => Ok(PolicyNode::Split(leaf)),
            (None, Some(cond), Some(then), Some(otherwise)) => Ok(PolicyNode::If {
                cond,
                then: Box::new(then),
                otherwise: Box::new(otherwise),
            }),
            (Some(_), ..) => Err(de::Error::custom(
                "a split leaf is `{split: {parts}}` alone (no if/then/else beside it)",
            )),
            (None, None, ..) => Err(de::Error::missing_field("if")),
            (None, Some(_), None, _) => Err(de::Error::missing_field("then")),
            (None, Some(_), Some(_), None) => Err(de::Error::missing_field("else")),
        }
    }
}

impl JsonSchema for PolicyNode {
    fn schema_name() -> Cow<'static, str> {
        "PolicyNode".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let node = generator.subschema_for::<PolicyNode>();
        let cond = generator.subschema_for::<Condition>();
        let leaf = generator.subschema_for::<SplitLeaf>();
        let priority = generator.subschema_for::<PriorityChange>();
        schemars::json_schema!({
            "description": "A decision-tree node (docs/policies.md).",
            "oneOf": [
                {"type": "string", "enum": ["release", "hold"]},
                {
                    "type": "object",
                    "properties": {"split": leaf},
                    "required": ["split"],
                    "additionalProperties": false
                },
                {
                    "type": "object",
                    "properties": {
                        "do": node,
                        "set": {"type": "object", "additionalProperties": {"type": "integer"}},
                        "add": {"type": "object", "additionalProperties": {"type": "integer"}},
                        "collateral": {"type": "integer"},
                        "priority": priority
                    },
                    "required": ["do"],
                    "additionalProperties": false
                },
                {
                    "type": "object",
                    "properties": {"if": cond, "then": node, "else": node},
                    "required": ["if", "then", "else"],
                    "additionalProperties": false
                }
            ]
        })
    }
}
