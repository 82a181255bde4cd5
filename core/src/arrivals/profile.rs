//! Intraday arrival profiles: the day cut into bands, each with a rate factor and optionally
//! its own amount distribution (`docs/model.md` § Traffic).
//!
//! A band's factor is `weight × ticks_per_day / Σ(weight × length)`, so a day's expected
//! arrivals are those of the constant rate. Nothing here draws a random number: the band of a
//! tick depends on the tick alone, so a restored stream finds its band again.

use super::AmountSampler;
use crate::config::ProfileBand;

#[derive(Clone)]
struct Band {
    from: u64,
    to: u64,
    factor: f64,
    amount: Option<AmountSampler>,
}

#[derive(Clone)]
pub(super) struct Profile {
    /// Sorted by `from`; they tile `[0, ticks_per_day)` (validated).
    bands: Vec<Band>,
    ticks_per_day: u64,
    /// The band the stream's Poisson count was built for (`usize::MAX`: none yet).
    current: usize,
    /// The ticks `[from, to)` of the day last entered that lie in `current`: a tick in it
    /// needs neither the clock's division nor the band list (which lives apart from the
    /// stream, one cache miss per stream and tick otherwise). Empty until a tick is entered.
    span: (u64, u64),
    /// Whether any band has its own amount distribution (if none, a draw does not look).
    any_amount: bool,
}

impl Profile {
    /// `None` for an empty profile (a constant rate).
    pub fn new(bands: &[ProfileBand], ticks_per_day: u64) -> Result<Option<Self>, String> {
        if bands.is_empty() {
            return Ok(None);
        }
        let mass: f64 = (bands.iter())
            .map(|b| b.weight * (b.to_tick - b.from_tick) as f64)
            .sum();
        let mut out = Vec::with_capacity(bands.len());
        for b in bands {
            out.push(Band {
                from: b.from_tick as u64,
                to: b.to_tick as u64,
                factor: b.weight * ticks_per_day as f64 / mass,
                amount: b
                    .distribution
                    .as_ref()
                    .map(AmountSampler::new)
                    .transpose()?,
            });
        }
        out.sort_by_key(|b| b.from);
        let any_amount = out.iter().any(|b| b.amount.is_some());
        Ok(Some(Profile {
            any_amount,
            bands: out,
            ticks_per_day,
            current: 0,
            span: (0, 0),
        }))
    }

    /// Move to the band of tick `t`: its factor when the band changed (the caller rebuilds
    /// its count), `None` when it is the band already in force.
    pub fn enter(&mut self, t: u64) -> Option<f64> {
        if (self.span.0..self.span.1).contains(&t) {
            return None;
        }
        let tick = t % self.ticks_per_day;
        let b = &self.bands[self.current];
        let changed = if (b.from..b.to).contains(&tick) {
            None
        } else {
            self.current = self
                .bands
                .partition_point(|b| b.to <= tick)
                .min(self.bands.len() - 1);
            Some(self.factor())
        };
        let b = &self.bands[self.current];
        let day_start = t - tick;
        self.span = if (b.from..b.to).contains(&tick) {
            (
                day_start.saturating_add(b.from),
                day_start.saturating_add(b.to),
            )
        } else {
            (0, 0)
        };
        changed
    }

    /// The factor of the band in force.
    pub fn factor(&self) -> f64 {
        self.bands[self.current].factor
    }

    /// The amount distribution of the band in force, if it has its own.
    pub fn amount(&self) -> Option<&AmountSampler> {
        if !self.any_amount {
            return None;
        }
        self.bands[self.current].amount.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn band(from_tick: i64, to_tick: i64, weight: f64) -> ProfileBand {
        ProfileBand {
            from_tick,
            to_tick,
            weight,
            distribution: None,
        }
    }

    #[test]
    fn factors_keep_the_daily_mean_and_bands_follow_the_clock() {
        // Given out of order: sorted by their start.
        let bands = [band(6, 10, 1.0), band(0, 2, 3.0), band(2, 6, 0.0)];
        let mut p = Profile::new(&bands, 10).unwrap().unwrap();
        // mass = 3·2 + 0·4 + 1·4 = 10 → factors 3, 0, 1.
        assert_eq!(p.factor(), 3.0);
        assert_eq!(p.enter(0), None);
        assert_eq!(p.enter(1), None);
        assert_eq!(p.enter(2), Some(0.0));
        assert_eq!(p.enter(5), None);
        assert_eq!(p.enter(9), Some(1.0));
        assert_eq!(
            p.enter(10),
            Some(3.0),
            "the next day starts in the first band"
        );
        let daily: f64 = (0..10)
            .map(|t| {
                p.enter(t);
                p.factor()
            })
            .sum();
        assert_eq!(daily, 10.0);
    }
}
