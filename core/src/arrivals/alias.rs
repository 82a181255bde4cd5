//! Alias tables (Walker 1977, built by Vose's method): a draw from a discrete distribution
//! over `n` outcomes in O(1), from one 64-bit random word, whatever `n`.
//!
//! A draw multiplies the word `u` by `n` in 128 bits: the high half is the column, the low
//! half a uniform fraction compared with the column's threshold (integers, so no rounding
//! differs between machines). Building is O(n) with a fixed order of work lists, so a
//! table is the same on every run.

#[derive(Debug, Clone)]
pub(crate) struct AliasTable {
    /// One entry per column, everything a draw reads in one place: a draw costs one cache
    /// line, not one in each of three arrays (thresholds, aliases, and the sender's ids).
    columns: Vec<Column>,
}

#[derive(Debug, Clone, Copy)]
struct Column {
    /// `⌊p · 2^64⌋` (saturated) of the column's own outcome.
    threshold: u64,
    /// The column's own outcome.
    own: u32,
    /// The other outcome of the column (itself when the column is full).
    alias: u32,
}

impl AliasTable {
    /// `None` unless the weights are finite, ≥ 0, with a positive finite sum.
    pub fn new(weights: &[f64]) -> Option<Self> {
        let n = weights.len();
        let sum: f64 = weights.iter().sum();
        if n == 0 || n > u32::MAX as usize || !(sum.is_finite() && sum > 0.0) {
            return None;
        }
        if weights.iter().any(|w| !(w.is_finite() && *w >= 0.0)) {
            return None;
        }
        let mut p: Vec<f64> = weights.iter().map(|w| w * n as f64 / sum).collect();
        let mut alias: Vec<u32> = (0..n as u32).collect();
        let mut full = vec![false; n];
        let (mut small, mut large): (Vec<usize>, Vec<usize>) = (0..n).partition(|&i| p[i] < 1.0);
        while let (Some(s), Some(&l)) = (small.pop(), large.last()) {
            alias[s] = l as u32;
            p[l] -= 1.0 - p[s];
            if p[l] < 1.0 {
                large.pop();
                small.push(l);
            }
        }
        // What remains is full up to rounding.
        for i in large.into_iter().chain(small) {
            full[i] = true;
        }
        let columns = (0..n)
            .map(|i| Column {
                threshold: if full[i] {
                    u64::MAX
                } else {
                    // p < 1 here: the product is below 2^64.
                    (p[i].max(0.0) * 18_446_744_073_709_551_616.0) as u64
                },
                own: i as u32,
                alias: alias[i],
            })
            .collect();
        Some(AliasTable { columns })
    }

    /// The same table with outcome `i` renamed `ids[i]` (`ids` has one entry per weight):
    /// draws give `ids[outcome]` without a lookup of their own.
    pub fn relabel(mut self, ids: &[u32]) -> Self {
        for c in &mut self.columns {
            c.own = ids[c.own as usize];
            c.alias = ids[c.alias as usize];
        }
        self
    }

    /// The outcome of the random word `u`.
    #[inline]
    pub fn sample(&self, u: u64) -> usize {
        let wide = u as u128 * self.columns.len() as u128;
        let column = &self.columns[(wide >> 64) as usize];
        if (wide as u64) < column.threshold {
            column.own as usize
        } else {
            column.alias as usize
        }
    }

    /// Bytes held (for the memory figures).
    #[cfg(test)]
    pub fn bytes(&self) -> usize {
        self.columns.len() * std::mem::size_of::<Column>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    #[test]
    fn draws_follow_the_weights() {
        let w = [1.0, 0.0, 3.0, 6.0];
        let t = AliasTable::new(&w).unwrap();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let mut counts = [0usize; 4];
        for _ in 0..200_000 {
            counts[t.sample(rng.random())] += 1;
        }
        assert_eq!(counts[1], 0, "a zero weight is never drawn");
        for (c, w) in counts.iter().zip(w) {
            let share = *c as f64 / 200_000.0;
            assert!((share - w / 10.0).abs() < 0.005, "{counts:?}");
        }
        assert_eq!(t.bytes(), 64);
    }

    #[test]
    fn bad_weights_give_no_table() {
        assert!(AliasTable::new(&[]).is_none());
        assert!(AliasTable::new(&[0.0, 0.0]).is_none());
        assert!(AliasTable::new(&[1.0, f64::NAN]).is_none());
        assert!(AliasTable::new(&[1.0, -1.0]).is_none());
        // Extreme draws stay in range.
        let t = AliasTable::new(&[1.0, 2.0, 3.0]).unwrap();
        assert!(t.sample(u64::MAX) < 3 && t.sample(0) < 3);
    }
}
