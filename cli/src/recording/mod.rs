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
//! Version 3 holds `appends` in place of `submissions`: everything appended to the schedule
//! between ticks, in order — a submission as above, or actions appended with `payment-sim
//! schedule`, `{"tick": 3, "scenario_events": [ {"type": "outage", …} ]}` (see `appends`).
//! A recording with no scheduled actions is still written as version 2, byte for byte as
//! before, so that older releases read it.
//!
//! Version 4 adds `payments` to the recording of a run fed from a payment file (`run --payments
//! FILE --record R`): `{"path", "sha256", "options"}` — the file as given on the command line,
//! its digest, and its reading options as the core reads them (`import::FeedSpec`). The file
//! is not copied: a replay reads it again, after checking its digest. A recording without a
//! payments file is written as before (version 2 or 3).
//!
//! Version 1 (the first release) had no `provenance`; it is still read, as written under the
//! original semantics (version 1 of each). A recording is replayed under the semantics it
//! records, and refused if this engine does not implement them.

use serde::{Deserialize, Serialize};

use payment_sim_core::import::FeedSpec;
use payment_sim_core::{EventRecord, Provenance, Semantics, Simulation, SimulationConfig, State};

use crate::appends::{Append, RecordedSubmission};
use crate::error::{CliError, CliResult};

mod fed;
mod verify;

pub use verify::{replay, replay_with};

/// The `format` tag of a recording.
pub const FORMAT: &str = "payment-sim-recording";
/// The recording schema version written (and the newest read).
pub const SCHEMA_VERSION: u32 = 4;
/// The oldest recording schema version read (no provenance).
pub const OLDEST_SCHEMA_VERSION: u32 = 1;

/// Version 3: `appends` in place of `submissions`, which may hold scheduled actions.
pub const APPENDS_SCHEMA_VERSION: u32 = 3;

/// Version 4: `payments`, the payment file a run was fed from.
pub const PAYMENTS_SCHEMA_VERSION: u32 = 4;

/// The payment file a recorded run was fed from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordedPayments {
    /// The path as given to `run --payments` (relative to where `run` ran).
    pub path: String,
    /// `sha256:<hex>` of its bytes.
    pub sha256: String,
    /// Its reading options.
    pub options: FeedSpec,
}

/// A recorded run.
#[derive(Debug, Clone, PartialEq)]
pub struct Recording {
    /// Always [`FORMAT`].
    pub format: String,
    /// 1 to [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The program that wrote it (informational).
    pub generator: String,
    /// What produced the recorded run (absent in version 1).
    pub provenance: Option<Provenance>,
    /// The configuration, seed included.
    pub config: SimulationConfig,
    /// Ticks executed.
    pub ticks: u64,
    /// What was appended to the schedule between ticks, in order (`submissions` before
    /// version 3, which are submissions only).
    pub appends: Vec<Append>,
    /// Number of events in `events`.
    pub event_count: u64,
    /// `fnv1a64:<16 hex digits>` of the events' JSON lines.
    pub events_digest: String,
    /// The state after the last tick.
    pub final_state: State,
    /// The expected event stream.
    pub events: Vec<EventRecord>,
    /// The payment file the run was fed from (version 4).
    pub payments: Option<RecordedPayments>,
}

/// A recording as written: `submissions` (versions 1–2) or `appends` (version 3).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Wire {
    format: String,
    schema_version: u32,
    generator: String,
    #[serde(default)]
    provenance: Option<Provenance>,
    config: SimulationConfig,
    ticks: u64,
    #[serde(default)]
    submissions: Option<Vec<RecordedSubmission>>,
    #[serde(default)]
    appends: Option<Vec<Append>>,
    event_count: u64,
    events_digest: String,
    final_state: State,
    events: Vec<EventRecord>,
    #[serde(default)]
    payments: Option<RecordedPayments>,
}

impl Wire {
    /// The recording, once its version is known to be read: versions 1–2 hold
    /// `submissions`, version 3 `appends`.
    fn into_recording(self, name: &str) -> CliResult<Recording> {
        let v = self.schema_version;
        let appends = match (self.submissions, self.appends, v >= APPENDS_SCHEMA_VERSION) {
            (Some(subs), None, false) => subs.into_iter().map(Append::Submission).collect(),
            (None, Some(appends), true) => appends,
            (_, _, newer) => {
                let (wanted, other) = if newer {
                    ("appends", "submissions")
                } else {
                    ("submissions", "appends")
                };
                return Err(CliError::input(format!(
                    "{name} is not a valid recording: a recording of schema_version {v} holds `{wanted}`, not `{other}` (`appends` replaced `submissions` in version {APPENDS_SCHEMA_VERSION})"
                )));
            }
        };
        Ok(Recording {
            format: self.format,
            schema_version: v,
            generator: self.generator,
            provenance: self.provenance,
            config: self.config,
            ticks: self.ticks,
            appends,
            event_count: self.event_count,
            events_digest: self.events_digest,
            final_state: self.final_state,
            events: self.events,
            payments: self.payments,
        })
    }
}

impl Recording {
    /// Record a simulation that was built from `config` and driven by `appends`. It is
    /// written as version 2 when it holds submissions only (what older releases read), as
    /// version 3 when it holds scheduled actions.
    pub fn capture(sim: &Simulation, appends: Vec<Append>) -> Self {
        let events = sim.events_since(0);
        let schema_version = if appends.iter().any(|a| matches!(a, Append::Schedule(_))) {
            APPENDS_SCHEMA_VERSION
        } else {
            2
        };
        Recording {
            format: FORMAT.to_string(),
            schema_version,
            generator: format!("payment-sim {}", env!("CARGO_PKG_VERSION")),
            provenance: Some(sim.provenance()),
            config: sim.config().clone(),
            ticks: sim.current_tick(),
            appends,
            event_count: events.len() as u64,
            events_digest: digest(&events),
            final_state: sim.state(),
            events,
            payments: None,
        }
    }

    /// The recording of a run fed from `payments` (version 4).
    pub fn with_payments(mut self, payments: RecordedPayments) -> Self {
        self.schema_version = PAYMENTS_SCHEMA_VERSION;
        self.payments = Some(payments);
        self
    }

    /// The name of the appends in the document (for messages).
    pub fn appends_key(&self) -> &'static str {
        if self.schema_version < APPENDS_SCHEMA_VERSION {
            "submissions"
        } else {
            "appends"
        }
    }

    /// The submissions, when it holds nothing else (written as `submissions`).
    fn submissions_only(&self) -> Option<Vec<&RecordedSubmission>> {
        self.appends
            .iter()
            .map(|a| match a {
                Append::Submission(s) => Some(s),
                Append::Schedule(_) => None,
            })
            .collect()
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
        let rec: Wire = serde_path_to_error::deserialize(&mut de).map_err(|e| {
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
            (1..=3, _) if rec.payments.is_some() => Err(CliError::input(format!(
                "{name} is not a valid recording: a recording of schema_version {} has no `payments` (added in version {PAYMENTS_SCHEMA_VERSION})",
                rec.schema_version
            ))),
            (1, None) | (2..=4, Some(_)) => rec.into_recording(name),
            (1, Some(_)) => Err(CliError::input(format!(
                "{name}: a recording of schema_version 1 has no provenance (it was added in version 2)"
            ))),
            (2..=4, None) => Err(CliError::input(format!(
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
            #[serde(skip_serializing_if = "Option::is_none")]
            submissions: Option<Vec<&'a RecordedSubmission>>,
            #[serde(skip_serializing_if = "Option::is_none")]
            appends: Option<&'a [Append]>,
            #[serde(skip_serializing_if = "Option::is_none")]
            payments: Option<&'a RecordedPayments>,
            event_count: u64,
            events_digest: &'a str,
            final_state: &'a State,
        }
        // Versions 1–2 (submissions only) as they were written; version 3 with `appends`.
        let submissions = self
            .submissions_only()
            .filter(|_| self.schema_version < APPENDS_SCHEMA_VERSION);
        let submissions_absent = submissions.is_none();
        let head = Head {
            format: &self.format,
            schema_version: self.schema_version,
            generator: &self.generator,
            provenance: self.provenance.as_ref(),
            config: &self.config,
            ticks: self.ticks,
            submissions,
            appends: submissions_absent.then_some(self.appends.as_slice()),
            payments: self.payments.as_ref(),
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
