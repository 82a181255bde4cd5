//! The feed: a payment file read one business day at a time as the simulation reaches that
//! day. A day's rows are all checked before any of them is appended to the schedule, so a
//! bad row stops the run before its day with the simulation as it was; memory holds one
//! day's rows, never the file.

use std::io::Read;

use super::options::{ImportOptions, OnInvalid, OnOutside};
use super::outcomes::Outcomes;
use super::problems::{ImportError, Problems};
use super::rejects::{Reject, RejectKind};
use super::rows::{Role, Rows};
use super::time::TimeMapping;
use super::validate::{check, name_index, Checked, Context, NameIndex, Payment};
use crate::engine::Simulation;
use crate::schedule::entry::{Effect, Entry};
use crate::schedule::Phase;

/// Counts of a feed so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedStats {
    /// Rows read (header excluded, blank JSON lines excluded).
    pub rows: u64,
    /// Payments appended to the schedule.
    pub payments: u64,
    /// Rows skipped as outside the simulated time (`OnOutside::Skip`).
    pub skipped: u64,
    /// Rows skipped as breaking a rule (`OnInvalid::Skip`).
    pub rejected: u64,
    /// Chunks (business days) applied.
    pub chunks: u64,
    /// The most payments one chunk held.
    pub largest_chunk: u64,
}

/// A payment file being fed to a simulation.
pub struct PaymentFeed<R: Read> {
    file: String,
    rows: Rows<R>,
    opts: ImportOptions,
    /// A checked payment of a later day than the last chunk, read ahead.
    ahead: Option<Payment>,
    /// The problems of a bad row of a later day than the last chunk, read ahead (they
    /// reject that later chunk, not the one being read).
    ahead_bad: Option<(u64, (usize, Vec<crate::error::Problem>))>,
    /// Where the row of `ahead` or `ahead_bad` starts (byte, line): a snapshot resumes there.
    ahead_at: Option<(u64, u64)>,
    next_tag: u64,
    start_date: Option<i64>,
    /// The last business day loaded.
    loaded: Option<u64>,
    at_end: bool,
    stats: FeedStats,
    /// The first skip's reason, for the report.
    first_skip: Option<String>,
    /// The first invalid row skipped and why, for the report.
    first_reject: Option<String>,
    /// Rows skipped and not yet taken (`take_rejects`): at most the chunks read since.
    rejects: Vec<Reject>,
    /// The simulation's ticks per day (set when a chunk is read).
    ticks_per_day: u64,
    /// The simulation's agents by name (built at the first chunk).
    names: Option<NameIndex>,
}

impl<R: Read> PaymentFeed<R> {
    /// Open a payment file (`file` names it in problems). A CSV header is checked at once.
    pub fn open(reader: R, file: &str, opts: ImportOptions) -> Result<Self, ImportError> {
        let mut p = Problems::new(file);
        let rows = Rows::open(reader, &opts, &mut p);
        p.take()?;
        let rows = rows.expect("no problem, so a reader");
        if rows.has_ticks == Some(false) && opts.time.is_none() {
            let mut p = Problems::new(file);
            p.at(
                1,
                &opts.columns.time,
                "the file has times: give the business day (opening and closing) to map them to ticks"
                    .into(),
            );
            p.take()?;
        }
        Ok(PaymentFeed {
            file: file.to_string(),
            start_date: opts.time.as_ref().and_then(|t| t.start_date),
            rows,
            opts,
            ahead: None,
            ahead_bad: None,
            ahead_at: None,
            next_tag: 0,
            loaded: None,
            at_end: false,
            stats: FeedStats::default(),
            first_skip: None,
            first_reject: None,
            rejects: Vec::new(),
            ticks_per_day: 1,
            names: None,
        })
    }

    /// The counts so far.
    pub fn stats(&self) -> FeedStats {
        self.stats
    }

    /// The first skipped row's reason, if any was skipped.
    pub fn first_skip(&self) -> Option<&str> {
        self.first_skip.as_deref()
    }

    /// The first invalid row skipped and why, if any was.
    pub fn first_reject(&self) -> Option<&str> {
        self.first_reject.as_deref()
    }

    /// The rows skipped since the last call, in file order within each chunk (for a rejects
    /// file: take them after each load, so that they never pile up).
    pub fn take_rejects(&mut self) -> Vec<Reject> {
        std::mem::take(&mut self.rejects)
    }

    /// Whether every row has been read.
    pub fn is_exhausted(&self) -> bool {
        self.at_end && self.ahead.is_none() && self.ahead_bad.is_none()
    }

    /// The time mapping and day 0's date, once known.
    pub fn clock(&self) -> Option<(TimeMapping, i64)> {
        Some((self.opts.time.clone()?, self.start_date?))
    }

    /// The extra columns' names (known after the header or the first JSON line).
    pub fn extra_names(&self) -> &[String] {
        &self.rows.extra_names
    }

    /// Load the payments of the simulation's current day (once per day): read every row up
    /// to the first of a later day, check them all, then append them all — or none, with
    /// every problem. `outcomes` learns each payment's id and carried columns.
    pub fn load_current_day(
        &mut self,
        sim: &mut Simulation,
        outcomes: Option<&mut Outcomes>,
    ) -> Result<(), ImportError> {
        let day = sim.current_day();
        if self.loaded.is_some_and(|d| d >= day) {
            return Ok(());
        }
        let last_day = if sim.is_finished() { u64::MAX } else { day };
        let chunk = self.read_chunk(sim, last_day)?;
        self.loaded = Some(day);
        self.stats.chunks += 1;
        self.stats.payments += chunk.len() as u64;
        self.stats.largest_chunk = self.stats.largest_chunk.max(chunk.len() as u64);
        sim.schedule.insert_payments(
            chunk
                .iter()
                .map(|p| (p.tick, payment_entry(p, Some(p.tag)))),
        );
        if let Some(o) = outcomes {
            o.expect(chunk);
        }
        sim.join_due_payments();
        Ok(())
    }

    /// Read and check the whole file and append every payment to the schedule at once — or
    /// none, with every problem (duplicate ids are still checked per business day). For a
    /// bounded upload (REST): memory holds the whole file. The payments carry no result tag.
    /// Returns how many were scheduled.
    pub fn schedule_all(&mut self, sim: &mut Simulation) -> Result<u64, ImportError> {
        let chunk = self.read_chunk(sim, u64::MAX)?;
        self.stats.chunks += 1;
        self.stats.payments += chunk.len() as u64;
        self.stats.largest_chunk = self.stats.largest_chunk.max(chunk.len() as u64);
        sim.schedule
            .insert_payments(chunk.iter().map(|p| (p.tick, payment_entry(p, None))));
        sim.join_due_payments();
        Ok(chunk.len() as u64)
    }

    /// Check the rest of the file (after the horizon: every row is outside, an error or a
    /// skip).
    pub fn finish(&mut self, sim: &Simulation) -> Result<(), ImportError> {
        let chunk = self.read_chunk(sim, u64::MAX)?;
        debug_assert!(chunk.is_empty(), "after the horizon every row is outside");
        Ok(())
    }

    /// Read and check the rows up to the first of a day after `last_day`.
    fn read_chunk(&mut self, sim: &Simulation, last_day: u64) -> Result<Vec<Payment>, ImportError> {
        let tpd = sim.ticks_per_day;
        self.ticks_per_day = tpd;
        let mut p = Problems::new(&self.file);
        // Days are alike in size: the largest so far saves the growth copies of a big day
        // (the profile showed memmove of the checked rows at a tenth of the load time).
        let mut chunk = Vec::with_capacity(self.stats.largest_chunk as usize);
        let accept = |pay: Payment, _: &mut Problems, chunk: &mut Vec<Payment>| chunk.push(pay);
        if let Some((day, problems)) = self.ahead_bad.take() {
            if day > last_day {
                self.ahead_bad = Some((day, problems));
                return Ok(chunk);
            }
            self.ahead_at = None;
            p.extend(problems);
        } else if let Some(pay) = self.ahead.take() {
            if pay.tick / tpd > last_day {
                self.ahead = Some(pay);
                return Ok(chunk);
            }
            self.ahead_at = None;
            accept(pay, &mut p, &mut chunk);
        }
        let columns = self.opts.columns.clone();
        let cols = |r: Role| r.name(&columns).to_string();
        // A row that will be skipped if it breaks a rule is checked against its own,
        // capturing problems; otherwise against the chunk's.
        let skip_invalid = self.opts.on_invalid == OnInvalid::Skip;
        let mut row_p = Problems::capturing(&self.file);
        let mut rejects = Vec::new();
        let names = self.names.take().unwrap_or_else(|| name_index(&sim.index));
        while !self.at_end {
            let tag = self.next_tag;
            let target = if skip_invalid { &mut row_p } else { &mut p };
            let row = match self.rows.next_row(target) {
                Ok(Some(row)) => row,
                Ok(None) => {
                    self.at_end = true;
                    break;
                }
                Err(go_on) => {
                    self.stats.rows += 1;
                    if skip_invalid && go_on {
                        if let Some((line, reason)) = row_p.take_captured() {
                            self.reject(&mut rejects, line, None, reason);
                        }
                        continue;
                    }
                    row_p.move_captured(&mut p);
                    if go_on {
                        continue;
                    }
                    self.at_end = true;
                    break;
                }
            };
            self.stats.rows += 1;
            self.next_tag += 1;
            let line = row.line;
            let mark = p.mark();
            let mut ctx = Context {
                index: &names,
                ticks_per_day: tpd,
                horizon: sim.horizon,
                now: sim.tick,
                time: self.opts.time.as_ref(),
                start_date: &mut self.start_date,
            };
            let target = if skip_invalid { &mut row_p } else { &mut p };
            match check(row, tag, &cols, &mut ctx, target) {
                Checked::Payment(pay) if pay.tick / tpd > last_day => {
                    self.ahead = Some(pay);
                    self.ahead_at = Some(self.rows.last_at);
                    break;
                }
                Checked::Payment(pay) => accept(pay, &mut p, &mut chunk),
                Checked::Outside(why, id) => match self.opts.on_outside {
                    OnOutside::Error => p.at(
                        line,
                        "",
                        format!("{why} (skip such payments with the option to skip them)"),
                    ),
                    OnOutside::Skip => {
                        self.stats.skipped += 1;
                        if self.first_skip.is_none() {
                            self.first_skip = Some(format!("{} line {line}: {why}", self.file));
                        }
                        rejects.push(Reject {
                            line,
                            id,
                            kind: RejectKind::Outside,
                            reason: why,
                        });
                    }
                },
                Checked::Bad(_, id) if skip_invalid => {
                    let (_, reason) = row_p.take_captured().unwrap_or_default();
                    self.reject(&mut rejects, line, id, reason);
                }
                Checked::Bad(Some(t), _) if t / tpd > last_day => {
                    self.ahead_bad = Some((t / tpd, p.split_off(mark)));
                    self.ahead_at = Some(self.rows.last_at);
                    break;
                }
                Checked::Bad(..) => {}
            }
        }
        self.names = Some(names);
        let dups = self.duplicates(&chunk);
        if skip_invalid && !dups.is_empty() {
            let mut drop = vec![false; chunk.len()];
            for &k in &dups {
                drop[k] = true;
                let d = &chunk[k];
                let reason = self.duplicate_reason(d.carried.id());
                self.reject(&mut rejects, d.line, Some(d.carried.id_string()), reason);
            }
            let mut k = 0;
            chunk.retain(|_| {
                k += 1;
                !drop[k - 1]
            });
        } else {
            for &k in &dups {
                let d = &chunk[k];
                p.at(
                    d.line,
                    &self.opts.columns.id,
                    self.duplicate_reason(d.carried.id()),
                );
            }
        }
        p.into_result()?;
        rejects.sort_by_key(|r| r.line);
        self.rejects.append(&mut rejects);
        Ok(chunk)
    }

    /// Count an invalid row skipped and keep it for the rejects.
    fn reject(&mut self, rejects: &mut Vec<Reject>, line: u64, id: Option<String>, reason: String) {
        self.stats.rejected += 1;
        if self.first_reject.is_none() {
            self.first_reject = Some(format!("{} line {line}: {reason}", self.file));
        }
        rejects.push(Reject {
            line,
            id,
            kind: RejectKind::Invalid,
            reason,
        });
    }

    fn duplicate_reason(&self, id: &str) -> String {
        let reason = format!("duplicate payment id {id:?} within one business day");
        if self.opts.on_invalid == OnInvalid::Skip {
            format!("column {:?}: {reason}", self.opts.columns.id)
        } else {
            reason
        }
    }

    /// Duplicate ids within the chunk (one business day): the indices of every second and
    /// later occurrence, in line order. Sorting indices rather than hashing copies of the
    /// ids: no allocation per row.
    fn duplicates(&self, chunk: &[Payment]) -> Vec<usize> {
        // Keyed by (business day, id): a chunk is one day, except in `schedule_all`. Sorted
        // by (day, a hash of the id, index) — integers only (sorting by the ids themselves was
        // a sixth of a load) — and then, within a run of equal (day, hash), the ids compared:
        // a row is a duplicate when an earlier row of its run has its id.
        use std::hash::{BuildHasher, BuildHasherDefault};
        let hasher = BuildHasherDefault::<super::validate::Fnv>::default();
        let tpd = self.ticks_per_day.max(1);
        let mut keys: Vec<(u64, u64, u32)> = chunk
            .iter()
            .enumerate()
            .map(|(k, p)| (p.tick / tpd, hasher.hash_one(p.carried.id()), k as u32))
            .collect();
        keys.sort_unstable();
        let mut dups = Vec::new();
        let mut start = 0;
        for end in 1..=keys.len() {
            if end < keys.len() && (keys[end].0, keys[end].1) == (keys[start].0, keys[start].1) {
                continue;
            }
            for j in start + 1..end {
                let id = chunk[keys[j].2 as usize].carried.id();
                if keys[start..j]
                    .iter()
                    .any(|k| chunk[k.2 as usize].carried.id() == id)
                {
                    dups.push(keys[j].2 as usize);
                }
            }
            start = end;
        }
        dups.sort_by_key(|&k| chunk[k].line);
        dups
    }
}

impl<R: Read> PaymentFeed<R> {
    /// The feed as a snapshot keeps it: where reading resumes (`None`: at the end) and the
    /// counts before the row read ahead, which is read again on resume.
    pub(crate) fn saved(&self) -> Saved {
        let mut stats = self.stats;
        let mut next_tag = self.next_tag;
        let resume_at = match self.ahead_at {
            Some(at) => {
                stats.rows -= 1;
                next_tag -= 1;
                Some(at)
            }
            None if self.at_end => None,
            None => Some(self.rows.next_at()),
        };
        Saved {
            resume_at,
            next_tag,
            start_date: self.start_date,
            loaded: self.loaded,
            has_ticks: self.rows.has_ticks,
            extra_names: self.rows.extra_names.clone(),
            stats,
            first_skip: self.first_skip.clone(),
            first_reject: self.first_reject.clone(),
        }
    }
}

impl<R: Read + std::io::Seek> PaymentFeed<R> {
    /// Open `reader` (the file a snapshot names) and go on where `saved` says.
    pub(crate) fn resume(
        reader: R,
        file: &str,
        opts: ImportOptions,
        saved: Saved,
    ) -> Result<Self, ImportError> {
        let mut feed = PaymentFeed::open(reader, file, opts)?;
        match saved.resume_at {
            Some(at) => feed
                .rows
                .seek_to(at, saved.extra_names, saved.has_ticks)
                .map_err(|e| {
                    let mut p = Problems::new(file);
                    p.at(at.1, "", format!("cannot read on from line {}: {e}", at.1));
                    p.take().expect_err("a problem")
                })?,
            None => {
                feed.at_end = true;
                feed.rows.extra_names = saved.extra_names;
                feed.rows.has_ticks = saved.has_ticks;
            }
        }
        feed.next_tag = saved.next_tag;
        feed.start_date = saved.start_date;
        feed.loaded = saved.loaded;
        feed.stats = saved.stats;
        feed.first_skip = saved.first_skip;
        feed.first_reject = saved.first_reject;
        Ok(feed)
    }
}

/// What a snapshot keeps of a feed (see `state`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Saved {
    pub resume_at: Option<(u64, u64)>,
    pub next_tag: u64,
    pub start_date: Option<i64>,
    pub loaded: Option<u64>,
    pub has_ticks: Option<bool>,
    pub extra_names: Vec<String>,
    pub stats: FeedStats,
    pub first_skip: Option<String>,
    pub first_reject: Option<String>,
}

/// A checked payment as a schedule entry (`tag`: the handle of its result, if tracked).
fn payment_entry(p: &Payment, tag: Option<u64>) -> Entry {
    Entry {
        effect: Effect::Payment {
            sender: p.sender,
            receiver: p.receiver,
            amount: p.amount,
            deadline_offset: p.deadline_offset,
            priority: p.priority,
            from_offset: p.from_offset,
        },
        phase: Phase::Apply,
        window: None,
        repeat: None,
        tag,
    }
}
