//! The machine configuration format (the seed's `OrchestratorConfig` shape) and its validation.
//!
//! This is the one validator of the project: the C ABI, the CLI and the Python package all
//! reach it. Parsing (types, unknown fields, unknown `type` tags) stops at the first problem
//! and names its path; semantic validation then reports *every* problem at once.
//!
//! | module | what |
//! |---|---|
//! | `types` | the configuration structs and enums, with their defaults |
//! | `serde_helpers` | how `null`, defaults and repeated map keys are read |
//! | `validate` | the semantic rules (bounds, unique ids, known receivers, …) |
//! | `traffic` | networks, intraday profiles, time-critical shares |
//! | `validate_traffic` | their rules, and the cap on expected arrivals |

mod flows_csv;
pub(crate) mod serde_helpers;
mod traffic;
mod types;
mod validate;
mod validate_traffic;

pub use flows_csv::{flows_from_csv, resolve_flow_files};
pub(crate) use serde_helpers::{
    default_deadline_offset, default_priority, null_as_deadline_offset, null_as_default,
    null_as_one, null_as_priority,
};
pub use traffic::*;
pub use types::*;
// The policy language's document types (`crate::policy::lang`).
pub use crate::policy::lang::{CompareOp, Condition, Literal, PolicyNode, SplitLeaf, TreeOrder};

use crate::error::{Problem, SimError};

/// Default deadline offset (ticks) of generated and manual payments, as in the seed.
pub const DEFAULT_DEADLINE_OFFSET: i64 = 50;
/// Default priority of generated and manual payments (0–10, higher is more urgent).
pub const DEFAULT_PRIORITY: i64 = 5;
/// Highest priority a payment may carry.
pub const MAX_PRIORITY: i64 = 10;
/// Upper bound on a Poisson rate; keeps one tick's arrivals within memory.
pub const MAX_RATE_PER_TICK: f64 = 1_000_000.0;
/// Largest amount a distribution can produce (2^53 cents: every such integer is exact in f64).
pub const MAX_GENERATED_AMOUNT: i64 = 1 << 53;
/// Most parts one payment may be split into (keeps a split's work and memory bounded).
pub const MAX_SPLIT_PARTS: i64 = 1_000;
/// Largest liquidity cost rate (parts per million per tick): 100% per tick.
pub const MAX_LIQUIDITY_RATE_PPM: i64 = 1_000_000;

impl SimulationConfig {
    /// Parse a JSON document and validate it. Malformed JSON is `InvalidJson`; a well-formed
    /// document of the wrong shape or with bad values is `InvalidConfig`.
    /// Parsed straight into the struct (not via a JSON value, which would silently keep the
    /// last of two equal keys), so a repeated field is an error here as in YAML.
    pub fn from_json(text: &str) -> Result<Self, SimError> {
        let config: SimulationConfig =
            crate::error::parse_json_at(text, "configuration", SimError::config)?;
        config.validate()?;
        Ok(config)
    }

    /// Parse a YAML document and validate it (read as every configuration document's YAML
    /// is: [`crate::document`]).
    pub fn from_yaml(text: &str) -> Result<Self, SimError> {
        let config: SimulationConfig = crate::document::read_yaml(text)?;
        config.validate()?;
        Ok(config)
    }

    /// Deserialize an already-parsed document and validate it.
    pub fn from_value<'de, D: serde::Deserializer<'de>>(value: D) -> Result<Self, SimError> {
        let config: SimulationConfig = serde_path_to_error::deserialize(value)
            .map_err(|e| SimError::config(Problem::shape(e.path(), e.inner())))?;
        config.validate()?;
        Ok(config)
    }

    /// The horizon in ticks (`ticks_per_day × num_days`), once validated.
    pub fn horizon(&self) -> u64 {
        (self.ticks_per_day as u64).saturating_mul(self.num_days as u64)
    }
}

#[cfg(test)]
mod tests;
