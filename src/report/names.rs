//! What the report calls each indicator, and the unit it reads from the column
//! name's suffix (`_cny`, `_days`, `_minutes`, `_share`, …).

/// The indicators a decision maker reads first, in the order they are shown.
pub(super) const HEADLINE: [&str; 14] = [
    "admin_cost_cny_per_year",
    "admin_cost_cny_per_case",
    "headcount_established",
    "headcount_contract",
    "cases_completed",
    "utilisation_share",
    "wait_minutes_mean",
    "lead_time_days_mean",
    "trips_per_case",
    "at_most_one_trip_share",
    "on_time_share",
    "abandonment_share",
    "applicant_burden_cny_per_case",
    "satisfaction_mean",
];

/// The indicators a sweep charts against each parameter.
pub(super) const SWEPT: [&str; 9] = [
    "admin_cost_cny_per_case",
    "utilisation_share",
    "wait_minutes_mean",
    "lead_time_days_mean",
    "trips_per_case",
    "at_most_one_trip_share",
    "on_time_share",
    "abandonment_share",
    "satisfaction_mean",
];

/// A readable name for a column.
pub(super) fn label(column: &str) -> String {
    let known = match column {
        "measured_days" => "Measured days",
        "cases_arrived" => "Cases arrived",
        "cases_completed" => "Cases completed",
        "cases_abandoned" => "Cases abandoned",
        "cases_in_progress" => "Cases in progress at the end",
        "admin_cost_cny" => "Administrative cost",
        "admin_cost_cny_per_year" => "Administrative cost per year",
        "admin_cost_cny_per_case" => "Administrative cost per completed case",
        "personnel_established_cost_cny" => "Established staff",
        "personnel_contract_cost_cny" => "Contract staff",
        "overhead_cost_cny" => "Overhead",
        "reform_one_off_cost_cny" => "Reform, one-off",
        "reform_running_cost_cny" => "Reform, running",
        "budget_excess_cny" => "Cost beyond the budget",
        "headcount_established" => "Established staff",
        "headcount_contract" => "Contract staff",
        "utilisation_share" => "Staff utilisation",
        "wait_minutes_mean" => "Wait in queues, mean",
        "lead_time_days_mean" => "Lead time, mean",
        "lead_time_days_p90" => "Lead time, 90th percentile",
        "trips_per_case" => "Trips per case",
        "at_most_one_trip_share" => "Done in at most one trip",
        "online_share" => "Done online",
        "on_time_share" => "Done within the promised time",
        "rework_per_case" => "Steps redone per case",
        "abandonment_share" => "Abandoned",
        "applicant_hours_per_case" => "Applicant time per case",
        "applicant_burden_cny_per_case" => "Applicant burden per case",
        "satisfaction_mean" => "Satisfaction, mean",
        "satisfied_share" => "Satisfied applicants",
        "complaints_per_1000_cases" => "Complaints",
        "handoffs_between_departments_per_case" => "Hand-offs between departments per case",
        _ => "",
    };
    if !known.is_empty() {
        return known.into();
    }
    let mut text = column.replace('_', " ");
    if let Some(first) = text.get(..1) {
        text.replace_range(..1, &first.to_uppercase());
    }
    text
}

/// How a column's values are shown: a unit, and the factor from the file's value
/// (shares are shown as percentages).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Unit {
    /// The unit as printed ("" for a pure number).
    pub name: &'static str,
    /// Shown value = file value × scale.
    pub scale: f64,
}

/// The unit of a column, read from its name.
pub(super) fn unit(column: &str) -> Unit {
    let name = if column.ends_with("_share") {
        return Unit { name: "%", scale: 100.0 };
    } else if column.ends_with("_cny_per_case") {
        "CNY per case"
    } else if column.ends_with("_cny_per_year") {
        "CNY per year"
    } else if column.ends_with("_cny") {
        "CNY"
    } else if column.contains("_days") {
        "days"
    } else if column.contains("_minutes") {
        "minutes"
    } else if column.ends_with("_hours_per_case") {
        "hours per case"
    } else if column.ends_with("_hours") {
        "hours"
    } else if column.ends_with("_per_1000_cases") {
        "per 1,000 cases"
    } else if column.ends_with("_per_case") {
        "per case"
    } else if column.starts_with("headcount") {
        "staff"
    } else if column.starts_with("cases_") {
        "cases"
    } else if column.starts_with("satisfaction") {
        "index 0–1"
    } else {
        ""
    };
    Unit { name, scale: 1.0 }
}

/// The values a column can take, as read from the file (before the unit's scale):
/// shares and the satisfaction index lie in [0, 1]; every other quantity with a
/// unit (a cost, a time, a count, a rate per case) cannot be negative; a column
/// without a unit, or one that may be a shortfall or excess, is unbounded.
pub(super) fn bounds(column: &str) -> (f64, f64) {
    if column.ends_with("_share") || column.starts_with("satisfaction") {
        (0.0, 1.0)
    } else if column.starts_with("steps") {
        (0.0, f64::INFINITY)
    } else if unit(column).name.is_empty()
        || ["excess", "change", "saving", "difference"].iter().any(|w| column.contains(w))
    {
        (f64::NEG_INFINITY, f64::INFINITY)
    } else {
        (0.0, f64::INFINITY)
    }
}

/// A 95% interval `low..high` of `column`'s mean, cut to the values the column can
/// take: a t-interval from few replications may reach below zero or above 100%,
/// where no mean can lie.
pub(super) fn clip(column: &str, low: f64, high: f64) -> (f64, f64) {
    let (lo, hi) = bounds(column);
    (low.max(lo), high.min(hi))
}

/// A 95% interval of the difference `x − reference` of `column`, cut to the
/// differences possible when the reference's mean is `reference`: a quantity that
/// cannot be negative falls by at most its reference value (−100%), a share rises
/// to at most 100%.
pub(super) fn clip_difference(column: &str, reference: f64, low: f64, high: f64) -> (f64, f64) {
    let (lo, hi) = bounds(column);
    (low.max(lo - reference), high.min(hi - reference))
}

/// True for a total over the measured period (a count of cases, a sum of money
/// or of hours), which grows with the length of the run; false for a mean, a
/// share, a rate, a level at the end (headcount, cases in progress) or a
/// per-year figure.
pub(super) fn is_total(column: &str) -> bool {
    let count = column.starts_with("cases_") && column != "cases_in_progress";
    let sum =
        (column.ends_with("_cny") && !column.contains("_per_")) || column.ends_with("_hours") || column == "steps";
    count || sum
}

/// "Label (unit)", or the label alone for a pure number.
pub(super) fn with_unit(column: &str) -> String {
    let text = label(column);
    match unit(column).name {
        "" => text,
        u if text.to_lowercase().ends_with(u) => text,
        u => format!("{text} ({u})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_come_from_the_column_names() {
        let check = [
            ("admin_cost_cny", "CNY"),
            ("admin_cost_cny_per_case", "CNY per case"),
            ("lead_time_days_p90", "days"),
            ("wait_minutes_mean", "minutes"),
            ("on_time_share", "%"),
            ("handoff_delay_hours_per_case", "hours per case"),
            ("complaints_per_1000_cases", "per 1,000 cases"),
            ("trips_per_case", "per case"),
            ("headcount_contract", "staff"),
            ("events", ""),
        ];
        for (column, expected) in check {
            assert_eq!(unit(column).name, expected, "{column}");
        }
        assert_eq!(with_unit("rework_per_case"), "Steps redone per case");
        assert_eq!(with_unit("lead_time_days_mean"), "Lead time, mean (days)");
        assert_eq!(label("handoff_delay_hours_per_case"), "Handoff delay hours per case");
    }

    #[test]
    fn totals_are_told_from_means_and_levels() {
        for total in ["cases_completed", "cases_abandoned", "admin_cost_cny", "work_hours", "steps"] {
            assert!(is_total(total), "{total}");
        }
        for other in [
            "cases_in_progress",
            "admin_cost_cny_per_year",
            "admin_cost_cny_per_case",
            "utilisation_share",
            "headcount_established",
            "wait_minutes_mean",
            "public_service_cny_per_resident",
        ] {
            assert!(!is_total(other), "{other}");
        }
    }

    #[test]
    fn intervals_respect_the_bounds_of_their_quantity() {
        // A share's t-interval from two replications reaching past 0% and 100%.
        assert_eq!(clip("abandonment_share", -0.02, 1.3), (0.0, 1.0));
        assert_eq!(clip("satisfaction_mean", 0.9, 1.05), (0.9, 1.0));
        // A time cannot be negative; nothing caps it.
        assert_eq!(clip("wait_minutes_mean", -3.0, 9.0), (0.0, 9.0));
        // A column without a unit, or an excess, keeps its interval.
        assert_eq!(clip("events", -3.0, 9.0), (-3.0, 9.0));
        assert_eq!(clip("budget_excess_cny", -3.0, 9.0), (-3.0, 9.0));
        // A difference from a reference of 40 minutes cannot fall below −40
        // (−100%); a share's difference from 0.7 cannot exceed +0.3.
        assert_eq!(clip_difference("wait_minutes_mean", 40.0, -55.0, 10.0), (-40.0, 10.0));
        let (low, high) = clip_difference("on_time_share", 0.7, -0.8, 0.5);
        assert!(low == -0.7 && (high - 0.3).abs() < 1e-12, "{low} {high}");
        assert_eq!(clip("steps_queued", -2.0, 5.0), (0.0, 5.0));
        let (low, high) = clip_difference("trips_per_case", 1.5, -1.9, -0.2);
        assert!((low / 1.5 * 100.0 + 100.0).abs() < 1e-12 && high == -0.2);
    }
}
