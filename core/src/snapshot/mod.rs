//! Snapshots: the whole state of a simulation as one versioned JSON document, and the restore
//! that continues bit-for-bit (random streams included).
//!
//! - [`v1`] … [`v6`]: the document formats, one module per `schema_version`, as explicit types
//!   that do not derive from the engine's (so the engine can change without changing a byte
//!   of a document, and an old document keeps being read as it was written).
//! - `versions`: reading any supported version and migrating it to the current one.
//! - `convert`: the simulation ⇄ current document conversion (the only code here that knows
//!   the simulation's fields); `parts`: the same for the values inside (transactions, events,
//!   running totals).
//! - `check`, `check_totals`, `check_events`: the consistency rules a restore enforces before it installs
//!   anything (a transaction in one place only, counters the engine can save again, totals
//!   and events that agree with the state).
//!
//! A restore either returns a complete simulation or an error; nothing is half-applied.

mod check;
mod check_events;
mod check_totals;
mod convert;
mod indicators;
mod parts;
mod schedule_parts;
pub mod v1;
pub mod v2;
pub mod v3;
pub mod v4;
pub mod v5;
pub mod v6;
mod versions;

pub use versions::{Versioned, CURRENT_VERSION, OLDEST_VERSION};

use crate::engine::Simulation;
use crate::error::SimError;

/// Version of the snapshot document this engine writes; bumped on any incompatible change
/// (restore reads every version from [`OLDEST_VERSION`] up to this one).
pub const SNAPSHOT_SCHEMA_VERSION: u32 = CURRENT_VERSION;

/// The current snapshot document.
pub type Snapshot = versions::Current;

fn corrupt(msg: impl Into<String>) -> SimError {
    SimError::InvalidConfig(vec![crate::error::Problem::new(
        "snapshot",
        format!("snapshot: {}", msg.into()),
    )])
}

impl Simulation {
    /// The snapshot as a JSON document (the current version).
    pub fn snapshot_json(&self) -> String {
        serde_json::to_string(&self.snapshot()).unwrap_or_default()
    }

    /// Parse a snapshot document of any supported version, migrate it to the current one and
    /// restore it.
    pub fn restore_json(text: &str) -> Result<Self, SimError> {
        Simulation::restore(Versioned::parse(text)?.upgrade())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A current document written under the semantics every older version was written under
    /// (offsetting 1), so that the older versions made from it migrate back to it exactly.
    fn snapshot_json() -> String {
        let config = crate::SimulationConfig::from_json(
            r#"{"ticks_per_day": 10, "num_days": 1, "rng_seed": 1, "agent_configs": [
              {"id": "A", "opening_balance": 5, "policy": {"type": "Fifo"}},
              {"id": "B", "opening_balance": 0, "policy": {"type": "Fifo"}}]}"#,
        )
        .unwrap();
        let original = crate::provenance::Semantics::ORIGINAL;
        let mut sim = Simulation::with_semantics(config, original).unwrap();
        let sub = crate::Submission {
            sender: "A".into(),
            receiver: "B".into(),
            amount: 9,
            deadline_offset: 5,
            priority: 5,
            from_offset: None,
        };
        sim.submit(&sub).unwrap();
        sim.tick().unwrap();
        sim.snapshot_json()
    }

    /// The same document in version 1 (no provenance, nothing discarded), 2 (nothing
    /// discarded) or 3 (no offsetting counted; nothing was offset here anyway).
    fn as_version(current: &str, version: u32) -> String {
        let mut doc: serde_json::Value = serde_json::from_str(current).unwrap();
        let map = doc.as_object_mut().unwrap();
        map.remove("indicators");
        assert_eq!(map.remove("lsm"), None);
        if version < 3 {
            assert_eq!(map.remove("events_discarded"), Some(0.into()));
        }
        if version < 2 {
            map.remove("provenance");
        }
        map.insert("schema_version".into(), version.into());
        serde_json::to_string(&doc).unwrap()
    }

    /// The same document in version 3 (nothing scheduled, so only the version differs).
    fn as_v1(current: &str) -> String {
        as_version(current, 1)
    }

    #[test]
    fn unknown_fields_anywhere_in_a_snapshot_are_rejected() {
        let good = snapshot_json();
        for doc in [
            good.clone(),
            as_version(&good, 3),
            as_version(&good, 2),
            as_v1(&good),
        ] {
            assert!(Simulation::restore_json(&doc).is_ok());
            for (anchor, what) in [
                ("\"amount\":9", "queue2 transaction"),
                ("\"ticks_run\":", "totals"),
                ("\"sent_count\":", "agent totals"),
                ("\"seq\":1,", "event"),
                ("\"part\":0", "transaction id"),
                ("\"seed\":", "provenance"),
            ] {
                if !doc.contains(anchor) {
                    assert!(what == "provenance" && !doc.contains("provenance"));
                    continue;
                }
                let bad = doc.replacen(anchor, &format!("\"colour\":1,{anchor}"), 1);
                let err = Simulation::restore_json(&bad).unwrap_err().to_string();
                assert!(err.contains("colour"), "{what}: {err}");
            }
        }
    }

    /// Every object of a snapshot is an object: a list (which serde's derive reads by
    /// position) is refused, in each version.
    #[test]
    fn lists_in_place_of_objects_are_rejected() {
        let good = snapshot_json();
        for doc in [
            good.clone(),
            as_version(&good, 3),
            as_version(&good, 2),
            as_v1(&good),
        ] {
            let value: serde_json::Value = serde_json::from_str(&doc).unwrap();
            let as_list = |v: &serde_json::Value| {
                serde_json::Value::Array(v.as_object().unwrap().values().cloned().collect())
            };
            for (pointer, what) in [
                ("", "struct Snapshot"),
                ("/provenance", "struct Provenance"),
                ("/provenance/semantics", "struct Semantics"),
                ("/config", "struct SimulationConfig"),
                ("/config/lsm", "struct LsmConfig"),
                ("/totals", "struct Totals"),
                ("/lsm", "struct LsmTotals"),
                ("/totals/costs", "struct Costs"),
                ("/totals/by_mechanism", "struct ByMechanism"),
                ("/totals/agents/0", "struct AgentTotals"),
                ("/queue2/0", "struct Transaction"),
                ("/queue2/0/id", "struct TxId"),
                ("/events/0/tx", "struct TxId"),
            ] {
                let Some(target) = value.pointer(pointer) else {
                    let absent = |field: &str| pointer.starts_with(field) && !doc.contains(field);
                    assert!(absent("/provenance") || absent("/lsm"));
                    continue;
                };
                let mut bad = value.clone();
                *bad.pointer_mut(pointer).unwrap() = as_list(target);
                let err = Simulation::restore_json(&bad.to_string())
                    .unwrap_err()
                    .to_string();
                assert!(
                    err.contains(&format!("invalid type: sequence, expected {what}")),
                    "{pointer}: {err}"
                );
            }
        }
    }

    #[test]
    fn versions_are_read_as_written_and_newer_ones_refused() {
        let current = snapshot_json();
        assert!(current.starts_with(r#"{"schema_version":6,"provenance":{"#));
        let v1 = as_v1(&current);
        let v2 = as_version(&current, 2);
        let v3 = as_version(&current, 3);
        let v4 = as_version(&current, 4);
        let v5 = as_version(&current, 5);
        assert!(matches!(Versioned::parse(&v1).unwrap(), Versioned::V1(_)));
        assert!(matches!(Versioned::parse(&v2).unwrap(), Versioned::V2(_)));
        assert!(matches!(Versioned::parse(&v3).unwrap(), Versioned::V3(_)));
        assert!(matches!(Versioned::parse(&v4).unwrap(), Versioned::V4(_)));
        assert!(matches!(Versioned::parse(&v5).unwrap(), Versioned::V5(_)));
        assert!(matches!(
            Versioned::parse(&current).unwrap(),
            Versioned::V6(_)
        ));
        // Older versions migrate to the same state; their indicators begin at the tick.
        let without_indicators = |text: &str| as_version(text, 6);
        for old in [&v1, &v2, &v3, &v4, &v5] {
            let migrated = Simulation::restore_json(old).unwrap();
            assert_eq!(
                without_indicators(&migrated.snapshot_json()),
                without_indicators(&current)
            );
            assert_eq!(migrated.indicators().since_tick, 1);
        }
        assert_eq!(
            Simulation::restore_json(&current).unwrap().snapshot_json(),
            current
        );
        // Nothing of version 6 here: the same document labelled 5 migrates to it exactly.
        let relabelled = current.replacen("\"schema_version\":6", "\"schema_version\":5", 1);
        let migrated = Simulation::restore_json(&relabelled).unwrap();
        assert_eq!(migrated.snapshot_json(), current);
        for (version, expected) in [
            (
                "7",
                "snapshot: schema_version 7 is newer than this engine reads: payment-sim-core",
            ),
            ("0", "snapshot: schema_version 0 is not a snapshot version"),
        ] {
            let doc = current.replacen(
                "\"schema_version\":6",
                &format!("\"schema_version\":{version}"),
                1,
            );
            let err = Simulation::restore_json(&doc).unwrap_err().to_string();
            assert!(
                err.contains(expected) && err.contains("reads snapshot schema_version 1 to 6"),
                "{err}"
            );
        }
        // An older document with a later version's fields is not quietly accepted.
        let mixed = as_v1(&current).replacen("\"tick\":", "\"provenance\":{},\"tick\":", 1);
        let err = Simulation::restore_json(&mixed).unwrap_err().to_string();
        assert!(err.contains("unknown field `provenance`"), "{err}");
        let mixed = current.replacen("\"schema_version\":6", "\"schema_version\":2", 1);
        let err = Simulation::restore_json(&mixed).unwrap_err().to_string();
        assert!(err.contains("unknown field `events_discarded`"), "{err}");
        let mixed = current.replacen("\"schema_version\":6", "\"schema_version\":3", 1);
        let err = Simulation::restore_json(&mixed).unwrap_err().to_string();
        assert!(err.contains("unknown field `indicators`"), "{err}");
        let counted = r#","lsm":{"runs":1,"offsets":1,"exact_budget_exhausted":0}}"#;
        let mixed = format!("{}{counted}", &v3[..v3.len() - 1]);
        let err = Simulation::restore_json(&mixed).unwrap_err().to_string();
        assert!(err.contains("unknown field `lsm`"), "{err}");
        let mixed = v3.replacen("\"tick\":", "\"schedule\":null,\"tick\":", 1);
        let err = Simulation::restore_json(&mixed).unwrap_err().to_string();
        assert!(err.contains("unknown field `schedule`"), "{err}");
        let mixed = v4.replacen("\"tick\":", "\"rules\":{},\"tick\":", 1);
        let err = Simulation::restore_json(&mixed).unwrap_err().to_string();
        assert!(err.contains("unknown field `rules`"), "{err}");
        let mixed = v5.replacen("\"tick\":", "\"timed\":[],\"tick\":", 1);
        let err = Simulation::restore_json(&mixed).unwrap_err().to_string();
        assert!(err.contains("unknown field `timed`"), "{err}");
        // A future document that is also of another shape is refused for its version.
        let mixed = v5.replacen("\"tick\":", "\"payments\":null,\"tick\":", 1);
        let err = Simulation::restore_json(&mixed).unwrap_err().to_string();
        assert!(err.contains("unknown field `payments`"), "{err}");
        let future = r#"{"schema_version":8,"hologram":true}"#;
        let err = Simulation::restore_json(future).unwrap_err().to_string();
        assert!(err.contains("schema_version 8 is newer"), "{err}");
    }
}
