//! Sobol sensitivity indices: the Saltelli design on a quasi-random sequence, the
//! first-order (Saltelli et al. 2010), total (Jansen 1999) and second-order
//! (Saltelli 2002) estimators, and bootstrap intervals that tell the design's
//! uncertainty from the simulation's noise. Pure: no I/O.
//!
//! **The sequence.** `sobol_burley` (MIT/Apache-2.0, no dependencies, `no_std`,
//! about 1 000 lines) gives an Owen-scrambled Sobol sequence on the Joe–Kuo
//! direction numbers (new-joe-kuo-6.21201, first 256 dimensions), seedable, so a
//! design is a randomised quasi-Monte Carlo sample whose bootstrap intervals mean
//! something. It was preferred to `sobol` (1.0, BSD-3) which pulls in `libflate`
//! and `num-traits` to unpack 21 201 dimensions we never need. Its limits fit
//! ours: at most 2¹⁶ base samples and 256 dimensions (so 128 parameters, as the
//! A and B matrices take one dimension each per parameter), `f32` output (24 bits).
//!
//! **Layout.** For each base sample `j` the design holds one block of rows:
//! `A_j`, then `AB_j^i` for every parameter `i` (A with column `i` from B), then,
//! with second order, `BA_j^i` (B with column `i` from A), then `B_j`.

use super::stream::{Stream, mean_variance, quantile};

/// Most base samples (the sequence's length).
pub const MAX_BASE_SAMPLES: usize = 1 << 16;
/// Bootstrap resamples, from the fewest that give a 95% percentile interval
/// (its 2.5% tail holds at least one resample) to the most that change it
/// (each resample re-estimates every index over the whole design: 10^9 ran into
/// tens of gigabytes).
pub const BOOTSTRAP_RESAMPLES: std::ops::RangeInclusive<usize> = 40..=100_000;

/// Most parameters (two sequence dimensions each).
pub const MAX_PARAMETERS: usize = 128;

/// Purpose of the bootstrap stream.
const BOOTSTRAP_STREAM: u64 = 0x736f_626f_6c5f_6273;

/// The shape of a Saltelli design.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SaltelliLayout {
    /// Base samples N.
    pub base_samples: usize,
    /// Parameters k.
    pub parameters: usize,
    /// Whether the `BA` rows for second-order indices are included.
    pub second_order: bool,
}

impl SaltelliLayout {
    /// Rows per base sample: k + 2, or 2k + 2 with second order.
    pub fn block(&self) -> usize {
        if self.second_order { 2 * self.parameters + 2 } else { self.parameters + 2 }
    }

    /// Rows of the whole design (saturating: check against a limit before building).
    pub fn rows(&self) -> u64 {
        (self.base_samples as u64).saturating_mul(self.block() as u64)
    }
}

/// The design's rows, points of the unit cube [0, 1)^k in the order of the
/// module's layout. `seed` chooses the Owen scrambling.
pub fn saltelli_design(layout: SaltelliLayout, seed: u32) -> Vec<Vec<f64>> {
    let k = layout.parameters;
    // The centre of the sequence's 2^-24 cell, so that no value is exactly 0.
    let at = |j: usize, d: usize| f64::from(sobol_burley::sample(j as u32, d as u32, seed)) + 0.5 / (1u64 << 24) as f64;
    let mut rows = Vec::with_capacity(layout.rows() as usize);
    for j in 0..layout.base_samples {
        let a: Vec<f64> = (0..k).map(|d| at(j, d)).collect();
        let b: Vec<f64> = (0..k).map(|d| at(j, k + d)).collect();
        rows.push(a.clone());
        for i in 0..k {
            let mut ab = a.clone();
            ab[i] = b[i];
            rows.push(ab);
        }
        if layout.second_order {
            for i in 0..k {
                let mut ba = b.clone();
                ba[i] = a[i];
                rows.push(ba);
            }
        }
        rows.push(b);
    }
    rows
}

/// Point estimates of the indices.
#[derive(Clone, Debug, PartialEq)]
pub struct SobolIndices {
    /// First-order index S_i per parameter.
    pub first: Vec<f64>,
    /// Total index ST_i per parameter.
    pub total: Vec<f64>,
    /// Second-order S_ij for i < j, in the order (0,1), (0,2), …, (1,2), …; empty without.
    pub second: Vec<f64>,
}

/// The indices from `y`, one model output per design row, using the base samples
/// listed in `blocks` (all of them once for the estimate; a resample for the
/// bootstrap). An output that is constant gives NaN indices.
pub fn indices(layout: SaltelliLayout, y: &[f64], blocks: &[usize]) -> SobolIndices {
    let k = layout.parameters;
    let size = layout.block();
    let n = blocks.len() as f64;
    let a = |j: usize| y[j * size];
    let b = |j: usize| y[j * size + size - 1];
    let ab = |j: usize, i: usize| y[j * size + 1 + i];
    let ba = |j: usize, i: usize| y[j * size + 1 + k + i];
    // The output's variance over the A and B rows together (as SALib).
    let both: Vec<f64> = blocks.iter().flat_map(|&j| [a(j), b(j)]).collect();
    let (_, variance) = mean_variance(&both);
    let first: Vec<f64> =
        (0..k).map(|i| blocks.iter().map(|&j| b(j) * (ab(j, i) - a(j))).sum::<f64>() / n / variance).collect();
    let total: Vec<f64> =
        (0..k).map(|i| blocks.iter().map(|&j| (a(j) - ab(j, i)).powi(2)).sum::<f64>() / (2.0 * n) / variance).collect();
    let mut second = Vec::new();
    if layout.second_order {
        for i in 0..k {
            for l in i + 1..k {
                let v = blocks.iter().map(|&j| ba(j, i) * ab(j, l) - a(j) * b(j)).sum::<f64>() / n / variance;
                second.push(v - first[i] - first[l]);
            }
        }
    }
    SobolIndices { first, total, second }
}

/// An index with its bootstrap interval and the share of its uncertainty that
/// comes from simulation noise.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    /// The estimate from every base sample and replication.
    pub value: f64,
    /// Lower end of the percentile bootstrap interval (points and replications resampled).
    pub low: f64,
    /// Upper end.
    pub high: f64,
    /// Bootstrap variance over replications (points fixed) divided by the sum of
    /// that and the variance over points (replications fixed); `None` with one
    /// replication, where noise cannot be told from the design, and for an
    /// estimate that does not vary (see [`noise_share`]).
    pub noise_share: Option<f64>,
}

/// The share of an estimate's bootstrap variance due to replications,
/// `v_reps / (v_points + v_reps)`, or `None` when both variances are negligible
/// against `scale²` (`scale`: the estimate's size, e.g. the mean effect).
///
/// A deterministic output (a cost linear in a parameter) gives the same
/// estimate in every resample up to floating-point rounding: both variances
/// are then rounding errors, some 1e-30 of `scale²`, and their ratio is a
/// number with no meaning (it printed "noise 10%" for a deterministic cost).
/// The threshold, a standard deviation of 1e-9 of `scale`, lies far above
/// rounding (about 1e-16 relative per operation, amplified by sums over
/// thousands of runs) and far below any simulation noise, which no number of
/// replications a sensitivity run can afford brings near 1e-9 of the effect.
pub(super) fn noise_share(v_points: f64, v_reps: f64, scale: f64) -> Option<f64> {
    let negligible = (1e-9 * scale.abs()).powi(2);
    // Not `<=` alone: a NaN variance (a NaN estimate) has no share either.
    if v_points + v_reps > negligible { Some(v_reps / (v_points + v_reps)) } else { None }
}

/// What a bootstrap needs: how many resamples, the interval's level, a seed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bootstrap {
    /// Resamples (0: no interval; the bounds are NaN).
    pub resamples: usize,
    /// Confidence level of the interval, e.g. 0.95.
    pub confidence: f64,
    /// Seed of the resampling stream.
    pub seed: u64,
}

/// All indices with intervals.
#[derive(Clone, Debug, PartialEq)]
pub struct SobolResult {
    /// S_i.
    pub first: Vec<Estimate>,
    /// ST_i.
    pub total: Vec<Estimate>,
    /// S_ij, i < j, in the order of [`SobolIndices::second`].
    pub second: Vec<Estimate>,
}

/// The indices of outputs `y[row][replication]` (every row the same number of
/// replications, at least one; replication r of every row shares its random
/// numbers), with bootstrap intervals.
///
/// The estimate uses each row's mean over replications. The interval resamples
/// base samples and replications together (the same replications for every row,
/// which keeps the common random numbers paired). The noise share compares a
/// bootstrap over replications alone with one over base samples alone.
pub fn analyse(layout: SaltelliLayout, y: &[Vec<f64>], bootstrap: Bootstrap) -> SobolResult {
    let replications = y.first().map_or(0, Vec::len);
    let all_blocks: Vec<usize> = (0..layout.base_samples).collect();
    let all_reps: Vec<usize> = (0..replications).collect();
    let means = |reps: &[usize]| -> Vec<f64> {
        y.iter().map(|row| reps.iter().map(|&r| row[r]).sum::<f64>() / reps.len() as f64).collect()
    };
    let flat = |s: SobolIndices| -> Vec<f64> { s.first.into_iter().chain(s.total).chain(s.second).collect() };
    let point = flat(indices(layout, &means(&all_reps), &all_blocks));
    let mut stream = Stream::new(bootstrap.seed, BOOTSTRAP_STREAM);
    let resample = |n: usize, stream: &mut Stream| -> Vec<usize> { (0..n).map(|_| stream.below(n)).collect() };
    let mut both = Vec::new();
    let mut over_points = Vec::new();
    let mut over_reps = Vec::new();
    let fixed_means = means(&all_reps);
    for _ in 0..bootstrap.resamples {
        let blocks = resample(layout.base_samples, &mut stream);
        let reps = resample(replications, &mut stream);
        both.push(flat(indices(layout, &means(&reps), &blocks)));
        if replications > 1 {
            over_points.push(flat(indices(layout, &fixed_means, &blocks)));
            over_reps.push(flat(indices(layout, &means(&reps), &all_blocks)));
        }
    }
    let tail = (1.0 - bootstrap.confidence) / 2.0;
    let estimates: Vec<Estimate> = point
        .iter()
        .enumerate()
        .map(|(m, &value)| {
            let column = |draws: &[Vec<f64>]| -> Vec<f64> { draws.iter().map(|d| d[m]).collect() };
            let spread = column(&both);
            // Indices are shares of the indicator's variance: their scale is 1.
            let noise_share = (!over_reps.is_empty())
                .then(|| {
                    let (_, v_points) = mean_variance(&column(&over_points));
                    let (_, v_reps) = mean_variance(&column(&over_reps));
                    noise_share(v_points, v_reps, 1.0)
                })
                .flatten();
            Estimate { value, low: quantile(&spread, tail), high: quantile(&spread, 1.0 - tail), noise_share }
        })
        .collect();
    let k = layout.parameters;
    let mut rest = estimates.into_iter();
    let first = rest.by_ref().take(k).collect();
    let total = rest.by_ref().take(k).collect();
    SobolResult { first, total, second: rest.collect() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_design_has_its_layout() {
        let layout = SaltelliLayout { base_samples: 4, parameters: 3, second_order: true };
        let rows = saltelli_design(layout, 0);
        assert_eq!(rows.len(), 4 * 8);
        let (a, b) = (&rows[8], &rows[15]);
        assert_eq!(rows[9], vec![b[0], a[1], a[2]], "AB^0 is A with B's first column");
        assert_eq!(rows[12], vec![a[0], b[1], b[2]], "BA^0 is B with A's first column");
        assert!(rows.iter().flatten().all(|&u| u > 0.0 && u < 1.0));
    }

    #[test]
    fn an_additive_function_has_equal_first_and_total_indices() {
        // f = x0 + 2 x1: S = ST = (1/5, 4/5).
        let layout = SaltelliLayout { base_samples: 4096, parameters: 2, second_order: true };
        let y: Vec<Vec<f64>> = saltelli_design(layout, 3).iter().map(|x| vec![x[0] + 2.0 * x[1]]).collect();
        let r = analyse(layout, &y, Bootstrap { resamples: 50, confidence: 0.95, seed: 1 });
        for (i, want) in [0.2, 0.8].into_iter().enumerate() {
            assert!((r.first[i].value - want).abs() < 0.02, "S{i} = {:?}", r.first[i]);
            assert!((r.total[i].value - want).abs() < 0.02, "ST{i} = {:?}", r.total[i]);
            assert!(r.first[i].low <= r.first[i].value && r.first[i].value <= r.first[i].high);
            assert_eq!(r.first[i].noise_share, None, "one replication: no noise share");
        }
        assert!(r.second[0].value.abs() < 0.03, "no interaction: {:?}", r.second[0]);
    }

    #[test]
    fn a_product_has_its_interaction_in_the_second_order_index() {
        // f = x0·x1 on [0, 1]²: V = 7/144, V0 = V1 = 1/48, so S0 = S1 = 3/7,
        // S01 = 1/7 and ST0 = ST1 = 4/7.
        let layout = SaltelliLayout { base_samples: 8192, parameters: 2, second_order: true };
        let y: Vec<Vec<f64>> = saltelli_design(layout, 5).iter().map(|x| vec![x[0] * x[1]]).collect();
        let r = analyse(layout, &y, Bootstrap { resamples: 20, confidence: 0.95, seed: 2 });
        for i in 0..2 {
            assert!((r.first[i].value - 3.0 / 7.0).abs() < 0.03, "S{i} = {:?}", r.first[i]);
            assert!((r.total[i].value - 4.0 / 7.0).abs() < 0.03, "ST{i} = {:?}", r.total[i]);
        }
        assert!((r.second[0].value - 1.0 / 7.0).abs() < 0.04, "S01 = {:?}", r.second[0]);
    }
}
