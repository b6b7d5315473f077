//! Adoption curves of the online service: the share of its eventual users who
//! have taken it up, `F(t)` in [0, 1], `t` days after the reform starts. The
//! online share today is `start + (ceiling − start) × F(t)` (see [`super::online`]).
//!
//! - `Linear`: the reform's own ramp, `min(1, t / ramp_days)` (the default).
//! - `Logistic(midpoint_days, steepness_per_day)`: `1 / (1 + e^(−k (t − m)))`, the
//!   solution of `F′ = k F (1 − F)` through `F(m) = ½`.
//! - `Bass(p_per_year, q_per_year)`: Bass (1969), innovation `p` and imitation `q`,
//!   `F = (1 − e^(−(p+q) τ)) / (1 + (q/p) e^(−(p+q) τ))` with `τ = t / 365`, the
//!   solution of `F′ = (p + q F)(1 − F)` from `F(0) = 0`.

use serde::Deserialize;

/// An adoption curve as written in the `Online` lever's `curve` field.
#[derive(Clone, Copy, Debug, Default, PartialEq, Deserialize)]
pub enum Adoption {
    /// The reform's linear ramp over `ramp_days` (today's behaviour).
    #[default]
    Linear,
    /// A logistic curve: half of the eventual users online at `midpoint_days`.
    Logistic {
        /// Days after the start at which half the gap to the ceiling is closed.
        midpoint_days: f64,
        /// Growth rate, per day.
        steepness_per_day: f64,
    },
    /// The Bass diffusion model.
    Bass {
        /// Coefficient of innovation, per year.
        p_per_year: f64,
        /// Coefficient of imitation, per year.
        q_per_year: f64,
    },
}

impl Adoption {
    /// What is wrong with the curve's parameters, if anything: a located message
    /// names the field.
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        match *self {
            Adoption::Linear => {}
            Adoption::Logistic { midpoint_days, steepness_per_day } => {
                if !midpoint_days.is_finite() {
                    out.push((
                        "midpoint_days",
                        format!("midpoint_days must be a finite number, found {midpoint_days}"),
                    ));
                } else if midpoint_days < 0.0 {
                    out.push(("midpoint_days", format!("midpoint_days must be zero or more, found {midpoint_days}")));
                }
                if let Some(m) = super::positive_problem("steepness_per_day", steepness_per_day) {
                    out.push(("steepness_per_day", m));
                }
            }
            Adoption::Bass { p_per_year, q_per_year } => {
                if let Some(m) = super::positive_problem("p_per_year (innovation)", p_per_year) {
                    out.push(("p_per_year", m));
                }
                if !q_per_year.is_finite() {
                    let m = format!("q_per_year (imitation) must be a finite number, found {q_per_year}");
                    out.push(("q_per_year", m));
                } else if q_per_year < 0.0 {
                    out.push((
                        "q_per_year",
                        format!("q_per_year (imitation) must be zero or more, found {q_per_year}"),
                    ));
                }
            }
        }
        out
    }

    /// The share adopted `days` after the start, with `ramp` the reform's linear
    /// strength today (used by `Linear` only).
    pub fn fraction(&self, days: f64, ramp: f64) -> f64 {
        match *self {
            Adoption::Linear => ramp,
            Adoption::Logistic { midpoint_days, steepness_per_day } => logistic(days, midpoint_days, steepness_per_day),
            Adoption::Bass { p_per_year, q_per_year } => bass(days / 365.0, p_per_year, q_per_year),
        }
    }
}

/// The logistic curve through ½ at `midpoint` with growth rate `k`.
pub fn logistic(t: f64, midpoint: f64, k: f64) -> f64 {
    1.0 / (1.0 + (-k * (t - midpoint)).exp())
}

/// The Bass model's cumulative adoption at `tau` years, innovation `p`, imitation `q`:
/// (1 − e) / (1 + (q/p) e) with e = exp(−(p + q) τ).
///
/// Computed so that every finite `p > 0`, `q ≥ 0` gives a share in [0, 1]: the
/// ratio q/p, which overflows for extreme parameters (q = 10^308, p = 10^-300:
/// then ∞ × 0 made the share NaN), enters through its logarithm, as
/// (q/p) e = exp(ln q − ln p − (p + q) τ).
pub fn bass(tau: f64, p: f64, q: f64) -> f64 {
    if tau <= 0.0 {
        return 0.0;
    }
    let rate = -(p + q) * tau;
    let adopted = -rate.exp_m1();
    if q == 0.0 {
        return adopted;
    }
    let imitation = (q.ln() - p.ln() + rate).exp();
    (adopted / (1.0 + imitation)).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Integrates `F′ = f(F)` from `f0` over `[0, t]` by classical Runge–Kutta.
    fn integrate(f: impl Fn(f64) -> f64, f0: f64, t: f64) -> f64 {
        let steps = 20_000;
        let h = t / f64::from(steps);
        let mut y = f0;
        for _ in 0..steps {
            let k1 = f(y);
            let k2 = f(y + h * k1 / 2.0);
            let k3 = f(y + h * k2 / 2.0);
            let k4 = f(y + h * k3);
            y += h * (k1 + 2.0 * k2 + 2.0 * k3 + k4) / 6.0;
        }
        y
    }

    #[test]
    fn logistic_solves_its_differential_equation() {
        let (m, k) = (300.0, 0.02);
        assert!((logistic(m, m, k) - 0.5).abs() < 1e-15);
        let f0 = logistic(0.0, m, k);
        for t in [50.0, 300.0, 600.0, 1000.0] {
            let ode = integrate(|y| k * y * (1.0 - y), f0, t);
            assert!((logistic(t, m, k) - ode).abs() < 1e-9, "t = {t}: {} vs {ode}", logistic(t, m, k));
        }
        // Symmetric about the midpoint.
        assert!((logistic(m + 100.0, m, k) + logistic(m - 100.0, m, k) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn bass_solves_its_differential_equation() {
        let (p, q) = (0.03, 0.38);
        assert_eq!(bass(0.0, p, q), 0.0);
        for tau in [0.5, 2.0, 5.0, 12.0] {
            let ode = integrate(|y| (p + q * y) * (1.0 - y), 0.0, tau);
            assert!((bass(tau, p, q) - ode).abs() < 1e-9, "τ = {tau}: {} vs {ode}", bass(tau, p, q));
        }
        // Without imitation it is the exponential 1 − e^(−p τ).
        assert!((bass(3.0, 0.2, 0.0) - (1.0 - (-0.6f64).exp())).abs() < 1e-12);
        // Extreme parameters give a share in [0, 1], not NaN: imitation 10^308
        // times innovation's 10^-300 adopts almost at once.
        for (p, q) in [(1e-300, 1e308), (1e308, 1e308), (1e-300, 0.0), (5e-324, 1.0), (1e308, 0.0)] {
            for tau in [1e-300, 1e-10, 1.0 / 365.0, 1.0, 1e300] {
                let f = bass(tau, p, q);
                assert!((0.0..=1.0).contains(&f), "p = {p}, q = {q}, τ = {tau}: {f}");
            }
        }
        assert_eq!(bass(1.0 / 365.0, 1e-300, 1e308), 1.0);
        // The peak of adoption is at τ* = ln(q/p) / (p + q) (Bass 1969).
        let peak = (q / p).ln() / (p + q);
        let rate = |t: f64| (bass(t + 1e-4, p, q) - bass(t - 1e-4, p, q)) / 2e-4;
        assert!(rate(peak) > rate(peak - 0.2) && rate(peak) > rate(peak + 0.2));
    }

    #[test]
    fn curves_read_days_and_the_linear_ramp() {
        assert_eq!(Adoption::Linear.fraction(1000.0, 0.25), 0.25);
        let b = Adoption::Bass { p_per_year: 0.03, q_per_year: 0.38 };
        assert!((b.fraction(730.0, 0.0) - bass(2.0, 0.03, 0.38)).abs() < 1e-15);
        assert!(Adoption::Logistic { midpoint_days: -1.0, steepness_per_day: 0.0 }.problems().len() == 2);
        assert!(Adoption::Bass { p_per_year: 0.0, q_per_year: -1.0 }.problems().len() == 2);
        assert!(b.problems().is_empty());
    }
}
