//! Engine invariants: conservation of cases and reproducibility.

use std::path::Path;
use std::process::Command;

use crate::common::{indicator, root, run, shipped};

#[test]
fn every_case_is_accounted_for() {
    for scenario in ["validation/network.ron", "validation/tandem.ron", "validation/mmc.ron"] {
        let model = shipped(scenario);
        for output in run(&model, 3, 2) {
            let c = output.conservation;
            assert_eq!(c.arrived, c.completed + c.abandoned + c.in_progress, "{scenario}: {c:?}");
            assert!(c.arrived > 0, "{scenario}: nothing arrived");
            // The measured period balances too.
            let arrived = indicator(&output, "cases_arrived");
            let finished = indicator(&output, "cases_completed")
                + indicator(&output, "cases_abandoned")
                + indicator(&output, "cases_in_progress");
            assert_eq!(arrived, finished, "{scenario}: measured period");
        }
    }
}

#[test]
fn abandonment_and_send_backs_happen_in_the_network() {
    let model = shipped("validation/network.ron");
    let output = &run(&model, 5, 1)[0];
    assert!(indicator(output, "cases_abandoned") > 0.0);
    assert!(indicator(output, "rework_per_case") > 0.05);
}

fn reformsim(args: &[&str], out: &Path) -> std::process::Output {
    let output = Command::new(env!("CARGO_BIN_EXE_reformsim"))
        .args(args)
        .arg("--out")
        .arg(out)
        .arg("--quiet")
        .current_dir(root())
        .output()
        .expect("the reformsim binary runs");
    assert!(output.status.success(), "reformsim {args:?} failed: {}", String::from_utf8_lossy(&output.stderr));
    output
}

fn read_outputs(folder: &Path) -> Vec<(String, Vec<u8>)> {
    ["summary.csv", "departments.csv", "services.csv", "daily.csv"]
        .iter()
        .map(|f| (f.to_string(), std::fs::read(folder.join(f)).expect("output file exists")))
        .collect()
}

#[test]
fn same_seed_gives_identical_files_whatever_the_threads() {
    let tmp = tempdir("determinism");
    let scenario = "scenarios/validation/network.ron";
    let a = tmp.join("a");
    let b = tmp.join("b");
    let c = tmp.join("c");
    reformsim(&["run", scenario, "--seed", "7", "--replications", "3", "--jobs", "1"], &a);
    reformsim(&["run", scenario, "--seed", "7", "--replications", "3", "--jobs", "2"], &b);
    reformsim(&["run", scenario, "--seed", "8", "--replications", "3", "--jobs", "2"], &c);
    let (a, b, c) = (read_outputs(&a), read_outputs(&b), read_outputs(&c));
    for ((name, x), (_, y)) in a.iter().zip(&b) {
        assert!(x == y, "{name} differs between --jobs 1 and --jobs 2 with the same seed");
    }
    for ((name, x), (_, z)) in a.iter().zip(&c) {
        assert!(x != z, "{name} is the same for seeds 7 and 8");
    }
}

/// A fresh folder under the target directory.
pub fn tempdir(name: &str) -> std::path::PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temporary folder");
    dir
}
