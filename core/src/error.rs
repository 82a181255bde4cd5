//! The one error type of the engine. Each variant maps to exactly one C status code.

use thiserror::Error;

/// Everything that can go wrong when building, driving or querying a simulation.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SimError {
    /// The input is not well-formed JSON/YAML.
    #[error("{0}")]
    InvalidJson(String),
    /// The configuration (or snapshot) breaks one or more rules; every problem is listed.
    #[error("invalid configuration: {}", .0.join("; "))]
    InvalidConfig(Vec<String>),
    /// An argument is out of range (negative amount, self-payment, priority > 10, …).
    #[error("{0}")]
    InvalidArgument(String),
    /// An agent id that the simulation does not know.
    #[error("unknown agent {0:?}")]
    UnknownAgent(String),
    /// The horizon has been reached; no more ticks or submissions.
    #[error("simulation finished: all {horizon} ticks of the horizon have run")]
    SimulationFinished {
        /// Length of the horizon in ticks.
        horizon: u64,
    },
}

impl SimError {
    /// The individual problems (one for every variant but `InvalidConfig`).
    pub fn problems(&self) -> Vec<String> {
        match self {
            SimError::InvalidConfig(p) => p.clone(),
            other => vec![other.to_string()],
        }
    }
}

/// Parse a JSON document straight into `T`. Text that is not JSON at all is `InvalidJson`
/// (checked only on failure, so the happy path parses once); a well-formed document of the
/// wrong shape goes through `shape` with its path and the problem.
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(
    text: &str,
    what: &str,
    shape: impl FnOnce(String) -> SimError,
) -> Result<T, SimError> {
    let mut de = serde_json::Deserializer::from_str(text);
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
            let path = e.path().to_string();
            let at = if path == "." {
                String::new()
            } else {
                format!("{path}: ")
            };
            Err(shape(format!("{at}{}", e.inner())))
        }
    }
}
