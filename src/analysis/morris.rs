//! Morris elementary effects (Morris 1991; μ* from Campolongo, Cariboni and
//! Saltelli 2007): `r` one-at-a-time trajectories on a `p`-level grid of the unit
//! cube, and per parameter the mean effect μ, the mean absolute effect μ* (the
//! screening measure) and the standard deviation σ (non-linearity and
//! interactions). Pure: no I/O.
//!
//! Effects are per unit of the normalised input (the parameter's whole range is
//! 1), so they compare across parameters of different units.

use super::sobol::{Bootstrap, Estimate, noise_share};
use super::stream::{Stream, mean_variance, quantile};

/// Purpose of the trajectory stream.
const TRAJECTORY_STREAM: u64 = 0x6d6f_7272_6973_7472;
/// Purpose of the bootstrap stream.
const BOOTSTRAP_STREAM: u64 = 0x6d6f_7272_6973_6273;

/// The shape of a Morris design.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MorrisLayout {
    /// Parameters k.
    pub parameters: usize,
    /// Trajectories r.
    pub trajectories: usize,
    /// Grid levels p (even, at least 2).
    pub levels: usize,
}

impl MorrisLayout {
    /// Rows of the design, r·(k + 1) (saturating).
    pub fn rows(&self) -> u64 {
        (self.trajectories as u64).saturating_mul(self.parameters as u64 + 1)
    }

    /// The step Δ = p / (2(p − 1)).
    pub fn delta(&self) -> f64 {
        self.levels as f64 / (2.0 * (self.levels as f64 - 1.0))
    }
}

/// The trajectories, `k + 1` rows each, values on the grid {0, 1/(p−1), …, 1}:
/// a random start where every coordinate can move by Δ, then each parameter in a
/// random order moved once by +Δ or −Δ.
pub fn morris_design(layout: MorrisLayout, seed: u64) -> Vec<Vec<f64>> {
    let k = layout.parameters;
    let p = layout.levels;
    let step = 1.0 / (p as f64 - 1.0);
    let delta = layout.delta();
    // Starts from which +Δ stays in the grid: the first p/2 levels.
    let starts = p / 2;
    let mut stream = Stream::new(seed, TRAJECTORY_STREAM);
    let mut rows = Vec::with_capacity(layout.rows() as usize);
    for _ in 0..layout.trajectories {
        let mut x: Vec<f64> = Vec::with_capacity(k);
        let mut up: Vec<bool> = Vec::with_capacity(k);
        for _ in 0..k {
            let low = stream.below(starts) as f64 * step;
            let goes_up = stream.uniform() < 0.5;
            x.push(if goes_up { low } else { low + delta });
            up.push(goes_up);
        }
        let mut order: Vec<usize> = (0..k).collect();
        for i in (1..k).rev() {
            let j = stream.below(i + 1);
            order.swap(i, j);
        }
        rows.push(x.clone());
        for &i in &order {
            x[i] += if up[i] { delta } else { -delta };
            // Keep the grid exact (no drift from repeated sums).
            x[i] = (x[i] / step).round() * step;
            rows.push(x.clone());
        }
    }
    rows
}

/// The Morris measures of one parameter.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MorrisEffect {
    /// Mean elementary effect μ.
    pub mu: f64,
    /// Mean absolute elementary effect μ*, with its bootstrap interval and noise share.
    pub mu_star: Estimate,
    /// Standard deviation σ of the elementary effects.
    pub sigma: f64,
}

/// The elementary effects per parameter (one per trajectory) from the outputs
/// `y` (one per design row).
fn effects(design: &[Vec<f64>], y: &[f64], k: usize) -> Vec<Vec<f64>> {
    let mut out = vec![Vec::new(); k];
    for t in 0..design.len() / (k + 1) {
        for m in 0..k {
            let (before, after) = (t * (k + 1) + m, t * (k + 1) + m + 1);
            let moved = (0..k).find(|&i| design[before][i] != design[after][i]).expect("each step moves a parameter");
            let dx = design[after][moved] - design[before][moved];
            out[moved].push((y[after] - y[before]) / dx);
        }
    }
    out
}

/// μ, μ*, σ per parameter from outputs `y[row][replication]` over `design` (as
/// built by [`morris_design`]), with bootstrap intervals for μ* over
/// trajectories and replications (see [`super::sobol::analyse`] for the noise share).
pub fn analyse(layout: MorrisLayout, design: &[Vec<f64>], y: &[Vec<f64>], bootstrap: Bootstrap) -> Vec<MorrisEffect> {
    let k = layout.parameters;
    let replications = y.first().map_or(0, Vec::len);
    let means = |reps: &[usize]| -> Vec<f64> {
        y.iter().map(|row| reps.iter().map(|&r| row[r]).sum::<f64>() / reps.len() as f64).collect()
    };
    let all_reps: Vec<usize> = (0..replications).collect();
    let all_trajectories: Vec<usize> = (0..layout.trajectories).collect();
    let mu_star = |ee: &[Vec<f64>], pick: &[usize]| -> Vec<f64> {
        ee.iter().map(|e| pick.iter().map(|&t| e[t].abs()).sum::<f64>() / pick.len() as f64).collect()
    };
    let ee = effects(design, &means(&all_reps), k);
    let point = mu_star(&ee, &all_trajectories);
    let mut stream = Stream::new(bootstrap.seed, BOOTSTRAP_STREAM);
    let (mut both, mut over_points, mut over_reps) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..bootstrap.resamples {
        let pick: Vec<usize> = (0..layout.trajectories).map(|_| stream.below(layout.trajectories)).collect();
        let reps: Vec<usize> = (0..replications).map(|_| stream.below(replications)).collect();
        let resampled = effects(design, &means(&reps), k);
        both.push(mu_star(&resampled, &pick));
        if replications > 1 {
            over_points.push(mu_star(&ee, &pick));
            over_reps.push(mu_star(&resampled, &all_trajectories));
        }
    }
    let tail = (1.0 - bootstrap.confidence) / 2.0;
    (0..k)
        .map(|i| {
            let column = |draws: &[Vec<f64>]| -> Vec<f64> { draws.iter().map(|d| d[i]).collect() };
            let (mu, variance) = mean_variance(&ee[i]);
            // Negligible against the squared mean effect μ*: a deterministic effect, no share.
            let noise_share = (!over_reps.is_empty())
                .then(|| {
                    let (_, v_points) = mean_variance(&column(&over_points));
                    let (_, v_reps) = mean_variance(&column(&over_reps));
                    noise_share(v_points, v_reps, point[i])
                })
                .flatten();
            let spread = column(&both);
            MorrisEffect {
                mu,
                mu_star: Estimate {
                    value: point[i],
                    low: quantile(&spread, tail),
                    high: quantile(&spread, 1.0 - tail),
                    noise_share,
                },
                sigma: variance.sqrt(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trajectories_move_one_parameter_at_a_time_by_delta() {
        let layout = MorrisLayout { parameters: 5, trajectories: 10, levels: 4 };
        let rows = morris_design(layout, 9);
        assert_eq!(rows.len(), 60);
        for t in 0..10 {
            let mut moved = Vec::new();
            for m in 0..5 {
                let (a, b) = (&rows[t * 6 + m], &rows[t * 6 + m + 1]);
                let changed: Vec<usize> = (0..5).filter(|&i| a[i] != b[i]).collect();
                assert_eq!(changed.len(), 1);
                assert!(((a[changed[0]] - b[changed[0]]).abs() - layout.delta()).abs() < 1e-12);
                moved.push(changed[0]);
            }
            moved.sort_unstable();
            assert_eq!(moved, [0, 1, 2, 3, 4], "every parameter moves once");
        }
        assert!(rows.iter().flatten().all(|&u| (0.0..=1.0).contains(&u)));
    }

    /// A deterministic effect (a cost linear in the parameter, the replications
    /// differing only by rounding) has no noise share; a noisy one keeps its share.
    #[test]
    fn a_deterministic_effect_has_no_noise_share() {
        let layout = MorrisLayout { parameters: 2, trajectories: 10, levels: 4 };
        let design = morris_design(layout, 3);
        let bootstrap = Bootstrap { resamples: 100, confidence: 0.95, seed: 4 };
        // Replication r adds r units in the last place of a cost near 60,000: rounding.
        let rounding = |x: &[f64], r: usize| {
            let cost = 60_000.0 * x[0] + 1_000.0;
            cost + r as f64 * cost * f64::EPSILON
        };
        let y: Vec<Vec<f64>> = design.iter().map(|x| (0..3).map(|r| rounding(x, r)).collect()).collect();
        let effects = analyse(layout, &design, &y, bootstrap);
        assert!((effects[0].mu_star.value - 60_000.0).abs() < 1e-6, "{:?}", effects[0]);
        assert_eq!(effects[0].mu_star.noise_share, None, "{:?}", effects[0]);
        assert_eq!(effects[1].mu_star.noise_share, None, "no effect at all: {:?}", effects[1]);
        // The same effect with noise of a few percent per replication and point.
        let mut stream = Stream::new(5, 1);
        let noisy: Vec<Vec<f64>> =
            design.iter().map(|x| (0..3).map(|r| rounding(x, r) + 3_000.0 * stream.normal()).collect()).collect();
        let share = analyse(layout, &design, &noisy, bootstrap)[0].mu_star.noise_share;
        assert!(share.is_some_and(|s| s > 0.0 && s < 1.0), "{share:?}");
    }
}
