//! A log-bucketed histogram for streaming quantiles in constant memory.
//!
//! Values (durations in microseconds) fall into buckets whose width is 0.5% of
//! their lower edge, so a quantile read from the histogram is within 0.5% of the
//! exact sample quantile; zero has a bucket of its own (many waits are exactly
//! zero) and values between zero and one second share one bucket.

/// Buckets per doubling: 2^(1/139) ≈ 1.005, a relative width of 0.5%.
const BUCKETS_PER_OCTAVE: f64 = 139.0;
/// Values under this (one second, in microseconds) go to bucket 0.
const FLOOR: f64 = 1_000_000.0;

/// Streaming histogram of non-negative durations.
#[derive(Clone, Debug, Default)]
pub struct Histogram {
    counts: Vec<u64>,
    total: u64,
}

impl Histogram {
    fn bucket(value: f64) -> usize {
        if value <= 0.0 {
            0
        } else if value < FLOOR {
            1
        } else {
            2 + ((value / FLOOR).log2() * BUCKETS_PER_OCTAVE) as usize
        }
    }

    fn lower_edge(bucket: usize) -> f64 {
        if bucket <= 1 { 0.0 } else { FLOOR * ((bucket - 2) as f64 / BUCKETS_PER_OCTAVE).exp2() }
    }

    /// Records one value.
    #[inline]
    pub fn record(&mut self, value: u64) {
        let b = Self::bucket(value as f64);
        if b >= self.counts.len() {
            self.counts.resize(b + 1, 0);
        }
        self.counts[b] += 1;
        self.total += 1;
    }

    /// Number of values recorded.
    pub fn count(&self) -> u64 {
        self.total
    }

    /// The `q`-quantile (0 ≤ q ≤ 1), the midpoint of its bucket; `NaN` if empty.
    pub fn quantile(&self, q: f64) -> f64 {
        if self.total == 0 {
            return f64::NAN;
        }
        let rank = ((q * self.total as f64).ceil() as u64).clamp(1, self.total);
        let mut seen = 0;
        for (b, &c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                return match b {
                    0 => 0.0,
                    1 => FLOOR / 2.0,
                    _ => (Self::lower_edge(b) + Self::lower_edge(b + 1)) / 2.0,
                };
            }
        }
        f64::NAN
    }

    /// Adds another histogram's counts.
    pub fn merge(&mut self, other: &Histogram) {
        if other.counts.len() > self.counts.len() {
            self.counts.resize(other.counts.len(), 0);
        }
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a += b;
        }
        self.total += other.total;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_are_within_half_a_percent() {
        let mut h = Histogram::default();
        let values: Vec<u64> = (1..=10_000u64).map(|i| i * 7_000_000).collect();
        for &v in &values {
            h.record(v);
        }
        for q in [0.5, 0.9, 0.95] {
            let exact = values[(q * values.len() as f64).ceil() as usize - 1] as f64;
            let got = h.quantile(q);
            assert!((got / exact - 1.0).abs() < 0.005, "q={q}: {got} vs {exact}");
        }
        assert!(Histogram::default().quantile(0.5).is_nan());
        let mut zeros = Histogram::default();
        zeros.record(0);
        zeros.record(0);
        zeros.record(60_000_000);
        assert_eq!(zeros.quantile(0.5), 0.0);
    }
}
