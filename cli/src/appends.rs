//! Appends to a simulation's schedule, as the step journal and recordings hold them: "when `t`
//! ticks had run, this was appended". One mechanism for both kinds of manual input the core
//! takes between ticks — a `submit` (a `payment` action due now, written in its own short form,
//! as every journal and recording before version 3 wrote it) and a `schedule` of actions.
//! Replaying the appends in order at their ticks reproduces the simulation.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize};

use payment_sim_core::{ScenarioEvent, SimError, Simulation, Submission};

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
    /// Ticks to its from-time (absent: none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_offset: Option<i64>,
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
            from_offset: sub.from_offset,
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
            from_offset: self.from_offset,
        }
    }
}

/// Actions appended with `payment-sim schedule` and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordedSchedule {
    /// Ticks that had run when they were appended.
    pub tick: u64,
    /// The actions, in the order they were appended (as the core reads them).
    pub scenario_events: Vec<ScenarioEvent>,
}

/// One append: a submission, or actions. Written as the object of its kind; read by its keys
/// (an object with `scenario_events` is actions), so that a bad field is reported against the
/// kind it belongs to rather than as "matches no variant".
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Append {
    /// `payment-sim submit`.
    Submission(RecordedSubmission),
    /// `payment-sim schedule`.
    Schedule(RecordedSchedule),
}

impl<'de> Deserialize<'de> for Append {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        let actions = value.get("scenario_events").is_some();
        if actions {
            serde_json::from_value(value).map(Append::Schedule)
        } else {
            serde_json::from_value(value).map(Append::Submission)
        }
        .map_err(D::Error::custom)
    }
}

impl Append {
    /// Ticks that had run when it was appended.
    pub fn tick(&self) -> u64 {
        match self {
            Append::Submission(s) => s.tick,
            Append::Schedule(s) => s.tick,
        }
    }

    /// Scheduled actions it holds (0 for a submission, which takes no sequence number).
    pub fn actions(&self) -> u64 {
        match self {
            Append::Submission(_) => 0,
            Append::Schedule(s) => s.scenario_events.len() as u64,
        }
    }

    /// Append it to `sim` again (the core checks it as it did the first time).
    pub fn apply(&self, sim: &mut Simulation) -> Result<(), SimError> {
        match self {
            Append::Submission(s) => sim.submit(&s.submission()).map(drop),
            Append::Schedule(s) => sim.schedule(&s.scenario_events).map(drop),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appends_read_by_their_keys() {
        let sub =
            r#"{"tick":1,"sender":"A","receiver":"B","amount":5,"deadline_offset":2,"priority":5}"#;
        let a: Append = serde_json::from_str(sub).unwrap();
        assert!(matches!(a, Append::Submission(_)));
        assert_eq!(serde_json::to_string(&a).unwrap(), sub);
        let sched = r#"{"tick":3,"scenario_events":[{"type":"liquidity","agent":"A","tick":4,"amount":-7}]}"#;
        let a: Append = serde_json::from_str(sched).unwrap();
        assert_eq!((a.tick(), a.actions()), (3, 1));
        assert_eq!(serde_json::to_string(&a).unwrap(), sched);
        // A bad field is named against its kind.
        let bad = r#"{"tick":3,"scenario_events":[],"colour":1}"#;
        let e = serde_json::from_str::<Append>(bad).unwrap_err().to_string();
        assert!(e.contains("unknown field `colour`"), "{e}");
        let bad = r#"{"tick":3,"sender":"A"}"#;
        let e = serde_json::from_str::<Append>(bad).unwrap_err().to_string();
        assert!(e.contains("missing field `receiver`"), "{e}");
    }
}
