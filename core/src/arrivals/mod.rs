//! Poisson arrivals of payment orders, one seeded stream per sending agent.
//!
//! | module | what |
//! |---|---|
//! | `alias` | Walker/Vose alias tables: O(1) receiver draws for networks |
//! | `network` | building every agent's stream: explicit weights, sizes or a flow matrix |
//! | `profile` | intraday bands: a rate factor and an optional amount distribution per band |

mod alias;
mod network;
mod profile;

use std::sync::Arc;

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_distr::weighted::WeightedIndex;
use rand_distr::{Distribution, LogNormal, Normal, Poisson};

use crate::config::{AmountDistribution, TimeCritical, MAX_GENERATED_AMOUNT};
use crate::transaction::AgentIdx;
pub(crate) use alias::AliasTable;
pub(crate) use network::{build_streams, expected_daily_outflow};
use profile::Profile;

/// Purpose tag of the arrival streams (part of the derived seed).
pub(crate) const ARRIVALS: &str = "arrivals";

#[derive(Debug, Clone)]
pub(crate) enum AmountSampler {
    Normal(Normal<f64>),
    LogNormal(LogNormal<f64>),
    Uniform { min: i64, max: i64 },
}

impl AmountSampler {
    /// The sampler of a validated distribution.
    pub fn new(d: &AmountDistribution) -> Result<Self, String> {
        Ok(match *d {
            AmountDistribution::Normal { mean, std_dev } => AmountSampler::Normal(
                Normal::new(mean, std_dev).map_err(|e| format!("distribution: {e}"))?,
            ),
            AmountDistribution::LogNormal {
                mean_log,
                std_dev_log,
            } => AmountSampler::LogNormal(
                LogNormal::new(mean_log, std_dev_log).map_err(|e| format!("distribution: {e}"))?,
            ),
            AmountDistribution::Uniform { min, max } => AmountSampler::Uniform { min, max },
        })
    }

    fn sample(&self, rng: &mut ChaCha8Rng) -> i64 {
        match self {
            AmountSampler::Normal(d) => to_cents(d.sample(rng)),
            AmountSampler::LogNormal(d) => to_cents(d.sample(rng)),
            AmountSampler::Uniform { min, max } => rng.random_range(*min..=*max).max(1),
        }
    }
}

/// One generated order, before it becomes a transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Draw {
    pub receiver: AgentIdx,
    pub amount: i64,
    pub deadline_offset: u64,
    pub priority: u8,
    /// Ticks to its from-time (0: none; `crate::rules::timed`).
    pub from_offset: u64,
}

/// How a stream picks receivers.
#[derive(Clone)]
pub(crate) enum Receivers {
    /// Explicit weights, cumulative sums searched (random-stream semantics 1; `model.md`).
    Weighted {
        ids: Vec<AgentIdx>,
        pick: WeightedIndex<f64>,
    },
    /// The sender's own alias table, its outcomes the receivers' indices
    /// ([`AliasTable::relabel`]).
    Table { table: AliasTable },
    /// Every agent in proportion to size (one table shared by all senders); a draw of the
    /// sender itself is drawn again.
    Shared {
        table: Arc<AliasTable>,
        me: AgentIdx,
    },
}

impl Receivers {
    /// Explicit weights, in the receivers' configuration order.
    pub fn weighted(receivers: &[(AgentIdx, f64)]) -> Result<Self, String> {
        let pick = WeightedIndex::new(receivers.iter().map(|r| r.1))
            .map_err(|e| format!("counterparty_weights: {e}"))?;
        Ok(Receivers::Weighted {
            ids: receivers.iter().map(|r| r.0).collect(),
            pick,
        })
    }

    fn draw(&self, rng: &mut ChaCha8Rng) -> AgentIdx {
        match self {
            Receivers::Weighted { ids, pick } => ids[pick.sample(rng)],
            Receivers::Table { table } => table.sample(rng.random()) as AgentIdx,
            Receivers::Shared { table, me } => loop {
                // The builder gives a sender its own table when it holds more than half of
                // the size, so this loop draws fewer than two times on average.
                let r = table.sample(rng.random()) as AgentIdx;
                if r != *me {
                    return r;
                }
            },
        }
    }
}

/// What a stream is built from (explicit `arrival_config` or the network).
pub(crate) struct StreamSpec<'a> {
    pub rate: f64,
    pub distribution: &'a AmountDistribution,
    pub receivers: Receivers,
    pub deadline_offset: i64,
    pub priority: i64,
    pub profile: &'a [crate::config::ProfileBand],
    pub time_critical: Option<&'a TimeCritical>,
    pub timed: Option<&'a crate::rules::TimedShare>,
}

/// The arrival process of one agent.
#[derive(Clone)]
pub(crate) struct ArrivalStream {
    rng: ChaCha8Rng,
    /// The rate in force (configured or scheduled): under a profile, the day's mean.
    rate: f64,
    /// `None` while the rate in force is 0 (nothing drawn, the stream stands still).
    count: Option<Poisson<f64>>,
    profile: Option<Profile>,
    receivers: Receivers,
    amount: AmountSampler,
    deadline_offset: u64,
    priority: u8,
    /// Share, deadline offset and priority of time-critical orders.
    urgent: Option<(f64, u64, u8)>,
    /// Share and from-time offset of timed orders.
    timed: Option<(f64, u64)>,
}

impl ArrivalStream {
    /// Build from a validated specification.
    pub fn new(spec: StreamSpec<'_>, ticks_per_day: u64, rng: ChaCha8Rng) -> Result<Self, String> {
        let count = Poisson::new(spec.rate).map_err(|e| format!("rate_per_tick: {e}"))?;
        let profile = Profile::new(spec.profile, ticks_per_day)?;
        let mut stream = ArrivalStream {
            rng,
            rate: spec.rate,
            count: Some(count),
            profile,
            receivers: spec.receivers,
            amount: AmountSampler::new(spec.distribution)?,
            deadline_offset: spec.deadline_offset as u64,
            priority: spec.priority as u8,
            urgent: spec
                .time_critical
                .map(|t| (t.share, t.deadline_offset as u64, t.priority as u8)),
            timed: spec.timed.map(|t| (t.share, t.from_offset as u64)),
        };
        if stream.profile.is_some() {
            stream.set_rate(spec.rate);
        }
        Ok(stream)
    }

    /// Draw the orders of tick `t` (tick `t % ticks_per_day` of its day) into `out` (cleared
    /// first).
    pub fn draw(&mut self, t: u64, out: &mut Vec<Draw>) {
        out.clear();
        if let Some(profile) = &mut self.profile {
            if let Some(factor) = profile.enter(t) {
                self.count = poisson(self.rate * factor);
            }
        }
        let Some(count) = &self.count else { return };
        let n = count.sample(&mut self.rng) as u64;
        if n == 0 {
            return; // most senders on most ticks: the band's amounts are not looked up
        }
        let band_amount = self.profile.as_ref().and_then(Profile::amount);
        let amount = band_amount.unwrap_or(&self.amount);
        for _ in 0..n {
            let receiver = self.receivers.draw(&mut self.rng);
            let amount = amount.sample(&mut self.rng);
            let (mut deadline_offset, mut priority) = (self.deadline_offset, self.priority);
            if let Some((share, offset, urgent_priority)) = self.urgent {
                let u: f64 = self.rng.random();
                if u < share {
                    (deadline_offset, priority) = (offset, urgent_priority);
                }
            }
            // Timed orders: one more uniform, only when configured.
            let mut from_offset = 0;
            if let Some((share, offset)) = self.timed {
                let u: f64 = self.rng.random();
                if u < share {
                    from_offset = offset.min(deadline_offset);
                }
            }
            out.push(Draw {
                receiver,
                amount,
                deadline_offset,
                priority,
                from_offset,
            });
        }
    }

    /// A new Poisson rate (a scheduled `arrival_rate`; validated finite, ≥ 0 and within
    /// `MAX_RATE_PER_TICK`). Under a profile it is the day's mean, shaped by the bands.
    /// The stream continues where it is: no other draw moves.
    pub fn set_rate(&mut self, rate: f64) {
        self.rate = rate;
        let factor = self.profile.as_ref().map_or(1.0, Profile::factor);
        self.count = poisson(rate * factor);
    }

    /// New receiver weights (a scheduled `counterparty_weights`; validated, in the receivers'
    /// configuration order, with a positive sum).
    pub fn set_receivers(&mut self, receivers: &[(AgentIdx, f64)]) {
        if let Ok(r) = Receivers::weighted(receivers) {
            self.receivers = r;
        }
    }

    /// Position in the random stream (for snapshots).
    pub fn word_pos(&self) -> u128 {
        self.rng.get_word_pos()
    }

    /// Continue the stream from a snapshot's position.
    pub fn set_word_pos(&mut self, pos: u128) {
        self.rng.set_word_pos(pos);
    }
}

fn poisson(rate: f64) -> Option<Poisson<f64>> {
    Poisson::new(rate).ok().filter(|_| rate > 0.0)
}

/// Round to whole cents, at least 1 and at most `MAX_GENERATED_AMOUNT` (documented bounds).
fn to_cents(x: f64) -> i64 {
    let rounded = x.round();
    if rounded.is_nan() || rounded < 1.0 {
        1
    } else if rounded >= MAX_GENERATED_AMOUNT as f64 {
        MAX_GENERATED_AMOUNT
    } else {
        rounded as i64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::stream;

    fn spec(
        distribution: &AmountDistribution,
        receivers: &[(AgentIdx, f64)],
    ) -> StreamSpec<'static> {
        let distribution: &'static AmountDistribution = Box::leak(Box::new(distribution.clone()));
        StreamSpec {
            rate: 2.0,
            distribution,
            receivers: Receivers::weighted(receivers).unwrap(),
            deadline_offset: 50,
            priority: 5,
            profile: &[],
            time_critical: None,
            timed: None,
        }
    }

    #[test]
    fn amounts_are_whole_positive_cents_within_bounds() {
        assert_eq!(to_cents(-5.0), 1);
        assert_eq!(to_cents(0.4), 1);
        assert_eq!(to_cents(2.5), 3);
        assert_eq!(to_cents(f64::NAN), 1);
        assert_eq!(to_cents(1e300), MAX_GENERATED_AMOUNT);
    }

    #[test]
    fn draws_follow_weights_and_rate() {
        let c = AmountDistribution::Uniform { min: 0, max: 10 };
        let mut s = ArrivalStream::new(
            spec(&c, &[(1, 1.0), (2, 0.0), (3, 3.0)]),
            100,
            stream(1, ARRIVALS, "A"),
        )
        .unwrap();
        let mut out = Vec::new();
        let (mut total, mut to3) = (0usize, 0usize);
        for t in 0..2000 {
            s.draw(t, &mut out);
            total += out.len();
            for d in &out {
                assert_ne!(d.receiver, 2, "zero weight is never drawn");
                assert!((1..=10).contains(&d.amount));
                to3 += (d.receiver == 3) as usize;
            }
        }
        let mean = total as f64 / 2000.0;
        assert!((1.8..2.2).contains(&mean), "Poisson mean {mean}");
        let share = to3 as f64 / total as f64;
        assert!((0.7..0.8).contains(&share), "weight share {share}");
    }

    #[test]
    fn word_position_resumes_the_stream() {
        let c = AmountDistribution::LogNormal {
            mean_log: 10.0,
            std_dev_log: 1.0,
        };
        let mut a =
            ArrivalStream::new(spec(&c, &[(1, 1.0)]), 10, stream(9, ARRIVALS, "A")).unwrap();
        let mut out = Vec::new();
        for t in 0..5 {
            a.draw(t, &mut out);
        }
        let mut b =
            ArrivalStream::new(spec(&c, &[(1, 1.0)]), 10, stream(9, ARRIVALS, "A")).unwrap();
        b.set_word_pos(a.word_pos());
        let (mut x, mut y) = (Vec::new(), Vec::new());
        for t in 5..10 {
            a.draw(t, &mut x);
            b.draw(t, &mut y);
            assert_eq!(x, y);
        }
    }
}
