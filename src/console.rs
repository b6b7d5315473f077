//! The tables the command line prints: replications' indicators side by side
//! (`run`, `demo`) and a reform's trajectory year by year.

use std::path::Path;

use reformsim::engine::ReplicationOutput;
use reformsim::scenario::{Model, warnings_apart_from_parent};
use reformsim::schema::{counted, short_number, short_plus_minus};
use reformsim::stats::Summary;

/// Prints the warnings of the scenario at `path` on standard error, `prefix`
/// before each; those its `extends` parent gives word for word are only
/// counted, with the file that has them.
pub(crate) fn print_warnings(path: &Path, model: &Model, prefix: &str) {
    let (own, inherited) = warnings_apart_from_parent(path, model);
    for w in own {
        eprintln!("warning: {prefix}{w}");
    }
    if let Some((parent, n)) = inherited {
        let parent = parent.display();
        eprintln!(
            "warning: {prefix}{} inherited unchanged from {parent}, not repeated here (`reformsim validate {parent}` shows {})",
            counted(n as u64, "warning", "warnings"),
            if n == 1 { "it" } else { "them" }
        );
    }
}

/// Prints the per-year trajectory (means over replications) of the indicators a
/// planner follows through a reform.
pub(crate) fn print_yearly(outputs: &[ReplicationOutput]) {
    let columns: [(&str, &str, f64); 12] = [
        ("measured_days", "days", 1.0),
        ("headcount_established", "estab.", 1.0),
        ("headcount_contract", "contract", 1.0),
        // Per year of measured days, so that a partial first year (the warm-up
        // left out) or last year reads beside the full ones.
        ("admin_cost_cny", "M CNY/year", 1e-6),
        ("admin_cost_cny_per_case", "CNY/case", 1.0),
        ("wait_minutes_mean", "wait min", 1.0),
        ("lead_time_days_mean", "lead days", 1.0),
        ("trips_per_case", "trips", 1.0),
        ("at_most_one_trip_share", "≤1 trip", 1.0),
        ("on_time_share", "on time", 1.0),
        ("rework_per_case", "rework", 1.0),
        ("satisfaction_mean", "satisf.", 1.0),
    ];
    print!("{:>6}", "year");
    for (_, header, _) in &columns {
        print!(" {header:>11}");
    }
    println!();
    let Some(first) = outputs.first() else { return };
    for (i, year) in first.years.iter().enumerate() {
        print!("{:>6}", year.year);
        for (name, _, scale) in &columns {
            let values: Vec<f64> = outputs
                .iter()
                .filter_map(|o| o.years.get(i))
                .filter_map(|y| {
                    let indicators = y.indicators();
                    let value = |key: &str| indicators.iter().find(|(n, _)| *n == key).map(|&(_, v)| v);
                    let v = value(name)?;
                    if *name == "admin_cost_cny" {
                        value("measured_days").map(|days| v * 365.0 / days)
                    } else {
                        Some(v)
                    }
                })
                .collect();
            let mean = Summary::of(&values).mean * scale;
            print!(" {:>11}", if mean.is_nan() { "—".to_string() } else { short_number(mean) });
        }
        println!();
    }
    println!("(means over replications; cost per year of measured days: a partial year is scaled to 365 days)");
}

/// Prints mean ± 95% confidence half-width of every indicator, one column per scenario.
pub(crate) fn print_table(columns: &[(&str, &[ReplicationOutput])]) {
    let Some((_, first)) = columns.first() else { return };
    let Some(rep) = first.first() else { return };
    let width = 38;
    print!("{:width$}", "indicator");
    for (name, _) in columns {
        print!(" {name:>26}");
    }
    println!();
    for (i, (indicator, _)) in rep.summary.iter().enumerate() {
        print!("{indicator:width$}");
        for (_, outputs) in columns {
            let values: Vec<f64> = outputs.iter().map(|o| o.summary[i].1).collect();
            let s = Summary::of(&values);
            let cell = if s.mean.is_nan() {
                "—".to_string()
            } else if s.n > 1 && s.half_width_95.is_finite() {
                short_plus_minus(s.mean, s.half_width_95)
            } else {
                short_number(s.mean)
            };
            print!(" {cell:>26}");
        }
        println!();
    }
    if first.len() > 1 {
        println!("(mean ± half-width of its 95% confidence interval over {} replications, Student t)", first.len());
    }
}
