//! The command line: exit statuses and error messages.

use crate::common::root;
use crate::engine::tempdir;

fn reformsim(args: &[&str]) -> (i32, String, String) {
    crate::common::reformsim_cli(args)
}

/// Writes a broken variant of the M/M/c scenario and checks the error.
fn check_broken(name: &str, from: &str, to: &str, expected: &[&str]) {
    let dir = tempdir(&format!("broken-{name}"));
    let text = std::fs::read_to_string(root().join("scenarios/validation/mmc.ron")).expect("shipped scenario");
    assert!(text.contains(from), "the shipped scenario no longer contains {from:?}");
    let path = dir.join("broken.ron");
    std::fs::write(&path, text.replacen(from, to, 1)).expect("write scenario");
    let out = dir.join("out");
    let (code, _, stderr) =
        reformsim(&["run", path.to_str().expect("utf-8 path"), "--out", out.to_str().expect("utf-8"), "--quiet"]);
    assert_eq!(code, 2, "{name}: exit status\n{stderr}");
    for e in expected {
        assert!(stderr.contains(e), "{name}: expected {e:?} in\n{stderr}");
    }
    assert!(!out.exists(), "{name}: output was written for an invalid scenario");
    let (code, _, _) = reformsim(&["validate", path.to_str().expect("utf-8 path")]);
    assert_eq!(code, 2, "{name}: validate exit status");
}

#[test]
fn syntax_errors_point_at_line_and_column() {
    check_broken(
        "syntax",
        "horizon_days: 400,",
        "horizon_days: 400",
        &["broken.ron:10:5", "expected a comma after the previous value"],
    );
}

#[test]
fn unknown_fields_are_rejected_with_a_suggestion() {
    check_broken(
        "field",
        "warmup_days: 10,",
        "warmpu_days: 10,",
        &["broken.ron:10:5", "unknown field `warmpu_days`", "did you mean `warmup_days`"],
    );
}

#[test]
fn unknown_names_are_reported_with_the_nearest_valid_one() {
    check_broken(
        "department",
        "(department: \"Office\"",
        "(department: \"Ofice\"",
        &["broken.ron:22:26", "unknown department `Ofice`", "did you mean `Office`"],
    );
}

#[test]
fn several_problems_are_reported_at_once() {
    let dir = tempdir("several");
    let text = std::fs::read_to_string(root().join("scenarios/validation/mmc.ron")).expect("shipped scenario");
    let text = text.replacen("function: \"service\", role", "function: \"servise\", role", 1).replacen(
        "volume_per_year: 262800.0",
        "volume_per_year: -5.0",
        1,
    );
    let path = dir.join("broken.ron");
    std::fs::write(&path, text).expect("write scenario");
    let (code, _, stderr) = reformsim(&["validate", path.to_str().expect("utf-8")]);
    assert_eq!(code, 2);
    assert!(stderr.contains("unknown function `servise`"), "{stderr}");
    assert!(stderr.contains("must be a positive number, found -5"), "{stderr}");
    assert!(stderr.contains("2 problems found"), "{stderr}");
}

#[test]
fn missing_files_and_bad_arguments_exit_with_2() {
    let (code, _, stderr) = reformsim(&["run", "scenarios/no-such-file.ron"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("no-such-file.ron"));
    let (code, _, _) = reformsim(&["run", "scenarios/validation/mmc.ron", "--replications", "0"]);
    assert_eq!(code, 2);
    let (code, _, _) = reformsim(&["frobnicate"]);
    assert_eq!(code, 2);
}

/// A number on the command line with a plus sign is refused, as it is in
/// scenario files and catalogues (clap's own parsing took `+5` for 5), before
/// anything runs or is written.
#[test]
fn command_line_numbers_with_a_plus_sign_are_refused() {
    let dir = tempdir("plus-sign-flags");
    let out = dir.join("out");
    let out = out.to_str().expect("utf-8");
    let mmc = "scenarios/validation/mmc.ron";
    for args in [
        vec!["run", mmc, "--replications", "+5", "--out", out],
        vec!["run", mmc, "--seed", "+1", "--out", out],
        vec!["run", mmc, "--jobs", "+1", "--out", out],
        vec!["compare", mmc, mmc, "--precision", "+0.1", "--out", out],
        vec!["serve", "--port", "+80"],
    ] {
        let (code, _, stderr) = reformsim(&args);
        assert_eq!(code, 2, "{args:?}\n{stderr}");
        assert!(stderr.contains("has a plus sign: numbers are written without one"), "{args:?}\n{stderr}");
        assert!(!dir.join("out").exists(), "{args:?} wrote its output");
    }
}

/// A folder (or a missing file) where a scenario file is expected gets the
/// `error:` heading of every other error, and the folder is said to be one,
/// by `validate`, `run` and `compare` alike.
#[test]
fn a_folder_given_as_a_scenario_is_said_to_be_one_under_an_error_heading() {
    let dir = tempdir("folder-as-scenario");
    let out = dir.join("out");
    let out = out.to_str().expect("utf-8");
    let folder = "scenarios/validation";
    let mmc = "scenarios/validation/mmc.ron";
    for args in [
        vec!["validate", folder],
        vec!["run", folder, "--out", out, "--quiet"],
        vec!["compare", mmc, folder, "--out", out, "--quiet"],
        vec!["compare", folder, mmc, "--out", out, "--quiet"],
    ] {
        let (code, _, stderr) = reformsim(&args);
        assert_eq!(code, 2, "{args:?}\n{stderr}");
        assert!(stderr.starts_with("error: "), "{args:?}: no heading\n{stderr}");
        assert!(!stderr.contains("error: error:"), "{args:?}\n{stderr}");
        let said = format!("{folder} is a folder, not a file: name a file in it, such as `{folder}/mmc-4-windows.ron`");
        assert!(stderr.contains(&said), "{args:?}\n{stderr}");
        assert!(!std::path::Path::new(out).exists(), "{args:?} wrote results");
    }
    let (code, _, stderr) = reformsim(&["validate", "scenarios/no-such-file.ron"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.starts_with("error: cannot read scenarios/no-such-file.ron"), "{stderr}");
}

/// `compare` with several broken scenarios reports every one's problems, each
/// located, before exiting with 2 (it named only the first).
#[test]
fn compare_reports_every_broken_scenario() {
    let dir = tempdir("compare-broken");
    let out = dir.join("out");
    let (code, stdout, stderr) = reformsim(&[
        "compare",
        "scenarios/validation/mmc.ron",
        "tests/broken/bad-date.ron",
        "tests/broken/csv-bad-number.ron",
        "--out",
        out.to_str().expect("utf-8"),
        "--quiet",
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    for located in ["tests/broken/bad-date.ron:6:17", "tests/broken/csv/staff-bad-number.csv:2:33"] {
        assert!(stderr.contains(located), "{located} missing from\n{stderr}");
    }
    assert!(stderr.contains("`2017-02-30` is not a date") && stderr.contains("cannot read `three`"), "{stderr}");
    assert!(stderr.trim_end().ends_with("2 of the 3 scenarios do not load"), "{stderr}");
    assert!(!stderr.contains("error: error:") && !out.exists(), "{stderr}");
}

#[test]
fn validate_accepts_the_shipped_scenarios() {
    for scenario in ["validation/mmc.ron", "validation/tandem.ron", "validation/network.ron"] {
        let (code, stdout, stderr) = reformsim(&["validate", &format!("scenarios/{scenario}")]);
        assert_eq!(code, 0, "{scenario}: {stderr}");
        assert!(stdout.contains("valid"), "{scenario}: {stdout}");
        assert!(!stderr.contains("warning"), "{scenario}: {stderr}");
    }
}

/// A scenario outside the project folder extends a shipped one by name
/// (`shipped:…`), the shipped scenario reading its own project's catalogues;
/// a mistyped name is located, with the nearest shipped name, and `..` is refused.
#[test]
fn a_scenario_anywhere_extends_a_shipped_one() {
    let dir = tempdir("shipped-extends");
    let path = dir.join("mine.ron");
    let write = |extends: &str| {
        let text = format!("Scenario(name: \"mine\", extends: \"{extends}\", description: \"a planner's variant\")\n");
        std::fs::write(&path, text).expect("write scenario");
    };
    let path_arg = path.to_str().expect("utf-8 path");
    write("shipped:small-department");
    let (code, stdout, stderr) = reformsim(&["validate", path_arg]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("valid — 36 departments"), "{stdout}");
    write("shipped:validation/mmc.ron");
    let (code, stdout, stderr) = reformsim(&["validate", path_arg]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("valid"), "{stdout}");
    write("shipped:small-departmnt");
    let (code, _, stderr) = reformsim(&["validate", path_arg]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("did you mean `small-department.ron`?") && stderr.contains("mine.ron:1:"), "{stderr}");
    write("shipped:../Cargo.toml");
    let (code, _, stderr) = reformsim(&["validate", path_arg]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("is not a shipped scenario's name"), "{stderr}");
}

/// A reader that stops early (`reformsim validate … | head -1`) ends the program
/// as it ends other tools, by the closed pipe's signal, not with a panic
/// ("failed printing to stdout: Broken pipe", exit 101).
#[cfg(unix)]
#[test]
fn a_closed_output_pipe_ends_the_program_quietly() {
    use std::os::unix::process::ExitStatusExt as _;
    let scenario = root().join("scenarios/validation/mmc.ron");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_reformsim"))
        .args(["validate", scenario.to_str().expect("utf-8")])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("reformsim starts");
    // The reader goes away before reading anything.
    drop(child.stdout.take());
    let output = child.wait_with_output().expect("reformsim ends");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_ne!(output.status.code(), Some(101), "{stderr}");
    assert!(output.status.success() || output.status.signal() == Some(13), "{:?}: {stderr}", output.status);
}

/// `validate` on a shipped sweep, optimisation, sensitivity or calibration spec
/// checks it as the command that reads it does and names that command (it said
/// "did you mean `Scenario`?"); a broken spec is refused with the command named.
#[test]
fn validate_checks_a_spec_file_and_names_its_command() {
    fn ron_files(folder: &std::path::Path, found: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(folder).expect("list") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                ron_files(&path, found);
            } else if path.extension().is_some_and(|e| e == "ron") {
                found.push(path);
            }
        }
    }
    let commands =
        [("Sweep", "sweep"), ("Optimise", "optimise"), ("Sensitivity", "sensitivity"), ("Calibration", "calibrate")];
    let mut files = Vec::new();
    ron_files(&root().join("scenarios"), &mut files);
    files.sort();
    let mut seen = std::collections::BTreeSet::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("read");
        let tree = reformsim::scenario::ron_tree::parse(&text).expect("shipped files are RON");
        let Some(&(_, command)) = commands.iter().find(|(name, _)| tree.name() == Some(*name)) else { continue };
        seen.insert(command);
        let shown = file.to_str().expect("utf-8 path");
        let (code, stdout, stderr) = reformsim(&["validate", shown]);
        assert_eq!(code, 0, "{shown}: {stderr}");
        assert!(stdout.contains(&format!("run it with `reformsim {command} {shown}`")), "{shown}: {stdout}");
        assert!(!stderr.contains("Scenario"), "{shown}: {stderr}");
    }
    assert_eq!(seen.len(), commands.len(), "a shipped spec of every kind: {seen:?}");
    // A broken sweep: its own problem, and the command that reads it.
    let dir = tempdir("validate-spec");
    let sweep = std::fs::read_to_string(root().join("scenarios/sweeps/mmc-staffing.ron")).expect("shipped sweep");
    let path = dir.join("sweep.ron");
    let text = sweep.replacen("\"../validation/mmc.ron\"", "\"shipped:validation/mmc\"", 1);
    std::fs::write(&path, text.replacen("replications: 5", "replications: 0", 1)).expect("write");
    let (code, _, stderr) = reformsim(&["validate", path.to_str().expect("utf-8 path")]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("`replications` must be at least 1"), "{stderr}");
    assert!(stderr.contains("read by `reformsim sweep`") && !stderr.contains("Scenario"), "{stderr}");
}

/// A shipped scenario copied out of the project fails on its `extends` or its
/// catalogue paths; the message says what works from anywhere instead,
/// `"shipped:NAME"`, and that does work.
#[test]
fn a_copied_shipped_scenario_is_told_to_extend_it_by_its_shipped_name() {
    let dir = tempdir("copied-shipped");
    let mut names = std::collections::BTreeSet::new();
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(root().join("scenarios"))
        .expect("list")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .collect();
    files.sort();
    for file in &files {
        let copy = dir.join(file.file_name().expect("a name"));
        std::fs::copy(file, &copy).expect("copy");
        let (code, _, stderr) = reformsim(&["validate", copy.to_str().expect("utf-8")]);
        let _ = std::fs::remove_file(&copy);
        if code == 0 {
            continue; // Reads no other file.
        }
        assert_eq!(code, 2, "{}: {stderr}", file.display());
        let suggested: Vec<&str> =
            stderr.split("\"shipped:").skip(1).filter_map(|rest| rest.split('"').next()).collect();
        assert!(!suggested.is_empty(), "{}: no `shipped:` suggested in\n{stderr}", file.display());
        names.extend(suggested.into_iter().map(String::from));
    }
    assert!(!names.is_empty(), "no shipped scenario reads another file");
    for name in names {
        let child = dir.join("child.ron");
        let text = format!("Scenario(name: \"child\", extends: \"shipped:{name}\")");
        std::fs::write(&child, text).expect("write");
        let (code, _, stderr) = reformsim(&["validate", child.to_str().expect("utf-8")]);
        assert_eq!(code, 0, "extends: \"shipped:{name}\", as suggested: {stderr}");
    }
}

#[test]
fn the_tables_of_a_run_say_what_their_figures_are() {
    // A run starting on 2 January with a 10-day warm-up measures a partial first
    // year: its cost is shown per year of measured days, beside the full ones.
    let out = tempdir("cli-tables").join("o");
    let out = out.to_string_lossy().into_owned();
    let (code, stdout, stderr) =
        reformsim(&["run", "scenarios/validation/mmc.ron", "--replications", "2", "--jobs", "1", "--out", &out]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("95% confidence interval over 2 replications"), "{stdout}");
    assert!(stdout.contains("M CNY/year") && stdout.contains("a partial year is scaled to 365 days"), "{stdout}");
    // 3 clerks at CNY 100,000: 0.3 M CNY a year in the partial 2017 and the whole of 2018 alike.
    let years: Vec<&str> = stdout.lines().filter(|l| l.starts_with("  2017") || l.starts_with("  2018")).collect();
    assert_eq!(years.len(), 2, "{stdout}");
    for line in years {
        let cost: f64 = line.split_whitespace().nth(4).and_then(|c| c.parse().ok()).expect("a cost");
        assert!((cost - 0.3).abs() < 1e-9, "{line}");
    }
}
