//! # payment-sim-capi: the C ABI of payment-sim
//!
//! One `extern "C"` surface over [`payment_sim_core`]: opaque handles, JSON strings in and
//! out, `psim_status` return codes. This crate only translates — JSON ⇄ core types,
//! [`SimError`](payment_sim_core::SimError) ⇄ [`psim_status`], handle lifetime — and never
//! re-implements simulation behaviour.
//!
//! Map of the crate (one module per concept):
//!
//! | module | what |
//! |---|---|
//! | `boundary` | the panic boundary every export runs inside (`ffi_boundary!`), the quiet panic hook |
//! | `error` | [`psim_status`], the failure type, the thread-local last error ([`psim_last_error`], [`psim_last_error_json`]) |
//! | `strings` | borrowed C strings in, owned C strings out ([`psim_string_free`]), out-parameters |
//! | `version` | [`psim_version`], [`psim_abi_version`] and the `PSIM_*VERSION*` constants |
//! | `handle` | the opaque [`psim_sim_t`]: a mutex around the simulation plus a poisoned flag |
//! | `documents` | the JSON documents the library adds around core types (the events document) |
//! | `sim` | the `psim_sim_*` exports |
//! | `config` | the `psim_config_*` exports: configuration documents without a simulation |
//! | `indicators` | the indicators document and the time-series recorder: [`psim_sim_indicators_json`], [`psim_sim_timeseries_record`], [`psim_sim_timeseries_json`] |
//! | `stress` | the automated stress tester: [`psim_stress_run`] |
//! | `experiment` | experiments: [`psim_experiment_expand_json`], [`psim_experiment_run_point_json`], [`psim_experiment_run_json`], [`psim_experiment_resolve_json`] |
//! | `host_policy` | policies written by the host: [`psim_sim_set_host_policy`], [`psim_sim_host_policy_agents`], [`psim_sim_require_host_policy`] |
//! | `budget` | work budgets: [`psim_sim_workload`], [`psim_sim_run_budget`], [`psim_sim_events_discard`], [`psim_run_summary_merge`] |
//!
//! The generated header is `include/payment_sim.h` (cbindgen, see `build.rs`); the guide is
//! `docs/c-api.md` and the JSON documents are described in `docs/json.md`.
#![warn(missing_docs)]
// The exported names are C names.
#![allow(non_camel_case_types)]

// Declaration order is the order of the generated header (cbindgen follows it).
#[macro_use]
mod boundary;
pub mod documents;
mod error;
mod handle;
mod sim;
mod strings;
mod version;
// Appended after every older export, so the header lists the newer functions last.
mod budget;
mod config;
mod indicators;
mod stress;
// The run report (issue 16).
mod report;
// Experiments (issue 15).
mod experiment;
// Policies written by the host program (issue 19).
mod host_policy;
// Documents that name files: policy files, flow files (issue 19).
mod config_files;

pub use budget::{
    psim_run_summary_merge, psim_sim_events_discard, psim_sim_run_budget, psim_sim_workload,
};
pub use config::{psim_config_normalize, psim_config_schema};
pub use config_files::psim_config_normalize_at;
pub use documents::{EventsDocument, PSIM_EVENTS_SCHEMA_VERSION, PSIM_SNAPSHOT_SCHEMA_VERSION};
pub use error::{psim_last_error, psim_last_error_json, psim_status};
pub use experiment::{
    psim_experiment_expand_json, psim_experiment_resolve_json, psim_experiment_run_json,
    psim_experiment_run_point_json,
};
pub use handle::{psim_sim_t, PsimSim};
pub use host_policy::{
    psim_host_policy_fn, psim_sim_host_policy_agents, psim_sim_require_host_policy,
    psim_sim_set_host_policy,
};
pub use indicators::{
    psim_sim_indicators_json, psim_sim_timeseries_json, psim_sim_timeseries_record,
};
pub use report::psim_sim_report_html;
pub use sim::*;
pub use stress::{psim_progress_fn, psim_stress_run};
pub use strings::psim_string_free;
pub use version::{
    psim_abi_version, psim_version, PSIM_ABI_VERSION, PSIM_VERSION_MAJOR, PSIM_VERSION_MINOR,
    PSIM_VERSION_PATCH,
};
