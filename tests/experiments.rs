//! Experiments: common random numbers in comparisons, sweeps that give the same
//! bytes whatever the threads, survive `kill -9`, and merge from shards.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use reformsim::experiment::compare::{CompareOptions, load_candidates};
use reformsim::experiment::{Shard, Sweep, SweepOptions, merge, run_sweep};
use reformsim::stats::Summary;
use reformsim::stats::welch_half_width_95;

use crate::common::root;
use crate::engine::tempdir;

/// The files a finished sweep folder holds.
const SWEEP_FILES: [&str; 4] = ["manifest.ron", "runs.csv", "points.csv", "runs.fnv1a64"];

fn reformsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_reformsim")).args(args).current_dir(root()).output().expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn path_str(p: &Path) -> &str {
    p.to_str().expect("temporary paths are UTF-8")
}

/// The way from the folder `dir`, inside the repository, to `relative` (a path
/// from the repository's root): a sweep's `base` must stay in its project folder.
pub fn from_folder(dir: &Path, relative: &str) -> String {
    let inside = dir.strip_prefix(root()).expect("temporary folders are inside the repository (target/tmp)");
    let up = "../".repeat(inside.components().count());
    format!("{up}{relative}")
}

/// Writes a sweep file into `dir` whose base is a shipped validation scenario.
fn sweep_file(dir: &Path, name: &str, base: &str, body: &str) -> PathBuf {
    let base = from_folder(dir, &format!("scenarios/validation/{base}"));
    let path = dir.join(name);
    let text = format!("Sweep(\n    base: {base:?},\n{body}\n)\n");
    std::fs::write(&path, text).expect("write sweep file");
    path
}

fn load_sweep(path: &Path) -> Sweep {
    Sweep::load(path).unwrap_or_else(|e| panic!("{} does not load:\n{e}", path.display()))
}

fn run_in_process(sweep: &Sweep, out: &Path, jobs: usize, shard: Option<Shard>) {
    let options = SweepOptions { out: out.to_path_buf(), jobs, shard };
    if let Err(e) = run_sweep(sweep, &options, &|_, _| {}) {
        panic!("sweep into {} failed: {e}", out.display());
    }
}

fn assert_same_files(a: &Path, b: &Path, files: &[&str]) {
    for f in files {
        let x = std::fs::read(a.join(f)).unwrap_or_else(|e| panic!("{}: {e}", a.join(f).display()));
        let y = std::fs::read(b.join(f)).unwrap_or_else(|e| panic!("{}: {e}", b.join(f).display()));
        assert!(x == y, "{f} differs between {} and {}", a.display(), b.display());
    }
}

/// Twelve design points of a 30-day M/M/c office, two replications each.
const SMALL_SWEEP: &str = r#"    seed: 3,
    replications: 2,
    parameters: [
        (name: "clerks", paths: ["departments[0].windows", "staff[0].count"], values: [3, 4, 5]),
        (name: "service_minutes", path: "services[name=\"request\"].steps[0].work.mean_minutes",
         range: (from: 4.0, to: 5.5, steps: 4)),
    ],
    fixed: [(path: "horizon_days", value: 30), (path: "warmup_days", value: 2)],"#;

#[test]
fn sweep_files_are_identical_for_one_and_two_jobs() {
    let dir = tempdir("sweep-jobs");
    let sweep = sweep_file(&dir, "small.ron", "mmc.ron", SMALL_SWEEP);
    let (one, two) = (dir.join("one"), dir.join("two"));
    for (out, jobs) in [(&one, "1"), (&two, "2")] {
        let o = reformsim(&["sweep", path_str(&sweep), "--out", path_str(out), "--jobs", jobs, "--quiet"]);
        assert!(o.status.success(), "--jobs {jobs}: {}", text(&o.stderr));
        assert!(text(&o.stdout).contains("12 design points, 24 runs"), "{}", text(&o.stdout));
    }
    assert_same_files(&one, &two, &SWEEP_FILES);
    assert!(!one.join("journal.csv").exists(), "the journal is removed once the tables are written");
    let runs = std::fs::read_to_string(one.join("runs.csv")).expect("runs.csv");
    let header = runs.lines().next().expect("header");
    assert!(header.starts_with("design_point,replication,clerks,service_minutes,measured_days,"), "{header}");
    // Sorted by design point then replication, whatever order runs finished in.
    let keys: Vec<(u64, u64)> = runs
        .lines()
        .skip(1)
        .map(|l| {
            let mut f = l.split(',');
            let mut next = || f.next().and_then(|x| x.parse().ok()).expect("numeric key");
            (next(), next())
        })
        .collect();
    let expected: Vec<(u64, u64)> = (0..12).flat_map(|p| (0..2).map(move |r| (p, r))).collect();
    assert_eq!(keys, expected);
    // Design point 5 is clerks = 4 (second value), service_minutes = 5.0 (second grid value).
    assert!(runs.lines().any(|l| l.starts_with("5,0,4,4.5,")), "{runs}");
    let points = std::fs::read_to_string(one.join("points.csv")).expect("points.csv");
    assert!(
        points.starts_with(
            "design_point,clerks,service_minutes,indicator,replications,mean,std_dev,ci95_low,ci95_high,relative_half_width_95,precision_target_met\n"
        )
    );
    // Running the finished sweep again does nothing and changes nothing.
    let before = std::fs::read(one.join("runs.csv")).expect("runs.csv");
    let o = reformsim(&["sweep", path_str(&sweep), "--out", path_str(&one), "--quiet"]);
    assert!(o.status.success() && text(&o.stdout).contains("nothing to do"), "{}", text(&o.stdout));
    assert_eq!(std::fs::read(one.join("runs.csv")).expect("runs.csv"), before);
    // A finished sweep's runs.csv changed since is not taken for its results.
    let mut junk = before.clone();
    junk.extend_from_slice(b"99,0,4,4.5,1,2,3\n");
    std::fs::write(one.join("runs.csv"), &junk).expect("append");
    let o = reformsim(&["sweep", path_str(&sweep), "--out", path_str(&one), "--quiet"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stdout));
    assert!(text(&o.stderr).contains("runs.csv was changed after the sweep finished"), "{}", text(&o.stderr));
    assert_eq!(std::fs::read(one.join("runs.csv")).expect("kept"), junk);
}

/// A sweep folder as a killed sweep leaves it: `finished`'s manifest and a
/// journal of `finished`'s runs (each row with its checksum), with `extra` rows
/// after them and every line ended by `end`.
fn interrupted_copy(finished: &Path, to: &Path, extra: &[&str], end: &str) {
    std::fs::create_dir_all(to).expect("folder");
    std::fs::copy(finished.join("manifest.ron"), to.join("manifest.ron")).expect("manifest");
    let runs = std::fs::read_to_string(finished.join("runs.csv")).expect("runs.csv");
    let mut lines = runs.lines();
    let mut journal = format!("{},row_fnv1a64{end}", lines.next().expect("header"));
    for row in lines.chain(extra.iter().copied()) {
        journal.push_str(&format!("{row},{:016x}{end}", reformsim::schema::fnv1a64(row.as_bytes())));
    }
    std::fs::write(to.join("journal.csv"), journal).expect("journal");
}

/// A journal saved with `\r\n` line ends is resumed (it was refused as "written
/// with other columns"); a journal line for a run outside the design (a point or
/// a replication the sweep does not have) is not counted as done: it is left out
/// and counted in `outside_lines` (docs/experiments.md, "Nothing lost").
#[test]
fn a_journal_with_windows_line_ends_resumes_and_runs_outside_the_design_do_not_count() {
    let dir = tempdir("sweep-journal-lines");
    let sweep = load_sweep(&sweep_file(&dir, "small.ron", "mmc.ron", SMALL_SWEEP));
    let finished = dir.join("finished");
    run_in_process(&sweep, &finished, 1, None);
    let runs = std::fs::read_to_string(finished.join("runs.csv")).expect("runs.csv");
    let first_row = runs.lines().nth(1).expect("a row");
    let rest = first_row.split_once(',').and_then(|(_, r)| r.split_once(',')).expect("keys").1;
    let (point_99, replication_7) = (format!("99,0,{rest}"), format!("0,7,{rest}"));
    for (name, extra, end) in
        [("crlf", vec![], "\r\n"), ("outside", vec![point_99.as_str(), replication_7.as_str()], "\n")]
    {
        let out = dir.join(name);
        interrupted_copy(&finished, &out, &extra, end);
        let options = SweepOptions { out: out.clone(), jobs: 1, shard: None };
        let outcome = run_sweep(&sweep, &options, &|_, _| {}).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!((outcome.resumed, outcome.ran, outcome.runs), (24, 0, 24), "{name}: {outcome:?}");
        assert_eq!(outcome.outside_lines, extra.len(), "{name}: {outcome:?}");
        assert_same_files(&finished, &out, &SWEEP_FILES);
    }
}

/// Counts complete lines in a file (0 if it does not exist).
fn lines_in(path: &Path) -> usize {
    std::fs::read(path).map(|b| b.iter().filter(|&&c| c == b'\n').count()).unwrap_or(0)
}

#[test]
fn a_sweep_killed_mid_way_finishes_the_rest_and_matches_an_uninterrupted_run() {
    let dir = tempdir("sweep-kill");
    // 200 runs of a 100-day M/M/c office: several seconds on one thread.
    let body = r#"    seed: 11,
    replications: 20,
    parameters: [(name: "arrivals_per_year", path: "services[0].volume_per_year",
                  range: (from: 200000.0, to: 260000.0, steps: 10))],
    fixed: [(path: "horizon_days", value: 100)],"#;
    let sweep = sweep_file(&dir, "kill.ron", "mmc.ron", body);
    let out = dir.join("interrupted");
    let journal = out.join("journal.csv");
    let mut child = Command::new(env!("CARGO_BIN_EXE_reformsim"))
        .args(["sweep", path_str(&sweep), "--out", path_str(&out), "--jobs", "1", "--quiet"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let started = Instant::now();
    // Header plus at least 10 rows in the journal, then SIGKILL.
    while lines_in(&journal) < 11 {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("the sweep ended ({status}) before it could be killed; make it longer");
        }
        assert!(started.elapsed() < Duration::from_secs(120), "the journal never filled");
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().expect("kill -9");
    let status = child.wait().expect("reaped");
    assert!(!status.success(), "the sweep was killed, not finished");
    let rows_before = lines_in(&journal) - 1;
    assert!(rows_before < 200, "killed before the end: {rows_before} rows");
    assert!(!out.join("runs.csv").exists(), "no final table from a killed sweep");
    // As if the kill had torn a line in half: the restart must cut it off.
    let mut bytes = std::fs::read(&journal).expect("journal");
    bytes.extend_from_slice(b"199,19,260000,90,2");
    std::fs::write(&journal, bytes).expect("tear a line");
    let o = reformsim(&["sweep", path_str(&sweep), "--out", path_str(&out), "--jobs", "2", "--quiet"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let stdout = text(&o.stdout);
    let resumed: u64 = stdout
        .split(" found done")
        .next()
        .and_then(|s| s.rsplit('(').next())
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no resume count in {stdout:?}"));
    assert!(resumed as usize >= rows_before, "{stdout}: {rows_before} rows were in the journal");
    assert!(stdout.contains(&format!("{} run now", 200 - resumed)), "{stdout}");
    let reference = dir.join("uninterrupted");
    run_in_process(&load_sweep(&sweep), &reference, 2, None);
    assert_same_files(&out, &reference, &SWEEP_FILES);
}

/// Ctrl-C during a sweep says, on standard error, that the same command
/// resumes it; and the same command does, from the runs already journaled.
#[cfg(unix)]
#[test]
fn a_sweep_interrupted_with_ctrl_c_says_the_same_command_resumes_it() {
    use std::os::unix::process::ExitStatusExt as _;
    let dir = tempdir("sweep-interrupt");
    let body = r#"    seed: 11,
    replications: 20,
    parameters: [(name: "arrivals_per_year", path: "services[0].volume_per_year",
                  range: (from: 200000.0, to: 260000.0, steps: 10))],
    fixed: [(path: "horizon_days", value: 100)],"#;
    let sweep = sweep_file(&dir, "interrupt.ron", "mmc.ron", body);
    let out = dir.join("out");
    let journal = out.join("journal.csv");
    let args = ["sweep", path_str(&sweep), "--out", path_str(&out), "--jobs", "1", "--quiet"];
    let child = Command::new(env!("CARGO_BIN_EXE_reformsim"))
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let started = Instant::now();
    while lines_in(&journal) < 6 {
        assert!(started.elapsed() < Duration::from_secs(120), "the journal never filled");
        std::thread::sleep(Duration::from_millis(2));
    }
    let pid = libc::pid_t::try_from(child.id()).expect("a process id");
    // SAFETY: sends a signal to the child started above, which has not been reaped.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0, "SIGINT sent");
    let output = child.wait_with_output().expect("reaped");
    let stderr = text(&output.stderr);
    assert_eq!(output.status.signal(), Some(libc::SIGINT), "ended by the interrupt: {stderr}");
    assert!(stderr.contains("the same command resumes the sweep"), "{stderr}");
    assert!(stderr.contains(path_str(&out)), "names the folder: {stderr}");
    let rows_before = lines_in(&journal) - 1;
    assert!(rows_before < 200, "interrupted before the end: {rows_before} rows");
    let o = reformsim(&args);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let stdout = text(&o.stdout);
    assert!(stdout.contains(&format!("({rows_before} found done, {} run now)", 200 - rows_before)), "{stdout}");
}

#[test]
fn shards_merge_into_exactly_the_one_machine_folder() {
    let dir = tempdir("sweep-shards");
    let path = sweep_file(&dir, "small.ron", "mmc.ron", SMALL_SWEEP);
    let sweep = load_sweep(&path);
    let whole = dir.join("whole");
    run_in_process(&sweep, &whole, 2, None);
    let shards: Vec<PathBuf> = (1..=5).map(|k| dir.join(format!("shard-{k}"))).collect();
    for (k, folder) in shards.iter().enumerate() {
        run_in_process(&sweep, folder, 1, Some(Shard { index: k as u64 + 1, count: 5 }));
        assert!(!folder.join("points.csv").exists(), "a shard has no aggregate of its own");
    }
    // In any order.
    let mut shuffled = shards.clone();
    shuffled.reverse();
    let merged = dir.join("merged");
    merge(&shuffled, &merged).unwrap_or_else(|e| panic!("merge failed: {e}"));
    assert_same_files(&merged, &whole, &SWEEP_FILES);
    // Refusals: a missing shard, a repeated one, an unfinished one, an existing output.
    let e = merge(&shards[..4], &dir.join("m1")).expect_err("shard 5 missing").to_string();
    assert!(e.contains("shard 5 of 5 is missing") || e.contains("is missing"), "{e}");
    let mut twice = shards.clone();
    twice[4] = shards[0].clone();
    let e = merge(&twice, &dir.join("m2")).expect_err("shard 1 twice").to_string();
    assert!(e.contains("both shard 1/5"), "{e}");
    let e = merge(&shards, &merged).expect_err("existing output").to_string();
    assert!(e.contains("never overwrites"), "{e}");
    // An edited runs.csv is refused: one figure changed, or one run dropped.
    for (k, edit) in [(1usize, "figure"), (3, "row")] {
        let runs = shards[k].join("runs.csv");
        let original = std::fs::read_to_string(&runs).expect("runs.csv");
        let edited = match edit {
            "figure" => original.replacen(",0.", ",9.", 1),
            _ => {
                let mut lines: Vec<&str> = original.lines().collect();
                lines.pop();
                lines.join("\n") + "\n"
            }
        };
        assert_ne!(edited, original, "{edit}: the edit changes the file");
        std::fs::write(&runs, &edited).expect("edit runs.csv");
        let e = merge(&shards, &dir.join(format!("m-edited-{edit}"))).expect_err("edited shard").to_string();
        assert!(e.contains(&format!("shard {}/5", k + 1)) && e.contains("runs.csv was changed"), "{edit}: {e}");
        std::fs::write(&runs, &original).expect("restore runs.csv");
    }
    let checksum = std::fs::read(shards[0].join("runs.fnv1a64")).expect("a finished shard has a checksum");
    std::fs::remove_file(shards[0].join("runs.fnv1a64")).expect("checksum file");
    let e = merge(&shards, &dir.join("m-no-checksum")).expect_err("no checksum").to_string();
    assert!(e.contains("shard 1/5") && e.contains("runs.fnv1a64"), "{e}");
    std::fs::write(shards[0].join("runs.fnv1a64"), checksum).expect("restore the checksum");
    std::fs::write(shards[2].join("journal.csv"), "").expect("journal");
    let e = merge(&shards, &dir.join("m3")).expect_err("unfinished shard").to_string();
    assert!(e.contains("shard 3/5") && e.contains("not finished"), "{e}");
    std::fs::remove_file(shards[2].join("journal.csv")).expect("journal");
    // A manifest edited to a shard no sweep writes is refused (it panicked, or
    // allocated for every shard of a huge count).
    let manifest = std::fs::read_to_string(shards[1].join("manifest.ron")).expect("manifest");
    for (index, count) in [(0, 5), (7, 5), (1, 100_000_000_000u64)] {
        let edited = manifest
            .replace("index: 2,", &format!("index: {index},"))
            .replace("count: 5,", &format!("count: {count},"));
        assert_ne!(edited, manifest, "the edit applies");
        std::fs::write(shards[1].join("manifest.ron"), edited).expect("edit");
        let e = merge(&shards[1..2], &dir.join("m-bad-shard")).expect_err("bad shard").to_string();
        assert!(e.contains("which no sweep writes"), "{index}/{count}: {e}");
    }
    std::fs::write(shards[1].join("manifest.ron"), manifest).expect("restore");
    // A row cut short, with the checksum made to match, is still not a run row.
    let runs = shards[3].join("runs.csv");
    let original = std::fs::read_to_string(&runs).expect("runs.csv");
    let cut = original.trim_end().rsplit_once(',').map(|(head, _)| format!("{head}\n")).expect("a comma");
    std::fs::write(&runs, &cut).expect("cut");
    let recomputed = format!("{:016x}\n", reformsim::schema::fnv1a64(cut.as_bytes()));
    let checksum = std::fs::read(shards[3].join("runs.fnv1a64")).expect("checksum");
    std::fs::write(shards[3].join("runs.fnv1a64"), recomputed).expect("checksum");
    let e = merge(&shards, &dir.join("m-cut")).expect_err("a short row").to_string();
    assert!(e.contains("is not a run row"), "{e}");
    std::fs::write(&runs, original).expect("restore");
    std::fs::write(shards[3].join("runs.fnv1a64"), checksum).expect("restore");
    let e = merge(&shards, &shards[2].join("merged")).expect_err("inside a shard").to_string();
    assert!(e.contains("is inside the shard folder"), "{e}");
    assert!(!shards[2].join("merged").exists());
    let e = merge(&shards[..1], &dir.join("m4")).expect_err("four missing").to_string();
    assert!(e.contains("shards 2, 3, 4, 5 of 5 are missing"), "{e}");
}

#[test]
fn shards_of_a_sweep_with_a_precision_target_merge_too() {
    let dir = tempdir("sweep-precision");
    let body = r#"    seed: 5,
    replications: 2,
    design: LatinHypercube(points: 5),
    parameters: [
        (name: "reviewers", path: "staff[department=\"Review Bureau\",role=Reviewer].count", range: (from: 5, to: 8)),
        (name: "patience_minutes", path: "services[name=\"licence\"].patience.mean_minutes",
         range: (from: 10.0, to: 40.0)),
    ],
    fixed: [(path: "horizon_days", value: 8), (path: "warmup_days", value: 1)],
    precision: (indicator: "wait_minutes_mean", relative_half_width: 0.04, max_replications: 12),"#;
    let path = sweep_file(&dir, "lhs.ron", "network.ron", body);
    let sweep = load_sweep(&path);
    let whole = dir.join("whole");
    run_in_process(&sweep, &whole, 2, None);
    let runs = std::fs::read_to_string(whole.join("runs.csv")).expect("runs.csv");
    let rows = runs.lines().count() - 1;
    assert!(rows > 10 && rows < 60, "the precision target adds replications to some points only: {rows} runs");
    let shards: Vec<PathBuf> = (1..=2).map(|k| dir.join(format!("shard-{k}"))).collect();
    for (k, folder) in shards.iter().enumerate() {
        run_in_process(&sweep, folder, 2, Some(Shard { index: k as u64 + 1, count: 2 }));
    }
    let merged = dir.join("merged");
    merge(&shards, &merged).unwrap_or_else(|e| panic!("merge failed: {e}"));
    assert_same_files(&merged, &whole, &SWEEP_FILES);
}

#[test]
fn common_random_numbers_make_the_paired_interval_narrower() {
    // The shipped comparison: the M/M/3 office against the same office with a
    // fourth window and clerk. Both face the same applicants in each replication,
    // so their mean waits move together. The paired half-width estimates
    // √(σ²_A + σ²_B − 2ρσ_Aσ_B), the unpaired one √(σ²_A + σ²_B): the paired one
    // is narrower as soon as the correlation ρ exceeds σ_B/2σ_A (about 0.1 here,
    // as the four-window waits vary far less). Seeded: it cannot fail by chance.
    let paths = ["mmc.ron", "mmc-4-windows.ron"].map(|f| root().join("scenarios/validation").join(f));
    let candidates = load_candidates(&paths).unwrap_or_else(|e| panic!("{e}"));
    let options = CompareOptions { seed: 1, replications: 20, jobs: 2, precision: None };
    let comparison = reformsim::experiment::compare(&candidates, &options, &|_, _| {}).expect("runs");
    let i = comparison.indicators.iter().position(|n| *n == "wait_minutes_mean").expect("indicator");
    let (a, b) = (comparison.column(0, i), comparison.column(1, i));
    let paired = comparison.cell(1, i).paired.expect("a paired difference");
    let unpaired = welch_half_width_95(&Summary::of(&a), &Summary::of(&b));
    let correlation = {
        let (sa, sb) = (Summary::of(&a), Summary::of(&b));
        let cov = a.iter().zip(&b).map(|(x, y)| (x - sa.mean) * (y - sb.mean)).sum::<f64>() / (a.len() - 1) as f64;
        cov / (sa.std_dev * sb.std_dev)
    };
    eprintln!(
        "mean wait difference {:.4} min: paired ±{:.4}, unpaired (Welch) ±{unpaired:.4}, correlation {correlation:.3}",
        paired.mean, paired.half_width_95
    );
    assert!(paired.mean < -5.0, "a fourth window cuts the wait by about 6 minutes: {}", paired.mean);
    assert!(correlation > 0.5, "common random numbers correlate the two scenarios: {correlation}");
    assert!(
        paired.half_width_95 < unpaired,
        "paired ±{} is not narrower than unpaired ±{unpaired}",
        paired.half_width_95
    );
}

#[test]
fn compare_prints_a_table_writes_csv_and_replaces_only_its_own() {
    let dir = tempdir("compare-cli");
    let out = dir.join("out");
    let args = [
        "compare",
        "scenarios/validation/mmc.ron",
        "scenarios/validation/mmc-4-windows.ron",
        "--replications",
        "3",
        "--out",
        path_str(&out),
        "--quiet",
    ];
    let o = reformsim(&args);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let stdout = text(&o.stdout);
    assert!(stdout.contains("validation-mmc-4-windows − validation-mmc"), "{stdout}");
    assert!(stdout.lines().any(|l| l.starts_with("wait_minutes_mean")), "{stdout}");
    let csv = std::fs::read_to_string(out.join("comparison.csv")).expect("comparison.csv");
    assert!(csv.starts_with(
        "indicator,scenario,replications,mean,ci95_low,ci95_high,difference_mean,difference_ci95_low,difference_ci95_high,unpaired_difference_ci95_low,unpaired_difference_ci95_high\n"
    ));
    let wait: Vec<&str> = csv.lines().filter(|l| l.starts_with("wait_minutes_mean,")).collect();
    assert_eq!(wait.len(), 2);
    assert!(wait[0].ends_with(",,,,,"), "the reference has no difference: {}", wait[0]);
    let replications = std::fs::read_to_string(out.join("replications.csv")).expect("replications.csv");
    assert_eq!(replications.lines().count(), 1 + 2 * 3);
    // The same comparison again replaces its own results; another into its folder is refused.
    let o = reformsim(&args);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let mut other = args;
    other[1] = "scenarios/validation/tandem.ron";
    let o = reformsim(&other);
    assert_eq!(o.status.code(), Some(2), "another comparison's folder is refused");
    assert!(text(&o.stderr).contains("a comparison of other scenario files"), "{}", text(&o.stderr));
    // With a precision target, replications are added beyond the first three.
    let precise = dir.join("precise");
    let o = reformsim(&[
        "compare",
        "scenarios/validation/mmc.ron",
        "scenarios/validation/mmc-4-windows.ron",
        "--replications",
        "3",
        "--precision",
        "0.01",
        "--max-replications",
        "8",
        "--out",
        path_str(&precise),
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("on the same 8 replications"), "{}", text(&o.stdout));
    let o = reformsim(&[
        "compare",
        "scenarios/validation/mmc.ron",
        "scenarios/validation/mmc.ron",
        "--precision",
        "0.05",
        "--precision-indicator",
        "wait_minute_mean",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("did you mean `wait_minutes_mean`"), "{}", text(&o.stderr));
    // A most below the first batch, or a precision setting without a target, is refused.
    let pair = ["compare", "scenarios/validation/mmc.ron", "scenarios/validation/mmc.ron", "--quiet"];
    let o =
        reformsim(&[&pair[..], &["--replications", "10", "--precision", "0.05", "--max-replications", "3"]].concat());
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("--max-replications (3) must be at least --replications (10)"),
        "{}",
        text(&o.stderr)
    );
    let o = reformsim(&[&pair[..], &["--max-replications", "3"]].concat());
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("--precision"), "{}", text(&o.stderr));
    // Scenarios measuring periods of different lengths are compared with a warning.
    let base = std::fs::read_to_string("scenarios/validation/mmc.ron").expect("mmc.ron");
    let shorter = dir.join("shorter.ron");
    std::fs::write(&shorter, base.replace("horizon_days: 400,", "horizon_days: 30,")).expect("write");
    let short_base = dir.join("short-base.ron");
    std::fs::write(&short_base, base.replace("horizon_days: 400,", "horizon_days: 40,")).expect("write");
    let o = reformsim(&[
        "compare",
        path_str(&short_base),
        path_str(&shorter),
        "--replications",
        "2",
        "--quiet",
        "--out",
        path_str(&dir.join("periods")),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("are not like for like"), "{}", text(&o.stderr));
}

/// Runs `reformsim sweep` on a sweep file written from `body` and checks the
/// exit status and the error message.
fn check_bad_sweep(name: &str, body: &str, expected: &[&str]) {
    let dir = tempdir(&format!("bad-sweep-{name}"));
    let sweep = sweep_file(&dir, "bad.ron", "mmc.ron", body);
    let out = dir.join("out");
    let o = reformsim(&["sweep", path_str(&sweep), "--out", path_str(&out), "--quiet"]);
    let stderr = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{name}: exit status\n{stderr}");
    for e in expected {
        assert!(stderr.contains(e), "{name}: expected {e:?} in\n{stderr}");
    }
    assert!(!out.exists(), "{name}: a folder was created for an invalid sweep");
}

#[test]
fn invalid_sweeps_are_reported_with_their_place_and_exit_2() {
    check_bad_sweep(
        "field",
        "    replications: 2,\n    paramters: [],",
        &["bad.ron:4:5", "unknown field", "did you mean `parameters`"],
    );
    check_bad_sweep(
        "path",
        "    replications: 2,\n    parameters: [(path: \"departments[name=\\\"Ofice\\\"].windows\", values: [4])],",
        &["bad.ron:4:", "no element of `departments` has name = \"Ofice\"", "\"Office\""],
    );
    // A value of a type the scenario cannot take there is reported at the value
    // in the sweep file; a value that makes an invalid scenario, with its design point.
    check_bad_sweep(
        "value-of-the-wrong-type",
        "    replications: 2,\n    parameters: [(name: \"windows\", path: \"departments[0].windows\", values: [3, -1])],",
        &["bad.ron:4:", "parameter `windows` sets `departments[0].windows` to `-1`", "out of range"],
    );
    check_bad_sweep(
        "value",
        "    replications: 2,\n    parameters: [(name: \"horizon\", path: \"horizon_days\", values: [0, 30])],",
        &["design point 0 (horizon = 0)", "horizon_days must be at least 1"],
    );
    check_bad_sweep(
        "precision",
        "    replications: 2,\n    parameters: [],\n    precision: (indicator: \"wait\", relative_half_width: 0.05, max_replications: 1),",
        &["unknown indicator `wait`"],
    );
    check_bad_sweep(
        "too-many-runs",
        "    replications: 2000,\n    parameters: [(path: \"horizon_days\", range: (from: 1, to: 1000))],",
        &["2000000 runs", "--shard K/N", "reformsim merge"],
    );
    // Sizes are worked out from the description, before anything is built: a
    // range of 10^9 steps once asked for a 48 GB allocation.
    check_bad_sweep(
        "range-of-a-billion-steps",
        "    replications: 1,\n    parameters: [(path: \"services[0].volume_per_year\", range: (from: 1.0, to: 2.0, steps: 1000000000))],",
        &["more than 1000000 points"],
    );
    check_bad_sweep(
        "factorial-product-overflows",
        "    replications: 1,\n    parameters: [(path: \"horizon_days\", range: (from: 0, to: 9223372036854775807)), (path: \"warmup_days\", range: (from: 0, to: 9223372036854775807)), (path: \"services[0].volume_per_year\", range: (from: 0, to: 9223372036854775807))],",
        &["more than 1000000 points"],
    );
    check_bad_sweep(
        "latin-hypercube-over-a-huge-range",
        "    replications: 1,\n    design: LatinHypercube(points: 3),\n    parameters: [(name: \"volume\", path: \"services[0].volume_per_year\", range: (from: -9223372036854775808, to: 9223372036854775807))],",
        &["design point 0 (volume = "],
    );
    check_bad_sweep(
        "design-too-large",
        "    replications: 1,\n    parameters: [(path: \"horizon_days\", range: (from: 1, to: 2000)), (path: \"warmup_days\", range: (from: 0, to: 999))],",
        &["more than 1000000 points"],
    );
}

#[test]
fn shards_are_numbered_from_one() {
    let o = reformsim(&["sweep", "scenarios/sweeps/mmc-staffing.ron", "--shard", "0/3", "--quiet"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("--shard expects K/N with 1 ≤ K ≤ N"), "{}", text(&o.stderr));
}

#[test]
fn an_existing_folder_of_something_else_is_never_overwritten() {
    let dir = tempdir("sweep-refuse");
    let sweep = sweep_file(&dir, "small.ron", "mmc.ron", SMALL_SWEEP);
    let out = dir.join("out");
    std::fs::create_dir_all(&out).expect("mkdir");
    std::fs::write(out.join("notes.txt"), "precious").expect("write");
    let o = reformsim(&["sweep", path_str(&sweep), "--out", path_str(&out), "--quiet"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("not a sweep result folder"), "{}", text(&o.stderr));
    assert_eq!(std::fs::read_to_string(out.join("notes.txt")).expect("kept"), "precious");
    // A folder of another sweep is refused too.
    let first = dir.join("first");
    run_in_process(&load_sweep(&sweep), &first, 2, None);
    let other = sweep_file(&dir, "other.ron", "mmc.ron", &SMALL_SWEEP.replace("seed: 3", "seed: 4"));
    let o = reformsim(&["sweep", path_str(&other), "--out", path_str(&first), "--quiet"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("different sweep") && text(&o.stderr).contains("seed: 3 vs 4"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn paths_reach_fields_inherited_through_extends() {
    let dir = tempdir("sweep-extends");
    let body = r#"    replications: 1,
    parameters: [(name: "value_of_time", path: "applicant.value_of_time_cny_per_hour", values: [25.0])],
    fixed: [(path: "horizon_days", value: 20)],"#;
    let path = sweep_file(&dir, "extends.ron", "mmc-4-windows.ron", body);
    let sweep = load_sweep(&path);
    let model = sweep.model(&sweep.points[0]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(model.horizon_days, 20);
    assert_eq!(model.applicant.value_of_time_cny_per_hour, 25.0);
    assert_eq!(model.headcount(), 4, "the rest comes from the file and its parent as before");
}

#[test]
fn the_shipped_sweeps_load() {
    for file in ["mmc-staffing.ron", "network-lhs.ron"] {
        let sweep = load_sweep(&root().join("scenarios/sweeps").join(file));
        assert!(!sweep.points.is_empty(), "{file}");
        for point in &sweep.points {
            sweep.model(point).unwrap_or_else(|e| panic!("{file}: {e}"));
        }
    }
}

#[test]
fn a_sweep_reads_its_base_only_inside_its_project_folder() {
    let dir = tempdir("sweep-sandbox");
    let cases = [
        ("/etc/passwd", "`/etc/passwd` is an absolute path: write it relative to this sweep's folder"),
        ("../../../../../../../../../../../../etc/passwd", "lies outside the project folder"),
    ];
    for (i, (base, expected)) in cases.iter().enumerate() {
        let sweep = dir.join(format!("outside-{i}.ron"));
        std::fs::write(&sweep, format!("Sweep(\n    base: {base:?},\n    replications: 1,\n    parameters: [],\n)\n"))
            .expect("write sweep file");
        let out = dir.join(format!("out-{i}"));
        let o = reformsim(&["sweep", path_str(&sweep), "--out", path_str(&out), "--quiet"]);
        let stderr = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{base}: exit status\n{stderr}");
        for e in [expected, "a sweep may only read files inside its project folder", ":2:11"] {
            assert!(stderr.contains(e), "{base}: expected {e:?} in\n{stderr}");
        }
        assert!(!stderr.contains("root:"), "{base}: the file was read\n{stderr}");
    }
    // A base whose `extends` climbs out is refused by the scenario's rule, and a
    // parameter path that looks through `extends` does not read it either.
    let base = dir.join("climbing.ron");
    std::fs::write(&base, "Scenario(extends: \"/etc/passwd\", horizon_days: 10)\n").expect("write base");
    let sweep = dir.join("through-extends.ron");
    std::fs::write(
        &sweep,
        "Sweep(\n    base: \"climbing.ron\",\n    replications: 1,\n    parameters: [(path: \"warmup_days\", values: [1])],\n)\n",
    )
    .expect("write sweep file");
    let o = reformsim(&["sweep", path_str(&sweep), "--out", path_str(&dir.join("out-extends")), "--quiet"]);
    let stderr = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("is an absolute path"), "{stderr}");
}

/// A precision target whose indicator is undefined in every replication, or of
/// mean 0, is said not to have been judged (it ran to the most replications
/// saying nothing), on standard error and in the comparison's manifest, and so
/// is a sweep's; a target that can be judged is recorded met or not.
#[test]
fn a_precision_target_that_cannot_be_judged_is_said_so() {
    let dir = tempdir("precision-not-judged");
    let base = std::fs::read_to_string(root().join("scenarios/validation/mmc.ron")).expect("mmc.ron");
    let short = dir.join("short.ron");
    std::fs::write(&short, base.replace("horizon_days: 400,", "horizon_days: 20,")).expect("write");
    let compare = |indicator: &str, target: &str, out: &Path| {
        let scenario = path_str(&short);
        let precision = ["--precision", target, "--precision-indicator", indicator, "--max-replications", "4"];
        let rest = ["--replications", "2", "--out", path_str(out), "--quiet"];
        reformsim(&[&["compare", scenario, scenario][..], &precision, &rest].concat())
    };
    let out = dir.join("budget");
    let o = compare("budget_cny", "0.05", &out);
    let stderr = text(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(stderr.contains("warning: precision target not judged"), "{stderr}");
    assert!(stderr.contains("`budget_cny` is undefined in every replication of"), "{stderr}");
    let manifest = std::fs::read_to_string(out.join("manifest.ron")).expect("manifest");
    assert!(manifest.contains("indicator: \"budget_cny\"") && manifest.contains("outcome: \"not judged"), "{manifest}");
    assert!(manifest.contains("replications: 4"), "it still runs to the most: {manifest}");
    let o = compare("abandonment_share", "0.05", &dir.join("zero"));
    assert!(text(&o.stderr).contains("`abandonment_share` has a mean of 0"), "{}", text(&o.stderr));
    let met = dir.join("met");
    let o = compare("wait_minutes_mean", "1", &met);
    assert!(o.status.success() && !text(&o.stderr).contains("warning"), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("precision target met"), "{}", text(&o.stdout));
    let manifest = std::fs::read_to_string(met.join("manifest.ron")).expect("manifest");
    assert!(manifest.contains("outcome: \"met (the 95% half-width of `wait_minutes_mean`"), "{manifest}");
    let sweep = dir.join("sweep.ron");
    let body = "precision: (indicator: \"budget_cny\", relative_half_width: 0.05, max_replications: 3)";
    let parameters = "parameters: [(name: \"clerks\", path: \"staff[0].count\", values: [3, 4])]";
    let text_of_sweep = format!("Sweep(base: \"short.ron\", replications: 2, {parameters}, {body})\n");
    std::fs::write(&sweep, text_of_sweep).expect("write");
    let o = reformsim(&["sweep", path_str(&sweep), "--out", path_str(&dir.join("swept")), "--quiet"]);
    let stderr = text(&o.stderr);
    assert!(o.status.success(), "{stderr}");
    assert!(stderr.contains("was not judged at 2 of 2 design points: `budget_cny` is undefined"), "{stderr}");
}

/// A sweep whose design points stop at the most replications without meeting
/// the precision target says so on standard error (which points, the
/// half-width each reached, the cap), and `points.csv` marks each point's row
/// of the target's indicator met or not; a target met everywhere says nothing.
#[test]
fn a_sweep_says_which_points_missed_the_precision_target() {
    let dir = tempdir("precision-not-met");
    let base = std::fs::read_to_string(root().join("scenarios/validation/mmc.ron")).expect("mmc.ron");
    std::fs::write(dir.join("short.ron"), base.replace("horizon_days: 400,", "horizon_days: 20,")).expect("write");
    let sweep = |name: &str, target: &str| {
        let path = dir.join(format!("{name}.ron"));
        let parameters = "parameters: [(name: \"clerks\", path: \"staff[0].count\", values: [3, 4])]";
        let precision =
            format!("(indicator: \"wait_minutes_mean\", relative_half_width: {target}, max_replications: 3)");
        let body = format!("Sweep(base: \"short.ron\", replications: 2, {parameters}, precision: {precision})\n");
        std::fs::write(&path, body).expect("write");
        let out = dir.join(format!("{name}-out"));
        let o = reformsim(&["sweep", path_str(&path), "--out", path_str(&out), "--quiet"]);
        assert!(o.status.success(), "{}", text(&o.stderr));
        (text(&o.stderr), std::fs::read_to_string(out.join("points.csv")).expect("points.csv"))
    };
    // Each point's row of the target's indicator: design point, replications,
    // relative half-width, met; the relative half-width is the interval's.
    let rows = |points: &str| -> Vec<(String, String, f64, String)> {
        let mut lines = points.lines();
        let header: Vec<&str> = lines.next().expect("header").split(',').collect();
        let col = |name: &str| header.iter().position(|h| *h == name).unwrap_or_else(|| panic!("no {name}"));
        let (ind, reps, mean, high) = (col("indicator"), col("replications"), col("mean"), col("ci95_high"));
        let (rel, met) = (col("relative_half_width_95"), col("precision_target_met"));
        lines
            .map(|l| l.split(',').collect::<Vec<&str>>())
            .filter(|f| f[ind] == "wait_minutes_mean")
            .map(|f| {
                let number = |i: usize| f[i].parse::<f64>().expect("a number");
                let h = number(rel);
                let from_interval = (number(high) - number(mean)) / number(mean).abs();
                assert!((h - from_interval).abs() <= 1e-9 * h.abs().max(1.0), "{f:?}");
                (f[0].to_string(), f[reps].to_string(), h, f[met].to_string())
            })
            .collect()
    };
    // A target no 20-day run of 3 replications reaches.
    let (stderr, points) = sweep("tight", "0.0001");
    let tight = rows(&points);
    assert_eq!(tight.len(), 2, "{points}");
    assert!(stderr.contains("warning: precision target not met (the 95% half-width of `wait_minutes_mean` at most 0.01% of its mean) at 2 of 2 design points"), "{stderr}");
    assert!(stderr.contains("stopped at the most replications, 3"), "{stderr}");
    for (point, replications, h, met) in &tight {
        assert_eq!((replications.as_str(), met.as_str()), ("3", "false"), "point {point}: {points}");
        let shown = format!("{:.2}", h * 100.0);
        let shown = shown.trim_end_matches('0').trim_end_matches('.');
        assert!(stderr.contains(&format!("point {point} at {shown}%")), "point {point} at {shown}%: {stderr}");
    }
    // Other indicators' rows leave the column empty.
    assert!(points.lines().skip(1).all(|l| l.contains("wait_minutes_mean") || l.ends_with(',')), "{points}");
    // A target of 100% of the mean is met at once.
    let (stderr, points) = sweep("loose", "1");
    assert!(!stderr.contains("warning"), "{stderr}");
    assert!(rows(&points).iter().all(|(_, _, _, met)| met == "true"), "{points}");
}

/// A design point whose scenario is refused is named with its values, a long
/// one cut as names are (a value of a million characters was quoted whole).
#[test]
fn a_refused_design_point_is_named_with_its_values_cut() {
    let dir = tempdir("sweep-long-value");
    let long = "n".repeat(1_000_000);
    let body = format!(
        r#"    replications: 1,
    parameters: [(name: "svc", path: "services[0].name", values: ["{long}", "ok"])],"#
    );
    let sweep = load_sweep(&sweep_file(&dir, "long.ron", "mmc.ron", &body));
    let options = SweepOptions { out: dir.join("out"), jobs: 1, shard: None };
    let e = run_sweep(&sweep, &options, &|_, _| {}).expect_err("a service name of a million characters");
    let text = e.to_string();
    assert!(text.starts_with(&format!("design point 0 (svc = {}…)", "n".repeat(80))), "{text:.300}");
    assert!(text.len() < 3_000, "the message is {} bytes long", text.len());
}

#[test]
fn a_sweep_anywhere_may_name_a_shipped_base() {
    // As a scenario's `extends` may: a sweep file outside the project reads a
    // shipped scenario by name.
    let file = tempdir("shipped-base").join("sweep.ron");
    let text = "Sweep(base: \"shipped:validation/mmc\", replications: 1, \
                parameters: [(name: \"clerks\", path: \"staff[0].count\", values: [3, 4])])\n";
    let sweep = Sweep::from_str(&file, text).unwrap_or_else(|e| panic!("loads: {e}"));
    assert!(sweep.base.ends_with("scenarios/validation/mmc.ron"), "{}", sweep.base.display());
    let missing = text.replace("validation/mmc", "validation/no-such");
    let err = Sweep::from_str(&file, &missing).expect_err("no such shipped scenario").to_string();
    assert!(err.contains("does not exist"), "{err}");
}
