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

impl<'a> Cell<'a> {
    /// The value of a [`ColumnType::UInt`] or [`ColumnType::Ascending`] cell, else none.
    pub fn uint(self) -> Option<u64> {
        match self {
            Cell::UInt(v) => Some(v),
            _ => None,
        }
    }

    /// The value of a [`ColumnType::Int`] cell, else none.
    pub fn int(self) -> Option<i64> {
        match self {
            Cell::Int(v) => Some(v),
            _ => None,
        }
    }

    /// The value of a text cell, else none.
    pub fn text(self) -> Option<&'a str> {
        match self {
            Cell::Text(v) => Some(v),
            _ => None,
        }
    }
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

/// A [`Column`] (a `const fn`, so the table below is one line a column).
const fn column(
    name: &'static str,
    ty: ColumnType,
    get: for<'a> fn(&'a EventRecord) -> Cell<'a>,
) -> Column {
    Column { name, ty, get }
}

/// The columns, in order.
pub const COLUMNS: [Column; 17] = [
    column("seq", ColumnType::Ascending, |e| Cell::UInt(e.seq)),
    column("tick", ColumnType::Ascending, |e| Cell::UInt(e.tick)),
    column("type", ColumnType::Category, |e| Cell::Text(&e.kind)),
    column("tx", ColumnType::Text, |e| text(e.tx.as_deref())),
    // A scheduled action names its agent in the sender column (as `tick -v` does).
    column("sender", ColumnType::Category, |e| {
        text(e.sender.as_deref().or(e.agent.as_deref()))
    }),
    column("receiver", ColumnType::Category, |e| {
        text(e.receiver.as_deref())
    }),
    column("amount", ColumnType::Int, |e| int(e.amount)),
    column("deadline_tick", ColumnType::UInt, |e| uint(e.deadline_tick)),
    column("priority", ColumnType::UInt, |e| {
        uint(e.priority.map(u64::from))
    }),
    column("parts", ColumnType::UInt, |e| uint(e.parts.map(u64::from))),
    column("mechanism", ColumnType::Category, |e| {
        text(e.mechanism.map(mechanism))
    }),
    column("day", ColumnType::UInt, |e| uint(e.day)),
    column("settlements", ColumnType::UInt, |e| uint(e.settlements)),
    column("settled_value", ColumnType::Int, |e| int(e.settled_value)),
    column("drops", ColumnType::UInt, |e| uint(e.drops)),
    column("unsettled", ColumnType::UInt, |e| uint(e.unsettled)),
    column("eod_penalties", ColumnType::Int, |e| int(e.eod_penalties)),
];

/// A simulation of a shipped scenario with every event recorded (the writers' tests).
#[cfg(test)]
pub(crate) fn full_recording(scenario: &str) -> payment_sim_core::Simulation {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/scenarios")
        .join(scenario);
    let (mut config, _) = crate::files::load_scenario(&path).unwrap();
    config.event_recording = payment_sim_core::config::EventRecording::Full;
    payment_sim_core::Simulation::new(config).unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `get` never returns a cell of another type than the column's (the Parquet writer
    /// relies on it), checked on events of every kind a ring with actions produces.
    #[test]
    fn cells_match_their_column_types() {
        let mut sim = full_recording("outage_and_shock.yaml");
        sim.run(sim.horizon()).unwrap();
        let events = sim.events_since(0);
        let mut seen = [false; COLUMNS.len()];
        let mut last = [0u64; COLUMNS.len()];
        for e in &events {
            for (i, c) in COLUMNS.iter().enumerate() {
                let ok = matches!(
                    ((c.get)(e), c.ty),
                    (Cell::Null, _)
                        | (Cell::UInt(_), ColumnType::UInt | ColumnType::Ascending)
                        | (Cell::Int(_), ColumnType::Int)
                        | (Cell::Text(_), ColumnType::Category | ColumnType::Text)
                );
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
