//! Snapshot restore, byte level: arbitrary bytes to `Simulation::restore_json` (every
//! supported version, migrated). An accepted document must behave as a valid one: it reads
//! back byte-stable, it is consistent in itself (no transaction in two places, no live one
//! already settled in the event log), balances conserve, and — when its workload is small — it runs up to 20
//! more ticks without an error, no transaction settling twice. Seeds: the golden snapshots
//! (core/tests/golden/v*/) and snapshots of small runs.
#![no_main]

use libfuzzer_sys::fuzz_target;
use payment_sim_core::Simulation;
use payment_sim_fuzz::{
    assert_conserves, assert_restored_consistent, assert_snapshot_stable, small_workload,
    tick_and_check,
};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(mut sim) = Simulation::restore_json(text) else {
        return;
    };
    assert_restored_consistent(&sim);
    assert_snapshot_stable(&sim);
    assert_conserves(&sim);
    if small_workload(sim.config()) {
        tick_and_check(&mut sim, 20);
    }
});
