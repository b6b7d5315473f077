//! Never lose a user's file: output folders holding anything but earlier results
//! are refused before any work, outputs never overwrite inputs or result files,
//! concurrent writers refuse clearly, and a killed run's leftovers are cleaned
//! (or, for an old folder moved aside, put back).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use reformsim::export::ExportError;
use reformsim::export::output::{FolderOutput, OutputLock, Replace, canonical, check_report_page, replace_folder};

use crate::common::root;
use crate::engine::tempdir;

/// A process id no process has (above Linux's largest, 2^22).
const DEAD_PID: u32 = 4_300_000;

/// Runs reformsim in `dir`: exit status, standard output, standard error.
fn reformsim_in<S: AsRef<std::ffi::OsStr>>(dir: &Path, args: &[S]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_reformsim"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the reformsim binary runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// The M/M/3 validation scenario shortened to `days`, written into `dir`.
fn short_scenario(dir: &Path, name: &str, days: u32) -> PathBuf {
    let text = std::fs::read_to_string(root().join("scenarios/validation/mmc.ron")).expect("shipped scenario");
    assert!(text.contains("horizon_days: 400,"));
    let path = dir.join(name);
    std::fs::write(&path, text.replace("horizon_days: 400,", &format!("horizon_days: {days},"))).expect("write");
    path
}

/// Every file under `dir` (relative paths) with its bytes, sorted.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
        for entry in std::fs::read_dir(dir).expect("list") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                let relative = path.strip_prefix(base).expect("inside").to_path_buf();
                out.push((relative, std::fs::read(&path).expect("read")));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// Names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

const RUN_FILES: [&str; 7] =
    ["daily.csv", "departments.csv", "divisions.csv", "manifest.ron", "services.csv", "summary.csv", "yearly.csv"];

fn assert_complete_run(folder: &Path) {
    let present = names(folder);
    for file in RUN_FILES {
        assert!(present.iter().any(|n| n == file), "{} lacks {file}: {present:?}", folder.display());
    }
    let manifest = std::fs::read_to_string(folder.join("manifest.ron")).expect("manifest");
    assert!(manifest.contains("scenario_path") && manifest.contains("command_line"), "{manifest}");
}

#[test]
fn foreign_files_in_out_are_kept_and_named_before_simulating() {
    let dir = tempdir("safety-foreign");
    let scenario = short_scenario(&dir, "mmc.ron", 15);
    let out = dir.join("out");
    let (code, _, stderr) = reformsim_in(&dir, &["run", "mmc.ron", "--out", "out", "--quiet"]);
    assert_eq!(code, 0, "{stderr}");
    // An earlier result, plus a user's notes, a sweep's tables and a folder of their own.
    std::fs::write(out.join("notes.txt"), "my notes").expect("write");
    std::fs::write(out.join("runs.csv"), "point,replication\n").expect("write");
    std::fs::write(out.join("points.csv"), "point\n").expect("write");
    std::fs::create_dir(out.join("drafts")).expect("mkdir");
    std::fs::write(out.join("drafts/plan.md"), "plan").expect("write");
    let before = snapshot(&out);
    // A long run: refusing it must not wait for the simulation.
    short_scenario(&dir, "long.ron", 4000);
    let started = std::time::Instant::now();
    let (code, stdout, stderr) =
        reformsim_in(&dir, &["run", "long.ron", "--out", "out", "--quiet", "--replications", "40"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(started.elapsed().as_secs_f64() < 3.0, "refused only after {:?}", started.elapsed());
    for name in ["notes.txt", "runs.csv", "points.csv", "drafts"] {
        assert!(stderr.contains(name), "{name} not named in:\n{stderr}");
    }
    assert!(!stderr.contains("summary.csv"), "a result file named as foreign:\n{stderr}");
    assert!(stdout.is_empty(), "something was simulated:\n{stdout}");
    assert_eq!(snapshot(&out), before, "the folder changed");
    assert_eq!(names(&dir), ["long.ron", "mmc.ron", "out"], "leftovers beside the folder");
    // The scenario being run, inside the folder, is an input: refused and kept.
    let inside = out.join("mmc.ron");
    std::fs::copy(&scenario, &inside).expect("copy");
    let (code, _, stderr) = reformsim_in(&dir, &["run", "out/mmc.ron", "--out", "out", "--quiet"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("mmc.ron"), "{stderr}");
    assert!(inside.exists());
}

#[test]
fn a_folder_or_link_under_a_result_files_name_is_kept() {
    let dir = tempdir("safety-shadow");
    short_scenario(&dir, "mmc.ron", 15);
    let (code, _, stderr) = reformsim_in(&dir, &["run", "mmc.ron", "--out", "out", "--quiet"]);
    assert_eq!(code, 0, "{stderr}");
    // A folder of the user's where `daily.csv` was, and a link where `summary.csv` was.
    let out = dir.join("out");
    std::fs::remove_file(out.join("daily.csv")).expect("rm");
    std::fs::create_dir(out.join("daily.csv")).expect("mkdir");
    std::fs::write(out.join("daily.csv/mine.txt"), "important").expect("write");
    std::fs::write(dir.join("figures.csv"), "mine").expect("write");
    std::fs::remove_file(out.join("summary.csv")).expect("rm");
    std::os::unix::fs::symlink(dir.join("figures.csv"), out.join("summary.csv")).expect("symlink");
    let before = snapshot(&out);
    let (code, _, stderr) = reformsim_in(&dir, &["run", "mmc.ron", "--out", "out", "--quiet"]);
    assert_eq!(code, 2, "{stderr}");
    for name in ["daily.csv", "summary.csv"] {
        assert!(stderr.contains(name), "{name} not named in:\n{stderr}");
    }
    assert_eq!(snapshot(&out), before, "the folder changed");
    assert!(out.join("summary.csv").is_symlink(), "the link is gone");
}

#[test]
fn a_link_to_nowhere_given_as_out_is_refused_and_kept() {
    let dir = tempdir("safety-dangling");
    short_scenario(&dir, "mmc.ron", 15);
    std::os::unix::fs::symlink(dir.join("nowhere"), dir.join("d")).expect("symlink");
    let sweep = root().join("scenarios/sweeps/mmc-staffing.ron");
    let sweep = sweep.to_str().expect("UTF-8 path");
    let commands: [&[&str]; 4] = [
        &["run", "mmc.ron", "--out", "d", "--quiet"],
        &["compare", "mmc.ron", "mmc.ron", "--replications", "2", "--out", "d", "--quiet"],
        &["sweep", sweep, "--out", "d", "--quiet"],
        &["init", "d"],
    ];
    for args in commands {
        let (code, _, stderr) = reformsim_in(&dir, args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.contains("symbolic link to a place that does not exist"), "{args:?}: {stderr}");
        assert!(std::fs::symlink_metadata(dir.join("d")).is_ok_and(|m| m.is_symlink()), "{args:?} removed the link");
        assert!(!dir.join("nowhere").exists(), "{args:?} wrote through the link");
    }
}

#[test]
fn out_dot_with_a_manifest_and_other_files_is_refused() {
    let dir = tempdir("safety-dot");
    let work = dir.join("work");
    std::fs::create_dir(&work).expect("mkdir");
    short_scenario(&work, "mmc.ron", 15);
    let (code, _, stderr) = reformsim_in(&work, &["run", "mmc.ron", "--out", "results-a", "--quiet"]);
    assert_eq!(code, 0, "{stderr}");
    std::fs::copy(work.join("results-a/manifest.ron"), work.join("manifest.ron")).expect("copy");
    std::fs::write(work.join("thesis.tex"), "chapter one").expect("write");
    let before = snapshot(&work);
    let (code, _, stderr) = reformsim_in(&work, &["run", "mmc.ron", "--out", ".", "--quiet"]);
    assert_eq!(code, 2, "{stderr}");
    // The working folder is never an output (see the next test), whatever it holds.
    assert!(stderr.contains("is the current folder"), "{stderr}");
    assert_eq!(snapshot(&work), before, "the working folder changed");
}

/// The working folder, or a folder above it, as the output (`--out .`, `--out ..`,
/// its absolute path) is refused before any work, even empty: results replace
/// their folder as a whole, which removed the folder the shell was in (a run
/// in an empty folder "succeeded" and left the shell in a deleted folder).
#[cfg(unix)]
#[test]
fn the_working_folder_or_one_above_it_is_never_an_output() {
    use std::os::unix::fs::MetadataExt as _;
    let dir = tempdir("safety-working-folder");
    let work = dir.join("work");
    std::fs::create_dir_all(work.join("sub")).expect("mkdir");
    let scenario = short_scenario(&dir, "mmc.ron", 15);
    let scenario = scenario.to_str().expect("utf-8");
    let inode = |p: &Path| std::fs::metadata(p).expect("still there").ino();
    let (work_inode, dir_inode) = (inode(&work), inode(&dir));
    let absolute = work.to_str().expect("utf-8").to_string();
    let mut cases: Vec<(PathBuf, Vec<&str>, &str)> = Vec::new();
    for out in [".", absolute.as_str(), "sub/.."] {
        cases.push((work.clone(), vec!["run", scenario, "--out", out], "is the current folder"));
    }
    cases.push((work.join("sub"), vec!["run", scenario, "--out", ".."], "holds the current folder"));
    cases.push((work.clone(), vec!["run", scenario, "--out", ".."], "holds the current folder"));
    cases.push((work.clone(), vec!["compare", scenario, scenario, "--out", "."], "is the current folder"));
    for (here, args, said) in cases {
        let before = snapshot(&dir);
        let (code, _, stderr) = reformsim_in(&here, &[&args[..], &["--quiet", "--replications", "1"]].concat());
        assert_eq!(code, 2, "{args:?} in {}\n{stderr}", here.display());
        assert!(stderr.starts_with("error: ") && stderr.contains(said), "{args:?}\n{stderr}");
        assert!(stderr.contains("name a subfolder"), "{args:?}\n{stderr}");
        assert_eq!(snapshot(&dir), before, "{args:?} changed files");
        assert_eq!((inode(&work), inode(&dir)), (work_inode, dir_inode), "{args:?} replaced a folder");
    }
    // A subfolder is still fine.
    let (code, _, stderr) = reformsim_in(&work, &["run", scenario, "--out", "sub/results", "--quiet"]);
    assert_eq!(code, 0, "{stderr}");
    assert_complete_run(&work.join("sub/results"));
}

/// A mount point cannot be renamed aside as results are switched in: refused
/// before the work (it failed only at the end of the run). `/proc` is one on
/// every Linux system (its file system is not its parent's), and left untouched.
#[cfg(target_os = "linux")]
#[test]
fn a_mount_point_is_refused_as_an_output_before_any_work() {
    let dir = tempdir("safety-mount-point");
    let scenario = short_scenario(&dir, "mmc.ron", 15);
    let scenario = scenario.to_str().expect("utf-8");
    let runs: [&[&str]; 2] = [&["run", scenario, "--out", "/proc"], &["compare", scenario, scenario, "--out", "/proc"]];
    for args in runs {
        let (code, _, stderr) = reformsim_in(&dir, &[args, &["--quiet", "--replications", "1"]].concat());
        assert_eq!(code, 2, "{args:?}\n{stderr}");
        assert!(stderr.starts_with("error: /proc is a mount point"), "{args:?}\n{stderr}");
        assert!(stderr.contains("/proc/results"), "{args:?}\n{stderr}");
    }
    // Nothing was staged beside it.
    let staged =
        std::fs::read_dir("/").expect("root").flatten().any(|e| e.file_name().to_string_lossy().starts_with(".proc."));
    assert!(!staged, "a staging folder was left in /");
}

/// Bind-mounts `source` on `target` (a file or a folder); false where this user
/// may not (root may).
#[cfg(target_os = "linux")]
fn bind_mount(source: &Path, target: &Path) -> bool {
    let status = Command::new("mount").arg("--bind").args([source, target]).stderr(Stdio::null()).status();
    status.is_ok_and(|s| s.success())
}

/// A bind mount of a folder of the same file system is a mount point too, though
/// its device is its parent's: found in the mount table, refused before the work
/// (the run went to its end, then failed to rename it, exit 1). Mounting needs
/// root (as CI runs); elsewhere the test says it did not run.
#[cfg(target_os = "linux")]
#[test]
fn a_bind_mount_is_refused_as_an_output_before_any_work() {
    let dir = tempdir("safety-bind-mount");
    let (source, target) = (dir.join("source"), dir.join("target"));
    std::fs::create_dir_all(&source).expect("mkdir");
    std::fs::create_dir_all(&target).expect("mkdir");
    if !bind_mount(&source, &target) {
        eprintln!("not run: this user may not bind-mount (root may)");
        return;
    }
    let scenario = short_scenario(&dir, "mmc.ron", 15);
    let (code, _, stderr) = reformsim_in(
        &dir,
        &["run", scenario.to_str().expect("utf-8"), "--out", target.to_str().expect("utf-8"), "--quiet"],
    );
    let _ = Command::new("umount").arg(&target).status();
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("is a mount point") && stderr.contains("nothing was done"), "{stderr}");
    assert_eq!(std::fs::read_dir(&source).expect("source").count(), 0, "nothing written into the mount");
}

/// An output file on which a file is bind-mounted cannot take the finished
/// output's rename (EBUSY), as a mounted folder cannot: an event log or a report
/// page there is refused before the work (the run went to its end, then failed
/// with exit status 1), and the mounted file is left as it was. Mounting needs
/// root; elsewhere the test says it did not run.
#[cfg(target_os = "linux")]
#[test]
fn an_output_file_that_is_a_mount_point_is_refused_before_any_work() {
    let dir = tempdir("safety-bind-mount-file");
    let scenario = short_scenario(&dir, "mmc.ron", 15);
    let scenario = scenario.to_str().expect("utf-8");
    // An earlier event log and an earlier report page: each may be replaced.
    let (code, _, stderr) = reformsim_in(
        &dir,
        &["run", scenario, "--out", "r", "--quiet", "--replications", "1", "--event-log", "old.csv"],
    );
    assert_eq!(code, 0, "{stderr}");
    let (code, _, stderr) = reformsim_in(&dir, &["report", "r", "--out", "old.html"]);
    assert_eq!(code, 0, "{stderr}");
    let (log, page) = (dir.join("events.csv"), dir.join("page.html"));
    std::fs::write(&log, "").expect("create");
    std::fs::write(&page, "").expect("create");
    if !bind_mount(&dir.join("old.csv"), &log) {
        eprintln!("not run: this user may not bind-mount (root may)");
        return;
    }
    let mounted_page = bind_mount(&dir.join("old.html"), &page);
    let runs: [&[&str]; 2] = [
        &["run", scenario, "--out", "r", "--quiet", "--replications", "1", "--event-log", "events.csv"],
        &["report", "r", "--out", "page.html"],
    ];
    let mut outcomes = Vec::new();
    for args in runs {
        outcomes.push((args, reformsim_in(&dir, args)));
    }
    let _ = Command::new("umount").arg(&log).status();
    let _ = Command::new("umount").arg(&page).status();
    assert!(mounted_page, "the page was mounted as the log was");
    for (args, (code, _, stderr)) in outcomes {
        assert_eq!(code, 2, "{args:?}\n{stderr}");
        assert!(stderr.contains("is a mount point") && stderr.contains("nothing was done"), "{args:?}\n{stderr}");
    }
    let leftovers: Vec<String> = names(&dir).into_iter().filter(|n| n.starts_with('.')).collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// A file or folder mounted inside an output folder: the folder moved aside at
/// the switch cannot be removed (its mount point cannot), and a file written in
/// place cannot take its rename, so the folder is refused before the work (the
/// run went to its end, then failed with exit status 1, a `.r.old-PID` folder
/// left behind).
#[cfg(target_os = "linux")]
#[test]
fn an_output_folder_holding_a_mount_point_is_refused_before_any_work() {
    let dir = tempdir("safety-bind-mount-inside");
    let scenario = short_scenario(&dir, "mmc.ron", 15);
    let scenario = scenario.to_str().expect("utf-8");
    let args = ["run", scenario, "--out", "r", "--quiet", "--replications", "1"];
    let (code, _, stderr) = reformsim_in(&dir, &args);
    assert_eq!(code, 0, "{stderr}");
    std::fs::write(dir.join("mine.csv"), "my own table\n").expect("write");
    if !bind_mount(&dir.join("mine.csv"), &dir.join("r/summary.csv")) {
        eprintln!("not run: this user may not bind-mount (root may)");
        return;
    }
    let (code, _, stderr) = reformsim_in(&dir, &args);
    let _ = Command::new("umount").arg(dir.join("r/summary.csv")).status();
    for aside in names(&dir).iter().filter(|n| n.starts_with(".r.old-")) {
        // Where the run moved the folder aside (before the fix).
        let _ = Command::new("umount").arg(dir.join(aside).join("summary.csv")).status();
    }
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("summary.csv") && stderr.contains("holds a mount point"), "{stderr}");
    assert!(stderr.contains("nothing was done"), "{stderr}");
    // A sweep resumed in its folder writes its tables in place, by renames.
    let sweep = r#"Sweep(base: "mmc.ron", replications: 1, parameters: [(name: "w", path: "departments[0].windows", values: [3])])"#;
    std::fs::write(dir.join("s.ron"), sweep).expect("write");
    let args = ["sweep", "s.ron", "--out", "s", "--quiet"];
    let (code, _, stderr) = reformsim_in(&dir, &args);
    assert_eq!(code, 0, "{stderr}");
    std::fs::remove_file(dir.join("s/points.csv")).expect("a table to write again");
    assert!(bind_mount(&dir.join("mine.csv"), &dir.join("s/runs.csv")));
    let (code, _, stderr) = reformsim_in(&dir, &args);
    let _ = Command::new("umount").arg(dir.join("s/runs.csv")).status();
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("runs.csv") && stderr.contains("holds a mount point"), "{stderr}");
    assert_eq!(std::fs::read_to_string(dir.join("mine.csv")).expect("kept"), "my own table\n");
    let leftovers: Vec<String> = names(&dir).into_iter().filter(|n| n.starts_with('.')).collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn another_kind_of_results_is_not_replaced_by_a_run() {
    let dir = tempdir("safety-kind");
    short_scenario(&dir, "mmc.ron", 15);
    let out = dir.join("sweep");
    std::fs::create_dir(&out).expect("mkdir");
    std::fs::write(
        out.join("manifest.ron"),
        "(program: \"reformsim\", version: \"0.1.0\", sweep: \"s.ron\", sweep_hash_fnv1a64: \"00\")\n",
    )
    .expect("write");
    let before = snapshot(&out);
    let (code, _, stderr) = reformsim_in(&dir, &["run", "mmc.ron", "--out", "sweep", "--quiet"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("a sweep's results"), "{stderr}");
    assert_eq!(snapshot(&out), before);
}

#[test]
fn an_earlier_result_is_replaced_and_a_dead_runs_leftovers_are_cleaned() {
    let dir = tempdir("safety-replace");
    short_scenario(&dir, "mmc.ron", 15);
    let (code, _, stderr) = reformsim_in(&dir, &["run", "mmc.ron", "--out", "out", "--quiet", "--seed", "1"]);
    assert_eq!(code, 0, "{stderr}");
    let (code, _, stderr) = reformsim_in(&dir, &["report", "out"]);
    assert_eq!(code, 0, "{stderr}");
    // What a run killed mid-write left: a partial folder, an old folder moved aside
    // after the switch, an event log's partial file and a lock, all of a dead
    // process; and a partial folder of a live one (this test), which is kept.
    let dead_partial = dir.join(format!(".out.partial-{DEAD_PID}"));
    std::fs::create_dir(&dead_partial).expect("mkdir");
    std::fs::write(dead_partial.join("summary.csv"), "half").expect("write");
    let dead_old = dir.join(format!(".out.old-{}", DEAD_PID + 1));
    std::fs::create_dir(&dead_old).expect("mkdir");
    std::fs::write(dir.join(format!(".events.csv.partial-{DEAD_PID}")), "half a log").expect("write");
    std::fs::write(dir.join(".out.lock"), format!("{DEAD_PID}\n")).expect("write");
    let live_partial = dir.join(format!(".out.partial-{}", std::process::id()));
    std::fs::create_dir(&live_partial).expect("mkdir");
    let (code, _, stderr) =
        reformsim_in(&dir, &["run", "mmc.ron", "--out", "out", "--quiet", "--seed", "2", "--event-log", "events.csv"]);
    assert_eq!(code, 0, "{stderr}");
    assert_complete_run(&dir.join("out"));
    let manifest = std::fs::read_to_string(dir.join("out/manifest.ron")).expect("manifest");
    assert!(manifest.contains("seed: 2"), "{manifest}");
    assert!(!dead_partial.exists() && !dead_old.exists(), "a dead run's leftovers remain: {:?}", names(&dir));
    assert!(live_partial.exists(), "a live process's partial folder was removed");
    assert_eq!(
        names(&dir),
        [format!(".out.partial-{}", std::process::id()), "events.csv".into(), "mmc.ron".into(), "out".into()]
    );
}

#[test]
fn a_folder_moved_aside_by_a_killed_run_is_put_back() {
    let dir = tempdir("safety-recover");
    let target = dir.join("out");
    // Killed between the two renames: the old folder is aside, no folder in place.
    let aside = dir.join(format!(".out.old-{DEAD_PID}"));
    std::fs::create_dir(&aside).expect("mkdir");
    std::fs::write(
        aside.join("manifest.ron"),
        "(program: \"reformsim\", scenario_path: \"a\", model_hash_fnv1a64: \"1\")",
    )
    .expect("write");
    std::fs::write(aside.join("summary.csv"), "old").expect("write");
    let claim = FolderOutput::claim(&target, &Replace::Run { also: Vec::new() }, &[]).expect("claimed");
    assert_eq!(std::fs::read_to_string(target.join("summary.csv")).expect("put back"), "old");
    assert!(!aside.exists());
    drop(claim);
    assert_eq!(names(&dir), ["out"], "a dropped claim leaves the old folder and nothing else");
}

#[test]
fn a_failed_switch_leaves_the_old_folder() {
    let dir = tempdir("safety-switch");
    let target = dir.join("out");
    std::fs::create_dir(&target).expect("mkdir");
    std::fs::write(target.join("summary.csv"), "old").expect("write");
    // The new folder vanished before the second rename: the old one is put back.
    let e = replace_folder(&dir.join(".out.partial-1"), &target, |_| Ok(())).expect_err("nothing to move in");
    assert!(matches!(e, ExportError::Io { .. }), "{e}");
    assert_eq!(std::fs::read_to_string(target.join("summary.csv")).expect("old kept"), "old");
    assert_eq!(names(&dir), ["out"]);
    // And a complete switch leaves only the new one.
    let staging = dir.join(".out.partial-2");
    std::fs::create_dir(&staging).expect("mkdir");
    std::fs::write(staging.join("summary.csv"), "new").expect("write");
    replace_folder(&staging, &target, |_| Ok(())).expect("switched");
    assert_eq!(std::fs::read_to_string(target.join("summary.csv")).expect("new"), "new");
    assert_eq!(names(&dir), ["out"]);
}

#[test]
fn a_file_put_in_the_output_folder_during_the_work_is_kept() {
    // The folder is checked when it is claimed and again when the results are
    // switched in: a note a user saved into it while a long run went on is
    // theirs, so the folder stays as it is and the new results go beside it.
    let dir = tempdir("safety-meanwhile");
    let run = Replace::Run { also: Vec::new() };
    let merge = Replace::Never { what: "merge" };
    let compare = Replace::Comparison { scenarios: Vec::new() };
    for (k, replace) in [run, merge, compare].iter().enumerate() {
        let target = dir.join(format!("out{k}"));
        std::fs::create_dir(&target).expect("mkdir");
        let claimed = FolderOutput::claim(&target, replace, &[]).expect("an empty folder is claimed");
        std::fs::write(claimed.staging().join("summary.csv"), "new").expect("write");
        std::fs::write(target.join("notes.txt"), "the user's").expect("write");
        let e = claimed.commit().expect_err("the folder changed meanwhile");
        let ExportError::ChangedMeanwhile { kept, .. } = &e else { panic!("{e}") };
        assert!(!e.is_input(), "the work was done: exit 1, not 2");
        assert!(e.to_string().contains(&kept.display().to_string()), "{e}");
        // A run's or a comparison's folder is checked file by file: the message names the new one.
        assert!(matches!(replace, Replace::Never { .. }) || e.to_string().contains("notes.txt"), "{e}");
        assert_eq!(names(&target), ["notes.txt"]);
        assert_eq!(std::fs::read_to_string(target.join("notes.txt")).expect("kept"), "the user's");
        assert_eq!(std::fs::read_to_string(kept.join("summary.csv")).expect("results kept"), "new");
        assert_eq!(kept.parent(), Some(canonical(&dir).as_path()));
        // Nothing left aside: the old folder is back, the staging folder renamed.
        let leftovers: Vec<String> = names(&dir).into_iter().filter(|n| n.starts_with('.')).collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
        // Unchanged, the same folder is replaced as before.
        std::fs::remove_file(target.join("notes.txt")).expect("rm");
        let claimed = FolderOutput::claim(&target, replace, &[]).expect("claimed again");
        std::fs::write(claimed.staging().join("summary.csv"), "newer").expect("write");
        claimed.commit().expect("switched in");
        assert_eq!(std::fs::read_to_string(target.join("summary.csv")).expect("new"), "newer");
    }
}

#[test]
fn a_file_put_at_the_event_log_path_during_the_run_is_kept() {
    // The event log outside the results folder is claimed before the run and
    // checked again when it is switched in: a file the user saved at that path
    // meanwhile stays, and the run's log is kept beside it.
    let dir = tempdir("safety-log-meanwhile");
    short_scenario(&dir, "mmc.ron", 4000);
    let child = Command::new(env!("CARGO_BIN_EXE_reformsim"))
        .args(["run", "mmc.ron", "--out", "out", "--event-log", "log.csv", "--quiet", "--jobs", "1"])
        .current_dir(&dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("reformsim starts");
    // The staging file appears when the log is claimed, before the simulation.
    let started = std::time::Instant::now();
    while !names(&dir).iter().any(|n| n.starts_with(".log.csv.partial-")) {
        assert!(started.elapsed().as_secs() < 60, "the run never claimed its log: {:?}", names(&dir));
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    std::fs::write(dir.join("log.csv"), "the user's table\n").expect("write");
    let output = child.wait_with_output().expect("reformsim ends");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "the run was done, its log kept elsewhere: {stderr}");
    assert!(stderr.contains("log.csv.new-"), "{stderr}");
    assert_eq!(std::fs::read_to_string(dir.join("log.csv")).expect("kept"), "the user's table\n");
    let kept: Vec<String> = names(&dir).into_iter().filter(|n| n.starts_with("log.csv.new-")).collect();
    assert_eq!(kept.len(), 1, "{:?}", names(&dir));
    assert!(std::fs::read_to_string(dir.join(&kept[0])).expect("the run's log").lines().count() > 1000);
    assert_complete_run(&dir.join("out"));
}

#[test]
fn outputs_never_overwrite_inputs() {
    let dir = tempdir("safety-inputs");
    // A chain: child.ron extends base.ron, which reads a staff catalogue.
    let base = short_scenario(&dir, "base.ron", 15);
    let text = std::fs::read_to_string(&base).expect("read");
    let staff_line = text.lines().find(|l| l.trim_start().starts_with("staff:")).expect("staff line").to_string();
    std::fs::write(&base, text.replace(&staff_line, "    staff: [],\n    staff_csv: Some(\"staff.csv\"),"))
        .expect("write");
    std::fs::write(
        dir.join("staff.csv"),
        "department,role,employment,count,annual_cost_cny\nOffice,window_clerk,established,3,100000.0\n",
    )
    .expect("write");
    std::fs::write(dir.join("child.ron"), "Scenario(extends: \"base.ron\", name: \"child\")\n").expect("write");
    let (code, _, stderr) = reformsim_in(&dir, &["validate", "child.ron"]);
    assert_eq!(code, 0, "{stderr}");
    std::os::unix::fs::symlink(dir.join("base.ron"), dir.join("link.ron")).expect("symlink");
    let before = snapshot(&dir);
    let absolute_child = dir.join("child.ron");
    let cases: [&[&str]; 5] = [
        &["--event-log", "child.ron"],
        &["--event-log", absolute_child.to_str().expect("utf-8")],
        &["--event-log", "./sub/../base.ron"],
        &["--event-log", "link.ron"],
        &["--event-log", "staff.csv"],
    ];
    for extra in cases {
        let mut args = vec!["run", "child.ron", "--out", "out", "--quiet"];
        args.extend_from_slice(extra);
        let (code, stdout, stderr) = reformsim_in(&dir, &args);
        assert_eq!(code, 2, "{extra:?}: {stderr}");
        assert!(stderr.contains("input"), "{extra:?}: {stderr}");
        assert!(stdout.is_empty(), "{extra:?}: simulated:\n{stdout}");
        assert_eq!(snapshot(&dir), before, "{extra:?}: an input changed or output appeared");
    }
}

#[test]
fn a_report_never_replaces_a_result_file() {
    let dir = tempdir("safety-report");
    short_scenario(&dir, "mmc.ron", 15);
    let (code, _, stderr) = reformsim_in(&dir, &["run", "mmc.ron", "--out", "r", "--quiet"]);
    assert_eq!(code, 0, "{stderr}");
    let before = snapshot(&dir.join("r"));
    for out in ["r/summary.csv", "./r/../r/manifest.ron", "r"] {
        let (code, _, stderr) = reformsim_in(&dir, &["report", "r", "--out", out]);
        assert_eq!(code, 2, "{out}: {stderr}");
        assert_eq!(snapshot(&dir.join("r")), before, "{out}: the result folder changed");
    }
    // A report.html of the user's own in the folder is not replaced by the default page.
    std::fs::write(dir.join("r/report.html"), "<html>my own page</html>").expect("write");
    let (code, _, stderr) = reformsim_in(&dir, &["report", "r"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("report.html"), "{stderr}");
    assert_eq!(std::fs::read_to_string(dir.join("r/report.html")).expect("kept"), "<html>my own page</html>");
    // Nor is any file of the user's named with --out (it was replaced, exit 0).
    std::fs::write(dir.join("mine.html"), "mine").expect("write");
    for out in ["mine.html", "mmc.ron"] {
        let (code, _, stderr) = reformsim_in(&dir, &["report", "r", "--out", out]);
        assert_eq!(code, 2, "{out}: {stderr}");
        assert!(stderr.contains(out), "{out}: {stderr}");
    }
    assert_eq!(std::fs::read_to_string(dir.join("mine.html")).expect("kept"), "mine");
    // A page reformsim wrote is replaced.
    let (code, _, stderr) = reformsim_in(&dir, &["report", "r", "--out", "page.html"]);
    assert_eq!(code, 0, "{stderr}");
    let (code, _, stderr) = reformsim_in(&dir, &["report", "r", "--out", "page.html"]);
    assert_eq!(code, 0, "{stderr}");
}

#[cfg(unix)]
#[test]
fn a_report_does_not_wait_on_a_named_pipe() {
    let dir = tempdir("safety-report-fifo");
    short_scenario(&dir, "mmc.ron", 15);
    let (code, _, stderr) = reformsim_in(&dir, &["run", "mmc.ron", "--out", "r", "--quiet"]);
    assert_eq!(code, 0, "{stderr}");
    let mkfifo = |path: &Path| {
        std::fs::remove_file(path).ok();
        let status = std::process::Command::new("mkfifo").arg(path).status().expect("mkfifo runs");
        assert!(status.success());
    };
    // A pipe as the manifest is shown as unreadable; as a table, refused; as --out, refused.
    mkfifo(&dir.join("r/manifest.ron"));
    let (code, _, stderr) = reformsim_in(&dir, &["report", "r", "--out", "a.html"]);
    assert_eq!(code, 0, "{stderr}");
    mkfifo(&dir.join("r/summary.csv"));
    let (code, _, stderr) = reformsim_in(&dir, &["report", "r", "--out", "b.html"]);
    assert_eq!(code, 2, "{stderr}");
    mkfifo(&dir.join("pipe.html"));
    let (code, _, stderr) = reformsim_in(&dir, &["report", "r", "--out", "pipe.html"]);
    assert_eq!(code, 2, "{stderr}");
}

#[test]
fn the_demo_report_page_is_replaced_only_if_reformsim_wrote_it() {
    let dir = tempdir("safety-demo-page");
    let page = dir.join("report.html");
    check_report_page(&page).expect("absent");
    std::fs::write(&page, "my page").expect("write");
    let e = check_report_page(&page).expect_err("a user's page").to_string();
    assert!(e.contains("report.html exists and is not a report reformsim wrote"), "{e}");
    std::fs::write(&page, "<head>\n<meta name=\"generator\" content=\"reformsim 0.1.0\">\n").expect("write");
    check_report_page(&page).expect("a reformsim page");
}

#[test]
fn bad_event_log_paths_are_refused_before_the_run() {
    let dir = tempdir("safety-log-path");
    short_scenario(&dir, "long.ron", 4000);
    std::fs::create_dir(dir.join("logs")).expect("mkdir");
    std::fs::write(dir.join("notes.txt"), "mine").expect("write");
    for log in ["logs", "notes.txt/events.csv", "out/summary.csv"] {
        let started = std::time::Instant::now();
        let (code, stdout, stderr) = reformsim_in(
            &dir,
            &["run", "long.ron", "--out", "out", "--quiet", "--replications", "40", "--event-log", log],
        );
        assert_eq!(code, 2, "{log}: {stderr}");
        assert!(stdout.is_empty(), "{log}: simulated:\n{stdout}");
        assert!(started.elapsed().as_secs_f64() < 3.0, "{log}: refused only after {:?}", started.elapsed());
        assert_eq!(names(&dir), ["logs", "long.ron", "notes.txt"], "{log}: something was written");
    }
}

#[test]
fn an_event_log_replaces_only_an_event_log() {
    let dir = tempdir("safety-log-foreign");
    short_scenario(&dir, "mmc.ron", 12);
    let run = |log: &str| reformsim_in(&dir, &["run", "mmc.ron", "--out", "out", "--quiet", "--event-log", log]);
    // A user's file under the name asked for is kept, whatever its extension.
    for (name, text) in [("notes.csv", "my notes\n"), ("trace.xes", "<log>mine</log>")] {
        std::fs::write(dir.join(name), text).expect("write");
        let (code, stdout, stderr) = run(name);
        assert_eq!(code, 2, "{name}: {stderr}");
        assert!(stderr.contains("is not an event log reformsim wrote"), "{name}: {stderr}");
        assert!(stdout.is_empty(), "{name}: simulated:\n{stdout}");
        assert_eq!(std::fs::read_to_string(dir.join(name)).expect("kept"), text);
    }
    // An event log of an earlier run, CSV or XES, is replaced.
    for name in ["events.csv", "events.xes"] {
        for _ in 0..2 {
            let (code, _, stderr) = run(name);
            assert_eq!(code, 0, "{name}: {stderr}");
        }
        assert!(std::fs::metadata(dir.join(name)).expect("written").len() > 0);
    }
}

/// A named pipe (or a device, a socket) is never replaced by an output file: an
/// event log there became an ordinary file, and as root `--event-log /dev/full`
/// replaced the device itself.
#[cfg(unix)]
#[test]
fn a_pipe_is_never_replaced_by_an_output_file() {
    use std::os::unix::fs::FileTypeExt as _;
    let dir = tempdir("safety-pipe");
    short_scenario(&dir, "mmc.ron", 12);
    let made = Command::new("mkfifo").arg(dir.join("pipe")).status().expect("mkfifo runs");
    assert!(made.success());
    for args in [
        vec!["run", "mmc.ron", "--out", "out", "--quiet", "--event-log", "pipe"],
        vec!["run", "mmc.ron", "--out", "out", "--quiet", "--event-log", "out/pipe-link"],
    ] {
        if args.contains(&"out/pipe-link") {
            std::fs::create_dir_all(dir.join("out")).expect("mkdir");
            std::os::unix::fs::symlink(dir.join("pipe"), dir.join("out/pipe-link")).expect("link");
        }
        let (code, stdout, stderr) = reformsim_in(&dir, &args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.contains("is not a regular file"), "{args:?}: {stderr}");
        assert!(stdout.is_empty(), "{args:?}: simulated:\n{stdout}");
        let kind = std::fs::symlink_metadata(dir.join("pipe")).expect("kept").file_type();
        assert!(kind.is_fifo(), "{args:?}: the pipe was replaced");
    }
}

#[test]
fn concurrent_runs_to_one_folder_one_wins_the_others_refuse() {
    let dir = tempdir("safety-concurrent");
    // Long enough (a second or more) that the runs overlap.
    short_scenario(&dir, "mmc.ron", 4000);
    let children: Vec<_> = (0..3)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_reformsim"))
                .args(["run", "mmc.ron", "--out", "out", "--quiet", "--jobs", "1", "--replications", "3"])
                .current_dir(&dir)
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .expect("reformsim starts")
        })
        .collect();
    let mut won = 0;
    for child in children {
        let output = child.wait_with_output().expect("reformsim ends");
        let stderr = String::from_utf8_lossy(&output.stderr);
        match output.status.code() {
            Some(0) => won += 1,
            Some(2) => {
                assert!(stderr.contains("another reformsim process"), "{stderr}");
                assert!(!stderr.contains("os error"), "{stderr}");
            }
            other => panic!("exit {other:?}: {stderr}"),
        }
    }
    assert_eq!(won, 1, "exactly one run writes the folder");
    assert_complete_run(&dir.join("out"));
    assert_eq!(names(&dir), ["mmc.ron", "out"], "leftovers beside the folder");
}

#[test]
fn an_output_lock_is_exclusive_and_released() {
    let dir = tempdir("safety-lock");
    let target = canonical(&dir.join("out"));
    let first = OutputLock::acquire(&target).expect("free");
    let e = OutputLock::acquire(&target).expect_err("held");
    assert!(matches!(e, ExportError::InUse { pid: Some(p), .. } if p == std::process::id()), "{e}");
    drop(first);
    assert_eq!(names(&dir), Vec::<String>::new(), "the lock file is removed");
    let _again = OutputLock::acquire(&target).expect("released");
}

#[test]
fn the_demo_refuses_before_simulating_when_its_folders_hold_user_files() {
    let dir = tempdir("safety-demo");
    let demo = dir.join("results/demo");
    std::fs::create_dir_all(demo.join("super-department")).expect("mkdir");
    std::fs::write(demo.join("super-department/notes.txt"), "mine").expect("write");
    let (code, stdout, stderr) = reformsim_in(&dir, &["demo", "--quiet"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("notes.txt"), "{stderr}");
    assert!(stdout.is_empty(), "simulated:\n{stdout}");
    std::fs::remove_file(demo.join("super-department/notes.txt")).expect("remove");
    std::fs::write(demo.join("report.html"), "my own page").expect("write");
    let (code, stdout, stderr) = reformsim_in(&dir, &["demo", "--quiet"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("report.html") && stdout.is_empty(), "{stderr}\n{stdout}");
    assert_eq!(std::fs::read_to_string(demo.join("report.html")).expect("kept"), "my own page");
    assert_eq!(names(&demo), ["report.html", "super-department"], "something was written");
}

#[test]
fn an_event_log_a_run_wrote_inside_its_folder_is_part_of_its_result() {
    let dir = tempdir("safety-log-inside");
    short_scenario(&dir, "mmc.ron", 15);
    let (code, _, stderr) =
        reformsim_in(&dir, &["run", "mmc.ron", "--out", "r", "--quiet", "--event-log", "r/logs/events.csv"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(dir.join("r/logs/events.csv").is_file());
    let manifest = std::fs::read_to_string(dir.join("r/manifest.ron")).expect("manifest");
    assert!(manifest.contains("logs/events.csv"), "{manifest}");
    // Run again without the log: the folder, log included, is the earlier result.
    let (code, _, stderr) = reformsim_in(&dir, &["run", "mmc.ron", "--out", "r", "--quiet"]);
    assert_eq!(code, 0, "{stderr}");
    assert_complete_run(&dir.join("r"));
    assert!(!dir.join("r/logs").exists());
    // A log the user put there themselves is theirs.
    std::fs::write(dir.join("r/events.csv"), "mine").expect("write");
    let (code, _, stderr) = reformsim_in(&dir, &["run", "mmc.ron", "--out", "r", "--quiet"]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(std::fs::read_to_string(dir.join("r/events.csv")).expect("kept"), "mine");
    // Nor does naming it as the new event log make it reformsim's (it was replaced, exit 0).
    let (code, _, stderr) =
        reformsim_in(&dir, &["run", "mmc.ron", "--out", "r", "--quiet", "--event-log", "r/events.csv"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("is not an event log reformsim wrote"), "{stderr}");
    assert_eq!(std::fs::read_to_string(dir.join("r/events.csv")).expect("kept"), "mine");
    // The results folder itself is not a file to log into (it failed with exit 1).
    let (code, _, stderr) =
        reformsim_in(&dir, &["run", "mmc.ron", "--out", "fresh", "--quiet", "--event-log", "fresh"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(!dir.join("fresh").exists());
}

#[test]
fn a_compare_claims_its_folder_before_running() {
    // The first scenario cannot run to its end (its backlog passes the limit: exit 1
    // once simulated); a compare that claims its folder first is refused with exit 2
    // before simulating anything, while another process holds the folder.
    let dir = tempdir("safety-compare-claim");
    let out = dir.join("out");
    let _held = OutputLock::acquire(&canonical(&out)).expect("free");
    let hostile = root().join("tests/hostile/cut-everyone-under-a-billion-cases.ron");
    let mmc = root().join("scenarios/validation/mmc.ron");
    let (code, stdout, stderr) = reformsim_in(
        &dir,
        &[
            "compare".as_ref(),
            hostile.as_os_str(),
            mmc.as_os_str(),
            "--replications".as_ref(),
            "2".as_ref(),
            "--quiet".as_ref(),
            "--out".as_ref(),
            out.as_os_str(),
        ],
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("another reformsim process"), "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(!out.exists(), "nothing was written");
}

/// Every command that writes a results folder claims the whole folder before any
/// work, not only a part of it: while another process holds it, each is
/// refused at once (sensitivity and calibration claimed only their inner
/// sweeps' folders, so two analyses could write one folder's tables in turn).
#[test]
fn every_folder_command_claims_its_whole_folder_before_any_work() {
    let dir = tempdir("safety-claim-whole-folder");
    let commands = folder_commands(&dir);
    let out = dir.join("held");
    let _held = OutputLock::acquire(&canonical(&out)).expect("free");
    for command in commands.iter().filter(|c| c[0] != "report") {
        assert_refused_at_once(&dir, command, &out, &["another reformsim process"]);
        assert!(!out.exists(), "{command:?}: the held folder was made");
    }
}

/// The commands that write a results folder, each as its arguments before
/// `--out`, on `long.ron` in `dir` (which takes long to simulate: a command
/// that answers at once has not simulated), with the specs they read written
/// into `dir`; and a report of the folder `fine`.
fn folder_commands(dir: &Path) -> Vec<Vec<&'static str>> {
    short_scenario(dir, "long.ron", 4000);
    let files = [
        (
            "sweep.ron",
            r#"Sweep(base: "long.ron", replications: 40, parameters: [(name: "w", path: "departments[0].windows", values: [3, 4])])"#,
        ),
        (
            "optimise.ron",
            r#"Optimise(base: "long.ron", variables: [(name: "w", path: "departments[0].windows", range: (from: 3, to: 5))],
               objective: Minimise(indicator: "admin_cost_cny_per_year"), selection: Ocba(budget: 20, first_stage: 4, increment: 4))"#,
        ),
        (
            "sensitivity.ron",
            r#"Sensitivity(base: "long.ron", replications: 40, method: Morris(trajectories: 10),
               parameters: [(name: "volume", path: "services[0].volume_per_year", range: (from: 200000.0, to: 260000.0))],
               indicators: ["wait_minutes_mean"])"#,
        ),
        (
            "calibration.ron",
            r#"Calibration(base: "long.ron", replications: 40,
               parameters: [(name: "volume", path: "services[0].volume_per_year", prior: Uniform(from: 200000.0, to: 300000.0))],
               targets: [(indicator: "wait_minutes_mean", observed: 7.0, tolerance: 1.0)], method: Rejection(draws: 100, keep: 10))"#,
        ),
        ("fine/summary.csv", "replication,cases_completed\n0,12\n1,14\n"),
    ];
    std::fs::create_dir_all(dir.join("fine")).expect("mkdir");
    for (name, text) in files {
        std::fs::write(dir.join(name), text).expect("write");
    }
    vec![
        vec!["run", "long.ron", "--replications", "40", "--quiet"],
        vec!["compare", "long.ron", "long.ron", "--replications", "40", "--quiet"],
        vec!["sweep", "sweep.ron", "--quiet"],
        vec!["optimise", "optimise.ron", "--quiet"],
        vec!["sensitivity", "sensitivity.ron", "--quiet"],
        vec!["calibrate", "calibration.ron", "--quiet"],
        vec!["report", "fine"],
    ]
}

/// Runs `command --out out` in `dir` and checks it was refused with status 2 at
/// once (nothing simulated), saying `says` in plain words.
fn assert_refused_at_once(dir: &Path, command: &[&str], out: &Path, says: &[&str]) {
    let started = std::time::Instant::now();
    let mut args: Vec<&std::ffi::OsStr> = command.iter().map(|a| a.as_ref()).collect();
    args.extend(["--out".as_ref(), out.as_os_str()]);
    let (code, stdout, stderr) = reformsim_in(dir, &args);
    assert_eq!(code, 2, "{command:?} --out {}: {stderr}", out.display());
    for words in says {
        assert!(stderr.contains(words), "{command:?} --out {}: `{words}` missing from\n{stderr}", out.display());
    }
    assert!(!stderr.contains("os error"), "{command:?}: the system's words\n{stderr}");
    assert!(stdout.is_empty(), "{command:?}: simulated:\n{stdout}");
    assert!(started.elapsed().as_secs_f64() < 3.0, "{command:?}: refused only after {:?}", started.elapsed());
}

/// A file where the output folder, or a folder above it, should be is said to
/// be a file, with what to do, before anything runs; the file is left as it was
/// and nothing is written beside it.
#[test]
fn a_file_where_an_output_folder_should_be_is_named_plainly() {
    let dir = tempdir("safety-file-in-the-way");
    let commands = folder_commands(&dir);
    std::fs::write(dir.join("mine.html"), "<p>my page</p>").expect("write");
    let before = snapshot(&dir);
    for command in &commands {
        // A report's page is a file: only a folder above it can be in the way.
        let outs: &[&str] =
            if command[0] == "report" { &["mine.html/page.html"] } else { &["mine.html", "mine.html/sub"] };
        for out in outs {
            let says = ["mine.html is a file, not a folder", "choose another", "move that file away"];
            assert_refused_at_once(&dir, command, Path::new(out), &says);
            assert_eq!(snapshot(&dir), before, "{command:?} --out {out}: a file was changed or written");
        }
    }
}

/// A place the user may not write is said so, before anything runs: `/sys`
/// refuses new folders even to root (Linux); run as another user, a folder
/// made read-only refuses too.
#[test]
fn a_folder_that_may_not_be_written_is_refused_plainly_before_any_work() {
    let dir = tempdir("safety-read-only");
    let commands = folder_commands(&dir);
    let mut places = Vec::new();
    if cfg!(target_os = "linux") && Path::new("/sys/kernel").is_dir() {
        places.push(PathBuf::from("/sys/reformsim-out"));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let locked = dir.join("locked");
        std::fs::create_dir(&locked).expect("mkdir");
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).expect("chmod");
        // Root writes there all the same: then only /sys shows it.
        if std::fs::File::create(locked.join("probe")).is_err() {
            places.push(locked.join("out"));
        }
    }
    assert!(!places.is_empty(), "no place to try");
    for place in &places {
        for command in &commands {
            let out = if command[0] == "report" { place.join("page.html") } else { place.clone() };
            assert_refused_at_once(&dir, command, &out, &["cannot write in", "choose another output path"]);
            assert!(!place.exists(), "{command:?}: {} was made", place.display());
        }
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let _ = std::fs::set_permissions(dir.join("locked"), std::fs::Permissions::from_mode(0o755));
    }
}

#[test]
fn a_run_never_replaces_another_scenario_files_results_in_its_default_folder() {
    // Two files of one name (a copy edited, or a child that kept its parent's
    // name) share the default folder results/<name>: the second is refused.
    let dir = tempdir("same-name");
    let first = short_scenario(&dir, "first.ron", 12);
    std::fs::create_dir(dir.join("copies")).expect("mkdir");
    let copy = short_scenario(&dir.join("copies"), "copy.ron", 11);
    let (code, _, err) = reformsim_in(&dir, &["run", "first.ron", "--quiet"]);
    assert_eq!(code, 0, "{err}");
    let folder = dir.join("results/validation-mmc");
    assert_complete_run(&folder);
    let before = snapshot(&dir.join("results"));
    let (code, _, err) = reformsim_in(&dir, &["run", "copies/copy.ron", "--quiet"]);
    assert_eq!(code, 2, "refused: {err}");
    assert!(
        err.contains("another scenario file of the same name")
            && err.contains(first.file_name().and_then(|n| n.to_str()).expect("name")),
        "{err}"
    );
    assert!(err.contains("--out"), "says what to do: {err}");
    assert_eq!(snapshot(&dir.join("results")), before, "nothing changed");
    // The same file again (edited or not) replaces its own results, from
    // another working folder too (the manifest names it relative to the results).
    let (code, _, err) = reformsim_in(&dir, &["run", "first.ron", "--quiet", "--seed", "2"]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) =
        reformsim_in(&dir.join("copies"), &["run", "../first.ron", "--quiet", "--out", "../results/validation-mmc"]);
    assert_eq!(code, 0, "{err}");
    // Named with --out, the folder is the user's choice.
    let (code, _, err) = reformsim_in(&dir, &["run", "copies/copy.ron", "--quiet", "--out", "results/validation-mmc"]);
    assert_eq!(code, 0, "{err}");
    let manifest = std::fs::read_to_string(folder.join("manifest.ron")).expect("manifest");
    assert!(manifest.contains("scenario_file: \"../../copies/copy.ron\""), "{manifest}");
    // And now the first file's run is the one refused.
    let (code, _, err) = reformsim_in(&dir, &["run", "first.ron", "--quiet"]);
    assert_eq!(code, 2, "refused: {err}");
    assert!(err.contains(copy.file_name().and_then(|n| n.to_str()).expect("name")), "{err}");
}

#[test]
fn a_compare_replaces_only_a_comparison_of_the_same_files() {
    // The same compare command run again replaces its own earlier results (as a
    // run replaces its own); any other folder is refused with status 2 and kept.
    let dir = tempdir("compare-again");
    short_scenario(&dir, "a.ron", 12);
    short_scenario(&dir, "b.ron", 11);
    short_scenario(&dir, "c.ron", 13);
    let compare = |here: &Path, args: &[&str]| {
        let all: Vec<&str> = [&["compare"][..], args, &["--replications", "2", "--quiet"]].concat();
        reformsim_in(here, &all)
    };
    let (code, _, err) = compare(&dir, &["a.ron", "b.ron"]);
    assert_eq!(code, 0, "{err}");
    let folder = dir.join("results/compare/a-vs-b");
    let manifest = std::fs::read_to_string(folder.join("manifest.ron")).expect("manifest");
    assert!(manifest.contains("\"../../../a.ron\""), "files named relative to the folder: {manifest}");
    // Again, with another seed, and from another working folder through --out.
    let (code, _, err) = compare(&dir, &["a.ron", "b.ron", "--seed", "2"]);
    assert_eq!(code, 0, "the same comparison again: {err}");
    std::fs::create_dir(dir.join("elsewhere")).expect("mkdir");
    let (code, _, err) =
        compare(&dir.join("elsewhere"), &["../a.ron", "../b.ron", "--out", "../results/compare/a-vs-b"]);
    assert_eq!(code, 0, "the same files named from elsewhere: {err}");
    // A report page written into the folder goes with the comparison it shows.
    let (code, _, err) = reformsim_in(&dir, &["report", "results/compare/a-vs-b"]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = compare(&dir, &["a.ron", "b.ron"]);
    assert_eq!(code, 0, "a comparison with its report page: {err}");
    // Other files, another order, a run's results, a user's note: refused, kept.
    let (code, _, err) = reformsim_in(&dir, &["run", "c.ron", "--out", "run", "--quiet"]);
    assert_eq!(code, 0, "{err}");
    let before = snapshot(&dir.join("results"));
    let run_before = snapshot(&dir.join("run"));
    let out = ["--out", "results/compare/a-vs-b"];
    for (args, says) in [
        (&["a.ron", "c.ron"][..], "a comparison of other scenario files"),
        (&["b.ron", "a.ron"][..], "a comparison of other scenario files"),
        (&["c.ron", "a.ron", "b.ron"][..], "a comparison of other scenario files"),
    ] {
        let (code, stdout, err) = compare(&dir, &[args, &out[..]].concat());
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(says) && err.contains("nothing was changed"), "{args:?}: {err}");
        assert!(stdout.is_empty(), "{args:?} ran: {stdout}");
        assert_eq!(snapshot(&dir.join("results")), before, "{args:?} changed the folder");
    }
    let (code, _, err) = compare(&dir, &["a.ron", "b.ron", "--out", "run"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("a run's results, not a comparison's"), "{err}");
    assert_eq!(snapshot(&dir.join("run")), run_before, "the run's folder changed");
    std::fs::write(folder.join("notes.txt"), "mine").expect("write");
    let (code, _, err) = compare(&dir, &["a.ron", "b.ron"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("notes.txt"), "the user's file is named: {err}");
    assert_eq!(std::fs::read_to_string(folder.join("notes.txt")).expect("kept"), "mine");
    // A folder of the user's with no manifest is refused too, naming its files.
    std::fs::create_dir(dir.join("mine")).expect("mkdir");
    std::fs::write(dir.join("mine/comparison.csv"), "my own table").expect("write");
    std::fs::write(dir.join("mine/thesis.tex"), "chapter one").expect("write");
    let (code, _, err) = compare(&dir, &["a.ron", "b.ron", "--out", "mine"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("thesis.tex"), "{err}");
    assert_eq!(std::fs::read_to_string(dir.join("mine/comparison.csv")).expect("kept"), "my own table");
    std::fs::remove_file(dir.join("mine/thesis.tex")).expect("rm");
    let (code, _, err) = compare(&dir, &["a.ron", "b.ron", "--out", "mine"]);
    assert_eq!(code, 2, "a comparison's file name without a manifest: {err}");
    assert!(err.contains("no manifest.ron"), "{err}");
    assert_eq!(std::fs::read_to_string(dir.join("mine/comparison.csv")).expect("kept"), "my own table");
}

/// `--out .` is refused with a subfolder to use instead, and that subfolder is
/// accepted: it suggested `results`, which was refused in turn when it held
/// other results.
#[test]
fn the_folder_suggested_instead_of_the_working_folder_is_accepted() {
    let dir = tempdir("safety-suggested-folder");
    let scenario = short_scenario(&dir, "mmc.ron", 12);
    let scenario = scenario.to_str().expect("utf-8");
    let suggested = |stderr: &str| -> String {
        let after = stderr.split("such as `").nth(1).unwrap_or_else(|| panic!("no suggestion in:\n{stderr}"));
        after.split('`').next().expect("closing quote").to_string()
    };
    let work = dir.join("work");
    std::fs::create_dir(&work).expect("mkdir");
    let mut used = Vec::new();
    // Again and again in one folder, each command writing where it was told.
    for command in ["run", "compare", "run", "compare"] {
        let args: Vec<&str> =
            if command == "run" { vec!["run", scenario] } else { vec!["compare", scenario, scenario] };
        let quiet = ["--quiet", "--replications", "2"];
        let (code, _, stderr) = reformsim_in(&work, &[&args[..], &["--out", "."], &quiet].concat());
        assert_eq!(code, 2, "{stderr}");
        let instead = suggested(&stderr);
        assert!(!used.contains(&instead), "{instead} suggested again");
        let (code, _, stderr) = reformsim_in(&work, &[&args[..], &["--out", instead.as_str()], &quiet].concat());
        assert_eq!(code, 0, "{command} --out {instead}, as suggested: {stderr}");
        used.push(instead);
    }
    // A file named `results` is left alone.
    let other = dir.join("other");
    std::fs::create_dir(&other).expect("mkdir");
    std::fs::write(other.join("results"), "my notes").expect("write");
    let (code, _, stderr) = reformsim_in(&other, &["run", scenario, "--out", ".", "--quiet"]);
    assert_eq!(code, 2, "{stderr}");
    let instead = suggested(&stderr);
    let (code, _, stderr) = reformsim_in(&other, &["run", scenario, "--out", instead.as_str(), "--quiet"]);
    assert_eq!(code, 0, "--out {instead}, as suggested: {stderr}");
    assert_eq!(std::fs::read_to_string(other.join("results")).expect("kept"), "my notes");
}

/// Ctrl-C during a run leaves its folder as it was, and says so.
#[test]
fn an_interrupted_run_leaves_its_earlier_results_and_says_so() {
    use std::os::unix::process::ExitStatusExt as _;
    let dir = tempdir("run-interrupt");
    let out = dir.join("out");
    let mmc = root().join("scenarios/validation/mmc.ron");
    let first = Command::new(env!("CARGO_BIN_EXE_reformsim"))
        .args([
            "run".as_ref(),
            mmc.as_os_str(),
            "--replications".as_ref(),
            "1".as_ref(),
            "--out".as_ref(),
            out.as_os_str(),
        ])
        .output()
        .expect("the binary runs");
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let before = std::fs::read(out.join("summary.csv")).expect("the first run's summary");
    let child = Command::new(env!("CARGO_BIN_EXE_reformsim"))
        .args([
            "run".as_ref(),
            mmc.as_os_str(),
            "--replications".as_ref(),
            "200".as_ref(),
            "--jobs".as_ref(),
            "1".as_ref(),
        ])
        .args(["--quiet".as_ref(), "--out".as_ref(), out.as_os_str()])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    // Once the folder is claimed (its lock beside it), the simulation runs.
    let lock = dir.join(".out.lock");
    let started = std::time::Instant::now();
    while !lock.exists() {
        assert!(started.elapsed() < std::time::Duration::from_secs(60), "the folder was never claimed");
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    std::thread::sleep(std::time::Duration::from_millis(200));
    let pid = libc::pid_t::try_from(child.id()).expect("a process id");
    // SAFETY: sends a signal to the child started above, which has not been reaped.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0, "SIGINT sent");
    let output = child.wait_with_output().expect("reaped");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.signal(), Some(libc::SIGINT), "ended by the interrupt: {stderr}");
    assert!(stderr.contains(&format!("nothing was written to {}", out.display())), "{stderr}");
    assert_eq!(std::fs::read(out.join("summary.csv")).expect("still there"), before, "the earlier results are intact");
}
