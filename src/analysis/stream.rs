//! The random stream of the analysis methods (bootstrap resamples, Morris
//! trajectories, ABC proposals): SplitMix64 keyed by the seed and a purpose, so
//! that an analysis is the same on every machine and for every `--jobs`, and its
//! randomness never touches the simulation's streams.

use crate::engine::random::{mix64, unit};

/// Weyl increment of SplitMix64.
const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// A SplitMix64 generator for one purpose of one analysis.
#[derive(Clone, Debug)]
pub struct Stream(u64);

impl Stream {
    /// The stream for `purpose` (any constant naming what it is for) of `seed`.
    pub fn new(seed: u64, purpose: u64) -> Stream {
        Stream(mix64(seed ^ mix64(purpose.wrapping_mul(GOLDEN))))
    }

    /// A uniform number in [0, 1).
    pub fn uniform(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(GOLDEN);
        unit(mix64(self.0))
    }

    /// A whole number in `0..n` (n ≥ 1).
    pub fn below(&mut self, n: usize) -> usize {
        ((self.uniform() * n as f64) as usize).min(n.saturating_sub(1))
    }

    /// A standard normal number (Box–Muller; one of the pair is dropped, which
    /// keeps the stream's position independent of how many were asked for).
    pub fn normal(&mut self) -> f64 {
        let u = 1.0 - self.uniform(); // in (0, 1]
        let v = self.uniform();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }

    /// An index drawn with probability proportional to `weights` (not all zero).
    pub fn weighted(&mut self, weights: &[f64]) -> usize {
        let total: f64 = weights.iter().sum();
        let mut target = self.uniform() * total;
        for (i, w) in weights.iter().enumerate() {
            if target < *w {
                return i;
            }
            target -= w;
        }
        weights.iter().rposition(|w| *w > 0.0).unwrap_or(0)
    }
}

/// The `p`-quantile (0 ≤ p ≤ 1) of `values` by linear interpolation between
/// order statistics (Hyndman and Fan's type 7, as R and NumPy by default);
/// NaN for no values.
pub fn quantile(values: &[f64], p: f64) -> f64 {
    let mut sorted: Vec<f64> = values.iter().copied().filter(|v| !v.is_nan()).collect();
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted.sort_by(f64::total_cmp);
    let h = (sorted.len() - 1) as f64 * p.clamp(0.0, 1.0);
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// The `p`-quantile of `values` with `weights` (the smallest value whose
/// cumulative weight reaches `p` of the total); NaN for no positive weight.
pub fn weighted_quantile(values: &[f64], weights: &[f64], p: f64) -> f64 {
    let mut pairs: Vec<(f64, f64)> =
        values.iter().zip(weights).filter(|(v, w)| !v.is_nan() && **w > 0.0).map(|(v, w)| (*v, *w)).collect();
    let total: f64 = pairs.iter().map(|(_, w)| w).sum();
    if pairs.is_empty() || total <= 0.0 {
        return f64::NAN;
    }
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let target = p.clamp(0.0, 1.0) * total;
    let mut cumulative = 0.0;
    for (v, w) in &pairs {
        cumulative += w;
        if cumulative >= target {
            return *v;
        }
    }
    pairs[pairs.len() - 1].0
}

/// Mean and sample variance (n − 1) of `values`; the variance is 0 for one value.
pub fn mean_variance(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let variance =
        if values.len() > 1 { values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0) } else { 0.0 };
    (mean, variance)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate_and_weights_count() {
        assert_eq!(quantile(&[3.0, 1.0, 2.0, 4.0], 0.5), 2.5);
        assert_eq!(quantile(&[1.0], 0.9), 1.0);
        assert_eq!(weighted_quantile(&[1.0, 2.0, 3.0], &[1.0, 0.0, 3.0], 0.5), 3.0);
        assert_eq!(weighted_quantile(&[1.0, 2.0, 3.0], &[2.0, 1.0, 1.0], 0.5), 1.0);
    }

    #[test]
    fn the_stream_is_uniform_and_its_normals_standard() {
        let mut s = Stream::new(7, 1);
        let u: Vec<f64> = (0..20_000).map(|_| s.uniform()).collect();
        let (m, v) = mean_variance(&u);
        assert!((m - 0.5).abs() < 0.01 && (v - 1.0 / 12.0).abs() < 0.003, "{m} {v}");
        let z: Vec<f64> = (0..20_000).map(|_| s.normal()).collect();
        let (m, v) = mean_variance(&z);
        assert!(m.abs() < 0.03 && (v - 1.0).abs() < 0.05, "{m} {v}");
    }
}
