//! The one error type of the engine, and the structured problems it carries. Each variant maps
//! to exactly one C status code.

use std::fmt;

use serde::Serialize;
use thiserror::Error;

/// One thing wrong with a document: where it is, what is wrong, and (where it helps) the
/// offending value.
///
/// `path` names the field in the document the user wrote: `agent_configs[0].credit_limit` in
/// the machine format, `agents[2].policy.split.max_parts` in a scenario, `snapshot.<field>`
/// in a state file, `""` for the whole document (malformed text, a missing top-level field).
/// Struct fields and map keys are joined with `.`, list indices are `[i]`; a map key (a bank
/// id in `counterparty_weights`) is written as it is.
///
/// `message` is the sentence a person reads; it usually starts with the path, so printing
/// the messages alone (as the CLI does) loses nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Where the problem is ("" = the whole document).
    pub path: String,
    /// What is wrong, in words (often starting with the path).
    pub message: String,
    /// The offending value, where it helps (a number out of range, a duplicate id, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<serde_json::Value>,
}

impl Problem {
    /// A problem at `path`.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Problem {
            path: path.into(),
            message: message.into(),
            value: None,
        }
    }

    /// A problem of the whole document (path "").
    pub fn whole(message: impl Into<String>) -> Self {
        Problem::new("", message)
    }

    /// The same problem with the offending value attached.
    pub fn with_value(mut self, value: impl Into<serde_json::Value>) -> Self {
        self.value = Some(value.into());
        self
    }

    /// The same problem with a float value attached when JSON can carry it (NaN and the
    /// infinities stay in the message only).
    pub(crate) fn with_float(self, value: f64) -> Self {
        match serde_json::Number::from_f64(value) {
            Some(n) => self.with_value(n),
            None => self,
        }
    }

    /// The same problem inside the field `parent` of an enclosing document (a recording's
    /// `config`): the path gains the prefix and so does the message, which (as it always has)
    /// reads `parent.<message>`.
    pub fn under(self, parent: &str) -> Self {
        Problem {
            path: join(parent, &self.path),
            message: format!("{parent}.{}", self.message),
            value: self.value,
        }
    }

    /// A well-formed document of the wrong shape, as serde_path_to_error reports it: the path
    /// (serde_path_to_error writes "." for the root) and the message `path: problem`.
    pub(crate) fn shape(path: &serde_path_to_error::Path, inner: impl fmt::Display) -> Self {
        Problem::shape_at(path_text(path), inner)
    }

    /// As [`Problem::shape`], with the path already rendered.
    pub(crate) fn shape_at(path: String, inner: impl fmt::Display) -> Self {
        let message = if path.is_empty() {
            inner.to_string()
        } else {
            format!("{path}: {inner}")
        };
        Problem::new(path, message)
    }
}

/// `parent.child`, or `parent[0]` when the child is an index, or `parent` for the root.
pub(crate) fn join(parent: &str, child: &str) -> String {
    if child.is_empty() {
        parent.to_string()
    } else if parent.is_empty() || child.starts_with('[') {
        format!("{parent}{child}")
    } else {
        format!("{parent}.{child}")
    }
}

/// serde_path_to_error's path in the problem format ("" for the root, not ".").
pub(crate) fn path_text(path: &serde_path_to_error::Path) -> String {
    let text = path.to_string();
    if text == "." {
        String::new()
    } else {
        text
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// A problem reads as its message, so a list of problems joins like the list of messages it
/// used to be (`problems.join("; ")`). Problem has no `Hash` or `Ord`, so it cannot be a map
/// key and this never stands in for equality.
impl std::borrow::Borrow<str> for Problem {
    fn borrow(&self) -> &str {
        &self.message
    }
}

/// The messages of `problems`, joined with "; ".
fn messages(problems: &[Problem]) -> String {
    problems.join("; ")
}

/// Everything that can go wrong when building, driving or querying a simulation.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SimError {
    /// The input is not well-formed JSON/YAML.
    #[error("{0}")]
    InvalidJson(String),
    /// The configuration (or snapshot) breaks one or more rules; every problem is listed.
    #[error("invalid configuration: {}", messages(.0))]
    InvalidConfig(Vec<Problem>),
    /// An argument is out of range (negative amount, self-payment, priority > 10, …); the
    /// problem names the argument or field (`amount`, `ticks`, …).
    #[error("{0}")]
    InvalidArgument(Problem),
    /// An agent id that the simulation does not know.
    #[error("unknown agent {0:?}")]
    UnknownAgent(String),
    /// The horizon has been reached; no more ticks or submissions.
    #[error("simulation finished: all {horizon} ticks of the horizon have run")]
    SimulationFinished {
        /// Length of the horizon in ticks.
        horizon: u64,
    },
    /// A counter (transaction numbers, event numbers, the tick) is past the largest value at
    /// which a tick or a submission still starts, so that every snapshot the simulation writes
    /// can be restored (`engine::RUNNING_COUNTER_LIMIT`). Only a restored state can get there.
    #[error("the simulation cannot continue: {what} is {value}, above {limit}, the largest at which it still runs (a snapshot holds counters up to 2^62)")]
    CounterLimit {
        /// Which counter.
        what: String,
        /// Its value.
        value: u64,
        /// The limit it passed.
        limit: u64,
    },
    /// A policy written by the host program (`PolicyConfig::Host`) failed or returned
    /// decisions the core refuses; the tick did not run and the simulation is unchanged
    /// (`policy::host`).
    #[error("{0}")]
    HostPolicy(Problem),
}

impl SimError {
    /// The individual problems: those of `InvalidConfig`, or one problem with path "" and
    /// the error's text for every other variant.
    pub fn problems(&self) -> Vec<Problem> {
        match self {
            SimError::InvalidConfig(p) => p.clone(),
            SimError::InvalidArgument(p) | SimError::HostPolicy(p) => vec![p.clone()],
            other => vec![Problem::whole(other.to_string())],
        }
    }

    /// An out-of-range argument or field.
    pub(crate) fn argument(
        path: &str,
        message: String,
        value: impl Into<serde_json::Value>,
    ) -> Self {
        SimError::InvalidArgument(Problem::new(path, message).with_value(value))
    }

    /// One configuration problem.
    pub(crate) fn config(problem: Problem) -> Self {
        SimError::InvalidConfig(vec![problem])
    }
}

/// Parse a JSON document straight into `T`. Text that is not JSON at all is `InvalidJson`
/// (checked only on failure, so the happy path parses once); a well-formed document of the
/// wrong shape goes through `shape` with its problem (path and message).
pub(crate) fn parse_json_at<T: serde::de::DeserializeOwned>(
    text: &str,
    what: &str,
    shape: impl FnOnce(Problem) -> SimError,
) -> Result<T, SimError> {
    let mut de = serde_json::Deserializer::from_str(text);
    crate::policy::lang::take_node_path();
    let parsed: Result<T, _> = serde_path_to_error::deserialize(&mut de);
    let syntax_error = || serde_json::from_str::<serde::de::IgnoredAny>(text).err();
    match parsed {
        Ok(value) => match de.end() {
            Ok(()) => Ok(value),
            Err(e) => Err(SimError::InvalidJson(format!(
                "malformed JSON in the {what}: {e}"
            ))),
        },
        Err(e) => {
            if let Some(syntax) = syntax_error() {
                return Err(SimError::InvalidJson(format!(
                    "malformed JSON in the {what}: {syntax}"
                )));
            }
            // A decision tree's node knows its own path below the policy (`policy::lang`).
            let path = path_text(e.path()) + &crate::policy::lang::take_node_path();
            Err(shape(Problem::shape_at(path, e.inner())))
        }
    }
}

/// [`parse_json_at`] for callers that want the problem as text.
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(
    text: &str,
    what: &str,
    shape: impl FnOnce(String) -> SimError,
) -> Result<T, SimError> {
    parse_json_at(text, what, |problem| shape(problem.message))
}
