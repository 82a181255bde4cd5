//! One row to one payment, by the rules of a `payment` action (`docs/model.md` § Scheduled
//! actions, § Payment files): every problem of the row is reported with its column.

use std::borrow::Cow;
use std::collections::HashMap;

use serde_json::Value;

use super::carried::Carried;
use super::problems::Problems;
use super::rows::{Cell, Role, Row};
use super::time::{parse_stamp, Placed, TimeMapping};
use crate::config::{default_deadline_offset, default_priority, MAX_PRIORITY};
use crate::transaction::AgentIdx;

/// A payment read from a file, checked, not yet applied.
#[derive(Debug, Clone)]
pub(crate) struct Payment {
    /// Its ordinal in the file (0, 1, …): the handle that follows it into the engine.
    pub tag: u64,
    /// The user's id and the extra columns' values (`Rows::extra_names` order).
    pub carried: Carried,
    pub line: u64,
    pub tick: u64,
    pub sender: AgentIdx,
    pub receiver: AgentIdx,
    pub amount: i64,
    pub deadline_offset: u64,
    pub priority: u8,
    /// Ticks from arrival to the from-time (0: none).
    pub from_offset: u64,
}

/// What a row turned out to be.
pub(crate) enum Checked {
    Payment(Payment),
    /// Outside the simulated time: why, in words, and the row's id if it has one.
    Outside(String, Option<String>),
    /// Problems were reported; the arrival tick and the id, if they could be read.
    Bad(Option<u64>, Option<String>),
}

/// FNV-1a over the bytes: the feed's own index of agent names, looked up twice per row
/// (SipHash was a visible part of a load). It holds only the scenario's names, so a file
/// cannot flood it; lookups of unknown names just miss.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            h = (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// Agent names → indices, for reading rows.
pub(crate) type NameIndex = HashMap<Box<str>, AgentIdx, std::hash::BuildHasherDefault<Fnv>>;

/// The feed's index of the simulation's agents.
pub(crate) fn name_index(index: &HashMap<String, AgentIdx>) -> NameIndex {
    index.iter().map(|(k, v)| (k.as_str().into(), *v)).collect()
}

/// What the rules need to know of the simulation.
pub(crate) struct Context<'a> {
    pub index: &'a NameIndex,
    pub ticks_per_day: u64,
    pub horizon: u64,
    /// No payment may arrive before this tick.
    pub now: u64,
    pub time: Option<&'a TimeMapping>,
    /// Day 0's business date (set by the first placed row when the mapping has none).
    pub start_date: &'a mut Option<i64>,
}

/// `s.trim()`, without its Unicode scan when both ends are plain ASCII (most cells: trimming
/// was a twelfth of a load).
fn trim(s: &str) -> &str {
    let plain = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii() && !b.is_ascii_whitespace());
    let b = s.as_bytes();
    if plain(b.first()) && plain(b.last()) {
        s
    } else {
        s.trim()
    }
}

pub(crate) fn text<'a>(c: &Cell<'a>) -> Option<Cow<'a, str>> {
    match c {
        Cell::Text(s) => Some(Cow::Borrowed(trim(s))),
        Cell::Json(Value::String(s)) => Some(Cow::Borrowed(s.as_str())),
        Cell::Json(Value::Number(n)) => Some(Cow::Owned(n.to_string())),
        Cell::Json(_) => None,
    }
}

fn int(c: &Cell<'_>) -> Option<i64> {
    match c {
        Cell::Text(s) => parse_i64(trim(s)),
        Cell::Json(Value::Number(n)) => n.as_i64(),
        Cell::Json(Value::String(s)) => s.trim().parse().ok(),
        Cell::Json(_) => None,
    }
}

/// `s.parse::<i64>()` (an optional sign, then at least one ASCII digit; none on overflow),
/// without the standard parser's generality: two integers a row, a twentieth of a load.
fn parse_i64(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let (neg, digits) = match b.first()? {
        b'-' => (true, &b[1..]),
        b'+' => (false, &b[1..]),
        _ => (false, b),
    };
    if digits.is_empty() {
        return None;
    }
    let mut v: i64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        let d = i64::from(d - b'0');
        // Accumulated towards the sign, so that i64::MIN reads.
        v = v.checked_mul(10)?.checked_add(if neg { -d } else { d })?;
    }
    Some(v)
}

fn shown(c: &Cell<'_>) -> String {
    match c {
        Cell::Text(s) => format!("{s:?}"),
        Cell::Json(v) => v.to_string(),
    }
}

/// Check one row; `tag` is its ordinal.
pub(crate) fn check(
    row: Row<'_>,
    tag: u64,
    cols: &dyn Fn(Role) -> String,
    ctx: &mut Context<'_>,
    p: &mut Problems,
) -> Checked {
    let line = row.line;
    let before = p.count();
    let cell = |r: Role| row.cells[r as usize];
    let required = |r: Role, p: &mut Problems| {
        let c = cell(r);
        if c.is_none() || matches!(c, Some(Cell::Text(s)) if trim(s).is_empty()) {
            p.at(line, &cols(r), "is empty (a value is required)".into());
            return None;
        }
        c
    };
    let id = required(Role::Id, p).and_then(|c| match text(&c) {
        Some(s) => Some(s),
        None => {
            p.at(
                line,
                &cols(Role::Id),
                format!("{} is not a string or number", shown(&c)),
            );
            None
        }
    });
    let agent = |r: Role, p: &mut Problems| {
        let c = required(r, p)?;
        let name = text(&c).unwrap_or_default();
        match ctx.index.get(name.as_ref()) {
            Some(a) => Some(*a),
            None => {
                p.at(line, &cols(r), format!("unknown participant {}", shown(&c)));
                None
            }
        }
    };
    let sender = agent(Role::Sender, p);
    let receiver = agent(Role::Receiver, p);
    if let (Some(s), Some(r)) = (sender, receiver) {
        if s == r {
            p.at(
                line,
                &cols(Role::Receiver),
                "a payment to its own sender (sender and receiver must differ)".into(),
            );
        }
    }
    let amount = required(Role::Amount, p).and_then(|c| match int(&c) {
        Some(a) if a > 0 => Some(a),
        Some(a) => {
            p.at(
                line,
                &cols(Role::Amount),
                format!("the amount must be positive (got {a})"),
            );
            None
        }
        None => {
            p.at(
                line,
                &cols(Role::Amount),
                format!("{} is not a whole number of cents", shown(&c)),
            );
            None
        }
    });
    let priority = match cell(Role::Priority) {
        None => Some(default_priority() as u8),
        Some(Cell::Text(s)) if s.trim().is_empty() => Some(default_priority() as u8),
        Some(c) => match int(&c) {
            Some(v) if (0..=MAX_PRIORITY).contains(&v) => Some(v as u8),
            _ => {
                p.at(
                    line,
                    &cols(Role::Priority),
                    format!(
                        "{} is not a priority (an integer from 0 to {MAX_PRIORITY})",
                        shown(&c)
                    ),
                );
                None
            }
        },
    };
    // The arrival tick: a tick column, or a time placed in the business day.
    let arrival = if cell(Role::Tick).is_some() {
        let c = required(Role::Tick, p);
        c.and_then(|c| match int(&c) {
            Some(t) if t >= 0 => Some(Ok(t as u64)),
            _ => {
                p.at(
                    line,
                    &cols(Role::Tick),
                    format!("{} is not a tick (an integer ≥ 0)", shown(&c)),
                );
                None
            }
        })
    } else {
        let c = required(Role::Time, p);
        c.and_then(|c| place(&c, Role::Time, line, cols, ctx, p))
    };
    let tick = match arrival {
        Some(Ok(t)) => Some(t),
        Some(Err(why)) if p.count() == before => {
            return Checked::Outside(why, id.map(Cow::into_owned))
        }
        _ => None,
    };
    if let Some(t) = tick {
        if p.count() == before {
            if t < ctx.now {
                return Checked::Outside(
                    format!(
                        "tick {t} is before the simulation's current tick {}",
                        ctx.now
                    ),
                    id.map(Cow::into_owned),
                );
            }
            if t >= ctx.horizon {
                return Checked::Outside(
                    format!(
                        "tick {t} is at or after the horizon of {} ticks",
                        ctx.horizon
                    ),
                    id.map(Cow::into_owned),
                );
            }
        }
    }
    let deadline_offset = match (cell(Role::Deadline), tick) {
        (None, _) => Some(default_deadline_offset() as u64),
        (Some(Cell::Text(s)), _) if s.trim().is_empty() => Some(default_deadline_offset() as u64),
        (Some(c), _) if int(&c).is_some() => match int(&c) {
            Some(d) if d >= 1 => Some(d as u64),
            _ => {
                p.at(
                    line,
                    &cols(Role::Deadline),
                    format!("the deadline offset must be ≥ 1 tick (got {})", shown(&c)),
                );
                None
            }
        },
        (Some(c), Some(t)) => match place(&c, Role::Deadline, line, cols, ctx, p) {
            Some(Ok(d)) if d > t => Some(d - t),
            Some(Ok(d)) => {
                p.at(
                    line,
                    &cols(Role::Deadline),
                    format!("the deadline (tick {d}) is not after the arrival (tick {t})"),
                );
                None
            }
            Some(Err(why)) => {
                p.at(line, &cols(Role::Deadline), why);
                None
            }
            None => None,
        },
        (Some(_), None) => None,
    };
    let from_offset = from_time(&cell, tick, deadline_offset, line, cols, ctx, p);
    match (
        id,
        sender,
        receiver,
        amount,
        priority,
        tick,
        deadline_offset,
    ) {
        (
            Some(id),
            Some(sender),
            Some(receiver),
            Some(amount),
            Some(priority),
            Some(tick),
            Some(d),
        ) if p.count() == before => Checked::Payment(Payment {
            tag,
            carried: Carried::new(&id, &row.extras),
            line,
            tick,
            sender,
            receiver,
            amount,
            deadline_offset: d,
            priority,
            from_offset: from_offset.unwrap_or(0),
        }),
        (id, ..) => Checked::Bad(tick, id.map(Cow::into_owned)),
    }
}

/// A time cell to a tick: `Ok(tick)`, `Err(why)` when outside opening hours or before the
/// start, `None` when unparseable (reported).
fn place(
    c: &Cell<'_>,
    role: Role,
    line: u64,
    cols: &dyn Fn(Role) -> String,
    ctx: &mut Context<'_>,
    p: &mut Problems,
) -> Option<Result<u64, String>> {
    let Some(mapping) = ctx.time else {
        p.at(
            line,
            &cols(role),
            "the file has times: give the business day (opening and closing) to map them to ticks"
                .into(),
        );
        return None;
    };
    let Some(stamp) = text(c).as_deref().and_then(parse_stamp) else {
        p.at(
            line,
            &cols(role),
            format!(
                "{} is not a time (RFC 3339 or YYYY-MM-DD HH:MM[:SS])",
                shown(c)
            ),
        );
        return None;
    };
    match mapping.place(stamp, ctx.ticks_per_day) {
        Placed::Closed => Some(Err(format!("{} is outside opening hours", shown(c)))),
        Placed::In {
            business_date,
            tick_of_day,
        } => {
            let start = *ctx.start_date.get_or_insert(business_date);
            if business_date < start {
                return Some(Err(format!(
                    "{} is before the first business day {}",
                    shown(c),
                    super::time::civil(start)
                )));
            }
            let day = (business_date - start) as u64;
            Some(Ok(day
                .saturating_mul(ctx.ticks_per_day)
                .saturating_add(tick_of_day)))
        }
    }
}

/// The from-time column (issue 18, `docs/model.md` § Timed payments): empty or absent 0; an
/// integer is ticks after the arrival (≥ 0); a time is placed as the arrival is. Either way
/// not after the till-time (the deadline). `None` when reported (or not judgeable: the
/// arrival or the deadline is bad, and reported already).
fn from_time<'c>(
    cell: &dyn Fn(Role) -> Option<Cell<'c>>,
    tick: Option<u64>,
    deadline_offset: Option<u64>,
    line: u64,
    cols: &dyn Fn(Role) -> String,
    ctx: &mut Context<'_>,
    p: &mut Problems,
) -> Option<u64> {
    let c = match cell(Role::FromTime) {
        None => return Some(0),
        Some(Cell::Text(s)) if s.trim().is_empty() => return Some(0),
        Some(c) => c,
    };
    let offset = match (int(&c), tick) {
        (Some(f), _) if f >= 0 => f as u64,
        (Some(_), _) => {
            let why = format!("the from-time offset must be ≥ 0 ticks (got {})", shown(&c));
            p.at(line, &cols(Role::FromTime), why);
            return None;
        }
        (None, Some(t)) => match place(&c, Role::FromTime, line, cols, ctx, p)? {
            Ok(f) if f >= t => f - t,
            Ok(f) => {
                let why = format!("the from-time (tick {f}) is before the arrival (tick {t})");
                p.at(line, &cols(Role::FromTime), why);
                return None;
            }
            Err(why) => {
                p.at(line, &cols(Role::FromTime), why);
                return None;
            }
        },
        (None, None) => return None,
    };
    let d = deadline_offset?;
    if offset > d {
        let why = format!(
            "the from-time ({offset} ticks after the arrival) is after the till-time, the deadline ({d} ticks after it)"
        );
        p.at(line, &cols(Role::FromTime), why);
        return None;
    }
    Some(offset)
}

#[cfg(test)]
mod tests {
    #[test]
    fn integers_read_as_the_standard_parser_reads_them() {
        for s in [
            "0",
            "7",
            "-7",
            "+7",
            "00012",
            "-0",
            "9223372036854775807",
            "-9223372036854775808",
            "9223372036854775808",
            "-9223372036854775809",
            "",
            "-",
            "+",
            "1.5",
            "1e3",
            " 1",
            "1 ",
            "--1",
            "+-1",
            "12a",
            "٣",
            "99999999999999999999999",
        ] {
            assert_eq!(super::parse_i64(s), s.parse::<i64>().ok(), "{s:?}");
        }
    }
}
