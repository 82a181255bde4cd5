//! Recordings: everything needed to re-run a simulation and the event stream it must produce.
//!
//! A recording is one JSON document:
//!
//! ```json
//! {
//!   "format": "payment-sim-recording",
//!   "schema_version": 2,
//!   "generator": "payment-sim 0.1.0",
//!   "provenance": { "engine_version": …, "semantics": {…}, "scenario_hash": …, "seed": … },
//!   "config": { …machine-format configuration, seed included… },
//!   "ticks": 100,
//!   "submissions": [ {"tick": 0, "sender": "A", "receiver": "B", "amount": 500,
//!                     "deadline_offset": 50, "priority": 5} ],
//!   "event_count": 12,
//!   "events_digest": "fnv1a64:…",
//!   "final_state": { …the state document after the last tick… },
//!   "events": [ …the event records, as in `--events x.jsonl`… ]
//! }
//! ```
//!
//! A submission with `"tick": t` is made when `t` ticks have run (before tick `t` executes);
//! `t` may equal `ticks` (submitted after the last tick, still waiting). `events_digest` is a
//! 64-bit FNV-1a of the events' JSON lines: an integrity check against edits, not a
//! cryptographic signature.
//!
//! Version 1 (the first release) had no `provenance`; it is still read, as written under the
//! original semantics (version 1 of each). A recording is replayed under the semantics it
//! records, and refused if this engine does not implement them.

use serde::{Deserialize, Serialize};

use payment_sim_core::{
    EventRecord, Provenance, Semantics, Simulation, SimulationConfig, State, Submission,
};

use crate::error::{CliError, CliResult};

mod verify;

pub use verify::replay;

/// The `format` tag of a recording.
pub const FORMAT: &str = "payment-sim-recording";
/// The recording schema version written (and the newest read).
pub const SCHEMA_VERSION: u32 = 2;
/// The oldest recording schema version read (no provenance).
pub const OLDEST_SCHEMA_VERSION: u32 = 1;

/// A manual submission and when it was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordedSubmission {
    /// Ticks that had run when it was submitted.
    pub tick: u64,
    /// Sending agent.
    pub sender: String,
    /// Receiving agent.
    pub receiver: String,
    /// Amount in cents.
    pub amount: i64,
    /// Ticks from arrival to deadline.
    pub deadline_offset: i64,
    /// Priority 0–10.
    pub priority: i64,
}

impl RecordedSubmission {
    /// The submission at `tick`.
    pub fn new(tick: u64, sub: &Submission) -> Self {
        RecordedSubmission {
            tick,
            sender: sub.sender.clone(),
            receiver: sub.receiver.clone(),
            amount: sub.amount,
            deadline_offset: sub.deadline_offset,
            priority: sub.priority,
        }
    }

    /// The core submission.
    pub fn submission(&self) -> Submission {
        Submission {
            sender: self.sender.clone(),
            receiver: self.receiver.clone(),
            amount: self.amount,
            deadline_offset: self.deadline_offset,
            priority: self.priority,
        }
    }
}

/// A recorded run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recording {
    /// Always [`FORMAT`].
    pub format: String,
    /// Always [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The program that wrote it (informational).
    pub generator: String,
    /// What produced the recorded run (absent in version 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
    /// The configuration, seed included.
    pub config: SimulationConfig,
    /// Ticks executed.
    pub ticks: u64,
    /// Manual submissions in the order they were made.
    pub submissions: Vec<RecordedSubmission>,
    /// Number of events in `events`.
    pub event_count: u64,
    /// `fnv1a64:<16 hex digits>` of the events' JSON lines.
    pub events_digest: String,
    /// The state after the last tick.
    pub final_state: State,
    /// The expected event stream.
    pub events: Vec<EventRecord>,
}

impl Recording {
    /// Record a simulation that was built from `config` and driven by `submissions`.
    pub fn capture(sim: &Simulation, submissions: Vec<RecordedSubmission>) -> Self {
        let events = sim.events_since(0);
        Recording {
            format: FORMAT.to_string(),
            schema_version: SCHEMA_VERSION,
            generator: format!("payment-sim {}", env!("CARGO_PKG_VERSION")),
            provenance: Some(sim.provenance()),
            config: sim.config().clone(),
            ticks: sim.current_tick(),
            submissions,
            event_count: events.len() as u64,
            events_digest: digest(&events),
            final_state: sim.state(),
            events,
        }
    }

    /// Parse a recording; shape problems name their field path.
    pub fn parse(text: &str, name: &str) -> CliResult<Self> {
        if text.trim().is_empty() {
            return Err(CliError::input(format!(
                "{name} is not a valid recording: it is empty"
            )));
        }
        if let Err(deep) = crate::json_depth::check(text) {
            return Err(CliError::input(format!(
                "{name} is not a valid recording: {}",
                deep.message()
            )));
        }
        let mut de = serde_json::Deserializer::from_str(text);
        let rec: Recording = serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let inner = e.inner();
            // A number beyond f64 is valid JSON that no field can hold: say which field.
            let out_of_range = inner.to_string().starts_with("number out of range");
            if (inner.is_syntax() && !out_of_range) || inner.is_eof() {
                CliError::input(format!("{name} is not valid JSON: {inner}"))
            } else if e.path().iter().next().is_none() {
                // The document itself (a missing key, not a mapping).
                CliError::input(format!("{name} is not a valid recording: {inner}"))
            } else {
                CliError::input(format!(
                    "{name} is not a valid recording: {}: {inner}",
                    e.path()
                ))
            }
        })?;
        de.end()
            .map_err(|e| CliError::input(format!("{name} is not valid JSON: {e}")))?;
        if rec.format != FORMAT {
            return Err(CliError::input(format!(
                "{name} is not a recording: format is {:?}, expected {FORMAT:?}",
                rec.format
            )));
        }
        let range = format!(
            "payment-sim {} reads recording schema_version {OLDEST_SCHEMA_VERSION} to {SCHEMA_VERSION}",
            env!("CARGO_PKG_VERSION")
        );
        match (rec.schema_version, &rec.provenance) {
            (1, None) | (2, Some(_)) => Ok(rec),
            (1, Some(_)) => Err(CliError::input(format!(
                "{name}: a recording of schema_version 1 has no provenance (it was added in version 2)"
            ))),
            (2, None) => Err(CliError::input(format!(
                "{name} is not a valid recording: missing field `provenance` (required from schema_version 2)"
            ))),
            (v, _) if v > SCHEMA_VERSION => Err(CliError::input(format!(
                "{name}: recording schema_version {v} is newer than this program reads: {range}; replay it with a later release"
            ))),
            (v, _) => Err(CliError::input(format!(
                "{name}: recording schema_version {v} is not a recording version: {range}"
            ))),
        }
    }

    /// The semantics the recorded run was made under (version 1 recordings: the original).
    pub fn semantics(&self) -> Semantics {
        self.provenance
            .as_ref()
            .map_or(Semantics::ORIGINAL, |p| p.semantics)
    }

    /// The JSON text of the recording: pretty-printed, one event per line.
    pub fn to_json(&self) -> String {
        #[derive(Serialize)]
        struct Head<'a> {
            format: &'a str,
            schema_version: u32,
            generator: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            provenance: Option<&'a Provenance>,
            config: &'a SimulationConfig,
            ticks: u64,
            submissions: &'a [RecordedSubmission],
            event_count: u64,
            events_digest: &'a str,
            final_state: &'a State,
        }
        let head = Head {
            format: &self.format,
            schema_version: self.schema_version,
            generator: &self.generator,
            provenance: self.provenance.as_ref(),
            config: &self.config,
            ticks: self.ticks,
            submissions: &self.submissions,
            event_count: self.event_count,
            events_digest: &self.events_digest,
            final_state: &self.final_state,
        };
        let mut text = serde_json::to_string_pretty(&head).unwrap_or_default();
        // Reopen the object and append the events, one per line.
        if text.ends_with('}') {
            text.pop();
            while text.ends_with('\n') {
                text.pop();
            }
        }
        text.push_str(",\n  \"events\": [");
        for (i, e) in self.events.iter().enumerate() {
            text.push_str(if i == 0 { "\n    " } else { ",\n    " });
            text.push_str(&serde_json::to_string(e).unwrap_or_default());
        }
        text.push_str(if self.events.is_empty() {
            "]\n}\n"
        } else {
            "\n  ]\n}\n"
        });
        text
    }
}

/// FNV-1a (64-bit) of the events as JSON lines.
pub fn digest(events: &[EventRecord]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for e in events {
        let line = serde_json::to_string(e).unwrap_or_default();
        for &b in line.as_bytes().iter().chain(b"\n") {
            hash ^= b as u64;
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("fnv1a64:{hash:016x}")
}
