//! Poisson arrivals of payment orders, one seeded stream per sending agent.

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use rand_distr::weighted::WeightedIndex;
use rand_distr::{Distribution, LogNormal, Normal, Poisson};

use crate::config::{AmountDistribution, ArrivalConfig, MAX_GENERATED_AMOUNT};
use crate::transaction::AgentIdx;

/// Purpose tag of the arrival streams (part of the derived seed).
pub(crate) const ARRIVALS: &str = "arrivals";

enum AmountSampler {
    Normal(Normal<f64>),
    LogNormal(LogNormal<f64>),
    Uniform { min: i64, max: i64 },
}

/// One generated order, before it becomes a transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Draw {
    pub receiver: AgentIdx,
    pub amount: i64,
}

/// The arrival process of one agent.
pub(crate) struct ArrivalStream {
    rng: ChaCha8Rng,
    /// `None` while a scheduled rate of 0 is in force (nothing drawn, the stream stands still).
    count: Option<Poisson<f64>>,
    receivers: Vec<AgentIdx>,
    pick: WeightedIndex<f64>,
    amount: AmountSampler,
    pub deadline_offset: u64,
    pub priority: u8,
}

impl ArrivalStream {
    /// Build from a validated config. `receivers` lists (agent index, weight) in the
    /// receivers' configuration order — never the order of the JSON object.
    pub fn new(
        config: &ArrivalConfig,
        receivers: Vec<(AgentIdx, f64)>,
        rng: ChaCha8Rng,
    ) -> Result<Self, String> {
        let count =
            Poisson::new(config.rate_per_tick).map_err(|e| format!("rate_per_tick: {e}"))?;
        let pick = WeightedIndex::new(receivers.iter().map(|r| r.1))
            .map_err(|e| format!("counterparty_weights: {e}"))?;
        let amount = match config.distribution {
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
        };
        Ok(ArrivalStream {
            rng,
            count: Some(count),
            receivers: receivers.into_iter().map(|r| r.0).collect(),
            pick,
            amount,
            deadline_offset: config.deadline_offset as u64,
            priority: config.priority as u8,
        })
    }

    /// Draw this tick's orders into `out` (cleared first).
    pub fn draw(&mut self, out: &mut Vec<Draw>) {
        out.clear();
        let Some(count) = &self.count else { return };
        let n = count.sample(&mut self.rng) as u64;
        for _ in 0..n {
            let receiver = self.receivers[self.pick.sample(&mut self.rng)];
            let amount = match &self.amount {
                AmountSampler::Normal(d) => to_cents(d.sample(&mut self.rng)),
                AmountSampler::LogNormal(d) => to_cents(d.sample(&mut self.rng)),
                AmountSampler::Uniform { min, max } => self.rng.random_range(*min..=*max).max(1),
            };
            out.push(Draw { receiver, amount });
        }
    }

    /// A new Poisson rate (a scheduled `arrival_rate`; validated finite, ≥ 0 and within
    /// `MAX_RATE_PER_TICK`). The stream continues where it is: no other draw moves.
    pub fn set_rate(&mut self, rate: f64) {
        self.count = Poisson::new(rate).ok().filter(|_| rate > 0.0);
    }

    /// New receiver weights (a scheduled `counterparty_weights`; validated, in the receivers'
    /// configuration order, with a positive sum).
    pub fn set_receivers(&mut self, receivers: &[(AgentIdx, f64)]) {
        if let Ok(pick) = WeightedIndex::new(receivers.iter().map(|r| r.1)) {
            self.pick = pick;
            self.receivers = receivers.iter().map(|r| r.0).collect();
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

    fn config(distribution: AmountDistribution) -> ArrivalConfig {
        ArrivalConfig {
            rate_per_tick: 2.0,
            distribution,
            counterparty_weights: Default::default(),
            deadline_offset: 50,
            priority: 5,
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
        let c = config(AmountDistribution::Uniform { min: 0, max: 10 });
        let mut s = ArrivalStream::new(
            &c,
            vec![(1, 1.0), (2, 0.0), (3, 3.0)],
            stream(1, ARRIVALS, "A"),
        )
        .unwrap();
        let mut out = Vec::new();
        let (mut total, mut to3) = (0usize, 0usize);
        for _ in 0..2000 {
            s.draw(&mut out);
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
        let c = config(AmountDistribution::LogNormal {
            mean_log: 10.0,
            std_dev_log: 1.0,
        });
        let mut a = ArrivalStream::new(&c, vec![(1, 1.0)], stream(9, ARRIVALS, "A")).unwrap();
        let mut out = Vec::new();
        for _ in 0..5 {
            a.draw(&mut out);
        }
        let mut b = ArrivalStream::new(&c, vec![(1, 1.0)], stream(9, ARRIVALS, "A")).unwrap();
        b.set_word_pos(a.word_pos());
        let (mut x, mut y) = (Vec::new(), Vec::new());
        for _ in 0..5 {
            a.draw(&mut x);
            b.draw(&mut y);
            assert_eq!(x, y);
        }
    }
}
