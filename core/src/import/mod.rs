//! Payment files in, per-payment results out (`docs/model.md` § Payment files).
//!
//! | module     | holds                                                                    |
//! |------------|--------------------------------------------------------------------------|
//! | `spec`     | the options as text (flags, JSON requests) → options; a whole fed run   |
//! | `options`  | format, column names, delimiter, what to do outside the simulated time  |
//! | `time`     | timestamps and the business day → ticks                                  |
//! | `rows`     | a file's rows one at a time (CSV via `csv`, JSON Lines via serde_json)  |
//! | `carried`  | a payment's id and extra cells in one allocation                         |
//! | `validate` | one row → one checked payment, every problem with its column            |
//! | `rejects`  | the rows skipped, with their reasons, for a rejects file                 |
//! | `problems` | problems naming file, line and column; the rejected file's error         |
//! | `feed`     | one business day at a time: check all, then append to the schedule      |
//! | `outcomes` | each imported payment's fate, from the engine's tap                      |
//! | `write`    | results as CSV / JSON Lines, streamed                                   |
//! | `pending`  | a results or rejects file left as it was when the payments are refused   |
//! | `generate` | a realistic synthetic payments file and its scenario (deterministic)     |
//! | `drive`    | running a simulation fed from a file                                     |
//! | `participants` | agents created from the data (a participants file, the payments' names) |
//! | `state`    | a fed run in a snapshot: suspend it, resume it where it stopped          |
//! | `slices`   | a fed run in slices for the libraries: run and suspend, continue         |
//!
//! Memory: the payments of one business day read ahead plus the imported payments still
//! live; the file and the results are streamed.

mod batch;
mod carried;
mod drive;
mod feed;
mod generate;
mod options;
mod outcomes;
mod participants;
mod pending;
mod problems;
mod rejects;
mod rows;
mod slices;
mod spec;
mod state;
pub mod time;
mod validate;
mod write;

pub use drive::{FedError, Finished, Importer};
pub use feed::{FeedStats, PaymentFeed};
pub use generate::{Generated, Synthetic};
pub use options::{parse_delimiter, Columns, ImportOptions, OnInvalid, OnOutside, PaymentFormat};
pub use outcomes::{Outcomes, PartOutcome, PaymentOutcome, Status};
pub use participants::{
    add_participants, read_participants, Added, Listed, NewBalance, NewParticipants,
};
pub use pending::{PendingFile, PendingGuard};
pub use problems::{ImportError, MAX_LISTED};
pub use rejects::{Reject, RejectKind, RejectsWriter, REJECT_COLUMNS};
pub use slices::{
    check_not_fed, continue_file, run_file_sliced, stops_early, suspended, ContinueRequest,
};
pub use spec::{run_file, schedule_file, sha256_of, FedSummary, FeedRequest, FeedSpec};
pub use state::{
    FedState, FeedSource, LivePayment, OutputFile, PartDoc, PaymentDoc, ReadPosition,
    WaitingPayment,
};
pub use time::TimeMapping;
pub use write::{ResultsFormat, ResultsWriter, RESULT_COLUMNS};
