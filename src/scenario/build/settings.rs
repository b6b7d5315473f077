//! The scalar sections: the scenario's name and run period, the applicant's
//! costs, the front office and the handoff costs.

use crate::scenario::Number;
use crate::scenario::checks::{Checker, folder_name_problem, non_negative_problem, required};
use crate::scenario::limits;
use crate::scenario::model::{Applicant, DateWindow, FrontOffice, Handoff, HandoffCost, date_window};
use crate::scenario::raw::{RawApplicant, RawFrontOffice, RawHandoff, RawHandoffCost, RawWindow};
use crate::scenario::sources::Needle::{Field, Index};
use crate::time::{Date, from_hours, from_minutes};

/// The name and run period of a scenario; `None` where a value is missing or wrong.
pub(super) struct RunPeriod {
    pub name: Option<String>,
    pub start_date: Option<Date>,
    pub horizon_days: Option<u32>,
    pub warmup_days: u32,
}

/// Checks the name (it names the output folder), the start date, the horizon and
/// the warm-up.
pub(super) fn run_period(
    c: &mut Checker,
    name: Option<String>,
    start_date: Option<String>,
    horizon_days: Option<u32>,
    warmup_days: Option<u32>,
) -> RunPeriod {
    let name = required(c, name, "name");
    if let Some(problem) = name.as_deref().and_then(folder_name_problem) {
        c.at(None, &[Field("name")], "", problem);
    }
    let start_date = required(c, start_date, "start_date").and_then(|s| {
        let d = Date::parse(&s);
        if d.is_none() {
            c.at_field("start_date", format!("`{s}` is not a date: expected YYYY-MM-DD"));
        }
        d
    });
    let horizon_days = required(c, horizon_days, "horizon_days");
    let warmup_days = warmup_days.unwrap_or(0);
    if let Some(h) = horizon_days {
        if h == 0 {
            c.at_field("horizon_days", "horizon_days must be at least 1".to_string());
        } else if let Some(message) = limits::horizon(h) {
            c.at_field("horizon_days", message);
        } else if let Some(last) = start_date.map(|d| d.plus_days(i64::from(h) - 1))
            && last.year > 9999
        {
            let message = format!(
                "the run would end in the year {}: dates are written YYYY-MM-DD, up to 9999-12-31; start earlier or shorten horizon_days",
                last.year
            );
            c.at_field("horizon_days", message);
        } else if warmup_days >= h {
            c.at_field(
                "warmup_days",
                format!("warm-up ({warmup_days} days) must be shorter than the horizon ({h} days)"),
            );
        }
    }
    RunPeriod { name, start_date, horizon_days, warmup_days }
}

/// The cooldown after the horizon and the date windows; a window must lie inside
/// the measured period, its end not before its start.
pub(super) fn measuring(
    c: &mut Checker,
    run: &RunPeriod,
    cooldown_days: Option<u32>,
    windows: Option<Vec<RawWindow>>,
) -> (u32, Vec<DateWindow>) {
    let cooldown = cooldown_days.unwrap_or(0);
    if cooldown > limits::MAX_COOLDOWN_DAYS {
        let message = format!(
            "cooldown_days is {cooldown}, more than {} (the limit `MAX_COOLDOWN_DAYS` in src/scenario/limits.rs): measured cases that take longer are reported as open",
            limits::MAX_COOLDOWN_DAYS
        );
        c.at_field("cooldown_days", message);
    }
    let mut list = Vec::new();
    for (i, w) in windows.unwrap_or_default().iter().enumerate() {
        let mut date = |field: &'static str, text: &str| {
            let d = Date::parse(text);
            if d.is_none() {
                let message = format!("`{text}` is not a date: expected YYYY-MM-DD");
                c.at(None, &[Field("windows"), Index(i), Field(field)], "", message);
            }
            d
        };
        let (from, to) = (date("from", &w.from), date("to", &w.to));
        let (Some(from), Some(to), Some(start), Some(horizon)) = (from, to, run.start_date, run.horizon_days) else {
            continue;
        };
        match date_window(start, run.warmup_days, horizon, from, to) {
            Ok(window) => list.push(window),
            Err(message) => {
                let field = if to.days_since_epoch() < from.days_since_epoch() { "to" } else { "from" };
                c.at(None, &[Field("windows"), Index(i), Field(field)], "", message);
            }
        }
    }
    (cooldown, list)
}

/// The applicant's value of time and the time a trip and a missing document take.
pub(super) fn applicant(c: &mut Checker, raw: Option<RawApplicant>) -> Option<Applicant> {
    required(c, raw, "applicant").map(|a| {
        for (what, v) in [
            ("value_of_time_cny_per_hour", a.value_of_time_cny_per_hour),
            ("travel_hours_per_trip", a.travel_hours_per_trip),
            ("document_hours_per_missing", a.document_hours_per_missing),
        ] {
            if let Some(message) = non_negative_problem(what, v) {
                c.at_field(what, message);
            } else if what == "value_of_time_cny_per_hour"
                && let Some(message) = limits::money(what, v)
            {
                c.at_field(what, message);
            } else if let Some(message) = limits::minutes(what, v * 60.0) {
                c.at_field(what, message);
            }
        }
        Applicant {
            value_of_time_cny_per_hour: a.value_of_time_cny_per_hour,
            travel_hours_per_trip: a.travel_hours_per_trip,
            document_hours_per_missing: a.document_hours_per_missing,
        }
    })
}

/// Where window steps are served: each department's windows, or a general hall.
pub(super) fn front_office(c: &mut Checker, raw: Option<RawFrontOffice>) -> FrontOffice {
    match raw.unwrap_or(RawFrontOffice::PerDepartment) {
        RawFrontOffice::PerDepartment => FrontOffice::PerDepartment,
        RawFrontOffice::General { windows } => {
            if let Some(message) = limits::count("windows of the general hall", windows) {
                c.at(None, &[Field("front_office"), Field("windows")], "", message);
            }
            FrontOffice::General { windows }
        }
    }
}

/// The delay and effort of handing a case over, within and between departments.
pub(super) fn handoff(c: &mut Checker, raw: Option<RawHandoff>) -> Option<Handoff> {
    required(c, raw, "handoff").map(|h| {
        for (what, cost) in
            [("between_departments", &h.between_departments), ("within_department", &h.within_department)]
        {
            for (field, value, minutes_per_unit) in
                [("delay_hours", cost.delay_hours, 60.0), ("effort_minutes", cost.effort_minutes, 1.0)]
            {
                let place = [Field("handoff"), Field(what), Field(field)];
                let name = format!("{field} of the handoff {}", what.replace('_', " "));
                if let Some(message) = non_negative_problem(&name, value) {
                    c.at(None, &place, "", message);
                } else if let Some(message) = limits::minutes(&name, value * minutes_per_unit) {
                    c.at(None, &place, "", message);
                }
            }
        }
        let cost = |h: &RawHandoffCost| HandoffCost {
            delay: from_hours(h.delay_hours),
            effort: from_minutes(h.effort_minutes),
        };
        Handoff {
            between_departments: cost(&h.between_departments),
            within_department: cost(&h.within_department),
            // Set with the jurisdiction tree, if any.
            between_levels: HandoffCost { delay: 0, effort: 0 },
        }
    })
}

/// The share of a window step's work that an online case's intake takes: a
/// fraction in [0, 1], 1 (today's full window time) when unset.
pub(super) fn online_intake(c: &mut Checker, raw: Option<f64>) -> f64 {
    let fraction = raw.unwrap_or(1.0);
    if !(0.0..=1.0).contains(&fraction) {
        let what = "online_intake_work_fraction";
        c.at_field(
            what,
            format!("{what} is a fraction of the window time and must be in [0, 1], found {}", Number(fraction)),
        );
    }
    fraction
}
