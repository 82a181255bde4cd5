//! Timestamps as people record them, mapped to ticks (`docs/model.md` § Payment files). Pure
//! integer arithmetic on the wall clock as written: no time zones, no leap seconds, no
//! system clock, so the mapping is the same everywhere.

const DAY: i64 = 86_400;

/// A wall-clock instant: days since 1970-01-01 and seconds into that day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Stamp {
    /// Days since 1970-01-01 (proleptic Gregorian).
    pub date: i64,
    /// Seconds since midnight (fractions are truncated).
    pub secs: i64,
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day number, as `YYYY-MM-DD`.
pub fn civil(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

fn num(s: &str) -> Option<i64> {
    (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// Parse `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (y, m, d) = (num(&s[0..4])?, num(&s[5..7])?, num(&s[8..10])?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let len = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=12).contains(&m) || d < 1 || d > len[(m - 1) as usize] {
        return None;
    }
    Some(days_from_civil(y, m, d))
}

/// Parse `HH:MM[:SS[.fff]]` into seconds since midnight (`24:00` is not a time of day).
pub fn parse_clock(s: &str) -> Option<i64> {
    let (hm, frac) = match s.split_once('.') {
        Some((hm, f)) if num(f).is_some() => (hm, true),
        Some(_) => return None,
        None => (s, false),
    };
    let parts: Vec<&str> = hm.split(':').collect();
    let (h, m, sec) = match parts.as_slice() {
        [h, m] if !frac => (*h, *m, "0"),
        [h, m, s] => (*h, *m, *s),
        _ => return None,
    };
    if h.len() != 2 || m.len() != 2 || (parts.len() == 3 && sec.len() != 2) {
        return None;
    }
    let (h, m, sec) = (num(h)?, num(m)?, num(sec)?);
    (h < 24 && m < 60 && sec < 60).then_some(h * 3600 + m * 60 + sec)
}

/// Parse RFC 3339 (`2026-03-02T08:15:00Z`, `…+01:00`, fractions) or `YYYY-MM-DD HH:MM[:SS]`.
/// The wall clock as written is the time: an offset is checked and then ignored, so opening
/// hours read in the file's own local time.
pub fn parse_stamp(s: &str) -> Option<Stamp> {
    if s.len() < 16 {
        return None;
    }
    let date = parse_date(s.get(0..10)?)?;
    let sep = s.as_bytes()[10];
    if !matches!(sep, b'T' | b't' | b' ') {
        return None;
    }
    let rest = s.get(11..)?;
    let clock = if let Some(c) = rest.strip_suffix(['Z', 'z']) {
        c
    } else if let Some(i) = rest.rfind(['+', '-']) {
        let (c, off) = rest.split_at(i);
        let off = &off[1..];
        let ok = off.len() == 5
            && off.as_bytes()[2] == b':'
            && num(&off[0..2]).is_some_and(|h| h < 24)
            && num(&off[3..5]).is_some_and(|m| m < 60);
        if !ok {
            return None;
        }
        c
    } else {
        rest
    };
    Some(Stamp {
        date,
        secs: parse_clock(clock)?,
    })
}

/// The business day: opening and closing time (closing at or before opening crosses
/// midnight), the tick length, and the first business day (tick 0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeMapping {
    /// Opening, seconds after midnight.
    pub opening: i64,
    /// Closing, seconds after midnight (≤ opening: the next calendar day).
    pub closing: i64,
    /// Seconds per tick; `None`: the session divided into `ticks_per_day` equal ticks.
    pub tick_seconds: Option<i64>,
    /// The business day (named by its opening date) that is day 0; `None`: the first row's.
    pub start_date: Option<i64>,
}

/// Where a timestamp falls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placed {
    /// Business day (its opening date) and tick within the day.
    In {
        /// The business day's opening date (days since 1970-01-01).
        business_date: i64,
        /// The tick within that day.
        tick_of_day: u64,
    },
    /// Outside opening hours (or past the day's last tick).
    Closed,
}

impl TimeMapping {
    /// Parse `HH:MM-HH:MM` (opening–closing).
    pub fn parse_session(s: &str) -> Option<(i64, i64)> {
        let (o, c) = s.split_once('-')?;
        Some((parse_clock(o.trim())?, parse_clock(c.trim())?))
    }

    /// Seconds the business day is open.
    pub fn session_len(&self) -> i64 {
        if self.closing > self.opening {
            self.closing - self.opening
        } else {
            DAY - self.opening + self.closing
        }
    }

    /// Where `at` falls with `ticks_per_day` ticks a day.
    pub fn place(&self, at: Stamp, ticks_per_day: u64) -> Placed {
        let crossing = self.closing <= self.opening;
        let (business_date, delta) = if !crossing {
            if at.secs < self.opening || at.secs >= self.closing {
                return Placed::Closed;
            }
            (at.date, at.secs - self.opening)
        } else if at.secs >= self.opening {
            (at.date, at.secs - self.opening)
        } else if at.secs < self.closing {
            (at.date - 1, DAY - self.opening + at.secs)
        } else {
            return Placed::Closed;
        };
        let tick = match self.tick_seconds {
            Some(s) => (delta / s) as u64,
            None => ((delta as u128 * ticks_per_day as u128) / self.session_len() as u128) as u64,
        };
        if tick >= ticks_per_day {
            return Placed::Closed;
        }
        Placed::In {
            business_date,
            tick_of_day: tick,
        }
    }

    /// The wall-clock time at which tick `tick` starts, given the day-0 date.
    pub fn tick_start(&self, start_date: i64, tick: u64, ticks_per_day: u64) -> String {
        let day = (tick / ticks_per_day) as i64;
        let k = (tick % ticks_per_day) as i64;
        let offset = match self.tick_seconds {
            Some(s) => k * s,
            None => {
                ((k as i128 * self.session_len() as i128).div_euclid(ticks_per_day as i128)) as i64
            }
        };
        let total = self.opening + offset;
        let date = start_date + day + total.div_euclid(DAY);
        let s = total.rem_euclid(DAY);
        format!(
            "{}T{:02}:{:02}:{:02}",
            civil(date),
            s / 3600,
            (s / 60) % 60,
            s % 60
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Stamp {
        parse_stamp(s).unwrap()
    }

    #[test]
    fn stamps_parse_and_reject() {
        assert_eq!(at("1970-01-02 00:00"), Stamp { date: 1, secs: 0 });
        assert_eq!(
            at("2026-03-02T08:15:30.75+01:00").secs,
            8 * 3600 + 15 * 60 + 30
        );
        assert_eq!(civil(at("2024-02-29T23:59:59Z").date), "2024-02-29");
        for bad in [
            "2023-02-29 10:00",
            "2026-13-01 10:00",
            "2026-03-02 24:00",
            "2026-03-02X10:00",
            "2026-03-02 10:00+1",
            "yesterday",
        ] {
            assert_eq!(parse_stamp(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_session_across_midnight_belongs_to_its_opening_date() {
        // 19:30–18:00 (TARGET2-like), 45 ticks of 30 minutes.
        let m = TimeMapping {
            opening: 19 * 3600 + 1800,
            closing: 18 * 3600,
            tick_seconds: None,
            start_date: None,
        };
        let d = at("2026-03-02 00:00").date;
        assert_eq!(
            m.place(at("2026-03-02 19:30"), 45),
            Placed::In {
                business_date: d,
                tick_of_day: 0
            }
        );
        assert_eq!(
            m.place(at("2026-03-03 00:10"), 45),
            Placed::In {
                business_date: d,
                tick_of_day: 9
            }
        );
        assert_eq!(
            m.place(at("2026-03-03 17:59:59"), 45),
            Placed::In {
                business_date: d,
                tick_of_day: 44
            }
        );
        assert_eq!(m.place(at("2026-03-03 18:00"), 45), Placed::Closed);
        assert_eq!(m.place(at("2026-03-03 19:00"), 45), Placed::Closed);
        assert_eq!(m.tick_start(d, 45 + 9, 45), "2026-03-04T00:00:00");
    }
}
