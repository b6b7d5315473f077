//! Random streams and the distributions sampled from them.
//!
//! Layout (documented in `docs/random-streams.md`): each replication derives one
//! ChaCha8 generator per service for arrivals (ChaCha stream = service index), so a
//! service's applicants arrive at the same instants whatever else changes. Each
//! arriving case draws a 64-bit key from its service's arrival stream; everything
//! random about the case (channel, missing documents, work times, routing,
//! patience) comes from SplitMix64 streams keyed by that case key and the purpose.
//! Two scenarios run with the same seed thus face the same applicants with the
//! same needs and the same luck: common random numbers at the level of the case.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::scenario::{Minutes, PreparedMinutes};

/// SplitMix64's output function (Steele, Lea and Flood, 2014): a bijective mixer.
#[inline]
pub(crate) fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// The purposes a case's randomness is split into.
#[derive(Clone, Copy, Debug)]
#[repr(u64)]
pub(crate) enum Purpose {
    /// Channel, levers and missing documents, decided at arrival ([`needs_uniform`]).
    Needs = 1,
    /// Work times of the case's steps.
    Work = 2,
    /// Send-back decisions.
    Routing = 3,
    /// Patience in queues.
    Patience = 4,
    /// Whether a notified case breaks the rules, and whether its inspection
    /// would find it (post-approval supervision).
    Supervision = 5,
    /// Whether complaints trigger process fixes (online listening), one stream
    /// per replication.
    Listening = 6,
}

/// The decisions about a case's needs taken at arrival, each with its own uniform
/// (see [`needs_uniform`]).
#[derive(Clone, Copy, Debug)]
#[repr(u64)]
pub(crate) enum Need {
    /// Arrives online.
    Online = 0,
    /// Goes through the general hall (one window).
    OneWindow = 1,
    /// Handled as integrated service.
    Integrated = 2,
    /// Approval replaced by notification.
    Notified = 3,
    /// An online case's identity is verified remotely.
    RemoteIdentity = 4,
    /// Document check `i`: missing at index `Documents + 2i`, fetched from shared
    /// data at `Documents + 2i + 1`.
    Documents = 16,
    /// Refusal at step `s` (`refusal_probability`): index `Refusal + s`.
    Refusal = 4096,
}

/// The uniform in [0, 1) of decision `index` about the case with key `case_key`:
/// a hash of both (the needs stream is counter-based, read at any index).
#[inline]
pub(crate) fn needs_uniform(case_key: u64, index: u64) -> f64 {
    let stream = case_key ^ (Purpose::Needs as u64).wrapping_mul(GOLDEN);
    unit(mix64(mix64(stream).wrapping_add(index.wrapping_add(1).wrapping_mul(GOLDEN))))
}

/// A SplitMix64 generator: a counter-based stream, cheap to create per case.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// The stream for `purpose` of the case with key `case_key`.
    pub(crate) fn for_case(case_key: u64, purpose: Purpose) -> SplitMix64 {
        SplitMix64 { state: mix64(case_key ^ (purpose as u64).wrapping_mul(GOLDEN)) }
    }

    /// Next 64 random bits.
    #[inline]
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GOLDEN);
        mix64(self.state)
    }

    /// A uniform number in [0, 1) with 53 random bits.
    #[inline]
    pub(crate) fn uniform(&mut self) -> f64 {
        unit(self.next_u64())
    }
}

impl rand::TryRng for SplitMix64 {
    type Error = std::convert::Infallible;

    #[inline]
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        Ok((self.next_u64() >> 32) as u32)
    }

    #[inline]
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        Ok(self.next_u64())
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        for chunk in dst.chunks_mut(8) {
            let bytes = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&bytes[..chunk.len()]);
        }
        Ok(())
    }
}

/// A standard exponential variate (mean 1), by the ziggurat method (Marsaglia and
/// Tsang 2000, as implemented by `rand_distr::Exp1`): cheaper than a logarithm.
#[inline]
pub(crate) fn standard_exponential<R: rand::Rng + ?Sized>(rng: &mut R) -> f64 {
    use rand_distr::Distribution;
    rand_distr::Exp1.sample(rng)
}

/// Maps 64 random bits to [0, 1).
#[inline]
pub(crate) fn unit(bits: u64) -> f64 {
    (bits >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// The arrival generator of one service in one replication.
pub(crate) fn arrival_stream(seed: u64, replication: u64, service: usize) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(mix64(seed ^ mix64(replication.wrapping_add(GOLDEN))));
    rng.set_stream(service as u64);
    rng
}

/// Longest duration a sample may take, in minutes (ten years): a heavy log-normal
/// tail must not overflow the clock or stall the calendar arithmetic.
pub(crate) const MAX_SAMPLE_MINUTES: f64 = 10.0 * 365.0 * 24.0 * 60.0;

/// Samples minutes from a distribution (capped at [`MAX_SAMPLE_MINUTES`]).
#[inline]
pub(crate) fn sample_minutes(d: &Minutes, rng: &mut SplitMix64) -> f64 {
    sample_uncapped(d, rng).min(MAX_SAMPLE_MINUTES)
}

#[inline]
fn sample_uncapped(d: &Minutes, rng: &mut SplitMix64) -> f64 {
    match *d {
        Minutes::Exponential { mean_minutes } => mean_minutes * standard_exponential(rng),
        Minutes::LogNormal { mean_minutes, cv } => {
            if cv == 0.0 {
                return mean_minutes;
            }
            // Mean m and coefficient of variation cv: σ² = ln(1 + cv²), μ = ln m − σ²/2.
            let sigma2 = (1.0 + cv * cv).ln();
            let mu = mean_minutes.ln() - 0.5 * sigma2;
            (mu + sigma2.sqrt() * standard_normal(rng)).exp()
        }
        Minutes::Triangular { min_minutes: a, mode_minutes: c, max_minutes: b } => {
            let u = rng.uniform();
            if b <= a {
                return a;
            }
            let f = (c - a) / (b - a);
            if u < f { a + ((b - a) * (c - a) * u).sqrt() } else { b - ((b - a) * (b - c) * (1.0 - u)).sqrt() }
        }
        Minutes::Uniform { min_minutes, max_minutes } => min_minutes + (max_minutes - min_minutes) * rng.uniform(),
        Minutes::Constant { minutes } => minutes,
        Minutes::Empirical { ref minutes } => {
            let i = ((rng.uniform() * minutes.len() as f64) as usize).min(minutes.len() - 1);
            minutes[i]
        }
    }
}

/// Samples minutes from a prepared distribution (capped at [`MAX_SAMPLE_MINUTES`]):
/// the same draws as [`sample_minutes`] on the distribution it was prepared from,
/// without recomputing its parameters (the engine's hot path).
#[inline]
pub(crate) fn sample_prepared(d: &PreparedMinutes, rng: &mut SplitMix64) -> f64 {
    prepared_uncapped(d, rng).min(MAX_SAMPLE_MINUTES)
}

#[inline]
fn prepared_uncapped(d: &PreparedMinutes, rng: &mut SplitMix64) -> f64 {
    match *d {
        PreparedMinutes::Exponential { mean } => mean * standard_exponential(rng),
        PreparedMinutes::LogNormal { mu, sigma } => (mu + sigma * standard_normal(rng)).exp(),
        PreparedMinutes::Triangular { a, b, f, low, high } => {
            let u = rng.uniform();
            if b <= a {
                return a;
            }
            if u < f { a + (low * u).sqrt() } else { b - (high * (1.0 - u)).sqrt() }
        }
        PreparedMinutes::Uniform { min, width } => min + width * rng.uniform(),
        PreparedMinutes::Constant { minutes } => minutes,
        PreparedMinutes::Empirical { ref minutes } => {
            let i = ((rng.uniform() * minutes.len() as f64) as usize).min(minutes.len() - 1);
            minutes[i]
        }
    }
}

/// A standard normal variate by the ziggurat method (`rand_distr::StandardNormal`).
#[inline]
fn standard_normal(rng: &mut SplitMix64) -> f64 {
    use rand_distr::Distribution;
    rand_distr::StandardNormal.sample(rng)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_mean_and_cv(d: &Minutes, n: usize) -> (f64, f64) {
        let mut rng = SplitMix64::for_case(42, Purpose::Work);
        let xs: Vec<f64> = (0..n).map(|_| sample_minutes(d, &mut rng)).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        (mean, var.sqrt() / mean)
    }

    #[test]
    fn distributions_have_their_stated_mean_and_spread() {
        // 200k draws: the standard error of the mean is below 0.3% of it for cv ≤ 1,
        // so a 1.5% tolerance cannot fail by chance at this fixed seed.
        let n = 200_000;
        let (m, cv) = sample_mean_and_cv(&Minutes::Exponential { mean_minutes: 12.0 }, n);
        assert!((m / 12.0 - 1.0).abs() < 0.015 && (cv - 1.0).abs() < 0.015, "{m} {cv}");
        let (m, cv) = sample_mean_and_cv(&Minutes::LogNormal { mean_minutes: 30.0, cv: 0.5 }, n);
        assert!((m / 30.0 - 1.0).abs() < 0.015 && (cv - 0.5).abs() < 0.015, "{m} {cv}");
        let tri = Minutes::Triangular { min_minutes: 5.0, mode_minutes: 10.0, max_minutes: 30.0 };
        let (m, _) = sample_mean_and_cv(&tri, n);
        assert!((m / tri.mean() - 1.0).abs() < 0.015, "{m}");
        let uni = Minutes::Uniform { min_minutes: 2.0, max_minutes: 4.0 };
        let (m, _) = sample_mean_and_cv(&uni, n);
        assert!((m - 3.0).abs() < 0.02, "{m}");
    }

    #[test]
    fn prepared_distributions_draw_exactly_the_same_minutes() {
        // The engine samples from the prepared form: it must not change one bit of
        // any draw, nor how many random numbers a draw uses.
        let cases = [
            Minutes::Exponential { mean_minutes: 12.0 },
            Minutes::LogNormal { mean_minutes: 30.0, cv: 0.5 },
            Minutes::LogNormal { mean_minutes: 7.3, cv: 2.7 },
            Minutes::LogNormal { mean_minutes: 5.0, cv: 0.0 },
            Minutes::LogNormal { mean_minutes: 5.0, cv: -0.0 },
            Minutes::Triangular { min_minutes: 5.0, mode_minutes: 10.0, max_minutes: 30.0 },
            Minutes::Triangular { min_minutes: 1.0, mode_minutes: 1.0, max_minutes: 4.5 },
            Minutes::Triangular { min_minutes: 3.0, mode_minutes: 3.0, max_minutes: 3.0 },
            Minutes::Uniform { min_minutes: 2.0, max_minutes: 4.1 },
            Minutes::Constant { minutes: 9.5 },
            Minutes::Empirical { minutes: vec![1.0, 2.5, 40.0] },
        ];
        for d in &cases {
            let prepared = PreparedMinutes::from(d);
            let mut r1 = SplitMix64::for_case(42, Purpose::Work);
            let mut r2 = SplitMix64::for_case(42, Purpose::Work);
            for i in 0..20_000 {
                let (x, y) = (sample_minutes(d, &mut r1), sample_prepared(&prepared, &mut r2));
                assert_eq!(x.to_bits(), y.to_bits(), "{d:?}, draw {i}: {x} against {y}");
            }
            assert_eq!(r1.next_u64(), r2.next_u64(), "{d:?}: the streams drifted apart");
        }
    }

    #[test]
    fn case_streams_are_separate_and_repeatable() {
        let a: Vec<u64> = (0..4)
            .map({
                let mut r = SplitMix64::for_case(7, Purpose::Work);
                move |_| r.next_u64()
            })
            .collect();
        let b: Vec<u64> = (0..4)
            .map({
                let mut r = SplitMix64::for_case(7, Purpose::Work);
                move |_| r.next_u64()
            })
            .collect();
        let mut other = SplitMix64::for_case(7, Purpose::Routing);
        assert_eq!(a, b);
        assert_ne!(a[0], other.next_u64());
    }
}
