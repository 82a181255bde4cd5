//! The policy language as written in a configuration: a decision tree (`docs/policies.md`).
//!
//! A node is a leaf action (`release`, `hold`, `{split: {parts: k}}`) or a test
//! `{if: {feature, op, value | against [, plus]}, then: node, else: node}`. These types only
//! read and write the document; `compile` checks features, types and reachability with paths
//! and builds the flat form the engine evaluates.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::de::{self, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize};

use crate::config::serde_helpers::mapping_only;

mapping_only! {
    struct Condition;
    struct SplitLeaf;
    unit enum CompareOp;
    unit enum TreeOrder;
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

/// `feature op value`, or `feature op against + plus` (two features of the same type).
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
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

const NODE_EXPECTING: &str =
    "a policy node: \"release\", \"hold\", {split: {parts}} or {if: {...}, then: node, else: node}";

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = PolicyNode;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(NODE_EXPECTING)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<PolicyNode, E> {
        match v {
            "release" => Ok(PolicyNode::Release),
            "hold" => Ok(PolicyNode::Hold),
            _ => Err(E::unknown_variant(v, &["release", "hold", "split", "if"])),
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<PolicyNode, A::Error> {
        let mut split: Option<SplitLeaf> = None;
        let mut cond: Option<Condition> = None;
        let mut then: Option<PolicyNode> = None;
        let mut otherwise: Option<PolicyNode> = None;
        while let Some(key) = map.next_key::<String>()? {
            // A repeated key is an error, never "the last one wins".
            let repeated = match key.as_str() {
                "split" => split.replace(map.next_value()?).is_some(),
                "if" => cond.replace(map.next_value()?).is_some(),
                "then" => then.replace(map.next_value()?).is_some(),
                "else" => otherwise.replace(map.next_value()?).is_some(),
                _ => {
                    return Err(de::Error::unknown_field(
                        &key,
                        &["split", "if", "then", "else"],
                    ))
                }
            };
            if repeated {
                return Err(de::Error::custom(format_args!("duplicate field `{key}`")));
            }
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
                    "properties": {"if": cond, "then": node, "else": node},
                    "required": ["if", "then", "else"],
                    "additionalProperties": false
                }
            ]
        })
    }
}
