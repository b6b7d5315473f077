//! The result schema: the names of the result files' columns, how numbers are
//! written in them and in the console tables, and the fingerprints (FNV-1a, the
//! model hash) that manifests and checksums carry.
//!
//! `export` writes by it, `experiment` writes and reads back by it, and `report`
//! reads by it: a column renamed here is renamed for all three. The indicator
//! columns themselves (summary and yearly) are named where they are computed, in
//! [`crate::indicators`]; this module lists them in file order.

use crate::scenario::Model;

pub use crate::indicators::{summary_names, yearly_names};

/// `departments.csv`: one row per replication and department.
pub const DEPARTMENT_COLUMNS: [&str; 13] = [
    "replication",
    "department",
    "headcount_established",
    "headcount_contract",
    "personnel_cost_cny",
    "overhead_cost_cny",
    "leadership_posts",
    "leadership_posts_cost_cny",
    "steps",
    "work_hours",
    "utilisation_share",
    "wait_minutes_mean",
    "jurisdiction",
];

/// `divisions.csv`: one row per replication and division.
pub const DIVISION_COLUMNS: [&str; 9] = [
    "replication",
    "division",
    "department",
    "headcount",
    "cross_trained",
    "steps",
    "work_hours",
    "utilisation_share",
    "wait_minutes_mean",
];

/// `services.csv`: one row per replication and service.
pub const SERVICE_COLUMNS: [&str; 16] = [
    "replication",
    "service",
    "cases_arrived",
    "cases_completed",
    "cases_abandoned",
    "cases_refused",
    "wait_minutes_mean",
    "lead_time_days_mean",
    "trips_per_case",
    "at_most_one_trip_share",
    "on_time_share",
    "rework_per_case",
    "missing_documents_per_case",
    "handoffs_between_departments_per_case",
    "handoffs_between_levels",
    "jurisdiction",
];

/// `jurisdictions.csv` (with a jurisdiction tree): one row per replication and
/// jurisdiction, then one per replication and level (`row` = `level`).
pub const JURISDICTION_COLUMNS: [&str; 16] = [
    "replication",
    "row",
    "jurisdiction",
    "level",
    "parent",
    "population",
    "cases_arrived",
    "cases_completed",
    "cases_abandoned",
    "cases_refused",
    "wait_minutes_mean",
    "lead_time_days_mean",
    "handoffs_between_levels",
    "staff",
    "admin_cost_cny_per_year",
    "admin_cost_cny_per_resident",
];

/// `daily.csv`: one row per replication and simulated day.
pub const DAILY_COLUMNS: [&str; 12] = [
    "replication",
    "day",
    "date",
    "cases_arrived",
    "cases_completed",
    "cases_abandoned",
    "cases_refused",
    "cases_in_progress",
    "steps_queued",
    "headcount_established",
    "headcount_contract",
    "admin_cost_cny",
];

/// `assessment.csv`: one row per replication, year and assessed department
/// (only with an `assessment` section).
pub const ASSESSMENT_COLUMNS: [&str; 16] = [
    "replication",
    "year",
    "department",
    "time_wait_minutes_mean",
    "cost_cny_per_step",
    "efficiency_utilisation_share",
    "satisfaction_mean",
    "time_normalised",
    "cost_normalised",
    "efficiency_normalised",
    "satisfaction_normalised",
    "score",
    "rank",
    "on_time_share",
    "response",
    "staff_moved",
];

/// The key columns of `yearly.csv`, before [`yearly_names`].
pub const YEARLY_KEY_COLUMNS: [&str; 2] = ["replication", "year"];

/// The key columns of `windows.csv`, before [`yearly_names`]: the window is
/// written `FROM..TO`.
pub const WINDOW_KEY_COLUMNS: [&str; 2] = ["replication", "window"];

/// The key column of `summary.csv`, before [`summary_names`].
pub const SUMMARY_KEY_COLUMN: &str = "replication";

/// The key columns of a sweep's `runs.csv`, before the parameters and [`summary_names`].
pub const RUN_KEY_COLUMNS: [&str; 2] = ["design_point", "replication"];

/// The columns of a sweep's `points.csv` after the design point and its
/// parameters: one row per design point and indicator. The last two are the 95%
/// half-width relative to |mean|, and, on the rows of a precision target's
/// indicator, whether the point met the target (`true`/`false`; empty elsewhere).
pub const POINT_STATISTIC_COLUMNS: [&str; 8] = [
    "indicator",
    "replications",
    "mean",
    "std_dev",
    "ci95_low",
    "ci95_high",
    "relative_half_width_95",
    "precision_target_met",
];

/// The columns of an optimise folder's `candidates.csv` after `candidate` and the
/// decision variables (written by `optimise`, read back by the report).
pub const CANDIDATE_COLUMNS: [&str; 4] = ["replications", "status", "objective_mean", "objective_ci95_half_width"];

/// The suffixes of the three `candidates.csv` columns of each constraint, after its
/// indicator's name: its mean, its one-sided confidence limit and where it stands.
pub const CONSTRAINT_COLUMN_SUFFIXES: [&str; 3] = ["_mean", "_one_sided_limit", "_standing"];

/// The key columns of a comparison's `runs.csv`, before [`summary_names`].
pub const COMPARISON_RUN_KEY_COLUMNS: [&str; 2] = ["scenario", "replication"];

/// The columns of `comparison.csv` (written by `compare`, read back by the report).
pub const COMPARISON_COLUMNS: [&str; 11] = [
    "indicator",
    "scenario",
    "replications",
    "mean",
    "ci95_low",
    "ci95_high",
    "difference_mean",
    "difference_ci95_low",
    "difference_ci95_high",
    "unpaired_difference_ci95_low",
    "unpaired_difference_ci95_high",
];

/// Formats a number for CSV: shortest round-trip form, empty for "not defined".
pub fn number(x: f64) -> String {
    if x.is_finite() { format!("{x}") } else { String::new() }
}

/// `n` with its noun, singular for one: `1 run`, `3 runs`.
pub fn counted(n: impl Into<u64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A number for people: about four significant digits, no scientific notation
/// for everyday sizes, whole numbers without decimals (tables printed by the CLI).
pub fn short_number(x: f64) -> String {
    match decimals_for_people(x) {
        None => "0".into(),
        Some(decimals) => format!("{x:.decimals$}"),
    }
}

/// Decimals that show `x` to about four significant digits, the rule of every
/// number printed for people (CLI tables, reports): none for whole numbers and
/// from 10,000 up, 1 from 100, 3 from 1, 4 below; `None` for zero.
pub fn decimals_for_people(x: f64) -> Option<usize> {
    if x == 0.0 {
        None
    } else if x.fract() == 0.0 && x.abs() < 1e15 {
        Some(0)
    } else {
        Some(decimals_by_size(x))
    }
}

/// The decimals of [`decimals_for_people`] by size alone (a whole number too).
fn decimals_by_size(x: f64) -> usize {
    match x.abs() {
        a if a >= 1e4 => 0,
        a if a >= 100.0 => 1,
        a if a >= 1.0 => 3,
        _ => 4,
    }
}

/// `mean ± half_width` for people (CLI tables, `result.txt`): the mean as
/// [`short_number`], the half-width likewise but with no more decimals than a
/// mean of its size shows, and `0` when it rounds to nothing there: a value the
/// replications agree on reads `400000 ± 0`, not `400000 ± 0.0000`.
pub fn short_plus_minus(mean: f64, half_width: f64) -> String {
    let most = if mean == 0.0 { usize::MAX } else { decimals_by_size(mean) };
    let decimals = decimals_for_people(half_width).map_or(0, |d| d.min(most));
    let shown = format!("{half_width:.decimals$}");
    let shown = if shown.chars().all(|c| c == '0' || c == '.') { "0".to_string() } else { shown };
    format!("{} ± {shown}", short_number(mean))
}

/// The FNV-1a state before any byte.
const FNV1A64_START: u64 = 0xcbf2_9ce4_8422_2325;

/// FNV-1a, 64 bits: a stable fingerprint (not a cryptographic hash).
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    fnv1a64_continue(FNV1A64_START, bytes)
}

/// FNV-1a, 64 bits, continued over `bytes` from `state` (a file hashed a piece at
/// a time; start from `fnv1a64(&[])`).
pub fn fnv1a64_continue(state: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(state, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3))
}

/// Fingerprint of the validated model: equal for two scenario files that
/// describe the same model, whatever their layout, comments or `extends` chain.
///
/// The hash is of the model's `Debug` text, fed to FNV-1a piece by piece as it is
/// written: a province's text is tens of megabytes, never held whole.
pub fn model_hash(model: &Model) -> String {
    use std::fmt::Write;
    let mut hasher = Fnv1a64(FNV1A64_START);
    write!(hasher, "{model:?}").expect("hashing never fails");
    format!("{:016x}", hasher.0)
}

/// FNV-1a over text as it is written (see [`model_hash`]).
struct Fnv1a64(u64);

impl std::fmt::Write for Fnv1a64 {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0 = fnv1a64_continue(self.0, s.as_bytes());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_model_hash_is_fnv1a_of_the_whole_debug_text() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/small-department.ron");
        let model = crate::scenario::load(&path).expect("the shipped county loads");
        let whole = format!("{:016x}", fnv1a64(format!("{model:?}").as_bytes()));
        assert_eq!(model_hash(&model), whole);
    }

    #[test]
    fn fnv1a64_matches_its_reference_values() {
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64_continue(fnv1a64(b"fo"), b"o"), fnv1a64(b"foo"));
    }

    #[test]
    fn numbers_are_written_in_full_or_left_empty() {
        assert_eq!(number(0.1), "0.1");
        assert_eq!(number(f64::NAN), "");
        assert_eq!(short_number(7.02345), "7.023");
    }

    #[test]
    fn a_half_width_has_no_more_decimals_than_its_mean() {
        let cases = [
            // Replications that agree, up to rounding: no "400000 ± 0.0000".
            (400_000.0, 1e-11, "400000 ± 0"),
            (400_000.0, 0.0, "400000 ± 0"),
            (0.0123, 1e-7, "0.0123 ± 0"),
            (7.02345, 0.00123, "7.023 ± 0.001"),
            (123_456.7, 1234.6, "123457 ± 1235"),
            // A whole mean keeps the decimals of its size for a real spread.
            (2.0, 2.484, "2 ± 2.484"),
            (3.0, 0.3, "3 ± 0.300"),
            (0.0, 0.0123, "0 ± 0.0123"),
        ];
        for (mean, half_width, expected) in cases {
            assert_eq!(short_plus_minus(mean, half_width), expected, "{mean} ± {half_width}");
        }
    }
}
