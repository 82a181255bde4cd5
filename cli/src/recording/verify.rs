//! Verifying a recording: re-run it and compare the event stream (and the final state).

use payment_sim_core::{EventRecord, Simulation, State};
use serde::Serialize;

use super::{digest, Recording};
use crate::appends::Append;
use crate::error::{CliError, CliResult};

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
    /// Appends of scheduled actions replayed (absent when none).
    #[serde(skip_serializing_if = "is_zero")]
    pub schedule_appends: u64,
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
    let key = rec.appends_key();
    for (i, a) in rec.appends.iter().enumerate() {
        if a.tick() < previous || a.tick() > rec.ticks {
            return Err(CliError::input(format!(
                "{name}: {key}[{i}].tick {} must be between {previous} and ticks ({})",
                a.tick(),
                rec.ticks
            )));
        }
        previous = a.tick();
    }
    if let Some(p) = &rec.payments {
        if !rec.appends.is_empty() {
            return Err(CliError::input(format!(
                "{name} is not a valid recording: a run fed from a payments file has no {key}"
            )));
        }
        super::fed::run(&mut sim, p, rec.ticks, name)?;
    } else {
        run_appends(&mut sim, rec, name)?;
    }
    let actual = sim.events_since(0);
    let mut verdict = Verdict {
        ok: true,
        ticks: sim.current_tick(),
        submissions: rec
            .appends
            .iter()
            .filter(|a| matches!(a, Append::Submission(_)))
            .count() as u64,
        schedule_appends: rec
            .appends
            .iter()
            .filter(|a| matches!(a, Append::Schedule(_)))
            .count() as u64,
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

/// Run the recorded ticks, applying each append when its tick comes.
fn run_appends(sim: &mut Simulation, rec: &Recording, name: &str) -> CliResult {
    let key = rec.appends_key();
    let mut next = 0;
    loop {
        let now = sim.current_tick();
        while let Some(a) = rec.appends.get(next).filter(|a| a.tick() == now) {
            a.apply(sim).map_err(|e| {
                CliError::from_sim(&format!("{name}: {key}[{next}] (tick {now})"), e)
            })?;
            next += 1;
        }
        if now >= rec.ticks {
            break;
        }
        let until = rec
            .appends
            .get(next)
            .map_or(rec.ticks, |a| a.tick().min(rec.ticks));
        sim.run(until - now)
            .map_err(|e| CliError::runtime(format!("replay failed at tick {now}: {e}")))?;
    }
    Ok(())
}

fn is_zero(n: &u64) -> bool {
    *n == 0
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
    use crate::appends::RecordedSubmission;
    use payment_sim_core::Submission;

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
            from_offset: None,
        };
        sim.submit(&sub).unwrap();
        sim.run(3).unwrap();
        let rec = Recording::capture(
            &sim,
            vec![Append::Submission(RecordedSubmission::new(0, &sub))],
        );
        assert_eq!(rec.event_count, 3);
        let back = Recording::parse(&rec.to_json(), "x").unwrap();
        assert_eq!(back, rec);
        let (_, verdict) = replay(&back, "x").unwrap();
        assert!(verdict.ok, "{verdict:?}");
        let empty = Recording::capture(&Simulation::new(sim.config().clone()).unwrap(), vec![]);
        assert_eq!(Recording::parse(&empty.to_json(), "y").unwrap(), empty);
    }

    #[test]
    fn a_recording_with_scheduled_actions_is_version_3_and_round_trips() {
        let mut sim = Simulation::from_json(
            r#"{"ticks_per_day": 6, "num_days": 1, "rng_seed": 1, "agent_configs": [
                {"id": "A", "opening_balance": 10, "policy": {"type": "Fifo"}},
                {"id": "B", "opening_balance": 0, "policy": {"type": "Fifo"}}]}"#,
        )
        .unwrap();
        sim.run(1).unwrap();
        let events = payment_sim_core::ScheduleDocument::parse(
            "- {type: liquidity, agent: B, tick: 2, amount: 5}",
        )
        .unwrap();
        sim.schedule(&events).unwrap();
        sim.run(3).unwrap();
        let append = Append::Schedule(crate::appends::RecordedSchedule {
            tick: 1,
            scenario_events: events,
        });
        let rec = Recording::capture(&sim, vec![append]);
        assert_eq!(rec.schema_version, 3);
        let text = rec.to_json();
        assert!(text.contains("\"appends\": [") && !text.contains("\"submissions\""));
        let back = Recording::parse(&text, "x").unwrap();
        assert_eq!(back, rec);
        let (_, verdict) = replay(&back, "x").unwrap();
        assert!(verdict.ok, "{verdict:?}");
        assert_eq!(verdict.schedule_appends, 1);
        // Without its append the replay diverges at the liquidity event.
        let (_, verdict) = replay(
            &Recording {
                appends: vec![],
                ..back
            },
            "x",
        )
        .unwrap();
        assert!(!verdict.ok);
    }

    #[test]
    fn digest_of_nothing_is_the_offset_basis() {
        assert_eq!(digest(&[]), "fnv1a64:cbf29ce484222325");
    }
}
