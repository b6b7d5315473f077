//! Optimal computing budget allocation (OCBA; Chen and Lee 2010, *Stochastic
//! Simulation Optimization: An Optimal Computing Budget Allocation*, World
//! Scientific, ch. 3 and the program of its appendix D): how to share a fixed
//! number of further replications among designs so as to raise the (approximate)
//! probability of selecting the design with the smallest mean.
//!
//! Pure functions: no simulation, no I/O. [`allocate`] is one allocation step;
//! [`sequential`] runs the usual sequential procedure (a first stage, then steps
//! of `increment` replications) over a sampling function, and [`approximate_pcs`]
//! is the Bonferroni lower bound on the probability of correct selection that OCBA
//! maximises. The design with the smallest sample mean is the one selected.
//!
//! **Rounding.** The asymptotic rule gives real-valued shares of the total
//! (replications already done plus the new budget). Like the book's program
//! (appendix D, function `ocba`), each share is rounded *down*; a design whose
//! share is below what it has already run keeps what it has and is left out while
//! the others' shares are worked out again; the replications that rounding down
//! leaves over all go to the current best design. The example of the book (means
//! 1.2, 2.1, 3.4, 4.87, 6.05; variances 3.3, 2.0, 4.5, 5.3, 6.9; 12, 6, 5, 5, 4
//! replications done; 100 more) gives 48, 38, 11, 2, 1 with this rule (test `ocba`).

/// The smallest mean's index (the first of equal ones).
fn best(means: &[f64]) -> usize {
    let mut b = 0;
    for (i, &m) in means.iter().enumerate() {
        if m < means[b] {
            b = i;
        }
    }
    b
}

/// Further replications for each design out of `budget` more (minimisation):
/// `means` and `variances` are the designs' sample means and variances, `done`
/// the replications each has had. The result sums to `budget`. With fewer than
/// two designs, or without a distinct second best, everything goes to the best.
pub fn allocate(means: &[f64], variances: &[f64], done: &[u64], budget: u64) -> Vec<u64> {
    let k = means.len();
    debug_assert!(variances.len() == k && done.len() == k);
    let mut more = vec![0u64; k];
    if k == 0 {
        return more;
    }
    let b = best(means);
    let total: u64 = budget + done.iter().sum::<u64>();
    // The second best: the smallest mean other than the best's.
    let s = (0..k).filter(|&i| i != b).min_by(|&i, &j| means[i].total_cmp(&means[j]).then(i.cmp(&j)));
    let ratios = match s {
        Some(s) if means[s] > means[b] => Some(ratios(means, variances, b, s)),
        _ => None,
    };
    let Some(ratio) = ratios else {
        more[b] = budget;
        return more;
    };
    // Shares of the total in proportion to `ratio`, rounded down; a design whose
    // share is below what it has run keeps that and drops out of the sharing.
    let mut sharing = vec![true; k];
    let mut share = vec![0u64; k];
    loop {
        let kept: u64 = (0..k).filter(|&i| !sharing[i]).map(|i| share[i]).sum();
        let left = total.saturating_sub(kept) as f64;
        let ratio_sum: f64 = (0..k).filter(|&i| sharing[i]).map(|i| ratio[i]).sum();
        let mut dropped = false;
        let active: Vec<usize> = (0..k).filter(|&i| sharing[i]).collect();
        for i in active {
            let raw = (left / ratio_sum * ratio[i]).floor();
            share[i] = if raw.is_finite() && raw > 0.0 { raw as u64 } else { 0 };
            if share[i] < done[i] {
                share[i] = done[i];
                sharing[i] = false;
                dropped = true;
            }
        }
        if !dropped || sharing.iter().all(|s| !s) {
            break;
        }
    }
    let allotted: u64 = share.iter().sum();
    share[b] = (share[b] + total).saturating_sub(allotted);
    for i in 0..k {
        more[i] = share[i].saturating_sub(done[i]);
    }
    // Never more than the budget (when every design already had more than its share).
    let given: u64 = more.iter().sum();
    if given > budget {
        more[b] = more[b].saturating_sub(given - budget);
    }
    more
}

/// The asymptotic OCBA ratios N_i / N_s (Chen and Lee 2010, theorem 3.1): for
/// designs other than the best `b`, `(σ_i/Δ_i)² / (σ_s/Δ_s)²`, with `Δ_i` the gap to
/// the best; for the best, `σ_b √(Σ_{i≠b} N_i²/σ_i²)`.
fn ratios(means: &[f64], variances: &[f64], b: usize, s: usize) -> Vec<f64> {
    // A variance of 0 (a deterministic indicator) would make a ratio 0 or undefined:
    // a tiny positive floor keeps the formula defined and gives such a design little.
    let floor = 1e-12 * variances.iter().fold(1.0f64, |m, &v| m.max(v.abs()));
    let var = |i: usize| if variances[i].is_finite() && variances[i] > floor { variances[i] } else { floor };
    let mut ratio = vec![0.0; means.len()];
    ratio[s] = 1.0;
    for i in (0..means.len()).filter(|&i| i != b && i != s) {
        let gap = means[b] - means[i];
        let t = if gap == 0.0 { 1.0 } else { (means[b] - means[s]) / gap };
        ratio[i] = t * t * var(i) / var(s);
    }
    let sum: f64 = (0..means.len()).filter(|&i| i != b).map(|i| ratio[i] * ratio[i] / var(i)).sum();
    ratio[b] = (var(b) * sum).sqrt();
    ratio
}

/// The Bonferroni lower bound on the probability that the design with the
/// smallest sample mean has the smallest true mean, under the normal
/// approximation of the posterior (Chen and Lee 2010, §3.3):
/// `1 − Σ_{i≠b} Φ(−(m_i − m_b) / √(s_b²/n_b + s_i²/n_i))`, at least 0.
pub fn approximate_pcs(means: &[f64], variances: &[f64], done: &[u64]) -> f64 {
    if means.len() < 2 {
        return 1.0;
    }
    let b = best(means);
    let mut miss = 0.0;
    for i in (0..means.len()).filter(|&i| i != b) {
        let spread = (variances[b] / done[b].max(1) as f64 + variances[i] / done[i].max(1) as f64).sqrt();
        let gap = means[i] - means[b];
        miss += if spread > 0.0 {
            crate::stats::normal_cdf(-gap / spread)
        } else if gap > 0.0 {
            0.0
        } else {
            0.5
        };
    }
    (1.0 - miss).max(0.0)
}

/// Settings of the sequential OCBA procedure.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OcbaSettings {
    /// Replications every design has first (at least 2, for a variance).
    pub first_stage: u64,
    /// Replications shared out at each step.
    pub increment: u64,
    /// Total replications over all designs, the first stage included.
    pub budget: u64,
}

/// What the sequential procedure asks for, or what it concluded.
#[derive(Clone, Debug, PartialEq)]
pub enum OcbaStatus {
    /// Replications `have..want` of each design are needed (`(design, want)`).
    Need(Vec<(usize, u64)>),
    /// The budget is spent: the design selected and the approximate PCS.
    Selected {
        /// Index of the design with the smallest sample mean.
        design: usize,
        /// [`approximate_pcs`] at the end.
        approximate_pcs: f64,
    },
}

/// The sequential OCBA procedure as a function of the observations so far:
/// `data[i]` holds design `i`'s replications 0, 1, … in order. It replays the
/// allocation steps from the first stage on, so the same data always give the
/// same answer (which is what lets an interrupted run resume): each step is
/// decided from the first `n_i` observations of each design as they stood then.
/// `start[i]` is how many replications design `i` had before the procedure (at
/// least the first stage is used).
pub fn sequential(data: &[Vec<f64>], start: &[u64], settings: OcbaSettings) -> OcbaStatus {
    let k = data.len();
    let first = settings.first_stage.max(2);
    let mut counts: Vec<u64> = (0..k).map(|i| start.get(i).copied().unwrap_or(0).max(first)).collect();
    loop {
        let short: Vec<(usize, u64)> =
            (0..k).filter(|&i| (data[i].len() as u64) < counts[i]).map(|i| (i, counts[i])).collect();
        if !short.is_empty() {
            return OcbaStatus::Need(short);
        }
        let (means, variances) = moments(data, &counts);
        let spent: u64 = counts.iter().sum();
        if spent >= settings.budget || k < 2 {
            return OcbaStatus::Selected {
                design: best(&means),
                approximate_pcs: approximate_pcs(&means, &variances, &counts),
            };
        }
        let step = settings.increment.max(1).min(settings.budget - spent);
        let more = allocate(&means, &variances, &counts, step);
        for i in 0..k {
            counts[i] += more[i];
        }
    }
}

/// Sample means and variances of the first `counts[i]` observations of each design.
fn moments(data: &[Vec<f64>], counts: &[u64]) -> (Vec<f64>, Vec<f64>) {
    data.iter()
        .zip(counts)
        .map(|(d, &n)| {
            let s = crate::stats::Summary::of(&d[..n as usize]);
            (s.mean, s.std_dev * s.std_dev)
        })
        .unzip()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of Chen and Lee (2010), ch. 3 and appendix D.
    #[test]
    fn ocba() {
        let means = [1.2, 2.1, 3.4, 4.87, 6.05];
        let variances = [3.3, 2.0, 4.5, 5.3, 6.9];
        let done = [12, 6, 5, 5, 4];
        assert_eq!(allocate(&means, &variances, &done, 100), vec![48, 38, 11, 2, 1]);
    }

    #[test]
    fn allocation_spends_the_budget_and_respects_what_was_done() {
        // A design far behind that has already run a lot gets nothing more.
        let more = allocate(&[1.0, 1.5, 50.0], &[1.0, 1.0, 1.0], &[5, 5, 40], 30);
        assert_eq!(more.iter().sum::<u64>(), 30);
        assert_eq!(more[2], 0);
        // Equal means: no second best distinct from the best, all to the best.
        assert_eq!(allocate(&[2.0, 2.0], &[1.0, 1.0], &[3, 3], 10), vec![10, 0]);
        // Zero variances keep the formula defined.
        let more = allocate(&[1.0, 2.0, 3.0], &[0.0, 0.0, 0.0], &[2, 2, 2], 9);
        assert_eq!(more.iter().sum::<u64>(), 9);
    }

    #[test]
    fn sequential_ocba_picks_the_smallest_mean_of_clear_designs() {
        // Deterministic "observations": design 1 is best by far.
        let make = |mean: f64, n: usize| (0..n).map(|j| mean + if j % 2 == 0 { 0.5 } else { -0.5 }).collect();
        let settings = OcbaSettings { first_stage: 4, increment: 6, budget: 40 };
        let mut data: Vec<Vec<f64>> = vec![Vec::new(); 3];
        let status = loop {
            match sequential(&data, &[0, 0, 0], settings) {
                OcbaStatus::Need(needs) => {
                    for (i, want) in needs {
                        let mean = [5.0, 1.0, 3.0][i];
                        data[i] = make(mean, want as usize);
                    }
                }
                done => break done,
            }
        };
        let OcbaStatus::Selected { design, approximate_pcs } = status else { unreachable!() };
        assert_eq!(design, 1);
        assert!(approximate_pcs > 0.99, "{approximate_pcs}");
        assert_eq!(data.iter().map(|d| d.len() as u64).sum::<u64>(), 40);
    }
}
