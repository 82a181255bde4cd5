//! The journal beside a state file, `STATE.submissions.jsonl`: one JSON object per append to
//! the simulation's schedule (see `appends`), in the order they were made — a submission,
//! `{"tick":0,"sender":"A","receiver":"B","amount":500,"deadline_offset":50,"priority":5,"tx":"T1"}`,
//! or actions appended with `payment-sim schedule`,
//! `{"tick":2,"scenario_events":[{"type":"outage",…}],"seq":3}` (`tick`: the ticks run when it
//! was made; `tx`: the id the simulation gave the submission, absent in journals written before
//! it was recorded; `seq`: the schedule's last sequence number after the append). The file keeps
//! its name from the time it held submissions only.
//!
//! **Keeping it consistent with the state file.** Both are written under the state file's
//! exclusive lock, so commands never interleave. Within one `submit` the journal line is
//! written (and flushed to disk) *before* the state file is replaced (atomically), so the
//! journal is never behind the state. If the state cannot be saved, the line is taken back.
//! If the process dies between the two writes (a crash, `kill -9`), the journal is one line
//! ahead: that line's `tx` is not below the state's `next_tx_seq` (the id the simulation
//! would give next), or its `seq` is above the state's `schedule.last_seq`, so it was never
//! part of the state. The next command that changes the
//! state removes such a line (and a line torn by a crash mid-write) before it does anything
//! else, and `export` leaves it out; both say so on stderr.

use std::fs::{self, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use payment_sim_core::ScenarioEvent;

use crate::appends::{Append, RecordedSchedule, RecordedSubmission};
use crate::error::{CliError, CliResult};
use crate::json_depth;

/// The journal beside a state file.
pub fn path(state: &Path) -> PathBuf {
    let mut name = state.as_os_str().to_os_string();
    name.push(".submissions.jsonl");
    PathBuf::from(name)
}

/// A submission line of the journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    tick: u64,
    sender: String,
    receiver: String,
    amount: i64,
    deadline_offset: i64,
    priority: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tx: Option<String>,
    /// Ticks to its from-time (absent: none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    from_offset: Option<i64>,
}

/// A line of actions appended with `payment-sim schedule`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScheduleLine {
    tick: u64,
    scenario_events: Vec<ScenarioEvent>,
    /// The schedule's last sequence number once they were appended.
    seq: u64,
}

/// One line: read by its keys, as an append is (a line with `scenario_events` is actions).
#[derive(Debug, Clone, PartialEq)]
enum Entry {
    Submission(Line),
    Schedule(ScheduleLine),
}

impl Entry {
    fn parse(text: &str) -> serde_json::Result<Self> {
        // Parsed again as its kind, so that messages keep their line and column.
        let actions = serde_json::from_str::<serde_json::Value>(text)
            .is_ok_and(|v| v.get("scenario_events").is_some());
        if actions {
            serde_json::from_str(text).map(Entry::Schedule)
        } else {
            serde_json::from_str(text).map(Entry::Submission)
        }
    }

    fn append(self) -> Append {
        match self {
            Entry::Submission(line) => Append::Submission(RecordedSubmission {
                tick: line.tick,
                sender: line.sender,
                receiver: line.receiver,
                amount: line.amount,
                deadline_offset: line.deadline_offset,
                priority: line.priority,
                from_offset: line.from_offset,
            }),
            Entry::Schedule(line) => Append::Schedule(RecordedSchedule {
                tick: line.tick,
                scenario_events: line.scenario_events,
            }),
        }
    }

    /// Whether the state (with `counters`) holds this append.
    fn in_state(&self, counters: Option<Counters>) -> bool {
        match (self, counters) {
            (Entry::Submission(line), Some(c)) => line
                .tx
                .as_deref()
                .and_then(order_seq)
                .is_none_or(|seq| seq < c.next_tx_seq),
            (Entry::Schedule(line), Some(c)) => line.seq <= c.last_seq(),
            // States whose counters cannot be read are trusted.
            (_, None) => true,
        }
    }
}

/// `T12` → 12 (order ids; split parts `T12.3` are never journalled).
fn order_seq(tx: &str) -> Option<u64> {
    tx.strip_prefix('T')?.parse().ok()
}

/// The state's counters (documented fields of the snapshot format): `next_tx_seq`, and
/// `schedule.last_seq` (the schedule is absent when nothing was ever scheduled).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
struct Counters {
    next_tx_seq: u64,
    #[serde(default)]
    schedule: Option<ScheduleCounter>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
struct ScheduleCounter {
    last_seq: u64,
}

impl Counters {
    fn read(state_text: &str) -> Option<Self> {
        serde_json::from_str(state_text).ok()
    }

    fn last_seq(&self) -> u64 {
        self.schedule.map_or(0, |s| s.last_seq)
    }
}

/// The schedule's last sequence number in a state file's text (0 when nothing was ever
/// scheduled; `None` when it cannot be read).
pub fn last_seq(state_text: &str) -> Option<u64> {
    Counters::read(state_text).map(|c| c.last_seq())
}

/// Start an empty journal (with a new state file).
pub fn reset(state: &Path) -> CliResult {
    let path = path(state);
    crate::files::write_via(&path, &crate::session::partial(&path), b"")
}

/// Remove the journal (before a new state file replaces the old one, so that a crash in
/// between leaves no journal rather than a stale one: `export` then refuses clearly).
pub fn remove(state: &Path) -> CliResult {
    let path = path(state);
    match fs::remove_file(&path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(CliError::write(&path, &e)),
        _ => Ok(()),
    }
}

/// Where the usable part of a journal ends, and why the rest (its last line) is not usable.
fn usable(
    text: &str,
    counters: impl FnOnce() -> Option<Counters>,
) -> (usize, Option<&'static str>) {
    let body = text.strip_suffix('\n').unwrap_or(text);
    if body.trim().is_empty() {
        return (text.len(), None);
    }
    let start = body.rfind('\n').map_or(0, |n| n + 1);
    match Entry::parse(&body[start..]) {
        Ok(entry) if !entry.in_state(counters()) => (
            start,
            Some(match entry {
                Entry::Submission(_) => "a submit was interrupted before it saved the state file",
                Entry::Schedule(_) => "a schedule was interrupted before it saved the state file",
            }),
        ),
        Err(_) if !text.ends_with('\n') => (
            start,
            Some("it was cut short by a crash while it was being written"),
        ),
        _ => (text.len(), None),
    }
}

fn dropped_note(path: &Path, text: &str, end: usize, why: &str) {
    let line = text[..end].matches('\n').count() + 1;
    eprintln!(
        "warning: {} line {line} is not part of the simulation ({why}); it is left out",
        path.display()
    );
}

/// Remove an unsaved last line (see the module docs); called under the exclusive lock by
/// every command that changes the state, before it changes anything. A journal that cannot
/// be read is left for `export` to report.
pub fn repair(state: &Path, state_text: &str) -> CliResult {
    let path = path(state);
    let Ok(text) = fs::read_to_string(&path) else {
        return Ok(());
    };
    let (end, why) = usable(&text, || Counters::read(state_text));
    if let Some(why) = why {
        dropped_note(&path, &text, end, why);
        truncate(&path, end as u64)?;
    }
    Ok(())
}

fn truncate(path: &Path, len: u64) -> CliResult {
    OpenOptions::new()
        .write(true)
        .open(path)
        .and_then(|f| f.set_len(len).and_then(|()| f.sync_all()))
        .map_err(|e| CliError::write(path, &e))
}

/// A line written to the journal, to take back if the state cannot be saved.
#[must_use]
pub struct Appended {
    path: PathBuf,
    previous_len: u64,
}

impl Appended {
    /// Take the line back.
    pub fn undo(self) {
        let _ = truncate(&self.path, self.previous_len);
    }
}

/// Append one submission (with the id it got) and flush it to disk.
pub fn append(state: &Path, entry: &RecordedSubmission, tx: &str) -> CliResult<Appended> {
    let line = Line {
        tick: entry.tick,
        sender: entry.sender.clone(),
        receiver: entry.receiver.clone(),
        amount: entry.amount,
        deadline_offset: entry.deadline_offset,
        priority: entry.priority,
        tx: Some(tx.to_string()),
        from_offset: entry.from_offset,
    };
    write_line(state, &serde_json::to_string(&line).unwrap_or_default())
}

/// Append actions appended to the schedule at `tick` (the schedule's last sequence number
/// then being `seq`) and flush them to disk.
pub fn append_schedule(
    state: &Path,
    tick: u64,
    scenario_events: &[ScenarioEvent],
    seq: u64,
) -> CliResult<Appended> {
    let line = ScheduleLine {
        tick,
        scenario_events: scenario_events.to_vec(),
        seq,
    };
    write_line(state, &serde_json::to_string(&line).unwrap_or_default())
}

fn write_line(state: &Path, line: &str) -> CliResult<Appended> {
    let path = path(state);
    let mut file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(|e| CliError::write(&path, &e))?;
    let previous_len = file
        .metadata()
        .map_err(|e| CliError::write(&path, &e))?
        .len();
    let mut text = String::new();
    // A journal edited by hand may lack its final newline.
    if previous_len > 0 && !ends_with_newline(&path) {
        text.push('\n');
    }
    text.push_str(line);
    text.push('\n');
    let appended = Appended { path, previous_len };
    if let Err(e) = file
        .write_all(text.as_bytes())
        .and_then(|()| file.sync_data())
    {
        let err = CliError::write(&appended.path, &e);
        appended.undo();
        return Err(err);
    }
    Ok(appended)
}

fn ends_with_newline(path: &Path) -> bool {
    let mut last = [0u8];
    fs::File::open(path)
        .and_then(|mut f| {
            f.seek(SeekFrom::End(-1))?;
            f.read_exact(&mut last)
        })
        .is_ok_and(|()| last[0] == b'\n')
}

/// Read the journal of a state file (whose text is `state_text`): every append the state
/// holds, in order.
pub fn read(state: &Path, state_text: &str) -> CliResult<Vec<Append>> {
    let path = path(state);
    let text = match crate::files::read_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(CliError::input(format!(
                "{} has no submission journal ({}); only state files written by `payment-sim create` or `run --save-state` can be exported",
                state.display(),
                path.display()
            )))
        }
        Err(e) => return Err(CliError::read(&path, &e)),
    };
    if let Err(deep) = json_depth::check(&text) {
        return Err(CliError::input(format!(
            "{} is not a valid submission journal: {}",
            path.display(),
            deep.message()
        )));
    }
    let (end, why) = usable(&text, || Counters::read(state_text));
    if let Some(why) = why {
        dropped_note(&path, &text, end, why);
    }
    text[..end]
        .lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| {
            Entry::parse(line)
                .map(Entry::append)
                .map_err(|e| CliError::input(format!("{} line {}: {e}", path.display(), i + 1)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const LINE: &str =
        r#"{"tick":0,"sender":"A","receiver":"B","amount":5,"deadline_offset":2,"priority":5"#;

    fn tx(next_tx_seq: u64) -> Option<Counters> {
        Some(Counters {
            next_tx_seq,
            schedule: None,
        })
    }

    fn line(tx: Option<&str>) -> String {
        match tx {
            Some(tx) => format!("{LINE},\"tx\":\"{tx}\"}}\n"),
            None => format!("{LINE}}}\n"),
        }
    }

    #[test]
    fn only_lines_the_state_holds_are_usable() {
        let two = format!("{}{}", line(Some("T1")), line(Some("T4")));
        assert_eq!(usable(&two, || tx(5)), (two.len(), None));
        let (end, why) = usable(&two, || tx(4));
        assert_eq!(&two[..end], line(Some("T1")));
        assert!(why.unwrap().contains("interrupted"));
        // Old journals (no ids) and unreadable counters are trusted.
        let old = format!("{}{}", line(None), line(None));
        assert_eq!(usable(&old, || tx(1)), (old.len(), None));
        assert_eq!(usable(&two, || None), (two.len(), None));
        // A torn last line (no newline, not JSON) is dropped; a bad line with its newline is
        // left for the reader to report.
        let torn = format!("{}{{\"tick\":0,\"sen", line(Some("T1")));
        assert_eq!(usable(&torn, || tx(2)).0, line(Some("T1")).len());
        let bad = format!("{}nonsense\n", line(Some("T1")));
        assert_eq!(usable(&bad, || tx(2)), (bad.len(), None));
        assert_eq!(usable("", || tx(1)), (0, None));
        assert_eq!(usable("\n\n", || tx(1)), (2, None));
    }

    #[test]
    fn ids_and_counters() {
        assert_eq!(order_seq("T12"), Some(12));
        assert_eq!(order_seq("T12.3"), None);
        assert_eq!(order_seq("12"), None);
        let c = Counters::read(r#"{"schema_version":2,"next_tx_seq":7,"x":[1]}"#).unwrap();
        assert_eq!((c.next_tx_seq, c.last_seq()), (7, 0));
        let c = Counters::read(r#"{"next_tx_seq":7,"schedule":{"last_seq":3,"pending":[]}}"#);
        assert_eq!(c.map(|c| c.last_seq()), Some(3));
        assert_eq!(Counters::read("[]"), None);
    }

    #[test]
    fn a_schedule_line_is_usable_once_the_state_holds_its_sequence_number() {
        let sched = "{\"tick\":2,\"scenario_events\":[{\"type\":\"liquidity\",\"agent\":\"A\",\"tick\":3,\"amount\":5}],\"seq\":4}\n";
        let text = format!("{}{sched}", line(Some("T1")));
        let at = |last_seq| {
            move || {
                Some(Counters {
                    next_tx_seq: 2,
                    schedule: Some(ScheduleCounter { last_seq }),
                })
            }
        };
        assert_eq!(usable(&text, at(4)), (text.len(), None));
        let (end, why) = usable(&text, at(3));
        assert_eq!(&text[..end], line(Some("T1")));
        assert!(why.unwrap().contains("a schedule was interrupted"));
        // A state that never scheduled anything holds no schedule line.
        assert_eq!(usable(&text, || tx(2)).0, line(Some("T1")).len());
        let appends: Vec<Append> = text
            .lines()
            .map(|l| Entry::parse(l).unwrap().append())
            .collect();
        assert_eq!(appends[1].actions(), 1);
    }
}
