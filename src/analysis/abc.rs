//! Approximate Bayesian computation: rejection, and sequential Monte Carlo with
//! decreasing tolerances, importance weights and a Gaussian perturbation kernel
//! (Toni et al. 2009, *J. R. Soc. Interface* 6; Beaumont et al. 2009,
//! *Biometrika* 96: the kernel's variance is twice the previous population's
//! weighted variance). Pure: the simulator is a callback that turns a batch of
//! parameter vectors into distances, so the same code runs a toy model in a test
//! and a sweep of scenarios in `reformsim calibrate`.
//!
//! Tolerances adapt (Del Moral et al. 2012; Beaumont et al. 2009): population
//! t + 1 accepts proposals within the `quantile` of population t's distances.

use super::stream::Stream;
use crate::stats::normal_quantile;

/// The standard normal CDF, exact at the infinities (bounds may be infinite).
fn normal_cdf(z: f64) -> f64 {
    if z == f64::INFINITY {
        1.0
    } else if z == f64::NEG_INFINITY {
        0.0
    } else {
        crate::stats::normal_cdf(z)
    }
}

/// Purpose of the proposal stream.
const PROPOSAL_STREAM: u64 = 0x6162_635f_7072_6f70;

/// A prior distribution of one parameter.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Prior {
    /// Uniform on [from, to].
    Uniform {
        /// Lower bound.
        from: f64,
        /// Upper bound.
        to: f64,
    },
    /// Normal with this mean and standard deviation, truncated to [from, to]
    /// (either may be infinite).
    Normal {
        /// Mean before truncation.
        mean: f64,
        /// Standard deviation before truncation.
        sd: f64,
        /// Lower bound.
        from: f64,
        /// Upper bound.
        to: f64,
    },
    /// log-uniform on [from, to] (0 < from).
    LogUniform {
        /// Lower bound.
        from: f64,
        /// Upper bound.
        to: f64,
    },
}

impl Prior {
    /// Why the prior has no support (or is malformed), if so.
    pub fn problem(&self) -> Option<String> {
        let bad = |x: f64| x.is_nan();
        match *self {
            Prior::Uniform { from, to } if !(from.is_finite() && to.is_finite()) || from >= to => {
                Some(format!("Uniform(from: {from}, to: {to}) has no support: write finite bounds with from < to"))
            }
            Prior::LogUniform { from, to } if !(from > 0.0 && to.is_finite()) || from >= to => Some(format!(
                "LogUniform(from: {from}, to: {to}) has no support: write finite bounds with 0 < from < to"
            )),
            Prior::Normal { mean, sd, from, to } => {
                if bad(mean) || !mean.is_finite() || !(sd > 0.0 && sd.is_finite()) {
                    return Some(format!("Normal(mean: {mean}, sd: {sd}) needs a finite mean and sd > 0"));
                }
                let mass = normal_cdf((to - mean) / sd) - normal_cdf((from - mean) / sd);
                (bad(from) || bad(to) || from >= to || mass < 1e-12).then(|| {
                    format!(
                        "Normal(mean: {mean}, sd: {sd}) truncated to [{from}, {to}] has no support: the bounds must satisfy from < to and hold some of the distribution"
                    )
                })
            }
            _ => None,
        }
    }

    /// The value at cumulative probability `u` in (0, 1) (the inverse CDF).
    pub fn quantile(&self, u: f64) -> f64 {
        match *self {
            Prior::Uniform { from, to } => from + u * (to - from),
            Prior::LogUniform { from, to } => (from.ln() + u * (to.ln() - from.ln())).exp(),
            Prior::Normal { mean, sd, from, to } => {
                let (lo, hi) = (normal_cdf((from - mean) / sd), normal_cdf((to - mean) / sd));
                let p = (lo + u * (hi - lo)).clamp(1e-300, 1.0 - 1e-16);
                (mean + sd * normal_quantile(p)).clamp(from, to)
            }
        }
    }

    /// The density at `x`, up to a constant factor (0 outside the support).
    pub fn density(&self, x: f64) -> f64 {
        match *self {
            Prior::Uniform { from, to } => f64::from(u8::from(x >= from && x <= to)),
            Prior::LogUniform { from, to } => {
                if x >= from && x <= to {
                    1.0 / x
                } else {
                    0.0
                }
            }
            Prior::Normal { mean, sd, from, to } => {
                if x >= from && x <= to {
                    (-0.5 * ((x - mean) / sd).powi(2)).exp()
                } else {
                    0.0
                }
            }
        }
    }
}

/// The distance between simulated and observed indicators: the Euclidean norm
/// of the differences, each divided by its target's scale (its tolerance or
/// standard error). NaN (an undefined simulated value) is infinitely far.
pub fn distance(simulated: &[f64], observed: &[f64], scale: &[f64]) -> f64 {
    let sum: f64 = simulated.iter().zip(observed).zip(scale).map(|((s, o), c)| ((s - o) / c).powi(2)).sum();
    if sum.is_nan() { f64::INFINITY } else { sum.sqrt() }
}

/// One population of particles.
#[derive(Clone, Debug, PartialEq)]
pub struct Population {
    /// Parameter vectors.
    pub particles: Vec<Vec<f64>>,
    /// Normalised importance weights (sum 1).
    pub weights: Vec<f64>,
    /// Each particle's distance.
    pub distances: Vec<f64>,
    /// The tolerance the population was accepted at (infinite for the first SMC one).
    pub tolerance: f64,
    /// Simulations spent on this population (accepted or not).
    pub simulations: u64,
    /// Where each particle was simulated: (generation, batch, position in the batch).
    pub origins: Vec<(usize, usize, usize)>,
}

/// The settings of ABC-SMC.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SmcSettings {
    /// Particles per population.
    pub particles: usize,
    /// Populations (the first is drawn from the prior).
    pub generations: usize,
    /// The next tolerance is this quantile of the current distances (e.g. 0.5).
    pub quantile: f64,
    /// Most simulations in all; the last population may stop short of `particles`.
    pub max_simulations: u64,
    /// Seed of the proposal stream.
    pub seed: u64,
}

/// The simulator: `(generation, batch, parameter vectors)` → one distance each.
pub type Simulate<'a, E> = dyn FnMut(usize, usize, &[Vec<f64>]) -> Result<Vec<f64>, E> + 'a;

fn draw_prior(priors: &[Prior], stream: &mut Stream) -> Vec<f64> {
    priors.iter().map(|p| p.quantile(stream.uniform().max(1e-12))).collect()
}

/// ABC rejection: `draws` parameter vectors from the priors, the `keep` closest
/// accepted (the tolerance is the largest accepted distance).
pub fn rejection<E>(
    priors: &[Prior],
    draws: usize,
    keep: usize,
    seed: u64,
    simulate: &mut Simulate<'_, E>,
) -> Result<Population, E> {
    let mut stream = Stream::new(seed, PROPOSAL_STREAM);
    let proposals: Vec<Vec<f64>> = (0..draws).map(|_| draw_prior(priors, &mut stream)).collect();
    let distances = simulate(0, 0, &proposals)?;
    let mut order: Vec<usize> = (0..draws).collect();
    order.sort_by(|&a, &b| distances[a].total_cmp(&distances[b]).then(a.cmp(&b)));
    order.truncate(keep.min(draws));
    let tolerance = order.last().map_or(f64::INFINITY, |&i| distances[i]);
    Ok(Population {
        particles: order.iter().map(|&i| proposals[i].clone()).collect(),
        weights: vec![1.0 / order.len().max(1) as f64; order.len()],
        distances: order.iter().map(|&i| distances[i]).collect(),
        tolerance,
        simulations: draws as u64,
        origins: order.iter().map(|&i| (0, 0, i)).collect(),
    })
}

/// ABC-SMC: every population, from the prior to the last.
pub fn smc<E>(priors: &[Prior], settings: SmcSettings, simulate: &mut Simulate<'_, E>) -> Result<Vec<Population>, E> {
    let n = settings.particles;
    let mut stream = Stream::new(settings.seed, PROPOSAL_STREAM);
    let first: Vec<Vec<f64>> = (0..n).map(|_| draw_prior(priors, &mut stream)).collect();
    let distances = simulate(0, 0, &first)?;
    let mut spent = n as u64;
    let mut populations = vec![Population {
        particles: first,
        weights: vec![1.0 / n as f64; n],
        distances,
        tolerance: f64::INFINITY,
        simulations: n as u64,
        origins: (0..n).map(|i| (0, 0, i)).collect(),
    }];
    for generation in 1..settings.generations {
        let previous = populations.last().expect("the first population exists");
        let finite: Vec<f64> = previous.distances.iter().copied().filter(|d| d.is_finite()).collect();
        let tolerance = super::stream::quantile(&finite, settings.quantile);
        if !tolerance.is_finite() || spent >= settings.max_simulations {
            break;
        }
        let sd = kernel_sd(previous, priors.len());
        let mut next = Population {
            particles: Vec::new(),
            weights: Vec::new(),
            distances: Vec::new(),
            tolerance,
            simulations: 0,
            origins: Vec::new(),
        };
        let mut batch = 0;
        while next.particles.len() < n && spent < settings.max_simulations {
            // Propose enough for the particles missing at the acceptance rate so
            // far (the quantile's before any), within the budget.
            let rate = if next.simulations == 0 {
                settings.quantile
            } else {
                (next.particles.len() as f64 / next.simulations as f64).max(0.05)
            };
            let missing = n - next.particles.len();
            let size = ((missing as f64 / rate).ceil() as u64).clamp(1, settings.max_simulations - spent) as usize;
            let proposals: Vec<Vec<f64>> = (0..size).map(|_| perturb(previous, priors, &sd, &mut stream)).collect();
            let distances = simulate(generation, batch, &proposals)?;
            spent += size as u64;
            next.simulations += size as u64;
            for (i, (theta, d)) in proposals.into_iter().zip(distances).enumerate() {
                if d <= tolerance && next.particles.len() < n {
                    let weight = importance_weight(&theta, previous, priors, &sd);
                    next.particles.push(theta);
                    next.weights.push(weight);
                    next.distances.push(d);
                    next.origins.push((generation, batch, i));
                }
            }
            batch += 1;
        }
        let total: f64 = next.weights.iter().sum();
        if next.particles.is_empty() || total <= 0.0 {
            break;
        }
        next.weights.iter_mut().for_each(|w| *w /= total);
        populations.push(next);
    }
    Ok(populations)
}

/// The kernel's standard deviation per parameter: √(2 · weighted variance).
fn kernel_sd(population: &Population, k: usize) -> Vec<f64> {
    (0..k)
        .map(|d| {
            let mean: f64 = population.particles.iter().zip(&population.weights).map(|(p, w)| p[d] * w).sum();
            let var: f64 =
                population.particles.iter().zip(&population.weights).map(|(p, w)| w * (p[d] - mean).powi(2)).sum();
            let sd = (2.0 * var).sqrt();
            // A population collapsed on one value still needs to move a little.
            if sd > 0.0 { sd } else { mean.abs().max(1.0) * 1e-6 }
        })
        .collect()
}

/// A particle of `previous` drawn by weight and moved by the kernel, until it
/// lands where the prior has support (after 1000 tries, the particle itself).
fn perturb(previous: &Population, priors: &[Prior], sd: &[f64], stream: &mut Stream) -> Vec<f64> {
    let from = &previous.particles[stream.weighted(&previous.weights)];
    for _ in 0..1000 {
        let theta: Vec<f64> = from.iter().zip(sd).map(|(x, s)| x + s * stream.normal()).collect();
        if priors.iter().zip(&theta).all(|(p, x)| p.density(*x) > 0.0) {
            return theta;
        }
    }
    from.clone()
}

/// π(θ) / Σ_j w_j K(θ | θ_j), the kernel's constant factor dropped (it cancels).
fn importance_weight(theta: &[f64], previous: &Population, priors: &[Prior], sd: &[f64]) -> f64 {
    let prior: f64 = priors.iter().zip(theta).map(|(p, x)| p.density(*x)).product();
    let mixture: f64 = previous
        .particles
        .iter()
        .zip(&previous.weights)
        .map(|(p, w)| {
            let z2: f64 = theta.iter().zip(p).zip(sd).map(|((a, b), s)| ((a - b) / s).powi(2)).sum();
            w * (-0.5 * z2).exp()
        })
        .sum();
    if mixture > 0.0 { prior / mixture } else { 0.0 }
}

/// The weighted mean and standard deviation of parameter `d` in `population`.
pub fn weighted_mean_sd(population: &Population, d: usize) -> (f64, f64) {
    let values: Vec<f64> = population.particles.iter().map(|p| p[d]).collect();
    let mean: f64 = values.iter().zip(&population.weights).map(|(v, w)| v * w).sum();
    let var: f64 = values.iter().zip(&population.weights).map(|(v, w)| w * (v - mean).powi(2)).sum();
    (mean, var.sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A toy model: the mean of 10 draws of N(θ, 1), observed at 1.0; with a flat
    /// prior the posterior is close to N(1, 0.316²).
    fn toy(seed: u64) -> impl FnMut(usize, usize, &[Vec<f64>]) -> Result<Vec<f64>, ()> {
        let mut noise = Stream::new(seed, 99);
        move |_, _, batch: &[Vec<f64>]| {
            Ok(batch
                .iter()
                .map(|t| {
                    let x = t[0] + (0..10).map(|_| noise.normal()).sum::<f64>() / 10.0;
                    distance(&[x], &[1.0], &[1.0 / 10f64.sqrt()])
                })
                .collect())
        }
    }

    #[test]
    fn smc_finds_the_posterior_of_a_normal_mean() {
        let priors = [Prior::Uniform { from: -5.0, to: 5.0 }];
        let settings = SmcSettings { particles: 400, generations: 6, quantile: 0.5, max_simulations: 20_000, seed: 3 };
        let pops = smc(&priors, settings, &mut toy(1)).expect("the toy never fails");
        assert_eq!(pops.len(), 6);
        let last = pops.last().expect("populations");
        assert!(pops.windows(2).all(|w| w[1].tolerance <= w[0].tolerance), "tolerances decrease");
        let (mean, sd) = weighted_mean_sd(last, 0);
        // Posterior sd 0.316; the ABC tolerance widens it a little (at most ~40% here).
        assert!((mean - 1.0).abs() < 0.12, "posterior mean {mean}");
        assert!((0.25..0.50).contains(&sd), "posterior sd {sd}");
        assert!((last.weights.iter().sum::<f64>() - 1.0).abs() < 1e-9);
    }

    #[test]
    fn rejection_keeps_the_closest() {
        let priors = [Prior::Normal { mean: 0.0, sd: 3.0, from: -10.0, to: 10.0 }];
        let pop = rejection(&priors, 4000, 200, 5, &mut toy(2)).expect("the toy never fails");
        assert_eq!(pop.particles.len(), 200);
        assert!(pop.distances.iter().all(|d| *d <= pop.tolerance));
        let (mean, _) = weighted_mean_sd(&pop, 0);
        assert!((mean - 1.0).abs() < 0.2, "{mean}");
    }

    #[test]
    fn priors_have_support_or_say_why_not() {
        assert!(Prior::Uniform { from: 1.0, to: 1.0 }.problem().is_some());
        assert!(Prior::LogUniform { from: 0.0, to: 1.0 }.problem().is_some());
        assert!(Prior::Normal { mean: 0.0, sd: 1.0, from: 50.0, to: 60.0 }.problem().is_some());
        let p = Prior::Normal { mean: 0.0, sd: 1.0, from: 0.0, to: f64::INFINITY };
        assert!(p.problem().is_none());
        assert!((p.quantile(0.5) - 0.6745).abs() < 1e-3, "median of the half-normal");
        let l = Prior::LogUniform { from: 1.0, to: 100.0 };
        assert!((l.quantile(0.5) - 10.0).abs() < 1e-9);
    }
}
