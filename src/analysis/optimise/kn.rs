//! The fully sequential ranking-and-selection procedure KN++ (Kim and Nelson 2001,
//! "A fully sequential procedure for indifference-zone selection in simulation",
//! *ACM TOMACS* 11(3); the variance-updating KN++ of Kim and Nelson 2006, "On the
//! asymptotic validity of fully sequential selection procedures for steady-state
//! simulation", *Operations Research* 54(3), and their chapter "Selecting the
//! best system" in the *Handbooks in OR & MS* vol. 13, 2006).
//!
//! Every surviving design gets one more replication per stage; after each stage,
//! design `i` is eliminated when some other survivor `l` is better by more than a
//! shrinking allowance `W_il(r) = max(0, δ/(2r)·(h² S²_il/δ² − r))`, where
//! `S²_il` is the sample variance of the paired differences `X_ij − X_lj` (so
//! common random numbers, which make designs positively correlated, shrink it and
//! the work), `δ` the indifference zone and `h² = (n−1)((2β)^(−2/(n−1)) − 1)`
//! (`c = 1`). With common random numbers `β = α/(k−1)` (Bonferroni); with
//! independent designs `β = 1 − (1−α)^(1/(k−1))`. KN++ recomputes `S²_il` and `h²`
//! with `n = r` at every stage; KN keeps the first stage's (`n = n₀`).
//!
//! **Guarantee**: when the best design's mean is at least `δ` better than every
//! other's, the one selected is the best with probability at least `1 − α`; for KN
//! exactly for normal observations, for KN++ asymptotically (as δ → 0), and close to
//! it in practice (test `kn`). Here smaller is better.
//!
//! Like [`super::ocba::sequential`], [`select`] is a function of the observations:
//! it replays the stages from the first and either says which replication it needs
//! next or which design it selects, so an interrupted selection resumes exactly.

/// Settings of KN / KN++.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct KnSettings {
    /// 1 − α is the probability of correct selection asked for.
    pub alpha: f64,
    /// Indifference zone δ > 0: differences smaller than this do not matter.
    pub delta: f64,
    /// First-stage replications n₀ (at least 2).
    pub first_stage: u64,
    /// Replications per design at most; at this cap the smallest sample mean among
    /// the survivors is taken and the guarantee is not claimed.
    pub max_replications: u64,
    /// Update the variances at every stage (KN++) rather than keep the first stage's (KN).
    pub update_variances: bool,
    /// The designs share random numbers (Bonferroni β); else they are independent.
    pub common_random_numbers: bool,
}

/// What the procedure needs or concluded.
#[derive(Clone, Debug, PartialEq)]
pub enum KnStatus {
    /// Replication `replication` (counting from 0) of each of `designs`.
    Need {
        /// The surviving designs that lack it.
        designs: Vec<usize>,
        /// The replication index.
        replication: u64,
    },
    /// The procedure stopped.
    Selected {
        /// The design selected.
        design: usize,
        /// Replications per surviving design at the end.
        stage: u64,
        /// False when the replication cap stopped it before one design was left.
        guaranteed: bool,
    },
}

/// Running sums of the paired differences of two designs, shifted by their first
/// difference for accuracy.
#[derive(Clone, Copy, Default)]
struct Pair {
    shift: f64,
    sum: f64,
    sum_squares: f64,
}

impl Pair {
    fn push(&mut self, difference: f64, first: bool) {
        if first {
            self.shift = difference;
        }
        let d = difference - self.shift;
        self.sum += d;
        self.sum_squares += d * d;
    }

    fn variance(&self, n: u64) -> f64 {
        let n = n as f64;
        ((self.sum_squares - self.sum * self.sum / n) / (n - 1.0)).max(0.0)
    }
}

/// `h²` for `k` designs from `n` observations (c = 1).
fn h_squared(settings: &KnSettings, k: usize, n: u64) -> f64 {
    let others = (k.max(2) - 1) as f64;
    let beta = if settings.common_random_numbers {
        settings.alpha / others
    } else {
        1.0 - (1.0 - settings.alpha).powf(1.0 / others)
    };
    let df = (n.max(2) - 1) as f64;
    df * ((2.0 * beta).powf(-2.0 / df) - 1.0)
}

/// Runs KN (or KN++) on the observations so far; `data[i][j]` is replication `j` of
/// design `i` (replication `j` of every design uses the same random numbers when
/// `common_random_numbers`).
pub fn select(data: &[Vec<f64>], settings: KnSettings) -> KnStatus {
    let k = data.len();
    let n0 = settings.first_stage.max(2);
    let short = |designs: &[usize], r: u64| -> Vec<usize> {
        designs.iter().copied().filter(|&i| (data[i].len() as u64) < r).collect()
    };
    let mut alive: Vec<usize> = (0..k).collect();
    if k <= 1 {
        return KnStatus::Selected { design: 0, stage: 0, guaranteed: true };
    }
    for r in 1..=n0 {
        let missing = short(&alive, r);
        if !missing.is_empty() {
            return KnStatus::Need { designs: missing, replication: r - 1 };
        }
    }
    let mut pairs = vec![Pair::default(); k * k];
    let mut sums = vec![0.0; k];
    let mut fixed_variance = vec![0.0; k * k];
    let h2_first = h_squared(&settings, k, n0);
    let add_stage = |j: usize, alive: &[usize], sums: &mut [f64], pairs: &mut [Pair]| {
        for &i in alive {
            sums[i] += data[i][j];
            for &l in alive {
                pairs[i * k + l].push(data[i][j] - data[l][j], j == 0);
            }
        }
    };
    for j in 0..n0 as usize {
        add_stage(j, &alive, &mut sums, &mut pairs);
    }
    for (v, pair) in fixed_variance.iter_mut().zip(&pairs) {
        *v = pair.variance(n0);
    }
    let mut r = n0;
    loop {
        let h2 = if settings.update_variances { h_squared(&settings, k, r) } else { h2_first };
        let rf = r as f64;
        let mut all_zero = true;
        let survivors: Vec<usize> = alive
            .iter()
            .copied()
            .filter(|&i| {
                alive.iter().filter(|&&l| l != i).all(|&l| {
                    let s2 = if settings.update_variances {
                        pairs[i * k + l].variance(r)
                    } else {
                        fixed_variance[i * k + l]
                    };
                    let w = (settings.delta / (2.0 * rf) * (h2 * s2 / (settings.delta * settings.delta) - rf)).max(0.0);
                    all_zero &= w == 0.0;
                    sums[i] / rf <= sums[l] / rf + w
                })
            })
            .collect();
        alive = survivors;
        // With every allowance at 0 only the smallest means survive: KN's last stage.
        let smallest =
            || alive.iter().copied().min_by(|&a, &b| sums[a].total_cmp(&sums[b]).then(a.cmp(&b))).unwrap_or(0);
        if alive.len() == 1 || all_zero {
            return KnStatus::Selected { design: smallest(), stage: r, guaranteed: true };
        }
        if r >= settings.max_replications {
            return KnStatus::Selected { design: smallest(), stage: r, guaranteed: false };
        }
        r += 1;
        let missing = short(&alive, r);
        if !missing.is_empty() {
            return KnStatus::Need { designs: missing, replication: r - 1 };
        }
        add_stage((r - 1) as usize, &alive, &mut sums, &mut pairs);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;
    use rand_distr::{Distribution, StandardNormal};

    /// Runs KN++ on `means` (standard deviation `sd`, correlation `rho` between
    /// designs through a shared normal per replication) until it selects.
    fn run(means: &[f64], sd: f64, rho: f64, settings: KnSettings, seed: u64) -> (usize, u64) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut data: Vec<Vec<f64>> = vec![Vec::new(); means.len()];
        let mut shared: Vec<f64> = Vec::new();
        loop {
            match select(&data, settings) {
                KnStatus::Need { designs, replication } => {
                    while shared.len() <= replication as usize {
                        shared.push(StandardNormal.sample(&mut rng));
                    }
                    for i in designs {
                        while data[i].len() <= replication as usize {
                            let own: f64 = StandardNormal.sample(&mut rng);
                            let z = rho.sqrt() * shared[data[i].len()] + (1.0 - rho).sqrt() * own;
                            data[i].push(means[i] + sd * z);
                        }
                    }
                }
                KnStatus::Selected { design, .. } => {
                    return (design, data.iter().map(|d| d.len() as u64).sum());
                }
            }
        }
    }

    /// Share of `macro_replications` seeded runs of KN++ (α = 0.05, δ = 0.5, n₀ = 10,
    /// common random numbers with correlation 0.3, standard deviation 1) that
    /// select design 3, the true best of `means`.
    fn correct_share(means: &[f64], macro_replications: u64) -> f64 {
        let settings = KnSettings {
            alpha: 0.05,
            delta: 0.5,
            first_stage: 10,
            max_replications: 100_000,
            update_variances: true,
            common_random_numbers: true,
        };
        let mut correct = 0;
        let mut work = 0;
        for m in 0..macro_replications {
            let (chosen, runs) = run(means, 1.0, 0.3, settings, 1000 + m);
            correct += u64::from(chosen == 3);
            work += runs;
        }
        eprintln!(
            "KN++ on {means:?}: {correct}/{macro_replications} correct, {} runs on average",
            work / macro_replications
        );
        correct as f64 / macro_replications as f64
    }

    /// KN++ selects the true best of k = 10 normal designs in at least 95% of 200
    /// seeded macro-replications at α = 0.05, the best δ ahead of the second and
    /// the others spaced by δ (its PCS measured over 4000 macro-replications is
    /// 0.994, so 190 of 200 is about 8 standard deviations of the count away).
    /// In the slippage configuration (every other design exactly δ behind: the
    /// least favourable case the guarantee covers) KN++'s validity is asymptotic;
    /// measured, its PCS is 0.956 (KN's, with first-stage variances, 0.974), so it
    /// is checked on 4000 macro-replications, where 0.95 is 2 standard deviations
    /// of the share below what was measured.
    #[test]
    fn kn() {
        let delta = 0.5;
        let spaced: Vec<f64> = (0..10).map(|i: usize| delta * [1, 2, 3, 0, 4, 5, 6, 7, 8, 9][i] as f64).collect();
        assert!(correct_share(&spaced, 200) >= 0.95);
        let mut slippage = vec![delta; 10];
        slippage[3] = 0.0;
        assert!(correct_share(&slippage, 4000) >= 0.95);
    }

    #[test]
    fn kn_stops_at_once_on_deterministic_designs_and_keeps_ties_in_order() {
        let settings = KnSettings {
            alpha: 0.05,
            delta: 1.0,
            first_stage: 3,
            max_replications: 50,
            update_variances: true,
            common_random_numbers: true,
        };
        let data = vec![vec![5.0; 3], vec![2.0; 3], vec![2.0; 3]];
        assert_eq!(select(&data, settings), KnStatus::Selected { design: 1, stage: 3, guaranteed: true });
        // Fewer than the first stage: it asks for the missing replication.
        let data = vec![vec![5.0; 3], vec![2.0; 2]];
        assert_eq!(select(&data, settings), KnStatus::Need { designs: vec![1], replication: 2 });
    }

    #[test]
    fn classic_kn_also_selects_a_clear_best() {
        let settings = KnSettings {
            alpha: 0.05,
            delta: 0.5,
            first_stage: 10,
            max_replications: 10_000,
            update_variances: false,
            common_random_numbers: false,
        };
        let (chosen, _) = run(&[3.0, 1.0, 2.0, 4.0], 1.0, 0.0, settings, 7);
        assert_eq!(chosen, 1);
    }
}
