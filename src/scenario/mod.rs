//! Scenarios: reading RON files (and the CSV files they name), then validating
//! them into the [`Model`] the engine runs.
//!
//! Loading happens in two steps, as ripgrep does with its flags: [`raw`] mirrors
//! the file, [`validate`] checks everything and resolves names. All problems are
//! collected and reported together, each pointing at a file, line and column.

mod build;
mod calendars;
mod checks;
pub(crate) use checks::name_problem;
mod halls;
mod jurisdictions;
pub mod limits;
mod load;
pub mod model;
mod names;
pub mod post_rules;
pub mod raw;
mod reforms;
pub mod ron_tree;
mod sources;
mod structures;
mod validate;
mod warnings;

pub use warnings::warnings;

use std::fmt;
use std::path::PathBuf;

pub use load::{
    load, load_from_str, load_with_inputs, read_text, resolve_in_project, ron_problem, shipped_project,
    syntax_diagnostic, warnings_apart_from_parent,
};
pub use model::*;
pub use sources::{duplicate_keys, plus_signs};

/// A place in an input file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// The file.
    pub path: PathBuf,
    /// 1-based line (0 when unknown).
    pub line: usize,
    /// 1-based column (0 when unknown).
    pub column: usize,
    /// The text of that line, when known.
    pub snippet: Option<String>,
}

/// One problem found in a scenario.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Where.
    pub location: Location,
    /// What is wrong and what to do.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    /// Renders the problem as a compiler would: the message, the place, and the
    /// line with the offending text underlined.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let loc = &self.location;
        write!(
            f,
            "error: {}\n  --> {}",
            escape_controls(&clip_quoted(&self.message)),
            escape_controls(&loc.path.display().to_string())
        )?;
        if loc.line > 0 {
            write!(f, ":{}:{}", loc.line, loc.column)?;
        }
        if let Some(snippet) = &loc.snippet
            && loc.line > 0
        {
            let gutter = loc.line.to_string();
            let blank = " ".repeat(gutter.len());
            let (shown, column) = clip(snippet, loc.column.max(1));
            let csv = loc.path.extension().is_some_and(|e| e.eq_ignore_ascii_case("csv"));
            let width = underline_width(&shown, column, csv);
            // Control characters are shown escaped, so the underline counts the
            // characters each one is shown as.
            let chars: Vec<char> = shown.chars().collect();
            let shown_width = |c: &char| escape_controls(&c.to_string()).chars().count();
            let pad: String = chars
                .iter()
                .take(column - 1)
                .map(|c| if *c == '\t' { "\t".to_string() } else { " ".repeat(shown_width(c)) })
                .collect();
            let underline: usize = chars.iter().skip(column - 1).take(width).map(shown_width).sum();
            write!(f, "\n{blank} |\n{gutter} | {}", escape_controls(&shown))?;
            write!(f, "\n{blank} | {pad}{}", "^".repeat(underline.max(1)))?;
        }
        Ok(())
    }
}

/// `message` with each name quoted in it (between backticks) cut as [`shown`]
/// cuts it: a name of megabytes, listed twice or named in any other problem,
/// would otherwise fill the terminal (unknown names are cut where reported).
pub(crate) fn clip_quoted(message: &str) -> std::borrow::Cow<'_, str> {
    let parts = || message.split('`').enumerate();
    if !parts().any(|(i, part)| i % 2 == 1 && part.chars().nth(SHOWN_NAME_CHARS).is_some()) {
        return std::borrow::Cow::Borrowed(message);
    }
    let mut out = String::new();
    for (i, part) in parts() {
        if i > 0 {
            out.push('`');
        }
        out.push_str(&if i % 2 == 1 { shown(part) } else { part.into() });
    }
    out.into()
}

/// `text` with control characters (a NUL byte, an escape sequence, a carriage
/// return) written as `\u{…}`, so that a message shows them instead of sending
/// them to the terminal. Tabs and line breaks are kept.
pub fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| {
        c.is_control() && c != '\t' && c != '\n'
            || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    };
    if !text.chars().any(bad) {
        return std::borrow::Cow::Borrowed(text);
    }
    text.chars()
        .map(|c| if bad(c) { format!("\\u{{{:x}}}", c as u32) } else { c.to_string() })
        .collect::<String>()
        .into()
}

/// A number as a planner would write it: plain when of everyday size, in
/// exponent notation (`1e308`, `2.5e-9`) when very large or very small.
#[derive(Clone, Copy, Debug)]
pub struct Number(pub f64);

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = self.0;
        if v.is_finite() && v != 0.0 && !(1e-6..1e15).contains(&v.abs()) {
            write!(f, "{v:e}")
        } else {
            write!(f, "{v}")
        }
    }
}

/// "a" or "an" for `word`, by the sound it starts with ("an approver", "a window
/// clerk", "a unit").
pub fn article(word: &str) -> &'static str {
    let w = word.trim_start_matches(['`', '"']).to_lowercase();
    let you = ["uni", "use", "usu", "uti", "eu", "one"].iter().any(|p| w.starts_with(p));
    if !you && w.starts_with(['a', 'e', 'i', 'o', 'u']) || w.starts_with("hour") { "an" } else { "a" }
}

/// Longest part of a line shown in a message, in characters.
const SNIPPET_CHARS: usize = 160;

/// The part of `line` to show around `column` (1-based, in characters) and the
/// column within it: long lines (CSV rows, generated files) are cut with `…`.
fn clip(line: &str, column: usize) -> (String, usize) {
    let chars: Vec<char> = line.trim_end().chars().collect();
    if chars.len() <= SNIPPET_CHARS {
        let n = chars.len();
        return (chars.into_iter().collect(), column.min(n + 1));
    }
    let start = column.saturating_sub(SNIPPET_CHARS / 2).min(chars.len().saturating_sub(SNIPPET_CHARS));
    let end = (start + SNIPPET_CHARS).min(chars.len());
    let mut shown = String::new();
    let mut column = column - start;
    if start > 0 {
        shown.push('…');
        column += 1;
    }
    shown.extend(&chars[start..end]);
    if end < chars.len() {
        shown.push('…');
    }
    (shown, column.min(end - start + 1))
}

/// How many characters to underline from `column` (1-based): a quoted string, a
/// word or number, a CSV field, or a single character.
fn underline_width(line: &str, column: usize, csv: bool) -> usize {
    let rest: Vec<char> = line.chars().skip(column - 1).collect();
    let Some(&first) = rest.first() else { return 1 };
    let width = if csv {
        let mut quoted = false;
        rest.iter()
            .take_while(|&&c| {
                if c == '"' {
                    quoted = !quoted;
                }
                quoted || c != ','
            })
            .count()
    } else if first == '"' {
        let mut escaped = false;
        let closing = rest.iter().skip(1).position(|&c| {
            let end = c == '"' && !escaped;
            escaped = c == '\\' && !escaped;
            end
        });
        closing.map_or(rest.len(), |i| i + 2)
    } else if first.is_alphanumeric() || first == '_' || first == '-' || first == '+' {
        rest.iter().take_while(|&&c| c.is_alphanumeric() || matches!(c, '_' | '-' | '+' | '.')).count()
    } else {
        1
    };
    width.max(1)
}

/// Why a scenario could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// A file named by the user or by the scenario could not be read.
    #[error("{}", io_message(path, source, hint))]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
        /// " — did you mean `…`?" with the nearest existing file names, or nothing.
        hint: String,
    },
    /// The scenario is malformed or inconsistent; every problem found is listed.
    #[error("{}", render_diagnostics(.0))]
    Invalid(Vec<Diagnostic>),
}

impl LoadError {
    /// The error as printed on its own: the diagnostics, each under its `error:`
    /// heading, or the reason a file could not be read under one.
    pub fn report(&self) -> String {
        match self {
            LoadError::Invalid(_) => self.to_string(),
            LoadError::Io { .. } => format!("error: {self}"),
        }
    }
}

/// Why a file could not be read, in words: a folder is said to be one.
fn io_message(path: &std::path::Path, source: &std::io::Error, hint: &str) -> String {
    let shown = escape_controls(&path.display().to_string()).into_owned();
    if source.kind() == std::io::ErrorKind::IsADirectory {
        format!("{shown} is a folder, not a file: name a file in it{hint}")
    } else {
        format!("cannot read {shown}: {source}{hint}")
    }
}

/// Renders diagnostics one after another, with the count of problems last.
pub fn render_diagnostics(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for (i, d) in diagnostics.iter().enumerate() {
        if i > 0 {
            out.push_str("\n\n");
        }
        out.push_str(&d.to_string());
    }
    let n = diagnostics.len();
    out.push_str(&format!("\n\n{n} problem{} found", if n == 1 { "" } else { "s" }));
    out
}

/// Longest name echoed in a message, in characters.
const SHOWN_NAME_CHARS: usize = 80;

/// `name` as a message echoes it: whole up to [`SHOWN_NAME_CHARS`] characters,
/// longer ones cut with `…` (an unknown name of megabytes, a stray paste, would
/// otherwise fill the terminal; the snippet shows where it is).
pub fn shown(name: &str) -> std::borrow::Cow<'_, str> {
    match name.char_indices().nth(SHOWN_NAME_CHARS) {
        None => name.into(),
        Some((cut, _)) => format!("{}…", &name[..cut]).into(),
    }
}

/// The closest of `candidates` to `name`, if close enough to be a likely
/// misspelling: by edit distance counting a swap of two neighbouring letters as
/// one edit (`Teu` is one edit from `Tue`), and among equally near names the one
/// with the same letters.
pub fn nearest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let length = name.chars().count();
    let limit = (length / 3).max(2);
    // The edit distance is at least the difference of the lengths: names of other
    // lengths are not compared (a name of megabytes against each candidate took
    // minutes and gigabytes).
    let candidates: Vec<&'a str> =
        candidates.into_iter().filter(|c| c.chars().count().abs_diff(length) <= limit).collect();
    if candidates.is_empty() {
        return None;
    }
    let name = name.to_lowercase();
    let letters = |s: &str| {
        let mut l: Vec<char> = s.chars().collect();
        l.sort_unstable();
        l
    };
    let own = letters(&name);
    candidates
        .into_iter()
        .map(|c| {
            let lower = c.to_lowercase();
            (edit_distance(&name, &lower), letters(&lower) != own, c)
        })
        .filter(|&(d, _, _)| d <= limit)
        .min_by_key(|&(d, other_letters, _)| (d, other_letters))
        .map(|(_, _, c)| c)
}

/// Edit distance between two strings, by characters, with swaps of neighbouring
/// characters (Damerau–Levenshtein).
fn edit_distance(a: &str, b: &str) -> usize {
    strsim::damerau_levenshtein(a, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_nearest_name() {
        let names = ["Tax Bureau", "Transport Bureau", "Finance Bureau"];
        assert_eq!(nearest("Tax Bureu", names), Some("Tax Bureau"));
        assert_eq!(nearest("Police", names), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(nearest("Teu", ["Mon", "Thu", "Tue"]), Some("Tue"));
        assert_eq!(nearest("Teu", ["Thu", "Tue"]), Some("Tue"));
    }

    #[test]
    fn numbers_and_articles_read_well() {
        assert_eq!(Number(1e308).to_string(), "1e308");
        assert_eq!(Number(-2.5e-9).to_string(), "-2.5e-9");
        assert_eq!(Number(262800.0).to_string(), "262800");
        assert_eq!(Number(0.05).to_string(), "0.05");
        assert_eq!(article("approver"), "an");
        assert_eq!(article("window_clerk"), "a");
        assert_eq!(article("inspector"), "an");
        assert_eq!(article("unit"), "a");
        assert_eq!(escape_controls("a\0b\x1b[2J"), "a\\u{0}b\\u{1b}[2J");
    }

    #[test]
    fn long_quoted_names_are_cut_in_every_message() {
        let long = "x".repeat(100_000);
        let problem = Diagnostic {
            location: Location { path: "a.ron".into(), line: 0, column: 0, snippet: None },
            message: format!("service `{long}` is listed twice; `short` stays"),
        };
        let text = problem.to_string();
        assert!(text.len() < 300, "{} bytes", text.len());
        assert!(text.contains(&format!("`{}…` is listed twice; `short` stays", "x".repeat(80))), "{text}");
        assert_eq!(clip_quoted("an odd ` backtick"), "an odd ` backtick");
    }
}
