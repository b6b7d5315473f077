//! The problem collector that validation writes to, and the checks of single
//! values (required, positive, a probability, an amount of money, a distribution)
//! that the section builders share.

use super::raw::Origin;
use super::sources::{Needle, Sources};
use super::{Diagnostic, Minutes, Number, limits, nearest, shown};

/// Collects problems while validating.
pub(super) struct Checker<'a> {
    pub(super) sources: &'a Sources,
    pub(super) problems: Vec<Diagnostic>,
}

impl Checker<'_> {
    /// Reports a problem about a top-level field.
    pub(super) fn at_field(&mut self, field: &str, message: String) {
        let location = self.sources.locate_field(field);
        self.problems.push(Diagnostic { location, message });
    }

    /// Reports a problem at a place in a scenario file, or at the `column` of a
    /// CSV row or of a `jurisdictions.levels` entry for entries written there.
    pub(super) fn at(&mut self, origin: Option<&Origin>, place: &[Needle], column: &str, message: String) {
        let location = match origin {
            Some(Origin::Csv { path, line }) => self.sources.locate_csv(path, *line, column),
            Some(&Origin::Level { level, list, index }) => {
                use super::sources::Needle::{Field, Index};
                let at = [Field("jurisdictions"), Field("levels"), Index(level), Field(list), Index(index)];
                match column {
                    "" => self.sources.locate_path(&at),
                    _ => self.sources.locate_path(&[at[0], at[1], at[2], at[3], at[4], Field(column)]),
                }
            }
            None => self.sources.locate_path(place),
        };
        self.problems.push(Diagnostic { location, message });
    }

    /// Reports a name that would print as nothing or as another name: empty or
    /// only spaces, with a control character (a line break, a tab), or with
    /// spaces at its ends. Such a name is a column of nothing in the output
    /// tables, or looks there like a name it is not.
    pub(super) fn name_at(&mut self, origin: Option<&Origin>, place: &[Needle], column: &str, kind: &str, name: &str) {
        if let Some(message) = name_message(kind, name) {
            self.at(origin, place, column, message);
        }
    }

    /// Reports an unknown name at a place, with the nearest known one.
    pub(super) fn unknown_at(
        &mut self,
        origin: Option<&Origin>,
        place: &[Needle],
        column: &str,
        kind: &str,
        name: &str,
        known: &[&str],
    ) {
        let hint = nearest(name, known.iter().copied()).map(|s| format!(" — did you mean `{s}`?")).unwrap_or_default();
        self.at(origin, place, column, format!("unknown {kind} `{}`{hint}", shown(name)));
    }
}

/// Why `name` (of a department, service, step, sweep parameter…) would print
/// as nothing or as another name, if it would: empty or only spaces, with a
/// control character, or with spaces at its ends.
pub(crate) fn name_problem(name: &str) -> Option<&'static str> {
    if name.trim().is_empty() {
        Some("is empty")
    } else if name.chars().any(char::is_control) {
        Some("contains a control character (a line break or a tab)")
    } else if name.trim() != name {
        Some("starts or ends with a space")
    } else {
        None
    }
}

/// The message for a `kind`'s name (a department's, a jurisdiction's…) that
/// [`name_problem`] refuses, if it does.
pub(super) fn name_message(kind: &str, name: &str) -> Option<String> {
    name_problem(name)
        .map(|problem| format!("the {kind} name {:?} {problem}: write the name as it should be printed", shown(name)))
}

/// Why a scenario name cannot name its output folder `results/<name>/`, if it cannot.
pub(super) fn folder_name_problem(name: &str) -> Option<String> {
    let bad = |c: char| c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|');
    let problem = if name.trim().is_empty() {
        "is empty"
    } else if name.chars().any(bad) {
        "contains a character that cannot be in a folder name (/ \\ : * ? \" < > | or a control character)"
    } else if name.starts_with('.') {
        "starts with a dot"
    } else if name.trim() != name {
        "starts or ends with a space"
    } else if name.chars().count() > 100 {
        "is longer than 100 characters"
    } else {
        return None;
    };
    Some(format!(
        "the name `{name}` {problem}: it names the output folder results/<name>/, so it must be a plain folder name"
    ))
}

pub(super) fn required<T>(c: &mut Checker, value: Option<T>, field: &str) -> Option<T> {
    if value.is_none() {
        let location = c.sources.top();
        c.problems.push(Diagnostic {
            location,
            message: format!("missing field `{field}` (set it here or in the scenario this one extends)"),
        });
    }
    value
}

pub(super) fn positive(
    c: &mut Checker,
    origin: Option<&Origin>,
    place: &[Needle],
    column: &str,
    what: &str,
    value: f64,
) {
    if !value.is_finite() {
        c.at(origin, place, column, format!("{what} must be a finite positive number, found {}", Number(value)));
    } else if value <= 0.0 {
        c.at(origin, place, column, format!("{what} must be a positive number, found {}", Number(value)));
    }
}

pub(super) fn non_negative(
    c: &mut Checker,
    origin: Option<&Origin>,
    place: &[Needle],
    column: &str,
    what: &str,
    value: f64,
) {
    if let Some(message) = non_negative_problem(what, value) {
        c.at(origin, place, column, message);
    }
}

/// What is wrong with `value` where a finite number, zero or more, is needed:
/// infinity is more than zero, so a value that is not finite (`inf`, `NaN`) is
/// said to be that, and only a negative one to be below zero.
pub(crate) fn non_negative_problem(what: &str, value: f64) -> Option<String> {
    if !value.is_finite() {
        Some(format!("{what} must be a finite number, found {}", Number(value)))
    } else if value < 0.0 {
        Some(format!("{what} must be zero or more, found {}", Number(value)))
    } else {
        None
    }
}

/// An amount of money: zero or more, and within [`limits::MAX_CNY`].
pub(super) fn money(c: &mut Checker, origin: Option<&Origin>, place: &[Needle], column: &str, what: &str, value: f64) {
    non_negative(c, origin, place, column, what, value);
    // An infinite amount is said once, as not finite.
    if value.is_finite()
        && let Some(message) = limits::money(what, value)
    {
        c.at(origin, place, column, message);
    }
}

pub(super) fn probability(
    c: &mut Checker,
    origin: Option<&Origin>,
    place: &[Needle],
    column: &str,
    what: &str,
    value: f64,
) {
    if !(0.0..=1.0).contains(&value) {
        c.at(origin, place, column, format!("{what} is a probability and must be in [0, 1], found {}", Number(value)));
    }
}

/// What is wrong with a distribution of minutes, if anything.
pub(in crate::scenario) fn distribution_problem(m: &Minutes) -> Option<String> {
    let positive = |name: &str, v: f64| {
        if v.is_finite() {
            (v <= 0.0).then(|| {
                // Zero time has its own way of being written; a family's mean is its scale.
                let zero = if v == 0.0 { " (a time of zero is written Constant(minutes: 0.0))" } else { "" };
                format!("{name} must be more than 0, found {}{zero}", Number(v))
            })
        } else {
            Some(format!("{name} must be a finite number, found {}", Number(v)))
        }
    };
    let non_negative = |name: &str, v: f64| non_negative_problem(name, v);
    let ordered = |a: f64, b: f64| a <= b;
    match *m {
        Minutes::Exponential { mean_minutes } => positive("mean_minutes", mean_minutes),
        Minutes::LogNormal { mean_minutes, cv } => positive("mean_minutes", mean_minutes).or_else(|| non_negative("cv", cv)),
        Minutes::Triangular { min_minutes, mode_minutes, max_minutes } => non_negative("min_minutes", min_minutes)
            .or_else(|| positive("max_minutes", max_minutes))
            .or_else(|| {
                (!(ordered(min_minutes, mode_minutes) && ordered(mode_minutes, max_minutes))).then(|| {
                    format!("needs min_minutes ≤ mode_minutes ≤ max_minutes, found {min_minutes}, {mode_minutes} and {max_minutes}")
                })
            }),
        Minutes::Uniform { min_minutes, max_minutes } => non_negative("min_minutes", min_minutes)
            .or_else(|| positive("max_minutes", max_minutes))
            .or_else(|| {
                (!ordered(min_minutes, max_minutes))
                    .then(|| format!("needs min_minutes ≤ max_minutes, found {min_minutes} and {max_minutes}"))
            }),
        Minutes::Constant { minutes } => non_negative("minutes", minutes),
        Minutes::Empirical { ref minutes } => {
            if minutes.is_empty() {
                Some("needs at least one value in `minutes`".to_string())
            } else {
                minutes.iter().find_map(|&v| non_negative("every value", v))
            }
        }
    }
}

pub(super) fn check_minutes(
    c: &mut Checker,
    origin: Option<&Origin>,
    place: &[Needle],
    column: &str,
    what: &str,
    m: &Minutes,
) {
    if let Some(problem) = distribution_problem(m) {
        c.at(origin, place, column, format!("{what}: {problem}"));
    } else if let Some(message) = limits::distribution(what, m) {
        c.at(origin, place, column, message);
    }
}
