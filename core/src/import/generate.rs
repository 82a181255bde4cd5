//! A realistic synthetic payments file (`payment-sim generate`; `docs/model.md` § Payment
//! files, *Synthetic files*) and a scenario that replays it: deterministic from a seed.
//!
//! - Participant activity is heavy-tailed: participant `k` (0-based, by size) sends and
//!   receives with weight `1 / (k + 1)` (Zipf), so a few large banks carry most payments.
//! - Amounts are log-normal (median 5,000.00, σ = 2: the largest payments are thousands of
//!   times the median), whole cents, at least 1.00.
//! - Intraday pattern: 45 % of payments come in a morning wave after the opening
//!   (`Beta(1.5, 6)` over the session), 35 % spread evenly, 20 % in a wave before the closing
//!   (`Beta(6, 1.5)`).
//!
//! Each business day's payments are generated, sorted by time and written before the next
//! day's: memory is one day. The scenario's balances give each participant `liquidity` × its
//! mean daily value sent (the generator knows it: it drew the payments).

use std::io::{self, Write};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::weighted::WeightedIndex;
use rand_distr::{Beta, Distribution, LogNormal};

use super::time::{civil, TimeMapping};
use crate::error::{Problem, SimError};

const DAY: i64 = 86_400;

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct Synthetic {
    /// Participants (`P001`, `P002`, …), at least 2.
    pub participants: usize,
    /// Business days (consecutive calendar days from `start_date`), at least 1.
    pub days: u64,
    /// Payments per business day, at least 1.
    pub per_day: u64,
    /// The random seed.
    pub seed: u64,
    /// Opening and closing, seconds after midnight (closing ≤ opening crosses midnight).
    pub opening: i64,
    /// See `opening`.
    pub closing: i64,
    /// Day 0's date (days since 1970-01-01).
    pub start_date: i64,
    /// Ticks per business day of the scenario.
    pub ticks_per_day: u64,
    /// Opening balances as a multiple of each participant's mean daily value sent (≥ 0).
    pub liquidity: f64,
}

impl Default for Synthetic {
    fn default() -> Self {
        Synthetic {
            participants: 50,
            days: 1,
            per_day: 50_000,
            seed: 1,
            opening: 7 * 3600,
            closing: 18 * 3600,
            start_date: super::time::parse_date("2026-03-02").expect("a date"),
            ticks_per_day: 132,
            liquidity: 0.2,
        }
    }
}

/// What was generated: per participant, the value it sent over all days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// Payments written.
    pub payments: u64,
    /// Per participant (in order), cents sent.
    pub sent: Vec<i128>,
}

impl Synthetic {
    /// Every problem of the parameters, each at its name.
    pub fn check(&self) -> Result<(), SimError> {
        let mut p = Vec::new();
        let mut need = |ok: bool, path: &str, what: String| {
            if !ok {
                p.push(Problem::new(path, format!("{path} {what}")));
            }
        };
        need(
            (2..=9_999).contains(&self.participants),
            "participants",
            format!("must be between 2 and 9999 (got {})", self.participants),
        );
        need(
            self.days >= 1,
            "days",
            format!("must be ≥ 1 (got {})", self.days),
        );
        need(
            self.per_day >= 1,
            "per_day",
            format!("must be ≥ 1 (got {})", self.per_day),
        );
        need(
            self.ticks_per_day >= 1,
            "ticks_per_day",
            format!("must be ≥ 1 (got {})", self.ticks_per_day),
        );
        need(
            self.liquidity.is_finite() && self.liquidity >= 0.0,
            "liquidity",
            format!("must be finite and ≥ 0 (got {})", self.liquidity),
        );
        if p.is_empty() {
            Ok(())
        } else {
            Err(SimError::InvalidConfig(p))
        }
    }

    fn session(&self) -> i64 {
        TimeMapping {
            opening: self.opening,
            closing: self.closing,
            tick_seconds: None,
            start_date: None,
        }
        .session_len()
    }

    /// The participants' ids.
    pub fn ids(&self) -> Vec<String> {
        (1..=self.participants)
            .map(|k| format!("P{k:03}"))
            .collect()
    }

    /// Write the payments as CSV (`id,time,sender,receiver,amount`), a day at a time.
    pub fn write_payments<W: Write>(&self, mut out: W) -> io::Result<Generated> {
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        let ids = self.ids();
        let weights: Vec<f64> = (0..self.participants)
            .map(|k| 1.0 / (k as f64 + 1.0))
            .collect();
        let pick = WeightedIndex::new(&weights).expect("positive weights");
        let amount = LogNormal::new((500_000f64).ln(), 2.0).expect("valid");
        let morning = Beta::new(1.5, 6.0).expect("valid");
        let evening = Beta::new(6.0, 1.5).expect("valid");
        let session = self.session() as f64;
        let mut sent = vec![0i128; self.participants];
        let mut day: Vec<(i64, usize, usize, i64)> = Vec::with_capacity(self.per_day as usize);
        writeln!(out, "id,time,sender,receiver,amount")?;
        for d in 0..self.days {
            day.clear();
            for _ in 0..self.per_day {
                let s = pick.sample(&mut rng);
                let mut r = pick.sample(&mut rng);
                while r == s {
                    r = pick.sample(&mut rng);
                }
                let a = (amount.sample(&mut rng) as i64).clamp(100, 1_000_000_000_000);
                let wave: f64 = rng.random();
                let u = if wave < 0.45 {
                    morning.sample(&mut rng)
                } else if wave < 0.80 {
                    rng.random::<f64>()
                } else {
                    evening.sample(&mut rng)
                };
                let secs = ((u * session) as i64).min(self.session() - 1);
                day.push((secs, s, r, a));
                sent[s] += a as i128;
            }
            day.sort_by_key(|p| p.0);
            for (k, &(secs, s, r, a)) in day.iter().enumerate() {
                let at = self.opening + secs;
                let date = self.start_date + d as i64 + at.div_euclid(DAY);
                let t = at.rem_euclid(DAY);
                writeln!(
                    out,
                    "D{}-{:06},{} {:02}:{:02}:{:02},{},{},{a}",
                    d + 1,
                    k + 1,
                    civil(date),
                    t / 3600,
                    t / 60 % 60,
                    t % 60,
                    ids[s],
                    ids[r],
                )?;
            }
        }
        out.flush()?;
        Ok(Generated {
            payments: self.days * self.per_day,
            sent,
        })
    }

    /// A scenario (YAML) replaying the generated file: the participants with balances of
    /// `liquidity` × mean daily value sent, Fifo, the business day's ticks.
    pub fn scenario_yaml(&self, generated: &Generated, payments_file: &str) -> String {
        let hhmm = |s: i64| format!("{:02}:{:02}", s / 3600, s / 60 % 60);
        let mut y = format!(
            "# Generated by payment-sim generate (seed {}): {} participants, {} day(s) × {} payments.\n\
             # payment-sim run THIS.yaml --payments {payments_file} --business-day {}-{} --results results.csv\n\
             simulation: {{ticks_per_day: {}, num_days: {}, seed: {}}}\nagents:\n",
            self.seed,
            self.participants,
            self.days,
            self.per_day,
            hhmm(self.opening),
            hhmm(self.closing),
            self.ticks_per_day,
            self.days,
            self.seed,
        );
        for (id, sent) in self.ids().iter().zip(&generated.sent) {
            let daily = *sent as f64 / self.days as f64;
            let balance = (self.liquidity * daily).ceil() as i64;
            y.push_str(&format!(
                "  - {{id: {id}, balance: {balance}, policy: {{type: Fifo}}}}\n"
            ));
        }
        y
    }
}
