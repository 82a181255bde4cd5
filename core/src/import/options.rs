//! How a payment file is read: its format, the names of its columns, its delimiter, how its
//! times map to ticks and what happens to payments outside the simulated time.

use super::time::TimeMapping;
use crate::error::Problem;

/// The format of a payment file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentFormat {
    /// Comma- (or `delimiter`-) separated values with a header row.
    Csv,
    /// One JSON object per line.
    JsonLines,
}

impl PaymentFormat {
    /// The format a file name suggests: `.jsonl` / `.ndjson` are JSON Lines, anything else CSV.
    pub fn from_path(path: &str) -> Self {
        let lower = path.to_ascii_lowercase();
        if lower.ends_with(".jsonl") || lower.ends_with(".ndjson") {
            PaymentFormat::JsonLines
        } else {
            PaymentFormat::Csv
        }
    }
}

/// What a payment outside the simulated time (outside opening hours, before the start, after
/// the horizon) does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnOutside {
    /// It is an error naming the row.
    #[default]
    Error,
    /// It is skipped and counted.
    Skip,
}

/// What a row that breaks a rule (a bad amount, an unknown participant, a duplicate id, a
/// row that cannot be read but the next can) does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OnInvalid {
    /// Its day is rejected, every problem reported.
    #[default]
    Error,
    /// It is skipped, counted and listed in the rejects (a file that cannot be read further —
    /// a bad header, not UTF-8 in JSON Lines, a truncated JSON line — is still an error).
    Skip,
}

/// The column roles a payment file has, and their names in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Columns {
    /// The user's payment id (carried to the results as `id`).
    pub id: String,
    /// The arrival tick (a non-negative integer).
    pub tick: String,
    /// The arrival time (a timestamp, mapped by [`TimeMapping`]); used when `tick` is absent.
    pub time: String,
    /// The sending agent.
    pub sender: String,
    /// The receiving agent.
    pub receiver: String,
    /// The amount in cents (an integer > 0).
    pub amount: String,
    /// Optional: priority 0–10 (default 5).
    pub priority: String,
    /// Optional: ticks from arrival to deadline (≥ 1), or a deadline time (default offset 50).
    pub deadline: String,
    /// Optional: the from-time — ticks from arrival (≥ 0, at most the deadline offset), or a
    /// time not before the arrival nor after the deadline (default 0: none).
    pub from_time: String,
}

impl Default for Columns {
    fn default() -> Self {
        Columns {
            id: "id".into(),
            tick: "tick".into(),
            time: "time".into(),
            sender: "sender".into(),
            receiver: "receiver".into(),
            amount: "amount".into(),
            priority: "priority".into(),
            deadline: "deadline".into(),
            from_time: "from_time".into(),
        }
    }
}

impl Columns {
    /// The defaults with `role=name` pairs applied: `"id=PaymentID,sender=From"`.
    pub fn with_mapping(mapping: &str) -> Result<Self, Problem> {
        let mut c = Columns::default();
        for pair in mapping.split(',').filter(|p| !p.trim().is_empty()) {
            let Some((role, name)) = pair.split_once('=') else {
                return Err(Problem::new(
                    "columns",
                    format!("column mapping {pair:?} is not role=name"),
                ));
            };
            let name = name.trim().to_string();
            if name.is_empty() {
                return Err(Problem::new(
                    "columns",
                    format!("column mapping {pair:?} has no name"),
                ));
            }
            let slot = match role.trim() {
                "id" => &mut c.id,
                "tick" => &mut c.tick,
                "time" => &mut c.time,
                "sender" => &mut c.sender,
                "receiver" => &mut c.receiver,
                "amount" => &mut c.amount,
                "priority" => &mut c.priority,
                "deadline" => &mut c.deadline,
                "from_time" => &mut c.from_time,
                other => {
                    return Err(Problem::new(
                        "columns",
                        format!(
                            "unknown column role {other:?} (roles: id, tick, time, sender, receiver, amount, priority, deadline, from_time)"
                        ),
                    ))
                }
            };
            *slot = name;
        }
        Ok(c)
    }
}

/// Everything that says how to read one payment file.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The file's format.
    pub format: PaymentFormat,
    /// Column names.
    pub columns: Columns,
    /// CSV field delimiter (a single byte, `,` by default).
    pub delimiter: u8,
    /// How timestamps map to ticks (required when the file has times rather than ticks).
    pub time: Option<TimeMapping>,
    /// Payments outside the simulated time: error or skip.
    pub on_outside: OnOutside,
    /// Rows that break a rule: error or skip.
    pub on_invalid: OnInvalid,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            format: PaymentFormat::Csv,
            columns: Columns::default(),
            delimiter: b',',
            time: None,
            on_outside: OnOutside::Error,
            on_invalid: OnInvalid::Error,
        }
    }
}

/// The delimiter a user wrote (`,` `;` `\t` or `tab`, `|`): one ASCII byte.
pub fn parse_delimiter(text: &str) -> Result<u8, Problem> {
    match text {
        "\\t" | "tab" => Ok(b'\t'),
        t if t.len() == 1 && t.is_ascii() && t != "\"" && t != "\n" => Ok(t.as_bytes()[0]),
        t => Err(Problem::new(
            "delimiter",
            format!("the delimiter must be one ASCII character other than a quote (got {t:?})"),
        )),
    }
}
