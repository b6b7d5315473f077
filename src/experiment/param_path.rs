//! Parameter paths into a scenario file, such as
//! `services[name="Business licence"].online_share`, and setting the value they
//! name in the scenario's RON text.
//!
//! A path is a chain of segments separated by dots. A segment is a field name,
//! optionally followed by brackets: `[2]` (the third element of a list),
//! `[name="Tax Bureau"]` or `[department="Tax Bureau",role=WindowClerk]` (the one
//! element of a list whose fields have these values; quotes may be double or
//! single, and may be left out for names without spaces or punctuation), or
//! `["default"]` (an entry of a map). Struct and enum variant names are looked
//! through: `front_office.windows` reaches `front_office: General(windows: 3)`.
//!
//! Paths act on the RON text, not on CSV catalogues: rows read from
//! `services_csv`, `staff_csv` or `documents_csv` are swept by copying them into
//! the RON file (see `docs/experiments.md`).

use std::fmt;
use std::path::{Path, PathBuf};

use super::ron_tree::{self, Kind, Node};
use crate::scenario::shown;

/// Longest `extends` chain followed when looking for an inherited field.
const MAX_EXTENDS_DEPTH: usize = 32;

/// A parsed parameter path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParamPath {
    text: String,
    segments: Vec<Segment>,
}

/// One step of a path.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Segment {
    /// A named field of a struct.
    Field(String),
    /// An element of a list by position.
    Index(usize),
    /// An entry of a map by key.
    Key(String),
    /// The one element of a list whose fields have these values.
    Select(Vec<(String, String)>),
}

impl fmt::Display for ParamPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Why a path could not be read or applied.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PathError {
    /// The path itself is malformed.
    #[error("malformed parameter path `{path}` at character {column}: {message}")]
    Syntax {
        /// The path as written.
        path: String,
        /// 1-based character position of the problem.
        column: usize,
        /// What was expected.
        message: String,
    },
    /// The path names something the scenario does not have.
    #[error("parameter path `{path}`: {message}")]
    NotFound {
        /// The path as written.
        path: String,
        /// What is missing and what exists instead.
        message: String,
    },
    /// A file of the `extends` chain could not be read or parsed.
    #[error("parameter path `{path}`: cannot read {} (named by `extends`): {message}", file.display())]
    Extends {
        /// The path as written.
        path: String,
        /// The file.
        file: PathBuf,
        /// The reason.
        message: String,
    },
    /// The scenario text is not RON (the scenario loader reports the details).
    #[error("{} is not valid RON: {source}", file.display())]
    Scenario {
        /// The scenario file.
        file: PathBuf,
        /// The parser's complaint.
        source: ron_tree::SyntaxError,
    },
}

/// The longest parameter path, in characters (a scenario's deepest setting,
/// with its keys written out, takes about a hundred).
pub const MAX_PATH_CHARS: usize = 1_000;

impl ParamPath {
    /// Parses a path such as `staff[department="Tax Bureau",role=WindowClerk].count`.
    pub fn parse(text: &str) -> Result<ParamPath, PathError> {
        let chars: Vec<char> = text.chars().collect();
        if chars.len() > MAX_PATH_CHARS {
            // Echoed whole, a pasted page would bury the message.
            let head: String = chars[..60].iter().collect();
            return Err(PathError::Syntax {
                path: format!("{head}…"),
                column: MAX_PATH_CHARS + 1,
                message: format!(
                    "a parameter path is at most {MAX_PATH_CHARS} characters; this one has {}",
                    chars.len()
                ),
            });
        }
        let mut at = 0;
        let error = |at: usize, message: &str| PathError::Syntax {
            path: text.to_string(),
            column: at + 1,
            message: message.to_string(),
        };
        let mut segments = Vec::new();
        loop {
            let start = at;
            while at < chars.len() && (chars[at].is_alphanumeric() || chars[at] == '_') {
                at += 1;
            }
            if start == at {
                return Err(error(at, "expected a field name"));
            }
            segments.push(Segment::Field(chars[start..at].iter().collect()));
            while at < chars.len() && chars[at] == '[' {
                let (segment, next) = parse_brackets(&chars, at + 1).map_err(|(at, m)| error(at, &m))?;
                segments.push(segment);
                at = next;
            }
            match chars.get(at) {
                None => break,
                Some('.') => at += 1,
                Some(_) => return Err(error(at, "expected `.`, `[` or the end of the path")),
            }
        }
        Ok(ParamPath { text: text.to_string(), segments })
    }

    /// The path as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The top-level field of the scenario the path starts at (`horizon_days`,
    /// `services`).
    pub fn first_field(&self) -> &str {
        match self.segments.first() {
            Some(Segment::Field(name)) => name,
            _ => "",
        }
    }

    fn not_found(&self, message: String) -> PathError {
        PathError::NotFound { path: self.text.clone(), message }
    }
}

/// Parses the inside of `[…]` starting at `at`; returns the segment and the
/// position after `]`.
fn parse_brackets(chars: &[char], mut at: usize) -> Result<(Segment, usize), (usize, String)> {
    let skip_spaces = |at: &mut usize| {
        while *at < chars.len() && chars[*at] == ' ' {
            *at += 1;
        }
    };
    skip_spaces(&mut at);
    // `[3]`: an index.
    let digits_start = at;
    while at < chars.len() && chars[at].is_ascii_digit() {
        at += 1;
    }
    if at > digits_start {
        let digits: String = chars[digits_start..at].iter().collect();
        skip_spaces(&mut at);
        if chars.get(at) == Some(&']') {
            let index = digits.parse().map_err(|_| (digits_start, "index too large".to_string()))?;
            return Ok((Segment::Index(index), at + 1));
        }
        return Err((at, "expected `]` after the index".into()));
    }
    // `["key"]`: a map entry.
    if matches!(chars.get(at), Some('"' | '\'')) {
        let (key, next) = parse_word(chars, at)?;
        let mut next = next;
        skip_spaces(&mut next);
        if chars.get(next) == Some(&']') {
            return Ok((Segment::Key(key), next + 1));
        }
        return Err((next, "expected `]` after the key".into()));
    }
    // `[field=value, …]`: a selection.
    let mut pairs = Vec::new();
    loop {
        skip_spaces(&mut at);
        let start = at;
        while at < chars.len() && (chars[at].is_alphanumeric() || chars[at] == '_') {
            at += 1;
        }
        if start == at {
            return Err((at, "expected an index, a quoted key or `field=value`".into()));
        }
        let field: String = chars[start..at].iter().collect();
        skip_spaces(&mut at);
        if chars.get(at) != Some(&'=') {
            return Err((at, format!("expected `=` after `{field}`")));
        }
        at += 1;
        skip_spaces(&mut at);
        let (value, next) = parse_word(chars, at)?;
        at = next;
        pairs.push((field, value));
        skip_spaces(&mut at);
        match chars.get(at) {
            Some(',') => at += 1,
            Some(']') => return Ok((Segment::Select(pairs), at + 1)),
            _ => return Err((at, "expected `,` or `]`".into())),
        }
    }
}

/// A quoted string (`"…"` or `'…'`, backslash escapes the next character) or a
/// bare word up to `,` or `]`.
fn parse_word(chars: &[char], mut at: usize) -> Result<(String, usize), (usize, String)> {
    match chars.get(at) {
        Some(&quote @ ('"' | '\'')) => {
            let start = at;
            at += 1;
            let mut word = String::new();
            loop {
                match chars.get(at) {
                    None => return Err((start, "unterminated quote".into())),
                    Some('\\') if at + 1 < chars.len() => {
                        word.push(chars[at + 1]);
                        at += 2;
                    }
                    Some(&c) if c == quote => return Ok((word, at + 1)),
                    Some(&c) => {
                        word.push(c);
                        at += 1;
                    }
                }
            }
        }
        _ => {
            let start = at;
            while at < chars.len() && chars[at] != ',' && chars[at] != ']' {
                at += 1;
            }
            let word: String = chars[start..at].iter().collect::<String>().trim().to_string();
            if word.is_empty() {
                return Err((start, "expected a value".into()));
            }
            Ok((word, at))
        }
    }
}

/// Where a path leads in the text.
enum Target {
    /// Replace this byte range with the value.
    Replace(std::ops::Range<usize>),
    /// The field is absent from its struct: insert `name: value` at this offset.
    Insert { at: usize, name: String, needs_comma: bool },
}

/// Sets every `(path, value)` in `text`, the RON text of the scenario at `file`,
/// in order, and returns the new text. `value` is RON text (`4`, `0.25`,
/// `"Tax Bureau"`, `General(windows: 3)`).
///
/// A top-level field that the file leaves to the scenario it `extends` is first
/// copied from that scenario, then changed.
pub fn apply(file: &Path, text: &str, edits: &[(&ParamPath, &str)]) -> Result<String, PathError> {
    let mut text = text.to_string();
    for (path, value) in edits {
        let root = parse_scenario(file, &text)?;
        if let Some(Segment::Field(first)) = path.segments.first()
            && root.field(first).is_none()
            && let Some(inherited) = inherited_field(file, &root, first, path)?
        {
            text = splice(&text, &insertion(&root, first)?, &inherited);
        }
        let root = parse_scenario(file, &text)?;
        let target = locate(&text, &root, path)?;
        text = splice(&text, &target, value);
    }
    Ok(text)
}

/// The pairs `(i, j)`, `i < j`, of `entries` (an owner, such as a parameter's
/// name or `fixed`, and a path) of different owners whose places in `text`
/// collide: setting the second undoes or breaks what the first set (the same
/// value, or one inside the other), so one would silently win.
pub fn collisions(file: &Path, text: &str, entries: &[(&str, &ParamPath)]) -> Vec<(usize, usize)> {
    const FIRST: &str = "8642097531.25";
    const SECOND: &str = "9753108642.75";
    let mut found = Vec::new();
    for (i, (owner_a, a)) in entries.iter().enumerate() {
        let Ok(with_a) = apply(file, text, &[(a, FIRST)]) else { continue };
        for (j, (owner_b, b)) in entries.iter().enumerate().skip(i + 1) {
            if owner_a == owner_b {
                continue;
            }
            let collide = match apply(file, &with_a, &[(b, SECOND)]) {
                Ok(both) => get(file, &both, a).ok() != Some(FIRST),
                // `b` no longer resolves once `a` is set: `a` holds it.
                Err(_) => apply(file, text, &[(b, SECOND)]).is_ok(),
            };
            if collide {
                found.push((i, j));
            }
        }
    }
    found
}

/// What the scenario says about `value` set at `path` in `text` (the RON text of
/// the scenario at `file`), if it cannot read the text with it: the message,
/// and whether it is about the value itself (its type: a number where it has a
/// list, text where it has a number, a whole number out of range) rather than
/// about the place (a field the scenario does not have, which the path added).
/// Only the RON syntax and types of the one file are read
/// ([`crate::scenario::ron_problem`]), and only when `text` reads without a
/// problem: else the problem could be another's, and is left to the loader.
pub fn edit_problem(
    file: &Path,
    text: &str,
    path: &ParamPath,
    value: &str,
) -> Result<Option<(String, bool)>, PathError> {
    if crate::scenario::ron_problem(file, text).is_some() {
        return Ok(None);
    }
    let text = apply(file, text, &[(path, value)])?;
    let Some(problem) = crate::scenario::ron_problem(file, &text) else { return Ok(None) };
    let (line, column) = (problem.location.line, problem.location.column);
    let line_start: usize = text.split('\n').take(line.saturating_sub(1)).map(|l| l.len() + 1).sum();
    let line_text = text.get(line_start..).and_then(|rest| rest.split('\n').next()).unwrap_or_default();
    let offset = line_start + line_text.chars().take(column.saturating_sub(1)).map(char::len_utf8).sum::<usize>();
    let in_value = line > 0 && span(file, &text, path)?.contains(&offset);
    Ok(Some((problem.message, in_value)))
}

/// Reads the text of the value at `path` in `text` (for checks and messages).
pub fn get<'t>(file: &Path, text: &'t str, path: &ParamPath) -> Result<&'t str, PathError> {
    span(file, text, path).map(|span| &text[span])
}

/// Where in `text` the value at `path` is (byte offsets).
pub fn span(file: &Path, text: &str, path: &ParamPath) -> Result<std::ops::Range<usize>, PathError> {
    let root = parse_scenario(file, text)?;
    match locate(text, &root, path)? {
        Target::Replace(span) => Ok(span),
        Target::Insert { .. } => {
            Err(path.not_found(format!("`{}` is not set in {}", last_field(path), file.display())))
        }
    }
}

fn last_field(path: &ParamPath) -> &str {
    path.segments
        .iter()
        .rev()
        .find_map(|s| match s {
            Segment::Field(f) => Some(f.as_str()),
            _ => None,
        })
        .unwrap_or("")
}

fn parse_scenario(file: &Path, text: &str) -> Result<Node, PathError> {
    ron_tree::parse(text).map_err(|source| PathError::Scenario { file: file.to_path_buf(), source })
}

fn splice(text: &str, target: &Target, value: &str) -> String {
    match target {
        Target::Replace(span) => format!("{}{}{}", &text[..span.start], value, &text[span.end..]),
        Target::Insert { at, name, needs_comma } => {
            let comma = if *needs_comma { ", " } else { "" };
            format!("{}{comma}{name}: {value}{}", &text[..*at], &text[*at..])
        }
    }
}

/// Where to insert a new field `name` into the struct `node`.
fn insertion(node: &Node, name: &str) -> Result<Target, PathError> {
    match &node.kind {
        Kind::Struct { fields, close, .. } => Ok(match fields.last() {
            Some(last) => Target::Insert { at: last.span.end, name: name.to_string(), needs_comma: true },
            None => Target::Insert { at: *close, name: name.to_string(), needs_comma: false },
        }),
        _ => Err(PathError::NotFound { path: name.to_string(), message: "not a struct".into() }),
    }
}

/// The text of top-level field `name` in the chain of scenarios `root` extends.
fn inherited_field(file: &Path, root: &Node, name: &str, path: &ParamPath) -> Result<Option<String>, PathError> {
    let mut current_file = file.to_path_buf();
    let mut current = root.clone();
    for _ in 0..MAX_EXTENDS_DEPTH {
        // `extends: "x"` or `extends: Some("x")`.
        let Some(Node { kind: Kind::String(parent), .. }) = current.field("extends").map(Node::unwrapped) else {
            return Ok(None);
        };
        // The scenario loader's path rule, before reading anything.
        let parent_file =
            crate::scenario::resolve_in_project(file, "scenario", &current_file, parent).map_err(|message| {
                PathError::Extends {
                    path: path.text.clone(),
                    file: current_file.parent().unwrap_or(Path::new("")).join(parent),
                    message,
                }
            })?;
        let extends_error =
            |message: String| PathError::Extends { path: path.text.clone(), file: parent_file.clone(), message };
        let parent_text = super::files::read_text(&parent_file).map_err(|e| extends_error(e.to_string()))?;
        let parent_root = ron_tree::parse(&parent_text).map_err(|e| extends_error(e.to_string()))?;
        if let Some(value) = parent_root.field(name) {
            if name.ends_with("_csv") || name == "extends" {
                return Err(path.not_found(format!(
                    "`{name}` holds paths relative to {}; set it in {} itself",
                    parent_file.display(),
                    file.display()
                )));
            }
            return Ok(Some(parent_text[value.span.clone()].to_string()));
        }
        current_file = parent_file;
        current = parent_root;
    }
    Ok(None)
}

/// Follows `path` through the tree.
fn locate(text: &str, root: &Node, path: &ParamPath) -> Result<Target, PathError> {
    let mut node = root;
    let mut walked = String::new();
    let count = path.segments.len();
    for (i, segment) in path.segments.iter().enumerate() {
        let last = i + 1 == count;
        let here = if walked.is_empty() { "the scenario".to_string() } else { format!("`{walked}`") };
        let inner = node.unwrapped();
        let next = match segment {
            Segment::Field(name) => match inner.field(name) {
                Some(value) => value,
                None if last && matches!(inner.kind, Kind::Struct { .. }) => return insertion(inner, name),
                None => {
                    let known = match &inner.kind {
                        Kind::Struct { fields, .. } => {
                            fields.iter().map(|f| format!("`{}`", f.name)).collect::<Vec<_>>().join(", ")
                        }
                        _ => String::new(),
                    };
                    let message = if known.is_empty() {
                        format!("{here} is {}, which has no field `{name}`", inner.describe())
                    } else {
                        format!("{here} has no field `{name}` (it has {known})")
                    };
                    return Err(path.not_found(message));
                }
            },
            Segment::Index(index) => match &inner.kind {
                Kind::List(items) => items.get(*index).ok_or_else(|| {
                    path.not_found(format!(
                        "{here} has {} element{}, so there is no [{index}] (counting from 0)",
                        items.len(),
                        if items.len() == 1 { "" } else { "s" }
                    ))
                })?,
                _ => return Err(path.not_found(format!("{here} is {}, not a list", inner.describe()))),
            },
            Segment::Key(key) => match &inner.kind {
                Kind::Map(entries) => entries
                    .iter()
                    .find(|(k, _)| matches_word(text, k, key))
                    .map(|(_, v)| v)
                    .ok_or_else(|| path.not_found(format!("{here} has no key {:?}", shown(key))))?,
                _ => return Err(path.not_found(format!("{here} is {}, not a map", inner.describe()))),
            },
            Segment::Select(pairs) => {
                let Kind::List(items) = &inner.kind else {
                    return Err(path.not_found(format!("{here} is {}, not a list", inner.describe())));
                };
                select(text, root, items, pairs, &here, path)?
            }
        };
        walked = segment_text(&walked, segment);
        node = next;
    }
    Ok(Target::Replace(node.span.clone()))
}

/// The one element of `items` whose fields match `pairs`.
fn select<'n>(
    text: &str,
    root: &Node,
    items: &'n [Node],
    pairs: &[(String, String)],
    here: &str,
    path: &ParamPath,
) -> Result<&'n Node, PathError> {
    let matching: Vec<&Node> = items
        .iter()
        .filter(|item| pairs.iter().all(|(k, v)| item.field(k).is_some_and(|f| matches_word(text, f, v))))
        .collect();
    let wanted = pairs.iter().map(|(k, v)| format!("{} = {:?}", shown(k), shown(v))).collect::<Vec<_>>().join(", ");
    match matching.as_slice() {
        [one] => Ok(one),
        [] => {
            let first_key = &pairs[0].0;
            let present: Vec<String> = items
                .iter()
                .filter_map(|item| item.field(first_key))
                .map(|f| match &f.kind {
                    Kind::String(s) => format!("{:?}", shown(s)),
                    _ => text[f.span.clone()].to_string(),
                })
                .collect();
            let mut message = format!("no element of {here} has {wanted}");
            if !present.is_empty() {
                message.push_str(&format!(" ({first_key} values present: {})", present.join(", ")));
            }
            let csv_fields: Vec<&str> = ["services_csv", "staff_csv", "documents_csv"]
                .into_iter()
                .filter(|f| root.field(f).is_some())
                .collect();
            if !csv_fields.is_empty() {
                message.push_str(&format!(
                    "; rows read from {} are not part of the RON text: copy the rows to sweep into the RON file",
                    csv_fields.join(" or ")
                ));
            }
            Err(path.not_found(message))
        }
        many => Err(path.not_found(format!(
            "{} elements of {here} have {wanted}; add another field to the brackets to pick one",
            many.len()
        ))),
    }
}

/// True if `node` is the string `word`, or a plain value written as `word`.
fn matches_word(text: &str, node: &Node, word: &str) -> bool {
    match &node.kind {
        Kind::String(s) => s == word,
        Kind::Scalar => text[node.span.clone()].trim() == word,
        _ => false,
    }
}

fn segment_text(walked: &str, segment: &Segment) -> String {
    match segment {
        Segment::Field(name) if walked.is_empty() => shown(name).into_owned(),
        Segment::Field(name) => format!("{walked}.{}", shown(name)),
        Segment::Index(i) => format!("{walked}[{i}]"),
        Segment::Key(k) => format!("{walked}[{:?}]", shown(k)),
        Segment::Select(pairs) => {
            let inside =
                pairs.iter().map(|(k, v)| format!("{}={:?}", shown(k), shown(v))).collect::<Vec<_>>().join(",");
            format!("{walked}[{inside}]")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCENARIO: &str = r#"// Test scenario.
Scenario(
    name: "test",
    horizon_days: 400,
    front_office: General(windows: 3),
    arrival_profiles: {"default": (hour_of_day: [1.0, 2.0])},
    departments: [
        (name: "Tax Bureau", functions: ["tax"], overhead_cny_per_year: 0.0, windows: 2),
        (name: "Office", functions: ["service"], overhead_cny_per_year: 0.0),
    ],
    staff: [
        (department: "Tax Bureau", role: WindowClerk, employment: Established, count: 3, annual_cost_cny: 1.0),
        (department: "Tax Bureau", role: Reviewer, employment: Established, count: 2, annual_cost_cny: 1.0),
        (department: "Office", role: WindowClerk, employment: Contract, count: 1, annual_cost_cny: 1.0),
    ],
    services: [
        Service(name: "Business licence", volume_per_year: 10.0, time_limit_working_days: 1, steps: []),
    ],
    services_csv: (services: "services.csv", steps: "steps.csv"),
    reforms: [Reform(start: "2017-03-01", ramp_days: 180, lever: Online(target_share: 0.5, max_share: 0.6))],
)
"#;

    fn set(path: &str, value: &str) -> Result<String, PathError> {
        let path = ParamPath::parse(path)?;
        apply(Path::new("test.ron"), SCENARIO, &[(&path, value)])
    }

    fn check(path: &str, value: &str, expected_line: &str) {
        let text = set(path, value).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert!(text.contains(expected_line), "{path}: expected {expected_line:?} in\n{text}");
        ron_tree::parse(&text).unwrap_or_else(|e| panic!("{path}: result is not RON: {e}\n{text}"));
    }

    #[test]
    fn sets_values_by_field_index_selection_and_key() {
        check("horizon_days", "60", "horizon_days: 60,");
        check("departments[0].windows", "5", "overhead_cny_per_year: 0.0, windows: 5)");
        check("departments[name='Tax Bureau'].windows", "6", "windows: 6)");
        check(
            r#"staff[department="Tax Bureau",role=WindowClerk].count"#,
            "4",
            "role: WindowClerk, employment: Established, count: 4,",
        );
        check("services[name=\"Business licence\"].online_share", "0.25", "steps: [], online_share: 0.25)");
        check("front_office.windows", "7", "General(windows: 7)");
        check("front_office", "PerDepartment", "front_office: PerDepartment,");
        check("reforms[0].lever.target_share", "0.7", "Online(target_share: 0.7, max_share: 0.6)");
        check("arrival_profiles[\"default\"].hour_of_day[1]", "3.5", "[1.0, 3.5]");
        // A field the struct leaves out is added.
        check("departments[1].windows", "2", "overhead_cny_per_year: 0.0, windows: 2)");
        check("warmup_days", "3", "warmup_days: 3");
    }

    #[test]
    fn reports_what_is_missing_and_what_exists() {
        let cases = [
            ("departments[5].windows", "has 2 elements, so there is no [5]"),
            ("departments[name=\"Police\"].windows", "names values present: \"Tax Bureau\", \"Office\""),
            ("staff[department=\"Tax Bureau\"].count", "2 elements of `staff` have"),
            ("horizon_days.x", "`horizon_days` is a plain value, which has no field `x`"),
            ("front_office.windows.x", "is a plain value"),
            ("departments.windows", "`departments` is a list, which has no field `windows`"),
            ("services[name=Passport].online_share", "rows read from services_csv are not part of the RON text"),
        ];
        for (path, expected) in cases {
            let message = set(path, "1").expect_err(path).to_string();
            let expected = expected.replace("names values", "name values");
            assert!(message.contains(&expected), "{path}: expected {expected:?} in {message:?}");
        }
    }

    #[test]
    fn rejects_malformed_paths_with_a_position() {
        for (path, column) in [("", 1), ("a..b", 3), ("a[", 3), ("a[x]", 4), ("a[x=\"y]", 5), ("a b", 2)] {
            match ParamPath::parse(path) {
                Err(PathError::Syntax { column: c, .. }) => assert_eq!(c, column, "{path}"),
                other => panic!("{path}: {other:?}"),
            }
        }
        // A path pasted by mistake is refused without being echoed whole.
        let long = "a.".repeat(5_000) + "b";
        let message = ParamPath::parse(&long).expect_err("too long").to_string();
        assert!(message.contains("at most 1000 characters; this one has 10001"), "{message}");
        assert!(message.chars().count() < 300, "{message}");
    }

    #[test]
    fn several_edits_apply_in_order() {
        let a = ParamPath::parse("horizon_days").expect("path");
        let b = ParamPath::parse("departments[0].windows").expect("path");
        let text = apply(Path::new("t.ron"), SCENARIO, &[(&a, "10"), (&b, "9"), (&a, "11")]).expect("applies");
        assert_eq!(get(Path::new("t.ron"), &text, &a).expect("set"), "11");
        assert_eq!(get(Path::new("t.ron"), &text, &b).expect("set"), "9");
        assert!(text.starts_with("// Test scenario."), "comments are kept");
    }
}
