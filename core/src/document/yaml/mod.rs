//! YAML text, read by serde-saphyr the way the core reads YAML.
//!
//! serde-saphyr streams parser events straight into the deserializer: reading a document costs
//! the text, the structs it becomes and a small parser state, never a buffer of the whole
//! document's events (serde_norway, through libyaml, held every event before the first struct
//! was built: 12× the file size on a dense 1,000-bank scenario). Its budgets bound what a
//! document can make the reader do; [`options`] sets them from the text's size.
//!
//! The YAML the core reads is YAML 1.2's core schema, with plain scalars typed by their text,
//! whatever type the reader asks for (as serde_norway did and as JSON does):
//!
//! - `true`/`True`/`TRUE`, `false`/…, `null`/`Null`/`NULL`/`~`/empty, integers (`12`, `+7`,
//!   `-3`, `0x10`, `0o17`, `0b101`; beyond 64 bits, a float, as in JSON), floats (`1e5`, `.5`,
//!   `3.`, `.inf`, `-.Inf`, `.nan`; `1e999`, beyond f64, is infinite), an integer being a
//!   number wherever a float is expected;
//! - everything else is a string: `yes`, `on`, `017` (a leading zero), `1_000` (an
//!   underscore), `1:30`, `2024-01-01`; a quoted scalar is always a string;
//! - so `balance: 1_000` is a type error, not 1000, and `id: 123` (a number where a string is
//!   expected) is refused as JSON's `"id": 123` is ([`Text`](crate::config::serde_helpers)).
//!
//! serde-saphyr parses a plain scalar for the type it is asked for (`1_000` for an i64 is
//! 1000, `017` for an f64 is 17), so [`Typed`] asks for "any" value instead, and saphyr's
//! options make that inference the schema above. The same wrapper keeps serde's own wording
//! for shape problems (`unknown field `colour`, expected one of `id`, …`), which saphyr
//! rephrases, by carrying its own error type past saphyr (see [`Slot`]).
//!
//! Repeated keys reach the types (a struct refuses a repeated field, `counterparty_weights`
//! a repeated key, each with its path); `<<` is an ordinary key (no YAML 1.1 merge), so it is
//! an unknown field as it always was.

use std::fmt;

use serde::de::{self, IgnoredAny};
use serde::Deserialize;
use serde_saphyr::budget::BudgetBreach;
use serde_saphyr::granit_parser::ErrorKind;
use serde_saphyr::options::{
    AliasLimits, DuplicateKeyPolicy, MergeKeyPolicy, NonFiniteFloatPolicy,
};
use serde_saphyr::ExternalMessageSource;

mod typed;
pub(crate) use typed::deserialize_seed;

/// Deepest nesting of collections (block or flow, mappings and sequences) the reader accepts.
///
/// A configuration nests 5 levels (the document → `agents` → an agent → `arrival_config` →
/// `counterparty_weights`), so a deeper document cannot be one. The parser checks each level
/// as it meets it, so a deeper text is refused in time linear in its size, and the reader's
/// recursion stays within a small stack: serde-saphyr takes about 4 KB of stack per level
/// (optimised build), so 16 levels fit a 128 KB thread with room to spare (a test keeps it so).
pub(crate) const MAX_DEPTH: usize = 16;

/// What aliases may add to a document beyond what its text holds. `*a` repeats the node `&a`
/// names, so a text of a few lines can otherwise expand to billions of nodes (an alias bomb):
/// in all, aliases may replay this many parser events (nodes, and starts and ends of
/// collections), or one per byte of the text if that is more, and this many bytes of
/// scalars…
pub(crate) const MAX_ALIAS_EVENTS: usize = 1_000_000;
pub(crate) const MAX_ALIAS_SCALAR_BYTES: usize = 16 << 20;
/// …and aliases inside anchored nodes may add this many events to the copies the reader keeps
/// of them (which is what nests one alias's expansion in another's).
pub(crate) const MAX_ANCHOR_COPIES: usize = 100_000;

/// The budgets' allowance per byte of text: no text holds more than one parser event, node
/// or byte of scalar per byte of its own (`[]` is two events in two bytes, `- ` a null in
/// two, an escape or a fold only shrinks a scalar); tags may count as their full names
/// (`!!str` as `tag:yaml.org,2002:str`), hence the margin.
const PER_BYTE: usize = 4;

/// The reader's options for a text of `len` bytes.
///
/// The budgets are what the text can hold ([`PER_BYTE`] per byte, never reached without
/// aliases however large the document: 6,000 banks × 1,000 weights pass) plus what aliases
/// may add ([`MAX_ALIAS_EVENTS`], [`MAX_ALIAS_SCALAR_BYTES`], [`MAX_ANCHOR_COPIES`]); nesting
/// is bounded by [`MAX_DEPTH`]. The callers bound the size of the text they accept.
pub(crate) fn options(len: usize) -> serde_saphyr::Options {
    let held = len.saturating_mul(PER_BYTE);
    let replayed = MAX_ALIAS_EVENTS.max(len);
    let events = held.saturating_add(replayed);
    let budget = serde_saphyr::budget! {
        // The text is in memory already: its size is the caller's limit.
        max_reader_input_bytes: None,
        max_events: events,
        max_nodes: events,
        max_total_scalar_bytes: held.saturating_add(MAX_ALIAS_SCALAR_BYTES),
        max_anchors: held,
        max_aliases: held,
        // Copies of events kept for anchors: the anchored text itself (an event inside
        // nested anchors is copied for each, within the margin), and what aliases add to it.
        max_recorded_anchor_events: held.saturating_add(MAX_ANCHOR_COPIES),
        max_recorded_anchor_bytes: held.saturating_add(MAX_ALIAS_SCALAR_BYTES),
        // Many aliases of one anchor (`policy: *fifo` for every bank) are legitimate: the
        // totals above, not the ratio of aliases to anchors, are what stop a bomb.
        enforce_alias_anchor_ratio: false,
        max_depth: MAX_DEPTH,
        max_documents: 1,
        max_inclusion_depth: 0,
    };
    let mut alias_limits = AliasLimits::default();
    alias_limits.max_total_replayed_events = replayed;
    serde_saphyr::options! {
        budget: budget,
        alias_limits: alias_limits,
        duplicate_keys: DuplicateKeyPolicy::PassThrough,
        merge_keys: MergeKeyPolicy::AsOrdinary,
        legacy_octal_numbers: false,
        leading_zero_numbers_as_strings: true,
        underscored_numbers_as_strings: true,
        strict_booleans: true,
        // A plain `null` read as a map key is its text (as serde_norway read it); ids ask for
        // "any" value, so a null id is still refused.
        null_as_string: true,
        // `.inf` and `.nan` are numbers, refused by validation with the field's own rule.
        non_finite_float_policy: NonFiniteFloatPolicy::PassThrough,
        with_snippet: false,
    }
}

/// What is wrong with `text` as YAML — its syntax, or a limit it breaks — with the line and
/// column; `None` when it is well-formed. Reads every node without building anything: a
/// document is judged on its syntax before its shape, even when a shape problem comes first.
pub(crate) fn syntax_error(text: &str) -> Option<String> {
    serde_saphyr::with_deserializer_from_str_with_options(text, options(text.len()), |d| {
        IgnoredAny::deserialize(d)
    })
    .err()
    .map(|e| limit_message(&e).unwrap_or_else(|| positioned(e.to_string())))
}

/// saphyr's message with its position as the project's other messages write it (serde_json's,
/// serde_norway's): "… at line 3 column 7", not "… at line 3, column 7".
fn positioned(mut text: String) -> String {
    if let Some(at) = text.rfind(" at line ") {
        if let Some(comma) = text[at..].find(", column ") {
            text.remove(at + comma);
        }
    }
    text
}

/// Why a YAML text could not be read: a shape problem raised by the types being read, in
/// serde's words (the path says where), or what saphyr found, with its line and column.
pub(crate) struct Error(String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

/// A breached limit in the reader's words, with the position saphyr reports.
fn limit_message(e: &serde_saphyr::Error) -> Option<String> {
    use serde_saphyr::Error as E;
    let mut inner = e.without_snippet();
    while let E::AliasError { error, .. } = inner {
        inner = error;
    }
    let too_deep = || format!("collections nested more than {MAX_DEPTH} levels deep");
    let expands = || {
        format!(
            "aliases expand the document beyond the reader's limits (they may add \
             {MAX_ALIAS_EVENTS} parser events or one per byte of text, {MAX_ALIAS_SCALAR_BYTES} \
             bytes of scalars, {MAX_ANCHOR_COPIES} events to anchored nodes)"
        )
    };
    let what = match inner {
        E::Budget { breach, .. } => match breach {
            BudgetBreach::Depth { .. } => too_deep(),
            BudgetBreach::Documents { .. } => "more than one document".to_string(),
            BudgetBreach::Events { .. }
            | BudgetBreach::Nodes { .. }
            | BudgetBreach::ScalarBytes { .. }
            | BudgetBreach::Aliases { .. }
            | BudgetBreach::Anchors { .. }
            | BudgetBreach::RecordedAnchorEvents { .. }
            | BudgetBreach::RecordedAnchorBytes { .. } => expands(),
            other => format!("the document breaks the reader's limits ({other:?})"),
        },
        // The parser's own limit on nesting (it scans ahead of the budget's count).
        E::ExternalMessage { source, .. }
            if matches!(
                &**source,
                ExternalMessageSource::Parser(scan)
                    if matches!(scan.kind(), ErrorKind::RecursionLimitExceeded)
            ) =>
        {
            too_deep()
        }
        E::MultipleDocuments { .. } => "more than one document".to_string(),
        E::AliasReplayLimitExceeded { .. }
        | E::AliasExpansionLimitExceeded { .. }
        | E::AliasReplayStackDepthExceeded { .. } => expands(),
        _ => return None,
    };
    Some(match e.location() {
        Some(at) => format!("{what} at line {} column {}", at.line(), at.column()),
        None => what,
    })
}
