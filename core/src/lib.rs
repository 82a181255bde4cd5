//! # payment-sim-core
//!
//! A deterministic simulator of large-value payment systems: real-time gross settlement with
//! bank-internal queues (Queue 1), a central queue (Queue 2) and liquidity-saving mechanisms
//! (bilateral and multilateral offsetting). Money is integer cents; time is an integer tick;
//! every random draw comes from a seeded stream, so the same configuration gives the same
//! bytes. The behaviour is specified in `docs/model.md`.
//!
//! ```
//! use payment_sim_core::{Simulation, Submission};
//! let mut sim = Simulation::from_json(r#"{"ticks_per_day": 10, "num_days": 1, "rng_seed": 1,
//!   "agent_configs": [
//!     {"id": "A", "opening_balance": 100, "credit_limit": 0, "policy": {"type": "Fifo"}},
//!     {"id": "B", "opening_balance": 0, "credit_limit": 0, "policy": {"type": "Fifo"}}]}"#).unwrap();
//! let id = sim.submit(&Submission { sender: "A".into(), receiver: "B".into(), amount: 60,
//!                                   deadline_offset: 5, priority: 5, from_offset: None }).unwrap();
//! assert_eq!(id, "T1");
//! let result = sim.tick().unwrap();
//! assert_eq!(result.num_settlements, 1);
//! assert_eq!(sim.agent_balance("B").unwrap(), 60);
//! ```
//!
//! Configuration documents — the scenario format people write or the machine format, as YAML
//! or JSON — enter through one function, [`parse_document`] (and [`normalize_document`] for
//! the validated machine JSON); every problem it reports is a [`Problem`] with the path of its
//! field in the document as written. [`config_schema`] is their JSON Schema.
//!
//! ```
//! use payment_sim_core::parse_document;
//! let problems = parse_document("
//! simulation: {ticks_per_day: 10, seed: 1}
//! agents:
//!   - {id: A, balance: 100, policy: {type: Fifo}}
//!   - {id: B, balance: -5, policy: {type: Fifo}}
//! ").unwrap_err().problems();
//! assert_eq!(problems[0].path, "agents[1].balance");
//! assert_eq!(problems[0].message, "agents[1].balance of \"B\" (-5) is below its credit limit (-0)");
//! ```
#![warn(missing_docs)]

mod arrivals;
pub mod config;
pub mod document;
mod engine;
pub mod error;
pub mod events;
pub mod experiment;
pub mod import;
pub mod indicators;
mod policy;
pub mod provenance;
pub mod results;
mod rng;
pub mod rules;
pub mod scenario;
mod schedule;
mod settlement;
pub mod snapshot;
pub mod stats;
pub mod stress;
pub mod timeseries;
mod transaction;

pub use config::SimulationConfig;
pub use document::{
    config_schema, normalize_document, parse_document, parse_document_resolving, DocumentKind,
};
pub use engine::{
    BudgetedRunSummary, Simulation, Submission, Workload, MAX_COUNTER, MAX_EVENTS_PER_TRANSACTION,
    RUNNING_COUNTER_LIMIT,
};
pub use error::{Problem, SimError};
pub use events::{EventRecord, Mechanism};
pub use indicators::report::Indicators;
pub use provenance::{Provenance, Semantics};
pub use results::{AgentState, OutageState, RunSummary, State, TickResult};
pub use schedule::{ActionType, PendingAction, Phase, ScenarioEvent, ScheduleDocument};
pub use snapshot::SNAPSHOT_SCHEMA_VERSION;
pub use stats::Statistics;
pub use timeseries::TimeSeriesPage;
pub use transaction::TxId;

/// Offsetting problems and algorithms detached from the engine: what the LSM runs, for tests
/// and `make bench-lsm` (`docs/model.md`, "Offsetting algorithms").
pub mod offsetting {
    pub use crate::config::{LsmAlgorithm, SearchObjective};
    pub use crate::settlement::lsm::instance::{greedy_removal, Instance, Mechanisms, Payment};
    pub use crate::settlement::lsm::{
        default_algorithm, default_search_objective, effective_algorithm,
        effective_search_objective, solve, solve_weighted, solve_with, Solution, SolverLimits,
        EXACT_MAX_PART, EXACT_MAX_PART_RANGE, EXACT_NODE_BUDGET, EXACT_NODE_BUDGET_RANGE,
    };
}

/// Policies written by the host program (`PolicyConfig::Host`, `docs/policies.md` § Policies
/// written in Python): what a host sees and what it answers.
pub mod host_policy {
    pub use crate::policy::host::{
        FeatureValue, Features, HostAction, HostDecision, HostOrder, HostPolicy, HostView,
    };
}

/// The crate version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
