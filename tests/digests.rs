//! Every shipped scenario's outputs, fingerprinted: a refactoring must leave them
//! byte for byte as they were.
//!
//! `tests/digests.txt` holds one line per output file of `reformsim run SCENARIO
//! --seed 1 --replications 2` (the manifest aside: it names the program version and
//! the command line). A change that is meant to alter results declares it in its
//! commit and records the new fingerprints with
//! `REFORMSIM_BLESS_DIGESTS=1 cargo test --release digests`.

use std::path::Path;

use crate::common::{reformsim_cli, root};
use crate::engine::tempdir;

/// FNV-1a, 64 bits: enough to notice any change in a file.
fn fingerprint(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3))
}

/// The shipped scenarios, as paths relative to the repository root, sorted.
fn shipped_scenarios() -> Vec<String> {
    let mut paths = Vec::new();
    for folder in ["scenarios", "scenarios/validation"] {
        let entries = std::fs::read_dir(root().join(folder)).expect("the scenarios folder is readable");
        for entry in entries {
            let path = entry.expect("a folder entry").path();
            if path.extension().is_some_and(|e| e == "ron") {
                let name = path.file_name().expect("a file name").to_string_lossy().into_owned();
                paths.push(format!("{folder}/{name}"));
            }
        }
    }
    paths.sort();
    paths
}

/// `scenario file fingerprint` lines for every output file of one run.
fn digest_lines(scenario: &str, out: &Path) -> Vec<String> {
    let (code, _, stderr) = reformsim_cli(&[
        "run",
        scenario,
        "--seed",
        "1",
        "--replications",
        "2",
        "--jobs",
        "2",
        "--quiet",
        "--out",
        out.to_str().expect("a UTF-8 path"),
    ]);
    assert_eq!(code, 0, "{scenario} does not run:\n{stderr}");
    let mut files: Vec<_> = std::fs::read_dir(out)
        .expect("the result folder is readable")
        .map(|e| e.expect("a folder entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|file| {
            let bytes = std::fs::read(file).expect("a result file is readable");
            let name = file.file_name().expect("a file name").to_string_lossy();
            format!("{scenario} {name} {:016x}", fingerprint(&bytes))
        })
        .collect()
}

#[test]
fn shipped_scenarios_give_the_recorded_outputs() {
    let dir = tempdir("digests");
    let mut lines = Vec::new();
    for (i, scenario) in shipped_scenarios().iter().enumerate() {
        lines.extend(digest_lines(scenario, &dir.join(format!("run-{i}"))));
    }
    let actual = lines.join("\n") + "\n";
    let recorded_path = root().join("tests/digests.txt");
    if std::env::var_os("REFORMSIM_BLESS_DIGESTS").is_some() {
        std::fs::write(&recorded_path, &actual).expect("tests/digests.txt is writable");
        return;
    }
    let recorded = std::fs::read_to_string(&recorded_path).unwrap_or_default();
    let changed: Vec<&str> = actual.lines().filter(|line| !recorded.lines().any(|r| r == *line)).collect();
    assert!(
        changed.is_empty() && recorded.lines().count() == actual.lines().count(),
        "outputs differ from tests/digests.txt; if the change is meant, declare it in the commit and \
         bless with REFORMSIM_BLESS_DIGESTS=1:\n{}",
        changed.join("\n")
    );
}
