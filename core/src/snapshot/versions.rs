//! Reading a snapshot of any supported version and migrating it, one version at a time, to
//! the current one.
//!
//! Adding version N+1: write `vN1.rs` (its types, reusing the unchanged parts of version N, and
//! `Snapshot::from_vN`), add a `VN1` variant below with its `VERSION` arm in [`Versioned::parse`],
//! turn the `VN` arm of [`Versioned::upgrade`] into one more step (`VN(d) => VN1(from_vN(d))`),
//! point `Current` at it, and commit a golden file of the new version (`core/tests/golden/`).
//! Every older document then reaches the new version through the chain of migrations.

use serde::Deserialize;

use super::{corrupt, v1, v2, v3, v4, v5, v6};
use crate::config::serde_helpers::mapping_only;
use crate::error::{parse_json, SimError};

/// The current document type.
pub type Current = v6::Snapshot;
/// The current `schema_version`.
pub const CURRENT_VERSION: u32 = v6::VERSION;
/// The oldest `schema_version` this engine reads.
pub const OLDEST_VERSION: u32 = v1::VERSION;

/// A snapshot document of a version this engine reads, as written.
#[derive(Debug, Clone, PartialEq)]
pub enum Versioned {
    /// Version 1 (the first release).
    V1(v1::Snapshot),
    /// Version 2 (provenance).
    V2(v2::Snapshot),
    /// Version 3 (discarded events).
    V3(v3::Snapshot),
    /// Version 4 (indicators, time series, offsetting work, the schedule of timed inputs).
    V4(v4::Snapshot),
    /// Version 5 (the state of the rules of real RTGS systems).
    V5(v5::Snapshot),
    /// Version 6 (payments waiting for their from-time, a suspended fed run, what
    /// decision-tree policies remember).
    V6(v6::Snapshot),
}

/// Only the version, to choose the format (every other field is skipped).
#[derive(Deserialize)]
#[serde(remote = "Self")]
struct VersionOnly {
    schema_version: u64,
}

// Read from a JSON object only, as every version is (see `mapping_only!`).
mapping_only! {
    read-only struct VersionOnly;
}

impl Versioned {
    /// Parse a document of any supported version. Problems name the version's field paths;
    /// a version newer than this engine's is refused with both versions named.
    pub fn parse(text: &str) -> Result<Self, SimError> {
        // The common case, a current document, is parsed once; only when that fails or the
        // version differs is the version looked at on its own.
        let current = match parse_json::<Current>(text, "snapshot", corrupt) {
            Ok(doc) if doc.schema_version == CURRENT_VERSION => return Ok(Versioned::V6(doc)),
            Err(SimError::InvalidJson(e)) => return Err(SimError::InvalidJson(e)),
            other => other,
        };
        let version = match parse_json::<VersionOnly>(text, "snapshot", corrupt) {
            Ok(v) => v.schema_version,
            // No usable version: the current format's own complaint is the most helpful.
            Err(e) => return Err(current.err().unwrap_or(e)),
        };
        match version {
            v if v == u64::from(v1::VERSION) => {
                parse_json(text, "snapshot", corrupt).map(Versioned::V1)
            }
            v if v == u64::from(v2::VERSION) => {
                parse_json(text, "snapshot", corrupt).map(Versioned::V2)
            }
            v if v == u64::from(v3::VERSION) => {
                parse_json(text, "snapshot", corrupt).map(Versioned::V3)
            }
            v if v == u64::from(v4::VERSION) => {
                parse_json(text, "snapshot", corrupt).map(Versioned::V4)
            }
            v if v == u64::from(v5::VERSION) => {
                parse_json(text, "snapshot", corrupt).map(Versioned::V5)
            }
            // A document that says it is current but did not parse as such.
            v if v == u64::from(v6::VERSION) => Err(current
                .err()
                .unwrap_or_else(|| corrupt("schema_version 6 was not read as version 6"))),
            newer if newer > u64::from(CURRENT_VERSION) => Err(corrupt(format!(
                "schema_version {newer} is newer than this engine reads: payment-sim-core {} reads snapshot schema_version {OLDEST_VERSION} to {CURRENT_VERSION}; restore it with a later release",
                crate::VERSION
            ))),
            other => Err(corrupt(format!(
                "schema_version {other} is not a snapshot version: payment-sim-core {} reads snapshot schema_version {OLDEST_VERSION} to {CURRENT_VERSION}",
                crate::VERSION
            ))),
        }
    }

    /// Its `schema_version`.
    pub fn version(&self) -> u32 {
        match self {
            Versioned::V1(_) => v1::VERSION,
            Versioned::V2(_) => v2::VERSION,
            Versioned::V3(_) => v3::VERSION,
            Versioned::V4(_) => v4::VERSION,
            Versioned::V5(_) => v5::VERSION,
            Versioned::V6(_) => v6::VERSION,
        }
    }

    /// Migrate to the current version, one step at a time.
    pub fn upgrade(self) -> Current {
        let mut doc = self;
        loop {
            doc = match doc {
                Versioned::V1(d) => Versioned::V2(v2::Snapshot::from_v1(d)),
                Versioned::V2(d) => Versioned::V3(v3::Snapshot::from_v2(d)),
                Versioned::V3(d) => Versioned::V4(v4::Snapshot::from_v3(d)),
                Versioned::V4(d) => Versioned::V5(v5::Snapshot::from_v4(d)),
                Versioned::V5(d) => Versioned::V6(v6::Snapshot::from_v5(d)),
                Versioned::V6(d) => return d,
            }
        }
    }
}
