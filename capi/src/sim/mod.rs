//! The `psim_sim_*` exports: create, drive, query, snapshot and free a simulation.
//!
//! Each export checks its arguments in parameter order (a NULL handle, string or
//! out-parameter is `PSIM_STATUS_NULL_ARG` before any work is done), runs inside the panic
//! boundary, and writes its out-parameter only on success.
//!
//! One file per concept; declared in the order of the generated header (cbindgen follows it).

mod lifecycle;
mod queries;
mod scalars;
mod schedule;
mod snapshots;
// Additive exports after the first release's, in the order they were added.
mod batch;
mod payments;
mod payments_continue;

pub use batch::*;
pub use lifecycle::*;
pub use payments::*;
pub use payments_continue::*;
pub use queries::*;
pub use scalars::*;
pub use schedule::*;
pub use snapshots::*;
