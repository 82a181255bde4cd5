//! Configuration documents as YAML, both shapes (scenario and machine), through the core's one
//! entry point (`parse_document` / `normalize_document`). Seeds: the shipped scenarios as
//! written and as machine-format YAML. (The same entry point as `config_json`: the corpus and
//! the dictionary steer this one into the YAML reader.)
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        payment_sim_fuzz::check_document(text);
    }
});
