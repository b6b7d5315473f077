//! `reformsim optimise`: the answer on an M/M/c staffing problem against Erlang C,
//! determinism whatever the threads, resuming from a journal, and the diagnostics
//! of broken spec files (`tests/broken-optimise/`, snapshots in `tests/snapshots/`).

use std::path::{Path, PathBuf};

use reformsim::analysis::optimise::{OptimiseOptions, OptimiseOutcome, OptimiseSpec, run_optimise};
use reformsim::schema::fnv1a64;
use reformsim::theory::mmc_mean_wait;

use crate::common::{reformsim_cli, root};

/// The files of a finished optimise folder.
const FILES: [&str; 5] = ["manifest.ron", "runs.csv", "candidates.csv", "selection.csv", "result.txt"];

/// An optimise spec over the M/M/c office (30 arrivals an hour, 5-minute service)
/// with the clerks from 2 to 8 and a mean-wait target, as if it were a file in
/// `scenarios/optimise/`.
fn mmc_spec(target_minutes: f64, selection: &str) -> OptimiseSpec {
    let file = root().join("scenarios/optimise/generated.ron");
    OptimiseSpec::from_str(&file, &mmc_spec_text(target_minutes, selection)).unwrap_or_else(|e| panic!("{e}"))
}

/// The text of [`mmc_spec`].
fn mmc_spec_text(target_minutes: f64, selection: &str) -> String {
    format!(
        r#"Optimise(
    base: "../validation/mmc.ron",
    seed: 3,
    fixed: [(path: "horizon_days", value: 40), (path: "warmup_days", value: 5)],
    variables: [(name: "clerks",
        paths: ["departments[name=\"Office\"].windows", "staff[department=\"Office\",role=WindowClerk].count"],
        range: (from: 2, to: 8))],
    objective: Minimise(indicator: "admin_cost_cny_per_year"),
    constraints: [(indicator: "wait_minutes_mean", at_most: {target_minutes:?}, confidence: 0.95)],
    search: (replications: 4, max_replications: 16, max_candidates: 20),
    selection: {selection},
    finalists: 4,
)"#
    )
}

const KN: &str = "KnPlusPlus(alpha: 0.05, delta: 50000.0, first_stage: 4, max_replications: 40)";

fn folder(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("reformsim-optimise-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn run(spec: &OptimiseSpec, out: &Path, jobs: usize) -> OptimiseOutcome {
    run_optimise(spec, &OptimiseOptions { out: out.to_path_buf(), jobs }, &|_, _| {}).unwrap_or_else(|e| panic!("{e}"))
}

fn chosen_clerks(outcome: &OptimiseOutcome) -> u32 {
    let chosen = outcome.chosen.as_ref().expect("a feasible plan");
    chosen[0].1.parse().expect("a whole number of clerks")
}

/// `optimise` returns the smallest c whose Erlang C mean wait meets the target,
/// for two targets (3 minutes: c = 4 waits 1.17, c = 3 waits 7.02; half a minute:
/// c = 5 waits 0.26, c = 4 waits 1.17). The simulated waits of the neighbouring
/// staffings are far from the targets, so 95% one-sided intervals over 4 to 16
/// runs of 40 days (about 29 000 applicants each) decide them.
#[test]
fn optimise_erlang() {
    // 30 arrivals an hour and a 5-minute mean service, in minutes.
    let (arrival_rate, service_rate) = (0.5, 0.2);
    for target in [3.0, 0.5] {
        let expected = (2..=8u32)
            .find(|&c| mmc_mean_wait(arrival_rate, service_rate, c).is_some_and(|w| w <= target))
            .expect("some staffing meets the target");
        let out = folder(&format!("erlang-{target}"));
        let outcome = run(&mmc_spec(target, KN), &out, 2);
        assert_eq!(chosen_clerks(&outcome), expected, "target {target} min\n{}", outcome.result);
        assert!(outcome.result.contains("guarantee: KN++"), "{}", outcome.result);
        let _ = std::fs::remove_dir_all(out);
    }
}

/// The same spec and seed give byte-identical files with 1 and 2 threads, and with
/// OCBA as the selection too.
#[test]
fn optimise_files_do_not_depend_on_threads() {
    for selection in [KN, "Ocba(budget: 60, first_stage: 4, increment: 8)"] {
        let spec = mmc_spec(3.0, selection);
        let (one, two) = (folder("one"), folder("two"));
        let a = run(&spec, &one, 1);
        let b = run(&spec, &two, 2);
        assert_eq!(chosen_clerks(&a), 4);
        assert_eq!(a.chosen, b.chosen);
        for name in FILES {
            let (x, y) = (std::fs::read(one.join(name)), std::fs::read(two.join(name)));
            assert!(x.is_ok() && x.as_ref().ok() == y.as_ref().ok(), "{name} differs with {selection}");
        }
        assert!(!one.join("journal.csv").exists(), "the journal is removed once the files are in place");
        let _ = std::fs::remove_dir_all(one);
        let _ = std::fs::remove_dir_all(two);
    }
}

/// A search killed part-way carries on from its journal: given a journal holding
/// the first runs (and a torn line), it does only the rest and writes the same files.
#[test]
fn a_killed_search_resumes_from_its_journal() {
    let spec = mmc_spec(3.0, KN);
    let (whole, killed) = (folder("whole"), folder("killed"));
    let reference = run(&spec, &whole, 2);
    // The folder a killed search leaves: its manifest and a journal of some runs.
    std::fs::create_dir_all(&killed).expect("mkdir");
    std::fs::copy(whole.join("manifest.ron"), killed.join("manifest.ron")).expect("copy the manifest");
    let runs = std::fs::read_to_string(whole.join("runs.csv")).expect("runs.csv");
    let mut lines = runs.lines();
    let mut journal = format!("{},row_fnv1a64\n", lines.next().expect("a header"));
    let kept: Vec<&str> = lines.take(10).collect();
    for row in &kept {
        journal.push_str(&format!("{row},{:016x}\n", fnv1a64(row.as_bytes())));
    }
    journal.push_str("5,3,4,12");
    std::fs::write(killed.join("journal.csv"), journal).expect("write the journal");
    let resumed = run(&spec, &killed, 2);
    assert_eq!(resumed.resumed, kept.len() as u64);
    assert_eq!(resumed.ran + resumed.resumed, reference.runs);
    for name in FILES {
        let same = std::fs::read(whole.join(name)).ok() == std::fs::read(killed.join(name)).ok();
        assert!(same, "{name} differs after resuming");
    }
    // `reformsim report` tells an optimise folder from a sweep's and charts it.
    let page = reformsim::report::write(&killed, None).unwrap_or_else(|e| panic!("{e}"));
    let html = std::fs::read_to_string(page).expect("the report page");
    assert!(html.contains("Optimisation:") && html.contains("Final selection"), "not an optimise report");
    assert!(html.matches("<svg").count() >= 2, "the objective and the wait are charted");
    // Started again on the finished folder, it does nothing.
    let again = run(&spec, &killed, 2);
    assert!(again.already_complete && again.ran == 0);
    // Another search is refused the folder.
    let other = mmc_spec(0.5, KN);
    let e = run_optimise(&other, &OptimiseOptions { out: killed.clone(), jobs: 1 }, &|_, _| {})
        .expect_err("another search");
    assert!(e.to_string().contains("different search"), "{e}");
    let _ = std::fs::remove_dir_all(whole);
    let _ = std::fs::remove_dir_all(killed);
}

/// A journal line for a run the search never asks for is not taken as done: a
/// candidate number the search never reaches, a replication it never asks of a
/// candidate, a line whose decision values are another candidate's than its
/// number's, a line with too few columns. Each is left out of the files and
/// counted, and the runs the search needs are done again (they were written to
/// runs.csv, or taken as the candidate's results).
#[test]
fn journal_lines_for_runs_outside_the_search_do_not_count() {
    let spec = mmc_spec(3.0, KN);
    let (whole, killed) = (folder("whole-outside"), folder("killed-outside"));
    let reference = run(&spec, &whole, 2);
    std::fs::create_dir_all(&killed).expect("mkdir");
    std::fs::copy(whole.join("manifest.ron"), killed.join("manifest.ron")).expect("copy the manifest");
    let runs = std::fs::read_to_string(whole.join("runs.csv")).expect("runs.csv");
    let mut lines = runs.lines();
    let header = lines.next().expect("a header");
    let rows: Vec<&str> = lines.collect();
    // Candidate 0 is the start (8 clerks); its first 3 replications are kept.
    let kept: Vec<&str> =
        rows.iter().copied().filter(|r| r.starts_with("0,") && !r.starts_with("0,3,")).take(3).collect();
    assert_eq!(kept.len(), 3);
    let indicators = |row: &str| row.splitn(4, ',').nth(3).expect("indicators").to_string();
    let other = rows.iter().find(|r| !r.starts_with("0,")).expect("another candidate's row");
    let (other_clerks, other_indicators) = (other.split(',').nth(2).expect("clerks"), indicators(other));
    let outside = [
        format!("99,0,5,{}", indicators(kept[0])),
        format!("0,999,8,{}", indicators(kept[0])),
        format!("0,3,{other_clerks},{other_indicators}"),
        "0,4,8,1.5".to_string(),
    ];
    let mut journal = format!("{header},row_fnv1a64\n");
    for row in kept.iter().copied().chain(outside.iter().map(String::as_str)) {
        journal.push_str(&format!("{row},{:016x}\n", fnv1a64(row.as_bytes())));
    }
    std::fs::write(killed.join("journal.csv"), journal).expect("write the journal");
    let resumed = run(&spec, &killed, 2);
    assert_eq!((resumed.resumed, resumed.ran + resumed.resumed), (kept.len() as u64, reference.runs), "{resumed:?}");
    assert_eq!(resumed.outside_lines, outside.len(), "{resumed:?}");
    for name in FILES {
        let same = std::fs::read(whole.join(name)).ok() == std::fs::read(killed.join(name)).ok();
        assert!(same, "{name} differs after resuming");
    }
    let _ = std::fs::remove_dir_all(whole);
    let _ = std::fs::remove_dir_all(killed);
}

/// Removes the repository's folder from `text`, so that snapshots read the same on
/// any checkout.
fn relative(text: &str) -> String {
    let mut out = text.to_string();
    for r in [Some(root()), std::fs::canonicalize(root()).ok()].into_iter().flatten() {
        let r = r.display().to_string();
        out = out.replace(&format!("{r}/"), "").replace(&r, "<project>");
    }
    out
}

/// Spec files get the scenario's diagnostics: a place, a snippet, a sentence.
#[test]
fn every_broken_optimise_spec_gets_a_clear_diagnostic() {
    insta::glob!("broken-optimise/msg-*.ron", |path| {
        let text = match OptimiseSpec::load(path) {
            Ok(_) => "valid".to_string(),
            Err(e) => relative(&e.to_string()),
        };
        assert!(text.starts_with("error: ") && text.contains("  --> "), "{}: no located error\n{text}", path.display());
        assert!(!text.contains("ron::"), "{}: parser text\n{text}", path.display());
        insta::assert_snapshot!(text);
    });
}

/// Through the command line: a broken spec exits with 2 before anything runs, and
/// so does `--shard`, with the reason.
#[test]
fn optimise_refuses_broken_specs_and_shards_with_status_2() {
    let broken = root().join("tests/broken-optimise/msg-unknown-indicator.ron");
    let (code, _, stderr) = reformsim_cli(&[Path::new("optimise"), broken.as_path()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("did you mean `wait_minutes_mean`?"), "{stderr}");
    let shipped = root().join("scenarios/optimise/mmc-staffing.ron");
    let (code, _, stderr) =
        reformsim_cli(&[Path::new("optimise"), shipped.as_path(), Path::new("--shard"), Path::new("1/2")]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("cannot be split with --shard"), "{stderr}");
}

/// A level or a fixed value of a type the scenario cannot take is refused with
/// status 2 before anything runs, at the value in the optimise file (not in the
/// scenario text a candidate would make); with a choice among scenario files,
/// once, not once per file.
#[test]
fn a_value_of_the_wrong_type_is_refused_at_the_value_in_the_spec() {
    let broken = root().join("tests/broken-optimise/msg-value-wrong-type.ron");
    let out = folder("wrong-type");
    let (code, _, stderr) =
        reformsim_cli(&[Path::new("optimise"), &broken, Path::new("--quiet"), Path::new("--out"), &out]);
    assert_eq!(code, 2, "{stderr}");
    for want in [
        "variable `functions` sets `functions` to `1`, which the scenario cannot take there: expected a list",
        "msg-value-wrong-type.ron:10:62",
        "`fixed` sets `horizon_days` to `\"forty\"`",
        "msg-value-wrong-type.ron:8:43",
    ] {
        assert!(stderr.contains(want), "`{want}` missing from\n{stderr}");
    }
    assert!(!stderr.contains("mmc.ron:"), "located in the scenario's text:\n{stderr}");
    assert!(!out.exists(), "nothing was run or written");
    let text = r#"Optimise(
    variables: [
        (name: "office", scenarios: ["../validation/mmc.ron", "../validation/mmc-4-windows.ron"]),
        (name: "clerks", path: "functions", values: [3, 4]),
    ],
    objective: Minimise(indicator: "admin_cost_cny_per_year"),
    selection: Ocba(budget: 20, first_stage: 4, increment: 4),
)"#;
    let e = OptimiseSpec::from_str(&root().join("scenarios/optimise/generated.ron"), text).expect_err("refused");
    let message = e.to_string();
    assert_eq!(message.matches("variable `clerks` sets `functions` to `3`").count(), 1, "{message}");
    assert!(message.contains("generated.ron:4:54"), "{message}");
}

/// The shipped optimise files load, and their starting plans build.
#[test]
fn the_shipped_optimise_specs_load() {
    for file in ["mmc-staffing.ron", "county-staffing.ron"] {
        let spec =
            OptimiseSpec::load(&root().join("scenarios/optimise").join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        spec.model(&spec.search.start).unwrap_or_else(|e| panic!("{file}: {e}"));
    }
}

/// A choice among scenario files: the cheaper office (3 clerks) when its wait of
/// about 7 minutes meets the target, the 4-clerk one when the target is 3 minutes.
#[test]
fn optimise_chooses_among_scenario_files() {
    for (target, expected) in [(10.0, "mmc.ron"), (3.0, "mmc-4-windows.ron")] {
        let text = format!(
            r#"Optimise(
    fixed: [(path: "horizon_days", value: 40), (path: "warmup_days", value: 5)],
    variables: [(name: "office", scenarios: ["../validation/mmc.ron", "../validation/mmc-4-windows.ron"])],
    objective: Minimise(indicator: "admin_cost_cny_per_year"),
    constraints: [(indicator: "wait_minutes_mean", at_most: {target:?})],
    search: (replications: 4, max_replications: 16, start: Values(["../validation/mmc-4-windows.ron"])),
    selection: Ocba(budget: 20, first_stage: 4, increment: 4),
)"#
        );
        let spec = OptimiseSpec::from_str(&root().join("scenarios/optimise/generated.ron"), &text)
            .unwrap_or_else(|e| panic!("{e}"));
        let out = folder(&format!("choice-{target}"));
        let outcome = run(&spec, &out, 2);
        let chosen = outcome.chosen.as_ref().expect("a feasible plan");
        assert_eq!(chosen[0], ("office".to_string(), expected.to_string()), "{}", outcome.result);
        let _ = std::fs::remove_dir_all(out);
    }
}

/// The column `name` of the row of `candidates.csv` (in `folder`) whose decision
/// value `clerks` is `clerks`.
fn candidate_field(folder: &Path, clerks: u32, name: &str) -> String {
    let text = std::fs::read_to_string(folder.join("candidates.csv")).expect("candidates.csv");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("a header").split(',').collect();
    let at = |column: &str| header.iter().position(|h| *h == column).unwrap_or_else(|| panic!("no column {column}"));
    let row = lines
        .map(|l| l.split(',').collect::<Vec<_>>())
        .find(|f| f[at("clerks")] == clerks.to_string())
        .unwrap_or_else(|| panic!("no candidate with {clerks} clerks"));
    row[at(name)].to_string()
}

/// A candidate whose interval straddles its bound gets more replications than the
/// first batch: with the target set at the 4-clerk office's own mean wait over its
/// first 4 replications, its one-sided interval cannot lie on one side of it.
#[test]
fn a_straddling_constraint_gets_more_replications() {
    let loose = folder("loose");
    run(&mmc_spec(3.0, KN), &loose, 2);
    assert_eq!(candidate_field(&loose, 3, "replications"), "4", "a clear violation needs no more than the first batch");
    let first_batch_mean = {
        // The 4-clerk office was re-evaluated as an incumbent: its first 4 runs are in runs.csv.
        let runs = std::fs::read_to_string(loose.join("runs.csv")).expect("runs.csv");
        let mut lines = runs.lines();
        let header: Vec<&str> = lines.next().expect("a header").split(',').collect();
        let (clerks, replication, wait) = (
            header.iter().position(|h| *h == "clerks").expect("clerks"),
            header.iter().position(|h| *h == "replication").expect("replication"),
            header.iter().position(|h| *h == "wait_minutes_mean").expect("wait"),
        );
        let waits: Vec<f64> = lines
            .map(|l| l.split(',').collect::<Vec<_>>())
            .filter(|f| f[clerks] == "4" && f[replication].parse::<u64>().is_ok_and(|r| r < 4))
            .map(|f| f[wait].parse().expect("a wait"))
            .collect();
        assert_eq!(waits.len(), 4);
        waits.iter().sum::<f64>() / 4.0
    };
    assert!(first_batch_mean > 0.0);
    let straddling = folder("straddling");
    let outcome = run(&mmc_spec(first_batch_mean, KN), &straddling, 2);
    let replications: u64 = candidate_field(&straddling, 4, "replications").parse().expect("a count");
    assert!(replications > 4, "{replications} replications\n{}", outcome.result);
    let _ = std::fs::remove_dir_all(loose);
    let _ = std::fs::remove_dir_all(straddling);
}

/// A variable value of the right type that makes an invalid scenario is reported
/// with the candidate before anything runs, and no folder is made (a value of the
/// wrong type is reported in the spec, test above).
#[test]
fn an_invalid_value_at_a_variables_end_is_refused_before_running() {
    let text = r#"Optimise(
    base: "../validation/mmc.ron",
    fixed: [(path: "warmup_days", value: 0)],
    variables: [(name: "horizon", path: "horizon_days", range: (from: 0, to: 5))],
    objective: Minimise(indicator: "admin_cost_cny_per_year"),
    selection: Ocba(budget: 24, first_stage: 4, increment: 4),
)"#;
    let spec = OptimiseSpec::from_str(&root().join("scenarios/optimise/generated.ron"), text)
        .unwrap_or_else(|e| panic!("{e}"));
    let out = folder("invalid-end");
    let e = run_optimise(&spec, &OptimiseOptions { out: out.clone(), jobs: 1 }, &|_, _| {}).expect_err("refused");
    assert!(e.is_input() && e.to_string().contains("horizon = 0 is not valid"), "{e}");
    assert!(!out.exists(), "nothing was written");
}

/// An objective the scenario leaves empty (no budget: `public_service_cny` is
/// undefined) chooses no plan, and says why rather than "no feasible plan".
#[test]
fn an_undefined_objective_is_named_as_the_reason_no_plan_was_chosen() {
    let text = mmc_spec_text(3.0, KN).replace(
        r#"objective: Minimise(indicator: "admin_cost_cny_per_year")"#,
        r#"objective: Minimise(indicator: "public_service_cny")"#,
    );
    let spec = OptimiseSpec::from_str(&root().join("scenarios/optimise/generated.ron"), &text)
        .unwrap_or_else(|e| panic!("{e}"));
    let outcome = run(&spec, &folder("undefined-objective"), 2);
    assert!(outcome.chosen.is_none(), "{}", outcome.result);
    assert!(outcome.result.contains("NO PLAN could be chosen") && outcome.result.contains("not a finite number"));
    assert!(!outcome.result.contains("NO FEASIBLE PLAN"), "{}", outcome.result);
}
