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

/// Where a replay first differs from the recording.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Divergence {
    /// Sequence number of the first differing event.
    pub seq: u64,
    /// The recorded event (None: the recording ends earlier).
    pub expected: Option<EventRecord>,
    /// The replayed event (None: the replay ends earlier).
    pub actual: Option<EventRecord>,
}

/// What a verification found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    /// Everything matched.
    pub ok: bool,
    /// Ticks replayed.
    pub ticks: u64,
    /// Manual submissions replayed.
    pub submissions: u64,
    /// Events the replay produced.
    pub events: u64,
    /// Digest of the replayed stream.
    pub events_digest: String,
    /// The first differing event, if any.
    pub divergence: Option<Divergence>,
    /// Other mismatches (digest, count, final state), in plain words.
    pub problems: Vec<String>,
}

/// Re-run a recording. Errors are invalid recordings (exit 2); a mismatch is reported in the
/// verdict.
pub fn replay(rec: &Recording, name: &str) -> CliResult<(Simulation, Verdict)> {
    replay_with(rec, name, |_| Ok(()))
}

/// [`replay`], with `prepare` applied to the new simulation before its first tick (`report`
/// turns the time-series recorder on; recording changes no result).
pub fn replay_with(
    rec: &Recording,
    name: &str,
    prepare: impl FnOnce(&mut Simulation) -> CliResult,
) -> CliResult<(Simulation, Verdict)> {
    rec.semantics()
        .check_supported()
        .map_err(|e| CliError::input(format!("{name}: provenance.{e}")))?;
    let mut sim = Simulation::with_semantics(rec.config.clone(), rec.semantics()).map_err(|e| {
        let e = match e {
            payment_sim_core::SimError::InvalidConfig(p) => {
                payment_sim_core::SimError::InvalidConfig(
                    p.into_iter().map(|p| p.under("config")).collect(),
                )
            }
            other => other,
        };
        CliError::from_sim(&format!("{name} holds an invalid configuration"), e)
    })?;
    if rec.ticks > sim.horizon() {
        return Err(CliError::input(format!(
            "{name}: ticks {} is beyond the configuration's horizon of {} ticks",
            rec.ticks,
            sim.horizon()
        )));
    }
    prepare(&mut sim)?;
    let mut previous = 0;
    for (i, s) in rec.submissions.iter().enumerate() {
        if s.tick < previous || s.tick > rec.ticks {
            return Err(CliError::input(format!(
                "{name}: submissions[{i}].tick {} must be between {previous} and ticks ({})",
                s.tick, rec.ticks
            )));
        }
        previous = s.tick;
    }
    let mut next = 0;
    loop {
        let now = sim.current_tick();
        while let Some(s) = rec.submissions.get(next).filter(|s| s.tick == now) {
            sim.submit(&s.submission()).map_err(|e| {
                CliError::from_sim(&format!("{name}: submissions[{next}] (tick {now})"), e)
            })?;
            next += 1;
        }
        if now >= rec.ticks {
            break;
        }
        let until = rec
            .submissions
            .get(next)
            .map_or(rec.ticks, |s| s.tick.min(rec.ticks));
        sim.run(until - now)
            .map_err(|e| CliError::runtime(format!("replay failed at tick {now}: {e}")))?;
    }
    let actual = sim.events_since(0);
    let mut verdict = Verdict {
        ok: true,
        ticks: sim.current_tick(),
        submissions: rec.submissions.len() as u64,
        events: actual.len() as u64,
        events_digest: digest(&actual),
        divergence: None,
        problems: Vec::new(),
    };
    let longest = actual.len().max(rec.events.len());
    if let Some(i) = (0..longest).find(|&i| actual.get(i) != rec.events.get(i)) {
        let tick = match (rec.events.get(i), actual.get(i)) {
            (Some(e), Some(a)) => e.tick.min(a.tick),
            (Some(e), None) | (None, Some(e)) => e.tick,
            (None, None) => 0,
        };
        verdict.divergence = Some(Divergence {
            seq: i as u64 + 1,
            expected: rec.events.get(i).cloned(),
            actual: actual.get(i).cloned(),
        });
        verdict.problems.push(format!(
            "the event stream diverges at event {} in tick {tick} (the recording has {} events, the replay produced {})",
            i + 1,
            rec.events.len(),
            actual.len()
        ));
    }
    if rec.event_count != rec.events.len() as u64 {
        verdict.problems.push(format!(
            "event_count is {} but the recording holds {} events",
            rec.event_count,
            rec.events.len()
        ));
    }
    let recorded_digest = digest(&rec.events);
    if rec.events_digest != recorded_digest {
        verdict.problems.push(format!(
            "events_digest is {} but the recorded events hash to {recorded_digest}",
            rec.events_digest
        ));
    }
    let state = sim.state();
    if let Some(diff) = state_difference(&rec.final_state, &state) {
        verdict
            .problems
            .push(format!("the final state differs: {diff}"));
    }
    verdict.ok = verdict.problems.is_empty();
    Ok((sim, verdict))
}

/// The first difference between two states, in words.
fn state_difference(expected: &State, actual: &State) -> Option<String> {
    if expected == actual {
        return None;
    }
    if expected.tick != actual.tick {
        return Some(format!(
            "tick is {} in the recording, {} in the replay",
            expected.tick, actual.tick
        ));
    }
    if expected.queue2_size != actual.queue2_size {
        return Some(format!(
            "queue2_size is {} in the recording, {} in the replay",
            expected.queue2_size, actual.queue2_size
        ));
    }
    if expected.agents.len() != actual.agents.len() {
        return Some(format!(
            "the recording has {} agents, the replay {}",
            expected.agents.len(),
            actual.agents.len()
        ));
    }
    for (i, (e, a)) in expected.agents.iter().zip(&actual.agents).enumerate() {
        if e != a {
            let field = if e.id != a.id {
                format!("id {:?} vs {:?}", e.id, a.id)
            } else if e.balance != a.balance {
                format!("balance {} vs {}", e.balance, a.balance)
            } else if e.credit_limit != a.credit_limit {
                format!("credit_limit {} vs {}", e.credit_limit, a.credit_limit)
            } else if e.queue1_size != a.queue1_size {
                format!("queue1_size {} vs {}", e.queue1_size, a.queue1_size)
            } else {
                format!("queue2_size {} vs {}", e.queue2_size, a.queue2_size)
            };
            return Some(format!(
                "agents[{i}] ({}): {field} (recording vs replay)",
                e.id
            ));
        }
    }
    Some(format!("day {} vs {}", expected.day, actual.day))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recordings_round_trip_through_their_json() {
        let sim = Simulation::from_json(
            r#"{"ticks_per_day": 4, "num_days": 1, "rng_seed": 1, "agent_configs": [
                {"id": "A", "opening_balance": 10, "policy": {"type": "Fifo"}},
                {"id": "B", "opening_balance": 0, "policy": {"type": "Fifo"}}]}"#,
        )
        .unwrap();
        let mut sim = sim;
        let sub = Submission {
            sender: "A".into(),
            receiver: "B".into(),
            amount: 7,
            deadline_offset: 2,
            priority: 5,
        };
        sim.submit(&sub).unwrap();
        sim.run(3).unwrap();
        let rec = Recording::capture(&sim, vec![RecordedSubmission::new(0, &sub)]);
        assert_eq!(rec.event_count, 3);
        let back = Recording::parse(&rec.to_json(), "x").unwrap();
        assert_eq!(back, rec);
        let (_, verdict) = replay(&back, "x").unwrap();
        assert!(verdict.ok, "{verdict:?}");
        let empty = Recording::capture(&Simulation::new(sim.config().clone()).unwrap(), vec![]);
        assert_eq!(Recording::parse(&empty.to_json(), "y").unwrap(), empty);
    }

    #[test]
    fn digest_of_nothing_is_the_offset_basis() {
        assert_eq!(digest(&[]), "fnv1a64:cbf29ce484222325");
    }
}
