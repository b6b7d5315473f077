//! Plain-language lines on what changed and why: the indicators that moved most,
//! each with the levers that push it that way (the mechanisms of
//! `docs/scenarios.md`, "Reforms").
//!
//! These are explanations of direction, not a decomposition: when several levers
//! push one indicator, each is named; when none does, the change is called an
//! indirect effect.

use super::catalogue::ShippedScenario;
use super::levers::{CONTRACT_ANNUAL_COST_CNY, HeadcountMethod, Levers, MergerMode, role_plural};
use super::outcome::{ABANDONMENT_CAVEAT_POINTS, Outcome, SPECS};

/// Smallest relative change worth a line.
const MIN_RELATIVE_CHANGE: f64 = 0.02;

/// Most lines shown.
const MAX_LINES: usize = 5;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Dir {
    Up,
    Down,
}

/// The indicators explained, with what the room reads when each goes up or down.
const HEADLINES: &[(&str, &str, &str)] = &[
    ("trips_per_case", "More trips", "Fewer trips"),
    ("at_most_one_trip_pct", "More cases done in at most one trip", "Fewer cases done in at most one trip"),
    ("cost_per_case_cny", "Dearer per case", "Cheaper per case"),
    ("wait_minutes", "Longer waits", "Shorter waits"),
    ("lead_time_days", "Slower results", "Faster results"),
    ("on_time_pct", "More cases on time", "Fewer cases on time"),
    ("handoffs_between", "More handoffs between departments", "Fewer handoffs between departments"),
    ("missing_documents", "More missing documents", "Fewer missing documents"),
    ("rework", "More rework", "Less rework"),
    ("satisfaction", "More satisfied applicants", "Less satisfied applicants"),
    ("backlog", "A bigger backlog", "A smaller backlog"),
    ("abandoned_pct", "More applicants give up waiting", "Fewer applicants give up waiting"),
    ("cases_completed", "More cases completed", "Fewer cases completed"),
];

/// The lines for `reform` against `baseline`, most changed first.
pub fn changes(levers: &Levers, scenario: &ShippedScenario, baseline: &Outcome, reform: &Outcome) -> Vec<String> {
    if !levers.any() {
        return vec!["No reform yet: these are the baseline's figures. Move a lever to see what it does.".to_string()];
    }
    let reasons = reasons(levers, scenario);
    // More applicants giving up flatters some indicators (outcome::Spec).
    let more_gave_up = reform.get("abandoned_pct") - baseline.get("abandoned_pct");
    let caveat = more_gave_up > ABANDONMENT_CAVEAT_POINTS;
    let mut moved: Vec<(f64, String)> = Vec::new();
    for &(key, up, down) in HEADLINES {
        let (b, r) = (baseline.get(key), reform.get(key));
        if !(b.is_finite() && r.is_finite()) {
            continue;
        }
        let scale = b.abs().max(r.abs());
        if scale == 0.0 {
            continue;
        }
        let relative = (r - b) / scale;
        let decimals = SPECS.iter().find(|s| s.key == key).map_or(2, |s| s.decimals);
        if relative.abs() < MIN_RELATIVE_CHANGE || (r - b).abs() < 0.5 * 10f64.powi(-i32::from(decimals)) {
            continue;
        }
        let dir = if r > b { Dir::Up } else { Dir::Down };
        let why: Vec<&str> =
            reasons.iter().filter(|(k, d, _)| *k == key && *d == dir).map(|(_, _, text)| text.as_str()).collect();
        let because = if why.is_empty() {
            match key {
                "satisfaction" => "it follows trips, waiting and delays".to_string(),
                "abandoned_pct" | "cases_completed" => {
                    "it follows the waits: applicants who wait too long leave".into()
                }
                _ => indirect(levers),
            }
        } else {
            why.join("; ")
        };
        let headline = if dir == Dir::Up { up } else { down };
        let from = format_number(b, decimals);
        let to = format_number(r, decimals);
        let flattered = SPECS.iter().any(|s| s.key == key && s.flattered_by_abandonment);
        let warning = if caveat && flattered {
            format!(" — but {more_gave_up:.1} points more applicants gave up, and this figure leaves them out")
        } else {
            String::new()
        };
        // Giving up is what a room must not miss: it leads when it grew.
        let weight = if key == "abandoned_pct" && caveat { f64::INFINITY } else { relative.abs() };
        let unit = unit(key);
        moved.push((weight, format!("{headline} ({from} → {to}{unit}): {because}{warning}.")));
    }
    if moved.is_empty() {
        return vec!["No headline indicator moved by more than 2%.".to_string()];
    }
    moved.sort_by(|a, b| b.0.total_cmp(&a.0));
    moved.into_iter().take(MAX_LINES).map(|(_, line)| line).collect()
}

/// Why an indicator moved that no active lever pushes: through the others, or,
/// when one lever alone is active, through its knock-on effects on the queues.
fn indirect(levers: &Levers) -> String {
    match levers.active_names().as_slice() {
        [one] => format!("a knock-on effect of {one}, through the work and queues it changes"),
        _ => "an indirect effect of the levers together".to_string(),
    }
}

/// The unit written after an indicator's figures in a line (its label's, short).
fn unit(key: &str) -> &'static str {
    if key.ends_with("_pct") {
        "%"
    } else if key.ends_with("_minutes") {
        " min"
    } else if key.ends_with("_days") {
        " days"
    } else if key.ends_with("_cny") {
        " CNY"
    } else {
        ""
    }
}

fn format_number(x: f64, decimals: u8) -> String {
    format!("{x:.*}", usize::from(decimals))
}

/// Which way each active lever pushes which indicator, and why, in words.
fn reasons(levers: &Levers, scenario: &ShippedScenario) -> Vec<Reason> {
    let mut out: Vec<Reason> = Vec::new();
    let mut push = |keys: &[(&'static str, Dir)], text: String| {
        for &(k, d) in keys {
            out.push((k, d, text.clone()));
        }
    };
    service_reasons(levers, &mut push);
    structure_reasons(levers, scenario, &mut push);
    out
}

/// An indicator, the way a lever pushes it, and why.
type Reason = (&'static str, Dir, String);

/// Records that a lever pushes the indicators listed their ways, and why.
type Push<'a> = &'a mut dyn FnMut(&[(&'static str, Dir)], String);

/// The reasons of the levers on how cases are served: front office, digital
/// government and process.
fn service_reasons(levers: &Levers, push: Push<'_>) {
    use Dir::{Down, Up};
    if levers.one_window {
        push(
            &[("trips_per_case", Down), ("at_most_one_trip_pct", Up)],
            "one window: applicants hand everything in once and later steps are routed inside".into(),
        );
        push(
            &[("wait_minutes", Down)],
            "one window: one pooled queue at the hall instead of one per department".into(),
        );
        push(&[("lead_time_days", Up), ("on_time_pct", Down)], "one window: routing files inside takes time".into());
    }
    if levers.online_share > 0.0 {
        let pct = (levers.online_share * 100.0).round();
        push(
            &[("trips_per_case", Down), ("at_most_one_trip_pct", Up)],
            format!("{pct:.0}% of cases now handled online, with no trip but for the steps the law keeps in person"),
        );
        push(&[("cost_per_case_cny", Up)], "the online platform costs CNY 1.5 M a year to run".into());
        // Each indicator's reason speaks of it alone: the waits may still rise
        // (the back office's queues) while the backlog falls.
        push(
            &[("wait_minutes", Down)],
            "online cases skip the window queues, so those who still come wait less".into(),
        );
        push(&[("backlog", Down), ("abandoned_pct", Down)], "online cases skip the window queues".into());
    }
    if levers.data_sharing_share > 0.0 {
        push(
            &[("trips_per_case", Down), ("at_most_one_trip_pct", Up)],
            "documents now fetched from other departments, so nobody comes back with a missing one".into(),
        );
        push(
            &[("missing_documents", Down)],
            "a document fetched from another department's data is never missing".into(),
        );
        push(&[("rework", Down)], "fewer missing documents, so fewer steps are redone".into());
        push(
            &[("wait_minutes", Down), ("lead_time_days", Down), ("on_time_pct", Up)],
            "3 minutes of checking saved per fetched document".into(),
        );
        push(&[("backlog", Down)], "less checking work for the same staff".into());
        push(&[("cost_per_case_cny", Up)], "data sharing IT costs CNY 2 M a year".into());
    }
    if levers.integrated_service {
        push(
            &[("lead_time_days", Down), ("on_time_pct", Up)],
            "steps now run in parallel where the revised regulations allow".into(),
        );
    }
    if levers.standardisation {
        push(&[("rework", Down)], "standardisation: a third fewer send-backs".into());
        push(
            &[("wait_minutes", Down), ("lead_time_days", Down), ("on_time_pct", Up)],
            "standard work: less variable work times and fewer send-backs".into(),
        );
    }
    if levers.due_date_priority {
        push(&[("on_time_pct", Up)], "queues now serve the cases nearest their deadline first".into());
        push(&[("wait_minutes", Up)], "cases with time to spare wait behind urgent ones".into());
    }
}

/// The reasons of the levers on structure and staff.
fn structure_reasons(levers: &Levers, scenario: &ShippedScenario, push: Push<'_>) {
    use Dir::{Down, Up};
    if levers.merger != MergerMode::Off {
        push(&[("handoffs_between", Down)], "merged bureaus pass cases on inside one department".into());
        // What a merger pools (docs/scenarios.md): the bureaus' front desks become
        // one per department; back offices stay divisions of their own (they pool
        // only as far as staff are cross-trained, a lever of its own).
        push(
            &[("wait_minutes", Down), ("backlog", Down)],
            "the merged bureaus' windows become one front desk, so a clerk free at one serves another's applicants"
                .into(),
        );
        push(
            &[("trips_per_case", Down), ("at_most_one_trip_pct", Up)],
            "a case going between merged bureaus stays in one building: fewer trips".into(),
        );
        push(
            &[("lead_time_days", Down), ("on_time_pct", Up)],
            "handoffs inside a department take hours, not days".into(),
        );
        push(&[("cost_per_case_cny", Down)], "one overhead per new department instead of one per bureau".into());
    }
    if levers.merger == MergerMode::WithTransition {
        push(
            &[("wait_minutes", Up), ("lead_time_days", Up), ("on_time_pct", Down), ("backlog", Up)],
            "merger transition: work in the new departments is slower while staff learn".into(),
        );
        push(&[("rework", Up)], "merger transition: some steps are redone while staff learn".into());
    }
    if levers.headcount_target_share < 1.0 {
        let cut = ((1.0 - levers.headcount_target_share) * 100.0).round();
        let how = match levers.headcount_method {
            HeadcountMethod::Cut => format!("{cut:.0}% of established posts cut: salaries fall"),
            HeadcountMethod::Attrition | HeadcountMethod::AttritionContract => {
                format!(
                    "leavers not replaced until {cut:.0}% of established posts are gone: salaries fall as they leave"
                )
            }
        };
        push(&[("cost_per_case_cny", Down)], how);
        push(
            &[("wait_minutes", Up), ("lead_time_days", Up), ("on_time_pct", Down), ("backlog", Up)],
            "fewer staff at the desks: queues grow".into(),
        );
        push(
            &[("abandoned_pct", Up), ("cases_completed", Down)],
            "fewer staff at the desks: applicants who wait too long give up, so fewer cases are completed".into(),
        );
    }
    let hires = levers.contract_hires(scenario);
    if let Some((first, _)) = hires.first() {
        let n = levers.contract_staff;
        push(
            &[("cost_per_case_cny", Up)],
            format!("{n} contract staff at CNY {:.0} a year each", CONTRACT_ANNUAL_COST_CNY),
        );
        let place = if hires.len() == 1 {
            format!("{n} more {} at {}", role_plural(first.role), first.department)
        } else {
            format!("{n} more staff where the work is, at {} stations", hires.len())
        };
        push(
            &[
                ("wait_minutes", Down),
                ("lead_time_days", Down),
                ("on_time_pct", Up),
                ("backlog", Down),
                ("abandoned_pct", Down),
                ("cases_completed", Up),
            ],
            place,
        );
    }
}
