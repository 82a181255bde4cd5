//! What the fuzz targets share: the invariants every simulation must keep, the checks of a
//! configuration document and of an accepted snapshot, and the structured inputs (small random
//! runs, snapshot mutations, submission sequences) that `arbitrary` builds from fuzzer bytes.
//!
//! A target fails (panics, so libFuzzer saves the input) when the core panics, when it
//! accepts something and then breaks an invariant, or when it refuses its own output.
//! `examples/decode.rs` turns a structured input back into the JSON a regression test
//! replays with the core alone.

mod cases;
mod invariants;
mod mutations;
mod runs;

pub use cases::*;
pub use invariants::*;
pub use mutations::*;
pub use runs::*;
