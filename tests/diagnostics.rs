//! Diagnostics: what a planner reads for each mistake in `tests/broken/` (one
//! file per mistake, snapshots in `tests/snapshots/`), and the exit statuses of
//! `reformsim validate` on the corpus and on every shipped scenario.
//!
//! To review a changed wording: `INSTA_UPDATE=always cargo test diagnostics`,
//! then read the `.snap` files in `git diff`.

use std::path::{Path, PathBuf};

use reformsim::scenario::{load, warnings};

use crate::common::root;

/// Removes the repository's folder from `text`, so that snapshots read the same
/// on any checkout.
fn relative(text: &str) -> String {
    let mut out = text.to_string();
    let mut roots = vec![root()];
    if let Ok(real) = std::fs::canonicalize(root()) {
        roots.push(real);
    }
    for r in roots {
        let r = r.display().to_string();
        out = out.replace(&format!("{r}/"), "").replace(&r, "<project>");
    }
    out
}

/// What validation says about the scenario at `path`: its diagnostics, or
/// "valid" and its warnings.
fn diagnose(path: &Path) -> String {
    match load(path) {
        Ok(model) => {
            let mut out = "valid".to_string();
            for w in warnings(&model) {
                out.push_str(&format!("\nwarning: {w}"));
            }
            relative(&out)
        }
        Err(e) => relative(&e.to_string()),
    }
}

#[test]
fn every_broken_scenario_gets_a_clear_diagnostic() {
    insta::glob!("broken/*.ron", |path| {
        let text = diagnose(path);
        assert!(text.starts_with("error: "), "{}: no error\n{text}", path.display());
        insta::assert_snapshot!(text);
    });
}

/// Sweep files get the scenario's diagnostics: a place, a snippet, a sentence
/// (never the parser's own words). Files prefixed `msg-` are about wording.
#[test]
fn every_broken_sweep_gets_a_clear_diagnostic() {
    insta::glob!("broken-sweeps/msg-*.ron", |path| {
        let text = match reformsim::experiment::Sweep::load(path) {
            Ok(_) => "valid".to_string(),
            Err(e) => relative(&e.to_string()),
        };
        assert!(text.starts_with("error: ") && text.contains("  --> "), "{}: no located error\n{text}", path.display());
        for raw in ["ron::", "serde_stacker", "Integer is out of bounds"] {
            assert!(!text.contains(raw), "{}: parser text `{raw}`\n{text}", path.display());
        }
        insta::assert_snapshot!(text);
    });
}

/// A file above the size limit is named, with the limit said plainly.
#[test]
fn a_file_above_the_size_limit_is_named_with_the_limit() {
    let dir = std::env::temp_dir().join(format!("reformsim-huge-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temporary folder");
    let path = dir.join("huge.ron");
    let file = std::fs::File::create(&path).expect("create");
    file.set_len(65 * 1024 * 1024).expect("grow to 65 MiB");
    let text = match load(&path) {
        Ok(_) => "valid".to_string(),
        Err(e) => e.to_string(),
    };
    std::fs::remove_dir_all(&dir).ok();
    assert!(text.contains("the file is 65 MiB, above the limit of 64 MiB for one scenario or CSV file"), "{text}");
    assert!(text.contains("huge.ron") && !text.contains("split the catalogue"), "{text}");
}

/// An unknown name of 60 MB (a paste gone wrong) is echoed cut to 80
/// characters with `…`, not whole (the message was 60 MB long), and its
/// nearest-name search does not compare it with every name.
#[test]
fn an_enormous_unknown_name_is_cut_in_the_message() {
    let dir = std::env::temp_dir().join(format!("reformsim-long-name-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temporary folder");
    let scenario = std::fs::read_to_string(root().join("scenarios/validation/mmc.ron")).expect("mmc.ron");
    let long = "x".repeat(60_000_000);
    let text = scenario.replacen("function: \"service\"", &format!("function: \"{long}\""), 1);
    assert_ne!(text, scenario, "the step's function is replaced");
    std::fs::write(dir.join("long.ron"), text).expect("write");
    let started = std::time::Instant::now();
    let message = diagnose(&dir.join("long.ron"));
    std::fs::remove_dir_all(&dir).ok();
    let headline = message.lines().next().expect("a line");
    assert!(headline.starts_with(&format!("error: unknown function `{}…`", "x".repeat(80))), "{headline:.300}");
    assert!(message.len() < 2_000, "the message is {} bytes long", message.len());
    assert!(started.elapsed().as_secs() < 60, "took {:?}", started.elapsed());
}

/// A named pipe (no one writing to it) given as a scenario or a catalogue is
/// refused at once, not waited on forever.
#[cfg(unix)]
#[test]
fn a_named_pipe_is_refused_not_waited_on() {
    let dir = std::env::temp_dir().join(format!("reformsim-fifo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temporary folder");
    let path = dir.join("pipe.ron");
    let made = std::process::Command::new("mkfifo").arg(&path).status().expect("mkfifo runs");
    assert!(made.success());
    let started = std::time::Instant::now();
    let (code, _, stderr) = validate(&path);
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("pipe.ron` is not a regular file"), "{stderr}");
    assert!(started.elapsed().as_secs() < 30, "waited {:?}", started.elapsed());
}

/// A jurisdiction tree above the limit of jurisdictions is refused before it is
/// expanded (300,000 rows took minutes and gigabytes before the limit).
#[test]
fn a_tree_above_the_limit_of_jurisdictions_is_refused_at_once() {
    let dir = std::env::temp_dir().join(format!("reformsim-many-counties-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temporary folder");
    let template = root().join("tests/jurisdictions");
    for name in ["county.ron", "sizes.ron"] {
        std::fs::copy(template.join(name), dir.join(name)).expect("copy");
    }
    let counties = reformsim::scenario::limits::MAX_JURISDICTIONS; // + the Province: one too many
    let mut table = String::from("jurisdiction,parent,level,template,population,firms\nProv,,Province,,300000,\n");
    for k in 0..counties {
        table.push_str(&format!("K{k},Prov,County,county,100,\n"));
    }
    std::fs::write(dir.join("sizes.csv"), table).expect("write");
    let started = std::time::Instant::now();
    let (code, _, stderr) = validate(&dir.join("sizes.ron"));
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(code, 2, "{stderr}");
    let count = format!("the jurisdiction tree has {} jurisdictions, above the limit", counties + 1);
    assert!(stderr.contains(&count) && stderr.contains("MAX_JURISDICTIONS"), "{stderr}");
    assert!(started.elapsed().as_secs() < 30, "took {:?}", started.elapsed());
}

/// A catalogue saved with `\r\n` line ends (as spreadsheets save CSV, with a
/// bare `\n` inside a cell) is located as one saved with `\n`: every message at
/// its own row, past a blank line too (they pointed one line early).
#[test]
fn a_catalogue_with_windows_line_ends_is_located_row_by_row() {
    let dir = std::env::temp_dir().join(format!("reformsim-crlf-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("csv")).expect("temporary folder");
    let scenario = std::fs::read_to_string(root().join("tests/broken/csv-line-break.ron")).expect("fixture");
    std::fs::write(dir.join("s.ron"), scenario).expect("write");
    let rows = [
        "department,role,employment,count,annual_cost_cny,note",
        "Office,window_clerk,established,2,100000,front desk",
        "",
        "Office,window_clerk,contract,1,80000,\"temp\norary\"",
        "Office,window_clerk,contract,three,80000,evening",
    ];
    let mut messages = Vec::new();
    for end in ["\n", "\r\n"] {
        std::fs::write(dir.join("csv/staff-line-break.csv"), rows.join(end) + end).expect("write");
        messages.push(diagnose(&dir.join("s.ron")));
    }
    std::fs::remove_dir_all(&dir).ok();
    let unix = &messages[0];
    assert!(unix.contains("`note` in row 4 contains a line break (its quotes span lines 4 to 5)"), "{unix}");
    assert!(unix.contains("staff-line-break.csv:4:38"), "{unix}");
    assert!(unix.contains("row 6, column `count`: cannot read `three`") && unix.contains("csv:6:30"), "{unix}");
    assert_eq!(messages[1], *unix, "\\r\\n line ends are located differently");
}

/// A scenario file that does not exist gets the nearest file names around it.
#[test]
fn a_missing_scenario_gets_the_nearest_file_names() {
    let (code, _, stderr) = validate(&root().join("scenarios/validation/mmc.rn"));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("did you mean `mmc.ron`?"), "{stderr}");
}

#[test]
fn likely_mistakes_get_a_warning() {
    insta::glob!("broken/warnings/*.ron", |path| {
        let text = diagnose(path);
        assert!(text.starts_with("valid\nwarning: "), "{}: no warning\n{text}", path.display());
        insta::assert_snapshot!(text);
    });
}

/// The `.ron` files directly in `folder`, sorted.
fn scenarios_in(folder: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
        .unwrap_or_else(|e| panic!("{}: {e}", folder.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no scenarios in {}", folder.display());
    files
}

/// Runs `reformsim validate` on `path`: exit status, standard output and error.
fn validate(path: &Path) -> (i32, String, String) {
    crate::common::reformsim_cli(&[std::ffi::OsStr::new("validate"), path.as_os_str()])
}

#[test]
fn validate_exits_with_2_on_every_broken_scenario() {
    for path in scenarios_in(&root().join("tests/broken")) {
        let (code, stdout, stderr) = validate(&path);
        assert_eq!(code, 2, "{}: exit status\n{stdout}{stderr}", path.display());
        assert!(stderr.contains("error: ") && stderr.contains("found"), "{}:\n{stderr}", path.display());
        assert!(stdout.is_empty(), "{}: printed {stdout}", path.display());
    }
}

#[test]
fn validate_warns_but_accepts_likely_mistakes() {
    for path in scenarios_in(&root().join("tests/broken/warnings")) {
        let (code, stdout, stderr) = validate(&path);
        assert_eq!(code, 0, "{}: exit status\n{stderr}", path.display());
        assert!(stderr.starts_with("warning: "), "{}:\n{stderr}", path.display());
        assert!(stdout.contains("valid"), "{}:\n{stdout}", path.display());
    }
}

#[test]
fn validate_accepts_every_shipped_scenario_without_warnings() {
    let shipped = [scenarios_in(&root().join("scenarios")), scenarios_in(&root().join("scenarios/validation"))];
    for path in shipped.iter().flatten() {
        let (code, stdout, stderr) = validate(path);
        assert_eq!(code, 0, "{}: exit status\n{stderr}", path.display());
        assert!(stderr.is_empty(), "{}: printed on standard error:\n{stderr}", path.display());
        assert!(stdout.contains("valid"), "{}:\n{stdout}", path.display());
    }
}

#[test]
fn an_unreadable_scenario_exits_with_2() {
    let (code, _, stderr) = validate(Path::new("tests/broken/no-such-scenario.ron"));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("no-such-scenario.ron"), "{stderr}");
}

/// A send-back with contract staff's extra error is added up wherever contract
/// staff may do the step — hired by a reform, or replacing leavers — and only
/// there: the same probabilities at a step no contract member does are valid.
#[test]
fn contract_errors_count_wherever_contract_staff_may_do_the_step() {
    let path = root().join("tests/broken/rounds-send-back-with-contract-errors.ron");
    let broken = std::fs::read_to_string(&path).expect("fixture");
    let contract_group = "role: Reviewer, employment: Contract, count: 2";
    assert!(broken.contains(contract_group));
    let established = broken.replace(contract_group, "role: Reviewer, employment: Established, count: 2");
    let load = |text: &str| reformsim::scenario::load_from_str(&path, text).map(|_| ()).map_err(|e| e.to_string());
    // No contract member reviews: valid.
    assert_eq!(load(&established), Ok(()));
    let hire = r#"reforms: [Reform(start: "2017-06-01", lever: ContractStaff(department: "Office", role: Reviewer, count: 1, annual_cost_cny: 1.0))],"#;
    let replace = r#"reforms: [Reform(start: "2017-06-01", lever: RecruitmentPolicy(policy: ContractOnly))],
        workforce: (retirement_rate_per_year: 0.0, resignation_rate_per_year: 0.1, recruitment: ReplaceLeavers, contract_annual_cost_cny: 1.0),"#;
    let clerks = r#"reforms: [Reform(start: "2017-06-01", lever: ContractStaff(department: "Office", role: WindowClerk, count: 1, annual_cost_cny: 1.0))],"#;
    for (lever, refused) in [(hire, true), (replace, true), (clerks, false)] {
        let text = established.replacen("    documents: [],", &format!("    documents: [],\n    {lever}"), 1);
        match load(&text) {
            Err(e) if refused => {
                assert!(e.contains("contract staff's extra_error_probability 0.4999999) is 0.9999999:"), "{e}");
                assert!(e.contains("contract_staff: (extra_error_probability: 0.4999999)"), "{e}");
            }
            Ok(()) if !refused => {}
            other => panic!("{lever}: {other:?}"),
        }
    }
}

/// A name of 60 MB written where a service is named (a paste gone wrong) is
/// refused before the rest is checked, the name cut in the message; it became
/// a value of every output table and was quoted whole in warnings.
#[test]
fn an_enormous_name_is_refused_and_cut_in_the_message() {
    let dir = std::env::temp_dir().join(format!("reformsim-long-service-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temporary folder");
    let scenario = std::fs::read_to_string(root().join("scenarios/validation/mmc.ron")).expect("mmc.ron");
    let long = "x".repeat(60_000_000);
    let text = scenario.replacen("name: \"request\"", &format!("name: \"{long}\""), 1);
    assert_ne!(text, scenario, "the service's name is replaced");
    std::fs::write(dir.join("long.ron"), text).expect("write");
    let started = std::time::Instant::now();
    let message = diagnose(&dir.join("long.ron"));
    std::fs::remove_dir_all(&dir).ok();
    let headline = message.lines().next().expect("a line");
    let cut = format!("error: the service name `{}…` is 60000000 characters long", "x".repeat(80));
    assert!(headline.starts_with(&cut), "{headline:.300}");
    assert!(headline.contains("above the limit of 200 characters"), "{headline:.300}");
    assert!(message.len() < 2_000, "the message is {} bytes long", message.len());
    assert!(started.elapsed().as_secs() < 60, "took {:?}", started.elapsed());
}

/// The limit holds names as written: a jurisdiction tree's copies, named
/// `Jurisdiction · name`, may be longer than either, and are not refused.
#[test]
fn names_copied_into_a_tree_are_held_to_the_limit_as_written() {
    let folder = root().join("tests/jurisdictions");
    let county = std::fs::read_to_string(folder.join("county.ron")).expect("county.ron");
    let tree = std::fs::read_to_string(folder.join("two-counties.ron")).expect("two-counties.ron");
    let section = &tree[tree.find("    jurisdictions:").expect("a tree")..tree.rfind(')').expect("its end")];
    let load = |office: &str, east: &str| {
        let template = county.replace("\"Office\"", &format!("\"{office}\""));
        let body = &template[..template.rfind(')').expect("the scenario's end")];
        let text = format!("{body}{})\n", section.replace("\"East\"", &format!("\"{east}\"")));
        reformsim::scenario::load_from_str(&folder.join("generated.ron"), &text).map_err(|e| e.to_string())
    };
    let (office, east) = ("O".repeat(200), "E".repeat(200));
    let model = load(&office, &east).unwrap_or_else(|e| panic!("{e}"));
    assert!(model.departments.iter().any(|d| d.name == format!("{east} · {office}")));
    let refused = load(&format!("{office}!"), &east).map(|_| ()).expect_err("a name of 201 characters");
    assert!(refused.contains("the department name `OOOO"), "{refused}");
    assert!(refused.contains("is 201 characters long"), "{refused}");
    let refused = load(&office, &format!("{east}!")).map(|_| ()).expect_err("a name of 201 characters");
    assert!(refused.contains("the jurisdiction name `EEEE"), "{refused}");
}

/// A scenario given as a symbolic link to nowhere is said to be one, naming
/// where it leads (it was "No such file or directory — did you mean" the
/// link's own name).
#[cfg(unix)]
#[test]
fn a_scenario_linked_to_nowhere_is_said_to_be_a_link() {
    let dir = std::env::temp_dir().join(format!("reformsim-dangling-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temporary folder");
    let link = dir.join("county.ron");
    let _ = std::fs::remove_file(&link);
    std::os::unix::fs::symlink(dir.join("moved-away.ron"), &link).expect("symlink");
    let (code, _, stderr) = validate(&link);
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("is a symbolic link to `") && stderr.contains("moved-away.ron`, which does not exist"),
        "{stderr}"
    );
    assert!(!stderr.contains("did you mean `county.ron`"), "{stderr}");
}

/// A child that changes only its horizon does not repeat the warnings its
/// parent gives word for word (it counts them, naming the parent); a warning
/// whose words the child changes is the child's own and is printed.
#[test]
fn a_child_does_not_repeat_its_parents_warnings() {
    let dir = crate::engine::tempdir("inherited-warnings");
    let write = |name: &str, extends: &str, days: u32| {
        let path = dir.join(name);
        let text = format!("Scenario(name: \"{name}\", extends: \"{extends}\", horizon_days: {days})");
        std::fs::write(&path, text).expect("write");
        path
    };
    let warnings_of = |stderr: &str| -> Vec<String> {
        stderr.lines().filter(|l| l.starts_with("warning: ")).map(String::from).collect()
    };
    // Three years of a calendar whose holidays are listed for one.
    let parent = write("parent.ron", "shipped:small-department", 1000);
    let (code, _, stderr) = validate(&parent);
    assert_eq!(code, 0, "{stderr}");
    let theirs = warnings_of(&stderr);
    assert!(!theirs.is_empty(), "the parent warns: {stderr}");
    let shorter = write("shorter.ron", "parent.ron", 900);
    let (code, _, stderr) = validate(&shorter);
    assert_eq!(code, 0, "{stderr}");
    let mine = warnings_of(&stderr);
    assert!(mine.iter().all(|w| !theirs.contains(w)), "repeated:\n{stderr}");
    assert_eq!(mine.len(), 1, "one line counts them:\n{stderr}");
    assert!(mine[0].contains("inherited unchanged from") && mine[0].contains("parent.ron"), "{stderr}");
    // Longer: the same warning with other years, the child's own.
    let longer = write("longer.ron", "parent.ron", 2000);
    let (code, _, stderr) = validate(&longer);
    assert_eq!(code, 0, "{stderr}");
    let mine = warnings_of(&stderr);
    assert!(!mine.is_empty() && mine.iter().all(|w| !theirs.contains(w)), "{stderr}");
    assert!(!stderr.contains("inherited unchanged"), "{stderr}");
}

/// A reform dated outside the simulated period is pointed at its own `start`,
/// not at the first place its date is written (a holiday of the calendar, or
/// another reform of the same date).
#[test]
fn a_reform_outside_the_period_is_pointed_at_its_own_start() {
    let dir = crate::engine::tempdir("reform-outside-period");
    let child = dir.join("one-year.ron");
    let text = "Scenario(name: \"one-year\", extends: \"shipped:one-trip-reform\", horizon_days: 364)";
    std::fs::write(&child, text).expect("write");
    let (code, _, stderr) = validate(&child);
    assert_eq!(code, 2, "{stderr}");
    let blocks: Vec<&str> = stderr.split("\n\n").filter(|b| b.contains("outside the simulated period")).collect();
    assert!(blocks.len() > 1, "several reforms are outside the year:\n{stderr}");
    let mut places = std::collections::BTreeSet::new();
    for block in &blocks {
        let place = block.lines().find(|l| l.trim_start().starts_with("--> ")).expect("a place");
        let snippet = block.lines().find(|l| l.contains(" | ") && !l.trim_end().ends_with('|')).expect("a snippet");
        assert!(snippet.contains("start:") && snippet.contains("Reform("), "not at a reform's start:\n{block}");
        assert!(places.insert(place.to_string()), "two reforms at one place:\n{stderr}");
    }
}

/// A child that shortens the period of the scenario it extends: every reform
/// now outside the period is reported once, at its own `start` value in the
/// parent (never at the first text that matches its date), naming its lever and
/// the child that set the horizon, with the way out.
#[test]
fn reforms_outside_an_inherited_period_are_each_shown_at_their_start() {
    let dir = crate::engine::tempdir("reform-dates-child");
    let child = dir.join("short.ron");
    let text = "Scenario(name: \"short\", extends: \"shipped:one-trip-reform\", horizon_days: 400)\n";
    std::fs::write(&child, text).expect("write the child scenario");
    let parent = root().join("scenarios/one-trip-reform.ron");
    let start = load(&parent).expect("the shipped scenario is valid").start_date;
    let end = start.plus_days(399);
    // Each reform of the parent's text written after the period: line, column of
    // its date, lever.
    let parent_text = std::fs::read_to_string(&parent).expect("read the shipped scenario");
    let mut expected = Vec::new();
    for (n, line) in parent_text.lines().enumerate() {
        let Some(at) = line.find("Reform(start: \"") else { continue };
        let column = at + "Reform(start: ".len() + 1;
        let date = reformsim::time::Date::parse(&line[column..column + 10]).expect("a date");
        let lever = line.split("lever: ").nth(1).and_then(|l| l.split('(').next()).expect("a lever");
        if date > end {
            expected.push((n + 1, column, lever.to_string()));
        }
    }
    assert!(expected.len() >= 2, "the test needs reforms after the child's horizon: {expected:?}");
    let Err(reformsim::scenario::LoadError::Invalid(list)) = load(&child) else {
        panic!("the child is refused: its reforms start after its period")
    };
    let mut found: Vec<(usize, usize, String)> = Vec::new();
    for d in list.iter().filter(|d| d.message.contains("outside the simulated period")) {
        assert!(d.location.path.ends_with("one-trip-reform.ron"), "{d}");
        let lever = expected.iter().map(|(_, _, l)| l).find(|l| d.message.contains(&format!("the {l} reform")));
        let lever = lever.unwrap_or_else(|| panic!("the message names the lever: {d}"));
        assert!(
            d.message.contains("`horizon_days: 400` is set in short.ron")
                && d.message.contains("override `reforms: [...]` in short.ron"),
            "{d}"
        );
        found.push((d.location.line, d.location.column, lever.clone()));
    }
    assert_eq!(found, expected, "{list:?}");
}
