//! Command tests of `payment-sim`: every command's output (tables, JSON, errors) is a
//! snapshot under `snapshots/`; behaviour tests check what snapshots cannot (files written,
//! workflow equivalence, replay tampering). Outputs are deterministic: no timings, no
//! absolute paths (commands run with relative paths in the workspace root or a temp dir).
//!
//! Update snapshots after an intended change with `INSTA_UPDATE=always cargo test -p
//! payment-sim-cli` and review the diff.

mod concurrency;
mod events_parquet;
mod float_roundtrip;
mod host_policy;
mod hostile_files;
mod input_hardening;
mod old_journals;
mod payments;
mod payments_outputs;
mod replay;
mod report;
mod run;
mod scenarios;
mod schedule;
mod schedule_record;
mod state_files;
mod step;
mod stress;
mod support;
mod sweep;
mod sweep_payments;
mod validate;
