//! One module per command family.

pub mod generate;
pub mod replay;
pub mod report;
pub mod run;
pub mod schedule;
pub mod step;
pub mod stress;
pub mod sweep;
pub mod validate;

use payment_sim_core::config::EventRecording;

use crate::RecordingLevel;

/// The core's recording level for a `--event-recording` value.
pub fn recording_level(level: RecordingLevel) -> EventRecording {
    match level {
        RecordingLevel::Full => EventRecording::Full,
        RecordingLevel::Settlements => EventRecording::Settlements,
        RecordingLevel::Off => EventRecording::Off,
    }
}

pub use payment_sim_report::format::horizon_words;
