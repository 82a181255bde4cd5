//! The experiment document as it is written: a base scenario, axes, seeds and the design.
//! `docs/experiments.md` gives the meaning; `axes` turns the axes into overrides and checks
//! them against the base.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::payments::PaymentFile;
use crate::error::SimError;

/// An experiment document (`docs/experiments.md`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Experiment {
    /// The base scenario: a mapping in either configuration shape, or (in a file) a path that
    /// the front end reads and hands to the core beside the experiment (the core reads no file).
    pub scenario: Value,
    /// The axes, outermost first.
    #[serde(default)]
    pub axes: Vec<AxisSpec>,
    /// The seeds every combination of the axes is run with (the innermost axis, `seed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seeds: Option<Seeds>,
    /// How the axes combine.
    #[serde(default)]
    pub design: Design,
    /// More points than [`super::POINT_LIMIT`] are accepted only with this (or the front
    /// end's `--yes` / `allow_large=True`).
    #[serde(default)]
    pub allow_large: bool,
    /// A payment file every point replays (a fed run, as `run --payments`); not with a
    /// `payments` axis (a run replays one file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payments: Option<PaymentFile>,
}

/// How the axes combine into points.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Design {
    /// Every combination (the first axis outermost).
    #[default]
    Grid,
    /// The explicit list: the k-th value of every axis together (equal lengths).
    Zip,
}

/// Seeds: a list, or `{first, count}` (first, first + 1, …).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Seeds {
    /// These seeds, in this order.
    List(Vec<u64>),
    /// `count` consecutive seeds from `first`.
    Range {
        /// The first seed.
        first: u64,
        /// How many.
        count: u64,
    },
}

/// One axis as written: an optional name and path and exactly one of the value lists. The
/// list's key says what a value does to the base (`axes::Kind`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AxisSpec {
    /// The column name (default: the path; the rule for a liquidity axis; `events`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Where in the base document: `lsm.bilateral`, `agents[*].balance`,
    /// `agents[BANK_A].policy`, `agents[0].credit_limit`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Values put at the path as they are.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<Value>>,
    /// Factors the number at the path is multiplied by (an integer stays an integer, rounded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<Vec<f64>>,
    /// Balances `LB + ⌈α·(UB − LB)⌉` (path default `agents[*].balance`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub between_bounds: Option<Vec<f64>>,
    /// Balances `⌈x·UB⌉`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times_upper_bound: Option<Vec<f64>>,
    /// Balances `⌈x·LB⌉`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times_lower_bound: Option<Vec<f64>>,
    /// Sets of scheduled actions added to the base's `scenario_events`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events: Option<Vec<EventSet>>,
    /// What the results show for each value, in order (default: the value itself), e.g.
    /// `[early, late]` for two policies; not for an events axis (its sets have names).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<Vec<Value>>,
    /// Payment files, one per value: each point replays its file (a fed run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payments: Option<Vec<PaymentFile>>,
}

/// A named set of scheduled actions (a stress case): `{name, events: [...]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventSet {
    /// Its label in the results.
    pub name: String,
    /// Scheduled actions as in `scenario_events` (`docs/model.md` § Scheduled actions).
    #[serde(default)]
    pub events: Vec<Value>,
}

impl Experiment {
    /// Read an experiment, YAML or JSON, with the document reader's rules (syntax first,
    /// then the shape with its path). The rules that need the base are checked on expansion.
    pub fn from_text(text: &str) -> Result<Self, SimError> {
        if text.trim_start().starts_with('{') {
            crate::error::parse_json_at(text, "experiment", SimError::config)
        } else {
            crate::document::read_yaml(text)
        }
    }

    /// The seeds as a list (`None`: the base's own seed, no seed axis).
    pub fn seed_list(&self) -> Option<Vec<u64>> {
        match &self.seeds {
            None => None,
            Some(Seeds::List(v)) => Some(v.clone()),
            Some(Seeds::Range { first, count }) => {
                Some((0..*count).map(|k| first.saturating_add(k)).collect())
            }
        }
    }
}
