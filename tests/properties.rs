//! Property tests (proptest) that try hard to break loading, validation and the
//! engine: mutated and random scenario text never panics, and random valid
//! scenarios keep every invariant of a run.
//!
//! Each property tries [`CASES`] inputs so that the suite stays fast; set
//! `PROPTEST_CASES` for a longer hunt, e.g.
//! `PROPTEST_CASES=20000 cargo test --release properties`.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::Arc;

use proptest::prelude::*;
use proptest::test_runner::Config;

use reformsim::engine::{ReplicationOutput, simulate};
use reformsim::scenario::{Model, load_from_str};

use crate::common::root;

/// Inputs tried per property in an ordinary test run.
const CASES: u32 = 64;
/// Most cases a mutated scenario may expect for it to be run too (runs stay short).
const MAX_RUN_CASES: f64 = 20_000.0;

fn config() -> Config {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(CASES);
    // No regression files: a failure prints the minimal input, which goes into a
    // corpus file or an issue instead.
    Config { cases, failure_persistence: None, ..Config::default() }
}

/// Where generated scenarios pretend to live: paths in them resolve from here.
fn scenario_path() -> PathBuf {
    root().join("tests/broken/generated.ron")
}

/// Runs one replication, or says why it could not run.
fn run(model: &Arc<Model>, seed: u64) -> ReplicationOutput {
    match simulate(model, seed, 0, &mut |_| {}) {
        Ok(output) => output,
        Err(e) => panic!("a valid scenario failed to run: {e}"),
    }
}

// ---------------------------------------------------------------------------
// Mutated text: never a panic, always a model or a diagnostic.

/// Shipped validation scenarios cut to a few days, and a richer one: the texts
/// that mutations start from.
fn seeds() -> Vec<String> {
    let short = |relative: &str, horizon: &str| {
        let text = std::fs::read_to_string(root().join(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"));
        let mut out = String::new();
        for line in text.lines() {
            let t = line.trim_start();
            if t.starts_with("horizon_days:") {
                out.push_str(&format!("    horizon_days: {horizon},\n"));
            } else if !t.starts_with("warmup_days:") {
                out.push_str(line);
                out.push('\n');
            }
        }
        out
    };
    vec![
        short("scenarios/validation/mmc.ron", "2"),
        short("scenarios/validation/tandem.ron", "2"),
        short("scenarios/validation/network.ron", "1"),
        RICH.to_string(),
    ]
}

/// A small scenario using most of the format: a working calendar with holidays,
/// a profile, documents, parallel steps, send-backs, patience, a merger and a CSV
/// catalogue.
const RICH: &str = r#"Scenario(
    name: "rich",
    start_date: "2024-01-01",
    horizon_days: 7,
    warmup_days: 1,
    calendar: Working(
        opening_hours: [(start: "08:30", end: "12:00"), (start: "13:30", end: "17:30")],
        working_days: [Mon, Tue, Wed, Thu, Fri],
        holidays: ["2024-01-03"],
    ),
    applicant: (value_of_time_cny_per_hour: 40.0, travel_hours_per_trip: 1.0, document_hours_per_missing: 3.0),
    arrival_profiles: {
        "office": (
            hour_of_day: [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 2.0, 2.0, 1.0, 0.5, 1.0, 2.0, 2.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
            day_of_week: [1.2, 1.0, 1.0, 1.0, 0.8, 0.0, 0.0],
            month_of_year: [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
        ),
    },
    functions: ["intake", "review", "archive"],
    departments: [
        (name: "Front", functions: ["intake"], overhead_cny_per_year: 100000.0, windows: 2),
        (name: "Back", functions: ["review"], overhead_cny_per_year: 200000.0),
        (name: "Store", functions: ["archive"], overhead_cny_per_year: 50000.0, windows: 1),
    ],
    merge_departments: [(into: "Service Centre", from: ["Front", "Store"], overhead_cny_per_year: 120000.0, windows: 3)],
    front_office: PerDepartment,
    handoff: (
        between_departments: (delay_hours: 4.0, effort_minutes: 10.0),
        within_department: (delay_hours: 0.5, effort_minutes: 2.0),
    ),
    documents: [(name: "id_card", held_by: "Front"), (name: "permit", held_by: "Back")],
    staff_csv: "csv/staff-rich.csv",
    staff: [(department: "Store", role: Reviewer, employment: Contract, count: 1, annual_cost_cny: 60000.0)],
    services: [
        Service(
            name: "licence",
            volume_per_year: 3000.0,
            profile: "office",
            time_limit_working_days: 5,
            patience: Exponential(mean_minutes: 45.0),
            online_share: 0.2,
            document_fetch_days: 1.0,
            steps: [
                Step(name: "intake", function: "intake", role: WindowClerk, work: LogNormal(mean_minutes: 12.0, cv: 0.5),
                     in_person: true, documents: [(document: "id_card", missing_probability: 0.1)]),
                Step(name: "review", function: "review", role: Reviewer, work: Triangular(min_minutes: 10.0, mode_minutes: 20.0, max_minutes: 60.0),
                     documents: [(document: "permit", missing_probability: 0.05)], send_back: (to: "intake", probability: 0.1)),
                Step(name: "file", function: "archive", role: Reviewer, work: Uniform(min_minutes: 2.0, max_minutes: 6.0), after: ["intake"]),
                Step(name: "approve", function: "review", role: Approver, work: Empirical(minutes: [3.0, 5.0, 8.0]), after: ["review", "file"],
                     send_back: (to: "approve", probability: 0.05)),
            ],
        ),
        Service(
            name: "certificate",
            volume_per_year: 2000.0,
            time_limit_working_days: 1,
            steps: [Step(name: "issue", function: "intake", role: WindowClerk, work: Constant(minutes: 5.0), in_person: true)],
        ),
    ],
)
"#;

/// One change to a scenario's text.
#[derive(Clone, Debug)]
enum Mutation {
    /// Removes `len` bytes (rounded to characters) at a fraction of the text.
    Delete(f64, usize),
    /// Inserts a token at a fraction of the text.
    Insert(f64, &'static str),
    /// Replaces the n-th number (modulo their count) with another number.
    Number(usize, &'static str),
    /// Replaces the n-th quoted string with the m-th (names then refer to the
    /// wrong thing, or to nothing).
    Name(usize, usize),
    /// Duplicates the line at a fraction of the text.
    DuplicateLine(f64),
    /// Swaps two lines.
    SwapLines(f64, f64),
}

/// Tokens that trip parsers and validators: delimiters, extreme numbers, keywords.
const TOKENS: &[&str] = &[
    ",",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ":",
    "\"",
    "-",
    "0",
    "-1",
    "0.0",
    "1.0",
    "1e309",
    "-1e309",
    "NaN",
    "inf",
    "4294967295",
    "4294967296",
    "18446744073709551616",
    "1e-320",
    "0.999999999",
    "1e15",
    "None",
    "Some(",
    "//",
    "/*",
    "\n",
    "\\",
    "Step(",
    "AllDay",
    "General(windows: 0)",
    "extends: \"generated.ron\",",
    "extends: \"/etc/passwd\",",
    "staff_csv: \"../../Cargo.toml\",",
    "\u{0}",
    "é",
    "部门",
    "\u{feff}",
    "Exponential(mean_minutes: 1e300)",
    "LogNormal(mean_minutes: 5.0, cv: 1e6)",
    "Empirical(minutes: [])",
    "after: [],",
    "send_back: (to: \"intake\", probability: 0.99),",
    "horizon_days: 0,",
    "documents: [(document: \"id_card\", missing_probability: 1.0)],",
];

/// Numbers that trip validators: zero, negatives, extremes, non-numbers.
const NUMBERS: &[&str] = &[
    "0",
    "0.0",
    "-1",
    "-0.5",
    "0.5",
    "1",
    "1.0",
    "2",
    "7",
    "24",
    "365",
    "100000",
    "1e15",
    "1e300",
    "1e309",
    "-1e309",
    "NaN",
    "inf",
    "1e-320",
    "0.999999999",
    "4294967295",
    "4294967296",
    "73001",
    "10000001",
];

fn mutation() -> impl Strategy<Value = Mutation> {
    let token = proptest::sample::select(TOKENS);
    prop_oneof![
        3 => (0usize..400, proptest::sample::select(NUMBERS)).prop_map(|(n, t)| Mutation::Number(n, t)),
        2 => (0usize..400, 0usize..400).prop_map(|(n, m)| Mutation::Name(n, m)),
        1 => (0.0..1.0, 1usize..40).prop_map(|(at, len)| Mutation::Delete(at, len)),
        1 => (0.0..1.0, token).prop_map(|(at, t)| Mutation::Insert(at, t)),
        1 => (0.0..1.0).prop_map(Mutation::DuplicateLine),
        1 => (0.0..1.0, 0.0..1.0).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
    ]
}

fn apply(text: &str, m: &Mutation) -> String {
    let at = |f: f64| text.floor_char_boundary((f * text.len() as f64) as usize);
    match *m {
        Mutation::Delete(f, len) => {
            let start = at(f);
            let end = text.floor_char_boundary((start + len).min(text.len()));
            format!("{}{}", &text[..start], &text[end..])
        }
        Mutation::Insert(f, token) => {
            let i = at(f);
            format!("{}{token}{}", &text[..i], &text[i..])
        }
        Mutation::Number(n, token) => {
            let numbers = number_spans(text);
            if numbers.is_empty() {
                return text.to_string();
            }
            let (start, end) = numbers[n % numbers.len()];
            format!("{}{token}{}", &text[..start], &text[end..])
        }
        Mutation::Name(n, m) => {
            let names = quoted_spans(text);
            if names.is_empty() {
                return text.to_string();
            }
            let (start, end) = names[n % names.len()];
            let (from, to) = names[m % names.len()];
            format!("{}{}{}", &text[..start], &text[from..to], &text[end..])
        }
        Mutation::DuplicateLine(f) => {
            let mut lines: Vec<&str> = text.lines().collect();
            let i = ((f * lines.len() as f64) as usize).min(lines.len().saturating_sub(1));
            if let Some(&line) = lines.get(i) {
                lines.insert(i, line);
            }
            lines.join("\n")
        }
        Mutation::SwapLines(a, b) => {
            let mut lines: Vec<&str> = text.lines().collect();
            let n = lines.len();
            if n > 1 {
                lines.swap(((a * n as f64) as usize).min(n - 1), ((b * n as f64) as usize).min(n - 1));
            }
            lines.join("\n")
        }
    }
}

/// Byte ranges of the quoted strings in `text`, quotes included.
fn quoted_spans(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut open = None;
    for (i, c) in text.char_indices() {
        match (c, open) {
            ('"', None) => open = Some(i),
            ('"', Some(start)) => {
                out.push((start, i + 1));
                open = None;
            }
            ('\n', Some(_)) => open = None,
            _ => {}
        }
    }
    out
}

/// Byte ranges of the numbers in `text`.
fn number_spans(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() && (i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_')) {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_digit() || matches!(bytes[i], b'.' | b'e' | b'E')) {
                i += 1;
            }
            out.push((start, i));
        } else {
            i += 1;
        }
    }
    out
}

/// Loads `text`; if it is valid and small, runs it for its (short) horizon.
fn load_and_maybe_run(text: &str) {
    match load_from_str(&scenario_path(), text) {
        Err(e) => {
            let message = e.to_string();
            assert!(!message.trim().is_empty(), "an empty diagnostic for\n{text}");
        }
        Ok(model) => {
            let _ = reformsim::scenario::warnings(&model);
            if model.horizon_days <= 30 && model.expected_cases() <= MAX_RUN_CASES {
                let model = Arc::new(model);
                let output = run(&model, 1);
                let c = output.conservation;
                assert_eq!(c.arrived, c.completed + c.refused + c.abandoned + c.in_progress, "{text}");
            }
        }
    }
}

proptest! {
    #![proptest_config(config())]

    /// Up to four mutations of a valid scenario: loading, validating and running
    /// end in a model, a diagnostic or a result, never a panic.
    #[test]
    fn mutated_scenarios_never_panic(seed in 0usize..4, mutations in proptest::collection::vec(mutation(), 1..5)) {
        let mut text = seeds()[seed].clone();
        for m in &mutations {
            text = apply(&text, m);
        }
        load_and_maybe_run(&text);
    }

    /// Arbitrary text, mostly made of scenario tokens: never a panic.
    #[test]
    fn random_text_never_panics(parts in proptest::collection::vec(
        prop_oneof![proptest::sample::select(TOKENS).prop_map(str::to_string), "[a-zA-Z_ ]{0,12}", any::<String>()],
        0..40,
    )) {
        let text = format!("Scenario({})", parts.concat());
        load_and_maybe_run(&text);
        load_and_maybe_run(&parts.concat());
    }
}

// ---------------------------------------------------------------------------
// Random valid scenarios: every invariant of a run holds.

/// A work-time distribution of a random step.
#[derive(Clone, Debug)]
enum Work {
    Exponential(f64),
    LogNormal(f64, f64),
    Triangular(f64, f64, f64),
    Uniform(f64, f64),
    Constant(f64),
    Empirical(Vec<f64>),
}

fn work() -> impl Strategy<Value = Work> {
    prop_oneof![
        (0.5..90.0).prop_map(Work::Exponential),
        (0.5..90.0, 0.0..2.0).prop_map(|(m, cv)| Work::LogNormal(m, cv)),
        (0.0..30.0, 0.0..30.0, 0.5..60.0).prop_map(|(a, b, c)| {
            let mut v = [a, b, c];
            v.sort_by(f64::total_cmp);
            Work::Triangular(v[0], v[1], v[2])
        }),
        (0.0..30.0, 0.5..60.0).prop_map(|(a, b): (f64, f64)| Work::Uniform(a.min(b), a.max(b))),
        (0.0..60.0).prop_map(Work::Constant),
        proptest::collection::vec(0.0..60.0, 1..5).prop_map(Work::Empirical),
    ]
}

impl Work {
    fn ron(&self) -> String {
        match self {
            Work::Exponential(m) => format!("Exponential(mean_minutes: {m:?})"),
            Work::LogNormal(m, cv) => format!("LogNormal(mean_minutes: {m:?}, cv: {cv:?})"),
            Work::Triangular(a, c, b) => {
                format!("Triangular(min_minutes: {a:?}, mode_minutes: {c:?}, max_minutes: {b:?})")
            }
            Work::Uniform(a, b) => format!("Uniform(min_minutes: {a:?}, max_minutes: {b:?})"),
            Work::Constant(m) => format!("Constant(minutes: {m:?})"),
            Work::Empirical(v) => format!("Empirical(minutes: {v:?})"),
        }
    }
}

/// A random step: which department's function, role, work and routing.
#[derive(Clone, Debug)]
struct StepSpec {
    department: usize,
    role: usize,
    work: Work,
    in_person: bool,
    /// `None`: after the previous step; else a bit set of earlier steps (0: start).
    after: Option<u8>,
    documents: Vec<(usize, f64)>,
    send_back: Option<(usize, f64)>,
}

fn step() -> impl Strategy<Value = StepSpec> {
    (
        0usize..3,
        0usize..4,
        work(),
        any::<bool>(),
        proptest::option::of(any::<u8>()),
        proptest::collection::vec((0usize..2, 0.0..0.5), 0..3),
        proptest::option::of((0usize..4, 0.0..0.6)),
    )
        .prop_map(|(department, role, work, in_person, after, documents, send_back)| StepSpec {
            department,
            role,
            work,
            in_person,
            after,
            documents,
            send_back,
        })
}

/// A random service.
#[derive(Clone, Debug)]
struct ServiceSpec {
    volume_per_year: f64,
    profile: bool,
    time_limit_working_days: u32,
    patience_minutes: Option<f64>,
    online_share: f64,
    document_fetch_days: f64,
    steps: Vec<StepSpec>,
}

fn service() -> impl Strategy<Value = ServiceSpec> {
    (
        10.0..20_000.0,
        any::<bool>(),
        0u32..10,
        proptest::option::of(1.0..600.0),
        prop_oneof![Just(0.0), Just(1.0), 0.0..1.0],
        0.0..3.0,
        proptest::collection::vec(step(), 1..5),
    )
        .prop_map(
            |(volume_per_year, profile, time_limit_working_days, patience_minutes, online_share, fetch, steps)| {
                ServiceSpec {
                    volume_per_year,
                    profile,
                    time_limit_working_days,
                    patience_minutes,
                    online_share,
                    document_fetch_days: fetch,
                    steps,
                }
            },
        )
}

/// A random scenario of 1–3 departments and 1–3 services over 5–20 days.
#[derive(Clone, Debug)]
struct ScenarioSpec {
    departments: usize,
    horizon_days: u32,
    warmup_fraction: f64,
    /// Opening hour, length in hours, lunch break, working-day bits; `None`: AllDay.
    calendar: Option<(u32, u32, bool, u8)>,
    holiday: Option<u32>,
    general_hall: Option<u32>,
    merge: bool,
    staff: Vec<[u32; 4]>,
    windows: Vec<u32>,
    hour_weights: Vec<f64>,
    handoff: [f64; 4],
    services: Vec<ServiceSpec>,
}

fn scenario() -> impl Strategy<Value = ScenarioSpec> {
    (
        (1usize..4, 5u32..21, 0.0..0.9),
        proptest::option::of((6u32..11, 2u32..10, any::<bool>(), 1u8..128)),
        proptest::option::of(0u32..20),
        proptest::option::of(1u32..4),
        any::<bool>(),
        proptest::collection::vec(proptest::array::uniform4(1u32..4), 3),
        proptest::collection::vec(1u32..4, 3),
        proptest::collection::vec(prop_oneof![Just(0.0), 0.0..3.0], 24),
        proptest::array::uniform4(0.0..8.0),
        proptest::collection::vec(service(), 1..4),
    )
        .prop_map(
            |(
                (departments, horizon_days, warmup_fraction),
                calendar,
                holiday,
                general_hall,
                merge,
                staff,
                windows,
                hour_weights,
                handoff,
                services,
            )| ScenarioSpec {
                departments,
                horizon_days,
                warmup_fraction,
                calendar,
                holiday,
                general_hall,
                merge,
                staff,
                windows,
                hour_weights,
                handoff,
                services,
            },
        )
}

const ROLES: [&str; 4] = ["WindowClerk", "Reviewer", "Approver", "Inspector"];

impl ScenarioSpec {
    /// The scenario as a RON file.
    fn ron(&self) -> String {
        let n = self.departments;
        let mut t = String::new();
        let warmup = (f64::from(self.horizon_days) * self.warmup_fraction) as u32;
        let _ = writeln!(t, "Scenario(\n    name: \"random\",\n    start_date: \"2023-12-28\",");
        let _ = writeln!(t, "    horizon_days: {},\n    warmup_days: {warmup},", self.horizon_days);
        match self.calendar {
            None => t.push_str("    calendar: AllDay,\n"),
            Some((open, hours, lunch, days)) => {
                let close = (open + hours).min(23);
                let intervals = if lunch && close > open + 1 {
                    let mid = open + (close - open) / 2;
                    format!(
                        "(start: \"{open:02}:00\", end: \"{mid:02}:00\"), (start: \"{mid:02}:30\", end: \"{close:02}:00\")"
                    )
                } else {
                    format!("(start: \"{open:02}:00\", end: \"{close:02}:00\")")
                };
                let names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
                let working: Vec<&str> = (0..7).filter(|i| days & (1 << i) != 0).map(|i| names[i]).collect();
                let holidays = match self.holiday {
                    Some(d) => format!("[\"2024-01-{:02}\"]", 1 + d),
                    None => "[]".to_string(),
                };
                let _ = writeln!(
                    t,
                    "    calendar: Working(opening_hours: [{intervals}], working_days: [{}], holidays: {holidays}),",
                    working.join(", ")
                );
            }
        }
        t.push_str("    applicant: (value_of_time_cny_per_hour: 35.0, travel_hours_per_trip: 1.5, document_hours_per_missing: 2.0),\n");
        let mut hours = self.hour_weights.clone();
        if hours.iter().all(|&w| w == 0.0) {
            hours[10] = 1.0;
        }
        let _ = writeln!(
            t,
            "    arrival_profiles: {{\"p\": (hour_of_day: {hours:?}, day_of_week: [1.0, 1.0, 1.0, 1.0, 1.0, 0.5, 0.2], month_of_year: [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0])}},"
        );
        let functions: Vec<String> = (0..n).map(|d| format!("\"f{d}\"")).collect();
        let _ = writeln!(t, "    functions: [{}],\n    departments: [", functions.join(", "));
        for d in 0..n {
            let _ = writeln!(
                t,
                "        (name: \"D{d}\", functions: [\"f{d}\"], overhead_cny_per_year: {}.0, windows: {}),",
                100_000 * (d + 1),
                self.windows[d]
            );
        }
        t.push_str("    ],\n");
        if self.merge && n >= 2 {
            t.push_str("    merge_departments: [(into: \"Merged\", from: [\"D0\", \"D1\"], overhead_cny_per_year: 150000.0, windows: 2)],\n");
        }
        match self.general_hall {
            Some(w) => {
                let _ = writeln!(t, "    front_office: General(windows: {w}),");
            }
            None => t.push_str("    front_office: PerDepartment,\n"),
        }
        let h = self.handoff;
        let _ = writeln!(
            t,
            "    handoff: (between_departments: (delay_hours: {:?}, effort_minutes: {:?}), within_department: (delay_hours: {:?}, effort_minutes: {:?})),",
            h[0], h[1], h[2], h[3]
        );
        t.push_str(
            "    documents: [(name: \"doc0\", held_by: \"D0\"), (name: \"doc1\", held_by: \"D0\")],\n    staff: [\n",
        );
        for d in 0..n {
            for (r, role) in ROLES.iter().enumerate() {
                let employment = if r % 2 == 0 { "Established" } else { "Contract" };
                let _ = writeln!(
                    t,
                    "        (department: \"D{d}\", role: {role}, employment: {employment}, count: {}, annual_cost_cny: 90000.0),",
                    self.staff[d][r]
                );
            }
        }
        t.push_str("    ],\n    services: [\n");
        for (i, s) in self.services.iter().enumerate() {
            let _ = writeln!(
                t,
                "        Service(\n            name: \"S{i}\",\n            volume_per_year: {:?},",
                s.volume_per_year
            );
            if s.profile {
                t.push_str("            profile: \"p\",\n");
            }
            let _ = writeln!(t, "            time_limit_working_days: {},", s.time_limit_working_days);
            if let Some(p) = s.patience_minutes {
                let _ = writeln!(t, "            patience: Exponential(mean_minutes: {p:?}),");
            }
            let _ = writeln!(
                t,
                "            online_share: {:?},\n            document_fetch_days: {:?},\n            steps: [",
                s.online_share, s.document_fetch_days
            );
            for (k, st) in s.steps.iter().enumerate() {
                let _ = write!(
                    t,
                    "                Step(name: \"s{k}\", function: \"f{}\", role: {}, work: {}, in_person: {}",
                    st.department % n,
                    ROLES[st.role],
                    st.work.ron(),
                    st.in_person
                );
                if let Some(bits) = st.after {
                    let earlier: Vec<String> =
                        (0..k).filter(|j| bits & (1 << j) != 0).map(|j| format!("\"s{j}\"")).collect();
                    let _ = write!(t, ", after: [{}]", earlier.join(", "));
                }
                let mut seen = Vec::new();
                let documents: Vec<String> = st
                    .documents
                    .iter()
                    .filter(|(d, _)| {
                        let new = !seen.contains(d);
                        seen.push(*d);
                        new
                    })
                    .map(|(d, p)| format!("(document: \"doc{d}\", missing_probability: {p:?})"))
                    .collect();
                if !documents.is_empty() {
                    let _ = write!(t, ", documents: [{}]", documents.join(", "));
                }
                if let Some((back, p)) = st.send_back {
                    let _ = write!(t, ", send_back: (to: \"s{}\", probability: {p:?})", k.saturating_sub(back));
                }
                t.push_str("),\n");
            }
            t.push_str("            ],\n        ),\n");
        }
        t.push_str("    ],\n)\n");
        t
    }
}

/// Checks the invariants of one replication's output.
fn check_output(output: &ReplicationOutput, text: &str) {
    let c = output.conservation;
    assert_eq!(c.arrived, c.completed + c.refused + c.abandoned + c.in_progress, "conservation: {c:?}\n{text}");
    let value = |name: &str| {
        output.summary.iter().find(|(n, _)| *n == name).map(|(_, v)| *v).unwrap_or_else(|| panic!("no {name}"))
    };
    let measured = value("cases_completed") + value("cases_abandoned") + value("cases_in_progress");
    assert_eq!(value("cases_arrived"), measured, "measured-period conservation\n{text}");
    for &(name, v) in &output.summary {
        assert!(!v.is_infinite(), "{name} is {v}\n{text}");
        assert!(v.is_nan() || v >= 0.0, "{name} is negative: {v}\n{text}");
        // utilisation_share counts the whole work of steps started before the
        // horizon, also the part done after it, so a saturated station can show a
        // little above 1 (reported to the engine's owner); the other shares are
        // proportions of cases.
        if name.ends_with("_share") && name != "utilisation_share" {
            assert!(v.is_nan() || v <= 1.0 + 1e-9, "{name} is above 1: {v}\n{text}");
        }
    }
    for d in &output.departments {
        for (what, v) in [
            ("personnel_cost_cny", d.personnel_cost_cny),
            ("overhead_cost_cny", d.overhead_cost_cny),
            ("work_hours", d.work_hours),
            ("wait_minutes_mean", d.wait_minutes_mean),
        ] {
            assert!(v.is_nan() || (v >= 0.0 && v.is_finite()), "{} {what} = {v}\n{text}", d.name);
        }
    }
}

/// The parts of an output that must repeat exactly for the same seed.
fn fingerprint(output: &ReplicationOutput) -> String {
    let summary: Vec<(&str, u64)> = output.summary.iter().map(|(n, v)| (*n, v.to_bits())).collect();
    format!("{summary:?}\n{:?}\n{:?}", output.daily, output.conservation)
}

proptest! {
    #![proptest_config(config())]

    /// Random valid scenarios load, and every run keeps conservation, non-negative
    /// costs and times, shares in [0, 1], and repeats exactly for the same seed.
    #[test]
    fn random_valid_scenarios_keep_the_invariants(spec in scenario(), seed in 0u64..1000) {
        let text = spec.ron();
        let model = match load_from_str(&scenario_path(), &text) {
            Ok(m) => Arc::new(m),
            Err(e) => panic!("a valid-shaped scenario was refused:\n{e}\n{text}"),
        };
        let first = run(&model, seed);
        check_output(&first, &text);
        let again = run(&model, seed);
        prop_assert_eq!(fingerprint(&first), fingerprint(&again), "same seed, different output\n{}", text);
    }
}

#[test]
fn the_rich_seed_scenario_is_valid() {
    let model = match load_from_str(&scenario_path(), RICH) {
        Ok(m) => Arc::new(m),
        Err(e) => panic!("{e}"),
    };
    check_output(&run(&model, 3), RICH);
}

// ---------------------------------------------------------------------------
// Output folders: whatever a folder holds, every file reformsim did not write
// there survives, and writers racing for one folder never fail with an OS error.

/// What a folder given as `--out` may hold: a run's files, the report page, and
/// strangers (a sweep's and a comparison's tables, a user's files and folders).
const FOLDER_ENTRIES: [(&str, bool); 14] = [
    ("summary.csv", true),
    ("departments.csv", true),
    ("services.csv", true),
    ("daily.csv", true),
    ("yearly.csv", true),
    ("report.html", true),
    ("notes.txt", false),
    ("runs.csv", false),
    ("points.csv", false),
    ("comparison.csv", false),
    ("scenario.ron", false),
    (".hidden", false),
    ("drafts/plan.md", false),
    ("events.csv", false),
];

/// A fresh, empty folder for one property case.
fn case_folder(property: &str) -> PathBuf {
    static CASE: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = CASE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    crate::engine::tempdir(&format!("prop-{property}-{n}"))
}

/// The manifest of a run, of a sweep, or none.
fn manifest_text(kind: usize) -> Option<&'static str> {
    match kind {
        1 => Some("(program: \"reformsim\", scenario_path: \"s.ron\", model_hash_fnv1a64: \"00\", seed: 1)\n"),
        2 => Some("(program: \"reformsim\", sweep: \"s.ron\", sweep_hash_fnv1a64: \"00\", seed: 1)\n"),
        _ => None,
    }
}

proptest! {
    #![proptest_config(config())]

    /// A run claiming a folder with a random mixture of result files and foreign
    /// files succeeds only if nothing foreign is there and the manifest is a run's;
    /// either way, every foreign file is still there, unchanged, afterwards.
    #[test]
    fn foreign_files_in_an_output_folder_always_survive(
        present in proptest::collection::vec(any::<bool>(), FOLDER_ENTRIES.len()),
        manifest in 0usize..3,
    ) {
        use reformsim::export::output::{FolderOutput, Replace};
        let dir = case_folder("foreign");
        let out = dir.join("out");
        std::fs::create_dir(&out).expect("mkdir");
        let mut foreign = Vec::new();
        for ((name, ours), _) in FOLDER_ENTRIES.iter().zip(&present).filter(|(_, p)| **p) {
            let path = out.join(name);
            std::fs::create_dir_all(path.parent().expect("inside out")).expect("mkdir");
            std::fs::write(&path, format!("content of {name}")).expect("write");
            if !ours {
                foreign.push((path, format!("content of {name}")));
            }
        }
        if let Some(text) = manifest_text(manifest) {
            std::fs::write(out.join("manifest.ron"), text).expect("write");
        }
        let empty = std::fs::read_dir(&out).expect("list").next().is_none();
        let replaceable = empty || (foreign.is_empty() && manifest == 1);
        match FolderOutput::claim(&out, &Replace::Run { also: Vec::new() }, &[]) {
            Ok(claim) => {
                prop_assert!(replaceable, "claimed a folder with foreign files {:?} or manifest {}", foreign, manifest);
                std::fs::write(claim.staging().join("summary.csv"), "new").expect("write");
                claim.commit().expect("switched in");
                prop_assert_eq!(std::fs::read_to_string(out.join("summary.csv")).expect("new"), "new");
            }
            Err(e) => {
                prop_assert!(!replaceable, "refused a replaceable folder: {}", e);
                let message = e.to_string();
                for (path, _) in &foreign {
                    let name = path.strip_prefix(&out).expect("inside").to_string_lossy().into_owned();
                    let top = name.split('/').next().unwrap_or_default().to_string();
                    prop_assert!(message.contains(&top), "{} not named in {}", name, message);
                }
            }
        }
        for (path, content) in &foreign {
            prop_assert_eq!(&std::fs::read_to_string(path).expect("a foreign file survives"), content);
        }
        let beside: Vec<String> =
            std::fs::read_dir(&dir).expect("list").map(|e| e.expect("entry").file_name().to_string_lossy().into_owned()).collect();
        prop_assert_eq!(beside, vec!["out".to_string()], "leftovers beside the folder");
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// Writers racing for one folder: each either writes its complete result or is
    /// refused because another holds the folder; the folder ends up holding one
    /// writer's complete result and nothing is left beside it.
    #[test]
    fn racing_writers_never_fail_with_an_os_error(writers in 2usize..6, pause_ms in 0u64..5) {
        use reformsim::export::ExportError;
        use reformsim::export::output::{FolderOutput, Replace};
        let dir = case_folder("race");
        let out = dir.join("out");
        let barrier = std::sync::Barrier::new(writers);
        let results: Vec<Result<usize, String>> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..writers)
                .map(|w| {
                    let (out, barrier) = (&out, &barrier);
                    scope.spawn(move || {
                        barrier.wait();
                        match FolderOutput::claim(out, &Replace::Run { also: Vec::new() }, &[]) {
                            Ok(claim) => {
                                std::fs::write(claim.staging().join("summary.csv"), format!("writer {w}")).expect("write");
                                std::thread::sleep(std::time::Duration::from_millis(pause_ms));
                                std::fs::write(claim.staging().join("manifest.ron"), manifest_text(1).expect("run"))
                                    .expect("write");
                                claim.commit().map(|()| w).map_err(|e| e.to_string())
                            }
                            Err(ExportError::InUse { .. }) => Err("in use".to_string()),
                            Err(e) => Err(format!("unexpected: {e}")),
                        }
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().expect("a writer panicked")).collect()
        });
        let winners: Vec<usize> = results.iter().filter_map(|r| r.as_ref().ok().copied()).collect();
        for r in &results {
            if let Err(e) = r {
                prop_assert_eq!(e.as_str(), "in use");
            }
        }
        prop_assert!(!winners.is_empty(), "nobody wrote the folder");
        let summary = std::fs::read_to_string(out.join("summary.csv")).expect("a complete result");
        prop_assert!(winners.iter().any(|w| summary == format!("writer {w}")), "{}", summary);
        prop_assert!(out.join("manifest.ron").is_file());
        let beside: Vec<String> =
            std::fs::read_dir(&dir).expect("list").map(|e| e.expect("entry").file_name().to_string_lossy().into_owned()).collect();
        prop_assert_eq!(beside, vec!["out".to_string()], "leftovers beside the folder");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
