//! Snapshot restore, structure-aware: `arbitrary` picks a small configuration, the ticks and
//! manual orders of a run, and mutations of its valid snapshot (duplicate, move or drop queue
//! entries; edit a transaction; set counters, balances, stream positions; cut the event log).
//! A mutated snapshot that restore accepts must behave as a valid one: byte-stable read-back,
//! the run continues to the end of its horizon without an error, balances conserve, no
//! transaction settles twice (see `SnapshotCase::check`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use payment_sim_fuzz::SnapshotCase;

fuzz_target!(|case: SnapshotCase| {
    case.check();
});
