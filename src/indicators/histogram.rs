//! A log-bucketed histogram for streaming quantiles in constant memory.
//!
//! Values (durations in microseconds) fall into buckets whose width is 1/128 of
//! their octave (HDR-histogram style, from the bits of the value: no logarithm),
//! so a quantile read at a bucket's midpoint is within 0.4% of the exact sample
//! quantile; zero has a bucket of its own (many waits are exactly zero) and values
//! between zero and 2^20 µs (about one second) share one bucket.

/// Sub-buckets per octave (a power of two): 2^7 = 128, a relative width ≤ 0.78%.
const SUB_BITS: u32 = 7;
/// Values under 2^FLOOR_BITS microseconds (1.05 s) go to bucket 1.
const FLOOR_BITS: u32 = 20;

/// Streaming histogram of non-negative durations.
#[derive(Clone, Debug, Default)]
pub struct Histogram {
    counts: Vec<u64>,
    total: u64,
}

impl Histogram {
    #[inline]
    fn bucket(value: u64) -> usize {
        if value == 0 {
            0
        } else if value < 1 << FLOOR_BITS {
            1
        } else {
            let octave = 63 - value.leading_zeros(); // ≥ FLOOR_BITS
            let sub = (value >> (octave - SUB_BITS)) & ((1 << SUB_BITS) - 1);
            2 + (((octave - FLOOR_BITS) << SUB_BITS) as usize) + sub as usize
        }
    }

    fn lower_edge(bucket: usize) -> f64 {
        if bucket <= 1 {
            return 0.0;
        }
        let index = bucket - 2;
        let octave = FLOOR_BITS + (index >> SUB_BITS) as u32;
        let sub = (index & ((1 << SUB_BITS) - 1)) as f64;
        (1u64 << octave) as f64 * (1.0 + sub / f64::from(1u32 << SUB_BITS))
    }

    /// Records one value.
    #[inline]
    pub fn record(&mut self, value: u64) {
        let b = Self::bucket(value);
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
                    1 => (1u64 << FLOOR_BITS) as f64 / 2.0,
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
        for v in [1u64 << 20, (1 << 20) + 12_345, 7_000_000, 3_600_000_000, u64::MAX / 3] {
            let b = Histogram::bucket(v);
            assert!(Histogram::lower_edge(b) <= v as f64 && (v as f64) < Histogram::lower_edge(b + 1), "{v}");
        }
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
