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

/// Each broken spec is refused with a located diagnostic (file, line, column, a
/// fix) that says what is wrong.
#[test]
fn broken_specs_get_located_diagnostics() {
    let cases: [(&str, &[&str]); 19] = [
        (
            "sensitivity-unknown-path.ron",
            &["`services[name=\"request\"].volume`", "not valid with it", "volume", ":7:"],
        ),
        ("sensitivity-empty-range.ron", &["from 260000.0 to 200000.0 is empty", "from 3 to 3 is empty", ":7:", ":8:"]),
        (
            "sensitivity-unknown-indicator.ron",
            &["unknown indicator `wait_minutes`", "did you mean `wait_minutes_mean`", ":7:"],
        ),
        ("sensitivity-design-too-large.ron", &["more than the 1000000 one command may do", "lower `n`"]),
        ("sensitivity-bootstrap-too-large.ron", &["`bootstrap` takes from 40 to 100000 resamples", ":5:"]),
        (
            "sensitivity-indicator-twice.ron",
            &["indicator `wait_minutes_mean` is listed twice: its rows would repeat in indices.csv", ":7:60"],
        ),
        ("sensitivity-plus-sign.ron", &["`+16` has a plus sign: numbers are written without one (`16`)", ":5:22"]),
        (
            "calibration-bad-observed.ron",
            &[
                "target `wait_minutes_mean` needs a finite `observed` value, found NaN",
                "target `utilisation_share` is listed twice",
                ":9:",
            ],
        ),
        (
            "calibration-predict-year-outside.ron",
            &[
                "year 1 is outside the years the scenario simulates (2017–2017",
                ":11:17",
                "year 2018 is outside the years the scenario simulates (2017–2017",
                ":11:26",
            ],
        ),
        (
            "calibration-predict-listed-twice.ron",
            &[
                "year 2017 is listed twice: its rows would repeat in predictions.csv",
                ":9:23",
                "indicator `wait_minutes_mean` is listed twice: its rows would repeat in predictions.csv",
                ":10:59",
            ],
        ),
        (
            "calibration-predict-empty.ron",
            &[
                "`predict` lists no indicators: predictions.csv would have no rows",
                ":8:38",
                "`predict` lists no years",
                ":8:22",
                "or leave `predict` out to predict nothing",
            ],
        ),
        (
            "calibration-predict-dates-move.ron",
            &[
                "parameter `horizon` moves the years the prediction runs measure (`horizon_days`): at 330 they measure 2017–2017, without year 2018",
                ":9:33",
            ],
        ),
        (
            "calibration-predict-dates-move-together.ron",
            &[
                "parameters `start` and `horizon` together move the years the prediction runs measure: all at their lowest values, the runs measure 2016–2017, without year 2018",
                ":8:31",
            ],
        ),
        (
            "calibration-predict-too-many-particles.ron",
            &["with its predictions (1000000000 runs)", "predict from fewer particles", ":9:76"],
        ),
        (
            "sensitivity-fixed-makes-scenario-invalid.ron",
            &["with `fixed` applied the scenario is not valid: warm-up (10 days) must be shorter", ":5:12"],
        ),
        (
            "calibration-parameter-named-weight.ron",
            &["the name `weight` is taken by a column of posterior.csv", ":3:25"],
        ),
        (
            "sensitivity-decimal-for-whole-number.ron",
            &["expected a whole number here", "only a `range` whose bounds are both written as whole numbers", ":8:33"],
        ),
        // Each prior's problem at the prior.
        ("calibration-prior-no-support.ron", &["has no support", "LogUniform(from: 0, to: 6)", ":6:17", ":7:87"]),
        (
            "calibration-unknown-target.ron",
            &[
                "unknown indicator `utilization_share`",
                "did you mean `utilisation_share`",
                "needs one positive `tolerance` or `standard_error`",
            ],
        ),
    ];
    for (file, expected) in cases {
        let Some(error) = broken_spec_error(file) else { panic!("{file} was accepted") };
        assert!(error.is_input(), "{file}: not an input error");
        let text = error.to_string();
        assert!(text.starts_with("error: ") && text.contains(&format!("{file}:")), "{file}: not located\n{text}");
        for want in expected {
            assert!(text.contains(want), "{file}: `{want}` missing from\n{text}");
        }
    }
}

/// The error of loading `file` of tests/broken-analysis as the spec its name says.
fn broken_spec_error(file: &str) -> Option<reformsim::experiment::ExperimentError> {
    use reformsim::analysis::{Calibration, Sensitivity};
    let path = crate::common::root().join("tests/broken-analysis").join(file);
    if file.starts_with("sensitivity") { Sensitivity::load(&path).err() } else { Calibration::load(&path).err() }
}

/// Each diagnostic of `text` as (message, "line:column").
fn located(text: &str) -> Vec<(String, String)> {
    text.split("error: ")
        .skip(1)
        .map(|block| {
            let message = block.lines().next().unwrap_or_default().to_string();
            let arrow = block.lines().find_map(|l| l.trim().strip_prefix("--> ")).unwrap_or_default();
            let mut parts = arrow.rsplitn(3, ':');
            let (column, line) = (parts.next().unwrap_or_default(), parts.next().unwrap_or_default());
            (message, format!("{line}:{column}"))
        })
        .collect()
}

/// Problems with entries whose words are written more than once (the same path
/// in two parameters, or in a parameter and `fixed`; an indicator listed twice)
/// are each reported at the entry they are about, not at the first place the
/// words appear.
#[test]
fn problems_are_located_at_the_entry_they_are_about() {
    let cases: [(&str, &[(&str, &str)]); 3] = [
        (
            "sensitivity-paths-twice.ron",
            &[
                ("the name `horizon_days` is taken", "13:16"),
                ("unknown indicator `wait_minute`", "16:18"),
                ("unknown indicator `wait_minute`", "16:33"),
                ("indicator `wait_minute` is listed twice", "16:33"),
                ("`warmup_days` of parameter `warmup` sets the same place as `warmup_days` of `fixed`", "14:32"),
                ("`horizon_days` of parameter `horizon_days` sets the same place", "13:16"),
            ],
        ),
        (
            "calibration-predict-fixed-twice.ron",
            &[
                ("`warmup_days` of parameter `warm-up` sets the same place as `warmup_days` of `fixed`", "10:33"),
                (
                    "`warmup_days` of parameter `warm-up` sets the same place as `warmup_days` of `predict.fixed`",
                    "10:33",
                ),
                ("parameter path `services[5].volume_per_year`: `services` has 1 element", "15:24"),
            ],
        ),
        (
            "calibration-fixed-unknown-field.ron",
            &[
                ("`fixed` sets `warmup_day`, which the scenario cannot take: unknown field `warmup_day`", "6:55"),
                ("`predict.fixed` sets `horizon_dys`, which the scenario cannot take: unknown field", "13:24"),
            ],
        ),
    ];
    for (file, expected) in cases {
        let found = located(&broken_spec_error(file).unwrap_or_else(|| panic!("{file} was accepted")).to_string());
        assert_eq!(found.len(), expected.len(), "{file}: {found:#?}");
        for (message, at) in expected {
            let here = found.iter().any(|(m, a)| m.starts_with(message) && a == at);
            assert!(here, "{file}: `{message}` not at {at}: {found:#?}");
        }
    }
}

/// The command line refuses a broken spec with exit status 2 and the diagnostic.
#[test]
fn a_broken_spec_exits_with_status_2() {
    use crate::common::reformsim_cli;
    let (code, _, stderr) =
        reformsim_cli(&["sensitivity", "tests/broken-analysis/sensitivity-unknown-indicator.ron", "--quiet"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown indicator `wait_minutes`") && stderr.contains("  --> "), "{stderr}");
    // An indicator undefined in every run is refused once the runs show it.
    let out = crate::engine::tempdir("sensitivity-undefined").join("out");
    let spec = "tests/broken-analysis/sensitivity-undefined-indicator.ron";
    let (code, _, stderr) =
        reformsim_cli(&["sensitivity".as_ref(), spec.as_ref(), "--quiet".as_ref(), "--out".as_ref(), out.as_os_str()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("indicator `budget_cny` is undefined in every run"), "{stderr}");
    assert!(!out.join("indices.csv").exists(), "indices were written");
    // A predicted year outside the run is refused before any simulation.
    let out = crate::engine::tempdir("calibrate-year-outside").join("out");
    let spec = "tests/broken-analysis/calibration-predict-year-outside.ron";
    let (code, _, stderr) =
        reformsim_cli(&["calibrate".as_ref(), spec.as_ref(), "--quiet".as_ref(), "--out".as_ref(), out.as_os_str()]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("year 1 is outside the years the scenario simulates") && stderr.contains("  --> "),
        "{stderr}"
    );
    assert!(!out.join("predictions.csv").exists(), "nothing was simulated");
    // So are a parameter that moves the dates and a `predict` that predicts nothing.
    for spec in ["calibration-predict-dates-move.ron", "calibration-predict-empty.ron"] {
        let out = crate::engine::tempdir("calibrate-refused").join(spec);
        let path = format!("tests/broken-analysis/{spec}");
        let (code, _, stderr) = reformsim_cli(&[
            "calibrate".as_ref(),
            path.as_ref(),
            "--quiet".as_ref(),
            "--out".as_ref(),
            out.as_os_str(),
        ]);
        assert_eq!(code, 2, "{spec}");
        assert!(stderr.contains(&format!("{spec}:")) && stderr.contains("  --> "), "{spec}: {stderr}");
        assert!(!out.exists(), "{spec}: nothing was simulated");
    }
}

/// The shipped specs load (their paths resolve in the scenarios they name).
#[test]
fn shipped_specs_load() {
    use reformsim::analysis::{Calibration, Sensitivity};
    let root = crate::common::root();
    let s = Sensitivity::load(&root.join("scenarios/sensitivity/county-assumptions.ron"));
    assert!(s.is_ok(), "{}", s.err().map(|e| e.to_string()).unwrap_or_default());
    let c = Calibration::load(&root.join("scenarios/calibration/zhejiang-2017.ron"));
    assert!(c.is_ok(), "{}", c.err().map(|e| e.to_string()).unwrap_or_default());
}

/// The M/M/3 office of `scenarios/validation/mmc.ron` for 60 days, in a folder of its own.
fn mmc_project(name: &str) -> std::path::PathBuf {
    let dir = crate::engine::tempdir(name);
    let text = std::fs::read_to_string(crate::common::root().join("scenarios/validation/mmc.ron")).expect("mmc.ron");
    std::fs::write(dir.join("mmc.ron"), text.replace("horizon_days: 400", "horizon_days: 60")).expect("write");
    dir
}

#[test]
fn calibrate_recovers() {
    use reformsim::analysis::{CalibrateOptions, Calibration, run_calibration};
    use reformsim::stats::Summary;
    // Targets generated by the model itself at known values (262 800 cases a
    // year, 5-minute service), from replications of another seed than the
    // calibration's; each target's scale is one run's standard deviation (the
    // calibration simulates one replication per particle), floored at 1% of the value.
    let dir = mmc_project("calibrate-recovers");
    let truth = [262_800.0, 5.0];
    let model = crate::common::from_text(
        &std::fs::read_to_string(dir.join("mmc.ron")).expect("written").replace("validation-mmc", "truth"),
    );
    let outputs = crate::common::run(&model, 99, 8);
    let indicators = ["cases_arrived", "utilisation_share", "wait_minutes_mean"];
    let mut targets = String::new();
    for name in indicators {
        let values: Vec<f64> = outputs
            .iter()
            .map(|o| o.summary.iter().find(|(n, _)| *n == name).map(|(_, v)| *v).expect("indicator"))
            .collect();
        let s = Summary::of(&values);
        let scale = s.std_dev.max(0.01 * s.mean.abs());
        targets += &format!("(indicator: \"{name}\", observed: {:?}, standard_error: {scale:?}),\n", s.mean);
    }
    let spec = format!(
        r#"Calibration(
            base: "mmc.ron", seed: 3, replications: 1,
            parameters: [
                (name: "volume_per_year", path: "services[0].volume_per_year", prior: Uniform(from: 200000.0, to: 300000.0)),
                (name: "mean_minutes", path: "services[0].steps[0].work.mean_minutes", prior: Uniform(from: 4.0, to: 5.4)),
            ],
            targets: [{targets}],
            method: Smc(particles: 80, generations: 4, quantile: 0.5, max_simulations: 1200),
        )"#
    );
    std::fs::write(dir.join("spec.ron"), spec).expect("write");
    let calibration = Calibration::load(&dir.join("spec.ron")).unwrap_or_else(|e| panic!("{e}"));
    let options = CalibrateOptions { out: dir.join("out"), jobs: 2 };
    let outcome = run_calibration(&calibration, &options, &|_, _| {}).unwrap_or_else(|e| panic!("{e}"));
    assert!(outcome.populations.len() >= 3, "{} populations", outcome.populations.len());
    for ((name, _, low, high), true_value) in outcome.intervals.iter().zip(truth) {
        assert!(*low <= true_value && true_value <= *high, "{name}: true {true_value} outside [{low}, {high}]");
    }
    // The posterior is narrower than the prior (the targets inform both parameters).
    let (_, _, low, high) = &outcome.intervals[0];
    assert!(high - low < 0.6 * 100_000.0, "volume interval [{low}, {high}] barely narrower than the prior");
    for file in ["posterior.csv", "fitted.csv", "populations.csv", "analysis.ron"] {
        assert!(dir.join("out").join(file).is_file(), "{file} missing");
    }
    let page = reformsim::report::write(&dir.join("out"), None).unwrap_or_else(|e| panic!("{e}"));
    let html = std::fs::read_to_string(page).expect("report.html");
    assert!(html.contains("Posterior") && html.contains("Fitted against observed"), "report");
    // Started again, every batch is found complete: same posterior.
    let again = run_calibration(&calibration, &options, &|_, _| {}).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(again.intervals, outcome.intervals, "a resumed calibration gives the same posterior");
}

#[test]
fn sensitivity_ranks_the_office_parameters() {
    use reformsim::analysis::evaluate::Execution;
    use reformsim::analysis::{Sensitivity, SensitivityOptions, run_sensitivity};
    // The M/M/3 office's mean wait: the service time moves it far more than the
    // third window's opening (windows are not the constraint: 3 clerks are), and
    // an irrelevant overhead not at all.
    let dir = mmc_project("sensitivity-ranks");
    let spec = r#"Sensitivity(
        base: "mmc.ron", seed: 2, replications: 2,
        method: Morris(trajectories: 8, levels: 4),
        parameters: [
            (name: "mean_minutes", path: "services[0].steps[0].work.mean_minutes", range: (from: 3.0, to: 5.4)),
            (name: "overhead", path: "departments[0].overhead_cny_per_year", range: (from: 0.0, to: 1000000.0)),
        ],
        indicators: ["wait_minutes_mean", "admin_cost_cny_per_year"],
    )"#;
    std::fs::write(dir.join("spec.ron"), spec).expect("write");
    let spec = Sensitivity::load(&dir.join("spec.ron")).unwrap_or_else(|e| panic!("{e}"));
    let options = SensitivityOptions { out: dir.join("out"), execution: Execution { jobs: 2, shard: None } };
    let rows = run_sensitivity(&spec, &options, &|_, _| {}).unwrap_or_else(|e| panic!("{e}"));
    let mu_star = |indicator: &str, parameter: &str| {
        rows.iter()
            .find(|r| r.indicator == indicator && r.parameter == parameter && r.measure == "mu_star")
            .map(|r| r.estimate)
            .expect("a row")
    };
    assert!(mu_star("wait_minutes_mean", "mean_minutes").value > 1.0);
    assert_eq!(mu_star("wait_minutes_mean", "overhead").value, 0.0, "overhead does not change waits");
    assert!(mu_star("admin_cost_cny_per_year", "overhead").value > 900_000.0);
    let csv = std::fs::read_to_string(dir.join("out/indices.csv")).expect("indices.csv");
    assert!(csv.starts_with("indicator,parameter,method,measure,estimate,ci_low,ci_high,noise_share\n"), "{csv}");
    assert!(dir.join("out/runs/runs.csv").is_file(), "the raw runs are kept");
    let page = reformsim::report::write(&dir.join("out"), None).unwrap_or_else(|e| panic!("{e}"));
    let html = std::fs::read_to_string(page).expect("report.html");
    assert!(html.contains("Sensitivity") && html.contains("mean_minutes — μ*") && html.contains("<svg"), "report");
    assert!(html.contains("wait_minutes_mean: μ* against σ"), "the Morris μ*–σ plane is drawn");
    // A cost linear in the overhead is deterministic: its μ* has no noise share
    // (the ratio of two rounding errors was shown as one); the wait's has one,
    // shown on the page as a percentage, under a footer about bootstrap intervals.
    assert_eq!(mu_star("admin_cost_cny_per_year", "overhead").noise_share, None);
    assert_eq!(mu_star("wait_minutes_mean", "overhead").noise_share, None, "no effect, no share");
    let share = mu_star("wait_minutes_mean", "mean_minutes").noise_share.expect("a noisy effect has a share");
    let shown = format!(">{}%</td>", reformsim::report::number(100.0 * share));
    assert!(html.contains(&shown), "the noise share as a percentage, {shown}");
    let footer = &html[html.find("<footer>").expect("a footer")..];
    assert!(footer.contains("bootstrap") && !footer.contains("Student-t"), "{footer}");
}

/// Shards of a sensitivity analysis, merged with `reformsim merge` and finished
/// by the same command, give the bytes of a one-machine run.
#[test]
fn sensitivity_shards_merge_to_the_same_indices() {
    let dir = mmc_project("sensitivity-shards");
    let spec = r#"Sensitivity(
        base: "mmc.ron", seed: 2, replications: 2,
        method: Sobol(n: 8),
        parameters: [
            (name: "mean_minutes", path: "services[0].steps[0].work.mean_minutes", range: (from: 3.0, to: 5.4)),
            (name: "clerks", paths: ["staff[0].count", "departments[0].windows"], range: (from: 3, to: 4)),
        ],
        indicators: ["wait_minutes_mean"],
    )"#;
    std::fs::write(dir.join("spec.ron"), spec).expect("write");
    let run = |args: &[&str]| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_reformsim"))
            .args(args)
            .arg("--quiet")
            .current_dir(&dir)
            .output()
            .expect("the binary runs");
        assert!(output.status.success(), "{args:?}: {}", String::from_utf8_lossy(&output.stderr));
    };
    run(&["sensitivity", "spec.ron", "--out", "whole", "--jobs", "2"]);
    run(&["sensitivity", "spec.ron", "--out", "s1", "--shard", "1/2"]);
    run(&["sensitivity", "spec.ron", "--out", "s2", "--shard", "2/2"]);
    assert!(!dir.join("s1/indices.csv").exists(), "a shard computes no indices");
    let merge = std::process::Command::new(env!("CARGO_BIN_EXE_reformsim"))
        .args(["merge", "s1/runs", "s2/runs", "--out", "merged/runs"])
        .current_dir(&dir)
        .output()
        .expect("the binary runs");
    assert!(merge.status.success(), "{}", String::from_utf8_lossy(&merge.stderr));
    run(&["sensitivity", "spec.ron", "--out", "merged", "--jobs", "1"]);
    for file in ["indices.csv", "runs/runs.csv"] {
        let read = |folder: &str| std::fs::read(dir.join(folder).join(file)).expect("result file");
        assert_eq!(read("whole"), read("merged"), "{file} differs");
    }
}
