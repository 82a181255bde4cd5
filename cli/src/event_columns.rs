//! The columns of a tabular events file: one definition that both the CSV writer
//! (`events_out`) and the Parquet writer (`events_parquet`) derive from, so the two formats
//! cannot drift apart in names, order or content.
//!
//! One fixed column per event field in the JSON order, null (CSV: empty) when the event has
//! no such field. Scheduled actions' own fields (`requested`, `rate`, `credit_limit`,
//! `to_tick`, the LSM switches, …) are in the JSON lines only; their agent is in `sender`.

use payment_sim_core::{EventRecord, Mechanism};

/// What a column holds; its Parquet (Arrow) type follows from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// An unsigned count, number or tick (`UInt64`).
    UInt,
    /// An unsigned number that never decreases from one event to the next (`seq`, `tick`;
    /// `UInt64`, delta-encoded in Parquet).
    Ascending,
    /// A signed amount in cents (`Int64`).
    Int,
    /// Text with few distinct values (event types, agent ids, mechanisms): dictionary-encoded
    /// in Parquet, a categorical column in pandas.
    Category,
    /// Text with mostly distinct values (transaction ids): plain strings (delta-encoded in
    /// Parquet: successive ids share their leading characters).
    Text,
}

/// One event's value in one column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell<'a> {
    /// The event has no such field.
    Null,
    /// A [`ColumnType::UInt`] or [`ColumnType::Ascending`] value.
    UInt(u64),
    /// A [`ColumnType::Int`] value.
    Int(i64),
    /// A [`ColumnType::Category`] or [`ColumnType::Text`] value.
    Text(&'a str),
}

/// A column: its name, type and how to read it from an event record.
pub struct Column {
    /// The CSV header name and the Parquet field name.
    pub name: &'static str,
    /// Its type ([`Column::get`] returns only cells of this type, or null).
    pub ty: ColumnType,
    /// The event's value.
    pub get: for<'a> fn(&'a EventRecord) -> Cell<'a>,
}

fn uint(v: Option<u64>) -> Cell<'static> {
    v.map_or(Cell::Null, Cell::UInt)
}

fn int(v: Option<i64>) -> Cell<'static> {
    v.map_or(Cell::Null, Cell::Int)
}

fn text(v: Option<&str>) -> Cell<'_> {
    v.map_or(Cell::Null, Cell::Text)
}

/// A mechanism as its JSON spelling (the core's `snake_case` names).
fn mechanism(m: Mechanism) -> &'static str {
    match m {
        Mechanism::Rtgs => "rtgs",
        Mechanism::Queue => "queue",
        Mechanism::Bilateral => "bilateral",
        Mechanism::Multilateral => "multilateral",
    }
}

/// The columns, in order.
pub const COLUMNS: [Column; 17] = [
    Column {
        name: "seq",
        ty: ColumnType::Ascending,
        get: |e| Cell::UInt(e.seq),
    },
    Column {
        name: "tick",
        ty: ColumnType::Ascending,
        get: |e| Cell::UInt(e.tick),
    },
    Column {
        name: "type",
        ty: ColumnType::Category,
        get: |e| Cell::Text(&e.kind),
    },
    Column {
        name: "tx",
        ty: ColumnType::Text,
        get: |e| text(e.tx.as_deref()),
    },
    Column {
        name: "sender",
        ty: ColumnType::Category,
        // A scheduled action names its agent in the sender column (as `tick -v` does).
        get: |e| text(e.sender.as_deref().or(e.agent.as_deref())),
    },
    Column {
        name: "receiver",
        ty: ColumnType::Category,
        get: |e| text(e.receiver.as_deref()),
    },
    Column {
        name: "amount",
        ty: ColumnType::Int,
        get: |e| int(e.amount),
    },
    Column {
        name: "deadline_tick",
        ty: ColumnType::UInt,
        get: |e| uint(e.deadline_tick),
    },
    Column {
        name: "priority",
        ty: ColumnType::UInt,
        get: |e| uint(e.priority.map(u64::from)),
    },
    Column {
        name: "parts",
        ty: ColumnType::UInt,
        get: |e| uint(e.parts.map(u64::from)),
    },
    Column {
        name: "mechanism",
        ty: ColumnType::Category,
        get: |e| text(e.mechanism.map(mechanism)),
    },
    Column {
        name: "day",
        ty: ColumnType::UInt,
        get: |e| uint(e.day),
    },
    Column {
        name: "settlements",
        ty: ColumnType::UInt,
        get: |e| uint(e.settlements),
    },
    Column {
        name: "settled_value",
        ty: ColumnType::Int,
        get: |e| int(e.settled_value),
    },
    Column {
        name: "drops",
        ty: ColumnType::UInt,
        get: |e| uint(e.drops),
    },
    Column {
        name: "unsettled",
        ty: ColumnType::UInt,
        get: |e| uint(e.unsettled),
    },
    Column {
        name: "eod_penalties",
        ty: ColumnType::Int,
        get: |e| int(e.eod_penalties),
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    /// `get` never returns a cell of another type than the column's (the Parquet writer
    /// relies on it), checked on events of every kind a ring with actions produces.
    #[test]
    fn cells_match_their_column_types() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../examples/scenarios/outage_and_shock.yaml");
        let (mut config, _) = crate::files::load_scenario(&path).unwrap();
        config.event_recording = payment_sim_core::config::EventRecording::Full;
        let mut sim = payment_sim_core::Simulation::new(config).unwrap();
        sim.run(sim.horizon()).unwrap();
        let events = sim.events_since(0);
        let mut seen = [false; COLUMNS.len()];
        let mut last = [0u64; COLUMNS.len()];
        for e in &events {
            for (i, c) in COLUMNS.iter().enumerate() {
                let ok = match ((c.get)(e), c.ty) {
                    (Cell::Null, _) => true,
                    (Cell::UInt(_), ColumnType::UInt | ColumnType::Ascending) => true,
                    (Cell::Int(_), ColumnType::Int) => true,
                    (Cell::Text(_), ColumnType::Category | ColumnType::Text) => true,
                    _ => false,
                };
                assert!(ok, "column {} of {e:?}", c.name);
                if let (ColumnType::Ascending, Cell::UInt(v)) = (c.ty, (c.get)(e)) {
                    assert!(v >= last[i], "column {} decreases at {e:?}", c.name);
                    last[i] = v;
                }
                seen[i] |= (c.get)(e) != Cell::Null;
            }
        }
        assert!(events.len() > 100);
        // Every column but `parts` is filled somewhere in this scenario (no splits).
        let empty: Vec<_> = COLUMNS
            .iter()
            .zip(seen)
            .filter(|(_, s)| !s)
            .map(|(c, _)| c.name)
            .collect();
        assert!(empty.iter().all(|n| *n == "parts"), "{empty:?}");
    }
}
