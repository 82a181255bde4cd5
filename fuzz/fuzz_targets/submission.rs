//! Manual submissions: JSON text (well-formed, hostile or arbitrary) into
//! `Submission::from_json`, and submissions with extreme values, into `Simulation::submit` on
//! a small simulation (balances and credit limits may be extreme), interleaved with ticks.
//! No panic; consecutive ids; every tick of an unfinished simulation succeeds; balances
//! conserve; no transaction settles twice; the snapshot reads back byte-stable
//! (see `SubmissionCase::check`).
#![no_main]

use libfuzzer_sys::fuzz_target;
use payment_sim_fuzz::SubmissionCase;

fuzz_target!(|case: SubmissionCase| {
    case.check();
});
