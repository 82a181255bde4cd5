//! A stable-toolchain smoke run of the structured targets: a few thousand inputs from a fixed
//! pseudo-random byte stream (not a fuzzer: it catches a generator or an invariant helper that
//! no longer fits the engine, e.g. after the schedule was added).

use arbitrary::{Arbitrary, Unstructured};
use payment_sim_fuzz::SnapshotCase;

fn bytes(seed: u64, n: usize) -> Vec<u8> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

#[test]
fn snapshot_cases_hold_their_invariants() {
    let mut checked = 0;
    for seed in 0..6_000u64 {
        let data = bytes(seed, 512);
        let mut u = Unstructured::new(&data);
        if let Ok(case) = SnapshotCase::arbitrary(&mut u) {
            case.check();
            checked += 1;
        }
    }
    assert!(checked > 4_000, "only {checked} cases");
}
