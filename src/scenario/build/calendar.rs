//! The time sections: the working calendar (opening hours, working days,
//! holidays, make-up working days) and the arrival profiles (hour, weekday and month weights).

use std::collections::BTreeMap;

use crate::scenario::checks::{Checker, non_negative_problem};
use crate::scenario::limits;
use crate::scenario::model::{CalendarSpec, Profile};
use crate::scenario::raw::{RawCalendar, RawProfile};
use crate::scenario::sources::Needle::{self, Field, Named, Quoted};
use crate::time::{Date, parse_time_of_day};

/// Where a calendar's problems are reported: the scenario's own `calendar` (its
/// fields found by name, as before there were others), or one of a jurisdiction
/// tree's named calendars (`jurisdictions.calendars."name"`, its name in each message).
#[derive(Clone, Copy)]
pub(in crate::scenario) struct Place<'a> {
    named: Option<&'a str>,
}

impl<'a> Place<'a> {
    /// The scenario's own calendar.
    pub(in crate::scenario) const SCENARIO: Place<'static> = Place { named: None };

    /// The tree's calendar `name`.
    pub(in crate::scenario) fn named(name: &'a str) -> Place<'a> {
        Place { named: Some(name) }
    }

    /// Reports a problem with the calendar as a whole.
    fn whole(self, c: &mut Checker, message: String) {
        match self.named {
            None => c.at_field("calendar", message),
            Some(name) => c.at(None, &self.path(&[]), "", format!("calendar `{name}`: {message}")),
        }
    }

    /// Reports a problem with its field `field`.
    fn field(self, c: &mut Checker, field: &str, message: String) {
        match self.named {
            None => c.at_field(field, message),
            Some(name) => c.at(None, &self.path(&[Field(field)]), "", format!("calendar `{name}`: {message}")),
        }
    }

    /// Reports a problem at `tail` within it.
    fn at(self, c: &mut Checker, tail: &[Needle], message: String) {
        match self.named {
            None => c.at(None, tail, "", message),
            Some(name) => c.at(None, &self.path(tail), "", format!("calendar `{name}`: {message}")),
        }
    }

    fn path<'b>(&self, tail: &[Needle<'b>]) -> Vec<Needle<'b>>
    where
        'a: 'b,
    {
        let mut path = match self.named {
            Some(name) => vec![Field("jurisdictions"), Field("calendars"), Quoted(name)],
            None => Vec::new(),
        };
        path.extend_from_slice(tail);
        path
    }
}

/// The working calendar, with its intervals sorted; problems reported at `place`.
pub(in crate::scenario) fn calendar(c: &mut Checker, raw: RawCalendar, place: Place) -> Option<CalendarSpec> {
    match raw {
        RawCalendar::AllDay => Some(CalendarSpec::AllDay),
        RawCalendar::Working { opening_hours, working_days, holidays, make_up_working_days, unlisted_years } => {
            let mut intervals = Vec::new();
            for i in &opening_hours {
                match (parse_time_of_day(&i.start), parse_time_of_day(&i.end)) {
                    (Some(s), Some(e)) if s < e => intervals.push((s, e)),
                    _ => place.at(
                        c,
                        &[Field("opening_hours"), Named("start", &i.start)],
                        format!(
                            "opening interval {}–{} is not a valid range: write HH:MM times, the start before the end",
                            i.start, i.end
                        ),
                    ),
                }
            }
            intervals.sort_unstable();
            if intervals.windows(2).any(|w| w[0].1 > w[1].0) {
                place.field(c, "opening_hours", "opening intervals overlap".to_string());
            }
            let mut days = [false; 7];
            for (i, d) in working_days.iter().enumerate() {
                if days[d.index()] {
                    let name = WEEKDAY_NAMES[d.index()];
                    place.at(
                        c,
                        &[Field("working_days"), Needle::Index(i)],
                        format!("{name} is listed twice in working_days"),
                    );
                }
                days[d.index()] = true;
            }
            if opening_hours.is_empty() || !days.iter().any(|&d| d) {
                place.whole(
                    c,
                    "the calendar is never open: give opening hours and at least one working day".to_string(),
                );
            }
            let texts = holidays;
            let holidays = dates(c, place, "holidays", "holiday", &texts);
            let mut seen = std::collections::HashSet::new();
            for (i, d) in texts.iter().enumerate().filter_map(|(i, t)| Date::parse(t).map(|d| (i, d))) {
                if !seen.insert(d.days_since_epoch()) {
                    place.at(c, &[Field("holidays"), Needle::Index(i)], format!("holiday `{d}` is listed twice"));
                }
            }
            let make_up_days = make_up(c, place, &make_up_working_days, &holidays, &days);
            Some(CalendarSpec::Working {
                opening_hours: intervals,
                working_days: days,
                holidays,
                make_up_days,
                unlisted_years_stated: unlisted_years.is_some(),
            })
        }
    }
}

/// The dates of a list (`field`), each a `what`; those that do not parse are reported.
fn dates(c: &mut Checker, place: Place, field: &str, what: &str, texts: &[String]) -> Vec<Date> {
    if let Some(message) = limits::holidays(texts.len()) {
        place.field(c, field, message);
    }
    let mut parsed = Vec::new();
    for h in texts {
        match Date::parse(h) {
            Some(d) => parsed.push(d),
            None => place.at(c, &[Field(field), Quoted(h)], format!("{what} `{h}` is not a date: expected YYYY-MM-DD")),
        }
    }
    parsed
}

/// Weekday names, Monday first.
const WEEKDAY_NAMES: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/// The make-up working days: each a day the weekly pattern closes (a weekend
/// day), listed once and not also a holiday.
fn make_up(c: &mut Checker, place: Place, texts: &[String], holidays: &[Date], weekdays: &[bool; 7]) -> Vec<Date> {
    let field = "make_up_working_days";
    let parsed = dates(c, place, field, "make-up working day", texts);
    let located = texts.iter().filter_map(|t| Date::parse(t).map(|d| (t, d)));
    for (i, (text, d)) in located.enumerate() {
        let d = &d;
        let at = [Field(field), Quoted(text)];
        if weekdays[d.weekday().index()] {
            let message = format!(
                "make-up working day `{d}` is a {}, already a working day: list the weekend days worked instead (调休上班)",
                WEEKDAY_NAMES[d.weekday().index()]
            );
            place.at(c, &at, message);
        } else if parsed[..i].contains(d) {
            place.at(c, &at, format!("make-up working day `{d}` is listed twice"));
        } else if holidays.contains(d) {
            let message = format!("`{d}` is listed both as a holiday and as a make-up working day: keep one");
            place.at(c, &at, message);
        }
    }
    parsed
}

/// The arrival profiles, in name order.
pub(super) fn profiles(c: &mut Checker, raw: BTreeMap<String, RawProfile>) -> Vec<Profile> {
    let mut out = Vec::new();
    for (name, p) in raw {
        let place = [Field("arrival_profiles"), Quoted(&name)];
        let all = p.hour_of_day.iter().chain(&p.day_of_week).chain(&p.month_of_year);
        if let Some(w) = all.clone().find(|w| !(w.is_finite() && **w >= 0.0)) {
            let what = format!("arrival profile `{name}`: weights");
            c.at(None, &place, "", non_negative_problem(&what, *w).expect("found not finite or below zero"));
        } else if let Some(message) = all.clone().find_map(|&w| limits::profile_weight(&name, w)) {
            c.at(None, &place, "", message);
        }
        let (Ok(hour_of_day), Ok(day_of_week), Ok(month_of_year)) = (
            <[f64; 24]>::try_from(p.hour_of_day.as_slice()),
            <[f64; 7]>::try_from(p.day_of_week.as_slice()),
            <[f64; 12]>::try_from(p.month_of_year.as_slice()),
        ) else {
            c.at(
                None,
                &place,
                "",
                format!(
                    "arrival profile `{name}` needs 24 hour_of_day, 7 day_of_week and 12 month_of_year weights, found {}, {} and {}",
                    p.hour_of_day.len(),
                    p.day_of_week.len(),
                    p.month_of_year.len()
                ),
            );
            // Kept (empty) so that services naming it are not also reported; the
            // problem above rejects the scenario anyway.
            out.push(Profile { name, hour_of_day: [0.0; 24], day_of_week: [0.0; 7], month_of_year: [0.0; 12] });
            continue;
        };
        if hour_of_day.iter().sum::<f64>() <= 0.0
            || day_of_week.iter().sum::<f64>() <= 0.0
            || month_of_year.iter().sum::<f64>() <= 0.0
        {
            c.at(None, &place, "", format!("arrival profile `{name}` is zero everywhere: nobody would arrive"));
        }
        out.push(Profile { name, hour_of_day, day_of_week, month_of_year });
    }
    out
}
