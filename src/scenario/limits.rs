//! Limits that keep a run within one machine: inputs past them are refused before
//! anything runs, with a message naming the limit and how to lift it.
//!
//! The engine holds only the cases in progress, so its memory grows with the
//! backlog, not with the cases simulated; its time grows with the cases simulated.
//! Time is integer microseconds in a `u64` (584,000 years), and staff capacity is
//! summed in microseconds too, so durations, horizons and headcounts are bounded
//! well inside that. Every limit is a constant here: raise it and rebuild to lift
//! it (docs/scenarios.md, "Diagnostics and exit statuses", lists them).

use super::model::Minutes;
use super::{Model, Number, shown};

/// Largest scenario or CSV file read, in bytes (64 MiB).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// Longest name, in characters: of a function, department, division, document,
/// service, step, arrival profile, merged department, jurisdiction, named
/// calendar or template, as written (a jurisdiction tree's copies prefix the
/// jurisdiction's), and of a sweep's parameter or an optimisation's variable.
/// A name is a value of the output tables and is quoted in messages.
pub const MAX_NAME_CHARS: usize = 200;
/// Longest horizon, in days (200 years).
pub const MAX_HORIZON_DAYS: u32 = 73_000;
/// Longest promised time limit of a service, in working days (as long as the
/// longest horizon): its due date must stay far inside the microsecond clock.
pub const MAX_TIME_LIMIT_WORKING_DAYS: u32 = 73_000;
/// Most days simulated after the horizon (`cooldown_days`): the working calendar
/// is expanded a year past them.
pub const MAX_COOLDOWN_DAYS: u32 = 3_650;
/// Most cases expected over the horizon (about an hour of simulation at 10^6 cases/s).
pub const MAX_EXPECTED_CASES: f64 = 2e9;
/// Largest headcount of one staff group, and most windows of one department or hall.
pub const MAX_COUNT: u32 = 10_000_000;
/// Most staff-days (total headcount × horizon days).
///
/// The engine sums staff capacity in `u64` microseconds, which overflows from
/// about 2.1 × 10^8 staff-days of an all-day calendar (fewer open hours a day
/// allow more); this limit is set higher so as not to refuse the lever tests'
/// 1.3 × 10^9 staff-day scenario, and should come down to 2 × 10^8 unless the
/// engine sums capacity in `u128` (reported to the engine's owner).
pub const MAX_STAFF_DAYS: f64 = 2e9;
/// Longest single duration (a mean, a maximum, a delay, a patience), in minutes: a year.
pub const MAX_MINUTES: f64 = 525_600.0;
/// Largest coefficient of variation of a log-normal time: beyond it the tail
/// reaches millions of times the mean.
pub const MAX_CV: f64 = 10.0;
/// Largest arrival-profile weight (weights are relative; zero or more).
pub const MAX_PROFILE_WEIGHT: f64 = 1e6;
/// Most holidays in a calendar (each simulated day is checked against them).
pub const MAX_HOLIDAYS: usize = 10_000;
/// Most named calendars of a jurisdiction tree (each is expanded over the
/// horizon, with every arrival profile on it).
pub const MAX_CALENDARS: usize = 256;
/// Most jurisdictions in a tree: every County copies the template's departments
/// and services. China has about 2,800 county-level divisions and 40,000
/// townships; 50,000 tiny counties took 1 s to check and 300 MB.
pub const MAX_JURISDICTIONS: usize = 50_000;
/// Largest population of one jurisdiction (more than any country's but two).
pub const MAX_POPULATION: u64 = 2_000_000_000;
/// Largest `volume_per_resident_factor` of a jurisdiction tree.
pub const MAX_VOLUME_FACTOR: f64 = 1e6;

/// Largest factor on a step's work time (a contract member's, a learner's, a
/// merger's dip plus one, one over a cross-trained member's productivity): a
/// hundred times the usual time. Beyond it, durations leave the microsecond
/// clock's range after a few steps and utilisation reads in the millions.
pub const MAX_WORK_FACTOR: f64 = 100.0;
/// Largest weight of an assessment's criteria (weights are relative).
pub const MAX_WEIGHT: f64 = 1e6;

/// Most cross-trained pools (a pool is named by 16 bits in an event).
pub const MAX_POOLS: usize = 60_000;
/// Largest amount of money in one field, CNY (a trillion).
pub const MAX_CNY: f64 = 1e12;
/// Most cases that may pile up in a queue that never empties, by the horizon;
/// also the most cases in progress while running (the engine stops a run that
/// passes it, e.g. after a reform took the staff away). A case in progress holds
/// about 300 bytes (its record, a queue entry, an event): 5 × 10^6 is about
/// 1.5 GB for each replication running at once.
pub const MAX_BACKLOG_CASES: f64 = 5e6;
/// Most times one case is redone (sent back, or a step redone after an error).
/// Send-back and error probabilities near 1 (with work that takes no time, even
/// a loop at one instant) would keep a case going round for ever: the engine
/// stops the run when a case passes this. A probability of 0.999 makes a case
/// pass it with odds of e^-1000.
pub const MAX_ROUNDS_PER_CASE: u32 = 1_000_000;

/// The message for a value past a limit.
fn exceeded(what: String, limit: &str, constant: &str, advice: &str) -> String {
    format!("{what}, above the limit of {limit}: {advice}, or raise `{constant}` in src/scenario/limits.rs and rebuild")
}

/// A file too large to read: `bytes` is its size, or at least how much was read.
pub fn file_too_large(bytes: u64) -> String {
    let mib = bytes as f64 / (1024.0 * 1024.0);
    exceeded(
        format!("the file is {mib:.0} MiB"),
        "64 MiB for one scenario or CSV file",
        "MAX_FILE_BYTES",
        "check that this is the file meant; a large catalogue can be split into several CSV files",
    )
}

/// Checks the length of `name`, a `kind`'s (`department`, `step`…): the
/// message shows it cut.
pub fn name(kind: &str, name: &str) -> Option<String> {
    name.chars().nth(MAX_NAME_CHARS)?;
    Some(exceeded(
        format!("the {kind} name `{}` is {} characters long", shown(name), name.chars().count()),
        "200 characters",
        "MAX_NAME_CHARS",
        "use a shorter name (names are written in the output tables and quoted in messages)",
    ))
}

/// Checks the horizon.
pub fn horizon(days: u32) -> Option<String> {
    (days > MAX_HORIZON_DAYS).then(|| {
        exceeded(
            format!("horizon_days is {days}"),
            "73000 days (200 years)",
            "MAX_HORIZON_DAYS",
            "simulate a shorter period",
        )
    })
}

/// Checks a service's promised time limit.
pub fn time_limit(what: &str, working_days: u32) -> Option<String> {
    (working_days > MAX_TIME_LIMIT_WORKING_DAYS).then(|| {
        exceeded(
            format!("{what} is {working_days} working days"),
            "73000 working days",
            "MAX_TIME_LIMIT_WORKING_DAYS",
            "check the number and its unit (working days, not hours or minutes)",
        )
    })
}

/// Checks a headcount or a number of windows.
pub fn count(what: &str, n: u32) -> Option<String> {
    (n > MAX_COUNT)
        .then(|| exceeded(format!("{what} is {n}"), "10000000", "MAX_COUNT", "check the number (a typo adds digits)"))
}

/// Checks an amount of money.
pub fn money(what: &str, cny: f64) -> Option<String> {
    (cny > MAX_CNY).then(|| {
        exceeded(format!("{what} is {} CNY", Number(cny)), "10^12 CNY", "MAX_CNY", "check the number and its unit")
    })
}

/// The cases a volume of `per_year` brings over a run of `horizon_days`.
pub fn over_run(per_year: f64, horizon_days: u32) -> f64 {
    per_year * f64::from(horizon_days) / 365.0
}

/// Checks one service's volume: more than the cases a whole run may have, over
/// the run's `horizon_days` (the run's total is checked with the model; this
/// points at the service).
pub fn volume(what: &str, per_year: f64, horizon_days: u32) -> Option<String> {
    let cases = over_run(per_year, horizon_days);
    // Past the limit in a year, the yearly figure says it (the run's may overflow).
    let over = if per_year > MAX_EXPECTED_CASES {
        String::new()
    } else {
        format!(", {cases:.3e} over the run's {horizon_days} days")
    };
    (cases > MAX_EXPECTED_CASES).then(|| {
        exceeded(
            format!("{what} is {} cases a year{over}", Number(per_year)),
            "2×10^9 cases over a run",
            "MAX_EXPECTED_CASES",
            "check the number and its unit, or scale it down (and the results up)",
        )
    })
}

/// Checks the volume a County's copy of a service would have: `per_year`, the
/// template's volume times the County's size against its template.
pub fn county_volume(county: &str, service: &str, per_year: f64, horizon_days: u32) -> Option<String> {
    let cases = over_run(per_year, horizon_days);
    (cases > MAX_EXPECTED_CASES).then(|| {
        exceeded(
            format!(
                "jurisdiction `{county}` is so large against its template that its copy of `{service}` would have {} cases a year, {cases:.3e} over the run's {horizon_days} days",
                Number(per_year)
            ),
            "2×10^9 cases over a run",
            "MAX_EXPECTED_CASES",
            "check its size (a typo adds digits) and the template's, or simulate a shorter period",
        )
    })
}

/// Checks a duration given in minutes.
pub fn minutes(what: &str, value: f64) -> Option<String> {
    (value > MAX_MINUTES).then(|| {
        exceeded(
            format!("{what} is {} minutes", Number(value)),
            "525600 minutes (a year)",
            "MAX_MINUTES",
            "check the number and its unit",
        )
    })
}

/// Checks the times of a distribution: its largest parameter and its spread.
pub fn distribution(what: &str, d: &Minutes) -> Option<String> {
    let largest = match d {
        Minutes::Exponential { mean_minutes } | Minutes::LogNormal { mean_minutes, .. } => *mean_minutes,
        Minutes::Triangular { max_minutes, .. } | Minutes::Uniform { max_minutes, .. } => *max_minutes,
        Minutes::Constant { minutes } => *minutes,
        Minutes::Empirical { minutes } => minutes.iter().copied().fold(0.0, f64::max),
    };
    if let Some(message) = minutes(what, largest) {
        return Some(message);
    }
    match d {
        Minutes::LogNormal { cv, .. } if *cv > MAX_CV => Some(exceeded(
            format!("{what}: the coefficient of variation is {}", Number(*cv)),
            "10",
            "MAX_CV",
            "a time this spread out is better written as an Empirical distribution",
        )),
        _ => None,
    }
}

/// Checks a send-back probability `p` below 1: a case goes round 1/(1 − p)
/// times on average, which must stay within [`MAX_ROUNDS_PER_CASE`] (the engine
/// stops a run where a case passes it; refused here rather than failing the run).
pub fn send_back(what: &str, p: f64) -> Option<String> {
    too_many_rounds(what, p, "use a smaller probability (a run stops when a case is redone that often)")
}

/// Checks `p`, the most that a step's send-back and the extra errors that redo
/// it (contract staff's, a pool's, a merger's) add up to, as [`send_back`]
/// checks a send-back alone; at 1 or more, every case the step reaches would be
/// redone every time.
pub fn rounds(what: &str, p: f64) -> Option<String> {
    if p >= 1.0 {
        return Some(format!(
            "{what} is {}: every case would be redone there every time, a loop that never ends (use smaller probabilities, which add up to less than 1)",
            Number(p)
        ));
    }
    too_many_rounds(what, p, "use smaller probabilities (a run stops when a case is redone that often)")
}

/// The message for a probability `p` in [0, 1) of going round again whose
/// expected rounds, 1/(1 − p), pass [`MAX_ROUNDS_PER_CASE`].
fn too_many_rounds(what: &str, p: f64, advice: &str) -> Option<String> {
    let rounds = 1.0 / (1.0 - p);
    ((0.0..1.0).contains(&p) && rounds > f64::from(MAX_ROUNDS_PER_CASE)).then(|| {
        exceeded(
            format!("{what} is {}: a case would go round about {rounds:.1e} times on average", Number(p)),
            "10^6 rounds per case",
            "MAX_ROUNDS_PER_CASE",
            advice,
        )
    })
}

/// Checks a factor on work time (1: the usual time).
pub fn work_factor(what: &str, factor: f64) -> Option<String> {
    (factor > MAX_WORK_FACTOR).then(|| {
        exceeded(
            format!("{what} makes work take {} times its usual time", Number(factor)),
            "100 times",
            "MAX_WORK_FACTOR",
            "check the number (a factor, 1 for the usual time, not a percentage)",
        )
    })
}

/// Checks a relative weight (of an assessment's criteria).
pub fn weight(what: &str, w: f64) -> Option<String> {
    (w > MAX_WEIGHT).then(|| {
        exceeded(format!("{what} is {}", Number(w)), "10^6", "MAX_WEIGHT", "weights are relative: scale them down")
    })
}

/// Checks an arrival-profile weight.
pub fn profile_weight(profile: &str, weight: f64) -> Option<String> {
    (weight > MAX_PROFILE_WEIGHT).then(|| {
        exceeded(
            format!("arrival profile `{profile}` has a weight of {}", Number(weight)),
            "10^6",
            "MAX_PROFILE_WEIGHT",
            "weights are relative: scale them down",
        )
    })
}

/// Checks the number of holidays.
pub fn holidays(n: usize) -> Option<String> {
    (n > MAX_HOLIDAYS).then(|| {
        exceeded(
            format!("the calendar lists {n} holidays"),
            "10000",
            "MAX_HOLIDAYS",
            "list only the holidays within the horizon",
        )
    })
}

/// Checks the number of jurisdictions of a tree against [`MAX_JURISDICTIONS`].
pub fn jurisdictions(n: usize) -> Option<String> {
    (n > MAX_JURISDICTIONS).then(|| {
        exceeded(
            format!("the jurisdiction tree has {n} jurisdictions"),
            "50,000",
            "MAX_JURISDICTIONS",
            "model a part of the country, or counties of one kind as one with a larger size",
        )
    })
}

/// Checks a jurisdiction's population.
pub fn population(jurisdiction: &str, n: u64) -> Option<String> {
    (n > MAX_POPULATION).then(|| {
        exceeded(
            format!("jurisdiction `{jurisdiction}` has a population of {n}"),
            "2,000,000,000",
            "MAX_POPULATION",
            "check the number (a typo adds digits)",
        )
    })
}

/// Checks a jurisdiction tree's demand per resident against its template's.
pub fn volume_factor(factor: f64) -> Option<String> {
    (factor > MAX_VOLUME_FACTOR).then(|| {
        exceeded(
            format!("volume_per_resident_factor is {}", Number(factor)),
            "10^6",
            "MAX_VOLUME_FACTOR",
            "it multiplies every copied service's volume (1 is the template's demand per resident)",
        )
    })
}

/// Checks the number of a jurisdiction tree's named calendars.
pub fn calendars(n: usize) -> Option<String> {
    (n > MAX_CALENDARS).then(|| {
        exceeded(
            format!("`jurisdictions.calendars` names {n} calendars"),
            "256",
            "MAX_CALENDARS",
            "give jurisdictions that keep the same hours one calendar",
        )
    })
}

/// Which top-level field a model-wide limit is about, for pointing at it.
pub type Field = &'static str;

/// Limits on the model as a whole: cases over the horizon, staff-days and the
/// backlog of stations that can never keep up.
pub fn model(model: &Model) -> Vec<(Field, String)> {
    let mut out = Vec::new();
    let cases = model.expected_cases();
    if cases > MAX_EXPECTED_CASES {
        out.push((
            "horizon_days",
            exceeded(
                format!("about {cases:.3e} cases would arrive over the horizon"),
                "2×10^9",
                "MAX_EXPECTED_CASES",
                "shorten the horizon or scale volume_per_year down (and the results up)",
            ),
        ));
    }
    // The staff the scenario lists, and those its reforms hire (at most: every hire in force all along).
    let hired: f64 = model
        .reforms
        .iter()
        .map(|r| match &r.lever {
            crate::levers::Lever::ContractStaff(v) => f64::from(v.count),
            crate::levers::Lever::OneWindow(v) => f64::from(v.clerks),
            _ => 0.0,
        })
        .sum();
    let listed: f64 = model.staff.iter().map(|s| f64::from(s.count)).sum();
    let staff_days = (listed + hired) * f64::from(model.horizon_days);
    if staff_days > MAX_STAFF_DAYS {
        let who = if hired > 0.0 { "the staff and those the reforms hire" } else { "the staff" };
        out.push((
            "staff",
            exceeded(
                format!("{who} work {staff_days:.3e} staff-days over the horizon"),
                "2×10^9 staff-days",
                "MAX_STAFF_DAYS",
                "shorten the horizon or simulate fewer staff",
            ),
        ));
    }
    let years = f64::from(model.horizon_days) / 365.0;
    for load in super::warnings::station_loads(model) {
        let backlog = load.excess_cases_per_year() * years;
        if !load.abandonment && backlog > MAX_BACKLOG_CASES {
            out.push((
                "services",
                exceeded(
                    format!(
                        "{} are offered {:.0}% of their working time and nobody gives up waiting, so about {backlog:.2e} cases would pile up by the horizon",
                        load.who,
                        load.share() * 100.0
                    ),
                    "5×10^6 cases in progress (memory)",
                    "MAX_BACKLOG_CASES",
                    "add staff, lower volume_per_year or shorten the horizon",
                ),
            ));
        }
    }
    out
}
