//! Helpers shared by the integration tests.

use std::path::PathBuf;
use std::sync::Arc;

use reformsim::engine::ReplicationOutput;
use reformsim::runner::Runner;
use reformsim::scenario::{Model, load, load_from_str};
use reformsim::stats::Summary;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Loads a shipped scenario by its path under `scenarios/`.
pub fn shipped(relative: &str) -> Arc<Model> {
    let path = root().join("scenarios").join(relative);
    match load(&path) {
        Ok(m) => Arc::new(m),
        Err(e) => panic!("{} does not load:\n{e}", path.display()),
    }
}

/// Loads a scenario from text, as if it were a file in `scenarios/validation/`.
pub fn from_text(text: &str) -> Arc<Model> {
    let path = root().join("scenarios/validation/generated.ron");
    match load_from_str(&path, text) {
        Ok(m) => Arc::new(m),
        Err(e) => panic!("generated scenario does not load:\n{e}\n{text}"),
    }
}

/// Runs `replications` replications on both cores.
pub fn run(model: &Arc<Model>, seed: u64, replications: u64) -> Vec<ReplicationOutput> {
    let runner = Runner::new(seed, 2).unwrap_or_else(|e| panic!("{e}"));
    match runner.replications(model, replications, &|_| {}) {
        Ok(o) => o,
        Err(e) => panic!("run failed: {e}"),
    }
}

/// The value of a summary indicator in one replication.
pub fn indicator(output: &ReplicationOutput, name: &str) -> f64 {
    output.summary.iter().find(|(n, _)| *n == name).map(|(_, v)| *v).unwrap_or_else(|| panic!("no indicator {name}"))
}

/// Mean and 95% confidence interval of an indicator over replications.
pub fn across(outputs: &[ReplicationOutput], name: &str) -> Summary {
    let values: Vec<f64> = outputs.iter().map(|o| indicator(o, name)).collect();
    Summary::of(&values)
}

/// Asserts that the replication mean is within `tolerance` (relative) of
/// `expected` and that its 95% confidence interval covers `expected`.
pub fn assert_agrees(what: &str, s: &Summary, expected: f64, tolerance: f64) {
    let error = (s.mean - expected).abs() / expected;
    let ci = s.confidence_interval_95();
    eprintln!(
        "{what}: simulated {:.5} ± {:.5} (n = {}), theory {expected:.5}, error {:.2}%",
        s.mean,
        s.half_width_95,
        s.n,
        error * 100.0
    );
    assert!(
        error <= tolerance && ci.contains(expected),
        "{what}: simulated {:.5} ± {:.5} (95% CI, n = {}), theory {expected:.5}: relative error {:.2}% (tolerance {:.1}%), CI {} the theory",
        s.mean,
        s.half_width_95,
        s.n,
        error * 100.0,
        tolerance * 100.0,
        if ci.contains(expected) { "covers" } else { "misses" }
    );
}

/// Runs the `reformsim` binary from the repository root: exit status (−1 if
/// killed by a signal), standard output and standard error.
pub fn reformsim_cli<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> (i32, String, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_reformsim"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("the reformsim binary runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// A summary of days expressed in minutes.
pub fn days_to_minutes(days: &Summary) -> Summary {
    Summary {
        mean: days.mean * 1440.0,
        std_dev: days.std_dev * 1440.0,
        half_width_95: days.half_width_95 * 1440.0,
        ..*days
    }
}
