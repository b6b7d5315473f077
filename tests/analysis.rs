//! The analysis estimators on functions whose answers are known in closed form
//! (Sobol indices of Ishigami and of the G-function, Morris ranks), and the
//! `sensitivity` and `calibrate` commands on small scenarios.

use std::f64::consts::PI;

use reformsim::analysis::morris::{MorrisLayout, morris_design};
use reformsim::analysis::sobol::{Bootstrap, SaltelliLayout, analyse, saltelli_design};
use reformsim::analysis::{morris, sobol};

const BOOTSTRAP: Bootstrap = Bootstrap { resamples: 200, confidence: 0.95, seed: 11 };

/// Sobol indices of `f` on the unit cube mapped by `scale`, N base samples.
fn indices(k: usize, n: usize, f: impl Fn(&[f64]) -> f64) -> sobol::SobolResult {
    let layout = SaltelliLayout { base_samples: n, parameters: k, second_order: false };
    let y: Vec<Vec<f64>> = saltelli_design(layout, 1).iter().map(|u| vec![f(u)]).collect();
    analyse(layout, &y, BOOTSTRAP)
}

#[test]
fn ishigami() {
    // Ishigami and Homma (1990); closed forms in Saltelli et al., *Global
    // Sensitivity Analysis: The Primer* (2008), §4.4 / Sobol' and Levitan (1999).
    let (a, b) = (7.0_f64, 0.1_f64);
    let v1 = 0.5 * (1.0 + b * PI.powi(4) / 5.0).powi(2);
    let v2 = a * a / 8.0;
    let v13 = 8.0 * b * b * PI.powi(8) / 225.0;
    let v = v1 + v2 + v13;
    let want_first = [v1 / v, v2 / v, 0.0];
    let want_total = [(v1 + v13) / v, v2 / v, v13 / v];
    // The figures the issue states, to four decimals.
    for (got, want) in want_first.iter().chain(&want_total).zip([0.3139, 0.4424, 0.0, 0.5576, 0.4424, 0.2437]) {
        assert!((got - want).abs() < 5e-5, "closed form {got} vs {want}");
    }
    let r = indices(3, 8192, |u| {
        let x: Vec<f64> = u.iter().map(|u| -PI + 2.0 * PI * u).collect();
        x[0].sin() + a * x[1].sin().powi(2) + b * x[2].powi(4) * x[0].sin()
    });
    for i in 0..3 {
        let (s, st) = (r.first[i].value, r.total[i].value);
        assert!((s - want_first[i]).abs() < 0.05, "S{} = {s}, want {}", i + 1, want_first[i]);
        assert!((st - want_total[i]).abs() < 0.05, "ST{} = {st}, want {}", i + 1, want_total[i]);
        assert!(r.first[i].low <= s && s <= r.first[i].high, "S{} outside its own interval", i + 1);
        assert!(r.total[i].high - r.total[i].low < 0.1, "ST{} interval too wide: {:?}", i + 1, r.total[i]);
    }
}

#[test]
fn sobol_g() {
    // Sobol's G-function: V_i = 1/(3(1+a_i)²), V = Π(1+V_i) − 1 (Saltelli and Sobol' 1995).
    let a = [0.0, 1.0, 4.5, 9.0, 99.0, 99.0, 99.0, 99.0];
    let partial: Vec<f64> = a.iter().map(|a| 1.0 / (3.0 * (1.0 + a) * (1.0 + a))).collect();
    let v = partial.iter().map(|p| 1.0 + p).product::<f64>() - 1.0;
    let s1 = partial[0] / v;
    let st1 = partial[0] * partial[1..].iter().map(|p| 1.0 + p).product::<f64>() / v;
    assert!((s1 - 0.7162).abs() < 5e-5 && (st1 - 0.7871).abs() < 5e-5, "closed forms {s1} {st1}");
    let r = indices(8, 8192, |u| u.iter().zip(&a).map(|(x, a)| ((4.0 * x - 2.0).abs() + a) / (1.0 + a)).product());
    assert!((r.first[0].value - s1).abs() < 0.03, "S1 = {:?}, want {s1}", r.first[0]);
    assert!((r.total[0].value - st1).abs() < 0.03, "ST1 = {:?}, want {st1}", r.total[0]);
    // The unimportant inputs (a = 99) have total indices near zero.
    assert!(r.total[4..].iter().all(|e| e.value.abs() < 0.01), "{:?}", &r.total[4..]);
}

#[test]
fn morris_ranks() {
    // f = 10 x0 + 5 x1 + 1 x2 + 0 x3 + 8 x0 x1 on [0, 1]^4: elementary effects of
    // x0 are 10 + 8 x1 (μ* ≈ 14), of x1 5 + 8 x0 (≈ 9), of x2 exactly 1, of x3 0;
    // only x0 and x1 interact, so only they have σ > 0.
    let layout = MorrisLayout { parameters: 4, trajectories: 20, levels: 4 };
    let design = morris_design(layout, 5);
    let y: Vec<Vec<f64>> = design.iter().map(|x| vec![10.0 * x[0] + 5.0 * x[1] + x[2] + 8.0 * x[0] * x[1]]).collect();
    let effects = morris::analyse(layout, &design, &y, BOOTSTRAP);
    let mu_star: Vec<f64> = effects.iter().map(|e| e.mu_star.value).collect();
    let mut ranked: Vec<usize> = (0..4).collect();
    ranked.sort_by(|&i, &j| mu_star[j].total_cmp(&mu_star[i]));
    assert_eq!(ranked, [0, 1, 2, 3], "μ* = {mu_star:?}");
    assert!((mu_star[2] - 1.0).abs() < 1e-9 && mu_star[3].abs() < 1e-9, "{mu_star:?}");
    assert!((10.0..=18.0).contains(&mu_star[0]) && (5.0..=13.0).contains(&mu_star[1]), "{mu_star:?}");
    assert!(effects[0].sigma > 0.5 && effects[1].sigma > 0.5, "interaction shows in σ");
    assert!(effects[2].sigma < 1e-9 && effects[3].sigma < 1e-9, "linear inputs have σ = 0");
}

#[test]
fn sobol_noise_share_sees_simulation_noise() {
    // f = x0 + noise: with 4 common-random-number replications, part of the
    // uncertainty of S0 comes from the noise; without noise, none.
    let layout = SaltelliLayout { base_samples: 256, parameters: 2, second_order: false };
    let design = saltelli_design(layout, 2);
    let noise = |row: usize, r: usize| ((row * 7919 + r * 104_729) % 1000) as f64 / 1000.0 - 0.5;
    let noisy: Vec<Vec<f64>> =
        design.iter().enumerate().map(|(i, x)| (0..4).map(|r| x[0] + 2.0 * noise(i, r)).collect()).collect();
    let clean: Vec<Vec<f64>> = design.iter().map(|x| vec![x[0]; 4]).collect();
    let share = |y: &[Vec<f64>]| analyse(layout, y, BOOTSTRAP).first[0].noise_share.expect("4 replications");
    assert!(share(&noisy) > 0.05, "noise share {}", share(&noisy));
    assert!(share(&clean) < 1e-9, "no noise, share {}", share(&clean));
}
