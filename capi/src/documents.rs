//! JSON documents the C API adds around core types, and serialisation.
//!
//! Every other document is exactly `serde_json::to_string` of a core type (`TickResult`,
//! `RunSummary`, `State`, `Statistics`, the snapshot), so the C API and Rust give the same
//! bytes for the same configuration and seed. `docs/json.md` describes every field.

use serde::{Deserialize, Serialize};

use payment_sim_core::EventRecord;

use crate::error::Failure;
use crate::psim_status;

/// `schema_version` of the events document from psim_sim_events(); bumped on any
/// incompatible change.
pub const PSIM_EVENTS_SCHEMA_VERSION: u32 = 1;

/// `schema_version` of the snapshot document from psim_sim_snapshot(); psim_sim_restore()
/// also reads every earlier version (1 and up), and refuses newer ones.
pub const PSIM_SNAPSHOT_SCHEMA_VERSION: u32 = 6;

/// What `psim_sim_events(sim, from_seq, …)` returns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventsDocument {
    /// Always [`PSIM_EVENTS_SCHEMA_VERSION`].
    pub schema_version: u32,
    /// Sequence number of the last event recorded so far (0 when none): pass it as the next
    /// `from_seq` to receive only newer events.
    pub last_seq: u64,
    /// The recorded events with `seq > from_seq`, in sequence order.
    pub events: Vec<EventRecord>,
}

// The snapshot is the core's document; keep the advertised constant in step with it.
const _: () = assert!(PSIM_SNAPSHOT_SCHEMA_VERSION == payment_sim_core::SNAPSHOT_SCHEMA_VERSION);

/// Serialise a document for the caller.
pub(crate) fn to_json<T: Serialize>(value: &T) -> Result<String, Failure> {
    serde_json::to_string(value).map_err(|e| {
        Failure::new(
            psim_status::Panic,
            format!("internal error: could not serialise the document: {e}"),
        )
    })
}
