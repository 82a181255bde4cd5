//! A batch of manual submissions (`submit_many`): all checked, then all submitted — or none,
//! with every problem (path `[i].field`).

use crate::engine::{Simulation, Submission};
use crate::error::{Problem, SimError};

impl Simulation {
    /// Submit `batch` in order, all or nothing: every problem of every submission is reported
    /// (paths `[i].field`; an unknown agent `[i].sender` / `[i].receiver`) and the simulation
    /// is unchanged. Returns the new transaction ids.
    pub fn submit_many(&mut self, batch: &[Submission]) -> Result<Vec<String>, SimError> {
        if self.is_finished() {
            return Err(SimError::SimulationFinished {
                horizon: self.horizon,
            });
        }
        self.check_counters()?;
        let mut problems = Vec::new();
        for (i, sub) in batch.iter().enumerate() {
            if let Err(e) = self.check_submission(sub) {
                let (path, message) = match e {
                    SimError::UnknownAgent(id) => {
                        let field = if self.agent(&sub.sender).is_err() {
                            "sender"
                        } else {
                            "receiver"
                        };
                        (field.to_string(), format!("unknown agent {id:?}"))
                    }
                    SimError::InvalidArgument(p) => (p.path, p.message),
                    other => (String::new(), other.to_string()),
                };
                let path = if path.is_empty() {
                    format!("[{i}]")
                } else {
                    format!("[{i}].{path}")
                };
                problems.push(Problem {
                    message: format!("{path}: {message}"),
                    path,
                    value: None,
                });
            }
        }
        if !problems.is_empty() {
            return Err(SimError::InvalidConfig(problems));
        }
        batch.iter().map(|sub| self.submit(sub)).collect()
    }

    /// [`Simulation::submit_many`] from a JSON list of submissions.
    pub fn submit_many_json(&mut self, text: &str) -> Result<Vec<String>, SimError> {
        let batch: Vec<Submission> =
            crate::error::parse_json_at(text, "transactions", SimError::config)?;
        self.submit_many(&batch)
    }
}
