//! `reformsim report`: the HTML page of a run, a folder of runs, a comparison and
//! a sweep — its outline (headings, chart titles, number of charts), key numbers,
//! self-containment, and exit statuses.

use std::path::Path;

use reformsim::report::{number, number_plus_minus};
use reformsim::stats::Summary;

use crate::common::root;
use crate::engine::tempdir;

fn reformsim(args: &[&str]) -> (i32, String, String) {
    crate::common::reformsim_cli(args)
}

/// Runs a command that must succeed.
fn ok(args: &[&str]) -> String {
    let (code, stdout, stderr) = reformsim(args);
    assert_eq!(code, 0, "reformsim {}\n{stdout}\n{stderr}", args.join(" "));
    stdout
}

fn text(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

/// Writes the report of `folder` with the binary and returns the page.
fn report(folder: &Path) -> String {
    let stdout = ok(&["report", text(folder)]);
    let page = folder.join("report.html");
    assert!(stdout.contains(&format!("report written to {}", page.display())), "{stdout}");
    let leftovers: Vec<String> = std::fs::read_dir(folder)
        .expect("list")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    let html = std::fs::read_to_string(page).expect("report written");
    assert_self_contained(&html);
    html
}

/// The page's one script: it opens the collapsed blocks when the page is printed.
const PRINT_SCRIPT: &str = r#"<script>addEventListener("beforeprint",function(){document.querySelectorAll("details").forEach(function(d){d.open=true})});</script>"#;

/// Nothing is fetched, and nothing runs but the print script, which the content
/// security policy allows by its hash alone: no external resources.
fn assert_self_contained(html: &str) {
    assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"));
    assert_eq!(html.matches("<script").count(), 1, "one script");
    assert!(html.contains(PRINT_SCRIPT), "the print script");
    assert!(html.contains("script-src 'sha256-") && !html.contains("script-src 'unsafe-inline'"));
    let html = &html.replace(PRINT_SCRIPT, "");
    for forbidden in ["<script", " src=", "href=", "url(http", "@import", "<link", "<img"] {
        assert!(!html.contains(forbidden), "the report holds {forbidden:?}");
    }
    let without_namespace = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    assert!(!without_namespace.contains("http://") && !without_namespace.contains("https://"));
}

/// The page's outline: headings and chart titles in order, then the number of charts.
fn outline(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        rest = &rest[start + 1..];
        let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
        let indent = match name.as_str() {
            "h1" => "",
            "h2" => "  ",
            "h3" => "    ",
            "h4" => "      ",
            "figcaption" => "      chart: ",
            _ => continue,
        };
        let Some(open_end) = rest.find('>') else { break };
        let close = format!("</{name}>");
        let Some(end) = rest.find(&close) else { break };
        out.push_str(&format!("{indent}{}\n", &rest[open_end + 1..end]));
        rest = &rest[end..];
    }
    out.push_str(&format!("svg charts: {}\n", html.matches("<svg ").count()));
    out
}

/// Mean over replications of a column of a CSV file (rows filtered by `keep`).
fn mean_of(path: &Path, column: &str, keep: impl Fn(&csv::StringRecord) -> bool) -> f64 {
    summary_of(path, column, keep).mean
}

/// Mean and interval over replications of a column of a CSV file (rows filtered by `keep`).
fn summary_of(path: &Path, column: &str, keep: impl Fn(&csv::StringRecord) -> bool) -> Summary {
    let mut reader = csv::Reader::from_path(path).expect("csv");
    let index = reader.headers().expect("header").iter().position(|h| h == column).expect("column");
    let values: Vec<f64> = reader
        .records()
        .map(|r| r.expect("row"))
        .filter(|r| keep(r))
        .map(|r| r[index].parse().expect("number"))
        .collect();
    Summary::of(&values)
}

#[test]
fn a_multi_year_run_gets_headlines_trajectories_departments_and_services() {
    let dir = tempdir("report-run");
    // The M/M/3 office over 800 days: 2017 to early 2019, three calendar years.
    let scenario = std::fs::read_to_string(root().join("scenarios/validation/mmc.ron")).expect("shipped scenario");
    assert!(scenario.contains("horizon_days: 400"), "the shipped scenario changed");
    let path = dir.join("mmc.ron");
    std::fs::write(&path, scenario.replace("horizon_days: 400", "horizon_days: 800")).expect("write scenario");
    let run = dir.join("run");
    ok(&["run", text(&path), "--replications", "2", "--out", text(&run), "--quiet"]);
    let html = report(&run);
    insta::assert_snapshot!("multi_year_run", outline(&html));
    let summary = run.join("summary.csv");
    for column in ["cases_completed", "admin_cost_cny_per_year", "wait_minutes_mean"] {
        let s = summary_of(&summary, column, |_| true);
        let shown = format!("<td class=\"num\">{}</td>", number_plus_minus(s.mean, s.half_width_95));
        assert!(html.contains(&shown), "{column}: {shown} is not in the report");
    }
    let s = summary_of(&summary, "utilisation_share", |_| true);
    let utilisation = number_plus_minus(100.0 * s.mean, 100.0 * s.half_width_95);
    let (mean, half_width) = utilisation.split_once(" ± ").expect("an interval");
    assert!(html.contains(&format!("<td class=\"num\">{utilisation}</td>")), "utilisation {utilisation} in the table");
    assert!(
        html.contains(&format!("<div class=\"value\">{mean}%</div><div class=\"ci\">± {half_width} (95% CI")),
        "utilisation {utilisation} on its card"
    );
    let lead_2018 = mean_of(&run.join("yearly.csv"), "lead_time_days_mean", |r| &r[1] == "2018");
    assert!(html.contains(&format!("<td class=\"num\">{}</td>", number(lead_2018))), "the 2018 lead time");
    assert!(html.contains("<td>Office</td>") && html.contains("<td>request</td>"));
}

#[test]
fn a_one_year_run_and_a_folder_of_runs() {
    let dir = tempdir("report-runs");
    let runs = dir.join("runs");
    for name in ["first", "second"] {
        let out = runs.join(name);
        ok(&["run", "scenarios/validation/tandem.ron", "--replications", "2", "--out", text(&out), "--quiet"]);
    }
    let html = report(&runs.join("first"));
    insta::assert_snapshot!("one_year_run", outline(&html));
    let many = report(&runs);
    assert!(many.contains("<h1 id=\"results--runs\">Results: runs</h1>"), "{}", outline(&many));
    assert_eq!(many.matches("<svg ").count(), 2 * html.matches("<svg ").count());
    let s = summary_of(&runs.join("first/summary.csv"), "cases_completed", |_| true);
    let completed = format!("<td class=\"num\">{}</td>", number_plus_minus(s.mean, s.half_width_95));
    assert!(many.contains(&completed), "{completed} in the side-by-side table");
}

#[test]
fn runs_of_different_lengths_stand_side_by_side_per_year_in_the_order_made() {
    let dir = tempdir("report-lengths");
    let scenario = std::fs::read_to_string(root().join("scenarios/validation/tandem.ron")).expect("shipped scenario");
    assert!(
        scenario.contains("horizon_days: 200") && scenario.contains("name: \"validation-tandem\""),
        "the shipped scenario changed"
    );
    let runs = dir.join("runs");
    // The short run is made first, though its folder's name sorts last.
    for (folder, name, days) in [("z-short", "short", 100), ("a-long", "long", 300)] {
        let path = dir.join(format!("{name}.ron"));
        let text_of = scenario
            .replace("horizon_days: 200", &format!("horizon_days: {days}"))
            .replace("\"validation-tandem\"", &format!("\"{name}\""));
        std::fs::write(&path, text_of).expect("write scenario");
        ok(&["run", text(&path), "--replications", "2", "--out", text(&runs.join(folder)), "--quiet"]);
        // Distinct modification times for the two summary.csv files, whatever
        // the file system's clock granularity.
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let html = report(&runs);
    let short = html.find("<h2 id=\"short\">").expect("the short run's section");
    let long = html.find("<h2 id=\"long\">").expect("the long run's section");
    assert!(short < long, "the runs are in the order made, not by folder name");
    assert!(html.contains("totals are per year of measured days"), "the note says the totals are per year");
    assert!(html.contains("<td>Cases completed per year (cases)</td>"), "{}", outline(&html));
    // The long run's cases per year: each replication by its own measured days.
    let mut reader = csv::Reader::from_path(runs.join("a-long/summary.csv")).expect("csv");
    let header = reader.headers().expect("header").clone();
    let column = |name: &str| header.iter().position(|h| h == name).expect("column");
    let (completed, days) = (column("cases_completed"), column("measured_days"));
    let per_year: Vec<f64> = reader
        .records()
        .map(|r| r.expect("row"))
        .map(|r| r[completed].parse::<f64>().expect("number") * 365.0 / r[days].parse::<f64>().expect("number"))
        .collect();
    let s = Summary::of(&per_year);
    let shown = format!("<td class=\"num\">{}</td>", number_plus_minus(s.mean, s.half_width_95));
    assert!(html.contains(&shown), "{shown} is not in the side-by-side table");
    // Every run gets its day-by-day chart, from daily.csv.
    assert_eq!(html.matches("Arrivals, completions and backlog, week by week</figcaption>").count(), 2);
}

#[test]
fn a_comparison_gets_paired_differences_and_their_chart() {
    let dir = tempdir("report-compare");
    let out = dir.join("compare");
    ok(&[
        "compare",
        "scenarios/validation/mmc.ron",
        "scenarios/validation/mmc-4-windows.ron",
        "--replications",
        "3",
        "--out",
        text(&out),
        "--quiet",
    ]);
    let html = report(&out);
    insta::assert_snapshot!("comparison", outline(&html));
    let comparison = out.join("comparison.csv");
    let wait = |column: &str| {
        mean_of(&comparison, column, |r| &r[0] == "wait_minutes_mean" && &r[1] == "validation-mmc-4-windows")
    };
    let (difference, low, high) = (wait("difference_mean"), wait("difference_ci95_low"), wait("difference_ci95_high"));
    assert!(high < 0.0, "a fourth window shortens the wait");
    let shown = format!("<strong>{}</strong>", number_plus_minus(difference, (high - low) / 2.0));
    assert!(html.contains(&shown), "{shown} is not in the report");
}

#[test]
fn a_sweep_gets_each_indicator_against_each_parameter() {
    let dir = tempdir("report-sweep");
    let out = dir.join("sweep");
    ok(&["sweep", "scenarios/sweeps/mmc-staffing.ron", "--out", text(&out), "--quiet"]);
    let html = report(&out);
    insta::assert_snapshot!("sweep", outline(&html));
    assert!(html.contains("volume_per_year = 200000") && html.contains("clerks = 3"), "legends name the levels");
    // The manifest is collapsed, not dumped at the top.
    let manifest = "<details><summary>How these results were made (manifest)</summary>\n<dl class=\"meta\">";
    assert!(html.contains(manifest), "the manifest in a collapsed block");
    assert_eq!(html.matches("<dl class=\"meta\">").count(), 1);
    assert!(!html.contains("was changed after the sweep finished"));

    // runs.csv edited since the sweep finished: reported as it is, with a note.
    let runs = out.join("runs.csv");
    let table = std::fs::read_to_string(&runs).expect("runs.csv");
    let last = table.lines().last().expect("a row").to_string();
    let (head, _) = last.rsplit_once(',').expect("columns");
    std::fs::write(&runs, table.replacen(&last, &format!("{head},0"), 1)).expect("write");
    let html = report(&out);
    assert!(html.contains("runs.csv was changed after the sweep finished"), "no note of the change");
    // A run twice (the table appended to itself, say) would count twice: refused at its line.
    std::fs::write(&runs, format!("{table}{last}\n")).expect("write");
    let (code, _, stderr) = reformsim(&["report", text(&out)]);
    assert_eq!(code, 2, "{stderr}");
    let line = table.lines().count() + 1;
    assert!(stderr.contains(&format!("runs.csv:{line}")) && stderr.contains("is here a second time"), "{stderr}");
}

#[test]
fn unusable_folders_and_unwritable_pages_are_reported() {
    let dir = tempdir("report-errors");
    let (code, _, stderr) = reformsim(&["report", text(&dir.join("missing"))]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("is not a folder"), "{stderr}");

    let empty = dir.join("empty");
    std::fs::create_dir_all(&empty).expect("mkdir");
    let (code, _, stderr) = reformsim(&["report", text(&empty)]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("holds no reformsim results"), "{stderr}");
    assert!(!empty.join("report.html").exists());

    let damaged = dir.join("damaged");
    std::fs::create_dir_all(&damaged).expect("mkdir");
    std::fs::write(damaged.join("summary.csv"), "replication,cases_completed\n0,12\n1,twelve\n").expect("write");
    let (code, _, stderr) = reformsim(&["report", text(&damaged)]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("summary.csv:3") && stderr.contains("`twelve`"), "{stderr}");

    // Two summaries written into one: each replication would count twice.
    std::fs::write(damaged.join("summary.csv"), "replication,cases_completed\n0,12\n1,14\n0,12\n").expect("write");
    let (code, _, stderr) = reformsim(&["report", text(&damaged)]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("summary.csv:4") && stderr.contains("replication 0 is here a second time (first on line 2)"),
        "{stderr}"
    );

    // A table of other columns is not a run's summary.
    for (header, expected) in [
        ("a,b,c\n1,2,3\n", "no column `replication`"),
        ("replication,x\n0,1\n", "no indicator columns"),
        ("", "no column `replication`"),
    ] {
        std::fs::write(damaged.join("summary.csv"), header).expect("write");
        let (code, _, stderr) = reformsim(&["report", text(&damaged)]);
        assert_eq!(code, 2, "{header:?}: {stderr}");
        assert!(stderr.contains(expected), "{header:?}: {stderr}");
    }

    let fine = dir.join("fine");
    std::fs::create_dir_all(&fine).expect("mkdir");
    std::fs::write(fine.join("summary.csv"), "replication,cases_completed\n0,12\n1,14\n").expect("write");
    std::fs::write(dir.join("a-file"), "").expect("write");
    let blocked = dir.join("a-file").join("report.html");
    let (code, _, stderr) = reformsim(&["report", text(&fine), "--out", text(&blocked)]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("a-file is a file, not a folder") && !stderr.contains("os error"), "{stderr}");
    // The page's place is checked before the folder is read: a damaged folder
    // is not reported (it would be, read first), and nothing is made.
    let (code, _, stderr) = reformsim(&["report", text(&damaged), "--out", text(&blocked)]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("a-file is a file, not a folder") && !stderr.contains("summary.csv"), "{stderr}");
    let (code, _, stderr) =
        reformsim(&["report", text(&dir.join("missing")), "--out", text(&dir.join("new/page.html"))]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("is not a folder") && !dir.join("new").exists(), "{stderr}");
    let elsewhere = dir.join("pages").join("fine.html");
    let (code, _, stderr) = reformsim(&["report", text(&fine), "--out", text(&elsewhere)]);
    assert_eq!(code, 0, "{stderr}");
    let html = std::fs::read_to_string(&elsewhere).expect("written");
    assert!(html.contains(">13<") || html.contains("13 cases"), "the mean of 12 and 14");
}
