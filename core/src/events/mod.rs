//! The event stream: every state change, numbered globally, stored compactly (indices) and
//! rendered with agent names at the boundary.
//!
//! - `kind`: what happened ([`EventKind`]) and at which recording levels it is kept;
//! - `log`: the numbered log ([`EventLog`]), discarding, and the per-payment results' tap;
//! - `record`: the flat [`EventRecord`] an event becomes at the boundary.

use serde::{Deserialize, Serialize};

mod kind;
mod log;
mod record;
#[cfg(test)]
mod tests;

pub(crate) use kind::EventKind;
pub(crate) use log::{Event, EventLog, Tapped};
pub use record::EventRecord;

/// How a payment got settled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mechanism {
    /// Immediately at RTGS entry.
    Rtgs,
    /// On a retry of Queue 2.
    Queue,
    /// Bilateral offsetting (LSM).
    Bilateral,
    /// Multilateral offsetting / gridlock resolution (LSM).
    Multilateral,
}
