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
}
