//! Configuration documents as JSON, both shapes (scenario and machine), through the core's one
//! entry point (`parse_document` / `normalize_document`). Seeds: the shipped scenarios as
//! scenario JSON and machine JSON, and the configurations inside the golden snapshots.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        payment_sim_fuzz::check_document(text);
    }
});
